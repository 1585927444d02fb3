//! The exchange's records: instruments (one batch each, so every credit of
//! an instrument is the same vintage of the same project), orders with the
//! escrow that backs them, trades, and call auctions with their bids; and
//! one matching engine per instrument. `trade/` decides commands against
//! these and the registry and ledger; this module only keeps the records
//! and applies market events, the same way live and in replay.
//!
//! An order's placement is journaled as the order itself: applying it runs
//! the deterministic engine, so replaying the journal rebuilds every book
//! exactly. The trades, the credits and the cash that follow are journaled
//! as their own events.

use mangrove_core::{AccountId, AuctionId, BatchId, HoldId, InstrumentId, OrderId, OrgId, ProjectId, TradeId};
use mangrove_exchange as engine;
use mangrove_exchange::{BookConfig, OrderBook, OrderKind, Side, TimeInForce};
use mangrove_registry::UnitRange;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

/// Most instruments the operator may list.
pub const INSTRUMENTS_MAX: usize = 10_000;
/// Most auctions, and most bids in one auction.
pub const AUCTIONS_MAX: usize = 10_000;
pub const BIDS_PER_AUCTION_MAX: usize = 10_000;
/// Highest price a tonne may be offered at: ten million baht.
pub const PRICE_SATANG_MAX: u64 = mangrove_core::bounds::PRICE_SATANG_MAX;
/// Most tonnes in one order or bid.
pub const ORDER_TCO2E_MAX: u64 = mangrove_core::bounds::ORDER_TCO2E_MAX;
// The matching engine's own bounds are wider than the market's.
const _: () = assert!(ORDER_TCO2E_MAX <= mangrove_exchange::QTY_PER_ORDER_MAX);
const _: () = assert!(ORDER_TCO2E_MAX <= mangrove_exchange::auction::AUCTION_QTY_MAX);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Instrument {
    pub id: InstrumentId,
    pub batch: BatchId,
    pub project: ProjectId,
    pub vintage_year: i32,
    /// `TH-RYG-<project>-<vintage>-<batch>`, the serials' prefix.
    pub code: String,
    pub tick_satang: u64,
    pub listed_at_ms: i64,
}

/// What backs an order: its credits held in the registry (a sell), or its
/// cash held in the ledger (a buy). A buy with a limit holds the limit for
/// every tonne and posts that much per fill, the difference to the trade's
/// price going back at once; a market buy holds what the book asked when
/// it arrived and posts the trade's value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Escrow {
    Credits { hold: HoldId },
    Cash { hold: String, amount_satang: u64, price_cap_satang: Option<u64> },
}

/// The cash a limit buy holds for `qty_tco2e` tonnes at `price_satang`:
/// its limit for every tonne. The fee is the seller's, so the buyer's
/// escrow needs nothing more. Placing, replacing and checking an order's
/// escrow all use this one rule.
pub fn buy_escrow_satang(price_satang: u64, qty_tco2e: u64) -> u64 {
    price_satang * qty_tco2e
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    /// Resting in the book.
    Open,
    /// Every tonne traded.
    Filled,
    /// The owner cancelled it.
    Cancelled,
    /// It would have traded with an order of the same account, which takes priority.
    SelfTrade,
    /// Its time ran out.
    Expired,
    /// A market or immediate-or-cancel order: what did not trade at once was dropped.
    Done,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Order {
    pub id: OrderId,
    pub instrument: InstrumentId,
    pub org: OrgId,
    /// The registry account the credits come from or go to.
    pub account: AccountId,
    pub side: Side,
    pub kind: OrderKind,
    pub price_satang: Option<u64>,
    pub qty_tco2e: u64,
    pub tif: TimeInForce,
    pub expires_at_ms: Option<i64>,
    pub placed_at_ms: i64,
    pub escrow: Escrow,
    pub filled_tco2e: u64,
    pub status: OrderStatus,
    /// How many times its owner replaced it; numbers the cash hold of each
    /// version (`order-<id>-<n>`).
    pub replaced: u32,
}

impl Order {
    pub fn remaining_tco2e(&self) -> u64 {
        self.qty_tco2e - self.filled_tco2e
    }

    pub(crate) fn engine_order(&self) -> engine::NewOrder {
        engine::NewOrder {
            id: engine::OrderId(self.id.get()),
            account: engine::AccountId(self.account.get()),
            side: self.side,
            kind: self.kind,
            price_satang: self.price_satang.map(|p| engine::PriceSatang(p as i64)),
            qty_tco2e: engine::QtyTco2e(self.qty_tco2e),
            tif: self.tif,
            expires_at_ms: self.expires_at_ms,
        }
    }
}

/// One side of a trade.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Party {
    pub org: OrgId,
    pub account: AccountId,
    /// The order, for a trade on the book.
    pub order: Option<OrderId>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trade {
    pub id: TradeId,
    pub instrument: InstrumentId,
    pub price_satang: u64,
    pub qty_tco2e: u64,
    pub buyer: Party,
    pub seller: Party,
    /// The resting order's side: the buyer when a seller took its bid.
    pub maker_side: Option<Side>,
    /// Charged to the seller, paid to the operator.
    pub fee_satang: u64,
    /// The auction that cleared it, for a primary sale.
    pub auction: Option<AuctionId>,
    pub at_ms: i64,
    /// The units of the instrument's batch delivered to the buyer (the
    /// lowest-numbered of the seller's hold), so the registry's explorer
    /// can name the trade that moved a serial block. Empty only for trades
    /// journaled before trades named their units.
    pub ranges: Vec<UnitRange>,
}

impl Trade {
    pub fn value_satang(&self) -> u64 {
        self.price_satang * self.qty_tco2e
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuctionStatus {
    Open,
    /// Cleared at one price; bids at or above it got credits.
    Cleared,
    /// No bid reached the reserve; nothing was sold.
    NoSale,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bid {
    /// Numbered from 1 within the auction, in arrival order.
    pub number: u64,
    pub org: OrgId,
    pub account: AccountId,
    pub price_satang: u64,
    pub qty_tco2e: u64,
    /// The ledger hold of price × quantity.
    pub hold: String,
    pub placed_at_ms: i64,
    pub allocated_tco2e: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Auction {
    pub id: AuctionId,
    pub instrument: InstrumentId,
    pub seller_org: OrgId,
    pub seller_account: AccountId,
    pub supply_tco2e: u64,
    pub reserve_satang: u64,
    pub opens_at_ms: i64,
    pub closes_at_ms: i64,
    /// The seller's credits, held until the auction clears.
    pub hold: HoldId,
    pub status: AuctionStatus,
    pub price_satang: Option<u64>,
    pub sold_tco2e: u64,
    pub bids: Vec<Bid>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event")]
pub enum MarketEvent {
    #[serde(rename = "market_instrument_listed")]
    InstrumentListed { instrument: Instrument },
    /// An order and the escrow that backs it, in one event. Applying it
    /// holds the escrow, then runs the instrument's engine on the order.
    /// Orders journaled before orders carried their escrow have none here:
    /// the registry's or the ledger's hold came before, as an event of its own.
    #[serde(rename = "market_order_placed")]
    OrderPlaced {
        order: Order,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        held: Option<Box<EscrowHeld>>,
    },
    #[serde(rename = "market_order_cancelled")]
    OrderCancelled { order: OrderId, at_ms: i64 },
    /// The owner gave a resting order a new limit and the quantity it has
    /// left to trade, backed by `escrow`. Applying it runs the engine's
    /// replace: the order keeps its place in the queue only for a smaller
    /// quantity at the same price, and otherwise may trade at once.
    #[serde(rename = "market_order_replaced")]
    OrderReplaced { order: OrderId, price_satang: u64, qty_tco2e: u64, escrow: Escrow, at_ms: i64 },
    /// The resting orders of an instrument whose time had run out at `at_ms` left its book.
    #[serde(rename = "market_orders_expired")]
    OrdersExpired { instrument: InstrumentId, at_ms: i64 },
    /// A trade and its settlement, delivery versus payment, in one event.
    /// Trades journaled before trades carried their settlement have none
    /// here: their legs follow as registry and ledger events of their own.
    #[serde(rename = "market_trade")]
    Traded {
        trade: Trade,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        settlement: Option<Box<Settlement>>,
    },
    #[serde(rename = "market_auction_opened")]
    AuctionOpened { auction: Auction },
    #[serde(rename = "market_bid_placed")]
    BidPlaced { auction: AuctionId, bid: Bid },
    /// Allocations are (bid number, tonnes), for every bid that got some.
    #[serde(rename = "market_auction_closed")]
    AuctionClosed { auction: AuctionId, price_satang: Option<u64>, allocations: Vec<(u64, u64)> },
}

/// The two legs of a trade: applying the trade applies both.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Settlement {
    /// The registry's delivery of the seller's held credits to the buyer.
    pub delivery: mangrove_registry::Event,
    /// The ledger's transfers: the buyer's held cash posted to clearing,
    /// the seller paid, the operator's fee and any change back to the buyer.
    pub payments: Vec<mangrove_ledger::Event>,
}

/// How an order's escrow was held: applying the order applies these first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EscrowHeld {
    /// A sell's: the registry's hold on the credits it offers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub credits: Vec<mangrove_registry::Event>,
    /// A buy's hold on its cash; a seller's first baht account, opened to be paid into.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cash: Vec<mangrove_ledger::Event>,
}

/// What market events touched, for the projections.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct MarketDirty {
    pub instruments: BTreeSet<InstrumentId>,
    pub orders: BTreeSet<OrderId>,
    pub trades: BTreeSet<TradeId>,
    pub auctions: BTreeSet<AuctionId>,
}

/// What a snapshot holds of the market (see `Market::image`).
#[derive(Serialize, Deserialize)]
pub(crate) struct MarketImage<'a> {
    instruments: Cow<'a, BTreeMap<InstrumentId, Instrument>>,
    books: Vec<(InstrumentId, BookConfig, Vec<engine::Resting>)>,
    orders: Cow<'a, BTreeMap<OrderId, Order>>,
    trades: Cow<'a, [Trade]>,
    auctions: Cow<'a, BTreeMap<AuctionId, Auction>>,
}

/// Candles a page can ask for, per instrument and interval: the latest.
pub const CANDLES_MAX: usize = 500;

/// The length of a candle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CandleInterval {
    Minute,
    Hour,
    /// A day in Bangkok, from midnight there.
    Day,
}

impl CandleInterval {
    pub const ALL: [CandleInterval; 3] = [CandleInterval::Minute, CandleInterval::Hour, CandleInterval::Day];
    pub fn ms(self) -> i64 {
        match self {
            CandleInterval::Minute => 60_000,
            CandleInterval::Hour => 3_600_000,
            CandleInterval::Day => 86_400_000,
        }
    }
    pub fn parse(text: &str) -> Option<CandleInterval> {
        match text {
            "minute" => Some(CandleInterval::Minute),
            "hour" => Some(CandleInterval::Hour),
            "day" => Some(CandleInterval::Day),
            _ => None,
        }
    }
    fn index(self) -> usize {
        self as usize
    }
}

/// Trading in one interval: open, high, low and close price per tonne.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Candle {
    /// The start of the interval, ms since the epoch.
    pub at_ms: i64,
    pub open_satang: u64,
    pub high_satang: u64,
    pub low_satang: u64,
    pub close_satang: u64,
    pub volume_tco2e: u64,
}

/// What pages show of an instrument's trading, kept up to date as each
/// trade applies, so that no read scans the trades: where its trades are
/// among all, its last price and volume, and its latest candles.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InstrumentFigures {
    /// Positions in [`Market::trades`] of this instrument's trades, in order.
    pub trade_positions: Vec<usize>,
    pub last_price_satang: Option<u64>,
    pub volume_tco2e: u64,
    /// The latest [`CANDLES_MAX`] candles per [`CandleInterval`].
    candles: [std::collections::VecDeque<Candle>; 3],
}

impl InstrumentFigures {
    fn add(&mut self, position: usize, trade: &Trade) {
        self.trade_positions.push(position);
        self.last_price_satang = Some(trade.price_satang);
        self.volume_tco2e += trade.qty_tco2e;
        for interval in CandleInterval::ALL {
            let candles = &mut self.candles[interval.index()];
            add_to_candles(candles, trade, interval.ms());
            if candles.len() > CANDLES_MAX {
                candles.pop_front();
            }
        }
    }

    /// The latest candles of `interval`, oldest first.
    pub fn candles(&self, interval: CandleInterval) -> impl Iterator<Item = &Candle> {
        self.candles[interval.index()].iter()
    }
}

/// Adds a trade to the last candle if it falls in the same interval
/// (offset so that days start at midnight in Bangkok), else starts one.
fn add_to_candles(candles: &mut std::collections::VecDeque<Candle>, trade: &Trade, interval_ms: i64) {
    const BANGKOK_MS: i64 = 7 * 3_600_000;
    let at_ms = (trade.at_ms + BANGKOK_MS).div_euclid(interval_ms) * interval_ms - BANGKOK_MS;
    let price = trade.price_satang;
    match candles.back_mut() {
        Some(candle) if candle.at_ms == at_ms => {
            candle.high_satang = candle.high_satang.max(price);
            candle.low_satang = candle.low_satang.min(price);
            candle.close_satang = price;
            candle.volume_tco2e += trade.qty_tco2e;
        }
        _ => candles.push_back(Candle {
            at_ms,
            open_satang: price,
            high_satang: price,
            low_satang: price,
            close_satang: price,
            volume_tco2e: trade.qty_tco2e,
        }),
    }
}

#[derive(Debug, Clone, Default)]
pub struct Market {
    instruments: BTreeMap<InstrumentId, Instrument>,
    books: BTreeMap<InstrumentId, OrderBook>,
    orders: BTreeMap<OrderId, Order>,
    trades: Vec<Trade>,
    auctions: BTreeMap<AuctionId, Auction>,
    /// Derived from the trades as they apply; not in snapshots.
    figures: BTreeMap<InstrumentId, InstrumentFigures>,
    /// The engine's report of the last call, reused so matching allocates nothing.
    scratch: Vec<engine::Event>,
}

impl Market {
    pub fn instrument(&self, id: InstrumentId) -> Option<&Instrument> {
        self.instruments.get(&id)
    }
    pub fn instruments(&self) -> impl Iterator<Item = &Instrument> {
        self.instruments.values()
    }
    pub fn instrument_of_batch(&self, batch: BatchId) -> Option<&Instrument> {
        self.instruments.values().find(|i| i.batch == batch)
    }
    pub fn book(&self, id: InstrumentId) -> Option<&OrderBook> {
        self.books.get(&id)
    }
    pub fn order(&self, id: OrderId) -> Option<&Order> {
        self.orders.get(&id)
    }
    pub fn orders(&self) -> impl DoubleEndedIterator<Item = &Order> {
        self.orders.values()
    }
    pub fn trade(&self, id: TradeId) -> Option<&Trade> {
        id.get().checked_sub(1).and_then(|index| self.trades.get(index as usize))
    }
    pub fn trades(&self) -> &[Trade] {
        &self.trades
    }
    /// The instrument whose book, trades or auctions `event` changes.
    pub fn instrument_changed_by(&self, event: &MarketEvent) -> Option<InstrumentId> {
        match event {
            MarketEvent::InstrumentListed { instrument } => Some(instrument.id),
            MarketEvent::OrderPlaced { order, .. } => Some(order.instrument),
            MarketEvent::OrderCancelled { order, .. } | MarketEvent::OrderReplaced { order, .. } => {
                self.order(*order).map(|order| order.instrument)
            }
            MarketEvent::OrdersExpired { instrument, .. } => Some(*instrument),
            MarketEvent::Traded { trade, .. } => Some(trade.instrument),
            MarketEvent::AuctionOpened { auction } => Some(auction.instrument),
            MarketEvent::BidPlaced { auction, .. } | MarketEvent::AuctionClosed { auction, .. } => {
                self.auction(*auction).map(|auction| auction.instrument)
            }
        }
    }
    /// An instrument's trading figures (empty before its first trade).
    pub fn figures(&self, id: InstrumentId) -> Option<&InstrumentFigures> {
        self.figures.get(&id)
    }
    /// An instrument's trades, in order, without looking at the others'.
    pub fn trades_of(&self, id: InstrumentId) -> impl DoubleEndedIterator<Item = &Trade> + ExactSizeIterator {
        let positions = self.figures.get(&id).map_or(&[][..], |figures| &figures.trade_positions[..]);
        positions.iter().map(|&position| &self.trades[position])
    }
    pub fn auction(&self, id: AuctionId) -> Option<&Auction> {
        self.auctions.get(&id)
    }
    pub fn auctions(&self) -> impl DoubleEndedIterator<Item = &Auction> {
        self.auctions.values()
    }
    pub(crate) fn next_instrument_id(&self) -> InstrumentId {
        InstrumentId(self.instruments.len() as u64 + 1)
    }
    pub(crate) fn next_order_id(&self) -> OrderId {
        OrderId(self.orders.len() as u64 + 1)
    }
    pub(crate) fn next_trade_id(&self) -> TradeId {
        TradeId(self.trades.len() as u64 + 1)
    }
    pub(crate) fn next_auction_id(&self) -> AuctionId {
        AuctionId(self.auctions.len() as u64 + 1)
    }

    /// Runs an order through its instrument's engine. Live, a refusal means
    /// the order is not placed; in replay the journal only holds orders the
    /// engine accepted, and the same book accepts them again.
    pub(crate) fn place(
        &mut self,
        order: &Order,
        dirty: &mut MarketDirty,
    ) -> Result<Vec<engine::Event>, engine::Rejected> {
        let book = self.books.get_mut(&order.instrument).expect("orders name listed instruments");
        self.scratch.clear();
        book.submit(&order.engine_order(), order.placed_at_ms, &mut self.scratch)?;
        self.orders.insert(order.id, order.clone());
        dirty.orders.insert(order.id);
        Ok(self.note_taker(order.id, dirty))
    }

    /// Notes the engine's report in `scratch` for the order `id` that just
    /// entered the book, which is filled if every tonne traded; returns it.
    fn note_taker(&mut self, id: OrderId, dirty: &mut MarketDirty) -> Vec<engine::Event> {
        let events = std::mem::take(&mut self.scratch);
        self.note(&events, dirty);
        if let Some(taker) = self.orders.get_mut(&id) {
            if taker.filled_tco2e == taker.qty_tco2e {
                taker.status = OrderStatus::Filled;
            }
        }
        self.scratch = events;
        self.scratch.clone()
    }

    /// Brings the orders' records in line with what the engine reported.
    fn note(&mut self, events: &[engine::Event], dirty: &mut MarketDirty) {
        for event in events {
            match *event {
                engine::Event::Fill(fill) => {
                    for (id, done) in [(fill.maker, fill.maker_done), (fill.taker, false)] {
                        let order = self.orders.get_mut(&OrderId(id.0)).expect("the engine knows only our orders");
                        order.filled_tco2e += fill.qty_tco2e.0;
                        if done {
                            order.status = OrderStatus::Filled;
                        }
                        dirty.orders.insert(order.id);
                    }
                }
                engine::Event::Dropped { id, .. } => self.set_status(OrderId(id.0), OrderStatus::Done, dirty),
                engine::Event::Cancelled { id, reason, .. } => {
                    let status = match reason {
                        engine::CancelReason::SelfTrade => OrderStatus::SelfTrade,
                        engine::CancelReason::Expired => OrderStatus::Expired,
                        engine::CancelReason::Requested => OrderStatus::Cancelled,
                        // The same order enters again at once: it stays open.
                        engine::CancelReason::Replaced => continue,
                    };
                    self.set_status(OrderId(id.0), status, dirty);
                }
                engine::Event::Rested { .. } | engine::Event::Reduced { .. } => {}
            }
        }
    }

    fn set_status(&mut self, id: OrderId, status: OrderStatus, dirty: &mut MarketDirty) {
        let order = self.orders.get_mut(&id).expect("the engine knows only our orders");
        order.status = if order.filled_tco2e == order.qty_tco2e { OrderStatus::Filled } else { status };
        dirty.orders.insert(id);
    }

    /// Removes a resting order at its owner's request.
    pub(crate) fn cancel(&mut self, id: OrderId, dirty: &mut MarketDirty) -> Result<(), engine::Rejected> {
        let order = self.orders.get(&id).expect("cancels name known orders");
        let book = self.books.get_mut(&order.instrument).expect("orders name listed instruments");
        self.scratch.clear();
        book.cancel(engine::OrderId(id.get()), &mut self.scratch)?;
        let events = std::mem::take(&mut self.scratch);
        self.note(&events, dirty);
        self.scratch = events;
        Ok(())
    }

    /// Gives a resting order a new limit and `qty_tco2e` left to trade,
    /// backed by `escrow`; returns the engine's report (fills if it now
    /// crosses). A refusal changes nothing.
    pub(crate) fn replace(
        &mut self,
        id: OrderId,
        (price_satang, qty_tco2e): (u64, u64),
        escrow: &Escrow,
        at_ms: i64,
        dirty: &mut MarketDirty,
    ) -> Result<Vec<engine::Event>, engine::Rejected> {
        let order = self.orders.get_mut(&id).expect("replaces name known orders");
        let book = self.books.get_mut(&order.instrument).expect("orders name listed instruments");
        self.scratch.clear();
        let (price, qty) = (engine::PriceSatang(price_satang as i64), engine::QtyTco2e(qty_tco2e));
        book.replace(engine::OrderId(id.get()), price, qty, at_ms, &mut self.scratch)?;
        order.price_satang = Some(price_satang);
        order.qty_tco2e = order.filled_tco2e + qty_tco2e;
        order.escrow = escrow.clone();
        order.replaced += 1;
        dirty.orders.insert(id);
        Ok(self.note_taker(id, dirty))
    }

    /// The earliest time a resting order of any book expires: when
    /// `ExpireOrders` next has work. One look per book, each an index lookup.
    pub fn next_expiry_ms(&self) -> Option<i64> {
        self.books.values().filter_map(OrderBook::next_expiry_ms).min()
    }

    /// The instruments whose books hold an order expired at `now_ms`.
    pub fn instruments_to_expire(&self, now_ms: i64) -> Vec<InstrumentId> {
        let due = |book: &OrderBook| book.next_expiry_ms().is_some_and(|at_ms| at_ms <= now_ms);
        self.books.iter().filter(|(_, book)| due(book)).map(|(id, _)| *id).collect()
    }

    /// Takes the expired resting orders out of a book; returns the engine's report.
    pub(crate) fn expire(
        &mut self,
        instrument: InstrumentId,
        at_ms: i64,
        dirty: &mut MarketDirty,
    ) -> Vec<engine::Event> {
        let book = self.books.get_mut(&instrument).expect("expiries name listed instruments");
        self.scratch.clear();
        book.expire(at_ms, &mut self.scratch);
        let events = std::mem::take(&mut self.scratch);
        self.note(&events, dirty);
        self.scratch = events;
        self.scratch.clone()
    }

    /// The market as a snapshot keeps it: every record, and each book as
    /// its resting orders in priority order.
    pub(crate) fn image(&self) -> MarketImage<'_> {
        let books = self.books.iter().map(|(id, book)| (*id, book.config(), book.orders().collect())).collect();
        MarketImage {
            instruments: Cow::Borrowed(&self.instruments),
            books,
            orders: Cow::Borrowed(&self.orders),
            trades: Cow::Borrowed(self.trades.as_slice()),
            auctions: Cow::Borrowed(&self.auctions),
        }
    }

    /// The market a snapshot's image describes; its books are rebuilt from
    /// their resting orders.
    pub(crate) fn from_image(image: MarketImage<'_>) -> Result<Market, String> {
        let mut books = BTreeMap::new();
        for (id, config, resting) in image.books {
            let book = OrderBook::restore(config, resting).map_err(|why| format!("instrument {}: {why}", id.get()))?;
            books.insert(id, book);
        }
        let trades = image.trades.into_owned();
        let mut figures: BTreeMap<InstrumentId, InstrumentFigures> = BTreeMap::new();
        for (position, trade) in trades.iter().enumerate() {
            figures.entry(trade.instrument).or_default().add(position, trade);
        }
        Ok(Market {
            instruments: image.instruments.into_owned(),
            books,
            orders: image.orders.into_owned(),
            trades,
            auctions: image.auctions.into_owned(),
            figures,
            scratch: Vec::new(),
        })
    }

    /// Applies a market event. `OrderPlaced`, `OrderCancelled`,
    /// `OrderReplaced` and `OrdersExpired` run the engine; live, `trade/` has run it already
    /// through the same functions and records the event without applying it again.
    pub fn apply(&mut self, event: &MarketEvent, dirty: &mut MarketDirty) {
        match event {
            MarketEvent::InstrumentListed { instrument } => {
                let config = BookConfig::new(instrument.tick_satang as i64);
                self.books.insert(instrument.id, OrderBook::new(config));
                self.instruments.insert(instrument.id, instrument.clone());
                dirty.instruments.insert(instrument.id);
            }
            MarketEvent::OrderPlaced { order, .. } => {
                self.place(order, dirty).expect("a journaled order was accepted by the same book");
            }
            MarketEvent::OrderCancelled { order, .. } => {
                self.cancel(*order, dirty).expect("a journaled cancel named a resting order");
            }
            MarketEvent::OrderReplaced { order, price_satang, qty_tco2e, escrow, at_ms } => {
                self.replace(*order, (*price_satang, *qty_tco2e), escrow, *at_ms, dirty)
                    .expect("a journaled replace was accepted by the same book");
            }
            MarketEvent::OrdersExpired { instrument, at_ms } => {
                self.expire(*instrument, *at_ms, dirty);
            }
            // The settlement is the registry's and the ledger's: `App::apply_market`.
            MarketEvent::Traded { trade, .. } => self.record_trade(trade, dirty),
            MarketEvent::AuctionOpened { auction } => {
                self.auctions.insert(auction.id, auction.clone());
                dirty.auctions.insert(auction.id);
            }
            MarketEvent::BidPlaced { auction, bid } => {
                self.auctions.get_mut(auction).expect("bids name open auctions").bids.push(bid.clone());
                dirty.auctions.insert(*auction);
            }
            MarketEvent::AuctionClosed { auction, price_satang, allocations } => {
                let record = self.auctions.get_mut(auction).expect("closes name open auctions");
                for (number, tonnes) in allocations {
                    record.bids[*number as usize - 1].allocated_tco2e = *tonnes;
                }
                record.price_satang = *price_satang;
                record.sold_tco2e = allocations.iter().map(|(_, tonnes)| tonnes).sum();
                record.status = if price_satang.is_some() { AuctionStatus::Cleared } else { AuctionStatus::NoSale };
                dirty.auctions.insert(*auction);
            }
        }
    }

    pub(crate) fn record_trade(&mut self, trade: &Trade, dirty: &mut MarketDirty) {
        debug_assert_eq!(trade.id, self.next_trade_id(), "trades are numbered in order");
        self.figures.entry(trade.instrument).or_default().add(self.trades.len(), trade);
        self.trades.push(trade.clone());
        dirty.trades.insert(trade.id);
    }

    /// The book's own invariants, and every open order resting in it.
    pub fn check_invariants(&self) -> Result<(), String> {
        for (id, book) in &self.books {
            book.check_invariants().map_err(|why| format!("{id}: {why}"))?;
            for resting in book.orders() {
                let order = self
                    .orders
                    .get(&OrderId(resting.id.0))
                    .ok_or_else(|| format!("{id}: order {} rests but is unknown", resting.id))?;
                if order.status != OrderStatus::Open || order.remaining_tco2e() != resting.qty_tco2e.0 {
                    return Err(format!(
                        "{}: the book has {} left, the record {:?}",
                        order.id, resting.qty_tco2e, order
                    ));
                }
            }
        }
        for trade in &self.trades {
            let delivered: u64 = trade.ranges.iter().map(|range| range.len()).sum();
            if !trade.ranges.is_empty() && delivered != trade.qty_tco2e {
                return Err(format!("{} sold {} t but names {delivered} units", trade.id, trade.qty_tco2e));
            }
        }
        let open = self.orders.values().filter(|o| o.status == OrderStatus::Open).count();
        let resting: usize = self.books.values().map(OrderBook::len).sum();
        if open != resting {
            return Err(format!("{open} orders are open but {resting} rest in the books"));
        }
        Ok(())
    }
}
