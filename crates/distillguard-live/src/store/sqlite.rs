//! [`SqliteStore`]: the embedded backend (the default): one SQLite file in WAL mode.
//!
//! WAL mode: readers do not block the writer and a commit is one append to the log.
//! `synchronous` is FULL by default (see [`Synchronous`]): an ingest is acknowledged
//! only after its transaction is on disk. A batch is one transaction, so the fsync cost
//! is paid per request, not per exchange. One process owns the file: the service holds
//! a single connection behind a lock, so commits (and `seq`s) are in order.

use std::path::Path;

use distillguard_model::report::Report;
use distillguard_model::verdict::Verdict;
use distillguard_model::Exchange;
use rusqlite::{params, Connection, OptionalExtension};

use super::{
    action_detail, action_from, exchange_from, json_text, json_value, stored_alert, verdict_from,
    Alert, AuditEntry, Backend, EachExchange, NewAction, RunRecord, StoredAction, TimelineEntry,
    VerdictChange,
};
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

pub struct SqliteStore {
    conn: Connection,
}

type ActionRow = (StoredAction, String, Option<String>);

fn action_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<ActionRow> {
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

fn finish_action((mut action, kind, verdict): ActionRow) -> Result<StoredAction, LiveError> {
    action.action = action_from(&kind)?;
    action.verdict_then = verdict.as_deref().map(verdict_from).transpose()?;
    Ok(action)
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `path`, in WAL mode.
    pub fn open(path: &Path, synchronous: Synchronous) -> Result<SqliteStore, LiveError> {
        let conn = Connection::open(path)?;
        SqliteStore::init(conn, synchronous)
    }

    /// A private in-memory database (tests, replay).
    pub fn in_memory() -> Result<SqliteStore, LiveError> {
        SqliteStore::init(Connection::open_in_memory()?, Synchronous::Normal)
    }

    fn init(conn: Connection, synchronous: Synchronous) -> Result<SqliteStore, LiveError> {
        // journal_mode answers with a row; in memory it stays "memory".
        let _mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |row| row.get(0))?;
        conn.pragma_update(None, "synchronous", synchronous.pragma())?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.execute_batch(SCHEMA)?;
        Ok(SqliteStore { conn })
    }
}

impl Backend for SqliteStore {
    fn kind(&self) -> &'static str {
        "sqlite"
    }

    fn append_exchanges(
        &mut self,
        exchanges: &[Exchange],
        received_at: i64,
    ) -> Result<Vec<Option<i64>>, LiveError> {
        let tx = self.conn.transaction()?;
        let mut seqs = Vec::with_capacity(exchanges.len());
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
                seqs.push((changed == 1).then(|| tx.last_insert_rowid()));
            }
        }
        tx.commit()?;
        Ok(seqs)
    }

    fn exchanges_after(
        &mut self,
        after: i64,
        each: &mut EachExchange<'_>,
    ) -> Result<u64, LiveError> {
        let mut statement = self
            .conn
            .prepare_cached("SELECT seq, record FROM exchanges WHERE seq > ?1 ORDER BY seq")?;
        let mut rows = statement.query([after])?;
        let mut count = 0;
        while let Some(row) = rows.next()? {
            let seq: i64 = row.get(0)?;
            let record: String = row.get(1)?;
            each(seq, exchange_from(seq, &record)?)?;
            count += 1;
        }
        Ok(count)
    }

    fn exchange_count(&mut self) -> Result<u64, LiveError> {
        let count: i64 = self
            .conn
            .query_row("SELECT COUNT(*) FROM exchanges", [], |row| row.get(0))?;
        Ok(count.max(0) as u64)
    }

    fn record_run(&mut self, run: &RunRecord<'_>) -> Result<(i64, Vec<Alert>), LiveError> {
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
            for alert in run.alerts {
                let (kind, subject, verdict, score, summary) = alert;
                insert.execute(params![
                    run_id,
                    run.at,
                    kind,
                    subject,
                    verdict.map(Verdict::as_str),
                    score,
                    summary
                ])?;
                alerts.push(stored_alert(tx.last_insert_rowid(), run_id, run.at, alert));
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

    fn snapshot_run(&mut self) -> Result<i64, LiveError> {
        let run: Option<i64> = self
            .conn
            .query_row("SELECT run FROM snapshot WHERE id = 1", [], |row| {
                row.get(0)
            })
            .optional()?;
        Ok(run.unwrap_or(0))
    }

    fn snapshot(&mut self) -> Result<Option<(i64, Report)>, LiveError> {
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

    fn record_action(&mut self, action: &NewAction<'_>) -> Result<StoredAction, LiveError> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO actions (at, who, account_id, action, note, verdict_then)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                action.at,
                action.who,
                action.account_id,
                action.action.as_str(),
                action.note,
                action.verdict_then.map(Verdict::as_str)
            ],
        )?;
        let id = tx.last_insert_rowid();
        tx.execute(
            "INSERT INTO audit (at, who, what, subject, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                action.at,
                action.who,
                format!("account.{}", action.action.as_str()),
                action.account_id,
                action_detail(id, action)
            ],
        )?;
        tx.commit()?;
        Ok(action.stored(id))
    }

    fn actions(&mut self) -> Result<Vec<StoredAction>, LiveError> {
        let mut statement = self.conn.prepare(
            "SELECT id, at, who, account_id, action, note, verdict_then FROM actions ORDER BY id",
        )?;
        let rows = statement.query_map([], action_row)?;
        rows.map(|row| finish_action(row?)).collect()
    }

    fn actions_of(
        &mut self,
        account_id: &str,
        limit: usize,
    ) -> Result<Vec<StoredAction>, LiveError> {
        let mut statement = self.conn.prepare(
            "SELECT id, at, who, account_id, action, note, verdict_then FROM actions
             WHERE account_id = ?1 ORDER BY id DESC LIMIT ?2",
        )?;
        let rows = statement.query_map(params![account_id, limit as i64], action_row)?;
        rows.map(|row| finish_action(row?)).collect()
    }

    fn alerts(&mut self, after: i64, limit: usize) -> Result<Vec<Alert>, LiveError> {
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

    fn audit(&mut self, after: i64, limit: usize) -> Result<Vec<AuditEntry>, LiveError> {
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

    fn verdict_history(
        &mut self,
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

    fn timeline(
        &mut self,
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

    fn ping(&mut self) -> bool {
        self.conn
            .query_row("SELECT 1", [], |row| row.get::<_, i64>(0))
            .is_ok()
    }
}
