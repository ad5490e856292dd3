//! The search page.

use actix_web::{web, HttpRequest, HttpResponse};
use serde::Serialize;

use super::{lang_of, render};
use crate::error::AppError;
use crate::services::search::{self, SearchParams, SearchView};
use crate::state::AppState;

#[derive(Serialize)]
struct SortOption {
    value: &'static str,
    selected: bool,
}

#[derive(Serialize)]
struct SearchPage {
    /// Query string of this search for the export links.
    export_query: String,
    params: SearchParams,
    sort: &'static str,
    sorts: Vec<SortOption>,
    results: SearchView,
    /// Query string of the current search without the page, ending in `&` or `?`.
    page_base: String,
    suggestion_href: Option<String>,
    active_filters: Vec<(String, String)>,
    clear_href: String,
}

pub async fn page(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let lang = lang_of(&req);
    let params = SearchParams::parse(&query, &state.categories)?;
    let results = search::Search::of(&state)
        .search(params.clone(), lang, true)
        .await?;
    let mut page_base = params.url_with("page", None);
    page_base.push(if page_base.ends_with('?') { ' ' } else { '&' });
    let page_base = page_base.trim_end().to_string();
    let suggestion_href = results.suggestion.as_ref().map(|s| {
        SearchParams {
            q: s.clone(),
            ..params.clone()
        }
        .url_with("page", None)
    });
    let mut active_filters = Vec::new();
    for list in [
        &results.facets.category,
        &results.facets.province,
        &results.facets.city,
        &results.facets.status,
        &results.facets.origin_country,
        &results.facets.has_drawing,
    ] {
        for f in list.iter().filter(|f| f.selected) {
            active_filters.push((f.label.clone(), f.href.clone().unwrap_or_default()));
        }
    }
    let clear_href = SearchParams {
        q: params.q.clone(),
        ..SearchParams::default()
    }
    .url_with("page", None);
    let sort = params.sort_name();
    let sorts = crate::search::query::Sort::ALL
        .iter()
        .map(|s| SortOption {
            value: s.as_str(),
            selected: s.as_str() == sort,
        })
        .collect();
    render(
        &state,
        &req,
        "search.html",
        SearchPage {
            export_query: params
                .url_with("page", None)
                .trim_start_matches("/search?")
                .to_string(),
            sort,
            sorts,
            params,
            results,
            page_base,
            suggestion_href,
            active_filters,
            clear_href,
        },
    )
}

/// The needs a search finds, as a CSV or XLSX download in the import format.
pub async fn export(
    state: web::Data<AppState>,
    query: web::Query<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let params = SearchParams::parse(&query, &state.categories)?;
    let format = query
        .iter()
        .find(|(k, _)| k == "format")
        .map_or("csv", |(_, v)| v.as_str());
    let rows = search::Search::of(&state).export(params).await?;
    let (bytes, content_type, ext) = match format {
        "csv" => (
            crate::services::spreadsheet::write_csv(&rows).map_err(AppError::Internal)?,
            "text/csv; charset=utf-8",
            "csv",
        ),
        "xlsx" => (
            crate::services::spreadsheet::write_xlsx(&rows).map_err(AppError::Internal)?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        ),
        _ => return Err(AppError::invalid("format", "error.format_invalid")),
    };
    Ok(HttpResponse::Ok()
        .insert_header(("Content-Type", content_type))
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"niaz-needs.{ext}\""),
        ))
        .body(bytes))
}
