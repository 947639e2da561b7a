//! Scenarios: what to generate, as a TOML file (see `scenarios/example.toml` for the
//! commented format) or a built-in by name.
//!
//! In: TOML text. Out: a validated [`Scenario`] (the rest of the crate never sees the
//! raw form). `RawScenario` denies unknown fields, so a typo is an error, not a silent
//! default. Scaling ([`Scenario::scaled`]) multiplies account and group counts only;
//! per-account behaviour stays the same.

use std::collections::BTreeMap;

use distillguard_model::time::{parse_timestamp, Millis, DAY};
use distillguard_model::Capability;
use serde::Deserialize;

use crate::SimError;

/// Built-in scenarios, by name.
pub const BUILTINS: [(&str, &str); 5] = [
    ("default", include_str!("../scenarios/default.toml")),
    ("evasive", include_str!("../scenarios/evasive.toml")),
    ("lowslow", include_str!("../scenarios/lowslow.toml")),
    ("hard-benign", include_str!("../scenarios/hard-benign.toml")),
    ("example", include_str!("../scenarios/example.toml")),
];

/// Names of the built-in scenarios.
pub fn builtin_names() -> Vec<&'static str> {
    BUILTINS.iter().map(|(name, _)| *name).collect()
}

/// The text of a built-in scenario.
pub fn builtin_text(name: &str) -> Option<&'static str> {
    BUILTINS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, text)| *text)
}

/// Loads a built-in by name, or else a TOML file at that path.
pub fn load(name_or_path: &str) -> Result<Scenario, SimError> {
    if let Some(text) = builtin_text(name_or_path) {
        return Scenario::from_toml(text);
    }
    let path = std::path::Path::new(name_or_path);
    if !path.exists() {
        return Err(SimError::UnknownScenario {
            name: name_or_path.to_string(),
            builtins: builtin_names().join(", "),
        });
    }
    let text = std::fs::read_to_string(path).map_err(|source| SimError::Io {
        path: path.display().to_string(),
        source,
    })?;
    Scenario::from_toml(&text)
}

// ---------------------------------------------------------------- raw (file) form

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScenario {
    name: String,
    #[serde(default)]
    description: String,
    start: String,
    days: f64,
    models: Vec<RawModel>,
    #[serde(default)]
    release: Option<RawRelease>,
    #[serde(default)]
    filler: Option<f64>,
    #[serde(default, rename = "population")]
    populations: Vec<RawPopulation>,
    #[serde(default, rename = "campaign")]
    campaigns: Vec<RawCampaign>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawModel {
    name: String,
    weight: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRelease {
    model: String,
    day: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPopulation {
    kind: String,
    #[serde(default)]
    name: Option<String>,
    /// Accounts (per-account kinds) or groups (team, class, eval_firm).
    count: u64,
    #[serde(default)]
    members: Option<[u64; 2]>,
    exchanges: f64,
    #[serde(default)]
    volume_sigma: Option<f64>,
    #[serde(default)]
    adoption: Option<f64>,
    #[serde(default)]
    adoption_delay_days: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCampaign {
    name: String,
    accounts: u64,
    clusters: u64,
    exchanges: f64,
    #[serde(default = "default_sigma")]
    volume_sigma: f64,
    #[serde(default)]
    start_day: f64,
    #[serde(default)]
    end_day: Option<f64>,
    capabilities: BTreeMap<String, f64>,
    #[serde(default = "default_templates")]
    templates: u64,
    #[serde(default)]
    paraphrase: f64,
    #[serde(default)]
    filler: f64,
    #[serde(default = "default_rotation")]
    ip_rotation: f64,
    #[serde(default = "default_pool")]
    proxy_pool: u64,
    #[serde(default)]
    residential_proxy: f64,
    #[serde(default = "default_pacing")]
    pacing: String,
    #[serde(default)]
    sync: f64,
    #[serde(default)]
    payment_sharing: f64,
    #[serde(default = "default_age")]
    account_age_days: [f64; 2],
    #[serde(default = "default_pathways")]
    pathways: BTreeMap<String, f64>,
    #[serde(default = "default_burst")]
    signup_burst_hours: f64,
    #[serde(default)]
    ua_diversity: f64,
    #[serde(default = "default_thinking")]
    thinking: f64,
    #[serde(default)]
    logprobs: f64,
    #[serde(default = "default_max_tokens")]
    max_tokens: [u64; 2],
    #[serde(default)]
    new_model_shift: f64,
    #[serde(default = "default_shift_hours")]
    shift_hours: f64,
    #[serde(default)]
    multilingual: f64,
    #[serde(default = "default_operator_tz")]
    operator_utc_offset: f64,
}

fn default_sigma() -> f64 {
    0.7
}
fn default_templates() -> u64 {
    4
}
fn default_rotation() -> f64 {
    0.3
}
fn default_pool() -> u64 {
    40
}
fn default_pacing() -> String {
    "machine".to_string()
}
fn default_age() -> [f64; 2] {
    [0.0, 20.0]
}
fn default_pathways() -> BTreeMap<String, f64> {
    BTreeMap::from([
        ("education".to_string(), 0.4),
        ("research".to_string(), 0.3),
        ("startup".to_string(), 0.3),
    ])
}
fn default_burst() -> f64 {
    6.0
}
fn default_thinking() -> f64 {
    0.9
}
fn default_max_tokens() -> [u64; 2] {
    [16_000, 32_000]
}
fn default_shift_hours() -> f64 {
    18.0
}
fn default_operator_tz() -> f64 {
    8.0
}

// ---------------------------------------------------------------- validated form

/// A validated scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    pub name: String,
    pub description: String,
    pub start: Millis,
    pub end: Millis,
    /// Models requested before the release, with weights.
    pub models: Vec<(String, f64)>,
    pub release: Option<Release>,
    pub populations: Vec<Population>,
    pub campaigns: Vec<Campaign>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Release {
    pub model: String,
    pub at: Millis,
}

/// The benign population kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PopulationKind {
    Individual,
    CodingPower,
    AppBackend,
    Team,
    Class,
    EvalFirm,
}

impl PopulationKind {
    pub fn parse(text: &str) -> Option<PopulationKind> {
        Some(match text {
            "individual" => PopulationKind::Individual,
            "coding_power" => PopulationKind::CodingPower,
            "app_backend" => PopulationKind::AppBackend,
            "team" => PopulationKind::Team,
            "class" => PopulationKind::Class,
            "eval_firm" => PopulationKind::EvalFirm,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            PopulationKind::Individual => "individual",
            PopulationKind::CodingPower => "coding_power",
            PopulationKind::AppBackend => "app_backend",
            PopulationKind::Team => "team",
            PopulationKind::Class => "class",
            PopulationKind::EvalFirm => "eval_firm",
        }
    }

    /// Kinds whose `count` is a number of groups (orgs, classes, firms).
    pub fn is_grouped(self) -> bool {
        matches!(
            self,
            PopulationKind::Team | PopulationKind::Class | PopulationKind::EvalFirm
        )
    }

    fn default_members(self) -> [u64; 2] {
        match self {
            PopulationKind::Team => [3, 12],
            PopulationKind::Class => [15, 35],
            PopulationKind::EvalFirm => [3, 8],
            _ => [1, 1],
        }
    }

    fn default_adoption(self) -> (f64, f64) {
        match self {
            PopulationKind::Individual => (0.35, 3.0),
            PopulationKind::CodingPower => (0.8, 0.8),
            PopulationKind::AppBackend => (0.25, 4.0),
            PopulationKind::Team => (0.5, 2.0),
            PopulationKind::Class => (0.2, 4.0),
            PopulationKind::EvalFirm => (1.0, 0.2),
        }
    }
}

/// One benign population.
#[derive(Debug, Clone, PartialEq)]
pub struct Population {
    pub name: String,
    pub kind: PopulationKind,
    /// Accounts, or groups for grouped kinds.
    pub count: u64,
    /// Members per group, inclusive range (1..1 for per-account kinds).
    pub members: [u64; 2],
    /// Mean exchanges per account over the whole window.
    pub exchanges: f64,
    pub volume_sigma: f64,
    /// Probability that an account adopts the newly released model.
    pub adoption: f64,
    /// Median delay from release to adoption, in days.
    pub adoption_delay_days: f64,
}

/// How an attack campaign paces its requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pacing {
    /// Fixed intervals, round the clock, long sessions.
    Machine,
    /// Jittered gaps, sessions in a daily rhythm.
    Human,
}

/// One attack campaign, run through hydra clusters of accounts.
#[derive(Debug, Clone, PartialEq)]
pub struct Campaign {
    pub name: String,
    pub accounts: u64,
    pub clusters: u64,
    pub exchanges: f64,
    pub volume_sigma: f64,
    pub start: Millis,
    pub end: Millis,
    /// Capability mix of the harvesting traffic (weights, normalised).
    pub capabilities: Vec<(Capability, f64)>,
    pub templates: u64,
    pub paraphrase: f64,
    pub filler: f64,
    pub ip_rotation: f64,
    pub proxy_pool: u64,
    pub residential_proxy: f64,
    pub pacing: Pacing,
    pub sync: f64,
    pub payment_sharing: f64,
    pub account_age_days: [f64; 2],
    pub pathways: Vec<(String, f64)>,
    pub signup_burst_hours: f64,
    pub ua_diversity: f64,
    pub thinking: f64,
    pub logprobs: f64,
    pub max_tokens: [u64; 2],
    pub new_model_shift: f64,
    pub shift_hours: f64,
    pub multilingual: f64,
    pub operator_utc_offset: f64,
}

fn invalid(scenario: &str, message: impl Into<String>) -> SimError {
    SimError::InvalidScenario {
        name: scenario.to_string(),
        message: message.into(),
    }
}

fn check_share(scenario: &str, what: &str, value: f64) -> Result<f64, SimError> {
    if (0.0..=1.0).contains(&value) {
        Ok(value)
    } else {
        Err(invalid(
            scenario,
            format!("{what} = {value} must be in [0, 1]"),
        ))
    }
}

impl Scenario {
    /// Parses and validates a scenario file's text.
    pub fn from_toml(text: &str) -> Result<Scenario, SimError> {
        let raw: RawScenario = toml::from_str(text).map_err(|err| SimError::ScenarioSyntax {
            message: err.to_string(),
        })?;
        raw.validate()
    }

    /// A copy with account and group counts multiplied by `scale` (at least one of
    /// each population and campaign with a non-zero count; clusters never exceed
    /// accounts).
    pub fn scaled(&self, scale: f64) -> Scenario {
        let scale_count = |count: u64| -> u64 {
            if count == 0 {
                0
            } else {
                ((count as f64 * scale).round() as u64).max(1)
            }
        };
        let mut out = self.clone();
        for population in &mut out.populations {
            population.count = scale_count(population.count);
        }
        for campaign in &mut out.campaigns {
            campaign.accounts = scale_count(campaign.accounts);
            campaign.clusters = scale_count(campaign.clusters).clamp(1, campaign.accounts.max(1));
        }
        out
    }

    /// Overrides every campaign's filler share (the sweep knob).
    pub fn with_filler(&self, filler: f64) -> Result<Scenario, SimError> {
        check_share(&self.name, "filler", filler)?;
        let mut out = self.clone();
        for campaign in &mut out.campaigns {
            campaign.filler = filler;
        }
        Ok(out)
    }

    /// Length of the window in days.
    pub fn window_days(&self) -> f64 {
        (self.end - self.start) as f64 / DAY as f64
    }
}

impl RawScenario {
    fn validate(self) -> Result<Scenario, SimError> {
        let name = self.name.clone();
        let start =
            parse_timestamp(&self.start).map_err(|err| invalid(&name, format!("start: {err}")))?;
        if !(self.days > 0.0 && self.days <= 400.0) {
            return Err(invalid(&name, "days must be in (0, 400]"));
        }
        let day_ms = |day: f64| start + (day * DAY as f64) as Millis;
        let end = day_ms(self.days);
        if self.models.is_empty() {
            return Err(invalid(&name, "at least one model is needed"));
        }
        let mut models = Vec::new();
        for model in self.models {
            if model.weight < 0.0 || model.name.is_empty() {
                return Err(invalid(
                    &name,
                    "model names must be non-empty, weights >= 0",
                ));
            }
            models.push((model.name, model.weight));
        }
        let release = match self.release {
            Some(release) => {
                if !(0.0..self.days).contains(&release.day) {
                    return Err(invalid(&name, "release.day must be inside the window"));
                }
                Some(Release {
                    model: release.model,
                    at: day_ms(release.day),
                })
            }
            None => None,
        };

        let mut populations = Vec::new();
        for raw in self.populations {
            let kind = PopulationKind::parse(&raw.kind).ok_or_else(|| {
                invalid(
                    &name,
                    format!(
                        "unknown population kind {:?} (individual, coding_power, app_backend, team, class, eval_firm)",
                        raw.kind
                    ),
                )
            })?;
            let members = raw.members.unwrap_or(kind.default_members());
            if members[0] == 0 || members[1] < members[0] {
                return Err(invalid(
                    &name,
                    "members must be [min, max] with 1 <= min <= max",
                ));
            }
            if !kind.is_grouped() && members != [1, 1] {
                return Err(invalid(&name, format!("{} has no members", kind.as_str())));
            }
            if raw.exchanges < 1.0 {
                return Err(invalid(&name, "population exchanges must be >= 1"));
            }
            let (adoption, delay) = kind.default_adoption();
            populations.push(Population {
                name: raw.name.unwrap_or_else(|| kind.as_str().to_string()),
                kind,
                count: raw.count,
                members,
                exchanges: raw.exchanges,
                volume_sigma: raw.volume_sigma.unwrap_or(0.9),
                adoption: check_share(&name, "adoption", raw.adoption.unwrap_or(adoption))?,
                adoption_delay_days: raw.adoption_delay_days.unwrap_or(delay).max(0.0),
            });
        }

        let mut campaigns = Vec::new();
        for raw in self.campaigns {
            let mut capabilities = Vec::new();
            for (cap, weight) in &raw.capabilities {
                let capability = Capability::parse(cap)
                    .ok_or_else(|| invalid(&name, format!("unknown capability {cap:?}")))?;
                if *weight < 0.0 {
                    return Err(invalid(&name, "capability weights must be >= 0"));
                }
                capabilities.push((capability, *weight));
            }
            if capabilities.iter().all(|(_, w)| *w <= 0.0) {
                return Err(invalid(
                    &name,
                    format!("campaign {} has no capabilities", raw.name),
                ));
            }
            let pacing = match raw.pacing.as_str() {
                "machine" => Pacing::Machine,
                "human" => Pacing::Human,
                other => {
                    return Err(invalid(
                        &name,
                        format!("pacing {other:?} is machine or human"),
                    ))
                }
            };
            let end_day = raw.end_day.unwrap_or(self.days).min(self.days);
            if !(raw.start_day >= 0.0 && raw.start_day < end_day) {
                return Err(invalid(&name, "campaign start_day must be before end_day"));
            }
            if raw.clusters == 0 && raw.accounts > 0 {
                return Err(invalid(&name, "a campaign needs at least one cluster"));
            }
            if raw.max_tokens[0] == 0 || raw.max_tokens[1] < raw.max_tokens[0] {
                return Err(invalid(&name, "max_tokens must be [min, max]"));
            }
            let mut pathways = Vec::new();
            for (pathway, weight) in raw.pathways {
                pathways.push((
                    distillguard_model::AccountType::parse(&pathway)
                        .as_str()
                        .to_string(),
                    weight.max(0.0),
                ));
            }
            let filler = self.filler.unwrap_or(raw.filler);
            campaigns.push(Campaign {
                filler: check_share(&name, "filler", filler)?,
                paraphrase: check_share(&name, "paraphrase", raw.paraphrase)?,
                ip_rotation: check_share(&name, "ip_rotation", raw.ip_rotation)?,
                residential_proxy: check_share(&name, "residential_proxy", raw.residential_proxy)?,
                sync: check_share(&name, "sync", raw.sync)?,
                payment_sharing: check_share(&name, "payment_sharing", raw.payment_sharing)?,
                ua_diversity: check_share(&name, "ua_diversity", raw.ua_diversity)?,
                thinking: check_share(&name, "thinking", raw.thinking)?,
                logprobs: check_share(&name, "logprobs", raw.logprobs)?,
                new_model_shift: check_share(&name, "new_model_shift", raw.new_model_shift)?,
                multilingual: check_share(&name, "multilingual", raw.multilingual)?,
                name: raw.name,
                accounts: raw.accounts,
                clusters: raw.clusters.min(raw.accounts.max(1)),
                exchanges: raw.exchanges.max(1.0),
                volume_sigma: raw.volume_sigma.max(0.0),
                start: day_ms(raw.start_day),
                end: day_ms(end_day),
                capabilities,
                templates: raw.templates.max(1),
                proxy_pool: raw.proxy_pool.max(1),
                pacing,
                account_age_days: raw.account_age_days,
                pathways,
                signup_burst_hours: raw.signup_burst_hours.max(0.1),
                max_tokens: raw.max_tokens,
                shift_hours: raw.shift_hours.max(0.5),
                operator_utc_offset: raw.operator_utc_offset,
            });
        }
        let mut seen = std::collections::BTreeSet::new();
        for campaign in &campaigns {
            if !seen.insert(campaign.name.clone()) {
                return Err(invalid(
                    &name,
                    format!("campaign {} appears twice", campaign.name),
                ));
            }
        }
        Ok(Scenario {
            name: self.name,
            description: self.description,
            start,
            end,
            models,
            release,
            populations,
            campaigns,
        })
    }
}
