//! What the virtual city shows, read from the same state as every other
//! page, so that it is never a stale copy: the map (the province's
//! features, the registry's mangrove and forests painted from their
//! outlines, the places), the mangrove's verified, issued and retired
//! tonnes and its last price on the exchange, and every factory as a
//! building where its district is, with its latest year's emissions when
//! it publishes them.

use crate::App;
use mangrove_core::{OrgId, ProjectId};
use mangrove_mrv::Co2e;
use mangrove_registry::ProjectStatus;
use mangrove_world::map::{self, Area};
use mangrove_world::{Ground, Place, Point};
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;

fn metres(point: Point) -> [f64; 2] {
    [f64::from(point.east_cm / 100), f64::from(point.north_cm / 100)]
}

/// The registry's registered projects that are places on the map: the
/// mangrove (the first is `mangrove`) and the forests, from their outlines.
pub fn world_areas(app: &App) -> Vec<(ProjectId, Area)> {
    let registry = &app.registry;
    let mut areas: Vec<(ProjectId, Area)> = Vec::new();
    for project in registry.projects().filter(|p| p.status == ProjectStatus::Registered) {
        let class = registry.class(project.class).map(|class| class.name.to_lowercase()).unwrap_or_default();
        let ground = if class.contains("mangrove") {
            Ground::Mangrove
        } else if class.contains("forest") {
            Ground::Forest
        } else {
            continue;
        };
        let first_mangrove = ground == Ground::Mangrove && !areas.iter().any(|(_, a)| a.key == "mangrove");
        let key = if first_mangrove { "mangrove".to_owned() } else { format!("project_{}", project.id.get()) };
        areas.push((
            project.id,
            Area { key, name: project.name.clone(), ground, outline_lon_lat: project.location.clone() },
        ));
    }
    areas
}

#[derive(Serialize, ToSchema)]
pub struct MapFeature {
    /// `land`, `river`, `mangrove`, `forest`, `industrial` or `city`.
    pub ground: String,
    pub name: String,
    /// From open data (Natural Earth), or drawn for the city.
    pub surveyed: bool,
    /// Metres east and north of the origin in Rayong city.
    pub outline_m: Vec<[f64; 2]>,
    /// The registry project it is, if it is one.
    pub project_id: Option<u64>,
}

#[derive(Serialize, ToSchema)]
pub struct MapPlace {
    pub key: String,
    pub name_en: String,
    pub name_th: String,
    pub east_m: f64,
    pub north_m: f64,
}

pub fn place_view(place: &Place) -> MapPlace {
    let (east_m, north_m) = (f64::from(place.point.east_cm) / 100.0, f64::from(place.point.north_cm) / 100.0);
    MapPlace { key: place.key.clone(), name_en: place.name_en.clone(), name_th: place.name_th.clone(), east_m, north_m }
}

#[derive(Serialize, ToSchema)]
pub struct WorldMap {
    pub features: Vec<MapFeature>,
    pub places: Vec<MapPlace>,
    /// Where the data comes from, for the page's attribution.
    pub attribution: String,
}

/// The map as the registry stands: the province's features and the
/// registry's areas over them, and every place.
pub fn world_map(app: &App, places: &[Place]) -> WorldMap {
    let mut features: Vec<MapFeature> = map::features_and_places()
        .0
        .into_iter()
        .map(|feature| MapFeature {
            ground: feature.ground.as_str().to_owned(),
            name: feature.name,
            surveyed: feature.surveyed,
            outline_m: feature.outline.into_iter().map(metres).collect(),
            project_id: None,
        })
        .collect();
    for (project, area) in world_areas(app) {
        features.push(MapFeature {
            ground: area.ground.as_str().to_owned(),
            name: area.name,
            surveyed: true,
            outline_m: area.outline_lon_lat.iter().map(|[lon, lat]| metres(Point::from_degrees(*lat, *lon))).collect(),
            project_id: Some(project.get()),
        });
    }
    WorldMap {
        features,
        places: places.iter().map(place_view).collect(),
        attribution: "Land: Natural Earth (public domain). City centre, river and estate: drawn for Mangrove. \
                      Mangrove and forests: the registry's project outlines."
            .to_owned(),
    }
}

#[derive(Serialize, ToSchema)]
pub struct AreaFacts {
    pub project_id: u64,
    pub key: String,
    pub name: String,
    pub area_rai: u32,
    /// Verified removals: every batch's tonnes, buffer included.
    pub verified_tco2e: u64,
    pub issued_tco2e: u64,
    pub retired_tco2e: u64,
    /// The last price its credits traded at on the exchange.
    pub last_price_satang: Option<u64>,
    pub east_m: f64,
    pub north_m: f64,
}

#[derive(Serialize, ToSchema)]
pub struct FactoryFacts {
    pub org_id: u64,
    pub name: String,
    pub district: String,
    pub sector: String,
    /// Where its building stands (generated within its district).
    pub east_m: f64,
    pub north_m: f64,
    /// Its latest year's emissions, when it publishes them.
    pub year: Option<i32>,
    #[schema(value_type = Option<f64>)]
    pub tco2e: Option<Co2e>,
    /// Its emissions' fifth of all published factories that year: 0 the
    /// lowest, 4 the highest.
    pub intensity_quintile: Option<u8>,
    /// Whether its latest year is on its own line to its target, when it
    /// set one and publishes.
    pub on_track: Option<bool>,
}

#[derive(Serialize, ToSchema)]
pub struct WorldFacts {
    /// The journal size the facts were read at.
    pub journal_size: u64,
    pub areas: Vec<AreaFacts>,
    pub factories: Vec<FactoryFacts>,
}

/// The city's live facts, from the state at `journal_size`.
pub fn world_facts(app: &App, journal_size: u64, places: &[Place]) -> WorldFacts {
    let registry = &app.registry;
    let areas = world_areas(app)
        .into_iter()
        .filter_map(|(project_id, area)| {
            let project = registry.project(project_id)?;
            let (mut verified, mut issued, mut retired) = (0, 0, 0);
            for batch in registry.batches_of(project_id) {
                verified += batch.issued_tco2e.get() + batch.buffer_tco2e.get();
                issued += batch.issued_tco2e.get();
                retired += registry.batch_totals(batch.id).retired_tco2e.get();
            }
            let last_price_satang = app
                .market
                .instruments()
                .filter(|instrument| instrument.project == project_id)
                .filter_map(|instrument| {
                    let figures = app.market.figures(instrument.id)?;
                    let last = *figures.trade_positions.last()?;
                    Some((last, figures.last_price_satang?))
                })
                .max()
                .map(|(_, price)| price);
            let place = places.iter().find(|place| place.key == area.key);
            let [east_m, north_m] = place.map_or([0.0, 0.0], |place| metres(place.point));
            Some(AreaFacts {
                project_id: project_id.get(),
                key: area.key,
                name: area.name,
                area_rai: project.area_rai,
                verified_tco2e: verified,
                issued_tco2e: issued,
                retired_tco2e: retired,
                last_price_satang,
                east_m,
                north_m,
            })
        })
        .collect();
    WorldFacts { journal_size, areas, factories: factories(app, places) }
}

fn factories(app: &App, places: &[Place]) -> Vec<FactoryFacts> {
    let province = app.factories.province(app.catalogue);
    // Each factory's total by year, from the province's sums: its latest
    // year and its target's base year are read here, not computed again.
    let totals: BTreeMap<(OrgId, i32), Co2e> = province
        .by_factory_year
        .iter()
        .flat_map(|(year, totals)| totals.iter().map(move |(org, tco2e)| ((*org, *year), *tco2e)))
        .collect();
    let latest: BTreeMap<OrgId, (i32, Co2e)> =
        totals.iter().map(|((org, year), tco2e)| (*org, (*year, *tco2e))).collect();
    let total_of = |org: OrgId, year: i32| totals.get(&(org, year)).copied();
    let mut published: Vec<Co2e> = app
        .factories
        .factories()
        .filter(|f| f.publish)
        .filter_map(|f| latest.get(&f.org).map(|(_, tco2e)| *tco2e))
        .collect();
    published.sort_unstable();
    let quintile = |tco2e: Co2e| {
        let below = published.partition_point(|other| *other < tco2e);
        Some((below * 5 / published.len().max(1)).min(4) as u8)
    };
    let mut in_district: BTreeMap<&str, usize> = BTreeMap::new();
    app.factories
        .factories()
        .filter_map(|profile| {
            let n = in_district.entry(profile.district.as_str()).or_default();
            let spot = map::factory_spot(&profile.district, *n, places)?;
            *n += 1;
            let [east_m, north_m] = metres(spot);
            let figures = latest.get(&profile.org).filter(|_| profile.publish);
            let on_track = figures.and_then(|(year, tco2e)| {
                let setting = app.factories.target(profile.org)?;
                let target = super::factories::target_line(setting, total_of(profile.org, setting.base_year)?)?;
                Some(target.progress(*year, *tco2e).on_track)
            });
            Some(FactoryFacts {
                org_id: profile.org.get(),
                name: app.registry.organisation(profile.org).map(|o| o.name.clone()).unwrap_or_default(),
                district: profile.district.clone(),
                sector: serde_json::to_value(profile.sector)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default(),
                east_m,
                north_m,
                year: figures.map(|(year, _)| *year),
                tco2e: figures.map(|(_, tco2e)| *tco2e),
                intensity_quintile: figures.and_then(|(_, tco2e)| quintile(*tco2e)),
                on_track,
            })
        })
        .collect()
}
