//! Assembling the report: verdicts from totals and thresholds, clusters and campaigns
//! with their shared indicators, and the evidence every verdict carries.

use distillguard_features::fingerprint::{subnet_of, AccountFingerprint, Population};
use distillguard_graph::{links, AccountGraph};
use distillguard_model::report::AccountReport;
use distillguard_model::report::{
    CampaignReport, CampaignTimeline, ClusterLink, ClusterReport, InputSummary, Report,
    SharedIndicators, REPORT_VERSION,
};
use distillguard_model::time::DAY;
use distillguard_model::{Evidence, Verdict};
use rustc_hash::FxHashMap;

use crate::calibrate::{score_of, Thresholds};
use crate::campaigns;
use crate::cluster_score::{shared_values, ScoredCluster};
use crate::config::Config;
use crate::detectors::{pct, Finding, Group};

pub struct Parts<'a> {
    pub input: InputSummary,
    pub population: &'a Population,
    pub findings: &'a [Vec<Finding>],
    pub own_totals: &'a [f64],
    pub graph: &'a AccountGraph,
    pub clusters: &'a [ScoredCluster],
    pub thresholds: &'a Thresholds,
    pub config: &'a Config,
}

/// Evidence items kept per account and per cluster.
pub const MAX_EVIDENCE: usize = 6;
/// Findings weaker than this are not shown as evidence.
pub const MIN_EVIDENCE_SURPRISE: f64 = 0.5;

/// Context that scores nothing is shown only when it stands out this far (robust
/// standard deviations; where most accounts use one or two networks and send nothing
/// from hosting networks: three networks more than the median account, or 15% of its
/// requests from hosting networks).
pub const MIN_CONTEXT_SURPRISE: f64 = 3.0;

/// Links drawn per cluster (strongest first).
pub const MAX_LINKS: usize = 600;
/// Shared values listed per indicator kind.
pub const MAX_SHARED: usize = 20;

fn verdict(total: f64, t: &Thresholds) -> Verdict {
    if total >= t.attack_total {
        Verdict::Attack
    } else if total >= t.suspicious_total {
        Verdict::Suspicious
    } else {
        Verdict::Benign
    }
}

/// The strongest link of common control from each account to a partner outside its
/// own declared organisation that counts as coordination for an `attack` verdict
/// (`require_coordination`): the index of that edge in `graph.edges`, or `None`.
///
/// Inside a reported cluster any such link counts: the cluster is the evidence. Outside
/// one (a pair, or a group under `min_cluster_size`), the link stands alone, so it must
/// show control in full on its own (a shared payment instrument, several shared
/// addresses, synchrony: [`distillguard_graph::PairEvidence::has_full_control_kind`])
/// and the partner must be at least `suspicious` on its own behaviour. Among a few
/// hundred thousand accounts, a pair of strangers meets the edge bar by co-location
/// now and then (two app back-ends on one framework's templates that once left by the
/// same cloud address); two harvesting accounts under one control are a small hydra,
/// a harvesting account and an ordinary neighbour are not.
fn coordination_links(
    graph: &AccountGraph,
    in_cluster: &[bool],
    own_totals: &[f64],
    suspicious_total: f64,
) -> Vec<Option<usize>> {
    let mut strongest: Vec<Option<(usize, f64)>> = vec![None; in_cluster.len()];
    let mut note = |account: u32, partner: u32, edge: usize, weight: f64, full_control: bool| {
        let i = account as usize;
        let counts =
            in_cluster[i] || (own_totals[partner as usize] >= suspicious_total && full_control);
        if counts && strongest[i].is_none_or(|(_, w)| weight > w) {
            strongest[i] = Some((edge, weight));
        }
    };
    for (edge, e) in graph.edges.iter().enumerate() {
        if e.evidence.same_org {
            continue;
        }
        let weight = e.evidence.weight();
        let full_control = e.evidence.has_full_control_kind();
        note(e.a, e.b, edge, weight, full_control);
        note(e.b, e.a, edge, weight, full_control);
    }
    strongest
        .into_iter()
        .map(|s| s.map(|(edge, _)| edge))
        .collect()
}

/// Evidence for an account whose `attack` verdict rests on a link outside any reported
/// cluster: the partner, its own score, and what the two share.
fn linked_account_evidence(
    i: usize,
    edge: usize,
    accounts: &[AccountFingerprint],
    p: &Parts<'_>,
) -> Evidence {
    let e = &p.graph.edges[edge];
    let partner = if e.a as usize == i { e.b } else { e.a } as usize;
    let partner_id = &accounts[partner].stats.account_id;
    Evidence::new(
        "linked_account",
        partner_id.as_str(),
        format!(
            "linked to account {partner_id} (own score {:.2}, itself over the suspicious threshold) by {}, control shown in full; the pair is under the {} accounts a reported cluster needs",
            score_of(p.own_totals[partner]),
            e.evidence.describe(),
            p.config.min_cluster_size,
        ),
    )
    .with_weight(e.evidence.weight())
}

fn short_hash(parts: impl Iterator<Item = String>) -> String {
    let joined: Vec<String> = parts.collect();
    format!(
        "{:08x}",
        distillguard_features::hash64(joined.join("\n").as_bytes()) >> 32
    )
}

/// The strongest scored findings' evidence, at most [`MAX_EVIDENCE`].
fn top_evidence(findings: &[Finding]) -> Vec<Evidence> {
    strongest(findings, false)
        .take(MAX_EVIDENCE)
        .map(|f| f.evidence.clone())
        .collect()
}

/// The strongest context finding's evidence ([`Group::Network`], not scored), if one
/// stands out; it goes after the scored evidence.
fn context_evidence(findings: &[Finding]) -> Option<Evidence> {
    strongest(findings, true).next().map(|f| f.evidence.clone())
}

/// Findings of the scored groups (or of the context group) over the evidence floor,
/// strongest first.
fn strongest(findings: &[Finding], context: bool) -> impl Iterator<Item = &Finding> {
    let mut strong: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.surprise >= MIN_EVIDENCE_SURPRISE)
        .filter(|f| (f.group == Group::Network) == context)
        .collect();
    strong.sort_by(|a, b| {
        b.surprise
            .total_cmp(&a.surprise)
            .then(a.evidence.signal.cmp(&b.evidence.signal))
    });
    strong.into_iter()
}

fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

pub fn report(p: Parts<'_>) -> Report {
    let accounts = &p.population.accounts;
    let t = p.thresholds;

    // Clusters worth reporting: at least suspicious as a whole.
    let reported: Vec<&ScoredCluster> = p
        .clusters
        .iter()
        .filter(|c| c.total >= t.suspicious_total)
        .collect();
    let ids: Vec<String> = reported
        .iter()
        .map(|c| {
            format!(
                "cl-{}",
                short_hash(
                    c.members
                        .iter()
                        .map(|&m| accounts[m as usize].stats.account_id.clone())
                )
            )
        })
        .collect();
    let mut cluster_of: FxHashMap<u32, usize> = FxHashMap::default();
    let mut attachment_of: FxHashMap<u32, &distillguard_graph::Attachment> = FxHashMap::default();
    for (ci, c) in reported.iter().enumerate() {
        for &m in &c.members {
            cluster_of.insert(m, ci);
        }
        for a in &c.attached {
            cluster_of.insert(a.account, ci);
            attachment_of.insert(a.account, a);
        }
    }
    let payment_sharing = payment_baseline(accounts);
    let cluster_reports: Vec<ClusterReport> = reported
        .iter()
        .zip(&ids)
        .map(|(c, id)| cluster_report(c, id, accounts, p.graph, &payment_sharing))
        .collect();

    // Campaigns: attack clusters grouped by shared indicators.
    // Only clusters whose common control nobody declared make campaigns.
    let attack_clusters: Vec<usize> = (0..reported.len())
        .filter(|&i| reported[i].total >= t.attack_total)
        .filter(|&i| !p.config.require_coordination || reported[i].declared_share < 1.0)
        .collect();
    let indicators: Vec<campaigns::ClusterIndicators> = attack_clusters
        .iter()
        .map(|&i| campaigns::indicators(&reported[i].members, accounts))
        .collect();
    let mut campaign_reports = Vec::new();
    let mut timelines = Vec::new();
    let groups = campaigns::group(&indicators);
    let campaign_ids: Vec<String> = groups
        .iter()
        .map(|group| {
            format!(
                "cp-{}",
                short_hash(
                    group
                        .clusters
                        .iter()
                        .map(|&g| ids[attack_clusters[g]].clone()),
                )
            )
        })
        .collect();
    for (gi, group) in groups.iter().enumerate() {
        let cluster_indices: Vec<usize> =
            group.clusters.iter().map(|&g| attack_clusters[g]).collect();
        let members: Vec<u32> = cluster_indices
            .iter()
            .flat_map(|&ci| reported[ci].all_members())
            .collect();
        let cluster_ids: Vec<String> = cluster_indices.iter().map(|&ci| ids[ci].clone()).collect();
        let id = campaign_ids[gi].clone();
        let exchanges: u64 = members
            .iter()
            .map(|&m| accounts[m as usize].stats.exchanges)
            .sum();
        let (models, timeline) = model_traffic(&members, p.population, &id);
        let grouped_by = if group.clusters.len() < 2 {
            String::from("one cluster with its own playbook")
        } else {
            format!(
                "grouped because they share one playbook: {} of their {} cluster pairs have most of their prompt templates and the same mix of target capabilities in common",
                group.linked_pairs,
                group.pairs()
            )
        };
        let mut evidence = vec![Evidence::new(
            "campaign_clusters",
            cluster_ids.len() as f64,
            format!(
                "{} cluster(s) of {} accounts in all, {grouped_by}",
                cluster_ids.len(),
                members.len()
            ),
        )];
        if let Some((model, share)) = timeline.as_ref().and_then(fastest_move) {
            evidence.push(Evidence::new(
                "model_move",
                round4(share),
                format!("moved {} of its daily traffic to {model} within a day of that model's first appearance", pct(share)),
            ));
        }
        for (other, other_group) in groups.iter().enumerate() {
            let shared =
                campaigns::shared_payments(&indicators, &group.clusters, &other_group.clusters);
            if other != gi && shared > 0 {
                evidence.push(Evidence::new(
                    "shared_operator",
                    campaign_ids[other].as_str(),
                    format!(
                        "shares {shared} payment instrument(s) with campaign {}: one proxy operator likely serves both, with different playbooks",
                        campaign_ids[other]
                    ),
                ));
            }
        }
        for &ci in &cluster_indices {
            evidence.extend(top_evidence(&reported[ci].findings).into_iter().take(2));
        }
        evidence.truncate(MAX_EVIDENCE);
        campaign_reports.push(CampaignReport {
            id,
            clusters: cluster_ids,
            accounts: members.len() as u64,
            exchanges,
            targets: campaigns::targets(&members, accounts),
            evidence,
            models,
        });
        if let Some(tl) = timeline {
            timelines.push(tl);
        }
    }

    // Accounts.
    let mut in_cluster = vec![false; accounts.len()];
    for &account in cluster_of.keys() {
        in_cluster[account as usize] = true;
    }
    let links = coordination_links(p.graph, &in_cluster, p.own_totals, t.suspicious_total);
    let attached_undeclared = |i: usize| {
        attachment_of
            .get(&(i as u32))
            .is_some_and(|a| !a.evidence.same_org)
    };
    let mut account_reports: Vec<AccountReport> = accounts
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let own = p.own_totals[i];
            let cluster = cluster_of.get(&(i as u32)).copied();
            let mut evidence = top_evidence(&p.findings[i]);
            let mut total = own;
            if let Some(ci) = cluster {
                let c = reported[ci];
                if let Some(a) = attachment_of.get(&(i as u32)) {
                    evidence.insert(
                        0,
                        Evidence::new(
                            "attached_to_cluster",
                            ids[ci].as_str(),
                            format!(
                                "in no cluster of its own links, but shares with the {} accounts of cluster {} (their keys pooled): {}",
                                c.members.len(),
                                ids[ci],
                                a.evidence.describe()
                            ),
                        )
                        .with_weight(a.evidence.weight()),
                    );
                }
                if c.total > own {
                    total = c.total;
                    evidence.insert(
                        0,
                        Evidence::new(
                            "cluster_member",
                            ids[ci].as_str(),
                            format!(
                                "member of cluster {} ({} accounts) whose combined risk ({:.2}) is higher than this account's own ({:.2}): caught by what it shares",
                                ids[ci],
                                c.members.len(),
                                score_of(c.total),
                                score_of(own)
                            ),
                        )
                        .with_weight(c.total),
                    );
                    evidence.truncate(MAX_EVIDENCE);
                }
            }
            let mut verdict = verdict(total, t);
            let corroborated = p.findings[i].iter().any(|f| f.group == crate::detectors::Group::Intel && f.surprise > 0.0);
            let coordinated = links[i].is_some() || attached_undeclared(i);
            if verdict == Verdict::Attack && cluster.is_none() {
                // Its verdict rests on a link no cluster shows: name the partner.
                if let Some(edge) = links[i] {
                    evidence.insert(0, linked_account_evidence(i, edge, accounts, &p));
                    evidence.truncate(MAX_EVIDENCE);
                }
            }
            if verdict == Verdict::Attack && p.config.require_coordination && !coordinated && !corroborated {
                verdict = Verdict::Suspicious;
                evidence.insert(
                    0,
                    Evidence::new(
                        "acts_alone",
                        round4(score_of(total)),
                        "over the attack threshold, but shares no evidence of common control with accounts outside its own declared organisation and matches no partner indicator: held at suspicious for an analyst to review",
                    ),
                );
                evidence.truncate(MAX_EVIDENCE);
            }
            evidence.extend(context_evidence(&p.findings[i]));
            AccountReport {
                account_id: a.stats.account_id.clone(),
                score: round4(score_of(total)),
                verdict,
                cluster: cluster.map(|ci| ids[ci].clone()),
                exchanges: a.stats.exchanges,
                evidence,
            }
        })
        .collect();
    account_reports.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(a.account_id.cmp(&b.account_id))
    });

    Report {
        version: REPORT_VERSION,
        input: p.input,
        accounts: account_reports,
        clusters: cluster_reports,
        campaigns: campaign_reports,
        settings: Some(serde_json::json!({
            "thresholds": {
                "attack_score": round4(t.attack_score),
                "suspicious_score": round4(t.suspicious_score),
                "attack_total": round4(t.attack_total),
                "suspicious_total": round4(t.suspicious_total),
                "calibrated_on_accounts": t.null_accounts,
            },
            "target_fpr": p.config.target_fpr,
            "suspicious_fpr": p.config.suspicious_fpr,
            "assumed_max_prevalence": p.config.assumed_max_prevalence,
            "require_coordination": p.config.require_coordination,
            "graph": {
                "edges": p.graph.edges.len(),
                "candidate_pairs": p.graph.candidate_pairs,
                "clusters_found": p.clusters.len(),
                "clusters_reported": reported.len(),
            }
        })),
        timelines,
    }
}

/// For each payment fingerprint, how many accounts use it; plus the share of accounts
/// whose instrument is shared with more than 3 others (the population baseline).
struct PaymentBaseline {
    holders: FxHashMap<String, usize>,
    share_over_3: f64,
}

fn payment_baseline(accounts: &[AccountFingerprint]) -> PaymentBaseline {
    let mut holders: FxHashMap<String, usize> = FxHashMap::default();
    for a in accounts {
        for fp in &a.stats.payment_fps.items {
            *holders.entry(fp.clone()).or_insert(0) += 1;
        }
    }
    let over = accounts
        .iter()
        .filter(|a| {
            a.stats
                .payment_fps
                .items
                .iter()
                .any(|fp| holders.get(fp).copied().unwrap_or(0) > 4)
        })
        .count();
    PaymentBaseline {
        holders,
        share_over_3: over as f64 / accounts.len().max(1) as f64,
    }
}

fn cluster_report(
    c: &ScoredCluster,
    id: &str,
    accounts: &[AccountFingerprint],
    graph: &AccountGraph,
    payments: &PaymentBaseline,
) -> ClusterReport {
    let stats = |m: &u32| &accounts[*m as usize].stats;
    let ip_strings: Vec<Vec<String>> = c
        .members
        .iter()
        .map(|m| stats(m).ips.items.iter().map(|ip| ip.to_string()).collect())
        .collect();
    let shared_ips = shared_values(
        ip_strings
            .iter()
            .map(|v| v.iter().map(String::as_str).collect()),
    );
    let payment = shared_values(c.members.iter().map(|m| {
        stats(m)
            .payment_fps
            .items
            .iter()
            .map(String::as_str)
            .collect()
    }));
    let uas = shared_values(c.members.iter().map(|m| {
        stats(m)
            .user_agents
            .items
            .iter()
            .map(String::as_str)
            .collect()
    }));
    let asn_strings: Vec<Vec<String>> = c
        .members
        .iter()
        .map(|m| stats(m).asns.items.iter().map(|a| a.to_string()).collect())
        .collect();
    let asns = shared_values(
        asn_strings
            .iter()
            .map(|v| v.iter().map(String::as_str).collect()),
    );
    let template_hex: Vec<Vec<String>> = c
        .members
        .iter()
        .map(|m| {
            links::template::keys(stats(m))
                .into_iter()
                .map(crate::detectors::intel::template_fp_hex)
                .collect()
        })
        .collect();
    let templates = shared_values(
        template_hex
            .iter()
            .map(|v| v.iter().map(String::as_str).collect()),
    );

    let mut evidence: Vec<Evidence> = Vec::new();
    if let Some((fp, n)) = payment.first() {
        evidence.push(Evidence::new(
            "shared_payment",
            *n as f64,
            format!(
                "{n} accounts of this cluster pay with one instrument ({fp}, {} accounts in all use it); {} of all accounts share a payment instrument with more than 3 others",
                payments.holders.get(fp).copied().unwrap_or(*n),
                pct(payments.share_over_3)
            ),
        ));
    }
    if !templates.is_empty() {
        evidence.push(Evidence::new(
            "shared_templates",
            templates.len() as f64,
            format!(
                "{} prompt template frames are each used by several accounts of this cluster (the most shared by {} accounts)",
                templates.len(),
                templates[0].1
            ),
        ));
    }
    if let Some((ip, n)) = shared_ips.first() {
        let subnet = ip.parse().map(subnet_of).unwrap_or_default();
        evidence.push(Evidence::new(
            "shared_ips",
            shared_ips.len() as f64,
            format!("{} IP addresses are used by more than one account of this cluster; the most shared, {ip} (network {subnet}), by {n}", shared_ips.len()),
        ));
    }
    if !c.attached.is_empty() {
        evidence.push(Evidence::new(
            "attached_accounts",
            c.attached.len() as f64,
            format!(
                "{} more accounts, in no cluster of their own links, share the cluster's pooled addresses, networks or templates (listed after its {} members; each says what it shares)",
                c.attached.len(),
                c.members.len()
            ),
        ));
    }
    let mut all = top_evidence(&c.findings);
    all.extend(evidence);
    all.truncate(MAX_EVIDENCE + 2);
    all.extend(context_evidence(&c.findings));

    // Links for the picture, strongest first, indices into `accounts`.
    let position: FxHashMap<u32, usize> =
        c.members.iter().enumerate().map(|(i, &m)| (m, i)).collect();
    let mut edges: Vec<&distillguard_graph::Edge> =
        c.edges.iter().map(|&e| &graph.edges[e]).collect();
    edges.sort_by(|a, b| {
        b.evidence
            .weight()
            .total_cmp(&a.evidence.weight())
            .then((a.a, a.b).cmp(&(b.a, b.b)))
    });
    // The member with the strongest links: attached accounts are drawn to it.
    let mut strength = vec![0.0f64; c.members.len()];
    for e in &edges {
        for end in [e.a, e.b] {
            if let Some(&p) = position.get(&end) {
                strength[p] += e.evidence.weight();
            }
        }
    }
    let hub = (0..strength.len())
        .max_by(|&x, &y| strength[x].total_cmp(&strength[y]).then(y.cmp(&x)))
        .unwrap_or(0);
    let mut links: Vec<ClusterLink> = edges
        .into_iter()
        .take(MAX_LINKS)
        .filter_map(|e| {
            Some(ClusterLink {
                a: *position.get(&e.a)?,
                b: *position.get(&e.b)?,
                kinds: e
                    .evidence
                    .kinds()
                    .into_iter()
                    .map(|k| k.as_str().to_string())
                    .collect(),
                weight: round4(e.evidence.weight()),
            })
        })
        .collect();
    // An attached account's link is to the cluster's pooled keys, not to one member:
    // kind `attached` first, then what it shares.
    links.extend(c.attached.iter().enumerate().take(MAX_LINKS).map(|(j, a)| {
        ClusterLink {
            a: hub,
            b: c.members.len() + j,
            kinds: std::iter::once("attached".to_string())
                .chain(
                    a.evidence
                        .kinds()
                        .into_iter()
                        .map(|k| k.as_str().to_string()),
                )
                .collect(),
            weight: round4(a.evidence.weight()),
        }
    }));

    let everyone: Vec<u32> = c.all_members().collect();
    let first_seen = everyone
        .iter()
        .map(&stats)
        .filter(|s| s.exchanges > 0)
        .map(|s| s.first_ts)
        .min();
    let last_seen = everyone
        .iter()
        .map(&stats)
        .filter(|s| s.exchanges > 0)
        .map(|s| s.last_ts)
        .max();
    ClusterReport {
        id: id.to_string(),
        accounts: everyone
            .iter()
            .map(|m| stats(m).account_id.clone())
            .collect(),
        score: round4(score_of(c.total)),
        exchanges: everyone.iter().map(|m| stats(m).exchanges).sum(),
        first_seen,
        last_seen,
        targets: campaigns::targets(&everyone, accounts),
        shared: SharedIndicators {
            ips: shared_ips
                .iter()
                .take(MAX_SHARED)
                .map(|(ip, _)| ip.to_string())
                .collect(),
            asns: asns
                .iter()
                .take(MAX_SHARED)
                .filter_map(|(a, _)| a.parse().ok())
                .collect(),
            payment_fps: payment
                .iter()
                .take(MAX_SHARED)
                .map(|(fp, _)| fp.clone())
                .collect(),
            templates: templates.len() as u64,
            template_fps: templates
                .iter()
                .take(MAX_SHARED)
                .map(|(t, _)| t.clone())
                .collect(),
            user_agents: uas
                .iter()
                .take(MAX_SHARED)
                .map(|(u, _)| u.clone())
                .collect(),
        },
        evidence: all,
        links,
    }
}

/// Share of exchanges per model, and the daily per-model timeline, of a set of accounts.
fn model_traffic(
    members: &[u32],
    population: &Population,
    id: &str,
) -> (Vec<(String, u64)>, Option<CampaignTimeline>) {
    let mut per_model: FxHashMap<u16, u64> = FxHashMap::default();
    let mut per_day: FxHashMap<(u16, u32), u64> = FxHashMap::default();
    for &m in members {
        for (&(model, day), &n) in &population.accounts[m as usize].stats.model_days {
            *per_model.entry(model).or_insert(0) += u64::from(n);
            *per_day.entry((model, day)).or_insert(0) += u64::from(n);
        }
    }
    let name = |m: u16| {
        population
            .models
            .get(usize::from(m))
            .cloned()
            .unwrap_or_else(|| "other".into())
    };
    let mut models: Vec<(String, u64)> = per_model.iter().map(|(&m, &n)| (name(m), n)).collect();
    models.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let (Some(first), Some(last)) = (
        per_day.keys().map(|k| k.1).min(),
        per_day.keys().map(|k| k.1).max(),
    ) else {
        return (models, None);
    };
    let mut model_ids: Vec<u16> = per_model.keys().copied().collect();
    model_ids.sort_unstable();
    let days: Vec<u32> = (first..=last).collect();
    let series = model_ids
        .iter()
        .map(|&m| {
            (
                name(m),
                days.iter()
                    .map(|&d| per_day.get(&(m, d)).copied().unwrap_or(0))
                    .collect(),
            )
        })
        .collect();
    let timeline = CampaignTimeline {
        campaign: id.to_string(),
        buckets: days.iter().map(|&d| i64::from(d) * DAY).collect(),
        bucket_ms: DAY,
        series,
    };
    (models, Some(timeline))
}

/// The largest share of a day's traffic a model took on the day after its first day in
/// this timeline (a model that was there from the start is skipped).
fn fastest_move(tl: &CampaignTimeline) -> Option<(String, f64)> {
    let days = tl.buckets.len();
    let totals: Vec<u64> = (0..days)
        .map(|d| tl.series.iter().map(|(_, v)| v[d]).sum())
        .collect();
    let mut best: Option<(String, f64)> = None;
    for (name, values) in &tl.series {
        let Some(first) = values.iter().position(|&v| v > 0) else {
            continue;
        };
        if first == 0 || first + 1 >= days {
            continue;
        }
        let next = first + 1;
        if totals[next] == 0 {
            continue;
        }
        let share = values[next] as f64 / totals[next] as f64;
        if best.as_ref().is_none_or(|(_, s)| share > *s) {
            best = Some((name.clone(), share));
        }
    }
    best.filter(|(_, s)| *s >= 0.2)
}
