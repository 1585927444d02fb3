//! `mangrove bench reads`: whether reads hold up commits. Acknowledged
//! orders per second and their latency, quiet and while readers hammer the
//! dashboard, the trades list and the book over HTTP, with readers holding
//! published versions against the way before (one lock shared by every
//! reader and the publisher), in one run.

use crate::bench::{exchange_setup, place_orders};
use mangrove_store::testing::TestDatabase;
use mangrove_store::{ReadMode, Store, StoreOptions};
use serde_json::json;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The pages the readers ask for, in turn.
const PAGES: [&str; 3] = ["/api/v1/dashboard", "/api/v1/trades?per_page=50", "/api/v1/instruments/1/book"];

struct Figures {
    orders_per_s: f64,
    p50_ms: f64,
    p99_ms: f64,
    reads_per_s: f64,
    read_p99_ms: f64,
}

pub async fn run(warm_orders: u64, orders: u64, clients: u64, readers: usize) -> anyhow::Result<()> {
    let mut rows = Vec::new();
    for (mode, name) in [(ReadMode::SharedLock, "one shared lock (before)"), (ReadMode::Versions, "published versions")]
    {
        for load in [0, readers] {
            let figures = measure(mode, warm_orders, orders, clients, load).await?;
            rows.push((name, mode, load, figures));
        }
    }
    println!(
        "Acknowledged orders through the sequencer (SQLite; {clients} clients; {warm_orders} orders placed before)"
    );
    println!(
        "{:<28} {:>8} {:>10} {:>9} {:>9} {:>9} {:>10}",
        "readers see", "readers", "orders/s", "p50 ms", "p99 ms", "reads/s", "read p99"
    );
    for (name, _, load, figures) in &rows {
        println!(
            "{:<28} {:>8} {:>10.0} {:>9.2} {:>9.2} {:>9.0} {:>10.2}",
            name, load, figures.orders_per_s, figures.p50_ms, figures.p99_ms, figures.reads_per_s, figures.read_p99_ms
        );
    }
    let loaded = |mode: ReadMode| rows.iter().find(|row| row.1 == mode && row.2 > 0).map(|row| &row.3);
    let (before, after) = (loaded(ReadMode::SharedLock).unwrap(), loaded(ReadMode::Versions).unwrap());
    println!(
        "under {readers} readers: {:.2}× the orders per second, p99 {:.2} ms against {:.2} ms",
        after.orders_per_s / before.orders_per_s,
        after.p99_ms,
        before.p99_ms
    );
    let figures: Vec<_> = rows
        .iter()
        .map(|(_, mode, load, figures)| {
            json!({
                "read_mode": if *mode == ReadMode::Versions { "versions" } else { "shared_lock" },
                "readers": load,
                "orders_per_s": figures.orders_per_s.round(),
                "p50_ms": round2(figures.p50_ms),
                "p99_ms": round2(figures.p99_ms),
                "reads_per_s": figures.reads_per_s.round(),
                "read_p99_ms": round2(figures.read_p99_ms),
            })
        })
        .collect();
    println!(
        "{}",
        json!({
            "bench": "reads",
            "figures": {
                "database": "sqlite",
                "clients": clients,
                "orders": orders,
                "warm_orders": warm_orders,
                "runs": figures,
                "loaded_orders_per_s_ratio": round2(after.orders_per_s / before.orders_per_s),
            }
        })
    );
    Ok(())
}

async fn measure(mode: ReadMode, warm: u64, orders: u64, clients: u64, readers: usize) -> anyhow::Result<Figures> {
    let database = TestDatabase::sqlite();
    let options = StoreOptions { read_mode: mode, snapshot_every_events: 0, ..database.options.clone() };
    let store = Store::open(options).await?;
    let accounts = exchange_setup(&store).await?;
    place_orders(&store, accounts, 0..warm, clients, "placing the orders before").await?;

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let (stop_server, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(mangrove_server::serve(listener, store.clone(), async move {
        let _ = stopped.await;
    }));
    let reading = Arc::new(AtomicBool::new(true));
    let client = reqwest::Client::new();
    let mut tasks = Vec::new();
    for reader in 0..readers {
        let (client, base, reading) = (client.clone(), base.clone(), reading.clone());
        tasks.push(tokio::spawn(async move {
            let mut latencies_ms = Vec::new();
            let mut page = reader;
            while reading.load(Ordering::Relaxed) {
                let started = Instant::now();
                let url = format!("{base}{}", PAGES[page % PAGES.len()]);
                client.get(&url).send().await?.error_for_status()?.bytes().await?;
                latencies_ms.push(started.elapsed().as_secs_f64() * 1e3);
                page += 1;
            }
            anyhow::Ok(latencies_ms)
        }));
    }
    if readers > 0 {
        // Let the readers reach full speed first.
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let label = format!("orders, {readers} readers");
    let read_started = Instant::now();
    let (elapsed, mut latencies) = place_orders(&store, accounts, warm..warm + orders, clients, &label).await?;
    reading.store(false, Ordering::Relaxed);
    let mut read_latencies = Vec::new();
    for task in tasks {
        read_latencies.extend(task.await??);
    }
    let read_elapsed = read_started.elapsed().as_secs_f64() + if readers > 0 { 0.5 } else { 0.0 };
    let _ = stop_server.send(());
    server.await??;
    latencies.sort_by(f64::total_cmp);
    read_latencies.sort_by(f64::total_cmp);
    Ok(Figures {
        orders_per_s: orders as f64 / elapsed.as_secs_f64(),
        p50_ms: at(&latencies, 0.50),
        p99_ms: at(&latencies, 0.99),
        reads_per_s: read_latencies.len() as f64 / read_elapsed,
        read_p99_ms: at(&read_latencies, 0.99),
    })
}

fn at(sorted: &[f64], share: f64) -> f64 {
    sorted.get(((sorted.len() as f64 * share) as usize).min(sorted.len().saturating_sub(1))).copied().unwrap_or(0.0)
}

fn round2(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}
