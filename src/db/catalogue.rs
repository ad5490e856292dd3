//! Queries for the catalogue: categories, organizations and needs.

use diesel::dsl::count_star;
use diesel::prelude::*;

use super::models::{Category, Need, NeedContent, NewNeed, NewOrganization, Organization};
use super::schema::{categories, needs, organizations};
use super::Conn;
use crate::domain::need::NeedStatus;

/// A need with the organization that posted it and its category.
pub type NeedRow = (Need, Organization, Category);

fn public_statuses() -> Vec<NeedStatus> {
    NeedStatus::PUBLIC.to_vec()
}

fn open_statuses() -> Vec<NeedStatus> {
    NeedStatus::PUBLIC
        .into_iter()
        .filter(|s| s.is_open())
        .collect()
}

pub fn all_categories(conn: &mut Conn) -> QueryResult<Vec<Category>> {
    categories::table
        .order((categories::position, categories::id))
        .select(Category::as_select())
        .load(conn)
}

/// Number of public needs per category id (leaf counts; parents are summed by the caller).
pub fn public_counts_by_category(conn: &mut Conn) -> QueryResult<Vec<(i32, i64)>> {
    needs::table
        .filter(needs::status.eq_any(public_statuses()))
        .group_by(needs::category_id)
        .select((needs::category_id, count_star()))
        .load(conn)
}

/// Filter for listing public needs.
#[derive(Debug, Clone, Default)]
pub struct NeedFilter {
    pub category_ids: Option<Vec<i32>>,
    pub organization_id: Option<i32>,
    /// Anonymous needs are listed in the catalogue but never under their firm's name.
    pub exclude_anonymous: bool,
    pub featured_only: bool,
    /// Needs of firms in this city (its canonical spelling).
    pub city: Option<String>,
}

fn filtered(filter: &NeedFilter) -> needs::BoxedQuery<'static, crate::db::MultiBackend> {
    let mut q = needs::table
        .filter(needs::status.eq_any(public_statuses()))
        .into_boxed();
    if let Some(ids) = &filter.category_ids {
        q = q.filter(needs::category_id.eq_any(ids.clone()));
    }
    if let Some(org) = filter.organization_id {
        q = q.filter(needs::organization_id.eq(org));
    }
    if filter.exclude_anonymous {
        q = q.filter(needs::anonymous.eq(false));
    }
    if filter.featured_only {
        q = q.filter(needs::featured.eq(true));
    }
    if let Some(city) = &filter.city {
        q = q.filter(
            needs::organization_id.eq_any(
                organizations::table
                    .filter(organizations::city.eq(city.clone()))
                    .select(organizations::id),
            ),
        );
    }
    q
}

/// One page of public needs, newest first, and the total count.
pub fn list_public_needs(
    conn: &mut Conn,
    filter: &NeedFilter,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<NeedRow>, i64)> {
    let total: i64 = filtered(filter).count().get_result(conn)?;
    let ids: Vec<i32> = filtered(filter)
        .order((needs::published_at.desc(), needs::id.desc()))
        .offset(offset)
        .limit(limit)
        .select(needs::id)
        .load(conn)?;
    let rows = load_need_rows(conn, &ids)?;
    Ok((rows, total))
}

/// Loads needs with their organization and category, in the order of `ids`.
pub fn load_need_rows(conn: &mut Conn, ids: &[i32]) -> QueryResult<Vec<NeedRow>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = serde_json::to_string(ids).unwrap_or_else(|_| "[]".into());
    let mut rows: Vec<NeedRow> = needs::table
        .inner_join(organizations::table)
        .inner_join(categories::table)
        .filter(super::sql::IdIn::new(list))
        .select((
            Need::as_select(),
            Organization::as_select(),
            Category::as_select(),
        ))
        .load(conn)?;
    let order: std::collections::HashMap<i32, usize> =
        ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    rows.sort_by_key(|(n, _, _)| order.get(&n.id).copied());
    Ok(rows)
}

pub fn find_need(conn: &mut Conn, id: i32) -> QueryResult<Option<NeedRow>> {
    Ok(load_need_rows(conn, &[id])?.pop())
}

pub fn find_organization(conn: &mut Conn, id: i32) -> QueryResult<Option<Organization>> {
    organizations::table
        .find(id)
        .select(Organization::as_select())
        .first(conn)
        .optional()
}

/// Headline figures of the public catalogue.
#[derive(Debug, Clone, Default)]
pub struct Stats {
    pub open_needs: i64,
    pub localized_needs: i64,
    pub firms: i64,
    /// Sum of annual import value of open needs per currency code, largest first.
    pub value_by_currency: Vec<(String, i64)>,
}

pub fn stats(conn: &mut Conn) -> QueryResult<Stats> {
    let open_needs: i64 = needs::table
        .filter(needs::status.eq_any(open_statuses()))
        .count()
        .get_result(conn)?;
    let localized_needs: i64 = needs::table
        .filter(needs::status.eq(NeedStatus::Localized.as_str()))
        .count()
        .get_result(conn)?;
    let firms = needs::table
        .filter(needs::status.eq_any(public_statuses()))
        .select(needs::organization_id)
        .distinct()
        .load::<i32>(conn)?
        .len() as i64;
    // Summed in two halves (billions and the rest), each far from overflowing, and joined in
    // 128 bits: a few huge values must never turn the home page into an error.
    let mut value_by_currency: Vec<(String, i64)> = needs::table
        .filter(needs::status.eq_any(open_statuses()))
        .group_by(needs::currency)
        // SUM of a BIGINT is NUMERIC in PostgreSQL: cast back so both backends agree.
        .select((
            needs::currency,
            diesel::dsl::sql::<diesel::sql_types::Nullable<diesel::sql_types::BigInt>>(
                "CAST(SUM(needs.annual_import_value / 1000000000) AS BIGINT)",
            ),
            diesel::dsl::sql::<diesel::sql_types::Nullable<diesel::sql_types::BigInt>>(
                "CAST(SUM(needs.annual_import_value % 1000000000) AS BIGINT)",
            ),
        ))
        .load::<(String, Option<i64>, Option<i64>)>(conn)?
        .into_iter()
        .filter_map(|(c, high, low)| {
            let total = i128::from(high?) * 1_000_000_000 + i128::from(low.unwrap_or(0));
            Some((c, i64::try_from(total).unwrap_or(i64::MAX)))
        })
        .filter(|(_, v)| *v > 0)
        .collect();
    value_by_currency.sort_by_key(|(_, v)| std::cmp::Reverse(*v));
    Ok(Stats {
        open_needs,
        localized_needs,
        firms,
        value_by_currency,
    })
}

/// (id, name) of every organization, by name, for the staff's "post for a firm" choice.
pub fn organization_names(conn: &mut Conn) -> QueryResult<Vec<(i32, String)>> {
    organizations::table
        .order((organizations::name, organizations::id))
        .limit(5_000)
        .select((organizations::id, organizations::name))
        .load(conn)
}

pub fn unverified_organizations(conn: &mut Conn) -> QueryResult<Vec<Organization>> {
    organizations::table
        .filter(organizations::verified.eq(false))
        .order(organizations::id)
        .limit(200)
        .select(Organization::as_select())
        .load(conn)
}

/// Marks an organization verified (or not); false when there is no such organization.
pub fn set_organization_verified(conn: &mut Conn, id: i32, verified: bool) -> QueryResult<bool> {
    let n = diesel::update(organizations::table.find(id))
        .set((
            organizations::verified.eq(verified),
            organizations::updated_at.eq(chrono::Utc::now().naive_utc()),
        ))
        .execute(conn)?;
    Ok(n > 0)
}

pub fn count_needs(conn: &mut Conn) -> QueryResult<i64> {
    needs::table.count().get_result(conn)
}

pub fn count_organizations(conn: &mut Conn) -> QueryResult<i64> {
    organizations::table.count().get_result(conn)
}

pub fn insert_organization(conn: &mut Conn, org: &NewOrganization) -> QueryResult<i32> {
    diesel::insert_into(organizations::table)
        .values(org)
        .returning(organizations::id)
        .get_result(conn)
}

/// Changes a need's status from `from` to `to` and records the change for the search index,
/// atomically. Conditional on the status read: false (nothing written) when another writer
/// changed it in between. Only [`crate::services::need_status`] calls this.
pub fn set_status(conn: &mut Conn, id: i32, from: NeedStatus, to: NeedStatus) -> QueryResult<bool> {
    crate::db::write_transaction(conn, |conn| {
        let now = chrono::Utc::now().naive_utc();
        let n = diesel::update(needs::table.find(id).filter(needs::status.eq(from)))
            .set((needs::status.eq(to), needs::updated_at.eq(now)))
            .execute(conn)?;
        if n == 1 {
            super::search::record_changes(conn, &[id])?;
        }
        Ok(n == 1)
    })
}

/// A need's status, if it exists.
pub fn status_of(conn: &mut Conn, id: i32) -> QueryResult<Option<NeedStatus>> {
    needs::table
        .find(id)
        .select(needs::status)
        .first(conn)
        .optional()
}

/// Queues a need for the makers' alerts (once: a second call changes nothing).
pub fn record_news(conn: &mut Conn, id: i32) -> QueryResult<()> {
    use super::schema::need_news;
    let insert = diesel::insert_into(need_news::table)
        .values((
            need_news::need_id.eq(id),
            need_news::created_at.eq(chrono::Utc::now().naive_utc()),
        ))
        .on_conflict_do_nothing();
    super::on_backend!(conn, |c| insert.execute(c)).map(|_| ())
}

/// Of `ids`, the needs waiting to be announced.
pub fn news_among(conn: &mut Conn, ids: &[i32]) -> QueryResult<Vec<i32>> {
    use super::schema::need_news;
    need_news::table
        .filter(need_news::need_id.eq_any(ids))
        .select(need_news::need_id)
        .load(conn)
}

/// Marks needs announced: they are not news again until they pass review again.
pub fn clear_news(conn: &mut Conn, ids: &[i32]) -> QueryResult<()> {
    use super::schema::need_news;
    diesel::delete(need_news::table.filter(need_news::need_id.eq_any(ids)))
        .execute(conn)
        .map(|_| ())
}

pub fn find_need_id_by_ref(conn: &mut Conn, import_ref: &str) -> QueryResult<Option<i32>> {
    needs::table
        .filter(needs::import_ref.eq(import_ref))
        .select(needs::id)
        .first(conn)
        .optional()
}

pub fn need_exists(conn: &mut Conn, id: i32) -> QueryResult<bool> {
    Ok(needs::table
        .find(id)
        .select(needs::id)
        .first::<i32>(conn)
        .optional()?
        .is_some())
}

pub fn find_organization_by_key(conn: &mut Conn, key: &str) -> QueryResult<Option<Organization>> {
    organizations::table
        .filter(organizations::name_key.eq(key))
        .order(organizations::id)
        .select(Organization::as_select())
        .first(conn)
        .optional()
}

/// Replaces every field of a need (keeping its creation time) and records the change.
/// Replaces a need's content and status (its firm, creation, featuring and expiry stay).
pub fn update_need(
    conn: &mut Conn,
    id: i32,
    content: &NeedContent,
    status: NeedStatus,
    published_at: Option<chrono::NaiveDateTime>,
    import_ref: Option<&str>,
) -> QueryResult<()> {
    crate::db::write_transaction(conn, |conn| {
        diesel::update(needs::table.find(id))
            .set((
                content,
                needs::status.eq(status),
                needs::updated_at.eq(chrono::Utc::now().naive_utc()),
                needs::published_at.eq(published_at),
                needs::import_ref.eq(import_ref),
            ))
            .execute(conn)?;
        super::search::record_changes(conn, &[id])
    })
}

/// Every need with its organization and category, optionally of some statuses, in id order.
pub fn all_need_rows(conn: &mut Conn, statuses: Option<&[&str]>) -> QueryResult<Vec<NeedRow>> {
    let mut q = needs::table
        .inner_join(organizations::table)
        .inner_join(categories::table)
        .select((
            Need::as_select(),
            Organization::as_select(),
            Category::as_select(),
        ))
        .order(needs::id)
        .into_boxed();
    if let Some(s) = statuses {
        q = q.filter(needs::status.eq_any(s.to_vec()));
    }
    q.load(conn)
}

pub fn set_published_now(conn: &mut Conn, id: i32) -> QueryResult<()> {
    diesel::update(needs::table.find(id))
        .set(needs::published_at.eq(Some(chrono::Utc::now().naive_utc())))
        .execute(conn)
        .map(|_| ())
}

/// Inserts a need and records the change for the search index, atomically.
pub fn insert_need(conn: &mut Conn, need: &NewNeed) -> QueryResult<i32> {
    crate::db::write_transaction(conn, |conn| {
        let id = diesel::insert_into(needs::table)
            .values(need)
            .returning(needs::id)
            .get_result(conn)?;
        super::search::record_changes(conn, &[id])?;
        Ok(id)
    })
}

/// Inserts many needs (one statement) and records their changes, atomically.
pub fn insert_needs(conn: &mut Conn, rows: &[NewNeed]) -> QueryResult<usize> {
    crate::db::write_transaction(conn, |conn| {
        let insert = diesel::insert_into(needs::table)
            .values(rows)
            .returning(needs::id);
        let ids: Vec<i32> = super::on_backend!(conn, |c| insert.get_results(c))?;
        super::search::record_changes(conn, &ids)?;
        Ok(ids.len())
    })
}
