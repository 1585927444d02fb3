//! Reduction projects and the best-practice library over HTTP: a factory
//! registers what it does to cut emissions and publishes what worked; a
//! project that follows a credit methodology becomes a registry project.

use super::{PageQuery, Paged};
use crate::auth::{CurrentUser, MaybeUser};
use crate::error::{ApiError, ApiResult};
use crate::extract::{IdempotencyKey, Json, Path, Query};
use crate::routes::commands::{submit, Answer};
use crate::AppState;
use axum::extract::State;
use mangrove_app::{AcrossCommand, App};
use mangrove_core::{OrgId, ReductionId};
use mangrove_mrv::*;
use mangrove_registry::{ProjectDetails, Role};
use serde::{Deserialize, Serialize};
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

#[derive(Serialize, ToSchema)]
pub struct ReductionView {
    pub id: u64,
    pub org_id: u64,
    pub factory: String,
    #[schema(value_type = String)]
    pub kind: ReductionKind,
    pub title: String,
    pub description: String,
    pub estimated_tco2e_per_year: u64,
    pub start_year: i32,
    #[schema(value_type = String)]
    pub status: ReductionStatus,
    pub synthetic: bool,
    /// The credit methodology it can follow, if Mangrove has one for its kind.
    #[schema(value_type = Option<String>)]
    pub methodology: Option<CreditMethodology>,
    pub registry_project_id: Option<u64>,
    /// The registry project's status, when it became one.
    pub registry_project_status: Option<String>,
}

fn org_name(app: &App, org: OrgId) -> String {
    app.registry.organisation(org).map(|org| org.name.clone()).unwrap_or_default()
}

fn reduction_view(app: &App, reduction: &ReductionProject) -> ReductionView {
    let plan = &reduction.plan;
    let status = reduction.registry_project.and_then(|id| app.registry.project(id)).map(|project| {
        serde_json::to_value(project.status).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
    });
    ReductionView {
        id: reduction.id.get(),
        org_id: plan.org.get(),
        factory: org_name(app, plan.org),
        kind: plan.kind,
        title: plan.title.clone(),
        description: plan.description.clone(),
        estimated_tco2e_per_year: plan.estimated_tco2e_per_year,
        start_year: plan.start_year,
        status: plan.status,
        synthetic: plan.synthetic,
        methodology: reduction.methodology(),
        registry_project_id: reduction.registry_project.map(|id| id.get()),
        registry_project_status: status,
    }
}

/// A factory's reduction projects show where its inventory does: to
/// everyone when it publishes, else to itself, the operator and verifiers.
fn visible(app: &App, org: OrgId, user: &Option<CurrentUser>) -> bool {
    app.factories.factory(org).is_some_and(|profile| profile.publish)
        || user
            .as_ref()
            .is_some_and(|user| user.org() == Some(org) || matches!(user.role, Role::Operator | Role::Verifier))
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
    let rows = app
        .factories
        .reductions()
        .rev()
        .filter(|r| filter.org.is_none_or(|org| r.plan.org.get() == org))
        .filter(|r| filter.kind.is_none_or(|kind| r.plan.kind == kind))
        .filter(|r| visible(app, r.plan.org, &user));
    axum::Json(page.take(rows, |r| reduction_view(app, r)))
}

#[utoipa::path(get, path = "/reductions/{id}", tag = "measure", responses((status = 200, body = ReductionView), (status = 404)))]
pub async fn reduction(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    Path(id): Path<u64>,
) -> ApiResult<axum::Json<ReductionView>> {
    let ledger = state.store.ledger().read().await;
    let app = &ledger.app;
    let reduction = app
        .factories
        .reduction(ReductionId(id))
        .filter(|r| visible(app, r.plan.org, &user))
        .ok_or_else(|| ApiError::not_found(format!("there is no reduction project {id}")))?;
    Ok(axum::Json(reduction_view(app, reduction)))
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

#[derive(Serialize, ToSchema)]
pub struct PracticeView {
    pub id: u64,
    pub org_id: u64,
    pub factory: String,
    pub reduction_id: Option<u64>,
    #[schema(value_type = String)]
    pub kind: ReductionKind,
    pub title: String,
    pub summary: String,
    pub measured_reduction_tco2e: u64,
    pub measured_year: i32,
    pub measurement: String,
    pub investment_baht: Option<u64>,
    pub synthetic: bool,
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
    let needle = filter.q.as_deref().map(str::to_lowercase);
    let rows =
        app.factories.practices().rev().filter(|p| filter.kind.is_none_or(|kind| p.draft.kind == kind)).filter(|p| {
            needle.as_deref().is_none_or(|needle| {
                p.draft.title.to_lowercase().contains(needle) || p.draft.summary.to_lowercase().contains(needle)
            })
        });
    axum::Json(page.take(rows, |p| {
        let d = &p.draft;
        PracticeView {
            id: p.id.get(),
            org_id: d.org.get(),
            factory: org_name(app, d.org),
            reduction_id: d.reduction.map(|id| id.get()),
            kind: d.kind,
            title: d.title.clone(),
            summary: d.summary.clone(),
            measured_reduction_tco2e: d.measured_reduction_tco2e,
            measured_year: d.measured_year,
            measurement: d.measurement.clone(),
            investment_baht: d.investment_baht,
            synthetic: d.synthetic,
        }
    }))
}
