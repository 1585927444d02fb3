//! Where the domains meet. [`App`] holds every domain's state (today the
//! registry; the ledger and the exchange join it here), decides commands
//! with idempotency, and replays the journal. Only this crate lets domains
//! touch each other: a trade that moves cash and credits will be one
//! command here.
//!
//! ```
//! use mangrove_app::*;
//! use mangrove_core::Date;
//! use mangrove_registry::{Actor, Command, Context, Role};
//!
//! let mut app = App::default();
//! let context = Context { actor: Actor::System, now_ms: 0, today: Date::parse("2026-01-01").unwrap() };
//! let command = Command::CreateOrganisation { name: "Rayong City".into(), role: Role::Operator };
//! let submission = Submission::new(&context.actor, Some("setup-1"), command).unwrap();
//! let first = app.submit(&context, &submission, 0).unwrap();
//! let again = app.submit(&context, &submission, 2).unwrap();
//! assert!(matches!(first, Outcome::Applied(ref events) if events.len() == 2));
//! assert_eq!(again, Outcome::Replayed { first_seq: 0, count: 2 });
//! ```

pub mod domains;
mod event_json;
pub mod journal_format;
pub mod market;
mod permissions;
pub mod query;
pub mod results;
pub mod snapshot;
mod trade;

pub use domains::{Domains, PluggedCommand, PluggedEvent};
pub use market::{Market, MarketDirty, MarketEvent};
pub use trade::MarketCommand;

use mangrove_core::journal::{sha256_hex, Envelope};
use mangrove_core::signing::KeyChange;
use mangrove_core::{DomainError, DomainResult, ReductionId, RetirementId};
use mangrove_ledger::Ledger;
use mangrove_mrv::{Catalogue, FactoryBook, MeasureCommand, MeasureDirty, MeasureEvent};
use mangrove_registry::{Actor, ClassKind, Command, Context, Dirty, Event, ProjectDetails, Registry};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Longest idempotency key a client may send.
pub const IDEMPOTENCY_KEY_BYTES_MAX: usize = 128;

/// A command to any domain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum AppCommand {
    Registry(Command),
    Measure(MeasureCommand),
    Across(AcrossCommand),
    Ledger(mangrove_ledger::Command),
    Market(MarketCommand),
    Deployment(DeploymentCommand),
    /// A command for a plugged domain (see [`domains`]).
    Plugged(PluggedCommand),
}

impl From<PluggedCommand> for AppCommand {
    fn from(command: PluggedCommand) -> Self {
        AppCommand::Plugged(command)
    }
}

impl From<MarketCommand> for AppCommand {
    fn from(command: MarketCommand) -> Self {
        AppCommand::Market(command)
    }
}

impl From<mangrove_ledger::Command> for AppCommand {
    fn from(command: mangrove_ledger::Command) -> Self {
        AppCommand::Ledger(command)
    }
}

/// A command that changes more than one domain in one step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "command")]
pub enum AcrossCommand {
    /// A factory's reduction project that follows a credit methodology
    /// becomes a draft registry project, and the two stay linked.
    PromoteReduction { reduction: ReductionId, details: ProjectDetails },
}

/// A command about the deployment itself rather than any domain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "command")]
pub enum DeploymentCommand {
    /// Hands the signing of tree heads to a new key; the store signs the
    /// change with the key in force as it journals it.
    ChangeDeploymentKey(KeyChange),
}

/// An event about the deployment itself; it changes no domain's state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "event")]
pub enum DeploymentEvent {
    DeploymentKeyChanged(KeyChange),
}

impl From<AcrossCommand> for AppCommand {
    fn from(command: AcrossCommand) -> Self {
        AppCommand::Across(command)
    }
}

impl From<Command> for AppCommand {
    fn from(command: Command) -> Self {
        AppCommand::Registry(command)
    }
}

impl From<MeasureCommand> for AppCommand {
    fn from(command: MeasureCommand) -> Self {
        AppCommand::Measure(command)
    }
}

/// The names the built-in domains' events carry in the journal; a plugged
/// domain may take none of them.
pub const BUILT_IN_DOMAINS: [&str; 5] = ["registry", "measure", "ledger", "market", "deployment"];

/// An event of any domain. Its JSON names the domain first (`"domain":
/// "registry"`), beside the domain's own `event` tag; journals of format 1
/// named none, and [`journal_format`] supplies it as it reads them. A
/// domain name that is not built in is a plugged domain's
/// ([`PluggedEvent`]).
#[derive(Debug, Clone, PartialEq)]
pub enum AppEvent {
    Registry(Event),
    Measure(MeasureEvent),
    Ledger(mangrove_ledger::Event),
    Market(MarketEvent),
    Deployment(DeploymentEvent),
    Plugged(PluggedEvent),
}

impl AppEvent {
    pub fn registry(&self) -> Option<&Event> {
        match self {
            AppEvent::Registry(event) => Some(event),
            _ => None,
        }
    }
}

/// What every domain's events touched, for the projections.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct AppDirty {
    pub registry: Dirty,
    pub measure: MeasureDirty,
    pub ledger: mangrove_ledger::Dirty,
    pub market: MarketDirty,
    /// By plugged domain's name.
    pub plugged: domains::PluggedDirty,
}

/// What the journal stores.
pub type JournalEvent = Envelope<AppEvent>;

/// A command with who sent it and under which command id.
#[derive(Debug, Clone, PartialEq)]
pub struct Submission {
    pub actor: Actor,
    /// `<actor>/<client key>` when the client sent an idempotency key.
    pub command_id: Option<String>,
    pub command_hash: String,
    pub command: AppCommand,
}

impl Submission {
    /// Checks the idempotency key and fingerprints the command.
    pub fn new(actor: &Actor, idempotency_key: Option<&str>, command: impl Into<AppCommand>) -> DomainResult<Self> {
        let command = command.into();
        let command_id = match idempotency_key {
            None => None,
            Some(key) => {
                let valid = !key.is_empty()
                    && key.len() <= IDEMPOTENCY_KEY_BYTES_MAX
                    && key.bytes().all(|b| b.is_ascii_graphic());
                if !valid {
                    return Err(DomainError::invalid(
                        "Idempotency-Key",
                        format!("an idempotency key is 1 to {IDEMPOTENCY_KEY_BYTES_MAX} printable ASCII characters"),
                    ));
                }
                Some(format!("{}/{key}", actor.label()))
            }
        };
        let body = serde_json::to_vec(&command).expect("commands serialise");
        Ok(Submission { actor: *actor, command_id, command_hash: sha256_hex(&body), command })
    }
}

/// The answer to a submission.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// The command was decided now; these events are to be journaled.
    Applied(Vec<AppEvent>),
    /// The same command was applied before under the same key: its events
    /// are the `count` events from `first_seq` in the journal.
    Replayed { first_seq: u64, count: u64 },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Receipt {
    command_hash: String,
    first_seq: u64,
    count: u64,
}

#[derive(Debug, Clone)]
pub struct App {
    pub registry: Registry,
    pub factories: FactoryBook,
    /// Cash (satang) and green points.
    pub ledger: Ledger,
    /// Instruments, order books, orders, trades and auctions.
    pub market: Market,
    /// The plugged domains, each with its state.
    pub domains: Domains,
    /// Emission factors and the other tables, shipped in the binary.
    pub catalogue: &'static Catalogue,
    receipts: BTreeMap<String, Receipt>,
    /// The journal position of each retirement, for its certificate's proof.
    retirement_seqs: BTreeMap<RetirementId, u64>,
}

impl Default for App {
    fn default() -> Self {
        App {
            registry: Registry::default(),
            factories: FactoryBook::default(),
            ledger: Ledger::new(),
            market: Market::default(),
            domains: Domains::registered(),
            catalogue: Catalogue::embedded(),
            receipts: BTreeMap::new(),
            retirement_seqs: BTreeMap::new(),
        }
    }
}

impl App {
    /// An empty app running these plugged domains (emptied) beside the
    /// built-in ones.
    pub fn with_domains(domains: &Domains) -> App {
        App { domains: domains.emptied(), ..App::default() }
    }

    /// Decides a submission whose events, if any, will be numbered from
    /// `next_seq`, and applies them.
    pub fn submit(&mut self, context: &Context, submission: &Submission, next_seq: u64) -> DomainResult<Outcome> {
        self.submit_tracked(context, submission, next_seq, &mut AppDirty::default())
    }

    pub fn submit_tracked(
        &mut self,
        context: &Context,
        submission: &Submission,
        next_seq: u64,
        dirty: &mut AppDirty,
    ) -> DomainResult<Outcome> {
        if let Some(command_id) = &submission.command_id {
            if let Some(receipt) = self.receipts.get(command_id) {
                if receipt.command_hash != submission.command_hash {
                    return Err(DomainError::new(
                        mangrove_core::ErrorKind::Conflict,
                        Some("Idempotency-Key"),
                        "this idempotency key was already used for a different command",
                    ));
                }
                return Ok(Outcome::Replayed { first_seq: receipt.first_seq, count: receipt.count });
            }
        }
        let events = match &submission.command {
            AppCommand::Deployment(DeploymentCommand::ChangeDeploymentKey(change)) => {
                vec![Self::change_key(context, change, next_seq)?]
            }
            command => self.execute(context, command, dirty)?,
        };
        for (offset, event) in events.iter().enumerate() {
            self.note_position(event, next_seq + offset as u64);
        }
        if let Some(command_id) = &submission.command_id {
            let receipt = Receipt {
                command_hash: submission.command_hash.clone(),
                first_seq: next_seq,
                count: events.len() as u64,
            };
            self.receipts.insert(command_id.clone(), receipt);
        }
        Ok(Outcome::Applied(events))
    }

    fn execute(
        &mut self,
        context: &Context,
        command: &AppCommand,
        dirty: &mut AppDirty,
    ) -> DomainResult<Vec<AppEvent>> {
        match command {
            AppCommand::Registry(command) => {
                let events = self.registry.execute(context, command, &mut dirty.registry)?;
                Ok(events.into_iter().map(AppEvent::Registry).collect())
            }
            AppCommand::Measure(command) => {
                permissions::allow_measure_request(command)?;
                self.execute_measure(context, command, dirty)
            }
            AppCommand::Across(AcrossCommand::PromoteReduction { reduction, details }) => {
                self.promote(context, *reduction, details, dirty)
            }
            AppCommand::Market(command) => self.execute_market(context, command, dirty),
            AppCommand::Plugged(command) => {
                let events = self.domains.execute(context, command, &mut dirty.plugged)?;
                Ok(events.into_iter().map(AppEvent::Plugged).collect())
            }
            AppCommand::Deployment(_) => unreachable!("decided in submit_tracked, which knows its position"),
            AppCommand::Ledger(command) => {
                self.allow_ledger(&context.actor, command)?;
                let decision = self.ledger.execute(context.now_ms, command, &mut dirty.ledger)?;
                Ok(decision.events().iter().cloned().map(AppEvent::Ledger).collect())
            }
        }
    }

    /// Only the store itself changes the deployment key, and only with a
    /// change the key in force signed for this very position.
    fn change_key(context: &Context, change: &KeyChange, seq: u64) -> DomainResult<AppEvent> {
        permissions::allow_key_change(&context.actor)?;
        change
            .verify(seq)
            .map_err(|error| DomainError::invalid("signature", format!("the key change is refused: {error}")))?;
        Ok(AppEvent::Deployment(DeploymentEvent::DeploymentKeyChanged(change.clone())))
    }

    fn execute_measure(
        &mut self,
        context: &Context,
        command: &MeasureCommand,
        dirty: &mut AppDirty,
    ) -> DomainResult<Vec<AppEvent>> {
        self.allow_measure(&context.actor, command)?;
        let events = self.factories.decide(self.catalogue, command)?;
        for event in &events {
            self.factories.apply(event, &mut dirty.measure);
        }
        Ok(events.into_iter().map(AppEvent::Measure).collect())
    }

    /// Every check comes before the registry's draft, so a refusal changes
    /// nothing; after the draft, the link cannot fail.
    fn promote(
        &mut self,
        context: &Context,
        reduction: ReductionId,
        details: &ProjectDetails,
        dirty: &mut AppDirty,
    ) -> DomainResult<Vec<AppEvent>> {
        let link = MeasureCommand::LinkReduction { reduction, project: mangrove_core::ProjectId(0) };
        self.allow_measure(&context.actor, &link)?;
        self.factories.promotable(reduction)?;
        let class = self
            .registry
            .class(details.class)
            .ok_or_else(|| DomainError::not_found("class", format!("there is no {}", details.class)))?;
        if class.kind != ClassKind::Reduction {
            return Err(DomainError::invalid("class", format!("{} credits removals, not reductions", class.name)));
        }
        let drafted =
            self.registry.execute(context, &Command::DraftProject { details: details.clone() }, &mut dirty.registry)?;
        let project = drafted
            .iter()
            .find_map(|event| match event {
                Event::ProjectDrafted { project } => Some(project.id),
                _ => None,
            })
            .expect("a draft records its project");
        let link = MeasureCommand::LinkReduction { reduction, project };
        let linked = self.factories.decide(self.catalogue, &link).expect("checked before the draft");
        for event in &linked {
            self.factories.apply(event, &mut dirty.measure);
        }
        Ok(drafted.into_iter().map(AppEvent::Registry).chain(linked.into_iter().map(AppEvent::Measure)).collect())
    }

    /// Applies one journaled event during replay, remembering the client's
    /// idempotency key so that a retry after a restart is still answered
    /// from the journal. Only a plugged domain's event can be refused: one
    /// of a domain this build does not run, or that its domain cannot read.
    pub fn replay(&mut self, event: &JournalEvent, dirty: &mut AppDirty) -> Result<(), String> {
        match &event.payload {
            AppEvent::Plugged(payload) => self.domains.apply(payload, &mut dirty.plugged)?,
            AppEvent::Registry(payload) => self.registry.apply(payload, &mut dirty.registry),
            AppEvent::Measure(payload) => self.factories.apply(payload, &mut dirty.measure),
            AppEvent::Ledger(payload) => self.ledger.apply(payload, &mut dirty.ledger),
            AppEvent::Market(payload) => self.apply_market(payload, dirty),
            AppEvent::Deployment(_) => {}
        }
        self.note_position(&event.payload, event.seq);
        if event.command_id.contains('/') {
            let receipt = self.receipts.entry(event.command_id.clone()).or_insert_with(|| Receipt {
                command_hash: event.command_hash.clone(),
                first_seq: event.seq,
                count: 0,
            });
            receipt.count += 1;
        }
        Ok(())
    }

    /// Applies a market event with the other domains' events it carries:
    /// an order's escrow before the order, a trade's delivery and payments
    /// after the trade, in the order they were decided.
    pub(crate) fn apply_market(&mut self, event: &MarketEvent, dirty: &mut AppDirty) {
        if let MarketEvent::OrderPlaced { held: Some(held), .. } = event {
            self.apply_legs(&held.credits, &held.cash, dirty);
        }
        self.market.apply(event, &mut dirty.market);
        if let MarketEvent::Traded { settlement: Some(settlement), .. } = event {
            self.apply_legs(std::slice::from_ref(&settlement.delivery), &settlement.payments, dirty);
        }
    }

    /// Applies registry events, then ledger events.
    pub(crate) fn apply_legs(&mut self, registry: &[Event], ledger: &[mangrove_ledger::Event], dirty: &mut AppDirty) {
        for event in registry {
            self.registry.apply(event, &mut dirty.registry);
        }
        for event in ledger {
            self.ledger.apply(event, &mut dirty.ledger);
        }
    }

    fn note_position(&mut self, event: &AppEvent, seq: u64) {
        if let AppEvent::Registry(Event::Retired { retirement }) = event {
            self.retirement_seqs.insert(retirement.id, seq);
        }
    }

    /// The sequence number of the event that made a retirement.
    pub fn retirement_seq(&self, id: RetirementId) -> Option<u64> {
        self.retirement_seqs.get(&id).copied()
    }

    /// Every domain's invariants, checked after each group commit in debug
    /// builds, at start-up and by `mangrove verify`.
    pub fn check_invariants(&self) -> Result<(), String> {
        self.registry.check_invariants().map_err(|why| format!("registry invariant: {why}"))?;
        self.ledger.check_invariants().map_err(|why| format!("ledger invariant: {why}"))?;
        self.market.check_invariants().map_err(|why| format!("market invariant: {why}"))?;
        self.domains.check_invariants()?;
        self.check_escrow()
    }

    /// The command id under which the journal records a submission.
    pub fn command_id(submission: &Submission, first_seq: u64) -> String {
        submission.command_id.clone().unwrap_or_else(|| format!("auto-{first_seq}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mangrove_core::journal::Envelope;
    use mangrove_core::Date;
    use mangrove_registry::Role;

    fn context() -> Context {
        Context { actor: Actor::System, now_ms: 0, today: Date::parse("2026-01-01").unwrap() }
    }

    fn operator(name: &str) -> Command {
        Command::CreateOrganisation { name: name.into(), role: Role::Operator }
    }

    #[test]
    fn a_key_reused_for_another_command_is_refused_and_changes_nothing() {
        let mut app = App::default();
        let first = Submission::new(&Actor::System, Some("k"), operator("Rayong City")).unwrap();
        app.submit(&context(), &first, 0).unwrap();
        let other = Submission::new(&Actor::System, Some("k"), operator("Other City")).unwrap();
        let before = app.registry.clone();
        let error = app.submit(&context(), &other, 2).unwrap_err();
        assert_eq!(error.field, Some("Idempotency-Key"));
        assert_eq!(app.registry, before);
    }

    #[test]
    fn keys_are_checked() {
        for bad in ["", "has space", "ไทย", &"k".repeat(IDEMPOTENCY_KEY_BYTES_MAX + 1)] {
            assert!(Submission::new(&Actor::System, Some(bad), operator("x")).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn replay_restores_receipts() {
        let mut app = App::default();
        let submission = Submission::new(&Actor::System, Some("setup"), operator("Rayong City")).unwrap();
        let Outcome::Applied(events) = app.submit(&context(), &submission, 0).unwrap() else { panic!("applied") };
        let mut replayed = App::default();
        for (seq, payload) in events.into_iter().enumerate() {
            let envelope = Envelope {
                format: mangrove_core::journal::JOURNAL_FORMAT,
                seq: seq as u64,
                time_ms: 0,
                command_id: App::command_id(&submission, 0),
                command_hash: submission.command_hash.clone(),
                actor: "system".into(),
                deployment_key: None,
                payload,
            };
            replayed.replay(&envelope, &mut AppDirty::default()).unwrap();
        }
        assert_eq!(replayed.registry, app.registry);
        assert_eq!(replayed.submit(&context(), &submission, 2).unwrap(), Outcome::Replayed { first_seq: 0, count: 2 });
    }
}
