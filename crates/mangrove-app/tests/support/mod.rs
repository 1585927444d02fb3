//! A small Rayong for the trading tests: the operator with its baht
//! accounts, a verifier, the municipality with 1,000 t of the mangrove's
//! 2025 vintage listed on the exchange, two factories and a citizen with
//! cash. Every command goes through `App::submit`, and the journal is kept
//! so that a test can replay it.

#![allow(dead_code)]

use mangrove_app::*;
use mangrove_core::journal::Envelope;
use mangrove_core::*;
use mangrove_ledger::{AccountKind, Amount, Asset, Owner, TransferId, TransferSpec};
use mangrove_registry::*;

pub const NOW_MS: i64 = 1_767_225_600_000;
pub const TICK_SATANG: u64 = 100;
/// Cash each buyer starts with: 1,000,000 baht.
pub const DEPOSIT_SATANG: u64 = 100_000_000;
pub const ISSUED_TCO2E: u64 = 1_000;

pub struct Town {
    pub app: App,
    pub journal: Vec<JournalEvent>,
    pub operator: OrgId,
    pub verifier: OrgId,
    pub seller: OrgId,
    pub buyers: Vec<OrgId>,
    pub batch: BatchId,
    pub instrument: InstrumentId,
}

pub fn context(actor: Actor, now_ms: i64) -> Context {
    Context { actor, now_ms, today: Date::parse("2026-01-01").unwrap() }
}

pub fn member(app: &App, org: OrgId) -> Actor {
    let role = app.registry.organisation(org).expect("known organisation").role;
    Actor::Member { user: UserId(1_000 + org.get()), org, role }
}

impl Town {
    pub fn run(&mut self, actor: Actor, command: impl Into<AppCommand>) -> DomainResult<Vec<AppEvent>> {
        self.run_at(actor, command, NOW_MS)
    }

    pub fn run_at(&mut self, actor: Actor, command: impl Into<AppCommand>, now_ms: i64) -> DomainResult<Vec<AppEvent>> {
        let submission = Submission::new(&actor, None, command)?;
        let next = self.journal.len() as u64;
        match self.app.submit(&context(actor, now_ms), &submission, next)? {
            Outcome::Applied(events) => {
                for (offset, payload) in events.iter().enumerate() {
                    self.journal.push(Envelope {
                        format: mangrove_core::journal::JOURNAL_FORMAT,
                        seq: next + offset as u64,
                        time_ms: now_ms,
                        command_id: App::command_id(&submission, next),
                        command_hash: submission.command_hash.clone(),
                        actor: actor.label(),
                        deployment_key: None,
                        payload: payload.clone(),
                    });
                }
                Ok(events)
            }
            Outcome::Replayed { .. } => Ok(Vec::new()),
        }
    }

    pub fn ok(&mut self, actor: Actor, command: impl Into<AppCommand>) -> Vec<AppEvent> {
        let command = command.into();
        self.run(actor, command.clone()).unwrap_or_else(|why| panic!("{command:?} was refused: {why:?}"))
    }

    pub fn as_member(&self, org: OrgId) -> Actor {
        member(&self.app, org)
    }

    pub fn account(&self, org: OrgId) -> AccountId {
        self.app.registry.organisation(org).expect("known organisation").account
    }

    pub fn active_tco2e(&self, org: OrgId) -> u64 {
        self.app.registry.holding(self.account(org), self.batch).active_tco2e.get()
    }

    pub fn held_tco2e(&self, org: OrgId) -> u64 {
        self.app.registry.holding(self.account(org), self.batch).held_tco2e.get()
    }

    /// Posted baht (in satang) of an organisation's cash account.
    pub fn cash(&self, org: OrgId) -> i128 {
        let account = self.app.ledger.account_for(Owner::Org(org), Asset::Thb, AccountKind::Ordinary);
        account.and_then(|id| self.app.ledger.balance(id)).map_or(0, |b| b.posted())
    }

    pub fn available(&self, org: OrgId) -> i128 {
        let account = self.app.ledger.account_for(Owner::Org(org), Asset::Thb, AccountKind::Ordinary);
        account.and_then(|id| self.app.ledger.balance(id)).map_or(0, |b| b.available())
    }

    pub fn fees(&self) -> i128 {
        let account = self.app.ledger.operator_account(AccountKind::Fee, Asset::Thb).unwrap();
        self.app.ledger.balance(account).unwrap().posted()
    }

    pub fn order(
        &mut self,
        org: OrgId,
        side: Side,
        kind: OrderKind,
        price: Option<u64>,
        qty: u64,
        tif: TimeInForce,
    ) -> DomainResult<Vec<AppEvent>> {
        let command = MarketCommand::PlaceOrder {
            instrument: self.instrument,
            account: self.account(org),
            side,
            kind,
            price_satang: price,
            qty_tco2e: qty,
            tif,
            expires_at_ms: None,
        };
        self.run(self.as_member(org), command)
    }

    pub fn limit(&mut self, org: OrgId, side: Side, price: u64, qty: u64) -> Vec<AppEvent> {
        self.order(org, side, OrderKind::Limit, Some(price), qty, TimeInForce::Gtc).expect("the order is accepted")
    }

    /// The app rebuilt from the journal alone, as after a restart.
    pub fn replayed(&self) -> App {
        let mut app = App::default();
        for event in &self.journal {
            app.replay(event, &mut AppDirty::default()).expect("the journal replays");
        }
        app
    }
}

pub use mangrove_exchange::{OrderKind, Side, TimeInForce};

/// Builds the town: the registry's lifecycle up to an issued batch, the
/// ledger's operator accounts and deposits, and the listed instrument.
pub fn town(fee_bps: u32) -> Town {
    let mut town = Town {
        app: App::default(),
        journal: Vec::new(),
        operator: OrgId(0),
        verifier: OrgId(0),
        seller: OrgId(0),
        buyers: Vec::new(),
        batch: BatchId(0),
        instrument: InstrumentId(0),
    };
    let org = |town: &mut Town, name: &str, role: Role| {
        let events = town.ok(Actor::System, Command::CreateOrganisation { name: name.into(), role });
        match events.first().and_then(AppEvent::registry) {
            Some(Event::OrganisationCreated { organisation }) => organisation.id,
            other => panic!("no organisation: {other:?}"),
        }
    };
    town.operator = org(&mut town, "Rayong City Development Company", Role::Operator);
    town.verifier = org(&mut town, "Eastern Seaboard Validation Body", Role::Verifier);
    town.seller = org(&mut town, "Rayong City Municipality", Role::Proponent);
    for (name, role) in
        [("Map Ta Phut Olefins", Role::Factory), ("Rayong Refinery", Role::Factory), ("Somchai", Role::Citizen)]
    {
        let id = org(&mut town, name, role);
        town.buyers.push(id);
    }
    issue(&mut town);
    open_cash(&mut town, fee_bps);
    let operator = town.as_member(town.operator);
    let listed = town.ok(operator, MarketCommand::ListInstrument { batch: town.batch, tick_satang: TICK_SATANG });
    town.instrument = match listed.first() {
        Some(AppEvent::Market(MarketEvent::InstrumentListed { instrument })) => instrument.id,
        other => panic!("nothing listed: {other:?}"),
    };
    town
}

fn issue(town: &mut Town) {
    let operator = town.as_member(town.operator);
    let class = Command::CreateCreditClass {
        code: "T-VER-P-METH-13-02".into(),
        name: "Mangrove restoration".into(),
        methodology: "Premium T-VER".into(),
        kind: ClassKind::Removal,
        default_buffer_bps: 0,
    };
    town.ok(operator, class);
    let details = ProjectDetails {
        class: ClassId(1),
        name: "Rayong river-mouth mangrove".into(),
        description: String::new(),
        jurisdiction: "TH-21".into(),
        location: vec![[101.25, 12.67], [101.27, 12.67], [101.27, 12.69]],
        area_rai: 500,
        buffer_bps: None,
    };
    let seller = town.as_member(town.seller);
    let verifier = town.as_member(town.verifier);
    town.ok(seller, Command::DraftProject { details });
    let project = ProjectId(1);
    town.ok(seller, Command::SubmitProject { project });
    town.ok(verifier, Command::ReviewProject { project, decision: ProjectDecision::Validate, note: String::new() });
    town.ok(operator, Command::RegisterProject { project });
    let report = Command::SubmitReport {
        project,
        period_start: Date::parse("2025-01-01").unwrap(),
        period_end: Date::parse("2025-12-31").unwrap(),
        claimed_tco2e: ISSUED_TCO2E,
        calculation: "{}".into(),
    };
    town.ok(seller, report);
    let review = Command::ReviewReport {
        report: ReportId(1),
        decision: ReportDecision::Verify,
        verified_tco2e: ISSUED_TCO2E,
        note: String::new(),
    };
    town.ok(verifier, review);
    town.ok(verifier, Command::IssueCredits { report: ReportId(1) });
    town.batch = BatchId(1);
}

fn open_cash(town: &mut Town, fee_bps: u32) {
    use mangrove_ledger::Command as L;
    let operator = town.as_member(town.operator);
    for kind in [AccountKind::Settlement, AccountKind::Clearing, AccountKind::Fee] {
        town.ok(operator, L::OpenAccount { owner: Owner::Operator, asset: Asset::Thb, kind });
    }
    town.ok(operator, L::SetFee { asset: Asset::Thb, fee_bps });
    for buyer in town.buyers.clone() {
        town.ok(operator, L::OpenAccount { owner: Owner::Org(buyer), asset: Asset::Thb, kind: AccountKind::Ordinary });
        let account = town.app.ledger.account_for(Owner::Org(buyer), Asset::Thb, AccountKind::Ordinary).unwrap();
        let id = TransferId::new(format!("bank-{}", buyer.get())).unwrap();
        town.ok(operator, L::Transfer(TransferSpec::Deposit { id, account, amount: Amount::new(DEPOSIT_SATANG) }));
    }
}
