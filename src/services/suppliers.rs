//! Supplier profiles and the public directory of makers. A profile says what a maker can do
//! (processes and certifications from controlled lists, materials, machines, capacity, city,
//! parts already localized) and never how to reach it: contacts are shared only through an
//! introduction. A profile is public once its owner's email address is confirmed.

use serde::Serialize;

use super::{Page, PAGE_SIZE};
use crate::db::models::User;
use crate::db::suppliers::{self as q, ProfileFields, ProfileRow};
use crate::db::Db;
use crate::domain::account::Role;
use crate::domain::supplier::{Certification, Process};
use crate::domain::text::{char_len, clean};
use crate::domain::FieldError;
use crate::error::AppError;
use crate::search::suppliers::{Lookup, SupplierIndex};
use crate::services::catalogue::NeedView;
use crate::state::AppState;

/// The handles this service uses: nothing more of the application state.
#[derive(Clone, Copy)]
pub struct Suppliers<'a> {
    pub db: &'a Db,
    pub index: &'a std::sync::Arc<SupplierIndex>,
}

impl<'a> Suppliers<'a> {
    pub fn of(state: &'a AppState) -> Self {
        Self {
            db: &state.db,
            index: &state.suppliers,
        }
    }
}

/// A profile as pages and the API show it: no email, phone or address, ever.
#[derive(Debug, Clone, Serialize)]
pub struct ProfileView {
    pub id: i32,
    pub name: String,
    pub organization: Option<String>,
    pub summary: String,
    pub materials: String,
    pub machines: String,
    pub capacity: String,
    pub city: String,
    pub localized_parts: String,
    pub verified: bool,
    pub processes: Vec<Process>,
    pub certifications: Vec<Certification>,
}

impl From<ProfileRow> for ProfileView {
    fn from(r: ProfileRow) -> Self {
        Self {
            id: r.user_id,
            name: r.name,
            organization: r.organization,
            summary: r.fields.summary,
            materials: r.fields.materials,
            machines: r.fields.machines,
            capacity: r.fields.capacity,
            city: r.fields.city,
            localized_parts: r.fields.localized_parts,
            verified: r.verified,
            processes: r.processes,
            certifications: r.certifications,
        }
    }
}

/// What the directory was asked for, parsed; unknown values name their parameter.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DirectoryParams {
    /// Words to find, in any spelling (the Persian analyzer of needs).
    pub q: String,
    /// Words to find in the materials.
    pub material: String,
    pub process: Option<Process>,
    pub certification: Option<Certification>,
    pub city: Option<String>,
    pub page: i64,
    /// Makers a page (1 to 100; 20 by default).
    pub limit: i64,
}

impl DirectoryParams {
    pub fn parse(pairs: &[(String, String)]) -> Result<Self, AppError> {
        let get = |k: &str| {
            pairs
                .iter()
                .find(|(key, v)| key == k && !v.trim().is_empty())
                .map(|(_, v)| v.as_str())
        };
        let process = match get("process") {
            None => None,
            Some(v) => Some(
                Process::parse(v)
                    .ok_or_else(|| AppError::invalid("process", "error.process_unknown"))?,
            ),
        };
        let certification = match get("certification") {
            None => None,
            Some(v) => Some(Certification::parse(v).ok_or_else(|| {
                AppError::invalid("certification", "error.certification_unknown")
            })?),
        };
        let text = |k: &str| {
            let v = get(k).unwrap_or("").trim().to_string();
            if char_len(&v) > 200 {
                Err(AppError::invalid(k.to_string(), "error.too_long"))
            } else {
                Ok(v)
            }
        };
        Ok(Self {
            q: text("q")?,
            material: text("material")?,
            process,
            certification,
            city: get("city").map(crate::domain::places::canonical_place),
            page: super::parse_page(get("page"))?,
            limit: match get("limit") {
                None => PAGE_SIZE,
                Some(v) => crate::domain::codes::digits_to_latin(v.trim())
                    .parse::<i64>()
                    .ok()
                    .filter(|n| (1..=100).contains(n))
                    .ok_or_else(|| AppError::invalid("limit", "error.limit_invalid"))?,
            },
        })
    }
}

/// One page of the directory, and the choices of its filters.
#[derive(Debug, Clone, Serialize)]
pub struct Directory {
    pub suppliers: Page<ProfileView>,
    pub params: DirectoryParams,
    /// The filters' choices with how many makers of this search each has.
    pub processes: Vec<(Process, u64)>,
    pub certifications: Vec<(Certification, u64)>,
    pub cities: Vec<(String, u64)>,
}

/// Longest text of the summary and of each other field, in characters.
const SUMMARY_MAX: usize = 2000;
const FIELD_MAX: usize = 500;

/// Parses a profile form (its repeated `processes` and `certifications` boxes). Every problem is
/// reported at once, each naming its field.
pub fn parse_profile(
    pairs: &[(String, String)],
) -> Result<(ProfileFields, Vec<Process>, Vec<Certification>), AppError> {
    let mut errors = Vec::new();
    let text = |name: &str, max: usize, errors: &mut Vec<FieldError>| {
        let v = pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default();
        if char_len(&v) > max {
            errors.push(FieldError::new(name, "error.too_long"));
        }
        v
    };
    let summary = text("summary", SUMMARY_MAX, &mut errors);
    let materials = clean(&text("materials", FIELD_MAX, &mut errors));
    let machines = text("machines", FIELD_MAX, &mut errors);
    let capacity = clean(&text("capacity", FIELD_MAX, &mut errors));
    let city = text("city", FIELD_MAX, &mut errors);
    let localized_parts = text("localized_parts", FIELD_MAX, &mut errors);
    let mut processes = Vec::new();
    let mut certifications = Vec::new();
    for (k, v) in pairs {
        match k.as_str() {
            "processes" => match Process::parse(v) {
                Some(p) if !processes.contains(&p) => processes.push(p),
                Some(_) => {}
                None => errors.push(FieldError::new("processes", "error.process_unknown")),
            },
            "certifications" => match Certification::parse(v) {
                Some(c) if !certifications.contains(&c) => certifications.push(c),
                Some(_) => {}
                None => errors.push(FieldError::new(
                    "certifications",
                    "error.certification_unknown",
                )),
            },
            _ => {}
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let fields = ProfileFields {
        summary,
        materials,
        machines,
        capacity,
        city: if city.is_empty() {
            city
        } else {
            crate::domain::places::canonical_place(&city)
        },
        localized_parts,
    };
    Ok((fields, processes, certifications))
}

impl Suppliers<'_> {
    /// The user's own profile (public or not), if they have one.
    pub async fn own_profile(&self, user: &User) -> Result<Option<ProfileView>, AppError> {
        let id = user.id;
        let row = self.db.run(move |conn| Ok(q::find(conn, id)?)).await?;
        Ok(row.map(ProfileView::from))
    }

    /// Saves a supplier's profile from its form.
    pub async fn save_profile(
        &self,
        user: &User,
        pairs: &[(String, String)],
    ) -> Result<(), AppError> {
        if user.role != Role::Supplier {
            return Err(AppError::Conflict("error.profile_suppliers_only"));
        }
        let (fields, processes, certifications) = parse_profile(pairs)?;
        let id = user.id;
        self.db
            .run(move |conn| Ok(q::save(conn, id, &fields, &processes, &certifications)?))
            .await
    }

    /// A firm's member reports a maker's conduct to the organizers.
    pub async fn report(&self, user: &User, supplier: i32, reason: &str) -> Result<(), AppError> {
        if user.role != Role::Buyer || user.organization_id.is_none() {
            return Err(AppError::Forbidden);
        }
        let reason = clean(reason);
        if reason.is_empty() {
            return Err(AppError::invalid("reason", "error.required"));
        }
        if char_len(&reason) > 1000 {
            return Err(AppError::invalid("reason", "error.too_long"));
        }
        let reporter = user.id;
        self.db
            .run(move |conn| {
                if !q::is_public(conn, supplier)? {
                    return Err(AppError::NotFound);
                }
                Ok(q::report(conn, supplier, reporter, &reason)?)
            })
            .await
    }

    /// A public profile; any other id is not found.
    pub async fn public_profile(&self, id: i32) -> Result<ProfileView, AppError> {
        self.db
            .run(move |conn| {
                if !q::is_public(conn, id)? {
                    return Err(AppError::NotFound);
                }
                q::find(conn, id)?
                    .map(ProfileView::from)
                    .ok_or(AppError::NotFound)
            })
            .await
    }

    /// Rebuilds the directory index when the database changed since it was built: the
    /// database decides who is public.
    async fn fresh_index(&self) -> Result<(), AppError> {
        let now = self.db.run(|conn| Ok(q::fingerprint(conn)?)).await?;
        if self.index.is_fresh(&now) {
            return Ok(());
        }
        let index = self.index.clone();
        self.db
            .run(move |conn| {
                let profiles = q::all_public(conn)?;
                let names = |slug: &str| {
                    let key = format!("process.{slug}");
                    format!(
                        "{} {}",
                        crate::i18n::t(crate::i18n::Lang::Fa, &key),
                        crate::i18n::t(crate::i18n::Lang::En, &key)
                    )
                };
                index
                    .rebuild(now, &profiles, &names)
                    .map_err(|e| AppError::Internal(anyhow::anyhow!("supplier index: {e}")))
            })
            .await
    }

    /// A page of the directory.
    pub async fn directory(&self, params: DirectoryParams) -> Result<Directory, AppError> {
        self.fresh_index().await?;
        let mut filters = Vec::new();
        if let Some(p) = params.process {
            filters.push(tantivy::schema::Facet::from_path(["process", p.as_str()]));
        }
        if let Some(c) = params.certification {
            filters.push(tantivy::schema::Facet::from_path([
                "certification",
                c.as_str(),
            ]));
        }
        if let Some(city) = &params.city {
            filters.push(tantivy::schema::Facet::from_path(["city", city.as_str()]));
        }
        let lookup = Lookup {
            q: params.q.clone(),
            material: params.material.clone(),
            filters,
            offset: ((params.page - 1) * params.limit) as usize,
            limit: params.limit as usize,
        };
        let found = self
            .index
            .search(&lookup)
            .map_err(|e| AppError::Internal(anyhow::anyhow!("supplier search: {e}")))?;
        let ids = found.ids.clone();
        let rows = self.db.run(move |conn| Ok(q::by_ids(conn, &ids)?)).await?;
        let count = |prefix: &str, value: &str| {
            found
                .facets
                .iter()
                .find(|(f, _)| f == &format!("/{prefix}/{value}"))
                .map_or(0, |(_, n)| *n)
        };
        let processes = Process::ALL
            .iter()
            .map(|p| (*p, count("process", p.as_str())))
            .collect();
        let certifications = Certification::ALL
            .iter()
            .map(|c| (*c, count("certification", c.as_str())))
            .collect();
        let mut cities: Vec<(String, u64)> = found
            .facets
            .iter()
            .filter_map(|(f, n)| f.strip_prefix("/city/").map(|c| (c.to_string(), *n)))
            .collect();
        cities.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        Ok(Directory {
            suppliers: Page::new(
                rows.into_iter().map(ProfileView::from).collect(),
                found.total as i64,
                params.page,
                params.limit,
            ),
            params,
            processes,
            certifications,
            cities,
        })
    }

    /// The makers who could make a need: its words against the profiles, best first.
    pub async fn matching(
        &self,
        need: &NeedView,
        limit: usize,
    ) -> Result<Vec<ProfileView>, AppError> {
        self.fresh_index().await?;
        let text = format!(
            "{}\n{}\n{}\n{}",
            need.title, need.title_en, need.description, need.material
        );
        let ids = self
            .index
            .matching(&text, limit)
            .map_err(|e| AppError::Internal(anyhow::anyhow!("supplier matching: {e}")))?;
        let rows = self.db.run(move |conn| Ok(q::by_ids(conn, &ids)?)).await?;
        Ok(rows.into_iter().map(ProfileView::from).collect())
    }
}
