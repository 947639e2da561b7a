//! Errors and rejects.
//!
//! Two kinds of failure, kept apart on purpose:
//! - [`IngestError`]: the run cannot go on (a path cannot be opened or read, a mapping
//!   config is invalid, the caller's sink failed). The binary maps these to exit codes.
//! - [`Reject`]: one bad record (or one bad file, e.g. a truncated gzip). Bad input is
//!   data: it is counted, streamed to the caller, and reading carries on.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;

/// Why ingest could not go on. Everything else is a [`Reject`].
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// A path given as input (or found in a folder) cannot be opened: missing,
    /// permission denied, ... The binary maps this to exit code 2.
    #[error("cannot open {}: {source}", path.display())]
    Open {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Reading an opened, uncompressed file failed (a disk error, not bad data).
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A side input (accounts, releases, labels) is not usable as a whole.
    #[error("{}: {message}", path.display())]
    SideInput { path: PathBuf, message: String },
    /// A field-mapping config is not valid (unknown name, bad TOML, bad path syntax).
    #[error("mapping {name}: {message}")]
    Mapping { name: String, message: String },
    /// The caller's event sink asked to stop (for example, writing rejects failed).
    #[error("event sink failed: {0}")]
    Sink(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl IngestError {
    pub(crate) fn open(path: &Path, source: std::io::Error) -> Self {
        IngestError::Open {
            path: path.to_path_buf(),
            source,
        }
    }

    /// The path this error is about, where it is about one.
    pub fn path(&self) -> Option<&Path> {
        match self {
            IngestError::Open { path, .. }
            | IngestError::Read { path, .. }
            | IngestError::SideInput { path, .. } => Some(path),
            IngestError::Mapping { .. } | IngestError::Sink(_) => None,
        }
    }
}

/// Why one record (or one file) was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RejectReason {
    /// The line is not valid UTF-8.
    InvalidUtf8,
    /// The line is not JSON, or not a JSON object where one is needed.
    NotJson(String),
    /// A required field (`ts`, `account_id`) is missing, null or empty.
    Missing(&'static str),
    /// A field has a value of the wrong type or an unreadable value.
    BadField { field: String, message: String },
    /// The line is longer than the configured cap (`ReadOptions::max_line_bytes`).
    LineTooLong { max_bytes: usize },
    /// A compressed stream ended early or is corrupt; records before it were kept.
    Truncated(String),
    /// The file holds no records at all.
    EmptyFile,
}

impl fmt::Display for RejectReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RejectReason::InvalidUtf8 => write!(f, "invalid UTF-8"),
            RejectReason::NotJson(msg) => write!(f, "not a JSON record: {msg}"),
            RejectReason::Missing(field) => write!(f, "missing {field}"),
            RejectReason::BadField { field, message } => write!(f, "field {field}: {message}"),
            RejectReason::LineTooLong { max_bytes } => {
                write!(f, "line longer than {max_bytes} bytes")
            }
            RejectReason::Truncated(msg) => {
                write!(f, "compressed stream truncated or corrupt: {msg}")
            }
            RejectReason::EmptyFile => write!(f, "empty file"),
        }
    }
}

/// One rejected record: where it was and why. `line` is 1-based (for Parquet, the row
/// number; 0 for a reject about a whole file such as [`RejectReason::EmptyFile`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reject {
    pub file: PathBuf,
    pub line: u64,
    pub reason: RejectReason,
}

#[derive(Serialize)]
struct RejectLine {
    file: String,
    line: u64,
    reason: String,
}

impl Reject {
    /// The reject as one JSON line, `{"file","line","reason"}`, without the newline.
    pub fn to_json_line(&self) -> String {
        let line = RejectLine {
            file: self.file.display().to_string(),
            line: self.line,
            reason: self.reason.to_string(),
        };
        // Serialising a struct of strings and an integer cannot fail.
        serde_json::to_string(&line).unwrap_or_default()
    }
}

impl fmt::Display for Reject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file.display(), self.line, self.reason)
    }
}
