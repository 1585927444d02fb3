//! The shape every plugged domain has: commands decided against its state
//! and who is acting, events applied without failing, invariants, and its
//! state laid out as projection tables. `mangrove-app` registers domains
//! of this shape (its `domains.rs`) and the store writes, verifies and
//! snapshots them without knowing what they are.
//!
//! ```
//! use mangrove_core::domain::{Domain, Touched};
//! use mangrove_core::tables::{Kind, Row, Table, Value};
//! use mangrove_core::{Context, DomainError, DomainResult};
//! use serde::{Deserialize, Serialize};
//!
//! /// A tally of named counters.
//! #[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
//! struct Tally { counts: std::collections::BTreeMap<String, u64> }
//!
//! #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
//! #[serde(tag = "command", rename_all = "snake_case")]
//! enum TallyCommand { Count { name: String } }
//!
//! #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
//! #[serde(tag = "event", rename_all = "snake_case")]
//! enum TallyEvent { Counted { name: String } }
//!
//! impl Domain for Tally {
//!     const NAME: &'static str = "tally";
//!     const TABLES: &'static [Table] =
//!         &[Table { name: "tally_counts", columns: &[("name", Kind::Text), ("count", Kind::Int)], key_columns: 1 }];
//!     type Command = TallyCommand;
//!     type Event = TallyEvent;
//!     fn decide(&self, _: &Context, command: &TallyCommand) -> DomainResult<Vec<TallyEvent>> {
//!         let TallyCommand::Count { name } = command;
//!         if name.is_empty() { return Err(DomainError::invalid("name", "a counter has a name")); }
//!         Ok(vec![TallyEvent::Counted { name: name.clone() }])
//!     }
//!     fn apply(&mut self, event: &TallyEvent, touched: &mut Touched) {
//!         let TallyEvent::Counted { name } = event;
//!         *self.counts.entry(name.clone()).or_default() += 1;
//!         touched.mark(0, vec![Value::text(name)]);
//!     }
//!     fn check_invariants(&self) -> Result<(), String> { Ok(()) }
//!     fn row(&self, _table: usize, key: &[Value]) -> Option<Row> {
//!         let [Value::Text(Some(name))] = key else { return None };
//!         self.counts.get(name).map(|count| vec![Value::text(name), Value::int(*count)])
//!     }
//!     fn rows(&self, _table: usize) -> Vec<Row> {
//!         self.counts.iter().map(|(name, count)| vec![Value::text(name), Value::int(*count)]).collect()
//!     }
//! }
//! ```

use crate::tables::{Row, Table, Value};
use crate::{Context, DomainResult};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::collections::BTreeSet;
use std::fmt::Debug;

/// A domain: its state is `Self`.
///
/// - `decide` only reads, so a refused command changes nothing; `apply`
///   cannot fail, and the same events applied in order give the same state.
/// - Its events serialise as JSON objects (an enum with
///   `#[serde(tag = "event")]`); the journal adds `"domain": NAME`.
/// - Its tables' names start with `NAME` and `_`; `row` and `rows` build
///   them from the state, `apply` marks the keys it changed.
/// - Its state serialises (for snapshots) and must round-trip exactly.
pub trait Domain: Default + Clone + Debug + Serialize + DeserializeOwned + Send + Sync + 'static {
    /// The domain's name in the journal: lowercase ASCII letters and `_`.
    const NAME: &'static str;
    /// Its projection tables, which the store creates, writes and verifies.
    const TABLES: &'static [Table];
    type Command: Serialize + DeserializeOwned + Debug + Clone + PartialEq + Send + Sync;
    type Event: Serialize + DeserializeOwned + Debug + Clone + PartialEq + Send + Sync;

    fn decide(&self, context: &Context, command: &Self::Command) -> DomainResult<Vec<Self::Event>>;
    fn apply(&mut self, event: &Self::Event, touched: &mut Touched);
    fn check_invariants(&self) -> Result<(), String>;
    /// The row of table `table` (an index into `TABLES`) with this key, if
    /// the state has one.
    fn row(&self, table: usize, key: &[Value]) -> Option<Row>;
    /// Every row of table `table`, in any order.
    fn rows(&self, table: usize) -> Vec<Row>;
}

/// Which rows an applied event changed: a table (an index into the
/// domain's `TABLES`) and a key.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Touched(BTreeSet<(usize, Row)>);

impl Touched {
    pub fn mark(&mut self, table: usize, key: Row) {
        self.0.insert((table, key));
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn iter(&self) -> impl Iterator<Item = &(usize, Row)> {
        self.0.iter()
    }
}

/// Whether `name` may name a domain in the journal.
pub fn valid_name(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
}
