//! Files → pieces: opens each input (plain, gzip or zstd, sniffed from its first bytes;
//! Parquet; whole JSON documents) and cuts it into pieces the parser can work on in
//! parallel.
//!
//! In: the list of files and the read options. Out: [`Piece`]s, in input order, sent
//! through a bounded channel (so memory stays bounded however large the input):
//! blocks of whole lines (about `block_bytes` each) with the number of their first line,
//! Parquet record batches, whole documents, and markers for what went wrong in the data
//! (an over-long line that was skipped, a compressed stream that ended early).
//!
//! Owns: decompression, line cutting and line numbering, and byte counts for progress.
//! It does not parse records.

use std::cell::Cell;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;
use std::rc::Rc;
use std::sync::mpsc::{Receiver, SyncSender};

use arrow::record_batch::RecordBatch;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use crate::error::IngestError;
use crate::ReadOptions;

/// What one piece of input holds.
pub(crate) enum Chunk {
    /// Whole lines (the last one may lack its newline at the end of a file). Line
    /// numbers are not counted here (this thread is the serial part of the pipeline):
    /// the consumer numbers lines from the counts the parser returns.
    Lines { bytes: Vec<u8> },
    /// One line longer than `max_line_bytes`, skipped without buffering it.
    Oversized,
    /// The stream could not be read on from the next line (truncated or corrupt
    /// compression, an unreadable Parquet file). Lines before it were sent.
    Failed { message: String },
    /// Rows of a Parquet file, in order.
    Rows { batch: RecordBatch },
    /// A whole `.json` document (one record, an array of records, or what the mapping's
    /// `records` path expands).
    Document { bytes: Vec<u8> },
    /// The file is done.
    End,
}

pub(crate) struct Piece {
    pub file_index: usize,
    pub chunk: Chunk,
    /// Input bytes (as on disk) consumed so far, over all files.
    pub bytes_done: u64,
}

/// How a file is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layout {
    Lines,
    Document,
    Parquet,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Compression {
    None,
    Gzip,
    Zstd,
}

fn layout_of(path: &Path) -> Layout {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let base = name
        .strip_suffix(".gz")
        .or_else(|| name.strip_suffix(".zst"))
        .or_else(|| name.strip_suffix(".zstd"))
        .unwrap_or(&name);
    if base.ends_with(".parquet") {
        Layout::Parquet
    } else if base.ends_with(".json") {
        Layout::Document
    } else {
        Layout::Lines
    }
}

/// Counts the bytes read from the file (compressed size, for progress).
struct CountingReader<R> {
    inner: R,
    count: Rc<Cell<u64>>,
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.set(self.count.get() + n as u64);
        Ok(n)
    }
}

/// A file opened for its decompressed bytes.
pub(crate) struct Decoded {
    pub reader: Box<dyn Read>,
    /// Bytes read from the file itself (compressed size), for progress.
    pub raw_count: Rc<Cell<u64>>,
    pub compression: Compression,
}

/// Opens a file for reading its decompressed bytes; compression is sniffed from the
/// magic bytes, not the name.
pub(crate) fn open_decoded(path: &Path) -> Result<Decoded, IngestError> {
    let file = File::open(path).map_err(|e| IngestError::open(path, e))?;
    let count = Rc::new(Cell::new(0));
    let mut raw = BufReader::with_capacity(
        256 * 1024,
        CountingReader {
            inner: file,
            count: Rc::clone(&count),
        },
    );
    let head = loop {
        match raw.fill_buf() {
            Ok(head) => break head,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => {
                return Err(IngestError::Read {
                    path: path.to_path_buf(),
                    source: e,
                })
            }
        }
    };
    let compression = if head.starts_with(&[0x1f, 0x8b]) {
        Compression::Gzip
    } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        Compression::Zstd
    } else {
        Compression::None
    };
    let reader: Box<dyn Read> = match compression {
        Compression::None => Box::new(raw),
        Compression::Gzip => Box::new(flate2::bufread::MultiGzDecoder::new(raw)),
        Compression::Zstd => {
            Box::new(zstd::stream::read::Decoder::with_buffer(raw).map_err(|e| {
                IngestError::Read {
                    path: path.to_path_buf(),
                    source: e,
                }
            })?)
        }
    };
    Ok(Decoded {
        reader,
        raw_count: count,
        compression,
    })
}

/// Sends every piece of every file, in order. Returns early (Ok) if the receiver hung up.
pub(crate) fn produce(
    files: &[std::path::PathBuf],
    opts: &ReadOptions,
    tx: SyncSender<Piece>,
    spares: Spares,
) -> Result<(), IngestError> {
    let mut done_before: u64 = 0;
    for (file_index, path) in files.iter().enumerate() {
        let size = std::fs::metadata(path)
            .map_err(|e| IngestError::open(path, e))?
            .len();
        tracing::debug!(file = %path.display(), bytes = size, "reading");
        let mut sender = Sender {
            tx: &tx,
            file_index,
            done_before,
            hung_up: false,
        };
        match layout_of(path) {
            Layout::Parquet => read_parquet(path, size, opts, &mut sender)?,
            Layout::Document => read_document(path, opts, &mut sender)?,
            Layout::Lines => read_lines(path, opts, &spares, &mut sender)?,
        }
        done_before += size;
        sender.send(Chunk::End, size);
        if sender.hung_up {
            return Ok(());
        }
    }
    Ok(())
}

struct Sender<'a> {
    tx: &'a SyncSender<Piece>,
    file_index: usize,
    done_before: u64,
    hung_up: bool,
}

impl Sender<'_> {
    /// Sends a piece; `file_done` is the bytes of this file consumed so far.
    fn send(&mut self, chunk: Chunk, file_done: u64) {
        if self.hung_up {
            return;
        }
        let piece = Piece {
            file_index: self.file_index,
            chunk,
            bytes_done: self.done_before + file_done,
        };
        if self.tx.send(piece).is_err() {
            self.hung_up = true;
        }
    }
}

/// Reads until `buf[..*filled]` holds `target` bytes or the stream ends. Returns whether
/// it ended, and the error that stopped it, if any. Bytes of `buf` past `*filled` are
/// scratch: `buf` is only grown (with zeros) when it is shorter than `target`, so a
/// recycled buffer is written over, not cleared first.
fn fill(
    reader: &mut dyn Read,
    buf: &mut Vec<u8>,
    filled: &mut usize,
    target: usize,
) -> (bool, Option<io::Error>) {
    if *filled >= target {
        return (false, None);
    }
    if buf.len() < target {
        buf.resize(target, 0);
    }
    loop {
        if *filled == target {
            return (false, None);
        }
        match reader.read(&mut buf[*filled..target]) {
            Ok(0) => return (true, None),
            Ok(n) => *filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return (true, Some(e)),
        }
    }
}

/// Line buffers the parser is done with, sent back so that the next blocks reuse their
/// memory: a fresh 4 MiB block costs the kernel a page fault and a zeroed page per
/// 4 KiB, and the allocator a trip to the OS, on every block.
pub(crate) struct Spares {
    rx: Receiver<Vec<u8>>,
}

impl Spares {
    pub(crate) fn new(rx: Receiver<Vec<u8>>) -> Self {
        Spares { rx }
    }

    /// A buffer at least `len` bytes long (contents unspecified), recycled if one is
    /// back.
    fn take(&self, len: usize) -> Vec<u8> {
        let mut buf = self.rx.try_recv().unwrap_or_default();
        if buf.len() < len {
            buf.resize(len, 0);
        }
        buf
    }
}

/// A read error ends this file. For a plain file it is an I/O failure of the path (an
/// error for the caller); for a compressed stream it is a truncated or corrupt stream,
/// reported as a failed chunk, and what was read before it stands.
fn stream_failed(
    path: &Path,
    compression: Compression,
    error: io::Error,
    out: &mut Sender,
    file_done: u64,
) -> Result<(), IngestError> {
    if compression == Compression::None {
        return Err(IngestError::Read {
            path: path.to_path_buf(),
            source: error,
        });
    }
    out.send(
        Chunk::Failed {
            message: error.to_string(),
        },
        file_done,
    );
    Ok(())
}

fn read_lines(
    path: &Path,
    opts: &ReadOptions,
    spares: &Spares,
    out: &mut Sender,
) -> Result<(), IngestError> {
    let Decoded {
        mut reader,
        raw_count,
        compression,
    } = open_decoded(path)?;
    let block_bytes = opts.block_bytes.max(1);
    let max_line = opts.max_line_bytes.max(1);
    // The data is `buf[..filled]`; the rest of `buf` is scratch.
    let mut buf = spares.take(block_bytes);
    let mut filled = 0;
    let mut target = block_bytes;
    loop {
        let (ended, error) = fill(reader.as_mut(), &mut buf, &mut filled, target);
        if let Some(error) = error {
            // Keep the whole lines read before the failure; the partial last line is
            // part of what the failure lost.
            if let Some(last_newline) = memchr::memrchr(b'\n', &buf[..filled]) {
                buf.truncate(last_newline + 1);
                out.send(Chunk::Lines { bytes: buf }, raw_count.get());
            }
            return stream_failed(path, compression, error, out, raw_count.get());
        }
        if filled == 0 && ended {
            return Ok(());
        }
        match memchr::memrchr(b'\n', &buf[..filled]) {
            Some(last_newline) => {
                // Whole lines go; the partial line after them starts the next block.
                let cut = last_newline + 1;
                let rest = filled - cut;
                let mut next = spares.take(block_bytes.max(rest));
                next[..rest].copy_from_slice(&buf[cut..filled]);
                buf.truncate(cut);
                out.send(Chunk::Lines { bytes: buf }, raw_count.get());
                buf = next;
                filled = rest;
                target = block_bytes;
            }
            None if ended => {
                // The last line, without a newline.
                buf.truncate(filled);
                out.send(Chunk::Lines { bytes: buf }, raw_count.get());
                return Ok(());
            }
            None if filled > max_line => {
                // Longer than the cap: skip to the next newline without keeping it.
                out.send(Chunk::Oversized, raw_count.get());
                filled = 0;
                loop {
                    let (ended, error) = fill(reader.as_mut(), &mut buf, &mut filled, block_bytes);
                    if let Some(error) = error {
                        return stream_failed(path, compression, error, out, raw_count.get());
                    }
                    if let Some(newline) = memchr::memchr(b'\n', &buf[..filled]) {
                        buf.copy_within(newline + 1..filled, 0);
                        filled -= newline + 1;
                        break;
                    }
                    filled = 0;
                    if ended {
                        return Ok(());
                    }
                }
                target = block_bytes;
            }
            None => {
                // A line longer than a block: read on until its end (or the cap).
                target = (filled.saturating_mul(2))
                    .min(max_line.saturating_add(1))
                    .max(filled + 1);
            }
        }
        if out.hung_up {
            return Ok(());
        }
    }
}

fn read_document(path: &Path, opts: &ReadOptions, out: &mut Sender) -> Result<(), IngestError> {
    let Decoded {
        reader,
        raw_count,
        compression,
    } = open_decoded(path)?;
    let cap = opts.max_document_bytes as u64;
    let mut bytes = Vec::new();
    let result = reader.take(cap.saturating_add(1)).read_to_end(&mut bytes);
    if let Err(error) = result {
        return stream_failed(path, compression, error, out, raw_count.get());
    }
    if bytes.len() as u64 > cap {
        out.send(
            Chunk::Failed {
                message: format!(
                    "document larger than {} bytes (max_document_bytes); use JSON lines",
                    opts.max_document_bytes
                ),
            },
            raw_count.get(),
        );
        return Ok(());
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(());
    }
    out.send(Chunk::Document { bytes }, raw_count.get());
    Ok(())
}

fn read_parquet(
    path: &Path,
    size: u64,
    opts: &ReadOptions,
    out: &mut Sender,
) -> Result<(), IngestError> {
    let file = File::open(path).map_err(|e| IngestError::open(path, e))?;
    if size == 0 {
        return Ok(());
    }
    let builder = match ParquetRecordBatchReaderBuilder::try_new(file) {
        Ok(builder) => builder,
        Err(e) => {
            out.send(
                Chunk::Failed {
                    message: format!("not a readable Parquet file: {e}"),
                },
                size,
            );
            return Ok(());
        }
    };
    let total_rows = builder.metadata().file_metadata().num_rows().max(1) as u64;
    let batch_rows = opts.batch_size.clamp(1, 65_536);
    let reader = match builder.with_batch_size(batch_rows).build() {
        Ok(reader) => reader,
        Err(e) => {
            out.send(
                Chunk::Failed {
                    message: format!("not a readable Parquet file: {e}"),
                },
                size,
            );
            return Ok(());
        }
    };
    let mut next_row: u64 = 1;
    for batch in reader {
        match batch {
            Ok(batch) => {
                let rows = batch.num_rows() as u64;
                let done = size.saturating_mul(next_row - 1 + rows) / total_rows;
                out.send(Chunk::Rows { batch }, done.min(size));
                next_row += rows;
            }
            Err(e) => {
                out.send(
                    Chunk::Failed {
                        message: format!("Parquet read failed: {e}"),
                    },
                    size,
                );
                return Ok(());
            }
        }
        if out.hung_up {
            return Ok(());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layouts_by_name() {
        assert_eq!(layout_of(Path::new("a/b.jsonl.gz")), Layout::Lines);
        assert_eq!(layout_of(Path::new("b.json.zst")), Layout::Document);
        assert_eq!(layout_of(Path::new("b.JSON")), Layout::Document);
        assert_eq!(layout_of(Path::new("b.parquet")), Layout::Parquet);
        assert_eq!(layout_of(Path::new("b.log")), Layout::Lines);
    }
}
