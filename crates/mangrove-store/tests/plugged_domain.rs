//! A domain plugged in by a test, touching no other domain: its commands
//! are decided and journaled through the sequencer, its tables are created
//! from its own description and written at each commit, and a restart (in
//! full or from a snapshot) and `verify` rebuild and check it like the
//! built-in domains. A build that does not run it refuses its journal,
//! naming the domain.

use mangrove_app::{Domains, PluggedCommand, Submission};
use mangrove_core::domain::{Domain, Touched};
use mangrove_core::tables::{Kind, Row, Table, Value};
use mangrove_core::{Actor, Context, DomainError, DomainResult, ErrorKind};
use mangrove_store::testing::TestDatabase;
use mangrove_store::verify::{load_and_verify_trusting, load_for_start, Trust};
use mangrove_store::{connect_for, verify_database, Store, StoreOptions, SubmitError};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Named tallies, with the grand total kept beside them.
#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
struct Tally {
    counts: BTreeMap<String, u64>,
    total: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "command", rename_all = "snake_case")]
enum TallyCommand {
    Count { name: String, by: u64 },
    Forget { name: String },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
enum TallyEvent {
    Counted { name: String, by: u64 },
    Forgotten { name: String },
}

impl Domain for Tally {
    const NAME: &'static str = "tally";
    const TABLES: &'static [Table] =
        &[Table { name: "tally_counts", columns: &[("name", Kind::Text), ("count", Kind::Int)], key_columns: 1 }];
    type Command = TallyCommand;
    type Event = TallyEvent;

    fn decide(&self, _: &Context, command: &TallyCommand) -> DomainResult<Vec<TallyEvent>> {
        match command {
            TallyCommand::Count { name, by } => {
                if name.is_empty() || *by == 0 || *by > 1_000 {
                    return Err(DomainError::invalid("by", "count a named tally by 1 to 1,000"));
                }
                Ok(vec![TallyEvent::Counted { name: name.clone(), by: *by }])
            }
            TallyCommand::Forget { name } => match self.counts.contains_key(name) {
                true => Ok(vec![TallyEvent::Forgotten { name: name.clone() }]),
                false => Err(DomainError::not_found("name", format!("there is no tally {name:?}"))),
            },
        }
    }

    fn apply(&mut self, event: &TallyEvent, touched: &mut Touched) {
        match event {
            TallyEvent::Counted { name, by } => {
                *self.counts.entry(name.clone()).or_default() += by;
                self.total += by;
                touched.mark(0, vec![Value::text(name)]);
            }
            TallyEvent::Forgotten { name } => {
                self.total -= self.counts.remove(name).unwrap_or(0);
                touched.mark(0, vec![Value::text(name)]);
            }
        }
    }

    fn check_invariants(&self) -> Result<(), String> {
        let sum: u64 = self.counts.values().sum();
        (sum == self.total)
            .then_some(())
            .ok_or_else(|| format!("the tallies sum to {sum}, the total is {}", self.total))
    }

    fn row(&self, _: usize, key: &[Value]) -> Option<Row> {
        let [Value::Text(Some(name))] = key else { return None };
        self.counts.get(name).map(|count| vec![Value::text(name), Value::int(*count)])
    }

    fn rows(&self, _: usize) -> Vec<Row> {
        self.counts.iter().map(|(name, count)| vec![Value::text(name), Value::int(*count)]).collect()
    }
}

fn with_tally(mut options: StoreOptions) -> StoreOptions {
    options.domains = Domains::registered().with::<Tally>();
    options
}

fn tally(command: TallyCommand) -> Submission {
    Submission::new(&Actor::System, None, PluggedCommand::new::<Tally>(&command)).unwrap()
}

fn count(name: &str, by: u64) -> Submission {
    tally(TallyCommand::Count { name: name.into(), by })
}

async fn state(store: &Store) -> Tally {
    store.ledger().read().await.app.domains.state::<Tally>().expect("the tally domain runs").clone()
}

#[tokio::test]
async fn a_plugged_domain_journals_projects_restarts_and_verifies_on_both_databases() {
    for database in TestDatabase::all().await {
        let name = database.name;
        let options = with_tally(database.options.clone());
        let store = Store::open(options.clone()).await.unwrap();
        for (tally_name, by) in [("mangrove visits", 3), ("quests", 5), ("mangrove visits", 4), ("lost", 1)] {
            store.sequencer().submit(count(tally_name, by)).await.unwrap();
        }
        store.sequencer().submit(tally(TallyCommand::Forget { name: "lost".into() })).await.unwrap();

        // A refusal, the domain's or the app's, changes nothing.
        let before = (state(&store).await, store.ledger().read().await.tree.len());
        let refused = store.sequencer().submit(count("quests", 0)).await.unwrap_err();
        assert!(matches!(&refused, SubmitError::Rejected(e) if e.field == Some("by")), "{name}: {refused}");
        let unknown = PluggedCommand { domain: "parcels".into(), command: serde_json::json!({}) };
        let refused = store.sequencer().submit(Submission::new(&Actor::System, None, unknown).unwrap()).await;
        assert!(
            matches!(&refused, Err(SubmitError::Rejected(e)) if e.kind == ErrorKind::NotFound && e.message.contains("parcels")),
            "{name}: {refused:?}"
        );
        let garbled = PluggedCommand { domain: "tally".into(), command: serde_json::json!({"command": "explode"}) };
        let refused = store.sequencer().submit(Submission::new(&Actor::System, None, garbled).unwrap()).await;
        assert!(matches!(&refused, Err(SubmitError::Rejected(e)) if e.field == Some("command")), "{name}: {refused:?}");
        assert_eq!((state(&store).await, store.ledger().read().await.tree.len()), before, "{name}");

        let expected =
            Tally { counts: BTreeMap::from([("mangrove visits".into(), 7), ("quests".into(), 5)]), total: 12 };
        assert_eq!(state(&store).await, expected, "{name}");
        let db = store.db().clone();
        let stored = db.read_table(&Tally::TABLES[0]).await.unwrap();
        assert_eq!(stored.len(), 2, "{name}: the forgotten tally's row was deleted: {stored:?}");
        drop(store);

        // A full replay and a start from a snapshot reach the same state.
        let store = Store::open(options.clone()).await.unwrap();
        assert_eq!(state(&store).await, expected, "{name}: after a restart");
        store.take_snapshot().await.unwrap().expect("a snapshot");
        store.sequencer().submit(count("quests", 1)).await.unwrap();
        drop(store);
        let trust = Trust { domains: Some(&options.domains), ..Trust::default() };
        let started = load_for_start(&db, trust).await.unwrap();
        assert!(started.started_from_snapshot.is_some(), "{name}");
        let full = load_and_verify_trusting(&db, trust).await.unwrap();
        assert_eq!(full.snapshots_checked, 1, "{name}");
        assert_eq!(started.app.encode_state(), full.app.encode_state(), "{name}");
        assert_eq!(full.app.domains.state::<Tally>().unwrap().counts["quests"], 6, "{name}");

        // Its projection is checked like any other.
        let row = "UPDATE tally_counts SET count = 60 WHERE name = 'quests'";
        match &db {
            mangrove_store::Db::Sqlite(pool) => sqlx::query(row).execute(pool).await.map(drop),
            mangrove_store::Db::Postgres(pool) => sqlx::query(row).execute(pool).await.map(drop),
        }
        .unwrap();
        let error = load_and_verify_trusting(&db, trust).await.err().expect("the altered row is found");
        assert!(error.to_string().contains("projection tally_counts: row (\"quests\") differs"), "{name}: {error}");
    }
}

#[tokio::test]
async fn a_build_without_the_domain_refuses_its_journal_and_names_it() {
    let database = TestDatabase::sqlite();
    let options = with_tally(database.options.clone());
    let store = Store::open(options.clone()).await.unwrap();
    store.sequencer().submit(count("quests", 2)).await.unwrap();
    drop(store);
    let error = verify_database(&options.location, None).await.err().expect("refused");
    assert!(error.to_string().contains("the tally domain, which this build does not run"), "{error}");
    // The tables are there for the build that runs it.
    let db = connect_for(&options.location, &options.domains).await.unwrap();
    assert_eq!(db.read_table(&Tally::TABLES[0]).await.unwrap().len(), 1);
}
