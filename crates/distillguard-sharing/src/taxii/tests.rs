//! `router().oneshot(..)` tests of the TAXII handlers, with a stand-in for the server's
//! authentication layer that inserts the principal named by a test header.

use std::collections::BTreeSet;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;

use super::sqlite::SqliteStore;
use super::store::{publish_bundle, ObjectStore};
use super::*;

const TAXII: &str = "application/taxii+json;version=2.1";

fn partner() -> Principal {
    Principal {
        name: "partner".into(),
        read: Access::Only(BTreeSet::from([INDICATORS_COLLECTION.to_string()])),
        write: Access::Only(BTreeSet::from([PARTNER_COLLECTION.to_string()])),
        admin: false,
    }
}

fn app_with(store: Arc<SqliteStore>) -> (Router, TaxiiConfig) {
    let config = TaxiiConfig::default();
    let state = Arc::new(TaxiiState {
        config: config.clone(),
        store,
    });
    let router = router(state).layer(axum::middleware::from_fn(
        |mut request: axum::extract::Request, next: axum::middleware::Next| async move {
            let who = request
                .headers()
                .get("x-test-principal")
                .and_then(|v| v.to_str().ok())
                .map(str::to_string);
            match who.as_deref() {
                Some("admin") => {
                    request.extensions_mut().insert(Principal::admin("admin"));
                }
                Some("partner") => {
                    request.extensions_mut().insert(partner());
                }
                _ => {}
            }
            next.run(request).await
        },
    ));
    (router, config)
}

fn published_app(objects: usize) -> (Router, TaxiiConfig, Arc<SqliteStore>) {
    let store = Arc::new(SqliteStore::in_memory().expect("store"));
    let (router, config) = app_with(Arc::clone(&store));
    let indicators = config
        .collection(INDICATORS_COLLECTION)
        .expect("collection")
        .id
        .clone();
    let bundle = json!({
        "type": "bundle",
        "id": "bundle--11111111-1111-4111-8111-111111111111",
        "objects": (0..objects).map(|n| json!({
            "type": "indicator", "spec_version": "2.1",
            "id": format!("indicator--00000000-0000-4000-8000-{n:012}"),
            "created": "2026-01-01T00:00:00.000Z", "modified": "2026-01-01T00:00:00.000Z",
            "pattern": format!("[ipv4-addr:value = '203.0.113.{n}']"), "pattern_type": "stix",
            "valid_from": "2026-01-01T00:00:00Z"
        })).collect::<Vec<_>>(),
    });
    let summary =
        publish_bundle(store.as_ref(), &indicators, &bundle, 1_767_225_600_000).expect("publish");
    assert_eq!(summary.added, objects);
    (router, config, store)
}

async fn call(
    router: &Router,
    method: &str,
    uri: &str,
    who: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, axum::http::HeaderMap, Value) {
    let mut request = Request::builder()
        .method(method)
        .uri(uri)
        .header("accept", TAXII)
        .header("host", "taxii.test");
    if let Some(who) = who {
        request = request.header("x-test-principal", who);
    }
    let request = match body {
        Some(body) => request
            .header("content-type", TAXII)
            .body(Body::from(body.to_string())),
        None => request.body(Body::empty()),
    }
    .expect("request");
    let response = router.clone().oneshot(request).await.expect("response");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    let json = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes)
            .unwrap_or(Value::String(String::from_utf8_lossy(&bytes).into()))
    };
    (status, headers, json)
}

#[tokio::test]
async fn discovery_root_and_collections() {
    let (router, _, _) = published_app(1);
    let (status, headers, body) = call(&router, "GET", "/taxii2/", Some("partner"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], TAXII);
    assert_eq!(body["api_roots"], json!(["http://taxii.test/api/"]));

    let (status, _, body) = call(&router, "GET", "/api/", Some("partner"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["versions"], json!([TAXII]));

    let (_, _, body) = call(&router, "GET", "/api/collections/", Some("partner"), None).await;
    let collections = body["collections"].as_array().expect("collections");
    assert_eq!(collections.len(), 2);
    let by_alias = |alias: &str| {
        collections
            .iter()
            .find(|c| c["alias"] == alias)
            .cloned()
            .expect("collection")
    };
    assert_eq!(by_alias(INDICATORS_COLLECTION)["can_read"], true);
    assert_eq!(by_alias(INDICATORS_COLLECTION)["can_write"], false);
    assert_eq!(by_alias(PARTNER_COLLECTION)["can_read"], false);
    assert_eq!(by_alias(PARTNER_COLLECTION)["can_write"], true);
}

#[tokio::test]
async fn missing_principal_is_401_with_a_taxii_error() {
    let (router, _, _) = published_app(1);
    for uri in [
        "/taxii2/",
        "/api/collections/",
        "/api/collections/distillguard-indicators/objects/",
    ] {
        let (status, headers, body) = call(&router, "GET", uri, None, None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{uri}");
        assert_eq!(headers["content-type"], TAXII);
        assert!(headers.contains_key("www-authenticate"));
        assert_eq!(body["http_status"], "401");
        assert!(body["title"].is_string());
    }
}

#[tokio::test]
async fn wrong_accept_is_406() {
    let (router, _, _) = published_app(1);
    let request = Request::builder()
        .uri("/taxii2/")
        .header("accept", "application/json")
        .header("x-test-principal", "admin")
        .body(Body::empty())
        .expect("request");
    let response = router.oneshot(request).await.expect("response");
    assert_eq!(response.status(), StatusCode::NOT_ACCEPTABLE);
}

#[tokio::test]
async fn objects_paginate_with_next_and_added_after() {
    let (router, _, _) = published_app(7);
    let base = "/api/collections/distillguard-indicators/objects/";
    let mut ids = Vec::new();
    let mut uri = format!("{base}?limit=3");
    let mut pages = 0;
    let mut last_added: String;
    loop {
        let (status, headers, body) = call(&router, "GET", &uri, Some("partner"), None).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        pages += 1;
        let objects = body["objects"].as_array().expect("objects");
        ids.extend(
            objects
                .iter()
                .map(|o| o["id"].as_str().unwrap_or_default().to_string()),
        );
        last_added = headers["x-taxii-date-added-last"]
            .to_str()
            .expect("header")
            .to_string();
        assert!(headers.contains_key("x-taxii-date-added-first"));
        if body["more"] != true {
            break;
        }
        uri = format!(
            "{base}?limit=3&next={}",
            body["next"].as_str().expect("next")
        );
    }
    assert_eq!(pages, 3);
    assert_eq!(ids.len(), 7);
    assert_eq!(ids.iter().collect::<BTreeSet<_>>().len(), 7);

    // Nothing added after the last one.
    let (_, _, body) = call(
        &router,
        "GET",
        &format!("{base}?added_after={last_added}"),
        Some("partner"),
        None,
    )
    .await;
    assert_eq!(body["more"], false);
    assert!(body.get("objects").is_none());

    // Filters.
    let wanted = "indicator--00000000-0000-4000-8000-000000000002";
    let (_, _, body) = call(
        &router,
        "GET",
        &format!("{base}?match[id]={wanted}"),
        Some("partner"),
        None,
    )
    .await;
    assert_eq!(body["objects"].as_array().map(Vec::len), Some(1));
    let (_, _, body) = call(
        &router,
        "GET",
        &format!("{base}?match[type]=campaign"),
        Some("partner"),
        None,
    )
    .await;
    assert!(body.get("objects").is_none());
    let (status, _, _) = call(
        &router,
        "GET",
        &format!("{base}?limit=x"),
        Some("partner"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _, _) = call(
        &router,
        "GET",
        &format!("{base}?added_after=yesterday"),
        Some("partner"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // Manifest, one object, versions.
    let (_, _, body) = call(
        &router,
        "GET",
        "/api/collections/distillguard-indicators/manifest/?limit=2",
        Some("partner"),
        None,
    )
    .await;
    assert_eq!(
        body["objects"][0]["media_type"],
        "application/stix+json;version=2.1"
    );
    assert_eq!(body["more"], true);
    let (status, _, body) = call(
        &router,
        "GET",
        &format!("{base}{wanted}/"),
        Some("partner"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["objects"][0]["id"], wanted);
    let (_, _, body) = call(
        &router,
        "GET",
        &format!("{base}{wanted}/versions/"),
        Some("partner"),
        None,
    )
    .await;
    assert_eq!(body["versions"], json!(["2026-01-01T00:00:00.000Z"]));
    let (status, _, _) = call(
        &router,
        "GET",
        &format!("{base}indicator--99999999-0000-4000-8000-000000000002/"),
        Some("partner"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn partners_push_to_the_writable_collection_only() {
    let (router, config, store) = published_app(1);
    let envelope = json!({ "objects": [
        {"type": "indicator", "spec_version": "2.1", "id": "indicator--aaaaaaaa-0000-4000-8000-000000000001",
         "created": "2026-02-01T00:00:00.000Z", "modified": "2026-02-01T00:00:00.000Z",
         "pattern": "[ipv4-addr:value = '192.0.2.1']", "pattern_type": "stix", "valid_from": "2026-02-01T00:00:00Z"},
        {"type": "indicator", "id": "campaign--aaaaaaaa-0000-4000-8000-000000000001"}
    ]});
    let (status, headers, body) = call(
        &router,
        "POST",
        "/api/collections/partner-intel/objects/",
        Some("partner"),
        Some(envelope.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    assert_eq!(headers["content-type"], TAXII);
    assert_eq!(body["status"], "complete");
    assert_eq!(body["success_count"], 1);
    assert_eq!(body["failure_count"], 1);
    let partner_id = config.collection(PARTNER_COLLECTION).expect("c").id.clone();
    assert!(store
        .latest(
            &partner_id,
            "indicator--aaaaaaaa-0000-4000-8000-000000000001"
        )
        .expect("latest")
        .is_some());

    // The status resource is readable by its owner.
    let status_uri = format!("/api/status/{}/", body["id"].as_str().expect("id"));
    let (status, _, status_body) = call(&router, "GET", &status_uri, Some("partner"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(status_body["success_count"], 1);

    // Read-only collection: 403. Partner may not read partner-intel: 403.
    let (status, _, body) = call(
        &router,
        "POST",
        "/api/collections/distillguard-indicators/objects/",
        Some("partner"),
        Some(envelope.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["http_status"], "403");
    let (status, _, _) = call(
        &router,
        "GET",
        "/api/collections/partner-intel/objects/",
        Some("partner"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // The admin reads what the partner pushed.
    let (status, _, body) = call(
        &router,
        "GET",
        "/api/collections/partner-intel/objects/",
        Some("admin"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["objects"].as_array().map(Vec::len), Some(1));

    // Wrong content type: 415. Not JSON: 400. Unknown collection: 404.
    let request = Request::builder()
        .method("POST")
        .uri("/api/collections/partner-intel/objects/")
        .header("content-type", "application/json")
        .header("x-test-principal", "partner")
        .body(Body::from(envelope.to_string()))
        .expect("request");
    let response = router.clone().oneshot(request).await.expect("response");
    assert_eq!(response.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let request = Request::builder()
        .method("POST")
        .uri("/api/collections/partner-intel/objects/")
        .header("content-type", TAXII)
        .header("x-test-principal", "partner")
        .body(Body::from("{not json"))
        .expect("request");
    let response = router.clone().oneshot(request).await.expect("response");
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let (status, _, _) = call(
        &router,
        "GET",
        "/api/collections/nope/objects/",
        Some("admin"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
