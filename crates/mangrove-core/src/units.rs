//! Quantities with their units in the type name, and calendar dates.
//! Tonnes are whole numbers: one credit is one indivisible tonne of CO2e.

use crate::error::DomainError;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// Tonnes of CO2-equivalent; one credit each.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, utoipa::ToSchema,
)]
#[serde(transparent)]
#[schema(value_type = u64)]
pub struct Tco2e(u64);

impl Tco2e {
    pub const ZERO: Tco2e = Tco2e(0);
    /// No single command may move more than this: a bound far above any
    /// real issuance that keeps every sum of quantities far from overflow.
    pub const MAX_PER_COMMAND: u64 = crate::bounds::TCO2E_PER_COMMAND_MAX;

    pub const fn new(tonnes: u64) -> Self {
        Tco2e(tonnes)
    }
    pub const fn get(self) -> u64 {
        self.0
    }
    /// A positive quantity within the per-command bound, or an error naming `field`.
    pub fn positive(tonnes: u64, field: &'static str) -> Result<Self, DomainError> {
        if tonnes == 0 {
            return Err(DomainError::invalid(field, "the quantity must be at least 1 tCO2e"));
        }
        if tonnes > Self::MAX_PER_COMMAND {
            return Err(DomainError::invalid(
                field,
                format!("the quantity must be at most {} tCO2e", Self::MAX_PER_COMMAND),
            ));
        }
        Ok(Tco2e(tonnes))
    }
    /// `share` of this quantity, rounded up to the next whole tonne, as the
    /// buffer rule asks (a fraction of a tonne at risk is a tonne at risk).
    pub fn share_rounded_up(self, share: BasisPoints) -> Tco2e {
        let numerator = u128::from(self.0) * u128::from(share.get());
        let tonnes = numerator.div_ceil(10_000);
        Tco2e(u64::try_from(tonnes).expect("a share of a u64 fits in a u64"))
    }
    pub fn checked_sub(self, other: Tco2e) -> Option<Tco2e> {
        self.0.checked_sub(other.0).map(Tco2e)
    }
}

impl std::ops::Add for Tco2e {
    type Output = Tco2e;
    fn add(self, other: Tco2e) -> Tco2e {
        Tco2e(self.0.checked_add(other.0).expect("tonnes overflow"))
    }
}

impl std::ops::AddAssign for Tco2e {
    fn add_assign(&mut self, other: Tco2e) {
        *self = *self + other;
    }
}

impl std::ops::Sub for Tco2e {
    type Output = Tco2e;
    fn sub(self, other: Tco2e) -> Tco2e {
        Tco2e(self.0.checked_sub(other.0).expect("tonnes underflow"))
    }
}

impl std::iter::Sum for Tco2e {
    fn sum<I: Iterator<Item = Tco2e>>(iter: I) -> Tco2e {
        iter.fold(Tco2e::ZERO, |a, b| a + b)
    }
}

impl fmt::Display for Tco2e {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} tCO2e", self.0)
    }
}

/// A share in hundredths of a percent: 1500 is 15.00 %.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, utoipa::ToSchema,
)]
#[serde(transparent)]
#[schema(value_type = u32)]
pub struct BasisPoints(u32);

impl BasisPoints {
    pub const WHOLE: u32 = 10_000;
    pub fn new(value: u32, field: &'static str) -> Result<Self, DomainError> {
        if value > Self::WHOLE {
            return Err(DomainError::invalid(field, "a share must be between 0 and 10000 basis points (0–100 %)"));
        }
        Ok(BasisPoints(value))
    }
    pub const fn get(self) -> u32 {
        self.0
    }
}

/// A calendar date (no time of day), written `YYYY-MM-DD` in JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, utoipa::ToSchema)]
#[schema(value_type = String, example = "2025-12-31")]
pub struct Date(time::Date);

const DATE_FORMAT: &[time::format_description::BorrowedFormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]");

impl Date {
    pub fn parse(text: &str) -> Result<Self, String> {
        time::Date::parse(text, DATE_FORMAT).map(Date).map_err(|_| {
            let shaped = text.len() == 10
                && text.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
            if shaped {
                format!("'{text}' is not a day of the calendar")
            } else {
                format!("'{text}' is not a date of the form YYYY-MM-DD")
            }
        })
    }
    pub fn from_ymd(year: i32, month: u8, day: u8) -> Option<Self> {
        let month = time::Month::try_from(month).ok()?;
        time::Date::from_calendar_date(year, month, day).ok().map(Date)
    }
    pub fn year(self) -> i32 {
        self.0.year()
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = self.0.format(DATE_FORMAT).map_err(|_| fmt::Error)?;
        f.write_str(&text)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Date::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buffer_share_rounds_up() {
        let cases = [(4_700, 1_500, 705), (1, 1, 1), (100, 0, 0), (99, 1_000, 10), (u64::MAX, 10_000, u64::MAX)];
        for (tonnes, bps, expected) in cases {
            let share = BasisPoints::new(bps, "f").unwrap();
            assert_eq!(Tco2e::new(tonnes).share_rounded_up(share).get(), expected, "{tonnes} × {bps} bps");
        }
    }

    #[test]
    fn quantities_are_positive_and_bounded() {
        assert!(Tco2e::positive(0, "qty").is_err());
        assert!(Tco2e::positive(Tco2e::MAX_PER_COMMAND + 1, "qty").is_err());
        assert_eq!(Tco2e::positive(5, "qty").unwrap().get(), 5);
        assert!(BasisPoints::new(10_001, "b").is_err());
    }

    #[test]
    fn dates_round_trip_and_reject_nonsense() {
        let date = Date::parse("2025-02-28").unwrap();
        assert_eq!(date.to_string(), "2025-02-28");
        assert_eq!(serde_json::to_string(&date).unwrap(), "\"2025-02-28\"");
        for bad in ["2025-02-30", "2025-13-01", "25-1-1", "", "2025/01/01"] {
            assert!(Date::parse(bad).is_err(), "{bad}");
        }
    }
}
