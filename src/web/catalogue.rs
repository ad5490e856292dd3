//! Catalogue pages: the list of needs, a need, a firm.

use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use super::{parse_id, render};
use crate::error::AppError;
use crate::services::{catalogue, parse_page, search};
use crate::state::AppState;

#[derive(Deserialize)]
pub struct CatalogueQuery {
    category: Option<String>,
    city: Option<String>,
    page: Option<String>,
}

pub async fn list(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<CatalogueQuery>,
) -> Result<HttpResponse, AppError> {
    let page = parse_page(query.page.as_deref())?;
    let category = query
        .category
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string);
    let city = query
        .city
        .as_deref()
        .map(crate::domain::places::canonical_place)
        .filter(|c| !c.is_empty());
    let view = catalogue::catalogue(&state.db, category, city, page).await?;
    render(&state, &req, "needs/list.html", view)
}

#[derive(serde::Serialize)]
struct NeedPage {
    need: crate::services::catalogue::NeedView,
    similar: Vec<crate::services::catalogue::NeedView>,
    files: Vec<crate::db::models::Attachment>,
    hidden_files: bool,
    demand: Option<crate::services::posting::Demand>,
    joined: bool,
    proposed: bool,
    makers: Vec<crate::services::matching::MakerMatch>,
    /// Whether the need matches the viewing maker's profile, and why.
    verdict: Option<crate::search::matcher::Verdict>,
    /// The viewing maker's offer on it, if any.
    my_offer: Option<crate::services::interests::InterestView>,
}

pub async fn show(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: super::session::Viewer,
    id: web::Path<String>,
    query: web::Query<super::form::DoneQuery>,
) -> Result<HttpResponse, AppError> {
    let need = catalogue::need(&state.db, parse_id(&id)?).await?;
    let (org, need_id) = (need.organization_id, need.id);
    let demand = crate::services::posting::Posting::of(&state)
        .demand(&need)
        .await?;
    let files = crate::services::attachments::Attachments::of(&state)
        .visible(viewer.user(), org, need_id)
        .await?;
    // Similar needs are a courtesy: a search failure must not take the need page down.
    let similar = match search::Search::of(&state).similar(&need, 4).await {
        Ok(list) => list,
        Err(e) => {
            tracing::warn!("similar needs for {}: {e}", need.id);
            Vec::new()
        }
    };
    // Likewise the makers who could make it.
    let matching = crate::services::matching::Matching::of(&state);
    let makers = match matching
        .makers_for(&need, crate::services::matching::ON_NEED_PAGE)
        .await
    {
        Ok(list) => list,
        Err(e) => {
            tracing::warn!("makers for need {}: {e}", need.id);
            Vec::new()
        }
    };
    let my_offer = match viewer.user() {
        Some(u) if u.role == crate::domain::account::Role::Supplier => {
            crate::services::interests::Interests::of(&state)
                .offer_page(u, need.id)
                .await
                .ok()
                .and_then(|p| p.current)
        }
        _ => None,
    };
    let verdict = matching
        .verdict(&need, viewer.user())
        .await
        .unwrap_or_else(|e| {
            tracing::warn!("match verdict for need {}: {e}", need.id);
            None
        });
    render(
        &state,
        &req,
        "needs/show.html",
        NeedPage {
            need,
            similar,
            makers,
            verdict,
            my_offer,
            hidden_files: files.hidden,
            files: files.files,
            demand,
            joined: query.done.as_deref() == Some("joined_need"),
            proposed: query.done.as_deref() == Some("proposed"),
        },
    )
}

#[derive(Deserialize)]
pub struct PageQuery {
    page: Option<String>,
}

pub async fn firm(
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<String>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, AppError> {
    let page = parse_page(query.page.as_deref())?;
    let view = catalogue::firm(&state.db, parse_id(&id)?, page).await?;
    render(&state, &req, "firms/show.html", view)
}
