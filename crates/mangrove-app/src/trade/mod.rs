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
use mangrove_registry::{Actor, Command, Context, Event, Selection, UnitRange};
use serde::{Deserialize, Serialize};

mod auctions;
mod cash_desk;
mod escrow;
mod orders;

use crate::permissions;

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
        permissions::require_operator(&context.actor)?;
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

    fn list(
        &mut self,
        context: &Context,
        batch: mangrove_core::BatchId,
        tick_satang: u64,
        dirty: &mut AppDirty,
    ) -> DomainResult<Vec<AppEvent>> {
        permissions::require_operator(&context.actor)?;
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
