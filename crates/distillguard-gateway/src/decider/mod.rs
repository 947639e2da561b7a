//! [`Decider`]: where the gateway gets its decisions and sends its exchange records.
//!
//! `check` is on the request path (awaited); `record` is fire-and-forget: an
//! implementation queues the exchange and returns at once (batching and delivery happen
//! off the request path). Implementations:
//! - [`RemoteDecider`]: a running `distillguard serve`, over HTTP (`POST /v1/check`,
//!   batched NDJSON `POST /v1/exchanges`), with a bearer token;
//! - [`PolicyDecider`]: a static file of account ids → actions (operators' manual lists,
//!   tests);
//! - [`EmbeddedDecider`]: the live engine in this process (`--data DIR`).
//!
//! What happens when `check` fails (fail open or closed) is the proxy's choice
//! ([`crate::FailMode`]), the same for every decider.

pub mod embedded;
pub mod policy;
pub mod remote;

use std::future::Future;
use std::pin::Pin;

use distillguard_model::check::{CheckRequest, CheckResponse};
use distillguard_model::Exchange;

pub use embedded::EmbeddedDecider;
pub use policy::PolicyDecider;
pub use remote::{RemoteConfig, RemoteDecider};

/// A boxed future, so that deciders can be used as `Arc<dyn Decider>`.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Why a decision could not be had.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecideError {
    #[error("decision service unreachable: {0}")]
    Unreachable(String),
    #[error("decision service answered {status}: {body}")]
    Status { status: u16, body: String },
    #[error("decision service answered something that is not a check response: {0}")]
    BadAnswer(String),
    #[error("decision service did not answer within {0} ms")]
    Timeout(u64),
}

/// Decides what to do with a request, and receives the exchanges that happened.
pub trait Decider: Send + Sync + 'static {
    /// The action for a pending request.
    fn check<'a>(
        &'a self,
        request: &'a CheckRequest,
    ) -> BoxFuture<'a, Result<CheckResponse, DecideError>>;

    /// Hands over a finished exchange. Must not block or wait.
    fn record(&self, exchange: Exchange);
}
