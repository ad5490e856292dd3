//! Turns errors into pages: a translated HTML page, or JSON under `/api/`.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{header, StatusCode};
use actix_web::middleware::Next;
use actix_web::{web, HttpResponse};
use serde::Serialize;

use super::lang_of;
use crate::error::AppError;
use crate::i18n;
use crate::state::AppState;

#[derive(Serialize)]
struct FieldMessage {
    field: String,
    message: String,
}

fn key_for_status(status: StatusCode) -> &'static str {
    match status.as_u16() {
        404 => "error.not_found",
        405 => "error.method_not_allowed",
        413 => "error.too_large",
        400..=499 => "error.bad_request",
        _ => "error.internal",
    }
}

fn code_for_status(status: StatusCode) -> &'static str {
    match status.as_u16() {
        404 => "not_found",
        405 => "method_not_allowed",
        413 => "too_large",
        400..=499 => "bad_request",
        _ => "internal",
    }
}

/// Middleware: every response that carries an error gets a body in the request's language.
pub async fn render_errors(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    // The request must not be cloned before the inner service runs: routing needs it unshared.
    let res = next.call(req).await?.map_into_boxed_body();
    let Some(error) = res.response().error() else {
        return Ok(res);
    };
    let http_req = res.request().clone();
    let status = res.status();
    let lang = lang_of(&http_req);
    let app_error = error.as_error::<AppError>();
    let (code, key) = match app_error {
        Some(e) => (e.code(), e.message_key()),
        None => (code_for_status(status), key_for_status(status)),
    };
    let fields: Vec<FieldMessage> = match app_error {
        Some(AppError::Invalid(errors)) => errors
            .iter()
            .map(|e| FieldMessage {
                field: e.field.clone(),
                message: i18n::t(lang, e.key),
            })
            .collect(),
        _ => Vec::new(),
    };
    let message = i18n::t(lang, key);

    // A page that needs a signed-in user sends visitors to the login form, and back afterwards.
    if status == StatusCode::UNAUTHORIZED
        && http_req.method() == actix_web::http::Method::GET
        && !http_req.path().starts_with("/api/")
    {
        let next = http_req.uri().path_and_query().map_or("/", |p| p.as_str());
        let location = format!("/login?next={}", crate::web::urlencode(next));
        let response = HttpResponse::SeeOther()
            .insert_header((header::LOCATION, location))
            .finish();
        return Ok(ServiceResponse::new(http_req, response));
    }

    let response = if http_req.path().starts_with("/api/") {
        let field = fields.first().map(|f| f.field.clone());
        HttpResponse::build(status).json(serde_json::json!({
            "error": {"code": code, "message": message, "field": field, "fields": fields}
        }))
    } else {
        let state = http_req.app_data::<web::Data<AppState>>().cloned();
        let page = state.and_then(|state| {
            super::render_status(
                &state,
                &http_req,
                "error.html",
                serde_json::json!({
                    "status": status.as_u16(),
                    "code": code,
                    "message": message,
                    "fields": fields,
                }),
                status,
            )
            .ok()
        });
        page.unwrap_or_else(|| {
            HttpResponse::build(status)
                .insert_header((header::CONTENT_TYPE, "text/plain; charset=utf-8"))
                .body(message)
        })
    };
    let mut response = response;
    // "Try again in a moment" keeps saying when.
    if let Some(after) = res.headers().get(header::RETRY_AFTER) {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, after.clone());
    }
    Ok(ServiceResponse::new(http_req, response))
}
