//! Queries of makers' offers ("I can make this") and of the introductions they lead to.

use chrono::{NaiveDateTime, Utc};
use diesel::prelude::*;

use super::schema::{interests, introductions, needs, users};
use super::Conn;
use crate::domain::money::Currency;
use crate::domain::supplier::{InterestStatus, Outcome};

/// An offer as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = interests)]
pub struct Interest {
    pub id: i32,
    pub need_id: i32,
    pub supplier_id: i32,
    #[diesel(embed)]
    pub offer: Offer,
    pub status: InterestStatus,
    pub decline_reason: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub decided_at: Option<NaiveDateTime>,
}

/// What a maker offers: written by its form, shown to the firm.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = interests, treat_none_as_null = true)]
pub struct Offer {
    pub message: String,
    /// The processes it would use, as stored names separated by commas.
    pub processes: String,
    pub lead_time_days: Option<i32>,
    pub sample: bool,
    pub unit_price: Option<i64>,
    pub currency: Currency,
}

/// The maker's open or accepted offer on a need, if any.
pub fn current(conn: &mut Conn, need: i32, supplier: i32) -> QueryResult<Option<Interest>> {
    interests::table
        .filter(interests::need_id.eq(need))
        .filter(interests::supplier_id.eq(supplier))
        .filter(interests::status.eq_any([InterestStatus::Open, InterestStatus::Accepted]))
        .select(Interest::as_select())
        .first(conn)
        .optional()
}

pub fn find(conn: &mut Conn, id: i32) -> QueryResult<Option<Interest>> {
    interests::table
        .find(id)
        .select(Interest::as_select())
        .first(conn)
        .optional()
}

pub fn insert(conn: &mut Conn, need: i32, supplier: i32, offer: &Offer) -> QueryResult<i32> {
    let now = Utc::now().naive_utc();
    diesel::insert_into(interests::table)
        .values((
            interests::need_id.eq(need),
            interests::supplier_id.eq(supplier),
            offer,
            interests::status.eq(InterestStatus::Open),
            interests::created_at.eq(now),
            interests::updated_at.eq(now),
        ))
        .returning(interests::id)
        .get_result(conn)
}

pub fn update_offer(conn: &mut Conn, id: i32, offer: &Offer) -> QueryResult<()> {
    diesel::update(interests::table.find(id))
        .set((offer, interests::updated_at.eq(Utc::now().naive_utc())))
        .execute(conn)
        .map(|_| ())
}

/// Moves an offer from `from` to `to`; false when it was no longer in `from`.
pub fn decide(
    conn: &mut Conn,
    id: i32,
    from: InterestStatus,
    to: InterestStatus,
    reason: &str,
) -> QueryResult<bool> {
    let now = Utc::now().naive_utc();
    Ok(
        diesel::update(interests::table.find(id).filter(interests::status.eq(from)))
            .set((
                interests::status.eq(to),
                interests::decline_reason.eq(reason),
                interests::decided_at.eq(Some(now)),
                interests::updated_at.eq(now),
            ))
            .execute(conn)?
            == 1,
    )
}

/// The offers on a need, newest first.
pub fn of_need(conn: &mut Conn, need: i32) -> QueryResult<Vec<Interest>> {
    interests::table
        .filter(interests::need_id.eq(need))
        .order(interests::id.desc())
        .select(Interest::as_select())
        .load(conn)
}

/// Open offers per need of an organization: (need id, count).
pub fn open_counts(conn: &mut Conn, org: i32) -> QueryResult<Vec<(i32, i64)>> {
    let rows: Vec<i32> = interests::table
        .inner_join(needs::table)
        .filter(needs::organization_id.eq(org))
        .filter(interests::status.eq(InterestStatus::Open))
        .select(interests::need_id)
        .load(conn)?;
    let mut counts: std::collections::BTreeMap<i32, i64> = std::collections::BTreeMap::new();
    for n in rows {
        *counts.entry(n).or_default() += 1;
    }
    Ok(counts.into_iter().collect())
}

/// Offers a maker made since `since` (for its daily limit).
pub fn count_since(conn: &mut Conn, supplier: i32, since: NaiveDateTime) -> QueryResult<i64> {
    interests::table
        .filter(interests::supplier_id.eq(supplier))
        .filter(interests::created_at.ge(since))
        .count()
        .get_result(conn)
}

/// Records an introduction between a need and a maker; `buyer` is the member of the firm who
/// agreed (the maker is given that person's contacts).
pub fn introduce(
    conn: &mut Conn,
    need: i32,
    supplier: i32,
    interest: Option<i32>,
    buyer: Option<i32>,
) -> QueryResult<i32> {
    let now = Utc::now().naive_utc();
    diesel::insert_into(introductions::table)
        .values((
            introductions::need_id.eq(need),
            introductions::supplier_id.eq(supplier),
            introductions::interest_id.eq(interest),
            introductions::buyer_id.eq(buyer),
            introductions::introduced_at.eq(now),
            introductions::created_at.eq(now),
        ))
        .returning(introductions::id)
        .get_result(conn)
}

/// The member of the firm who agreed to an introduction, where it was recorded.
pub fn agreed_by(conn: &mut Conn, id: i32) -> QueryResult<Option<i32>> {
    Ok(introductions::table
        .find(id)
        .select(introductions::buyer_id)
        .first::<Option<i32>>(conn)
        .optional()?
        .flatten())
}

/// Whether this maker was introduced to this need (confidential drawings open to it then).
pub fn introduced(conn: &mut Conn, need: i32, supplier: i32) -> QueryResult<bool> {
    Ok(introductions::table
        .filter(introductions::need_id.eq(need))
        .filter(introductions::supplier_id.eq(supplier))
        .count()
        .get_result::<i64>(conn)?
        > 0)
}

/// An introduction: (id, need id, maker id, when).
pub type IntroductionRow = (i32, i32, i32, NaiveDateTime);

/// Introductions a user is a side of: as the maker, or as a member of the need's firm.
pub fn of_user(conn: &mut Conn, user: i32, org: Option<i32>) -> QueryResult<Vec<IntroductionRow>> {
    let mut q = introductions::table
        .inner_join(needs::table)
        .filter(introductions::supplier_id.eq(user))
        .into_boxed();
    if let Some(org) = org {
        q = q.or_filter(needs::organization_id.eq(org));
    }
    q.order(introductions::introduced_at.desc())
        .select((
            introductions::id,
            introductions::need_id,
            introductions::supplier_id,
            introductions::introduced_at,
        ))
        .load(conn)
}

/// A maker's public name and its contacts (shared only inside an introduction).
pub fn contact(conn: &mut Conn, user: i32) -> QueryResult<Option<(String, String, String)>> {
    users::table
        .find(user)
        .filter(users::deleted_at.is_null())
        .select((users::name, users::email, users::phone))
        .first(conn)
        .optional()
}

/// Introductions made before `before` whose sides were not yet asked how it went.
/// An introduction that may be due for a follow-up.
#[derive(Debug, Clone, Queryable)]
pub struct FollowupCandidate {
    pub id: i32,
    pub need_id: i32,
    pub maker_id: i32,
    pub buyer_says: Option<Outcome>,
    pub maker_says: Option<Outcome>,
    pub introduced_at: NaiveDateTime,
    pub sent: i32,
}

/// Introductions made before `before` and asked fewer than `most` times, oldest first (at
/// most 500 a run).
pub fn followup_candidates(
    conn: &mut Conn,
    before: NaiveDateTime,
    most: i32,
) -> QueryResult<Vec<FollowupCandidate>> {
    introductions::table
        .filter(introductions::followups_sent.lt(most))
        .filter(introductions::introduced_at.le(before))
        .order(introductions::id)
        .limit(500)
        .select((
            introductions::id,
            introductions::need_id,
            introductions::supplier_id,
            introductions::buyer_outcome,
            introductions::maker_outcome,
            introductions::introduced_at,
            introductions::followups_sent,
        ))
        .load(conn)
}

/// Records a follow-up of an introduction asked `sent` times so far, counting it as `to` (the
/// days passed: an introduction caught up late is asked once, not once per day missed).
/// Conditional, so that two workers never both ask; false when another did.
pub fn mark_followup_sent(conn: &mut Conn, id: i32, sent: i32, to: i32) -> QueryResult<bool> {
    diesel::update(
        introductions::table
            .find(id)
            .filter(introductions::followups_sent.eq(sent)),
    )
    .set((
        introductions::followup_sent_at.eq(Some(Utc::now().naive_utc())),
        introductions::followups_sent.eq(to),
    ))
    .execute(conn)
    .map(|n| n == 1)
}

pub fn insert_followup_token(
    conn: &mut Conn,
    hash: &str,
    introduction: i32,
    user: i32,
    expires_at: NaiveDateTime,
) -> QueryResult<()> {
    use super::schema::followup_tokens as t;
    diesel::insert_into(t::table)
        .values((
            t::token_hash.eq(hash),
            t::introduction_id.eq(introduction),
            t::user_id.eq(user),
            t::expires_at.eq(expires_at),
        ))
        .execute(conn)
        .map(|_| ())
}

/// A usable follow-up token: (introduction id, user id). With `take`, it is used up in the same
/// statement, so two clicks cannot both count.
pub fn followup_token(conn: &mut Conn, hash: &str, take: bool) -> QueryResult<Option<(i32, i32)>> {
    use super::schema::followup_tokens as t;
    let now = Utc::now().naive_utc();
    let usable = t::table
        .find(hash)
        .filter(t::used_at.is_null())
        .filter(t::expires_at.gt(now));
    if take {
        let n = diesel::update(usable)
            .set(t::used_at.eq(Some(now)))
            .execute(conn)?;
        if n == 0 {
            return Ok(None);
        }
        return t::table
            .find(hash)
            .select((t::introduction_id, t::user_id))
            .first(conn)
            .optional();
    }
    usable
        .select((t::introduction_id, t::user_id))
        .first(conn)
        .optional()
}

/// An introduction: (need id, maker id, firm of the need).
pub fn introduction(conn: &mut Conn, id: i32) -> QueryResult<Option<(i32, i32, i32)>> {
    introductions::table
        .inner_join(needs::table)
        .filter(introductions::id.eq(id))
        .select((
            introductions::need_id,
            introductions::supplier_id,
            needs::organization_id,
        ))
        .first(conn)
        .optional()
}

/// Records one side's outcome.
pub fn set_outcome(
    conn: &mut Conn,
    id: i32,
    maker_side: bool,
    outcome: crate::domain::supplier::Outcome,
) -> QueryResult<()> {
    let q = diesel::update(introductions::table.find(id));
    if maker_side {
        q.set(introductions::maker_outcome.eq(Some(outcome)))
            .execute(conn)
    } else {
        q.set(introductions::buyer_outcome.eq(Some(outcome)))
            .execute(conn)
    }
    .map(|_| ())
}

/// The outcomes told so far: (buyer's, maker's).
pub fn outcomes(
    conn: &mut Conn,
    id: i32,
) -> QueryResult<(
    Option<crate::domain::supplier::Outcome>,
    Option<crate::domain::supplier::Outcome>,
)> {
    introductions::table
        .find(id)
        .select((introductions::buyer_outcome, introductions::maker_outcome))
        .first(conn)
}

pub fn count_introductions(conn: &mut Conn) -> QueryResult<i64> {
    introductions::table.count().get_result(conn)
}

/// An organizer's proposal to introduce a need's firm and a maker.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = super::schema::proposals)]
pub struct Proposal {
    pub id: i32,
    pub need_id: i32,
    pub supplier_id: i32,
    pub proposed_by: i32,
    pub buyer_accepted_by: Option<i32>,
    pub supplier_accepted_at: Option<NaiveDateTime>,
    pub declined_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

pub fn propose(conn: &mut Conn, need: i32, supplier: i32, by: i32) -> QueryResult<i32> {
    use super::schema::proposals as p;
    diesel::insert_into(p::table)
        .values((
            p::need_id.eq(need),
            p::supplier_id.eq(supplier),
            p::proposed_by.eq(by),
            p::created_at.eq(Utc::now().naive_utc()),
        ))
        .returning(p::id)
        .get_result(conn)
}

pub fn proposal(conn: &mut Conn, id: i32) -> QueryResult<Option<Proposal>> {
    use super::schema::proposals as p;
    p::table
        .find(id)
        .select(Proposal::as_select())
        .first(conn)
        .optional()
}

/// An undecided proposal for this need and maker, if any.
pub fn open_proposal(conn: &mut Conn, need: i32, supplier: i32) -> QueryResult<Option<Proposal>> {
    use super::schema::proposals as p;
    p::table
        .filter(p::need_id.eq(need))
        .filter(p::supplier_id.eq(supplier))
        .filter(p::declined_at.is_null())
        .select(Proposal::as_select())
        .first(conn)
        .optional()
}

/// Records one side's yes (`buyer` is the accepting member of the firm, or `None` for the
/// maker) or a no from either.
pub fn answer_proposal(
    conn: &mut Conn,
    id: i32,
    buyer: Option<i32>,
    accept: bool,
) -> QueryResult<()> {
    use super::schema::proposals as p;
    let now = Utc::now().naive_utc();
    let q = diesel::update(p::table.find(id));
    match (accept, buyer) {
        (false, _) => q.set(p::declined_at.eq(Some(now))).execute(conn),
        (true, Some(b)) => q.set(p::buyer_accepted_by.eq(Some(b))).execute(conn),
        (true, None) => q.set(p::supplier_accepted_at.eq(Some(now))).execute(conn),
    }
    .map(|_| ())
}

/// A firm's record under its own name: (parts localized, introductions made), counting its
/// needs posted openly (anonymous ones stay out of its page).
pub fn firm_record(conn: &mut Conn, org: i32) -> QueryResult<(i64, i64)> {
    let localized = needs::table
        .filter(needs::organization_id.eq(org))
        .filter(needs::anonymous.eq(false))
        .filter(needs::status.eq(crate::domain::need::NeedStatus::Localized))
        .count()
        .get_result(conn)?;
    let introduced = introductions::table
        .inner_join(needs::table)
        .filter(needs::organization_id.eq(org))
        .filter(needs::anonymous.eq(false))
        .count()
        .get_result(conn)?;
    Ok((localized, introduced))
}

/// Dates the offers on these needs and their introductions at `at` (the demo's past edition,
/// whose results happened at the fair).
pub fn backdate(conn: &mut Conn, needs: &[i32], at: NaiveDateTime) -> QueryResult<()> {
    diesel::update(interests::table.filter(interests::need_id.eq_any(needs)))
        .set(interests::created_at.eq(at))
        .execute(conn)?;
    // Long since asked how they went.
    diesel::update(introductions::table.filter(introductions::need_id.eq_any(needs)))
        .set((
            introductions::introduced_at.eq(at),
            introductions::followup_sent_at.eq(Some(at)),
            introductions::followups_sent.eq(crate::domain::supplier::FollowupSchedule::MAX as i32),
        ))
        .execute(conn)?;
    Ok(())
}

/// Which of these needs the maker has an offer on (open or decided, not withdrawn).
pub fn offered_among(conn: &mut Conn, supplier: i32, needs: &[i32]) -> QueryResult<Vec<i32>> {
    if needs.is_empty() {
        return Ok(Vec::new());
    }
    interests::table
        .filter(interests::supplier_id.eq(supplier))
        .filter(interests::need_id.eq_any(needs))
        .filter(interests::status.ne(InterestStatus::Withdrawn))
        .select(interests::need_id)
        .distinct()
        .load(conn)
}
