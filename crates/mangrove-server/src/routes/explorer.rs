//! The exchange as the registry's explorer shows it: every trade with the
//! serial units it delivered from the seller's account to the buyer's, so
//! that a movement of credits that came from a trade (or an auction's
//! allocation) says so, at what price and between which orders. Listed by
//! batch, by serial range, by account, or one by one; public, like the
//! exchange's own list of trades, and newest first.

use super::public::serial_batch;
use super::{PageQuery, Paged};
use crate::error::{ApiError, ApiResult};
use crate::extract::{Path, Query};
use crate::AppState;
use axum::extract::State;
use axum::Json;
use mangrove_app::market::Trade;
use mangrove_app::query::{trade_view, TradeView};
use mangrove_app::App;
use mangrove_core::{AccountId, BatchId, TradeId};
use mangrove_registry::UnitRange;
use serde::Serialize;

/// A trade with what it moved in the registry.
#[derive(Serialize, utoipa::ToSchema)]
pub struct TradeDelivery {
    #[serde(flatten)]
    pub trade: TradeView,
    /// `TH-RYG-<project>-<vintage>-<batch>`, the instrument traded.
    pub instrument_code: String,
    pub batch_id: u64,
    pub project_id: u64,
    pub project_name: String,
    pub buyer_account_id: u64,
    pub seller_account_id: u64,
    /// The orders that met, for a trade on the book; none for an auction's allocation.
    pub buyer_order_id: Option<u64>,
    pub seller_order_id: Option<u64>,
    /// The serials delivered to the buyer. Empty only for a trade journaled
    /// before trades named their units.
    pub serials: Vec<String>,
}

fn delivery(app: &App, trade: &Trade) -> TradeDelivery {
    let registry = &app.registry;
    let instrument = app.market.instrument(trade.instrument);
    let batch = instrument.map_or(BatchId(0), |instrument| instrument.batch);
    let project = instrument.and_then(|instrument| registry.project(instrument.project));
    TradeDelivery {
        trade: trade_view(app, trade),
        instrument_code: instrument.map(|instrument| instrument.code.clone()).unwrap_or_default(),
        batch_id: batch.get(),
        project_id: project.map_or(0, |project| project.id.get()),
        project_name: project.map(|project| project.name.clone()).unwrap_or_default(),
        buyer_account_id: trade.buyer.account.get(),
        seller_account_id: trade.seller.account.get(),
        buyer_order_id: trade.buyer.order.map(|order| order.get()),
        seller_order_id: trade.seller.order.map(|order| order.get()),
        serials: app.trade_serials(trade),
    }
}

/// The trades that `keep` admits, newest first, one page of them.
fn page_of(app: &App, page: &PageQuery, keep: impl Fn(&Trade) -> bool) -> Paged<TradeDelivery> {
    page.take(app.market.trades().iter().rev().filter(|trade| keep(trade)), |trade| delivery(app, trade))
}

fn overlaps(a: UnitRange, b: UnitRange) -> bool {
    a.first <= b.last && b.first <= a.last
}

#[utoipa::path(get, path = "/trades/{id}", tag = "public",
    responses((status = 200, body = TradeDelivery), (status = 404)))]
pub async fn trade(State(state): State<AppState>, Path(id): Path<u64>) -> ApiResult<Json<TradeDelivery>> {
    let ledger = state.store.ledger().read().await;
    let trade =
        ledger.app.market.trade(TradeId(id)).ok_or_else(|| ApiError::not_found(format!("there is no trade {id}")))?;
    Ok(Json(delivery(&ledger.app, trade)))
}

/// The trades that moved units of a batch (none if it was never listed).
#[utoipa::path(get, path = "/batches/{id}/trades", tag = "public", params(PageQuery),
    responses((status = 200, body = Paged<TradeDelivery>), (status = 404)))]
pub async fn batch_trades(
    State(state): State<AppState>,
    Path(id): Path<u64>,
    Query(page): Query<PageQuery>,
) -> ApiResult<Json<Paged<TradeDelivery>>> {
    let ledger = state.store.ledger().read().await;
    let app = &ledger.app;
    app.registry.batch(BatchId(id)).ok_or_else(|| ApiError::not_found(format!("there is no batch {id}")))?;
    let instrument = app.market.instrument_of_batch(BatchId(id)).map(|instrument| instrument.id);
    Ok(Json(page_of(app, &page, |trade| Some(trade.instrument) == instrument)))
}

/// The trades that moved any unit of a serial range.
#[utoipa::path(get, path = "/serials/{serial}/trades", tag = "public", params(PageQuery),
    responses((status = 200, body = Paged<TradeDelivery>), (status = 404), (status = 422)))]
pub async fn serial_trades(
    State(state): State<AppState>,
    Path(text): Path<String>,
    Query(page): Query<PageQuery>,
) -> ApiResult<Json<Paged<TradeDelivery>>> {
    let ledger = state.store.ledger().read().await;
    let app = &ledger.app;
    let (serial, batch) = serial_batch(&app.registry, &text)?;
    let instrument = app.market.instrument_of_batch(batch.id).map(|instrument| instrument.id);
    Ok(Json(page_of(app, &page, |trade| {
        Some(trade.instrument) == instrument && trade.ranges.iter().any(|range| overlaps(*range, serial.range))
    })))
}

/// The trades an account bought or sold in.
#[utoipa::path(get, path = "/accounts/{id}/trades", tag = "public", params(PageQuery),
    responses((status = 200, body = Paged<TradeDelivery>), (status = 404)))]
pub async fn account_trades(
    State(state): State<AppState>,
    Path(id): Path<u64>,
    Query(page): Query<PageQuery>,
) -> ApiResult<Json<Paged<TradeDelivery>>> {
    let ledger = state.store.ledger().read().await;
    let app = &ledger.app;
    let account = AccountId(id);
    app.registry.account(account).ok_or_else(|| ApiError::not_found(format!("there is no account {id}")))?;
    Ok(Json(page_of(app, &page, |trade| trade.buyer.account == account || trade.seller.account == account)))
}
