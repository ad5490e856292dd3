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
    pub config: &'a crate::config::Config,
    pub heavy_work: &'a tokio::sync::Semaphore,
}

impl<'a> Suppliers<'a> {
    pub fn of(state: &'a AppState) -> Self {
        Self {
            db: &state.db,
            index: &state.suppliers,
            config: &state.config,
            heavy_work: &state.heavy_work,
        }
    }
}

/// Most photos of past work on one profile.
pub const MAX_PHOTOS: usize = 8;

/// A photo to send: its file, its type, and whether it may be cached.
pub struct PhotoFile {
    pub path: std::path::PathBuf,
    pub content_type: String,
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
    /// What its machines hold.
    pub envelope: crate::domain::matching::Envelope,
    /// Photos of past work (filled in where a page shows them).
    pub photos: Vec<crate::db::suppliers::Photo>,
}

impl From<ProfileRow> for ProfileView {
    fn from(r: ProfileRow) -> Self {
        let envelope = r.fields.envelope();
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
            envelope,
            photos: Vec::new(),
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
    pub materials: Vec<(String, u64)>,
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
        } else if crate::domain::contacts::find(&v).is_some() {
            // A public profile never shows how to reach its maker: that is the introduction's.
            errors.push(FieldError::new(name, "error.contact_in_text"));
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
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let envelope = crate::domain::matching::Envelope::parse(&get).unwrap_or_else(|e| {
        errors.extend(e);
        Default::default()
    });
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let mut fields = ProfileFields {
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
        ..ProfileFields::default()
    };
    fields.set_envelope(envelope);
    Ok((fields, processes, certifications))
}

/// The one rule of who keeps a maker's profile and photos: a maker whose address is confirmed
/// and who is not suspended. Called before an upload's body is read, and by every change.
pub fn may_keep_profile(user: &User) -> Result<(), AppError> {
    if user.role != Role::Supplier {
        return Err(AppError::Conflict("error.profile_suppliers_only"));
    }
    if !user.is_verified() {
        return Err(AppError::Conflict("error.email_unverified"));
    }
    if user.suspended_at.is_some() {
        return Err(AppError::Conflict("error.suspended"));
    }
    Ok(())
}

impl Suppliers<'_> {
    /// The user's own profile (public or not), if they have one, with its photos.
    pub async fn own_profile(&self, user: &User) -> Result<Option<ProfileView>, AppError> {
        let id = user.id;
        self.db
            .run(move |conn| {
                let Some(row) = q::find(conn, id)? else {
                    return Ok(None);
                };
                let mut view = ProfileView::from(row);
                view.photos = q::photos(conn, id)?;
                Ok(Some(view))
            })
            .await
    }

    fn uploads(&self) -> std::path::PathBuf {
        self.config.data_dir.join("uploads")
    }

    /// Adds a photo of past work to the maker's profile: an image, decoded within the limits
    /// and saved again without its metadata, with a thumbnail.
    pub async fn add_photo(&self, user: &User, name: &str, bytes: Vec<u8>) -> Result<(), AppError> {
        may_keep_profile(user)?;
        let id = user.id;
        let (exists, count) = self
            .db
            .run(move |conn| Ok((q::find(conn, id)?.is_some(), q::photos(conn, id)?.len())))
            .await?;
        if !exists {
            return Err(AppError::invalid("file", "error.profile_first"));
        }
        if count >= MAX_PHOTOS {
            return Err(AppError::invalid("file", "error.too_many_photos"));
        }
        if bytes.is_empty() {
            return Err(AppError::invalid("file", "error.required"));
        }
        let kind = crate::domain::files::sniff(&bytes)
            .filter(|k| k.is_image())
            .ok_or_else(|| AppError::invalid("file", "error.photo_type"))?;
        let max_pixels = self.config.max_image_pixels;
        let processed = {
            let _permit = self
                .heavy_work
                .acquire()
                .await
                .map_err(|e| AppError::Internal(e.into()))?;
            super::off_thread(move || super::attachments::process_image(&bytes, kind, max_pixels))
                .await??
        };
        let dir = self.uploads();
        std::fs::create_dir_all(&dir).map_err(|e| AppError::Internal(e.into()))?;
        let stored = format!("{}.{}", crate::auth::random_token(), kind.extension());
        let thumb = format!("{}.{}", crate::auth::random_token(), kind.extension());
        std::fs::write(dir.join(&stored), &processed.bytes)
            .map_err(|e| AppError::Internal(e.into()))?;
        std::fs::write(dir.join(&thumb), processed.thumb.unwrap_or_default())
            .map_err(|e| AppError::Internal(e.into()))?;
        let original: String = name
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or("photo")
            .chars()
            .filter(|c| !c.is_control() && *c != '"')
            .take(120)
            .collect();
        let content_type = super::attachments::content_type(kind).to_string();
        self.db
            .run(move |conn| {
                q::add_photo(conn, id, &original, &stored, &thumb, &content_type)?;
                Ok(())
            })
            .await
    }

    /// Removes one of the maker's own photos.
    pub async fn delete_photo(&self, user: &User, photo: i32) -> Result<(), AppError> {
        let me = user.id;
        let removed = self
            .db
            .run(move |conn| {
                let p = q::photo(conn, photo)?
                    .filter(|p| p.user_id == me)
                    .ok_or(AppError::NotFound)?;
                q::delete_photo(conn, p.id)?;
                Ok(p)
            })
            .await?;
        let dir = self.uploads();
        let _ = std::fs::remove_file(dir.join(&removed.stored_name));
        let _ = std::fs::remove_file(dir.join(&removed.thumb_name));
        Ok(())
    }

    /// A photo, for anyone when its profile is public, else for its maker and the staff.
    pub async fn photo_file(
        &self,
        viewer: Option<&User>,
        id: i32,
        thumb: bool,
    ) -> Result<PhotoFile, AppError> {
        let (me, staff) = viewer.map_or((0, false), |u| (u.id, u.is_staff()));
        let p = self
            .db
            .run(move |conn| {
                let p = q::photo(conn, id)?.ok_or(AppError::NotFound)?;
                if p.user_id != me && !staff && !q::is_public(conn, p.user_id)? {
                    return Err(AppError::NotFound);
                }
                Ok(p)
            })
            .await?;
        Ok(PhotoFile {
            path: self
                .uploads()
                .join(if thumb { &p.thumb_name } else { &p.stored_name }),
            content_type: p.content_type,
        })
    }

    /// Saves a supplier's profile from its form.
    pub async fn save_profile(
        &self,
        user: &User,
        pairs: &[(String, String)],
    ) -> Result<(), AppError> {
        may_keep_profile(user)?;
        let (fields, processes, certifications) = parse_profile(pairs)?;
        let id = user.id;
        self.db
            .run(move |conn| Ok(q::save(conn, id, &fields, &processes, &certifications)?))
            .await
    }

    /// A firm's member reports a maker's conduct to the organizers.
    pub async fn report(&self, user: &User, supplier: i32, reason: &str) -> Result<(), AppError> {
        if user.firm().is_none() {
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
                let pace = crate::domain::pace::MAKER_REPORTS;
                let now = chrono::Utc::now().naive_utc();
                if !pace.allows(q::reports_since(conn, reporter, pace.since(now))?) {
                    return Err(AppError::TooManyRequests);
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
                let mut view = q::find(conn, id)?
                    .map(ProfileView::from)
                    .ok_or(AppError::NotFound)?;
                view.photos = q::photos(conn, id)?;
                Ok(view)
            })
            .await
    }

    /// Rebuilds the directory index when the database changed since it was built: the
    /// database decides who is public.
    async fn fresh_index(&self) -> Result<(), AppError> {
        let index = self.index.clone();
        self.db.run(move |conn| refresh_index(conn, &index)).await
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
        let mut materials: Vec<(String, u64)> = found
            .facets
            .iter()
            .filter_map(|(f, n)| f.strip_prefix("/material/").map(|m| (m.to_string(), *n)))
            .collect();
        materials.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        materials.truncate(30);
        Ok(Directory {
            materials,
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

/// Rebuilds the makers' index when the public profiles changed since it was built.
pub fn refresh_index(
    conn: &mut crate::db::Conn,
    index: &crate::search::suppliers::SupplierIndex,
) -> Result<(), AppError> {
    let now = q::fingerprint(conn)?;
    if index.is_fresh(&now) {
        return Ok(());
    }
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
}
