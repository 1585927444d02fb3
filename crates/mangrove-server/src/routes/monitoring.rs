//! Monitoring reports computed by a methodology: the proponent hands in its
//! field plot surveys, the server runs the forestry methodology on the
//! project's area and buffer, and submits the report with the whole
//! calculation record — the surveys included, so a verifier can rerun it
//! with `mangrove mrv forestry` and check every plot.

use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult};
use crate::extract::{IdempotencyKey, Json, Path};
use crate::routes::commands::{submit, Answer};
use crate::routes::measure::file_error;
use crate::AppState;
use axum::extract::State;
use mangrove_core::{Date, ProjectId};
use mangrove_mrv::{forestry, parse_survey, Catalogue, Co2e, ForestryInputs, ForestryRecord, Micro};
use mangrove_registry::Command;
use serde::Deserialize;
use utoipa::ToSchema;

#[derive(Deserialize, ToSchema)]
pub struct ForestryReport {
    pub period_start: Date,
    pub period_end: Date,
    /// This monitoring's plot survey: `plot_id,plot_area_m2,species,dbh_cm,height_m`.
    pub survey_csv: String,
    /// The previous monitoring's survey of the same plots.
    pub previous_csv: String,
    /// Baseline removals over the period, tCO2e as a decimal ("0" when none).
    #[serde(default)]
    pub baseline_tco2e: Option<String>,
    /// Leakage over the period, tCO2e as a decimal.
    #[serde(default)]
    pub leakage_tco2e: Option<String>,
}

fn tonnes(field: &'static str, text: Option<&str>) -> ApiResult<Co2e> {
    let text = text.map(str::trim).filter(|t| !t.is_empty()).unwrap_or("0");
    let value = Micro::parse(text).map_err(|why| ApiError::invalid(field, why))?;
    if value.is_negative() {
        return Err(ApiError::invalid(field, "tonnes cannot be negative"));
    }
    Ok(Co2e::from_tonnes(value))
}

fn tonnes_text(value: Co2e) -> String {
    value.to_string().trim_end_matches(" tCO2e").to_string()
}

/// The record as the report carries it: the calculation, the surveys it
/// read, and the command that reruns it.
pub fn report_record(record: &ForestryRecord, survey_csv: &str, previous_csv: &str) -> serde_json::Value {
    let mut value = serde_json::to_value(record).expect("records serialise");
    let percent = record.inputs.buffer_bps.get() as f64 / 100.0;
    let rerun = format!(
        "mangrove mrv forestry --survey survey.csv --previous previous.csv --area-rai {} --buffer-percent {percent} \
         --baseline-tco2e {} --leakage-tco2e {}",
        record.inputs.area_rai,
        tonnes_text(record.inputs.baseline_tco2e),
        tonnes_text(record.inputs.leakage_tco2e),
    );
    let object = value.as_object_mut().expect("a record is an object");
    object.insert("rerun".into(), rerun.into());
    object.insert("survey_csv".into(), survey_csv.into());
    object.insert("previous_csv".into(), previous_csv.into());
    value
}

/// The verified tonnes a project's two surveys give, and the record that
/// shows how: the claim of a forestry monitoring report.
pub fn forestry_claim(
    project: &mangrove_registry::Project,
    survey_csv: &str,
    previous_csv: &str,
    baseline_tco2e: Co2e,
    leakage_tco2e: Co2e,
) -> ApiResult<(u64, String)> {
    let inputs = ForestryInputs {
        area_rai: Micro::from_int(project.area_rai.into()),
        buffer_bps: project.buffer_bps,
        baseline_tco2e,
        leakage_tco2e,
    };
    let catalogue = Catalogue::embedded();
    let survey = parse_survey(survey_csv, catalogue).map_err(|e| file_error(e, "survey_csv"))?;
    let previous = parse_survey(previous_csv, catalogue).map_err(|e| file_error(e, "previous_csv"))?;
    let record = forestry(catalogue, &survey, Some(&previous), inputs)?;
    let verified = record.credits.as_ref().expect("a previous survey gives credits").verified_tco2e.get();
    if verified == 0 {
        return Err(ApiError::invalid(
            "survey_csv",
            "the surveys show no removals to claim over the period; nothing to report",
        ));
    }
    Ok((verified, report_record(&record, survey_csv, previous_csv).to_string()))
}

#[utoipa::path(post, path = "/projects/{id}/reports/forestry", tag = "registry", request_body = ForestryReport,
    responses((status = 200, body = crate::routes::commands::CommandResponse), (status = 422, body = crate::error::ErrorBody)))]
pub async fn submit_forestry_report(
    State(state): State<AppState>,
    user: CurrentUser,
    key: IdempotencyKey,
    Path(id): Path<u64>,
    Json(body): Json<ForestryReport>,
) -> Answer {
    let project = {
        let ledger = state.store.ledger().read().await;
        ledger
            .app
            .registry
            .project(ProjectId(id))
            .cloned()
            .ok_or_else(|| ApiError::not_found(format!("there is no project {id}")))?
    };
    let baseline = tonnes("baseline_tco2e", body.baseline_tco2e.as_deref())?;
    let leakage = tonnes("leakage_tco2e", body.leakage_tco2e.as_deref())?;
    let (claimed_tco2e, calculation) =
        forestry_claim(&project, &body.survey_csv, &body.previous_csv, baseline, leakage)?;
    let command = Command::SubmitReport {
        project: ProjectId(id),
        period_start: body.period_start,
        period_end: body.period_end,
        claimed_tco2e,
        calculation,
    };
    submit(&state, &user, key, command).await
}
