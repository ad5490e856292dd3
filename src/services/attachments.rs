//! Drawings and photos of needs: checked by content, images re-encoded (which drops their
//! metadata) with a thumbnail, stored under random names, served only after an access check.

use std::io::Cursor;
use std::path::PathBuf;

use chrono::Utc;
use image::{ImageFormat, ImageReader, Limits};

use crate::db::attachments as q;
use crate::db::models::{Attachment, NewAttachment, User};
use crate::domain::files::{sniff, FileKind, Visibility};
use crate::domain::need::NeedEvent;
use crate::error::AppError;
use crate::state::AppState;

/// The handles this service uses: nothing more of the application state.
#[derive(Clone, Copy)]
pub struct Attachments<'a> {
    pub db: &'a crate::db::Db,
    pub search: &'a crate::search::SearchIndex,
    pub config: &'a crate::config::Config,
    pub heavy_work: &'a tokio::sync::Semaphore,
}

impl<'a> Attachments<'a> {
    /// The handles, taken from the application state.
    pub fn of(state: &'a AppState) -> Self {
        Self {
            db: &state.db,
            search: &state.search,
            config: &state.config,
            heavy_work: &state.heavy_work,
        }
    }
}

/// Largest image side accepted, in pixels.
pub const MAX_SIDE: u32 = 16_000;
const THUMB_WIDTH: u32 = 360;

/// A checked file, ready to be written: see [`Attachments::prepare`].
pub struct Prepared {
    kind: FileKind,
    processed: Processed,
    original: String,
}

pub(crate) struct Processed {
    pub bytes: Vec<u8>,
    pub thumb: Option<Vec<u8>>,
    pub width: Option<i32>,
    pub height: Option<i32>,
}

/// Decodes an image within limits and writes it again, so nothing but pixels survives.
///
/// Memory is bounded by what a real photo needs: the size is read from the header and refused
/// above `max_pixels` before anything is decoded, and the decoder may allocate at most 4 bytes
/// a pixel of that (an 8-bit RGBA frame), so a small file declaring a huge or 16-bit canvas is
/// refused instead of costing gigabytes. The frame is converted in place, never copied.
pub(crate) fn process_image(
    bytes: &[u8],
    kind: FileKind,
    max_pixels: u64,
) -> Result<Processed, AppError> {
    let too_large = || AppError::invalid("file", "error.image_too_large");
    let invalid = || AppError::invalid("file", "error.image_invalid");
    let reader = || {
        ImageReader::new(Cursor::new(bytes))
            .with_guessed_format()
            .map_err(|_| invalid())
    };
    let (w, h) = reader()?.into_dimensions().map_err(|_| invalid())?;
    if u64::from(w) * u64::from(h) > max_pixels || w > MAX_SIDE || h > MAX_SIDE {
        return Err(too_large());
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(max_pixels.saturating_mul(4).max(1 << 20));
    let mut decoder = reader()?;
    decoder.limits(limits);
    let img = decoder.decode().map_err(|e| match e {
        image::ImageError::Limits(_) => too_large(),
        _ => invalid(),
    })?;
    let (format, img) = if kind == FileKind::Jpeg {
        (
            ImageFormat::Jpeg,
            image::DynamicImage::ImageRgb8(img.into_rgb8()),
        )
    } else if img.color().has_alpha() {
        (
            ImageFormat::Png,
            image::DynamicImage::ImageRgba8(img.into_rgba8()),
        )
    } else {
        (
            ImageFormat::Png,
            image::DynamicImage::ImageRgb8(img.into_rgb8()),
        )
    };
    let encode = |img: &image::DynamicImage| -> Result<Vec<u8>, AppError> {
        let mut out = Cursor::new(Vec::new());
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

pub(crate) fn content_type(kind: FileKind) -> &'static str {
    match kind {
        FileKind::Jpeg => "image/jpeg",
        FileKind::Png | FileKind::Webp => "image/png",
        FileKind::Pdf => "application/pdf",
        _ => "application/octet-stream",
    }
}

/// The files of a need one viewer may see.
#[derive(Debug, Clone, serde::Serialize)]
pub struct VisibleFiles {
    pub files: Vec<Attachment>,
    /// Some files are held back until an introduction.
    pub hidden: bool,
}

/// A file to send: its path, content type, whether it may show inline, and its download name.
pub struct Download {
    pub path: PathBuf,
    pub content_type: String,
    pub inline: bool,
    pub name: String,
    /// Anyone may see it (a public file of a public need); otherwise it must not be cached.
    pub public: bool,
}

impl Attachments<'_> {
    fn dir(&self) -> PathBuf {
        self.config.data_dir.join("uploads")
    }

    /// Adds a file to a need the user manages.
    pub async fn add(
        &self,
        user: &User,
        need_id: i32,
        name: &str,
        bytes: Vec<u8>,
        visibility: &str,
    ) -> Result<i32, AppError> {
        let visibility = Visibility::parse(visibility)
            .ok_or_else(|| AppError::invalid("visibility", "error.visibility_invalid"))?;
        let need = super::posting::managed(self.db, user, need_id).await?;
        // A file is a significant change: decided (and a finished need refused) before any work.
        let event = NeedEvent::FilesChanged {
            by_staff: user.is_staff(),
        };
        need.status.apply(event).map_err(AppError::Conflict)?;
        let count = self
            .db
            .run(move |conn| Ok(q::count_of_need(conn, need_id)?))
            .await?;
        if count >= self.config.max_files_per_need {
            return Err(AppError::invalid("file", "error.too_many_files"));
        }
        let prepared = self.prepare(name, bytes).await?;
        let mut row = self.write(prepared, visibility)?;
        row.need_id = need_id;
        let id = self
            .db
            .run(move |conn| {
                crate::db::write_transaction(conn, |conn| {
                    let id = q::insert(conn, &row)?;
                    crate::services::need_status::apply(conn, need_id, event)?;
                    Ok(id)
                })
            })
            .await?;
        self.search.notify();
        Ok(id)
    }

    /// Checks a file and makes its thumbnail, in memory: nothing is stored yet.
    pub async fn prepare(&self, name: &str, bytes: Vec<u8>) -> Result<Prepared, AppError> {
        if bytes.is_empty() {
            return Err(AppError::invalid("file", "error.required"));
        }
        if bytes.len() > self.config.max_upload_bytes {
            return Err(AppError::invalid("file", "error.too_large"));
        }
        let kind = sniff(&bytes).ok_or_else(|| AppError::invalid("file", "error.file_type"))?;
        let processed = if kind.is_image() {
            let max_pixels = self.config.max_image_pixels;
            let _permit = self
                .heavy_work
                .acquire()
                .await
                .map_err(|e| AppError::Internal(e.into()))?;
            super::off_thread(move || process_image(&bytes, kind, max_pixels)).await??
        } else {
            Processed {
                bytes,
                thumb: None,
                width: None,
                height: None,
            }
        };
        let original: String = name
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or("file")
            .chars()
            .filter(|c| !c.is_control() && *c != '"')
            .take(120)
            .collect();
        Ok(Prepared {
            kind,
            processed,
            original,
        })
    }

    /// Writes a prepared file to the uploads directory; the row it returns still needs its
    /// need's id. A file whose row is never inserted is never served.
    pub fn write(
        &self,
        prepared: Prepared,
        visibility: Visibility,
    ) -> Result<NewAttachment, AppError> {
        let Prepared {
            kind,
            processed,
            original,
        } = prepared;
        let dir = self.dir();
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
        Ok(NewAttachment {
            need_id: 0,
            kind: kind.group(),
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
            visibility,
            created_at: Utc::now().naive_utc(),
        })
    }

    /// Deletes a written row's thumbnail, for files never shown as pictures.
    pub fn drop_thumb(&self, row: &mut NewAttachment) {
        if let Some(t) = row.thumb_name.take() {
            let _ = std::fs::remove_file(self.dir().join(t));
        }
    }

    /// Deletes the files of rows that were written but never inserted.
    pub fn discard(&self, rows: &[NewAttachment]) {
        let dir = self.dir();
        for row in rows {
            let _ = std::fs::remove_file(dir.join(&row.stored_name));
            if let Some(t) = &row.thumb_name {
                let _ = std::fs::remove_file(dir.join(t));
            }
        }
    }

    /// The attachments of a need this viewer may see.
    /// Whether the viewer is a maker that Niaz introduced to this need.
    async fn introduced(&self, viewer: Option<&User>, need_id: i32) -> Result<bool, AppError> {
        let Some(user) = viewer.filter(|u| u.role == crate::domain::account::Role::Supplier) else {
            return Ok(false);
        };
        let id = user.id;
        self.db
            .run(move |conn| Ok(crate::db::interests::introduced(conn, need_id, id)?))
            .await
    }

    /// The files of a need this viewer may see, and whether others are held back (shown
    /// after an introduction).
    pub async fn visible(
        &self,
        viewer: Option<&User>,
        need_org: i32,
        need_id: i32,
    ) -> Result<VisibleFiles, AppError> {
        let all = self
            .db
            .run(move |conn| Ok(q::of_need(conn, need_id)?))
            .await?;
        let insider = viewer.is_some_and(|u| u.may_manage_firm(need_org));
        let introduced = !insider && self.introduced(viewer, need_id).await?;
        let total = all.len();
        let files: Vec<Attachment> = all
            .into_iter()
            .filter(|a| insider || introduced || a.visibility == Visibility::Public)
            .collect();
        Ok(VisibleFiles {
            hidden: files.len() < total,
            files,
        })
    }

    pub async fn download(
        &self,
        viewer: Option<&User>,
        id: i32,
        thumb: bool,
    ) -> Result<Download, AppError> {
        let a = self
            .db
            .run(move |conn| q::find(conn, id)?.ok_or(AppError::NotFound))
            .await?;
        let need_id = a.need_id;
        let (need, _, _) = self
            .db
            .run(move |conn| {
                crate::db::catalogue::find_need(conn, need_id)?.ok_or(AppError::NotFound)
            })
            .await?;
        let insider = viewer.is_some_and(|u| super::posting::may_manage(u, &need));
        let public_need = need.status.is_public();
        // A maker introduced to the need sees its confidential drawings too.
        let introduced = !insider && public_need && self.introduced(viewer, need.id).await?;
        // Outsiders see public files of public needs only; anything else is simply not there.
        if !insider && !introduced && (a.visibility != Visibility::Public || !public_need) {
            return Err(AppError::NotFound);
        }
        let stored = if thumb {
            a.thumb_name.clone().ok_or(AppError::NotFound)?
        } else {
            a.stored_name.clone()
        };
        Ok(Download {
            path: self.dir().join(stored),
            content_type: a.content_type.clone(),
            inline: a.kind == crate::domain::files::FileGroup::Image,
            public: a.visibility == Visibility::Public && public_need,
            name: a.original_name,
        })
    }

    pub async fn remove(&self, user: &User, need_id: i32, id: i32) -> Result<(), AppError> {
        let need = super::posting::managed(self.db, user, need_id).await?;
        let event = NeedEvent::FilesChanged {
            by_staff: user.is_staff(),
        };
        need.status.apply(event).map_err(AppError::Conflict)?;
        let removed = self
            .db
            .run(move |conn| {
                crate::db::write_transaction(conn, |conn| {
                    let a = q::find(conn, id)?
                        .filter(|a| a.need_id == need_id)
                        .ok_or(AppError::NotFound)?;
                    q::delete(conn, a.id)?;
                    crate::services::need_status::apply(conn, need_id, event)?;
                    Ok(a)
                })
            })
            .await?;
        let dir = self.dir();
        let _ = std::fs::remove_file(dir.join(&removed.stored_name));
        if let Some(t) = removed.thumb_name {
            let _ = std::fs::remove_file(dir.join(t));
        }
        self.search.notify();
        Ok(())
    }
}
