//! The synonym table organizers extend: their groups are kept in the settings table and added
//! to the defaults of `src/search/synonyms.txt`.

use crate::db::models::User;
use crate::error::AppError;
use crate::search::synonyms::{LineError, Synonyms};
use crate::search::SearchIndex;

/// The setting holding organizers' groups, one a line.
pub const SETTING: &str = "synonyms";

/// A version number for a table's text, so cached results of another table are never served.
fn version(text: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut h);
    h.finish()
}

/// Gives the index the defaults with organizers' groups (at start).
pub fn load(conn: &mut crate::db::Conn, index: &SearchIndex) -> anyhow::Result<()> {
    let extra = crate::db::accounts::setting(conn, SETTING)?.unwrap_or_default();
    match Synonyms::with_extra(&extra, version(&extra)) {
        Ok(table) => index.set_synonyms(table),
        // Saved tables are checked first; this only happens after a default changed.
        Err(errors) => tracing::warn!("organizers' synonyms unusable ({errors:?}); defaults only"),
    }
    Ok(())
}

/// Organizers' groups as saved.
pub async fn extra(db: &crate::db::Db) -> Result<String, AppError> {
    super::tables::extra(db, SETTING).await
}

/// Saves organizers' groups and applies them to searches at once; every bad line is named
/// and nothing is saved.
pub async fn save(
    db: &crate::db::Db,
    index: &SearchIndex,
    user: &User,
    text: &str,
) -> Result<Result<(), Vec<LineError>>, AppError> {
    let saved = super::tables::save(db, user, SETTING, text, |text| {
        Synonyms::with_extra(text, version(text))
    })
    .await?;
    Ok(saved.map(|table| index.set_synonyms(table)))
}
