//! `/api/v1/needs`: search and fetch public needs.

use actix_web::{web, HttpRequest, HttpResponse};
use serde::Serialize;

use crate::error::AppError;
use crate::services::catalogue::{self, NeedView};
use crate::services::search::{self, Facets, Hit, SearchParams, Suggestion};
use crate::state::AppState;

#[derive(Serialize)]
struct SearchResponse {
    total: usize,
    page: i64,
    limit: i64,
    hits: Vec<Hit>,
    /// On the page where `hits` matching every word end: needs matching only some words.
    partial: Vec<Hit>,
    facets: Facets,
    relaxed: bool,
    suggestion: Option<String>,
}

pub async fn list(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let lang = super::lang_of(&req);
    let params = SearchParams::parse(&query, &state.categories)?;
    let view = search::Search::of(&state)
        .search(params, lang, false)
        .await?;
    let mut facets = view.facets;
    for list in [
        &mut facets.category,
        &mut facets.province,
        &mut facets.city,
        &mut facets.status,
        &mut facets.origin_country,
        &mut facets.has_drawing,
    ] {
        for v in list.iter_mut() {
            v.href = None;
        }
    }
    Ok(HttpResponse::Ok().json(SearchResponse {
        total: view.total,
        page: view.page,
        limit: view.limit,
        hits: view.hits,
        partial: view.partial,
        facets,
        relaxed: view.relaxed,
        suggestion: view.suggestion,
    }))
}

pub async fn show(
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = crate::web::parse_id(&id)?;
    let need: NeedView = catalogue::need(&state.db, id).await?;
    Ok(HttpResponse::Ok().json(need))
}

#[derive(Serialize)]
struct SuggestResponse {
    suggestions: Vec<Suggestion>,
}

pub async fn suggest(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let lang = super::lang_of(&req);
    let q = query
        .iter()
        .find(|(k, _)| k == "q")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let suggestions = search::Search::of(&state).suggest(q, lang).await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "public, max-age=60"))
        .json(SuggestResponse { suggestions }))
}

#[derive(Serialize)]
struct MakersResponse {
    need: i32,
    makers: Vec<crate::services::matching::MakerMatch>,
}

/// `GET /api/v1/needs/{id}/makers`: the makers who could make a public need, best first,
/// with their scores and reasons; none below the floor. `limit` 1 to 50 (10 by default).
pub async fn makers(
    state: web::Data<AppState>,
    id: web::Path<String>,
    query: web::Query<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let id = crate::web::parse_id(&id)?;
    let limit = crate::services::parse_limit(&query, 10, 50)?;
    let need: NeedView = catalogue::need(&state.db, id).await?;
    let makers = crate::services::matching::Matching::of(&state)
        .makers_for(&need, limit as usize)
        .await?;
    Ok(HttpResponse::Ok().json(MakersResponse { need: id, makers }))
}
