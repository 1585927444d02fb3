//! Loading and checking a database: replay the journal, check the hash
//! chain, the Merkle roots and signatures of every tree head, the
//! registry's invariants, and every projection row. Start-up and
//! `mangrove verify` run the same code; the first discrepancy is named.

use crate::db::Db;
use crate::projection::{expected_rows, Value, TABLES};
use crate::StoreError;
use mangrove_app::{App, AppDirty, JournalEvent};
use mangrove_core::journal::{chain_hash, GENESIS_CHAIN_HASH};
use mangrove_core::merkle::{leaf_hash, Hash, MerkleTree};
use mangrove_core::signing::SignedTreeHead;

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

/// Replays and checks everything. `public_key` pins the signer of the tree
/// heads to the deployment's key.
pub async fn load_and_verify(db: &Db, public_key: Option<&str>) -> Result<Loaded, StoreError> {
    let (app, tree, chain_hash) = replay_journal(db).await?;
    let heads = db.tree_heads().await?;
    check_tree_heads(&tree, &heads, public_key)?;
    app.check_invariants().map_err(StoreError::Discrepancy)?;
    check_projections(db, &app).await?;
    Ok(Loaded { app, tree, chain_hash, tree_heads_checked: heads.len(), latest_head: heads.last().cloned() })
}

async fn replay_journal(db: &Db) -> Result<(App, MerkleTree, Hash), StoreError> {
    let discrepancy = |seq: u64, why: &str| StoreError::Discrepancy(format!("event {seq}: {why}"));
    let mut app = App::default();
    let mut tree = MerkleTree::new();
    let mut chain = GENESIS_CHAIN_HASH;
    let mut dirty = AppDirty::default();
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
            let event: JournalEvent = serde_json::from_str(&stored.body)
                .map_err(|error| discrepancy(seq, &format!("its body is not a valid event: {error}")))?;
            let columns_match = event.seq == seq
                && event.time_ms == stored.time_ms
                && event.command_id == stored.command_id
                && event.actor == stored.actor;
            if !columns_match {
                return Err(discrepancy(seq, "its columns differ from its body"));
            }
            app.replay(&event, &mut dirty);
            tree.push(leaf);
        }
        dirty = AppDirty::default();
    }
    Ok((app, tree, chain))
}

fn check_tree_heads(tree: &MerkleTree, heads: &[SignedTreeHead], public_key: Option<&str>) -> Result<(), StoreError> {
    for head in heads {
        let size = head.head.tree_size;
        let fail = |why: String| StoreError::Discrepancy(format!("tree head at size {size}: {why}"));
        let root = tree.root_at(size).ok_or_else(|| fail(format!("the journal has only {} events", tree.len())))?;
        if root != head.head.root_hash {
            return Err(fail("its root differs from the root of the journal".into()));
        }
        let signed = match public_key {
            Some(key) => head.verify_with(key),
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
