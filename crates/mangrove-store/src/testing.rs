//! Fresh databases for tests: a temporary SQLite file always, and a fresh
//! PostgreSQL schema too when `MANGROVE_TEST_POSTGRES` names a server
//! (a `postgres://` URL, or `1` for the local default).

use crate::{Location, StoreOptions};
use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection};
use std::path::PathBuf;
use std::str::FromStr;

/// The local server CI uses when the variable is just `1`.
pub const DEFAULT_TEST_POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

/// A database that lives as long as this value (the SQLite file's folder
/// is removed on drop; a PostgreSQL schema is left for inspection and is
/// uniquely named).
pub struct TestDatabase {
    pub name: &'static str,
    pub options: StoreOptions,
    pub url: String,
    _dir: tempfile::TempDir,
}

impl TestDatabase {
    pub fn sqlite() -> TestDatabase {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let path: PathBuf = dir.path().join("mangrove.db");
        let url = path.to_string_lossy().into_owned();
        let mut options = StoreOptions::at(Location::Sqlite(path));
        options.key_path = dir.path().join("mangrove.key");
        TestDatabase { name: "sqlite", options, url, _dir: dir }
    }

    /// A fresh schema on the test server, if one is configured.
    pub async fn postgres() -> Option<TestDatabase> {
        let setting = std::env::var("MANGROVE_TEST_POSTGRES").ok().filter(|value| !value.is_empty())?;
        let base = if setting == "1" { DEFAULT_TEST_POSTGRES_URL.to_string() } else { setting };
        let schema = format!("test_{}_{}", std::process::id(), unique_suffix());
        let admin = PgConnectOptions::from_str(&base).expect("MANGROVE_TEST_POSTGRES is a PostgreSQL URL");
        let mut connection = admin.connect().await.expect("the PostgreSQL test server answers");
        sqlx::query(&format!("CREATE SCHEMA {schema}")).execute(&mut connection).await.expect("create a test schema");
        connection.close().await.ok();
        let options = admin.options([("search_path", schema.as_str())]);
        let dir = tempfile::tempdir().expect("a temporary folder");
        let mut store_options = StoreOptions::at(Location::Postgres(Box::new(options)));
        store_options.key_path = dir.path().join("mangrove.key");
        let separator = if base.contains('?') { '&' } else { '?' };
        let url = format!("{base}{separator}options=-c%20search_path%3D{schema}");
        Some(TestDatabase { name: "postgres", options: store_options, url, _dir: dir })
    }

    /// SQLite, and PostgreSQL when configured.
    pub async fn all() -> Vec<TestDatabase> {
        let mut databases = vec![TestDatabase::sqlite()];
        databases.extend(TestDatabase::postgres().await);
        databases
    }
}

fn unique_suffix() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    u64::from(nanos) * 1_000 + COUNTER.fetch_add(1, Ordering::Relaxed)
}
