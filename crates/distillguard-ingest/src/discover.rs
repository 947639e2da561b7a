//! Inputs → the list of files to read.
//!
//! In: paths given on the command line (files or folders). Out: files, in a
//! deterministic order: inputs in the order given, each folder walked recursively in
//! sorted order. A folder contributes `*.jsonl`, `*.jsonl.gz`, `*.jsonl.zst` and
//! `*.parquet` files, except those whose names start with `accounts`, `labels`,
//! `releases` or `populations` (side inputs) and hidden ones (`.name`). A file named
//! directly is always read, whatever its name.

use std::path::{Path, PathBuf};

use crate::error::IngestError;

/// File name endings a folder is read for.
pub const EXCHANGE_EXTENSIONS: [&str; 4] = [".jsonl", ".jsonl.gz", ".jsonl.zst", ".parquet"];

/// File name starts that mark side inputs, never exchange logs.
pub const SIDE_INPUT_PREFIXES: [&str; 4] = ["accounts", "labels", "releases", "populations"];

/// How deep folders are walked (guards against symlink loops).
const MAX_DEPTH: usize = 32;

/// Expands `inputs` into the files to read. A path that does not exist or cannot be
/// listed is an [`IngestError::Open`] naming it.
pub fn discover(inputs: &[PathBuf]) -> Result<Vec<PathBuf>, IngestError> {
    let mut files = Vec::new();
    for input in inputs {
        let meta = std::fs::metadata(input).map_err(|e| IngestError::open(input, e))?;
        if meta.is_dir() {
            walk(input, 0, &mut files)?;
        } else {
            files.push(input.clone());
        }
    }
    Ok(files)
}

/// Whether a folder walk picks up a file of this name.
pub fn is_exchange_file_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    !lower.starts_with('.')
        && EXCHANGE_EXTENSIONS.iter().any(|ext| lower.ends_with(ext))
        && !SIDE_INPUT_PREFIXES.iter().any(|p| lower.starts_with(p))
}

fn walk(dir: &Path, depth: usize, files: &mut Vec<PathBuf>) -> Result<(), IngestError> {
    if depth > MAX_DEPTH {
        return Ok(());
    }
    let mut entries = std::fs::read_dir(dir)
        .map_err(|e| IngestError::open(dir, e))?
        .map(|entry| entry.map(|e| e.path()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| IngestError::open(dir, e))?;
    entries.sort();
    for path in entries {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let meta = std::fs::metadata(&path).map_err(|e| IngestError::open(&path, e))?;
        if meta.is_dir() {
            if !name.starts_with('.') {
                walk(&path, depth + 1, files)?;
            }
        } else if is_exchange_file_name(&name) {
            files.push(path);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(is_exchange_file_name("day1.jsonl"));
        assert!(is_exchange_file_name("day1.JSONL.GZ"));
        assert!(is_exchange_file_name("x.jsonl.zst"));
        assert!(is_exchange_file_name("x.parquet"));
        assert!(!is_exchange_file_name("accounts.jsonl"));
        assert!(!is_exchange_file_name("labels-2.jsonl"));
        assert!(!is_exchange_file_name("releases.json"));
        assert!(!is_exchange_file_name("populations.jsonl"));
        assert!(!is_exchange_file_name("notes.txt"));
        assert!(!is_exchange_file_name("x.json"));
        assert!(!is_exchange_file_name(".hidden.jsonl"));
    }
}
