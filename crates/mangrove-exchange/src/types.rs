//! The exchange's vocabulary: prices in satang, whole tonnes, the caller's
//! order and account ids, and what a new order asks for. Plain values that
//! the book validates when an order arrives, so they carry no checks here.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A price in satang (1/100 baht) per tonne of CO2e. Signed so that a
/// caller's zero or negative price reaches the book and is refused there
/// with a reason, instead of wrapping around.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PriceSatang(pub i64);

/// A quantity of whole tonnes of CO2e: one credit is one indivisible tonne.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct QtyTco2e(pub u64);

/// An order's id, chosen by the caller and unique among the resting orders
/// of one book.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct OrderId(pub u64);

/// The trading account an order belongs to, chosen by the caller. Two
/// orders of one account never trade with each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AccountId(pub u64);

impl fmt::Display for PriceSatang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} satang", self.0)
    }
}

impl fmt::Display for QtyTco2e {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} tCO2e", self.0)
    }
}

impl fmt::Display for OrderId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl fmt::Display for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Buy,
    Sell,
}

impl Side {
    pub const fn opposite(self) -> Side {
        match self {
            Side::Buy => Side::Sell,
            Side::Sell => Side::Buy,
        }
    }

    /// Whether an order on this side with `limit` would trade against a
    /// resting order of the other side at `resting`.
    pub fn crosses(self, limit: PriceSatang, resting: PriceSatang) -> bool {
        match self {
            Side::Buy => resting <= limit,
            Side::Sell => resting >= limit,
        }
    }
}

/// A limit order names the worst price it accepts; a market order takes
/// whatever the book offers and never rests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderKind {
    Limit,
    Market,
}

/// How long an order may live.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeInForce {
    /// Good till cancelled (or till `expires_at_ms`): the unfilled rest of a
    /// limit order rests in the book. A market order never rests, so for it
    /// this means the same as `Ioc`.
    Gtc,
    /// Immediate or cancel: trade what can be traded now, drop the rest.
    Ioc,
    /// Fill or kill: trade the whole quantity now, or refuse the order and
    /// change nothing.
    Fok,
    /// Rest without trading; refused if it would trade on arrival. Limit
    /// orders only.
    PostOnly,
}

/// An order as the caller submits it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct NewOrder {
    pub id: OrderId,
    pub account: AccountId,
    pub side: Side,
    pub kind: OrderKind,
    /// Required for a limit order, absent for a market order.
    pub price_satang: Option<PriceSatang>,
    pub qty_tco2e: QtyTco2e,
    pub tif: TimeInForce,
    /// A resting order stops trading at this instant (it is expired when
    /// `now_ms >= expires_at_ms`).
    pub expires_at_ms: Option<i64>,
}

impl NewOrder {
    /// A good-till-cancelled limit order.
    pub const fn limit(id: u64, account: u64, side: Side, price_satang: i64, qty_tco2e: u64) -> NewOrder {
        NewOrder {
            id: OrderId(id),
            account: AccountId(account),
            side,
            kind: OrderKind::Limit,
            price_satang: Some(PriceSatang(price_satang)),
            qty_tco2e: QtyTco2e(qty_tco2e),
            tif: TimeInForce::Gtc,
            expires_at_ms: None,
        }
    }

    /// A market order; its unfilled rest is dropped.
    pub const fn market(id: u64, account: u64, side: Side, qty_tco2e: u64) -> NewOrder {
        NewOrder {
            id: OrderId(id),
            account: AccountId(account),
            side,
            kind: OrderKind::Market,
            price_satang: None,
            qty_tco2e: QtyTco2e(qty_tco2e),
            tif: TimeInForce::Ioc,
            expires_at_ms: None,
        }
    }

    pub const fn with_tif(mut self, tif: TimeInForce) -> NewOrder {
        self.tif = tif;
        self
    }

    pub const fn expiring_at(mut self, expires_at_ms: i64) -> NewOrder {
        self.expires_at_ms = Some(expires_at_ms);
        self
    }
}

/// A resting order as the book reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Resting {
    pub id: OrderId,
    pub account: AccountId,
    pub side: Side,
    pub price_satang: PriceSatang,
    /// What is left to trade.
    pub qty_tco2e: QtyTco2e,
    pub expires_at_ms: Option<i64>,
    pub post_only: bool,
}

/// One price level of the book: the sum of its orders' remaining
/// quantities and how many orders rest there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct LevelView {
    pub price_satang: PriceSatang,
    pub qty_tco2e: QtyTco2e,
    pub orders: u32,
}
