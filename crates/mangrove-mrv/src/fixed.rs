//! Fixed-point numbers. Decimals are read from text into integer millionths
//! (`Micro`), emissions are whole grams of CO2e (`Co2e`), and the products
//! between them are carried as an exact fraction (`Ratio`) and rounded once,
//! at the end, so no float ever reaches a total.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// Millionths in one.
pub const MICRO: i64 = 1_000_000;

/// A decimal with six places, held as a count of millionths: `0.4999` is
/// 499_900. Six places hold every published factor exactly, and a gram is a
/// millionth of a tonne, so tonnes in `Micro` are grams.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Micro(i64);

impl Micro {
    pub const ZERO: Micro = Micro(0);
    /// The largest whole part accepted from text: keeps every product of a few
    /// such numbers inside an `i128`.
    pub const WHOLE_DIGITS_MAX: usize = 12;

    pub const fn from_millionths(millionths: i64) -> Self {
        Micro(millionths)
    }
    pub const fn from_int(whole: i64) -> Self {
        Micro(whole * MICRO)
    }
    pub const fn millionths(self) -> i64 {
        self.0
    }
    pub fn is_negative(self) -> bool {
        self.0 < 0
    }
    pub(crate) fn ratio(self) -> Ratio {
        Ratio::new(i128::from(self.0), i128::from(MICRO))
    }

    /// Reads `-12.5`, `0.4999`, `56100`: digits, at most one point and six
    /// places. Exponents and thousands separators are refused rather than
    /// guessed at (is `1,234` a thousand or a decimal comma?).
    pub fn parse(text: &str) -> Result<Micro, String> {
        let trimmed = text.trim();
        let (negative, unsigned) = match trimmed.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, trimmed),
        };
        let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() || !digits(whole) || !digits(fraction) || (unsigned.contains('.') && fraction.is_empty()) {
            return Err(format!("'{trimmed}' is not a number (write it like 1234.5, without separators)"));
        }
        if fraction.len() > 6 {
            return Err(format!("'{trimmed}' has more than 6 decimal places"));
        }
        if whole.trim_start_matches('0').len() > Self::WHOLE_DIGITS_MAX {
            return Err(format!("'{trimmed}' is too large"));
        }
        let whole: i64 = whole.parse().map_err(|_| format!("'{trimmed}' is too large"))?;
        let fraction_millionths: i64 = format!("{fraction:0<6}").parse().expect("six ASCII digits");
        let magnitude = whole * MICRO + fraction_millionths;
        Ok(Micro(if negative { -magnitude } else { magnitude }))
    }
}

impl fmt::Display for Micro {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&decimal_text(i128::from(self.0), 6))
    }
}

impl Serialize for Micro {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Micro {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Micro::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// `value` / 10^places as exact decimal text, trailing zeros dropped.
pub fn decimal_text(value: i128, places: u32) -> String {
    let scale = 10i128.pow(places);
    let sign = if value < 0 { "-" } else { "" };
    let magnitude = value.unsigned_abs();
    let whole = magnitude / scale.unsigned_abs();
    let fraction = magnitude % scale.unsigned_abs();
    if fraction == 0 {
        return format!("{sign}{whole}");
    }
    let fraction = format!("{fraction:0>width$}", width = places as usize);
    format!("{sign}{whole}.{}", fraction.trim_end_matches('0'))
}

/// An amount of CO2-equivalent in whole grams. Signed, because a forest can
/// lose carbon. Shown in tonnes as exact decimal text (`4700.123456 tCO2e`)
/// and serialised as a JSON number of tonnes with at most six decimals.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Co2e(i64);

impl Co2e {
    pub const ZERO: Co2e = Co2e(0);

    pub const fn from_grams(grams: i64) -> Self {
        Co2e(grams)
    }
    pub const fn grams(self) -> i64 {
        self.0
    }
    /// Tonnes given as a decimal: a millionth of a tonne is a gram.
    pub const fn from_tonnes(tonnes: Micro) -> Self {
        Co2e(tonnes.millionths())
    }
    pub const fn from_whole_tonnes(tonnes: i64) -> Self {
        Co2e(tonnes * MICRO)
    }
    /// Whole tonnes, rounded down: what may be credited.
    pub fn tonnes_floor(self) -> i64 {
        self.0.div_euclid(MICRO)
    }
    /// Whole tonnes, rounded up: what must be held back.
    pub fn tonnes_ceil(self) -> i64 {
        -(-self.0).div_euclid(MICRO)
    }
    pub fn checked_add(self, other: Co2e) -> Option<Co2e> {
        self.0.checked_add(other.0).map(Co2e)
    }
    pub fn checked_sub(self, other: Co2e) -> Option<Co2e> {
        self.0.checked_sub(other.0).map(Co2e)
    }
    pub fn saturating_sub(self, other: Co2e) -> Co2e {
        Co2e(self.0.saturating_sub(other.0))
    }
}

impl std::ops::Add for Co2e {
    type Output = Co2e;
    fn add(self, other: Co2e) -> Co2e {
        Co2e(self.0.checked_add(other.0).expect("grams of CO2e overflow"))
    }
}

impl std::ops::AddAssign for Co2e {
    fn add_assign(&mut self, other: Co2e) {
        *self = *self + other;
    }
}

impl std::ops::Sub for Co2e {
    type Output = Co2e;
    fn sub(self, other: Co2e) -> Co2e {
        Co2e(self.0.checked_sub(other.0).expect("grams of CO2e overflow"))
    }
}

impl std::iter::Sum for Co2e {
    fn sum<I: Iterator<Item = Co2e>>(iter: I) -> Co2e {
        iter.fold(Co2e::ZERO, |a, b| a + b)
    }
}

impl fmt::Display for Co2e {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} tCO2e", decimal_text(i128::from(self.0), 6))
    }
}

/// In JSON, tonnes are a number (what a reader's tools compare and sum);
/// grams up to 2^53 convert to the nearest double exactly enough that the
/// six decimals printed are the gram-exact figure.
impl Serialize for Co2e {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let tonnes: f64 = decimal_text(i128::from(self.0), 6).parse().map_err(serde::ser::Error::custom)?;
        serializer.serialize_f64(tonnes)
    }
}

/// An exact fraction for chaining quantity × conversion × factor × GWP
/// without rounding in between. Every operation is checked: an overflow is
/// an answer ("too large"), never a wrong number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Ratio {
    num: i128,
    den: i128,
}

fn gcd(a: i128, b: i128) -> i128 {
    let (mut a, mut b) = (a.abs(), b.abs());
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a.max(1)
}

impl Ratio {
    pub(crate) fn new(num: i128, den: i128) -> Ratio {
        assert!(den != 0, "a ratio with a zero denominator");
        let sign = if den < 0 { -1 } else { 1 };
        let g = gcd(num, den);
        Ratio { num: sign * num / g, den: sign * den / g }
    }
    pub(crate) fn int(value: i128) -> Ratio {
        Ratio { num: value, den: 1 }
    }
    pub(crate) fn mul(self, other: Ratio) -> Option<Ratio> {
        let g1 = gcd(self.num, other.den);
        let g2 = gcd(other.num, self.den);
        let num = (self.num / g1).checked_mul(other.num / g2)?;
        let den = (self.den / g2).checked_mul(other.den / g1)?;
        Some(Ratio::new(num, den))
    }
    pub(crate) fn div(self, other: Ratio) -> Option<Ratio> {
        if other.num == 0 {
            return None;
        }
        self.mul(Ratio::new(other.den, other.num))
    }
    pub(crate) fn sub(self, other: Ratio) -> Option<Ratio> {
        let den = self.den.checked_mul(other.den)?;
        let num = self.num.checked_mul(other.den)?.checked_sub(other.num.checked_mul(self.den)?)?;
        Some(Ratio::new(num, den))
    }
    /// To the nearest integer, halves away from zero.
    pub(crate) fn round(self) -> i128 {
        let twice = self.num.checked_mul(2).expect("ratio numerator fits twice");
        let rounded = (twice.abs() + self.den) / (2 * self.den);
        if self.num < 0 {
            -rounded
        } else {
            rounded
        }
    }
    pub(crate) fn ceil(self) -> i128 {
        -(-self.num).div_euclid(self.den)
    }
    /// Rounded to whole grams (or whatever unit the ratio is in), if it fits an `i64`.
    pub(crate) fn round_i64(self) -> Option<i64> {
        i64::try_from(self.round()).ok()
    }
}

/// A calendar month, `YYYY-MM`: the period of one activity line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    year: i32,
    month: u8,
}

impl Month {
    pub fn new(year: i32, month: u8) -> Option<Month> {
        ((1000..=9999).contains(&year) && (1..=12).contains(&month)).then_some(Month { year, month })
    }
    pub fn parse(text: &str) -> Result<Month, String> {
        let text = text.trim();
        let shaped = text.len() == 7
            && text.bytes().enumerate().all(|(i, b)| if i == 4 { b == b'-' } else { b.is_ascii_digit() });
        let month = shaped.then(|| Month::new(text[..4].parse().ok()?, text[5..].parse().ok()?)).flatten();
        month.ok_or_else(|| format!("'{text}' is not a month of the form YYYY-MM"))
    }
    pub fn year(self) -> i32 {
        self.year
    }
    pub fn month(self) -> u8 {
        self.month
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl Serialize for Month {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Month {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Month::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// The API's description of a value that serialises as text or a number.
fn described(
    kind: utoipa::openapi::schema::Type,
    description: &str,
) -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    utoipa::openapi::ObjectBuilder::new().schema_type(kind).description(Some(description)).into()
}

impl utoipa::PartialSchema for Micro {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        described(utoipa::openapi::schema::Type::String, "a decimal with up to six places, exact, e.g. \"2.681000\"")
    }
}
impl utoipa::ToSchema for Micro {}

impl utoipa::PartialSchema for Co2e {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        described(utoipa::openapi::schema::Type::Number, "tonnes of CO2 equivalent, to the gram (six decimal places)")
    }
}
impl utoipa::ToSchema for Co2e {}

impl utoipa::PartialSchema for Month {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        described(utoipa::openapi::schema::Type::String, "a calendar month, YYYY-MM")
    }
}
impl utoipa::ToSchema for Month {}

impl utoipa::PartialSchema for crate::Scope {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        described(utoipa::openapi::schema::Type::Integer, "GHG Protocol scope: 1, 2 or 3")
    }
}
impl utoipa::ToSchema for crate::Scope {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_parse_exactly_or_say_why_not() {
        let good =
            [("0.4999", 499_900), ("56100", 56_100_000_000), ("-12.5", -12_500_000), ("0.000001", 1), ("7", 7_000_000)];
        for (text, millionths) in good {
            assert_eq!(Micro::parse(text), Ok(Micro::from_millionths(millionths)), "{text}");
        }
        let bad = ["", "abc", "1,234", "1e3", "1.", ".5", "1.0000001", "--1", "1.2.3", "9999999999999", " - 1"];
        for text in bad {
            assert!(Micro::parse(text).is_err(), "{text}");
        }
    }

    #[test]
    fn decimals_print_back_exactly() {
        for text in ["0.4999", "56100", "-12.5", "0.000001", "0", "27.9"] {
            assert_eq!(Micro::parse(text).unwrap().to_string(), text);
        }
        assert_eq!(Co2e::from_grams(4_700_123_456).to_string(), "4700.123456 tCO2e");
        assert_eq!(serde_json::to_string(&Co2e::from_grams(-1_500_000)).unwrap(), "-1.5");
        assert_eq!(serde_json::to_string(&Co2e::from_grams(4_700_123_456)).unwrap(), "4700.123456");
    }

    #[test]
    fn tonnes_round_down_for_credits_and_up_for_holdbacks() {
        let cases = [(2_500_000, 2, 3), (3_000_000, 3, 3), (-1, -1, 0), (0, 0, 0), (999_999, 0, 1)];
        for (grams, floor, ceil) in cases {
            let amount = Co2e::from_grams(grams);
            assert_eq!((amount.tonnes_floor(), amount.tonnes_ceil()), (floor, ceil), "{grams} g");
        }
    }

    #[test]
    fn ratios_round_once_and_refuse_overflow() {
        let third = Ratio::new(1, 3);
        assert_eq!(third.mul(Ratio::int(3)), Some(Ratio::int(1)));
        assert_eq!(Ratio::new(5, 2).round(), 3);
        assert_eq!(Ratio::new(-5, 2).round(), -3);
        assert_eq!(Ratio::new(7, 3).ceil(), 3);
        assert_eq!(Ratio::new(-7, 3).ceil(), -2);
        assert!(Ratio::int(i128::MAX / 2).mul(Ratio::int(3)).is_none());
        assert_eq!(Ratio::new(1, 2).sub(Ratio::new(1, 3)), Some(Ratio::new(1, 6)));
    }

    #[test]
    fn months_are_yyyy_mm() {
        assert_eq!(Month::parse("2025-03").unwrap().to_string(), "2025-03");
        for bad in ["2025-13", "2025-00", "2025-3", "25-03", "2025/03", "", "2025-03-01"] {
            assert!(Month::parse(bad).is_err(), "{bad}");
        }
    }
}
