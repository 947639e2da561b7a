//! Duplicate deliveries: a repeated `request_id` is one exchange.
//!
//! In: 64-bit xxh3 hashes of request ids, in input order. Out: whether each was seen
//! before. Owns the set of hashes seen so far.
//!
//! Memory: the set keeps each id's 8-byte hash in open-addressed tables (linear
//! probing, at most three quarters full) split into 256 shards by the hash's top byte,
//! so that a table grows one shard at a time (no doubling spike of the whole set):
//! 11 to 21 bytes per distinct id. So that memory does not grow with the number of
//! exchanges, ids are remembered in two generations of at most [`WINDOW`] ids each: a
//! duplicate is caught when its first copy is among the last `WINDOW` to `2 × WINDOW`
//! distinct ids (at-least-once delivery repeats a record soon after the first copy, not
//! millions of records later). Inputs with fewer than `WINDOW` distinct ids are
//! de-duplicated exactly. `WINDOW` fills each shard to just under three quarters of a
//! 2¹⁶-slot table, so both generations together take about 256 MiB at most.
//!
//! Speed: the tables are far larger than the caches, so each look-up waits for memory.
//! [`SeenIds::insert_all`] takes a block of ids and asks the processor to fetch the
//! slots of ids a few places ahead while it checks the current one, so those waits
//! overlap instead of adding up.
//!
//! Two different ids share a 64-bit hash with probability about n²/2⁶⁵ (4·10⁻⁵ for 40
//! million ids); such a pair would count as one duplicate.

const SHARDS: usize = 256;

/// Distinct ids per generation: 256 shards of about 47,800 each, just under three
/// quarters of 2¹⁶ slots (so a shard's table stops at 2¹⁶ slots; the spread between
/// shards is a few hundred ids).
pub const WINDOW: u64 = 12_230_000;

/// How many ids ahead [`SeenIds::insert_all`] prefetches.
const AHEAD: usize = 16;

/// One shard: a set of hashes, open addressing with linear probing on the hash's low
/// bits. An empty slot holds 0; the hash 0 itself is remembered by a flag.
#[derive(Default)]
struct Table {
    slots: Vec<u64>,
    len: usize,
    has_zero: bool,
}

impl Table {
    fn home(&self, hash: u64) -> usize {
        (hash as usize) & (self.slots.len().wrapping_sub(1))
    }

    fn prefetch(&self, hash: u64) {
        if !self.slots.is_empty() {
            prefetch_index::prefetch_index(&self.slots, self.home(hash));
        }
    }

    fn contains(&self, hash: u64) -> bool {
        if hash == 0 {
            return self.has_zero;
        }
        if self.slots.is_empty() {
            return false;
        }
        let mask = self.slots.len() - 1;
        let mut i = self.home(hash);
        loop {
            match self.slots[i] {
                0 => return false,
                s if s == hash => return true,
                _ => i = (i + 1) & mask,
            }
        }
    }

    /// `true` if `hash` was not in the set.
    fn insert(&mut self, hash: u64) -> bool {
        if hash == 0 {
            return !std::mem::replace(&mut self.has_zero, true);
        }
        if (self.len + 1) * 4 > self.slots.len() * 3 {
            self.grow();
        }
        let mask = self.slots.len() - 1;
        let mut i = self.home(hash);
        loop {
            match self.slots[i] {
                0 => {
                    self.slots[i] = hash;
                    self.len += 1;
                    return true;
                }
                s if s == hash => return false,
                _ => i = (i + 1) & mask,
            }
        }
    }

    fn grow(&mut self) {
        let size = (self.slots.len() * 2).max(16);
        let old = std::mem::replace(&mut self.slots, vec![0; size]);
        self.len = 0;
        for hash in old.into_iter().filter(|&h| h != 0) {
            self.insert(hash);
        }
    }
}

fn empty_generation() -> Vec<Table> {
    (0..SHARDS).map(|_| Table::default()).collect()
}

fn shard(hash: u64) -> usize {
    (hash >> 56) as usize % SHARDS
}

/// The request-id hashes seen recently (see the module doc for the window).
pub struct SeenIds {
    current: Vec<Table>,
    previous: Vec<Table>,
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
        let shard = shard(hash);
        if self
            .previous
            .get(shard)
            .is_some_and(|previous| previous.contains(hash))
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

    /// [`SeenIds::insert`] on each hash in order (an id without a hash is always
    /// new), prefetching the slots of the hashes a few places ahead. Returns, per
    /// entry, whether it is a first copy.
    pub fn insert_all(&mut self, hashes: &[Option<u64>]) -> Vec<bool> {
        let mut fresh = Vec::with_capacity(hashes.len());
        for (i, hash) in hashes.iter().enumerate() {
            if let Some(&Some(ahead)) = hashes.get(i + AHEAD) {
                let shard = shard(ahead);
                if let Some(previous) = self.previous.get(shard) {
                    previous.prefetch(ahead);
                }
                self.current[shard].prefetch(ahead);
            }
            fresh.push(hash.is_none_or(|hash| self.insert(hash)));
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

    #[test]
    fn the_zero_hash_is_an_id_like_any_other() {
        let mut seen = SeenIds::default();
        assert!(seen.insert(0));
        assert!(!seen.insert(0));
        assert!(seen.insert(1));
        assert_eq!(seen.len(), 2);
    }

    #[test]
    fn a_shard_keeps_every_id_through_its_growth() {
        // All in shard 0 (top byte 0), many sharing low bits, so probes run long.
        let ids: Vec<u64> = (1..5_000u64).map(|i| (i % 97) << 20 | i).collect();
        let mut seen = SeenIds::default();
        for &id in &ids {
            assert!(seen.insert(id), "{id} taken for a duplicate");
        }
        for &id in &ids {
            assert!(!seen.insert(id), "{id} forgotten");
        }
        assert_eq!(seen.len(), ids.len() as u64);
    }

    proptest::proptest! {
        /// Block-wise insertion (with prefetching) decides exactly as one by one,
        /// across generation changes, with ids without a hash, and with the zero hash.
        #[test]
        fn insert_all_decides_as_insert_does(
            ids in proptest::collection::vec(proptest::option::of(0u64..300), 0..400),
            window in 1u64..80,
            split in 0usize..400,
        ) {
            // Spread the small ids over shards and slots, keeping 0 as 0.
            let hashes: Vec<Option<u64>> = ids
                .iter()
                .map(|id| id.map(|i| i.wrapping_mul(0x9E37_79B9_7F4A_7C15)))
                .collect();
            let mut one = SeenIds::with_window(window);
            let expected: Vec<bool> = hashes
                .iter()
                .map(|h| h.is_none_or(|h| one.insert(h)))
                .collect();
            let mut blocks = SeenIds::with_window(window);
            let split = split.min(hashes.len());
            let mut got = blocks.insert_all(&hashes[..split]);
            got.extend(blocks.insert_all(&hashes[split..]));
            proptest::prop_assert_eq!(got, expected);
            proptest::prop_assert_eq!(blocks.len(), one.len());
        }
    }
}
