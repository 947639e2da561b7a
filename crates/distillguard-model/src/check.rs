//! The `/v1/check` contract: what a gateway asks before forwarding a request, and the
//! action the detection service answers with.
//!
//! Shared by the live service (which answers) and the gateway (which asks, in process or
//! over HTTP), so both speak one vocabulary. JSON field names are the wire format of
//! `POST /v1/check`.
//!
//! ```
//! use distillguard_model::check::{Action, CheckResponse};
//! let r = CheckResponse::allow("acct-1");
//! assert_eq!(r.action, Action::Allow);
//! assert!(r.countermeasures.is_none());
//! ```

use serde::{Deserialize, Serialize};

use crate::verdict::Verdict;

/// A gateway's question: may this account send this request, and how?
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CheckRequest {
    pub account_id: String,
    /// The request about to be sent, if the caller has it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<PendingRequest>,
}

/// The parts of a pending request that a decision may depend on.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PendingRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// `messages`, `chat.completions`, `responses`, ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
    /// Text of the user turns (may be truncated by the caller).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompt: Option<String>,
    /// Extended thinking / reasoning output requested.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thinking: Option<bool>,
    /// Top log-probabilities requested per output token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logprobs: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_tokens: Option<u64>,
}

/// What to do with the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Forward unchanged.
    Allow,
    /// Forward with the [`Countermeasures`] applied.
    Degrade,
    /// Refuse for now (HTTP 429 with `retry-after`).
    Throttle,
    /// Refuse (HTTP 403, not retryable).
    Block,
    /// Refuse until the account completes a verification step (named in `reasons`).
    Verify,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Allow => "allow",
            Action::Degrade => "degrade",
            Action::Throttle => "throttle",
            Action::Block => "block",
            Action::Verify => "verify",
        }
    }
}

/// How a reasoning trace may be returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReasoningPolicy {
    /// As the upstream returns it.
    #[default]
    Full,
    /// A summary instead of the full trace (through the upstream API's own means).
    Summarize,
    /// No reasoning text at all.
    Omit,
}

/// Output changes that make responses less useful for distillation.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Countermeasures {
    #[serde(default)]
    pub reasoning: ReasoningPolicy,
    /// Most `top_logprobs` allowed (0: refuse log-probabilities); `None`: unchanged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_top_logprobs: Option<u32>,
    /// Mark the output text with the account's watermark.
    #[serde(default)]
    pub watermark: bool,
}

/// Where the decision came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DecisionSource {
    /// The account is unknown or has no verdict yet: default policy.
    Default,
    /// The engine's verdict mapped through the policy.
    Verdict,
    /// An analyst's action (block, allow-list, confirm, dismiss).
    Analyst,
}

/// The answer to a [`CheckRequest`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckResponse {
    pub account_id: String,
    pub action: Action,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub countermeasures: Option<Countermeasures>,
    /// Seconds before retrying, for [`Action::Throttle`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_s: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verdict: Option<Verdict>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    /// Short human-readable reasons (top evidence, analyst note, policy rule).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<String>,
    pub source: DecisionSource,
}

impl CheckResponse {
    /// Forward unchanged, by default policy.
    pub fn allow(account_id: &str) -> CheckResponse {
        CheckResponse {
            account_id: account_id.to_string(),
            action: Action::Allow,
            countermeasures: None,
            retry_after_s: None,
            verdict: None,
            score: None,
            reasons: Vec::new(),
            source: DecisionSource::Default,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_are_snake_case() {
        let r = CheckResponse {
            action: Action::Degrade,
            countermeasures: Some(Countermeasures {
                reasoning: ReasoningPolicy::Summarize,
                max_top_logprobs: Some(0),
                watermark: true,
            }),
            source: DecisionSource::Verdict,
            ..CheckResponse::allow("a")
        };
        let json = serde_json::to_value(&r).expect("serialises");
        assert_eq!(json["action"], "degrade");
        assert_eq!(json["countermeasures"]["reasoning"], "summarize");
        assert_eq!(json["source"], "verdict");
        let back: CheckResponse = serde_json::from_value(json).expect("round trip");
        assert_eq!(back, r);
    }
}
