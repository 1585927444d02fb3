//! The matching path: an incoming order walks the other side from the best
//! price, and each level from its oldest order. It allocates nothing: the
//! events go into the caller's vector, and emptied levels and slots go back
//! to their free lists.
//!
//! An order met on the way is skipped and removed if it has expired, and
//! removed (a self-trade cancel) if it belongs to the taker's account; then
//! matching goes on. The two read-only checks here, fill-or-kill and
//! post-only, see the book the same way: expired orders are not there, and
//! for fill-or-kill neither are the taker's own.

use super::orders::{Orders, NIL};
use super::{cancelled, OrderBook};
use crate::event::{CancelReason, Event, Fill};
use crate::types::{NewOrder, PriceSatang, QtyTco2e, Side};

impl OrderBook {
    /// Trades `order` against the other side up to `limit` (no limit for a
    /// market order); returns the quantity filled.
    pub(super) fn take(
        &mut self,
        order: &NewOrder,
        limit: Option<PriceSatang>,
        now_ms: i64,
        events: &mut Vec<Event>,
    ) -> u64 {
        let mut remaining = order.qty_tco2e.0;
        while remaining > 0 {
            let best = match order.side {
                Side::Buy => self.asks.first_key_value(),
                Side::Sell => self.bids.last_key_value(),
            };
            let Some((&price, &level)) = best else { break };
            if limit.is_some_and(|limit| !order.side.crosses(limit, price)) {
                break;
            }
            remaining = take_level(&mut self.orders, level, order, remaining, now_ms, events);
            if self.orders.level(level).orders == 0 {
                match order.side {
                    Side::Buy => self.asks.pop_first(),
                    Side::Sell => self.bids.pop_last(),
                };
                self.orders.free_level(level);
            }
        }
        order.qty_tco2e.0 - remaining
    }

    /// Whether the book holds enough of other accounts' live liquidity
    /// within `limit` to fill `order` whole.
    pub(super) fn can_fill_whole(&self, order: &NewOrder, limit: Option<PriceSatang>, now_ms: i64) -> bool {
        let mut available = 0u64;
        for level in self.crossing_levels(order.side, limit) {
            for (_, maker) in self.orders.queue(level) {
                if maker.account != order.account && !maker.is_expired(now_ms) {
                    available = available.saturating_add(maker.qty_tco2e);
                    if available >= order.qty_tco2e.0 {
                        return true;
                    }
                }
            }
        }
        false
    }

    /// Whether an order on `side` at `limit` would meet a live resting
    /// order (of any account) on arrival.
    pub(super) fn would_trade(&self, side: Side, limit: PriceSatang, now_ms: i64) -> bool {
        self.crossing_levels(side, Some(limit))
            .any(|level| self.orders.queue(level).any(|(_, maker)| !maker.is_expired(now_ms)))
    }

    /// The other side's levels that an order on `side` with `limit` may
    /// trade with, best first.
    fn crossing_levels(&self, side: Side, limit: Option<PriceSatang>) -> Box<dyn Iterator<Item = u32> + '_> {
        let crosses = move |price: &&PriceSatang| limit.is_none_or(|limit| side.crosses(limit, **price));
        match side {
            Side::Buy => Box::new(self.asks.iter().take_while(move |(price, _)| crosses(price)).map(|(_, &l)| l)),
            Side::Sell => {
                Box::new(self.bids.iter().rev().take_while(move |(price, _)| crosses(price)).map(|(_, &l)| l))
            }
        }
    }
}

/// Trades against one level, oldest order first, until the level or the
/// taker runs out; returns what the taker has left.
fn take_level(
    orders: &mut Orders,
    level: u32,
    taker: &NewOrder,
    mut remaining: u64,
    now_ms: i64,
    events: &mut Vec<Event>,
) -> u64 {
    let mut index = orders.level(level).head;
    while remaining > 0 && index != NIL {
        let maker = *orders.slot(index);
        let next = maker.next;
        if maker.is_expired(now_ms) {
            orders.remove(index);
            events.push(cancelled(&maker, CancelReason::Expired));
        } else if maker.account == taker.account {
            orders.remove(index);
            events.push(cancelled(&maker, CancelReason::SelfTrade));
        } else {
            let qty = remaining.min(maker.qty_tco2e);
            let maker_done = qty == maker.qty_tco2e;
            if maker_done {
                orders.remove(index);
            } else {
                orders.reduce(index, qty);
            }
            remaining -= qty;
            events.push(Event::Fill(Fill {
                maker: maker.id,
                taker: taker.id,
                maker_account: maker.account,
                taker_account: taker.account,
                taker_side: taker.side,
                price_satang: maker.price,
                qty_tco2e: QtyTco2e(qty),
                maker_done,
            }));
        }
        index = next;
    }
    remaining
}
