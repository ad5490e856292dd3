//! Moving a whole deployment from SQLite to PostgreSQL: tables read from SQLite's catalogue,
//! rows carried as JSON objects (`json_object` out, `json_populate_recordset` in), so one
//! generic copy serves every table and PostgreSQL converts each value to its column's type.

use diesel::prelude::*;
use diesel::sql_query;
use diesel::sql_types::{BigInt, Text};

use super::Conn;

/// A table to copy: its columns, primary key and the tables its foreign keys point to.
#[derive(Debug, Clone)]
pub struct Table {
    pub name: String,
    pub columns: Vec<String>,
    pub key: Vec<String>,
    pub parents: Vec<String>,
}

/// Tables that migrations fill (the category taxonomy): replaced by the source's rows.
pub const SEEDED: &[&str] = &["categories"];

#[derive(QueryableByName)]
struct Name {
    #[diesel(sql_type = Text)]
    name: String,
}

#[derive(QueryableByName)]
struct JsonRow {
    #[diesel(sql_type = BigInt)]
    rowid: i64,
    #[diesel(sql_type = Text)]
    json: String,
}

#[derive(QueryableByName)]
struct Json {
    #[diesel(sql_type = Text)]
    json: String,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn quote(ident: &str) -> String {
    format!("\"{}\"", ident.replace('"', "\"\""))
}

fn names(conn: &mut Conn, sql: &str, table: &str) -> QueryResult<Vec<String>> {
    Ok(sql_query(sql)
        .bind::<Text, _>(table)
        .load::<Name>(conn)?
        .into_iter()
        .map(|n| n.name)
        .collect())
}

/// The tables of a SQLite database (its migration bookkeeping aside), parents before children.
pub fn sqlite_tables(conn: &mut Conn) -> QueryResult<Vec<Table>> {
    let all: Vec<String> = sql_query(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
         AND name <> '__diesel_schema_migrations' ORDER BY name",
    )
    .load::<Name>(conn)?
    .into_iter()
    .map(|n| n.name)
    .collect();
    let mut tables = Vec::new();
    for name in all {
        let columns = names(
            conn,
            "SELECT name FROM pragma_table_info(?) ORDER BY cid",
            &name,
        )?;
        let mut key = names(
            conn,
            "SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk",
            &name,
        )?;
        if key.is_empty() {
            key = columns.clone();
        }
        let parents = names(
            conn,
            "SELECT DISTINCT \"table\" AS name FROM pragma_foreign_key_list(?)",
            &name,
        )?
        .into_iter()
        .filter(|p| *p != name)
        .collect();
        tables.push(Table {
            name,
            columns,
            key,
            parents,
        });
    }
    Ok(parents_first(tables))
}

/// Orders tables so that every table comes after those it refers to (a cycle, which the
/// schema does not have, would leave its tables at the end in name order).
fn parents_first(mut rest: Vec<Table>) -> Vec<Table> {
    let mut done: Vec<Table> = Vec::new();
    while !rest.is_empty() {
        let ready = rest.iter().position(|t| {
            t.parents
                .iter()
                .all(|p| done.iter().any(|d| &d.name == p) || !rest.iter().any(|r| &r.name == p))
        });
        let next = rest.remove(ready.unwrap_or(0));
        done.push(next);
    }
    done
}

pub fn count(conn: &mut Conn, table: &str) -> QueryResult<i64> {
    Ok(
        sql_query(format!("SELECT COUNT(*) AS n FROM {}", quote(table)))
            .get_result::<Count>(conn)?
            .n,
    )
}

fn json_object(table: &Table) -> String {
    let pairs: Vec<String> = table
        .columns
        .iter()
        .map(|c| format!("'{}', {}", c.replace('\'', "''"), quote(c)))
        .collect();
    format!("json_object({})", pairs.join(", "))
}

/// Up to `limit` rows of a SQLite table after `after` (its rowid order) as `(rowid, JSON)`.
pub fn sqlite_rows(
    conn: &mut Conn,
    table: &Table,
    after: i64,
    limit: i64,
) -> QueryResult<Vec<(i64, String)>> {
    Ok(sql_query(format!(
        "SELECT rowid AS rowid, {} AS json FROM {} WHERE rowid > ? ORDER BY rowid LIMIT ?",
        json_object(table),
        quote(&table.name)
    ))
    .bind::<BigInt, _>(after)
    .bind::<BigInt, _>(limit)
    .load::<JsonRow>(conn)?
    .into_iter()
    .map(|r| (r.rowid, r.json))
    .collect())
}

/// Every `stride`-th row of a SQLite table (by rowid), at most `limit`, as JSON.
pub fn sqlite_sample(
    conn: &mut Conn,
    table: &Table,
    stride: i64,
    limit: i64,
) -> QueryResult<Vec<String>> {
    Ok(sql_query(format!(
        "SELECT rowid AS rowid, {} AS json FROM {} WHERE rowid % ? = 0 ORDER BY rowid LIMIT ?",
        json_object(table),
        quote(&table.name)
    ))
    .bind::<BigInt, _>(stride.max(1))
    .bind::<BigInt, _>(limit)
    .load::<JsonRow>(conn)?
    .into_iter()
    .map(|r| r.json)
    .collect())
}

fn column_list(table: &Table) -> String {
    table
        .columns
        .iter()
        .map(|c| quote(c))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Inserts rows given as a JSON array of objects into a PostgreSQL table.
pub fn pg_insert_json(conn: &mut Conn, table: &Table, rows_json: &str) -> QueryResult<usize> {
    let cols = column_list(table);
    sql_query(format!(
        "INSERT INTO {t} ({cols}) SELECT {cols} FROM json_populate_recordset(NULL::{t}, CAST($1 AS json))",
        t = quote(&table.name)
    ))
    .bind::<Text, _>(rows_json)
    .execute(conn)
}

/// The PostgreSQL row with the same primary key as the JSON object `row`, as JSON.
pub fn pg_row_like(conn: &mut Conn, table: &Table, row: &str) -> QueryResult<Option<String>> {
    let key: Vec<String> = table.key.iter().map(|c| quote(c)).collect();
    let key = key.join(", ");
    sql_query(format!(
        "SELECT CAST(row_to_json(x) AS text) AS json FROM (SELECT {cols} FROM {t} \
         WHERE ({key}) = (SELECT {key} FROM json_populate_record(NULL::{t}, CAST($1 AS json)))) x",
        cols = column_list(table),
        t = quote(&table.name)
    ))
    .bind::<Text, _>(row)
    .get_result::<Json>(conn)
    .optional()
    .map(|r| r.map(|r| r.json))
}

/// Deletes every row of a PostgreSQL table (the seeded ones, before the source's arrive).
pub fn pg_clear(conn: &mut Conn, table: &str) -> QueryResult<usize> {
    sql_query(format!("DELETE FROM {}", quote(table))).execute(conn)
}

/// Moves a table's `id` sequence past the copied ids, so new rows do not collide with them.
pub fn pg_reset_sequence(conn: &mut Conn, table: &Table) -> QueryResult<()> {
    if !table.columns.iter().any(|c| c == "id") {
        return Ok(());
    }
    sql_query(format!(
        "SELECT setval(pg_get_serial_sequence($1, 'id'), \
         COALESCE((SELECT MAX(id) FROM {t}), 0) + 1, false)",
        t = quote(&table.name)
    ))
    .bind::<Text, _>(quote(&table.name))
    .execute(conn)
    .map(|_| ())
}
