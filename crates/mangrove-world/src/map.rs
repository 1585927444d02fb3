//! The map of the real province, from two assets kept in the repository:
//! `assets/rayong.map`, Thailand's land from Natural Earth (public domain)
//! clipped to Rayong by `web/scripts/rayong-map.mjs`, and
//! `assets/rayong-drawn.map`, what Natural Earth lacks at that scale (the
//! city centre, the Rayong river, Map Ta Phut's estate, named places),
//! drawn by hand and marked as such. On them the registry's projects are
//! painted from their own outlines (`Area`), so the mangrove stands where
//! the registry says it does.

use crate::frame::Point;
use crate::terrain::{Ground, Place, Terrain};

const NATURAL_EARTH: &str = include_str!("../assets/rayong.map");
const DRAWN: &str = include_str!("../assets/rayong-drawn.map");

/// The window the map covers (degrees).
pub const WEST_DEG: f64 = 100.85;
pub const SOUTH_DEG: f64 = 12.45;
pub const EAST_DEG: f64 = 101.9;
pub const NORTH_DEG: f64 = 13.15;
/// The raster's cell: one parcel, 40 m.
pub const CELL_CM: i32 = crate::parcels::PARCEL_SIDE_CM;

/// A named polygon of the map.
#[derive(Debug, Clone, PartialEq)]
pub struct Feature {
    pub ground: Ground,
    pub name: String,
    pub outline: Vec<Point>,
    /// Whether it comes from surveyed open data, or was drawn here.
    pub surveyed: bool,
}

/// An area the platform knows (a registry project): painted on the map,
/// and a place one may travel to.
#[derive(Debug, Clone, PartialEq)]
pub struct Area {
    pub key: String,
    pub name: String,
    pub ground: Ground,
    /// Longitude–latitude pairs, as the registry keeps outlines.
    pub outline_lon_lat: Vec<[f64; 2]>,
}

fn degrees(line: &str) -> Option<Point> {
    let mut numbers = line.split_whitespace().map(str::parse::<f64>);
    let (Some(Ok(latitude)), Some(Ok(longitude))) = (numbers.next(), numbers.next()) else { return None };
    Some(Point::from_degrees(latitude, longitude))
}

/// Reads a map asset: its features and its places. A line it cannot read
/// is a mistake in the asset, named with its line number.
pub fn parse(text: &str, surveyed: bool) -> Result<(Vec<Feature>, Vec<Place>), String> {
    let mut features: Vec<Feature> = Vec::new();
    let mut places = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let line = line.trim();
        let fail = |why: &str| format!("map line {}: {why}: {line:?}", index + 1);
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(rest) = line.strip_prefix("polygon ") {
            let (word, name) = rest.split_once(' ').unwrap_or((rest, ""));
            let ground = Ground::named(word).ok_or_else(|| fail("no such ground"))?;
            features.push(Feature { ground, name: name.to_owned(), outline: Vec::new(), surveyed });
        } else if let Some(rest) = line.strip_prefix("place ") {
            let mut words = rest.splitn(4, ' ');
            let key = words.next().unwrap_or_default();
            let (Some(latitude), Some(longitude), Some(names)) = (words.next(), words.next(), words.next()) else {
                return Err(fail("a place is a key, a latitude, a longitude and names"));
            };
            let point = degrees(&format!("{latitude} {longitude}")).ok_or_else(|| fail("not degrees"))?;
            let (name_en, name_th) = names.split_once(" | ").ok_or_else(|| fail("names are English | Thai"))?;
            places.push(Place { key: key.to_owned(), name_en: name_en.to_owned(), name_th: name_th.to_owned(), point });
        } else {
            let point = degrees(line).ok_or_else(|| fail("not a latitude and a longitude"))?;
            features.last_mut().ok_or_else(|| fail("a point before any polygon"))?.outline.push(point);
        }
    }
    Ok((features, places))
}

/// Every feature of the province's map, surveyed and drawn, and the
/// drawn places.
pub fn features_and_places() -> (Vec<Feature>, Vec<Place>) {
    let (mut features, _) = parse(NATURAL_EARTH, true).expect("the Natural Earth asset reads");
    let (drawn, places) = parse(DRAWN, false).expect("the drawn asset reads");
    features.extend(drawn);
    (features, places)
}

/// The province as terrain, with `areas` (the registry's projects) painted
/// over it and added as places.
pub fn rayong(areas: &[Area]) -> Terrain {
    let south_west = Point::from_degrees(SOUTH_DEG, WEST_DEG);
    let north_east = Point::from_degrees(NORTH_DEG, EAST_DEG);
    let columns = ((north_east.east_cm - south_west.east_cm) / CELL_CM) as u32 + 1;
    let rows = ((north_east.north_cm - south_west.north_cm) / CELL_CM) as u32 + 1;
    let mut terrain = Terrain::sea(south_west, CELL_CM, columns, rows);
    let (features, places) = features_and_places();
    for feature in features {
        terrain.paint(&feature.outline, feature.ground);
    }
    terrain.places = places;
    for area in areas {
        let outline: Vec<Point> =
            area.outline_lon_lat.iter().map(|[lon, lat]| Point::from_degrees(*lat, *lon)).collect();
        if outline.len() < 3 {
            continue;
        }
        terrain.paint(&outline, area.ground);
        let count = outline.len() as i64;
        let (east, north) =
            outline.iter().fold((0i64, 0i64), |(e, n), p| (e + i64::from(p.east_cm), n + i64::from(p.north_cm)));
        let centre = Point::new((east / count) as i32, (north / count) as i32);
        terrain.places.push(Place {
            key: area.key.clone(),
            name_en: area.name.clone(),
            name_th: area.name.clone(),
            point: centre,
        });
    }
    terrain
}

/// Map Ta Phut's estate (degrees): where Mueang Rayong's factories stand.
const ESTATE_SOUTH_WEST_DEG: (f64, f64) = (12.6660, 101.1210);
const ESTATE_COLUMNS: usize = 46;
/// Metres between neighbouring factories.
const FACTORY_SPACING_M: i32 = 150;
const TOWN_COLUMNS: usize = 12;

/// Where the `n`th factory (counting from 0) of a district stands: Mueang
/// Rayong's in rows across Map Ta Phut's estate, the others' in rows north
/// of their district town. The positions are generated, not surveyed: the
/// factory book knows a factory's district, not its address.
pub fn factory_spot(district: &str, n: usize, places: &[Place]) -> Option<Point> {
    let spacing_cm = FACTORY_SPACING_M * 100;
    let (origin, columns) = if district == "Mueang Rayong" {
        (Point::from_degrees(ESTATE_SOUTH_WEST_DEG.0, ESTATE_SOUTH_WEST_DEG.1), ESTATE_COLUMNS)
    } else {
        let town = places.iter().find(|place| place.key == district_key(district))?.point;
        (Point::new(town.east_cm - spacing_cm * TOWN_COLUMNS as i32 / 2, town.north_cm + spacing_cm), TOWN_COLUMNS)
    };
    let (column, row) = ((n % columns) as i32, (n / columns) as i32);
    Some(Point::new(
        origin.east_cm + column * spacing_cm + spacing_cm / 2,
        origin.north_cm + row * spacing_cm + spacing_cm / 2,
    ))
}

/// The place key of a district of the factory book (`Ban Chang` →
/// `district_ban_chang`).
pub fn district_key(district: &str) -> String {
    format!("district_{}", district.to_lowercase().replace(' ', "_"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mangrove_core_districts() -> [&'static str; 8] {
        [
            "Mueang Rayong",
            "Ban Chang",
            "Klaeng",
            "Wang Chan",
            "Ban Khai",
            "Pluak Daeng",
            "Khao Chamao",
            "Nikhom Phatthana",
        ]
    }

    #[test]
    fn the_province_has_land_sea_and_its_places() {
        let mangrove = Area {
            key: "mangrove".into(),
            name: "Mangrove".into(),
            ground: Ground::Mangrove,
            outline_lon_lat: vec![[101.275, 12.661], [101.284, 12.6596], [101.2845, 12.670], [101.2755, 12.671]],
        };
        let terrain = rayong(&[mangrove]);
        let centre = terrain.place("city_centre").expect("the city centre is a place").point;
        assert_eq!(terrain.ground(centre), Ground::City);
        assert_eq!(terrain.ground(Point::from_degrees(12.60, 101.30)), Ground::Sea, "the gulf is sea");
        assert_eq!(terrain.ground(Point::from_degrees(12.90, 101.30)), Ground::Land, "inland is land");
        assert_eq!(terrain.ground(Point::from_degrees(12.69, 101.15)), Ground::Industrial);
        for n in [0, 45, 46, 1_000, 1_600] {
            let spot = factory_spot("Mueang Rayong", n, &terrain.places).unwrap();
            assert_eq!(terrain.ground(spot), Ground::Industrial, "factory {n} of Mueang Rayong is on the estate");
        }
        let mangrove = terrain.place("mangrove").expect("a registry area is a place").point;
        assert_eq!(terrain.ground(mangrove), Ground::Mangrove);
        assert!(terrain.count(Ground::Land) > 1_000_000, "the province is mostly land at 40 m");
        for district in mangrove_core_districts() {
            let place = terrain.place(&district_key(district)).unwrap_or_else(|| panic!("{district} is a place"));
            assert!(terrain.walkable(place.point), "{district} stands on land");
            let first = factory_spot(district, 0, &terrain.places).expect("a district has spots");
            assert!(terrain.walkable(first), "{district}'s first factory stands on land");
        }
    }

    #[test]
    fn a_bad_line_is_named() {
        assert_eq!(parse("polygon lava x\n", false).unwrap_err(), "map line 1: no such ground: \"polygon lava x\"");
        assert!(parse("12.6 101.2\n", false).unwrap_err().contains("before any polygon"));
    }
}
