//! The deployment key on SQLite and, when `MANGROVE_TEST_POSTGRES` is set,
//! on PostgreSQL: the first event records it, a change is journaled signed
//! by the old key, the store writes nothing more until restarted with the
//! new key, and opening or verifying follows the chain from a pinned key.

use mangrove_app::{AppCommand, AppEvent, DeploymentCommand, DeploymentEvent, Submission};
use mangrove_core::signing::{DeploymentKey, KeyChange};
use mangrove_core::{OrgId, UserId};
use mangrove_registry::{Actor, Command, Role};
use mangrove_store::testing::TestDatabase;
use mangrove_store::{verify_database_pinned, Store, StoreOptions, SubmitError};

/// The first organisation is the operator; the others are proponents.
fn organisation(name: &str) -> Submission {
    let role = if name == "Rayong City" { Role::Operator } else { Role::Proponent };
    let command = Command::CreateOrganisation { name: name.into(), role };
    Submission::new(&Actor::System, None, command).unwrap()
}

fn pinned(options: &StoreOptions, key: &str) -> StoreOptions {
    StoreOptions { pinned_public_key: Some(key.to_string()), ..options.clone() }
}

async fn open_error(options: StoreOptions) -> String {
    Store::open(options).await.err().map(|error| error.to_string()).unwrap_or_default()
}

#[tokio::test]
async fn a_key_change_is_journaled_signed_by_the_old_key_and_followed_from_the_pinned_one() {
    for database in TestDatabase::all().await {
        let name = database.name;
        let store = Store::open(database.options.clone()).await.unwrap();
        let original = store.public_key_hex();
        let first = store.sequencer().submit(organisation("Rayong City")).await.unwrap();
        assert_eq!(first.events[0].deployment_key.as_deref(), Some(original.as_str()), "{name}");
        let second = store.sequencer().submit(organisation("Map Ta Phut")).await.unwrap();
        assert!(second.events.iter().all(|event| event.deployment_key.is_none()), "{name}: only the first records it");

        let next = DeploymentKey::from_seed([4; 32]);
        let receipt = store.change_key(&next.public_key_hex()).await.unwrap();
        let change_seq = receipt.events[0].seq;
        let AppEvent::Deployment(DeploymentEvent::DeploymentKeyChanged(change)) = &receipt.events[0].payload else {
            panic!("{name}: {:?}", receipt.events);
        };
        change.verify(change_seq).unwrap();
        assert_eq!(change.previous_key, original, "{name}");
        let head = store.ledger().read().await.latest_head.clone().unwrap();
        assert_eq!((head.head.tree_size, head.public_key.as_str()), (change_seq + 1, original.as_str()), "{name}");
        let refused = store.sequencer().submit(organisation("After the change")).await.unwrap_err();
        assert!(matches!(refused, SubmitError::Unavailable(ref why) if why.contains("new key")), "{name}: {refused}");
        drop(store);

        // The old key file no longer opens the store; the new one does, and signs from now on.
        let error = open_error(database.options.clone()).await;
        assert!(error.contains(&original) && error.contains(&next.public_key_hex()), "{name}: {error}");
        next.save(&database.options.key_path).unwrap();
        let store = Store::open(pinned(&database.options, &original)).await.unwrap();
        store.sequencer().submit(organisation("After the change")).await.unwrap();
        let head = store.ledger().read().await.latest_head.clone().unwrap();
        assert_eq!(head.public_key, next.public_key_hex(), "{name}");
        drop(store);

        let location = &database.options.location;
        let key_path = Some(database.options.key_path.as_path());
        verify_database_pinned(location, key_path, Some(&original)).await.unwrap();
        verify_database_pinned(location, None, Some(&original)).await.unwrap();
        let error = verify_database_pinned(location, None, Some(&next.public_key_hex())).await.err().unwrap();
        assert!(error.to_string().contains("the journal's first event records"), "{name}: {error}");
        let error = open_error(pinned(&database.options, &next.public_key_hex())).await;
        assert!(error.contains(&original), "{name}: serving refuses a pin the history does not start from: {error}");
    }
}

#[tokio::test]
async fn a_new_deployment_refuses_a_pin_its_key_file_does_not_hold() {
    for database in TestDatabase::all().await {
        let other = DeploymentKey::from_seed([8; 32]).public_key_hex();
        let error = open_error(pinned(&database.options, &other)).await;
        assert!(error.contains(&other), "{}: {error}", database.name);
    }
}

#[tokio::test]
async fn only_the_deployment_changes_its_key_and_only_with_a_valid_signature() {
    let database = TestDatabase::sqlite();
    let store = Store::open(database.options.clone()).await.unwrap();
    store.sequencer().submit(organisation("Rayong City")).await.unwrap();
    let events_before = store.ledger().read().await.tree.len();
    let next = DeploymentKey::from_seed([4; 32]);
    let change = KeyChange {
        previous_key: store.public_key_hex(),
        public_key: next.public_key_hex(),
        signature: "00".repeat(64),
    };
    let command = AppCommand::Deployment(DeploymentCommand::ChangeDeploymentKey(change));
    let member = Actor::Member { user: UserId(1), org: OrgId(1), role: Role::Operator };
    let submission = Submission::new(&member, None, command).unwrap();
    let refused = store.sequencer().submit(submission).await.unwrap_err();
    assert!(matches!(refused, SubmitError::Rejected(_)), "{refused}");
    let refused = store.change_key(&store.public_key_hex()).await.unwrap_err();
    assert!(refused.to_string().contains("replaces"), "a key cannot replace itself: {refused}");
    assert_eq!(store.ledger().read().await.tree.len(), events_before, "the refused changes journaled nothing");
    store.sequencer().submit(organisation("Still writable")).await.unwrap();
}
