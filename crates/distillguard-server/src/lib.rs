//! The HTTP service of `distillguard serve`: a thin shell around the library crates.
//!
//! What flows in: HTTP requests, the validated [`Config`], and a data directory
//! ([`DataDir`]: admin token, object store, published report). What flows out: the
//! responses of the mounted routers.
//!
//! What it owns:
//! - [`app`]: the one place where sub-routers are merged (`/healthz`, `/readyz`, TAXII,
//!   and the live API of [`live_api`] when the state has a [`Live`] service);
//! - [`auth`]: tokens → [`Principal`](distillguard_sharing::taxii::Principal) and
//!   [`roles::Caller`]; every route but `/healthz` and `/readyz` needs one (Bearer, or
//!   HTTP Basic with the token as password);
//! - [`roles`]: ingest, read, analyst, admin;
//! - [`error`]: [`ServerError`] and [`error::status_of`], the one function that maps errors
//!   to HTTP statuses;
//! - [`publish`]: turning `report.json` into the `distillguard-indicators` collection.

pub mod auth;
pub mod config;
pub mod data_dir;
pub mod error;
mod health;
pub mod live_api;
pub mod publish;
pub mod roles;

use std::sync::Arc;

use axum::routing::get;
use axum::Router;
use distillguard_live::service::Side;
use distillguard_live::Live;
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
    /// The live detection service (absent for TAXII-only uses such as `intel publish`).
    pub live: Option<Arc<Live>>,
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
            live: None,
        })
    }

    /// [`AppState::open`] plus the live service on `DIR/live.sqlite`, or on the
    /// PostgreSQL database `live.database_url` names (restored from it).
    pub fn open_live(config: &Config, data: &DataDir, side: Side) -> Result<AppState, ServerError> {
        let mut state = AppState::open(config, data)?;
        let live = Live::open(&data.live_path(), config.live.clone(), side)?;
        state.live = Some(Arc::new(live));
        Ok(state)
    }
}

/// The whole HTTP application: public routes, then everything behind the token check.
pub fn app(state: AppState) -> Router {
    let mut protected = Router::new().merge(taxii::router(Arc::clone(&state.taxii)));
    let mut public = Router::new().route("/healthz", get(health::healthz));
    if let Some(live) = &state.live {
        protected = protected.merge(live_api::router(Arc::clone(live)));
        public = public.merge(
            Router::new()
                .route("/readyz", get(live_api::readyz))
                .with_state(Arc::clone(live)),
        );
    }
    let protected = protected.layer(axum::middleware::from_fn_with_state(
        Arc::clone(&state.tokens),
        auth::require_token,
    ));
    public.merge(protected)
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
mod live_tests;
#[cfg(test)]
mod tests;
