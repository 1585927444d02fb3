//! The one error type of the domain crates: a stable machine-readable kind,
//! the field it is about (so a form can show it beside that field), and a
//! sentence a person can act on.

use serde::Serialize;

/// Why a command was refused. The HTTP layer maps each kind to a status code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ErrorKind {
    /// The input is malformed or out of range.
    Invalid,
    /// The thing named does not exist.
    NotFound,
    /// The actor may not do this.
    Forbidden,
    /// The command is well-formed but the state does not allow it now.
    Conflict,
    /// Not enough credits, or credits in the wrong state.
    Insufficient,
}

impl ErrorKind {
    pub fn code(self) -> &'static str {
        match self {
            ErrorKind::Invalid => "invalid",
            ErrorKind::NotFound => "not_found",
            ErrorKind::Forbidden => "forbidden",
            ErrorKind::Conflict => "conflict",
            ErrorKind::Insufficient => "insufficient",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct DomainError {
    pub kind: ErrorKind,
    /// The input field the error is about, in the request's own naming.
    pub field: Option<&'static str>,
    pub message: String,
}

impl DomainError {
    pub fn new(kind: ErrorKind, field: Option<&'static str>, message: impl Into<String>) -> Self {
        DomainError { kind, field, message: message.into() }
    }
    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Invalid, Some(field), message)
    }
    pub fn not_found(field: &'static str, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::NotFound, Some(field), message)
    }
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Forbidden, None, message)
    }
    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Conflict, None, message)
    }
    pub fn insufficient(field: &'static str, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Insufficient, Some(field), message)
    }
}

pub type DomainResult<T> = Result<T, DomainError>;
