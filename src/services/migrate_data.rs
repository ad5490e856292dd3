//! `niaz migrate-data`: moves a SQLite deployment into an empty PostgreSQL database, in one
//! transaction on each side (a consistent snapshot read, an all-or-nothing write), and checks
//! the result: equal row counts per table and a sample of rows compared field by field.

use anyhow::{bail, Context};
use chrono::NaiveDateTime;
use diesel::Connection;
use serde_json::Value;

use crate::db::transfer::{self, Table};
use crate::db::{Conn, DatabaseUrl, Db};

/// Rows carried per statement.
const CHUNK: i64 = 1_000;
/// Rows compared field by field per table.
const SAMPLE: i64 = 50;

/// What was moved, per table: (name, rows, rows compared).
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub tables: Vec<(String, i64, usize)>,
}

impl Report {
    pub fn rows(&self) -> i64 {
        self.tables.iter().map(|t| t.1).sum()
    }
}

/// Copies everything from the SQLite database at `from` into the PostgreSQL database at `to`.
/// `progress` is told each table's name and row count before it is copied.
pub fn run(from: &str, to: &str, mut progress: impl FnMut(&str, i64)) -> anyhow::Result<Report> {
    match (
        DatabaseUrl::parse(from).context("--from")?,
        DatabaseUrl::parse(to).context("--to")?,
    ) {
        (DatabaseUrl::Sqlite(path), DatabaseUrl::Postgres(_)) => {
            if !path.is_file() {
                bail!("--from: there is no SQLite database at {}", path.display());
            }
        }
        _ => {
            bail!("migrate-data moves a sqlite:// database (--from) into a postgres:// one (--to)")
        }
    }
    let source = Db::open(from).context("--from")?;
    let target = Db::open(to).context("--to")?;
    let mut src = source.conn()?;
    let mut dst = target.conn()?;
    let (src, dst): (&mut Conn, &mut Conn) = (&mut src, &mut dst);
    let tables = transfer::sqlite_tables(src)?;
    // A read transaction on the source is one snapshot even while a server still writes to it.
    src.transaction(|src| dst.transaction(|dst| copy_all(src, dst, &tables, &mut progress)))
}

fn copy_all(
    src: &mut Conn,
    dst: &mut Conn,
    tables: &[Table],
    progress: &mut impl FnMut(&str, i64),
) -> anyhow::Result<Report> {
    for table in tables {
        if transfer::SEEDED.contains(&table.name.as_str()) {
            continue;
        }
        let n = transfer::count(dst, &table.name)
            .with_context(|| format!("--to has no table {}: is it Niaz's schema?", table.name))?;
        if n > 0 {
            bail!(
                "--to is not empty: its table {} has {n} rows; migrate-data only fills a new database",
                table.name
            );
        }
    }
    let mut report = Report::default();
    for table in tables {
        let rows = transfer::count(src, &table.name)?;
        progress(&table.name, rows);
        if transfer::SEEDED.contains(&table.name.as_str()) {
            transfer::pg_clear(dst, &table.name)?;
        }
        let mut after = 0;
        let mut copied = 0;
        loop {
            let chunk = transfer::sqlite_rows(src, table, after, CHUNK)?;
            let Some(&(last, _)) = chunk.last() else {
                break;
            };
            let json = format!(
                "[{}]",
                chunk
                    .iter()
                    .map(|(_, j)| j.as_str())
                    .collect::<Vec<_>>()
                    .join(",")
            );
            copied += transfer::pg_insert_json(dst, table, &json)
                .with_context(|| format!("copying {} after row {after}", table.name))?
                as i64;
            after = last;
        }
        transfer::pg_reset_sequence(dst, table)?;
        let there = transfer::count(dst, &table.name)?;
        if copied != rows || there != rows {
            bail!(
                "{}: {rows} rows in --from, {copied} copied, {there} in --to",
                table.name
            );
        }
        let compared = compare_sample(src, dst, table, rows)?;
        report.tables.push((table.name.clone(), rows, compared));
    }
    Ok(report)
}

/// Compares up to [`SAMPLE`] rows spread over the table, each field by field.
fn compare_sample(
    src: &mut Conn,
    dst: &mut Conn,
    table: &Table,
    rows: i64,
) -> anyhow::Result<usize> {
    let stride = (rows / SAMPLE).max(1);
    let sample = transfer::sqlite_sample(src, table, stride, SAMPLE)?;
    for row in &sample {
        let copy = transfer::pg_row_like(dst, table, row)?
            .with_context(|| format!("{}: a row is missing from --to: {row}", table.name))?;
        let a: Value = serde_json::from_str(row)?;
        let b: Value = serde_json::from_str(&copy)?;
        for column in &table.columns {
            let (x, y) = (&a[column.as_str()], &b[column.as_str()]);
            if !same_value(x, y) {
                bail!(
                    "{}.{column} differs after the copy: {x} in --from, {y} in --to",
                    table.name
                );
            }
        }
    }
    Ok(sample.len())
}

/// One value as SQLite and PostgreSQL write it in JSON: booleans are 0/1 in SQLite, and
/// timestamps have a space or a `T` and as many fraction digits as each keeps (PostgreSQL
/// keeps microseconds).
fn same_value(sqlite: &Value, pg: &Value) -> bool {
    match (sqlite, pg) {
        (Value::Number(n), Value::Bool(b)) => n.as_i64() == Some(i64::from(*b)),
        (Value::String(x), Value::String(y)) if x != y => match (timestamp(x), timestamp(y)) {
            (Some(x), Some(y)) => (x - y).num_microseconds().is_some_and(|d| d.abs() < 1),
            _ => false,
        },
        _ => sqlite == pg,
    }
}

fn timestamp(text: &str) -> Option<NaiveDateTime> {
    ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn wrong_urls_and_directions_are_named_before_anything_opens() {
        let err = |from: &str, to: &str| format!("{:#}", run(from, to, |_, _| {}).unwrap_err());
        assert!(err("data/niaz.db", "postgres://x/y").starts_with("--from: "));
        assert!(err("sqlite://data/niaz.db", "mysql://x/y").starts_with("--to: "));
        assert!(err("postgres://x/y", "sqlite://a.db").contains("moves a sqlite://"));
        let missing = err("sqlite:///nonexistent/niaz.db", "postgres://x/y");
        assert!(missing.contains("no SQLite database"), "{missing}");
    }

    #[test]
    fn values_compare_across_the_two_backends() {
        assert!(same_value(&json!(1), &json!(true)));
        assert!(same_value(&json!(0), &json!(false)));
        assert!(!same_value(&json!(1), &json!(false)));
        assert!(same_value(
            &json!("2026-11-30 10:00:00.123456789"),
            &json!("2026-11-30T10:00:00.123457")
        ));
        assert!(same_value(
            &json!("2026-11-30 10:00:00"),
            &json!("2026-11-30T10:00:00")
        ));
        assert!(!same_value(
            &json!("2026-11-30 10:00:01"),
            &json!("2026-11-30T10:00:00")
        ));
        assert!(same_value(&json!("شیر ۲ اینچ"), &json!("شیر ۲ اینچ")));
        assert!(!same_value(&json!("a"), &json!("b")));
        assert!(same_value(&json!(null), &json!(null)));
        assert!(!same_value(&json!(null), &json!("")));
    }
}
