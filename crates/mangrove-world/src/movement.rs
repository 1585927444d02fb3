//! How far an avatar may go: walking or running speed times the time since
//! its last accepted position, with a little slack for the network; never
//! into the sea, and never further by jumping, except to a named place.

use crate::frame::Point;
use crate::terrain::Terrain;

/// A brisk walk, 1.4 m/s.
pub const WALK_CM_PER_S: i64 = 140;
/// A run, 5 m/s.
pub const RUN_CM_PER_S: i64 = 500;
/// Moves may be this much longer than the speed allows (per cent), for
/// jitter between the client's clock and the server's.
pub const SLACK_PERCENT: i64 = 25;
/// The longest time one move may account for: a client that was silent for
/// a minute does not get a minute's worth of distance at once.
pub const MOVE_WINDOW_MS_MAX: i64 = 1_000;
/// Steps in which a path is checked for the sea.
pub const PATH_STEP_CM: i64 = 100;

/// The furthest an avatar may move in `elapsed_ms`.
pub fn reach_cm(running: bool, elapsed_ms: i64) -> i64 {
    let speed = if running { RUN_CM_PER_S } else { WALK_CM_PER_S };
    speed * elapsed_ms.clamp(0, MOVE_WINDOW_MS_MAX) * (100 + SLACK_PERCENT) / 100 / 1_000
}

/// Where an avatar at `from` ends up when it asks to go to `to`: no
/// further than it can reach, and stopped at the last step before the sea.
pub fn clamp_move(terrain: &Terrain, from: Point, to: Point, running: bool, elapsed_ms: i64) -> Point {
    let wanted = from.distance_cm(to);
    let allowed = reach_cm(running, elapsed_ms);
    let target = if wanted > allowed { from.towards(to, allowed, wanted) } else { to };
    let length = from.distance_cm(target);
    if length == 0 {
        return from;
    }
    let steps = (length + PATH_STEP_CM - 1) / PATH_STEP_CM;
    let mut last = from;
    for step in 1..=steps {
        let next = from.towards(target, step, steps);
        if !terrain.walkable(next) {
            return last;
        }
        last = next;
    }
    target
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::terrain::Ground;

    fn island() -> Terrain {
        let mut terrain = Terrain::sea(Point::default(), 100, 200, 10);
        terrain.paint(
            &[Point::new(0, 0), Point::new(10_000, 0), Point::new(10_000, 1_000), Point::new(0, 1_000)],
            Ground::Land,
        );
        terrain
    }

    #[test]
    fn a_walker_goes_no_further_than_a_walk() {
        let terrain = island();
        let end = clamp_move(&terrain, Point::new(100, 500), Point::new(9_000, 500), false, 1_000);
        assert_eq!(end, Point::new(100 + 175, 500));
        let end = clamp_move(&terrain, Point::new(100, 500), Point::new(9_000, 500), true, 1_000);
        assert_eq!(end, Point::new(100 + 625, 500));
        // A long silence earns no more than the window.
        let end = clamp_move(&terrain, Point::new(100, 500), Point::new(9_000, 500), true, 60_000);
        assert_eq!(end, Point::new(100 + 625, 500));
    }

    #[test]
    fn nobody_walks_into_the_sea() {
        let terrain = island();
        let end = clamp_move(&terrain, Point::new(9_900, 500), Point::new(10_400, 500), true, 1_000);
        assert!(terrain.walkable(end));
        assert!(end.east_cm < 10_000 && end.east_cm >= 9_900, "{end:?}");
    }
}
