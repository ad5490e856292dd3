//! Firms' profiles and the merging of duplicate firms.

use diesel::prelude::*;

use super::schema::{desk_cases, email_tokens, need_joins, needs, organizations, users};
use super::Conn;

/// What a firm says of itself.
#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = organizations)]
pub struct FirmProfile {
    pub city: String,
    pub province: String,
    pub description: String,
    pub website: String,
}

pub fn update_profile(conn: &mut Conn, id: i32, profile: &FirmProfile) -> QueryResult<usize> {
    diesel::update(organizations::table.find(id))
        .set((
            profile,
            organizations::updated_at.eq(chrono::Utc::now().naive_utc()),
        ))
        .execute(conn)
}

/// An organization in the organizers' list.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FirmRow {
    pub id: i32,
    pub name: String,
    pub city: String,
    pub kind: crate::domain::organization::OrgKind,
    pub needs: i64,
    pub members: i64,
}

/// Every organization, by name, for the organizers' list.
pub fn all(conn: &mut Conn) -> QueryResult<Vec<FirmRow>> {
    let firms: Vec<(i32, String, String, crate::domain::organization::OrgKind)> =
        organizations::table
            .order((organizations::name, organizations::id))
            .select((
                organizations::id,
                organizations::name,
                organizations::city,
                organizations::kind,
            ))
            .load(conn)?;
    let mut out = Vec::with_capacity(firms.len());
    for (id, name, city, kind) in firms {
        let n: i64 = needs::table
            .filter(needs::organization_id.eq(id))
            .count()
            .get_result(conn)?;
        let m: i64 = users::table
            .filter(users::organization_id.eq(id))
            .count()
            .get_result(conn)?;
        out.push(FirmRow {
            id,
            name,
            city,
            kind,
            needs: n,
            members: m,
        });
    }
    Ok(out)
}

/// What a merge moved.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Moved {
    pub needs: usize,
    pub members: usize,
    pub desk_cases: usize,
    pub invitations: usize,
}

/// Moves everything of firm `from` to firm `into` and deletes `from`: needs, members, pending
/// invitations, desk cases (with their history, documents and decisions, which hang on the
/// case), joined demand (a need both had joined keeps one join). Every table that names an
/// organization is moved here: deleting `from` must cascade to nothing (the database refuses
/// to delete a firm that still has desk cases). Returns the needs moved. Call inside a
/// transaction.
pub fn merge(conn: &mut Conn, from: i32, into: i32) -> QueryResult<(Moved, Vec<i32>)> {
    let moved_needs: Vec<i32> = needs::table
        .filter(needs::organization_id.eq(from))
        .select(needs::id)
        .load(conn)?;
    let n = diesel::update(needs::table.filter(needs::organization_id.eq(from)))
        .set(needs::organization_id.eq(into))
        .execute(conn)?;
    let m = diesel::update(users::table.filter(users::organization_id.eq(from)))
        .set(users::organization_id.eq(Some(into)))
        .execute(conn)?;
    let invitations =
        diesel::update(email_tokens::table.filter(email_tokens::organization_id.eq(from)))
            .set(email_tokens::organization_id.eq(Some(into)))
            .execute(conn)?;
    let desk_cases = diesel::update(desk_cases::table.filter(desk_cases::organization_id.eq(from)))
        .set(desk_cases::organization_id.eq(into))
        .execute(conn)?;
    // A firm does not join its own need, nor the same need twice.
    let own: Vec<i32> = needs::table
        .filter(needs::organization_id.eq(into))
        .select(needs::id)
        .load(conn)?;
    diesel::delete(
        need_joins::table
            .filter(need_joins::organization_id.eq(from))
            .filter(need_joins::need_id.eq_any(&own)),
    )
    .execute(conn)?;
    let already: Vec<i32> = need_joins::table
        .filter(need_joins::organization_id.eq(into))
        .select(need_joins::need_id)
        .load(conn)?;
    diesel::delete(
        need_joins::table
            .filter(need_joins::organization_id.eq(from))
            .filter(need_joins::need_id.eq_any(&already)),
    )
    .execute(conn)?;
    diesel::update(need_joins::table.filter(need_joins::organization_id.eq(from)))
        .set(need_joins::organization_id.eq(into))
        .execute(conn)?;
    diesel::delete(
        need_joins::table
            .filter(need_joins::organization_id.eq(into))
            .filter(need_joins::need_id.eq_any(&own)),
    )
    .execute(conn)?;
    diesel::delete(organizations::table.find(from)).execute(conn)?;
    Ok((
        Moved {
            needs: n,
            members: m,
            desk_cases,
            invitations,
        },
        moved_needs,
    ))
}
