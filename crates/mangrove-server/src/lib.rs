//! The HTTP face of Mangrove: JSON under `/api/v1`, OpenAPI 3 at
//! `/api/openapi.json`, sessions, and errors as `{"error": {...}}`. Only
//! this crate knows HTTP. Handlers are thin: they parse, turn the request
//! into a registry command submitted as the signed-in user, and shape the
//! answer; the registry itself decides roles and ownership.
//!
//! ```no_run
//! # async fn example() -> anyhow::Result<()> {
//! use mangrove_store::{Store, StoreOptions};
//! let store = Store::open(StoreOptions::new("mangrove.db")).await?;
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! mangrove_server::serve(listener, store, std::future::pending()).await?;
//! # Ok(()) }
//! ```

pub mod auth;
pub mod error;
pub mod expiry;
pub mod extract;
pub mod guard;
pub mod health;
pub mod openapi;
pub mod routes;
pub mod web;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;
use mangrove_store::Store;
use routes::{commands, dashboard, explorer, market, measure, monitoring, people, public, reductions, stream};
use std::future::Future;

/// Largest request body: room for a 256 KiB calculation record and its JSON.
pub const REQUEST_BODY_BYTES_MAX: usize = 512 * 1024;

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub dashboard: routes::dashboard::DashboardCache,
    pub guard: std::sync::Arc<guard::Guard>,
}

impl AppState {
    pub fn new(store: Store) -> Self {
        Self::with_options(store, guard::ServerOptions::default())
    }
    pub fn with_options(store: Store, options: guard::ServerOptions) -> Self {
        AppState { store, dashboard: Default::default(), guard: std::sync::Arc::new(guard::Guard::new(options)) }
    }
}

/// The whole application: API, OpenAPI document and a fallback.
pub fn router(store: Store) -> Router {
    router_with(store, guard::ServerOptions::default())
}

/// The application for a deployment reached as `options` says (see `guard`).
pub fn router_with(store: Store, options: guard::ServerOptions) -> Router {
    let state = AppState::with_options(store.clone(), options);
    let api = Router::new()
        .route("/auth/login", post(people::login))
        .route("/auth/logout", post(people::logout))
        .route("/me", get(people::me))
        .route("/users", get(people::list_users).post(people::create_user))
        .route("/users/{id}/disable", post(people::disable_user))
        .route("/organisations/{id}/users", get(people::organisation_users))
        .route("/organisations", get(public::organisations).post(commands::create_organisation))
        .route("/credit-classes", get(public::credit_classes).post(commands::create_credit_class))
        .route("/projects", get(public::projects).post(commands::draft_project))
        .route("/projects/{id}", get(public::project).put(commands::update_project))
        .route("/projects/{id}/submit", post(commands::submit_project))
        .route("/projects/{id}/review", post(commands::review_project))
        .route("/projects/{id}/register", post(commands::register_project))
        .route("/projects/{id}/reports", post(commands::submit_report))
        .route(
            "/projects/{id}/reports/forestry",
            post(monitoring::submit_forestry_report).layer(DefaultBodyLimit::max(measure::IMPORT_BODY_BYTES_MAX)),
        )
        .route("/projects/{id}/losses", post(commands::report_loss))
        .route("/reports", get(public::reports))
        .route("/reports/{id}/review", post(commands::review_report))
        .route("/reports/{id}/issue", post(commands::issue_credits))
        .route("/batches", get(public::batches))
        .route("/batches/{id}", get(public::batch))
        .route("/batches/{id}/trades", get(explorer::batch_trades))
        .route("/serials/{serial}", get(public::serial))
        .route("/serials/{serial}/trades", get(explorer::serial_trades))
        .route("/accounts/{id}", get(public::account))
        .route("/accounts/{id}/trades", get(explorer::account_trades))
        .route("/accounts/{id}/transfers", post(commands::transfer))
        .route("/accounts/{id}/retirements", post(commands::retire))
        .route("/accounts/{id}/cancellations", post(commands::cancel))
        .route("/accounts/{id}/holds", post(commands::place_hold))
        .route("/holds/{id}/release", post(commands::release_hold))
        .route("/retirements", get(public::retirements))
        .route("/retirements/{id}", get(public::retirement))
        .route("/retirements/{id}/proof", get(public::retirement_proof))
        .route("/tree-head", get(public::tree_head))
        .route("/proofs/inclusion/{seq}", get(public::inclusion_proof))
        .route("/proofs/consistency", get(public::consistency_proof))
        .route("/stats", get(public::stats))
        .route("/dashboard", get(dashboard::dashboard))
        .route("/factories", get(measure::factories).post(measure::register_factory))
        .route("/factories/{org}", get(measure::factory))
        .route(
            "/factories/{org}/years/{year}",
            axum::routing::put(measure::record_year).layer(DefaultBodyLimit::max(measure::IMPORT_BODY_BYTES_MAX)),
        )
        .route("/factories/{org}/target", axum::routing::put(measure::set_target))
        .route("/factories/{org}/progress", get(measure::progress))
        .route("/factories/{org}/inventories/{year}", get(measure::inventory))
        .route("/factories/{org}/inventories/{year}/report.csv", get(measure::inventory_csv))
        .route("/factories/{org}/reductions", post(reductions::register_reduction))
        .route("/factories/{org}/practices", post(reductions::publish_practice))
        .route("/reductions", get(reductions::reductions))
        .route("/reductions/{id}", get(reductions::reduction))
        .route("/reductions/{id}/registry-project", post(reductions::promote_reduction))
        .route("/practices", get(reductions::practices))
        .route("/exchange", get(market::exchange).put(market::open_exchange))
        .route("/instruments", get(market::instruments).post(market::list_instrument))
        .route("/instruments/{id}", get(market::instrument))
        .route("/instruments/{id}/book", get(market::book))
        .route("/instruments/{id}/candles", get(market::instrument_candles))
        .route("/trades", get(market::trades))
        .route("/trades/{id}", get(explorer::trade))
        .route("/orders", get(market::orders).post(market::place_order))
        .route("/orders/{id}/cancel", post(market::cancel_order))
        .route("/orders/{id}/replace", post(market::replace_order))
        .route("/auctions", get(market::auctions).post(market::open_auction))
        .route("/auctions/{id}", get(market::auction))
        .route("/auctions/{id}/bids", post(market::place_bid))
        .route("/auctions/{id}/close", post(market::close_auction))
        .route("/cash", get(market::cash))
        .route("/cash/deposits", post(market::record_deposit))
        .route("/cash/withdrawals", post(market::record_withdrawal))
        .route("/market/stream", get(stream::stream))
        .fallback(api_not_found);
    let api =
        if health::fault_panic_enabled() { api.route("/fault/panic", get(health::deliberate_panic)) } else { api };
    Router::new()
        .nest("/api/v1", api)
        .route("/api/openapi.json", get(openapi::document))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .fallback(web::asset)
        .layer(health::panic_layer(store.clone()))
        .layer(axum::middleware::from_fn_with_state(state.clone(), guard::refuse_cross_site))
        .layer(axum::middleware::from_fn(error::json_errors))
        .layer(axum::middleware::from_fn_with_state(state.clone(), guard::security_headers))
        .layer(DefaultBodyLimit::max(REQUEST_BODY_BYTES_MAX))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(state)
}

async fn api_not_found(axum::extract::OriginalUri(uri): axum::extract::OriginalUri) -> error::ApiError {
    error::ApiError::not_found(format!("there is no endpoint {}", uri.path()))
}

/// Serves until `shutdown` resolves, then finishes the requests under way.
/// Meanwhile orders whose time has run out are expired in the background
/// (see `expiry`); that task stops with the server. If the store turns
/// fatal (its writer died, or a handler panicked; see `health`), the server
/// stops too: it answers `/readyz` with 503 for a short grace, so that a
/// balancer turns away, then stops taking connections, and answers the
/// reason as an error.
pub async fn serve(
    listener: tokio::net::TcpListener,
    store: Store,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_with(listener, store, guard::ServerOptions::default(), shutdown).await
}

/// `serve` for a deployment reached as `options` says (see `guard`).
pub async fn serve_with(
    listener: tokio::net::TcpListener,
    store: Store,
    options: guard::ServerOptions,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let _expiry = expiry::spawn(store.clone());
    let fatal = store.fatal().clone();
    let stop = async move {
        tokio::select! {
            () = shutdown => {}
            () = health::after_grace(&fatal) => {}
        }
    };
    let app = router_with(store.clone(), options).into_make_service_with_connect_info::<std::net::SocketAddr>();
    let serving = axum::serve(listener, app).with_graceful_shutdown(stop);
    health::until_fatal(&store, std::future::IntoFuture::into_future(serving)).await
}
