//! The province dashboard: emissions by year, sector and district, the Race
//! to Zero line, removals by the mangrove and reforestation, credits issued
//! and retired, and the top emitters that agreed to publish. Computed from
//! the factory book and the registry of one published state; the server
//! keeps it until the journal grows.

use crate::App;
use mangrove_mrv::{Co2e, Sector};
use mangrove_registry::{ClassKind, Role};
use serde::Serialize;
use std::collections::BTreeMap;

/// Thailand's pledge (COP26): carbon neutral by 2050, net zero GHG by 2065.
pub const CARBON_NEUTRAL_YEAR: i32 = 2050;
pub const NET_ZERO_YEAR: i32 = 2065;
/// How many emitters the dashboard names.
pub const TOP_EMITTERS_MAX: usize = 10;

#[derive(Serialize, utoipa::ToSchema)]
pub struct Dashboard {
    /// The journal size the figures were computed at.
    pub journal_size: u64,
    pub factories: usize,
    pub synthetic_factories: usize,
    pub inventories: usize,
    pub activity_lines: usize,
    pub total_tco2e_by_year: BTreeMap<i32, Co2e>,
    pub scope1_tco2e_by_year: BTreeMap<i32, Co2e>,
    pub scope2_tco2e_by_year: BTreeMap<i32, Co2e>,
    pub by_sector: BTreeMap<Sector, BTreeMap<i32, Co2e>>,
    pub by_district: BTreeMap<String, BTreeMap<i32, Co2e>>,
    pub race_to_zero: RaceToZero,
    /// Credits issued from removal projects (mangrove, reforestation), by vintage year.
    pub removals_tco2e_by_vintage: BTreeMap<i32, u64>,
    pub issued_tco2e_by_vintage: BTreeMap<i32, u64>,
    /// Credits retired, by the inventory year they offset.
    pub retired_tco2e_by_inventory_year: BTreeMap<i32, u64>,
    pub top_emitters_year: Option<i32>,
    pub top_emitters: Vec<Emitter>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct RaceToZero {
    pub base_year: Option<i32>,
    #[schema(value_type = f64)]
    pub base_tco2e: Co2e,
    pub carbon_neutral_year: i32,
    pub net_zero_year: i32,
    /// The straight line from the base year to zero in the net-zero year.
    pub trajectory: BTreeMap<i32, Co2e>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Emitter {
    pub org_id: u64,
    pub name: String,
    #[schema(value_type = String)]
    pub sector: Sector,
    #[schema(value_type = f64)]
    pub tco2e: Co2e,
    pub synthetic: bool,
}

/// Every figure of the dashboard, from scratch.
pub fn dashboard(app: &App, journal_size: u64) -> Dashboard {
    let province = app.factories.province(app.catalogue);
    let (base_year, base) = province.total_by_year.iter().next().map_or((None, Co2e::ZERO), |(y, t)| (Some(*y), *t));
    let trajectory = base_year.map_or_else(BTreeMap::new, |year| straight_line(year, base, NET_ZERO_YEAR));
    let top_emitters_year = province.by_factory_year.keys().next_back().copied();
    Dashboard {
        journal_size,
        factories: app.factories.factories().count(),
        synthetic_factories: app.factories.factories().filter(|f| f.synthetic).count(),
        inventories: province.inventories,
        activity_lines: province.lines,
        total_tco2e_by_year: province.total_by_year.clone(),
        scope1_tco2e_by_year: province.scope1_by_year.clone(),
        scope2_tco2e_by_year: province.scope2_by_year.clone(),
        by_sector: province.by_sector_year.clone(),
        by_district: province.by_district_year.clone(),
        race_to_zero: RaceToZero {
            base_year,
            base_tco2e: base,
            carbon_neutral_year: CARBON_NEUTRAL_YEAR,
            net_zero_year: NET_ZERO_YEAR,
            trajectory,
        },
        removals_tco2e_by_vintage: credits_by_vintage(app, Some(ClassKind::Removal)),
        issued_tco2e_by_vintage: credits_by_vintage(app, None),
        retired_tco2e_by_inventory_year: retired_by_year(app),
        top_emitters_year,
        top_emitters: top_emitters_year
            .map_or_else(Vec::new, |year| top_emitters(app, &province.by_factory_year[&year])),
    }
}

/// Allowed emissions each year on a straight line to zero.
fn straight_line(base_year: i32, base: Co2e, zero_year: i32) -> BTreeMap<i32, Co2e> {
    let span = i64::from((zero_year - base_year).max(1));
    (base_year..=zero_year)
        .map(|year| (year, Co2e::from_grams(base.grams() * (span - i64::from(year - base_year)).max(0) / span)))
        .collect()
}

fn credits_by_vintage(app: &App, kind: Option<ClassKind>) -> BTreeMap<i32, u64> {
    let registry = &app.registry;
    let mut sums = BTreeMap::new();
    for batch in registry.batches() {
        let class_kind = registry.project(batch.project).and_then(|p| registry.class(p.class)).map(|c| c.kind);
        if kind.is_none() || class_kind == kind {
            *sums.entry(batch.vintage_end.year()).or_default() += batch.issued_tco2e.get();
        }
    }
    sums
}

fn retired_by_year(app: &App) -> BTreeMap<i32, u64> {
    let mut sums = BTreeMap::new();
    for retirement in app.registry.retirements() {
        *sums.entry(retirement.inventory_year).or_default() += retirement.quantity_tco2e.get();
    }
    sums
}

fn top_emitters(app: &App, totals: &[(mangrove_core::OrgId, Co2e)]) -> Vec<Emitter> {
    let mut published: Vec<(mangrove_core::OrgId, Co2e)> =
        totals.iter().filter(|(org, _)| app.factories.factory(*org).is_some_and(|f| f.publish)).copied().collect();
    published.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    published
        .into_iter()
        .take(TOP_EMITTERS_MAX)
        .filter_map(|(org, tco2e)| {
            let factory = app.factories.factory(org)?;
            let organisation = app.registry.organisation(org).filter(|o| o.role == Role::Factory)?;
            Some(Emitter {
                org_id: org.get(),
                name: organisation.name.clone(),
                sector: factory.sector,
                tco2e,
                synthetic: factory.synthetic,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_to_zero_falls_evenly() {
        let line = straight_line(2025, Co2e::from_grams(40_000_000), 2065);
        assert_eq!(line[&2025].grams(), 40_000_000);
        assert_eq!(line[&2045].grams(), 20_000_000);
        assert_eq!(line[&2065].grams(), 0);
        assert_eq!(line.len(), 41);
    }
}
