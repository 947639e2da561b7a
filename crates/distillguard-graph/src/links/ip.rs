//! Shared address on the same day: two accounts calling from one IP on one UTC day.
//!
//! Why: proxy pools rotate a campaign's accounts through the same exit addresses.
//! Strangers share addresses too (office NAT, carrier-grade NAT, VPN exits), so one
//! shared IP-day is weak; it counts fully at [`NEED`] shared IP-days on at least
//! [`NEED`] distinct addresses, and a key shared by more than [`MAX_GROUP`] accounts
//! is treated as a public exit.
//!
//! Co-location against coordination: two tenants behind one NAT, or two services on
//! one cloud host, share the *same* address every day; however many days that lasts,
//! it is one fact (they sit in the same place). Accounts rotated through one pool share
//! *many* addresses. So shared IP-days count only up to the number of distinct shared
//! addresses ([`places`]).
//! Example: `acct-7` and `acct-19` both on 203.0.113.8, .9 and .41, on three days.

use distillguard_features::fingerprint::AccountStats;

pub const WEIGHT: f64 = 0.5;
pub const NEED: usize = 3;
pub const MAX_GROUP: usize = 300;

pub fn keys(stats: &AccountStats) -> Vec<u64> {
    stats.ip_days.items.clone()
}

/// The distinct addresses the account used (hashed), the places behind its IP-days.
pub fn places(stats: &AccountStats) -> Vec<u64> {
    stats
        .ips
        .items
        .iter()
        .map(|ip| match ip {
            std::net::IpAddr::V4(v4) => xxhash_rust::xxh3::xxh3_64_with_seed(&v4.octets(), 14),
            std::net::IpAddr::V6(v6) => xxhash_rust::xxh3::xxh3_64_with_seed(&v6.octets(), 14),
        })
        .collect()
}
