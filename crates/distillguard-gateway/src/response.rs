//! Reading and marking a whole (non-streaming) response body, and the token counts of
//! every API's usage block (also found in streamed events, see [`crate::sse`]).

use serde_json::Value;

use crate::dialect::Dialect;
use crate::watermark::{mark, WatermarkKey};

/// Token counts from a response's usage block.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    pub input_tokens: Option<u64>,
    pub output_tokens: Option<u64>,
    pub reasoning_tokens: Option<u64>,
}

impl Usage {
    /// Fills the counts a `usage` object has (both APIs' names), keeping the others.
    pub fn absorb(&mut self, usage: &Value) {
        let get = |names: &[&str]| {
            names
                .iter()
                .find_map(|n| usage.get(*n).and_then(Value::as_u64))
        };
        if let Some(input) = get(&["input_tokens", "prompt_tokens"]) {
            self.input_tokens = Some(input);
        }
        if let Some(output) = get(&["output_tokens", "completion_tokens"]) {
            self.output_tokens = Some(output);
        }
        let details = usage
            .get("output_tokens_details")
            .or_else(|| usage.get("completion_tokens_details"));
        if let Some(reasoning) = details
            .and_then(|d| d.get("reasoning_tokens"))
            .and_then(Value::as_u64)
        {
            self.reasoning_tokens = Some(reasoning);
        }
    }

    /// The usage block of a whole response body.
    pub fn of_body(body: &Value) -> Usage {
        let mut usage = Usage::default();
        if let Some(block) = body.get("usage") {
            usage.absorb(block);
        }
        usage
    }
}

/// Marks every output text of a whole response object; returns how many texts changed.
///
/// Anthropic: `content[].text` of `text` blocks (never thinking blocks, whose
/// signatures cover them). Chat Completions: `choices[].message.content`. Responses:
/// `output[]` message items' `output_text` parts.
pub fn mark_body(
    dialect: Dialect,
    body: &mut Value,
    key: &WatermarkKey,
    account_id: &str,
) -> usize {
    let mut changed = 0;
    let mut mark_text = |slot: &mut Value| {
        if let Some(text) = slot.as_str() {
            let marked = mark(key, account_id, text);
            if marked != text {
                *slot = Value::String(marked);
                changed += 1;
            }
        }
    };
    match dialect {
        Dialect::Anthropic => {
            for block in body
                .get_mut("content")
                .and_then(Value::as_array_mut)
                .into_iter()
                .flatten()
            {
                if block.get("type").and_then(Value::as_str) == Some("text") {
                    if let Some(text) = block.get_mut("text") {
                        mark_text(text);
                    }
                }
            }
        }
        Dialect::ChatCompletions => {
            for choice in body
                .get_mut("choices")
                .and_then(Value::as_array_mut)
                .into_iter()
                .flatten()
            {
                if let Some(content) = choice.get_mut("message").and_then(|m| m.get_mut("content"))
                {
                    mark_text(content);
                }
            }
        }
        Dialect::Responses => {
            for item in body
                .get_mut("output")
                .and_then(Value::as_array_mut)
                .into_iter()
                .flatten()
            {
                if item.get("type").and_then(Value::as_str) != Some("message") {
                    continue;
                }
                for part in item
                    .get_mut("content")
                    .and_then(Value::as_array_mut)
                    .into_iter()
                    .flatten()
                {
                    if part.get("type").and_then(Value::as_str) == Some("output_text") {
                        if let Some(text) = part.get_mut("text") {
                            mark_text(text);
                        }
                    }
                }
            }
        }
    }
    changed
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn usage_names_of_both_apis() {
        let anthropic = Usage::of_body(&json!({"usage": {"input_tokens": 3, "output_tokens": 7}}));
        assert_eq!(
            (anthropic.input_tokens, anthropic.output_tokens),
            (Some(3), Some(7))
        );
        let chat = Usage::of_body(
            &json!({"usage": {"prompt_tokens": 1, "completion_tokens": 2,
            "completion_tokens_details": {"reasoning_tokens": 1}}}),
        );
        assert_eq!(
            chat,
            Usage {
                input_tokens: Some(1),
                output_tokens: Some(2),
                reasoning_tokens: Some(1)
            }
        );
    }

    #[test]
    fn marks_text_not_thinking() {
        let key = WatermarkKey::new(b"0123456789abcdef0123").expect("key");
        let text = "It is a big and simple plan, maybe the main one, and often quick.";
        let mut body = json!({"content": [
            {"type": "thinking", "thinking": text, "signature": "sig"},
            {"type": "text", "text": text}
        ]});
        // Some account marks it differently from the plain text.
        let account = (0..50)
            .map(|i| format!("a{i}"))
            .find(|a| mark(&key, a, text) != text)
            .expect("one differs");
        assert_eq!(mark_body(Dialect::Anthropic, &mut body, &key, &account), 1);
        assert_eq!(body["content"][0]["thinking"], text);
        assert_eq!(body["content"][1]["text"], mark(&key, &account, text));
    }
}
