//! The two databases behind one enum. The SQL is the same for both; the
//! `backend!` macro writes each function once and compiles it twice, once
//! per sqlx driver, so each copy is type-checked against its own database.

use crate::projection::{Changes, Kind, Row, Table, Value};
use mangrove_core::signing::SignedTreeHead;
use serde::Serialize;

/// One journal row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEvent {
    pub seq: u64,
    pub time_ms: i64,
    pub command_id: String,
    pub actor: String,
    pub body: String,
    pub leaf_hash: String,
    pub chain_hash: String,
}

/// One stored snapshot of the state (see the `snapshots` table).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotRow {
    /// How many events the state has applied.
    pub position: u64,
    pub taken_ms: i64,
    /// Hex of the SHA-256 of `body`.
    pub state_hash: String,
    /// Hex of the hash chain after the last event applied.
    pub chain_hash: String,
    /// The key record at `position`, as JSON.
    pub keys: String,
    /// Hex of the key that signed it, and its signature over the seal.
    pub public_key: String,
    pub signature: String,
    pub body: Vec<u8>,
}

/// What a report of abuse points to, kept outside the journal: the message
/// and its context as JSON (`body`), committed to in the journal by
/// `evidence_hash`, the SHA-256 of `salt` and `body`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evidence {
    pub evidence_hash: String,
    pub salt: String,
    pub body: String,
    pub reporter_id: i64,
    pub created_at_ms: i64,
    pub kept_until_ms: i64,
}

/// A signed-in person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UserRecord {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    #[serde(skip)]
    pub password_hash: String,
    /// The organisation the login is a member of; none for a person.
    pub org_id: Option<i64>,
    pub role: String,
    pub created_at_ms: i64,
    /// `pending`, `active` or `disabled`: only an active login signs in.
    pub status: String,
    /// Opens the journal's commitment to this login's username and name.
    #[serde(skip)]
    pub identity_salt: String,
}

/// Bind variables per statement, under SQLite's limit of 32,766.
pub(crate) const BIND_VARIABLES_MAX: usize = 30_000;

/// Projection tables and the journal, in statements per table of at most
/// this many distinct row counts, each a power of two: a group of 37 rows
/// is written as 32 + 4 + 1, so the databases' statement caches hold every
/// statement and nothing is parsed twice.
pub(crate) const STATEMENT_CACHE_CAPACITY: usize = 1_024;

/// Splits `items` into runs of power-of-two lengths, each at most `max`.
pub(crate) fn power_of_two_chunks<T>(mut items: &[T], max: usize) -> impl Iterator<Item = &[T]> {
    let max = if max.is_power_of_two() { max } else { max.next_power_of_two() / 2 }.max(1);
    std::iter::from_fn(move || {
        if items.is_empty() {
            return None;
        }
        let take = if items.len() >= max { max } else { 1 << items.len().ilog2() };
        let (chunk, rest) = items.split_at(take);
        items = rest;
        Some(chunk)
    })
}

pub(crate) fn statement_cache_capacity() -> usize {
    STATEMENT_CACHE_CAPACITY
}

fn to_i64(value: u64) -> i64 {
    i64::try_from(value).expect("sequence numbers fit in i64")
}

/// For a lookup, where a number past any stored one finds nothing.
fn to_i64_saturating(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

/// What a group-commit statement writes, for its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Shape {
    Events,
    /// Rows of this projection table.
    Upsert(&'static Table),
    /// Keys of rows to remove from that table.
    Delete(&'static Table),
}

/// The columns of a journal row, in the order every writer binds them.
const EVENT_COLUMNS: &str = "seq, time_ms, command_id, actor, body, leaf_hash, chain_hash";

/// One group commit's tree head, bound as size, time, root, key, signature.
pub(crate) const INSERT_TREE_HEAD: &str =
    "INSERT INTO tree_heads (tree_size, timestamp_ms, root_hash, public_key, signature) VALUES ($1, $2, $3, $4, $5)";

/// The text of a group-commit statement for `rows` rows, the same for both
/// databases: `INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4)` (for a
/// projection, upserting on its key), or `DELETE FROM t WHERE (k) IN
/// (VALUES ($1), ($2))`. Values are bound row by row, column by column.
pub(crate) fn statement_text(shape: Shape, rows: usize) -> String {
    let values = |width: usize| {
        let row = |r: usize| {
            let marks: Vec<String> = (1..=width).map(|c| format!("${}", r * width + c)).collect();
            format!("({})", marks.join(", "))
        };
        (0..rows).map(row).collect::<Vec<_>>().join(", ")
    };
    match shape {
        Shape::Events => format!("INSERT INTO events ({EVENT_COLUMNS}) VALUES {}", values(7)),
        Shape::Upsert(spec) => {
            let names: Vec<&str> = spec.columns.iter().map(|(name, _)| *name).collect();
            let updates: Vec<String> =
                names[spec.key_columns..].iter().map(|name| format!("{name} = excluded.{name}")).collect();
            let conflict = if updates.is_empty() {
                "DO NOTHING".to_string()
            } else {
                format!("DO UPDATE SET {}", updates.join(", "))
            };
            format!(
                "INSERT INTO {} ({}) VALUES {} ON CONFLICT ({}) {conflict}",
                spec.name,
                names.join(", "),
                values(names.len()),
                names[..spec.key_columns].join(", ")
            )
        }
        Shape::Delete(spec) => {
            let keys: Vec<&str> = spec.columns[..spec.key_columns].iter().map(|(name, _)| *name).collect();
            format!("DELETE FROM {} WHERE ({}) IN (VALUES {})", spec.name, keys.join(", "), values(keys.len()))
        }
    }
}

/// Writes one group commit on PostgreSQL: events, projection rows and the
/// signed tree head, in one transaction. (On SQLite the sequencer's thread
/// writes its groups on a connection of its own: `sqlite_writer.rs`.)
pub(crate) async fn write_group_postgres(
    pool: &sqlx::PgPool,
    events: &[StoredEvent],
    changes: &Changes,
    head: &SignedTreeHead,
) -> sqlx::Result<()> {
    let mut tx = pool.begin().await?;
    for chunk in power_of_two_chunks(events, BIND_VARIABLES_MAX / 7) {
        let text = statement_text(Shape::Events, chunk.len());
        let mut query = sqlx::query(&text);
        for event in chunk {
            query = query
                .bind(to_i64(event.seq))
                .bind(event.time_ms)
                .bind(event.command_id.as_str())
                .bind(event.actor.as_str())
                .bind(event.body.as_str())
                .bind(event.leaf_hash.as_str())
                .bind(event.chain_hash.as_str());
        }
        query.execute(&mut *tx).await?;
    }
    let rows = changes.upserts.iter().map(|(table, rows)| (Shape::Upsert(table), rows));
    let keys = changes.deletes.iter().map(|(table, keys)| (Shape::Delete(table), keys));
    for (shape, rows) in rows.chain(keys) {
        let Some(width) = rows.first().map(Vec::len) else { continue };
        for chunk in power_of_two_chunks(rows, BIND_VARIABLES_MAX / width) {
            let text = statement_text(shape, chunk.len());
            let mut query = sqlx::query(&text);
            for value in chunk.iter().flatten() {
                query = match value {
                    Value::Int(value) => query.bind(*value),
                    Value::Text(value) => query.bind(value.as_deref()),
                };
            }
            query.execute(&mut *tx).await?;
        }
    }
    sqlx::query(INSERT_TREE_HEAD)
        .bind(to_i64(head.head.tree_size))
        .bind(head.head.timestamp_ms)
        .bind(hex::encode(head.head.root_hash))
        .bind(&head.public_key)
        .bind(&head.signature)
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

macro_rules! backend {
    ($module:ident, $Db:ty) => {
        pub mod $module {
            use super::*;
            use sqlx::{Pool, Row as _};

            type Db = $Db;

            /// Every row of a projection table, in key order.
            pub async fn read_table(pool: &Pool<Db>, spec: &Table) -> sqlx::Result<Vec<Row>> {
                let names: Vec<&str> = spec.columns.iter().map(|(name, _)| *name).collect();
                let sql = format!(
                    "SELECT {} FROM {} ORDER BY {}",
                    names.join(", "),
                    spec.name,
                    names[..spec.key_columns].join(", ")
                );
                let rows = sqlx::query(&sql).fetch_all(pool).await?;
                rows.iter()
                    .map(|row| {
                        spec.columns
                            .iter()
                            .enumerate()
                            .map(|(index, (_, kind))| match kind {
                                Kind::Int => row.try_get::<Option<i64>, _>(index).map(Value::Int),
                                Kind::Text => row.try_get::<Option<String>, _>(index).map(Value::Text),
                            })
                            .collect()
                    })
                    .collect()
            }

            pub async fn create_table(pool: &Pool<Db>, spec: &Table) -> sqlx::Result<()> {
                sqlx::query(&spec.create_statement()).execute(pool).await.map(drop)
            }

            fn event_from(row: &<Db as sqlx::Database>::Row) -> sqlx::Result<StoredEvent> {
                Ok(StoredEvent {
                    seq: u64::try_from(row.try_get::<i64, _>(0)?).unwrap_or(u64::MAX),
                    time_ms: row.try_get(1)?,
                    command_id: row.try_get(2)?,
                    actor: row.try_get(3)?,
                    body: row.try_get(4)?,
                    leaf_hash: row.try_get(5)?,
                    chain_hash: row.try_get(6)?,
                })
            }

            /// Events with `first <= seq < end`, in order.
            pub async fn events(pool: &Pool<Db>, first: u64, end: u64) -> sqlx::Result<Vec<StoredEvent>> {
                let sql = format!("SELECT {EVENT_COLUMNS} FROM events WHERE seq >= $1 AND seq < $2 ORDER BY seq");
                let rows = sqlx::query(&sql).bind(to_i64_saturating(first)).bind(to_i64_saturating(end)).fetch_all(pool).await?;
                rows.iter().map(event_from).collect()
            }

            pub async fn tree_heads(pool: &Pool<Db>) -> sqlx::Result<Vec<SignedTreeHead>> {
                let rows = sqlx::query(
                    "SELECT tree_size, timestamp_ms, root_hash, public_key, signature FROM tree_heads ORDER BY tree_size",
                )
                .fetch_all(pool)
                .await?;
                rows.iter().map(tree_head_from).collect()
            }

            pub async fn tree_head(pool: &Pool<Db>, size: u64) -> sqlx::Result<Option<SignedTreeHead>> {
                let row = sqlx::query(
                    "SELECT tree_size, timestamp_ms, root_hash, public_key, signature FROM tree_heads WHERE tree_size = $1",
                )
                .bind(to_i64_saturating(size))
                .fetch_optional(pool)
                .await?;
                row.as_ref().map(tree_head_from).transpose()
            }

            fn tree_head_from(row: &<Db as sqlx::Database>::Row) -> sqlx::Result<SignedTreeHead> {
                let root: String = row.try_get(2)?;
                let mut root_hash = [0u8; 32];
                // A malformed stored root becomes all zeros, which verification then reports.
                if let Ok(bytes) = hex::decode(&root) {
                    if bytes.len() == 32 {
                        root_hash.copy_from_slice(&bytes);
                    }
                }
                Ok(SignedTreeHead {
                    head: mangrove_core::signing::TreeHead {
                        tree_size: u64::try_from(row.try_get::<i64, _>(0)?).unwrap_or(u64::MAX),
                        timestamp_ms: row.try_get(1)?,
                        root_hash,
                    },
                    public_key: row.try_get(3)?,
                    signature: row.try_get(4)?,
                })
            }

            const USER_COLUMNS: &str =
                "id, username, display_name, password_hash, org_id, role, created_at_ms, status, identity_salt";

            fn user_from(row: &<Db as sqlx::Database>::Row) -> sqlx::Result<UserRecord> {
                Ok(UserRecord {
                    id: row.try_get(0)?,
                    username: row.try_get(1)?,
                    display_name: row.try_get(2)?,
                    password_hash: row.try_get(3)?,
                    org_id: row.try_get(4)?,
                    role: row.try_get(5)?,
                    created_at_ms: row.try_get(6)?,
                    status: row.try_get(7)?,
                    identity_salt: row.try_get(8)?,
                })
            }

            pub async fn insert_user(pool: &Pool<Db>, user: &UserRecord) -> sqlx::Result<i64> {
                let row = sqlx::query(
                    "INSERT INTO users (username, display_name, password_hash, org_id, role, created_at_ms, status, identity_salt) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                )
                .bind(&user.username)
                .bind(&user.display_name)
                .bind(&user.password_hash)
                .bind(user.org_id)
                .bind(&user.role)
                .bind(user.created_at_ms)
                .bind(&user.status)
                .bind(&user.identity_salt)
                .fetch_one(pool)
                .await?;
                row.try_get(0)
            }

            pub async fn user_by_username(pool: &Pool<Db>, username: &str) -> sqlx::Result<Option<UserRecord>> {
                let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE username = $1");
                sqlx::query(&sql).bind(username).fetch_optional(pool).await?.as_ref().map(user_from).transpose()
            }

            pub async fn users(pool: &Pool<Db>) -> sqlx::Result<Vec<UserRecord>> {
                let sql = format!("SELECT {USER_COLUMNS} FROM users ORDER BY id");
                sqlx::query(&sql).fetch_all(pool).await?.iter().map(user_from).collect()
            }

            pub async fn insert_session(pool: &Pool<Db>, token_hash: &str, user: i64, now_ms: i64, expires_ms: i64) -> sqlx::Result<()> {
                sqlx::query("INSERT INTO sessions (token_hash, user_id, created_at_ms, expires_at_ms) VALUES ($1, $2, $3, $4)")
                    .bind(token_hash)
                    .bind(user)
                    .bind(now_ms)
                    .bind(expires_ms)
                    .execute(pool)
                    .await?;
                Ok(())
            }

            pub async fn session_user(pool: &Pool<Db>, token_hash: &str, now_ms: i64) -> sqlx::Result<Option<UserRecord>> {
                let columns = USER_COLUMNS.split(", ").map(|c| format!("u.{c}")).collect::<Vec<_>>().join(", ");
                let sql = format!(
                    "SELECT {columns} FROM sessions s JOIN users u ON u.id = s.user_id \
                     WHERE s.token_hash = $1 AND s.expires_at_ms > $2 AND u.status = 'active'"
                );
                sqlx::query(&sql).bind(token_hash).bind(now_ms).fetch_optional(pool).await?.as_ref().map(user_from).transpose()
            }

            pub async fn set_user_status(pool: &Pool<Db>, user: i64, status: &str) -> sqlx::Result<()> {
                sqlx::query("UPDATE users SET status = $1 WHERE id = $2").bind(status).bind(user).execute(pool).await?;
                Ok(())
            }

            /// Removes a login whose creation was never journaled, with its sessions.
            pub async fn delete_user(pool: &Pool<Db>, user: i64) -> sqlx::Result<()> {
                sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user).execute(pool).await?;
                sqlx::query("DELETE FROM users WHERE id = $1").bind(user).execute(pool).await?;
                Ok(())
            }

            pub async fn delete_sessions_of(pool: &Pool<Db>, user: i64) -> sqlx::Result<()> {
                sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user).execute(pool).await?;
                Ok(())
            }

            pub async fn delete_session(pool: &Pool<Db>, token_hash: &str) -> sqlx::Result<()> {
                sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(pool).await?;
                Ok(())
            }

            pub async fn insert_evidence(pool: &Pool<Db>, evidence: &Evidence) -> sqlx::Result<()> {
                sqlx::query(
                    "INSERT INTO world_evidence (evidence_hash, salt, body, reporter_id, created_at_ms, kept_until_ms) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(&evidence.evidence_hash)
                .bind(&evidence.salt)
                .bind(&evidence.body)
                .bind(evidence.reporter_id)
                .bind(evidence.created_at_ms)
                .bind(evidence.kept_until_ms)
                .execute(pool)
                .await?;
                Ok(())
            }

            pub async fn evidence(pool: &Pool<Db>, evidence_hash: &str) -> sqlx::Result<Option<Evidence>> {
                let row = sqlx::query(
                    "SELECT evidence_hash, salt, body, reporter_id, created_at_ms, kept_until_ms \
                     FROM world_evidence WHERE evidence_hash = $1",
                )
                .bind(evidence_hash)
                .fetch_optional(pool)
                .await?;
                row.map(|row| {
                    Ok(Evidence {
                        evidence_hash: row.try_get(0)?,
                        salt: row.try_get(1)?,
                        body: row.try_get(2)?,
                        reporter_id: row.try_get(3)?,
                        created_at_ms: row.try_get(4)?,
                        kept_until_ms: row.try_get(5)?,
                    })
                })
                .transpose()
            }

            /// Erases one piece of evidence; true if it was there.
            pub async fn delete_evidence(pool: &Pool<Db>, evidence_hash: &str) -> sqlx::Result<bool> {
                let done = sqlx::query("DELETE FROM world_evidence WHERE evidence_hash = $1").bind(evidence_hash).execute(pool).await?;
                Ok(done.rows_affected() > 0)
            }

            /// Erases the evidence whose retention has ended; returns how much.
            pub async fn delete_expired_evidence(pool: &Pool<Db>, now_ms: i64) -> sqlx::Result<u64> {
                let done = sqlx::query("DELETE FROM world_evidence WHERE kept_until_ms <= $1").bind(now_ms).execute(pool).await?;
                Ok(done.rows_affected())
            }

            /// One factory's activity years as stored: (year, GWP set, combustion method, lines as JSON).
            pub async fn factory_years_of(pool: &Pool<Db>, org: i64) -> sqlx::Result<Vec<(i64, String, String, String)>> {
                let rows = sqlx::query("SELECT year, gwp_set, combustion, lines FROM factory_years WHERE org_id = $1 ORDER BY year")
                    .bind(org)
                    .fetch_all(pool)
                    .await?;
                rows.iter().map(|row| Ok((row.try_get(0)?, row.try_get(1)?, row.try_get(2)?, row.try_get(3)?))).collect()
            }

            /// Stores a snapshot and keeps only the newest `keep` of them.
            pub async fn insert_snapshot(pool: &Pool<Db>, snapshot: &SnapshotRow, keep: u64) -> sqlx::Result<()> {
                let mut tx = pool.begin().await?;
                sqlx::query(
                    "INSERT INTO snapshots (position, taken_ms, state_hash, chain_hash, keys, public_key, signature, body) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (position) DO NOTHING",
                )
                .bind(to_i64_saturating(snapshot.position))
                .bind(snapshot.taken_ms)
                .bind(&snapshot.state_hash)
                .bind(&snapshot.chain_hash)
                .bind(&snapshot.keys)
                .bind(&snapshot.public_key)
                .bind(&snapshot.signature)
                .bind(&snapshot.body)
                .execute(&mut *tx)
                .await?;
                sqlx::query(
                    "DELETE FROM snapshots WHERE position NOT IN \
                     (SELECT position FROM snapshots ORDER BY position DESC LIMIT $1)",
                )
                .bind(to_i64_saturating(keep))
                .execute(&mut *tx)
                .await?;
                tx.commit().await
            }

            const SNAPSHOT_COLUMNS: &str = "position, taken_ms, state_hash, chain_hash, keys, public_key, signature, body";

            fn snapshot_from(row: &<Db as sqlx::Database>::Row) -> sqlx::Result<SnapshotRow> {
                Ok(SnapshotRow {
                    position: u64::try_from(row.try_get::<i64, _>(0)?).unwrap_or(u64::MAX),
                    taken_ms: row.try_get(1)?,
                    state_hash: row.try_get(2)?,
                    chain_hash: row.try_get(3)?,
                    keys: row.try_get(4)?,
                    public_key: row.try_get(5)?,
                    signature: row.try_get(6)?,
                    body: row.try_get(7)?,
                })
            }

            /// Every stored snapshot, oldest first.
            pub async fn snapshots(pool: &Pool<Db>) -> sqlx::Result<Vec<SnapshotRow>> {
                let sql = format!("SELECT {SNAPSHOT_COLUMNS} FROM snapshots ORDER BY position");
                let rows = sqlx::query(&sql).fetch_all(pool).await?;
                rows.iter().map(snapshot_from).collect()
            }

            /// The newest snapshot, if any.
            pub async fn latest_snapshot(pool: &Pool<Db>) -> sqlx::Result<Option<SnapshotRow>> {
                let sql = format!("SELECT {SNAPSHOT_COLUMNS} FROM snapshots ORDER BY position DESC LIMIT 1");
                let row = sqlx::query(&sql).fetch_optional(pool).await?;
                row.as_ref().map(snapshot_from).transpose()
            }

            /// Where the newest snapshot stands, without reading its body.
            pub async fn latest_snapshot_position(pool: &Pool<Db>) -> sqlx::Result<Option<u64>> {
                let position: Option<i64> = sqlx::query_scalar("SELECT max(position) FROM snapshots").fetch_one(pool).await?;
                Ok(position.and_then(|position| u64::try_from(position).ok()))
            }

            /// `(seq, leaf_hash)` of the events with `first <= seq < end`, in order.
            pub async fn leaf_hashes(pool: &Pool<Db>, first: u64, end: u64) -> sqlx::Result<Vec<(i64, String)>> {
                sqlx::query_as("SELECT seq, leaf_hash FROM events WHERE seq >= $1 AND seq < $2 ORDER BY seq")
                    .bind(to_i64_saturating(first))
                    .bind(to_i64_saturating(end))
                    .fetch_all(pool)
                    .await
            }

            pub async fn setting(pool: &Pool<Db>, name: &str) -> sqlx::Result<Option<String>> {
                sqlx::query_scalar("SELECT value FROM settings WHERE name = $1").bind(name).fetch_optional(pool).await
            }

            pub async fn set_setting(pool: &Pool<Db>, name: &str, value: &str) -> sqlx::Result<()> {
                sqlx::query(
                    "INSERT INTO settings (name, value) VALUES ($1, $2) \
                     ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                )
                .bind(name)
                .bind(value)
                .execute(pool)
                .await?;
                Ok(())
            }

            /// Runs raw SQL (tests use it to tamper with a database).
            pub async fn execute(pool: &Pool<Db>, sql: &str) -> sqlx::Result<u64> {
                Ok(sqlx::query(sql).execute(pool).await?.rows_affected())
            }
        }
    };
}

backend!(sqlite, sqlx::Sqlite);
backend!(postgres, sqlx::Postgres);

/// An open database of either kind.
#[derive(Debug, Clone)]
pub enum Db {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

/// Calls the same-named function of the right backend.
macro_rules! dispatch {
    ($db:expr, $function:ident ( $($arg:expr),* )) => {
        match $db {
            Db::Sqlite(pool) => sqlite::$function(pool, $($arg),*).await,
            Db::Postgres(pool) => postgres::$function(pool, $($arg),*).await,
        }
    };
}

impl Db {
    pub async fn read_table(&self, table: &Table) -> sqlx::Result<Vec<Row>> {
        dispatch!(self, read_table(table))
    }
    /// Creates a plugged domain's table if it is not there yet.
    pub async fn create_table(&self, table: &Table) -> sqlx::Result<()> {
        dispatch!(self, create_table(table))
    }
    pub async fn events(&self, first: u64, end: u64) -> sqlx::Result<Vec<StoredEvent>> {
        dispatch!(self, events(first, end))
    }
    pub async fn tree_heads(&self) -> sqlx::Result<Vec<mangrove_core::signing::SignedTreeHead>> {
        dispatch!(self, tree_heads())
    }
    pub async fn tree_head(&self, size: u64) -> sqlx::Result<Option<mangrove_core::signing::SignedTreeHead>> {
        dispatch!(self, tree_head(size))
    }
    pub async fn insert_user(&self, user: &UserRecord) -> sqlx::Result<i64> {
        dispatch!(self, insert_user(user))
    }
    pub async fn user_by_username(&self, username: &str) -> sqlx::Result<Option<UserRecord>> {
        dispatch!(self, user_by_username(username))
    }
    pub async fn users(&self) -> sqlx::Result<Vec<UserRecord>> {
        dispatch!(self, users())
    }
    pub async fn insert_session(&self, token_hash: &str, user: i64, now_ms: i64, expires_ms: i64) -> sqlx::Result<()> {
        dispatch!(self, insert_session(token_hash, user, now_ms, expires_ms))
    }
    pub async fn session_user(&self, token_hash: &str, now_ms: i64) -> sqlx::Result<Option<UserRecord>> {
        dispatch!(self, session_user(token_hash, now_ms))
    }
    pub async fn set_user_status(&self, user: i64, status: &str) -> sqlx::Result<()> {
        dispatch!(self, set_user_status(user, status))
    }
    pub async fn delete_user(&self, user: i64) -> sqlx::Result<()> {
        dispatch!(self, delete_user(user))
    }
    pub async fn delete_sessions_of(&self, user: i64) -> sqlx::Result<()> {
        dispatch!(self, delete_sessions_of(user))
    }
    pub async fn delete_session(&self, token_hash: &str) -> sqlx::Result<()> {
        dispatch!(self, delete_session(token_hash))
    }
    pub async fn insert_evidence(&self, evidence: &Evidence) -> sqlx::Result<()> {
        dispatch!(self, insert_evidence(evidence))
    }
    pub async fn evidence(&self, evidence_hash: &str) -> sqlx::Result<Option<Evidence>> {
        dispatch!(self, evidence(evidence_hash))
    }
    pub async fn delete_evidence(&self, evidence_hash: &str) -> sqlx::Result<bool> {
        dispatch!(self, delete_evidence(evidence_hash))
    }
    pub async fn delete_expired_evidence(&self, now_ms: i64) -> sqlx::Result<u64> {
        dispatch!(self, delete_expired_evidence(now_ms))
    }
    pub async fn factory_years_of(&self, org: i64) -> sqlx::Result<Vec<(i64, String, String, String)>> {
        dispatch!(self, factory_years_of(org))
    }
    /// A fact about the deployment kept outside the journal (see the `settings` table).
    pub async fn setting(&self, name: &str) -> sqlx::Result<Option<String>> {
        dispatch!(self, setting(name))
    }
    pub async fn set_setting(&self, name: &str, value: &str) -> sqlx::Result<()> {
        dispatch!(self, set_setting(name, value))
    }
    pub async fn execute(&self, sql: &str) -> sqlx::Result<u64> {
        dispatch!(self, execute(sql))
    }
    pub async fn insert_snapshot(&self, snapshot: &SnapshotRow, keep: u64) -> sqlx::Result<()> {
        dispatch!(self, insert_snapshot(snapshot, keep))
    }
    pub async fn snapshots(&self) -> sqlx::Result<Vec<SnapshotRow>> {
        dispatch!(self, snapshots())
    }
    pub async fn latest_snapshot(&self) -> sqlx::Result<Option<SnapshotRow>> {
        dispatch!(self, latest_snapshot())
    }
    pub async fn latest_snapshot_position(&self) -> sqlx::Result<Option<u64>> {
        dispatch!(self, latest_snapshot_position())
    }
    pub async fn leaf_hashes(&self, first: u64, end: u64) -> sqlx::Result<Vec<(i64, String)>> {
        dispatch!(self, leaf_hashes(first, end))
    }

    /// SQLite: copies committed pages from the write-ahead log into the
    /// database file, on its own connection and without waiting for the
    /// writer (a passive checkpoint). PostgreSQL checkpoints by itself.
    pub async fn checkpoint(&self) -> sqlx::Result<()> {
        if let Db::Sqlite(pool) = self {
            sqlx::query("PRAGMA wal_checkpoint(PASSIVE)").execute(pool).await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::{power_of_two_chunks, statement_text, Shape};
    use crate::projection::TABLES;

    #[test]
    fn statement_texts_name_every_column_once_per_row() {
        let upsert = statement_text(Shape::Upsert(&TABLES[1]), 2);
        assert_eq!(
            upsert,
            "INSERT INTO accounts (id, org_id, person_id, kind) VALUES ($1, $2, $3, $4), ($5, $6, $7, $8) \
             ON CONFLICT (id) DO UPDATE SET org_id = excluded.org_id, person_id = excluded.person_id, \
             kind = excluded.kind"
        );
        assert_eq!(
            statement_text(Shape::Delete(&TABLES[1]), 2),
            "DELETE FROM accounts WHERE (id) IN (VALUES ($1), ($2))"
        );
        assert_eq!(statement_text(Shape::Events, 1).matches('$').count(), 7);
    }

    #[test]
    fn chunks_are_powers_of_two_within_the_bound() {
        let items: Vec<u32> = (0..37).collect();
        let sizes: Vec<usize> = power_of_two_chunks(&items, 16).map(<[u32]>::len).collect();
        assert_eq!(sizes, [16, 16, 4, 1]);
        let all: Vec<u32> = power_of_two_chunks(&items, 4_285).flatten().copied().collect();
        assert_eq!(all, items, "every item once, in order");
        assert_eq!(power_of_two_chunks(&items[..0], 8).count(), 0);
    }
}
