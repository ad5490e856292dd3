//! Queries for need attachments.

use diesel::prelude::*;

use super::models::{Attachment, NewAttachment};
use super::schema::attachments;
use super::Conn;

/// Adds an attachment and records a change of its need (the index knows which needs have
/// drawings).
pub fn insert(conn: &mut Conn, a: &NewAttachment) -> QueryResult<i32> {
    crate::db::write_transaction(conn, |conn| {
        let id = diesel::insert_into(attachments::table)
            .values(a)
            .returning(attachments::id)
            .get_result(conn)?;
        super::search::record_changes(conn, &[a.need_id])?;
        Ok(id)
    })
}

pub fn of_need(conn: &mut Conn, need: i32) -> QueryResult<Vec<Attachment>> {
    attachments::table
        .filter(attachments::need_id.eq(need))
        .order(attachments::id)
        .select(Attachment::as_select())
        .load(conn)
}

pub fn find(conn: &mut Conn, id: i32) -> QueryResult<Option<Attachment>> {
    attachments::table
        .find(id)
        .select(Attachment::as_select())
        .first(conn)
        .optional()
}

pub fn count_of_need(conn: &mut Conn, need: i32) -> QueryResult<i64> {
    attachments::table
        .filter(attachments::need_id.eq(need))
        .count()
        .get_result(conn)
}

/// Deletes an attachment row; returns it so the caller can remove the files.
pub fn delete(conn: &mut Conn, id: i32) -> QueryResult<Option<Attachment>> {
    crate::db::write_transaction(conn, |conn| {
        let found = find(conn, id)?;
        if let Some(a) = &found {
            diesel::delete(attachments::table.find(id)).execute(conn)?;
            super::search::record_changes(conn, &[a.need_id])?;
        }
        Ok(found)
    })
}

/// Ids among `needs` that have at least one drawing or photo.
pub fn needs_with_attachments(conn: &mut Conn, needs: &[i32]) -> QueryResult<Vec<i32>> {
    attachments::table
        .filter(attachments::need_id.eq_any(needs))
        .select(attachments::need_id)
        .distinct()
        .load(conn)
}

/// Every file name under `uploads/` a row names: needs' drawings and thumbnails, makers'
/// photos, desk documents. Anything else there is debris of a write that failed.
pub fn stored_names(conn: &mut Conn) -> QueryResult<std::collections::HashSet<String>> {
    use super::schema::{desk_files, supplier_photos};
    let mut names = std::collections::HashSet::new();
    for (stored, thumb) in attachments::table
        .select((attachments::stored_name, attachments::thumb_name))
        .load::<(String, Option<String>)>(conn)?
    {
        names.insert(stored);
        names.extend(thumb);
    }
    for (stored, thumb) in supplier_photos::table
        .select((supplier_photos::stored_name, supplier_photos::thumb_name))
        .load::<(String, String)>(conn)?
    {
        names.insert(stored);
        names.insert(thumb);
    }
    names.extend(
        desk_files::table
            .select(desk_files::stored_name)
            .load::<String>(conn)?,
    );
    Ok(names)
}
