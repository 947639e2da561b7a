//! Hand-computed checks of [`evaluate`] and a property test that metrics stay in range.

use distillguard_model::report::{AccountReport, CampaignReport, InputSummary, Report};
use distillguard_model::{Label, LabelKind, Verdict};
use proptest::prelude::*;

use super::*;

fn account(
    id: &str,
    verdict: Verdict,
    score: f64,
    cluster: Option<&str>,
    exchanges: u64,
) -> AccountReport {
    AccountReport {
        account_id: id.to_string(),
        score,
        verdict,
        cluster: cluster.map(str::to_string),
        exchanges,
        evidence: Vec::new(),
    }
}

fn label(id: &str, kind: LabelKind, campaign: Option<&str>, population: Option<&str>) -> Label {
    Label {
        account_id: id.to_string(),
        label: kind,
        campaign: campaign.map(str::to_string),
        population: population.map(str::to_string),
    }
}

fn report(accounts: Vec<AccountReport>, campaigns: Vec<CampaignReport>) -> Report {
    Report {
        version: 1,
        input: InputSummary::default(),
        accounts,
        clusters: Vec::new(),
        campaigns,
        settings: None,
        timelines: Vec::new(),
    }
}

fn campaign(id: &str, clusters: &[&str]) -> CampaignReport {
    CampaignReport {
        id: id.to_string(),
        clusters: clusters.iter().map(|c| c.to_string()).collect(),
        accounts: 0,
        exchanges: 0,
        targets: Vec::new(),
        evidence: Vec::new(),
        models: Vec::new(),
    }
}

fn close(actual: Option<f64>, expected: f64) -> bool {
    actual.is_some_and(|a| (a - expected).abs() < 1e-12)
}

/// The worked example; every expected number below is computed by hand in the comments.
fn worked_example() -> (Report, Vec<Label>) {
    use LabelKind::{Attack, Benign};
    let report = report(
        vec![
            account("a1", Verdict::Attack, 0.9, Some("c1"), 100),
            account("a2", Verdict::Attack, 0.8, Some("c1"), 50),
            account("a3", Verdict::Suspicious, 0.6, Some("c2"), 30),
            account("a4", Verdict::Benign, 0.5, None, 20),
            account("b1", Verdict::Attack, 0.7, None, 10),
            account("b2", Verdict::Benign, 0.5, None, 5),
            account("b3", Verdict::Suspicious, 0.2, None, 5),
            account("u1", Verdict::Attack, 0.95, Some("c1"), 7),
        ],
        vec![campaign("K1", &["c1", "c2"])],
    );
    let labels = vec![
        label("a1", Attack, Some("A"), None),
        label("a2", Attack, Some("A"), None),
        label("a3", Attack, Some("A"), None),
        label("a4", Attack, Some("B"), None),
        label("m1", Attack, Some("B"), None),
        label("b1", Benign, None, Some("individual")),
        label("b2", Benign, None, Some("individual")),
        label("b3", Benign, None, None),
        label("m2", Benign, None, Some("class")),
        label("a1", Benign, None, None),
    ];
    (report, labels)
}

#[test]
fn counts_of_the_worked_example() {
    let (report, labels) = worked_example();
    let m = evaluate(&report, &labels);
    let c = &m.counts;
    assert_eq!(c.labelled, 9);
    assert_eq!((c.attack, c.benign), (5, 4));
    assert_eq!(c.duplicate_labels, 1);
    assert_eq!(c.report_accounts, 8);
    assert_eq!(c.labelled_missing_from_report, 2); // m1, m2
    assert_eq!(c.report_accounts_unlabelled, 1); // u1
                                                 // tp a1 a2; fn a3 a4 m1; fp b1; tn b2 b3 m2.
    assert_eq!(
        (
            c.true_positives,
            c.false_negatives,
            c.false_positives,
            c.true_negatives
        ),
        (2, 3, 1, 3)
    );
    assert_eq!((c.attack_exchanges, c.flagged_attack_exchanges), (200, 150));
    assert_eq!(
        m.suspicious,
        SuspiciousCounts {
            total: 2,
            attack_labelled: 1,
            benign_labelled: 1,
            unlabelled: 0
        }
    );
}

#[test]
fn rates_of_the_worked_example() {
    let (report, labels) = worked_example();
    let m = evaluate(&report, &labels);
    assert!(close(m.precision, 2.0 / 3.0));
    assert!(close(m.recall, 2.0 / 5.0));
    // 2 * (2/3)(2/5) / (2/3 + 2/5) = (8/15) / (16/15).
    assert!(close(m.f1, 0.5));
    // Positives 0.9 0.8 0.6 0.5 0.0 (m1 missing), negatives 0.7 0.5 0.2 0.0 (m2):
    // wins 4 + 4 + 3 + (2 + tie 0.5) + tie 0.5 = 14 of 20 pairs.
    assert!(close(m.roc_auc, 0.7), "{:?}", m.roc_auc);
    assert!(close(m.benign_false_positive_rate, 0.25));
    assert!(close(m.attack_exchange_recall, 0.75));
}

#[test]
fn campaigns_and_populations_of_the_worked_example() {
    let (report, labels) = worked_example();
    let m = evaluate(&report, &labels);

    let names: Vec<&str> = m.campaigns.iter().map(|c| c.campaign.as_str()).collect();
    assert_eq!(names, ["A", "B"]);
    let a = &m.campaigns[0];
    assert_eq!(
        (a.accounts, a.flagged, a.suspicious, a.missing_from_report),
        (3, 2, 1, 0)
    );
    assert!(close(a.recall, 2.0 / 3.0));
    assert_eq!((a.exchanges, a.flagged_exchanges), (180, 150));
    assert!(close(a.exchange_recall, 150.0 / 180.0));
    assert_eq!(a.predicted_clusters, 2);
    let b = &m.campaigns[1];
    assert_eq!((b.accounts, b.flagged, b.missing_from_report), (2, 0, 1));
    assert!(close(b.recall, 0.0));
    assert!(close(b.exchange_recall, 0.0));
    assert_eq!(b.predicted_clusters, 0);

    let populations: Vec<(&str, usize, usize, usize)> = m
        .populations
        .iter()
        .map(|p| (p.population.as_str(), p.accounts, p.flagged, p.suspicious))
        .collect();
    assert_eq!(
        populations,
        [
            ("class", 1, 0, 0),
            ("individual", 2, 1, 0),
            ("unlabelled", 1, 0, 1)
        ]
    );
    assert!(close(m.populations[1].false_positive_rate, 0.5));
}

#[test]
fn cluster_agreement_of_the_worked_example() {
    let (report, labels) = worked_example();
    let a = evaluate(&report, &labels).cluster_agreement;
    assert_eq!(a.accounts, 5);
    assert_eq!(a.accounts_without_campaign, 0);
    assert_eq!(a.labelled_campaigns, 2);
    // Truth A A A B B; predicted (via campaign K1 holding c1 and c2) K K K a4 m1.
    // index 3; truth pairs 3+1 = 4; predicted pairs 3; all 10; expected 1.2; max 3.5.
    assert_eq!(a.predicted_groups, 3);
    assert!(close(a.ari, 1.8 / 2.3), "{:?}", a.ari);
    // Clusters unmerged: c1 c1 c2 a4 m1 -> index 1; predicted pairs 1; expected 0.4;
    // max 2.5 -> 0.6 / 2.1.
    assert_eq!(a.predicted_clusters, 4);
    assert!(close(a.ari_clusters, 0.6 / 2.1), "{:?}", a.ari_clusters);
}

#[test]
fn empty_classes_are_undefined_not_zero() {
    let report = report(
        vec![account("a", Verdict::Benign, 0.1, None, 3)],
        Vec::new(),
    );

    let m = evaluate(&report, &[]);
    assert_eq!(m.precision, None);
    assert_eq!(m.recall, None);
    assert_eq!(m.f1, None);
    assert_eq!(m.roc_auc, None);
    assert_eq!(m.benign_false_positive_rate, None);
    assert_eq!(m.attack_exchange_recall, None);
    assert_eq!(m.cluster_agreement.ari, None);
    assert_eq!(m.counts.report_accounts_unlabelled, 1);

    let json = serde_json::to_value(&m).expect("serialises");
    assert_eq!(json["roc_auc"], serde_json::Value::Null);
    assert_eq!(json["cluster_agreement"]["ari"], serde_json::Value::Null);
    let table = render_table(&m);
    assert!(table.contains("n/a"), "{table}");

    // Only benign labels, none flagged: FP rate 0, recall and AUC undefined.
    let m = evaluate(&report, &[label("a", LabelKind::Benign, None, None)]);
    assert_eq!(m.benign_false_positive_rate, Some(0.0));
    assert_eq!(m.recall, None);
    assert_eq!(m.roc_auc, None);
    assert_eq!(m.precision, None);
}

#[test]
fn nothing_flagged_gives_zero_recall_and_zero_f1() {
    let report = report(
        vec![
            account("a", Verdict::Benign, 0.4, None, 3),
            account("b", Verdict::Benign, 0.2, None, 3),
        ],
        Vec::new(),
    );
    let labels = [
        label("a", LabelKind::Attack, Some("X"), None),
        label("b", LabelKind::Benign, None, None),
    ];
    let m = evaluate(&report, &labels);
    assert_eq!(m.recall, Some(0.0));
    assert_eq!(m.precision, None);
    assert_eq!(m.f1, None);
    assert_eq!(m.roc_auc, Some(1.0));
    // One compared account: no pair, ARI undefined.
    assert_eq!(m.cluster_agreement.ari, None);
}

#[test]
fn table_shows_the_numbers() {
    let (report, labels) = worked_example();
    let table = render_table(&evaluate(&report, &labels));
    for needle in [
        "precision                 0.6667",
        "recall                    0.4000",
        "ROC AUC                   0.7000",
        "benign FP rate            0.2500",
        "attack-exchange recall    0.7500",
        "individual",
        "ARI vs predicted campaigns   0.783",
        "missing from report      2",
    ] {
        assert!(table.contains(needle), "missing {needle:?} in\n{table}");
    }
}

fn arb_verdict() -> impl Strategy<Value = Verdict> {
    prop_oneof![
        Just(Verdict::Benign),
        Just(Verdict::Suspicious),
        Just(Verdict::Attack)
    ]
}

proptest! {
    #[test]
    fn metrics_stay_in_range(
        accounts in proptest::collection::vec(
            (0u8..30, arb_verdict(), 0.0f64..=1.0, proptest::option::of(0u8..5), 0u64..1000),
            0..40,
        ),
        labels in proptest::collection::vec(
            (0u8..35, proptest::bool::ANY, proptest::option::of(0u8..4), proptest::option::of(0u8..3)),
            0..40,
        ),
        campaign_clusters in proptest::collection::vec(0u8..5, 0..5),
    ) {
        let accounts = accounts
            .into_iter()
            .map(|(id, verdict, score, cluster, exchanges)| {
                let cluster = cluster.map(|c| format!("c{c}"));
                account(&format!("a{id}"), verdict, score, cluster.as_deref(), exchanges)
            })
            .collect();
        let clusters: Vec<String> = campaign_clusters.iter().map(|c| format!("c{c}")).collect();
        let cluster_refs: Vec<&str> = clusters.iter().map(String::as_str).collect();
        let report = report(accounts, vec![campaign("K", &cluster_refs)]);
        let labels: Vec<Label> = labels
            .into_iter()
            .map(|(id, attack, campaign, population)| Label {
                account_id: format!("a{id}"),
                label: if attack { LabelKind::Attack } else { LabelKind::Benign },
                campaign: campaign.map(|c| format!("camp{c}")),
                population: population.map(|p| format!("pop{p}")),
            })
            .collect();

        let m = evaluate(&report, &labels);
        let unit = |v: Option<f64>| v.is_none_or(|v| (0.0..=1.0).contains(&v));
        prop_assert!(unit(m.precision));
        prop_assert!(unit(m.recall));
        prop_assert!(unit(m.f1));
        prop_assert!(unit(m.roc_auc));
        prop_assert!(unit(m.benign_false_positive_rate));
        prop_assert!(unit(m.attack_exchange_recall));
        for c in &m.campaigns {
            prop_assert!(unit(c.recall) && unit(c.exchange_recall));
            prop_assert!(c.flagged <= c.accounts);
        }
        for p in &m.populations {
            prop_assert!(unit(p.false_positive_rate));
        }
        let signed_unit = |v: Option<f64>| v.is_none_or(|v| (-1.0..=1.0 + 1e-12).contains(&v));
        prop_assert!(signed_unit(m.cluster_agreement.ari));
        prop_assert!(signed_unit(m.cluster_agreement.ari_clusters));
        let c = &m.counts;
        prop_assert_eq!(c.attack + c.benign, c.labelled);
        prop_assert_eq!(c.labelled + c.duplicate_labels, labels.len());
        prop_assert_eq!(c.true_positives + c.false_negatives, c.attack);
        prop_assert_eq!(c.false_positives + c.true_negatives, c.benign);
        prop_assert!(c.flagged_attack_exchanges <= c.attack_exchanges);
        prop_assert_eq!(m.campaigns.iter().map(|c| c.accounts).sum::<usize>(), c.attack);
        prop_assert_eq!(m.populations.iter().map(|p| p.accounts).sum::<usize>(), c.benign);
        prop_assert!(!render_table(&m).is_empty());
    }
}
