//! The same scenario suite on SQLite and, when `MANGROVE_TEST_POSTGRES` is
//! set, on PostgreSQL: the registry's whole flow through the sequencer,
//! restart, verification, tampering, idempotency and group commit.

use mangrove_app::Submission;
use mangrove_core::*;
use mangrove_registry::*;
use mangrove_store::testing::TestDatabase;
use mangrove_store::{verify, Receipt, Store};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

struct Ids {
    municipality: Actor,
    factory: Actor,
    verifier: Actor,
    operator: Actor,
    factory_account: AccountId,
    municipality_account: AccountId,
    batch: BatchId,
    project: ProjectId,
}

async fn submit(store: &Store, actor: Actor, command: Command) -> Receipt {
    let submission = Submission::new(&actor, None, command.clone()).unwrap();
    store.sequencer().submit(submission).await.unwrap_or_else(|error| panic!("{command:?}: {error}"))
}

fn member(org: u64, role: Role) -> Actor {
    Actor::Member { user: UserId(org * 10), org: OrgId(org), role }
}

async fn organisation(store: &Store, name: &str, role: Role) -> (Actor, AccountId) {
    let receipt = submit(store, Actor::System, Command::CreateOrganisation { name: name.into(), role }).await;
    let Some(Event::OrganisationCreated { organisation }) = receipt.events[0].payload.registry() else {
        panic!("created")
    };
    (member(organisation.id.0, role), organisation.account)
}

/// Builds the Rayong flow: an issued mangrove vintage, a transfer, a
/// retirement, a hold and a reversal.
async fn rayong(store: &Store) -> Ids {
    let (operator, _) = organisation(store, "Rayong City Development", Role::Operator).await;
    let (verifier, _) = organisation(store, "Eastern Verification Body", Role::Verifier).await;
    let (municipality, municipality_account) = organisation(store, "เทศบาลนครระยอง", Role::Proponent).await;
    let (factory, factory_account) = organisation(store, "Map Ta Phut Olefins (synthetic)", Role::Factory).await;
    let class = Command::CreateCreditClass {
        code: "T-VER-P-METH-13-02".into(),
        name: "Mangrove restoration".into(),
        methodology: "Premium T-VER mangrove".into(),
        kind: ClassKind::Removal,
        default_buffer_bps: 1_500,
    };
    submit(store, operator, class).await;
    let details = ProjectDetails {
        class: ClassId(1),
        name: "Rayong river-mouth mangrove, 500 rai".into(),
        description: "ป่าชายเลนปากแม่น้ำระยอง".into(),
        jurisdiction: "TH-21".into(),
        // Sums like these have no short decimal form: the journal must keep them exactly.
        location: vec![[101.2795 + 0.0045, 12.66], [101.29, 12.6655 - 0.0045 * 0.96], [101.29, 12.68], [101.27, 12.68]],
        area_rai: 500,
        buffer_bps: None,
    };
    submit(store, municipality, Command::DraftProject { details }).await;
    let project = ProjectId(1);
    submit(store, municipality, Command::SubmitProject { project }).await;
    let review = Command::ReviewProject { project, decision: ProjectDecision::Validate, note: String::new() };
    submit(store, verifier, review).await;
    submit(store, operator, Command::RegisterProject { project }).await;
    let report = Command::SubmitReport {
        project,
        period_start: Date::parse("2025-01-01").unwrap(),
        period_end: Date::parse("2025-12-31").unwrap(),
        claimed_tco2e: 4_800,
        calculation: "{\"method\":\"plot survey\"}".into(),
    };
    submit(store, municipality, report).await;
    let verify = Command::ReviewReport {
        report: ReportId(1),
        decision: ReportDecision::Verify,
        verified_tco2e: 4_700,
        note: "".into(),
    };
    submit(store, verifier, verify).await;
    submit(store, verifier, Command::IssueCredits { report: ReportId(1) }).await;
    let batch = BatchId(1);
    let to_factory = Selection::Quantity { batch, quantity: 1_000 };
    submit(
        store,
        municipality,
        Command::Transfer { from: municipality_account, to: factory_account, selection: to_factory },
    )
    .await;
    let retire = Command::Retire {
        account: factory_account,
        selection: Selection::Quantity { batch, quantity: 250 },
        beneficiary: "Map Ta Phut Olefins".into(),
        reason: "Offset of 2025 Scope 1".into(),
        jurisdiction: "TH-21".into(),
        inventory_year: 2025,
    };
    submit(store, factory, retire).await;
    let hold = Command::PlaceHold { account: factory_account, selection: Selection::Quantity { batch, quantity: 100 } };
    submit(store, factory, hold).await;
    let loss = Command::ReportLoss { project, quantity: 300, reason: "Storm damage, October 2025".into() };
    submit(store, operator, loss).await;
    Ids { municipality, factory, verifier, operator, factory_account, municipality_account, batch, project }
}

#[tokio::test]
async fn the_rayong_flow_survives_a_restart_and_verifies() {
    for database in TestDatabase::all().await {
        let store = Store::open(database.options.clone()).await.unwrap();
        let ids = rayong(&store).await;
        let before = store.ledger().read().await.app.registry.clone();
        assert_eq!(before.holding(ids.factory_account, ids.batch).active_tco2e, Tco2e::new(650), "{}", database.name);
        assert_eq!(before.holding(ids.factory_account, ids.batch).held_tco2e, Tco2e::new(100));
        assert_eq!(before.holding(ids.municipality_account, ids.batch).active_tco2e, Tco2e::new(2_995));
        let totals = before.batch_totals(ids.batch);
        assert_eq!((totals.retired_tco2e.get(), totals.cancelled_tco2e.get()), (250, 300));
        drop(store);
        let reopened = Store::open(database.options.clone()).await.unwrap();
        assert_eq!(reopened.ledger().read().await.app.registry, before, "{}", database.name);
        let loaded = verify::load_and_verify(reopened.db(), Some(&reopened.public_key_hex())).await.unwrap();
        assert!(loaded.tree_heads_checked >= 15, "one signed head per commit");
        let _ = (ids.verifier, ids.operator, ids.project, ids.municipality, ids.factory);
    }
}

#[tokio::test]
async fn an_altered_event_is_named_by_verification() {
    for database in TestDatabase::all().await {
        let store = Store::open(database.options.clone()).await.unwrap();
        rayong(&store).await;
        let retired_seq = store
            .journal(0, 1_000)
            .await
            .unwrap()
            .iter()
            .find(|event| matches!(event.payload.registry(), Some(Event::Retired { .. })))
            .map(|event| event.seq)
            .unwrap();
        let altered = store
            .db()
            .execute(&format!(
                "UPDATE events SET body = REPLACE(body, '\"quantity_tco2e\":250', '\"quantity_tco2e\":25') WHERE seq = {retired_seq}"
            ))
            .await
            .unwrap();
        assert_eq!(altered, 1);
        let error = verify::load_and_verify(store.db(), None).await.err().expect("verification fails");
        assert_eq!(error.to_string(), format!("verification failed: event {retired_seq}: its body does not match its stored leaf hash (the event was altered)"), "{}", database.name);
        assert!(Store::open(database.options.clone()).await.is_err(), "start-up refuses a tampered journal");
    }
}

#[tokio::test]
async fn an_altered_or_missing_projection_row_is_named_by_verification() {
    let cases = [
        (
            "UPDATE holdings SET active_tco2e = active_tco2e + 1 WHERE account_id = 4",
            "projection holdings: row (4, 1) differs",
        ),
        ("DELETE FROM retirements", "projection retirements: row (1) is in the journal but not stored"),
        ("UPDATE blocks SET account_id = 4 WHERE state = 'retired'", "projection blocks: row (1, 1) differs"),
        ("DELETE FROM events WHERE seq = 3", "event 3: missing; the next stored event is 4"),
        (
            "DELETE FROM tree_heads WHERE tree_size = (SELECT MAX(tree_size) FROM tree_heads)",
            "the latest tree head covers",
        ),
        (
            "UPDATE tree_heads SET timestamp_ms = timestamp_ms + 1 WHERE tree_size = 3",
            "tree head at size 3: bad signature",
        ),
    ];
    for database in TestDatabase::all().await {
        for (sql, expected) in cases {
            let store = Store::open(database.options.clone()).await.unwrap();
            if store.ledger().read().await.tree.is_empty() {
                rayong(&store).await;
            }
            let backup = verify::load_and_verify(store.db(), None).await;
            assert!(backup.is_ok(), "untouched database verifies");
            store.db().execute(sql).await.unwrap();
            let error =
                verify::load_and_verify(store.db(), None).await.err().map(|e| e.to_string()).unwrap_or_default();
            assert!(error.contains(expected), "{}: {sql}: got '{error}'", database.name);
            // Start each case from a fresh database.
            drop(store);
            return_to_fresh(&database).await;
        }
    }
}

/// Empties every table, so the next case rebuilds from scratch.
async fn return_to_fresh(database: &TestDatabase) {
    let db = mangrove_store::connect(&database.options.location).await.unwrap();
    for table in ["events", "tree_heads", "users", "sessions"]
        .into_iter()
        .chain(mangrove_store::projection::TABLES.iter().map(|table| table.name))
    {
        db.execute(&format!("DELETE FROM {table}")).await.unwrap();
    }
}

#[tokio::test]
async fn a_retried_command_is_applied_once_even_across_a_restart() {
    for database in TestDatabase::all().await {
        let store = Store::open(database.options.clone()).await.unwrap();
        let ids = rayong(&store).await;
        let command = Command::Transfer {
            from: ids.factory_account,
            to: ids.municipality_account,
            selection: Selection::Quantity { batch: ids.batch, quantity: 10 },
        };
        let submission = Submission::new(&ids.factory, Some("transfer-42"), command.clone()).unwrap();
        let first = store.sequencer().submit(submission.clone()).await.unwrap();
        let again = store.sequencer().submit(submission.clone()).await.unwrap();
        assert!(!first.replayed && again.replayed);
        assert_eq!(first.events, again.events);
        drop(store);
        let store = Store::open(database.options.clone()).await.unwrap();
        let after_restart = store.sequencer().submit(submission).await.unwrap();
        assert_eq!(after_restart.events, first.events, "{}", database.name);
        let holding = store.ledger().read().await.app.registry.holding(ids.factory_account, ids.batch);
        assert_eq!(holding.active_tco2e, Tco2e::new(640), "moved once");
        let other =
            Submission::new(&ids.factory, Some("transfer-42"), Command::ReleaseHold { hold: HoldId(1) }).unwrap();
        let error = store.sequencer().submit(other).await.unwrap_err().to_string();
        assert!(error.contains("already used for a different command"), "{error}");
    }
}

#[tokio::test]
async fn concurrent_transfers_are_grouped_and_conserve_supply() {
    for database in TestDatabase::all().await {
        let store = Store::open(database.options.clone()).await.unwrap();
        let ids = rayong(&store).await;
        let mut tasks = Vec::new();
        for index in 0..300u64 {
            let store = store.clone();
            let (from, to, actor) = if index % 2 == 0 {
                (ids.municipality_account, ids.factory_account, ids.municipality)
            } else {
                (ids.factory_account, ids.municipality_account, ids.factory)
            };
            tasks.push(tokio::spawn(async move {
                let command =
                    Command::Transfer { from, to, selection: Selection::Quantity { batch: BatchId(1), quantity: 1 } };
                store.sequencer().submit(Submission::new(&actor, None, command).unwrap()).await
            }));
        }
        for task in tasks {
            task.await.unwrap().unwrap();
        }
        let heads = store.db().tree_heads().await.unwrap();
        let events = store.ledger().read().await.tree.len();
        assert!(heads.len() < events as usize, "some commits carried several commands");
        let registry = store.ledger().read().await.app.registry.clone();
        let factory = registry.holding(ids.factory_account, ids.batch).active_tco2e;
        let municipality = registry.holding(ids.municipality_account, ids.batch).active_tco2e;
        assert_eq!(factory + municipality, Tco2e::new(650 + 2_995), "{}", database.name);
        drop(store);
        let reopened = Store::open(database.options.clone()).await.unwrap();
        assert_eq!(reopened.ledger().read().await.app.registry, registry);
    }
}

/// While the writer decides the next group ahead of the disk, readers see
/// only committed groups: every event a reader can see is already in the
/// database, and the published head covers exactly what is published.
#[tokio::test]
async fn readers_see_only_what_is_durable_while_the_writer_runs_ahead() {
    for database in TestDatabase::all().await {
        let store = Store::open(database.options.clone()).await.unwrap();
        let ids = rayong(&store).await;
        let writers: Vec<_> = (0..400u64)
            .map(|index| {
                let store = store.clone();
                let (from, to, actor) = if index % 2 == 0 {
                    (ids.municipality_account, ids.factory_account, ids.municipality)
                } else {
                    (ids.factory_account, ids.municipality_account, ids.factory)
                };
                tokio::spawn(async move {
                    let command = Command::Transfer {
                        from,
                        to,
                        selection: Selection::Quantity { batch: BatchId(1), quantity: 1 },
                    };
                    store.sequencer().submit(Submission::new(&actor, None, command).unwrap()).await.unwrap();
                })
            })
            .collect();
        let writing = Arc::new(AtomicBool::new(true));
        let reader = {
            let (store, writing) = (store.clone(), writing.clone());
            tokio::spawn(async move {
                let mut looks = 0;
                // Looks all the while the writers run, and at least 20 times.
                while writing.load(Ordering::Relaxed) || looks <= 20 {
                    let (seen, head_size) = {
                        let ledger = store.ledger().read().await;
                        let head = ledger.latest_head.as_ref().map_or(0, |head| head.head.tree_size);
                        (ledger.tree.len(), head)
                    };
                    assert_eq!(head_size, seen, "the published head covers what is published");
                    let stored = store.db().events(seen - 1, seen).await.unwrap();
                    assert_eq!(stored.len(), 1, "event {} is visible but not in the database", seen - 1);
                    looks += 1;
                    tokio::task::yield_now().await;
                }
                looks
            })
        };
        for writer in writers {
            writer.await.unwrap();
        }
        writing.store(false, Ordering::Relaxed);
        let looks = tokio::time::timeout(std::time::Duration::from_secs(30), reader).await.unwrap().unwrap();
        assert!(looks > 20, "{}: the reader looked {looks} times", database.name);
    }
}

#[tokio::test]
async fn a_rejected_command_writes_nothing() {
    for database in TestDatabase::all().await {
        let store = Store::open(database.options.clone()).await.unwrap();
        let ids = rayong(&store).await;
        let events_before = store.ledger().read().await.tree.len();
        let too_much = Command::Transfer {
            from: ids.factory_account,
            to: ids.municipality_account,
            selection: Selection::Quantity { batch: ids.batch, quantity: 651 },
        };
        let error = store.sequencer().submit(Submission::new(&ids.factory, None, too_much).unwrap()).await.unwrap_err();
        assert!(matches!(error, mangrove_store::SubmitError::Rejected(ref e) if e.kind == ErrorKind::Insufficient));
        assert_eq!(store.ledger().read().await.tree.len(), events_before);
        assert_eq!(store.journal(0, u64::MAX).await.unwrap().len() as u64, events_before, "{}", database.name);
    }
}

#[tokio::test]
async fn a_factorys_book_is_journaled_projected_and_verified() {
    use mangrove_mrv::*;
    for database in TestDatabase::all().await {
        let store = Store::open(database.options.clone()).await.unwrap();
        let ids = rayong(&store).await;
        let Actor::Member { org, .. } = ids.factory else { panic!("a member") };
        let profile = FactoryProfile {
            org,
            licence: "3-42(1)-12/2540รย".into(),
            sector: Sector::Chemicals,
            district: "Mueang Rayong".into(),
            publish: true,
            synthetic: true,
        };
        submit_any(&store, ids.operator, MeasureCommand::RegisterFactory { profile }).await;
        let file = "month,activity,quantity,unit\n2025-01,ไฟฟ้า,120000,กิโลวัตต์ชั่วโมง\n2025-02,diesel,800,L\n";
        let lines = import_activities(file, Catalogue::embedded()).unwrap();
        let year =
            FactoryYear { org, year: 2025, gwp_set: GwpSet::Ar6, combustion: CombustionMethod::TgoCombined, lines };
        submit_any(&store, ids.factory, MeasureCommand::RecordYear { year }).await;
        let others = Submission::new(
            &ids.municipality,
            None,
            MeasureCommand::SetTarget {
                org,
                target: TargetSetting {
                    base_year: 2025,
                    target_year: 2030,
                    reduction: BasisPoints::new(3_000, "reduction").unwrap(),
                    net_zero_year: 2050,
                },
            },
        );
        let refused = store.sequencer().submit(others.unwrap()).await.unwrap_err();
        assert!(refused.to_string().contains("only the factory itself"), "{refused}");
        // 120,000 kWh × 0.4999 = 59,988 kg; 800 L × 2.7078 = 2,166.24 kg.
        let total =
            store.ledger().read().await.app.factories.inventory(Catalogue::embedded(), org, 2025).unwrap().total();
        assert_eq!(total.grams(), 59_988_000 + 2_166_240, "{}", database.name);
        drop(store);
        let reopened = Store::open(database.options.clone()).await.unwrap();
        assert!(reopened.ledger().read().await.app.factories.year(org, 2025).is_some());
        reopened.db().execute("UPDATE factory_years SET line_count = 3").await.unwrap();
        let error = verify::load_and_verify(reopened.db(), None).await.err().unwrap().to_string();
        assert!(error.contains("projection factory_years: row (4, 2025) differs"), "{}: {error}", database.name);
    }
}

async fn submit_any(store: &Store, actor: Actor, command: mangrove_mrv::MeasureCommand) {
    let submission = Submission::new(&actor, None, command).unwrap();
    store.sequencer().submit(submission).await.unwrap();
}
