//! Shared client: the same (ASN, user agent) pair.
//!
//! Why: a harvesting tool has its own client string and runs from the same hosting
//! networks; a rare pair shared across accounts points at one operator's tooling. The
//! popular SDK strings on the big networks are shared by thousands and are dropped as
//! ubiquitous (see [`MAX_GROUP`]).
//! Example: `python-httpx/0.27 harvest/2.1` from AS 14061 on 60 accounts.

use distillguard_features::fingerprint::AccountStats;

pub const WEIGHT: f64 = 0.35;
pub const NEED: usize = 1;
pub const MAX_GROUP: usize = 2_000;

pub fn keys(stats: &AccountStats) -> Vec<u64> {
    let mut out = Vec::new();
    for asn in stats.asns.items.iter().take(4) {
        for ua in stats.user_agents.items.iter().take(4) {
            out.push(distillguard_features::tagged_hash(
                11,
                &format!("{asn}\u{1f}{ua}"),
            ));
        }
    }
    out
}
