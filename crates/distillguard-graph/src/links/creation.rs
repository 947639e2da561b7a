//! Creation burst: accounts created in the same hour through the same verification
//! pathway.
//!
//! Why: operators register accounts in batches through the easiest pathway (education,
//! research, startup programmes). Classes sign up together too, and in a large
//! population strangers sign up in a campaign's burst hour through the same pathway by
//! chance, so this is a weak link that only adds to others: it is not control evidence
//! of its own (an edge still needs payment, network or timing; see `pair`).
//! Example: 30 `research` accounts created between 02:00 and 03:00 on one day.
//!
//! A creation time of exactly midnight UTC, to the millisecond, is read as a date
//! without a time (legacy or back-filled records store only the day): it cannot show
//! that two accounts were made in the same hour, so it gives no key. A real
//! millisecond timestamp lands there once in 86.4 million.

use distillguard_features::fingerprint::AccountStats;
use distillguard_model::time::{DAY, HOUR};

pub const WEIGHT: f64 = 0.25;
pub const NEED: usize = 1;
pub const MAX_GROUP: usize = 2_000;

pub fn keys(stats: &AccountStats) -> Vec<u64> {
    let Some(created) = stats.account_created else {
        return Vec::new();
    };
    if created.rem_euclid(DAY) == 0 {
        return Vec::new();
    }
    let pathway = stats
        .account_types
        .items
        .first()
        .map(String::as_str)
        .unwrap_or("unknown");
    let hour = created.div_euclid(HOUR);
    vec![distillguard_features::tagged_hash(
        12,
        &format!("{pathway}\u{1f}{hour}"),
    )]
}
