//! Applying [`Countermeasures`] to a request before it goes upstream, through each
//! API's own means. (Watermarking acts on the response: [`crate::response`],
//! [`crate::sse`].)
//!
//! - **Reasoning.** Anthropic: `thinking.display` is set to `"summarized"` (summarize)
//!   or `"omitted"` (omit) on `enabled`/`adaptive` thinking; the API then returns
//!   summarised or empty thinking blocks with valid signatures, so multi-turn
//!   conversations keep working. OpenAI Responses: `reasoning.summary` becomes
//!   `"concise"` (summarize) or is removed (omit); the Responses API never returns raw
//!   reasoning. Chat Completions exposes no reasoning text: nothing to change.
//! - **Log-probabilities.** `max_top_logprobs = n > 0`: `top_logprobs` is capped to `n`
//!   silently (the response has fewer alternatives per token, still valid for the SDKs).
//!   `n = 0`: a request that asks for log-probabilities is refused with 400
//!   `invalid_request_error` in the API's shape (Anthropic's API has none: no change).

use distillguard_model::check::{Countermeasures, ReasoningPolicy};
use serde_json::{json, Value};

use crate::dialect::Dialect;
use crate::error::GatewayError;

/// Changes the request body in place; `Err` when the request must be refused.
/// Returns whether anything changed.
pub fn apply(
    dialect: Dialect,
    measures: &Countermeasures,
    body: &mut Value,
) -> Result<bool, GatewayError> {
    let mut changed = reasoning(dialect, measures.reasoning, body);
    if let Some(max) = measures.max_top_logprobs {
        changed |= logprobs(dialect, max, body)?;
    }
    Ok(changed)
}

fn reasoning(dialect: Dialect, policy: ReasoningPolicy, body: &mut Value) -> bool {
    if policy == ReasoningPolicy::Full {
        return false;
    }
    match dialect {
        Dialect::Anthropic => {
            let Some(thinking) = body.get_mut("thinking").and_then(Value::as_object_mut) else {
                return false;
            };
            let active = matches!(
                thinking.get("type").and_then(Value::as_str),
                Some("enabled" | "adaptive")
            );
            if !active {
                return false;
            }
            let current = thinking.get("display").and_then(Value::as_str);
            let wanted = match (policy, current) {
                (ReasoningPolicy::Summarize, Some("omitted")) => return false,
                (ReasoningPolicy::Summarize, _) => "summarized",
                _ => "omitted",
            };
            if current == Some(wanted) {
                return false;
            }
            thinking.insert("display".into(), json!(wanted));
            true
        }
        Dialect::Responses => {
            let Some(reasoning) = body.get_mut("reasoning").and_then(Value::as_object_mut) else {
                return false;
            };
            let current = reasoning
                .get("summary")
                .and_then(Value::as_str)
                .map(str::to_string);
            match (policy, current.as_deref()) {
                (_, None) => false,
                (ReasoningPolicy::Summarize, Some("concise")) => false,
                (ReasoningPolicy::Summarize, Some(_)) => {
                    reasoning.insert("summary".into(), json!("concise"));
                    true
                }
                _ => {
                    reasoning.remove("summary");
                    true
                }
            }
        }
        Dialect::ChatCompletions => false,
    }
}

fn refuse_logprobs() -> GatewayError {
    GatewayError::InvalidRequest(
        "log-probabilities are not available for this account; send the request without \
         logprobs/top_logprobs"
            .to_string(),
    )
}

fn cap_top_logprobs(body: &mut Value, max: u32) -> bool {
    let Some(top) = body.get("top_logprobs").and_then(Value::as_u64) else {
        return false;
    };
    if top <= u64::from(max) {
        return false;
    }
    body["top_logprobs"] = json!(max);
    true
}

fn logprobs(dialect: Dialect, max: u32, body: &mut Value) -> Result<bool, GatewayError> {
    match dialect {
        Dialect::Anthropic => Ok(false),
        Dialect::ChatCompletions => {
            let asked = body
                .get("logprobs")
                .and_then(Value::as_bool)
                .unwrap_or(false)
                || body
                    .get("top_logprobs")
                    .and_then(Value::as_u64)
                    .unwrap_or(0)
                    > 0;
            if !asked {
                return Ok(false);
            }
            if max == 0 {
                return Err(refuse_logprobs());
            }
            Ok(cap_top_logprobs(body, max))
        }
        Dialect::Responses => {
            let included = body
                .get("include")
                .and_then(Value::as_array)
                .is_some_and(|items| {
                    items
                        .iter()
                        .any(|i| i.as_str() == Some("message.output_text.logprobs"))
                });
            let asked = included
                || body
                    .get("top_logprobs")
                    .and_then(Value::as_u64)
                    .unwrap_or(0)
                    > 0;
            if !asked {
                return Ok(false);
            }
            if max == 0 {
                return Err(refuse_logprobs());
            }
            Ok(cap_top_logprobs(body, max))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn measures(reasoning: ReasoningPolicy, max: Option<u32>) -> Countermeasures {
        Countermeasures {
            reasoning,
            max_top_logprobs: max,
            watermark: false,
        }
    }

    #[test]
    fn anthropic_thinking_display() {
        let mut body = json!({"thinking": {"type": "enabled", "budget_tokens": 1024}});
        assert_eq!(
            apply(
                Dialect::Anthropic,
                &measures(ReasoningPolicy::Summarize, None),
                &mut body
            ),
            Ok(true)
        );
        assert_eq!(body["thinking"]["display"], "summarized");
        assert_eq!(body["thinking"]["budget_tokens"], 1024);
        apply(
            Dialect::Anthropic,
            &measures(ReasoningPolicy::Omit, None),
            &mut body,
        )
        .expect("ok");
        assert_eq!(body["thinking"]["display"], "omitted");
        // Summarize never widens an omitted display; disabled thinking is left alone.
        assert_eq!(
            apply(
                Dialect::Anthropic,
                &measures(ReasoningPolicy::Summarize, None),
                &mut body
            ),
            Ok(false)
        );
        let mut off = json!({"thinking": {"type": "disabled"}});
        assert_eq!(
            apply(
                Dialect::Anthropic,
                &measures(ReasoningPolicy::Omit, None),
                &mut off
            ),
            Ok(false)
        );
    }

    #[test]
    fn responses_reasoning_summary() {
        let mut body = json!({"reasoning": {"effort": "high", "summary": "detailed"}});
        apply(
            Dialect::Responses,
            &measures(ReasoningPolicy::Summarize, None),
            &mut body,
        )
        .expect("ok");
        assert_eq!(body["reasoning"]["summary"], "concise");
        apply(
            Dialect::Responses,
            &measures(ReasoningPolicy::Omit, None),
            &mut body,
        )
        .expect("ok");
        assert!(body["reasoning"].get("summary").is_none());
        assert_eq!(body["reasoning"]["effort"], "high");
    }

    #[test]
    fn logprobs_capped_or_refused() {
        let mut chat = json!({"logprobs": true, "top_logprobs": 20});
        assert_eq!(
            apply(
                Dialect::ChatCompletions,
                &measures(ReasoningPolicy::Full, Some(2)),
                &mut chat
            ),
            Ok(true)
        );
        assert_eq!(chat["top_logprobs"], 2);
        let err = apply(
            Dialect::ChatCompletions,
            &measures(ReasoningPolicy::Full, Some(0)),
            &mut chat,
        );
        assert!(matches!(err, Err(GatewayError::InvalidRequest(_))));
        let mut plain = json!({"messages": []});
        assert_eq!(
            apply(
                Dialect::ChatCompletions,
                &measures(ReasoningPolicy::Full, Some(0)),
                &mut plain
            ),
            Ok(false)
        );
        let mut responses =
            json!({"top_logprobs": 10, "include": ["message.output_text.logprobs"]});
        apply(
            Dialect::Responses,
            &measures(ReasoningPolicy::Full, Some(3)),
            &mut responses,
        )
        .expect("ok");
        assert_eq!(responses["top_logprobs"], 3);
    }
}
