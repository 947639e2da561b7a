//! The HTTP client the gateway uses for the upstream API and the engine: hyper with
//! connection pooling, plain HTTP or HTTPS (rustls with the bundled webpki roots, so
//! nothing is fetched at run time).

use axum::body::Body;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

/// A pooled HTTP/1.1 client for `http://` and `https://` URLs.
pub type HttpClient = Client<hyper_rustls::HttpsConnector<HttpConnector>, Body>;

/// Builds the client.
pub fn http_client() -> HttpClient {
    let mut http = HttpConnector::new();
    http.set_nodelay(true);
    http.enforce_http(false);
    let tls = rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map(|builder| {
        builder
            .with_root_certificates(rustls::RootCertStore {
                roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
            })
            .with_no_client_auth()
    });
    let tls = match tls {
        Ok(config) => config,
        Err(_) => unreachable!("ring supports the default protocol versions"),
    };
    let https = hyper_rustls::HttpsConnectorBuilder::new()
        .with_tls_config(tls)
        .https_or_http()
        .enable_http1()
        .wrap_connector(http);
    Client::builder(TokioExecutor::new())
        .pool_max_idle_per_host(256)
        .build(https)
}
