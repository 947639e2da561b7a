//! [`Evidence`]: one observation behind a verdict, in words an analyst can check.
//!
//! Every flagged account and cluster carries its evidence, so views never recompute it.
//! `detail` says what was seen and how far it is from ordinary traffic
//! ("43 accounts share payment fp X; 0.02% of accounts share one with more than 3").

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum EvidenceValue {
    Number(f64),
    Text(String),
}

impl From<f64> for EvidenceValue {
    fn from(v: f64) -> Self {
        EvidenceValue::Number(v)
    }
}

impl From<String> for EvidenceValue {
    fn from(v: String) -> Self {
        EvidenceValue::Text(v)
    }
}

impl From<&str> for EvidenceValue {
    fn from(v: &str) -> Self {
        EvidenceValue::Text(v.to_string())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    /// Stable machine name of the signal, e.g. `cot_share`, `shared_payment`.
    pub signal: String,
    /// The measured value.
    pub value: EvidenceValue,
    /// One sentence: what was seen, against the population baseline.
    pub detail: String,
    /// Extension: how much this item contributed to the score (larger is stronger);
    /// used to order evidence. Absent in evidence from elsewhere.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<f64>,
}

impl Evidence {
    pub fn new(
        signal: impl Into<String>,
        value: impl Into<EvidenceValue>,
        detail: impl Into<String>,
    ) -> Self {
        Evidence {
            signal: signal.into(),
            value: value.into(),
            detail: detail.into(),
            weight: None,
        }
    }

    pub fn with_weight(mut self, weight: f64) -> Self {
        self.weight = Some(weight);
        self
    }
}
