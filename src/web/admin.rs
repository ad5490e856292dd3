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

/// One of the tables organizers extend beside built-in lines: its page, shared by the search
/// synonyms and the part families (`kind` names the messages, the form's field and its URL).
#[derive(Serialize)]
struct TablePage {
    kind: &'static str,
    action: &'static str,
    extra: String,
    defaults: Vec<&'static str>,
    /// The process names a part family may use (empty for synonyms).
    processes: Vec<&'static str>,
    errors: Vec<crate::search::synonyms::LineError>,
    done: Option<String>,
}

fn lines_of(text: &'static str) -> Vec<&'static str> {
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .collect()
}

impl TablePage {
    fn synonyms(extra: String, errors: Vec<crate::search::synonyms::LineError>) -> Self {
        Self {
            kind: "synonyms",
            action: "/admin/synonyms",
            extra,
            defaults: lines_of(include_str!("../search/synonyms.txt")),
            processes: Vec::new(),
            errors,
            done: None,
        }
    }

    fn families(extra: String, errors: Vec<crate::search::synonyms::LineError>) -> Self {
        Self {
            kind: "families",
            action: "/admin/part-families",
            extra,
            defaults: lines_of(include_str!("../search/part_families.txt")),
            processes: crate::domain::supplier::Process::ALL
                .iter()
                .map(|p| p.as_str())
                .collect(),
            errors,
            done: None,
        }
    }

    fn show(mut self, state: &web::Data<AppState>, req: &HttpRequest, done: Option<&str>) -> Page {
        self.done = flash(done);
        render(state, req, "admin/table.html", self)
    }

    fn refused(self, state: &AppState, req: &HttpRequest) -> Page {
        super::render_status(
            state,
            req,
            "admin/table.html",
            self,
            actix_web::http::StatusCode::BAD_REQUEST,
        )
    }
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
    TablePage::synonyms(extra, Vec::new()).show(&state, &req, query.done.as_deref())
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
        Err(errors) => {
            TablePage::synonyms(form.into_inner().synonyms, errors).refused(&state, &req)
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
    TablePage::families(extra, Vec::new()).show(&state, &req, query.done.as_deref())
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
        Err(errors) => {
            TablePage::families(form.into_inner().families, errors).refused(&state, &req)
        }
    }
}
