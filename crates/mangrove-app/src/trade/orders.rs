//! Orders: what an order may ask, placing it (its escrow decided first,
//! then the engine), cancelling, expiring and replacing it with its escrow
//! re-sized in the same step.

use super::*;

fn check_qty(qty_tco2e: u64) -> DomainResult<()> {
    if !(1..=ORDER_TCO2E_MAX).contains(&qty_tco2e) {
        return Err(invalid("qty_tco2e", format!("an order is 1 to {ORDER_TCO2E_MAX} whole tonnes")));
    }
    Ok(())
}

fn check_limit(instrument: &Instrument, price_satang: u64) -> DomainResult<()> {
    if !(1..=PRICE_SATANG_MAX).contains(&price_satang) {
        return Err(invalid("price_satang", format!("a price is 1 to {PRICE_SATANG_MAX} satang a tonne")));
    }
    if !price_satang.is_multiple_of(instrument.tick_satang) {
        return Err(invalid(
            "price_satang",
            format!("{} trades in steps of {} satang", instrument.code, instrument.tick_satang),
        ));
    }
    Ok(())
}

impl App {
    fn check_request(&self, context: &Context, request: &OrderRequest) -> DomainResult<Instrument> {
        let instrument = self.market.instrument(request.instrument).cloned().ok_or_else(|| {
            DomainError::not_found("instrument", format!("there is no instrument {}", request.instrument.get()))
        })?;
        check_qty(request.qty_tco2e)?;
        match (request.kind, request.price_satang) {
            (OrderKind::Limit, None) => return Err(invalid("price_satang", "a limit order needs a price")),
            (OrderKind::Market, Some(_)) => return Err(invalid("price_satang", "a market order takes no price")),
            (OrderKind::Limit, Some(price)) => check_limit(&instrument, price)?,
            (OrderKind::Market, None) => {}
        }
        if request.expires_at_ms.is_some_and(|at| at <= context.now_ms) {
            return Err(invalid("expires_at_ms", "the order would expire before it arrives"));
        }
        Ok(instrument)
    }

    /// What a market buy would pay now for its tonnes, walking the asks as
    /// the engine will (skipping the buyer's own and expired orders).
    fn market_buy_cost(&self, instrument: InstrumentId, account: AccountId, qty: u64, now_ms: i64) -> u64 {
        let book = self.market.book(instrument).expect("listed instruments have a book");
        let mut left = qty;
        let mut cost = 0;
        for resting in book.orders().filter(|r| r.side == Side::Sell) {
            if left == 0 {
                break;
            }
            if resting.account.0 == account.get() || resting.expires_at_ms.is_some_and(|at| now_ms >= at) {
                continue;
            }
            let taken = left.min(resting.qty_tco2e.0);
            cost += taken * resting.price_satang.0 as u64;
            left -= taken;
        }
        cost
    }

    pub(super) fn place_order(
        &mut self,
        context: &Context,
        request: &OrderRequest,
        dirty: &mut AppDirty,
    ) -> DomainResult<Vec<AppEvent>> {
        let instrument = self.check_request(context, request)?;
        let org = self.trader(&context.actor, request.account)?;
        let clearing = self.clearing_account()?;
        let id = self.market.next_order_id();
        let now = context.now_ms;
        // Decided, not applied: a refusal below must leave everything as it was.
        let (escrow, registry_events, ledger_events) = match request.side {
            Side::Sell => {
                let hold = Command::PlaceHold {
                    account: request.account,
                    selection: Selection::Quantity { batch: instrument.batch, quantity: request.qty_tco2e },
                };
                let events = self.registry.decide(context, &hold)?;
                let Some(Event::HoldPlaced { hold }) = events.first() else { unreachable!("a hold places a hold") };
                let opened = match self.cash_account(org) {
                    Some(_) => Vec::new(),
                    None => {
                        let open = mangrove_ledger::Command::OpenAccount {
                            owner: Owner::Org(org),
                            asset: Asset::Thb,
                            kind: CashKind::Ordinary,
                        };
                        self.ledger.decide(now, &open)?.events().to_vec()
                    }
                };
                (Escrow::Credits { hold: hold.id }, events, opened)
            }
            Side::Buy => {
                let cash = self.cash_account(org).ok_or_else(|| {
                    DomainError::insufficient(
                        "account",
                        "you have no baht account yet: the operator records your first deposit",
                    )
                })?;
                let amount = match request.price_satang {
                    Some(price) => buy_escrow_satang(price, request.qty_tco2e),
                    None => self.market_buy_cost(instrument.id, request.account, request.qty_tco2e, now),
                };
                if amount == 0 {
                    return Err(DomainError::conflict("no one is selling now: place a limit order instead"));
                }
                let hold = format!("order-{}", id.get());
                let pending = TransferSpec::Pending {
                    id: transfer_id(hold.clone()),
                    debit: cash,
                    credit: clearing,
                    amount: Amount::new(amount),
                    timeout_ms: None,
                };
                let events = self.ledger.decide(now, &mangrove_ledger::Command::Transfer(pending))?.events().to_vec();
                let escrow = Escrow::Cash { hold, amount_satang: amount, price_cap_satang: request.price_satang };
                (escrow, Vec::new(), events)
            }
        };
        let mut out = Vec::new();
        let order = Order {
            id,
            instrument: instrument.id,
            org,
            account: request.account,
            side: request.side,
            kind: request.kind,
            price_satang: request.price_satang,
            qty_tco2e: request.qty_tco2e,
            tif: request.tif,
            expires_at_ms: request.expires_at_ms,
            placed_at_ms: now,
            escrow,
            filled_tco2e: 0,
            status: OrderStatus::Open,
            replaced: 0,
        };
        // The engine refuses before it changes anything: still nothing has changed.
        let reported = self.market.place(&order, &mut dirty.market).map_err(refused)?;
        self.apply_legs(&registry_events, &ledger_events, dirty);
        let held = EscrowHeld { credits: registry_events, cash: ledger_events };
        out.push(AppEvent::Market(MarketEvent::OrderPlaced { order, held: Some(Box::new(held)) }));
        self.settle_reported(context, &reported, dirty, &mut out);
        Ok(out)
    }
}

impl App {
    /// Takes a book's expired orders out and gives their escrow back. Expired
    /// orders never trade (the engine skips them); this frees what they held.
    pub(super) fn expire_orders(
        &mut self,
        context: &Context,
        instrument: InstrumentId,
        dirty: &mut AppDirty,
    ) -> DomainResult<Vec<AppEvent>> {
        permissions::require_operator(&context.actor)?;
        if self.market.instrument(instrument).is_none() {
            return Err(DomainError::not_found("instrument", format!("there is no instrument {}", instrument.get())));
        }
        let reported = self.market.expire(instrument, context.now_ms, &mut dirty.market);
        let mut out = Vec::new();
        if !reported.is_empty() {
            out.push(AppEvent::Market(MarketEvent::OrdersExpired { instrument, at_ms: context.now_ms }));
            self.settle_reported(context, &reported, dirty, &mut out);
        }
        Ok(out)
    }

    pub(super) fn cancel_order(
        &mut self,
        context: &Context,
        id: OrderId,
        dirty: &mut AppDirty,
    ) -> DomainResult<Vec<AppEvent>> {
        let order = self
            .market
            .order(id)
            .ok_or_else(|| DomainError::not_found("order", format!("there is no order {}", id.get())))?;
        permissions::allow_cancel(&context.actor, order)?;
        if order.status != OrderStatus::Open {
            return Err(DomainError::conflict(format!("order {} is no longer in the book", id.get())));
        }
        let mut out = Vec::new();
        self.market.cancel(id, &mut dirty.market).map_err(refused)?;
        out.push(AppEvent::Market(MarketEvent::OrderCancelled { order: id, at_ms: context.now_ms }));
        self.release_if_done(context, id, dirty, &mut out);
        Ok(out)
    }
}

/// How a replace changes an order's escrow, decided before anything changes.
enum Rehold {
    /// The escrow stays as it is: a sell whose quantity does not change.
    Keep,
    /// A sell's credits: the hold released and `qty_tco2e` held again.
    Credits { old: HoldId, batch: mangrove_core::BatchId, qty_tco2e: u64 },
    /// A buy's cash: the old hold voided and the new one made by `events`.
    Cash { escrow: Escrow, events: Vec<mangrove_ledger::Event> },
}

impl App {
    /// Cancel/replace in one step: a resting order gets a new limit and the
    /// quantity it is to have left, with its escrow re-sized to match in the
    /// same command. Everything that could refuse is asked first — the
    /// order's owner and state, the limits, the book, then the registry or
    /// the ledger for the new escrow — so a refusal changes nothing.
    pub(super) fn replace_order(
        &mut self,
        context: &Context,
        id: OrderId,
        (price_satang, qty_tco2e): (Option<u64>, u64),
        dirty: &mut AppDirty,
    ) -> DomainResult<Vec<AppEvent>> {
        let order = self
            .market
            .order(id)
            .cloned()
            .ok_or_else(|| DomainError::not_found("order", format!("there is no order {}", id.get())))?;
        permissions::allow_replace(&context.actor, &order)?;
        if order.status != OrderStatus::Open {
            return Err(DomainError::conflict(format!("order {} is no longer in the book", id.get())));
        }
        let instrument = self.market.instrument(order.instrument).cloned().expect("orders name listed instruments");
        let price = price_satang.or(order.price_satang).expect("a resting order has a limit");
        check_qty(qty_tco2e)?;
        check_limit(&instrument, price)?;
        if Some(price) == order.price_satang && qty_tco2e == order.remaining_tco2e() {
            return Err(invalid(
                "qty_tco2e",
                format!("order {} already rests at {price} satang with {qty_tco2e} t left", id.get()),
            ));
        }
        let book = self.market.book(order.instrument).expect("listed instruments have a book");
        let (engine_price, engine_qty) = (engine::PriceSatang(price as i64), engine::QtyTco2e(qty_tco2e));
        book.check_replace(engine::OrderId(id.get()), engine_price, engine_qty, context.now_ms).map_err(refused)?;
        let rehold = self.decide_rehold(context, &order, instrument.batch, price, qty_tco2e)?;
        // Nothing has changed yet; from here on nothing can be refused.
        let mut out = Vec::new();
        let escrow = self.apply_rehold(context, &order, rehold, dirty, &mut out);
        let now = context.now_ms;
        let reported = self
            .market
            .replace(id, (price, qty_tco2e), &escrow, now, &mut dirty.market)
            .expect("the book was asked before anything changed");
        let event = MarketEvent::OrderReplaced { order: id, price_satang: price, qty_tco2e, escrow, at_ms: now };
        out.push(AppEvent::Market(event));
        self.settle_reported(context, &reported, dirty, &mut out);
        Ok(out)
    }

    /// A sell's credits are held again only when its quantity changes, and
    /// a larger one must fit in what the account holds free; a buy's cash
    /// is held again at the new limit for the new quantity, the old hold
    /// voided in the same linked ledger batch (so the money it frees counts).
    fn decide_rehold(
        &self,
        context: &Context,
        order: &Order,
        batch: mangrove_core::BatchId,
        price_satang: u64,
        qty_tco2e: u64,
    ) -> DomainResult<Rehold> {
        match &order.escrow {
            Escrow::Credits { hold } => {
                let left = order.remaining_tco2e();
                if qty_tco2e == left {
                    return Ok(Rehold::Keep);
                }
                if qty_tco2e > left {
                    let more = Command::PlaceHold {
                        account: order.account,
                        selection: Selection::Quantity { batch, quantity: qty_tco2e - left },
                    };
                    self.registry
                        .decide(context, &more)
                        .map_err(|why| DomainError { field: Some("qty_tco2e"), ..why })?;
                }
                Ok(Rehold::Credits { old: *hold, batch, qty_tco2e })
            }
            Escrow::Cash { hold, .. } => {
                let cash = self.cash_account(order.org).expect("a resting buy holds cash from its account");
                let amount = buy_escrow_satang(price_satang, qty_tco2e);
                let next = format!("order-{}-{}", order.id.get(), order.replaced + 1);
                let transfers = vec![
                    TransferSpec::VoidPending {
                        id: transfer_id(format!("{hold}-void")),
                        pending: transfer_id(hold.clone()),
                    },
                    TransferSpec::Pending {
                        id: transfer_id(next.clone()),
                        debit: cash,
                        credit: self.clearing_account()?,
                        amount: Amount::new(amount),
                        timeout_ms: None,
                    },
                ];
                let batch = mangrove_ledger::Command::Batch { transfers };
                let events = self.ledger.decide(context.now_ms, &batch)?.events().to_vec();
                let escrow = Escrow::Cash { hold: next, amount_satang: amount, price_cap_satang: Some(price_satang) };
                Ok(Rehold::Cash { escrow, events })
            }
        }
    }

    /// Applies a decided rehold; returns the order's new escrow.
    fn apply_rehold(
        &mut self,
        context: &Context,
        order: &Order,
        rehold: Rehold,
        dirty: &mut AppDirty,
        out: &mut Vec<AppEvent>,
    ) -> Escrow {
        match rehold {
            Rehold::Keep => order.escrow.clone(),
            Rehold::Credits { old, batch, qty_tco2e } => {
                self.run_registry(context, &Command::ReleaseHold { hold: old }, dirty, out);
                // What was held is free again, so the new hold fits (a larger one was asked above).
                let selection = Selection::Quantity { batch, quantity: qty_tco2e };
                self.run_registry(context, &Command::PlaceHold { account: order.account, selection }, dirty, out);
                let Some(AppEvent::Registry(Event::HoldPlaced { hold })) = out.last() else {
                    unreachable!("a hold places a hold")
                };
                Escrow::Credits { hold: hold.id }
            }
            Rehold::Cash { escrow, events } => {
                for event in events {
                    self.ledger.apply(&event, &mut dirty.ledger);
                    out.push(AppEvent::Ledger(event));
                }
                escrow
            }
        }
    }
}
