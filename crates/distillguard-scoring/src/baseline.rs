//! The baseline detector: a per-account volume/rate threshold, the rule most providers
//! run today. Kept as the honest comparison every other detector is measured against.
//!
//! Score: how far an account's requests per active day sit above the population
//! (robust standard deviations on a log scale, via [`crate::population::Baseline`]);
//! threshold: the `1 − target_fpr` quantile of ordinary traffic, calibrated the same way
//! as the main detector. No clusters, no campaigns.

use distillguard_features::fingerprint::Population;
use distillguard_model::report::AccountReport;
use distillguard_model::report::{InputSummary, Report, REPORT_VERSION};
use distillguard_model::{Evidence, Verdict};

use crate::calibrate::{calibrate, score_of};
use crate::config::Config;
use crate::detectors::compact;
use crate::population::Baseline;

/// Scores a population with the volume threshold alone.
pub fn report(population: &Population, input: InputSummary, config: &Config) -> Report {
    let rate = |i: usize| (1.0 + population.accounts[i].derived.daily_rate).log10();
    let active: Vec<f64> = (0..population.accounts.len())
        .filter(|&i| population.accounts[i].stats.exchanges >= 5)
        .map(rate)
        .collect();
    let baseline = Baseline::of(&active, 0.1);
    let cap = 2.0 * config.group_cap;
    let totals: Vec<f64> = (0..population.accounts.len())
        .map(|i| baseline.surprise(rate(i), cap))
        .collect();
    let rows: Vec<Vec<f64>> = totals.iter().map(|&t| vec![t]).collect();
    let thresholds = calibrate(
        &rows,
        &|r: &[f64]| r[0],
        &Config {
            min_attack_total: 0.0,
            ..config.clone()
        },
    );
    let mut accounts: Vec<AccountReport> = population
        .accounts
        .iter()
        .zip(&totals)
        .map(|(a, &total)| {
            let verdict = if total >= thresholds.attack_total && total > 0.0 {
                Verdict::Attack
            } else if total >= thresholds.suspicious_total && total > 0.0 {
                Verdict::Suspicious
            } else {
                Verdict::Benign
            };
            AccountReport {
                account_id: a.stats.account_id.clone(),
                score: (score_of(total) * 10_000.0).round() / 10_000.0,
                verdict,
                cluster: None,
                exchanges: a.stats.exchanges,
                evidence: vec![Evidence::new(
                    "daily_rate",
                    a.derived.daily_rate.round(),
                    format!(
                        "{} requests per active day; the median account {}, 99% under {}",
                        compact(a.derived.daily_rate),
                        compact(10f64.powf(baseline.median) - 1.0),
                        compact(10f64.powf(baseline.p99) - 1.0)
                    ),
                )],
            }
        })
        .collect();
    accounts.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(a.account_id.cmp(&b.account_id))
    });
    Report {
        version: REPORT_VERSION,
        input,
        accounts,
        clusters: Vec::new(),
        campaigns: Vec::new(),
        settings: Some(serde_json::json!({
            "detector": "baseline-volume",
            "thresholds": { "attack_total": thresholds.attack_total, "suspicious_total": thresholds.suspicious_total },
        })),
        timelines: Vec::new(),
    }
}
