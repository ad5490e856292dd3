//! `/api/v1/suppliers`: search and fetch makers' public profiles (never contacts).

use actix_web::{web, HttpResponse};
use serde::Serialize;

use crate::error::AppError;
use crate::services::suppliers::{DirectoryParams, ProfileView, Suppliers};
use crate::state::AppState;

#[derive(Serialize)]
struct FacetValue {
    value: String,
    count: u64,
}

#[derive(Serialize)]
struct Facets {
    process: Vec<FacetValue>,
    material: Vec<FacetValue>,
    city: Vec<FacetValue>,
    certification: Vec<FacetValue>,
}

#[derive(Serialize)]
struct ListResponse {
    total: i64,
    page: i64,
    limit: i64,
    hits: Vec<ProfileView>,
    facets: Facets,
}

pub async fn list(
    state: web::Data<AppState>,
    query: web::Query<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let params = DirectoryParams::parse(&query)?;
    let d = Suppliers::of(&state).directory(params).await?;
    let values = |list: Vec<(String, u64)>| {
        list.into_iter()
            .filter(|(_, n)| *n > 0)
            .map(|(value, count)| FacetValue { value, count })
            .collect()
    };
    let facets = Facets {
        process: values(
            d.processes
                .into_iter()
                .map(|(p, n)| (p.as_str().to_string(), n))
                .collect(),
        ),
        material: values(d.materials),
        city: values(d.cities),
        certification: values(
            d.certifications
                .into_iter()
                .map(|(c, n)| (c.as_str().to_string(), n))
                .collect(),
        ),
    };
    Ok(HttpResponse::Ok().json(ListResponse {
        total: d.suppliers.total,
        page: d.suppliers.page,
        limit: d.suppliers.page_size,
        hits: d.suppliers.items,
        facets,
    }))
}

pub async fn show(
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = crate::web::parse_id(&id)?;
    let profile = Suppliers::of(&state).public_profile(id).await?;
    Ok(HttpResponse::Ok().json(profile))
}

#[derive(Serialize)]
struct NeedsResponse {
    supplier: i32,
    total: usize,
    page: i64,
    limit: i64,
    needs: Vec<crate::services::matching::NeedMatch>,
}

/// `GET /api/v1/suppliers/{id}/needs`: the open needs a public maker could make, best first,
/// with scores and reasons. `page`, and `limit` 1 to 100 (20 by default).
pub async fn needs(
    state: web::Data<AppState>,
    id: web::Path<String>,
    query: web::Query<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let id = crate::web::parse_id(&id)?;
    let limit = crate::services::parse_limit(&query, 20, 100)?;
    let page = crate::services::parse_page(
        query
            .iter()
            .find(|(k, _)| k == "page")
            .map(|(_, v)| v.as_str()),
    )?;
    // Only a public profile has a list: the same rule as its page.
    Suppliers::of(&state).public_profile(id).await?;
    let (needs, total) = crate::services::matching::Matching::of(&state)
        .needs_of_maker(id, page, limit)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(HttpResponse::Ok().json(NeedsResponse {
        supplier: id,
        total,
        page,
        limit,
        needs,
    }))
}
