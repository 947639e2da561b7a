//! `distillguard watermark`: test texts for an account's watermark, or mark a text.
//!
//! - `watermark verify --key-file F --account A (--text FILE | --corpus DIR_OR_JSONL)`:
//!   hits over opportunities, the count expected without the mark, a one-sided p-value
//!   and a conclusion. Exit 0 either way (the conclusion is the output);
//! - `watermark mark --key-file F --account A --text FILE`: prints the marked text.

use std::path::{Path, PathBuf};

use anyhow::Context;
use distillguard_gateway::watermark::{mark, Evidence, Verification, WatermarkKey};

use super::usage;

/// Test texts for an account's output watermark, or mark a text (demos).
#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: WatermarkCommand,
}

#[derive(clap::Subcommand)]
enum WatermarkCommand {
    Verify(VerifyArgs),
    Mark(MarkArgs),
}

/// Say, with a p-value, whether a text or a corpus carries an account's watermark.
///
/// Each distinct (word group, previous word) context is one trial; a hit is a context
/// where the text uses the variant the account's key picks. Without the mark, hits
/// occur at the rate of chance (1/k for a group of k words). The p-value is the chance
/// of at least this many hits without the mark (a conservative binomial bound).
/// A corpus (a suspect model's outputs) is tested as a whole.
#[derive(clap::Args)]
#[command(verbatim_doc_comment)]
struct VerifyArgs {
    /// File holding the watermark secret the gateway used.
    #[arg(long)]
    key_file: PathBuf,
    /// Account id whose mark to look for (as the gateway saw it, e.g. key-3f2a...).
    #[arg(long)]
    account: String,
    /// A text file.
    #[arg(long, conflicts_with = "corpus", required_unless_present = "corpus")]
    text: Option<PathBuf>,
    /// A folder of .txt/.md files, or a JSONL file of objects with a "text" field
    /// (or "output", "completion", "response", "content").
    #[arg(long)]
    corpus: Option<PathBuf>,
    /// Significance level for the conclusion.
    #[arg(long, default_value_t = 1e-3)]
    alpha: f64,
}

/// Print a text marked for an account (for demos and tests).
#[derive(clap::Args)]
struct MarkArgs {
    #[arg(long)]
    key_file: PathBuf,
    #[arg(long)]
    account: String,
    /// Text file to mark ("-" for standard input).
    #[arg(long)]
    text: PathBuf,
}

fn load_key(path: &Path) -> anyhow::Result<WatermarkKey> {
    let secret = std::fs::read(path)
        .map_err(|e| usage(format!("reading --key-file {}: {e}", path.display())))?;
    WatermarkKey::new(&secret).map_err(|e| usage(format!("{}: {e}", path.display())))
}

fn read_text(path: &Path) -> anyhow::Result<String> {
    if path.as_os_str() == "-" {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
            .context("reading standard input")?;
        return Ok(text);
    }
    std::fs::read_to_string(path).map_err(|e| usage(format!("reading {}: {e}", path.display())))
}

const TEXT_FIELDS: [&str; 5] = ["text", "output", "completion", "response", "content"];

fn add_corpus(evidence: &mut Evidence, path: &Path) -> anyhow::Result<u64> {
    let mut skipped = 0;
    if path.is_dir() {
        let mut files: Vec<PathBuf> = std::fs::read_dir(path)
            .map_err(|e| usage(format!("reading {}: {e}", path.display())))?
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "txt" || e == "md"))
            .collect();
        files.sort();
        for file in files {
            evidence.add_text(&read_text(&file)?);
        }
        return Ok(skipped);
    }
    let text = read_text(path)?;
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let found = serde_json::from_str::<serde_json::Value>(line)
            .ok()
            .and_then(|value| {
                TEXT_FIELDS.iter().find_map(|field| {
                    value
                        .get(*field)
                        .and_then(|v| v.as_str())
                        .map(str::to_string)
                })
            });
        match found {
            Some(text) => evidence.add_text(&text),
            None => skipped += 1,
        }
    }
    Ok(skipped)
}

fn print(result: &Verification, account: &str, alpha: f64) {
    println!("account:        {account}");
    println!("texts:          {}", result.texts);
    println!(
        "candidate words: {} ({} distinct contexts)",
        result.occurrences, result.opportunities
    );
    println!(
        "hits:           {}/{} ({:.1}%), expected without the mark {:.1} ({:.1}%)",
        result.hits,
        result.opportunities,
        100.0 * result.hit_rate(),
        result.expected,
        if result.opportunities == 0 {
            0.0
        } else {
            100.0 * result.expected / result.opportunities as f64
        }
    );
    println!("p-value:        {:.3e}", result.p_value);
    if result.opportunities < 20 {
        println!(
            "conclusion:     too few candidate words ({}) to tell; give more text",
            result.opportunities
        );
    } else if result.p_value < alpha {
        println!(
            "conclusion:     MARKED: the text carries {account}'s watermark (p = {:.2e} < {alpha})",
            result.p_value
        );
    } else {
        println!(
            "conclusion:     no evidence of {account}'s watermark (p = {:.2} >= {alpha})",
            result.p_value
        );
    }
}

pub fn run(args: Args) -> anyhow::Result<()> {
    match args.command {
        WatermarkCommand::Verify(args) => {
            let key = load_key(&args.key_file)?;
            let mut evidence = Evidence::default();
            if let Some(path) = &args.text {
                evidence.add_text(&read_text(path)?);
            }
            if let Some(path) = &args.corpus {
                let skipped = add_corpus(&mut evidence, path)?;
                if skipped > 0 {
                    eprintln!(
                        "{skipped} lines had no text field ({}) and were skipped",
                        TEXT_FIELDS.join(", ")
                    );
                }
            }
            print(
                &evidence.evaluate(&key, &args.account),
                &args.account,
                args.alpha,
            );
            Ok(())
        }
        WatermarkCommand::Mark(args) => {
            let key = load_key(&args.key_file)?;
            let text = read_text(&args.text)?;
            print!("{}", mark(&key, &args.account, &text));
            Ok(())
        }
    }
}
