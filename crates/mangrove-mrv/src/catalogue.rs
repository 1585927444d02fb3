//! The data behind every calculation: emission factors, GWP100 values, fuel
//! properties, methodology parameters, activities, units and their Thai and
//! English names, and wood densities. Shipped as CSV files under `data/` so a
//! figure is replaced by editing a row, never code; each row names its source
//! and whether it is confirmed.
//!
//! A factor applies to inventory years from its `year` on. A lookup takes the
//! inventory year and picks the newest factor whose year is not after it, so
//! adding a newer factor never changes a closed year.

use crate::fixed::Micro;
use mangrove_core::DomainError;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::OnceLock;

/// How far a figure can be trusted, as recorded beside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Read from the primary publication.
    Published,
    /// From a news report of the publisher's announcement.
    Reported,
    /// Transcribed by someone else from the primary source.
    SecondHand,
    /// Computed from other rows (a refrigerant blend from its components).
    Derived,
    /// Not checked against a source: replace before relying on it.
    Unconfirmed,
}

/// Which IPCC assessment's GWP100 values an inventory uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, utoipa::ToSchema)]
pub enum GwpSet {
    #[serde(rename = "AR5")]
    Ar5,
    #[serde(rename = "AR6")]
    Ar6,
}

/// GHG Protocol scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scope {
    /// Direct: combustion, process and fugitive emissions.
    One,
    /// Purchased electricity, location-based.
    Two,
}

impl Scope {
    pub fn number(self) -> u8 {
        match self {
            Scope::One => 1,
            Scope::Two => 2,
        }
    }
}

impl Serialize for Scope {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u8(self.number())
    }
}

impl<'de> Deserialize<'de> for Scope {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match u8::deserialize(deserializer)? {
            1 => Ok(Scope::One),
            2 => Ok(Scope::Two),
            other => Err(serde::de::Error::custom(format!("scope {other} is not 1 or 2"))),
        }
    }
}

/// One row of `data/emission_factors.csv`: `value` kilograms of `gas` per `unit` of `activity`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Factor {
    pub id: String,
    pub version: u32,
    pub activity: String,
    pub unit: String,
    /// `CO2e` for a combined factor, or the gas (`CO2`, `CH4`, `N2O`).
    pub gas: String,
    pub value: Micro,
    pub value_unit: String,
    pub source: String,
    /// The first inventory year the factor applies to.
    pub year: i32,
    pub region: String,
    pub scope: Option<Scope>,
    pub status: Status,
}

/// One row of `data/gwp.csv`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Gwp {
    pub gas: String,
    pub set: GwpSet,
    pub value: Micro,
    pub source: String,
    pub status: Status,
}

/// One row of `data/fuel_properties.csv`: a net calorific value (MJ/kg) or a density (kg/L).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FuelProperty {
    pub id: String,
    pub version: u32,
    pub fuel: String,
    pub property: String,
    pub value: Micro,
    pub unit: String,
    pub source: String,
    pub year: i32,
    pub status: Status,
}

/// One row of `data/parameters.csv`: a methodology figure that is not an emission factor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Parameter {
    pub id: String,
    pub version: u32,
    pub name: String,
    pub value: Micro,
    pub unit: String,
    pub source: String,
    pub year: i32,
    pub status: Status,
}

/// What kind of emission an activity causes, which decides how it is computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActivityKind {
    Electricity,
    Fuel,
    Process,
    Refrigerant,
}

/// One row of `data/activities.csv`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Activity {
    pub activity: String,
    pub kind: ActivityKind,
    /// The kind of unit it is measured in: `electricity`, `heat`, `volume`, `mass` or `co2e`.
    pub dimension: String,
    /// The gas, for process and refrigerant lines (and `CO2e` for electricity).
    pub gas: Option<String>,
    pub scope: Scope,
    pub name_en: String,
    pub name_th: String,
}

/// One row of `data/units.csv`: `to_base` of the dimension's first unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unit {
    pub unit: String,
    pub dimension: String,
    pub to_base: Micro,
    pub name_th: String,
}

/// One row of `data/wood_density.csv`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Species {
    pub species: String,
    /// g/cm³.
    pub wood_density: Micro,
    pub unit: String,
    pub source: String,
    pub status: Status,
}

#[derive(Debug, Deserialize)]
struct Alias {
    kind: String,
    alias: String,
    canonical: String,
}

/// The CSV text of every table, so tests and deployments can swap one.
#[derive(Debug, Clone, Copy)]
pub struct Tables<'a> {
    pub emission_factors: &'a str,
    pub gwp: &'a str,
    pub fuel_properties: &'a str,
    pub parameters: &'a str,
    pub activities: &'a str,
    pub units: &'a str,
    pub aliases: &'a str,
    pub wood_density: &'a str,
}

impl Tables<'static> {
    /// The tables shipped in the crate.
    pub const EMBEDDED: Tables<'static> = Tables {
        emission_factors: include_str!("../data/emission_factors.csv"),
        gwp: include_str!("../data/gwp.csv"),
        fuel_properties: include_str!("../data/fuel_properties.csv"),
        parameters: include_str!("../data/parameters.csv"),
        activities: include_str!("../data/activities.csv"),
        units: include_str!("../data/units.csv"),
        aliases: include_str!("../data/aliases.csv"),
        wood_density: include_str!("../data/wood_density.csv"),
    };
}

/// The key names are matched by: case, spaces, hyphens, underscores, dots and
/// brackets do not matter, so `Natural gas`, `natural_gas` and `NATURAL-GAS`
/// are one activity, and `R-410A` is `r_410a`.
pub fn name_key(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace() && !"-_.()".contains(*c)).flat_map(char::to_lowercase).collect()
}

/// Every table, indexed for lookups.
#[derive(Debug, Clone)]
pub struct Catalogue {
    factors: Vec<Factor>,
    gwp: Vec<Gwp>,
    fuel_properties: Vec<FuelProperty>,
    parameters: Vec<Parameter>,
    activities: Vec<Activity>,
    units: Vec<Unit>,
    species: Vec<Species>,
    activity_names: HashMap<String, usize>,
    unit_names: HashMap<String, usize>,
    species_names: HashMap<String, usize>,
}

fn rows<T: DeserializeOwned>(file: &str, text: &str) -> Result<Vec<T>, DomainError> {
    let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for record in reader.deserialize() {
        rows.push(record.map_err(|e| DomainError::invalid("tables", format!("{file}: {e}")))?);
    }
    Ok(rows)
}

fn index(names: impl Iterator<Item = (String, usize)>, what: &str) -> Result<HashMap<String, usize>, DomainError> {
    let mut map = HashMap::new();
    for (name, position) in names {
        if let Some(previous) = map.insert(name_key(&name), position) {
            if previous != position {
                return Err(DomainError::invalid("tables", format!("the {what} name '{name}' means two things")));
            }
        }
    }
    Ok(map)
}

impl Catalogue {
    /// The shipped tables, parsed once. Their validity is a test, so a broken
    /// row fails the build's tests rather than a user's request.
    pub fn embedded() -> &'static Catalogue {
        static EMBEDDED: OnceLock<Catalogue> = OnceLock::new();
        EMBEDDED.get_or_init(|| Catalogue::parse(Tables::EMBEDDED).expect("the shipped data tables are valid"))
    }

    pub fn parse(tables: Tables<'_>) -> Result<Catalogue, DomainError> {
        let activities: Vec<Activity> = rows("activities.csv", tables.activities)?;
        let units: Vec<Unit> = rows("units.csv", tables.units)?;
        let species: Vec<Species> = rows("wood_density.csv", tables.wood_density)?;
        let aliases: Vec<Alias> = rows("aliases.csv", tables.aliases)?;
        let activity_names = Self::names(&aliases, "activity", &activities, |a| {
            vec![a.activity.clone(), a.name_en.clone(), a.name_th.clone()]
        })?;
        let unit_names = Self::names(&aliases, "unit", &units, |u| vec![u.unit.clone(), u.name_th.clone()])?;
        let species_names = index(species.iter().enumerate().map(|(i, s)| (s.species.clone(), i)), "species")?;
        let mut catalogue = Catalogue {
            factors: Vec::new(),
            gwp: rows("gwp.csv", tables.gwp)?,
            fuel_properties: rows("fuel_properties.csv", tables.fuel_properties)?,
            parameters: rows("parameters.csv", tables.parameters)?,
            activities,
            units,
            species,
            activity_names,
            unit_names,
            species_names,
        };
        for factor in rows::<Factor>("emission_factors.csv", tables.emission_factors)? {
            catalogue.add_factor(factor)?;
        }
        Ok(catalogue)
    }

    fn names<T>(
        aliases: &[Alias],
        kind: &str,
        items: &[T],
        own_names: impl Fn(&T) -> Vec<String>,
    ) -> Result<HashMap<String, usize>, DomainError> {
        let mut names: Vec<(String, usize)> =
            items.iter().enumerate().flat_map(|(i, item)| own_names(item).into_iter().map(move |n| (n, i))).collect();
        let own = index(names.iter().cloned(), kind)?;
        for alias in aliases.iter().filter(|a| a.kind == kind) {
            let Some(&position) = own.get(&name_key(&alias.canonical)) else {
                let message = format!("the alias '{}' names an unknown {kind} '{}'", alias.alias, alias.canonical);
                return Err(DomainError::invalid("tables", message));
            };
            names.push((alias.alias.clone(), position));
        }
        index(names.into_iter(), kind)
    }

    /// Adds a factor. A new version of a factor keeps its id; a different
    /// factor for the same activity, gas and year would make lookups
    /// ambiguous, so it is refused.
    pub fn add_factor(&mut self, factor: Factor) -> Result<(), DomainError> {
        let clash = self.factors.iter().find(|f| {
            (f.id == factor.id && f.version == factor.version)
                || (f.id != factor.id && f.activity == factor.activity && f.gas == factor.gas && f.year == factor.year)
        });
        if let Some(existing) = clash {
            let message = format!(
                "factor {} v{} clashes with {} v{} ({} {} from {}); add a new version of it instead",
                factor.id,
                factor.version,
                existing.id,
                existing.version,
                existing.activity,
                existing.gas,
                existing.year
            );
            return Err(DomainError::conflict(message));
        }
        if factor.value.is_negative() {
            return Err(DomainError::invalid("value", format!("factor {} has a negative value", factor.id)));
        }
        self.factors.push(factor);
        Ok(())
    }

    pub fn factors(&self) -> &[Factor] {
        &self.factors
    }
    pub fn gwps(&self) -> &[Gwp] {
        &self.gwp
    }
    pub fn activities(&self) -> &[Activity] {
        &self.activities
    }
    pub fn units(&self) -> &[Unit] {
        &self.units
    }
    pub fn all_species(&self) -> &[Species] {
        &self.species
    }

    /// The factor for `activity` and `gas` that applies to inventory year
    /// `year`: the newest year not after it, then the highest version.
    pub fn factor(&self, activity: &str, gas: &str, year: i32) -> Option<&Factor> {
        self.factors
            .iter()
            .filter(|f| f.activity == activity && f.gas == gas && f.year <= year)
            .max_by_key(|f| (f.year, f.version))
    }
    pub fn gwp(&self, gas: &str, set: GwpSet) -> Option<&Gwp> {
        self.gwp.iter().find(|g| g.gas == gas && g.set == set)
    }
    /// A fuel's `ncv` (MJ/kg) or `density` (kg/L) for year `year`, by the same rule as factors.
    pub fn fuel_property(&self, fuel: &str, property: &str, year: i32) -> Option<&FuelProperty> {
        self.fuel_properties
            .iter()
            .filter(|p| p.fuel == fuel && p.property == property && p.year <= year)
            .max_by_key(|p| (p.year, p.version))
    }
    pub fn parameter(&self, name: &str, year: i32) -> Option<&Parameter> {
        self.parameters.iter().filter(|p| p.name == name && p.year <= year).max_by_key(|p| (p.year, p.version))
    }
    /// An activity by any of its names (id, English, Thai or an alias).
    pub fn activity(&self, name: &str) -> Option<&Activity> {
        self.activity_names.get(&name_key(name)).map(|&i| &self.activities[i])
    }
    /// A unit by any of its names.
    pub fn unit(&self, name: &str) -> Option<&Unit> {
        self.unit_names.get(&name_key(name)).map(|&i| &self.units[i])
    }
    /// A species by its scientific name (case and spacing do not matter).
    pub fn species(&self, name: &str) -> Option<&Species> {
        self.species_names.get(&name_key(name)).map(|&i| &self.species[i])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_tables_are_valid_and_complete() {
        let catalogue = Catalogue::embedded();
        for activity in catalogue.activities() {
            assert!(
                catalogue.units().iter().any(|u| u.dimension == activity.dimension),
                "{} is measured in {}, which has no unit",
                activity.activity,
                activity.dimension
            );
        }
        for gas in ["CO2", "CH4", "N2O", "HFC-134a", "R-410A", "R-32"] {
            for set in [GwpSet::Ar5, GwpSet::Ar6] {
                assert!(catalogue.gwp(gas, set).is_some(), "GWP of {gas} in {set:?}");
            }
        }
        for factor in catalogue.factors() {
            assert!(factor.value.millionths() > 0, "{}", factor.id);
        }
        for species in catalogue.all_species() {
            assert!(species.wood_density.millionths() > 0, "{}", species.species);
        }
    }

    #[test]
    fn domain_figures_are_in_the_tables() {
        let catalogue = Catalogue::embedded();
        let value = |activity: &str, gas: &str, year: i32| catalogue.factor(activity, gas, year).unwrap().value;
        let cases = [
            ("electricity", "CO2e", 2025, "0.4999"),
            ("electricity", "CO2e", 2026, "0.475"),
            ("electricity", "CO2e", 2040, "0.475"),
            ("natural_gas", "CO2e", 2025, "0.0562"),
            ("diesel", "CO2e", 2025, "2.7078"),
            ("fuel_oil_a", "CO2e", 2025, "3.22"),
            ("fuel_oil_c", "CO2e", 2025, "3.2457"),
            ("lpg", "CO2e", 2025, "3.1134"),
            ("sub_bituminous_coal", "CO2e", 2025, "2.5454"),
            ("lignite", "CO2e", 2025, "1.0619"),
            ("gasoline", "CO2e", 2026, "2.2703"),
            ("natural_gas", "CO2", 2025, "56100"),
            ("diesel", "N2O", 2025, "0.6"),
            ("lignite", "CO2", 2025, "101000"),
        ];
        for (activity, gas, year, expected) in cases {
            assert_eq!(value(activity, gas, year).to_string(), expected, "{activity} {gas} {year}");
        }
        assert!(catalogue.factor("electricity", "CO2e", 2015).is_none(), "no factor before the first year");
        assert_eq!(catalogue.gwp("CH4", GwpSet::Ar6).unwrap().value.to_string(), "27.9");
        assert_eq!(catalogue.gwp("N2O", GwpSet::Ar5).unwrap().value.to_string(), "265");
    }

    #[test]
    fn names_are_found_in_thai_and_english() {
        let catalogue = Catalogue::embedded();
        let cases = [
            ("ไฟฟ้า", "electricity"),
            ("ดีเซล", "diesel"),
            ("ก๊าซธรรมชาติ", "natural_gas"),
            ("Natural gas", "natural_gas"),
            ("R-410A", "r_410a"),
            ("น้ำมันเตาเกรด A", "fuel_oil_a"),
        ];
        for (name, id) in cases {
            assert_eq!(catalogue.activity(name).map(|a| a.activity.as_str()), Some(id), "{name}");
        }
        for (name, id) in [("ลิตร", "L"), ("กิโลวัตต์ชั่วโมง", "kWh"), ("กิโลกรัม", "kg"), ("หน่วย", "kWh"), ("KWH", "kWh")]
        {
            assert_eq!(catalogue.unit(name).map(|u| u.unit.as_str()), Some(id), "{name}");
        }
        assert!(catalogue.species("rhizophora  APICULATA").is_some());
        assert!(catalogue.activity("kerosene").is_none());
    }

    #[test]
    fn an_ambiguous_factor_is_refused() {
        let mut catalogue = Catalogue::embedded().clone();
        let mut factor = catalogue.factor("diesel", "CO2e", 2025).unwrap().clone();
        factor.id = "another-diesel".into();
        assert!(catalogue.add_factor(factor.clone()).is_err(), "same activity, gas and year under another id");
        factor.year = 2030;
        assert!(catalogue.add_factor(factor.clone()).is_ok());
        assert!(catalogue.add_factor(factor).is_err(), "the same id and version twice");
    }
}
