//! The registry's records. Everything here is plain data; the rules that
//! change it live in `registry.rs`.

use mangrove_core::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Organisation {
    pub id: OrgId,
    pub name: String,
    pub role: Role,
    pub account: AccountId,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AccountKind {
    Holding,
    BufferPool,
}

/// Whose an account is: an organisation's, or a person's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Holder {
    #[schema(value_type = u64)]
    Org(OrgId),
    #[schema(value_type = u64)]
    Person(UserId),
}

/// An account of credits. Its JSON names its holder as `"org": N` or
/// `"person": N` beside its id and kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Account {
    pub id: AccountId,
    #[serde(flatten)]
    pub holder: Holder,
    pub kind: AccountKind,
}

impl Account {
    /// The organisation holding it, if an organisation does.
    pub fn org(&self) -> Option<OrgId> {
        match self.holder {
            Holder::Org(org) => Some(org),
            Holder::Person(_) => None,
        }
    }
}

/// A citizen registered as a person: they hold credits in their own
/// account, not in an organisation of one. Who they are is only a salted
/// commitment here (personal data stays beside the journal, erasable).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Person {
    #[schema(value_type = u64)]
    pub user: UserId,
    pub account: AccountId,
    /// SHA-256, hex, of the salt, the username and the display name.
    pub identity: String,
    pub registered_at_ms: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ClassKind {
    Removal,
    Reduction,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CreditClass {
    pub id: ClassId,
    /// Short code, e.g. `T-VER-P-METH-13-02`.
    pub code: String,
    pub name: String,
    pub methodology: String,
    pub kind: ClassKind,
    pub default_buffer_bps: BasisPoints,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProjectStatus {
    Draft,
    Submitted,
    ChangesRequested,
    Validated,
    Registered,
    Rejected,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Project {
    pub id: ProjectId,
    pub class: ClassId,
    pub proponent: OrgId,
    pub name: String,
    pub description: String,
    /// ISO 3166-2 subdivision, e.g. `TH-21` for Rayong.
    pub jurisdiction: String,
    /// Outline as `[longitude, latitude]` pairs (WGS 84), closed or not.
    pub location: Vec<[f64; 2]>,
    pub area_rai: u32,
    /// Share of each issuance set aside against reversal.
    pub buffer_bps: BasisPoints,
    pub status: ProjectStatus,
    /// The last reviewer's note (changes requested, reasons for rejection).
    pub review_note: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReportStatus {
    Submitted,
    Verified,
    Rejected,
    Issued,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MonitoringReport {
    pub id: ReportId,
    pub project: ProjectId,
    pub period_start: Date,
    pub period_end: Date,
    pub claimed_tco2e: Tco2e,
    /// The calculation record behind the claim, as submitted.
    pub calculation: String,
    pub status: ReportStatus,
    pub verified_tco2e: Tco2e,
    pub verifier: Option<OrgId>,
    pub review_note: String,
}

/// Status of a batch with respect to Article 6 of the Paris Agreement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CorrespondingAdjustment {
    NotApplied,
    Applied,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Batch {
    pub id: BatchId,
    pub project: ProjectId,
    pub report: ReportId,
    pub vintage_start: Date,
    pub vintage_end: Date,
    pub issued_tco2e: Tco2e,
    pub buffer_tco2e: Tco2e,
    pub issued_to: AccountId,
    pub corresponding_adjustment: CorrespondingAdjustment,
    pub issued_at_ms: i64,
}

/// A contiguous run of unit numbers within one batch, inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
pub struct UnitRange {
    pub first: u64,
    pub last: u64,
}

impl UnitRange {
    pub fn len(self) -> u64 {
        self.last - self.first + 1
    }
    pub fn is_empty(self) -> bool {
        false
    }
}

/// What a block of units is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case", tag = "state", content = "by")]
pub enum UnitState {
    Active,
    Held(HoldId),
    Retired(RetirementId),
    Cancelled(CancellationId),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Block {
    pub batch: BatchId,
    pub range: UnitRange,
    pub account: AccountId,
    pub state: UnitState,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Retirement {
    pub id: RetirementId,
    pub account: AccountId,
    pub batch: BatchId,
    pub ranges: Vec<UnitRange>,
    pub quantity_tco2e: Tco2e,
    /// The one party that may claim these tonnes.
    pub beneficiary: String,
    pub reason: String,
    /// ISO 3166-2 code of where the claim is made.
    pub jurisdiction: String,
    /// The inventory year the retirement offsets.
    pub inventory_year: i32,
    pub retired_at_ms: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CancellationKind {
    /// The operator cancelled credits (an error, a withdrawal).
    Administrative,
    /// A verified loss (storm, fire, clearing) compensated from the buffer pool.
    Reversal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Cancellation {
    pub id: CancellationId,
    pub kind: CancellationKind,
    pub account: AccountId,
    /// The project whose loss a reversal compensates.
    pub project: Option<ProjectId>,
    pub parts: Vec<BatchRanges>,
    pub quantity_tco2e: Tco2e,
    pub reason: String,
    pub cancelled_at_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct BatchRanges {
    pub batch: BatchId,
    pub ranges: Vec<UnitRange>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Hold {
    pub id: HoldId,
    pub account: AccountId,
    pub batch: BatchId,
    pub ranges: Vec<UnitRange>,
    pub quantity_tco2e: Tco2e,
}

/// An account's units of one batch.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Holding {
    pub active_tco2e: Tco2e,
    pub held_tco2e: Tco2e,
}

/// A batch's units by state; issued = active + held + retired + cancelled.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct BatchTotals {
    pub active_tco2e: Tco2e,
    pub held_tco2e: Tco2e,
    pub retired_tco2e: Tco2e,
    pub cancelled_tco2e: Tco2e,
}

/// A login: a person who acts for an organisation, in its role. The journal
/// holds who let them in and a salted commitment to their username and
/// name, never the name itself (personal data under the PDPA, kept beside
/// the journal where it can be erased) and never a password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Login {
    pub user: UserId,
    pub org: OrgId,
    pub role: Role,
    /// SHA-256, hex, of the salt, the username and the display name.
    pub identity: String,
    /// Who created it: a member (user and organisation), or the deployment itself.
    pub created_by: Actor,
    pub created_at_ms: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disabled: Option<LoginDisabled>,
}

/// Who disabled a login, when and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct LoginDisabled {
    pub by: Actor,
    pub at_ms: i64,
    pub reason: String,
}
