//! Matching makers and needs: the one service the need page, the alerts, the organizers'
//! picker, a maker's own list and the API call, so they all agree. It keeps the matcher's
//! cards in step with the database (makers by the profiles' fingerprint, needs by the search
//! change log) and turns ranked ids into what pages show. The rule itself is
//! `domain::matching`; the cards and the part families are `search::matcher`.

use serde::Serialize;

use super::{Page, PAGE_SIZE};
use crate::db::catalogue::NeedRow;
use crate::db::models::User;
use crate::db::suppliers::ProfileRow;
use crate::db::{Conn, Db};
use crate::domain::account::Role;
use crate::domain::supplier::Process;
use crate::error::AppError;
use crate::search::matcher::{
    LineError, MakerInput, Matcher, NeedFilter, NeedInput, PartFamilies, Ranked, Reason, Verdict,
};
use crate::services::catalogue::NeedView;
use crate::services::suppliers::ProfileView;
use crate::state::AppState;

/// The setting holding organizers' part families, one a line.
pub const SETTING: &str = "part_families";

/// Makers shown under a need.
pub const ON_NEED_PAGE: usize = 4;
/// Changes re-read behind the cards' position each refresh: a change whose transaction
/// committed after a later one's is still seen (applying a change twice changes nothing).
const OVERLAP: i32 = 256;
/// Changes read at most per refresh step.
const STEP: i64 = 5_000;

/// The handles this service uses.
#[derive(Clone, Copy)]
pub struct Matching<'a> {
    pub db: &'a Db,
    pub matcher: &'a std::sync::Arc<Matcher>,
    pub categories: &'a [crate::db::models::Category],
}

impl<'a> Matching<'a> {
    pub fn of(state: &'a AppState) -> Self {
        Self {
            db: &state.db,
            matcher: &state.matcher,
            categories: &state.categories,
        }
    }
}

fn internal(what: &'static str) -> impl Fn(anyhow::Error) -> AppError {
    move |e| AppError::Internal(e.context(what))
}

/// A profile as the matcher reads it.
pub fn maker_input(p: &ProfileRow) -> MakerInput {
    let process_names = p
        .processes
        .iter()
        .map(|process| {
            let key = format!("process.{}", process.as_str());
            format!(
                "{} {}",
                crate::i18n::t(crate::i18n::Lang::Fa, &key),
                crate::i18n::t(crate::i18n::Lang::En, &key)
            )
        })
        .collect::<Vec<_>>()
        .join("\n");
    MakerInput {
        id: p.user_id,
        organization_id: p.organization_id,
        processes: p.processes.clone(),
        process_names,
        materials: p.fields.materials.clone(),
        machines: p.fields.machines.clone(),
        localized_parts: p.fields.localized_parts.clone(),
        summary: p.fields.summary.clone(),
        city: p.fields.city.clone(),
        envelope: p.fields.envelope(),
    }
}

/// A need row as the matcher reads it.
pub fn need_input((need, org, category): &NeedRow) -> NeedInput {
    NeedInput {
        id: need.id,
        organization_id: need.organization_id,
        title: need.title.clone(),
        title_en: need.title_en.clone(),
        part_number: need.part_number.clone(),
        brand: need.brand.clone(),
        material: need.material.clone(),
        processes: need.content.chosen_processes(),
        category_fa: category.name_fa.clone(),
        category_en: category.name_en.clone(),
        spec_items: serde_json::from_str(&need.spec_items).unwrap_or_default(),
        quantity: need.quantity_per_year,
        city: org.city.clone(),
        province: org.province.clone(),
        open: need.status.is_open(),
        annual_value: need.annual_import_value,
        deadline: need.deadline,
    }
}

/// A need as a page shows it, as the matcher reads it.
pub fn view_input(n: &NeedView, processes: Vec<Process>) -> NeedInput {
    NeedInput {
        id: n.id,
        organization_id: n.organization_id,
        title: n.title.clone(),
        title_en: n.title_en.clone(),
        part_number: n.part_number.clone(),
        brand: n.brand.clone(),
        material: n.material.clone(),
        processes,
        category_fa: n.category.name_fa.clone(),
        category_en: n.category.name_en.clone(),
        spec_items: n.spec_items.clone(),
        quantity: n.quantity_per_year,
        city: n.city.clone(),
        province: n.province.clone(),
        open: n.is_open,
        annual_value: n.annual_import_value,
        deadline: n.deadline,
    }
}

/// Brings the cards up to date with the database: makers when a profile changed, needs from
/// the change log.
pub fn refresh(conn: &mut Conn, matcher: &Matcher) -> Result<(), AppError> {
    let now = crate::db::suppliers::fingerprint(conn)?;
    if !matcher.makers_fresh(&now) {
        let makers: Vec<MakerInput> = crate::db::suppliers::all_public(conn)?
            .iter()
            .map(maker_input)
            .collect();
        matcher
            .set_makers(now, &makers)
            .map_err(internal("matcher makers"))?;
    }
    match matcher.needs_cursor() {
        None => {
            let last = crate::db::search::last_change_id(conn)?;
            let mut after = 0;
            let mut all = Vec::new();
            loop {
                let rows = crate::db::search::public_needs_after(conn, after, 2_000)?;
                let Some(row) = rows.last() else { break };
                after = row.0.id;
                all.extend(rows.iter().map(need_input));
            }
            matcher
                .apply_needs(last, &all, &[], true)
                .map_err(internal("matcher needs"))?;
        }
        Some(cursor) => {
            let mut from = (cursor - OVERLAP).max(0);
            loop {
                let changes = crate::db::search::changes_after(conn, from, STEP)?;
                let Some(&(last, _)) = changes.last() else {
                    break;
                };
                let mut ids: Vec<i32> = changes.iter().map(|(_, n)| *n).collect();
                ids.sort_unstable();
                ids.dedup();
                let rows = crate::db::catalogue::load_need_rows(conn, &ids)?;
                let public: Vec<NeedInput> = rows
                    .iter()
                    .filter(|r| r.0.status.is_public())
                    .map(need_input)
                    .collect();
                let gone: Vec<i32> = ids
                    .iter()
                    .copied()
                    .filter(|id| !public.iter().any(|n| n.id == *id))
                    .collect();
                matcher
                    .apply_needs(last.max(cursor), &public, &gone, false)
                    .map_err(internal("matcher needs"))?;
                if changes.len() < STEP as usize {
                    break;
                }
                from = last;
            }
        }
    }
    Ok(())
}

/// Gives the matcher the defaults with organizers' families (at start).
pub fn load_families(conn: &mut Conn, matcher: &Matcher) -> anyhow::Result<()> {
    let extra = crate::db::accounts::setting(conn, SETTING)?.unwrap_or_default();
    let families = PartFamilies::with_extra(&extra).unwrap_or_else(|errors| {
        // Saved tables are checked first; this only happens after a default changed.
        tracing::warn!("organizers' part families unusable ({errors:?}); defaults only");
        PartFamilies::with_extra("").expect("the default part families parse")
    });
    matcher.set_families(families)
}

/// Organizers' families as saved.
pub async fn extra_families(db: &Db) -> Result<String, AppError> {
    super::tables::extra(db, SETTING).await
}

/// Saves organizers' families and applies them at once; every bad line is named and nothing
/// is saved.
pub async fn save_families(
    db: &Db,
    matcher: &Matcher,
    user: &User,
    text: &str,
) -> Result<Result<(), Vec<LineError>>, AppError> {
    match super::tables::save(db, user, SETTING, text, PartFamilies::with_extra).await? {
        Ok(families) => {
            matcher
                .set_families(families)
                .map_err(internal("matcher families"))?;
            Ok(Ok(()))
        }
        Err(errors) => Ok(Err(errors)),
    }
}

/// A maker ranked for a need, with the profile shown.
#[derive(Debug, Clone, Serialize)]
pub struct MakerMatch {
    pub maker: ProfileView,
    pub score: f32,
    pub reasons: Vec<Reason>,
}

/// A need ranked for a maker, with the need shown.
#[derive(Debug, Clone, Serialize)]
pub struct NeedMatch {
    pub need: NeedView,
    pub score: f32,
    pub reasons: Vec<Reason>,
    /// The maker already offered on it.
    pub offered: bool,
}

/// What a maker's list was asked for; unknown values name their parameter.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ListParams {
    pub process: Option<Process>,
    pub city: Option<String>,
    /// Least yearly import value, in rials.
    pub min_value: Option<i64>,
    /// Only needs still taking offers by their deadline.
    pub open_deadline: bool,
    pub page: i64,
}

impl ListParams {
    pub fn parse(pairs: &[(String, String)]) -> Result<Self, AppError> {
        let get = |k: &str| {
            pairs
                .iter()
                .find(|(key, v)| key == k && !v.trim().is_empty())
                .map(|(_, v)| v.trim())
        };
        let process = match get("process") {
            None => None,
            Some(v) => Some(
                Process::parse(v)
                    .ok_or_else(|| AppError::invalid("process", "error.process_unknown"))?,
            ),
        };
        let min_value = match get("min_value") {
            None => None,
            Some(v) => Some(
                crate::domain::codes::digits_to_latin(v)
                    .replace([',', '٬'], "")
                    .parse::<i64>()
                    .ok()
                    .filter(|n| *n >= 0)
                    .ok_or_else(|| AppError::invalid("min_value", "error.number_invalid"))?,
            ),
        };
        Ok(Self {
            process,
            city: get("city").map(crate::domain::places::canonical_place),
            min_value,
            open_deadline: matches!(get("deadline"), Some("open")),
            page: super::parse_page(get("page"))?,
        })
    }
}

/// One page of a maker's list.
#[derive(Debug, Clone, Serialize)]
pub struct MakerList {
    pub matches: Page<NeedMatch>,
    pub params: ListParams,
    /// The maker has a public profile to match against.
    pub has_profile: bool,
    pub processes: Vec<Process>,
}

impl Matching<'_> {
    async fn fresh(&self) -> Result<(), AppError> {
        let matcher = self.matcher.clone();
        self.db.run(move |conn| refresh(conn, &matcher)).await
    }

    async fn processes_of(&self, need: i32) -> Result<Vec<Process>, AppError> {
        self.db
            .run(move |conn| {
                Ok(crate::db::catalogue::find_need(conn, need)?
                    .map(|(n, _, _)| n.content.chosen_processes())
                    .unwrap_or_default())
            })
            .await
    }

    /// The makers who could make this need, best first, none below the floor.
    pub async fn makers_for(
        &self,
        need: &NeedView,
        limit: usize,
    ) -> Result<Vec<MakerMatch>, AppError> {
        self.fresh().await?;
        let input = view_input(need, self.processes_of(need.id).await?);
        let ranked = self
            .matcher
            .makers_for(&input, limit)
            .map_err(internal("matching makers"))?;
        self.with_profiles(ranked).await
    }

    async fn with_profiles(&self, ranked: Vec<Ranked>) -> Result<Vec<MakerMatch>, AppError> {
        let ids: Vec<i32> = ranked.iter().map(|r| r.id).collect();
        let rows = self
            .db
            .run(move |conn| Ok(crate::db::suppliers::by_ids(conn, &ids)?))
            .await?;
        let mut out = Vec::new();
        for r in ranked {
            if let Some(row) = rows.iter().find(|p| p.user_id == r.id) {
                out.push(MakerMatch {
                    maker: ProfileView::from(row.clone()),
                    score: r.score,
                    reasons: r.reasons,
                });
            }
        }
        Ok(out)
    }

    /// Whether this need matches the viewing maker's profile, and why (or why not). `None`
    /// for anyone else, or a maker without a public profile.
    pub async fn verdict(
        &self,
        need: &NeedView,
        viewer: Option<&User>,
    ) -> Result<Option<Verdict>, AppError> {
        let Some(user) = viewer.filter(|u| u.role == Role::Supplier) else {
            return Ok(None);
        };
        self.fresh().await?;
        let input = view_input(need, self.processes_of(need.id).await?);
        self.matcher
            .verdict(&input, user.id)
            .map_err(internal("matching verdict"))
    }

    /// The processes a maker's offer form starts with: the part's steps the maker declares,
    /// else every process of its profile.
    pub async fn offer_processes(
        &self,
        need: &NeedView,
        user: &User,
    ) -> Result<Vec<Process>, AppError> {
        let steps: Vec<Process> = self
            .verdict(need, Some(user))
            .await?
            .map(|v| {
                v.reasons
                    .iter()
                    .filter_map(|r| match r.why {
                        crate::domain::matching::Why::Process { process, ok: true } => {
                            Some(process)
                        }
                        _ => None,
                    })
                    .collect()
            })
            .unwrap_or_default();
        if !steps.is_empty() {
            return Ok(steps);
        }
        let maker = user.id;
        self.db
            .run(move |conn| {
                Ok(crate::db::suppliers::by_ids(conn, &[maker])?
                    .into_iter()
                    .next()
                    .map(|p| p.processes)
                    .unwrap_or_default())
            })
            .await
    }

    /// The needs a maker could make, best first: one page with its filters.
    pub async fn list(&self, user: &User, params: ListParams) -> Result<MakerList, AppError> {
        if user.role != Role::Supplier {
            return Err(AppError::Forbidden);
        }
        self.fresh().await?;
        let filter = NeedFilter {
            process: params.process,
            city: params.city.clone(),
            min_value: params.min_value,
            deadline_from: params
                .open_deadline
                .then(|| crate::i18n::local_date(chrono::Utc::now().naive_utc())),
        };
        let offset = usize::try_from((params.page - 1) * PAGE_SIZE).unwrap_or(0);
        let found = self
            .matcher
            .needs_for(user.id, &filter, offset, PAGE_SIZE as usize)
            .map_err(internal("matching needs"))?;
        let has_profile = found.is_some();
        let (ranked, total) = found.unwrap_or_default();
        let ids: Vec<i32> = ranked.iter().map(|r| r.id).collect();
        let maker = user.id;
        let (rows, offered) = self
            .db
            .run(move |conn| {
                Ok((
                    crate::db::catalogue::load_need_rows(conn, &ids)?,
                    crate::db::interests::offered_among(conn, maker, &ids)?,
                ))
            })
            .await?;
        let mut items = Vec::new();
        for r in ranked {
            if let Some(row) = rows.iter().find(|row| row.0.id == r.id) {
                items.push(NeedMatch {
                    need: NeedView::from_row(row),
                    score: r.score,
                    reasons: r.reasons,
                    offered: offered.contains(&r.id),
                });
            }
        }
        let processes = self
            .db
            .run(move |conn| {
                Ok(crate::db::suppliers::by_ids(conn, &[maker])?
                    .into_iter()
                    .next()
                    .map(|p| p.processes)
                    .unwrap_or_default())
            })
            .await?;
        let page = params.page;
        Ok(MakerList {
            matches: Page::new(items, total as i64, page, PAGE_SIZE),
            params,
            has_profile,
            processes,
        })
    }

    /// The needs ranked for a public maker (the API): `None` when there is no such maker.
    pub async fn needs_of_maker(
        &self,
        maker: i32,
        page: i64,
        limit: i64,
    ) -> Result<Option<(Vec<NeedMatch>, usize)>, AppError> {
        self.fresh().await?;
        let offset = usize::try_from((page - 1) * limit).unwrap_or(0);
        let Some((ranked, total)) = self
            .matcher
            .needs_for(maker, &NeedFilter::default(), offset, limit as usize)
            .map_err(internal("matching needs"))?
        else {
            return Ok(None);
        };
        let ids: Vec<i32> = ranked.iter().map(|r| r.id).collect();
        let rows = self
            .db
            .run(move |conn| Ok(crate::db::catalogue::load_need_rows(conn, &ids)?))
            .await?;
        let items = ranked
            .into_iter()
            .filter_map(|r| {
                let row = rows.iter().find(|row| row.0.id == r.id)?;
                Some(NeedMatch {
                    need: NeedView::from_row(row),
                    score: r.score,
                    reasons: r.reasons,
                    offered: false,
                })
            })
            .collect();
        Ok(Some((items, total)))
    }

    /// The process boxes of a need form: which are ticked, and the suggestion they started
    /// from (the part's family by its titles), so a suggestion left as it was stays live.
    pub fn form_processes(
        &self,
        values: &std::collections::BTreeMap<String, String>,
    ) -> Result<(Vec<(Process, bool)>, String), AppError> {
        let get = |k: &str| values.get(k).map(String::as_str).unwrap_or("");
        let category = self.categories.iter().find(|c| c.slug == get("category"));
        let suggested = self
            .matcher
            .requirement_in(
                get("title"),
                get("title_en"),
                category.map_or("", |c| c.name_fa.as_str()),
                category.map_or("", |c| c.name_en.as_str()),
            )
            .map_err(internal("matcher families"))?
            .suggested();
        let posted = Process::ALL
            .iter()
            .any(|p| !get(&format!("process_{}", p.as_str())).is_empty());
        let stored: Vec<Process> = get("processes")
            .split(',')
            .filter_map(Process::parse)
            .collect();
        let boxes = Process::ALL
            .into_iter()
            .map(|p| {
                let on = if posted {
                    !get(&format!("process_{}", p.as_str())).is_empty()
                } else if !stored.is_empty() {
                    stored.contains(&p)
                } else {
                    suggested.contains(&p)
                };
                (p, on)
            })
            .collect();
        let suggested = suggested
            .iter()
            .map(|p| p.as_str())
            .collect::<Vec<_>>()
            .join(",");
        Ok((boxes, suggested))
    }
}
