//! Durable storage for Mangrove on SQLite (the embedded default: one file,
//! WAL, `synchronous=FULL`) or PostgreSQL (`postgres://...`), with the same
//! schema and SQL. [`Store::open`] migrates, replays the journal into
//! memory, checks it against the projections, and starts the one writer
//! (the [`sequencer`]). Reads are served from memory, from a copy to which
//! the writer applies a group only once it is durable, so a reader never
//! sees what is not yet durable.
//!
//! ```no_run
//! # async fn example() -> Result<(), mangrove_store::StoreError> {
//! use mangrove_store::{Store, StoreOptions};
//! let store = Store::open(StoreOptions::new("mangrove.db")).await?;
//! let head = store.ledger().read().await.latest_head.clone();
//! # Ok(()) }
//! ```

mod db;
pub mod projection;
pub mod published;
pub mod sequencer;
#[cfg(test)]
mod simulation;
mod sqlite_writer;
#[doc(hidden)]
pub mod testing;
pub mod verify;

pub use db::{Db, Evidence, SnapshotRow, StoredEvent, UserRecord};
pub use published::{Published, ReadMode, ReadView};
pub use sequencer::{Fatal, Receipt, SequencerHandle, SubmitError};

use mangrove_app::{App, AppCommand, DeploymentCommand, Domains, JournalEvent, Submission};
use mangrove_core::merkle::{Hash, MerkleTree};
use mangrove_core::proof::{ConsistencyProof, InclusionProof};
use mangrove_core::signing::{DeploymentKey, KeyChange, KeyError, SignedTreeHead};
use mangrove_core::Date;
use mangrove_registry::Actor;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("could not migrate the database: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error(transparent)]
    Key(#[from] KeyError),
    /// The journal, a tree head or a projection disagrees with the rest.
    #[error("verification failed: {0}")]
    Discrepancy(String),
    #[error("{0}")]
    Invalid(String),
}

/// The time in milliseconds since the Unix epoch; an input, for determinism.
pub type Clock = Arc<dyn Fn() -> i64 + Send + Sync>;

pub fn system_clock() -> Clock {
    Arc::new(|| {
        let since_epoch = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock after 1970");
        i64::try_from(since_epoch.as_millis()).expect("milliseconds fit in i64")
    })
}

/// The calendar date in Thailand (UTC+7) at `time_ms`.
pub fn bangkok_date(time_ms: i64) -> Date {
    const BANGKOK_OFFSET_MS: i64 = 7 * 3_600_000;
    let days = (time_ms + BANGKOK_OFFSET_MS).div_euclid(86_400_000);
    let date =
        time::Date::from_julian_day(2_440_588 + i32::try_from(days).expect("dates within range")).expect("valid day");
    Date::from_ymd(date.year(), date.month() as u8, date.day()).expect("valid date")
}

/// The durable state as readers see it: the publisher applies each group
/// to a new version once it has committed (see [`published`]).
#[derive(Clone)]
pub struct Ledger {
    pub app: App,
    pub tree: MerkleTree,
    pub chain_hash: Hash,
    pub latest_head: Option<SignedTreeHead>,
    /// The deployment keys the journal names, for the snapshots' seals.
    pub keys: verify::JournalKeys,
}

/// Where the database is: a SQLite file or a PostgreSQL server.
#[derive(Debug, Clone)]
pub enum Location {
    Sqlite(PathBuf),
    Postgres(Box<PgConnectOptions>),
}

impl Location {
    /// `postgres://...` or `postgresql://...`, `sqlite://PATH`, or a plain file path.
    pub fn parse(url: &str) -> Result<Location, StoreError> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let options = PgConnectOptions::from_str(url)
                .map_err(|error| StoreError::Invalid(format!("'{url}' is not a PostgreSQL URL: {error}")))?;
            return Ok(Location::Postgres(Box::new(options)));
        }
        let path = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")).unwrap_or(url);
        if path.is_empty() {
            return Err(StoreError::Invalid("the database path is empty".into()));
        }
        Ok(Location::Sqlite(PathBuf::from(path)))
    }

    /// The deployment key's default file: beside a SQLite database, or
    /// `mangrove.key` in the working directory for PostgreSQL.
    pub fn default_key_path(&self) -> PathBuf {
        match self {
            Location::Sqlite(path) => {
                let mut name = path.file_name().map(|name| name.to_os_string()).unwrap_or_default();
                name.push(".key");
                path.with_file_name(name)
            }
            Location::Postgres(_) => PathBuf::from("mangrove.key"),
        }
    }
}

/// How to open a store.
#[derive(Clone)]
pub struct StoreOptions {
    pub location: Location,
    pub key_path: PathBuf,
    /// A public key (hex) the operator holds: the history must start from
    /// it (see [`verify::Trust`]), or the store refuses to open.
    pub pinned_public_key: Option<String>,
    pub clock: Clock,
    pub group_commands_max: usize,
    /// Start from the latest snapshot and the journal's tail (see
    /// [`verify::load_for_start`]); when false, replay and check everything.
    pub start_from_snapshot: bool,
    /// Take a snapshot whenever this many events were committed since the
    /// last one; 0 never does.
    pub snapshot_every_events: u64,
    /// How readers and the publisher meet (versions, or the old shared lock
    /// for comparison).
    pub read_mode: ReadMode,
    /// The plugged domains the store runs (the ones this build registers,
    /// unless a test plugs in its own).
    pub domains: Domains,
    /// The simulation's disk in place of the writer thread.
    #[cfg(test)]
    pub(crate) disk: Option<simulation::SimDisk>,
}

/// Events between automatic snapshots, by default.
pub const SNAPSHOT_EVERY_EVENTS: u64 = 100_000;
/// Snapshots kept; older ones are deleted as new ones are stored.
pub const SNAPSHOTS_KEPT: u64 = 2;

/// Commands per group commit, at most.
pub const GROUP_COMMANDS_MAX: usize = 4_096;

impl StoreOptions {
    /// Options for a database URL or path, with the default key file.
    pub fn new(url: &str) -> Self {
        let location = Location::parse(url).unwrap_or_else(|_| Location::Sqlite(PathBuf::from(url)));
        Self::at(location)
    }
    pub fn at(location: Location) -> Self {
        StoreOptions {
            key_path: location.default_key_path(),
            pinned_public_key: None,
            location,
            clock: system_clock(),
            group_commands_max: GROUP_COMMANDS_MAX,
            start_from_snapshot: true,
            snapshot_every_events: SNAPSHOT_EVERY_EVENTS,
            read_mode: ReadMode::default(),
            domains: Domains::registered(),
            #[cfg(test)]
            disk: None,
        }
    }
}

/// SQLite's page cache per connection: negative means KiB, so 64 MiB.
pub(crate) const SQLITE_CACHE_SIZE: &str = "-65536";

/// Opens a pool and brings the schema up to date, with the tables of the
/// domains this build registers.
pub async fn connect(location: &Location) -> Result<Db, StoreError> {
    connect_for(location, &Domains::registered()).await
}

/// Opens a pool and brings the schema up to date: the migrations, then
/// the tables of these plugged domains.
pub async fn connect_for(location: &Location, domains: &Domains) -> Result<Db, StoreError> {
    let db = migrate(location).await?;
    for (_, table) in domains.tables() {
        db.create_table(table).await?;
    }
    Ok(db)
}

async fn migrate(location: &Location) -> Result<Db, StoreError> {
    match location {
        Location::Sqlite(path) => {
            let options = SqliteConnectOptions::new()
                .filename(path)
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                // An acknowledgement means durable: fsync at every commit.
                .synchronous(SqliteSynchronous::Full)
                .busy_timeout(Duration::from_secs(10))
                // The writer does not copy the log into the database file at
                // its commits; a background task does (`checkpoint_in_background`),
                // so that work and its fsync stay off the path of every answer.
                .pragma("wal_autocheckpoint", "0")
                // The projections' pages a commit updates stay in memory
                // instead of being read back from the file at every commit.
                .pragma("cache_size", SQLITE_CACHE_SIZE)
                .statement_cache_capacity(db::statement_cache_capacity());
            let pool = SqlitePoolOptions::new().max_connections(4).connect_with(options).await?;
            sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
            Ok(Db::Sqlite(pool))
        }
        Location::Postgres(options) => {
            let options = (**options).clone().statement_cache_capacity(db::statement_cache_capacity());
            let pool = PgPoolOptions::new().max_connections(8).connect_with(options).await?;
            sqlx::migrate!("./migrations/postgres").run(&pool).await?;
            Ok(Db::Postgres(pool))
        }
    }
}

/// An open store: the database, the in-memory state and the writer.
#[derive(Clone)]
pub struct Store {
    db: Db,
    ledger: Arc<Published>,
    sequencer: SequencerHandle,
    key: Arc<DeploymentKey>,
    clock: Clock,
    subscription: tokio::sync::watch::Receiver<u64>,
    groups: tokio::sync::broadcast::Sender<Arc<sequencer::CommittedGroup>>,
    fatal: Fatal,
    started_from_snapshot: Option<u64>,
}

impl Store {
    pub async fn open(options: StoreOptions) -> Result<Store, StoreError> {
        let (key, created) = DeploymentKey::load_or_create(&options.key_path)?;
        if created {
            tracing::info!(path = %options.key_path.display(), "created the deployment signing key");
        }
        let db = connect_for(&options.location, &options.domains).await?;
        let key_hex = key.public_key_hex();
        let trust = verify::Trust {
            pinned: options.pinned_public_key.as_deref(),
            key_file: Some((&options.key_path, &key_hex)),
            domains: Some(&options.domains),
        };
        let loaded = if options.start_from_snapshot {
            verify::load_for_start(&db, trust).await?
        } else {
            verify::load_and_verify_trusting(&db, trust).await?
        };
        match loaded.started_from_snapshot {
            Some(position) => tracing::info!(
                events = loaded.tree.len(),
                snapshot = position,
                "started from the snapshot at {position} and replayed the journal after it"
            ),
            None => tracing::info!(events = loaded.tree.len(), "journal replayed and checked against the projections"),
        }
        // The writer decides on its own copy; readers see this one.
        let loaded_from = loaded.started_from_snapshot;
        let working =
            sequencer::Working { app: loaded.app.clone(), tree: loaded.tree.clone(), chain_hash: loaded.chain_hash };
        let ledger = Arc::new(Published::new(
            Ledger {
                app: loaded.app,
                tree: loaded.tree,
                chain_hash: loaded.chain_hash,
                latest_head: loaded.latest_head,
                keys: loaded.keys,
            },
            options.read_mode,
        ));
        let key = Arc::new(key);
        let fatal = Fatal::default();
        let (committed, subscription) = tokio::sync::watch::channel(ledger.read().await.tree.len());
        let sequencer = sequencer::Sequencer {
            working,
            key: key.clone(),
            clock: options.clock.clone(),
            group_commands_max: options.group_commands_max.max(1),
            writer: Self::writer(&options, &db)?,
            fatal: fatal.clone(),
            closed: None,
        };
        let published = published::Publishing::new(ledger.clone());
        let (groups, _) = tokio::sync::broadcast::channel(sequencer::COMMITTED_GROUPS_BUFFERED);
        let publisher = sequencer::Publisher { db: db.clone(), published, committed, groups: groups.clone() };
        let handle = sequencer.spawn(publisher);
        if matches!(options.location, Location::Sqlite(_)) {
            tokio::spawn(checkpoint_in_background(db.clone(), subscription.clone()));
        }
        if options.snapshot_every_events > 0 {
            let since = loaded_from.unwrap_or(0);
            let (db, ledger, key, clock) = (db.clone(), ledger.clone(), key.clone(), options.clock.clone());
            let every = options.snapshot_every_events;
            tokio::spawn(snapshot_in_background(db, ledger, key, clock, subscription.clone(), every, since));
        }
        Ok(Store {
            db,
            ledger,
            sequencer: handle,
            key,
            clock: options.clock,
            subscription,
            groups,
            fatal,
            started_from_snapshot: loaded_from,
        })
    }

    fn writer(options: &StoreOptions, db: &Db) -> Result<sequencer::GroupWriter, StoreError> {
        #[cfg(test)]
        if let Some(disk) = &options.disk {
            return disk.attach(db).map(sequencer::GroupWriter::Simulated);
        }
        let _ = options;
        sequencer::GroupWriter::start(db)
    }

    pub fn db(&self) -> &Db {
        &self.db
    }
    /// The published state; `.read().await` gives the latest version.
    pub fn ledger(&self) -> &Arc<Published> {
        &self.ledger
    }
    pub fn sequencer(&self) -> &SequencerHandle {
        &self.sequencer
    }
    /// Wakes whenever a group commits; holds the journal's length.
    pub fn subscribe(&self) -> tokio::sync::watch::Receiver<u64> {
        self.subscription.clone()
    }
    /// Raised when this store can no longer write; see [`Fatal`].
    /// Each group committed from now on, with its events (see
    /// [`sequencer::COMMITTED_GROUPS_BUFFERED`] for a receiver that lags).
    pub fn committed_groups(&self) -> tokio::sync::broadcast::Receiver<Arc<sequencer::CommittedGroup>> {
        self.groups.subscribe()
    }
    pub fn fatal(&self) -> &Fatal {
        &self.fatal
    }
    pub fn public_key_hex(&self) -> String {
        self.key.public_key_hex()
    }
    /// The position of the snapshot this store started from, if it did.
    pub fn started_from_snapshot(&self) -> Option<u64> {
        self.started_from_snapshot
    }
    pub fn now_ms(&self) -> i64 {
        (self.clock)()
    }

    /// Journals the hand-over of the deployment to `new_public_key` (hex),
    /// signed by the key this store holds. The store then writes nothing
    /// more: the key file must be replaced by the new key before the next
    /// start, which will sign every later tree head.
    pub async fn change_key(&self, new_public_key: &str) -> Result<Receipt, SubmitError> {
        let change = KeyChange {
            previous_key: self.public_key_hex(),
            public_key: new_public_key.to_string(),
            signature: String::new(),
        };
        let command = AppCommand::Deployment(DeploymentCommand::ChangeDeploymentKey(change));
        let submission = Submission::new(&Actor::System, None, command)?;
        self.sequencer.submit(submission).await
    }

    /// Stores a snapshot of the state readers see now, unless there is no
    /// event yet, the latest snapshot stands there already, or the journal
    /// has handed the deployment to another key (the next start, with the
    /// new key, takes them). Returns the stored snapshot's position and size.
    pub async fn take_snapshot(&self) -> Result<Option<SnapshotTaken>, StoreError> {
        take_snapshot(&self.db, &self.ledger, &self.key, self.now_ms()).await
    }

    /// Events `first..end` as journaled.
    pub async fn journal(&self, first: u64, end: u64) -> Result<Vec<JournalEvent>, StoreError> {
        read_journal(&self.db, first, end).await
    }

    /// Proof that event `seq` is in the tree of the latest signed head.
    pub async fn inclusion_proof(&self, seq: u64) -> Result<InclusionProof, StoreError> {
        let (tree_head, audit_path) = {
            let ledger = self.ledger.read().await;
            let head = ledger.latest_head.clone().ok_or_else(|| StoreError::Invalid("the journal is empty".into()))?;
            let path = ledger
                .tree
                .inclusion_proof(seq, head.head.tree_size)
                .map_err(|_| StoreError::Invalid(format!("there is no event {seq}")))?;
            (head, path)
        };
        let body = self.db.events(seq, seq + 1).await?.pop().map(|event| event.body);
        let body = body.ok_or_else(|| StoreError::Invalid(format!("there is no event {seq}")))?;
        Ok(InclusionProof { body, leaf_index: seq, tree_head, audit_path })
    }

    /// Proof that the signed head of size `second` extends that of size `first`.
    pub async fn consistency_proof(&self, first: u64, second: u64) -> Result<ConsistencyProof, StoreError> {
        let signed = |size| async move {
            self.db
                .tree_head(size)
                .await?
                .ok_or_else(|| StoreError::Invalid(format!("no tree head was signed at size {size}")))
        };
        let (first_head, second_head) = (signed(first).await?, signed(second).await?);
        let path = self
            .ledger
            .read()
            .await
            .tree
            .consistency_proof(first, second)
            .map_err(|error| StoreError::Invalid(error.to_string()))?;
        Ok(ConsistencyProof { first: first_head, second: second_head, path })
    }
}

/// A snapshot just stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotTaken {
    pub position: u64,
    pub bytes: u64,
    pub state_hash: String,
}

/// See [`Store::take_snapshot`]. The state is copied from the published
/// version (held only while it is copied, since the publisher reuses it two
/// groups later) and encoded, hashed and signed outside it.
async fn take_snapshot(
    db: &Db,
    ledger: &Published,
    key: &Arc<DeploymentKey>,
    taken_ms: i64,
) -> Result<Option<SnapshotTaken>, StoreError> {
    let latest = db.latest_snapshot_position().await?;
    let ours = key.public_key_hex();
    let (app, position, chain_hash, keys) = {
        let ledger = ledger.read().await;
        let position = ledger.tree.len();
        let handed_over =
            ledger.keys.current().is_some_and(|current| !mangrove_core::signing::same_key(current, &ours));
        if position == 0 || handed_over || latest.is_some_and(|latest| latest >= position) {
            return Ok(None);
        }
        (ledger.app.clone(), position, ledger.chain_hash, ledger.keys.clone())
    };
    let key = key.clone();
    let row =
        tokio::task::spawn_blocking(move || verify::seal_snapshot(&app, position, chain_hash, &keys, &key, taken_ms))
            .await
            .map_err(|error| StoreError::Invalid(format!("the snapshot could not be made: {error}")))?;
    db.insert_snapshot(&row, SNAPSHOTS_KEPT).await?;
    Ok(Some(SnapshotTaken { position, bytes: row.body.len() as u64, state_hash: row.state_hash }))
}

/// Takes a snapshot each time `every` more events have committed, until
/// the store closes. A failed snapshot is logged and tried again later:
/// nothing depends on it.
async fn snapshot_in_background(
    db: Db,
    ledger: Arc<Published>,
    key: Arc<DeploymentKey>,
    clock: Clock,
    mut committed: tokio::sync::watch::Receiver<u64>,
    every: u64,
    mut last: u64,
) {
    while committed.changed().await.is_ok() {
        let length = *committed.borrow_and_update();
        if length < last.saturating_add(every) {
            continue;
        }
        match take_snapshot(&db, &ledger, &key, clock()).await {
            Ok(Some(taken)) => {
                tracing::info!(position = taken.position, bytes = taken.bytes, "snapshot stored");
                last = taken.position;
            }
            Ok(None) => last = length,
            Err(error) => {
                tracing::warn!(%error, "a snapshot could not be stored; the next will be tried later");
                last = length;
            }
        }
    }
}

/// Pause between checkpoints while commits keep coming: each checkpoint
/// competes with the writer for the disk and the processor, so it copies
/// a second's commits at once (tens of MB at full load), not a fifth's.
const CHECKPOINT_INTERVAL: Duration = Duration::from_millis(1000);

/// Checkpoints SQLite's write-ahead log after commits, at most every
/// [`CHECKPOINT_INTERVAL`], until the writer stops.
async fn checkpoint_in_background(db: Db, mut commits: tokio::sync::watch::Receiver<u64>) {
    while commits.changed().await.is_ok() {
        if let Err(error) = db.checkpoint().await {
            tracing::warn!(%error, "a checkpoint of the write-ahead log failed; the next commit retries");
        }
        tokio::time::sleep(CHECKPOINT_INTERVAL).await;
    }
}

pub(crate) async fn read_journal(db: &Db, first: u64, end: u64) -> Result<Vec<JournalEvent>, StoreError> {
    db.events(first, end)
        .await?
        .iter()
        .map(|event| {
            mangrove_app::journal_format::read_event(&event.body)
                .map_err(|error| StoreError::Discrepancy(format!("event {}: unreadable: {error}", event.seq)))
        })
        .collect()
}

/// Opens a database without starting a writer and checks everything
/// (`mangrove verify`). `key_path`, when the file exists, must hold the
/// history's current key.
pub async fn verify_database(location: &Location, key_path: Option<&Path>) -> Result<verify::Loaded, StoreError> {
    verify_database_pinned(location, key_path, None).await
}

/// [`verify_database`], and with `pinned_public_key` (hex) the history must
/// start from that key (see [`verify::Trust`]).
pub async fn verify_database_pinned(
    location: &Location,
    key_path: Option<&Path>,
    pinned_public_key: Option<&str>,
) -> Result<verify::Loaded, StoreError> {
    let key_file = match key_path {
        Some(path) if path.exists() => Some((path, DeploymentKey::load(path)?.public_key_hex())),
        _ => None,
    };
    let db = connect(location).await?;
    let trust = verify::Trust {
        pinned: pinned_public_key,
        key_file: key_file.as_ref().map(|(path, key)| (*path, key.as_str())),
        domains: None,
    };
    verify::load_and_verify_trusting(&db, trust).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bangkok_dates_turn_at_five_in_the_afternoon_utc() {
        // 2025-12-31 16:59:59 UTC is 23:59:59 in Bangkok; a second later it is 2026.
        let before = 1_767_200_399_000;
        assert_eq!(bangkok_date(before).to_string(), "2025-12-31");
        assert_eq!(bangkok_date(before + 1_000).to_string(), "2026-01-01");
    }

    #[test]
    fn locations_parse() {
        assert!(matches!(Location::parse("postgres://u@127.0.0.1/test").unwrap(), Location::Postgres(_)));
        let Location::Sqlite(path) = Location::parse("sqlite://data/m.db").unwrap() else { panic!() };
        assert_eq!(path, PathBuf::from("data/m.db"));
        assert_eq!(Location::parse("m.db").unwrap().default_key_path(), PathBuf::from("m.db.key"));
        assert!(Location::parse("").is_err());
    }
}
