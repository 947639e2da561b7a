//! [`LiveConfig`]: the validated settings of the live service, and the [`Policy`] that
//! turns verdicts into actions. The TOML form (`[live]`, `[policy]`) is parsed and
//! validated by the server's config; defaults are documented in `docs/SERVE.md`.

use std::time::Duration;

use distillguard_model::check::{Action, Countermeasures, ReasoningPolicy};

/// SQLite's `synchronous` setting for the WAL database.
///
/// `Full` (default): every acknowledged ingest is fsynced before the answer, so it
/// survives a power loss as well as a process crash. `Normal`: in WAL mode a process
/// crash (kill -9) loses nothing, but a power loss may lose the last transactions; about
/// twice the ingest rate on slow disks. Acknowledged-means-durable is the contract, so
/// `Full` is the default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Synchronous {
    #[default]
    Full,
    Normal,
}

impl Synchronous {
    pub fn parse(text: &str) -> Option<Synchronous> {
        match text.to_ascii_lowercase().as_str() {
            "full" => Some(Synchronous::Full),
            "normal" => Some(Synchronous::Normal),
            _ => None,
        }
    }

    pub fn pragma(self) -> &'static str {
        match self {
            Synchronous::Full => "FULL",
            Synchronous::Normal => "NORMAL",
        }
    }
}

/// What to do with an account of one verdict.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub action: Action,
    /// Applied when `action` is [`Action::Degrade`].
    pub countermeasures: Option<Countermeasures>,
}

impl Rule {
    pub fn allow() -> Rule {
        Rule {
            action: Action::Allow,
            countermeasures: None,
        }
    }
}

/// Verdict → action. Analyst actions override it (see [`crate::decisions`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    pub attack: Rule,
    pub suspicious: Rule,
    pub benign: Rule,
    /// `retry-after` for [`Action::Throttle`].
    pub retry_after_s: u64,
    /// Evidence items quoted as reasons.
    pub max_reasons: usize,
}

/// What `degrade` means unless configured: summarised reasoning, no log-probabilities,
/// watermark.
pub fn default_countermeasures() -> Countermeasures {
    Countermeasures {
        reasoning: ReasoningPolicy::Summarize,
        max_top_logprobs: Some(0),
        watermark: true,
    }
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            attack: Rule {
                action: Action::Block,
                countermeasures: None,
            },
            // Suspicious accounts are a review queue, not a verdict: heavy legitimate
            // users land there (the replay test sees about half of benign traffic
            // from such accounts at small scale), and legitimate customers must see no
            // difference. Operators who want it set `suspicious = "degrade"`.
            suspicious: Rule::allow(),
            benign: Rule::allow(),
            retry_after_s: 60,
            max_reasons: 3,
        }
    }
}

/// Everything the live service needs besides its SQLite path.
#[derive(Debug, Clone)]
pub struct LiveConfig {
    /// Re-analyse once this many new exchanges arrived (default 1,000).
    pub analyze_every_exchanges: u64,
    /// ... or once this much time passed with at least one new exchange (default 60 s).
    pub analyze_interval: Duration,
    /// Largest request body accepted by the ingest routes (default 16 MiB).
    pub max_body_bytes: usize,
    pub synchronous: Synchronous,
    /// A PostgreSQL database instead of the SQLite file (several instances sharing
    /// state): `postgres://user[:password]@host[:port]/db`. None: SQLite.
    pub database_url: Option<String>,
    /// The PostgreSQL schema holding the tables (default `distillguard`).
    pub database_schema: String,
    /// Recent exchanges shown in an account's timeline (default 50).
    pub timeline_len: usize,
    pub policy: Policy,
    /// Detection settings of the engine.
    pub engine: distillguard_scoring::Config,
}

impl Default for LiveConfig {
    fn default() -> Self {
        LiveConfig {
            analyze_every_exchanges: 1_000,
            analyze_interval: Duration::from_secs(60),
            max_body_bytes: 16 << 20,
            synchronous: Synchronous::Full,
            database_url: None,
            database_schema: "distillguard".to_string(),
            timeline_len: 50,
            policy: Policy::default(),
            engine: distillguard_scoring::Config::default(),
        }
    }
}
