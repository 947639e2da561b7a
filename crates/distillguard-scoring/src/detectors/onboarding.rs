//! Onboarding: how the account came in, known before its first request (access
//! control).
//!
//! Campaigns register through the easiest verification pathways (education, research,
//! startup programmes) and start harvesting within days. Each fact counts by how rare
//! it is among accounts (−log10 of its share), so a pathway used by a tenth of accounts
//! counts 1, and nothing here can flag an account alone. Example: "created through the
//! research programme 0.4 days before its first request; 6% of accounts come through
//! programmes, 3% start within 3 days".

use distillguard_features::fingerprint::{AccountFingerprint, AccountStats, Population};
use distillguard_model::Evidence;

use super::{pct, Finding, Group};

/// An account younger than this at its first request is "new".
pub const YOUNG_DAYS: f64 = 3.0;
/// Cap on each onboarding fact's surprise.
pub const FACT_CAP: f64 = 1.5;

#[derive(Debug, Clone, Copy)]
pub struct Onboarding {
    pub rates: OnboardingRates,
}

/// Population rates of the onboarding facts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OnboardingRates {
    pub programme: f64,
    pub young: f64,
}

impl OnboardingRates {
    pub fn of(population: &Population) -> OnboardingRates {
        let n = population.accounts.len().max(1) as f64;
        let programme = population
            .accounts
            .iter()
            .filter(|a| a.stats.account_type().is_some_and(|t| t.is_programme()))
            .count() as f64;
        let with_age: Vec<f64> = population
            .accounts
            .iter()
            .filter_map(|a| a.derived.age_days)
            .collect();
        let young = with_age.iter().filter(|&&d| d < YOUNG_DAYS).count() as f64;
        OnboardingRates {
            programme: (programme / n).max(1.0 / n),
            young: (young / with_age.len().max(1) as f64).max(1.0 / n),
        }
    }
}

fn rarity(share: f64) -> f64 {
    (-share.max(1e-6).log10()).clamp(0.0, FACT_CAP)
}

impl Onboarding {
    pub fn fit(population: &Population) -> Onboarding {
        Onboarding {
            rates: OnboardingRates::of(population),
        }
    }

    pub fn assess(&self, a: &AccountFingerprint) -> Vec<Finding> {
        signup_findings(&a.stats, a.derived.age_days, &self.rates)
    }
}

/// Sign-up risk facts for one account: its pathway, and (once it has made requests) how
/// soon it started.
pub fn signup_findings(
    stats: &AccountStats,
    age_days: Option<f64>,
    rates: &OnboardingRates,
) -> Vec<Finding> {
    let mut out = Vec::new();
    if let Some(kind) = stats.account_type().filter(|t| t.is_programme()) {
        let surprise = rarity(rates.programme);
        out.push(Finding {
            group: Group::Onboarding,
            surprise,
            evidence: Evidence::new(
                "programme_pathway",
                kind.as_str(),
                format!(
                    "came in through the {} programme pathway, which has the lightest verification; {} of accounts do",
                    kind.as_str(),
                    pct(rates.programme)
                ),
            )
            .with_weight(surprise),
        });
    }
    if let Some(age) = age_days.filter(|&d| d < YOUNG_DAYS) {
        let surprise = rarity(rates.young);
        out.push(Finding {
            group: Group::Onboarding,
            surprise,
            evidence: Evidence::new(
                "young_account",
                (age * 100.0).round() / 100.0,
                format!(
                    "made its first request {age:.1} days after it was created; {} of accounts start within {YOUNG_DAYS:.0} days",
                    pct(rates.young)
                ),
            )
            .with_weight(surprise),
        });
    }
    out
}
