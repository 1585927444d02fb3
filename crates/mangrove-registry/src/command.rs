//! Commands ask for a change and may be refused; events record a change that
//! happened and are applied without question. The journal stores events.

use crate::model::*;
use mangrove_core::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProjectDecision {
    Validate,
    RequestChanges,
    Reject,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReportDecision {
    Verify,
    Reject,
}

/// The editable part of a project.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ProjectDetails {
    pub class: ClassId,
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub jurisdiction: String,
    pub location: Vec<[f64; 2]>,
    pub area_rai: u32,
    /// Defaults to the credit class's buffer share.
    #[serde(default)]
    pub buffer_bps: Option<u32>,
}

/// Which units to take from an account: the lowest-numbered active ones of
/// a batch, or one exact serial range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Selection {
    Quantity { batch: BatchId, quantity: u64 },
    Range { batch: BatchId, range: UnitRange },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "command")]
pub enum Command {
    /// Records a new login of `org` (its user row is written beside the
    /// journal with this id), committing to who it is by `identity`.
    CreateLogin {
        user: UserId,
        org: OrgId,
        identity: String,
    },
    /// Registers a citizen as a person with a holding account of their own
    /// (the user row is written beside the journal with this id),
    /// committing to who they are by `identity`.
    RegisterPerson {
        user: UserId,
        identity: String,
    },
    /// Disables a login for good; `reason` is a short code such as `left`.
    DisableLogin {
        user: UserId,
        reason: String,
    },
    CreateOrganisation {
        name: String,
        role: Role,
    },
    CreateCreditClass {
        code: String,
        name: String,
        methodology: String,
        kind: ClassKind,
        default_buffer_bps: u32,
    },
    DraftProject {
        details: ProjectDetails,
    },
    UpdateProject {
        project: ProjectId,
        details: ProjectDetails,
    },
    SubmitProject {
        project: ProjectId,
    },
    ReviewProject {
        project: ProjectId,
        decision: ProjectDecision,
        note: String,
    },
    RegisterProject {
        project: ProjectId,
    },
    SubmitReport {
        project: ProjectId,
        period_start: Date,
        period_end: Date,
        claimed_tco2e: u64,
        calculation: String,
    },
    ReviewReport {
        report: ReportId,
        decision: ReportDecision,
        verified_tco2e: u64,
        note: String,
    },
    IssueCredits {
        report: ReportId,
    },
    Transfer {
        from: AccountId,
        to: AccountId,
        selection: Selection,
    },
    Retire {
        account: AccountId,
        selection: Selection,
        beneficiary: String,
        reason: String,
        jurisdiction: String,
        inventory_year: i32,
    },
    Cancel {
        account: AccountId,
        selection: Selection,
        reason: String,
    },
    ReportLoss {
        project: ProjectId,
        quantity: u64,
        reason: String,
    },
    PlaceHold {
        account: AccountId,
        selection: Selection,
    },
    ReleaseHold {
        hold: HoldId,
    },
    /// Delivers a hold's units to `to`: all of them, or with `quantity`
    /// the lowest-numbered that many (a partial fill), the rest staying held.
    SettleHold {
        hold: HoldId,
        to: AccountId,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        quantity: Option<u64>,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case", tag = "event")]
pub enum Event {
    LoginCreated {
        login: Login,
    },
    LoginDisabled {
        #[schema(value_type = u64)]
        user: UserId,
        disabled: LoginDisabled,
    },
    OrganisationCreated {
        organisation: Organisation,
    },
    PersonRegistered {
        person: Person,
    },
    BufferPoolOpened {
        account: Account,
    },
    CreditClassCreated {
        class: CreditClass,
    },
    ProjectDrafted {
        project: Project,
    },
    ProjectUpdated {
        project: Project,
    },
    ProjectStatusChanged {
        project: ProjectId,
        status: ProjectStatus,
        by: Option<OrgId>,
        note: String,
    },
    ReportSubmitted {
        report: MonitoringReport,
    },
    ReportReviewed {
        report: ReportId,
        status: ReportStatus,
        verified_tco2e: Tco2e,
        verifier: OrgId,
        note: String,
    },
    CreditsIssued {
        batch: Batch,
        buffer_account: AccountId,
    },
    Transferred {
        from: AccountId,
        to: AccountId,
        batch: BatchId,
        ranges: Vec<UnitRange>,
    },
    Retired {
        retirement: Retirement,
    },
    Cancelled {
        cancellation: Cancellation,
    },
    HoldPlaced {
        hold: Hold,
    },
    HoldReleased {
        hold: HoldId,
    },
    HoldSettled {
        hold: HoldId,
        to: AccountId,
    },
    /// Part of a hold delivered: these ranges (the hold's lowest units) went to `to`.
    HoldPartlySettled {
        hold: HoldId,
        to: AccountId,
        ranges: Vec<UnitRange>,
    },
}
