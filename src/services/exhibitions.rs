//! The exhibition itself: editions with sections and booths, the needs shown at each, the
//! printed catalogue and booth cards with QR codes, and the venue screen.
//!
//! Public pages show only public needs, whatever an edition holds: a need withdrawn after it
//! was added simply drops out of the catalogue.

use std::collections::{BTreeMap, HashMap};

use chrono::Utc;
use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::db::exhibitions::{self as q, Edition, EditionFields, Figures};
use crate::db::{Conn, Db};
use crate::domain::exhibition::{parse_booth, parse_slug, EditionStatus};
use crate::domain::text::char_len;
use crate::domain::FieldError;
use crate::error::AppError;
use crate::services::catalogue::NeedView;
use crate::services::search::{Search, SearchParams};
use crate::state::AppState;

/// Most needs added from one search.
pub const MAX_BULK: usize = 500;

/// The handles this service uses.
pub struct Exhibitions<'a> {
    pub db: &'a Db,
    pub config: &'a Config,
    pub state: &'a AppState,
}

impl<'a> Exhibitions<'a> {
    pub fn of(state: &'a AppState) -> Self {
        Self {
            db: &state.db,
            config: &state.config,
            state,
        }
    }
}

/// The edition form, as typed.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct EditionForm {
    #[serde(default)]
    pub slug: String,
    #[serde(default)]
    pub title_fa: String,
    #[serde(default)]
    pub title_en: String,
    #[serde(default)]
    pub starts_on: String,
    #[serde(default)]
    pub ends_on: String,
    #[serde(default)]
    pub venue: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub status: String,
}

impl EditionForm {
    /// Every wrong field at once.
    pub fn parse(&self) -> Result<EditionFields, Vec<FieldError>> {
        let mut errors = Vec::new();
        let slug = parse_slug(&self.slug).map_err(|e| errors.push(e)).ok();
        let text =
            |name: &str, value: &str, max: usize, required: bool, errors: &mut Vec<FieldError>| {
                let v = crate::domain::text::clean(value);
                if required && v.is_empty() {
                    errors.push(FieldError::new(name, "error.required"));
                } else if char_len(&v) > max {
                    errors.push(FieldError::new(name, "error.too_long"));
                }
                v
            };
        let title_fa = text("title_fa", &self.title_fa, 120, true, &mut errors);
        let title_en = text("title_en", &self.title_en, 120, false, &mut errors);
        let venue = text("venue", &self.venue, 200, true, &mut errors);
        let description = self.description.trim().to_string();
        if char_len(&description) > 4_000 {
            errors.push(FieldError::new("description", "error.too_long"));
        }
        let date = |name: &str, raw: &str, errors: &mut Vec<FieldError>| {
            match crate::domain::dates::parse_date(raw) {
                Ok(d) => Some(d),
                Err(key) => {
                    errors.push(FieldError::new(name, key));
                    None
                }
            }
        };
        let starts_on = date("starts_on", &self.starts_on, &mut errors);
        let ends_on = date("ends_on", &self.ends_on, &mut errors);
        if let (Some(a), Some(b)) = (starts_on, ends_on) {
            if b < a {
                errors.push(FieldError::new("ends_on", "error.ends_before_start"));
            }
        }
        let status = EditionStatus::parse(&self.status);
        if status.is_none() {
            errors.push(FieldError::new("status", "error.status_invalid"));
        }
        match (slug, starts_on, ends_on, status) {
            (Some(slug), Some(starts_on), Some(ends_on), Some(status)) if errors.is_empty() => {
                Ok(EditionFields {
                    slug,
                    title_fa,
                    title_en,
                    starts_on,
                    ends_on,
                    venue,
                    description,
                    status,
                })
            }
            _ => Err(errors),
        }
    }

    pub fn of(e: &EditionFields) -> Self {
        Self {
            slug: e.slug.clone(),
            title_fa: e.title_fa.clone(),
            title_en: e.title_en.clone(),
            starts_on: crate::domain::dates::iso(e.starts_on),
            ends_on: crate::domain::dates::iso(e.ends_on),
            venue: e.venue.clone(),
            description: e.description.clone(),
            status: e.status.as_str().to_string(),
        }
    }
}

/// A need as shown at an edition.
#[derive(Debug, Clone, Serialize)]
pub struct EntryView {
    pub need: NeedView,
    pub booth: String,
    pub position: i32,
    pub section_id: Option<i32>,
    /// Its number in the printed catalogue (1, 2, ...).
    pub number: usize,
    /// The short address the QR code carries.
    pub short_url: String,
    /// The QR code, for print and the venue screen.
    pub qr_svg: Option<String>,
}

/// A section with its needs.
#[derive(Debug, Clone, Serialize)]
pub struct SectionView {
    pub id: Option<i32>,
    pub name_fa: String,
    pub name_en: String,
    pub entries: Vec<EntryView>,
}

/// An edition with everything its pages show.
#[derive(Debug, Clone, Serialize)]
pub struct EditionPage {
    pub edition: Edition,
    pub sections: Vec<SectionView>,
    /// Every section, also the empty ones (for the organizers' forms).
    pub all_sections: Vec<q::Section>,
    pub total: usize,
    /// What the edition produced so far (shown as results once it is closed).
    pub figures: Figures,
    /// Catalogue indexes: category name → entry numbers; part number → entry number.
    pub by_category: Vec<(String, String, Vec<usize>)>,
    pub by_part_number: Vec<(String, usize)>,
    /// The annual import value of the needs shown, per currency.
    pub import_value: Vec<(crate::domain::money::Currency, i64)>,
}

/// The time an edition's results count: from the start of its first day to the end of its
/// last, in the province's time. What happens later belongs to no edition's results (a closed
/// edition's figures stop), and a need shown in two editions counts in each only for what
/// happened during it.
fn window(edition: &Edition) -> (chrono::NaiveDateTime, chrono::NaiveDateTime) {
    let f = &edition.fields;
    let end = f.ends_on.max(f.starts_on).succ_opt().unwrap_or(f.ends_on);
    (
        crate::i18n::local_day_start(f.starts_on),
        crate::i18n::local_day_start(end),
    )
}

fn load_edition(conn: &mut Conn, slug: &str) -> Result<Edition, AppError> {
    q::by_slug(conn, slug)?.ok_or(AppError::NotFound)
}

/// Builds an edition's page. `qr` adds the QR codes (print and screen only: they are large).
fn page(
    conn: &mut Conn,
    base_url: &str,
    edition: Edition,
    qr: bool,
    public_only: bool,
) -> Result<EditionPage, AppError> {
    let all_sections = q::sections(conn, edition.id)?;
    let entries = q::entries(conn, edition.id)?;
    let ids: Vec<i32> = entries.iter().map(|e| e.need_id).collect();
    let rows: HashMap<i32, NeedView> = crate::db::catalogue::load_need_rows(conn, &ids)?
        .iter()
        .map(|r| (r.0.id, NeedView::from_row(r)))
        .filter(|(_, v)| !public_only || v.status.is_public())
        .collect();
    let mut sections: Vec<SectionView> = all_sections
        .iter()
        .map(|s| SectionView {
            id: Some(s.id),
            name_fa: s.name_fa.clone(),
            name_en: s.name_en.clone(),
            entries: Vec::new(),
        })
        .collect();
    let mut loose = SectionView {
        id: None,
        name_fa: String::new(),
        name_en: String::new(),
        entries: Vec::new(),
    };
    for e in &entries {
        let Some(need) = rows.get(&e.need_id) else {
            continue;
        };
        let short_url = format!("{base_url}/n/{}", need.id);
        let view = EntryView {
            qr_svg: if qr {
                crate::domain::qr::svg(&short_url, 4)
            } else {
                None
            },
            short_url,
            need: need.clone(),
            booth: e.booth.clone(),
            position: e.position,
            section_id: e.section_id,
            number: 0,
        };
        match e
            .section_id
            .and_then(|id| sections.iter_mut().find(|s| s.id == Some(id)))
        {
            Some(s) => s.entries.push(view),
            None => loose.entries.push(view),
        }
    }
    if !loose.entries.is_empty() {
        sections.push(loose);
    }
    // Numbered in print order; the indexes refer to those numbers.
    let mut number = 0;
    let mut by_category: BTreeMap<(String, String), Vec<usize>> = BTreeMap::new();
    let mut by_part_number = Vec::new();
    let mut import_value: BTreeMap<&'static str, (crate::domain::money::Currency, i64)> =
        BTreeMap::new();
    for s in &mut sections {
        for e in &mut s.entries {
            number += 1;
            e.number = number;
            by_category
                .entry((
                    e.need.category.name_fa.clone(),
                    e.need.category.name_en.clone(),
                ))
                .or_default()
                .push(number);
            if !e.need.part_number.is_empty() {
                by_part_number.push((e.need.part_number.clone(), number));
            }
            if let Some(v) = e.need.annual_import_value {
                let slot = import_value
                    .entry(e.need.currency.code())
                    .or_insert((e.need.currency, 0));
                slot.1 = slot.1.saturating_add(v);
            }
        }
    }
    by_part_number.sort_by_key(|(part, _)| part.to_ascii_uppercase());
    let figures = q::figures(conn, edition.id, window(&edition))?;
    Ok(EditionPage {
        edition,
        sections,
        all_sections,
        total: number,
        figures,
        by_category: by_category
            .into_iter()
            .map(|((fa, en), numbers)| (fa, en, numbers))
            .collect(),
        by_part_number,
        import_value: import_value.into_values().collect(),
    })
}

/// An entry's changes: its section, booth and place in the order.
#[derive(Debug, Deserialize)]
pub struct EntryForm {
    #[serde(default)]
    pub section: String,
    #[serde(default)]
    pub booth: String,
    #[serde(default)]
    pub position: String,
    /// Shown among the featured needs of the home page.
    pub featured: Option<String>,
}

impl Exhibitions<'_> {
    /// Every edition, newest first.
    pub async fn list(&self) -> Result<Vec<Edition>, AppError> {
        self.db.run(|conn| Ok(q::all(conn)?)).await
    }

    /// An edition's public page (or print, with QR codes).
    pub async fn page(&self, slug: &str, qr: bool) -> Result<EditionPage, AppError> {
        let slug = slug.to_string();
        let base = self.config.base_url.clone();
        self.db
            .run(move |conn| {
                let edition = load_edition(conn, &slug)?;
                page(conn, &base, edition, qr, true)
            })
            .await
    }

    /// The organizers' view of an edition: every need it holds, whatever its status.
    pub async fn manage(&self, slug: &str) -> Result<EditionPage, AppError> {
        let slug = slug.to_string();
        let base = self.config.base_url.clone();
        self.db
            .run(move |conn| {
                let edition = load_edition(conn, &slug)?;
                page(conn, &base, edition, false, false)
            })
            .await
    }

    /// The figures of the day, for the venue screen's refresh.
    pub async fn figures(&self, slug: &str) -> Result<Figures, AppError> {
        let slug = slug.to_string();
        self.db
            .run(move |conn| {
                let edition = load_edition(conn, &slug)?;
                Ok(q::figures(conn, edition.id, window(&edition))?)
            })
            .await
    }

    /// Creates an edition. Returns its slug.
    pub async fn create(&self, form: &EditionForm) -> Result<String, AppError> {
        let fields = form.parse().map_err(AppError::Invalid)?;
        self.db
            .run(move |conn| {
                crate::db::write_transaction(conn, |conn| {
                    if q::slug_taken(conn, &fields.slug, 0)? {
                        return Err(AppError::invalid("slug", "error.slug_taken"));
                    }
                    q::insert_edition(conn, &fields, Utc::now().naive_utc())?;
                    Ok(fields.slug)
                })
            })
            .await
    }

    /// Changes an edition. Returns its (maybe new) slug.
    pub async fn update(&self, slug: &str, form: &EditionForm) -> Result<String, AppError> {
        let fields = form.parse().map_err(AppError::Invalid)?;
        let slug = slug.to_string();
        self.db
            .run(move |conn| {
                crate::db::write_transaction(conn, |conn| {
                    let edition = load_edition(conn, &slug)?;
                    if q::slug_taken(conn, &fields.slug, edition.id)? {
                        return Err(AppError::invalid("slug", "error.slug_taken"));
                    }
                    q::update_edition(conn, edition.id, &fields, Utc::now().naive_utc())?;
                    Ok(fields.slug)
                })
            })
            .await
    }

    /// Adds a section (a hall or a theme) at the end.
    pub async fn add_section(
        &self,
        slug: &str,
        name_fa: &str,
        name_en: &str,
    ) -> Result<(), AppError> {
        let name_fa = crate::domain::text::clean(name_fa);
        let name_en = crate::domain::text::clean(name_en);
        if name_fa.is_empty() {
            return Err(AppError::invalid("name_fa", "error.required"));
        }
        if char_len(&name_fa) > 80 || char_len(&name_en) > 80 {
            return Err(AppError::invalid("name_fa", "error.too_long"));
        }
        let slug = slug.to_string();
        self.db
            .run(move |conn| {
                let edition = load_edition(conn, &slug)?;
                q::insert_section(conn, edition.id, &name_fa, &name_en)?;
                Ok(())
            })
            .await
    }

    /// Adds every public need a search finds (its query and filters, at most [`MAX_BULK`]).
    /// Returns how many were new to the edition.
    pub async fn add_from_search(&self, slug: &str, query: &str) -> Result<usize, AppError> {
        let pairs: Vec<(String, String)> =
            serde_urlencoded::from_str(query.trim_start_matches('?'))
                .map_err(|_| AppError::invalid("query", "error.alert_query_invalid"))?;
        let params = SearchParams::parse(&pairs, &self.state.categories)?;
        if params.q.trim().is_empty()
            && params.category.is_none()
            && params.city.is_none()
            && params.province.is_none()
            && params.origin.is_none()
        {
            // The whole catalogue by accident is not an edition.
            return Err(AppError::invalid("query", "error.search_too_broad"));
        }
        let ids = Search::of(self.state).ids(params, MAX_BULK).await?;
        self.add_ids(slug, ids).await
    }

    /// Adds one public need.
    pub async fn add_one(&self, slug: &str, need: i32) -> Result<usize, AppError> {
        self.add_ids(slug, vec![need]).await
    }

    async fn add_ids(&self, slug: &str, ids: Vec<i32>) -> Result<usize, AppError> {
        let slug = slug.to_string();
        self.db
            .run(move |conn| {
                crate::db::write_transaction(conn, |conn| {
                    let edition = load_edition(conn, &slug)?;
                    let public: Vec<i32> = crate::db::catalogue::load_need_rows(conn, &ids)?
                        .into_iter()
                        .filter(|(n, _, _)| n.status.is_public())
                        .map(|(n, _, _)| n.id)
                        .collect();
                    if public.is_empty() && ids.len() == 1 {
                        return Err(AppError::invalid("need", "error.need_not_public"));
                    }
                    // Keep the search's order.
                    let ordered: Vec<i32> =
                        ids.into_iter().filter(|id| public.contains(id)).collect();
                    Ok(q::add_needs(
                        conn,
                        edition.id,
                        &ordered,
                        Utc::now().naive_utc(),
                    )?)
                })
            })
            .await
    }

    /// Moves a need to a section, gives it a booth and a place in the order.
    pub async fn update_entry(
        &self,
        slug: &str,
        need: i32,
        form: &EntryForm,
    ) -> Result<(), AppError> {
        let mut errors = Vec::new();
        let booth = parse_booth(&form.booth).map_err(|e| errors.push(e)).ok();
        let position = crate::domain::codes::digits_to_latin(form.position.trim())
            .parse::<i32>()
            .ok()
            .filter(|p| (1..=100_000).contains(p));
        if position.is_none() {
            errors.push(FieldError::new("position", "error.position_invalid"));
        }
        let section = match form.section.trim() {
            "" => None,
            s => match s.parse::<i32>() {
                Ok(id) => Some(id),
                Err(_) => {
                    errors.push(FieldError::new("section", "error.section_unknown"));
                    None
                }
            },
        };
        let (Some(booth), Some(position)) = (booth, position) else {
            return Err(AppError::Invalid(errors));
        };
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        let slug = slug.to_string();
        let featured = form.featured.is_some();
        self.db
            .run(move |conn| {
                let edition = load_edition(conn, &slug)?;
                if let Some(id) = section {
                    if !q::sections(conn, edition.id)?.iter().any(|s| s.id == id) {
                        return Err(AppError::invalid("section", "error.section_unknown"));
                    }
                }
                match q::update_entry(conn, edition.id, need, section, &booth, position)? {
                    0 => Err(AppError::NotFound),
                    _ => Ok(q::set_featured(conn, need, featured)?),
                }
            })
            .await
    }

    /// Takes a need out of an edition.
    pub async fn remove_entry(&self, slug: &str, need: i32) -> Result<(), AppError> {
        let slug = slug.to_string();
        self.db
            .run(move |conn| {
                let edition = load_edition(conn, &slug)?;
                match q::remove_entry(conn, edition.id, need)? {
                    0 => Err(AppError::NotFound),
                    _ => Ok(()),
                }
            })
            .await
    }
}

/// Who an announcement goes to: every maker who wants news, or those of a city, or those
/// doing a process.
#[derive(Debug, Deserialize)]
pub struct AnnounceForm {
    #[serde(default)]
    pub city: String,
    #[serde(default)]
    pub process: String,
}

impl Exhibitions<'_> {
    /// Announces an edition by mail to makers who want news (all, or a city's, or a process's),
    /// through the outbox, spread at `NIAZ_ANNOUNCE_PER_MINUTE`. Each maker gets one
    /// announcement of an edition however often it is sent. Returns how many were queued.
    pub async fn announce(&self, slug: &str, form: &AnnounceForm) -> Result<usize, AppError> {
        let city = Some(crate::domain::places::canonical_place(form.city.trim()))
            .filter(|c| !c.is_empty());
        let process = match form.process.trim() {
            "" => None,
            p => Some(
                crate::domain::supplier::Process::parse(p)
                    .ok_or_else(|| AppError::invalid("process", "error.process_unknown"))?,
            ),
        };
        let slug = slug.to_string();
        let base = self.config.base_url.clone();
        let per_minute = i64::from(self.config.announce_per_minute);
        let links = self.state.links.clone();
        let n = self
            .db
            .run(move |conn| {
                crate::db::write_transaction(conn, |conn| {
                    let edition = load_edition(conn, &slug)?;
                    let now = Utc::now();
                    let mut queued = 0i64;
                    for user in crate::db::alerts::news_subscribers(conn, city.as_deref(), process)? {
                        let kind = format!("announce-{}", edition.id);
                        if !crate::db::alerts::claim_period(conn, user.id, &kind, "once", now.naive_utc())? {
                            continue;
                        }
                        let lang = crate::i18n::Lang::parse(&user.lang).unwrap_or_default();
                        let at = now.naive_utc() + chrono::Duration::milliseconds(queued * 60_000 / per_minute);
                        let f = &edition.fields;
                        crate::db::outbox::enqueue_at(
                            conn,
                            crate::db::outbox::NewMail {
                                to_email: &user.email,
                                to_name: &user.name,
                                template: "announcement",
                                lang: lang.code(),
                                context: serde_json::json!({
                                    "title": if lang == crate::i18n::Lang::En && !f.title_en.is_empty() { &f.title_en } else { &f.title_fa },
                                    "dates": format!("{} – {}", crate::i18n::format_date(f.starts_on, lang), crate::i18n::format_date(f.ends_on, lang)),
                                    "venue": f.venue,
                                    "description": f.description,
                                    "link": format!("{base}/exhibitions/{}", f.slug),
                                    "manage": format!("{base}/account/alerts"),
                                    "unsubscribe_url": crate::services::alerts::unsubscribe_url(&links, &base, user.id, crate::domain::alerts::Unsubscribe::News, now),
                                }),
                            },
                            at,
                        )?;
                        queued += 1;
                    }
                    Ok(queued as usize)
                })
            })
            .await?;
        if n > 0 {
            self.state.outbox.wake();
        }
        Ok(n)
    }
}

/// Where a firm's needs are exhibited: need id → (edition slug, titles, booth), for its
/// dashboard.
pub fn shown_at(conn: &mut Conn, ids: &[i32]) -> Result<HashMap<i32, Vec<ShownAt>>, AppError> {
    let mut out: HashMap<i32, Vec<ShownAt>> = HashMap::new();
    for (need, slug, title_fa, title_en, booth) in q::shown_at(conn, ids)? {
        out.entry(need).or_default().push(ShownAt {
            slug,
            title_fa,
            title_en,
            booth,
        });
    }
    Ok(out)
}

/// One edition a need is shown at.
#[derive(Debug, Clone, Serialize)]
pub struct ShownAt {
    pub slug: String,
    pub title_fa: String,
    pub title_en: String,
    pub booth: String,
}
