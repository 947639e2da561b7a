//! The binomial upper tail, in log space so that tiny p-values (1e-40) stay exact.

/// P(X ≥ `hits`) for X ~ Binomial(`trials`, `rate`). 1 when `hits` is 0.
pub fn binomial_upper_tail(trials: u64, hits: u64, rate: f64) -> f64 {
    if hits == 0 {
        return 1.0;
    }
    if hits > trials {
        return 0.0;
    }
    if rate <= 0.0 {
        return 0.0;
    }
    if rate >= 1.0 {
        return 1.0;
    }
    let n = trials as f64;
    let ln_p = rate.ln();
    let ln_q = (1.0 - rate).ln();
    // ln C(n, hits) by summing logs: O(hits), exact enough for any size we meet.
    let k = hits.min(trials - hits);
    let mut ln_choose = 0.0f64;
    for i in 0..k {
        ln_choose += ((n - i as f64) / (i as f64 + 1.0)).ln();
    }
    let mut ln_term = ln_choose + hits as f64 * ln_p + (trials - hits) as f64 * ln_q;
    let mut ln_sum = ln_term;
    for j in hits..trials {
        ln_term += ((n - j as f64) / (j as f64 + 1.0)).ln() + ln_p - ln_q;
        ln_sum = log_add(ln_sum, ln_term);
        if ln_term < ln_sum - 50.0 && (j as f64) > n * rate {
            break;
        }
    }
    ln_sum.exp().min(1.0)
}

fn log_add(a: f64, b: f64) -> f64 {
    let (hi, lo) = if a > b { (a, b) } else { (b, a) };
    hi + (lo - hi).exp().ln_1p()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values() {
        // All of 20 fair coins: 2^-20.
        let p = binomial_upper_tail(20, 20, 0.5);
        assert!((p - 2f64.powi(-20)).abs() < 1e-15, "{p}");
        // P(X >= 1) for n=3, p=0.5: 7/8.
        assert!((binomial_upper_tail(3, 1, 0.5) - 0.875).abs() < 1e-12);
        // P(X >= 6) for n=10, p=0.5: 386/1024.
        assert!((binomial_upper_tail(10, 6, 0.5) - 386.0 / 1024.0).abs() < 1e-12);
        assert_eq!(binomial_upper_tail(10, 0, 0.3), 1.0);
    }

    #[test]
    fn tiny_tails_do_not_underflow_to_garbage() {
        let p = binomial_upper_tail(2000, 2000, 0.5);
        assert!(p == 0.0 || p < 1e-300);
        let p = binomial_upper_tail(200, 150, 0.5);
        assert!(p > 0.0 && p < 1e-10, "{p}");
    }
}
