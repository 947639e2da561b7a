//! [`LiveError`]: why a live-service operation could not complete. Bad records are not
//! errors (they are reported per line); these are failures of the service itself or of
//! a whole request (an unknown account, an unusable body).

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum LiveError {
    /// The database failed (disk full, corrupt file, ...).
    #[error("database: {0}")]
    Database(#[from] rusqlite::Error),
    /// The PostgreSQL database failed or could not be reached.
    #[error("postgres: {0}")]
    Postgres(#[from] postgres::Error),
    /// A stored value could not be read back (a bug or a hand-edited database).
    #[error("stored data: {0}")]
    Stored(String),
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The request as a whole is unusable (for example an OTLP body that is not JSON).
    #[error("bad request: {0}")]
    BadRequest(String),
    /// The named account, cluster or campaign is not known.
    #[error("not found: {0}")]
    NotFound(String),
    /// Another instance on the same database runs the analyses (several instances
    /// on one PostgreSQL database).
    #[error("{0}")]
    Follower(String),
    /// A setting is invalid.
    #[error("configuration: {0}")]
    Config(String),
}
