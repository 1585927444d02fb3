//! The one writer's own connection to a SQLite database. Group commits are
//! the hot path of every acknowledgement, so on SQLite they do not go
//! through sqlx's worker thread (a channel hop and a copy of every bound
//! value per statement): the writer thread binds the group's rows straight
//! into cached prepared statements on a connection of its own. The SQL is
//! `db.rs`'s, the same PostgreSQL's groups are written with (multi-row
//! inserts and upserts in power-of-two chunks); everything else —
//! migrations, reads, verification — stays on sqlx.

use crate::db::{
    power_of_two_chunks, statement_text, Shape, StoredEvent, BIND_VARIABLES_MAX, INSERT_TREE_HEAD,
    STATEMENT_CACHE_CAPACITY,
};
use crate::projection::{Changes, Row, Value};
use mangrove_core::signing::SignedTreeHead;
use rusqlite::{Connection, Statement, TransactionBehavior};
use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

pub(crate) struct SqliteWriter {
    connection: Connection,
    /// Statement texts by shape and row count, built once.
    texts: HashMap<(Shape, usize), String>,
}

impl SqliteWriter {
    /// Opens the writer's connection to a database already migrated, with
    /// the settings of the pool's: WAL, an fsync at every commit, no
    /// checkpoints of its own, the same page cache.
    pub(crate) fn open(path: &Path) -> rusqlite::Result<SqliteWriter> {
        let connection = Connection::open(path)?;
        connection.busy_timeout(Duration::from_secs(10))?;
        connection.pragma_update(None, "journal_mode", "WAL")?;
        connection.pragma_update(None, "synchronous", "FULL")?;
        connection.pragma_update(None, "wal_autocheckpoint", 0)?;
        connection.pragma_update(None, "cache_size", crate::SQLITE_CACHE_SIZE)?;
        connection.set_prepared_statement_cache_capacity(STATEMENT_CACHE_CAPACITY);
        Ok(SqliteWriter { connection, texts: HashMap::new() })
    }

    /// Writes one group commit in one transaction: events, projection rows
    /// and the signed tree head, or nothing.
    pub(crate) fn write_group(
        &mut self,
        events: &[StoredEvent],
        changes: &Changes,
        head: &SignedTreeHead,
    ) -> rusqlite::Result<()> {
        let SqliteWriter { connection, texts } = self;
        let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
        for chunk in power_of_two_chunks(events, BIND_VARIABLES_MAX / 7) {
            let mut statement = prepare(&transaction, texts, Shape::Events, chunk.len())?;
            let mut index = 0;
            for event in chunk {
                let seq = i64::try_from(event.seq).expect("sequence numbers fit in i64");
                bind(&mut statement, &mut index, seq)?;
                bind(&mut statement, &mut index, event.time_ms)?;
                bind(&mut statement, &mut index, event.command_id.as_str())?;
                bind(&mut statement, &mut index, event.actor.as_str())?;
                bind(&mut statement, &mut index, event.body.as_str())?;
                bind(&mut statement, &mut index, event.leaf_hash.as_str())?;
                bind(&mut statement, &mut index, event.chain_hash.as_str())?;
            }
            statement.raw_execute()?;
        }
        for (table, rows) in &changes.upserts {
            write_rows(&transaction, texts, Shape::Upsert(table), rows)?;
        }
        for (table, keys) in &changes.deletes {
            write_rows(&transaction, texts, Shape::Delete(table), keys)?;
        }
        transaction.execute(
            INSERT_TREE_HEAD,
            rusqlite::params![
                i64::try_from(head.head.tree_size).expect("tree sizes fit in i64"),
                head.head.timestamp_ms,
                hex::encode(head.head.root_hash),
                head.public_key,
                head.signature,
            ],
        )?;
        transaction.commit()
    }
}

/// Upserts rows, or deletes rows by key, many per statement.
fn write_rows(
    connection: &Connection,
    texts: &mut HashMap<(Shape, usize), String>,
    shape: Shape,
    rows: &[Row],
) -> rusqlite::Result<()> {
    let Some(width) = rows.first().map(Vec::len) else { return Ok(()) };
    for chunk in power_of_two_chunks(rows, BIND_VARIABLES_MAX / width) {
        let mut statement = prepare(connection, texts, shape, chunk.len())?;
        let mut index = 0;
        for value in chunk.iter().flatten() {
            match value {
                Value::Int(value) => bind(&mut statement, &mut index, value)?,
                Value::Text(value) => bind(&mut statement, &mut index, value.as_deref())?,
            }
        }
        statement.raw_execute()?;
    }
    Ok(())
}

fn bind(statement: &mut Statement<'_>, index: &mut usize, value: impl rusqlite::ToSql) -> rusqlite::Result<()> {
    *index += 1;
    statement.raw_bind_parameter(*index, value)
}

fn prepare<'c>(
    connection: &'c Connection,
    texts: &mut HashMap<(Shape, usize), String>,
    shape: Shape,
    rows: usize,
) -> rusqlite::Result<rusqlite::CachedStatement<'c>> {
    let text = texts.entry((shape, rows)).or_insert_with(|| statement_text(shape, rows));
    connection.prepare_cached(text)
}
