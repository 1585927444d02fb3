//! Snapshots of the state: start-up begins from the latest one and the
//! journal's tail and reaches the state a full replay reaches; `verify`
//! replays everything and checks each snapshot it passes; a snapshot that
//! was altered, forged or signed by another key is refused by `verify`
//! and passed over at start-up, which then replays everything.

use mangrove_app::{App, Submission};
use mangrove_core::signing::DeploymentKey;
use mangrove_registry::{Actor, Command, Role};
use mangrove_store::testing::TestDatabase;
use mangrove_store::verify::{load_and_verify_trusting, load_for_start, Trust};
use mangrove_store::{connect, verify_database, Db, Location, Store, StoreOptions};
use std::path::{Path, PathBuf};
use std::time::Duration;

mod support;

/// The first organisation of a deployment is its operator.
fn organisation(name: &str) -> Submission {
    let role = if name == "Rayong City" { Role::Operator } else { Role::Proponent };
    let command = Command::CreateOrganisation { name: name.into(), role };
    Submission::new(&Actor::System, None, command).unwrap()
}

/// A copy of the format-1 demo journal (orders resting in a book, trades,
/// an auction, a key change), whose key file is its current key.
fn rich_database(directory: &Path) -> PathBuf {
    support::copy_of_format_1_journal(directory, "rich")
}

fn state_hash(app: &App) -> [u8; 32] {
    app.encode_state().state_hash
}

async fn database_of(path: &Path) -> Db {
    connect(&Location::Sqlite(path.to_path_buf())).await.unwrap()
}

#[tokio::test]
async fn start_up_begins_at_the_snapshot_and_reaches_the_state_of_a_full_replay() {
    let directory = tempfile::tempdir().unwrap();
    let path = rich_database(directory.path());
    let store = Store::open(StoreOptions::new(path.to_str().unwrap())).await.unwrap();
    let taken = store.take_snapshot().await.unwrap().expect("a snapshot of 124 events");
    assert_eq!(taken.position, 124);
    assert!(store.take_snapshot().await.unwrap().is_none(), "no second snapshot at the same position");
    for name in ["Ban Chang Cooperative", "Klaeng Fisheries"] {
        store.sequencer().submit(organisation(name)).await.unwrap();
    }
    drop(store);

    let db = database_of(&path).await;
    let started = load_for_start(&db, Trust::default()).await.unwrap();
    assert_eq!(started.started_from_snapshot, Some(124));
    assert_eq!(started.tree.len(), 126);
    let full = load_and_verify_trusting(&db, Trust::default()).await.unwrap();
    assert_eq!((full.started_from_snapshot, full.snapshots_checked), (None, 1));
    assert_eq!(state_hash(&started.app), state_hash(&full.app));
    assert_eq!(started.tree.root(), full.tree.root());
    assert_eq!(started.chain_hash, full.chain_hash);
    assert_eq!(started.keys, full.keys);
    assert_eq!(started.latest_head, full.latest_head);

    // The restored state takes commands as the replayed one does.
    let store = Store::open(StoreOptions::new(path.to_str().unwrap())).await.unwrap();
    store.sequencer().submit(organisation("Pluak Daeng Growers")).await.unwrap();
    drop(store);
    let verified = verify_database(&Location::Sqlite(path.clone()), None).await.unwrap();
    assert_eq!((verified.tree.len(), verified.snapshots_checked), (127, 1));
}

/// Runs `sql` on the SQLite file, as someone with access to it might.
async fn tamper(path: &Path, sql: &str) {
    database_of(path).await.execute(sql).await.unwrap();
}

/// A fresh copy of the database as it was, under a name of its own (no
/// connection to an earlier copy can reach it), with its key file.
fn fresh_copy(original: &Path, pristine: &[u8], name: &str) -> PathBuf {
    let path = original.with_file_name(format!("{name}.db"));
    std::fs::write(&path, pristine).unwrap();
    std::fs::copy(original.with_extension("db.key"), path.with_extension("db.key")).unwrap();
    path
}

async fn verify_error(path: &Path) -> String {
    let error = verify_database(&Location::Sqlite(path.to_path_buf()), None).await.err();
    error.map(|error| error.to_string()).unwrap_or_default()
}

async fn started_from(path: &Path) -> Option<u64> {
    load_for_start(&database_of(path).await, Trust::default()).await.unwrap().started_from_snapshot
}

#[tokio::test]
async fn an_altered_forged_or_foreign_snapshot_is_refused_by_verify_and_passed_over_at_start() {
    let directory = tempfile::tempdir().unwrap();
    let path = rich_database(directory.path());
    let store = Store::open(StoreOptions::new(path.to_str().unwrap())).await.unwrap();
    store.take_snapshot().await.unwrap().unwrap();
    drop(store);
    database_of(&path).await.execute("PRAGMA wal_checkpoint(TRUNCATE)").await.unwrap();
    let pristine = std::fs::read(&path).unwrap();
    let original = path;
    assert_eq!(started_from(&fresh_copy(&original, &pristine, "pristine")).await, Some(124));

    // A byte of the body changed: it no longer matches its hash.
    let path = fresh_copy(&original, &pristine, "altered");
    tamper(&path, "UPDATE snapshots SET body = CAST(substr(body, 1, length(body) - 1) || X'00' AS BLOB)").await;
    assert!(verify_error(&path).await.contains("snapshot at 124: its body does not match its state hash"));
    assert_eq!(started_from(&path).await, None, "start-up replays everything instead");

    // Another state with its own hash: the signature no longer covers it.
    let path = fresh_copy(&original, &pristine, "forged");
    let other = App::default().encode_state();
    let forged = format!(
        "UPDATE snapshots SET body = X'{}', state_hash = '{}'",
        hex::encode(&other.bytes),
        other.state_hash_hex()
    );
    tamper(&path, &forged).await;
    let error = verify_error(&path).await;
    assert!(error.contains("snapshot at 124: its state differs from the state the journal replays to"), "{error}");
    assert_eq!(started_from(&path).await, None);

    // Re-signed with another key: not the key in force at its position.
    let path = fresh_copy(&original, &pristine, "foreign");
    let stranger = DeploymentKey::from_seed([7; 32]).public_key_hex();
    tamper(&path, &format!("UPDATE snapshots SET public_key = '{stranger}'")).await;
    let error = verify_error(&path).await;
    assert!(error.contains("snapshot at 124: signed by") && error.contains("the key in force there"), "{error}");
    assert_eq!(started_from(&path).await, None);

    // A snapshot past the journal's end.
    let path = fresh_copy(&original, &pristine, "ahead");
    tamper(&path, "UPDATE snapshots SET position = 500").await;
    let error = verify_error(&path).await;
    assert!(error.contains("snapshot at 500: it stands at 500 but the journal has 124 events"), "{error}");
    assert_eq!(started_from(&path).await, None);
}

#[tokio::test]
async fn snapshots_are_taken_as_events_commit_and_only_the_newest_are_kept() {
    for database in TestDatabase::all().await {
        let name = database.name;
        let options = StoreOptions { snapshot_every_events: 3, ..database.options.clone() };
        let store = Store::open(options.clone()).await.unwrap();
        store.sequencer().submit(organisation("Rayong City")).await.unwrap();
        for number in 1..10 {
            store.sequencer().submit(organisation(&format!("Cooperative {number}"))).await.unwrap();
        }
        let mut positions = Vec::new();
        for _ in 0..100 {
            positions = store.db().snapshots().await.unwrap().iter().map(|snapshot| snapshot.position).collect();
            if positions.last().is_some_and(|position| *position >= 9) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert!(!positions.is_empty() && positions.len() <= 2, "{name}: {positions:?}");
        assert!(positions.windows(2).all(|pair| pair[0] < pair[1]), "{name}: {positions:?}");
        drop(store);

        let db = connect(&options.location).await.unwrap();
        let started = load_for_start(&db, Trust::default()).await.unwrap();
        assert_eq!(started.started_from_snapshot, positions.last().copied(), "{name}");
        let full = load_and_verify_trusting(&db, Trust::default()).await.unwrap();
        assert_eq!(full.snapshots_checked, positions.len(), "{name}");
        assert_eq!(state_hash(&started.app), state_hash(&full.app), "{name}");
    }
}
