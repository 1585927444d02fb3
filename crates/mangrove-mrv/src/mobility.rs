//! Electric motorcycle taxis: ER = km × (petrol motorcycle's CO2 per km −
//! kWh per km × the grid factor of the year). The petrol figure and the
//! electric consumption are data marked unconfirmed; a project with metered
//! consumption states it instead.

use crate::catalogue::{Catalogue, Factor, Parameter};
use crate::fixed::{decimal_text, Co2e, Micro, Ratio};
use mangrove_core::{DomainError, Tco2e};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ElectricMobility {
    pub year: i32,
    pub distance_km: Micro,
    /// Metered consumption, if the project has it; else the catalogue's figure.
    pub measured_kwh_per_km: Option<Micro>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MobilityRecord {
    pub method: &'static str,
    pub inputs: ElectricMobility,
    pub petrol_factor: Factor,
    pub grid_factor: Factor,
    /// The consumption figure used when none was measured.
    pub consumption: Option<Parameter>,
    pub kwh_per_km: Micro,
    pub electric_gco2e_per_km: String,
    pub saving_gco2e_per_km: String,
    pub reduction_tco2e: Co2e,
    /// Whole tonnes, rounded down.
    pub net_tco2e: Tco2e,
}

pub const MOBILITY_METHOD: &str = "ER = km × (petrol motorcycle kgCO2/km − kWh/km × grid kgCO2e/kWh)";

pub fn electric_mobility(catalogue: &Catalogue, inputs: ElectricMobility) -> Result<MobilityRecord, DomainError> {
    let year = inputs.year;
    if inputs.distance_km.is_negative() {
        return Err(DomainError::invalid("distance_km", "the distance cannot be negative"));
    }
    let missing = |what: &str| DomainError::invalid("year", format!("no {what} applies to {year}"));
    let petrol =
        catalogue.factor("motorcycle_petrol", "CO2", year).ok_or_else(|| missing("petrol motorcycle factor"))?;
    let grid = catalogue.factor("electricity", "CO2e", year).ok_or_else(|| missing("grid factor"))?;
    let (kwh_per_km, consumption) = match inputs.measured_kwh_per_km {
        Some(measured) if measured.is_negative() => {
            return Err(DomainError::invalid("measured_kwh_per_km", "consumption cannot be negative"))
        }
        Some(measured) => (measured, None),
        None => {
            let p = catalogue
                .parameter("electric_motorcycle_kwh_per_km", year)
                .ok_or_else(|| missing("electric consumption"))?;
            (p.value, Some(p.clone()))
        }
    };
    let too_large = || DomainError::invalid("distance_km", "the distance is too large");
    let grams_per_kg = Ratio::int(1000);
    let electric_g_per_km =
        kwh_per_km.ratio().mul(grid.value.ratio()).and_then(|kg| kg.mul(grams_per_kg)).ok_or_else(too_large)?;
    let saving_g_per_km =
        petrol.value.ratio().mul(grams_per_kg).and_then(|g| g.sub(electric_g_per_km)).ok_or_else(too_large)?;
    let grams = inputs.distance_km.ratio().mul(saving_g_per_km).and_then(Ratio::round_i64).ok_or_else(too_large)?;
    let reduction = Co2e::from_grams(grams);
    let per_km_text = |r: Ratio| r.mul(Ratio::int(1_000_000)).map(|m| decimal_text(m.round(), 6)).ok_or_else(too_large);
    Ok(MobilityRecord {
        method: MOBILITY_METHOD,
        inputs,
        petrol_factor: petrol.clone(),
        grid_factor: grid.clone(),
        consumption,
        kwh_per_km,
        electric_gco2e_per_km: per_km_text(electric_g_per_km)?,
        saving_gco2e_per_km: per_km_text(saving_g_per_km)?,
        reduction_tco2e: reduction,
        net_tco2e: Tco2e::new(u64::try_from(reduction.tonnes_floor()).unwrap_or(0)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_worked_motorcycle_taxi_fleet_by_hand() {
        // By hand: 100 taxis × 30,000 km = 3,000,000 km in 2026.
        //   electric: 0.03 kWh/km × 0.4750 kg/kWh = 14.25 g/km; petrol 46.5 g/km; saving 32.25 g/km
        //   ER = 3,000,000 × 32.25 g = 96,750,000 g = 96.75 t → 96 credits.
        // In 2025 the grid was 0.4999: 0.03 × 499.9 = 14.997 g/km; saving 31.503 g/km; 94.509 t → 94.
        let catalogue = Catalogue::embedded();
        let fleet =
            |year| ElectricMobility { year, distance_km: Micro::from_int(3_000_000), measured_kwh_per_km: None };
        let record = electric_mobility(catalogue, fleet(2026)).unwrap();
        assert_eq!(record.electric_gco2e_per_km, "14.25");
        assert_eq!(record.saving_gco2e_per_km, "32.25");
        assert_eq!(record.reduction_tco2e.grams(), 96_750_000);
        assert_eq!(record.net_tco2e, Tco2e::new(96));
        let record = electric_mobility(catalogue, fleet(2025)).unwrap();
        assert_eq!(record.reduction_tco2e.grams(), 94_509_000);
        assert_eq!(record.net_tco2e, Tco2e::new(94));
    }

    #[test]
    fn metered_consumption_replaces_the_default() {
        // By hand: 10,000 km × (46.5 − 0.05 × 475) g = 10,000 × 22.75 g = 227,500 g.
        let inputs = ElectricMobility {
            year: 2026,
            distance_km: Micro::from_int(10_000),
            measured_kwh_per_km: Some(Micro::parse("0.05").unwrap()),
        };
        let record = electric_mobility(Catalogue::embedded(), inputs).unwrap();
        assert_eq!(record.reduction_tco2e.grams(), 227_500);
        assert!(record.consumption.is_none());
        let early = ElectricMobility { year: 2010, ..inputs };
        assert!(electric_mobility(Catalogue::embedded(), early).is_err(), "no factor before 2016");
    }
}
