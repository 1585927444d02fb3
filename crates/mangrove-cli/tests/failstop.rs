//! A server that can no longer be trusted stops, through the real binary:
//! a handler that panics, and a writer whose commit the database refuses,
//! each make `mangrove serve` exit non-zero with the reason on stderr, so
//! that a supervisor restarts it; what was committed still verifies.

mod support;

use serde_json::json;
use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};
use support::*;

/// The longest a fatal server may take to exit.
const EXIT_WAIT: Duration = Duration::from_secs(20);

/// Starts `mangrove serve` on a free port with its stderr kept.
fn start(dir: &std::path::Path, env: &[(&str, &str)]) -> (Child, String) {
    let mut command = mangrove(dir);
    command.args(["serve", "--listen", "127.0.0.1:0"]).stdout(Stdio::piped()).stderr(Stdio::piped());
    for (name, value) in env {
        command.env(name, value);
    }
    let mut child = command.spawn().expect("the server starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("the server prints its address");
    let url = line.trim().rsplit(' ').next().expect("an address").to_string();
    assert!(url.starts_with("http://127.0.0.1:"), "unexpected first line: {line}");
    (child, url)
}

/// Waits for the server to exit by itself; returns its exit code and stderr.
fn wait_for_exit(mut server: Child) -> (Option<i32>, String) {
    let started = Instant::now();
    let status = loop {
        if let Some(status) = server.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > EXIT_WAIT {
            kill(server);
            panic!("the server lived on for {EXIT_WAIT:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut stderr = String::new();
    server.stderr.take().expect("stderr").read_to_string(&mut stderr).unwrap();
    (status.code(), stderr)
}

#[tokio::test]
async fn a_handler_panic_stops_the_server_with_a_non_zero_exit() {
    let dir = tempfile::tempdir().unwrap();
    let (server, url) = start(dir.path(), &[("MANGROVE_FAULT_PANIC", "1")]);
    let client = reqwest::Client::builder().timeout(Duration::from_secs(10)).build().unwrap();
    if !cfg!(debug_assertions) {
        // A release build mounts no panicking route, whatever its environment.
        let answer = client.get(format!("{url}/api/v1/fault/panic")).send().await.unwrap();
        assert_eq!(answer.status(), 404);
        kill(server);
        return;
    }
    let ready = client.get(format!("{url}/readyz")).send().await.unwrap();
    assert_eq!(ready.status(), 200);
    let panicked = client.get(format!("{url}/api/v1/fault/panic")).send().await.unwrap();
    assert_eq!(panicked.status(), 500);
    let answer: serde_json::Value = panicked.json().await.unwrap();
    assert_eq!(answer["error"]["code"], "internal", "{answer}");
    let not_ready = client.get(format!("{url}/readyz")).send().await.unwrap();
    assert_eq!(not_ready.status(), 503, "a fatal server is not ready while it stops");

    let (code, stderr) = wait_for_exit(server);
    assert!(code.is_some_and(|code| code != 0), "exit code {code:?}; stderr:\n{stderr}");
    assert!(stderr.contains("a request handler panicked"), "the reason is on stderr:\n{stderr}");
    // Without the variable there is no such route: a plain 404.
    let (server, url) = start(dir.path(), &[]);
    let answer = client.get(format!("{url}/api/v1/fault/panic")).send().await.unwrap();
    assert_eq!(answer.status(), 404);
    kill(server);
}

#[tokio::test]
async fn a_refused_commit_stops_the_server_and_what_was_committed_verifies() {
    let dir = tempfile::tempdir().unwrap();
    build_demo(dir.path());
    let (server, url) = start(dir.path(), &[]);
    let client = reqwest::Client::builder().timeout(Duration::from_secs(10)).build().unwrap();
    let municipality = login(&client, &url, "municipality").await;
    // The database starts refusing new events, as a full or failing disk would.
    let database = rusqlite::Connection::open(dir.path().join("mangrove.db")).unwrap();
    let refuse = "CREATE TRIGGER refuse_events BEFORE INSERT ON events BEGIN SELECT RAISE(FAIL, 'disk refused'); END;";
    database.execute_batch(refuse).unwrap();
    let transfer = client
        .post(format!("{url}/api/v1/accounts/{}/transfers", municipality.account_id))
        .bearer_auth(&municipality.token)
        .json(&json!({ "to_account": 6, "batch_id": 1, "quantity": 1 }))
        .send()
        .await
        .unwrap();
    assert_eq!(transfer.status(), 503, "a command whose commit failed is answered as unavailable");

    let (code, stderr) = wait_for_exit(server);
    assert!(code.is_some_and(|code| code != 0), "exit code {code:?}; stderr:\n{stderr}");
    assert!(stderr.contains("a commit failed") && stderr.contains("disk refused"), "the reason:\n{stderr}");
    database.execute_batch("DROP TRIGGER refuse_events;").unwrap();
    assert_verifies(dir.path(), "after the refused commit");
    // Restarted, it verifies what was committed at start-up and serves again.
    let (server, url) = start(dir.path(), &[]);
    let ready = client.get(format!("{url}/readyz")).send().await.unwrap();
    assert_eq!(ready.status(), 200);
    kill(server);
}
