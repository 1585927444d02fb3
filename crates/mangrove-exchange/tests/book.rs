//! The order book's rules, one small case each: priority, prices and ticks,
//! every time in force, self-trade prevention, cancel, replace, expiry, the
//! book's limit, the views, and determinism. Every case checks the book's
//! invariants after each step.

use mangrove_exchange::*;

/// A book with a tick of 10 satang and the events of the last request.
struct Book {
    book: OrderBook,
    events: Vec<Event>,
}

impl Book {
    fn new() -> Book {
        Book::with(BookConfig::new(10))
    }

    fn with(config: BookConfig) -> Book {
        Book { book: OrderBook::new(config), events: Vec::new() }
    }

    fn submit_at(&mut self, order: NewOrder, now_ms: i64) -> Result<Outcome, RejectKind> {
        self.events.clear();
        let result = self.book.submit(&order, now_ms, &mut self.events).map_err(|rejected| {
            assert_eq!(rejected.id, order.id);
            rejected.kind
        });
        self.book.check_invariants().unwrap();
        if result.is_err() {
            assert!(self.events.is_empty(), "a rejection reports nothing");
        }
        result
    }

    fn submit(&mut self, order: NewOrder) -> Result<Outcome, RejectKind> {
        self.submit_at(order, 0)
    }

    fn cancel(&mut self, id: u64) -> Result<Resting, RejectKind> {
        self.events.clear();
        let result = self.book.cancel(OrderId(id), &mut self.events).map_err(|rejected| rejected.kind);
        self.book.check_invariants().unwrap();
        result
    }

    fn replace(&mut self, id: u64, price: i64, qty: u64) -> Result<Outcome, RejectKind> {
        self.events.clear();
        let result = self
            .book
            .replace(OrderId(id), PriceSatang(price), QtyTco2e(qty), 0, &mut self.events)
            .map_err(|rejected| rejected.kind);
        self.book.check_invariants().unwrap();
        result
    }

    /// The fills of the last request as (maker, taker, price, qty).
    fn fills(&self) -> Vec<(u64, u64, i64, u64)> {
        self.events
            .iter()
            .filter_map(|event| match event {
                Event::Fill(fill) => Some((fill.maker.0, fill.taker.0, fill.price_satang.0, fill.qty_tco2e.0)),
                _ => None,
            })
            .collect()
    }

    /// The cancels of the last request as (id, reason).
    fn cancels(&self) -> Vec<(u64, CancelReason)> {
        self.events
            .iter()
            .filter_map(|event| match event {
                Event::Cancelled { id, reason, .. } => Some((id.0, *reason)),
                _ => None,
            })
            .collect()
    }

    /// One side as (price, qty, orders), best first.
    fn side(&self, side: Side) -> Vec<(i64, u64, u32)> {
        self.book.levels(side).map(|level| (level.price_satang.0, level.qty_tco2e.0, level.orders)).collect()
    }

    fn ids(&self) -> Vec<u64> {
        self.book.orders().map(|order| order.id.0).collect()
    }
}

fn buy(id: u64, account: u64, price: i64, qty: u64) -> NewOrder {
    NewOrder::limit(id, account, Side::Buy, price, qty)
}

fn sell(id: u64, account: u64, price: i64, qty: u64) -> NewOrder {
    NewOrder::limit(id, account, Side::Sell, price, qty)
}

fn filled(filled: u64, rested: u64, dropped: u64) -> Outcome {
    Outcome { filled_tco2e: QtyTco2e(filled), rested_tco2e: QtyTco2e(rested), dropped_tco2e: QtyTco2e(dropped) }
}

#[test]
fn better_price_first_then_earlier_order() {
    let mut b = Book::new();
    b.submit(sell(1, 1, 1010, 5)).unwrap();
    b.submit(sell(2, 2, 1000, 5)).unwrap();
    b.submit(sell(3, 3, 1000, 5)).unwrap();
    assert_eq!(b.submit(buy(4, 9, 1010, 12)), Ok(filled(12, 0, 0)));
    // 1000 before 1010; at 1000, order 2 (earlier) before order 3; each trade at the maker's price.
    assert_eq!(b.fills(), [(2, 4, 1000, 5), (3, 4, 1000, 5), (1, 4, 1010, 2)]);
    assert_eq!(b.side(Side::Sell), [(1010, 3, 1)]);
}

#[test]
fn a_fill_names_both_sides_and_whether_the_maker_is_done() {
    let mut b = Book::new();
    b.submit(sell(1, 7, 1000, 5)).unwrap();
    b.submit(buy(2, 8, 1020, 3)).unwrap();
    let expected = Fill {
        maker: OrderId(1),
        taker: OrderId(2),
        maker_account: AccountId(7),
        taker_account: AccountId(8),
        taker_side: Side::Buy,
        price_satang: PriceSatang(1000),
        qty_tco2e: QtyTco2e(3),
        maker_done: false,
    };
    assert_eq!(b.events, [Event::Fill(expected)]);
    b.submit(buy(3, 8, 1000, 2)).unwrap();
    assert!(matches!(b.events[0], Event::Fill(Fill { maker_done: true, .. })));
    assert!(b.book.is_empty());
}

#[test]
fn the_unfilled_rest_of_a_limit_order_rests_at_its_price() {
    let mut b = Book::new();
    b.submit(sell(1, 1, 1000, 5)).unwrap();
    assert_eq!(b.submit(buy(2, 2, 1020, 8)), Ok(filled(5, 3, 0)));
    let rested = Event::Rested {
        id: OrderId(2),
        account: AccountId(2),
        side: Side::Buy,
        price_satang: PriceSatang(1020),
        qty_tco2e: QtyTco2e(3),
    };
    assert_eq!(b.events.last(), Some(&rested));
    assert_eq!(b.side(Side::Buy), [(1020, 3, 1)]);
    assert!(b.side(Side::Sell).is_empty());
}

#[test]
fn malformed_orders_are_rejected_and_change_nothing() {
    let market_priced = NewOrder { price_satang: Some(PriceSatang(1000)), ..NewOrder::market(9, 1, Side::Buy, 1) };
    let cases: [(NewOrder, RejectKind); 9] = [
        (buy(9, 1, 1000, 0), RejectKind::QuantityZero),
        (buy(9, 1, 1000, QTY_PER_ORDER_MAX + 1), RejectKind::QuantityTooLarge),
        (NewOrder { price_satang: None, ..buy(9, 1, 1000, 1) }, RejectKind::PriceMissing),
        (buy(9, 1, 0, 1), RejectKind::PriceNotPositive),
        (buy(9, 1, -10, 1), RejectKind::PriceNotPositive),
        (buy(9, 1, 1005, 1), RejectKind::PriceOffTick),
        (market_priced, RejectKind::PriceOnMarket),
        (NewOrder::market(9, 1, Side::Buy, 1).with_tif(TimeInForce::PostOnly), RejectKind::MarketPostOnly),
        (buy(9, 1, 1000, 1).expiring_at(50), RejectKind::AlreadyExpired),
    ];
    for (order, kind) in cases {
        let mut b = Book::new();
        b.submit(sell(1, 2, 1000, 5)).unwrap();
        assert_eq!(b.submit_at(order, 50), Err(kind), "{order:?}");
        assert_eq!(b.side(Side::Sell), [(1000, 5, 1)]);
        assert!(!kind.message().is_empty());
    }
}

#[test]
fn the_largest_allowed_quantity_is_accepted() {
    let mut b = Book::new();
    assert_eq!(b.submit(buy(1, 1, 1000, QTY_PER_ORDER_MAX)), Ok(filled(0, QTY_PER_ORDER_MAX, 0)));
}

#[test]
fn a_resting_id_cannot_be_used_again_but_a_finished_one_can() {
    let mut b = Book::new();
    b.submit(buy(1, 1, 1000, 5)).unwrap();
    assert_eq!(b.submit(sell(1, 2, 1100, 5)), Err(RejectKind::DuplicateId));
    b.cancel(1).unwrap();
    assert!(b.submit(sell(1, 2, 1100, 5)).is_ok(), "the engine only knows resting ids; replay is stricter");
}

#[test]
fn a_market_order_takes_what_there_is_and_drops_the_rest() {
    let mut b = Book::new();
    b.submit(sell(1, 1, 1000, 2)).unwrap();
    b.submit(sell(2, 1, 5000, 3)).unwrap();
    assert_eq!(b.submit(NewOrder::market(3, 2, Side::Buy, 10)), Ok(filled(5, 0, 5)));
    assert_eq!(b.fills(), [(1, 3, 1000, 2), (2, 3, 5000, 3)]);
    let dropped =
        Event::Dropped { id: OrderId(3), account: AccountId(2), qty_tco2e: QtyTco2e(5), reason: DropReason::Market };
    assert_eq!(b.events.last(), Some(&dropped));
    // Into an empty book: nothing trades, nothing rests, and it is not a rejection.
    assert_eq!(b.submit(NewOrder::market(4, 2, Side::Sell, 7)), Ok(filled(0, 0, 7)));
    assert!(b.book.is_empty());
}

#[test]
fn immediate_or_cancel_drops_its_rest() {
    let mut b = Book::new();
    b.submit(sell(1, 1, 1000, 2)).unwrap();
    b.submit(sell(2, 1, 1010, 2)).unwrap();
    let ioc = buy(3, 2, 1000, 5).with_tif(TimeInForce::Ioc);
    assert_eq!(b.submit(ioc), Ok(filled(2, 0, 3)));
    assert!(matches!(b.events.last(), Some(Event::Dropped { reason: DropReason::ImmediateOrCancel, .. })));
    assert!(b.side(Side::Buy).is_empty());
    assert_eq!(b.side(Side::Sell), [(1010, 2, 1)]);
}

#[test]
fn fill_or_kill_fills_whole_or_changes_nothing() {
    // (resting asks as (id, account, price, qty), the FOK buy's limit and qty, whether it fills)
    type Case = (&'static [(u64, u64, i64, u64)], i64, u64, bool);
    let cases: [Case; 5] = [
        (&[(1, 1, 1000, 3), (2, 1, 1010, 2)], 1010, 5, true),
        (&[(1, 1, 1000, 3), (2, 1, 1010, 2)], 1010, 6, false), // only 5 available
        (&[(1, 1, 1000, 3), (2, 1, 1020, 2)], 1010, 5, false), // 1020 is beyond the limit
        (&[(1, 9, 1000, 3), (2, 1, 1010, 2)], 1010, 5, false), // 3 are the buyer's own
        (&[(1, 9, 1000, 3), (2, 1, 1010, 5)], 1010, 5, true),  // own order cancelled, 5 from others
    ];
    for (asks, limit, qty, fills) in cases {
        let mut b = Book::new();
        for &(id, account, price, qty) in asks {
            b.submit(sell(id, account, price, qty)).unwrap();
        }
        let before = b.side(Side::Sell);
        let result = b.submit(buy(10, 9, limit, qty).with_tif(TimeInForce::Fok));
        if fills {
            assert_eq!(result, Ok(filled(qty, 0, 0)), "{asks:?}");
        } else {
            assert_eq!(result, Err(RejectKind::CannotFillWhole), "{asks:?}");
            assert_eq!(b.side(Side::Sell), before, "no self-trade cancel either");
        }
    }
}

#[test]
fn a_market_fill_or_kill_ignores_price_but_not_quantity() {
    let mut b = Book::new();
    b.submit(sell(1, 1, 1000, 3)).unwrap();
    b.submit(sell(2, 1, 9000, 3)).unwrap();
    let fok = |id, qty| NewOrder::market(id, 2, Side::Buy, qty).with_tif(TimeInForce::Fok);
    assert_eq!(b.submit(fok(3, 7)), Err(RejectKind::CannotFillWhole));
    assert_eq!(b.submit(fok(4, 6)), Ok(filled(6, 0, 0)));
}

#[test]
fn post_only_rests_or_is_rejected_when_it_would_trade() {
    let mut b = Book::new();
    b.submit(sell(1, 1, 1000, 3)).unwrap();
    let post = |id, account, price| buy(id, account, price, 2).with_tif(TimeInForce::PostOnly);
    assert_eq!(b.submit(post(2, 2, 1000)), Err(RejectKind::WouldTrade));
    assert_eq!(b.submit(post(3, 1, 1000)), Err(RejectKind::WouldTrade), "its own order blocks it too");
    assert_eq!(b.submit(post(4, 2, 990)), Ok(filled(0, 2, 0)));
    assert_eq!(b.book.get(OrderId(4)).map(|order| order.post_only), Some(true));
}

#[test]
fn post_only_clears_expired_orders_it_would_cross() {
    let mut b = Book::new();
    b.submit(sell(1, 1, 1000, 3).expiring_at(100)).unwrap();
    let post = buy(2, 2, 1000, 2).with_tif(TimeInForce::PostOnly);
    assert_eq!(b.submit_at(post, 100), Ok(filled(0, 2, 0)));
    assert_eq!(b.cancels(), [(1, CancelReason::Expired)]);
    assert_eq!(b.side(Side::Buy), [(1000, 2, 1)]);
}

#[test]
fn self_trade_cancels_the_resting_order_and_matching_goes_on() {
    let mut b = Book::new();
    b.submit(sell(1, 5, 1000, 2)).unwrap();
    b.submit(sell(2, 7, 1000, 3)).unwrap(); // the buyer's own
    b.submit(sell(3, 5, 1010, 4)).unwrap();
    assert_eq!(b.submit(buy(4, 7, 1010, 10)), Ok(filled(6, 4, 0)));
    assert_eq!(b.cancels(), [(2, CancelReason::SelfTrade)]);
    assert_eq!(b.fills(), [(1, 4, 1000, 2), (3, 4, 1010, 4)]);
    assert_eq!(b.side(Side::Buy), [(1010, 4, 1)]);
    assert!(b.side(Side::Sell).is_empty());
}

#[test]
fn cancel_removes_a_resting_order_once() {
    let mut b = Book::new();
    b.submit(buy(1, 1, 1000, 5)).unwrap();
    b.submit(buy(2, 1, 1000, 4)).unwrap();
    let removed = b.cancel(1).unwrap();
    assert_eq!((removed.id, removed.qty_tco2e, removed.price_satang), (OrderId(1), QtyTco2e(5), PriceSatang(1000)));
    assert_eq!(b.cancels(), [(1, CancelReason::Requested)]);
    assert_eq!(b.side(Side::Buy), [(1000, 4, 1)]);
    assert_eq!(b.cancel(1), Err(RejectKind::NotResting));
    assert_eq!(b.cancel(99), Err(RejectKind::NotResting));
    b.cancel(2).unwrap();
    assert!(b.side(Side::Buy).is_empty(), "an empty level is gone");
}

#[test]
fn replace_keeps_priority_only_for_a_smaller_quantity_at_the_same_price() {
    // (new price, new qty, the order of the bids at 1000 afterwards, whether it kept its place)
    let cases: [(i64, u64, &[u64], bool); 4] = [
        (1000, 3, &[1, 2], true),
        (1000, 5, &[1, 2], true), // unchanged
        (1000, 6, &[2, 1], false),
        (990, 3, &[2], false),
    ];
    for (price, qty, queue, kept) in cases {
        let mut b = Book::new();
        b.submit(buy(1, 1, 1000, 5)).unwrap();
        b.submit(buy(2, 2, 1000, 5)).unwrap();
        assert_eq!(b.replace(1, price, qty), Ok(filled(0, qty, 0)));
        assert_eq!(matches!(b.events[0], Event::Reduced { .. }), kept, "{price} {qty}");
        let at_1000: Vec<u64> = b.book.orders().filter(|o| o.price_satang.0 == 1000).map(|o| o.id.0).collect();
        assert_eq!(at_1000, queue);
        assert_eq!(b.book.get(OrderId(1)).unwrap().qty_tco2e, QtyTco2e(qty));
    }
}

#[test]
fn a_replaced_order_may_trade_at_once() {
    let mut b = Book::new();
    b.submit(sell(1, 1, 1010, 5)).unwrap();
    b.submit(buy(2, 2, 1000, 5)).unwrap();
    assert_eq!(b.replace(2, 1010, 8), Ok(filled(5, 3, 0)));
    assert_eq!(b.cancels(), [(2, CancelReason::Replaced)]);
    assert_eq!(b.fills(), [(1, 2, 1010, 5)]);
    assert_eq!(b.side(Side::Buy), [(1010, 3, 1)]);
}

#[test]
fn a_refused_replace_leaves_the_order_as_it_was() {
    let mut b = Book::new();
    b.submit(sell(1, 1, 1010, 5)).unwrap();
    b.submit(buy(2, 2, 1000, 5).with_tif(TimeInForce::PostOnly)).unwrap();
    b.submit(buy(3, 2, 1000, 5).expiring_at(10)).unwrap();
    let cases: [(u64, i64, u64, RejectKind); 5] = [
        (2, 1010, 5, RejectKind::WouldTrade), // post-only stays post-only
        (2, 1000, 0, RejectKind::QuantityZero),
        (2, 1005, 5, RejectKind::PriceOffTick),
        (9, 1000, 5, RejectKind::NotResting),
        (3, 990, 5, RejectKind::Expired),
    ];
    for (id, price, qty, kind) in cases {
        b.events.clear();
        let checked = b.book.check_replace(OrderId(id), PriceSatang(price), QtyTco2e(qty), 10);
        assert_eq!(checked.map_err(|r| r.kind), Err(kind), "the check refuses what replace refuses");
        let result = b.book.replace(OrderId(id), PriceSatang(price), QtyTco2e(qty), 10, &mut b.events);
        assert_eq!(result.map_err(|r| r.kind), Err(kind));
        assert!(b.events.is_empty());
    }
    assert_eq!(b.ids(), [2, 3, 1]);
    assert_eq!(b.side(Side::Buy), [(1000, 10, 2)]);
}

#[test]
fn expired_orders_are_removed_when_met_or_by_expire() {
    let mut b = Book::new();
    b.submit(sell(1, 1, 1000, 5).expiring_at(100)).unwrap();
    b.submit(sell(2, 1, 1010, 5)).unwrap();
    b.submit(sell(3, 1, 1020, 5).expiring_at(200)).unwrap();
    b.submit(sell(4, 1, 1030, 5).expiring_at(100)).unwrap();
    assert_eq!(b.book.next_expiry_ms(), Some(100));
    // At 99 order 1 still trades; at 100 it is expired (expiry is inclusive).
    b.submit_at(buy(5, 2, 1000, 1), 99).unwrap();
    assert_eq!(b.fills(), [(1, 5, 1000, 1)]);
    b.submit_at(buy(6, 2, 1010, 1), 100).unwrap();
    assert_eq!(b.cancels(), [(1, CancelReason::Expired)]);
    assert_eq!(b.fills(), [(2, 6, 1010, 1)]);
    b.events.clear();
    assert_eq!(b.book.expire(200, &mut b.events), 2);
    assert_eq!(b.cancels(), [(4, CancelReason::Expired), (3, CancelReason::Expired)], "earliest expiry first");
    assert_eq!(b.ids(), [2]);
    assert_eq!(b.book.next_expiry_ms(), None, "what is left never expires");
    assert_eq!(b.book.expire(1_000, &mut b.events), 0);
}

#[test]
fn fill_or_kill_does_not_count_expired_liquidity() {
    let mut b = Book::new();
    b.submit(sell(1, 1, 1000, 5).expiring_at(100)).unwrap();
    b.submit(sell(2, 1, 1000, 5)).unwrap();
    let fok = buy(3, 2, 1000, 6).with_tif(TimeInForce::Fok);
    assert_eq!(b.submit_at(fok, 100), Err(RejectKind::CannotFillWhole));
    assert_eq!(b.ids(), [1, 2], "a rejection removes nothing, not even what has expired");
}

#[test]
fn the_book_refuses_orders_that_may_rest_once_full() {
    let mut b = Book::with(BookConfig::new(10).with_orders_max(2));
    b.submit(buy(1, 1, 1000, 5)).unwrap();
    b.submit(sell(2, 1, 1100, 5)).unwrap();
    assert_eq!(b.submit(buy(3, 2, 990, 1)), Err(RejectKind::BookFull));
    assert_eq!(b.submit(buy(4, 2, 1100, 1)), Err(RejectKind::BookFull), "even one that would trade at once");
    assert_eq!(b.submit(buy(5, 2, 1100, 1).with_tif(TimeInForce::Ioc)), Ok(filled(1, 0, 0)));
    assert_eq!(b.submit(NewOrder::market(6, 2, Side::Sell, 1)), Ok(filled(1, 0, 0)));
    assert_eq!(b.replace(2, 1090, 9), Ok(filled(0, 9, 0)), "a replace frees its own place first");
    b.cancel(2).unwrap();
    assert!(b.submit(buy(7, 2, 990, 1)).is_ok());
}

#[test]
fn the_views_show_levels_best_first() {
    let mut b = Book::new();
    for (id, side, price, qty) in [(1, Side::Buy, 990, 2), (2, Side::Buy, 1000, 3), (3, Side::Buy, 1000, 4)] {
        b.submit(NewOrder::limit(id, id, side, price, qty)).unwrap();
    }
    for (id, price, qty) in [(4, 1030, 1), (5, 1020, 6), (6, 1040, 2)] {
        b.submit(sell(id, id, price, qty)).unwrap();
    }
    assert_eq!(b.side(Side::Buy), [(1000, 7, 2), (990, 2, 1)]);
    assert_eq!(b.side(Side::Sell), [(1020, 6, 1), (1030, 1, 1), (1040, 2, 1)]);
    let view = |price, qty, orders| LevelView { price_satang: PriceSatang(price), qty_tco2e: QtyTco2e(qty), orders };
    assert_eq!(b.book.depth(Side::Sell, 2), [view(1020, 6, 1), view(1030, 1, 1)]);
    assert_eq!(b.book.best_bid(), Some(view(1000, 7, 2)));
    assert_eq!(b.book.best_ask(), Some(view(1020, 6, 1)));
    assert_eq!(b.book.spread(), Some((PriceSatang(1000), PriceSatang(1020))));
    assert_eq!(b.ids(), [2, 3, 1, 5, 4, 6]);
    assert_eq!(b.book.side_qty(Side::Buy), QtyTco2e(9));
    let order = b.book.get(OrderId(3)).unwrap();
    assert_eq!((order.side, order.account, order.qty_tco2e), (Side::Buy, AccountId(3), QtyTco2e(4)));
    assert_eq!(b.book.get(OrderId(42)), None);
    assert_eq!(b.book.len(), 6);
}

#[test]
fn slots_and_levels_are_reused() {
    let mut b = Book::new();
    for round in 0..1_000u64 {
        b.submit(buy(round, 1, 1000 + (round % 7) as i64 * 10, 1)).unwrap();
        b.submit(NewOrder::market(round + 1_000_000, 2, Side::Sell, 1)).unwrap();
    }
    assert!(b.book.is_empty());
}

#[test]
fn the_same_calls_give_the_same_events_byte_for_byte() {
    let run = || {
        let mut b = Book::new();
        let mut log = String::new();
        for i in 0..400u64 {
            let side = if i % 3 == 0 { Side::Sell } else { Side::Buy };
            let price = 1000 + ((i * 7919) % 13) as i64 * 10;
            let order = NewOrder::limit(i, i % 4, side, price, 1 + i % 5).expiring_at(1_000 + (i as i64 % 50) * 10);
            let tif = [TimeInForce::Gtc, TimeInForce::Ioc, TimeInForce::Fok, TimeInForce::PostOnly][(i % 4) as usize];
            let result = b.book.submit(&order.with_tif(tif), i as i64 * 5, &mut b.events);
            log.push_str(&format!("{result:?}\n"));
            if i % 5 == 0 {
                let _ = b.book.cancel(OrderId(i / 2), &mut b.events);
            }
        }
        b.book.expire(10_000, &mut b.events);
        log + &serde_json::to_string(&b.events).unwrap()
    };
    assert_eq!(run(), run());
}

#[test]
fn a_cloned_book_is_independent() {
    let mut b = Book::new();
    b.submit(sell(1, 1, 1000, 5)).unwrap();
    let mut what_if = b.book.clone();
    what_if.submit(&buy(2, 2, 1000, 5), 0, &mut b.events).unwrap();
    assert!(what_if.is_empty());
    assert_eq!(b.side(Side::Sell), [(1000, 5, 1)]);
}
