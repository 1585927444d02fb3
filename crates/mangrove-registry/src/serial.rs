//! Serial numbers a person can read and a program can parse:
//! `TH-RYG-<project>-<vintage year>-<batch>-<first>-<last>`, e.g.
//! `TH-RYG-0001-2025-0003-1-3995`. Unit numbers count from 1 within their
//! batch, and batch numbers are unique in the registry, so two serials
//! name the same tonne only if their batches and ranges overlap.

use crate::model::UnitRange;
use mangrove_core::{BatchId, ProjectId};
use std::fmt;

/// The programme prefix: Thailand, Rayong (ISO 3166-2 TH-21).
pub const SERIAL_PREFIX: &str = "TH-RYG";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Serial {
    pub project: ProjectId,
    pub vintage_year: i32,
    pub batch: BatchId,
    pub range: UnitRange,
}

impl fmt::Display for Serial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{SERIAL_PREFIX}-{:04}-{}-{:04}-{}-{}",
            self.project.get(),
            self.vintage_year,
            self.batch.get(),
            self.range.first,
            self.range.last
        )
    }
}

impl Serial {
    /// Parses a serial; also accepts a single unit (`...-<batch>-<unit>`).
    pub fn parse(text: &str) -> Result<Serial, String> {
        let rest =
            text.trim().strip_prefix(SERIAL_PREFIX).and_then(|rest| rest.strip_prefix('-')).ok_or_else(|| {
                format!("a serial starts with {SERIAL_PREFIX}-, e.g. {SERIAL_PREFIX}-0001-2025-0001-1-100")
            })?;
        let parts: Vec<&str> = rest.split('-').collect();
        if parts.len() != 4 && parts.len() != 5 {
            return Err(format!(
                "a serial has the form {SERIAL_PREFIX}-<project>-<vintage year>-<batch>-<first>-<last>"
            ));
        }
        let number = |index: usize, what: &str| -> Result<u64, String> {
            let part = parts[index];
            if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
                return Err(format!("the {what} in a serial must be a number, not '{part}'"));
            }
            part.parse::<u64>().map_err(|_| format!("the {what} '{part}' is too large"))
        };
        let project = ProjectId(number(0, "project number")?);
        let vintage_year =
            i32::try_from(number(1, "vintage year")?).map_err(|_| "the vintage year is too large".to_string())?;
        let batch = BatchId(number(2, "batch number")?);
        let first = number(3, "first unit")?;
        let last = if parts.len() == 5 { number(4, "last unit")? } else { first };
        if first == 0 || last < first {
            return Err("the unit range of a serial must start at 1 or more and not end before it starts".into());
        }
        Ok(Serial { project, vintage_year, batch, range: UnitRange { first, last } })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serials_round_trip() {
        let serial = Serial {
            project: ProjectId(1),
            vintage_year: 2025,
            batch: BatchId(3),
            range: UnitRange { first: 1, last: 3995 },
        };
        assert_eq!(serial.to_string(), "TH-RYG-0001-2025-0003-1-3995");
        assert_eq!(Serial::parse("TH-RYG-0001-2025-0003-1-3995").unwrap(), serial);
        assert_eq!(Serial::parse("TH-RYG-12345-2025-10000-7").unwrap().range, UnitRange { first: 7, last: 7 });
    }

    #[test]
    fn malformed_serials_say_why() {
        let cases = [
            ("", "starts with"),
            ("XX-RYG-0001-2025-0001-1-2", "starts with"),
            ("TH-RYG-0001-2025", "has the form"),
            ("TH-RYG-0001-2025-0001-x-2", "first unit"),
            ("TH-RYG-0001-2025-0001-5-2", "not end before"),
            ("TH-RYG-0001-2025-0001-0-2", "start at 1"),
            ("TH-RYG-0001-2025-0001-1-99999999999999999999", "too large"),
            ("TH-RYG-0001-2025-0001--1-2", "has the form"),
        ];
        for (text, expected) in cases {
            let error = Serial::parse(text).unwrap_err();
            assert!(error.contains(expected), "{text}: {error}");
        }
    }
}
