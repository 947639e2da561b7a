//! Elicitation: asking for the parts of an answer worth most as training data.
//!
//! Reasoning traces (chain-of-thought elicitation, extended thinking), per-token
//! log-probabilities (soft labels) and very long outputs. Shares are taken over the
//! account's target-capability exchanges where possible, so ordinary filler requests
//! mixed in do not dilute them. Example: "asks for its full reasoning in 96% of its
//! reasoning/coding requests; the median account 0%, 99% of accounts under 31%".

use distillguard_features::fingerprint::{AccountFingerprint, Population};
use distillguard_model::Evidence;

use super::{active, pct, shrink, Finding, Group};
use crate::population::Baseline;

pub struct Elicitation {
    cot: Baseline,
    thinking: Baseline,
    logprobs: Baseline,
    max_tokens: Baseline,
}

impl Elicitation {
    pub fn fit(population: &Population) -> Elicitation {
        let of = |f: &dyn Fn(&AccountFingerprint) -> f64, floor: f64| {
            Baseline::of(&active(population).map(f).collect::<Vec<_>>(), floor)
        };
        Elicitation {
            cot: of(&|a| a.derived.cot_share, 0.1),
            thinking: of(&|a| a.derived.thinking_share, 0.1),
            logprobs: of(&|a| a.derived.logprobs_share, 0.05),
            max_tokens: of(&|a| (1.0 + a.derived.mean_max_tokens).log10(), 0.15),
        }
    }

    pub fn assess(&self, a: &AccountFingerprint, shrinkage: f64) -> Vec<Finding> {
        let d = &a.derived;
        let s = &a.stats;
        let finding = |baseline: &Baseline,
                       measured: f64,
                       value: f64,
                       n: u64,
                       signal: &str,
                       detail: String| {
            let surprise = shrink(baseline.surprise(measured, 8.0), n, shrinkage);
            Finding {
                group: Group::Elicitation,
                surprise,
                evidence: Evidence::new(signal, round3(value), detail).with_weight(surprise),
            }
        };
        vec![
            finding(
                &self.cot,
                d.cot_share,
                d.cot_share,
                s.target_exchanges,
                "cot_elicitation_share",
                format!(
                    "asks the model to expose its full reasoning in {} of its {} target-capability requests; the median account {}, 99% of accounts under {}",
                    pct(d.cot_share), s.target_exchanges, pct(self.cot.median), pct(self.cot.p99)
                ),
            ),
            finding(
                &self.thinking,
                d.thinking_share,
                d.thinking_share,
                s.exchanges,
                "thinking_share",
                format!(
                    "requests extended thinking (reasoning output) in {} of its requests; the median account {}, 99% under {}",
                    pct(d.thinking_share), pct(self.thinking.median), pct(self.thinking.p99)
                ),
            ),
            finding(
                &self.logprobs,
                d.logprobs_share,
                d.logprobs_share,
                s.exchanges,
                "logprobs_share",
                format!(
                    "requests per-token log-probabilities (soft labels) in {} of its requests; the median account {}, 99% under {}",
                    pct(d.logprobs_share), pct(self.logprobs.median), pct(self.logprobs.p99)
                ),
            ),
            finding(
                &self.max_tokens,
                (1.0 + d.mean_max_tokens).log10(),
                d.mean_max_tokens.round(),
                s.max_tokens_n,
                "mean_max_tokens",
                format!(
                    "asks for up to {:.0} output tokens per request on average; the median account {:.0}",
                    d.mean_max_tokens,
                    10f64.powf(self.max_tokens.median) - 1.0
                ),
            ),
        ]
    }
}

pub fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}
