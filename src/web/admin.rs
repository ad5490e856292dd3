//! The staff's pages: users and roles (admins), organizations to verify (organizers and admins),
//! undeliverable mail and site settings (admins).

use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};

use super::form::{flash, see_other, Posted};
use super::session::Viewer;
use super::{parse_id, render};
use crate::domain::account::Role;
use crate::error::AppError;
use crate::services::staff::{self, Staff};
use crate::state::AppState;

type Page = Result<HttpResponse, AppError>;

#[derive(Serialize)]
struct DashboardPage {
    #[serde(flatten)]
    dashboard: staff::Dashboard,
    done: Option<String>,
}

pub async fn dashboard(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    query: web::Query<super::form::DoneQuery>,
) -> Page {
    let me = viewer.require_staff()?;
    let dashboard = Staff::of(&state).dashboard(me).await?;
    let page = DashboardPage {
        dashboard,
        done: flash(query.done.as_deref()),
    };
    render(&state, &req, "admin/index.html", page)
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
    let change = staff::RoleChange::parse(&form.role)
        .ok_or_else(|| AppError::invalid("role", "error.role_choose"))?;
    Staff::of(&state).set_role(me, id, change).await?;
    Ok(see_other("/admin?done=role"))
}

pub async fn verify_organization(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
    _form: Posted<super::form::Empty>,
) -> Page {
    viewer.require_staff()?;
    Staff::of(&state)
        .verify_organization(parse_id(&id)?)
        .await?;
    Ok(see_other("/admin?done=verified"))
}

pub async fn retry_mail(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
    _form: Posted<super::form::Empty>,
) -> Page {
    viewer.require_role(&[Role::Admin])?;
    Staff::of(&state).retry_mail(parse_id(&id)?).await?;
    Ok(see_other("/admin?done=retried"))
}

pub async fn retry_all_mail(
    state: web::Data<AppState>,
    viewer: Viewer,
    _form: Posted<super::form::Empty>,
) -> Page {
    viewer.require_role(&[Role::Admin])?;
    Staff::of(&state).retry_all_mail().await?;
    Ok(see_other("/admin?done=retried"))
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
    Staff::of(&state)
        .require_staff_2fa(form.require_2fa.is_some())
        .await?;
    Ok(see_other("/admin?done=settings"))
}

#[derive(serde::Serialize)]
struct ReportPage {
    #[serde(flatten)]
    report: crate::services::reports::Report,
}

/// The figures, for staff only, in the page's language.
async fn staff_report(
    state: &web::Data<AppState>,
    req: &HttpRequest,
    viewer: &Viewer,
) -> Result<crate::services::reports::Report, AppError> {
    viewer.require_staff()?;
    crate::services::reports::Reports::of(state)
        .report(super::lang_of(req))
        .await
}

/// The organizers' dashboard of figures, charts beside their tables.
pub async fn reports(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
) -> Result<HttpResponse, AppError> {
    let report = staff_report(&state, &req, &viewer).await?;
    render(&state, &req, "admin/reports.html", ReportPage { report })
}

/// The dashboard's figures as CSV: series, label, value.
pub async fn reports_csv(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
) -> Result<HttpResponse, AppError> {
    let report = staff_report(&state, &req, &viewer).await?;
    let bytes =
        crate::services::spreadsheet::write_table_csv(&crate::services::reports::csv_rows(&report))
            .map_err(AppError::Internal)?;
    Ok(HttpResponse::Ok()
        .insert_header((
            actix_web::http::header::CONTENT_TYPE,
            "text/csv; charset=utf-8",
        ))
        .insert_header((
            actix_web::http::header::CONTENT_DISPOSITION,
            "attachment; filename=\"niaz-figures.csv\"",
        ))
        .body(bytes))
}

#[derive(Serialize)]
struct SynonymsPage {
    extra: String,
    defaults: Vec<&'static str>,
    errors: Vec<crate::search::synonyms::LineError>,
    done: Option<String>,
}

fn default_synonyms() -> Vec<&'static str> {
    include_str!("../search/synonyms.txt")
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .collect()
}

/// Organizers' synonym groups, beside the defaults they add to.
pub async fn synonyms_form(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    query: web::Query<super::form::DoneQuery>,
) -> Page {
    viewer.require_staff()?;
    let extra = crate::services::synonyms::extra(&state.db).await?;
    render(
        &state,
        &req,
        "admin/synonyms.html",
        SynonymsPage {
            extra,
            defaults: default_synonyms(),
            errors: Vec::new(),
            done: flash(query.done.as_deref()),
        },
    )
}

#[derive(Deserialize)]
pub struct SynonymsForm {
    synonyms: String,
}

pub async fn save_synonyms(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    form: Posted<SynonymsForm>,
) -> Page {
    let user = viewer.require_staff()?;
    match crate::services::synonyms::save(&state.db, &state.search, user, &form.synonyms).await? {
        Ok(()) => Ok(see_other("/admin/synonyms?done=synonyms_saved")),
        Err(errors) => super::render_status(
            &state,
            &req,
            "admin/synonyms.html",
            SynonymsPage {
                extra: form.into_inner().synonyms,
                defaults: default_synonyms(),
                errors,
                done: None,
            },
            actix_web::http::StatusCode::BAD_REQUEST,
        ),
    }
}

#[derive(Serialize)]
struct FamiliesPage {
    extra: String,
    defaults: Vec<&'static str>,
    processes: Vec<&'static str>,
    errors: Vec<crate::search::matcher::LineError>,
    done: Option<String>,
}

impl FamiliesPage {
    fn new(extra: String, errors: Vec<crate::search::matcher::LineError>) -> Self {
        Self {
            extra,
            defaults: include_str!("../search/part_families.txt")
                .lines()
                .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
                .collect(),
            processes: crate::domain::supplier::Process::ALL
                .iter()
                .map(|p| p.as_str())
                .collect(),
            errors,
            done: None,
        }
    }
}

/// Organizers' part families, beside the built-in ones they add to.
pub async fn families_form(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    query: web::Query<super::form::DoneQuery>,
) -> Page {
    viewer.require_staff()?;
    let extra = crate::services::matching::extra_families(&state.db).await?;
    let mut page = FamiliesPage::new(extra, Vec::new());
    page.done = flash(query.done.as_deref());
    render(&state, &req, "admin/part_families.html", page)
}

#[derive(Deserialize)]
pub struct FamiliesForm {
    families: String,
}

pub async fn save_families(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    form: Posted<FamiliesForm>,
) -> Page {
    let user = viewer.require_staff()?;
    match crate::services::matching::save_families(&state.db, &state.matcher, user, &form.families)
        .await?
    {
        Ok(()) => Ok(see_other("/admin/part-families?done=families_saved")),
        Err(errors) => super::render_status(
            &state,
            &req,
            "admin/part_families.html",
            FamiliesPage::new(form.into_inner().families, errors),
            actix_web::http::StatusCode::BAD_REQUEST,
        ),
    }
}
