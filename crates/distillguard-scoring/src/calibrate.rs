//! Thresholds from ordinary traffic, for a target false-positive rate, without labels.
//!
//! The question a threshold answers: how high would an ordinary account's total be if
//! nothing tied its signals together? Attackers are high on several behaviours at once
//! (they harvest, template, elicit reasoning and run round the clock together); an
//! ordinary heavy user is high on one or two. So the null is built by permutation:
//! shuffle each group's surprises independently across accounts (`null_rounds` times,
//! seeded), recompute totals, and take the `1 − target_fpr` quantile as the `attack`
//! threshold (`1 − suspicious_fpr` for `suspicious`), never below `min_attack_total`.
//!
//! Attackers' own values would leak into the shuffled marginals and inflate the null,
//! so the null is rebuilt a few times, each time without the accounts above the
//! previous threshold (joint outliers; never more than `assumed_max_prevalence` of all
//! accounts). Ordinary accounts that are high on one behaviour stay in: they are what
//! the null is about.

use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::Serialize;

use crate::config::Config;
use crate::population::quantile_select;

/// The calibrated thresholds, on the total-surprise scale and as scores.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Thresholds {
    pub attack_total: f64,
    pub suspicious_total: f64,
    pub attack_score: f64,
    pub suspicious_score: f64,
    /// Accounts the null was built from.
    pub null_accounts: usize,
}

/// Maps a total surprise to a risk score in [0,1): a fixed, monotone map, so the same
/// total is the same score in every run.
pub fn score_of(total: f64) -> f64 {
    1.0 - (-total.max(0.0) / SCORE_SCALE).exp()
}

/// Total surprise at which the score is 1 − 1/e ≈ 0.63.
pub const SCORE_SCALE: f64 = 8.0;

/// Calibrates thresholds from per-account group surprises (rows: accounts; columns:
/// groups) and the function that combines a row into a total.
pub fn calibrate(
    rows: &[Vec<f64>],
    total_of: &(dyn Fn(&[f64]) -> f64 + Sync),
    config: &Config,
) -> Thresholds {
    let totals: Vec<f64> = rows.iter().map(|r| total_of(r)).collect();
    let max_excluded = ((rows.len() as f64) * config.assumed_max_prevalence).floor() as usize;
    let mut ranked: Vec<usize> = (0..rows.len()).collect();
    ranked.sort_by(|&a, &b| totals[b].total_cmp(&totals[a]).then(a.cmp(&b)));

    let mut excluded = 0usize;
    let mut thresholds = null_thresholds(rows, &ranked[..], total_of, config);
    for _ in 0..ITERATIONS {
        let above = ranked
            .iter()
            .take_while(|&&i| totals[i] >= thresholds.attack_total)
            .count();
        let next = above.min(max_excluded);
        if next == excluded {
            break;
        }
        excluded = next;
        thresholds = null_thresholds(rows, &ranked[excluded..], total_of, config);
    }
    thresholds
}

/// Rounds of rebuilding the null without the accounts above the threshold.
pub const ITERATIONS: usize = 4;

fn null_thresholds(
    rows: &[Vec<f64>],
    kept: &[usize],
    total_of: &(dyn Fn(&[f64]) -> f64 + Sync),
    config: &Config,
) -> Thresholds {
    let floor = Thresholds {
        attack_total: config.min_attack_total,
        suspicious_total: config.min_attack_total * 0.6,
        attack_score: score_of(config.min_attack_total),
        suspicious_score: score_of(config.min_attack_total * 0.6),
        null_accounts: kept.len(),
    };
    let Some(width) = kept.first().map(|&i| rows[i].len()) else {
        return floor;
    };
    // Canonical order (by row index) so the result does not depend on ranking ties.
    let mut kept: Vec<usize> = kept.to_vec();
    kept.sort_unstable();
    let columns: Vec<Vec<f64>> = (0..width)
        .map(|g| kept.iter().map(|&i| rows[i][g]).collect())
        .collect();
    // Each round shuffles with its own stream of the seeded generator, so rounds run
    // in parallel and the result does not depend on how many threads ran them.
    let mut null: Vec<f64> = (0..config.null_rounds)
        .into_par_iter()
        .flat_map_iter(|round| {
            let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
            rng.set_stream(round as u64);
            let mut columns = columns.clone();
            for column in &mut columns {
                column.shuffle(&mut rng);
            }
            let mut row = vec![0.0; width];
            (0..kept.len())
                .map(|i| {
                    for (g, column) in columns.iter().enumerate() {
                        row[g] = column[i];
                    }
                    total_of(&row)
                })
                .collect::<Vec<f64>>()
        })
        .collect();
    let attack_total =
        quantile_select(&mut null, 1.0 - config.target_fpr).max(config.min_attack_total);
    let suspicious_total = quantile_select(&mut null, 1.0 - config.suspicious_fpr)
        .max(config.min_attack_total * 0.6)
        .min(attack_total);
    Thresholds {
        attack_total,
        suspicious_total,
        attack_score: score_of(attack_total),
        suspicious_score: score_of(suspicious_total),
        null_accounts: kept.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn independent_highs_set_the_bar_and_joint_highs_clear_it() {
        let config = Config {
            min_attack_total: 0.0,
            ..Config::default()
        };
        // 1000 ordinary accounts, each high (3.0) on at most one of 4 groups.
        let mut rows: Vec<Vec<f64>> = (0..1000)
            .map(|i| {
                let mut r = vec![0.0; 4];
                if i % 10 == 0 {
                    r[i / 10 % 4] = 3.0;
                }
                r
            })
            .collect();
        // 50 attackers, high on all four.
        rows.extend((0..50).map(|_| vec![3.0; 4]));
        let sum = |r: &[f64]| r.iter().sum::<f64>();
        let t = calibrate(&rows, &sum, &config);
        assert!(t.attack_total >= 3.0, "{t:?}");
        assert!(t.attack_total < 12.0, "{t:?}");
        assert!(t.suspicious_total <= t.attack_total);
    }

    #[test]
    fn score_is_monotone_and_bounded() {
        assert_eq!(score_of(0.0), 0.0);
        assert!(score_of(5.0) < score_of(6.0));
        assert!(score_of(1e9) <= 1.0);
        assert_eq!(score_of(-3.0), 0.0);
    }
}
