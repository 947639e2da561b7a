//! Shared payment instrument: accounts billed to the same payment fingerprint.
//!
//! Why: a card or bank account belongs to one party. An organisation billing its own
//! accounts to one instrument is expected (the cluster's score weighs the declared org);
//! one instrument behind 40 accounts with no common org is how proxy operators pay.
//! Example: accounts `acct-1`..`acct-40` all with `payment_fp = pf_9c1e`.

use distillguard_features::fingerprint::AccountStats;

pub const WEIGHT: f64 = 1.0;
pub const NEED: usize = 1;
pub const MAX_GROUP: usize = 100_000;

pub fn keys(stats: &AccountStats) -> Vec<u64> {
    stats
        .payment_fps
        .items
        .iter()
        .map(|fp| distillguard_features::tagged_hash(10, fp))
        .collect()
}
