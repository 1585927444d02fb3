//! A factory's target: a base year and its emissions, a percentage reduction
//! by a target year, and a net-zero year. The trajectory is a straight line
//! from the base year to the target, then another to zero; progress compares
//! a year's inventory with it, and net emissions take away the credits
//! retired against that year. Integers throughout.

use crate::fixed::{Co2e, Ratio};
use mangrove_core::{BasisPoints, DomainError, Tco2e};
use serde::Serialize;

/// The longest span from base year to net zero a target may have.
pub const TARGET_YEARS_MAX: i32 = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Target {
    pub base_year: i32,
    pub base_tco2e: Co2e,
    pub target_year: i32,
    /// The reduction from the base year by the target year.
    pub reduction: BasisPoints,
    pub net_zero_year: i32,
}

/// Where a year's emissions stand against the trajectory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Progress {
    pub year: i32,
    pub allowed_tco2e: Co2e,
    pub actual_tco2e: Co2e,
    /// Actual minus allowed: above zero is over the trajectory.
    pub over_tco2e: Co2e,
    pub on_track: bool,
    /// The reduction from the base year achieved, in basis points (negative if emissions grew).
    pub reduction_from_base_bps: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct TrajectoryPoint {
    pub year: i32,
    pub allowed_tco2e: Co2e,
}

impl Target {
    pub fn new(
        base_year: i32,
        base_tco2e: Co2e,
        target_year: i32,
        reduction: BasisPoints,
        net_zero_year: i32,
    ) -> Result<Target, DomainError> {
        if base_tco2e < Co2e::ZERO {
            return Err(DomainError::invalid("base_tco2e", "base-year emissions cannot be negative"));
        }
        if target_year <= base_year {
            return Err(DomainError::invalid("target_year", "the target year must come after the base year"));
        }
        if net_zero_year <= target_year {
            return Err(DomainError::invalid("net_zero_year", "the net-zero year must come after the target year"));
        }
        if net_zero_year - base_year > TARGET_YEARS_MAX {
            let message = format!("net zero must come within {TARGET_YEARS_MAX} years of the base year");
            return Err(DomainError::invalid("net_zero_year", message));
        }
        Ok(Target { base_year, base_tco2e, target_year, reduction, net_zero_year })
    }

    /// The emissions the trajectory allows in the target year.
    pub fn target_tco2e(&self) -> Co2e {
        let kept = Ratio::new(i128::from(BasisPoints::WHOLE - self.reduction.get()), i128::from(BasisPoints::WHOLE));
        Co2e::from_grams(scaled(self.base_tco2e, kept))
    }

    /// The emissions allowed in `year`: the base before the base year, zero from net zero on.
    pub fn allowed(&self, year: i32) -> Co2e {
        let target = self.target_tco2e();
        let (from_year, from, to_year, to) = if year <= self.base_year {
            return self.base_tco2e;
        } else if year <= self.target_year {
            (self.base_year, self.base_tco2e, self.target_year, target)
        } else if year < self.net_zero_year {
            (self.target_year, target, self.net_zero_year, Co2e::ZERO)
        } else {
            return Co2e::ZERO;
        };
        // from − (from − to) × elapsed / span, rounded once.
        let drop = Ratio::new(i128::from(year - from_year), i128::from(to_year - from_year));
        Co2e::from_grams(from.grams() - scaled(from - to, drop))
    }

    /// Every year from the base year to net zero.
    pub fn trajectory(&self) -> Vec<TrajectoryPoint> {
        (self.base_year..=self.net_zero_year)
            .map(|year| TrajectoryPoint { year, allowed_tco2e: self.allowed(year) })
            .collect()
    }

    pub fn progress(&self, year: i32, actual: Co2e) -> Progress {
        let allowed = self.allowed(year);
        let (base, actual_grams) = (i128::from(self.base_tco2e.grams()), i128::from(actual.grams()));
        let reduction_from_base_bps = if base == 0 {
            0
        } else {
            let change = Ratio::new((base - actual_grams) * 10_000, base).round();
            i64::try_from(change).unwrap_or(if change < 0 { i64::MIN } else { i64::MAX })
        };
        Progress {
            year,
            allowed_tco2e: allowed,
            actual_tco2e: actual,
            over_tco2e: actual.saturating_sub(allowed),
            on_track: actual <= allowed,
            reduction_from_base_bps,
        }
    }
}

/// `amount` × `share`, to the nearest gram; the shares used here are at most 1, so it fits.
fn scaled(amount: Co2e, share: Ratio) -> i64 {
    let product = Ratio::int(i128::from(amount.grams())).mul(share).expect("a share of grams fits");
    product.round_i64().expect("a share of at most 1 fits")
}

/// A year's emissions less the credits retired against that year. It can go
/// below zero if more was retired than emitted; the caller decides whether to
/// allow that. Saturates at the range of `Co2e` (±9.2 × 10^12 t).
pub fn net_emissions(inventory: Co2e, retired: Tco2e) -> Co2e {
    let retired_grams = i64::try_from(retired.get()).ok().and_then(|t| t.checked_mul(1_000_000)).unwrap_or(i64::MAX);
    inventory.saturating_sub(Co2e::from_grams(retired_grams))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target() -> Target {
        // Base 2020: 100,000 t; 40 % less by 2030 (60,000 t); net zero 2050.
        let reduction = BasisPoints::new(4_000, "reduction").unwrap();
        Target::new(2020, Co2e::from_whole_tonnes(100_000), 2030, reduction, 2050).unwrap()
    }

    #[test]
    fn the_trajectory_is_two_straight_lines() {
        // By hand: 2025 is halfway to 2030: 100,000 − 40,000 × 5/10 = 80,000 t.
        // 2040 is halfway from 2030 to 2050: 60,000 × 10/20 = 30,000 t.
        // 2023: 100,000 − 40,000 × 3/10 = 88,000 t; 2031: 60,000 − 60,000/20 = 57,000 t.
        let t = target();
        let cases = [
            (2015, 100_000),
            (2020, 100_000),
            (2023, 88_000),
            (2025, 80_000),
            (2030, 60_000),
            (2031, 57_000),
            (2040, 30_000),
            (2050, 0),
            (2060, 0),
        ];
        for (year, tonnes) in cases {
            assert_eq!(t.allowed(year), Co2e::from_whole_tonnes(tonnes), "{year}");
        }
        let trajectory = t.trajectory();
        assert_eq!(trajectory.len(), 31);
        assert!(trajectory.windows(2).all(|w| w[1].allowed_tco2e <= w[0].allowed_tco2e), "never rises");
    }

    #[test]
    fn progress_and_net_emissions() {
        let t = target();
        let progress = t.progress(2025, Co2e::from_whole_tonnes(82_000));
        assert!(!progress.on_track);
        assert_eq!(progress.over_tco2e, Co2e::from_whole_tonnes(2_000));
        assert_eq!(progress.reduction_from_base_bps, 1_800);
        let net = net_emissions(Co2e::from_whole_tonnes(82_000), Tco2e::new(2_500));
        assert_eq!(net, Co2e::from_whole_tonnes(79_500));
        assert!(t.progress(2025, net).on_track);
    }

    #[test]
    fn years_must_be_in_order() {
        let r = BasisPoints::new(5_000, "r").unwrap();
        let base = Co2e::from_whole_tonnes(1);
        assert!(Target::new(2020, base, 2020, r, 2050).is_err());
        assert!(Target::new(2020, base, 2030, r, 2030).is_err());
        assert!(Target::new(2020, base, 2030, r, 2200).is_err());
        assert!(Target::new(2020, Co2e::from_grams(-1), 2030, r, 2050).is_err());
    }
}
