//! Drawings and photos of needs: checked by content, images re-encoded (which drops their
//! metadata) with a thumbnail, stored under random names, served only after an access check.

use std::io::Cursor;
use std::path::PathBuf;

use chrono::Utc;
use image::{ImageFormat, ImageReader, Limits};

use crate::app::AppState;
use crate::db::attachments as q;
use crate::db::models::{Attachment, NewAttachment, User};
use crate::domain::files::{sniff, FileKind};
use crate::error::AppError;

/// Largest image side accepted, in pixels.
pub const MAX_SIDE: u32 = 8_000;
const THUMB_WIDTH: u32 = 360;

/// Who may see a file: anyone, or (for confidential drawings) the firm and the staff until
/// an introduction opens it to a maker.
pub const VISIBILITIES: [&str; 2] = ["public", "introduced"];

fn dir(state: &AppState) -> PathBuf {
    state.config.data_dir.join("uploads")
}

struct Processed {
    bytes: Vec<u8>,
    thumb: Option<Vec<u8>>,
    width: Option<i32>,
    height: Option<i32>,
}

/// Decodes an image within limits and writes it again, so nothing but pixels survives.
fn process_image(bytes: &[u8], kind: FileKind) -> Result<Processed, AppError> {
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|_| AppError::invalid("file", "error.image_invalid"))?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(512 * 1024 * 1024);
    reader.limits(limits);
    let img = reader
        .decode()
        .map_err(|_| AppError::invalid("file", "error.image_invalid"))?;
    let format = if kind == FileKind::Jpeg {
        ImageFormat::Jpeg
    } else {
        ImageFormat::Png
    };
    let encode = |img: &image::DynamicImage| -> Result<Vec<u8>, AppError> {
        let mut out = Cursor::new(Vec::new());
        let img = if format == ImageFormat::Jpeg {
            image::DynamicImage::ImageRgb8(img.to_rgb8())
        } else {
            img.clone()
        };
        img.write_to(&mut out, format)
            .map_err(|e| AppError::Internal(anyhow::anyhow!("encoding an image: {e}")))?;
        Ok(out.into_inner())
    };
    let thumb = img.thumbnail(THUMB_WIDTH, THUMB_WIDTH * 4);
    Ok(Processed {
        bytes: encode(&img)?,
        thumb: Some(encode(&thumb)?),
        width: Some(img.width() as i32),
        height: Some(img.height() as i32),
    })
}

fn content_type(kind: FileKind) -> &'static str {
    match kind {
        FileKind::Jpeg => "image/jpeg",
        FileKind::Png | FileKind::Webp => "image/png",
        FileKind::Pdf => "application/pdf",
        _ => "application/octet-stream",
    }
}

/// Adds a file to a need the user manages.
pub async fn add(
    state: &AppState,
    user: &User,
    need_id: i32,
    name: &str,
    bytes: Vec<u8>,
    visibility: &str,
) -> Result<i32, AppError> {
    if !VISIBILITIES.contains(&visibility) {
        return Err(AppError::invalid("visibility", "error.visibility_invalid"));
    }
    if bytes.is_empty() {
        return Err(AppError::invalid("file", "error.required"));
    }
    if bytes.len() > state.config.max_upload_bytes {
        return Err(AppError::invalid("file", "error.too_large"));
    }
    let kind = sniff(&bytes).ok_or_else(|| AppError::invalid("file", "error.file_type"))?;
    let user = user.clone();
    let (need, _, _) = state
        .db
        .run(move |conn| crate::db::catalogue::find_need(conn, need_id)?.ok_or(AppError::NotFound))
        .await?;
    if !super::posting::may_manage(&user, &need) {
        return Err(AppError::Forbidden);
    }
    let count = state
        .db
        .run(move |conn| Ok(q::count_of_need(conn, need_id)?))
        .await?;
    if count >= state.config.max_files_per_need {
        return Err(AppError::invalid("file", "error.too_many_files"));
    }
    let processed = if kind.is_image() {
        actix_web::web::block(move || process_image(&bytes, kind))
            .await
            .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))??
    } else {
        Processed {
            bytes,
            thumb: None,
            width: None,
            height: None,
        }
    };
    let dir = dir(state);
    std::fs::create_dir_all(&dir).map_err(|e| AppError::Internal(e.into()))?;
    let stored = format!("{}.{}", crate::auth::random_token(), kind.extension());
    std::fs::write(dir.join(&stored), &processed.bytes)
        .map_err(|e| AppError::Internal(e.into()))?;
    let thumb_name = match &processed.thumb {
        Some(t) => {
            let n = format!("{}.{}", crate::auth::random_token(), kind.extension());
            std::fs::write(dir.join(&n), t).map_err(|e| AppError::Internal(e.into()))?;
            Some(n)
        }
        None => None,
    };
    let original: String = name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or("file")
        .chars()
        .filter(|c| !c.is_control() && *c != '"')
        .take(120)
        .collect();
    let row = NewAttachment {
        need_id,
        kind: kind.group().to_string(),
        content_type: content_type(kind).to_string(),
        original_name: if original.is_empty() {
            format!("file.{}", kind.extension())
        } else {
            original
        },
        stored_name: stored,
        thumb_name,
        size_bytes: processed.bytes.len() as i64,
        width: processed.width,
        height: processed.height,
        visibility: visibility.to_string(),
        created_at: Utc::now().naive_utc(),
    };
    let back_to_review = needs_review_after_file_change(&user, &need);
    let id = state
        .db
        .run(move |conn| {
            let id = q::insert(conn, &row)?;
            if back_to_review {
                crate::db::catalogue::set_status(conn, need_id, "pending_review")?;
            }
            Ok(id)
        })
        .await?;
    state.search.notify();
    Ok(id)
}

/// A firm changing the drawings of a public need sends it back to review (organizers do not).
fn needs_review_after_file_change(user: &User, need: &crate::db::models::Need) -> bool {
    let staff = crate::domain::account::Role::parse(&user.role)
        .is_some_and(crate::domain::account::Role::is_staff);
    !staff && matches!(need.status.as_str(), "published" | "in_talks")
}

/// The attachments of a need this viewer may see.
pub async fn visible(
    state: &AppState,
    viewer: Option<&User>,
    need_org: i32,
    need_id: i32,
) -> Result<Vec<Attachment>, AppError> {
    let all = state
        .db
        .run(move |conn| Ok(q::of_need(conn, need_id)?))
        .await?;
    let insider = viewer.is_some_and(|u| {
        crate::domain::account::Role::parse(&u.role)
            .is_some_and(crate::domain::account::Role::is_staff)
            || u.organization_id == Some(need_org)
    });
    Ok(all
        .into_iter()
        .filter(|a| insider || a.visibility == "public")
        .collect())
}

/// A file to send: its path, content type, whether it may show inline, and its download name.
pub struct Download {
    pub path: PathBuf,
    pub content_type: String,
    pub inline: bool,
    pub name: String,
}

pub async fn download(
    state: &AppState,
    viewer: Option<&User>,
    id: i32,
    thumb: bool,
) -> Result<Download, AppError> {
    let a = state
        .db
        .run(move |conn| q::find(conn, id)?.ok_or(AppError::NotFound))
        .await?;
    let need_id = a.need_id;
    let (need, _, _) = state
        .db
        .run(move |conn| crate::db::catalogue::find_need(conn, need_id)?.ok_or(AppError::NotFound))
        .await?;
    let insider = viewer.is_some_and(|u| super::posting::may_manage(u, &need));
    let public_need =
        crate::domain::need::NeedStatus::parse(&need.status).is_some_and(|s| s.is_public());
    // Outsiders see public files of public needs only; anything else is simply not there.
    if !insider && (a.visibility != "public" || !public_need) {
        return Err(AppError::NotFound);
    }
    let stored = if thumb {
        a.thumb_name.clone().ok_or(AppError::NotFound)?
    } else {
        a.stored_name.clone()
    };
    Ok(Download {
        path: dir(state).join(stored),
        content_type: a.content_type.clone(),
        inline: a.kind == "image",
        name: a.original_name,
    })
}

pub async fn remove(state: &AppState, user: &User, need_id: i32, id: i32) -> Result<(), AppError> {
    let user = user.clone();
    let (need, _, _) = state
        .db
        .run(move |conn| crate::db::catalogue::find_need(conn, need_id)?.ok_or(AppError::NotFound))
        .await?;
    if !super::posting::may_manage(&user, &need) {
        return Err(AppError::Forbidden);
    }
    let removed = state
        .db
        .run(move |conn| {
            let a = q::find(conn, id)?
                .filter(|a| a.need_id == need_id)
                .ok_or(AppError::NotFound)?;
            q::delete(conn, a.id)?;
            Ok(a)
        })
        .await?;
    let dir = dir(state);
    let _ = std::fs::remove_file(dir.join(&removed.stored_name));
    if let Some(t) = removed.thumb_name {
        let _ = std::fs::remove_file(dir.join(t));
    }
    state.search.notify();
    Ok(())
}
