//! Expiry of published needs and the reminders before it.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::schema::needs;
use super::Conn;
use crate::domain::need::NeedStatus;

/// Gives published needs without an expiry one, counted from publication.
pub fn assign_expiry(conn: &mut Conn, lifetime: Duration) -> QueryResult<usize> {
    let rows: Vec<(i32, Option<NaiveDateTime>, NaiveDateTime)> = needs::table
        .filter(needs::status.eq(NeedStatus::Published))
        .filter(needs::expires_at.is_null())
        .select((needs::id, needs::published_at, needs::updated_at))
        .load(conn)?;
    for (id, published, updated) in &rows {
        diesel::update(needs::table.find(id))
            .set(needs::expires_at.eq(Some(published.unwrap_or(*updated) + lifetime)))
            .execute(conn)?;
    }
    Ok(rows.len())
}

/// Published needs expiring before `until` whose firm has not been reminded: (id, org, title,
/// expires_at).
/// A need whose firm is reminded of its expiry: (id, firm, title, English title, expiry).
pub type Reminder = (i32, i32, String, String, NaiveDateTime);

/// Published needs whose expiry falls before `until` and whose firm was not yet reminded.
pub fn due_reminders(conn: &mut Conn, until: NaiveDateTime) -> QueryResult<Vec<Reminder>> {
    needs::table
        .filter(needs::status.eq(NeedStatus::Published))
        .filter(needs::reminder_sent_at.is_null())
        .filter(needs::expires_at.le(until))
        .select((
            needs::id,
            needs::organization_id,
            needs::title,
            needs::title_en,
            needs::expires_at.assume_not_null(),
        ))
        .load(conn)
}

pub fn mark_reminded(conn: &mut Conn, id: i32, at: NaiveDateTime) -> QueryResult<()> {
    diesel::update(needs::table.find(id))
        .set(needs::reminder_sent_at.eq(Some(at)))
        .execute(conn)
        .map(|_| ())
}

/// Ids of published needs whose expiry has passed.
pub fn expired(conn: &mut Conn, now: NaiveDateTime) -> QueryResult<Vec<i32>> {
    needs::table
        .filter(needs::status.eq(NeedStatus::Published))
        .filter(needs::expires_at.lt(now))
        .select(needs::id)
        .load(conn)
}

/// Gives a need another lifetime from now (its status is changed by the caller, through
/// [`crate::services::need_status`]).
pub fn renew(conn: &mut Conn, id: i32, until: NaiveDateTime) -> QueryResult<()> {
    diesel::update(needs::table.find(id))
        .set((
            needs::expires_at.eq(Some(until)),
            needs::reminder_sent_at.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
    super::search::record_changes(conn, &[id])
}

/// Gives a need whose expiry has passed a new one (after it was reviewed again).
pub fn renew_if_past(conn: &mut Conn, id: i32, until: NaiveDateTime) -> QueryResult<()> {
    let now = chrono::Utc::now().naive_utc();
    diesel::update(needs::table.find(id).filter(needs::expires_at.lt(now)))
        .set((
            needs::expires_at.eq(Some(until)),
            needs::reminder_sent_at.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)
        .map(|_| ())
}
