//! Reading the book: best prices, levels best first, one order by id, and
//! every resting order in book order (for rebuilding holds and checking).
//! Expired orders are still seen here until matching meets them or
//! `expire(now_ms)` removes them; call `expire` first to read the book as
//! of a moment.

use super::{resting, OrderBook};
use crate::types::{LevelView, OrderId, PriceSatang, QtyTco2e, Resting, Side};

impl OrderBook {
    pub fn best_bid(&self) -> Option<LevelView> {
        self.bids.last_key_value().map(|(_, &level)| self.level_view(level))
    }

    pub fn best_ask(&self) -> Option<LevelView> {
        self.asks.first_key_value().map(|(_, &level)| self.level_view(level))
    }

    /// One side's levels, best first (highest bid, lowest ask).
    pub fn levels(&self, side: Side) -> impl Iterator<Item = LevelView> + '_ {
        let (bids, asks) = match side {
            Side::Buy => (Some(self.bids.values().rev()), None),
            Side::Sell => (None, Some(self.asks.values())),
        };
        bids.into_iter().flatten().chain(asks.into_iter().flatten()).map(|&level| self.level_view(level))
    }

    /// At most `levels_max` levels of one side, best first.
    pub fn depth(&self, side: Side, levels_max: usize) -> Vec<LevelView> {
        self.levels(side).take(levels_max).collect()
    }

    pub fn get(&self, id: OrderId) -> Option<Resting> {
        self.orders.slot_of(id).map(|index| resting(self.orders.slot(index)))
    }

    /// Every resting order: bids best first, then asks best first, each
    /// level oldest first (the order they would trade in).
    pub fn orders(&self) -> impl Iterator<Item = Resting> + '_ {
        [Side::Buy, Side::Sell].into_iter().flat_map(move |side| {
            let levels: Box<dyn Iterator<Item = &u32>> = match side {
                Side::Buy => Box::new(self.bids.values().rev()),
                Side::Sell => Box::new(self.asks.values()),
            };
            levels.flat_map(move |&level| self.orders.queue(level).map(|(_, slot)| resting(slot)))
        })
    }

    /// The earliest `expires_at_ms` of a resting order, if any has one: when
    /// `expire` next has something to do.
    pub fn next_expiry_ms(&self) -> Option<i64> {
        self.orders.expiring.first().map(|&(at_ms, _)| at_ms)
    }

    /// How many orders rest.
    pub fn len(&self) -> usize {
        self.orders.len()
    }

    pub fn is_empty(&self) -> bool {
        self.orders.len() == 0
    }

    /// The total resting quantity of one side.
    pub fn side_qty(&self, side: Side) -> QtyTco2e {
        QtyTco2e(self.levels(side).map(|level| level.qty_tco2e.0).sum())
    }

    fn level_view(&self, index: u32) -> LevelView {
        let level = self.orders.level(index);
        LevelView { price_satang: level.price, qty_tco2e: QtyTco2e(level.qty_tco2e), orders: level.orders }
    }

    /// The spread's two sides, if both exist.
    pub fn spread(&self) -> Option<(PriceSatang, PriceSatang)> {
        Some((self.best_bid()?.price_satang, self.best_ask()?.price_satang))
    }
}
