//! A factory's greenhouse-gas inventory for one year (GHG Protocol Corporate
//! Standard, ISO 14064-1): each activity line becomes one or more emission
//! lines (scope, gas, source, grams of CO2e, the factors and GWP set used),
//! and the inventory sums them by scope, gas and source. Biogenic CO2 is not
//! modelled: none of the shipped activities is a biomass fuel.

use crate::catalogue::{Activity, ActivityKind, Catalogue, Factor, GwpSet, Scope};
use crate::error::{DataErrors, LineError, Problem};
use crate::fixed::{Co2e, Micro, Month, Ratio};
use crate::import::{activity_and_unit, ActivityLine};
use serde::Serialize;
use std::collections::BTreeMap;

/// How fuel burnt is turned into CO2e; stated by the inventory, like the GWP set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CombustionMethod {
    /// Quantity × TGO's combined factor per unit (kgCO2e/L, /kg, /MJ): one CO2e line per fuel line.
    TgoCombined,
    /// Quantity → TJ by net calorific value, × the IPCC 2006 factor of each gas × its GWP:
    /// one line per gas, so the inventory reports by gas.
    IpccPerGas,
}

/// What the inventory states about itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct InventoryOptions {
    pub year: i32,
    pub gwp_set: GwpSet,
    pub combustion: CombustionMethod,
}

/// A factor, fuel property or parameter a line used, by id and version, so a
/// closed year can always say exactly what it was computed with.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, utoipa::ToSchema)]
pub struct FactorRef {
    pub id: String,
    pub version: u32,
}

impl FactorRef {
    pub(crate) fn of(factor: &Factor) -> FactorRef {
        FactorRef { id: factor.id.clone(), version: factor.version }
    }
}

/// Where an emission comes from, for the GHG Protocol's categories.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Combustion,
    Process,
    Fugitive,
    PurchasedElectricity,
}

/// One computed line: one gas of one activity line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct EmissionLine {
    /// The activity line it came from.
    pub line: u64,
    pub month: Month,
    pub scope: Scope,
    pub category: Category,
    /// The activity id, e.g. `diesel`.
    pub source: String,
    /// `CO2e` where the factor combines gases, else the gas.
    pub gas: String,
    pub quantity: Micro,
    pub unit: String,
    pub emissions_tco2e: Co2e,
    pub factors: Vec<FactorRef>,
    pub gwp_set: GwpSet,
    /// The GWP100 applied, where one was.
    pub gwp: Option<Micro>,
}

/// One year's inventory: its lines and their sums. The sums are only ever
/// made from the lines, here, so they always agree with them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Inventory {
    options: InventoryOptions,
    lines: Vec<EmissionLine>,
    total_tco2e: Co2e,
    by_scope: BTreeMap<Scope, Co2e>,
    by_gas: BTreeMap<String, Co2e>,
    by_source: BTreeMap<String, Co2e>,
}

impl Inventory {
    /// Computes every activity line; if any cannot be computed (a month
    /// outside the year, no factor for the year), none is, and every such
    /// line is named.
    pub fn compute(
        catalogue: &Catalogue,
        options: InventoryOptions,
        activity: &[ActivityLine],
    ) -> Result<Inventory, DataErrors> {
        let mut lines = Vec::with_capacity(activity.len());
        let mut errors = Vec::new();
        for item in activity {
            match compute_line(catalogue, options, item) {
                Ok(computed) => lines.extend(computed),
                Err(mut found) => errors.append(&mut found),
            }
        }
        if !errors.is_empty() {
            return Err(DataErrors { errors });
        }
        Inventory::from_lines(options, lines).map_err(|message| {
            DataErrors::one(LineError::new(0, None, Problem::OutOfRange, format!("the inventory {message}")))
        })
    }

    fn from_lines(options: InventoryOptions, lines: Vec<EmissionLine>) -> Result<Inventory, String> {
        let mut total = Co2e::ZERO;
        let (mut by_scope, mut by_gas, mut by_source) = (BTreeMap::new(), BTreeMap::new(), BTreeMap::new());
        for line in &lines {
            let amount = line.emissions_tco2e;
            total = total.checked_add(amount).ok_or("total is too large")?;
            // The three breakdowns partition the same lines, so none can overflow if the total did not.
            *by_scope.entry(line.scope).or_insert(Co2e::ZERO) += amount;
            *by_gas.entry(line.gas.clone()).or_insert(Co2e::ZERO) += amount;
            *by_source.entry(line.source.clone()).or_insert(Co2e::ZERO) += amount;
        }
        Ok(Inventory { options, lines, total_tco2e: total, by_scope, by_gas, by_source })
    }

    pub fn options(&self) -> InventoryOptions {
        self.options
    }
    pub fn lines(&self) -> &[EmissionLine] {
        &self.lines
    }
    pub fn total(&self) -> Co2e {
        self.total_tco2e
    }
    pub fn by_scope(&self) -> &BTreeMap<Scope, Co2e> {
        &self.by_scope
    }
    pub fn scope(&self, scope: Scope) -> Co2e {
        self.by_scope.get(&scope).copied().unwrap_or_default()
    }
    pub fn by_gas(&self) -> &BTreeMap<String, Co2e> {
        &self.by_gas
    }
    pub fn by_source(&self) -> &BTreeMap<String, Co2e> {
        &self.by_source
    }
}

fn compute_line(
    catalogue: &Catalogue,
    options: InventoryOptions,
    item: &ActivityLine,
) -> Result<Vec<EmissionLine>, Vec<LineError>> {
    let mut errors = Vec::new();
    if item.month.year() != options.year {
        let message = format!("{} is not in the inventory year {}", item.month, options.year);
        errors.push(LineError::new(item.line, Some("month"), Problem::OutsideYear, message));
    }
    if item.quantity.is_negative() {
        errors.push(LineError::new(item.line, Some("quantity"), Problem::OutOfRange, "the quantity is negative"));
    }
    let (activity, unit) = activity_and_unit(catalogue, item.line, &item.activity, &item.unit, &mut errors);
    let (Some(activity), Some(unit), true) = (activity, unit, errors.is_empty()) else {
        return Err(errors);
    };
    let activity = catalogue.activity(activity).expect("resolved above");
    let unit = catalogue.unit(unit).expect("resolved above");
    let calc = Calc { catalogue, options, item, base: item.quantity.ratio().mul(unit.to_base.ratio()) };
    let amounts = calc.amounts(activity).map_err(|e| vec![e])?;
    let mut lines = Vec::with_capacity(amounts.len());
    for amount in amounts {
        let grams = amount.grams.round_i64().ok_or_else(|| vec![calc.too_large()])?;
        lines.push(EmissionLine {
            line: item.line,
            month: item.month,
            scope: activity.scope,
            category: amount.category,
            source: activity.activity.clone(),
            gas: amount.gas.to_string(),
            quantity: item.quantity,
            unit: unit.unit.clone(),
            emissions_tco2e: Co2e::from_grams(grams),
            factors: amount.factors,
            gwp_set: options.gwp_set,
            gwp: amount.gwp,
        });
    }
    Ok(lines)
}

/// One gas of one line, before rounding to grams.
struct Amount<'a> {
    category: Category,
    gas: &'a str,
    grams: Ratio,
    factors: Vec<FactorRef>,
    gwp: Option<Micro>,
}

/// The arithmetic of one activity line, exact until the final rounding.
struct Calc<'a> {
    catalogue: &'a Catalogue,
    options: InventoryOptions,
    item: &'a ActivityLine,
    /// The quantity in the base unit of its dimension (kWh, MJ, L, kg, kgCO2e); `None` if it overflowed.
    base: Option<Ratio>,
}

impl Calc<'_> {
    fn too_large(&self) -> LineError {
        LineError::new(self.item.line, Some("quantity"), Problem::OutOfRange, "the quantity is too large")
    }
    fn no_factor(&self, what: String) -> LineError {
        let message = format!("no {what} applies to {}", self.options.year);
        LineError::new(self.item.line, Some("activity"), Problem::NoFactor, message)
    }

    fn amounts<'b>(&self, activity: &'b Activity) -> Result<Vec<Amount<'b>>, LineError> {
        let gas = activity.gas.as_deref().unwrap_or("CO2e");
        let amount = |category, grams, factors, gwp| vec![Amount { category, gas, grams, factors, gwp }];
        Ok(match (activity.kind, self.options.combustion) {
            (ActivityKind::Electricity, _) => {
                let (grams, factor) = self.combined(&activity.activity)?;
                amount(Category::PurchasedElectricity, grams, vec![factor], None)
            }
            (ActivityKind::Fuel, CombustionMethod::TgoCombined) => {
                let (grams, factor) = self.combined(&activity.activity)?;
                amount(Category::Combustion, grams, vec![factor], None)
            }
            (ActivityKind::Fuel, CombustionMethod::IpccPerGas) => {
                self.per_gas(&activity.activity, &activity.dimension)?
            }
            (ActivityKind::Process, _) if activity.dimension == "co2e" => {
                // Given directly in CO2e: the base unit is kgCO2e.
                let grams = self.base.and_then(|kg| kg.mul(Ratio::int(1000))).ok_or_else(|| self.too_large())?;
                amount(Category::Process, grams, Vec::new(), None)
            }
            (ActivityKind::Process, _) => {
                let (grams, gwp) = self.gas_mass(gas)?;
                amount(Category::Process, grams, Vec::new(), Some(gwp))
            }
            (ActivityKind::Refrigerant, _) => {
                let (grams, gwp) = self.gas_mass(gas)?;
                amount(Category::Fugitive, grams, Vec::new(), Some(gwp))
            }
        })
    }

    /// Grams of CO2e by the combined factor: quantity × (unit / factor's unit) × kg per unit × 1000.
    fn combined(&self, activity: &str) -> Result<(Ratio, FactorRef), LineError> {
        let year = self.options.year;
        let factor = self
            .catalogue
            .factor(activity, "CO2e", year)
            .ok_or_else(|| self.no_factor(format!("combined CO2e factor for {activity}")))?;
        let factor_unit =
            self.catalogue.unit(&factor.unit).ok_or_else(|| self.no_factor(format!("unit {}", factor.unit)))?;
        let grams = self
            .base
            .and_then(|q| q.div(factor_unit.to_base.ratio()))
            .and_then(|q| q.mul(factor.value.ratio()))
            .and_then(|kg| kg.mul(Ratio::int(1000)))
            .ok_or_else(|| self.too_large())?;
        Ok((grams, FactorRef::of(factor)))
    }

    /// The fuel's energy in TJ: heat units directly; mass by net calorific
    /// value; volume by density, then net calorific value.
    fn energy_tj(&self, fuel: &str, dimension: &str) -> Result<(Ratio, Vec<FactorRef>), LineError> {
        let year = self.options.year;
        let mut refs = Vec::new();
        let mut mj = self.base.ok_or_else(|| self.too_large())?;
        if dimension == "volume" {
            let density = self.catalogue.fuel_property(fuel, "density", year);
            let density = density.ok_or_else(|| self.no_factor(format!("density of {fuel}")))?;
            mj = mj.mul(density.value.ratio()).ok_or_else(|| self.too_large())?;
            refs.push(FactorRef { id: density.id.clone(), version: density.version });
        }
        if dimension != "heat" {
            let ncv = self.catalogue.fuel_property(fuel, "ncv", year);
            let ncv = ncv.ok_or_else(|| self.no_factor(format!("net calorific value of {fuel}")))?;
            mj = mj.mul(ncv.value.ratio()).ok_or_else(|| self.too_large())?;
            refs.push(FactorRef { id: ncv.id.clone(), version: ncv.version });
        }
        Ok((mj.mul(Ratio::new(1, 1_000_000)).ok_or_else(|| self.too_large())?, refs))
    }

    /// Grams of CO2e of each gas: TJ × kg/TJ × 1000 × GWP.
    fn per_gas(&self, fuel: &str, dimension: &str) -> Result<Vec<Amount<'static>>, LineError> {
        let (tj, energy_refs) = self.energy_tj(fuel, dimension)?;
        let mut out = Vec::new();
        for gas in ["CO2", "CH4", "N2O"] {
            let factor = self.catalogue.factor(fuel, gas, self.options.year);
            let factor = factor.ok_or_else(|| self.no_factor(format!("IPCC {gas} factor for {fuel}")))?;
            let gwp = self.gwp(gas)?;
            let grams = tj
                .mul(factor.value.ratio())
                .and_then(|kg| kg.mul(Ratio::int(1000)))
                .and_then(|g| g.mul(gwp.ratio()))
                .ok_or_else(|| self.too_large())?;
            let mut factors = vec![FactorRef::of(factor)];
            factors.extend(energy_refs.iter().cloned());
            out.push(Amount { category: Category::Combustion, gas, grams, factors, gwp: Some(gwp) });
        }
        Ok(out)
    }

    /// Grams of CO2e of a mass of gas (process or refrigerant top-up): kg × 1000 × GWP.
    fn gas_mass(&self, gas: &str) -> Result<(Ratio, Micro), LineError> {
        let gwp = self.gwp(gas)?;
        let grams = self.base.and_then(|kg| kg.mul(Ratio::int(1000))).and_then(|g| g.mul(gwp.ratio()));
        Ok((grams.ok_or_else(|| self.too_large())?, gwp))
    }

    fn gwp(&self, gas: &str) -> Result<Micro, LineError> {
        let gwp = self.catalogue.gwp(gas, self.options.gwp_set);
        gwp.map(|g| g.value).ok_or_else(|| self.no_factor(format!("{:?} GWP for {gas}", self.options.gwp_set)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::import_activities;

    fn inventory(
        text: &str,
        gwp_set: GwpSet,
        combustion: CombustionMethod,
        year: i32,
    ) -> Result<Inventory, DataErrors> {
        let catalogue = Catalogue::embedded();
        let lines = import_activities(text, catalogue)?;
        Inventory::compute(catalogue, InventoryOptions { year, gwp_set, combustion }, &lines)
    }

    #[test]
    fn a_worked_factory_year_by_hand() {
        // By hand, from DOMAIN.md:
        //   electricity 1,000,000 kWh × 0.4999 kg/kWh (2025)         = 499,900 kg     = 499,900,000 g
        //   diesel 2,000 L × 2.7078 kg/L                              = 5,415.6 kg     =   5,415,600 g
        //   natural gas 50 GJ = 50,000 MJ × 0.0562 kg/MJ              = 2,810 kg       =   2,810,000 g
        //   R-410A 10 kg × 2255.5 (AR6)                               = 22,555 kg      =  22,555,000 g
        //   process 1.5 tCO2e                                         =                =   1,500,000 g
        //   process CH4 2 kg × 27.9 (AR6)                             = 55.8 kg        =      55,800 g
        //   scope 1 = 5,415,600 + 2,810,000 + 22,555,000 + 1,500,000 + 55,800 = 32,336,400 g
        //   scope 2 = 499,900,000 g; total 532,236,400 g = 532.2364 t
        let text = "month,activity,quantity,unit\n\
                    2025-01,ไฟฟ้า,1000,MWh\n\
                    2025-02,ดีเซล,2000,ลิตร\n\
                    2025-03,natural gas,50,GJ\n\
                    2025-04,R-410A,10,kg\n\
                    2025-05,process_co2e,1.5,tCO2e\n\
                    2025-06,process_ch4,2,kg\n";
        let inv = inventory(text, GwpSet::Ar6, CombustionMethod::TgoCombined, 2025).unwrap();
        assert_eq!(inv.scope(Scope::Two).grams(), 499_900_000);
        assert_eq!(inv.scope(Scope::One).grams(), 32_336_400);
        assert_eq!(inv.total().to_string(), "532.2364 tCO2e");
        assert_eq!(inv.by_gas()["CH4"].grams(), 55_800);
        assert_eq!(inv.by_source()["r_410a"].grams(), 22_555_000);
        let electricity = &inv.lines()[0];
        assert_eq!(electricity.factors, [FactorRef { id: "th-grid-2016-18".into(), version: 1 }]);
        assert_eq!(electricity.category, Category::PurchasedElectricity);
        assert_eq!(inv.lines()[3].category, Category::Fugitive);
    }

    #[test]
    fn the_2026_grid_factor_applies_from_2026() {
        // 1,000 kWh × 0.4750 kg/kWh = 475 kg.
        let text = "month,activity,quantity,unit\n2026-01,electricity,1000,kWh\n";
        let inv = inventory(text, GwpSet::Ar5, CombustionMethod::TgoCombined, 2026).unwrap();
        assert_eq!(inv.total().grams(), 475_000);
        assert_eq!(inv.lines()[0].factors[0].id, "th-grid-2026");
    }

    #[test]
    fn ipcc_per_gas_reports_each_gas() {
        // By hand: 100 GJ of natural gas = 0.1 TJ.
        //   CO2 0.1 × 56,100 kg × 1    = 5,610 kg = 5,610,000 g
        //   CH4 0.1 × 1 kg × 28 (AR5)  = 2.8 kg   =     2,800 g
        //   N2O 0.1 × 0.1 kg × 265     = 2.65 kg  =     2,650 g
        let text = "month,activity,quantity,unit\n2025-01,natural_gas,100,GJ\n";
        let inv = inventory(text, GwpSet::Ar5, CombustionMethod::IpccPerGas, 2025).unwrap();
        let by_gas: Vec<(&str, i64)> = inv.by_gas().iter().map(|(g, v)| (g.as_str(), v.grams())).collect();
        assert_eq!(by_gas, [("CH4", 2_800), ("CO2", 5_610_000), ("N2O", 2_650)]);
        // Diesel by volume: 1,000 L × 0.84 kg/L × 43.0 MJ/kg = 36,120 MJ = 0.03612 TJ;
        //   CO2 0.03612 × 74,100 = 2,676.492 kg = 2,676,492 g.
        let text = "month,activity,quantity,unit\n2025-01,diesel,1000,L\n";
        let inv = inventory(text, GwpSet::Ar5, CombustionMethod::IpccPerGas, 2025).unwrap();
        assert_eq!(inv.by_gas()["CO2"].grams(), 2_676_492);
        let refs: Vec<&str> = inv.lines()[0].factors.iter().map(|f| f.id.as_str()).collect();
        assert_eq!(refs, ["ipcc2006-diesel-co2", "typical-density-diesel", "ipcc2006-ncv-diesel"]);
    }

    #[test]
    fn lines_that_cannot_be_computed_are_all_named() {
        let text = "month,activity,quantity,unit\n\
                    2024-12,diesel,10,L\n\
                    2025-01,diesel,10,L\n\
                    2025-02,gasoline,10,L\n";
        let errors = inventory(text, GwpSet::Ar6, CombustionMethod::TgoCombined, 2025).unwrap_err();
        let found: Vec<(u64, Problem)> = errors.errors.iter().map(|e| (e.line, e.problem)).collect();
        assert_eq!(found, [(2, Problem::OutsideYear), (4, Problem::NoFactor)]);
        assert!(errors.errors[1].message.contains("no combined CO2e factor for gasoline applies to 2025"));
    }

    #[test]
    fn gwp_sets_differ_as_published() {
        // 1 kg N2O: AR5 265 kg, AR6 273 kg.
        let text = "month,activity,quantity,unit\n2025-01,process_n2o,1,kg\n";
        for (set, grams) in [(GwpSet::Ar5, 265_000), (GwpSet::Ar6, 273_000)] {
            let inv = inventory(text, set, CombustionMethod::TgoCombined, 2025).unwrap();
            assert_eq!(inv.total().grams(), grams);
            assert_eq!(inv.lines()[0].gwp_set, set);
        }
    }
}
