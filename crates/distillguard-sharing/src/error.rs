//! [`SharingError`]: everything that can go wrong in this crate, in one enum.
//!
//! Each variant knows its HTTP status ([`SharingError::http_status`]); that is the only
//! place where sharing errors become statuses (the server delegates to it).

use axum::http::StatusCode;

#[derive(Debug, thiserror::Error)]
pub enum SharingError {
    /// A STIX pattern we cannot read, with the reason.
    #[error("pattern {pattern:?}: {reason}")]
    Pattern { pattern: String, reason: String },
    /// A value that cannot be turned into an indicator of its kind.
    #[error("{kind} value {value:?} is not valid: {reason}")]
    IndicatorValue {
        kind: &'static str,
        value: String,
        reason: String,
    },
    /// The caller gave no credentials, or ones we do not know.
    #[error("authentication required: {0}")]
    Unauthenticated(String),
    /// The caller is known but may not do this.
    #[error("permission denied: {0}")]
    Forbidden(String),
    /// No such API root, collection, object or status.
    #[error("not found: {0}")]
    NotFound(String),
    /// The request is malformed (bad query parameter, bad envelope).
    #[error("bad request: {0}")]
    BadRequest(String),
    /// The client does not accept any media type we serve.
    #[error("not acceptable: {0}")]
    NotAcceptable(String),
    /// The request body has a media type we do not take.
    #[error("unsupported media type: {0}")]
    UnsupportedMediaType(String),
    /// The request body is larger than the API root allows.
    #[error("request too large: {0}")]
    TooLarge(String),
    /// The object store failed.
    #[error("storage: {0}")]
    Storage(#[from] rusqlite::Error),
    /// Reading or writing the store's files failed.
    #[error("storage i/o: {0}")]
    Io(#[from] std::io::Error),
    /// Stored data could not be decoded (a bug or a corrupted store).
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
}

impl SharingError {
    /// The HTTP status this error is reported with. The one mapping for this crate.
    pub fn http_status(&self) -> StatusCode {
        match self {
            SharingError::Pattern { .. }
            | SharingError::IndicatorValue { .. }
            | SharingError::BadRequest(_) => StatusCode::BAD_REQUEST,
            SharingError::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
            SharingError::Forbidden(_) => StatusCode::FORBIDDEN,
            SharingError::NotFound(_) => StatusCode::NOT_FOUND,
            SharingError::NotAcceptable(_) => StatusCode::NOT_ACCEPTABLE,
            SharingError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            SharingError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            SharingError::Storage(_) | SharingError::Io(_) | SharingError::Corrupt(_) => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
        }
    }

    /// A short title for the TAXII error message.
    pub fn title(&self) -> &'static str {
        match self {
            SharingError::Pattern { .. } => "Unreadable pattern",
            SharingError::IndicatorValue { .. } => "Invalid indicator value",
            SharingError::Unauthenticated(_) => "Authentication required",
            SharingError::Forbidden(_) => "Permission denied",
            SharingError::NotFound(_) => "Not found",
            SharingError::BadRequest(_) => "Bad request",
            SharingError::NotAcceptable(_) => "Not acceptable",
            SharingError::UnsupportedMediaType(_) => "Unsupported media type",
            SharingError::TooLarge(_) => "Request too large",
            SharingError::Storage(_) | SharingError::Io(_) | SharingError::Corrupt(_) => {
                "Internal error"
            }
        }
    }
}
