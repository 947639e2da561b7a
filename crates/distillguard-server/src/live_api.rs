//! The live API: ingest, decisions, reads, analyst actions, metrics. Thin handlers over
//! [`Live`]; each checks the caller's role first, and blocking work (SQLite commits, an
//! analysis run) goes to `spawn_blocking`.
//!
//! | route | role |
//! |---|---|
//! | `POST /v1/exchanges` (NDJSON), `POST /v1/traces` (OTLP JSON) | ingest |
//! | `POST /v1/check` | ingest or read |
//! | `GET /v1/accounts[?verdict=&limit=&offset=]`, `GET /v1/accounts/{id}` | read |
//! | `GET /v1/clusters`, `/v1/campaigns`, `/v1/alerts[?after=&limit=]`, `/metrics` | read |
//! | `POST /v1/accounts/{id}/actions`, `GET /v1/audit`, `POST /v1/analyze` | analyst |
//!
//! Ingest bodies larger than `live.max_body_bytes` get a 413 before they are read whole;
//! a 200 means the accepted exchanges are committed (durable).

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use distillguard_live::decisions::AnalystAction;
use distillguard_live::{IngestOutcome, Live, LiveError};
use distillguard_model::check::CheckRequest;
use distillguard_model::verdict::Verdict;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::error::ServerError;
use crate::roles::{Caller, Role};

/// Most items a list endpoint returns in one page.
const MAX_PAGE: usize = 1000;

pub fn router(live: Arc<Live>) -> Router {
    Router::new()
        .route("/v1/exchanges", post(ingest_exchanges))
        .route("/v1/traces", post(ingest_traces))
        .route("/v1/check", post(check))
        .route("/v1/accounts", get(list_accounts))
        .route("/v1/accounts/{id}", get(account))
        .route("/v1/accounts/{id}/actions", post(act))
        .route("/v1/clusters", get(clusters))
        .route("/v1/campaigns", get(campaigns))
        .route("/v1/alerts", get(alerts))
        .route("/v1/audit", get(audit))
        .route("/v1/analyze", post(analyze))
        .route("/metrics", get(metrics))
        .with_state(live)
}

/// `GET /readyz` (public): 200 once the state is restored and the database answers.
pub async fn readyz(State(live): State<Arc<Live>>) -> Response {
    let ready = tokio::task::spawn_blocking(move || live.is_ready())
        .await
        .unwrap_or(false);
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(json!({ "ready": ready }))).into_response()
}

/// Reads a body up to `limit` bytes; a declared or actual larger body is a 413.
async fn read_body(headers: &HeaderMap, body: Body, limit: usize) -> Result<Bytes, ServerError> {
    let declared = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit as u64) {
        return Err(ServerError::PayloadTooLarge { limit });
    }
    axum::body::to_bytes(body, limit)
        .await
        .map_err(|_| ServerError::PayloadTooLarge { limit })
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, LiveError> + Send + 'static,
) -> Result<T, ServerError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| ServerError::Live(LiveError::Stored(format!("worker failed: {e}"))))?
        .map_err(ServerError::from)
}

fn ingest_answer(outcome: IngestOutcome) -> Response {
    Json(outcome).into_response()
}

async fn ingest_exchanges(
    State(live): State<Arc<Live>>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ServerError> {
    caller.require(&[Role::Ingest])?;
    let bytes = read_body(&headers, body, live.config().max_body_bytes).await?;
    let outcome = blocking(move || live.ingest_ndjson(&bytes)).await?;
    tracing::info!(caller = %caller.name, accepted = outcome.accepted, rejected = outcome.rejected, duplicates = outcome.duplicates, "exchanges ingested");
    Ok(ingest_answer(outcome))
}

async fn ingest_traces(
    State(live): State<Arc<Live>>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ServerError> {
    caller.require(&[Role::Ingest])?;
    let bytes = read_body(&headers, body, live.config().max_body_bytes).await?;
    let outcome = blocking(move || live.ingest_otlp(&bytes)).await?;
    tracing::info!(caller = %caller.name, accepted = outcome.accepted, rejected = outcome.rejected, "spans ingested");
    Ok(ingest_answer(outcome))
}

async fn check(
    State(live): State<Arc<Live>>,
    Extension(caller): Extension<Caller>,
    body: Bytes,
) -> Result<Response, ServerError> {
    caller.require(&[Role::Ingest, Role::Read])?;
    let request: CheckRequest = serde_json::from_slice(&body)
        .map_err(|e| ServerError::BadRequest(format!("body is not a check request: {e}")))?;
    if request.account_id.is_empty() {
        return Err(ServerError::BadRequest("account_id is empty".into()));
    }
    Ok(Json(live.check(&request)).into_response())
}

#[derive(Deserialize)]
struct ListQuery {
    verdict: Option<String>,
    limit: Option<usize>,
    offset: Option<usize>,
}

async fn list_accounts(
    State(live): State<Arc<Live>>,
    Extension(caller): Extension<Caller>,
    Query(query): Query<ListQuery>,
) -> Result<Response, ServerError> {
    caller.require(&[Role::Read])?;
    let verdict = match query.verdict.as_deref() {
        None => None,
        Some("benign") => Some(Verdict::Benign),
        Some("suspicious") => Some(Verdict::Suspicious),
        Some("attack") => Some(Verdict::Attack),
        Some(other) => {
            return Err(ServerError::BadRequest(format!(
                "verdict {other:?} is not benign, suspicious or attack"
            )))
        }
    };
    let published = live.published();
    let mut selected: Vec<_> = published
        .accounts()
        .iter()
        .filter(|a| verdict.is_none_or(|v| a.verdict == v))
        .collect();
    selected.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(a.account_id.cmp(&b.account_id))
    });
    let total = selected.len();
    let limit = query.limit.unwrap_or(100).min(MAX_PAGE);
    let offset = query.offset.unwrap_or(0);
    let page: Vec<Value> = selected
        .into_iter()
        .skip(offset)
        .take(limit)
        .map(|a| {
            json!({
                "account_id": a.account_id,
                "verdict": a.verdict,
                "score": a.score,
                "cluster": a.cluster,
                "exchanges": a.exchanges,
                "action": live.decision(&a.account_id).action,
                "top_evidence": a.evidence.first(),
            })
        })
        .collect();
    Ok(
        Json(json!({ "run": published.run, "total": total, "offset": offset, "accounts": page }))
            .into_response(),
    )
}

async fn account(
    State(live): State<Arc<Live>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<Response, ServerError> {
    caller.require(&[Role::Read])?;
    let view = blocking(move || live.account(&id)).await?;
    Ok(Json(view).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ActionBody {
    action: String,
    #[serde(default)]
    note: String,
}

async fn act(
    State(live): State<Arc<Live>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ServerError> {
    caller.require(&[Role::Analyst])?;
    let body: ActionBody = serde_json::from_slice(&body)
        .map_err(|e| ServerError::BadRequest(format!("body is not an action: {e}")))?;
    let action = AnalystAction::parse(&body.action).ok_or_else(|| {
        ServerError::BadRequest(format!(
            "action {:?} is not confirm, dismiss, block or allow",
            body.action
        ))
    })?;
    let who = caller.name.clone();
    let worker = Arc::clone(&live);
    let account_id = id.clone();
    let stored =
        blocking(move || worker.apply_action(&account_id, action, &body.note, &who)).await?;
    let decision = live.decision(&id);
    Ok((
        StatusCode::CREATED,
        Json(json!({ "action": stored, "decision": decision })),
    )
        .into_response())
}

async fn clusters(
    State(live): State<Arc<Live>>,
    Extension(caller): Extension<Caller>,
) -> Result<Response, ServerError> {
    caller.require(&[Role::Read])?;
    let published = live.published();
    Ok(Json(json!({ "run": published.run, "clusters": published.clusters() })).into_response())
}

async fn campaigns(
    State(live): State<Arc<Live>>,
    Extension(caller): Extension<Caller>,
) -> Result<Response, ServerError> {
    caller.require(&[Role::Read])?;
    let published = live.published();
    Ok(Json(json!({ "run": published.run, "campaigns": published.campaigns() })).into_response())
}

#[derive(Deserialize)]
struct PageQuery {
    after: Option<i64>,
    limit: Option<usize>,
}

async fn alerts(
    State(live): State<Arc<Live>>,
    Extension(caller): Extension<Caller>,
    Query(query): Query<PageQuery>,
) -> Result<Response, ServerError> {
    caller.require(&[Role::Read])?;
    let after = query.after.unwrap_or(0);
    let limit = query.limit.unwrap_or(100).min(MAX_PAGE);
    let alerts = blocking(move || live.alerts(after, limit)).await?;
    Ok(Json(json!({ "alerts": alerts })).into_response())
}

async fn audit(
    State(live): State<Arc<Live>>,
    Extension(caller): Extension<Caller>,
    Query(query): Query<PageQuery>,
) -> Result<Response, ServerError> {
    caller.require(&[Role::Analyst])?;
    let after = query.after.unwrap_or(0);
    let limit = query.limit.unwrap_or(100).min(MAX_PAGE);
    let entries = blocking(move || live.audit(after, limit)).await?;
    Ok(Json(json!({ "audit": entries })).into_response())
}

async fn analyze(
    State(live): State<Arc<Live>>,
    Extension(caller): Extension<Caller>,
) -> Result<Response, ServerError> {
    caller.require(&[Role::Analyst])?;
    tracing::info!(caller = %caller.name, "analysis run requested");
    let summary = blocking(move || live.analyze_now()).await?;
    Ok(Json(summary).into_response())
}

async fn metrics(
    State(live): State<Arc<Live>>,
    Extension(caller): Extension<Caller>,
) -> Result<Response, ServerError> {
    caller.require(&[Role::Read])?;
    let mut response = live.metrics().render().into_response();
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    Ok(response)
}
