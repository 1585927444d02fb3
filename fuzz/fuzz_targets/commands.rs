//! Arbitrary bytes as a run of commands and activity imports with extreme
//! numbers, given to the application: no input may panic, break an
//! invariant, push a total past its bound or replay differently. The body
//! is shared with `crates/mangrove-app/tests/extremes.rs`, which runs it
//! over a fixed corpus in every test run.

#![no_main]

#[allow(dead_code)]
#[path = "../../crates/mangrove-app/tests/support/mod.rs"]
mod support;

#[path = "../../crates/mangrove-app/tests/support/drive.rs"]
mod drive;

libfuzzer_sys::fuzz_target!(|input: &[u8]| drive::drive(input));
