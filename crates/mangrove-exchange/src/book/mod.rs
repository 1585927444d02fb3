//! The order book of one instrument: limit and market orders, four times in
//! force, expiry, price-time priority, self-trade prevention, cancel and
//! replace. Every request is decided first (read-only) and applied second,
//! so a refused request changes nothing.
//!
//! Replace keeps the order's place in its queue only when the price is
//! unchanged and the quantity does not go up (a smaller order takes no one's
//! turn). Any other replace cancels the order and enters it again, with the
//! same id, at the back of its new price's queue, where it may trade at once.

mod invariants;
mod matching;
mod orders;
mod query;

use crate::error::{RejectKind, Rejected};
use crate::event::{CancelReason, DropReason, Event, Outcome};
use crate::types::{NewOrder, OrderId, OrderKind, PriceSatang, QtyTco2e, Resting, Side, TimeInForce};
use orders::{Orders, Slot, NIL};
use std::collections::BTreeMap;

/// The most resting orders one book holds unless told otherwise.
pub const ORDERS_PER_BOOK_MAX_DEFAULT: u32 = 1_000_000;

/// The most tonnes one order may name: far above any real order, and small
/// enough that a full book's sums stay far from overflowing a `u64`.
pub const QTY_PER_ORDER_MAX: u64 = 1_000_000_000_000;

/// What a book is created with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BookConfig {
    /// Limit prices must be whole multiples of this.
    pub tick_satang: PriceSatang,
    /// A limit order that may rest is refused while this many orders rest.
    pub orders_per_book_max: u32,
}

impl BookConfig {
    pub const fn new(tick_satang: i64) -> BookConfig {
        BookConfig { tick_satang: PriceSatang(tick_satang), orders_per_book_max: ORDERS_PER_BOOK_MAX_DEFAULT }
    }

    pub const fn with_orders_max(mut self, orders_per_book_max: u32) -> BookConfig {
        self.orders_per_book_max = orders_per_book_max;
        self
    }
}

/// One instrument's book. Prices map to levels in a `BTreeMap` per side;
/// the levels and orders themselves live in arenas (see `orders.rs`).
/// Cloning gives an independent book, for a what-if.
#[derive(Debug, Clone)]
pub struct OrderBook {
    config: BookConfig,
    /// Best bid last.
    bids: BTreeMap<PriceSatang, u32>,
    /// Best ask first.
    asks: BTreeMap<PriceSatang, u32>,
    orders: Orders,
    /// Levels met lately, by a hash of their price. Most orders join a
    /// level near the top that exists already, and this finds it without
    /// walking the tree; an entry is only a hint, checked before use.
    level_hints: [u32; LEVEL_HINTS],
}

/// How many level hints a book keeps: more than the levels near the top
/// that see most of the traffic.
const LEVEL_HINTS: usize = 256;

fn hint_slot(price: PriceSatang) -> usize {
    // Fibonacci hashing: consecutive ticks land in different slots.
    ((price.0 as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 56) as usize
}

impl OrderBook {
    pub fn new(config: BookConfig) -> OrderBook {
        assert!(config.tick_satang.0 > 0, "the tick size is positive");
        assert!(config.orders_per_book_max < NIL, "slot indices are u32 with one value reserved");
        OrderBook {
            config,
            bids: BTreeMap::new(),
            asks: BTreeMap::new(),
            orders: Orders::new(),
            level_hints: [NIL; LEVEL_HINTS],
        }
    }

    pub fn config(&self) -> BookConfig {
        self.config
    }

    /// A book holding exactly `orders`, given in priority order (as
    /// [`OrderBook::orders`] lists them): how a state snapshot brings a
    /// book back. The arenas are laid out afresh, which changes nothing a
    /// book does. Orders that would trade with each other, repeat an id
    /// or break the book's limits are refused.
    pub fn restore(config: BookConfig, orders: impl IntoIterator<Item = Resting>) -> Result<OrderBook, String> {
        let mut book = OrderBook::new(config);
        let mut events = Vec::new();
        for resting in orders {
            let order = NewOrder {
                id: resting.id,
                account: resting.account,
                side: resting.side,
                kind: OrderKind::Limit,
                price_satang: Some(resting.price_satang),
                qty_tco2e: resting.qty_tco2e,
                tif: if resting.post_only { TimeInForce::PostOnly } else { TimeInForce::Gtc },
                expires_at_ms: resting.expires_at_ms,
            };
            events.clear();
            // Before any expiry: an order that rested stays until `expire` is called.
            book.submit(&order, i64::MIN, &mut events)
                .map_err(|rejected| format!("order {} cannot rest: {:?}", resting.id.0, rejected.kind))?;
            if book.get(resting.id) != Some(resting) || events.iter().any(|event| matches!(event, Event::Fill(_))) {
                return Err(format!("order {} would trade with the orders before it", resting.id.0));
            }
        }
        Ok(book)
    }

    /// Submits an order at `now_ms`. Fills, self-trade cancels and expired
    /// orders met on the way, and the fate of the unfilled rest are pushed
    /// onto `events` in the order they happen.
    pub fn submit(&mut self, order: &NewOrder, now_ms: i64, events: &mut Vec<Event>) -> Result<Outcome, Rejected> {
        let limit = self.decide(order, now_ms).map_err(|kind| Rejected { id: order.id, kind })?;
        Ok(self.execute(order, limit, now_ms, events))
    }

    /// Removes a resting order at its owner's request.
    pub fn cancel(&mut self, id: OrderId, events: &mut Vec<Event>) -> Result<Resting, Rejected> {
        let index = self.orders.slot_of(id).ok_or(Rejected { id, kind: RejectKind::NotResting })?;
        Ok(self.remove_resting(index, CancelReason::Requested, events))
    }

    /// Changes a resting order's price and quantity (the quantity it will
    /// have left). See the module doc for when it keeps its priority.
    pub fn replace(
        &mut self,
        id: OrderId,
        price_satang: PriceSatang,
        qty_tco2e: QtyTco2e,
        now_ms: i64,
        events: &mut Vec<Event>,
    ) -> Result<Outcome, Rejected> {
        let index = self.decide_replace(id, price_satang, qty_tco2e, now_ms)?;
        let slot = *self.orders.slot(index);
        if price_satang == slot.price && qty_tco2e.0 <= slot.qty_tco2e {
            if qty_tco2e.0 < slot.qty_tco2e {
                self.orders.reduce(index, slot.qty_tco2e - qty_tco2e.0);
            }
            events.push(Event::Reduced {
                id,
                account: slot.account,
                side: slot.side,
                price_satang,
                from_tco2e: QtyTco2e(slot.qty_tco2e),
                to_tco2e: qty_tco2e,
            });
            return Ok(Outcome { rested_tco2e: qty_tco2e, ..Outcome::default() });
        }
        let order = NewOrder {
            id,
            account: slot.account,
            side: slot.side,
            kind: OrderKind::Limit,
            price_satang: Some(price_satang),
            qty_tco2e,
            tif: if slot.post_only { TimeInForce::PostOnly } else { TimeInForce::Gtc },
            expires_at_ms: slot.expires_at_ms,
        };
        self.remove_resting(index, CancelReason::Replaced, events);
        Ok(self.execute(&order, Some(price_satang), now_ms, events))
    }

    /// What `replace` would refuse, decided without changing anything, so a
    /// caller can settle its own side of a replace first.
    pub fn check_replace(
        &self,
        id: OrderId,
        price_satang: PriceSatang,
        qty_tco2e: QtyTco2e,
        now_ms: i64,
    ) -> Result<(), Rejected> {
        self.decide_replace(id, price_satang, qty_tco2e, now_ms).map(|_| ())
    }

    /// Every rule a replace must pass; returns the order's slot.
    fn decide_replace(
        &self,
        id: OrderId,
        price_satang: PriceSatang,
        qty_tco2e: QtyTco2e,
        now_ms: i64,
    ) -> Result<u32, Rejected> {
        let reject = |kind| Rejected { id, kind };
        let index = self.orders.slot_of(id).ok_or(reject(RejectKind::NotResting))?;
        let slot = self.orders.slot(index);
        if slot.is_expired(now_ms) {
            return Err(reject(RejectKind::Expired));
        }
        check_qty(qty_tco2e).map_err(reject)?;
        self.check_price(price_satang).map_err(reject)?;
        let keeps_place = price_satang == slot.price && qty_tco2e.0 <= slot.qty_tco2e;
        if !keeps_place && slot.post_only && self.would_trade(slot.side, price_satang, now_ms) {
            return Err(reject(RejectKind::WouldTrade));
        }
        Ok(index)
    }

    /// Removes every resting order whose time has come, earliest expiry
    /// first (then by id), and returns how many.
    pub fn expire(&mut self, now_ms: i64, events: &mut Vec<Event>) -> usize {
        let mut removed = 0;
        while let Some(&(at, id)) = self.orders.expiring.first() {
            if at > now_ms {
                break;
            }
            let index = self.orders.slot_of(id).expect("an expiring order rests");
            self.remove_resting(index, CancelReason::Expired, events);
            removed += 1;
        }
        removed
    }

    /// Every rule a new order must pass, checked without changing anything;
    /// returns its limit price (none for a market order).
    fn decide(&self, order: &NewOrder, now_ms: i64) -> Result<Option<PriceSatang>, RejectKind> {
        check_qty(order.qty_tco2e)?;
        let limit = match (order.kind, order.price_satang) {
            (OrderKind::Limit, None) => return Err(RejectKind::PriceMissing),
            (OrderKind::Limit, Some(price)) => {
                self.check_price(price)?;
                Some(price)
            }
            (OrderKind::Market, Some(_)) => return Err(RejectKind::PriceOnMarket),
            (OrderKind::Market, None) if order.tif == TimeInForce::PostOnly => return Err(RejectKind::MarketPostOnly),
            (OrderKind::Market, None) => None,
        };
        if order.expires_at_ms.is_some_and(|at| at <= now_ms) {
            return Err(RejectKind::AlreadyExpired);
        }
        if self.orders.slot_of(order.id).is_some() {
            return Err(RejectKind::DuplicateId);
        }
        let may_rest = order.kind == OrderKind::Limit && matches!(order.tif, TimeInForce::Gtc | TimeInForce::PostOnly);
        if may_rest && self.orders.len() >= self.config.orders_per_book_max as usize {
            return Err(RejectKind::BookFull);
        }
        match order.tif {
            TimeInForce::Fok if !self.can_fill_whole(order, limit, now_ms) => Err(RejectKind::CannotFillWhole),
            TimeInForce::PostOnly if self.would_trade(order.side, limit.expect("a limit order"), now_ms) => {
                Err(RejectKind::WouldTrade)
            }
            _ => Ok(limit),
        }
    }

    fn check_price(&self, price: PriceSatang) -> Result<(), RejectKind> {
        if price.0 <= 0 {
            return Err(RejectKind::PriceNotPositive);
        }
        if price.0 % self.config.tick_satang.0 != 0 {
            return Err(RejectKind::PriceOffTick);
        }
        Ok(())
    }

    /// Applies a decided order: trade, then rest or drop what is left.
    fn execute(
        &mut self,
        order: &NewOrder,
        limit: Option<PriceSatang>,
        now_ms: i64,
        events: &mut Vec<Event>,
    ) -> Outcome {
        // A post-only order was checked to meet no live order, so for it this
        // only clears away expired orders it crosses (it would rest crossed
        // with them otherwise).
        let filled = self.take(order, limit, now_ms, events);
        debug_assert!(order.tif != TimeInForce::PostOnly || filled == 0, "post-only never trades");
        let rest = order.qty_tco2e.0 - filled;
        let mut outcome = Outcome { filled_tco2e: QtyTco2e(filled), ..Outcome::default() };
        if rest == 0 {
            return outcome;
        }
        let reason = match (order.kind, order.tif, limit) {
            (OrderKind::Limit, TimeInForce::Gtc | TimeInForce::PostOnly, Some(price)) => {
                self.rest(order, price, rest);
                let (id, account, side) = (order.id, order.account, order.side);
                events.push(Event::Rested { id, account, side, price_satang: price, qty_tco2e: QtyTco2e(rest) });
                outcome.rested_tco2e = QtyTco2e(rest);
                return outcome;
            }
            (OrderKind::Market, ..) => DropReason::Market,
            _ => {
                debug_assert!(order.tif != TimeInForce::Fok, "a fill-or-kill order was checked to fill whole");
                DropReason::ImmediateOrCancel
            }
        };
        events.push(Event::Dropped { id: order.id, account: order.account, qty_tco2e: QtyTco2e(rest), reason });
        outcome.dropped_tco2e = QtyTco2e(rest);
        outcome
    }

    fn rest(&mut self, order: &NewOrder, price: PriceSatang, qty_tco2e: u64) {
        let level = self.level_for(order.side, price);
        let slot = Slot {
            id: order.id,
            account: order.account,
            price,
            qty_tco2e,
            expires_at_ms: order.expires_at_ms,
            prev: NIL,
            next: NIL,
            level: NIL,
            side: order.side,
            post_only: order.tif == TimeInForce::PostOnly,
        };
        self.orders.push_back(level, slot);
    }

    /// The level of `side` at `price`, made if there is none.
    fn level_for(&mut self, side: Side, price: PriceSatang) -> u32 {
        let hint = hint_slot(price);
        let hinted = self.level_hints[hint];
        if hinted != NIL {
            // Levels in use are never empty, so a freed (or reused) level fails this.
            let level = self.orders.level(hinted);
            if level.orders > 0 && level.price == price && level.side == side {
                return hinted;
            }
        }
        let map = match side {
            Side::Buy => &mut self.bids,
            Side::Sell => &mut self.asks,
        };
        let level = *map.entry(price).or_insert_with(|| self.orders.new_level(side, price));
        self.level_hints[hint] = level;
        level
    }

    /// Takes a resting order out of the book, reporting why.
    fn remove_resting(&mut self, index: u32, reason: CancelReason, events: &mut Vec<Event>) -> Resting {
        let slot = self.orders.remove(index);
        if self.orders.level(slot.level).orders == 0 {
            match slot.side {
                Side::Buy => self.bids.remove(&slot.price),
                Side::Sell => self.asks.remove(&slot.price),
            };
            self.orders.free_level(slot.level);
        }
        events.push(cancelled(&slot, reason));
        resting(&slot)
    }
}

fn check_qty(qty: QtyTco2e) -> Result<(), RejectKind> {
    match qty.0 {
        0 => Err(RejectKind::QuantityZero),
        qty if qty > QTY_PER_ORDER_MAX => Err(RejectKind::QuantityTooLarge),
        _ => Ok(()),
    }
}

fn cancelled(slot: &Slot, reason: CancelReason) -> Event {
    Event::Cancelled {
        id: slot.id,
        account: slot.account,
        side: slot.side,
        price_satang: slot.price,
        qty_tco2e: QtyTco2e(slot.qty_tco2e),
        reason,
    }
}

fn resting(slot: &Slot) -> Resting {
    Resting {
        id: slot.id,
        account: slot.account,
        side: slot.side,
        price_satang: slot.price,
        qty_tco2e: QtyTco2e(slot.qty_tco2e),
        expires_at_ms: slot.expires_at_ms,
        post_only: slot.post_only,
    }
}
