//! The vocabulary every Mangrove crate shares: identifiers, quantities whose
//! units are in their type names, calendar dates, the domain error, and the
//! journal's hashing (hash chain, RFC 9162 Merkle tree, signed tree heads).
//!
//! ```
//! use mangrove_core::{BasisPoints, Date, Tco2e};
//! let issued = Tco2e::new(4_700);
//! let buffer = issued.share_rounded_up(BasisPoints::new(1_500, "buffer").unwrap()); // 15.00 %
//! assert_eq!(buffer.get(), 705);
//! assert_eq!(Date::parse("2025-12-31").unwrap().year(), 2025);
//! ```
//!
//! This crate, like every domain crate, knows nothing of tokio, sqlx or axum.

pub mod acting;
pub mod bounds;
pub mod domain;
pub mod error;
pub mod ids;
pub mod journal;
pub mod key_chain;
pub mod merkle;
pub mod proof;
pub mod random;
pub mod signing;
pub mod tables;
pub mod units;

pub use acting::{Actor, Context, Role};
pub use error::{DomainError, DomainResult, ErrorKind};
pub use ids::*;
pub use units::{BasisPoints, Date, Tco2e};
