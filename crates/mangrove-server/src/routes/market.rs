//! The exchange over HTTP: instruments with their book, trades and candles
//! (public); orders, fills and cash for the signed-in organisation; call
//! auctions whose bids stay sealed until they close; the operator's cash
//! desk; and a WebSocket stream of trades and the book.

use super::{PageQuery, Paged};
use crate::auth::{CurrentUser, MaybeUser};
use crate::error::{ApiError, ApiResult};
use crate::extract::{IdempotencyKey, Json, Path, Query};
use crate::routes::commands::{submit, Answer};
use crate::AppState;
use axum::extract::State;
use mangrove_app::market::{Candle, CandleInterval};
use mangrove_app::query::{
    self, auction_view, book_view, instrument_view, order_view, trade_view, AuctionView, BookView, CashView,
    InstrumentView, OrderView, TradeView,
};
use mangrove_app::{App, MarketCommand};
use mangrove_core::{AuctionId, BatchId, InstrumentId, OrderId, OrgId};
use mangrove_exchange::{OrderKind, Side, TimeInForce};
use mangrove_ledger::{AccountKind, Asset};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Price levels a book answer shows per side, at most.
pub const BOOK_LEVELS_MAX: usize = 50;

fn instrument_or_404(app: &App, id: u64) -> ApiResult<InstrumentView> {
    instrument_view(app, InstrumentId(id)).ok_or_else(|| ApiError::not_found(format!("there is no instrument {id}")))
}

#[utoipa::path(get, path = "/instruments", tag = "market", responses((status = 200, body = Vec<InstrumentView>)))]
pub async fn instruments(State(state): State<AppState>) -> axum::Json<Vec<InstrumentView>> {
    let ledger = state.store.ledger().read().await;
    let app = &ledger.app;
    axum::Json(app.market.instruments().filter_map(|i| instrument_view(app, i.id)).collect())
}

#[utoipa::path(get, path = "/instruments/{id}", tag = "market", responses((status = 200, body = InstrumentView), (status = 404)))]
pub async fn instrument(State(state): State<AppState>, Path(id): Path<u64>) -> ApiResult<axum::Json<InstrumentView>> {
    let ledger = state.store.ledger().read().await;
    Ok(axum::Json(instrument_or_404(&ledger.app, id)?))
}

#[derive(Deserialize, ToSchema)]
pub struct NewInstrument {
    pub batch_id: u64,
    /// The price step in satang (100 = one baht).
    pub tick_satang: u64,
}

#[utoipa::path(post, path = "/instruments", tag = "market", request_body = NewInstrument,
    responses((status = 200, body = crate::routes::commands::CommandResponse)))]
pub async fn list_instrument(
    State(state): State<AppState>,
    user: CurrentUser,
    key: IdempotencyKey,
    Json(body): Json<NewInstrument>,
) -> Answer {
    let command = MarketCommand::ListInstrument { batch: BatchId(body.batch_id), tick_satang: body.tick_satang };
    submit(&state, &user, key, command).await
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct DepthQuery {
    /// Price levels per side, 1 to 50.
    pub levels: Option<usize>,
}

#[utoipa::path(get, path = "/instruments/{id}/book", tag = "market", params(DepthQuery), responses((status = 200, body = BookView), (status = 404)))]
pub async fn book(
    State(state): State<AppState>,
    Path(id): Path<u64>,
    Query(depth): Query<DepthQuery>,
) -> ApiResult<axum::Json<BookView>> {
    let ledger = state.store.ledger().read().await;
    let levels = depth.levels.unwrap_or(20).clamp(1, BOOK_LEVELS_MAX);
    book_view(&ledger.app, InstrumentId(id), levels)
        .map(axum::Json)
        .ok_or_else(|| ApiError::not_found(format!("there is no instrument {id}")))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct TradeFilter {
    pub instrument: Option<u64>,
    /// Only the signed-in organisation's trades (its fills).
    pub mine: Option<bool>,
}

#[utoipa::path(get, path = "/trades", tag = "market", params(PageQuery, TradeFilter), responses((status = 200, body = Paged<TradeView>)))]
pub async fn trades(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    Query(page): Query<PageQuery>,
    Query(filter): Query<TradeFilter>,
) -> ApiResult<axum::Json<Paged<TradeView>>> {
    let mine = match (filter.mine.unwrap_or(false), &user) {
        (false, _) => None,
        (true, Some(user)) => Some(user.org()),
        (true, None) => return Err(ApiError::unauthenticated()),
    };
    let ledger = state.store.ledger().read().await;
    let app = &ledger.app;
    let rows = query::trades(app, filter.instrument.map(InstrumentId), mine);
    Ok(axum::Json(page.take(rows, |t| trade_view(app, t))))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct CandleQuery {
    /// `minute`, `hour` or `day` (Bangkok days).
    pub interval: Option<String>,
}

#[utoipa::path(get, path = "/instruments/{id}/candles", tag = "market", params(CandleQuery), responses((status = 200, body = Vec<Candle>), (status = 404)))]
pub async fn instrument_candles(
    State(state): State<AppState>,
    Path(id): Path<u64>,
    Query(query): Query<CandleQuery>,
) -> ApiResult<axum::Json<Vec<Candle>>> {
    let asked = query.interval.as_deref().unwrap_or("hour");
    let interval = CandleInterval::parse(asked)
        .ok_or_else(|| ApiError::invalid("interval", format!("the interval is minute, hour or day, not {asked}")))?;
    let ledger = state.store.ledger().read().await;
    let app = &ledger.app;
    instrument_or_404(app, id)?;
    let candles = app.market.figures(InstrumentId(id)).into_iter().flat_map(|figures| figures.candles(interval));
    Ok(axum::Json(candles.copied().collect()))
}

#[derive(Deserialize, ToSchema)]
pub struct NewOrder {
    pub instrument_id: u64,
    #[schema(value_type = String)]
    pub side: Side,
    /// `limit` or `market`.
    #[serde(rename = "type")]
    #[schema(value_type = String)]
    pub kind: OrderKind,
    /// Per tonne, a multiple of the instrument's tick; none for a market order.
    pub price_satang: Option<u64>,
    pub qty_tco2e: u64,
    /// `gtc` (default), `ioc`, `fok` or `post_only`.
    #[schema(value_type = Option<String>)]
    pub tif: Option<TimeInForce>,
    pub expires_at_ms: Option<i64>,
}

/// Places an order from the signed-in organisation's account: a sell holds
/// its credits, a buy holds its cash, until it trades or leaves the book.
#[utoipa::path(post, path = "/orders", tag = "market", request_body = NewOrder,
    responses((status = 200, body = crate::routes::commands::CommandResponse), (status = 409, body = crate::error::ErrorBody)))]
pub async fn place_order(
    State(state): State<AppState>,
    user: CurrentUser,
    key: IdempotencyKey,
    Json(body): Json<NewOrder>,
) -> Answer {
    let account = own_account(&state, &user).await?;
    let command = MarketCommand::PlaceOrder {
        instrument: InstrumentId(body.instrument_id),
        account,
        side: body.side,
        kind: body.kind,
        price_satang: body.price_satang,
        qty_tco2e: body.qty_tco2e,
        tif: body.tif.unwrap_or(TimeInForce::Gtc),
        expires_at_ms: body.expires_at_ms,
    };
    submit(&state, &user, key, command).await
}

async fn own_account(state: &AppState, user: &CurrentUser) -> ApiResult<mangrove_core::AccountId> {
    let ledger = state.store.ledger().read().await;
    user.holding_account(&ledger.app.registry).ok_or_else(|| ApiError::not_found("you have no holding account"))
}

#[utoipa::path(post, path = "/orders/{id}/cancel", tag = "market",
    responses((status = 200, body = crate::routes::commands::CommandResponse)))]
pub async fn cancel_order(
    State(state): State<AppState>,
    user: CurrentUser,
    key: IdempotencyKey,
    Path(id): Path<u64>,
) -> Answer {
    submit(&state, &user, key, MarketCommand::CancelOrder { order: OrderId(id) }).await
}

#[derive(Deserialize, ToSchema)]
pub struct OrderChange {
    /// The new limit per tonne, a multiple of the instrument's tick; the order keeps its own when absent.
    pub price_satang: Option<u64>,
    /// The tonnes the order is to have left to trade (what has traded stays traded).
    pub qty_tco2e: u64,
}

/// Cancel/replace of a resting order of the signed-in organisation in one
/// step. A smaller quantity at the same price keeps the order's place in
/// the queue; a new price or a larger quantity sends it to the back of its
/// new price, where it may trade at once. The escrow follows: a sell holds
/// its new quantity of credits, a buy holds its new limit for every tonne.
#[utoipa::path(post, path = "/orders/{id}/replace", tag = "market", request_body = OrderChange,
    responses(
        (status = 200, body = crate::routes::commands::CommandResponse),
        (status = 403, description = "Not the organisation's order", body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody),
        (status = 409, description = "No longer in the book, not enough credits or cash, or a post-only order would trade", body = crate::error::ErrorBody),
        (status = 422, description = "A quantity or price out of range or off the tick, nothing to change, or the order has expired", body = crate::error::ErrorBody),
    ))]
pub async fn replace_order(
    State(state): State<AppState>,
    user: CurrentUser,
    key: IdempotencyKey,
    Path(id): Path<u64>,
    Json(body): Json<OrderChange>,
) -> Answer {
    let command =
        MarketCommand::ReplaceOrder { order: OrderId(id), price_satang: body.price_satang, qty_tco2e: body.qty_tco2e };
    submit(&state, &user, key, command).await
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct OrderFilter {
    pub instrument: Option<u64>,
    /// `open` (resting) or `all` (default).
    pub status: Option<String>,
}

/// The signed-in organisation's orders, newest first.
#[utoipa::path(get, path = "/orders", tag = "market", params(PageQuery, OrderFilter), responses((status = 200, body = Paged<OrderView>)))]
pub async fn orders(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(page): Query<PageQuery>,
    Query(filter): Query<OrderFilter>,
) -> ApiResult<axum::Json<Paged<OrderView>>> {
    let open_only = match filter.status.as_deref().unwrap_or("all") {
        "open" => true,
        "all" => false,
        other => return Err(ApiError::invalid("status", format!("the status is open or all, not {other}"))),
    };
    let ledger = state.store.ledger().read().await;
    let app = &ledger.app;
    let rows = query::own_orders(app, &user.actor(), filter.instrument.map(InstrumentId), open_only);
    Ok(axum::Json(page.take(rows, |o| order_view(app, o))))
}

#[utoipa::path(get, path = "/auctions", tag = "market", params(PageQuery), responses((status = 200, body = Paged<AuctionView>)))]
pub async fn auctions(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    Query(page): Query<PageQuery>,
) -> axum::Json<Paged<AuctionView>> {
    let ledger = state.store.ledger().read().await;
    let app = &ledger.app;
    let rows = app.market.auctions().rev();
    axum::Json(page.take(rows, |a| auction_view(app, a, user.as_ref().map(CurrentUser::actor).as_ref())))
}

#[utoipa::path(get, path = "/auctions/{id}", tag = "market", responses((status = 200, body = AuctionView), (status = 404)))]
pub async fn auction(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    Path(id): Path<u64>,
) -> ApiResult<axum::Json<AuctionView>> {
    let ledger = state.store.ledger().read().await;
    let app = &ledger.app;
    let record =
        app.market.auction(AuctionId(id)).ok_or_else(|| ApiError::not_found(format!("there is no auction {id}")))?;
    Ok(axum::Json(auction_view(app, record, user.as_ref().map(CurrentUser::actor).as_ref())))
}

#[derive(Deserialize, ToSchema)]
pub struct NewAuction {
    pub instrument_id: u64,
    /// The selling organisation (the operator runs sales for sellers); defaults to the caller's.
    pub seller_org_id: Option<u64>,
    pub supply_tco2e: u64,
    pub reserve_satang: u64,
    pub closes_at_ms: i64,
}

#[utoipa::path(post, path = "/auctions", tag = "market", request_body = NewAuction,
    responses((status = 200, body = crate::routes::commands::CommandResponse)))]
pub async fn open_auction(
    State(state): State<AppState>,
    user: CurrentUser,
    key: IdempotencyKey,
    Json(body): Json<NewAuction>,
) -> Answer {
    let seller = body.seller_org_id.map(OrgId).or(user.org()).ok_or_else(|| {
        ApiError::invalid("seller_org_id", "an auction is an organisation's: name the organisation that sells")
    })?;
    let account = {
        let ledger = state.store.ledger().read().await;
        ledger.app.registry.organisation(seller).map(|org| org.account).ok_or_else(|| {
            ApiError::not_found(format!("there is no organisation {}", seller.get())).with_field("seller_org_id")
        })?
    };
    let command = MarketCommand::OpenAuction {
        instrument: InstrumentId(body.instrument_id),
        account,
        supply_tco2e: body.supply_tco2e,
        reserve_satang: body.reserve_satang,
        closes_at_ms: body.closes_at_ms,
    };
    submit(&state, &user, key, command).await
}

#[derive(Deserialize, ToSchema)]
pub struct NewBid {
    pub price_satang: u64,
    pub qty_tco2e: u64,
}

#[utoipa::path(post, path = "/auctions/{id}/bids", tag = "market", request_body = NewBid,
    responses((status = 200, body = crate::routes::commands::CommandResponse)))]
pub async fn place_bid(
    State(state): State<AppState>,
    user: CurrentUser,
    key: IdempotencyKey,
    Path(id): Path<u64>,
    Json(body): Json<NewBid>,
) -> Answer {
    let account = own_account(&state, &user).await?;
    let command = MarketCommand::PlaceBid {
        auction: AuctionId(id),
        account,
        price_satang: body.price_satang,
        qty_tco2e: body.qty_tco2e,
    };
    submit(&state, &user, key, command).await
}

#[utoipa::path(post, path = "/auctions/{id}/close", tag = "market",
    responses((status = 200, body = crate::routes::commands::CommandResponse)))]
pub async fn close_auction(
    State(state): State<AppState>,
    user: CurrentUser,
    key: IdempotencyKey,
    Path(id): Path<u64>,
) -> Answer {
    submit(&state, &user, key, MarketCommand::CloseAuction { auction: AuctionId(id) }).await
}

/// The signed-in organisation's baht (or a person's own): balance, what orders and bids hold, recent movements.
#[utoipa::path(get, path = "/cash", tag = "market", responses((status = 200, body = CashView)))]
pub async fn cash(State(state): State<AppState>, user: CurrentUser) -> axum::Json<CashView> {
    let ledger = state.store.ledger().read().await;
    axum::Json(query::cash_view(&ledger.app, &user.actor()))
}

#[derive(Deserialize, ToSchema)]
pub struct BankTransfer {
    pub org_id: u64,
    pub amount_satang: u64,
    /// The bank's reference; recording it twice changes nothing.
    pub reference: String,
}

#[utoipa::path(post, path = "/cash/deposits", tag = "market", request_body = BankTransfer,
    responses((status = 200, body = crate::routes::commands::CommandResponse)))]
pub async fn record_deposit(
    State(state): State<AppState>,
    user: CurrentUser,
    key: IdempotencyKey,
    Json(body): Json<BankTransfer>,
) -> Answer {
    let command = MarketCommand::RecordDeposit {
        org: OrgId(body.org_id),
        amount_satang: body.amount_satang,
        reference: body.reference,
    };
    submit(&state, &user, key, command).await
}

#[utoipa::path(post, path = "/cash/withdrawals", tag = "market", request_body = BankTransfer,
    responses((status = 200, body = crate::routes::commands::CommandResponse)))]
pub async fn record_withdrawal(
    State(state): State<AppState>,
    user: CurrentUser,
    key: IdempotencyKey,
    Json(body): Json<BankTransfer>,
) -> Answer {
    let command = MarketCommand::RecordWithdrawal {
        org: OrgId(body.org_id),
        amount_satang: body.amount_satang,
        reference: body.reference,
    };
    submit(&state, &user, key, command).await
}

#[derive(Deserialize, Serialize, ToSchema)]
pub struct ExchangeSettings {
    /// The fee on trades in basis points (50 = 0.5 %), paid by the seller.
    pub fee_bps: u32,
}

#[utoipa::path(put, path = "/exchange", tag = "market", request_body = ExchangeSettings,
    responses((status = 200, body = crate::routes::commands::CommandResponse)))]
pub async fn open_exchange(
    State(state): State<AppState>,
    user: CurrentUser,
    key: IdempotencyKey,
    Json(body): Json<ExchangeSettings>,
) -> Answer {
    submit(&state, &user, key, MarketCommand::OpenExchange { fee_bps: body.fee_bps }).await
}

#[derive(Serialize, ToSchema)]
pub struct ExchangeView {
    pub open: bool,
    pub fee_bps: u32,
}

#[utoipa::path(get, path = "/exchange", tag = "market", responses((status = 200, body = ExchangeView)))]
pub async fn exchange(State(state): State<AppState>) -> axum::Json<ExchangeView> {
    let ledger = state.store.ledger().read().await;
    let app = &ledger.app;
    axum::Json(ExchangeView {
        open: app.ledger.operator_account(AccountKind::Clearing, Asset::Thb).is_some(),
        fee_bps: app.ledger.fee_bps(Asset::Thb).get(),
    })
}
