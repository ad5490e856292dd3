//! Exhibition pages: the editions' public pages, the printed catalogue and booth cards, the
//! venue screen, the short links their QR codes carry, and the organizers' editing pages.

use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};

use super::form::{flash, see_other, DoneQuery, Posted};
use super::session::Viewer;
use super::{lang_of, parse_id, render, render_status};
use crate::error::AppError;
use crate::services::exhibitions::{
    AnnounceForm, EditionForm, EditionPage, EntryForm, Exhibitions,
};
use crate::state::AppState;

type Page = Result<HttpResponse, AppError>;

#[derive(Serialize)]
struct ListPage {
    editions: Vec<crate::db::exhibitions::Edition>,
}

/// Every edition.
pub async fn list(state: web::Data<AppState>, req: HttpRequest) -> Page {
    let editions = Exhibitions::of(&state).list().await?;
    render(&state, &req, "exhibitions/list.html", ListPage { editions })
}

#[derive(Serialize)]
struct EditionView {
    #[serde(flatten)]
    page: EditionPage,
}

/// An edition's public page: dates, venue, sections and their needs; results once closed.
pub async fn show(state: web::Data<AppState>, req: HttpRequest, slug: web::Path<String>) -> Page {
    let page = Exhibitions::of(&state).page(&slug, false).await?;
    render(&state, &req, "exhibitions/show.html", EditionView { page })
}

/// The print-ready catalogue (A4): cover, contents, needs with QR codes, indexes.
pub async fn catalogue(
    state: web::Data<AppState>,
    req: HttpRequest,
    slug: web::Path<String>,
) -> Page {
    let page = Exhibitions::of(&state).page(&slug, true).await?;
    render(
        &state,
        &req,
        "exhibitions/catalogue.html",
        EditionView { page },
    )
}

/// Booth cards (A5), one per need, with a large QR code.
pub async fn cards(state: web::Data<AppState>, req: HttpRequest, slug: web::Path<String>) -> Page {
    let page = Exhibitions::of(&state).page(&slug, true).await?;
    render(&state, &req, "exhibitions/cards.html", EditionView { page })
}

/// The venue screen: needs one after another in large type, with the day's figures.
pub async fn screen(state: web::Data<AppState>, req: HttpRequest, slug: web::Path<String>) -> Page {
    let page = Exhibitions::of(&state).page(&slug, true).await?;
    render(
        &state,
        &req,
        "exhibitions/screen.html",
        EditionView { page },
    )
}

/// The figures the venue screen refreshes.
pub async fn figures(state: web::Data<AppState>, slug: web::Path<String>) -> Page {
    let figures = Exhibitions::of(&state).figures(&slug).await?;
    Ok(HttpResponse::Ok()
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-cache"))
        .json(figures))
}

/// The short address a QR code carries: to the need's page.
pub async fn short(id: web::Path<String>) -> Page {
    let id = parse_id(&id)?;
    Ok(HttpResponse::Found()
        .insert_header((actix_web::http::header::LOCATION, format!("/needs/{id}")))
        .finish())
}

// ---------------------------------------------------------------------------------------------
// Organizers

#[derive(Serialize)]
struct AdminList {
    editions: Vec<crate::db::exhibitions::Edition>,
    values: EditionForm,
    errors: std::collections::BTreeMap<String, String>,
    statuses: [&'static str; 3],
    done: Option<String>,
}

fn errors_of(
    req: &HttpRequest,
    errors: &[crate::domain::FieldError],
) -> std::collections::BTreeMap<String, String> {
    super::error_map(lang_of(req), errors)
}

const STATUSES: [&str; 3] = ["planned", "open", "closed"];

/// The organizers' list of editions, with the form for a new one.
pub async fn admin_list(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    query: web::Query<DoneQuery>,
) -> Page {
    viewer.require_staff()?;
    let editions = Exhibitions::of(&state).list().await?;
    render(
        &state,
        &req,
        "admin/exhibitions.html",
        AdminList {
            editions,
            values: EditionForm {
                status: "planned".into(),
                ..Default::default()
            },
            errors: Default::default(),
            statuses: STATUSES,
            done: flash(query.done.as_deref()),
        },
    )
}

/// Creates an edition.
pub async fn create(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    form: Posted<EditionForm>,
) -> Page {
    viewer.require_staff()?;
    match Exhibitions::of(&state).create(&form).await {
        Ok(slug) => Ok(see_other(&format!(
            "/admin/exhibitions/{slug}?done=edition_saved"
        ))),
        Err(AppError::Invalid(errors)) => {
            let editions = Exhibitions::of(&state).list().await?;
            render_status(
                &state,
                &req,
                "admin/exhibitions.html",
                AdminList {
                    editions,
                    values: form.into_inner(),
                    errors: errors_of(&req, &errors),
                    statuses: STATUSES,
                    done: None,
                },
                actix_web::http::StatusCode::BAD_REQUEST,
            )
        }
        Err(e) => Err(e),
    }
}

#[derive(Serialize)]
struct AdminEdition {
    #[serde(flatten)]
    page: EditionPage,
    processes: Vec<&'static str>,
    values: EditionForm,
    errors: std::collections::BTreeMap<String, String>,
    statuses: [&'static str; 3],
    done: Option<String>,
}

async fn admin_page(
    state: &web::Data<AppState>,
    req: &HttpRequest,
    slug: &str,
    values: Option<EditionForm>,
    errors: std::collections::BTreeMap<String, String>,
    done: Option<String>,
) -> Page {
    let page = Exhibitions::of(state).manage(slug).await?;
    let values = values.unwrap_or_else(|| EditionForm::of(&page.edition.fields));
    let status = if errors.is_empty() {
        actix_web::http::StatusCode::OK
    } else {
        actix_web::http::StatusCode::BAD_REQUEST
    };
    render_status(
        state,
        req,
        "admin/exhibition.html",
        AdminEdition {
            page,
            processes: crate::domain::supplier::Process::ALL
                .iter()
                .map(|p| p.as_str())
                .collect(),
            values,
            errors,
            statuses: STATUSES,
            done,
        },
        status,
    )
}

/// The organizers' page of one edition: its details, sections and needs.
pub async fn admin_show(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    slug: web::Path<String>,
    query: web::Query<DoneQuery>,
) -> Page {
    viewer.require_staff()?;
    admin_page(
        &state,
        &req,
        &slug,
        None,
        Default::default(),
        flash(query.done.as_deref()),
    )
    .await
}

/// Changes an edition's details.
pub async fn update(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    slug: web::Path<String>,
    form: Posted<EditionForm>,
) -> Page {
    viewer.require_staff()?;
    match Exhibitions::of(&state).update(&slug, &form).await {
        Ok(new_slug) => Ok(see_other(&format!(
            "/admin/exhibitions/{new_slug}?done=edition_saved"
        ))),
        Err(AppError::Invalid(errors)) => {
            let errors = errors_of(&req, &errors);
            admin_page(&state, &req, &slug, Some(form.into_inner()), errors, None).await
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
pub struct SectionForm {
    #[serde(default)]
    name_fa: String,
    #[serde(default)]
    name_en: String,
}

/// Adds a section.
pub async fn add_section(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    slug: web::Path<String>,
    form: Posted<SectionForm>,
) -> Page {
    viewer.require_staff()?;
    match Exhibitions::of(&state)
        .add_section(&slug, &form.name_fa, &form.name_en)
        .await
    {
        Ok(()) => Ok(see_other(&format!(
            "/admin/exhibitions/{slug}?done=section_added"
        ))),
        Err(AppError::Invalid(errors)) => {
            let errors = errors_of(&req, &errors);
            admin_page(&state, &req, &slug, None, errors, None).await
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
pub struct AddForm {
    /// A search's query string: every need it finds is added.
    #[serde(default)]
    query: String,
    /// Or one need's number.
    #[serde(default)]
    need: String,
}

/// Adds needs: every need of a search, or one by its number.
pub async fn add_needs(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    slug: web::Path<String>,
    form: Posted<AddForm>,
) -> Page {
    viewer.require_staff()?;
    let service = Exhibitions::of(&state);
    let result = if form.need.trim().is_empty() {
        service.add_from_search(&slug, &form.query).await
    } else {
        match parse_id(&form.need) {
            Ok(id) => service.add_one(&slug, id).await,
            Err(_) => Err(AppError::invalid("need", "error.need_not_public")),
        }
    };
    match result {
        Ok(n) => Ok(see_other(&format!(
            "/admin/exhibitions/{slug}?done=needs_added&added={n}"
        ))),
        Err(AppError::Invalid(errors)) => {
            let errors = errors_of(&req, &errors);
            admin_page(&state, &req, &slug, None, errors, None).await
        }
        Err(e) => Err(e),
    }
}

/// Moves a need to a section, gives it a booth and a place.
pub async fn update_entry(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    path: web::Path<(String, String)>,
    form: Posted<EntryForm>,
) -> Page {
    viewer.require_staff()?;
    let (slug, need) = path.into_inner();
    let need = parse_id(&need)?;
    match Exhibitions::of(&state)
        .update_entry(&slug, need, &form)
        .await
    {
        Ok(()) => Ok(see_other(&format!(
            "/admin/exhibitions/{slug}?done=entry_saved#need-{need}"
        ))),
        Err(AppError::Invalid(errors)) => {
            let errors = errors_of(&req, &errors);
            admin_page(&state, &req, &slug, None, errors, None).await
        }
        Err(e) => Err(e),
    }
}

/// Takes a need out of the edition.
pub async fn remove_entry(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<(String, String)>,
    _form: Posted<super::form::Empty>,
) -> Page {
    viewer.require_staff()?;
    let (slug, need) = path.into_inner();
    let need = parse_id(&need)?;
    Exhibitions::of(&state).remove_entry(&slug, need).await?;
    Ok(see_other(&format!(
        "/admin/exhibitions/{slug}?done=entry_removed"
    )))
}

/// Announces the edition by mail to makers who want news.
pub async fn announce(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    slug: web::Path<String>,
    form: Posted<AnnounceForm>,
) -> Page {
    viewer.require_staff()?;
    match Exhibitions::of(&state).announce(&slug, &form).await {
        Ok(n) => Ok(see_other(&format!(
            "/admin/exhibitions/{slug}?done=announced&sent={n}"
        ))),
        Err(AppError::Invalid(errors)) => {
            let errors = errors_of(&req, &errors);
            admin_page(&state, &req, &slug, None, errors, None).await
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
pub struct AddResultsForm {
    #[serde(default)]
    edition: String,
    #[serde(default)]
    query: String,
}

/// "Add these results to an edition", from the search page.
pub async fn add_results(
    state: web::Data<AppState>,
    viewer: Viewer,
    form: Posted<AddResultsForm>,
) -> Page {
    viewer.require_staff()?;
    let slug = crate::domain::exhibition::parse_slug(&form.edition)
        .map_err(|e| AppError::Invalid(vec![e]))?;
    let n = Exhibitions::of(&state)
        .add_from_search(&slug, &form.query)
        .await?;
    Ok(see_other(&format!(
        "/admin/exhibitions/{slug}?done=needs_added&added={n}"
    )))
}
