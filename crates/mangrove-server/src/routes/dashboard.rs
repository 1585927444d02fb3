//! The province dashboard over HTTP: its figures come from the query layer
//! (`mangrove_app::query::dashboard`), computed once per journal size.

use crate::AppState;
use axum::extract::State;
use axum::Json;
use mangrove_app::query::Dashboard;
use std::sync::Arc;

/// The dashboard computed at one journal size.
pub type DashboardCache = Arc<super::ByJournalSize<Dashboard>>;

#[utoipa::path(get, path = "/dashboard", tag = "measure", responses((status = 200, body = Dashboard)))]
pub async fn dashboard(State(state): State<AppState>) -> Json<Arc<Dashboard>> {
    let ledger = state.store.ledger().read().await;
    let size = ledger.tree.len();
    Json(state.dashboard.get_or(size, || mangrove_app::query::dashboard(&ledger.app, size)))
}
