//! The TAXII 2.1 endpoints. Each handler: who is calling ([`Caller`]), which collection,
//! may they, then one store call on the blocking pool.

use std::sync::Arc;

use axum::extract::{FromRequestParts, Path, Query, Request, State};
use axum::http::header::{CONTENT_TYPE, HOST, WWW_AUTHENTICATE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use super::media::{is_taxii_content, STIX_MEDIA_TYPE, TAXII_MEDIA_TYPE};
use super::store::{
    new_object, parse_micros, Added, NewObject, ObjectQuery, Page, StatusRecord, VersionFilter,
};
use super::{CollectionSpec, Principal, TaxiiState};
use crate::error::SharingError;

/// A TAXII error message (TAXII 2.1 §3.6.1) with the error's status.
pub fn error_response(err: &SharingError) -> Response {
    let status = err.http_status();
    let description = if status.is_server_error() {
        tracing::error!(error = %err, "TAXII request failed");
        "the server could not complete the request; see its log".to_string()
    } else {
        err.to_string()
    };
    let body = json!({
        "title": err.title(),
        "description": description,
        "http_status": status.as_u16().to_string(),
    });
    let mut response = taxii_json(status, &body);
    if status == StatusCode::UNAUTHORIZED {
        response.headers_mut().insert(
            WWW_AUTHENTICATE,
            HeaderValue::from_static("Basic realm=\"distillguard\", Bearer realm=\"distillguard\""),
        );
    }
    response
}

/// A handler error: rendered by [`error_response`].
pub struct TaxiiError(SharingError);

impl From<SharingError> for TaxiiError {
    fn from(err: SharingError) -> Self {
        TaxiiError(err)
    }
}

impl IntoResponse for TaxiiError {
    fn into_response(self) -> Response {
        error_response(&self.0)
    }
}

type TaxiiResult = Result<Response, TaxiiError>;

fn taxii_json(status: StatusCode, body: &Value) -> Response {
    let mut response = (status, body.to_string()).into_response();
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(TAXII_MEDIA_TYPE));
    response
}

/// The authenticated caller, from the request extensions.
pub struct Caller(pub Principal);

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = TaxiiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Principal>()
            .cloned()
            .map(Caller)
            .ok_or_else(|| {
                TaxiiError(SharingError::Unauthenticated(
                    "send a token as Bearer, or as the password of HTTP Basic".into(),
                ))
            })
    }
}

/// Runs a store call on the blocking pool.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, SharingError> + Send + 'static,
) -> Result<T, SharingError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| SharingError::Corrupt(format!("store task failed: {e}")))?
}

fn base_url(state: &TaxiiState, headers: &HeaderMap) -> String {
    if let Some(url) = &state.config.public_url {
        return url.trim_end_matches('/').to_string();
    }
    let host = headers
        .get(HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    format!("http://{host}")
}

pub async fn discovery(
    State(state): State<Arc<TaxiiState>>,
    Caller(_caller): Caller,
    headers: HeaderMap,
) -> TaxiiResult {
    let root = format!("{}/{}/", base_url(&state, &headers), state.config.api_root);
    Ok(taxii_json(
        StatusCode::OK,
        &json!({
            "title": state.config.title,
            "description": state.config.description,
            "default": root,
            "api_roots": [root],
        }),
    ))
}

pub async fn api_root(
    State(state): State<Arc<TaxiiState>>,
    Caller(_caller): Caller,
) -> TaxiiResult {
    Ok(taxii_json(
        StatusCode::OK,
        &json!({
            "title": state.config.title,
            "description": state.config.description,
            "versions": [TAXII_MEDIA_TYPE],
            "max_content_length": state.config.max_content_length,
        }),
    ))
}

fn collection_resource(spec: &CollectionSpec, caller: &Principal) -> Value {
    json!({
        "id": spec.id,
        "title": spec.title,
        "description": spec.description,
        "alias": spec.alias,
        "can_read": caller.can_read(spec),
        "can_write": caller.can_write(spec),
        "media_types": [STIX_MEDIA_TYPE],
    })
}

pub async fn collections(
    State(state): State<Arc<TaxiiState>>,
    Caller(caller): Caller,
) -> TaxiiResult {
    let visible: Vec<Value> = state
        .config
        .collections
        .iter()
        .filter(|c| caller.can_read(c) || caller.can_write(c))
        .map(|c| collection_resource(c, &caller))
        .collect();
    let body = if visible.is_empty() {
        json!({})
    } else {
        json!({ "collections": visible })
    };
    Ok(taxii_json(StatusCode::OK, &body))
}

/// The collection named in the URL, if the caller may see it at all.
fn find_collection<'a>(
    state: &'a TaxiiState,
    key: &str,
    caller: &Principal,
) -> Result<&'a CollectionSpec, SharingError> {
    state
        .config
        .collection(key)
        .filter(|c| caller.can_read(c) || caller.can_write(c))
        .ok_or_else(|| SharingError::NotFound(format!("collection {key:?}")))
}

fn readable_collection<'a>(
    state: &'a TaxiiState,
    key: &str,
    caller: &Principal,
) -> Result<&'a CollectionSpec, SharingError> {
    let collection = find_collection(state, key, caller)?;
    if !caller.can_read(collection) {
        return Err(SharingError::Forbidden(format!(
            "{} may not read collection {:?}",
            caller.name, collection.alias
        )));
    }
    Ok(collection)
}

pub async fn collection(
    State(state): State<Arc<TaxiiState>>,
    Caller(caller): Caller,
    Path(key): Path<String>,
) -> TaxiiResult {
    let spec = find_collection(&state, &key, &caller)?;
    Ok(taxii_json(
        StatusCode::OK,
        &collection_resource(spec, &caller),
    ))
}

/// The values of a filter parameter: repeated and/or comma-separated.
fn values_of(params: &[(String, String)], name: &str) -> Vec<String> {
    params
        .iter()
        .filter(|(key, _)| key == name)
        .flat_map(|(_, value)| value.split(','))
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
        .collect()
}

/// Reads the query parameters of objects/manifest requests.
fn object_query(
    state: &TaxiiState,
    params: &[(String, String)],
    allow_id_and_type: bool,
) -> Result<ObjectQuery, SharingError> {
    let mut query = ObjectQuery {
        limit: 100.min(state.config.max_page_size),
        ..ObjectQuery::default()
    };
    for (key, value) in params {
        match key.as_str() {
            "added_after" => {
                query.added_after = Some(parse_micros(value).ok_or_else(|| {
                    SharingError::BadRequest(format!(
                        "added_after {value:?} is not an RFC 3339 timestamp"
                    ))
                })?)
            }
            "limit" => {
                let limit: usize = value.trim().parse().map_err(|_| {
                    SharingError::BadRequest(format!("limit {value:?} is not a positive integer"))
                })?;
                if limit == 0 {
                    return Err(SharingError::BadRequest("limit must be at least 1".into()));
                }
                query.limit = limit.min(state.config.max_page_size);
            }
            "next" => query.next = Some(value.clone()),
            "match[id]" | "match[type]" if allow_id_and_type => {}
            "match[version]" | "match[spec_version]" => {}
            other if other.starts_with("match[") => {
                return Err(SharingError::BadRequest(format!(
                    "filter {other} is not supported here"
                )))
            }
            _ => {}
        }
    }
    if allow_id_and_type {
        query.ids = values_of(params, "match[id]");
        query.types = values_of(params, "match[type]");
    }
    query.spec_versions = values_of(params, "match[spec_version]");
    let versions = values_of(params, "match[version]");
    if !versions.is_empty() {
        let mut filter = VersionFilter::default();
        for version in versions {
            match version.as_str() {
                "first" => filter.first = true,
                "last" => filter.last = true,
                "all" => filter.all = true,
                timestamp => filter.exact.push(parse_micros(timestamp).ok_or_else(|| {
                    SharingError::BadRequest(format!(
                        "match[version] {timestamp:?} is not first, last, all or a timestamp"
                    ))
                })?),
            }
        }
        query.versions = filter;
    }
    Ok(query)
}

/// A page as a response: the envelope (or manifest) and the date-added headers.
fn page_response(page: &Page, manifest: bool) -> Response {
    let mut body = json!({ "more": page.more });
    if let Some(next) = &page.next {
        body["next"] = json!(next);
    }
    if !page.objects.is_empty() {
        body["objects"] = if manifest {
            page.objects
                .iter()
                .map(|o| {
                    json!({
                        "id": o.id,
                        "date_added": o.date_added,
                        "version": o.version,
                        "media_type": o.media_type,
                    })
                })
                .collect()
        } else {
            page.objects.iter().map(|o| o.object.clone()).collect()
        };
    }
    let mut response = taxii_json(StatusCode::OK, &body);
    if let (Some(first), Some(last)) = (page.objects.first(), page.objects.last()) {
        for (name, value) in [
            ("X-TAXII-Date-Added-First", &first.date_added),
            ("X-TAXII-Date-Added-Last", &last.date_added),
        ] {
            if let Ok(value) = HeaderValue::from_str(value) {
                response.headers_mut().insert(name, value);
            }
        }
    }
    response
}

async fn run_query(
    state: &Arc<TaxiiState>,
    collection_id: String,
    query: ObjectQuery,
) -> Result<Page, SharingError> {
    let store = Arc::clone(&state.store);
    blocking(move || store.query(&collection_id, &query)).await
}

pub async fn get_objects(
    State(state): State<Arc<TaxiiState>>,
    Caller(caller): Caller,
    Path(key): Path<String>,
    Query(params): Query<Vec<(String, String)>>,
) -> TaxiiResult {
    let collection = readable_collection(&state, &key, &caller)?;
    let query = object_query(&state, &params, true)?;
    let page = run_query(&state, collection.id.clone(), query).await?;
    Ok(page_response(&page, false))
}

pub async fn get_manifest(
    State(state): State<Arc<TaxiiState>>,
    Caller(caller): Caller,
    Path(key): Path<String>,
    Query(params): Query<Vec<(String, String)>>,
) -> TaxiiResult {
    let collection = readable_collection(&state, &key, &caller)?;
    let query = object_query(&state, &params, true)?;
    let page = run_query(&state, collection.id.clone(), query).await?;
    Ok(page_response(&page, true))
}

pub async fn get_object(
    State(state): State<Arc<TaxiiState>>,
    Caller(caller): Caller,
    Path((key, object_id)): Path<(String, String)>,
    Query(params): Query<Vec<(String, String)>>,
) -> TaxiiResult {
    let collection = readable_collection(&state, &key, &caller)?;
    let mut query = object_query(&state, &params, false)?;
    query.ids = vec![object_id.clone()];
    let page = run_query(&state, collection.id.clone(), query).await?;
    if page.objects.is_empty() && page.next.is_none() {
        return Err(SharingError::NotFound(format!("object {object_id:?}")).into());
    }
    Ok(page_response(&page, false))
}

pub async fn get_versions(
    State(state): State<Arc<TaxiiState>>,
    Caller(caller): Caller,
    Path((key, object_id)): Path<(String, String)>,
    Query(params): Query<Vec<(String, String)>>,
) -> TaxiiResult {
    let collection = readable_collection(&state, &key, &caller)?;
    let mut query = object_query(&state, &params, false)?;
    query.ids = vec![object_id.clone()];
    query.versions = VersionFilter::all();
    let page = run_query(&state, collection.id.clone(), query).await?;
    if page.objects.is_empty() && page.next.is_none() {
        return Err(SharingError::NotFound(format!("object {object_id:?}")).into());
    }
    let mut body = json!({
        "more": page.more,
        "versions": page.objects.iter().map(|o| o.version.clone()).collect::<Vec<_>>(),
    });
    if let Some(next) = &page.next {
        body["next"] = json!(next);
    }
    Ok(taxii_json(StatusCode::OK, &body))
}

pub async fn add_objects(
    State(state): State<Arc<TaxiiState>>,
    Caller(caller): Caller,
    Path(key): Path<String>,
    request: Request,
) -> TaxiiResult {
    let collection = find_collection(&state, &key, &caller)?.clone();
    if !caller.can_write(&collection) {
        return Err(SharingError::Forbidden(format!(
            "{} may not add objects to collection {:?}",
            caller.name, collection.alias
        ))
        .into());
    }
    if !is_taxii_content(request.headers()) {
        return Err(SharingError::UnsupportedMediaType(format!(
            "send the envelope as {TAXII_MEDIA_TYPE}"
        ))
        .into());
    }
    let limit = state.config.max_content_length;
    let body = axum::body::to_bytes(request.into_body(), limit)
        .await
        .map_err(|_| SharingError::TooLarge(format!("the API root takes at most {limit} bytes")))?;
    let envelope: Value = serde_json::from_slice(&body)
        .map_err(|e| SharingError::BadRequest(format!("body is not JSON: {e}")))?;
    let objects = envelope
        .get("objects")
        .and_then(Value::as_array)
        .ok_or_else(|| {
            SharingError::BadRequest("expected an envelope {\"objects\": [...]}".into())
        })?;

    let now = chrono::Utc::now();
    let mut accepted: Vec<NewObject> = Vec::new();
    let mut failures: Vec<Value> = Vec::new();
    for object in objects {
        match new_object(object) {
            Ok(new) => accepted.push(new),
            Err(message) => failures.push(json!({
                "id": object.get("id").and_then(Value::as_str).unwrap_or("unknown"),
                "message": message,
            })),
        }
    }
    let store = Arc::clone(&state.store);
    let collection_id = collection.id.clone();
    let now_ms = now.timestamp_millis();
    let to_add = accepted.clone();
    let outcomes = blocking(move || store.add_objects(&collection_id, &to_add, now_ms)).await?;
    let successes: Vec<Value> = accepted
        .iter()
        .zip(&outcomes)
        .map(|(object, outcome)| {
            let mut entry = json!({ "id": object.id });
            if let Some(version) = &object.version {
                entry["version"] = json!(version);
            }
            if *outcome == Added::AlreadyThere {
                entry["message"] = json!("already in the collection");
            }
            entry
        })
        .collect();
    tracing::info!(
        caller = %caller.name,
        collection = %collection.alias,
        added = successes.len(),
        failed = failures.len(),
        "TAXII objects added"
    );
    let status_id = uuid::Uuid::new_v4().hyphenated().to_string();
    let resource = json!({
        "id": status_id,
        "status": "complete",
        "request_timestamp": now.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
        "total_count": objects.len(),
        "success_count": successes.len(),
        "successes": successes,
        "failure_count": failures.len(),
        "failures": failures,
        "pending_count": 0,
        "pendings": [],
    });
    let record = StatusRecord {
        id: status_id,
        owner: caller.name.clone(),
        resource: resource.clone(),
    };
    let store = Arc::clone(&state.store);
    blocking(move || store.put_status(&record)).await?;
    Ok(taxii_json(StatusCode::ACCEPTED, &resource))
}

pub async fn get_status(
    State(state): State<Arc<TaxiiState>>,
    Caller(caller): Caller,
    Path(status_id): Path<String>,
) -> TaxiiResult {
    let store = Arc::clone(&state.store);
    let id = status_id.clone();
    let record = blocking(move || store.status(&id)).await?;
    match record {
        Some(record) if caller.admin || record.owner == caller.name => {
            Ok(taxii_json(StatusCode::OK, &record.resource))
        }
        _ => Err(SharingError::NotFound(format!("status {status_id:?}")).into()),
    }
}
