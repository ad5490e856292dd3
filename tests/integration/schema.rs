//! Schema drift: the tables the migrations make (on the suite's backend: SQLite, or PostgreSQL
//! in CI's second pass) are exactly those `src/db/schema.rs` declares, column by column, with
//! the same types, nullability and primary keys.

use std::collections::BTreeMap;

use diesel::prelude::*;
use diesel::sql_query;
use diesel::sql_types::{Integer, Text};

use crate::helpers::config_for;

/// (type, nullable) of each column, and the primary key, per table.
#[derive(Debug, Default, PartialEq, Eq)]
struct Table {
    columns: BTreeMap<String, (String, bool)>,
    key: Vec<String>,
}

/// The tables `schema.rs` declares, read from its `diesel::table!` blocks.
fn declared() -> BTreeMap<String, Table> {
    let source = include_str!("../../src/db/schema.rs");
    let mut tables = BTreeMap::new();
    let mut current: Option<(String, Table)> = None;
    for line in source.lines().map(str::trim) {
        if let Some((_, table)) = current.as_mut() {
            if line == "}" {
                let (name, table) = current.take().unwrap();
                tables.insert(name, table);
                continue;
            }
            let Some((column, ty)) = line.trim_end_matches(',').split_once(" -> ") else {
                continue;
            };
            let (ty, nullable) = match ty.strip_prefix("Nullable<") {
                Some(inner) => (inner.trim_end_matches('>'), true),
                None => (ty, false),
            };
            table
                .columns
                .insert(column.to_owned(), (ty.to_owned(), nullable));
        } else if let Some(header) = line.strip_suffix(" {") {
            // `name (key, ...) {` inside a table! block.
            if let Some((name, key)) = header.split_once(" (") {
                if !name.contains(' ') && !name.contains('!') {
                    let key = key
                        .trim_end_matches(')')
                        .split(',')
                        .map(|k| k.trim().to_owned())
                        .collect();
                    current = Some((
                        name.to_owned(),
                        Table {
                            key,
                            ..Table::default()
                        },
                    ));
                }
            }
        }
    }
    tables
}

/// A database type as diesel names it.
fn diesel_type(sql: &str) -> String {
    match sql.to_ascii_lowercase().as_str() {
        "integer" | "int4" | "int" => "Integer",
        "bigint" | "int8" => "BigInt",
        "text" | "character varying" | "varchar" => "Text",
        "boolean" | "bool" => "Bool",
        "timestamp" | "timestamp without time zone" => "Timestamp",
        "date" => "Date",
        other => return format!("unknown {other}"),
    }
    .to_owned()
}

#[derive(QueryableByName)]
struct Column {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Text)]
    data_type: String,
    #[diesel(sql_type = Integer)]
    nullable: i32,
    #[diesel(sql_type = Integer)]
    key_position: i32,
}

/// The tables the migrations made, read from the database's own catalogue.
fn migrated(conn: &mut niaz::db::Conn) -> BTreeMap<String, Table> {
    let sql = match conn {
        niaz::db::Conn::Sqlite(_) => {
            "SELECT m.name AS table_name, c.name AS column_name, c.type AS data_type, \
             CASE WHEN c.\"notnull\" = 1 OR c.pk > 0 THEN 0 ELSE 1 END AS nullable, \
             c.pk AS key_position \
             FROM sqlite_master m, pragma_table_info(m.name) c \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' \
             AND m.name <> '__diesel_schema_migrations'"
        }
        #[cfg(feature = "postgres")]
        niaz::db::Conn::Pg(_) => {
            "SELECT CAST(c.table_name AS TEXT) AS table_name, \
             CAST(c.column_name AS TEXT) AS column_name, \
             CAST(c.data_type AS TEXT) AS data_type, \
             CASE WHEN c.is_nullable = 'YES' THEN 1 ELSE 0 END AS nullable, \
             CAST(COALESCE(k.ordinal_position, 0) AS INTEGER) AS key_position \
             FROM information_schema.columns c \
             LEFT JOIN information_schema.table_constraints t \
               ON t.table_schema = c.table_schema AND t.table_name = c.table_name \
              AND t.constraint_type = 'PRIMARY KEY' \
             LEFT JOIN information_schema.key_column_usage k \
               ON k.constraint_name = t.constraint_name AND k.table_schema = c.table_schema \
              AND k.table_name = c.table_name AND k.column_name = c.column_name \
             WHERE c.table_schema = 'public' AND c.table_name <> '__diesel_schema_migrations'"
        }
    };
    let columns: Vec<Column> = sql_query(sql).load(conn).unwrap();
    let mut tables: BTreeMap<String, Table> = BTreeMap::new();
    let mut keys: BTreeMap<String, Vec<(i32, String)>> = BTreeMap::new();
    for c in columns {
        if c.key_position > 0 {
            keys.entry(c.table_name.clone())
                .or_default()
                .push((c.key_position, c.column_name.clone()));
        }
        tables
            .entry(c.table_name)
            .or_default()
            .columns
            .insert(c.column_name, (diesel_type(&c.data_type), c.nullable == 1));
    }
    for (table, mut key) in keys {
        key.sort();
        tables.get_mut(&table).unwrap().key = key.into_iter().map(|(_, k)| k).collect();
    }
    tables
}

#[test]
fn the_migrated_schema_is_the_one_schema_rs_declares() {
    let declared = declared();
    assert!(declared.len() > 30, "schema.rs read: {:?}", declared.keys());
    assert_eq!(declared["needs"].columns["deadline"], ("Date".into(), true));
    let dir = tempfile::tempdir().unwrap();
    let db = niaz::db::Db::open(&config_for(dir.path()).database_url).unwrap();
    let migrated = migrated(&mut db.conn().unwrap());
    let mut drift = Vec::new();
    for (name, table) in &declared {
        match migrated.get(name) {
            None => drift.push(format!("{name}: in schema.rs, not made by the migrations")),
            Some(made) => {
                for (column, want) in &table.columns {
                    match made.columns.get(column) {
                        None => drift.push(format!("{name}.{column}: not made by the migrations")),
                        Some(got) if got != want => drift.push(format!(
                            "{name}.{column}: schema.rs says {want:?}, the migrations make {got:?}"
                        )),
                        Some(_) => {}
                    }
                }
                for column in made.columns.keys() {
                    if !table.columns.contains_key(column) {
                        drift.push(format!(
                            "{name}.{column}: made by the migrations, not in schema.rs"
                        ));
                    }
                }
                if made.key != table.key {
                    drift.push(format!(
                        "{name}: primary key {:?} in schema.rs, {:?} in the database",
                        table.key, made.key
                    ));
                }
            }
        }
    }
    for name in migrated.keys() {
        if !declared.contains_key(name) {
            drift.push(format!("{name}: made by the migrations, not in schema.rs"));
        }
    }
    assert!(
        drift.is_empty(),
        "{} backend drifted from schema.rs:\n{}",
        if db.is_postgres() {
            "PostgreSQL"
        } else {
            "SQLite"
        },
        drift.join("\n")
    );
}
