//! `app().oneshot(..)` tests of the live API: ingest with per-line errors and duplicates,
//! body limits, roles (401/403), check decisions, analyst actions and audit, reads,
//! metrics, OTLP traces.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use distillguard_live::service::Side;
use distillguard_live::{Live, LiveConfig};
use distillguard_sharing::taxii::sqlite::SqliteStore;
use distillguard_sharing::taxii::{Access, TaxiiConfig, TaxiiState};
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;

use super::*;
use crate::auth::token_digest;
use crate::config::TokenGrant;
use crate::roles::{Role, Roles};

const ADMIN: &str = "admin-token-0123456789abcdef";
const INGEST: &str = "ingest-token-0123456789abcdef";
const READER: &str = "reader-token-0123456789abcdef";
const ANALYST: &str = "analyst-token-0123456789abcdef";

fn grant(name: &str, token: &str, role: Role) -> TokenGrant {
    TokenGrant {
        name: name.into(),
        token_sha256: token_digest(token),
        read: Access::none(),
        write: Access::none(),
        roles: Roles::of(&[role]),
    }
}

fn live_app(config: LiveConfig) -> (axum::Router, Arc<Live>) {
    let live = Arc::new(Live::in_memory(config, Side::default()).expect("live"));
    let grants = [
        grant("gateway", INGEST, Role::Ingest),
        grant("dashboard", READER, Role::Read),
        grant("alice", ANALYST, Role::Analyst),
    ];
    let state = AppState {
        tokens: Arc::new(TokenRegistry::new(ADMIN, &grants)),
        taxii: Arc::new(TaxiiState {
            config: TaxiiConfig::default(),
            store: Arc::new(SqliteStore::in_memory().expect("store")),
        }),
        live: Some(Arc::clone(&live)),
    };
    (app(state), live)
}

async fn call(
    app: &axum::Router,
    method: &str,
    uri: &str,
    token: Option<&str>,
    body: impl Into<Body>,
) -> (StatusCode, Value, String) {
    let mut request = Request::builder().method(method).uri(uri);
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    let response = app
        .clone()
        .oneshot(request.body(body.into()).expect("request"))
        .await
        .expect("response");
    let status = response.status();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    let text = String::from_utf8_lossy(&bytes).to_string();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        text,
    )
}

fn record(id: &str, account: &str, ts: i64) -> String {
    json!({"ts": ts, "account_id": account, "request_id": id, "model": "m-1",
           "prompt": "Explain step by step how to solve: 12 * 7"})
    .to_string()
}

#[tokio::test]
async fn ingest_reports_bad_lines_and_counts_duplicates_once() {
    let (app, live) = live_app(LiveConfig::default());
    let body = [
        record("r1", "a", 1_000),
        "{not json".to_string(),
        record("r2", "b", 2_000),
        record("r1", "a", 1_000),
        json!({"ts": 5}).to_string(),
    ]
    .join("\n");
    let (status, answer, _) = call(&app, "POST", "/v1/exchanges", Some(INGEST), body).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["accepted"], 2);
    assert_eq!(answer["duplicates"], 1);
    assert_eq!(answer["rejected"], 2);
    let lines: Vec<u64> = answer["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["line"].as_u64())
        .collect();
    assert_eq!(lines, vec![2, 5]);
    // A redelivery of the same batch adds nothing.
    let (_, again, _) = call(
        &app,
        "POST",
        "/v1/exchanges",
        Some(INGEST),
        record("r2", "b", 2_000),
    )
    .await;
    assert_eq!(again["accepted"], 0);
    assert_eq!(again["duplicates"], 1);
    assert_eq!(live.pending(), 2);
}

#[tokio::test]
async fn huge_bodies_get_413() {
    let config = LiveConfig {
        max_body_bytes: 2048,
        ..LiveConfig::default()
    };
    let (app, _) = live_app(config);
    let body = (0..100)
        .map(|i| record(&format!("r{i}"), "a", i))
        .collect::<Vec<_>>()
        .join("\n");
    let (status, answer, _) = call(&app, "POST", "/v1/exchanges", Some(INGEST), body.clone()).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(answer["description"]
        .as_str()
        .unwrap_or_default()
        .contains("2048"));
    // Without a declared length (a stream), the limit holds too.
    let stream = Body::from_stream(futures_stream(body));
    let (status, _, _) = call(&app, "POST", "/v1/exchanges", Some(INGEST), stream).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
}

fn futures_stream(
    body: String,
) -> impl futures_core::Stream<Item = Result<Vec<u8>, std::io::Error>> {
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = body
        .into_bytes()
        .chunks(512)
        .map(|c| Ok(c.to_vec()))
        .collect();
    tokio_stream_iter(chunks)
}

fn tokio_stream_iter<T>(items: Vec<T>) -> impl futures_core::Stream<Item = T> {
    struct Iter<T>(std::vec::IntoIter<T>);
    impl<T> futures_core::Stream for Iter<T> {
        type Item = T;
        fn poll_next(
            mut self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Option<T>> {
            std::task::Poll::Ready(self.0.next())
        }
    }
    impl<T> Unpin for Iter<T> {}
    Iter(items.into_iter())
}

#[tokio::test]
async fn tokens_and_roles_are_enforced() {
    let (app, _) = live_app(LiveConfig::default());
    let check = json!({"account_id": "a"}).to_string();
    for (method, uri, body) in [
        ("POST", "/v1/exchanges", record("r", "a", 1)),
        ("POST", "/v1/check", check.clone()),
        ("GET", "/v1/accounts", String::new()),
        ("GET", "/metrics", String::new()),
        ("GET", "/v1/audit", String::new()),
    ] {
        let (status, _, _) = call(&app, method, uri, None, body.clone()).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{uri} without a token");
        let (status, _, _) = call(&app, method, uri, Some("wrong-token"), body).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{uri} with a wrong token");
    }
    // Wrong role: 403 with a reason.
    let (status, answer, _) = call(
        &app,
        "POST",
        "/v1/exchanges",
        Some(READER),
        record("r", "a", 1),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(answer["description"]
        .as_str()
        .unwrap_or_default()
        .contains("ingest"));
    let (status, _, _) = call(&app, "GET", "/v1/accounts", Some(INGEST), "").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _) = call(
        &app,
        "POST",
        "/v1/accounts/a/actions",
        Some(READER),
        json!({"action": "block"}).to_string(),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // The right roles pass; analyst reads too, admin does everything.
    for token in [INGEST, READER, ANALYST, ADMIN] {
        let (status, _, _) = call(&app, "POST", "/v1/check", Some(token), check.clone()).await;
        assert_eq!(status, StatusCode::OK);
    }
    let (status, _, _) = call(&app, "GET", "/v1/accounts", Some(ANALYST), "").await;
    assert_eq!(status, StatusCode::OK);
    // Health and readiness are public.
    let (status, answer, _) = call(&app, "GET", "/readyz", None, "").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(answer["ready"], true);
}

#[tokio::test]
async fn malformed_requests_get_clear_400s() {
    let (app, _) = live_app(LiveConfig::default());
    for (uri, body) in [
        ("/v1/check", "{\"account\": 1"),
        ("/v1/check", "{\"account_id\": \"\"}"),
        ("/v1/traces", "not json"),
        ("/v1/accounts/a/actions", "{\"action\": \"nuke\"}"),
        ("/v1/accounts/a/actions", "[]"),
    ] {
        let (status, answer, _) = call(&app, "POST", uri, Some(ADMIN), body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri} {body}: {answer}");
        assert_eq!(answer["http_status"], "400");
    }
    let (status, _, _) = call(&app, "GET", "/v1/accounts?verdict=evil", Some(ADMIN), "").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _, _) = call(&app, "GET", "/v1/accounts/nobody", Some(ADMIN), "").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn analyst_actions_decide_at_once_and_are_audited() {
    let (app, _) = live_app(LiveConfig::default());
    let (_, decision, _) = call(
        &app,
        "POST",
        "/v1/check",
        Some(INGEST),
        json!({"account_id": "acct-7"}).to_string(),
    )
    .await;
    assert_eq!(decision["action"], "allow");
    assert_eq!(decision["source"], "default");
    let (status, answer, _) = call(
        &app,
        "POST",
        "/v1/accounts/acct-7/actions",
        Some(ANALYST),
        json!({"action": "block", "note": "card testing ring"}).to_string(),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    assert_eq!(answer["decision"]["action"], "block");
    let (_, decision, _) = call(
        &app,
        "POST",
        "/v1/check",
        Some(INGEST),
        json!({"account_id": "acct-7"}).to_string(),
    )
    .await;
    assert_eq!(decision["action"], "block");
    assert_eq!(decision["source"], "analyst");
    assert!(decision["reasons"][0]
        .as_str()
        .unwrap_or_default()
        .contains("card testing ring"));
    let (_, audit, _) = call(&app, "GET", "/v1/audit", Some(ANALYST), "").await;
    let entry = &audit["audit"][0];
    assert_eq!(entry["who"], "alice");
    assert_eq!(entry["what"], "account.block");
    assert_eq!(entry["subject"], "acct-7");
    assert!(entry["at"].as_i64().unwrap_or_default() > 0);
    let (status, view, _) = call(&app, "GET", "/v1/accounts/acct-7", Some(READER), "").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(view["actions"][0]["action"], "block");
    // Allow-listing lifts it.
    call(
        &app,
        "POST",
        "/v1/accounts/acct-7/actions",
        Some(ADMIN),
        json!({"action": "allow"}).to_string(),
    )
    .await;
    let (_, decision, _) = call(
        &app,
        "POST",
        "/v1/check",
        Some(INGEST),
        json!({"account_id": "acct-7"}).to_string(),
    )
    .await;
    assert_eq!(decision["action"], "allow");
    assert_eq!(decision["source"], "analyst");
}

#[tokio::test]
async fn reads_metrics_and_traces_after_a_run() {
    let (app, _) = live_app(LiveConfig::default());
    let body = (0..40)
        .map(|i| {
            record(
                &format!("r{i}"),
                &format!("acct-{}", i % 4),
                1_700_000_000_000 + i * 60_000,
            )
        })
        .collect::<Vec<_>>()
        .join("\n");
    call(&app, "POST", "/v1/exchanges", Some(INGEST), body).await;
    let otlp = json!({"resourceSpans": [{"scopeSpans": [{"spans": [{
        "traceId": "t", "spanId": "s1", "startTimeUnixNano": "1700000000000000000",
        "endTimeUnixNano": "1700000001000000000",
        "attributes": [{"key": "enduser.id", "value": {"stringValue": "acct-otel"}}]
    }]}]}]});
    let (status, answer, _) =
        call(&app, "POST", "/v1/traces", Some(INGEST), otlp.to_string()).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["accepted"], 1);
    let (status, run, _) = call(&app, "POST", "/v1/analyze", Some(ANALYST), "").await;
    assert_eq!(status, StatusCode::OK, "{run}");
    assert_eq!(run["exchanges"], 41);
    let (_, accounts, _) = call(&app, "GET", "/v1/accounts", Some(READER), "").await;
    assert_eq!(accounts["total"], 5);
    let (status, view, _) = call(&app, "GET", "/v1/accounts/acct-1", Some(READER), "").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(view["report"]["exchanges"], 10);
    assert_eq!(view["timeline"].as_array().map(Vec::len), Some(10));
    for uri in ["/v1/clusters", "/v1/campaigns", "/v1/alerts"] {
        let (status, _, _) = call(&app, "GET", uri, Some(READER), "").await;
        assert_eq!(status, StatusCode::OK, "{uri}");
    }
    let (status, _, text) = call(&app, "GET", "/metrics", Some(READER), "").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        text.contains("distillguard_exchanges_ingested_total 41"),
        "{text}"
    );
    assert!(text.contains("distillguard_analysis_runs_total 1"));
    assert!(text.contains("distillguard_accounts{verdict=\"benign\"}"));
}
