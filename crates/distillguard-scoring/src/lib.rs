//! Scoring: detectors → risk scores → verdicts, with the evidence for each.
//!
//! In: exchanges (through [`Engine`]), optional account records, model releases and
//! partner indicators. Out: a [`Report`](distillguard_model::report::Report) per the
//! output contract: every account with a score in [0,1], a verdict and its evidence;
//! clusters of accounts under common control; campaigns of clusters.
//!
//! The flow (one file each): `detectors/` assess each account against population
//! baselines (`population`); `combine` turns findings into a total; `calibrate` sets
//! thresholds from ordinary traffic for a target false-positive rate; the graph crate
//! finds clusters and `cluster_score` scores them whole; `campaigns` groups attack
//! clusters; `assemble` writes the report. `baseline` is the per-account volume
//! threshold most providers run today, kept as the honest comparison.

pub mod assemble;
pub mod baseline;
pub mod calibrate;
pub mod campaigns;
pub mod cluster_score;
pub mod combine;
pub mod config;
pub mod detectors;
pub mod engine;
pub mod error;
pub mod population;

pub use config::{Config, RawConfig};
pub use engine::{Analysis, Engine, ReaderCounts, SideInputs};
pub use error::ScoringError;

#[cfg(test)]
mod tests;
