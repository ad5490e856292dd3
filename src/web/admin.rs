//! The staff's pages: users and roles (admins), organizations to verify (organizers and admins),
//! undeliverable mail and site settings (admins).

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use serde_json::json;

use super::form::Posted;
use super::session::Viewer;
use super::{parse_id, render};
use crate::app::AppState;
use crate::domain::account::Role;
use crate::error::AppError;
use crate::services::accounts::REQUIRE_STAFF_2FA;

type Page = Result<HttpResponse, AppError>;

fn back(to: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, to.to_string()))
        .finish()
}

#[derive(Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

pub async fn dashboard(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    query: web::Query<DoneQuery>,
) -> Page {
    let me = viewer.require_staff()?;
    let is_admin = me.role == Role::Admin;
    let data = state
        .db
        .run(move |conn| {
            use crate::db::{accounts, catalogue, outbox};
            let users: Vec<serde_json::Value> = if is_admin {
                accounts::list_users(conn)?
                    .into_iter()
                    .map(|u| json!({"id": u.id, "name": u.name, "role": u.role, "verified": u.email_verified_at.is_some(), "totp": u.totp_enabled}))
                    .collect()
            } else {
                Vec::new()
            };
            let orgs: Vec<serde_json::Value> = catalogue::unverified_organizations(conn)?
                .into_iter()
                .map(|o| json!({"id": o.id, "name": o.name, "kind": o.kind, "city": o.city}))
                .collect();
            let dead: Vec<serde_json::Value> = if is_admin {
                outbox::dead(conn)?
                    .into_iter()
                    .map(|m| json!({"id": m.id, "template": m.template, "attempts": m.attempts, "error": m.last_error, "created_at": m.created_at}))
                    .collect()
            } else {
                Vec::new()
            };
            let require_2fa = accounts::setting(conn, REQUIRE_STAFF_2FA)?.as_deref() == Some("true");
            Ok(json!({"is_admin": is_admin, "users": users, "organizations": orgs, "dead_mail": dead, "require_2fa": require_2fa}))
        })
        .await?;
    let mut data = data;
    data["done"] = json!(query.done.as_deref().filter(|d| crate::i18n::lookup(
        crate::i18n::Lang::Fa,
        &format!("flash.{d}")
    )
    .is_some()));
    render(&state, &req, "admin/index.html", data)
}

#[derive(Deserialize)]
pub struct RoleForm {
    #[serde(default)]
    role: String,
}

/// Admins grant and revoke the organizer role.
pub async fn set_role(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
    form: Posted<RoleForm>,
) -> Page {
    let me = viewer.require_role(&[Role::Admin])?;
    let id = parse_id(&id)?;
    if id == me.id {
        return Err(AppError::Conflict("error.own_role"));
    }
    let grant = match form.role.as_str() {
        "organizer" => true,
        "member" => false,
        _ => return Err(AppError::invalid("role", "error.role_choose")),
    };
    state
        .db
        .run(move |conn| {
            let user = crate::db::accounts::find_user(conn, id)?.ok_or(AppError::NotFound)?;
            if user.role == Role::Admin {
                return Err(AppError::Conflict("error.own_role"));
            }
            let role = if grant {
                Role::Organizer
            } else if user.organization_id.is_some() {
                Role::Buyer
            } else {
                Role::Supplier
            };
            Ok(crate::db::accounts::set_role(conn, id, role.as_str())?)
        })
        .await?;
    Ok(back("/admin?done=role"))
}

pub async fn verify_organization(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
    _form: Posted<super::form::Empty>,
) -> Page {
    viewer.require_staff()?;
    let id = parse_id(&id)?;
    let found = state
        .db
        .run(move |conn| {
            Ok(crate::db::catalogue::set_organization_verified(
                conn, id, true,
            )?)
        })
        .await?;
    if !found {
        return Err(AppError::NotFound);
    }
    Ok(back("/admin?done=verified"))
}

pub async fn retry_mail(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
    _form: Posted<super::form::Empty>,
) -> Page {
    viewer.require_role(&[Role::Admin])?;
    let id = parse_id(&id)?;
    let found = state
        .db
        .run(move |conn| Ok(crate::db::outbox::retry(conn, id)?))
        .await?;
    if !found {
        return Err(AppError::NotFound);
    }
    state.mail_wake.notify_one();
    Ok(back("/admin?done=retried"))
}

#[derive(Deserialize)]
pub struct SettingsForm {
    require_2fa: Option<String>,
}

pub async fn settings(
    state: web::Data<AppState>,
    viewer: Viewer,
    form: Posted<SettingsForm>,
) -> Page {
    viewer.require_role(&[Role::Admin])?;
    let value = if form.require_2fa.is_some() {
        "true"
    } else {
        "false"
    };
    state
        .db
        .run(move |conn| {
            Ok(crate::db::accounts::set_setting(
                conn,
                REQUIRE_STAFF_2FA,
                value,
            )?)
        })
        .await?;
    Ok(back("/admin?done=settings"))
}
