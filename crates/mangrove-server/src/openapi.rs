//! The OpenAPI 3 document, generated from the handlers' annotations.

use crate::health;
use crate::routes::{commands, dashboard, explorer, market, measure, monitoring, people, public, reductions};
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(title = "Mangrove", description = "Rayong's carbon-credit registry: projects, issuance, transfers, retirements and proofs."),
    paths(
        people::login, people::logout, people::me, people::create_user, people::list_users,
        commands::create_organisation, commands::create_credit_class, commands::draft_project, commands::update_project,
        commands::submit_project, commands::review_project, commands::register_project, commands::submit_report,
        commands::review_report, commands::issue_credits, commands::report_loss, commands::transfer, commands::retire,
        commands::cancel, commands::place_hold, commands::release_hold,
        public::projects, public::project, public::batches, public::batch, public::serial, public::retirements,
        public::retirement, public::retirement_proof, public::tree_head, public::inclusion_proof,
        public::consistency_proof, public::stats, public::organisations, public::credit_classes, public::reports,
        public::account, explorer::trade, explorer::batch_trades, explorer::serial_trades, explorer::account_trades,
        measure::register_factory, measure::factories, measure::factory, measure::record_year, measure::set_target,
        measure::inventory, measure::inventory_csv, measure::progress, dashboard::dashboard,
        reductions::register_reduction, reductions::reductions, reductions::reduction, reductions::promote_reduction,
        reductions::publish_practice, reductions::practices, monitoring::submit_forestry_report,
        market::exchange, market::open_exchange, market::instruments, market::instrument, market::list_instrument,
        market::book, market::instrument_candles, market::trades, market::orders, market::place_order,
        market::cancel_order, market::replace_order, market::auctions, market::auction, market::open_auction, market::place_bid,
        market::close_auction, market::cash, market::record_deposit, market::record_withdrawal,
        health::healthz, health::readyz,
    ),
    tags(
        (name = "public", description = "Read without signing in"),
        (name = "registry", description = "Commands that change the registry"),
        (name = "people", description = "Sign-in and users"),
        (name = "measure", description = "Factories, inventories and the province dashboard"),
        (name = "market", description = "The exchange: instruments, orders, trades, auctions and cash"),
        (name = "health", description = "Liveness and readiness, at the root rather than under /api/v1"),
    )
)]
pub struct ApiDoc;

pub async fn document() -> axum::Json<utoipa::openapi::OpenApi> {
    axum::Json(ApiDoc::openapi())
}
