//! Verifying against a key you hold: `verify` and `serve` with a pinned
//! public key, the key recorded by the journal's first event, a swapped key
//! file, key rotation, a forged rotation, and a journal from before keys
//! were recorded. Histories are rewritten here the way an attacker with
//! write access to the database would: every hash recomputed and every
//! tree head signed again.

use mangrove_app::{AppEvent, DeploymentEvent, JournalEvent};
use mangrove_core::journal::{chain_hash, GENESIS_CHAIN_HASH};
use mangrove_core::merkle::{leaf_hash, MerkleTree};
use mangrove_core::signing::{DeploymentKey, TreeHead};
use mangrove_store::{Location, Store, StoreOptions};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn mangrove(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mangrove"))
        .current_dir(dir)
        .env("MANGROVE_LOG", "error")
        .env("RUST_BACKTRACE", "0")
        .env_remove("MANGROVE_PUBLIC_KEY")
        .args(args)
        .output()
        .unwrap()
}

fn text(output: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
}

fn refused(dir: &Path, args: &[&str], expected: &[&str]) {
    let output = mangrove(dir, args);
    assert!(!output.status.success(), "{args:?} passed: {}", text(&output));
    for part in expected {
        assert!(text(&output).contains(part), "{args:?} should name {part}: {}", text(&output));
    }
}

fn passes(dir: &Path, args: &[&str]) {
    let output = mangrove(dir, args);
    assert!(output.status.success() && text(&output).starts_with("OK: "), "{args:?}: {}", text(&output));
}

/// A demo database in `dir`; returns its deployment's public key.
fn demo(dir: &Path) -> String {
    let built = mangrove(dir, &["demo", "--factories", "12"]);
    assert!(built.status.success(), "{}", text(&built));
    let shown = mangrove(dir, &["key", "show"]);
    assert!(shown.status.success(), "{}", text(&shown));
    String::from_utf8(shown.stdout).unwrap().trim().to_string()
}

fn key_file(dir: &Path) -> std::path::PathBuf {
    dir.join("mangrove.db.key")
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Rewrites the database in `dir` as an attacker would: `edit` may change
/// any event, every hash after it is recomputed, and every tree head is
/// signed again by the key `signer` gives for its size.
fn rewrite(dir: &Path, mut edit: impl FnMut(&mut JournalEvent), signer: impl Fn(u64) -> DeploymentKey) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let location = Location::parse(dir.join("mangrove.db").to_str().unwrap()).unwrap();
        let db = mangrove_store::connect(&location).await.unwrap();
        let mut tree = MerkleTree::new();
        let mut chain = GENESIS_CHAIN_HASH;
        for stored in db.events(0, u64::MAX).await.unwrap() {
            let mut event: JournalEvent = mangrove_app::journal_format::read_event(&stored.body).unwrap();
            let before = event.clone();
            edit(&mut event);
            let body = if event == before { stored.body.clone() } else { serde_json::to_string(&event).unwrap() };
            let leaf = leaf_hash(body.as_bytes());
            chain = chain_hash(&chain, &leaf);
            tree.push(leaf);
            let sql = format!(
                "UPDATE events SET body = '{}', leaf_hash = '{}', chain_hash = '{}' WHERE seq = {}",
                body.replace('\'', "''"),
                hex(&leaf),
                hex(&chain),
                stored.seq
            );
            db.execute(&sql).await.unwrap();
        }
        for head in db.tree_heads().await.unwrap() {
            let size = head.head.tree_size;
            let root = tree.root_at(size).unwrap();
            let signed = signer(size).sign(TreeHead { root_hash: root, ..head.head });
            let sql = format!(
                "UPDATE tree_heads SET root_hash = '{}', public_key = '{}', signature = '{}' WHERE tree_size = {size}",
                hex(&root),
                signed.public_key,
                signed.signature
            );
            db.execute(&sql).await.unwrap();
        }
    });
}

/// Runs `mangrove serve` and expects it to refuse to start.
fn serve_refuses(dir: &Path, args: &[&str], expected: &str) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mangrove"))
        .current_dir(dir)
        .env("MANGROVE_LOG", "error")
        .env("RUST_BACKTRACE", "0")
        .args(["serve", "--listen", "127.0.0.1:0"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            child.kill().unwrap();
            panic!("serve {args:?} started instead of refusing");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let output = child.wait_with_output().unwrap();
    assert!(!output.status.success());
    assert!(text(&output).contains(expected), "serve should say {expected}: {}", text(&output));
}

#[test]
fn a_history_re_signed_with_another_key_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let original = demo(dir.path());
    let attacker = DeploymentKey::from_seed([7; 32]);
    rewrite(dir.path(), |_| {}, |_| DeploymentKey::from_seed([7; 32]));
    attacker.save(&key_file(dir.path())).unwrap();

    // Every head and the key file agree, but the journal still records the original key.
    refused(dir.path(), &["verify"], &[&original, &attacker.public_key_hex()]);
    refused(dir.path(), &["verify", "--public-key", &original], &[&original, &attacker.public_key_hex()]);
    serve_refuses(dir.path(), &[], &original);

    // Rewriting the recorded key too fools a check that trusts the files, never the pinned key.
    let recorded_by_attacker = attacker.public_key_hex();
    let record = |event: &mut JournalEvent| {
        if event.seq == 0 {
            event.deployment_key = Some(recorded_by_attacker.clone());
        }
    };
    rewrite(dir.path(), record, |_| DeploymentKey::from_seed([7; 32]));
    passes(dir.path(), &["verify"]);
    refused(dir.path(), &["verify", "--public-key", &original], &[&original, &attacker.public_key_hex()]);
    serve_refuses(dir.path(), &["--public-key", &original], &original);
}

#[test]
fn a_swapped_key_file_is_refused_naming_both_keys() {
    let dir = tempfile::tempdir().unwrap();
    let original = demo(dir.path());
    let swapped = DeploymentKey::from_seed([9; 32]);
    swapped.save(&key_file(dir.path())).unwrap();
    let both = [original.as_str(), &swapped.public_key_hex(), "mangrove.db.key"];
    refused(dir.path(), &["verify"], &both);
    serve_refuses(dir.path(), &[], &swapped.public_key_hex());
    // The pinned key alone does not need the key file: the history is intact.
    passes(dir.path(), &["verify", "--public-key", &original]);
    refused(dir.path(), &["verify", "--public-key", &swapped.public_key_hex()], &[&original]);
}

#[test]
fn a_rotation_verifies_from_the_original_key_and_a_forged_one_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let original = demo(dir.path());
    std::fs::copy(key_file(dir.path()), dir.path().join("original.key")).unwrap();
    let rotated = mangrove(dir.path(), &["key", "rotate", "--new-key", "next.key"]);
    assert!(rotated.status.success(), "{}", text(&rotated));
    let next = DeploymentKey::load(&dir.path().join("next.key")).unwrap().public_key_hex();
    assert!(text(&rotated).contains(&next), "{}", text(&rotated));
    let shown = mangrove(dir.path(), &["key", "show"]);
    assert_eq!(String::from_utf8_lossy(&shown.stdout).trim(), next, "the key file holds the new key");

    // Heads after the change are signed by the new key.
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let change_seq = runtime.block_on(async {
        let store = Store::open(StoreOptions::new(dir.path().join("mangrove.db").to_str().unwrap())).await.unwrap();
        let change_seq = store.ledger().read().await.tree.len() - 1;
        let command = mangrove_registry::Command::CreateOrganisation {
            name: "Ban Chang Recycling (synthetic)".into(),
            role: mangrove_registry::Role::Factory,
        };
        let submission = mangrove_app::Submission::new(&mangrove_registry::Actor::System, None, command).unwrap();
        store.sequencer().submit(submission).await.unwrap();
        assert_eq!(store.ledger().read().await.latest_head.as_ref().unwrap().public_key, next);
        change_seq
    });
    passes(dir.path(), &["verify"]);
    passes(dir.path(), &["verify", "--public-key", &original]);
    refused(dir.path(), &["verify", "--public-key", &next], &[&original]);
    refused(dir.path(), &["key", "rotate", "--new-key", "next.key"], &["already holds"]);

    // The change handed over to an attacker's key, signed by a key that is not the original.
    let attacker = DeploymentKey::from_seed([5; 32]);
    let forge = |event: &mut JournalEvent| {
        if let AppEvent::Deployment(DeploymentEvent::DeploymentKeyChanged(change)) = &mut event.payload {
            let mut forged = DeploymentKey::from_seed([6; 32]).sign_key_change(&attacker.public_key_hex(), event.seq);
            forged.as_mut().unwrap().previous_key.clone_from(&change.previous_key);
            *change = forged.unwrap();
        }
    };
    let original_key = dir.path().join("original.key");
    let signer = |size: u64| match size <= change_seq + 1 {
        true => DeploymentKey::load(&original_key).unwrap(),
        false => DeploymentKey::from_seed([5; 32]),
    };
    rewrite(dir.path(), forge, signer);
    attacker.save(&key_file(dir.path())).unwrap();
    let why = format!("event {change_seq}: the key change is not signed by the key it replaces");
    refused(dir.path(), &["verify", "--public-key", &original], &[&why]);
    refused(dir.path(), &["verify"], &[&why]);
}

#[test]
fn a_journal_from_before_keys_were_recorded_still_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let original = demo(dir.path());
    let key = key_file(dir.path());
    rewrite(dir.path(), |event| event.deployment_key = None, |_| DeploymentKey::load(&key).unwrap());
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let first = runtime.block_on(async {
        let location = Location::parse(dir.path().join("mangrove.db").to_str().unwrap()).unwrap();
        let db = mangrove_store::connect(&location).await.unwrap();
        db.events(0, 1).await.unwrap().remove(0).body
    });
    assert!(!first.contains("deployment_key"), "{first}");

    passes(dir.path(), &["verify"]);
    // Pinned, every head of such a journal must be signed by the pinned key.
    passes(dir.path(), &["verify", "--public-key", &original]);
    let other = DeploymentKey::from_seed([3; 32]).public_key_hex();
    refused(dir.path(), &["verify", "--public-key", &other], &[&other, &original]);
    DeploymentKey::from_seed([3; 32]).save(&key).unwrap();
    refused(dir.path(), &["verify"], &[&other, &original]);
}

#[test]
fn a_key_recorded_anywhere_but_the_first_event_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    demo(dir.path());
    let key = key_file(dir.path());
    let other = DeploymentKey::from_seed([2; 32]).public_key_hex();
    let record_late = |event: &mut JournalEvent| {
        if event.seq == 5 {
            event.deployment_key = Some(other.clone());
        }
    };
    rewrite(dir.path(), record_late, |_| DeploymentKey::load(&key).unwrap());
    refused(dir.path(), &["verify"], &["event 5: only the journal's first event records the deployment key"]);
}
