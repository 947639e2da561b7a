//! The streaming reader: files → batches of exchanges, in input order, in parallel, in
//! bounded memory.
//!
//! In: the file list and [`ReadOptions`]. Out: [`IngestEvent`]s to the caller's sink
//! (batches, rejects, progress) and the final [`IngestStats`].
//!
//! How: one thread (`source`) decompresses and cuts files into blocks of whole lines
//! and sends them through a bounded channel; a parser thread takes the blocks that are
//! ready (up to two per rayon worker) and parses them in parallel on rayon; the calling
//! thread then, in input order, drops duplicate request ids, counts, and hands full
//! batches to the sink while the next blocks are parsed. Memory is bounded by the two
//! channels: a few blocks of `block_bytes` and their records. Parsed blocks go back to
//! the source through a third, equally bounded channel and are filled again; the
//! vectors that held a block's records, once emptied into batches, go back to the
//! parser through a small pool ([`SpareVecs`]) and are filled again.
//! The output (batches concatenated, rejects, stats) does not depend on block or batch
//! size, nor on the number of threads.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{sync_channel, SyncSender, TryRecvError};
use std::sync::Mutex;

use distillguard_model::{Exchange, Millis};
use rayon::prelude::*;
use serde::Serialize;

use crate::canonical::parse_canonical;
use crate::dedup::SeenIds;
use crate::error::{IngestError, Reject, RejectReason};
use crate::line::{is_blank, parse_document, parse_line_into};
use crate::mapping::Mapping;
use crate::source::{self, Chunk, Piece};
use crate::ReadOptions;

/// What the reader hands the caller, in order.
#[derive(Debug)]
pub enum IngestEvent {
    /// Valid, de-duplicated exchanges, in input order; `batch_size` of them except the
    /// last batch.
    Batch(Vec<Exchange>),
    /// A rejected record (or file), with where and why.
    Reject(Reject),
    /// Input bytes consumed so far (compressed size for compressed files) of the total.
    Progress { bytes_done: u64, bytes_total: u64 },
}

/// What the caller's sink returns when it wants reading to stop (e.g. `anyhow::Error`
/// converts into it).
pub type SinkError = Box<dyn std::error::Error + Send + Sync>;

/// Counts of one read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct IngestStats {
    /// Files read.
    pub files: u64,
    /// Lines read (rows for Parquet, records for whole JSON documents), blank ones too.
    pub lines: u64,
    /// Lines that held only whitespace (not records, not rejects).
    pub blank_lines: u64,
    /// Valid exchanges after de-duplication.
    pub exchanges: u64,
    /// Rejects: bad records, plus bad files (empty, truncated, unreadable Parquet).
    pub rejected: u64,
    /// Valid records whose `request_id` was seen before (not counted as exchanges).
    pub duplicates: u64,
    /// Size of the input files as on disk.
    pub bytes: u64,
    /// Earliest and latest `ts` of the exchanges.
    pub min_ts: Option<Millis>,
    pub max_ts: Option<Millis>,
}

/// Reads exchange records from `files` (see [`crate::discover()`] for folders), calling
/// `events` with batches, rejects and progress, in input order.
///
/// Bad records never stop the read; they come as [`IngestEvent::Reject`]. An error is
/// returned only when a file cannot be opened or read ([`IngestError::Open`],
/// [`IngestError::Read`]: all files are opened once before reading starts, so a missing
/// path fails before any event) or when `events` returns an error ([`IngestError::Sink`]).
pub fn read_exchanges(
    files: &[PathBuf],
    opts: &ReadOptions,
    events: &mut dyn FnMut(IngestEvent) -> Result<(), SinkError>,
) -> Result<IngestStats, IngestError> {
    let mut bytes_total = 0;
    for path in files {
        std::fs::File::open(path).map_err(|e| IngestError::open(path, e))?;
        bytes_total += std::fs::metadata(path)
            .map_err(|e| IngestError::open(path, e))?
            .len();
    }
    let workers = rayon::current_num_threads().max(1);
    let wave_size = 2 * workers;
    let spare_vecs = SpareVecs::new(2 * wave_size + 2);
    let mut consumer = Consumer {
        files,
        opts,
        spare_vecs: &spare_vecs,
        seen: SeenIds::default(),
        pending: Vec::new(),
        stats: IngestStats {
            files: files.len() as u64,
            bytes: bytes_total,
            ..IngestStats::default()
        },
        bytes_total,
        file_has_content: false,
        file_lines_before: 0,
        events,
    };
    let canonical = Mapping::canonical();
    std::thread::scope(|scope| {
        // source → (pieces) → parser → (parsed waves) → this thread: consumer and sink.
        // Both channels are bounded, so memory is too; the sink's work overlaps parsing.
        let (piece_tx, piece_rx) = sync_channel::<Piece>(wave_size);
        let (parsed_tx, parsed_rx) = sync_channel::<Vec<Parsed>>(1);
        // Parsed line blocks go back to the source for reuse (see `source::Spares`).
        let (spare_tx, spare_rx) = sync_channel::<Vec<u8>>(wave_size + 2);
        let spares = source::Spares::new(spare_rx);
        let producer = scope.spawn(move || source::produce(files, opts, piece_tx, spares));
        let canonical = &canonical;
        let spare_vecs = &spare_vecs;
        let parser = scope.spawn(move || {
            let mut wave: Vec<Piece> = Vec::with_capacity(wave_size);
            while let Ok(piece) = piece_rx.recv() {
                wave.push(piece);
                while wave.len() < wave_size {
                    match piece_rx.try_recv() {
                        Ok(piece) => wave.push(piece),
                        Err(TryRecvError::Empty | TryRecvError::Disconnected) => break,
                    }
                }
                let parsed: Vec<Parsed> = std::mem::take(&mut wave)
                    .into_par_iter()
                    .map(|piece| parse_piece(piece, opts, canonical, &spare_tx, spare_vecs))
                    .collect();
                if parsed_tx.send(parsed).is_err() {
                    // The consumer stopped; dropping the receiver stops the producer.
                    break;
                }
            }
        });
        let mut sink_result = Ok(());
        'consume: for wave in parsed_rx.iter() {
            for piece in wave {
                if let Err(e) = consumer.take(piece) {
                    sink_result = Err(e);
                    break 'consume;
                }
            }
        }
        // Hanging up makes the parser, then the producer, stop at their next send.
        drop(parsed_rx);
        let parsed_ok = parser.join().is_ok();
        let produced = producer
            .join()
            .unwrap_or_else(|_| Err(IngestError::Sink("the reader thread panicked".into())));
        sink_result?;
        if !parsed_ok {
            return Err(IngestError::Sink("the parser thread panicked".into()));
        }
        produced
    })?;
    consumer.finish()?;
    Ok(consumer.stats)
}

/// Emptied vectors of exchanges, kept for the next blocks: filling a vector that
/// already has room costs neither a count of the block's lines beforehand nor fresh
/// pages (the kernel zeroes every new page) nor copies as it grows.
struct SpareVecs {
    vecs: Mutex<Vec<Vec<Exchange>>>,
    keep: usize,
}

impl SpareVecs {
    /// Vectors with room for more exchanges than this are freed rather than kept (a
    /// block of very short lines must not pin its memory for the rest of the read).
    const MAX_KEPT_CAPACITY: usize = 1 << 14;

    fn new(keep: usize) -> SpareVecs {
        SpareVecs {
            vecs: Mutex::new(Vec::with_capacity(keep)),
            keep,
        }
    }

    /// An empty vector, with room if one was given back.
    fn take(&self) -> Vec<Exchange> {
        self.vecs
            .lock()
            .ok()
            .and_then(|mut vecs| vecs.pop())
            .unwrap_or_default()
    }

    /// Keeps `vec` (emptied) for a later block, if the pool has room for it.
    fn give_back(&self, mut vec: Vec<Exchange>) {
        if vec.capacity() == 0 || vec.capacity() > Self::MAX_KEPT_CAPACITY {
            return;
        }
        vec.clear();
        if let Ok(mut vecs) = self.vecs.lock() {
            if vecs.len() < self.keep {
                vecs.push(vec);
            }
        }
    }
}

/// One piece after parsing: what the consumer needs, in order.
struct Parsed {
    file_index: usize,
    bytes_done: u64,
    lines: u64,
    blank_lines: u64,
    /// Exchanges in input order, and the hash of each one's request id.
    exchanges: Vec<Exchange>,
    id_hashes: Vec<Option<u64>>,
    /// Rejects with their line number counted from this piece's first line (1-based);
    /// the consumer, which knows how many lines came before, makes it absolute.
    rejects: Vec<(u64, RejectReason)>,
    end_of_file: bool,
}

/// Parses one piece; a block of lines is handed back through `spares` once parsed (if
/// the pool is full it is simply freed).
fn parse_piece(
    piece: Piece,
    opts: &ReadOptions,
    canonical: &Mapping,
    spares: &SyncSender<Vec<u8>>,
    spare_vecs: &SpareVecs,
) -> Parsed {
    let mut parsed = Parsed {
        file_index: piece.file_index,
        bytes_done: piece.bytes_done,
        lines: 0,
        blank_lines: 0,
        exchanges: spare_vecs.take(),
        id_hashes: Vec::new(),
        rejects: Vec::new(),
        end_of_file: false,
    };
    let mapping = opts.mapping.as_ref();
    let mut results = Vec::new();
    match piece.chunk {
        Chunk::Lines { bytes: block } => {
            let bytes = block.as_slice();
            let body = bytes.strip_suffix(b"\n").unwrap_or(bytes);
            let mut start = 0;
            let mut line_in_piece = 0u64;
            loop {
                let end = memchr::memchr(b'\n', &body[start..]).map_or(body.len(), |i| start + i);
                let line = &body[start..end];
                line_in_piece += 1;
                if line.len() <= opts.max_line_bytes && is_blank(line) {
                    parsed.blank_lines += 1;
                } else if mapping.is_none() && line.len() <= opts.max_line_bytes {
                    // The fast path, without the intermediate results vector.
                    match std::str::from_utf8(line) {
                        Ok(text) => match parse_canonical(text) {
                            Ok(ex) => parsed.push_exchange(ex),
                            Err(reason) => parsed.rejects.push((line_in_piece, reason)),
                        },
                        Err(_) => parsed
                            .rejects
                            .push((line_in_piece, RejectReason::InvalidUtf8)),
                    }
                } else {
                    parse_line_into(line, mapping, opts.max_line_bytes, &mut results);
                    parsed.take_results(line_in_piece, &mut results);
                }
                if end == body.len() {
                    break;
                }
                start = end + 1;
            }
            parsed.lines = line_in_piece;
            let _ = spares.try_send(block);
        }
        Chunk::Oversized => {
            parsed.lines = 1;
            parsed.rejects.push((
                1,
                RejectReason::LineTooLong {
                    max_bytes: opts.max_line_bytes,
                },
            ));
        }
        Chunk::Failed { message } => {
            // Not a line of its own: it names the line the stream broke at.
            parsed.rejects.push((1, RejectReason::Truncated(message)));
        }
        Chunk::Rows { batch } => {
            let mapping = mapping.unwrap_or(canonical);
            for (offset, row) in crate::parquet_rows::rows(&batch).iter().enumerate() {
                parsed.lines += 1;
                mapping.apply(row, &mut results);
                parsed.take_results(offset as u64 + 1, &mut results);
            }
        }
        Chunk::Document { bytes } => {
            parse_document(&bytes, mapping, &mut results);
            // A document's records are numbered from 1 in the order they appear.
            let records = std::mem::take(&mut results);
            parsed.lines += records.len() as u64;
            for (offset, result) in records.into_iter().enumerate() {
                results.push(result);
                parsed.take_results(offset as u64 + 1, &mut results);
            }
        }
        Chunk::End => parsed.end_of_file = true,
    }
    parsed
}

impl Parsed {
    fn take_results(&mut self, line_no: u64, results: &mut Vec<Result<Exchange, RejectReason>>) {
        for result in results.drain(..) {
            match result {
                Ok(ex) => self.push_exchange(ex),
                Err(reason) => self.rejects.push((line_no, reason)),
            }
        }
    }

    fn push_exchange(&mut self, ex: Exchange) {
        let hash = ex
            .request_id
            .as_deref()
            .filter(|id| !id.is_empty())
            .map(SeenIds::hash_id);
        self.id_hashes.push(hash);
        self.exchanges.push(ex);
    }
}

struct Consumer<'a> {
    files: &'a [PathBuf],
    opts: &'a ReadOptions,
    /// Where emptied vectors of exchanges go back to the parser.
    spare_vecs: &'a SpareVecs,
    seen: SeenIds,
    pending: Vec<Exchange>,
    stats: IngestStats,
    bytes_total: u64,
    /// Whether the current file gave any record or reject so far.
    file_has_content: bool,
    /// Lines of the current file before the piece being taken.
    file_lines_before: u64,
    events: &'a mut dyn FnMut(IngestEvent) -> Result<(), SinkError>,
}

impl Consumer<'_> {
    fn file(&self, index: usize) -> &Path {
        self.files
            .get(index)
            .map_or(Path::new(""), PathBuf::as_path)
    }

    fn emit(&mut self, event: IngestEvent) -> Result<(), IngestError> {
        (self.events)(event).map_err(IngestError::Sink)
    }

    fn reject(
        &mut self,
        file_index: usize,
        line: u64,
        reason: RejectReason,
    ) -> Result<(), IngestError> {
        self.stats.rejected += 1;
        let reject = Reject {
            file: self.file(file_index).to_path_buf(),
            line,
            reason,
        };
        self.emit(IngestEvent::Reject(reject))
    }

    fn take(&mut self, piece: Parsed) -> Result<(), IngestError> {
        self.stats.lines += piece.lines;
        self.stats.blank_lines += piece.blank_lines;
        if !piece.rejects.is_empty() || !piece.exchanges.is_empty() {
            self.file_has_content = true;
        }
        for (line_in_piece, reason) in piece.rejects {
            let line = self.file_lines_before + line_in_piece;
            self.reject(piece.file_index, line, reason)?;
        }
        self.file_lines_before += piece.lines;
        let mut exchanges = piece.exchanges;
        // Drop duplicates in place (first copy wins).
        let fresh = self.seen.insert_all(&piece.id_hashes);
        let mut fresh = fresh.iter();
        let before = exchanges.len();
        exchanges.retain(|_| fresh.next().copied().unwrap_or(true));
        self.stats.duplicates += (before - exchanges.len()) as u64;
        self.stats.exchanges += exchanges.len() as u64;
        for ex in &exchanges {
            self.stats.min_ts = Some(self.stats.min_ts.map_or(ex.ts, |m| m.min(ex.ts)));
            self.stats.max_ts = Some(self.stats.max_ts.map_or(ex.ts, |m| m.max(ex.ts)));
        }
        self.batch(exchanges)?;
        if piece.end_of_file {
            if !self.file_has_content {
                self.reject(piece.file_index, 0, RejectReason::EmptyFile)?;
            }
            self.file_has_content = false;
            self.file_lines_before = 0;
        }
        let progress = IngestEvent::Progress {
            bytes_done: piece.bytes_done.min(self.bytes_total),
            bytes_total: self.bytes_total,
        };
        self.emit(progress)
    }

    /// Hands exchanges on in batches of exactly `batch_size` (the last one of the read
    /// may be smaller). A piece that fills a batch on its own is handed on without
    /// copying it; a piece's vector emptied into batches goes back to the parser.
    fn batch(&mut self, mut exchanges: Vec<Exchange>) -> Result<(), IngestError> {
        let batch_size = self.opts.batch_size.max(1);
        if self.pending.is_empty() && exchanges.len() == batch_size {
            return self.emit(IngestEvent::Batch(exchanges));
        }
        while !exchanges.is_empty() {
            let room = batch_size - self.pending.len();
            if self.pending.is_empty() && exchanges.len() >= batch_size {
                // Take a full batch off the front.
                let rest = exchanges.split_off(batch_size);
                let full = std::mem::replace(&mut exchanges, rest);
                self.emit(IngestEvent::Batch(full))?;
                continue;
            }
            let take = room.min(exchanges.len());
            self.pending.extend(exchanges.drain(..take));
            if self.pending.len() == batch_size {
                let full = std::mem::replace(&mut self.pending, Vec::with_capacity(batch_size));
                self.emit(IngestEvent::Batch(full))?;
            }
        }
        self.spare_vecs.give_back(exchanges);
        Ok(())
    }

    fn finish(&mut self) -> Result<(), IngestError> {
        if !self.pending.is_empty() {
            let batch = std::mem::take(&mut self.pending);
            self.emit(IngestEvent::Batch(batch))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spare_vectors_come_back_empty_with_their_room_and_the_pool_stays_bounded() {
        let pool = SpareVecs::new(2);
        assert_eq!(
            pool.take().capacity(),
            0,
            "an empty pool gives a new vector"
        );
        for _ in 0..3 {
            let mut vec = Vec::with_capacity(100);
            vec.push(Exchange::new(1, "a"));
            pool.give_back(vec);
        }
        // Too large to keep, and nothing to keep: both dropped.
        pool.give_back(Vec::with_capacity(SpareVecs::MAX_KEPT_CAPACITY + 1));
        pool.give_back(Vec::new());
        let kept: Vec<Vec<Exchange>> = (0..3).map(|_| pool.take()).collect();
        assert!(kept.iter().all(Vec::is_empty));
        assert_eq!(
            kept.iter().map(Vec::capacity).collect::<Vec<_>>(),
            vec![100, 100, 0],
            "two kept (the pool's size), the third taken is new"
        );
    }
}
