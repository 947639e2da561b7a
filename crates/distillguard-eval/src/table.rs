//! The terminal view of [`Metrics`]: plain text, fixed-width columns, `n/a` for metrics
//! that are undefined on these labels.

use std::fmt::Write as _;

use crate::Metrics;

/// Renders `metrics` as a readable table (ends with a newline).
pub fn render_table(metrics: &Metrics) -> String {
    let c = &metrics.counts;
    let mut out = String::new();
    // Writing to a String cannot fail; the results are ignored for that reason.
    let _ = writeln!(out, "distillguard eval");
    let _ = writeln!(
        out,
        "  labelled accounts        {} (attack {}, benign {})",
        c.labelled, c.attack, c.benign
    );
    let _ = writeln!(
        out,
        "  report accounts          {} ({} without a label, ignored)",
        c.report_accounts, c.report_accounts_unlabelled
    );
    if c.labelled_missing_from_report > 0 {
        let _ = writeln!(
            out,
            "  missing from report      {} labelled accounts (counted unflagged, score 0)",
            c.labelled_missing_from_report
        );
    }
    if c.duplicate_labels > 0 {
        let _ = writeln!(
            out,
            "  duplicate labels         {} (first label kept)",
            c.duplicate_labels
        );
    }

    let _ = writeln!(out);
    let _ = writeln!(out, "detection (flagged = verdict \"attack\")");
    let _ = writeln!(
        out,
        "  precision                {:>7}   tp {}, fp {}",
        ratio(metrics.precision),
        c.true_positives,
        c.false_positives
    );
    let _ = writeln!(
        out,
        "  recall                   {:>7}   tp {}, fn {}",
        ratio(metrics.recall),
        c.true_positives,
        c.false_negatives
    );
    let _ = writeln!(out, "  F1                       {:>7}", ratio(metrics.f1));
    let _ = writeln!(
        out,
        "  ROC AUC                  {:>7}",
        ratio(metrics.roc_auc)
    );
    let _ = writeln!(
        out,
        "  benign FP rate           {:>7}   {} of {} benign accounts flagged",
        ratio(metrics.benign_false_positive_rate),
        c.false_positives,
        c.benign
    );
    let _ = writeln!(
        out,
        "  attack-exchange recall   {:>7}   {} of {} attack exchanges",
        ratio(metrics.attack_exchange_recall),
        c.flagged_attack_exchanges,
        c.attack_exchanges
    );
    let s = &metrics.suspicious;
    let _ = writeln!(
        out,
        "  suspicious verdicts      {:>7}   attack-labelled {}, benign-labelled {}, unlabelled {}",
        s.total, s.attack_labelled, s.benign_labelled, s.unlabelled
    );

    if !metrics.campaigns.is_empty() {
        let width = name_width(
            metrics.campaigns.iter().map(|m| m.campaign.as_str()),
            "campaign",
        );
        let _ = writeln!(out);
        let _ = writeln!(out, "per campaign");
        let _ = writeln!(
            out,
            "  {:<width$}  {:>8}  {:>7}  {:>7}  {:>10}  {:>11}  {:>8}",
            "campaign", "accounts", "flagged", "recall", "exchanges", "exch.recall", "clusters"
        );
        for m in &metrics.campaigns {
            let _ = writeln!(
                out,
                "  {:<width$}  {:>8}  {:>7}  {:>7}  {:>10}  {:>11}  {:>8}",
                m.campaign,
                m.accounts,
                m.flagged,
                ratio(m.recall),
                m.exchanges,
                ratio(m.exchange_recall),
                m.predicted_clusters
            );
        }
    }

    if !metrics.populations.is_empty() {
        let width = name_width(
            metrics.populations.iter().map(|m| m.population.as_str()),
            "benign population",
        );
        let _ = writeln!(out);
        let _ = writeln!(out, "false positives per benign population");
        let _ = writeln!(
            out,
            "  {:<width$}  {:>8}  {:>7}  {:>8}  {:>10}",
            "benign population", "accounts", "flagged", "FP rate", "suspicious"
        );
        for m in &metrics.populations {
            let _ = writeln!(
                out,
                "  {:<width$}  {:>8}  {:>7}  {:>8}  {:>10}",
                m.population,
                m.accounts,
                m.flagged,
                ratio(m.false_positive_rate),
                m.suspicious
            );
        }
    }

    let a = &metrics.cluster_agreement;
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "cluster agreement ({} attack accounts in {} labelled campaigns{})",
        a.accounts,
        a.labelled_campaigns,
        if a.accounts_without_campaign > 0 {
            format!(
                "; {} without a campaign left out",
                a.accounts_without_campaign
            )
        } else {
            String::new()
        }
    );
    let _ = writeln!(
        out,
        "  ARI vs predicted campaigns {:>7}   {} predicted groups",
        signed(a.ari),
        a.predicted_groups
    );
    let _ = writeln!(
        out,
        "  ARI vs predicted clusters  {:>7}   {} predicted groups",
        signed(a.ari_clusters),
        a.predicted_clusters
    );
    out
}

fn ratio(value: Option<f64>) -> String {
    match value {
        Some(v) => format!("{v:.4}"),
        None => "n/a".to_string(),
    }
}

fn signed(value: Option<f64>) -> String {
    match value {
        Some(v) => format!("{v:.3}"),
        None => "n/a".to_string(),
    }
}

/// Column width for a name column: the longest name, at least the header, at most 40.
fn name_width<'a>(names: impl Iterator<Item = &'a str>, header: &str) -> usize {
    names
        .map(|n| n.chars().count())
        .max()
        .unwrap_or(0)
        .max(header.len())
        .min(40)
}
