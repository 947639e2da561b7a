//! `report.json` → the `distillguard-indicators` collection.
//!
//! In: a report file, the export options and the time. Out: the report's STIX bundle added
//! to the store (only objects whose content changed since the last publication), and a
//! [`PublishSummary`]. Used by `distillguard intel publish` and at server start.

use std::path::Path;

use distillguard_model::report::Report;
use distillguard_model::time::Millis;
use distillguard_sharing::taxii::store::{publish_bundle, PublishSummary};
use distillguard_sharing::taxii::{ObjectStore, TaxiiConfig, INDICATORS_COLLECTION};
use distillguard_sharing::{export_bundle, ExportOptions};

use crate::error::ServerError;

/// Reads and parses a `report.json`.
pub fn read_report(path: &Path) -> Result<Report, ServerError> {
    let text = std::fs::read_to_string(path).map_err(|source| ServerError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    serde_json::from_str(&text).map_err(|e| ServerError::Report {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })
}

/// Exports `report` and publishes it into the indicators collection.
pub fn publish_report(
    store: &dyn ObjectStore,
    taxii: &TaxiiConfig,
    report: &Report,
    options: &ExportOptions,
    now: Millis,
) -> Result<PublishSummary, ServerError> {
    let collection = taxii
        .collection(INDICATORS_COLLECTION)
        .ok_or_else(|| ServerError::Config(format!("no collection {INDICATORS_COLLECTION:?}")))?;
    let bundle = export_bundle(report, options, now);
    Ok(publish_bundle(store, &collection.id, &bundle, now)?)
}
