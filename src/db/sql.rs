//! Small SQL building blocks diesel does not have.

use diesel::expression::{
    is_aggregate, AppearsOnTable, Expression, SelectableExpression, ValidGrouping,
};
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::sql_types::{Bool, Text};
use diesel::sqlite::Sqlite;
use diesel::QueryResult;

/// `needs.id IN (SELECT value FROM json_each(?))` with the ids as one JSON bind.
///
/// diesel never caches a statement with `eq_any` (its SQL changes with the list length), so every
/// page of search results re-prepared a three-table join. This form has one SQL text, so the
/// prepared statement is reused. PostgreSQL gets `= ANY($1)` from diesel itself.
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
