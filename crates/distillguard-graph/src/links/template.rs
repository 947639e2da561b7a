//! Shared prompt templates: the same heavy template frames and recurring template
//! sentences (see the features crate's
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

/// A sentence is a template sentence of an account when it recurs this often.
pub const MIN_SENTENCE_USES: u32 = 2;

pub fn keys(stats: &AccountStats) -> Vec<u64> {
    let mut out: Vec<u64> = Vec::new();
    for (top, min_uses) in [
        (&stats.heads, MIN_USES),
        (&stats.tails, MIN_USES),
        (&stats.sentences, MIN_SENTENCE_USES),
    ] {
        let err = top.error_bound();
        out.extend(
            top.entries()
                .into_iter()
                .filter(|&(_, count)| count.saturating_sub(err) >= min_uses)
                .map(|(key, _)| key),
        );
    }
    out
}
