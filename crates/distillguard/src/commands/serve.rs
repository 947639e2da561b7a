//! `distillguard serve`: the live detection service and TAXII 2.1 intelligence sharing.
//!
//! Creates the data directory, makes an admin token on first start (`DIR/admin.token`,
//! mode 0600), restores the live state from `DIR/live.sqlite` (replaying the stored
//! exchanges into the engine), publishes `DIR/report.json` to TAXII if present, starts
//! the analyzer thread and serves until Ctrl-C/SIGTERM. Every endpoint except `/healthz`
//! and `/readyz` needs a token (Bearer, or HTTP Basic password).

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use distillguard_live::service::Side;
use distillguard_live::Live;
use distillguard_server::publish::{publish_report, read_report};
use distillguard_server::{AppState, DataDir};

use super::intel::load_config;
use super::usage;

const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

/// Run the live detection service (ingest, decisions, read API) and TAXII 2.1 sharing.
///
/// Starts with no config for local use:
///
///   distillguard serve --listen 127.0.0.1:8080 --data DIR
///
/// On first start it writes an admin token to DIR/admin.token (mode 0600). Send it as
/// `Authorization: Bearer $(cat DIR/admin.token)`:
///
///   POST /v1/exchanges   NDJSON spec records; 200 {accepted, rejected, duplicates,
///                        errors[{line, reason}]} once committed to DIR/live.sqlite
///   POST /v1/traces      OTLP/HTTP JSON with GenAI spans
///   POST /v1/check       {"account_id": ".."} -> {action, countermeasures, reasons, ..}
///   GET  /v1/accounts[?verdict=attack], /v1/accounts/{id}, /v1/clusters,
///        /v1/campaigns, /v1/alerts, /metrics (Prometheus)
///   POST /v1/accounts/{id}/actions {"action": "confirm|dismiss|block|allow", "note": ".."}
///   GET  /v1/audit;  POST /v1/analyze (run detection now)
///   GET  /healthz, /readyz (no token)
///
/// Detection re-runs in the background every `analyze_every_exchanges` new exchanges
/// or `analyze_interval_s` seconds. Tokens with roles (ingest, read, analyst, admin),
/// the verdict → action policy and all settings live in one TOML file (--config); see
/// docs/SERVE.md and docs/serve.sample.toml. DIR/accounts.jsonl and DIR/releases.json,
/// if present, are used as side inputs. Logs: DISTILLGUARD_LOG=info.
#[derive(clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Address to listen on (default 127.0.0.1:8080; port 0 picks a free port).
    #[arg(long)]
    listen: Option<String>,
    /// Data directory: admin token, live.sqlite, TAXII store, report.json to publish.
    #[arg(long, default_value = "distillguard-data")]
    data: PathBuf,
    /// Config file (TOML): tokens and roles, [live], [policy], [detection], TAXII.
    #[arg(long)]
    config: Option<PathBuf>,
    /// Keep the live state in PostgreSQL instead of DIR/live.sqlite, so that several
    /// instances share it (one analyses, the others follow): postgres://user@host/db.
    /// Overrides live.database_url; DISTILLGUARD_DATABASE_URL is read if neither is set
    /// (keeps a password off the command line).
    #[arg(long, value_name = "URL")]
    database: Option<String>,
    /// Re-analyse after this many new exchanges (overrides live.analyze_every_exchanges).
    #[arg(long)]
    analyze_every: Option<u64>,
    /// Re-analyse after this many seconds with new exchanges (overrides live.analyze_interval_s).
    #[arg(long)]
    analyze_interval_s: Option<f64>,
}

fn side_inputs(data: &DataDir) -> anyhow::Result<Side> {
    let mut side = Side::default();
    let accounts = data.accounts_path();
    if accounts.exists() {
        let (records, rejects) =
            distillguard_ingest::read_accounts(&accounts).map_err(|e| usage(e.to_string()))?;
        println!(
            "side input {}: {} account records ({} rejected)",
            accounts.display(),
            records.len(),
            rejects.len()
        );
        side.accounts = records;
    }
    let releases = data.releases_path();
    if releases.exists() {
        side.releases =
            distillguard_ingest::read_releases(&releases).map_err(|e| usage(e.to_string()))?;
    }
    Ok(side)
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let mut config = load_config(args.config.as_deref())?;
    if let Some(every) = args.analyze_every {
        if every == 0 {
            return Err(usage("--analyze-every must be at least 1"));
        }
        config.live.analyze_every_exchanges = every;
    }
    if let Some(seconds) = args.analyze_interval_s {
        if !(seconds.is_finite() && seconds > 0.0) {
            return Err(usage("--analyze-interval-s must be a positive number"));
        }
        config.live.analyze_interval = std::time::Duration::from_secs_f64(seconds);
    }
    let from_env = std::env::var("DISTILLGUARD_DATABASE_URL")
        .ok()
        .filter(|url| !url.is_empty());
    if let Some(url) = args
        .database
        .clone()
        .or(config.live.database_url.take())
        .or(from_env)
    {
        if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
            return Err(usage(
                "--database must be a postgres:// URL (leave it out for DIR/live.sqlite)",
            ));
        }
        config.live.database_url = Some(url);
    }
    let listen_text = args
        .listen
        .clone()
        .or_else(|| config.listen.map(|a| a.to_string()))
        .unwrap_or_else(|| DEFAULT_LISTEN.to_string());
    let listen: SocketAddr = listen_text
        .parse()
        .map_err(|_| usage(format!("--listen {listen_text:?} is not host:port")))?;

    let data = DataDir::open(&args.data)?;
    let admin = data.admin_token()?;
    if admin.created {
        println!(
            "admin token written to {} (mode 0600); use it as Bearer token or HTTP Basic password",
            admin.path.display()
        );
    } else {
        println!("admin token: {}", admin.path.display());
    }
    let side = side_inputs(&data)?;
    let state = AppState::open_live(&config, &data, side)?;
    let live = state
        .live
        .clone()
        .context("the live service did not start")?;
    println!(
        "live state: {} ({} exchanges pending analysis, last run {})",
        Live::database(&data.live_path(), &config.live).describe(),
        live.pending(),
        live.published().run
    );

    let report_path = data.report_path();
    if report_path.exists() {
        let report = read_report(&report_path)?;
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0);
        let summary = publish_report(
            state.taxii.store.as_ref(),
            &config.taxii,
            &report,
            &config.export,
            now,
        )?;
        println!(
            "published {}: {} new or changed objects, {} unchanged",
            report_path.display(),
            summary.added,
            summary.unchanged
        );
    }

    let analyzer = distillguard_live::analyzer::spawn(live).context("cannot start the analyzer")?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let served = runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .map_err(|e| usage(format!("cannot listen on {listen}: {e}")))?;
        let local = listener.local_addr().context("listener address")?;
        let root = &state.taxii.config.api_root;
        println!("listening on http://{local}/ (live API /v1/, TAXII discovery /taxii2/, API root /{root}/, health /healthz)");
        distillguard_server::serve(listener, state, super::shutdown_signal()).await?;
        Ok::<(), anyhow::Error>(())
    });
    analyzer.stop();
    served
}
