//! TAXII 2.1 service: collections of STIX objects that partners pull from and push to.
//!
//! In: HTTP requests (through [`router`]), each carrying the caller's [`Principal`] in its
//! extensions (put there by the server's authentication layer), and bundles published
//! locally ([`store::publish_bundle`]). Out: TAXII 2.1 resources (discovery, API root,
//! collections, objects, manifest, status) as `application/taxii+json;version=2.1`.
//!
//! What it owns: the collection definitions and per-caller read/write rights
//! ([`TaxiiConfig`], [`Principal`]), media-type negotiation ([`media`]), pagination and
//! filters (`added_after`, `limit`/`next`, `match[id|type|version|spec_version]`), and the
//! object store behind the small [`store::ObjectStore`] trait (SQLite in
//! [`sqlite::SqliteStore`], so partners' pushes survive restarts).

mod handlers;
pub mod media;
pub mod sqlite;
pub mod store;

use std::collections::BTreeSet;
use std::sync::Arc;

use axum::routing::get;
use axum::Router;

use crate::ids::uuid_for;
pub use handlers::error_response;
pub use store::ObjectStore;

/// Alias of the collection our own indicators are published in (read-only over TAXII).
pub const INDICATORS_COLLECTION: &str = "distillguard-indicators";
/// Alias of the collection partners push their intelligence to.
pub const PARTNER_COLLECTION: &str = "partner-intel";

/// One TAXII collection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CollectionSpec {
    /// Stable UUID (derived from the alias).
    pub id: String,
    /// Short name usable in URLs instead of the id.
    pub alias: String,
    pub title: String,
    pub description: String,
    /// Whether anyone may read it over TAXII (still subject to the caller's rights).
    pub readable: bool,
    /// Whether anyone may add objects over TAXII (still subject to the caller's rights).
    pub writable: bool,
}

impl CollectionSpec {
    pub fn new(
        alias: &str,
        title: &str,
        description: &str,
        readable: bool,
        writable: bool,
    ) -> Self {
        CollectionSpec {
            id: uuid_for(&format!("taxii-collection|{alias}")),
            alias: alias.to_string(),
            title: title.to_string(),
            description: description.to_string(),
            readable,
            writable,
        }
    }

    /// Whether `key` (from a URL or a permission list) names this collection.
    pub fn is_named(&self, key: &str) -> bool {
        key == self.id || key == self.alias
    }
}

/// The TAXII service as a whole: one API root and its collections.
#[derive(Debug, Clone, PartialEq)]
pub struct TaxiiConfig {
    pub title: String,
    pub description: String,
    /// Path segment of the API root, e.g. `api` → `/api/`.
    pub api_root: String,
    /// Base URL clients reach us at (e.g. `https://intel.example.com`); when absent the
    /// request's `Host` is used.
    pub public_url: Option<String>,
    pub collections: Vec<CollectionSpec>,
    /// Largest request body accepted, in bytes.
    pub max_content_length: usize,
    /// Largest page returned, whatever `limit` asks.
    pub max_page_size: usize,
}

impl Default for TaxiiConfig {
    /// The two collections of `distillguard serve`.
    fn default() -> Self {
        TaxiiConfig {
            title: "distillguard intelligence sharing".to_string(),
            description: "Indicators of distillation campaigns against LLM APIs (STIX 2.1).".to_string(),
            api_root: "api".to_string(),
            public_url: None,
            collections: vec![
                CollectionSpec::new(
                    INDICATORS_COLLECTION,
                    "distillguard indicators",
                    "Campaigns, techniques and infrastructure indicators published from our reports.",
                    true,
                    false,
                ),
                CollectionSpec::new(
                    PARTNER_COLLECTION,
                    "Partner intelligence",
                    "Indicators partners push to us; imported into detection.",
                    true,
                    true,
                ),
            ],
            max_content_length: 10 * 1024 * 1024,
            max_page_size: 1000,
        }
    }
}

impl TaxiiConfig {
    pub fn collection(&self, key: &str) -> Option<&CollectionSpec> {
        self.collections.iter().find(|c| c.is_named(key))
    }
}

/// Which collections a caller may use, by alias or id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Access {
    All,
    Only(BTreeSet<String>),
}

impl Access {
    pub fn none() -> Self {
        Access::Only(BTreeSet::new())
    }

    pub fn allows(&self, collection: &CollectionSpec) -> bool {
        match self {
            Access::All => true,
            Access::Only(keys) => keys.iter().any(|key| collection.is_named(key)),
        }
    }
}

/// An authenticated caller and its rights. The server's authentication layer inserts one
/// into each request's extensions; a request without one is answered 401.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub name: String,
    pub read: Access,
    pub write: Access,
    /// Administrators may read every status resource.
    pub admin: bool,
}

impl Principal {
    pub fn admin(name: &str) -> Self {
        Principal {
            name: name.to_string(),
            read: Access::All,
            write: Access::All,
            admin: true,
        }
    }

    pub fn can_read(&self, collection: &CollectionSpec) -> bool {
        collection.readable && self.read.allows(collection)
    }

    pub fn can_write(&self, collection: &CollectionSpec) -> bool {
        collection.writable && self.write.allows(collection)
    }
}

/// What the handlers share.
pub struct TaxiiState {
    pub config: TaxiiConfig,
    pub store: Arc<dyn ObjectStore>,
}

/// The TAXII 2.1 routes: `/taxii2/` and everything under `/{api_root}/`.
pub fn router(state: Arc<TaxiiState>) -> Router {
    let root = format!("/{}", state.config.api_root);
    Router::new()
        .route("/taxii2/", get(handlers::discovery))
        .route(&format!("{root}/"), get(handlers::api_root))
        .route(&format!("{root}/collections/"), get(handlers::collections))
        .route(
            &format!("{root}/collections/{{collection}}/"),
            get(handlers::collection),
        )
        .route(
            &format!("{root}/collections/{{collection}}/objects/"),
            get(handlers::get_objects).post(handlers::add_objects),
        )
        .route(
            &format!("{root}/collections/{{collection}}/objects/{{object}}/"),
            get(handlers::get_object),
        )
        .route(
            &format!("{root}/collections/{{collection}}/objects/{{object}}/versions/"),
            get(handlers::get_versions),
        )
        .route(
            &format!("{root}/collections/{{collection}}/manifest/"),
            get(handlers::get_manifest),
        )
        .route(
            &format!("{root}/status/{{status}}/"),
            get(handlers::get_status),
        )
        .layer(axum::middleware::from_fn(media::negotiate))
        .with_state(state)
}

#[cfg(test)]
mod tests;
