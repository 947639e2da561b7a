//! Shared system prompt: the same (normalised) system prompt text.
//!
//! Why: a harvesting harness ships one system prompt to all its accounts. Apps ship one
//! too, but an app is usually one account; many accounts with one org share it openly.
//! Example: 25 accounts all sending "You are an expert. Always show full reasoning."

use distillguard_features::fingerprint::AccountStats;

pub const WEIGHT: f64 = 0.3;
pub const NEED: usize = 1;
pub const MAX_GROUP: usize = 5_000;

pub fn keys(stats: &AccountStats) -> Vec<u64> {
    stats.system_fps.items.clone()
}
