//! [`Exchange`]: one API request and its response, the unit every input path maps onto.
//!
//! The fields are the canonical ones of `shared/spec/events.md`; readers with other
//! field names map onto these (see the ingest crate's mapping configs). Everything
//! except `ts` and `account_id` is optional, because real logs omit things.

use std::net::IpAddr;

use serde::{Deserialize, Serialize};

use crate::time::{serde_ts, serde_ts_opt, Millis};

/// One request to the API and what it cost, as the API edge logged it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Exchange {
    /// When the request arrived.
    #[serde(with = "serde_ts")]
    pub ts: Millis,
    /// The billing account that made the call.
    pub account_id: String,
    /// Unique id; a repeated id is a duplicate delivery of the same exchange.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// Organisation that owns the account (several accounts may share one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_key_id: Option<String>,
    /// Client address as seen by the API edge.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip: Option<IpAddr>,
    /// Autonomous system of `ip`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub asn: Option<u32>,
    /// ISO 3166-1 alpha-2 geolocation of `ip`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_agent: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// e.g. `messages`, `chat.completions`, `responses`, `embeddings`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
    /// Text of the user turns of the request, possibly truncated by the log.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompt: Option<String>,
    /// System prompt text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system: Option<String>,
    /// Number of messages in the request, all roles.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub turns: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_tokens: Option<u64>,
    /// All output tokens billed, reasoning included; 0 or absent for failed requests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_tokens: Option<u64>,
    /// Output limit the client asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_tokens: Option<u64>,
    /// Extended thinking / reasoning output was requested.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thinking: Option<bool>,
    /// Number of tool definitions sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tools: Option<u32>,
    /// Names of the tools defined.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tool_names: Vec<String>,
    /// Number of image inputs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub images: Option<u32>,
    /// Top log-probabilities requested per output token (0 or absent: none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logprobs: Option<u32>,
    /// Reasoning / thinking tokens produced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reasoning_tokens: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stream: Option<bool>,
    /// HTTP status returned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency_ms: Option<u64>,
    /// When the account was created.
    #[serde(
        default,
        with = "serde_ts_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub account_created: Option<Millis>,
    /// Verification pathway: `individual`, `team`, `enterprise`, `education`,
    /// `research`, `startup`, or other.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_type: Option<String>,
    /// Opaque fingerprint of the payment instrument.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_fp: Option<String>,
    /// Fields the contract does not name, kept so that a view can show them.
    #[serde(flatten, default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl Exchange {
    /// A minimal exchange: the two required fields, everything else absent.
    pub fn new(ts: Millis, account_id: impl Into<String>) -> Self {
        Exchange {
            ts,
            account_id: account_id.into(),
            ..Exchange::default()
        }
    }

    /// The request failed (HTTP status 4xx/5xx); its output is not harvested.
    pub fn failed(&self) -> bool {
        self.status.is_some_and(|s| s >= 400)
    }

    /// Tokens of output the client received, reasoning included.
    pub fn output_tokens_or_zero(&self) -> u64 {
        self.output_tokens.unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_keeps_unknown_fields() {
        let line = r#"{"ts":"2026-02-01T00:00:00Z","account_id":"a1","ip":"10.0.0.1","thinking":true,"x_custom":{"k":1}}"#;
        let ex: Exchange = serde_json::from_str(line).expect("valid record");
        assert_eq!(ex.account_id, "a1");
        assert_eq!(ex.thinking, Some(true));
        assert_eq!(
            ex.extra.get("x_custom").and_then(|v| v.get("k")),
            Some(&serde_json::json!(1))
        );
        let back: Exchange =
            serde_json::from_str(&serde_json::to_string(&ex).expect("serialises")).expect("parses");
        assert_eq!(back, ex);
    }

    #[test]
    fn accepts_epoch_millis() {
        let ex: Exchange =
            serde_json::from_str(r#"{"ts":1769904000000,"account_id":"a1"}"#).expect("valid");
        assert_eq!(ex.ts, 1_769_904_000_000);
    }
}
