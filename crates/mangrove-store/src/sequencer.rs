//! The one writer. Every change to durable state is a command that passes
//! through this task, in order: it is decided against the writer's own
//! copy of the state, its events are sealed into the hash chain and the
//! Merkle tree, and a whole group of commands is committed — events,
//! projection rows and a signed tree head — in one transaction. A command
//! is answered only after its group commits.
//!
//! The writer is pipelined: while one group's transaction is being written
//! and synced, the next group is already being decided against the
//! writer's copy, and the next write starts as soon as the last one is
//! durable, while a task of its own (`Publisher`) publishes that one and
//! answers its commands, in commit order. On SQLite the transactions run on
//! a thread and a connection of their own (`GroupWriter`). Readers never
//! see the writer's copy. They read the published [`Ledger`], to which a
//! group's events are applied only once the group is durable, and before
//! its commands are answered; so a reader never sees what is not yet
//! durable, and a client that was answered reads its own change.
//!
//! If a commit fails, the writer's copy is ahead of the disk; the sequencer
//! then refuses every later command (fail-stop) and the process must
//! restart, which rebuilds memory from what was committed. That failure,
//! and a panic of the sequencer, the writer thread or the publisher, is
//! raised on the store's [`Fatal`] signal, on which the server stops.

use crate::db::{Db, StoredEvent};
use crate::projection::{self, Changes};
use crate::sqlite_writer::SqliteWriter;
use crate::{Clock, Ledger, StoreError};
use mangrove_app::{App, AppCommand, AppDirty, AppEvent, DeploymentCommand, JournalEvent, Outcome, Submission};
use mangrove_core::journal::{seal, Envelope, JOURNAL_FORMAT};
use mangrove_core::merkle::{Hash, MerkleTree};
use mangrove_core::signing::{DeploymentKey, SignedTreeHead, TreeHead};
use mangrove_core::DomainError;
use mangrove_registry::{Actor, Context};
use std::sync::Arc;
use tokio::sync::{broadcast, mpsc, oneshot, watch};
use tokio::task::JoinHandle;

/// Commands waiting for the sequencer; senders wait when it is full.
pub const QUEUE_COMMANDS_MAX: usize = 16_384;

/// What a caller gets back for a command.
#[derive(Debug, Clone, PartialEq)]
pub struct Receipt {
    /// The command's events as journaled, with their sequence numbers.
    pub events: Vec<JournalEvent>,
    /// True when the idempotency key had been used for this command before.
    pub replayed: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum SubmitError {
    #[error(transparent)]
    Rejected(#[from] DomainError),
    #[error("the registry is unavailable: {0}")]
    Unavailable(String),
}

struct Request {
    submission: Submission,
    respond: oneshot::Sender<Result<Receipt, SubmitError>>,
}

/// A cheap handle for submitting commands.
#[derive(Clone)]
pub struct SequencerHandle {
    sender: mpsc::Sender<Request>,
}

impl SequencerHandle {
    pub async fn submit(&self, submission: Submission) -> Result<Receipt, SubmitError> {
        let (respond, receive) = oneshot::channel();
        let stopped = || SubmitError::Unavailable("the sequencer has stopped".into());
        self.sender.send(Request { submission, respond }).await.map_err(|_| stopped())?;
        receive.await.map_err(|_| stopped())?
    }
}

/// The writer's own copy of the state, ahead of the published one by the
/// groups not yet durable.
pub(crate) struct Working {
    pub app: App,
    pub tree: MerkleTree,
    pub chain_hash: Hash,
}

/// Raised once when the store can no longer be trusted to write (a commit
/// failed, or the sequencer, the writer or the publisher died); holds the
/// reason. Whoever serves the store stops on it so that a restart, and the
/// start-up verification that comes with it, decides whether to serve again.
#[derive(Clone)]
pub struct Fatal(Arc<watch::Sender<Option<String>>>);

impl Default for Fatal {
    fn default() -> Self {
        Fatal(Arc::new(watch::channel(None).0))
    }
}

impl Fatal {
    /// Raises the signal; the first reason is the one kept.
    pub fn raise(&self, why: impl Into<String>) {
        let why = why.into();
        tracing::error!(%why, "fatal: the process must stop");
        self.0.send_if_modified(|reason| {
            let first = reason.is_none();
            if first {
                *reason = Some(why);
            }
            first
        });
    }

    /// The reason, once raised.
    pub fn reason(&self) -> Option<String> {
        self.0.borrow().clone()
    }

    /// Resolves with the reason once the signal is raised.
    pub async fn raised(&self) -> String {
        let mut receiver = self.0.subscribe();
        let reason = receiver.wait_for(Option::is_some).await.map(|reason| reason.clone().unwrap_or_default());
        match reason {
            Ok(reason) => reason,
            // The sender lives in `self`, so the channel cannot close.
            Err(_) => std::future::pending().await,
        }
    }

    /// Raises the signal if `task` ends by a panic (not if it is aborted).
    pub fn watch(&self, what: &'static str, task: JoinHandle<()>) {
        let fatal = self.clone();
        tokio::spawn(async move {
            if let Err(error) = task.await {
                if error.is_panic() {
                    fatal.raise(format!("the {what} panicked: {}", panic_message(error.into_panic().as_ref())));
                }
            }
        });
    }
}

/// The text a panic was raised with, when it has one.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        text.to_string()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "(no message)".to_string()
    }
}

pub(crate) struct Sequencer {
    pub working: Working,
    pub key: Arc<DeploymentKey>,
    pub clock: Clock,
    /// 1 gives one transaction per command (for comparison in the benchmark).
    pub group_commands_max: usize,
    pub writer: GroupWriter,
    pub fatal: Fatal,
    /// Set once the deployment key changed: this process holds only the old
    /// key, which must sign no head after the one covering the change.
    pub closed: Option<String>,
}

/// A group's rows, to be written in one transaction.
pub(crate) struct WriteJob {
    pub(crate) events: Vec<StoredEvent>,
    pub(crate) changes: Changes,
    pub(crate) head: SignedTreeHead,
    pub(crate) done: oneshot::Sender<Result<(), StoreError>>,
}

/// Where group transactions run.
pub(crate) enum GroupWriter {
    /// SQLite: on a thread of its own with a connection of its own
    /// ([`SqliteWriter`]), so no statement waits behind the runtime's other
    /// tasks or hops to another thread. It stops when the sequencer does.
    Thread(mpsc::UnboundedSender<WriteJob>),
    /// PostgreSQL: as a task of the runtime, whose network I/O drives it.
    Task(sqlx::PgPool),
    /// The simulation's disk, which holds each job until the test decides
    /// its fate (`simulation.rs`).
    #[cfg(test)]
    Simulated(crate::simulation::SimDisk),
}

impl GroupWriter {
    pub(crate) fn start(db: &Db) -> Result<GroupWriter, StoreError> {
        let pool = match db {
            Db::Postgres(pool) => return Ok(GroupWriter::Task(pool.clone())),
            Db::Sqlite(pool) => pool,
        };
        let mut writer = SqliteWriter::open(pool.connect_options().get_filename())?;
        let (sender, mut jobs) = mpsc::unbounded_channel::<WriteJob>();
        std::thread::Builder::new()
            .name("mangrove-writer".into())
            .spawn(move || {
                while let Some(job) = jobs.blocking_recv() {
                    let written = writer.write_group(&job.events, &job.changes, &job.head).map_err(StoreError::from);
                    let _ = job.done.send(written);
                }
            })
            .map_err(|error| StoreError::Invalid(format!("could not start the writer thread: {error}")))?;
        Ok(GroupWriter::Thread(sender))
    }

    fn write(&self, job: WriteJob) {
        match self {
            // If the thread is gone the job is dropped, and its group is
            // answered as failed.
            GroupWriter::Thread(jobs) => drop(jobs.send(job)),
            GroupWriter::Task(pool) => {
                let pool = pool.clone();
                tokio::spawn(async move {
                    let written = crate::db::write_group_postgres(&pool, &job.events, &job.changes, &job.head)
                        .await
                        .map_err(StoreError::from);
                    let _ = job.done.send(written);
                });
            }
            #[cfg(test)]
            GroupWriter::Simulated(disk) => disk.receive(job),
        }
    }
}

enum Pending {
    Applied { respond: oneshot::Sender<Result<Receipt, SubmitError>>, events: Vec<JournalEvent> },
    Replayed { respond: oneshot::Sender<Result<Receipt, SubmitError>>, first_seq: u64, count: u64 },
}

/// Commands decided and sealed, not yet written.
#[derive(Default)]
struct Group {
    pending: Vec<Pending>,
    stored: Vec<StoredEvent>,
    leaves: Vec<Hash>,
    dirty: AppDirty,
}

/// A group whose transaction is being written.
struct InFlight {
    write: oneshot::Receiver<Result<(), StoreError>>,
    pending: Vec<Pending>,
    leaves: Vec<Hash>,
    chain_hash: Hash,
    head: SignedTreeHead,
}

impl Sequencer {
    /// Starts the sequencer and, beside it, the publisher of what it writes.
    pub(crate) fn spawn(self, publisher: Publisher) -> SequencerHandle {
        let (sender, receiver) = mpsc::channel(QUEUE_COMMANDS_MAX);
        let (publish, written) = mpsc::unbounded_channel();
        let fatal = self.fatal.clone();
        fatal.watch("publisher", tokio::spawn(publisher.run(written)));
        fatal.watch("sequencer", tokio::spawn(self.run(receiver, publish)));
        SequencerHandle { sender }
    }

    /// Receives commands and decides them into the next group while the
    /// previous group is written; starts the next write as soon as the
    /// previous one is durable, and hands that one to the publisher.
    async fn run(mut self, mut receiver: mpsc::Receiver<Request>, publish: mpsc::UnboundedSender<Written>) {
        let mut requests = Vec::with_capacity(self.group_commands_max);
        let mut group = Group::default();
        let mut in_flight: Option<InFlight> = None;
        let mut failure: Option<String> = None;
        let mut open = true;
        while open || in_flight.is_some() || !group.pending.is_empty() {
            let room = self.group_commands_max.saturating_sub(group.pending.len());
            tokio::select! {
                biased;
                result = async { (&mut in_flight.as_mut().expect("guarded").write).await }, if in_flight.is_some() => {
                    let flight = in_flight.take().expect("guarded");
                    let result = result.unwrap_or_else(|_| Err(StoreError::Invalid("the writer stopped".into())));
                    match result {
                        Ok(()) => {
                            // The next group starts to be written before this one is
                            // published and answered, which the publisher does
                            // meanwhile: that work is off the disk's path.
                            if !group.pending.is_empty() {
                                in_flight = Some(self.start_write(std::mem::take(&mut group)));
                            }
                            let InFlight { pending, leaves, chain_hash, head, .. } = flight;
                            let _ = publish.send(Written { pending, leaves, chain_hash, head });
                        }
                        Err(error) => {
                            tracing::error!(%error, "group commit failed; refusing further commands until restart");
                            let why = format!("a commit failed ({error}); restart the server");
                            refuse(flight.pending, &why);
                            refuse(std::mem::take(&mut group).pending, &why);
                            self.fatal.raise(why.clone());
                            failure = Some(why);
                        }
                    }
                }
                received = receiver.recv_many(&mut requests, room), if open && room > 0 => {
                    if received == 0 {
                        open = false;
                    }
                    match &failure {
                        Some(why) => refuse_requests(&mut requests, why),
                        None => self.decide(&mut requests, &mut group),
                    }
                }
            }
            if in_flight.is_none() && failure.is_none() && !group.pending.is_empty() {
                in_flight = Some(self.start_write(std::mem::take(&mut group)));
            }
        }
    }

    /// Decides requests against the writer's copy, adding their events to the group.
    fn decide(&mut self, requests: &mut Vec<Request>, group: &mut Group) {
        let now_ms = (self.clock)();
        let today = crate::bangkok_date(now_ms);
        for mut request in requests.drain(..) {
            if let Some(why) = &self.closed {
                let _ = request.respond.send(Err(SubmitError::Unavailable(why.clone())));
                continue;
            }
            let context = Context { actor: request.submission.actor, now_ms, today };
            let next_seq = self.working.tree.len();
            let changes_key = self.sign_key_change(&mut request.submission, next_seq);
            match self.working.app.submit_tracked(&context, &request.submission, next_seq, &mut group.dirty) {
                Err(error) => {
                    let _ = request.respond.send(Err(error.into()));
                }
                Ok(Outcome::Replayed { first_seq, count }) => {
                    group.pending.push(Pending::Replayed { respond: request.respond, first_seq, count })
                }
                Ok(Outcome::Applied(events)) => {
                    let command_id = App::command_id(&request.submission, next_seq);
                    let sealing = Sealing { now_ms, command_id: &command_id, key: &self.key };
                    let journaled = journal_events(&mut self.working, events, &sealing, &request.submission, group);
                    group.pending.push(Pending::Applied { respond: request.respond, events: journaled });
                    if changes_key {
                        self.closed = Some(format!(
                            "the deployment key changed at event {next_seq}; restart with the new key file to write again"
                        ));
                    }
                }
            }
        }
    }

    /// Signs a key change with the key in force, for the position it will
    /// be journaled at; true if the submission is one.
    fn sign_key_change(&self, submission: &mut Submission, seq: u64) -> bool {
        let AppCommand::Deployment(DeploymentCommand::ChangeDeploymentKey(change)) = &mut submission.command else {
            return false;
        };
        // Only the deployment's own request is signed; any other stays as it
        // came, and the application refuses it.
        if !matches!(submission.actor, Actor::System) {
            return true;
        }
        if let Ok(signed) = self.key.sign_key_change(&change.public_key, seq) {
            *change = signed;
        }
        true
    }

    /// Seals the group's projection rows and tree head and starts writing them.
    fn start_write(&mut self, group: Group) -> InFlight {
        let now_ms = (self.clock)();
        let changes = if group.stored.is_empty() {
            Changes::default()
        } else {
            // Debug builds (every test) re-check every invariant at every commit;
            // release builds check them at start-up and in `mangrove verify`.
            if cfg!(debug_assertions) {
                if let Err(why) = self.working.app.check_invariants() {
                    panic!("an invariant broke: {why}");
                }
            }
            projection::changes(&self.working.app, &group.dirty)
        };
        let head = self.key.sign(TreeHead {
            tree_size: self.working.tree.len(),
            timestamp_ms: now_ms,
            root_hash: self.working.tree.root(),
        });
        let (done, write) = oneshot::channel();
        let job = WriteJob { events: group.stored, changes, head: head.clone(), done };
        if job.events.is_empty() {
            // Only retries of commands already journaled: nothing to write,
            // but their answers still wait for the groups before.
            let _ = job.done.send(Ok(()));
        } else {
            self.writer.write(job);
        }
        InFlight { write, pending: group.pending, leaves: group.leaves, chain_hash: self.working.chain_hash, head }
    }
}

/// A group that is durable, to be published and answered.
struct Written {
    pending: Vec<Pending>,
    leaves: Vec<Hash>,
    chain_hash: Hash,
    head: SignedTreeHead,
}

/// Publishes durable groups to readers, in commit order, and answers their
/// commands: a task of its own, so that the sequencer decides the next
/// group meanwhile.
pub(crate) struct Publisher {
    pub db: Db,
    /// What readers see: only what is durable.
    pub published: crate::published::Publishing,
    /// The journal's length after each commit, for live subscribers.
    pub committed: watch::Sender<u64>,
    /// Each committed group's events, for streams (bounded: a subscriber
    /// that falls [`COMMITTED_GROUPS_BUFFERED`] groups behind is told it
    /// lagged, and reads the state afresh).
    pub groups: broadcast::Sender<Arc<CommittedGroup>>,
}

/// Groups a slow stream may fall behind before it is told it lagged.
pub const COMMITTED_GROUPS_BUFFERED: usize = 1_024;

/// One committed group's events, as published.
#[derive(Debug)]
pub struct CommittedGroup {
    pub events: Vec<JournalEvent>,
    /// The journal's length once the group is in it.
    pub journal_length: u64,
}

impl Publisher {
    async fn run(mut self, mut written: mpsc::UnboundedReceiver<Written>) {
        while let Some(group) = written.recv().await {
            self.publish(group).await;
        }
    }

    async fn publish(&mut self, group: Written) {
        if !group.leaves.is_empty() {
            let events: Vec<JournalEvent> = group
                .pending
                .iter()
                .filter_map(|item| match item {
                    Pending::Applied { events, .. } => Some(events.iter().cloned()),
                    Pending::Replayed { .. } => None,
                })
                .flatten()
                .collect();
            let (leaves, chain_hash, head) = (group.leaves, group.chain_hash, group.head);
            let committed = Arc::new(CommittedGroup { events, journal_length: head.head.tree_size });
            let applied = committed.clone();
            // Applied to the new version now, and to the spare before the next group.
            let change = Arc::new(move |ledger: &mut Ledger| {
                let mut scratch = AppDirty::default();
                for event in &applied.events {
                    // The writer's copy applied these same events as it decided them.
                    ledger.app.replay(event, &mut scratch).expect("a decided event applies");
                    ledger.keys.note(event);
                }
                for leaf in &leaves {
                    ledger.tree.push(*leaf);
                }
                ledger.chain_hash = chain_hash;
                ledger.latest_head = Some(head.clone());
            });
            let length = self.published.publish(change).await;
            self.committed.send_replace(length);
            // No subscriber is no error: streams come and go.
            let _ = self.groups.send(committed);
        }
        for item in group.pending {
            match item {
                Pending::Applied { respond, events } => {
                    let _ = respond.send(Ok(Receipt { events, replayed: false }));
                }
                Pending::Replayed { respond, first_seq, count } => {
                    let answer = crate::read_journal(&self.db, first_seq, first_seq + count).await;
                    let _ = respond.send(
                        answer
                            .map(|events| Receipt { events, replayed: true })
                            .map_err(|error| SubmitError::Unavailable(error.to_string())),
                    );
                }
            }
        }
    }
}

fn refuse(pending: Vec<Pending>, why: &str) {
    for item in pending {
        let respond = match item {
            Pending::Applied { respond, .. } | Pending::Replayed { respond, .. } => respond,
        };
        let _ = respond.send(Err(SubmitError::Unavailable(why.to_string())));
    }
}

fn refuse_requests(requests: &mut Vec<Request>, why: &str) {
    for request in requests.drain(..) {
        let _ = request.respond.send(Err(SubmitError::Unavailable(why.to_string())));
    }
}

/// What every event of one command is sealed with.
struct Sealing<'a> {
    now_ms: i64,
    command_id: &'a str,
    key: &'a DeploymentKey,
}

/// Seals a command's events into the chain and the tree; the journal's
/// first event records the deployment's public key.
fn journal_events(
    working: &mut Working,
    events: Vec<AppEvent>,
    sealing: &Sealing<'_>,
    submission: &Submission,
    group: &mut Group,
) -> Vec<JournalEvent> {
    let mut journaled = Vec::with_capacity(events.len());
    let now_ms = sealing.now_ms;
    for payload in events {
        let seq = working.tree.len();
        let envelope = Envelope {
            format: JOURNAL_FORMAT,
            seq,
            time_ms: now_ms,
            command_id: sealing.command_id.to_string(),
            command_hash: submission.command_hash.clone(),
            actor: submission.actor.label(),
            deployment_key: (seq == 0).then(|| sealing.key.public_key_hex()),
            payload,
        };
        let sealed = seal(&envelope, &working.chain_hash);
        working.chain_hash = sealed.chain_hash;
        working.tree.push(sealed.leaf_hash);
        group.leaves.push(sealed.leaf_hash);
        group.stored.push(StoredEvent {
            seq: sealed.seq,
            time_ms: now_ms,
            command_id: envelope.command_id.clone(),
            actor: envelope.actor.clone(),
            body: sealed.body,
            leaf_hash: hex::encode(sealed.leaf_hash),
            chain_hash: hex::encode(sealed.chain_hash),
        });
        journaled.push(envelope);
    }
    journaled
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_panicking_task_raises_the_fatal_signal_and_an_aborted_one_does_not() {
        let fatal = Fatal::default();
        let aborted = tokio::spawn(std::future::pending::<()>());
        aborted.abort();
        fatal.watch("idle task", aborted);
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        assert_eq!(fatal.reason(), None);

        fatal.watch("writer", tokio::spawn(async { panic!("the disk caught fire") }));
        let reason = tokio::time::timeout(std::time::Duration::from_secs(5), fatal.raised()).await;
        assert_eq!(reason.as_deref(), Ok("the writer panicked: the disk caught fire"));
        fatal.raise("a later failure");
        assert_eq!(
            fatal.reason().as_deref(),
            Some("the writer panicked: the disk caught fire"),
            "the first reason is kept"
        );
    }
}
