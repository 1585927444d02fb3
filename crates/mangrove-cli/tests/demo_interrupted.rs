//! A `mangrove demo` killed part-way leaves a fragment of the demo (logins
//! without their credits, a market without its orders). The next start says
//! the demo is incomplete and how to rebuild it, instead of serving the
//! fragment as if it were the demo; `demo --reset` rebuilds it.

mod support;

use std::process::Stdio;
use std::time::{Duration, Instant};
use support::*;

/// How far the demo in `dir` got: the `demo` setting and the journal's length.
fn progress(dir: &std::path::Path) -> Option<(String, u64)> {
    let connection = rusqlite::Connection::open_with_flags(
        dir.join("mangrove.db"),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .ok()?;
    let state: String =
        connection.query_row("SELECT value FROM settings WHERE name = 'demo'", [], |row| row.get(0)).ok()?;
    let events: i64 = connection.query_row("SELECT COUNT(*) FROM events", [], |row| row.get(0)).ok()?;
    Some((state, u64::try_from(events).ok()?))
}

#[test]
fn an_interrupted_demo_is_reported_at_the_next_start_and_rebuilt_by_reset() {
    let dir = tempfile::tempdir().unwrap();
    // All the factories, so that the build lasts well past its first commits.
    let mut demo = mangrove(dir.path()).args(["demo"]).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if let Some((state, events)) = progress(dir.path()) {
            if state == "building" && events > 0 {
                break;
            }
        }
        assert!(demo.try_wait().unwrap().is_none(), "the demo ended before it could be interrupted");
        assert!(Instant::now() < deadline, "the demo never started writing");
        std::thread::sleep(Duration::from_millis(20));
    }
    kill(demo);
    let (state, events) = progress(dir.path()).expect("the interrupted database is readable");
    assert_eq!(state, "building", "killed after {events} events");

    let serve = mangrove(dir.path()).args(["serve", "--listen", "127.0.0.1:0"]).output().unwrap();
    assert!(!serve.status.success(), "serve refuses an incomplete demo");
    let said = String::from_utf8_lossy(&serve.stderr);
    assert!(said.contains("the demo in mangrove.db is incomplete"), "{said}");
    assert!(said.contains("mangrove demo --reset"), "serve says how to rebuild it: {said}");

    let again = mangrove(dir.path()).args(["demo", "--factories", "12"]).output().unwrap();
    assert!(!again.status.success(), "demo without --reset refuses the fragment");
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("incomplete"),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );

    let reset = mangrove(dir.path()).args(["demo", "--reset", "--factories", "12"]).output().unwrap();
    assert!(reset.status.success(), "{}", String::from_utf8_lossy(&reset.stderr));
    assert_eq!(progress(dir.path()).map(|(state, _)| state).as_deref(), Some("complete"));
    let (server, url) = start_server(dir.path());
    assert!(url.starts_with("http://127.0.0.1:"));
    kill(server);
    assert_verifies(dir.path(), "after the rebuilt demo");
}
