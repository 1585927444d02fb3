//! The query layer: reads of the state, and who may see what, so that HTTP
//! handlers only translate. `market.rs`: the exchange's; `registry.rs`: the
//! registry's; `factories.rs`: the factory book's; `dashboard.rs`: the
//! province's figures; `world.rs`: what the virtual city shows (its map and
//! live facts).

mod dashboard;
mod factories;
mod market;
mod registry;
mod world;

pub use dashboard::*;
pub use factories::*;
pub use market::*;
pub use registry::*;
pub use world::*;
