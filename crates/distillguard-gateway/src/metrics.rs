//! The gateway's named metrics, in one place, rendered in Prometheus text format at
//! `/_distillguard/metrics`.

use std::sync::atomic::{AtomicU64, Ordering};

use distillguard_model::check::Action;

/// Counters shared by the proxy and the deciders.
#[derive(Debug, Default)]
pub struct Metrics {
    /// `distillguard_gateway_requests_total{action}`: API calls by decided action.
    pub allow: AtomicU64,
    pub degrade: AtomicU64,
    pub throttle: AtomicU64,
    pub block: AtomicU64,
    pub verify: AtomicU64,
    /// `distillguard_gateway_passthrough_total`: other paths forwarded.
    pub passthrough: AtomicU64,
    /// `distillguard_gateway_bad_requests_total`: malformed JSON or oversized bodies.
    pub bad_requests: AtomicU64,
    /// `distillguard_gateway_upstream_errors_total`: upstream unreachable (502 sent).
    pub upstream_errors: AtomicU64,
    /// `distillguard_gateway_decision_errors_total`: the decider failed.
    pub decision_errors: AtomicU64,
    /// `distillguard_gateway_fail_open_total`: requests allowed because the decider failed.
    pub fail_open: AtomicU64,
    /// `distillguard_gateway_watermarked_total`: responses whose text was marked.
    pub watermarked: AtomicU64,
    /// `distillguard_gateway_records_sent_total`: exchanges delivered to the engine.
    pub records_sent: AtomicU64,
    /// `distillguard_gateway_records_dropped_total`: exchanges lost (queue full or
    /// delivery failed).
    pub records_dropped: AtomicU64,
}

fn inc(counter: &AtomicU64) {
    counter.fetch_add(1, Ordering::Relaxed);
}

impl Metrics {
    pub fn count_action(&self, action: Action) {
        inc(match action {
            Action::Allow => &self.allow,
            Action::Degrade => &self.degrade,
            Action::Throttle => &self.throttle,
            Action::Block => &self.block,
            Action::Verify => &self.verify,
        });
    }

    pub fn inc(&self, pick: impl Fn(&Metrics) -> &AtomicU64) {
        inc(pick(self));
    }

    pub fn add(&self, pick: impl Fn(&Metrics) -> &AtomicU64, n: u64) {
        pick(self).fetch_add(n, Ordering::Relaxed);
    }

    /// Prometheus text exposition.
    pub fn render(&self) -> String {
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        let mut out = String::new();
        out.push_str("# TYPE distillguard_gateway_requests_total counter\n");
        for (action, counter) in [
            ("allow", &self.allow),
            ("degrade", &self.degrade),
            ("throttle", &self.throttle),
            ("block", &self.block),
            ("verify", &self.verify),
        ] {
            out.push_str(&format!(
                "distillguard_gateway_requests_total{{action=\"{action}\"}} {}\n",
                get(counter)
            ));
        }
        for (name, counter) in [
            ("passthrough_total", &self.passthrough),
            ("bad_requests_total", &self.bad_requests),
            ("upstream_errors_total", &self.upstream_errors),
            ("decision_errors_total", &self.decision_errors),
            ("fail_open_total", &self.fail_open),
            ("watermarked_total", &self.watermarked),
            ("records_sent_total", &self.records_sent),
            ("records_dropped_total", &self.records_dropped),
        ] {
            out.push_str(&format!(
                "# TYPE distillguard_gateway_{name} counter\ndistillguard_gateway_{name} {}\n",
                get(counter)
            ));
        }
        out
    }
}
