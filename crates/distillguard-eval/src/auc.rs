//! ROC AUC from scores, by the Mann-Whitney rank statistic.
//!
//! In: one `(score, is_positive)` pair per labelled account. Out: the probability that a
//! random positive scores above a random negative, ties counting one half; `None` when
//! either class is empty (the AUC is undefined then).
//!
//! Tied scores get the average of the ranks they span, which is exactly the "ties count
//! one half" rule; a detector that gives every account the same score gets 0.5.

/// The ROC AUC of `scores` (pairs of score and whether the item is a positive).
pub fn roc_auc(scores: &[(f64, bool)]) -> Option<f64> {
    let positives = scores.iter().filter(|(_, positive)| *positive).count();
    let negatives = scores.len() - positives;
    if positives == 0 || negatives == 0 {
        return None;
    }

    let mut sorted: Vec<(f64, bool)> = scores.to_vec();
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0));

    // Sum of the (1-based, tie-averaged) ranks of the positives.
    let mut positive_rank_sum = 0.0_f64;
    let mut start = 0;
    while start < sorted.len() {
        let mut end = start;
        while end < sorted.len() && sorted[end].0.total_cmp(&sorted[start].0).is_eq() {
            end += 1;
        }
        // Items start..end share one score; their ranks are start+1 ..= end.
        let average_rank = (start + 1 + end) as f64 / 2.0;
        let positives_in_tie = sorted[start..end].iter().filter(|(_, p)| *p).count();
        positive_rank_sum += average_rank * positives_in_tie as f64;
        start = end;
    }

    let p = positives as f64;
    let n = negatives as f64;
    let u = positive_rank_sum - p * (p + 1.0) / 2.0;
    let auc = u / (p * n);
    debug_assert!((0.0..=1.0).contains(&auc), "AUC {auc} out of range");
    Some(auc)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::strategy::Strategy;

    /// The AUC by its definition: the share of (positive, negative) pairs ordered
    /// correctly, ties counting one half. Quadratic, for checking the rank formula.
    fn pairwise_auc(scores: &[(f64, bool)]) -> Option<f64> {
        let mut wins = 0.0;
        let mut pairs = 0.0;
        for (sp, _) in scores.iter().filter(|(_, p)| *p) {
            for (sn, _) in scores.iter().filter(|(_, p)| !*p) {
                pairs += 1.0;
                if sp > sn {
                    wins += 1.0;
                } else if sp == sn {
                    wins += 0.5;
                }
            }
        }
        (pairs > 0.0).then(|| wins / pairs)
    }

    #[test]
    fn perfect_and_inverted_rankings() {
        let perfect = [(0.9, true), (0.8, true), (0.2, false), (0.1, false)];
        assert_eq!(roc_auc(&perfect), Some(1.0));
        let inverted = [(0.1, true), (0.2, true), (0.8, false), (0.9, false)];
        assert_eq!(roc_auc(&inverted), Some(0.0));
    }

    #[test]
    fn ties_count_one_half() {
        // Hand count: positives {0.8, 0.5}, negatives {0.5, 0.3, 0.1}.
        // 0.8 beats all three (3); 0.5 ties 0.5 (0.5) and beats 0.3, 0.1 (2).
        // AUC = 5.5 / 6.
        let scores = [
            (0.8, true),
            (0.5, true),
            (0.5, false),
            (0.3, false),
            (0.1, false),
        ];
        let auc = roc_auc(&scores).expect("both classes present");
        assert!((auc - 5.5 / 6.0).abs() < 1e-12, "{auc}");
    }

    #[test]
    fn all_tied_is_one_half() {
        let scores = [(0.4, true), (0.4, false), (0.4, false), (0.4, true)];
        assert_eq!(roc_auc(&scores), Some(0.5));
    }

    #[test]
    fn sklearn_documented_example() {
        // sklearn.metrics.roc_auc_score docs: y=[0,0,1,1], scores=[0.1,0.4,0.35,0.8] -> 0.75.
        let scores = [(0.1, false), (0.4, false), (0.35, true), (0.8, true)];
        assert_eq!(roc_auc(&scores), Some(0.75));
    }

    #[test]
    fn undefined_with_one_class() {
        assert_eq!(roc_auc(&[(0.3, true), (0.9, true)]), None);
        assert_eq!(roc_auc(&[(0.3, false)]), None);
        assert_eq!(roc_auc(&[]), None);
    }

    proptest::proptest! {
        #[test]
        fn matches_pairwise_definition(
            scores in proptest::collection::vec(
                // Few distinct values, so ties are common.
                ((0u8..6).prop_map(|s| f64::from(s) / 5.0), proptest::bool::ANY),
                0..40,
            )
        ) {
            let fast = roc_auc(&scores);
            let slow = pairwise_auc(&scores);
            match (fast, slow) {
                (Some(a), Some(b)) => proptest::prop_assert!((a - b).abs() < 1e-9, "{a} vs {b}"),
                (a, b) => proptest::prop_assert_eq!(a, b),
            }
        }
    }
}
