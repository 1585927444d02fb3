//! What the ground is at each place: a raster of cells painted from
//! polygons (land, then the river, the mangrove, the industrial estates,
//! the city centre, each over the last), and the named places one may
//! travel to directly. Everything outside the raster is sea.

use crate::frame::Point;
use serde::{Deserialize, Serialize};

/// What covers a cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Ground {
    Sea,
    Land,
    River,
    Mangrove,
    Forest,
    Industrial,
    City,
}

impl Ground {
    /// One may walk anywhere but into the sea; the river is waded or
    /// bridged.
    pub fn walkable(self) -> bool {
        self != Ground::Sea
    }
    pub const ALL: [Ground; 7] =
        [Ground::Sea, Ground::Land, Ground::River, Ground::Mangrove, Ground::Forest, Ground::Industrial, Ground::City];
    /// Its name in the map assets and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Ground::Sea => "sea",
            Ground::Land => "land",
            Ground::River => "river",
            Ground::Mangrove => "mangrove",
            Ground::Forest => "forest",
            Ground::Industrial => "industrial",
            Ground::City => "city",
        }
    }
    pub fn named(name: &str) -> Option<Ground> {
        Ground::ALL.into_iter().find(|ground| ground.as_str() == name)
    }
    fn code(self) -> u8 {
        self as u8
    }
    fn from_code(code: u8) -> Ground {
        Ground::ALL.get(usize::from(code)).copied().unwrap_or(Ground::Sea)
    }
}

/// A place one may travel to directly, by name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Place {
    /// Its id in the client and in commands (`city_centre`, `mangrove`).
    pub key: String,
    pub name_en: String,
    pub name_th: String,
    pub point: Point,
}

/// A raster of ground over a rectangle of the frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Terrain {
    pub south_west: Point,
    pub cell_cm: i32,
    pub columns: u32,
    pub rows: u32,
    cells: Vec<u8>,
    pub places: Vec<Place>,
}

impl Terrain {
    /// All sea, `columns × rows` cells of `cell_cm` from `south_west`.
    pub fn sea(south_west: Point, cell_cm: i32, columns: u32, rows: u32) -> Terrain {
        assert!(cell_cm > 0 && columns > 0 && rows > 0, "a terrain has cells");
        Terrain { south_west, cell_cm, columns, rows, cells: vec![0; (columns * rows) as usize], places: Vec::new() }
    }

    /// Paints every cell whose centre is inside `polygon` (even–odd rule)
    /// with `ground`, row by row.
    pub fn paint(&mut self, polygon: &[Point], ground: Ground) {
        if polygon.len() < 3 {
            return;
        }
        let mut crossings: Vec<i64> = Vec::new();
        for row in 0..self.rows {
            let y = i64::from(self.south_west.north_cm) + (i64::from(row) * 2 + 1) * i64::from(self.cell_cm) / 2;
            crossings.clear();
            for (i, a) in polygon.iter().enumerate() {
                let b = polygon[(i + 1) % polygon.len()];
                let (ay, by) = (i64::from(a.north_cm), i64::from(b.north_cm));
                if (ay <= y) != (by <= y) {
                    let (ax, bx) = (i64::from(a.east_cm), i64::from(b.east_cm));
                    crossings.push(ax + (y - ay) * (bx - ax) / (by - ay));
                }
            }
            crossings.sort_unstable();
            for pair in crossings.chunks_exact(2) {
                let first = self.column_at_or_after(pair[0]);
                let last = self.column_before(pair[1]);
                for column in first..=last.min(i64::from(self.columns) - 1) {
                    if column >= 0 {
                        self.cells[(row * self.columns) as usize + column as usize] = ground.code();
                    }
                }
            }
        }
    }

    /// The first column whose centre is at or east of `x`.
    fn column_at_or_after(&self, x: i64) -> i64 {
        let offset = x - i64::from(self.south_west.east_cm) - i64::from(self.cell_cm) / 2;
        offset.div_euclid(i64::from(self.cell_cm)) + i64::from(offset.rem_euclid(i64::from(self.cell_cm)) != 0)
    }

    /// The last column whose centre is west of `x`.
    fn column_before(&self, x: i64) -> i64 {
        let offset = x - i64::from(self.south_west.east_cm) - i64::from(self.cell_cm) / 2;
        (offset - 1).div_euclid(i64::from(self.cell_cm))
    }

    /// The ground at a point; sea outside the raster.
    pub fn ground(&self, point: Point) -> Ground {
        let east = i64::from(point.east_cm) - i64::from(self.south_west.east_cm);
        let north = i64::from(point.north_cm) - i64::from(self.south_west.north_cm);
        if east < 0 || north < 0 {
            return Ground::Sea;
        }
        let (column, row) = (east / i64::from(self.cell_cm), north / i64::from(self.cell_cm));
        if column >= i64::from(self.columns) || row >= i64::from(self.rows) {
            return Ground::Sea;
        }
        Ground::from_code(self.cells[(row * i64::from(self.columns) + column) as usize])
    }

    pub fn walkable(&self, point: Point) -> bool {
        self.ground(point).walkable()
    }

    pub fn place(&self, key: &str) -> Option<&Place> {
        self.places.iter().find(|place| place.key == key)
    }

    /// How many cells of each ground, for a map's summary.
    pub fn count(&self, ground: Ground) -> usize {
        self.cells.iter().filter(|cell| **cell == ground.code()).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn painting_fills_cells_whose_centres_are_inside() {
        let mut terrain = Terrain::sea(Point::default(), 100, 10, 10);
        let square = [Point::new(0, 0), Point::new(500, 0), Point::new(500, 500), Point::new(0, 500)];
        terrain.paint(&square, Ground::Land);
        assert_eq!(terrain.count(Ground::Land), 25);
        assert_eq!(terrain.ground(Point::new(450, 450)), Ground::Land);
        assert_eq!(terrain.ground(Point::new(550, 450)), Ground::Sea);
        assert_eq!(terrain.ground(Point::new(-1, 0)), Ground::Sea);
        assert_eq!(terrain.ground(Point::new(5_000, 0)), Ground::Sea);
        let triangle = [Point::new(0, 0), Point::new(1_000, 0), Point::new(0, 1_000)];
        terrain.paint(&triangle, Ground::Mangrove);
        // Cells whose centre (x + 50, y + 50) satisfies x + y + 100 < 1000.
        assert_eq!(terrain.count(Ground::Mangrove), 45);
        assert!(!terrain.walkable(Point::new(950, 950)));
    }
}
