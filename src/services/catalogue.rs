//! The public catalogue: home page figures, lists of needs, need and firm pages.

use serde::Serialize;

use super::{Page, PAGE_SIZE};
use crate::db::catalogue::{self as q, NeedFilter, NeedRow, Stats};
use crate::db::models::{Category, Organization};
use crate::db::Db;
use crate::domain::need::{NeedStatus, SpecItem};
use crate::error::AppError;

#[derive(Debug, Clone, Serialize)]
pub struct CategoryRef {
    pub id: i32,
    pub slug: String,
    pub name_fa: String,
    pub name_en: String,
}

impl From<&Category> for CategoryRef {
    fn from(c: &Category) -> Self {
        Self {
            id: c.id,
            slug: c.slug.clone(),
            name_fa: c.name_fa.clone(),
            name_en: c.name_en.clone(),
        }
    }
}

/// A category with the number of public needs in it (including its subcategories).
#[derive(Debug, Clone, Serialize)]
pub struct CategoryCount {
    #[serde(flatten)]
    pub category: CategoryRef,
    pub count: i64,
    pub children: Vec<CategoryCount>,
}

/// The public face of an organization: never its phone, address or members.
#[derive(Debug, Clone, Serialize)]
pub struct FirmView {
    pub id: i32,
    pub name: String,
    pub name_en: String,
    pub kind: crate::domain::organization::OrgKind,
    pub province: String,
    pub city: String,
    pub website: String,
    pub description: String,
    pub verified: bool,
}

impl From<&Organization> for FirmView {
    fn from(o: &Organization) -> Self {
        Self {
            id: o.id,
            name: o.name.clone(),
            name_en: o.name_en.clone(),
            kind: o.kind,
            province: o.province.clone(),
            city: o.city.clone(),
            website: o.website.clone(),
            description: o.description.clone(),
            verified: o.verified,
        }
    }
}

/// A need as the public sees it. `firm` is `None` when the firm stays anonymous until an
/// introduction; `city` and `province` are always shown.
#[derive(Debug, Clone, Serialize)]
pub struct NeedView {
    pub id: i32,
    /// Never shown for anonymous needs; used for access checks.
    #[serde(skip)]
    pub organization_id: i32,
    pub title: String,
    pub title_en: String,
    pub description: String,
    pub part_number: String,
    pub brand: String,
    pub hs_code: Option<String>,
    pub category: CategoryRef,
    pub material: String,
    pub specs: String,
    pub spec_items: Vec<SpecItem>,
    pub quantity_per_year: Option<i64>,
    pub unit: crate::domain::need::Unit,
    pub unit_price: Option<i64>,
    pub currency: crate::domain::money::Currency,
    pub origin_country: String,
    pub annual_import_value: Option<i64>,
    pub deadline: Option<chrono::NaiveDate>,
    /// The deadline for offers has passed: the need stays listed (until it expires or the firm
    /// closes it) and offers are still welcome, but it is shown as late and sorted last.
    pub deadline_passed: bool,
    pub status: NeedStatus,
    pub is_open: bool,
    pub anonymous: bool,
    pub featured: bool,
    pub firm: Option<FirmView>,
    pub city: String,
    pub province: String,
    pub published_at: Option<chrono::NaiveDateTime>,
    pub updated_at: chrono::NaiveDateTime,
}

impl NeedView {
    pub fn from_row((need, org, cat): &NeedRow) -> Self {
        let status = need.status;
        Self {
            id: need.id,
            organization_id: need.organization_id,
            title: need.title.clone(),
            title_en: need.title_en.clone(),
            description: need.description.clone(),
            part_number: need.part_number.clone(),
            brand: need.brand.clone(),
            hs_code: need.hs_code.clone(),
            category: CategoryRef::from(cat),
            material: need.material.clone(),
            specs: need.specs.clone(),
            spec_items: serde_json::from_str(&need.spec_items).unwrap_or_default(),
            quantity_per_year: need.quantity_per_year,
            unit: need.unit,
            unit_price: need.unit_price,
            currency: need.currency,
            origin_country: need.origin_country.clone(),
            annual_import_value: need.annual_import_value,
            deadline: need.deadline,
            deadline_passed: need
                .deadline
                .is_some_and(|d| d < crate::i18n::local_date(chrono::Utc::now().naive_utc())),
            status: need.status,
            is_open: status.is_open(),
            anonymous: need.anonymous,
            featured: need.featured,
            firm: (!need.anonymous).then(|| FirmView::from(org)),
            city: org.city.clone(),
            province: org.province.clone(),
            published_at: need.published_at,
            updated_at: need.updated_at,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct HomeView {
    pub open_needs: i64,
    pub localized_needs: i64,
    /// Introductions Niaz made, from the records.
    pub introductions: i64,
    pub firms: i64,
    pub value_by_currency: Vec<CurrencyTotal>,
    pub featured: Vec<NeedView>,
    pub latest: Vec<NeedView>,
    pub categories: Vec<CategoryCount>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CurrencyTotal {
    pub currency: String,
    pub amount: i64,
}

/// Builds the category tree with public counts; parents count their children's needs too.
fn category_tree(categories: &[Category], counts: &[(i32, i64)]) -> Vec<CategoryCount> {
    let count_of = |id: i32| counts.iter().find(|(c, _)| *c == id).map_or(0, |(_, n)| *n);
    categories
        .iter()
        .filter(|c| c.parent_id.is_none())
        .map(|parent| {
            let children: Vec<CategoryCount> = categories
                .iter()
                .filter(|c| c.parent_id == Some(parent.id))
                .map(|c| CategoryCount {
                    category: c.into(),
                    count: count_of(c.id),
                    children: Vec::new(),
                })
                .collect();
            CategoryCount {
                category: parent.into(),
                count: count_of(parent.id) + children.iter().map(|c| c.count).sum::<i64>(),
                children,
            }
        })
        .collect()
}

pub async fn categories(db: &Db) -> Result<Vec<CategoryCount>, AppError> {
    db.run(|conn| {
        let cats = q::all_categories(conn)?;
        let counts = q::public_counts_by_category(conn)?;
        Ok(category_tree(&cats, &counts))
    })
    .await
}

pub async fn home(db: &Db) -> Result<HomeView, AppError> {
    db.run(|conn| {
        let Stats {
            open_needs,
            localized_needs,
            firms,
            value_by_currency,
        } = q::stats(conn)?;
        let featured_filter = NeedFilter {
            featured_only: true,
            ..NeedFilter::default()
        };
        let (featured, _) = q::list_public_needs(conn, &featured_filter, 0, 6)?;
        let (latest, _) = q::list_public_needs(conn, &NeedFilter::default(), 0, 8)?;
        let cats = q::all_categories(conn)?;
        let counts = q::public_counts_by_category(conn)?;
        Ok(HomeView {
            introductions: crate::db::interests::count_introductions(conn)?,
            open_needs,
            localized_needs,
            firms,
            value_by_currency: value_by_currency
                .into_iter()
                .map(|(currency, amount)| CurrencyTotal { currency, amount })
                .collect(),
            featured: featured.iter().map(NeedView::from_row).collect(),
            latest: latest.iter().map(NeedView::from_row).collect(),
            categories: category_tree(&cats, &counts),
        })
    })
    .await
}

#[derive(Debug, Clone, Serialize)]
pub struct CatalogueView {
    pub needs: Page<NeedView>,
    /// The selected category, if any, and its parent for the breadcrumb.
    pub category: Option<CategoryRef>,
    pub parent: Option<CategoryRef>,
    /// The city filter, if any (`/needs?city=تبریز`).
    pub city: Option<String>,
    pub categories: Vec<CategoryCount>,
}

/// A page of public needs, optionally in one category (a top-level category includes its
/// subcategories). An unknown category slug is `NotFound`.
pub async fn catalogue(
    db: &Db,
    category_slug: Option<String>,
    city: Option<String>,
    page: i64,
) -> Result<CatalogueView, AppError> {
    db.run(move |conn| {
        let cats = q::all_categories(conn)?;
        let mut filter = NeedFilter {
            city: city.clone(),
            ..NeedFilter::default()
        };
        let mut selected = None;
        let mut parent = None;
        if let Some(slug) = category_slug {
            let cat = cats
                .iter()
                .find(|c| c.slug == slug)
                .ok_or(AppError::NotFound)?;
            let mut ids = vec![cat.id];
            ids.extend(
                cats.iter()
                    .filter(|c| c.parent_id == Some(cat.id))
                    .map(|c| c.id),
            );
            filter.category_ids = Some(ids);
            parent = cat
                .parent_id
                .and_then(|p| cats.iter().find(|c| c.id == p))
                .map(CategoryRef::from);
            selected = Some(CategoryRef::from(cat));
        }
        let (rows, total) = q::list_public_needs(conn, &filter, (page - 1) * PAGE_SIZE, PAGE_SIZE)?;
        let counts = q::public_counts_by_category(conn)?;
        Ok(CatalogueView {
            needs: Page::new(
                rows.iter().map(NeedView::from_row).collect(),
                total,
                page,
                PAGE_SIZE,
            ),
            category: selected,
            parent,
            city,
            categories: category_tree(&cats, &counts),
        })
    })
    .await
}

/// A public need; drafts, needs under review and closed needs are `NotFound` to the public.
pub async fn need(db: &Db, id: i32) -> Result<NeedView, AppError> {
    db.run(move |conn| {
        let row = q::find_need(conn, id)?.ok_or(AppError::NotFound)?;
        if !row.0.status.is_public() {
            return Err(AppError::NotFound);
        }
        Ok(NeedView::from_row(&row))
    })
    .await
}

#[derive(Debug, Clone, Serialize)]
pub struct FirmPage {
    pub firm: FirmView,
    pub needs: Page<NeedView>,
    /// Parts localized and introductions made for its needs, from the records.
    pub localized: i64,
    pub introductions: i64,
}

/// A firm's public profile with its public needs, except the ones it posted anonymously.
pub async fn firm(db: &Db, id: i32, page: i64) -> Result<FirmPage, AppError> {
    db.run(move |conn| {
        let org = q::find_organization(conn, id)?.ok_or(AppError::NotFound)?;
        let filter = NeedFilter {
            organization_id: Some(id),
            exclude_anonymous: true,
            ..NeedFilter::default()
        };
        let (rows, total) = q::list_public_needs(conn, &filter, (page - 1) * PAGE_SIZE, PAGE_SIZE)?;
        // A firm is shown once it has a need published under its name: a firm that posts
        // only anonymously stays unnamed, even as a participant.
        if total == 0 {
            return Err(AppError::NotFound);
        }
        let (localized, introductions) = crate::db::interests::firm_record(conn, id)?;
        Ok(FirmPage {
            localized,
            introductions,
            firm: FirmView::from(&org),
            needs: Page::new(
                rows.iter().map(NeedView::from_row).collect(),
                total,
                page,
                PAGE_SIZE,
            ),
        })
    })
    .await
}
