//! Shared set-up for the registry's integration tests: a registry with an
//! operator, a verifier, a proponent, a factory and a citizen organisation,
//! a removal class with a 15 % buffer, a registered 500-rai mangrove project
//! in Rayong (TH-21), and helpers to act as a member of an organisation, to
//! run commands that must succeed or must be refused (leaving the registry
//! untouched), and to issue verified reports.
//!
//! Every test file includes this module but uses only part of it.
#![allow(dead_code)]

use mangrove_core::*;
use mangrove_registry::*;

/// 2026-01-01T00:00:00Z, the moment every test command is decided at.
pub const NOW_MS: i64 = 1_767_225_600_000;
/// The removal class's buffer share: 15.00 %.
pub const BUFFER_BPS: u32 = 1_500;

pub fn date(text: &str) -> Date {
    Date::parse(text).expect("test dates are valid")
}

pub fn today() -> Date {
    date("2026-01-01")
}

/// A context for a member of `org` acting with `role`. The role is the
/// member's claim; the registry trusts it, so tests may also pass a role
/// other than the organisation's own.
pub fn member(org: OrgId, role: Role) -> Context {
    Context { actor: Actor::Member { user: UserId(100 + org.get()), org, role }, now_ms: NOW_MS, today: today() }
}

pub fn system() -> Context {
    Context { actor: Actor::System, now_ms: NOW_MS, today: today() }
}

/// A small outline at the mouth of the Rayong river, closed.
pub fn rayong_outline() -> Vec<[f64; 2]> {
    vec![[101.25, 12.67], [101.27, 12.67], [101.27, 12.69], [101.25, 12.69], [101.25, 12.67]]
}

pub fn project_details(class: ClassId, name: &str) -> ProjectDetails {
    ProjectDetails {
        class,
        name: name.to_string(),
        description: "Replanting Rhizophora along the Rayong river mouth".to_string(),
        jurisdiction: "TH-21".to_string(),
        location: rayong_outline(),
        area_rai: 500,
        buffer_bps: None,
    }
}

pub fn quantity(batch: BatchId, quantity: u64) -> Selection {
    Selection::Quantity { batch, quantity }
}

pub fn range(batch: BatchId, first: u64, last: u64) -> Selection {
    Selection::Range { batch, range: UnitRange { first, last } }
}

pub fn retire_command(account: AccountId, selection: Selection, beneficiary: &str) -> Command {
    Command::Retire {
        account,
        selection,
        beneficiary: beneficiary.to_string(),
        reason: "Offsets the 2025 boiler emissions".to_string(),
        jurisdiction: "TH-21".to_string(),
        inventory_year: 2025,
    }
}

/// A refusal a test expects: which command, by whom, and the kind and
/// field of the error.
pub struct Refusal {
    pub name: &'static str,
    pub context: Context,
    pub command: Command,
    pub kind: ErrorKind,
    pub field: Option<&'static str>,
}

/// A registry being driven by a test, with every event it produced so far.
pub struct World {
    pub registry: Registry,
    pub events: Vec<Event>,
    pub operator: OrgId,
    pub verifier: OrgId,
    pub proponent: OrgId,
    pub factory: OrgId,
    pub citizen: OrgId,
    pub class: ClassId,
    pub project: ProjectId,
}

impl World {
    /// An empty registry; the ids are placeholders until set.
    pub fn empty() -> World {
        World {
            registry: Registry::new(),
            events: Vec::new(),
            operator: OrgId(0),
            verifier: OrgId(0),
            proponent: OrgId(0),
            factory: OrgId(0),
            citizen: OrgId(0),
            class: ClassId(0),
            project: ProjectId(0),
        }
    }

    /// The five organisations, the class and a registered project with the
    /// class's default buffer.
    pub fn new() -> World {
        World::with_project_buffer(None)
    }

    /// As [`World::new`], the project's buffer share overriding the class's.
    pub fn with_project_buffer(buffer_bps: Option<u32>) -> World {
        let mut world = World::empty();
        world.operator = world.create_org(&system(), "Rayong City Municipality", Role::Operator);
        let operator = member(world.operator, Role::Operator);
        world.verifier = world.create_org(&operator, "Siam Validation Co.", Role::Verifier);
        world.proponent = world.create_org(&operator, "Rayong Mangrove Community Forest", Role::Proponent);
        world.factory = world.create_org(&operator, "Map Ta Phut Olefins", Role::Factory);
        world.citizen = world.create_org(&operator, "Somchai Household", Role::Citizen);
        let class = Command::CreateCreditClass {
            code: "T-VER-P-METH-13-02".into(),
            name: "Mangrove reforestation".into(),
            methodology: "Premium T-VER, mangrove planting and restoration".into(),
            kind: ClassKind::Removal,
            default_buffer_bps: BUFFER_BPS,
        };
        world.class = match world.run(&operator, &class).as_slice() {
            [Event::CreditClassCreated { class }] => class.id,
            other => panic!("unexpected events {other:?}"),
        };
        let details = ProjectDetails { buffer_bps, ..project_details(world.class, "Pak Nam Rayong mangroves") };
        world.project = world.register_project(world.proponent, Role::Proponent, details);
        world
    }

    /// [`World::new`] after issuing 4,700 t for the first half of 2025
    /// (batch 1), transferring 1,000 t to the factory and the factory
    /// retiring 250 t of them.
    pub fn market() -> (World, BatchId) {
        let mut world = World::new();
        let batch = world.issue_verified(4_700, ("2025-01-01", "2025-06-30"));
        world.transfer(world.proponent, world.factory, quantity(batch, 1_000));
        let factory = world.account(world.factory);
        world.run(&world.member(world.factory), &retire_command(factory, quantity(batch, 250), "Map Ta Phut Olefins"));
        (world, batch)
    }

    pub fn create_org(&mut self, context: &Context, name: &str, role: Role) -> OrgId {
        let command = Command::CreateOrganisation { name: name.into(), role };
        match self.run(context, &command).first() {
            Some(Event::OrganisationCreated { organisation }) => organisation.id,
            other => panic!("unexpected events {other:?}"),
        }
    }

    /// The holding account of `org`.
    pub fn account(&self, org: OrgId) -> AccountId {
        self.registry.organisation(org).expect("known organisation").account
    }

    pub fn buffer(&self) -> AccountId {
        self.registry.buffer_account().expect("the operator opened the buffer pool")
    }

    /// A member of `org` acting in the organisation's own role.
    pub fn member(&self, org: OrgId) -> Context {
        member(org, self.registry.organisation(org).expect("known organisation").role)
    }

    /// Executes a command that must succeed and checks the invariants after it.
    pub fn run(&mut self, context: &Context, command: &Command) -> Vec<Event> {
        let mut dirty = Dirty::default();
        let events = match self.registry.execute(context, command, &mut dirty) {
            Ok(events) => events,
            Err(error) => panic!("{command:?} by {:?} was refused: {error:?}", context.actor),
        };
        assert!(!events.is_empty() && !dirty.is_empty(), "{command:?} changed nothing");
        if let Err(broken) = self.registry.check_invariants() {
            panic!("after {command:?}: {broken}");
        }
        self.events.extend(events.iter().cloned());
        events
    }

    /// Executes a command that must be refused, and checks that the refusal
    /// changed nothing.
    pub fn refuse(&mut self, context: &Context, command: &Command) -> DomainError {
        let before = self.registry.clone();
        let mut dirty = Dirty::default();
        let error = match self.registry.execute(context, command, &mut dirty) {
            Ok(events) => panic!("{command:?} by {:?} was accepted: {events:?}", context.actor),
            Err(error) => error,
        };
        assert!(self.registry == before, "the refused {command:?} changed the registry");
        assert!(dirty.is_empty(), "the refused {command:?} marked records dirty: {dirty:?}");
        error
    }

    /// Checks each refusal's kind and field, one after the other.
    pub fn check_refusals(&mut self, cases: Vec<Refusal>) {
        for case in cases {
            let error = self.refuse(&case.context, &case.command);
            assert_eq!((error.kind, error.field), (case.kind, case.field), "{}: {error:?}", case.name);
            assert!(!error.message.is_empty(), "{}: an error says why", case.name);
        }
    }

    /// Drafts, submits, validates (by the verifier) and registers (by the
    /// operator) a project of `proponent`, whose member acts as `role`.
    pub fn register_project(&mut self, proponent: OrgId, role: Role, details: ProjectDetails) -> ProjectId {
        let owner = member(proponent, role);
        let project = match self.run(&owner, &Command::DraftProject { details }).as_slice() {
            [Event::ProjectDrafted { project }] => project.id,
            other => panic!("unexpected events {other:?}"),
        };
        self.run(&owner, &Command::SubmitProject { project });
        let review = Command::ReviewProject { project, decision: ProjectDecision::Validate, note: String::new() };
        self.run(&self.member(self.verifier), &review);
        self.run(&self.member(self.operator), &Command::RegisterProject { project });
        project
    }

    /// The proponent of `project` submits a report claiming `claimed` t.
    pub fn submit_report(&mut self, project: ProjectId, period: (&str, &str), claimed: u64) -> ReportId {
        let proponent = self.registry.project(project).expect("known project").proponent;
        let command = Command::SubmitReport {
            project,
            period_start: date(period.0),
            period_end: date(period.1),
            claimed_tco2e: claimed,
            calculation: "{\"method\": \"allometric\", \"plots\": 12}".into(),
        };
        match self.run(&self.member(proponent), &command).as_slice() {
            [Event::ReportSubmitted { report }] => report.id,
            other => panic!("unexpected events {other:?}"),
        }
    }

    pub fn verify(&mut self, report: ReportId, verified: u64) {
        let command = Command::ReviewReport {
            report,
            decision: ReportDecision::Verify,
            verified_tco2e: verified,
            note: String::new(),
        };
        self.run(&self.member(self.verifier), &command);
    }

    /// The operator issues a verified report.
    pub fn issue(&mut self, report: ReportId) -> BatchId {
        match self.run(&self.member(self.operator), &Command::IssueCredits { report }).as_slice() {
            [Event::CreditsIssued { batch, .. }] => batch.id,
            other => panic!("unexpected events {other:?}"),
        }
    }

    /// Submits, verifies and issues a report of `project`.
    pub fn issue_for(&mut self, project: ProjectId, period: (&str, &str), claimed: u64, verified: u64) -> BatchId {
        let report = self.submit_report(project, period, claimed);
        self.verify(report, verified);
        self.issue(report)
    }

    /// Issues `tonnes`, claimed and verified in full, for the world's project.
    pub fn issue_verified(&mut self, tonnes: u64, period: (&str, &str)) -> BatchId {
        self.issue_for(self.project, period, tonnes, tonnes)
    }

    /// A member of `from` transfers units to `to`'s holding account.
    pub fn transfer(&mut self, from: OrgId, to: OrgId, selection: Selection) -> Vec<Event> {
        let command = Command::Transfer { from: self.account(from), to: self.account(to), selection };
        self.run(&self.member(from), &command)
    }

    /// The blocks of `batch` as (first, last, account, state), in unit order.
    pub fn blocks_of(&self, batch: BatchId) -> Vec<(u64, u64, AccountId, UnitState)> {
        let blocks = self.registry.blocks().filter(|block| block.batch == batch);
        blocks.map(|block| (block.range.first, block.range.last, block.account, block.state)).collect()
    }

    /// The serials of the blocks of `batch`, in unit order.
    pub fn serials_of(&self, batch: BatchId) -> Vec<String> {
        let blocks = self.registry.blocks().filter(|block| block.batch == batch);
        blocks.map(|block| self.registry.serial(batch, block.range).expect("known batch").to_string()).collect()
    }

    /// (active, held) of an organisation's holding account in `batch`.
    pub fn holding(&self, org: OrgId, batch: BatchId) -> (u64, u64) {
        let holding = self.registry.holding(self.account(org), batch);
        (holding.active_tco2e.get(), holding.held_tco2e.get())
    }

    /// (active, held, retired, cancelled) of `batch`.
    pub fn totals(&self, batch: BatchId) -> (u64, u64, u64, u64) {
        let totals = self.registry.batch_totals(batch);
        (totals.active_tco2e.get(), totals.held_tco2e.get(), totals.retired_tco2e.get(), totals.cancelled_tco2e.get())
    }

    /// Replays every event so far into a fresh registry.
    pub fn replay(&self) -> Registry {
        let mut fresh = Registry::new();
        let mut dirty = Dirty::default();
        for event in &self.events {
            fresh.apply(event, &mut dirty);
        }
        fresh
    }
}
