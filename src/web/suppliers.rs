//! The makers: the public directory, a maker's public profile, and the maker's own profile form.

use actix_web::{web, HttpRequest, HttpResponse};
use serde::Serialize;

use super::form::{flash, see_other, DoneQuery, Posted};
use super::session::Viewer;
use super::{lang_of, parse_id, render, render_status};
use crate::domain::supplier::{Certification, Process};
use crate::error::AppError;
use crate::i18n;
use crate::services::suppliers::{DirectoryParams, ProfileView, Suppliers};
use crate::state::AppState;

type Page = Result<HttpResponse, AppError>;

#[derive(Serialize)]
struct DirectoryPage {
    #[serde(flatten)]
    directory: crate::services::suppliers::Directory,
    /// Query string of the current filters without the page, ending in `&` or `?`.
    page_base: String,
}

pub async fn directory(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<Vec<(String, String)>>,
) -> Page {
    let params = DirectoryParams::parse(&query)?;
    let mut page_base = String::from("/suppliers?");
    for (k, v) in query.iter().filter(|(k, v)| k != "page" && !v.is_empty()) {
        page_base.push_str(&format!(
            "{}={}&",
            crate::domain::text::url_encode(k),
            crate::domain::text::url_encode(v)
        ));
    }
    let directory = Suppliers::of(&state).directory(params).await?;
    render(
        &state,
        &req,
        "suppliers/list.html",
        DirectoryPage {
            directory,
            page_base,
        },
    )
}

#[derive(Serialize)]
struct ProfilePage {
    supplier: ProfileView,
    done: Option<String>,
}

pub async fn show(
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<String>,
    query: web::Query<DoneQuery>,
) -> Page {
    let supplier = Suppliers::of(&state).public_profile(parse_id(&id)?).await?;
    let page = ProfilePage {
        supplier,
        done: flash(query.done.as_deref()),
    };
    render(&state, &req, "suppliers/show.html", page)
}

/// The profile form: the values (saved or typed), which boxes are ticked, and the errors.
#[derive(Serialize)]
struct ProfileFormPage {
    values: std::collections::BTreeMap<String, String>,
    processes: Vec<(Process, bool)>,
    certifications: Vec<(Certification, bool)>,
    errors: std::collections::BTreeMap<String, String>,
    public: bool,
    user_id: i32,
    done: Option<String>,
    photos: Vec<crate::db::suppliers::Photo>,
}

fn profile_page_with(
    state: &AppState,
    req: &HttpRequest,
    user: &crate::db::models::User,
    pairs: &[(String, String)],
    errors: &[crate::domain::FieldError],
    done: Option<String>,
    photos: Vec<crate::db::suppliers::Photo>,
) -> Page {
    let lang = lang_of(req);
    let chosen = |name: &str, value: &str| pairs.iter().any(|(k, v)| k == name && v == value);
    let page = ProfileFormPage {
        values: pairs
            .iter()
            .filter(|(k, _)| k != "processes" && k != "certifications")
            .cloned()
            .collect(),
        processes: Process::ALL
            .iter()
            .map(|p| (*p, chosen("processes", p.as_str())))
            .collect(),
        certifications: Certification::ALL
            .iter()
            .map(|c| (*c, chosen("certifications", c.as_str())))
            .collect(),
        errors: errors
            .iter()
            .map(|e| (e.field.clone(), i18n::t(lang, e.key)))
            .collect(),
        public: user.is_verified(),
        user_id: user.id,
        done,
        photos,
    };
    let status = if errors.is_empty() {
        actix_web::http::StatusCode::OK
    } else {
        actix_web::http::StatusCode::BAD_REQUEST
    };
    render_status(state, req, "account/profile.html", page, status)
}

/// A saved profile as the cells of its form.
fn as_pairs(p: &ProfileView) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = [
        ("summary", &p.summary),
        ("materials", &p.materials),
        ("machines", &p.machines),
        ("capacity", &p.capacity),
        ("city", &p.city),
        ("localized_parts", &p.localized_parts),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.clone()))
    .collect();
    let e = &p.envelope;
    let number = |n: Option<i32>| n.map(|n| n.to_string()).unwrap_or_default();
    pairs.extend([
        ("max_diameter_mm".to_string(), number(e.max_diameter_mm)),
        ("max_length_mm".to_string(), number(e.max_length_mm)),
        ("max_weight_kg".to_string(), number(e.max_weight_kg)),
        ("tolerance_mm".to_string(), e.tolerance_mm()),
        ("surface_ra_um".to_string(), e.surface_ra_um()),
        ("shot_g".to_string(), number(e.shot_g)),
        ("press_tonnes".to_string(), number(e.press_tonnes)),
        ("batch_min".to_string(), number(e.batch_min)),
        ("batch_max".to_string(), number(e.batch_max)),
    ]);
    pairs.extend(
        p.processes
            .iter()
            .map(|x| ("processes".into(), x.as_str().into())),
    );
    pairs.extend(
        p.certifications
            .iter()
            .map(|x| ("certifications".into(), x.as_str().into())),
    );
    pairs
}

pub async fn profile_form(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    query: web::Query<DoneQuery>,
) -> Page {
    let user = viewer.require_user()?;
    crate::services::suppliers::may_keep_profile(user)?;
    let own = Suppliers::of(&state).own_profile(user).await?;
    let pairs = own.as_ref().map(as_pairs).unwrap_or_default();
    // The photos of past work are seen, and deleted, here.
    let photos = own.map(|p| p.photos).unwrap_or_default();
    profile_page_with(
        &state,
        &req,
        user,
        &pairs,
        &[],
        flash(query.done.as_deref()),
        photos,
    )
}

pub async fn save_profile(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    form: Posted<Vec<(String, String)>>,
) -> Page {
    let user = viewer.require_user()?;
    match Suppliers::of(&state).save_profile(user, &form).await {
        Ok(()) => Ok(see_other("/account/profile?done=profile_saved")),
        Err(AppError::Invalid(errors)) => {
            let photos = Suppliers::of(&state)
                .own_profile(user)
                .await?
                .map(|p| p.photos)
                .unwrap_or_default();
            profile_page_with(&state, &req, user, &form, &errors, None, photos)
        }
        Err(e) => Err(e),
    }
}

#[derive(serde::Deserialize)]
pub struct ReportForm {
    #[serde(default)]
    reason: String,
}

/// A firm's member reports a maker to the organizers.
pub async fn report(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
    form: Posted<ReportForm>,
) -> Page {
    let user = viewer.require_verified()?;
    let id = parse_id(&id)?;
    Suppliers::of(&state).report(user, id, &form.reason).await?;
    Ok(see_other(&format!("/suppliers/{id}?done=reported")))
}

#[derive(serde::Deserialize)]
pub struct SuspendForm {
    suspend: Option<String>,
}

/// Organizers suspend a maker (or lift the suspension).
pub async fn suspend(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
    form: Posted<SuspendForm>,
) -> Page {
    viewer.require_staff()?;
    crate::services::staff::Staff::of(&state)
        .suspend_supplier(parse_id(&id)?, form.suspend.is_some())
        .await?;
    Ok(see_other("/admin?done=suspended"))
}

/// Organizers mark a maker's profile verified.
pub async fn verify(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
    _form: Posted<super::form::Empty>,
) -> Page {
    viewer.require_staff()?;
    let id = parse_id(&id)?;
    crate::services::staff::Staff::of(&state)
        .verify_supplier(id)
        .await?;
    Ok(see_other(&format!(
        "/suppliers/{id}?done=supplier_verified"
    )))
}

/// A photo of past work, uploaded from the profile page (token in the action URL, checked
/// before the body is read).
pub async fn add_photo(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    payload: actix_multipart::Multipart,
) -> Page {
    super::form::check_csrf_query(&req, &viewer)?;
    let user = viewer.require_user()?;
    crate::services::suppliers::may_keep_profile(user)?;
    let limits = super::form::UploadLimits {
        max_file_bytes: state.config.max_upload_bytes,
        max_fields: 2,
        max_files: 1,
    };
    let result = match super::form::read_upload(&req, payload, limits).await {
        Ok(mut upload) => {
            let (name, bytes) = upload.file().unwrap_or_default();
            Suppliers::of(&state).add_photo(user, &name, bytes).await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(see_other("/account/profile?done=photo_added")),
        Err(AppError::Invalid(errors)) => {
            let own = Suppliers::of(&state).own_profile(user).await?;
            let pairs = own.as_ref().map(as_pairs).unwrap_or_default();
            let photos = own.map(|p| p.photos).unwrap_or_default();
            profile_page_with(&state, &req, user, &pairs, &errors, None, photos)
        }
        Err(e) => Err(e),
    }
}

pub async fn delete_photo(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
    _form: Posted<super::form::Empty>,
) -> Page {
    let user = viewer.require_user()?;
    Suppliers::of(&state)
        .delete_photo(user, parse_id(&id)?)
        .await?;
    Ok(see_other("/account/profile?done=photo_removed"))
}

/// Sends a photo of past work: images only, never run as anything else.
pub async fn photo(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<(String, String)>,
) -> Page {
    let id = parse_id(&path.0)?;
    let thumb = match path.1.as_str() {
        "full" => false,
        "thumb" => true,
        _ => return Err(AppError::NotFound),
    };
    let file = Suppliers::of(&state)
        .photo_file(viewer.user(), id, thumb)
        .await?;
    let bytes = std::fs::read(&file.path).map_err(|_| AppError::NotFound)?;
    Ok(HttpResponse::Ok()
        .insert_header((actix_web::http::header::CONTENT_TYPE, file.content_type))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .insert_header(("Content-Security-Policy", "sandbox; default-src 'none'"))
        .insert_header((
            actix_web::http::header::CACHE_CONTROL,
            "private, max-age=3600",
        ))
        .body(bytes))
}

#[derive(Serialize)]
struct MatchesPage {
    #[serde(flatten)]
    list: crate::services::matching::MakerList,
    /// Query string of the current filters without the page, ending in `&` or `?`.
    page_base: String,
    cities: Vec<&'static str>,
}

/// "Needs I could make": every open need the maker's profile matches, best first.
pub async fn matches(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    query: web::Query<Vec<(String, String)>>,
) -> Page {
    let user = viewer.require_role(&[crate::domain::account::Role::Supplier])?;
    let params = crate::services::matching::ListParams::parse(&query)?;
    let mut page_base = String::from("/account/matches?");
    for (k, v) in query.iter().filter(|(k, v)| k != "page" && !v.is_empty()) {
        page_base.push_str(&format!(
            "{}={}&",
            crate::domain::text::url_encode(k),
            crate::domain::text::url_encode(v)
        ));
    }
    let list = crate::services::matching::Matching::of(&state)
        .list(user, params)
        .await?;
    render(
        &state,
        &req,
        "account/matches.html",
        MatchesPage {
            list,
            page_base,
            cities: crate::domain::places::CITIES
                .iter()
                .map(|(fa, _)| *fa)
                .collect(),
        },
    )
}
