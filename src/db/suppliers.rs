//! Queries of supplier profiles: one row per supplier, its processes and certifications in
//! rows of their own, so the directory can filter by them.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{supplier_certifications, supplier_processes, supplier_profiles, users};
use super::Conn;
use crate::domain::account::Role;
use crate::domain::supplier::{Certification, Process};

/// A supplier's profile text, as stored.
#[derive(Debug, Clone, Default, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = supplier_profiles, treat_none_as_null = true)]
pub struct ProfileFields {
    pub summary: String,
    pub materials: String,
    pub machines: String,
    pub capacity: String,
    pub city: String,
    pub localized_parts: String,
    pub max_diameter_mm: Option<i32>,
    pub max_length_mm: Option<i32>,
    pub max_weight_kg: Option<i32>,
    pub tolerance_um: Option<i32>,
    pub surface_ra_nm: Option<i32>,
    pub shot_g: Option<i32>,
    pub press_tonnes: Option<i32>,
    pub batch_min: Option<i32>,
    pub batch_max: Option<i32>,
}

impl ProfileFields {
    /// What the maker's machines hold.
    pub fn envelope(&self) -> crate::domain::matching::Envelope {
        crate::domain::matching::Envelope {
            max_diameter_mm: self.max_diameter_mm,
            max_length_mm: self.max_length_mm,
            max_weight_kg: self.max_weight_kg,
            tolerance_um: self.tolerance_um,
            surface_ra_nm: self.surface_ra_nm,
            shot_g: self.shot_g,
            press_tonnes: self.press_tonnes,
            batch_min: self.batch_min,
            batch_max: self.batch_max,
        }
    }

    pub fn set_envelope(&mut self, e: crate::domain::matching::Envelope) {
        self.max_diameter_mm = e.max_diameter_mm;
        self.max_length_mm = e.max_length_mm;
        self.max_weight_kg = e.max_weight_kg;
        self.tolerance_um = e.tolerance_um;
        self.surface_ra_nm = e.surface_ra_nm;
        self.shot_g = e.shot_g;
        self.press_tonnes = e.press_tonnes;
        self.batch_min = e.batch_min;
        self.batch_max = e.batch_max;
    }
}

/// A profile with its owner's public name.
#[derive(Debug, Clone)]
pub struct ProfileRow {
    pub user_id: i32,
    pub name: String,
    pub organization_id: Option<i32>,
    pub organization: Option<String>,
    pub fields: ProfileFields,
    pub verified: bool,
    pub processes: Vec<Process>,
    pub certifications: Vec<Certification>,
    pub updated_at: NaiveDateTime,
}

/// Writes a profile and its lists, replacing what was there.
pub fn save(
    conn: &mut Conn,
    user_id: i32,
    fields: &ProfileFields,
    processes: &[Process],
    certifications: &[Certification],
) -> QueryResult<()> {
    crate::db::write_transaction(conn, |conn| {
        let now = chrono::Utc::now().naive_utc();
        let exists = supplier_profiles::table
            .find(user_id)
            .count()
            .get_result::<i64>(conn)?
            > 0;
        if exists {
            diesel::update(supplier_profiles::table.find(user_id))
                .set((fields, supplier_profiles::updated_at.eq(now)))
                .execute(conn)?;
        } else {
            diesel::insert_into(supplier_profiles::table)
                .values((
                    supplier_profiles::user_id.eq(user_id),
                    fields,
                    supplier_profiles::created_at.eq(now),
                    supplier_profiles::updated_at.eq(now),
                ))
                .execute(conn)?;
        }
        diesel::delete(supplier_processes::table.filter(supplier_processes::user_id.eq(user_id)))
            .execute(conn)?;
        for p in processes {
            diesel::insert_into(supplier_processes::table)
                .values((
                    supplier_processes::user_id.eq(user_id),
                    supplier_processes::process.eq(*p),
                ))
                .execute(conn)?;
        }
        diesel::delete(
            supplier_certifications::table.filter(supplier_certifications::user_id.eq(user_id)),
        )
        .execute(conn)?;
        for c in certifications {
            diesel::insert_into(supplier_certifications::table)
                .values((
                    supplier_certifications::user_id.eq(user_id),
                    supplier_certifications::certification.eq(*c),
                ))
                .execute(conn)?;
        }
        Ok(())
    })
}

/// What the directory may filter on.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub process: Option<Process>,
    pub certification: Option<Certification>,
    pub city: Option<String>,
}

fn public(filter: &Filter) -> supplier_profiles::BoxedQuery<'static, crate::db::MultiBackend> {
    // Public once the account's address is confirmed; deleted accounts never.
    let listed = users::table
        .filter(users::role.eq(Role::Supplier))
        .filter(users::email_verified_at.is_not_null())
        .filter(users::deleted_at.is_null())
        .filter(users::suspended_at.is_null())
        .select(users::id);
    let mut q = supplier_profiles::table
        .filter(supplier_profiles::user_id.eq_any(listed))
        .into_boxed();
    if let Some(p) = filter.process {
        q = q.filter(
            supplier_profiles::user_id.eq_any(
                supplier_processes::table
                    .filter(supplier_processes::process.eq(p))
                    .select(supplier_processes::user_id),
            ),
        );
    }
    if let Some(c) = filter.certification {
        q = q.filter(
            supplier_profiles::user_id.eq_any(
                supplier_certifications::table
                    .filter(supplier_certifications::certification.eq(c))
                    .select(supplier_certifications::user_id),
            ),
        );
    }
    if let Some(city) = &filter.city {
        q = q.filter(supplier_profiles::city.eq(city.clone()));
    }
    q
}

/// A profile by its owner, public or not.
pub fn find(conn: &mut Conn, user_id: i32) -> QueryResult<Option<ProfileRow>> {
    Ok(load(conn, &[user_id])?.into_iter().next())
}

/// Whether the profile of this user is in the public directory.
pub fn is_public(conn: &mut Conn, user_id: i32) -> QueryResult<bool> {
    Ok(public(&Filter::default())
        .filter(supplier_profiles::user_id.eq(user_id))
        .count()
        .get_result::<i64>(conn)?
        > 0)
}

/// Profiles with their owners' names and lists, in the order of `ids`.
fn load(conn: &mut Conn, ids: &[i32]) -> QueryResult<Vec<ProfileRow>> {
    use super::schema::organizations;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    type Row = (
        i32,
        ProfileFields,
        bool,
        NaiveDateTime,
        String,
        Option<i32>,
        Option<String>,
    );
    let rows: Vec<Row> = supplier_profiles::table
        .inner_join(users::table)
        .left_join(organizations::table.on(users::organization_id.eq(organizations::id.nullable())))
        .filter(supplier_profiles::user_id.eq_any(ids))
        .select((
            supplier_profiles::user_id,
            ProfileFields::as_select(),
            supplier_profiles::verified,
            supplier_profiles::updated_at,
            users::name,
            users::organization_id,
            organizations::name.nullable(),
        ))
        .load(conn)?;
    let mut processes: std::collections::HashMap<i32, Vec<Process>> = Default::default();
    for (u, p) in supplier_processes::table
        .filter(supplier_processes::user_id.eq_any(ids))
        .select((supplier_processes::user_id, supplier_processes::process))
        .load::<(i32, Process)>(conn)?
    {
        processes.entry(u).or_default().push(p);
    }
    let mut certifications: std::collections::HashMap<i32, Vec<Certification>> = Default::default();
    for (u, c) in supplier_certifications::table
        .filter(supplier_certifications::user_id.eq_any(ids))
        .select((
            supplier_certifications::user_id,
            supplier_certifications::certification,
        ))
        .load::<(i32, Certification)>(conn)?
    {
        certifications.entry(u).or_default().push(c);
    }
    let mut out: Vec<ProfileRow> = rows
        .into_iter()
        .map(
            |(user_id, fields, verified, updated_at, name, organization_id, organization)| {
                let mut processes = processes.remove(&user_id).unwrap_or_default();
                processes.sort_by_key(|p| Process::ALL.iter().position(|x| x == p));
                ProfileRow {
                    user_id,
                    name,
                    organization_id,
                    organization,
                    fields,
                    verified,
                    processes,
                    certifications: certifications.remove(&user_id).unwrap_or_default(),
                    updated_at,
                }
            },
        )
        .collect();
    let order: std::collections::HashMap<i32, usize> =
        ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    out.sort_by_key(|r| order.get(&r.user_id).copied());
    Ok(out)
}

/// Marks a profile verified by the organizers (a badge).
pub fn set_verified(conn: &mut Conn, user_id: i32, verified: bool) -> QueryResult<bool> {
    Ok(diesel::update(supplier_profiles::table.find(user_id))
        .set((
            supplier_profiles::verified.eq(verified),
            // A change the directory index must see.
            supplier_profiles::updated_at.eq(chrono::Utc::now().naive_utc()),
        ))
        .execute(conn)?
        > 0)
}

/// What the directory index was built from: (profiles, last profile change, public makers).
/// When any of these changes, the index is rebuilt.
pub type Fingerprint = (i64, Option<NaiveDateTime>, i64);

pub fn fingerprint(conn: &mut Conn) -> QueryResult<Fingerprint> {
    let (count, last): (i64, Option<NaiveDateTime>) = supplier_profiles::table
        .select((
            diesel::dsl::count_star(),
            diesel::dsl::max(supplier_profiles::updated_at),
        ))
        .first(conn)?;
    let public = public(&Filter::default()).count().get_result(conn)?;
    Ok((count, last, public))
}

/// Every public profile (to build the directory index).
pub fn all_public(conn: &mut Conn) -> QueryResult<Vec<ProfileRow>> {
    let ids: Vec<i32> = public(&Filter::default())
        .select(supplier_profiles::user_id)
        .load(conn)?;
    load(conn, &ids)
}

/// Profiles by id, in that order (public or not: callers found them in the index).
pub fn by_ids(conn: &mut Conn, ids: &[i32]) -> QueryResult<Vec<ProfileRow>> {
    load(conn, ids)
}

/// A report of a maker's conduct: (id, maker id, maker name, reporter name, reason, when).
pub type ReportRow = (i32, i32, String, String, String, NaiveDateTime);

pub fn report(conn: &mut Conn, supplier: i32, reporter: i32, reason: &str) -> QueryResult<()> {
    use super::schema::supplier_reports as r;
    diesel::insert_into(r::table)
        .values((
            r::supplier_id.eq(supplier),
            r::reporter_id.eq(reporter),
            r::reason.eq(reason),
            r::created_at.eq(chrono::Utc::now().naive_utc()),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Reports not yet resolved, oldest first.
pub fn open_reports(conn: &mut Conn) -> QueryResult<Vec<ReportRow>> {
    use super::schema::supplier_reports as r;
    let rows: Vec<(i32, i32, i32, String, NaiveDateTime)> = r::table
        .filter(r::resolved_at.is_null())
        .order(r::id)
        .limit(200)
        .select((
            r::id,
            r::supplier_id,
            r::reporter_id,
            r::reason,
            r::created_at,
        ))
        .load(conn)?;
    let mut out = Vec::with_capacity(rows.len());
    for (id, supplier, reporter, reason, at) in rows {
        let name = |conn: &mut Conn, id: i32| -> QueryResult<String> {
            users::table.find(id).select(users::name).first(conn)
        };
        out.push((
            id,
            supplier,
            name(conn, supplier)?,
            name(conn, reporter)?,
            reason,
            at,
        ));
    }
    Ok(out)
}

/// Suspends a maker (or lifts it) and resolves its reports.
pub fn suspend(conn: &mut Conn, supplier: i32, suspended: bool) -> QueryResult<bool> {
    use super::schema::supplier_reports as r;
    crate::db::write_transaction(conn, |conn| {
        let now = chrono::Utc::now().naive_utc();
        let n = diesel::update(
            users::table
                .find(supplier)
                .filter(users::role.eq(Role::Supplier)),
        )
        .set(users::suspended_at.eq(suspended.then_some(now)))
        .execute(conn)?;
        diesel::update(
            r::table
                .filter(r::supplier_id.eq(supplier))
                .filter(r::resolved_at.is_null()),
        )
        .set(r::resolved_at.eq(Some(now)))
        .execute(conn)?;
        // Any change of who is public rebuilds the directory index: touch the profile.
        diesel::update(supplier_profiles::table.find(supplier))
            .set(supplier_profiles::updated_at.eq(now))
            .execute(conn)?;
        Ok(n == 1)
    })
}

/// A photo of a maker's past work.
#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = super::schema::supplier_photos)]
pub struct Photo {
    pub id: i32,
    pub user_id: i32,
    pub original_name: String,
    #[serde(skip)]
    pub stored_name: String,
    #[serde(skip)]
    pub thumb_name: String,
    pub content_type: String,
    pub created_at: NaiveDateTime,
}

pub fn add_photo(
    conn: &mut Conn,
    user: i32,
    original: &str,
    stored: &str,
    thumb: &str,
    content_type: &str,
) -> QueryResult<i32> {
    use super::schema::supplier_photos as p;
    crate::db::write_transaction(conn, |conn| {
        let id = diesel::insert_into(p::table)
            .values((
                p::user_id.eq(user),
                p::original_name.eq(original),
                p::stored_name.eq(stored),
                p::thumb_name.eq(thumb),
                p::content_type.eq(content_type),
                p::created_at.eq(chrono::Utc::now().naive_utc()),
            ))
            .returning(p::id)
            .get_result(conn)?;
        touch(conn, user)?;
        Ok(id)
    })
}

/// Marks a profile changed (its photos are part of it).
fn touch(conn: &mut Conn, user: i32) -> QueryResult<()> {
    diesel::update(supplier_profiles::table.find(user))
        .set(supplier_profiles::updated_at.eq(chrono::Utc::now().naive_utc()))
        .execute(conn)
        .map(|_| ())
}

pub fn photos(conn: &mut Conn, user: i32) -> QueryResult<Vec<Photo>> {
    use super::schema::supplier_photos as p;
    p::table
        .filter(p::user_id.eq(user))
        .order(p::id)
        .select(Photo::as_select())
        .load(conn)
}

pub fn photo(conn: &mut Conn, id: i32) -> QueryResult<Option<Photo>> {
    use super::schema::supplier_photos as p;
    p::table
        .find(id)
        .select(Photo::as_select())
        .first(conn)
        .optional()
}

pub fn delete_photo(conn: &mut Conn, id: i32) -> QueryResult<()> {
    use super::schema::supplier_photos as p;
    diesel::delete(p::table.find(id)).execute(conn).map(|_| ())
}

/// Reports `reporter` sent since `since`.
pub fn reports_since(conn: &mut Conn, reporter: i32, since: NaiveDateTime) -> QueryResult<i64> {
    use super::schema::supplier_reports as r;
    r::table
        .filter(r::reporter_id.eq(reporter))
        .filter(r::created_at.ge(since))
        .count()
        .get_result(conn)
}
