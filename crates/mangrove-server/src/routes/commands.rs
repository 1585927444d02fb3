//! Every endpoint that changes the registry. Each turns its request into a
//! registry [`Command`] submitted as the signed-in user; the registry
//! decides role and ownership, so the rules live in one place.

use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult};
use crate::extract::{IdempotencyKey, Json, Path};
use crate::AppState;
use axum::extract::State;
use mangrove_app::{JournalEvent, Submission};
use mangrove_core::*;
use mangrove_registry::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What every command answers: what it made (typed), where its events
/// stand in the journal, and the events themselves.
#[derive(Serialize, ToSchema)]
pub struct CommandResponse {
    /// True when this is a retry of a command already applied under the
    /// same `Idempotency-Key`; the events are the original ones.
    pub replayed: bool,
    /// What the command made or changed: the new project's id, the order's state.
    pub result: mangrove_app::results::CommandResult,
    /// The journal position of its first event, and one past its last
    /// (equal when it journaled none).
    pub first_seq: u64,
    pub end_seq: u64,
    pub events: Vec<JournalEvent>,
}

pub(crate) async fn submit(
    state: &AppState,
    user: &CurrentUser,
    key: IdempotencyKey,
    command: impl Into<mangrove_app::AppCommand>,
) -> ApiResult<axum::Json<CommandResponse>> {
    let submission = Submission::new(&user.actor(), key.0.as_deref(), command)?;
    let receipt = state.store.sequencer().submit(submission).await?;
    let result = mangrove_app::results::CommandResult::of(&state.store.ledger().read().await.app, &receipt.events);
    let first_seq = receipt.events.first().map_or(0, |event| event.seq);
    let end_seq = receipt.events.last().map_or(first_seq, |event| event.seq + 1);
    Ok(axum::Json(CommandResponse { replayed: receipt.replayed, result, first_seq, end_seq, events: receipt.events }))
}

pub(crate) type Answer = ApiResult<axum::Json<CommandResponse>>;

#[derive(Deserialize, ToSchema)]
pub struct NewOrganisation {
    pub name: String,
    pub role: Role,
}

#[utoipa::path(post, path = "/organisations", tag = "registry", request_body = NewOrganisation,
    params(("Idempotency-Key" = Option<String>, Header, description = "retry-safe key")),
    responses((status = 200, body = CommandResponse), (status = 403, body = crate::error::ErrorBody)))]
pub async fn create_organisation(
    State(state): State<AppState>,
    user: CurrentUser,
    key: IdempotencyKey,
    Json(body): Json<NewOrganisation>,
) -> Answer {
    submit(&state, &user, key, Command::CreateOrganisation { name: body.name, role: body.role }).await
}

#[derive(Deserialize, ToSchema)]
pub struct NewCreditClass {
    pub code: String,
    pub name: String,
    pub methodology: String,
    pub kind: ClassKind,
    /// Buffer share in basis points (1500 = 15 %).
    pub default_buffer_bps: u32,
}

#[utoipa::path(post, path = "/credit-classes", tag = "registry", request_body = NewCreditClass,
    responses((status = 200, body = CommandResponse)))]
pub async fn create_credit_class(
    State(state): State<AppState>,
    user: CurrentUser,
    key: IdempotencyKey,
    Json(body): Json<NewCreditClass>,
) -> Answer {
    let command = Command::CreateCreditClass {
        code: body.code,
        name: body.name,
        methodology: body.methodology,
        kind: body.kind,
        default_buffer_bps: body.default_buffer_bps,
    };
    submit(&state, &user, key, command).await
}

#[utoipa::path(post, path = "/projects", tag = "registry", request_body = ProjectDetails,
    responses((status = 200, body = CommandResponse)))]
pub async fn draft_project(
    State(state): State<AppState>,
    user: CurrentUser,
    key: IdempotencyKey,
    Json(details): Json<ProjectDetails>,
) -> Answer {
    submit(&state, &user, key, Command::DraftProject { details }).await
}

#[utoipa::path(put, path = "/projects/{id}", tag = "registry", request_body = ProjectDetails,
    responses((status = 200, body = CommandResponse)))]
pub async fn update_project(
    State(state): State<AppState>,
    user: CurrentUser,
    key: IdempotencyKey,
    Path(id): Path<u64>,
    Json(details): Json<ProjectDetails>,
) -> Answer {
    submit(&state, &user, key, Command::UpdateProject { project: ProjectId(id), details }).await
}

#[utoipa::path(post, path = "/projects/{id}/submit", tag = "registry", responses((status = 200, body = CommandResponse)))]
pub async fn submit_project(
    State(state): State<AppState>,
    user: CurrentUser,
    key: IdempotencyKey,
    Path(id): Path<u64>,
) -> Answer {
    submit(&state, &user, key, Command::SubmitProject { project: ProjectId(id) }).await
}

#[derive(Deserialize, ToSchema)]
pub struct ProjectReview {
    pub decision: ProjectDecision,
    #[serde(default)]
    pub note: String,
}

#[utoipa::path(post, path = "/projects/{id}/review", tag = "registry", request_body = ProjectReview,
    responses((status = 200, body = CommandResponse)))]
pub async fn review_project(
    State(state): State<AppState>,
    user: CurrentUser,
    key: IdempotencyKey,
    Path(id): Path<u64>,
    Json(body): Json<ProjectReview>,
) -> Answer {
    submit(
        &state,
        &user,
        key,
        Command::ReviewProject { project: ProjectId(id), decision: body.decision, note: body.note },
    )
    .await
}

#[utoipa::path(post, path = "/projects/{id}/register", tag = "registry", responses((status = 200, body = CommandResponse)))]
pub async fn register_project(
    State(state): State<AppState>,
    user: CurrentUser,
    key: IdempotencyKey,
    Path(id): Path<u64>,
) -> Answer {
    submit(&state, &user, key, Command::RegisterProject { project: ProjectId(id) }).await
}

#[derive(Deserialize, ToSchema)]
pub struct NewReport {
    pub period_start: Date,
    pub period_end: Date,
    pub claimed_tco2e: u64,
    /// The calculation record behind the claim (JSON or text).
    #[serde(default)]
    pub calculation: String,
}

#[utoipa::path(post, path = "/projects/{id}/reports", tag = "registry", request_body = NewReport,
    responses((status = 200, body = CommandResponse)))]
pub async fn submit_report(
    State(state): State<AppState>,
    user: CurrentUser,
    key: IdempotencyKey,
    Path(id): Path<u64>,
    Json(body): Json<NewReport>,
) -> Answer {
    let command = Command::SubmitReport {
        project: ProjectId(id),
        period_start: body.period_start,
        period_end: body.period_end,
        claimed_tco2e: body.claimed_tco2e,
        calculation: body.calculation,
    };
    submit(&state, &user, key, command).await
}

#[derive(Deserialize, ToSchema)]
pub struct ReportReview {
    pub decision: ReportDecision,
    #[serde(default)]
    pub verified_tco2e: u64,
    #[serde(default)]
    pub note: String,
}

#[utoipa::path(post, path = "/reports/{id}/review", tag = "registry", request_body = ReportReview,
    responses((status = 200, body = CommandResponse)))]
pub async fn review_report(
    State(state): State<AppState>,
    user: CurrentUser,
    key: IdempotencyKey,
    Path(id): Path<u64>,
    Json(body): Json<ReportReview>,
) -> Answer {
    let command = Command::ReviewReport {
        report: ReportId(id),
        decision: body.decision,
        verified_tco2e: body.verified_tco2e,
        note: body.note,
    };
    submit(&state, &user, key, command).await
}

#[utoipa::path(post, path = "/reports/{id}/issue", tag = "registry", responses((status = 200, body = CommandResponse)))]
pub async fn issue_credits(
    State(state): State<AppState>,
    user: CurrentUser,
    key: IdempotencyKey,
    Path(id): Path<u64>,
) -> Answer {
    submit(&state, &user, key, Command::IssueCredits { report: ReportId(id) }).await
}

#[derive(Deserialize, ToSchema)]
pub struct Loss {
    pub quantity: u64,
    pub reason: String,
}

#[utoipa::path(post, path = "/projects/{id}/losses", tag = "registry", request_body = Loss,
    responses((status = 200, body = CommandResponse)))]
pub async fn report_loss(
    State(state): State<AppState>,
    user: CurrentUser,
    key: IdempotencyKey,
    Path(id): Path<u64>,
    Json(body): Json<Loss>,
) -> Answer {
    submit(
        &state,
        &user,
        key,
        Command::ReportLoss { project: ProjectId(id), quantity: body.quantity, reason: body.reason },
    )
    .await
}

/// Which credits: `quantity` of `batch_id` (lowest serials first), or one `serial` range.
#[derive(Deserialize, ToSchema, Clone)]
pub struct Units {
    pub batch_id: Option<u64>,
    pub quantity: Option<u64>,
    pub serial: Option<String>,
}

impl Units {
    async fn selection(&self, state: &AppState) -> ApiResult<Selection> {
        match (&self.serial, self.quantity) {
            (Some(serial), None) => {
                let parsed = Serial::parse(serial).map_err(|why| ApiError::invalid("serial", why))?;
                if let Some(batch_id) = self.batch_id.filter(|id| *id != parsed.batch.get()) {
                    let message = format!("the serial names batch {}, not batch {batch_id}", parsed.batch.get());
                    return Err(ApiError::invalid("batch_id", message));
                }
                let ledger = state.store.ledger().read().await;
                let batch = ledger.app.registry.batch(parsed.batch);
                let matches = batch.is_some_and(|batch| {
                    batch.project == parsed.project && batch.vintage_end.year() == parsed.vintage_year
                });
                if !matches {
                    return Err(
                        ApiError::not_found(format!("no credits carry the serial {serial}")).with_field("serial")
                    );
                }
                Ok(Selection::Range { batch: parsed.batch, range: parsed.range })
            }
            (None, Some(quantity)) => {
                let batch = self
                    .batch_id
                    .ok_or_else(|| ApiError::invalid("batch_id", "name the batch to take credits from"))?;
                Ok(Selection::Quantity { batch: BatchId(batch), quantity })
            }
            _ => Err(ApiError::invalid("quantity", "give either a quantity (with batch_id) or a serial")),
        }
    }
}

/// The registry's selection for a request's `batch_id`, `quantity` and `serial`.
async fn selection(
    state: &AppState,
    batch_id: Option<u64>,
    quantity: Option<u64>,
    serial: Option<&str>,
) -> ApiResult<Selection> {
    Units { batch_id, quantity, serial: serial.map(str::to_string) }.selection(state).await
}

#[derive(Deserialize, ToSchema)]
pub struct TransferRequest {
    pub to_account: u64,
    pub batch_id: Option<u64>,
    pub quantity: Option<u64>,
    pub serial: Option<String>,
}

#[utoipa::path(post, path = "/accounts/{id}/transfers", tag = "registry", request_body = TransferRequest,
    responses((status = 200, body = CommandResponse), (status = 409, body = crate::error::ErrorBody)))]
pub async fn transfer(
    State(state): State<AppState>,
    user: CurrentUser,
    key: IdempotencyKey,
    Path(id): Path<u64>,
    Json(body): Json<TransferRequest>,
) -> Answer {
    let selection = selection(&state, body.batch_id, body.quantity, body.serial.as_deref()).await?;
    submit(&state, &user, key, Command::Transfer { from: AccountId(id), to: AccountId(body.to_account), selection })
        .await
}

#[derive(Deserialize, ToSchema)]
pub struct RetireRequest {
    pub batch_id: Option<u64>,
    pub quantity: Option<u64>,
    pub serial: Option<String>,
    pub beneficiary: String,
    pub reason: String,
    /// ISO 3166-2 code of where the claim is made; Rayong is TH-21.
    pub jurisdiction: String,
    pub inventory_year: i32,
}

#[utoipa::path(post, path = "/accounts/{id}/retirements", tag = "registry", request_body = RetireRequest,
    responses((status = 200, body = CommandResponse)))]
pub async fn retire(
    State(state): State<AppState>,
    user: CurrentUser,
    key: IdempotencyKey,
    Path(id): Path<u64>,
    Json(body): Json<RetireRequest>,
) -> Answer {
    let selection = selection(&state, body.batch_id, body.quantity, body.serial.as_deref()).await?;
    let command = Command::Retire {
        account: AccountId(id),
        selection,
        beneficiary: body.beneficiary,
        reason: body.reason,
        jurisdiction: body.jurisdiction,
        inventory_year: body.inventory_year,
    };
    submit(&state, &user, key, command).await
}

#[derive(Deserialize, ToSchema)]
pub struct CancelRequest {
    pub batch_id: Option<u64>,
    pub quantity: Option<u64>,
    pub serial: Option<String>,
    pub reason: String,
}

#[utoipa::path(post, path = "/accounts/{id}/cancellations", tag = "registry", request_body = CancelRequest,
    responses((status = 200, body = CommandResponse)))]
pub async fn cancel(
    State(state): State<AppState>,
    user: CurrentUser,
    key: IdempotencyKey,
    Path(id): Path<u64>,
    Json(body): Json<CancelRequest>,
) -> Answer {
    let selection = selection(&state, body.batch_id, body.quantity, body.serial.as_deref()).await?;
    submit(&state, &user, key, Command::Cancel { account: AccountId(id), selection, reason: body.reason }).await
}

#[utoipa::path(post, path = "/accounts/{id}/holds", tag = "registry", request_body = Units,
    responses((status = 200, body = CommandResponse)))]
pub async fn place_hold(
    State(state): State<AppState>,
    user: CurrentUser,
    key: IdempotencyKey,
    Path(id): Path<u64>,
    Json(body): Json<Units>,
) -> Answer {
    let selection = body.selection(&state).await?;
    submit(&state, &user, key, Command::PlaceHold { account: AccountId(id), selection }).await
}

#[utoipa::path(post, path = "/holds/{id}/release", tag = "registry", responses((status = 200, body = CommandResponse)))]
pub async fn release_hold(
    State(state): State<AppState>,
    user: CurrentUser,
    key: IdempotencyKey,
    Path(id): Path<u64>,
) -> Answer {
    submit(&state, &user, key, Command::ReleaseHold { hold: HoldId(id) }).await
}
