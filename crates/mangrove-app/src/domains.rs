//! The registered set of plugged domains, and the one line where each is
//! registered ([`Domains::registered`]). A plugged domain is a crate with
//! a type implementing [`Domain`]; the app decides its commands, applies
//! its events, checks its invariants and snapshots its state, and the
//! store writes and verifies its tables, all through [`Domains`], without
//! an edit anywhere else.
//!
//! In the journal a plugged domain's event is its own JSON object with
//! `"domain": "<its name>"` first, like the built-in domains' events; in
//! memory it stays that JSON ([`PluggedEvent`]) until the domain applies it.

use mangrove_core::domain::{valid_name, Domain, Touched};
use mangrove_core::tables::{Row, Table, Value};
use mangrove_core::{Context, DomainError, DomainResult};
use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize, Serializer};
use serde_json::Map;
use std::any::Any;
use std::collections::BTreeMap;
use std::fmt;

/// A command for a plugged domain: its name and the command as JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PluggedCommand {
    pub domain: String,
    pub command: serde_json::Value,
}

impl PluggedCommand {
    pub fn new<D: Domain>(command: &D::Command) -> PluggedCommand {
        PluggedCommand {
            domain: D::NAME.to_owned(),
            command: serde_json::to_value(command).expect("a domain's commands serialise"),
        }
    }
}

/// A plugged domain's event as the journal holds it: the domain's name and
/// the rest of the event's JSON object.
#[derive(Debug, Clone, PartialEq)]
pub struct PluggedEvent {
    pub domain: String,
    pub body: Map<String, serde_json::Value>,
}

impl PluggedEvent {
    pub fn new<D: Domain>(event: &D::Event) -> PluggedEvent {
        match serde_json::to_value(event).expect("a domain's events serialise") {
            serde_json::Value::Object(body) if !body.contains_key("domain") => {
                PluggedEvent { domain: D::NAME.to_owned(), body }
            }
            other => panic!(
                "the {} domain's events must serialise as JSON objects without a `domain` field, not {other}",
                D::NAME
            ),
        }
    }

    /// The typed event, if `D` is the domain it belongs to and its body
    /// reads as one of `D`'s events.
    pub fn typed<D: Domain>(&self) -> Result<D::Event, String> {
        if self.domain != D::NAME {
            return Err(format!("the event is the {} domain's, not the {} domain's", self.domain, D::NAME));
        }
        D::Event::deserialize(&serde_json::Value::Object(self.body.clone()))
            .map_err(|error| format!("the {} domain cannot read its event: {error}", D::NAME))
    }
}

impl Serialize for PluggedEvent {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.body.len() + 1))?;
        map.serialize_entry("domain", &self.domain)?;
        for (key, value) in &self.body {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

/// A registered domain with its state, its type erased.
trait Plugged: Send + Sync {
    fn name(&self) -> &'static str;
    fn tables(&self) -> &'static [Table];
    fn boxed_clone(&self) -> Box<dyn Plugged>;
    fn emptied(&self) -> Box<dyn Plugged>;
    fn execute(
        &mut self,
        context: &Context,
        command: &serde_json::Value,
        touched: &mut Touched,
    ) -> DomainResult<Vec<PluggedEvent>>;
    fn apply(&mut self, event: &PluggedEvent, touched: &mut Touched) -> Result<(), String>;
    fn check_invariants(&self) -> Result<(), String>;
    fn encode(&self) -> Vec<u8>;
    fn decoded(&self, bytes: &[u8]) -> Result<Box<dyn Plugged>, String>;
    fn row(&self, table: usize, key: &[Value]) -> Option<Row>;
    fn rows(&self, table: usize) -> Vec<Row>;
    fn state(&self) -> &dyn Any;
    fn debug(&self) -> String;
}

struct Holder<D: Domain>(D);

impl<D: Domain> Plugged for Holder<D> {
    fn name(&self) -> &'static str {
        D::NAME
    }
    fn tables(&self) -> &'static [Table] {
        D::TABLES
    }
    fn boxed_clone(&self) -> Box<dyn Plugged> {
        Box::new(Holder(self.0.clone()))
    }
    fn emptied(&self) -> Box<dyn Plugged> {
        Box::new(Holder(D::default()))
    }
    fn execute(
        &mut self,
        context: &Context,
        command: &serde_json::Value,
        touched: &mut Touched,
    ) -> DomainResult<Vec<PluggedEvent>> {
        let command = D::Command::deserialize(command).map_err(|error| {
            DomainError::invalid("command", format!("this is not a command of the {} domain: {error}", D::NAME))
        })?;
        let events = self.0.decide(context, &command)?;
        for event in &events {
            self.0.apply(event, touched);
        }
        Ok(events.iter().map(PluggedEvent::new::<D>).collect())
    }
    fn apply(&mut self, event: &PluggedEvent, touched: &mut Touched) -> Result<(), String> {
        let event = event.typed::<D>()?;
        self.0.apply(&event, touched);
        Ok(())
    }
    fn check_invariants(&self) -> Result<(), String> {
        self.0.check_invariants().map_err(|why| format!("{} invariant: {why}", D::NAME))
    }
    fn encode(&self) -> Vec<u8> {
        let mut bytes = Vec::new();
        ciborium::into_writer(&self.0, &mut bytes).expect("a domain's state encodes");
        bytes
    }
    fn decoded(&self, bytes: &[u8]) -> Result<Box<dyn Plugged>, String> {
        let state: D = ciborium::from_reader(bytes)
            .map_err(|error| format!("the {} domain's state cannot be read: {error}", D::NAME))?;
        Ok(Box::new(Holder(state)))
    }
    fn row(&self, table: usize, key: &[Value]) -> Option<Row> {
        self.0.row(table, key)
    }
    fn rows(&self, table: usize) -> Vec<Row> {
        self.0.rows(table)
    }
    fn state(&self) -> &dyn Any {
        &self.0
    }
    fn debug(&self) -> String {
        format!("{:?}", self.0)
    }
}

/// The plugged domains an app runs, each with its state, in the order
/// they were registered.
#[derive(Default)]
pub struct Domains {
    plugged: Vec<Box<dyn Plugged>>,
}

/// What each plugged domain's events touched, by domain name.
pub type PluggedDirty = BTreeMap<&'static str, Touched>;

impl Domains {
    /// The domains this build runs beside the built-in ones: the one place
    /// a new domain is registered, with `.with::<TheDomain>()`.
    pub fn registered() -> Domains {
        Domains::default().with::<mangrove_world::WorldBook>()
    }

    /// Adds a domain, empty. Its name and its tables' names must be new.
    pub fn with<D: Domain>(mut self) -> Domains {
        assert!(valid_name(D::NAME), "a domain's name is lowercase letters and `_`, not {:?}", D::NAME);
        assert!(
            !crate::BUILT_IN_DOMAINS.contains(&D::NAME) && self.get(D::NAME).is_none(),
            "the domain {} is registered twice",
            D::NAME
        );
        for table in D::TABLES {
            assert!(
                table.name.strip_prefix(D::NAME).is_some_and(|rest| rest.starts_with('_')),
                "the {} domain's table {} must start with `{}_`",
                D::NAME,
                table.name,
                D::NAME
            );
        }
        self.plugged.push(Box::new(Holder(D::default())));
        self
    }

    fn get(&self, name: &str) -> Option<&dyn Plugged> {
        self.plugged.iter().find(|plugged| plugged.name() == name).map(|plugged| &**plugged)
    }

    fn get_mut(&mut self, name: &str) -> Option<&mut Box<dyn Plugged>> {
        self.plugged.iter_mut().find(|plugged| plugged.name() == name)
    }

    /// The state of domain `D`, if it is registered.
    pub fn state<D: Domain>(&self) -> Option<&D> {
        self.get(D::NAME)?.state().downcast_ref::<D>()
    }

    /// Every plugged domain's tables, each with its domain's name.
    pub fn tables(&self) -> impl Iterator<Item = (&'static str, &'static Table)> + '_ {
        self.plugged.iter().flat_map(|plugged| plugged.tables().iter().map(move |table| (plugged.name(), table)))
    }

    /// The tables of the domain named `domain` (none if it is not registered).
    pub fn tables_of(&self, domain: &str) -> &'static [Table] {
        self.get(domain).map_or(&[], |plugged| plugged.tables())
    }

    /// The domain a plugged table belongs to, and its index among that
    /// domain's tables.
    pub fn owner_of(&self, table: &Table) -> Option<(&'static str, usize)> {
        self.plugged.iter().find_map(|plugged| {
            plugged.tables().iter().position(|own| own == table).map(|index| (plugged.name(), index))
        })
    }

    /// The same domains, each empty.
    pub fn emptied(&self) -> Domains {
        Domains { plugged: self.plugged.iter().map(|plugged| plugged.emptied()).collect() }
    }

    pub(crate) fn execute(
        &mut self,
        context: &Context,
        command: &PluggedCommand,
        dirty: &mut PluggedDirty,
    ) -> DomainResult<Vec<PluggedEvent>> {
        let plugged = self.get_mut(&command.domain).ok_or_else(|| {
            DomainError::not_found("domain", format!("there is no domain named {:?}", command.domain))
        })?;
        let name = plugged.name();
        // A refused command changes nothing, and touches nothing: every
        // event is decided before the first applies.
        plugged.execute(context, &command.command, dirty.entry(name).or_default())
    }

    pub(crate) fn apply(&mut self, event: &PluggedEvent, dirty: &mut PluggedDirty) -> Result<(), String> {
        let plugged = self.get_mut(&event.domain).ok_or_else(|| {
            format!("the journal holds an event of the {} domain, which this build does not run", event.domain)
        })?;
        let name = plugged.name();
        plugged.apply(event, dirty.entry(name).or_default())
    }

    pub(crate) fn check_invariants(&self) -> Result<(), String> {
        self.plugged.iter().try_for_each(|plugged| plugged.check_invariants())
    }

    /// Each domain's state, encoded, by name.
    pub(crate) fn encode(&self) -> BTreeMap<String, Vec<u8>> {
        self.plugged.iter().map(|plugged| (plugged.name().to_owned(), plugged.encode())).collect()
    }

    /// The same domains with the states in `encoded`; a registered domain
    /// missing from it starts empty, and a state of a domain this build
    /// does not run is refused.
    pub(crate) fn decoded(&self, encoded: &BTreeMap<String, Vec<u8>>) -> Result<Domains, String> {
        if let Some(name) = encoded.keys().find(|name| self.get(name).is_none()) {
            return Err(format!("the snapshot holds the state of the {name} domain, which this build does not run"));
        }
        let plugged = self
            .plugged
            .iter()
            .map(|plugged| match encoded.get(plugged.name()) {
                Some(bytes) => plugged.decoded(bytes),
                None => Ok(plugged.emptied()),
            })
            .collect::<Result<_, _>>()?;
        Ok(Domains { plugged })
    }

    /// The row of `domain`'s table `table` with this key, if any.
    pub fn row(&self, domain: &str, table: usize, key: &[Value]) -> Option<Row> {
        self.get(domain)?.row(table, key)
    }

    /// Every row of `domain`'s table `table`.
    pub fn rows(&self, domain: &str, table: usize) -> Vec<Row> {
        self.get(domain).map(|plugged| plugged.rows(table)).unwrap_or_default()
    }
}

impl Clone for Domains {
    fn clone(&self) -> Self {
        Domains { plugged: self.plugged.iter().map(|plugged| plugged.boxed_clone()).collect() }
    }
}

impl fmt::Debug for Domains {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.plugged.iter().map(|plugged| (plugged.name(), plugged.debug()))).finish()
    }
}

impl PartialEq for Domains {
    /// The same domains with the same states (compared by their encoding).
    fn eq(&self, other: &Self) -> bool {
        self.encode() == other.encode()
    }
}
