//! End-to-end checks of the engine on small hand-made populations.

use distillguard_model::{EvidenceValue, Exchange, Verdict};

use crate::{Config, Engine, ReaderCounts, SideInputs};

const HOUR: i64 = 3_600_000;

const PEOPLE_PROMPTS: &[&str] = &[
    "Any tips for a rainy weekend with kids?",
    "Write a short poem about the sea at night.",
    "Summarize this article about city parks in three points.",
    "Translate into Spanish: where is the train station?",
    "What should I cook with leftover rice and eggs?",
    "Help me write a polite email declining a meeting.",
    "Write a python function that checks if a word is a palindrome.",
    "Is it better to rent or buy a house in a small town?",
    "How do I get red wine out of a carpet?",
    "Explain the offside rule in football simply.",
    "Plan a three day trip to Lisbon on a budget.",
    "What is the difference between a virus and a bacterium?",
];

fn person(i: usize) -> Vec<Exchange> {
    (0..40)
        .map(|k| {
            let day = (k / 5) as i64;
            let hour = 9 + ((i * 7 + k * 3) % 10) as i64;
            let mut e = Exchange::new(
                day * 24 * HOUR + hour * HOUR + (k as i64 * 97_000) % HOUR,
                format!("person-{i:03}"),
            );
            e.prompt = Some(format!(
                "{} (asked by {i} #{k})",
                PEOPLE_PROMPTS[(i + k * 5) % PEOPLE_PROMPTS.len()]
            ));
            e.output_tokens = Some(300 + (k as u64 * 37) % 400);
            e.max_tokens = Some(1024);
            e.ip = format!("198.51.{}.{}", i % 200, k % 3 + 1).parse().ok();
            e.asn = Some(7922);
            e.user_agent = Some(format!("app/{}", i % 5));
            e.payment_fp = Some(format!("card-{i}"));
            e.country = Some("US".into());
            e
        })
        .collect()
}

fn harvester(i: usize, exchanges: usize) -> Vec<Exchange> {
    (0..exchanges)
        .map(|k| {
            let mut e = Exchange::new(k as i64 * 5 * 60_000 + (i as i64 * 1_000), format!("hydra-{i:02}"));
            e.prompt = Some(format!(
                "Solve the following problem and explain your reasoning in full, every intermediate step. Problem {}: a tank holds {} litres and loses {} litres per hour; when is it empty?",
                i * 10_000 + k,
                (k * 13 + i) % 997,
                k % 11 + 1
            ));
            e.output_tokens = Some(1500);
            e.max_tokens = Some(8192);
            e.thinking = Some(true);
            e.ip = format!("203.0.113.{}", (i + k) % 8).parse().ok();
            e.asn = Some(14061);
            e.user_agent = Some("python-httpx/0.27".into());
            e.payment_fp = Some(format!("proxy-card-{}", i % 2));
            e.account_type = Some("research".into());
            e.country = Some("US".into());
            e
        })
        .collect()
}

fn run(items: &[Exchange]) -> crate::Analysis {
    let mut engine = Engine::new(Config::default());
    for chunk in items.chunks(500) {
        engine.observe_batch(chunk);
    }
    engine.finish(SideInputs::default(), ReaderCounts::default())
}

fn population() -> Vec<Exchange> {
    let mut items: Vec<Exchange> = (0..300).flat_map(person).collect();
    items.extend((0..20).flat_map(|i| harvester(i, 300)));
    items
}

#[test]
fn a_templated_reasoning_hydra_is_caught_and_people_are_left_alone() {
    let analysis = run(&population());
    let report = &analysis.report;
    let verdict = |id: &str| {
        report
            .accounts
            .iter()
            .find(|a| a.account_id == id)
            .map(|a| a.verdict)
    };
    let attacks: Vec<&str> = report
        .accounts
        .iter()
        .filter(|a| a.verdict == Verdict::Attack)
        .map(|a| a.account_id.as_str())
        .collect();
    assert!(
        attacks.iter().all(|id| id.starts_with("hydra-")),
        "false positives: {attacks:?}"
    );
    for i in 0..20 {
        assert_eq!(
            verdict(&format!("hydra-{i:02}")),
            Some(Verdict::Attack),
            "thresholds {:?}",
            analysis.thresholds
        );
    }
    // One cluster holding the hydra, in one campaign that targets reasoning.
    let hydra_clusters: Vec<_> = report
        .clusters
        .iter()
        .filter(|c| c.accounts.iter().any(|a| a.starts_with("hydra-")))
        .collect();
    assert_eq!(
        hydra_clusters.len(),
        1,
        "{:?}",
        report
            .clusters
            .iter()
            .map(|c| c.accounts.len())
            .collect::<Vec<_>>()
    );
    assert_eq!(hydra_clusters[0].accounts.len(), 20);
    assert_eq!(report.campaigns.len(), 1);
    assert_eq!(
        report.campaigns[0].targets.first().map(String::as_str),
        Some("reasoning")
    );
    // Every flagged account says why.
    for a in report
        .accounts
        .iter()
        .filter(|a| a.verdict == Verdict::Attack)
    {
        assert!(!a.evidence.is_empty());
        assert!(a.evidence.iter().all(|e| !e.detail.is_empty()));
    }
    assert_eq!(report.input.exchanges, 300 * 40 + 20 * 300);
}

#[test]
fn the_report_does_not_depend_on_record_order() {
    let mut items = population();
    let forward = run(&items).report;
    items.reverse();
    let backward = run(&items).report;
    assert_eq!(forward, backward);
}

#[test]
fn a_light_account_on_a_hydras_exits_is_attached_to_its_cluster() {
    // Each hydra account calls through three exits of its own; a light account makes
    // 12 requests of the same template through one exit each of three members (with
    // any one member: one address, not an edge) under another client, and no card.
    let mut items: Vec<Exchange> = (0..300).flat_map(person).collect();
    for i in 0..20 {
        items.extend(harvester(i, 300).into_iter().enumerate().map(|(k, mut e)| {
            e.ip = format!("203.0.113.{}", i * 3 + k % 3).parse().ok();
            e
        }));
    }
    items.extend(harvester(40, 12).into_iter().enumerate().map(|(k, mut e)| {
        e.account_id = "straggler".into();
        e.request_id = Some(format!("straggler-{k}"));
        // Members 0, 2 and 4 (paid with one card, so in one cluster).
        e.ip = format!("203.0.113.{}", (k % 3) * 6).parse().ok();
        e.user_agent = Some("curl/8.5.0".into());
        e.payment_fp = None;
        e
    }));
    let report = run(&items).report;
    let straggler = report
        .accounts
        .iter()
        .find(|a| a.account_id == "straggler")
        .expect("in the report");
    let attached = straggler
        .evidence
        .iter()
        .find(|e| e.signal == "attached_to_cluster")
        .unwrap_or_else(|| panic!("not attached: {straggler:?}"));
    assert!(
        attached.detail.contains("3 address(es)"),
        "{}",
        attached.detail
    );
    assert_eq!(straggler.verdict, Verdict::Attack, "{straggler:?}");
    let cluster = report
        .clusters
        .iter()
        .find(|c| Some(&c.id) == straggler.cluster.as_ref())
        .expect("its cluster is reported");
    let position = cluster
        .accounts
        .iter()
        .position(|a| a == "straggler")
        .expect("listed in its cluster");
    // Drawn with a link of kind `attached` (to a member), then what it shares.
    let link = cluster
        .links
        .iter()
        .find(|l| l.b == position)
        .expect("a link for the picture");
    assert_eq!(link.kinds[0], "attached");
    assert!(link.kinds.iter().any(|k| k == "ip"), "{link:?}");
    assert!(link.a < position);
    assert!(cluster
        .evidence
        .iter()
        .any(|e| e.signal == "attached_accounts"));
    // Nobody else is attached: people share no exit with the hydra.
    let others = report
        .accounts
        .iter()
        .filter(|a| a.evidence.iter().any(|e| e.signal == "attached_to_cluster"))
        .count();
    assert_eq!(others, 1);
}

/// Two harvesting accounts (templated reasoning at volume) with their own exits and
/// the given cards; `shared_exit` puts one request of each through one common address.
fn harvesting_pair(name: &str, cards: [&str; 2], shared_exit: Option<&str>) -> Vec<Exchange> {
    (0..2)
        .flat_map(|n| {
            harvester(50 + n, 300)
                .into_iter()
                .enumerate()
                .map(move |(k, mut e)| {
                    e.account_id = format!("{name}-{n}");
                    e.payment_fp = Some(cards[n].to_string());
                    // Each account's own exit, in its own /24.
                    let own = format!("100.{}.{}.1", 64 + name.len(), 10 * n + 1);
                    e.ip = match shared_exit {
                        Some(shared) if k == 7 => shared.parse().ok(),
                        _ => own.parse().ok(),
                    };
                    e
                })
        })
        .collect()
}

#[test]
fn a_pair_outside_any_cluster_is_attack_only_with_control_shown_in_full() {
    // Both pairs harvest alike and share templates and client; one pair pays with one
    // card, the other shares nothing but one address, once (what two strangers' services
    // behind one cloud exit can share). Neither pair is big enough for a cluster.
    let mut items: Vec<Exchange> = (0..300).flat_map(person).collect();
    items.extend(harvesting_pair("carded", ["pair-card", "pair-card"], None));
    items.extend(harvesting_pair(
        "colocated",
        ["card-x", "card-y"],
        Some("100.90.0.7"),
    ));
    let report = run(&items).report;
    let account = |id: &str| {
        report
            .accounts
            .iter()
            .find(|a| a.account_id == id)
            .unwrap_or_else(|| panic!("{id} not in the report"))
    };
    for (n, partner) in [(0, "carded-1"), (1, "carded-0")] {
        let a = account(&format!("carded-{n}"));
        assert_eq!(a.verdict, Verdict::Attack, "{a:?}");
        assert_eq!(a.cluster, None, "{a:?}");
        let link = &a.evidence[0];
        assert_eq!(link.signal, "linked_account", "{a:?}");
        assert_eq!(link.value, EvidenceValue::Text(partner.to_string()));
        assert!(
            link.detail.contains("1 payment instrument(s)"),
            "{}",
            link.detail
        );
    }
    for n in 0..2 {
        let a = account(&format!("colocated-{n}"));
        // Over the attack threshold on its own (held, not scored down), and the one
        // shared address made an edge: it is the link rule that holds it.
        assert_eq!(a.verdict, Verdict::Suspicious, "{a:?}");
        assert_eq!(a.evidence[0].signal, "acts_alone", "{a:?}");
        assert!(a.evidence.iter().all(|e| e.signal != "linked_account"));
    }
}

#[test]
fn scores_are_in_range() {
    let report = run(&population()).report;
    for a in &report.accounts {
        assert!((0.0..=1.0).contains(&a.score), "{}", a.score);
    }
    for c in &report.clusters {
        assert!((0.0..=1.0).contains(&c.score));
    }
}

#[test]
fn a_partner_indicator_raises_the_matching_account_and_is_cited() {
    use distillguard_model::{IndicatorKind, PartnerIndicator};
    let items = population();
    let baseline = run(&items).report;
    let partner = vec![PartnerIndicator {
        kind: IndicatorKind::Ip,
        value: "198.51.7.2".into(), // person-007's address (see `person`)
        source: "partner-x".into(),
        stix_id: "indicator--00000000-0000-4000-8000-000000000001".into(),
        confidence: Some(80),
        valid_until: None,
    }];
    let mut engine = Engine::new(Config::default());
    for chunk in items.chunks(500) {
        engine.observe_batch(chunk);
    }
    let side = SideInputs {
        intel: &partner,
        ..SideInputs::default()
    };
    let with_intel = engine.finish(side, ReaderCounts::default()).report;
    let score = |r: &distillguard_model::report::Report, id: &str| {
        r.accounts
            .iter()
            .find(|a| a.account_id == id)
            .map(|a| (a.score, a.evidence.clone()))
    };
    let (before, _) = score(&baseline, "person-007").expect("present");
    let (after, evidence) = score(&with_intel, "person-007").expect("present");
    assert!(after > before, "{before} -> {after}");
    assert!(
        evidence
            .iter()
            .any(|e| e.signal == "partner_indicator" && e.detail.contains("partner-x")),
        "{evidence:?}"
    );
    // Nobody else moved.
    let (other_before, _) = score(&baseline, "person-008").expect("present");
    let (other_after, _) = score(&with_intel, "person-008").expect("present");
    assert_eq!(other_before, other_after);
}

#[test]
fn a_stream_of_batches_folds_exactly_as_batch_by_batch() {
    // observe_batches overlaps one batch's signals with the previous batch's fold;
    // the report must not change, and every batch must be folded and counted once.
    let items = population();
    let by_batch = run(&items).report;
    let mut engine = Engine::new(Config::default());
    let mut counted = Vec::new();
    let batches: Vec<Vec<Exchange>> = items.chunks(500).map(<[Exchange]>::to_vec).collect();
    let expected: Vec<usize> = batches.iter().map(Vec::len).collect();
    engine.observe_batches(batches, |n| counted.push(n));
    assert_eq!(engine.exchanges(), items.len() as u64);
    assert_eq!(counted, expected);
    let streamed = engine
        .finish(SideInputs::default(), ReaderCounts::default())
        .report;
    assert_eq!(
        serde_json::to_string(&streamed).expect("serialises"),
        serde_json::to_string(&by_batch).expect("serialises")
    );
    assert!(!by_batch.accounts.is_empty());
}

#[test]
fn finish_announces_each_stage_once_in_order_with_the_same_report() {
    use crate::engine::Stage;
    let items = population();
    let mut engine = Engine::new(Config::default());
    engine.observe_batch(&items);
    let mut seen = Vec::new();
    let staged = engine.finish_with_stages(
        SideInputs::default(),
        ReaderCounts::default(),
        &mut |stage| seen.push(stage),
    );
    assert_eq!(
        seen,
        [
            Stage::Population,
            Stage::Accounts,
            Stage::Graph,
            Stage::Clusters,
            Stage::Report
        ]
    );
    assert_eq!(staged.report, run(&items).report);
}

#[test]
fn hosting_networks_are_context_shown_with_the_evidence_that_change_no_score() {
    // Ten people send from a network the provider lists as hosting (AS64500); the hydra
    // sends from DigitalOcean (built in); everyone else from a broadband network.
    let mut items = population();
    for e in items
        .iter_mut()
        .filter(|e| e.account_id.starts_with("person-00"))
    {
        e.asn = Some(64_500);
    }
    let plain = run(&items);
    let mut engine = Engine::new(Config {
        hosting_asns: vec![64_500],
        ..Config::default()
    });
    engine.observe_batch(&items);
    let listed = engine.finish(SideInputs::default(), ReaderCounts::default());

    let hosting = |analysis: &crate::Analysis, id: &str| {
        analysis
            .report
            .accounts
            .iter()
            .find(|a| a.account_id == id)
            .and_then(|a| a.evidence.iter().find(|e| e.signal == "hosting_share"))
            .cloned()
    };
    for analysis in [&plain, &listed] {
        let hydra = hosting(analysis, "hydra-03").expect("the hydra's hosting share is shown");
        assert_eq!(hydra.value, EvidenceValue::Number(1.0));
        assert!(
            hydra.detail.contains("AS14061 (DigitalOcean)"),
            "{}",
            hydra.detail
        );
        assert!(hydra.detail.contains("not scored"), "{}", hydra.detail);
        assert_eq!(hydra.weight, None);
        assert!(hosting(analysis, "person-100").is_none());
        // The hydra's cluster says the same of its members together.
        let cluster = analysis
            .report
            .clusters
            .iter()
            .find(|c| c.accounts.iter().any(|a| a == "hydra-03"))
            .expect("the hydra's cluster");
        let context = cluster
            .evidence
            .iter()
            .find(|e| e.signal == "hosting_share")
            .expect("the cluster's hosting share is shown");
        assert!(
            context
                .detail
                .starts_with("its 20 accounts sent 100% of their requests"),
            "{}",
            context.detail
        );
    }
    // The provider's list reaches the count; without it AS64500 is not hosting.
    assert!(hosting(&plain, "person-003").is_none());
    let listed_person = hosting(&listed, "person-003").expect("listed network counted");
    assert!(
        listed_person.detail.contains("AS64500"),
        "{}",
        listed_person.detail
    );
    // Context only: every score, verdict and threshold is the same with or without it.
    assert_eq!(plain.thresholds, listed.thresholds);
    for (a, b) in plain.report.accounts.iter().zip(&listed.report.accounts) {
        assert_eq!(
            (&a.account_id, a.score, a.verdict),
            (&b.account_id, b.score, b.verdict)
        );
    }
}
