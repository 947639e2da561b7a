//! Adjusted Rand index between two partitions of the same items.
//!
//! In: two equally long slices of group keys (item `i` is in group `truth[i]` of one
//! partition and `predicted[i]` of the other). Out: the ARI (Hubert and Arabie 1985),
//! 1.0 for identical partitions, about 0 for chance agreement, negative for worse than
//! chance; `None` for fewer than two items, where no pair exists to compare.
//!
//! Like scikit-learn's `adjusted_rand_score`, two identical trivial partitions (all
//! items together, or all apart) score 1.0 instead of the 0/0 of the formula.

use std::collections::HashMap;
use std::hash::Hash;

/// `n choose 2`, as a float (counts of pairs get large).
fn pairs(n: u64) -> f64 {
    let n = n as f64;
    n * (n - 1.0) / 2.0
}

/// The adjusted Rand index of two labelings of the same items.
pub fn adjusted_rand_index<A: Eq + Hash, B: Eq + Hash>(
    truth: &[A],
    predicted: &[B],
) -> Option<f64> {
    debug_assert_eq!(truth.len(), predicted.len());
    let n = truth.len().min(predicted.len());
    if n < 2 {
        return None;
    }

    let mut cells: HashMap<(&A, &B), u64> = HashMap::new();
    let mut truth_sizes: HashMap<&A, u64> = HashMap::new();
    let mut predicted_sizes: HashMap<&B, u64> = HashMap::new();
    for (a, b) in truth.iter().zip(predicted.iter()) {
        *cells.entry((a, b)).or_default() += 1;
        *truth_sizes.entry(a).or_default() += 1;
        *predicted_sizes.entry(b).or_default() += 1;
    }

    let index: f64 = cells.values().map(|&c| pairs(c)).sum();
    let truth_pairs: f64 = truth_sizes.values().map(|&c| pairs(c)).sum();
    let predicted_pairs: f64 = predicted_sizes.values().map(|&c| pairs(c)).sum();
    let all_pairs = pairs(n as u64);

    let expected = truth_pairs * predicted_pairs / all_pairs;
    let max_index = (truth_pairs + predicted_pairs) / 2.0;
    let denominator = max_index - expected;
    if denominator == 0.0 {
        // Only possible when both partitions are the same trivial one.
        return Some(1.0);
    }
    Some((index - expected) / denominator)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ari(a: &[u32], b: &[u32]) -> f64 {
        adjusted_rand_index(a, b).expect("at least two items")
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn sklearn_documented_examples() {
        // From the scikit-learn docs of adjusted_rand_score.
        assert!(close(ari(&[0, 0, 1, 1], &[0, 0, 1, 1]), 1.0));
        assert!(close(ari(&[0, 0, 1, 1], &[1, 1, 0, 0]), 1.0));
        // Hand: cells {2,1,1} -> index 1; truth pairs 2, predicted pairs 1, all 6;
        // expected 1/3, max 1.5 -> (2/3)/(7/6) = 4/7 = 0.5714...
        assert!(close(ari(&[0, 0, 1, 2], &[0, 0, 1, 1]), 4.0 / 7.0));
        assert!(close(ari(&[0, 0, 1, 1], &[0, 0, 1, 2]), 4.0 / 7.0));
        // Hand: every cell 1 -> index 0; expected 2*2/6; max 2 -> -(2/3)/(4/3) = -0.5.
        assert!(close(ari(&[0, 0, 1, 1], &[0, 1, 0, 1]), -0.5));
        // All together vs all apart: index 0, expected 0, max 3 -> 0.
        assert!(close(ari(&[0, 0, 0, 0], &[0, 1, 2, 3]), 0.0));
    }

    #[test]
    fn larger_hand_computed_partition() {
        // truth:     A A A B B C   (sizes 3,2,1 -> pairs 3+1+0 = 4)
        // predicted: x x y y y y   (sizes 2,4   -> pairs 1+6   = 7)
        // cells: (A,x)=2 (A,y)=1 (B,y)=2 (C,y)=1 -> index 1+0+1+0 = 2
        // all pairs 15; expected 4*7/15 = 28/15; max 5.5
        // ARI = (2 - 28/15) / (5.5 - 28/15) = (2/15) / (109/30) = 4/109.
        let truth = ["A", "A", "A", "B", "B", "C"];
        let predicted = ["x", "x", "y", "y", "y", "y"];
        let value = adjusted_rand_index(&truth, &predicted).expect("defined");
        assert!(close(value, 4.0 / 109.0), "{value}");
    }

    #[test]
    fn trivial_identical_partitions_are_perfect() {
        assert_eq!(adjusted_rand_index(&[1, 1, 1], &[7, 7, 7]), Some(1.0));
        assert_eq!(adjusted_rand_index(&[1, 2, 3], &[4, 5, 6]), Some(1.0));
    }

    #[test]
    fn undefined_below_two_items() {
        assert_eq!(adjusted_rand_index::<u8, u8>(&[], &[]), None);
        assert_eq!(adjusted_rand_index(&[1], &[1]), None);
    }

    proptest::proptest! {
        #[test]
        fn bounded_symmetric_and_one_on_itself(
            items in proptest::collection::vec((0u8..5, 0u8..5), 2..60)
        ) {
            let truth: Vec<u8> = items.iter().map(|(a, _)| *a).collect();
            let predicted: Vec<u8> = items.iter().map(|(_, b)| *b).collect();
            let forward = adjusted_rand_index(&truth, &predicted).expect("n >= 2");
            let backward = adjusted_rand_index(&predicted, &truth).expect("n >= 2");
            proptest::prop_assert!((-1.0..=1.0 + 1e-12).contains(&forward), "{forward}");
            proptest::prop_assert!((forward - backward).abs() < 1e-9);
            let itself = adjusted_rand_index(&truth, &truth).expect("n >= 2");
            proptest::prop_assert!((itself - 1.0).abs() < 1e-12);
        }
    }
}
