//! The province's synthetic factories for the demo: a realistic sector and
//! district mix for Rayong and four years of monthly activity data, drawn
//! from a fixed seed so every run builds the same province. Every one is
//! marked synthetic, and so is every figure shown from them.

use mangrove_app::Submission;
use mangrove_core::random::SplitMix64;
use mangrove_core::OrgId;
use mangrove_mrv::*;
use mangrove_registry::{Actor, Command, Event, Role};
use mangrove_store::Store;
use tokio::task::JoinSet;

/// Rayong's licensed factories (August 2022).
pub const RAYONG_FACTORIES: usize = 2_532;
/// The years of activity data the demo records.
pub const DEMO_YEARS: std::ops::RangeInclusive<i32> = 2022..=2025;
/// Commands in flight at once while loading, so group commit can batch them.
const IN_FLIGHT_MAX: usize = 256;
const SEED: u64 = 0x5241_594f_4e47_2021; // "RAYONG" and the province's code, 21

const SECTORS: [(Sector, u64); 8] = [
    (Sector::Chemicals, 28),
    (Sector::Plastics, 20),
    (Sector::Automotive, 14),
    (Sector::Food, 12),
    (Sector::Steel, 8),
    (Sector::Other, 10),
    (Sector::Refining, 4),
    (Sector::Power, 4),
];

const DISTRICTS: [(&str, u64); 8] = [
    ("Mueang Rayong", 40),
    ("Pluak Daeng", 24),
    ("Nikhom Phatthana", 14),
    ("Ban Khai", 8),
    ("Ban Chang", 8),
    ("Klaeng", 4),
    ("Wang Chan", 1),
    ("Khao Chamao", 1),
];

/// Monthly activity per unit of plant size: (activity, unit, quantity).
fn monthly_profile(sector: Sector) -> &'static [(&'static str, &'static str, i64)] {
    match sector {
        Sector::Chemicals | Sector::Refining => {
            &[("electricity", "kWh", 400_000), ("natural_gas", "MJ", 2_500_000), ("diesel", "L", 3_000)]
        }
        Sector::Power => &[("natural_gas", "MJ", 9_000_000), ("diesel", "L", 2_000)],
        Sector::Plastics | Sector::Automotive | Sector::Other => {
            &[("electricity", "kWh", 250_000), ("diesel", "L", 2_500), ("lpg", "kg", 1_500)]
        }
        Sector::Steel => &[("electricity", "kWh", 600_000), ("natural_gas", "MJ", 1_200_000), ("diesel", "L", 4_000)],
        Sector::Food => &[("electricity", "kWh", 120_000), ("lpg", "kg", 6_000), ("diesel", "L", 1_500)],
    }
}

/// One factory's year: 12 months of its sector's activities, scaled by its
/// size, falling about 2 % a year with some month-to-month variation.
fn activity_year(draw: &mut SplitMix64, org: OrgId, sector: Sector, size_percent: i64, year: i32) -> FactoryYear {
    let trend_percent = 100 - 2 * i64::from(year - DEMO_YEARS.start());
    let mut lines = Vec::new();
    for month in 1..=12u8 {
        for (activity, unit, base) in monthly_profile(sector) {
            let wobble = 90 + draw.below(21) as i64; // 90 % to 110 %
            let quantity = base * size_percent / 100 * trend_percent / 100 * wobble / 100;
            lines.push(ActivityLine {
                line: lines.len() as u64 + 2,
                month: Month::new(year, month).expect("a valid month"),
                activity: (*activity).to_string(),
                quantity: Micro::from_int(quantity.max(1)),
                unit: (*unit).to_string(),
                note: None,
            });
        }
    }
    FactoryYear { org, year, gwp_set: GwpSet::Ar6, combustion: CombustionMethod::TgoCombined, lines }
}

async fn submit(
    store: &Store,
    command: impl Into<mangrove_app::AppCommand>,
) -> anyhow::Result<mangrove_store::Receipt> {
    Ok(store.sequencer().submit(Submission::new(&Actor::System, None, command)?).await?)
}

/// Registers `named` (existing factory organisations) and enough synthetic
/// ones to make `total` factories, each with four years of activity data.
pub async fn build(store: &Store, named: &[OrgId], total: usize) -> anyhow::Result<usize> {
    let mut draw = SplitMix64::new(SEED);
    // The named factories (olefins, aromatics refinery, plastics compounding) and the synthetic ones
    // keep the sector their name shows.
    let named_sectors = [Sector::Chemicals, Sector::Refining, Sector::Plastics];
    let mut orgs: Vec<(OrgId, Option<Sector>)> =
        named.iter().enumerate().map(|(index, org)| (*org, named_sectors.get(index).copied())).collect();
    // Organisations are created one by one so their ids are the same on every run.
    for index in named.len()..total {
        let sector = draw.pick(&SECTORS);
        let name = format!(
            "Synthetic factory {:04} ({})",
            index + 1,
            serde_json::to_value(sector)?.as_str().unwrap_or("other")
        );
        let receipt = submit(store, Command::CreateOrganisation { name, role: Role::Factory }).await?;
        let Some(Event::OrganisationCreated { organisation }) = receipt.events[0].payload.registry() else {
            anyhow::bail!("no organisation was created");
        };
        orgs.push((organisation.id, Some(sector)));
    }
    let mut commands: Vec<MeasureCommand> = Vec::new();
    let mut draw = SplitMix64::new(SEED ^ 1);
    for (index, (org, named_sector)) in orgs.iter().enumerate() {
        // Drawn for every factory, so the draws after it stay the same.
        let drawn = draw.pick(&SECTORS);
        let sector = named_sector.unwrap_or(drawn);
        let district = draw.pick(&DISTRICTS);
        let size_percent = 20 + draw.below(20) as i64 * draw.below(20) as i64; // many small plants, a few large ones
        let profile = FactoryProfile {
            org: *org,
            licence: format!(
                "3-{}({})-{}/25{:02}รย",
                40 + draw.below(60),
                1 + draw.below(9),
                index + 1,
                30 + draw.below(36)
            ),
            sector,
            district: district.to_string(),
            // The olefins and plastics plants publish, the refinery does not: both cases show.
            publish: (draw.below(100) < 35 || index == 0 || index == 2) && index != 1,
            synthetic: true,
        };
        commands.push(MeasureCommand::RegisterFactory { profile });
        for year in DEMO_YEARS {
            commands
                .push(MeasureCommand::RecordYear { year: activity_year(&mut draw, *org, sector, size_percent, year) });
        }
    }
    let count = orgs.len();
    submit_all(store, commands).await?;
    Ok(count)
}

/// Submits commands many at a time (in order for each factory: a profile is
/// followed by its years, and a year never waits on another factory).
async fn submit_all(store: &Store, commands: Vec<MeasureCommand>) -> anyhow::Result<()> {
    let per_factory = 1 + DEMO_YEARS.count();
    let mut in_flight = JoinSet::new();
    for factory in commands.chunks(per_factory) {
        let (store, factory) = (store.clone(), factory.to_vec());
        in_flight.spawn(async move {
            for command in factory {
                submit(&store, command).await?;
            }
            anyhow::Ok(())
        });
        if in_flight.len() >= IN_FLIGHT_MAX {
            in_flight.join_next().await.expect("a task is in flight")??;
        }
    }
    while let Some(done) = in_flight.join_next().await {
        done??;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_draw_is_the_same_every_time_and_weights_hold() {
        let (mut a, mut b) = (SplitMix64::new(SEED), SplitMix64::new(SEED));
        assert_eq!((0..5).map(|_| a.next_u64()).collect::<Vec<_>>(), (0..5).map(|_| b.next_u64()).collect::<Vec<_>>());
        let mut draw = SplitMix64::new(7);
        let chemicals = (0..10_000).filter(|_| draw.pick(&SECTORS) == Sector::Chemicals).count();
        assert!((2_500..3_100).contains(&chemicals), "about 28 % chemicals: {chemicals}");
    }

    #[test]
    fn a_year_has_twelve_months_of_each_activity_and_computes() {
        let mut draw = SplitMix64::new(SEED);
        let year = activity_year(&mut draw, OrgId(9), Sector::Food, 100, 2024);
        assert_eq!(year.lines.len(), 36);
        assert!(year.lines.iter().all(|line| line.month.year() == 2024));
        let inventory = Inventory::compute(Catalogue::embedded(), year.options(), &year.lines).unwrap();
        // 12 × about 120,000 kWh × 0.4999 kg ≈ 720 t of Scope 2, ±10 %, 4 % below 2022.
        let scope2 = inventory.scope(Scope::Two).tonnes_floor();
        assert!((620..=760).contains(&scope2), "{scope2}");
    }
}
