//! The registry's lifecycle end to end, with numbers checked by hand: the
//! first organisation and the buffer pool, the project lifecycle, reports
//! and issuance with the 15 % buffer (4,700 t verified gives 705 t of buffer
//! and 3,995 t to the proponent), transfer, retirement and the serials of
//! the blocks they split, holds (place, release, settle), reversals from
//! the buffer pool, Thai text in every name field, and replaying the events
//! into a fresh registry. Refusals of the failure modes of DOMAIN.md live in
//! `refusals.rs`.

mod support;

use mangrove_core::*;
use mangrove_registry::*;
use support::*;

const H1_2025: (&str, &str) = ("2025-01-01", "2025-06-30");

fn units(first: u64, last: u64) -> UnitRange {
    UnitRange { first, last }
}

#[test]
fn the_first_organisation_is_the_operator_and_opens_the_buffer_pool() {
    let mut world = World::empty();
    let create = |name: &str, role| Command::CreateOrganisation { name: name.into(), role };
    let cases = vec![
        Refusal {
            name: "a proponent first",
            context: system(),
            command: create("Rayong City", Role::Proponent),
            kind: ErrorKind::Conflict,
            field: None,
        },
        Refusal {
            name: "the operator created by a member of an organisation that does not exist",
            context: member(OrgId(1), Role::Operator),
            command: create("Rayong City", Role::Operator),
            kind: ErrorKind::Forbidden,
            field: None,
        },
        Refusal {
            name: "a blank name",
            context: system(),
            command: create(" \t ", Role::Operator),
            kind: ErrorKind::Invalid,
            field: Some("name"),
        },
    ];
    world.check_refusals(cases);
    assert_eq!(world.registry, Registry::new());

    let events = world.run(&system(), &create("Rayong City", Role::Operator));
    let name = "Rayong City".to_string();
    let operator = Organisation { id: OrgId(1), name, role: Role::Operator, account: AccountId(1) };
    let pool = Account { id: AccountId(2), holder: Holder::Org(OrgId(1)), kind: AccountKind::BufferPool };
    assert_eq!(
        events,
        vec![Event::OrganisationCreated { organisation: operator }, Event::BufferPoolOpened { account: pool }]
    );
    assert_eq!(world.registry.buffer_account(), Some(AccountId(2)));

    // A second operator gets a holding account after the pool and no second pool.
    let events = world.run(&system(), &create("Eastern Seaboard Office", Role::Operator));
    assert!(matches!(
        events.as_slice(),
        [Event::OrganisationCreated { organisation }] if organisation.account == AccountId(3)
    ));
    let operator = member(OrgId(1), Role::Operator);
    let cases = vec![
        Refusal {
            name: "a duplicate name in other case",
            context: operator,
            command: create("  RAYONG city ", Role::Citizen),
            kind: ErrorKind::Conflict,
            field: Some("name"),
        },
        Refusal {
            name: "created by a proponent",
            context: member(OrgId(1), Role::Proponent),
            command: create("Ban Phe Fishers", Role::Citizen),
            kind: ErrorKind::Forbidden,
            field: None,
        },
    ];
    world.check_refusals(cases);
}

#[test]
fn the_world_has_the_expected_ids_and_a_registered_project_in_rayong() {
    let world = World::new();
    let orgs = [world.operator, world.verifier, world.proponent, world.factory, world.citizen];
    assert_eq!(orgs, [OrgId(1), OrgId(2), OrgId(3), OrgId(4), OrgId(5)]);
    let accounts = orgs.map(|org| world.account(org));
    assert_eq!(accounts, [AccountId(1), AccountId(3), AccountId(4), AccountId(5), AccountId(6)]);
    assert_eq!(world.buffer(), AccountId(2));
    assert_eq!(world.registry.account(AccountId(2)).unwrap().kind, AccountKind::BufferPool);
    assert_eq!((world.class, world.project), (ClassId(1), ProjectId(1)));
    let project = world.registry.project(world.project).unwrap();
    assert_eq!(project.status, ProjectStatus::Registered);
    assert_eq!(project.proponent, OrgId(3));
    assert_eq!(project.jurisdiction, "TH-21");
    assert_eq!(project.area_rai, 500);
    assert_eq!(project.buffer_bps.get(), 1_500);
    assert_eq!(project.location.len(), 5);
    assert_eq!(world.registry.class(ClassId(1)).unwrap().kind, ClassKind::Removal);
    assert_eq!(world.registry.batches().count(), 0);
}

#[test]
fn issuing_4700_tonnes_puts_705_in_the_buffer_and_3995_with_the_proponent() {
    let mut world = World::new();
    let report = world.submit_report(world.project, H1_2025, 5_000);
    assert_eq!(report, ReportId(1));
    world.verify(report, 4_700);
    let events = world.run(&world.member(world.operator), &Command::IssueCredits { report });
    let batch = Batch {
        id: BatchId(1),
        project: ProjectId(1),
        report: ReportId(1),
        vintage_start: date("2025-01-01"),
        vintage_end: date("2025-06-30"),
        issued_tco2e: Tco2e::new(4_700),
        buffer_tco2e: Tco2e::new(705),
        issued_to: AccountId(4),
        corresponding_adjustment: CorrespondingAdjustment::NotApplied,
        issued_at_ms: NOW_MS,
    };
    assert_eq!(events, vec![Event::CreditsIssued { batch, buffer_account: AccountId(2) }]);
    let report = world.registry.report(report).unwrap();
    assert_eq!((report.status, report.verified_tco2e.get()), (ReportStatus::Issued, 4_700));
    assert_eq!(report.verifier, Some(OrgId(2)));
    let batch = BatchId(1);
    assert_eq!(
        world.blocks_of(batch),
        vec![(1, 3_995, AccountId(4), UnitState::Active), (3_996, 4_700, AccountId(2), UnitState::Active)]
    );
    assert_eq!(world.serials_of(batch), ["TH-RYG-0001-2025-0001-1-3995", "TH-RYG-0001-2025-0001-3996-4700"]);
    assert_eq!(world.holding(world.proponent, batch), (3_995, 0));
    assert_eq!(world.registry.holding(AccountId(2), batch).active_tco2e.get(), 705);
    assert_eq!(world.totals(batch), (4_700, 0, 0, 0));
}

#[test]
fn a_transfer_and_a_retirement_split_the_blocks_and_keep_the_totals() {
    let mut world = World::new();
    let batch = world.issue_verified(4_700, H1_2025);
    let events = world.transfer(world.proponent, world.factory, quantity(batch, 1_000));
    let moved = Event::Transferred { from: AccountId(4), to: AccountId(5), batch, ranges: vec![units(1, 1_000)] };
    assert_eq!(events, vec![moved]);

    let retire = retire_command(AccountId(5), quantity(batch, 250), "Map Ta Phut Olefins");
    let events = world.run(&world.member(world.factory), &retire);
    let retirement = Retirement {
        id: RetirementId(1),
        account: AccountId(5),
        batch,
        ranges: vec![units(1, 250)],
        quantity_tco2e: Tco2e::new(250),
        beneficiary: "Map Ta Phut Olefins".into(),
        reason: "Offsets the 2025 boiler emissions".into(),
        jurisdiction: "TH-21".into(),
        inventory_year: 2025,
        retired_at_ms: NOW_MS,
    };
    assert_eq!(events, vec![Event::Retired { retirement: retirement.clone() }]);
    assert_eq!(world.registry.retirement(RetirementId(1)), Some(&retirement));

    let retired = UnitState::Retired(RetirementId(1));
    let expected = vec![
        (1, 250, AccountId(5), retired),
        (251, 1_000, AccountId(5), UnitState::Active),
        (1_001, 3_995, AccountId(4), UnitState::Active),
        (3_996, 4_700, AccountId(2), UnitState::Active),
    ];
    assert_eq!(world.blocks_of(batch), expected);
    let serials = [
        "TH-RYG-0001-2025-0001-1-250",
        "TH-RYG-0001-2025-0001-251-1000",
        "TH-RYG-0001-2025-0001-1001-3995",
        "TH-RYG-0001-2025-0001-3996-4700",
    ];
    assert_eq!(world.serials_of(batch), serials);
    assert_eq!(Serial::parse(serials[0]).unwrap(), world.registry.serial(batch, units(1, 250)).unwrap());

    assert_eq!(world.holding(world.factory, batch), (750, 0));
    assert_eq!(world.holding(world.proponent, batch), (2_995, 0));
    assert_eq!(world.holding(world.citizen, batch), (0, 0));
    assert_eq!(world.registry.holding(AccountId(2), batch).active_tco2e.get(), 705);
    // issued 4,700 = active 750 + 2,995 + 705 + held 0 + retired 250 + cancelled 0
    assert_eq!(world.totals(batch), (4_450, 0, 250, 0));
    assert_eq!(world.registry.block_containing(batch, 250).unwrap().state, retired);
    assert_eq!(world.registry.block_containing(batch, 251).unwrap().state, UnitState::Active);
    assert!(world.registry.block_containing(batch, 4_701).is_none());
}

#[test]
fn the_buffer_share_is_rounded_up_and_takes_the_top_units() {
    // (verified, buffer basis points, buffer worked out by hand)
    let cases: [(u64, u32, u64); 9] = [
        (4_700, 1_500, 705),
        (20, 1_500, 3),   // 3.0
        (7, 1_500, 2),    // 1.05 rounds up
        (1, 1_500, 1),    // 0.15 rounds up
        (99, 1_000, 10),  // 9.9
        (100, 0, 0),      // no buffer block
        (10, 10_000, 10), // everything to the buffer, no proponent block
        (10_000, 1, 1),   // exactly 1
        (Tco2e::MAX_PER_COMMAND, 1_500, 150_000_000_000),
    ];
    for (verified, bps, buffer) in cases {
        let mut world = World::with_project_buffer(Some(bps));
        let batch = world.issue_verified(verified, H1_2025);
        let record = world.registry.batch(batch).unwrap();
        assert_eq!((record.issued_tco2e.get(), record.buffer_tco2e.get()), (verified, buffer), "{verified} at {bps}");
        let mut expected = Vec::new();
        if buffer < verified {
            expected.push((1, verified - buffer, AccountId(4), UnitState::Active));
        }
        if buffer > 0 {
            expected.push((verified - buffer + 1, verified, AccountId(2), UnitState::Active));
        }
        assert_eq!(world.blocks_of(batch), expected, "{verified} at {bps}");
        assert_eq!(world.holding(world.proponent, batch), (verified - buffer, 0));
        assert_eq!(world.totals(batch), (verified, 0, 0, 0));
    }
}

#[test]
fn a_project_goes_from_draft_through_changes_to_registered() {
    let mut world = World::new();
    let factory = member(world.factory, Role::Factory);
    let verifier = world.member(world.verifier);
    let project = ProjectId(2);
    let details = project_details(world.class, "Map Ta Phut green belt");
    let smaller = ProjectDetails { area_rai: 480, ..details.clone() };
    let review = |decision, note: &str| Command::ReviewProject { project, decision, note: note.into() };
    let steps = vec![
        (factory, Command::DraftProject { details }, ProjectStatus::Draft, ""),
        (factory, Command::SubmitProject { project }, ProjectStatus::Submitted, ""),
        (
            verifier,
            review(ProjectDecision::RequestChanges, "Add the 2024 survey plots"),
            ProjectStatus::ChangesRequested,
            "Add the 2024 survey plots",
        ),
        (factory, Command::UpdateProject { project, details: smaller }, ProjectStatus::ChangesRequested, ""),
        (factory, Command::SubmitProject { project }, ProjectStatus::Submitted, ""),
        (verifier, review(ProjectDecision::Validate, ""), ProjectStatus::Validated, ""),
        (world.member(world.operator), Command::RegisterProject { project }, ProjectStatus::Registered, ""),
    ];
    for (context, command, status, note) in steps {
        world.run(&context, &command);
        let record = world.registry.project(project).unwrap();
        assert_eq!(record.status, status, "after {command:?}");
        if !note.is_empty() {
            assert_eq!(record.review_note, note);
        }
    }
    let record = world.registry.project(project).unwrap();
    assert_eq!((record.proponent, record.area_rai, record.buffer_bps.get()), (world.factory, 480, 1_500));
    assert_eq!(record.review_note, "", "the note of a later step replaces the request for changes");
}

#[test]
fn a_transfer_to_another_org_and_onward_keeps_one_owner_per_unit() {
    let (mut world, batch) = World::market();
    world.transfer(world.factory, world.citizen, range(batch, 900, 1_000));
    world.transfer(world.citizen, world.proponent, quantity(batch, 1));
    // 900..=1000 is 101 units; the citizen passes on its lowest one, 900.
    assert_eq!(world.holding(world.factory, batch), (649, 0));
    assert_eq!(world.holding(world.citizen, batch), (100, 0));
    assert_eq!(world.holding(world.proponent, batch), (2_996, 0));
    let expected = vec![
        (1, 250, AccountId(5), UnitState::Retired(RetirementId(1))),
        (251, 899, AccountId(5), UnitState::Active),
        (900, 900, AccountId(4), UnitState::Active),
        (901, 1_000, AccountId(6), UnitState::Active),
        (1_001, 3_995, AccountId(4), UnitState::Active),
        (3_996, 4_700, AccountId(2), UnitState::Active),
    ];
    assert_eq!(world.blocks_of(batch), expected);
    assert_eq!(world.serials_of(batch)[2], "TH-RYG-0001-2025-0001-900-900");
}

#[test]
fn holds_lock_units_until_released_or_settled() {
    let (mut world, batch) = World::market();
    let factory = world.member(world.factory);
    let events = world.run(&factory, &Command::PlaceHold { account: AccountId(5), selection: quantity(batch, 100) });
    let hold = Hold {
        id: HoldId(1),
        account: AccountId(5),
        batch,
        ranges: vec![units(251, 350)],
        quantity_tco2e: Tco2e::new(100),
    };
    assert_eq!(events, vec![Event::HoldPlaced { hold }]);
    assert_eq!(world.holding(world.factory, batch), (650, 100));
    assert_eq!(world.totals(batch), (4_350, 100, 250, 0));
    assert_eq!(world.registry.block_containing(batch, 300).unwrap().state, UnitState::Held(HoldId(1)));

    let to_citizen = |selection| Command::Transfer { from: AccountId(5), to: AccountId(6), selection };
    let error = world.refuse(&factory, &to_citizen(quantity(batch, 651)));
    assert_eq!((error.kind, error.field), (ErrorKind::Insufficient, Some("quantity")));
    let error = world.refuse(&factory, &to_citizen(range(batch, 350, 351)));
    assert_eq!((error.kind, error.field), (ErrorKind::Insufficient, Some("serial")));

    assert_eq!(
        world.run(&factory, &Command::ReleaseHold { hold: HoldId(1) }),
        vec![Event::HoldReleased { hold: HoldId(1) }]
    );
    assert_eq!(world.holding(world.factory, batch), (750, 0));
    assert!(world.registry.hold(HoldId(1)).is_none());
    assert_eq!(world.registry.block_containing(batch, 300).unwrap().state, UnitState::Active);

    // Hold ids are never reused; settling moves the held units to the buyer.
    let events = world.run(&factory, &Command::PlaceHold { account: AccountId(5), selection: range(batch, 400, 449) });
    assert!(matches!(events.as_slice(), [Event::HoldPlaced { hold }] if hold.id == HoldId(2)));
    world.run(&system(), &Command::SettleHold { hold: HoldId(2), to: AccountId(6), quantity: None });
    assert_eq!(world.holding(world.factory, batch), (700, 0));
    assert_eq!(world.holding(world.citizen, batch), (50, 0));
    let block = *world.registry.block_containing(batch, 449).unwrap();
    assert_eq!((block.range, block.account, block.state), (units(400, 449), AccountId(6), UnitState::Active));
    assert_eq!(world.registry.serial(batch, block.range).unwrap().to_string(), "TH-RYG-0001-2025-0001-400-449");
    assert_eq!(world.totals(batch), (4_450, 0, 250, 0));
    for hold in [HoldId(1), HoldId(2)] {
        let error = world.refuse(&factory, &Command::ReleaseHold { hold });
        assert_eq!((error.kind, error.field), (ErrorKind::NotFound, Some("hold")));
    }
    world.transfer(world.citizen, world.proponent, range(batch, 400, 449));
    assert_eq!(world.holding(world.citizen, batch), (0, 0));
}

#[test]
fn a_loss_cancels_300_tonnes_from_the_buffer_pool() {
    let mut world = World::new();
    let batch = world.issue_verified(4_700, H1_2025);
    let loss = Command::ReportLoss { project: world.project, quantity: 300, reason: "Storm surge, 32 rai lost".into() };
    let events = world.run(&world.member(world.operator), &loss);
    let cancellation = Cancellation {
        id: CancellationId(1),
        kind: CancellationKind::Reversal,
        account: AccountId(2),
        project: Some(ProjectId(1)),
        parts: vec![BatchRanges { batch, ranges: vec![units(3_996, 4_295)] }],
        quantity_tco2e: Tco2e::new(300),
        reason: "Storm surge, 32 rai lost".into(),
        cancelled_at_ms: NOW_MS,
    };
    assert_eq!(events, vec![Event::Cancelled { cancellation }]);
    assert_eq!(world.registry.holding(AccountId(2), batch).active_tco2e.get(), 405);
    assert_eq!(world.totals(batch), (4_400, 0, 0, 300));
    let cancelled = UnitState::Cancelled(CancellationId(1));
    assert_eq!(world.blocks_of(batch)[1], (3_996, 4_295, AccountId(2), cancelled));
    assert_eq!(world.holding(world.proponent, batch), (3_995, 0), "the proponent keeps its credits");

    let too_much = Command::ReportLoss { project: world.project, quantity: 406, reason: "Fire".into() };
    let error = world.refuse(&world.member(world.operator), &too_much);
    assert_eq!((error.kind, error.field), (ErrorKind::Insufficient, Some("quantity")));
    let all = Command::ReportLoss { project: world.project, quantity: 405, reason: "Fire".into() };
    world.run(&system(), &all);
    assert_eq!(world.registry.holding(AccountId(2), batch).active_tco2e.get(), 0);
    assert_eq!(world.totals(batch), (3_995, 0, 0, 705));
}

#[test]
fn a_loss_takes_the_projects_own_buffer_units_first() {
    let mut world = World::new();
    let first = world.issue_verified(4_700, H1_2025);
    let details = project_details(world.class, "Ban Phe mangroves");
    let other = world.register_project(world.factory, Role::Factory, details);
    let second = world.issue_for(other, H1_2025, 1_000, 1_000);
    assert_eq!((other, second), (ProjectId(2), BatchId(2)));
    // Batch 2 puts 150 t in the pool (units 851..=1000); batch 1 has 705 (3996..=4700).
    let loss = Command::ReportLoss { project: other, quantity: 300, reason: "Clearing for a jetty".into() };
    let events = world.run(&world.member(world.operator), &loss);
    let [Event::Cancelled { cancellation }] = events.as_slice() else { panic!("unexpected events {events:?}") };
    let expected = vec![
        BatchRanges { batch: second, ranges: vec![units(851, 1_000)] },
        BatchRanges { batch: first, ranges: vec![units(3_996, 4_145)] },
    ];
    assert_eq!(cancellation.parts, expected);
    assert_eq!((cancellation.project, cancellation.quantity_tco2e.get()), (Some(other), 300));
    assert_eq!(world.totals(second), (850, 0, 0, 150));
    assert_eq!(world.totals(first), (4_550, 0, 0, 150));
    assert_eq!(world.registry.holding(AccountId(2), first).active_tco2e.get(), 555);
    assert_eq!(world.holding(world.factory, second), (850, 0));
}

#[test]
fn an_administrative_cancellation_by_the_operator() {
    let (mut world, batch) = World::market();
    let selection = range(batch, 1_001, 1_010);
    let cancel = Command::Cancel { account: AccountId(4), selection, reason: "Typo".into() };
    let events = world.run(&world.member(world.operator), &cancel);
    let [Event::Cancelled { cancellation }] = events.as_slice() else { panic!("unexpected events {events:?}") };
    assert_eq!(cancellation.kind, CancellationKind::Administrative);
    assert_eq!((cancellation.account, cancellation.project), (AccountId(4), None));
    assert_eq!(cancellation.parts, vec![BatchRanges { batch, ranges: vec![units(1_001, 1_010)] }]);
    assert_eq!(world.holding(world.proponent, batch), (2_985, 0));
    assert_eq!(world.totals(batch), (4_440, 0, 250, 10));
}

#[test]
fn replaying_the_events_rebuilds_an_equal_registry() {
    let (mut world, batch) = World::market();
    let after_market = (world.registry.clone(), world.events.len());
    let factory = world.member(world.factory);
    world.run(&factory, &Command::PlaceHold { account: AccountId(5), selection: quantity(batch, 100) });
    world.run(&factory, &Command::PlaceHold { account: AccountId(5), selection: quantity(batch, 10) });
    world.run(&factory, &Command::ReleaseHold { hold: HoldId(1) });
    world.run(&system(), &Command::SettleHold { hold: HoldId(2), to: AccountId(6), quantity: None });
    let cancel = Command::Cancel { account: AccountId(4), selection: quantity(batch, 5), reason: "Error".into() };
    world.run(&world.member(world.operator), &cancel);
    let loss = Command::ReportLoss { project: world.project, quantity: 42, reason: "Erosion".into() };
    world.run(&world.member(world.operator), &loss);
    world.issue_verified(900, ("2025-07-01", "2025-12-31"));

    let replayed = world.replay();
    assert_eq!(replayed, world.registry);
    replayed.check_invariants().unwrap();
    let mut prefix = Registry::new();
    let mut dirty = Dirty::default();
    for event in &world.events[..after_market.1] {
        prefix.apply(event, &mut dirty);
    }
    assert_eq!(prefix, after_market.0);
    assert!(dirty.batches.contains(&batch) && dirty.retirements.contains(&RetirementId(1)));
}

#[test]
fn thai_text_is_kept_in_organisation_project_and_review_fields() {
    let mut world = World::new();
    let operator = world.member(world.operator);
    let fishers = world.create_org(&operator, "  สหกรณ์ประมงพื้นบ้านบ้านก้นอ่าว  ", Role::Proponent);
    assert_eq!(world.registry.organisation(fishers).unwrap().name, "สหกรณ์ประมงพื้นบ้านบ้านก้นอ่าว");
    let longest = "ก".repeat(200);
    let longest_org = world.create_org(&operator, &longest, Role::Citizen);
    assert_eq!(world.registry.organisation(longest_org).unwrap().name, longest);
    let too_long = Command::CreateOrganisation { name: "ก".repeat(201), role: Role::Citizen };
    let error = world.refuse(&operator, &too_long);
    assert_eq!((error.kind, error.field), (ErrorKind::Invalid, Some("name")));

    let class = Command::CreateCreditClass {
        code: "T-VER-P-METH-13-03".into(),
        name: "การปลูกป่าชายเลน".into(),
        methodology: "ระเบียบวิธีลดก๊าซเรือนกระจก".into(),
        kind: ClassKind::Removal,
        default_buffer_bps: 2_000,
    };
    world.run(&operator, &class);
    assert_eq!(world.registry.class(ClassId(2)).unwrap().name, "การปลูกป่าชายเลน");

    let description = "ฟื้นฟูป่าชายเลน ๕๐๐ ไร่ ริมแม่น้ำระยอง\nปลูกโกงกางใบใหญ่";
    let details = ProjectDetails {
        description: description.into(),
        ..project_details(world.class, "ป่าชายเลนปากน้ำระยอง")
    };
    let owner = member(fishers, Role::Proponent);
    world.run(&owner, &Command::DraftProject { details });
    let project = ProjectId(2);
    world.run(&owner, &Command::SubmitProject { project });
    let note = "กรุณาเพิ่มแปลงสำรวจปี ๒๕๖๗";
    let review = Command::ReviewProject { project, decision: ProjectDecision::RequestChanges, note: note.into() };
    world.run(&world.member(world.verifier), &review);
    let record = world.registry.project(project).unwrap();
    assert_eq!((record.name.as_str(), record.description.as_str()), ("ป่าชายเลนปากน้ำระยอง", description));
    assert_eq!(record.review_note, note);

    let report = world.submit_report(world.project, H1_2025, 100);
    let verify = Command::ReviewReport {
        report,
        decision: ReportDecision::Verify,
        verified_tco2e: 100,
        note: "ตรวจสอบแล้ว ถูกต้อง".into(),
    };
    world.run(&world.member(world.verifier), &verify);
    assert_eq!(world.registry.report(report).unwrap().review_note, "ตรวจสอบแล้ว ถูกต้อง");
}

#[test]
fn thai_text_is_kept_in_retirement_and_cancellation_fields() {
    let (mut world, batch) = World::market();
    let retire = Command::Retire {
        account: AccountId(5),
        selection: quantity(batch, 10),
        beneficiary: "โรงงานมาบตาพุด โอเลฟินส์".into(),
        reason: "ชดเชยการปล่อยก๊าซเรือนกระจกปี ๒๕๖๘".into(),
        jurisdiction: "TH-21".into(),
        inventory_year: 2025,
    };
    world.run(&world.member(world.factory), &retire);
    let retirement = world.registry.retirement(RetirementId(2)).unwrap();
    assert_eq!(retirement.beneficiary, "โรงงานมาบตาพุด โอเลฟินส์");
    assert_eq!(retirement.reason, "ชดเชยการปล่อยก๊าซเรือนกระจกปี ๒๕๖๘");
    assert_eq!(retirement.ranges, vec![units(251, 260)]);

    let reason = "ยกเลิกเนื่องจากข้อผิดพลาดในการออกหน่วย";
    let cancel = Command::Cancel { account: AccountId(4), selection: quantity(batch, 1), reason: reason.into() };
    world.run(&world.member(world.operator), &cancel);
    assert_eq!(world.registry.cancellation(CancellationId(1)).unwrap().reason, reason);
    let loss = Command::ReportLoss {
        project: world.project, quantity: 5, reason: "ไฟป่าเสียหาย ๓๐ ไร่".into()
    };
    world.run(&world.member(world.operator), &loss);
    assert_eq!(world.registry.cancellation(CancellationId(2)).unwrap().reason, "ไฟป่าเสียหาย ๓๐ ไร่");
}
