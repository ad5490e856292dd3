//! Firms' profiles: a member edits its own firm's (`/my/firm`), organizers any firm's and merge
//! duplicates (`/admin/firms`).

use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};

use super::form::{flash, see_other, DoneQuery, Posted};
use super::session::Viewer;
use super::{lang_of, parse_id, render, render_status};
use crate::error::AppError;
use crate::services::firms::{FirmForm, Firms};
use crate::state::AppState;

type Page = Result<HttpResponse, AppError>;

#[derive(Serialize)]
struct FirmPage {
    id: i32,
    name: String,
    values: FirmForm,
    errors: std::collections::BTreeMap<String, String>,
    action: String,
    done: Option<String>,
}

async fn firm_page(
    state: &web::Data<AppState>,
    req: &HttpRequest,
    viewer: &Viewer,
    org: i32,
    action: String,
    typed: Option<(FirmForm, Vec<crate::domain::FieldError>)>,
    done: Option<String>,
) -> Page {
    let user = viewer.require_verified()?;
    let (o, saved) = Firms::of(state).form(user, org).await?;
    let lang = lang_of(req);
    let (values, errors): (FirmForm, std::collections::BTreeMap<String, String>) = match typed {
        Some((v, e)) => (v, super::error_map(lang, &e)),
        None => (saved, Default::default()),
    };
    let status = if errors.is_empty() {
        actix_web::http::StatusCode::OK
    } else {
        actix_web::http::StatusCode::BAD_REQUEST
    };
    render_status(
        state,
        req,
        "firms/edit.html",
        FirmPage {
            id: o.id,
            name: o.fields.name.clone(),
            values,
            errors,
            action,
            done,
        },
        status,
    )
}

fn own_firm(viewer: &Viewer) -> Result<i32, AppError> {
    viewer.require_verified()?.firm().ok_or(AppError::Forbidden)
}

/// A member's form for its own firm's profile.
pub async fn own_form(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    query: web::Query<DoneQuery>,
) -> Page {
    let org = own_firm(&viewer)?;
    firm_page(
        &state,
        &req,
        &viewer,
        org,
        "/my/firm".into(),
        None,
        flash(query.done.as_deref()),
    )
    .await
}

/// Saves the member's own firm's profile.
pub async fn own_save(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    form: Posted<FirmForm>,
) -> Page {
    let org = own_firm(&viewer)?;
    save(
        &state,
        &req,
        &viewer,
        org,
        form.into_inner(),
        "/my/firm".into(),
    )
    .await
}

async fn save(
    state: &web::Data<AppState>,
    req: &HttpRequest,
    viewer: &Viewer,
    org: i32,
    form: FirmForm,
    action: String,
) -> Page {
    let user = viewer.require_verified()?;
    match Firms::of(state).save(user, org, &form).await {
        Ok(()) => Ok(see_other(&format!("{action}?done=firm_saved"))),
        Err(AppError::Invalid(errors)) => {
            firm_page(state, req, viewer, org, action, Some((form, errors)), None).await
        }
        Err(e) => Err(e),
    }
}

#[derive(Serialize)]
struct FirmsList {
    firms: Vec<crate::db::firms::FirmRow>,
    done: Option<String>,
    error: Option<String>,
}

/// Every firm, for organizers: edit one, or merge a duplicate into another.
pub async fn admin_list(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    query: web::Query<DoneQuery>,
) -> Page {
    let user = viewer.require_staff()?;
    let firms = Firms::of(&state).list(user).await?;
    render(
        &state,
        &req,
        "admin/firms.html",
        FirmsList {
            firms,
            done: flash(query.done.as_deref()),
            error: None,
        },
    )
}

/// An organizer's form for any firm's profile.
pub async fn admin_form(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    id: web::Path<String>,
    query: web::Query<DoneQuery>,
) -> Page {
    viewer.require_staff()?;
    let id = parse_id(&id)?;
    firm_page(
        &state,
        &req,
        &viewer,
        id,
        format!("/admin/firms/{id}"),
        None,
        flash(query.done.as_deref()),
    )
    .await
}

/// Saves any firm's profile (organizers).
pub async fn admin_save(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    id: web::Path<String>,
    form: Posted<FirmForm>,
) -> Page {
    viewer.require_staff()?;
    let id = parse_id(&id)?;
    save(
        &state,
        &req,
        &viewer,
        id,
        form.into_inner(),
        format!("/admin/firms/{id}"),
    )
    .await
}

#[derive(Deserialize)]
pub struct MergeForm {
    #[serde(default)]
    into: String,
}

/// Merges a duplicate firm into another.
pub async fn merge(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    id: web::Path<String>,
    form: Posted<MergeForm>,
) -> Page {
    let user = viewer.require_staff()?;
    let from = parse_id(&id)?;
    let into = crate::domain::codes::digits_to_latin(form.into.trim())
        .parse::<i32>()
        .map_err(|_| AppError::invalid("into", "error.firm_unknown"));
    let result = match into {
        Ok(into) => Firms::of(&state).merge(user, from, into).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(see_other("/admin/firms?done=firms_merged")),
        Err(AppError::Invalid(errors)) => {
            let firms = Firms::of(&state).list(user).await?;
            let lang = lang_of(&req);
            render_status(
                &state,
                &req,
                "admin/firms.html",
                FirmsList {
                    firms,
                    done: None,
                    error: errors.first().map(|e| crate::i18n::t(lang, e.key)),
                },
                actix_web::http::StatusCode::BAD_REQUEST,
            )
        }
        Err(e) => Err(e),
    }
}
