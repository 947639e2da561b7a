//! Focus: how much of an account's traffic goes to the capabilities distillation
//! targets (reasoning, coding, tool use, vision, sensitive rewrites, data analysis).
//!
//! Ordinary accounts spread over many uses; a harvester stays on its targets. Filler
//! (ordinary requests mixed in) dilutes this measure on purpose; the other groups do
//! not depend on it. Example: "99% of its requests target reasoning and coding; the
//! median account 38%".

use distillguard_features::fingerprint::{AccountFingerprint, Population};
use distillguard_model::Evidence;

use super::{active, pct, shrink, Finding, Group};
use crate::population::Baseline;

pub struct Focus {
    baseline: Baseline,
}

impl Focus {
    pub fn fit(population: &Population) -> Focus {
        let values: Vec<f64> = active(population).map(|a| a.derived.target_share).collect();
        Focus {
            baseline: Baseline::of(&values, 0.1),
        }
    }

    pub fn assess(&self, a: &AccountFingerprint, shrinkage: f64) -> Vec<Finding> {
        let d = &a.derived;
        let surprise = shrink(
            self.baseline.surprise(d.target_share, 8.0),
            a.stats.exchanges,
            shrinkage,
        );
        let top = d.top_target.map(|c| c.as_str()).unwrap_or("none");
        vec![Finding {
            group: Group::Focus,
            surprise,
            evidence: Evidence::new(
                "target_share",
                super::elicitation::round3(d.target_share),
                format!(
                    "{} of its requests target capabilities distillation goes after (mostly {top}, {} of those); the median account {}, 99% under {}",
                    pct(d.target_share),
                    pct(d.top_target_share),
                    pct(self.baseline.median),
                    pct(self.baseline.p99)
                ),
            )
            .with_weight(surprise),
        }]
    }
}
