//! Shared /24 (IPv4) or /48 (IPv6) network in the same week (see [`super::ip`] for
//! why a week).
//!
//! Why: rotating proxies hand out neighbouring addresses, so accounts of one operator
//! share networks even when they never share an address. Weaker than [`super::ip`]:
//! many unrelated customers sit in one provider's network. As for addresses
//! ([`super::ip`]), shared subnet-weeks count only up to the number of distinct shared
//! networks: two tenants of one cloud network share it every week (co-location); a
//! proxy pool spreads its accounts over many networks together (coordination).
//! Example: `acct-3` on 198.51.100.4 and `acct-9` on 198.51.100.77 in one week,
//! and likewise on two other networks.

use distillguard_features::fingerprint::AccountStats;

pub const WEIGHT: f64 = 0.25;
pub const NEED: usize = 3;
pub const MAX_GROUP: usize = 1_000;

pub fn keys(stats: &AccountStats) -> Vec<u64> {
    stats.subnet_weeks.items.clone()
}

/// The distinct networks the account used, the places behind its subnet-weeks.
pub fn places(stats: &AccountStats) -> Vec<u64> {
    stats.subnets.items.clone()
}
