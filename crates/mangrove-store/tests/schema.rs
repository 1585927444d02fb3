//! The schema is written twice, once per database's migrations, and the
//! projections describe their tables a third time (`projection::TABLES`).
//! These tests hold the three to one another: every projection table and
//! column exists in the migrated schema with the kind the projection
//! writes, and the SQLite and PostgreSQL migrations make the same tables
//! with the same columns.

use mangrove_store::projection::{Kind, TABLES};
use mangrove_store::testing::TestDatabase;
use mangrove_store::{Db, Store};
use std::collections::BTreeMap;

/// Table → column → whether the column holds integers, as migrated.
type Schema = BTreeMap<String, BTreeMap<String, bool>>;

/// Tables sqlx and the databases keep for themselves.
fn is_internal(table: &str) -> bool {
    table.starts_with("_sqlx") || table.starts_with("sqlite_")
}

async fn migrated_schema(store: &Store) -> Schema {
    let columns: Vec<(String, String, String)> = match store.db() {
        Db::Sqlite(pool) => sqlx::query_as(
            "SELECT m.name, p.name, upper(p.type) FROM sqlite_master m JOIN pragma_table_info(m.name) p \
             WHERE m.type = 'table'",
        )
        .fetch_all(pool)
        .await
        .expect("SQLite lists its columns"),
        Db::Postgres(pool) => sqlx::query_as(
            "SELECT table_name::text, column_name::text, upper(data_type::text) FROM information_schema.columns \
             WHERE table_schema = current_schema()",
        )
        .fetch_all(pool)
        .await
        .expect("PostgreSQL lists its columns"),
    };
    let mut schema = Schema::new();
    for (table, column, kind) in columns.into_iter().filter(|(table, _, _)| !is_internal(table)) {
        let integer = kind.contains("INT");
        schema.entry(table).or_default().insert(column, integer);
    }
    schema
}

#[tokio::test]
async fn every_projection_column_exists_with_its_kind_in_the_migrated_schema() {
    for database in TestDatabase::all().await {
        let store = Store::open(database.options.clone()).await.expect("the store opens and migrates");
        let schema = migrated_schema(&store).await;
        for table in &TABLES {
            let migrated = schema
                .get(table.name)
                .unwrap_or_else(|| panic!("{}: no table {} for its projection", database.name, table.name));
            for (column, kind) in table.columns {
                let integer = migrated.get(*column).unwrap_or_else(|| {
                    panic!("{}: the projection writes {}.{column}, which no migration made", database.name, table.name)
                });
                assert_eq!(
                    *integer,
                    matches!(kind, Kind::Int),
                    "{}: {}.{column} has another kind",
                    database.name,
                    table.name
                );
            }
        }
    }
}

#[tokio::test]
async fn the_sqlite_and_postgresql_migrations_make_the_same_tables_and_columns() {
    let Some(postgres) = TestDatabase::postgres().await else {
        println!("MANGROVE_TEST_POSTGRES is not set; the PostgreSQL side of the comparison is skipped");
        return;
    };
    let sqlite = TestDatabase::sqlite();
    let mut schemas = Vec::new();
    for database in [&sqlite, &postgres] {
        let store = Store::open(database.options.clone()).await.expect("the store opens and migrates");
        schemas.push(migrated_schema(&store).await);
    }
    let names = |schema: &Schema| -> BTreeMap<String, Vec<String>> {
        schema.iter().map(|(table, columns)| (table.clone(), columns.keys().cloned().collect())).collect()
    };
    assert_eq!(
        names(&schemas[0]),
        names(&schemas[1]),
        "SQLite's tables and columns (left) against PostgreSQL's (right)"
    );
    for (table, columns) in &schemas[0] {
        for (column, integer) in columns {
            assert_eq!(Some(integer), schemas[1][table].get(column), "{table}.{column}: integer in one, not the other");
        }
    }
}
