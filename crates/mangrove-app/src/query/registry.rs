//! Reads of the registry, with who may see what: projects with their
//! totals (from each project's batches, never every batch), batches,
//! retirements (naming an organisation, never a private person), and an
//! account's holdings, shown only to its holder and the operator.

use crate::App;
use mangrove_core::{AccountId, Actor, DomainError, DomainResult, ErrorKind, Role};
use mangrove_registry::*;
use serde::Serialize;

#[derive(Serialize, utoipa::ToSchema)]
pub struct ProjectView {
    #[serde(flatten)]
    pub project: Project,
    pub class_code: String,
    pub proponent_name: String,
    pub issued_tco2e: u64,
    pub retired_tco2e: u64,
}

pub fn project_view(registry: &Registry, project: &Project) -> ProjectView {
    let batches = registry.batches_of(project.id);
    let (issued, retired) = batches.fold((0, 0), |(issued, retired), batch| {
        (issued + batch.issued_tco2e.get(), retired + registry.batch_totals(batch.id).retired_tco2e.get())
    });
    ProjectView {
        project: project.clone(),
        class_code: registry.class(project.class).map(|class| class.code.clone()).unwrap_or_default(),
        proponent_name: registry.organisation(project.proponent).map(|org| org.name.clone()).unwrap_or_default(),
        issued_tco2e: issued,
        retired_tco2e: retired,
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ProjectDetail {
    #[serde(flatten)]
    pub project: ProjectView,
    pub batches: Vec<BatchView>,
    pub reports: Vec<MonitoringReport>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct BatchView {
    #[serde(flatten)]
    pub batch: Batch,
    #[serde(flatten)]
    pub totals: BatchTotals,
    pub serial: String,
    pub project_name: String,
}

pub fn batch_view(registry: &Registry, batch: &Batch) -> BatchView {
    let range = UnitRange { first: 1, last: batch.issued_tco2e.get().max(1) };
    BatchView {
        batch: batch.clone(),
        totals: registry.batch_totals(batch.id),
        serial: registry.serial(batch.id, range).map(|serial| serial.to_string()).unwrap_or_default(),
        project_name: registry.project(batch.project).map(|project| project.name.clone()).unwrap_or_default(),
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct RetirementView {
    #[serde(flatten)]
    pub retirement: Retirement,
    pub serials: Vec<String>,
    pub project_id: u64,
    pub project_name: String,
    pub vintage_start: String,
    pub vintage_end: String,
    pub retired_by: String,
    /// The journal event that records this retirement (its proof's leaf).
    pub seq: Option<u64>,
}

pub fn retirement_view(app: &App, retirement: &Retirement) -> RetirementView {
    let registry = &app.registry;
    let batch = registry.batch(retirement.batch);
    let project = batch.and_then(|batch| registry.project(batch.project));
    let retired_by = registry
        .account(retirement.account)
        .and_then(|account| account.org().and_then(|org| registry.organisation(org)));
    RetirementView {
        retirement: retirement.clone(),
        serials: retirement
            .ranges
            .iter()
            .filter_map(|range| registry.serial(retirement.batch, *range))
            .map(|s| s.to_string())
            .collect(),
        project_id: project.map_or(0, |project| project.id.get()),
        project_name: project.map(|project| project.name.clone()).unwrap_or_default(),
        vintage_start: batch.map(|batch| batch.vintage_start.to_string()).unwrap_or_default(),
        vintage_end: batch.map(|batch| batch.vintage_end.to_string()).unwrap_or_default(),
        retired_by: retired_by.map(|org| org.name.clone()).unwrap_or_default(),
        seq: app.retirement_seq(retirement.id),
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct HoldingView {
    pub batch_id: u64,
    pub project_id: u64,
    pub project_name: String,
    pub vintage_start: String,
    pub vintage_end: String,
    pub active_tco2e: u64,
    pub held_tco2e: u64,
    /// The serials of the account's active and held blocks of this batch.
    pub serials: Vec<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct AccountView {
    pub account: Account,
    pub organisation: String,
    pub holdings: Vec<HoldingView>,
}

/// A project with its batches and monitoring reports.
pub fn project_detail(registry: &Registry, project: &Project) -> ProjectDetail {
    ProjectDetail {
        project: project_view(registry, project),
        batches: registry.batches_of(project.id).map(|batch| batch_view(registry, batch)).collect(),
        reports: registry.reports().filter(|report| report.project == project.id).cloned().collect(),
    }
}

/// An account's holdings, for its holder (an organisation's members, or
/// the person) and the operator.
pub fn account_view(app: &App, viewer: &Actor, id: AccountId) -> DomainResult<AccountView> {
    let registry = &app.registry;
    let account = registry
        .account(id)
        .ok_or_else(|| DomainError::new(ErrorKind::NotFound, None, format!("there is no account {}", id.get())))?;
    let holds_it = match (viewer, account.holder) {
        (Actor::System, _) => true,
        (Actor::Member { role: Role::Operator, .. }, _) => true,
        (Actor::Member { org, .. }, Holder::Org(holder)) => *org == holder,
        (Actor::Person { user }, Holder::Person(holder)) => *user == holder,
        _ => false,
    };
    if !holds_it {
        return Err(DomainError::forbidden(format!("account {} is not yours", id.get())));
    }
    let holdings = registry
        .holdings_of(account.id)
        .filter_map(|(batch_id, holding)| {
            let batch = registry.batch(batch_id)?;
            let serials = registry
                .live_blocks_of(account.id, batch_id)
                .filter_map(|block| registry.serial(block.batch, block.range).map(|s| s.to_string()))
                .collect();
            Some(HoldingView {
                batch_id: batch_id.get(),
                project_id: batch.project.get(),
                project_name: registry.project(batch.project).map(|p| p.name.clone()).unwrap_or_default(),
                vintage_start: batch.vintage_start.to_string(),
                vintage_end: batch.vintage_end.to_string(),
                active_tco2e: holding.active_tco2e.get(),
                held_tco2e: holding.held_tco2e.get(),
                serials,
            })
        })
        .collect();
    let organisation =
        account.org().and_then(|org| registry.organisation(org)).map(|org| org.name.clone()).unwrap_or_default();
    Ok(AccountView { account: account.clone(), organisation, holdings })
}
