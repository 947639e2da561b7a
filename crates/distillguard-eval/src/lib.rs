//! Scores a distillguard [`Report`] against ground-truth [`Label`]s.
//!
//! In: a report (what detection concluded) and the labels of `labels.jsonl` (what is
//! true, known only for simulated or investigated traffic). Out: [`Metrics`], which
//! serialise to the JSON of `distillguard eval --json`, and [`render_table`], the
//! terminal view of the same numbers. Pure: no I/O, no clock; the binary reads files.
//!
//! Conventions, so that numbers from different runs compare:
//! - An account is *flagged* when its verdict is `attack`; `suspicious` is not flagged,
//!   and is counted on its own.
//! - A labelled account missing from the report counts as unflagged with score 0 and
//!   no exchanges; a report account without a label is counted and otherwise ignored.
//! - When an account is labelled twice, the first label counts; the rest are counted
//!   as duplicates.
//! - A metric whose denominator is empty (no attack labels, no flagged accounts, ...)
//!   is `None`: `null` in JSON, `n/a` in the table.
//! - Cluster agreement compares, over labelled attack accounts that name a campaign,
//!   the labelled campaign with the predicted grouping: the report campaign that holds
//!   the account's cluster (or the cluster itself when no campaign holds it; an account
//!   without a cluster is a group of its own). It is also computed against the raw
//!   clusters, which shows whether a campaign was split across clusters.

mod ari;
mod auc;
mod table;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use distillguard_model::report::{AccountReport, Report};
use distillguard_model::{Label, LabelKind, Verdict};
use serde::Serialize;

pub use ari::adjusted_rand_index;
pub use auc::roc_auc;
pub use table::render_table;

/// The campaign name used for attack labels that name none.
pub const NO_CAMPAIGN: &str = "(none)";
/// The population name used for benign labels that name none.
pub const UNLABELLED_POPULATION: &str = "unlabelled";

/// Everything `eval` measures. Ratios are in [0, 1] (ARI in [-1, 1]); `None` where
/// undefined.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Metrics {
    pub counts: Counts,
    /// Flagged accounts that are labelled attack, over flagged labelled accounts.
    pub precision: Option<f64>,
    /// Attack-labelled accounts that are flagged, over attack-labelled accounts.
    pub recall: Option<f64>,
    pub f1: Option<f64>,
    /// ROC AUC of the account scores, attack vs benign labels (ties count one half).
    pub roc_auc: Option<f64>,
    /// Benign-labelled accounts that are flagged, over benign-labelled accounts.
    pub benign_false_positive_rate: Option<f64>,
    /// Exchanges of attack-labelled accounts made by flagged accounts, over all
    /// exchanges of attack-labelled accounts (the share of harvesting that was caught).
    pub attack_exchange_recall: Option<f64>,
    pub suspicious: SuspiciousCounts,
    /// One entry per labelled campaign, by name.
    pub campaigns: Vec<CampaignMetrics>,
    /// False positives per benign population, by name.
    pub populations: Vec<PopulationMetrics>,
    pub cluster_agreement: ClusterAgreement,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Counts {
    /// Distinct labelled accounts.
    pub labelled: usize,
    pub attack: usize,
    pub benign: usize,
    /// Label lines for an account already labelled (ignored).
    pub duplicate_labels: usize,
    /// Accounts in the report.
    pub report_accounts: usize,
    /// Labelled accounts the report does not list (unflagged, score 0).
    pub labelled_missing_from_report: usize,
    /// Report accounts without a label (ignored).
    pub report_accounts_unlabelled: usize,
    pub true_positives: usize,
    pub false_positives: usize,
    pub false_negatives: usize,
    pub true_negatives: usize,
    /// Exchanges of attack-labelled accounts, as the report counts them.
    pub attack_exchanges: u64,
    /// Of those, exchanges made by flagged accounts.
    pub flagged_attack_exchanges: u64,
}

/// Accounts with verdict `suspicious`: not flagged, but put in front of an analyst.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SuspiciousCounts {
    pub total: usize,
    pub attack_labelled: usize,
    pub benign_labelled: usize,
    pub unlabelled: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CampaignMetrics {
    pub campaign: String,
    pub accounts: usize,
    pub flagged: usize,
    pub suspicious: usize,
    pub missing_from_report: usize,
    pub recall: Option<f64>,
    pub exchanges: u64,
    pub flagged_exchanges: u64,
    pub exchange_recall: Option<f64>,
    /// Distinct report clusters holding this campaign's accounts (1 is ideal; more
    /// means the campaign was split).
    pub predicted_clusters: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PopulationMetrics {
    pub population: String,
    pub accounts: usize,
    /// Benign accounts of this population with verdict `attack`.
    pub flagged: usize,
    pub suspicious: usize,
    pub false_positive_rate: Option<f64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ClusterAgreement {
    /// Attack-labelled accounts that name a campaign (the items compared).
    pub accounts: usize,
    /// Attack-labelled accounts without a campaign (left out of the comparison).
    pub accounts_without_campaign: usize,
    /// Distinct labelled campaigns among the items.
    pub labelled_campaigns: usize,
    /// Distinct predicted groups (campaign, lone cluster or lone account) among them.
    pub predicted_groups: usize,
    /// Distinct predicted groups when clusters are not merged into campaigns.
    pub predicted_clusters: usize,
    /// ARI between labelled campaigns and predicted campaigns.
    pub ari: Option<f64>,
    /// ARI between labelled campaigns and predicted clusters.
    pub ari_clusters: Option<f64>,
}

/// Scores `report` against `labels`. See the crate doc for the conventions.
pub fn evaluate(report: &Report, labels: &[Label]) -> Metrics {
    let mut by_id: HashMap<&str, &AccountReport> = HashMap::with_capacity(report.accounts.len());
    for account in &report.accounts {
        by_id.entry(account.account_id.as_str()).or_insert(account);
    }

    // First label per account wins.
    let mut counts = Counts {
        report_accounts: report.accounts.len(),
        ..Counts::default()
    };
    let mut seen: HashSet<&str> = HashSet::with_capacity(labels.len());
    let mut distinct: Vec<&Label> = Vec::with_capacity(labels.len());
    for label in labels {
        if !seen.insert(label.account_id.as_str()) {
            counts.duplicate_labels += 1;
        } else {
            distinct.push(label);
        }
    }
    counts.labelled = distinct.len();
    counts.report_accounts_unlabelled = by_id.keys().filter(|id| !seen.contains(*id)).count();

    let mut suspicious = SuspiciousCounts {
        total: report
            .accounts
            .iter()
            .filter(|a| a.verdict == Verdict::Suspicious)
            .count(),
        ..SuspiciousCounts::default()
    };

    let mut scores: Vec<(f64, bool)> = Vec::with_capacity(distinct.len());
    let mut campaigns: BTreeMap<String, CampaignTally> = BTreeMap::new();
    let mut populations: BTreeMap<String, PopulationTally> = BTreeMap::new();

    for label in &distinct {
        let account = by_id.get(label.account_id.as_str()).copied();
        if account.is_none() {
            counts.labelled_missing_from_report += 1;
        }
        let flagged = account.is_some_and(|a| a.verdict == Verdict::Attack);
        let is_suspicious = account.is_some_and(|a| a.verdict == Verdict::Suspicious);
        let score = account.map_or(0.0, |a| a.score);
        let exchanges = account.map_or(0, |a| a.exchanges);
        let is_attack = label.label == LabelKind::Attack;
        scores.push((score, is_attack));

        match label.label {
            LabelKind::Attack => {
                counts.attack += 1;
                counts.attack_exchanges += exchanges;
                if flagged {
                    counts.true_positives += 1;
                    counts.flagged_attack_exchanges += exchanges;
                } else {
                    counts.false_negatives += 1;
                }
                if is_suspicious {
                    suspicious.attack_labelled += 1;
                }
                let name = label.campaign.as_deref().unwrap_or(NO_CAMPAIGN);
                let tally = campaigns.entry(name.to_string()).or_default();
                tally.accounts += 1;
                tally.flagged += usize::from(flagged);
                tally.suspicious += usize::from(is_suspicious);
                tally.missing += usize::from(account.is_none());
                tally.exchanges += exchanges;
                if flagged {
                    tally.flagged_exchanges += exchanges;
                }
                if let Some(cluster) = account.and_then(|a| a.cluster.as_deref()) {
                    tally.clusters.insert(cluster.to_string());
                }
            }
            LabelKind::Benign => {
                counts.benign += 1;
                if flagged {
                    counts.false_positives += 1;
                } else {
                    counts.true_negatives += 1;
                }
                if is_suspicious {
                    suspicious.benign_labelled += 1;
                }
                let name = label.population.as_deref().unwrap_or(UNLABELLED_POPULATION);
                let tally = populations.entry(name.to_string()).or_default();
                tally.accounts += 1;
                tally.flagged += usize::from(flagged);
                tally.suspicious += usize::from(is_suspicious);
            }
        }
    }
    suspicious.unlabelled = report
        .accounts
        .iter()
        .filter(|a| a.verdict == Verdict::Suspicious && !seen.contains(a.account_id.as_str()))
        .count();

    let precision = ratio(
        counts.true_positives,
        counts.true_positives + counts.false_positives,
    );
    let recall = ratio(counts.true_positives, counts.attack);
    let f1 = match (precision, recall) {
        (Some(p), Some(r)) if p + r > 0.0 => Some(2.0 * p * r / (p + r)),
        (Some(_), Some(_)) => Some(0.0),
        _ => None,
    };

    let campaigns = campaigns
        .into_iter()
        .map(|(campaign, t)| CampaignMetrics {
            recall: ratio(t.flagged, t.accounts),
            exchange_recall: ratio_u64(t.flagged_exchanges, t.exchanges),
            predicted_clusters: t.clusters.len(),
            campaign,
            accounts: t.accounts,
            flagged: t.flagged,
            suspicious: t.suspicious,
            missing_from_report: t.missing,
            exchanges: t.exchanges,
            flagged_exchanges: t.flagged_exchanges,
        })
        .collect();
    let populations = populations
        .into_iter()
        .map(|(population, t)| PopulationMetrics {
            false_positive_rate: ratio(t.flagged, t.accounts),
            population,
            accounts: t.accounts,
            flagged: t.flagged,
            suspicious: t.suspicious,
        })
        .collect();

    Metrics {
        precision,
        recall,
        f1,
        roc_auc: roc_auc(&scores),
        benign_false_positive_rate: ratio(counts.false_positives, counts.benign),
        attack_exchange_recall: ratio_u64(counts.flagged_attack_exchanges, counts.attack_exchanges),
        suspicious,
        campaigns,
        populations,
        cluster_agreement: cluster_agreement(report, &by_id, &distinct),
        counts,
    }
}

#[derive(Default)]
struct CampaignTally {
    accounts: usize,
    flagged: usize,
    suspicious: usize,
    missing: usize,
    exchanges: u64,
    flagged_exchanges: u64,
    clusters: BTreeSet<String>,
}

#[derive(Default)]
struct PopulationTally {
    accounts: usize,
    flagged: usize,
    suspicious: usize,
}

/// A predicted group. The variants keep names from different kinds apart (a cluster
/// and an account may share an id string).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Group<'a> {
    Campaign(&'a str),
    Cluster(&'a str),
    Account(&'a str),
}

fn cluster_agreement(
    report: &Report,
    by_id: &HashMap<&str, &AccountReport>,
    labels: &[&Label],
) -> ClusterAgreement {
    // cluster id -> campaign id; the first campaign naming a cluster wins.
    let mut campaign_of_cluster: HashMap<&str, &str> = HashMap::new();
    for campaign in &report.campaigns {
        for cluster in &campaign.clusters {
            campaign_of_cluster
                .entry(cluster.as_str())
                .or_insert(campaign.id.as_str());
        }
    }

    let mut truth: Vec<&str> = Vec::new();
    let mut predicted_campaign: Vec<Group> = Vec::new();
    let mut predicted_cluster: Vec<Group> = Vec::new();
    let mut without_campaign = 0;
    for label in labels.iter().filter(|l| l.label == LabelKind::Attack) {
        let Some(campaign) = label.campaign.as_deref() else {
            without_campaign += 1;
            continue;
        };
        let id = label.account_id.as_str();
        let cluster = by_id.get(id).and_then(|a| a.cluster.as_deref());
        truth.push(campaign);
        predicted_cluster.push(match cluster {
            Some(cluster) => Group::Cluster(cluster),
            None => Group::Account(id),
        });
        predicted_campaign.push(match cluster {
            Some(cluster) => match campaign_of_cluster.get(cluster) {
                Some(campaign) => Group::Campaign(campaign),
                None => Group::Cluster(cluster),
            },
            None => Group::Account(id),
        });
    }

    let distinct = |groups: &[Group]| groups.iter().collect::<HashSet<_>>().len();
    ClusterAgreement {
        accounts: truth.len(),
        accounts_without_campaign: without_campaign,
        labelled_campaigns: truth.iter().collect::<BTreeSet<_>>().len(),
        predicted_groups: distinct(&predicted_campaign),
        predicted_clusters: distinct(&predicted_cluster),
        ari: adjusted_rand_index(&truth, &predicted_campaign),
        ari_clusters: adjusted_rand_index(&truth, &predicted_cluster),
    }
}

fn ratio(numerator: usize, denominator: usize) -> Option<f64> {
    (denominator > 0).then(|| numerator as f64 / denominator as f64)
}

fn ratio_u64(numerator: u64, denominator: u64) -> Option<f64> {
    (denominator > 0).then(|| numerator as f64 / denominator as f64)
}

#[cfg(test)]
mod tests;
