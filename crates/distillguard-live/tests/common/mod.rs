//! Shared by the integration tests: a fresh schema on the PostgreSQL test server.

use distillguard_live::store::Database;

/// The PostgreSQL server the ignored tests use.
pub const POSTGRES_URL_VAR: &str = "DISTILLGUARD_TEST_POSTGRES_URL";

/// A fresh schema on the test server, so tests do not see each other's rows.
pub fn postgres_database() -> Database {
    let url = std::env::var(POSTGRES_URL_VAR)
        .unwrap_or_else(|_| panic!("{POSTGRES_URL_VAR} must name a PostgreSQL server"));
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    Database::Postgres {
        url,
        schema: format!("dg_it_{}_{n}_{nanos}", std::process::id()),
    }
}
