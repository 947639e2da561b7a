//! The HTTP service of `distillguard serve`: a thin shell around the library crates.
//!
//! What flows in: HTTP requests, the validated [`Config`], and a data directory
//! ([`DataDir`]: admin token, object store, published report). What flows out: the
//! responses of the mounted routers.
//!
//! What it owns:
//! - [`app`]: the one place where sub-routers are merged (today `/healthz` and TAXII;
//!   ingest and detection endpoints are meant to be merged here the same way);
//! - [`auth`]: tokens → [`Principal`](distillguard_sharing::taxii::Principal); every route
//!   but `/healthz` needs one (Bearer, or HTTP Basic with the token as password);
//! - [`error`]: [`ServerError`] and [`error::status_of`], the one function that maps errors
//!   to HTTP statuses;
//! - [`publish`]: turning `report.json` into the `distillguard-indicators` collection.

pub mod auth;
pub mod config;
pub mod data_dir;
pub mod error;
mod health;
pub mod publish;

use std::sync::Arc;

use axum::routing::get;
use axum::Router;
use distillguard_sharing::taxii::sqlite::SqliteStore;
use distillguard_sharing::taxii::{self, TaxiiState};

pub use auth::TokenRegistry;
pub use config::{Config, RawConfig};
pub use data_dir::DataDir;
pub use error::ServerError;

/// Everything the handlers share. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub tokens: Arc<TokenRegistry>,
    pub taxii: Arc<TaxiiState>,
}

impl AppState {
    /// Opens the data directory's store and loads the tokens (the admin token from the
    /// data directory, partners' from the config).
    pub fn open(config: &Config, data: &DataDir) -> Result<AppState, ServerError> {
        let admin_token = data.admin_token()?;
        let store = SqliteStore::open(&data.store_path())?;
        Ok(AppState {
            tokens: Arc::new(TokenRegistry::new(&admin_token.token, &config.tokens)),
            taxii: Arc::new(TaxiiState {
                config: config.taxii.clone(),
                store: Arc::new(store),
            }),
        })
    }
}

/// The whole HTTP application: public routes, then everything behind the token check.
pub fn app(state: AppState) -> Router {
    let protected = Router::new()
        .merge(taxii::router(Arc::clone(&state.taxii)))
        .layer(axum::middleware::from_fn_with_state(
            Arc::clone(&state.tokens),
            auth::require_token,
        ));
    Router::new()
        .route("/healthz", get(health::healthz))
        .merge(protected)
}

/// Serves `app` on a bound listener until `shutdown` resolves.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), ServerError> {
    axum::serve(listener, app(state))
        .with_graceful_shutdown(shutdown)
        .await
        .map_err(|source| ServerError::Io {
            path: "listener".into(),
            source,
        })
}

#[cfg(test)]
mod tests;
