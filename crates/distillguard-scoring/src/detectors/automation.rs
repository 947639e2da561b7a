//! Automation: activity that runs like a machine, not a person.
//!
//! Round-the-clock activity (entropy over hours of the day), activity in the small hours
//! of the claimed home country, and machine-regular gaps between requests inside
//! sessions. Back-ends run round the clock too, which is why this is one group among
//! several. Example: "active in all 24 hours of the day; 23% of its requests between
//! 01:00 and 06:00 local time; median account 2%".

use distillguard_features::fingerprint::{AccountFingerprint, Population};
use distillguard_model::Evidence;

use super::{active, pct, shrink, Finding, Group};
use crate::population::Baseline;

pub struct Automation {
    hours: Baseline,
    night: Baseline,
    regularity: Baseline,
}

/// −log10 of the pacing coefficient of variation: large when gaps are regular.
fn regularity(a: &AccountFingerprint) -> Option<f64> {
    a.derived.pacing_cv.map(|cv| -(cv.max(1e-3)).log10())
}

impl Automation {
    pub fn fit(population: &Population) -> Automation {
        let hours: Vec<f64> = active(population).map(|a| a.derived.hour_entropy).collect();
        let night: Vec<f64> = active(population).map(|a| a.derived.night_share).collect();
        let reg: Vec<f64> = active(population).filter_map(regularity).collect();
        Automation {
            hours: Baseline::of(&hours, 0.05),
            night: Baseline::of(&night, 0.05),
            regularity: Baseline::of(&reg, 0.15),
        }
    }

    pub fn assess(&self, a: &AccountFingerprint, shrinkage: f64) -> Vec<Finding> {
        let d = &a.derived;
        let n = a.stats.exchanges;
        let active_hours = a.stats.hours.iter().filter(|&&h| h > 0).count();
        let mut out = vec![
            Finding {
                group: Group::Automation,
                surprise: shrink(self.hours.surprise(d.hour_entropy, 8.0), n, shrinkage),
                evidence: Evidence::new(
                    "round_the_clock",
                    super::elicitation::round3(d.hour_entropy),
                    format!(
                        "active in {active_hours} of 24 hours of the day (spread {:.2} on a 0–1 scale); the median account {:.2}",
                        d.hour_entropy, self.hours.median
                    ),
                ),
            },
            Finding {
                group: Group::Automation,
                surprise: shrink(self.night.surprise(d.night_share, 8.0), n, shrinkage),
                evidence: Evidence::new(
                    "night_share",
                    super::elicitation::round3(d.night_share),
                    format!(
                        "{} of its requests fall between 01:00 and 06:00 local time of {}; the median account {}",
                        pct(d.night_share),
                        a.stats.home_country().unwrap_or("its region (unknown, UTC assumed)"),
                        pct(self.night.median)
                    ),
                ),
            },
        ];
        if let (Some(r), Some(cv)) = (regularity(a), d.pacing_cv) {
            out.push(Finding {
                group: Group::Automation,
                surprise: shrink(self.regularity.surprise(r, 8.0), n, shrinkage),
                evidence: Evidence::new(
                    "pacing_regularity",
                    super::elicitation::round3(cv),
                    format!(
                        "gaps between its requests vary by {cv:.2} of their mean (machine-regular is near 0); the median account {:.2}",
                        10f64.powf(-self.regularity.median)
                    ),
                ),
            });
        }
        for f in &mut out {
            f.evidence.weight = Some(f.surprise);
        }
        out
    }
}
