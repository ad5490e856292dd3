//! The one door through which a need's status changes. Every path (introductions, follow-ups,
//! the expiry job, closing, renewal, review, edits, files, imports, the desk) calls [`apply`] or,
//! when it writes the status together with the need's text, [`written`]. The rule itself is
//! [`NeedStatus::apply`], pure and table-tested in the domain.

use crate::db::Conn;
use crate::domain::need::{NeedEvent, NeedStatus, Transition};
use crate::error::AppError;

/// Applies `event` to need `id` in the caller's transaction. The write is conditional on the
/// status read, so a concurrent change is never overwritten (the caller gets a conflict); a
/// need that becomes news is queued for the makers' alerts.
pub fn apply(conn: &mut Conn, id: i32, event: NeedEvent) -> Result<Transition, AppError> {
    let from = crate::db::catalogue::status_of(conn, id)?.ok_or(AppError::NotFound)?;
    let t = from.apply(event).map_err(AppError::Conflict)?;
    if t.changed() {
        if !crate::db::catalogue::set_status(conn, id, t.from, t.to)? {
            return Err(AppError::Conflict("error.need_changed"));
        }
        written(conn, id, t)?;
    }
    Ok(t)
}

/// What follows a transition the caller wrote itself (with the need's text): news for the
/// alerts when the need became public in its present text.
pub fn written(conn: &mut Conn, id: i32, t: Transition) -> Result<(), AppError> {
    if t.is_news() {
        crate::db::catalogue::record_news(conn, id)?;
    }
    Ok(())
}

/// What follows inserting a need in `status`: a public one is news.
pub fn created(conn: &mut Conn, id: i32, status: NeedStatus) -> Result<(), AppError> {
    written(
        conn,
        id,
        Transition {
            from: NeedStatus::Draft,
            to: status,
        },
    )
}

/// The status a new need starts in: a draft, in review when submitted, or published at once
/// when staff submit it (staff edits are reviewed by being made by staff).
pub fn initial(submit: bool, by_staff: bool) -> NeedStatus {
    match (submit, by_staff) {
        (false, _) => NeedStatus::Draft,
        (true, false) => NeedStatus::PendingReview,
        (true, true) => NeedStatus::Published,
    }
}
