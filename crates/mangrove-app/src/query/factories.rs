//! Reads of the factory book, with who may see what: factories, their
//! inventories and progress against their targets (shown to everyone when
//! the factory publishes, else to itself, the operator and verifiers), its
//! reduction projects under the same rule, and the public library of
//! practices. A factory's retired tonnes come from its account's own
//! retirements, never from every retirement.

use crate::App;
use mangrove_core::{Actor, DomainError, DomainResult, ErrorKind, OrgId, ReductionId, Role, Tco2e};
use mangrove_mrv::*;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct FactoryView {
    pub org_id: u64,
    /// The organisation's holding account, where its retirements come from.
    pub account_id: u64,
    pub name: String,
    pub licence: String,
    #[schema(value_type = String)]
    pub sector: Sector,
    pub district: String,
    pub publish: bool,
    pub synthetic: bool,
    pub years: Vec<i32>,
    pub target: Option<TargetSetting>,
}

pub fn factory_view(app: &App, profile: &FactoryProfile) -> FactoryView {
    let organisation = app.registry.organisation(profile.org);
    FactoryView {
        org_id: profile.org.get(),
        account_id: organisation.map(|org| org.account.get()).unwrap_or_default(),
        name: organisation.map(|org| org.name.clone()).unwrap_or_default(),
        licence: profile.licence.clone(),
        sector: profile.sector,
        district: profile.district.clone(),
        publish: profile.publish,
        synthetic: profile.synthetic,
        years: app.factories.years_of(profile.org).map(|year| year.year).collect(),
        target: app.factories.target(profile.org).copied(),
    }
}

/// Which factories a list shows: by sector, by district, and by words in
/// the name or the licence.
#[derive(Default)]
pub struct FactorySearch<'a> {
    pub sector: Option<Sector>,
    pub district: Option<&'a str>,
    pub words: Option<&'a str>,
}

/// The factories a search finds, in the order of their organisations.
pub fn factories<'a>(app: &'a App, search: FactorySearch<'a>) -> impl Iterator<Item = FactoryView> + 'a {
    let needle = search.words.map(str::to_lowercase);
    app.factories
        .factories()
        .filter(move |f| search.sector.is_none_or(|sector| f.sector == sector))
        .filter(move |f| search.district.is_none_or(|district| f.district.eq_ignore_ascii_case(district)))
        .map(|f| factory_view(app, f))
        .filter(move |f| {
            needle.as_deref().is_none_or(|needle| {
                f.name.to_lowercase().contains(needle) || f.licence.to_lowercase().contains(needle)
            })
        })
}

fn not_a_factory(org: OrgId) -> DomainError {
    DomainError::new(ErrorKind::NotFound, None, format!("organisation {} is not a registered factory", org.get()))
}

pub fn factory(app: &App, org: OrgId) -> DomainResult<FactoryView> {
    let profile = app.factories.factory(org).ok_or_else(|| not_a_factory(org))?;
    Ok(factory_view(app, profile))
}

/// Whether the viewer sees what a factory does not publish: its own
/// members, the operator and verifiers.
fn sees_unpublished(org: OrgId, viewer: Option<&Actor>) -> bool {
    match viewer {
        Some(Actor::System) => true,
        Some(Actor::Member { org: member_of, role, .. }) => {
            *member_of == org || matches!(role, Role::Operator | Role::Verifier)
        }
        _ => false,
    }
}

/// A factory whose inventory the viewer may read.
fn readable_factory<'a>(app: &'a App, org: OrgId, viewer: Option<&Actor>) -> DomainResult<&'a FactoryProfile> {
    let profile = app.factories.factory(org).ok_or_else(|| not_a_factory(org))?;
    if profile.publish || sees_unpublished(org, viewer) {
        Ok(profile)
    } else {
        Err(DomainError::forbidden("this factory does not publish its inventory"))
    }
}

/// Tonnes the factory retired against an inventory year, from its own
/// account's retirements.
pub fn retired_against(app: &App, org: OrgId, year: i32) -> u64 {
    let Some(account) = app.registry.organisation(org).map(|org| org.account) else { return 0 };
    app.registry.retirements_from(account).filter(|r| r.inventory_year == year).map(|r| r.quantity_tco2e.get()).sum()
}

#[derive(Serialize, ToSchema)]
pub struct InventoryView {
    pub factory: FactoryView,
    pub year: i32,
    pub inventory: Inventory,
    pub retired_tco2e: u64,
    #[schema(value_type = f64)]
    pub net_tco2e: Co2e,
    /// Every emission factor the lines used, with its value and source, for the report.
    pub factors_used: Vec<Factor>,
}

/// The factors behind an inventory's lines, each once, by id and version.
fn factors_used(catalogue: &Catalogue, inventory: &Inventory) -> Vec<Factor> {
    let used: std::collections::BTreeSet<(&str, u32)> =
        inventory.lines().iter().flat_map(|line| &line.factors).map(|f| (f.id.as_str(), f.version)).collect();
    catalogue.factors().iter().filter(|f| used.contains(&(f.id.as_str(), f.version))).cloned().collect()
}

/// A factory's inventory of one year, with what it retired against it.
pub fn inventory_view(app: &App, viewer: Option<&Actor>, org: OrgId, year: i32) -> DomainResult<InventoryView> {
    let profile = readable_factory(app, org, viewer)?;
    let inventory = app
        .factories
        .inventory(app.catalogue, org, year)
        .ok_or_else(|| DomainError::new(ErrorKind::NotFound, None, format!("no activity data for {year}")))?;
    let retired_tco2e = retired_against(app, org, year);
    let net_tco2e = net_emissions(inventory.total(), Tco2e::new(retired_tco2e));
    let factors_used = factors_used(app.catalogue, &inventory);
    Ok(InventoryView { factory: factory_view(app, profile), year, inventory, retired_tco2e, net_tco2e, factors_used })
}

#[derive(Serialize, ToSchema)]
pub struct ProgressView {
    pub target: Option<TargetSetting>,
    /// The emissions allowed each year from the base year to net zero.
    pub trajectory: Vec<mangrove_mrv::target::TrajectoryPoint>,
    pub years: Vec<YearProgress>,
}

#[derive(Serialize, ToSchema)]
pub struct YearProgress {
    pub year: i32,
    #[schema(value_type = f64)]
    pub actual_tco2e: Co2e,
    pub retired_tco2e: u64,
    #[schema(value_type = f64)]
    pub net_tco2e: Co2e,
    pub progress: Option<Progress>,
}

/// A factory's line to its target, from its setting and its base year's total.
pub(crate) fn target_line(setting: &TargetSetting, base: Co2e) -> Option<Target> {
    Target::new(setting.base_year, base, setting.target_year, setting.reduction, setting.net_zero_year).ok()
}

/// A factory's years against its target's line.
pub fn progress_view(app: &App, viewer: Option<&Actor>, org: OrgId) -> DomainResult<ProgressView> {
    readable_factory(app, org, viewer)?;
    let setting = app.factories.target(org).copied();
    let base = setting.and_then(|t| app.factories.inventory(app.catalogue, org, t.base_year)).map(|i| i.total());
    let target = setting.zip(base).and_then(|(setting, base)| target_line(&setting, base));
    let years = app
        .factories
        .years_of(org)
        .filter_map(|data| {
            let actual = app.factories.inventory(app.catalogue, org, data.year)?.total();
            let retired = retired_against(app, org, data.year);
            Some(YearProgress {
                year: data.year,
                actual_tco2e: actual,
                retired_tco2e: retired,
                net_tco2e: net_emissions(actual, Tco2e::new(retired)),
                progress: target.as_ref().map(|target| target.progress(data.year, actual)),
            })
        })
        .collect();
    let trajectory = target.as_ref().map(Target::trajectory).unwrap_or_default();
    Ok(ProgressView { target: setting, trajectory, years })
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

pub fn reduction_view(app: &App, reduction: &ReductionProject) -> ReductionView {
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

/// A factory's reduction projects show where its inventory does.
fn reduction_visible(app: &App, org: OrgId, viewer: Option<&Actor>) -> bool {
    app.factories.factory(org).is_some_and(|profile| profile.publish) || sees_unpublished(org, viewer)
}

/// The reduction projects the viewer may see, newest first; a page builds
/// the views of its own rows ([`reduction_view`]).
pub fn reductions<'a>(
    app: &'a App,
    viewer: Option<&'a Actor>,
    org: Option<OrgId>,
    kind: Option<ReductionKind>,
) -> impl Iterator<Item = &'a ReductionProject> + 'a {
    app.factories
        .reductions()
        .rev()
        .filter(move |r| org.is_none_or(|org| r.plan.org == org))
        .filter(move |r| kind.is_none_or(|kind| r.plan.kind == kind))
        .filter(move |r| reduction_visible(app, r.plan.org, viewer))
}

pub fn reduction(app: &App, viewer: Option<&Actor>, id: ReductionId) -> DomainResult<ReductionView> {
    app.factories
        .reduction(id)
        .filter(|r| reduction_visible(app, r.plan.org, viewer))
        .map(|r| reduction_view(app, r))
        .ok_or_else(|| {
            DomainError::new(ErrorKind::NotFound, None, format!("there is no reduction project {}", id.get()))
        })
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

/// The public library of practices, newest first, by kind and by words in
/// the title or the summary; a page builds the views of its own rows
/// ([`practice_view`]).
pub fn practices<'a>(
    app: &'a App,
    kind: Option<ReductionKind>,
    words: Option<&str>,
) -> impl Iterator<Item = &'a BestPractice> + 'a {
    let needle = words.map(str::to_lowercase);
    app.factories.practices().rev().filter(move |p| kind.is_none_or(|kind| p.draft.kind == kind)).filter(move |p| {
        needle.as_deref().is_none_or(|needle| {
            p.draft.title.to_lowercase().contains(needle) || p.draft.summary.to_lowercase().contains(needle)
        })
    })
}

pub fn practice_view(app: &App, practice: &BestPractice) -> PracticeView {
    let d = &practice.draft;
    PracticeView {
        id: practice.id.get(),
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
}
