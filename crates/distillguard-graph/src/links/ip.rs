//! Shared address on the same day: two accounts calling from one IP on one UTC day.
//!
//! Why: proxy pools rotate a campaign's accounts through the same exit addresses.
//! Strangers share addresses too (office NAT, carrier-grade NAT, VPN exits), so one
//! shared IP-day is weak; it counts fully at [`NEED`] distinct shared IP-days, and a
//! key shared by more than [`MAX_GROUP`] accounts is treated as a public exit.
//! Example: `acct-7` and `acct-19` both on 203.0.113.8 on three different days.

use distillguard_features::fingerprint::AccountStats;

pub const WEIGHT: f64 = 0.5;
pub const NEED: usize = 3;
pub const MAX_GROUP: usize = 300;

pub fn keys(stats: &AccountStats) -> Vec<u64> {
    stats.ip_days.items.clone()
}
