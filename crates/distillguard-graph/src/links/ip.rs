//! Shared address in the same week: two accounts calling from one IP within one
//! seven-day period (counted from the epoch).
//!
//! Why: proxy pools rotate a campaign's accounts through the same exit addresses.
//! Strangers share addresses too (office NAT, carrier-grade NAT, VPN exits), so one
//! shared IP-week is weak; it counts fully at [`NEED`] shared IP-weeks on at least
//! [`NEED`] distinct addresses, and a key shared by more than [`MAX_GROUP`] accounts
//! is treated as a public exit.
//!
//! Why a week and not a day: a low-and-slow campaign sends a few requests per account
//! per day through a pool of dozens of exits, so two of its accounts seldom land on one
//! exit on the same day, but over a week they share several. Why not the whole log:
//! addresses change hands (residential leases, carrier NAT pools), so over months two
//! strangers can hold the same address by turns; within a week, holding three
//! different addresses in common is what a shared pool does, not chance.
//!
//! Co-location against coordination: two tenants behind one NAT, or two services on
//! one cloud host, share the *same* address every week; however long that lasts, it
//! is one fact (they sit in the same place). Accounts rotated through one pool share
//! *many* addresses. So shared IP-weeks count only up to the number of distinct shared
//! addresses ([`places`]).
//! Example: `acct-7` and `acct-19` both on 203.0.113.8, .9 and .41 in one week.

use distillguard_features::fingerprint::AccountStats;

pub const WEIGHT: f64 = 0.5;
pub const NEED: usize = 3;
pub const MAX_GROUP: usize = 300;

pub fn keys(stats: &AccountStats) -> Vec<u64> {
    stats.ip_weeks.items.clone()
}

/// The distinct addresses the account used (hashed), the places behind its IP-weeks.
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
