//! The local metric frame: positions are whole centimetres east and north
//! of an origin in Rayong city, so that distances are integers, the same on
//! every machine, and a province 100 km across fits an `i32` many times.
//! Degrees are converted once, when the map is built, by the equirectangular
//! projection, which over a province this size is off by less than a metre
//! per kilometre.

use serde::{Deserialize, Serialize};

/// The origin: Rayong city's clock tower roundabout (WGS 84).
pub const ORIGIN_LATITUDE_DEG: f64 = 12.6814;
pub const ORIGIN_LONGITUDE_DEG: f64 = 101.2816;
/// Metres per degree of latitude near 12.7° N (WGS 84 ellipsoid).
pub const METRES_PER_DEGREE_LATITUDE: f64 = 110_614.0;
/// Metres per degree of longitude on the equator; scaled by the latitude's cosine.
pub const METRES_PER_DEGREE_LONGITUDE_AT_EQUATOR: f64 = 111_320.0;
pub const CM_PER_M: i64 = 100;

/// A place in the frame, in centimetres east and north of the origin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
pub struct Point {
    pub east_cm: i32,
    pub north_cm: i32,
}

impl Point {
    pub const fn new(east_cm: i32, north_cm: i32) -> Point {
        Point { east_cm, north_cm }
    }
    pub const fn metres(east_m: i32, north_m: i32) -> Point {
        Point { east_cm: east_m * 100, north_cm: north_m * 100 }
    }
    /// A latitude and longitude in degrees, in the frame.
    pub fn from_degrees(latitude_deg: f64, longitude_deg: f64) -> Point {
        let metres_per_degree_longitude =
            METRES_PER_DEGREE_LONGITUDE_AT_EQUATOR * ORIGIN_LATITUDE_DEG.to_radians().cos();
        let east_m = (longitude_deg - ORIGIN_LONGITUDE_DEG) * metres_per_degree_longitude;
        let north_m = (latitude_deg - ORIGIN_LATITUDE_DEG) * METRES_PER_DEGREE_LATITUDE;
        Point { east_cm: (east_m * 100.0).round() as i32, north_cm: (north_m * 100.0).round() as i32 }
    }
    /// The latitude and longitude in degrees.
    pub fn to_degrees(self) -> (f64, f64) {
        let metres_per_degree_longitude =
            METRES_PER_DEGREE_LONGITUDE_AT_EQUATOR * ORIGIN_LATITUDE_DEG.to_radians().cos();
        let latitude = ORIGIN_LATITUDE_DEG + f64::from(self.north_cm) / 100.0 / METRES_PER_DEGREE_LATITUDE;
        let longitude = ORIGIN_LONGITUDE_DEG + f64::from(self.east_cm) / 100.0 / metres_per_degree_longitude;
        (latitude, longitude)
    }
    /// The squared distance in square centimetres; exact.
    pub fn distance_squared_cm2(self, other: Point) -> i64 {
        let east = i64::from(self.east_cm) - i64::from(other.east_cm);
        let north = i64::from(self.north_cm) - i64::from(other.north_cm);
        east * east + north * north
    }
    /// The distance in whole centimetres, rounded down.
    pub fn distance_cm(self, other: Point) -> i64 {
        isqrt(self.distance_squared_cm2(other))
    }
    /// The point `numerator / denominator` of the way from `self` to `to`.
    pub fn towards(self, to: Point, numerator: i64, denominator: i64) -> Point {
        let step = |from: i32, to: i32| {
            let from = i64::from(from);
            let moved = from + (i64::from(to) - from) * numerator / denominator.max(1);
            i32::try_from(moved).expect("a point between two points fits as they do")
        };
        Point { east_cm: step(self.east_cm, to.east_cm), north_cm: step(self.north_cm, to.north_cm) }
    }
}

/// The integer square root, rounded down.
pub fn isqrt(value: i64) -> i64 {
    if value <= 0 {
        return 0;
    }
    let mut root = (value as f64).sqrt() as i64;
    while root * root > value {
        root -= 1;
    }
    while (root + 1) * (root + 1) <= value {
        root += 1;
    }
    root
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn degrees_round_trip_within_a_centimetre() {
        // Map Ta Phut, about 20 km west of the origin.
        let point = Point::from_degrees(12.6710, 101.1450);
        assert!((-1_600_000..-1_400_000).contains(&point.east_cm), "{point:?}");
        let (lat, lon) = point.to_degrees();
        let back = Point::from_degrees(lat, lon);
        assert!(back.distance_cm(point) <= 1);
    }

    #[test]
    fn the_integer_square_root_is_exact() {
        for value in [0, 1, 2, 3, 4, 15, 16, 17, 1 << 40, (1 << 40) + 1, i64::from(i32::MAX) * 4] {
            let root = isqrt(value);
            assert!(root * root <= value && (root + 1) * (root + 1) > value, "{value}");
        }
        assert_eq!(Point::metres(3, 4).distance_cm(Point::default()), 500);
    }
}
