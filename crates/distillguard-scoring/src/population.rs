//! Population baselines: where ordinary traffic sits for each measure, robustly.
//!
//! Every account detector compares an account with the population through a
//! [`Baseline`]: the median and the median absolute deviation (MAD) of the measure over
//! active accounts. Median and MAD ignore a minority of extreme accounts, so a large
//! campaign does not move the baseline it is measured against (it would have to be
//! half the population). A floor on the spread keeps a measure that is nearly constant
//! in ordinary traffic (log-probability requests: almost always none) from turning a
//! tiny difference into a huge one.

/// Robust location and spread of one measure.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Baseline {
    pub median: f64,
    /// 1.4826 × MAD, so that it matches the standard deviation for normal data.
    pub spread: f64,
    /// Share of accounts above each of a few quantiles, for evidence sentences.
    pub p90: f64,
    pub p99: f64,
    pub n: usize,
}

impl Baseline {
    /// Robust baseline of `values`, with `min_spread` as the floor on the spread.
    pub fn of(values: &[f64], min_spread: f64) -> Baseline {
        let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
        if v.is_empty() {
            return Baseline {
                median: 0.0,
                spread: min_spread,
                p90: 0.0,
                p99: 0.0,
                n: 0,
            };
        }
        v.sort_by(f64::total_cmp);
        let median = quantile_sorted(&v, 0.5);
        let mut dev: Vec<f64> = v.iter().map(|x| (x - median).abs()).collect();
        dev.sort_by(f64::total_cmp);
        let mad = quantile_sorted(&dev, 0.5);
        Baseline {
            median,
            spread: (1.4826 * mad).max(min_spread),
            p90: quantile_sorted(&v, 0.9),
            p99: quantile_sorted(&v, 0.99),
            n: v.len(),
        }
    }

    /// How many spreads `x` lies above the median (0 when below), capped at `cap`.
    pub fn surprise(&self, x: f64, cap: f64) -> f64 {
        if !x.is_finite() {
            return 0.0;
        }
        ((x - self.median) / self.spread).clamp(0.0, cap)
    }
}

/// Where the `q` quantile of `len` (> 0) sorted values lies: the two order statistics
/// to interpolate between and the weight of the upper one.
fn quantile_position(len: usize, q: f64) -> (usize, usize, f64) {
    let pos = q.clamp(0.0, 1.0) * (len - 1) as f64;
    let lo = pos.floor() as usize;
    (lo, pos.ceil() as usize, pos - lo as f64)
}

/// Linear-interpolated quantile of sorted data.
pub fn quantile_sorted(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let (lo, hi, frac) = quantile_position(sorted.len(), q);
    sorted[lo] * (1.0 - frac) + sorted[hi] * frac
}

/// [`quantile_sorted`] of `values` without sorting them all: the two order statistics
/// it interpolates between are selected (O(n)); `values` is left reordered.
pub fn quantile_select(values: &mut [f64], q: f64) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    let (lo, hi, frac) = quantile_position(values.len(), q);
    let (_, &mut low, above) = values.select_nth_unstable_by(lo, f64::total_cmp);
    let high = if hi > lo {
        above.iter().copied().min_by(f64::total_cmp).unwrap_or(low)
    } else {
        low
    };
    low * (1.0 - frac) + high * frac
}

/// Share (0..1) of `values` strictly above `x`.
pub fn share_above(values_sorted: &[f64], x: f64) -> f64 {
    if values_sorted.is_empty() {
        return 0.0;
    }
    let idx = values_sorted.partition_point(|v| *v <= x);
    (values_sorted.len() - idx) as f64 / values_sorted.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_minority_of_extremes_does_not_move_the_baseline() {
        let mut values: Vec<f64> = (0..900).map(|i| f64::from(i % 10)).collect();
        let clean = Baseline::of(&values, 0.1);
        values.extend(std::iter::repeat_n(1000.0, 100));
        let dirty = Baseline::of(&values, 0.1);
        assert!((clean.median - dirty.median).abs() <= 1.0);
        assert!(dirty.surprise(1000.0, 8.0) >= 8.0);
        assert_eq!(dirty.surprise(-5.0, 8.0), 0.0);
    }

    #[test]
    fn spread_has_a_floor() {
        let b = Baseline::of(&[0.0; 100], 0.05);
        assert_eq!(b.spread, 0.05);
        assert!((b.surprise(0.1, 8.0) - 2.0).abs() < 1e-9);
    }

    #[test]
    fn share_above_counts_strictly() {
        assert_eq!(share_above(&[1.0, 2.0, 3.0, 4.0], 2.0), 0.5);
    }

    proptest::proptest! {
        #[test]
        fn selecting_a_quantile_gives_what_sorting_gives(
            values in proptest::collection::vec(-1e6f64..1e6, 0..300),
            q in 0.0f64..=1.0,
        ) {
            let mut sorted = values.clone();
            sorted.sort_by(f64::total_cmp);
            let mut scratch = values.clone();
            proptest::prop_assert_eq!(
                quantile_select(&mut scratch, q).to_bits(),
                quantile_sorted(&sorted, q).to_bits()
            );
        }
    }
}
