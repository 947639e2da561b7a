//! Model releases (`releases.json`): when each model became available.

use serde::{Deserialize, Serialize};

use crate::time::{serde_ts, Millis};

/// One entry of `releases.json`. Where absent, a model's release is the first time it
/// appears in the traffic.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelRelease {
    pub model: String,
    #[serde(with = "serde_ts")]
    pub released: Millis,
}
