//! A deterministic simulation of the whole write path, TigerBeetle's habit:
//! the real sequencer, publisher, snapshots and store, on one thread
//! (a current-thread runtime), with a simulated clock and a disk that holds
//! each group's transaction until the seeded test decides its fate: written
//! and acknowledged, refused, written with its acknowledgement lost, or a
//! crash before or after the write. A seed fixes every command, every fate
//! and every instant, so a failing seed runs the same way again: the same
//! steps, the same journal to the byte. (Only how many answers reached
//! their clients before a crash may differ: a retried command is answered
//! from the database, on sqlx's own threads.)
//!
//! After every restart, and at the end, it checks that every acknowledged
//! command's events are in the journal exactly as they were answered, that
//! nothing published was lost, that the invariants hold, and that a start
//! from the latest snapshot and a full replay with every check reach the
//! same state.
//!
//! CI runs [`CI_SEEDS`] seeds. By hand: `MANGROVE_SIMULATION_SEEDS=5000
//! cargo test -p mangrove-store --release simulation` for many, or
//! `MANGROVE_SIMULATION_SEED=1234` for one, which prints its trace.

use crate::db::Db;
use crate::sequencer::WriteJob;
use crate::sqlite_writer::SqliteWriter;
use crate::{verify_database, Location, Store, StoreError, StoreOptions, SubmitError};
use mangrove_app::{AppCommand, JournalEvent, Submission};
use mangrove_core::random::SplitMix64;
use mangrove_core::signing::DeploymentKey;
use mangrove_ledger::{AccountKind, Amount, Asset, LedgerAccountId, Owner, TransferId, TransferSpec};
use mangrove_registry::{Actor, Command, Role};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};

/// Seeds every CI run simulates.
pub const CI_SEEDS: u64 = 24;
/// Steps per seed: commands, fates, clock ticks and snapshots.
const STEPS: usize = 160;

/// The simulation's disk: it keeps the group the sequencer asked it to
/// write until the test decides what happens to it.
#[derive(Clone, Default)]
pub(crate) struct SimDisk(Arc<Mutex<Disk>>);

#[derive(Default)]
struct Disk {
    writer: Option<SqliteWriter>,
    waiting: Option<WriteJob>,
}

/// What happens to a group's transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fate {
    /// Written, durable, acknowledged.
    Durable,
    /// Not written, and the sequencer told so: it must stop (fail-stop).
    Refused,
    /// Written, but the sequencer hears it failed: its commands are
    /// refused though they are durable.
    AcknowledgementLost,
    /// The process dies before the transaction commits.
    CrashBefore,
    /// The process dies after it commits, before anyone hears.
    CrashAfter,
}

impl SimDisk {
    /// Opens the disk's connection to the store's database.
    pub(crate) fn attach(&self, db: &Db) -> Result<SimDisk, StoreError> {
        let Db::Sqlite(pool) = db else {
            return Err(StoreError::Invalid("the simulation writes to SQLite".into()));
        };
        let writer = SqliteWriter::open(pool.connect_options().get_filename())?;
        let mut disk = self.0.lock().expect("the disk's lock");
        *disk = Disk { writer: Some(writer), waiting: None };
        Ok(self.clone())
    }

    /// The sequencer's write: held until the test decides.
    pub(crate) fn receive(&self, job: WriteJob) {
        let mut disk = self.0.lock().expect("the disk's lock");
        assert!(disk.waiting.is_none(), "the sequencer writes one group at a time");
        disk.waiting = Some(job);
    }

    fn is_waiting(&self) -> bool {
        self.0.lock().expect("the disk's lock").waiting.is_some()
    }

    /// Decides the waiting group's fate; true if the process crashed.
    fn decide(&self, fate: Fate) -> bool {
        let mut disk = self.0.lock().expect("the disk's lock");
        let Some(job) = disk.waiting.take() else { return false };
        let writer = disk.writer.as_mut().expect("attached");
        let mut write = || writer.write_group(&job.events, &job.changes, &job.head).map_err(StoreError::from);
        let refused = || Err(StoreError::Invalid("the simulated disk refused the write".into()));
        match fate {
            Fate::Durable => drop(job.done.send(write())),
            Fate::Refused => drop(job.done.send(refused())),
            Fate::AcknowledgementLost => {
                write().expect("the simulated disk writes");
                drop(job.done.send(refused()));
            }
            Fate::CrashBefore => {}
            Fate::CrashAfter => write().expect("the simulated disk writes"),
        }
        matches!(fate, Fate::CrashBefore | Fate::CrashAfter)
    }
}

/// What one seed did, for comparing two runs of it.
#[derive(Debug, Clone)]
struct Run {
    journal_events: u64,
    root_hex: String,
    acknowledged_commands: usize,
    lives: usize,
    trace: Vec<String>,
}

struct Simulation {
    rng: SplitMix64,
    options: StoreOptions,
    clock: Arc<AtomicI64>,
    disk: SimDisk,
    /// Every acknowledged command's events, as answered.
    acknowledged: Arc<Mutex<Vec<Vec<JournalEvent>>>>,
    /// The longest journal readers were shown.
    published_events: u64,
    /// Ledger accounts of the organisations, once opened.
    accounts: Vec<LedgerAccountId>,
    /// Keyed submissions sent, for retries.
    keyed: Vec<Submission>,
    next_id: u64,
    trace: Vec<String>,
}

/// Lets every task run until none can go on without the test.
async fn settle() {
    for _ in 0..64 {
        tokio::task::yield_now().await;
    }
}

impl Simulation {
    fn new(seed: u64, directory: &std::path::Path) -> Simulation {
        let location = Location::Sqlite(directory.join("simulated.db"));
        let mut options = StoreOptions::at(location);
        options.key_path = directory.join("simulated.key");
        let mut key_seed = [7u8; 32];
        key_seed[..8].copy_from_slice(&seed.to_le_bytes());
        DeploymentKey::from_seed(key_seed).save(&options.key_path).expect("the key file");
        let clock = Arc::new(AtomicI64::new(1_767_225_600_000 + (seed % 1_000) as i64 * 86_400_000));
        let reading = clock.clone();
        options.clock = Arc::new(move || reading.load(Ordering::SeqCst));
        // Snapshots are taken as steps of the simulation, between writes:
        // the background timer's transaction spans awaits, which the disk's
        // synchronous write on the same thread would wait on.
        options.snapshot_every_events = 0;
        let disk = SimDisk::default();
        options.disk = Some(disk.clone());
        Simulation {
            rng: SplitMix64::new(seed),
            options,
            clock,
            disk,
            acknowledged: Arc::default(),
            published_events: 0,
            accounts: Vec::new(),
            keyed: Vec::new(),
            next_id: 0,
            trace: Vec::new(),
        }
    }

    fn run(mut self) -> Run {
        let mut steps_left = STEPS;
        let mut lives = 0;
        while steps_left > 0 {
            lives += 1;
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
            steps_left = runtime.block_on(self.life(steps_left));
            // Dropping the runtime stops every task mid-flight: the crash.
            drop(runtime);
        }
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
        let (journal_events, root_hex) = runtime.block_on(async {
            let store = self.restart().await;
            let published = store.ledger().read().await;
            (published.tree.len(), hex::encode(published.tree.root()))
        });
        let acknowledged_commands = self.acknowledged.lock().expect("lock").len();
        Run { journal_events, root_hex, acknowledged_commands, lives, trace: self.trace }
    }

    /// Opens the store after whatever happened, and checks what it holds.
    async fn restart(&mut self) -> Store {
        let store = Store::open(self.options.clone()).await.expect("the store opens after any crash");
        let published = store.ledger().read().await;
        let length = published.tree.len();
        assert!(
            length >= self.published_events,
            "{length} events after a restart, but {} were shown",
            self.published_events
        );
        published.app.check_invariants().expect("the invariants hold after a restart");
        let acknowledged = self.acknowledged.lock().expect("lock").clone();
        for events in &acknowledged {
            let (first, end) = (events[0].seq, events[events.len() - 1].seq + 1);
            let stored = store.journal(first, end).await.expect("the journal reads");
            assert_eq!(&stored, events, "an acknowledged command's events at {first} differ after a restart");
        }
        let full = verify_database(&self.options.location, Some(&self.options.key_path))
            .await
            .expect("a full replay with every check passes");
        assert_eq!(
            full.app.encode_state().state_hash,
            published.app.encode_state().state_hash,
            "the start (from snapshot {:?}) and a full replay differ",
            store.started_from_snapshot()
        );
        drop(published);
        store
    }

    /// One process's life: runs steps until a crash or a refused write, or
    /// until the steps run out; returns the steps left.
    async fn life(&mut self, mut steps_left: usize) -> usize {
        let store = self.restart().await;
        self.trace.push(format!("start at {} events", store.ledger().read().await.tree.len()));
        if self.accounts.is_empty() {
            self.set_up(&store).await;
        }
        while steps_left > 0 {
            steps_left -= 1;
            match self.rng.below(100) {
                0..=44 => {
                    let count = 1 + self.rng.below(8);
                    for _ in 0..count {
                        let submission = self.command();
                        self.submit(&store, submission);
                    }
                    self.trace.push(format!("{count} commands"));
                }
                45..=79 => {
                    if self.disk.is_waiting() {
                        let fate = match self.rng.below(100) {
                            0..=84 => Fate::Durable,
                            85..=88 => Fate::Refused,
                            89..=92 => Fate::AcknowledgementLost,
                            93..=96 => Fate::CrashBefore,
                            _ => Fate::CrashAfter,
                        };
                        self.trace.push(format!("{fate:?}"));
                        if self.disk.decide(fate) {
                            return steps_left;
                        }
                    }
                }
                80..=91 => {
                    let ms = 1 + self.rng.below(3_600_000) as i64;
                    self.clock.fetch_add(ms, Ordering::SeqCst);
                    self.trace.push(format!("{ms} ms pass"));
                }
                92..=95 => {
                    let taken = store.take_snapshot().await.expect("a snapshot is taken");
                    self.trace.push(format!("snapshot at {:?}", taken.map(|taken| taken.position)));
                }
                _ => self.trace.push("a stall".into()),
            }
            settle().await;
            self.published_events = self.published_events.max(store.ledger().read().await.tree.len());
            if let Some(why) = store.fatal().reason() {
                self.trace.push(format!("fail-stop: {why}"));
                return steps_left;
            }
        }
        // A clean end: the last groups written, then stopped.
        while self.disk.is_waiting() {
            self.disk.decide(Fate::Durable);
            settle().await;
        }
        0
    }

    /// The operator and four organisations with baht accounts, written
    /// durably before anything can fail.
    async fn set_up(&mut self, store: &Store) {
        let operator = Command::CreateOrganisation { name: "Rayong City".into(), role: Role::Operator };
        let mut setup: Vec<AppCommand> = vec![operator.into()];
        for name in ["Map Ta Phut Steel", "Ban Chang Cooperative", "Klaeng Fisheries", "Rayong Mangrove Trust"] {
            setup.push(Command::CreateOrganisation { name: name.into(), role: Role::Proponent }.into());
        }
        let settlement = Owner::Operator;
        setup.push(
            mangrove_ledger::Command::OpenAccount {
                owner: settlement,
                asset: Asset::Thb,
                kind: AccountKind::Settlement,
            }
            .into(),
        );
        for org in 2..=5 {
            let owner = Owner::Org(mangrove_core::OrgId(org));
            setup.push(
                mangrove_ledger::Command::OpenAccount { owner, asset: Asset::Thb, kind: AccountKind::Ordinary }.into(),
            );
        }
        for command in setup {
            let submission = Submission::new(&Actor::System, None, command).expect("a valid submission");
            let answer = tokio::spawn({
                let handle = store.sequencer().clone();
                async move { handle.submit(submission).await }
            });
            while !answer.is_finished() {
                settle().await;
                self.disk.decide(Fate::Durable);
            }
            answer.await.expect("the task").expect("the set-up is accepted");
        }
        let published = store.ledger().read().await;
        self.accounts = (2..=5)
            .map(|org| {
                let owner = Owner::Org(mangrove_core::OrgId(org));
                published.app.ledger.account_for(owner, Asset::Thb, AccountKind::Ordinary).expect("opened")
            })
            .collect();
    }

    fn account(&mut self) -> LedgerAccountId {
        self.accounts[self.rng.below(self.accounts.len() as u64) as usize]
    }

    fn transfer_id(&mut self) -> TransferId {
        self.next_id += 1;
        TransferId::new(format!("sim-{}", self.next_id)).expect("a valid id")
    }

    /// A command, valid or not, maybe with an idempotency key, maybe a retry.
    fn command(&mut self) -> Submission {
        if !self.keyed.is_empty() && self.rng.percent(10) {
            let earlier = self.keyed[self.rng.below(self.keyed.len() as u64) as usize].clone();
            return earlier;
        }
        let spec = match self.rng.below(100) {
            0..=34 => TransferSpec::Deposit {
                id: self.transfer_id(),
                account: self.account(),
                amount: Amount::new(1 + self.rng.below(1_000_000)),
            },
            35..=69 => TransferSpec::Posted {
                id: self.transfer_id(),
                debit: self.account(),
                credit: self.account(),
                amount: Amount::new(1 + self.rng.below(800_000)),
            },
            70..=84 => TransferSpec::Withdrawal {
                id: self.transfer_id(),
                account: self.account(),
                amount: Amount::new(1 + self.rng.below(500_000)),
            },
            85..=92 => TransferSpec::Deposit { id: self.transfer_id(), account: self.account(), amount: Amount::ZERO },
            _ => {
                self.next_id += 1;
                let command = Command::CreateOrganisation {
                    name: format!("Rayong Business {}", self.next_id),
                    role: Role::Proponent,
                };
                return Submission::new(&Actor::System, None, command).expect("a valid submission");
            }
        };
        let command = mangrove_ledger::Command::Transfer(spec);
        if self.rng.percent(30) {
            self.next_id += 1;
            let key = format!("key-{}", self.next_id);
            let submission = Submission::new(&Actor::System, Some(&key), command).expect("a valid key");
            self.keyed.push(submission.clone());
            submission
        } else {
            Submission::new(&Actor::System, None, command).expect("a valid submission")
        }
    }

    /// Sends a command from a task of its own, as a client would, and
    /// remembers its events if it is acknowledged.
    fn submit(&self, store: &Store, submission: Submission) {
        let handle = store.sequencer().clone();
        let acknowledged = self.acknowledged.clone();
        tokio::spawn(async move {
            match handle.submit(submission).await {
                Ok(receipt) if !receipt.events.is_empty() => {
                    acknowledged.lock().expect("lock").push(receipt.events);
                }
                Ok(_) | Err(SubmitError::Rejected(_)) | Err(SubmitError::Unavailable(_)) => {}
            }
        });
    }
}

fn simulate(seed: u64) -> Run {
    let directory = tempfile::tempdir().expect("a temporary folder");
    let outcome =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| Simulation::new(seed, directory.path()).run()));
    match outcome {
        Ok(run) => run,
        Err(panic) => panic!(
            "seed {seed} failed: {}; rerun it alone with MANGROVE_SIMULATION_SEED={seed}",
            crate::sequencer::panic_message(&*panic)
        ),
    }
}

fn seeds() -> Vec<u64> {
    let number = |name: &str| std::env::var(name).ok().and_then(|value| value.parse::<u64>().ok());
    if let Some(seed) = number("MANGROVE_SIMULATION_SEED") {
        return vec![seed];
    }
    (0..number("MANGROVE_SIMULATION_SEEDS").unwrap_or(CI_SEEDS)).collect()
}

#[test]
fn every_acknowledged_command_survives_any_failure_and_a_restart_reaches_the_same_state() {
    let mut fates: BTreeMap<&str, usize> = BTreeMap::new();
    let seeds = seeds();
    for &seed in &seeds {
        let run = simulate(seed);
        if seeds.len() == 1 {
            println!("seed {seed}: {run:#?}");
        }
        for step in &run.trace {
            for name in ["Durable", "Refused", "AcknowledgementLost", "CrashBefore", "CrashAfter", "snapshot at Some"] {
                if step.starts_with(name) {
                    *fates.entry(name).or_default() += 1;
                }
            }
        }
        assert!(run.acknowledged_commands > 0, "seed {seed} acknowledged nothing: {:?}", run.trace);
    }
    println!("{} seeds: {fates:?}", seeds.len());
    if seeds.len() >= CI_SEEDS as usize {
        for name in ["Durable", "Refused", "AcknowledgementLost", "CrashBefore", "CrashAfter", "snapshot at Some"] {
            assert!(fates.get(name).copied().unwrap_or(0) > 0, "no seed exercised {name}: {fates:?}");
        }
    }
}

#[test]
fn a_seed_runs_the_same_way_twice() {
    let first = simulate(11);
    let second = simulate(11);
    assert_eq!(
        (&first.trace, first.journal_events, &first.root_hex, first.lives),
        (&second.trace, second.journal_events, &second.root_hex, second.lives)
    );
    assert!(first.lives > 1 || first.trace.iter().any(|step| step.starts_with("fail-stop")), "{:?}", first.trace);
}
