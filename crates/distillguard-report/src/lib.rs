//! Views of a distillguard [`Report`]: the self-contained `report.html`, the one-screen
//! terminal summary, and the pretty `report.json`.
//!
//! In: a [`Report`] (built by `analyze`, or read back from `report.json`). Out: strings;
//! the binary decides where they go. Pure: no I/O, no clock, no network.
//!
//! The report is attacker-controlled text (account ids, user agents, evidence built
//! from traffic), so every string is escaped on the way out ([`text::html`] for the
//! page, [`text::terminal`] for the summary). The page references nothing outside
//! itself: styles, pictures (SVG) and the small filter script are inline, so it opens
//! from disk, offline, and leaks nothing when an analyst views it.
//!
//! Big reports stay small pages: the account table lists the [`MAX_LISTED_ACCOUNTS`]
//! highest scores, detailed cluster cards go to the [`MAX_DETAILED_CLUSTERS`] highest
//! scoring clusters, and a cluster graph draws at most [`MAX_GRAPH_NODES`] accounts and
//! [`MAX_GRAPH_EDGES`] links;
//! the page says when it leaves something out.

mod html;
mod summary;
pub mod text;

use distillguard_model::report::{AccountReport, Report};
use distillguard_model::{Evidence, Verdict};

pub use html::render_html;
pub use summary::render_summary;

/// Accounts listed in the page's account table (highest scores first).
pub const MAX_LISTED_ACCOUNTS: usize = 500;
/// Clusters that get a card with a graph (highest scores first); the rest are rows.
pub const MAX_DETAILED_CLUSTERS: usize = 40;
/// Accounts drawn in one cluster graph (the most strongly linked).
pub const MAX_GRAPH_NODES: usize = 150;
/// Links drawn in one cluster graph (the strongest).
pub const MAX_GRAPH_EDGES: usize = 600;
/// Rows of the cluster overview table.
pub const MAX_LISTED_CLUSTERS: usize = 500;

/// The report as pretty-printed JSON (the `report.json` file).
pub fn to_json(report: &Report) -> String {
    // Serialising a Report cannot fail: every map key is a string and no field has a
    // fallible serializer. The fallback keeps this total without a panic.
    serde_json::to_string_pretty(report)
        .unwrap_or_else(|err| format!("{{\"error\": {:?}}}", err.to_string()))
}

/// Accounts per verdict: (attack, suspicious, benign).
pub(crate) fn verdict_counts(report: &Report) -> (u64, u64, u64) {
    let mut counts = (0, 0, 0);
    for account in &report.accounts {
        match account.verdict {
            Verdict::Attack => counts.0 += 1,
            Verdict::Suspicious => counts.1 += 1,
            Verdict::Benign => counts.2 += 1,
        }
    }
    counts
}

/// Accounts by descending score, then id (a stable order for every view).
pub(crate) fn accounts_by_score(report: &Report) -> Vec<&AccountReport> {
    let mut accounts: Vec<&AccountReport> = report.accounts.iter().collect();
    accounts.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.account_id.cmp(&b.account_id))
    });
    accounts
}

/// Evidence by descending weight (unweighted last), keeping the given order otherwise.
pub(crate) fn evidence_by_weight(evidence: &[Evidence]) -> Vec<&Evidence> {
    let mut sorted: Vec<&Evidence> = evidence.iter().collect();
    sorted.sort_by(|a, b| {
        let wa = a.weight.unwrap_or(f64::NEG_INFINITY);
        let wb = b.weight.unwrap_or(f64::NEG_INFINITY);
        wb.total_cmp(&wa)
    });
    sorted
}

/// Verdict thresholds found in the report's free-form `settings`: any number in
/// [0, 1] whose key path mentions `threshold` and `attack` (or `suspicious`), e.g.
/// `{"thresholds": {"attack": 0.8}}` or `{"attack_threshold": 0.8}`.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Thresholds {
    pub attack: Option<f64>,
    pub suspicious: Option<f64>,
}

pub(crate) fn thresholds(report: &Report) -> Thresholds {
    let mut found = Thresholds::default();
    if let Some(settings) = &report.settings {
        // Score thresholds first (`thresholds.attack_score`), then any other.
        walk_thresholds(settings, "", 0, true, &mut found);
        walk_thresholds(settings, "", 0, false, &mut found);
    }
    found
}

fn walk_thresholds(
    value: &serde_json::Value,
    path: &str,
    depth: usize,
    only_scores: bool,
    found: &mut Thresholds,
) {
    if depth > 4 {
        return;
    }
    match value {
        serde_json::Value::Object(map) => {
            for (key, child) in map {
                let child_path = format!("{path}.{}", key.to_ascii_lowercase());
                walk_thresholds(child, &child_path, depth + 1, only_scores, found);
            }
        }
        serde_json::Value::Number(number) => {
            let Some(v) = number.as_f64() else { return };
            if !(0.0..=1.0).contains(&v)
                || !path.contains("threshold")
                || (only_scores && !path.contains("score"))
            {
                return;
            }
            if path.contains("attack") && found.attack.is_none() {
                found.attack = Some(v);
            } else if path.contains("suspicious") && found.suspicious.is_none() {
                found.suspicious = Some(v);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use distillguard_model::report::InputSummary;

    fn with_settings(settings: serde_json::Value) -> Report {
        Report {
            version: 1,
            input: InputSummary::default(),
            accounts: Vec::new(),
            clusters: Vec::new(),
            campaigns: Vec::new(),
            settings: Some(settings),
            timelines: Vec::new(),
        }
    }

    #[test]
    fn finds_thresholds_in_common_shapes() {
        let nested =
            with_settings(serde_json::json!({"thresholds": {"attack": 0.8, "suspicious": 0.5}}));
        assert_eq!(
            thresholds(&nested),
            Thresholds {
                attack: Some(0.8),
                suspicious: Some(0.5)
            }
        );
        let flat = with_settings(serde_json::json!({"attack_threshold": 0.7, "min_cluster": 3}));
        assert_eq!(thresholds(&flat).attack, Some(0.7));
        assert_eq!(thresholds(&flat).suspicious, None);
        // The scoring crate's shape: score thresholds win over other totals.
        let scoring = with_settings(serde_json::json!({"thresholds": {
            "attack_total": 0.95, "attack_score": 0.81, "suspicious_total": 0.9, "suspicious_score": 0.6}}));
        assert_eq!(
            thresholds(&scoring),
            Thresholds {
                attack: Some(0.81),
                suspicious: Some(0.6)
            }
        );
        let unrelated = with_settings(serde_json::json!({"attack": 0.9, "threshold": 5}));
        assert_eq!(thresholds(&unrelated), Thresholds::default());
    }
}
