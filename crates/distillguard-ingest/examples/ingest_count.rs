//! Reads logs and prints what ingest saw, with throughput: a quick way to measure the
//! reader on real files.
//!
//! `cargo run --release -p distillguard-ingest --example ingest_count -- [--mapping NAME|FILE] PATH...`
//!
//! `bench/compare.sh` runs it as the floor under `analyze`: the cost of reading the
//! input (decompressing, cutting lines, parsing, de-duplicating) before any analysis.

/// The allocator of the `distillguard` binary (see its `main.rs`): with the system
/// allocator the reader alone takes about 1.6x the CPU time, which would misstate the
/// floor that `analyze` stands on.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::path::PathBuf;
use std::time::Instant;

use distillguard_ingest::{discover, read_exchanges, IngestEvent, Mapping, ReadOptions};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let mut opts = ReadOptions::default();
    let mut inputs: Vec<PathBuf> = Vec::new();
    while let Some(arg) = args.next() {
        if arg == "--mapping" {
            let name = args.next().ok_or("--mapping needs a value")?;
            opts.mapping = Some(Mapping::load(&name)?);
        } else {
            inputs.push(arg.into());
        }
    }
    let files = discover(&inputs)?;
    let start = Instant::now();
    let mut first_rejects = Vec::new();
    let stats = read_exchanges(&files, &opts, &mut |event| {
        if let IngestEvent::Reject(r) = event {
            if first_rejects.len() < 5 {
                first_rejects.push(r.to_json_line());
            }
        }
        Ok(())
    })?;
    let secs = start.elapsed().as_secs_f64();
    println!("{}", serde_json::to_string_pretty(&stats)?);
    for r in first_rejects {
        println!("reject: {r}");
    }
    println!(
        "{:.2} s, {:.0} exchanges/s, {:.1} MB/s (input bytes as on disk), {} threads",
        secs,
        (stats.exchanges + stats.duplicates + stats.rejected) as f64 / secs,
        stats.bytes as f64 / secs / 1e6,
        rayon::current_num_threads()
    );
    Ok(())
}
