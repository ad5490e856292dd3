//! The organizers' spreadsheet upload: upload, preview every problem or the rows to import,
//! then confirm. The uploaded file waits under `<data>/imports/` between the two steps.

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};

use super::form::{check_csrf_query, read_upload, see_other, Posted, UploadLimits};
use super::session::Viewer;
use super::{lang_of, render};
use crate::domain::need::NeedStatus;
use crate::error::AppError;
use crate::services::import::{Confirm, Import, Preview};
use crate::services::spreadsheet as sheet;
use crate::state::AppState;

type Page = Result<HttpResponse, AppError>;

pub async fn form(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    query: web::Query<super::form::DoneQuery>,
) -> Page {
    viewer.require_staff()?;
    let page = ImportPage {
        preview: None,
        done: (query.done.as_deref() == Some("imported")).then_some("imported"),
        columns: &sheet::COLUMNS,
    };
    render(&state, &req, "admin/import.html", page)
}

#[derive(Serialize)]
struct ImportPage {
    preview: Option<Preview>,
    done: Option<&'static str>,
    columns: &'static [&'static str],
}

pub async fn preview(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    payload: Multipart,
) -> Page {
    // Token and role before the body; then the body within its bounds.
    check_csrf_query(&req, &viewer)?;
    viewer.require_staff()?;
    let limits = UploadLimits {
        max_file_bytes: state.config.sheet_limits.max_file_bytes,
        max_fields: 4,
        max_files: 1,
    };
    let mut upload = read_upload(&req, payload, limits).await?;
    let bytes = upload
        .file()
        .map(|(_, b)| b)
        .filter(|b| !b.is_empty())
        .ok_or_else(|| AppError::invalid("file", "error.required"))?;
    let fields = upload.fields;
    let status = NeedStatus::parse(fields.get("status").map_or("published", String::as_str))
        .ok_or_else(|| AppError::invalid("status", "error.status_unknown"))?;
    let encoding = fields.get("encoding").filter(|e| !e.is_empty()).cloned();
    let preview = Import::of(&state)
        .preview(bytes, encoding, status, lang_of(&req))
        .await?;
    let code = if preview.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let page = ImportPage {
        preview: Some(preview),
        done: None,
        columns: &sheet::COLUMNS,
    };
    super::render_status(&state, &req, "admin/import.html", page, code)
}

#[derive(Deserialize)]
pub struct ConfirmForm {
    #[serde(default)]
    token: String,
    status: Option<String>,
    encoding: Option<String>,
    skip_invalid: Option<String>,
}

pub async fn confirm(
    state: web::Data<AppState>,
    viewer: Viewer,
    form: Posted<ConfirmForm>,
) -> Page {
    viewer.require_staff()?;
    let form = form.into_inner();
    let status = NeedStatus::parse(form.status.as_deref().unwrap_or("published"))
        .ok_or_else(|| AppError::invalid("status", "error.status_unknown"))?;
    Import::of(&state)
        .confirm(Confirm {
            token: form.token,
            status,
            encoding: form.encoding.filter(|e| !e.is_empty()),
            skip_invalid: form.skip_invalid.is_some(),
        })
        .await?;
    Ok(see_other("/admin/import?done=imported"))
}
