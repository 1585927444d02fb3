//! `mangrove exchange replay` as a person uses it: a small file of orders
//! and cancels gives exact fill, rejection and book lines, standard input
//! works as `-`, and a malformed line stops the run naming the line and the
//! field, with nothing printed on standard output.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn mangrove(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mangrove"))
        .env("MANGROVE_LOG", "error")
        .env("RUST_BACKTRACE", "0")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

const ORDERS: &str = r#"{"op":"new","id":"o1","account":"a","side":"buy","type":"limit","price":1200,"qty":5,"tif":"gtc"}
{"op":"new","id":"o2","account":"b","side":"buy","type":"limit","price":1150,"qty":3}

{"op":"new","id":"o3","account":"c","side":"sell","type":"limit","price":1250,"qty":2}
{"op":"new","id":"o4","account":"c","side":"sell","type":"market","qty":3}
{"op":"new","id":"o5","account":"d","side":"buy","type":"limit","price":1250,"qty":9,"tif":"fok"}
{"op":"new","id":"o6","account":"d","side":"sell","type":"limit","price":1150,"qty":1,"tif":"post_only"}
{"op":"new","id":"o7","account":"a","side":"sell","type":"limit","price":1150,"qty":4,"tif":"ioc"}
{"op":"new","id":"o1","account":"a","side":"buy","type":"limit","price":1000,"qty":1}
{"op":"cancel","id":"o1"}
{"op":"cancel","id":"o2"}
{"op":"new","id":"o8","account":"e","side":"buy","type":"limit","price":1150,"qty":3}
"#;

/// o4 sells 3 to o1 at 1200; o5 cannot fill 9 (only 2 asks); o6 would cross o1's rest at 1200;
/// o7 (account a) cancels a's own o1 without a line, then sells 3 to o2 at 1150 and drops 1;
/// o1 again is a duplicate; o1 is no longer resting; o2 is gone (filled); o8 rests.
const EXPECTED: [&str; 7] = [
    r#"{"maker":"o1","taker":"o4","price":1200,"qty":3}"#,
    r#"{"rejected":"o5","reason":"fill-or-kill order cannot be filled in full"}"#,
    r#"{"rejected":"o6","reason":"post-only order would trade"}"#,
    r#"{"maker":"o2","taker":"o7","price":1150,"qty":3}"#,
    r#"{"rejected":"o1","reason":"duplicate order id"}"#,
    r#"{"rejected":"o1","reason":"no resting order with this id"}"#,
    r#"{"rejected":"o2","reason":"no resting order with this id"}"#,
];

fn lines(output: &Output) -> Vec<String> {
    String::from_utf8(output.stdout.clone()).unwrap().lines().map(str::to_string).collect()
}

#[test]
fn a_file_replays_to_exact_lines() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("orders.jsonl");
    std::fs::write(&path, ORDERS).unwrap();
    let output = mangrove(&["exchange", "replay", path.to_str().unwrap()], "");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let mut expected: Vec<String> = EXPECTED.iter().map(|line| line.to_string()).collect();
    expected.push(r#"{"book":{"bids":[[1150,3]],"asks":[[1250,2]]}}"#.to_string());
    assert_eq!(lines(&output), expected);
}

#[test]
fn standard_input_is_a_dash() {
    let output = mangrove(&["exchange", "replay", "-"], ORDERS);
    assert!(output.status.success());
    assert_eq!(lines(&output).len(), EXPECTED.len() + 1);
}

#[test]
fn a_malformed_line_stops_the_run_naming_the_line_and_field() {
    let input = format!(
        "{ORDERS}{}\n",
        r#"{"op":"new","id":"o9","account":"a","side":"buy","type":"limit","price":1200,"qty":1,"tif":"day"}"#
    );
    let output = mangrove(&["exchange", "replay", "-"], &input);
    assert!(!output.status.success());
    assert!(output.stdout.is_empty(), "nothing is printed before the error");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("standard input: line 13: field `tif` must be one of gtc, ioc, fok, post_only"),
        "{stderr}"
    );
}

#[test]
fn a_missing_file_is_named() {
    let output = mangrove(&["exchange", "replay", "/nonexistent/orders.jsonl"], "");
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("/nonexistent/orders.jsonl"));
}

/// `mangrove bench exchange`, small: a table a person reads, then one JSON
/// line with the engine's figures beside the peer's and the durable ones,
/// where every acknowledged order was recorded in each round.
#[test]
fn the_exchange_benchmark_ends_with_its_figures_as_one_json_line() {
    let args = [
        "bench",
        "exchange",
        "--requests",
        "2000",
        "--rounds",
        "1",
        "--durable-orders",
        "300",
        "--durable-rounds",
        "3",
        "--single-orders",
        "20",
        "--clients",
        "16",
    ];
    let output = mangrove(&args, "");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.contains("group commit, median of 3"), "{stdout}");
    let last = stdout.lines().last().expect("some output");
    let figures: serde_json::Value = serde_json::from_str(last).unwrap_or_else(|_| panic!("not JSON: {last}"));
    let end_to_end = &figures["figures"]["end_to_end"];
    assert_eq!(end_to_end["group_commit_orders"], 300, "{last}");
    let rounds = end_to_end["group_commit_rounds_orders_per_s"].as_array().expect("each round's figure");
    assert_eq!(rounds.len(), 3, "{last}");
    let mut sorted: Vec<f64> = rounds.iter().map(|r| r.as_f64().unwrap()).collect();
    sorted.sort_by(f64::total_cmp);
    assert_eq!(end_to_end["group_commit_orders_per_s"].as_f64(), Some(sorted[1]), "the median: {last}");
    assert!(end_to_end["group_commit_trades"].as_u64().unwrap() > 0, "some orders crossed: {last}");
}
