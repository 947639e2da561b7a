//! Reading an API request body: the facts a decision and an exchange record need.
//!
//! Tolerant by design: a field of an unexpected type is treated as absent, never an
//! error (the upstream API is the judge of validity; the gateway only refuses bodies
//! that are not JSON at all).

use distillguard_model::check::PendingRequest;
use serde_json::Value;

use crate::dialect::Dialect;

/// Most characters of prompt and system text kept per exchange.
pub const MAX_TEXT_CHARS: usize = 8_192;

/// What the gateway reads from a request.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RequestFacts {
    pub model: Option<String>,
    pub prompt: Option<String>,
    pub system: Option<String>,
    pub turns: Option<u32>,
    pub max_tokens: Option<u64>,
    pub thinking: Option<bool>,
    pub logprobs: Option<u32>,
    pub tools: Option<u32>,
    pub tool_names: Vec<String>,
    pub images: Option<u32>,
    pub stream: bool,
}

impl RequestFacts {
    pub fn pending(&self, dialect: Dialect) -> PendingRequest {
        PendingRequest {
            model: self.model.clone(),
            endpoint: Some(dialect.endpoint().to_string()),
            prompt: self.prompt.clone(),
            thinking: self.thinking,
            logprobs: self.logprobs,
            max_tokens: self.max_tokens,
        }
    }
}

fn truncate(mut text: String) -> String {
    if let Some((cut, _)) = text.char_indices().nth(MAX_TEXT_CHARS) {
        text.truncate(cut);
    }
    text
}

fn non_empty(parts: Vec<String>) -> Option<String> {
    let joined = parts.join("\n");
    if joined.is_empty() {
        None
    } else {
        Some(truncate(joined))
    }
}

/// Text parts and image count of a message `content` (string or array of parts).
fn content_text(content: &Value, texts: &mut Vec<String>, images: &mut u32) {
    match content {
        Value::String(text) => texts.push(text.clone()),
        Value::Array(parts) => {
            for part in parts {
                let kind = part.get("type").and_then(Value::as_str).unwrap_or("");
                match kind {
                    "text" | "input_text" => {
                        if let Some(text) = part.get("text").and_then(Value::as_str) {
                            texts.push(text.to_string());
                        }
                    }
                    "image" | "image_url" | "input_image" => *images += 1,
                    _ => {}
                }
            }
        }
        _ => {}
    }
}

fn u64_field(body: &Value, names: &[&str]) -> Option<u64> {
    names
        .iter()
        .find_map(|name| body.get(*name).and_then(Value::as_u64))
}

fn tool_names(tools: &[Value]) -> Vec<String> {
    tools
        .iter()
        .filter_map(|tool| {
            tool.get("name")
                .or_else(|| tool.get("function").and_then(|f| f.get("name")))
                .or_else(|| tool.get("type"))
                .and_then(Value::as_str)
                .map(str::to_string)
        })
        .collect()
}

/// Reads the facts of a request body in the given dialect.
pub fn facts(dialect: Dialect, body: &Value) -> RequestFacts {
    let mut facts = RequestFacts {
        model: body
            .get("model")
            .and_then(Value::as_str)
            .map(str::to_string),
        stream: body.get("stream").and_then(Value::as_bool).unwrap_or(false),
        ..RequestFacts::default()
    };
    if let Some(tools) = body.get("tools").and_then(Value::as_array) {
        facts.tools = Some(tools.len() as u32);
        facts.tool_names = tool_names(tools);
    }
    let mut user_texts = Vec::new();
    let mut system_texts = Vec::new();
    let mut images = 0u32;
    match dialect {
        Dialect::Anthropic => {
            facts.max_tokens = u64_field(body, &["max_tokens"]);
            let thinking_type = body
                .get("thinking")
                .and_then(|t| t.get("type"))
                .and_then(Value::as_str);
            facts.thinking = Some(matches!(thinking_type, Some("enabled" | "adaptive")));
            if let Some(system) = body.get("system") {
                content_text(system, &mut system_texts, &mut 0);
            }
            if let Some(messages) = body.get("messages").and_then(Value::as_array) {
                facts.turns = Some(messages.len() as u32);
                for message in messages {
                    if message.get("role").and_then(Value::as_str) == Some("user") {
                        if let Some(content) = message.get("content") {
                            content_text(content, &mut user_texts, &mut images);
                        }
                    }
                }
            }
        }
        Dialect::ChatCompletions => {
            facts.max_tokens = u64_field(body, &["max_completion_tokens", "max_tokens"]);
            let effort = body.get("reasoning_effort").and_then(Value::as_str);
            facts.thinking = Some(effort.is_some_and(|e| e != "none" && e != "minimal"));
            let wants_logprobs = body
                .get("logprobs")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            let top = u64_field(body, &["top_logprobs"]).unwrap_or(0) as u32;
            facts.logprobs = wants_logprobs.then_some(top.max(1));
            if let Some(messages) = body.get("messages").and_then(Value::as_array) {
                facts.turns = Some(messages.len() as u32);
                for message in messages {
                    let role = message.get("role").and_then(Value::as_str).unwrap_or("");
                    let Some(content) = message.get("content") else {
                        continue;
                    };
                    match role {
                        "user" => content_text(content, &mut user_texts, &mut images),
                        "system" | "developer" => content_text(content, &mut system_texts, &mut 0),
                        _ => {}
                    }
                }
            }
        }
        Dialect::Responses => {
            facts.max_tokens = u64_field(body, &["max_output_tokens"]);
            let effort = body
                .get("reasoning")
                .and_then(|r| r.get("effort"))
                .and_then(Value::as_str);
            facts.thinking = Some(effort.is_some_and(|e| e != "none" && e != "minimal"));
            let top = u64_field(body, &["top_logprobs"]).unwrap_or(0) as u32;
            facts.logprobs = (top > 0).then_some(top);
            if let Some(instructions) = body.get("instructions").and_then(Value::as_str) {
                system_texts.push(instructions.to_string());
            }
            match body.get("input") {
                Some(Value::String(text)) => {
                    facts.turns = Some(1);
                    user_texts.push(text.clone());
                }
                Some(Value::Array(items)) => {
                    facts.turns = Some(items.len() as u32);
                    for item in items {
                        let role = item.get("role").and_then(Value::as_str).unwrap_or("");
                        let Some(content) = item.get("content") else {
                            continue;
                        };
                        match role {
                            "user" => content_text(content, &mut user_texts, &mut images),
                            "system" | "developer" => {
                                content_text(content, &mut system_texts, &mut 0)
                            }
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
    }
    facts.prompt = non_empty(user_texts);
    facts.system = non_empty(system_texts);
    facts.images = (images > 0).then_some(images);
    facts
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn anthropic_request() {
        let body = json!({
            "model": "m", "max_tokens": 100, "stream": true,
            "system": [{"type": "text", "text": "be brief"}],
            "thinking": {"type": "enabled", "budget_tokens": 2000},
            "messages": [
                {"role": "user", "content": [{"type": "text", "text": "hi"}, {"type": "image", "source": {}}]},
                {"role": "assistant", "content": "hello"},
                {"role": "user", "content": "more"}
            ],
            "tools": [{"name": "search", "input_schema": {}}]
        });
        let f = facts(Dialect::Anthropic, &body);
        assert_eq!(f.prompt.as_deref(), Some("hi\nmore"));
        assert_eq!(f.system.as_deref(), Some("be brief"));
        assert_eq!(
            (f.turns, f.max_tokens, f.thinking, f.images),
            (Some(3), Some(100), Some(true), Some(1))
        );
        assert_eq!(f.tool_names, vec!["search"]);
        assert!(f.stream);
    }

    #[test]
    fn openai_requests() {
        let chat = json!({"model": "g", "logprobs": true, "top_logprobs": 5, "max_completion_tokens": 9,
            "messages": [{"role": "developer", "content": "sys"}, {"role": "user", "content": "q"}],
            "tools": [{"type": "function", "function": {"name": "f"}}]});
        let f = facts(Dialect::ChatCompletions, &chat);
        assert_eq!(
            (f.logprobs, f.max_tokens, f.turns),
            (Some(5), Some(9), Some(2))
        );
        assert_eq!(
            (f.prompt.as_deref(), f.system.as_deref()),
            (Some("q"), Some("sys"))
        );
        assert_eq!(f.tool_names, vec!["f"]);

        let responses = json!({"model": "o", "input": "why", "instructions": "sys",
            "reasoning": {"effort": "high"}, "top_logprobs": 3});
        let f = facts(Dialect::Responses, &responses);
        assert_eq!(
            (f.thinking, f.logprobs, f.prompt.as_deref()),
            (Some(true), Some(3), Some("why"))
        );
    }

    #[test]
    fn odd_types_are_absent_not_errors() {
        let f = facts(
            Dialect::Anthropic,
            &json!({"model": 3, "messages": "x", "max_tokens": "many"}),
        );
        assert_eq!(f.model, None);
        assert_eq!(f.turns, None);
        assert_eq!(f.max_tokens, None);
    }
}
