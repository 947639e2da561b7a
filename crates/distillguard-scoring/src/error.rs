//! Errors of the scoring crate.

#[derive(Debug, thiserror::Error)]
pub enum ScoringError {
    #[error("invalid configuration: {0}")]
    Config(String),
}
