//! Open-loop load at a fixed rate, for `bench/gateway.sh` when `oha` is absent:
//! `loadgen URL RATE SECONDS` posts a Messages API body RATE times a second and prints
//! `p50_ms p99_ms achieved_rps errors`. Latency is measured from each request's
//! scheduled start, so a stalled server is not hidden (no coordinated omission).
//!
//! Other routes (`bench/check.sh`): `LOADGEN_PATH` (default `/v1/messages`),
//! `LOADGEN_BODY` (a JSON body) and `LOADGEN_BEARER` (a token for `authorization`).
//! `LOADGEN_FROM=sent` measures from when the request was actually sent instead: the
//! server's answer time without the generator's own timer lateness (tokio's timer
//! wheel has 1 ms resolution, so scheduled-start latency has up to ~1 ms of client lag).

use std::time::{Duration, Instant};

use axum::body::Body;
use http_body_util::BodyExt;

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(url), Some(rate), Some(seconds)) = (args.get(1), args.get(2), args.get(3)) else {
        eprintln!("usage: loadgen URL RATE SECONDS");
        std::process::exit(2);
    };
    let rate: u64 = rate.parse().unwrap_or(2000);
    let seconds: u64 = seconds.parse().unwrap_or(10);
    let default_body = r#"{"model":"m","max_tokens":100,"messages":[{"role":"user","content":"Explain caching."}]}"#;
    let path = std::env::var("LOADGEN_PATH").unwrap_or_else(|_| "/v1/messages".into());
    let body: &'static str = Box::leak(
        std::env::var("LOADGEN_BODY")
            .unwrap_or_else(|_| default_body.into())
            .into_boxed_str(),
    );
    let from_sent = std::env::var("LOADGEN_FROM").is_ok_and(|v| v == "sent");
    let bearer: &'static str = Box::leak(
        std::env::var("LOADGEN_BEARER")
            .map(|t| format!("Bearer {t}"))
            .unwrap_or_default()
            .into_boxed_str(),
    );
    let client = distillguard_gateway::http_client();
    let total = rate * seconds;
    let interval = Duration::from_nanos(1_000_000_000 / rate.max(1));
    let start = Instant::now();
    let mut tasks = Vec::with_capacity(total as usize);
    for i in 0..total {
        let scheduled = start + interval * i as u32;
        tokio::time::sleep_until(scheduled.into()).await;
        let client = client.clone();
        let target = format!("{url}{path}");
        tasks.push(tokio::spawn(async move {
            let origin = if from_sent { Instant::now() } else { scheduled };
            let mut request = axum::http::Request::post(target)
                .header("content-type", "application/json")
                .header("x-api-key", "sk-bench");
            if !bearer.is_empty() {
                request = request.header("authorization", bearer);
            }
            let request = request.body(Body::from(body)).ok()?;
            let response = client.request(request).await.ok()?;
            let ok = response.status().is_success();
            response.into_body().collect().await.ok()?;
            ok.then(|| origin.elapsed())
        }));
    }
    let mut latencies = Vec::with_capacity(tasks.len());
    let mut errors = 0;
    for task in tasks {
        match task.await {
            Ok(Some(latency)) => latencies.push(latency),
            _ => errors += 1,
        }
    }
    let elapsed = start.elapsed().as_secs_f64();
    latencies.sort_unstable();
    let at = |q: f64| {
        latencies
            .get(((latencies.len() as f64 * q) as usize).min(latencies.len().saturating_sub(1)))
            .map(|d| d.as_secs_f64() * 1000.0)
            .unwrap_or(f64::NAN)
    };
    println!(
        "{:.3} {:.3} {:.0} {}",
        at(0.50),
        at(0.99),
        latencies.len() as f64 / elapsed,
        errors
    );
}
