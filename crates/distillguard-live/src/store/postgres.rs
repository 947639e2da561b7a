//! [`PostgresStore`]: the shared backend, for several instances on one PostgreSQL
//! database (`serve --database postgres://...`).
//!
//! Same tables as [`super::sqlite`], in a schema of their own. Two advisory locks,
//! keyed by the schema, keep the log's contract across processes:
//! - appends take a transaction-scoped lock, so `seq`s are assigned (gapless, from
//!   the largest committed one) and committed in the same order by every instance;
//! - the analyzer lock is held for the life of a connection by the one instance that
//!   runs analyses ([`Backend::try_lead`]); the others follow its snapshot. If the
//!   leader's connection goes, the lock goes with it and another instance takes over.
//!
//! A lost connection is reopened on the next call (the call that found it lost fails).

use std::collections::HashSet;

use ::postgres::types::ToSql;
use ::postgres::{Client, NoTls, Row, Transaction};

/// A query parameter.
type Param<'a> = &'a (dyn ToSql + Sync);
use distillguard_model::report::Report;
use distillguard_model::verdict::Verdict;
use distillguard_model::Exchange;

use super::{
    action_detail, action_from, exchange_from, json_text, json_value, stored_alert, verdict_from,
    Alert, AuditEntry, Backend, EachExchange, NewAction, RunRecord, StoredAction, TimelineEntry,
    VerdictChange,
};
use crate::error::LiveError;

/// Rows read per round trip when catching up on the log.
const PAGE: i64 = 10_000;

/// Advisory lock ids (second key; the first is derived from the schema).
const LOG_LOCK: i32 = 1;
const ANALYZER_LOCK: i32 = 2;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS exchanges (
    seq BIGINT PRIMARY KEY,
    request_id TEXT UNIQUE,
    account_id TEXT NOT NULL,
    ts BIGINT NOT NULL,
    received_at BIGINT NOT NULL,
    record TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS exchanges_by_account ON exchanges(account_id, seq);
CREATE TABLE IF NOT EXISTS runs (
    id BIGSERIAL PRIMARY KEY,
    at BIGINT NOT NULL,
    exchanges BIGINT NOT NULL,
    accounts BIGINT NOT NULL,
    duration_ms BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS verdicts (
    id BIGSERIAL PRIMARY KEY,
    run BIGINT NOT NULL,
    at BIGINT NOT NULL,
    account_id TEXT NOT NULL,
    verdict TEXT NOT NULL,
    score DOUBLE PRECISION NOT NULL,
    evidence TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS verdicts_by_account ON verdicts(account_id, id);
CREATE TABLE IF NOT EXISTS snapshot (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    run BIGINT NOT NULL,
    report TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS alerts (
    id BIGSERIAL PRIMARY KEY,
    run BIGINT NOT NULL,
    at BIGINT NOT NULL,
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    verdict TEXT,
    score DOUBLE PRECISION,
    summary TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS actions (
    id BIGSERIAL PRIMARY KEY,
    at BIGINT NOT NULL,
    who TEXT NOT NULL,
    account_id TEXT NOT NULL,
    action TEXT NOT NULL,
    note TEXT NOT NULL,
    verdict_then TEXT
);
CREATE INDEX IF NOT EXISTS actions_by_account ON actions(account_id, id);
CREATE TABLE IF NOT EXISTS audit (
    id BIGSERIAL PRIMARY KEY,
    at BIGINT NOT NULL,
    who TEXT NOT NULL,
    what TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail TEXT NOT NULL
);
";

pub struct PostgresStore {
    url: String,
    schema: String,
    /// First key of this schema's advisory locks.
    lock_key: i32,
    client: Client,
    leading: bool,
}

/// Whether `schema` can be used as an unquoted identifier.
fn valid_schema(schema: &str) -> bool {
    let mut chars = schema.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase() || c == '_')
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && schema.len() <= 63
}

/// A stable 32-bit key for the schema's advisory locks (FNV-1a).
fn lock_key(schema: &str) -> i32 {
    let mut hash: u32 = 0x811c_9dc5;
    for byte in schema.bytes() {
        hash ^= u32::from(byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash as i32
}

/// The URL with its password masked, for logs and errors.
pub fn redact(url: &str) -> String {
    if let Some((scheme, rest)) = url.split_once("://") {
        if let Some((userinfo, host)) = rest.rsplit_once('@') {
            if let Some((user, _password)) = userinfo.split_once(':') {
                return format!("{scheme}://{user}:***@{host}");
            }
        }
        return url.to_string();
    }
    // key=value form
    url.split_whitespace()
        .map(|pair| {
            if pair.starts_with("password=") {
                "password=***"
            } else {
                pair
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn connect(url: &str, schema: &str, lock_key: i32) -> Result<Client, LiveError> {
    let mut client = Client::connect(url, NoTls)
        .map_err(|e| LiveError::Config(format!("cannot connect to {}: {e}", redact(url))))?;
    // Two instances starting at once must not race on CREATE TABLE.
    let mut tx = client.transaction()?;
    tx.execute(
        "SELECT pg_advisory_xact_lock($1, $2)",
        &[&lock_key, &LOG_LOCK],
    )?;
    tx.batch_execute(&format!(
        "CREATE SCHEMA IF NOT EXISTS {schema}; SET LOCAL search_path TO {schema}; {SCHEMA}"
    ))?;
    tx.commit()?;
    client.batch_execute(&format!("SET search_path TO {schema}"))?;
    Ok(client)
}

fn alert_row(row: &Row) -> Result<Alert, LiveError> {
    let verdict: Option<String> = row.try_get(5)?;
    Ok(Alert {
        id: row.try_get(0)?,
        run: row.try_get(1)?,
        at: row.try_get(2)?,
        kind: row.try_get(3)?,
        subject: row.try_get(4)?,
        verdict: verdict.as_deref().map(verdict_from).transpose()?,
        score: row.try_get(6)?,
        summary: row.try_get(7)?,
    })
}

fn action_row(row: &Row) -> Result<StoredAction, LiveError> {
    let action: String = row.try_get(4)?;
    let verdict_then: Option<String> = row.try_get(6)?;
    Ok(StoredAction {
        id: row.try_get(0)?,
        at: row.try_get(1)?,
        who: row.try_get(2)?,
        account_id: row.try_get(3)?,
        action: action_from(&action)?,
        note: row.try_get(5)?,
        verdict_then: verdict_then.as_deref().map(verdict_from).transpose()?,
    })
}

impl PostgresStore {
    /// Connects and creates the schema and tables if needed. `schema` must be a plain
    /// lower-case identifier.
    pub fn open(url: &str, schema: &str) -> Result<PostgresStore, LiveError> {
        if !valid_schema(schema) {
            return Err(LiveError::Config(format!(
                "postgres schema {schema:?} must be lower-case letters, digits and _ (at most 63), starting with a letter or _"
            )));
        }
        let key = lock_key(schema);
        let client = connect(url, schema, key)?;
        Ok(PostgresStore {
            url: url.to_string(),
            schema: schema.to_string(),
            lock_key: key,
            client,
            leading: false,
        })
    }

    /// The connection, reopened if it was lost.
    fn client(&mut self) -> Result<&mut Client, LiveError> {
        if self.client.is_closed() {
            tracing::warn!(database = %redact(&self.url), "postgres connection lost; reconnecting");
            self.leading = false;
            self.client = connect(&self.url, &self.schema, self.lock_key)?;
        }
        Ok(&mut self.client)
    }

    fn transaction(&mut self) -> Result<Transaction<'_>, LiveError> {
        Ok(self.client()?.transaction()?)
    }
}

impl Backend for PostgresStore {
    fn kind(&self) -> &'static str {
        "postgres"
    }

    fn append_exchanges(
        &mut self,
        exchanges: &[Exchange],
        received_at: i64,
    ) -> Result<Vec<Option<i64>>, LiveError> {
        let key = self.lock_key;
        let mut tx = self.transaction()?;
        tx.execute("SELECT pg_advisory_xact_lock($1, $2)", &[&key, &LOG_LOCK])?;
        let ids: Vec<&str> = exchanges
            .iter()
            .filter_map(|e| e.request_id.as_deref())
            .collect();
        let mut seen: HashSet<String> = tx
            .query(
                "SELECT request_id FROM exchanges WHERE request_id = ANY($1)",
                &[&ids],
            )?
            .iter()
            .map(|row| row.try_get(0))
            .collect::<Result<_, _>>()?;
        let mut next: i64 = tx
            .query_one("SELECT COALESCE(MAX(seq), 0) FROM exchanges", &[])?
            .try_get(0)?;
        let mut out = Vec::with_capacity(exchanges.len());
        let (mut seqs, mut request_ids, mut accounts, mut ts, mut records) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for exchange in exchanges {
            if let Some(id) = &exchange.request_id {
                if !seen.insert(id.clone()) {
                    out.push(None);
                    continue;
                }
            }
            next += 1;
            out.push(Some(next));
            seqs.push(next);
            request_ids.push(exchange.request_id.as_deref());
            accounts.push(exchange.account_id.as_str());
            ts.push(exchange.ts);
            records.push(json_text(exchange)?);
        }
        if !seqs.is_empty() {
            tx.execute(
                "INSERT INTO exchanges (seq, request_id, account_id, ts, received_at, record)
                 SELECT s, r, a, t, $5, rec
                 FROM UNNEST($1::bigint[], $2::text[], $3::text[], $4::bigint[], $6::text[])
                      AS u(s, r, a, t, rec)",
                &[
                    &seqs as Param,
                    &request_ids,
                    &accounts,
                    &ts,
                    &received_at,
                    &records,
                ],
            )?;
        }
        tx.commit()?;
        Ok(out)
    }

    fn exchanges_after(
        &mut self,
        after: i64,
        each: &mut EachExchange<'_>,
    ) -> Result<u64, LiveError> {
        let client = self.client()?;
        let statement = client
            .prepare("SELECT seq, record FROM exchanges WHERE seq > $1 ORDER BY seq LIMIT $2")?;
        let mut cursor = after;
        let mut count = 0;
        loop {
            let rows = client.query(&statement, &[&cursor, &PAGE])?;
            let page = rows.len();
            for row in rows {
                let seq: i64 = row.try_get(0)?;
                let record: &str = row.try_get(1)?;
                each(seq, exchange_from(seq, record)?)?;
                cursor = seq;
                count += 1;
            }
            if (page as i64) < PAGE {
                return Ok(count);
            }
        }
    }

    fn exchange_count(&mut self) -> Result<u64, LiveError> {
        let count: i64 = self
            .client()?
            .query_one("SELECT COUNT(*) FROM exchanges", &[])?
            .try_get(0)?;
        Ok(count.max(0) as u64)
    }

    fn record_run(&mut self, run: &RunRecord<'_>) -> Result<(i64, Vec<Alert>), LiveError> {
        let report_text = json_text(run.report)?;
        let mut tx = self.transaction()?;
        let run_id: i64 = tx
            .query_one(
                "INSERT INTO runs (at, exchanges, accounts, duration_ms) VALUES ($1, $2, $3, $4)
                 RETURNING id",
                &[
                    &run.at as Param,
                    &(run.exchanges as i64),
                    &(run.accounts as i64),
                    &(run.duration_ms as i64),
                ],
            )?
            .try_get(0)?;
        if !run.changes.is_empty() {
            let accounts: Vec<&str> = run.changes.iter().map(|c| c.account_id.as_str()).collect();
            let verdicts: Vec<&str> = run.changes.iter().map(|c| c.verdict.as_str()).collect();
            let scores: Vec<f64> = run.changes.iter().map(|c| c.score).collect();
            let evidence: Vec<String> = run
                .changes
                .iter()
                .map(|c| json_text(&c.evidence))
                .collect::<Result<_, _>>()?;
            tx.execute(
                "INSERT INTO verdicts (run, at, account_id, verdict, score, evidence)
                 SELECT $1, $2, a, v, s, e
                 FROM UNNEST($3::text[], $4::text[], $5::float8[], $6::text[]) AS u(a, v, s, e)",
                &[
                    &run_id as Param,
                    &run.at,
                    &accounts,
                    &verdicts,
                    &scores,
                    &evidence,
                ],
            )?;
        }
        let mut alerts = Vec::with_capacity(run.alerts.len());
        let insert = tx.prepare(
            "INSERT INTO alerts (run, at, kind, subject, verdict, score, summary)
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )?;
        for alert in run.alerts {
            let (kind, subject, verdict, score, summary) = alert;
            let id: i64 = tx
                .query_one(
                    &insert,
                    &[
                        &run_id as Param,
                        &run.at,
                        kind,
                        subject,
                        &verdict.map(Verdict::as_str),
                        score,
                        summary,
                    ],
                )?
                .try_get(0)?;
            alerts.push(stored_alert(id, run_id, run.at, alert));
        }
        tx.execute(
            "INSERT INTO snapshot (id, run, report) VALUES (1, $1, $2)
             ON CONFLICT (id) DO UPDATE SET run = excluded.run, report = excluded.report",
            &[&run_id as Param, &report_text],
        )?;
        tx.commit()?;
        Ok((run_id, alerts))
    }

    fn snapshot_run(&mut self) -> Result<i64, LiveError> {
        let row = self
            .client()?
            .query_opt("SELECT run FROM snapshot WHERE id = 1", &[])?;
        Ok(match row {
            Some(row) => row.try_get(0)?,
            None => 0,
        })
    }

    fn snapshot(&mut self) -> Result<Option<(i64, Report)>, LiveError> {
        let row = self
            .client()?
            .query_opt("SELECT run, report FROM snapshot WHERE id = 1", &[])?;
        let Some(row) = row else {
            return Ok(None);
        };
        let run: i64 = row.try_get(0)?;
        let text: &str = row.try_get(1)?;
        let report =
            serde_json::from_str(text).map_err(|e| LiveError::Stored(format!("snapshot: {e}")))?;
        Ok(Some((run, report)))
    }

    fn record_action(&mut self, action: &NewAction<'_>) -> Result<StoredAction, LiveError> {
        let mut tx = self.transaction()?;
        let id: i64 = tx
            .query_one(
                "INSERT INTO actions (at, who, account_id, action, note, verdict_then)
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                &[
                    &action.at as Param,
                    &action.who,
                    &action.account_id,
                    &action.action.as_str(),
                    &action.note,
                    &action.verdict_then.map(Verdict::as_str),
                ],
            )?
            .try_get(0)?;
        tx.execute(
            "INSERT INTO audit (at, who, what, subject, detail) VALUES ($1, $2, $3, $4, $5)",
            &[
                &action.at as Param,
                &action.who,
                &format!("account.{}", action.action.as_str()),
                &action.account_id,
                &action_detail(id, action),
            ],
        )?;
        tx.commit()?;
        Ok(action.stored(id))
    }

    fn actions(&mut self) -> Result<Vec<StoredAction>, LiveError> {
        self.client()?
            .query(
                "SELECT id, at, who, account_id, action, note, verdict_then FROM actions ORDER BY id",
                &[],
            )?
            .iter()
            .map(action_row)
            .collect()
    }

    fn actions_of(
        &mut self,
        account_id: &str,
        limit: usize,
    ) -> Result<Vec<StoredAction>, LiveError> {
        self.client()?
            .query(
                "SELECT id, at, who, account_id, action, note, verdict_then FROM actions
                 WHERE account_id = $1 ORDER BY id DESC LIMIT $2",
                &[&account_id as Param, &(limit as i64)],
            )?
            .iter()
            .map(action_row)
            .collect()
    }

    fn alerts(&mut self, after: i64, limit: usize) -> Result<Vec<Alert>, LiveError> {
        self.client()?
            .query(
                "SELECT id, run, at, kind, subject, verdict, score, summary FROM alerts
                 WHERE id > $1 ORDER BY id LIMIT $2",
                &[&after, &(limit as i64)],
            )?
            .iter()
            .map(alert_row)
            .collect()
    }

    fn audit(&mut self, after: i64, limit: usize) -> Result<Vec<AuditEntry>, LiveError> {
        self.client()?
            .query(
                "SELECT id, at, who, what, subject, detail FROM audit
                 WHERE id > $1 ORDER BY id LIMIT $2",
                &[&after, &(limit as i64)],
            )?
            .iter()
            .map(|row| {
                Ok(AuditEntry {
                    id: row.try_get(0)?,
                    at: row.try_get(1)?,
                    who: row.try_get(2)?,
                    what: row.try_get(3)?,
                    subject: row.try_get(4)?,
                    detail: json_value(row.try_get(5)?),
                })
            })
            .collect()
    }

    fn verdict_history(
        &mut self,
        account_id: &str,
        limit: usize,
    ) -> Result<Vec<VerdictChange>, LiveError> {
        self.client()?
            .query(
                "SELECT run, at, account_id, verdict, score, evidence FROM verdicts
                 WHERE account_id = $1 ORDER BY id DESC LIMIT $2",
                &[&account_id as Param, &(limit as i64)],
            )?
            .iter()
            .map(|row| {
                Ok(VerdictChange {
                    run: row.try_get(0)?,
                    at: row.try_get(1)?,
                    account_id: row.try_get(2)?,
                    verdict: verdict_from(row.try_get(3)?)?,
                    score: row.try_get(4)?,
                    evidence: json_value(row.try_get(5)?),
                })
            })
            .collect()
    }

    fn timeline(
        &mut self,
        account_id: &str,
        limit: usize,
    ) -> Result<Vec<TimelineEntry>, LiveError> {
        self.client()?
            .query(
                "SELECT seq, received_at, record FROM exchanges WHERE account_id = $1
                 ORDER BY seq DESC LIMIT $2",
                &[&account_id as Param, &(limit as i64)],
            )?
            .iter()
            .map(|row| {
                Ok(TimelineEntry {
                    seq: row.try_get(0)?,
                    received_at: row.try_get(1)?,
                    exchange: json_value(row.try_get(2)?),
                })
            })
            .collect()
    }

    fn ping(&mut self) -> bool {
        self.client()
            .and_then(|client| Ok(client.query_one("SELECT 1", &[])?))
            .is_ok()
    }

    fn try_lead(&mut self) -> Result<bool, LiveError> {
        if self.leading && !self.client.is_closed() {
            return Ok(true);
        }
        let key = self.lock_key;
        let got: bool = self
            .client()?
            .query_one(
                "SELECT pg_try_advisory_lock($1, $2)",
                &[&key, &ANALYZER_LOCK],
            )?
            .try_get(0)?;
        self.leading = got;
        Ok(got)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact("postgres://dg:secret@db.internal:5432/live"),
            "postgres://dg:***@db.internal:5432/live"
        );
        assert_eq!(
            redact("postgres://dg@localhost/live"),
            "postgres://dg@localhost/live"
        );
        assert_eq!(
            redact("host=localhost password=secret user=dg"),
            "host=localhost password=*** user=dg"
        );
    }

    #[test]
    fn schema_names_are_plain_identifiers() {
        assert!(valid_schema("distillguard"));
        assert!(valid_schema("_dg_2"));
        assert!(!valid_schema("DG"));
        assert!(!valid_schema("dg; DROP TABLE x"));
        assert!(!valid_schema("1dg"));
        assert!(!valid_schema(""));
        assert_ne!(lock_key("a"), lock_key("b"));
    }
}
