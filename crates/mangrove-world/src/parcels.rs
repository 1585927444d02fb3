//! The parcel grid: one parcel is one rai, a square 40 m on a side, laid
//! over the whole province from a fixed south-west corner. A parcel's id is
//! its row and column in that fixed grid, so ids never change when the map
//! is redrawn or the world grows.

use crate::frame::Point;
use serde::{Deserialize, Serialize};

/// One rai is 1,600 m²: a square 40 m on a side.
pub const PARCEL_SIDE_M: i32 = 40;
pub const PARCEL_SIDE_CM: i32 = PARCEL_SIDE_M * 100;
pub const SQUARE_METRES_PER_RAI: i64 = 1_600;
/// The grid's south-west corner, in metres from the origin: it covers
/// Rayong province (about 90 km east–west, 60 km north–south) and the sea
/// off its coast.
pub const GRID_WEST_M: i32 = -60_000;
pub const GRID_SOUTH_M: i32 = -40_000;
/// 160 km east–west and 120 km north–south.
pub const GRID_COLUMNS: u32 = 4_000;
pub const GRID_ROWS: u32 = 3_000;

/// A parcel: `row * GRID_COLUMNS + column`, counted from the south-west.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ParcelId(pub u32);

impl ParcelId {
    pub fn column(self) -> u32 {
        self.0 % GRID_COLUMNS
    }
    pub fn row(self) -> u32 {
        self.0 / GRID_COLUMNS
    }
    pub fn from_cell(column: u32, row: u32) -> Option<ParcelId> {
        (column < GRID_COLUMNS && row < GRID_ROWS).then_some(ParcelId(row * GRID_COLUMNS + column))
    }
    /// The parcel a point stands on, if it is inside the grid.
    pub fn at(point: Point) -> Option<ParcelId> {
        let east = i64::from(point.east_cm) - i64::from(GRID_WEST_M) * 100;
        let north = i64::from(point.north_cm) - i64::from(GRID_SOUTH_M) * 100;
        if east < 0 || north < 0 {
            return None;
        }
        let side = i64::from(PARCEL_SIDE_CM);
        ParcelId::from_cell(u32::try_from(east / side).ok()?, u32::try_from(north / side).ok()?)
    }
    /// The parcel's south-west corner.
    pub fn south_west(self) -> Point {
        Point::new(
            GRID_WEST_M * 100 + self.column() as i32 * PARCEL_SIDE_CM,
            GRID_SOUTH_M * 100 + self.row() as i32 * PARCEL_SIDE_CM,
        )
    }
    /// The parcel's centre.
    pub fn centre(self) -> Point {
        let corner = self.south_west();
        Point::new(corner.east_cm + PARCEL_SIDE_CM / 2, corner.north_cm + PARCEL_SIDE_CM / 2)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_parcel_is_one_rai() {
        assert_eq!(i64::from(PARCEL_SIDE_M) * i64::from(PARCEL_SIDE_M), SQUARE_METRES_PER_RAI);
    }

    #[test]
    fn a_parcel_contains_its_own_corner_and_centre() {
        for id in [ParcelId(0), ParcelId(GRID_COLUMNS * GRID_ROWS - 1), ParcelId::at(Point::default()).unwrap()] {
            assert_eq!(ParcelId::at(id.south_west()), Some(id));
            assert_eq!(ParcelId::at(id.centre()), Some(id));
        }
        assert_eq!(ParcelId::at(Point::metres(GRID_WEST_M - 1, 0)), None);
    }
}
