//! Attaching an account in no cluster (it links to no one, or to too few for a
//! cluster) to a cluster whose pooled infrastructure it uses.
//!
//! Why: a low-and-slow operator spreads a few requests per account per day over a pool
//! of dozens of exits. Two of its accounts then seldom share enough addresses for a
//! link, yet each account's few exits are all exits of the pool, used by the cluster's
//! other members in the same weeks. The pool belongs to the operator as much as any one
//! account does, so an account is compared with the cluster's pooled keys
//! ([`AccountKeys::pool`]) by the rule for two accounts ([`crate::pair::edge`]: the edge
//! threshold in all, a quarter of it control evidence), and must share at least
//! [`MIN_SHARED_ADDRESSES`] of the pool's addresses (or a payment instrument). Keys
//! still count by their rarity in the whole population, and a key held by more
//! accounts than its kind's limit links nobody, so a shared office exit or a public NAT
//! attaches no one to anything.
//!
//! Only accounts outside every cluster are attached, each to at most one cluster (the
//! one it shares most evidence with), in one pass: attached accounts do not extend a
//! pool, so attachment never chains. A cluster is scored on its own members; an
//! attached account takes the cluster's risk as members do, with this evidence.
//!
//! Example: `acct-9` made 22 requests through 4 addresses; 3 of them were exits that
//! members of cluster `cl-5c1f871b` used in the same weeks, in 3 /24 networks, and it
//! shares the cluster's template frames.

use rayon::prelude::*;

use crate::keys::AccountKeys;
use crate::links::LinkKind;
use crate::pair::{self, PairEvidence};
use crate::{AccountGraph, Cluster};

/// One account attached to a cluster, with what it shares with the cluster's pool.
#[derive(Debug, Clone, PartialEq)]
pub struct Attachment {
    /// The account (index into the population).
    pub account: u32,
    /// The cluster (index into the clusters passed to [`attach`]).
    pub cluster: usize,
    pub evidence: PairEvidence,
}

/// Distinct addresses an account must share with a pool (unless it shares a payment
/// instrument): one address of a pool is as much likelier by chance as the pool is
/// larger than one account, and the pool's software (templates, clients) is every
/// member's, so one address with the pool is weaker than one address with an account.
/// (Measured on a development seed at the full public scale: with one address, two
/// benign coding power users were attached to attack clusters through one shared
/// address plus templates and a client build that different members held.)
pub const MIN_SHARED_ADDRESSES: u16 = 2;

/// The kinds through which an account can meet a pool at all: an edge needs control
/// evidence, and without synchrony (meaningless against a pool) that is a shared
/// payment instrument or a shared place on the network.
const MEETING_KINDS: [LinkKind; 3] = [LinkKind::Payment, LinkKind::Ip, LinkKind::Subnet];

/// Attachments of the accounts outside `clusters` (each at most once), sorted by
/// account. `graph` must still hold its accounts' keys ([`AccountGraph::keys`]); they
/// are released on the way (a cluster's members' keys once its pool is made, the rest
/// at the end), so the pools take the place of what they were made from.
pub fn attach(graph: &mut AccountGraph, clusters: &[Cluster], threshold: f64) -> Vec<Attachment> {
    let keys = &graph.keys;
    let mut clustered = vec![false; keys.len()];
    for c in clusters {
        for &m in &c.members {
            if let Some(slot) = clustered.get_mut(m as usize) {
                *slot = true;
            }
        }
    }
    let pools: Vec<AccountKeys> = clusters
        .par_iter()
        .map(|c| {
            let members: Vec<&AccountKeys> = c
                .members
                .iter()
                .filter_map(|&m| keys.get(m as usize))
                .collect();
            AccountKeys::pool(&members)
        })
        .collect();
    for (slot, _) in graph.keys.iter_mut().zip(&clustered).filter(|(_, &c)| c) {
        *slot = AccountKeys::default();
    }
    let keys = &graph.keys;
    // Which clusters hold each meeting key, as (kind, key, cluster) sorted (one
    // allocation; ubiquitous keys left out: they link nobody).
    let mut holders: Vec<(u8, u64, u32)> = Vec::new();
    for (ci, pool) in pools.iter().enumerate() {
        for kind in MEETING_KINDS {
            holders.extend(
                pool.keys(kind)
                    .iter()
                    .filter(|&&key| {
                        graph.key_stats.accounts_sharing(kind, key) as usize <= kind.max_group()
                    })
                    .map(|&key| (kind.index() as u8, key, ci as u32)),
            );
        }
    }
    holders.par_sort_unstable();
    let holders = &holders;
    let attachments = (0..keys.len())
        .into_par_iter()
        .filter(|&a| !clustered[a])
        .filter_map(|a| {
            let account = &keys[a];
            let mut candidates: Vec<u32> = Vec::new();
            for kind in MEETING_KINDS {
                let k = kind.index() as u8;
                for &key in account.keys(kind) {
                    let start = holders.partition_point(|h| (h.0, h.1) < (k, key));
                    candidates.extend(
                        holders[start..]
                            .iter()
                            .take_while(|h| (h.0, h.1) == (k, key))
                            .map(|h| h.2),
                    );
                }
            }
            candidates.sort_unstable();
            candidates.dedup();
            candidates
                .into_iter()
                .filter_map(|ci| {
                    pair::edge(account, &pools[ci as usize], threshold)
                        .filter(|e| {
                            e.shared[LinkKind::Payment.index()] > 0
                                || e.shared[LinkKind::Ip.index()] >= MIN_SHARED_ADDRESSES
                        })
                        .map(|evidence| (ci as usize, evidence))
                })
                // Strongest evidence; on a tie, the first cluster (the largest).
                .max_by(|x, y| x.1.weight().total_cmp(&y.1.weight()).then(y.0.cmp(&x.0)))
                .map(|(cluster, evidence)| Attachment {
                    account: a as u32,
                    cluster,
                    evidence,
                })
        })
        .collect();
    graph.release_keys();
    attachments
}
