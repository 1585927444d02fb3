//! The factory book: which organisations are factories (licence, sector,
//! district, whether they publish), each one's activity data by year, and
//! its reduction target — as a pure state machine like the registry, whose
//! events the journal keeps. Inventories and the province's figures are
//! computed from it on demand, so they can never disagree with the data.

use crate::catalogue::{Catalogue, GwpSet, Scope};
use crate::fixed::Co2e;
use crate::import::ActivityLine;
use crate::inventory::{CombustionMethod, Inventory, InventoryOptions};
use crate::reductions::{
    checked_plan, checked_practice, BestPractice, PracticeDraft, ReductionPlan, ReductionProject, REDUCTIONS_MAX,
};
use mangrove_core::{BasisPoints, DomainError, DomainResult, OrgId, PracticeId, ProjectId, ReductionId};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Most activity lines one factory may record for one year.
pub const LINES_PER_YEAR_MAX: usize = mangrove_core::bounds::LINES_PER_YEAR_MAX;
/// Most factories the book registers; with the bound on a year's emissions
/// it keeps the province's sums inside grams' `i64`.
pub const FACTORIES_MAX: usize = mangrove_core::bounds::FACTORIES_MAX;
/// Largest sum of the magnitudes of a factory-year's emission lines, in grams.
pub const CO2E_GRAMS_PER_FACTORY_YEAR_MAX: i64 = mangrove_core::bounds::CO2E_GRAMS_PER_FACTORY_YEAR_MAX;
pub const YEAR_MIN: i32 = 1990;
pub const YEAR_MAX: i32 = 2100;

/// What a factory makes, for the province's figures by sector.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Sector {
    Chemicals,
    Refining,
    Plastics,
    Power,
    Steel,
    Automotive,
    Food,
    Other,
}

impl Sector {
    pub const ALL: [Sector; 8] = [
        Sector::Chemicals,
        Sector::Refining,
        Sector::Plastics,
        Sector::Power,
        Sector::Steel,
        Sector::Automotive,
        Sector::Food,
        Sector::Other,
    ];
}

/// Rayong's districts (amphoe), for the province's figures by area.
pub const DISTRICTS: [&str; 8] =
    ["Mueang Rayong", "Ban Chang", "Klaeng", "Wang Chan", "Ban Khai", "Pluak Daeng", "Khao Chamao", "Nikhom Phatthana"];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FactoryProfile {
    pub org: OrgId,
    /// The factory licence number (Department of Industrial Works).
    pub licence: String,
    pub sector: Sector,
    pub district: String,
    /// Whether the factory agreed to appear by name among the top emitters.
    pub publish: bool,
    /// Generated demo data, shown as such wherever it appears.
    pub synthetic: bool,
}

/// One year of a factory's activity data, as last recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FactoryYear {
    pub org: OrgId,
    pub year: i32,
    pub gwp_set: GwpSet,
    pub combustion: CombustionMethod,
    pub lines: Vec<ActivityLine>,
}

impl FactoryYear {
    pub fn options(&self) -> InventoryOptions {
        InventoryOptions { year: self.year, gwp_set: self.gwp_set, combustion: self.combustion }
    }
}

/// A reduction target: a share below the base year by a year, and net zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TargetSetting {
    pub base_year: i32,
    pub target_year: i32,
    pub reduction: BasisPoints,
    pub net_zero_year: i32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "command")]
pub enum MeasureCommand {
    RegisterFactory {
        profile: FactoryProfile,
    },
    /// Replaces a year's activity data whole (an import is all or nothing).
    RecordYear {
        year: FactoryYear,
    },
    SetTarget {
        org: OrgId,
        target: TargetSetting,
    },
    RegisterReduction {
        plan: ReductionPlan,
    },
    PublishPractice {
        practice: PracticeDraft,
    },
    /// Records that a reduction project became a registry project; the
    /// application gives it together with the registry's draft.
    LinkReduction {
        reduction: ReductionId,
        project: ProjectId,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "event")]
pub enum MeasureEvent {
    FactoryRegistered { factory: FactoryProfile },
    YearRecorded { year: FactoryYear },
    TargetSet { org: OrgId, target: TargetSetting },
    ReductionRegistered { reduction: ReductionProject },
    PracticePublished { practice: BestPractice },
    ReductionLinked { reduction: ReductionId, project: ProjectId },
}

/// The keys an event touched, for the projections.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct MeasureDirty {
    pub factories: BTreeSet<OrgId>,
    pub years: BTreeSet<(OrgId, i32)>,
    pub reductions: BTreeSet<ReductionId>,
    pub practices: BTreeSet<PracticeId>,
}

#[derive(Debug, Default, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FactoryBook {
    factories: BTreeMap<OrgId, FactoryProfile>,
    years: BTreeMap<(OrgId, i32), FactoryYear>,
    targets: BTreeMap<OrgId, TargetSetting>,
    reductions: BTreeMap<ReductionId, ReductionProject>,
    practices: BTreeMap<PracticeId, BestPractice>,
}

impl FactoryBook {
    pub fn factory(&self, org: OrgId) -> Option<&FactoryProfile> {
        self.factories.get(&org)
    }
    pub fn factories(&self) -> impl Iterator<Item = &FactoryProfile> {
        self.factories.values()
    }
    pub fn year(&self, org: OrgId, year: i32) -> Option<&FactoryYear> {
        self.years.get(&(org, year))
    }
    pub fn years(&self) -> impl Iterator<Item = &FactoryYear> {
        self.years.values()
    }
    pub fn years_of(&self, org: OrgId) -> impl Iterator<Item = &FactoryYear> {
        self.years.range((org, i32::MIN)..=(org, i32::MAX)).map(|(_, year)| year)
    }
    pub fn target(&self, org: OrgId) -> Option<&TargetSetting> {
        self.targets.get(&org)
    }
    pub fn reduction(&self, id: ReductionId) -> Option<&ReductionProject> {
        self.reductions.get(&id)
    }
    pub fn reductions(&self) -> impl DoubleEndedIterator<Item = &ReductionProject> {
        self.reductions.values()
    }
    pub fn practice(&self, id: PracticeId) -> Option<&BestPractice> {
        self.practices.get(&id)
    }
    pub fn practices(&self) -> impl DoubleEndedIterator<Item = &BestPractice> {
        self.practices.values()
    }

    /// The organisation a command concerns, for the application's permission check.
    pub fn command_org(&self, command: &MeasureCommand) -> DomainResult<OrgId> {
        Ok(match command {
            MeasureCommand::RegisterFactory { profile } => profile.org,
            MeasureCommand::RecordYear { year } => year.org,
            MeasureCommand::SetTarget { org, .. } => *org,
            MeasureCommand::RegisterReduction { plan } => plan.org,
            MeasureCommand::PublishPractice { practice } => practice.org,
            MeasureCommand::LinkReduction { reduction, .. } => self.existing_reduction(*reduction)?.plan.org,
        })
    }

    /// A reduction project that may become a registry project now.
    pub fn promotable(&self, id: ReductionId) -> DomainResult<&ReductionProject> {
        let reduction = self.existing_reduction(id)?;
        if reduction.methodology().is_none() {
            return Err(DomainError::invalid(
                "reduction",
                "Mangrove has no credit methodology for this kind of project yet; it stays a reduction project",
            ));
        }
        if let Some(project) = reduction.registry_project {
            return Err(DomainError::conflict(format!("this reduction project is already registry {project}")));
        }
        Ok(reduction)
    }

    fn existing_reduction(&self, id: ReductionId) -> DomainResult<&ReductionProject> {
        self.reductions.get(&id).ok_or_else(|| DomainError::not_found("reduction", format!("there is no {id}")))
    }

    /// Checks a command; who may give it is the application's business (it
    /// knows the registry's organisations).
    pub fn decide(&self, catalogue: &Catalogue, command: &MeasureCommand) -> DomainResult<Vec<MeasureEvent>> {
        match command {
            MeasureCommand::RegisterFactory { profile } => {
                let profile = checked_profile(profile)?;
                if !self.factories.contains_key(&profile.org) && self.factories.len() >= FACTORIES_MAX {
                    return Err(DomainError::invalid(
                        "org",
                        format!("the book holds at most {FACTORIES_MAX} factories"),
                    ));
                }
                if self.factories.values().any(|other| other.licence == profile.licence && other.org != profile.org) {
                    return Err(DomainError::conflict(format!(
                        "licence {} belongs to another factory",
                        profile.licence
                    )));
                }
                Ok(vec![MeasureEvent::FactoryRegistered { factory: profile }])
            }
            MeasureCommand::RecordYear { year } => {
                self.registered(year.org)?;
                check_year(catalogue, year)?;
                Ok(vec![MeasureEvent::YearRecorded { year: year.clone() }])
            }
            MeasureCommand::SetTarget { org, target } => {
                self.registered(*org)?;
                self.check_target(*org, target)?;
                Ok(vec![MeasureEvent::TargetSet { org: *org, target: *target }])
            }
            MeasureCommand::RegisterReduction { plan } => {
                self.registered(plan.org)?;
                if self.reductions.len() >= REDUCTIONS_MAX {
                    return Err(DomainError::invalid(
                        "reduction",
                        "the book holds as many reduction projects as it may",
                    ));
                }
                let id = ReductionId(self.reductions.len() as u64 + 1);
                let reduction = ReductionProject { id, plan: checked_plan(plan)?, registry_project: None };
                Ok(vec![MeasureEvent::ReductionRegistered { reduction }])
            }
            MeasureCommand::PublishPractice { practice } => self.decide_practice(practice),
            MeasureCommand::LinkReduction { reduction, project } => {
                self.promotable(*reduction)?;
                Ok(vec![MeasureEvent::ReductionLinked { reduction: *reduction, project: *project }])
            }
        }
    }

    fn decide_practice(&self, practice: &PracticeDraft) -> DomainResult<Vec<MeasureEvent>> {
        self.registered(practice.org)?;
        if let Some(id) = practice.reduction {
            let reduction = self.existing_reduction(id)?;
            if reduction.plan.org != practice.org {
                return Err(DomainError::invalid("reduction", format!("{id} belongs to another factory")));
            }
        }
        if self.practices.len() >= REDUCTIONS_MAX {
            return Err(DomainError::invalid("practice", "the library holds as many practices as it may"));
        }
        let id = PracticeId(self.practices.len() as u64 + 1);
        Ok(vec![MeasureEvent::PracticePublished { practice: BestPractice { id, draft: checked_practice(practice)? } }])
    }

    pub fn apply(&mut self, event: &MeasureEvent, dirty: &mut MeasureDirty) {
        match event {
            MeasureEvent::FactoryRegistered { factory } => {
                self.factories.insert(factory.org, factory.clone());
                dirty.factories.insert(factory.org);
            }
            MeasureEvent::YearRecorded { year } => {
                self.years.insert((year.org, year.year), year.clone());
                dirty.years.insert((year.org, year.year));
            }
            MeasureEvent::TargetSet { org, target } => {
                self.targets.insert(*org, *target);
                dirty.factories.insert(*org);
            }
            MeasureEvent::ReductionRegistered { reduction } => {
                self.reductions.insert(reduction.id, reduction.clone());
                dirty.reductions.insert(reduction.id);
            }
            MeasureEvent::PracticePublished { practice } => {
                self.practices.insert(practice.id, practice.clone());
                dirty.practices.insert(practice.id);
            }
            MeasureEvent::ReductionLinked { reduction, project } => {
                let linked = self.reductions.get_mut(reduction).expect("decided against this book");
                linked.registry_project = Some(*project);
                dirty.reductions.insert(*reduction);
            }
        }
    }

    fn registered(&self, org: OrgId) -> DomainResult<&FactoryProfile> {
        self.factories.get(&org).ok_or_else(|| {
            DomainError::not_found("org", format!("organisation {} is not a registered factory", org.get()))
        })
    }

    fn check_target(&self, org: OrgId, target: &TargetSetting) -> DomainResult<()> {
        if !self.years.contains_key(&(org, target.base_year)) {
            return Err(DomainError::invalid("base_year", "record the base year's activity data first"));
        }
        if target.target_year <= target.base_year || target.target_year > YEAR_MAX {
            return Err(DomainError::invalid("target_year", "the target year comes after the base year"));
        }
        if target.net_zero_year < target.target_year || target.net_zero_year > YEAR_MAX {
            return Err(DomainError::invalid("net_zero_year", "net zero comes no earlier than the target year"));
        }
        if target.reduction.get() == 0 {
            return Err(DomainError::invalid("reduction_bps", "a target reduces emissions by more than 0 %"));
        }
        Ok(())
    }

    /// The inventory of one factory's year, computed from its activity data.
    pub fn inventory(&self, catalogue: &Catalogue, org: OrgId, year: i32) -> Option<Inventory> {
        let data = self.years.get(&(org, year))?;
        // Recorded years were checked to compute when they were recorded, and
        // factors are only ever added for later years, so this cannot fail.
        Inventory::compute(catalogue, data.options(), &data.lines).ok()
    }

    /// Every factory's every year, and the province's sums (the dashboard).
    pub fn province(&self, catalogue: &Catalogue) -> Province {
        let mut province = Province::default();
        for data in self.years.values() {
            let Some(profile) = self.factories.get(&data.org) else { continue };
            let Ok(inventory) = Inventory::compute(catalogue, data.options(), &data.lines) else { continue };
            province.add(profile, data.year, &inventory);
        }
        province
    }
}

/// The province's figures: sums of the factories' inventories.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
pub struct Province {
    pub total_by_year: BTreeMap<i32, Co2e>,
    pub scope1_by_year: BTreeMap<i32, Co2e>,
    pub scope2_by_year: BTreeMap<i32, Co2e>,
    pub by_sector_year: BTreeMap<Sector, BTreeMap<i32, Co2e>>,
    pub by_district_year: BTreeMap<String, BTreeMap<i32, Co2e>>,
    /// Each factory's total per year, for the top emitters.
    pub by_factory_year: BTreeMap<i32, Vec<(OrgId, Co2e)>>,
    pub inventories: usize,
    pub lines: usize,
}

impl Province {
    fn add(&mut self, profile: &FactoryProfile, year: i32, inventory: &Inventory) {
        let total = inventory.total();
        *self.total_by_year.entry(year).or_default() += total;
        *self.scope1_by_year.entry(year).or_default() += inventory.scope(Scope::One);
        *self.scope2_by_year.entry(year).or_default() += inventory.scope(Scope::Two);
        *self.by_sector_year.entry(profile.sector).or_default().entry(year).or_default() += total;
        *self.by_district_year.entry(profile.district.clone()).or_default().entry(year).or_default() += total;
        self.by_factory_year.entry(year).or_default().push((profile.org, total));
        self.inventories += 1;
        self.lines += inventory.lines().len();
    }
}

fn checked_profile(profile: &FactoryProfile) -> DomainResult<FactoryProfile> {
    let licence = profile.licence.trim();
    if licence.is_empty() || licence.chars().count() > 64 {
        return Err(DomainError::invalid("licence", "a licence number is 1 to 64 characters"));
    }
    let district = DISTRICTS
        .iter()
        .find(|name| name.eq_ignore_ascii_case(profile.district.trim()))
        .ok_or_else(|| DomainError::invalid("district", format!("the district is one of {}", DISTRICTS.join(", "))))?;
    Ok(FactoryProfile { licence: licence.to_string(), district: district.to_string(), ..profile.clone() })
}

fn check_year(catalogue: &Catalogue, data: &FactoryYear) -> DomainResult<()> {
    if !(YEAR_MIN..=YEAR_MAX).contains(&data.year) {
        return Err(DomainError::invalid("year", format!("the year is {YEAR_MIN} to {YEAR_MAX}")));
    }
    if data.lines.is_empty() || data.lines.len() > LINES_PER_YEAR_MAX {
        return Err(DomainError::invalid("lines", format!("a year has 1 to {LINES_PER_YEAR_MAX} activity lines")));
    }
    if let Some(line) = data.lines.iter().find(|line| line.month.year() != data.year) {
        return Err(DomainError::invalid(
            "lines",
            format!("line {}: {} is not in {}", line.line, line.month, data.year),
        ));
    }
    let inventory = Inventory::compute(catalogue, data.options(), &data.lines).map_err(|errors| {
        let first = errors.errors.first().map(|error| format!("line {}: {}", error.line, error.message));
        DomainError::invalid("lines", first.unwrap_or_else(|| "the activity data cannot be computed".into()))
    })?;
    // Magnitudes, not the signed total: every scope's, gas's and source's
    // partial sum, and the province's sums over factories, are bounded by it.
    let magnitude_grams = inventory
        .lines()
        .iter()
        .try_fold(0i64, |sum, line| sum.checked_add(line.emissions_tco2e.grams().checked_abs()?))
        .filter(|grams| *grams <= CO2E_GRAMS_PER_FACTORY_YEAR_MAX);
    if magnitude_grams.is_none() {
        return Err(DomainError::invalid(
            "lines",
            format!(
                "a year's emissions are at most {} tCO2e; check the quantities and units",
                CO2E_GRAMS_PER_FACTORY_YEAR_MAX / crate::fixed::MICRO
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::import_activities;

    fn profile(org: u64, licence: &str, sector: Sector, district: &str) -> FactoryProfile {
        FactoryProfile {
            org: OrgId(org),
            licence: licence.into(),
            sector,
            district: district.into(),
            publish: true,
            synthetic: true,
        }
    }

    fn year(org: u64, year: i32, file: &str) -> FactoryYear {
        let lines = import_activities(file, Catalogue::embedded()).unwrap();
        FactoryYear { org: OrgId(org), year, gwp_set: GwpSet::Ar6, combustion: CombustionMethod::TgoCombined, lines }
    }

    fn run(book: &mut FactoryBook, command: MeasureCommand) -> DomainResult<()> {
        let events = book.decide(Catalogue::embedded(), &command)?;
        for event in &events {
            book.apply(event, &mut MeasureDirty::default());
        }
        Ok(())
    }

    #[test]
    fn the_province_is_the_sum_of_its_factories() {
        let mut book = FactoryBook::default();
        run(
            &mut book,
            MeasureCommand::RegisterFactory { profile: profile(5, "3-40-1/45", Sector::Chemicals, "Mueang Rayong") },
        )
        .unwrap();
        run(
            &mut book,
            MeasureCommand::RegisterFactory { profile: profile(6, "3-89-2/50", Sector::Refining, "ban chang") },
        )
        .unwrap();
        // 10,000 kWh × 0.4999 = 4,999 kg; 1,000 L diesel × 2.7078 = 2,707.8 kg.
        run(
            &mut book,
            MeasureCommand::RecordYear {
                year: year(5, 2025, "month,activity,quantity,unit\n2025-01,electricity,10000,kWh\n"),
            },
        )
        .unwrap();
        run(
            &mut book,
            MeasureCommand::RecordYear { year: year(6, 2025, "month,activity,quantity,unit\n2025-03,diesel,1000,L\n") },
        )
        .unwrap();
        let province = book.province(Catalogue::embedded());
        assert_eq!(province.total_by_year[&2025].grams(), 4_999_000 + 2_707_800);
        assert_eq!(province.scope2_by_year[&2025].grams(), 4_999_000);
        assert_eq!(province.by_sector_year[&Sector::Refining][&2025].grams(), 2_707_800);
        assert_eq!(province.by_district_year["Ban Chang"][&2025].grams(), 2_707_800, "districts are named canonically");
    }

    #[test]
    fn bad_commands_are_refused_and_change_nothing() {
        let mut book = FactoryBook::default();
        run(
            &mut book,
            MeasureCommand::RegisterFactory { profile: profile(5, "3-40-1/45", Sector::Chemicals, "Klaeng") },
        )
        .unwrap();
        let before = book.clone();
        let cases: Vec<(MeasureCommand, &str)> = vec![
            (MeasureCommand::RegisterFactory { profile: profile(6, "3-40-1/45", Sector::Food, "Klaeng") }, "conflict"),
            (MeasureCommand::RegisterFactory { profile: profile(7, "x", Sector::Food, "Bangkok") }, "district"),
            (
                MeasureCommand::RecordYear {
                    year: year(9, 2025, "month,activity,quantity,unit\n2025-01,diesel,1,L\n"),
                },
                "org",
            ),
            (
                MeasureCommand::RecordYear {
                    year: year(5, 2024, "month,activity,quantity,unit\n2025-01,diesel,1,L\n"),
                },
                "lines",
            ),
            (
                MeasureCommand::SetTarget {
                    org: OrgId(5),
                    target: TargetSetting {
                        base_year: 2020,
                        target_year: 2030,
                        reduction: BasisPoints::new(3_000, "r").unwrap(),
                        net_zero_year: 2050,
                    },
                },
                "base_year",
            ),
        ];
        for (command, expected) in cases {
            let error = run(&mut book, command).unwrap_err();
            let named = error.field.map_or(error.kind.code().to_string(), str::to_string);
            assert_eq!(named, expected, "{error:?}");
            assert_eq!(book, before);
        }
    }

    fn plan(org: u64, kind: crate::ReductionKind) -> crate::ReductionPlan {
        crate::ReductionPlan {
            org: OrgId(org),
            kind,
            title: "Steam traps".into(),
            description: String::new(),
            estimated_tco2e_per_year: 500,
            start_year: 2026,
            status: crate::ReductionStatus::Planned,
            synthetic: false,
        }
    }

    #[test]
    fn reduction_projects_link_once_and_only_when_a_methodology_exists() {
        use crate::ReductionKind::*;
        let mut book = FactoryBook::default();
        for (org, licence) in [(5, "a-1"), (6, "b-2")] {
            let command =
                MeasureCommand::RegisterFactory { profile: profile(org, licence, Sector::Chemicals, "Klaeng") };
            run(&mut book, command).unwrap();
        }
        run(&mut book, MeasureCommand::RegisterReduction { plan: plan(5, GasTurbineInletFilter) }).unwrap();
        run(&mut book, MeasureCommand::RegisterReduction { plan: plan(5, SteamReduction) }).unwrap();
        let before = book.clone();
        let link = |reduction: u64| MeasureCommand::LinkReduction {
            reduction: ReductionId(reduction),
            project: mangrove_core::ProjectId(7),
        };
        let practice = crate::PracticeDraft {
            org: OrgId(6),
            reduction: Some(ReductionId(2)),
            kind: SteamReduction,
            title: "t".into(),
            summary: "s".into(),
            measured_reduction_tco2e: 5,
            measured_year: 2025,
            measurement: "m".into(),
            investment_baht: None,
            synthetic: false,
        };
        let cases: Vec<(MeasureCommand, &str)> = vec![
            (link(1), "reduction"),
            (link(3), "reduction"),
            (MeasureCommand::RegisterReduction { plan: plan(9, Other) }, "org"),
            (MeasureCommand::PublishPractice { practice }, "reduction"),
        ];
        for (command, field) in cases {
            let error = run(&mut book, command).unwrap_err();
            assert_eq!(error.field, Some(field), "{error:?}");
            assert_eq!(book, before);
        }
        run(&mut book, link(2)).unwrap();
        assert_eq!(book.reduction(ReductionId(2)).unwrap().registry_project, Some(mangrove_core::ProjectId(7)));
        assert_eq!(run(&mut book, link(2)).unwrap_err().kind, mangrove_core::ErrorKind::Conflict);
    }
}
