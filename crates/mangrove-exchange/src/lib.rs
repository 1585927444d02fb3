//! The exchange, pure and deterministic: one price-time order book per
//! instrument, the sealed-bid call auction of a primary sale, and the replay
//! file format. No I/O, no clock, no randomness: time comes in as `now_ms`,
//! and the same calls in the same order give the same events.
//!
//! ```
//! use mangrove_exchange::*;
//!
//! let mut book = OrderBook::new(BookConfig::new(25)); // a tick of 25 satang
//! let mut events = Vec::new();
//! book.submit(&NewOrder::limit(1, 7, Side::Sell, 30_000, 10), 0, &mut events).unwrap();
//! events.clear();
//! let outcome = book.submit(&NewOrder::limit(2, 8, Side::Buy, 30_050, 4), 0, &mut events).unwrap();
//! assert_eq!(outcome.filled_tco2e, QtyTco2e(4));
//! // The trade is at the resting order's price: 300 baht a tonne.
//! let Event::Fill(fill) = events[0] else { panic!("a fill") };
//! assert_eq!((fill.maker, fill.taker, fill.price_satang), (OrderId(1), OrderId(2), PriceSatang(30_000)));
//! assert!(!fill.maker_done, "6 tonnes of order 1 still rest");
//! assert_eq!(book.best_ask().unwrap().qty_tco2e, QtyTco2e(6));
//!
//! let off_tick = book.submit(&NewOrder::limit(3, 8, Side::Buy, 29_990, 1), 0, &mut events);
//! assert_eq!(off_tick.unwrap_err().kind, RejectKind::PriceOffTick);
//! book.check_invariants().unwrap();
//! ```
//!
//! The book (`book`) is built for speed: levels in a `BTreeMap` per side,
//! orders in an arena linked as a FIFO per level, cancel O(1) by id, and no
//! allocation while matching once warm (the caller's `Vec<Event>` is reused).
//! `auction::clear` runs a call auction; `replay` is the JSON-lines format
//! of `mangrove exchange replay`; `bench_stream` makes the measured stream.

pub mod auction;
pub mod bench_stream;
mod book;
mod error;
mod event;
pub mod replay;
mod types;

pub use book::{BookConfig, OrderBook, ORDERS_PER_BOOK_MAX_DEFAULT, QTY_PER_ORDER_MAX};
pub use error::{RejectKind, Rejected};
pub use event::{CancelReason, DropReason, Event, Fill, Outcome};
pub use types::{
    AccountId, LevelView, NewOrder, OrderId, OrderKind, PriceSatang, QtyTco2e, Resting, Side, TimeInForce,
};
