//! [`GatewayError`] and [`ApiError`]: every refusal and failure the gateway answers
//! itself, in the error shape of the API the client speaks.
//!
//! [`status_of`] is the one place that maps an error to an HTTP status. Shapes:
//! - Anthropic: `{"type":"error","error":{"type":"rate_limit_error","message":"..."}}`
//!   with the API's error types (`invalid_request_error`, `permission_error`,
//!   `request_too_large`, `rate_limit_error`, `api_error`, `overloaded_error`);
//! - OpenAI: `{"error":{"message":"...","type":"...","param":null,"code":"..."}}`.
//!
//! Refusals that must not be retried (block, verify, bad requests) carry
//! `x-should-retry: false`, which both official SDKs honour; throttling carries
//! `retry-after` (seconds) and `x-should-retry: true`.

use axum::http::header::{CONTENT_TYPE, RETRY_AFTER};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::dialect::Dialect;

/// What went wrong, independent of the API shape.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GatewayError {
    #[error("request body is not valid JSON: {0}")]
    MalformedJson(String),
    #[error("request body is larger than the gateway's limit of {limit} bytes")]
    TooLarge { limit: usize },
    #[error("{0}")]
    InvalidRequest(String),
    #[error("{message}")]
    Throttled { message: String, retry_after_s: u64 },
    #[error("{0}")]
    Blocked(String),
    #[error("{0}")]
    VerificationRequired(String),
    #[error("the upstream API could not be reached: {0}")]
    UpstreamUnavailable(String),
    #[error("the gateway's decision service is unavailable")]
    DecisionUnavailable,
}

/// The HTTP status of an error. The only place statuses are chosen for errors.
pub fn status_of(err: &GatewayError) -> StatusCode {
    match err {
        GatewayError::MalformedJson(_) | GatewayError::InvalidRequest(_) => StatusCode::BAD_REQUEST,
        GatewayError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
        GatewayError::Throttled { .. } => StatusCode::TOO_MANY_REQUESTS,
        GatewayError::Blocked(_) | GatewayError::VerificationRequired(_) => StatusCode::FORBIDDEN,
        GatewayError::UpstreamUnavailable(_) => StatusCode::BAD_GATEWAY,
        GatewayError::DecisionUnavailable => StatusCode::SERVICE_UNAVAILABLE,
    }
}

/// (Anthropic error type, OpenAI error type, OpenAI code).
fn types_of(err: &GatewayError) -> (&'static str, &'static str, &'static str) {
    match err {
        GatewayError::MalformedJson(_) => (
            "invalid_request_error",
            "invalid_request_error",
            "invalid_json",
        ),
        GatewayError::InvalidRequest(_) => (
            "invalid_request_error",
            "invalid_request_error",
            "invalid_request",
        ),
        GatewayError::TooLarge { .. } => (
            "request_too_large",
            "invalid_request_error",
            "request_too_large",
        ),
        GatewayError::Throttled { .. } => ("rate_limit_error", "requests", "rate_limit_exceeded"),
        GatewayError::Blocked(_) => ("permission_error", "permission_error", "account_blocked"),
        GatewayError::VerificationRequired(_) => (
            "permission_error",
            "permission_error",
            "verification_required",
        ),
        GatewayError::UpstreamUnavailable(_) => {
            ("api_error", "server_error", "upstream_unavailable")
        }
        GatewayError::DecisionUnavailable => {
            ("overloaded_error", "server_error", "service_unavailable")
        }
    }
}

/// A [`GatewayError`] rendered for one API's clients.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub dialect: Dialect,
    pub error: GatewayError,
}

impl ApiError {
    pub fn new(dialect: Dialect, error: GatewayError) -> ApiError {
        ApiError { dialect, error }
    }

    /// The JSON body in the dialect's shape.
    pub fn body(&self) -> serde_json::Value {
        let (anthropic_type, openai_type, openai_code) = types_of(&self.error);
        let message = self.error.to_string();
        if self.dialect.is_anthropic() {
            json!({"type": "error", "error": {"type": anthropic_type, "message": message}})
        } else {
            json!({"error": {"message": message, "type": openai_type, "param": null, "code": openai_code}})
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = status_of(&self.error);
        let body = serde_json::to_vec(&self.body()).unwrap_or_default();
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        let retryable = match &self.error {
            GatewayError::Throttled { retry_after_s, .. } => {
                headers.insert(RETRY_AFTER, HeaderValue::from(*retry_after_s));
                true
            }
            GatewayError::UpstreamUnavailable(_) | GatewayError::DecisionUnavailable => true,
            _ => false,
        };
        headers.insert(
            "x-should-retry",
            HeaderValue::from_static(if retryable { "true" } else { "false" }),
        );
        response
    }
}
