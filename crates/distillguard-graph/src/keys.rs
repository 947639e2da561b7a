//! Per-account keys for every link kind, and statistics of how widely keys are shared
//! (the population baseline that evidence quotes).

use distillguard_features::fingerprint::AccountFingerprint;
use rustc_hash::FxHashMap;

use crate::links::{self, LinkKind};

/// An account's keys, sorted per kind, plus its activity buckets for synchrony.
///
/// Layout: all kinds' keys lie in one allocation, kind after kind in
/// [`LinkKind::KEYED`] order (the control kinds, compared first, at the front), and so
/// do their rarities and the network kinds' places. Verifying a candidate pair reads
/// the keys of an account picked at random from a population far larger than the
/// caches; from a few contiguous blocks instead of two dozen scattered lists, that is
/// a few waits for memory instead of one per list.
#[derive(Debug, Clone, Default)]
pub struct AccountKeys {
    keys: Vec<u64>,
    /// Where each kind's keys end in `keys` (a kind starts where the one before ends).
    key_ends: [u32; LinkKind::KEYED.len()],
    /// How much each key counts ([`links::rarity`]), parallel to `keys`: 1 until
    /// [`AccountKeys::weigh`] has seen how widely the population shares them.
    rarity: Vec<f32>,
    /// For network kinds (IP, subnet): the distinct places behind the keys, sorted;
    /// shared keys count only up to the number of shared places (see `links::ip`).
    places: Vec<u64>,
    place_ends: [u32; LinkKind::KEYED.len()],
    /// Sorted, distinct activity buckets (time / bucket length).
    pub buckets: Vec<u32>,
    /// Hash of the declared org, if any.
    pub org: Option<u64>,
}

impl AccountKeys {
    pub fn of(account: &AccountFingerprint, bucket_ms: i64) -> Self {
        let s = &account.stats;
        let mut keys = Vec::new();
        let mut key_ends = [0u32; LinkKind::KEYED.len()];
        let mut places = Vec::new();
        let mut place_ends = [0u32; LinkKind::KEYED.len()];
        for kind in LinkKind::KEYED {
            let mut p = match kind {
                LinkKind::Ip => links::ip::places(s),
                LinkKind::Subnet => links::subnet::places(s),
                _ => Vec::new(),
            };
            p.sort_unstable();
            p.dedup();
            places.extend(p);
            place_ends[kind.index()] = u32::try_from(places.len()).unwrap_or(u32::MAX);
            let mut k = match kind {
                LinkKind::Payment => links::payment::keys(s),
                LinkKind::Ip => links::ip::keys(s),
                LinkKind::Subnet => links::subnet::keys(s),
                LinkKind::Client => links::client::keys(s),
                LinkKind::Template => links::template::keys(s),
                LinkKind::System => links::system::keys(s),
                LinkKind::Tools => links::tools::keys(s),
                LinkKind::Creation => links::creation::keys(s),
                LinkKind::Sync => Vec::new(),
            };
            k.sort_unstable();
            k.dedup();
            keys.extend(k);
            key_ends[kind.index()] = u32::try_from(keys.len()).unwrap_or(u32::MAX);
        }
        let mut buckets: Vec<u32> = s
            .sorted_times_ms()
            .into_iter()
            .map(|t| u32::try_from(t.div_euclid(bucket_ms.max(1))).unwrap_or(u32::MAX))
            .collect();
        buckets.dedup();
        AccountKeys {
            rarity: vec![1.0; keys.len()],
            keys,
            key_ends,
            places,
            place_ends,
            buckets,
            org: s
                .org_id()
                .map(|o| distillguard_features::tagged_hash(13, o)),
        }
    }

    /// The pooled keys of a group of accounts (a cluster): per kind, every key any
    /// member holds, with its rarity, and every place behind them. No activity buckets
    /// (a union of schedules says nothing about synchrony); the organisation only if
    /// every member declares the same one.
    pub fn pool(members: &[&AccountKeys]) -> Self {
        let mut keys = Vec::new();
        let mut rarity = Vec::new();
        let mut key_ends = [0u32; LinkKind::KEYED.len()];
        let mut places = Vec::new();
        let mut place_ends = [0u32; LinkKind::KEYED.len()];
        let mut entries: Vec<(u64, f32)> = Vec::new();
        let mut kind_places: Vec<u64> = Vec::new();
        for kind in LinkKind::KEYED {
            entries.clear();
            kind_places.clear();
            for m in members {
                entries.extend(
                    m.keys(kind)
                        .iter()
                        .copied()
                        .zip(m.rarity(kind).iter().copied()),
                );
                kind_places.extend_from_slice(m.places(kind));
            }
            entries.sort_unstable_by_key(|e| e.0);
            entries.dedup_by_key(|e| e.0);
            keys.extend(entries.iter().map(|e| e.0));
            rarity.extend(entries.iter().map(|e| e.1));
            key_ends[kind.index()] = u32::try_from(keys.len()).unwrap_or(u32::MAX);
            kind_places.sort_unstable();
            kind_places.dedup();
            places.extend_from_slice(&kind_places);
            place_ends[kind.index()] = u32::try_from(places.len()).unwrap_or(u32::MAX);
        }
        let org = members.first().and_then(|m| m.org);
        let common_org = org.filter(|o| members.iter().all(|m| m.org == Some(*o)));
        AccountKeys {
            keys,
            key_ends,
            rarity,
            places,
            place_ends,
            buckets: Vec::new(),
            org: common_org,
        }
    }

    /// The distinct places behind a network kind's keys (empty for other kinds).
    pub fn places(&self, kind: LinkKind) -> &[u64] {
        &self.places[span(&self.place_ends, kind)]
    }

    /// Weighs every key by how many of the `population`'s accounts hold it.
    pub fn weigh(&mut self, stats: &KeyStats, population: usize) {
        for kind in LinkKind::KEYED {
            if !kind.weighs_rarity() {
                continue;
            }
            let span = span(&self.key_ends, kind);
            for (r, &key) in self.rarity[span.clone()].iter_mut().zip(&self.keys[span]) {
                *r = links::rarity(stats.accounts_sharing(kind, key), population);
            }
        }
    }

    /// How much each of a kind's keys counts, parallel to [`AccountKeys::keys`].
    pub fn rarity(&self, kind: LinkKind) -> &[f32] {
        &self.rarity[span(&self.key_ends, kind)]
    }

    /// A kind's keys, sorted and de-duplicated.
    pub fn keys(&self, kind: LinkKind) -> &[u64] {
        &self.keys[span(&self.key_ends, kind)]
    }
}

/// The range of a kind's entries given where each kind's entries end (empty for a kind
/// without keys, such as synchrony).
fn span(ends: &[u32; LinkKind::KEYED.len()], kind: LinkKind) -> std::ops::Range<usize> {
    let i = kind.index();
    let Some(&end) = ends.get(i) else {
        return 0..0;
    };
    let start = if i == 0 { 0 } else { ends[i - 1] };
    start as usize..end as usize
}

/// When one sorted list is at least this many times longer than the other, the
/// intersection looks each key of the short list up in the long one instead of walking
/// both (an account against a cluster's pooled keys, see [`crate::attach`]).
const LOPSIDED: usize = 32;

/// Size of the intersection of two sorted, de-duplicated slices.
///
/// Both walks step without a data-dependent branch (each side advances by the result
/// of a comparison): the keys are hashes, so which side is smaller is a coin toss the
/// processor cannot predict, and most candidate pairs share few keys or none. A short
/// list against a long one is looked up instead.
pub fn intersection_len<T: Ord + Copy>(a: &[T], b: &[T]) -> usize {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if long.len() >= LOPSIDED * short.len().max(1) {
        return short
            .iter()
            .filter(|x| long.binary_search(x).is_ok())
            .count();
    }
    let (mut i, mut j, mut n) = (0, 0, 0);
    while let (Some(&x), Some(&y)) = (a.get(i), b.get(j)) {
        n += usize::from(x == y);
        i += usize::from(x <= y);
        j += usize::from(y <= x);
    }
    n
}

/// The intersection of two accounts' keys of one kind: how many keys they share, and
/// the sum of those keys' rarity (taken from `a`; a key's rarity is the same in both).
/// Walks as [`intersection_len`] does.
pub fn weighted_intersection(a: &[u64], a_rarity: &[f32], b: &[u64]) -> (usize, f32) {
    let rarity = |i: usize| a_rarity.get(i).copied().unwrap_or(1.0);
    // A short list against a long one: the positions in `a` of the shared keys.
    let found = |positions: &mut dyn Iterator<Item = usize>| {
        positions.fold((0, 0.0f32), |(n, sum), i| (n + 1, sum + rarity(i)))
    };
    if a.len() >= LOPSIDED * b.len().max(1) {
        return found(&mut b.iter().filter_map(|y| a.binary_search(y).ok()));
    }
    if b.len() >= LOPSIDED * a.len().max(1) {
        return found(&mut (0..a.len()).filter(|&i| b.binary_search(&a[i]).is_ok()));
    }
    let (mut i, mut j, mut n, mut sum) = (0, 0, 0, 0.0f32);
    while let (Some(&x), Some(&y)) = (a.get(i), b.get(j)) {
        if x == y {
            n += 1;
            sum += rarity(i);
        }
        i += usize::from(x <= y);
        j += usize::from(y <= x);
    }
    (n, sum)
}

/// How many accounts share each shared key (only keys held by two or more accounts).
#[derive(Debug, Default)]
pub struct KeyStats {
    sizes: FxHashMap<(u8, u64), u32>,
    /// Per kind: number of distinct keys shared by 2+ accounts, and by more than the
    /// kind's max group.
    pub shared_keys: [u64; LinkKind::ALL.len()],
    pub ubiquitous_keys: [u64; LinkKind::ALL.len()],
}

impl KeyStats {
    /// Makes room for `keys` more shared keys at once (the table would otherwise
    /// grow, and be copied, a dozen times on a large population).
    pub fn reserve(&mut self, keys: usize) {
        self.sizes.reserve(keys);
    }

    pub fn record(&mut self, kind: LinkKind, key: u64, accounts: usize) {
        self.sizes.insert(
            (kind.index() as u8, key),
            u32::try_from(accounts).unwrap_or(u32::MAX),
        );
        self.shared_keys[kind.index()] += 1;
        if accounts > kind.max_group() {
            self.ubiquitous_keys[kind.index()] += 1;
        }
    }

    /// Number of accounts holding `key` (1 if it was not shared).
    pub fn accounts_sharing(&self, kind: LinkKind, key: u64) -> u32 {
        self.sizes
            .get(&(kind.index() as u8, key))
            .copied()
            .unwrap_or(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeSet;

    fn sorted_set() -> impl Strategy<Value = Vec<u64>> {
        // Small values so that the two sets overlap often.
        proptest::collection::btree_set(0u64..200, 0..60).prop_map(|s| s.into_iter().collect())
    }

    proptest! {
        #[test]
        fn intersections_match_a_set_reference(a in sorted_set(), b in sorted_set()) {
            let reference: BTreeSet<u64> = a.iter().filter(|x| b.contains(x)).copied().collect();
            prop_assert_eq!(intersection_len(&a, &b), reference.len());
            // Rarity of a key here: a function of its value, summed in ascending order
            // as the merge meets them.
            let rarity: Vec<f32> = a.iter().map(|&x| 1.0 / (1.0 + x as f32)).collect();
            let expected: f32 = reference.iter().map(|&x| 1.0 / (1.0 + x as f32)).sum();
            let (n, sum) = weighted_intersection(&a, &rarity, &b);
            prop_assert_eq!(n, reference.len());
            prop_assert_eq!(sum, expected);
        }

        /// A few keys against many (an account against a cluster's pool), both ways
        /// round: looked up, not walked, with the same answer.
        #[test]
        fn lopsided_intersections_match_a_set_reference(
            few in proptest::collection::btree_set(0u64..2_000, 0..4),
            many in proptest::collection::btree_set(0u64..2_000, 150..400),
        ) {
            let few: Vec<u64> = few.into_iter().collect();
            let many: Vec<u64> = many.into_iter().collect();
            let reference: BTreeSet<u64> = few.iter().filter(|x| many.contains(x)).copied().collect();
            let weight = |x: u64| 1.0 / (1.0 + x as f32);
            let expected: f32 = reference.iter().map(|&x| weight(x)).sum();
            prop_assert_eq!(intersection_len(&few, &many), reference.len());
            prop_assert_eq!(intersection_len(&many, &few), reference.len());
            let few_rarity: Vec<f32> = few.iter().map(|&x| weight(x)).collect();
            let many_rarity: Vec<f32> = many.iter().map(|&x| weight(x)).collect();
            prop_assert_eq!(weighted_intersection(&few, &few_rarity, &many), (reference.len(), expected));
            let (n, sum) = weighted_intersection(&many, &many_rarity, &few);
            prop_assert_eq!(n, reference.len());
            prop_assert!((sum - expected).abs() < 1e-4);
        }
    }
}
