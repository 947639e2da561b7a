//! The proxy end to end in process: the upstream stub on a real local listener, the
//! gateway app driven with `oneshot`, a decider with a fixed answer that keeps records.

use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use distillguard_gateway::decider::{BoxFuture, DecideError};
use distillguard_gateway::watermark::{verify, WatermarkKey};
use distillguard_gateway::{
    app, http_client, Config, Decider, FailMode, Gateway, Metrics, Upstream,
};
use distillguard_model::check::{
    Action, CheckRequest, CheckResponse, Countermeasures, ReasoningPolicy,
};
use distillguard_model::Exchange;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;

struct Fixed {
    answer: Option<CheckResponse>,
    records: Mutex<Vec<Exchange>>,
}

impl Decider for Fixed {
    fn check<'a>(
        &'a self,
        request: &'a CheckRequest,
    ) -> BoxFuture<'a, Result<CheckResponse, DecideError>> {
        let answer = match &self.answer {
            Some(answer) => Ok(CheckResponse {
                account_id: request.account_id.clone(),
                ..answer.clone()
            }),
            None => Err(DecideError::Unreachable("test".into())),
        };
        Box::pin(std::future::ready(answer))
    }
    fn record(&self, exchange: Exchange) {
        if let Ok(mut records) = self.records.lock() {
            records.push(exchange);
        }
    }
}

fn key() -> WatermarkKey {
    WatermarkKey::new(b"proxy-test-secret-0123456789").expect("key")
}

async fn start_stub() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (router, _) = distillguard_gateway::stub::router();
    tokio::spawn(async move { axum::serve(listener, router).await });
    format!("http://{addr}")
}

fn gateway(
    upstream: &str,
    answer: Option<CheckResponse>,
    fail_mode: FailMode,
) -> (axum::Router, Arc<Fixed>) {
    let decider = Arc::new(Fixed {
        answer,
        records: Mutex::new(Vec::new()),
    });
    let mut config = Config::new(Upstream::parse(upstream).expect("url"));
    config.fail_mode = fail_mode;
    config.max_body_bytes = 64 * 1024;
    config.watermark_key = Some(key());
    let gw = Gateway {
        config,
        decider: Arc::clone(&decider) as Arc<dyn Decider>,
        client: http_client(),
        metrics: Arc::new(Metrics::default()),
    };
    (app(Arc::new(gw)), decider)
}

fn answer(action: Action) -> CheckResponse {
    CheckResponse {
        action,
        ..CheckResponse::allow("")
    }
}

fn degrade() -> CheckResponse {
    CheckResponse {
        countermeasures: Some(Countermeasures {
            reasoning: ReasoningPolicy::Omit,
            max_top_logprobs: Some(2),
            watermark: true,
        }),
        ..answer(Action::Degrade)
    }
}

fn post(path: &str, body: impl Into<Body>) -> Request<Body> {
    Request::post(path)
        .header("content-type", "application/json")
        .header("x-api-key", "sk-test")
        .body(body.into())
        .expect("request")
}

async fn send(
    app: &axum::Router,
    request: Request<Body>,
) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let response = app.clone().oneshot(request).await.expect("infallible");
    let (parts, body) = response.into_parts();
    let bytes = body.collect().await.expect("body").to_bytes().to_vec();
    (parts.status, parts.headers, bytes)
}

async fn direct(upstream: &str, path: &str, body: &Value) -> Vec<u8> {
    let client = http_client();
    let request = Request::post(format!("{upstream}{path}"))
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .expect("request");
    let response = client.request(request).await.expect("stub answers");
    response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes()
        .to_vec()
}

fn sse_text(bytes: &[u8], pointer: &str, kind: &str) -> String {
    String::from_utf8_lossy(bytes)
        .split("\n\n")
        .filter_map(|event| event.lines().find_map(|l| l.strip_prefix("data: ")))
        .filter_map(|data| serde_json::from_str::<Value>(data).ok())
        .filter(|v| kind.is_empty() || v["type"] == kind)
        .filter_map(|v| {
            v.pointer(pointer)
                .and_then(Value::as_str)
                .map(str::to_string)
        })
        .collect()
}

#[tokio::test]
async fn allow_is_byte_for_byte_and_recorded_with_usage() {
    let upstream = start_stub().await;
    let (app, decider) = gateway(&upstream, Some(answer(Action::Allow)), FailMode::Open);
    for stream in [false, true] {
        let body = json!({"model": "m", "max_tokens": 50, "stream": stream, "messages": [{"role": "user", "content": "hi"}]});
        let (status, _, bytes) = send(&app, post("/v1/messages", body.to_string())).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            bytes,
            direct(&upstream, "/v1/messages", &body).await,
            "stream={stream}"
        );
    }
    let records = decider.records.lock().expect("lock").clone();
    assert_eq!(records.len(), 2);
    for record in &records {
        assert_eq!(record.output_tokens, Some(50), "{record:?}");
        assert_eq!(record.input_tokens, Some(12));
        assert_eq!(record.prompt.as_deref(), Some("hi"));
        assert_eq!(record.endpoint.as_deref(), Some("messages"));
        assert_eq!(record.status, Some(200));
        assert!(record.account_id.starts_with("key-"));
    }
}

#[tokio::test]
async fn refusals_in_each_apis_shape() {
    let upstream = start_stub().await;
    let throttle = CheckResponse {
        retry_after_s: Some(7),
        ..answer(Action::Throttle)
    };
    let (app, decider) = gateway(&upstream, Some(throttle), FailMode::Open);
    let (status, headers, bytes) =
        send(&app, post("/v1/messages", r#"{"model":"m","messages":[]}"#)).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(headers["retry-after"], "7");
    let body: Value = serde_json::from_slice(&bytes).expect("json");
    assert_eq!(body["type"], "error");
    assert_eq!(body["error"]["type"], "rate_limit_error");
    assert_eq!(decider.records.lock().expect("lock")[0].status, Some(429));

    let (app, _) = gateway(&upstream, Some(answer(Action::Block)), FailMode::Open);
    let (status, headers, bytes) = send(
        &app,
        post("/v1/chat/completions", r#"{"model":"g","messages":[]}"#),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(headers["x-should-retry"], "false");
    let body: Value = serde_json::from_slice(&bytes).expect("json");
    assert_eq!(body["error"]["code"], "account_blocked");
    assert!(body["error"]["param"].is_null());
    // Blocked on pass-through paths too.
    let request = Request::get("/v1/models")
        .header("x-api-key", "k")
        .body(Body::empty())
        .expect("req");
    assert_eq!(send(&app, request).await.0, StatusCode::FORBIDDEN);

    let verify_answer = CheckResponse {
        reasons: vec!["confirm your phone number".into()],
        ..answer(Action::Verify)
    };
    let (app, _) = gateway(&upstream, Some(verify_answer), FailMode::Open);
    let (status, _, bytes) =
        send(&app, post("/v1/responses", r#"{"model":"o","input":"x"}"#)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(String::from_utf8_lossy(&bytes).contains("confirm your phone number"));
}

#[tokio::test]
async fn bad_requests_get_clear_errors() {
    let upstream = start_stub().await;
    let (app, _) = gateway(&upstream, Some(answer(Action::Allow)), FailMode::Open);
    let (status, _, bytes) = send(&app, post("/v1/messages", "{not json")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let body: Value = serde_json::from_slice(&bytes).expect("json");
    assert_eq!(body["error"]["type"], "invalid_request_error");
    let huge = format!(
        r#"{{"model":"m","messages":[{{"role":"user","content":"{}"}}]}}"#,
        "x".repeat(100_000)
    );
    let (status, _, bytes) = send(&app, post("/v1/chat/completions", huge)).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    let body: Value = serde_json::from_slice(&bytes).expect("json");
    assert_eq!(body["error"]["code"], "request_too_large");
    // Still serving.
    let (status, _, _) = send(
        &app,
        post(
            "/v1/messages",
            r#"{"model":"m","max_tokens":5,"messages":[]}"#,
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn upstream_down_is_502_in_shape() {
    // A port with nothing listening: bind, read the port, close.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let dead = format!("http://{}", listener.local_addr().expect("addr"));
    drop(listener);
    let (app, _) = gateway(&dead, Some(answer(Action::Allow)), FailMode::Open);
    let (status, _, bytes) =
        send(&app, post("/v1/messages", r#"{"model":"m","messages":[]}"#)).await;
    assert_eq!(status, StatusCode::BAD_GATEWAY);
    let body: Value = serde_json::from_slice(&bytes).expect("json");
    assert_eq!(body["error"]["type"], "api_error");
}

#[tokio::test]
async fn fail_open_and_fail_closed() {
    let upstream = start_stub().await;
    let (open, _) = gateway(&upstream, None, FailMode::Open);
    let body = r#"{"model":"m","max_tokens":5,"messages":[]}"#;
    assert_eq!(
        send(&open, post("/v1/messages", body)).await.0,
        StatusCode::OK
    );
    let (closed, _) = gateway(&upstream, None, FailMode::Closed);
    assert_eq!(
        send(&closed, post("/v1/messages", body)).await.0,
        StatusCode::SERVICE_UNAVAILABLE
    );
}

#[tokio::test]
async fn degrade_marks_streams_like_whole_responses() {
    let upstream = start_stub().await;
    let (app, decider) = gateway(&upstream, Some(degrade()), FailMode::Open);
    let account = identity_of("sk-test");
    let request = |stream: bool| {
        json!({"model": "m", "max_tokens": 400, "stream": stream,
        "thinking": {"type": "enabled", "budget_tokens": 1000},
        "messages": [{"role": "user", "content": "hi"}]})
    };

    let (_, _, whole) = send(&app, post("/v1/messages", request(false).to_string())).await;
    let whole: Value = serde_json::from_slice(&whole).expect("json");
    assert_eq!(
        whole["content"][0]["thinking"], "",
        "display omitted upstream"
    );
    let marked = whole["content"][1]["text"]
        .as_str()
        .expect("text")
        .to_string();
    let (_, headers, streamed) = send(&app, post("/v1/messages", request(true).to_string())).await;
    assert!(headers.get("content-length").is_none());
    assert_eq!(
        sse_text(&streamed, "/delta/text", "content_block_delta"),
        marked
    );

    let plain = distillguard_gateway::stub::sample_text(400);
    assert_ne!(marked, plain);
    assert!(verify(&key(), &account, &format!("{marked} {marked}")).hits > 0);
    assert!(verify(&key(), &account, &marked).p_value < 1e-4);

    // Chat Completions and Responses, streamed and not, give the same marked text.
    let chat = json!({"model": "g", "max_tokens": 400, "messages": [{"role": "user", "content": "hi"}],
        "logprobs": true, "top_logprobs": 10});
    let (_, _, bytes) = send(&app, post("/v1/chat/completions", chat.to_string())).await;
    let value: Value = serde_json::from_slice(&bytes).expect("json");
    assert_eq!(value["choices"][0]["message"]["content"], marked.as_str());
    assert_eq!(
        value["choices"][0]["logprobs"]["content"][0]["top_logprobs"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );
    let mut chat_stream = chat.clone();
    chat_stream["stream"] = json!(true);
    chat_stream["stream_options"] = json!({"include_usage": true});
    let (_, _, bytes) = send(&app, post("/v1/chat/completions", chat_stream.to_string())).await;
    assert_eq!(sse_text(&bytes, "/choices/0/delta/content", ""), marked);
    assert!(String::from_utf8_lossy(&bytes)
        .trim_end()
        .ends_with("data: [DONE]"));

    let responses = json!({"model": "o", "max_output_tokens": 400, "input": "hi", "stream": true});
    let (_, _, bytes) = send(&app, post("/v1/responses", responses.to_string())).await;
    assert_eq!(
        sse_text(&bytes, "/delta", "response.output_text.delta"),
        marked
    );
    assert_eq!(
        sse_text(&bytes, "/text", "response.output_text.done"),
        marked
    );
    let sequence: Vec<u64> = String::from_utf8_lossy(&bytes)
        .split("\n\n")
        .filter_map(|e| e.lines().find_map(|l| l.strip_prefix("data: ")))
        .filter_map(|d| serde_json::from_str::<Value>(d).ok())
        .filter_map(|v| v["sequence_number"].as_u64())
        .collect();
    assert!(
        sequence.windows(2).all(|w| w[1] == w[0] + 1),
        "{sequence:?}"
    );

    let records = decider.records.lock().expect("lock").clone();
    assert!(
        records.iter().all(|r| r.output_tokens == Some(400)),
        "{records:?}"
    );
}

fn identity_of(key: &str) -> String {
    distillguard_gateway::identity::key_id(key)
}
