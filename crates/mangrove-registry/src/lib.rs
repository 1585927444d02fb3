//! The carbon-unit registry as a pure state machine: credit classes,
//! projects and their lifecycle, monitoring reports, issuance in serial
//! blocks, transfers, escrow holds, retirements, cancellations and the
//! buffer pool. No I/O, no clock: time comes in through [`Context`].
//!
//! ```
//! use mangrove_core::Date;
//! use mangrove_registry::*;
//!
//! let mut registry = Registry::new();
//! let mut dirty = Dirty::default();
//! let context = Context { actor: Actor::System, now_ms: 0, today: Date::parse("2026-01-01").unwrap() };
//! let create = Command::CreateOrganisation { name: "Rayong City".into(), role: Role::Operator };
//! let events = registry.execute(&context, &create, &mut dirty).unwrap();
//! assert_eq!(events.len(), 2); // the operator and its buffer pool
//! registry.check_invariants().unwrap();
//! ```
//!
//! Commands are decided against the state (`decide`, read-only) and their
//! events applied (`apply`, infallible); replaying the events of the
//! journal rebuilds the same state.

pub mod check;
mod command;
mod decide;
mod invariants;
mod model;
pub mod serial;
mod state;

pub use command::*;
pub use mangrove_core::acting::{Actor, Context, Role};
pub use model::*;
pub use serial::Serial;
pub use state::{BlockKey, Dirty, Registry};
