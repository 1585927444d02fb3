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
pub mod world;

use axum::extract::DefaultBodyLimit;
use axum::routing::get;
use axum::Router;
use mangrove_store::Store;
use routes::{commands, dashboard, explorer, market, measure, monitoring, people, public, reductions, stream};
use std::future::Future;
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouter};
use utoipa_axum::routes;

/// Largest request body: room for a 256 KiB calculation record and its JSON.
pub const REQUEST_BODY_BYTES_MAX: usize = 512 * 1024;

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub dashboard: routes::dashboard::DashboardCache,
    pub guard: std::sync::Arc<guard::Guard>,
    /// The virtual city's tick task, started by its first visitor.
    pub world: std::sync::Arc<tokio::sync::OnceCell<std::sync::Arc<world::Hub>>>,
    world_naive_broadcast: bool,
    /// The city's live facts at one journal size.
    pub world_facts: routes::world::FactsCache,
}

impl AppState {
    pub fn new(store: Store) -> Self {
        Self::with_options(store, guard::ServerOptions::default())
    }
    pub fn with_options(store: Store, options: guard::ServerOptions) -> Self {
        AppState {
            store,
            dashboard: Default::default(),
            world_naive_broadcast: options.world_naive_broadcast,
            guard: std::sync::Arc::new(guard::Guard::new(options)),
            world: Default::default(),
            world_facts: Default::default(),
        }
    }
    /// The running city, started on first use.
    pub async fn world_hub(&self) -> std::sync::Arc<world::Hub> {
        self.world.get_or_init(|| world::Hub::spawn(self.store.clone(), self.world_naive_broadcast)).await.clone()
    }
}

/// The whole application: API, OpenAPI document and a fallback.
pub fn router(store: Store) -> Router {
    router_with(store, guard::ServerOptions::default())
}

/// The application for a deployment reached as `options` says (see `guard`).
pub fn router_with(store: Store, options: guard::ServerOptions) -> Router {
    let state = AppState::with_options(store.clone(), options);
    let (api, _) = api_routes().split_for_parts();
    let (root, _) = root_routes().split_for_parts();
    let api = api
        .route("/market/stream", get(stream::stream))
        .route("/world/ws", get(routes::world::world_socket))
        .fallback(api_not_found);
    let api =
        if health::fault_panic_enabled() { api.route("/fault/panic", get(health::deliberate_panic)) } else { api };
    Router::new()
        .nest("/api/v1", api)
        .merge(root)
        .route("/api/openapi.json", get(openapi::document))
        .fallback(web::asset)
        .layer(health::panic_layer(store.clone()))
        .layer(axum::middleware::from_fn_with_state(state.clone(), guard::refuse_cross_site))
        .layer(axum::middleware::from_fn(error::json_errors))
        .layer(axum::middleware::from_fn_with_state(state.clone(), guard::security_headers))
        .layer(DefaultBodyLimit::max(REQUEST_BODY_BYTES_MAX))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(state)
}

/// Every documented route under `/api/v1`: each path and method is written
/// once, in its handler's `#[utoipa::path]`, which also puts it in the
/// OpenAPI document.
fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(people::login))
        .routes(routes!(people::logout))
        .routes(routes!(people::me))
        .routes(routes!(people::register_person))
        .routes(routes!(people::list_users, people::create_user))
        .routes(routes!(people::disable_user))
        .routes(routes!(people::organisation_users))
        .routes(routes!(public::organisations, commands::create_organisation))
        .routes(routes!(public::credit_classes, commands::create_credit_class))
        .routes(routes!(public::projects, commands::draft_project))
        .routes(routes!(public::project, commands::update_project))
        .routes(routes!(commands::submit_project))
        .routes(routes!(commands::review_project))
        .routes(routes!(commands::register_project))
        .routes(routes!(commands::submit_report))
        .routes(routes!(commands::report_loss))
        .routes(routes!(public::reports))
        .routes(routes!(commands::review_report))
        .routes(routes!(commands::issue_credits))
        .routes(routes!(public::batches))
        .routes(routes!(public::batch))
        .routes(routes!(explorer::batch_trades))
        .routes(routes!(public::serial))
        .routes(routes!(explorer::serial_trades))
        .routes(routes!(public::account))
        .routes(routes!(explorer::account_trades))
        .routes(routes!(commands::transfer))
        .routes(routes!(commands::retire))
        .routes(routes!(commands::cancel))
        .routes(routes!(commands::place_hold))
        .routes(routes!(commands::release_hold))
        .routes(routes!(public::retirements))
        .routes(routes!(public::retirement))
        .routes(routes!(public::retirement_proof))
        .routes(routes!(public::tree_head))
        .routes(routes!(public::inclusion_proof))
        .routes(routes!(public::consistency_proof))
        .routes(routes!(public::stats))
        .routes(routes!(dashboard::dashboard))
        .routes(routes!(measure::factories, measure::register_factory))
        .routes(routes!(measure::factory))
        .routes(routes!(measure::set_target))
        .routes(routes!(measure::progress))
        .routes(routes!(measure::inventory))
        .routes(routes!(measure::inventory_csv))
        .routes(routes!(reductions::register_reduction))
        .routes(routes!(reductions::publish_practice))
        .routes(routes!(reductions::reductions))
        .routes(routes!(reductions::reduction))
        .routes(routes!(reductions::promote_reduction))
        .routes(routes!(reductions::practices))
        .routes(routes!(market::exchange, market::open_exchange))
        .routes(routes!(market::instruments, market::list_instrument))
        .routes(routes!(market::instrument))
        .routes(routes!(market::book))
        .routes(routes!(market::instrument_candles))
        .routes(routes!(market::trades))
        .routes(routes!(explorer::trade))
        .routes(routes!(market::orders, market::place_order))
        .routes(routes!(market::cancel_order))
        .routes(routes!(market::replace_order))
        .routes(routes!(market::auctions, market::open_auction))
        .routes(routes!(market::auction))
        .routes(routes!(market::place_bid))
        .routes(routes!(market::close_auction))
        .routes(routes!(market::cash))
        .routes(routes!(market::record_deposit))
        .routes(routes!(market::record_withdrawal))
        .routes(routes!(routes::world::appearance, routes::world::set_appearance))
        .routes(routes!(routes::world::bans, routes::world::ban))
        .routes(routes!(routes::world::lift_ban))
        .routes(routes!(routes::world::places))
        .routes(routes!(routes::world::status))
        .routes(routes!(routes::world::world_map))
        .routes(routes!(routes::world::world_facts))
        .routes(routes!(routes::world::reports, routes::world::report))
        .routes(routes!(routes::world::close_report))
        .routes(routes!(routes::world::erase_evidence))
        .routes(with_import_limit(routes!(monitoring::submit_forestry_report)))
        .routes(with_import_limit(routes!(measure::record_year)))
}

/// Imports (activity data, plot surveys) may be larger than other bodies.
fn with_import_limit(routes: UtoipaMethodRouter<AppState>) -> UtoipaMethodRouter<AppState> {
    let (schemas, paths, method_router) = routes;
    (schemas, paths, method_router.layer(DefaultBodyLimit::max(measure::IMPORT_BODY_BYTES_MAX)))
}

/// The documented routes at the root, outside `/api/v1`.
fn root_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(health::healthz)).routes(routes!(health::readyz))
}

/// The OpenAPI document's paths, from the routes the server serves.
pub(crate) fn documented_paths() -> utoipa::openapi::OpenApi {
    let (_, api) = api_routes().split_for_parts();
    let (_, root) = root_routes().split_for_parts();
    let mut document = utoipa::openapi::OpenApi::default().nest("/api/v1", api);
    document.merge(root);
    document
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
