//! Site-wide pages: home, about, language switch, health check, assets and the 404 fallback.

use actix_web::cookie::{time::Duration as CookieDuration, Cookie, SameSite};
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use super::render;
use crate::assets::Assets;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::services::catalogue;
use crate::state::AppState;

pub async fn home(state: web::Data<AppState>, req: HttpRequest) -> Result<HttpResponse, AppError> {
    let view = catalogue::home(&state.db).await?;
    render(&state, &req, "home.html", view)
}

pub async fn about(state: web::Data<AppState>, req: HttpRequest) -> Result<HttpResponse, AppError> {
    render(&state, &req, "about.html", ())
}

#[derive(Deserialize)]
pub struct LangForm {
    lang: String,
    #[serde(default)]
    next: String,
}

pub async fn switch_language(
    req: HttpRequest,
    form: web::Form<LangForm>,
) -> Result<HttpResponse, AppError> {
    // Harmless enough to need no token (it sets a display preference), but never cross-site.
    super::session::check_origin(&req)?;
    let lang = Lang::parse(&form.lang).ok_or_else(|| AppError::invalid("lang", "error.lang"))?;
    let cookie = Cookie::build(super::LANG_COOKIE, lang.code())
        .path("/")
        .max_age(CookieDuration::days(365))
        .same_site(SameSite::Lax)
        .http_only(true)
        .finish();
    let next = super::form::safe_next(Some(&form.next)).unwrap_or_else(|| "/".to_string());
    Ok(HttpResponse::SeeOther()
        .cookie(cookie)
        .insert_header((header::LOCATION, without_lang(&next)))
        .finish())
}

/// A path without its `lang=` parameter: the switch wins over a language in the URL (a page
/// opened from an English mail, say), which would otherwise choose again.
fn without_lang(path: &str) -> String {
    let Some((base, query)) = path.split_once('?') else {
        return path.to_string();
    };
    let kept: Vec<&str> = query
        .split('&')
        .filter(|p| !p.is_empty() && !p.starts_with("lang="))
        .collect();
    if kept.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{}", kept.join("&"))
    }
}

/// Liveness: 503 when the server cannot do its job (the database cannot answer or take a
/// write: a lock held too long, a full disk), else 200; the body says what else is wrong
/// (search rebuilding or behind, mail failing), in every case.
pub async fn healthz(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let report = crate::services::health::report(&state).await?;
    let mut res = if report.is_down() {
        tracing::error!(status = report.status, "health check");
        HttpResponse::ServiceUnavailable()
    } else {
        HttpResponse::Ok()
    };
    Ok(res
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(report))
}

/// Readiness, for balancers in front of several servers: 200 only when everything is whole
/// (search included), else 503 with the same report.
pub async fn readyz(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let report = crate::services::health::report(&state).await?;
    let mut res = if report.is_ok() {
        HttpResponse::Ok()
    } else {
        HttpResponse::ServiceUnavailable()
    };
    Ok(res
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(report))
}

pub async fn asset(req: HttpRequest, path: web::Path<String>) -> Result<HttpResponse, AppError> {
    let asset = Assets::get(&path).ok_or(AppError::NotFound)?;
    let etag = format!("\"{}\"", asset.etag);
    if req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        == Some(etag.as_str())
    {
        return Ok(HttpResponse::NotModified()
            .insert_header((header::ETAG, etag))
            .finish());
    }
    // Versioned URLs never change content; unversioned ones are revalidated hourly.
    let cache = if req.query_string().starts_with("v=") {
        "public, max-age=31536000, immutable"
    } else {
        "public, max-age=3600"
    };
    let mut res = HttpResponse::Ok();
    res.insert_header((header::CONTENT_TYPE, asset.content_type))
        .insert_header((header::CACHE_CONTROL, cache))
        .insert_header((header::ETAG, etag));
    if !(asset.content_type.starts_with("text/") || asset.content_type == "image/svg+xml") {
        // Fonts and images are compressed already: gzip only makes them bigger.
        res.insert_header((header::CONTENT_ENCODING, "identity"));
    }
    Ok(res.body(asset.data.into_owned()))
}

pub async fn not_found() -> Result<HttpResponse, AppError> {
    Err(AppError::NotFound)
}
