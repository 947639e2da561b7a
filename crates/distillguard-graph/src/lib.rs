//! The account graph: which accounts are under common control, and how we know.
//!
//! In: the population's [`AccountFingerprint`]s. Out: an [`AccountGraph`] whose edges
//! carry the link kinds two accounts share (payment, IP, network, client, templates,
//! synchronised activity, creation burst), and [`clusters`] found in it.
//!
//! How: each link kind (one file in `links/`) turns an account into a set of keys
//! (a payment fingerprint, an IP-week, a template frame...). Accounts sharing a key
//! become candidate pairs (chained in a fixed pseudo-random order, so a key shared by n
//! accounts costs O(n), not O(n²)). Each candidate pair is then verified over every
//! kind at once ([`pair`]); an edge needs more evidence than any single common thing
//! that unrelated accounts share by co-location (an office NAT, a popular phrase; each
//! shared key counts by how rare it is in the population, see [`links::rarity`]), but
//! one shared payment instrument across accounts is enough, and shared software alone
//! (templates, system prompt, tool schema, client) never is. Accounts in no cluster
//! can then be [`attach`]ed to a cluster whose pooled keys they share by the same rule.
//! Pure and deterministic.

pub mod attach;
pub mod clusters;
pub mod keys;
pub mod links;
pub mod pair;

pub use attach::{attach, Attachment};
pub use clusters::{connected_clusters, refine, Cluster};
pub use keys::AccountKeys;
pub use links::LinkKind;
pub use pair::{Edge, PairEvidence};

use distillguard_features::fingerprint::AccountFingerprint;
use rayon::prelude::*;

/// Settings of the graph stage (validated by the caller's config).
#[derive(Debug, Clone, PartialEq)]
pub struct GraphConfig {
    /// Pair evidence needed for an edge (sum of per-kind weights, see [`pair`]).
    pub edge_threshold: f64,
    /// Each account is chained to this many successors per shared key.
    pub chain_neighbours: usize,
    /// Length of a time bucket for synchrony, ms.
    pub sync_bucket_ms: i64,
    /// Attach accounts in no cluster to a cluster whose pooled keys they share
    /// ([`attach`]).
    pub attach: bool,
}

impl Default for GraphConfig {
    fn default() -> Self {
        GraphConfig {
            edge_threshold: 1.0,
            chain_neighbours: 3,
            sync_bucket_ms: 10 * 60 * 1000,
            attach: true,
        }
    }
}

/// Accounts (by index into the population) and the evidenced edges between them.
#[derive(Debug, Default)]
pub struct AccountGraph {
    pub edges: Vec<Edge>,
    /// For each kind: number of accounts holding each key that is shared at all, so
    /// evidence can say how rare a shared thing is.
    pub key_stats: keys::KeyStats,
    pub candidate_pairs: usize,
    /// Every account's weighed keys, kept for [`attach`] (which releases them) or until
    /// [`AccountGraph::release_keys`] (memory proportional to accounts).
    pub keys: Vec<AccountKeys>,
}

impl AccountGraph {
    /// Drops the accounts' keys once clusters are found and accounts attached.
    pub fn release_keys(&mut self) {
        self.keys = Vec::new();
    }
}

/// Builds the graph over `accounts`.
pub fn build(accounts: &[AccountFingerprint], config: &GraphConfig) -> AccountGraph {
    let (keys, candidates, key_stats) = weighed_candidates(accounts, config);
    let mut edges: Vec<Edge> = candidates
        .par_iter()
        .filter_map(|&(a, b)| {
            pair::edge(&keys[a as usize], &keys[b as usize], config.edge_threshold)
                .map(|evidence| Edge { a, b, evidence })
        })
        .collect();
    edges.sort_unstable_by_key(|e| (e.a, e.b));
    AccountGraph {
        edges,
        key_stats,
        candidate_pairs: candidates.len(),
        keys,
    }
}

/// Every account's keys, weighed by rarity, and the candidate pairs to verify.
fn weighed_candidates(
    accounts: &[AccountFingerprint],
    config: &GraphConfig,
) -> (Vec<AccountKeys>, Vec<(u32, u32)>, keys::KeyStats) {
    let mut keys: Vec<AccountKeys> = accounts
        .par_iter()
        .map(|a| AccountKeys::of(a, config.sync_bucket_ms))
        .collect();
    let (candidates, key_stats) = candidates(&keys, config.chain_neighbours);
    let active = accounts.iter().filter(|a| a.stats.exchanges > 0).count();
    keys.par_iter_mut()
        .for_each(|k| k.weigh(&key_stats, active));
    (keys, candidates, key_stats)
}

/// Candidate pairs: accounts sharing any key of any kind, chained in a fixed order.
///
/// Per kind, every (key, account) entry is sorted so that a key's holders lie side by
/// side (no map of per-key lists: at the public scale there are millions of keys);
/// the groups are then chained in parallel, and the pairs of all kinds sorted and
/// de-duplicated once.
fn candidates(keys: &[AccountKeys], neighbours: usize) -> (Vec<(u32, u32)>, keys::KeyStats) {
    let mut stats = keys::KeyStats::default();
    let mut pairs: Vec<(u32, u32)> = Vec::new();
    // One buffer for every kind, sized once: at the public scale it holds tens of
    // millions of entries, and fresh memory costs the kernel a page fault per 4 KiB.
    let mut entries: Vec<(u64, u32)> = Vec::new();
    for kind in LinkKind::KEYED {
        entries.clear();
        entries.reserve(keys.iter().map(|k| k.keys(kind).len()).sum());
        for (i, k) in keys.iter().enumerate() {
            entries.extend(k.keys(kind).iter().map(|&key| (key, i as u32)));
        }
        entries.par_sort_unstable();
        let groups = shared_groups(&entries);
        stats.reserve(groups.len());
        for &(start, end) in &groups {
            stats.record(kind, entries[start].0, end - start);
        }
        let max_group = kind.max_group();
        pairs.par_extend(
            groups
                .par_iter()
                // A key held by more is ubiquitous: shared by too many to mean common
                // control (still counted in `stats`, for the rarity of what is shared).
                .filter(|&&(start, end)| end - start <= max_group)
                .flat_map_iter(|&(start, end)| {
                    let key = entries[start].0;
                    let mut members: Vec<u32> = entries[start..end].iter().map(|e| e.1).collect();
                    members.sort_unstable_by_key(|&m| (order_hash(m, key), m));
                    chain(&members, neighbours)
                }),
        );
    }
    pairs.par_sort_unstable();
    pairs.dedup();
    (pairs, stats)
}

/// The runs of `entries` (sorted by key) that hold one key for two or more accounts,
/// as index ranges.
fn shared_groups(entries: &[(u64, u32)]) -> Vec<(usize, usize)> {
    let mut groups = Vec::new();
    let mut start = 0;
    for end in 1..=entries.len() {
        if end == entries.len() || entries[end].0 != entries[start].0 {
            if end - start >= 2 {
                groups.push((start, end));
            }
            start = end;
        }
    }
    groups
}

/// Each member paired with its next `neighbours` in `members`' order, as (low, high).
fn chain(members: &[u32], neighbours: usize) -> Vec<(u32, u32)> {
    let mut pairs = Vec::with_capacity(members.len() * neighbours);
    for (pos, &a) in members.iter().enumerate() {
        for &b in members.iter().skip(pos + 1).take(neighbours) {
            pairs.push((a.min(b), a.max(b)));
        }
    }
    pairs
}

/// A pseudo-random but fixed order of accounts (per key), so chains differ per key and
/// a group is linked through several paths.
fn order_hash(member: u32, key: u64) -> u64 {
    xxhash_rust::xxh3::xxh3_64_with_seed(&member.to_le_bytes(), key)
}

#[cfg(test)]
mod tests;
