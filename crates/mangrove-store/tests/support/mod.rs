//! What several store tests share: the format-1 demo journal, copied.

use std::path::{Path, PathBuf};

/// A three-factory demo written before journal formats were numbered, with
/// orders cancelled, replaced and expired, an auction closed, a target set
/// and its key rotated: 124 events of 32 kinds.
const FORMAT_1_FIXTURE: &str = "tests/fixtures/journal-format-1.db";

/// A copy of the format-1 fixture and its (current) key as `name.db` in
/// `directory`, so that no test writes to the committed file.
pub fn copy_of_format_1_journal(directory: &Path, name: &str) -> PathBuf {
    let database = directory.join(format!("{name}.db"));
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join(FORMAT_1_FIXTURE);
    std::fs::copy(&source, &database).unwrap();
    std::fs::copy(source.with_extension("db.key"), database.with_extension("db.key")).unwrap();
    database
}
