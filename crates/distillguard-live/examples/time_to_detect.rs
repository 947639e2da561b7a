//! Time-to-detect: replays a `distillguard simulate` output in time order through the
//! live service (check before serving, re-analysis every interval of simulated time)
//! and prints, per campaign, exchanges and simulated time before its first flag and
//! first refusal, and the share of its exchanges served in full, degraded or refused.
//!
//! ```text
//! cargo run --release -p distillguard -- simulate --out /tmp/sim --scale 0.25 --seed 3
//! cargo run --release -p distillguard-live --example time_to_detect -- /tmp/sim 1
//! ```
//! Arguments: the simulation folder, the re-analysis interval in simulated hours
//! (default 1), and optionally `--json` for the raw outcome.

use std::path::PathBuf;
use std::time::Instant;

use distillguard_live::replay::{load_simulation, markdown, replay};
use distillguard_live::LiveConfig;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dir: PathBuf = args
        .next()
        .ok_or("usage: time_to_detect SIM_DIR [HOURS] [--json]")?
        .into();
    let rest: Vec<String> = args.collect();
    let hours: f64 = rest
        .iter()
        .find(|a| !a.starts_with("--"))
        .map(|h| h.parse())
        .transpose()?
        .unwrap_or(1.0);
    let json = rest.iter().any(|a| a == "--json");
    let started = Instant::now();
    let sim = load_simulation(&dir)?;
    eprintln!(
        "loaded {} exchanges, {} labels in {:.1}s",
        sim.exchanges.len(),
        sim.labels.len(),
        started.elapsed().as_secs_f64()
    );
    let every_ms = (hours * 3.6e6) as i64;
    let outcome = replay(
        sim.exchanges,
        &sim.labels,
        every_ms,
        LiveConfig::default(),
        sim.side,
    )?;
    if json {
        println!("{}", serde_json::to_string_pretty(&outcome)?);
    } else {
        println!("Re-analysis every {hours} h of simulated time.\n");
        print!("{}", markdown(&outcome));
    }
    eprintln!("replay took {:.1}s", started.elapsed().as_secs_f64());
    Ok(())
}
