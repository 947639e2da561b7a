//! The live detection service: what `distillguard serve` runs behind its HTTP routes,
//! and what `distillguard gateway` embeds in process.
//!
//! In: exchanges (NDJSON spec records, OTLP GenAI spans, or [`Exchange`] values), analyst
//! actions, and `/v1/check` questions. Out: acknowledgements only after the exchanges are
//! durable, verdicts with evidence, alerts, an audit log, metrics, and a decision per
//! account ([`CheckResponse`](distillguard_model::check::CheckResponse)).
//!
//! Owns:
//! - [`store`]: the database (SQLite, WAL, by default; PostgreSQL to share state between
//!   instances): exchanges log, verdict history, alerts,
//!   analyst actions, audit log, and the latest report snapshot;
//! - [`Live`] ([`service`]): the engine fed incrementally, re-analysis runs, the
//!   published decision table, analyst actions, restore on start (replay of the log);
//! - [`decisions`]: verdict + analyst action + [`Policy`] → action, precomputed per account
//!   so that a check is one hash lookup under a read lock;
//! - [`analyzer`]: the background thread that re-analyses when enough exchanges arrived
//!   or enough time passed;
//! - [`metrics`]: the named counters and their Prometheus text;
//! - [`replay`]: time-to-detect over a simulated log replayed in time order.
//!
//! Invariants: an exchange is observed by the engine only after its commit; a restart
//! replays exactly the committed exchanges, so detection continues where it was; the
//! per-request path (check) never waits for an analysis.

pub mod analyzer;
pub mod config;
pub mod decisions;
pub mod error;
pub mod ingest;
pub mod metrics;
pub mod replay;
pub mod service;
pub mod store;

pub use config::{LiveConfig, Policy, Rule, Synchronous};
pub use error::LiveError;
pub use service::{IngestOutcome, LineError, Live};

#[doc(no_inline)]
pub use distillguard_model::Exchange;
