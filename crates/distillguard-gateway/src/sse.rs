//! Server-sent events: cutting a byte stream into events, reading usage from them, and
//! marking streamed output text.
//!
//! [`Splitter`] cuts arbitrary chunks into whole events (an event ends at a blank line).
//! [`Rewriter`] marks text deltas with a [`StreamMarker`] per output block, so that a word
//! split across deltas is marked as a whole: the marker holds back a partial word and
//! the rewriter sends what is held back as one more delta just before the block ends
//! (Anthropic `content_block_stop`, Chat Completions `finish_reason`/`[DONE]`, Responses
//! `response.output_text.done`). Events carrying full texts (`*.done`,
//! `response.completed`) get [`crate::watermark::mark`] of their text, which equals the
//! concatenated marked deltas. Events it does not touch are passed on byte for byte.
//! Responses' `sequence_number`s are renumbered after an inserted event.

use std::collections::HashMap;

use serde_json::{json, Value};

use crate::dialect::Dialect;
use crate::response::{mark_body, Usage};
use crate::watermark::{mark, StreamMarker, WatermarkKey};

/// Cuts a byte stream into whole SSE events (each returned with its terminator).
#[derive(Debug, Default)]
pub struct Splitter {
    pending: Vec<u8>,
}

fn event_end(bytes: &[u8]) -> Option<usize> {
    let mut i = 0;
    while i + 1 < bytes.len() {
        if bytes[i] == b'\n' && bytes[i + 1] == b'\n' {
            return Some(i + 2);
        }
        if bytes[i] == b'\n' && bytes[i + 1] == b'\r' && bytes.get(i + 2) == Some(&b'\n') {
            return Some(i + 3);
        }
        i += 1;
    }
    None
}

impl Splitter {
    /// Adds bytes; returns the events they complete.
    pub fn push(&mut self, chunk: &[u8]) -> Vec<Vec<u8>> {
        self.pending.extend_from_slice(chunk);
        let mut events = Vec::new();
        while let Some(end) = event_end(&self.pending) {
            let rest = self.pending.split_off(end);
            events.push(std::mem::replace(&mut self.pending, rest));
        }
        events
    }

    /// Whatever is left (an unterminated last event).
    pub fn take_rest(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.pending)
    }
}

/// The `event:` name and joined `data:` of one raw event.
pub fn parse_event(raw: &[u8]) -> (Option<String>, String) {
    let text = String::from_utf8_lossy(raw);
    let mut name = None;
    let mut data = Vec::new();
    for line in text.lines() {
        if let Some(value) = line.strip_prefix("event:") {
            name = Some(value.trim_start().to_string());
        } else if let Some(value) = line.strip_prefix("data:") {
            data.push(value.strip_prefix(' ').unwrap_or(value).to_string());
        }
    }
    (name, data.join("\n"))
}

fn write_event(name: Option<&str>, data: &Value, out: &mut Vec<u8>) {
    if let Some(name) = name {
        out.extend_from_slice(b"event: ");
        out.extend_from_slice(name.as_bytes());
        out.push(b'\n');
    }
    out.extend_from_slice(b"data: ");
    out.extend_from_slice(serde_json::to_string(data).unwrap_or_default().as_bytes());
    out.extend_from_slice(b"\n\n");
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Reads the usage block out of any event that has one.
pub fn absorb_usage(dialect: Dialect, raw: &[u8], usage: &mut Usage) {
    if !contains(raw, b"usage") {
        return;
    }
    let (_, data) = parse_event(raw);
    let Ok(value) = serde_json::from_str::<Value>(&data) else {
        return;
    };
    let block = match dialect {
        Dialect::Anthropic => value
            .get("message")
            .and_then(|m| m.get("usage"))
            .or_else(|| value.get("usage")),
        Dialect::ChatCompletions => value.get("usage"),
        Dialect::Responses => value.get("response").and_then(|r| r.get("usage")),
    };
    if let Some(block) = block.filter(|b| b.is_object()) {
        usage.absorb(block);
    }
}

/// Marks the output text of a streamed response.
pub struct Rewriter {
    dialect: Dialect,
    key: WatermarkKey,
    account_id: String,
    markers: HashMap<String, StreamMarker>,
    /// Responses: events inserted so far (added to later `sequence_number`s).
    inserted: u64,
    /// Chat Completions: the last chunk, to build a closing chunk from.
    last_chunk: Option<Value>,
    pub usage: Usage,
}

impl Rewriter {
    pub fn new(dialect: Dialect, key: WatermarkKey, account_id: &str) -> Rewriter {
        Rewriter {
            dialect,
            key,
            account_id: account_id.to_string(),
            markers: HashMap::new(),
            inserted: 0,
            last_chunk: None,
            usage: Usage::default(),
        }
    }

    fn marker(&mut self, block: String) -> &mut StreamMarker {
        let (key, account) = (&self.key, &self.account_id);
        self.markers
            .entry(block)
            .or_insert_with(|| StreamMarker::new(key, account))
    }

    fn finish_block(&mut self, block: &str) -> String {
        self.markers
            .remove(block)
            .map(|mut marker| marker.finish())
            .unwrap_or_default()
    }

    /// Rewrites one whole event into `out`.
    pub fn event(&mut self, raw: &[u8], out: &mut Vec<u8>) {
        absorb_usage(self.dialect, raw, &mut self.usage);
        let (name, data) = parse_event(raw);
        if self.dialect == Dialect::ChatCompletions && data.trim() == "[DONE]" {
            self.close_chat_blocks(out);
            out.extend_from_slice(raw);
            return;
        }
        let Ok(mut value) = serde_json::from_str::<Value>(&data) else {
            out.extend_from_slice(raw);
            return;
        };
        let changed = match self.dialect {
            Dialect::Anthropic => self.anthropic(&mut value, out),
            Dialect::ChatCompletions => self.chat(&mut value, out),
            Dialect::Responses => self.responses(&mut value, out),
        };
        if changed {
            write_event(name.as_deref(), &value, out);
        } else {
            out.extend_from_slice(raw);
        }
    }

    /// Ends the stream: an unterminated last event passes through as it is.
    pub fn finish(&mut self, rest: &[u8], out: &mut Vec<u8>) {
        if self.dialect == Dialect::ChatCompletions {
            self.close_chat_blocks(out);
        }
        out.extend_from_slice(rest);
    }

    fn anthropic(&mut self, value: &mut Value, out: &mut Vec<u8>) -> bool {
        let kind = value.get("type").and_then(Value::as_str).unwrap_or("");
        let index = value.get("index").and_then(Value::as_u64).unwrap_or(0);
        let block = index.to_string();
        match kind {
            "content_block_start" => {
                let is_text = value
                    .get("content_block")
                    .and_then(|b| b.get("type"))
                    .and_then(Value::as_str)
                    == Some("text");
                if !is_text {
                    return false;
                }
                let marker = self.marker(block);
                let Some(text) = value.pointer_mut("/content_block/text") else {
                    return false;
                };
                let original = text.as_str().unwrap_or("").to_string();
                let marked = marker.push(&original);
                if marked == original {
                    return false;
                }
                *text = Value::String(marked);
                true
            }
            "content_block_delta" => {
                let is_text =
                    value.pointer("/delta/type").and_then(Value::as_str) == Some("text_delta");
                if !is_text {
                    return false;
                }
                let marker = self.marker(block);
                let Some(text) = value.pointer_mut("/delta/text") else {
                    return false;
                };
                let original = text.as_str().unwrap_or("").to_string();
                let marked = marker.push(&original);
                if marked == original {
                    return false;
                }
                *text = Value::String(marked);
                true
            }
            "content_block_stop" => {
                let tail = self.finish_block(&block);
                if !tail.is_empty() {
                    let delta = json!({"type": "content_block_delta", "index": index,
                        "delta": {"type": "text_delta", "text": tail}});
                    write_event(Some("content_block_delta"), &delta, out);
                }
                false
            }
            _ => false,
        }
    }

    fn chat(&mut self, value: &mut Value, out: &mut Vec<u8>) -> bool {
        let mut changed = false;
        let mut closing = Vec::new();
        for choice in value
            .get_mut("choices")
            .and_then(Value::as_array_mut)
            .into_iter()
            .flatten()
        {
            let index = choice.get("index").and_then(Value::as_u64).unwrap_or(0);
            let block = index.to_string();
            if let Some(content) = choice.pointer_mut("/delta/content") {
                if let Some(original) = content.as_str().map(str::to_string) {
                    let marked = self
                        .markers
                        .entry(block.clone())
                        .or_insert_with(|| StreamMarker::new(&self.key, &self.account_id))
                        .push(&original);
                    if marked != original {
                        *content = Value::String(marked);
                        changed = true;
                    }
                }
            }
            let finished = choice.get("finish_reason").is_some_and(|r| !r.is_null());
            if finished {
                closing.push(index);
            }
        }
        self.last_chunk = Some(value.clone());
        for index in closing {
            let tail = self.finish_block(&index.to_string());
            if !tail.is_empty() {
                self.write_chat_tail(index, tail, out);
            }
        }
        changed
    }

    fn write_chat_tail(&self, index: u64, tail: String, out: &mut Vec<u8>) {
        let mut chunk = self
            .last_chunk
            .clone()
            .unwrap_or_else(|| json!({"object": "chat.completion.chunk"}));
        if let Some(object) = chunk.as_object_mut() {
            object.remove("usage");
            object.insert(
                "choices".into(),
                json!([{"index": index, "delta": {"content": tail}, "finish_reason": null, "logprobs": null}]),
            );
        }
        write_event(None, &chunk, out);
    }

    fn close_chat_blocks(&mut self, out: &mut Vec<u8>) {
        let mut open: Vec<String> = self.markers.keys().cloned().collect();
        open.sort();
        for block in open {
            let tail = self.finish_block(&block);
            if !tail.is_empty() {
                self.write_chat_tail(block.parse().unwrap_or(0), tail, out);
            }
        }
    }

    fn responses(&mut self, value: &mut Value, out: &mut Vec<u8>) -> bool {
        let mut changed = false;
        if self.inserted > 0 {
            if let Some(seq) = value.get("sequence_number").and_then(Value::as_u64) {
                value["sequence_number"] = json!(seq + self.inserted);
                changed = true;
            }
        }
        let kind = value
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let block = format!(
            "{}/{}",
            value.get("item_id").and_then(Value::as_str).unwrap_or(""),
            value
                .get("content_index")
                .and_then(Value::as_u64)
                .unwrap_or(0)
        );
        match kind.as_str() {
            "response.output_text.delta" => {
                let marker = self.marker(block);
                if let Some(delta) = value.get_mut("delta") {
                    let original = delta.as_str().unwrap_or("").to_string();
                    let marked = marker.push(&original);
                    if marked != original {
                        *delta = Value::String(marked);
                        changed = true;
                    }
                }
            }
            "response.output_text.done" => {
                let tail = self.finish_block(&block);
                if !tail.is_empty() {
                    let mut delta = json!({"type": "response.output_text.delta",
                        "item_id": value.get("item_id"), "output_index": value.get("output_index"),
                        "content_index": value.get("content_index"), "delta": tail, "logprobs": []});
                    if let Some(seq) = value.get("sequence_number").and_then(Value::as_u64) {
                        delta["sequence_number"] = json!(seq);
                        value["sequence_number"] = json!(seq + 1);
                        changed = true;
                    }
                    write_event(Some("response.output_text.delta"), &delta, out);
                    self.inserted += 1;
                }
                changed |= self.mark_slot(value.get_mut("text"));
            }
            "response.content_part.done" | "response.content_part.added"
                if value.pointer("/part/type").and_then(Value::as_str) == Some("output_text") =>
            {
                changed |= self.mark_slot(value.pointer_mut("/part/text"));
            }
            "response.output_item.done" | "response.output_item.added" => {
                if let Some(item) = value.get_mut("item") {
                    let mut wrapper = json!({"output": [item.take()]});
                    changed |= mark_body(
                        Dialect::Responses,
                        &mut wrapper,
                        &self.key,
                        &self.account_id,
                    ) > 0;
                    if let Some(back) = wrapper.get_mut("output").and_then(|o| o.get_mut(0)) {
                        *item = back.take();
                    }
                }
            }
            "response.completed" | "response.incomplete" | "response.failed" => {
                if let Some(response) = value.get_mut("response") {
                    changed |=
                        mark_body(Dialect::Responses, response, &self.key, &self.account_id) > 0;
                }
            }
            _ => {}
        }
        changed
    }

    fn mark_slot(&self, slot: Option<&mut Value>) -> bool {
        let Some(slot) = slot else { return false };
        let Some(text) = slot.as_str() else {
            return false;
        };
        let marked = mark(&self.key, &self.account_id, text);
        if marked == text {
            return false;
        }
        *slot = Value::String(marked);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitter_handles_any_cut() {
        let stream = b"event: a\ndata: {\"x\":1}\n\nevent: b\r\ndata: 2\r\n\r\ndata: 3\n\n";
        for cut in 0..stream.len() {
            let mut splitter = Splitter::default();
            let mut events = splitter.push(&stream[..cut]);
            events.extend(splitter.push(&stream[cut..]));
            assert_eq!(events.len(), 3, "cut {cut}");
            assert_eq!(parse_event(&events[1]), (Some("b".into()), "2".into()));
        }
    }
}
