//! JSON paths of the mapping config: how a canonical field is found in a source record.
//!
//! Syntax (see `MAPPINGS.md`):
//! - `a.b.c`: object keys, separated by dots;
//! - `a[0]`: an array element; `a[*]`: every element (see below);
//! - `a["key.with.dots"]`: a key that contains dots or brackets;
//! - `attributes[key=gen_ai.request.model]`: the first element of an array of objects
//!   whose field `key` equals the text after `=` (OpenTelemetry attribute lists);
//! - a leading `$` resolves from the whole line instead of the record; each `[*]` in such
//!   a path stands for the index of the record being read at that level (so
//!   `$resourceSpans[*].resource` is the resource of the current span).
//!
//! In a record-relative path, `[*]` collects the values of every element into an array.
//! Where a path meets a string but needs an object or array, the string is parsed as
//! JSON (logs often store `metadata` or `messages` as JSON text). An OTLP `AnyValue`
//! object (`{"stringValue": ..}`, `{"intValue": ..}`, ...) at the end of a path is
//! unwrapped to its value.

use std::borrow::Cow;
use std::fmt;

use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Key(String),
    Index(usize),
    Each,
    Select { field: String, equals: String },
}

/// A parsed path. Built by [`JsonPath::parse`]; resolved against a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonPath {
    text: String,
    from_root: bool,
    segments: Vec<Segment>,
}

impl fmt::Display for JsonPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl JsonPath {
    /// Parses the path syntax above; the error says what is wrong and where.
    pub fn parse(text: &str) -> Result<JsonPath, String> {
        let original = text;
        let mut rest = text.trim();
        let from_root = if let Some(stripped) = rest.strip_prefix('$') {
            rest = stripped.strip_prefix('.').unwrap_or(stripped);
            true
        } else {
            false
        };
        let mut segments = Vec::new();
        let mut expect_key = true;
        while !rest.is_empty() {
            if let Some(inner) = rest.strip_prefix('[') {
                let (content, after) = split_bracket(inner)
                    .ok_or_else(|| format!("path {original:?}: unclosed '['"))?;
                segments
                    .push(parse_bracket(content).map_err(|e| format!("path {original:?}: {e}"))?);
                rest = after;
                expect_key = false;
            } else if let Some(after) = rest.strip_prefix('.') {
                if expect_key {
                    return Err(format!("path {original:?}: empty key"));
                }
                rest = after;
                expect_key = true;
            } else {
                if !expect_key {
                    return Err(format!(
                        "path {original:?}: expected '.' or '[' before {rest:?}"
                    ));
                }
                let end = rest.find(['.', '[']).unwrap_or(rest.len());
                if rest[..end].contains([']', '"']) {
                    return Err(format!(
                        "path {original:?}: unexpected ']' or '\"' in a key"
                    ));
                }
                segments.push(Segment::Key(rest[..end].to_string()));
                rest = &rest[end..];
                expect_key = false;
            }
        }
        if segments.is_empty() && !from_root {
            return Err(format!("path {original:?} is empty"));
        }
        if expect_key && !segments.is_empty() {
            return Err(format!("path {original:?} ends with '.'"));
        }
        Ok(JsonPath {
            text: original.trim().to_string(),
            from_root,
            segments,
        })
    }

    /// A path of one object key (which may contain dots).
    pub fn key(name: &str) -> JsonPath {
        JsonPath {
            text: format!("[{name:?}]"),
            from_root: false,
            segments: vec![Segment::Key(name.to_string())],
        }
    }

    /// The first object key of a record-relative path (used to find unmapped keys).
    pub(crate) fn first_key(&self) -> Option<&str> {
        match (self.from_root, self.segments.first()) {
            (false, Some(Segment::Key(k))) => Some(k),
            _ => None,
        }
    }

    /// Expands a records path (`resourceSpans[*].scopeSpans[*].spans[*]`) over a line:
    /// each record with the indices its `[*]` segments took.
    pub(crate) fn expand<'v>(&self, root: &'v Value) -> Vec<(Vec<usize>, &'v Value)> {
        let mut out = Vec::new();
        expand_into(&self.segments, root, &mut Vec::new(), &mut out);
        out
    }

    /// Whether the first key of this path exists in `root` (tells "not this format"
    /// apart from "no records in this document").
    pub(crate) fn first_key_present(&self, root: &Value) -> bool {
        match self.segments.first() {
            Some(Segment::Key(k)) => root.get(k).is_some(),
            _ => true,
        }
    }

    /// Resolves against a record. `root` is the whole line and `bindings` the indices of
    /// the record (for `$` paths). `None` where the path leads nowhere or to `null`.
    pub(crate) fn resolve<'v>(
        &self,
        record: &'v Value,
        root: &'v Value,
        bindings: &[usize],
    ) -> Option<Cow<'v, Value>> {
        let start = if self.from_root { root } else { record };
        let mut bound = bindings.iter();
        let found = resolve_from(
            Cow::Borrowed(start),
            &self.segments,
            self.from_root,
            &mut bound,
        )?;
        let found = unwrap_any_value(found);
        if found.is_null() {
            None
        } else {
            Some(found)
        }
    }
}

fn split_bracket(inner: &str) -> Option<(&str, &str)> {
    if let Some(quoted) = inner.strip_prefix('"') {
        let close = quoted.find('"')?;
        let after_quote = &quoted[close + 1..];
        let after = after_quote.strip_prefix(']')?;
        return Some((&inner[..close + 2], after));
    }
    let close = inner.find(']')?;
    Some((&inner[..close], &inner[close + 1..]))
}

fn parse_bracket(content: &str) -> Result<Segment, String> {
    if let Some(quoted) = content.strip_prefix('"').and_then(|c| c.strip_suffix('"')) {
        return Ok(Segment::Key(quoted.to_string()));
    }
    let content = content.trim();
    if content == "*" {
        return Ok(Segment::Each);
    }
    if let Some((field, equals)) = content.split_once('=') {
        let field = field.trim();
        if field.is_empty() {
            return Err(format!("[{content}]: empty field name before '='"));
        }
        let equals = equals.trim();
        let equals = equals
            .strip_prefix('"')
            .and_then(|e| e.strip_suffix('"'))
            .unwrap_or(equals);
        return Ok(Segment::Select {
            field: field.to_string(),
            equals: equals.to_string(),
        });
    }
    content
        .parse::<usize>()
        .map(Segment::Index)
        .map_err(|_| format!("[{content}] is not an index, '*', \"key\" or field=value"))
}

fn expand_into<'v>(
    segments: &[Segment],
    value: &'v Value,
    indices: &mut Vec<usize>,
    out: &mut Vec<(Vec<usize>, &'v Value)>,
) {
    let Some((first, rest)) = segments.split_first() else {
        out.push((indices.clone(), value));
        return;
    };
    match first {
        Segment::Each => {
            if let Value::Array(items) = value {
                for (i, item) in items.iter().enumerate() {
                    indices.push(i);
                    expand_into(rest, item, indices, out);
                    indices.pop();
                }
            }
        }
        other => {
            if let Some(child) = step_borrowed(value, other) {
                expand_into(rest, child, indices, out);
            }
        }
    }
}

fn step_borrowed<'v>(value: &'v Value, segment: &Segment) -> Option<&'v Value> {
    match (segment, value) {
        (Segment::Key(k), Value::Object(map)) => map.get(k),
        (Segment::Index(i), Value::Array(items)) => items.get(*i),
        (Segment::Select { field, equals }, Value::Array(items)) => {
            items.iter().find(|item| match item.get(field) {
                Some(Value::String(s)) => s == equals,
                Some(Value::Number(n)) => n.to_string() == *equals,
                _ => false,
            })
        }
        _ => None,
    }
}

/// Text that holds JSON (an object or array) where the path needs to go deeper.
fn decode_embedded(value: &Value) -> Option<Value> {
    match value {
        Value::String(s) => {
            let t = s.trim_start();
            if t.starts_with('{') || t.starts_with('[') {
                serde_json::from_str(s).ok()
            } else {
                None
            }
        }
        _ => None,
    }
}

fn resolve_from<'v>(
    current: Cow<'v, Value>,
    segments: &[Segment],
    bind_wildcards: bool,
    bindings: &mut std::slice::Iter<'_, usize>,
) -> Option<Cow<'v, Value>> {
    let Some((first, rest)) = segments.split_first() else {
        return Some(current);
    };
    let current = if current.is_string() {
        Cow::Owned(decode_embedded(&current)?)
    } else {
        current
    };
    match first {
        Segment::Each if bind_wildcards => {
            let index = *bindings.next()?;
            let child = match current {
                Cow::Borrowed(v) => Cow::Borrowed(v.as_array()?.get(index)?),
                Cow::Owned(v) => Cow::Owned(v.as_array()?.get(index)?.clone()),
            };
            resolve_from(child, rest, bind_wildcards, bindings)
        }
        Segment::Each => {
            let items = current.as_array()?;
            let mut collected = Vec::with_capacity(items.len());
            for item in items {
                // Each element resolves the rest on its own; wildcards nest.
                if let Some(found) = resolve_from(Cow::Borrowed(item), rest, false, bindings) {
                    let found = unwrap_any_value(found);
                    if !found.is_null() {
                        collected.push(found.into_owned());
                    }
                }
            }
            Some(Cow::Owned(Value::Array(collected)))
        }
        other => {
            let child = match current {
                Cow::Borrowed(v) => Cow::Borrowed(step_borrowed(v, other)?),
                Cow::Owned(v) => Cow::Owned(step_borrowed(&v, other)?.clone()),
            };
            resolve_from(child, rest, bind_wildcards, bindings)
        }
    }
}

/// OTLP/JSON wraps attribute values: `{"stringValue": "x"}`, `{"intValue": "12"}`,
/// `{"arrayValue": {"values": [..]}}`. Unwraps one such object to a plain value.
fn unwrap_any_value(value: Cow<'_, Value>) -> Cow<'_, Value> {
    let Some(map) = value.as_object() else {
        return value;
    };
    if map.len() != 1 {
        return value;
    }
    let Some((key, _)) = map.iter().next() else {
        return value;
    };
    let key = key.clone();
    match key.as_str() {
        "stringValue" | "intValue" | "doubleValue" | "boolValue" | "bytesValue" => match value {
            Cow::Borrowed(v) => v.get(&key).map_or(Cow::Borrowed(v), Cow::Borrowed),
            Cow::Owned(v) => match v {
                Value::Object(mut m) => m.remove(&key).map_or(Cow::Owned(Value::Null), Cow::Owned),
                other => Cow::Owned(other),
            },
        },
        "arrayValue" => {
            let values = value
                .get("arrayValue")
                .and_then(|a| a.get("values"))
                .and_then(Value::as_array)
                .map(|items| {
                    items
                        .iter()
                        .map(|item| unwrap_any_value(Cow::Borrowed(item)).into_owned())
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default();
            Cow::Owned(Value::Array(values))
        }
        _ => value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn get(path: &str, record: &Value) -> Option<Value> {
        JsonPath::parse(path)
            .expect("valid path")
            .resolve(record, record, &[])
            .map(Cow::into_owned)
    }

    #[test]
    fn keys_indices_selects_and_quotes() {
        let rec = json!({
            "usage": {"prompt_tokens": 12},
            "messages": [{"role": "system"}, {"role": "user", "content": "hi"}],
            "attributes": [
                {"key": "gen_ai.request.model", "value": {"stringValue": "m1"}},
                {"key": "gen_ai.usage.input_tokens", "value": {"intValue": "42"}}
            ],
            "flat": {"a.b": 1},
            "meta": "{\"user\": \"u1\"}"
        });
        assert_eq!(get("usage.prompt_tokens", &rec), Some(json!(12)));
        assert_eq!(get("messages[1].content", &rec), Some(json!("hi")));
        assert_eq!(
            get("messages[*].role", &rec),
            Some(json!(["system", "user"]))
        );
        assert_eq!(
            get("attributes[key=gen_ai.request.model].value", &rec),
            Some(json!("m1"))
        );
        assert_eq!(
            get("attributes[key=gen_ai.usage.input_tokens].value", &rec),
            Some(json!("42"))
        );
        assert_eq!(get("flat[\"a.b\"]", &rec), Some(json!(1)));
        assert_eq!(get("meta.user", &rec), Some(json!("u1")));
        assert_eq!(get("usage.missing", &rec), None);
        assert_eq!(get("messages[9]", &rec), None);
    }

    #[test]
    fn root_paths_bind_wildcards_to_the_record() {
        let doc = json!({"rs": [
            {"res": "r0", "spans": [{"id": "a"}, {"id": "b"}]},
            {"res": "r1", "spans": [{"id": "c"}]}
        ]});
        let records = JsonPath::parse("rs[*].spans[*]")
            .expect("path")
            .expand(&doc);
        let ids: Vec<_> = records.iter().map(|(_, v)| v["id"].clone()).collect();
        assert_eq!(ids, vec![json!("a"), json!("b"), json!("c")]);
        let res = JsonPath::parse("$rs[*].res").expect("path");
        let (bindings, record) = &records[2];
        assert_eq!(
            res.resolve(record, &doc, bindings).map(Cow::into_owned),
            Some(json!("r1"))
        );
    }

    #[test]
    fn bad_syntax_is_an_error() {
        for bad in ["", "a..b", "a[", "a[x y", "a.", "a[=b]", "a]b"] {
            assert!(JsonPath::parse(bad).is_err(), "{bad:?} should not parse");
        }
    }
}
