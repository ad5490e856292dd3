//! Queries of alerts: saved searches, the needs announced to each user (at most once each, by
//! the table's key), the digests already sent, and the choices of who hears of what.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{alerts, digest_runs, interests, needs, saved_searches, settings, users};
use super::Conn;
use crate::domain::account::Role;
use crate::domain::alerts::{Frequency, InterestMail, Reason};
use crate::domain::need::NeedStatus;

/// A saved search as stored.
#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = saved_searches)]
pub struct SavedSearch {
    pub id: i32,
    pub user_id: i32,
    pub name: String,
    /// The search page's parameters, as a query string without page or sort.
    pub query: String,
    pub frequency: Frequency,
    pub paused: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

pub fn insert_saved_search(
    conn: &mut Conn,
    user: i32,
    name: &str,
    query: &str,
    frequency: Frequency,
    now: NaiveDateTime,
) -> QueryResult<i32> {
    diesel::insert_into(saved_searches::table)
        .values((
            saved_searches::user_id.eq(user),
            saved_searches::name.eq(name),
            saved_searches::query.eq(query),
            saved_searches::frequency.eq(frequency),
            saved_searches::created_at.eq(now),
            saved_searches::updated_at.eq(now),
        ))
        .returning(saved_searches::id)
        .get_result(conn)
}

pub fn saved_searches_of(conn: &mut Conn, user: i32) -> QueryResult<Vec<SavedSearch>> {
    saved_searches::table
        .filter(saved_searches::user_id.eq(user))
        .order(saved_searches::id)
        .select(SavedSearch::as_select())
        .load(conn)
}

pub fn count_saved_searches(conn: &mut Conn, user: i32) -> QueryResult<i64> {
    saved_searches::table
        .filter(saved_searches::user_id.eq(user))
        .count()
        .get_result(conn)
}

/// The user's saved search with this id, if it is theirs.
pub fn saved_search(conn: &mut Conn, user: i32, id: i32) -> QueryResult<Option<SavedSearch>> {
    saved_searches::table
        .find(id)
        .filter(saved_searches::user_id.eq(user))
        .select(SavedSearch::as_select())
        .first(conn)
        .optional()
}

pub fn update_saved_search(
    conn: &mut Conn,
    id: i32,
    name: &str,
    frequency: Frequency,
    paused: bool,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(saved_searches::table.find(id))
        .set((
            saved_searches::name.eq(name),
            saved_searches::frequency.eq(frequency),
            saved_searches::paused.eq(paused),
            saved_searches::updated_at.eq(now),
        ))
        .execute(conn)
}

pub fn set_paused(conn: &mut Conn, user: i32, id: Option<i32>, paused: bool) -> QueryResult<usize> {
    let mut q = diesel::update(saved_searches::table)
        .filter(saved_searches::user_id.eq(user))
        .into_boxed();
    if let Some(id) = id {
        q = q.filter(saved_searches::id.eq(id));
    }
    q.set(saved_searches::paused.eq(paused)).execute(conn)
}

pub fn delete_saved_search(conn: &mut Conn, user: i32, id: i32) -> QueryResult<usize> {
    diesel::delete(
        saved_searches::table
            .filter(saved_searches::id.eq(id))
            .filter(saved_searches::user_id.eq(user)),
    )
    .execute(conn)
}

/// Users who may receive alerts: verified, not deleted, not suspended.
#[diesel::dsl::auto_type]
fn reachable() -> _ {
    users::email_verified_at
        .is_not_null()
        .and(users::deleted_at.is_null())
        .and(users::suspended_at.is_null())
}

/// A running saved search, as the matcher needs it.
#[derive(Debug, Clone, Queryable)]
pub struct ActiveSearch {
    pub id: i32,
    pub user_id: i32,
    pub query: String,
    pub frequency: Frequency,
    /// The owner's organization: a firm is not alerted to its own needs.
    pub organization_id: Option<i32>,
}

/// Every running saved search of a reachable user, ordered by query so that equal ones are
/// adjacent.
pub fn active_saved_searches(conn: &mut Conn) -> QueryResult<Vec<ActiveSearch>> {
    saved_searches::table
        .inner_join(users::table)
        .filter(saved_searches::paused.eq(false))
        .filter(reachable())
        .order((saved_searches::query, saved_searches::id))
        .select((
            saved_searches::id,
            saved_searches::user_id,
            saved_searches::query,
            saved_searches::frequency,
            users::organization_id,
        ))
        .load(conn)
}

/// Of these users, the makers who want "a need you could make" mail.
pub fn profile_subscribers(conn: &mut Conn, ids: &[i32]) -> QueryResult<Vec<i32>> {
    let mut out = Vec::new();
    for chunk in ids.chunks(500) {
        out.extend(
            users::table
                .filter(users::id.eq_any(chunk))
                .filter(users::role.eq(Role::Supplier))
                .filter(users::notify_alerts.eq(true))
                .filter(reachable())
                .select(users::id)
                .load::<i32>(conn)?,
        );
    }
    Ok(out)
}

/// The public status of needs, by id (absent: no longer in the database).
pub fn statuses(conn: &mut Conn, ids: &[i32]) -> QueryResult<Vec<(i32, NeedStatus, i32)>> {
    needs::table
        .filter(needs::id.eq_any(ids))
        .select((needs::id, needs::status, needs::organization_id))
        .load(conn)
}

/// One need to announce to one user.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = alerts)]
pub struct NewAlert {
    pub user_id: i32,
    pub need_id: i32,
    pub saved_search_id: Option<i32>,
    pub reason: Reason,
    pub delivery: Frequency,
    pub created_at: NaiveDateTime,
}

/// Records announcements; one already made to the same user about the same need wins.
/// Returns how many were new.
pub fn insert_alerts(conn: &mut Conn, rows: &[NewAlert]) -> QueryResult<usize> {
    let mut n = 0;
    // One statement per row: SQLite takes no batch with ON CONFLICT; in the caller's
    // transaction each is a cheap prepared insert.
    for row in rows {
        let insert = diesel::insert_into(alerts::table)
            .values(row)
            .on_conflict_do_nothing();
        n += super::on_backend!(conn, |c| insert.execute(c))?;
    }
    Ok(n)
}

/// An announcement waiting for its mail.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = alerts)]
pub struct PendingAlert {
    pub id: i32,
    pub user_id: i32,
    pub need_id: i32,
    pub saved_search_id: Option<i32>,
    pub reason: Reason,
    pub created_at: NaiveDateTime,
}

/// Announcements of this delivery not yet mailed, oldest first, at most `limit`.
pub fn pending(conn: &mut Conn, delivery: Frequency, limit: i64) -> QueryResult<Vec<PendingAlert>> {
    alerts::table
        .filter(alerts::delivery.eq(delivery))
        .filter(alerts::mailed_at.is_null())
        .order(alerts::id)
        .limit(limit)
        .select(PendingAlert::as_select())
        .load(conn)
}

/// Users with announcements of this delivery not yet mailed.
pub fn users_pending(
    conn: &mut Conn,
    delivery: Frequency,
    before: NaiveDateTime,
) -> QueryResult<Vec<i32>> {
    alerts::table
        .filter(alerts::delivery.eq(delivery))
        .filter(alerts::mailed_at.is_null())
        .filter(alerts::created_at.lt(before))
        .select(alerts::user_id)
        .distinct()
        .order(alerts::user_id)
        .load(conn)
}

/// One user's announcements of this delivery not yet mailed, made before `before` (the time
/// their digest fell due: later ones wait for the next).
pub fn pending_of(
    conn: &mut Conn,
    user: i32,
    delivery: Frequency,
    before: NaiveDateTime,
) -> QueryResult<Vec<PendingAlert>> {
    alerts::table
        .filter(alerts::user_id.eq(user))
        .filter(alerts::delivery.eq(delivery))
        .filter(alerts::mailed_at.is_null())
        .filter(alerts::created_at.lt(before))
        .order(alerts::id)
        .select(PendingAlert::as_select())
        .load(conn)
}

/// How many single alert mails a user was sent since `since`.
pub fn instant_mailed_since(conn: &mut Conn, user: i32, since: NaiveDateTime) -> QueryResult<i64> {
    alerts::table
        .filter(alerts::user_id.eq(user))
        .filter(alerts::delivery.eq(Frequency::Instant))
        .filter(alerts::mailed_at.ge(since))
        .count()
        .get_result(conn)
}

pub fn mark_mailed(conn: &mut Conn, ids: &[i32], now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(alerts::table.filter(alerts::id.eq_any(ids)))
        .set(alerts::mailed_at.eq(now))
        .execute(conn)
}

/// Over the day's cap: the announcement waits for the next daily digest.
pub fn defer_to_daily(conn: &mut Conn, id: i32) -> QueryResult<usize> {
    diesel::update(alerts::table.find(id))
        .set(alerts::delivery.eq(Frequency::Daily))
        .execute(conn)
}

/// Forgets announcements not yet mailed that the user turned off (they are not sent later).
pub fn drop_pending(
    conn: &mut Conn,
    user: i32,
    reason: Option<Reason>,
    search: Option<i32>,
) -> QueryResult<usize> {
    let mut q = diesel::delete(alerts::table)
        .filter(alerts::user_id.eq(user))
        .filter(alerts::mailed_at.is_null())
        .into_boxed();
    if let Some(r) = reason {
        q = q.filter(alerts::reason.eq(r));
    }
    if let Some(s) = search {
        q = q.filter(alerts::saved_search_id.eq(s));
    }
    q.execute(conn)
}

/// Claims a digest: true when this (user, kind, period) was not sent yet. Inside the
/// transaction that queues the digest, so it is sent exactly once even with two workers.
pub fn claim_period(
    conn: &mut Conn,
    user: i32,
    kind: &str,
    period: &str,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let insert = diesel::insert_into(digest_runs::table)
        .values((
            digest_runs::user_id.eq(user),
            digest_runs::kind.eq(kind),
            digest_runs::period.eq(period),
            digest_runs::created_at.eq(now),
        ))
        .on_conflict_do_nothing();
    super::on_backend!(conn, |c| insert.execute(c)).map(|n| n == 1)
}

/// Members choosing the daily digest of interests: (user, organization, digested until).
pub fn interest_digest_users(
    conn: &mut Conn,
) -> QueryResult<Vec<(i32, i32, Option<NaiveDateTime>)>> {
    users::table
        .filter(users::interest_mail.eq(InterestMail::Daily))
        .filter(users::organization_id.is_not_null())
        .filter(reachable())
        .select((
            users::id,
            users::organization_id.assume_not_null(),
            users::interests_digested_until,
        ))
        .load(conn)
}

/// Offers on a firm's needs made in (since, until]: (need id, need title, its English title,
/// offer time).
pub fn new_interests(
    conn: &mut Conn,
    org: i32,
    since: Option<NaiveDateTime>,
    until: NaiveDateTime,
) -> QueryResult<Vec<(i32, String, String, NaiveDateTime)>> {
    let mut q = interests::table
        .inner_join(needs::table)
        .filter(needs::organization_id.eq(org))
        .filter(interests::created_at.le(until))
        .into_boxed();
    if let Some(since) = since {
        q = q.filter(interests::created_at.gt(since));
    }
    q.order(interests::id)
        .select((
            needs::id,
            needs::title,
            needs::title_en,
            interests::created_at,
        ))
        .load(conn)
}

pub fn set_digested_until(conn: &mut Conn, user: i32, until: NaiveDateTime) -> QueryResult<()> {
    diesel::update(users::table.find(user))
        .set(users::interests_digested_until.eq(until))
        .execute(conn)
        .map(|_| ())
}

/// Sets who hears of what; `interests_since` starts the digest's window when it is turned on.
pub fn set_preferences(
    conn: &mut Conn,
    user: i32,
    matches: bool,
    interest_mail: InterestMail,
    interests_since: Option<NaiveDateTime>,
) -> QueryResult<()> {
    diesel::update(users::table.find(user))
        .set((
            users::notify_alerts.eq(matches),
            users::interest_mail.eq(interest_mail),
        ))
        .execute(conn)?;
    if let Some(since) = interests_since {
        set_digested_until(conn, user, since)?;
    }
    Ok(())
}

/// Where the matcher stopped in the search change log.
pub fn cursor(conn: &mut Conn) -> QueryResult<Option<i32>> {
    Ok(settings::table
        .find("alerts_cursor")
        .select(settings::value)
        .first::<String>(conn)
        .optional()?
        .and_then(|v| v.parse().ok()))
}

pub fn set_cursor(conn: &mut Conn, id: i32) -> QueryResult<()> {
    super::accounts::set_setting(conn, "alerts_cursor", &id.to_string())
}

/// The key of signed links, made once for the whole deployment.
pub fn link_key(conn: &mut Conn, fresh: &str) -> QueryResult<String> {
    let insert = diesel::insert_into(settings::table)
        .values((settings::name.eq("link_key"), settings::value.eq(fresh)))
        .on_conflict_do_nothing();
    super::on_backend!(conn, |c| insert.execute(c))?;
    settings::table
        .find("link_key")
        .select(settings::value)
        .first(conn)
}

pub fn set_news(conn: &mut Conn, user: i32, on: bool) -> QueryResult<()> {
    diesel::update(users::table.find(user))
        .set(users::notify_news.eq(on))
        .execute(conn)
        .map(|_| ())
}

/// Makers who want news of the exhibition, optionally only those of a city or doing a process.
pub fn news_subscribers(
    conn: &mut Conn,
    city: Option<&str>,
    process: Option<crate::domain::supplier::Process>,
) -> QueryResult<Vec<crate::db::models::User>> {
    use super::schema::{supplier_processes, supplier_profiles};
    let mut q = users::table
        .filter(users::role.eq(Role::Supplier))
        .filter(users::notify_news.eq(true))
        .filter(reachable())
        .into_boxed();
    if let Some(city) = city {
        q = q.filter(
            users::id.eq_any(
                supplier_profiles::table
                    .filter(supplier_profiles::city.eq(city.to_string()))
                    .select(supplier_profiles::user_id),
            ),
        );
    }
    if let Some(p) = process {
        q = q.filter(
            users::id.eq_any(
                supplier_processes::table
                    .filter(supplier_processes::process.eq(p))
                    .select(supplier_processes::user_id),
            ),
        );
    }
    q.order(users::id)
        .select(crate::db::models::User::as_select())
        .load(conn)
}
