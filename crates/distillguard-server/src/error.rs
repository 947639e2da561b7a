//! [`ServerError`] and [`status_of`], the one function that maps errors to HTTP statuses.
//!
//! Error bodies have the TAXII error shape (`title`, `description`, `http_status`), which
//! is plain JSON to non-TAXII clients too.

use std::path::PathBuf;

use axum::http::header::{CONTENT_TYPE, WWW_AUTHENTICATE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use distillguard_live::LiveError;
use distillguard_sharing::taxii::media::TAXII_MEDIA_TYPE;
use distillguard_sharing::SharingError;
use serde_json::json;

#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error(transparent)]
    Sharing(#[from] SharingError),
    #[error("authentication required: {0}")]
    Unauthenticated(String),
    #[error("configuration: {0}")]
    Config(String),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("report {path}: {reason}")]
    Report { path: PathBuf, reason: String },
    #[error("forbidden: {0}")]
    Forbidden(String),
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("request body larger than {limit} bytes; send smaller batches")]
    PayloadTooLarge { limit: usize },
    #[error("not found: {0}")]
    NotFound(String),
    #[error("not ready: {0}")]
    Unavailable(String),
    #[error(transparent)]
    Live(#[from] LiveError),
}

/// The HTTP status of an error. The only place statuses are chosen for errors.
pub fn status_of(err: &ServerError) -> StatusCode {
    match err {
        ServerError::Sharing(inner) => inner.http_status(),
        ServerError::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
        ServerError::Forbidden(_) => StatusCode::FORBIDDEN,
        ServerError::BadRequest(_) => StatusCode::BAD_REQUEST,
        ServerError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
        ServerError::NotFound(_) => StatusCode::NOT_FOUND,
        ServerError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        ServerError::Live(LiveError::BadRequest(_)) => StatusCode::BAD_REQUEST,
        ServerError::Live(LiveError::NotFound(_)) => StatusCode::NOT_FOUND,
        ServerError::Live(LiveError::Follower(_)) => StatusCode::CONFLICT,
        ServerError::Live(_)
        | ServerError::Config(_)
        | ServerError::Io { .. }
        | ServerError::Report { .. } => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

fn title_of(err: &ServerError) -> &'static str {
    match err {
        ServerError::Sharing(inner) => inner.title(),
        ServerError::Unauthenticated(_) => "Authentication required",
        ServerError::Forbidden(_) => "Forbidden",
        ServerError::BadRequest(_) | ServerError::Live(LiveError::BadRequest(_)) => "Bad request",
        ServerError::PayloadTooLarge { .. } => "Payload too large",
        ServerError::NotFound(_) | ServerError::Live(LiveError::NotFound(_)) => "Not found",
        ServerError::Unavailable(_) => "Service unavailable",
        ServerError::Live(LiveError::Follower(_)) => "Conflict",
        _ => "Internal error",
    }
}

impl IntoResponse for ServerError {
    fn into_response(self) -> Response {
        let status = status_of(&self);
        let description = if status.is_server_error() {
            tracing::error!(error = %self, "request failed");
            "the server could not complete the request; see its log".to_string()
        } else {
            self.to_string()
        };
        let body = json!({
            "title": title_of(&self),
            "description": description,
            "http_status": status.as_u16().to_string(),
        });
        let mut response = (status, body.to_string()).into_response();
        let headers = response.headers_mut();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(TAXII_MEDIA_TYPE));
        if status == StatusCode::UNAUTHORIZED {
            headers.insert(
                WWW_AUTHENTICATE,
                HeaderValue::from_static(
                    "Basic realm=\"distillguard\", Bearer realm=\"distillguard\"",
                ),
            );
        }
        response
    }
}
