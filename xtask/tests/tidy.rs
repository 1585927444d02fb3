//! House rules checked as ordinary tests: every Rust file opens with a `//!`
//! doc saying what it is, no test is switched off with an ignore attribute, and the
//! architecture map names every crate.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if path.is_dir() && !["target", "node_modules", ".git"].contains(&name.as_str()) {
            rust_files(&path, found);
        } else if name.ends_with(".rs") {
            found.push(path);
        }
    }
}

fn all_rust_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in ["crates", "xtask"] {
        rust_files(&root().join(dir), &mut files);
    }
    assert!(files.len() > 20, "found the sources");
    files
}

#[test]
fn every_rust_file_opens_with_a_module_doc() {
    let missing: Vec<_> = all_rust_files()
        .into_iter()
        .filter(|path| !std::fs::read_to_string(path).unwrap().trim_start().starts_with("//!"))
        .collect();
    assert!(missing.is_empty(), "these files need a //! doc saying what they are: {missing:#?}");
}

#[test]
fn no_test_is_ignored() {
    let marker = ["#[", "ignore"].concat();
    let offenders: Vec<_> =
        all_rust_files().into_iter().filter(|path| std::fs::read_to_string(path).unwrap().contains(&marker)).collect();
    assert!(offenders.is_empty(), "a test that does not run proves nothing: {offenders:#?}");
}

#[test]
fn the_architecture_map_names_every_crate() {
    let map = std::fs::read_to_string(root().join("docs/ARCHITECTURE.md")).unwrap();
    for entry in std::fs::read_dir(root().join("crates")).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        assert!(map.contains(&format!("`{name}`")), "docs/ARCHITECTURE.md does not mention `{name}`");
    }
}

#[test]
fn the_readme_quick_start_has_two_commands() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let start = readme.find("## Quick start").expect("a Quick start section");
    let section = &readme[start..];
    let section = &section[..section[3..].find("\n## ").map_or(section.len(), |end| end + 3)];
    let commands: Vec<&str> = section.lines().filter(|line| line.starts_with("cargo ")).collect();
    assert_eq!(commands, ["cargo xtask demo", "cargo xtask test"], "the quick start is exactly two commands");
}
