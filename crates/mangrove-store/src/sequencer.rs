//! The one writer. Every change to durable state is a command that passes
//! through this task, in order: it is decided against the in-memory state,
//! its events are sealed into the hash chain and the Merkle tree, and a
//! whole group of commands is committed — events, projection rows and a
//! signed tree head — in one transaction. A command is answered only after
//! its group commits.
//!
//! If a commit fails, memory is ahead of the disk; the sequencer then
//! refuses every later command (fail-stop) and the process must restart,
//! which rebuilds memory from what was committed.

use crate::db::{Db, StoredEvent};
use crate::projection;
use crate::{Clock, Ledger, StoreError};
use mangrove_app::{App, AppDirty, AppEvent, JournalEvent, Outcome, Submission};
use mangrove_core::journal::{seal, Envelope};
use mangrove_core::signing::{DeploymentKey, TreeHead};
use mangrove_core::DomainError;
use mangrove_registry::Context;
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot, watch, RwLock};

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

pub(crate) struct Sequencer {
    pub db: Db,
    pub ledger: Arc<RwLock<Ledger>>,
    pub key: Arc<DeploymentKey>,
    pub clock: Clock,
    /// 1 gives one transaction per command (for comparison in the benchmark).
    pub group_commands_max: usize,
    /// The journal's length after each commit, for live subscribers.
    pub committed: watch::Sender<u64>,
}

enum Pending {
    Applied { respond: oneshot::Sender<Result<Receipt, SubmitError>>, events: Vec<JournalEvent> },
    Replayed { respond: oneshot::Sender<Result<Receipt, SubmitError>>, first_seq: u64, count: u64 },
}

impl Sequencer {
    pub(crate) fn spawn(self) -> (SequencerHandle, tokio::task::JoinHandle<()>) {
        let (sender, receiver) = mpsc::channel(QUEUE_COMMANDS_MAX);
        let task = tokio::spawn(self.run(receiver));
        (SequencerHandle { sender }, task)
    }

    async fn run(self, mut receiver: mpsc::Receiver<Request>) {
        let mut requests = Vec::with_capacity(self.group_commands_max);
        let mut failure: Option<String> = None;
        while receiver.recv_many(&mut requests, self.group_commands_max).await > 0 {
            if let Some(why) = &failure {
                for request in requests.drain(..) {
                    let _ = request.respond.send(Err(SubmitError::Unavailable(why.clone())));
                }
                continue;
            }
            if let Err(error) = self.run_group(&mut requests).await {
                tracing::error!(%error, "group commit failed; refusing further commands until restart");
                failure = Some(format!("a commit failed ({error}); restart the server"));
            }
        }
    }

    /// Decides, commits and answers one group of requests.
    async fn run_group(&self, requests: &mut Vec<Request>) -> Result<(), StoreError> {
        let now_ms = (self.clock)();
        let today = crate::bangkok_date(now_ms);
        let mut ledger = self.ledger.write().await;
        let first_seq = ledger.tree.len();
        let mut dirty = AppDirty::default();
        let mut pending = Vec::with_capacity(requests.len());
        let mut stored = Vec::new();
        for request in requests.drain(..) {
            let context = Context { actor: request.submission.actor, now_ms, today };
            let next_seq = ledger.tree.len();
            match ledger.app.submit_tracked(&context, &request.submission, next_seq, &mut dirty) {
                Err(error) => {
                    let _ = request.respond.send(Err(error.into()));
                }
                Ok(Outcome::Replayed { first_seq, count }) => {
                    pending.push(Pending::Replayed { respond: request.respond, first_seq, count })
                }
                Ok(Outcome::Applied(events)) => {
                    let command_id = App::command_id(&request.submission, next_seq);
                    let journaled =
                        journal_events(&mut ledger, events, now_ms, &command_id, &request.submission, &mut stored);
                    pending.push(Pending::Applied { respond: request.respond, events: journaled });
                }
            }
        }
        if ledger.tree.len() > first_seq {
            // Debug builds (every test) re-check every invariant at every commit;
            // release builds check them at start-up and in `mangrove verify`.
            if cfg!(debug_assertions) {
                if let Err(why) = ledger.app.check_invariants() {
                    panic!("an invariant broke: {why}");
                }
            }
            let changes = projection::changes(&ledger.app, &dirty);
            let head = self.key.sign(TreeHead {
                tree_size: ledger.tree.len(),
                timestamp_ms: now_ms,
                root_hash: ledger.tree.root(),
            });
            self.db.write_group(&stored, &changes, &head).await?;
            ledger.latest_head = Some(head);
            self.committed.send_replace(ledger.tree.len());
        }
        drop(ledger);
        for item in pending {
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
        Ok(())
    }
}

/// Seals a command's events into the chain and the tree.
fn journal_events(
    ledger: &mut Ledger,
    events: Vec<AppEvent>,
    now_ms: i64,
    command_id: &str,
    submission: &Submission,
    stored: &mut Vec<StoredEvent>,
) -> Vec<JournalEvent> {
    let mut journaled = Vec::with_capacity(events.len());
    for payload in events {
        let envelope = Envelope {
            seq: ledger.tree.len(),
            time_ms: now_ms,
            command_id: command_id.to_string(),
            command_hash: submission.command_hash.clone(),
            actor: submission.actor.label(),
            payload,
        };
        let sealed = seal(&envelope, &ledger.chain_hash);
        ledger.chain_hash = sealed.chain_hash;
        ledger.tree.push(sealed.leaf_hash);
        stored.push(StoredEvent {
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
