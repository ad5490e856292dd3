//! Use cases shared by the HTML pages and the JSON API. A service takes parsed domain values,
//! runs its queries through `Db::run` and returns views that both front doors serialize.

pub mod accounts;
pub mod alerts;
pub mod attachments;
pub mod backup;
pub mod catalogue;
pub mod demo;
pub mod desk;
pub mod desk_figures;
pub mod exhibitions;
pub mod firms;
pub mod health;
pub mod import;
pub mod interests;
pub mod matching;
pub mod migrate_data;
pub mod need_form;
pub mod need_status;
pub mod posting;
pub mod reports;
pub mod search;
pub mod spreadsheet;
pub mod staff;
pub mod suppliers;
pub mod synonyms;
pub mod tables;
pub mod working_group;

use serde::Serialize;

/// Runs CPU-heavy or blocking work (password hashing, image decoding, sheet reading) on the
/// blocking thread pool, so the async workers keep serving requests.
pub async fn off_thread<F, R>(work: F) -> Result<R, crate::error::AppError>
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| crate::error::AppError::Internal(anyhow::anyhow!("blocking work failed: {e}")))
}

/// Needs listed per page in the catalogue.
pub const PAGE_SIZE: i64 = 20;

/// One page of a longer list.
#[derive(Debug, Clone, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub page: i64,
    pub pages: i64,
    pub page_size: i64,
}

impl<T> Page<T> {
    pub fn new(items: Vec<T>, total: i64, page: i64, page_size: i64) -> Self {
        let pages = ((total + page_size - 1) / page_size).max(1);
        Self {
            items,
            total,
            page,
            pages,
            page_size,
        }
    }
}

/// A 1-based page number parsed from a query parameter; anything else names the parameter.
pub fn parse_page(raw: Option<&str>) -> Result<i64, crate::error::AppError> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(1),
        Some(s) => {
            let folded = crate::domain::codes::digits_to_latin(s);
            match folded.parse::<i64>() {
                Ok(n) if (1..=100_000).contains(&n) => Ok(n),
                _ => Err(crate::error::AppError::invalid(
                    "page",
                    "error.page_invalid",
                )),
            }
        }
    }
}

/// A `limit` parameter: 1 to `max`, `default` when absent; anything else names the parameter.
pub fn parse_limit(
    pairs: &[(String, String)],
    default: i64,
    max: i64,
) -> Result<i64, crate::error::AppError> {
    match pairs
        .iter()
        .find(|(k, v)| k == "limit" && !v.trim().is_empty())
    {
        None => Ok(default),
        Some((_, v)) => crate::domain::codes::digits_to_latin(v.trim())
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=max).contains(n))
            .ok_or_else(|| crate::error::AppError::invalid("limit", "error.limit_invalid")),
    }
}
