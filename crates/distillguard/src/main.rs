//! The `distillguard` command: a thin shell around the library crates.
//!
//! Parses arguments, reads and writes files, reports errors with context, and sets the
//! exit status (0 success, 2 unusable arguments or unreadable input, 1 anything else).
//! Each subcommand lives in its own file under `commands/`.

mod commands;

/// mimalloc: parsing allocates and frees many small strings per record, where the
/// system allocator spent about 15% of `analyze`'s time. Built with `no_thp`: with
/// transparent huge pages, each page mimalloc took fresh (or back after a purge) was
/// a 2 MiB fault to zero, and on a machine short of free huge pages the kernel's
/// compaction added 1.5-2 s of system time to a 5 s run (bench/RESULTS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::{Parser, Subcommand};

/// Find and stop distillation attacks on an LLM API.
///
/// distillguard reads API exchange logs, finds accounts and hydra clusters that
/// harvest model outputs at scale, says why, and exports what it found.
///
/// Quick start:
///   distillguard demo --out out/          simulate, analyse and report on a built-in scenario
///   distillguard analyze logs/ --out out/ analyse your own logs
#[derive(Parser)]
#[command(
    name = "distillguard",
    version,
    about,
    long_about,
    verbatim_doc_comment
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    Analyze(commands::analyze::Args),
    Eval(commands::eval::Args),
    Simulate(commands::simulate::Args),
    Demo(commands::demo::Args),
    Serve(commands::serve::Args),
    Intel(commands::intel::Args),
    Gateway(commands::gateway::Args),
    Watermark(commands::watermark::Args),
}

fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("DISTILLGUARD_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();

    let cli = Cli::parse();
    let result = match cli.command {
        Command::Analyze(args) => commands::analyze::run(args),
        Command::Eval(args) => commands::eval::run(args),
        Command::Simulate(args) => commands::simulate::run(args),
        Command::Demo(args) => commands::demo::run(args),
        Command::Serve(args) => commands::serve::run(args),
        Command::Intel(args) => commands::intel::run(args),
        Command::Gateway(args) => commands::gateway::run(args),
        Command::Watermark(args) => commands::watermark::run(args),
    };
    if let Err(err) = result {
        eprintln!("error: {err:#}");
        std::process::exit(commands::exit_code(&err));
    }
}
