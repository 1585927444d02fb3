//! Public reads: projects, batches, serials, retirements with their
//! certificates and proofs, the signed tree head and live figures. They
//! are answered from memory under the ledger's read lock, so they see
//! exactly what has been committed.

use super::{PageQuery, Paged};
use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Path, Query};
use crate::AppState;
use axum::extract::State;
use axum::Json;
use mangrove_app::query::{
    batch_view, project_detail, project_view, retirement_view, AccountView, BatchView, ProjectDetail, ProjectView,
    RetirementView,
};
use mangrove_core::proof::{ConsistencyProof, InclusionProof};
use mangrove_core::signing::SignedTreeHead;
use mangrove_core::*;
use mangrove_registry::*;
use serde::{Deserialize, Serialize};

#[derive(Deserialize, utoipa::IntoParams)]
pub struct ProjectFilter {
    /// draft, submitted, changes_requested, validated, registered or rejected.
    pub status: Option<ProjectStatus>,
    /// Only this proponent's projects.
    pub proponent: Option<u64>,
    /// Words in the name.
    pub q: Option<String>,
}

#[utoipa::path(get, path = "/projects", tag = "public", params(PageQuery, ProjectFilter), responses((status = 200, body = Paged<ProjectView>)))]
pub async fn projects(
    State(state): State<AppState>,
    Query(page): Query<PageQuery>,
    Query(filter): Query<ProjectFilter>,
) -> Json<Paged<ProjectView>> {
    let ledger = state.store.ledger().read().await;
    let registry = &ledger.app.registry;
    let needle = filter.q.as_deref().map(str::to_lowercase);
    let rows = registry
        .projects()
        .filter(|project| filter.status.is_none_or(|status| project.status == status))
        .filter(|project| filter.proponent.is_none_or(|org| project.proponent.get() == org))
        .filter(|project| needle.as_deref().is_none_or(|needle| project.name.to_lowercase().contains(needle)));
    Json(page.take(rows, |project| project_view(registry, project)))
}

#[utoipa::path(get, path = "/projects/{id}", tag = "public", responses((status = 200, body = ProjectDetail), (status = 404)))]
pub async fn project(State(state): State<AppState>, Path(id): Path<u64>) -> ApiResult<Json<ProjectDetail>> {
    let ledger = state.store.ledger().read().await;
    let registry = &ledger.app.registry;
    let project =
        registry.project(ProjectId(id)).ok_or_else(|| ApiError::not_found(format!("there is no project {id}")))?;
    Ok(Json(project_detail(registry, project)))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct BatchFilter {
    pub project: Option<u64>,
}

#[utoipa::path(get, path = "/batches", tag = "public", params(PageQuery, BatchFilter), responses((status = 200, body = Paged<BatchView>)))]
pub async fn batches(
    State(state): State<AppState>,
    Query(page): Query<PageQuery>,
    Query(filter): Query<BatchFilter>,
) -> Json<Paged<BatchView>> {
    let ledger = state.store.ledger().read().await;
    let registry = &ledger.app.registry;
    let rows: Box<dyn Iterator<Item = &Batch>> = match filter.project {
        Some(project) => Box::new(registry.batches_of(ProjectId(project))),
        None => Box::new(registry.batches()),
    };
    Json(page.take(rows, |batch| batch_view(registry, batch)))
}

#[utoipa::path(get, path = "/batches/{id}", tag = "public", responses((status = 200, body = BatchView), (status = 404)))]
pub async fn batch(State(state): State<AppState>, Path(id): Path<u64>) -> ApiResult<Json<BatchView>> {
    let ledger = state.store.ledger().read().await;
    let registry = &ledger.app.registry;
    let batch = registry.batch(BatchId(id)).ok_or_else(|| ApiError::not_found(format!("there is no batch {id}")))?;
    Ok(Json(batch_view(registry, batch)))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct BlockView {
    pub serial: String,
    pub quantity_tco2e: u64,
    #[serde(flatten)]
    pub state: UnitState,
    pub account_id: u64,
    /// `holding`, or `buffer_pool` for the registry's buffer.
    #[schema(value_type = String)]
    pub account_kind: AccountKind,
    pub holder: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct SerialView {
    pub serial: String,
    pub batch: BatchView,
    pub blocks: Vec<BlockView>,
}

/// A serial as typed, and the batch whose issued units it names: 422 if
/// it does not parse, 404 if no batch's project, vintage and units match.
pub(crate) fn serial_batch<'a>(registry: &'a Registry, text: &str) -> ApiResult<(Serial, &'a Batch)> {
    let serial = Serial::parse(text).map_err(|why| ApiError::invalid("serial", why))?;
    let unknown = || ApiError::not_found(format!("no credits carry the serial {text}")).with_field("serial");
    let batch = registry.batch(serial.batch).ok_or_else(unknown)?;
    if batch.project != serial.project
        || batch.vintage_end.year() != serial.vintage_year
        || serial.range.last > batch.issued_tco2e.get()
    {
        return Err(unknown());
    }
    Ok((serial, batch))
}

#[utoipa::path(get, path = "/serials/{serial}", tag = "public", responses((status = 200, body = SerialView), (status = 404), (status = 422)))]
pub async fn serial(State(state): State<AppState>, Path(text): Path<String>) -> ApiResult<Json<SerialView>> {
    let ledger = state.store.ledger().read().await;
    let registry = &ledger.app.registry;
    let (serial, batch) = serial_batch(registry, &text)?;
    let blocks = registry
        .blocks_overlapping(serial.batch, serial.range)
        .into_iter()
        .map(|block| {
            let range = UnitRange {
                first: block.range.first.max(serial.range.first),
                last: block.range.last.min(serial.range.last),
            };
            let holder = registry
                .account(block.account)
                .and_then(|account| account.org().and_then(|org| registry.organisation(org)));
            BlockView {
                serial: registry.serial(block.batch, range).map(|s| s.to_string()).unwrap_or_default(),
                quantity_tco2e: range.len(),
                state: block.state,
                account_id: block.account.get(),
                account_kind: registry.account(block.account).map_or(AccountKind::Holding, |account| account.kind),
                holder: holder.map(|org| org.name.clone()).unwrap_or_default(),
            }
        })
        .collect();
    Ok(Json(SerialView { serial: serial.to_string(), batch: batch_view(registry, batch), blocks }))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct RetirementFilter {
    pub account: Option<u64>,
    pub project: Option<u64>,
    /// Words in the beneficiary's name.
    pub beneficiary: Option<String>,
    /// The inventory year the credits were retired against.
    pub inventory_year: Option<i32>,
}

#[utoipa::path(get, path = "/retirements", tag = "public", params(PageQuery, RetirementFilter), responses((status = 200, body = Paged<RetirementView>)))]
pub async fn retirements(
    State(state): State<AppState>,
    Query(page): Query<PageQuery>,
    Query(filter): Query<RetirementFilter>,
) -> Json<Paged<RetirementView>> {
    let ledger = state.store.ledger().read().await;
    let app = &ledger.app;
    let needle = filter.beneficiary.as_deref().map(str::to_lowercase);
    let rows = app
        .registry
        .retirements()
        .rev()
        .filter(|r| filter.account.is_none_or(|account| r.account.get() == account))
        .filter(|r| filter.inventory_year.is_none_or(|year| r.inventory_year == year))
        .filter(|r| {
            filter.project.is_none_or(|project| app.registry.batch(r.batch).is_some_and(|b| b.project.get() == project))
        })
        .filter(|r| needle.as_deref().is_none_or(|needle| r.beneficiary.to_lowercase().contains(needle)));
    Json(page.take(rows, |retirement| retirement_view(app, retirement)))
}

#[utoipa::path(get, path = "/retirements/{id}", tag = "public", responses((status = 200, body = RetirementView), (status = 404)))]
pub async fn retirement(State(state): State<AppState>, Path(id): Path<u64>) -> ApiResult<Json<RetirementView>> {
    let ledger = state.store.ledger().read().await;
    let retirement = ledger
        .app
        .registry
        .retirement(RetirementId(id))
        .ok_or_else(|| ApiError::not_found(format!("there is no retirement {id}")))?;
    Ok(Json(retirement_view(&ledger.app, retirement)))
}

#[utoipa::path(get, path = "/retirements/{id}/proof", tag = "public", responses((status = 200, body = InclusionProof), (status = 404)))]
pub async fn retirement_proof(State(state): State<AppState>, Path(id): Path<u64>) -> ApiResult<Json<InclusionProof>> {
    let seq = state.store.ledger().read().await.app.retirement_seq(RetirementId(id));
    let seq = seq.ok_or_else(|| ApiError::not_found(format!("there is no retirement {id}")))?;
    Ok(Json(state.store.inclusion_proof(seq).await?))
}

#[utoipa::path(get, path = "/tree-head", tag = "public", responses((status = 200, body = SignedTreeHead), (status = 404)))]
pub async fn tree_head(State(state): State<AppState>) -> ApiResult<Json<SignedTreeHead>> {
    let head = state.store.ledger().read().await.latest_head.clone();
    head.map(Json).ok_or_else(|| ApiError::not_found("nothing has been journaled yet"))
}

#[utoipa::path(get, path = "/proofs/inclusion/{seq}", tag = "public", responses((status = 200, body = InclusionProof), (status = 404)))]
pub async fn inclusion_proof(State(state): State<AppState>, Path(seq): Path<u64>) -> ApiResult<Json<InclusionProof>> {
    Ok(Json(state.store.inclusion_proof(seq).await?))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct ConsistencyQuery {
    /// Size of the earlier signed tree head.
    pub first: u64,
    /// Size of the later signed tree head.
    pub second: u64,
}

#[utoipa::path(get, path = "/proofs/consistency", tag = "public", params(ConsistencyQuery), responses((status = 200, body = ConsistencyProof), (status = 404)))]
pub async fn consistency_proof(
    State(state): State<AppState>,
    Query(query): Query<ConsistencyQuery>,
) -> ApiResult<Json<ConsistencyProof>> {
    if query.first == 0 || query.first > query.second {
        return Err(ApiError::invalid("first", "a consistency proof needs 1 <= first <= second"));
    }
    Ok(Json(state.store.consistency_proof(query.first, query.second).await?))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Stats {
    pub issued_tco2e: u64,
    pub active_tco2e: u64,
    pub retired_tco2e: u64,
    pub cancelled_tco2e: u64,
    pub buffer_tco2e: u64,
    pub projects: usize,
    pub registered_projects: usize,
    pub organisations: usize,
    /// The buffer pool's account, which no organisation trades from.
    pub buffer_account_id: Option<u64>,
    pub tree_head: Option<SignedTreeHead>,
}

#[utoipa::path(get, path = "/stats", tag = "public", responses((status = 200, body = Stats)))]
pub async fn stats(State(state): State<AppState>) -> Json<Stats> {
    let ledger = state.store.ledger().read().await;
    let registry = &ledger.app.registry;
    let mut stats = Stats {
        issued_tco2e: 0,
        active_tco2e: 0,
        retired_tco2e: 0,
        cancelled_tco2e: 0,
        buffer_tco2e: 0,
        projects: registry.projects().count(),
        registered_projects: registry.projects().filter(|p| p.status == ProjectStatus::Registered).count(),
        organisations: registry.organisations().count(),
        buffer_account_id: registry.buffer_account().map(AccountId::get),
        tree_head: ledger.latest_head.clone(),
    };
    for batch in registry.batches() {
        let totals = registry.batch_totals(batch.id);
        stats.issued_tco2e += batch.issued_tco2e.get();
        stats.active_tco2e += totals.active_tco2e.get() + totals.held_tco2e.get();
        stats.retired_tco2e += totals.retired_tco2e.get();
        stats.cancelled_tco2e += totals.cancelled_tco2e.get();
        if let Some(buffer) = registry.buffer_account() {
            stats.buffer_tco2e += registry.holding(buffer, batch.id).active_tco2e.get();
        }
    }
    Json(stats)
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct OrganisationFilter {
    /// Words in the name.
    pub q: Option<String>,
    /// operator, verifier, proponent, factory or citizen.
    pub role: Option<Role>,
}

#[utoipa::path(get, path = "/organisations", tag = "public", params(PageQuery, OrganisationFilter), responses((status = 200, body = Paged<Organisation>)))]
pub async fn organisations(
    State(state): State<AppState>,
    Query(page): Query<PageQuery>,
    Query(filter): Query<OrganisationFilter>,
) -> Json<Paged<Organisation>> {
    let ledger = state.store.ledger().read().await;
    let needle = filter.q.as_deref().map(str::to_lowercase);
    let rows = ledger
        .app
        .registry
        .organisations()
        .filter(|org| filter.role.is_none_or(|role| org.role == role))
        .filter(|org| needle.as_deref().is_none_or(|needle| org.name.to_lowercase().contains(needle)));
    Json(page.take(rows, Organisation::clone))
}

#[utoipa::path(get, path = "/credit-classes", tag = "public", responses((status = 200, body = Vec<CreditClass>)))]
pub async fn credit_classes(State(state): State<AppState>) -> Json<Vec<CreditClass>> {
    let ledger = state.store.ledger().read().await;
    Json(ledger.app.registry.classes().cloned().collect())
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct ReportFilter {
    /// submitted, verified, rejected or issued.
    pub status: Option<ReportStatus>,
    pub project: Option<u64>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ReportView {
    #[serde(flatten)]
    pub report: MonitoringReport,
    pub project_name: String,
}

#[utoipa::path(get, path = "/reports", tag = "public", params(PageQuery, ReportFilter), responses((status = 200, body = Paged<ReportView>)))]
pub async fn reports(
    State(state): State<AppState>,
    Query(page): Query<PageQuery>,
    Query(filter): Query<ReportFilter>,
) -> Json<Paged<ReportView>> {
    let ledger = state.store.ledger().read().await;
    let registry = &ledger.app.registry;
    let rows = registry
        .reports()
        .filter(|report| filter.status.is_none_or(|status| report.status == status))
        .filter(|report| filter.project.is_none_or(|project| report.project.get() == project));
    Json(page.take(rows, |report| ReportView {
        report: report.clone(),
        project_name: registry.project(report.project).map(|project| project.name.clone()).unwrap_or_default(),
    }))
}

/// An account's holdings: for its own organisation and the operator.
#[utoipa::path(get, path = "/accounts/{id}", tag = "registry", responses((status = 200, body = AccountView), (status = 403), (status = 404)))]
pub async fn account(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<u64>,
) -> ApiResult<Json<AccountView>> {
    let ledger = state.store.ledger().read().await;
    Ok(Json(mangrove_app::query::account_view(&ledger.app, &user.actor(), AccountId(id))?))
}
