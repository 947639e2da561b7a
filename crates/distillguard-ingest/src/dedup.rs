//! Duplicate deliveries: a repeated `request_id` is one exchange.
//!
//! In: 64-bit xxh3 hashes of request ids, in input order. Out: whether each was seen
//! before. Owns the set of hashes seen so far.
//!
//! Memory: the set keeps 8 bytes per id in hash tables split into 256 shards, so that a
//! table grows one shard at a time (no doubling spike of the whole set). With the load
//! factor of `std`'s tables that is 10 to 21 bytes per distinct id, about 600 MB for
//! 40 million ids. Two different ids share a 64-bit hash with probability about
//! n²/2⁶⁵ (4·10⁻⁵ for 40 million ids); such a pair would count as one duplicate.

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

/// The set of request-id hashes seen so far.
pub struct SeenIds {
    shards: Vec<Shard>,
    len: u64,
}

impl Default for SeenIds {
    fn default() -> Self {
        SeenIds {
            shards: (0..SHARDS).map(|_| Shard::default()).collect(),
            len: 0,
        }
    }
}

impl SeenIds {
    /// The hash a request id is known by.
    pub fn hash_id(request_id: &str) -> u64 {
        xxhash_rust::xxh3::xxh3_64(request_id.as_bytes())
    }

    /// Records `hash`; `true` the first time, `false` for a duplicate.
    pub fn insert(&mut self, hash: u64) -> bool {
        // The top byte picks the shard; the table itself indexes by the low bits.
        let shard = (hash >> 56) as usize % SHARDS;
        let fresh = self.shards[shard].insert(hash);
        if fresh {
            self.len += 1;
        }
        fresh
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
}
