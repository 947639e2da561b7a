//! A stand-in upstream for tests, the SDK check and the latency bench: speaks the
//! Anthropic Messages API and OpenAI Chat Completions and Responses APIs, streamed or
//! not, with deterministic output text rich in watermark candidates.
//!
//! It honours what the gateway's countermeasures change, so tests can see them:
//! `thinking.display` (`omitted` → empty thinking, `summarized` → a summary),
//! `reasoning.summary` (a reasoning item only when asked), `top_logprobs` (that many
//! alternatives per token). `GET /stub/stats` returns the hit count per path and the
//! last request body received. Streams cut the text every 7 bytes, splitting words.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};

/// What the stub has seen.
#[derive(Debug, Default)]
pub struct StubState {
    hits: Mutex<HashMap<String, u64>>,
    last: Mutex<Option<Value>>,
}

impl StubState {
    fn seen(&self, path: &str, body: &Value) {
        if let Ok(mut hits) = self.hits.lock() {
            *hits.entry(path.to_string()).or_default() += 1;
        }
        if let Ok(mut last) = self.last.lock() {
            *last = Some(body.clone());
        }
    }
}

const PARAGRAPH: &str = "The main idea is simple: a big model often learns quickly, and it is also helpful to explain each step. Maybe the team will choose a large dataset, and therefore the result is usually significant. Furthermore, we recommend a basic plan that allows users to verify the output correctly. It nearly always happens that a smart engineer will modify the specific parts needed toward the goal. Obviously, tiny errors occur rarely, but they are difficult to spot; essentially, the whole system is completely useful. ";

/// Deterministic answer text of about `words` words.
pub fn sample_text(words: usize) -> String {
    let mut out = String::new();
    let mut count = 0;
    'outer: loop {
        for word in PARAGRAPH.split_inclusive(' ') {
            if count >= words.max(1) {
                break 'outer;
            }
            out.push_str(word);
            count += 1;
        }
    }
    out.trim_end().to_string()
}

fn answer_words(body: &Value, key: &str) -> usize {
    body.get(key)
        .and_then(Value::as_u64)
        .unwrap_or(100)
        .clamp(1, 400) as usize
}

fn chunks(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for c in text.chars() {
        current.push(c);
        if current.len() >= 7 {
            out.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

fn sse(events: Vec<(Option<&str>, String)>) -> Response {
    let mut body = String::new();
    for (name, data) in events {
        if let Some(name) = name {
            body.push_str("event: ");
            body.push_str(name);
            body.push('\n');
        }
        body.push_str("data: ");
        body.push_str(&data);
        body.push_str("\n\n");
    }
    ([(CONTENT_TYPE, "text/event-stream")], Body::from(body)).into_response()
}

fn event(value: &Value) -> String {
    value.to_string()
}

async fn messages(State(state): State<Arc<StubState>>, Json(body): Json<Value>) -> Response {
    state.seen("/v1/messages", &body);
    let model = body.get("model").cloned().unwrap_or(json!("stub-model"));
    let text = sample_text(answer_words(&body, "max_tokens"));
    let output_tokens = text.split(' ').count() as u64;
    let thinking = body
        .get("thinking")
        .filter(|t| t.get("type").and_then(Value::as_str) != Some("disabled"));
    let thinking_text = thinking.map(|t| match t.get("display").and_then(Value::as_str) {
        Some("omitted") => String::new(),
        Some("summarized") => "Summary: weighed the options.".to_string(),
        _ => "Full reasoning: first consider the options, then weigh each one in turn.".to_string(),
    });
    let usage = json!({"input_tokens": 12, "output_tokens": output_tokens});
    if !body.get("stream").and_then(Value::as_bool).unwrap_or(false) {
        let mut content = Vec::new();
        if let Some(thinking) = &thinking_text {
            content.push(json!({"type": "thinking", "thinking": thinking, "signature": "c3R1Yi1zaWduYXR1cmU="}));
        }
        content.push(json!({"type": "text", "text": text}));
        let response = json!({"id": "msg_stub", "type": "message", "role": "assistant", "model": model,
            "content": content, "stop_reason": "end_turn", "stop_sequence": null, "usage": usage});
        return ([("request-id", "req_stub")], Json(response)).into_response();
    }
    let mut events = vec![(
        Some("message_start"),
        event(&json!({"type": "message_start", "message": {
        "id": "msg_stub", "type": "message", "role": "assistant", "model": model, "content": [],
        "stop_reason": null, "stop_sequence": null, "usage": {"input_tokens": 12, "output_tokens": 1}}})),
    )];
    let mut index = 0;
    if let Some(thinking) = &thinking_text {
        events.push((
            Some("content_block_start"),
            event(&json!({"type": "content_block_start", "index": index,
            "content_block": {"type": "thinking", "thinking": "", "signature": ""}})),
        ));
        for piece in chunks(thinking) {
            events.push((
                Some("content_block_delta"),
                event(&json!({"type": "content_block_delta", "index": index,
                "delta": {"type": "thinking_delta", "thinking": piece}})),
            ));
        }
        events.push((
            Some("content_block_delta"),
            event(&json!({"type": "content_block_delta", "index": index,
            "delta": {"type": "signature_delta", "signature": "c3R1Yi1zaWduYXR1cmU="}})),
        ));
        events.push((
            Some("content_block_stop"),
            event(&json!({"type": "content_block_stop", "index": index})),
        ));
        index += 1;
    }
    events.push((
        Some("content_block_start"),
        event(&json!({"type": "content_block_start", "index": index,
        "content_block": {"type": "text", "text": ""}})),
    ));
    events.push((Some("ping"), event(&json!({"type": "ping"}))));
    for piece in chunks(&text) {
        events.push((
            Some("content_block_delta"),
            event(&json!({"type": "content_block_delta", "index": index,
            "delta": {"type": "text_delta", "text": piece}})),
        ));
    }
    events.push((
        Some("content_block_stop"),
        event(&json!({"type": "content_block_stop", "index": index})),
    ));
    events.push((Some("message_delta"), event(&json!({"type": "message_delta",
        "delta": {"stop_reason": "end_turn", "stop_sequence": null}, "usage": {"output_tokens": output_tokens}}))));
    events.push((
        Some("message_stop"),
        event(&json!({"type": "message_stop"})),
    ));
    sse(events)
}

fn chat_logprobs(text: &str, top: usize) -> Value {
    let tokens: Vec<Value> = text
        .split(' ')
        .take(3)
        .map(|token| {
            let alternatives: Vec<Value> = (0..top)
                .map(|i| json!({"token": format!("{token}{i}"), "logprob": -(i as f64) - 0.5, "bytes": null}))
                .collect();
            json!({"token": token, "logprob": -0.1, "bytes": null, "top_logprobs": alternatives})
        })
        .collect();
    json!({"content": tokens, "refusal": null})
}

async fn chat(State(state): State<Arc<StubState>>, Json(body): Json<Value>) -> Response {
    state.seen("/v1/chat/completions", &body);
    let model = body.get("model").cloned().unwrap_or(json!("stub-model"));
    let words = if body.get("max_completion_tokens").is_some() {
        answer_words(&body, "max_completion_tokens")
    } else {
        answer_words(&body, "max_tokens")
    };
    let text = sample_text(words);
    let completion_tokens = text.split(' ').count() as u64;
    let usage = json!({"prompt_tokens": 12, "completion_tokens": completion_tokens,
        "total_tokens": 12 + completion_tokens, "completion_tokens_details": {"reasoning_tokens": 0}});
    let logprobs = body
        .get("logprobs")
        .and_then(Value::as_bool)
        .unwrap_or(false)
        .then(|| {
            chat_logprobs(
                &text,
                body.get("top_logprobs")
                    .and_then(Value::as_u64)
                    .unwrap_or(0) as usize,
            )
        });
    if !body.get("stream").and_then(Value::as_bool).unwrap_or(false) {
        let response = json!({"id": "chatcmpl-stub", "object": "chat.completion", "created": 1_700_000_000,
            "model": model, "choices": [{"index": 0, "message": {"role": "assistant", "content": text, "refusal": null},
            "logprobs": logprobs, "finish_reason": "stop"}], "usage": usage});
        return ([("x-request-id", "req_stub")], Json(response)).into_response();
    }
    let chunk = |delta: Value, finish: Value| {
        (
            None,
            event(
                &json!({"id": "chatcmpl-stub", "object": "chat.completion.chunk", "created": 1_700_000_000,
            "model": model, "choices": [{"index": 0, "delta": delta, "logprobs": null, "finish_reason": finish}]}),
            ),
        )
    };
    let mut events = vec![chunk(
        json!({"role": "assistant", "content": ""}),
        Value::Null,
    )];
    for piece in chunks(&text) {
        events.push(chunk(json!({"content": piece}), Value::Null));
    }
    events.push(chunk(json!({}), json!("stop")));
    let include_usage = body
        .pointer("/stream_options/include_usage")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    if include_usage {
        events.push((
            None,
            event(
                &json!({"id": "chatcmpl-stub", "object": "chat.completion.chunk",
            "created": 1_700_000_000, "model": model, "choices": [], "usage": usage}),
            ),
        ));
    }
    events.push((None, "[DONE]".to_string()));
    sse(events)
}

async fn responses(State(state): State<Arc<StubState>>, Json(body): Json<Value>) -> Response {
    state.seen("/v1/responses", &body);
    let model = body.get("model").cloned().unwrap_or(json!("stub-model"));
    let text = sample_text(answer_words(&body, "max_output_tokens"));
    let output_tokens = text.split(' ').count() as u64;
    let usage = json!({"input_tokens": 12, "output_tokens": output_tokens, "total_tokens": 12 + output_tokens,
        "input_tokens_details": {"cached_tokens": 0}, "output_tokens_details": {"reasoning_tokens": 0}});
    let mut output = Vec::new();
    if let Some(summary) = body.pointer("/reasoning/summary").and_then(Value::as_str) {
        output.push(json!({"type": "reasoning", "id": "rs_stub",
            "summary": [{"type": "summary_text", "text": format!("Reasoning summary ({summary}).")}]}));
    }
    let message = |text: &str, status: &str| {
        json!({"type": "message", "id": "msg_stub", "status": status,
        "role": "assistant", "content": [{"type": "output_text", "text": text, "annotations": []}]})
    };
    output.push(message(&text, "completed"));
    let response = |output: Value, status: &str, usage: Value| {
        json!({"id": "resp_stub", "object": "response",
        "created_at": 1_700_000_000, "status": status, "model": model, "output": output,
        "parallel_tool_calls": true, "tool_choice": "auto", "tools": [], "usage": usage})
    };
    let full = response(json!(output), "completed", usage);
    if !body.get("stream").and_then(Value::as_bool).unwrap_or(false) {
        return ([("x-request-id", "req_stub")], Json(full)).into_response();
    }
    let message_index = output.len() - 1;
    let mut seq = 0u64;
    let mut events = Vec::new();
    let mut push = |kind: &'static str, mut value: Value| {
        value["type"] = json!(kind);
        value["sequence_number"] = json!(seq);
        seq += 1;
        events.push((Some(kind), event(&value)));
    };
    push(
        "response.created",
        json!({"response": response(json!([]), "in_progress", Value::Null)}),
    );
    push(
        "response.in_progress",
        json!({"response": response(json!([]), "in_progress", Value::Null)}),
    );
    for (index, item) in output.iter().enumerate().take(message_index) {
        push(
            "response.output_item.added",
            json!({"output_index": index, "item": item}),
        );
        push(
            "response.output_item.done",
            json!({"output_index": index, "item": item}),
        );
    }
    let mut open = message("", "in_progress");
    open["content"] = json!([]);
    push(
        "response.output_item.added",
        json!({"output_index": message_index, "item": open}),
    );
    push(
        "response.content_part.added",
        json!({"item_id": "msg_stub", "output_index": message_index,
        "content_index": 0, "part": {"type": "output_text", "text": "", "annotations": []}}),
    );
    for piece in chunks(&text) {
        push(
            "response.output_text.delta",
            json!({"item_id": "msg_stub", "output_index": message_index,
            "content_index": 0, "delta": piece, "logprobs": []}),
        );
    }
    push(
        "response.output_text.done",
        json!({"item_id": "msg_stub", "output_index": message_index,
        "content_index": 0, "text": text, "logprobs": []}),
    );
    push(
        "response.content_part.done",
        json!({"item_id": "msg_stub", "output_index": message_index,
        "content_index": 0, "part": {"type": "output_text", "text": text, "annotations": []}}),
    );
    push(
        "response.output_item.done",
        json!({"output_index": message_index, "item": message(&text, "completed")}),
    );
    push("response.completed", json!({"response": full}));
    sse(events)
}

async fn models() -> Json<Value> {
    Json(
        json!({"object": "list", "data": [{"id": "stub-model", "object": "model", "created": 0, "owned_by": "stub"}]}),
    )
}

async fn stats(State(state): State<Arc<StubState>>) -> Json<Value> {
    let hits = state.hits.lock().map(|h| json!(*h)).unwrap_or(Value::Null);
    let last = state
        .last
        .lock()
        .map(|l| l.clone().unwrap_or(Value::Null))
        .unwrap_or(Value::Null);
    Json(json!({"hits": hits, "last": last}))
}

/// The stub's routes and its shared state.
pub fn router() -> (Router, Arc<StubState>) {
    let state = Arc::new(StubState::default());
    let router = Router::new()
        .route("/v1/messages", post(messages))
        .route("/v1/chat/completions", post(chat))
        .route("/v1/responses", post(responses))
        .route("/v1/models", get(models))
        .route("/stub/stats", get(stats))
        .with_state(Arc::clone(&state));
    (router, state)
}
