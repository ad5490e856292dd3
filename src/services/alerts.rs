//! Alerts that bring makers back without becoming spam.
//!
//! - Saved searches: the search page's query and filters, mailed instantly, daily or weekly.
//! - Profile matches: a newly published need is matched against the makers' profiles through
//!   the makers' index; those who opted in hear of it.
//! - Every announcement is a row of `alerts`, unique per (user, need): a need is announced to
//!   a user once, whichever way it matched. Instant mails are capped per user and local day;
//!   the rest wait for the daily digest.
//! - Digests go out at a local time, once per (user, kind, period): the claim is a row whose key
//!   forbids a second, written in the transaction that queues the mail.
//! - Every alert and digest carries a signed one-click unsubscribe link (RFC 8058).
//!
//! The matcher follows the search change log behind the index (it percolates saved searches
//! through the index itself, so an alert finds exactly what the search page would).

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::auth::{LinkError, Signer};
use crate::config::Config;
use crate::db::alerts::{self as q, NewAlert, PendingAlert};
use crate::db::models::{Category, User};
use crate::db::outbox::{self, NewMail};
use crate::db::{Conn, Db};
use crate::domain::account::Role;
use crate::domain::alerts::{Frequency, InterestMail, Reason, Unsubscribe};
use crate::domain::need::NeedStatus;
use crate::domain::text::char_len;
use crate::domain::FieldError;
use crate::error::AppError;
use crate::search::matcher::Matcher;
use crate::search::SearchIndex;
use crate::services::search::{request_for, SearchParams};
use crate::state::{AppState, Outbox};

/// Most saved searches per account.
pub const MAX_SAVED_SEARCHES: i64 = 20;
/// Longest name of a saved search, in characters.
pub const MAX_NAME_CHARS: usize = 80;
/// How long an unsubscribe link works.
pub const LINK_DAYS: i64 = 90;
/// Most makers told of one need by profile.
pub const MAX_PROFILE_MATCHES: usize = 100;
/// Changes of the search log taken per run.
const CHANGES_PER_RUN: i64 = 2_000;

/// The handles this service uses.
pub struct Alerts<'a> {
    pub db: &'a Db,
    pub config: &'a Config,
    pub categories: &'a [Category],
    pub links: &'a Signer,
    pub outbox: &'a Outbox,
}

impl<'a> Alerts<'a> {
    pub fn of(state: &'a AppState) -> Self {
        Self {
            db: &state.db,
            config: &state.config,
            categories: &state.categories,
            links: &state.links,
            outbox: &state.outbox,
        }
    }
}

/// "Alert me" on the search page.
#[derive(Debug, Deserialize)]
pub struct SaveForm {
    /// The search's query string, as in the page's URL.
    #[serde(default)]
    pub query: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub frequency: String,
}

/// Changes to one saved search.
#[derive(Debug, Deserialize)]
pub struct EditForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub frequency: String,
    pub paused: Option<String>,
}

/// Who hears of what.
#[derive(Debug, Deserialize)]
pub struct PreferencesForm {
    pub matches: Option<String>,
    #[serde(default)]
    pub interest_mail: String,
}

/// A saved search as its owner sees it.
#[derive(Debug, Serialize)]
pub struct SavedSearchView {
    pub id: i32,
    pub name: String,
    pub query: String,
    pub frequency: Frequency,
    pub paused: bool,
    /// Where it leads: the search page and its feed.
    pub url: String,
    pub feed: String,
}

/// The alerts page of an account.
#[derive(Debug, Serialize)]
pub struct AlertsPage {
    pub searches: Vec<SavedSearchView>,
    pub matches: bool,
    pub interest_mail: InterestMail,
    pub is_supplier: bool,
    pub in_firm: bool,
    pub max: i64,
}

/// What an unsubscribe link turns off, for its page.
#[derive(Debug, Serialize)]
pub struct UnsubscribeView {
    /// `matches`, `search`, `alerts` or `interests`.
    pub kind: &'static str,
    /// The saved search's name, for `search`.
    pub name: String,
    /// Whether it is off now (after the POST) or on again (after undo).
    pub off: bool,
}

fn view(s: q::SavedSearch) -> SavedSearchView {
    SavedSearchView {
        url: format!("/search?{}", s.query),
        feed: format!("/search.atom?{}", s.query),
        id: s.id,
        name: s.name,
        query: s.query,
        frequency: s.frequency,
        paused: s.paused,
    }
}

/// A search's query string in one canonical form (its filters and words, no page or sort).
fn canonical(params: &SearchParams) -> String {
    let mut p = params.clone();
    p.sort = Default::default();
    p.url_with("page", None)
        .trim_start_matches("/search?")
        .trim_end_matches('&')
        .to_string()
}

fn parse_query(query: &str, categories: &[Category]) -> Result<SearchParams, AppError> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query.trim_start_matches('?'))
        .map_err(|_| AppError::invalid("query", "error.alert_query_invalid"))?;
    SearchParams::parse(&pairs, categories)
}

fn checked_name(name: &str, fallback: &str) -> Result<String, FieldError> {
    let name = crate::domain::text::clean(name);
    let name = if name.is_empty() {
        crate::domain::text::clean(fallback)
    } else {
        name
    };
    if char_len(&name) > MAX_NAME_CHARS {
        return Err(FieldError::new("name", "error.alert_name_too_long"));
    }
    Ok(name)
}

fn checked_frequency(s: &str) -> Result<Frequency, FieldError> {
    Frequency::parse(s).ok_or_else(|| FieldError::new("frequency", "error.alert_frequency_invalid"))
}

impl Alerts<'_> {
    fn may_have_alerts(user: &User) -> Result<(), AppError> {
        if !user.is_verified() {
            return Err(AppError::Conflict("error.email_unverified"));
        }
        Ok(())
    }

    /// Saves a search for alerts. Returns its id.
    pub async fn save(&self, user: &User, form: SaveForm) -> Result<i32, AppError> {
        Self::may_have_alerts(user)?;
        let params = parse_query(&form.query, self.categories)?;
        let query = canonical(&params);
        let fallback = if params.q.is_empty() {
            crate::i18n::t(
                crate::i18n::Lang::parse(&user.lang).unwrap_or_default(),
                "alerts.all_needs",
            )
        } else {
            params.q.clone()
        };
        let mut errors = Vec::new();
        let name = checked_name(&form.name, &fallback)
            .map_err(|e| errors.push(e))
            .ok();
        let frequency = checked_frequency(&form.frequency)
            .map_err(|e| errors.push(e))
            .ok();
        let (Some(name), Some(frequency)) = (name, frequency) else {
            return Err(AppError::Invalid(errors));
        };
        let user_id = user.id;
        self.db
            .run(move |conn| {
                crate::db::write_transaction(conn, |conn| {
                    if q::count_saved_searches(conn, user_id)? >= MAX_SAVED_SEARCHES {
                        return Err(AppError::invalid("name", "error.alerts_too_many"));
                    }
                    let now = Utc::now().naive_utc();
                    Ok(q::insert_saved_search(
                        conn, user_id, &name, &query, frequency, now,
                    )?)
                })
            })
            .await
    }

    /// The alerts page: saved searches and choices.
    pub async fn page(&self, user: &User) -> Result<AlertsPage, AppError> {
        let user_id = user.id;
        let searches = self
            .db
            .run(move |conn| Ok(q::saved_searches_of(conn, user_id)?))
            .await?;
        Ok(AlertsPage {
            searches: searches.into_iter().map(view).collect(),
            matches: user.notify_alerts,
            interest_mail: user.interest_mail,
            is_supplier: user.role == Role::Supplier,
            in_firm: user.organization_id.is_some(),
            max: MAX_SAVED_SEARCHES,
        })
    }

    /// Renames, reschedules, pauses or resumes one of the user's saved searches.
    pub async fn update(&self, user: &User, id: i32, form: EditForm) -> Result<(), AppError> {
        let user_id = user.id;
        let paused = form.paused.is_some();
        let mut errors = Vec::new();
        let frequency = checked_frequency(&form.frequency)
            .map_err(|e| errors.push(e))
            .ok();
        let name_input = form.name;
        self.db
            .run(move |conn| {
                let saved = q::saved_search(conn, user_id, id)?.ok_or(AppError::NotFound)?;
                let name = checked_name(&name_input, &saved.name)
                    .map_err(|e| errors.push(e))
                    .ok();
                let (Some(name), Some(frequency)) = (name, frequency) else {
                    return Err(AppError::Invalid(errors));
                };
                let now = Utc::now().naive_utc();
                q::update_saved_search(conn, id, &name, frequency, paused, now)?;
                if paused {
                    q::drop_pending(conn, user_id, None, Some(id))?;
                }
                Ok(())
            })
            .await
    }

    /// Deletes one of the user's saved searches.
    pub async fn delete(&self, user: &User, id: i32) -> Result<(), AppError> {
        let user_id = user.id;
        self.db
            .run(move |conn| {
                crate::db::write_transaction(conn, |conn| {
                    q::drop_pending(conn, user_id, None, Some(id))?;
                    match q::delete_saved_search(conn, user_id, id)? {
                        0 => Err(AppError::NotFound),
                        _ => Ok(()),
                    }
                })
            })
            .await
    }

    /// Sets whether profile matches are mailed and how new interests are.
    pub async fn set_preferences(
        &self,
        user: &User,
        form: PreferencesForm,
    ) -> Result<(), AppError> {
        let interest_mail = InterestMail::parse(&form.interest_mail)
            .ok_or_else(|| AppError::invalid("interest_mail", "error.alert_frequency_invalid"))?;
        let matches = form.matches.is_some();
        let user_id = user.id;
        let since = (interest_mail == InterestMail::Daily
            && user.interest_mail != InterestMail::Daily)
            .then(|| Utc::now().naive_utc());
        self.db
            .run(move |conn| {
                crate::db::write_transaction(conn, |conn| {
                    q::set_preferences(conn, user_id, matches, interest_mail, since)?;
                    if !matches {
                        q::drop_pending(conn, user_id, Some(Reason::Profile), None)?;
                    }
                    Ok(())
                })
            })
            .await
    }

    fn read_link(&self, token: &str) -> Result<(i32, Unsubscribe), AppError> {
        let (user, what) = self.links.verify(token, Utc::now()).map_err(|e| match e {
            LinkError::Invalid => AppError::Conflict("error.link_invalid"),
            LinkError::Expired => AppError::Conflict("error.link_expired"),
        })?;
        let kind = Unsubscribe::decode(&what).ok_or(AppError::Conflict("error.link_invalid"))?;
        Ok((user, kind))
    }

    /// What an unsubscribe link would turn off (changes nothing).
    pub async fn unsubscribe_preview(&self, token: &str) -> Result<UnsubscribeView, AppError> {
        let (user, kind) = self.read_link(token)?;
        self.db
            .run(move |conn| unsubscribe_view(conn, user, kind, false))
            .await
    }

    /// Turns off (or, with `undo`, back on) what an unsubscribe link names.
    pub async fn unsubscribe(&self, token: &str, undo: bool) -> Result<UnsubscribeView, AppError> {
        let (user, kind) = self.read_link(token)?;
        self.db
            .run(move |conn| {
                crate::db::write_transaction(conn, |conn| {
                    let on = undo;
                    match kind {
                        Unsubscribe::Matches => {
                            set_matches(conn, user, on)?;
                        }
                        Unsubscribe::Search(id) => {
                            q::set_paused(conn, user, Some(id), !on)?;
                            if !on {
                                q::drop_pending(conn, user, None, Some(id))?;
                            }
                        }
                        Unsubscribe::Alerts => {
                            set_matches(conn, user, on)?;
                            q::set_paused(conn, user, None, !on)?;
                            if !on {
                                q::drop_pending(conn, user, None, None)?;
                            }
                        }
                        Unsubscribe::News => {
                            q::set_news(conn, user, on)?;
                        }
                        Unsubscribe::Interests => {
                            let found = crate::db::accounts::find_user(conn, user)?
                                .ok_or(AppError::Conflict("error.link_invalid"))?;
                            let (mail, since) = if on {
                                (InterestMail::Each, None)
                            } else {
                                (InterestMail::Off, None)
                            };
                            q::set_preferences(conn, user, found.notify_alerts, mail, since)?;
                        }
                    }
                    unsubscribe_view(conn, user, kind, !undo)
                })
            })
            .await
    }
}

fn set_matches(conn: &mut Conn, user: i32, on: bool) -> Result<(), AppError> {
    let found = crate::db::accounts::find_user(conn, user)?
        .ok_or(AppError::Conflict("error.link_invalid"))?;
    q::set_preferences(conn, user, on, found.interest_mail, None)?;
    if !on {
        q::drop_pending(conn, user, Some(Reason::Profile), None)?;
    }
    Ok(())
}

fn unsubscribe_view(
    conn: &mut Conn,
    user: i32,
    kind: Unsubscribe,
    off: bool,
) -> Result<UnsubscribeView, AppError> {
    if crate::db::accounts::find_user(conn, user)?.is_none_or(|u| u.deleted_at.is_some()) {
        return Err(AppError::Conflict("error.link_invalid"));
    }
    let (kind, name) = match kind {
        Unsubscribe::Matches => ("matches", String::new()),
        Unsubscribe::Alerts => ("alerts", String::new()),
        Unsubscribe::Interests => ("interests", String::new()),
        Unsubscribe::News => ("news", String::new()),
        Unsubscribe::Search(id) => (
            "search",
            q::saved_search(conn, user, id)?
                .ok_or(AppError::Conflict("error.link_invalid"))?
                .name,
        ),
    };
    Ok(UnsubscribeView { kind, name, off })
}

/// The one-click unsubscribe link of a mail to `user`.
pub fn unsubscribe_url(
    links: &Signer,
    base_url: &str,
    user: i32,
    kind: Unsubscribe,
    now: DateTime<Utc>,
) -> String {
    let token = links.sign(user, &kind.encode(), now + Duration::days(LINK_DAYS));
    format!("{base_url}/unsubscribe?token={token}")
}

// ---------------------------------------------------------------------------------------------
// The worker's side: matching, instant mails, digests.

/// What one need looks like in an alert mail.
fn need_item(
    row: &crate::db::catalogue::NeedRow,
    base_url: &str,
    reason: Reason,
    search: Option<&str>,
) -> serde_json::Value {
    let (need, org, _) = row;
    json!({
        "id": need.id,
        "title": need.title,
    "title_en": need.title_en,
        "title_en": need.title_en,
        "part_number": need.part_number,
        "city": org.city,
        "link": format!("{base_url}/needs/{}", need.id),
        "matched_by": reason.as_str(),
        "search": search.unwrap_or_default(),
    })
}

/// Starts the matcher at the end of the change log if it never ran: what is already published
/// was never news. Called once while the server starts, before it serves anything, so this
/// write never meets a request's transaction.
pub fn start_matcher(conn: &mut Conn) -> Result<(), AppError> {
    if q::cursor(conn)?.is_none() {
        let last = crate::db::search::last_change_id(conn)?;
        q::set_cursor(conn, last)?;
    }
    Ok(())
}

/// Matches the needs published since the last run against saved searches and maker profiles,
/// and records the announcements. Only changes the index has applied are taken, so a saved
/// search sees exactly what the search page would. Returns how many announcements were new.
pub fn match_published(
    conn: &mut Conn,
    index: &SearchIndex,
    matcher: &Matcher,
    categories: &[Category],
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    let Some(cursor) = q::cursor(conn)? else {
        // First run: what is already published was never news; start from here.
        let last = crate::db::search::last_change_id(conn)?;
        q::set_cursor(conn, last)?;
        return Ok(0);
    };
    let generation = index.generation();
    let applied = generation
        .applied()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("search index position: {e}")))?;
    if applied <= cursor {
        return Ok(0);
    }
    // The position was read before the reload, so the searcher holds at least those changes.
    generation
        .reader
        .reload()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("search index reload: {e}")))?;
    let searcher = generation.reader.searcher();
    let changes: Vec<(i32, i32)> = crate::db::search::changes_after(conn, cursor, CHANGES_PER_RUN)?
        .into_iter()
        .filter(|(id, _)| *id <= applied)
        .collect();
    let Some(&(last, _)) = changes.last() else {
        return Ok(0);
    };
    let mut ids: Vec<i32> = changes.iter().map(|(_, need)| *need).collect();
    ids.sort_unstable();
    ids.dedup();
    // Only news is announced: a need first published, or published again after review. A
    // change that keeps a need public (an edit, an import of the same sheet, an introduction)
    // is never announced again.
    let news = crate::db::catalogue::news_among(conn, &ids)?;
    let published: Vec<(i32, NeedStatus, i32)> = q::statuses(conn, &news)?
        .into_iter()
        .filter(|(_, status, _)| *status == NeedStatus::Published)
        .collect();
    let owner: HashMap<i32, i32> = published.iter().map(|(id, _, org)| (*id, *org)).collect();
    let published_ids: Vec<i32> = published.iter().map(|(id, _, _)| *id).collect();
    let targets = crate::search::query::locate(&searcher, &generation, &published_ids);

    // (user, need) -> (delivery, reason, search)
    let mut found: HashMap<(i32, i32), (Frequency, Reason, Option<i32>)> = HashMap::new();
    let mut offer =
        |user: i32, need: i32, delivery: Frequency, reason: Reason, search: Option<i32>| {
            let slot = found
                .entry((user, need))
                .or_insert((delivery, reason, search));
            if delivery_rank(delivery) < delivery_rank(slot.0) {
                *slot = (delivery, reason, search);
            }
        };
    if !published_ids.is_empty() {
        // Many makers save the same search: each distinct query is run once.
        let searches = q::active_saved_searches(conn)?;
        for group in searches.chunk_by(|a, b| a.query == b.query) {
            let Ok(params) = parse_query(&group[0].query, categories) else {
                continue; // a category since removed: the search finds nothing
            };
            let Ok(mut request) = request_for(&params, categories) else {
                continue;
            };
            request.synonyms = Some(index.synonyms());
            let hits = crate::search::query::percolate(&searcher, &generation, &request, &targets)
                .map_err(|e| {
                    AppError::Internal(anyhow::anyhow!("percolating a saved search: {e}"))
                })?;
            for need in hits {
                for saved in group {
                    if saved.organization_id.is_some()
                        && owner.get(&need) == saved.organization_id.as_ref()
                    {
                        continue; // a firm is not alerted to its own needs
                    }
                    offer(
                        saved.user_id,
                        need,
                        saved.frequency,
                        Reason::Search,
                        Some(saved.id),
                    );
                }
            }
        }
        // The makers told are the makers the need's page lists: one matcher, one floor.
        crate::services::matching::refresh(conn, matcher)?;
        for row in crate::db::catalogue::load_need_rows(conn, &published_ids)? {
            let input = crate::services::matching::need_input(&row);
            let makers: Vec<i32> = matcher
                .makers_for(&input, MAX_PROFILE_MATCHES)
                .map_err(|e| AppError::Internal(e.context("profile matching")))?
                .into_iter()
                .map(|r| r.id)
                .collect();
            for user in q::profile_subscribers(conn, &makers)? {
                offer(user, input.id, Frequency::Instant, Reason::Profile, None);
            }
        }
    }
    let created_at = now.naive_utc();
    let mut rows: Vec<NewAlert> = found
        .into_iter()
        .map(
            |((user_id, need_id), (delivery, reason, saved_search_id))| NewAlert {
                user_id,
                need_id,
                saved_search_id,
                reason,
                delivery,
                created_at,
            },
        )
        .collect();
    rows.sort_by_key(|r| (r.need_id, r.user_id));
    let new = crate::db::write_transaction(conn, |conn| -> Result<usize, AppError> {
        let n = q::insert_alerts(conn, &rows)?;
        // News that is no longer published (withdrawn before it was matched) is not news later.
        crate::db::catalogue::clear_news(conn, &news)?;
        q::set_cursor(conn, last)?;
        Ok(n)
    })?;
    Ok(new)
}

fn delivery_rank(f: Frequency) -> u8 {
    match f {
        Frequency::Instant => 0,
        Frequency::Daily => 1,
        Frequency::Weekly => 2,
    }
}

fn unsubscribe_kind(alert: &PendingAlert) -> Unsubscribe {
    match (alert.reason, alert.saved_search_id) {
        (Reason::Search, Some(id)) => Unsubscribe::Search(id),
        _ => Unsubscribe::Matches,
    }
}

/// Mails the instant announcements, at most `alerts_per_day` per user and local day; the
/// rest move to the daily digest. Returns how many mails were queued.
pub fn send_instant(
    conn: &mut Conn,
    links: &Signer,
    config: &Config,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    let pending = q::pending(conn, Frequency::Instant, 1_000)?;
    let mut by_user: HashMap<i32, Vec<PendingAlert>> = HashMap::new();
    for alert in pending {
        by_user.entry(alert.user_id).or_default().push(alert);
    }
    let day_start = config.digests.local_day_start(now);
    let mut queued = 0;
    let mut users: Vec<i32> = by_user.keys().copied().collect();
    users.sort_unstable();
    for user_id in users {
        let alerts = by_user.remove(&user_id).unwrap_or_default();
        // Immediate: it reads, then writes; taking the write lock first means a concurrent
        // writer makes it wait instead of failing.
        queued += crate::db::write_transaction(conn, |conn| -> Result<usize, AppError> {
            let Some(user) = crate::db::accounts::find_user(conn, user_id)? else {
                return Ok(0);
            };
            let need_ids: Vec<i32> = alerts.iter().map(|a| a.need_id).collect();
            let rows: HashMap<i32, crate::db::catalogue::NeedRow> =
                crate::db::catalogue::load_need_rows(conn, &need_ids)?
                    .into_iter()
                    .map(|r| (r.0.id, r))
                    .collect();
            let searches: HashMap<i32, String> = q::saved_searches_of(conn, user_id)?
                .into_iter()
                .map(|s| (s.id, s.name))
                .collect();
            let mut sent_today = q::instant_mailed_since(conn, user_id, day_start)?;
            let mut queued = 0;
            let mut done = Vec::new();
            for alert in &alerts {
                let Some(row) = rows.get(&alert.need_id).filter(|r| r.0.status.is_open()) else {
                    done.push(alert.id); // no longer open: nothing to announce
                    continue;
                };
                if user.deleted_at.is_some() || user.suspended_at.is_some() {
                    done.push(alert.id);
                    continue;
                }
                if sent_today >= i64::from(config.alerts_per_day) {
                    q::defer_to_daily(conn, alert.id)?;
                    continue;
                }
                let search = alert.saved_search_id.and_then(|id| searches.get(&id));
                let url = unsubscribe_url(
                    links,
                    &config.base_url,
                    user_id,
                    unsubscribe_kind(alert),
                    now,
                );
                outbox::enqueue(
                    conn,
                    NewMail {
                        to_email: &user.email,
                        to_name: &user.name,
                        template: "alert",
                        lang: &user.lang,
                        context: json!({
                            "need": need_item(row, &config.base_url, alert.reason, search.map(String::as_str)),
                            "manage": format!("{}/account/alerts", config.base_url),
                            "unsubscribe_url": url,
                        }),
                    },
                )?;
                done.push(alert.id);
                sent_today += 1;
                queued += 1;
            }
            q::mark_mailed(conn, &done, now.naive_utc())?;
            Ok(queued)
        })?;
    }
    Ok(queued)
}

/// Sends the digests due at `now`: announcements waiting for the daily or weekly mail, and the
/// daily digest of new interests for firms that chose it. Each (user, kind, period) is sent at
/// most once, whatever runs it, and a digest with nothing in it is not sent. Returns how many
/// digests were queued.
pub fn send_digests(
    conn: &mut Conn,
    links: &Signer,
    config: &Config,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    let mut queued = 0;
    let daily = config.digests.daily_period(now).to_string();
    let weekly = config.digests.weekly_period(now).to_string();
    // Each digest holds what arrived before it fell due (at NIAZ_DIGEST_TIME, and on the
    // weekly day): what arrives later waits for the next one, however soon the worker runs.
    let daily_due = config.digests.daily_due(now);
    let weekly_due = config.digests.weekly_due(now);
    for (delivery, kind, period, due) in [
        (Frequency::Daily, "alerts-daily", &daily, daily_due),
        (Frequency::Weekly, "alerts-weekly", &weekly, weekly_due),
    ] {
        for user_id in q::users_pending(conn, delivery, due)? {
            let sent = crate::db::write_transaction(conn, |conn| -> Result<bool, AppError> {
                // Claim first: the claim is the write that serializes two workers.
                if !q::claim_period(conn, user_id, kind, period, now.naive_utc())? {
                    return Ok(false);
                }
                let alerts = q::pending_of(conn, user_id, delivery, due)?;
                let Some(user) = crate::db::accounts::find_user(conn, user_id)? else {
                    return Err(AppError::Conflict("nothing"));
                };
                let need_ids: Vec<i32> = alerts.iter().map(|a| a.need_id).collect();
                let rows: HashMap<i32, crate::db::catalogue::NeedRow> =
                    crate::db::catalogue::load_need_rows(conn, &need_ids)?
                        .into_iter()
                        .map(|r| (r.0.id, r))
                        .collect();
                let searches: HashMap<i32, String> = q::saved_searches_of(conn, user_id)?
                    .into_iter()
                    .map(|s| (s.id, s.name))
                    .collect();
                let items: Vec<serde_json::Value> = alerts
                    .iter()
                    .filter_map(|a| {
                        let row = rows.get(&a.need_id).filter(|r| r.0.status.is_open())?;
                        let search = a.saved_search_id.and_then(|id| searches.get(&id));
                        Some(need_item(
                            row,
                            &config.base_url,
                            a.reason,
                            search.map(String::as_str),
                        ))
                    })
                    .collect();
                let ids: Vec<i32> = alerts.iter().map(|a| a.id).collect();
                q::mark_mailed(conn, &ids, now.naive_utc())?;
                if items.is_empty() || user.deleted_at.is_some() || user.suspended_at.is_some() {
                    return Ok(false); // the claim stays: nothing to send for this period
                }
                outbox::enqueue(
                    conn,
                    NewMail {
                        to_email: &user.email,
                        to_name: &user.name,
                        template: "alert_digest",
                        lang: &user.lang,
                        context: json!({
                            "weekly": delivery == Frequency::Weekly,
                            "needs": items,
                            "manage": format!("{}/account/alerts", config.base_url),
                            "unsubscribe_url": unsubscribe_url(links, &config.base_url, user_id, Unsubscribe::Alerts, now),
                        }),
                    },
                )?;
                Ok(true)
            });
            match sent {
                Ok(true) => queued += 1,
                Ok(false) | Err(AppError::Conflict("nothing")) => {}
                Err(e) => return Err(e),
            }
        }
    }
    // The buyers' daily digest of offers likewise holds the offers made before it fell due.
    let until = daily_due;
    for (user_id, org, since) in q::interest_digest_users(conn)? {
        if q::new_interests(conn, org, since, until)?.is_empty() {
            continue;
        }
        let sent = crate::db::write_transaction(conn, |conn| -> Result<bool, AppError> {
            if !q::claim_period(conn, user_id, "interests-daily", &daily, until)? {
                return Ok(false);
            }
            let Some(user) = crate::db::accounts::find_user(conn, user_id)? else {
                return Ok(false);
            };
            let items: Vec<serde_json::Value> = q::new_interests(conn, org, since, until)?
                .into_iter()
                .map(|(need, title, title_en, _)| {
                    json!({
                        "title": title,
                        "title_en": title_en,
                        "link": format!("{}/my/needs/{need}/interests", config.base_url),
                    })
                })
                .collect();
            q::set_digested_until(conn, user_id, until)?;
            outbox::enqueue(
                conn,
                NewMail {
                    to_email: &user.email,
                    to_name: &user.name,
                    template: "interest_digest",
                    lang: &user.lang,
                    context: json!({
                        "interests": items,
                        "count": items.len(),
                        "manage": format!("{}/account/alerts", config.base_url),
                        "unsubscribe_url": unsubscribe_url(links, &config.base_url, user_id, Unsubscribe::Interests, now),
                    }),
                },
            )?;
            Ok(true)
        })?;
        if sent {
            queued += 1;
        }
    }
    Ok(queued)
}
