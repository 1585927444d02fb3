//! What the book reports: fills, orders that rest, unfilled rests that are
//! dropped, resting orders that are cancelled or reduced. The caller hands
//! the book a reusable `Vec<Event>` so that matching allocates nothing;
//! every event is a small `Copy` value.

use crate::types::{AccountId, OrderId, PriceSatang, QtyTco2e, Side};
use serde::{Deserialize, Serialize};

/// A trade between the incoming order (the taker) and a resting one (the
/// maker), always at the maker's price: the maker set the price and the
/// taker accepted it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Fill {
    pub maker: OrderId,
    pub taker: OrderId,
    pub maker_account: AccountId,
    pub taker_account: AccountId,
    /// The taker's side; the maker is on the other.
    pub taker_side: Side,
    pub price_satang: PriceSatang,
    pub qty_tco2e: QtyTco2e,
    /// The maker has nothing left and is gone from the book, so the caller
    /// can release what it held for it without asking the book.
    pub maker_done: bool,
}

/// Why a resting order left the book without trading.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CancelReason {
    /// Its owner asked.
    Requested,
    /// An order of the same account arrived that would have traded with it.
    SelfTrade,
    /// Its `expires_at_ms` passed.
    Expired,
    /// Its owner replaced it; the new version follows as a new arrival.
    Replaced,
}

/// Why the unfilled rest of an incoming order did not rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DropReason {
    /// A market order never rests.
    Market,
    /// Immediate or cancel.
    ImmediateOrCancel,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Event {
    Fill(Fill),
    /// The incoming order's unfilled rest now rests in the book.
    Rested {
        id: OrderId,
        account: AccountId,
        side: Side,
        price_satang: PriceSatang,
        qty_tco2e: QtyTco2e,
    },
    /// The incoming order's unfilled rest was dropped (never a rejection).
    Dropped {
        id: OrderId,
        account: AccountId,
        qty_tco2e: QtyTco2e,
        reason: DropReason,
    },
    /// A resting order left the book with `qty_tco2e` untraded.
    Cancelled {
        id: OrderId,
        account: AccountId,
        side: Side,
        price_satang: PriceSatang,
        qty_tco2e: QtyTco2e,
        reason: CancelReason,
    },
    /// A resting order was reduced in place and kept its time priority.
    Reduced {
        id: OrderId,
        account: AccountId,
        side: Side,
        price_satang: PriceSatang,
        from_tco2e: QtyTco2e,
        to_tco2e: QtyTco2e,
    },
}

/// Where the quantity of an accepted order went, on arrival: every tonne
/// is filled, rests, or is dropped.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Outcome {
    pub filled_tco2e: QtyTco2e,
    pub rested_tco2e: QtyTco2e,
    pub dropped_tco2e: QtyTco2e,
}
