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

#[cfg(test)]
mod tests {
    use super::*;

    /// Bids as (id, price, qty, seq); the account is the id.
    fn bids(list: &[(u64, i64, u64, u64)]) -> Vec<Bid> {
        list.iter()
            .map(|&(id, price, qty, seq)| Bid {
                id: OrderId(id),
                account: AccountId(id),
                price_satang: PriceSatang(price),
                qty_tco2e: QtyTco2e(qty),
                seq,
            })
            .collect()
    }

    fn run(supply: u64, reserve: i64, list: &[(u64, i64, u64, u64)]) -> (Option<i64>, u64, Vec<u64>) {
        let clearing = clear(QtyTco2e(supply), PriceSatang(reserve), &bids(list)).unwrap();
        let allocated: Vec<u64> = clearing.allocations.iter().map(|a| a.qty_tco2e.0).collect();
        assert_eq!(allocated.iter().sum::<u64>(), clearing.volume_tco2e.0);
        (clearing.price_satang.map(|p| p.0), clearing.volume_tco2e.0, allocated)
    }

    #[test]
    fn oversubscribed_clears_where_demand_first_covers_supply() {
        // Supply 100 at reserve 200. Demand at or above each price:
        // 300 → 40; 250 → 40 + 50 + 30 = 120 ≥ 100, so 250 sells all 100 and is the highest that does.
        // Fills by price then arrival: 1 gets 40, 2 gets 50, 3 gets 100 − 90 = 10; 4 (220) and 5 (below reserve) none.
        let list = [(1, 300, 40, 1), (2, 250, 50, 2), (3, 250, 30, 3), (4, 220, 60, 4), (5, 150, 100, 5)];
        assert_eq!(run(100, 200, &list), (Some(250), 100, vec![40, 50, 10, 0, 0]));
    }

    #[test]
    fn undersubscribed_sells_everything_at_the_lowest_eligible_bid() {
        // Supply 100 at reserve 200. Bids at or above it: 30 at 300 and 20 at 210, so at most 50 sell.
        // 50 sell at any price up to 210 and only 30 above it: the price is 210. The bid at 190 is below the reserve.
        assert_eq!(
            run(100, 200, &[(1, 300, 30, 1), (2, 210, 20, 2), (3, 190, 50, 3)]),
            (Some(210), 50, vec![30, 20, 0])
        );
    }

    #[test]
    fn among_prices_selling_as_much_the_highest_wins() {
        // Supply 50. At 400: 20; at 300: 20 + 30 = 50 = supply; at 200: 60, still capped at 50.
        // 300 and 200 both sell 50: the seller gets 300, and both filled bids offered at least that.
        assert_eq!(
            run(50, 100, &[(1, 400, 20, 1), (2, 300, 30, 2), (3, 200, 10, 3)]),
            (Some(300), 50, vec![20, 30, 0])
        );
    }

    #[test]
    fn the_marginal_level_fills_in_arrival_order() {
        // Supply 10, three bids of 6 at 500 arriving 2nd (id 1), 1st (id 2) and 3rd (id 3).
        // Demand 18 ≥ 10 at 500. Arrival order: id 2 gets 6, id 1 gets 10 − 6 = 4, id 3 nothing.
        assert_eq!(run(10, 100, &[(1, 500, 6, 5), (2, 500, 6, 2), (3, 500, 6, 9)]), (Some(500), 10, vec![4, 6, 0]));
    }

    #[test]
    fn equal_arrival_falls_back_to_the_id() {
        // Supply 4, two bids of 3 at 500 with the same seq: id 1 before id 2 → 3 and 1.
        assert_eq!(run(4, 100, &[(2, 500, 3, 7), (1, 500, 3, 7)]), (Some(500), 4, vec![1, 3]));
    }

    #[test]
    fn the_reserve_is_inclusive_and_below_it_nothing_sells() {
        // A bid exactly at the reserve is eligible: 3 sell at 500.
        assert_eq!(run(10, 500, &[(1, 500, 3, 1)]), (Some(500), 3, vec![3]));
        // No bid at or above 500: no sale, no price.
        assert_eq!(run(10, 500, &[(1, 400, 10, 1), (2, 499, 10, 2)]), (None, 0, vec![0, 0]));
        assert_eq!(run(10, 500, &[]), (None, 0, vec![]));
    }

    #[test]
    fn bad_auctions_are_refused_naming_the_bid() {
        let good = bids(&[(1, 500, 3, 1)]);
        // (supply, reserve, bids, the error, the bid it names)
        type Case = (u64, i64, Vec<Bid>, AuctionErrorKind, Option<u64>);
        let cases: [Case; 6] = [
            (0, 100, good.clone(), AuctionErrorKind::SupplyZero, None),
            (AUCTION_QTY_MAX + 1, 100, good.clone(), AuctionErrorKind::QuantityTooLarge, None),
            (10, 0, good.clone(), AuctionErrorKind::ReserveNotPositive, None),
            (10, 100, bids(&[(1, 500, 0, 1)]), AuctionErrorKind::BidQuantityZero, Some(1)),
            (10, 100, bids(&[(1, 500, 1, 1), (2, -5, 1, 2)]), AuctionErrorKind::BidPriceNotPositive, Some(2)),
            (10, 100, bids(&[(1, 500, 1, 1), (1, 400, 1, 2)]), AuctionErrorKind::DuplicateBidId, Some(1)),
        ];
        for (supply, reserve, bids, kind, bid) in cases {
            let error = clear(QtyTco2e(supply), PriceSatang(reserve), &bids).unwrap_err();
            assert_eq!((error.kind, error.bid), (kind, bid.map(OrderId)));
            assert!(!error.to_string().is_empty());
        }
    }
}
