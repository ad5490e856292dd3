//! The one error type of the web layer, and how it is rendered.
//!
//! Handlers, services and `Db::run` closures return `Result<_, AppError>`. The error itself carries
//! no language or format: the `render_errors` middleware in [`crate::web::errors`] turns it into a
//! translated HTML page, or into `{"error": {"code", "message", "field"}}` under `/api/`. Internal
//! errors are logged with their cause chain and shown to users only as a generic message.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};

use crate::domain::FieldError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    /// Input that failed validation, field by field.
    #[error("invalid input: {0:?}")]
    Invalid(Vec<FieldError>),
    #[error("authentication required")]
    Unauthorized,
    #[error("forbidden")]
    Forbidden,
    /// The request conflicts with the current state; the key names the message.
    #[error("conflict: {0}")]
    Conflict(&'static str),
    #[error("too many requests")]
    TooManyRequests,
    /// A request body over its limit, refused before it is read in full.
    #[error("request body too large")]
    TooLarge,
    /// The site cannot do this right now (a write lock held too long, a full disk, search being
    /// rebuilt): 503 with `Retry-After`; the key says what, in the user's language.
    #[error("unavailable: {0}")]
    Unavailable(&'static str),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl AppError {
    /// One invalid field.
    pub fn invalid(field: impl Into<String>, key: &'static str) -> Self {
        AppError::Invalid(vec![FieldError::new(field, key)])
    }

    /// Stable machine-readable code for the JSON rendering.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::NotFound => "not_found",
            AppError::Invalid(_) => "invalid",
            AppError::Unauthorized => "unauthorized",
            AppError::Forbidden => "forbidden",
            AppError::Conflict(_) => "conflict",
            AppError::TooManyRequests => "too_many_requests",
            AppError::TooLarge => "too_large",
            AppError::Unavailable(_) => "unavailable",
            AppError::Internal(_) => "internal",
        }
    }

    /// Message key in the string table.
    pub fn message_key(&self) -> &'static str {
        match self {
            AppError::NotFound => "error.not_found",
            AppError::Invalid(errors) => errors.first().map_or("error.invalid", |e| e.key),
            AppError::Unauthorized => "error.unauthorized",
            AppError::Forbidden => "error.forbidden",
            AppError::Conflict(key) => key,
            AppError::TooManyRequests => "error.too_many_requests",
            AppError::TooLarge => "error.too_large",
            AppError::Unavailable(key) => key,
            AppError::Internal(_) => "error.internal",
        }
    }
}

/// Why a write could not be made, when it is the database's state rather than the request's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unwritable {
    /// The write lock was not had in time.
    Busy,
    /// No room left on disk.
    Full,
}

/// Recognizes a busy or full database in an error, on either backend.
pub fn unwritable(e: &diesel::result::Error) -> Option<Unwritable> {
    let diesel::result::Error::DatabaseError(_, info) = e else {
        return None;
    };
    let message = info.message().to_ascii_lowercase();
    if message.contains("database is locked")
        || message.contains("database is busy")
        || message.contains("lock timeout")
        || message.contains("could not obtain lock")
    {
        Some(Unwritable::Busy)
    } else if message.contains("disk is full")
        || message.contains("no space left")
        || message.contains("disk full")
    {
        Some(Unwritable::Full)
    } else {
        None
    }
}

impl From<diesel::result::Error> for AppError {
    /// A database too busy to take a write, or out of disk, is "try again shortly" (503 with
    /// `Retry-After`), never a generic 500; the log says which.
    fn from(e: diesel::result::Error) -> Self {
        match e {
            diesel::result::Error::NotFound => AppError::NotFound,
            other => match unwritable(&other) {
                Some(Unwritable::Busy) => {
                    tracing::warn!("a write waited too long for the database: {other}");
                    AppError::Unavailable("error.busy")
                }
                Some(Unwritable::Full) => {
                    tracing::error!("the database cannot write, its disk is full: {other}");
                    AppError::Unavailable("error.disk_full")
                }
                None => AppError::Internal(anyhow::Error::new(other).context("database query")),
            },
        }
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Invalid(_) => StatusCode::BAD_REQUEST,
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            AppError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The body is left empty here and filled in by the `render_errors` middleware, which knows
    /// the request's language and whether it came through the API.
    fn error_response(&self) -> HttpResponse {
        if let AppError::Internal(e) = self {
            tracing::error!(error = format!("{e:#}"), "internal error");
        }
        if let AppError::Unavailable(why) = self {
            // Its cause is logged once where it arose (a busy or full database, a rebuild).
            tracing::debug!(why, "answered 503");
            return HttpResponse::build(self.status_code())
                .insert_header((actix_web::http::header::RETRY_AFTER, "5"))
                .finish();
        }
        HttpResponse::build(self.status_code()).finish()
    }
}
