//! Shared tool schema: the same set of tool names defined in requests.
//!
//! Why: an agentic harvesting harness defines the same tools on every account. Popular
//! coding agents share schemas across thousands of users and are dropped as ubiquitous.
//! Example: 80 accounts defining exactly {run_shell, read_file, write_file, web_fetch}.

use distillguard_features::fingerprint::AccountStats;

pub const WEIGHT: f64 = 0.25;
pub const NEED: usize = 1;
pub const MAX_GROUP: usize = 3_000;

pub fn keys(stats: &AccountStats) -> Vec<u64> {
    stats.tools_fps.items.clone()
}
