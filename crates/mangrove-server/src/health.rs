//! Whether the process should be restarted or sent traffic, and what
//! happens when it must stop.
//!
//! `/healthz` answers 200 while the process answers at all. `/readyz`
//! answers 200 only while the store can write: the server serves only a
//! store whose start-up verification passed, and the store raises its
//! [`Fatal`](mangrove_store::Fatal) signal when its writer dies, after
//! which `/readyz` answers 503 until the process exits.
//!
//! A handler that panics is answered with the JSON error shape (500) and
//! then raises the same signal: a panic is a programmer's error, and what
//! the handler held half-changed (a cache behind a poisoned lock, say)
//! cannot be trusted, so the process stops rather than live on half-dead;
//! a supervisor restarts it and start-up verification decides again.

use crate::error::{ApiError, ApiResult};
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use mangrove_store::Store;
use serde::Serialize;

#[derive(Serialize, utoipa::ToSchema)]
pub struct Health {
    /// `alive` or `ready`.
    pub status: &'static str,
}

/// The process is alive.
#[utoipa::path(get, path = "/healthz", tag = "health", responses((status = 200, body = Health)))]
pub async fn healthz() -> axum::Json<Health> {
    axum::Json(Health { status: "alive" })
}

/// The process may be sent traffic: its store passed start-up verification
/// and its writer is alive.
#[utoipa::path(
    get,
    path = "/readyz",
    tag = "health",
    responses((status = 200, body = Health), (status = 503, body = crate::error::ErrorBody))
)]
pub async fn readyz(State(state): State<AppState>) -> ApiResult<axum::Json<Health>> {
    match state.store.fatal().reason() {
        None => Ok(axum::Json(Health { status: "ready" })),
        Some(_) => Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "the registry cannot write and is stopping; a restart is needed",
        )),
    }
}

/// Turns a handler's panic into a JSON 500 and raises the store's fatal signal.
pub fn panic_layer(store: Store) -> tower_http::catch_panic::CatchPanicLayer<PanicToFatal> {
    tower_http::catch_panic::CatchPanicLayer::custom(PanicToFatal(store))
}

#[derive(Clone)]
pub struct PanicToFatal(Store);

impl tower_http::catch_panic::ResponseForPanic for PanicToFatal {
    type ResponseBody = axum::body::Body;

    fn response_for_panic(&mut self, panic: Box<dyn std::any::Any + Send>) -> axum::http::Response<Self::ResponseBody> {
        let message = mangrove_store::sequencer::panic_message(panic.as_ref());
        self.0.fatal().raise(format!("a request handler panicked: {message}"));
        let error = ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "something went wrong on our side; it has been logged",
        );
        error.into_response()
    }
}

/// How long a fatal server keeps answering (`/readyz` with 503, writes
/// with 503) before it stops taking connections; and again, how long the
/// requests under way then have to finish (a live market stream never does).
pub const FATAL_GRACE_MS: u64 = 1_000;

/// Resolves [`FATAL_GRACE_MS`] after the store turns fatal.
pub(crate) async fn after_grace(fatal: &mangrove_store::Fatal) {
    fatal.raised().await;
    tokio::time::sleep(std::time::Duration::from_millis(FATAL_GRACE_MS)).await;
}

/// Runs `serving` (which must stop gracefully once `store` is fatal) and
/// answers the fatal reason as an error, so the process exits non-zero.
pub(crate) async fn until_fatal(
    store: &Store,
    serving: impl std::future::Future<Output = std::io::Result<()>>,
) -> std::io::Result<()> {
    let grace_over = async {
        after_grace(store.fatal()).await;
        tokio::time::sleep(std::time::Duration::from_millis(FATAL_GRACE_MS)).await;
    };
    tokio::select! {
        result = serving => result?,
        () = grace_over => {}
    }
    match store.fatal().reason() {
        Some(why) => Err(std::io::Error::other(format!("the server stopped: {why}"))),
        None => Ok(()),
    }
}

/// Whether to mount [`deliberate_panic`]: only in a debug build (what the
/// tests run), and only when `MANGROVE_FAULT_PANIC` is set, so that no
/// setting of a release build offers anyone a way to stop the server.
pub(crate) fn fault_panic_enabled() -> bool {
    cfg!(debug_assertions) && std::env::var_os("MANGROVE_FAULT_PANIC").is_some()
}

/// A route that panics, mounted when [`fault_panic_enabled`], so that the
/// fail-stop can be tested through the real binary.
pub(crate) async fn deliberate_panic() -> Response {
    panic!("a deliberate panic, asked for by MANGROVE_FAULT_PANIC")
}
