//! `mangrove bench people`: whether tens of thousands of people slow the
//! registry. In one run, on two SQLite databases whose journals have the
//! same length: durable transfers per second and start-up time (full
//! replay, and from the latest snapshot), where `people` people were
//! registered with accounts of their own against where as many transfers
//! were made instead, side by side with the factor between them.

use crate::bench::{drive, setup};
use mangrove_core::{BatchId, UserId};
use mangrove_registry::{Actor, Command, Selection};
use mangrove_store::testing::TestDatabase;
use mangrove_store::{Store, StoreOptions};
use serde_json::json;
use std::time::Instant;

/// Every person commits to who they are; the bench uses one fixed commitment.
const IDENTITY: &str = "0a4d55a8d778e5022fab701977c5d840bbc486d0ad3e8f8e1e5e6a1e4e6c1f6d";

struct Moment {
    transfers_per_s: f64,
    full_replay_ms: f64,
    from_snapshot_ms: f64,
    journal_events: u64,
}

pub async fn run(people: u64, transfers: u64, clients: u64) -> anyhow::Result<()> {
    // Two databases with journals of the same length: one where `people`
    // people were registered, one where as many more transfers were made.
    let (before, _) = world(people, transfers, clients, false).await?;
    let (after, registered_per_s) = world(people, transfers, clients, true).await?;

    println!("Registry on SQLite with and without {people} people, journals of equal length");
    println!("({transfers} transfers of 1 t timed, {clients} clients, after as many as a warm-up)");
    println!("{:<34} {:>14} {:>14} {:>8}", "", "no people", "with people", "factor");
    let rows = [
        ("journal events", before.journal_events as f64, after.journal_events as f64),
        ("transfers per second", before.transfers_per_s, after.transfers_per_s),
        ("start-up, full replay (ms)", before.full_replay_ms, after.full_replay_ms),
        ("start-up, from snapshot (ms)", before.from_snapshot_ms, after.from_snapshot_ms),
    ];
    for (name, without, with) in rows {
        println!("{name:<34} {without:>14.0} {with:>14.0} {:>7.2}×", with / without);
    }
    println!("people registered per second: {registered_per_s:.0}");
    println!(
        "{}",
        json!({
            "bench": "people",
            "figures": {
                "people": people,
                "registered_per_s": registered_per_s.round(),
                "transfers_per_s": { "without": before.transfers_per_s.round(), "with": after.transfers_per_s.round(),
                    "slowdown": round2(before.transfers_per_s / after.transfers_per_s) },
                "full_replay_ms": { "without": before.full_replay_ms.round(), "with": after.full_replay_ms.round(),
                    "factor": round2(after.full_replay_ms / before.full_replay_ms) },
                "from_snapshot_ms": { "without": before.from_snapshot_ms.round(), "with": after.from_snapshot_ms.round(),
                    "factor": round2(after.from_snapshot_ms / before.from_snapshot_ms) },
                "journal_events": { "without": before.journal_events, "with": after.journal_events },
            }
        })
    );
    Ok(())
}

/// A fresh database: the set-up, a warm-up of `transfers` transfers, then
/// `people` people registered (or as many more transfers), then
/// `transfers` timed transfers, a snapshot, and the two start-ups.
/// Returns them with the people registered per second.
async fn world(people: u64, transfers: u64, clients: u64, with_people: bool) -> anyhow::Result<(Moment, f64)> {
    let database = TestDatabase::sqlite();
    let options = StoreOptions { snapshot_every_events: 0, ..database.options.clone() };
    let store = Store::open(options.clone()).await?;
    let (from, to, owner) = setup(&store).await?;
    let transfer = move |_| {
        let command = Command::Transfer { from, to, selection: Selection::Quantity { batch: BatchId(1), quantity: 1 } };
        (owner, command.into())
    };
    drive(&store, transfers, clients, "warm-up transfers", transfer).await?;
    let started = Instant::now();
    if with_people {
        drive(&store, people, clients, "registering people", |n| {
            let command = Command::RegisterPerson { user: UserId(1_000_000 + n), identity: IDENTITY.into() };
            (Actor::System, command.into())
        })
        .await?;
        let registered = store.ledger().read().await.app.registry.persons().count() as u64;
        anyhow::ensure!(registered == people, "{registered} people registered, {people} were acknowledged");
    } else {
        drive(&store, people, clients, "as many transfers instead", transfer).await?;
    }
    let registered_per_s = people as f64 / started.elapsed().as_secs_f64();
    let label = if with_people { "timed transfers, with the people" } else { "timed transfers, no people" };
    let elapsed = drive(&store, transfers, clients, label, transfer).await?;
    let transfers_per_s = transfers as f64 / elapsed.as_secs_f64();
    store.take_snapshot().await?;
    drop(store);
    Ok((moment(&options, transfers_per_s).await?, registered_per_s))
}

fn round2(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}

/// The two start-ups of the database as it stands.
async fn moment(options: &StoreOptions, transfers_per_s: f64) -> anyhow::Result<Moment> {
    let full = StoreOptions { start_from_snapshot: false, ..options.clone() };
    let started = Instant::now();
    let store = Store::open(full).await?;
    let full_replay_ms = started.elapsed().as_secs_f64() * 1e3;
    let journal_events = store.ledger().read().await.tree.len();
    drop(store);
    let started = Instant::now();
    let store = Store::open(options.clone()).await?;
    let from_snapshot_ms = started.elapsed().as_secs_f64() * 1e3;
    anyhow::ensure!(store.started_from_snapshot().is_some(), "the start did not use the snapshot");
    drop(store);
    Ok(Moment { transfers_per_s, full_replay_ms, from_snapshot_ms, journal_events })
}
