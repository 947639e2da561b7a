//! `distillguard intel`: share intelligence with other providers (STIX 2.1 / TAXII 2.1).
//!
//! - `intel export --report R --out bundle.json`: the report as a STIX 2.1 bundle;
//! - `intel import FILE|TAXII-COLLECTION-URL --out intel.json`: partners' indicators, in
//!   the form `analyze --intel intel.json` reads (a JSON array of `PartnerIndicator`);
//! - `intel publish --report R --data DIR`: puts the report's bundle into the
//!   `distillguard-indicators` collection that `distillguard serve --data DIR` serves.

use std::path::{Path, PathBuf};

use anyhow::Context;
use base64::Engine;
use distillguard_model::time::{parse_timestamp, Millis};
use distillguard_server::publish::{publish_report, read_report};
use distillguard_server::{AppState, Config, DataDir, RawConfig};
use distillguard_sharing::{export_bundle, import_bundle, ExportOptions, ImportResult, Tlp};
use serde_json::Value;

use super::usage;

/// Share detections with other providers and import theirs.
#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: IntelCommand,
}

#[derive(clap::Subcommand)]
enum IntelCommand {
    Export(ExportArgs),
    Import(ImportArgs),
    Publish(PublishArgs),
}

/// Options that shape an export.
#[derive(clap::Args)]
struct ShapeArgs {
    /// Server config (TOML) whose [sharing] section gives producer name, TLP, threshold.
    #[arg(long)]
    config: Option<PathBuf>,
    /// Name of your organisation, as the STIX identity that created the objects.
    #[arg(long)]
    producer: Option<String>,
    /// TLP 2.0 marking: clear, green, amber (default), amber+strict, red.
    #[arg(long)]
    tlp: Option<String>,
    /// Clusters scoring below this share no indicators (default 0.5).
    #[arg(long)]
    min_score: Option<f64>,
    /// Also share account ids (customer identifiers). Off by default.
    #[arg(long)]
    include_account_ids: bool,
}

/// Write a report as a STIX 2.1 bundle.
#[derive(clap::Args)]
struct ExportArgs {
    /// report.json written by `analyze`.
    #[arg(long)]
    report: PathBuf,
    /// Where to write the bundle.
    #[arg(long)]
    out: PathBuf,
    #[command(flatten)]
    shape: ShapeArgs,
}

/// Read partners' indicators from a STIX bundle file or a TAXII 2.1 collection.
#[derive(clap::Args)]
struct ImportArgs {
    /// A bundle file, or a TAXII collection URL (https://host/api/collections/<id>/).
    source: String,
    /// Where to write the indicators (JSON array), for `analyze --intel`.
    #[arg(long)]
    out: PathBuf,
    /// HTTP Basic user for the TAXII server.
    #[arg(long)]
    user: Option<String>,
    /// HTTP Basic password (or the token, for distillguard servers).
    #[arg(long)]
    password: Option<String>,
    /// Bearer token (instead of --user/--password).
    #[arg(long, conflicts_with_all = ["user", "password"])]
    token: Option<String>,
    /// Only objects the TAXII server added after this time (RFC 3339).
    #[arg(long)]
    added_after: Option<String>,
}

/// Publish a report into the TAXII collection served from a data directory.
#[derive(clap::Args)]
struct PublishArgs {
    #[arg(long)]
    report: PathBuf,
    /// The data directory of `distillguard serve`.
    #[arg(long)]
    data: PathBuf,
    #[command(flatten)]
    shape: ShapeArgs,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    match args.command {
        IntelCommand::Export(args) => export(args),
        IntelCommand::Import(args) => import(args),
        IntelCommand::Publish(args) => publish(args),
    }
}

fn now_millis() -> Millis {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as Millis)
        .unwrap_or(0)
}

/// Reads and validates a server config file (exit 2 when unusable).
pub fn load_config(path: Option<&Path>) -> anyhow::Result<Config> {
    let Some(path) = path else {
        return Ok(Config::default());
    };
    let text = std::fs::read_to_string(path)
        .map_err(|e| usage(format!("cannot read config {}: {e}", path.display())))?;
    RawConfig::parse(&text)
        .and_then(RawConfig::validate)
        .map_err(|e| usage(format!("config {}: {e}", path.display())))
}

fn export_options(shape: &ShapeArgs) -> anyhow::Result<(Config, ExportOptions)> {
    let config = load_config(shape.config.as_deref())?;
    let mut options = config.export.clone();
    if let Some(producer) = &shape.producer {
        options.producer_name = producer.clone();
    }
    if let Some(tlp) = &shape.tlp {
        options.tlp = Tlp::parse(tlp).ok_or_else(|| {
            usage(format!(
                "--tlp {tlp:?}: use clear, green, amber, amber+strict or red"
            ))
        })?;
    }
    if let Some(score) = shape.min_score {
        if !(0.0..=1.0).contains(&score) {
            return Err(usage("--min-score must be in [0, 1]"));
        }
        options.min_cluster_score = score;
    }
    if shape.include_account_ids {
        options.include_account_ids = true;
    }
    Ok((config, options))
}

fn load_report(path: &Path) -> anyhow::Result<distillguard_model::report::Report> {
    read_report(path).map_err(|e| usage(e.to_string()))
}

fn export(args: ExportArgs) -> anyhow::Result<()> {
    let (_, options) = export_options(&args.shape)?;
    let report = load_report(&args.report)?;
    let bundle = export_bundle(&report, &options, now_millis());
    let objects = bundle["objects"].as_array().map_or(0, Vec::len);
    let indicators = bundle["objects"]
        .as_array()
        .map_or(0, |o| o.iter().filter(|x| x["type"] == "indicator").count());
    let text = serde_json::to_string_pretty(&bundle)?;
    std::fs::write(&args.out, text)
        .with_context(|| format!("cannot write {}", args.out.display()))?;
    println!(
        "wrote {} ({objects} STIX objects, {indicators} indicators, TLP:{})",
        args.out.display(),
        options.tlp.as_str().to_ascii_uppercase()
    );
    Ok(())
}

fn publish(args: PublishArgs) -> anyhow::Result<()> {
    let (config, options) = export_options(&args.shape)?;
    let report = load_report(&args.report)?;
    let data = DataDir::open(&args.data)?;
    let state = AppState::open(&config, &data)?;
    let summary = publish_report(
        state.taxii.store.as_ref(),
        &config.taxii,
        &report,
        &options,
        now_millis(),
    )?;
    println!(
        "published {} to collection distillguard-indicators in {}: {} new or changed objects, {} unchanged",
        args.report.display(),
        data.root().display(),
        summary.added,
        summary.unchanged
    );
    Ok(())
}

/// Where to send credentials, if any.
enum Credentials {
    None,
    Basic(String, String),
    Bearer(String),
}

impl Credentials {
    fn header(&self) -> Option<String> {
        match self {
            Credentials::None => None,
            Credentials::Basic(user, password) => Some(format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
            )),
            Credentials::Bearer(token) => Some(format!("Bearer {token}")),
        }
    }
}

const TAXII_ACCEPT: &str = "application/taxii+json;version=2.1";
const PAGE_LIMIT: &str = "500";
const MAX_PAGES: usize = 100_000;

/// The objects URL of a TAXII collection URL.
fn objects_url(url: &str) -> String {
    let base = if url.ends_with('/') {
        url.to_string()
    } else {
        format!("{url}/")
    };
    if base.ends_with("/objects/") {
        base
    } else {
        format!("{base}objects/")
    }
}

/// Pulls every object of a TAXII 2.1 collection, following `next`.
fn fetch_taxii(
    url: &str,
    credentials: &Credentials,
    added_after: Option<&str>,
) -> anyhow::Result<Vec<Value>> {
    let endpoint = objects_url(url);
    let agent = ureq::AgentBuilder::new()
        .timeout(std::time::Duration::from_secs(60))
        .build();
    let mut objects = Vec::new();
    let mut next: Option<String> = None;
    for page in 0..MAX_PAGES {
        let mut request = agent
            .get(&endpoint)
            .set("Accept", TAXII_ACCEPT)
            .query("limit", PAGE_LIMIT);
        if let Some(after) = added_after {
            request = request.query("added_after", after);
        }
        if let Some(token) = &next {
            request = request.query("next", token);
        }
        if let Some(header) = credentials.header() {
            request = request.set("Authorization", &header);
        }
        let response = match request.call() {
            Ok(response) => response,
            Err(ureq::Error::Status(code, response)) => {
                let body = response.into_string().unwrap_or_default();
                let detail = serde_json::from_str::<Value>(&body)
                    .ok()
                    .and_then(|v| v["description"].as_str().map(str::to_string))
                    .unwrap_or(body);
                let err = anyhow::anyhow!("{endpoint}: HTTP {code}: {detail}");
                return Err(if code == 401 || code == 403 || code == 404 {
                    usage(format!("{err:#}"))
                } else {
                    err
                });
            }
            Err(err) => return Err(usage(format!("cannot reach {endpoint}: {err}"))),
        };
        let envelope: Value = response
            .into_json()
            .with_context(|| format!("{endpoint}: page {page} is not JSON"))?;
        if let Some(page_objects) = envelope.get("objects").and_then(Value::as_array) {
            objects.extend(page_objects.iter().cloned());
        }
        let more = envelope
            .get("more")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        next = envelope
            .get("next")
            .and_then(Value::as_str)
            .map(str::to_string);
        if !more || next.is_none() {
            return Ok(objects);
        }
    }
    anyhow::bail!("{endpoint}: more than {MAX_PAGES} pages; stopped")
}

fn import(args: ImportArgs) -> anyhow::Result<()> {
    let is_url = args.source.starts_with("http://") || args.source.starts_with("https://");
    if let Some(after) = &args.added_after {
        parse_timestamp(after).map_err(|e| usage(format!("--added-after: {e}")))?;
        if !is_url {
            return Err(usage("--added-after applies to TAXII sources only"));
        }
    }
    let json = if is_url {
        let credentials = match (&args.token, &args.user, &args.password) {
            (Some(token), _, _) => Credentials::Bearer(token.clone()),
            (None, Some(user), password) => {
                Credentials::Basic(user.clone(), password.clone().unwrap_or_default())
            }
            (None, None, Some(password)) => Credentials::Basic(String::new(), password.clone()),
            (None, None, None) => Credentials::None,
        };
        let objects = fetch_taxii(&args.source, &credentials, args.added_after.as_deref())?;
        serde_json::json!({ "type": "bundle", "objects": objects })
    } else {
        let text = std::fs::read_to_string(&args.source)
            .map_err(|e| usage(format!("cannot read {}: {e}", args.source)))?;
        serde_json::from_str(&text)
            .map_err(|e| usage(format!("{} is not JSON: {e}", args.source)))?
    };
    let ImportResult {
        indicators,
        errors,
        skipped,
    } = import_bundle(&json, &args.source);
    for error in errors.iter().take(20) {
        eprintln!(
            "error: object {} ({}): {}",
            error.index,
            error.id.as_deref().unwrap_or("no id"),
            error.reason
        );
    }
    for note in skipped.iter().take(20) {
        eprintln!(
            "skipped: object {} ({}): {}",
            note.index,
            note.id.as_deref().unwrap_or("no id"),
            note.reason
        );
    }
    let text = serde_json::to_string_pretty(&indicators)?;
    std::fs::write(&args.out, text)
        .with_context(|| format!("cannot write {}", args.out.display()))?;
    println!(
        "wrote {}: {} indicators from {} ({} objects with errors, {} skipped)",
        args.out.display(),
        indicators.len(),
        args.source,
        errors.len(),
        skipped.len()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collection_urls_become_objects_urls() {
        assert_eq!(
            objects_url("http://h/api/collections/abc"),
            "http://h/api/collections/abc/objects/"
        );
        assert_eq!(
            objects_url("http://h/api/collections/abc/objects/"),
            "http://h/api/collections/abc/objects/"
        );
    }
}
