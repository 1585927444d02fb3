//! The T-VER uncertainty rule: U is the 90% confidence half-width of the plot
//! densities as a share of their mean (Student's t, since surveys have few
//! plots), and a share of U × the estimate is deducted, by band of U.
//! Computed in integers: U² = t² (nΣx² − S²) / ((n − 1) S²), with S = Σx, so
//! neither a square root nor a float comes before the final rounding up.

use crate::fixed::{decimal_text, Micro, Ratio};
use serde::Serialize;

/// Student's t for a two-sided 90% interval (the 0.95 quantile), in
/// thousandths, by degrees of freedom. Between rows the smaller df's value is
/// used: a wider interval, so never a smaller deduction.
const STUDENT_T_90_MILLI: [(u64, u64); 33] = [
    (1, 6_314),
    (2, 2_920),
    (3, 2_353),
    (4, 2_132),
    (5, 2_015),
    (6, 1_943),
    (7, 1_895),
    (8, 1_860),
    (9, 1_833),
    (10, 1_812),
    (11, 1_796),
    (12, 1_782),
    (13, 1_771),
    (14, 1_761),
    (15, 1_753),
    (16, 1_746),
    (17, 1_740),
    (18, 1_734),
    (19, 1_729),
    (20, 1_725),
    (21, 1_721),
    (22, 1_717),
    (23, 1_714),
    (24, 1_711),
    (25, 1_708),
    (26, 1_706),
    (27, 1_703),
    (28, 1_701),
    (29, 1_699),
    (30, 1_697),
    (40, 1_684),
    (60, 1_671),
    (120, 1_658),
];
/// The normal quantile, used beyond 120 degrees of freedom.
const NORMAL_90_MILLI: u64 = 1_645;

/// Deduction rate by U, both in basis points: up to 10% none; to 15% a
/// quarter; to 20% half; to 30% three quarters; above, all of U × estimate.
pub const DEDUCTION_BANDS_BPS: [(u64, u32); 4] = [(1_000, 0), (1_500, 2_500), (2_000, 5_000), (3_000, 7_500)];

pub fn student_t_90_milli(degrees_of_freedom: u64) -> u64 {
    if degrees_of_freedom > 120 {
        return NORMAL_90_MILLI;
    }
    STUDENT_T_90_MILLI.iter().rev().find(|(df, _)| *df <= degrees_of_freedom).map_or(u64::MAX, |(_, t)| *t)
}

pub fn deduction_rate_bps(u_bps: u64) -> u32 {
    DEDUCTION_BANDS_BPS.iter().find(|(max, _)| u_bps <= *max).map_or(10_000, |(_, rate)| *rate)
}

/// The uncertainty of a survey's mean density, with the figures behind it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Uncertainty {
    pub plots: u64,
    pub mean_density_t_per_ha: String,
    pub standard_deviation_t_per_ha: String,
    pub student_t: Micro,
    pub half_width_t_per_ha: String,
    /// U, rounded up to a whole basis point.
    pub u_bps: u64,
    pub deduction_rate_bps: u32,
}

/// The uncertainty of plot densities given in mg/m², or `None` with fewer
/// than two plots (no spread can be estimated from one).
pub fn uncertainty(densities_mg_per_m2: &[i64]) -> Option<Uncertainty> {
    let n = u128::try_from(densities_mg_per_m2.len()).ok()?;
    if n < 2 {
        return None;
    }
    let sum: i128 = densities_mg_per_m2.iter().map(|&x| i128::from(x)).sum();
    let sum_squares: i128 = densities_mg_per_m2.iter().map(|&x| i128::from(x) * i128::from(x)).sum();
    let spread = u128::try_from(n as i128 * sum_squares - sum * sum).expect("n Σx² ≥ (Σx)²");
    let t = u128::from(student_t_90_milli(u64::try_from(n - 1).ok()?));
    let u_bps = if sum <= 0 {
        // Nothing grows on these plots: no estimate, so nothing is certain about it.
        10_000
    } else {
        let sum = sum.unsigned_abs();
        ceil_sqrt(100 * t * t * spread, (n - 1) * sum * sum)
    };
    let variance = spread / (n * (n - 1));
    let half_width_milli = (t * t * spread / (n * n * (n - 1))).isqrt();
    let mg = |value: u128| decimal_text(i128::try_from(value).unwrap_or(i128::MAX), 5);
    let u_bps = u64::try_from(u_bps).unwrap_or(u64::MAX);
    Some(Uncertainty {
        plots: n as u64,
        mean_density_t_per_ha: decimal_text(Ratio::new(sum, n as i128).round(), 5),
        standard_deviation_t_per_ha: mg(variance.isqrt()),
        student_t: Micro::from_millionths(i64::try_from(t).ok()? * 1_000),
        half_width_t_per_ha: mg(half_width_milli / 1_000),
        u_bps,
        deduction_rate_bps: deduction_rate_bps(u_bps),
    })
}

/// The smallest u with u² ≥ num / den.
fn ceil_sqrt(num: u128, den: u128) -> u128 {
    let mut u = (num / den).isqrt();
    while u * u * den < num {
        u += 1;
    }
    u
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn u_by_hand_for_four_plots() {
        // Densities 10, 12, 14, 16 (any unit): mean 13; Σ(x − 13)² = 9 + 1 + 1 + 9 = 20;
        // s² = 20/3, s = 2.58199; t(3 df) = 2.353; half-width = 2.353 × 2.58199 / 2 = 3.03771;
        // U = 3.03771 / 13 = 23.367 % → 2337 bps rounded up; band ≤ 30 % → 75 % deduction.
        let u = uncertainty(&[10, 12, 14, 16]).unwrap();
        assert_eq!(u.u_bps, 2_337);
        assert_eq!(u.deduction_rate_bps, 7_500);
        assert_eq!(u.student_t.to_string(), "2.353");
    }

    #[test]
    fn bands_and_edges() {
        let cases =
            [(0, 0), (1_000, 0), (1_001, 2_500), (1_500, 2_500), (2_000, 5_000), (3_000, 7_500), (3_001, 10_000)];
        for (u, rate) in cases {
            assert_eq!(deduction_rate_bps(u), rate, "U {u} bps");
        }
        assert_eq!(student_t_90_milli(35), 1_697, "between rows, the wider interval");
        assert_eq!(student_t_90_milli(500), 1_645);
        assert!(uncertainty(&[5]).is_none());
        assert_eq!(uncertainty(&[7, 7, 7]).unwrap().u_bps, 0);
        assert_eq!(uncertainty(&[0, 0]).unwrap().u_bps, 10_000);
    }

    #[test]
    fn ceil_sqrt_rounds_up() {
        assert_eq!(ceil_sqrt(16, 1), 4);
        assert_eq!(ceil_sqrt(17, 1), 5);
        assert_eq!(ceil_sqrt(1, 4), 1);
        assert_eq!(ceil_sqrt(0, 3), 0);
    }
}
