//! Partner STIX → [`PartnerIndicator`]s that detection can match.
//!
//! In: a partner's JSON (a STIX bundle, a TAXII envelope `{"objects": [...]}`, or a bare
//! array of objects) and a source name. Out: an [`ImportResult`] with one indicator per
//! comparison we understand (see [`crate::pattern`]), one [`ObjectError`] per object that
//! is broken, and one note per object that is valid but skipped (expired, revoked, or a
//! pattern we do not match). A bad object never stops the rest.
//!
//! The source of each indicator is the name of the identity that created it when the
//! bundle carries that identity, else the `source` given (a file name or URL).

use std::collections::HashMap;

use distillguard_model::time::{parse_timestamp, Millis};
use distillguard_model::PartnerIndicator;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::ids::split_stix_id;
use crate::pattern::{self, PatternProblem};

/// One object that gave no indicator, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectError {
    /// Position in the bundle's `objects`.
    pub index: usize,
    /// The object's `id`, if it had a readable one.
    pub id: Option<String>,
    pub reason: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ImportResult {
    pub indicators: Vec<PartnerIndicator>,
    /// Objects that are broken (not valid STIX, unreadable pattern).
    pub errors: Vec<ObjectError>,
    /// Valid indicators deliberately not imported (expired, revoked, kinds we do not
    /// match), each with the reason.
    pub skipped: Vec<ObjectError>,
}

impl ImportResult {
    /// Appends another result (e.g. the next TAXII page), keeping indices as given.
    pub fn extend(&mut self, other: ImportResult) {
        self.indicators.extend(other.indicators);
        self.errors.extend(other.errors);
        self.skipped.extend(other.skipped);
    }
}

/// [`import_bundle_at`] with the current time, for callers at the edge (CLI, server).
pub fn import_bundle(json: &Value, source: &str) -> ImportResult {
    let now = chrono::Utc::now().timestamp_millis();
    import_bundle_at(json, source, now)
}

/// The objects of a bundle, a TAXII envelope or a bare array.
fn objects_of(json: &Value) -> Result<&[Value], String> {
    match json {
        Value::Array(objects) => Ok(objects),
        Value::Object(map) => {
            if let Some(kind) = map.get("type").and_then(Value::as_str) {
                if kind != "bundle" {
                    return Err(format!(
                        "expected a STIX bundle, found a single {kind:?} object"
                    ));
                }
            }
            match map.get("objects") {
                Some(Value::Array(objects)) => Ok(objects),
                Some(_) => Err("\"objects\" is not an array".to_string()),
                // An empty TAXII envelope is `{}` or `{"more": false}`.
                None => Ok(&[]),
            }
        }
        _ => Err("expected a STIX bundle (a JSON object with \"objects\")".to_string()),
    }
}

fn timestamp_field(object: &Value, field: &str) -> Result<Option<Millis>, String> {
    match object.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => parse_timestamp(text)
            .map(Some)
            .map_err(|e| format!("{field}: {e}")),
        Some(other) => Err(format!("{field} is not a timestamp: {other}")),
    }
}

/// Reads partner indicators from STIX JSON, as of `now` (expired indicators are skipped).
pub fn import_bundle_at(json: &Value, source: &str, now: Millis) -> ImportResult {
    let mut result = ImportResult::default();
    let objects = match objects_of(json) {
        Ok(objects) => objects,
        Err(reason) => {
            result.errors.push(ObjectError {
                index: 0,
                id: None,
                reason,
            });
            return result;
        }
    };

    let identity_names: HashMap<&str, &str> = objects
        .iter()
        .filter(|o| o.get("type").and_then(Value::as_str) == Some("identity"))
        .filter_map(|o| {
            Some((
                o.get("id").and_then(Value::as_str)?,
                o.get("name").and_then(Value::as_str)?,
            ))
        })
        .collect();

    for (index, object) in objects.iter().enumerate() {
        let id = object.get("id").and_then(Value::as_str).map(str::to_string);
        let error = |reason: String| ObjectError {
            index,
            id: id.clone(),
            reason,
        };
        let Some(map) = object.as_object() else {
            result.errors.push(error("not a JSON object".to_string()));
            continue;
        };
        let Some(object_type) = map.get("type").and_then(Value::as_str) else {
            result.errors.push(error("no \"type\"".to_string()));
            continue;
        };
        if object_type != "indicator" {
            continue;
        }
        match read_indicator(object, &identity_names, source, now) {
            Ok(Outcome::Indicators(indicators)) => result.indicators.extend(indicators),
            Ok(Outcome::Skipped(reason)) => result.skipped.push(error(reason)),
            Err(reason) => result.errors.push(error(reason)),
        }
    }
    result
}

enum Outcome {
    Indicators(Vec<PartnerIndicator>),
    Skipped(String),
}

fn read_indicator(
    object: &Value,
    identity_names: &HashMap<&str, &str>,
    source: &str,
    now: Millis,
) -> Result<Outcome, String> {
    let id = object
        .get("id")
        .and_then(Value::as_str)
        .ok_or("indicator has no \"id\"")?;
    if split_stix_id(id) != Some("indicator") {
        return Err(format!("{id:?} is not an indicator id (indicator--<uuid>)"));
    }
    let pattern_text = object
        .get("pattern")
        .and_then(Value::as_str)
        .ok_or("indicator has no \"pattern\" string")?;
    let pattern_type = object
        .get("pattern_type")
        .and_then(Value::as_str)
        .ok_or("indicator has no \"pattern_type\"")?;
    let valid_from = timestamp_field(object, "valid_from")?;
    let valid_until = timestamp_field(object, "valid_until")?;
    let confidence = match object.get("confidence") {
        None | Some(Value::Null) => None,
        Some(value) => match value.as_u64() {
            Some(c) if c <= 100 => Some(c as u8),
            _ => return Err(format!("confidence {value} is not an integer in 0..=100")),
        },
    };
    if let (Some(from), Some(until)) = (valid_from, valid_until) {
        if until <= from {
            return Err("valid_until is not after valid_from".to_string());
        }
    }
    if pattern_type != "stix" {
        return Ok(Outcome::Skipped(format!(
            "pattern_type {pattern_type:?} (only \"stix\" patterns are matched)"
        )));
    }
    if object.get("revoked").and_then(Value::as_bool) == Some(true) {
        return Ok(Outcome::Skipped("revoked".to_string()));
    }
    if let Some(until) = valid_until {
        if until <= now {
            return Ok(Outcome::Skipped(format!(
                "expired (valid_until {})",
                object
                    .get("valid_until")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
            )));
        }
    }
    let comparisons = match pattern::parse(pattern_text) {
        Ok(comparisons) => comparisons,
        Err(PatternProblem::Unsupported(reason)) => {
            return Ok(Outcome::Skipped(format!("{reason}: {pattern_text}")))
        }
        Err(problem @ PatternProblem::Malformed(_)) => {
            return Err(format!("{problem}: {pattern_text}"))
        }
    };
    let source = object
        .get("created_by_ref")
        .and_then(Value::as_str)
        .and_then(|creator| identity_names.get(creator).copied())
        .unwrap_or(source);
    Ok(Outcome::Indicators(
        comparisons
            .into_iter()
            .map(|(kind, value)| PartnerIndicator {
                kind,
                value,
                source: source.to_string(),
                stix_id: id.to_string(),
                confidence,
                valid_until,
            })
            .collect(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::{export_bundle, ExportOptions};
    use distillguard_model::IndicatorKind;
    use serde_json::json;

    const NOW: Millis = 1_767_400_000_000;

    #[test]
    fn our_export_imports_back() {
        let report = crate::export::tests::sample_report();
        let bundle = export_bundle(&report, &ExportOptions::default(), NOW);
        let result = import_bundle_at(&bundle, "file.json", NOW);
        assert!(result.errors.is_empty(), "{:?}", result.errors);
        assert!(result.skipped.is_empty(), "{:?}", result.skipped);
        let kinds: std::collections::BTreeSet<IndicatorKind> =
            result.indicators.iter().map(|i| i.kind).collect();
        assert_eq!(kinds.len(), 6, "{kinds:?}");
        let payment = result
            .indicators
            .iter()
            .find(|i| i.kind == IndicatorKind::PaymentFpSha256)
            .expect("payment");
        assert_eq!(
            payment.value,
            crate::pattern::hash_payment_fp("pm_raw_fp_1")
        );
        assert_eq!(payment.source, "distillguard");
        assert_eq!(payment.confidence, Some(90));
        assert!(payment.valid_until.is_some());
    }

    #[test]
    fn bad_objects_are_reported_and_the_rest_imported() {
        let bundle = json!({
            "type": "bundle",
            "id": "bundle--6d3a4d8e-4b8c-4f1e-9a57-1f0f3b7f9c11",
            "objects": [
                {"type": "identity", "spec_version": "2.1", "id": "identity--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061", "name": "Partner AI"},
                {"type": "indicator", "id": "indicator--a1f0e9f4-5b5e-4c43-9c7c-5d5b0b0a1e01", "created_by_ref": "identity--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061",
                 "pattern": "[ipv4-addr:value = '203.0.113.5']", "pattern_type": "stix", "valid_from": "2026-01-01T00:00:00Z", "confidence": 80},
                {"type": "indicator", "id": "indicator--a1f0e9f4-5b5e-4c43-9c7c-5d5b0b0a1e02",
                 "pattern": "[ipv4-addr:value = 'nonsense']", "pattern_type": "stix", "valid_from": "2026-01-01T00:00:00Z"},
                {"type": "indicator", "id": "indicator--a1f0e9f4-5b5e-4c43-9c7c-5d5b0b0a1e03",
                 "pattern": "[ipv4-addr:value = '203.0.113.6']", "pattern_type": "stix", "valid_from": "2025-01-01T00:00:00Z", "valid_until": "2025-06-01T00:00:00Z"},
                {"type": "indicator", "id": "indicator--a1f0e9f4-5b5e-4c43-9c7c-5d5b0b0a1e04", "pattern_type": "stix"},
                "not an object",
                {"type": "indicator", "id": "indicator--a1f0e9f4-5b5e-4c43-9c7c-5d5b0b0a1e05",
                 "pattern": "[domain-name:value = 'example.com']", "pattern_type": "stix", "valid_from": "2026-01-01T00:00:00Z"},
                {"type": "indicator", "id": "indicator--a1f0e9f4-5b5e-4c43-9c7c-5d5b0b0a1e06",
                 "pattern": "[autonomous-system:number = 64511]", "pattern_type": "stix", "valid_from": "2026-01-01T00:00:00Z", "confidence": 300},
                {"type": "indicator", "id": "indicator--a1f0e9f4-5b5e-4c43-9c7c-5d5b0b0a1e07",
                 "pattern": "[autonomous-system:number = 64512]", "pattern_type": "stix", "valid_from": "2026-01-01T00:00:00Z"}
            ]
        });
        let result = import_bundle_at(&bundle, "partner.json", NOW);
        let values: Vec<(&str, &str)> = result
            .indicators
            .iter()
            .map(|i| (i.value.as_str(), i.source.as_str()))
            .collect();
        assert_eq!(
            values,
            vec![("203.0.113.5", "Partner AI"), ("64512", "partner.json")]
        );
        let error_indices: Vec<usize> = result.errors.iter().map(|e| e.index).collect();
        assert_eq!(error_indices, vec![2, 4, 5, 7], "{:?}", result.errors);
        assert!(result.errors[0].reason.contains("nonsense"));
        let skipped: Vec<usize> = result.skipped.iter().map(|e| e.index).collect();
        assert_eq!(skipped, vec![3, 6], "{:?}", result.skipped);
        assert!(result.skipped[0].reason.contains("expired"));
    }

    #[test]
    fn non_bundles_are_one_clear_error() {
        let result = import_bundle_at(&json!({"type": "indicator"}), "x", NOW);
        assert_eq!(result.errors.len(), 1);
        assert!(result.errors[0].reason.contains("bundle"));
        let empty = import_bundle_at(&json!({"more": false}), "taxii", NOW);
        assert_eq!(empty, ImportResult::default());
    }
}
