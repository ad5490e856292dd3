//! Leases on periodic background work, so that with several servers each job runs on one.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::schema::job_leases;
use super::Conn;

/// Takes or renews the lease `name` for `holder` until `now + ttl`. True if `holder` has it:
/// it was free, ran out, or was already `holder`'s. The update's condition is checked again on
/// the row as it is when the update runs, so of two servers racing for a lease that ran out
/// exactly one gets it, on either backend.
pub fn take_lease(
    conn: &mut Conn,
    name: &str,
    holder: &str,
    now: NaiveDateTime,
    ttl: Duration,
) -> QueryResult<bool> {
    let until = now + ttl;
    let insert = diesel::insert_into(job_leases::table)
        .values((
            job_leases::name.eq(name),
            job_leases::holder.eq(holder),
            job_leases::expires_at.eq(until),
        ))
        .on_conflict_do_nothing();
    if super::on_backend!(conn, |c| insert.execute(c))? == 1 {
        return Ok(true);
    }
    let n = diesel::update(
        job_leases::table.find(name).filter(
            job_leases::holder
                .eq(holder)
                .or(job_leases::expires_at.lt(now)),
        ),
    )
    .set((
        job_leases::holder.eq(holder),
        job_leases::expires_at.eq(until),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Gives the lease up (a server stopping cleanly), so another takes over at once.
pub fn release_lease(conn: &mut Conn, name: &str, holder: &str) -> QueryResult<()> {
    diesel::delete(
        job_leases::table
            .find(name)
            .filter(job_leases::holder.eq(holder)),
    )
    .execute(conn)
    .map(|_| ())
}

/// Who holds the lease `name` and until when, if anyone ever took it.
pub fn lease_holder(conn: &mut Conn, name: &str) -> QueryResult<Option<(String, NaiveDateTime)>> {
    job_leases::table
        .find(name)
        .select((job_leases::holder, job_leases::expires_at))
        .first(conn)
        .optional()
}
