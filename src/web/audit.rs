//! The audit log: every successful POST by an organizer or admin is recorded at one point, this
//! middleware, whatever page or route it came through; `/admin/audit` shows the log.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{web, HttpMessage, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};

use super::session::{Session, Viewer};
use super::{lang_of, render};
use crate::db::audit::{Entry, Filter};
use crate::error::AppError;
use crate::state::AppState;

/// Routes that act on no one: choosing a language, signing out.
const NOT_ACTIONS: [&str; 2] = ["/lang", "/logout"];

/// Records the staff's successful POSTs: who, which route, on what, where it led, when.
pub async fn record_staff_actions(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let actor = (req.method() == actix_web::http::Method::POST)
        .then(|| {
            req.extensions()
                .get::<Session>()
                .and_then(|s| s.user.as_ref())
                .filter(|u| u.is_staff())
                .map(|u| (u.id, u.email.clone()))
        })
        .flatten();
    let res = next.call(req).await?;
    let Some((actor_id, actor)) = actor else {
        return Ok(res);
    };
    let status = res.status();
    if !(status.is_success() || status.is_redirection()) {
        return Ok(res);
    }
    let request = res.request();
    let pattern = request
        .match_pattern()
        .unwrap_or_else(|| request.path().to_string());
    if NOT_ACTIONS.contains(&pattern.as_str()) {
        return Ok(res);
    }
    let target = request
        .match_info()
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(" ");
    let outcome = res
        .headers()
        .get(actix_web::http::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .map_or_else(|| status.as_u16().to_string(), str::to_string);
    let entry = Entry {
        id: 0,
        actor_id: Some(actor_id),
        actor,
        action: format!("POST {pattern}"),
        target,
        outcome,
        created_at: chrono::Utc::now().naive_utc(),
    };
    if let Some(state) = request.app_data::<web::Data<AppState>>().cloned() {
        let result = state
            .db
            .run(move |conn| Ok(crate::db::audit::record(conn, &entry)?))
            .await;
        if let Err(e) = result {
            tracing::error!("the audit log could not record a staff action: {e}");
        }
    }
    Ok(res)
}

#[derive(Deserialize)]
pub struct AuditQuery {
    #[serde(default)]
    actor: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    page: String,
}

#[derive(Serialize)]
struct AuditPage {
    entries: Vec<Entry>,
    actions: Vec<String>,
    actor: String,
    action: String,
    from: String,
    to: String,
    errors: std::collections::BTreeMap<String, String>,
    page: i64,
    pages: i64,
    total: i64,
    page_base: String,
}

const PER_PAGE: i64 = 50;

/// The audit log, filterable by who, what and when.
pub async fn page(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    query: web::Query<AuditQuery>,
) -> Result<HttpResponse, AppError> {
    viewer.require_staff()?;
    let lang = lang_of(&req);
    let mut errors = std::collections::BTreeMap::new();
    let mut date = |name: &str, raw: &str| -> Option<chrono::NaiveDateTime> {
        if raw.trim().is_empty() {
            return None;
        }
        match crate::domain::dates::parse_date(raw) {
            Ok(d) => Some(d.and_time(chrono::NaiveTime::MIN)),
            Err(key) => {
                errors.insert(name.to_string(), crate::i18n::t(lang, key));
                None
            }
        }
    };
    let since = date("from", &query.from);
    let until = date("to", &query.to).map(|t| t + chrono::Duration::days(1));
    let page: i64 = crate::domain::codes::digits_to_latin(query.page.trim())
        .parse()
        .ok()
        .filter(|p| (1..=100_000).contains(p))
        .unwrap_or(1);
    let filter = Filter {
        actor: Some(query.actor.trim().to_string()).filter(|s| !s.is_empty()),
        action: Some(query.action.trim().to_string()).filter(|s| !s.is_empty()),
        since,
        until,
    };
    let ((entries, total), actions) = state
        .db
        .run(move |conn| {
            Ok((
                crate::db::audit::list(conn, &filter, PER_PAGE, (page - 1) * PER_PAGE)?,
                crate::db::audit::actions(conn)?,
            ))
        })
        .await?;
    let page_base = format!(
        "/admin/audit?actor={}&action={}&from={}&to={}&",
        super::urlencode(&query.actor),
        super::urlencode(&query.action),
        super::urlencode(&query.from),
        super::urlencode(&query.to)
    );
    let view = AuditPage {
        entries,
        actions,
        actor: query.actor.clone(),
        action: query.action.clone(),
        from: query.from.clone(),
        to: query.to.clone(),
        errors,
        page,
        pages: ((total + PER_PAGE - 1) / PER_PAGE).max(1),
        total,
        page_base,
    };
    render(&state, &req, "admin/audit.html", view)
}
