//! [`RemoteDecider`]: decisions from a running `distillguard serve`, over HTTP.
//!
//! `check` posts the [`CheckRequest`] to `{engine}/v1/check` with the bearer token and
//! waits at most `check_timeout`. `record` puts the exchange on a bounded queue and
//! returns; a background task sends the queue to `{engine}/v1/exchanges` as NDJSON in
//! batches (at most `batch_max` records, or whatever arrived within `batch_wait`).
//! A full queue or a failed delivery drops records, counted in
//! `distillguard_gateway_records_dropped_total` and logged.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE};
use axum::http::{Method, Request, Uri};
use distillguard_model::check::{CheckRequest, CheckResponse};
use distillguard_model::Exchange;
use http_body_util::BodyExt;
use tokio::sync::mpsc;

use super::{BoxFuture, DecideError, Decider};
use crate::client::HttpClient;
use crate::metrics::Metrics;

/// How to reach the engine.
#[derive(Debug, Clone)]
pub struct RemoteConfig {
    /// Base URL of `distillguard serve`, e.g. `http://127.0.0.1:8080`.
    pub engine: String,
    pub token: String,
    pub check_timeout: Duration,
    pub batch_max: usize,
    pub batch_wait: Duration,
    pub queue: usize,
}

impl RemoteConfig {
    pub fn new(engine: &str, token: &str) -> RemoteConfig {
        RemoteConfig {
            engine: engine.trim_end_matches('/').to_string(),
            token: token.trim().to_string(),
            check_timeout: Duration::from_millis(250),
            batch_max: 500,
            batch_wait: Duration::from_millis(200),
            queue: 50_000,
        }
    }
}

/// Talks to `distillguard serve`.
pub struct RemoteDecider {
    config: RemoteConfig,
    check_uri: Uri,
    client: HttpClient,
    queue: mpsc::Sender<Exchange>,
    metrics: Arc<Metrics>,
}

fn uri(base: &str, path: &str) -> Result<Uri, DecideError> {
    format!("{base}{path}")
        .parse()
        .map_err(|e| DecideError::Unreachable(format!("engine URL {base:?}: {e}")))
}

impl RemoteDecider {
    /// Starts the record sender; must be called inside a Tokio runtime.
    pub fn start(
        config: RemoteConfig,
        client: HttpClient,
        metrics: Arc<Metrics>,
    ) -> Result<RemoteDecider, DecideError> {
        let check_uri = uri(&config.engine, "/v1/check")?;
        let exchanges_uri = uri(&config.engine, "/v1/exchanges")?;
        let (queue, receiver) = mpsc::channel(config.queue.max(1));
        tokio::spawn(send_batches(
            receiver,
            exchanges_uri,
            config.clone(),
            client.clone(),
            Arc::clone(&metrics),
        ));
        Ok(RemoteDecider {
            config,
            check_uri,
            client,
            queue,
            metrics,
        })
    }

    async fn ask(&self, request: &CheckRequest) -> Result<CheckResponse, DecideError> {
        let body =
            serde_json::to_vec(request).map_err(|e| DecideError::BadAnswer(e.to_string()))?;
        let http_request = Request::builder()
            .method(Method::POST)
            .uri(self.check_uri.clone())
            .header(CONTENT_TYPE, "application/json")
            .header(AUTHORIZATION, format!("Bearer {}", self.config.token))
            .body(Body::from(body))
            .map_err(|e| DecideError::Unreachable(e.to_string()))?;
        let response = self
            .client
            .request(http_request)
            .await
            .map_err(|e| DecideError::Unreachable(e.to_string()))?;
        let status = response.status();
        let bytes = response
            .into_body()
            .collect()
            .await
            .map_err(|e| DecideError::Unreachable(e.to_string()))?
            .to_bytes();
        if !status.is_success() {
            return Err(DecideError::Status {
                status: status.as_u16(),
                body: String::from_utf8_lossy(&bytes).chars().take(300).collect(),
            });
        }
        serde_json::from_slice(&bytes).map_err(|e| DecideError::BadAnswer(e.to_string()))
    }
}

impl Decider for RemoteDecider {
    fn check<'a>(
        &'a self,
        request: &'a CheckRequest,
    ) -> BoxFuture<'a, Result<CheckResponse, DecideError>> {
        Box::pin(async move {
            let limit = self.config.check_timeout;
            match tokio::time::timeout(limit, self.ask(request)).await {
                Ok(answer) => answer,
                Err(_) => Err(DecideError::Timeout(limit.as_millis() as u64)),
            }
        })
    }

    fn record(&self, exchange: Exchange) {
        if self.queue.try_send(exchange).is_err() {
            self.metrics.inc(|m| &m.records_dropped);
        }
    }
}

async fn send_batches(
    mut receiver: mpsc::Receiver<Exchange>,
    uri: Uri,
    config: RemoteConfig,
    client: HttpClient,
    metrics: Arc<Metrics>,
) {
    let mut batch: Vec<Exchange> = Vec::with_capacity(config.batch_max);
    loop {
        let Some(first) = receiver.recv().await else {
            return;
        };
        batch.push(first);
        let deadline = tokio::time::Instant::now() + config.batch_wait;
        while batch.len() < config.batch_max {
            match tokio::time::timeout_at(deadline, receiver.recv()).await {
                Ok(Some(exchange)) => batch.push(exchange),
                Ok(None) | Err(_) => break,
            }
        }
        let count = batch.len() as u64;
        let mut ndjson = Vec::with_capacity(batch.len() * 256);
        for exchange in batch.drain(..) {
            if serde_json::to_writer(&mut ndjson, &exchange).is_ok() {
                ndjson.push(b'\n');
            }
        }
        match deliver(&client, &uri, &config.token, ndjson).await {
            Ok(()) => metrics.add(|m| &m.records_sent, count),
            Err(reason) => {
                metrics.add(|m| &m.records_dropped, count);
                tracing::warn!(records = count, %reason, "could not deliver exchanges to the engine; dropped");
            }
        }
    }
}

async fn deliver(
    client: &HttpClient,
    uri: &Uri,
    token: &str,
    ndjson: Vec<u8>,
) -> Result<(), String> {
    let request = Request::builder()
        .method(Method::POST)
        .uri(uri.clone())
        .header(CONTENT_TYPE, "application/x-ndjson")
        .header(AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::from(ndjson))
        .map_err(|e| e.to_string())?;
    let response = client.request(request).await.map_err(|e| e.to_string())?;
    let status = response.status();
    let body = response
        .into_body()
        .collect()
        .await
        .map_err(|e| e.to_string())?
        .to_bytes();
    if status.is_success() {
        Ok(())
    } else {
        Err(format!(
            "{status}: {}",
            String::from_utf8_lossy(&body)
                .chars()
                .take(200)
                .collect::<String>()
        ))
    }
}
