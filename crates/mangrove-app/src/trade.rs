//! Trading, where the registry, the ledger and the exchange meet. Every
//! order is escrowed before it can trade — a sell holds its credits in the
//! registry, a buy holds its cash in the ledger — and every trade settles
//! at once, delivery versus payment: in the same command (so in the same
//! committed group) the seller's held credits go to the buyer and the
//! buyer's held cash goes to the seller, less the operator's fee. An order
//! that leaves the book releases what is left of its escrow.
//!
//! Everything a command could be refused for is checked before anything
//! changes: the escrow is decided (not applied), the engine refuses an order
//! without touching the book, and only then are the events applied. What
//! follows a fill cannot fail while the invariants hold, so it is asserted.

use crate::market::*;
use crate::{App, AppDirty, AppEvent};
use mangrove_core::{
    AccountId, AuctionId, DomainError, DomainResult, ErrorKind, HoldId, InstrumentId, OrderId, OrgId, TradeId,
};
use mangrove_exchange as engine;
use mangrove_exchange::{OrderKind, Side, TimeInForce};
use mangrove_ledger::{AccountKind as CashKind, Amount, Asset, LedgerAccountId, Owner, TransferId, TransferSpec};
use mangrove_registry::{Actor, Command, Context, Event, Role, Selection, UnitRange};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "command")]
pub enum MarketCommand {
    /// The operator opens the exchange: its bank, clearing and fee accounts
    /// for baht (those missing), and the fee on trades, paid by sellers.
    #[serde(rename = "market_open_exchange")]
    OpenExchange { fee_bps: u32 },
    /// The operator records a bank transfer received from an organisation,
    /// opening its baht account on the first one. `reference` (the bank's)
    /// makes a repeat harmless.
    #[serde(rename = "market_record_deposit")]
    RecordDeposit { org: OrgId, amount_satang: u64, reference: String },
    /// The operator records money paid back out to an organisation's bank.
    #[serde(rename = "market_record_withdrawal")]
    RecordWithdrawal { org: OrgId, amount_satang: u64, reference: String },
    /// The operator lists a batch (one vintage of one project) for trading.
    #[serde(rename = "market_list_instrument")]
    ListInstrument { batch: mangrove_core::BatchId, tick_satang: u64 },
    #[serde(rename = "market_place_order")]
    PlaceOrder {
        instrument: InstrumentId,
        /// The registry account the credits come from (a sell) or go to (a buy).
        account: AccountId,
        side: Side,
        kind: OrderKind,
        /// Per tonne, for a limit order; none for a market order.
        price_satang: Option<u64>,
        qty_tco2e: u64,
        tif: TimeInForce,
        expires_at_ms: Option<i64>,
    },
    #[serde(rename = "market_cancel_order")]
    CancelOrder { order: OrderId },
    /// The owner changes a resting order: a new limit (or the same, when
    /// none is given) and the quantity it is to have left. A smaller
    /// quantity at the same price keeps its place in the queue; anything
    /// else goes to the back of its new price and may trade at once. The
    /// escrow follows in the same command.
    #[serde(rename = "market_replace_order")]
    ReplaceOrder { order: OrderId, price_satang: Option<u64>, qty_tco2e: u64 },
    /// Frees the escrow of an instrument's orders whose time has run out
    /// (the server sends it as time passes).
    #[serde(rename = "market_expire_orders")]
    ExpireOrders { instrument: InstrumentId },
    /// A sealed-bid sale of `supply_tco2e` from `account`, at no less than `reserve_satang` a tonne.
    #[serde(rename = "market_open_auction")]
    OpenAuction {
        instrument: InstrumentId,
        account: AccountId,
        supply_tco2e: u64,
        reserve_satang: u64,
        closes_at_ms: i64,
    },
    #[serde(rename = "market_place_bid")]
    PlaceBid { auction: AuctionId, account: AccountId, price_satang: u64, qty_tco2e: u64 },
    #[serde(rename = "market_close_auction")]
    CloseAuction { auction: AuctionId },
}

/// One trade to settle: who gives what, and the escrow each side gives it from.
struct Deal {
    instrument: InstrumentId,
    buyer: Party,
    seller: Party,
    buyer_hold: String,
    /// The price per tonne the buyer's hold was made at, if it was.
    buyer_cap_satang: Option<u64>,
    seller_hold: HoldId,
    price_satang: u64,
    qty_tco2e: u64,
    maker_side: Option<Side>,
    auction: Option<AuctionId>,
}

fn transfer_id(text: String) -> TransferId {
    TransferId::new(text).expect("the exchange's transfer ids are short printable ASCII")
}

fn invalid(field: &'static str, message: impl Into<String>) -> DomainError {
    DomainError::invalid(field, message)
}

/// The engine's refusal as a domain error naming the request's field.
fn refused(rejected: engine::Rejected) -> DomainError {
    use engine::RejectKind::*;
    let message = rejected.kind.message();
    match rejected.kind {
        QuantityZero | QuantityTooLarge => invalid("qty_tco2e", message),
        PriceMissing | PriceNotPositive | PriceOffTick | PriceOnMarket => invalid("price_satang", message),
        AlreadyExpired | Expired => invalid("expires_at_ms", message),
        MarketPostOnly => invalid("tif", message),
        CannotFillWhole | WouldTrade => DomainError::new(ErrorKind::Conflict, Some("tif"), message),
        _ => DomainError::conflict(message),
    }
}

impl App {
    pub(crate) fn execute_market(
        &mut self,
        context: &Context,
        command: &MarketCommand,
        dirty: &mut AppDirty,
    ) -> DomainResult<Vec<AppEvent>> {
        match command {
            MarketCommand::OpenExchange { fee_bps } => self.open_exchange(context, *fee_bps, dirty),
            MarketCommand::RecordDeposit { org, amount_satang, reference } => {
                self.record_bank(context, *org, *amount_satang, reference, true, dirty)
            }
            MarketCommand::RecordWithdrawal { org, amount_satang, reference } => {
                self.record_bank(context, *org, *amount_satang, reference, false, dirty)
            }
            MarketCommand::ListInstrument { batch, tick_satang } => self.list(context, *batch, *tick_satang, dirty),
            MarketCommand::PlaceOrder {
                instrument,
                account,
                side,
                kind,
                price_satang,
                qty_tco2e,
                tif,
                expires_at_ms,
            } => {
                let request = OrderRequest {
                    instrument: *instrument,
                    account: *account,
                    side: *side,
                    kind: *kind,
                    price_satang: *price_satang,
                    qty_tco2e: *qty_tco2e,
                    tif: *tif,
                    expires_at_ms: *expires_at_ms,
                };
                self.place_order(context, &request, dirty)
            }
            MarketCommand::CancelOrder { order } => self.cancel_order(context, *order, dirty),
            MarketCommand::ReplaceOrder { order, price_satang, qty_tco2e } => {
                self.replace_order(context, *order, (*price_satang, *qty_tco2e), dirty)
            }
            MarketCommand::ExpireOrders { instrument } => self.expire_orders(context, *instrument, dirty),
            MarketCommand::OpenAuction { instrument, account, supply_tco2e, reserve_satang, closes_at_ms } => self
                .open_auction(context, *instrument, *account, (*supply_tco2e, *reserve_satang, *closes_at_ms), dirty),
            MarketCommand::PlaceBid { auction, account, price_satang, qty_tco2e } => {
                self.place_bid(context, *auction, *account, (*price_satang, *qty_tco2e), dirty)
            }
            MarketCommand::CloseAuction { auction } => self.close_auction(context, *auction, dirty),
        }
    }

    fn require_operator(&self, actor: &Actor) -> DomainResult<()> {
        match actor {
            Actor::System | Actor::Member { role: Role::Operator, .. } => Ok(()),
            Actor::Member { .. } => Err(DomainError::forbidden("only the operator does this")),
        }
    }

    /// The organisation trading from `account`: the actor's own, never the buffer pool.
    fn trader(&self, actor: &Actor, account: AccountId) -> DomainResult<OrgId> {
        let record = self
            .registry
            .account(account)
            .ok_or_else(|| DomainError::not_found("account", format!("there is no account {}", account.get())))?;
        if record.kind != mangrove_registry::AccountKind::Holding {
            return Err(invalid("account", "the buffer pool does not trade"));
        }
        match actor {
            Actor::System => Ok(record.org),
            Actor::Member { org, .. } if *org == record.org => Ok(record.org),
            Actor::Member { .. } => Err(DomainError::forbidden(format!("account {} is not yours", account.get()))),
        }
    }

    fn cash_account(&self, org: OrgId) -> Option<LedgerAccountId> {
        self.ledger.account_for(Owner::Org(org), Asset::Thb, CashKind::Ordinary)
    }

    fn clearing_account(&self) -> DomainResult<LedgerAccountId> {
        self.ledger.operator_account(CashKind::Clearing, Asset::Thb).ok_or_else(|| {
            DomainError::conflict("the exchange is not open yet: the operator has no clearing account for baht")
        })
    }

    fn open_exchange(&mut self, context: &Context, fee_bps: u32, dirty: &mut AppDirty) -> DomainResult<Vec<AppEvent>> {
        use mangrove_ledger::Command as L;
        self.require_operator(&context.actor)?;
        if fee_bps > mangrove_ledger::FEE_BPS_MAX {
            return Err(invalid(
                "fee_bps",
                format!("the fee is at most {} basis points", mangrove_ledger::FEE_BPS_MAX),
            ));
        }
        let mut out = Vec::new();
        for kind in [CashKind::Settlement, CashKind::Clearing, CashKind::Fee] {
            if self.ledger.operator_account(kind, Asset::Thb).is_none() {
                self.run_ledger(
                    context,
                    &L::OpenAccount { owner: Owner::Operator, asset: Asset::Thb, kind },
                    dirty,
                    &mut out,
                );
            }
        }
        self.run_ledger(context, &L::SetFee { asset: Asset::Thb, fee_bps }, dirty, &mut out);
        Ok(out)
    }

    fn record_bank(
        &mut self,
        context: &Context,
        org: OrgId,
        amount_satang: u64,
        reference: &str,
        deposit: bool,
        dirty: &mut AppDirty,
    ) -> DomainResult<Vec<AppEvent>> {
        self.require_operator(&context.actor)?;
        if self.registry.organisation(org).is_none() {
            return Err(DomainError::not_found("org", format!("there is no organisation {}", org.get())));
        }
        if !(1..=mangrove_ledger::AMOUNT_PER_TRANSFER_MAX).contains(&amount_satang) {
            return Err(invalid("amount_satang", "an amount is a positive number of satang within the transfer limit"));
        }
        let kind = if deposit { "deposit" } else { "withdrawal" };
        let reference = reference.trim();
        if reference.is_empty() {
            return Err(invalid("reference", "a bank reference is required: copy it from the bank's statement"));
        }
        let id = TransferId::new(format!("{kind}-{reference}"))
            .map_err(|_| invalid("reference", "a bank reference is 1 to 50 printable characters without spaces"))?;
        if self.ledger.operator_account(CashKind::Settlement, Asset::Thb).is_none() {
            return Err(DomainError::conflict("open the exchange first: there is no bank account for baht"));
        }
        if let Some(earlier) = self.ledger.transfer(&id) {
            // One bank transfer is recorded once. A retried request carries the same Idempotency-Key and is
            // answered from the journal before it reaches here; a second request with the same reference is a
            // mistake (or a statement read twice) and must be seen, never credited or swallowed silently.
            return Err(DomainError::new(
                ErrorKind::Conflict,
                Some("reference"),
                format!(
                    "the bank reference {reference} was already recorded as a {kind} of {} satang (ledger transfer {}); \
                     a bank transfer is recorded once",
                    earlier.amount.get(),
                    earlier.id.as_str()
                ),
            ));
        }
        let mut out = Vec::new();
        let account = match self.cash_account(org) {
            Some(account) => account,
            None if deposit => {
                // A new id into a new account: only the amount could be refused, and it was checked above.
                let open = mangrove_ledger::Command::OpenAccount {
                    owner: Owner::Org(org),
                    asset: Asset::Thb,
                    kind: CashKind::Ordinary,
                };
                self.run_ledger(context, &open, dirty, &mut out);
                self.cash_account(org).expect("just opened")
            }
            None => return Err(DomainError::insufficient("org", "the organisation has no baht account")),
        };
        let amount = Amount::new(amount_satang);
        let spec = if deposit {
            TransferSpec::Deposit { id, account, amount }
        } else {
            TransferSpec::Withdrawal { id, account, amount }
        };
        let events =
            self.ledger.execute(context.now_ms, &mangrove_ledger::Command::Transfer(spec), &mut dirty.ledger)?;
        out.extend(events.events().iter().cloned().map(AppEvent::Ledger));
        Ok(out)
    }

    fn list(
        &mut self,
        context: &Context,
        batch: mangrove_core::BatchId,
        tick_satang: u64,
        dirty: &mut AppDirty,
    ) -> DomainResult<Vec<AppEvent>> {
        self.require_operator(&context.actor)?;
        let record = self
            .registry
            .batch(batch)
            .ok_or_else(|| DomainError::not_found("batch", format!("there is no batch {}", batch.get())))?;
        if let Some(listed) = self.market.instrument_of_batch(batch) {
            return Err(DomainError::conflict(format!("batch {} is already listed as {}", batch.get(), listed.code)));
        }
        if !(1..=PRICE_SATANG_MAX).contains(&tick_satang) {
            return Err(invalid("tick_satang", format!("the tick is 1 to {PRICE_SATANG_MAX} satang")));
        }
        if self.market.instruments().count() >= INSTRUMENTS_MAX {
            return Err(DomainError::conflict("the exchange lists as many instruments as it may"));
        }
        let vintage_year = record.vintage_start.year();
        let instrument = Instrument {
            id: self.market.next_instrument_id(),
            batch,
            project: record.project,
            vintage_year,
            code: format!("TH-RYG-{:04}-{vintage_year}-{:04}", record.project.get(), batch.get()),
            tick_satang,
            listed_at_ms: context.now_ms,
        };
        let event = MarketEvent::InstrumentListed { instrument };
        self.market.apply(&event, &mut dirty.market);
        Ok(vec![AppEvent::Market(event)])
    }
}

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

/// A new order as asked, before anything is decided.
struct OrderRequest {
    instrument: InstrumentId,
    account: AccountId,
    side: Side,
    kind: OrderKind,
    price_satang: Option<u64>,
    qty_tco2e: u64,
    tif: TimeInForce,
    expires_at_ms: Option<i64>,
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

    fn place_order(
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

    /// Settles the engine's fills and releases the escrow of every order it
    /// took out of the book.
    fn settle_reported(
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

    fn deal(&self, buy: OrderId, sell: OrderId, price_satang: u64, qty_tco2e: u64, taker_side: Side) -> Deal {
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
    fn settle(&mut self, context: &Context, deal: Deal, dirty: &mut AppDirty, out: &mut Vec<AppEvent>) {
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
    fn delivery(&self, context: &Context, hold: HoldId, to: AccountId, qty_tco2e: u64) -> (Event, Vec<UnitRange>) {
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
    fn release_if_done(&mut self, context: &Context, id: OrderId, dirty: &mut AppDirty, out: &mut Vec<AppEvent>) {
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

    fn void_cash(&mut self, context: &Context, hold: &str, dirty: &mut AppDirty, out: &mut Vec<AppEvent>) {
        let pending = transfer_id(hold.to_string());
        let open = self.ledger.hold(&pending).is_some_and(|h| h.is_open() && h.remaining().get() > 0);
        if open {
            let void = TransferSpec::VoidPending { id: transfer_id(format!("{hold}-void")), pending };
            self.run_ledger(context, &mangrove_ledger::Command::Transfer(void), dirty, out);
        }
    }

    fn run_registry(&mut self, context: &Context, command: &Command, dirty: &mut AppDirty, out: &mut Vec<AppEvent>) {
        let system = Context { actor: Actor::System, ..*context };
        let events = self.registry.execute(&system, command, &mut dirty.registry).unwrap_or_else(|why| {
            panic!("settlement is covered by escrow, yet the registry refused {command:?}: {why}")
        });
        out.extend(events.into_iter().map(AppEvent::Registry));
    }

    fn run_ledger(
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

    /// Takes a book's expired orders out and gives their escrow back. Expired
    /// orders never trade (the engine skips them); this frees what they held.
    fn expire_orders(
        &mut self,
        context: &Context,
        instrument: InstrumentId,
        dirty: &mut AppDirty,
    ) -> DomainResult<Vec<AppEvent>> {
        self.require_operator(&context.actor)?;
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

    fn cancel_order(&mut self, context: &Context, id: OrderId, dirty: &mut AppDirty) -> DomainResult<Vec<AppEvent>> {
        let order = self
            .market
            .order(id)
            .ok_or_else(|| DomainError::not_found("order", format!("there is no order {}", id.get())))?;
        let operator = matches!(context.actor, Actor::System | Actor::Member { role: Role::Operator, .. });
        if !operator && context.actor.org() != Some(order.org) {
            return Err(DomainError::forbidden(format!("order {} is not yours", id.get())));
        }
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
    fn replace_order(
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
        if !matches!(context.actor, Actor::System) && context.actor.org() != Some(order.org) {
            return Err(DomainError::forbidden(format!("order {} is not yours: only its owner changes it", id.get())));
        }
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

impl App {
    fn open_auction(
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
        if !matches!(context.actor, Actor::System | Actor::Member { role: Role::Operator, .. })
            && context.actor.org() != Some(seller)
        {
            return Err(DomainError::forbidden("only the operator or the seller opens an auction"));
        }
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

    fn place_bid(
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
        if org == record.seller_org {
            return Err(DomainError::forbidden("a seller does not bid in its own auction"));
        }
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

    fn close_auction(
        &mut self,
        context: &Context,
        auction: AuctionId,
        dirty: &mut AppDirty,
    ) -> DomainResult<Vec<AppEvent>> {
        let record = self.open_auction_of(auction)?.clone();
        let operator = matches!(context.actor, Actor::System | Actor::Member { role: Role::Operator, .. });
        if !operator && context.actor.org() != Some(record.seller_org) {
            return Err(DomainError::forbidden("only the operator or the seller closes an auction"));
        }
        if !operator && context.now_ms < record.closes_at_ms {
            return Err(DomainError::conflict("the auction is still taking bids"));
        }
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
