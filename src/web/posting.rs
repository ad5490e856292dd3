//! The firm's pages (its needs, the need form) and the organizers' review queue.

use std::collections::HashMap;

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::json;

use super::form::{check_csrf_query, flash, read_upload, see_other, Posted, UploadLimits};
use super::session::Viewer;
use super::{lang_of, parse_id, render, render_status};
use crate::app::AppState;
use crate::db::posting as p;
use crate::domain::FieldError;
use crate::error::AppError;
use crate::i18n;
use crate::services::catalogue::NeedView;
use crate::services::posting;

type Page = Result<HttpResponse, AppError>;

/// The firm's dashboard: its needs by status, and what waits for it.
pub async fn dashboard(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    query: web::Query<HashMap<String, String>>,
) -> Page {
    let user = viewer.require_verified()?.clone();
    let org = user.organization_id.ok_or(AppError::Forbidden)?;
    let data = state
        .db
        .run(move |conn| {
            let rows = p::needs_of_organization(conn, org)?;
            let mut counts: HashMap<String, usize> = HashMap::new();
            let mut needs = Vec::new();
            for row in &rows {
                *counts.entry(row.0.status.as_str().to_string()).or_default() += 1;
                let decision = p::last_decision(conn, row.0.id)?;
                let mut v = serde_json::to_value(NeedView::from_row(row)).unwrap_or_default();
                v["expires_at"] = json!(row.0.expires_at);
                v["rejected_reason"] = json!(decision.filter(|(d, _)| d == "rejected" && row.0.status == crate::domain::need::NeedStatus::Draft).map(|(_, r)| r));
                needs.push(v);
            }
            let org = crate::db::catalogue::find_organization(conn, org)?;
            Ok(json!({"needs": needs, "counts": counts, "organization": org.map(|o| json!({"id": o.id, "name": o.name, "verified": o.verified}))}))
        })
        .await?;
    let mut data = data;
    data["done"] = json!(flash(query.get("done").map(String::as_str)));
    render(&state, &req, "my/needs.html", data)
}

async fn form_page(
    state: &AppState,
    req: &HttpRequest,
    viewer: &Viewer,
    id: Option<i32>,
    values: serde_json::Value,
    errors: &[FieldError],
) -> Page {
    let user = viewer.require_verified()?;
    let lang = lang_of(req);
    let errors: HashMap<String, String> = errors
        .iter()
        .map(|e| (e.field.clone(), i18n::t(lang, e.key)))
        .collect();
    let categories: Vec<serde_json::Value> = state
        .categories
        .iter()
        .map(|c| json!({"slug": c.slug, "name_fa": c.name_fa, "name_en": c.name_en, "child": c.parent_id.is_some()}))
        .collect();
    let staff = user.is_staff();
    let organizations: Vec<(i32, String)> = if staff && id.is_none() {
        state
            .db
            .run(|conn| Ok(crate::db::catalogue::organization_names(conn)?))
            .await?
    } else {
        Vec::new()
    };
    let files = match id {
        Some(need) => {
            state
                .db
                .run(move |conn| Ok(crate::db::attachments::of_need(conn, need)?))
                .await?
        }
        None => Vec::new(),
    };
    let data = json!({
        "files": files,
        "organizations": organizations,
        "id": id,
        "values": values,
        "errors": errors,
        "categories": categories,
        "units": crate::domain::need::Unit::ALL.iter().map(|u| u.as_str()).collect::<Vec<_>>(),
        "currencies": crate::domain::money::Currency::ALL.iter().map(|c| c.code()).collect::<Vec<_>>(),
        "staff": staff,
    });
    let status = if errors.is_empty() {
        actix_web::http::StatusCode::OK
    } else {
        actix_web::http::StatusCode::BAD_REQUEST
    };
    render_status(state, req, "my/need_form.html", data, status)
}

pub async fn new_form(state: web::Data<AppState>, req: HttpRequest, viewer: Viewer) -> Page {
    posting::may_post(viewer.require_verified()?)?;
    form_page(
        &state,
        &req,
        &viewer,
        None,
        json!({"unit": "piece", "currency": "IRR"}),
        &[],
    )
    .await
}

async fn submit_form(
    state: &web::Data<AppState>,
    req: &HttpRequest,
    viewer: &Viewer,
    id: Option<i32>,
    form: HashMap<String, String>,
) -> Page {
    // Authorize before a single field is looked at: an error page may only ever show the
    // user's own need.
    let user = viewer.require_verified()?;
    match id {
        Some(id) => {
            posting::managed(state, user, id).await?;
        }
        None => posting::may_post(user)?,
    }
    if id.is_none() && form.get("confirm_new").map(String::as_str) != Some("1") {
        if let Some(existing) = posting::same_part(state, user, &form).await? {
            let mut values = json!(form);
            values["same_part"] = json!(existing);
            return form_page(state, req, viewer, None, values, &[]).await;
        }
    }
    let submit = form.get("action").map(String::as_str) == Some("submit");
    match posting::save(state, user, id, form.clone(), submit).await {
        Ok(id) => {
            let done = if submit { "submitted" } else { "draft_saved" };
            // Staff may belong to no firm: they go back to the need they just saved.
            let to = if user.is_staff() {
                format!("/my/needs/{id}/edit?done={done}")
            } else {
                format!("/my/needs?done={done}")
            };
            let mut res = see_other(&to);
            // Tells scripts and tests which need was saved.
            if let Ok(v) = header::HeaderValue::from_str(&id.to_string()) {
                res.headers_mut()
                    .insert(header::HeaderName::from_static("x-need-id"), v);
            }
            Ok(res)
        }
        Err(AppError::Invalid(errors)) => {
            form_page(state, req, viewer, id, json!(form), &errors).await
        }
        Err(e) => Err(e),
    }
}

pub async fn create(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    form: Posted<HashMap<String, String>>,
) -> Page {
    submit_form(&state, &req, &viewer, None, form.into_inner()).await
}

async fn edit_values(state: &AppState, id: i32) -> Result<serde_json::Value, AppError> {
    let (need, _, cat) = state
        .db
        .run(move |conn| crate::db::catalogue::find_need(conn, id)?.ok_or(AppError::NotFound))
        .await?;
    let mut values: serde_json::Map<String, serde_json::Value> =
        crate::services::need_form::to_cells(&need.content, &cat.slug)
            .into_iter()
            .map(|(k, v)| (k.to_string(), json!(v)))
            .collect();
    values.insert("status".into(), json!(need.status));
    Ok(serde_json::Value::Object(values))
}

pub async fn edit_form(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    id: web::Path<String>,
    query: web::Query<HashMap<String, String>>,
) -> Page {
    let user = viewer.require_verified()?;
    let id = parse_id(&id)?;
    posting::managed(&state, user, id).await?;
    let mut values = edit_values(&state, id).await?;
    values["done"] = json!(flash(query.get("done").map(String::as_str)));
    form_page(&state, &req, &viewer, Some(id), values, &[]).await
}

pub async fn update(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    id: web::Path<String>,
    form: Posted<HashMap<String, String>>,
) -> Page {
    let id = parse_id(&id)?;
    submit_form(&state, &req, &viewer, Some(id), form.into_inner()).await
}

pub async fn withdraw(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
    _form: Posted<HashMap<String, String>>,
) -> Page {
    let user = viewer.require_verified()?;
    posting::withdraw(&state, user, parse_id(&id)?).await?;
    Ok(see_other("/my/needs?done=withdrawn"))
}

pub async fn upload_file(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    id: web::Path<String>,
    payload: actix_multipart::Multipart,
) -> Page {
    // Session, token and ownership first; only then is the body read, within its bounds.
    check_csrf_query(&req, &viewer)?;
    let user = viewer.require_verified()?;
    let id = parse_id(&id)?;
    posting::managed(&state, user, id).await?;
    let limits = UploadLimits {
        max_file_bytes: state.config.max_upload_bytes,
        max_fields: 4,
    };
    let result = match read_upload(&req, payload, limits).await {
        Ok(upload) => {
            let visibility = upload
                .fields
                .get("visibility")
                .map_or("public", String::as_str);
            let (name, bytes) = upload.file.unwrap_or_default();
            crate::services::attachments::add(&state, user, id, &name, bytes, visibility).await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(see_other(&format!("/my/needs/{id}/edit?done=file_added"))),
        Err(AppError::Invalid(errors)) => {
            let values = edit_values(&state, id).await?;
            form_page(&state, &req, &viewer, Some(id), values, &errors).await
        }
        Err(e) => Err(e),
    }
}

pub async fn delete_file(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<(String, String)>,
    _form: Posted<HashMap<String, String>>,
) -> Page {
    let user = viewer.require_verified()?;
    let (need, file) = (parse_id(&path.0)?, parse_id(&path.1)?);
    crate::services::attachments::remove(&state, user, need, file).await?;
    Ok(see_other(&format!(
        "/my/needs/{need}/edit?done=file_removed"
    )))
}

/// Sends a stored file after the access check. Images may show inline; everything else is a
/// download. `nosniff` and a sandboxing CSP keep any file from running in the site's origin.
pub async fn serve_file(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<(String, String)>,
) -> Page {
    let id = parse_id(&path.0)?;
    let thumb = match path.1.as_str() {
        "full" => false,
        "thumb" => true,
        _ => return Err(AppError::NotFound),
    };
    let d = crate::services::attachments::download(&state, viewer.user(), id, thumb).await?;
    let bytes = std::fs::read(&d.path).map_err(|_| AppError::NotFound)?;
    let ascii: String = d
        .name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let disposition = format!(
        "{}; filename=\"{ascii}\"; filename*=UTF-8''{}",
        if d.inline { "inline" } else { "attachment" },
        super::urlencode(&d.name)
    );
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, d.content_type))
        .insert_header((header::CONTENT_DISPOSITION, disposition))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .insert_header((
            "Content-Security-Policy",
            "sandbox; default-src 'none'; img-src 'self'",
        ))
        .insert_header((
            header::CACHE_CONTROL,
            if d.public {
                "private, max-age=3600"
            } else {
                // Confidential drawings and files of unpublished needs stay in no cache.
                "private, no-store"
            },
        ))
        .body(bytes))
}

pub async fn join(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
    form: Posted<HashMap<String, String>>,
) -> Page {
    let user = viewer.require_verified()?;
    let id = parse_id(&id)?;
    let get = |k: &str| form.get(k).map_or("", String::as_str);
    posting::join(
        &state,
        user,
        id,
        get("quantity_per_year"),
        get("unit_price"),
        get("currency"),
    )
    .await?;
    Ok(see_other(&format!("/needs/{id}?done=joined_need")))
}

pub async fn renew(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
    _form: Posted<HashMap<String, String>>,
) -> Page {
    let user = viewer.require_verified()?;
    posting::renew(&state, user, parse_id(&id)?).await?;
    Ok(see_other("/my/needs?done=renewed"))
}

pub async fn duplicate(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
    _form: Posted<HashMap<String, String>>,
) -> Page {
    let user = viewer.require_verified()?;
    let new = posting::duplicate(&state, user, parse_id(&id)?).await?;
    Ok(see_other(&format!("/my/needs/{new}/edit")))
}

/// The review queue, oldest first.
pub async fn review_queue(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    query: web::Query<HashMap<String, String>>,
) -> Page {
    viewer.require_staff()?;
    let needs = state
        .db
        .run(|conn| {
            Ok(p::review_queue(conn)?
                .iter()
                .map(|row| {
                    let mut v = serde_json::to_value(NeedView::from_row(row)).unwrap_or_default();
                    v["firm_name"] = json!(row.1.name);
                    v
                })
                .collect::<Vec<_>>())
        })
        .await?;
    render(
        &state,
        &req,
        "admin/review.html",
        json!({"needs": needs, "done": flash(query.get("done").map(String::as_str))}),
    )
}

pub async fn decide(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
    form: Posted<HashMap<String, String>>,
) -> Page {
    let staff = viewer.require_staff()?;
    let approve = match form.get("decision").map(String::as_str) {
        Some("approve") => true,
        Some("reject") => false,
        _ => return Err(AppError::invalid("decision", "error.role_choose")),
    };
    posting::decide(
        &state,
        staff,
        parse_id(&id)?,
        approve,
        form.get("reason").map_or("", String::as_str),
    )
    .await?;
    Ok(see_other(&format!(
        "/admin/review?done={}",
        if approve { "approved" } else { "rejected" }
    )))
}
