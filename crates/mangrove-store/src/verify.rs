//! Loading and checking a database: replay the journal, check the hash
//! chain, the Merkle roots and signatures of every tree head, the
//! registry's invariants, every projection row, and every stored snapshot
//! against the state the replay reaches at its position. `mangrove verify`
//! always runs all of it, and so does start-up when there is no snapshot;
//! the first discrepancy is named.
//!
//! Start-up from a snapshot ([`load_for_start`]) trusts what was checked
//! when the snapshot was taken: it checks the snapshot's body against its
//! hash and its signature by the deployment key in force at its position,
//! builds the Merkle tree from the stored leaf hashes up to it (without
//! reading old bodies; the signed heads from its position on cover them),
//! and replays and checks the tail as above; the projections are not
//! compared there. If anything about the snapshot is
//! wrong, it falls back to the full replay.

use crate::db::{Db, SnapshotRow};
use crate::projection::{expected_rows, tables, Value};
use crate::StoreError;
use mangrove_app::{App, AppDirty, AppEvent, DeploymentEvent, Domains, JournalEvent};
use mangrove_core::journal::{chain_hash, GENESIS_CHAIN_HASH};
use mangrove_core::key_chain::KeyChain;
use mangrove_core::merkle::{leaf_hash, Hash, MerkleTree};
use mangrove_core::signing::{same_key, KeyChange, SignedTreeHead, SnapshotSeal};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// How many events are read per query while loading.
const LOAD_PAGE_EVENTS: u64 = 20_000;
/// How many events' hashes are read per query when starting from a snapshot.
const HASH_PAGE_EVENTS: u64 = 100_000;

/// The state rebuilt from a database.
pub struct Loaded {
    pub app: App,
    pub tree: MerkleTree,
    pub chain_hash: Hash,
    pub latest_head: Option<SignedTreeHead>,
    pub tree_heads_checked: usize,
    /// The deployment keys the journal records, up to its end.
    pub keys: JournalKeys,
    /// Snapshots whose state the replay reached exactly (full checks only).
    pub snapshots_checked: usize,
    /// The position of the snapshot start-up began from, if it did.
    pub started_from_snapshot: Option<u64>,
}

/// The keys a check trusts.
#[derive(Debug, Clone, Copy, Default)]
pub struct Trust<'a> {
    /// A public key (hex) the person checking holds: the history's first
    /// recorded key must be this one (for a journal that records none, it
    /// is taken as that key), and every tree head must be signed by it or
    /// by a key it handed over to through journaled changes.
    pub pinned: Option<&'a str>,
    /// The key file beside the database and its public key, which signs the
    /// next heads: it must be the history's current key.
    pub key_file: Option<(&'a Path, &'a str)>,
    /// The plugged domains the journal is replayed with; `None` is the
    /// ones this build registers.
    pub domains: Option<&'a Domains>,
}

impl Trust<'_> {
    fn empty_app(&self) -> App {
        match self.domains {
            Some(domains) => App::with_domains(domains),
            None => App::default(),
        }
    }
}

/// Replays and checks everything. `public_key`, the key file's, must be
/// the history's current key and sign its heads, as in
/// [`load_and_verify_trusting`].
pub async fn load_and_verify(db: &Db, public_key: Option<&str>) -> Result<Loaded, StoreError> {
    let key_file = public_key.map(|key| (Path::new("the deployment key file"), key));
    load_and_verify_trusting(db, Trust { pinned: None, key_file, domains: None }).await
}

/// Replays and checks everything, following the chain of deployment keys
/// from the one `trust` names (see [`Trust`]).
pub async fn load_and_verify_trusting(db: &Db, trust: Trust<'_>) -> Result<Loaded, StoreError> {
    load_everything(db, trust, db.snapshots().await?).await
}

/// Replays and checks everything, and the given snapshots on the way.
async fn load_everything(db: &Db, trust: Trust<'_>, snapshots: Vec<SnapshotRow>) -> Result<Loaded, StoreError> {
    let checks = snapshots.iter().map(SnapshotCheck::of).collect::<Result<Vec<_>, _>>()?;
    let Replayed { app, tree, chain: chain_hash, keys } =
        replay_journal(db, Replayed::empty(trust.empty_app()), &checks).await?;
    let chain = follow_keys(&keys, trust)?;
    for (snapshot, check) in snapshots.iter().zip(&checks) {
        check_snapshot_keys_and_seal(snapshot, check, &keys, chain.as_ref())?;
    }
    let heads = db.tree_heads().await?;
    check_tree_heads(&tree, &heads, chain.as_ref())?;
    app.check_invariants().map_err(StoreError::Discrepancy)?;
    check_projections(db, &app).await?;
    Ok(Loaded {
        app,
        tree,
        chain_hash,
        tree_heads_checked: heads.len(),
        latest_head: heads.last().cloned(),
        keys,
        snapshots_checked: snapshots.len(),
        started_from_snapshot: None,
    })
}

/// What start-up loads: from the latest snapshot and the journal's tail
/// when there is a snapshot that checks out, else everything, checked in
/// full (see the module doc). A snapshot that cannot be used is named in
/// the log and start-up goes on without it; `mangrove verify` refuses it.
pub async fn load_for_start(db: &Db, trust: Trust<'_>) -> Result<Loaded, StoreError> {
    if let Some(snapshot) = db.latest_snapshot().await? {
        let position = snapshot.position;
        match load_from_snapshot(db, trust, snapshot).await {
            Ok(loaded) => return Ok(loaded),
            Err(error) => tracing::warn!(
                position,
                %error,
                "the latest snapshot cannot be used; replaying the whole journal instead \
                 (run `mangrove verify` to see what is wrong with it)"
            ),
        }
    }
    load_everything(db, trust, Vec::new()).await
}

async fn load_from_snapshot(db: &Db, trust: Trust<'_>, snapshot: SnapshotRow) -> Result<Loaded, StoreError> {
    let started = std::time::Instant::now();
    let check = SnapshotCheck::of(&snapshot)?;
    let position = snapshot.position;
    let fail = |why: String| StoreError::Discrepancy(format!("snapshot at {position}: {why}"));
    let app = App::decode_state_with(&snapshot.body, &trust.empty_app().domains).map_err(fail)?;
    let keys: JournalKeys =
        serde_json::from_str(&snapshot.keys).map_err(|error| fail(format!("its key record is unreadable: {error}")))?;
    let decoded_ms = started.elapsed().as_millis();
    let (tree, chain_hash) = follow_stored_hashes(db, position).await?;
    let hashes_ms = started.elapsed().as_millis();
    if chain_hash != check.chain_hash {
        return Err(fail("the journal's hash chain there differs from the one it was taken at".into()));
    }
    let replayed = replay_journal(db, Replayed { app, tree, chain: chain_hash, keys }, &[]).await?;
    let tail_ms = started.elapsed().as_millis();
    let chain = follow_keys(&replayed.keys, trust)?;
    check_snapshot_keys_and_seal(&snapshot, &check, &replayed.keys, chain.as_ref())?;
    // The heads from the snapshot's position on are checked now; their
    // roots cover every leaf before it.
    let heads: Vec<SignedTreeHead> =
        db.tree_heads().await?.into_iter().filter(|head| head.head.tree_size >= position).collect();
    check_tree_heads(&replayed.tree, &heads, chain.as_ref())?;
    let heads_ms = started.elapsed().as_millis();
    replayed.app.check_invariants().map_err(StoreError::Discrepancy)?;
    tracing::debug!(
        decoded_ms,
        hashes_ms,
        tail_ms,
        heads_ms,
        invariants_ms = started.elapsed().as_millis(),
        "started from a snapshot (milliseconds since the start, after each step)"
    );
    Ok(Loaded {
        app: replayed.app,
        tree: replayed.tree,
        chain_hash: replayed.chain,
        tree_heads_checked: heads.len(),
        latest_head: heads.last().cloned(),
        keys: replayed.keys,
        snapshots_checked: 0,
        started_from_snapshot: Some(position),
    })
}

/// The Merkle tree of the first `end` events from their stored leaf
/// hashes, and the hash chain stored at the last of them. Their links are
/// not recomputed: the signed tree heads from `end` on cover every leaf
/// before it, and the snapshot's signature covers the chain there.
async fn follow_stored_hashes(db: &Db, end: u64) -> Result<(MerkleTree, Hash), StoreError> {
    let discrepancy = |seq: u64, why: &str| StoreError::Discrepancy(format!("event {seq}: {why}"));
    let mut tree = MerkleTree::new();
    while tree.len() < end {
        let first = tree.len();
        let page = db.leaf_hashes(first, end.min(first + HASH_PAGE_EVENTS)).await?;
        if page.is_empty() {
            return Err(discrepancy(first, "missing: the snapshot stands past the journal's end"));
        }
        for (offset, (stored_seq, leaf_hex)) in page.iter().enumerate() {
            let seq = first + offset as u64;
            if u64::try_from(*stored_seq).ok() != Some(seq) {
                return Err(discrepancy(seq, &format!("missing; the next stored event is {stored_seq}")));
            }
            let mut leaf = [0u8; 32];
            hex::decode_to_slice(leaf_hex, &mut leaf).map_err(|_| discrepancy(seq, "its leaf hash is not hex"))?;
            tree.push(leaf);
        }
    }
    let last = end.checked_sub(1).ok_or_else(|| discrepancy(0, "a snapshot stands after at least one event"))?;
    let stored = db.events(last, end).await?.pop().ok_or_else(|| discrepancy(last, "missing"))?;
    let mut chain = [0u8; 32];
    hex::decode_to_slice(&stored.chain_hash, &mut chain).map_err(|_| discrepancy(last, "its chain hash is not hex"))?;
    Ok((tree, chain))
}

/// A snapshot's claims, parsed: what the replay must reach at its position.
struct SnapshotCheck {
    position: u64,
    state_hash: Hash,
    chain_hash: Hash,
}

impl SnapshotCheck {
    /// Parses a stored snapshot's hashes and checks its body against its state hash.
    fn of(snapshot: &SnapshotRow) -> Result<SnapshotCheck, StoreError> {
        let position = snapshot.position;
        let fail = |why: &str| StoreError::Discrepancy(format!("snapshot at {position}: {why}"));
        let hash = |text: &str, what: &str| {
            let mut hash = [0u8; 32];
            hex::decode_to_slice(text, &mut hash).map_err(|_| fail(&format!("its {what} is not 64 hex digits")))?;
            Ok::<Hash, StoreError>(hash)
        };
        let check = SnapshotCheck {
            position,
            state_hash: hash(&snapshot.state_hash, "state hash")?,
            chain_hash: hash(&snapshot.chain_hash, "chain hash")?,
        };
        if position == 0 {
            return Err(fail("a snapshot stands after at least one event"));
        }
        if mangrove_app::snapshot::state_hash(&snapshot.body) != check.state_hash {
            return Err(fail("its body does not match its state hash (the snapshot was altered)"));
        }
        Ok(check)
    }

    fn seal(&self, keys: &str) -> SnapshotSeal {
        SnapshotSeal {
            position: self.position,
            state_hash: self.state_hash,
            chain_hash: self.chain_hash,
            keys_hash: mangrove_app::snapshot::state_hash(keys.as_bytes()),
        }
    }
}

/// The snapshot's key record must be the journal's up to its position, and
/// its seal signed by the key in force there.
fn check_snapshot_keys_and_seal(
    snapshot: &SnapshotRow,
    check: &SnapshotCheck,
    journal_keys: &JournalKeys,
    chain: Option<&KeyChain>,
) -> Result<(), StoreError> {
    let position = snapshot.position;
    let fail = |why: String| StoreError::Discrepancy(format!("snapshot at {position}: {why}"));
    let keys: JournalKeys =
        serde_json::from_str(&snapshot.keys).map_err(|error| fail(format!("its key record is unreadable: {error}")))?;
    if keys != journal_keys.up_to(position) {
        return Err(fail("its key record differs from the journal's".into()));
    }
    if let Some(chain) = chain {
        let expected = chain.key_after(position);
        if !same_key(&snapshot.public_key, expected) {
            return Err(fail(format!("signed by {}, but the key in force there is {expected}", snapshot.public_key)));
        }
    }
    let seal = check.seal(&snapshot.keys);
    seal.verify(&snapshot.public_key, &snapshot.signature).map_err(|error| fail(format!("bad signature: {error}")))
}

/// Encodes, hashes and signs the state at `position` for the snapshots table.
pub(crate) fn seal_snapshot(
    app: &App,
    position: u64,
    chain_hash: Hash,
    keys: &JournalKeys,
    key: &mangrove_core::signing::DeploymentKey,
    taken_ms: i64,
) -> SnapshotRow {
    let encoded = app.encode_state();
    let keys = serde_json::to_string(keys).expect("a key record encodes");
    let seal = SnapshotCheck { position, state_hash: encoded.state_hash, chain_hash }.seal(&keys);
    SnapshotRow {
        position,
        taken_ms,
        state_hash: hex::encode(encoded.state_hash),
        chain_hash: hex::encode(chain_hash),
        signature: key.sign_snapshot(&seal),
        public_key: key.public_key_hex(),
        keys,
        body: encoded.bytes,
    }
}

/// What the journal says about its keys: the one its first event records
/// and each change, with its position.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JournalKeys {
    recorded: Option<String>,
    changes: Vec<(u64, KeyChange)>,
}

impl JournalKeys {
    /// The key the journal last named: the last change's, or the recorded one.
    pub fn current(&self) -> Option<&str> {
        self.changes.last().map(|(_, change)| change.public_key.as_str()).or(self.recorded.as_deref())
    }

    /// The record as it stood after the first `position` events.
    fn up_to(&self, position: u64) -> JournalKeys {
        let changes = self.changes.iter().filter(|(seq, _)| *seq < position).cloned().collect();
        JournalKeys { recorded: if position > 0 { self.recorded.clone() } else { None }, changes }
    }

    pub(crate) fn note(&mut self, event: &JournalEvent) {
        if event.seq == 0 {
            self.recorded.clone_from(&event.deployment_key);
        }
        if let AppEvent::Deployment(DeploymentEvent::DeploymentKeyChanged(change)) = &event.payload {
            self.changes.push((event.seq, change.clone()));
        }
    }
}

/// Builds the chain of keys and checks the key file against its end.
fn follow_keys(keys: &JournalKeys, trust: Trust<'_>) -> Result<Option<KeyChain>, StoreError> {
    // A journal from before keys were recorded starts from the pinned key,
    // or else from the key its first change replaced, or else the key file's.
    let unrecorded_start = || {
        let first_replaced = keys.changes.first().map(|(_, change)| change.previous_key.as_str());
        first_replaced.or(trust.key_file.map(|(_, key)| key))
    };
    let trusted = match (&keys.recorded, trust.pinned) {
        (None, None) => unrecorded_start(),
        (_, pinned) => pinned,
    };
    let Some(mut chain) = KeyChain::start(keys.recorded.as_deref(), trusted).map_err(StoreError::Discrepancy)? else {
        return Ok(None);
    };
    for (seq, change) in &keys.changes {
        chain.follow(*seq, change).map_err(StoreError::Discrepancy)?;
    }
    if let Some((path, file_key)) = trust.key_file {
        if !same_key(file_key, chain.current()) {
            let since = match chain.current_since() {
                Some(seq) => format!("since the key change at event {seq}"),
                None if keys.recorded.is_some() => "as recorded at the journal's first event".to_string(),
                None => "as pinned".to_string(),
            };
            return Err(StoreError::Discrepancy(format!(
                "{} holds the public key {file_key}, but this history's deployment key is {} ({since}); \
                 the key file was swapped or belongs to another database: restore the one that signs this journal",
                path.display(),
                chain.current()
            )));
        }
    }
    Ok(Some(chain))
}

/// A replay's state: the app, the tree, the hash chain and the key record.
struct Replayed {
    app: App,
    tree: MerkleTree,
    chain: Hash,
    keys: JournalKeys,
}

impl Replayed {
    fn empty(app: App) -> Replayed {
        Replayed { app, tree: MerkleTree::new(), chain: GENESIS_CHAIN_HASH, keys: JournalKeys::default() }
    }
}

/// Replays and checks the journal from where `from` stands to its end;
/// at each of `snapshots`' positions (in order) the state and the chain
/// must be the snapshot's.
async fn replay_journal(db: &Db, from: Replayed, snapshots: &[SnapshotCheck]) -> Result<Replayed, StoreError> {
    let discrepancy = |seq: u64, why: &str| StoreError::Discrepancy(format!("event {seq}: {why}"));
    let Replayed { mut app, mut tree, mut chain, mut keys } = from;
    let mut dirty = AppDirty::default();
    let mut snapshots = snapshots.iter().peekable();
    loop {
        let first = tree.len();
        let page = db.events(first, first + LOAD_PAGE_EVENTS).await?;
        if page.is_empty() {
            break;
        }
        for (offset, stored) in page.iter().enumerate() {
            let seq = first + offset as u64;
            if stored.seq != seq {
                return Err(discrepancy(seq, &format!("missing; the next stored event is {}", stored.seq)));
            }
            let leaf = leaf_hash(stored.body.as_bytes());
            if hex::encode(leaf) != stored.leaf_hash {
                return Err(discrepancy(seq, "its body does not match its stored leaf hash (the event was altered)"));
            }
            chain = chain_hash(&chain, &leaf);
            if hex::encode(chain) != stored.chain_hash {
                return Err(discrepancy(seq, "the hash chain is broken here"));
            }
            let event: JournalEvent = mangrove_app::journal_format::read_event(&stored.body)
                .map_err(|error| discrepancy(seq, &format!("its body is not a valid event: {error}")))?;
            let columns_match = event.seq == seq
                && event.time_ms == stored.time_ms
                && event.command_id == stored.command_id
                && event.actor == stored.actor;
            if !columns_match {
                return Err(discrepancy(seq, "its columns differ from its body"));
            }
            if seq != 0 && event.deployment_key.is_some() {
                return Err(discrepancy(seq, "only the journal's first event records the deployment key"));
            }
            app.replay(&event, &mut dirty).map_err(|why| discrepancy(seq, &why))?;
            keys.note(&event);
            tree.push(leaf);
            if let Some(snapshot) = snapshots.next_if(|snapshot| snapshot.position == tree.len()) {
                let fail = |why: &str| StoreError::Discrepancy(format!("snapshot at {}: {why}", snapshot.position));
                if snapshot.chain_hash != chain {
                    return Err(fail("the journal's hash chain there differs from the one it was taken at"));
                }
                if app.encode_state().state_hash != snapshot.state_hash {
                    return Err(fail("its state differs from the state the journal replays to there"));
                }
            }
        }
        dirty = AppDirty::default();
    }
    if let Some(snapshot) = snapshots.next() {
        let why = format!("it stands at {} but the journal has {} events", snapshot.position, tree.len());
        return Err(StoreError::Discrepancy(format!("snapshot at {}: {why}", snapshot.position)));
    }
    Ok(Replayed { app, tree, chain, keys })
}

fn check_tree_heads(tree: &MerkleTree, heads: &[SignedTreeHead], chain: Option<&KeyChain>) -> Result<(), StoreError> {
    for head in heads {
        let size = head.head.tree_size;
        let fail = |why: String| StoreError::Discrepancy(format!("tree head at size {size}: {why}"));
        let root = tree.root_at(size).ok_or_else(|| fail(format!("the journal has only {} events", tree.len())))?;
        if root != head.head.root_hash {
            return Err(fail("its root differs from the root of the journal".into()));
        }
        let signed = match chain {
            Some(chain) => head.verify_with(chain.key_for_head(size)),
            None => head.verify(),
        };
        signed.map_err(|error| fail(format!("bad signature: {error}")))?;
    }
    let covered = heads.last().map_or(0, |head| head.head.tree_size);
    if covered != tree.len() {
        return Err(StoreError::Discrepancy(format!(
            "the latest tree head covers {covered} events but the journal has {}",
            tree.len()
        )));
    }
    Ok(())
}

async fn check_projections(db: &Db, app: &App) -> Result<(), StoreError> {
    for spec in tables(app) {
        let mut stored = db.read_table(spec).await?;
        let expected = expected_rows(app, spec);
        let key_columns = spec.key_columns;
        // Text keys sort by the database's collation, which need not be byte order.
        stored.sort_by(|a, b| a[..key_columns].cmp(&b[..key_columns]));
        let mut stored_rows = stored.iter().peekable();
        let mut expected_rows = expected.iter().peekable();
        loop {
            let difference = match (stored_rows.peek(), expected_rows.peek()) {
                (None, None) => break,
                (Some(s), Some(e)) if s[..key_columns] == e[..key_columns] => {
                    if s != e {
                        Some(format!(
                            "row {} differs: stored {}, the journal gives {}",
                            show(&s[..key_columns]),
                            show(s),
                            show(e)
                        ))
                    } else {
                        None
                    }
                }
                (Some(s), Some(e)) if s[..key_columns] < e[..key_columns] => {
                    Some(format!("row {} is stored but not in the journal", show(&s[..key_columns])))
                }
                (None, Some(e)) | (Some(_), Some(e)) => {
                    Some(format!("row {} is in the journal but not stored", show(&e[..key_columns])))
                }
                (Some(s), None) => Some(format!("row {} is stored but not in the journal", show(&s[..key_columns]))),
            };
            if let Some(why) = difference {
                return Err(StoreError::Discrepancy(format!("projection {}: {why}", spec.name)));
            }
            stored_rows.next();
            expected_rows.next();
        }
    }
    Ok(())
}

fn show(row: &[Value]) -> String {
    let parts: Vec<String> = row
        .iter()
        .map(|value| match value {
            Value::Int(Some(number)) => number.to_string(),
            Value::Text(Some(text)) if text.chars().count() > 60 => {
                format!("{:?}…", text.chars().take(60).collect::<String>())
            }
            Value::Text(Some(text)) => format!("{text:?}"),
            Value::Int(None) | Value::Text(None) => "null".into(),
        })
        .collect();
    format!("({})", parts.join(", "))
}
