//! Errors about the lines of a file a person handed in: each names the line,
//! the column and what is wrong, so a server can return them as they are and
//! a person can fix the file in one pass.

use mangrove_core::DomainError;
use serde::Serialize;
use std::collections::BTreeSet;
use std::fmt;

/// What is wrong with a line, stable for machines (a client can translate it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Problem {
    /// The header is missing a column, repeats one, or has one we do not know.
    Header,
    /// The file has a header but no data rows.
    Empty,
    /// The file has more data rows than `LINES_MAX`.
    TooManyLines,
    /// The line has the wrong number of fields.
    Malformed,
    /// A value that should be a number is not one.
    NotANumber,
    /// A number outside its allowed range (negative, zero, implausibly large).
    OutOfRange,
    /// A month that is not `YYYY-MM`.
    BadMonth,
    /// An activity the factor table does not know.
    UnknownActivity,
    /// A unit we do not know.
    UnknownUnit,
    /// A unit of the wrong kind for the activity (diesel in kWh).
    WrongUnit,
    /// A species without a wood density in the table.
    UnknownSpecies,
    /// The line disagrees with an earlier line (a plot with two areas).
    Inconsistent,
    /// No factor applies to this activity in this year, for this method.
    NoFactor,
    /// The line's month is not in the inventory's year.
    OutsideYear,
}

/// One thing wrong with one line. Line numbers count from 1, the header
/// included, as an editor shows them; 0 means the file as a whole (a total too large).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LineError {
    pub line: u64,
    /// The column's header name, when the problem is in one field.
    pub column: Option<&'static str>,
    pub problem: Problem,
    pub message: String,
}

impl LineError {
    pub fn new(line: u64, column: Option<&'static str>, problem: Problem, message: impl Into<String>) -> Self {
        LineError { line, column, problem, message: message.into() }
    }
}

impl fmt::Display for LineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.column {
            Some(column) => write!(f, "line {}, column {column}: {}", self.line, self.message),
            None => write!(f, "line {}: {}", self.line, self.message),
        }
    }
}

/// Every problem found in a file. A file with any problem is refused whole:
/// half an inventory is a wrong inventory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
pub struct DataErrors {
    pub errors: Vec<LineError>,
}

impl DataErrors {
    /// How many problems `Display` lists before summarising the rest.
    pub const DISPLAYED_MAX: usize = 20;

    pub fn one(error: LineError) -> Self {
        DataErrors { errors: vec![error] }
    }
    /// The distinct lines named.
    pub fn lines(&self) -> BTreeSet<u64> {
        self.errors.iter().map(|e| e.line).collect()
    }
    /// The same, as the domain error the server maps to 422; the message lists the lines.
    pub fn to_domain_error(&self, field: &'static str) -> DomainError {
        DomainError::invalid(field, self.to_string())
    }
}

impl fmt::Display for DataErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lines = self.lines().len();
        write!(f, "{} problem(s) on {} line(s); nothing was imported", self.errors.len(), lines)?;
        for error in self.errors.iter().take(Self::DISPLAYED_MAX) {
            write!(f, "\n  {error}")?;
        }
        if self.errors.len() > Self::DISPLAYED_MAX {
            write!(f, "\n  ... and {} more", self.errors.len() - Self::DISPLAYED_MAX)?;
        }
        Ok(())
    }
}
