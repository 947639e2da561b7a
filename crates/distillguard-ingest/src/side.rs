//! The side inputs of `events.md`: account records (`accounts.jsonl`), model releases
//! (`releases.json`) and, for evaluation only, labels (`labels.jsonl`).
//!
//! In: a path (plain, gzip or zstd). Out: the records, plus rejects for bad lines (the
//! same rules as exchange logs: bad lines are data, counted, never fatal). These files
//! are small; they are read whole, on the calling thread.

use std::io::{BufRead, BufReader};
use std::path::Path;

use distillguard_model::{AccountRecord, Label, ModelRelease};
use serde::de::DeserializeOwned;

use crate::canonical::message_without_position;
use crate::error::{IngestError, Reject, RejectReason};
use crate::line::{is_blank, DEFAULT_MAX_LINE_BYTES};
use crate::source::open_decoded;

/// Reads `accounts.jsonl`. A line without `account_id` (or with an empty one) is
/// rejected.
pub fn read_accounts(path: &Path) -> Result<(Vec<AccountRecord>, Vec<Reject>), IngestError> {
    read_jsonl(path, |record: &AccountRecord| {
        record
            .account_id
            .is_empty()
            .then_some(RejectReason::Missing("account_id"))
    })
}

/// Reads `labels.jsonl` (evaluation only: detection never reads labels).
pub fn read_labels(path: &Path) -> Result<(Vec<Label>, Vec<Reject>), IngestError> {
    read_jsonl(path, |label: &Label| {
        label
            .account_id
            .is_empty()
            .then_some(RejectReason::Missing("account_id"))
    })
}

/// Reads `releases.json`: `[{"model": "name", "released": "timestamp"}]`. The file is
/// small and hand-written, so any bad entry fails the whole read, naming it.
pub fn read_releases(path: &Path) -> Result<Vec<ModelRelease>, IngestError> {
    let mut reader = open_decoded(path)?.reader;
    let mut text = String::new();
    reader
        .read_to_string(&mut text)
        .map_err(|e| IngestError::SideInput {
            path: path.to_path_buf(),
            message: format!("cannot read as UTF-8 text: {e}"),
        })?;
    let releases: Vec<ModelRelease> =
        serde_json::from_str(&text).map_err(|e| IngestError::SideInput {
            path: path.to_path_buf(),
            message: format!("expected [{{\"model\": .., \"released\": ..}}]: {e}"),
        })?;
    if let Some(index) = releases.iter().position(|r| r.model.trim().is_empty()) {
        return Err(IngestError::SideInput {
            path: path.to_path_buf(),
            message: format!("entry {index} has an empty model name"),
        });
    }
    Ok(releases)
}

use std::io::Read;

fn reason_of(err: &serde_json::Error) -> RejectReason {
    let message = message_without_position(err);
    if err.is_data() {
        if let Some(field) = message
            .strip_prefix("missing field `")
            .and_then(|rest| rest.strip_suffix('`'))
        {
            if field == "account_id" {
                return RejectReason::Missing("account_id");
            }
        }
        RejectReason::BadField {
            field: "record".to_string(),
            message,
        }
    } else {
        RejectReason::NotJson(message)
    }
}

fn read_jsonl<T: DeserializeOwned>(
    path: &Path,
    check: impl Fn(&T) -> Option<RejectReason>,
) -> Result<(Vec<T>, Vec<Reject>), IngestError> {
    let reader = open_decoded(path)?.reader;
    let mut reader = BufReader::new(reader);
    let mut records = Vec::new();
    let mut rejects = Vec::new();
    let mut line = Vec::new();
    let mut line_no = 0u64;
    loop {
        line.clear();
        line_no += 1;
        let read = (&mut reader)
            .take(DEFAULT_MAX_LINE_BYTES as u64 + 2)
            .read_until(b'\n', &mut line);
        let reject = |reason| Reject {
            file: path.to_path_buf(),
            line: line_no,
            reason,
        };
        match read {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) => {
                rejects.push(reject(RejectReason::Truncated(e.to_string())));
                break;
            }
        }
        if line.last() != Some(&b'\n') && line.len() > DEFAULT_MAX_LINE_BYTES {
            rejects.push(reject(RejectReason::LineTooLong {
                max_bytes: DEFAULT_MAX_LINE_BYTES,
            }));
            // Skip the rest of the over-long line.
            let mut rest = Vec::new();
            if reader.read_until(b'\n', &mut rest).is_err() {
                break;
            }
            continue;
        }
        if is_blank(&line) {
            continue;
        }
        let Ok(text) = std::str::from_utf8(&line) else {
            rejects.push(reject(RejectReason::InvalidUtf8));
            continue;
        };
        match serde_json::from_str::<T>(text) {
            Ok(record) => match check(&record) {
                None => records.push(record),
                Some(reason) => rejects.push(reject(reason)),
            },
            Err(e) => rejects.push(reject(reason_of(&e))),
        }
    }
    Ok((records, rejects))
}
