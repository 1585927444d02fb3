//! A journal written before formats were numbered (format 1) still opens,
//! verifies and takes new commands. The fixture is a three-factory demo
//! written by that version, with the commands the demo does not make added
//! over its HTTP API (an order cancelled, one replaced, one expired, an
//! auction closed, a factory's target set) and its key rotated: 124 events
//! of 32 kinds, every one of them hashed and signed as format 1 wrote it.

use mangrove_app::{AppCommand, Submission};
use mangrove_core::journal::JOURNAL_FORMAT;
use mangrove_core::OrderId;
use mangrove_registry::{Actor, Command, Role};
use mangrove_store::{verify_database, Location, Store, StoreOptions};
use std::path::Path;

mod support;

const FIXTURE_EVENTS: u64 = 124;

fn event_bodies(database: &Path) -> Vec<String> {
    let connection = rusqlite::Connection::open(database).unwrap();
    let mut statement = connection.prepare("SELECT body FROM events ORDER BY seq").unwrap();
    let bodies = statement.query_map([], |row| row.get::<_, String>(0)).unwrap();
    bodies.map(Result::unwrap).collect()
}

#[tokio::test]
async fn a_format_1_journal_verifies_opens_and_continues_in_the_current_format() {
    let directory = tempfile::tempdir().unwrap();
    let database = support::copy_of_format_1_journal(directory.path(), "format-1");
    let location = Location::Sqlite(database.clone());
    let before = event_bodies(&database);
    assert_eq!(before.len() as u64, FIXTURE_EVENTS);
    assert!(before.iter().all(|body| !body.starts_with("{\"format\"")), "the fixture is format 1 throughout");

    // Replayed from the start through the upgrade, the journal rebuilds the
    // very rows format 1 projected, and every signed head still checks.
    let loaded = verify_database(&location, None).await.unwrap();
    assert_eq!(loaded.tree.len(), FIXTURE_EVENTS);
    let market = &loaded.app.market;
    let replaced = market.order(OrderId(11)).expect("the replaced order");
    assert_eq!((replaced.replaced, replaced.qty_tco2e, replaced.price_satang), (1, 2, Some(20_300)));
    assert!(market.orders().filter(|order| order.id != OrderId(11)).all(|order| order.replaced == 0));
    // Format 1 left `replaced` out when it was 0, and named each trade's units.
    assert!(!market.trades().is_empty() && market.trades().iter().all(|trade| !trade.ranges.is_empty()));

    // The store opens on it and the next command is journaled in today's format.
    let store = Store::open(StoreOptions::at(location.clone())).await.unwrap();
    let command = Command::CreateOrganisation { name: "Ban Chang Cooperative".into(), role: Role::Proponent };
    let submission = Submission::new(&Actor::System, None, AppCommand::from(command)).unwrap();
    let receipt = store.sequencer().submit(submission).await.unwrap();
    assert_eq!(receipt.events[0].seq, FIXTURE_EVENTS);
    assert_eq!(receipt.events[0].format, JOURNAL_FORMAT);
    drop(store);

    let after = event_bodies(&database);
    assert_eq!(after[..before.len()], before[..], "no stored event was rewritten");
    assert!(after[before.len()].starts_with(&format!("{{\"format\":{JOURNAL_FORMAT},")));
    assert!(after[before.len()].contains("\"domain\":\"registry\""));

    // The mixed journal verifies from the start, and a restart replays to the same state.
    let verified = verify_database(&location, None).await.unwrap();
    assert_eq!(verified.tree.len(), FIXTURE_EVENTS + 1);
    let reopened = Store::open(StoreOptions::at(location)).await.unwrap();
    let published = reopened.ledger().read().await;
    assert_eq!(published.app.registry, verified.app.registry);
    assert_eq!(published.app.ledger, verified.app.ledger);
    assert_eq!(published.app.market.trades(), verified.app.market.trades());
    assert!(published.app.market.orders().eq(verified.app.market.orders()));
}
