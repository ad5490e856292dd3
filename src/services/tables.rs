//! Tables organizers extend beside built-in defaults (search synonyms, part families): kept as
//! text in the settings table, checked whole before anything is saved (every bad line named),
//! and applied at once by the caller.

use crate::db::models::User;
use crate::db::Db;
use crate::error::AppError;
use crate::search::synonyms::LineError;

/// Organizers' lines of a table, as saved.
pub async fn extra(db: &Db, setting: &'static str) -> Result<String, AppError> {
    db.run(move |conn| Ok(crate::db::accounts::setting(conn, setting)?.unwrap_or_default()))
        .await
}

/// Checks organizers' lines with `parse` (the defaults with these added) and saves them when
/// every line is good; returns what `parse` built, for the caller to apply, or the bad lines.
pub async fn save<T>(
    db: &Db,
    user: &User,
    setting: &'static str,
    text: &str,
    parse: impl FnOnce(&str) -> Result<T, Vec<LineError>>,
) -> Result<Result<T, Vec<LineError>>, AppError> {
    if !user.is_staff() {
        return Err(AppError::Forbidden);
    }
    let text = text.replace("\r\n", "\n").trim().to_string();
    let table = match parse(&text) {
        Ok(t) => t,
        Err(errors) => return Ok(Err(errors)),
    };
    db.run(move |conn| Ok(crate::db::accounts::set_setting(conn, setting, &text)?))
        .await?;
    Ok(Ok(table))
}
