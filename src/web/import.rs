//! The organizers' spreadsheet upload: upload, preview every problem or the rows to import,
//! then confirm. The uploaded file waits under `<data>/imports/` between the two steps.

use std::collections::HashMap;

use actix_multipart::Multipart;
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::json;

use super::form::{check_csrf_query, read_upload, Posted, UploadLimits};
use super::session::Viewer;
use super::{lang_of, render};
use crate::domain::need::NeedStatus;
use crate::error::AppError;
use crate::services::spreadsheet as sheet;
use crate::state::AppState;

type Page = Result<HttpResponse, AppError>;

pub async fn form(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    query: web::Query<HashMap<String, String>>,
) -> Page {
    viewer.require_staff()?;
    let done = query
        .get("done")
        .filter(|d| d.as_str() == "imported")
        .cloned();
    render(
        &state,
        &req,
        "admin/import.html",
        json!({"preview": null, "done": done, "columns": sheet::COLUMNS}),
    )
}

fn uploads_dir(state: &AppState) -> std::path::PathBuf {
    state.config.data_dir.join("imports")
}

/// Reads a sheet off the async workers, with at most a few at once: parsing a large workbook is
/// seconds of CPU, and must never hold up the pages being served.
async fn parse_table(
    state: &AppState,
    bytes: Vec<u8>,
    encoding: Option<String>,
) -> Result<sheet::Table, AppError> {
    let limits = state.config.sheet_limits;
    let _permit = state
        .heavy_work
        .acquire()
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    web::block(move || {
        let encoding = encoding.as_deref().and_then(sheet::Encoding::parse);
        sheet::read_bytes(&bytes, encoding, &limits)
    })
    .await
    .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?
    .map_err(|e| match e {
        sheet::ReadError::Limit(key, _) => AppError::invalid("file", key),
        sheet::ReadError::Unreadable(_) => AppError::invalid("file", "error.file_unreadable"),
    })
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
    };
    let upload = read_upload(&req, payload, limits).await?;
    let fields = upload.fields;
    let bytes = upload
        .file
        .map(|(_, b)| b)
        .filter(|b| !b.is_empty())
        .ok_or_else(|| AppError::invalid("file", "error.required"))?;
    let status = NeedStatus::parse(fields.get("status").map_or("published", String::as_str))
        .ok_or_else(|| AppError::invalid("status", "error.status_unknown"))?;
    let encoding = fields.get("encoding").filter(|e| !e.is_empty()).cloned();
    let table = parse_table(&state, bytes.clone(), encoding.clone()).await?;
    let lang = lang_of(&req);
    let preview = match sheet::check(&table, &state.categories, status) {
        Err(header_errors) => json!({
            "rows": table.rows.len(),
            "valid": 0,
            "invalid_rows": 0,
            "errors": header_errors.iter().map(|e| e.message(lang)).collect::<Vec<_>>(),
            "header_problem": true,
        }),
        Ok(checked) => {
            let token = crate::auth::random_token();
            let dir = uploads_dir(&state);
            std::fs::create_dir_all(&dir).map_err(|e| AppError::Internal(e.into()))?;
            std::fs::write(dir.join(&token), &bytes).map_err(|e| AppError::Internal(e.into()))?;
            json!({
                "rows": table.rows.len(),
                "valid": checked.valid.len(),
                "invalid_rows": checked.invalid_rows,
                "errors": checked.errors.iter().take(500).map(|e| e.message(lang)).collect::<Vec<_>>(),
                "more_errors": checked.errors.len().saturating_sub(500),
                "sample": checked.valid.iter().take(20).map(|r| json!({"row": r.row, "title": r.need.content.title, "organization": r.organization, "part_number": r.need.content.part_number})).collect::<Vec<_>>(),
                "token": token,
                "status": status.as_str(),
                "encoding": encoding,
                "header_problem": false,
            })
        }
    };
    let code = if preview["errors"].as_array().is_some_and(|e| !e.is_empty()) {
        400
    } else {
        200
    };
    super::render_status(
        &state,
        &req,
        "admin/import.html",
        json!({"preview": preview, "done": null, "columns": sheet::COLUMNS}),
        actix_web::http::StatusCode::from_u16(code).unwrap_or(actix_web::http::StatusCode::OK),
    )
}

pub async fn confirm(
    state: web::Data<AppState>,
    viewer: Viewer,
    form: Posted<HashMap<String, String>>,
) -> Page {
    viewer.require_staff()?;
    let token = form.get("token").cloned().unwrap_or_default();
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(AppError::NotFound);
    }
    let path = uploads_dir(&state).join(&token);
    let bytes = std::fs::read(&path).map_err(|_| AppError::Conflict("error.upload_gone"))?;
    let status = NeedStatus::parse(form.get("status").map_or("published", String::as_str))
        .unwrap_or(NeedStatus::Published);
    let skip_invalid = form.get("skip_invalid").is_some();
    let table = parse_table(&state, bytes, form.get("encoding").cloned()).await?;
    let checked = sheet::check(&table, &state.categories, status)
        .map_err(|_| AppError::Conflict("error.file_unreadable"))?;
    if !checked.errors.is_empty() && !skip_invalid {
        return Err(AppError::Conflict("error.import_has_errors"));
    }
    state
        .db
        .run(move |conn| sheet::apply(conn, &checked.valid, &|_| {}).map_err(AppError::Internal))
        .await?;
    let _ = std::fs::remove_file(&path);
    state.search.notify();
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, "/admin/import?done=imported"))
        .finish())
}
