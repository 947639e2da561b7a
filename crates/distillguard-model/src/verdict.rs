//! [`Verdict`]: the decision about an account. `Attack` is what `eval` scores as flagged.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Benign,
    Suspicious,
    Attack,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Benign => "benign",
            Verdict::Suspicious => "suspicious",
            Verdict::Attack => "attack",
        }
    }
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
