//! Technical indicators shared between providers (imported from partners' STIX bundles),
//! in the form detection matches against local traffic.
//!
//! The sharing crate turns STIX objects into [`PartnerIndicator`]s; scoring raises the
//! risk of accounts and clusters whose traffic matches one, and cites it as evidence.

use serde::{Deserialize, Serialize};

use crate::time::{serde_ts_opt, Millis};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IndicatorKind {
    /// An IPv4 or IPv6 address.
    Ip,
    /// A CIDR network, e.g. `203.0.113.0/24`.
    Subnet,
    /// An autonomous system number, as decimal text.
    Asn,
    UserAgent,
    /// SHA-256 (hex) of a payment fingerprint; raw fingerprints are never shared.
    PaymentFpSha256,
    /// A prompt-template fingerprint (hex sketch; never prompt text).
    TemplateFp,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartnerIndicator {
    pub kind: IndicatorKind,
    pub value: String,
    /// Who shared it (the STIX `created_by_ref` identity's name, or the source URL).
    pub source: String,
    /// The STIX id of the indicator, so evidence can cite it.
    pub stix_id: String,
    /// STIX confidence 0..=100, if given.
    #[serde(default)]
    pub confidence: Option<u8>,
    #[serde(default, with = "serde_ts_opt")]
    pub valid_until: Option<Millis>,
}
