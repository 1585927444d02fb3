//! Loading and checking a database: replay the journal, check the hash
//! chain, the Merkle roots and signatures of every tree head, the
//! registry's invariants, and every projection row. Start-up and
//! `mangrove verify` run the same code; the first discrepancy is named.

use crate::db::Db;
use crate::projection::{expected_rows, Value, TABLES};
use crate::StoreError;
use mangrove_app::{App, AppDirty, AppEvent, DeploymentEvent, JournalEvent};
use mangrove_core::journal::{chain_hash, GENESIS_CHAIN_HASH};
use mangrove_core::key_chain::KeyChain;
use mangrove_core::merkle::{leaf_hash, Hash, MerkleTree};
use mangrove_core::signing::{same_key, KeyChange, SignedTreeHead};
use std::path::Path;

/// How many events are read per query while loading.
const LOAD_PAGE_EVENTS: u64 = 20_000;

/// The state rebuilt from a database.
pub struct Loaded {
    pub app: App,
    pub tree: MerkleTree,
    pub chain_hash: Hash,
    pub latest_head: Option<SignedTreeHead>,
    pub tree_heads_checked: usize,
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
}

/// Replays and checks everything. `public_key`, the key file's, must be
/// the history's current key and sign its heads, as in
/// [`load_and_verify_trusting`].
pub async fn load_and_verify(db: &Db, public_key: Option<&str>) -> Result<Loaded, StoreError> {
    let key_file = public_key.map(|key| (Path::new("the deployment key file"), key));
    load_and_verify_trusting(db, Trust { pinned: None, key_file }).await
}

/// Replays and checks everything, following the chain of deployment keys
/// from the one `trust` names (see [`Trust`]).
pub async fn load_and_verify_trusting(db: &Db, trust: Trust<'_>) -> Result<Loaded, StoreError> {
    let (app, tree, chain_hash, keys) = replay_journal(db).await?;
    let chain = follow_keys(&keys, trust)?;
    let heads = db.tree_heads().await?;
    check_tree_heads(&tree, &heads, chain.as_ref())?;
    app.check_invariants().map_err(StoreError::Discrepancy)?;
    check_projections(db, &app).await?;
    Ok(Loaded { app, tree, chain_hash, tree_heads_checked: heads.len(), latest_head: heads.last().cloned() })
}

/// What the journal says about its keys: the one its first event records
/// and each change, with its position.
#[derive(Default)]
struct JournalKeys {
    recorded: Option<String>,
    changes: Vec<(u64, KeyChange)>,
}

impl JournalKeys {
    fn note(&mut self, event: &JournalEvent) {
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

async fn replay_journal(db: &Db) -> Result<(App, MerkleTree, Hash, JournalKeys), StoreError> {
    let discrepancy = |seq: u64, why: &str| StoreError::Discrepancy(format!("event {seq}: {why}"));
    let mut app = App::default();
    let mut tree = MerkleTree::new();
    let mut chain = GENESIS_CHAIN_HASH;
    let mut dirty = AppDirty::default();
    let mut keys = JournalKeys::default();
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
            app.replay(&event, &mut dirty);
            keys.note(&event);
            tree.push(leaf);
        }
        dirty = AppDirty::default();
    }
    Ok((app, tree, chain, keys))
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
    for (table, spec) in TABLES.iter().enumerate() {
        let mut stored = db.read_table(table).await?;
        let expected = expected_rows(app, table);
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
