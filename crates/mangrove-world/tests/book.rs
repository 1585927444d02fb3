//! The world's lasting book: who may set an appearance, report and ban,
//! and that a refused command changes nothing.

use mangrove_core::domain::{Domain, Touched};
use mangrove_core::{Actor, Context, Date, ErrorKind, OrgId, Role, UserId};
use mangrove_world::book::{Ban, Report};
use mangrove_world::*;

fn context(actor: Actor) -> Context {
    Context { actor, now_ms: 1_000_000, today: Date::parse("2026-12-05").unwrap() }
}

const CITIZEN: Actor = Actor::Person { user: UserId(7) };
const OPERATOR: Actor = Actor::Member { user: UserId(1), org: OrgId(1), role: Role::Operator };
const FACTORY: Actor = Actor::Member { user: UserId(3), org: OrgId(5), role: Role::Factory };

fn run(book: &mut WorldBook, actor: Actor, command: WorldCommand) -> Result<Vec<WorldEvent>, ErrorKind> {
    let before = book.clone();
    match book.decide(&context(actor), &command) {
        Ok(events) => {
            let mut touched = Touched::default();
            for event in &events {
                book.apply(event, &mut touched);
            }
            assert!(!touched.is_empty(), "an event marks the rows it changed");
            book.check_invariants().unwrap();
            Ok(events)
        }
        Err(error) => {
            assert_eq!(*book, before, "a refused command changes nothing");
            Err(error.kind)
        }
    }
}

#[test]
fn people_choose_how_they_look() {
    let mut book = WorldBook::default();
    let appearance = Appearance { preset: Preset::Fisher, colour: 2 };
    run(&mut book, CITIZEN, WorldCommand::SetAppearance { appearance }).unwrap();
    assert_eq!(book.appearance(UserId(7)), appearance);
    assert_eq!(book.appearance(UserId(8)), Appearance::default());
    let bad = Appearance { preset: Preset::Elder, colour: 8 };
    assert_eq!(run(&mut book, CITIZEN, WorldCommand::SetAppearance { appearance: bad }), Err(ErrorKind::Invalid));
    assert_eq!(run(&mut book, Actor::System, WorldCommand::SetAppearance { appearance }), Err(ErrorKind::Forbidden));
}

#[test]
fn a_report_holds_a_hash_never_the_message() {
    let mut book = WorldBook::default();
    let evidence = "ab".repeat(32);
    let report = WorldCommand::Report { reported: UserId(9), reason: Conduct::Harassment, evidence: evidence.clone() };
    let events = run(&mut book, CITIZEN, report).unwrap();
    let expected = Report {
        id: 1,
        reporter: UserId(7),
        reported: UserId(9),
        reason: Conduct::Harassment,
        evidence,
        at_ms: 1_000_000,
        closed: false,
    };
    assert_eq!(events, vec![WorldEvent::Reported { report: expected }]);
    let text = WorldCommand::Report { reported: UserId(9), reason: Conduct::Spam, evidence: "you are an idiot".into() };
    assert_eq!(run(&mut book, CITIZEN, text), Err(ErrorKind::Invalid));
    let own = WorldCommand::Report { reported: UserId(7), reason: Conduct::Spam, evidence: "cd".repeat(32) };
    assert_eq!(run(&mut book, CITIZEN, own), Err(ErrorKind::Invalid));
    assert_eq!(run(&mut book, CITIZEN, WorldCommand::CloseReport { report: 1 }), Err(ErrorKind::Forbidden));
    run(&mut book, OPERATOR, WorldCommand::CloseReport { report: 1 }).unwrap();
    assert_eq!(run(&mut book, OPERATOR, WorldCommand::CloseReport { report: 1 }), Err(ErrorKind::Conflict));
    assert_eq!(run(&mut book, OPERATOR, WorldCommand::CloseReport { report: 2 }), Err(ErrorKind::NotFound));
}

#[test]
fn only_the_operator_bans_for_a_while() {
    let mut book = WorldBook::default();
    let ban = WorldCommand::Ban { user: UserId(9), until_ms: 2_000_000, reason: Conduct::Hate };
    assert_eq!(run(&mut book, CITIZEN, ban.clone()), Err(ErrorKind::Forbidden));
    assert_eq!(run(&mut book, FACTORY, ban.clone()), Err(ErrorKind::Forbidden));
    let past = WorldCommand::Ban { user: UserId(9), until_ms: 999_999, reason: Conduct::Hate };
    assert_eq!(run(&mut book, OPERATOR, past), Err(ErrorKind::Invalid));
    let forever = WorldCommand::Ban { user: UserId(9), until_ms: i64::MAX, reason: Conduct::Hate };
    assert_eq!(run(&mut book, OPERATOR, forever), Err(ErrorKind::Invalid));
    run(&mut book, OPERATOR, ban).unwrap();
    assert_eq!(
        book.ban(UserId(9), 1_500_000),
        Some(&Ban { until_ms: 2_000_000, reason: Conduct::Hate, by: UserId(1) })
    );
    assert_eq!(book.ban(UserId(9), 2_000_000), None, "a ban ends");
    run(&mut book, OPERATOR, WorldCommand::LiftBan { user: UserId(9) }).unwrap();
    assert_eq!(run(&mut book, OPERATOR, WorldCommand::LiftBan { user: UserId(9) }), Err(ErrorKind::Conflict));
}

#[test]
fn the_tables_hold_what_the_state_holds() {
    let mut book = WorldBook::default();
    run(&mut book, CITIZEN, WorldCommand::SetAppearance { appearance: Appearance::default() }).unwrap();
    run(&mut book, OPERATOR, WorldCommand::Ban { user: UserId(9), until_ms: 2_000_000, reason: Conduct::Spam })
        .unwrap();
    for (index, table) in WorldBook::TABLES.iter().enumerate() {
        assert!(table.name.starts_with("world_"));
        for row in book.rows(index) {
            assert_eq!(row.len(), table.columns.len());
            assert_eq!(book.row(index, &row[..table.key_columns]), Some(row.clone()));
        }
    }
    let state: WorldBook = serde_json::from_str(&serde_json::to_string(&book).unwrap()).unwrap();
    assert_eq!(state, book, "the state round-trips");
}
