//! Industrial energy efficiency, steam savings: ER = (baseline steam per
//! tonne of product − project steam per tonne) × production × the boiler's
//! emissions per tonne of steam, less leakage. The boiler's figure is either
//! measured (tCO2e per tonne of steam) or fuel per tonne of steam × the
//! fuel's factor for the year.

use crate::catalogue::{Catalogue, Factor};
use crate::fixed::{decimal_text, Co2e, Micro, Ratio};
use mangrove_core::{DomainError, Tco2e};
use serde::Serialize;

/// How the boiler's emissions per tonne of steam are known.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Boiler {
    /// Measured for this boiler, in tCO2e per tonne of steam.
    Factor { tco2e_per_t_steam: Micro },
    /// Fuel burnt per tonne of steam, in `unit` (any name of a unit of the fuel's kind).
    Fuel { fuel: String, per_t_steam: Micro, unit: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SteamSavings {
    /// The year of the production, which picks the fuel factor.
    pub year: i32,
    pub baseline_steam_t_per_t: Micro,
    pub project_steam_t_per_t: Micro,
    pub production_t: Micro,
    pub boiler: Boiler,
    pub leakage_tco2e: Co2e,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SteamRecord {
    pub method: &'static str,
    pub inputs: SteamSavings,
    pub steam_saved_t: String,
    pub boiler_kgco2e_per_t_steam: String,
    /// The fuel factor used, with its source, when the boiler burns a catalogued fuel.
    pub factor: Option<Factor>,
    pub reduction_tco2e: Co2e,
    pub leakage_tco2e: Co2e,
    /// Whole tonnes, rounded down; zero if steam use rose.
    pub net_tco2e: Tco2e,
}

pub const STEAM_METHOD: &str =
    "ER = (baseline steam/t − project steam/t) × production × boiler emissions per t steam − leakage";

/// Kilograms of CO2e per tonne of steam, exact, and the factor it came from.
fn boiler_kg_per_t(catalogue: &Catalogue, year: i32, boiler: &Boiler) -> Result<(Ratio, Option<Factor>), DomainError> {
    match boiler {
        Boiler::Factor { tco2e_per_t_steam } => {
            Ok((tco2e_per_t_steam.ratio().mul(Ratio::int(1000)).expect("bounded"), None))
        }
        Boiler::Fuel { fuel, per_t_steam, unit } => {
            let activity = catalogue
                .activity(fuel)
                .ok_or_else(|| DomainError::invalid("fuel", format!("unknown fuel '{fuel}'")))?;
            let factor = catalogue.factor(&activity.activity, "CO2e", year).ok_or_else(|| {
                DomainError::invalid("fuel", format!("no combined factor for {} applies to {year}", activity.activity))
            })?;
            let given =
                catalogue.unit(unit).ok_or_else(|| DomainError::invalid("unit", format!("unknown unit '{unit}'")))?;
            let wanted = catalogue.unit(&factor.unit).expect("factor units are catalogued");
            if given.dimension != wanted.dimension {
                let message = format!(
                    "{} is measured in {}; '{unit}' is a unit of {}",
                    activity.activity, wanted.dimension, given.dimension
                );
                return Err(DomainError::invalid("unit", message));
            }
            let kg = per_t_steam
                .ratio()
                .mul(given.to_base.ratio())
                .and_then(|q| q.div(wanted.to_base.ratio()))
                .and_then(|q| q.mul(factor.value.ratio()))
                .ok_or_else(|| DomainError::invalid("per_t_steam", "the fuel per tonne of steam is too large"))?;
            Ok((kg, Some(factor.clone())))
        }
    }
}

pub fn steam_savings(catalogue: &Catalogue, inputs: &SteamSavings) -> Result<SteamRecord, DomainError> {
    let non_negative = [
        ("baseline_steam_t_per_t", inputs.baseline_steam_t_per_t),
        ("project_steam_t_per_t", inputs.project_steam_t_per_t),
        ("production_t", inputs.production_t),
    ];
    for (field, value) in non_negative {
        if value.is_negative() {
            return Err(DomainError::invalid(field, format!("{field} cannot be negative")));
        }
    }
    if inputs.leakage_tco2e < Co2e::ZERO {
        return Err(DomainError::invalid("leakage_tco2e", "leakage cannot be negative"));
    }
    let (kg_per_t_steam, factor) = boiler_kg_per_t(catalogue, inputs.year, &inputs.boiler)?;
    let too_large = || DomainError::invalid("production_t", "the quantities are too large");
    let steam_saved = inputs
        .baseline_steam_t_per_t
        .ratio()
        .sub(inputs.project_steam_t_per_t.ratio())
        .and_then(|s| s.mul(inputs.production_t.ratio()))
        .ok_or_else(too_large)?;
    let grams = steam_saved
        .mul(kg_per_t_steam)
        .and_then(|kg| kg.mul(Ratio::int(1000)))
        .and_then(Ratio::round_i64)
        .ok_or_else(too_large)?;
    let reduction = Co2e::from_grams(grams);
    let net = reduction.saturating_sub(inputs.leakage_tco2e).tonnes_floor();
    Ok(SteamRecord {
        method: STEAM_METHOD,
        inputs: inputs.clone(),
        steam_saved_t: decimal_text(steam_saved.mul(Ratio::int(1_000_000)).ok_or_else(too_large)?.round(), 6),
        boiler_kgco2e_per_t_steam: decimal_text(
            kg_per_t_steam.mul(Ratio::int(1_000_000)).ok_or_else(too_large)?.round(),
            6,
        ),
        factor,
        reduction_tco2e: reduction,
        leakage_tco2e: inputs.leakage_tco2e,
        net_tco2e: Tco2e::new(u64::try_from(net).unwrap_or(0)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn micro(text: &str) -> Micro {
        Micro::parse(text).unwrap()
    }

    fn distillation(boiler: Boiler, leakage_tco2e: Co2e) -> SteamSavings {
        SteamSavings {
            year: 2025,
            baseline_steam_t_per_t: micro("1.20"),
            project_steam_t_per_t: micro("1.05"),
            production_t: micro("100000"),
            boiler,
            leakage_tco2e,
        }
    }

    #[test]
    fn a_worked_distillation_column_by_hand() {
        // By hand: a distillation column uses 1.20 → 1.05 t of steam per t of product; 100,000 t made in 2025.
        //   steam saved = 0.15 × 100,000 = 15,000 t
        //   boiler: 3 GJ = 3,000 MJ of natural gas per t of steam × 0.0562 kgCO2e/MJ (TGO CFO) = 168.6 kg/t
        //   ER = 15,000 × 168.6 kg = 2,529,000 kg = 2,529 tCO2e.
        let boiler = Boiler::Fuel {
            fuel: "ก๊าซธรรมชาติ".into(), per_t_steam: micro("3"), unit: "GJ".into()
        };
        let record = steam_savings(Catalogue::embedded(), &distillation(boiler, Co2e::ZERO)).unwrap();
        assert_eq!(record.steam_saved_t, "15000");
        assert_eq!(record.boiler_kgco2e_per_t_steam, "168.6");
        assert_eq!(record.reduction_tco2e, Co2e::from_whole_tonnes(2_529));
        assert_eq!(record.net_tco2e, Tco2e::new(2_529));
        assert_eq!(record.factor.unwrap().id, "tgo-cfo-2022-natural-gas");
    }

    #[test]
    fn a_measured_boiler_factor_and_leakage() {
        // By hand: 15,000 t of steam × 0.2 tCO2e/t = 3,000 t; less 12.5 t leakage = 2,987.5 → 2,987 credits.
        let boiler = Boiler::Factor { tco2e_per_t_steam: micro("0.2") };
        let record =
            steam_savings(Catalogue::embedded(), &distillation(boiler, Co2e::from_tonnes(micro("12.5")))).unwrap();
        assert_eq!(record.reduction_tco2e, Co2e::from_whole_tonnes(3_000));
        assert_eq!(record.net_tco2e, Tco2e::new(2_987));
    }

    #[test]
    fn more_steam_earns_nothing_and_wrong_units_are_refused() {
        let mut inputs = distillation(Boiler::Factor { tco2e_per_t_steam: micro("0.2") }, Co2e::ZERO);
        inputs.project_steam_t_per_t = micro("1.3");
        let record = steam_savings(Catalogue::embedded(), &inputs).unwrap();
        assert!(record.reduction_tco2e < Co2e::ZERO);
        assert_eq!(record.net_tco2e, Tco2e::ZERO);
        let boiler = Boiler::Fuel { fuel: "natural_gas".into(), per_t_steam: micro("3"), unit: "L".into() };
        assert_eq!(
            steam_savings(Catalogue::embedded(), &distillation(boiler, Co2e::ZERO)).unwrap_err().field,
            Some("unit")
        );
    }
}
