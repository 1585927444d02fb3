//! The API conformance run: schemathesis generates requests from the
//! OpenAPI document against a freshly built small demo, signed in as the
//! operator, and fails on any server error (5xx) or any status code the
//! document does not list. Bounded in time, and skipped with a message
//! where schemathesis is not installed (`.ci/run` installs it).

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

/// The whole run's time budget, in seconds (schemathesis' `--max-time`).
const RUN_SECONDS_MAX: &str = "150";
/// Generated examples per operation and phase.
const EXAMPLES_PER_OPERATION: &str = "20";

/// Stops the server however the run ends.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub fn run(binary: &Path) -> Result<(), String> {
    if Command::new("st").arg("--version").output().is_err() {
        println!("xtask: schemathesis (`st`) is not installed; the API conformance run is skipped (pip install schemathesis)");
        return Ok(());
    }
    let dir = std::env::temp_dir().join(format!("mangrove-conformance-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|error| format!("creating {}: {error}", dir.display()))?;
    let result = run_in(binary, &dir);
    let _ = std::fs::remove_dir_all(&dir);
    result
}

fn run_in(binary: &Path, dir: &Path) -> Result<(), String> {
    let demo = Command::new(binary)
        .current_dir(dir)
        .args(["demo", "--factories", "20"])
        .stdout(Stdio::null())
        .status()
        .map_err(|error| format!("starting {}: {error}", binary.display()))?;
    if !demo.success() {
        return Err(format!("the conformance run's demo failed ({demo})"));
    }
    let mut child = Command::new(binary)
        .current_dir(dir)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env("MANGROVE_LOG", "error")
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|error| format!("starting the server: {error}"))?;
    let stdout = child.stdout.take().ok_or("the server's output")?;
    let server = Server(child);
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).map_err(|error| format!("reading the server's address: {error}"))?;
    let base = line.trim().rsplit(' ').next().unwrap_or_default().to_string();
    if !base.starts_with("http://") {
        return Err(format!("the server did not say where it listens: {line:?}"));
    }
    let token = operator_token(&base)?;
    let mut outcome = schemathesis(dir, &base, &token)?;
    if outcome == Outcome::ToolError {
        // The generator itself broke (an exception inside schemathesis, not an
        // answer of ours): run once more rather than fail on its fault.
        println!("xtask: schemathesis stopped on an internal error; running it once more");
        outcome = schemathesis(dir, &base, &token)?;
    }
    drop(server);
    match outcome {
        Outcome::Passed => Ok(()),
        _ => Err("the API conformance run failed; its report is above".into()),
    }
}

#[derive(PartialEq)]
enum Outcome {
    Passed,
    /// Checks failed: the server answered something the document does not allow.
    Failed,
    /// Schemathesis raised an error of its own and found no failure.
    ToolError,
}

fn schemathesis(dir: &Path, base: &str, token: &str) -> Result<Outcome, String> {
    let mut st = Command::new("st");
    st.current_dir(dir).args(["run", &format!("{base}/api/openapi.json"), "--url", base]);
    st.args(["--header", &format!("Authorization: Bearer {token}")]);
    st.args(["--checks", "not_a_server_error,status_code_conformance,content_type_conformance"]);
    st.args(["--max-examples", EXAMPLES_PER_OPERATION, "--max-time", RUN_SECONDS_MAX, "--request-timeout", "20"]);
    // Signing out would end the session the rest of the run uses. One
    // worker: the generator's caches are not safe to share between threads.
    st.args(["--exclude-path", "/api/v1/auth/logout", "--workers", "1", "--no-color", "--seed", "2026"]);
    let output = st.output().map_err(|error| format!("starting schemathesis: {error}"))?;
    let report = String::from_utf8_lossy(&output.stdout);
    print!("{report}");
    eprint!("{}", String::from_utf8_lossy(&output.stderr));
    Ok(if output.status.success() {
        Outcome::Passed
    } else if report.contains("Runtime Error") && !report.contains("Failures:") {
        Outcome::ToolError
    } else {
        Outcome::Failed
    })
}

/// Signs in as the demo's operator with Python's standard library, which
/// schemathesis brings anyway, so that xtask needs no HTTP client.
fn operator_token(base: &str) -> Result<String, String> {
    let script = "import json,sys,urllib.request as u\n\
        body=json.dumps({'username':'operator','password':'rayong-demo-2026'}).encode()\n\
        r=u.Request(sys.argv[1]+'/api/v1/auth/login',data=body,headers={'Content-Type':'application/json'})\n\
        print(json.load(u.urlopen(r))['token'])";
    let output = Command::new("python3")
        .args(["-c", script, base])
        .output()
        .map_err(|error| format!("signing in for the conformance run: {error}"))?;
    if !output.status.success() {
        return Err(format!("signing in for the conformance run: {}", String::from_utf8_lossy(&output.stderr)));
    }
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_string())
}
