//! `report.html`: one self-contained page for a trust-and-safety analyst.
//!
//! Sections, top to bottom: the input summary and verdict counts; campaigns (targets,
//! evidence, model share, daily traffic per model); clusters (an overview table, then
//! a card per top cluster with its account graph, shared indicators and evidence);
//! the score histogram; the top accounts with a filter box; the settings used.
//!
//! Everything is inline (CSS, SVG, one small script that filters the account table);
//! the page fetches nothing. Every string from the report is escaped.

mod charts;
mod graph;
mod style;

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;

use distillguard_model::report::{AccountReport, CampaignReport, ClusterReport, Report};
use distillguard_model::{Evidence, EvidenceValue};

use crate::text::{count, day, html, minute, truncate};
use crate::{
    accounts_by_score, evidence_by_weight, thresholds, verdict_counts, MAX_DETAILED_CLUSTERS,
    MAX_GRAPH_NODES, MAX_LISTED_ACCOUNTS, MAX_LISTED_CLUSTERS,
};
use style::{link_colour, series_colour, verdict_colour};

/// Evidence items shown per card before "and N more".
const MAX_EVIDENCE: usize = 8;
/// Values shown per shared-indicator list before "and N more".
const MAX_SHARED_VALUES: usize = 12;

/// Page-wide lookups: accounts by id, the campaign of each cluster, and stable colours
/// for models and unknown link kinds.
struct Context<'a> {
    accounts: HashMap<&'a str, &'a AccountReport>,
    campaign_of_cluster: HashMap<&'a str, &'a str>,
    cluster_anchor: HashMap<&'a str, usize>,
    models: Vec<&'a str>,
    unknown_kinds: Vec<&'a str>,
}

impl<'a> Context<'a> {
    fn new(report: &'a Report) -> Self {
        let mut accounts = HashMap::with_capacity(report.accounts.len());
        for account in &report.accounts {
            accounts
                .entry(account.account_id.as_str())
                .or_insert(account);
        }
        let mut campaign_of_cluster = HashMap::new();
        for campaign in &report.campaigns {
            for cluster in &campaign.clusters {
                campaign_of_cluster
                    .entry(cluster.as_str())
                    .or_insert(campaign.id.as_str());
            }
        }
        let mut cluster_anchor = HashMap::new();
        for (index, cluster) in report.clusters.iter().enumerate() {
            cluster_anchor.entry(cluster.id.as_str()).or_insert(index);
        }
        // Models in order of first appearance (timelines, then campaign shares).
        let mut models: Vec<&str> = Vec::new();
        let timeline_models = report
            .timelines
            .iter()
            .flat_map(|t| t.series.iter().map(|(m, _)| m.as_str()));
        let share_models = report
            .campaigns
            .iter()
            .flat_map(|c| c.models.iter().map(|(m, _)| m.as_str()));
        for model in timeline_models.chain(share_models) {
            if !models.contains(&model) {
                models.push(model);
            }
        }
        let unknown_kinds: BTreeSet<&str> = report
            .clusters
            .iter()
            .flat_map(|c| {
                c.links
                    .iter()
                    .flat_map(|l| l.kinds.iter().map(String::as_str))
            })
            .filter(|k| style::known_link_colour(k).is_none())
            .collect();
        Context {
            accounts,
            campaign_of_cluster,
            cluster_anchor,
            models,
            unknown_kinds: unknown_kinds.into_iter().collect(),
        }
    }

    fn model_colour(&self, model: &str) -> &'static str {
        series_colour(self.models.iter().position(|m| *m == model).unwrap_or(0))
    }

    fn kind_rank(&self, kind: &str) -> usize {
        self.unknown_kinds
            .iter()
            .position(|k| *k == kind)
            .unwrap_or(0)
    }

    /// A link to the cluster's card or row, or plain text for an unknown cluster.
    fn cluster_link(&self, cluster: &str) -> String {
        match self.cluster_anchor.get(cluster) {
            Some(index) => format!("<a href=\"#cluster-{index}\">{}</a>", html(cluster)),
            None => html(cluster),
        }
    }
}

/// Renders the whole page.
pub fn render_html(report: &Report) -> String {
    let context = Context::new(report);
    let mut page = String::with_capacity(64 * 1024);
    page.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    page.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    page.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n");
    page.push_str("<title>distillguard report</title>\n<style>");
    page.push_str(style::CSS);
    page.push_str("</style>\n</head>\n<body>\n");

    header(&mut page, report);
    page.push_str("<main>\n");
    overview(&mut page, report);
    campaigns(&mut page, report, &context);
    clusters(&mut page, report, &context);
    scores(&mut page, report);
    accounts(&mut page, report, &context);
    settings(&mut page, report);
    page.push_str("</main>\n<footer>Generated by distillguard · report version ");
    let _ = write!(page, "{}", report.version);
    page.push_str(" · everything on this page is inline; it makes no network requests.</footer>\n");
    page.push_str("<script>");
    page.push_str(style::FILTER_JS);
    page.push_str("</script>\n</body>\n</html>\n");
    page
}

fn header(page: &mut String, report: &Report) {
    let input = &report.input;
    let span_days = match (input.from, input.to) {
        (Some(from), Some(to)) if to >= from => {
            format!(" ({:.1} days)", (to - from) as f64 / 86_400_000.0)
        }
        _ => String::new(),
    };
    let _ = writeln!(
        page,
        "<header class=\"top\"><h1>distillguard · distillation-attack report</h1>\
<div class=\"sub\">API traffic from {} to {}{}</div>\
<nav><a href=\"#overview\">Overview</a><a href=\"#campaigns\">Campaigns</a><a href=\"#clusters\">Clusters</a>\
<a href=\"#scores\">Scores</a><a href=\"#accounts\">Accounts</a></nav></header>",
        html(&minute(input.from)),
        html(&minute(input.to)),
        span_days
    );
}

fn overview(page: &mut String, report: &Report) {
    let input = &report.input;
    let (attack, suspicious, benign) = verdict_counts(report);
    page.push_str("<section id=\"overview\"><h2>Overview</h2><div class=\"stats\">");
    for (class, number, label) in [
        ("", count(input.exchanges), "exchanges"),
        ("", count(input.accounts), "accounts"),
        ("", count(input.rejected), "rejected records"),
        ("", count(input.duplicates), "duplicates"),
        ("attack", count(attack), "attack"),
        ("suspicious", count(suspicious), "suspicious"),
        ("benign", count(benign), "benign"),
        ("", count(report.clusters.len() as u64), "clusters"),
        ("", count(report.campaigns.len() as u64), "campaigns"),
    ] {
        let _ = write!(
            page,
            "<div class=\"stat {class}\"><div class=\"n\">{number}</div><div class=\"l\">{label}</div></div>"
        );
    }
    let _ = writeln!(
        page,
        "</div><p class=\"note\">Time range {} → {}. Exchanges are valid and de-duplicated; rejected records could not be read.</p></section>",
        html(&minute(input.from)),
        html(&minute(input.to))
    );
}

fn chips(items: &[String], class: &str) -> String {
    if items.is_empty() {
        return "<span class=\"note\">none</span>".to_string();
    }
    items
        .iter()
        .map(|item| format!("<span class=\"chip {class}\">{}</span>", html(item)))
        .collect()
}

fn evidence_list(evidence: &[Evidence]) -> String {
    if evidence.is_empty() {
        return "<p class=\"note\">No evidence recorded.</p>".to_string();
    }
    let sorted = evidence_by_weight(evidence);
    let mut out = String::from("<ul class=\"ev\">");
    for item in sorted.iter().take(MAX_EVIDENCE) {
        let value = match &item.value {
            EvidenceValue::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{n:.0}"),
            EvidenceValue::Number(n) => format!("{n:.3}"),
            EvidenceValue::Text(text) => truncate(text, 60),
        };
        let _ = write!(
            out,
            "<li>{} <code>{} = {}</code></li>",
            html(&item.detail),
            html(&item.signal),
            html(&value)
        );
    }
    if sorted.len() > MAX_EVIDENCE {
        let _ = write!(
            out,
            "<li class=\"note\">and {} more</li>",
            sorted.len() - MAX_EVIDENCE
        );
    }
    out.push_str("</ul>");
    out
}

fn campaigns(page: &mut String, report: &Report, context: &Context) {
    page.push_str("<section id=\"campaigns\"><h2>Campaigns</h2>\n");
    if report.campaigns.is_empty() {
        page.push_str("<p class=\"note\">No campaigns found: no group of clusters looks like one coordinated operation.</p></section>\n");
        return;
    }
    let mut sorted: Vec<&CampaignReport> = report.campaigns.iter().collect();
    sorted.sort_by(|a, b| b.exchanges.cmp(&a.exchanges).then_with(|| a.id.cmp(&b.id)));
    for campaign in sorted {
        let cluster_links: Vec<String> = campaign
            .clusters
            .iter()
            .map(|c| context.cluster_link(c))
            .collect();
        let _ = write!(
            page,
            "<div class=\"card attack-edge campaign\"><h3>Campaign {}</h3>\
<div class=\"facts\"><span><b>{}</b> accounts</span><span><b>{}</b> exchanges</span><span>clusters: {}</span></div>\
<div><b>Targets:</b> {}</div>",
            html(&campaign.id),
            count(campaign.accounts),
            count(campaign.exchanges),
            if cluster_links.is_empty() { "none".to_string() } else { cluster_links.join(", ") },
            chips(&campaign.targets, "t")
        );
        page.push_str("<div class=\"grid2\"><div>");
        page.push_str("<h4>Evidence</h4>");
        page.push_str(&evidence_list(&campaign.evidence));
        page.push_str("</div><div>");
        if !campaign.models.is_empty() {
            page.push_str("<h4>Share of exchanges by model</h4>");
            page.push_str(&charts::model_share(&campaign.models, &|m| {
                context.model_colour(m)
            }));
        }
        page.push_str("</div></div>");
        match report.timelines.iter().find(|t| t.campaign == campaign.id) {
            Some(timeline) => {
                page.push_str("<h4>Daily exchanges by model</h4><div class=\"plot\">");
                page.push_str(&charts::timeline_svg(timeline, &|m| {
                    context.model_colour(m)
                }));
                page.push_str("</div>");
            }
            None => page.push_str("<p class=\"note\">No timeline for this campaign.</p>"),
        }
        page.push_str("</div>\n");
    }
    page.push_str("</section>\n");
}

fn clusters(page: &mut String, report: &Report, context: &Context) {
    page.push_str("<section id=\"clusters\"><h2>Clusters</h2>\n");
    if report.clusters.is_empty() {
        page.push_str("<p class=\"note\">No clusters: no group of accounts shows signs of common control.</p></section>\n");
        return;
    }
    let mut sorted: Vec<(usize, &ClusterReport)> = report.clusters.iter().enumerate().collect();
    sorted.sort_by(|a, b| {
        b.1.score
            .total_cmp(&a.1.score)
            .then_with(|| a.1.id.cmp(&b.1.id))
    });

    // Overview table of all clusters (capped).
    page.push_str("<div class=\"tablewrap\" style=\"max-height:360px\"><table><thead><tr><th>cluster</th><th class=\"num\">score</th><th class=\"num\">accounts</th><th class=\"num\">exchanges</th><th>first seen</th><th>last seen</th><th>campaign</th><th>targets</th></tr></thead><tbody>");
    for (index, cluster) in sorted.iter().take(MAX_LISTED_CLUSTERS) {
        let _ = write!(
            page,
            "<tr><td class=\"id\"><a href=\"#cluster-{index}\">{}</a></td><td class=\"num\">{:.3}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            html(&cluster.id),
            cluster.score,
            count(cluster.accounts.len() as u64),
            count(cluster.exchanges),
            html(&day(cluster.first_seen)),
            html(&day(cluster.last_seen)),
            context
                .campaign_of_cluster
                .get(cluster.id.as_str())
                .map_or_else(|| "—".to_string(), |c| html(c)),
            html(&cluster.targets.join(", "))
        );
    }
    page.push_str("</tbody></table></div>");
    if sorted.len() > MAX_LISTED_CLUSTERS {
        let _ = write!(
            page,
            "<p class=\"note\">Listing the {MAX_LISTED_CLUSTERS} highest-scoring of {} clusters; report.json has all of them.</p>",
            count(sorted.len() as u64)
        );
    }
    if sorted.len() > MAX_DETAILED_CLUSTERS {
        let _ = write!(
            page,
            "<p class=\"note\">Cards with graphs for the {MAX_DETAILED_CLUSTERS} highest-scoring of {} clusters.</p>",
            count(sorted.len() as u64)
        );
    }

    for (index, cluster) in sorted.iter().take(MAX_DETAILED_CLUSTERS) {
        cluster_card(page, *index, cluster, context);
    }
    page.push_str("</section>\n");
}

fn cluster_card(page: &mut String, index: usize, cluster: &ClusterReport, context: &Context) {
    let campaign = context
        .campaign_of_cluster
        .get(cluster.id.as_str())
        .map_or_else(String::new, |c| {
            format!("<span>campaign <b>{}</b></span>", html(c))
        });
    let _ = write!(
        page,
        "<div class=\"card cluster\" id=\"cluster-{index}\"><h3>Cluster {}</h3>\
<div class=\"facts\"><span>score <b>{:.3}</b></span><span><b>{}</b> accounts</span><span><b>{}</b> exchanges</span>\
<span>active {} → {}</span>{campaign}</div><div><b>Targets:</b> {}</div>",
        html(&cluster.id),
        cluster.score,
        count(cluster.accounts.len() as u64),
        count(cluster.exchanges),
        html(&day(cluster.first_seen)),
        html(&day(cluster.last_seen)),
        chips(&cluster.targets, "t")
    );
    let drawn = graph::cluster_graph(cluster, &context.accounts, &|k| context.kind_rank(k));
    page.push_str("<div class=\"grid2\"><div><h4>Account graph</h4>");
    page.push_str(&drawn.svg);
    page.push_str("<div class=\"legend\">");
    for (verdict, label) in [
        (distillguard_model::Verdict::Attack, "attack"),
        (distillguard_model::Verdict::Suspicious, "suspicious"),
        (distillguard_model::Verdict::Benign, "benign"),
    ] {
        let _ = write!(
            page,
            "<span><i class=\"sw dot\" style=\"background:{}\"></i>{label}</span>",
            verdict_colour(verdict)
        );
    }
    for kind in &drawn.kinds {
        let _ = write!(
            page,
            "<span><i class=\"sw line\" style=\"background:{}\"></i>{} link</span>",
            link_colour(kind, context.kind_rank(kind)),
            html(kind)
        );
    }
    page.push_str("</div><p class=\"note\">Node size: exchanges; edge colour: first link kind, width: link strength (hover for details).");
    if !drawn.secondary_kinds.is_empty() {
        let names: Vec<String> = drawn.secondary_kinds.iter().map(|k| html(k)).collect();
        let _ = write!(page, " Some links also share: {}.", names.join(", "));
    }
    if drawn.kinds.iter().any(|k| k == "attached") {
        page.push_str(" An attached link joins an account in no cluster of its own to the best-linked member: it shares the members' pooled addresses, networks or templates, not one member's (its evidence lists them).");
    }
    if drawn.drawn_nodes < drawn.total_nodes {
        let _ = write!(
            page,
            " Showing the {} most strongly linked of {} accounts (at most {MAX_GRAPH_NODES} are drawn).",
            count(drawn.drawn_nodes as u64),
            count(drawn.total_nodes as u64)
        );
    }
    if drawn.drawn_edges < drawn.total_edges {
        let _ = write!(
            page,
            " Drawing the {} strongest of {} links.",
            count(drawn.drawn_edges as u64),
            count(drawn.total_edges as u64)
        );
    }
    if cluster.links.is_empty() {
        page.push_str(" The report lists no links for this cluster.");
    }
    page.push_str("</p></div><div>");
    page.push_str("<h4>Shared indicators</h4><dl class=\"shared\">");
    let shared = &cluster.shared;
    shared_list(page, "payment fingerprints", &shared.payment_fps);
    shared_list(page, "IP addresses", &shared.ips);
    let asns: Vec<String> = shared.asns.iter().map(|a| format!("AS{a}")).collect();
    shared_list(page, "ASNs", &asns);
    shared_list(page, "user agents", &shared.user_agents);
    let _ = write!(
        page,
        "<dt>prompt templates</dt><dd>{} shared",
        count(shared.templates)
    );
    if !shared.template_fps.is_empty() {
        let shown: Vec<String> = shared
            .template_fps
            .iter()
            .take(MAX_SHARED_VALUES)
            .map(|t| html(t))
            .collect();
        let _ = write!(page, ": {}", shown.join(", "));
    }
    page.push_str("</dd></dl><h4>Evidence</h4>");
    page.push_str(&evidence_list(&cluster.evidence));
    page.push_str("</div></div></div>\n");
}

fn shared_list(page: &mut String, label: &str, values: &[String]) {
    if values.is_empty() {
        return;
    }
    let shown: Vec<String> = values
        .iter()
        .take(MAX_SHARED_VALUES)
        .map(|v| html(v))
        .collect();
    let _ = write!(
        page,
        "<dt>{label} ({})</dt><dd>{}",
        values.len(),
        shown.join(", ")
    );
    if values.len() > MAX_SHARED_VALUES {
        let _ = write!(page, " and {} more", values.len() - MAX_SHARED_VALUES);
    }
    page.push_str("</dd>");
}

fn scores(page: &mut String, report: &Report) {
    let found = thresholds(report);
    page.push_str("<section id=\"scores\"><h2>Score distribution</h2><div class=\"card\"><div class=\"plot\">");
    page.push_str(&charts::histogram_svg(report, found));
    page.push_str("</div>");
    page.push_str("<div class=\"legend\">");
    for verdict in [
        distillguard_model::Verdict::Attack,
        distillguard_model::Verdict::Suspicious,
        distillguard_model::Verdict::Benign,
    ] {
        let _ = write!(
            page,
            "<span><i class=\"sw\" style=\"background:{}\"></i>{}</span>",
            verdict_colour(verdict),
            verdict.as_str()
        );
    }
    page.push_str("</div><p class=\"note\">All accounts by risk score in bins of 0.05. Bar height is the number of accounts on a log scale; colours split each bar by verdict.");
    if found.attack.is_none() && found.suspicious.is_none() {
        page.push_str(" The report's settings name no verdict thresholds.");
    }
    page.push_str("</p></div></section>\n");
}

fn accounts(page: &mut String, report: &Report, context: &Context) {
    let sorted = accounts_by_score(report);
    page.push_str("<section id=\"accounts\"><h2>Top accounts</h2>");
    page.push_str("<div class=\"filters\"><input id=\"acct-filter\" type=\"search\" placeholder=\"Filter by account, cluster or evidence…\">\
<select id=\"acct-verdict\"><option value=\"\">all verdicts</option><option value=\"attack\">attack</option><option value=\"suspicious\">suspicious</option><option value=\"benign\">benign</option></select>\
<span id=\"acct-count\" class=\"note\"></span></div>");
    page.push_str("<div class=\"tablewrap\"><table id=\"acct-table\"><thead><tr><th class=\"num\">#</th><th>account</th><th class=\"num\">score</th><th>verdict</th><th>cluster</th><th class=\"num\">exchanges</th><th>top evidence</th></tr></thead><tbody>");
    for (rank, account) in sorted.iter().take(MAX_LISTED_ACCOUNTS).enumerate() {
        let top = evidence_by_weight(&account.evidence)
            .first()
            .map_or_else(|| "—".to_string(), |e| html(&e.detail));
        let cluster = account
            .cluster
            .as_deref()
            .map_or_else(|| "—".to_string(), |c| context.cluster_link(c));
        let score = if account.score.is_finite() {
            account.score.clamp(0.0, 1.0)
        } else {
            0.0
        };
        let _ = write!(
            page,
            "<tr class=\"acct\" data-verdict=\"{v}\"><td class=\"num\">{}</td><td class=\"id\">{}</td><td class=\"num\">{:.3}<span class=\"scorebar\"><i style=\"width:{:.0}%;background:{c}\"></i></span></td>\
<td><span class=\"badge {v}\">{v}</span></td><td class=\"id\">{cluster}</td><td class=\"num\">{}</td><td>{top}</td></tr>",
            rank + 1,
            html(&account.account_id),
            account.score,
            score * 100.0,
            count(account.exchanges),
            v = account.verdict.as_str(),
            c = verdict_colour(account.verdict),
        );
    }
    page.push_str("</tbody></table></div>");
    if sorted.len() > MAX_LISTED_ACCOUNTS {
        let rest = &sorted[MAX_LISTED_ACCOUNTS..];
        let by =
            |v: distillguard_model::Verdict| rest.iter().filter(|a| a.verdict == v).count() as u64;
        let _ = write!(
            page,
            "<p class=\"note\">Listing the {MAX_LISTED_ACCOUNTS} highest-scoring of {} accounts. Not listed: {} attack, {} suspicious, {} benign (all are in report.json).</p>",
            count(sorted.len() as u64),
            count(by(distillguard_model::Verdict::Attack)),
            count(by(distillguard_model::Verdict::Suspicious)),
            count(by(distillguard_model::Verdict::Benign))
        );
    }
    page.push_str("</section>\n");
}

fn settings(page: &mut String, report: &Report) {
    let Some(settings) = &report.settings else {
        return;
    };
    let text = serde_json::to_string_pretty(settings).unwrap_or_default();
    let _ = writeln!(
        page,
        "<section id=\"settings\"><h2>Settings</h2><details><summary>Thresholds and settings the verdicts were made with</summary><pre>{}</pre></details></section>",
        html(&text)
    );
}
