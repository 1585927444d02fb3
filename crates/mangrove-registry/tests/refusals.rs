//! Every failure mode of DOMAIN.md refused with the right error kind and
//! field, and every refusal leaving the registry equal to a clone taken
//! before it (and nothing marked dirty): double issuance, double use (more
//! than active, held units, retired units by quantity and by exact range),
//! over-issuance, self-verification, moving another organisation's or the
//! buffer pool's credits, transfers into the buffer pool, zero and
//! overflowing quantities, unknown batches, accounts, reports, projects and
//! holds, and the project lifecycle's own rules.

mod support;

use mangrove_core::*;
use mangrove_registry::*;
use support::*;

use ErrorKind::{Conflict, Forbidden, Insufficient, Invalid, NotFound};
use ReportDecision::Reject;

const FACTORY: AccountId = AccountId(5);
const PROPONENT: AccountId = AccountId(4);
const CITIZEN: AccountId = AccountId(6);
const BUFFER: AccountId = AccountId(2);
const HUGE: u64 = Tco2e::MAX_PER_COMMAND + 1;
const QUANTITY: Option<&str> = Some("quantity");
const SERIAL: Option<&str> = Some("serial");
const TO: Option<&str> = Some("to");
const PROJECT: Option<&str> = Some("project");
const PERIOD_START: Option<&str> = Some("period_start");
const PERIOD_END: Option<&str> = Some("period_end");
const DESCRIPTION: Option<&str> = Some("description");

fn case(
    name: &'static str,
    context: Context,
    command: Command,
    kind: ErrorKind,
    field: Option<&'static str>,
) -> Refusal {
    Refusal { name, context, command, kind, field }
}

fn transfer(from: AccountId, to: AccountId, selection: Selection) -> Command {
    Command::Transfer { from, to, selection }
}

/// The factory gives units to the citizen.
fn give(selection: Selection) -> Command {
    transfer(FACTORY, CITIZEN, selection)
}

fn retire(account: AccountId, selection: Selection) -> Command {
    retire_command(account, selection, "Someone else")
}

fn hold(account: AccountId, selection: Selection) -> Command {
    Command::PlaceHold { account, selection }
}

fn release(hold: u64) -> Command {
    Command::ReleaseHold { hold: HoldId(hold) }
}

fn settle(hold: u64, to: AccountId) -> Command {
    Command::SettleHold { hold: HoldId(hold), to, quantity: None }
}

fn issue(report: ReportId) -> Command {
    Command::IssueCredits { report }
}

fn report(project: ProjectId, start: &str, end: &str, claimed: u64) -> Command {
    Command::SubmitReport {
        project,
        period_start: date(start),
        period_end: date(end),
        claimed_tco2e: claimed,
        calculation: String::new(),
    }
}

fn review(report: ReportId, decision: ReportDecision, verified: u64, note: &str) -> Command {
    Command::ReviewReport { report, decision, verified_tco2e: verified, note: note.into() }
}

fn cancel(account: AccountId, selection: Selection, reason: &str) -> Command {
    Command::Cancel { account, selection, reason: reason.into() }
}

fn loss(project: ProjectId, quantity: u64) -> Command {
    Command::ReportLoss { project, quantity, reason: "Storm".into() }
}

/// The market of [`World::market`] with the factory's units 251..=350 held
/// (hold 1): the factory has 1..=250 retired, 100 held and 351..=1000 (650)
/// active; the proponent 1001..=3995; the pool 3996..=4700.
fn market_with_hold() -> (World, BatchId) {
    let (mut world, batch) = World::market();
    let hold = Command::PlaceHold { account: FACTORY, selection: quantity(batch, 100) };
    world.run(&world.member(world.factory), &hold);
    assert_eq!(world.holding(world.factory, batch), (650, 100));
    (world, batch)
}

#[test]
fn double_use_is_refused() {
    let (mut world, b) = market_with_hold();
    let factory = world.member(world.factory);
    let operator = world.member(world.operator);
    let (q, r) = (|n| quantity(b, n), |first, last| range(b, first, last));
    let cases = vec![
        case("more than active", factory, give(q(651)), Insufficient, QUANTITY),
        case("active plus held", factory, give(q(750)), Insufficient, QUANTITY),
        case("held units", factory, give(r(251, 260)), Insufficient, SERIAL),
        case("partly held", factory, give(r(300, 400)), Insufficient, SERIAL),
        case("held units retired", factory, retire(FACTORY, r(350, 350)), Insufficient, SERIAL),
        case("held units held again", factory, hold(FACTORY, r(251, 251)), Insufficient, SERIAL),
        case("held units cancelled", operator, cancel(FACTORY, r(251, 260), "x"), Insufficient, SERIAL),
        case("retired transferred", factory, give(r(1, 250)), Insufficient, SERIAL),
        case("retired again", factory, retire(FACTORY, r(1, 250)), Insufficient, SERIAL),
        case("one retired unit again", factory, retire(FACTORY, r(250, 250)), Insufficient, SERIAL),
        case("retired then active", factory, retire(FACTORY, r(250, 351)), Insufficient, SERIAL),
        case("retired held", factory, hold(FACTORY, r(1, 10)), Insufficient, SERIAL),
        case("retired cancelled", operator, cancel(FACTORY, r(1, 250), "x"), Insufficient, SERIAL),
        case("another's units", factory, give(r(1_000, 1_001)), Insufficient, SERIAL),
        case("the pool's units", factory, give(r(4_000, 4_000)), Insufficient, SERIAL),
        case("nothing to retire", world.member(world.citizen), retire(CITIZEN, q(1)), Insufficient, QUANTITY),
    ];
    world.check_refusals(cases);
    // What is left is exactly usable: 650 active units, and no more.
    world.run(&factory, &give(q(650)));
    assert_eq!(world.holding(world.factory, b), (0, 100));
    assert_eq!(world.totals(b), (4_350, 100, 250, 0));
}

#[test]
fn zero_and_overflowing_quantities_and_ranges_are_refused() {
    let (mut world, b) = market_with_hold();
    let (q, r) = (|n| quantity(b, n), |first, last| range(b, first, last));
    let factory = world.member(world.factory);
    let operator = world.member(world.operator);
    let p = world.project;
    let proponent = world.member(world.proponent);
    let claim = |claimed| report(p, "2025-07-01", "2025-07-31", claimed);
    let cases = vec![
        case("zero", factory, give(q(0)), Invalid, QUANTITY),
        case("one over the bound", factory, give(q(HUGE)), Invalid, QUANTITY),
        case("u64::MAX", factory, give(q(u64::MAX)), Invalid, QUANTITY),
        case("the bound itself, not held", factory, give(q(Tco2e::MAX_PER_COMMAND)), Insufficient, QUANTITY),
        case("unit 0", factory, give(r(0, 5)), NotFound, SERIAL),
        case("past the batch", factory, give(r(4_700, 4_701)), NotFound, SERIAL),
        case("reversed", factory, give(r(400, 399)), NotFound, SERIAL),
        case("u64::MAX units", factory, give(r(u64::MAX, u64::MAX)), NotFound, SERIAL),
        case("up to u64::MAX", factory, give(r(351, u64::MAX)), NotFound, SERIAL),
        case("retire zero", factory, retire(FACTORY, q(0)), Invalid, QUANTITY),
        case("hold u64::MAX", factory, hold(FACTORY, q(u64::MAX)), Invalid, QUANTITY),
        case("cancel too many", operator, cancel(FACTORY, q(HUGE), "x"), Invalid, QUANTITY),
        case("loss of zero", operator, loss(p, 0), Invalid, QUANTITY),
        case("loss over the bound", operator, loss(p, HUGE), Invalid, QUANTITY),
        case("loss of u64::MAX", operator, loss(p, u64::MAX), Invalid, QUANTITY),
        case("loss beyond the pool", operator, loss(p, 706), Insufficient, QUANTITY),
        case("claim over the bound", proponent, claim(HUGE), Invalid, Some("claimed_tco2e")),
        case("claim u64::MAX", proponent, claim(u64::MAX), Invalid, Some("claimed_tco2e")),
    ];
    world.check_refusals(cases);
}

#[test]
fn another_organisations_credits_cannot_be_moved() {
    let (mut world, b) = market_with_hold();
    let (q, r) = (|n| quantity(b, n), |first, last| range(b, first, last));
    let citizen = world.member(world.citizen);
    let operator = world.member(world.operator);
    let proponent = world.member(world.proponent);
    let cases = vec![
        case("citizen moves the factory's", citizen, give(q(1)), Forbidden, None),
        case("operator moves the factory's", operator, give(q(1)), Forbidden, None),
        case("proponent takes them back", proponent, transfer(FACTORY, PROPONENT, r(351, 351)), Forbidden, None),
        case("a verifier retires them", world.member(world.verifier), retire(FACTORY, q(1)), Forbidden, None),
        case("citizen holds them", citizen, hold(FACTORY, q(1)), Forbidden, None),
        case("citizen releases the hold", citizen, release(1), Forbidden, None),
        case("citizen settles the hold", citizen, settle(1, CITIZEN), Forbidden, None),
        case("proponent cancels", proponent, cancel(PROPONENT, q(1), "x"), Forbidden, None),
        case("factory reports a loss", world.member(world.factory), loss(world.project, 1), Forbidden, None),
        case("verifier reports a loss", world.member(world.verifier), loss(world.project, 1), Forbidden, None),
    ];
    world.check_refusals(cases);
}

#[test]
fn buffer_pool_credits_move_only_by_issuance_reversal_or_cancellation() {
    let (mut world, b) = market_with_hold();
    let (q, r) = (|n| quantity(b, n), |first, last| range(b, first, last));
    let operator = world.member(world.operator);
    let factory = world.member(world.factory);
    let cases = vec![
        case("operator transfers from the pool", operator, transfer(BUFFER, CITIZEN, q(1)), Forbidden, None),
        case("system transfers from the pool", system(), transfer(BUFFER, CITIZEN, r(3_996, 4_000)), Forbidden, None),
        case("system retires from the pool", system(), retire(BUFFER, q(1)), Forbidden, None),
        case("operator retires from the pool", operator, retire(BUFFER, q(1)), Forbidden, None),
        case("system holds pool units", system(), hold(BUFFER, q(1)), Forbidden, None),
        case("transfer into the pool", factory, transfer(FACTORY, BUFFER, q(1)), Invalid, TO),
        case("system transfers into the pool", system(), transfer(PROPONENT, BUFFER, q(1)), Invalid, TO),
        case("settle into the pool", factory, settle(1, BUFFER), Invalid, TO),
        case("transfer to oneself", factory, transfer(FACTORY, FACTORY, q(1)), Invalid, TO),
        case("settle to oneself", factory, settle(1, FACTORY), Invalid, TO),
    ];
    world.check_refusals(cases);
    // The operator may still cancel pool units administratively.
    world.run(&operator, &cancel(BUFFER, r(4_700, 4_700), "Duplicate unit"));
    assert_eq!(world.registry.holding(BUFFER, b).active_tco2e.get(), 704);
}

#[test]
fn retirement_and_cancellation_details_are_checked() {
    let (mut world, b) = market_with_hold();
    let q = |n| quantity(b, n);
    let factory = world.member(world.factory);
    let operator = world.member(world.operator);
    let silent_loss = Command::ReportLoss { project: world.project, quantity: 1, reason: " ".into() };
    let claim = |beneficiary: &str, reason: &str, jurisdiction: &str, inventory_year| Command::Retire {
        account: FACTORY,
        selection: q(1),
        beneficiary: beneficiary.into(),
        reason: reason.into(),
        jurisdiction: jurisdiction.into(),
        inventory_year,
    };
    let cases = vec![
        case("year 1989", factory, claim("F", "r", "TH-21", 1_989), Invalid, Some("inventory_year")),
        case("year 2101", factory, claim("F", "r", "TH-21", 2_101), Invalid, Some("inventory_year")),
        case("no beneficiary", factory, claim("  ", "r", "TH-21", 2_025), Invalid, Some("beneficiary")),
        case("long beneficiary", factory, claim(&"ข".repeat(201), "r", "TH-21", 2_025), Invalid, Some("beneficiary")),
        case("control character", factory, claim("F\u{7}", "r", "TH-21", 2_025), Invalid, Some("beneficiary")),
        case("no reason", factory, claim("F", "", "TH-21", 2_025), Invalid, Some("reason")),
        case("not ISO 3166-2", factory, claim("F", "r", "Rayong", 2_025), Invalid, Some("jurisdiction")),
        case("lower case", factory, claim("F", "r", "th-21", 2_025), Invalid, Some("jurisdiction")),
        case("cancel without reason", operator, cancel(FACTORY, q(1), " \n "), Invalid, Some("reason")),
        case("loss without reason", operator, silent_loss, Invalid, Some("reason")),
    ];
    world.check_refusals(cases);
}

#[test]
fn unknown_references_are_not_found() {
    let (mut world, b) = market_with_hold();
    let q = |n| quantity(b, n);
    let factory = world.member(world.factory);
    let operator = world.member(world.operator);
    let verifier = world.member(world.verifier);
    let proponent = world.member(world.proponent);
    let details = project_details(world.class, "Nowhere");
    let nowhere = ProjectId(9);
    let validate =
        Command::ReviewProject { project: nowhere, decision: ProjectDecision::Validate, note: String::new() };
    let update = Command::UpdateProject { project: nowhere, details: details.clone() };
    let draft = Command::DraftProject { details: ProjectDetails { class: ClassId(9), ..details } };
    let cases = vec![
        case("batch by quantity", factory, give(quantity(BatchId(9), 1)), NotFound, Some("batch")),
        case("batch by range", factory, give(range(BatchId(9), 1, 1)), NotFound, Some("batch")),
        case("batch 0", factory, retire_command(FACTORY, quantity(BatchId(0), 1), "x"), NotFound, Some("batch")),
        case("receiving account", factory, transfer(FACTORY, AccountId(99), q(1)), NotFound, TO),
        case("retiring account", system(), retire(AccountId(99), q(1)), NotFound, Some("account")),
        case("cancelling account", operator, cancel(AccountId(99), q(1), "x"), NotFound, Some("account")),
        case("holding account", system(), hold(AccountId(0), q(1)), NotFound, Some("account")),
        case("settling account", factory, settle(1, AccountId(99)), NotFound, TO),
        case("hold released", factory, release(9), NotFound, Some("hold")),
        case("hold settled", factory, settle(9, CITIZEN), NotFound, Some("hold")),
        case("report reviewed", verifier, review(ReportId(9), ReportDecision::Verify, 1, ""), NotFound, Some("report")),
        case("report issued", operator, issue(ReportId(9)), NotFound, Some("report")),
        case("project reported", proponent, report(nowhere, "2025-07-01", "2025-07-31", 1), NotFound, PROJECT),
        case("project lost", operator, loss(nowhere, 1), NotFound, PROJECT),
        case("project registered", operator, Command::RegisterProject { project: nowhere }, NotFound, PROJECT),
        case("project submitted", proponent, Command::SubmitProject { project: nowhere }, NotFound, PROJECT),
        case("project reviewed", verifier, validate, NotFound, PROJECT),
        case("project updated", proponent, update, NotFound, PROJECT),
        case("class drafted", proponent, draft, NotFound, Some("class")),
    ];
    world.check_refusals(cases);
}

#[test]
fn an_unknown_sending_account_is_reported_against_the_from_field() {
    let (mut world, b) = World::market();
    let q = |n| quantity(b, n);
    // A form shows the error beside the sending account, as it does "to".
    let error = world.refuse(&system(), &transfer(AccountId(99), CITIZEN, q(1)));
    assert_eq!((error.kind, error.field), (NotFound, Some("from")), "{error:?}");
}

#[test]
fn double_issuance_and_over_issuance_are_refused() {
    let (mut world, _) = World::market();
    let p = world.project;
    let second = world.submit_report(p, ("2025-07-01", "2025-09-30"), 1_000);
    let operator = world.member(world.operator);
    let verifier = world.member(world.verifier);
    let proponent = world.member(world.proponent);
    let verify = |verified| review(second, ReportDecision::Verify, verified, "");
    let period = |start, end| report(p, start, end, 10);
    let cases = vec![
        case("issued twice", operator, issue(ReportId(1)), Conflict, None),
        case("issued twice by a verifier", verifier, issue(ReportId(1)), Conflict, None),
        case("overlaps the issued period", proponent, period("2025-06-01", "2025-07-15"), Conflict, PERIOD_START),
        case("same period again", proponent, period("2025-01-01", "2025-06-30"), Conflict, PERIOD_START),
        case("inside the issued period", proponent, period("2025-03-01", "2025-03-01"), Conflict, PERIOD_START),
        case("shares one day with report 2", proponent, period("2025-09-30", "2025-10-31"), Conflict, PERIOD_START),
        case("ends in the future", proponent, period("2025-12-01", "2026-01-02"), Invalid, PERIOD_END),
        case("ends before it starts", proponent, period("2025-12-01", "2025-11-30"), Invalid, PERIOD_END),
        case("claims nothing", proponent, report(p, "2025-10-01", "2025-10-31", 0), Invalid, Some("claimed_tco2e")),
        case(
            "reported by the factory",
            world.member(world.factory),
            period("2025-10-01", "2025-10-31"),
            Forbidden,
            None,
        ),
        case("verified above the claim", verifier, verify(1_001), Invalid, Some("verified_tco2e")),
        case("verified u64::MAX", verifier, verify(u64::MAX), Invalid, Some("verified_tco2e")),
        case("verified zero", verifier, verify(0), Invalid, Some("verified_tco2e")),
        case("rejected without a note", verifier, review(second, Reject, 0, "  "), Invalid, Some("note")),
        case("reviewed by the operator", operator, verify(1_000), Forbidden, None),
        case("reviewed after issuance", verifier, review(ReportId(1), ReportDecision::Verify, 1, ""), Conflict, None),
        case("issued before verification", operator, issue(second), Conflict, None),
        case("issued by the factory", world.member(world.factory), issue(second), Forbidden, None),
    ];
    world.check_refusals(cases);

    // Verified below the claim, the batch is the verified quantity, not the claim.
    world.verify(second, 900);
    world.check_refusals(vec![case("reviewed twice", verifier, verify(900), Conflict, None)]);
    let batch = world.issue(second);
    let record = world.registry.batch(batch).unwrap();
    assert_eq!((record.issued_tco2e.get(), record.buffer_tco2e.get()), (900, 135));
    assert_eq!(world.holding(world.proponent, batch), (765, 0));
    let verifier = world.member(world.verifier);
    world.check_refusals(vec![case("issued twice", verifier, issue(second), Conflict, None)]);
}

#[test]
fn a_rejected_period_may_be_reported_again() {
    let mut world = World::new();
    let rejected = world.submit_report(world.project, ("2025-01-01", "2025-03-31"), 500);
    let reject = review(rejected, ReportDecision::Reject, 0, "Plot data missing");
    world.run(&world.member(world.verifier), &reject);
    assert_eq!(world.registry.report(rejected).unwrap().status, ReportStatus::Rejected);
    let issue = issue(rejected);
    let error = world.refuse(&world.member(world.operator), &issue);
    assert_eq!((error.kind, error.field), (Conflict, None));
    let batch = world.issue_for(world.project, ("2025-02-01", "2025-03-31"), 500, 480);
    assert_eq!(world.registry.batch(batch).unwrap().report, ReportId(2));
}

#[test]
fn no_one_verifies_or_issues_their_own_credits() {
    let (mut world, _) = World::market();
    let p = world.project;
    let second = world.submit_report(p, ("2025-07-01", "2025-09-30"), 1_000);
    let proponent = world.proponent;
    let own = |role| member(proponent, role);
    let verify = review(second, ReportDecision::Verify, 1_000, "");
    let cases = vec![
        case("proponent verifies", own(Role::Verifier), verify.clone(), Forbidden, None),
        case("proponent rejects", own(Role::Verifier), review(second, Reject, 0, "No"), Forbidden, None),
        case("proponent as plain proponent", own(Role::Proponent), verify.clone(), Forbidden, None),
    ];
    world.check_refusals(cases);
    world.verify(second, 1_000);
    let cases = vec![
        case("proponent issues as operator", own(Role::Operator), issue(second), Forbidden, None),
        case("proponent issues as verifier", own(Role::Verifier), issue(second), Forbidden, None),
        case("proponent issues an issued report", own(Role::Operator), issue(ReportId(1)), Forbidden, None),
        case("a citizen issues", world.member(world.citizen), issue(second), Forbidden, None),
    ];
    world.check_refusals(cases);
    world.run(&world.member(world.verifier), &issue(second));
}

#[test]
fn a_verifier_cannot_validate_or_verify_its_own_project() {
    let mut world = World::new();
    // A member acts only in its organisation's role, so a verifier
    // organisation cannot become the proponent of a project it would verify.
    let masquerade = member(world.verifier, Role::Proponent);
    let draft = Command::DraftProject { details: project_details(world.class, "Verifier's own") };
    world.check_refusals(vec![case("drafts as a proponent", masquerade, draft, Forbidden, None)]);
    let unknown = member(OrgId(99), Role::Operator);
    let cancel = Command::ReportLoss { project: world.project, quantity: 1, reason: "x".into() };
    world.check_refusals(vec![case("acts for an organisation that does not exist", unknown, cancel, Forbidden, None)]);
}

#[test]
fn drafting_a_project_checks_who_and_what() {
    let mut world = World::new();
    let details = project_details(world.class, "Ban Phe mangroves");
    let draft = |changes: &dyn Fn(&mut ProjectDetails)| {
        let mut details = details.clone();
        changes(&mut details);
        Command::DraftProject { details }
    };
    let proponent = world.member(world.proponent);
    let cases = vec![
        case("by a citizen", world.member(world.citizen), draft(&|_| {}), Forbidden, None),
        case("by a verifier", world.member(world.verifier), draft(&|_| {}), Forbidden, None),
        case("by the operator", world.member(world.operator), draft(&|_| {}), Forbidden, None),
        case("by the system", system(), draft(&|_| {}), Forbidden, None),
        case("no area", proponent, draft(&|d| d.area_rai = 0), Invalid, Some("area_rai")),
        case("larger than Thailand", proponent, draft(&|d| d.area_rai = 10_000_001), Invalid, Some("area_rai")),
        case("two points", proponent, draft(&|d| d.location.truncate(2)), Invalid, Some("location")),
        case("latitude 91", proponent, draft(&|d| d.location[1] = [101.0, 91.0]), Invalid, Some("location")),
        case("not a number", proponent, draft(&|d| d.location[0] = [f64::NAN, 12.6]), Invalid, Some("location")),
        case("no ISO code", proponent, draft(&|d| d.jurisdiction = "Rayong".into()), Invalid, Some("jurisdiction")),
        case("buffer over 100 %", proponent, draft(&|d| d.buffer_bps = Some(10_001)), Invalid, Some("buffer_bps")),
        case("blank name", proponent, draft(&|d| d.name = " ".into()), Invalid, Some("name")),
        case("long description", proponent, draft(&|d| d.description = "ป".repeat(4_001)), Invalid, DESCRIPTION),
    ];
    world.check_refusals(cases);
    let command = draft(&|d| d.description = "ป".repeat(4_000));
    world.run(&proponent, &command);
}

#[test]
fn the_project_lifecycle_refuses_steps_out_of_order() {
    let mut world = World::new();
    let owner = world.member(world.proponent);
    let verifier = world.member(world.verifier);
    let operator = world.member(world.operator);
    let details = project_details(world.class, "Laem Mae Phim mangroves");
    world.run(&owner, &Command::DraftProject { details: details.clone() });
    let p = ProjectId(2);
    let decide = |decision, note: &str| Command::ReviewProject { project: p, decision, note: note.into() };
    let update = Command::UpdateProject { project: p, details };
    let submit = Command::SubmitProject { project: p };
    let draft_cases = vec![
        case("reviewed as a draft", verifier, decide(ProjectDecision::Validate, ""), Conflict, None),
        case("registered as a draft", operator, Command::RegisterProject { project: p }, Conflict, None),
        case("monitored as a draft", owner, report(p, "2025-01-01", "2025-01-31", 1), Conflict, None),
        case("submitted by another", world.member(world.factory), submit.clone(), Forbidden, None),
        case("updated by another", world.member(world.citizen), update.clone(), Forbidden, None),
        case("submitted by the system", system(), Command::SubmitProject { project: p }, Forbidden, None),
    ];
    world.check_refusals(draft_cases);
    world.run(&owner, &Command::SubmitProject { project: p });
    let own_verifier = member(world.proponent, Role::Verifier);
    let submitted_cases = vec![
        case("changes without a note", verifier, decide(ProjectDecision::RequestChanges, ""), Invalid, Some("note")),
        case("rejected without a note", verifier, decide(ProjectDecision::Reject, " "), Invalid, Some("note")),
        case("reviewed by the operator", operator, decide(ProjectDecision::Validate, ""), Forbidden, None),
        case("reviewed by its proponent", own_verifier, decide(ProjectDecision::Validate, ""), Forbidden, None),
        case("updated while submitted", owner, update.clone(), Conflict, None),
        case("submitted twice", owner, Command::SubmitProject { project: p }, Conflict, None),
        case("registered unvalidated", operator, Command::RegisterProject { project: p }, Conflict, None),
    ];
    world.check_refusals(submitted_cases);
    world.run(&verifier, &decide(ProjectDecision::Reject, "Outside the mangrove zone"));
    let rejected_cases = vec![
        case("resubmitted after rejection", owner, Command::SubmitProject { project: p }, Conflict, None),
        case("updated after rejection", owner, update, Conflict, None),
        case("reviewed after rejection", verifier, decide(ProjectDecision::Validate, ""), Conflict, None),
        case("registered after rejection", operator, Command::RegisterProject { project: p }, Conflict, None),
    ];
    world.check_refusals(rejected_cases);
    assert_eq!(world.registry.project(p).unwrap().status, ProjectStatus::Rejected);
    assert_eq!(world.registry.project(p).unwrap().review_note, "Outside the mangrove zone");
}

#[test]
fn a_report_reviewed_by_the_system_is_refused_not_a_panic() {
    let mut world = World::new();
    let report = world.submit_report(world.project, ("2025-01-01", "2025-06-30"), 100);
    let verify = review(report, ReportDecision::Verify, 100, "");
    let before = world.registry.clone();
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| world.registry.decide(&system(), &verify)));
    // The deployment is no accredited verifier: refused, not a panic.
    let result = outcome.expect("deciding never panics");
    let error = result.expect_err("the system is not a verifier organisation");
    assert_eq!((error.kind, error.field), (Forbidden, None));
    assert_eq!(world.registry, before);
}

#[test]
fn issuance_past_the_supply_bound_is_refused() {
    // A thousand batches of the largest issuance reach the supply bound exactly; one more tonne is refused.
    let mut world = World::new();
    let batches = bounds::TCO2E_SUPPLY_MAX / Tco2e::MAX_PER_COMMAND;
    let periods = (2010..2016).flat_map(|year| {
        (1..=12).flat_map(move |month| {
            (1..=14).map(move |pair| {
                let start = format!("{year}-{month:02}-{:02}", pair * 2 - 1);
                let end = format!("{year}-{month:02}-{:02}", pair * 2);
                (start, end)
            })
        })
    });
    let periods: Vec<(String, String)> = periods.take(batches as usize + 1).collect();
    for (start, end) in &periods[..batches as usize] {
        world.issue_verified(Tco2e::MAX_PER_COMMAND, (start, end));
    }
    let (start, end) = &periods[batches as usize];
    let report = world.submit_report(world.project, (start, end), 1);
    world.verify(report, 1);
    let error = world.refuse(&world.member(world.operator), &Command::IssueCredits { report });
    assert_eq!((error.kind, error.field), (Invalid, Some("verified_tco2e")), "{}", error.message);
    world.registry.check_invariants().unwrap();
}

/// Logins: only the operator (or the deployment) creates them, once per
/// user id, in an organisation that exists, committing to a SHA-256; the
/// operator or the login's own organisation disables one, once, with a
/// reason code. A created and a disabled login stay on the record.
#[test]
fn logins_are_created_and_disabled_only_by_those_allowed() {
    let (mut world, _) = market_with_hold();
    let (operator, factory, citizen) =
        (world.member(world.operator), world.member(world.factory), world.member(world.citizen));
    let identity = "ab".repeat(32);
    let create = |user: u64, org: OrgId, identity: &str| Command::CreateLogin {
        user: UserId(user),
        org,
        identity: identity.to_string(),
    };
    let disable = |user: u64, reason: &str| Command::DisableLogin { user: UserId(user), reason: reason.to_string() };
    world.run(&operator, &create(100, world.factory, &identity));
    let login = world.registry.login(UserId(100)).expect("journaled").clone();
    assert_eq!((login.org, login.role, login.created_by), (world.factory, Role::Factory, operator.actor));
    let cases = vec![
        case("a factory creates a login", factory, create(101, world.factory, &identity), Forbidden, None),
        case("a citizen creates one for itself", citizen, create(101, world.citizen, &identity), Forbidden, None),
        case("the same user twice", operator, create(100, world.factory, &identity), Conflict, None),
        case("an unknown organisation", operator, create(101, OrgId(999), &identity), NotFound, Some("org")),
        case("not a commitment", operator, create(101, world.factory, "somchai"), Invalid, Some("identity")),
        case("another organisation disables", citizen, disable(100, "left"), Forbidden, None),
        case("an unknown login", operator, disable(999, "left"), NotFound, Some("user")),
        case("a blank reason", operator, disable(100, " "), Invalid, Some("reason")),
        case("a reason that is prose", operator, disable(100, "He left us."), Invalid, Some("reason")),
    ];
    world.check_refusals(cases);
    world.run(&factory, &disable(100, "left_the_company"));
    let disabled = world.registry.login(UserId(100)).and_then(|login| login.disabled.clone()).expect("disabled");
    assert_eq!((disabled.by, disabled.reason.as_str()), (factory.actor, "left_the_company"));
    world.check_refusals(vec![case("disabled twice", operator, disable(100, "left"), Conflict, None)]);
}
