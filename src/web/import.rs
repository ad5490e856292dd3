//! The organizers' spreadsheet upload: upload, preview every problem or the rows to import,
//! then confirm. The uploaded file waits under `<data>/imports/` between the two steps.

use std::collections::HashMap;

use actix_multipart::Multipart;
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use futures_util::StreamExt;
use serde_json::json;

use super::session::{check_csrf, Viewer};
use super::{lang_of, render};
use crate::app::AppState;
use crate::domain::account::Role;
use crate::domain::need::NeedStatus;
use crate::error::AppError;
use crate::services::spreadsheet as sheet;

type Page = Result<HttpResponse, AppError>;

/// Largest spreadsheet accepted for upload.
pub const MAX_UPLOAD: usize = 20 * 1024 * 1024;

pub async fn form(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    query: web::Query<HashMap<String, String>>,
) -> Page {
    super::admin::require_staff(&state, &viewer, &[Role::Organizer, Role::Admin]).await?;
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

/// Reads the multipart form: text fields, and the file's bytes (at most `limit` bytes).
pub async fn read_form(
    mut payload: Multipart,
    limit: usize,
) -> Result<(HashMap<String, String>, Option<Vec<u8>>), AppError> {
    let mut fields = HashMap::new();
    let mut file = None;
    while let Some(item) = payload.next().await {
        let mut field = item.map_err(|_| AppError::invalid("file", "error.upload_failed"))?;
        let name = field.name().unwrap_or_default().to_string();
        let mut bytes = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(|_| AppError::invalid("file", "error.upload_failed"))?;
            if bytes.len() + chunk.len() > limit {
                return Err(AppError::invalid("file", "error.too_large"));
            }
            bytes.extend_from_slice(&chunk);
        }
        if name == "file" {
            let filename = field
                .content_disposition()
                .and_then(|cd| cd.get_filename())
                .unwrap_or_default()
                .to_string();
            fields.insert("filename".into(), filename);
            file = Some(bytes);
        } else {
            fields.insert(name, String::from_utf8_lossy(&bytes).to_string());
        }
    }
    Ok((fields, file))
}

fn parse_table(bytes: &[u8], encoding: Option<&str>) -> Result<sheet::Table, AppError> {
    let encoding = encoding.and_then(sheet::Encoding::parse);
    let table = if bytes.starts_with(b"PK\x03\x04") {
        sheet::read_xlsx(bytes)
    } else {
        sheet::read_csv(&sheet::decode(bytes, encoding))
    };
    table.map_err(|_| AppError::invalid("file", "error.file_unreadable"))
}

pub async fn preview(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    payload: Multipart,
) -> Page {
    let (fields, file) = read_form(payload, MAX_UPLOAD).await?;
    check_csrf(&req, &viewer, fields.get("csrf").map_or("", String::as_str))?;
    super::admin::require_staff(&state, &viewer, &[Role::Organizer, Role::Admin]).await?;
    let bytes = file
        .filter(|b| !b.is_empty())
        .ok_or_else(|| AppError::invalid("file", "error.required"))?;
    let status = NeedStatus::parse(fields.get("status").map_or("published", String::as_str))
        .ok_or_else(|| AppError::invalid("status", "error.status_unknown"))?;
    let encoding = fields.get("encoding").filter(|e| !e.is_empty()).cloned();
    let table = parse_table(&bytes, encoding.as_deref())?;
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
                "sample": checked.valid.iter().take(20).map(|r| json!({"row": r.row, "title": r.need.title, "organization": r.organization, "part_number": r.need.part_number})).collect::<Vec<_>>(),
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
    req: HttpRequest,
    viewer: Viewer,
    form: web::Form<HashMap<String, String>>,
) -> Page {
    check_csrf(&req, &viewer, form.get("csrf").map_or("", String::as_str))?;
    super::admin::require_staff(&state, &viewer, &[Role::Organizer, Role::Admin]).await?;
    let token = form.get("token").cloned().unwrap_or_default();
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(AppError::NotFound);
    }
    let path = uploads_dir(&state).join(&token);
    let bytes = std::fs::read(&path).map_err(|_| AppError::Conflict("error.upload_gone"))?;
    let status = NeedStatus::parse(form.get("status").map_or("published", String::as_str))
        .unwrap_or(NeedStatus::Published);
    let skip_invalid = form.get("skip_invalid").is_some();
    let table = parse_table(&bytes, form.get("encoding").map(String::as_str))?;
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
