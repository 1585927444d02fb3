//! Trading through the application: escrow on placement, delivery versus
//! payment on every fill, the fee to the operator, escrow given back when
//! an order leaves the book, cancel/replace with its escrow re-sized and
//! its priority kept only when it shrinks at the same price, refusals that
//! change nothing, the call auction's uniform price worked by hand, and the
//! journal rebuilding every book exactly.

mod support;

use mangrove_app::market::{AuctionStatus, OrderStatus};
use mangrove_app::*;
use mangrove_core::*;
use mangrove_registry::Actor;
use support::*;

/// What must not change when a command is refused.
fn fingerprint(town: &Town) -> String {
    let market = &town.app.market;
    let book = market.book(town.instrument).unwrap();
    format!(
        "{:?}|{:?}|{:?}|{:?}|{:?}",
        town.app.registry.holdings().collect::<Vec<_>>(),
        town.app.ledger.accounts().map(|a| town.app.ledger.balance(a.id)).collect::<Vec<_>>(),
        market.orders().collect::<Vec<_>>(),
        market.trades(),
        book.orders().collect::<Vec<_>>(),
    )
}

#[test]
fn a_trade_moves_credits_and_cash_together_and_pays_the_fee() {
    let mut town = town(50); // 0.5 %
    let (seller, buyer) = (town.seller, town.buyers[0]);
    // The municipality offers 300 t at 250 baht; the factory bids for 120 t at up to 260 baht.
    town.limit(seller, Side::Sell, 25_000, 300);
    assert_eq!((town.active_tco2e(seller), town.held_tco2e(seller)), (700, 300), "the credits are in escrow");
    town.limit(buyer, Side::Buy, 26_000, 120);
    // 120 t at the resting price of 250 baht = 30,000 baht; the fee is 0.5 % = 150 baht, paid by the seller.
    assert_eq!(town.active_tco2e(buyer), 120);
    assert_eq!(town.held_tco2e(seller), 180, "the rest of the sell order stays held");
    assert_eq!(town.cash(buyer), i128::from(DEPOSIT_SATANG) - 3_000_000, "the price improvement came back");
    assert_eq!(town.cash(seller), 3_000_000 - 15_000);
    assert_eq!(town.fees(), 15_000);
    let trade = &town.app.market.trades()[0];
    assert_eq!((trade.price_satang, trade.qty_tco2e, trade.fee_satang), (25_000, 120, 15_000));
    town.app.check_invariants().unwrap();

    // Cancelling the rest gives the credits back.
    let order = town.app.market.orders().next().unwrap().id;
    town.ok(town.as_member(seller), MarketCommand::CancelOrder { order });
    assert_eq!((town.active_tco2e(seller), town.held_tco2e(seller)), (880, 0));
    assert_eq!(town.app.market.order(order).unwrap().status, OrderStatus::Cancelled);
    town.app.check_invariants().unwrap();
}

#[test]
fn a_resting_buy_holds_its_cash_and_a_market_sell_takes_it() {
    let mut town = town(0);
    let (seller, buyer) = (town.seller, town.buyers[1]);
    town.limit(buyer, Side::Buy, 30_000, 10);
    assert_eq!(town.available(buyer), i128::from(DEPOSIT_SATANG) - 300_000, "10 t × 300 baht held");
    // A market sell of 25 t trades the 10 t bid at 300 baht; the other 15 t are dropped and released.
    town.order(seller, Side::Sell, OrderKind::Market, None, 25, TimeInForce::Ioc).unwrap();
    assert_eq!(town.active_tco2e(buyer), 10);
    assert_eq!((town.active_tco2e(seller), town.held_tco2e(seller)), (990, 0));
    assert_eq!(town.cash(seller), 300_000);
    assert_eq!(town.available(buyer), i128::from(DEPOSIT_SATANG) - 300_000);
    town.app.check_invariants().unwrap();
}

#[test]
fn a_market_buy_holds_what_the_book_asks_and_self_trades_are_prevented() {
    let mut town = town(0);
    let (seller, buyer) = (town.seller, town.buyers[0]);
    town.limit(seller, Side::Sell, 20_000, 5);
    town.limit(seller, Side::Sell, 21_000, 5);
    // The factory first sells 2 t of its own? It holds none yet: it buys 7 at market: 5 × 200 + 2 × 210 baht.
    town.order(buyer, Side::Buy, OrderKind::Market, None, 7, TimeInForce::Ioc).unwrap();
    assert_eq!(town.cash(buyer), i128::from(DEPOSIT_SATANG) - 142_000);
    assert_eq!(town.available(buyer), town.cash(buyer), "nothing stays held after a market order");
    // Now the factory rests a sell of its own at 210 baht, then buys at 215: its own sell is cancelled, not traded.
    town.limit(buyer, Side::Sell, 21_000, 2);
    town.limit(buyer, Side::Buy, 21_500, 4);
    let own = town.app.market.orders().find(|o| o.org == buyer && o.side == Side::Sell).unwrap();
    assert_eq!(own.status, OrderStatus::SelfTrade);
    assert_eq!(town.active_tco2e(buyer), 7 + 3, "3 t from the municipality's ask; its own 2 t came back");
    town.app.check_invariants().unwrap();
}

/// A replayed App holds the live one's trades, registry and ledger, and its invariants.
fn assert_same_trades_credits_and_cash(replayed: &App, live: &App) {
    assert_eq!(replayed.market.trades(), live.market.trades());
    assert_eq!(replayed.registry, live.registry);
    assert_eq!(replayed.ledger, live.ledger);
    replayed.check_invariants().unwrap();
}

/// The id of the order placed by `events`.
fn placed(events: &[AppEvent]) -> OrderId {
    events
        .iter()
        .find_map(|event| match event {
            AppEvent::Market(MarketEvent::OrderPlaced { order, .. }) => Some(order.id),
            _ => None,
        })
        .expect("an order was placed")
}

fn replace(order: OrderId, price_satang: Option<u64>, qty_tco2e: u64) -> MarketCommand {
    MarketCommand::ReplaceOrder { order, price_satang, qty_tco2e }
}

#[test]
fn a_smaller_order_at_the_same_price_keeps_its_place_and_anything_else_loses_it() {
    let mut town = town(0);
    let (seller, first, second) = (town.seller, town.buyers[0], town.buyers[1]);
    let early = placed(&town.limit(first, Side::Buy, 25_000, 10));
    town.limit(second, Side::Buy, 25_000, 10);
    // 10 t → 6 t at the same price: still first in the queue, and 4 t × 250 baht come back.
    town.ok(town.as_member(first), replace(early, None, 6));
    assert_eq!(town.available(first), i128::from(DEPOSIT_SATANG) - 6 * 25_000);
    town.app.check_invariants().unwrap();
    town.limit(seller, Side::Sell, 25_000, 1);
    assert_eq!(town.active_tco2e(first), 1, "the reduced order traded first");
    // 5 t left → 8 t: a larger order takes someone's turn, so it goes to the back.
    town.ok(town.as_member(first), replace(early, None, 8));
    assert_eq!(town.available(first), i128::from(DEPOSIT_SATANG) - 25_000 - 8 * 25_000);
    town.limit(seller, Side::Sell, 25_000, 1);
    assert_eq!((town.active_tco2e(first), town.active_tco2e(second)), (1, 1), "the other bid was first now");
    let order = town.app.market.order(early).unwrap();
    assert_eq!((order.qty_tco2e, order.filled_tco2e, order.status), (9, 1, OrderStatus::Open));
    town.app.check_invariants().unwrap();
}

#[test]
fn a_replace_that_crosses_trades_at_once_and_settles() {
    let mut town = town(50);
    let (seller, buyer) = (town.seller, town.buyers[0]);
    let ask = placed(&town.limit(seller, Side::Sell, 25_000, 20));
    let bid = placed(&town.limit(buyer, Side::Buy, 24_000, 30));
    assert_eq!(town.available(buyer), i128::from(DEPOSIT_SATANG) - 30 * 24_000);
    // The buyer raises its limit to 260 baht: 20 t trade at the resting 250, 10 t rest at 260.
    town.ok(town.as_member(buyer), replace(bid, Some(26_000), 30));
    assert_eq!(town.active_tco2e(buyer), 20);
    assert_eq!(town.cash(buyer), i128::from(DEPOSIT_SATANG) - 20 * 25_000, "paid the resting price");
    assert_eq!(town.available(buyer), town.cash(buyer) - 10 * 26_000, "the rest is held at the new limit");
    assert_eq!(town.cash(seller), 20 * 25_000 - 2_500, "less the seller's fee of 0.5 %");
    assert_eq!(town.app.market.order(ask).unwrap().status, OrderStatus::Filled);
    let order = town.app.market.order(bid).unwrap();
    assert_eq!((order.price_satang, order.qty_tco2e, order.filled_tco2e), (Some(26_000), 30, 20));
    town.app.check_invariants().unwrap();

    // A sell grows (more credits held) and shrinks (some come back) with its order.
    let sell = placed(&town.limit(seller, Side::Sell, 27_000, 100));
    assert_eq!(town.held_tco2e(seller), 100);
    town.ok(town.as_member(seller), replace(sell, None, 300));
    assert_eq!((town.active_tco2e(seller), town.held_tco2e(seller)), (680, 300));
    town.ok(town.as_member(seller), replace(sell, Some(28_000), 50));
    assert_eq!((town.active_tco2e(seller), town.held_tco2e(seller)), (930, 50));
    town.app.check_invariants().unwrap();
}

#[test]
fn bad_orders_are_refused_with_the_field_and_change_nothing() {
    let mut town = town(0);
    let (seller, buyer) = (town.seller, town.buyers[0]);
    let ask = placed(&town.limit(seller, Side::Sell, 25_000, 10));
    let bid = placed(&town.limit(buyer, Side::Buy, 24_000, 5));
    let post_only =
        placed(&town.order(buyer, Side::Buy, OrderKind::Limit, Some(23_000), 5, TimeInForce::PostOnly).unwrap());
    let gone = placed(&town.limit(buyer, Side::Buy, 22_000, 5));
    town.ok(town.as_member(buyer), MarketCommand::CancelOrder { order: gone });
    let before = fingerprint(&town);
    let place = |account: AccountId, side, kind, price: Option<u64>, qty, tif| MarketCommand::PlaceOrder {
        instrument: InstrumentId(1),
        account,
        side,
        kind,
        price_satang: price,
        qty_tco2e: qty,
        tif,
        expires_at_ms: None,
    };
    let (a_seller, a_buyer) = (town.account(seller), town.account(buyer));
    let gtc = TimeInForce::Gtc;
    let cases: Vec<(&str, Actor, MarketCommand, ErrorKind, Option<&str>)> = vec![
        (
            "zero",
            town.as_member(buyer),
            place(a_buyer, Side::Buy, OrderKind::Limit, Some(100), 0, gtc),
            ErrorKind::Invalid,
            Some("qty_tco2e"),
        ),
        (
            "off tick",
            town.as_member(buyer),
            place(a_buyer, Side::Buy, OrderKind::Limit, Some(150), 1, gtc),
            ErrorKind::Invalid,
            Some("price_satang"),
        ),
        (
            "no price",
            town.as_member(buyer),
            place(a_buyer, Side::Buy, OrderKind::Limit, None, 1, gtc),
            ErrorKind::Invalid,
            Some("price_satang"),
        ),
        (
            "zero price",
            town.as_member(buyer),
            place(a_buyer, Side::Buy, OrderKind::Limit, Some(0), 1, gtc),
            ErrorKind::Invalid,
            Some("price_satang"),
        ),
        (
            "someone else's account",
            town.as_member(buyer),
            place(a_seller, Side::Sell, OrderKind::Limit, Some(100), 1, gtc),
            ErrorKind::Forbidden,
            None,
        ),
        (
            "more cash than held",
            town.as_member(buyer),
            place(a_buyer, Side::Buy, OrderKind::Limit, Some(1_000_000), 1_000, gtc),
            ErrorKind::Insufficient,
            Some("amount"),
        ),
        (
            "more credits than held",
            town.as_member(seller),
            place(a_seller, Side::Sell, OrderKind::Limit, Some(100), 991, gtc),
            ErrorKind::Insufficient,
            Some("quantity"),
        ),
        (
            "fill or kill too big",
            town.as_member(buyer),
            place(a_buyer, Side::Buy, OrderKind::Limit, Some(25_000), 11, TimeInForce::Fok),
            ErrorKind::Conflict,
            Some("tif"),
        ),
        (
            "post-only would trade",
            town.as_member(buyer),
            place(a_buyer, Side::Buy, OrderKind::Limit, Some(25_000), 1, TimeInForce::PostOnly),
            ErrorKind::Conflict,
            Some("tif"),
        ),
        (
            "market sell with a price",
            town.as_member(seller),
            place(a_seller, Side::Sell, OrderKind::Market, Some(100), 1, TimeInForce::Ioc),
            ErrorKind::Invalid,
            Some("price_satang"),
        ),
        ("replace someone else's order", town.as_member(buyer), replace(ask, None, 5), ErrorKind::Forbidden, None),
        ("replace to zero", town.as_member(seller), replace(ask, None, 0), ErrorKind::Invalid, Some("qty_tco2e")),
        (
            "replace off tick",
            town.as_member(seller),
            replace(ask, Some(25_050), 10),
            ErrorKind::Invalid,
            Some("price_satang"),
        ),
        (
            "replace to more credits than held",
            town.as_member(seller),
            replace(ask, None, 1_001),
            ErrorKind::Insufficient,
            Some("qty_tco2e"),
        ),
        (
            "replace to more cash than held",
            town.as_member(buyer),
            replace(bid, Some(1_000_000), 1_000),
            ErrorKind::Insufficient,
            Some("amount"),
        ),
        (
            "replace a post-only order across the spread",
            town.as_member(buyer),
            replace(post_only, Some(25_000), 5),
            ErrorKind::Conflict,
            Some("tif"),
        ),
        (
            "replace with nothing to change",
            town.as_member(buyer),
            replace(bid, Some(24_000), 5),
            ErrorKind::Invalid,
            Some("qty_tco2e"),
        ),
        ("replace a cancelled order", town.as_member(buyer), replace(gone, None, 5), ErrorKind::Conflict, None),
        (
            "replace an unknown order",
            town.as_member(buyer),
            replace(OrderId(99), None, 5),
            ErrorKind::NotFound,
            Some("order"),
        ),
    ];
    for (name, actor, command, kind, field) in cases {
        let error = town.run(actor, command).expect_err(name);
        assert_eq!((error.kind, error.field), (kind, field), "{name}: {error:?}");
        assert_eq!(fingerprint(&town), before, "{name} changed something");
    }
    let unknown = MarketCommand::PlaceOrder {
        instrument: InstrumentId(9),
        account: a_buyer,
        side: Side::Buy,
        kind: OrderKind::Limit,
        price_satang: Some(100),
        qty_tco2e: 1,
        tif: gtc,
        expires_at_ms: None,
    };
    assert_eq!(town.run(town.as_member(buyer), unknown).unwrap_err().field, Some("instrument"));
    let cancel_theirs = MarketCommand::CancelOrder { order: OrderId(1) };
    assert_eq!(town.run(town.as_member(buyer), cancel_theirs).unwrap_err().kind, ErrorKind::Forbidden);
    assert_eq!(fingerprint(&town), before);
}

#[test]
fn an_order_past_its_time_is_not_replaced() {
    let mut town = town(0);
    let buyer = town.buyers[0];
    let expiring = MarketCommand::PlaceOrder {
        instrument: town.instrument,
        account: town.account(buyer),
        side: Side::Buy,
        kind: OrderKind::Limit,
        price_satang: Some(24_000),
        qty_tco2e: 5,
        tif: TimeInForce::Gtc,
        expires_at_ms: Some(NOW_MS + 1_000),
    };
    let order = placed(&town.ok(town.as_member(buyer), expiring));
    let before = fingerprint(&town);
    let error = town.run_at(town.as_member(buyer), replace(order, None, 3), NOW_MS + 1_000).unwrap_err();
    assert_eq!((error.kind, error.field), (ErrorKind::Invalid, Some("expires_at_ms")), "{error:?}");
    assert_eq!(fingerprint(&town), before);
    // Expiry gives the cash back; the order's time is kept across a replace.
    town.ok(town.as_member(buyer), replace(order, Some(24_100), 5));
    assert_eq!(town.app.market.order(order).unwrap().expires_at_ms, Some(NOW_MS + 1_000));
    town.run_at(Actor::System, MarketCommand::ExpireOrders { instrument: town.instrument }, NOW_MS + 1_000).unwrap();
    assert_eq!(town.app.market.order(order).unwrap().status, OrderStatus::Expired);
    assert_eq!(town.available(buyer), i128::from(DEPOSIT_SATANG));
    assert_eq!(town.app.market.next_expiry_ms(), None);
    town.app.check_invariants().unwrap();
}

#[test]
fn the_auction_clears_at_one_price_worked_by_hand() {
    let mut town = town(0);
    let operator = town.as_member(town.operator);
    let open = MarketCommand::OpenAuction {
        instrument: town.instrument,
        account: town.account(town.seller),
        supply_tco2e: 100,
        reserve_satang: 25_000,
        closes_at_ms: NOW_MS + 60_000,
    };
    town.ok(operator, open);
    assert_eq!(town.held_tco2e(town.seller), 100);
    let buyers = town.buyers.clone();
    // Demand: 40 t at 300 baht, 50 t at 280, 30 t at 260 (and a bid under the reserve is refused).
    for (org, price, qty) in [(buyers[0], 30_000, 40), (buyers[1], 28_000, 50), (buyers[2], 26_000, 30)] {
        let bid = MarketCommand::PlaceBid {
            auction: AuctionId(1),
            account: town.account(org),
            price_satang: price,
            qty_tco2e: qty,
        };
        town.ok(town.as_member(org), bid);
    }
    let low = MarketCommand::PlaceBid {
        auction: AuctionId(1),
        account: town.account(buyers[2]),
        price_satang: 20_000,
        qty_tco2e: 5,
    };
    assert_eq!(town.run(town.as_member(buyers[2]), low).unwrap_err().field, Some("price_satang"));
    town.app.check_invariants().unwrap();
    // At 300 baht 40 t would sell, at 280 90 t, at 260 all 100 (120 asked): 260 is the highest price
    // that sells the most. Everyone pays 260: 40 and 50 t in full, the last 10 t to the 260 bid.
    town.ok(operator, MarketCommand::CloseAuction { auction: AuctionId(1) });
    let auction = town.app.market.auction(AuctionId(1)).unwrap();
    assert_eq!((auction.status, auction.price_satang, auction.sold_tco2e), (AuctionStatus::Cleared, Some(26_000), 100));
    for (org, tonnes) in [(buyers[0], 40), (buyers[1], 50), (buyers[2], 10)] {
        assert_eq!(town.active_tco2e(org), tonnes);
        assert_eq!(town.cash(org), i128::from(DEPOSIT_SATANG) - i128::from(tonnes * 26_000));
        assert_eq!(town.available(org), town.cash(org), "nothing stays held");
    }
    assert_eq!(town.cash(town.seller), 100 * 26_000);
    assert_eq!(town.held_tco2e(town.seller), 0);
    town.app.check_invariants().unwrap();
}

#[test]
fn the_journal_rebuilds_every_book_exactly() {
    let mut town = town(25);
    let (seller, a, b) = (town.seller, town.buyers[0], town.buyers[1]);
    town.limit(seller, Side::Sell, 25_000, 50);
    town.limit(seller, Side::Sell, 25_500, 40);
    town.limit(a, Side::Buy, 25_000, 20);
    town.limit(b, Side::Buy, 24_000, 30);
    let late = placed(&town.limit(b, Side::Buy, 24_500, 5));
    town.order(a, Side::Buy, OrderKind::Market, None, 35, TimeInForce::Ioc).unwrap();
    // Replaces of every kind: a shrink in place, a move across the spread that trades, a sell that grows.
    let early = placed(&town.limit(a, Side::Buy, 24_000, 10));
    town.ok(town.as_member(b), replace(late, None, 3));
    town.ok(town.as_member(a), replace(early, Some(25_500), 12));
    let ask = placed(&town.limit(seller, Side::Sell, 26_000, 10));
    town.ok(town.as_member(seller), replace(ask, None, 40));
    let replayed = town.replayed();
    for side in [Side::Buy, Side::Sell] {
        let live: Vec<_> = town.app.market.book(town.instrument).unwrap().levels(side).collect();
        let again: Vec<_> = replayed.market.book(town.instrument).unwrap().levels(side).collect();
        assert_eq!(live, again);
    }
    let live: Vec<_> = town.app.market.book(town.instrument).unwrap().orders().collect();
    let again: Vec<_> = replayed.market.book(town.instrument).unwrap().orders().collect();
    assert_eq!(live, again, "the same orders in the same queue positions");
    assert_same_trades_credits_and_cash(&replayed, &town.app);
}

#[test]
fn orders_and_trades_journaled_with_their_legs_as_events_of_their_own_replay_the_same() {
    use mangrove_app::market::MarketEvent;
    let mut town = town(25);
    let (seller, a) = (town.seller, town.buyers[0]);
    town.limit(seller, Side::Sell, 25_000, 50);
    town.limit(a, Side::Buy, 25_500, 20);
    town.order(a, Side::Buy, OrderKind::Market, None, 35, TimeInForce::Ioc).unwrap();
    // The journal as it was before orders carried their escrow and trades
    // their settlement: the hold, then the order; the trade, then the
    // registry's delivery, then the ledger's payments.
    let mut split: Vec<JournalEvent> = Vec::new();
    let mut push = |template: &JournalEvent, payload: AppEvent| {
        split.push(mangrove_core::journal::Envelope { seq: split.len() as u64, payload, ..template.clone() });
    };
    for event in &town.journal {
        match &event.payload {
            AppEvent::Market(MarketEvent::Traded { trade, settlement: Some(settlement) }) => {
                push(event, AppEvent::Market(MarketEvent::Traded { trade: trade.clone(), settlement: None }));
                push(event, AppEvent::Registry(settlement.delivery.clone()));
                for payment in &settlement.payments {
                    push(event, AppEvent::Ledger(payment.clone()));
                }
            }
            AppEvent::Market(MarketEvent::OrderPlaced { order, held: Some(held) }) => {
                for credits in &held.credits {
                    push(event, AppEvent::Registry(credits.clone()));
                }
                for cash in &held.cash {
                    push(event, AppEvent::Ledger(cash.clone()));
                }
                push(event, AppEvent::Market(MarketEvent::OrderPlaced { order: order.clone(), held: None }));
            }
            payload => push(event, payload.clone()),
        }
    }
    assert!(split.len() >= town.journal.len() + 3 + 2 * 3, "three holds; two trades, each split in at least four");
    let mut replayed = App::default();
    for event in &split {
        // Through JSON, as the journal is read back.
        let event: JournalEvent = serde_json::from_str(&serde_json::to_string(event).unwrap()).unwrap();
        replayed.replay(&event, &mut AppDirty::default()).expect("the journal replays");
    }
    assert_same_trades_credits_and_cash(&replayed, &town.app);
}

#[test]
fn every_trade_names_the_serial_units_it_delivered() {
    use mangrove_registry::UnitRange;
    let mut town = town(0);
    let (seller, a, b) = (town.seller, town.buyers[0], town.buyers[1]);
    // The municipality's 300 t offer holds its units 1 to 300; a first buyer takes 120 (part of the
    // hold), a second the last 180 (the whole rest, which settles the hold).
    town.limit(seller, Side::Sell, 25_000, 300);
    let events = town.limit(a, Side::Buy, 25_000, 120);
    town.limit(b, Side::Buy, 25_000, 180);
    let trades = town.app.market.trades();
    assert_eq!(trades[0].ranges, vec![UnitRange { first: 1, last: 120 }]);
    assert_eq!(trades[1].ranges, vec![UnitRange { first: 121, last: 300 }]);
    for (trade, org) in [(&trades[0], a), (&trades[1], b)] {
        for range in &trade.ranges {
            let block = town.app.registry.block_containing(town.batch, range.first).unwrap();
            assert_eq!((block.account, block.range), (town.account(org), *range), "the named units are the buyer's");
        }
    }
    // The journal names the units in the trade, which carries the registry's delivery of them
    // and the ledger's payments: one event, delivery versus payment.
    let traded: Vec<serde_json::Value> = events
        .iter()
        .map(|event| serde_json::to_value(event).unwrap())
        .filter(|event| event["event"] == "market_trade")
        .collect();
    let [traded] = traded.as_slice() else { panic!("one trade: {traded:?}") };
    let settlement = &traded["settlement"];
    assert_eq!(settlement["delivery"]["event"], "hold_partly_settled", "{traded}");
    assert_eq!(settlement["delivery"]["ranges"], serde_json::json!([{ "first": 1, "last": 120 }]), "{traded}");
    let paid: Vec<&str> =
        settlement["payments"].as_array().unwrap().iter().map(|p| p["transfer"]["id"].as_str().unwrap()).collect();
    assert_eq!(paid, ["trade-1", "trade-1-seller"], "no fee is set: {traded}");
    let kinds: Vec<&str> = events
        .iter()
        .filter_map(|event| match event {
            AppEvent::Registry(_) => Some("registry"),
            AppEvent::Ledger(_) => Some("ledger"),
            _ => None,
        })
        .collect();
    assert!(kinds.is_empty(), "the order carries its cash hold, the trade its legs: {kinds:?}");
    let order = events
        .iter()
        .find_map(|event| serde_json::to_value(event).ok().filter(|e| e["event"] == "market_order_placed"));
    let order = order.expect("an order was placed");
    assert_eq!(order["held"]["cash"][0]["transfer"]["kind"], "pending", "{order}");

    // An auction's allocations name theirs too, from the units its supply held.
    let operator = town.as_member(town.operator);
    let open = MarketCommand::OpenAuction {
        instrument: town.instrument,
        account: town.account(seller),
        supply_tco2e: 50,
        reserve_satang: 20_000,
        closes_at_ms: NOW_MS + 60_000,
    };
    town.ok(operator, open);
    for (org, qty) in [(a, 30), (b, 20)] {
        let bid = MarketCommand::PlaceBid {
            auction: AuctionId(1),
            account: town.account(org),
            price_satang: 20_000,
            qty_tco2e: qty,
        };
        town.ok(town.as_member(org), bid);
    }
    town.ok(operator, MarketCommand::CloseAuction { auction: AuctionId(1) });
    let sold: Vec<_> = town.app.market.trades()[2..].iter().map(|t| (t.auction, t.ranges.clone())).collect();
    assert_eq!(
        sold,
        vec![
            (Some(AuctionId(1)), vec![UnitRange { first: 301, last: 330 }]),
            (Some(AuctionId(1)), vec![UnitRange { first: 331, last: 350 }]),
        ]
    );
    assert_eq!(town.replayed().market.trades(), town.app.market.trades(), "replay gives the same units");
    town.app.check_invariants().unwrap();
}
