//! `app().oneshot(..)` tests: authentication in front of TAXII, and the public health check.
//! The live API's tests are in `live_tests.rs`.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use base64::Engine;
use distillguard_sharing::taxii::sqlite::SqliteStore;
use distillguard_sharing::taxii::{Access, TaxiiConfig, TaxiiState, PARTNER_COLLECTION};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

use super::*;
use crate::auth::token_digest;
use crate::config::TokenGrant;

const ADMIN: &str = "admin-token-0123456789abcdef";
const PARTNER: &str = "partner-token-0123456789abcdef";

fn test_app() -> axum::Router {
    let grant = TokenGrant {
        name: "partner-a".into(),
        token_sha256: token_digest(PARTNER),
        read: Access::none(),
        write: Access::Only([PARTNER_COLLECTION.to_string()].into()),
        roles: crate::roles::Roles::NONE,
    };
    let state = AppState {
        tokens: Arc::new(TokenRegistry::new(ADMIN, &[grant])),
        taxii: Arc::new(TaxiiState {
            config: TaxiiConfig::default(),
            store: Arc::new(SqliteStore::in_memory().expect("store")),
        }),
        live: None,
    };
    app(state)
}

async fn get(app: &axum::Router, uri: &str, auth: Option<String>) -> (StatusCode, String, Value) {
    let mut request = Request::builder()
        .uri(uri)
        .header("accept", "application/taxii+json;version=2.1");
    if let Some(auth) = auth {
        request = request.header("authorization", auth);
    }
    let response = app
        .clone()
        .oneshot(request.body(Body::empty()).expect("request"))
        .await
        .expect("response");
    let status = response.status();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    (
        status,
        content_type,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

fn basic(user: &str, password: &str) -> String {
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
    )
}

#[tokio::test]
async fn health_needs_no_token() {
    let (status, _, body) = get(&test_app(), "/healthz", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["status"], "ok");
}

#[tokio::test]
async fn missing_or_wrong_tokens_get_401_with_a_taxii_error() {
    let app = test_app();
    for auth in [
        None,
        Some("Bearer wrong".to_string()),
        Some(basic("admin", "wrong")),
        Some("Token abc".to_string()),
    ] {
        let (status, content_type, body) = get(&app, "/taxii2/", auth.clone()).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{auth:?}");
        assert_eq!(content_type, "application/taxii+json;version=2.1");
        assert_eq!(body["http_status"], "401");
        assert_eq!(body["title"], "Authentication required");
    }
}

#[tokio::test]
async fn tokens_work_as_bearer_or_basic_password() {
    let app = test_app();
    for auth in [format!("Bearer {ADMIN}"), basic("anyone", ADMIN)] {
        let (status, _, body) = get(&app, "/taxii2/", Some(auth)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(body["api_roots"].is_array());
    }
    // The partner sees only the collection it may write to, and may not read it.
    let (_, _, body) = get(&app, "/api/collections/", Some(basic("partner-a", PARTNER))).await;
    let collections = body["collections"].as_array().expect("collections");
    assert_eq!(collections.len(), 1);
    assert_eq!(collections[0]["alias"], PARTNER_COLLECTION);
    let (status, _, _) = get(
        &app,
        "/api/collections/distillguard-indicators/objects/",
        Some(basic("partner-a", PARTNER)),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, body) = get(
        &app,
        "/api/collections/partner-intel/objects/",
        Some(basic("partner-a", PARTNER)),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["http_status"], "403");
}

#[test]
fn every_error_has_one_status() {
    use crate::error::status_of;
    use distillguard_sharing::SharingError;
    assert_eq!(
        status_of(&ServerError::Unauthenticated("x".into())),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        status_of(&ServerError::Sharing(SharingError::Forbidden("x".into()))),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        status_of(&ServerError::Config("x".into())),
        StatusCode::INTERNAL_SERVER_ERROR
    );
}
