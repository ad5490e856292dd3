//! The reads behind the organizers' dashboard: every figure comes from these rows.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{categories, interests, introductions, needs, organizations, users};
use super::Conn;
use crate::domain::money::Currency;
use crate::domain::need::NeedStatus;

/// What the dashboard needs of one need.
#[derive(Debug, Clone, Queryable)]
pub struct NeedFact {
    pub id: i32,
    pub status: NeedStatus,
    pub category_fa: String,
    pub category_en: String,
    pub city: String,
    pub origin: String,
    pub currency: Currency,
    pub value: Option<i64>,
    pub organization_id: i32,
    pub organization: String,
}

pub fn need_facts(conn: &mut Conn) -> QueryResult<Vec<NeedFact>> {
    needs::table
        .inner_join(organizations::table)
        .inner_join(categories::table)
        .select((
            needs::id,
            needs::status,
            categories::name_fa,
            categories::name_en,
            organizations::city,
            needs::origin_country,
            needs::currency,
            needs::annual_import_value,
            organizations::id,
            organizations::name,
        ))
        .load(conn)
}

pub fn interest_times(conn: &mut Conn) -> QueryResult<Vec<NaiveDateTime>> {
    interests::table.select(interests::created_at).load(conn)
}

/// An introduction: when, and the outcome the firm and the maker reported.
pub type IntroductionRow = (NaiveDateTime, Option<String>, Option<String>);

pub fn introduction_rows(conn: &mut Conn) -> QueryResult<Vec<IntroductionRow>> {
    introductions::table
        .select((
            introductions::introduced_at,
            introductions::buyer_outcome,
            introductions::maker_outcome,
        ))
        .load(conn)
}

/// The makers with the most offers: (name, offers), most first.
pub fn active_makers(conn: &mut Conn, limit: i64) -> QueryResult<Vec<(String, i64)>> {
    let rows: Vec<(i32, i64)> = interests::table
        .group_by(interests::supplier_id)
        .select((interests::supplier_id, diesel::dsl::count_star()))
        .order((diesel::dsl::count_star().desc(), interests::supplier_id))
        .limit(limit)
        .load(conn)?;
    let mut out = Vec::new();
    for (id, n) in rows {
        let name: String = users::table
            .find(id)
            .left_join(organizations::table)
            .select(diesel::dsl::sql::<diesel::sql_types::Text>(
                "COALESCE(NULLIF(organizations.name, ''), users.name)",
            ))
            .first(conn)?;
        out.push((name, n));
    }
    Ok(out)
}

/// Open needs no maker has offered to make, the longest waiting first: (id, title, published).
pub fn oldest_without_interest(
    conn: &mut Conn,
    limit: i64,
) -> QueryResult<Vec<(i32, String, Option<NaiveDateTime>)>> {
    needs::table
        .filter(needs::status.eq_any([NeedStatus::Published, NeedStatus::InTalks]))
        .filter(diesel::dsl::not(diesel::dsl::exists(
            interests::table.filter(interests::need_id.eq(needs::id)),
        )))
        .order((needs::published_at.asc(), needs::id))
        .limit(limit)
        .select((needs::id, needs::title, needs::published_at))
        .load(conn)
}
