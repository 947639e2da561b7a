//! The request path: identify, read, decide, apply, forward, record.
//!
//! For the three API calls ([`Dialect::of_call`]) the body is read (up to the limit),
//! parsed, turned into a [`PendingRequest`](distillguard_model::check::PendingRequest)
//! and put to the decider. Refusals (throttle, block, verify) are answered here in the
//! API's error shape; allowed requests go upstream with their original bytes and their
//! response comes back untouched; degraded requests go upstream changed by
//! [`countermeasures`] and, when the watermark is on, their output text is marked. Every
//! API call becomes one [`Exchange`] handed to [`Decider::record`] when its response
//! body ends. Other paths (models list, token counting, files) pass through, streamed,
//! after a refusal-only check of the account.

use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use distillguard_model::check::{Action, CheckRequest, CheckResponse};
use distillguard_model::Exchange;
use http_body_util::BodyExt;
use serde_json::Value;

use crate::body::{MarkStream, Processed, Recorder, Tap};
use crate::countermeasures;
use crate::dialect::Dialect;
use crate::error::{ApiError, GatewayError};
use crate::identity::{identify, Identity};
use crate::request::{facts, RequestFacts};
use crate::response::{mark_body, Usage};
use crate::sse::Rewriter;
use crate::watermark::WatermarkKey;
use crate::{FailMode, Gateway};

/// Most bytes of a non-streamed response read to mark it.
const MAX_MARKED_RESPONSE: usize = 64 << 20;

const HOP_BY_HOP: [&str; 8] = [
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
];

fn is_hop_by_hop(name: &HeaderName) -> bool {
    HOP_BY_HOP.contains(&name.as_str())
}

fn now_millis() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// The client address: the connection's, or with `trust_forwarded_for` the last
/// `X-Forwarded-For` entry (the one the trusted proxy in front appended).
fn client_ip(gateway: &Gateway, parts: &Parts) -> Option<IpAddr> {
    if gateway.config.trust_forwarded_for {
        let forwarded = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|v| v.trim().parse::<IpAddr>().ok())
            .next_back();
        if forwarded.is_some() {
            return forwarded;
        }
    }
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip())
}

fn base_exchange(
    gateway: &Gateway,
    parts: &Parts,
    identity: &Identity,
    dialect: Dialect,
    facts: &RequestFacts,
) -> Exchange {
    Exchange {
        api_key_id: identity.api_key_id.clone(),
        ip: client_ip(gateway, parts),
        user_agent: parts
            .headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string),
        model: facts.model.clone(),
        endpoint: Some(dialect.endpoint().to_string()),
        prompt: facts.prompt.clone(),
        system: facts.system.clone(),
        turns: facts.turns,
        max_tokens: facts.max_tokens,
        thinking: facts.thinking,
        tools: facts.tools,
        tool_names: facts.tool_names.clone(),
        images: facts.images,
        logprobs: facts.logprobs,
        stream: Some(facts.stream),
        ..Exchange::new(now_millis(), identity.account_id.clone())
    }
}

/// Asks the decider, applying the fail mode when it cannot answer.
async fn decide(gateway: &Gateway, request: CheckRequest) -> Result<CheckResponse, GatewayError> {
    match gateway.decider.check(&request).await {
        Ok(answer) => Ok(answer),
        Err(err) => {
            let failures = gateway
                .metrics
                .decision_errors
                .fetch_add(1, Ordering::Relaxed);
            match gateway.config.fail_mode {
                FailMode::Open => {
                    gateway.metrics.inc(|m| &m.fail_open);
                    if failures.is_multiple_of(1000) {
                        tracing::warn!(error = %err, failures = failures + 1, "decision failed; allowing (fail open)");
                    }
                    Ok(CheckResponse::allow(&request.account_id))
                }
                FailMode::Closed => {
                    if failures.is_multiple_of(1000) {
                        tracing::warn!(error = %err, failures = failures + 1, "decision failed; refusing (fail closed)");
                    }
                    Err(GatewayError::DecisionUnavailable)
                }
            }
        }
    }
}

/// The refusal for a decision, if it refuses.
fn refusal(decision: &CheckResponse) -> Option<GatewayError> {
    match decision.action {
        Action::Allow | Action::Degrade => None,
        Action::Throttle => {
            let retry_after_s = decision.retry_after_s.unwrap_or(crate::decider::policy::DEFAULT_RETRY_AFTER_S);
            Some(GatewayError::Throttled {
                message: format!(
                    "This account is sending requests faster than it is allowed to; retry after {retry_after_s} seconds."
                ),
                retry_after_s,
            })
        }
        Action::Block => Some(GatewayError::Blocked(
            "This account has been blocked from using the API. Contact support if you believe this is a mistake."
                .to_string(),
        )),
        Action::Verify => {
            let step = decision
                .reasons
                .first()
                .cloned()
                .unwrap_or_else(|| "identity verification in the account console".to_string());
            Some(GatewayError::VerificationRequired(format!(
                "This account must complete a verification step before it can use the API: {step}."
            )))
        }
    }
}

/// The gateway's one handler for everything it proxies.
pub async fn handle(State(gateway): State<Arc<Gateway>>, request: Request) -> Response {
    let started = Instant::now();
    let (parts, body) = request.into_parts();
    let identity = identify(&parts.headers, gateway.config.account_header.as_ref());
    let Some(dialect) = Dialect::of_call(&parts.method, parts.uri.path()) else {
        return passthrough(gateway, parts, body, identity).await;
    };
    let bytes = match axum::body::to_bytes(body, gateway.config.max_body_bytes).await {
        Ok(bytes) => bytes,
        Err(err) => {
            gateway.metrics.inc(|m| &m.bad_requests);
            let too_large = std::error::Error::source(&err)
                .is_some_and(|s| s.is::<http_body_util::LengthLimitError>());
            let error = if too_large {
                GatewayError::TooLarge {
                    limit: gateway.config.max_body_bytes,
                }
            } else {
                GatewayError::InvalidRequest(format!("could not read the request body: {err}"))
            };
            return ApiError::new(dialect, error).into_response();
        }
    };
    let mut json: Value = match serde_json::from_slice(&bytes) {
        Ok(value @ Value::Object(_)) => value,
        Ok(_) => {
            gateway.metrics.inc(|m| &m.bad_requests);
            return ApiError::new(
                dialect,
                GatewayError::MalformedJson("expected a JSON object".into()),
            )
            .into_response();
        }
        Err(err) => {
            gateway.metrics.inc(|m| &m.bad_requests);
            return ApiError::new(dialect, GatewayError::MalformedJson(err.to_string()))
                .into_response();
        }
    };
    let request_facts = facts(dialect, &json);
    let mut exchange = base_exchange(&gateway, &parts, &identity, dialect, &request_facts);
    let check = CheckRequest {
        account_id: identity.account_id.clone(),
        request: Some(request_facts.pending(dialect)),
    };
    let decision = match decide(&gateway, check).await {
        Ok(decision) => decision,
        Err(error) => return refuse(&gateway, dialect, error, exchange, started),
    };
    gateway.metrics.count_action(decision.action);
    if let Some(error) = refusal(&decision) {
        return refuse(&gateway, dialect, error, exchange, started);
    }
    let mut body = bytes;
    let mut mark_with = None;
    if let (Action::Degrade, Some(measures)) = (decision.action, &decision.countermeasures) {
        match countermeasures::apply(dialect, measures, &mut json) {
            Err(error) => return refuse(&gateway, dialect, error, exchange, started),
            Ok(true) => body = Bytes::from(serde_json::to_vec(&json).unwrap_or_default()),
            Ok(false) => {}
        }
        if measures.watermark {
            mark_with = gateway.config.watermark_key.clone();
            if mark_with.is_none() {
                tracing::warn!(account = %identity.account_id, "watermark asked for but the gateway has no watermark key; not marking");
            }
        }
    }
    if let Some(limit) = decision
        .countermeasures
        .as_ref()
        .and_then(|m| m.max_top_logprobs)
    {
        exchange.logprobs = exchange.logprobs.map(|n| n.min(limit.max(1)));
    }
    forward(
        gateway, parts, body, dialect, exchange, mark_with, identity, started,
    )
    .await
}

fn refuse(
    gateway: &Gateway,
    dialect: Dialect,
    error: GatewayError,
    mut exchange: Exchange,
    started: Instant,
) -> Response {
    let response = ApiError::new(dialect, error).into_response();
    exchange.status = Some(response.status().as_u16());
    exchange.output_tokens = Some(0);
    exchange.latency_ms = Some(started.elapsed().as_millis() as u64);
    gateway.decider.record(exchange);
    response
}

/// The request to send upstream.
fn upstream_request(
    gateway: &Gateway,
    parts: &Parts,
    body: Body,
    body_len: Option<usize>,
) -> Result<axum::http::Request<Body>, GatewayError> {
    let path_and_query = parts
        .uri
        .path_and_query()
        .map(|pq| pq.as_str())
        .unwrap_or("/");
    let uri = gateway.config.upstream.join(path_and_query)?;
    let mut builder = axum::http::Request::builder()
        .method(parts.method.clone())
        .uri(uri);
    let mut headers = HeaderMap::with_capacity(parts.headers.len());
    for (name, value) in &parts.headers {
        if is_hop_by_hop(name) || name == header::HOST {
            continue;
        }
        if body_len.is_some() && (name == header::CONTENT_LENGTH || name == header::ACCEPT_ENCODING)
        {
            continue;
        }
        if gateway.config.account_header.as_ref() == Some(name) {
            continue;
        }
        headers.append(name.clone(), value.clone());
    }
    if let Some(len) = body_len {
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
        // The gateway reads API responses (usage, marking): ask for them uncompressed.
        headers.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_static("identity"),
        );
    }
    if let Some(all) = builder.headers_mut() {
        *all = headers;
    }
    builder.body(body).map_err(|e| {
        GatewayError::UpstreamUnavailable(format!("could not build the upstream request: {e}"))
    })
}

fn clean_response_headers(headers: &mut HeaderMap) {
    let names: Vec<HeaderName> = headers
        .keys()
        .filter(|n| is_hop_by_hop(n))
        .cloned()
        .collect();
    for name in names {
        headers.remove(name);
    }
}

fn upstream_error(
    gateway: &Gateway,
    dialect: Dialect,
    err: impl std::fmt::Display,
) -> GatewayError {
    gateway.metrics.inc(|m| &m.upstream_errors);
    tracing::warn!(error = %err, "upstream request failed");
    let _ = dialect;
    GatewayError::UpstreamUnavailable(err.to_string())
}

#[allow(clippy::too_many_arguments)]
async fn forward(
    gateway: Arc<Gateway>,
    parts: Parts,
    body: Bytes,
    dialect: Dialect,
    mut exchange: Exchange,
    mark_with: Option<WatermarkKey>,
    identity: Identity,
    started: Instant,
) -> Response {
    let request =
        match upstream_request(&gateway, &parts, Body::from(body.clone()), Some(body.len())) {
            Ok(request) => request,
            Err(error) => return refuse(&gateway, dialect, error, exchange, started),
        };
    let response = match gateway.client.request(request).await {
        Ok(response) => response,
        Err(err) => {
            let error = upstream_error(&gateway, dialect, err);
            return refuse(&gateway, dialect, error, exchange, started);
        }
    };
    let (mut head, incoming) = response.into_parts();
    clean_response_headers(&mut head.headers);
    exchange.status = Some(head.status.as_u16());
    exchange.request_id = head
        .headers
        .get("request-id")
        .or_else(|| head.headers.get("x-request-id"))
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .or_else(|| Some(uuid::Uuid::new_v4().to_string()));
    let streaming = head
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/event-stream"));
    let mut recorder = Recorder::new(exchange, started, Arc::clone(&gateway.decider));
    let key = match mark_with {
        Some(key) if head.status.is_success() => key,
        _ => {
            let body = Body::from_stream(Processed::new(
                incoming,
                Tap::new(dialect, streaming, recorder),
            ));
            return Response::from_parts(head, body);
        }
    };
    gateway.metrics.inc(|m| &m.watermarked);
    if streaming {
        head.headers.remove(header::CONTENT_LENGTH);
        let rewriter = Rewriter::new(dialect, key, &identity.account_id);
        let body = Body::from_stream(Processed::new(
            incoming,
            MarkStream::new(rewriter, recorder),
        ));
        return Response::from_parts(head, body);
    }
    let limited = http_body_util::Limited::new(incoming, MAX_MARKED_RESPONSE);
    let bytes = match limited.collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(err) => {
            let error = upstream_error(&gateway, dialect, err);
            drop(recorder);
            return ApiError::new(dialect, error).into_response();
        }
    };
    let out = match serde_json::from_slice::<Value>(&bytes) {
        Ok(mut value) => {
            recorder.usage = Usage::of_body(&value);
            mark_body(dialect, &mut value, &key, &identity.account_id);
            Bytes::from(serde_json::to_vec(&value).unwrap_or_default())
        }
        Err(_) => bytes,
    };
    head.headers
        .insert(header::CONTENT_LENGTH, HeaderValue::from(out.len()));
    drop(recorder);
    Response::from_parts(head, Body::from(out))
}

/// Other paths: a refusal-only check, then streamed both ways untouched.
async fn passthrough(
    gateway: Arc<Gateway>,
    parts: Parts,
    body: Body,
    identity: Identity,
) -> Response {
    let dialect = Dialect::of_path_for_errors(parts.uri.path());
    gateway.metrics.inc(|m| &m.passthrough);
    let check = CheckRequest {
        account_id: identity.account_id.clone(),
        request: None,
    };
    match decide(&gateway, check).await {
        Ok(decision) => {
            if let Some(error) = refusal(&decision) {
                return ApiError::new(dialect, error).into_response();
            }
        }
        Err(error) => return ApiError::new(dialect, error).into_response(),
    }
    let request = match upstream_request(&gateway, &parts, body, None) {
        Ok(request) => request,
        Err(error) => return ApiError::new(dialect, error).into_response(),
    };
    match gateway.client.request(request).await {
        Ok(response) => {
            let (mut head, incoming) = response.into_parts();
            clean_response_headers(&mut head.headers);
            Response::from_parts(head, Body::new(incoming))
        }
        Err(err) => ApiError::new(dialect, upstream_error(&gateway, dialect, err)).into_response(),
    }
}
