//! Property tests over random sequences of up to 60 commands (deposits,
//! withdrawals, payments, holds with and without timeouts, partial posts,
//! voids, linked batches of up to four of these, expiry sweeps, and resends
//! of earlier commands) with random accounts (including the settlement
//! accounts, the other asset's and an unknown one), random amounts (zero,
//! small, larger than any balance, the bound and just over it) and ids from
//! a small pool so that they collide, while the clock moves on at random.
//!
//! Each command is also decided by an independent model that knows only
//! net balances, what each account holds and is promised, and each hold's
//! remainder. After every command: the ledger applied it, took it for a
//! retry, or refused it exactly as the model did; a retry or refusal left
//! the ledger equal to before with nothing dirty; every balance and hold is
//! what the model says; computed here from the balances, per asset posted
//! and pending balances sum to zero and no account but a settlement
//! account has a negative available balance; and the ledger's own
//! invariants hold. Replaying all events into an empty ledger gives an
//! equal ledger.

mod support;

use mangrove_ledger::*;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestCaseError;
use std::collections::BTreeMap;
use support::*;

const MAX: u64 = AMOUNT_PER_TRANSFER_MAX;
/// How many different ids transfers pick from: few, so that they collide.
const IDS: usize = 24;
/// How many more ids holds mostly pick from, so that posts and voids
/// often find one.
const HOLD_IDS: usize = 8;
const ACCOUNTS: [LedgerAccountId; 9] =
    [SETTLEMENT, FEES, CLEARING, FACTORY, PROPONENT, CITIZEN, TREASURY, CITIZEN_POINTS, UNKNOWN];
/// The accounts most commands pick from: the baht accounts that may pay.
const PAYERS: [LedgerAccountId; 5] = [FEES, CLEARING, FACTORY, PROPONENT, CITIZEN];

// ---- the model ------------------------------------------------------

fn asset_of(account: LedgerAccountId) -> Option<Asset> {
    match account.get() {
        1..=6 => Some(Asset::Thb),
        7 | 8 => Some(Asset::GreenPoints),
        _ => None,
    }
}

fn is_settlement(account: LedgerAccountId) -> bool {
    account == SETTLEMENT || account == TREASURY
}

fn settlement_of(asset: Asset) -> LedgerAccountId {
    match asset {
        Asset::Thb => SETTLEMENT,
        Asset::GreenPoints => TREASURY,
    }
}

#[derive(Debug, Clone, PartialEq)]
struct ModelHold {
    debit: LedgerAccountId,
    credit: LedgerAccountId,
    left: u64,
    open: bool,
    expires_at_ms: Option<i64>,
}

#[derive(Debug, Clone, Default)]
struct Model {
    /// Net posted balance of each account.
    posted: BTreeMap<LedgerAccountId, i128>,
    /// Held from each account by open holds.
    held: BTreeMap<LedgerAccountId, u64>,
    /// Promised to each account by open holds.
    promised: BTreeMap<LedgerAccountId, u64>,
    holds: BTreeMap<TransferId, ModelHold>,
    done: BTreeMap<TransferId, TransferSpec>,
}

enum Outcome {
    Applied(Model),
    Retry,
    Refused,
}

fn initial_model() -> Model {
    let mut model = Model::default();
    for (name, account, units) in [
        ("bank-factory-1", FACTORY, FACTORY_DEPOSIT),
        ("bank-citizen-1", CITIZEN, CITIZEN_DEPOSIT),
        ("quest-citizen-1", CITIZEN_POINTS, CITIZEN_POINTS_DEPOSIT),
    ] {
        let spec = deposit(name, account, units);
        assert!(model.transfer(START_MS, &spec));
    }
    model
}

impl Model {
    fn available(&self, account: LedgerAccountId) -> i128 {
        self.posted.get(&account).copied().unwrap_or(0) - i128::from(self.held.get(&account).copied().unwrap_or(0))
    }

    fn pay(&mut self, debit: LedgerAccountId, credit: LedgerAccountId, units: u64) {
        *self.posted.entry(debit).or_default() -= i128::from(units);
        *self.posted.entry(credit).or_default() += i128::from(units);
    }

    /// Holds `units` in `debit` for `credit`, or releases them.
    fn reserve(&mut self, debit: LedgerAccountId, credit: LedgerAccountId, units: u64, hold: bool) {
        for (map, account) in [(&mut self.held, debit), (&mut self.promised, credit)] {
            let entry = map.entry(account).or_default();
            *entry = if hold { *entry + units } else { *entry - units };
        }
    }

    fn step(&self, now_ms: i64, command: &Command) -> Outcome {
        match command {
            Command::Transfer(spec) => {
                if let Some(done) = self.done.get(spec.id()) {
                    return if done == spec { Outcome::Retry } else { Outcome::Refused };
                }
                let mut next = self.clone();
                if next.transfer(now_ms, spec) {
                    Outcome::Applied(next)
                } else {
                    Outcome::Refused
                }
            }
            Command::Batch { transfers } => {
                let mut ids: Vec<&TransferId> = transfers.iter().map(TransferSpec::id).collect();
                ids.sort();
                ids.dedup();
                if transfers.is_empty() || ids.len() != transfers.len() {
                    return Outcome::Refused;
                }
                if transfers.iter().all(|spec| self.done.get(spec.id()) == Some(spec)) {
                    return Outcome::Retry;
                }
                let mut next = self.clone();
                for spec in transfers {
                    if next.done.contains_key(spec.id()) || !next.transfer(now_ms, spec) {
                        return Outcome::Refused;
                    }
                }
                Outcome::Applied(next)
            }
            Command::ExpireHolds => {
                let mut next = self.clone();
                let due: Vec<TransferId> = next
                    .holds
                    .iter()
                    .filter(|(_, hold)| hold.open && hold.expires_at_ms.is_some_and(|at| at <= now_ms))
                    .map(|(id, _)| id.clone())
                    .collect();
                for id in due {
                    let hold = next.holds[&id].clone();
                    next.reserve(hold.debit, hold.credit, hold.left, false);
                    next.holds.insert(id, ModelHold { left: 0, open: false, ..hold });
                }
                Outcome::Applied(next)
            }
            Command::OpenAccount { .. } | Command::SetFee { .. } => unreachable!("not generated"),
        }
    }

    /// Applies one new transfer if the rules allow it.
    fn transfer(&mut self, now_ms: i64, spec: &TransferSpec) -> bool {
        let sized = |amount: Amount| (1..=MAX).contains(&amount.get());
        let pair = |debit: LedgerAccountId, credit: LedgerAccountId| {
            let (Some(from), Some(to)) = (asset_of(debit), asset_of(credit)) else { return false };
            from == to && debit != credit && !is_settlement(debit) && !is_settlement(credit)
        };
        let accepted = match spec {
            TransferSpec::Deposit { account, amount, .. } => match asset_of(*account) {
                Some(asset) if !is_settlement(*account) && sized(*amount) => {
                    self.pay(settlement_of(asset), *account, amount.get());
                    true
                }
                _ => false,
            },
            TransferSpec::Withdrawal { account, amount, .. } => match asset_of(*account) {
                Some(asset) if !is_settlement(*account) && sized(*amount) => {
                    let covered = self.available(*account) >= i128::from(amount.get());
                    if covered {
                        self.pay(*account, settlement_of(asset), amount.get());
                    }
                    covered
                }
                _ => false,
            },
            TransferSpec::Posted { debit, credit, amount, .. } => {
                let ok = pair(*debit, *credit) && sized(*amount) && self.available(*debit) >= i128::from(amount.get());
                if ok {
                    self.pay(*debit, *credit, amount.get());
                }
                ok
            }
            TransferSpec::Pending { id, debit, credit, amount, timeout_ms } => {
                let timeout_ok = timeout_ms.is_none_or(|t| (1..=HOLD_TIMEOUT_MS_MAX).contains(&t));
                let ok = pair(*debit, *credit)
                    && sized(*amount)
                    && timeout_ok
                    && self.available(*debit) >= i128::from(amount.get());
                if ok {
                    self.reserve(*debit, *credit, amount.get(), true);
                    let expires_at_ms = timeout_ms.map(|t| now_ms + t as i64);
                    let hold =
                        ModelHold { debit: *debit, credit: *credit, left: amount.get(), open: true, expires_at_ms };
                    self.holds.insert(id.clone(), hold);
                }
                ok
            }
            TransferSpec::PostPending { pending, amount, .. } => match self.holds.get(pending).cloned() {
                Some(hold)
                    if hold.open
                        && hold.expires_at_ms.is_none_or(|at| now_ms < at)
                        && sized(*amount)
                        && amount.get() <= hold.left =>
                {
                    self.reserve(hold.debit, hold.credit, amount.get(), false);
                    self.pay(hold.debit, hold.credit, amount.get());
                    let left = hold.left - amount.get();
                    self.holds.insert(pending.clone(), ModelHold { left, open: left > 0, ..hold });
                    true
                }
                _ => false,
            },
            TransferSpec::VoidPending { pending, .. } => match self.holds.get(pending).cloned() {
                Some(hold) if hold.open => {
                    self.reserve(hold.debit, hold.credit, hold.left, false);
                    self.holds.insert(pending.clone(), ModelHold { left: 0, open: false, ..hold });
                    true
                }
                _ => false,
            },
        };
        if accepted {
            self.done.insert(spec.id().clone(), spec.clone());
        }
        accepted
    }
}

// ---- the generated commands ------------------------------------------

/// An amount: fixed, or at the edge of what the paying account has
/// available (or, for a post, of what the hold has left), plus -1, 0 or 1.
#[derive(Debug, Clone, Copy)]
enum Units {
    Fixed(u64),
    Edge(i128),
}

impl Units {
    fn resolve(self, edge: i128) -> Amount {
        match self {
            Units::Fixed(units) => amount(units),
            Units::Edge(offset) => amount(u64::try_from((edge + offset).max(0)).unwrap_or(u64::MAX)),
        }
    }
}

#[derive(Debug, Clone)]
enum Item {
    Deposit(LedgerAccountId, Units, usize),
    Withdrawal(LedgerAccountId, Units, usize),
    Posted(LedgerAccountId, LedgerAccountId, Units, usize),
    Pending(LedgerAccountId, LedgerAccountId, Units, Option<u64>, usize),
    Post(usize, Units, usize),
    Void(usize, usize),
}

#[derive(Debug, Clone)]
enum OpKind {
    One(Item),
    Batch(Vec<Item>),
    Expire,
    /// Sends again the n-th command sent so far (modulo their number).
    Resend(usize),
}

#[derive(Debug, Clone)]
struct Op {
    wait_ms: i64,
    kind: OpKind,
}

/// Ids below `IDS` are `t<n>`, the rest `h<n>`.
fn name(n: usize) -> TransferId {
    if n < IDS {
        id(&format!("t{n}"))
    } else {
        id(&format!("h{}", n - IDS))
    }
}

impl Item {
    /// The request, its edge amounts taken from the model as it is now.
    fn spec(&self, model: &Model) -> TransferSpec {
        match *self {
            Item::Deposit(account, units, n) => {
                TransferSpec::Deposit { id: name(n), account, amount: units.resolve(model.available(account)) }
            }
            Item::Withdrawal(account, units, n) => {
                TransferSpec::Withdrawal { id: name(n), account, amount: units.resolve(model.available(account)) }
            }
            Item::Posted(debit, credit, units, n) => {
                TransferSpec::Posted { id: name(n), debit, credit, amount: units.resolve(model.available(debit)) }
            }
            Item::Pending(debit, credit, units, timeout_ms, n) => {
                let amount = units.resolve(model.available(debit));
                TransferSpec::Pending { id: name(n), debit, credit, amount, timeout_ms }
            }
            Item::Post(hold, units, n) => {
                let left = model.holds.get(&name(hold)).map_or(0, |hold| hold.left);
                TransferSpec::PostPending { id: name(n), pending: name(hold), amount: units.resolve(i128::from(left)) }
            }
            Item::Void(hold, n) => TransferSpec::VoidPending { id: name(n), pending: name(hold) },
        }
    }
}

impl Op {
    fn command(&self, sent: &[Command], model: &Model) -> Command {
        match &self.kind {
            OpKind::One(item) => Command::Transfer(item.spec(model)),
            OpKind::Batch(items) => Command::Batch { transfers: items.iter().map(|item| item.spec(model)).collect() },
            OpKind::Expire => Command::ExpireHolds,
            OpKind::Resend(n) => sent.get(n % sent.len().max(1)).cloned().unwrap_or(Command::ExpireHolds),
        }
    }
}

fn account() -> impl Strategy<Value = LedgerAccountId> {
    prop_oneof![3 => proptest::sample::select(&PAYERS[..]), 1 => proptest::sample::select(&ACCOUNTS[..])]
}

/// An account with money to hold, mostly.
fn funded() -> impl Strategy<Value = LedgerAccountId> {
    prop_oneof![3 => proptest::sample::select(&[FACTORY, CITIZEN][..]), 1 => account()]
}

/// A part of a hold to post: mostly small, so that several parts fit.
fn part() -> impl Strategy<Value = Units> {
    prop_oneof![3 => (1..=300u64).prop_map(Units::Fixed), 1 => units()]
}

fn units() -> impl Strategy<Value = Units> {
    prop_oneof![
        1 => Just(Units::Fixed(0)),
        6 => (1..=2_000u64).prop_map(Units::Fixed),
        3 => (1..=100_000u64).prop_map(Units::Fixed),
        1 => (1..=2_000_000u64).prop_map(Units::Fixed),
        1 => Just(Units::Fixed(MAX)),
        1 => Just(Units::Fixed(MAX + 1)),
        3 => (-1..=1i128).prop_map(Units::Edge),
    ]
}

fn timeout() -> impl Strategy<Value = Option<u64>> {
    prop_oneof![
        3 => Just(None),
        2 => (1..=2_000u64).prop_map(Some),
        2 => (1..=30_000u64).prop_map(Some),
        1 => Just(Some(0)),
        1 => Just(Some(u64::MAX)),
    ]
}

/// An id for a transfer, sometimes one a hold would take.
fn transfer_id() -> impl Strategy<Value = usize> {
    prop_oneof![5 => 0..IDS, 1 => IDS..IDS + HOLD_IDS]
}

/// An id for a hold, or of the hold a post or void names; sometimes another transfer's.
fn hold_id() -> impl Strategy<Value = usize> {
    prop_oneof![5 => IDS..IDS + HOLD_IDS, 1 => 0..IDS]
}

fn item() -> impl Strategy<Value = Item> {
    prop_oneof![
        2 => (account(), units(), transfer_id()).prop_map(|(a, u, n)| Item::Deposit(a, u, n)),
        1 => (account(), units(), transfer_id()).prop_map(|(a, u, n)| Item::Withdrawal(a, u, n)),
        2 => (account(), account(), units(), transfer_id()).prop_map(|(d, c, u, n)| Item::Posted(d, c, u, n)),
        3 => (funded(), account(), units(), timeout(), hold_id())
            .prop_map(|(d, c, u, t, n)| Item::Pending(d, c, u, t, n)),
        4 => (hold_id(), part(), transfer_id()).prop_map(|(h, u, n)| Item::Post(h, u, n)),
        2 => (hold_id(), transfer_id()).prop_map(|(h, n)| Item::Void(h, n)),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    let kind = prop_oneof![
        8 => item().prop_map(OpKind::One),
        3 => proptest::collection::vec(item(), 1..=4).prop_map(OpKind::Batch),
        1 => Just(OpKind::Expire),
        2 => any::<usize>().prop_map(OpKind::Resend),
    ];
    (0..=400i64, kind).prop_map(|(wait_ms, kind)| Op { wait_ms, kind })
}

// ---- running them ------------------------------------------------------

struct Run {
    book: Book,
    model: Model,
    /// How many commands of each kind the ledger applied, and how many it took for a retry.
    outcomes: BTreeMap<&'static str, usize>,
}

fn kind(command: &Command) -> &'static str {
    match command {
        Command::Transfer(spec) => match spec {
            TransferSpec::Deposit { .. } => "deposit",
            TransferSpec::Withdrawal { .. } => "withdrawal",
            TransferSpec::Posted { .. } => "posted",
            TransferSpec::Pending { timeout_ms: None, .. } => "pending",
            TransferSpec::Pending { .. } => "pending with timeout",
            TransferSpec::PostPending { .. } => "post",
            TransferSpec::VoidPending { .. } => "void",
        },
        Command::Batch { .. } => "batch",
        Command::ExpireHolds => "expire",
        Command::OpenAccount { .. } | Command::SetFee { .. } => "other",
    }
}

fn run_ops(ops: &[Op], check: bool) -> Result<Run, TestCaseError> {
    let mut run = Run { book: Book::new(), model: initial_model(), outcomes: BTreeMap::new() };
    let mut sent = Vec::new();
    for op in ops {
        run.book.wait(op.wait_ms);
        let command = op.command(&sent, &run.model);
        let now_ms = run.book.now_ms;
        let before = run.book.ledger.clone();
        let mut dirty = Dirty::default();
        let result = run.book.ledger.execute(now_ms, &command, &mut dirty);
        match (result, run.model.step(now_ms, &command)) {
            (Ok(Decision::Apply(events)), Outcome::Applied(next)) => {
                let expired_none = matches!(command, Command::ExpireHolds) && events.is_empty();
                prop_assert!(expired_none || !dirty.is_empty(), "{:?} marked nothing dirty", command);
                if !expired_none {
                    *run.outcomes.entry(kind(&command)).or_default() += 1;
                }
                run.book.events.extend(events);
                run.model = next;
            }
            (Ok(Decision::AlreadyDone), Outcome::Retry) => {
                prop_assert!(
                    run.book.ledger == before && dirty.is_empty(),
                    "the retry {:?} changed something",
                    command
                );
                *run.outcomes.entry("retry").or_default() += 1;
            }
            (Err(_), Outcome::Refused) => {
                prop_assert!(run.book.ledger == before, "the refused {:?} changed the ledger", command);
                prop_assert!(dirty.is_empty(), "the refused {:?} marked {:?} dirty", command, dirty);
            }
            (result, _) => prop_assert!(false, "{:?}: the ledger says {:?}, the model differs", command, result),
        }
        sent.push(command);
        if check {
            check_state(&run).map_err(|error| TestCaseError::fail(format!("after {:?}: {error}", sent.last())))?;
        }
    }
    Ok(run)
}

fn check_state(run: &Run) -> Result<(), String> {
    let (ledger, model) = (&run.book.ledger, &run.model);
    ledger.check_invariants()?;
    let mut sums: BTreeMap<Asset, (i128, i128)> = BTreeMap::new();
    for account in ledger.accounts() {
        let balance = ledger.balance(account.id).ok_or("an account without a balance")?;
        let held = model.held.get(&account.id).copied().unwrap_or(0);
        let promised = model.promised.get(&account.id).copied().unwrap_or(0);
        let expected = (model.posted.get(&account.id).copied().unwrap_or(0), held, promised);
        let found = (balance.posted(), balance.pending_debits.get(), balance.pending_credits.get());
        if found != expected {
            return Err(format!("{}: (posted, held, promised) {found:?}, the model says {expected:?}", account.id));
        }
        if account.kind != AccountKind::Settlement && balance.available() < 0 {
            return Err(format!("{} is overdrawn", account.id));
        }
        let sum = sums.entry(account.asset).or_default();
        sum.0 += balance.posted();
        sum.1 += balance.pending();
    }
    if sums.values().any(|sum| *sum != (0, 0)) {
        return Err(format!("the balances do not sum to zero: {sums:?}"));
    }
    for (id, expected) in &model.holds {
        let hold = ledger.hold(id).ok_or_else(|| format!("the hold {id} is missing"))?;
        let found = (hold.debit, hold.credit, hold.remaining().get(), hold.is_open(), hold.expires_at_ms);
        let wanted = (expected.debit, expected.credit, expected.left, expected.open, expected.expires_at_ms);
        if found != wanted {
            return Err(format!("the hold {id} is {found:?}, the model says {wanted:?}"));
        }
    }
    let open = model.holds.values().filter(|hold| hold.open).count();
    if ledger.holds().count() != model.holds.len() || ledger.open_hold_count() != open {
        return Err("the ledger has other holds than the model".into());
    }
    Ok(())
}

#[test]
fn the_generated_commands_are_often_applied() {
    // Not a property: makes sure the generator reaches every kind of
    // command that applies, so the properties are not checking only refusals.
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let sequences = proptest::collection::vec(op(), 60);
    let mut applied: BTreeMap<&'static str, usize> = BTreeMap::new();
    for _ in 0..50 {
        let ops = sequences.new_tree(&mut runner).unwrap().current();
        let run = run_ops(&ops, false).unwrap();
        for (kind, count) in run.outcomes {
            *applied.entry(kind).or_default() += count;
        }
    }
    let kinds = [
        "batch",
        "deposit",
        "expire",
        "pending",
        "pending with timeout",
        "post",
        "posted",
        "retry",
        "void",
        "withdrawal",
    ];
    assert_eq!(applied.keys().copied().collect::<Vec<_>>(), kinds, "{applied:?}");
    assert!(applied.values().all(|count| *count >= 10), "{applied:?}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn every_command_agrees_with_the_model_and_keeps_the_ledger_balanced(ops in proptest::collection::vec(op(), 1..=60)) {
        run_ops(&ops, true)?;
    }

    #[test]
    fn replaying_the_events_gives_an_equal_ledger(ops in proptest::collection::vec(op(), 1..=60)) {
        let run = run_ops(&ops, false)?;
        let mut replayed = Ledger::new();
        let mut dirty = Dirty::default();
        for event in &run.book.events {
            replayed.apply(event, &mut dirty);
        }
        prop_assert!(replayed == run.book.ledger, "the replay differs");
        prop_assert!(replayed.check_invariants().is_ok());
    }
}
