//! The virtual Rayong as pure rules, deterministic like the other domain
//! crates: no I/O, time given as an input.
//!
//! - `frame.rs`: the local metric frame (centimetres east and north of an
//!   origin in Rayong city) and its conversion from degrees.
//! - `parcels.rs`: the parcel grid, one rai (40 m × 40 m) a parcel, with
//!   ids fixed by row and column.
//! - `terrain.rs`: what the ground is where (sea, land, river, mangrove,
//!   forest, industrial estate, city), painted from polygons, and the named
//!   places one may travel to.
//! - `map.rs`: the real province from the map assets (Natural Earth's land,
//!   and what was drawn here), with the registry's areas painted on it.
//! - `movement.rs`: walking and running reach; no walking into the sea.
//! - `interest.rs`: the interest grid and the distance tiers with
//!   hysteresis that decide who sees whom, and how often.
//! - `chat.rs`: message limits, the rate allowance, channels, mute and
//!   block.
//! - `book.rs`: `WorldBook`, what must last (appearances, reports, bans),
//!   a plugged domain journaled through the sequencer.
//! - `protocol.rs`: the presence protocol's frames as bytes (a version
//!   byte, positions in decimetres, moves as differences), described for
//!   client writers in `docs/WORLD_PROTOCOL.md`.
//! - `world.rs`: `World::tick`, inputs and a clock in, what each client
//!   must be told out.

pub mod book;
pub mod chat;
pub mod frame;
pub mod interest;
pub mod map;
pub mod movement;
pub mod parcels;
pub mod protocol;
pub mod terrain;
pub mod world;

pub use book::{Appearance, Conduct, Preset, WorldBook, WorldCommand, WorldEvent};
pub use chat::{Channel, Refusal};
pub use frame::Point;
pub use interest::Tier;
pub use parcels::ParcelId;
pub use terrain::{Ground, Place, Terrain};
pub use world::{ClientId, Input, Outgoing, Output, World};
