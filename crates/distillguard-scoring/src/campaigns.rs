//! Campaigns: attack clusters grouped by the playbook they share (most of their prompt
//! templates), because one campaign runs several proxy clusters from one playbook; and
//! what each campaign targets.
//!
//! Shared infrastructure is not enough to merge: one proxy operator (one payment
//! instrument, one pool of addresses and clients) can sell to several campaigns with
//! different targets. Clusters sharing a payment instrument across campaigns are
//! reported as evidence on both, not merged.

use distillguard_features::fingerprint::AccountFingerprint;
use distillguard_graph::{keys, links};
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
#[derive(Debug, Clone, Default)]
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

/// How densely two groups of clusters must be linked to each other, against how densely
/// the less cohesive of them is linked inside, to be one campaign (average linkage on the
/// playbook links, scaled by cohesion). Merging on any one link (single linkage) chains
/// two campaigns together once there are hundreds of clusters: a few cross pairs pass the
/// playbook test by chance when the campaigns draw on similar templates. A fixed majority
/// of pairs, on the other hand, splits a campaign whose paraphrased clusters are only
/// loosely linked to each other. Chosen on development seeds only.
pub const MIN_RELATIVE_LINKAGE: f64 = 0.25;

/// A cluster's templates, sorted, for [`link`].
fn sorted_templates(c: &ClusterIndicators) -> Vec<u64> {
    let mut t: Vec<u64> = c.templates.iter().copied().collect();
    t.sort_unstable();
    t
}

/// Whether two clusters share one playbook; the template Jaccard when they do.
#[cfg(test)]
fn playbook_link(a: &ClusterIndicators, b: &ClusterIndicators) -> Option<f64> {
    link(
        &sorted_templates(a),
        &sorted_templates(b),
        &a.targets,
        &b.targets,
    )
}

/// The playbook test on two clusters' template sets (sorted, without repeats) and target
/// mixes: the template Jaccard when they pass.
fn link(
    a: &[u64],
    b: &[u64],
    targets_a: &[f64; Capability::COUNT],
    targets_b: &[f64; Capability::COUNT],
) -> Option<f64> {
    let (small, large) = (a.len().min(b.len()), a.len().max(b.len()));
    // The Jaccard is at most small / large: most pairs end here.
    if large == 0 || (small as f64) < MIN_TEMPLATE_JACCARD * large as f64 {
        return None;
    }
    let shared = keys::intersection_len(a, b);
    let jaccard = shared as f64 / (a.len() + b.len() - shared) as f64;
    (shared >= 2
        && jaccard >= MIN_TEMPLATE_JACCARD
        && cosine(targets_a, targets_b) >= MIN_TARGET_COSINE)
        .then_some(jaccard)
}

/// Links between two groups: how many of their cluster pairs share a playbook, and the
/// sum of those pairs' template Jaccard.
#[derive(Debug, Clone, Copy, Default)]
struct Linkage {
    pairs: u32,
    jaccard: f64,
}

/// A candidate merge of groups `a` < `b` (by their lowest cluster index), best first:
/// the larger linked share relative to cohesion, then the larger mean Jaccard of the
/// linked pairs, then the lower indices.
#[derive(Debug)]
struct Candidate {
    relative: f64,
    mean_jaccard: f64,
    a: usize,
    b: usize,
    versions: (u32, u32),
}

impl PartialEq for Candidate {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == std::cmp::Ordering::Equal
    }
}
impl Eq for Candidate {}
impl PartialOrd for Candidate {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Candidate {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.relative
            .total_cmp(&other.relative)
            .then(self.mean_jaccard.total_cmp(&other.mean_jaccard))
            .then(other.a.cmp(&self.a))
            .then(other.b.cmp(&self.b))
    }
}

/// One campaign as grouped: its clusters (indices, ascending) and how many pairs of them
/// share a playbook, for the evidence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grouped {
    pub clusters: Vec<usize>,
    pub linked_pairs: u32,
}

impl Grouped {
    /// Pairs of clusters in the campaign.
    pub fn pairs(&self) -> u64 {
        let k = self.clusters.len() as u64;
        k * k.saturating_sub(1) / 2
    }
}

/// Groups clusters (by index) into campaigns, ordered by their first cluster.
///
/// Two clusters are linked when they share a playbook (most of their templates and the
/// same target mix). Groups then merge, best-linked first, while the share of linked
/// cluster pairs between them is at least [`MIN_RELATIVE_LINKAGE`] times the share of
/// linked pairs inside the less cohesive of the two (a single cluster counts as fully
/// cohesive): a campaign's clusters come together, however loosely its paraphrased
/// templates link them, and a few chance links between two campaigns do not join them.
pub fn group(indicators: &[ClusterIndicators]) -> Vec<Grouped> {
    use std::collections::BinaryHeap;
    let n = indicators.len();
    // Group state, indexed by the group's lowest cluster index.
    let mut size = vec![1u32; n];
    let mut internal = vec![0u32; n];
    let mut version = vec![0u32; n];
    let mut merged_into: Vec<usize> = (0..n).collect();
    let mut linkage: Vec<FxHashMap<usize, Linkage>> = vec![FxHashMap::default(); n];
    let mut heap = BinaryHeap::new();
    let templates: Vec<Vec<u64>> = indicators.iter().map(sorted_templates).collect();
    for i in 0..n {
        for j in (i + 1)..n {
            let (a, b) = (&indicators[i], &indicators[j]);
            if let Some(jaccard) = link(&templates[i], &templates[j], &a.targets, &b.targets) {
                let l = Linkage { pairs: 1, jaccard };
                linkage[i].insert(j, l);
                linkage[j].insert(i, l);
                heap.push(Candidate {
                    relative: 1.0,
                    mean_jaccard: jaccard,
                    a: i,
                    b: j,
                    versions: (0, 0),
                });
            }
        }
    }
    while let Some(c) = heap.pop() {
        let (a, b) = (c.a, c.b);
        let stale =
            merged_into[a] != a || merged_into[b] != b || (version[a], version[b]) != c.versions;
        if stale {
            continue;
        }
        // Merge b into a (a < b keeps the lowest index as the group's name).
        merged_into[b] = a;
        let between = linkage[a].remove(&b).map_or(0, |l| l.pairs);
        internal[a] += internal[b] + between;
        size[a] += size[b];
        version[a] += 1;
        let absorbed = std::mem::take(&mut linkage[b]);
        for (other, l) in absorbed {
            if other == a {
                continue;
            }
            linkage[other].remove(&b);
            let total = linkage[a].entry(other).or_default();
            total.pairs += l.pairs;
            total.jaccard += l.jaccard;
            let total = *total;
            linkage[other].insert(a, total);
        }
        let density = |g: usize| {
            if size[g] < 2 {
                1.0
            } else {
                f64::from(internal[g]) / (f64::from(size[g]) * f64::from(size[g] - 1) / 2.0)
            }
        };
        for (&other, l) in &linkage[a] {
            let share = f64::from(l.pairs) / (f64::from(size[a]) * f64::from(size[other]));
            let cohesion = density(a).min(density(other));
            if share >= MIN_RELATIVE_LINKAGE * cohesion {
                let (x, y) = (a.min(other), a.max(other));
                heap.push(Candidate {
                    relative: share / cohesion,
                    mean_jaccard: l.jaccard / f64::from(l.pairs),
                    a: x,
                    b: y,
                    versions: (version[x], version[y]),
                });
            }
        }
    }
    let root = |mut x: usize| {
        while merged_into[x] != x {
            x = merged_into[x];
        }
        x
    };
    let mut groups: FxHashMap<usize, Vec<usize>> = FxHashMap::default();
    for i in 0..n {
        groups.entry(root(i)).or_default().push(i);
    }
    let mut out: Vec<Grouped> = groups
        .into_iter()
        .map(|(root, clusters)| Grouped {
            clusters,
            linked_pairs: internal[root],
        })
        .collect();
    out.sort_by_key(|g| g.clusters[0]);
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

    /// The clusters of each campaign.
    fn grouped(indicators: &[ClusterIndicators]) -> Vec<Vec<usize>> {
        group(indicators).into_iter().map(|g| g.clusters).collect()
    }

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
        let groups = grouped(&[
            ind(&[1, 2, 3], &[]),
            ind(&[2, 3], &[]),
            ind(&[9], &[50]),
            ind(&[3], &[50]),
            ind(&[77, 2, 3, 4, 5, 6], &[]),
        ]);
        assert_eq!(groups, vec![vec![0, 1], vec![2], vec![3], vec![4]]);
    }

    #[test]
    fn one_chance_link_between_two_campaigns_does_not_join_them() {
        // Four clusters per campaign, all linked within their campaign; one cluster of
        // each holds two of the other campaign's templates, which links that one pair.
        let a = [1, 2, 3, 4];
        let b = [11, 12, 13, 14];
        let groups = grouped(&[
            ind(&a, &[]),
            ind(&a, &[]),
            ind(&a, &[]),
            ind(&[1, 2, 3, 4, 11, 12], &[]),
            ind(&[11, 12, 13, 14, 1, 2], &[]),
            ind(&b, &[]),
            ind(&b, &[]),
            ind(&b, &[]),
        ]);
        assert!(playbook_link(
            &ind(&[1, 2, 3, 4, 11, 12], &[]),
            &ind(&[11, 12, 13, 14, 1, 2], &[])
        )
        .is_some());
        assert_eq!(groups, vec![vec![0, 1, 2, 3], vec![4, 5, 6, 7]]);
    }

    #[test]
    fn a_cluster_joins_a_campaign_when_linked_a_quarter_as_densely_as_its_clusters_are() {
        // Five clusters, every pair linked: cohesion 1.
        let campaign = fully_linked(5);
        // Linked to the first of them only.
        let outsider = ind(&[1, 3, 4, 5, 7, 8], &[]);
        let links = campaign
            .iter()
            .filter(|c| playbook_link(&outsider, c).is_some())
            .count();
        assert_eq!(links, 1);

        // One link in four pairs (a quarter): it joins.
        let mut four = fully_linked(4);
        four.push(outsider.clone());
        assert_eq!(grouped(&four), vec![vec![0, 1, 2, 3, 4]]);
        // One link in five pairs: it stays apart.
        let mut five = campaign;
        five.push(outsider);
        assert_eq!(grouped(&five), vec![vec![0, 1, 2, 3, 4], vec![5]]);
    }

    #[test]
    fn two_cohesive_groups_join_when_a_third_of_their_pairs_are_linked_not_two_ninths() {
        // Two groups of three clusters, every pair inside each linked (cohesion 1).
        let left = fully_linked(3);
        let three_links = [
            ind(&[1, 3, 6, 7, 10], &[]),
            ind(&[1, 2, 3, 6, 10], &[]),
            ind(&[1, 3, 5, 6, 10], &[]),
        ];
        let two_links = [
            ind(&[1, 2, 5, 9, 11], &[]),
            ind(&[1, 2, 3, 5, 11], &[]),
            ind(&[2, 3, 5, 9, 11], &[]),
        ];
        let linked = |a: &[ClusterIndicators], b: &[ClusterIndicators]| {
            a.iter()
                .flat_map(|x| b.iter().map(move |y| playbook_link(x, y).is_some()))
                .filter(|&l| l)
                .count()
        };
        for group in [&left[..], &three_links, &two_links] {
            assert_eq!(
                linked(group, group),
                9,
                "every pair inside a group is linked"
            );
        }
        assert_eq!(linked(&left, &three_links), 3);
        assert_eq!(linked(&left, &two_links), 2);

        let joined: Vec<ClusterIndicators> = left.iter().chain(&three_links).cloned().collect();
        assert_eq!(grouped(&joined), vec![vec![0, 1, 2, 3, 4, 5]]);
        // 3 + 3 pairs inside the two groups and 3 between them, of 15.
        let campaign = &group(&joined)[0];
        assert_eq!((campaign.linked_pairs, campaign.pairs()), (9, 15));
        let apart: Vec<ClusterIndicators> = left.iter().chain(&two_links).cloned().collect();
        assert_eq!(grouped(&apart), vec![vec![0, 1, 2], vec![3, 4, 5]]);
    }

    /// `k` (up to 5) clusters, every pair linked: any two share 4 of 6 templates.
    fn fully_linked(k: usize) -> Vec<ClusterIndicators> {
        [
            [1, 2, 3, 4, 5],
            [1, 2, 3, 4, 6],
            [1, 2, 3, 5, 6],
            [2, 3, 4, 5, 6],
            [1, 2, 4, 5, 6],
        ]
        .iter()
        .take(k)
        .map(|t| ind(t, &[]))
        .collect()
    }

    #[test]
    fn one_playbook_needs_the_same_targets_too() {
        let mut coding = ind(&[1, 2, 3], &[]);
        coding.targets[Capability::Coding.index()] = 100.0;
        let mut vision = ind(&[1, 2, 3], &[]);
        vision.targets[Capability::Vision.index()] = 100.0;
        assert_eq!(grouped(&[coding, vision]), vec![vec![0], vec![1]]);
    }

    #[test]
    fn shared_operators_are_found() {
        let inds = [ind(&[1], &[50, 51]), ind(&[2], &[51]), ind(&[3], &[60])];
        assert_eq!(shared_payments(&inds, &[0], &[1]), 1);
        assert_eq!(shared_payments(&inds, &[0], &[2]), 0);
    }
}
