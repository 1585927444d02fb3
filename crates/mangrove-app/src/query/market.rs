//! Reads of the exchange, with who may see what: the views pages show,
//! computed from the state (the kept figures, never a scan of every
//! trade), so that HTTP handlers only translate.

use crate::market::{Auction, AuctionStatus, Order, OrderStatus, Trade};
use crate::permissions::is_operator;
use crate::App;
use mangrove_core::{Actor, InstrumentId, OrgId};
use mangrove_exchange::Side;
use mangrove_ledger::{AccountKind, Asset, Owner};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct InstrumentView {
    pub id: u64,
    pub code: String,
    pub batch_id: u64,
    pub project_id: u64,
    pub project_name: String,
    pub vintage_year: i32,
    pub tick_satang: u64,
    pub best_bid_satang: Option<i64>,
    pub best_ask_satang: Option<i64>,
    pub last_price_satang: Option<u64>,
    pub volume_tco2e: u64,
    pub trades: usize,
}

pub fn instrument_view(app: &App, id: InstrumentId) -> Option<InstrumentView> {
    let instrument = app.market.instrument(id)?;
    let book = app.market.book(id)?;
    let figures = app.market.figures(id);
    Some(InstrumentView {
        id: id.get(),
        code: instrument.code.clone(),
        batch_id: instrument.batch.get(),
        project_id: instrument.project.get(),
        project_name: app.registry.project(instrument.project).map(|p| p.name.clone()).unwrap_or_default(),
        vintage_year: instrument.vintage_year,
        tick_satang: instrument.tick_satang,
        best_bid_satang: book.best_bid().map(|l| l.price_satang.0),
        best_ask_satang: book.best_ask().map(|l| l.price_satang.0),
        last_price_satang: figures.and_then(|figures| figures.last_price_satang),
        volume_tco2e: figures.map_or(0, |figures| figures.volume_tco2e),
        trades: figures.map_or(0, |figures| figures.trade_positions.len()),
    })
}

#[derive(Serialize, ToSchema, Clone, PartialEq)]
pub struct LevelRow {
    pub price_satang: i64,
    pub qty_tco2e: u64,
    pub orders: u32,
}

#[derive(Serialize, ToSchema, Clone, PartialEq)]
pub struct BookView {
    pub instrument_id: u64,
    /// Best first.
    pub bids: Vec<LevelRow>,
    pub asks: Vec<LevelRow>,
}

pub fn book_view(app: &App, id: InstrumentId, levels: usize) -> Option<BookView> {
    let book = app.market.book(id)?;
    let rows = |side| {
        book.depth(side, levels)
            .into_iter()
            .map(|l| LevelRow { price_satang: l.price_satang.0, qty_tco2e: l.qty_tco2e.0, orders: l.orders })
            .collect()
    };
    Some(BookView { instrument_id: id.get(), bids: rows(Side::Buy), asks: rows(Side::Sell) })
}

#[derive(Serialize, ToSchema, Clone, PartialEq)]
pub struct TradeView {
    pub id: u64,
    pub instrument_id: u64,
    pub price_satang: u64,
    pub qty_tco2e: u64,
    pub value_satang: u64,
    pub buyer_org_id: u64,
    pub buyer: String,
    pub seller_org_id: u64,
    pub seller: String,
    /// The resting order's side; none for an auction.
    pub maker_side: Option<String>,
    pub fee_satang: u64,
    pub auction_id: Option<u64>,
    pub at_ms: i64,
}

pub fn trade_view(app: &App, trade: &Trade) -> TradeView {
    let name = |org: OrgId| app.registry.organisation(org).map(|o| o.name.clone()).unwrap_or_default();
    TradeView {
        id: trade.id.get(),
        instrument_id: trade.instrument.get(),
        price_satang: trade.price_satang,
        qty_tco2e: trade.qty_tco2e,
        value_satang: trade.value_satang(),
        buyer_org_id: trade.buyer.org.get(),
        buyer: name(trade.buyer.org),
        seller_org_id: trade.seller.org.get(),
        seller: name(trade.seller.org),
        maker_side: trade.maker_side.map(|side| side_text(side).to_string()),
        fee_satang: trade.fee_satang,
        auction_id: trade.auction.map(|a| a.get()),
        at_ms: trade.at_ms,
    }
}

fn side_text(side: Side) -> &'static str {
    match side {
        Side::Buy => "buy",
        Side::Sell => "sell",
    }
}

#[derive(Serialize, ToSchema)]
pub struct OrderView {
    pub id: u64,
    pub instrument_id: u64,
    pub code: String,
    pub side: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub price_satang: Option<u64>,
    pub qty_tco2e: u64,
    pub filled_tco2e: u64,
    pub tif: String,
    pub status: String,
    pub placed_at_ms: i64,
    pub expires_at_ms: Option<i64>,
}

fn text_of(value: &impl Serialize) -> String {
    serde_json::to_value(value).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}

pub fn order_view(app: &App, order: &Order) -> OrderView {
    OrderView {
        id: order.id.get(),
        instrument_id: order.instrument.get(),
        code: app.market.instrument(order.instrument).map(|i| i.code.clone()).unwrap_or_default(),
        side: side_text(order.side).into(),
        kind: text_of(&order.kind),
        price_satang: order.price_satang,
        qty_tco2e: order.qty_tco2e,
        filled_tco2e: order.filled_tco2e,
        tif: text_of(&order.tif),
        status: text_of(&order.status),
        placed_at_ms: order.placed_at_ms,
        expires_at_ms: order.expires_at_ms,
    }
}

#[derive(Serialize, ToSchema)]
pub struct BidView {
    pub number: u64,
    pub org_id: u64,
    pub bidder: String,
    pub price_satang: u64,
    pub qty_tco2e: u64,
    pub allocated_tco2e: u64,
    pub placed_at_ms: i64,
}

#[derive(Serialize, ToSchema)]
pub struct AuctionView {
    pub id: u64,
    pub instrument_id: u64,
    pub code: String,
    pub seller_org_id: u64,
    pub seller: String,
    pub supply_tco2e: u64,
    pub reserve_satang: u64,
    pub opens_at_ms: i64,
    pub closes_at_ms: i64,
    pub status: String,
    pub price_satang: Option<u64>,
    pub sold_tco2e: u64,
    pub bid_count: usize,
    /// Sealed while open: only the viewer's own bids (the operator sees all); all once closed.
    pub bids: Vec<BidView>,
}

/// An auction as `viewer` may see it: while it is open, its bids are
/// sealed, each shown only to its bidder's organisation and the operator.
pub fn auction_view(app: &App, auction: &Auction, viewer: Option<&Actor>) -> AuctionView {
    let name = |org: OrgId| app.registry.organisation(org).map(|o| o.name.clone()).unwrap_or_default();
    let open = auction.status == AuctionStatus::Open;
    let sees = |org: OrgId| !open || viewer.is_some_and(|actor| actor.org() == Some(org) || is_operator(actor));
    AuctionView {
        id: auction.id.get(),
        instrument_id: auction.instrument.get(),
        code: app.market.instrument(auction.instrument).map(|i| i.code.clone()).unwrap_or_default(),
        seller_org_id: auction.seller_org.get(),
        seller: name(auction.seller_org),
        supply_tco2e: auction.supply_tco2e,
        reserve_satang: auction.reserve_satang,
        opens_at_ms: auction.opens_at_ms,
        closes_at_ms: auction.closes_at_ms,
        status: text_of(&auction.status),
        price_satang: auction.price_satang,
        sold_tco2e: auction.sold_tco2e,
        bid_count: auction.bids.len(),
        bids: auction
            .bids
            .iter()
            .filter(|bid| sees(bid.org))
            .map(|bid| BidView {
                number: bid.number,
                org_id: bid.org.get(),
                bidder: name(bid.org),
                price_satang: bid.price_satang,
                qty_tco2e: bid.qty_tco2e,
                allocated_tco2e: bid.allocated_tco2e,
                placed_at_ms: bid.placed_at_ms,
            })
            .collect(),
    }
}

/// Trades, newest first: one instrument's (found from its figures), or
/// all; with `party`, only those that organisation bought or sold in.
pub fn trades(
    app: &App,
    instrument: Option<InstrumentId>,
    party: Option<Option<OrgId>>,
) -> impl Iterator<Item = &Trade> {
    let trades: Box<dyn Iterator<Item = &Trade>> = match instrument {
        Some(id) => Box::new(app.market.trades_of(id).rev()),
        None => Box::new(app.market.trades().iter().rev()),
    };
    trades.filter(move |t| party.is_none_or(|org| Some(t.buyer.org) == org || Some(t.seller.org) == org))
}

/// An organisation's own orders, newest first; a person has none.
pub fn own_orders<'a>(
    app: &'a App,
    viewer: &Actor,
    instrument: Option<InstrumentId>,
    open_only: bool,
) -> impl Iterator<Item = &'a Order> {
    let org = viewer.org();
    app.market
        .orders()
        .rev()
        .filter(move |o| Some(o.org) == org)
        .filter(move |o| instrument.is_none_or(|id| o.instrument == id))
        .filter(move |o| !open_only || o.status == OrderStatus::Open)
}

#[derive(Serialize, ToSchema)]
pub struct CashView {
    /// The organisation whose cash it is; none for a person's own.
    pub org_id: Option<u64>,
    /// None until the operator records a first deposit.
    pub account_id: Option<u64>,
    pub balance_satang: i64,
    pub available_satang: i64,
    pub held_satang: i64,
    pub transfers: Vec<CashTransfer>,
}

#[derive(Serialize, ToSchema)]
pub struct CashTransfer {
    pub id: String,
    pub kind: String,
    /// Positive when money came in.
    pub amount_satang: i64,
    pub at_ms: i64,
}

/// Transfers a cash view lists, the latest.
pub const CASH_TRANSFERS_SHOWN: usize = 50;

/// The baht of `viewer`'s organisation, or a person's own: balance, what
/// orders and bids hold, recent movements.
pub fn cash_view(app: &App, viewer: &Actor) -> CashView {
    let owner = match (viewer.org(), viewer) {
        (Some(org), _) => Owner::Org(org),
        (None, Actor::Person { user }) => Owner::User(*user),
        (None, _) => Owner::Operator,
    };
    let account = app.ledger.account_for(owner, Asset::Thb, AccountKind::Ordinary);
    let balance = account.and_then(|id| app.ledger.balance(id)).unwrap_or_default();
    let transfers = account
        .map(|id| {
            app.ledger
                .recent_transfers(id, CASH_TRANSFERS_SHOWN)
                .map(|t| CashTransfer {
                    id: t.id.as_str().to_string(),
                    kind: t.kind.as_str().to_string(),
                    amount_satang: if t.credit == id { t.amount.get() as i64 } else { -(t.amount.get() as i64) },
                    at_ms: t.at_ms,
                })
                .collect()
        })
        .unwrap_or_default();
    CashView {
        org_id: viewer.org().map(OrgId::get),
        account_id: account.map(|id| id.get()),
        balance_satang: balance.posted() as i64,
        available_satang: balance.available() as i64,
        held_satang: balance.pending_debits.get() as i64,
        transfers,
    }
}
