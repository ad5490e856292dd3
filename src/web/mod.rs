//! HTML handlers: extract the request, call a service, render a template. No SQL and no business
//! rules live here; the JSON API calls the same services.

pub mod account;
pub mod admin;
pub mod alerts;
pub mod audit;
pub mod catalogue;
pub mod desk;
pub mod errors;
pub mod exhibitions;
pub mod firms;
pub mod form;
pub mod import;
pub mod interests;
pub mod pages;
pub mod posting;
pub mod search;
pub mod session;
pub mod slow_body;
pub mod suppliers;

use actix_web::http::header;
use actix_web::{web, HttpMessage, HttpRequest, HttpResponse};
use minijinja::{context, Value};
use serde::Serialize;

use crate::error::AppError;
use crate::i18n::Lang;
use crate::state::AppState;

/// Name of the cookie that remembers the chosen language.
pub const LANG_COOKIE: &str = "lang";

/// The language of a request: `?lang=` when given (shared links, API clients), else the
/// remembered choice, else Persian.
pub fn lang_of(req: &HttpRequest) -> Lang {
    req.query_string()
        .split('&')
        .find_map(|pair| pair.strip_prefix("lang="))
        .and_then(Lang::parse)
        .or_else(|| req.cookie(LANG_COOKIE).and_then(|c| Lang::parse(c.value())))
        .unwrap_or_default()
}

/// A language chosen with `?lang=` is remembered like the switch's choice, so the next click
/// keeps it.
fn remembered_language(req: &HttpRequest) -> Option<actix_web::cookie::Cookie<'static>> {
    let lang = req
        .query_string()
        .split('&')
        .find_map(|pair| pair.strip_prefix("lang="))
        .and_then(Lang::parse)?;
    if req
        .cookie(LANG_COOKIE)
        .is_some_and(|c| c.value() == lang.code())
    {
        return None;
    }
    Some(
        actix_web::cookie::Cookie::build(LANG_COOKIE, lang.code())
            .path("/")
            .max_age(actix_web::cookie::time::Duration::days(365))
            .same_site(actix_web::cookie::SameSite::Lax)
            .http_only(true)
            .finish(),
    )
}

/// Who is signed in, as every page's navigation needs it.
#[derive(Serialize)]
struct ViewerView<'a> {
    id: i32,
    name: &'a str,
    role: crate::domain::account::Role,
    /// Staff powers in use (not withheld for want of two-step sign-in).
    staff: bool,
    verified: bool,
    has_org: bool,
}

/// Renders a page template with the common context every page needs: its language and direction,
/// and the current path (for the language switch to come back to).
pub fn render(
    state: &web::Data<AppState>,
    req: &HttpRequest,
    template: &str,
    data: impl Serialize,
) -> Result<HttpResponse, AppError> {
    render_status(state, req, template, data, actix_web::http::StatusCode::OK)
}

pub fn render_status(
    state: &AppState,
    req: &HttpRequest,
    template: &str,
    data: impl Serialize,
    status: actix_web::http::StatusCode,
) -> Result<HttpResponse, AppError> {
    let lang = lang_of(req);
    let path = req
        .uri()
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .to_string();
    let session = req.extensions().get::<session::Session>().cloned();
    let viewer = session
        .as_ref()
        .and_then(|s| s.user.as_ref())
        .map(|u| ViewerView {
            id: u.id,
            name: &u.name,
            role: u.role,
            staff: u.is_staff(),
            verified: u.is_verified(),
            has_org: u.firm().is_some(),
        });
    // Masked afresh for every page (see `auth::mask_token`).
    let csrf = session.as_ref().map(|s| crate::auth::mask_token(&s.csrf));
    let ctx = context! {
        viewer => viewer,
        csrf => csrf,
        lang => lang.code(),
        dir => lang.dir(),
        other_lang => lang.other().code(),
        path => path,
        base_url => state.config.base_url.clone(),
        ..Value::from_serialize(&data)
    };
    let body = state.templates.render(template, ctx)?;
    let mut res = HttpResponse::build(status);
    if let Some(cookie) = remembered_language(req) {
        res.cookie(cookie);
    }
    res.insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
        .insert_header((header::CONTENT_LANGUAGE, lang.code()))
        .insert_header((header::VARY, "Cookie"));
    if session.is_some() {
        // Pages seen inside a session may carry personal data or a CSRF token: never cache them.
        res.insert_header((header::CACHE_CONTROL, "no-store"));
    }
    Ok(res.body(body))
}

/// Field errors as a form page shows them: field name → message in the page's language.
pub fn error_map(
    lang: Lang,
    errors: &[crate::domain::FieldError],
) -> std::collections::BTreeMap<String, String> {
    errors
        .iter()
        .map(|e| (e.field.clone(), crate::i18n::t(lang, e.key)))
        .collect()
}

/// An uploaded file as a response: its download name in ASCII and UTF-8, sniffing off, scripts
/// sandboxed; cached a while only when anyone may see it (a public file of a public need).
pub fn file_response(
    path: &std::path::Path,
    content_type: &str,
    name: &str,
    inline: bool,
    public: bool,
) -> Result<HttpResponse, AppError> {
    use actix_web::http::header;
    let bytes = std::fs::read(path).map_err(|_| AppError::NotFound)?;
    let ascii: String = name
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
        if inline { "inline" } else { "attachment" },
        urlencode(name)
    );
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, content_type.to_string()))
        .insert_header((header::CONTENT_DISPOSITION, disposition))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .insert_header((
            "Content-Security-Policy",
            "sandbox; default-src 'none'; img-src 'self'",
        ))
        .insert_header((
            header::CACHE_CONTROL,
            if public {
                "private, max-age=3600"
            } else {
                // Confidential drawings, files of unpublished needs and desk documents.
                "private, no-store"
            },
        ))
        .body(bytes))
}

/// Parses a numeric id from the path; anything else is a missing page, not a server error.
pub fn parse_id(raw: &str) -> Result<i32, AppError> {
    crate::domain::codes::digits_to_latin(raw)
        .parse::<i32>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or(AppError::NotFound)
}

/// Percent-encodes a string for a query parameter (everything but RFC 3986's unreserved
/// characters).
pub fn urlencode(s: &str) -> String {
    crate::domain::text::url_encode(s)
}
