//! Timestamps: UTC milliseconds since the Unix epoch, parsed from either form the
//! input contract allows (RFC 3339 string or integer epoch milliseconds).
//!
//! The core never reads a clock; every time it needs is one of these, passed in.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Deserializer, Serializer};

/// UTC milliseconds since 1970-01-01T00:00:00Z.
pub type Millis = i64;

pub const SECOND: Millis = 1_000;
pub const MINUTE: Millis = 60 * SECOND;
pub const HOUR: Millis = 60 * MINUTE;
pub const DAY: Millis = 24 * HOUR;

/// Why a timestamp could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimeError {
    #[error(
        "timestamp {0:?} is not RFC 3339 (for example 2026-01-31T12:00:00Z) nor epoch milliseconds"
    )]
    NotATimestamp(String),
    #[error("timestamp {0} is out of range")]
    OutOfRange(String),
}

/// Parses an RFC 3339 string (`2026-01-31T12:00:00Z`, any offset) or a string of
/// digits holding epoch milliseconds.
pub fn parse_timestamp(text: &str) -> Result<Millis, TimeError> {
    let trimmed = text.trim();
    if !trimmed.is_empty() && trimmed.bytes().all(|b| b.is_ascii_digit()) {
        return trimmed
            .parse::<i64>()
            .map_err(|_| TimeError::OutOfRange(trimmed.to_string()));
    }
    DateTime::parse_from_rfc3339(trimmed)
        .map(|dt| dt.timestamp_millis())
        .map_err(|_| TimeError::NotATimestamp(trimmed.to_string()))
}

/// Formats as RFC 3339 with millisecond precision and a `Z` suffix.
pub fn format_timestamp(ms: Millis) -> String {
    match DateTime::<Utc>::from_timestamp_millis(ms) {
        Some(dt) => dt.to_rfc3339_opts(SecondsFormat::Millis, true),
        None => ms.to_string(),
    }
}

/// The hour of day (0..24, UTC) of a timestamp.
pub fn hour_of_day(ms: Millis) -> u32 {
    (ms.rem_euclid(DAY) / HOUR) as u32
}

/// Serde helpers: read either form, write RFC 3339.
pub mod serde_ts {
    use super::*;

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Either {
        Int(i64),
        Text(String),
    }

    pub fn serialize<S: Serializer>(ms: &Millis, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format_timestamp(*ms))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Millis, D::Error> {
        match Either::deserialize(d)? {
            Either::Int(ms) => Ok(ms),
            Either::Text(text) => parse_timestamp(&text).map_err(serde::de::Error::custom),
        }
    }
}

/// Serde helpers for `Option<Millis>`: read either form, write RFC 3339.
pub mod serde_ts_opt {
    use super::*;

    pub fn serialize<S: Serializer>(ms: &Option<Millis>, s: S) -> Result<S::Ok, S::Error> {
        match ms {
            Some(ms) => s.serialize_str(&format_timestamp(*ms)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Millis>, D::Error> {
        #[derive(Deserialize)]
        struct Wrap(#[serde(with = "super::serde_ts")] Millis);
        Ok(Option::<Wrap>::deserialize(d)?.map(|Wrap(ms)| ms))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_both_forms_to_the_same_instant() {
        let a = parse_timestamp("2026-01-31T12:00:00Z").expect("rfc3339");
        let b = parse_timestamp("2026-01-31T13:00:00+01:00").expect("offset");
        let c = parse_timestamp(&a.to_string()).expect("digits");
        assert_eq!(a, b);
        assert_eq!(a, c);
        assert_eq!(format_timestamp(a), "2026-01-31T12:00:00.000Z");
        assert_eq!(hour_of_day(a), 12);
    }

    #[test]
    fn rejects_garbage_with_the_text() {
        let err = parse_timestamp("yesterday").expect_err("not a timestamp");
        assert!(err.to_string().contains("yesterday"));
    }
}
