//! The change log that feeds the search index, and the reads the indexer makes.

use diesel::prelude::*;

use super::catalogue::{load_need_rows, NeedRow};
use super::schema::{needs, search_changes};
use super::Conn;
use crate::domain::need::NeedStatus;

/// Records that these needs changed. Call inside the transaction that changes them.
pub fn record_changes(conn: &mut Conn, need_ids: &[i32]) -> QueryResult<()> {
    let now = chrono::Utc::now().naive_utc();
    let rows: Vec<_> = need_ids
        .iter()
        .map(|id| {
            (
                search_changes::need_id.eq(*id),
                search_changes::created_at.eq(now),
            )
        })
        .collect();
    for chunk in rows.chunks(5_000) {
        let insert = diesel::insert_into(search_changes::table).values(chunk);
        super::on_backend!(conn, |c| insert.execute(c))?;
    }
    Ok(())
}

/// Changes after `after`, oldest first: (change id, need id).
pub fn changes_after(conn: &mut Conn, after: i32, limit: i64) -> QueryResult<Vec<(i32, i32)>> {
    search_changes::table
        .filter(search_changes::id.gt(after))
        .order(search_changes::id)
        .limit(limit)
        .select((search_changes::id, search_changes::need_id))
        .load(conn)
}

/// Changes with ids in `(after, up_to]`, oldest first, with when each was recorded: the changes
/// of a window the indexer has partly applied, to find those that committed late.
pub fn changes_between(
    conn: &mut Conn,
    after: i32,
    up_to: i32,
) -> QueryResult<Vec<(i32, i32, chrono::NaiveDateTime)>> {
    search_changes::table
        .filter(search_changes::id.gt(after))
        .filter(search_changes::id.le(up_to))
        .order(search_changes::id)
        .select((
            search_changes::id,
            search_changes::need_id,
            search_changes::created_at,
        ))
        .load(conn)
}

/// Changes after `after` with when each was recorded, oldest first.
pub fn changes_after_timed(
    conn: &mut Conn,
    after: i32,
    limit: i64,
) -> QueryResult<Vec<(i32, i32, chrono::NaiveDateTime)>> {
    search_changes::table
        .filter(search_changes::id.gt(after))
        .order(search_changes::id)
        .limit(limit)
        .select((
            search_changes::id,
            search_changes::need_id,
            search_changes::created_at,
        ))
        .load(conn)
}

/// The id of the newest change recorded at or before `before`, 0 when there is none.
pub fn change_id_recorded_by(conn: &mut Conn, before: chrono::NaiveDateTime) -> QueryResult<i32> {
    search_changes::table
        .filter(search_changes::created_at.le(before))
        .select(diesel::dsl::max(search_changes::id))
        .first::<Option<i32>>(conn)
        .map(|v| v.unwrap_or(0))
}

/// The id of the newest change, 0 when there is none.
pub fn last_change_id(conn: &mut Conn) -> QueryResult<i32> {
    search_changes::table
        .select(diesel::dsl::max(search_changes::id))
        .first::<Option<i32>>(conn)
        .map(|v| v.unwrap_or(0))
}

/// Public needs with id greater than `after_id`, in id order, for a full rebuild.
pub fn public_needs_after(conn: &mut Conn, after_id: i32, limit: i64) -> QueryResult<Vec<NeedRow>> {
    let statuses: Vec<&str> = NeedStatus::PUBLIC.iter().map(|s| s.as_str()).collect();
    let ids: Vec<i32> = needs::table
        .filter(needs::id.gt(after_id))
        .filter(needs::status.eq_any(statuses))
        .order(needs::id)
        .limit(limit)
        .select(needs::id)
        .load(conn)?;
    load_need_rows(conn, &ids)
}

pub fn count_public_needs(conn: &mut Conn) -> QueryResult<i64> {
    let statuses: Vec<&str> = NeedStatus::PUBLIC.iter().map(|s| s.as_str()).collect();
    needs::table
        .filter(needs::status.eq_any(statuses))
        .count()
        .get_result(conn)
}

/// Ids of the changes after `after` visible now, in order (what a rebuild that reads the needs
/// next has in it).
pub fn change_ids_after(conn: &mut Conn, after: i32) -> QueryResult<Vec<i32>> {
    search_changes::table
        .filter(search_changes::id.gt(after))
        .order(search_changes::id)
        .select(search_changes::id)
        .load(conn)
}
