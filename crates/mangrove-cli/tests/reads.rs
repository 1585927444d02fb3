//! `mangrove bench reads`, small: a table a person reads, then one JSON line
//! with four runs (each way readers meet the publisher, quiet and under
//! readers), where every run acknowledged orders and the loaded runs read pages.

mod support;

#[test]
fn the_reads_benchmark_ends_with_its_figures_as_one_json_line() {
    let dir = tempfile::tempdir().unwrap();
    let args = ["bench", "reads", "--warm-orders", "200", "--orders", "300", "--clients", "8", "--readers", "4"];
    let output = support::mangrove(dir.path()).args(args).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.contains("published versions") && stdout.contains("one shared lock (before)"), "{stdout}");
    let last = stdout.lines().last().expect("some output");
    let figures: serde_json::Value = serde_json::from_str(last).unwrap_or_else(|_| panic!("not JSON: {last}"));
    let runs = figures["figures"]["runs"].as_array().expect("the runs");
    assert_eq!(runs.len(), 4, "{last}");
    for run in runs {
        assert!(run["orders_per_s"].as_f64().unwrap() > 0.0, "{last}");
        let loaded = run["readers"].as_u64().unwrap() > 0;
        assert_eq!(run["reads_per_s"].as_f64().unwrap() > 0.0, loaded, "{last}");
    }
}
