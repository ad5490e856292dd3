//! Alert pages: "alert me" on the search page, the account's alerts page, and the one-click
//! unsubscribe links of alert mails (which work without a session: the signed token in the
//! URL is the authority, and no body is read).

use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};

use super::form::{flash, see_other, DoneQuery, Posted};
use super::session::Viewer;
use super::{lang_of, parse_id, render_status};
use crate::error::AppError;
use crate::i18n;
use crate::services::alerts::{
    Alerts, AlertsPage, EditForm, PreferencesForm, SaveForm, UnsubscribeView,
};
use crate::state::AppState;

type Page = Result<HttpResponse, AppError>;

#[derive(Serialize)]
struct AlertsView {
    #[serde(flatten)]
    page: AlertsPage,
    done: Option<String>,
    /// Errors of one saved search's form: (search id or 0 for a new one, field, message).
    errors: Vec<(i32, String, String)>,
    frequencies: [&'static str; 3],
    interest_choices: [&'static str; 3],
}

async fn alerts_page(
    state: &web::Data<AppState>,
    req: &HttpRequest,
    user: &crate::db::models::User,
    done: Option<String>,
    errors: Vec<(i32, String, String)>,
) -> Page {
    let page = Alerts::of(state).page(user).await?;
    let status = if errors.is_empty() {
        actix_web::http::StatusCode::OK
    } else {
        actix_web::http::StatusCode::BAD_REQUEST
    };
    render_status(
        state,
        req,
        "account/alerts.html",
        AlertsView {
            page,
            done,
            errors,
            frequencies: ["instant", "daily", "weekly"],
            interest_choices: ["each", "daily", "off"],
        },
        status,
    )
}

fn field_errors(
    req: &HttpRequest,
    id: i32,
    errors: &[crate::domain::FieldError],
) -> Vec<(i32, String, String)> {
    let lang = lang_of(req);
    errors
        .iter()
        .map(|e| (id, e.field.clone(), i18n::t(lang, e.key)))
        .collect()
}

/// The account's alerts: saved searches and mail choices.
pub async fn page(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    query: web::Query<DoneQuery>,
) -> Page {
    let user = viewer.require_user()?;
    alerts_page(&state, &req, user, flash(query.done.as_deref()), Vec::new()).await
}

/// "Alert me" on the search page: saves the search with its filters.
pub async fn save(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    form: Posted<SaveForm>,
) -> Page {
    let user = viewer.require_verified()?;
    match Alerts::of(&state).save(user, form.into_inner()).await {
        Ok(_) => Ok(see_other("/account/alerts?done=alert_saved")),
        Err(AppError::Invalid(errors)) => {
            let errors = field_errors(&req, 0, &errors);
            alerts_page(&state, &req, user, None, errors).await
        }
        Err(e) => Err(e),
    }
}

/// Renames, reschedules, pauses or resumes a saved search.
pub async fn update(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    id: web::Path<String>,
    form: Posted<EditForm>,
) -> Page {
    let user = viewer.require_user()?;
    let id = parse_id(&id)?;
    match Alerts::of(&state).update(user, id, form.into_inner()).await {
        Ok(()) => Ok(see_other("/account/alerts?done=alert_updated")),
        Err(AppError::Invalid(errors)) => {
            let errors = field_errors(&req, id, &errors);
            alerts_page(&state, &req, user, None, errors).await
        }
        Err(e) => Err(e),
    }
}

/// Deletes a saved search.
pub async fn delete(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
    _form: Posted<super::form::Empty>,
) -> Page {
    let user = viewer.require_user()?;
    let id = parse_id(&id)?;
    Alerts::of(&state).delete(user, id).await?;
    Ok(see_other("/account/alerts?done=alert_deleted"))
}

/// Whether profile matches are mailed, and how new interests are.
pub async fn preferences(
    state: web::Data<AppState>,
    viewer: Viewer,
    form: Posted<PreferencesForm>,
) -> Page {
    let user = viewer.require_user()?;
    Alerts::of(&state)
        .set_preferences(user, form.into_inner())
        .await?;
    Ok(see_other("/account/alerts?done=alert_preferences"))
}

#[derive(Deserialize)]
pub struct TokenQuery {
    #[serde(default)]
    token: String,
}

#[derive(Serialize)]
struct UnsubscribePage {
    view: UnsubscribeView,
    token: String,
    /// `preview`, `off` or `on`.
    step: &'static str,
}

fn unsubscribe_page(
    state: &AppState,
    req: &HttpRequest,
    view: UnsubscribeView,
    token: &str,
    step: &'static str,
) -> Page {
    let mut res = render_status(
        state,
        req,
        "unsubscribe.html",
        UnsubscribePage {
            view,
            token: token.to_string(),
            step,
        },
        actix_web::http::StatusCode::OK,
    )?;
    res.headers_mut().insert(
        actix_web::http::header::CACHE_CONTROL,
        actix_web::http::header::HeaderValue::from_static("no-store"),
    );
    Ok(res)
}

/// An unsubscribe link opened in a browser: says what it turns off, with one button.
pub async fn unsubscribe_form(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<TokenQuery>,
) -> Page {
    let view = Alerts::of(&state).unsubscribe_preview(&query.token).await?;
    unsubscribe_page(&state, &req, view, &query.token, "preview")
}

/// One-click unsubscribe: the button of that page, or a mail client's POST (RFC 8058, body
/// `List-Unsubscribe=One-Click`, no cookies). The signed token authorizes; the body is not read.
pub async fn unsubscribe(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<TokenQuery>,
) -> Page {
    let view = Alerts::of(&state).unsubscribe(&query.token, false).await?;
    unsubscribe_page(&state, &req, view, &query.token, "off")
}

/// Undoes an unsubscribe from its confirmation page.
pub async fn resubscribe(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<TokenQuery>,
) -> Page {
    let view = Alerts::of(&state).unsubscribe(&query.token, true).await?;
    unsubscribe_page(&state, &req, view, &query.token, "on")
}
