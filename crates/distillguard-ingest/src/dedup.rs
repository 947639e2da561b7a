//! Duplicate deliveries: a repeated `request_id` is one exchange.
//!
//! In: 64-bit xxh3 hashes of request ids, in input order. Out: whether each was seen
//! before. Owns the set of hashes seen so far.
//!
//! Memory: the set keeps 8 bytes per id in hash tables split into 256 shards, so that a
//! table grows one shard at a time (no doubling spike of the whole set); with the load
//! factor of `std`'s tables that is 10 to 21 bytes per distinct id. So that memory does
//! not grow with the number of exchanges, ids are remembered in two generations of at
//! most [`WINDOW`] ids each: a duplicate is caught when its first copy is among the
//! last `WINDOW` to `2 × WINDOW` distinct ids (at-least-once delivery repeats a record
//! soon after the first copy, not millions of records later). Inputs with fewer than
//! `WINDOW` distinct ids are de-duplicated exactly. At most about 350 MB.
//! Two different ids share a 64-bit hash with probability about n²/2⁶⁵ (4·10⁻⁵ for 40
//! million ids); such a pair would count as one duplicate.

use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};

const SHARDS: usize = 256;

/// Hashes already come from xxh3: use them as they are.
#[derive(Default)]
struct PassThrough(u64);

impl Hasher for PassThrough {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

type Shard = HashSet<u64, BuildHasherDefault<PassThrough>>;

/// Distinct ids per generation (2²⁴, about 16.8 million).
pub const WINDOW: u64 = 1 << 24;

fn empty_generation() -> Vec<Shard> {
    (0..SHARDS).map(|_| Shard::default()).collect()
}

/// The request-id hashes seen recently (see the module doc for the window).
pub struct SeenIds {
    current: Vec<Shard>,
    previous: Vec<Shard>,
    current_len: u64,
    window: u64,
    len: u64,
}

impl Default for SeenIds {
    fn default() -> Self {
        SeenIds::with_window(WINDOW)
    }
}

impl SeenIds {
    /// The hash a request id is known by.
    pub fn hash_id(request_id: &str) -> u64 {
        xxhash_rust::xxh3::xxh3_64(request_id.as_bytes())
    }

    /// A set that remembers between `window` and `2 × window` of the latest ids.
    pub fn with_window(window: u64) -> SeenIds {
        SeenIds {
            current: empty_generation(),
            previous: Vec::new(),
            current_len: 0,
            window: window.max(1),
            len: 0,
        }
    }

    /// Records `hash`; `true` the first time, `false` for a duplicate.
    pub fn insert(&mut self, hash: u64) -> bool {
        // The top byte picks the shard; the table itself indexes by the low bits.
        let shard = (hash >> 56) as usize % SHARDS;
        if self
            .previous
            .get(shard)
            .is_some_and(|previous| previous.contains(&hash))
        {
            return false;
        }
        if !self.current[shard].insert(hash) {
            return false;
        }
        self.len += 1;
        self.current_len += 1;
        if self.current_len >= self.window {
            self.previous = std::mem::replace(&mut self.current, empty_generation());
            self.current_len = 0;
        }
        true
    }

    /// Number of distinct ids seen.
    pub fn len(&self) -> u64 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_copy_counts() {
        let mut seen = SeenIds::default();
        assert!(seen.insert(SeenIds::hash_id("r1")));
        assert!(seen.insert(SeenIds::hash_id("r2")));
        assert!(!seen.insert(SeenIds::hash_id("r1")));
        assert_eq!(seen.len(), 2);
    }

    #[test]
    fn remembers_between_one_and_two_windows() {
        let mut seen = SeenIds::with_window(4);
        for id in 0..6u64 {
            assert!(seen.insert(id));
        }
        // 0..4 is the previous generation, 4..6 the current: all still known.
        for id in 0..6u64 {
            assert!(!seen.insert(id), "{id} forgotten too early");
        }
        for id in 6..8u64 {
            assert!(seen.insert(id));
        }
        // The generation holding 0..4 was dropped when 4..8 filled up.
        assert!(seen.insert(0));
        assert!(!seen.insert(5));
    }
}
