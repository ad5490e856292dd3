//! The firm's pages (its needs, the need form) and the organizers' review queue.

use std::collections::BTreeMap;

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};

use super::form::{
    check_csrf_query, flash, read_upload, read_upload_keeping, see_other, Empty, Posted,
    UploadLimits,
};
use super::session::Viewer;
use super::{lang_of, parse_id, render, render_status};
use crate::db::models::{Attachment, Category, User};
use crate::domain::FieldError;
use crate::error::AppError;
use crate::i18n;
use crate::services::catalogue::NeedView;
use crate::services::posting::{self, Posting};
use crate::state::AppState;

type Page = Result<HttpResponse, AppError>;

/// The need form arrives as named cells, exactly like a spreadsheet row: both go through the
/// same parser (`services::need_form::parse`), so a value accepted in one is accepted in the
/// other.
type Cells = BTreeMap<String, String>;

#[derive(Serialize)]
struct DashboardPage {
    #[serde(flatten)]
    dashboard: posting::Dashboard,
    done: Option<String>,
}

/// The firm's dashboard: its needs by status, and what waits for it.
pub async fn dashboard(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    query: web::Query<super::form::DoneQuery>,
) -> Page {
    let user = viewer.require_verified()?;
    let org = user.firm().ok_or(AppError::Forbidden)?;
    let page = DashboardPage {
        dashboard: Posting::of(&state).dashboard(org).await?,
        done: flash(query.done.as_deref()),
    };
    render(&state, &req, "my/needs.html", page)
}

#[derive(Serialize)]
struct CategoryOption<'a> {
    slug: &'a str,
    name_fa: &'a str,
    name_en: &'a str,
    child: bool,
}

impl<'a> From<&'a Category> for CategoryOption<'a> {
    fn from(c: &'a Category) -> Self {
        Self {
            slug: &c.slug,
            name_fa: &c.name_fa,
            name_en: &c.name_en,
            child: c.parent_id.is_some(),
        }
    }
}

#[derive(Serialize)]
struct NeedFormPage<'a> {
    id: Option<i32>,
    values: &'a Cells,
    errors: BTreeMap<String, String>,
    categories: Vec<CategoryOption<'a>>,
    units: Vec<&'static str>,
    currencies: Vec<&'static str>,
    staff: bool,
    organizations: Vec<(i32, String)>,
    files: Vec<Attachment>,
    /// Another firm's open need with the same part number, offered to join instead.
    same_part: Option<NeedView>,
    done: Option<String>,
    /// The production desk case this need was made from.
    desk_case: Option<String>,
    /// The largest file accepted, for the form to say and to check before sending.
    max_file_bytes: u64,
    /// The process boxes, and the suggestion they started from.
    processes: Vec<(crate::domain::supplier::Process, bool)>,
    processes_suggested: String,
}

/// What the form shows besides the values: errors, flash, or the need to join.
#[derive(Default)]
struct FormExtras<'a> {
    errors: &'a [FieldError],
    same_part: Option<NeedView>,
    done: Option<String>,
    /// Files refused for their size: (name, bytes), told next to the file field.
    refused: &'a [(String, usize)],
}

async fn form_page(
    state: &AppState,
    req: &HttpRequest,
    viewer: &Viewer,
    id: Option<i32>,
    values: &Cells,
    extras: FormExtras<'_>,
) -> Page {
    let user = viewer.require_verified()?;
    let lang = lang_of(req);
    let data = Posting::of(state).form_data(user, id).await?;
    let desk_case = match id {
        Some(id) => {
            crate::services::desk::Desk::of(state)
                .case_of_need(id)
                .await?
        }
        None => None,
    };
    let (processes, processes_suggested) =
        crate::services::matching::Matching::of(state).form_processes(values)?;
    let mut errors: BTreeMap<String, String> = extras
        .errors
        .iter()
        .map(|e| (e.field.clone(), i18n::t(lang, e.key)))
        .collect();
    if !extras.refused.is_empty() {
        let limit = state.config.max_upload_bytes;
        errors.insert(
            "file".into(),
            super::form::refused_message(lang, extras.refused, limit),
        );
    }
    let page = NeedFormPage {
        max_file_bytes: state.config.max_upload_bytes as u64,
        processes,
        processes_suggested,
        desk_case,
        id,
        values,
        errors,
        categories: state.categories.iter().map(CategoryOption::from).collect(),
        units: crate::domain::need::Unit::ALL
            .iter()
            .map(|u| u.as_str())
            .collect(),
        currencies: crate::domain::money::Currency::ALL
            .iter()
            .map(|c| c.code())
            .collect(),
        staff: user.is_staff(),
        organizations: data.organizations,
        files: data.files,
        same_part: extras.same_part,
        done: extras.done,
    };
    let status = if page.errors.is_empty() {
        actix_web::http::StatusCode::OK
    } else {
        actix_web::http::StatusCode::BAD_REQUEST
    };
    render_status(state, req, "my/need_form.html", page, status)
}

pub async fn new_form(state: web::Data<AppState>, req: HttpRequest, viewer: Viewer) -> Page {
    posting::may_post(viewer.require_verified()?)?;
    let defaults: Cells = [("unit", "piece"), ("currency", "IRR")]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    form_page(
        &state,
        &req,
        &viewer,
        None,
        &defaults,
        FormExtras::default(),
    )
    .await
}

async fn submit_form(
    state: &AppState,
    req: &HttpRequest,
    viewer: &Viewer,
    id: Option<i32>,
    form: Cells,
) -> Page {
    // Authorize before a single field is looked at: an error page may only ever show the
    // user's own need.
    let user = viewer.require_verified()?;
    match id {
        Some(id) => {
            posting::managed(&state.db, user, id).await?;
        }
        None => posting::may_post(user)?,
    }
    let service = Posting::of(state);
    if id.is_none() && form.get("confirm_new").map(String::as_str) != Some("1") {
        if let Some(existing) = service.same_part(user, &form).await? {
            let extras = FormExtras {
                same_part: Some(existing),
                ..FormExtras::default()
            };
            return form_page(state, req, viewer, None, &form, extras).await;
        }
    }
    let submit = form.get("action").map(String::as_str) == Some("submit");
    match service.save(user, id, &form, submit).await {
        Ok(id) => Ok(saved(user, id, submit)),
        Err(AppError::Invalid(errors)) => {
            let extras = FormExtras {
                errors: &errors,
                ..FormExtras::default()
            };
            form_page(state, req, viewer, id, &form, extras).await
        }
        Err(e) => Err(e),
    }
}

/// Where a saved need's form leads.
fn saved(user: &User, id: i32, submit: bool) -> HttpResponse {
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
    res
}

/// Most files chosen with the new-need form; more can be added on the need's page.
const FILES_WITH_FORM: usize = 5;

/// The new-need form as the site sends it: multipart, so that drawings are attached in the same
/// step. The need and its files are saved together or not at all; any error in a field or a
/// file shows the form again with every error, as typed.
pub async fn create_with_files(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    payload: actix_multipart::Multipart,
) -> Page {
    // Session, token and permission first; only then is the body read, within its bounds.
    check_csrf_query(&req, &viewer)?;
    let user = viewer.require_verified()?;
    posting::may_post(user)?;
    let limits = UploadLimits {
        max_file_bytes: state.config.max_upload_bytes,
        max_fields: 40,
        max_files: usize::try_from(state.config.max_files_per_need)
            .unwrap_or(1)
            .clamp(1, FILES_WITH_FORM),
    };
    let upload = match read_upload_keeping(&req, payload, limits).await {
        Ok(upload) => upload,
        Err(AppError::Invalid(errors)) => {
            let extras = FormExtras {
                errors: &errors,
                ..FormExtras::default()
            };
            return form_page(&state, &req, &viewer, None, &Cells::new(), extras).await;
        }
        Err(e) => return Err(e),
    };
    let form: Cells = upload.fields.into_iter().collect();
    if !upload.refused.is_empty() {
        // Nothing is saved, and nothing typed is lost: the form again, the file named.
        let extras = FormExtras {
            refused: &upload.refused,
            ..FormExtras::default()
        };
        return form_page(&state, &req, &viewer, None, &form, extras).await;
    }
    let key = form.get("submission").cloned();
    super::form::once(&state, &viewer, key.as_deref(), || {
        create_from_upload(&state, &req, &viewer, form, upload.files)
    })
    .await
}

/// The multipart need form, read: checked, its files prepared, saved.
async fn create_from_upload(
    state: &AppState,
    req: &HttpRequest,
    viewer: &Viewer,
    form: Cells,
    files: Vec<(String, Vec<u8>)>,
) -> Page {
    let user = viewer.require_verified()?;
    let service = Posting::of(state);
    if form.get("confirm_new").map(String::as_str) != Some("1") {
        if let Some(existing) = service.same_part(user, &form).await? {
            let errors = if files.is_empty() {
                Vec::new()
            } else {
                vec![FieldError::new("file", "error.files_again")]
            };
            let extras = FormExtras {
                errors: &errors,
                same_part: Some(existing),
                ..FormExtras::default()
            };
            return form_page(state, req, viewer, None, &form, extras).await;
        }
    }
    let submit = form.get("action").map(String::as_str) == Some("submit");
    let visibility = crate::domain::files::Visibility::parse(
        form.get("visibility").map_or("public", String::as_str),
    );
    let attachments = crate::services::attachments::Attachments::of(state);
    let (_, mut errors) = service.check(&form, submit)?;
    if visibility.is_none() {
        errors.push(FieldError::new("visibility", "error.visibility_invalid"));
    }
    let mut prepared = Vec::new();
    for (name, bytes) in files {
        match attachments.prepare(&name, bytes).await {
            Ok(p) => prepared.push(p),
            Err(AppError::Invalid(file_errors)) => {
                for e in file_errors {
                    if !errors.contains(&e) {
                        errors.push(e);
                    }
                }
            }
            Err(e) => return Err(e),
        }
    }
    if !errors.is_empty() {
        if !prepared.is_empty() && !errors.iter().any(|e| e.field == "file") {
            errors.push(FieldError::new("file", "error.files_again"));
        }
        let extras = FormExtras {
            errors: &errors,
            ..FormExtras::default()
        };
        return form_page(state, req, viewer, None, &form, extras).await;
    }
    let visibility = visibility.unwrap_or(crate::domain::files::Visibility::Public);
    let rows = prepared
        .into_iter()
        .map(|p| attachments.write(p, visibility))
        .collect::<Result<Vec<_>, _>>()?;
    match service
        .save_with_files(user, None, &form, submit, rows.clone())
        .await
    {
        Ok(id) => Ok(saved(user, id, submit)),
        Err(e) => {
            attachments.discard(&rows);
            let AppError::Invalid(mut errors) = e else {
                return Err(e);
            };
            errors.push(FieldError::new("file", "error.files_again"));
            let extras = FormExtras {
                errors: &errors,
                ..FormExtras::default()
            };
            form_page(state, req, viewer, None, &form, extras).await
        }
    }
}

pub async fn create(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    form: Posted<Cells>,
) -> Page {
    let form = form.into_inner();
    let key = form.get("submission").cloned();
    super::form::once(&state, &viewer, key.as_deref(), || {
        submit_form(&state, &req, &viewer, None, form)
    })
    .await
}

pub async fn edit_form(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    id: web::Path<String>,
    query: web::Query<super::form::DoneQuery>,
) -> Page {
    let user = viewer.require_verified()?;
    let id = parse_id(&id)?;
    posting::managed(&state.db, user, id).await?;
    let mut values = Posting::of(&state).edit_values(id).await?;
    // A reopened Persian form shows the deadline as it was typed there: Jalali, Persian digits.
    if lang_of(&req) == crate::i18n::Lang::Fa {
        if let Some(d) = values
            .get("deadline")
            .and_then(|v| crate::domain::dates::parse_date(v).ok())
        {
            values.insert(
                "deadline".into(),
                crate::i18n::format_date_numeric(d, crate::i18n::Lang::Fa),
            );
        }
    }
    let extras = FormExtras {
        done: flash(query.done.as_deref()),
        ..FormExtras::default()
    };
    form_page(&state, &req, &viewer, Some(id), &values, extras).await
}

pub async fn update(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    id: web::Path<String>,
    form: Posted<Cells>,
) -> Page {
    let id = parse_id(&id)?;
    submit_form(&state, &req, &viewer, Some(id), form.into_inner()).await
}

pub async fn withdraw(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
    _form: Posted<Empty>,
) -> Page {
    let user = viewer.require_verified()?;
    Posting::of(&state).withdraw(user, parse_id(&id)?).await?;
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
    posting::managed(&state.db, user, id).await?;
    let limits = UploadLimits {
        max_file_bytes: state.config.max_upload_bytes,
        max_fields: 4,
        max_files: 1,
    };
    let result = match read_upload(&req, payload, limits).await {
        Ok(mut upload) => {
            let visibility = upload
                .fields
                .get("visibility")
                .map_or("public", String::as_str)
                .to_string();
            let (name, bytes) = upload.file().unwrap_or_default();
            crate::services::attachments::Attachments::of(&state)
                .add(user, id, &name, bytes, &visibility)
                .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(see_other(&format!("/my/needs/{id}/edit?done=file_added"))),
        Err(AppError::Invalid(errors)) => {
            let values = Posting::of(&state).edit_values(id).await?;
            let extras = FormExtras {
                errors: &errors,
                ..FormExtras::default()
            };
            form_page(&state, &req, &viewer, Some(id), &values, extras).await
        }
        Err(e) => Err(e),
    }
}

pub async fn delete_file(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<(String, String)>,
    _form: Posted<Empty>,
) -> Page {
    let user = viewer.require_verified()?;
    let (need, file) = (parse_id(&path.0)?, parse_id(&path.1)?);
    crate::services::attachments::Attachments::of(&state)
        .remove(user, need, file)
        .await?;
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
    let d = crate::services::attachments::Attachments::of(&state)
        .download(viewer.user(), id, thumb)
        .await?;
    super::file_response(&d.path, &d.content_type, &d.name, d.inline, d.public)
}

#[derive(Deserialize)]
pub struct JoinForm {
    #[serde(default)]
    quantity_per_year: String,
    #[serde(default)]
    unit_price: String,
    #[serde(default)]
    currency: String,
}

pub async fn join(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
    form: Posted<JoinForm>,
) -> Page {
    let user = viewer.require_verified()?;
    let id = parse_id(&id)?;
    Posting::of(&state)
        .join(
            user,
            id,
            &form.quantity_per_year,
            &form.unit_price,
            &form.currency,
        )
        .await?;
    Ok(see_other(&format!("/needs/{id}?done=joined_need")))
}

pub async fn renew(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
    _form: Posted<Empty>,
) -> Page {
    let user = viewer.require_verified()?;
    Posting::of(&state).renew(user, parse_id(&id)?).await?;
    Ok(see_other("/my/needs?done=renewed"))
}

pub async fn duplicate(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
    _form: Posted<Empty>,
) -> Page {
    let user = viewer.require_verified()?;
    let new = Posting::of(&state).duplicate(user, parse_id(&id)?).await?;
    Ok(see_other(&format!("/my/needs/{new}/edit")))
}

#[derive(Serialize)]
struct ReviewPage {
    needs: Vec<crate::services::staff::ReviewItem>,
    done: Option<String>,
}

/// The review queue, oldest first.
pub async fn review_queue(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    query: web::Query<super::form::DoneQuery>,
) -> Page {
    viewer.require_staff()?;
    let page = ReviewPage {
        needs: crate::services::staff::Staff::of(&state)
            .review_queue()
            .await?,
        done: flash(query.done.as_deref()),
    };
    render(&state, &req, "admin/review.html", page)
}

#[derive(Deserialize)]
pub struct DecisionForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    reason: String,
}

pub async fn decide(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
    form: Posted<DecisionForm>,
) -> Page {
    let staff = viewer.require_staff()?;
    let approve = match form.decision.as_str() {
        "approve" => true,
        "reject" => false,
        _ => return Err(AppError::invalid("decision", "error.role_choose")),
    };
    Posting::of(&state)
        .decide(staff, parse_id(&id)?, approve, &form.reason)
        .await?;
    Ok(see_other(&format!(
        "/admin/review?done={}",
        if approve { "approved" } else { "rejected" }
    )))
}
