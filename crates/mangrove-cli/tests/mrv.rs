//! `mangrove mrv` as a person uses it: the shipped example surveys of a
//! 500-rai mangrove give a plausible year of removals, and a bad survey is
//! refused naming the file, the line and the column.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn mangrove(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mangrove"))
        .env("MANGROVE_LOG", "error")
        .env("RUST_BACKTRACE", "0")
        .args(args)
        .output()
        .unwrap()
}

fn text(output: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
}

fn example(name: &str) -> String {
    let path: PathBuf = [env!("CARGO_MANIFEST_DIR"), "..", "mangrove-mrv", "data", "examples", name].iter().collect();
    path.to_str().unwrap().to_string()
}

fn tonnes(value: &serde_json::Value) -> f64 {
    value.as_f64().expect("tonnes are a JSON number")
}

#[test]
fn a_year_of_the_example_mangrove_gives_plausible_credits() {
    let (now, before) = (example("mangrove-2025.csv"), example("mangrove-2024.csv"));
    let output = mangrove(&["mrv", "forestry", "--survey", &now, "--area-rai", "500", "--previous", &before]);
    assert!(output.status.success(), "{}", text(&output));
    let record: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    // The figures of an independent computation of DOMAIN.md's steps (a throwaway script, not this code):
    // mean b 110.66 → 143.78 t/ha over 12 plots of 100 m²; 80 ha × 44/12 × 0.47 → stock 15,256.69 → 19,822.70 t;
    // removals 4,566.01 t; U = 10.41 % (t = 1.796, 11 df) → 25 % of U × removals = 118.83 t;
    // verified ⌊4,447.18⌋ = 4,447 t; buffer ⌈15 % × 4,447 = 667.05⌉ = 668 t; net 3,779 t.
    assert_eq!(record["stock_tco2e"], 19822.704856);
    assert_eq!(record["removals_tco2e"], 4566.011878);
    assert_eq!(record["buffer_tco2e"], 668);
    assert_eq!(record["net_tco2e"], 3_779);
    assert_eq!(record["credits"]["uncertainty_bps"], 1_041);
    assert_eq!(record["credits"]["uncertainty_deduction_tco2e"], 118.83046);
    // DOMAIN.md's scale check: about 9.4 tCO2e per rai per year ex ante, 36 t/ha (5.8 t/rai) measured.
    let per_rai = tonnes(&record["removals_tco2e"]) / 500.0;
    assert!((5.0..=10.0).contains(&per_rai), "{per_rai} tCO2e per rai in a year");
    assert!(record["survey"]["saplings"].as_u64().unwrap() > 0, "the examples have saplings");
    assert!(record["wood_densities"].as_array().unwrap().len() >= 5, "mixed species");
}

#[test]
fn one_survey_gives_the_stock_alone() {
    let output = mangrove(&["mrv", "forestry", "--survey", &example("mangrove-2024.csv"), "--area-rai", "500"]);
    assert!(output.status.success(), "{}", text(&output));
    let record: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(record["stock_tco2e"], 15256.692978);
    assert!(record.get("removals_tco2e").is_none() && record.get("net_tco2e").is_none());
}

#[test]
fn a_bad_survey_is_refused_naming_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "plot_id,plot_area_m2,species,dbh_cm,height_m\n\
         P01,100,Rhizophora apiculata,8.2,6.5\n\
         P01,100,Rhizophora apiculata,-4,6.5\n\
         P02,100,Ceriops decandra,7.1,5.0\n\
         P02,0,Avicennia marina,7.1,5.0\n",
    )
    .unwrap();
    let output = mangrove(&["mrv", "forestry", "--survey", bad.to_str().unwrap(), "--area-rai", "500"]);
    assert!(!output.status.success());
    let printed = text(&output);
    let file = bad.display();
    for expected in [
        format!("{file}:3: column dbh_cm:"),
        format!("{file}:4: column species: unknown species 'Ceriops decandra'"),
        format!("{file}:5: column plot_area_m2:"),
    ] {
        assert!(printed.contains(&expected), "expected {expected:?} in {printed}");
    }
    assert!(!printed.contains(&format!("{file}:2:")), "line 2 is fine: {printed}");
    assert!(output.stdout.is_empty(), "no record for a refused file");
}

#[test]
fn missing_files_and_bad_flags_are_named() {
    let missing = mangrove(&["mrv", "forestry", "--survey", "/nonexistent/survey.csv", "--area-rai", "500"]);
    assert!(!missing.status.success() && text(&missing).contains("/nonexistent/survey.csv"), "{}", text(&missing));
    let survey = example("mangrove-2025.csv");
    let area = mangrove(&["mrv", "forestry", "--survey", &survey, "--area-rai", "lots"]);
    assert!(!area.status.success() && text(&area).contains("--area-rai"), "{}", text(&area));
    let buffer = mangrove(&["mrv", "forestry", "--survey", &survey, "--area-rai", "5", "--buffer-percent", "120"]);
    assert!(!buffer.status.success() && text(&buffer).contains("--buffer-percent"), "{}", text(&buffer));
}

#[test]
fn an_inventory_from_a_thai_activity_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("activity.csv");
    // By hand: 1,000 kWh × 0.4999 = 499.9 kg; 100 L diesel × 2.7078 = 270.78 kg; total 0.77068 t.
    std::fs::write(&file, "month,activity,quantity,unit\n2025-01,ไฟฟ้า,1000,หน่วย\n2025-02,ดีเซล,100,ลิตร\n").unwrap();
    let output = mangrove(&["mrv", "inventory", "--activities", path(&file), "--year", "2025", "--gwp", "ar6"]);
    assert!(output.status.success(), "{}", text(&output));
    let inventory: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(inventory["total_tco2e"], 0.77068);
    assert_eq!(inventory["by_scope"]["2"], 0.4999);
    let wrong_year = mangrove(&["mrv", "inventory", "--activities", path(&file), "--year", "2026", "--gwp", "ar6"]);
    assert!(!wrong_year.status.success());
    assert!(text(&wrong_year).contains(&format!("{}:2: column month:", file.display())), "{}", text(&wrong_year));
}

fn path(path: &Path) -> &str {
    path.to_str().unwrap()
}
