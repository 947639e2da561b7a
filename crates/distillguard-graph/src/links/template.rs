//! Shared prompt templates: the same heavy template frames (see the features crate's
//! template signal) in both accounts' target-capability traffic.
//!
//! Why: a campaign fills the same few templates from one item pool across all its
//! accounts. A frame any person might type ("can you help me write a ...") is shared by
//! thousands and dropped as ubiquitous. Counts fully at [`NEED`] shared frames.
//! Example: 300 accounts whose prompts start "Solve the following problem and show
//! every intermediate step".

use distillguard_features::fingerprint::AccountStats;

pub const WEIGHT: f64 = 0.5;
pub const NEED: usize = 2;
pub const MAX_GROUP: usize = 5_000;

/// A frame is heavy in an account when used at least this often.
pub const MIN_USES: u32 = 3;

pub fn keys(stats: &AccountStats) -> Vec<u64> {
    let mut out: Vec<u64> = Vec::new();
    for top in [&stats.heads, &stats.tails] {
        let err = top.error_bound();
        out.extend(
            top.entries()
                .into_iter()
                .filter(|&(_, count)| count.saturating_sub(err) >= MIN_USES)
                .map(|(key, _)| key),
        );
    }
    out
}
