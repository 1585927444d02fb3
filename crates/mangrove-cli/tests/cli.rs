//! The `mangrove` command as a person uses it: demo, verify (clean and
//! tampered), proofs written to files and checked offline.

use std::path::Path;
use std::process::{Command, Output};

fn mangrove(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mangrove"))
        .current_dir(dir)
        .env("MANGROVE_LOG", "error")
        .env("RUST_BACKTRACE", "0")
        .args(args)
        .output()
        .unwrap()
}

fn text(output: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
}

#[test]
fn the_demo_prints_its_logins_and_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let demo = mangrove(dir.path(), &["demo", "--factories", "12"]);
    assert!(demo.status.success(), "{}", text(&demo));
    let printed = text(&demo);
    for login in ["operator", "verifier", "municipality", "olefins", "somchai", mangrove_demo::DEMO_PASSWORD] {
        assert!(printed.contains(login), "the demo names {login}: {printed}");
    }
    assert!(dir.path().join("mangrove.db.key").exists(), "the signing key is its own file");
    let again = mangrove(dir.path(), &["demo", "--factories", "12"]);
    assert!(!again.status.success() && text(&again).contains("already holds a registry"), "{}", text(&again));
    assert!(mangrove(dir.path(), &["demo", "--reset", "--factories", "12"]).status.success());
    let verify = mangrove(dir.path(), &["verify"]);
    assert!(verify.status.success(), "{}", text(&verify));
    assert!(text(&verify).starts_with("OK: "), "{}", text(&verify));
}

#[test]
fn a_tampered_database_fails_verification_naming_the_row() {
    let dir = tempfile::tempdir().unwrap();
    assert!(mangrove(dir.path(), &["demo", "--factories", "12"]).status.success());
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let location = mangrove_store::Location::parse(dir.path().join("mangrove.db").to_str().unwrap()).unwrap();
        let db = mangrove_store::connect(&location).await.unwrap();
        db.execute("UPDATE retirements SET beneficiary = 'Someone else' WHERE id = 1").await.unwrap();
    });
    let verify = mangrove(dir.path(), &["verify"]);
    assert!(!verify.status.success());
    assert!(text(&verify).contains("projection retirements: row (1) differs"), "{}", text(&verify));
}

#[test]
fn proofs_written_to_files_verify_offline_and_tampering_is_caught() {
    let dir = tempfile::tempdir().unwrap();
    assert!(mangrove(dir.path(), &["demo", "--factories", "12"]).status.success());
    let proof = mangrove(dir.path(), &["proof", "retirement", "1"]);
    assert!(proof.status.success(), "{}", text(&proof));
    std::fs::write(dir.path().join("proof.json"), &proof.stdout).unwrap();
    let checked = mangrove(dir.path(), &["proof", "verify", "proof.json"]);
    assert!(checked.status.success() && text(&checked).contains("OK: inclusion proof verifies"), "{}", text(&checked));

    let body = String::from_utf8(proof.stdout.clone())
        .unwrap()
        .replace("\\\"quantity_tco2e\\\":600", "\\\"quantity_tco2e\\\":6000");
    assert_ne!(body.as_bytes(), proof.stdout.as_slice(), "the retirement of 600 t is in the proof");
    std::fs::write(dir.path().join("forged.json"), body).unwrap();
    let forged = mangrove(dir.path(), &["proof", "verify", "forged.json"]);
    assert!(!forged.status.success() && text(&forged).contains("does not verify"), "{}", text(&forged));

    let wrong_key = "11".repeat(32);
    let pinned = mangrove(dir.path(), &["proof", "verify", "proof.json", "--public-key", &wrong_key]);
    assert!(!pinned.status.success(), "{}", text(&pinned));

    let consistency = mangrove(dir.path(), &["proof", "consistency", "5", "20"]);
    assert!(consistency.status.success(), "{}", text(&consistency));
    std::fs::write(dir.path().join("consistency.json"), &consistency.stdout).unwrap();
    let checked = mangrove(dir.path(), &["proof", "verify", "consistency.json"]);
    assert!(checked.status.success(), "{}", text(&checked));
}
