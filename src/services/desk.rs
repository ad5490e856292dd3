//! The production desk: firms file what blocks their production (online, or by phone through
//! the desk), agencies answer and move the cases, the firm follows every step.
//!
//! Who may see a case is decided in one place, [`Desk::open`]: its firm's members, the
//! agencies it was ever assigned to, and desk staff (organizers and admins). Every case page
//! and action goes through it; anyone else is told the case does not exist.

use crate::domain::pace;
use chrono::{NaiveDateTime, Utc};
use serde::Serialize;

use crate::config::Config;
use crate::db::desk::{self as q, Agency, Case, Event, Filter, NewCase, NewEvent, Scope};
use crate::db::models::User;
use crate::db::outbox::{self, NewMail};
use crate::db::{Conn, Db};
use crate::domain::account::Role;
use crate::domain::desk::{
    parse_case_number, parse_rating, required_text, CaseCategory, CaseForm, CaseStatus, Channel,
    EventKind, Overdue, ServiceLevels, Side, MAX_TEXT,
};
use crate::domain::FieldError;
use crate::error::AppError;
use crate::state::AppState;

/// Cases on one page of a list.
pub const PAGE_SIZE: i64 = 30;

/// The handles this service uses.
pub struct Desk<'a> {
    pub db: &'a Db,
    pub config: &'a Config,
    pub outbox: &'a crate::state::Outbox,
}

impl<'a> Desk<'a> {
    pub fn of(state: &'a AppState) -> Self {
        Self {
            db: &state.db,
            config: &state.config,
            outbox: &state.outbox,
        }
    }
}

/// What a signed-in user is to the desk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DeskRole {
    /// A member of this firm.
    Firm { org: i32 },
    /// A representative of this agency.
    Agency { agency: i32 },
    /// An organizer or admin.
    Staff,
}

fn now() -> NaiveDateTime {
    Utc::now().naive_utc()
}

/// The desk role of a user, if they have one.
pub fn role_of(conn: &mut Conn, user: &User) -> Result<Option<DeskRole>, AppError> {
    if user.is_staff() {
        return Ok(Some(DeskRole::Staff));
    }
    if user.role == Role::Agency {
        return Ok(q::agency_of(conn, user.id)?.map(|agency| DeskRole::Agency { agency }));
    }
    Ok(user.firm().map(|org| DeskRole::Firm { org }))
}

/// The one rule of who sees a case.
fn may_see(role: DeskRole, case: &Case, assigned: &[i32]) -> bool {
    match role {
        DeskRole::Staff => true,
        DeskRole::Firm { org } => case.organization_id == org,
        DeskRole::Agency { agency } => assigned.contains(&agency),
    }
}

/// What the viewer may do on a case page.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Abilities {
    /// Write to the case (the firm replies; the agency or desk answers).
    pub write: bool,
    /// Move the case to another status.
    pub move_status: bool,
    /// Give the case to an agency (the desk), or hand it on (the agency answering it).
    pub assign: bool,
    /// Take the case (a representative of the agency answering it, not yet taken by them).
    pub take: bool,
    /// Rate the outcome (the firm, once resolved).
    pub rate: bool,
    /// Make a need of the exhibition from a parts-supply case (the desk).
    pub to_need: bool,
}

fn abilities(role: DeskRole, case: &Case, user: i32) -> Abilities {
    let open = case.status.is_open();
    let answering = matches!(role, DeskRole::Agency { agency } if case.agency_id == Some(agency));
    let staff = role == DeskRole::Staff;
    let firm = matches!(role, DeskRole::Firm { .. });
    Abilities {
        write: open && (firm || staff || answering),
        move_status: open && (staff || answering),
        assign: open && (staff || answering),
        take: open && answering && case.assignee_id != Some(user),
        rate: firm && case.status == CaseStatus::Resolved,
        to_need: staff && case.category == CaseCategory::Supply && case.need_id.is_none(),
    }
}

/// A case as its page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct CaseView {
    #[serde(flatten)]
    pub case: Case,
    pub firm: String,
    /// The agency answering it now.
    pub agency: Option<Agency>,
    /// Every agency it was assigned to, first first.
    pub agencies: Vec<Agency>,
    /// The agencies the firm named when filing.
    pub named: Vec<Agency>,
    pub events: Vec<EventView>,
    pub abilities: Abilities,
    pub role: DeskRole,
    pub overdue: Option<Overdue>,
    pub files: Vec<crate::db::desk::CaseFile>,
    /// The working group's decisions on it, with their sessions.
    pub decisions: Vec<(crate::db::desk::Decision, crate::db::desk::Session)>,
    /// When the first answer is due, and when the case should be resolved.
    pub respond_by: NaiveDateTime,
    pub resolve_by: NaiveDateTime,
}

#[derive(Debug, Clone, Serialize)]
pub struct EventView {
    #[serde(flatten)]
    pub event: Event,
    pub agency: Option<Agency>,
    /// A rating entry's rating, shown in the page's digits; its comment stays in `text`.
    pub rating: Option<i32>,
    /// The entry's text without its rating.
    pub text: String,
}

/// A rating entry's body is written as "N/5 comment" (see [`Desk::rate`]): its parts.
fn split_rating(kind: EventKind, body: &str) -> (Option<i32>, String) {
    if kind != EventKind::Rated {
        return (None, body.to_string());
    }
    let (head, rest) = body.split_once(' ').unwrap_or((body, ""));
    match head.strip_suffix("/5").and_then(|n| n.parse().ok()) {
        Some(n) => (Some(n), rest.trim().to_string()),
        None => (None, body.to_string()),
    }
}

/// A case in a list.
#[derive(Debug, Clone, Serialize)]
pub struct CaseRow {
    #[serde(flatten)]
    pub case: Case,
    pub firm: String,
    pub agency: Option<Agency>,
    pub overdue: Option<Overdue>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CaseList {
    pub rows: Vec<CaseRow>,
    pub total: i64,
    pub page: i64,
    pub pages: i64,
    pub role: DeskRole,
}

/// What `/desk` shows.
#[derive(Debug, Clone, Serialize)]
pub struct DeskHome {
    pub agencies: Vec<Agency>,
    pub role: Option<DeskRole>,
    /// The viewer's firm's (or agency's) latest cases.
    pub recent: Vec<CaseRow>,
}

/// The filters of a case list as the query string gives them.
#[derive(Debug, Clone, Default, serde::Deserialize, Serialize)]
pub struct ListQuery {
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub agency: String,
    #[serde(default)]
    pub open: String,
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub overdue: String,
    #[serde(default)]
    pub page: String,
}

impl ListQuery {
    fn parse(
        &self,
        agencies: &[Agency],
        levels: &ServiceLevels,
    ) -> Result<(Filter, i64), AppError> {
        let mut errors = Vec::new();
        let mut filter = Filter::default();
        let given = |s: &str| !s.trim().is_empty();
        if given(&self.status) {
            filter.status = CaseStatus::parse(&self.status);
            if filter.status.is_none() {
                errors.push(FieldError::new("status", "error.case_status_unknown"));
            }
        }
        if given(&self.category) {
            filter.category = CaseCategory::parse(&self.category);
            if filter.category.is_none() {
                errors.push(FieldError::new("category", "error.category_unknown"));
            }
        }
        if given(&self.agency) {
            filter.agency = agencies
                .iter()
                .find(|a| a.slug == self.agency.trim())
                .map(|a| a.id);
            if filter.agency.is_none() {
                errors.push(FieldError::new("agency", "error.agency_unknown"));
            }
        }
        filter.open = matches!(self.open.as_str(), "1" | "true" | "yes");
        if matches!(self.overdue.as_str(), "1" | "true" | "yes") {
            filter.overdue = Some(levels.cutoffs(now()));
        }
        let text = crate::domain::text::clean(&self.q);
        if crate::domain::text::char_len(&text) > 100 {
            errors.push(FieldError::new("q", "error.query_too_long"));
        } else if let Some(number) = parse_case_number(&text) {
            filter.number = Some(number);
        } else if !text.is_empty() {
            filter.words = crate::search::analyzer::analyze(&text)
                .into_iter()
                .map(|t| t.text)
                .filter(|w| !crate::search::analyzer::is_stop_word(w))
                .collect();
            if filter.words.is_empty() {
                // Only stop words: match on them rather than show everything.
                filter.words = crate::search::analyzer::analyze(&text)
                    .into_iter()
                    .map(|t| t.text)
                    .collect();
            }
        }
        let page = if given(&self.page) {
            crate::domain::codes::digits_to_latin(self.page.trim())
                .parse::<i64>()
                .ok()
                .filter(|p| (1..=10_000).contains(p))
                .unwrap_or_else(|| {
                    errors.push(FieldError::new("page", "error.page_invalid"));
                    1
                })
        } else {
            1
        };
        if errors.is_empty() {
            Ok((filter, page))
        } else {
            Err(AppError::Invalid(errors))
        }
    }
}

/// One mail per recipient (name, address, language), each greeted by name.
pub(crate) fn mail_each(
    conn: &mut Conn,
    recipients: Vec<(String, String, String)>,
    template: &str,
    context: &serde_json::Value,
) -> Result<(), AppError> {
    for (name, email, lang) in recipients {
        let mut ctx = context.clone();
        ctx["name"] = serde_json::Value::String(name.clone());
        outbox::enqueue(
            conn,
            NewMail {
                to_email: &email,
                to_name: &name,
                template,
                lang: &lang,
                context: ctx,
            },
        )?;
    }
    Ok(())
}

/// A mail to everyone at a firm (its verified members).
pub(crate) fn mail_firm(
    conn: &mut Conn,
    org: i32,
    template: &str,
    context: serde_json::Value,
) -> Result<(), AppError> {
    let to = q::firm_contacts(conn, org)?;
    mail_each(conn, to, template, &context)
}

/// A mail to every representative of an agency.
pub(crate) fn mail_agency(
    conn: &mut Conn,
    agency: i32,
    template: &str,
    context: serde_json::Value,
) -> Result<(), AppError> {
    let to = q::members(conn)?
        .into_iter()
        .filter(|m| m.1 == agency)
        .map(|(_, _, name, email, lang)| (name, email, lang))
        .collect();
    mail_each(conn, to, template, &context)
}

impl Desk<'_> {
    pub async fn agencies(&self) -> Result<Vec<Agency>, AppError> {
        self.db.run(|conn| Ok(q::list_agencies(conn)?)).await
    }

    pub async fn role(&self, user: &User) -> Result<Option<DeskRole>, AppError> {
        let user = user.clone();
        self.db.run(move |conn| role_of(conn, &user)).await
    }

    /// The desk's front page: what it does, the phone number, the viewer's latest cases.
    pub async fn home(&self, viewer: Option<&User>) -> Result<DeskHome, AppError> {
        let user = viewer.cloned();
        let levels = self.config.desk_levels;
        self.db
            .run(move |conn| {
                let agencies = q::list_agencies(conn)?;
                let role = match &user {
                    Some(u) => role_of(conn, u)?,
                    None => None,
                };
                let recent = match role {
                    Some(DeskRole::Firm { org }) => {
                        rows(conn, Scope::Firm(org), &agencies, &levels, 5)?
                    }
                    Some(DeskRole::Agency { agency }) => {
                        rows(conn, Scope::Agency(agency), &agencies, &levels, 5)?
                    }
                    _ => Vec::new(),
                };
                Ok(DeskHome {
                    agencies,
                    role,
                    recent,
                })
            })
            .await
    }

    /// Whether the user may file a case online now: a member of a firm within the pace of
    /// [`pace::DESK_CASES`]. Called before a filing's body is read, and again by [`Self::file`].
    pub async fn may_file(&self, user: &User) -> Result<i32, AppError> {
        let u = user.clone();
        self.db
            .run(move |conn| {
                let Some(DeskRole::Firm { org }) = role_of(conn, &u)? else {
                    return Err(AppError::Forbidden);
                };
                let filed = q::filed_since(conn, u.id, pace::DESK_CASES.since(now()))?;
                if !pace::DESK_CASES.allows(filed) {
                    return Err(AppError::TooManyRequests);
                }
                Ok(org)
            })
            .await
    }

    /// Files a case for the user's firm, with its documents. Returns its number. Every wrong
    /// field and file is reported at once and nothing is kept.
    pub async fn file(
        &self,
        user: &User,
        form: CaseForm,
        files: Vec<(String, Vec<u8>)>,
        attachments: &super::attachments::Attachments<'_>,
    ) -> Result<String, AppError> {
        let org = self.may_file(user).await?;
        let known = self.db.run(slugs).await?;
        let mut errors = Vec::new();
        let text = form
            .parse(&known)
            .map_err(|mut e| errors.append(&mut e))
            .ok();
        let prepared = self
            .prepare_files(files, attachments, 0, &mut errors)
            .await?;
        let Some(text) = text.filter(|_| errors.is_empty()) else {
            return Err(AppError::Invalid(errors));
        };
        let rows = write_files(prepared, attachments)?;
        let (user, desk) = (user.clone(), self.clone_handles());
        let kept = rows.clone();
        let result = self
            .db
            .run(move |conn| {
                crate::db::write_transaction(conn, |conn| {
                    let number =
                        desk.insert(conn, org, &user, Channel::Online, &text, Side::Firm)?;
                    let case = q::find_by_number(conn, &number)?.ok_or(AppError::NotFound)?;
                    insert_files(conn, &case, &user, Side::Firm, &kept)?;
                    Ok(number)
                })
            })
            .await;
        if result.is_err() {
            attachments.discard(&rows);
        }
        self.outbox.wake();
        result
    }

    /// Checks documents in memory (nothing stored), adding an error per wrong one; `existing`
    /// files count against the limit per case.
    async fn prepare_files(
        &self,
        files: Vec<(String, Vec<u8>)>,
        attachments: &super::attachments::Attachments<'_>,
        existing: i64,
        errors: &mut Vec<FieldError>,
    ) -> Result<Vec<super::attachments::Prepared>, AppError> {
        if existing + files.len() as i64 > self.config.max_files_per_need {
            errors.push(FieldError::new("file", "error.too_many_files"));
            return Ok(Vec::new());
        }
        let mut prepared = Vec::new();
        for (name, bytes) in files {
            match attachments.prepare(&name, bytes).await {
                Ok(p) => prepared.push(p),
                Err(AppError::Invalid(mut e)) => errors.append(&mut e),
                Err(e) => return Err(e),
            }
        }
        Ok(prepared)
    }

    /// Adds documents to a case: its firm, the agency answering it, or the desk, while it is
    /// open. The history records who added what.
    pub async fn add_files(
        &self,
        user: &User,
        number: &str,
        files: Vec<(String, Vec<u8>)>,
        attachments: &super::attachments::Attachments<'_>,
    ) -> Result<Case, AppError> {
        let (u, n) = (user.clone(), number.to_string());
        let (case, role, existing) = self
            .db
            .run(move |conn| {
                let (case, role) = Self::open(conn, &u, &n)?;
                if !abilities(role, &case, u.id).write {
                    return Err(AppError::Conflict("error.case_closed_or_not_yours"));
                }
                let existing = q::count_files(conn, case.id)?;
                Ok((case, role, existing))
            })
            .await?;
        let mut errors = Vec::new();
        if files.is_empty() {
            errors.push(FieldError::new("file", "error.required"));
        }
        let prepared = self
            .prepare_files(files, attachments, existing, &mut errors)
            .await?;
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        let rows = write_files(prepared, attachments)?;
        let (user, kept) = (user.clone(), rows.clone());
        let result = self
            .db
            .run(move |conn| {
                crate::db::write_transaction(conn, |conn| {
                    insert_files(conn, &case, &user, side_of(role), &kept)
                })?;
                Ok(case)
            })
            .await;
        if result.is_err() {
            attachments.discard(&rows);
        }
        result
    }

    /// A document of a case, for someone who may see the case.
    pub async fn document(
        &self,
        user: &User,
        id: i32,
    ) -> Result<crate::db::desk::CaseFile, AppError> {
        let user = user.clone();
        self.db
            .run(move |conn| {
                let (file, number) = q::find_file(conn, id)?.ok_or(AppError::NotFound)?;
                Self::open(conn, &user, &number)?;
                Ok(file)
            })
            .await
    }

    /// Records a case received by phone, on behalf of the firm named in the form.
    pub async fn file_by_phone(&self, staff: &User, form: CaseForm) -> Result<String, AppError> {
        if !staff.is_staff() {
            return Err(AppError::Forbidden);
        }
        let user = staff.clone();
        let desk = self.clone_handles();
        let number = self
            .db
            .run(move |conn| {
                let known = slugs(conn)?;
                let firms = q::firms(conn)?;
                let org = crate::domain::codes::digits_to_latin(form.organization.trim())
                    .parse::<i32>()
                    .ok()
                    .filter(|id| firms.iter().any(|f| f.0 == *id));
                let parsed = form.parse(&known);
                let text = match (org, parsed) {
                    (Some(_), Ok(t)) => t,
                    (org, parsed) => {
                        let mut errors = Vec::new();
                        if org.is_none() {
                            errors.push(FieldError::new("organization", "error.required"));
                        }
                        if let Err(mut e) = parsed {
                            errors.append(&mut e);
                        }
                        return Err(AppError::Invalid(errors));
                    }
                };
                let org = org.unwrap_or_default();
                crate::db::write_transaction(conn, |conn| {
                    desk.insert(conn, org, &user, Channel::Phone, &text, Side::Desk)
                })
            })
            .await?;
        self.outbox.wake();
        Ok(number)
    }

    fn clone_handles(&self) -> Handles {
        Handles {
            base_url: self.config.base_url.clone(),
        }
    }

    /// Opens a case for a viewer: the one check of who may see it. Anyone else, and any
    /// number that is not a case, gets "not found".
    fn open(conn: &mut Conn, user: &User, number: &str) -> Result<(Case, DeskRole), AppError> {
        let number = parse_case_number(number).ok_or(AppError::NotFound)?;
        let role = role_of(conn, user)?.ok_or(AppError::NotFound)?;
        let case = q::find_by_number(conn, &number)?.ok_or(AppError::NotFound)?;
        let assigned = q::case_agencies(conn, case.id)?;
        if may_see(role, &case, &assigned) {
            Ok((case, role))
        } else {
            Err(AppError::NotFound)
        }
    }

    /// A case with its history, for its page.
    pub async fn case(&self, user: &User, number: &str) -> Result<CaseView, AppError> {
        let user = user.clone();
        let number = number.to_string();
        let levels = self.config.desk_levels;
        self.db
            .run(move |conn| {
                let (case, role) = Self::open(conn, &user, &number)?;
                let all = q::list_agencies(conn)?;
                let find = |id: i32| all.iter().find(|a| a.id == id).cloned();
                let agencies = q::case_agencies(conn, case.id)?
                    .into_iter()
                    .filter_map(find)
                    .collect();
                let named = case
                    .named_agencies
                    .split_whitespace()
                    .filter_map(|s| all.iter().find(|a| a.slug == s).cloned())
                    .collect();
                let events = q::events(conn, case.id)?
                    .into_iter()
                    .map(|event| {
                        let (rating, text) = split_rating(event.kind, &event.body);
                        EventView {
                            agency: event.agency_id.and_then(find),
                            rating,
                            text,
                            event,
                        }
                    })
                    .collect();
                let firm = crate::db::catalogue::find_organization(conn, case.organization_id)?
                    .map(|o| o.fields.name)
                    .unwrap_or_default();
                let decisions = q::decisions_of(conn, case.id)?;
                let files = q::files_of(conn, case.id)?;
                Ok(CaseView {
                    files,
                    decisions,
                    overdue: levels.overdue(
                        case.status,
                        case.category,
                        case.created_at,
                        case.first_response_at,
                        now(),
                    ),
                    respond_by: case.created_at + levels.first_response,
                    resolve_by: case.created_at
                        + chrono::Duration::days(case.category.resolution_days()),
                    agency: case.agency_id.and_then(find),
                    abilities: abilities(role, &case, user.id),
                    firm,
                    agencies,
                    named,
                    events,
                    role,
                    case,
                })
            })
            .await
    }

    /// The cases the viewer may see, filtered, newest first.
    pub async fn list(&self, user: &User, query: ListQuery) -> Result<CaseList, AppError> {
        let user = user.clone();
        let levels = self.config.desk_levels;
        self.db
            .run(move |conn| {
                let role = role_of(conn, &user)?.ok_or(AppError::Forbidden)?;
                let agencies = q::list_agencies(conn)?;
                let (filter, page) = query.parse(&agencies, &levels)?;
                let scope = match role {
                    DeskRole::Staff => Scope::All,
                    DeskRole::Firm { org } => Scope::Firm(org),
                    DeskRole::Agency { agency } => Scope::Agency(agency),
                };
                let (list, total) =
                    q::list(conn, scope, &filter, (page - 1) * PAGE_SIZE, PAGE_SIZE)?;
                Ok(CaseList {
                    rows: with_agencies(list, &agencies, &levels),
                    total,
                    page,
                    pages: ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1),
                    role,
                })
            })
            .await
    }

    /// The firm replies, or the agency or desk answers. A firm's reply to a case waiting for
    /// it puts the case back in progress; an answer is the case's first response if it has none.
    pub async fn write(&self, user: &User, number: &str, body: &str) -> Result<Case, AppError> {
        let (user, number) = (user.clone(), number.to_string());
        let mut errors = Vec::new();
        let body = required_text("body", body, MAX_TEXT, &mut errors);
        let link = self.clone_handles();
        let case = self
            .db
            .run(move |conn| {
                let (case, role) = Self::open(conn, &user, &number)?;
                if !abilities(role, &case, user.id).write {
                    return Err(AppError::Conflict("error.case_closed_or_not_yours"));
                }
                let written = q::written_since(conn, user.id, pace::DESK_MESSAGES.since(now()))?;
                if !pace::DESK_MESSAGES.allows(written) {
                    return Err(AppError::TooManyRequests);
                }
                if !errors.is_empty() {
                    return Err(AppError::Invalid(errors));
                }
                let t = now();
                crate::db::write_transaction(conn, |conn| {
                    let side = side_of(role);
                    q::insert_event(
                        conn,
                        &NewEvent {
                            case_id: case.id,
                            actor_id: Some(user.id),
                            actor_name: &user.name,
                            side,
                            kind: EventKind::Reply,
                            status: None,
                            agency_id: agency_of_role(role),
                            body: &body,
                            now: t,
                        },
                    )?;
                    let mut ctx = link.context(&case);
                    ctx["message"] = body.clone().into();
                    if side == Side::Firm {
                        if case.status == CaseStatus::WaitingFirm {
                            q::set_status(conn, &case, CaseStatus::InProgress, t)?;
                        }
                        if let Some(agency) = case.agency_id {
                            mail_agency(conn, agency, "desk_case_reply", ctx)?;
                        }
                    } else {
                        q::responded(conn, case.id, t)?;
                        ctx["status"] = case.status.as_str().into();
                        mail_firm(conn, case.organization_id, "desk_case_update", ctx)?;
                    }
                    Ok::<_, AppError>(())
                })?;
                Ok(q::find_case(conn, case.id)?.unwrap_or(case))
            })
            .await?;
        self.outbox.wake();
        Ok(case)
    }

    /// An agency or the desk moves a case to another status, with a note the firm reads.
    pub async fn set_status(
        &self,
        user: &User,
        number: &str,
        status: &str,
        note: &str,
    ) -> Result<Case, AppError> {
        let (user, number) = (user.clone(), number.to_string());
        let mut errors = Vec::new();
        let to = CaseStatus::parse(status).filter(|s| CaseStatus::SETTABLE.contains(s));
        if to.is_none() {
            errors.push(FieldError::new("status", "error.case_status_invalid"));
        }
        let note = required_text("note", note, MAX_TEXT, &mut errors);
        let link = self.clone_handles();
        let case = self
            .db
            .run(move |conn| {
                let (case, role) = Self::open(conn, &user, &number)?;
                if !abilities(role, &case, user.id).move_status {
                    return Err(AppError::Conflict("error.case_closed_or_not_yours"));
                }
                let Some(to) = to.filter(|_| errors.is_empty()) else {
                    return Err(AppError::Invalid(errors));
                };
                if !case.status.may_become(to) {
                    return Err(AppError::invalid("status", "error.case_status_invalid"));
                }
                let t = now();
                crate::db::write_transaction(conn, |conn| {
                    q::set_status(conn, &case, to, t)?;
                    q::responded(conn, case.id, t)?;
                    q::insert_event(
                        conn,
                        &NewEvent {
                            case_id: case.id,
                            actor_id: Some(user.id),
                            actor_name: &user.name,
                            side: side_of(role),
                            kind: EventKind::Status,
                            status: Some(to),
                            agency_id: agency_of_role(role),
                            body: &note,
                            now: t,
                        },
                    )?;
                    let mut ctx = link.context(&case);
                    ctx["message"] = note.clone().into();
                    ctx["status"] = to.as_str().into();
                    mail_firm(conn, case.organization_id, "desk_case_update", ctx)?;
                    Ok::<_, AppError>(())
                })?;
                Ok(q::find_case(conn, case.id)?.unwrap_or(case))
            })
            .await?;
        self.outbox.wake();
        Ok(case)
    }

    /// The desk gives a case to an agency, or the agency answering it hands it to another.
    /// The agency's representatives are mailed; the agencies it had keep seeing it.
    pub async fn assign(
        &self,
        user: &User,
        number: &str,
        agency: &str,
        note: &str,
    ) -> Result<Case, AppError> {
        let (user, number, agency) = (user.clone(), number.to_string(), agency.trim().to_string());
        let note = crate::domain::text::clean(note);
        let link = self.clone_handles();
        let case = self
            .db
            .run(move |conn| {
                let (case, role) = Self::open(conn, &user, &number)?;
                if !abilities(role, &case, user.id).assign {
                    return Err(AppError::Conflict("error.case_closed_or_not_yours"));
                }
                let mut errors = Vec::new();
                let to = q::list_agencies(conn)?
                    .into_iter()
                    .find(|a| a.slug == agency && Some(a.id) != case.agency_id);
                if to.is_none() {
                    errors.push(FieldError::new("agency", "error.agency_unknown"));
                }
                if crate::domain::text::char_len(&note) > MAX_TEXT {
                    errors.push(FieldError::new("note", "error.too_long"));
                }
                let Some(to) = to.filter(|_| errors.is_empty()) else {
                    return Err(AppError::Invalid(errors));
                };
                let t = now();
                crate::db::write_transaction(conn, |conn| {
                    q::assign(conn, case.id, to.id, t)?;
                    q::insert_event(
                        conn,
                        &NewEvent {
                            case_id: case.id,
                            actor_id: Some(user.id),
                            actor_name: &user.name,
                            side: side_of(role),
                            kind: EventKind::Assigned,
                            status: Some(CaseStatus::Assigned),
                            agency_id: Some(to.id),
                            body: &note,
                            now: t,
                        },
                    )?;
                    let mut ctx = link.context(&case);
                    ctx["message"] = note.clone().into();
                    mail_agency(conn, to.id, "desk_case_assigned", ctx)?;
                    Ok::<_, AppError>(())
                })?;
                Ok(q::find_case(conn, case.id)?.unwrap_or(case))
            })
            .await?;
        self.outbox.wake();
        Ok(case)
    }

    /// A representative of the agency answering a case takes it: it is theirs, in progress.
    pub async fn take(&self, user: &User, number: &str) -> Result<Case, AppError> {
        let (user, number) = (user.clone(), number.to_string());
        self.db
            .run(move |conn| {
                let (case, role) = Self::open(conn, &user, &number)?;
                if !abilities(role, &case, user.id).take {
                    return Err(AppError::Conflict("error.case_closed_or_not_yours"));
                }
                let t = now();
                crate::db::write_transaction(conn, |conn| {
                    q::take(conn, case.id, user.id, t)?;
                    q::insert_event(
                        conn,
                        &NewEvent {
                            case_id: case.id,
                            actor_id: Some(user.id),
                            actor_name: &user.name,
                            side: Side::Agency,
                            kind: EventKind::Taken,
                            status: Some(CaseStatus::InProgress),
                            agency_id: agency_of_role(role),
                            body: "",
                            now: t,
                        },
                    )?;
                    Ok::<_, AppError>(())
                })?;
                Ok(q::find_case(conn, case.id)?.unwrap_or(case))
            })
            .await
    }

    /// The firm rates the outcome of a resolved case (1 to 5), with an optional comment.
    pub async fn rate(
        &self,
        user: &User,
        number: &str,
        rating: &str,
        comment: &str,
    ) -> Result<Case, AppError> {
        let (user, number) = (user.clone(), number.to_string());
        let rating = parse_rating(rating);
        let comment = crate::domain::text::clean(comment);
        self.db
            .run(move |conn| {
                let (case, role) = Self::open(conn, &user, &number)?;
                if !abilities(role, &case, user.id).rate {
                    return Err(AppError::Conflict("error.case_not_resolved"));
                }
                let mut errors = Vec::new();
                if rating.is_none() {
                    errors.push(FieldError::new("rating", "error.rating_invalid"));
                }
                if crate::domain::text::char_len(&comment) > MAX_TEXT {
                    errors.push(FieldError::new("comment", "error.too_long"));
                }
                let Some(rating) = rating.filter(|_| errors.is_empty()) else {
                    return Err(AppError::Invalid(errors));
                };
                let t = now();
                crate::db::write_transaction(conn, |conn| {
                    q::rate(conn, case.id, rating, t)?;
                    q::insert_event(
                        conn,
                        &NewEvent {
                            case_id: case.id,
                            actor_id: Some(user.id),
                            actor_name: &user.name,
                            side: Side::Firm,
                            kind: EventKind::Rated,
                            status: None,
                            agency_id: None,
                            body: format!("{rating}/5 {comment}").trim_end(),
                            now: t,
                        },
                    )?;
                    Ok::<_, AppError>(())
                })?;
                Ok(q::find_case(conn, case.id)?.unwrap_or(case))
            })
            .await
    }

    /// Turns a parts-supply case into a need of the exhibition: pre-filled from the case, in
    /// review, in the case's firm's name, under the category of the most similar published
    /// need. The case and the need link to each other. Desk staff only. Returns the need's id.
    pub async fn to_need(&self, user: &User, number: &str, category: i32) -> Result<i32, AppError> {
        let (user, number) = (user.clone(), number.to_string());
        self.db
            .run(move |conn| {
                let (case, role) = Self::open(conn, &user, &number)?;
                if role != DeskRole::Staff {
                    return Err(AppError::Forbidden);
                }
                if case.category != CaseCategory::Supply || case.need_id.is_some() {
                    return Err(AppError::Conflict("error.case_not_a_part"));
                }
                let t = now();
                let need = need_from_case(&case, category, t);
                crate::db::write_transaction(conn, |conn| {
                    let id = crate::db::catalogue::insert_need(conn, &need)?;
                    q::set_need(conn, case.id, id, t)?;
                    q::insert_event(
                        conn,
                        &NewEvent {
                            case_id: case.id,
                            actor_id: Some(user.id),
                            actor_name: &user.name,
                            side: Side::Desk,
                            kind: EventKind::Need,
                            status: None,
                            agency_id: None,
                            body: "",
                            now: t,
                        },
                    )?;
                    Ok(id)
                })
            })
            .await
    }

    /// The category of a need, for a new need like it.
    pub async fn category_of_need(&self, need: i32) -> Result<Option<i32>, AppError> {
        self.db
            .run(move |conn| Ok(crate::db::catalogue::find_need(conn, need)?.map(|(_, _, c)| c.id)))
            .await
    }

    /// The number of the desk case a need was made from, if any.
    pub async fn case_of_need(&self, need: i32) -> Result<Option<String>, AppError> {
        self.db
            .run(move |conn| Ok(q::case_of_need(conn, need)?))
            .await
    }

    /// Firms the desk can record a phone call for: (id, name, city).
    pub async fn firms(&self) -> Result<Vec<(i32, String, String)>, AppError> {
        self.db.run(|conn| Ok(q::firms(conn)?)).await
    }
}

/// What a service closure needs of the configuration.
#[derive(Clone)]
struct Handles {
    base_url: String,
}

impl Handles {
    fn context(&self, case: &Case) -> serde_json::Value {
        serde_json::json!({
            "number": case.number,
            "title": case.subject,
            "link": format!("{}/desk/cases/{}", self.base_url, case.number),
        })
    }

    /// Inserts a case with its number and first history entry, and mails the firm its number.
    fn insert(
        &self,
        conn: &mut Conn,
        org: i32,
        user: &User,
        channel: Channel,
        text: &crate::domain::desk::CaseText,
        side: Side,
    ) -> Result<String, AppError> {
        let t = now();
        let id = q::insert_case(
            conn,
            &NewCase {
                organization_id: org,
                filed_by: user.id,
                channel,
                category: text.category,
                urgency: text.urgency,
                subject: &text.subject,
                description: &text.description,
                request: &text.request,
                named_agencies: &text.agencies.join(" "),
                now: t,
            },
        )?;
        let year = crate::i18n::to_jalali(t.date()).map_or(0, |(y, _, _)| y);
        let number = crate::domain::desk::case_number(year, id);
        q::set_number(conn, id, &number)?;
        q::insert_event(
            conn,
            &NewEvent {
                case_id: id,
                actor_id: Some(user.id),
                actor_name: &user.name,
                side,
                kind: EventKind::Filed,
                status: Some(CaseStatus::Received),
                agency_id: None,
                body: "",
                now: t,
            },
        )?;
        let case = q::find_case(conn, id)?.ok_or(AppError::NotFound)?;
        let mut ctx = self.context(&case);
        ctx["phone"] = (channel == Channel::Phone).into();
        mail_firm(conn, org, "desk_case_filed", ctx)?;
        Ok(number)
    }
}

fn write_files(
    prepared: Vec<super::attachments::Prepared>,
    attachments: &super::attachments::Attachments<'_>,
) -> Result<Vec<crate::db::models::NewAttachment>, AppError> {
    let mut rows = Vec::new();
    for p in prepared {
        match attachments.write(p, crate::domain::files::Visibility::Introduced) {
            // Case documents are downloaded, never shown as thumbnails.
            Ok(mut row) => {
                attachments.drop_thumb(&mut row);
                rows.push(row)
            }
            Err(e) => {
                attachments.discard(&rows);
                return Err(e);
            }
        }
    }
    Ok(rows)
}

/// The rows of written documents, and one history entry naming them.
fn insert_files(
    conn: &mut Conn,
    case: &Case,
    user: &User,
    side: Side,
    rows: &[crate::db::models::NewAttachment],
) -> Result<(), AppError> {
    if rows.is_empty() {
        return Ok(());
    }
    let t = now();
    for row in rows {
        q::insert_file(
            conn,
            &q::NewCaseFile {
                case_id: case.id,
                uploaded_by: user.id,
                side,
                original_name: &row.original_name,
                stored_name: &row.stored_name,
                content_type: &row.content_type,
                size_bytes: row.size_bytes,
                now: t,
            },
        )?;
    }
    let names: Vec<&str> = rows.iter().map(|r| r.original_name.as_str()).collect();
    q::insert_event(
        conn,
        &NewEvent {
            case_id: case.id,
            actor_id: Some(user.id),
            actor_name: &user.name,
            side,
            kind: EventKind::Documents,
            status: None,
            agency_id: None,
            body: &names.join("\n"),
            now: t,
        },
    )?;
    Ok(())
}

/// A need pre-filled from a parts-supply case, in review, in the case's firm's name.
pub(crate) fn need_from_case(
    case: &Case,
    category: i32,
    t: NaiveDateTime,
) -> crate::db::models::NewNeed {
    let mut description = case.description.clone();
    if !case.request.is_empty() {
        description.push_str("\n\n");
        description.push_str(&case.request);
    }
    crate::db::models::NewNeed {
        organization_id: case.organization_id,
        content: crate::db::models::NeedContent {
            category_id: category,
            title: case.subject.chars().take(200).collect(),
            title_en: String::new(),
            description,
            part_number: String::new(),
            part_number_key: String::new(),
            brand: String::new(),
            hs_code: None,
            material: String::new(),
            specs: String::new(),
            spec_items: "[]".into(),
            quantity_per_year: None,
            unit: crate::domain::need::Unit::Piece,
            unit_price: None,
            currency: crate::domain::money::Currency::Irr,
            origin_country: String::new(),
            annual_import_value: None,
            deadline: None,
            anonymous: false,
            processes: String::new(),
        },
        featured: false,
        status: crate::domain::need::NeedStatus::PendingReview,
        created_at: t,
        updated_at: t,
        published_at: None,
        import_ref: None,
    }
}

fn side_of(role: DeskRole) -> Side {
    match role {
        DeskRole::Firm { .. } => Side::Firm,
        DeskRole::Agency { .. } => Side::Agency,
        DeskRole::Staff => Side::Desk,
    }
}

fn agency_of_role(role: DeskRole) -> Option<i32> {
    match role {
        DeskRole::Agency { agency } => Some(agency),
        _ => None,
    }
}

fn slugs(conn: &mut Conn) -> Result<Vec<String>, AppError> {
    Ok(q::list_agencies(conn)?
        .into_iter()
        .map(|a| a.slug)
        .collect())
}

fn with_agencies(
    list: Vec<q::ListRow>,
    agencies: &[Agency],
    levels: &ServiceLevels,
) -> Vec<CaseRow> {
    let t = now();
    list.into_iter()
        .map(|(case, firm)| CaseRow {
            overdue: levels.overdue(
                case.status,
                case.category,
                case.created_at,
                case.first_response_at,
                t,
            ),
            agency: case
                .agency_id
                .and_then(|id| agencies.iter().find(|a| a.id == id).cloned()),
            case,
            firm,
        })
        .collect()
}

fn rows(
    conn: &mut Conn,
    scope: Scope,
    agencies: &[Agency],
    levels: &ServiceLevels,
    n: i64,
) -> Result<Vec<CaseRow>, AppError> {
    let (list, _) = q::list(conn, scope, &Filter::default(), 0, n)?;
    Ok(with_agencies(list, agencies, levels))
}

/// An agency with its representatives, for the admins' page.
#[derive(Debug, Clone, Serialize)]
pub struct AgencyWithMembers {
    #[serde(flatten)]
    pub agency: Agency,
    /// (user id, name, email)
    pub members: Vec<(i32, String, String)>,
}

impl Desk<'_> {
    pub async fn agencies_with_members(&self) -> Result<Vec<AgencyWithMembers>, AppError> {
        self.db
            .run(|conn| {
                let members = q::members(conn)?;
                Ok(q::list_agencies(conn)?
                    .into_iter()
                    .map(|agency| AgencyWithMembers {
                        members: members
                            .iter()
                            .filter(|m| m.1 == agency.id)
                            .map(|m| (m.0, m.2.clone(), m.3.clone()))
                            .collect(),
                        agency,
                    })
                    .collect())
            })
            .await
    }

    pub async fn add_agency(
        &self,
        slug: &str,
        name_fa: &str,
        name_en: &str,
    ) -> Result<(), AppError> {
        let mut errors = Vec::new();
        let slug = crate::domain::exhibition::parse_slug(slug)
            .map_err(|e| errors.push(e))
            .ok();
        let name_fa = required_text("name_fa", name_fa, 150, &mut errors);
        let name_en = crate::domain::text::clean(name_en);
        if crate::domain::text::char_len(&name_en) > 150 {
            errors.push(FieldError::new("name_en", "error.too_long"));
        }
        self.db
            .run(move |conn| {
                let taken = slug
                    .as_ref()
                    .is_some_and(|s| slugs(conn).is_ok_and(|all| all.contains(s)));
                if taken {
                    errors.push(FieldError::new("slug", "error.agency_slug_taken"));
                }
                match slug.filter(|_| errors.is_empty()) {
                    Some(slug) => {
                        q::insert_agency(conn, &slug, &name_fa, &name_en, now())?;
                        Ok(())
                    }
                    None => Err(AppError::Invalid(errors)),
                }
            })
            .await
    }

    /// Makes an existing account a representative of an agency. Staff and members of a firm
    /// keep their roles: they are refused.
    pub async fn add_member(&self, me: &User, email: &str, agency: &str) -> Result<(), AppError> {
        let email = crate::domain::account::Email::parse(email);
        let (me, agency) = (me.id, agency.trim().to_string());
        self.db
            .run(move |conn| {
                let mut errors = Vec::new();
                let user = match &email {
                    Ok(e) => crate::db::accounts::find_user_by_email(conn, e.as_str())?,
                    Err(k) => {
                        errors.push(FieldError::new("email", k));
                        None
                    }
                };
                match &user {
                    None if errors.is_empty() => {
                        errors.push(FieldError::new("email", "error.account_unknown"))
                    }
                    Some(u) if u.id == me || u.role.is_staff() || u.organization_id.is_some() => {
                        errors.push(FieldError::new("email", "error.member_not_eligible"))
                    }
                    _ => {}
                }
                let target = q::list_agencies(conn)?
                    .into_iter()
                    .find(|a| a.slug == agency);
                if target.is_none() {
                    errors.push(FieldError::new("agency", "error.agency_unknown"));
                }
                match (user, target) {
                    (Some(user), Some(target)) if errors.is_empty() => {
                        crate::db::write_transaction(conn, |conn| {
                            q::set_member(conn, user.id, target.id)?;
                            crate::db::accounts::set_role(conn, user.id, Role::Agency)
                        })?;
                        Ok(())
                    }
                    _ => Err(AppError::Invalid(errors)),
                }
            })
            .await
    }

    /// Ends a representation: the account becomes a maker's again (a role without a firm).
    pub async fn remove_member(&self, user: i32) -> Result<(), AppError> {
        self.db
            .run(move |conn| {
                crate::db::write_transaction(conn, |conn| {
                    if q::remove_member(conn, user)? == 0 {
                        return Err(AppError::NotFound);
                    }
                    crate::db::accounts::set_role(conn, user, Role::Supplier)?;
                    Ok(())
                })
            })
            .await
    }
}

/// Escalates every overdue case not escalated yet: the desk supervisor (or every admin) is
/// mailed once per case, and the case's history says so. `now` is a parameter so that tests
/// move time instead of waiting. Returns how many cases were escalated.
pub fn escalate_overdue(
    conn: &mut Conn,
    config: &Config,
    now: NaiveDateTime,
) -> Result<usize, AppError> {
    let due = q::overdue_unescalated(conn, &config.desk_levels.cutoffs(now))?;
    let mut escalated = 0;
    for case in due {
        let Some(reason) = config.desk_levels.overdue(
            case.status,
            case.category,
            case.created_at,
            case.first_response_at,
            now,
        ) else {
            continue;
        };
        crate::db::write_transaction(conn, |conn| {
            if !q::mark_escalated(conn, case.id, now)? {
                return Ok::<_, AppError>(());
            }
            let reason_key = match reason {
                Overdue::FirstResponse => "first_response",
                Overdue::Resolution => "resolution",
            };
            escalation_mail(conn, config, &case, reason_key, case.agency_id, now)?;
            escalated += 1;
            Ok(())
        })?;
    }
    Ok(escalated + super::working_group::escalate_late_decisions(conn, config, now)?)
}

/// Records an escalation in a case's history and mails the desk supervisor (or every admin).
/// `reason` names the missed level: `first_response`, `resolution` or `decision`.
pub(crate) fn escalation_mail(
    conn: &mut Conn,
    config: &Config,
    case: &Case,
    reason: &str,
    agency: Option<i32>,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    q::insert_event(
        conn,
        &NewEvent {
            case_id: case.id,
            actor_id: None,
            actor_name: "",
            side: Side::Desk,
            kind: EventKind::Escalated,
            status: None,
            agency_id: agency,
            body: "",
            now,
        },
    )?;
    let firm = crate::db::catalogue::find_organization(conn, case.organization_id)?
        .map(|o| o.fields.name)
        .unwrap_or_default();
    let agency = agency
        .and_then(|id| {
            q::list_agencies(conn)
                .ok()
                .and_then(|all| all.into_iter().find(|a| a.id == id))
        })
        .map(|a| a.name_fa)
        .unwrap_or_default();
    let recipients = match &config.desk_supervisor {
        Some(address) => vec![(String::new(), address.clone(), "fa".to_string())],
        None => q::admin_addresses(conn)?,
    };
    let context = serde_json::json!({
        "number": case.number,
        "title": case.subject,
        "firm": firm,
        "agency": agency,
        "overdue": reason,
        "link": format!("{}/desk/cases/{}", config.base_url, case.number),
    });
    mail_each(conn, recipients, "desk_case_escalated", &context)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rating_entry_splits_into_its_rating_and_comment() {
        assert_eq!(
            split_rating(EventKind::Rated, "4/5 سریع بود 6206-2Z"),
            (Some(4), "سریع بود 6206-2Z".to_string())
        );
        assert_eq!(
            split_rating(EventKind::Rated, "5/5"),
            (Some(5), String::new())
        );
        assert_eq!(
            split_rating(EventKind::Reply, "4/5 پیام"),
            (None, "4/5 پیام".to_string())
        );
    }
}
