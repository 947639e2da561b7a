//! Combining findings into one total surprise.
//!
//! Per group, the strongest finding counts (capped at `group_cap`), so signals that
//! measure one behaviour never count twice. Harvest gates the rest: asking for
//! reasoning, templating, running round the clock are only a distillation threat when
//! they come with a large harvest of distinct outputs, so the other behaviour groups
//! count from a quarter (no harvest surprise) to fully (harvest two robust standard
//! deviations above ordinary). Partner intelligence is not gated.

use crate::detectors::{Finding, Group};

/// Harvest surprise at which the other groups count fully.
pub const GATE_FULL: f64 = 2.0;
/// Share of the other groups that counts with no harvest surprise at all.
pub const GATE_MIN: f64 = 0.25;

/// Strongest surprise per group.
pub fn group_maxima(findings: &[Finding]) -> [f64; Group::COUNT] {
    let mut maxima = [0.0f64; Group::COUNT];
    for f in findings {
        let slot = &mut maxima[f.group.index()];
        *slot = slot.max(f.surprise);
    }
    maxima
}

pub fn gate(harvest: f64) -> f64 {
    (GATE_MIN + (1.0 - GATE_MIN) * harvest / GATE_FULL).clamp(GATE_MIN, 1.0)
}

/// The total surprise of one account or cluster from its group maxima.
pub fn total(maxima: &[f64; Group::COUNT], cap: f64) -> f64 {
    let capped = |g: Group| maxima[g.index()].clamp(0.0, cap);
    let harvest = capped(Group::Harvest);
    let gated: f64 = [
        Group::Elicitation,
        Group::Templating,
        Group::Focus,
        Group::Automation,
        Group::Onboarding,
        Group::Adoption,
        Group::Coordination,
    ]
    .into_iter()
    .map(capped)
    .sum();
    harvest + gate(harvest) * gated + capped(Group::Intel)
}

/// Total over the account groups only, for a row laid out as [`Group::ACCOUNT`].
pub fn total_of_account_row(row: &[f64], cap: f64) -> f64 {
    let mut maxima = [0.0f64; Group::COUNT];
    for (g, v) in Group::ACCOUNT.iter().zip(row) {
        maxima[g.index()] = *v;
    }
    total(&maxima, cap)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn harvest_gates_the_rest() {
        let mut style_only = [0.0; Group::COUNT];
        style_only[Group::Elicitation.index()] = 4.0;
        style_only[Group::Templating.index()] = 4.0;
        let mut with_harvest = style_only;
        with_harvest[Group::Harvest.index()] = 3.0;
        assert!((total(&style_only, 4.0) - 2.0).abs() < 1e-9);
        assert!((total(&with_harvest, 4.0) - 11.0).abs() < 1e-9);
    }

    #[test]
    fn caps_apply_per_group() {
        let mut m = [0.0; Group::COUNT];
        m[Group::Harvest.index()] = 100.0;
        assert_eq!(total(&m, 4.0), 4.0);
    }

    proptest::proptest! {
        #[test]
        fn total_is_finite_non_negative_and_monotone(values in proptest::collection::vec(0.0f64..20.0, Group::COUNT), bump in 0usize..Group::COUNT) {
            let mut m = [0.0; Group::COUNT];
            m.copy_from_slice(&values);
            let t = total(&m, 4.0);
            proptest::prop_assert!(t.is_finite() && t >= 0.0);
            let mut higher = m;
            higher[bump] += 1.0;
            proptest::prop_assert!(total(&higher, 4.0) >= t - 1e-12);
        }
    }
}
