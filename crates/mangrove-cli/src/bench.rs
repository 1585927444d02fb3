//! `mangrove bench registry`: acknowledged durable transfers per second
//! through the sequencer, one transaction per command against group
//! commit, on the embedded default (and PostgreSQL when configured).
//! `mangrove bench mrv`: the province's inventories recomputed, against one
//! SQL query per factory, and the dashboard endpoint under load.
//! `mangrove bench exchange`: the matching engine alone against a peer
//! crate (`bench_exchange.rs`). `bench people`, `bench reads` and `bench
//! startup` are in files of their own.

use anyhow::Context as _;
use clap::Subcommand;
use indicatif::{ProgressBar, ProgressStyle};
use mangrove_app::{AppCommand, Submission};
use mangrove_core::*;
use mangrove_registry::*;
use mangrove_store::testing::TestDatabase;
use mangrove_store::{Store, StoreOptions};
use serde_json::json;
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Subcommand)]
pub enum BenchCommand {
    /// Durable transfers per second: one transaction per command against group commit.
    Registry {
        /// Transfers to time with group commit.
        #[arg(long, default_value_t = 100_000)]
        transfers: u64,
        /// Transfers to time with one transaction per command.
        #[arg(long, default_value_t = 2_000)]
        single_transfers: u64,
        /// Clients submitting at once.
        #[arg(long, default_value_t = 512)]
        clients: u64,
        /// Also measure PostgreSQL at this URL (a fresh schema is used).
        #[arg(long, env = "MANGROVE_TEST_POSTGRES")]
        postgres: Option<String>,
    },
    /// Recompute the province (every inventory and the dashboard) against one SQL query per factory,
    /// then load the dashboard endpoint.
    Mrv {
        #[arg(long, default_value_t = mangrove_demo::factories::RAYONG_FACTORIES)]
        factories: usize,
        /// Seconds of load on the dashboard endpoint.
        #[arg(long, default_value_t = 5)]
        load_seconds: u64,
        #[arg(long, default_value_t = 32)]
        clients: usize,
    },
    /// The matching engine alone against the matchcore crate, on the same seeded stream of orders and cancels.
    Exchange {
        /// Requests in the stream (orders and cancels).
        #[arg(long, default_value_t = 2_000_000)]
        requests: usize,
        /// Runs of the whole stream per engine; the median is reported.
        #[arg(long, default_value_t = 5)]
        rounds: u32,
        #[arg(long, default_value_t = mangrove_exchange::bench_stream::StreamConfig::default().seed)]
        seed: u64,
        /// Orders to time end to end through the sequencer with group commit.
        #[arg(long, default_value_t = 60_000)]
        durable_orders: u64,
        /// Runs of the durable orders with group commit, each on a fresh
        /// database; the median is reported.
        #[arg(long, default_value_t = 3)]
        durable_rounds: u32,
        /// Orders to time with one transaction per command.
        #[arg(long, default_value_t = 1_000)]
        single_orders: u64,
        /// Clients submitting orders at once.
        #[arg(long, default_value_t = 512)]
        clients: u64,
    },
    /// Acknowledged orders per second and their latency, quiet and under readers of the dashboard,
    /// the trades and the book, with published versions against one shared lock.
    Reads {
        /// Orders placed before the measured ones, so that the pages have something to show.
        #[arg(long, default_value_t = 20_000)]
        warm_orders: u64,
        /// Orders timed in each run.
        #[arg(long, default_value_t = 20_000)]
        orders: u64,
        /// Clients submitting orders at once.
        #[arg(long, default_value_t = 64)]
        clients: u64,
        /// Clients reading pages at once in the loaded runs.
        #[arg(long, default_value_t = 64)]
        readers: usize,
    },
    /// Durable transfers per second and start-up, before and after registering many people.
    People {
        /// People to register, each with a holding account of their own.
        #[arg(long, default_value_t = 100_000)]
        people: u64,
        /// Transfers timed before and after.
        #[arg(long, default_value_t = 50_000)]
        transfers: u64,
        /// Clients submitting at once.
        #[arg(long, default_value_t = 512)]
        clients: u64,
    },
    /// The virtual city under a crowd of simulated people over loopback WebSockets: tick time,
    /// bytes per client and clients dropped, with interest management against naive broadcast.
    World {
        /// Simulated people, each on its own WebSocket.
        #[arg(long, default_value_t = 2_000)]
        avatars: u64,
        /// Seconds measured, after everyone has arrived and settled.
        #[arg(long, default_value_t = 20)]
        seconds: u64,
        /// People in the naive broadcast run (as many as `--avatars` unless given; it grows as
        /// the square of the crowd).
        #[arg(long)]
        naive_avatars: Option<u64>,
    },
    /// Start-up on a large journal: full replay against the latest snapshot and the tail.
    Startup {
        /// Events in the journal when the snapshot is taken (orders and their trades).
        #[arg(long, default_value_t = 1_000_000)]
        events: u64,
        /// Orders placed after the snapshot, which start-up replays.
        #[arg(long, default_value_t = 10_000)]
        tail_orders: u64,
        /// Openings of each kind; the median is reported.
        #[arg(long, default_value_t = 3)]
        rounds: u32,
        /// Clients submitting orders at once while the journal is built.
        #[arg(long, default_value_t = 512)]
        clients: u64,
    },
}

pub async fn run(command: &BenchCommand) -> anyhow::Result<()> {
    match command {
        BenchCommand::Registry { transfers, single_transfers, clients, postgres } => {
            registry(*transfers, *single_transfers, *clients, postgres.as_deref()).await
        }
        BenchCommand::Mrv { factories, load_seconds, clients } => mrv(*factories, *load_seconds, *clients).await,
        BenchCommand::Exchange { requests, rounds, seed, durable_orders, durable_rounds, single_orders, clients } => {
            let mut figures = crate::bench_exchange::run(*requests, *rounds, *seed)?;
            let durable = durable_exchange(*durable_orders, *durable_rounds, *single_orders, *clients).await?;
            figures["end_to_end"] = durable;
            println!("{}", json!({ "bench": "exchange", "figures": figures }));
            Ok(())
        }
        BenchCommand::Reads { warm_orders, orders, clients, readers } => {
            crate::bench_reads::run(*warm_orders, *orders, *clients, *readers).await
        }
        BenchCommand::People { people, transfers, clients } => {
            crate::bench_people::run(*people, *transfers, *clients).await
        }
        BenchCommand::World { avatars, seconds, naive_avatars } => {
            crate::bench_world::run(*avatars, *seconds, *naive_avatars).await
        }
        BenchCommand::Startup { events, tail_orders, rounds, clients } => {
            crate::bench_startup::run(*events, *tail_orders, *rounds, *clients).await
        }
    }
}

async fn registry(transfers: u64, single_transfers: u64, clients: u64, postgres: Option<&str>) -> anyhow::Result<()> {
    let (transfers, single_transfers, clients) = (&transfers, &single_transfers, &clients);
    let mut rows = Vec::new();
    let sqlite = TestDatabase::sqlite();
    rows.push(("sqlite", measure(&sqlite, *single_transfers, *transfers, *clients).await?));
    if let Some(url) = postgres.filter(|url| !url.is_empty()) {
        // The test helper reads the same variable; set it for this process.
        std::env::set_var("MANGROVE_TEST_POSTGRES", url);
        let database = TestDatabase::postgres().await.context("connecting to PostgreSQL")?;
        rows.push(("postgres", measure(&database, *single_transfers, *transfers, *clients).await?));
    }
    print_table(&rows);
    let mut figures = serde_json::Map::new();
    for (name, figure) in &rows {
        figures.insert(
            (*name).into(),
            json!({
                "one_transaction_per_command_transfers_per_s": figure.single.round(),
                "group_commit_transfers_per_s": figure.grouped.round(),
                "ratio": (figure.grouped / figure.single * 10.0).round() / 10.0,
                "group_commit_transfers": figure.grouped_count,
                "one_transaction_per_command_transfers": figure.single_count,
                "clients": clients,
            }),
        );
    }
    println!("{}", json!({ "bench": "registry", "figures": figures }));
    Ok(())
}

struct Figures {
    single: f64,
    grouped: f64,
    single_count: u64,
    grouped_count: u64,
}

async fn measure(database: &TestDatabase, single: u64, grouped: u64, clients: u64) -> anyhow::Result<Figures> {
    let mut options = database.options.clone();
    options.group_commands_max = 1;
    let single_rate =
        timed(options, single, clients, &format!("{}: one transaction per command", database.name)).await?;
    let fresh = match database.name {
        "sqlite" => TestDatabase::sqlite(),
        _ => TestDatabase::postgres().await.context("a second PostgreSQL schema")?,
    };
    let grouped_rate =
        timed(fresh.options.clone(), grouped, clients, &format!("{}: group commit", database.name)).await?;
    Ok(Figures { single: single_rate, grouped: grouped_rate, single_count: single, grouped_count: grouped })
}

/// Sets up a registry with one large batch and times `count` transfers of
/// one tonne each, from `clients` concurrent submitters.
async fn timed(options: StoreOptions, count: u64, clients: u64, label: &str) -> anyhow::Result<f64> {
    let store = Store::open(options).await?;
    let (from, to, owner) = setup(&store).await?;
    let elapsed = drive(&store, count, clients, label, move |_| {
        let command = Command::Transfer { from, to, selection: Selection::Quantity { batch: BatchId(1), quantity: 1 } };
        (owner, command.into())
    })
    .await?;
    let moved = store.ledger().read().await.app.registry.holding(to, BatchId(1)).active_tco2e.get();
    anyhow::ensure!(moved == count, "{label}: {moved} tonnes arrived, {count} were acknowledged");
    Ok(count as f64 / elapsed.as_secs_f64())
}

/// Submits commands `0..count` (each made by `command` from its number)
/// from `clients` concurrent submitters, each waiting for its answer before
/// the next, with a progress bar; returns the time until the last answer.
pub(crate) async fn drive<F>(
    store: &Store,
    count: u64,
    clients: u64,
    label: &str,
    command: F,
) -> anyhow::Result<Duration>
where
    F: Fn(u64) -> (Actor, AppCommand) + Send + Sync + 'static,
{
    Ok(drive_timed(store, count, clients, label, command).await?.0)
}

/// [`drive`], also returning each command's time from submission to its
/// answer, in milliseconds.
pub(crate) async fn drive_timed<F>(
    store: &Store,
    count: u64,
    clients: u64,
    label: &str,
    command: F,
) -> anyhow::Result<(Duration, Vec<f64>)>
where
    F: Fn(u64) -> (Actor, AppCommand) + Send + Sync + 'static,
{
    let progress = ProgressBar::new(count).with_message(label.to_string());
    progress
        .set_style(ProgressStyle::with_template("{msg:40} {bar:30} {pos}/{len} {per_sec}").expect("a valid template"));
    let (next, command) = (Arc::new(std::sync::atomic::AtomicU64::new(0)), Arc::new(command));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..clients.max(1) {
        let (store, next, progress, command) = (store.clone(), next.clone(), progress.clone(), command.clone());
        tasks.push(tokio::spawn(async move {
            let mut latencies_ms = Vec::new();
            loop {
                let n = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if n >= count {
                    return anyhow::Ok(latencies_ms);
                }
                let (actor, command) = command(n);
                let submitted = Instant::now();
                store.sequencer().submit(Submission::new(&actor, None, command)?).await?;
                latencies_ms.push(submitted.elapsed().as_secs_f64() * 1e3);
                progress.inc(1);
            }
        }));
    }
    let mut latencies_ms = Vec::new();
    for task in tasks {
        latencies_ms.extend(task.await??);
    }
    let elapsed = started.elapsed().max(Duration::from_micros(1));
    progress.finish_and_clear();
    Ok((elapsed, latencies_ms))
}

pub(crate) async fn setup(store: &Store) -> anyhow::Result<(AccountId, AccountId, Actor)> {
    let run = |actor: Actor, command: Command| {
        let store = store.clone();
        async move { anyhow::Ok(store.sequencer().submit(Submission::new(&actor, None, command)?).await?) }
    };
    let member = |org: u64, role: Role| Actor::Member { user: UserId(org), org: OrgId(org), role };
    for (name, role) in [
        ("Operator", Role::Operator),
        ("Verifier", Role::Verifier),
        ("Seller", Role::Proponent),
        ("Buyer", Role::Factory),
    ] {
        run(Actor::System, Command::CreateOrganisation { name: name.into(), role }).await?;
    }
    let (operator, verifier, seller) =
        (member(1, Role::Operator), member(2, Role::Verifier), member(3, Role::Proponent));
    let class = Command::CreateCreditClass {
        code: "BENCH".into(),
        name: "Benchmark".into(),
        methodology: "none".into(),
        kind: ClassKind::Reduction,
        default_buffer_bps: 0,
    };
    run(operator, class).await?;
    let details = ProjectDetails {
        class: ClassId(1),
        name: "Benchmark project".into(),
        description: String::new(),
        jurisdiction: "TH-21".into(),
        location: vec![[101.0, 12.0], [101.1, 12.0], [101.1, 12.1]],
        area_rai: 1,
        buffer_bps: None,
    };
    run(seller, Command::DraftProject { details }).await?;
    run(seller, Command::SubmitProject { project: ProjectId(1) }).await?;
    run(
        verifier,
        Command::ReviewProject { project: ProjectId(1), decision: ProjectDecision::Validate, note: String::new() },
    )
    .await?;
    run(operator, Command::RegisterProject { project: ProjectId(1) }).await?;
    let period = (Date::parse("2025-01-01").expect("date"), Date::parse("2025-12-31").expect("date"));
    let report = Command::SubmitReport {
        project: ProjectId(1),
        period_start: period.0,
        period_end: period.1,
        claimed_tco2e: 100_000_000,
        calculation: String::new(),
    };
    run(seller, report).await?;
    let review = Command::ReviewReport {
        report: ReportId(1),
        decision: ReportDecision::Verify,
        verified_tco2e: 100_000_000,
        note: String::new(),
    };
    run(verifier, review).await?;
    run(verifier, Command::IssueCredits { report: ReportId(1) }).await?;
    let registry = &store.ledger().read().await.app.registry;
    let account = |org: u64| registry.organisation(OrgId(org)).map(|org| org.account).context("organisation exists");
    Ok((account(3)?, account(4)?, seller))
}

/// Acknowledged durable orders per second: each order escrowed, matched and,
/// when it crosses, settled, through the sequencer on SQLite; with group
/// commit (the median of `rounds` runs, each on a fresh database) and with
/// one transaction per command.
async fn durable_exchange(count: u64, rounds: u32, single: u64, clients: u64) -> anyhow::Result<serde_json::Value> {
    anyhow::ensure!(rounds > 0, "--durable-rounds must be at least 1");
    // Each database lives in a temporary folder as long as its value.
    let single_database = TestDatabase::sqlite();
    let mut single_options = single_database.options.clone();
    single_options.group_commands_max = 1;
    let one = timed_orders(single_options, single, clients, "orders, one transaction per command").await?;
    let (mut runs, mut databases) = (Vec::new(), Vec::new());
    for round in 1..=rounds {
        // Kept until every round has run, so that no round is timed while
        // the file system deletes the one before.
        let database = TestDatabase::sqlite();
        let label = format!("orders, group commit, round {round}/{rounds}");
        runs.push(timed_orders(database.options.clone(), count, clients, &label).await?);
        databases.push(database);
    }
    let rounds_per_s: Vec<f64> = runs.iter().map(|run| run.per_s.round()).collect();
    runs.sort_by(|a, b| a.per_s.total_cmp(&b.per_s));
    let grouped = &runs[runs.len() / 2];
    println!("End to end through the sequencer (SQLite, synchronous=FULL; {clients} clients)");
    println!("{:<34} {:>10} {:>14} {:>10}", "way", "orders", "orders/s", "trades");
    let median = format!("group commit, median of {rounds}");
    for (name, figure) in [("one transaction per command", &one), (median.as_str(), grouped)] {
        println!("{:<34} {:>10} {:>14.0} {:>10}", name, figure.orders, figure.per_s, figure.trades);
    }
    let each: Vec<String> = rounds_per_s.iter().map(|per_s| format!("{per_s:.0}")).collect();
    println!("group commit, each round (orders/s): {}", each.join(", "));
    println!("ratio: {:.1}×", grouped.per_s / one.per_s);
    println!();
    Ok(json!({
        "database": "sqlite",
        "clients": clients,
        "group_commit_orders_per_s": grouped.per_s.round(),
        "group_commit_orders": grouped.orders,
        "group_commit_trades": grouped.trades,
        "group_commit_rounds": rounds,
        "group_commit_rounds_orders_per_s": rounds_per_s,
        "one_transaction_per_command_orders_per_s": one.per_s.round(),
        "one_transaction_per_command_orders": one.orders,
        "ratio": (grouped.per_s / one.per_s * 10.0).round() / 10.0,
    }))
}

struct OrderFigures {
    orders: u64,
    per_s: f64,
    trades: usize,
}

async fn timed_orders(options: StoreOptions, count: u64, clients: u64, label: &str) -> anyhow::Result<OrderFigures> {
    let store = Store::open(options).await?;
    let accounts = exchange_setup(&store).await?;
    let (elapsed, _) = place_orders(&store, accounts, 0..count, clients, label).await?;
    let ledger = store.ledger().read().await;
    let placed = ledger.app.market.orders().count() as u64;
    anyhow::ensure!(placed == count, "{label}: {placed} orders recorded, {count} were acknowledged");
    ledger.app.check_invariants().map_err(|why| anyhow::anyhow!("{label}: {why}"))?;
    Ok(OrderFigures {
        orders: count,
        per_s: count as f64 / elapsed.as_secs_f64(),
        trades: ledger.app.market.trades().len(),
    })
}

/// The seller's and the buyer's accounts of a market with one instrument,
/// an open exchange and a funded buyer.
pub(crate) async fn exchange_setup(store: &Store) -> anyhow::Result<(AccountId, AccountId)> {
    use mangrove_app::MarketCommand;
    let (seller_account, buyer_account, _) = setup(store).await?;
    let submit = |actor: Actor, command: MarketCommand| {
        let store = store.clone();
        async move { anyhow::Ok(store.sequencer().submit(Submission::new(&actor, None, command)?).await?) }
    };
    submit(Actor::System, MarketCommand::OpenExchange { fee_bps: 25 }).await?;
    let deposit = MarketCommand::RecordDeposit {
        org: OrgId(4),
        amount_satang: mangrove_ledger::AMOUNT_PER_TRANSFER_MAX,
        reference: "bench".into(),
    };
    submit(Actor::System, deposit).await?;
    submit(Actor::System, MarketCommand::ListInstrument { batch: BatchId(1), tick_satang: 1 }).await?;
    Ok((seller_account, buyer_account))
}

/// Places orders numbered `numbers` on the market of [`exchange_setup`],
/// alternately sells and buys around a mid of 100 baht, a few ticks apart,
/// so that about half cross; returns the time until the last answer.
pub(crate) async fn place_orders(
    store: &Store,
    (seller_account, buyer_account): (AccountId, AccountId),
    numbers: std::ops::Range<u64>,
    clients: u64,
    label: &str,
) -> anyhow::Result<(Duration, Vec<f64>)> {
    use mangrove_app::MarketCommand;
    use mangrove_exchange::{OrderKind, Side, TimeInForce};
    let member = |org: u64, role: Role| Actor::Member { user: UserId(org), org: OrgId(org), role };
    let (seller, buyer) = (member(3, Role::Proponent), member(4, Role::Factory));
    let first = numbers.start;
    drive_timed(store, numbers.end.saturating_sub(first), clients, label, move |index| {
        let n = first + index;
        // Sells and buys around a mid of 100 baht, a few ticks apart, so about half cross.
        let draw = n.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 58;
        let (actor, account, side) =
            if n.is_multiple_of(2) { (seller, seller_account, Side::Sell) } else { (buyer, buyer_account, Side::Buy) };
        let price = match side {
            Side::Sell => 10_000 + draw * 10 - 200,
            Side::Buy => 10_000 - draw * 10 + 200,
        };
        let command = MarketCommand::PlaceOrder {
            instrument: InstrumentId(1),
            account,
            side,
            kind: OrderKind::Limit,
            price_satang: Some(price),
            qty_tco2e: 1 + draw % 5,
            tif: TimeInForce::Gtc,
            expires_at_ms: None,
        };
        (actor, command.into())
    })
    .await
}

fn print_table(rows: &[(&str, Figures)]) {
    println!();
    println!("Acknowledged durable transfers per second through the sequencer");
    println!("{:<10} {:>22} {:>18} {:>8}", "database", "1 transaction/command", "group commit", "ratio");
    for (name, figure) in rows {
        println!(
            "{:<10} {:>22.0} {:>18.0} {:>7.1}×",
            name,
            figure.single,
            figure.grouped,
            figure.grouped / figure.single
        );
    }
    println!();
}

/// `mangrove bench mrv`: the whole province recomputed (every inventory of
/// every factory and year, and the dashboard's sums) from memory, against
/// the same work with one SQL query per factory; then the dashboard
/// endpoint under load.
pub async fn mrv(factories: usize, load_seconds: u64, clients: usize) -> anyhow::Result<()> {
    let database = TestDatabase::sqlite();
    let store = Store::open(database.options.clone()).await?;
    let spinner = ProgressBar::new_spinner().with_message(format!("building the demo with {factories} factories"));
    spinner.enable_steady_tick(Duration::from_millis(120));
    mangrove_demo::build_with_factories(&store, factories).await?;
    spinner.finish_and_clear();
    let (ours, province) = {
        let ledger = store.ledger().read().await;
        let started = Instant::now();
        let dashboard = mangrove_app::query::dashboard(&ledger.app, ledger.tree.len());
        (started.elapsed(), dashboard)
    };
    let (naive, naive_total) = one_query_per_factory(&store).await?;
    let latest = *province.total_tco2e_by_year.keys().next_back().context("the demo has activity data")?;
    anyhow::ensure!(naive_total == province.total_tco2e_by_year[&latest], "both ways agree on the province's total");
    let load = dashboard_under_load(store.clone(), Duration::from_secs(load_seconds), clients).await?;
    println!();
    println!(
        "The province recomputed: {} inventories, {} activity lines",
        province.inventories, province.activity_lines
    );
    println!("{:<42} {:>12}", "way", "time (ms)");
    println!("{:<42} {:>12.1}", "mangrove (in memory, one pass)", ours.as_secs_f64() * 1e3);
    println!("{:<42} {:>12.1}", "one SQL query per factory", naive.as_secs_f64() * 1e3);
    println!("ratio: {:.1}×", naive.as_secs_f64() / ours.as_secs_f64());
    println!(
        "GET /api/v1/dashboard, {clients} clients for {load_seconds} s: {} requests, p50 {:.2} ms, p99 {:.2} ms",
        load.requests, load.p50_ms, load.p99_ms
    );
    println!();
    println!(
        "{}",
        json!({
            "bench": "mrv",
            "factories": factories,
            "inventories": province.inventories,
            "activity_lines": province.activity_lines,
            "recompute_ms": (ours.as_secs_f64() * 1e4).round() / 10.0,
            "one_query_per_factory_ms": (naive.as_secs_f64() * 1e4).round() / 10.0,
            "ratio": (naive.as_secs_f64() / ours.as_secs_f64() * 10.0).round() / 10.0,
            "dashboard_requests": load.requests,
            "dashboard_p50_ms": (load.p50_ms * 100.0).round() / 100.0,
            "dashboard_p99_ms": (load.p99_ms * 100.0).round() / 100.0,
        })
    );
    Ok(())
}

/// The naive way: for each factory, ask the database for its years, parse
/// them, compute each inventory, and add up the latest year.
async fn one_query_per_factory(store: &Store) -> anyhow::Result<(Duration, mangrove_mrv::Co2e)> {
    let orgs: Vec<i64> = {
        let ledger = store.ledger().read().await;
        ledger.app.factories.factories().map(|f| i64::try_from(f.org.get())).collect::<Result<_, _>>()?
    };
    let catalogue = mangrove_mrv::Catalogue::embedded();
    let started = Instant::now();
    let mut by_year: std::collections::BTreeMap<i64, mangrove_mrv::Co2e> = std::collections::BTreeMap::new();
    for org in orgs {
        for (year, gwp, combustion, lines) in store.db().factory_years_of(org).await? {
            let options = mangrove_mrv::InventoryOptions {
                year: i32::try_from(year)?,
                gwp_set: serde_json::from_value(json!(gwp))?,
                combustion: serde_json::from_value(json!(combustion))?,
            };
            let lines: Vec<mangrove_mrv::ActivityLine> = serde_json::from_str(&lines)?;
            let inventory =
                mangrove_mrv::Inventory::compute(catalogue, options, &lines).map_err(|e| anyhow::anyhow!("{e}"))?;
            *by_year.entry(year).or_default() += inventory.total();
        }
    }
    let elapsed = started.elapsed();
    let latest = by_year.values().next_back().copied().context("some activity data")?;
    Ok((elapsed, latest))
}

struct Load {
    requests: usize,
    p50_ms: f64,
    p99_ms: f64,
}

/// Serves the store on a loopback port and asks for the dashboard from
/// `clients` clients at once, for `duration`.
async fn dashboard_under_load(store: Store, duration: Duration, clients: usize) -> anyhow::Result<Load> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/api/v1/dashboard", listener.local_addr()?);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(mangrove_server::serve(listener, store, async move {
        let _ = stopped.await;
    }));
    let client = reqwest::Client::new();
    client.get(&url).send().await?.error_for_status()?; // warm the cache
    let deadline = Instant::now() + duration;
    let mut tasks = Vec::new();
    for _ in 0..clients.max(1) {
        let (client, url) = (client.clone(), url.clone());
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            while Instant::now() < deadline {
                let started = Instant::now();
                let body = client.get(&url).send().await?.error_for_status()?.bytes().await?;
                anyhow::ensure!(!body.is_empty(), "an empty dashboard");
                latencies.push(started.elapsed().as_secs_f64() * 1e3);
            }
            anyhow::Ok(latencies)
        }));
    }
    let mut latencies = Vec::new();
    for task in tasks {
        latencies.extend(task.await??);
    }
    let _ = stop.send(());
    server.await??;
    latencies.sort_by(f64::total_cmp);
    let at = |share: f64| {
        latencies
            .get(((latencies.len() as f64 * share) as usize).min(latencies.len().saturating_sub(1)))
            .copied()
            .unwrap_or(0.0)
    };
    Ok(Load { requests: latencies.len(), p50_ms: at(0.50), p99_ms: at(0.99) })
}
