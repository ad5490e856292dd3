//! Small SQL building blocks diesel does not have.

use diesel::expression::{
    is_aggregate, AppearsOnTable, Expression, SelectableExpression, ValidGrouping,
};
#[cfg(feature = "postgres")]
use diesel::pg::Pg;
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::sql_types::{Bool, Text};
use diesel::sqlite::Sqlite;

use crate::db::MultiBackend;
use diesel::QueryResult;

/// `needs.id IN (SELECT value FROM json_each(?))` with the ids as one JSON bind.
///
/// diesel never caches a statement with `eq_any` (its SQL changes with the list length), so every
/// page of search results re-prepared a three-table join. This form has one SQL text, so the
/// prepared statement is reused. PostgreSQL reads the same JSON bind with `jsonb_array_elements_text`.
#[derive(Debug, Clone, QueryId)]
pub struct IdIn {
    json: String,
}

impl IdIn {
    pub fn new(json: String) -> Self {
        Self { json }
    }
}

impl Expression for IdIn {
    type SqlType = Bool;
}

impl<QS> AppearsOnTable<QS> for IdIn {}
impl<QS> SelectableExpression<QS> for IdIn {}

impl ValidGrouping<()> for IdIn {
    type IsAggregate = is_aggregate::Never;
}

impl QueryFragment<Sqlite> for IdIn {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Sqlite>) -> QueryResult<()> {
        out.push_identifier("needs")?;
        out.push_sql(".");
        out.push_identifier("id")?;
        out.push_sql(" IN (SELECT value FROM json_each(");
        out.push_bind_param::<Text, _>(&self.json)?;
        out.push_sql("))");
        Ok(())
    }
}

#[cfg(feature = "postgres")]
impl QueryFragment<Pg> for IdIn {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        out.push_identifier("needs")?;
        out.push_sql(".");
        out.push_identifier("id")?;
        out.push_sql(" IN (SELECT CAST(jsonb_array_elements_text(CAST(");
        out.push_bind_param::<Text, _>(&self.json)?;
        out.push_sql(" AS jsonb)) AS INTEGER))");
        Ok(())
    }
}

impl QueryFragment<MultiBackend> for IdIn {
    fn walk_ast<'b>(&'b self, out: AstPass<'_, 'b, MultiBackend>) -> QueryResult<()> {
        MultiBackend::walk_variant_ast(self, out)
    }
}
