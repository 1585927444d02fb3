//! `mangrove bench exchange`: the matching engine alone against a peer, the
//! `matchcore` crate (a single-threaded, deterministic price-time engine, the
//! closest in design to ours among the order books on crates.io), on the
//! same seeded stream of orders and cancels in one process. Each engine runs
//! the stream several times on a fresh book and the median is reported, then
//! once more with every request timed for latency percentiles.
//!
//! The two are not identical in what they do: ours also prevents self-trades
//! between the stream's accounts and reports every event into a vector; the
//! peer has no accounts and returns an owned report per request. The fill
//! counts are printed so the difference can be seen.

use indicatif::{ProgressBar, ProgressStyle};
use mangrove_exchange::bench_stream::{
    clock_overhead_ns, generate, latencies_engine, percentile, run_engine, time_each, RunFigures, StreamConfig,
    StreamOp,
};
use mangrove_exchange::{BookConfig, OrderKind, Side, TimeInForce};
use serde_json::{json, Value};
use std::time::Instant;

const PEER: &str = "matchcore 0.4";

/// The peer's figures for one run.
#[derive(Clone, Copy, Default)]
struct PeerRun {
    elapsed_ns: u64,
    trades: u64,
    rejected: u64,
}

/// One engine's summary: median throughput and latency percentiles.
struct Summary {
    ops_per_s: f64,
    p50_ns: u32,
    p99_ns: u32,
    p999_ns: u32,
    fills: u64,
    rejected: u64,
}

/// Runs both engines on a stream of `ops` requests and returns the figures.
pub fn run(ops: usize, rounds: u32, seed: u64) -> anyhow::Result<Value> {
    anyhow::ensure!(ops > 0 && rounds > 0, "the stream and the rounds must not be empty");
    let config = StreamConfig { ops, seed, ..StreamConfig::default() };
    let progress = ProgressBar::new(u64::from(rounds) * 2 + 3);
    progress.set_style(ProgressStyle::with_template("{msg:48} {bar:30} {pos}/{len}").expect("a valid template"));
    progress.set_message(format!("generating {ops} requests"));
    let stream = generate(&config);
    let commands = peer_commands(&stream);
    progress.inc(1);
    let book = BookConfig::new(config.tick_satang);
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for round in 1..=rounds {
        progress.set_message(format!("round {round}/{rounds}: mangrove"));
        ours.push(run_engine(&stream, book));
        progress.inc(1);
        progress.set_message(format!("round {round}/{rounds}: {PEER}"));
        theirs.push(run_peer(&commands));
        progress.inc(1);
    }
    progress.set_message("every request timed: mangrove");
    let mut our_latencies = latencies_engine(&stream, book);
    progress.inc(1);
    progress.set_message(format!("every request timed: {PEER}"));
    let mut peer = matchcore::OrderBook::new("TGO-VER");
    let mut their_latencies = time_each(&commands, |command| {
        std::hint::black_box(peer.execute(command));
    });
    progress.finish_and_clear();
    let ours = summarise_ours(&mut ours, &mut our_latencies);
    let theirs = summarise_peer(&mut theirs, &mut their_latencies, ops);
    let clock_ns = clock_overhead_ns();
    print_table(&config, rounds, &stream, &ours, &theirs, clock_ns);
    Ok(figures(&config, rounds, &ours, &theirs, clock_ns))
}

fn summarise_ours(runs: &mut [RunFigures], latencies: &mut [u32]) -> Summary {
    runs.sort_by_key(|run| run.elapsed_ns);
    let median = runs[runs.len() / 2];
    Summary {
        ops_per_s: median.ops_per_s(),
        p50_ns: percentile(latencies, 0.50),
        p99_ns: percentile(latencies, 0.99),
        p999_ns: percentile(latencies, 0.999),
        fills: median.fills,
        rejected: median.rejected,
    }
}

fn summarise_peer(runs: &mut [PeerRun], latencies: &mut [u32], ops: usize) -> Summary {
    runs.sort_by_key(|run| run.elapsed_ns);
    let median = runs[runs.len() / 2];
    Summary {
        ops_per_s: ops as f64 / (median.elapsed_ns.max(1) as f64 / 1e9),
        p50_ns: percentile(latencies, 0.50),
        p99_ns: percentile(latencies, 0.99),
        p999_ns: percentile(latencies, 0.999),
        fills: median.trades,
        rejected: median.rejected,
    }
}

/// The stream in the peer's terms. It numbers orders by the command's
/// sequence number, which is the request's index, as our ids are.
fn peer_commands(stream: &[StreamOp]) -> Vec<matchcore::Command> {
    stream
        .iter()
        .enumerate()
        .map(|(index, op)| {
            let meta = matchcore::CommandMeta {
                sequence_number: matchcore::SequenceNumber(index as u64),
                timestamp: matchcore::Timestamp(0),
            };
            let kind = match op {
                StreamOp::Cancel(id) => matchcore::CommandKind::Cancel(matchcore::CancelCmd {
                    order_id: matchcore::OrderId(id.0),
                    order_kind: matchcore::OrderKind::Limit,
                }),
                StreamOp::New(order) => {
                    matchcore::CommandKind::Submit(matchcore::SubmitCmd { order: peer_order(order) })
                }
            };
            matchcore::Command { meta, kind }
        })
        .collect()
}

fn peer_order(order: &mangrove_exchange::NewOrder) -> matchcore::NewOrder {
    let side = match order.side {
        Side::Buy => matchcore::Side::Buy,
        Side::Sell => matchcore::Side::Sell,
    };
    let quantity = matchcore::Quantity(order.qty_tco2e.0);
    let price = order.price_satang.map(|price| u64::try_from(price.0).expect("the stream's prices are positive"));
    match (order.kind, price) {
        (OrderKind::Limit, Some(price)) => {
            let (post_only, tif) = match order.tif {
                TimeInForce::Gtc => (false, matchcore::TimeInForce::Gtc),
                TimeInForce::Ioc => (false, matchcore::TimeInForce::Ioc),
                TimeInForce::Fok => (false, matchcore::TimeInForce::Fok),
                TimeInForce::PostOnly => (true, matchcore::TimeInForce::Gtc),
            };
            matchcore::NewOrder::Limit(matchcore::LimitOrder::new(
                matchcore::Price(price),
                matchcore::QuantityPolicy::Standard { quantity },
                matchcore::OrderFlags::new(side, post_only, tif),
            ))
        }
        _ => matchcore::NewOrder::Market(matchcore::MarketOrder::new(quantity, side, false)),
    }
}

/// The peer through the whole stream on a fresh book, timed as a whole.
fn run_peer(commands: &[matchcore::Command]) -> PeerRun {
    let mut book = matchcore::OrderBook::new("TGO-VER");
    let mut run = PeerRun::default();
    let started = Instant::now();
    for command in commands {
        match book.execute(command) {
            matchcore::CommandOutcome::Applied(matchcore::CommandReport::Submit(effects)) => {
                run.trades += effects.target_order().match_result().map_or(0, |result| result.trades().len() as u64);
            }
            matchcore::CommandOutcome::Applied(_) => {}
            matchcore::CommandOutcome::Rejected(_) => run.rejected += 1,
        }
    }
    run.elapsed_ns = started.elapsed().as_nanos() as u64;
    run
}

fn print_table(config: &StreamConfig, rounds: u32, stream: &[StreamOp], ours: &Summary, theirs: &Summary, clock: f64) {
    let cancels = stream.iter().filter(|op| matches!(op, StreamOp::Cancel(_))).count();
    println!();
    println!(
        "The matching engine alone: {} requests ({} orders, {} cancels), {} accounts, seed {:#x}; \
         median of {rounds} runs",
        config.ops,
        config.ops - cancels,
        cancels,
        config.accounts,
        config.seed
    );
    println!(
        "{:<16} {:>16} {:>8} {:>8} {:>9} {:>10} {:>10}",
        "engine", "requests/s", "p50 ns", "p99 ns", "p99.9 ns", "fills", "refused"
    );
    for (name, row) in [("mangrove", ours), (PEER, theirs)] {
        println!(
            "{:<16} {:>16} {:>8} {:>8} {:>9} {:>10} {:>10}",
            name,
            thousands(row.ops_per_s as u64),
            row.p50_ns,
            row.p99_ns,
            row.p999_ns,
            row.fills,
            row.rejected
        );
    }
    println!(
        "ratio: {:.2}× the peer's throughput; each latency includes about {clock:.0} ns of reading the clock",
        ours.ops_per_s / theirs.ops_per_s
    );
    println!();
}

fn thousands(value: u64) -> String {
    let digits = value.to_string();
    let head = match digits.len() % 3 {
        0 => 3.min(digits.len()),
        head => head,
    };
    let groups = digits.as_bytes()[head..].chunks(3).map(|group| std::str::from_utf8(group).expect("ASCII digits"));
    std::iter::once(&digits[..head]).chain(groups).collect::<Vec<_>>().join(",")
}

fn figures(config: &StreamConfig, rounds: u32, ours: &Summary, theirs: &Summary, clock_ns: f64) -> Value {
    let row = |summary: &Summary| {
        json!({
            "requests_per_s": summary.ops_per_s.round(),
            "p50_ns": summary.p50_ns,
            "p99_ns": summary.p99_ns,
            "p999_ns": summary.p999_ns,
            "fills": summary.fills,
            "refused": summary.rejected,
        })
    };
    json!({
        "requests": config.ops,
        "seed": config.seed,
        "accounts": config.accounts,
        "rounds": rounds,
        "mangrove": row(ours),
        "peer": row(theirs),
        "peer_crate": PEER,
        "ratio": (ours.ops_per_s / theirs.ops_per_s * 100.0).round() / 100.0,
        "clock_overhead_ns": clock_ns.round(),
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn thousands_are_grouped() {
        for (value, text) in
            [(0, "0"), (999, "999"), (1_000, "1,000"), (24_215_300, "24,215,300"), (123_456, "123,456")]
        {
            assert_eq!(super::thousands(value), text);
        }
    }
}
