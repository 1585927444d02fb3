//! Reduction projects and the best-practice library over HTTP: a factory
//! registers what it does to cut emissions and publishes what worked; a
//! project that follows a credit methodology becomes a registry project.

use super::{PageQuery, Paged};
use crate::auth::{CurrentUser, MaybeUser};
use crate::error::ApiResult;
use crate::extract::{IdempotencyKey, Json, Path, Query};
use crate::routes::commands::{submit, Answer};
use crate::AppState;
use axum::extract::State;
use mangrove_app::query::{self, PracticeView, ReductionView};
use mangrove_app::AcrossCommand;
use mangrove_core::{OrgId, ReductionId};
use mangrove_mrv::*;
use mangrove_registry::ProjectDetails;
use serde::Deserialize;
use utoipa::ToSchema;

#[derive(Deserialize, ToSchema)]
pub struct NewReduction {
    #[schema(value_type = String)]
    pub kind: ReductionKind,
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub estimated_tco2e_per_year: u64,
    pub start_year: i32,
    #[schema(value_type = String)]
    pub status: ReductionStatus,
}

#[utoipa::path(post, path = "/factories/{org}/reductions", tag = "measure", request_body = NewReduction,
    responses((status = 200, body = crate::routes::commands::CommandResponse)))]
pub async fn register_reduction(
    State(state): State<AppState>,
    user: CurrentUser,
    key: IdempotencyKey,
    Path(org): Path<u64>,
    Json(body): Json<NewReduction>,
) -> Answer {
    let plan = ReductionPlan {
        org: OrgId(org),
        kind: body.kind,
        title: body.title,
        description: body.description,
        estimated_tco2e_per_year: body.estimated_tco2e_per_year,
        start_year: body.start_year,
        status: body.status,
        synthetic: false,
    };
    submit(&state, &user, key, MeasureCommand::RegisterReduction { plan }).await
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct ReductionFilter {
    pub org: Option<u64>,
    #[param(value_type = Option<String>)]
    pub kind: Option<ReductionKind>,
}

#[utoipa::path(get, path = "/reductions", tag = "measure", params(PageQuery, ReductionFilter), responses((status = 200, body = Paged<ReductionView>)))]
pub async fn reductions(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    Query(page): Query<PageQuery>,
    Query(filter): Query<ReductionFilter>,
) -> axum::Json<Paged<ReductionView>> {
    let ledger = state.store.ledger().read().await;
    let app = &ledger.app;
    let viewer = user.as_ref().map(CurrentUser::actor);
    let rows = query::reductions(app, viewer.as_ref(), filter.org.map(OrgId), filter.kind);
    axum::Json(page.take(rows, |r| query::reduction_view(app, r)))
}

#[utoipa::path(get, path = "/reductions/{id}", tag = "measure", responses((status = 200, body = ReductionView), (status = 404)))]
pub async fn reduction(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    Path(id): Path<u64>,
) -> ApiResult<axum::Json<ReductionView>> {
    let ledger = state.store.ledger().read().await;
    let viewer = user.as_ref().map(CurrentUser::actor);
    Ok(axum::Json(query::reduction(&ledger.app, viewer.as_ref(), ReductionId(id))?))
}

/// Makes a reduction project that follows a credit methodology a draft
/// registry project under a reduction credit class; the factory then
/// submits it for validation like any project.
#[utoipa::path(post, path = "/reductions/{id}/registry-project", tag = "measure", request_body = ProjectDetails,
    responses((status = 200, body = crate::routes::commands::CommandResponse)))]
pub async fn promote_reduction(
    State(state): State<AppState>,
    user: CurrentUser,
    key: IdempotencyKey,
    Path(id): Path<u64>,
    Json(details): Json<ProjectDetails>,
) -> Answer {
    submit(&state, &user, key, AcrossCommand::PromoteReduction { reduction: ReductionId(id), details }).await
}

#[derive(Deserialize, ToSchema)]
pub struct NewPractice {
    pub reduction_id: Option<u64>,
    #[schema(value_type = String)]
    pub kind: ReductionKind,
    pub title: String,
    pub summary: String,
    pub measured_reduction_tco2e: u64,
    pub measured_year: i32,
    pub measurement: String,
    pub investment_baht: Option<u64>,
}

#[utoipa::path(post, path = "/factories/{org}/practices", tag = "measure", request_body = NewPractice,
    responses((status = 200, body = crate::routes::commands::CommandResponse)))]
pub async fn publish_practice(
    State(state): State<AppState>,
    user: CurrentUser,
    key: IdempotencyKey,
    Path(org): Path<u64>,
    Json(body): Json<NewPractice>,
) -> Answer {
    let practice = PracticeDraft {
        org: OrgId(org),
        reduction: body.reduction_id.map(ReductionId),
        kind: body.kind,
        title: body.title,
        summary: body.summary,
        measured_reduction_tco2e: body.measured_reduction_tco2e,
        measured_year: body.measured_year,
        measurement: body.measurement,
        investment_baht: body.investment_baht,
        synthetic: false,
    };
    submit(&state, &user, key, MeasureCommand::PublishPractice { practice }).await
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct PracticeFilter {
    #[param(value_type = Option<String>)]
    pub kind: Option<ReductionKind>,
    /// Words in the title or the summary.
    pub q: Option<String>,
}

/// The library is public: factories publish practices for each other.
#[utoipa::path(get, path = "/practices", tag = "measure", params(PageQuery, PracticeFilter), responses((status = 200, body = Paged<PracticeView>)))]
pub async fn practices(
    State(state): State<AppState>,
    Query(page): Query<PageQuery>,
    Query(filter): Query<PracticeFilter>,
) -> axum::Json<Paged<PracticeView>> {
    let ledger = state.store.ledger().read().await;
    let app = &ledger.app;
    let rows = query::practices(app, filter.kind, filter.q.as_deref());
    axum::Json(page.take(rows, |p| query::practice_view(app, p)))
}
