//! The organizers' spreadsheet upload: read an untrusted file within its limits (off the async
//! workers, a few at once), check every row, keep the file until the organizer confirms, then
//! write it all in one transaction. The handlers in `web::import` only authorize and render.

use serde::Serialize;

use super::spreadsheet as sheet;
use crate::config::Config;
use crate::db::models::Category;
use crate::db::Db;
use crate::domain::need::NeedStatus;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::search::SearchIndex;
use crate::state::AppState;

/// The handles this service uses: nothing more of the application state.
#[derive(Clone, Copy)]
pub struct Import<'a> {
    pub db: &'a Db,
    pub search: &'a SearchIndex,
    pub config: &'a Config,
    pub categories: &'a [Category],
    pub heavy_work: &'a tokio::sync::Semaphore,
}

impl<'a> Import<'a> {
    pub fn of(state: &'a AppState) -> Self {
        Self {
            db: &state.db,
            search: &state.search,
            config: &state.config,
            categories: &state.categories,
            heavy_work: &state.heavy_work,
        }
    }
}

/// A row that will be imported, as the preview lists it.
#[derive(Debug, Clone, Serialize)]
pub struct SampleRow {
    pub row: usize,
    pub title: String,
    pub organization: String,
    pub part_number: String,
}

/// What the organizer sees before confirming.
#[derive(Debug, Clone, Serialize)]
pub struct Preview {
    pub rows: usize,
    pub valid: usize,
    pub invalid_rows: usize,
    /// Every problem, in the viewer's language (at most [`Preview::MAX_LISTED`]).
    pub errors: Vec<String>,
    pub more_errors: usize,
    pub sample: Vec<SampleRow>,
    /// Names the stored upload for the confirmation; `None` when the header row is wrong.
    pub token: Option<String>,
    pub status: NeedStatus,
    pub encoding: Option<String>,
    pub header_problem: bool,
}

impl Preview {
    pub const MAX_LISTED: usize = 500;
}

/// What confirming asks for.
pub struct Confirm {
    pub token: String,
    pub status: NeedStatus,
    pub encoding: Option<String>,
    pub skip_invalid: bool,
}

impl Import<'_> {
    fn dir(&self) -> std::path::PathBuf {
        self.config.data_dir.join("imports")
    }

    /// Reads a sheet within the configured limits, off the async workers, at most
    /// `max_heavy_jobs` at once. An untrusted file gets a field error, never an abort.
    async fn read(
        &self,
        bytes: Vec<u8>,
        encoding: Option<String>,
    ) -> Result<sheet::Table, AppError> {
        let limits = self.config.sheet_limits;
        let _permit = self
            .heavy_work
            .acquire()
            .await
            .map_err(|e| AppError::Internal(e.into()))?;
        super::off_thread(move || {
            let encoding = encoding.as_deref().and_then(sheet::Encoding::parse);
            sheet::read_bytes(&bytes, encoding, &limits)
        })
        .await?
        .map_err(|e| match e {
            sheet::ReadError::Limit(key, _) => AppError::invalid("file", key),
            sheet::ReadError::Unreadable(_) => AppError::invalid("file", "error.file_unreadable"),
        })
    }

    /// Checks an uploaded sheet and keeps it for the confirmation.
    pub async fn preview(
        &self,
        bytes: Vec<u8>,
        encoding: Option<String>,
        status: NeedStatus,
        lang: Lang,
    ) -> Result<Preview, AppError> {
        let table = self.read(bytes.clone(), encoding.clone()).await?;
        let mut preview = Preview {
            rows: table.rows.len(),
            valid: 0,
            invalid_rows: 0,
            errors: Vec::new(),
            more_errors: 0,
            sample: Vec::new(),
            token: None,
            status,
            encoding,
            header_problem: false,
        };
        match sheet::check(&table, self.categories, status) {
            Err(header_errors) => {
                preview.header_problem = true;
                preview.errors = header_errors.iter().map(|e| e.message(lang)).collect();
            }
            Ok(checked) => {
                let token = crate::auth::random_token();
                let dir = self.dir();
                std::fs::create_dir_all(&dir).map_err(|e| AppError::Internal(e.into()))?;
                std::fs::write(dir.join(&token), &bytes)
                    .map_err(|e| AppError::Internal(e.into()))?;
                preview.valid = checked.valid.len();
                preview.invalid_rows = checked.invalid_rows;
                preview.errors = checked
                    .errors
                    .iter()
                    .take(Preview::MAX_LISTED)
                    .map(|e| e.message(lang))
                    .collect();
                preview.more_errors = checked.errors.len().saturating_sub(Preview::MAX_LISTED);
                preview.sample = checked
                    .valid
                    .iter()
                    .take(20)
                    .map(|r| SampleRow {
                        row: r.row,
                        title: r.need.content.title.clone(),
                        organization: r.organization.clone(),
                        part_number: r.need.content.part_number.clone(),
                    })
                    .collect();
                preview.token = Some(token);
            }
        }
        Ok(preview)
    }

    /// Imports a previewed upload: all of it, or with `skip_invalid` its valid rows.
    pub async fn confirm(&self, c: Confirm) -> Result<(), AppError> {
        if c.token.len() != 64 || !c.token.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(AppError::NotFound);
        }
        let path = self.dir().join(&c.token);
        let bytes = std::fs::read(&path).map_err(|_| AppError::Conflict("error.upload_gone"))?;
        let table = self.read(bytes, c.encoding).await?;
        let checked = sheet::check(&table, self.categories, c.status)
            .map_err(|_| AppError::Conflict("error.file_unreadable"))?;
        if !checked.errors.is_empty() && !c.skip_invalid {
            return Err(AppError::Conflict("error.import_has_errors"));
        }
        self.db
            .run(move |conn| {
                sheet::apply(conn, &checked.valid, &|_| {}).map_err(AppError::Internal)
            })
            .await?;
        let _ = std::fs::remove_file(&path);
        self.search.notify();
        Ok(())
    }
}
