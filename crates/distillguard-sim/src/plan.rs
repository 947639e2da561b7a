//! The plan: which accounts exist, which population or campaign (and which group or
//! hydra cluster) each belongs to, and in what order they are written.
//!
//! In: a validated [`Scenario`] and a seed. Out: a [`Plan`], whose memory is a few
//! bytes per account (everything else about an account is re-derived from its index,
//! see `profile`), so the publicly described size stays cheap.

use crate::rng::{self, Stream};
use crate::scenario::Scenario;

/// What an account is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Member `member` of group `group` of benign population `population` (per-account
    /// kinds have one member per group).
    Benign {
        population: u32,
        group: u32,
        member: u32,
    },
    /// Account `member` of hydra cluster `cluster` of campaign `campaign`.
    Attack {
        campaign: u32,
        cluster: u32,
        member: u32,
    },
}

/// Every account, in output order (populations and campaigns interleaved).
#[derive(Debug, Clone)]
pub struct Plan {
    pub roles: Vec<Role>,
    /// Members per group, per population (for grouped kinds).
    pub group_sizes: Vec<Vec<u32>>,
    /// Accounts per cluster, per campaign.
    pub cluster_sizes: Vec<Vec<u32>>,
}

/// Key of a group inside a population, for group-level RNG streams.
pub fn group_key(population: u32, group: u32) -> u64 {
    (u64::from(population) << 32) | u64::from(group)
}

impl Plan {
    pub fn build(scenario: &Scenario, seed: u64) -> Plan {
        let mut roles = Vec::new();
        let mut group_sizes = Vec::new();
        for (p, population) in scenario.populations.iter().enumerate() {
            let p = p as u32;
            let mut sizes = Vec::new();
            for g in 0..population.count as u32 {
                let mut group_rng = rng::rng_for(seed, Stream::Group, group_key(p, g));
                let members =
                    rng::range(&mut group_rng, population.members[0], population.members[1]) as u32;
                sizes.push(members);
                for member in 0..members {
                    roles.push(Role::Benign {
                        population: p,
                        group: g,
                        member,
                    });
                }
            }
            group_sizes.push(sizes);
        }
        let mut cluster_sizes = Vec::new();
        for (c, campaign) in scenario.campaigns.iter().enumerate() {
            let clusters = campaign.clusters.max(1) as usize;
            let mut sizes = vec![0u32; clusters];
            // Uneven clusters: a few large proxy services and a tail of small ones.
            let mut campaign_rng = rng::rng_for(seed, Stream::Campaign, c as u64);
            let weights: Vec<f64> = (0..clusters)
                .map(|_| 0.3 + rng::lognormal_median(&mut campaign_rng, 1.0, 0.6))
                .collect();
            for i in 0..campaign.accounts as usize {
                let cluster = if i < clusters {
                    i
                } else {
                    rng::weighted(&mut campaign_rng, &weights)
                };
                if let Some(size) = sizes.get_mut(cluster) {
                    *size += 1;
                }
            }
            for (cluster, size) in sizes.iter().enumerate() {
                for member in 0..*size {
                    roles.push(Role::Attack {
                        campaign: c as u32,
                        cluster: cluster as u32,
                        member,
                    });
                }
            }
            cluster_sizes.push(sizes);
        }
        // Fisher-Yates with a dedicated stream: output order mixes everything.
        let mut order_rng = rng::rng_for(seed, Stream::Order, 0);
        for i in (1..roles.len()).rev() {
            let j = rng::range(&mut order_rng, 0, i as u64) as usize;
            roles.swap(i, j);
        }
        Plan {
            roles,
            group_sizes,
            cluster_sizes,
        }
    }

    pub fn len(&self) -> usize {
        self.roles.len()
    }

    pub fn is_empty(&self) -> bool {
        self.roles.is_empty()
    }
}
