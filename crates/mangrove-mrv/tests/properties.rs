//! Properties of inventories and imports over random inputs: totals are the
//! sums of their lines, a factor for a later year never changes a closed
//! year, and an import is all or nothing, naming exactly the bad lines.

use mangrove_mrv::catalogue::Status;
use mangrove_mrv::*;
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

/// Activities every method can compute from 2026 on.
const ACTIVITIES: [&str; 16] = [
    "electricity",
    "natural_gas",
    "diesel",
    "fuel_oil_a",
    "fuel_oil_c",
    "lpg",
    "sub_bituminous_coal",
    "lignite",
    "gasoline",
    "process_co2e",
    "process_co2",
    "process_ch4",
    "process_n2o",
    "hfc_134a",
    "r_410a",
    "r_32",
];

fn units_of(activity: &str) -> Vec<String> {
    let catalogue = Catalogue::embedded();
    let dimension = &catalogue.activity(activity).unwrap().dimension;
    catalogue.units().iter().filter(|u| &u.dimension == dimension).map(|u| u.unit.clone()).collect()
}

/// (month, activity index, unit choice, quantity in millionths up to a million units)
fn activity_lines(year: i32, raw: &[(u8, usize, usize, i64)]) -> Vec<ActivityLine> {
    raw.iter()
        .enumerate()
        .map(|(i, &(month, activity, unit, quantity))| {
            let activity = ACTIVITIES[activity % ACTIVITIES.len()];
            let units = units_of(activity);
            ActivityLine {
                line: i as u64 + 2,
                month: Month::new(year, month).unwrap(),
                activity: activity.to_string(),
                quantity: Micro::from_millionths(quantity),
                unit: units[unit % units.len()].clone(),
                note: None,
            }
        })
        .collect()
}

fn options(year: i32, ar6: bool, per_gas: bool) -> InventoryOptions {
    InventoryOptions {
        year,
        gwp_set: if ar6 { GwpSet::Ar6 } else { GwpSet::Ar5 },
        combustion: if per_gas { CombustionMethod::IpccPerGas } else { CombustionMethod::TgoCombined },
    }
}

fn raw_lines() -> impl Strategy<Value = Vec<(u8, usize, usize, i64)>> {
    prop::collection::vec((1u8..=12, 0usize..64, 0usize..8, 0i64..1_000_000_000_000), 1..60)
}

fn sums<K: Ord + Clone>(lines: &[EmissionLine], key: impl Fn(&EmissionLine) -> K) -> BTreeMap<K, Co2e> {
    let mut sums = BTreeMap::new();
    for line in lines {
        *sums.entry(key(line)).or_insert(Co2e::ZERO) += line.emissions_tco2e;
    }
    sums
}

proptest! {
    #[test]
    fn totals_are_the_sums_of_the_lines(raw in raw_lines(), year in 2026i32..=2030, ar6: bool, per_gas: bool) {
        let catalogue = Catalogue::embedded();
        let inventory = Inventory::compute(catalogue, options(year, ar6, per_gas), &activity_lines(year, &raw)).unwrap();
        let lines = inventory.lines();
        prop_assert!(lines.len() >= raw.len());
        prop_assert_eq!(inventory.total(), lines.iter().map(|l| l.emissions_tco2e).sum::<Co2e>());
        prop_assert_eq!(inventory.by_scope(), &sums(lines, |l| l.scope));
        prop_assert_eq!(inventory.by_gas(), &sums(lines, |l| l.gas.clone()));
        prop_assert_eq!(inventory.by_source(), &sums(lines, |l| l.source.clone()));
        for breakdown in [inventory.by_gas().values().copied().sum::<Co2e>(), inventory.by_scope().values().copied().sum()] {
            prop_assert_eq!(breakdown, inventory.total());
        }
        prop_assert!(lines.iter().all(|l| !l.factors.is_empty() || l.source.starts_with("process") || l.gwp.is_some()));
    }

    #[test]
    fn a_factor_for_a_later_year_never_changes_a_closed_year(
        raw in raw_lines(),
        year in 2016i32..=2030,
        ar6: bool,
        per_gas: bool,
        later in prop::collection::vec((0usize..64, 0usize..4, 1i32..=20, 1i64..100_000_000), 1..20),
    ) {
        let before = Catalogue::embedded();
        let mut after = before.clone();
        for (i, &(activity, gas, years_later, value)) in later.iter().enumerate() {
            let activity = ACTIVITIES[activity % ACTIVITIES.len()];
            let factor = Factor {
                id: format!("later-{i}"),
                version: 1,
                activity: activity.to_string(),
                unit: units_of(activity)[0].clone(),
                gas: ["CO2e", "CO2", "CH4", "N2O"][gas].to_string(),
                value: Micro::from_millionths(value),
                value_unit: "kg per unit".into(),
                source: "a property test".into(),
                year: year + years_later,
                region: "TH".into(),
                scope: Some(Scope::One),
                status: Status::Unconfirmed,
            };
            // Two random factors can clash on activity, gas and year; the second is then refused, which is fine.
            let _ = after.add_factor(factor);
        }
        let lines = activity_lines(year, &raw);
        let options = options(year, ar6, per_gas);
        prop_assert_eq!(Inventory::compute(before, options, &lines), Inventory::compute(&after, options, &lines));
    }

    #[test]
    fn an_import_is_all_or_nothing_and_names_exactly_the_bad_lines(
        good in prop::collection::vec((1u8..=12, 0usize..64, 0usize..8, 0u32..100_000), 1..150),
        bad in prop::collection::btree_map(0usize..150, 0usize..7, 0..10),
        crlf: bool,
    ) {
        let newline = if crlf { "\r\n" } else { "\n" };
        let mut text = format!("month,activity,quantity,unit,note{newline}");
        let mut expected = BTreeSet::new();
        for (i, &(month, activity, unit, quantity)) in good.iter().enumerate() {
            let activity = ACTIVITIES[activity % ACTIVITIES.len()];
            let units = units_of(activity);
            let mut fields = [format!("2025-{month:02}"), activity.to_string(), format!("{quantity}.5"), units[unit % units.len()].clone(), "ok".into()];
            if let Some(&kind) = bad.get(&i) {
                expected.insert(i as u64 + 2);
                match kind {
                    0 => fields[0] = "2025-13".into(),
                    1 => fields[1] = "kerosene".into(),
                    2 => fields[3] = if activity == "electricity" { "L".into() } else { "kWh".into() },
                    3 => fields[2] = "12a".into(),
                    4 => fields[2] = format!("-{quantity}.5"),
                    5 => fields[4] = "too many, fields".into(),
                    _ => fields[3] = "furlong".into(),
                }
            }
            text.push_str(&fields.join(","));
            text.push_str(newline);
        }
        match import_activities(&text, Catalogue::embedded()) {
            Ok(lines) => {
                prop_assert!(expected.is_empty(), "a file with bad lines {:?} was accepted", expected);
                prop_assert_eq!(lines.len(), good.len());
            }
            Err(errors) => prop_assert_eq!(errors.lines(), expected),
        }
    }
}
