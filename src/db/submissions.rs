//! One-time keys of submitted forms (see [`crate::web::form::once`]).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::submissions;
use super::Conn;

/// What a key already stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seen {
    /// Never used: it is now taken for this submission.
    New,
    /// Saved before: where it led.
    Done(String),
    /// Being saved right now (or its saving was cut off).
    Pending,
}

/// Takes `key` for `owner`, or says what it was used for. A key of another owner is as new
/// (keys are random; nobody learns another's).
pub fn take(conn: &mut Conn, key: &str, owner: &str) -> QueryResult<Seen> {
    let found: Option<(String, Option<String>)> = submissions::table
        .find(key)
        .select((submissions::owner, submissions::location))
        .first(conn)
        .optional()?;
    match found {
        Some((o, Some(location))) if o == owner => Ok(Seen::Done(location)),
        Some((o, None)) if o == owner => Ok(Seen::Pending),
        Some(_) => Ok(Seen::Pending),
        None => {
            let insert = diesel::insert_into(submissions::table)
                .values((
                    submissions::key.eq(key),
                    submissions::owner.eq(owner),
                    submissions::created_at.eq(chrono::Utc::now().naive_utc()),
                ))
                .on_conflict_do_nothing();
            let n = super::on_backend!(conn, |c| insert.execute(c))?;
            Ok(if n == 1 { Seen::New } else { Seen::Pending })
        }
    }
}

/// Records where a saved submission led.
pub fn done(conn: &mut Conn, key: &str, location: &str) -> QueryResult<()> {
    diesel::update(submissions::table.find(key))
        .set(submissions::location.eq(Some(location)))
        .execute(conn)
        .map(|_| ())
}

/// Frees a key whose submission was refused (its errors shown): it may be sent again.
pub fn forget(conn: &mut Conn, key: &str) -> QueryResult<()> {
    diesel::delete(submissions::table.find(key))
        .execute(conn)
        .map(|_| ())
}

/// Deletes keys older than `before` (a retry comes within minutes, not days).
pub fn purge(conn: &mut Conn, before: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(submissions::table.filter(submissions::created_at.lt(before))).execute(conn)
}
