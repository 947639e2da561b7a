//! `distillguard gateway`: the inline reverse proxy with countermeasures (a thin shell
//! around `distillguard_gateway`): parses arguments, reads the token, policy and
//! watermark key files, binds the listener and serves until Ctrl-C/SIGTERM.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use distillguard_gateway::decider::policy::Policy;
use distillguard_gateway::{
    header_name, http_client, serve, Config, Decider, FailMode, Gateway, Metrics, PolicyDecider,
    RemoteConfig, RemoteDecider, Upstream, WatermarkKey,
};

use super::usage;

/// Put inline countermeasures in front of an LLM API.
///
/// A reverse proxy for the Anthropic Messages API (POST /v1/messages) and the OpenAI
/// Chat Completions (POST /v1/chat/completions) and Responses (POST /v1/responses)
/// APIs, streaming included; every other path passes through. Point the official SDKs
/// at it (base_url) and they work unchanged.
///
/// For each API call it identifies the account, asks the decider what to do, applies
/// the action and records the exchange:
///   allow     forwarded and returned byte for byte
///   degrade   thinking shown summarised/omitted, top_logprobs capped (or refused with
///             400 when the cap is 0), output text watermarked for the account
///   throttle  429 in the API's error shape, with retry-after
///   block     403 (permission_error), x-should-retry: false (the SDKs do not retry)
///   verify    403 naming the verification step to complete
///
/// Account identity: "key-" + first 16 hex digits of SHA-256 of the API key
/// (x-api-key or Authorization: Bearer), or the value of --account-header when set.
///
/// Deciders (one of):
///   --engine URL --engine-token-file F   a running `distillguard serve` (POST /v1/check,
///                                        exchanges batched to POST /v1/exchanges)
///   --data DIR                           the engine inside the gateway (database in DIR)
///   --policy FILE                        a static TOML/JSON list of accounts → actions
///
/// Examples:
///   distillguard gateway --listen 127.0.0.1:8787 --upstream https://api.anthropic.com \
///       --engine http://127.0.0.1:8080 --engine-token-file data/admin.token \
///       --watermark-key-file wm.key
///   distillguard gateway --upstream http://127.0.0.1:9000 --policy policy.toml
///   distillguard gateway --upstream https://api.openai.com --data gateway-data
///
/// The gateway's own endpoints: /_distillguard/healthz, /_distillguard/metrics.
/// See docs/GATEWAY.md.
#[derive(clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:8787")]
    listen: String,
    /// Base URL of the upstream API (http:// or https://).
    #[arg(long)]
    upstream: String,
    /// URL of a running `distillguard serve` to ask for decisions.
    #[arg(long, conflicts_with_all = ["policy", "data"], requires = "engine_token_file")]
    engine: Option<String>,
    /// Run the detection engine inside the gateway, with its database in DIR
    /// (DIR/live.sqlite, the same layout as `serve --data DIR`; not shared with a running
    /// `serve`).
    #[arg(long, value_name = "DIR", conflicts_with = "policy")]
    data: Option<PathBuf>,
    /// File holding the engine's API token (e.g. DIR/admin.token).
    #[arg(long, requires = "engine")]
    engine_token_file: Option<PathBuf>,
    /// Static policy file (TOML, or JSON if it ends in .json): accounts → actions.
    #[arg(long)]
    policy: Option<PathBuf>,
    /// Milliseconds to wait for the engine's answer before the fail mode applies.
    #[arg(long, default_value_t = 250)]
    engine_timeout_ms: u64,
    /// Refuse requests (503) when the engine cannot answer, instead of allowing them.
    #[arg(long)]
    fail_closed: bool,
    /// Trusted header that names the account (removed before forwarding). Only set it
    /// when clients cannot reach the gateway except through the proxy that sets it.
    #[arg(long)]
    account_header: Option<String>,
    /// Take the client IP from the last X-Forwarded-For entry (behind a trusted proxy).
    #[arg(long)]
    trust_forwarded_for: bool,
    /// Largest request body accepted, in bytes (larger: 413).
    #[arg(long, default_value_t = distillguard_gateway::DEFAULT_MAX_BODY_BYTES)]
    max_body_bytes: usize,
    /// Watermark secret (at least 16 bytes); needed for the watermark countermeasure.
    #[arg(long)]
    watermark_key_file: Option<PathBuf>,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let listen: SocketAddr = args
        .listen
        .parse()
        .map_err(|_| usage(format!("--listen {:?} is not host:port", args.listen)))?;
    let upstream = Upstream::parse(&args.upstream).map_err(|e| usage(e.to_string()))?;
    let mut config = Config::new(upstream);
    config.trust_forwarded_for = args.trust_forwarded_for;
    config.max_body_bytes = args.max_body_bytes;
    config.fail_mode = if args.fail_closed {
        FailMode::Closed
    } else {
        FailMode::Open
    };
    if let Some(name) = &args.account_header {
        let header = header_name(name).map_err(|e| usage(format!("--account-header: {e}")))?;
        config.account_header = Some(header);
    }
    if let Some(path) = &args.watermark_key_file {
        let secret = std::fs::read(path)
            .with_context(|| format!("reading watermark key {}", path.display()))
            .map_err(|e| usage(format!("{e:#}")))?;
        config.watermark_key = Some(
            WatermarkKey::new(&secret).map_err(|e| usage(format!("{}: {e}", path.display())))?,
        );
    }
    let policy = match &args.policy {
        Some(path) => Some(Policy::load(path).map_err(|e| usage(e.to_string()))?),
        None => None,
    };
    let token = match &args.engine_token_file {
        Some(path) => Some(std::fs::read_to_string(path).map_err(|e| {
            usage(format!(
                "reading --engine-token-file {}: {e}",
                path.display()
            ))
        })?),
        None => None,
    };
    if args.engine.is_none() && args.data.is_none() && policy.is_none() {
        return Err(usage(
            "give a decider: --engine URL --engine-token-file F, --data DIR, or --policy FILE",
        ));
    }

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async move {
        let metrics = Arc::new(Metrics::default());
        let client = http_client();
        let decider: Arc<dyn Decider> = match (&args.engine, token, policy) {
            (Some(engine), Some(token), _) => {
                let mut remote = RemoteConfig::new(engine, &token);
                remote.check_timeout = Duration::from_millis(args.engine_timeout_ms);
                Arc::new(
                    RemoteDecider::start(remote, client.clone(), Arc::clone(&metrics))
                        .map_err(|e| usage(e.to_string()))?,
                )
            }
            _ if args.data.is_some() => {
                let dir = args.data.as_deref().unwrap_or(std::path::Path::new("."));
                let data = distillguard_server::DataDir::open(dir)?;
                let live = distillguard_live::Live::open(
                    &data.live_path(),
                    distillguard_live::LiveConfig::default(),
                    distillguard_live::service::Side::default(),
                )
                .with_context(|| format!("opening the engine database in {}", dir.display()))?;
                eprintln!("engine: embedded, database {}", data.live_path().display());
                Arc::new(
                    distillguard_gateway::decider::EmbeddedDecider::start(
                        Arc::new(live),
                        Arc::clone(&metrics),
                    )
                    .context("starting the embedded engine's threads")?,
                )
            }
            (_, _, Some(policy)) => {
                eprintln!("policy: {} accounts listed", policy.len());
                Arc::new(PolicyDecider::new(policy, Arc::clone(&metrics)))
            }
            _ => return Err(usage(
                "give a decider: --engine URL --engine-token-file F, --data DIR, or --policy FILE",
            )),
        };
        let gateway = Arc::new(Gateway {
            config,
            decider,
            client,
            metrics,
        });
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .with_context(|| format!("binding {listen}"))?;
        let bound = listener.local_addr().context("reading the bound address")?;
        println!("gateway listening on http://{bound}/ -> {}", args.upstream);
        serve(listener, gateway, super::shutdown_signal())
            .await
            .context("serving")?;
        Ok(())
    })
}
