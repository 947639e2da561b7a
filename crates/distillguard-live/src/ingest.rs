//! Request bodies → exchanges: NDJSON spec records (one per line) and OTLP/HTTP JSON
//! trace exports (GenAI spans through the built-in `otel-genai` mapping).
//!
//! Bad records are data: each gives a [`LineError`] with its line (NDJSON) or span
//! (OTLP) number, and never costs the good records of the same body.

use distillguard_ingest::{parse_line, Mapping};
use distillguard_model::Exchange;
use serde::Serialize;

use crate::error::LiveError;

/// One rejected record: its 1-based line (or span) number and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LineError {
    pub line: u64,
    pub reason: String,
}

/// A parsed body: the valid exchanges, in order, and the rejects.
#[derive(Debug, Default)]
pub struct Parsed {
    pub exchanges: Vec<Exchange>,
    pub errors: Vec<LineError>,
}

/// Parses an NDJSON body of canonical records. Blank lines are skipped.
pub fn parse_ndjson(body: &[u8]) -> Parsed {
    let mut parsed = Parsed::default();
    for (index, line) in body.split(|&b| b == b'\n').enumerate() {
        for result in parse_line(line, None) {
            match result {
                Ok(exchange) => parsed.exchanges.push(exchange),
                Err(reason) => parsed.errors.push(LineError {
                    line: index as u64 + 1,
                    reason: reason.to_string(),
                }),
            }
        }
    }
    parsed
}

/// The mapping OTLP bodies are read with.
pub fn otlp_mapping() -> Result<Mapping, LiveError> {
    Mapping::builtin("otel-genai").map_err(|e| LiveError::Config(e.to_string()))
}

/// Parses an OTLP/HTTP JSON body (`{"resourceSpans": [...]}`). A body that is not a
/// JSON object is a [`LiveError::BadRequest`]; a bad span is a [`LineError`] numbered by
/// its position among the spans.
pub fn parse_otlp(body: &[u8], mapping: &Mapping) -> Result<Parsed, LiveError> {
    let root: serde_json::Value = serde_json::from_slice(body)
        .map_err(|e| LiveError::BadRequest(format!("body is not JSON: {e}")))?;
    if !root.is_object() {
        return Err(LiveError::BadRequest(
            "body must be an OTLP JSON object with resourceSpans".into(),
        ));
    }
    if root.get("resourceSpans").is_none() {
        // An export with no spans at all is valid OTLP.
        return Ok(Parsed::default());
    }
    let mut parsed = Parsed::default();
    for (index, result) in mapping.records_from_value(&root).into_iter().enumerate() {
        match result {
            Ok(exchange) => parsed.exchanges.push(exchange),
            Err(reason) => parsed.errors.push(LineError {
                line: index as u64 + 1,
                reason: reason.to_string(),
            }),
        }
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_lines_are_numbered_and_good_ones_kept() {
        let body = b"{\"ts\":1,\"account_id\":\"a\"}\nnot json\n\n{\"ts\":2}\n{\"ts\":3,\"account_id\":\"b\"}";
        let parsed = parse_ndjson(body);
        assert_eq!(parsed.exchanges.len(), 2);
        let lines: Vec<u64> = parsed.errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, vec![2, 4]);
    }

    #[test]
    fn otlp_spans_become_exchanges() {
        let body = serde_json::json!({"resourceSpans": [{
            "resource": {"attributes": [{"key": "enduser.id", "value": {"stringValue": "acct-9"}}]},
            "scopeSpans": [{"spans": [{
                "traceId": "t", "spanId": "s1", "name": "chat",
                "startTimeUnixNano": "1700000000000000000",
                "endTimeUnixNano": "1700000001000000000",
                "attributes": [
                    {"key": "gen_ai.request.model", "value": {"stringValue": "m-1"}},
                    {"key": "gen_ai.operation.name", "value": {"stringValue": "chat"}}
                ]
            }]}]
        }]});
        let mapping = otlp_mapping().expect("mapping");
        let parsed = parse_otlp(body.to_string().as_bytes(), &mapping).expect("parsed");
        assert_eq!(parsed.errors, vec![]);
        assert_eq!(parsed.exchanges.len(), 1);
        assert_eq!(parsed.exchanges[0].account_id, "acct-9");
        assert_eq!(parsed.exchanges[0].model.as_deref(), Some("m-1"));
        assert!(parse_otlp(b"[1]", &mapping).is_err());
    }
}
