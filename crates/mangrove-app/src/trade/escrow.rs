//! Escrow and settlement: every fill settles delivery versus payment from
//! the two orders' escrow (credits held in the registry, cash held in the
//! ledger), an order leaving the book gives back what is left of its
//! escrow, and `check_escrow` holds escrow equal to what rests.

use super::*;

impl App {
    /// Settles the engine's fills and releases the escrow of every order it
    /// took out of the book.
    pub(super) fn settle_reported(
        &mut self,
        context: &Context,
        reported: &[engine::Event],
        dirty: &mut AppDirty,
        out: &mut Vec<AppEvent>,
    ) {
        let mut touched = std::collections::BTreeSet::new();
        for event in reported {
            match *event {
                engine::Event::Fill(fill) => {
                    let (maker, taker) = (OrderId(fill.maker.0), OrderId(fill.taker.0));
                    let (buy, sell) = if fill.taker_side == Side::Buy { (taker, maker) } else { (maker, taker) };
                    let deal = self.deal(buy, sell, fill.price_satang.0 as u64, fill.qty_tco2e.0, fill.taker_side);
                    self.settle(context, deal, dirty, out);
                    touched.extend([maker, taker]);
                }
                engine::Event::Dropped { id, .. } | engine::Event::Cancelled { id, .. } => {
                    touched.insert(OrderId(id.0));
                }
                engine::Event::Rested { .. } | engine::Event::Reduced { .. } => {}
            }
        }
        for id in touched {
            self.release_if_done(context, id, dirty, out);
        }
    }

    pub(super) fn deal(
        &self,
        buy: OrderId,
        sell: OrderId,
        price_satang: u64,
        qty_tco2e: u64,
        taker_side: Side,
    ) -> Deal {
        let buyer = self.market.order(buy).expect("fills name known orders");
        let seller = self.market.order(sell).expect("fills name known orders");
        let Escrow::Cash { hold: buyer_hold, price_cap_satang, .. } = &buyer.escrow else {
            unreachable!("a buy is escrowed in cash")
        };
        let Escrow::Credits { hold: seller_hold } = seller.escrow else {
            unreachable!("a sell is escrowed in credits")
        };
        Deal {
            instrument: buyer.instrument,
            buyer: Party { org: buyer.org, account: buyer.account, order: Some(buy) },
            seller: Party { org: seller.org, account: seller.account, order: Some(sell) },
            buyer_hold: buyer_hold.clone(),
            buyer_cap_satang: *price_cap_satang,
            seller_hold,
            price_satang,
            qty_tco2e,
            maker_side: Some(taker_side.opposite()),
            auction: None,
        }
    }

    /// Delivery versus payment: the credits and the cash of one trade, in
    /// one event of the command that made it.
    pub(super) fn settle(&mut self, context: &Context, deal: Deal, dirty: &mut AppDirty, out: &mut Vec<AppEvent>) {
        let id = self.market.next_trade_id();
        let value = deal.price_satang * deal.qty_tco2e;
        let fee = self.ledger.fee_on(Asset::Thb, Amount::new(value)).get();
        let (delivery, ranges) = self.delivery(context, deal.seller_hold, deal.buyer.account, deal.qty_tco2e);
        let payments = self.payments(context, &deal, id, value, fee);
        let trade = Trade {
            id,
            instrument: deal.instrument,
            price_satang: deal.price_satang,
            qty_tco2e: deal.qty_tco2e,
            buyer: deal.buyer,
            seller: deal.seller,
            maker_side: deal.maker_side,
            fee_satang: fee,
            auction: deal.auction,
            at_ms: context.now_ms,
            ranges,
        };
        let event = MarketEvent::Traded { trade, settlement: Some(Box::new(Settlement { delivery, payments })) };
        self.apply_market(&event, dirty);
        out.push(AppEvent::Market(event));
    }

    /// A trade's payments, decided but not applied: the buyer's held cash
    /// posted to clearing (at the price it was held at), the seller paid
    /// less the fee, the fee, and the change back when the buyer paid less
    /// than it held.
    fn payments(
        &self,
        context: &Context,
        deal: &Deal,
        id: TradeId,
        value: u64,
        fee: u64,
    ) -> Vec<mangrove_ledger::Event> {
        let clearing = self.clearing_account().expect("checked when the order was placed");
        let seller_cash = self.cash_account(deal.seller.org).expect("opened when the sell was placed");
        let buyer_cash = self.cash_account(deal.buyer.org).expect("a buy is paid from its cash account");
        let posted = deal.qty_tco2e * deal.buyer_cap_satang.unwrap_or(deal.price_satang);
        let name = |part: &str| transfer_id(format!("trade-{}{part}", id.get()));
        let mut transfers = vec![
            TransferSpec::PostPending {
                id: name(""),
                pending: transfer_id(deal.buyer_hold.clone()),
                amount: Amount::new(posted),
            },
            TransferSpec::Posted {
                id: name("-seller"),
                debit: clearing,
                credit: seller_cash,
                amount: Amount::new(value - fee),
            },
        ];
        if fee > 0 {
            let fees = self.ledger.operator_account(CashKind::Fee, Asset::Thb).expect("a fee needs the fee account");
            transfers.push(TransferSpec::Posted {
                id: name("-fee"),
                debit: clearing,
                credit: fees,
                amount: Amount::new(fee),
            });
        }
        if posted > value {
            let back = Amount::new(posted - value);
            transfers.push(TransferSpec::Posted {
                id: name("-back"),
                debit: clearing,
                credit: buyer_cash,
                amount: back,
            });
        }
        let command = mangrove_ledger::Command::Batch { transfers };
        match self.ledger.decide(context.now_ms, &command) {
            Ok(decision) => decision.events().to_vec(),
            Err(why) => panic!("settlement is covered by escrow, yet the ledger refused {command:?}: {why}"),
        }
    }

    /// The serial numbers of the units a trade delivered to its buyer, as
    /// the explorer prints them (none for a trade journaled before trades
    /// named their units).
    pub fn trade_serials(&self, trade: &Trade) -> Vec<String> {
        let Some(instrument) = self.market.instrument(trade.instrument) else { return Vec::new() };
        let serial =
            |range: &UnitRange| self.registry.serial(instrument.batch, *range).map(|serial| serial.to_string());
        trade.ranges.iter().filter_map(serial).collect()
    }

    /// A trade's delivery of credits, decided but not applied, and the
    /// units it moves: decided first so that the trade names them.
    pub(super) fn delivery(
        &self,
        context: &Context,
        hold: HoldId,
        to: AccountId,
        qty_tco2e: u64,
    ) -> (Event, Vec<UnitRange>) {
        let command = Command::SettleHold { hold, to, quantity: Some(qty_tco2e) };
        let system = Context { actor: Actor::System, ..*context };
        let events = self.registry.decide(&system, &command).unwrap_or_else(|why| {
            panic!("settlement is covered by escrow, yet the registry refused {command:?}: {why}")
        });
        let ranges = match events.as_slice() {
            [Event::HoldPartlySettled { ranges, .. }] => ranges.clone(),
            [Event::HoldSettled { hold, .. }] => {
                self.registry.hold(*hold).expect("a settled hold is live").ranges.clone()
            }
            other => unreachable!("a delivery is one settlement, not {other:?}"),
        };
        let delivery = events.into_iter().next().expect("matched one event");
        (delivery, ranges)
    }

    /// An order out of the book gives back what its escrow still holds.
    pub(super) fn release_if_done(
        &mut self,
        context: &Context,
        id: OrderId,
        dirty: &mut AppDirty,
        out: &mut Vec<AppEvent>,
    ) {
        let order = self.market.order(id).expect("released orders are known").clone();
        if order.status == OrderStatus::Open {
            return;
        }
        match order.escrow {
            Escrow::Credits { hold } => {
                if self.registry.hold(hold).is_some() {
                    self.run_registry(context, &Command::ReleaseHold { hold }, dirty, out);
                }
            }
            Escrow::Cash { hold, .. } => self.void_cash(context, &hold, dirty, out),
        }
    }

    pub(super) fn void_cash(&mut self, context: &Context, hold: &str, dirty: &mut AppDirty, out: &mut Vec<AppEvent>) {
        let pending = transfer_id(hold.to_string());
        let open = self.ledger.hold(&pending).is_some_and(|h| h.is_open() && h.remaining().get() > 0);
        if open {
            let void = TransferSpec::VoidPending { id: transfer_id(format!("{hold}-void")), pending };
            self.run_ledger(context, &mangrove_ledger::Command::Transfer(void), dirty, out);
        }
    }

    pub(super) fn run_registry(
        &mut self,
        context: &Context,
        command: &Command,
        dirty: &mut AppDirty,
        out: &mut Vec<AppEvent>,
    ) {
        let system = Context { actor: Actor::System, ..*context };
        let events = self.registry.execute(&system, command, &mut dirty.registry).unwrap_or_else(|why| {
            panic!("settlement is covered by escrow, yet the registry refused {command:?}: {why}")
        });
        out.extend(events.into_iter().map(AppEvent::Registry));
    }

    pub(super) fn run_ledger(
        &mut self,
        context: &Context,
        command: &mangrove_ledger::Command,
        dirty: &mut AppDirty,
        out: &mut Vec<AppEvent>,
    ) {
        let decision = self
            .ledger
            .execute(context.now_ms, command, &mut dirty.ledger)
            .unwrap_or_else(|why| panic!("settlement is covered by escrow, yet the ledger refused {command:?}: {why}"));
        out.extend(decision.events().iter().cloned().map(AppEvent::Ledger));
    }
}

impl App {
    /// Escrow equals what rests: every open order's credits or cash are held
    /// for exactly its untraded tonnes, every open auction holds its supply
    /// and its bids' cash, and nothing is held for an order that is done.
    pub(crate) fn check_escrow(&self) -> Result<(), String> {
        for order in self.market.orders() {
            let open = order.status == OrderStatus::Open;
            match &order.escrow {
                Escrow::Credits { hold } => {
                    let held = self.registry.hold(*hold).map(|h| h.quantity_tco2e.get());
                    let expected = open.then(|| order.remaining_tco2e());
                    if held != expected {
                        return Err(format!("{} holds {held:?} t in the registry, expected {expected:?}", order.id));
                    }
                }
                Escrow::Cash { hold, price_cap_satang, .. } => {
                    let held = self.cash_held(hold);
                    let cap_satang = price_cap_satang.unwrap_or(0);
                    let expected = if open { buy_escrow_satang(cap_satang, order.remaining_tco2e()) } else { 0 };
                    if held != expected {
                        return Err(format!("{} holds {held} satang, expected {expected}", order.id));
                    }
                }
            }
        }
        for auction in self.market.auctions() {
            let open = auction.status == AuctionStatus::Open;
            let held = self.registry.hold(auction.hold).map(|h| h.quantity_tco2e.get());
            if held != open.then_some(auction.supply_tco2e) {
                return Err(format!("{} holds {held:?} t, expected the supply while open", auction.id));
            }
            for bid in &auction.bids {
                let expected = if open { bid.price_satang * bid.qty_tco2e } else { 0 };
                if self.cash_held(&bid.hold) != expected {
                    return Err(format!("{} bid {} holds the wrong amount", auction.id, bid.number));
                }
            }
        }
        Ok(())
    }

    fn cash_held(&self, hold: &str) -> u64 {
        let id = transfer_id(hold.to_string());
        self.ledger.hold(&id).filter(|h| h.is_open()).map_or(0, |h| h.remaining().get())
    }
}
