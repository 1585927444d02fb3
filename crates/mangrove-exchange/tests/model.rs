//! The order book against a reference model: a plain `Vec` of resting
//! orders scanned naively for the best one each time. Random streams of new
//! orders of every kind and time in force, cancels, replaces and expiry over
//! a few accounts and a narrow price range must give the same results, the
//! same events in the same order and the same book; after every step the
//! book's invariants hold and every tonne is accounted for.

use mangrove_exchange::*;
use proptest::prelude::*;
use proptest::strategy::ValueTree;

const TICK: i64 = 10;
const ORDERS_MAX: u32 = 12;

#[derive(Debug, Clone, Copy)]
struct ModelOrder {
    id: OrderId,
    account: AccountId,
    side: Side,
    price: i64,
    qty: u64,
    expires_at_ms: Option<i64>,
    post_only: bool,
    /// Arrival order among resting orders: lower trades first at a price.
    seq: u64,
}

impl ModelOrder {
    fn expired(&self, now_ms: i64) -> bool {
        self.expires_at_ms.is_some_and(|at| now_ms >= at)
    }

    fn resting(&self) -> Resting {
        Resting {
            id: self.id,
            account: self.account,
            side: self.side,
            price_satang: PriceSatang(self.price),
            qty_tco2e: QtyTco2e(self.qty),
            expires_at_ms: self.expires_at_ms,
            post_only: self.post_only,
        }
    }

    fn cancelled(&self, reason: CancelReason) -> Event {
        Event::Cancelled {
            id: self.id,
            account: self.account,
            side: self.side,
            price_satang: PriceSatang(self.price),
            qty_tco2e: QtyTco2e(self.qty),
            reason,
        }
    }
}

#[derive(Default)]
struct Model {
    orders: Vec<ModelOrder>,
    next_seq: u64,
}

/// Whether a buyer at `buy` and a seller at `sell` would trade.
fn crosses(taker: Side, limit: Option<i64>, resting: i64) -> bool {
    match (taker, limit) {
        (_, None) => true,
        (Side::Buy, Some(limit)) => resting <= limit,
        (Side::Sell, Some(limit)) => resting >= limit,
    }
}

impl Model {
    fn position(&self, id: OrderId) -> Option<usize> {
        self.orders.iter().position(|order| order.id == id)
    }

    /// The best resting order a taker on `side` with `limit` may meet.
    fn best(&self, side: Side, limit: Option<i64>) -> Option<usize> {
        let candidates =
            self.orders.iter().enumerate().filter(|(_, o)| o.side != side && crosses(side, limit, o.price));
        let key = |o: &ModelOrder| (if side == Side::Buy { o.price } else { -o.price }, o.seq);
        candidates.min_by_key(|(_, o)| key(o)).map(|(i, _)| i)
    }

    fn crossing_live(&self, side: Side, limit: Option<i64>, now: i64) -> impl Iterator<Item = &ModelOrder> {
        self.orders.iter().filter(move |o| o.side != side && crosses(side, limit, o.price) && !o.expired(now))
    }

    fn check_price(price: i64) -> Result<(), RejectKind> {
        match price {
            p if p <= 0 => Err(RejectKind::PriceNotPositive),
            p if p % TICK != 0 => Err(RejectKind::PriceOffTick),
            _ => Ok(()),
        }
    }

    fn decide(&self, o: &NewOrder, now: i64) -> Result<Option<i64>, RejectKind> {
        if o.qty_tco2e.0 == 0 {
            return Err(RejectKind::QuantityZero);
        }
        if o.qty_tco2e.0 > QTY_PER_ORDER_MAX {
            return Err(RejectKind::QuantityTooLarge);
        }
        let limit = match (o.kind, o.price_satang) {
            (OrderKind::Limit, None) => return Err(RejectKind::PriceMissing),
            (OrderKind::Limit, Some(p)) => Model::check_price(p.0).map(|()| Some(p.0))?,
            (OrderKind::Market, Some(_)) => return Err(RejectKind::PriceOnMarket),
            (OrderKind::Market, None) if o.tif == TimeInForce::PostOnly => return Err(RejectKind::MarketPostOnly),
            (OrderKind::Market, None) => None,
        };
        if o.expires_at_ms.is_some_and(|at| at <= now) {
            return Err(RejectKind::AlreadyExpired);
        }
        if self.position(o.id).is_some() {
            return Err(RejectKind::DuplicateId);
        }
        let may_rest = o.kind == OrderKind::Limit && matches!(o.tif, TimeInForce::Gtc | TimeInForce::PostOnly);
        if may_rest && self.orders.len() >= ORDERS_MAX as usize {
            return Err(RejectKind::BookFull);
        }
        if o.tif == TimeInForce::Fok {
            let available: u64 =
                self.crossing_live(o.side, limit, now).filter(|m| m.account != o.account).map(|m| m.qty).sum();
            if available < o.qty_tco2e.0 {
                return Err(RejectKind::CannotFillWhole);
            }
        }
        if o.tif == TimeInForce::PostOnly && self.crossing_live(o.side, limit, now).next().is_some() {
            return Err(RejectKind::WouldTrade);
        }
        Ok(limit)
    }

    fn submit(&mut self, o: &NewOrder, now: i64, events: &mut Vec<Event>) -> Result<Outcome, RejectKind> {
        let limit = self.decide(o, now)?;
        Ok(self.execute(o, limit, now, events))
    }

    fn execute(&mut self, o: &NewOrder, limit: Option<i64>, now: i64, events: &mut Vec<Event>) -> Outcome {
        let mut remaining = o.qty_tco2e.0;
        while remaining > 0 {
            let Some(i) = self.best(o.side, limit) else { break };
            let maker = self.orders[i];
            if maker.expired(now) || maker.account == o.account {
                self.orders.remove(i);
                let reason = if maker.expired(now) { CancelReason::Expired } else { CancelReason::SelfTrade };
                events.push(maker.cancelled(reason));
                continue;
            }
            let qty = remaining.min(maker.qty);
            remaining -= qty;
            self.orders[i].qty -= qty;
            if self.orders[i].qty == 0 {
                self.orders.remove(i);
            }
            events.push(Event::Fill(Fill {
                maker: maker.id,
                taker: o.id,
                maker_account: maker.account,
                taker_account: o.account,
                taker_side: o.side,
                price_satang: PriceSatang(maker.price),
                qty_tco2e: QtyTco2e(qty),
                maker_done: qty == maker.qty,
            }));
        }
        let filled = QtyTco2e(o.qty_tco2e.0 - remaining);
        if remaining == 0 {
            return Outcome { filled_tco2e: filled, ..Outcome::default() };
        }
        let rests = o.kind == OrderKind::Limit && matches!(o.tif, TimeInForce::Gtc | TimeInForce::PostOnly);
        if rests {
            let price = limit.unwrap();
            self.orders.push(ModelOrder {
                id: o.id,
                account: o.account,
                side: o.side,
                price,
                qty: remaining,
                expires_at_ms: o.expires_at_ms,
                post_only: o.tif == TimeInForce::PostOnly,
                seq: self.next_seq,
            });
            self.next_seq += 1;
            let (id, account, side) = (o.id, o.account, o.side);
            events.push(Event::Rested {
                id,
                account,
                side,
                price_satang: PriceSatang(price),
                qty_tco2e: QtyTco2e(remaining),
            });
            return Outcome { filled_tco2e: filled, rested_tco2e: QtyTco2e(remaining), ..Outcome::default() };
        }
        let reason = if o.kind == OrderKind::Market { DropReason::Market } else { DropReason::ImmediateOrCancel };
        events.push(Event::Dropped { id: o.id, account: o.account, qty_tco2e: QtyTco2e(remaining), reason });
        Outcome { filled_tco2e: filled, dropped_tco2e: QtyTco2e(remaining), ..Outcome::default() }
    }

    fn cancel(&mut self, id: OrderId, events: &mut Vec<Event>) -> Result<Resting, RejectKind> {
        let i = self.position(id).ok_or(RejectKind::NotResting)?;
        let order = self.orders.remove(i);
        events.push(order.cancelled(CancelReason::Requested));
        Ok(order.resting())
    }

    fn replace(
        &mut self,
        id: OrderId,
        price: i64,
        qty: u64,
        now: i64,
        events: &mut Vec<Event>,
    ) -> Result<Outcome, RejectKind> {
        let i = self.position(id).ok_or(RejectKind::NotResting)?;
        let old = self.orders[i];
        if old.expired(now) {
            return Err(RejectKind::Expired);
        }
        if qty == 0 {
            return Err(RejectKind::QuantityZero);
        }
        if qty > QTY_PER_ORDER_MAX {
            return Err(RejectKind::QuantityTooLarge);
        }
        Model::check_price(price)?;
        if price == old.price && qty <= old.qty {
            self.orders[i].qty = qty;
            let (account, side, price_satang) = (old.account, old.side, PriceSatang(price));
            events.push(Event::Reduced {
                id,
                account,
                side,
                price_satang,
                from_tco2e: QtyTco2e(old.qty),
                to_tco2e: QtyTco2e(qty),
            });
            return Ok(Outcome { rested_tco2e: QtyTco2e(qty), ..Outcome::default() });
        }
        if old.post_only && self.crossing_live(old.side, Some(price), now).next().is_some() {
            return Err(RejectKind::WouldTrade);
        }
        self.orders.remove(i);
        events.push(old.cancelled(CancelReason::Replaced));
        let tif = if old.post_only { TimeInForce::PostOnly } else { TimeInForce::Gtc };
        let order = NewOrder {
            expires_at_ms: old.expires_at_ms,
            ..NewOrder::limit(id.0, old.account.0, old.side, price, qty).with_tif(tif)
        };
        Ok(self.execute(&order, Some(price), now, events))
    }

    fn expire(&mut self, now: i64, events: &mut Vec<Event>) -> usize {
        let mut expired: Vec<ModelOrder> = self.orders.iter().copied().filter(|o| o.expired(now)).collect();
        expired.sort_by_key(|o| (o.expires_at_ms, o.id));
        self.orders.retain(|o| !o.expired(now));
        events.extend(expired.iter().map(|o| o.cancelled(CancelReason::Expired)));
        expired.len()
    }

    /// Resting orders in book order: bids best first, then asks best
    /// first, each price oldest first.
    fn book_order(&self) -> Vec<Resting> {
        let mut orders = self.orders.clone();
        orders.sort_by_key(|o| match o.side {
            Side::Buy => (0, -o.price, o.seq),
            Side::Sell => (1, o.price, o.seq),
        });
        orders.iter().map(ModelOrder::resting).collect()
    }

    fn levels(&self, side: Side) -> Vec<LevelView> {
        let mut levels: Vec<LevelView> = Vec::new();
        for order in self.book_order().into_iter().filter(|o| o.side == side) {
            match levels.last_mut() {
                Some(level) if level.price_satang == order.price_satang => {
                    level.qty_tco2e.0 += order.qty_tco2e.0;
                    level.orders += 1;
                }
                _ => levels.push(LevelView { price_satang: order.price_satang, qty_tco2e: order.qty_tco2e, orders: 1 }),
            }
        }
        levels
    }
}

#[derive(Debug, Clone)]
enum Step {
    New(NewOrder),
    Cancel(u64),
    Replace { id: u64, price: i64, qty: u64 },
    Expire,
}

fn price() -> impl Strategy<Value = i64> {
    prop_oneof![
        20 => (95i64..=105).prop_map(|ticks| ticks * TICK),
        1 => prop_oneof![Just(0i64), Just(-TICK), Just(1_003)],
    ]
}

fn new_order() -> impl Strategy<Value = NewOrder> {
    let tif = prop_oneof![
        4 => Just(TimeInForce::Gtc),
        1 => Just(TimeInForce::Ioc),
        1 => Just(TimeInForce::Fok),
        1 => Just(TimeInForce::PostOnly),
    ];
    let side = prop_oneof![Just(Side::Buy), Just(Side::Sell)];
    let kind = prop_oneof![6 => Just(OrderKind::Limit), 1 => Just(OrderKind::Market)];
    let price = prop_oneof![9 => price().prop_map(Some), 1 => Just(None)];
    (0u64..40, 0u64..3, side, kind, price, 0u64..9, tif, proptest::option::weighted(0.3, 0i64..60)).prop_map(
        |(id, account, side, kind, price, qty, tif, expires)| {
            // Mostly well-formed: a market order usually has no price, a limit order usually one.
            let price = match kind {
                OrderKind::Market if id % 7 != 0 => None,
                OrderKind::Limit if price.is_none() && id % 5 != 0 => Some(1_000),
                _ => price,
            };
            NewOrder {
                id: OrderId(id),
                account: AccountId(account),
                side,
                kind,
                price_satang: price.map(PriceSatang),
                qty_tco2e: QtyTco2e(qty),
                tif,
                expires_at_ms: expires,
            }
        },
    )
}

fn step() -> impl Strategy<Value = (i64, Step)> {
    let step = prop_oneof![
        10 => new_order().prop_map(Step::New),
        3 => (0u64..40).prop_map(Step::Cancel),
        3 => (0u64..40, price(), 0u64..9).prop_map(|(id, price, qty)| Step::Replace { id, price, qty }),
        1 => Just(Step::Expire),
    ];
    (0i64..8, step)
}

/// Where every tonne went, from the engine's own reports.
#[derive(Default, Debug)]
struct Ledger {
    submitted: u64,
    filled: u64,
    cancelled: u64,
    dropped: u64,
}

impl Ledger {
    fn record(&mut self, events: &[Event]) {
        for event in events {
            match event {
                Event::Fill(fill) => self.filled += fill.qty_tco2e.0,
                Event::Cancelled { qty_tco2e, .. } | Event::Dropped { qty_tco2e, .. } => {
                    if matches!(event, Event::Dropped { .. }) {
                        self.dropped += qty_tco2e.0
                    } else {
                        self.cancelled += qty_tco2e.0
                    }
                }
                Event::Reduced { from_tco2e, to_tco2e, .. } => self.cancelled += from_tco2e.0 - to_tco2e.0,
                Event::Rested { .. } => {}
            }
        }
    }

    fn check(&self, book: &OrderBook) {
        let resting = book.side_qty(Side::Buy).0 + book.side_qty(Side::Sell).0;
        // A fill takes its quantity from both the maker's and the taker's submission.
        assert_eq!(self.submitted, 2 * self.filled + resting + self.cancelled + self.dropped, "{self:?}");
    }
}

/// Runs both and returns every result and event seen, as text, so that a
/// test can check the stream reached the rules it means to test.
fn run_both(steps: &[(i64, Step)]) -> String {
    let mut seen = String::new();
    let mut book = OrderBook::new(BookConfig::new(TICK).with_orders_max(ORDERS_MAX));
    let mut model = Model::default();
    let mut ledger = Ledger::default();
    let mut now = 0i64;
    for (number, (dt, step)) in steps.iter().enumerate() {
        now += dt;
        let (mut ours, mut theirs) = (Vec::new(), Vec::new());
        let (result, expected) = match step {
            Step::New(order) => {
                let result = book.submit(order, now, &mut ours).map_err(|r| r.kind);
                let expected = model.submit(order, now, &mut theirs);
                if result.is_ok() {
                    ledger.submitted += order.qty_tco2e.0;
                }
                (format!("{result:?}"), format!("{expected:?}"))
            }
            Step::Cancel(id) => {
                let result = book.cancel(OrderId(*id), &mut ours).map_err(|r| r.kind);
                (format!("{result:?}"), format!("{:?}", model.cancel(OrderId(*id), &mut theirs)))
            }
            Step::Replace { id, price, qty } => {
                let result =
                    book.replace(OrderId(*id), PriceSatang(*price), QtyTco2e(*qty), now, &mut ours).map_err(|r| r.kind);
                let expected = model.replace(OrderId(*id), *price, *qty, now, &mut theirs);
                if result.as_ref().is_ok_and(|_| !matches!(ours.first(), Some(Event::Reduced { .. }))) {
                    ledger.submitted += qty;
                }
                (format!("{result:?}"), format!("{expected:?}"))
            }
            Step::Expire => (format!("{}", book.expire(now, &mut ours)), format!("{}", model.expire(now, &mut theirs))),
        };
        assert_eq!(result, expected, "step {number}: {step:?}");
        seen.push_str(&format!("{result} {ours:?}\n"));
        assert_eq!(ours, theirs, "step {number}: {step:?}");
        book.check_invariants().unwrap_or_else(|why| panic!("step {number}: {why}"));
        ledger.record(&ours);
        ledger.check(&book);
        assert_eq!(book.orders().collect::<Vec<_>>(), model.book_order(), "step {number}");
        for side in [Side::Buy, Side::Sell] {
            assert_eq!(book.levels(side).collect::<Vec<_>>(), model.levels(side), "step {number}");
        }
    }
    seen
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn the_book_agrees_with_the_naive_model(steps in proptest::collection::vec(step(), 1..250)) {
        run_both(&steps);
    }
}

#[test]
fn the_model_and_the_book_agree_on_a_long_fixed_stream() {
    // A longer run than proptest's, from a fixed seed, so that the book fills
    // to its limit and empties many times.
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let steps = proptest::collection::vec(step(), 5_000).new_tree(&mut runner).unwrap().current();
    let seen = run_both(&steps);
    for rule in [
        "Fill",
        "maker_done: true",
        "maker_done: false",
        "SelfTrade",
        "Expired",
        "Replaced",
        "Reduced",
        "Rested",
        "Market",
        "ImmediateOrCancel",
        "Requested",
        "BookFull",
        "CannotFillWhole",
        "WouldTrade",
        "DuplicateId",
        "NotResting",
        "PriceOffTick",
        "PriceMissing",
        "PriceOnMarket",
        "AlreadyExpired",
        "QuantityZero",
    ] {
        assert!(seen.contains(rule), "the fixed stream never reached {rule}");
    }
}

/// One step on a book alone, reported as text: what it answered and its events.
fn apply(book: &mut OrderBook, now: i64, step: &Step) -> String {
    let mut events = Vec::new();
    let answer = match step {
        Step::New(order) => format!("{:?}", book.submit(order, now, &mut events).map_err(|r| r.kind)),
        Step::Cancel(id) => format!("{:?}", book.cancel(OrderId(*id), &mut events).map_err(|r| r.kind)),
        Step::Replace { id, price, qty } => format!(
            "{:?}",
            book.replace(OrderId(*id), PriceSatang(*price), QtyTco2e(*qty), now, &mut events).map_err(|r| r.kind)
        ),
        Step::Expire => format!("{}", book.expire(now, &mut events)),
    };
    format!("{answer} {events:?}")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// A book restored from its resting orders (as a snapshot keeps it)
    /// behaves as the book it came from for every later step.
    #[test]
    fn a_restored_book_behaves_as_the_original(
        steps in proptest::collection::vec(step(), 1..200),
        split in 0usize..200,
    ) {
        let config = BookConfig::new(TICK).with_orders_max(ORDERS_MAX);
        let split = split.min(steps.len());
        let mut original = OrderBook::new(config);
        let mut now = 0i64;
        for (dt, step) in &steps[..split] {
            now += dt;
            apply(&mut original, now, step);
        }
        let mut restored = OrderBook::restore(config, original.orders()).unwrap();
        prop_assert_eq!(restored.orders().collect::<Vec<_>>(), original.orders().collect::<Vec<_>>());
        prop_assert_eq!(restored.next_expiry_ms(), original.next_expiry_ms());
        for (number, (dt, step)) in steps[split..].iter().enumerate() {
            now += dt;
            prop_assert_eq!(apply(&mut restored, now, step), apply(&mut original, now, step), "step {}", split + number);
            restored.check_invariants().unwrap();
        }
        prop_assert_eq!(restored.orders().collect::<Vec<_>>(), original.orders().collect::<Vec<_>>());
    }
}

#[test]
fn a_book_whose_orders_would_trade_is_not_restored() {
    let config = BookConfig::new(TICK);
    let resting = |id: u64, side: Side, price: i64| Resting {
        id: OrderId(id),
        account: AccountId(id),
        side,
        price_satang: PriceSatang(price),
        qty_tco2e: QtyTco2e(1),
        expires_at_ms: None,
        post_only: false,
    };
    let crossed = [resting(1, Side::Sell, 1_000), resting(2, Side::Buy, 1_010)];
    let error = OrderBook::restore(config, crossed).err().unwrap();
    assert!(error.contains("order 2"), "{error}");
    let repeated = [resting(1, Side::Sell, 1_000), resting(1, Side::Sell, 1_010)];
    assert!(OrderBook::restore(config, repeated).is_err());
}
