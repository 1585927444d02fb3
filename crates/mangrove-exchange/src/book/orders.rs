//! Where resting orders live: an arena of order slots and an arena of price
//! levels, each a `Vec` with a free list, so that a warm book reuses its
//! memory instead of allocating. The orders of one level form an intrusive
//! doubly linked FIFO through their slots; with the id → slot map this
//! makes cancel O(1) (the ordered price map is touched only when a level
//! empties).

use crate::types::{AccountId, OrderId, PriceSatang, Side};
use std::collections::{BTreeSet, HashMap};
use std::hash::{BuildHasherDefault, Hasher};

/// "No slot": the end of a list, or an empty free list.
pub(crate) const NIL: u32 = u32::MAX;

/// One resting order.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Slot {
    pub id: OrderId,
    pub account: AccountId,
    pub price: PriceSatang,
    pub qty_tco2e: u64,
    pub expires_at_ms: Option<i64>,
    pub prev: u32,
    /// The next order of the level, or the next free slot.
    pub next: u32,
    pub level: u32,
    pub side: Side,
    pub post_only: bool,
}

impl Slot {
    pub fn is_expired(&self, now_ms: i64) -> bool {
        matches!(self.expires_at_ms, Some(at) if now_ms >= at)
    }
}

/// One price level: its FIFO of orders and their sums.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Level {
    pub price: PriceSatang,
    pub side: Side,
    /// The oldest order (matched first), or the next free level.
    pub head: u32,
    pub tail: u32,
    pub qty_tco2e: u64,
    pub orders: u32,
}

/// Order ids are chosen by the application, not by an adversary, so a fast
/// multiplicative hash is enough; it has no random state, which also keeps
/// the map's behaviour identical from run to run.
#[derive(Clone, Default)]
pub(crate) struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.write_u64(u64::from(byte));
        }
    }
    fn write_u64(&mut self, value: u64) {
        let mixed = (self.0.rotate_left(5) ^ value).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        // The table takes its bucket from the low bits: fold the well-mixed
        // high half into them.
        self.0 = mixed ^ (mixed >> 29);
    }
}

pub(crate) type IdMap = HashMap<OrderId, u32, BuildHasherDefault<IdHasher>>;

#[derive(Debug, Clone, Default)]
pub(crate) struct Orders {
    pub slots: Vec<Slot>,
    free_slot: u32,
    pub levels: Vec<Level>,
    free_level: u32,
    pub ids: IdMap,
    /// Orders with an expiry, in the order `expire` removes them.
    pub expiring: BTreeSet<(i64, OrderId)>,
    pub levels_used: u32,
}

impl Orders {
    pub fn new() -> Orders {
        Orders { free_slot: NIL, free_level: NIL, ..Orders::default() }
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn slot_of(&self, id: OrderId) -> Option<u32> {
        self.ids.get(&id).copied()
    }

    pub fn slot(&self, index: u32) -> &Slot {
        &self.slots[index as usize]
    }

    pub fn level(&self, index: u32) -> &Level {
        &self.levels[index as usize]
    }

    pub fn new_level(&mut self, side: Side, price: PriceSatang) -> u32 {
        let level = Level { price, side, head: NIL, tail: NIL, qty_tco2e: 0, orders: 0 };
        self.levels_used += 1;
        if self.free_level == NIL {
            self.levels.push(level);
            return u32::try_from(self.levels.len() - 1).expect("levels are bounded by orders_per_book_max");
        }
        let index = self.free_level;
        self.free_level = self.levels[index as usize].head;
        self.levels[index as usize] = level;
        index
    }

    pub fn free_level(&mut self, index: u32) {
        let level = &mut self.levels[index as usize];
        assert!(level.orders == 0 && level.qty_tco2e == 0, "only an empty level is freed");
        level.head = self.free_level;
        self.free_level = index;
        self.levels_used -= 1;
    }

    /// Puts a new order at the back of `level`'s queue.
    pub fn push_back(&mut self, level: u32, mut slot: Slot) -> u32 {
        let tail = self.levels[level as usize].tail;
        slot.level = level;
        slot.prev = tail;
        slot.next = NIL;
        let (id, expires_at_ms, qty) = (slot.id, slot.expires_at_ms, slot.qty_tco2e);
        let index = if self.free_slot == NIL {
            self.slots.push(slot);
            u32::try_from(self.slots.len() - 1).expect("slots are bounded by orders_per_book_max")
        } else {
            let index = self.free_slot;
            self.free_slot = self.slots[index as usize].next;
            self.slots[index as usize] = slot;
            index
        };
        match tail {
            NIL => self.levels[level as usize].head = index,
            tail => self.slots[tail as usize].next = index,
        }
        let level = &mut self.levels[level as usize];
        level.tail = index;
        level.orders += 1;
        level.qty_tco2e += qty;
        self.ids.insert(id, index);
        if let Some(at) = expires_at_ms {
            self.expiring.insert((at, id));
        }
        index
    }

    /// Takes an order out of its level and frees its slot; returns it. The
    /// caller frees the level if this left it empty.
    pub fn remove(&mut self, index: u32) -> Slot {
        let slot = self.slots[index as usize];
        match slot.prev {
            NIL => self.levels[slot.level as usize].head = slot.next,
            prev => self.slots[prev as usize].next = slot.next,
        }
        match slot.next {
            NIL => self.levels[slot.level as usize].tail = slot.prev,
            next => self.slots[next as usize].prev = slot.prev,
        }
        let level = &mut self.levels[slot.level as usize];
        level.orders -= 1;
        level.qty_tco2e -= slot.qty_tco2e;
        self.ids.remove(&slot.id);
        if let Some(at) = slot.expires_at_ms {
            self.expiring.remove(&(at, slot.id));
        }
        self.slots[index as usize].next = self.free_slot;
        self.free_slot = index;
        slot
    }

    /// Trades `qty_tco2e` of a resting order that keeps a remainder.
    pub fn reduce(&mut self, index: u32, qty_tco2e: u64) {
        let slot = &mut self.slots[index as usize];
        assert!(qty_tco2e < slot.qty_tco2e, "a reduction leaves something; a full fill removes the order");
        slot.qty_tco2e -= qty_tco2e;
        self.levels[slot.level as usize].qty_tco2e -= qty_tco2e;
    }

    /// The orders of a level, oldest first.
    pub fn queue(&self, level: u32) -> Queue<'_> {
        Queue { orders: self, next: self.levels[level as usize].head }
    }
}

pub(crate) struct Queue<'a> {
    orders: &'a Orders,
    next: u32,
}

impl<'a> Iterator for Queue<'a> {
    type Item = (u32, &'a Slot);
    fn next(&mut self) -> Option<Self::Item> {
        if self.next == NIL {
            return None;
        }
        let index = self.next;
        let slot = self.orders.slot(index);
        self.next = slot.next;
        Some((index, slot))
    }
}
