//! The audit log of staff actions.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::audit_log;
use super::Conn;

/// One recorded action.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, serde::Serialize)]
#[diesel(table_name = audit_log)]
pub struct Entry {
    #[diesel(skip_insertion)]
    pub id: i32,
    pub actor_id: Option<i32>,
    /// The account's email address when it acted (`cli` for the command line).
    pub actor: String,
    /// The route of the action, as `POST /admin/review/{id}`, or a command.
    pub action: String,
    /// The route's parameters (`id=12`), or what a command worked on.
    pub target: String,
    /// Where the action led (`/admin/review?done=approved`) or its status.
    pub outcome: String,
    pub created_at: NaiveDateTime,
}

pub fn record(conn: &mut Conn, entry: &Entry) -> QueryResult<()> {
    diesel::insert_into(audit_log::table)
        .values(entry)
        .execute(conn)
        .map(|_| ())
}

/// What to show of the log.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Part of the actor's address.
    pub actor: Option<String>,
    /// Part of the action.
    pub action: Option<String>,
    pub since: Option<NaiveDateTime>,
    pub until: Option<NaiveDateTime>,
}

/// A page of the log, newest first, and how many entries match.
pub fn list(
    conn: &mut Conn,
    filter: &Filter,
    limit: i64,
    offset: i64,
) -> QueryResult<(Vec<Entry>, i64)> {
    let query = || {
        let mut q = audit_log::table.into_boxed();
        if let Some(a) = &filter.actor {
            q = q.filter(
                audit_log::actor
                    .like(format!("%{}%", escape_like(a)))
                    .escape('\\'),
            );
        }
        if let Some(a) = &filter.action {
            q = q.filter(
                audit_log::action
                    .like(format!("%{}%", escape_like(a)))
                    .escape('\\'),
            );
        }
        if let Some(t) = filter.since {
            q = q.filter(audit_log::created_at.ge(t));
        }
        if let Some(t) = filter.until {
            q = q.filter(audit_log::created_at.lt(t));
        }
        q
    };
    let total = query().count().get_result(conn)?;
    let rows = query()
        .order(audit_log::id.desc())
        .limit(limit)
        .offset(offset)
        .select(Entry::as_select())
        .load(conn)?;
    Ok((rows, total))
}

/// The distinct actions recorded, for the filter.
pub fn actions(conn: &mut Conn) -> QueryResult<Vec<String>> {
    audit_log::table
        .select(audit_log::action)
        .distinct()
        .order(audit_log::action)
        .load(conn)
}

fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}
