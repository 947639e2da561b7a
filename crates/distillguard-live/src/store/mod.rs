//! [`Store`]: the live service's durable state, everything a restart needs, behind one
//! [`Backend`] trait with two implementations: [`sqlite`] (embedded, the default: one
//! file in the data directory) and [`postgres`] (several instances sharing state).
//!
//! Tables, the same in both: `exchanges` (append-only log of accepted exchanges, unique
//! `request_id`, gapless `seq` in commit order), `runs` (one row per analysis),
//! `verdicts` (verdict history: a row whenever an account's verdict or score class
//! changes), `snapshot` (the latest report, so reads and decisions are back at once
//! after a restart), `alerts`, `actions` (analyst actions) and `audit` (who did what,
//! when).
//!
//! The log's order is the contract the service relies on: once an exchange with `seq`
//! n is visible, every exchange with a smaller `seq` is visible too. So an engine that
//! has folded the log up to n catches up by reading `seq > n`
//! ([`Backend::exchanges_after`]), whether the new rows came from this process or from
//! another instance on the same database.

pub mod postgres;
pub mod sqlite;

#[cfg(test)]
mod tests;

use std::path::PathBuf;

use distillguard_model::report::Report;
use distillguard_model::verdict::Verdict;
use distillguard_model::Exchange;
use serde::Serialize;
use serde_json::Value;

use crate::config::Synchronous;
use crate::decisions::AnalystAction;
use crate::error::LiveError;

pub use postgres::PostgresStore;
pub use sqlite::SqliteStore;

/// One change of an account's verdict, as stored in the history.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VerdictChange {
    pub run: i64,
    pub at: i64,
    pub account_id: String,
    pub verdict: Verdict,
    pub score: f64,
    pub evidence: Value,
}

/// An alert: an account, cluster or campaign newly flagged by a run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Alert {
    pub id: i64,
    pub run: i64,
    pub at: i64,
    /// `account`, `cluster` or `campaign`.
    pub kind: String,
    pub subject: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verdict: Option<Verdict>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    pub summary: String,
}

/// An analyst's action on an account.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredAction {
    pub id: i64,
    pub at: i64,
    pub who: String,
    pub account_id: String,
    pub action: AnalystAction,
    pub note: String,
    /// The engine's verdict when the action was taken (dismiss holds until it worsens).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verdict_then: Option<Verdict>,
}

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: i64,
    pub who: String,
    pub what: String,
    pub subject: String,
    pub detail: Value,
}

/// One stored exchange of an account's timeline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TimelineEntry {
    pub seq: i64,
    pub received_at: i64,
    pub exchange: Value,
}

/// A new alert as a run stores it: (kind, subject, verdict, score, summary).
pub type NewAlert = (String, String, Option<Verdict>, Option<f64>, String);

/// What one analysis run stores, in one transaction.
pub struct RunRecord<'a> {
    pub at: i64,
    pub exchanges: u64,
    pub accounts: u64,
    pub duration_ms: u64,
    pub report: &'a Report,
    pub changes: &'a [VerdictChange],
    pub alerts: &'a [NewAlert],
}

/// An analyst action to store.
#[derive(Debug, Clone, Copy)]
pub struct NewAction<'a> {
    pub at: i64,
    pub who: &'a str,
    pub account_id: &'a str,
    pub action: AnalystAction,
    pub note: &'a str,
    pub verdict_then: Option<Verdict>,
}

impl NewAction<'_> {
    /// The action as stored under `id`.
    pub fn stored(&self, id: i64) -> StoredAction {
        StoredAction {
            id,
            at: self.at,
            who: self.who.to_string(),
            account_id: self.account_id.to_string(),
            action: self.action,
            note: self.note.to_string(),
            verdict_then: self.verdict_then,
        }
    }
}

/// A new alert as stored under `id` by run `run`.
pub(crate) fn stored_alert(id: i64, run: i64, at: i64, alert: &NewAlert) -> Alert {
    let (kind, subject, verdict, score, summary) = alert;
    Alert {
        id,
        run,
        at,
        kind: kind.clone(),
        subject: subject.clone(),
        verdict: *verdict,
        score: *score,
        summary: summary.clone(),
    }
}

/// Called with each exchange read back from the log, with its `seq`.
pub type EachExchange<'a> = dyn FnMut(i64, Exchange) -> Result<(), LiveError> + 'a;

/// What the live service needs from its database. Every write is one transaction, and
/// returns only after the commit.
pub trait Backend: Send {
    /// `sqlite` or `postgres` (logs, metrics).
    fn kind(&self) -> &'static str;

    /// Appends exchanges in one transaction. Returns, per exchange, its `seq` if it was
    /// new, or `None` if its `request_id` was stored before (a duplicate delivery).
    /// The new rows get consecutive `seq`s after every row committed before them.
    fn append_exchanges(
        &mut self,
        exchanges: &[Exchange],
        received_at: i64,
    ) -> Result<Vec<Option<i64>>, LiveError>;

    /// Calls `each` with every stored exchange whose `seq` is greater than `after`, in
    /// `seq` order. Returns how many it read.
    fn exchanges_after(
        &mut self,
        after: i64,
        each: &mut EachExchange<'_>,
    ) -> Result<u64, LiveError>;

    fn exchange_count(&mut self) -> Result<u64, LiveError>;

    /// Stores an analysis run: its row, the verdict changes, alerts and the snapshot, in
    /// one transaction. Returns the run id and the stored alerts.
    fn record_run(&mut self, run: &RunRecord<'_>) -> Result<(i64, Vec<Alert>), LiveError>;

    /// The id of the run the snapshot holds (0: none yet). Cheap: followers poll it.
    fn snapshot_run(&mut self) -> Result<i64, LiveError>;

    /// The latest report and its run id, if any run was stored.
    fn snapshot(&mut self) -> Result<Option<(i64, Report)>, LiveError>;

    /// Stores an analyst action and its audit line in one transaction.
    fn record_action(&mut self, action: &NewAction<'_>) -> Result<StoredAction, LiveError>;

    /// Every analyst action, oldest first (restore: the latest per account wins).
    fn actions(&mut self) -> Result<Vec<StoredAction>, LiveError>;

    /// An account's actions, newest first.
    fn actions_of(
        &mut self,
        account_id: &str,
        limit: usize,
    ) -> Result<Vec<StoredAction>, LiveError>;

    /// Alerts with id greater than `after`, oldest first.
    fn alerts(&mut self, after: i64, limit: usize) -> Result<Vec<Alert>, LiveError>;

    /// Audit lines with id greater than `after`, oldest first.
    fn audit(&mut self, after: i64, limit: usize) -> Result<Vec<AuditEntry>, LiveError>;

    /// An account's verdict history, newest first.
    fn verdict_history(
        &mut self,
        account_id: &str,
        limit: usize,
    ) -> Result<Vec<VerdictChange>, LiveError>;

    /// An account's most recent exchanges, newest first.
    fn timeline(&mut self, account_id: &str, limit: usize)
        -> Result<Vec<TimelineEntry>, LiveError>;

    /// Whether the database answers (readiness).
    fn ping(&mut self) -> bool;

    /// Whether this instance runs the analyses. Several instances on one database
    /// elect one analyzer; the others follow its snapshot. A single-process database
    /// always leads.
    fn try_lead(&mut self) -> Result<bool, LiveError> {
        Ok(true)
    }
}

/// The live service's database, whichever backend holds it.
pub type Store = Box<dyn Backend>;

/// Where the live state lives.
#[derive(Debug, Clone, PartialEq)]
pub enum Database {
    /// An SQLite file (created if missing), WAL mode.
    Sqlite {
        path: PathBuf,
        synchronous: Synchronous,
    },
    /// A private in-memory SQLite database (tests, replay).
    InMemory,
    /// A PostgreSQL database (`postgres://user@host:port/db`); the tables live in
    /// `schema` (created if missing), so one database can hold several deployments.
    Postgres { url: String, schema: String },
}

impl Database {
    /// Opens the database, creating its tables if needed.
    pub fn open(&self) -> Result<Store, LiveError> {
        Ok(match self {
            Database::Sqlite { path, synchronous } => {
                Box::new(SqliteStore::open(path, *synchronous)?)
            }
            Database::InMemory => Box::new(SqliteStore::in_memory()?),
            Database::Postgres { url, schema } => Box::new(PostgresStore::open(url, schema)?),
        })
    }

    /// Where, for logs: the file, or the URL without its password.
    pub fn describe(&self) -> String {
        match self {
            Database::Sqlite { path, .. } => path.display().to_string(),
            Database::InMemory => "memory".to_string(),
            Database::Postgres { url, schema } => {
                format!("{} (schema {schema})", postgres::redact(url))
            }
        }
    }
}

pub(crate) fn verdict_from(text: &str) -> Result<Verdict, LiveError> {
    match text {
        "benign" => Ok(Verdict::Benign),
        "suspicious" => Ok(Verdict::Suspicious),
        "attack" => Ok(Verdict::Attack),
        other => Err(LiveError::Stored(format!("unknown verdict {other:?}"))),
    }
}

pub(crate) fn action_from(text: &str) -> Result<AnalystAction, LiveError> {
    AnalystAction::parse(text).ok_or_else(|| LiveError::Stored(format!("unknown action {text:?}")))
}

pub(crate) fn json_text<T: Serialize>(value: &T) -> Result<String, LiveError> {
    serde_json::to_string(value).map_err(|e| LiveError::Stored(e.to_string()))
}

pub(crate) fn json_value(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or(Value::Null)
}

pub(crate) fn exchange_from(seq: i64, record: &str) -> Result<Exchange, LiveError> {
    serde_json::from_str(record).map_err(|e| LiveError::Stored(format!("exchange {seq}: {e}")))
}

/// The audit line's detail for an analyst action.
pub(crate) fn action_detail(id: i64, action: &NewAction<'_>) -> String {
    serde_json::json!({
        "action_id": id,
        "note": action.note,
        "verdict_then": action.verdict_then,
    })
    .to_string()
}
