//! Time-to-detect: a labelled log (a `distillguard simulate` output) replayed in time
//! order through a [`Live`] service, as a gateway would see it.
//!
//! Every exchange is first checked (`Live::check`): a block (or throttle/verify) means
//! the request is refused and never served; allow and degrade mean it is served (and
//! logged for detection). The service re-analyses at every `every_ms` of simulated
//! time. Per campaign the result says how many exchanges and how much simulated time
//! passed before its first account was flagged (suspicious or attack) and first blocked,
//! and what share of its attempted exchanges was served in full, served degraded, or
//! refused. Benign accounts are counted the same way (the cost of the policy).
//!
//! Labels are read here only to score the replay, never by detection.

use std::collections::{BTreeMap, HashMap};

use distillguard_model::check::{Action, CheckRequest};
use distillguard_model::label::{Label, LabelKind};
use distillguard_model::verdict::Verdict;
use distillguard_model::Exchange;
use serde::Serialize;

use crate::config::LiveConfig;
use crate::error::LiveError;
use crate::service::{Live, Side};
use crate::store::Database;

/// One campaign's replay.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CampaignOutcome {
    pub campaign: String,
    pub accounts: u64,
    /// Exchanges the campaign attempted.
    pub attempted: u64,
    pub first_ts: Option<i64>,
    /// Simulated time of the run that first flagged one of its accounts.
    pub flagged_at: Option<i64>,
    /// Exchanges attempted before that run.
    pub exchanges_before_flag: u64,
    /// Simulated time of its first refused request.
    pub stopped_at: Option<i64>,
    pub exchanges_before_stop: u64,
    pub served_full: u64,
    pub served_degraded: u64,
    pub refused: u64,
    /// Accounts with an attack verdict at the end.
    pub accounts_attack_at_end: u64,
}

impl CampaignOutcome {
    /// Simulated hours from the campaign's first exchange to its first flag.
    pub fn hours_to_flag(&self) -> Option<f64> {
        Some((self.flagged_at? - self.first_ts?) as f64 / 3.6e6)
    }

    pub fn hours_to_stop(&self) -> Option<f64> {
        Some((self.stopped_at? - self.first_ts?) as f64 / 3.6e6)
    }

    /// Share of attempted exchanges served unchanged.
    pub fn served_full_share(&self) -> f64 {
        self.served_full as f64 / self.attempted.max(1) as f64
    }
}

/// Benign traffic through the same policy.
#[derive(Debug, Clone, Default, Serialize)]
pub struct BenignOutcome {
    pub accounts: u64,
    pub attempted: u64,
    pub served_degraded: u64,
    pub refused: u64,
    /// Benign accounts that had at least one request degraded or refused.
    pub accounts_affected: u64,
    pub accounts_refused: u64,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ReplayOutcome {
    pub exchanges: u64,
    pub runs: u64,
    pub analysis_ms_total: u64,
    pub campaigns: Vec<CampaignOutcome>,
    pub benign: BenignOutcome,
}

#[derive(Default)]
struct AccountTally {
    degraded: u64,
    refused: u64,
}

/// Replays `exchanges` (any order; sorted here by time) with re-analysis every
/// `every_ms` of simulated time, on a private in-memory database.
pub fn replay(
    exchanges: Vec<Exchange>,
    labels: &[Label],
    every_ms: i64,
    config: LiveConfig,
    side: Side,
) -> Result<ReplayOutcome, LiveError> {
    replay_on(
        &Database::InMemory,
        exchanges,
        labels,
        every_ms,
        config,
        side,
    )
}

/// [`replay`] on the given database (which should start empty).
pub fn replay_on(
    database: &Database,
    mut exchanges: Vec<Exchange>,
    labels: &[Label],
    every_ms: i64,
    mut config: LiveConfig,
    side: Side,
) -> Result<ReplayOutcome, LiveError> {
    if every_ms <= 0 {
        return Err(LiveError::Config("replay interval must be positive".into()));
    }
    // Runs happen on simulated time only.
    config.analyze_every_exchanges = u64::MAX;
    let live = Live::open_database(database, config, side)?;
    exchanges.sort_by(|a, b| (a.ts, &a.request_id).cmp(&(b.ts, &b.request_id)));

    let label_of: HashMap<&str, &Label> =
        labels.iter().map(|l| (l.account_id.as_str(), l)).collect();
    let mut campaigns: BTreeMap<String, CampaignOutcome> = BTreeMap::new();
    let mut campaign_accounts: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut benign = BenignOutcome::default();
    for label in labels {
        match (&label.label, &label.campaign) {
            (LabelKind::Attack, Some(campaign)) => {
                let entry = campaigns
                    .entry(campaign.clone())
                    .or_insert_with(|| CampaignOutcome {
                        campaign: campaign.clone(),
                        ..CampaignOutcome::default()
                    });
                entry.accounts += 1;
                campaign_accounts
                    .entry(campaign.clone())
                    .or_default()
                    .push(label.account_id.clone());
            }
            _ => benign.accounts += 1,
        }
    }
    let mut benign_tally: HashMap<String, AccountTally> = HashMap::new();

    let mut outcome = ReplayOutcome {
        exchanges: exchanges.len() as u64,
        ..ReplayOutcome::default()
    };
    let Some(first) = exchanges.first().map(|e| e.ts) else {
        return Ok(outcome);
    };
    let mut next_run = first + every_ms;
    let mut buffer: Vec<Exchange> = Vec::new();
    let mut request = CheckRequest::default();
    for exchange in exchanges {
        while exchange.ts >= next_run {
            if !buffer.is_empty() {
                live.ingest(std::mem::take(&mut buffer))?;
                let summary = live.analyze_at(next_run)?;
                outcome.runs += 1;
                outcome.analysis_ms_total += summary.duration_ms;
                note_flags(&live, next_run, &campaign_accounts, &mut campaigns);
            }
            next_run += every_ms;
        }
        request.account_id.clone_from(&exchange.account_id);
        let decision = live.check(&request);
        let served = matches!(decision.action, Action::Allow | Action::Degrade);
        let label = label_of.get(exchange.account_id.as_str());
        match label.and_then(|l| l.campaign.as_ref().filter(|_| l.label == LabelKind::Attack)) {
            Some(campaign) => {
                if let Some(c) = campaigns.get_mut(campaign) {
                    c.attempted += 1;
                    c.first_ts.get_or_insert(exchange.ts);
                    if c.flagged_at.is_none() {
                        c.exchanges_before_flag += 1;
                    }
                    match decision.action {
                        Action::Allow => c.served_full += 1,
                        Action::Degrade => c.served_degraded += 1,
                        _ => {
                            c.refused += 1;
                            c.stopped_at.get_or_insert(exchange.ts);
                        }
                    }
                    if c.stopped_at.is_none() {
                        c.exchanges_before_stop += 1;
                    }
                }
            }
            None => {
                benign.attempted += 1;
                if decision.action != Action::Allow {
                    let tally = benign_tally.entry(exchange.account_id.clone()).or_default();
                    if served {
                        benign.served_degraded += 1;
                        tally.degraded += 1;
                    } else {
                        benign.refused += 1;
                        tally.refused += 1;
                    }
                }
            }
        }
        if served {
            buffer.push(exchange);
        }
    }
    if !buffer.is_empty() {
        live.ingest(buffer)?;
        let summary = live.analyze_at(next_run)?;
        outcome.runs += 1;
        outcome.analysis_ms_total += summary.duration_ms;
        note_flags(&live, next_run, &campaign_accounts, &mut campaigns);
    }
    let published = live.published();
    for (name, accounts) in &campaign_accounts {
        if let Some(c) = campaigns.get_mut(name) {
            c.accounts_attack_at_end = accounts
                .iter()
                .filter(|a| {
                    published
                        .account(a)
                        .is_some_and(|r| r.verdict == Verdict::Attack)
                })
                .count() as u64;
        }
    }
    benign.accounts_affected = benign_tally.len() as u64;
    benign.accounts_refused = benign_tally.values().filter(|t| t.refused > 0).count() as u64;
    outcome.benign = benign;
    outcome.campaigns = campaigns.into_values().collect();
    Ok(outcome)
}

fn note_flags(
    live: &Live,
    at: i64,
    campaign_accounts: &BTreeMap<String, Vec<String>>,
    campaigns: &mut BTreeMap<String, CampaignOutcome>,
) {
    let published = live.published();
    for (name, accounts) in campaign_accounts {
        let Some(c) = campaigns.get_mut(name) else {
            continue;
        };
        if c.flagged_at.is_some() {
            continue;
        }
        let flagged = accounts.iter().any(|a| {
            published
                .account(a)
                .is_some_and(|r| r.verdict != Verdict::Benign)
        });
        if flagged {
            c.flagged_at = Some(at);
        }
    }
}

/// A simulation folder read whole: exchanges, labels and side inputs.
pub struct Simulation {
    pub exchanges: Vec<Exchange>,
    pub labels: Vec<Label>,
    pub side: Side,
}

/// Reads a `distillguard simulate` output folder (events, labels.jsonl, accounts.jsonl,
/// releases.json). Duplicate deliveries are dropped by the reader, as in `analyze`.
pub fn load_simulation(dir: &std::path::Path) -> Result<Simulation, LiveError> {
    use distillguard_ingest::{discover, read_exchanges, IngestEvent, ReadOptions};
    let ingest = |e: distillguard_ingest::IngestError| LiveError::BadRequest(e.to_string());
    let files = discover(&[dir.to_path_buf()]).map_err(ingest)?;
    let mut exchanges = Vec::new();
    read_exchanges(&files, &ReadOptions::default(), &mut |event| {
        if let IngestEvent::Batch(batch) = event {
            exchanges.extend(batch);
        }
        Ok(())
    })
    .map_err(ingest)?;
    let (labels, _) =
        distillguard_ingest::read_labels(&dir.join("labels.jsonl")).map_err(ingest)?;
    let mut side = Side::default();
    let accounts = dir.join("accounts.jsonl");
    if accounts.exists() {
        side.accounts = distillguard_ingest::read_accounts(&accounts)
            .map_err(ingest)?
            .0;
    }
    let releases = dir.join("releases.json");
    if releases.exists() {
        side.releases = distillguard_ingest::read_releases(&releases).map_err(ingest)?;
    }
    Ok(Simulation {
        exchanges,
        labels,
        side,
    })
}

/// The outcome as a Markdown table (what `docs/SERVE.md` shows).
pub fn markdown(outcome: &ReplayOutcome) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let hours = |h: Option<f64>| h.map_or("never".to_string(), |h| format!("{h:.1} h"));
    let _ = writeln!(
        out,
        "| campaign | accounts | attempted | before flag | time to flag | before stop | time to stop | served full | degraded | refused | attack at end |"
    );
    let _ = writeln!(
        out,
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    );
    for c in &outcome.campaigns {
        let share = |n: u64| format!("{:.0}%", 100.0 * n as f64 / c.attempted.max(1) as f64);
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {}/{} |",
            c.campaign,
            c.accounts,
            c.attempted,
            c.exchanges_before_flag,
            hours(c.hours_to_flag()),
            c.exchanges_before_stop,
            hours(c.hours_to_stop()),
            share(c.served_full),
            share(c.served_degraded),
            share(c.refused),
            c.accounts_attack_at_end,
            c.accounts,
        );
    }
    let b = &outcome.benign;
    let _ = writeln!(
        out,
        "\nBenign: {} accounts, {} exchanges; {} accounts affected ({} refused at least once); {} exchanges degraded, {} refused.\nRuns: {}, analysis time {} ms in total.",
        b.accounts, b.attempted, b.accounts_affected, b.accounts_refused, b.served_degraded, b.refused,
        outcome.runs, outcome.analysis_ms_total
    );
    out
}
