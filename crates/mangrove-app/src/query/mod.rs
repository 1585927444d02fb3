//! The query layer: reads of the state, and who may see what, so that HTTP
//! handlers only translate. `market.rs`: the exchange's; `registry.rs`: the
//! registry's. The other pages' reads (the factory book, the dashboard)
//! still live in their handlers.

mod market;
mod registry;

pub use market::*;
pub use registry::*;
