//! Deterministic randomness: every entity (account, group, campaign) gets its own RNG
//! seeded from `(scenario seed, stream, entity index)`, so output never depends on the
//! number of threads or the order work is scheduled in.
//!
//! In: a seed and an entity key. Out: [`Rng`] plus small sampling helpers.

use rand::{Rng as _, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};

pub type Rng = ChaCha8Rng;

/// Named independent streams, so that e.g. group 3 and account 3 never share an RNG.
#[derive(Debug, Clone, Copy)]
#[repr(u64)]
pub enum Stream {
    Account = 1,
    Group = 2,
    Campaign = 3,
    Cluster = 4,
    Order = 5,
    Traffic = 6,
    Ids = 7,
}

/// splitmix64 finaliser: a good 64-bit mixer.
pub fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// A 64-bit key for `(seed, stream, index)`.
pub fn key(seed: u64, stream: Stream, index: u64) -> u64 {
    mix(mix(seed ^ mix(stream as u64)) ^ index.wrapping_mul(0xA24B_AED4_963E_E407))
}

pub fn rng_for(seed: u64, stream: Stream, index: u64) -> Rng {
    ChaCha8Rng::seed_from_u64(key(seed, stream, index))
}

/// Uniform in `[0, 1)`.
pub fn unit(rng: &mut Rng) -> f64 {
    rng.gen::<f64>()
}

pub fn chance(rng: &mut Rng, p: f64) -> bool {
    p > 0.0 && rng.gen::<f64>() < p
}

pub fn normal(rng: &mut Rng) -> f64 {
    StandardNormal.sample(rng)
}

/// Log-normal with the given mean (not median) and log-space sigma.
pub fn lognormal_mean(rng: &mut Rng, mean: f64, sigma: f64) -> f64 {
    let mu = mean.max(1e-9).ln() - sigma * sigma / 2.0;
    (mu + sigma * normal(rng)).exp()
}

/// Log-normal with the given median.
pub fn lognormal_median(rng: &mut Rng, median: f64, sigma: f64) -> f64 {
    median * (sigma * normal(rng)).exp()
}

/// Integer in `[lo, hi]` (inclusive); `lo` when the range is empty.
pub fn range(rng: &mut Rng, lo: u64, hi: u64) -> u64 {
    if hi <= lo {
        lo
    } else {
        rng.gen_range(lo..=hi)
    }
}

/// Uniform pick from a non-empty slice; `None` for an empty one.
pub fn pick<'a, T>(rng: &mut Rng, items: &'a [T]) -> Option<&'a T> {
    if items.is_empty() {
        None
    } else {
        items.get(rng.gen_range(0..items.len()))
    }
}

/// Uniform pick from a slice of string constants ("" when empty).
pub fn pick_str(rng: &mut Rng, items: &[&'static str]) -> &'static str {
    pick(rng, items).copied().unwrap_or("")
}

/// Index drawn with probability proportional to `weights` (0 when all are zero).
pub fn weighted(rng: &mut Rng, weights: &[f64]) -> usize {
    let total: f64 = weights.iter().filter(|w| **w > 0.0).sum();
    if total <= 0.0 {
        return 0;
    }
    let mut x = rng.gen::<f64>() * total;
    for (i, w) in weights.iter().enumerate() {
        if *w > 0.0 {
            if x < *w {
                return i;
            }
            x -= *w;
        }
    }
    weights.len().saturating_sub(1)
}

/// A short lowercase base-32 identifier derived from a key (stable for the key).
pub fn token(key: u64, len: usize) -> String {
    const ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";
    let mut out = String::with_capacity(len);
    // Mix first: keys that differ in a few bits must not share characters.
    let mut x = mix(key);
    let mut round = 0u64;
    while out.len() < len {
        if x == 0 || out.len().is_multiple_of(12) && !out.is_empty() {
            round += 1;
            x = mix(key ^ round.wrapping_mul(0xD6E8_FEB8_6659_FD93));
        }
        out.push(ALPHABET[(x & 31) as usize] as char);
        x >>= 5;
    }
    out
}

/// Hex digest-like string of `len` characters derived from a key.
pub fn hex(key: u64, len: usize) -> String {
    let mut out = String::with_capacity(len);
    let mut round = 0u64;
    while out.len() < len {
        out.push_str(&format!("{:016x}", mix(key ^ round)));
        round += 1;
    }
    out.truncate(len);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_independent_and_stable() {
        assert_ne!(key(1, Stream::Account, 3), key(1, Stream::Group, 3));
        assert_eq!(key(1, Stream::Account, 3), key(1, Stream::Account, 3));
        assert_ne!(key(1, Stream::Account, 3), key(2, Stream::Account, 3));
        assert_eq!(token(42, 12).len(), 12);
        assert_eq!(token(42, 20), token(42, 20));
        assert_eq!(hex(7, 24).len(), 24);
    }

    #[test]
    fn weighted_respects_zero_weights() {
        let mut rng = rng_for(1, Stream::Traffic, 0);
        for _ in 0..1000 {
            assert_eq!(weighted(&mut rng, &[0.0, 1.0, 0.0]), 1);
        }
    }
}
