//! Writing a simulation to a folder: event shards, `accounts.jsonl`, `labels.jsonl`,
//! `releases.json` and `populations.json`.
//!
//! In: a scenario, a seed and a format. Out: the files, and a [`Summary`].
//! Accounts are split into fixed shards (by position in the plan); each shard is
//! generated and compressed by one rayon task, so output is byte-identical whatever
//! the thread count, and memory is bounded by one chunk of accounts per thread, never
//! by the number of exchanges.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use distillguard_model::time::format_timestamp;
use distillguard_model::{LabelKind, ModelRelease};
use rayon::prelude::*;
use serde::Serialize;

use crate::plan::{Plan, Role};
use crate::scenario::Scenario;
use crate::traffic;
use crate::SimError;

/// Event file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `events-NNN.jsonl.zst` shards (default).
    JsonlZst,
    /// One plain `events.jsonl`.
    Jsonl,
}

/// How to generate.
#[derive(Debug, Clone)]
pub struct Options {
    pub seed: u64,
    pub format: Format,
    /// Accounts per shard (fixed, so output does not depend on threads).
    pub accounts_per_shard: usize,
    /// zstd level.
    pub level: i32,
    /// The scale the scenario was scaled by (recorded in `populations.json` only).
    pub scale: f64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            seed: 1,
            format: Format::JsonlZst,
            accounts_per_shard: 1024,
            level: 3,
            scale: 1.0,
        }
    }
}

/// Counts for one population or campaign.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct GroupCounts {
    pub name: String,
    pub kind: String,
    pub label: String,
    pub accounts: u64,
    /// Groups (teams, classes, firms) or hydra clusters.
    pub groups: u64,
    /// Unique exchanges (duplicates not counted).
    pub exchanges: u64,
    pub duplicates: u64,
    /// Campaigns: the behaviour knobs they ran with (filler, paraphrase, pacing...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub settings: Option<serde_json::Value>,
}

/// What was generated (also written as `populations.json`).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Summary {
    pub scenario: String,
    pub description: String,
    pub seed: u64,
    pub scale: f64,
    pub from: String,
    pub to: String,
    pub release: Option<ModelRelease>,
    pub accounts: u64,
    pub attack_accounts: u64,
    pub benign_accounts: u64,
    pub exchanges: u64,
    pub attack_exchanges: u64,
    pub benign_exchanges: u64,
    pub duplicates: u64,
    pub populations: Vec<GroupCounts>,
    pub campaigns: Vec<GroupCounts>,
    /// Event files written, relative to the output folder.
    pub files: Vec<String>,
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> SimError + '_ {
    move |source| SimError::Io {
        path: path.display().to_string(),
        source,
    }
}

fn json_err(err: serde_json::Error) -> SimError {
    SimError::Serialize(err.to_string())
}

struct ShardResult {
    accounts: Vec<u8>,
    labels: Vec<u8>,
    /// Per role key (population or campaign index): (exchanges, duplicates).
    counts: BTreeMap<(bool, u32), (u64, u64)>,
}

fn role_key(role: Option<Role>) -> (bool, u32) {
    match role {
        Some(Role::Attack { campaign, .. }) => (true, campaign),
        Some(Role::Benign { population, .. }) => (false, population),
        None => (false, u32::MAX),
    }
}

const CHUNK: usize = 64;

fn write_shard(
    scenario: &Scenario,
    plan: &Plan,
    options: &Options,
    shard: usize,
    path: &Path,
    done: &AtomicU64,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> Result<ShardResult, SimError> {
    let file = File::create(path).map_err(io_err(path))?;
    let mut sink: Box<dyn Write> = match options.format {
        Format::JsonlZst => {
            let encoder =
                zstd::stream::Encoder::new(BufWriter::with_capacity(1 << 20, file), options.level)
                    .map_err(io_err(path))?;
            Box::new(encoder.auto_finish())
        }
        Format::Jsonl => Box::new(BufWriter::with_capacity(1 << 20, file)),
    };
    let first = shard * options.accounts_per_shard;
    let last = (first + options.accounts_per_shard).min(plan.len());
    let mut result = ShardResult {
        accounts: Vec::new(),
        labels: Vec::new(),
        counts: BTreeMap::new(),
    };
    let mut line = Vec::with_capacity(4096);
    let mut start = first;
    while start < last {
        let end = (start + CHUNK).min(last);
        let mut chunk = Vec::new();
        for index in start..end {
            let (profile, exchanges) =
                traffic::account_traffic(scenario, plan, options.seed, index as u64);
            serde_json::to_writer(&mut result.accounts, &profile.record()).map_err(json_err)?;
            result.accounts.push(b'\n');
            serde_json::to_writer(&mut result.labels, &profile.label()).map_err(json_err)?;
            result.labels.push(b'\n');
            let entry = result
                .counts
                .entry(role_key(plan.roles.get(index).copied()))
                .or_default();
            let mut seen_last: Option<&str> = None;
            for exchange in &exchanges {
                // Duplicates are pushed right after their original.
                if seen_last == exchange.request_id.as_deref() && seen_last.is_some() {
                    entry.1 += 1;
                } else {
                    entry.0 += 1;
                }
                seen_last = exchange.request_id.as_deref();
            }
            chunk.extend(exchanges);
        }
        // Logs are written in completion order: sort the chunk by completion time.
        chunk.sort_by_key(|e| {
            (
                e.ts + e.latency_ms.unwrap_or(0) as i64,
                e.request_id.clone(),
            )
        });
        for exchange in &chunk {
            line.clear();
            serde_json::to_writer(&mut line, exchange).map_err(json_err)?;
            line.push(b'\n');
            sink.write_all(&line).map_err(io_err(path))?;
        }
        let finished =
            done.fetch_add((end - start) as u64, Ordering::Relaxed) + (end - start) as u64;
        progress(finished, plan.len() as u64);
        start = end;
    }
    sink.flush().map_err(io_err(path))?;
    drop(sink);
    Ok(result)
}

/// Generates the scenario into `out_dir`. `progress(done, total)` is called with the
/// number of accounts generated so far (from worker threads).
pub fn generate(
    scenario: &Scenario,
    out_dir: &Path,
    options: &Options,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> Result<Summary, SimError> {
    if options.accounts_per_shard == 0 {
        return Err(SimError::InvalidOption(
            "accounts_per_shard must be > 0".into(),
        ));
    }
    std::fs::create_dir_all(out_dir).map_err(io_err(out_dir))?;
    remove_previous_events(out_dir)?;
    let plan = Plan::build(scenario, options.seed);
    let shards = plan.len().div_ceil(options.accounts_per_shard).max(1);
    let width = shards.saturating_sub(1).to_string().len().max(3);
    let shard_paths: Vec<PathBuf> = (0..shards)
        .map(|shard| match options.format {
            Format::JsonlZst => out_dir.join(format!("events-{shard:0width$}.jsonl.zst")),
            Format::Jsonl => out_dir.join(format!(".events-part-{shard:0width$}.tmp")),
        })
        .collect();
    let done = AtomicU64::new(0);
    let results: Vec<ShardResult> = (0..shards)
        .into_par_iter()
        .map(|shard| {
            write_shard(
                scenario,
                &plan,
                options,
                shard,
                &shard_paths[shard],
                &done,
                progress,
            )
        })
        .collect::<Result<_, _>>()?;

    let mut files = Vec::new();
    match options.format {
        Format::JsonlZst => {
            for path in &shard_paths {
                if let Some(name) = path.file_name() {
                    files.push(name.to_string_lossy().into_owned());
                }
            }
        }
        Format::Jsonl => {
            let path = out_dir.join("events.jsonl");
            let mut out = BufWriter::new(File::create(&path).map_err(io_err(&path))?);
            for part in &shard_paths {
                let mut input = File::open(part).map_err(io_err(part))?;
                std::io::copy(&mut input, &mut out).map_err(io_err(&path))?;
                std::fs::remove_file(part).map_err(io_err(part))?;
            }
            out.flush().map_err(io_err(&path))?;
            files.push("events.jsonl".to_string());
        }
    }

    let accounts_path = out_dir.join("accounts.jsonl");
    let labels_path = out_dir.join("labels.jsonl");
    let mut accounts =
        BufWriter::new(File::create(&accounts_path).map_err(io_err(&accounts_path))?);
    let mut labels = BufWriter::new(File::create(&labels_path).map_err(io_err(&labels_path))?);
    let mut counts: BTreeMap<(bool, u32), (u64, u64)> = BTreeMap::new();
    for result in &results {
        accounts
            .write_all(&result.accounts)
            .map_err(io_err(&accounts_path))?;
        labels
            .write_all(&result.labels)
            .map_err(io_err(&labels_path))?;
        for (key, (exchanges, duplicates)) in &result.counts {
            let entry = counts.entry(*key).or_default();
            entry.0 += exchanges;
            entry.1 += duplicates;
        }
    }
    accounts.flush().map_err(io_err(&accounts_path))?;
    labels.flush().map_err(io_err(&labels_path))?;

    let releases: Vec<ModelRelease> = scenario
        .release
        .iter()
        .map(|r| ModelRelease {
            model: r.model.clone(),
            released: r.at,
        })
        .collect();
    let releases_path = out_dir.join("releases.json");
    std::fs::write(
        &releases_path,
        serde_json::to_vec_pretty(&releases).map_err(json_err)?,
    )
    .map_err(io_err(&releases_path))?;

    let summary = summarise(
        scenario,
        &plan,
        options,
        &counts,
        releases.first().cloned(),
        files,
    );
    let summary_path = out_dir.join("populations.json");
    std::fs::write(
        &summary_path,
        serde_json::to_vec_pretty(&summary).map_err(json_err)?,
    )
    .map_err(io_err(&summary_path))?;
    Ok(summary)
}

/// Removes event files an earlier run left in the folder (a smaller run would
/// otherwise leave stale shards that readers pick up). Only names this module writes.
fn remove_previous_events(out_dir: &Path) -> Result<(), SimError> {
    let entries = std::fs::read_dir(out_dir).map_err(io_err(out_dir))?;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let ours = (name.starts_with("events-") && name.ends_with(".jsonl.zst"))
            || name == "events.jsonl"
            || (name.starts_with(".events-part-") && name.ends_with(".tmp"));
        if ours {
            let path = entry.path();
            std::fs::remove_file(&path).map_err(io_err(&path))?;
        }
    }
    Ok(())
}

fn summarise(
    scenario: &Scenario,
    plan: &Plan,
    options: &Options,
    counts: &BTreeMap<(bool, u32), (u64, u64)>,
    release: Option<ModelRelease>,
    files: Vec<String>,
) -> Summary {
    let mut populations = Vec::new();
    for (p, population) in scenario.populations.iter().enumerate() {
        let (exchanges, duplicates) = counts.get(&(false, p as u32)).copied().unwrap_or_default();
        let sizes = plan.group_sizes.get(p).cloned().unwrap_or_default();
        populations.push(GroupCounts {
            name: population.name.clone(),
            kind: population.kind.as_str().to_string(),
            label: "benign".to_string(),
            accounts: sizes.iter().map(|s| u64::from(*s)).sum(),
            groups: if population.kind.is_grouped() {
                sizes.len() as u64
            } else {
                0
            },
            exchanges,
            duplicates,
            settings: None,
        });
    }
    let mut campaigns = Vec::new();
    for (c, campaign) in scenario.campaigns.iter().enumerate() {
        let (exchanges, duplicates) = counts.get(&(true, c as u32)).copied().unwrap_or_default();
        let sizes = plan.cluster_sizes.get(c).cloned().unwrap_or_default();
        campaigns.push(GroupCounts {
            name: campaign.name.clone(),
            kind: "campaign".to_string(),
            label: "attack".to_string(),
            accounts: sizes.iter().map(|s| u64::from(*s)).sum(),
            groups: sizes.len() as u64,
            exchanges,
            duplicates,
            settings: Some(campaign_settings(campaign)),
        });
    }
    let attack_accounts = campaigns.iter().map(|c| c.accounts).sum();
    let benign_accounts = populations.iter().map(|p| p.accounts).sum();
    let attack_exchanges: u64 = campaigns.iter().map(|c| c.exchanges).sum();
    let benign_exchanges: u64 = populations.iter().map(|p| p.exchanges).sum();
    let duplicates = campaigns
        .iter()
        .chain(&populations)
        .map(|g| g.duplicates)
        .sum();
    Summary {
        scenario: scenario.name.clone(),
        description: scenario.description.clone(),
        seed: options.seed,
        scale: options.scale,
        from: format_timestamp(scenario.start),
        to: format_timestamp(scenario.end),
        release,
        accounts: attack_accounts + benign_accounts,
        attack_accounts,
        benign_accounts,
        exchanges: attack_exchanges + benign_exchanges,
        attack_exchanges,
        benign_exchanges,
        duplicates,
        populations,
        campaigns,
        files,
    }
}

fn campaign_settings(campaign: &crate::scenario::Campaign) -> serde_json::Value {
    let capabilities: serde_json::Map<String, serde_json::Value> = campaign
        .capabilities
        .iter()
        .map(|(cap, weight)| (cap.as_str().to_string(), serde_json::json!(weight)))
        .collect();
    serde_json::json!({
        "capabilities": capabilities,
        "from": format_timestamp(campaign.start),
        "to": format_timestamp(campaign.end),
        "mean_exchanges_per_account": campaign.exchanges,
        "filler": campaign.filler,
        "paraphrase": campaign.paraphrase,
        "templates": campaign.templates,
        "ip_rotation": campaign.ip_rotation,
        "proxy_pool": campaign.proxy_pool,
        "residential_proxy": campaign.residential_proxy,
        "pacing": match campaign.pacing {
            crate::scenario::Pacing::Machine => "machine",
            crate::scenario::Pacing::Human => "human",
        },
        "sync": campaign.sync,
        "payment_sharing": campaign.payment_sharing,
        "account_age_days": campaign.account_age_days,
        "ua_diversity": campaign.ua_diversity,
        "thinking": campaign.thinking,
        "logprobs": campaign.logprobs,
        "max_tokens": campaign.max_tokens,
        "new_model_shift": campaign.new_model_shift,
        "shift_hours": campaign.shift_hours,
    })
}

/// The label kind of an account role (for tests and tools).
pub fn label_of(role: Role) -> LabelKind {
    match role {
        Role::Attack { .. } => LabelKind::Attack,
        Role::Benign { .. } => LabelKind::Benign,
    }
}
