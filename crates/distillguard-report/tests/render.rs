//! Renders the hand-made fixture `fixtures/report/sample-report.json` (2 campaigns,
//! 3 linked clusters, 31 accounts, timelines) and checks the views: snapshots of the
//! summary and of key page fragments, escaping of hostile ids, no external resources,
//! and the size caps on big reports.

use distillguard_model::report::{
    AccountReport, ClusterLink, ClusterReport, InputSummary, Report, SharedIndicators,
};
use distillguard_model::{Evidence, Verdict};
use distillguard_report::{
    render_html, render_summary, to_json, MAX_GRAPH_NODES, MAX_LISTED_ACCOUNTS,
};

fn fixture() -> Report {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/report/sample-report.json"
    );
    let text = std::fs::read_to_string(path).expect("fixture exists");
    serde_json::from_str(&text).expect("fixture is a valid report")
}

/// The text between the first `start` and the next `end` after it, both included.
fn fragment<'a>(page: &'a str, start: &str, end: &str) -> &'a str {
    let from = page
        .find(start)
        .unwrap_or_else(|| panic!("{start:?} not in page"));
    let to = page[from..]
        .find(end)
        .unwrap_or_else(|| panic!("{end:?} not after {start:?}"));
    &page[from..from + to + end.len()]
}

/// Splits tags onto lines so snapshot diffs are readable.
fn lines(html: &str) -> String {
    html.replace("><", ">\n<")
}

#[test]
fn summary_snapshot() {
    insta::assert_snapshot!(render_summary(&fixture(), 100));
}

#[test]
fn summary_respects_narrow_width() {
    let text = render_summary(&fixture(), 60);
    for line in text.lines() {
        assert!(line.chars().count() <= 60, "{line:?}");
    }
    assert!(text.contains("campaign-1"));
    assert!(text.contains("22 attack"));
}

#[test]
fn html_header_and_overview_snapshot() {
    let page = render_html(&fixture());
    let head = fragment(&page, "<header", "</header>");
    let overview = fragment(&page, "<section id=\"overview\"", "</section>");
    insta::assert_snapshot!(lines(&format!("{head}\n{overview}")));
}

#[test]
fn html_campaign_card_snapshot() {
    let page = render_html(&fixture());
    // The largest campaign comes first; its card includes the timeline SVG.
    let card = fragment(
        &page,
        "<div class=\"card attack-edge campaign\">",
        "</div>\n",
    );
    assert!(card.contains("Campaign campaign-1"));
    assert!(
        card.contains("claude-opus-5 first used 2026-01-23"),
        "model switch marker"
    );
    insta::assert_snapshot!(lines(card));
}

#[test]
fn html_cluster_card_and_table_rows_snapshot() {
    let page = render_html(&fixture());
    let card = fragment(&page, "<div class=\"card cluster\"", "</div>\n");
    // Three links of cl-01 carry kinds; the legend names each kind drawn.
    for kind in ["payment link", "ip link", "template link"] {
        assert!(card.contains(kind), "legend lacks {kind}");
    }
    assert_eq!(card.matches("<circle").count(), 9, "one node per account");
    let legend = fragment(card, "<div class=\"legend\">", "</div>");
    let shared = fragment(card, "<dl class=\"shared\">", "</dl>");
    let first_row = fragment(&page, "<tr class=\"acct\"", "</tr>");
    insta::assert_snapshot!(lines(&format!("{legend}\n{shared}\n{first_row}")));
}

#[test]
fn html_has_every_section_and_the_thresholds() {
    let page = render_html(&fixture());
    for id in [
        "overview",
        "campaigns",
        "clusters",
        "scores",
        "accounts",
        "settings",
    ] {
        assert!(
            page.contains(&format!("<section id=\"{id}\"")),
            "missing section {id}"
        );
    }
    assert!(page.contains("attack ≥ 0.80"));
    assert!(page.contains("suspicious ≥ 0.50"));
    assert_eq!(page.matches("<tr class=\"acct\"").count(), 31);
    assert_eq!(page.matches("<div class=\"card cluster\"").count(), 3);
    // The fixture's hostile-looking id is shown as text, never as markup.
    assert!(page.contains("startup-&lt;b&gt;swift&lt;/b&gt;"));
    assert!(!page.contains("<b>swift</b>"));
}

fn account(id: &str, score: f64, verdict: Verdict, cluster: Option<&str>) -> AccountReport {
    AccountReport {
        account_id: id.to_string(),
        score,
        verdict,
        cluster: cluster.map(str::to_string),
        exchanges: 10,
        evidence: vec![Evidence::new("ua", id, format!("client string {id}"))],
    }
}

fn hostile_report() -> Report {
    let evil_id = "<script>alert(1)</script>";
    let evil_ua = "\"><img src=x onerror=alert(2)>";
    let mut report = fixture();
    report
        .accounts
        .push(account(evil_id, 0.99, Verdict::Attack, Some("cl-<evil>")));
    report.clusters.push(ClusterReport {
        id: "cl-<evil>".to_string(),
        accounts: vec![evil_id.to_string(), "edu-1042".to_string()],
        score: 0.99,
        exchanges: 20,
        first_seen: None,
        last_seen: None,
        targets: vec!["<svg onload=alert(3)>".to_string()],
        shared: SharedIndicators {
            user_agents: vec![evil_ua.to_string()],
            ..SharedIndicators::default()
        },
        evidence: vec![Evidence::new("x", evil_ua, evil_ua)],
        links: vec![ClusterLink {
            a: 0,
            b: 1,
            kinds: vec!["<i>kind</i>".to_string()],
            weight: 1.0,
        }],
    });
    report
}

#[test]
fn attacker_controlled_text_is_escaped() {
    let page = render_html(&hostile_report());
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!page.contains("<script>alert"));
    // Our own filter script is the only script element.
    assert_eq!(page.matches("<script").count(), 1);
    assert!(!page.contains("<img"));
    assert!(!page.contains("<svg onload"));
    assert!(!page.contains("<i>kind"));
    assert!(page.contains("&quot;&gt;&lt;img src=x onerror=alert(2)&gt;"));

    let summary = render_summary(&hostile_report(), 120);
    assert!(
        summary.contains("<script>alert(1)</scri"),
        "plain text keeps the id readable"
    );
}

/// Every `src=`, `href=`, `action=` and CSS `url(` points inside the page.
fn external_references(page: &str) -> Vec<String> {
    let mut found = Vec::new();
    for attribute in ["src=", "href=", "action=", "srcset=", "url(", "@import"] {
        for (at, _) in page.match_indices(attribute) {
            let value = page[at + attribute.len()..]
                .trim_start_matches(['"', '\''])
                .to_ascii_lowercase();
            if attribute == "@import"
                || value.starts_with("http:")
                || value.starts_with("https:")
                || value.starts_with("//")
                || value.starts_with("file:")
            {
                found.push(page[at..(at + 60).min(page.len())].to_string());
            }
        }
    }
    found
}

#[test]
fn page_references_nothing_outside_itself() {
    let page = render_html(&fixture());
    assert_eq!(external_references(&page), Vec::<String>::new());
    assert!(
        !page.contains("http://") && !page.contains("https://"),
        "no URLs at all"
    );
    // Every link is an in-page anchor.
    for (at, _) in page.match_indices("href=\"") {
        assert_eq!(
            &page[at + 6..at + 7],
            "#",
            "{}",
            &page[at..(at + 40).min(page.len())]
        );
    }

    // A hostile id that looks like a resource reference stays text.
    let mut report = fixture();
    report.accounts.push(account(
        "\" src=\"https://evil.example/x.js",
        0.5,
        Verdict::Suspicious,
        None,
    ));
    assert_eq!(
        external_references(&render_html(&report)),
        Vec::<String>::new()
    );

    // The checker itself finds a real reference.
    assert_eq!(
        external_references("<img src=\"https://x/y.png\">").len(),
        1
    );
}

#[test]
fn big_reports_are_capped_and_say_so() {
    let members: Vec<String> = (0..400).map(|i| format!("m{i:04}")).collect();
    let mut accounts: Vec<AccountReport> = members
        .iter()
        .map(|id| account(id, 0.9, Verdict::Attack, Some("big")))
        .collect();
    accounts.extend((0..1600).map(|i| account(&format!("b{i:05}"), 0.1, Verdict::Benign, None)));
    let links = (1..members.len())
        .map(|i| ClusterLink {
            a: i - 1,
            b: i,
            kinds: vec!["ip".to_string()],
            weight: 1.0,
        })
        .collect();
    let report = Report {
        version: 1,
        input: InputSummary::default(),
        accounts,
        clusters: vec![ClusterReport {
            id: "big".to_string(),
            accounts: members,
            score: 0.9,
            exchanges: 4000,
            first_seen: None,
            last_seen: None,
            targets: Vec::new(),
            shared: SharedIndicators::default(),
            evidence: Vec::new(),
            links,
        }],
        campaigns: Vec::new(),
        settings: None,
        timelines: Vec::new(),
    };
    let page = render_html(&report);
    assert_eq!(
        page.matches("<tr class=\"acct\"").count(),
        MAX_LISTED_ACCOUNTS
    );
    assert!(page.contains("Listing the 500 highest-scoring of 2,000 accounts"));
    assert!(page.contains("Not listed: 0 attack, 0 suspicious, 1,500 benign"));
    assert_eq!(page.matches("<circle").count(), MAX_GRAPH_NODES);
    assert!(page.contains("Showing the 150 most strongly linked of 400 accounts"));
    assert!(page.len() < 600_000, "page is {} bytes", page.len());
}

#[test]
fn dense_clusters_draw_the_strongest_links() {
    let members: Vec<String> = (0..60).map(|i| format!("d{i:02}")).collect();
    let mut links = Vec::new();
    for a in 0..members.len() {
        for b in (a + 1)..members.len() {
            links.push(ClusterLink {
                a,
                b,
                kinds: vec!["sync".to_string()],
                weight: ((a * 7 + b * 13) % 100) as f64 / 100.0,
            });
        }
    }
    let mut report = fixture();
    report.clusters = vec![ClusterReport {
        id: "dense".to_string(),
        accounts: members,
        score: 0.9,
        exchanges: 600,
        first_seen: None,
        last_seen: None,
        targets: Vec::new(),
        shared: SharedIndicators::default(),
        evidence: Vec::new(),
        links,
    }];
    let page = render_html(&report);
    assert_eq!(
        page.matches(" stroke-opacity=").count(),
        distillguard_report::MAX_GRAPH_EDGES
    );
    assert!(page.contains("Drawing the 600 strongest of 1,770 links."));
}

#[test]
fn json_round_trips_and_snapshot() {
    let report = fixture();
    let text = to_json(&report);
    let back: Report = serde_json::from_str(&text).expect("to_json writes a valid report");
    assert_eq!(back, report);

    let small = Report {
        version: 1,
        input: InputSummary {
            exchanges: 3,
            accounts: 1,
            rejected: 0,
            duplicates: 1,
            from: Some(1_767_571_200_000),
            to: Some(1_767_657_600_000),
        },
        accounts: vec![account("a1", 0.25, Verdict::Benign, None)],
        clusters: Vec::new(),
        campaigns: Vec::new(),
        settings: None,
        timelines: Vec::new(),
    };
    insta::assert_snapshot!(to_json(&small));
}

#[test]
fn empty_report_renders() {
    let report = Report {
        version: 1,
        input: InputSummary::default(),
        accounts: Vec::new(),
        clusters: Vec::new(),
        campaigns: Vec::new(),
        settings: None,
        timelines: Vec::new(),
    };
    let page = render_html(&report);
    assert!(page.contains("No campaigns found"));
    assert!(page.contains("No clusters"));
    assert!(page.ends_with("</html>\n"));
    let summary = render_summary(&report, 80);
    assert!(summary.contains("0 attack"));
    assert!(summary.contains("campaigns  none found"));
}
