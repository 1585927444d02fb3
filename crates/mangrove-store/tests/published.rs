//! Readers hold published versions: a reader holding one does not hold up
//! the next commit, and keeps seeing the state it took while the next is
//! published. With the shared lock of before, the same reader holds up the
//! commit until it lets go.

use mangrove_app::Submission;
use mangrove_registry::{Actor, Command, Role};
use mangrove_store::testing::TestDatabase;
use mangrove_store::{ReadMode, Store, StoreOptions};
use std::time::Duration;

fn organisation(name: &str, role: Role) -> Submission {
    Submission::new(&Actor::System, None, Command::CreateOrganisation { name: name.into(), role }).unwrap()
}

async fn store(mode: ReadMode) -> (TestDatabase, Store) {
    let database = TestDatabase::sqlite();
    let options = StoreOptions { read_mode: mode, ..database.options.clone() };
    let store = Store::open(options).await.unwrap();
    store.sequencer().submit(organisation("Rayong City", Role::Operator)).await.unwrap();
    (database, store)
}

#[tokio::test]
async fn a_reader_holding_a_version_does_not_hold_up_the_next_commit() {
    let (_database, store) = store(ReadMode::Versions).await;
    let held = store.ledger().read().await;
    let commit = store.sequencer().submit(organisation("Ban Chang Cooperative", Role::Proponent));
    tokio::time::timeout(Duration::from_secs(10), commit).await.expect("the commit is not held up").unwrap();
    assert_eq!(held.tree.len(), 2, "the held version is the one taken");
    assert_eq!(store.ledger().read().await.tree.len(), 3, "a new read sees the commit");
    assert_eq!(held.app.registry.organisations().count(), 1);
    drop(held);
    // Once the reader lets go, its version is brought up to date and used again.
    for name in ["Klaeng Fisheries", "Pluak Daeng Growers"] {
        store.sequencer().submit(organisation(name, Role::Proponent)).await.unwrap();
    }
    let latest = store.ledger().read().await;
    assert_eq!((latest.tree.len(), latest.app.registry.organisations().count()), (5, 4));
    latest.app.check_invariants().unwrap();
}

#[tokio::test]
async fn with_the_shared_lock_a_reader_holds_up_the_commit_until_it_lets_go() {
    let (_database, store) = store(ReadMode::SharedLock).await;
    let held = store.ledger().read().await;
    let commit = tokio::spawn({
        let store = store.clone();
        async move { store.sequencer().submit(organisation("Ban Chang Cooperative", Role::Proponent)).await }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!commit.is_finished(), "the commit waits for the reader");
    drop(held);
    tokio::time::timeout(Duration::from_secs(10), commit).await.unwrap().unwrap().unwrap();
    assert_eq!(store.ledger().read().await.tree.len(), 3);
}
