//! Network: where an account's requests come from, as context for the analyst.
//!
//! The share of requests sent from hosting and cloud networks
//! (`distillguard_features::networks`) and the number of distinct networks (ASNs) the
//! requests came through, each against the population. Harvesting runs from rented
//! machines and rotates through proxy exits; people send from a home, a phone and an
//! office. These findings are shown with the evidence but **not scored** (their group,
//! [`Group::Network`], is left out of every total): real application back-ends and
//! evaluation harnesses run in clouds as well, and residential proxies are not
//! recognisable by network, so neither fact separates a campaign from a customer.
//! Example: "sent 64% of its requests from hosting and cloud networks (AS9009 (M247),
//! AS60068 (Datacamp (CDN77))); the median account 0%; context, not scored".

use distillguard_features::fingerprint::{AccountFingerprint, CappedSet, Population};
use distillguard_features::networks::HostingNetworks;
use distillguard_model::Evidence;

use super::{active, pct, shrink, Finding, Group};
use crate::population::Baseline;

/// Cap on each network finding's surprise (it orders the context, nothing more).
const CAP: f64 = 8.0;

/// Hosting networks named in a finding.
const NAMED: usize = 3;

/// A capped set's size in words: "12", or "more than 16" once values were refused.
fn counted<T>(set: &CappedSet<T>) -> String {
    if set.overflow > 0 {
        format!("more than {}", set.items.len())
    } else {
        set.items.len().to_string()
    }
}

/// Distinct networks (ASNs) an account used, as kept (at most `caps::ASNS`; the
/// overflow count of a capped set counts refusals, repeats included, so it is not used).
fn networks_used(a: &AccountFingerprint) -> f64 {
    a.stats.asns.items.len() as f64
}

pub struct Network {
    hosting: Baseline,
    networks: Baseline,
    listed: HostingNetworks,
}

impl Network {
    /// Baselines of `population`, naming the hosting networks its requests were
    /// counted against.
    pub fn fit(population: &Population) -> Network {
        let hosting: Vec<f64> = active(population)
            .map(|a| a.derived.hosting_share)
            .collect();
        let networks: Vec<f64> = active(population).map(networks_used).collect();
        Network {
            hosting: Baseline::of(&hosting, 0.05),
            networks: Baseline::of(&networks, 1.0),
            listed: population.hosting.clone(),
        }
    }

    /// " (AS16509 (Amazon AWS), AS9009 (M247), 2 more)": the listed hosting networks
    /// among `asns`, or nothing when there are none.
    fn named_hosting(&self, asns: impl Iterator<Item = u32>) -> String {
        let mut named: Vec<u32> = asns.filter(|&asn| self.listed.contains(asn)).collect();
        named.sort_unstable();
        named.dedup();
        let more = named.len().saturating_sub(NAMED);
        let mut list: Vec<String> = named
            .iter()
            .take(NAMED)
            .map(|&asn| HostingNetworks::describe(asn))
            .collect();
        if more > 0 {
            list.push(format!("{more} more"));
        }
        if list.is_empty() {
            String::new()
        } else {
            format!(" ({})", list.join(", "))
        }
    }

    /// The share of a cluster's requests sent from hosting networks, over all its
    /// members, against the account baseline (context, like the accounts' own).
    pub fn assess_cluster<'a>(
        &self,
        members: impl Iterator<Item = &'a AccountFingerprint> + Clone,
    ) -> Finding {
        let (hosting, exchanges, count) = members.clone().fold((0, 0, 0), |(h, n, c), a| {
            (h + a.stats.hosting_exchanges, n + a.stats.exchanges, c + 1)
        });
        let share = if exchanges == 0 {
            0.0
        } else {
            hosting as f64 / exchanges as f64
        };
        let hosting_detail =
            self.named_hosting(members.flat_map(|a| a.stats.asns.items.iter().copied()));
        Finding {
            group: Group::Network,
            surprise: self.hosting.surprise(share, CAP),
            evidence: Evidence::new(
                "hosting_share",
                super::elicitation::round3(share),
                format!(
                    "its {count} accounts sent {} of their requests from hosting and cloud networks{hosting_detail}; the median account {}; context, not scored",
                    pct(share),
                    pct(self.hosting.median)
                ),
            ),
        }
    }

    pub fn assess(&self, a: &AccountFingerprint, shrinkage: f64) -> Vec<Finding> {
        let d = &a.derived;
        let n = a.stats.exchanges;
        let networks = networks_used(a);
        let hosting_detail = self.named_hosting(a.stats.asns.items.iter().copied());
        vec![
            Finding {
                group: Group::Network,
                surprise: shrink(self.hosting.surprise(d.hosting_share, CAP), n, shrinkage),
                evidence: Evidence::new(
                    "hosting_share",
                    super::elicitation::round3(d.hosting_share),
                    format!(
                        "sent {} of its requests from hosting and cloud networks{hosting_detail}; the median account {}; context, not scored",
                        pct(d.hosting_share),
                        pct(self.hosting.median)
                    ),
                ),
            },
            Finding {
                group: Group::Network,
                surprise: shrink(
                    self.networks.surprise(networks, CAP),
                    n,
                    shrinkage,
                ),
                evidence: Evidence::new(
                    "network_rotation",
                    networks,
                    format!(
                        "its requests came through {} networks (ASNs), {} subnets (/24 or /48) and {} addresses; the median account used {:.0}; context, not scored",
                        counted(&a.stats.asns),
                        counted(&a.stats.subnets),
                        counted(&a.stats.ips),
                        self.networks.median
                    ),
                ),
            },
        ]
    }
}
