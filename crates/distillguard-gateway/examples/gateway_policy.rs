//! The gateway with a policy decider, without the rest of the CLI (for the latency
//! bench on a busy machine): `gateway_policy UPSTREAM POLICY [WATERMARK_KEY_FILE]`.
//! Prints `gateway listening on http://ADDR/`.

use std::sync::Arc;

use distillguard_gateway::decider::policy::Policy;
use distillguard_gateway::{
    http_client, serve, Config, Gateway, Metrics, PolicyDecider, Upstream, WatermarkKey,
};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(upstream), Some(policy)) = (args.get(1), args.get(2)) else {
        return Err("usage: gateway_policy UPSTREAM POLICY [WATERMARK_KEY_FILE]".into());
    };
    let mut config = Config::new(Upstream::parse(upstream)?);
    if let Some(path) = args.get(3) {
        config.watermark_key = Some(WatermarkKey::new(&std::fs::read(path)?)?);
    }
    let metrics = Arc::new(Metrics::default());
    let decider = Arc::new(PolicyDecider::new(
        Policy::load(std::path::Path::new(policy))?,
        Arc::clone(&metrics),
    ));
    let gateway = Arc::new(Gateway {
        config,
        decider,
        client: http_client(),
        metrics,
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    println!("gateway listening on http://{}/", listener.local_addr()?);
    serve(listener, gateway, std::future::pending()).await?;
    Ok(())
}
