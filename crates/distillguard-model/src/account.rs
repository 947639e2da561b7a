//! Sign-up facts about an account (`accounts.jsonl`), and its verification pathway.
//!
//! These are known before an account's first request, so access control can score them.

use serde::{Deserialize, Serialize};

use crate::time::{serde_ts_opt, Millis};

/// One line of `accounts.jsonl`. Where an account record and exchange records both give
/// a value, the account record wins.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AccountRecord {
    pub account_id: String,
    #[serde(
        default,
        with = "serde_ts_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub created: Option<Millis>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_fp: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_domain: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signup_ip: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org_id: Option<String>,
}

/// The verification pathway an account came in through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountType {
    Individual,
    Team,
    Enterprise,
    Education,
    Research,
    Startup,
    Other,
}

impl AccountType {
    pub const ALL: [AccountType; 7] = [
        AccountType::Individual,
        AccountType::Team,
        AccountType::Enterprise,
        AccountType::Education,
        AccountType::Research,
        AccountType::Startup,
        AccountType::Other,
    ];

    /// Reads the contract's string; anything unrecognised is `Other`.
    pub fn parse(text: &str) -> AccountType {
        match text.trim().to_ascii_lowercase().as_str() {
            "individual" => AccountType::Individual,
            "team" => AccountType::Team,
            "enterprise" => AccountType::Enterprise,
            "education" => AccountType::Education,
            "research" => AccountType::Research,
            "startup" => AccountType::Startup,
            _ => AccountType::Other,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            AccountType::Individual => "individual",
            AccountType::Team => "team",
            AccountType::Enterprise => "enterprise",
            AccountType::Education => "education",
            AccountType::Research => "research",
            AccountType::Startup => "startup",
            AccountType::Other => "other",
        }
    }

    /// Programme pathways with light verification (education, research, startup
    /// credits): the easiest way in, and the one the public campaigns used.
    pub fn is_programme(self) -> bool {
        matches!(
            self,
            AccountType::Education | AccountType::Research | AccountType::Startup
        )
    }
}
