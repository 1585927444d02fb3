//! Who sees whom, and how often. Avatars are kept in square cells of the
//! interest grid; an avatar looks only at the cells around its own. Two
//! avatars see each other in a distance tier — near, middle or far — and
//! the nearer the tier, the more often each is told where the other is.
//! A tier is entered inside its radius and left only beyond a wider one
//! (hysteresis), so that two people standing at a tier's edge do not flap
//! between tiers with every step.

use crate::frame::Point;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A distance tier, nearest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    Near,
    Middle,
    Far,
}

impl Tier {
    pub const ALL: [Tier; 3] = [Tier::Near, Tier::Middle, Tier::Far];
    /// Within this distance, the tier is entered.
    pub fn enter_cm(self) -> i64 {
        match self {
            Tier::Near => 2_500,
            Tier::Middle => 8_000,
            Tier::Far => 20_000,
        }
    }
    /// Beyond this distance, the tier is left: a tenth wider than it is
    /// entered.
    pub fn leave_cm(self) -> i64 {
        self.enter_cm() * 11 / 10
    }
    /// Every how many ticks a position in this tier is sent: 20 Hz near,
    /// 5 Hz in the middle, 1 Hz far at a 20 Hz tick.
    pub fn period_ticks(self) -> u64 {
        match self {
            Tier::Near => 1,
            Tier::Middle => 4,
            Tier::Far => 20,
        }
    }
}

/// The farthest anyone is seen from.
pub const SIGHT_CM: i64 = 22_000;
/// An interest cell's side: the farthest sight, so that everyone in sight
/// is in the 3 × 3 cells around one's own.
pub const CELL_CM: i64 = SIGHT_CM;

/// The tier two avatars at `distance_cm` are in, given the tier they were
/// in: a nearer tier is entered inside its entering radius; the current
/// tier is kept until its leaving radius; `None` is out of sight.
pub fn next_tier(previous: Option<Tier>, distance_cm: i64) -> Option<Tier> {
    next_tier_squared(previous, distance_cm.saturating_mul(distance_cm))
}

/// `next_tier` from the squared distance, which the tick has without a
/// square root.
pub fn next_tier_squared(previous: Option<Tier>, distance_squared_cm2: i64) -> Option<Tier> {
    let within = |radius_cm: i64| distance_squared_cm2 <= radius_cm * radius_cm;
    let entered = Tier::ALL.into_iter().find(|tier| within(tier.enter_cm()));
    match (previous, entered) {
        (Some(previous), Some(entered)) if entered < previous => Some(entered),
        (Some(previous), _) if within(previous.leave_cm()) => Some(previous),
        (_, entered) => entered,
    }
}

/// An interest cell: the column and row of `CELL_CM` squares.
pub type Cell = (i64, i64);

pub fn cell_of(point: Point) -> Cell {
    (i64::from(point.east_cm).div_euclid(CELL_CM), i64::from(point.north_cm).div_euclid(CELL_CM))
}

/// Who stands in each cell.
#[derive(Debug, Default, Clone)]
pub struct Grid<K: Ord + Copy> {
    cells: BTreeMap<Cell, Vec<K>>,
}

impl<K: Ord + Copy> Grid<K> {
    pub fn build(members: impl IntoIterator<Item = (K, Point)>) -> Grid<K> {
        let mut cells: BTreeMap<Cell, Vec<K>> = BTreeMap::new();
        for (key, point) in members {
            cells.entry(cell_of(point)).or_default().push(key);
        }
        Grid { cells }
    }
    /// Everyone in the 3 × 3 cells around `point`'s (including whoever is
    /// at `point`): a superset of who is within `SIGHT_CM`.
    pub fn around(&self, point: Point) -> impl Iterator<Item = K> + '_ {
        let (column, row) = cell_of(point);
        (-1..=1)
            .flat_map(move |dc| (-1..=1).map(move |dr| (column + dc, row + dr)))
            .filter_map(|cell| self.cells.get(&cell))
            .flatten()
            .copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiers_are_entered_inside_and_left_outside() {
        assert_eq!(next_tier(None, 1_000), Some(Tier::Near));
        assert_eq!(next_tier(None, 2_600), Some(Tier::Middle));
        assert_eq!(next_tier(Some(Tier::Near), 2_600), Some(Tier::Near), "kept until 27.5 m");
        assert_eq!(next_tier(Some(Tier::Near), 2_800), Some(Tier::Middle));
        assert_eq!(next_tier(Some(Tier::Far), 21_000), Some(Tier::Far));
        assert_eq!(next_tier(None, 21_000), None);
        assert_eq!(next_tier(Some(Tier::Far), 22_100), None);
        assert_eq!(next_tier(Some(Tier::Far), 100), Some(Tier::Near));
        assert!(Tier::Far.leave_cm() <= SIGHT_CM);
    }
}
