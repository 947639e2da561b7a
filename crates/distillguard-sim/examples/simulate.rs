//! Minimal driver without the CLI, for timing the simulator:
//! `cargo run --release -p distillguard-sim --example simulate -- SCENARIO SCALE OUT [jsonl]`.

use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let name = args.get(1).map(String::as_str).unwrap_or("default");
    let scale: f64 = args.get(2).map(|s| s.parse()).transpose()?.unwrap_or(1.0);
    let out = args.get(3).map(String::as_str).unwrap_or("sim-out");
    let format = if args.get(4).map(String::as_str) == Some("jsonl") {
        distillguard_sim::Format::Jsonl
    } else {
        distillguard_sim::Format::JsonlZst
    };
    let scenario = distillguard_sim::load(name)?.scaled(scale);
    let options = distillguard_sim::Options {
        format,
        scale,
        ..Default::default()
    };
    let started = Instant::now();
    let summary =
        distillguard_sim::generate(&scenario, std::path::Path::new(out), &options, &|_, _| {})?;
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{} accounts, {} exchanges ({} attack) in {seconds:.2}s = {:.0} exchanges/s",
        summary.accounts,
        summary.exchanges,
        summary.attack_exchanges,
        summary.exchanges as f64 / seconds
    );
    Ok(())
}
