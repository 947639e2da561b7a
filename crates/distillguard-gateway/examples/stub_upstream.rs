//! Runs the upstream stub (`distillguard_gateway::stub`) for the SDK check and the
//! latency bench: `stub_upstream [ADDR]` (default 127.0.0.1:0); prints
//! `stub listening on http://ADDR/`.

use std::net::SocketAddr;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr: SocketAddr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:0".to_string())
        .parse()
        .map_err(|_| std::io::Error::other("usage: stub_upstream [host:port]"))?;
    let listener = tokio::net::TcpListener::bind(addr).await?;
    println!("stub listening on http://{}/", listener.local_addr()?);
    let (router, _state) = distillguard_gateway::stub::router();
    axum::serve(listener, router).await
}
