//! `distillguard serve`: the HTTP service (today: TAXII 2.1 intelligence sharing).
//!
//! Creates the data directory, makes an admin token on first start (`DIR/admin.token`,
//! mode 0600), publishes `DIR/report.json` if present, and serves until Ctrl-C/SIGTERM.
//! Every endpoint except `/healthz` needs a token (Bearer, or HTTP Basic password).

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use distillguard_server::publish::{publish_report, read_report};
use distillguard_server::{AppState, DataDir};

use super::intel::load_config;
use super::usage;

const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

/// Run the distillguard service (TAXII 2.1 sharing).
#[derive(clap::Args)]
pub struct Args {
    /// Address to listen on (default 127.0.0.1:8080; port 0 picks a free port).
    #[arg(long)]
    listen: Option<String>,
    /// Data directory: admin token, object store, report.json to publish.
    #[arg(long, default_value = "distillguard-data")]
    data: PathBuf,
    /// Config file (TOML): partner tokens, TAXII and sharing settings.
    #[arg(long)]
    config: Option<PathBuf>,
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    eprintln!("shutting down");
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let config = load_config(args.config.as_deref())?;
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
    let state = AppState::open(&config, &data)?;

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

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .map_err(|e| usage(format!("cannot listen on {listen}: {e}")))?;
        let local = listener.local_addr().context("listener address")?;
        let root = &state.taxii.config.api_root;
        println!("listening on http://{local}/ (TAXII discovery /taxii2/, API root /{root}/, health /healthz)");
        distillguard_server::serve(listener, state, shutdown_signal()).await?;
        Ok::<(), anyhow::Error>(())
    })
}
