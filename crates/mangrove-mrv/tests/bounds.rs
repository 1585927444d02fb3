//! Properties of the factory book's numeric bounds over extreme values:
//! deciding never panics, whatever it accepts stays inside the core's
//! bounds, and the province's sums over the most factories fit.

use mangrove_core::{bounds, OrgId};
use mangrove_mrv::*;
use proptest::prelude::*;

fn extreme() -> impl Strategy<Value = u64> {
    prop_oneof![
        Just(0),
        Just(1),
        Just(bounds::REDUCTION_TCO2E_MAX),
        Just(bounds::REDUCTION_TCO2E_MAX + 1),
        Just(bounds::INVESTMENT_BAHT_MAX),
        Just(bounds::INVESTMENT_BAHT_MAX + 1),
        Just(i64::MAX as u64),
        Just(u64::MAX - 1),
        Just(u64::MAX),
        any::<u64>(),
    ]
}

fn book_with_factory(org: OrgId) -> FactoryBook {
    let mut book = FactoryBook::default();
    let profile = FactoryProfile {
        org,
        licence: format!("L-{}", org.get()),
        sector: Sector::Refining,
        district: "Klaeng".into(),
        publish: true,
        synthetic: false,
    };
    let events = book.decide(Catalogue::embedded(), &MeasureCommand::RegisterFactory { profile }).unwrap();
    for event in &events {
        book.apply(event, &mut MeasureDirty::default());
    }
    book
}

fn year_of(org: OrgId, quantity: &str, lines: usize, activity: &str, unit: &str) -> Option<FactoryYear> {
    let mut csv = String::from("month,activity,quantity,unit\n");
    for n in 0..lines {
        csv.push_str(&format!("2025-{:02},{activity},{quantity},{unit}\n", n % 12 + 1));
    }
    let lines = import_activities(&csv, Catalogue::embedded()).ok()?;
    Some(FactoryYear { org, year: 2025, gwp_set: GwpSet::Ar6, combustion: CombustionMethod::TgoCombined, lines })
}

proptest! {
    #[test]
    fn a_practice_is_refused_past_its_bounds(measured in extreme(), investment in extreme()) {
        let org = OrgId(5);
        let book = book_with_factory(org);
        let practice = PracticeDraft {
            org,
            reduction: None,
            kind: ReductionKind::Other,
            title: "Heat recovery".into(),
            summary: "Waste heat to the boiler feed.".into(),
            measured_reduction_tco2e: measured,
            measured_year: 2025,
            measurement: "Steam meters.".into(),
            investment_baht: Some(investment),
            synthetic: false,
        };
        let decided = book.decide(Catalogue::embedded(), &MeasureCommand::PublishPractice { practice });
        let fits = (1..=bounds::REDUCTION_TCO2E_MAX).contains(&measured) && investment <= bounds::INVESTMENT_BAHT_MAX;
        prop_assert_eq!(decided.is_ok(), fits, "{:?}", decided);
    }

    #[test]
    fn an_accepted_year_keeps_every_sum_in_bounds(
        quantity in prop_oneof![Just(0u64), Just(1), Just(999_999_999), Just(1_000_000_000), any::<u64>()],
        lines in 1usize..200,
        activity in 0usize..4,
    ) {
        let org = OrgId(5);
        let mut book = book_with_factory(org);
        let (name, unit) = [("diesel", "L"), ("R-410A", "kg"), ("electricity", "kWh"), ("lignite", "kg")][activity];
        let Some(year) = year_of(org, &quantity.to_string(), lines, name, unit) else { return Ok(()) };
        let Ok(events) = book.decide(Catalogue::embedded(), &MeasureCommand::RecordYear { year }) else {
            return Ok(());
        };
        for event in &events {
            book.apply(event, &mut MeasureDirty::default());
        }
        let inventory = book.inventory(Catalogue::embedded(), org, 2025).expect("an accepted year computes");
        let magnitude: i128 = inventory.lines().iter().map(|line| i128::from(line.emissions_tco2e.grams()).abs()).sum();
        prop_assert!(magnitude <= i128::from(bounds::CO2E_GRAMS_PER_FACTORY_YEAR_MAX));
        // The worst province: the most factories, each with this year.
        let worst = i128::from(inventory.total().grams()).abs() * bounds::FACTORIES_MAX as i128;
        prop_assert!(worst <= i128::from(i64::MAX));
    }
}
