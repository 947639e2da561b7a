//! Campaigns: attack clusters grouped by the indicators they share (prompt templates,
//! payment instruments, client fingerprints), because one operator runs several proxy
//! clusters from one playbook; and what each campaign targets.

use distillguard_features::fingerprint::AccountFingerprint;
use distillguard_graph::links;
use distillguard_model::Capability;
use rustc_hash::{FxHashMap, FxHashSet};

/// Overlap (Jaccard) of two clusters' shared template sets needed to call them one
/// campaign: one playbook, most of its templates in common. Infrastructure alone (a
/// proxy service's networks and clients) can serve several operators and is not enough.
pub const MIN_TEMPLATE_JACCARD: f64 = 0.5;

/// Indicators of one cluster that other clusters of its campaign would share.
#[derive(Debug, Default)]
pub struct ClusterIndicators {
    pub templates: FxHashSet<u64>,
    pub payments: FxHashSet<u64>,
    pub clients: FxHashSet<u64>,
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
            let same = (shared >= 2 && jaccard >= MIN_TEMPLATE_JACCARD)
                || a.payments.intersection(&b.payments).next().is_some();
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
        }
    }

    #[test]
    fn clusters_sharing_templates_or_payment_are_one_campaign() {
        let groups = group(&[
            ind(&[1, 2, 3], &[]),
            ind(&[2, 3], &[]),
            ind(&[9], &[50]),
            ind(&[3], &[50]),
            ind(&[77], &[]),
        ]);
        assert_eq!(groups, vec![vec![0, 1], vec![2, 3], vec![4]]);
    }
}
