//! What the tests of the real binary share: running `mangrove` in a
//! directory of its own, starting `mangrove serve` on a free port, signing
//! in as a demo login, and reading JSON over HTTP.

#![allow(dead_code)]

use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

pub fn mangrove(dir: &std::path::Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_mangrove"));
    command.current_dir(dir).env("MANGROVE_LOG", "error");
    command
}

/// Builds the full Rayong demo (the exchange included) in `dir`, with few factories.
pub fn build_demo(dir: &std::path::Path) {
    let status = mangrove(dir).args(["demo", "--factories", "12"]).stdout(Stdio::null()).status().unwrap();
    assert!(status.success(), "the demo builds");
}

/// Starts `mangrove serve` on a free port and returns it with its base URL.
pub fn start_server(dir: &std::path::Path) -> (Child, String) {
    let mut child = mangrove(dir)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the server starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("the server prints its address");
    let url = line.trim().rsplit(' ').next().expect("an address").to_string();
    assert!(url.starts_with("http://127.0.0.1:"), "unexpected first line: {line}");
    (child, url)
}

/// Kills the server with SIGKILL: no shutdown, no flush, nothing finished.
pub fn kill(mut server: Child) {
    server.kill().unwrap();
    server.wait().unwrap();
}

/// `mangrove verify` on the database in `dir`; panics with its report if it fails.
pub fn assert_verifies(dir: &std::path::Path, when: &str) {
    let verify = mangrove(dir).arg("verify").output().unwrap();
    assert!(verify.status.success(), "verify {when}: {}", String::from_utf8_lossy(&verify.stderr));
}

/// A demo login's session and what it trades from.
#[derive(Debug, Clone)]
pub struct Login {
    pub token: String,
    pub org_id: u64,
    pub account_id: u64,
}

pub async fn login(client: &reqwest::Client, url: &str, username: &str) -> Login {
    let body: Value = client
        .post(format!("{url}/api/v1/auth/login"))
        .json(&json!({ "username": username, "password": mangrove_demo::DEMO_PASSWORD }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    Login {
        token: body["token"].as_str().unwrap_or_else(|| panic!("login as {username}: {body}")).to_string(),
        org_id: body["user"]["org_id"].as_u64().unwrap(),
        account_id: body["user"]["account_id"].as_u64().unwrap(),
    }
}

/// A GET that must answer 200 with JSON.
pub async fn get_json(client: &reqwest::Client, url: &str, path: &str, token: Option<&str>) -> Value {
    let mut request = client.get(format!("{url}{path}"));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap_or_else(|error| panic!("GET {path}: {error}"));
    assert!(response.status().is_success(), "GET {path}: {}", response.status());
    response.json().await.unwrap()
}

/// Every item of a paged list (`?page=`), in the order the server gives them.
pub async fn get_all(client: &reqwest::Client, url: &str, path: &str, token: Option<&str>) -> Vec<Value> {
    let joiner = if path.contains('?') { '&' } else { '?' };
    let mut items = Vec::new();
    for page in 1.. {
        let answer = get_json(client, url, &format!("{path}{joiner}per_page=100&page={page}"), token).await;
        let rows = answer["items"].as_array().unwrap_or_else(|| panic!("{path} is not paged: {answer}"));
        items.extend(rows.iter().cloned());
        if rows.is_empty() || items.len() as u64 >= answer["total"].as_u64().unwrap() {
            return items;
        }
    }
    unreachable!("pages run out")
}
