//! Account detectors, one per file. Each is fitted on the population (its baselines)
//! and then assesses one account at a time, returning [`Finding`]s: a surprise (how far
//! above ordinary traffic, in robust standard deviations) and an evidence sentence.
//!
//! Findings are grouped ([`Group`]) so that signals measuring the same behaviour do not
//! count twice: an account's total is the sum over groups of the strongest finding in
//! each group, each capped. The groups are the behaviours any distillation operator
//! must show to get the data: harvest many distinct outputs (`harvest`), ask for the
//! parts worth most (`elicitation`), fill templates at scale (`templating`), stay on the
//! target capabilities (`focus`), run it as a machine (`automation`), come in through
//! easy pathways (`onboarding`), jump on new models (`adoption`); plus partner
//! intelligence (`intel`) and, for clusters, coordination (`coordination`). Where the
//! requests come from (`network`: hosting networks, rotation) is shown as context and
//! counts in no total.

pub mod adoption;
pub mod automation;
pub mod elicitation;
pub mod focus;
pub mod harvest;
pub mod intel;
pub mod network;
pub mod onboarding;
pub mod templating;

use distillguard_features::fingerprint::{AccountFingerprint, Population};
use distillguard_model::{Evidence, ModelRelease, PartnerIndicator};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Group {
    Harvest,
    Elicitation,
    Templating,
    Focus,
    Automation,
    Onboarding,
    Adoption,
    Intel,
    Coordination,
    /// Context only: shown with the evidence, left out of every total.
    Network,
}

impl Group {
    /// Groups an account's own behaviour is scored on (the calibration null permutes
    /// these).
    pub const ACCOUNT: [Group; 7] = [
        Group::Harvest,
        Group::Elicitation,
        Group::Templating,
        Group::Focus,
        Group::Automation,
        Group::Onboarding,
        Group::Adoption,
    ];
    pub const COUNT: usize = 10;

    pub fn index(self) -> usize {
        self as usize
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Group::Harvest => "harvest",
            Group::Elicitation => "elicitation",
            Group::Templating => "templating",
            Group::Focus => "focus",
            Group::Automation => "automation",
            Group::Onboarding => "onboarding",
            Group::Adoption => "adoption",
            Group::Intel => "intel",
            Group::Coordination => "coordination",
            Group::Network => "network",
        }
    }
}

/// One observation about an account.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub group: Group,
    /// Robust standard deviations above ordinary traffic (0 = ordinary).
    pub surprise: f64,
    pub evidence: Evidence,
}

/// Shrinks a surprise measured over `n` exchanges: few exchanges, little confidence.
pub fn shrink(surprise: f64, n: u64, shrinkage: f64) -> f64 {
    let n = n as f64;
    surprise * n / (n + shrinkage)
}

/// Accounts active enough to define the population baselines.
pub fn active(population: &Population) -> impl Iterator<Item = &AccountFingerprint> {
    population
        .accounts
        .iter()
        .filter(|a| a.stats.exchanges >= MIN_BASELINE_EXCHANGES)
}

/// Accounts with fewer exchanges do not shape the baselines (their shares are noise).
pub const MIN_BASELINE_EXCHANGES: u64 = 5;

/// All account detectors, fitted on one population.
pub struct Detectors {
    pub harvest: harvest::Harvest,
    pub elicitation: elicitation::Elicitation,
    pub templating: templating::Templating,
    pub focus: focus::Focus,
    pub automation: automation::Automation,
    pub onboarding: onboarding::Onboarding,
    pub adoption: adoption::Adoption,
    pub intel: intel::Intel,
    pub network: network::Network,
    pub shrinkage: f64,
}

impl Detectors {
    pub fn fit(
        population: &Population,
        releases: &[ModelRelease],
        partner: &[PartnerIndicator],
        shrinkage: f64,
    ) -> Detectors {
        Detectors {
            harvest: harvest::Harvest::fit(population),
            elicitation: elicitation::Elicitation::fit(population),
            templating: templating::Templating::fit(population),
            focus: focus::Focus::fit(population),
            automation: automation::Automation::fit(population),
            onboarding: onboarding::Onboarding::fit(population),
            adoption: adoption::Adoption::fit(population, releases),
            intel: intel::Intel::new(partner),
            network: network::Network::fit(population),
            shrinkage,
        }
    }

    /// Every finding about one account (including zero-surprise ones dropped).
    pub fn assess(&self, account: &AccountFingerprint) -> Vec<Finding> {
        let mut findings = Vec::new();
        findings.extend(self.harvest.assess(account));
        findings.extend(self.elicitation.assess(account, self.shrinkage));
        findings.extend(self.templating.assess(account, self.shrinkage));
        findings.extend(self.focus.assess(account, self.shrinkage));
        findings.extend(self.automation.assess(account, self.shrinkage));
        findings.extend(self.onboarding.assess(account));
        findings.extend(self.adoption.assess(account, self.shrinkage));
        findings.extend(self.intel.assess(account));
        findings.extend(self.network.assess(account, self.shrinkage));
        findings.retain(|f| f.surprise > 0.0);
        findings
    }
}

/// Formats a share as a percentage with sensible precision.
pub fn pct(share: f64) -> String {
    let p = share * 100.0;
    if p >= 10.0 || p == 0.0 {
        format!("{p:.0}%")
    } else if p >= 1.0 {
        format!("{p:.1}%")
    } else {
        format!("{p:.2}%")
    }
}

/// Formats a count compactly (12.3k, 4.5M).
pub fn compact(n: f64) -> String {
    if n >= 1e6 {
        format!("{:.1}M", n / 1e6)
    } else if n >= 1e4 {
        format!("{:.0}k", n / 1e3)
    } else if n >= 1e3 {
        format!("{:.1}k", n / 1e3)
    } else {
        format!("{n:.0}")
    }
}
