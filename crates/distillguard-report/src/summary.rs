//! The one-screen terminal summary `analyze` prints: what was read, the verdicts, the
//! campaigns with their targets, the top clusters and accounts.
//!
//! Plain text (no colours), every line cut to the caller's width, untrusted strings
//! stripped of control characters so a crafted account id cannot drive the terminal.

use distillguard_model::report::{ClusterReport, Report};

use crate::text::{count, minute, terminal, truncate};
use crate::{accounts_by_score, evidence_by_weight, verdict_counts};

const TOP_CAMPAIGNS: usize = 5;
const TOP_CLUSTERS: usize = 5;
const TOP_ACCOUNTS: usize = 5;

/// Renders the summary, each line at most `width` characters (at least 40).
pub fn render_summary(report: &Report, width: usize) -> String {
    let width = width.max(40);
    let mut lines: Vec<String> = Vec::new();
    let input = &report.input;
    let (attack, suspicious, benign) = verdict_counts(report);

    lines.push(format!(
        "distillguard report · {} → {}",
        minute(input.from),
        minute(input.to)
    ));
    lines.push(format!(
        "input      {} exchanges · {} accounts · {} rejected · {} duplicates",
        count(input.exchanges),
        count(input.accounts),
        count(input.rejected),
        count(input.duplicates)
    ));
    lines.push(format!(
        "verdicts   {} attack · {} suspicious · {} benign",
        count(attack),
        count(suspicious),
        count(benign)
    ));

    lines.push(String::new());
    if report.campaigns.is_empty() {
        lines.push("campaigns  none found".to_string());
    } else {
        let mut campaigns: Vec<_> = report.campaigns.iter().collect();
        campaigns.sort_by(|a, b| b.exchanges.cmp(&a.exchanges).then_with(|| a.id.cmp(&b.id)));
        lines.push(format!(
            "campaigns  {}{}",
            campaigns.len(),
            more_note(campaigns.len(), TOP_CAMPAIGNS, "by exchanges")
        ));
        let id_width = column_width(campaigns.iter().take(TOP_CAMPAIGNS).map(|c| c.id.as_str()));
        for campaign in campaigns.iter().take(TOP_CAMPAIGNS) {
            lines.push(format!(
                "  {:<id_width$}  {:>6} accts  {:>9} exch  {:>3} {}  targets: {}",
                terminal(&truncate(&campaign.id, id_width)),
                count(campaign.accounts),
                count(campaign.exchanges),
                campaign.clusters.len(),
                if campaign.clusters.len() == 1 {
                    "cluster "
                } else {
                    "clusters"
                },
                list_or_dash(&campaign.targets)
            ));
        }
    }

    lines.push(String::new());
    if report.clusters.is_empty() {
        lines.push("clusters   none found".to_string());
    } else {
        let mut clusters: Vec<&ClusterReport> = report.clusters.iter().collect();
        clusters.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.id.cmp(&b.id)));
        lines.push(format!(
            "clusters   {}{}",
            clusters.len(),
            more_note(clusters.len(), TOP_CLUSTERS, "by score")
        ));
        let id_width = column_width(clusters.iter().take(TOP_CLUSTERS).map(|c| c.id.as_str()));
        for cluster in clusters.iter().take(TOP_CLUSTERS) {
            lines.push(format!(
                "  {:<id_width$}  {:.2}  {:>6} accts  {:>9} exch  shared: {}",
                terminal(&truncate(&cluster.id, id_width)),
                cluster.score,
                count(cluster.accounts.len() as u64),
                count(cluster.exchanges),
                shared_summary(cluster)
            ));
        }
    }

    let flagged: Vec<_> = accounts_by_score(report)
        .into_iter()
        .filter(|a| a.verdict != distillguard_model::Verdict::Benign)
        .collect();
    if !flagged.is_empty() {
        lines.push(String::new());
        lines.push(format!(
            "top accounts{}",
            more_note(flagged.len(), TOP_ACCOUNTS, "by score")
        ));
        let id_width = column_width(
            flagged
                .iter()
                .take(TOP_ACCOUNTS)
                .map(|a| a.account_id.as_str()),
        );
        for account in flagged.iter().take(TOP_ACCOUNTS) {
            let top = evidence_by_weight(&account.evidence)
                .first()
                .map_or_else(|| "-".to_string(), |e| terminal(&e.detail));
            lines.push(format!(
                "  {:<id_width$}  {:.3}  {:<10}  {:>9} exch  {}",
                terminal(&truncate(&account.account_id, id_width)),
                account.score,
                account.verdict.as_str(),
                count(account.exchanges),
                top
            ));
        }
    }

    let mut out = String::new();
    for line in lines {
        out.push_str(&truncate(&line, width));
        out.push('\n');
    }
    out
}

fn more_note(total: usize, shown: usize, order: &str) -> String {
    if total > shown {
        format!(" (top {shown} {order})")
    } else {
        String::new()
    }
}

fn column_width<'a>(ids: impl Iterator<Item = &'a str>) -> usize {
    ids.map(|id| id.chars().count())
        .max()
        .unwrap_or(0)
        .clamp(4, 28)
}

fn list_or_dash(items: &[String]) -> String {
    if items.is_empty() {
        "-".to_string()
    } else {
        terminal(&items.join(", "))
    }
}

fn shared_summary(cluster: &ClusterReport) -> String {
    let shared = &cluster.shared;
    let mut parts = Vec::new();
    let mut push = |n: usize, one: &str, many: &str| {
        if n > 0 {
            parts.push(format!("{n} {}", if n == 1 { one } else { many }));
        }
    };
    push(shared.payment_fps.len(), "payment fp", "payment fps");
    push(shared.ips.len(), "ip", "ips");
    push(shared.asns.len(), "asn", "asns");
    push(shared.templates as usize, "template", "templates");
    push(shared.user_agents.len(), "user agent", "user agents");
    if parts.is_empty() {
        "-".to_string()
    } else {
        parts.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use distillguard_model::report::{AccountReport, InputSummary};
    use distillguard_model::Verdict;

    #[test]
    fn lines_fit_the_width_and_strip_control_characters() {
        let report = Report {
            version: 1,
            input: InputSummary::default(),
            accounts: vec![AccountReport {
                account_id: "evil\u{1b}[2J-account-with-a-very-long-name-indeed".to_string(),
                score: 0.9,
                verdict: Verdict::Attack,
                cluster: None,
                exchanges: 5,
                evidence: Vec::new(),
            }],
            clusters: Vec::new(),
            campaigns: Vec::new(),
            settings: None,
            timelines: Vec::new(),
        };
        let text = render_summary(&report, 50);
        assert!(!text.contains('\u{1b}'));
        for line in text.lines() {
            assert!(line.chars().count() <= 50, "{line:?}");
        }
        assert!(text.contains("1 attack"));
    }
}
