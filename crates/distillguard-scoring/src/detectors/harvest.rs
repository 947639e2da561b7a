//! Harvest: how much distinct target-capability output an account collected.
//!
//! Why it holds for any distillation operator: training a copy needs many *distinct*
//! inputs on the target capabilities and their outputs. Volume alone is not it (an app
//! back-end sends a lot of summaries; an evaluation firm repeats the same benchmark
//! items), so the measure is distinct target prompts (a HyperLogLog count), and the
//! output tokens received on them. Both on a log scale, against the population.
//! Example: "asked 5.1k distinct reasoning/coding/tool prompts and received 4.2M output
//! tokens on them; 99% of accounts ask fewer than 180 (median 12)".

use distillguard_features::fingerprint::{AccountFingerprint, Population};
use distillguard_model::Evidence;

use super::{active, compact, Finding, Group};
use crate::population::Baseline;

pub struct Harvest {
    items: Baseline,
    tokens: Baseline,
}

/// Effective distinct target items: distinct target prompts, discounted by how much
/// they repeat (distinct × distinct/total). A harvester asks each item once; an
/// evaluation suite asks the same items run after run.
pub fn effective_items(distinct: f64, total: f64) -> f64 {
    if total <= 0.0 {
        return 0.0;
    }
    let distinct = distinct.min(total);
    distinct * distinct / total
}

pub fn distinct_items(a: &AccountFingerprint) -> f64 {
    effective_items(
        a.derived.novelty * a.stats.target_exchanges as f64,
        a.stats.target_exchanges as f64,
    )
}

/// Output tokens received on distinct target items.
pub fn novel_tokens(a: &AccountFingerprint) -> f64 {
    a.stats.target_output_tokens as f64 * a.derived.novelty * a.derived.novelty
}

impl Harvest {
    pub fn fit(population: &Population) -> Harvest {
        let items: Vec<f64> = active(population)
            .map(|a| (1.0 + distinct_items(a)).log10())
            .collect();
        let tokens: Vec<f64> = active(population)
            .map(|a| (1.0 + novel_tokens(a)).log10())
            .collect();
        Harvest {
            items: Baseline::of(&items, 0.25),
            tokens: Baseline::of(&tokens, 0.25),
        }
    }

    pub fn assess(&self, a: &AccountFingerprint) -> Vec<Finding> {
        self.assess_values(distinct_items(a), novel_tokens(a), "account")
    }

    /// Assesses a whole cluster's harvest against the same baseline as one account: a
    /// cluster exists only where accounts share evidence of common control, so its
    /// combined harvest is what that one controller collected.
    pub fn assess_aggregate(&self, items: f64, tokens: f64) -> Vec<Finding> {
        self.assess_values(items, tokens, "group of accounts")
    }

    /// Assesses a harvest given directly.
    pub fn assess_values(&self, items: f64, tokens: f64, who: &str) -> Vec<Finding> {
        let items_s = self.items.surprise((1.0 + items).log10(), 8.0);
        let tokens_s = self.tokens.surprise((1.0 + tokens).log10(), 8.0);
        let (surprise, signal, value) = if tokens_s > items_s {
            (tokens_s, "harvested_output_tokens", tokens)
        } else {
            (items_s, "distinct_target_prompts", items)
        };
        let detail = format!(
            "this {who} asked {} effectively distinct prompts (repeats discounted) on the capabilities distillation targets and received {} output tokens on them; the median account asks {} (90% ask fewer than {}, 99% fewer than {})",
            compact(items),
            compact(tokens),
            compact(10f64.powf(self.items.median) - 1.0),
            compact(10f64.powf(self.items.p90) - 1.0),
            compact(10f64.powf(self.items.p99) - 1.0),
        );
        vec![Finding {
            group: Group::Harvest,
            surprise,
            evidence: Evidence::new(signal, value.round(), detail).with_weight(surprise),
        }]
    }
}
