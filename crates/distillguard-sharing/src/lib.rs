//! Intelligence sharing between API providers: STIX 2.1 out, STIX 2.1 in, TAXII 2.1 between.
//!
//! What flows in: a [`Report`](distillguard_model::report::Report) (for export), partners'
//! STIX bundles as JSON (for import), and HTTP requests from TAXII clients (for the
//! [`taxii`] router).
//! What flows out: a STIX 2.1 bundle ([`export_bundle`]), the partner indicators detection
//! can match ([`import_bundle`] → [`PartnerIndicator`](distillguard_model::PartnerIndicator)),
//! and TAXII responses.
//!
//! What it owns:
//! - [`pattern`]: building and parsing the STIX patterns of the indicator kinds we share;
//! - [`export`]: the privacy rules of what leaves (no account ids, no prompt text, payment
//!   fingerprints only as SHA-256) and the deterministic ids that keep re-exports stable;
//! - [`import`]: tolerant reading of partners' bundles (a bad object is an error entry,
//!   never fatal);
//! - [`taxii`]: the TAXII 2.1 collections, their storage ([`taxii::store`]) and the axum
//!   router. Authentication is the server's business: the router reads the caller's
//!   [`taxii::Principal`] from the request extensions.
//!
//! Export and import are pure: no I/O and no clock (time is passed in), except
//! [`import_bundle`], a convenience that reads the clock and calls [`import_bundle_at`].

pub mod error;
pub mod export;
pub mod ids;
pub mod import;
pub mod pattern;
pub mod taxii;
pub mod vocab;

pub use error::SharingError;
pub use export::{export_bundle, ExportOptions, Tlp};
pub use import::{import_bundle, import_bundle_at, ImportResult, ObjectError};
