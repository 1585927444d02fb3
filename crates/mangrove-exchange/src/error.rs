//! Why the book refused a request. A refused request changes nothing: the
//! book decides before it touches any order.

use crate::types::OrderId;
use serde::Serialize;
use std::fmt;

/// The reason a request was refused. Its `message` is short English a
/// trader can act on; the replay format prints it as is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RejectKind {
    QuantityZero,
    /// Above `QTY_PER_ORDER_MAX`.
    QuantityTooLarge,
    PriceMissing,
    PriceNotPositive,
    PriceOffTick,
    /// A market order was given a price.
    PriceOnMarket,
    MarketPostOnly,
    /// The order's `expires_at_ms` is not after `now_ms`.
    AlreadyExpired,
    /// An order with this id rests in the book.
    DuplicateId,
    /// The book holds `orders_per_book_max` resting orders.
    BookFull,
    /// Fill-or-kill, and the book cannot fill it whole now.
    CannotFillWhole,
    /// Post-only, and it would trade on arrival.
    WouldTrade,
    /// Cancel or replace of an id that does not rest in the book.
    NotResting,
    /// Replace of a resting order whose time has passed.
    Expired,
}

impl RejectKind {
    pub const fn message(self) -> &'static str {
        match self {
            RejectKind::QuantityZero => "quantity must be positive",
            RejectKind::QuantityTooLarge => "quantity is above the per-order limit",
            RejectKind::PriceMissing => "a limit order needs a price",
            RejectKind::PriceNotPositive => "price must be positive",
            RejectKind::PriceOffTick => "price is not a multiple of the tick size",
            RejectKind::PriceOnMarket => "a market order takes no price",
            RejectKind::MarketPostOnly => "a market order cannot be post-only",
            RejectKind::AlreadyExpired => "the order has already expired",
            RejectKind::DuplicateId => "duplicate order id",
            RejectKind::BookFull => "the book is full",
            RejectKind::CannotFillWhole => "fill-or-kill order cannot be filled in full",
            RejectKind::WouldTrade => "post-only order would trade",
            RejectKind::NotResting => "no resting order with this id",
            RejectKind::Expired => "the order has expired",
        }
    }
}

impl fmt::Display for RejectKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

/// A refused submit, cancel or replace, naming the order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, thiserror::Error)]
#[error("order {id} refused: {kind}")]
pub struct Rejected {
    pub id: OrderId,
    pub kind: RejectKind,
}
