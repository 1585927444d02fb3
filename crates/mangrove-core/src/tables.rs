//! How a domain's state is laid out in SQL tables, as data: the store
//! creates, writes and verifies a domain's projection tables from this
//! description alone, and the domain builds the rows.

/// A column's SQL kind; every value is an integer or text, which both
/// databases store the same way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Int,
    Text,
}

/// One cell; `None` is SQL's NULL.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Value {
    Int(Option<i64>),
    Text(Option<String>),
}

impl Value {
    /// A count or an id. Every bound in [`crate::bounds`] keeps these
    /// within `i64`.
    pub fn int(value: u64) -> Value {
        Value::Int(Some(i64::try_from(value).expect("bounds keep stored integers within i64")))
    }
    pub fn signed(value: i64) -> Value {
        Value::Int(Some(value))
    }
    pub fn text(value: impl Into<String>) -> Value {
        Value::Text(Some(value.into()))
    }
}

/// A table's row: one value per column, in the table's column order.
pub type Row = Vec<Value>;

/// A projection table. Its name is unique across every domain (a plugged
/// domain's tables start with its name and `_`); two tables are the same
/// table when their names are.
#[derive(Debug)]
pub struct Table {
    pub name: &'static str,
    pub columns: &'static [(&'static str, Kind)],
    /// The first `key_columns` columns are the primary key.
    pub key_columns: usize,
}

impl PartialEq for Table {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

impl Eq for Table {}

impl std::hash::Hash for Table {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.name.hash(state);
    }
}

impl Table {
    /// The key of `row`.
    pub fn key<'a>(&self, row: &'a [Value]) -> &'a [Value] {
        &row[..self.key_columns]
    }

    /// `CREATE TABLE IF NOT EXISTS` for this table; the same text serves
    /// SQLite and PostgreSQL (`BIGINT` is SQLite's `INTEGER` affinity).
    pub fn create_statement(&self) -> String {
        let columns: Vec<String> = self
            .columns
            .iter()
            .map(|(name, kind)| match kind {
                Kind::Int => format!("{name} BIGINT"),
                Kind::Text => format!("{name} TEXT"),
            })
            .collect();
        let key: Vec<&str> = self.columns[..self.key_columns].iter().map(|(name, _)| *name).collect();
        format!("CREATE TABLE IF NOT EXISTS {} ({}, PRIMARY KEY ({}))", self.name, columns.join(", "), key.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_is_created_with_its_key() {
        let table =
            Table { name: "toy_counters", columns: &[("id", Kind::Int), ("label", Kind::Text)], key_columns: 1 };
        assert_eq!(
            table.create_statement(),
            "CREATE TABLE IF NOT EXISTS toy_counters (id BIGINT, label TEXT, PRIMARY KEY (id))"
        );
        assert_eq!(table.key(&[Value::int(7), Value::text("x")]), &[Value::int(7)]);
    }
}
