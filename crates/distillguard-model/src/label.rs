//! Ground-truth labels (`labels.jsonl`), for evaluation only: detection never reads them.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LabelKind {
    Attack,
    Benign,
}

/// One line of `labels.jsonl`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Label {
    pub account_id: String,
    pub label: LabelKind,
    /// The campaign an attack account belongs to (null for benign accounts).
    #[serde(default)]
    pub campaign: Option<String>,
    /// Extension: the simulated population a benign account was drawn from
    /// (`individual`, `eval_firm`, `class`, ...), so `eval` can report false positives
    /// per population. Absent in labels that do not come from the simulator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub population: Option<String>,
}
