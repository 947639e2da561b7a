//! Templating: target requests filled from a few templates with ever-new items.
//!
//! Why: harvesting at scale means a template with slots and a large item pool. People
//! rarely repeat a frame; evaluation suites repeat frames but also their items (the
//! same benchmark questions run after run), so the measure is the share of target
//! requests from the account's heavy template frames *times* the share of distinct
//! items among them. Example: "91% of its target requests come from 3 template frames,
//! and 98% of those items are new; the median account 0%".

use distillguard_features::fingerprint::{AccountFingerprint, Population};
use distillguard_model::Evidence;

use super::{active, pct, shrink, Finding, Group};
use crate::population::Baseline;

pub struct Templating {
    baseline: Baseline,
}

pub fn templated_novelty(a: &AccountFingerprint) -> f64 {
    a.derived.template_share * a.derived.novelty
}

impl Templating {
    pub fn fit(population: &Population) -> Templating {
        let values: Vec<f64> = active(population).map(templated_novelty).collect();
        Templating {
            baseline: Baseline::of(&values, 0.1),
        }
    }

    pub fn assess(&self, a: &AccountFingerprint, shrinkage: f64) -> Vec<Finding> {
        let value = templated_novelty(a);
        let surprise = shrink(
            self.baseline.surprise(value, 8.0),
            a.stats.target_exchanges,
            shrinkage,
        );
        vec![Finding {
            group: Group::Templating,
            surprise,
            evidence: Evidence::new(
                "templated_novel_share",
                super::elicitation::round3(value),
                format!(
                    "{} of its target requests come from a few repeated template frames, with {} of the items new each time; the median account {}, 99% under {}",
                    pct(a.derived.template_share),
                    pct(a.derived.novelty),
                    pct(self.baseline.median),
                    pct(self.baseline.p99)
                ),
            )
            .with_weight(surprise),
        }]
    }
}
