//! Scoring clusters as a whole, so that accounts that look clean one by one are caught
//! by what they share.
//!
//! A cluster is scored like one account: its *combined* harvest (distinct target items
//! over all members, against the heaviest ordinary accounts), the median member's
//! surprise in every behaviour group (a few clean decoys do not lower it), and
//! coordination: how strongly its links show common control that nobody declared
//! (links between accounts of one declared organisation are expected and discounted).

use distillguard_features::fingerprint::{AccountFingerprint, Hll};
use distillguard_graph::{AccountGraph, Attachment, Cluster, LinkKind};
use distillguard_model::Evidence;
use rustc_hash::FxHashMap;

use crate::combine;
use crate::detectors::{harvest, pct, Detectors, Finding, Group};

/// A cluster with its score inputs.
#[derive(Debug, Clone)]
pub struct ScoredCluster {
    pub members: Vec<u32>,
    pub edges: Vec<usize>,
    pub maxima: [f64; Group::COUNT],
    pub total: f64,
    pub findings: Vec<Finding>,
    /// Share of links between accounts of one declared organisation.
    pub declared_share: f64,
    /// Accounts in no cluster that share the cluster's pooled keys (see
    /// `distillguard_graph::attach`); not in `members`, and not part of the score.
    pub attached: Vec<Attachment>,
}

fn median(values: &mut [f64]) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    values.sort_by(f64::total_cmp);
    crate::population::quantile_sorted(values, 0.5)
}

impl ScoredCluster {
    /// Members, then attached accounts.
    pub fn all_members(&self) -> impl Iterator<Item = u32> + '_ {
        self.members
            .iter()
            .copied()
            .chain(self.attached.iter().map(|a| a.account))
    }
}

/// Coordination finding from a cluster's links.
pub fn coordination(graph: &AccountGraph, cluster: &Cluster, cap: f64) -> (Finding, f64) {
    let n_edges = cluster.edges.len().max(1) as f64;
    let mut kind_share = [0.0f64; LinkKind::ALL.len()];
    let mut declared = 0.0;
    for &e in &cluster.edges {
        let ev = &graph.edges[e].evidence;
        if ev.same_org {
            declared += 1.0;
        }
        for kind in LinkKind::ALL {
            if ev.strength(kind) > 0.0 {
                kind_share[kind.index()] += 1.0;
            }
        }
    }
    for s in &mut kind_share {
        *s /= n_edges;
    }
    let declared_share = declared / n_edges;
    let raw: f64 = LinkKind::ALL
        .into_iter()
        .map(|k| 2.0 * k.weight() * kind_share[k.index()])
        .sum();
    let surprise = (raw.min(cap)) * (1.0 - declared_share);
    let mut kinds: Vec<(LinkKind, f64)> = LinkKind::ALL
        .into_iter()
        .map(|k| (k, kind_share[k.index()]))
        .filter(|&(_, s)| s > 0.0)
        .collect();
    kinds.sort_by(|a, b| b.1.total_cmp(&a.1));
    let list = kinds
        .iter()
        .map(|(k, s)| format!("{} ({})", k.as_str(), pct(*s)))
        .collect::<Vec<_>>()
        .join(", ");
    let who = if declared_share >= 0.999 {
        "all in one declared organisation, so this common control is expected".to_string()
    } else if declared_share > 0.0 {
        format!(
            "{} of links inside one declared organisation",
            pct(declared_share)
        )
    } else {
        "none of them declaring a common organisation".to_string()
    };
    let finding = Finding {
        group: Group::Coordination,
        surprise,
        evidence: Evidence::new(
            "common_control",
            (raw * 100.0).round() / 100.0,
            format!(
                "{} accounts are linked by {} pieces of evidence of common control ({who}); link kinds and their share of links: {list}",
                cluster.members.len(),
                cluster.edges.len(),
            ),
        )
        .with_weight(surprise),
    };
    (finding, declared_share)
}

/// Scores one cluster from its members' findings and its links.
pub fn score_cluster(
    cluster: &Cluster,
    accounts: &[AccountFingerprint],
    member_maxima: &[[f64; Group::COUNT]],
    graph: &AccountGraph,
    detectors: &Detectors,
    cap: f64,
) -> ScoredCluster {
    let mut merged = Hll::default();
    let mut target_total = 0.0;
    let mut tokens_total = 0.0;
    for &m in &cluster.members {
        let s = &accounts[m as usize].stats;
        merged.merge(&s.distinct_target_prompts);
        target_total += s.target_exchanges as f64;
        tokens_total += s.target_output_tokens as f64;
    }
    let distinct = merged.estimate().min(target_total);
    let novelty = if target_total > 0.0 {
        distinct / target_total
    } else {
        0.0
    };
    let items = harvest::effective_items(distinct, target_total);
    let mut findings = detectors
        .harvest
        .assess_aggregate(items, tokens_total * novelty * novelty);

    let mut maxima = [0.0f64; Group::COUNT];
    maxima[Group::Harvest.index()] = findings.iter().map(|f| f.surprise).fold(0.0, f64::max);
    for group in [
        Group::Elicitation,
        Group::Templating,
        Group::Focus,
        Group::Automation,
        Group::Onboarding,
        Group::Adoption,
    ] {
        let mut values: Vec<f64> = cluster
            .members
            .iter()
            .map(|&m| member_maxima[m as usize][group.index()])
            .collect();
        maxima[group.index()] = median(&mut values);
    }
    maxima[Group::Intel.index()] = cluster
        .members
        .iter()
        .map(|&m| member_maxima[m as usize][Group::Intel.index()])
        .fold(0.0, f64::max);
    let (coord, declared_share) = coordination(graph, cluster, cap);
    maxima[Group::Coordination.index()] = coord.surprise;
    findings.push(coord);
    // Context, in no total: where the members' requests came from.
    findings.push(
        detectors
            .network
            .assess_cluster(cluster.members.iter().map(|&m| &accounts[m as usize])),
    );
    let total = combine::total(&maxima, cap);
    ScoredCluster {
        members: cluster.members.clone(),
        edges: cluster.edges.clone(),
        maxima,
        total,
        findings,
        declared_share,
        attached: Vec::new(),
    }
}

/// Values shared by at least two members, most shared first: (value, members holding it).
pub fn shared_values<'a, I>(per_member: I) -> Vec<(String, usize)>
where
    I: Iterator<Item = Vec<&'a str>>,
{
    let mut counts: FxHashMap<&str, usize> = FxHashMap::default();
    for values in per_member {
        for v in values {
            *counts.entry(v).or_insert(0) += 1;
        }
    }
    let mut shared: Vec<(String, usize)> = counts
        .into_iter()
        .filter(|&(_, n)| n >= 2)
        .map(|(v, n)| (v.to_string(), n))
        .collect();
    shared.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    shared
}
