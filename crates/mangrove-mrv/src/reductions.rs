//! Reduction projects and best practices: what a factory does to cut its
//! emissions (a steam retrofit, AI steam optimisation, a gas-turbine inlet
//! filter, hydrogen or electric vehicles), with its estimated reduction; and
//! the library of practices factories publish for each other, each with the
//! result it measured. A project whose kind has a credit methodology may
//! become a registry project; the link is kept here.

use mangrove_core::{DomainError, DomainResult, OrgId, PracticeId, ProjectId, ReductionId};
use serde::{Deserialize, Serialize};

/// Longest title of a reduction project or a practice.
pub const TITLE_CHARS_MAX: usize = 200;
/// Longest description, summary or measurement note.
pub const TEXT_CHARS_MAX: usize = 4_000;
/// Most reduction projects and practices the book keeps (each).
pub const REDUCTIONS_MAX: usize = 100_000;
/// Largest estimated or measured reduction: all of Rayong emits tens of millions of tonnes a year.
pub const REDUCTION_TCO2E_MAX: u64 = mangrove_core::bounds::REDUCTION_TCO2E_MAX;
/// Largest investment a practice may report, in baht.
pub const INVESTMENT_BAHT_MAX: u64 = mangrove_core::bounds::INVESTMENT_BAHT_MAX;

/// The kinds of reduction project the Race to Zero campaign tracks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReductionKind {
    SteamReduction,
    AiSteamOptimisation,
    GasTurbineInletFilter,
    HydrogenMobility,
    ElectricVehicles,
    Other,
}

impl ReductionKind {
    pub const ALL: [ReductionKind; 6] = [
        ReductionKind::SteamReduction,
        ReductionKind::AiSteamOptimisation,
        ReductionKind::GasTurbineInletFilter,
        ReductionKind::HydrogenMobility,
        ReductionKind::ElectricVehicles,
        ReductionKind::Other,
    ];

    /// The credit methodology a project of this kind can follow, if Mangrove has one.
    pub fn methodology(self) -> Option<CreditMethodology> {
        match self {
            ReductionKind::SteamReduction | ReductionKind::AiSteamOptimisation => {
                Some(CreditMethodology::SteamEfficiency)
            }
            ReductionKind::ElectricVehicles => Some(CreditMethodology::ElectricMobility),
            ReductionKind::GasTurbineInletFilter | ReductionKind::HydrogenMobility | ReductionKind::Other => None,
        }
    }
}

/// The methodologies in `mangrove-mrv` that compute reduction credits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CreditMethodology {
    /// Baseline versus project steam per tonne of product × boiler factor.
    SteamEfficiency,
    /// Kilometres × (petrol-motorcycle factor − electricity × grid factor).
    ElectricMobility,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReductionStatus {
    Planned,
    InOperation,
}

/// What a factory states when it registers a reduction project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReductionPlan {
    pub org: OrgId,
    pub kind: ReductionKind,
    pub title: String,
    pub description: String,
    /// The reduction the factory expects once the project runs, per year.
    pub estimated_tco2e_per_year: u64,
    pub start_year: i32,
    pub status: ReductionStatus,
    /// Generated demo data, shown as such.
    pub synthetic: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReductionProject {
    pub id: ReductionId,
    #[serde(flatten)]
    pub plan: ReductionPlan,
    /// The registry project it became, when it follows a credit methodology.
    pub registry_project: Option<ProjectId>,
}

impl ReductionProject {
    pub fn methodology(&self) -> Option<CreditMethodology> {
        self.plan.kind.methodology()
    }
}

/// A practice a factory publishes, with the result it measured.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PracticeDraft {
    pub org: OrgId,
    /// The factory's own reduction project this practice comes from, if any.
    pub reduction: Option<ReductionId>,
    pub kind: ReductionKind,
    pub title: String,
    pub summary: String,
    /// The reduction measured over `measured_year`.
    pub measured_reduction_tco2e: u64,
    pub measured_year: i32,
    /// How it was measured: meters, period, baseline.
    pub measurement: String,
    /// What it cost, for the others' business case.
    pub investment_baht: Option<u64>,
    pub synthetic: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BestPractice {
    pub id: PracticeId,
    #[serde(flatten)]
    pub draft: PracticeDraft,
}

fn text(field: &'static str, value: &str, chars_max: usize, required: bool) -> DomainResult<String> {
    let value = value.trim();
    if required && value.is_empty() {
        return Err(DomainError::invalid(field, format!("{field} must not be empty")));
    }
    if value.chars().count() > chars_max {
        return Err(DomainError::invalid(field, format!("{field} must be at most {chars_max} characters")));
    }
    Ok(value.to_string())
}

fn year(field: &'static str, value: i32) -> DomainResult<()> {
    if (crate::factories::YEAR_MIN..=crate::factories::YEAR_MAX).contains(&value) {
        Ok(())
    } else {
        Err(DomainError::invalid(
            field,
            format!("the year is {} to {}", crate::factories::YEAR_MIN, crate::factories::YEAR_MAX),
        ))
    }
}

fn tonnes(field: &'static str, value: u64) -> DomainResult<()> {
    if value == 0 || value > REDUCTION_TCO2E_MAX {
        return Err(DomainError::invalid(field, format!("a reduction is 1 to {REDUCTION_TCO2E_MAX} tCO2e")));
    }
    Ok(())
}

/// The plan with its texts trimmed, or why it cannot be registered.
pub fn checked_plan(plan: &ReductionPlan) -> DomainResult<ReductionPlan> {
    tonnes("estimated_tco2e_per_year", plan.estimated_tco2e_per_year)?;
    year("start_year", plan.start_year)?;
    Ok(ReductionPlan {
        title: text("title", &plan.title, TITLE_CHARS_MAX, true)?,
        description: text("description", &plan.description, TEXT_CHARS_MAX, false)?,
        ..plan.clone()
    })
}

/// The draft with its texts trimmed, or why it cannot be published.
pub fn checked_practice(draft: &PracticeDraft) -> DomainResult<PracticeDraft> {
    tonnes("measured_reduction_tco2e", draft.measured_reduction_tco2e)?;
    year("measured_year", draft.measured_year)?;
    if draft.investment_baht.is_some_and(|baht| baht > INVESTMENT_BAHT_MAX) {
        return Err(DomainError::invalid(
            "investment_baht",
            format!("an investment is at most {INVESTMENT_BAHT_MAX} baht"),
        ));
    }
    Ok(PracticeDraft {
        title: text("title", &draft.title, TITLE_CHARS_MAX, true)?,
        summary: text("summary", &draft.summary, TEXT_CHARS_MAX, true)?,
        measurement: text("measurement", &draft.measurement, TEXT_CHARS_MAX, true)?,
        ..draft.clone()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_kinds_with_a_methodology_can_earn_credits() {
        let with: Vec<_> = ReductionKind::ALL.into_iter().filter(|k| k.methodology().is_some()).collect();
        assert_eq!(
            with,
            [ReductionKind::SteamReduction, ReductionKind::AiSteamOptimisation, ReductionKind::ElectricVehicles]
        );
    }

    #[test]
    fn texts_are_trimmed_and_bounded() {
        let plan = ReductionPlan {
            org: OrgId(1),
            kind: ReductionKind::Other,
            title: "  ฉนวนท่อไอน้ำ  ".into(),
            description: String::new(),
            estimated_tco2e_per_year: 10,
            start_year: 2026,
            status: ReductionStatus::Planned,
            synthetic: false,
        };
        assert_eq!(checked_plan(&plan).unwrap().title, "ฉนวนท่อไอน้ำ");
        let long = ReductionPlan { title: "ก".repeat(TITLE_CHARS_MAX + 1), ..plan.clone() };
        assert_eq!(checked_plan(&long).unwrap_err().field, Some("title"));
        let zero = ReductionPlan { estimated_tco2e_per_year: 0, ..plan.clone() };
        assert_eq!(checked_plan(&zero).unwrap_err().field, Some("estimated_tco2e_per_year"));
        let early = ReductionPlan { start_year: 1066, ..plan };
        assert_eq!(checked_plan(&early).unwrap_err().field, Some("start_year"));
    }
}
