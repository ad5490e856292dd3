//! The mail outbox: mail is queued in the transaction that causes it and sent by a worker.

use chrono::{Duration, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::models::OutboxMessage;
use super::schema::outbox;
use super::Conn;
use crate::domain::mail::MailStatus;

pub struct NewMail<'a> {
    pub to_email: &'a str,
    pub to_name: &'a str,
    pub template: &'a str,
    pub lang: &'a str,
    pub context: serde_json::Value,
}

pub fn enqueue(conn: &mut Conn, mail: NewMail<'_>) -> QueryResult<i32> {
    enqueue_at(conn, mail, Utc::now().naive_utc())
}

/// Queues a mail to be sent no earlier than `at` (bulk mail is spread out this way).
pub fn enqueue_at(conn: &mut Conn, mail: NewMail<'_>, at: NaiveDateTime) -> QueryResult<i32> {
    let now = Utc::now().naive_utc();
    diesel::insert_into(outbox::table)
        .values((
            outbox::to_email.eq(mail.to_email),
            outbox::to_name.eq(mail.to_name),
            outbox::template.eq(mail.template),
            outbox::lang.eq(mail.lang),
            outbox::context.eq(mail.context.to_string()),
            outbox::status.eq(MailStatus::Pending),
            outbox::next_attempt_at.eq(at.max(now)),
            outbox::created_at.eq(now),
        ))
        .returning(outbox::id)
        .get_result(conn)
}

/// Claims up to `limit` messages that are due for server `holder`: each is leased for `lease`
/// (longer than a send may take) by setting its status to `sending`, so two workers never send
/// the same message. A lease that ran out (the sender died mid-send) makes the message due again.
pub fn claim_due(
    conn: &mut Conn,
    limit: i64,
    holder: &str,
    lease: Duration,
) -> QueryResult<Vec<OutboxMessage>> {
    let now = Utc::now().naive_utc();
    let candidates: Vec<OutboxMessage> = outbox::table
        .filter(outbox::status.eq_any([MailStatus::Pending, MailStatus::Sending]))
        .filter(outbox::next_attempt_at.le(now))
        .order(outbox::id)
        .limit(limit)
        .select(OutboxMessage::as_select())
        .load(conn)?;
    let lease = now + lease;
    let mut claimed = Vec::new();
    for msg in candidates {
        let n = diesel::update(
            outbox::table
                .find(msg.id)
                .filter(outbox::status.eq(msg.status))
                .filter(outbox::next_attempt_at.eq(msg.next_attempt_at)),
        )
        .set((
            outbox::status.eq(MailStatus::Sending),
            outbox::next_attempt_at.eq(lease),
            outbox::claimed_by.eq(Some(holder)),
        ))
        .execute(conn)?;
        if n == 1 {
            claimed.push(msg);
        }
    }
    Ok(claimed)
}

/// Gives back what server `holder` claimed and is not sending now (`except`): due at once, for
/// this or another server. Called on a clean stop, and when a server starts again (then only
/// claims whose lease ends before `leases_before`, made by the process that ran before).
pub fn release_claims(
    conn: &mut Conn,
    holder: &str,
    except: Option<i32>,
    leases_before: Option<NaiveDateTime>,
) -> QueryResult<usize> {
    let mut q = diesel::update(
        outbox::table
            .filter(outbox::status.eq(MailStatus::Sending))
            .filter(outbox::claimed_by.eq(holder)),
    )
    .into_boxed();
    if let Some(t) = leases_before {
        q = q.filter(outbox::next_attempt_at.lt(t));
    }
    if let Some(id) = except {
        q = q.filter(outbox::id.ne(id));
    }
    q.set((
        outbox::status.eq(MailStatus::Pending),
        outbox::next_attempt_at.eq(Utc::now().naive_utc()),
        outbox::claimed_by.eq(None::<String>),
    ))
    .execute(conn)
}

/// Mail failing now, newest attempt first: tried and not delivered, waiting for its next try.
pub fn failing(conn: &mut Conn) -> QueryResult<Vec<OutboxMessage>> {
    outbox::table
        .filter(outbox::status.eq_any([MailStatus::Pending, MailStatus::Sending]))
        .filter(outbox::attempts.gt(0))
        .order(outbox::next_attempt_at)
        .limit(200)
        .select(OutboxMessage::as_select())
        .load(conn)
}

/// Puts every dead and failing message back in the queue, due now. Returns how many.
pub fn retry_all(conn: &mut Conn) -> QueryResult<usize> {
    diesel::update(
        outbox::table
            .filter(outbox::status.eq_any([MailStatus::Dead, MailStatus::Pending]))
            .filter(outbox::attempts.gt(0)),
    )
    .set((
        outbox::status.eq(MailStatus::Pending),
        outbox::attempts.eq(0),
        outbox::next_attempt_at.eq(Utc::now().naive_utc()),
    ))
    .execute(conn)
}

pub fn mark_sent(conn: &mut Conn, id: i32) -> QueryResult<()> {
    diesel::update(outbox::table.find(id))
        .set((
            outbox::status.eq(MailStatus::Sent),
            outbox::sent_at.eq(Some(Utc::now().naive_utc())),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Records a failed attempt: retried later with exponential backoff, or dead after `max`.
pub fn mark_failed(conn: &mut Conn, msg: &OutboxMessage, error: &str, max: i32) -> QueryResult<()> {
    let attempts = msg.attempts + 1;
    let status = if attempts >= max {
        MailStatus::Dead
    } else {
        MailStatus::Pending
    };
    let delay = Duration::seconds((5_i64 << attempts.min(10)).min(3600));
    let next: NaiveDateTime = Utc::now().naive_utc() + delay;
    let error: String = error.chars().take(500).collect();
    diesel::update(outbox::table.find(msg.id))
        .set((
            outbox::attempts.eq(attempts),
            outbox::status.eq(status),
            outbox::next_attempt_at.eq(next),
            outbox::last_error.eq(error),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Mail failing now: tried at least once and not delivered (pending again, or being retried).
pub fn failing_count(conn: &mut Conn) -> QueryResult<i64> {
    outbox::table
        .filter(outbox::status.eq_any([MailStatus::Pending, MailStatus::Sending]))
        .filter(outbox::attempts.gt(0))
        .count()
        .get_result(conn)
}

pub fn dead(conn: &mut Conn) -> QueryResult<Vec<OutboxMessage>> {
    outbox::table
        .filter(outbox::status.eq(MailStatus::Dead))
        .order(outbox::id.desc())
        .limit(200)
        .select(OutboxMessage::as_select())
        .load(conn)
}

/// Puts a dead message back in the queue, due now.
pub fn retry(conn: &mut Conn, id: i32) -> QueryResult<bool> {
    let n = diesel::update(
        outbox::table
            .find(id)
            .filter(outbox::status.eq(MailStatus::Dead)),
    )
    .set((
        outbox::status.eq(MailStatus::Pending),
        outbox::attempts.eq(0),
        outbox::next_attempt_at.eq(Utc::now().naive_utc()),
    ))
    .execute(conn)?;
    Ok(n > 0)
}

pub fn all(conn: &mut Conn) -> QueryResult<Vec<OutboxMessage>> {
    outbox::table
        .order(outbox::id)
        .select(OutboxMessage::as_select())
        .load(conn)
}

/// Deletes sent mail sent before `before`, and dead mail queued before it: their content holds
/// the links of verification, reset and invitation mails, which must not outlive their use (a
/// dead mail that old is not worth retrying: its links have expired).
pub fn purge_old(conn: &mut Conn, before: NaiveDateTime) -> QueryResult<usize> {
    let sent = diesel::delete(
        outbox::table
            .filter(outbox::status.eq(MailStatus::Sent))
            .filter(outbox::sent_at.lt(before)),
    )
    .execute(conn)?;
    let dead = diesel::delete(
        outbox::table
            .filter(outbox::status.eq(MailStatus::Dead))
            .filter(outbox::created_at.lt(before)),
    )
    .execute(conn)?;
    Ok(sent + dead)
}
