//! Campaigns: attack clusters grouped by the playbook they share (most of their prompt
//! templates), because one campaign runs several proxy clusters from one playbook; and
//! what each campaign targets.
//!
//! Shared infrastructure is not enough to merge: one proxy operator (one payment
//! instrument, one pool of addresses and clients) can sell to several campaigns with
//! different targets. Clusters sharing a payment instrument across campaigns are
//! reported as evidence on both, not merged.

use distillguard_features::fingerprint::AccountFingerprint;
use distillguard_graph::links;
use distillguard_model::Capability;
use rustc_hash::{FxHashMap, FxHashSet};

/// Overlap (Jaccard) of two clusters' shared template sets needed to call them one
/// campaign: one playbook, most of its templates in common. Infrastructure alone (a
/// proxy service's networks and clients) can serve several operators and is not enough.
pub const MIN_TEMPLATE_JACCARD: f64 = 0.5;

/// Similarity (cosine) of two clusters' target-capability mixes needed as well: a
/// playbook is both how it asks and what it extracts.
pub const MIN_TARGET_COSINE: f64 = 0.8;

/// Indicators of one cluster that other clusters of its campaign would share.
#[derive(Debug, Default)]
pub struct ClusterIndicators {
    pub templates: FxHashSet<u64>,
    pub payments: FxHashSet<u64>,
    pub clients: FxHashSet<u64>,
    /// Exchanges per target capability, over all members.
    pub targets: [f64; Capability::COUNT],
}

fn cosine(a: &[f64; Capability::COUNT], b: &[f64; Capability::COUNT]) -> f64 {
    let dot: f64 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let na: f64 = a.iter().map(|x| x * x).sum::<f64>().sqrt();
    let nb: f64 = b.iter().map(|x| x * x).sum::<f64>().sqrt();
    if na == 0.0 || nb == 0.0 {
        // Unknown mix on either side: templates decide.
        return 1.0;
    }
    dot / (na * nb)
}

/// Keys held by at least two members of the cluster (or by its only member).
pub fn indicators(members: &[u32], accounts: &[AccountFingerprint]) -> ClusterIndicators {
    let mut counts: [FxHashMap<u64, u32>; 3] = Default::default();
    for &m in members {
        let s = &accounts[m as usize].stats;
        for (slot, keys) in [
            links::template::keys(s),
            links::payment::keys(s),
            links::client::keys(s),
        ]
        .into_iter()
        .enumerate()
        {
            for k in keys {
                *counts[slot].entry(k).or_insert(0) += 1;
            }
        }
    }
    let mut targets = [0.0; Capability::COUNT];
    for &m in members {
        for c in Capability::ALL
            .into_iter()
            .filter(|c| c.is_distillation_target())
        {
            targets[c.index()] += f64::from(accounts[m as usize].stats.capabilities[c.index()]);
        }
    }
    let need = if members.len() >= 2 { 2 } else { 1 };
    let keep = |m: &FxHashMap<u64, u32>| {
        m.iter()
            .filter(|&(_, &n)| n >= need)
            .map(|(&k, _)| k)
            .collect()
    };
    ClusterIndicators {
        templates: keep(&counts[0]),
        payments: keep(&counts[1]),
        clients: keep(&counts[2]),
        targets,
    }
}

/// Groups clusters (by index) into campaigns; returns, per campaign, its clusters in
/// ascending order, campaigns ordered by their first cluster.
pub fn group(indicators: &[ClusterIndicators]) -> Vec<Vec<usize>> {
    let n = indicators.len();
    let mut parent: Vec<usize> = (0..n).collect();
    fn find(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    for i in 0..n {
        for j in (i + 1)..n {
            let a = &indicators[i];
            let b = &indicators[j];
            let shared = a.templates.intersection(&b.templates).count();
            let union = a.templates.len() + b.templates.len() - shared;
            let jaccard = if union == 0 {
                0.0
            } else {
                shared as f64 / union as f64
            };
            let same = shared >= 2
                && jaccard >= MIN_TEMPLATE_JACCARD
                && cosine(&a.targets, &b.targets) >= MIN_TARGET_COSINE;
            if same {
                let (ri, rj) = (find(&mut parent, i), find(&mut parent, j));
                parent[ri.max(rj)] = ri.min(rj);
            }
        }
    }
    let mut groups: FxHashMap<usize, Vec<usize>> = FxHashMap::default();
    for i in 0..n {
        let root = find(&mut parent, i);
        groups.entry(root).or_default().push(i);
    }
    let mut out: Vec<Vec<usize>> = groups.into_values().collect();
    out.sort_by_key(|g| g[0]);
    out
}

/// Number of payment instruments the clusters `a` and `b` (indices) have in common.
pub fn shared_payments(indicators: &[ClusterIndicators], a: &[usize], b: &[usize]) -> usize {
    let left: FxHashSet<u64> = a
        .iter()
        .flat_map(|&i| indicators[i].payments.iter().copied())
        .collect();
    let right: FxHashSet<u64> = b
        .iter()
        .flat_map(|&i| indicators[i].payments.iter().copied())
        .collect();
    left.intersection(&right).count()
}

/// Target capabilities of a set of accounts: those with at least 10% of their
/// target-capability exchanges, most used first.
pub fn targets(members: &[u32], accounts: &[AccountFingerprint]) -> Vec<String> {
    let mut counts = [0u64; Capability::COUNT];
    for &m in members {
        for (i, c) in accounts[m as usize].stats.capabilities.iter().enumerate() {
            counts[i] += u64::from(*c);
        }
    }
    let target_total: u64 = Capability::ALL
        .into_iter()
        .filter(|c| c.is_distillation_target())
        .map(|c| counts[c.index()])
        .sum();
    let mut out: Vec<(Capability, u64)> = Capability::ALL
        .into_iter()
        .filter(|c| c.is_distillation_target())
        .map(|c| (c, counts[c.index()]))
        .filter(|&(_, n)| target_total > 0 && n * 10 >= target_total)
        .collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    out.into_iter()
        .map(|(c, _)| c.as_str().to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ind(templates: &[u64], payments: &[u64]) -> ClusterIndicators {
        ClusterIndicators {
            templates: templates.iter().copied().collect(),
            payments: payments.iter().copied().collect(),
            clients: FxHashSet::default(),
            targets: [0.0; Capability::COUNT],
        }
    }

    #[test]
    fn clusters_sharing_a_playbook_are_one_campaign_and_shared_payment_is_not_enough() {
        let groups = group(&[
            ind(&[1, 2, 3], &[]),
            ind(&[2, 3], &[]),
            ind(&[9], &[50]),
            ind(&[3], &[50]),
            ind(&[77, 2, 3, 4, 5, 6], &[]),
        ]);
        assert_eq!(groups, vec![vec![0, 1], vec![2], vec![3], vec![4]]);
    }

    #[test]
    fn one_playbook_needs_the_same_targets_too() {
        let mut coding = ind(&[1, 2, 3], &[]);
        coding.targets[Capability::Coding.index()] = 100.0;
        let mut vision = ind(&[1, 2, 3], &[]);
        vision.targets[Capability::Vision.index()] = 100.0;
        assert_eq!(group(&[coding, vision]), vec![vec![0], vec![1]]);
    }

    #[test]
    fn shared_operators_are_found() {
        let inds = [ind(&[1], &[50, 51]), ind(&[2], &[51]), ind(&[3], &[60])];
        assert_eq!(shared_payments(&inds, &[0], &[1]), 1);
        assert_eq!(shared_payments(&inds, &[0], &[2]), 0);
    }
}
