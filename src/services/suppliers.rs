//! Supplier profiles and the public directory of makers. A profile says what a maker can do
//! (processes and certifications from controlled lists, materials, machines, capacity, city,
//! parts already localized) and never how to reach it: contacts are shared only through an
//! introduction. A profile is public once its owner's email address is confirmed.

use serde::Serialize;

use super::{Page, PAGE_SIZE};
use crate::db::models::User;
use crate::db::suppliers::{self as q, Filter, ProfileFields, ProfileRow};
use crate::db::Db;
use crate::domain::account::Role;
use crate::domain::supplier::{Certification, Process};
use crate::domain::text::{char_len, clean};
use crate::domain::FieldError;
use crate::error::AppError;
use crate::state::AppState;

/// The handles this service uses: nothing more of the application state.
#[derive(Clone, Copy)]
pub struct Suppliers<'a> {
    pub db: &'a Db,
}

impl<'a> Suppliers<'a> {
    pub fn of(state: &'a AppState) -> Self {
        Self { db: &state.db }
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
    pub process: Option<Process>,
    pub certification: Option<Certification>,
    pub city: Option<String>,
    pub page: i64,
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
        Ok(Self {
            process,
            certification,
            city: get("city").map(crate::domain::places::canonical_place),
            page: super::parse_page(get("page"))?,
        })
    }
}

/// One page of the directory, and the choices of its filters.
#[derive(Debug, Clone, Serialize)]
pub struct Directory {
    pub suppliers: Page<ProfileView>,
    pub params: DirectoryParams,
    pub processes: Vec<Process>,
    pub certifications: Vec<Certification>,
    pub cities: Vec<(String, i64)>,
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

    /// A page of the directory.
    pub async fn directory(&self, params: DirectoryParams) -> Result<Directory, AppError> {
        let filter = Filter {
            process: params.process,
            certification: params.certification,
            city: params.city.clone(),
        };
        let page = params.page;
        let (rows, total, cities) = self
            .db
            .run(move |conn| {
                let (rows, total) = q::directory(conn, &filter, (page - 1) * PAGE_SIZE, PAGE_SIZE)?;
                Ok((rows, total, q::cities(conn)?))
            })
            .await?;
        Ok(Directory {
            suppliers: Page::new(
                rows.into_iter().map(ProfileView::from).collect(),
                total,
                page,
                PAGE_SIZE,
            ),
            params,
            processes: Process::ALL.to_vec(),
            certifications: Certification::ALL.to_vec(),
            cities,
        })
    }
}
