//! Search over the public catalogue: one parameter parser and one result shape for the HTML
//! search page and the JSON API.

use serde::Serialize;
use tantivy::schema::Facet;

use super::catalogue::NeedView;
use crate::db::models::Category;
use crate::domain::need::NeedStatus;
use crate::domain::places;
use crate::error::AppError;
use crate::i18n::{self, Lang};
use crate::search::query::{self, SearchRequest, Sort};
use crate::state::AppState;

/// The handles this service uses: nothing more of the application state.
#[derive(Clone, Copy)]
pub struct Search<'a> {
    pub db: &'a crate::db::Db,
    pub search: &'a std::sync::Arc<crate::search::SearchIndex>,
    pub categories: &'a std::sync::Arc<Vec<crate::db::models::Category>>,
    pub config: &'a crate::config::Config,
    pub slots: &'a tokio::sync::Semaphore,
}

impl<'a> Search<'a> {
    /// The handles, taken from the application state.
    pub fn of(state: &'a AppState) -> Self {
        Self {
            db: &state.db,
            search: &state.search,
            categories: &state.categories,
            config: &state.config,
            slots: &state.search_slots,
        }
    }
}

pub const DEFAULT_LIMIT: i64 = 20;
pub const MAX_LIMIT: i64 = 100;
const MAX_QUERY_CHARS: usize = 500;

/// Search parameters, parsed and checked.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SearchParams {
    pub q: String,
    pub category: Option<String>,
    pub province: Option<String>,
    pub city: Option<String>,
    pub status: Option<String>,
    pub origin: Option<String>,
    pub has_drawing: Option<bool>,
    #[serde(skip)]
    pub sort: Sort,
    pub page: i64,
    pub limit: i64,
}

fn parse_int(
    field: &'static str,
    raw: &str,
    range: std::ops::RangeInclusive<i64>,
) -> Result<i64, AppError> {
    let key = match field {
        "page" => "error.page_invalid",
        _ => "error.limit_invalid",
    };
    crate::domain::codes::digits_to_latin(raw.trim())
        .parse::<i64>()
        .ok()
        .filter(|n| range.contains(n))
        .ok_or_else(|| AppError::invalid(field, key))
}

impl SearchParams {
    /// Parses query-string pairs. Empty values mean "not given"; unknown names are ignored.
    pub fn parse(pairs: &[(String, String)], categories: &[Category]) -> Result<Self, AppError> {
        let mut p = SearchParams {
            page: 1,
            limit: DEFAULT_LIMIT,
            ..Default::default()
        };
        let mut errors = Vec::new();
        for (name, value) in pairs {
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            let result: Result<(), AppError> = (|| {
                match name.as_str() {
                    "q" => {
                        if value.chars().count() > MAX_QUERY_CHARS {
                            return Err(AppError::invalid("q", "error.query_too_long"));
                        }
                        p.q = value.to_string();
                    }
                    "category" => {
                        if !categories.iter().any(|c| c.slug == value) {
                            return Err(AppError::invalid("category", "error.category_unknown"));
                        }
                        p.category = Some(value.to_string());
                    }
                    "province" => p.province = Some(places::canonical_place(value)),
                    "city" => p.city = Some(places::canonical_place(value)),
                    "status" => match NeedStatus::parse(value) {
                        Some(s) if s.is_public() => p.status = Some(s.as_str().to_string()),
                        _ => return Err(AppError::invalid("status", "error.status_invalid")),
                    },
                    "origin" | "origin_country" => match places::parse_country(value) {
                        Some(code) => p.origin = Some(code.to_string()),
                        None => {
                            return Err(AppError::invalid(name.clone(), "error.country_unknown"))
                        }
                    },
                    "has_drawing" => match value {
                        "true" | "1" | "yes" => p.has_drawing = Some(true),
                        "false" | "0" | "no" => p.has_drawing = Some(false),
                        _ => return Err(AppError::invalid("has_drawing", "error.boolean_invalid")),
                    },
                    "sort" => {
                        p.sort = Sort::parse(value)
                            .ok_or_else(|| AppError::invalid("sort", "error.sort_invalid"))?
                    }
                    "page" => p.page = parse_int("page", value, 1..=10_000)?,
                    "limit" => p.limit = parse_int("limit", value, 1..=MAX_LIMIT)?,
                    _ => {}
                }
                Ok(())
            })();
            if let Err(AppError::Invalid(mut e)) = result {
                errors.append(&mut e);
            }
        }
        if errors.is_empty() {
            Ok(p)
        } else {
            Err(AppError::Invalid(errors))
        }
    }

    pub fn sort_name(&self) -> &'static str {
        self.sort.as_str()
    }

    /// The parameters as a query string, with one of them replaced (or removed when `None`),
    /// for links that change a filter, the sort or the page.
    pub fn url_with(&self, name: &str, value: Option<&str>) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        let mut push = |n: &'static str, v: Option<String>| {
            if n == name {
                return;
            }
            if let Some(v) = v.filter(|v| !v.is_empty()) {
                pairs.push((n, v));
            }
        };
        push("q", Some(self.q.clone()));
        push("category", self.category.clone());
        push("province", self.province.clone());
        push("city", self.city.clone());
        push("status", self.status.clone());
        push("origin", self.origin.clone());
        push("has_drawing", self.has_drawing.map(|b| b.to_string()));
        push(
            "sort",
            (self.sort != Sort::Relevance).then(|| self.sort.as_str().to_string()),
        );
        if let Some(v) = value {
            pairs.push((leak_name(name), v.to_string()));
        }
        let mut out = String::from("/search?");
        for (i, (n, v)) in pairs.iter().enumerate() {
            if i > 0 {
                out.push('&');
            }
            out.push_str(n);
            out.push('=');
            out.push_str(&crate::domain::text::url_encode(v));
        }
        out
    }
}

fn leak_name(name: &str) -> &'static str {
    match name {
        "q" => "q",
        "category" => "category",
        "province" => "province",
        "city" => "city",
        "status" => "status",
        "origin" => "origin",
        "has_drawing" => "has_drawing",
        "sort" => "sort",
        _ => "page",
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct FacetValue {
    pub value: String,
    pub label: String,
    pub count: u64,
    pub selected: bool,
    /// Link that toggles this value (HTML only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub href: Option<String>,
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct Facets {
    pub category: Vec<FacetValue>,
    pub province: Vec<FacetValue>,
    pub city: Vec<FacetValue>,
    pub status: Vec<FacetValue>,
    pub origin_country: Vec<FacetValue>,
    pub has_drawing: Vec<FacetValue>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    pub id: i32,
    pub title: String,
    pub title_en: String,
    pub part_number: String,
    pub hs_code: Option<String>,
    pub category: String,
    pub city: String,
    pub province: String,
    pub status: crate::domain::need::NeedStatus,
    pub annual_import_value: Option<i64>,
    pub currency: crate::domain::money::Currency,
    pub snippet_html: String,
    pub url: String,
    /// Set when this page holds the same part more than once.
    pub same_part: Option<SamePart>,
}

/// One part posted more than once (two firms, two spellings) on a page of results: its postings
/// are shown one after the other, the first with their combined demand.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SamePart {
    /// The best-ranked posting of the part on the page.
    pub first: i32,
    /// 0 for the first posting, then 1, 2, ...
    pub position: usize,
    pub count: usize,
    /// The postings' yearly quantities added up, when all give one in the same unit.
    pub quantity: Option<i64>,
    pub unit: crate::domain::need::Unit,
}

/// What makes two postings the same part: the part number's key, or else the folded title.
fn part_key(view: &NeedView) -> Option<String> {
    if let Ok(Some(p)) = crate::domain::codes::PartNumber::parse(&view.part_number) {
        return Some(format!("p:{}", p.key()));
    }
    let title = crate::domain::text::normalize(&view.title);
    (!title.is_empty()).then(|| format!("t:{title}"))
}

/// The page's order with the postings of one part moved up behind its best-ranked one.
fn same_parts_together(views: &[NeedView]) -> Vec<(usize, Option<SamePart>)> {
    let keys: Vec<Option<String>> = views.iter().map(part_key).collect();
    let mut placed = vec![false; views.len()];
    let mut out = Vec::with_capacity(views.len());
    for i in 0..views.len() {
        if placed[i] {
            continue;
        }
        let group: Vec<usize> = match &keys[i] {
            Some(k) => (i..views.len())
                .filter(|&j| !placed[j] && keys[j].as_ref() == Some(k))
                .collect(),
            None => vec![i],
        };
        let unit = views[i].unit;
        let quantity = group
            .iter()
            .map(|&j| views[j].quantity_per_year.filter(|_| views[j].unit == unit))
            .sum::<Option<i64>>();
        for (position, &j) in group.iter().enumerate() {
            placed[j] = true;
            let same = (group.len() > 1).then(|| SamePart {
                first: views[i].id,
                position,
                count: group.len(),
                quantity,
                unit,
            });
            out.push((j, same));
        }
    }
    out
}

#[derive(Debug, Clone, Serialize)]
pub struct SearchView {
    pub total: usize,
    pub page: i64,
    pub limit: i64,
    pub pages: i64,
    pub hits: Vec<Hit>,
    /// The same hits as full views, for the HTML cards.
    pub needs: Vec<NeedView>,
    /// On the page where the needs matching every word end: the best of those matching only
    /// some words, below them.
    pub partial: Vec<Hit>,
    pub partial_needs: Vec<NeedView>,
    pub facets: Facets,
    pub relaxed: bool,
    pub suggestion: Option<String>,
}

fn category_path(categories: &[Category], slug: &str) -> Option<Facet> {
    let cat = categories.iter().find(|c| c.slug == slug)?;
    let parent = cat
        .parent_id
        .and_then(|p| categories.iter().find(|c| c.id == p));
    Some(crate::search::category_facet(
        parent.map(|p| p.slug.as_str()),
        &cat.slug,
    ))
}

/// The index request for search parameters: filters as facets, facet roots to count, the page.
pub(crate) fn request_for(
    params: &SearchParams,
    categories: &[Category],
) -> Result<SearchRequest, AppError> {
    let mut filters = Vec::new();
    let mut roots = vec![
        Facet::from("/category"),
        Facet::from("/province"),
        Facet::from("/city"),
        Facet::from("/status"),
        Facet::from("/origin"),
        Facet::from("/drawing"),
    ];
    if let Some(slug) = &params.category {
        let path = category_path(categories, slug).ok_or(AppError::NotFound)?;
        roots.push(Facet::from("/leaf"));
        filters.push(path);
    }
    for (root, value) in [
        ("province", &params.province),
        ("city", &params.city),
        ("status", &params.status),
        ("origin", &params.origin),
    ] {
        if let Some(v) = value {
            filters.push(Facet::from_path([root, v.as_str()]));
        }
    }
    if let Some(d) = params.has_drawing {
        filters.push(Facet::from_path(["drawing", if d { "yes" } else { "no" }]));
    }
    Ok(SearchRequest {
        q: params.q.clone(),
        filters,
        facet_roots: roots,
        sort: params.sort,
        offset: ((params.page - 1) * params.limit) as usize,
        limit: params.limit as usize,
        synonyms: None,
    })
}

/// Most needs one export of search results holds.
pub const EXPORT_MAX: usize = 10_000;

fn build_facets(
    counts: &tantivy::collector::FacetCounts,
    params: &SearchParams,
    categories: &[Category],
    lang: Lang,
) -> Facets {
    let values = |root: &str| -> Vec<(String, u64)> {
        let mut v: Vec<(String, u64)> = counts
            .get(root)
            .filter_map(|(facet, n)| {
                let path = facet.to_path();
                path.last().map(|s| (s.to_string(), n))
            })
            .collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        v
    };
    let make = |name: &str,
                selected: Option<&str>,
                list: Vec<(String, u64)>,
                label: &dyn Fn(&str) -> String| {
        list.into_iter()
            .map(|(value, count)| {
                let is_selected = selected == Some(value.as_str());
                FacetValue {
                    href: Some(params.url_with(name, (!is_selected).then_some(value.as_str()))),
                    label: label(&value),
                    selected: is_selected,
                    value,
                    count,
                }
            })
            .collect::<Vec<_>>()
    };
    let cat_label = |slug: &str| {
        categories
            .iter()
            .find(|c| c.slug == slug)
            .map(|c| match lang {
                Lang::Fa => c.name_fa.clone(),
                Lang::En => c.name_en.clone(),
            })
            .unwrap_or_else(|| slug.to_string())
    };
    let mut category = make(
        "category",
        params.category.as_deref(),
        values("/category"),
        &cat_label,
    );
    if let Some(slug) = &params.category {
        if let Some(path) = category_path(categories, slug) {
            let parent = Facet::from_path(path.to_path().into_iter().take(2));
            let children = make(
                "category",
                Some(slug),
                values(&parent.to_string()),
                &cat_label,
            );
            category.extend(children);
        }
    }
    let place = |v: &str| match lang {
        Lang::Fa => v.to_string(),
        Lang::En => places::place_en(v),
    };
    let status_label = |v: &str| i18n::t(lang, &format!("status.{v}"));
    let country_label = |v: &str| places::country_name(v, lang.code());
    let drawing_label = |v: &str| i18n::t(lang, &format!("search.drawing_{v}"));
    let drawing = params.has_drawing.map(|d| if d { "yes" } else { "no" });
    Facets {
        category,
        province: make(
            "province",
            params.province.as_deref(),
            values("/province"),
            &place,
        ),
        city: make("city", params.city.as_deref(), values("/city"), &place),
        status: make(
            "status",
            params.status.as_deref(),
            values("/status"),
            &status_label,
        ),
        origin_country: make(
            "origin",
            params.origin.as_deref(),
            values("/origin"),
            &country_label,
        ),
        has_drawing: make("has_drawing", drawing, values("/drawing"), &drawing_label)
            .into_iter()
            .map(|mut f| {
                f.href = Some(params.url_with(
                    "has_drawing",
                    (!f.selected).then_some(if f.value == "yes" { "true" } else { "false" }),
                ));
                f
            })
            .collect(),
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Suggestion {
    pub id: i32,
    pub title: String,
    pub url: String,
}

impl Search<'_> {
    /// For staff: the need an import gave this reference (`ref`), when the query is one.
    /// References are organizers' own and never public, so they are not in the index.
    pub async fn by_reference(
        &self,
        viewer: Option<&crate::db::models::User>,
        q: &str,
    ) -> Result<Option<NeedView>, AppError> {
        let q = q.trim().to_string();
        if !viewer.is_some_and(|u| u.is_staff()) || q.is_empty() || q.chars().count() > 100 {
            return Ok(None);
        }
        self.db
            .run(move |conn| {
                let Some(id) = crate::db::catalogue::find_need_id_by_ref(conn, &q)? else {
                    return Ok(None);
                };
                Ok(crate::db::catalogue::find_need(conn, id)?.map(|row| NeedView::from_row(&row)))
            })
            .await
    }

    /// The needs a search finds (up to [`EXPORT_MAX`]), as spreadsheet rows.
    pub async fn export(&self, params: SearchParams) -> Result<Vec<Vec<String>>, AppError> {
        let rows = self.public_rows(params, EXPORT_MAX).await?;
        Ok(super::spreadsheet::export_rows(
            &rows,
            super::spreadsheet::Audience::Public,
        ))
    }

    /// The public needs a search finds, best first, at most `max`, without facets. The index
    /// may lag a moment behind the database: only what is public now is returned.
    async fn public_rows(
        &self,
        params: SearchParams,
        max: usize,
    ) -> Result<Vec<crate::db::catalogue::NeedRow>, AppError> {
        let mut request = request_for(&params, self.categories)?;
        request.offset = 0;
        request.limit = max;
        request.facet_roots.clear();
        let index = self.search.clone();
        self.db
            .run(move |conn| {
                let outcome = index.search(&request)?;
                Ok(crate::db::catalogue::load_need_rows(conn, &outcome.ids)?
                    .into_iter()
                    .filter(|(n, _, _)| n.status.is_public())
                    .collect())
            })
            .await
    }

    /// The ids of the public needs a search finds, best first, at most `max`.
    pub async fn ids(&self, params: SearchParams, max: usize) -> Result<Vec<i32>, AppError> {
        Ok(self
            .public_rows(params, max)
            .await?
            .into_iter()
            .map(|(n, _, _)| n.id)
            .collect())
    }

    /// Runs a search. Only public needs are ever in the index.
    pub async fn search(
        &self,
        params: SearchParams,
        lang: Lang,
        with_views: bool,
    ) -> Result<SearchView, AppError> {
        let categories = self.categories.clone();
        let request = request_for(&params, &categories)?;
        let index = self.search.clone();
        let base_url = self.config.base_url.clone();
        let db = self.db.clone();
        let _slot = self
            .slots
            .acquire()
            .await
            .map_err(|e| AppError::Internal(e.into()))?;
        // The index is searched without a database connection; one is taken only to load the
        // page's needs, and given back before their snippets are made.
        super::off_thread(move || -> Result<SearchView, AppError> {
            let outcome = index.search(&request)?;
            let (rows, partial_rows) = {
                let mut conn = db.conn().map_err(AppError::Internal)?;
                let rows = crate::db::catalogue::load_need_rows(&mut conn, &outcome.ids)?;
                let partial = if outcome.partial.is_empty() {
                    Vec::new()
                } else {
                    crate::db::catalogue::load_need_rows(&mut conn, &outcome.partial)?
                };
                (rows, partial)
            };
            let mut hits = Vec::with_capacity(rows.len());
            let mut needs = Vec::with_capacity(rows.len());
            let views: Vec<NeedView> = rows.iter().map(NeedView::from_row).collect();
            // Ranked by relevance, one part's postings go together; a chosen order is kept.
            let order = if params.sort == crate::search::query::Sort::Relevance {
                same_parts_together(&views)
            } else {
                (0..views.len()).map(|i| (i, None)).collect()
            };
            let hit = |view: &NeedView, same_part: Option<SamePart>| {
                let text = if view.description.is_empty() {
                    &view.title
                } else {
                    &view.description
                };
                Hit {
                    id: view.id,
                    title: view.title.clone(),
                    title_en: view.title_en.clone(),
                    part_number: view.part_number.clone(),
                    hs_code: view.hs_code.clone(),
                    category: view.category.slug.clone(),
                    city: view.city.clone(),
                    province: view.province.clone(),
                    status: view.status,
                    annual_import_value: view.annual_import_value,
                    currency: view.currency,
                    snippet_html: outcome.highlighter.snippet_html(text),
                    url: format!("{base_url}/needs/{}", view.id),
                    same_part,
                }
            };
            for (index, same_part) in order {
                hits.push(hit(&views[index], same_part));
                if with_views {
                    needs.push(views[index].clone());
                }
            }
            let mut partial = Vec::new();
            let mut partial_needs = Vec::new();
            if !partial_rows.is_empty() {
                for row in &partial_rows {
                    let view = NeedView::from_row(row);
                    partial.push(hit(&view, None));
                    if with_views {
                        partial_needs.push(view);
                    }
                }
            }
            let facets = build_facets(&outcome.facets, &params, &categories, lang);
            let pages = ((outcome.total as i64 + params.limit - 1) / params.limit).max(1);
            Ok(SearchView {
                total: outcome.total,
                page: params.page,
                limit: params.limit,
                pages,
                hits,
                needs,
                partial,
                partial_needs,
                facets,
                relaxed: outcome.relaxed,
                suggestion: outcome.suggestion,
            })
        })
        .await?
    }

    /// Needs similar to a public need.
    pub async fn similar(&self, need: &NeedView, limit: usize) -> Result<Vec<NeedView>, AppError> {
        let Some(path) = category_path(self.categories, &need.category.slug) else {
            return Ok(Vec::new());
        };
        let index = self.search.clone();
        let (id, title) = (need.id, format!("{} {}", need.title, need.title_en));
        self.db
            .run(move |conn| {
                let ids = query::similar(&index.generation(), id, &title, &path, limit)
                    .map_err(|e| AppError::Internal(anyhow::anyhow!("similar needs: {e}")))?;
                let rows = crate::db::catalogue::load_need_rows(conn, &ids)?;
                Ok(rows.iter().map(NeedView::from_row).collect())
            })
            .await
    }

    /// Titles for suggest-as-you-type.
    pub async fn suggest(&self, q: String, lang: Lang) -> Result<Vec<Suggestion>, AppError> {
        if q.trim().is_empty() || q.chars().count() > MAX_QUERY_CHARS {
            return Ok(Vec::new());
        }
        let index = self.search.clone();
        self.db
            .run(move |conn| {
                let ids = query::suggest(&index.generation(), &q, 8)
                    .map_err(|e| AppError::Internal(anyhow::anyhow!("suggest: {e}")))?;
                let rows = crate::db::catalogue::load_need_rows(conn, &ids)?;
                Ok(rows
                    .iter()
                    .map(|(n, _, _)| Suggestion {
                        id: n.id,
                        title: match lang {
                            Lang::En if !n.title_en.is_empty() => n.title_en.clone(),
                            _ => n.title.clone(),
                        },
                        url: format!("/needs/{}", n.id),
                    })
                    .collect())
            })
            .await
    }
}
