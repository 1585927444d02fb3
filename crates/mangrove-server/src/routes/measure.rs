//! Measurement over HTTP: factories, their activity data by year (a CSV
//! import, all or nothing, every bad line named), inventories, targets and
//! progress, the inventory report as CSV, and the province dashboard.

use super::{PageQuery, Paged};
use crate::auth::{CurrentUser, MaybeUser};
use crate::error::{ApiError, ApiResult, LineProblem};
use crate::extract::{parse_json, IdempotencyKey, Path, Query};
use crate::routes::commands::{submit, Answer};
use crate::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use mangrove_app::query::{self, FactorySearch, FactoryView, InventoryView, ProgressView};
use mangrove_core::{BasisPoints, OrgId};
use mangrove_mrv::*;
use serde::Deserialize;
use utoipa::ToSchema;

/// Largest activity file: room for `LINES_PER_YEAR_MAX` lines with notes.
pub const IMPORT_BODY_BYTES_MAX: usize = 2 * 1024 * 1024;

#[derive(Deserialize, ToSchema)]
pub struct NewFactory {
    pub org_id: u64,
    pub licence: String,
    #[schema(value_type = String)]
    pub sector: Sector,
    pub district: String,
    #[serde(default)]
    pub publish: bool,
}

#[utoipa::path(post, path = "/factories", tag = "measure", request_body = NewFactory, responses((status = 200, body = crate::routes::commands::CommandResponse)))]
pub async fn register_factory(
    State(state): State<AppState>,
    user: CurrentUser,
    key: IdempotencyKey,
    crate::extract::Json(body): crate::extract::Json<NewFactory>,
) -> Answer {
    let profile = FactoryProfile {
        org: OrgId(body.org_id),
        licence: body.licence,
        sector: body.sector,
        district: body.district,
        publish: body.publish,
        synthetic: false,
    };
    submit(&state, &user, key, MeasureCommand::RegisterFactory { profile }).await
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct FactoryFilter {
    #[param(value_type = Option<String>)]
    pub sector: Option<Sector>,
    pub district: Option<String>,
    /// Words in the name or the licence.
    pub q: Option<String>,
}

#[utoipa::path(get, path = "/factories", tag = "measure", params(PageQuery, FactoryFilter), responses((status = 200, body = Paged<FactoryView>)))]
pub async fn factories(
    State(state): State<AppState>,
    Query(page): Query<PageQuery>,
    Query(filter): Query<FactoryFilter>,
) -> Json<Paged<FactoryView>> {
    let ledger = state.store.ledger().read().await;
    let search =
        FactorySearch { sector: filter.sector, district: filter.district.as_deref(), words: filter.q.as_deref() };
    Json(page.take(query::factories(&ledger.app, search), |view| view))
}

#[utoipa::path(get, path = "/factories/{org}", tag = "measure", responses((status = 200, body = FactoryView), (status = 404)))]
pub async fn factory(State(state): State<AppState>, Path(org): Path<u64>) -> ApiResult<Json<FactoryView>> {
    let ledger = state.store.ledger().read().await;
    Ok(Json(query::factory(&ledger.app, OrgId(org))?))
}

#[derive(Deserialize, ToSchema)]
pub struct YearUpload {
    #[schema(value_type = String)]
    pub gwp_set: GwpSet,
    #[schema(value_type = String)]
    pub combustion: CombustionMethod,
    /// The activity file: `month,activity,quantity,unit[,note]`, Thai or English names.
    pub csv: String,
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct YearOptions {
    #[param(value_type = Option<String>)]
    pub gwp_set: Option<GwpSet>,
    #[param(value_type = Option<String>)]
    pub combustion: Option<CombustionMethod>,
}

/// Records a year of activity data, replacing what was there: a JSON body
/// `{gwp_set, combustion, csv}`, or the CSV file itself as `text/csv` with
/// `?gwp_set=AR6&combustion=tgo_combined`.
#[utoipa::path(put, path = "/factories/{org}/years/{year}", tag = "measure", request_body = YearUpload, params(YearOptions),
    responses((status = 200, body = crate::routes::commands::CommandResponse), (status = 422, body = crate::error::ErrorBody)))]
pub async fn record_year(
    State(state): State<AppState>,
    user: CurrentUser,
    key: IdempotencyKey,
    Path((org, year)): Path<(u64, i32)>,
    Query(options): Query<YearOptions>,
    headers: HeaderMap,
    body: Bytes,
) -> Answer {
    let upload = upload(&headers, &body, options)?;
    let lines = import_activities(&upload.csv, Catalogue::embedded()).map_err(|e| file_error(e, "csv"))?;
    let data = FactoryYear { org: OrgId(org), year, gwp_set: upload.gwp_set, combustion: upload.combustion, lines };
    submit(&state, &user, key, MeasureCommand::RecordYear { year: data }).await
}

fn upload(headers: &HeaderMap, body: &[u8], options: YearOptions) -> ApiResult<YearUpload> {
    let content_type =
        headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default().to_ascii_lowercase();
    if content_type.starts_with("text/csv") || content_type.starts_with("text/plain") {
        let csv =
            String::from_utf8(body.to_vec()).map_err(|_| ApiError::invalid("csv", "the file is not UTF-8 text"))?;
        return Ok(YearUpload {
            gwp_set: options.gwp_set.unwrap_or(GwpSet::Ar6),
            combustion: options.combustion.unwrap_or(CombustionMethod::TgoCombined),
            csv,
        });
    }
    if !content_type.starts_with("application/json") {
        return Err(ApiError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "malformed", "send JSON or a text/csv file"));
    }
    parse_json(body)
}

/// A refused file as an answer: the first problems in the message, every bad line in `lines`.
pub(crate) fn file_error(errors: DataErrors, field: &'static str) -> ApiError {
    let mut error = ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", errors.to_string()).with_field(field);
    error.lines = errors
        .errors
        .iter()
        .map(|line| LineProblem {
            line: line.line,
            column: line.column.map(str::to_string),
            problem: serde_json::to_value(line.problem)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default(),
            message: line.message.clone(),
        })
        .collect();
    error
}

#[derive(Deserialize, ToSchema)]
pub struct TargetRequest {
    pub base_year: i32,
    pub target_year: i32,
    /// The reduction from the base year by the target year, in basis points (3000 = 30 %).
    pub reduction_bps: u32,
    pub net_zero_year: i32,
}

#[utoipa::path(put, path = "/factories/{org}/target", tag = "measure", request_body = TargetRequest, responses((status = 200, body = crate::routes::commands::CommandResponse)))]
pub async fn set_target(
    State(state): State<AppState>,
    user: CurrentUser,
    key: IdempotencyKey,
    Path(org): Path<u64>,
    crate::extract::Json(body): crate::extract::Json<TargetRequest>,
) -> Answer {
    let target = TargetSetting {
        base_year: body.base_year,
        target_year: body.target_year,
        reduction: BasisPoints::new(body.reduction_bps, "reduction_bps")?,
        net_zero_year: body.net_zero_year,
    };
    submit(&state, &user, key, MeasureCommand::SetTarget { org: OrgId(org), target }).await
}

#[utoipa::path(get, path = "/factories/{org}/inventories/{year}", tag = "measure", responses((status = 200, body = InventoryView), (status = 403), (status = 404)))]
pub async fn inventory(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    Path((org, year)): Path<(u64, i32)>,
) -> ApiResult<Json<InventoryView>> {
    let ledger = state.store.ledger().read().await;
    let viewer = user.as_ref().map(CurrentUser::actor);
    Ok(Json(query::inventory_view(&ledger.app, viewer.as_ref(), OrgId(org), year)?))
}

#[utoipa::path(get, path = "/factories/{org}/inventories/{year}/report.csv", tag = "measure", responses((status = 200, content_type = "text/csv"), (status = 404)))]
pub async fn inventory_csv(
    State(state): State<AppState>,
    user: MaybeUser,
    Path((org, year)): Path<(u64, i32)>,
) -> ApiResult<Response> {
    let Json(view) = inventory(State(state), user, Path((org, year))).await?;
    let mut csv = String::from("line,month,scope,source,gas,quantity,unit,tco2e,factors,gwp_set\n");
    for line in view.inventory.lines() {
        let factors: Vec<String> = line.factors.iter().map(|f| format!("{}@{}", f.id, f.version)).collect();
        let row = [
            line.line.to_string(),
            line.month.to_string(),
            serde_json::to_value(line.scope).map(|v| v.to_string()).unwrap_or_default(),
            line.source.clone(),
            line.gas.clone(),
            line.quantity.to_string(),
            line.unit.clone(),
            line.emissions_tco2e.to_string().trim_end_matches(" tCO2e").to_string(),
            factors.join(" "),
            serde_json::to_value(line.gwp_set).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default(),
        ];
        csv.push_str(&row.map(|field| csv_field(&field)).join(","));
        csv.push('\n');
    }
    let total = view.inventory.total().to_string();
    csv.push_str(&format!(",,,total,,,,{},,\n", total.trim_end_matches(" tCO2e")));
    csv.push_str(&format!(
        ",,,retired credits,,,,-{},,\n,,,net,,,,{},,\n",
        view.retired_tco2e,
        view.net_tco2e.to_string().trim_end_matches(" tCO2e")
    ));
    let name = format!("attachment; filename=\"inventory-{org}-{year}.csv\"");
    Ok(([(header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()), (header::CONTENT_DISPOSITION, name)], csv)
        .into_response())
}

fn csv_field(field: &str) -> String {
    if field.contains([',', '"', '\n']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_string()
    }
}

#[utoipa::path(get, path = "/factories/{org}/progress", tag = "measure", responses((status = 200, body = ProgressView), (status = 403), (status = 404)))]
pub async fn progress(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    Path(org): Path<u64>,
) -> ApiResult<Json<ProgressView>> {
    let ledger = state.store.ledger().read().await;
    let viewer = user.as_ref().map(CurrentUser::actor);
    Ok(Json(query::progress_view(&ledger.app, viewer.as_ref(), OrgId(org))?))
}
