//! `mangrove bench startup`: how long a server takes to open a journal of
//! many events, replaying all of it against starting from the latest
//! snapshot and the tail after it, in one run on the same database.

use crate::bench::{drive, exchange_setup, place_orders};
use mangrove_store::testing::TestDatabase;
use mangrove_store::{Store, StoreOptions};
use serde_json::json;
use std::time::{Duration, Instant};

/// Orders placed before the open ones are cancelled: the ledger keeps at
/// most 100,000 open holds, and about half of the stream's orders rest.
const ORDERS_PER_CHUNK: u64 = 50_000;

pub async fn run(events: u64, tail_orders: u64, rounds: u32, clients: u64) -> anyhow::Result<()> {
    anyhow::ensure!(rounds > 0, "--rounds must be at least 1");
    anyhow::ensure!(events >= 100, "--events must be at least 100");
    let database = TestDatabase::sqlite();
    let quiet = StoreOptions { snapshot_every_events: 0, ..database.options.clone() };

    // The journal: the exchange's order stream, its trades, and the
    // cancelling of what rests after each chunk, until it holds `events`.
    let store = Store::open(quiet.clone()).await?;
    let accounts = exchange_setup(&store).await?;
    let mut placed = 0u64;
    let mut length = journal_length(&store).await;
    while length < events {
        let more = (events - length).div_ceil(2).clamp(1, ORDERS_PER_CHUNK);
        place_orders(&store, accounts, placed..placed + more, clients, "building the journal (orders)").await?;
        placed += more;
        length = journal_length(&store).await;
        if length < events {
            cancel_open_orders(&store, clients).await?;
            length = journal_length(&store).await;
        }
    }
    let started = Instant::now();
    let taken = store.take_snapshot().await?.ok_or_else(|| anyhow::anyhow!("no snapshot was taken"))?;
    let snapshot_took = started.elapsed();
    place_orders(&store, accounts, placed..placed + tail_orders, clients, "the tail after the snapshot (orders)")
        .await?;
    let journal_events = journal_length(&store).await;
    drop(store);
    // Let the writer finish closing before the file is opened again.
    tokio::time::sleep(Duration::from_millis(500)).await;

    let full = StoreOptions { start_from_snapshot: false, ..quiet.clone() };
    let (mut full_s, mut snapshot_s) = (Vec::new(), Vec::new());
    let mut state_hashes = Vec::new();
    for round in 1..=rounds {
        for (options, times) in [(&full, &mut full_s), (&quiet, &mut snapshot_s)] {
            let spinner = indicatif::ProgressBar::new_spinner().with_message(format!(
                "round {round}/{rounds}: opening {} events {}",
                journal_events,
                if options.start_from_snapshot { "from the snapshot" } else { "by full replay" }
            ));
            spinner.enable_steady_tick(Duration::from_millis(120));
            let started = Instant::now();
            let store = Store::open(options.clone()).await?;
            times.push(started.elapsed().as_secs_f64());
            spinner.finish_and_clear();
            let expected = if options.start_from_snapshot { Some(taken.position) } else { None };
            anyhow::ensure!(store.started_from_snapshot() == expected, "the store did not start as asked");
            state_hashes.push(store.ledger().read().await.app.encode_state().state_hash);
            drop(store);
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    }
    anyhow::ensure!(
        state_hashes.windows(2).all(|pair| pair[0] == pair[1]),
        "starting from the snapshot reached another state than the full replay"
    );

    let full_median = median(&full_s);
    let snapshot_median = median(&snapshot_s);
    let tail = journal_events - taken.position;
    println!("Start-up on a journal of {journal_events} events (SQLite; {rounds} rounds each, median)");
    println!("{:<34} {:>16} {:>12}  each round (s)", "way", "events replayed", "seconds");
    for (name, replayed, median, each) in [
        ("full replay, every check", journal_events, full_median, &full_s),
        ("latest snapshot + the tail", tail, snapshot_median, &snapshot_s),
    ] {
        let each: Vec<String> = each.iter().map(|seconds| format!("{seconds:.2}")).collect();
        println!("{name:<34} {replayed:>16} {median:>12.2}  {}", each.join(", "));
    }
    println!("ratio: {:.1}× faster from the snapshot", full_median / snapshot_median);
    println!(
        "snapshot at event {}: {:.1} MB, taken in {:.2} s (clone, encode, hash, sign, store)",
        taken.position,
        taken.bytes as f64 / 1e6,
        snapshot_took.as_secs_f64()
    );
    println!(
        "{}",
        json!({
            "bench": "startup",
            "figures": {
                "database": "sqlite",
                "journal_events": journal_events,
                "snapshot_position": taken.position,
                "tail_events": tail,
                "rounds": rounds,
                "full_replay_s": round2(full_median),
                "full_replay_rounds_s": full_s.iter().copied().map(round2).collect::<Vec<_>>(),
                "from_snapshot_s": round2(snapshot_median),
                "from_snapshot_rounds_s": snapshot_s.iter().copied().map(round2).collect::<Vec<_>>(),
                "ratio": round2(full_median / snapshot_median),
                "snapshot_bytes": taken.bytes,
                "snapshot_take_s": round2(snapshot_took.as_secs_f64()),
            }
        })
    );
    Ok(())
}

async fn journal_length(store: &Store) -> u64 {
    store.ledger().read().await.tree.len()
}

/// Cancels every resting order, each by its owner, from `clients` at once.
async fn cancel_open_orders(store: &Store, clients: u64) -> anyhow::Result<()> {
    use mangrove_app::market::OrderStatus;
    use mangrove_app::MarketCommand;
    use mangrove_registry::{Actor, Role};
    let open: Vec<_> = {
        let ledger = store.ledger().read().await;
        let open = ledger.app.market.orders().filter(|order| order.status == OrderStatus::Open);
        open.map(|order| (order.id, order.org)).collect()
    };
    let count = open.len() as u64;
    drive(store, count, clients, "building the journal (cancels)", move |n| {
        let (order, org) = open[n as usize];
        let role = if org.0 == 3 { Role::Proponent } else { Role::Factory };
        let owner = Actor::Member { user: mangrove_core::UserId(org.0), org, role };
        (owner, MarketCommand::CancelOrder { order }.into())
    })
    .await?;
    Ok(())
}

fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted[sorted.len() / 2]
}

fn round2(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}
