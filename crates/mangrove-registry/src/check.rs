//! Validation of free-form input, shared by the commands. Lengths count
//! characters, not bytes, so Thai names get the same room as English ones.

use mangrove_core::{DomainError, DomainResult};

/// Longest name of anything (organisation, project, class, beneficiary).
pub const NAME_CHARS_MAX: usize = 200;
/// Longest description, note or reason.
pub const TEXT_CHARS_MAX: usize = 4_000;
/// Largest calculation record attached to a monitoring report.
pub const CALCULATION_BYTES_MAX: usize = 256 * 1024;
/// Most vertices in a project outline.
pub const LOCATION_POINTS_MAX: usize = 2_000;
/// Largest project area: all of Rayong province is about 2.2 million rai.
pub const AREA_RAI_MAX: u32 = 10_000_000;
pub const INVENTORY_YEAR_MIN: i32 = 1990;
pub const INVENTORY_YEAR_MAX: i32 = 2100;

/// A trimmed, non-empty name of at most [`NAME_CHARS_MAX`] characters.
pub fn name(field: &'static str, text: &str) -> DomainResult<String> {
    bounded(field, text, NAME_CHARS_MAX, true)
}

/// Trimmed text of at most [`TEXT_CHARS_MAX`] characters, required or not.
pub fn text(field: &'static str, value: &str, required: bool) -> DomainResult<String> {
    bounded(field, value, TEXT_CHARS_MAX, required)
}

fn bounded(field: &'static str, text: &str, chars_max: usize, required: bool) -> DomainResult<String> {
    let trimmed = text.trim();
    if required && trimmed.is_empty() {
        return Err(DomainError::invalid(field, format!("{field} must not be empty")));
    }
    if trimmed.chars().count() > chars_max {
        return Err(DomainError::invalid(field, format!("{field} must be at most {chars_max} characters")));
    }
    if trimmed.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(DomainError::invalid(field, format!("{field} must not contain control characters")));
    }
    Ok(trimmed.to_string())
}

/// An ISO 3166-2 subdivision code such as `TH-21`.
pub fn jurisdiction(field: &'static str, code: &str) -> DomainResult<String> {
    let code = code.trim();
    let valid = match code.split_once('-') {
        Some((country, subdivision)) => {
            country.len() == 2
                && country.bytes().all(|b| b.is_ascii_uppercase())
                && (1..=3).contains(&subdivision.len())
                && subdivision.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        }
        None => false,
    };
    if !valid {
        return Err(DomainError::invalid(field, format!("'{code}' is not an ISO 3166-2 code; Rayong is TH-21")));
    }
    Ok(code.to_string())
}

/// A project outline: at least three points of valid longitude and latitude.
pub fn location(field: &'static str, points: &[[f64; 2]]) -> DomainResult<()> {
    if points.len() < 3 || points.len() > LOCATION_POINTS_MAX {
        return Err(DomainError::invalid(
            field,
            format!("an outline needs between 3 and {LOCATION_POINTS_MAX} points of [longitude, latitude]"),
        ));
    }
    for (index, [longitude, latitude]) in points.iter().enumerate() {
        let ok = longitude.is_finite()
            && latitude.is_finite()
            && (-180.0..=180.0).contains(longitude)
            && (-90.0..=90.0).contains(latitude);
        if !ok {
            return Err(DomainError::invalid(
                field,
                format!("point {} is not a [longitude, latitude] in degrees", index + 1),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_accept_thai_and_reject_empty_or_long() {
        assert_eq!(name("name", "  ป่าชายเลนปากน้ำระยอง ").unwrap(), "ป่าชายเลนปากน้ำระยอง");
        assert!(name("name", "   ").is_err());
        assert!(name("name", &"ก".repeat(NAME_CHARS_MAX)).is_ok());
        assert!(name("name", &"ก".repeat(NAME_CHARS_MAX + 1)).is_err());
        assert!(name("name", "a\u{0}b").is_err());
    }

    #[test]
    fn jurisdictions_are_iso_3166_2() {
        for good in ["TH-21", "TH-10", "GB-ENG", "US-CA"] {
            assert!(jurisdiction("j", good).is_ok(), "{good}");
        }
        for bad in ["TH", "th-21", "TH-", "TH-2100", "THA-21", "TH_21", ""] {
            assert!(jurisdiction("j", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn outlines_need_three_valid_points() {
        assert!(location("l", &[[101.2, 12.6], [101.3, 12.6], [101.3, 12.7]]).is_ok());
        assert!(location("l", &[[101.2, 12.6], [101.3, 12.6]]).is_err());
        assert!(location("l", &[[181.0, 12.6], [101.3, 12.6], [101.3, 12.7]]).is_err());
        assert!(location("l", &[[f64::NAN, 12.6], [101.3, 12.6], [101.3, 12.7]]).is_err());
    }
}
