//! Readers and field mappings: API exchange logs → [`Exchange`]s.
//!
//! In: paths (files or folders) of exchange logs as `shared/spec/events.md` describes
//! them: JSON lines (`.jsonl`, gzip or zstd compressed, sniffed from the bytes), Parquet
//! files whose columns are the canonical field names, or whole `.json` documents named
//! directly; logs with other field names through a [`Mapping`] (built in: `litellm`,
//! `helicone`, `otel-genai`; or a TOML file, see `MAPPINGS.md`). Also the side inputs
//! (`accounts.jsonl`, `releases.json`, `labels.jsonl`).
//!
//! Out: batches of valid, de-duplicated exchanges in input order, rejects (file, line,
//! reason), progress, and [`IngestStats`]; all through one callback, so the binary
//! decides how to show progress or where to write rejects. No terminal code here.
//!
//! Owns: decompression and line cutting (`source`), the canonical fast path
//! (`canonical`), mappings ([`mapping`]), duplicate detection ([`dedup`]), and the
//! parallel, bounded-memory pipeline ([`read`]).
//!
//! Invariants:
//! - Bad input is data: a malformed record is a [`Reject`], counted, and reading carries
//!   on. Only an unopenable/unreadable path, an invalid mapping or a failing sink is an
//!   [`IngestError`].
//! - Output does not depend on block size, batch size or thread count.
//! - Memory is bounded by a few blocks, whatever the input size (plus the set of
//!   request-id hashes, about 15 bytes per distinct id).
//!
//! ```no_run
//! use distillguard_ingest::{discover, read_exchanges, IngestEvent, ReadOptions};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let files = discover(&["logs/".into()])?;
//! let opts = ReadOptions::default();
//! let mut rejects = std::io::stderr();
//! let stats = read_exchanges(&files, &opts, &mut |event| {
//!     match event {
//!         IngestEvent::Batch(batch) => { /* hand to the features stage */ let _ = batch; }
//!         IngestEvent::Reject(r) => {
//!             use std::io::Write;
//!             writeln!(rejects, "{}", r.to_json_line())?;
//!         }
//!         IngestEvent::Progress { bytes_done, bytes_total } => { let _ = (bytes_done, bytes_total); }
//!     }
//!     Ok(())
//! })?;
//! println!("{} exchanges, {} rejected", stats.exchanges, stats.rejected);
//! # Ok(()) }
//! ```

mod canonical;
pub mod dedup;
pub mod discover;
pub mod error;
pub mod line;
pub mod mapping;
mod parquet_rows;
pub mod read;
pub mod side;
mod source;

pub use discover::discover;
pub use error::{IngestError, Reject, RejectReason};
pub use line::{parse_line, DEFAULT_MAX_LINE_BYTES};
pub use mapping::Mapping;
pub use read::{read_exchanges, IngestEvent, IngestStats, SinkError};
pub use side::{read_accounts, read_labels, read_releases};

#[doc(no_inline)]
pub use distillguard_model::Exchange;

/// How [`read_exchanges`] reads.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// Field mapping for logs that do not use the canonical names (`None`: canonical).
    pub mapping: Option<Mapping>,
    /// Lines longer than this are rejected without being buffered whole (default 1 MiB).
    pub max_line_bytes: usize,
    /// Whole `.json` documents larger than this are rejected (default 256 MiB).
    pub max_document_bytes: usize,
    /// Size of the blocks of lines parsed in parallel (default 4 MiB).
    pub block_bytes: usize,
    /// Exchanges per [`IngestEvent::Batch`] (default 8192).
    pub batch_size: usize,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            mapping: None,
            max_line_bytes: DEFAULT_MAX_LINE_BYTES,
            max_document_bytes: 256 << 20,
            block_bytes: 4 << 20,
            batch_size: 8192,
        }
    }
}
