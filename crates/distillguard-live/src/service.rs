//! [`Live`]: the detection service's state and operations, shared by the HTTP routes,
//! the analyzer thread and an in-process gateway.
//!
//! Locks, each held briefly and never across an analysis: `store` (one SQLite
//! connection; writes are serial anyway), `engine` (folded per ingest; cloned, not held,
//! by a run), `published` (the latest report, swapped whole), the [`DecisionTable`]
//! (swapped whole, or one entry on an analyst action) and `actions`.
//!
//! Ingest order: parse → commit to the store → acknowledge-able → observe in the engine.
//! A crash between commit and observe loses nothing, because start-up replays the store.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, RwLock};
use std::time::Instant;

use distillguard_ingest::Mapping;
use distillguard_model::check::{CheckRequest, CheckResponse};
use distillguard_model::report::{AccountReport, CampaignReport, ClusterReport, Report};
use distillguard_model::verdict::Verdict;
use distillguard_model::{AccountRecord, Exchange, ModelRelease, PartnerIndicator};
use distillguard_scoring::{Engine, ReaderCounts, SideInputs};
use serde::Serialize;

use crate::config::LiveConfig;
use crate::decisions::{decide, AnalystAction, DecisionTable};
use crate::error::LiveError;
pub use crate::ingest::LineError;
use crate::ingest::{otlp_mapping, parse_ndjson, parse_otlp, Parsed};
use crate::metrics::Metrics;
use crate::store::{
    Alert, AuditEntry, Database, NewAction, RunRecord, Store, StoredAction, TimelineEntry,
    VerdictChange,
};

/// Line errors returned in one answer at most; the count is always complete.
pub const MAX_LINE_ERRORS: usize = 100;

/// Batch size of a catch-up on the log (start-up replay, other instances' rows).
const REPLAY_BATCH: usize = 8192;

/// Milliseconds since the Unix epoch, now.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// Side inputs the engine scores with (account records, model releases, partner intel).
#[derive(Debug, Clone, Default)]
pub struct Side {
    pub accounts: Vec<AccountRecord>,
    pub releases: Vec<ModelRelease>,
    pub intel: Vec<PartnerIndicator>,
}

/// The answer to an ingest: counts, and the first [`MAX_LINE_ERRORS`] line errors.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct IngestOutcome {
    pub accepted: u64,
    pub rejected: u64,
    pub duplicates: u64,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<LineError>,
}

/// The latest analysis, as published to readers.
#[derive(Debug, Default)]
pub struct Published {
    /// Run id (0: no run yet).
    pub run: i64,
    pub at: i64,
    pub report: Option<Report>,
    index: HashMap<String, usize>,
}

impl Published {
    fn new(run: i64, at: i64, report: Report) -> Published {
        let index = report
            .accounts
            .iter()
            .enumerate()
            .map(|(i, a)| (a.account_id.clone(), i))
            .collect();
        Published {
            run,
            at,
            report: Some(report),
            index,
        }
    }

    pub fn account(&self, account_id: &str) -> Option<&AccountReport> {
        let report = self.report.as_ref()?;
        self.index
            .get(account_id)
            .and_then(|&i| report.accounts.get(i))
    }

    pub fn accounts(&self) -> &[AccountReport] {
        self.report.as_ref().map_or(&[], |r| &r.accounts)
    }

    pub fn clusters(&self) -> &[ClusterReport] {
        self.report.as_ref().map_or(&[], |r| &r.clusters)
    }

    pub fn campaigns(&self) -> &[CampaignReport] {
        self.report.as_ref().map_or(&[], |r| &r.campaigns)
    }
}

/// What one analysis run did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RunSummary {
    pub run: i64,
    pub at: i64,
    pub exchanges: u64,
    pub accounts: u64,
    pub flagged: u64,
    pub changes: u64,
    pub alerts: Vec<Alert>,
    pub duration_ms: u64,
}

/// Everything the read API says about one account.
#[derive(Debug, Clone, Serialize)]
pub struct AccountView {
    pub account_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report: Option<AccountReport>,
    pub decision: CheckResponse,
    pub history: Vec<VerdictChange>,
    pub actions: Vec<StoredAction>,
    pub timeline: Vec<TimelineEntry>,
}

#[derive(Default)]
struct Wake {
    stop: bool,
}

/// The engine and how far into the log it has folded.
struct Folded {
    engine: Engine,
    /// The largest `seq` observed; every exchange up to it is in the engine.
    through: i64,
}

pub struct Live {
    config: LiveConfig,
    side: Side,
    store: Mutex<Store>,
    engine: Mutex<Folded>,
    published: RwLock<Arc<Published>>,
    decisions: DecisionTable,
    actions: RwLock<HashMap<String, StoredAction>>,
    metrics: Metrics,
    otlp: Mapping,
    /// Serialises analysis runs.
    run_lock: Mutex<()>,
    wake: Mutex<Wake>,
    wake_signal: Condvar,
    ready: AtomicBool,
    rejected_total: AtomicU64,
    duplicates_total: AtomicU64,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Live {
    /// Opens (or creates) the configured database (`config.database_url`, else the
    /// SQLite file at `path`) and restores the state it holds.
    pub fn open(path: &Path, config: LiveConfig, side: Side) -> Result<Live, LiveError> {
        let database = Live::database(path, &config);
        Live::open_database(&database, config, side)
    }

    /// The database `config` names: PostgreSQL if `database_url` is set, else SQLite at
    /// `path`.
    pub fn database(path: &Path, config: &LiveConfig) -> Database {
        match &config.database_url {
            Some(url) => Database::Postgres {
                url: url.clone(),
                schema: config.database_schema.clone(),
            },
            None => Database::Sqlite {
                path: path.to_path_buf(),
                synchronous: config.synchronous,
            },
        }
    }

    /// Opens (or creates) the database and restores the state it holds.
    pub fn open_database(
        database: &Database,
        config: LiveConfig,
        side: Side,
    ) -> Result<Live, LiveError> {
        let store = database.open()?;
        tracing::info!(backend = store.kind(), database = %database.describe(), "live database open");
        Live::with_store(store, config, side)
    }

    /// A service on a private in-memory database (tests, replay).
    pub fn in_memory(config: LiveConfig, side: Side) -> Result<Live, LiveError> {
        Live::open_database(&Database::InMemory, config, side)
    }

    fn with_store(mut store: Store, config: LiveConfig, side: Side) -> Result<Live, LiveError> {
        let started = Instant::now();
        let mut folded = Folded {
            engine: Engine::new(config.engine.clone()),
            through: 0,
        };
        let replayed = fold_log(&mut store, &mut folded)?;

        let published = match store.snapshot()? {
            Some((run, report)) => Published::new(run, 0, report),
            None => Published::default(),
        };
        let analysed = published.report.as_ref().map_or(0, |r| r.input.exchanges);
        let mut actions = HashMap::new();
        for action in store.actions()? {
            actions.insert(action.account_id.clone(), action);
        }
        let metrics = Metrics::default();
        metrics
            .pending_exchanges
            .store(replayed.saturating_sub(analysed), Ordering::Relaxed);
        let live = Live {
            otlp: otlp_mapping()?,
            config,
            side,
            store: Mutex::new(store),
            engine: Mutex::new(folded),
            published: RwLock::new(Arc::new(published)),
            decisions: DecisionTable::default(),
            actions: RwLock::new(actions),
            metrics,
            run_lock: Mutex::new(()),
            wake: Mutex::new(Wake::default()),
            wake_signal: Condvar::new(),
            ready: AtomicBool::new(false),
            rejected_total: AtomicU64::new(0),
            duplicates_total: AtomicU64::new(0),
        };
        live.rebuild_decisions();
        live.count_verdicts();
        live.ready.store(true, Ordering::Release);
        tracing::info!(
            exchanges = replayed,
            run = live.published().run,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "live state restored"
        );
        Ok(live)
    }

    pub fn config(&self) -> &LiveConfig {
        &self.config
    }

    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    /// Whether the state is restored and the database answers.
    pub fn is_ready(&self) -> bool {
        self.ready.load(Ordering::Acquire) && lock(&self.store).ping()
    }

    /// The latest published analysis.
    pub fn published(&self) -> Arc<Published> {
        match self.published.read() {
            Ok(guard) => Arc::clone(&guard),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    // ---- ingest ----

    /// Ingests an NDJSON body of spec records. Returns after the commit.
    pub fn ingest_ndjson(&self, body: &[u8]) -> Result<IngestOutcome, LiveError> {
        self.ingest_parsed(parse_ndjson(body))
    }

    /// Ingests an OTLP/HTTP JSON trace export (GenAI spans). Returns after the commit.
    pub fn ingest_otlp(&self, body: &[u8]) -> Result<IngestOutcome, LiveError> {
        self.ingest_parsed(parse_otlp(body, &self.otlp)?)
    }

    /// Ingests exchanges made in process (a gateway). Returns after the commit.
    pub fn ingest(&self, exchanges: Vec<Exchange>) -> Result<IngestOutcome, LiveError> {
        self.ingest_parsed(Parsed {
            exchanges,
            errors: Vec::new(),
        })
    }

    fn ingest_parsed(&self, parsed: Parsed) -> Result<IngestOutcome, LiveError> {
        let Parsed {
            exchanges,
            mut errors,
        } = parsed;
        let rejected = errors.len() as u64;
        errors.truncate(MAX_LINE_ERRORS);
        let seqs = if exchanges.is_empty() {
            Vec::new()
        } else {
            lock(&self.store).append_exchanges(&exchanges, now_ms())?
        };
        let fresh: Vec<(i64, Exchange)> = exchanges
            .into_iter()
            .zip(&seqs)
            .filter_map(|(exchange, &seq)| seq.map(|seq| (seq, exchange)))
            .collect();
        let accepted = fresh.len() as u64;
        let duplicates = seqs.len() as u64 - accepted;
        if !fresh.is_empty() {
            // Another instance's rows (or a concurrent ingest's) may sit between the
            // engine's position and ours; they are read back from the log, which
            // also covers this batch.
            let folded_others = self.fold(fresh)?;
            self.metrics
                .pending_exchanges
                .fetch_add(folded_others, Ordering::Relaxed);
        }
        Metrics::add(&self.metrics.exchanges_ingested, accepted);
        Metrics::add(&self.metrics.exchanges_rejected, rejected);
        Metrics::add(&self.metrics.exchanges_duplicate, duplicates);
        Metrics::add(&self.metrics.ingest_requests, 1);
        self.rejected_total.fetch_add(rejected, Ordering::Relaxed);
        self.duplicates_total
            .fetch_add(duplicates, Ordering::Relaxed);
        let pending = self
            .metrics
            .pending_exchanges
            .fetch_add(accepted, Ordering::Relaxed)
            + accepted;
        if pending >= self.config.analyze_every_exchanges {
            self.wake_signal.notify_all();
        }
        tracing::debug!(accepted, rejected, duplicates, "ingest committed");
        Ok(IngestOutcome {
            accepted,
            rejected,
            duplicates,
            errors,
        })
    }

    /// Exchanges stored since the last analysis run.
    pub fn pending(&self) -> u64 {
        self.metrics.pending_exchanges.load(Ordering::Relaxed)
    }

    // ---- decisions ----

    /// The action for an account: one lookup in the published decision table.
    pub fn check(&self, request: &CheckRequest) -> CheckResponse {
        Metrics::add(&self.metrics.check_requests, 1);
        self.decisions.check(&request.account_id)
    }

    /// The current decision for an account, without counting it as a check (views).
    pub fn decision(&self, account_id: &str) -> CheckResponse {
        self.decisions.check(account_id)
    }

    fn rebuild_decisions(&self) {
        let published = self.published();
        let actions = match self.actions.read() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        let policy = &self.config.policy;
        let mut table = HashMap::with_capacity(published.accounts().len() + actions.len());
        for account in published.accounts() {
            let id = &account.account_id;
            let response = decide(id, Some(account), actions.get(id), policy);
            table.insert(id.clone(), response);
        }
        for (id, action) in actions.iter() {
            if !table.contains_key(id) {
                table.insert(id.clone(), decide(id, None, Some(action), policy));
            }
        }
        self.decisions.publish(table);
    }

    fn count_verdicts(&self) {
        let published = self.published();
        let mut counts = [0u64; 3];
        for account in published.accounts() {
            counts[account.verdict as usize] += 1;
        }
        let m = &self.metrics;
        m.accounts_benign.store(counts[0], Ordering::Relaxed);
        m.accounts_suspicious.store(counts[1], Ordering::Relaxed);
        m.accounts_attack.store(counts[2], Ordering::Relaxed);
    }

    // ---- analysis ----

    /// Re-analyses everything stored so far, now.
    pub fn analyze_now(&self) -> Result<RunSummary, LiveError> {
        self.analyze_at(now_ms())
    }

    /// Re-analyses everything stored so far; `at` stamps the run (simulated time in a
    /// replay). Stores verdict changes, alerts and the snapshot, then publishes.
    pub fn analyze_at(&self, at: i64) -> Result<RunSummary, LiveError> {
        let _one_run_at_a_time = lock(&self.run_lock);
        let started = Instant::now();
        if !lock(&self.store).try_lead()? {
            return Err(LiveError::Follower(
                "another instance on this database runs the analyses; this one follows its results"
                    .into(),
            ));
        }
        let engine = {
            let mut folded = lock(&self.engine);
            let store = &mut *lock(&self.store);
            fold_log(store, &mut folded)?;
            self.metrics.pending_exchanges.store(0, Ordering::Relaxed);
            folded.engine.clone()
        };
        let counts = ReaderCounts {
            rejected: self.rejected_total.load(Ordering::Relaxed),
            duplicates: self.duplicates_total.load(Ordering::Relaxed),
        };
        let side = SideInputs {
            accounts: &self.side.accounts,
            releases: &self.side.releases,
            intel: &self.side.intel,
        };
        let report = engine.finish(side, counts).report;
        let previous = self.published();
        let changes = verdict_changes(&previous, &report, at);
        let alerts = new_alerts(&previous, &report);
        let duration = started.elapsed();
        let duration_ms = duration.as_millis() as u64;
        let record = RunRecord {
            at,
            exchanges: report.input.exchanges,
            accounts: report.accounts.len() as u64,
            duration_ms,
            report: &report,
            changes: &changes,
            alerts: &alerts,
        };
        let stored = lock(&self.store).record_run(&record);
        let (run, alerts) = match stored {
            Ok(stored) => stored,
            Err(err) => {
                Metrics::add(&self.metrics.analysis_failures, 1);
                return Err(err);
            }
        };
        let summary = RunSummary {
            run,
            at,
            exchanges: report.input.exchanges,
            accounts: report.accounts.len() as u64,
            flagged: report
                .accounts
                .iter()
                .filter(|a| a.verdict != Verdict::Benign)
                .count() as u64,
            changes: changes.len() as u64,
            alerts,
            duration_ms,
        };
        let published = Arc::new(Published::new(run, at, report));
        match self.published.write() {
            Ok(mut guard) => *guard = published,
            Err(poisoned) => *poisoned.into_inner() = published,
        }
        self.rebuild_decisions();
        self.count_verdicts();
        let m = &self.metrics;
        Metrics::add(&m.analysis_runs, 1);
        Metrics::add(&m.analysis_micros_total, duration.as_micros() as u64);
        m.last_analysis_micros
            .store(duration.as_micros() as u64, Ordering::Relaxed);
        Metrics::add(&m.alerts_raised, summary.alerts.len() as u64);
        for alert in &summary.alerts {
            tracing::warn!(kind = %alert.kind, subject = %alert.subject, summary = %alert.summary, "alert");
        }
        tracing::info!(
            run,
            exchanges = summary.exchanges,
            accounts = summary.accounts,
            flagged = summary.flagged,
            changes = summary.changes,
            duration_ms,
            "analysis run"
        );
        Ok(summary)
    }

    // ---- analyst actions ----

    /// Records an analyst action (and its audit line) and applies it at once.
    pub fn apply_action(
        &self,
        account_id: &str,
        action: AnalystAction,
        note: &str,
        who: &str,
    ) -> Result<StoredAction, LiveError> {
        self.apply_action_at(account_id, action, note, who, now_ms())
    }

    pub fn apply_action_at(
        &self,
        account_id: &str,
        action: AnalystAction,
        note: &str,
        who: &str,
        at: i64,
    ) -> Result<StoredAction, LiveError> {
        if account_id.trim().is_empty() {
            return Err(LiveError::BadRequest("account id is empty".into()));
        }
        let published = self.published();
        let account = published.account(account_id);
        let stored = lock(&self.store).record_action(&NewAction {
            at,
            who,
            account_id,
            action,
            note,
            verdict_then: account.map(|a| a.verdict),
        })?;
        {
            let mut actions = match self.actions.write() {
                Ok(guard) => guard,
                Err(poisoned) => poisoned.into_inner(),
            };
            actions.insert(account_id.to_string(), stored.clone());
        }
        self.decisions.update(decide(
            account_id,
            account,
            Some(&stored),
            &self.config.policy,
        ));
        Metrics::add(&self.metrics.analyst_actions, 1);
        tracing::info!(account = %account_id, action = action.as_str(), who, "analyst action");
        Ok(stored)
    }

    // ---- reads ----

    /// An account's verdict, evidence, decision, history, actions and recent exchanges.
    pub fn account(&self, account_id: &str) -> Result<AccountView, LiveError> {
        let published = self.published();
        let report = published.account(account_id).cloned();
        let limit = self.config.timeline_len;
        let mut store = lock(&self.store);
        let timeline = store.timeline(account_id, limit)?;
        let actions = store.actions_of(account_id, limit)?;
        if report.is_none() && timeline.is_empty() && actions.is_empty() {
            return Err(LiveError::NotFound(format!("account {account_id:?}")));
        }
        Ok(AccountView {
            account_id: account_id.to_string(),
            report,
            decision: self.decisions.check(account_id),
            history: store.verdict_history(account_id, limit)?,
            actions,
            timeline,
        })
    }

    pub fn alerts(&self, after: i64, limit: usize) -> Result<Vec<Alert>, LiveError> {
        lock(&self.store).alerts(after, limit)
    }

    pub fn audit(&self, after: i64, limit: usize) -> Result<Vec<AuditEntry>, LiveError> {
        lock(&self.store).audit(after, limit)
    }

    // ---- several instances on one database ----

    /// Folds a batch this instance just committed (`seq`, exchange), reading from the
    /// log whatever other writers committed before it. Returns how many exchanges of
    /// other writers were folded.
    fn fold(&self, fresh: Vec<(i64, Exchange)>) -> Result<u64, LiveError> {
        let mut folded = lock(&self.engine);
        let fresh: Vec<(i64, Exchange)> = fresh
            .into_iter()
            .filter(|(seq, _)| *seq > folded.through)
            .collect();
        let Some(&(last, _)) = fresh.last() else {
            return Ok(0);
        };
        let contiguous = fresh
            .iter()
            .enumerate()
            .all(|(i, (seq, _))| *seq == folded.through + 1 + i as i64);
        if contiguous {
            let exchanges: Vec<Exchange> = fresh.into_iter().map(|(_, e)| e).collect();
            folded.engine.observe_batch(&exchanges);
            folded.through = last;
            return Ok(0);
        }
        let read = fold_log(&mut lock(&self.store), &mut folded)?;
        Ok(read.saturating_sub(fresh.len() as u64))
    }

    /// Brings this instance up to date with its database: folds exchanges other
    /// instances stored, and, when another instance runs the analyses, takes that
    /// instance's latest results and analyst actions. Returns whether this instance
    /// runs the analyses. Called by the analyzer thread on every tick.
    pub fn sync(&self) -> Result<bool, LiveError> {
        let others = {
            let mut folded = lock(&self.engine);
            fold_log(&mut lock(&self.store), &mut folded)?
        };
        if others > 0 {
            self.metrics
                .pending_exchanges
                .fetch_add(others, Ordering::Relaxed);
        }
        if lock(&self.store).try_lead()? {
            return Ok(true);
        }
        self.follow()?;
        Ok(false)
    }

    /// Takes the analyzing instance's latest snapshot and the analyst actions.
    fn follow(&self) -> Result<(), LiveError> {
        let (snapshot, stored_actions) = {
            let mut store = lock(&self.store);
            let run = store.snapshot_run()?;
            let snapshot = if run > self.published().run {
                store.snapshot()?
            } else {
                None
            };
            (snapshot, store.actions()?)
        };
        let mut actions = HashMap::new();
        for action in stored_actions {
            actions.insert(action.account_id.clone(), action);
        }
        match self.actions.write() {
            Ok(mut guard) => *guard = actions,
            Err(poisoned) => *poisoned.into_inner() = actions,
        }
        if let Some((run, report)) = snapshot {
            let published = Arc::new(Published::new(run, now_ms(), report));
            match self.published.write() {
                Ok(mut guard) => *guard = published,
                Err(poisoned) => *poisoned.into_inner() = published,
            }
            self.metrics.pending_exchanges.store(0, Ordering::Relaxed);
            self.count_verdicts();
            tracing::info!(run, "following the analyzing instance's run");
        }
        self.rebuild_decisions();
        Ok(())
    }

    // ---- the analyzer thread's wait ----

    /// Whether a run is due: enough new exchanges, or some and enough time since `last`.
    pub fn analysis_due(&self, last: Instant) -> bool {
        let pending = self.pending();
        pending >= self.config.analyze_every_exchanges
            || (pending > 0 && last.elapsed() >= self.config.analyze_interval)
    }

    /// Waits until woken (enough exchanges, or stop) or `timeout`. Returns false once
    /// stop was asked.
    pub(crate) fn wait_for_work(&self, timeout: std::time::Duration) -> bool {
        let guard = lock(&self.wake);
        if guard.stop {
            return false;
        }
        let (guard, _) = self
            .wake_signal
            .wait_timeout(guard, timeout)
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        !guard.stop
    }

    /// Asks the analyzer thread to stop.
    pub fn stop(&self) {
        lock(&self.wake).stop = true;
        self.wake_signal.notify_all();
    }
}

/// Folds every logged exchange after `folded.through` into the engine. Returns how many.
fn fold_log(store: &mut Store, folded: &mut Folded) -> Result<u64, LiveError> {
    let mut batch = Vec::with_capacity(REPLAY_BATCH);
    let Folded { engine, through } = folded;
    let read = store.exchanges_after(*through, &mut |seq, exchange| {
        batch.push(exchange);
        *through = seq;
        if batch.len() == REPLAY_BATCH {
            engine.observe_batch(&batch);
            batch.clear();
        }
        Ok(())
    })?;
    engine.observe_batch(&batch);
    Ok(read)
}

fn evidence_json(account: &AccountReport) -> serde_json::Value {
    serde_json::to_value(&account.evidence).unwrap_or(serde_json::Value::Null)
}

/// Accounts whose verdict differs from the previous run's (new accounts: when not benign).
fn verdict_changes(previous: &Published, report: &Report, at: i64) -> Vec<VerdictChange> {
    report
        .accounts
        .iter()
        .filter(|account| {
            let before = previous.account(&account.account_id).map(|a| a.verdict);
            before.unwrap_or(Verdict::Benign) != account.verdict
        })
        .map(|account| VerdictChange {
            run: 0,
            at,
            account_id: account.account_id.clone(),
            verdict: account.verdict,
            score: account.score,
            evidence: evidence_json(account),
        })
        .collect()
}

type NewAlert = (String, String, Option<Verdict>, Option<f64>, String);

/// Alerts: accounts whose verdict rose to suspicious or attack; clusters and campaigns
/// none of whose accounts were in a cluster (campaign) before (growth is not new).
fn new_alerts(previous: &Published, report: &Report) -> Vec<NewAlert> {
    let mut alerts = Vec::new();
    for account in &report.accounts {
        let before = previous
            .account(&account.account_id)
            .map_or(Verdict::Benign, |a| a.verdict);
        if account.verdict > before {
            let top = account
                .evidence
                .first()
                .map(|e| format!("; {}", e.detail))
                .unwrap_or_default();
            alerts.push((
                "account".to_string(),
                account.account_id.clone(),
                Some(account.verdict),
                Some(account.score),
                format!("{} → {}{top}", before, account.verdict),
            ));
        }
    }
    let clustered_before: HashSet<&str> = previous
        .clusters()
        .iter()
        .flat_map(|c| c.accounts.iter().map(String::as_str))
        .collect();
    for cluster in &report.clusters {
        if cluster
            .accounts
            .iter()
            .all(|a| !clustered_before.contains(a.as_str()))
        {
            alerts.push((
                "cluster".to_string(),
                cluster.id.clone(),
                None,
                Some(cluster.score),
                format!(
                    "new cluster of {} accounts, {} exchanges, targets {}",
                    cluster.accounts.len(),
                    cluster.exchanges,
                    cluster.targets.join(", ")
                ),
            ));
        }
    }
    let campaign_clusters_before: HashSet<&str> = previous
        .campaigns()
        .iter()
        .flat_map(|c| c.clusters.iter().map(String::as_str))
        .collect();
    let cluster_accounts: HashMap<&str, &[String]> = report
        .clusters
        .iter()
        .map(|c| (c.id.as_str(), c.accounts.as_slice()))
        .collect();
    let campaign_accounts_before: HashSet<&str> = previous
        .clusters()
        .iter()
        .filter(|c| campaign_clusters_before.contains(c.id.as_str()))
        .flat_map(|c| c.accounts.iter().map(String::as_str))
        .collect();
    for campaign in &report.campaigns {
        let seen = campaign.clusters.iter().any(|id| {
            cluster_accounts.get(id.as_str()).is_some_and(|accounts| {
                accounts
                    .iter()
                    .any(|a| campaign_accounts_before.contains(a.as_str()))
            })
        });
        if !seen {
            alerts.push((
                "campaign".to_string(),
                campaign.id.clone(),
                Some(Verdict::Attack),
                None,
                format!(
                    "new campaign: {} accounts in {} clusters, {} exchanges, targets {}",
                    campaign.accounts,
                    campaign.clusters.len(),
                    campaign.exchanges,
                    campaign.targets.join(", ")
                ),
            ));
        }
    }
    alerts
}
