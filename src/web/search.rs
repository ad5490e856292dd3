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
    /// For organizers: the editions this search's needs can be added to.
    editions: Vec<(String, String, String)>,
    /// For organizers: the need whose import reference is the query.
    reference: Option<crate::services::catalogue::NeedView>,
}

pub async fn page(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: super::session::Viewer,
    query: web::Query<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let lang = lang_of(&req);
    let params = SearchParams::parse(&query, &state.categories)?;
    let editions = if viewer.user().is_some_and(|u| u.is_staff()) {
        crate::services::exhibitions::Exhibitions::of(&state)
            .list()
            .await?
            .into_iter()
            .filter(|e| e.fields.status != crate::domain::exhibition::EditionStatus::Closed)
            .map(|e| (e.fields.slug, e.fields.title_fa, e.fields.title_en))
            .collect()
    } else {
        Vec::new()
    };
    let service = search::Search::of(&state);
    let reference = service.by_reference(viewer.user(), &params.q).await?;
    let results = service.search(params.clone(), lang, true).await?;
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
            editions,
            reference,
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

#[derive(Serialize)]
struct FeedEntry {
    url: String,
    title: String,
    lang: &'static str,
    dir: &'static str,
    summary: String,
    part_number: String,
    category: String,
    category_label: String,
    published: String,
    updated: String,
}

/// Most entries in a feed.
const FEED_ENTRIES: i64 = 50;

/// Text that XML 1.0 can carry: control characters other than tab and newlines dropped.
fn xml_text(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r'))
        .collect()
}

/// An Atom feed of any search: the search page's parameters, newest first unless another
/// order is asked for. Entries carry their language; Persian ones are marked right-to-left.
pub async fn feed(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let lang = lang_of(&req);
    let mut params = SearchParams::parse(&query, &state.categories)?;
    if !query
        .iter()
        .any(|(k, v)| k == "sort" && !v.trim().is_empty())
    {
        params.sort = crate::search::query::Sort::Newest;
    }
    params.page = 1;
    params.limit = FEED_ENTRIES;
    let html_url = format!("{}{}", state.config.base_url, params.url_with("page", None));
    let self_url = format!(
        "{}/search.atom?{}",
        state.config.base_url,
        params.url_with("page", None).trim_start_matches("/search?")
    );
    let self_url = self_url.trim_end_matches(['?', '&']).to_string();
    let results = search::Search::of(&state)
        .search(params.clone(), lang, true)
        .await?;
    let stamp = |t: Option<chrono::NaiveDateTime>| {
        t.unwrap_or_else(|| chrono::Utc::now().naive_utc())
            .and_utc()
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    };
    let entries: Vec<FeedEntry> = results
        .needs
        .iter()
        .map(|n| {
            let english = lang == crate::i18n::Lang::En && !n.title_en.is_empty();
            let (title, entry_lang) = if english {
                (n.title_en.clone(), crate::i18n::Lang::En)
            } else {
                (n.title.clone(), crate::i18n::Lang::Fa)
            };
            let summary: String = n.description.chars().take(400).collect();
            FeedEntry {
                url: format!("{}/needs/{}", state.config.base_url, n.id),
                title: xml_text(&title),
                lang: entry_lang.code(),
                dir: entry_lang.dir(),
                summary: xml_text(&summary),
                part_number: xml_text(&n.part_number),
                category: n.category.slug.clone(),
                category_label: xml_text(if lang == crate::i18n::Lang::En {
                    &n.category.name_en
                } else {
                    &n.category.name_fa
                }),
                published: stamp(n.published_at),
                updated: stamp(Some(n.updated_at)),
            }
        })
        .collect();
    let updated = results
        .needs
        .iter()
        .map(|n| n.updated_at)
        .max()
        .map_or_else(|| stamp(None), |t| stamp(Some(t)));
    let title = if params.q.is_empty() {
        crate::i18n::t(lang, "search.title")
    } else {
        crate::i18n::t_with(
            lang,
            "search.results_for",
            &[("q", crate::i18n::Arg::Text(params.q.clone()))],
        )
    };
    let body = state.templates.render(
        "feed.xml",
        minijinja::context! {
            lang => lang.code(),
            dir => lang.dir(),
            title => xml_text(&title),
            self_url => self_url,
            html_url => html_url,
            updated => updated,
            entries => entries,
        },
    )?;
    Ok(HttpResponse::Ok()
        .insert_header((
            actix_web::http::header::CONTENT_TYPE,
            "application/atom+xml; charset=utf-8",
        ))
        .insert_header((
            actix_web::http::header::CACHE_CONTROL,
            "public, max-age=300",
        ))
        .body(body))
}
