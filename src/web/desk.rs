//! The production desk's pages: the front page with the filing form, case lists, a case with
//! its history and actions, phone intake for the desk, and the agencies for admins.

use std::collections::BTreeMap;

use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};

use super::form::{
    check_csrf_query, flash, read_upload, read_upload_keeping, see_other, DoneQuery, Posted,
    UploadLimits,
};
use super::session::Viewer;
use super::{lang_of, render, render_status};
use crate::domain::account::Role;
use crate::domain::desk::{CaseCategory, CaseForm, CaseStatus, Urgency};
use crate::error::AppError;
use crate::services::attachments::Attachments;
use crate::services::desk::{Desk, ListQuery};
use crate::services::working_group::WorkingGroup;
use crate::state::AppState;

type Page = Result<HttpResponse, AppError>;
type Pairs = Vec<(String, String)>;

fn status_for(errors: &[crate::domain::FieldError]) -> actix_web::http::StatusCode {
    if errors.is_empty() {
        actix_web::http::StatusCode::OK
    } else {
        actix_web::http::StatusCode::BAD_REQUEST
    }
}

#[derive(Serialize)]
struct HomePage {
    #[serde(flatten)]
    home: crate::services::desk::DeskHome,
    phone: String,
    categories: Vec<&'static str>,
    urgencies: Vec<&'static str>,
    values: BTreeMap<String, String>,
    chosen_agencies: Vec<String>,
    errors: BTreeMap<String, String>,
    done: Option<String>,
    /// The largest document accepted, for the browser to check before sending.
    max_file_bytes: usize,
}

async fn home_page(
    state: &AppState,
    req: &HttpRequest,
    viewer: &Viewer,
    typed: Option<&Pairs>,
    errors: &[crate::domain::FieldError],
    done: Option<String>,
) -> Page {
    home_page_with(state, req, viewer, typed, errors, done, &[]).await
}

/// The desk's home page, with files refused for their size told at the file field.
async fn home_page_with(
    state: &AppState,
    req: &HttpRequest,
    viewer: &Viewer,
    typed: Option<&Pairs>,
    errors: &[crate::domain::FieldError],
    done: Option<String>,
    refused: &[(String, usize)],
) -> Page {
    let home = Desk::of(state).home(viewer.user()).await?;
    let mut error_map = super::error_map(lang_of(req), errors);
    let status = if errors.is_empty() && refused.is_empty() {
        actix_web::http::StatusCode::OK
    } else {
        actix_web::http::StatusCode::BAD_REQUEST
    };
    if !refused.is_empty() {
        let message =
            super::form::refused_message(lang_of(req), refused, state.config.max_upload_bytes);
        error_map.insert("file".into(), message);
    }
    let pairs = typed.cloned().unwrap_or_default();
    let data = HomePage {
        home,
        phone: state.config.desk_phone.clone(),
        categories: CaseCategory::ALL.iter().map(|c| c.as_str()).collect(),
        urgencies: Urgency::ALL.iter().map(|c| c.as_str()).collect(),
        chosen_agencies: pairs
            .iter()
            .filter(|(k, _)| k == "agencies")
            .map(|(_, v)| v.clone())
            .collect(),
        values: pairs.into_iter().filter(|(k, _)| k != "agencies").collect(),
        errors: error_map,
        done,
        max_file_bytes: state.config.max_upload_bytes,
    };
    render_status(state, req, "desk/home.html", data, status)
}

/// `/desk`: what the desk does, its phone number, and for a firm's members the filing form.
pub async fn home(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    query: web::Query<DoneQuery>,
) -> Page {
    home_page(
        &state,
        &req,
        &viewer,
        None,
        &[],
        flash(query.done.as_deref()),
    )
    .await
}

/// A firm's member files a case.
pub async fn file(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    form: Posted<Pairs>,
) -> Page {
    let user = viewer.require_verified()?;
    super::form::once(
        &state,
        &viewer,
        Some(value(&form, "submission")),
        || async {
            let attachments = Attachments::of(&state);
            let result = Desk::of(&state)
                .file(user, CaseForm::from_pairs(&form), Vec::new(), &attachments)
                .await;
            filed(&state, &req, &viewer, &form, result).await
        },
    )
    .await
}

async fn filed(
    state: &AppState,
    req: &HttpRequest,
    viewer: &Viewer,
    form: &Pairs,
    result: Result<String, AppError>,
) -> Page {
    match result {
        Ok(number) => Ok(see_other(&format!("/desk/cases/{number}?done=case_filed"))),
        Err(AppError::Invalid(errors)) => {
            home_page(state, req, viewer, Some(form), &errors, None).await
        }
        Err(e) => Err(e),
    }
}

/// Most documents sent with one form.
const FILES_AT_ONCE: usize = 5;

/// The site's filing form: multipart, documents chosen in the same form. Session, token and
/// role are checked before the body is read.
pub async fn file_with_files(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    payload: actix_multipart::Multipart,
) -> Page {
    check_csrf_query(&req, &viewer)?;
    let user = viewer.require_verified()?;
    let desk = Desk::of(&state);
    desk.may_file(user).await?;
    let upload = read_upload_keeping(&req, payload, upload_limits(&state)).await;
    let (pairs, files, early) = match upload {
        Ok(u) => {
            if !u.refused.is_empty() {
                // Nothing is filed, and nothing typed is lost: the form again, the file named.
                return home_page_with(
                    &state,
                    &req,
                    &viewer,
                    Some(&u.pairs),
                    &[],
                    None,
                    &u.refused,
                )
                .await;
            }
            (u.pairs, u.files, None)
        }
        Err(AppError::Invalid(e)) => (Vec::new(), Vec::new(), Some(e)),
        Err(e) => return Err(e),
    };
    if let Some(errors) = early {
        return home_page(&state, &req, &viewer, None, &errors, None).await;
    }
    let key = value(&pairs, "submission").to_string();
    super::form::once(&state, &viewer, Some(&key), || async {
        let attachments = Attachments::of(&state);
        let result = desk
            .file(user, CaseForm::from_pairs(&pairs), files, &attachments)
            .await;
        filed(&state, &req, &viewer, &pairs, result).await
    })
    .await
}

fn upload_limits(state: &AppState) -> UploadLimits {
    UploadLimits {
        max_file_bytes: state.config.max_upload_bytes,
        max_fields: 40,
        max_files: FILES_AT_ONCE,
    }
}

/// Documents added to a case (multipart; the token in the URL).
pub async fn add_files(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    number: web::Path<String>,
    payload: actix_multipart::Multipart,
) -> Page {
    check_csrf_query(&req, &viewer)?;
    let user = viewer.require_verified()?;
    let desk = Desk::of(&state);
    // Who may see and write to the case is decided before the body is read.
    let case = desk.case(user, &number).await?;
    if !case.abilities.write {
        return Err(AppError::Conflict("error.case_closed_or_not_yours"));
    }
    let result = match read_upload(&req, payload, upload_limits(&state)).await {
        Ok(upload) => {
            desk.add_files(user, &number, upload.files, &Attachments::of(&state))
                .await
        }
        Err(e) => Err(e),
    };
    after(
        &state,
        &req,
        &viewer,
        &number,
        &Vec::new(),
        result,
        "files_added",
    )
    .await
}

/// A document of a case, for those who may see the case.
pub async fn document(state: web::Data<AppState>, viewer: Viewer, id: web::Path<String>) -> Page {
    let user = viewer.require_verified()?;
    let file = Desk::of(&state)
        .document(user, super::parse_id(&id)?)
        .await?;
    let path = state
        .config
        .data_dir
        .join("uploads")
        .join(&file.stored_name);
    super::file_response(&path, &file.content_type, &file.original_name, false, false)
}

#[derive(Serialize)]
struct ListPage {
    #[serde(flatten)]
    list: crate::services::desk::CaseList,
    query: ListQuery,
    page_base: String,
    statuses: Vec<&'static str>,
    categories: Vec<&'static str>,
    agencies: Vec<crate::db::desk::Agency>,
}

/// The cases the viewer may see: a firm its own, an agency those it was given, the desk all.
pub async fn list(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    query: web::Query<ListQuery>,
) -> Page {
    let user = viewer.require_verified()?;
    let query = query.into_inner();
    let desk = Desk::of(&state);
    let list = desk.list(user, query.clone()).await?;
    let mut base = String::from("/desk/cases?");
    for (k, v) in [
        ("status", &query.status),
        ("category", &query.category),
        ("agency", &query.agency),
        ("open", &query.open),
        ("q", &query.q),
    ] {
        if !v.trim().is_empty() {
            base.push_str(&format!("{k}={}&", super::urlencode(v.trim())));
        }
    }
    let data = ListPage {
        list,
        query,
        page_base: base,
        statuses: CaseStatus::ALL.iter().map(|c| c.as_str()).collect(),
        categories: CaseCategory::ALL.iter().map(|c| c.as_str()).collect(),
        agencies: desk.agencies().await?,
    };
    render(&state, &req, "desk/list.html", data)
}

#[derive(Serialize)]
struct CasePage {
    case: crate::services::desk::CaseView,
    agencies: Vec<crate::db::desk::Agency>,
    settable: Vec<&'static str>,
    values: BTreeMap<String, String>,
    errors: BTreeMap<String, String>,
    done: Option<String>,
}

async fn case_page(
    state: &AppState,
    req: &HttpRequest,
    viewer: &Viewer,
    number: &str,
    typed: Option<&Pairs>,
    errors: &[crate::domain::FieldError],
    done: Option<String>,
) -> Page {
    let user = viewer.require_verified()?;
    let desk = Desk::of(state);
    let case = desk.case(user, number).await?;
    let data = CasePage {
        case,
        agencies: desk.agencies().await?,
        settable: CaseStatus::SETTABLE.iter().map(|c| c.as_str()).collect(),
        values: typed.cloned().unwrap_or_default().into_iter().collect(),
        errors: super::error_map(lang_of(req), errors),
        done,
    };
    render_status(state, req, "desk/case.html", data, status_for(errors))
}

pub async fn show(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    number: web::Path<String>,
    query: web::Query<DoneQuery>,
) -> Page {
    let done = flash(query.done.as_deref());
    case_page(&state, &req, &viewer, &number, None, &[], done).await
}

/// After a case action: back to the case with its confirmation, or the case page again with
/// the errors and what was typed.
async fn after(
    state: &AppState,
    req: &HttpRequest,
    viewer: &Viewer,
    number: &str,
    form: &Pairs,
    result: Result<crate::db::desk::Case, AppError>,
    done: &str,
) -> Page {
    match result {
        Ok(case) => Ok(see_other(&format!(
            "/desk/cases/{}?done={done}",
            case.number
        ))),
        Err(AppError::Invalid(errors)) => {
            case_page(state, req, viewer, number, Some(form), &errors, None).await
        }
        Err(e) => Err(e),
    }
}

fn value<'a>(form: &'a Pairs, name: &str) -> &'a str {
    form.iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.as_str())
}

pub async fn write(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    number: web::Path<String>,
    form: Posted<Pairs>,
) -> Page {
    let user = viewer.require_verified()?;
    super::form::once(
        &state,
        &viewer,
        Some(value(&form, "submission")),
        || async {
            let result = Desk::of(&state)
                .write(user, &number, value(&form, "body"))
                .await;
            after(
                &state,
                &req,
                &viewer,
                &number,
                &form,
                result,
                "case_written",
            )
            .await
        },
    )
    .await
}

pub async fn set_status(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    number: web::Path<String>,
    form: Posted<Pairs>,
) -> Page {
    let user = viewer.require_verified()?;
    let result = Desk::of(&state)
        .set_status(user, &number, value(&form, "status"), value(&form, "note"))
        .await;
    after(&state, &req, &viewer, &number, &form, result, "case_status").await
}

pub async fn assign(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    number: web::Path<String>,
    form: Posted<Pairs>,
) -> Page {
    let user = viewer.require_verified()?;
    let result = Desk::of(&state)
        .assign(user, &number, value(&form, "agency"), value(&form, "note"))
        .await;
    after(
        &state,
        &req,
        &viewer,
        &number,
        &form,
        result,
        "case_assigned",
    )
    .await
}

pub async fn take(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    number: web::Path<String>,
    form: Posted<Pairs>,
) -> Page {
    let user = viewer.require_verified()?;
    let result = Desk::of(&state).take(user, &number).await;
    after(&state, &req, &viewer, &number, &form, result, "case_taken").await
}

pub async fn rate(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    number: web::Path<String>,
    form: Posted<Pairs>,
) -> Page {
    let user = viewer.require_verified()?;
    let result = Desk::of(&state)
        .rate(
            user,
            &number,
            value(&form, "rating"),
            value(&form, "comment"),
        )
        .await;
    after(&state, &req, &viewer, &number, &form, result, "case_rated").await
}

/// The desk turns a parts-supply case into a need (in review) and completes it in the need
/// form.
pub async fn to_need(
    state: web::Data<AppState>,
    viewer: Viewer,
    number: web::Path<String>,
    _form: Posted<super::form::Empty>,
) -> Page {
    let user = viewer.require_staff()?;
    let desk = Desk::of(&state);
    let case = desk.case(user, &number).await?;
    // The category of the published need most like the case, else "other".
    let params = crate::services::search::SearchParams {
        q: case.case.subject.clone(),
        page: 1,
        limit: 1,
        ..Default::default()
    };
    let like = crate::services::search::Search::of(&state)
        .ids(params, 1)
        .await?;
    let category = match like.first() {
        Some(id) => desk.category_of_need(*id).await?,
        None => None,
    };
    let category = category
        .or_else(|| {
            state
                .categories
                .iter()
                .find(|c| c.slug == "other")
                .map(|c| c.id)
        })
        .ok_or(AppError::NotFound)?;
    let need = desk.to_need(user, &number, category).await?;
    Ok(see_other(&format!(
        "/my/needs/{need}/edit?done=need_from_case"
    )))
}

#[derive(Serialize)]
struct PhonePage {
    firms: Vec<(i32, String, String)>,
    agencies: Vec<crate::db::desk::Agency>,
    phone: String,
    categories: Vec<&'static str>,
    urgencies: Vec<&'static str>,
    values: BTreeMap<String, String>,
    chosen_agencies: Vec<String>,
    errors: BTreeMap<String, String>,
}

async fn phone_page(
    state: &AppState,
    req: &HttpRequest,
    typed: Option<&Pairs>,
    errors: &[crate::domain::FieldError],
) -> Page {
    let desk = Desk::of(state);
    let pairs = typed.cloned().unwrap_or_default();
    let data = PhonePage {
        firms: desk.firms().await?,
        agencies: desk.agencies().await?,
        phone: state.config.desk_phone.clone(),
        categories: CaseCategory::ALL.iter().map(|c| c.as_str()).collect(),
        urgencies: Urgency::ALL.iter().map(|c| c.as_str()).collect(),
        chosen_agencies: pairs
            .iter()
            .filter(|(k, _)| k == "agencies")
            .map(|(_, v)| v.clone())
            .collect(),
        values: pairs.into_iter().filter(|(k, _)| k != "agencies").collect(),
        errors: super::error_map(lang_of(req), errors),
    };
    render_status(state, req, "desk/phone.html", data, status_for(errors))
}

/// The desk's form for a case received by phone.
pub async fn phone_form(state: web::Data<AppState>, req: HttpRequest, viewer: Viewer) -> Page {
    viewer.require_staff()?;
    phone_page(&state, &req, None, &[]).await
}

pub async fn phone(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    form: Posted<Pairs>,
) -> Page {
    let user = viewer.require_staff()?;
    match Desk::of(&state)
        .file_by_phone(user, CaseForm::from_pairs(&form))
        .await
    {
        Ok(number) => Ok(see_other(&format!(
            "/desk/cases/{number}?done=case_recorded"
        ))),
        Err(AppError::Invalid(errors)) => phone_page(&state, &req, Some(&form), &errors).await,
        Err(e) => Err(e),
    }
}

#[derive(Serialize)]
struct AgenciesPage {
    agencies: Vec<crate::services::desk::AgencyWithMembers>,
    values: BTreeMap<String, String>,
    errors: BTreeMap<String, String>,
    done: Option<String>,
}

async fn agencies_page(
    state: &AppState,
    req: &HttpRequest,
    typed: Option<&Pairs>,
    errors: &[crate::domain::FieldError],
    done: Option<String>,
) -> Page {
    let data = AgenciesPage {
        agencies: Desk::of(state).agencies_with_members().await?,
        values: typed.cloned().unwrap_or_default().into_iter().collect(),
        errors: super::error_map(lang_of(req), errors),
        done,
    };
    render_status(state, req, "admin/agencies.html", data, status_for(errors))
}

/// Admins keep the list of agencies and their representatives.
pub async fn agencies(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    query: web::Query<DoneQuery>,
) -> Page {
    viewer.require_role(&[Role::Admin])?;
    agencies_page(&state, &req, None, &[], flash(query.done.as_deref())).await
}

pub async fn add_agency(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    form: Posted<Pairs>,
) -> Page {
    viewer.require_role(&[Role::Admin])?;
    match Desk::of(&state)
        .add_agency(
            value(&form, "slug"),
            value(&form, "name_fa"),
            value(&form, "name_en"),
        )
        .await
    {
        Ok(()) => Ok(see_other("/admin/agencies?done=agency_added")),
        Err(AppError::Invalid(errors)) => {
            agencies_page(&state, &req, Some(&form), &errors, None).await
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
pub struct MemberForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    agency: String,
}

pub async fn add_member(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    form: Posted<MemberForm>,
) -> Page {
    let me = viewer.require_role(&[Role::Admin])?;
    match Desk::of(&state)
        .add_member(me, &form.email, &form.agency)
        .await
    {
        Ok(()) => Ok(see_other("/admin/agencies?done=member_added")),
        Err(AppError::Invalid(errors)) => {
            let typed = vec![
                ("email".to_string(), form.email.clone()),
                ("agency".to_string(), form.agency.clone()),
            ];
            agencies_page(&state, &req, Some(&typed), &errors, None).await
        }
        Err(e) => Err(e),
    }
}

pub async fn remove_member(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
    _form: Posted<super::form::Empty>,
) -> Page {
    viewer.require_role(&[Role::Admin])?;
    Desk::of(&state)
        .remove_member(super::parse_id(&id)?)
        .await?;
    Ok(see_other("/admin/agencies?done=member_removed"))
}

#[derive(Serialize)]
struct FiguresPage {
    #[serde(flatten)]
    figures: crate::services::desk_figures::Figures,
    staff: bool,
}

/// The desk's public figures, with charts and their tables.
pub async fn figures(state: web::Data<AppState>, req: HttpRequest, viewer: Viewer) -> Page {
    let figures = crate::services::desk_figures::figures(&state, lang_of(&req)).await?;
    let data = FiguresPage {
        figures,
        staff: viewer.user().is_some_and(|u| u.is_staff()),
    };
    render(&state, &req, "desk/figures.html", data)
}

/// The same figures as CSV, for staff.
pub async fn figures_csv(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
) -> Result<HttpResponse, AppError> {
    viewer.require_staff()?;
    let figures = crate::services::desk_figures::figures(&state, lang_of(&req)).await?;
    let bytes = crate::services::spreadsheet::write_table_csv(
        &crate::services::desk_figures::csv_rows(&figures),
    )
    .map_err(AppError::Internal)?;
    Ok(HttpResponse::Ok()
        .insert_header((
            actix_web::http::header::CONTENT_TYPE,
            "text/csv; charset=utf-8",
        ))
        .insert_header((
            actix_web::http::header::CONTENT_DISPOSITION,
            "attachment; filename=\"niaz-desk-figures.csv\"",
        ))
        .body(bytes))
}

#[derive(Serialize)]
struct SessionsPage {
    sessions: Vec<crate::services::working_group::SessionRow>,
    values: BTreeMap<String, String>,
    errors: BTreeMap<String, String>,
    done: Option<String>,
}

async fn sessions_page(
    state: &AppState,
    req: &HttpRequest,
    typed: Option<&crate::services::working_group::SessionForm>,
    errors: &[crate::domain::FieldError],
    done: Option<String>,
) -> Page {
    let mut values = BTreeMap::new();
    if let Some(f) = typed {
        values.insert("held_on".to_string(), f.held_on.clone());
        values.insert("title".to_string(), f.title.clone());
        values.insert("place".to_string(), f.place.clone());
    }
    let data = SessionsPage {
        sessions: WorkingGroup::of(state).sessions().await?,
        values,
        errors: super::error_map(lang_of(req), errors),
        done,
    };
    render_status(state, req, "desk/sessions.html", data, status_for(errors))
}

/// The working group's sessions, for the desk.
pub async fn sessions(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    query: web::Query<DoneQuery>,
) -> Page {
    viewer.require_staff()?;
    sessions_page(&state, &req, None, &[], flash(query.done.as_deref())).await
}

pub async fn create_session(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    form: Posted<crate::services::working_group::SessionForm>,
) -> Page {
    viewer.require_staff()?;
    let form = form.into_inner();
    match WorkingGroup::of(&state).create(form.clone()).await {
        Ok(id) => Ok(see_other(&format!(
            "/desk/sessions/{id}?done=session_created"
        ))),
        Err(AppError::Invalid(errors)) => {
            sessions_page(&state, &req, Some(&form), &errors, None).await
        }
        Err(e) => Err(e),
    }
}

#[derive(Serialize)]
struct SessionPage {
    #[serde(flatten)]
    view: crate::services::working_group::SessionView,
    /// The agenda item whose form failed, with what was typed and its errors.
    failed: Option<i32>,
    values: BTreeMap<String, String>,
    errors: BTreeMap<String, String>,
    done: Option<String>,
}

async fn session_page(
    state: &AppState,
    req: &HttpRequest,
    id: i32,
    failed: Option<(i32, &Pairs)>,
    errors: &[crate::domain::FieldError],
    done: Option<String>,
) -> Page {
    let data = SessionPage {
        view: WorkingGroup::of(state).session(id).await?,
        failed: failed.map(|f| f.0),
        values: failed
            .map(|f| f.1.iter().cloned().collect())
            .unwrap_or_default(),
        errors: super::error_map(lang_of(req), errors),
        done,
    };
    render_status(state, req, "desk/session.html", data, status_for(errors))
}

pub async fn session(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    id: web::Path<String>,
    query: web::Query<DoneQuery>,
) -> Page {
    viewer.require_staff()?;
    let id = super::parse_id(&id)?;
    session_page(&state, &req, id, None, &[], flash(query.done.as_deref())).await
}

pub async fn add_to_agenda(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    id: web::Path<String>,
    form: Posted<Pairs>,
) -> Page {
    viewer.require_staff()?;
    let id = super::parse_id(&id)?;
    match WorkingGroup::of(&state).add(id, value(&form, "case")).await {
        Ok(()) => Ok(see_other(&format!("/desk/sessions/{id}?done=agenda_added"))),
        Err(AppError::Invalid(errors)) => {
            session_page(&state, &req, id, Some((0, &form)), &errors, None).await
        }
        Err(e) => Err(e),
    }
}

pub async fn decide(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    path: web::Path<(String, String)>,
    form: Posted<Pairs>,
) -> Page {
    let user = viewer.require_staff()?;
    let (id, item) = (super::parse_id(&path.0)?, super::parse_id(&path.1)?);
    let typed = crate::services::working_group::DecisionForm {
        decision: value(&form, "decision").to_string(),
        agency: value(&form, "agency").to_string(),
        deadline: value(&form, "deadline").to_string(),
    };
    match WorkingGroup::of(&state).decide(user, id, item, typed).await {
        Ok(()) => Ok(see_other(&format!(
            "/desk/sessions/{id}?done=decision_recorded#item-{item}"
        ))),
        Err(AppError::Invalid(errors)) => {
            session_page(&state, &req, id, Some((item, &form)), &errors, None).await
        }
        Err(e) => Err(e),
    }
}

/// A session's minutes, laid out for printing.
pub async fn minutes(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    id: web::Path<String>,
) -> Page {
    viewer.require_staff()?;
    let view = WorkingGroup::of(&state)
        .session(super::parse_id(&id)?)
        .await?;
    render(&state, &req, "desk/minutes.html", view)
}
