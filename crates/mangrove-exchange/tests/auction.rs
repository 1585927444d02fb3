//! The call auction's rule checked on random bids against its definition:
//! the volume is the largest any candidate price sells, the price the
//! highest that sells it, the allocations add up to the volume, and no bid
//! is passed over for a worse one.

use mangrove_exchange::auction::{clear, Bid};
use mangrove_exchange::{AccountId, OrderId, PriceSatang, QtyTco2e};
use proptest::prelude::*;

fn bids() -> impl Strategy<Value = Vec<Bid>> {
    proptest::collection::vec((1i64..20, 1u64..30, 0u64..10), 0..30).prop_map(|list| {
        list.into_iter()
            .enumerate()
            .map(|(i, (price, qty, seq))| Bid {
                id: OrderId(i as u64),
                account: AccountId(i as u64 % 4),
                price_satang: PriceSatang(price * 100),
                qty_tco2e: QtyTco2e(qty),
                seq,
            })
            .collect()
    })
}

/// Tonnes sold at `price`: the supply, or all the bids at or above it.
fn volume_at(supply: u64, bids: &[Bid], price: PriceSatang) -> u64 {
    supply.min(bids.iter().filter(|b| b.price_satang >= price).map(|b| b.qty_tco2e.0).sum())
}

proptest! {
    #[test]
    fn the_auction_sells_the_most_at_the_highest_such_price(
        supply in 1u64..150,
        reserve in (1i64..20).prop_map(|ticks| ticks * 100),
        bids in bids(),
    ) {
        let clearing = clear(QtyTco2e(supply), PriceSatang(reserve), &bids).unwrap();
        let candidates: Vec<PriceSatang> =
            bids.iter().map(|b| b.price_satang).filter(|p| p.0 >= reserve).collect();
        let best = candidates.iter().map(|&p| volume_at(supply, &bids, p)).max().unwrap_or(0);
        prop_assert_eq!(clearing.volume_tco2e.0, best);
        let allocated: u64 = clearing.allocations.iter().map(|a| a.qty_tco2e.0).sum();
        prop_assert_eq!(allocated, best);
        let Some(price) = clearing.price_satang else {
            prop_assert_eq!(best, 0);
            return Ok(());
        };
        prop_assert!(price.0 >= reserve);
        prop_assert_eq!(volume_at(supply, &bids, price), best);
        let higher_sells_less = candidates.iter().all(|&p| p <= price || volume_at(supply, &bids, p) < best);
        prop_assert!(higher_sells_less, "the highest price that sells the most");
        for (bid, allocation) in bids.iter().zip(&clearing.allocations) {
            prop_assert_eq!(allocation.id, bid.id);
            prop_assert!(allocation.qty_tco2e <= bid.qty_tco2e);
            if bid.price_satang < price {
                prop_assert_eq!(allocation.qty_tco2e.0, 0, "a bid below the price is not filled");
            }
        }
        // No bid is passed over for a worse one: a better price, or the same
        // price and earlier arrival, is filled whole before the other gets anything.
        for (a, alloc_a) in bids.iter().zip(&clearing.allocations) {
            for (b, alloc_b) in bids.iter().zip(&clearing.allocations) {
                let rank = |bid: &Bid| (std::cmp::Reverse(bid.price_satang), bid.seq, bid.id);
                let a_first = rank(a) < rank(b);
                if a_first && alloc_b.qty_tco2e.0 > 0 {
                    prop_assert_eq!(alloc_a.qty_tco2e, a.qty_tco2e, "{:?} was passed over for {:?}", a, b);
                }
            }
        }
    }
}
