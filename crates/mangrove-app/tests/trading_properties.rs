//! Random order streams through the application — limit and market orders
//! of every time in force, cancels, replaces (of price, quantity or both,
//! which may shrink in place, move, trade or be refused), from the
//! municipality, two factories
//! and a citizen, around a narrow band of prices — and after every command:
//! every invariant holds (the registry's, the ledger's, the books', and
//! escrow equal to what rests); credits and cash are conserved; a refused
//! command changed nothing. At the end the journal rebuilds the same books,
//! registry and ledger.

mod support;

use mangrove_app::market::{Candle, CandleInterval, OrderStatus, Trade, CANDLES_MAX};
use mangrove_app::*;
use proptest::prelude::*;
use support::*;

#[derive(Debug, Clone)]
enum Op {
    Limit {
        who: usize,
        buy: bool,
        ticks: u64,
        qty: u64,
        tif: u8,
    },
    Market {
        who: usize,
        buy: bool,
        qty: u64,
    },
    Cancel {
        nth: usize,
    },
    /// The owner of an open order gives it a new price (or keeps its own) and quantity left.
    Replace {
        nth: usize,
        ticks: Option<u64>,
        qty: u64,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => (0..4usize, any::<bool>(), 0..8u64, 1..30u64, 0..4u8)
            .prop_map(|(who, buy, ticks, qty, tif)| Op::Limit { who, buy, ticks, qty, tif }),
        1 => (0..4usize, any::<bool>(), 1..40u64).prop_map(|(who, buy, qty)| Op::Market { who, buy, qty }),
        2 => (0..40usize).prop_map(|nth| Op::Cancel { nth }),
        3 => (0..40usize, prop::option::of(0..8u64), 1..40u64)
            .prop_map(|(nth, ticks, qty)| Op::Replace { nth, ticks, qty }),
    ]
}

fn tif(code: u8) -> TimeInForce {
    [TimeInForce::Gtc, TimeInForce::Ioc, TimeInForce::Fok, TimeInForce::PostOnly][code as usize % 4]
}

fn snapshot(town: &Town) -> String {
    let market = &town.app.market;
    format!(
        "{:?}|{:?}|{:?}|{:?}",
        town.app.registry,
        town.app.ledger,
        market.orders().collect::<Vec<_>>(),
        market.book(town.instrument).unwrap().orders().collect::<Vec<_>>()
    )
}

fn run(town: &mut Town, op: &Op) {
    let orgs = [town.seller, town.buyers[0], town.buyers[1], town.buyers[2]];
    let side = |buy: bool| if buy { Side::Buy } else { Side::Sell };
    let command = match *op {
        Op::Limit { who, buy, ticks, qty, tif: code } => MarketCommand::PlaceOrder {
            instrument: town.instrument,
            account: town.account(orgs[who]),
            side: side(buy),
            kind: OrderKind::Limit,
            price_satang: Some(24_600 + ticks * TICK_SATANG),
            qty_tco2e: qty,
            tif: tif(code),
            expires_at_ms: None,
        },
        Op::Market { who, buy, qty } => MarketCommand::PlaceOrder {
            instrument: town.instrument,
            account: town.account(orgs[who]),
            side: side(buy),
            kind: OrderKind::Market,
            price_satang: None,
            qty_tco2e: qty,
            tif: TimeInForce::Ioc,
            expires_at_ms: None,
        },
        Op::Cancel { nth } => {
            let open: Vec<_> = town.app.market.orders().filter(|o| o.status == OrderStatus::Open).collect();
            let Some(order) = open.get(nth % open.len().max(1)) else { return };
            let owner = order.org;
            let id = order.id;
            let before = snapshot(town);
            town.ok(town.as_member(owner), MarketCommand::CancelOrder { order: id });
            assert_ne!(snapshot(town), before, "a cancel of a resting order changes the book");
            return;
        }
        Op::Replace { nth, ticks, qty } => {
            let open: Vec<_> = town.app.market.orders().filter(|o| o.status == OrderStatus::Open).collect();
            let Some(order) = open.get(nth % open.len().max(1)) else { return };
            let (owner, order) = (order.org, order.id);
            let price_satang = ticks.map(|ticks| 24_600 + ticks * TICK_SATANG);
            let command = MarketCommand::ReplaceOrder { order, price_satang, qty_tco2e: qty };
            let before = snapshot(town);
            if town.run(town.as_member(owner), command).is_err() {
                assert_eq!(snapshot(town), before, "a refused {op:?} changed something");
            }
            return;
        }
    };
    let who = match *op {
        Op::Limit { who, .. } | Op::Market { who, .. } => orgs[who],
        Op::Cancel { .. } | Op::Replace { .. } => unreachable!(),
    };
    let before = snapshot(town);
    if town.run(town.as_member(who), command).is_err() {
        assert_eq!(snapshot(town), before, "a refused {op:?} changed something");
    }
}

/// The figures pages show, kept as trades apply, are what a scan of every
/// trade gives: the instrument's trades, last price, volume, and candles.
fn figures_match_a_scan(town: &Town) {
    let market = &town.app.market;
    let trades: Vec<&Trade> = market.trades().iter().filter(|t| t.instrument == town.instrument).collect();
    let kept: Vec<&Trade> = market.trades_of(town.instrument).collect();
    assert_eq!(kept, trades);
    let Some(figures) = market.figures(town.instrument) else {
        assert!(trades.is_empty(), "trades but no figures");
        return;
    };
    assert_eq!(figures.last_price_satang, trades.last().map(|t| t.price_satang));
    assert_eq!(figures.volume_tco2e, trades.iter().map(|t| t.qty_tco2e).sum::<u64>());
    for interval in CandleInterval::ALL {
        let width = interval.ms();
        let mut scanned: Vec<Candle> = Vec::new();
        for trade in &trades {
            let at_ms = (trade.at_ms + 7 * 3_600_000).div_euclid(width) * width - 7 * 3_600_000;
            match scanned.last_mut().filter(|candle| candle.at_ms == at_ms) {
                Some(candle) => {
                    candle.high_satang = candle.high_satang.max(trade.price_satang);
                    candle.low_satang = candle.low_satang.min(trade.price_satang);
                    candle.close_satang = trade.price_satang;
                    candle.volume_tco2e += trade.qty_tco2e;
                }
                None => scanned.push(Candle {
                    at_ms,
                    open_satang: trade.price_satang,
                    high_satang: trade.price_satang,
                    low_satang: trade.price_satang,
                    close_satang: trade.price_satang,
                    volume_tco2e: trade.qty_tco2e,
                }),
            }
        }
        let latest = scanned.split_off(scanned.len().saturating_sub(CANDLES_MAX));
        let kept: Vec<Candle> = figures.candles(interval).copied().collect();
        assert_eq!(kept, latest, "{interval:?} candles");
    }
}

fn conserved(town: &Town) {
    let orgs = [town.seller, town.buyers[0], town.buyers[1], town.buyers[2]];
    let credits: u64 = orgs.iter().map(|&org| town.active_tco2e(org) + town.held_tco2e(org)).sum();
    assert_eq!(credits, ISSUED_TCO2E, "every tonne is somewhere");
    let cash: i128 = orgs.iter().map(|&org| town.cash(org)).sum::<i128>() + town.fees();
    assert_eq!(cash, 3 * i128::from(DEPOSIT_SATANG), "every satang is somewhere");
    for org in orgs {
        assert!(town.available(org) >= 0, "{org} is overdrawn");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn random_streams_keep_escrow_and_conserve_everything(ops in prop::collection::vec(op(), 1..70)) {
        let mut town = town(30);
        for op in &ops {
            run(&mut town, op);
            if let Err(why) = town.app.check_invariants() {
                panic!("after {op:?}: {why}");
            }
            conserved(&town);
        }
        figures_match_a_scan(&town);
        let replayed = town.replayed();
        prop_assert_eq!(&replayed.registry, &town.app.registry);
        prop_assert_eq!(&replayed.ledger, &town.app.ledger);
        prop_assert_eq!(replayed.market.trades(), town.app.market.trades());
        let live: Vec<_> = town.app.market.book(town.instrument).unwrap().orders().collect();
        let again: Vec<_> = replayed.market.book(town.instrument).unwrap().orders().collect();
        prop_assert_eq!(live, again);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// A snapshot taken anywhere in a stream decodes to a state that encodes
    /// to the same bytes, and that goes on exactly as the live state does.
    #[test]
    fn a_state_restored_from_a_snapshot_goes_on_as_the_live_one(
        ops in prop::collection::vec(op(), 1..60),
        split in 0usize..60,
    ) {
        let mut live = town(30);
        let split = split.min(ops.len());
        for op in &ops[..split] {
            run(&mut live, op);
        }
        let encoded = live.app.encode_state();
        let mut restored = town(30);
        restored.app = App::decode_state(&encoded.bytes).unwrap();
        restored.journal = live.journal.clone();
        prop_assert_eq!(&restored.app.encode_state(), &encoded);
        prop_assert_eq!(restored.app.market.figures(restored.instrument), live.app.market.figures(live.instrument));
        prop_assert_eq!(&restored.app.registry, &live.app.registry, "with its derived indexes");
        for op in &ops[split..] {
            run(&mut live, op);
            run(&mut restored, op);
        }
        restored.app.check_invariants().unwrap();
        prop_assert_eq!(&restored.journal, &live.journal);
        prop_assert_eq!(restored.app.encode_state().state_hash, live.app.encode_state().state_hash);
    }
}

#[test]
fn a_different_state_has_a_different_hash() {
    let mut town = town(30);
    let before = town.app.encode_state();
    run(&mut town, &Op::Limit { who: 1, buy: true, ticks: 3, qty: 5, tif: 0 });
    assert_ne!(town.app.encode_state().state_hash, before.state_hash);
    let mut damaged = before.bytes.clone();
    damaged.truncate(damaged.len() / 2);
    assert!(App::decode_state(&damaged).unwrap_err().contains("cannot be read"));
}

#[test]
fn the_stream_reaches_trades_cancels_and_refusals() {
    // A fixed stream, to know the properties above meet every path at least once.
    let mut town = town(30);
    let ops = [
        Op::Limit { who: 0, buy: false, ticks: 2, qty: 20, tif: 0 },
        Op::Limit { who: 1, buy: true, ticks: 3, qty: 5, tif: 0 },
        Op::Limit { who: 2, buy: true, ticks: 1, qty: 5, tif: 0 },
        Op::Market { who: 0, buy: false, qty: 3 },
        Op::Limit { who: 3, buy: true, ticks: 7, qty: 100, tif: 2 },
        Op::Cancel { nth: 0 },
        Op::Limit { who: 0, buy: false, ticks: 6, qty: 10, tif: 0 },
        Op::Limit { who: 3, buy: true, ticks: 0, qty: 4, tif: 0 },
        // Open now: bid 3, ask 5, the citizen's bid 6. The citizen's bid shrinks in
        // place, then moves up across the ask and trades; then the ask grows.
        Op::Replace { nth: 2, ticks: None, qty: 2 },
        Op::Replace { nth: 2, ticks: Some(6), qty: 3 },
        Op::Replace { nth: 1, ticks: None, qty: 15 },
    ];
    for op in &ops {
        run(&mut town, op);
        town.app.check_invariants().unwrap();
    }
    assert!(town.app.market.trades().len() >= 3);
    assert!(town.app.market.orders().any(|o| o.status == OrderStatus::Cancelled));
    assert!(town.app.market.orders().filter(|o| o.replaced > 0).count() >= 2, "replaces went through");
    conserved(&town);
}
