//! Snapshots as an operator and a benchmark see them: `mangrove snapshot`
//! stores one of the demo's state (once per position), `verify` checks it
//! against the replay, and `bench startup` times both ways of opening and
//! ends with its figures as one JSON line.

mod support;

use std::path::Path;
use std::process::Output;

fn mangrove(dir: &Path, args: &[&str]) -> Output {
    support::mangrove(dir).env_remove("MANGROVE_DATABASE").args(args).output().unwrap()
}

fn stdout_of(output: &Output) -> String {
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(output.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    stdout
}

#[test]
fn a_snapshot_of_the_demo_is_stored_once_and_verified() {
    let dir = tempfile::tempdir().unwrap();
    stdout_of(&mangrove(dir.path(), &["demo", "--factories", "3"]));
    let first = stdout_of(&mangrove(dir.path(), &["snapshot"]));
    assert!(first.starts_with("Stored a snapshot of the state after "), "{first}");
    let again = stdout_of(&mangrove(dir.path(), &["snapshot"]));
    assert!(again.starts_with("No snapshot was needed"), "{again}");
    let verified = stdout_of(&mangrove(dir.path(), &["verify"]));
    assert!(verified.contains("1 stored snapshots match the state replayed to their positions"), "{verified}");
}

#[test]
fn the_startup_benchmark_ends_with_its_figures_as_one_json_line() {
    let dir = tempfile::tempdir().unwrap();
    let args = ["bench", "startup", "--events", "400", "--tail-orders", "30", "--rounds", "1", "--clients", "8"];
    let stdout = stdout_of(&mangrove(dir.path(), &args));
    assert!(stdout.contains("latest snapshot + the tail"), "{stdout}");
    let last = stdout.lines().last().expect("some output");
    let figures: serde_json::Value = serde_json::from_str(last).unwrap_or_else(|_| panic!("not JSON: {last}"));
    let figures = &figures["figures"];
    let journal = figures["journal_events"].as_u64().unwrap();
    let position = figures["snapshot_position"].as_u64().unwrap();
    assert!(position >= 400 && journal > position, "{last}");
    assert_eq!(figures["tail_events"].as_u64(), Some(journal - position), "{last}");
    assert!(figures["snapshot_bytes"].as_u64().unwrap() > 0, "{last}");
    assert_eq!(figures["full_replay_rounds_s"].as_array().map(Vec::len), Some(1), "{last}");
}
