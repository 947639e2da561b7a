//! The vocabulary every distillguard stage speaks.
//!
//! In: nothing (this crate has no dependencies on other stages and does no I/O).
//! Out: the types that flow down the pipeline
//! (ingest → features → graph → scoring → verdicts → actions/exports):
//!
//! - [`Exchange`]: one API request and its response, as the input contract
//!   (`shared/spec/events.md`) describes it;
//! - [`AccountRecord`], [`ModelRelease`], [`Label`]: the optional side inputs;
//! - [`Capability`]: what a request tries to extract from the model;
//! - [`Evidence`], [`Verdict`]: what detection concludes and why;
//! - [`report`]: the `report.json` output contract (`shared/spec/report.md`);
//! - [`check`]: the `/v1/check` contract between the live service and a gateway.
//!
//! Time is always [`Millis`], UTC milliseconds since the Unix epoch; see [`time`].

pub mod account;
pub mod capability;
pub mod check;
pub mod evidence;
pub mod exchange;
pub mod intel;
pub mod label;
pub mod release;
pub mod report;
pub mod time;
pub mod verdict;

pub use account::{AccountRecord, AccountType};
pub use capability::Capability;
pub use evidence::{Evidence, EvidenceValue};
pub use exchange::Exchange;
pub use intel::{IndicatorKind, PartnerIndicator};
pub use label::{Label, LabelKind};
pub use release::ModelRelease;
pub use time::Millis;
pub use verdict::Verdict;
