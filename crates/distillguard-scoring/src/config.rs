//! Detection settings: a versioned [`RawConfig`] as written in TOML (unknown keys are
//! errors), turned into a validated [`Config`] that the rest of the code sees.
//!
//! Thresholds are set the way production must set them: from the score distribution of
//! ordinary traffic for a target false-positive rate (see [`crate::calibrate`]), never
//! from attack labels. The defaults below are documented in `docs/CONFIG.md`.

use serde::{Deserialize, Serialize};

use crate::error::ScoringError;

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    /// Format version of this file; must be 1.
    pub version: u32,
    #[serde(default)]
    pub scoring: RawScoring,
    #[serde(default)]
    pub graph: RawGraph,
    #[serde(default)]
    pub networks: RawNetworks,
}

/// Networks the provider knows to be hosting or cloud networks, beyond the built-in
/// list (`distillguard_features::networks`).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawNetworks {
    /// More hosting and cloud ASNs (e.g. a regional host, a VPN operator).
    pub hosting_asns: Vec<u32>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawScoring {
    /// Share of ordinary accounts allowed an `attack` verdict.
    pub target_fpr: f64,
    /// Share of ordinary accounts allowed a `suspicious` (or worse) verdict.
    pub suspicious_fpr: f64,
    /// The largest share of accounts assumed to be attacking; the calibration null is
    /// built from the rest.
    pub assumed_max_prevalence: f64,
    /// The `attack` threshold never goes below this total surprise.
    pub min_attack_total: f64,
    /// Shrinkage: a share measured over n exchanges counts n / (n + this) of its
    /// surprise.
    pub shrinkage_exchanges: f64,
    /// Per-group cap on surprise (robust standard deviations).
    pub group_cap: f64,
    /// Smallest cluster reported.
    pub min_cluster_size: usize,
    /// Permutation rounds for the calibration null.
    pub null_rounds: usize,
    /// Seed of the calibration null (results are deterministic for a seed).
    pub seed: u64,
    /// An `attack` verdict needs evidence of common control with other accounts that
    /// no declared organisation explains (or a partner indicator); a lone account over
    /// the threshold is held at `suspicious` for review.
    pub require_coordination: bool,
}

impl Default for RawScoring {
    fn default() -> Self {
        RawScoring {
            target_fpr: 0.001,
            suspicious_fpr: 0.01,
            assumed_max_prevalence: 0.2,
            min_attack_total: 6.0,
            shrinkage_exchanges: 20.0,
            group_cap: 4.0,
            min_cluster_size: 3,
            null_rounds: 20,
            seed: 7,
            require_coordination: true,
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawGraph {
    pub edge_threshold: f64,
    pub chain_neighbours: usize,
    pub sync_bucket_minutes: i64,
    /// Attach accounts in no cluster to a cluster whose pooled infrastructure they
    /// share (see `distillguard_graph::attach`).
    pub attach_to_clusters: bool,
}

impl Default for RawGraph {
    fn default() -> Self {
        let d = distillguard_graph::GraphConfig::default();
        RawGraph {
            edge_threshold: d.edge_threshold,
            chain_neighbours: d.chain_neighbours,
            sync_bucket_minutes: d.sync_bucket_ms / 60_000,
            attach_to_clusters: d.attach,
        }
    }
}

impl Default for RawConfig {
    fn default() -> Self {
        RawConfig {
            version: 1,
            scoring: RawScoring::default(),
            graph: RawGraph::default(),
            networks: RawNetworks::default(),
        }
    }
}

/// Validated settings.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub target_fpr: f64,
    pub suspicious_fpr: f64,
    pub assumed_max_prevalence: f64,
    pub min_attack_total: f64,
    pub shrinkage_exchanges: f64,
    pub group_cap: f64,
    pub min_cluster_size: usize,
    pub null_rounds: usize,
    pub seed: u64,
    pub require_coordination: bool,
    pub graph: distillguard_graph::GraphConfig,
    /// Hosting and cloud ASNs beyond the built-in list.
    pub hosting_asns: Vec<u32>,
}

impl Default for Config {
    fn default() -> Self {
        RawConfig::default()
            .validate()
            .unwrap_or_else(|_| unreachable!("defaults are valid"))
    }
}

impl RawConfig {
    /// Parses TOML text.
    pub fn from_toml(text: &str) -> Result<RawConfig, ScoringError> {
        toml::from_str(text).map_err(|e| ScoringError::Config(e.to_string()))
    }

    pub fn validate(self) -> Result<Config, ScoringError> {
        let bad = |what: &str| Err(ScoringError::Config(what.to_string()));
        if self.version != 1 {
            return bad("version must be 1");
        }
        let s = &self.scoring;
        if !(s.target_fpr > 0.0 && s.target_fpr < 0.5) {
            return bad("scoring.target_fpr must be in (0, 0.5)");
        }
        if !(s.suspicious_fpr >= s.target_fpr && s.suspicious_fpr < 0.5) {
            return bad("scoring.suspicious_fpr must be in [target_fpr, 0.5)");
        }
        if !(0.0..0.9).contains(&s.assumed_max_prevalence) {
            return bad("scoring.assumed_max_prevalence must be in [0, 0.9)");
        }
        if !(s.min_attack_total >= 0.0 && s.group_cap > 0.0 && s.shrinkage_exchanges >= 0.0) {
            return bad("scoring.min_attack_total, group_cap and shrinkage_exchanges must be >= 0");
        }
        if s.null_rounds == 0 || s.null_rounds > 1000 {
            return bad("scoring.null_rounds must be in 1..=1000");
        }
        let g = &self.graph;
        if g.edge_threshold.is_nan()
            || g.edge_threshold <= 0.0
            || g.chain_neighbours == 0
            || g.sync_bucket_minutes <= 0
        {
            return bad(
                "graph.edge_threshold, chain_neighbours and sync_bucket_minutes must be > 0",
            );
        }
        Ok(Config {
            target_fpr: s.target_fpr,
            suspicious_fpr: s.suspicious_fpr,
            assumed_max_prevalence: s.assumed_max_prevalence,
            min_attack_total: s.min_attack_total,
            shrinkage_exchanges: s.shrinkage_exchanges,
            group_cap: s.group_cap,
            min_cluster_size: s.min_cluster_size.max(2),
            null_rounds: s.null_rounds,
            seed: s.seed,
            require_coordination: s.require_coordination,
            graph: distillguard_graph::GraphConfig {
                edge_threshold: g.edge_threshold,
                chain_neighbours: g.chain_neighbours,
                sync_bucket_ms: g.sync_bucket_minutes * 60_000,
                attach: g.attach_to_clusters,
            },
            hosting_asns: self.networks.hosting_asns,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_validate_and_unknown_keys_are_errors() {
        assert!(RawConfig::default().validate().is_ok());
        let err =
            RawConfig::from_toml("version = 1\n[scoring]\ntarget_fp = 0.1\n").expect_err("typo");
        assert!(err.to_string().contains("target_fp"), "{err}");
        let bad = RawConfig::from_toml("version = 1\n[scoring]\ntarget_fpr = 0.9\n")
            .expect("parses")
            .validate();
        assert!(bad.is_err());
    }

    #[test]
    fn provider_hosting_networks_are_read() {
        let config =
            RawConfig::from_toml("version = 1\n[networks]\nhosting_asns = [64500, 64501]\n")
                .expect("parses")
                .validate()
                .expect("valid");
        assert_eq!(config.hosting_asns, vec![64500, 64501]);
        assert!(RawConfig::from_toml("version = 1\n[networks]\nhosting = [1]\n").is_err());
    }
}
