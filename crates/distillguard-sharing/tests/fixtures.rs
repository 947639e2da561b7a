//! Export of the shared fixture report and import of the partner fixture bundle.

use std::path::PathBuf;

use distillguard_model::report::Report;
use distillguard_model::IndicatorKind;
use distillguard_sharing::{export_bundle, import_bundle_at, ExportOptions};
use serde_json::Value;

const NOW: i64 = 1_770_000_000_000; // 2026-02-02

fn fixture(path: &str) -> String {
    let full = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures")
        .join(path);
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()))
}

#[test]
fn fixture_report_exports_without_customer_data_and_imports_back() {
    let report: Report =
        serde_json::from_str(&fixture("report/sample-report.json")).expect("report");
    let bundle = export_bundle(&report, &ExportOptions::default(), NOW);
    let text = bundle.to_string();
    for account in &report.accounts {
        assert!(
            !text.contains(&account.account_id),
            "{} leaked",
            account.account_id
        );
        for evidence in &account.evidence {
            assert!(
                !text.contains(&evidence.detail),
                "evidence text leaked: {}",
                evidence.detail
            );
        }
    }
    for cluster in &report.clusters {
        for fp in &cluster.shared.payment_fps {
            assert!(
                !text.contains(&format!("'{fp}'")),
                "raw payment fingerprint {fp} leaked"
            );
        }
    }
    let campaigns = bundle["objects"]
        .as_array()
        .map(|o| o.iter().filter(|x| x["type"] == "campaign").count());
    assert_eq!(campaigns, Some(report.campaigns.len()));

    // Everything we export as an indicator comes back as a partner indicator.
    let indicators = bundle["objects"]
        .as_array()
        .map(|o| o.iter().filter(|x| x["type"] == "indicator").count())
        .unwrap_or_default();
    let imported = import_bundle_at(&bundle, "us", NOW);
    assert!(imported.errors.is_empty() && imported.skipped.is_empty());
    assert_eq!(imported.indicators.len(), indicators);
    let ips = report
        .clusters
        .iter()
        .filter(|c| c.score >= 0.5)
        .flat_map(|c| c.shared.ips.iter())
        .collect::<std::collections::BTreeSet<_>>();
    let imported_ips = imported
        .indicators
        .iter()
        .filter(|i| i.kind == IndicatorKind::Ip)
        .count();
    assert_eq!(imported_ips, ips.len());
}

#[test]
fn partner_fixture_imports_eight_and_skips_two() {
    let bundle: Value = serde_json::from_str(&fixture("stix/partner-bundle.json")).expect("bundle");
    let result = import_bundle_at(&bundle, "partner-bundle.json", NOW);
    assert!(result.errors.is_empty(), "{:?}", result.errors);
    assert_eq!(result.indicators.len(), 8);
    assert_eq!(result.skipped.len(), 2);
    assert!(result
        .indicators
        .iter()
        .all(|i| i.source == "Example Partner AI"));
}
