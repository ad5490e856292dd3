//! Queries of the posting workflow: a firm's needs, the review queue, moderation decisions.

use chrono::Utc;
use diesel::prelude::*;

use super::catalogue::{load_need_rows, NeedRow};
use super::models::User;
use super::schema::{need_decisions, needs, users};
use super::Conn;
use crate::domain::need::NeedStatus;

/// Every need of an organization, newest first.
pub fn needs_of_organization(conn: &mut Conn, org: i32) -> QueryResult<Vec<NeedRow>> {
    let ids: Vec<i32> = needs::table
        .filter(needs::organization_id.eq(org))
        .order(needs::updated_at.desc())
        .select(needs::id)
        .load(conn)?;
    load_need_rows(conn, &ids)
}

/// Needs awaiting review, oldest first.
pub fn review_queue(conn: &mut Conn) -> QueryResult<Vec<NeedRow>> {
    let ids: Vec<i32> = needs::table
        .filter(needs::status.eq(NeedStatus::PendingReview))
        .order((needs::updated_at.asc(), needs::id.asc()))
        .limit(500)
        .select(needs::id)
        .load(conn)?;
    load_need_rows(conn, &ids)
}

pub fn record_decision(
    conn: &mut Conn,
    need: i32,
    user: i32,
    decision: crate::domain::need::Decision,
    reason: &str,
) -> QueryResult<()> {
    diesel::insert_into(need_decisions::table)
        .values((
            need_decisions::need_id.eq(need),
            need_decisions::user_id.eq(user),
            need_decisions::decision.eq(decision),
            need_decisions::reason.eq(reason),
            need_decisions::created_at.eq(Utc::now().naive_utc()),
        ))
        .execute(conn)
        .map(|_| ())
}

pub fn decisions_count(conn: &mut Conn, need: i32) -> QueryResult<i64> {
    need_decisions::table
        .filter(need_decisions::need_id.eq(need))
        .count()
        .get_result(conn)
}

/// Members of an organization who can receive mail.
/// The firm's reachable members: the one rule of who at a firm hears of its needs, offers,
/// introductions, expiries and desk cases. Buyers of the organization (a maker whose workshop
/// shares it is not a member), with a confirmed address, neither deleted nor suspended; the
/// oldest first.
pub fn members(conn: &mut Conn, org: i32) -> QueryResult<Vec<User>> {
    users::table
        .filter(users::organization_id.eq(org))
        .filter(users::role.eq(crate::domain::account::Role::Buyer))
        .filter(users::email_verified_at.is_not_null())
        .filter(users::deleted_at.is_null())
        .filter(users::suspended_at.is_null())
        .order(users::id)
        .select(User::as_select())
        .load(conn)
}

/// An open public need of another organization with this part-number key, if any.
pub fn open_need_with_part(conn: &mut Conn, key: &str, not_org: i32) -> QueryResult<Option<i32>> {
    if key.is_empty() {
        return Ok(None);
    }
    needs::table
        .filter(needs::part_number_key.eq(key))
        .filter(needs::status.eq_any([NeedStatus::Published, NeedStatus::InTalks]))
        .filter(needs::organization_id.ne(not_org))
        .order(needs::id)
        .select(needs::id)
        .first(conn)
        .optional()
}

/// Records (or updates) that an organization needs this part too.
pub fn join(
    conn: &mut Conn,
    need: i32,
    org: i32,
    quantity: i64,
    unit_price: Option<i64>,
    currency: &str,
) -> QueryResult<()> {
    use super::schema::need_joins as j;
    crate::db::write_transaction(conn, |conn| {
        diesel::delete(j::table.find((need, org))).execute(conn)?;
        diesel::insert_into(j::table)
            .values((
                j::need_id.eq(need),
                j::organization_id.eq(org),
                j::quantity_per_year.eq(quantity),
                j::unit_price.eq(unit_price),
                j::currency.eq(currency),
                j::created_at.eq(Utc::now().naive_utc()),
            ))
            .execute(conn)?;
        Ok(())
    })
}

/// The other organizations' quantities and prices on a need: (quantity, unit price, currency).
pub fn joins(conn: &mut Conn, need: i32) -> QueryResult<Vec<(i64, Option<i64>, String)>> {
    use super::schema::need_joins as j;
    j::table
        .filter(j::need_id.eq(need))
        .select((j::quantity_per_year, j::unit_price, j::currency))
        .load(conn)
}

/// The latest decision on each of these needs: need id -> (decision, reason). One query, however
/// many needs.
pub fn last_decisions(
    conn: &mut Conn,
    needs: &[i32],
) -> QueryResult<std::collections::HashMap<i32, (crate::domain::need::Decision, String)>> {
    let rows: Vec<(i32, crate::domain::need::Decision, String)> = need_decisions::table
        .filter(need_decisions::need_id.eq_any(needs))
        .order((
            need_decisions::need_id,
            need_decisions::created_at.asc(),
            need_decisions::id.asc(),
        ))
        .select((
            need_decisions::need_id,
            need_decisions::decision,
            need_decisions::reason,
        ))
        .load(conn)?;
    // Ordered oldest first, so the last insert per need wins.
    Ok(rows
        .into_iter()
        .map(|(need, decision, reason)| (need, (decision, reason)))
        .collect())
}

/// The ids of every need of a firm.
pub fn need_ids_of(conn: &mut Conn, org: i32) -> QueryResult<Vec<i32>> {
    needs::table
        .filter(needs::organization_id.eq(org))
        .select(needs::id)
        .load(conn)
}
