//! Simulator of labelled LLM API traffic, for developing and evaluating detectors
//! (production traffic has no labels).
//!
//! In: a [`Scenario`] (TOML; built-ins `default`, `evasive`, `lowslow`, `hard-benign`,
//! `example`), a seed and a scale. Out: a folder in the input contract of
//! `shared/spec/events.md`: `events-NNN.jsonl.zst` shards (or `events.jsonl`),
//! `accounts.jsonl`, `releases.json`, `labels.jsonl` (with the `population`
//! extension) and `populations.json` (what was generated).
//!
//! Owns: benign populations (individuals, coding-assistant power users, app back-ends,
//! teams, classes, evaluation firms, adoption of a new model) and attack campaigns run
//! through hydra clusters (reasoning/CoT elicitation with "safe" rewrites; a
//! many-account agentic/vision campaign; the largest agentic-coding campaign that moves
//! half its traffic to a new release within 24 hours), each with evasion knobs (filler,
//! paraphrase, IP rotation, pacing, payment sharing, account age, user agents).
//! Prompt text comes from vendored public corpora (`corpus/SOURCES.md`) combined with
//! hand-written pools; nothing is downloaded at run time.
//!
//! Scale: `--scale` multiplies account (and group) counts; per-account behaviour is
//! unchanged. The `default` scenario at scale 1 has about 2,100 benign and 240 attack
//! accounts and about 350,000-390,000 exchanges (roughly half attack) over 14 days. **Scale 100 reaches the publicly
//! described size**: about 24,000 attacking accounts and 16 million attack exchanges,
//! plus about 210,000 benign accounts with more benign exchanges than attack ones.
//! Generation streams: memory is bounded by the number of accounts (a few bytes each
//! in the plan, a few hundred for their sign-up rows), never by exchanges.
//!
//! Determinism: every account, group, cluster and campaign draws from its own RNG
//! seeded from `(seed, stream, index)`, and shards are fixed ranges of accounts, so the
//! same seed gives byte-identical output whatever the number of threads.

pub mod corpus;
pub mod net;
pub mod output;
pub mod plan;
pub mod pools;
pub mod profile;
pub mod prompts;
pub mod rng;
pub mod scenario;
pub mod traffic;

pub use output::{generate, Format, GroupCounts, Options, Summary};
pub use scenario::{builtin_names, load, Scenario};

/// The scale at which the `default` scenario reaches the publicly described size
/// (about 24,000 attacking accounts, 16 million attack exchanges, over 200,000 benign
/// accounts).
pub const PUBLIC_SCALE: f64 = 100.0;

/// Everything that can go wrong while simulating.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    #[error("unknown scenario {name:?}: not a built-in ({builtins}) nor a file")]
    UnknownScenario { name: String, builtins: String },
    #[error("scenario file is not valid TOML for a scenario: {message}")]
    ScenarioSyntax { message: String },
    #[error("scenario {name}: {message}")]
    InvalidScenario { name: String, message: String },
    #[error("invalid option: {0}")]
    InvalidOption(String),
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("could not serialise a record: {0}")]
    Serialize(String),
}
