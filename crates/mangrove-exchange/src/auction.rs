//! The call auction of a primary sale: a seller offers `supply_tco2e` at a
//! reserve price and buyers send sealed bids. The auction clears at one
//! uniform price for everyone.
//!
//! The rule: the clearing price is the one that sells the most tonnes;
//! among prices that sell equally many, the highest. Volume at a price is
//! the smaller of the supply and the bids at or above it, so it only falls
//! as the price rises, and the highest price keeping the maximum volume is
//! always some bid's price. Taking the highest is the seller's best revenue
//! for the same tonnes, and every bid filled at it named that price or more,
//! so no buyer pays more than it offered. Only bids at or above the clearing
//! price are filled: by price (highest first), then by arrival (`seq`, then
//! id), the last one filled in part. Bids below the reserve never count; no
//! bid at or above it means no sale.

use crate::types::{AccountId, OrderId, PriceSatang, QtyTco2e};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The most bids one auction takes.
pub const AUCTION_BIDS_MAX: usize = 1_000_000;
/// The most tonnes one bid or one supply may name, far above any real sale,
/// so that sums stay far from overflow.
pub const AUCTION_QTY_MAX: u64 = 1_000_000_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Bid {
    pub id: OrderId,
    pub account: AccountId,
    pub price_satang: PriceSatang,
    pub qty_tco2e: QtyTco2e,
    /// Arrival order: earlier bids win ties at the marginal price.
    pub seq: u64,
}

/// What one bid receives (zero when it is not filled).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Allocation {
    pub id: OrderId,
    pub account: AccountId,
    pub qty_tco2e: QtyTco2e,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clearing {
    /// None when nothing sells.
    pub price_satang: Option<PriceSatang>,
    pub volume_tco2e: QtyTco2e,
    /// One per bid, in the order the bids were given.
    pub allocations: Vec<Allocation>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum AuctionErrorKind {
    SupplyZero,
    ReserveNotPositive,
    QuantityTooLarge,
    TooManyBids,
    BidQuantityZero,
    BidPriceNotPositive,
    DuplicateBidId,
}

impl AuctionErrorKind {
    pub const fn message(self) -> &'static str {
        match self {
            AuctionErrorKind::SupplyZero => "the supply must be positive",
            AuctionErrorKind::ReserveNotPositive => "the reserve price must be positive",
            AuctionErrorKind::QuantityTooLarge => "a quantity is above the auction's limit",
            AuctionErrorKind::TooManyBids => "too many bids",
            AuctionErrorKind::BidQuantityZero => "a bid's quantity must be positive",
            AuctionErrorKind::BidPriceNotPositive => "a bid's price must be positive",
            AuctionErrorKind::DuplicateBidId => "two bids have the same id",
        }
    }
}

/// Why an auction could not be run; `bid` names the offending bid, if one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, thiserror::Error)]
pub struct AuctionError {
    pub kind: AuctionErrorKind,
    pub bid: Option<OrderId>,
}

impl fmt::Display for AuctionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.bid {
            Some(id) => write!(f, "bid {id}: {}", self.kind.message()),
            None => f.write_str(self.kind.message()),
        }
    }
}

/// Clears the auction. Pure: the same bids in the same order give the same
/// result.
pub fn clear(supply_tco2e: QtyTco2e, reserve_satang: PriceSatang, bids: &[Bid]) -> Result<Clearing, AuctionError> {
    check(supply_tco2e, reserve_satang, bids)?;
    let mut ranked: Vec<usize> = (0..bids.len()).filter(|&i| bids[i].price_satang >= reserve_satang).collect();
    ranked.sort_by_key(|&i| (std::cmp::Reverse(bids[i].price_satang), bids[i].seq, bids[i].id));
    let mut allocations: Vec<Allocation> =
        bids.iter().map(|bid| Allocation { id: bid.id, account: bid.account, qty_tco2e: QtyTco2e(0) }).collect();
    let Some(price) = clearing_price(supply_tco2e.0, bids, &ranked) else {
        return Ok(Clearing { price_satang: None, volume_tco2e: QtyTco2e(0), allocations });
    };
    let mut left = supply_tco2e.0;
    for &i in ranked.iter().take_while(|&&i| bids[i].price_satang >= price) {
        let qty = bids[i].qty_tco2e.0.min(left);
        allocations[i].qty_tco2e = QtyTco2e(qty);
        left -= qty;
    }
    Ok(Clearing { price_satang: Some(price), volume_tco2e: QtyTco2e(supply_tco2e.0 - left), allocations })
}

/// The highest price at which the volume is the largest: walking the
/// ranked bids down by price, the first price whose bids at or above it
/// cover the supply; if none does, every eligible bid fills and the price
/// is the lowest of them.
fn clearing_price(supply_tco2e: u64, bids: &[Bid], ranked: &[usize]) -> Option<PriceSatang> {
    let mut demand = 0u64;
    for (position, &i) in ranked.iter().enumerate() {
        demand += bids[i].qty_tco2e.0;
        let price = bids[i].price_satang;
        let level_ends = ranked.get(position + 1).is_none_or(|&next| bids[next].price_satang != price);
        if level_ends && demand >= supply_tco2e {
            return Some(price);
        }
    }
    ranked.last().map(|&i| bids[i].price_satang)
}

fn check(supply_tco2e: QtyTco2e, reserve_satang: PriceSatang, bids: &[Bid]) -> Result<(), AuctionError> {
    let fail = |kind, bid: Option<&Bid>| Err(AuctionError { kind, bid: bid.map(|bid| bid.id) });
    if supply_tco2e.0 == 0 {
        return fail(AuctionErrorKind::SupplyZero, None);
    }
    if supply_tco2e.0 > AUCTION_QTY_MAX {
        return fail(AuctionErrorKind::QuantityTooLarge, None);
    }
    if reserve_satang.0 <= 0 {
        return fail(AuctionErrorKind::ReserveNotPositive, None);
    }
    if bids.len() > AUCTION_BIDS_MAX {
        return fail(AuctionErrorKind::TooManyBids, None);
    }
    let mut ids = std::collections::HashSet::with_capacity(bids.len());
    for bid in bids {
        if bid.qty_tco2e.0 == 0 {
            return fail(AuctionErrorKind::BidQuantityZero, Some(bid));
        }
        if bid.qty_tco2e.0 > AUCTION_QTY_MAX {
            return fail(AuctionErrorKind::QuantityTooLarge, Some(bid));
        }
        if bid.price_satang.0 <= 0 {
            return fail(AuctionErrorKind::BidPriceNotPositive, Some(bid));
        }
        if !ids.insert(bid.id) {
            return fail(AuctionErrorKind::DuplicateBidId, Some(bid));
        }
    }
    Ok(())
}
