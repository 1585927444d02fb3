//! Shared set-up for the ledger's integration tests: a ledger with the
//! operator's baht settlement, fee and clearing accounts, a factory, a
//! proponent and a citizen with baht accounts, the green-points treasury
//! and the citizen's green points, funded by deposits; and helpers to run
//! commands that must succeed (checking the invariants and that replaying
//! the events rebuilds the same ledger) or must be refused (leaving the
//! ledger equal to before and nothing dirty).
//!
//! Every test file includes this module but uses only part of it.
#![allow(dead_code)]

use mangrove_core::*;
use mangrove_ledger::*;

pub const SETTLEMENT: LedgerAccountId = LedgerAccountId(1);
pub const FEES: LedgerAccountId = LedgerAccountId(2);
pub const CLEARING: LedgerAccountId = LedgerAccountId(3);
/// Map Ta Phut Olefins (org 4), a buyer of credits.
pub const FACTORY: LedgerAccountId = LedgerAccountId(4);
/// The Rayong mangrove community forest (org 3), a seller.
pub const PROPONENT: LedgerAccountId = LedgerAccountId(5);
/// Somchai (user 7), in baht.
pub const CITIZEN: LedgerAccountId = LedgerAccountId(6);
pub const TREASURY: LedgerAccountId = LedgerAccountId(7);
/// Somchai's green points.
pub const CITIZEN_POINTS: LedgerAccountId = LedgerAccountId(8);
pub const UNKNOWN: LedgerAccountId = LedgerAccountId(99);

/// 10,000 baht.
pub const FACTORY_DEPOSIT: u64 = 1_000_000;
/// 500 baht.
pub const CITIZEN_DEPOSIT: u64 = 50_000;
pub const CITIZEN_POINTS_DEPOSIT: u64 = 500;

/// 2026-01-01T00:00:00Z.
pub const START_MS: i64 = 1_767_225_600_000;

pub fn id(text: &str) -> TransferId {
    TransferId::new(text).expect("test ids are valid")
}

pub fn amount(units: u64) -> Amount {
    Amount::new(units)
}

pub fn deposit(name: &str, account: LedgerAccountId, units: u64) -> TransferSpec {
    TransferSpec::Deposit { id: id(name), account, amount: amount(units) }
}

pub fn withdrawal(name: &str, account: LedgerAccountId, units: u64) -> TransferSpec {
    TransferSpec::Withdrawal { id: id(name), account, amount: amount(units) }
}

pub fn posted(name: &str, debit: LedgerAccountId, credit: LedgerAccountId, units: u64) -> TransferSpec {
    TransferSpec::Posted { id: id(name), debit, credit, amount: amount(units) }
}

pub fn pending(name: &str, debit: LedgerAccountId, credit: LedgerAccountId, units: u64) -> TransferSpec {
    TransferSpec::Pending { id: id(name), debit, credit, amount: amount(units), timeout_ms: None }
}

pub fn post(name: &str, hold: &str, units: u64) -> TransferSpec {
    TransferSpec::PostPending { id: id(name), pending: id(hold), amount: amount(units) }
}

pub fn void(name: &str, hold: &str) -> TransferSpec {
    TransferSpec::VoidPending { id: id(name), pending: id(hold) }
}

pub fn one(spec: TransferSpec) -> Command {
    Command::Transfer(spec)
}

pub fn batch(specs: Vec<TransferSpec>) -> Command {
    Command::Batch { transfers: specs }
}

/// A ledger being driven by a test, with every event it produced so far.
pub struct Book {
    pub ledger: Ledger,
    pub events: Vec<Event>,
    pub now_ms: i64,
}

impl Book {
    pub fn empty() -> Book {
        Book { ledger: Ledger::new(), events: Vec::new(), now_ms: START_MS }
    }

    /// The accounts of the module doc, in that order, funded.
    pub fn new() -> Book {
        let mut book = Book::empty();
        let accounts = [
            (Owner::Operator, Asset::Thb, AccountKind::Settlement),
            (Owner::Operator, Asset::Thb, AccountKind::Fee),
            (Owner::Operator, Asset::Thb, AccountKind::Clearing),
            (Owner::Org(OrgId(4)), Asset::Thb, AccountKind::Ordinary),
            (Owner::Org(OrgId(3)), Asset::Thb, AccountKind::Ordinary),
            (Owner::User(UserId(7)), Asset::Thb, AccountKind::Ordinary),
            (Owner::Operator, Asset::GreenPoints, AccountKind::Settlement),
            (Owner::User(UserId(7)), Asset::GreenPoints, AccountKind::Ordinary),
        ];
        for (owner, asset, kind) in accounts {
            book.run(&Command::OpenAccount { owner, asset, kind });
        }
        book.run(&one(deposit("bank-factory-1", FACTORY, FACTORY_DEPOSIT)));
        book.run(&one(deposit("bank-citizen-1", CITIZEN, CITIZEN_DEPOSIT)));
        book.run(&one(deposit("quest-citizen-1", CITIZEN_POINTS, CITIZEN_POINTS_DEPOSIT)));
        book
    }

    /// Moves the clock on.
    pub fn wait(&mut self, ms: i64) {
        self.now_ms += ms;
    }

    pub fn available(&self, account: LedgerAccountId) -> i128 {
        self.ledger.balance(account).expect("known account").available()
    }

    pub fn balance(&self, account: LedgerAccountId) -> Balance {
        self.ledger.balance(account).expect("known account")
    }

    /// Executes a command that must apply new events, and checks the
    /// invariants after it.
    pub fn run(&mut self, command: &Command) -> Vec<Event> {
        let mut dirty = Dirty::default();
        let events = match self.ledger.execute(self.now_ms, command, &mut dirty) {
            Ok(Decision::Apply(events)) => events,
            Ok(Decision::AlreadyDone) => panic!("{command:?} was taken for a retry"),
            Err(error) => panic!("{command:?} was refused: {error:?}"),
        };
        assert!(events.is_empty() == dirty.is_empty(), "{command:?}: events {events:?}, dirty {dirty:?}");
        if let Err(broken) = self.ledger.check_invariants() {
            panic!("after {command:?}: {broken}");
        }
        self.events.extend(events.iter().cloned());
        events
    }

    /// Executes a command that must be a retry, changing nothing.
    pub fn retry(&mut self, command: &Command) {
        let before = self.ledger.clone();
        let mut dirty = Dirty::default();
        let decision = self.ledger.execute(self.now_ms, command, &mut dirty);
        assert_eq!(decision, Ok(Decision::AlreadyDone), "{command:?}");
        assert!(self.ledger == before && dirty.is_empty(), "the retry {command:?} changed something");
    }

    /// Executes a command that must be refused, and checks that the refusal
    /// changed nothing.
    pub fn refuse(&mut self, command: &Command) -> DomainError {
        let before = self.ledger.clone();
        let mut dirty = Dirty::default();
        let error = match self.ledger.execute(self.now_ms, command, &mut dirty) {
            Ok(decision) => panic!("{command:?} was accepted: {decision:?}"),
            Err(error) => error,
        };
        assert!(self.ledger == before, "the refused {command:?} changed the ledger");
        assert!(dirty.is_empty(), "the refused {command:?} marked {dirty:?} dirty");
        error
    }

    /// Replaying every event into an empty ledger gives this ledger.
    pub fn assert_replays(&self) {
        let mut replayed = Ledger::new();
        let mut dirty = Dirty::default();
        for event in &self.events {
            replayed.apply(event, &mut dirty);
        }
        assert!(replayed == self.ledger, "the replay differs");
        replayed.check_invariants().unwrap();
    }
}
