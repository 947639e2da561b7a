//! The `report.json` output contract (`shared/spec/report.md`), as types.
//!
//! `analyze` builds a [`Report`]; `report.html`, the terminal summary, the STIX export
//! and `eval` all read it, so none of them recompute detection.

use serde::{Deserialize, Serialize};

use crate::evidence::Evidence;
use crate::time::{serde_ts_opt, Millis};
use crate::verdict::Verdict;

pub const REPORT_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub version: u32,
    pub input: InputSummary,
    /// Every account seen in the exchanges or the account records, flagged or not.
    pub accounts: Vec<AccountReport>,
    pub clusters: Vec<ClusterReport>,
    pub campaigns: Vec<CampaignReport>,
    /// Extension: the thresholds and settings the verdicts were made with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settings: Option<serde_json::Value>,
    /// Extension: per-day traffic of each campaign by model, for the timeline view.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub timelines: Vec<CampaignTimeline>,
}

/// What was read. `exchanges` counts valid, de-duplicated exchanges.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct InputSummary {
    pub exchanges: u64,
    pub accounts: u64,
    pub rejected: u64,
    pub duplicates: u64,
    #[serde(with = "serde_ts_opt")]
    pub from: Option<Millis>,
    #[serde(with = "serde_ts_opt")]
    pub to: Option<Millis>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountReport {
    pub account_id: String,
    /// Risk in [0,1]; higher means more likely attacking.
    pub score: f64,
    pub verdict: Verdict,
    pub cluster: Option<String>,
    pub exchanges: u64,
    pub evidence: Vec<Evidence>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SharedIndicators {
    pub ips: Vec<String>,
    pub asns: Vec<u32>,
    pub payment_fps: Vec<String>,
    /// Number of prompt templates shared inside the cluster.
    pub templates: u64,
    /// Extension: the shared template fingerprints themselves (hex sketches, never text).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub template_fps: Vec<String>,
    /// Extension: shared user agents.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub user_agents: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClusterReport {
    pub id: String,
    pub accounts: Vec<String>,
    pub score: f64,
    pub exchanges: u64,
    #[serde(with = "serde_ts_opt")]
    pub first_seen: Option<Millis>,
    #[serde(with = "serde_ts_opt")]
    pub last_seen: Option<Millis>,
    /// Capability names the traffic tries to extract.
    pub targets: Vec<String>,
    pub shared: SharedIndicators,
    pub evidence: Vec<Evidence>,
    /// Extension: the links between the cluster's accounts that put them together, for
    /// the graph picture. Indices point into `accounts`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<ClusterLink>,
}

/// Extension: one edge of a cluster's account graph.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClusterLink {
    pub a: usize,
    pub b: usize,
    /// Link kinds that join the two accounts, e.g. `payment`, `ip`, `template`, `sync`.
    /// `attached` first: `b` is an account attached to the cluster through the
    /// members' pooled keys (the kinds after it), drawn to `a`, the most linked member.
    pub kinds: Vec<String>,
    /// Strength of the evidence of common control (larger is stronger).
    pub weight: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CampaignReport {
    pub id: String,
    pub clusters: Vec<String>,
    pub accounts: u64,
    pub exchanges: u64,
    pub targets: Vec<String>,
    pub evidence: Vec<Evidence>,
    /// Extension: the campaign's share of exchanges per model, e.g. how fast it moved
    /// to a newly released model.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub models: Vec<(String, u64)>,
}

/// Extension: daily exchanges of one campaign per model (for the "moved to the new
/// model within 24 hours" view).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CampaignTimeline {
    pub campaign: String,
    /// Start of each bucket, UTC ms.
    pub buckets: Vec<Millis>,
    /// Bucket width in ms.
    pub bucket_ms: Millis,
    /// One series per model: (model name, exchanges per bucket).
    pub series: Vec<(String, Vec<u64>)>,
}
