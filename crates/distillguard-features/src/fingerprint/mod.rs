//! Per-account behavioural fingerprints, folded from exchanges in one streaming pass.
//!
//! In: (`Exchange`, [`ExchangeSignals`]) pairs in any order, then optional
//! `AccountRecord`s. Out: one [`AccountFingerprint`] per account: bounded sketches of
//! what it asked (capabilities, templates, distinct items), how (chain-of-thought,
//! thinking, log-probabilities, output limits), when (hours, timestamps, activity
//! buckets) and from where (IPs, networks, user agents, payment), plus the derived
//! measures scoring compares with the population. Memory grows with accounts, never
//! with exchanges: every per-account collection is capped.

mod hll;
mod rhythm;
mod topk;

use std::net::IpAddr;

use distillguard_model::time::{Millis, DAY};
use distillguard_model::{AccountRecord, AccountType, Capability, Exchange};
use rayon::prelude::*;
use rustc_hash::FxHashMap;

pub use hll::Hll;
pub use rhythm::{local_offset_hours, pacing_cv};
pub use topk::TopK;

use crate::networks::HostingNetworks;
use crate::signals::ExchangeSignals;

/// Caps on per-account collections (memory grows with accounts, not exchanges).
pub mod caps {
    pub const TIMESTAMPS: usize = 4096;
    pub const IPS: usize = 64;
    pub const IP_WEEKS: usize = 512;
    pub const ASNS: usize = 16;
    pub const USER_AGENTS: usize = 8;
    pub const COUNTRIES: usize = 8;
    pub const SMALL: usize = 4;
    pub const FPS: usize = 8;
    pub const API_KEYS: usize = 64;
    pub const SENTENCES: usize = 64;
}

/// Seconds since 2020-01-01T00:00:00Z; timestamps are kept as u32 offsets from it.
const TIME_BASE_S: i64 = 1_577_836_800;

/// A de-duplicating vector with a cap; `overflow` counts values refused for space.
#[derive(Debug, Clone)]
pub struct CappedSet<T> {
    pub items: Vec<T>,
    pub overflow: u32,
}

impl<T> Default for CappedSet<T> {
    fn default() -> Self {
        CappedSet {
            items: Vec::new(),
            overflow: 0,
        }
    }
}

impl<T: PartialEq> CappedSet<T> {
    pub fn insert_with(&mut self, value: T, cap: usize) {
        if self.items.contains(&value) {
            return;
        }
        if self.items.len() < cap {
            self.items.push(value);
        } else {
            self.overflow = self.overflow.saturating_add(1);
        }
    }

    /// Values kept plus inserts refused for space; once the cap was hit that is an
    /// upper bound on the distinct values seen (a refused value counts again each time
    /// it comes back).
    pub fn distinct(&self) -> usize {
        self.items.len() + self.overflow as usize
    }
}

impl CappedSet<String> {
    fn insert_str(&mut self, value: &str, cap: usize) {
        if self.items.iter().any(|v| v == value) {
            return;
        }
        if self.items.len() < cap {
            self.items.push(value.to_string());
        } else {
            self.overflow = self.overflow.saturating_add(1);
        }
    }
}

/// Everything kept about one account while exchanges stream in.
#[derive(Debug, Clone, Default)]
pub struct AccountStats {
    pub account_id: String,
    pub exchanges: u64,
    pub failed: u64,
    pub first_ts: Millis,
    pub last_ts: Millis,
    pub capabilities: [u32; Capability::COUNT],
    /// Exchanges on the capabilities distillation campaigns target.
    pub target_exchanges: u64,
    /// Chain-of-thought elicitation among target exchanges, and overall.
    pub cot_target: u64,
    pub cot_any: u64,
    pub thinking: u64,
    pub logprobs: u64,
    pub max_tokens_sum: u64,
    pub max_tokens_n: u64,
    pub input_tokens: u64,
    pub output_tokens: u64,
    pub target_output_tokens: u64,
    pub reasoning_tokens: u64,
    pub tool_exchanges: u64,
    pub image_exchanges: u64,
    /// Exchanges per UTC hour of day.
    pub hours: [u32; 24],
    pub distinct_prompts: Hll,
    pub distinct_target_prompts: Hll,
    /// Heavy template frames among target exchanges (see `signals::template`).
    pub heads: TopK,
    pub tails: TopK,
    /// Recurring sentence keys among target exchanges (see `signals::template`).
    pub sentences: TopK,
    pub system_fps: CappedSet<u64>,
    pub tools_fps: CappedSet<u64>,
    /// Arrival times, seconds since 2020-01-01, the first [`caps::TIMESTAMPS`] seen.
    pub times: Vec<u32>,
    pub ips: CappedSet<IpAddr>,
    /// Hash of (IP, week) pairs: sharing one is being on one address in the same
    /// seven days (see `distillguard_graph::links::ip` for why a week).
    pub ip_weeks: CappedSet<u64>,
    /// Hash of (/24 or /48 subnet, week) pairs.
    pub subnet_weeks: CappedSet<u64>,
    pub subnets: CappedSet<u64>,
    pub asns: CappedSet<u32>,
    /// Exchanges sent from hosting and cloud networks (see [`crate::networks`]).
    pub hosting_exchanges: u64,
    pub user_agents: CappedSet<String>,
    pub countries: CappedSet<String>,
    pub payment_fps: CappedSet<String>,
    pub org_ids: CappedSet<String>,
    pub account_types: CappedSet<String>,
    pub api_keys: CappedSet<u64>,
    pub account_created: Option<Millis>,
    /// Sign-up facts from `accounts.jsonl`, when given.
    pub email_domain: Option<String>,
    pub signup_ip: Option<String>,
    pub record_country: Option<String>,
    /// Exchanges per (model index, day index since the epoch).
    pub model_days: FxHashMap<(u16, u32), u32>,
}

impl AccountStats {
    fn new(account_id: &str) -> Self {
        AccountStats {
            account_id: account_id.to_string(),
            sentences: TopK::with_capacity(caps::SENTENCES),
            first_ts: Millis::MAX,
            last_ts: Millis::MIN,
            ..AccountStats::default()
        }
    }

    fn observe(
        &mut self,
        ex: &Exchange,
        sig: &ExchangeSignals,
        model: Option<u16>,
        from_hosting: bool,
    ) {
        self.exchanges += 1;
        self.hosting_exchanges += u64::from(from_hosting);
        if ex.failed() {
            self.failed += 1;
        }
        self.first_ts = self.first_ts.min(ex.ts);
        self.last_ts = self.last_ts.max(ex.ts);
        self.capabilities[sig.capability.index()] += 1;
        let output = ex.output_tokens_or_zero();
        let is_target = sig.capability.is_distillation_target();
        if is_target {
            self.target_exchanges += 1;
            self.target_output_tokens += output;
            if sig.cot_elicitation {
                self.cot_target += 1;
            }
            self.distinct_target_prompts.insert(sig.content_hash);
            if !sig.template.is_empty() {
                self.heads.insert(sig.template.head);
                self.tails.insert(sig.template.tail);
                for &sentence in sig.template.sentences.iter().filter(|&&s| s != 0) {
                    self.sentences.insert(sentence);
                }
            }
        }
        if sig.cot_elicitation {
            self.cot_any += 1;
        }
        self.distinct_prompts.insert(sig.content_hash);
        if ex.thinking == Some(true) || ex.reasoning_tokens.unwrap_or(0) > 0 {
            self.thinking += 1;
        }
        if ex.logprobs.unwrap_or(0) > 0 {
            self.logprobs += 1;
        }
        if let Some(max_tokens) = ex.max_tokens {
            self.max_tokens_sum += max_tokens;
            self.max_tokens_n += 1;
        }
        self.input_tokens += ex.input_tokens.unwrap_or(0);
        self.output_tokens += output;
        self.reasoning_tokens += ex.reasoning_tokens.unwrap_or(0);
        if ex.tools.unwrap_or(0) > 0 || !ex.tool_names.is_empty() {
            self.tool_exchanges += 1;
        }
        if ex.images.unwrap_or(0) > 0 {
            self.image_exchanges += 1;
        }
        self.hours[distillguard_model::time::hour_of_day(ex.ts) as usize] += 1;
        if let Some(fp) = sig.system_fp {
            self.system_fps.insert_with(fp, caps::FPS);
        }
        if let Some(fp) = sig.tools_fp {
            self.tools_fps.insert_with(fp, caps::FPS);
        }
        if self.times.len() < caps::TIMESTAMPS {
            let secs = (ex.ts.div_euclid(1000) - TIME_BASE_S).clamp(0, i64::from(u32::MAX));
            self.times.push(secs as u32);
        }
        // Seven-day periods counted from the epoch.
        let week = ex.ts.div_euclid(7 * DAY) as u64;
        if let Some(ip) = ex.ip {
            self.ips.insert_with(ip, caps::IPS);
            let ip_hash = ip_hash(ip);
            self.ip_weeks.insert_with(
                ip_hash ^ week.wrapping_mul(0x9E37_79B9_7F4A_7C15),
                caps::IP_WEEKS,
            );
            let subnet = subnet_hash(ip);
            self.subnets.insert_with(subnet, caps::IPS);
            self.subnet_weeks.insert_with(
                subnet ^ week.wrapping_mul(0x9E37_79B9_7F4A_7C15),
                caps::IP_WEEKS,
            );
        }
        if let Some(asn) = ex.asn {
            self.asns.insert_with(asn, caps::ASNS);
        }
        if let Some(ua) = ex.user_agent.as_deref() {
            self.user_agents.insert_str(ua, caps::USER_AGENTS);
        }
        if let Some(country) = ex.country.as_deref() {
            self.countries.insert_str(country, caps::COUNTRIES);
        }
        if let Some(fp) = ex.payment_fp.as_deref() {
            self.payment_fps.insert_str(fp, caps::SMALL);
        }
        if let Some(org) = ex.org_id.as_deref() {
            self.org_ids.insert_str(org, caps::SMALL);
        }
        if let Some(kind) = ex.account_type.as_deref() {
            self.account_types.insert_str(kind, caps::SMALL);
        }
        if let Some(key) = ex.api_key_id.as_deref() {
            self.api_keys
                .insert_with(crate::tagged_hash(2, key), caps::API_KEYS);
        }
        if let Some(created) = ex.account_created {
            self.account_created = Some(self.account_created.map_or(created, |c| c.min(created)));
        }
        if let Some(model) = model {
            let day = u32::try_from(ex.ts.div_euclid(DAY)).unwrap_or(0);
            *self.model_days.entry((model, day)).or_insert(0) += 1;
        }
    }

    /// Applies sign-up facts; where both give a value, the account record wins.
    fn apply_record(&mut self, record: &AccountRecord) {
        if let Some(created) = record.created {
            self.account_created = Some(created);
        }
        if let Some(kind) = record.account_type.as_deref() {
            self.account_types = CappedSet::default();
            self.account_types.insert_str(kind, caps::SMALL);
        }
        if let Some(fp) = record.payment_fp.as_deref() {
            self.payment_fps = CappedSet::default();
            self.payment_fps.insert_str(fp, caps::SMALL);
        }
        if let Some(org) = record.org_id.as_deref() {
            self.org_ids = CappedSet::default();
            self.org_ids.insert_str(org, caps::SMALL);
        }
        if record.email_domain.is_some() {
            self.email_domain.clone_from(&record.email_domain);
        }
        if record.signup_ip.is_some() {
            self.signup_ip.clone_from(&record.signup_ip);
        }
        if record.country.is_some() {
            self.record_country.clone_from(&record.country);
        }
    }

    /// The verification pathway (first one given).
    pub fn account_type(&self) -> Option<AccountType> {
        self.account_types
            .items
            .first()
            .map(|t| AccountType::parse(t))
    }

    pub fn org_id(&self) -> Option<&str> {
        self.org_ids.items.first().map(String::as_str)
    }

    /// The country the account claims or mostly appears from.
    pub fn home_country(&self) -> Option<&str> {
        self.record_country
            .as_deref()
            .or_else(|| self.countries.items.first().map(String::as_str))
    }

    /// Arrival times in ms, sorted (the first [`caps::TIMESTAMPS`] received).
    pub fn sorted_times_ms(&self) -> Vec<Millis> {
        let mut v: Vec<Millis> = self
            .times
            .iter()
            .map(|&s| (i64::from(s) + TIME_BASE_S) * 1000)
            .collect();
        v.sort_unstable();
        v
    }
}

/// Hash of an address, from its bytes (no text formatting on the per-exchange path).
fn ip_hash(ip: IpAddr) -> u64 {
    match ip {
        IpAddr::V4(v4) => xxhash_rust::xxh3::xxh3_64_with_seed(&v4.octets(), 1),
        IpAddr::V6(v6) => xxhash_rust::xxh3::xxh3_64_with_seed(&v6.octets(), 1),
    }
}

/// Hash of the /24 (IPv4) or /48 (IPv6) network of an address (see [`subnet_of`]).
fn subnet_hash(ip: IpAddr) -> u64 {
    match ip {
        IpAddr::V4(v4) => xxhash_rust::xxh3::xxh3_64_with_seed(&v4.octets()[..3], 3),
        IpAddr::V6(v6) => xxhash_rust::xxh3::xxh3_64_with_seed(&v6.octets()[..6], 3),
    }
}

/// The /24 (IPv4) or /48 (IPv6) network of an address, as CIDR text.
pub fn subnet_of(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            format!("{}.{}.{}.0/24", o[0], o[1], o[2])
        }
        IpAddr::V6(v6) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}::/48", s[0], s[1], s[2])
        }
    }
}

/// Folds exchanges into per-account stats. One per analysis (or per live engine).
#[derive(Debug, Clone, Default)]
pub struct Collector {
    index: FxHashMap<String, u32>,
    accounts: Vec<AccountStats>,
    models: Vec<String>,
    model_index: FxHashMap<String, u16>,
    model_first_seen: Vec<Millis>,
    model_exchanges: Vec<u64>,
    hosting: HostingNetworks,
}

impl Collector {
    pub fn new() -> Self {
        Collector::default()
    }

    /// A collector that counts requests from `hosting` networks (the default counts
    /// those of the built-in list).
    pub fn with_hosting(hosting: HostingNetworks) -> Self {
        Collector {
            hosting,
            ..Collector::default()
        }
    }

    /// Folds one exchange with its signals.
    pub fn observe(&mut self, ex: &Exchange, sig: &ExchangeSignals) {
        let model = ex.model.as_deref().map(|m| self.intern_model(m, ex.ts));
        let slot = match self.index.get(ex.account_id.as_str()) {
            Some(&slot) => slot as usize,
            None => {
                let slot = self.accounts.len();
                self.index.insert(ex.account_id.clone(), slot as u32);
                self.accounts.push(AccountStats::new(&ex.account_id));
                slot
            }
        };
        let from_hosting = ex.asn.is_some_and(|asn| self.hosting.contains(asn));
        self.accounts[slot].observe(ex, sig, model, from_hosting);
    }

    fn intern_model(&mut self, model: &str, ts: Millis) -> u16 {
        if let Some(&i) = self.model_index.get(model) {
            let i_usize = usize::from(i);
            self.model_first_seen[i_usize] = self.model_first_seen[i_usize].min(ts);
            self.model_exchanges[i_usize] += 1;
            return i;
        }
        let i = u16::try_from(self.models.len()).unwrap_or(u16::MAX);
        if i == u16::MAX {
            return i; // more models than we track: lumped together
        }
        self.models.push(model.to_string());
        self.model_index.insert(model.to_string(), i);
        self.model_first_seen.push(ts);
        self.model_exchanges.push(1);
        i
    }

    /// Number of accounts seen so far.
    pub fn len(&self) -> usize {
        self.accounts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.accounts.is_empty()
    }

    /// Stats of one account, if seen.
    pub fn get(&self, account_id: &str) -> Option<&AccountStats> {
        self.index
            .get(account_id)
            .map(|&i| &self.accounts[i as usize])
    }

    /// Applies account records (adding accounts that made no request) and returns the
    /// collected population.
    pub fn finish(mut self, records: &[AccountRecord]) -> Population {
        for record in records {
            let slot = match self.index.get(record.account_id.as_str()) {
                Some(&slot) => slot as usize,
                None => {
                    let slot = self.accounts.len();
                    self.index.insert(record.account_id.clone(), slot as u32);
                    self.accounts.push(AccountStats::new(&record.account_id));
                    slot
                }
            };
            self.accounts[slot].apply_record(record);
        }
        // Deterministic order whatever the input order: by account id. The order is
        // found on indices, so each account's (large) state moves once, not at every
        // step of a sort; the derived features are computed in parallel.
        let mut order: Vec<usize> = (0..self.accounts.len()).collect();
        order.sort_unstable_by(|&a, &b| {
            self.accounts[a]
                .account_id
                .cmp(&self.accounts[b].account_id)
        });
        let mut slots: Vec<Option<AccountStats>> = self.accounts.into_iter().map(Some).collect();
        let sorted: Vec<AccountStats> = order.iter().filter_map(|&i| slots[i].take()).collect();
        let fingerprints = sorted
            .into_par_iter()
            .map(AccountFingerprint::from_stats)
            .collect();
        Population {
            accounts: fingerprints,
            models: self.models,
            model_first_seen: self.model_first_seen,
            model_exchanges: self.model_exchanges,
            hosting: self.hosting,
        }
    }
}

/// All accounts' fingerprints, sorted by account id, plus the models seen.
#[derive(Debug, Default)]
pub struct Population {
    pub accounts: Vec<AccountFingerprint>,
    pub models: Vec<String>,
    pub model_first_seen: Vec<Millis>,
    pub model_exchanges: Vec<u64>,
    /// The hosting networks the requests were counted against.
    pub hosting: HostingNetworks,
}

/// One account's stats and the measures derived from them.
#[derive(Debug, Clone)]
pub struct AccountFingerprint {
    pub stats: AccountStats,
    pub derived: Derived,
}

/// Measures derived from an account's stats; each is defined so that filler (ordinary
/// requests mixed in) dilutes it as little as possible: shares are taken over the
/// account's target-capability exchanges where that makes sense.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Derived {
    /// Days between first and last exchange (at least 1/24).
    pub span_days: f64,
    /// Distinct UTC days with activity (from the kept timestamps).
    pub active_days: u32,
    /// Exchanges per active day.
    pub daily_rate: f64,
    /// Share of exchanges on distillation-target capabilities.
    pub target_share: f64,
    /// Share of target exchanges on the single most used target capability.
    pub top_target_share: f64,
    /// The most used target capability.
    pub top_target: Option<Capability>,
    /// Normalised entropy of capabilities over all exchanges (0 focused, 1 spread).
    pub capability_entropy: f64,
    /// Share of target exchanges that ask for the full reasoning.
    pub cot_share: f64,
    pub thinking_share: f64,
    pub logprobs_share: f64,
    pub mean_max_tokens: f64,
    /// Output tokens received on target capabilities.
    pub harvested_tokens: u64,
    /// Share of target exchanges sent from the account's heavy template frames.
    pub template_share: f64,
    /// Distinct target prompts per target exchange (1: every item new).
    pub novelty: f64,
    /// Normalised entropy of activity over hours of the day (1: round the clock).
    pub hour_entropy: f64,
    /// Share of exchanges between 01:00 and 06:00 local time of the home country.
    pub night_share: f64,
    /// Coefficient of variation of gaps inside sessions (small: machine-regular).
    pub pacing_cv: Option<f64>,
    pub ip_count: usize,
    pub subnet_count: usize,
    /// Share of exchanges sent from hosting and cloud networks.
    pub hosting_share: f64,
    pub ua_count: usize,
    /// Age of the account at its first exchange, in days.
    pub age_days: Option<f64>,
}

impl AccountFingerprint {
    pub fn from_stats(stats: AccountStats) -> Self {
        let derived = derive(&stats);
        AccountFingerprint { stats, derived }
    }
}

fn ratio(num: u64, den: u64) -> f64 {
    if den == 0 {
        0.0
    } else {
        num as f64 / den as f64
    }
}

fn normalised_entropy(counts: &[u32]) -> f64 {
    let total: u64 = counts.iter().map(|&c| u64::from(c)).sum();
    if total == 0 || counts.len() < 2 {
        return 0.0;
    }
    let h: f64 = counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / total as f64;
            -p * p.ln()
        })
        .sum();
    h / (counts.len() as f64).ln()
}

/// Share of `n` items covered by heavy keys (each used at least 3 times and by at least
/// 2% of the items), using the space-saving counts minus their error bound.
fn heavy_share(top: &TopK, n: u64) -> f64 {
    if n < 5 {
        return 0.0;
    }
    let floor = 3u64.max(n / 50);
    let err = u64::from(top.error_bound());
    let covered: u64 = top
        .entries()
        .into_iter()
        .map(|(_, c)| u64::from(c).saturating_sub(err))
        .filter(|&c| c >= floor)
        .sum();
    (covered as f64 / n as f64).min(1.0)
}

fn derive(s: &AccountStats) -> Derived {
    let times = s.sorted_times_ms();
    let mut active_days: Vec<i64> = times.iter().map(|t| t.div_euclid(DAY)).collect();
    active_days.dedup();
    let active_days = active_days.len().max(usize::from(s.exchanges > 0)) as u32;
    let span_ms = if s.exchanges > 0 {
        (s.last_ts - s.first_ts).max(0)
    } else {
        0
    };
    let span_days = (span_ms as f64 / DAY as f64).max(1.0 / 24.0);

    let targets: Vec<(Capability, u32)> = Capability::ALL
        .into_iter()
        .filter(|c| c.is_distillation_target())
        .map(|c| (c, s.capabilities[c.index()]))
        .collect();
    let (top_target, top_count) = targets
        .iter()
        .copied()
        .max_by_key(|&(c, n)| (n, std::cmp::Reverse(c)))
        .unwrap_or((Capability::Reasoning, 0));

    let offset = s.home_country().map(local_offset_hours).unwrap_or(0);
    let night: u32 = (0..24)
        .filter(|&utc| {
            let local = (utc + offset).rem_euclid(24);
            (1..6).contains(&local)
        })
        .map(|utc| s.hours[utc as usize])
        .sum();

    let distinct_target = s
        .distinct_target_prompts
        .estimate()
        .min(s.target_exchanges as f64);
    Derived {
        span_days,
        active_days,
        daily_rate: ratio(s.exchanges, u64::from(active_days.max(1))),
        target_share: ratio(s.target_exchanges, s.exchanges),
        top_target_share: ratio(u64::from(top_count), s.target_exchanges),
        top_target: (top_count > 0).then_some(top_target),
        capability_entropy: normalised_entropy(&s.capabilities),
        cot_share: ratio(s.cot_target, s.target_exchanges),
        thinking_share: ratio(s.thinking, s.exchanges),
        logprobs_share: ratio(s.logprobs, s.exchanges),
        mean_max_tokens: ratio(s.max_tokens_sum, s.max_tokens_n),
        harvested_tokens: s.target_output_tokens,
        template_share: heavy_share(&s.heads, s.target_exchanges)
            .max(heavy_share(&s.tails, s.target_exchanges)),
        novelty: if s.target_exchanges == 0 {
            0.0
        } else {
            distinct_target / s.target_exchanges as f64
        },
        hour_entropy: normalised_entropy(&s.hours),
        night_share: ratio(u64::from(night), s.exchanges),
        pacing_cv: pacing_cv(&times),
        ip_count: s.ips.distinct(),
        subnet_count: s.subnets.distinct(),
        hosting_share: ratio(s.hosting_exchanges, s.exchanges),
        ua_count: s.user_agents.distinct(),
        age_days: s
            .account_created
            .filter(|_| s.exchanges > 0)
            .map(|created| (s.first_ts - created).max(0) as f64 / DAY as f64),
    }
}

#[cfg(test)]
mod tests;
