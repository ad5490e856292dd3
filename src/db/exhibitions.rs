//! Queries of the exhibition's editions, their sections and the needs shown at them.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::{edition_needs, edition_sections, editions, interests, introductions, needs};
use super::Conn;
use crate::domain::exhibition::EditionStatus;
use crate::domain::need::NeedStatus;

/// An edition as stored.
#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = editions)]
pub struct Edition {
    pub id: i32,
    #[diesel(embed)]
    #[serde(flatten)]
    pub fields: EditionFields,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// What organizers write about an edition.
#[derive(
    Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset, serde::Serialize,
)]
#[diesel(table_name = editions)]
pub struct EditionFields {
    pub slug: String,
    pub title_fa: String,
    pub title_en: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub venue: String,
    pub description: String,
    pub status: EditionStatus,
}

pub fn insert_edition(
    conn: &mut Conn,
    fields: &EditionFields,
    now: NaiveDateTime,
) -> QueryResult<i32> {
    diesel::insert_into(editions::table)
        .values((
            fields,
            editions::created_at.eq(now),
            editions::updated_at.eq(now),
        ))
        .returning(editions::id)
        .get_result(conn)
}

pub fn update_edition(
    conn: &mut Conn,
    id: i32,
    fields: &EditionFields,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(editions::table.find(id))
        .set((fields, editions::updated_at.eq(now)))
        .execute(conn)
}

pub fn slug_taken(conn: &mut Conn, slug: &str, not_id: i32) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        editions::table
            .filter(editions::slug.eq(slug))
            .filter(editions::id.ne(not_id)),
    ))
    .get_result(conn)
}

pub fn by_slug(conn: &mut Conn, slug: &str) -> QueryResult<Option<Edition>> {
    editions::table
        .filter(editions::slug.eq(slug))
        .select(Edition::as_select())
        .first(conn)
        .optional()
}

/// Every edition, the newest first.
pub fn all(conn: &mut Conn) -> QueryResult<Vec<Edition>> {
    editions::table
        .order((editions::starts_on.desc(), editions::id.desc()))
        .select(Edition::as_select())
        .load(conn)
}

/// A section of an edition.
#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = edition_sections)]
pub struct Section {
    pub id: i32,
    pub edition_id: i32,
    pub name_fa: String,
    pub name_en: String,
    pub position: i32,
}

pub fn sections(conn: &mut Conn, edition: i32) -> QueryResult<Vec<Section>> {
    edition_sections::table
        .filter(edition_sections::edition_id.eq(edition))
        .order((edition_sections::position, edition_sections::id))
        .select(Section::as_select())
        .load(conn)
}

pub fn insert_section(
    conn: &mut Conn,
    edition: i32,
    name_fa: &str,
    name_en: &str,
) -> QueryResult<i32> {
    let next: Option<i32> = edition_sections::table
        .filter(edition_sections::edition_id.eq(edition))
        .select(diesel::dsl::max(edition_sections::position))
        .first(conn)?;
    diesel::insert_into(edition_sections::table)
        .values((
            edition_sections::edition_id.eq(edition),
            edition_sections::name_fa.eq(name_fa),
            edition_sections::name_en.eq(name_en),
            edition_sections::position.eq(next.unwrap_or(0) + 1),
        ))
        .returning(edition_sections::id)
        .get_result(conn)
}

/// A need shown at an edition.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = edition_needs)]
pub struct Entry {
    pub need_id: i32,
    pub section_id: Option<i32>,
    pub booth: String,
    pub position: i32,
}

/// The edition's needs in their order.
pub fn entries(conn: &mut Conn, edition: i32) -> QueryResult<Vec<Entry>> {
    edition_needs::table
        .filter(edition_needs::edition_id.eq(edition))
        .order((edition_needs::position, edition_needs::need_id))
        .select(Entry::as_select())
        .load(conn)
}

/// Adds needs at the end of the edition's order; needs already there keep their place.
/// Returns how many were new.
pub fn add_needs(
    conn: &mut Conn,
    edition: i32,
    ids: &[i32],
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let mut next: i32 = edition_needs::table
        .filter(edition_needs::edition_id.eq(edition))
        .select(diesel::dsl::max(edition_needs::position))
        .first::<Option<i32>>(conn)?
        .unwrap_or(0);
    let mut added = 0;
    for id in ids {
        next += 1;
        let insert = diesel::insert_into(edition_needs::table)
            .values((
                edition_needs::edition_id.eq(edition),
                edition_needs::need_id.eq(id),
                edition_needs::booth.eq(""),
                edition_needs::position.eq(next),
                edition_needs::added_at.eq(now),
            ))
            .on_conflict_do_nothing();
        added += super::on_backend!(conn, |c| insert.execute(c))?;
    }
    Ok(added)
}

pub fn update_entry(
    conn: &mut Conn,
    edition: i32,
    need: i32,
    section: Option<i32>,
    booth: &str,
    position: i32,
) -> QueryResult<usize> {
    diesel::update(edition_needs::table.find((edition, need)))
        .set((
            edition_needs::section_id.eq(section),
            edition_needs::booth.eq(booth),
            edition_needs::position.eq(position),
        ))
        .execute(conn)
}

pub fn remove_entry(conn: &mut Conn, edition: i32, need: i32) -> QueryResult<usize> {
    diesel::delete(edition_needs::table.find((edition, need))).execute(conn)
}

/// One place a need is shown: (need, edition slug, Persian title, English title, booth).
pub type ShownRow = (i32, String, String, String, String);

/// Where each of these needs is shown, the newest editions first.
pub fn shown_at(conn: &mut Conn, ids: &[i32]) -> QueryResult<Vec<ShownRow>> {
    edition_needs::table
        .inner_join(editions::table)
        .filter(edition_needs::need_id.eq_any(ids))
        .order(editions::starts_on.desc())
        .select((
            edition_needs::need_id,
            editions::slug,
            editions::title_fa,
            editions::title_en,
            edition_needs::booth,
        ))
        .load(conn)
}

/// What an edition produced, from the records: offers and introductions on its needs within
/// its dates, and its needs now made in the province through an introduction made then.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Figures {
    pub needs: i64,
    pub interests: i64,
    pub introductions: i64,
    pub localized: i64,
}

pub fn figures(
    conn: &mut Conn,
    edition: i32,
    (since, until): (NaiveDateTime, NaiveDateTime),
) -> QueryResult<Figures> {
    let shown = edition_needs::table
        .filter(edition_needs::edition_id.eq(edition))
        .select(edition_needs::need_id);
    let introduced_then = introductions::table
        .filter(introductions::need_id.eq_any(shown))
        .filter(introductions::introduced_at.ge(since))
        .filter(introductions::introduced_at.lt(until))
        .select(introductions::need_id);
    Ok(Figures {
        needs: edition_needs::table
            .filter(edition_needs::edition_id.eq(edition))
            .count()
            .get_result(conn)?,
        interests: interests::table
            .filter(interests::need_id.eq_any(shown))
            .filter(interests::created_at.ge(since))
            .filter(interests::created_at.lt(until))
            .count()
            .get_result(conn)?,
        introductions: introductions::table
            .filter(introductions::need_id.eq_any(shown))
            .filter(introductions::introduced_at.ge(since))
            .filter(introductions::introduced_at.lt(until))
            .count()
            .get_result(conn)?,
        localized: needs::table
            .filter(needs::id.eq_any(introduced_then))
            .filter(needs::status.eq(NeedStatus::Localized))
            .count()
            .get_result(conn)?,
    })
}

/// Features a need on the home page, or stops featuring it.
pub fn set_featured(conn: &mut Conn, need: i32, featured: bool) -> QueryResult<()> {
    diesel::update(needs::table.find(need))
        .set(needs::featured.eq(featured))
        .execute(conn)
        .map(|_| ())
}
