//! [`PolicyDecider`]: decisions from a static file mapping account ids to actions.
//!
//! TOML (or JSON with the same structure), versioned, unknown fields refused:
//! ```toml
//! version = 1
//! default = "allow"              # for accounts not listed (default: allow)
//!
//! [[rule]]
//! accounts = ["key-3f2a9c0d11e4b7a2", "acct-17"]
//! action = "degrade"             # allow | degrade | throttle | block | verify
//! reasoning = "omit"             # degrade: full | summarize | omit
//! max_top_logprobs = 0           # degrade: cap (0 refuses log-probabilities)
//! watermark = true               # degrade: mark output text
//! reason = "manual list: ticket 4411"
//!
//! [[rule]]
//! accounts = ["acct-99"]
//! action = "throttle"
//! retry_after_s = 60
//! ```
//! An account listed twice is an error. Records are counted and dropped (a policy file
//! has nowhere to send them).

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use distillguard_model::check::{
    Action, CheckRequest, CheckResponse, Countermeasures, DecisionSource, ReasoningPolicy,
};
use distillguard_model::Exchange;
use serde::Deserialize;

use super::{BoxFuture, DecideError, Decider};
use crate::metrics::Metrics;

/// Seconds to wait suggested to throttled clients when a rule gives none.
pub const DEFAULT_RETRY_AFTER_S: u64 = 30;

/// The file as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPolicy {
    pub version: u32,
    #[serde(default)]
    pub default: Option<Action>,
    #[serde(default)]
    pub rule: Vec<RawRule>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRule {
    pub accounts: Vec<String>,
    pub action: Action,
    #[serde(default)]
    pub reasoning: Option<ReasoningPolicy>,
    #[serde(default)]
    pub max_top_logprobs: Option<u32>,
    #[serde(default)]
    pub watermark: Option<bool>,
    #[serde(default)]
    pub retry_after_s: Option<u64>,
    #[serde(default)]
    pub reason: Option<String>,
}

/// Why a policy file is unusable.
#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    #[error("{path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: {reason}")]
    Parse { path: String, reason: String },
    #[error("policy: {0}")]
    Invalid(String),
}

/// Account id → the answer to give.
#[derive(Debug, Clone)]
pub struct Policy {
    default: Action,
    answers: HashMap<String, CheckResponse>,
}

impl RawPolicy {
    pub fn validate(self) -> Result<Policy, PolicyError> {
        if self.version != 1 {
            return Err(PolicyError::Invalid(format!(
                "version {} is not supported (this gateway reads version 1)",
                self.version
            )));
        }
        let default = self.default.unwrap_or(Action::Allow);
        if default == Action::Degrade {
            return Err(PolicyError::Invalid(
                "default = \"degrade\" needs countermeasures: list accounts in a [[rule]] instead"
                    .into(),
            ));
        }
        let mut answers = HashMap::new();
        for (index, rule) in self.rule.into_iter().enumerate() {
            let degrading = rule.action == Action::Degrade;
            let has_measures = rule.reasoning.is_some()
                || rule.max_top_logprobs.is_some()
                || rule.watermark.is_some();
            if has_measures && !degrading {
                return Err(PolicyError::Invalid(format!(
                    "rule {}: reasoning/max_top_logprobs/watermark apply to action = \"degrade\" only",
                    index + 1
                )));
            }
            let countermeasures = degrading.then(|| Countermeasures {
                reasoning: rule.reasoning.unwrap_or_default(),
                max_top_logprobs: rule.max_top_logprobs,
                watermark: rule.watermark.unwrap_or(false),
            });
            for account in rule.accounts {
                let answer = CheckResponse {
                    account_id: account.clone(),
                    action: rule.action,
                    countermeasures: countermeasures.clone(),
                    retry_after_s: (rule.action == Action::Throttle)
                        .then(|| rule.retry_after_s.unwrap_or(DEFAULT_RETRY_AFTER_S)),
                    verdict: None,
                    score: None,
                    reasons: rule.reason.iter().cloned().collect(),
                    source: DecisionSource::Analyst,
                };
                if answers.insert(account.clone(), answer).is_some() {
                    return Err(PolicyError::Invalid(format!(
                        "account {account:?} is listed twice"
                    )));
                }
            }
        }
        Ok(Policy { default, answers })
    }
}

impl Policy {
    /// Reads a policy file: JSON if it ends in `.json`, TOML otherwise.
    pub fn load(path: &Path) -> Result<Policy, PolicyError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| PolicyError::Read {
            path: shown.clone(),
            source,
        })?;
        let raw: RawPolicy = if path.extension().is_some_and(|e| e == "json") {
            serde_json::from_str(&text).map_err(|e| PolicyError::Parse {
                path: shown,
                reason: e.to_string(),
            })?
        } else {
            toml::from_str(&text).map_err(|e| PolicyError::Parse {
                path: shown,
                reason: e.to_string(),
            })?
        };
        raw.validate()
    }

    /// The answer for an account.
    pub fn answer(&self, account_id: &str) -> CheckResponse {
        if let Some(answer) = self.answers.get(account_id) {
            return answer.clone();
        }
        CheckResponse {
            action: self.default,
            retry_after_s: (self.default == Action::Throttle).then_some(DEFAULT_RETRY_AFTER_S),
            ..CheckResponse::allow(account_id)
        }
    }

    pub fn len(&self) -> usize {
        self.answers.len()
    }

    pub fn is_empty(&self) -> bool {
        self.answers.is_empty()
    }
}

/// Answers from a [`Policy`].
pub struct PolicyDecider {
    policy: Policy,
    metrics: Arc<Metrics>,
}

impl PolicyDecider {
    pub fn new(policy: Policy, metrics: Arc<Metrics>) -> PolicyDecider {
        PolicyDecider { policy, metrics }
    }
}

impl Decider for PolicyDecider {
    fn check<'a>(
        &'a self,
        request: &'a CheckRequest,
    ) -> BoxFuture<'a, Result<CheckResponse, DecideError>> {
        Box::pin(std::future::ready(Ok(self
            .policy
            .answer(&request.account_id))))
    }

    fn record(&self, _exchange: Exchange) {
        self.metrics.inc(|m| &m.records_dropped);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Policy, PolicyError> {
        toml::from_str::<RawPolicy>(text)
            .map_err(|e| PolicyError::Parse {
                path: "t".into(),
                reason: e.to_string(),
            })?
            .validate()
    }

    #[test]
    fn rules_and_default() {
        let policy = parse(
            r#"version = 1
default = "allow"
[[rule]]
accounts = ["a", "b"]
action = "degrade"
reasoning = "omit"
max_top_logprobs = 2
watermark = true
[[rule]]
accounts = ["t"]
action = "throttle"
"#,
        )
        .expect("valid");
        let a = policy.answer("a");
        assert_eq!(a.action, Action::Degrade);
        assert_eq!(
            a.countermeasures.as_ref().map(|c| c.max_top_logprobs),
            Some(Some(2))
        );
        assert_eq!(
            policy.answer("t").retry_after_s,
            Some(DEFAULT_RETRY_AFTER_S)
        );
        assert_eq!(policy.answer("zzz").action, Action::Allow);
    }

    #[test]
    fn refuses_mistakes() {
        assert!(parse("version = 2").is_err());
        assert!(parse("version = 1\nunknown = 3").is_err());
        assert!(
            parse("version = 1\n[[rule]]\naccounts=[\"a\"]\naction=\"block\"\nwatermark=true")
                .is_err()
        );
        assert!(parse("version = 1\n[[rule]]\naccounts=[\"a\"]\naction=\"block\"\n[[rule]]\naccounts=[\"a\"]\naction=\"allow\"").is_err());
    }
}
