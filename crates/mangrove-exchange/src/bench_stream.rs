//! A realistic, reproducible stream of exchange requests for measuring the
//! engine, and the timed runners. The stream comes from a seeded SplitMix64,
//! never from the system: prices cluster around a mid that drifts by single
//! ticks, most requests are limit orders resting near the mid, about three
//! in ten are cancels of orders sent earlier (nearly all still resting; a
//! few arrive after a fill, as in a real market), and some are market,
//! immediate, fill-or-kill or marketable limit orders that take liquidity. Several accounts trade, so
//! self-trade prevention is exercised too.
//!
//! Order ids are the index of the request in the stream, so another engine
//! that numbers orders by arrival sees the same ids.
//!
//! This is the only module that reads a clock (`Instant`), and only to
//! measure; the engine itself never does.

use crate::book::{BookConfig, OrderBook};
use crate::event::Event;
use crate::types::{NewOrder, OrderId, Side, TimeInForce};
use std::time::Instant;

/// One request of the stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamOp {
    New(NewOrder),
    Cancel(OrderId),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StreamConfig {
    pub ops: usize,
    pub seed: u64,
    pub accounts: u64,
    pub tick_satang: i64,
    pub mid_start_satang: i64,
    /// About how many orders the stream keeps resting: cancels grow more
    /// frequent above it.
    pub live_target: usize,
}

impl Default for StreamConfig {
    fn default() -> Self {
        // 300 baht a tonne with a 10-satang tick: the range of Thailand's
        // voluntary credits.
        StreamConfig {
            ops: 2_000_000,
            seed: 0x5eed_2026,
            accounts: 16,
            tick_satang: 10,
            mid_start_satang: 30_000,
            live_target: 10_000,
        }
    }
}

/// SplitMix64: tiny, fast, and good enough to shape a stream.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    pub const fn new(seed: u64) -> SplitMix64 {
        SplitMix64(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..bound` (bound > 0); the tiny modulo bias does not
    /// matter for shaping a stream.
    pub fn below(&mut self, bound: u64) -> u64 {
        self.next_u64() % bound
    }

    pub fn percent(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// The stream described in the module doc. It runs the requests through a
/// book as it makes them, so that its cancels name orders that are still
/// resting, except for the few that are meant to arrive too late.
pub fn generate(config: &StreamConfig) -> Vec<StreamOp> {
    let mut random = SplitMix64::new(config.seed);
    let mut book = OrderBook::new(BookConfig::new(config.tick_satang));
    let mut events = Vec::new();
    let mut ops = Vec::with_capacity(config.ops);
    // Ids that may rest; filled ones are weeded out when picked.
    let mut maybe_live: Vec<OrderId> = Vec::new();
    let tick = config.tick_satang;
    let mut mid = config.mid_start_satang / tick * tick;
    for index in 0..config.ops {
        if random.percent(5) {
            mid = (mid + if random.percent(50) { tick } else { -tick }).max(100 * tick);
        }
        let cancel_percent = if book.len() > config.live_target { 45 } else { 30 };
        let cancel = random.percent(cancel_percent);
        let op = match cancel.then(|| pick_resting(&mut random, &book, &mut maybe_live)).flatten() {
            Some(id) => StreamOp::Cancel(id),
            None => {
                let order = new_order(&mut random, config, index as u64, mid);
                if matches!(order.tif, TimeInForce::Gtc | TimeInForce::PostOnly) && order.price_satang.is_some() {
                    maybe_live.push(order.id);
                }
                StreamOp::New(order)
            }
        };
        apply(&mut book, &op, &mut events);
        ops.push(op);
    }
    ops
}

/// A random order of `maybe_live`, taken out of it: one that rests, or now
/// and then (one time in twenty) one that no longer does, as a cancel that
/// crosses a fill in a real market would.
fn pick_resting(random: &mut SplitMix64, book: &OrderBook, maybe_live: &mut Vec<OrderId>) -> Option<OrderId> {
    let late = random.percent(5);
    while !maybe_live.is_empty() {
        let id = maybe_live.swap_remove(random.below(maybe_live.len() as u64) as usize);
        if late || book.get(id).is_some() {
            return Some(id);
        }
    }
    None
}

fn new_order(random: &mut SplitMix64, config: &StreamConfig, id: u64, mid: i64) -> NewOrder {
    let side = if random.percent(50) { Side::Buy } else { Side::Sell };
    let account = random.below(config.accounts.max(1));
    // Mostly a few tonnes, now and then a block.
    let qty = 1 + random.below(20) + if random.percent(10) { random.below(200) } else { 0 };
    let tick = config.tick_satang;
    // Passive prices sit a few ticks behind the mid, with a thin tail further out.
    let behind = 1 + random.below(4) + 2 * u64::from((random.next_u64() | 1 << 20).trailing_zeros());
    let passive = match side {
        Side::Buy => mid - behind as i64 * tick,
        Side::Sell => mid + behind as i64 * tick,
    };
    let through = random.below(5) as i64 * tick;
    let aggressive = match side {
        Side::Buy => mid + through,
        Side::Sell => mid - through,
    };
    match random.below(100) {
        0..=3 => NewOrder::market(id, account, side, qty),
        4..=7 => NewOrder::limit(id, account, side, aggressive, qty).with_tif(TimeInForce::Ioc),
        8 => NewOrder::limit(id, account, side, aggressive, qty).with_tif(TimeInForce::Fok),
        9..=14 => NewOrder::limit(id, account, side, passive, qty).with_tif(TimeInForce::PostOnly),
        15..=22 => NewOrder::limit(id, account, side, aggressive, qty),
        _ => NewOrder::limit(id, account, side, passive, qty),
    }
}

/// What one run of the stream through our engine did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunFigures {
    pub ops: u64,
    pub elapsed_ns: u64,
    pub fills: u64,
    pub rejected: u64,
    pub resting_at_end: u64,
}

impl RunFigures {
    pub fn ops_per_s(&self) -> f64 {
        self.ops as f64 / (self.elapsed_ns.max(1) as f64 / 1e9)
    }
}

/// Applies one request; returns the fills it made, or `None` when refused.
pub fn apply(book: &mut OrderBook, op: &StreamOp, events: &mut Vec<Event>) -> Option<u64> {
    events.clear();
    let accepted = match op {
        StreamOp::New(order) => book.submit(order, 0, events).is_ok(),
        StreamOp::Cancel(id) => book.cancel(*id, events).is_ok(),
    };
    accepted.then(|| events.iter().filter(|event| matches!(event, Event::Fill(_))).count() as u64)
}

/// Runs the whole stream through a fresh book, timing the loop as a whole.
pub fn run_engine(stream: &[StreamOp], config: BookConfig) -> RunFigures {
    let mut book = OrderBook::new(config);
    let mut events = Vec::with_capacity(64);
    let mut figures = RunFigures { ops: stream.len() as u64, ..RunFigures::default() };
    let started = Instant::now();
    for op in stream {
        match apply(&mut book, op, &mut events) {
            Some(fills) => figures.fills += fills,
            None => figures.rejected += 1,
        }
    }
    figures.elapsed_ns = started.elapsed().as_nanos() as u64;
    figures.resting_at_end = book.len() as u64;
    figures
}

/// Times each call of `step`, in nanoseconds, for latency percentiles. Each
/// figure includes one reading of the clock (see `clock_overhead_ns`).
pub fn time_each<T>(items: &[T], mut step: impl FnMut(&T)) -> Vec<u32> {
    let mut latencies = Vec::with_capacity(items.len());
    for item in items {
        let started = Instant::now();
        step(item);
        latencies.push(u32::try_from(started.elapsed().as_nanos()).unwrap_or(u32::MAX));
    }
    latencies
}

/// The engine's per-request latencies over the whole stream.
pub fn latencies_engine(stream: &[StreamOp], config: BookConfig) -> Vec<u32> {
    let mut book = OrderBook::new(config);
    let mut events = Vec::with_capacity(64);
    time_each(stream, |op| {
        std::hint::black_box(apply(&mut book, op, &mut events));
    })
}

/// What timing an empty step costs: the floor under every latency figure.
pub fn clock_overhead_ns() -> f64 {
    let rounds = 100_000;
    let latencies = time_each(&vec![(); rounds], |_| {});
    latencies.iter().map(|&ns| f64::from(ns)).sum::<f64>() / rounds as f64
}

/// The `share` quantile (0.5 for the median) of unsorted latencies.
pub fn percentile(latencies: &mut [u32], share: f64) -> u32 {
    if latencies.is_empty() {
        return 0;
    }
    let rank = ((latencies.len() as f64 * share) as usize).min(latencies.len() - 1);
    *latencies.select_nth_unstable(rank).1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stream_is_reproducible_and_shaped_like_a_market() {
        let config = StreamConfig { ops: 100_000, ..StreamConfig::default() };
        let stream = generate(&config);
        assert_eq!(stream, generate(&config), "the same seed gives the same stream");
        let mut book = OrderBook::new(BookConfig::new(config.tick_satang));
        let mut events = Vec::new();
        let (mut cancels, mut cancels_resting, mut fills, mut book_max) = (0u64, 0u64, 0u64, 0usize);
        for (index, op) in stream.iter().enumerate() {
            let result = apply(&mut book, op, &mut events);
            if matches!(op, StreamOp::Cancel(_)) {
                cancels += 1;
                cancels_resting += u64::from(result.is_some());
            }
            fills += result.unwrap_or(0);
            book_max = book_max.max(book.len());
            if index % 101 == 0 {
                book.check_invariants().unwrap();
            }
        }
        let share = |part: u64, whole: u64| part as f64 / whole as f64;
        assert!((0.2..0.4).contains(&share(cancels, stream.len() as u64)), "{cancels} cancels");
        assert!(share(cancels_resting, cancels) > 0.9, "{cancels_resting} of {cancels} cancels find their order");
        assert!(share(fills, stream.len() as u64) > 0.1, "{fills} fills");
        assert!((500..20_000).contains(&book_max), "the book peaks at {book_max} orders");
        let kinds = |tif| stream.iter().filter(|op| matches!(op, StreamOp::New(o) if o.tif == tif)).count();
        assert!([TimeInForce::Gtc, TimeInForce::Ioc, TimeInForce::Fok, TimeInForce::PostOnly]
            .into_iter()
            .all(|tif| kinds(tif) > 0));
    }

    #[test]
    fn percentiles_pick_the_rank() {
        let mut latencies: Vec<u32> = (1..=100).rev().collect();
        assert_eq!(percentile(&mut latencies, 0.5), 51);
        assert_eq!(percentile(&mut latencies, 0.99), 100);
        assert_eq!(percentile(&mut [], 0.5), 0);
    }
}
