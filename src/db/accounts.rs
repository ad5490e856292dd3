//! Queries for users, sessions, email tokens, recovery codes and settings.

use chrono::{NaiveDateTime, Utc};
use diesel::prelude::*;

use super::models::{EmailToken, NewUser, SessionRow, User};
use super::schema::{email_tokens, recovery_codes, sessions, settings, users};
use super::Conn;

fn now() -> NaiveDateTime {
    Utc::now().naive_utc()
}

pub fn insert_user(conn: &mut Conn, user: &NewUser) -> QueryResult<i32> {
    diesel::insert_into(users::table)
        .values(user)
        .returning(users::id)
        .get_result(conn)
}

pub fn find_user(conn: &mut Conn, id: i32) -> QueryResult<Option<User>> {
    users::table
        .find(id)
        .filter(users::deleted_at.is_null())
        .select(User::as_select())
        .first(conn)
        .optional()
}

pub fn find_user_by_email(conn: &mut Conn, email: &str) -> QueryResult<Option<User>> {
    users::table
        .filter(users::email.eq(email))
        .filter(users::deleted_at.is_null())
        .select(User::as_select())
        .first(conn)
        .optional()
}

pub fn list_users(conn: &mut Conn) -> QueryResult<Vec<User>> {
    users::table
        .filter(users::deleted_at.is_null())
        .order(users::id)
        .select(User::as_select())
        .load(conn)
}

pub fn count_users(conn: &mut Conn) -> QueryResult<i64> {
    users::table.count().get_result(conn)
}

pub fn mark_verified(conn: &mut Conn, id: i32) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set((
            users::email_verified_at.eq(Some(now())),
            users::updated_at.eq(now()),
        ))
        .execute(conn)
        .map(|_| ())
}

pub fn set_password(conn: &mut Conn, id: i32, hash: &str) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set((users::password_hash.eq(hash), users::updated_at.eq(now())))
        .execute(conn)
        .map(|_| ())
}

pub fn set_role(conn: &mut Conn, id: i32, role: crate::domain::account::Role) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set((users::role.eq(role), users::updated_at.eq(now())))
        .execute(conn)
        .map(|_| ())
}

#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = users)]
pub struct ProfileChanges {
    pub name: String,
    pub phone: String,
    pub lang: String,
    pub notify_alerts: bool,
    pub notify_news: bool,
    pub updated_at: NaiveDateTime,
}

pub fn update_profile(conn: &mut Conn, id: i32, changes: &ProfileChanges) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set(changes)
        .execute(conn)
        .map(|_| ())
}

pub fn set_totp(conn: &mut Conn, id: i32, secret: Option<&str>, enabled: bool) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set((
            users::totp_secret.eq(secret),
            users::totp_enabled.eq(enabled),
            users::updated_at.eq(now()),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Removes personal data and marks the account deleted; the firm's needs stay.
pub fn anonymize_user(conn: &mut Conn, id: i32) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set((
            users::email.eq(format!("deleted-{id}@deleted.invalid")),
            users::name.eq(""),
            users::phone.eq(""),
            users::password_hash.eq("!"),
            users::totp_secret.eq(None::<String>),
            users::totp_enabled.eq(false),
            users::deleted_at.eq(Some(now())),
            users::updated_at.eq(now()),
        ))
        .execute(conn)?;
    delete_user_sessions(conn, id, None)?;
    diesel::delete(recovery_codes::table.filter(recovery_codes::user_id.eq(id))).execute(conn)?;
    diesel::delete(email_tokens::table.filter(email_tokens::user_id.eq(id))).execute(conn)?;
    Ok(())
}

// Sessions

pub fn insert_session(conn: &mut Conn, row: &SessionRow) -> QueryResult<()> {
    diesel::insert_into(sessions::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

pub fn find_session(conn: &mut Conn, id_hash: &str) -> QueryResult<Option<SessionRow>> {
    sessions::table
        .find(id_hash)
        .select(SessionRow::as_select())
        .first(conn)
        .optional()
}

pub fn touch_session(conn: &mut Conn, id_hash: &str) -> QueryResult<()> {
    diesel::update(sessions::table.find(id_hash))
        .set(sessions::last_seen_at.eq(now()))
        .execute(conn)
        .map(|_| ())
}

pub fn set_session_pending(conn: &mut Conn, id_hash: &str, user: Option<i32>) -> QueryResult<()> {
    diesel::update(sessions::table.find(id_hash))
        .set(sessions::pending_user_id.eq(user))
        .execute(conn)
        .map(|_| ())
}

pub fn delete_session(conn: &mut Conn, id_hash: &str) -> QueryResult<()> {
    diesel::delete(sessions::table.find(id_hash))
        .execute(conn)
        .map(|_| ())
}

/// Ends every session of a user, except `keep` (the one changing the password).
pub fn delete_user_sessions(
    conn: &mut Conn,
    user_id: i32,
    keep: Option<&str>,
) -> QueryResult<usize> {
    let mut q = diesel::delete(sessions::table)
        .filter(
            sessions::user_id
                .eq(user_id)
                .or(sessions::pending_user_id.eq(user_id)),
        )
        .into_boxed();
    if let Some(k) = keep {
        q = q.filter(sessions::id_hash.ne(k));
    }
    q.execute(conn)
}

/// Deletes sessions past their absolute expiry or idle for longer than `idle`.
pub fn delete_expired_sessions(conn: &mut Conn, idle: chrono::Duration) -> QueryResult<usize> {
    let now = now();
    diesel::delete(
        sessions::table.filter(
            sessions::expires_at
                .lt(now)
                .or(sessions::last_seen_at.lt(now - idle)),
        ),
    )
    .execute(conn)
}

pub fn count_sessions(conn: &mut Conn) -> QueryResult<i64> {
    sessions::table.count().get_result(conn)
}

/// Revokes the unused tokens of one purpose for a user (a new reset link, or a new password,
/// makes the older links useless).
pub fn revoke_tokens(conn: &mut Conn, user_id: i32, purpose: &str) -> QueryResult<usize> {
    diesel::update(
        email_tokens::table
            .filter(email_tokens::user_id.eq(user_id))
            .filter(email_tokens::purpose.eq(purpose))
            .filter(email_tokens::used_at.is_null()),
    )
    .set(email_tokens::used_at.eq(Some(now())))
    .execute(conn)
}

/// Deletes used or expired email tokens older than `before`.
pub fn delete_old_tokens(conn: &mut Conn, before: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(email_tokens::table.filter(email_tokens::expires_at.lt(before))).execute(conn)
}

// Second factor: replay and guessing guards

/// The second-factor guard of a user: (last TOTP step used, failures in a row, locked until).
pub fn second_factor_guard(
    conn: &mut Conn,
    user_id: i32,
) -> QueryResult<(Option<i64>, i32, Option<NaiveDateTime>)> {
    users::table
        .find(user_id)
        .select((
            users::totp_last_step,
            users::second_factor_failures,
            users::second_factor_locked_until,
        ))
        .first(conn)
}

/// Records a used TOTP step, only if it is later than the last one: false means a replay.
pub fn use_totp_step(conn: &mut Conn, user_id: i32, step: i64) -> QueryResult<bool> {
    let changed = diesel::update(
        users::table.find(user_id).filter(
            users::totp_last_step
                .is_null()
                .or(users::totp_last_step.lt(step)),
        ),
    )
    .set(users::totp_last_step.eq(Some(step)))
    .execute(conn)?;
    Ok(changed == 1)
}

pub fn record_second_factor_failure(
    conn: &mut Conn,
    user_id: i32,
    failures: i32,
    locked_until: Option<NaiveDateTime>,
) -> QueryResult<()> {
    diesel::update(users::table.find(user_id))
        .set((
            users::second_factor_failures.eq(failures),
            users::second_factor_locked_until.eq(locked_until),
        ))
        .execute(conn)
        .map(|_| ())
}

pub fn clear_second_factor_failures(conn: &mut Conn, user_id: i32) -> QueryResult<()> {
    record_second_factor_failure(conn, user_id, 0, None)
}

// Email tokens

pub fn insert_token(conn: &mut Conn, token: &EmailToken) -> QueryResult<()> {
    diesel::insert_into(email_tokens::table)
        .values(token)
        .execute(conn)
        .map(|_| ())
}

/// Takes a token: returns it if it exists, has this purpose, is unused and unexpired, and marks
/// it used in the same statement, so two concurrent uses cannot both succeed.
pub fn take_token(conn: &mut Conn, hash: &str, purpose: &str) -> QueryResult<Option<EmailToken>> {
    let changed = diesel::update(
        email_tokens::table
            .find(hash)
            .filter(email_tokens::purpose.eq(purpose))
            .filter(email_tokens::used_at.is_null())
            .filter(email_tokens::expires_at.gt(now())),
    )
    .set(email_tokens::used_at.eq(Some(now())))
    .execute(conn)?;
    if changed == 0 {
        return Ok(None);
    }
    email_tokens::table
        .find(hash)
        .select(EmailToken::as_select())
        .first(conn)
        .optional()
}

/// A token that is still usable, without using it (to show a confirmation form).
pub fn peek_token(conn: &mut Conn, hash: &str, purpose: &str) -> QueryResult<Option<EmailToken>> {
    email_tokens::table
        .find(hash)
        .filter(email_tokens::purpose.eq(purpose))
        .filter(email_tokens::used_at.is_null())
        .filter(email_tokens::expires_at.gt(now()))
        .select(EmailToken::as_select())
        .first(conn)
        .optional()
}

// Recovery codes

pub fn replace_recovery_codes(conn: &mut Conn, user_id: i32, hashes: &[String]) -> QueryResult<()> {
    diesel::delete(recovery_codes::table.filter(recovery_codes::user_id.eq(user_id)))
        .execute(conn)?;
    let rows: Vec<_> = hashes
        .iter()
        .map(|h| {
            (
                recovery_codes::user_id.eq(user_id),
                recovery_codes::code_hash.eq(h),
            )
        })
        .collect();
    let insert = diesel::insert_into(recovery_codes::table).values(&rows);
    super::on_backend!(conn, |c| insert.execute(c)).map(|_| ())
}

/// Uses a recovery code once; true if it was valid.
pub fn use_recovery_code(conn: &mut Conn, user_id: i32, hash: &str) -> QueryResult<bool> {
    let n = diesel::update(
        recovery_codes::table
            .filter(recovery_codes::user_id.eq(user_id))
            .filter(recovery_codes::code_hash.eq(hash))
            .filter(recovery_codes::used_at.is_null()),
    )
    .set(recovery_codes::used_at.eq(Some(now())))
    .execute(conn)?;
    Ok(n > 0)
}

// Settings

pub fn setting(conn: &mut Conn, name: &str) -> QueryResult<Option<String>> {
    settings::table
        .find(name)
        .select(settings::value)
        .first(conn)
        .optional()
}

pub fn set_setting(conn: &mut Conn, name: &str, value: &str) -> QueryResult<()> {
    diesel::delete(settings::table.find(name)).execute(conn)?;
    diesel::insert_into(settings::table)
        .values((settings::name.eq(name), settings::value.eq(value)))
        .execute(conn)
        .map(|_| ())
}
