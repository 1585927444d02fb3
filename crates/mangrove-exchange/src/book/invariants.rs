//! The book's invariants, recomputed from the arenas: every level in a
//! price map is non-empty and sums its orders, the links run both ways, the
//! id map and the expiry set name exactly the resting orders, and the book
//! is not crossed. Tests call this after every step; the application may
//! call it after loading.

use super::orders::NIL;
use super::OrderBook;
use crate::types::{PriceSatang, Side};
use std::collections::BTreeMap;

impl OrderBook {
    pub fn check_invariants(&self) -> Result<(), String> {
        let mut seen = 0usize;
        let mut expiring = 0usize;
        for (side, map) in [(Side::Buy, &self.bids), (Side::Sell, &self.asks)] {
            for (&price, &level) in map {
                let (orders, with_expiry) = self.check_level(side, price, level)?;
                seen += orders;
                expiring += with_expiry;
            }
        }
        if seen != self.orders.ids.len() {
            return Err(format!("{seen} orders are linked in levels but the id map holds {}", self.orders.ids.len()));
        }
        if expiring != self.orders.expiring.len() {
            return Err(format!("{expiring} orders expire but the expiry set holds {}", self.orders.expiring.len()));
        }
        let levels = self.bids.len() + self.asks.len();
        if levels != self.orders.levels_used as usize {
            return Err(format!("{levels} levels are mapped but {} are in use", self.orders.levels_used));
        }
        if seen > self.config.orders_per_book_max as usize {
            return Err(format!("{seen} orders rest, above orders_per_book_max"));
        }
        if let Some((bid, ask)) = self.spread() {
            if bid >= ask {
                return Err(format!("the book is crossed: best bid {} ≥ best ask {}", bid.0, ask.0));
            }
        }
        Ok(())
    }

    /// Walks one level's queue; returns its order count and how many of
    /// them have an expiry.
    fn check_level(&self, side: Side, price: PriceSatang, index: u32) -> Result<(usize, usize), String> {
        let level = self.orders.level(index);
        let at = format!("{side:?} level {}", price.0);
        if level.price != price || level.side != side || level.orders == 0 || level.head == NIL {
            return Err(format!("{at} is empty or stored under the wrong price"));
        }
        let (mut count, mut qty, mut expiring, mut prev) = (0usize, 0u64, 0usize, NIL);
        let mut ids = BTreeMap::new();
        for (slot_index, slot) in self.orders.queue(index) {
            if slot.prev != prev || slot.level != index || slot.side != side || slot.price != price {
                return Err(format!("{at}: order {} is linked or labelled wrongly", slot.id.0));
            }
            if slot.qty_tco2e == 0 || slot.price.0 % self.config.tick_satang.0 != 0 {
                return Err(format!("{at}: order {} has no quantity or an off-tick price", slot.id.0));
            }
            if self.orders.ids.get(&slot.id) != Some(&slot_index) || ids.insert(slot.id, ()).is_some() {
                return Err(format!("{at}: order {} is not found under its id", slot.id.0));
            }
            if let Some(at_ms) = slot.expires_at_ms {
                if !self.orders.expiring.contains(&(at_ms, slot.id)) {
                    return Err(format!("{at}: order {} is missing from the expiry set", slot.id.0));
                }
                expiring += 1;
            }
            count += 1;
            qty += slot.qty_tco2e;
            prev = slot_index;
            if count > self.orders.slots.len() {
                return Err(format!("{at}: the queue loops"));
            }
        }
        if level.tail != prev || count != level.orders as usize || qty != level.qty_tco2e {
            return Err(format!("{at}: tail, count or quantity disagree with its orders"));
        }
        Ok((count, expiring))
    }
}
