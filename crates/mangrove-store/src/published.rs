//! The state readers see, published without a lock they share with the
//! writer.
//!
//! Readers take the current version, an `Arc<Ledger>` that no one changes
//! while they hold it ([`Published::read`]). The publisher keeps a second
//! copy, one group behind: it brings that copy up to date, applies the new
//! group to it and swaps it in, and the version readers held until then
//! becomes the next spare. A reader therefore never waits, and the
//! publisher waits only for readers still holding the version from two
//! groups back (a short read ends long before). Memory holds the state
//! twice.
//!
//! [`ReadMode::SharedLock`] puts back the way of before, one lock that
//! every reader holds while it reads and the publisher takes to publish,
//! so that `mangrove bench reads` measures both in one run.

use crate::Ledger;
use arc_swap::ArcSwap;
use std::ops::Deref;
use std::sync::Arc;
use tokio::sync::{OwnedRwLockReadGuard, RwLock};

/// How readers and the publisher meet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ReadMode {
    /// Readers hold immutable versions; the publisher swaps in the next.
    #[default]
    Versions,
    /// Readers and the publisher share one lock (the way before versions).
    SharedLock,
}

/// The published state.
pub struct Published {
    current: ArcSwap<Ledger>,
    shared_lock: Option<Arc<RwLock<()>>>,
}

/// One version of the state, held for as long as a reader needs it.
pub struct ReadView {
    ledger: Arc<Ledger>,
    _shared: Option<OwnedRwLockReadGuard<()>>,
}

impl Deref for ReadView {
    type Target = Ledger;
    fn deref(&self) -> &Ledger {
        &self.ledger
    }
}

impl Published {
    pub(crate) fn new(ledger: Ledger, mode: ReadMode) -> Published {
        let shared_lock = (mode == ReadMode::SharedLock).then(|| Arc::new(RwLock::new(())));
        Published { current: ArcSwap::from_pointee(ledger), shared_lock }
    }

    /// The latest published version. Async so that the shared-lock mode
    /// can wait for its lock; with versions it never waits.
    pub async fn read(&self) -> ReadView {
        let shared = match &self.shared_lock {
            Some(lock) => Some(lock.clone().read_owned().await),
            None => None,
        };
        ReadView { ledger: self.current.load_full(), _shared: shared }
    }
}

/// One committed group's change to the state, applied to each copy.
pub(crate) type Change = Arc<dyn Fn(&mut Ledger) + Send + Sync>;

/// The publisher's side: the spare copy and what it still lacks.
pub(crate) struct Publishing {
    published: Arc<Published>,
    /// The version before the current one, once readers let go of it.
    spare: Option<Arc<Ledger>>,
    /// What was applied to the current version but not yet to the spare.
    behind: Vec<Change>,
}

impl Publishing {
    pub(crate) fn new(published: Arc<Published>) -> Publishing {
        Publishing { published, spare: None, behind: Vec::new() }
    }

    /// Applies `change` to a copy of the current version and publishes it;
    /// returns the journal's length in it.
    pub(crate) async fn publish(&mut self, change: Change) -> u64 {
        let _exclusive = match &self.published.shared_lock {
            Some(lock) => Some(lock.clone().write_owned().await),
            None => None,
        };
        let mut next = self.take_spare().await;
        let ledger = Arc::get_mut(&mut next).expect("the spare is the publisher's alone");
        change(ledger);
        let length = ledger.tree.len();
        let previous = self.published.current.swap(next);
        self.spare = Some(previous);
        self.behind.push(change);
        length
    }

    /// The spare copy, brought up to date, once no reader holds it; the
    /// first time, a copy of the current version.
    async fn take_spare(&mut self) -> Arc<Ledger> {
        let Some(mut spare) = self.spare.take() else {
            self.behind.clear();
            return Arc::new((*self.published.current.load_full()).clone());
        };
        let mut backoff = std::time::Duration::from_micros(50);
        while Arc::get_mut(&mut spare).is_none() {
            tokio::time::sleep(backoff).await;
            backoff = (backoff * 2).min(std::time::Duration::from_millis(5));
        }
        let ledger = Arc::get_mut(&mut spare).expect("no reader holds it");
        for change in self.behind.drain(..) {
            change(ledger);
        }
        spare
    }
}
