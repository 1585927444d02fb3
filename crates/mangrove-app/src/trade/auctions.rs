//! Auctions: a seller's credits offered at a reserve until a closing time,
//! sealed bids with their cash held, and a single clearing price at the
//! close, settled like trades.

use super::*;

impl App {
    pub(super) fn open_auction(
        &mut self,
        context: &Context,
        instrument: InstrumentId,
        account: AccountId,
        (supply_tco2e, reserve_satang, closes_at_ms): (u64, u64, i64),
        dirty: &mut AppDirty,
    ) -> DomainResult<Vec<AppEvent>> {
        let listed = self.market.instrument(instrument).cloned().ok_or_else(|| {
            DomainError::not_found("instrument", format!("there is no instrument {}", instrument.get()))
        })?;
        // The operator runs primary sales for the seller; a seller may run its own.
        let seller = self.trader(&Actor::System, account)?;
        permissions::allow_open_auction(&context.actor, seller)?;
        if !(1..=ORDER_TCO2E_MAX).contains(&supply_tco2e) {
            return Err(invalid("supply_tco2e", format!("an auction sells 1 to {ORDER_TCO2E_MAX} tonnes")));
        }
        if !(1..=PRICE_SATANG_MAX).contains(&reserve_satang) {
            return Err(invalid("reserve_satang", format!("a reserve price is 1 to {PRICE_SATANG_MAX} satang")));
        }
        if closes_at_ms <= context.now_ms {
            return Err(invalid("closes_at_ms", "an auction closes in the future"));
        }
        if self.market.auctions().count() >= AUCTIONS_MAX {
            return Err(DomainError::conflict("the exchange holds as many auctions as it may"));
        }
        self.clearing_account()?;
        let hold = Command::PlaceHold {
            account,
            selection: Selection::Quantity { batch: listed.batch, quantity: supply_tco2e },
        };
        let system = Context { actor: Actor::System, ..*context };
        let events = self.registry.decide(&system, &hold)?;
        let Some(Event::HoldPlaced { hold }) = events.first() else { unreachable!("a hold places a hold") };
        let auction = Auction {
            id: self.market.next_auction_id(),
            instrument,
            seller_org: seller,
            seller_account: account,
            supply_tco2e,
            reserve_satang,
            opens_at_ms: context.now_ms,
            closes_at_ms,
            hold: hold.id,
            status: AuctionStatus::Open,
            price_satang: None,
            sold_tco2e: 0,
            bids: Vec::new(),
        };
        let mut out = Vec::new();
        for event in events {
            self.registry.apply(&event, &mut dirty.registry);
            out.push(AppEvent::Registry(event));
        }
        if self.cash_account(seller).is_none() {
            let open = mangrove_ledger::Command::OpenAccount {
                owner: Owner::Org(seller),
                asset: Asset::Thb,
                kind: CashKind::Ordinary,
            };
            self.run_ledger(context, &open, dirty, &mut out);
        }
        let event = MarketEvent::AuctionOpened { auction };
        self.market.apply(&event, &mut dirty.market);
        out.push(AppEvent::Market(event));
        Ok(out)
    }

    fn open_auction_of(&self, auction: AuctionId) -> DomainResult<&Auction> {
        let record = self
            .market
            .auction(auction)
            .ok_or_else(|| DomainError::not_found("auction", format!("there is no auction {}", auction.get())))?;
        if record.status != AuctionStatus::Open {
            return Err(DomainError::conflict(format!("auction {} has closed", auction.get())));
        }
        Ok(record)
    }

    pub(super) fn place_bid(
        &mut self,
        context: &Context,
        auction: AuctionId,
        account: AccountId,
        (price_satang, qty_tco2e): (u64, u64),
        dirty: &mut AppDirty,
    ) -> DomainResult<Vec<AppEvent>> {
        let org = self.trader(&context.actor, account)?;
        let record = self.open_auction_of(auction)?;
        if context.now_ms >= record.closes_at_ms {
            return Err(DomainError::conflict(format!("auction {} stopped taking bids", auction.get())));
        }
        permissions::allow_bid(org, record)?;
        if !(1..=record.supply_tco2e).contains(&qty_tco2e) {
            return Err(invalid("qty_tco2e", format!("a bid is 1 to {} tonnes, the supply", record.supply_tco2e)));
        }
        if !(record.reserve_satang..=PRICE_SATANG_MAX).contains(&price_satang) {
            return Err(invalid(
                "price_satang",
                format!("a bid is at least the reserve of {} satang a tonne", record.reserve_satang),
            ));
        }
        if record.bids.len() >= BIDS_PER_AUCTION_MAX {
            return Err(DomainError::conflict("the auction holds as many bids as it may"));
        }
        let cash = self.cash_account(org).ok_or_else(|| {
            DomainError::insufficient(
                "account",
                "you have no baht account yet: the operator records your first deposit",
            )
        })?;
        let number = record.bids.len() as u64 + 1;
        let hold = format!("bid-{}-{number}", auction.get());
        let pending = TransferSpec::Pending {
            id: transfer_id(hold.clone()),
            debit: cash,
            credit: self.clearing_account()?,
            amount: Amount::new(price_satang * qty_tco2e),
            timeout_ms: None,
        };
        let events =
            self.ledger.decide(context.now_ms, &mangrove_ledger::Command::Transfer(pending))?.events().to_vec();
        let mut out = Vec::new();
        for event in events {
            self.ledger.apply(&event, &mut dirty.ledger);
            out.push(AppEvent::Ledger(event));
        }
        let bid = Bid {
            number,
            org,
            account,
            price_satang,
            qty_tco2e,
            hold,
            placed_at_ms: context.now_ms,
            allocated_tco2e: 0,
        };
        let event = MarketEvent::BidPlaced { auction, bid };
        self.market.apply(&event, &mut dirty.market);
        out.push(AppEvent::Market(event));
        Ok(out)
    }

    pub(super) fn close_auction(
        &mut self,
        context: &Context,
        auction: AuctionId,
        dirty: &mut AppDirty,
    ) -> DomainResult<Vec<AppEvent>> {
        let record = self.open_auction_of(auction)?.clone();
        permissions::allow_close_auction(&context.actor, &record, context.now_ms)?;
        let bids: Vec<engine::auction::Bid> = record
            .bids
            .iter()
            .map(|bid| engine::auction::Bid {
                id: engine::OrderId(bid.number),
                account: engine::AccountId(bid.account.get()),
                price_satang: engine::PriceSatang(bid.price_satang as i64),
                qty_tco2e: engine::QtyTco2e(bid.qty_tco2e),
                seq: bid.number,
            })
            .collect();
        let clearing = engine::auction::clear(
            engine::QtyTco2e(record.supply_tco2e),
            engine::PriceSatang(record.reserve_satang as i64),
            &bids,
        )
        .map_err(|why| DomainError::conflict(why.to_string()))?;
        let price = clearing.price_satang.map(|p| p.0 as u64);
        let allocations: Vec<(u64, u64)> =
            clearing.allocations.iter().filter(|a| a.qty_tco2e.0 > 0).map(|a| (a.id.0, a.qty_tco2e.0)).collect();
        let mut out = Vec::new();
        let event = MarketEvent::AuctionClosed { auction, price_satang: price, allocations: allocations.clone() };
        self.market.apply(&event, &mut dirty.market);
        out.push(AppEvent::Market(event));
        for (number, tonnes) in allocations {
            let bid = &record.bids[number as usize - 1];
            let deal = Deal {
                instrument: record.instrument,
                buyer: Party { org: bid.org, account: bid.account, order: None },
                seller: Party { org: record.seller_org, account: record.seller_account, order: None },
                buyer_hold: bid.hold.clone(),
                buyer_cap_satang: Some(bid.price_satang),
                seller_hold: record.hold,
                price_satang: price.expect("allocations come with a price"),
                qty_tco2e: tonnes,
                maker_side: None,
                auction: Some(auction),
            };
            self.settle(context, deal, dirty, &mut out);
        }
        for bid in &record.bids {
            self.void_cash(context, &bid.hold, dirty, &mut out);
        }
        if self.registry.hold(record.hold).is_some() {
            self.run_registry(context, &Command::ReleaseHold { hold: record.hold }, dirty, &mut out);
        }
        Ok(out)
    }
}
