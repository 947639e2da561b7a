//! Adoption: how fast an account moved its traffic to a newly released model, against
//! the population's adoption curve.
//!
//! Why: a harvester wants the newest model's outputs as soon as they exist; ordinary
//! users and products adopt a new model over days or weeks. For each release (from
//! `releases.json`, else the first appearance of a model after the start of the
//! traffic), the measure is the share of an account's requests on the new model on the
//! release day and the day after. Example: "sent 52% of its requests to model-x within
//! a day of its release; the median active account 3%".

use distillguard_features::fingerprint::{AccountFingerprint, Population};
use distillguard_model::time::{format_timestamp, DAY};
use distillguard_model::{Evidence, ModelRelease};

use super::{pct, shrink, Finding, Group};
use crate::population::Baseline;

/// Minimum requests in the window for an account to be measured.
pub const MIN_WINDOW_EXCHANGES: u32 = 5;

struct Release {
    model: u16,
    name: String,
    released: i64,
    baseline: Baseline,
}

pub struct Adoption {
    releases: Vec<Release>,
}

/// (requests on the new model, all requests) of an account on the release day and the
/// day after.
fn window(a: &AccountFingerprint, model: u16, released: i64) -> (u32, u32) {
    let day0 = u32::try_from(released.div_euclid(DAY)).unwrap_or(0);
    let mut on_new = 0;
    let mut all = 0;
    for (&(m, day), &count) in &a.stats.model_days {
        if day == day0 || day == day0 + 1 {
            all += count;
            if m == model {
                on_new += count;
            }
        }
    }
    (on_new, all)
}

impl Adoption {
    pub fn fit(population: &Population, given: &[ModelRelease]) -> Adoption {
        let start = population
            .model_first_seen
            .iter()
            .copied()
            .min()
            .unwrap_or(0);
        let mut releases = Vec::new();
        for (index, name) in population.models.iter().enumerate() {
            let Ok(model) = u16::try_from(index) else {
                continue;
            };
            let first_seen = population.model_first_seen[index];
            let released = match given.iter().find(|r| &r.model == name) {
                Some(r) => r.released,
                // A model present from the first day is not a release we saw happen.
                None if first_seen > start + 2 * DAY => first_seen,
                None => continue,
            };
            let shares: Vec<f64> = population
                .accounts
                .iter()
                .filter_map(|a| {
                    let (new, all) = window(a, model, released);
                    (all >= MIN_WINDOW_EXCHANGES).then(|| f64::from(new) / f64::from(all))
                })
                .collect();
            if shares.is_empty() {
                continue;
            }
            releases.push(Release {
                model,
                name: name.clone(),
                released,
                baseline: Baseline::of(&shares, 0.1),
            });
        }
        Adoption { releases }
    }

    pub fn assess(&self, a: &AccountFingerprint, shrinkage: f64) -> Vec<Finding> {
        let mut out = Vec::new();
        for r in &self.releases {
            let (new, all) = window(a, r.model, r.released);
            if all < MIN_WINDOW_EXCHANGES {
                continue;
            }
            let share = f64::from(new) / f64::from(all);
            let surprise = shrink(r.baseline.surprise(share, 8.0), u64::from(all), shrinkage);
            out.push(Finding {
                group: Group::Adoption,
                surprise,
                evidence: Evidence::new(
                    "new_model_rush",
                    super::elicitation::round3(share),
                    format!(
                        "sent {} of its {all} requests to {} on its release day ({}) and the day after; the median active account {}, 99% under {}",
                        pct(share),
                        r.name,
                        &format_timestamp(r.released)[..10],
                        pct(r.baseline.median),
                        pct(r.baseline.p99)
                    ),
                )
                .with_weight(surprise),
            });
        }
        out
    }
}
