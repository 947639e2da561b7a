//! The fast path: a record with the canonical field names of `events.md`, straight from
//! JSON text into an [`Exchange`].
//!
//! In: one line of text (already checked to be UTF-8). Out: an [`Exchange`] or a
//! [`RejectReason`]. A hand-written serde visitor matches keys borrowed from the input
//! and deserialises each known field into its final type, so the only allocations are
//! the owned strings of the `Exchange` itself (and the `extra` map for unknown fields).
//!
//! Leniency, the same as the mapped path ([`crate::mapping`]): integers may come as
//! integral JSON numbers or digit strings, strings may come as integers, `null` and `""`
//! are absent, an `ip` that does not parse is kept in `extra["ip"]` rather than lost.

use std::fmt;
use std::marker::PhantomData;
use std::net::IpAddr;

use distillguard_model::time::parse_timestamp;
use distillguard_model::{Exchange, Millis};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde::Deserialize;

use crate::error::RejectReason;

/// Parses one canonical record. `line` must be a single JSON object.
pub(crate) fn parse_canonical(line: &str) -> Result<Exchange, RejectReason> {
    let mut bad_field: Option<&'static str> = None;
    let mut deserializer = serde_json::Deserializer::from_str(line);
    let parsed = RecordSeed {
        bad_field: &mut bad_field,
    }
    .deserialize(&mut deserializer)
    .and_then(|record| deserializer.end().map(|()| record));
    match parsed {
        Ok(record) => record.finish(),
        Err(err) => Err(match bad_field {
            Some(field) => RejectReason::BadField {
                field: field.to_string(),
                message: message_without_position(&err),
            },
            None => RejectReason::NotJson(message_without_position(&err)),
        }),
    }
}

/// serde_json appends " at line L column C"; for a one-line record that is noise.
pub(crate) fn message_without_position(err: &serde_json::Error) -> String {
    let text = err.to_string();
    match text.rfind(" at line ") {
        Some(cut) => text[..cut].to_string(),
        None => text,
    }
}

/// An [`Exchange`] whose required fields may still be missing.
struct Record {
    ts: Option<Millis>,
    account_id: Option<String>,
    exchange: Exchange,
}

impl Record {
    fn finish(self) -> Result<Exchange, RejectReason> {
        let Some(ts) = self.ts else {
            return Err(RejectReason::Missing("ts"));
        };
        let account_id = match self.account_id {
            Some(id) if !id.is_empty() => id,
            _ => return Err(RejectReason::Missing("account_id")),
        };
        Ok(Exchange {
            ts,
            account_id,
            ..self.exchange
        })
    }
}

struct RecordSeed<'a> {
    bad_field: &'a mut Option<&'static str>,
}

impl<'de> DeserializeSeed<'de> for RecordSeed<'_> {
    type Value = Record;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Record, D::Error> {
        deserializer.deserialize_map(self)
    }
}

/// Reads the next value of a known field, noting the field's name if it fails.
fn field<'de, A, T>(
    map: &mut A,
    name: &'static str,
    bad_field: &mut Option<&'static str>,
) -> Result<T, A::Error>
where
    A: MapAccess<'de>,
    T: Deserialize<'de>,
{
    map.next_value::<T>()
        .inspect_err(|_| *bad_field = Some(name))
}

impl<'de> Visitor<'de> for RecordSeed<'_> {
    type Value = Record;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object (one exchange record)")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Record, A::Error> {
        let bad = self.bad_field;
        let mut ts: Option<Millis> = None;
        let mut account_id: Option<String> = None;
        let mut ex = Exchange::default();
        while let Some(key) = map.next_key::<Key<'de>>()? {
            let key = key.0;
            match &*key {
                "ts" => ts = field::<_, Ts>(&mut map, "ts", bad)?.0,
                "account_id" => account_id = text(&mut map, "account_id", bad)?,
                "request_id" => ex.request_id = text(&mut map, "request_id", bad)?,
                "org_id" => ex.org_id = text(&mut map, "org_id", bad)?,
                "api_key_id" => ex.api_key_id = text(&mut map, "api_key_id", bad)?,
                "ip" => {
                    // Borrowed from the line when it has no escapes: parsed, not kept.
                    let raw = field::<_, Option<Key<'de>>>(&mut map, "ip", bad)?;
                    if let Some(Key(raw)) = raw {
                        match parse_ip(&raw) {
                            Some(ip) => ex.ip = Some(ip),
                            None if raw.is_empty() => {}
                            None => {
                                ex.extra.insert(
                                    "ip".to_string(),
                                    serde_json::Value::String(raw.into_owned()),
                                );
                            }
                        }
                    }
                }
                "asn" => ex.asn = int(&mut map, "asn", bad)?,
                "country" => ex.country = text(&mut map, "country", bad)?,
                "user_agent" => ex.user_agent = text(&mut map, "user_agent", bad)?,
                "model" => ex.model = text(&mut map, "model", bad)?,
                "endpoint" => ex.endpoint = text(&mut map, "endpoint", bad)?,
                "prompt" => ex.prompt = text(&mut map, "prompt", bad)?,
                "system" => ex.system = text(&mut map, "system", bad)?,
                "turns" => ex.turns = int(&mut map, "turns", bad)?,
                "input_tokens" => ex.input_tokens = int(&mut map, "input_tokens", bad)?,
                "output_tokens" => ex.output_tokens = int(&mut map, "output_tokens", bad)?,
                "max_tokens" => ex.max_tokens = int(&mut map, "max_tokens", bad)?,
                "thinking" => ex.thinking = flag(&mut map, "thinking", bad)?,
                "tools" => ex.tools = int(&mut map, "tools", bad)?,
                "tool_names" => {
                    ex.tool_names = field::<_, Option<Vec<Text>>>(&mut map, "tool_names", bad)?
                        .unwrap_or_default()
                        .into_iter()
                        .map(|t| t.0)
                        .collect();
                }
                "images" => ex.images = int(&mut map, "images", bad)?,
                "logprobs" => ex.logprobs = int(&mut map, "logprobs", bad)?,
                "reasoning_tokens" => {
                    ex.reasoning_tokens = int(&mut map, "reasoning_tokens", bad)?;
                }
                "stream" => ex.stream = flag(&mut map, "stream", bad)?,
                "status" => ex.status = int(&mut map, "status", bad)?,
                "latency_ms" => ex.latency_ms = int(&mut map, "latency_ms", bad)?,
                "account_created" => {
                    ex.account_created = field::<_, Ts>(&mut map, "account_created", bad)?.0;
                }
                "account_type" => ex.account_type = text(&mut map, "account_type", bad)?,
                "payment_fp" => ex.payment_fp = text(&mut map, "payment_fp", bad)?,
                other => {
                    let value: serde_json::Value = map.next_value()?;
                    ex.extra.insert(other.to_string(), value);
                }
            }
        }
        Ok(Record {
            ts,
            account_id,
            exchange: ex,
        })
    }
}

fn text<'de, A: MapAccess<'de>>(
    map: &mut A,
    name: &'static str,
    bad: &mut Option<&'static str>,
) -> Result<Option<String>, A::Error> {
    Ok(field::<_, Option<Text>>(map, name, bad)?
        .map(|t| t.0)
        .filter(|t| !t.is_empty()))
}

fn int<'de, A: MapAccess<'de>, T: TryFrom<u64>>(
    map: &mut A,
    name: &'static str,
    bad: &mut Option<&'static str>,
) -> Result<Option<T>, A::Error> {
    match field::<_, Option<Int>>(map, name, bad)? {
        None => Ok(None),
        Some(Int(n)) => match T::try_from(n) {
            Ok(v) => Ok(Some(v)),
            Err(_) => {
                *bad = Some(name);
                Err(de::Error::custom(format!("{n} is out of range")))
            }
        },
    }
}

fn flag<'de, A: MapAccess<'de>>(
    map: &mut A,
    name: &'static str,
    bad: &mut Option<&'static str>,
) -> Result<Option<bool>, A::Error> {
    Ok(field::<_, Option<Flag>>(map, name, bad)?.map(|f| f.0))
}

/// Reads an IP address as logs write it: bare, or with a port (`1.2.3.4:443`,
/// `[::1]:443`).
pub(crate) fn parse_ip(raw: &str) -> Option<IpAddr> {
    let raw = raw.trim();
    if let Ok(ip) = raw.parse::<IpAddr>() {
        return Some(ip);
    }
    if let Ok(sock) = raw.parse::<std::net::SocketAddr>() {
        return Some(sock.ip());
    }
    None
}

/// An object key or a string read only to be parsed, borrowed from the input when it
/// has no escapes; integers are accepted and written out in decimal (as [`Text`] does).
struct Key<'de>(std::borrow::Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor<'de>(PhantomData<&'de ()>);
        impl<'de> Visitor<'de> for KeyVisitor<'de> {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a field name")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Owned(v.to_string())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Owned(v)))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Owned(v.to_string())))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Owned(v.to_string())))
            }
        }
        deserializer.deserialize_any(KeyVisitor(PhantomData))
    }
}

/// A string field; integers are accepted and written out in decimal.
struct Text(String);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextVisitor;
        impl Visitor<'_> for TextVisitor {
            type Value = Text;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Text, E> {
                Ok(Text(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
        }
        deserializer.deserialize_any(TextVisitor)
    }
}

/// A non-negative integer: a JSON integer, an integral float, or a string of digits.
struct Int(u64);

impl<'de> Deserialize<'de> for Int {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct IntVisitor;
        impl Visitor<'_> for IntVisitor {
            type Value = Int;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a non-negative integer")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Int, E> {
                Ok(Int(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Int, E> {
                u64::try_from(v)
                    .map(Int)
                    .map_err(|_| E::invalid_value(de::Unexpected::Signed(v), &self))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Int, E> {
                float_to_u64(v)
                    .map(Int)
                    .ok_or_else(|| E::invalid_value(de::Unexpected::Float(v), &self))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Int, E> {
                v.trim()
                    .parse::<u64>()
                    .map(Int)
                    .map_err(|_| E::invalid_value(de::Unexpected::Str(v), &self))
            }
        }
        deserializer.deserialize_any(IntVisitor)
    }
}

/// An integral, non-negative, finite float as an integer.
pub(crate) fn float_to_u64(v: f64) -> Option<u64> {
    if v.is_finite() && v >= 0.0 && v.fract() == 0.0 && v < 18_446_744_073_709_551_616.0 {
        Some(v as u64)
    } else {
        None
    }
}

/// A boolean: `true`/`false`, or the strings `"true"`/`"false"`.
struct Flag(bool);

impl<'de> Deserialize<'de> for Flag {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FlagVisitor;
        impl Visitor<'_> for FlagVisitor {
            type Value = Flag;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a boolean")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Flag, E> {
                Ok(Flag(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Flag, E> {
                match v.trim() {
                    "true" | "True" | "TRUE" => Ok(Flag(true)),
                    "false" | "False" | "FALSE" => Ok(Flag(false)),
                    _ => Err(E::invalid_value(de::Unexpected::Str(v), &self)),
                }
            }
        }
        deserializer.deserialize_any(FlagVisitor)
    }
}

/// A timestamp as the contract allows it: RFC 3339 text or integer epoch milliseconds.
/// `null` and `""` read as absent.
struct Ts(Option<Millis>);

impl<'de> Deserialize<'de> for Ts {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TsVisitor;
        impl Visitor<'_> for TsVisitor {
            type Value = Ts;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an RFC 3339 timestamp or integer epoch milliseconds")
            }
            fn visit_unit<E: de::Error>(self) -> Result<Ts, E> {
                Ok(Ts(None))
            }
            fn visit_none<E: de::Error>(self) -> Result<Ts, E> {
                Ok(Ts(None))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Ts, E> {
                i64::try_from(v)
                    .map(|ms| Ts(Some(ms)))
                    .map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Ts, E> {
                Ok(Ts(Some(v)))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Ts, E> {
                if v.is_finite() && v.abs() < 9.0e18 {
                    Ok(Ts(Some(v as i64)))
                } else {
                    Err(E::invalid_value(de::Unexpected::Float(v), &self))
                }
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Ts, E> {
                if v.trim().is_empty() {
                    return Ok(Ts(None));
                }
                parse_timestamp(v).map(|ms| Ts(Some(ms))).map_err(E::custom)
            }
        }
        deserializer.deserialize_any(TsVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_canonical_field() {
        let line = r#"{"ts":"2026-02-01T00:00:00Z","account_id":"a1","request_id":"r1","org_id":"o1","api_key_id":"k1","ip":"10.0.0.1","asn":64500,"country":"DE","user_agent":"sdk/1","model":"m1","endpoint":"messages","prompt":"hi \"you\"","system":"be nice","turns":3,"input_tokens":10,"output_tokens":20,"max_tokens":100,"thinking":true,"tools":2,"tool_names":["a","b"],"images":1,"logprobs":5,"reasoning_tokens":7,"stream":false,"status":200,"latency_ms":900,"account_created":1700000000000,"account_type":"education","payment_fp":"pf","x":{"y":1}}"#;
        let ex = parse_canonical(line).expect("valid");
        let via_serde: Exchange = serde_json::from_str(line).expect("model parses it too");
        assert_eq!(ex, via_serde);
        assert_eq!(ex.prompt.as_deref(), Some("hi \"you\""));
        assert_eq!(ex.tool_names, vec!["a", "b"]);
        assert_eq!(ex.extra.get("x"), Some(&serde_json::json!({"y": 1})));
    }

    #[test]
    fn rejects_missing_required_fields() {
        for (line, field) in [
            (r#"{"account_id":"a"}"#, "ts"),
            (r#"{"ts":null,"account_id":"a"}"#, "ts"),
            (r#"{"ts":"","account_id":"a"}"#, "ts"),
            (r#"{"ts":1}"#, "account_id"),
            (r#"{"ts":1,"account_id":null}"#, "account_id"),
            (r#"{"ts":1,"account_id":""}"#, "account_id"),
        ] {
            assert_eq!(
                parse_canonical(line),
                Err(RejectReason::Missing(field)),
                "{line}"
            );
        }
    }

    #[test]
    fn wrong_types_name_the_field() {
        let err = parse_canonical(r#"{"ts":1,"account_id":"a","turns":"x"}"#).expect_err("bad");
        match err {
            RejectReason::BadField { field, message } => {
                assert_eq!(field, "turns");
                assert!(message.contains("\"x\""), "{message}");
            }
            other => panic!("unexpected {other:?}"),
        }
        let err = parse_canonical(r#"{"ts":"yesterday","account_id":"a"}"#).expect_err("bad");
        assert!(matches!(err, RejectReason::BadField { ref field, .. } if field == "ts"));
        let err = parse_canonical(r#"{"ts":1,"account_id":"a","status":70000}"#).expect_err("");
        assert!(matches!(err, RejectReason::BadField { ref field, .. } if field == "status"));
        assert!(matches!(
            parse_canonical("[1,2]"),
            Err(RejectReason::NotJson(_))
        ));
        assert!(matches!(
            parse_canonical(r#"{"ts":1,"account_id":"a"} x"#),
            Err(RejectReason::NotJson(_))
        ));
    }

    #[test]
    fn lenient_forms() {
        let ex = parse_canonical(
            r#"{"ts":"1769904000000","account_id":42,"turns":"3","input_tokens":12.0,"stream":"true","ip":"1.2.3.4:443"}"#,
        )
        .expect("lenient");
        assert_eq!(ex.ts, 1_769_904_000_000);
        assert_eq!(ex.account_id, "42");
        assert_eq!(ex.turns, Some(3));
        assert_eq!(ex.input_tokens, Some(12));
        assert_eq!(ex.stream, Some(true));
        assert_eq!(ex.ip, Some("1.2.3.4".parse().expect("ip")));
        let ex = parse_canonical(r#"{"ts":1,"account_id":"a","ip":"unknown"}"#).expect("kept");
        assert_eq!(ex.ip, None);
        assert_eq!(ex.extra.get("ip"), Some(&serde_json::json!("unknown")));
        // Escaped text is unescaped before parsing; a number is kept as its digits;
        // anything else is a bad field.
        let ex =
            parse_canonical(r#"{"ts":1,"account_id":"a","ip":"10.0.0.\u0031"}"#).expect("escaped");
        assert_eq!(ex.ip, Some("10.0.0.1".parse().expect("ip")));
        let ex = parse_canonical(r#"{"ts":1,"account_id":"a","ip":7}"#).expect("kept");
        assert_eq!(ex.ip, None);
        assert_eq!(ex.extra.get("ip"), Some(&serde_json::json!("7")));
        let err = parse_canonical(r#"{"ts":1,"account_id":"a","ip":[1]}"#).expect_err("array");
        assert!(
            matches!(&err, RejectReason::BadField { field, .. } if field == "ip"),
            "{err:?}"
        );
    }
}
