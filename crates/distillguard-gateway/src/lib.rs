//! `distillguard gateway`: inline countermeasures in front of an LLM API.
//!
//! What flows in: API requests from clients (Anthropic Messages, OpenAI Chat
//! Completions and Responses; anything else passes through). What flows out: the
//! upstream's responses (untouched for allowed accounts; changed through the API's own
//! means for degraded ones; refused in the API's error shape for throttled, blocked and
//! unverified ones), and one [`Exchange`](distillguard_model::Exchange) per API call to
//! the [`Decider`].
//!
//! What it owns:
//! - [`proxy`]: the request path; [`identity`]: who is calling; [`request`]: reading
//!   request bodies; [`countermeasures`]: changing them; [`response`] and [`sse`]:
//!   reading and marking responses, whole or streamed; [`body`]: streaming bodies
//!   through processors and recording exchanges when they end;
//! - [`decider`]: the [`Decider`] trait and its remote (HTTP to `distillguard serve`) and
//!   policy-file implementations;
//! - [`watermark`]: the account-keyed lexical watermark (pure functions) and its test;
//! - [`error`]: the one place errors become statuses and API-shaped bodies;
//! - [`metrics`]: the named counters; [`stub`]: an upstream stub for tests and benches.
//!
//! The gateway's own endpoints live under `/_distillguard/` (`healthz`, `metrics`).

pub mod body;
pub mod client;
pub mod countermeasures;
pub mod decider;
pub mod dialect;
pub mod error;
pub mod identity;
pub mod metrics;
pub mod proxy;
pub mod request;
pub mod response;
pub mod sse;
pub mod stub;
pub mod watermark;

use std::sync::Arc;

use axum::http::{HeaderName, Uri};
use axum::routing::get;
use axum::Router;

pub use client::{http_client, HttpClient};
pub use decider::{Decider, PolicyDecider, RemoteConfig, RemoteDecider};
pub use error::GatewayError;
pub use metrics::Metrics;
pub use watermark::WatermarkKey;

/// Default request body limit (the Messages API's own limit is 32 MB).
pub const DEFAULT_MAX_BODY_BYTES: usize = 32 * 1024 * 1024;

/// What to do when the decider cannot answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FailMode {
    /// Allow the request (logged, counted in `distillguard_gateway_fail_open_total`).
    #[default]
    Open,
    /// Refuse it with 503 in the API's shape.
    Closed,
}

/// The upstream API's base URL.
#[derive(Debug, Clone)]
pub struct Upstream {
    scheme: String,
    authority: String,
    base_path: String,
}

impl Upstream {
    /// Parses `http(s)://host[:port][/base/path]`.
    pub fn parse(url: &str) -> Result<Upstream, GatewayError> {
        let bad = |why: &str| GatewayError::InvalidRequest(format!("upstream URL {url:?}: {why}"));
        let uri: Uri = url.parse().map_err(|_| bad("not a URL"))?;
        let scheme = uri
            .scheme_str()
            .ok_or_else(|| bad("needs http:// or https://"))?;
        if scheme != "http" && scheme != "https" {
            return Err(bad("needs http:// or https://"));
        }
        let authority = uri.authority().ok_or_else(|| bad("needs a host"))?;
        Ok(Upstream {
            scheme: scheme.to_string(),
            authority: authority.to_string(),
            base_path: uri.path().trim_end_matches('/').to_string(),
        })
    }

    /// The upstream URI for a request's path and query.
    pub fn join(&self, path_and_query: &str) -> Result<Uri, GatewayError> {
        format!(
            "{}://{}{}{}",
            self.scheme, self.authority, self.base_path, path_and_query
        )
        .parse()
        .map_err(|_| GatewayError::InvalidRequest(format!("bad request path {path_and_query:?}")))
    }
}

/// Validated gateway settings.
#[derive(Debug, Clone)]
pub struct Config {
    pub upstream: Upstream,
    /// Trusted header naming the account (removed before forwarding).
    pub account_header: Option<HeaderName>,
    /// Take the client IP from the last `X-Forwarded-For` entry.
    pub trust_forwarded_for: bool,
    pub max_body_bytes: usize,
    pub fail_mode: FailMode,
    /// Needed for the watermark countermeasure; without it marking is skipped (warned).
    pub watermark_key: Option<WatermarkKey>,
}

impl Config {
    pub fn new(upstream: Upstream) -> Config {
        Config {
            upstream,
            account_header: None,
            trust_forwarded_for: false,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            fail_mode: FailMode::Open,
            watermark_key: None,
        }
    }
}

/// Everything the handler shares.
pub struct Gateway {
    pub config: Config,
    pub decider: Arc<dyn Decider>,
    pub client: HttpClient,
    pub metrics: Arc<Metrics>,
}

async fn healthz() -> &'static str {
    "ok\n"
}

async fn metrics_text(axum::extract::State(gateway): axum::extract::State<Arc<Gateway>>) -> String {
    gateway.metrics.render()
}

/// The gateway application. Serve it with `into_make_service_with_connect_info::<SocketAddr>()`
/// so that exchanges carry the client address.
pub fn app(gateway: Arc<Gateway>) -> Router {
    Router::new()
        .route("/_distillguard/healthz", get(healthz))
        .route("/_distillguard/metrics", get(metrics_text))
        .fallback(proxy::handle)
        .with_state(gateway)
}

/// Parses a header name given on the command line (case-insensitive).
pub fn header_name(name: &str) -> Result<HeaderName, GatewayError> {
    HeaderName::try_from(name.trim().to_ascii_lowercase())
        .map_err(|_| GatewayError::InvalidRequest(format!("{name:?} is not a header name")))
}

/// Serves the gateway on a bound listener until `shutdown` resolves.
pub async fn serve(
    listener: tokio::net::TcpListener,
    gateway: Arc<Gateway>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        app(gateway).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}
