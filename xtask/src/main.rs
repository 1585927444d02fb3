//! The project's own automation, run as `cargo xtask <task>`:
//!
//! - `demo`: build everything (the web client too, once it exists) in
//!   release mode, build the Rayong demo into `mangrove.db`, and serve it.
//! - `test`: check formatting and lints, then run every test of the
//!   workspace, the API conformance run (`conformance.rs`) and the web
//!   client's tests.
//!
//! A Rust program instead of shell scripts, so it runs the same everywhere
//! and stays readable as it grows.

mod conformance;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("demo") => demo(&args[1..]),
        Some("test") => test(&args[1..]),
        Some("conformance") => {
            build_debug().and_then(|()| conformance::run(&target_dir().join("debug").join("mangrove")))
        }
        _ => {
            eprintln!("usage: cargo xtask demo [--listen ADDR] | cargo xtask test | cargo xtask conformance");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("xtask: {error}");
            ExitCode::FAILURE
        }
    }
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives in the workspace").to_path_buf()
}

fn cargo() -> Command {
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    command.current_dir(root());
    command
}

fn run(mut command: Command) -> Result<(), String> {
    let shown = format!("{command:?}");
    let status = command.status().map_err(|error| format!("could not start {shown}: {error}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{shown} failed ({status})"))
    }
}

/// Builds the web client when there is one (`web/package.json`).
fn build_web() -> Result<(), String> {
    let web = root().join("web");
    if !web.join("package.json").exists() {
        return Ok(());
    }
    let mut install = Command::new("npm");
    // `npm install` honours the lock file; `npm ci` trips over optional
    // platform packages that npm leaves unresolved in it on some machines.
    install.current_dir(&web).args(["install", "--no-audit", "--no-fund"]);
    run(install)?;
    let mut build = Command::new("npm");
    build.current_dir(&web).args(["run", "build"]);
    run(build)
}

fn demo(args: &[String]) -> Result<(), String> {
    build_web()?;
    let mut build = cargo();
    build.args(["build", "--release", "--package", "mangrove-cli"]);
    run(build)?;
    let binary = target_dir().join("release").join("mangrove");
    let mut demo = Command::new(&binary);
    demo.current_dir(root()).args(["demo", "--reset", "--database", "mangrove.db"]);
    run(demo)?;
    let mut serve = Command::new(&binary);
    serve.current_dir(root()).args(["serve", "--database", "mangrove.db"]).args(args);
    run(serve)
}

fn test(args: &[String]) -> Result<(), String> {
    if std::env::var_os("MANGROVE_TEST_POSTGRES").is_none() {
        println!("xtask: MANGROVE_TEST_POSTGRES is not set; the PostgreSQL half of the store tests is skipped");
    }
    let mut format = cargo();
    format.args(["fmt", "--all", "--", "--check"]);
    run(format)?;
    let mut lints = cargo();
    lints.args(["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"]);
    run(lints)?;
    let mut tests = cargo();
    tests.args(["test", "--workspace", "--no-fail-fast"]).args(args);
    run(tests)?;
    conformance::run(&target_dir().join("debug").join("mangrove"))?;
    let web = root().join("web");
    if web.join("package.json").exists() {
        if !web.join("node_modules").exists() {
            let mut install = Command::new("npm");
            install.current_dir(&web).args(["install", "--no-audit", "--no-fund"]);
            run(install)?;
        }
        // The browser tests drive the debug binary the Rust tests just built.
        let mut web_tests = Command::new("npm");
        web_tests.current_dir(&web).args(["test"]).env("MANGROVE_BIN", target_dir().join("debug").join("mangrove"));
        run(web_tests)?;
    }
    Ok(())
}

fn build_debug() -> Result<(), String> {
    let mut build = cargo();
    build.args(["build", "--package", "mangrove-cli"]);
    run(build)
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| root().join("target"))
}
