//! Synchronised activity: two accounts active in the same time buckets far beyond what
//! their activity levels explain (in the spirit of SynchroTrap and CopyCatch).
//!
//! Why: a proxy scheduler drives its accounts together, in lockstep windows. Two busy
//! accounts overlap by chance too, so overlap is compared with its expectation inside
//! the span both accounts were active in: lift = shared buckets / (|A| |B| / span),
//! counting only each account's buckets inside that span. Always-on accounts have lift
//! near 1 and are not linked, also when both only started recently (two back-ends
//! launched in the last days of the log share those days, not a schedule); accounts
//! that switch on and off together have a high lift.
//! Counts fully at [`FULL_LIFT`] with at least [`MIN_SHARED`] shared buckets and a
//! Jaccard overlap of at least [`MIN_JACCARD`].
//! Example: 50 accounts all active 02:10–02:50 and 14:00–14:40 every day.

pub const WEIGHT: f64 = 0.5;
pub const MIN_SHARED: usize = 8;
pub const MIN_JACCARD: f64 = 0.2;
pub const FULL_LIFT: f64 = 4.0;

/// Whether two bucket lists can show any synchrony, from their lengths alone: the
/// shared buckets are at most the shorter list and the Jaccard overlap at most the
/// shorter over the longer, so when this is false [`strength`] is 0 (a caller with
/// nothing else at stake can skip it).
pub fn possible(a: &[u32], b: &[u32]) -> bool {
    let (short, long) = if a.len() <= b.len() {
        (a.len(), b.len())
    } else {
        (b.len(), a.len())
    };
    short >= MIN_SHARED && short as f64 >= MIN_JACCARD * long as f64
}

/// Strength in [0,1] of the synchrony of two sorted, distinct bucket lists, and the
/// lift behind it.
pub fn strength(a: &[u32], b: &[u32]) -> (f64, f64) {
    let (Some((&a_first, &a_last)), Some((&b_first, &b_last))) =
        (a.first().zip(a.last()), b.first().zip(b.last()))
    else {
        return (0.0, 0.0);
    };
    let shared = crate::keys::intersection_len(a, b);
    if shared < MIN_SHARED {
        return (0.0, 0.0);
    }
    let union = a.len() + b.len() - shared;
    let jaccard = shared as f64 / union as f64;
    // The span both were active in; shared buckets all lie inside it.
    let (lo, hi) = (a_first.max(b_first), a_last.min(b_last));
    let span = f64::from(hi - lo) + 1.0;
    let inside = |v: &[u32]| v.partition_point(|&x| x <= hi) - v.partition_point(|&x| x < lo);
    let expected = inside(a) as f64 * inside(b) as f64 / span;
    let lift = shared as f64 / expected.max(1e-9);
    if jaccard < MIN_JACCARD || lift < 2.0 {
        return (0.0, lift);
    }
    (((lift - 2.0) / (FULL_LIFT - 2.0)).clamp(0.0, 1.0), lift)
}
