//! The live service's named metrics, in one place, and their Prometheus text format.

use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};

/// Counters and gauges, updated with relaxed atomics (no locks on the request path).
#[derive(Default)]
pub struct Metrics {
    pub exchanges_ingested: AtomicU64,
    pub exchanges_rejected: AtomicU64,
    pub exchanges_duplicate: AtomicU64,
    pub ingest_requests: AtomicU64,
    pub analysis_runs: AtomicU64,
    pub analysis_failures: AtomicU64,
    /// Sum of run durations, microseconds.
    pub analysis_micros_total: AtomicU64,
    pub last_analysis_micros: AtomicU64,
    pub check_requests: AtomicU64,
    pub alerts_raised: AtomicU64,
    pub analyst_actions: AtomicU64,
    pub accounts_benign: AtomicU64,
    pub accounts_suspicious: AtomicU64,
    pub accounts_attack: AtomicU64,
    pub pending_exchanges: AtomicU64,
}

fn line(out: &mut String, name: &str, kind: &str, help: &str, value: f64) {
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} {kind}");
    let _ = writeln!(out, "{name} {value}");
}

impl Metrics {
    pub fn add(counter: &AtomicU64, n: u64) {
        counter.fetch_add(n, Ordering::Relaxed);
    }

    /// The Prometheus text exposition (version 0.0.4).
    pub fn render(&self) -> String {
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed) as f64;
        let mut out = String::with_capacity(2048);
        line(
            &mut out,
            "distillguard_exchanges_ingested_total",
            "counter",
            "Exchanges accepted and stored.",
            get(&self.exchanges_ingested),
        );
        line(
            &mut out,
            "distillguard_exchanges_rejected_total",
            "counter",
            "Records rejected as malformed.",
            get(&self.exchanges_rejected),
        );
        line(
            &mut out,
            "distillguard_exchanges_duplicate_total",
            "counter",
            "Records whose request_id was already stored.",
            get(&self.exchanges_duplicate),
        );
        line(
            &mut out,
            "distillguard_ingest_requests_total",
            "counter",
            "Ingest requests (NDJSON and OTLP) committed.",
            get(&self.ingest_requests),
        );
        line(
            &mut out,
            "distillguard_pending_exchanges",
            "gauge",
            "Exchanges stored since the last analysis run.",
            get(&self.pending_exchanges),
        );
        line(
            &mut out,
            "distillguard_analysis_runs_total",
            "counter",
            "Analysis runs completed.",
            get(&self.analysis_runs),
        );
        line(
            &mut out,
            "distillguard_analysis_failures_total",
            "counter",
            "Analysis runs that failed to store their results.",
            get(&self.analysis_failures),
        );
        line(
            &mut out,
            "distillguard_analysis_seconds_total",
            "counter",
            "Time spent in analysis runs.",
            get(&self.analysis_micros_total) / 1e6,
        );
        line(
            &mut out,
            "distillguard_analysis_last_seconds",
            "gauge",
            "Duration of the last analysis run.",
            get(&self.last_analysis_micros) / 1e6,
        );
        line(
            &mut out,
            "distillguard_check_requests_total",
            "counter",
            "Decisions answered (/v1/check and in process).",
            get(&self.check_requests),
        );
        line(
            &mut out,
            "distillguard_alerts_total",
            "counter",
            "Alerts raised.",
            get(&self.alerts_raised),
        );
        line(
            &mut out,
            "distillguard_analyst_actions_total",
            "counter",
            "Analyst actions recorded.",
            get(&self.analyst_actions),
        );
        let _ = writeln!(
            out,
            "# HELP distillguard_accounts Accounts by current verdict."
        );
        let _ = writeln!(out, "# TYPE distillguard_accounts gauge");
        for (verdict, counter) in [
            ("benign", &self.accounts_benign),
            ("suspicious", &self.accounts_suspicious),
            ("attack", &self.accounts_attack),
        ] {
            let _ = writeln!(
                out,
                "distillguard_accounts{{verdict=\"{verdict}\"}} {}",
                get(counter)
            );
        }
        out
    }
}
