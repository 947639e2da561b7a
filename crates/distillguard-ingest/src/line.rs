//! One line → exchanges. Pure: no I/O, no state; the live service can call it per request.
//!
//! In: the bytes of one line (without its newline) and the mapping, if any. Out: one
//! result per record in the line: canonical lines hold one record; a mapping with a
//! `records` path (an OTLP export) may expand one line into several.

use distillguard_model::Exchange;
use serde_json::Value;

use crate::canonical::{message_without_position, parse_canonical};
use crate::error::RejectReason;
use crate::mapping::Mapping;

/// The default cap on a line's length (1 MiB).
pub const DEFAULT_MAX_LINE_BYTES: usize = 1 << 20;

/// Parses one line of a JSON-lines log. Each record gives an [`Exchange`] or the reason
/// it was rejected; a blank line gives nothing. With `mapping` `None` the line must use
/// the canonical field names (the fast path). Lines longer than
/// [`DEFAULT_MAX_LINE_BYTES`] are rejected.
pub fn parse_line(line: &[u8], mapping: Option<&Mapping>) -> Vec<Result<Exchange, RejectReason>> {
    let mut out = Vec::with_capacity(1);
    parse_line_into(line, mapping, DEFAULT_MAX_LINE_BYTES, &mut out);
    out
}

/// Whether the line holds nothing but whitespace.
pub(crate) fn is_blank(line: &[u8]) -> bool {
    line.iter().all(u8::is_ascii_whitespace)
}

/// [`parse_line`] with a given cap, appending to `out`.
pub(crate) fn parse_line_into(
    line: &[u8],
    mapping: Option<&Mapping>,
    max_line_bytes: usize,
    out: &mut Vec<Result<Exchange, RejectReason>>,
) {
    if line.len() > max_line_bytes {
        out.push(Err(RejectReason::LineTooLong {
            max_bytes: max_line_bytes,
        }));
        return;
    }
    if is_blank(line) {
        return;
    }
    let Ok(text) = std::str::from_utf8(line) else {
        out.push(Err(RejectReason::InvalidUtf8));
        return;
    };
    match mapping {
        None => out.push(parse_canonical(text)),
        Some(mapping) => match serde_json::from_str::<Value>(text) {
            Ok(root) => mapping.apply(&root, out),
            Err(e) => out.push(Err(RejectReason::NotJson(message_without_position(&e)))),
        },
    }
}

/// A whole JSON document (a `.json` file): one record, an array of records, or, with a
/// mapping that has a `records` path, what that path expands.
pub(crate) fn parse_document(
    bytes: &[u8],
    mapping: Option<&Mapping>,
    out: &mut Vec<Result<Exchange, RejectReason>>,
) {
    let Ok(text) = std::str::from_utf8(bytes) else {
        out.push(Err(RejectReason::InvalidUtf8));
        return;
    };
    let root: Value = match serde_json::from_str(text) {
        Ok(root) => root,
        Err(e) => {
            out.push(Err(RejectReason::NotJson(message_without_position(&e))));
            return;
        }
    };
    let canonical;
    let mapping = match mapping {
        Some(m) => m,
        None => {
            canonical = Mapping::canonical();
            &canonical
        }
    };
    match &root {
        Value::Array(items) if !mapping.has_records_path() => {
            for item in items {
                mapping.apply(item, out);
            }
        }
        _ => mapping.apply(&root, out),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_lines_give_nothing_and_garbage_is_rejected() {
        assert!(parse_line(b"  \r", None).is_empty());
        assert!(matches!(
            parse_line(b"not json", None).as_slice(),
            [Err(RejectReason::NotJson(_))]
        ));
        assert!(matches!(
            parse_line(b"{\"ts\":1,\"account_id\":\"\xff\"}", None).as_slice(),
            [Err(RejectReason::InvalidUtf8)]
        ));
        let long = vec![b' '; DEFAULT_MAX_LINE_BYTES + 1];
        assert!(matches!(
            parse_line(&long, None).as_slice(),
            [Err(RejectReason::LineTooLong { .. })]
        ));
    }

    #[test]
    fn crlf_lines_parse() {
        let out = parse_line(b"{\"ts\":5,\"account_id\":\"a\"}\r", None);
        assert!(matches!(out.as_slice(), [Ok(ex)] if ex.ts == 5));
    }
}
