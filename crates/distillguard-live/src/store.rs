//! [`Store`]: the live service's SQLite database, everything a restart needs.
//!
//! Tables: `exchanges` (append-only log of accepted exchanges, unique `request_id`),
//! `runs` (one row per analysis), `verdicts` (verdict history: a row whenever an
//! account's verdict or score class changes), `snapshot` (the latest report, so reads
//! and decisions are back at once after a restart), `alerts`, `actions` (analyst
//! actions) and `audit` (who did what, when).
//!
//! WAL mode: readers do not block the writer and a commit is one append to the log.
//! `synchronous` is FULL by default (see [`Synchronous`]): an ingest is acknowledged
//! only after its transaction is on disk. A batch is one transaction, so the fsync cost
//! is paid per request, not per exchange.

use std::path::Path;

use distillguard_model::report::Report;
use distillguard_model::verdict::Verdict;
use distillguard_model::Exchange;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use serde_json::Value;

use crate::config::Synchronous;
use crate::decisions::AnalystAction;
use crate::error::LiveError;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS exchanges (
    seq INTEGER PRIMARY KEY,
    request_id TEXT UNIQUE,
    account_id TEXT NOT NULL,
    ts INTEGER NOT NULL,
    received_at INTEGER NOT NULL,
    record TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS exchanges_by_account ON exchanges(account_id, seq);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    exchanges INTEGER NOT NULL,
    accounts INTEGER NOT NULL,
    duration_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS verdicts (
    id INTEGER PRIMARY KEY,
    run INTEGER NOT NULL,
    at INTEGER NOT NULL,
    account_id TEXT NOT NULL,
    verdict TEXT NOT NULL,
    score REAL NOT NULL,
    evidence TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS verdicts_by_account ON verdicts(account_id, id);
CREATE TABLE IF NOT EXISTS snapshot (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    run INTEGER NOT NULL,
    report TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS alerts (
    id INTEGER PRIMARY KEY,
    run INTEGER NOT NULL,
    at INTEGER NOT NULL,
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    verdict TEXT,
    score REAL,
    summary TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS actions (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    who TEXT NOT NULL,
    account_id TEXT NOT NULL,
    action TEXT NOT NULL,
    note TEXT NOT NULL,
    verdict_then TEXT
);
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    who TEXT NOT NULL,
    what TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail TEXT NOT NULL
);
";

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

pub struct Store {
    conn: Connection,
}

fn verdict_from(text: &str) -> Result<Verdict, LiveError> {
    match text {
        "benign" => Ok(Verdict::Benign),
        "suspicious" => Ok(Verdict::Suspicious),
        "attack" => Ok(Verdict::Attack),
        other => Err(LiveError::Stored(format!("unknown verdict {other:?}"))),
    }
}

fn json_text<T: Serialize>(value: &T) -> Result<String, LiveError> {
    serde_json::to_string(value).map_err(|e| LiveError::Stored(e.to_string()))
}

fn json_value(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or(Value::Null)
}

impl Store {
    /// Opens (creating if needed) the database at `path`, in WAL mode.
    pub fn open(path: &Path, synchronous: Synchronous) -> Result<Store, LiveError> {
        let conn = Connection::open(path)?;
        Store::init(conn, synchronous)
    }

    /// A private in-memory database (tests, replay).
    pub fn in_memory() -> Result<Store, LiveError> {
        Store::init(Connection::open_in_memory()?, Synchronous::Normal)
    }

    fn init(conn: Connection, synchronous: Synchronous) -> Result<Store, LiveError> {
        // journal_mode answers with a row; in memory it stays "memory".
        let _mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |row| row.get(0))?;
        conn.pragma_update(None, "synchronous", synchronous.pragma())?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.execute_batch(SCHEMA)?;
        Ok(Store { conn })
    }

    /// Appends exchanges in one transaction. Returns, per exchange, whether it was new
    /// (`false`: its `request_id` was stored before, a duplicate delivery).
    pub fn append_exchanges(
        &mut self,
        exchanges: &[Exchange],
        received_at: i64,
    ) -> Result<Vec<bool>, LiveError> {
        let tx = self.conn.transaction()?;
        let mut inserted = Vec::with_capacity(exchanges.len());
        {
            let mut insert = tx.prepare_cached(
                "INSERT OR IGNORE INTO exchanges (request_id, account_id, ts, received_at, record)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for exchange in exchanges {
                let record = json_text(exchange)?;
                let changed = insert.execute(params![
                    exchange.request_id,
                    exchange.account_id,
                    exchange.ts,
                    received_at,
                    record
                ])?;
                inserted.push(changed == 1);
            }
        }
        tx.commit()?;
        Ok(inserted)
    }

    /// Calls `each` with every stored exchange, in arrival order (restart replay).
    pub fn for_each_exchange(
        &self,
        mut each: impl FnMut(Exchange) -> Result<(), LiveError>,
    ) -> Result<u64, LiveError> {
        let mut statement = self
            .conn
            .prepare("SELECT seq, record FROM exchanges ORDER BY seq")?;
        let mut rows = statement.query([])?;
        let mut count = 0;
        while let Some(row) = rows.next()? {
            let seq: i64 = row.get(0)?;
            let record: String = row.get(1)?;
            let exchange: Exchange = serde_json::from_str(&record)
                .map_err(|e| LiveError::Stored(format!("exchange {seq}: {e}")))?;
            each(exchange)?;
            count += 1;
        }
        Ok(count)
    }

    pub fn exchange_count(&self) -> Result<u64, LiveError> {
        let count: i64 = self
            .conn
            .query_row("SELECT COUNT(*) FROM exchanges", [], |row| row.get(0))?;
        Ok(count.max(0) as u64)
    }

    /// Stores an analysis run: its row, the verdict changes, alerts and the snapshot.
    /// Returns the run id and the stored alerts.
    pub fn record_run(&mut self, run: &RunRecord<'_>) -> Result<(i64, Vec<Alert>), LiveError> {
        let report_text = json_text(run.report)?;
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO runs (at, exchanges, accounts, duration_ms) VALUES (?1, ?2, ?3, ?4)",
            params![
                run.at,
                run.exchanges as i64,
                run.accounts as i64,
                run.duration_ms as i64
            ],
        )?;
        let run_id = tx.last_insert_rowid();
        {
            let mut insert = tx.prepare_cached(
                "INSERT INTO verdicts (run, at, account_id, verdict, score, evidence)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?;
            for change in run.changes {
                insert.execute(params![
                    run_id,
                    run.at,
                    change.account_id,
                    change.verdict.as_str(),
                    change.score,
                    json_text(&change.evidence)?
                ])?;
            }
        }
        let mut alerts = Vec::with_capacity(run.alerts.len());
        {
            let mut insert = tx.prepare_cached(
                "INSERT INTO alerts (run, at, kind, subject, verdict, score, summary)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?;
            for (kind, subject, verdict, score, summary) in run.alerts {
                insert.execute(params![
                    run_id,
                    run.at,
                    kind,
                    subject,
                    verdict.map(Verdict::as_str),
                    score,
                    summary
                ])?;
                alerts.push(Alert {
                    id: tx.last_insert_rowid(),
                    run: run_id,
                    at: run.at,
                    kind: kind.clone(),
                    subject: subject.clone(),
                    verdict: *verdict,
                    score: *score,
                    summary: summary.clone(),
                });
            }
        }
        tx.execute(
            "INSERT INTO snapshot (id, run, report) VALUES (1, ?1, ?2)
             ON CONFLICT(id) DO UPDATE SET run = excluded.run, report = excluded.report",
            params![run_id, report_text],
        )?;
        tx.commit()?;
        Ok((run_id, alerts))
    }

    /// The latest report and its run id, if any run was stored.
    pub fn snapshot(&self) -> Result<Option<(i64, Report)>, LiveError> {
        let row: Option<(i64, String)> = self
            .conn
            .query_row("SELECT run, report FROM snapshot WHERE id = 1", [], |row| {
                Ok((row.get(0)?, row.get(1)?))
            })
            .optional()?;
        row.map(|(run, text)| {
            serde_json::from_str(&text)
                .map(|report| (run, report))
                .map_err(|e| LiveError::Stored(format!("snapshot: {e}")))
        })
        .transpose()
    }

    /// Stores an analyst action and its audit line in one transaction.
    pub fn record_action(
        &mut self,
        at: i64,
        who: &str,
        account_id: &str,
        action: AnalystAction,
        note: &str,
        verdict_then: Option<Verdict>,
    ) -> Result<StoredAction, LiveError> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO actions (at, who, account_id, action, note, verdict_then)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                at,
                who,
                account_id,
                action.as_str(),
                note,
                verdict_then.map(Verdict::as_str)
            ],
        )?;
        let id = tx.last_insert_rowid();
        let detail = serde_json::json!({
            "action_id": id,
            "note": note,
            "verdict_then": verdict_then,
        });
        tx.execute(
            "INSERT INTO audit (at, who, what, subject, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                at,
                who,
                format!("account.{}", action.as_str()),
                account_id,
                detail.to_string()
            ],
        )?;
        tx.commit()?;
        Ok(StoredAction {
            id,
            at,
            who: who.to_string(),
            account_id: account_id.to_string(),
            action,
            note: note.to_string(),
            verdict_then,
        })
    }

    fn action_from_row(
        row: &rusqlite::Row<'_>,
    ) -> rusqlite::Result<(StoredAction, String, Option<String>)> {
        Ok((
            StoredAction {
                id: row.get(0)?,
                at: row.get(1)?,
                who: row.get(2)?,
                account_id: row.get(3)?,
                action: AnalystAction::Allow,
                note: row.get(5)?,
                verdict_then: None,
            },
            row.get(4)?,
            row.get(6)?,
        ))
    }

    fn finish_action(
        (mut action, kind, verdict): (StoredAction, String, Option<String>),
    ) -> Result<StoredAction, LiveError> {
        action.action = AnalystAction::parse(&kind)
            .ok_or_else(|| LiveError::Stored(format!("unknown action {kind:?}")))?;
        action.verdict_then = verdict.as_deref().map(verdict_from).transpose()?;
        Ok(action)
    }

    /// Every analyst action, oldest first (restore: the latest per account wins).
    pub fn actions(&self) -> Result<Vec<StoredAction>, LiveError> {
        let mut statement = self.conn.prepare(
            "SELECT id, at, who, account_id, action, note, verdict_then FROM actions ORDER BY id",
        )?;
        let rows = statement.query_map([], Store::action_from_row)?;
        rows.map(|row| Store::finish_action(row?)).collect()
    }

    /// An account's actions, newest first.
    pub fn actions_of(
        &self,
        account_id: &str,
        limit: usize,
    ) -> Result<Vec<StoredAction>, LiveError> {
        let mut statement = self.conn.prepare(
            "SELECT id, at, who, account_id, action, note, verdict_then FROM actions
             WHERE account_id = ?1 ORDER BY id DESC LIMIT ?2",
        )?;
        let rows =
            statement.query_map(params![account_id, limit as i64], Store::action_from_row)?;
        rows.map(|row| Store::finish_action(row?)).collect()
    }

    /// Alerts with id greater than `after`, oldest first.
    pub fn alerts(&self, after: i64, limit: usize) -> Result<Vec<Alert>, LiveError> {
        let mut statement = self.conn.prepare(
            "SELECT id, run, at, kind, subject, verdict, score, summary FROM alerts
             WHERE id > ?1 ORDER BY id LIMIT ?2",
        )?;
        let rows = statement.query_map(params![after, limit as i64], |row| {
            Ok((
                Alert {
                    id: row.get(0)?,
                    run: row.get(1)?,
                    at: row.get(2)?,
                    kind: row.get(3)?,
                    subject: row.get(4)?,
                    verdict: None,
                    score: row.get(6)?,
                    summary: row.get(7)?,
                },
                row.get::<_, Option<String>>(5)?,
            ))
        })?;
        rows.map(|row| {
            let (mut alert, verdict) = row?;
            alert.verdict = verdict.as_deref().map(verdict_from).transpose()?;
            Ok(alert)
        })
        .collect()
    }

    /// Audit lines with id greater than `after`, oldest first.
    pub fn audit(&self, after: i64, limit: usize) -> Result<Vec<AuditEntry>, LiveError> {
        let mut statement = self.conn.prepare(
            "SELECT id, at, who, what, subject, detail FROM audit WHERE id > ?1 ORDER BY id LIMIT ?2",
        )?;
        let rows = statement.query_map(params![after, limit as i64], |row| {
            Ok(AuditEntry {
                id: row.get(0)?,
                at: row.get(1)?,
                who: row.get(2)?,
                what: row.get(3)?,
                subject: row.get(4)?,
                detail: json_value(&row.get::<_, String>(5)?),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// An account's verdict history, newest first.
    pub fn verdict_history(
        &self,
        account_id: &str,
        limit: usize,
    ) -> Result<Vec<VerdictChange>, LiveError> {
        let mut statement = self.conn.prepare(
            "SELECT run, at, account_id, verdict, score, evidence FROM verdicts
             WHERE account_id = ?1 ORDER BY id DESC LIMIT ?2",
        )?;
        let rows = statement.query_map(params![account_id, limit as i64], |row| {
            Ok((
                row.get::<_, i64>(0)?,
                row.get::<_, i64>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, String>(3)?,
                row.get::<_, f64>(4)?,
                row.get::<_, String>(5)?,
            ))
        })?;
        rows.map(|row| {
            let (run, at, account_id, verdict, score, evidence) = row?;
            Ok(VerdictChange {
                run,
                at,
                account_id,
                verdict: verdict_from(&verdict)?,
                score,
                evidence: json_value(&evidence),
            })
        })
        .collect()
    }

    /// An account's most recent exchanges, newest first.
    pub fn timeline(
        &self,
        account_id: &str,
        limit: usize,
    ) -> Result<Vec<TimelineEntry>, LiveError> {
        let mut statement = self.conn.prepare(
            "SELECT seq, received_at, record FROM exchanges WHERE account_id = ?1
             ORDER BY seq DESC LIMIT ?2",
        )?;
        let rows = statement.query_map(params![account_id, limit as i64], |row| {
            Ok(TimelineEntry {
                seq: row.get(0)?,
                received_at: row.get(1)?,
                exchange: json_value(&row.get::<_, String>(2)?),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Whether the database answers (readiness).
    pub fn ping(&self) -> bool {
        self.conn
            .query_row("SELECT 1", [], |row| row.get::<_, i64>(0))
            .is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exchange(id: &str, account: &str) -> Exchange {
        Exchange {
            ts: 1_000,
            account_id: account.into(),
            request_id: Some(id.into()),
            ..Exchange::default()
        }
    }

    #[test]
    fn duplicates_are_stored_once_and_replayed_in_order() {
        let mut store = Store::in_memory().expect("store");
        let first = store
            .append_exchanges(
                &[
                    exchange("r1", "a"),
                    exchange("r2", "b"),
                    exchange("r1", "a"),
                ],
                5,
            )
            .expect("append");
        assert_eq!(first, vec![true, true, false]);
        let again = store
            .append_exchanges(&[exchange("r2", "b")], 6)
            .expect("append");
        assert_eq!(again, vec![false]);
        let mut seen = Vec::new();
        store
            .for_each_exchange(|e| {
                seen.push(e.request_id.unwrap_or_default());
                Ok(())
            })
            .expect("replay");
        assert_eq!(seen, vec!["r1", "r2"]);
        assert_eq!(store.timeline("a", 10).expect("timeline").len(), 1);
    }

    #[test]
    fn actions_are_audited() {
        let mut store = Store::in_memory().expect("store");
        store
            .record_action(
                7,
                "alice",
                "acct",
                AnalystAction::Block,
                "fraud ring",
                Some(Verdict::Suspicious),
            )
            .expect("action");
        let actions = store.actions().expect("actions");
        assert_eq!(actions.len(), 1);
        assert_eq!(actions[0].action, AnalystAction::Block);
        assert_eq!(actions[0].verdict_then, Some(Verdict::Suspicious));
        let audit = store.audit(0, 10).expect("audit");
        assert_eq!(audit[0].who, "alice");
        assert_eq!(audit[0].what, "account.block");
        assert_eq!(audit[0].detail["note"], "fraud ring");
    }
}
