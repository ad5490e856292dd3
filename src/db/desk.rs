//! Queries of the production desk: agencies and their members, cases, the agencies each case
//! was assigned to, and each case's history.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{
    agencies, agency_members, desk_case_agencies, desk_cases, desk_events, organizations, users,
};
use super::Conn;
use crate::domain::desk::{CaseCategory, CaseStatus, Channel, EventKind, Side, Urgency};

#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = agencies)]
pub struct Agency {
    pub id: i32,
    pub slug: String,
    pub name_fa: String,
    pub name_en: String,
    pub created_at: NaiveDateTime,
}

pub fn list_agencies(conn: &mut Conn) -> QueryResult<Vec<Agency>> {
    agencies::table
        .order(agencies::name_fa)
        .select(Agency::as_select())
        .load(conn)
}

pub fn insert_agency(
    conn: &mut Conn,
    slug: &str,
    name_fa: &str,
    name_en: &str,
    now: NaiveDateTime,
) -> QueryResult<i32> {
    diesel::insert_into(agencies::table)
        .values((
            agencies::slug.eq(slug),
            agencies::name_fa.eq(name_fa),
            agencies::name_en.eq(name_en),
            agencies::created_at.eq(now),
        ))
        .returning(agencies::id)
        .get_result(conn)
}

/// The agency a representative works for.
pub fn agency_of(conn: &mut Conn, user: i32) -> QueryResult<Option<i32>> {
    agency_members::table
        .find(user)
        .select(agency_members::agency_id)
        .first(conn)
        .optional()
}

/// Makes a user a representative of one agency (a user represents at most one).
pub fn set_member(conn: &mut Conn, user: i32, agency: i32) -> QueryResult<()> {
    diesel::delete(agency_members::table.find(user)).execute(conn)?;
    diesel::insert_into(agency_members::table)
        .values((
            agency_members::user_id.eq(user),
            agency_members::agency_id.eq(agency),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn remove_member(conn: &mut Conn, user: i32) -> QueryResult<usize> {
    diesel::delete(agency_members::table.find(user)).execute(conn)
}

/// An agency's representatives who can be mailed: (user id, agency id, name, email, language).
pub type Member = (i32, i32, String, String, String);

pub fn members(conn: &mut Conn) -> QueryResult<Vec<Member>> {
    agency_members::table
        .inner_join(users::table.on(users::id.eq(agency_members::user_id)))
        .filter(users::deleted_at.is_null())
        .order((agency_members::agency_id, users::name))
        .select((
            users::id,
            agency_members::agency_id,
            users::name,
            users::email,
            users::lang,
        ))
        .load(conn)
}

/// The members of a firm who can be mailed: (name, email, language).
pub fn firm_contacts(conn: &mut Conn, org: i32) -> QueryResult<Vec<(String, String, String)>> {
    Ok(super::posting::members(conn, org)?
        .into_iter()
        .map(|u| (u.name, u.email, u.lang))
        .collect())
}

#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = desk_cases)]
pub struct Case {
    pub id: i32,
    pub number: String,
    pub organization_id: i32,
    pub filed_by: Option<i32>,
    pub channel: Channel,
    pub category: CaseCategory,
    pub urgency: Urgency,
    pub subject: String,
    pub description: String,
    pub request: String,
    pub named_agencies: String,
    pub status: CaseStatus,
    pub agency_id: Option<i32>,
    pub assignee_id: Option<i32>,
    pub need_id: Option<i32>,
    pub first_response_at: Option<NaiveDateTime>,
    pub resolved_at: Option<NaiveDateTime>,
    pub escalated_at: Option<NaiveDateTime>,
    pub rating: Option<i32>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

pub struct NewCase<'a> {
    pub organization_id: i32,
    pub filed_by: i32,
    pub channel: Channel,
    pub category: CaseCategory,
    pub urgency: Urgency,
    pub subject: &'a str,
    pub description: &'a str,
    pub request: &'a str,
    pub named_agencies: &'a str,
    pub now: NaiveDateTime,
}

/// Inserts a case under a temporary number and returns its id; the caller sets the number,
/// which is made from the id, in the same transaction.
pub fn insert_case(conn: &mut Conn, c: &NewCase<'_>) -> QueryResult<i32> {
    let placeholder = format!("new-{}", uuid_like(c.now));
    diesel::insert_into(desk_cases::table)
        .values((
            desk_cases::number.eq(placeholder),
            desk_cases::organization_id.eq(c.organization_id),
            desk_cases::filed_by.eq(Some(c.filed_by)),
            desk_cases::channel.eq(c.channel),
            desk_cases::category.eq(c.category),
            desk_cases::urgency.eq(c.urgency),
            desk_cases::subject.eq(c.subject),
            desk_cases::description.eq(c.description),
            desk_cases::request.eq(c.request),
            desk_cases::named_agencies.eq(c.named_agencies),
            desk_cases::status.eq(CaseStatus::Received),
            desk_cases::created_at.eq(c.now),
            desk_cases::updated_at.eq(c.now),
        ))
        .returning(desk_cases::id)
        .get_result(conn)
}

/// Unique enough within one transaction for a number that is replaced before it commits.
fn uuid_like(now: NaiveDateTime) -> String {
    format!(
        "{}-{}",
        now.and_utc().timestamp_nanos_opt().unwrap_or_default(),
        std::process::id()
    )
}

pub fn set_number(conn: &mut Conn, id: i32, number: &str) -> QueryResult<usize> {
    diesel::update(desk_cases::table.find(id))
        .set(desk_cases::number.eq(number))
        .execute(conn)
}

pub fn find_by_number(conn: &mut Conn, number: &str) -> QueryResult<Option<Case>> {
    desk_cases::table
        .filter(desk_cases::number.eq(number))
        .select(Case::as_select())
        .first(conn)
        .optional()
}

pub fn find_case(conn: &mut Conn, id: i32) -> QueryResult<Option<Case>> {
    desk_cases::table
        .find(id)
        .select(Case::as_select())
        .first(conn)
        .optional()
}

/// The agencies a case was ever assigned to, first first.
pub fn case_agencies(conn: &mut Conn, case: i32) -> QueryResult<Vec<i32>> {
    desk_case_agencies::table
        .filter(desk_case_agencies::case_id.eq(case))
        .order(desk_case_agencies::assigned_at)
        .select(desk_case_agencies::agency_id)
        .load(conn)
}

/// Gives a case to an agency (now the one answering it) and moves it to `assigned`.
pub fn assign(conn: &mut Conn, case: i32, agency: i32, now: NaiveDateTime) -> QueryResult<()> {
    let insert = diesel::insert_into(desk_case_agencies::table)
        .values((
            desk_case_agencies::case_id.eq(case),
            desk_case_agencies::agency_id.eq(agency),
            desk_case_agencies::assigned_at.eq(now),
        ))
        .on_conflict((desk_case_agencies::case_id, desk_case_agencies::agency_id))
        .do_nothing();
    super::on_backend!(conn, |c| insert.execute(c))?;
    diesel::update(desk_cases::table.find(case))
        .set((
            desk_cases::agency_id.eq(Some(agency)),
            desk_cases::assignee_id.eq(None::<i32>),
            desk_cases::status.eq(CaseStatus::Assigned),
            desk_cases::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Moves a case to a status. The first answer of an agency or the desk and the closing time
/// are recorded once.
pub fn set_status(
    conn: &mut Conn,
    case: &Case,
    status: CaseStatus,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let resolved_at = if status.is_open() {
        None
    } else {
        Some(case.resolved_at.unwrap_or(now))
    };
    diesel::update(desk_cases::table.find(case.id))
        .set((
            desk_cases::status.eq(status),
            desk_cases::resolved_at.eq(resolved_at),
            desk_cases::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Records the first response to a case, if it has none yet.
pub fn responded(conn: &mut Conn, case: i32, now: NaiveDateTime) -> QueryResult<()> {
    diesel::update(
        desk_cases::table
            .find(case)
            .filter(desk_cases::first_response_at.is_null()),
    )
    .set(desk_cases::first_response_at.eq(Some(now)))
    .execute(conn)?;
    Ok(())
}

pub fn take(conn: &mut Conn, case: i32, user: i32, now: NaiveDateTime) -> QueryResult<()> {
    diesel::update(desk_cases::table.find(case))
        .set((
            desk_cases::assignee_id.eq(Some(user)),
            desk_cases::status.eq(CaseStatus::InProgress),
            desk_cases::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn rate(conn: &mut Conn, case: i32, rating: i32, now: NaiveDateTime) -> QueryResult<()> {
    diesel::update(desk_cases::table.find(case))
        .set((
            desk_cases::rating.eq(Some(rating)),
            desk_cases::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = desk_events)]
pub struct Event {
    pub id: i32,
    pub case_id: i32,
    pub actor_id: Option<i32>,
    pub actor_name: String,
    pub side: Side,
    pub kind: EventKind,
    pub status: Option<CaseStatus>,
    pub agency_id: Option<i32>,
    pub body: String,
    pub created_at: NaiveDateTime,
}

pub struct NewEvent<'a> {
    pub case_id: i32,
    pub actor_id: Option<i32>,
    pub actor_name: &'a str,
    pub side: Side,
    pub kind: EventKind,
    pub status: Option<CaseStatus>,
    pub agency_id: Option<i32>,
    pub body: &'a str,
    pub now: NaiveDateTime,
}

pub fn insert_event(conn: &mut Conn, e: &NewEvent<'_>) -> QueryResult<i32> {
    diesel::insert_into(desk_events::table)
        .values((
            desk_events::case_id.eq(e.case_id),
            desk_events::actor_id.eq(e.actor_id),
            desk_events::actor_name.eq(e.actor_name),
            desk_events::side.eq(e.side),
            desk_events::kind.eq(e.kind),
            desk_events::status.eq(e.status),
            desk_events::agency_id.eq(e.agency_id),
            desk_events::body.eq(e.body),
            desk_events::created_at.eq(e.now),
        ))
        .returning(desk_events::id)
        .get_result(conn)
}

pub fn events(conn: &mut Conn, case: i32) -> QueryResult<Vec<Event>> {
    desk_events::table
        .filter(desk_events::case_id.eq(case))
        .order(desk_events::id)
        .select(Event::as_select())
        .load(conn)
}

/// Whose cases a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Every case (desk staff).
    All,
    /// One firm's cases.
    Firm(i32),
    /// The cases ever assigned to one agency.
    Agency(i32),
}

/// The filters of a case list, parsed.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub status: Option<CaseStatus>,
    pub category: Option<CaseCategory>,
    pub agency: Option<i32>,
    /// Open cases only.
    pub open: bool,
    /// A case number (exactly).
    pub number: Option<String>,
    /// Words every shown case has in its subject, text, request or firm's name, as the search
    /// analyzer folds and stems them (see [`matches_words`]).
    pub words: Vec<String>,
    /// Overdue cases only, by these cutoffs.
    pub overdue: Option<crate::domain::desk::Cutoffs>,
}

type Boxed<'a> = desk_cases::BoxedQuery<'a, crate::db::MultiBackend>;

/// Open cases past their service levels: unanswered since before the first-response cutoff,
/// or filed before their category's resolution cutoff.
fn overdue<'a>(q: Boxed<'a>, cutoffs: &crate::domain::desk::Cutoffs) -> Boxed<'a> {
    let mut late: Box<
        dyn BoxableExpression<
            desk_cases::table,
            crate::db::MultiBackend,
            SqlType = diesel::sql_types::Bool,
        >,
    > = Box::new(
        desk_cases::first_response_at
            .is_null()
            .and(desk_cases::created_at.lt(cutoffs.first_response)),
    );
    for (category, before) in &cutoffs.resolution {
        late = Box::new(
            late.or(desk_cases::category
                .eq(*category)
                .and(desk_cases::created_at.lt(*before))),
        );
    }
    q.filter(desk_cases::status.ne_all([CaseStatus::Resolved, CaseStatus::NotActionable]))
        .filter(late)
}

/// Overdue cases not escalated yet.
pub fn overdue_unescalated(
    conn: &mut Conn,
    cutoffs: &crate::domain::desk::Cutoffs,
) -> QueryResult<Vec<Case>> {
    overdue(desk_cases::table.into_boxed(), cutoffs)
        .filter(desk_cases::escalated_at.is_null())
        .order(desk_cases::id)
        .select(Case::as_select())
        .load(conn)
}

/// Marks a case escalated; false when another worker did first.
pub fn mark_escalated(conn: &mut Conn, case: i32, now: NaiveDateTime) -> QueryResult<bool> {
    Ok(diesel::update(
        desk_cases::table
            .find(case)
            .filter(desk_cases::escalated_at.is_null()),
    )
    .set(desk_cases::escalated_at.eq(Some(now)))
    .execute(conn)?
        == 1)
}

/// Addresses of every admin, for escalations when no supervisor is configured.
pub fn admin_addresses(conn: &mut Conn) -> QueryResult<Vec<(String, String, String)>> {
    users::table
        .filter(users::role.eq(crate::domain::account::Role::Admin))
        .filter(users::deleted_at.is_null())
        .order(users::id)
        .select((users::name, users::email, users::lang))
        .load(conn)
}

/// A case in a list, with its firm's name.
pub type ListRow = (Case, String);

fn scoped<'a>(scope: Scope, filter: &Filter) -> Boxed<'a> {
    let mut q = desk_cases::table.into_boxed();
    if let Some(cutoffs) = &filter.overdue {
        q = overdue(q, cutoffs);
    }
    match scope {
        Scope::All => {}
        Scope::Firm(org) => q = q.filter(desk_cases::organization_id.eq(org)),
        Scope::Agency(agency) => {
            q = q.filter(
                desk_cases::id.eq_any(
                    desk_case_agencies::table
                        .filter(desk_case_agencies::agency_id.eq(agency))
                        .select(desk_case_agencies::case_id),
                ),
            )
        }
    }
    if let Some(s) = filter.status {
        q = q.filter(desk_cases::status.eq(s));
    }
    if let Some(c) = filter.category {
        q = q.filter(desk_cases::category.eq(c));
    }
    if let Some(a) = filter.agency {
        q = q.filter(desk_cases::agency_id.eq(a));
    }
    if filter.open {
        q = q.filter(desk_cases::status.ne_all([CaseStatus::Resolved, CaseStatus::NotActionable]));
    }
    if let Some(n) = &filter.number {
        q = q.filter(desk_cases::number.eq(n.clone()));
    }
    q
}

/// Whether a case (with its firm's name) has every one of the words: the Persian analyzer
/// folds letter variants, digits, ZWNJ and plurals on both sides, and a code glued to a word is
/// found by its parts, as in the catalogue's search.
pub fn matches_words(case: &Case, firm: &str, words: &[String]) -> bool {
    use crate::search::analyzer::{analyze, index_variants};
    let text = format!(
        "{} {} {} {} {}",
        case.number, case.subject, case.description, case.request, firm
    );
    let mut have = std::collections::HashSet::new();
    for t in analyze(&text) {
        have.extend(index_variants(&t.text));
        have.insert(t.text);
    }
    words.iter().all(|w| have.contains(w))
}

/// Most cases the word filter reads (a province files thousands a year).
const WORD_SCAN: i64 = 50_000;

/// A page of cases, newest first, and how many there are in all.
pub fn list(
    conn: &mut Conn,
    scope: Scope,
    filter: &Filter,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<ListRow>, i64)> {
    let (cases, total, names) = if filter.words.is_empty() {
        let total = scoped(scope, filter).count().get_result(conn)?;
        let cases: Vec<Case> = scoped(scope, filter)
            .order(desk_cases::id.desc())
            .offset(offset)
            .limit(limit)
            .select(Case::as_select())
            .load(conn)?;
        let names = firm_names(conn, &cases)?;
        (cases, total, names)
    } else {
        // Words are matched by the analyzer, outside SQL: read the candidates the other
        // filters leave, keep those with every word, then take the page.
        let candidates: Vec<Case> = scoped(scope, filter)
            .order(desk_cases::id.desc())
            .limit(WORD_SCAN)
            .select(Case::as_select())
            .load(conn)?;
        let names = firm_names(conn, &candidates)?;
        let found: Vec<Case> = candidates
            .into_iter()
            .filter(|c| {
                let firm = names.get(&c.organization_id).map_or("", String::as_str);
                matches_words(c, firm, &filter.words)
            })
            .collect();
        let total = found.len() as i64;
        let page = found
            .into_iter()
            .skip(offset.max(0) as usize)
            .take(limit.max(0) as usize)
            .collect();
        (page, total, names)
    };
    Ok((with_firms(cases, &names), total))
}

/// The names of the cases' firms, by organization id.
fn firm_names(
    conn: &mut Conn,
    cases: &[Case],
) -> QueryResult<std::collections::HashMap<i32, String>> {
    let orgs: Vec<i32> = cases.iter().map(|c| c.organization_id).collect();
    Ok(organizations::table
        .filter(organizations::id.eq_any(&orgs))
        .select((organizations::id, organizations::name))
        .load::<(i32, String)>(conn)?
        .into_iter()
        .collect())
}

fn with_firms(cases: Vec<Case>, names: &std::collections::HashMap<i32, String>) -> Vec<ListRow> {
    cases
        .into_iter()
        .map(|c| {
            let name = names.get(&c.organization_id).cloned().unwrap_or_default();
            (c, name)
        })
        .collect()
}

/// Firms to choose from when the desk records a phone call: (id, name, city).
pub fn firms(conn: &mut Conn) -> QueryResult<Vec<(i32, String, String)>> {
    organizations::table
        .filter(organizations::kind.eq(crate::domain::organization::OrgKind::IndustrialFirm))
        .order(organizations::name)
        .select((organizations::id, organizations::name, organizations::city))
        .load(conn)
}

/// Links a case to the need made from it.
pub fn set_need(conn: &mut Conn, case: i32, need: i32, now: NaiveDateTime) -> QueryResult<()> {
    diesel::update(desk_cases::table.find(case))
        .set((
            desk_cases::need_id.eq(Some(need)),
            desk_cases::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// The number of the case a need was made from.
pub fn case_of_need(conn: &mut Conn, need: i32) -> QueryResult<Option<String>> {
    desk_cases::table
        .filter(desk_cases::need_id.eq(need))
        .select(desk_cases::number)
        .first(conn)
        .optional()
}

/// Every case, oldest first (for the desk's figures).
pub fn all_cases(conn: &mut Conn) -> QueryResult<Vec<Case>> {
    desk_cases::table
        .order(desk_cases::id)
        .select(Case::as_select())
        .load(conn)
}

#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = super::schema::desk_sessions)]
pub struct Session {
    pub id: i32,
    pub held_on: chrono::NaiveDate,
    pub title: String,
    pub place: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = super::schema::desk_decisions)]
pub struct Decision {
    pub id: i32,
    pub session_id: i32,
    pub case_id: i32,
    pub decision: String,
    pub agency_id: Option<i32>,
    pub deadline: Option<chrono::NaiveDate>,
    pub decided_at: Option<NaiveDateTime>,
    pub escalated_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

pub fn insert_session(
    conn: &mut Conn,
    held_on: chrono::NaiveDate,
    title: &str,
    place: &str,
    now: NaiveDateTime,
) -> QueryResult<i32> {
    use super::schema::desk_sessions as s;
    diesel::insert_into(s::table)
        .values((
            s::held_on.eq(held_on),
            s::title.eq(title),
            s::place.eq(place),
            s::created_at.eq(now),
        ))
        .returning(s::id)
        .get_result(conn)
}

/// Every session, the latest first, with how many cases each has and how many are decided.
pub fn sessions(conn: &mut Conn) -> QueryResult<Vec<(Session, i64, i64)>> {
    use super::schema::{desk_decisions as d, desk_sessions as s};
    let all: Vec<Session> = s::table
        .order((s::held_on.desc(), s::id.desc()))
        .select(Session::as_select())
        .load(conn)?;
    let items: Vec<(i32, Option<NaiveDateTime>)> =
        d::table.select((d::session_id, d::decided_at)).load(conn)?;
    Ok(all
        .into_iter()
        .map(|session| {
            let of: Vec<_> = items.iter().filter(|i| i.0 == session.id).collect();
            let decided = of.iter().filter(|i| i.1.is_some()).count() as i64;
            (session, of.len() as i64, decided)
        })
        .collect())
}

pub fn find_session(conn: &mut Conn, id: i32) -> QueryResult<Option<Session>> {
    use super::schema::desk_sessions as s;
    s::table
        .find(id)
        .select(Session::as_select())
        .first(conn)
        .optional()
}

/// A session's agenda: each item with its case and the case's firm, in the order added.
pub fn agenda(conn: &mut Conn, session: i32) -> QueryResult<Vec<(Decision, Case, String)>> {
    use super::schema::desk_decisions as d;
    d::table
        .inner_join(desk_cases::table.inner_join(organizations::table))
        .filter(d::session_id.eq(session))
        .order(d::id)
        .select((
            Decision::as_select(),
            Case::as_select(),
            organizations::name,
        ))
        .load(conn)
}

/// Puts a case on a session's agenda; false when it is there already.
pub fn add_to_agenda(
    conn: &mut Conn,
    session: i32,
    case: i32,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    use super::schema::desk_decisions as d;
    let insert = diesel::insert_into(d::table)
        .values((
            d::session_id.eq(session),
            d::case_id.eq(case),
            d::created_at.eq(now),
        ))
        .on_conflict((d::session_id, d::case_id))
        .do_nothing();
    Ok(super::on_backend!(conn, |c| insert.execute(c))? == 1)
}

pub fn find_decision(conn: &mut Conn, id: i32) -> QueryResult<Option<Decision>> {
    use super::schema::desk_decisions as d;
    d::table
        .find(id)
        .select(Decision::as_select())
        .first(conn)
        .optional()
}

pub fn decide(
    conn: &mut Conn,
    id: i32,
    text: &str,
    agency: i32,
    deadline: chrono::NaiveDate,
    now: NaiveDateTime,
) -> QueryResult<()> {
    use super::schema::desk_decisions as d;
    diesel::update(d::table.find(id))
        .set((
            d::decision.eq(text),
            d::agency_id.eq(Some(agency)),
            d::deadline.eq(Some(deadline)),
            d::decided_at.eq(Some(now)),
            d::escalated_at.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
    Ok(())
}

/// Referred cases not yet on any session's agenda without a decision.
pub fn referred_waiting(conn: &mut Conn) -> QueryResult<Vec<ListRow>> {
    use super::schema::desk_decisions as d;
    let pending = d::table.filter(d::decided_at.is_null()).select(d::case_id);
    let cases: Vec<Case> = desk_cases::table
        .filter(desk_cases::status.eq(CaseStatus::Referred))
        .filter(desk_cases::id.ne_all(pending))
        .order(desk_cases::id)
        .select(Case::as_select())
        .load(conn)?;
    let names = firm_names(conn, &cases)?;
    Ok(with_firms(cases, &names))
}

/// Decisions past their deadline whose case is still open and that were not escalated yet.
pub fn decisions_overdue(
    conn: &mut Conn,
    today: chrono::NaiveDate,
) -> QueryResult<Vec<(Decision, Case)>> {
    use super::schema::desk_decisions as d;
    d::table
        .inner_join(desk_cases::table)
        .filter(d::decided_at.is_not_null())
        .filter(d::escalated_at.is_null())
        .filter(d::deadline.lt(today))
        .filter(desk_cases::status.ne_all([CaseStatus::Resolved, CaseStatus::NotActionable]))
        .order(d::id)
        .select((Decision::as_select(), Case::as_select()))
        .load(conn)
}

pub fn mark_decision_escalated(conn: &mut Conn, id: i32, now: NaiveDateTime) -> QueryResult<bool> {
    use super::schema::desk_decisions as d;
    Ok(
        diesel::update(d::table.find(id).filter(d::escalated_at.is_null()))
            .set(d::escalated_at.eq(Some(now)))
            .execute(conn)?
            == 1,
    )
}

/// The decisions taken on a case, for its page.
pub fn decisions_of(conn: &mut Conn, case: i32) -> QueryResult<Vec<(Decision, Session)>> {
    use super::schema::{desk_decisions as d, desk_sessions as s};
    d::table
        .inner_join(s::table)
        .filter(d::case_id.eq(case))
        .filter(d::decided_at.is_not_null())
        .order(d::id)
        .select((Decision::as_select(), Session::as_select()))
        .load(conn)
}

#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = super::schema::desk_files)]
pub struct CaseFile {
    pub id: i32,
    pub case_id: i32,
    pub uploaded_by: Option<i32>,
    pub side: Side,
    pub original_name: String,
    #[serde(skip)]
    pub stored_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub created_at: NaiveDateTime,
}

pub struct NewCaseFile<'a> {
    pub case_id: i32,
    pub uploaded_by: i32,
    pub side: Side,
    pub original_name: &'a str,
    pub stored_name: &'a str,
    pub content_type: &'a str,
    pub size_bytes: i64,
    pub now: NaiveDateTime,
}

pub fn insert_file(conn: &mut Conn, f: &NewCaseFile<'_>) -> QueryResult<i32> {
    use super::schema::desk_files as t;
    diesel::insert_into(t::table)
        .values((
            t::case_id.eq(f.case_id),
            t::uploaded_by.eq(Some(f.uploaded_by)),
            t::side.eq(f.side),
            t::original_name.eq(f.original_name),
            t::stored_name.eq(f.stored_name),
            t::content_type.eq(f.content_type),
            t::size_bytes.eq(f.size_bytes),
            t::created_at.eq(f.now),
        ))
        .returning(t::id)
        .get_result(conn)
}

pub fn files_of(conn: &mut Conn, case: i32) -> QueryResult<Vec<CaseFile>> {
    use super::schema::desk_files as t;
    t::table
        .filter(t::case_id.eq(case))
        .order(t::id)
        .select(CaseFile::as_select())
        .load(conn)
}

pub fn count_files(conn: &mut Conn, case: i32) -> QueryResult<i64> {
    use super::schema::desk_files as t;
    t::table
        .filter(t::case_id.eq(case))
        .count()
        .get_result(conn)
}

/// A file with the number of its case (for the access check before serving it).
pub fn find_file(conn: &mut Conn, id: i32) -> QueryResult<Option<(CaseFile, String)>> {
    use super::schema::desk_files as t;
    t::table
        .inner_join(desk_cases::table)
        .filter(t::id.eq(id))
        .select((CaseFile::as_select(), desk_cases::number))
        .first(conn)
        .optional()
}

/// Cases `user` filed since `since` (the pace of filing online).
pub fn filed_since(conn: &mut Conn, user: i32, since: NaiveDateTime) -> QueryResult<i64> {
    desk_cases::table
        .filter(desk_cases::filed_by.eq(user))
        .filter(desk_cases::created_at.ge(since))
        .count()
        .get_result(conn)
}

/// Messages `user` wrote on cases since `since`.
pub fn written_since(conn: &mut Conn, user: i32, since: NaiveDateTime) -> QueryResult<i64> {
    desk_events::table
        .filter(desk_events::actor_id.eq(user))
        .filter(desk_events::kind.eq(EventKind::Reply))
        .filter(desk_events::created_at.ge(since))
        .count()
        .get_result(conn)
}
