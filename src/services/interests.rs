//! "I can make this" and the introduction Niaz makes by email.
//!
//! A verified maker offers to make a firm's part; the firm's members are mailed and see the
//! offer with the maker's public profile, never its contacts. When the firm accepts, Niaz
//! introduces both sides in one transaction: each is mailed the other's name, organization,
//! email and phone, the maker may open the need's confidential drawings, and a published need
//! moves to "in talks". Until then nothing anywhere shows either side's contacts to the other.

use chrono::{Duration, Utc};
use serde::Serialize;
use serde_json::json;

use crate::config::Config;
use crate::db::interests::{self as q, Interest, Offer};
use crate::db::models::User;
use crate::db::outbox::{self, NewMail};
use crate::db::{Conn, Db};
use crate::domain::account::Role;
use crate::domain::money::{parse_amount, Currency};
use crate::domain::need::NeedEvent;
use crate::domain::supplier::{InterestStatus, Outcome, Process};
use crate::domain::text::char_len;
use crate::domain::FieldError;
use crate::error::AppError;
use crate::search::SearchIndex;
use crate::services::catalogue::NeedView;
use crate::state::{AppState, Outbox};

/// The handles this service uses: nothing more of the application state.
#[derive(Clone, Copy)]
pub struct Interests<'a> {
    pub db: &'a Db,
    pub search: &'a SearchIndex,
    pub outbox: &'a Outbox,
    pub config: &'a Config,
    pub links: &'a crate::auth::Signer,
}

impl<'a> Interests<'a> {
    pub fn of(state: &'a AppState) -> Self {
        Self {
            db: &state.db,
            search: &state.search,
            outbox: &state.outbox,
            config: &state.config,
            links: &state.links,
        }
    }
}

/// An offer as the maker and the firm see it.
#[derive(Debug, Clone, Serialize)]
pub struct InterestView {
    pub id: i32,
    pub need_id: i32,
    pub message: String,
    pub processes: Vec<Process>,
    pub lead_time_days: Option<i32>,
    pub sample: bool,
    pub unit_price: Option<i64>,
    pub currency: Currency,
    pub status: InterestStatus,
    pub decline_reason: String,
    pub created_at: chrono::NaiveDateTime,
    /// The maker's public name and profile; never its contacts.
    pub supplier_id: i32,
    pub supplier_name: String,
    pub supplier_has_profile: bool,
}

fn parse_processes(stored: &str) -> Result<Vec<Process>, AppError> {
    stored
        .split(',')
        .filter(|s| !s.is_empty())
        .map(|s| {
            Process::parse(s).ok_or_else(|| {
                AppError::Internal(anyhow::anyhow!("an offer holds an unknown process {s:?}"))
            })
        })
        .collect()
}

fn view(conn: &mut Conn, i: Interest) -> Result<InterestView, AppError> {
    let supplier = q::contact(conn, i.supplier_id)?;
    let has_profile = crate::db::suppliers::is_public(conn, i.supplier_id)?;
    Ok(InterestView {
        id: i.id,
        need_id: i.need_id,
        processes: parse_processes(&i.offer.processes)?,
        message: i.offer.message,
        lead_time_days: i.offer.lead_time_days,
        sample: i.offer.sample,
        unit_price: i.offer.unit_price,
        currency: i.offer.currency,
        status: i.status,
        decline_reason: i.decline_reason,
        created_at: i.created_at,
        supplier_id: i.supplier_id,
        supplier_name: supplier.map(|(name, _, _)| name).unwrap_or_default(),
        supplier_has_profile: has_profile,
    })
}

/// Parses an offer form; every problem at once, each naming its field.
pub fn parse_offer(pairs: &[(String, String)]) -> Result<Offer, AppError> {
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    };
    let mut errors = Vec::new();
    let message = get("message");
    if message.is_empty() {
        errors.push(FieldError::new("message", "error.required"));
    } else if char_len(&message) > 2000 {
        errors.push(FieldError::new("message", "error.too_long"));
    } else if crate::domain::contacts::find(&message).is_some() {
        // Contacts are shared by the introduction, when both sides agree.
        errors.push(FieldError::new("message", "error.contact_in_text"));
    }
    let mut processes = Vec::new();
    for (k, v) in pairs.iter().filter(|(k, _)| k == "processes") {
        match Process::parse(v) {
            Some(p) if !processes.contains(&p) => processes.push(p),
            Some(_) => {}
            None => errors.push(FieldError::new(k.clone(), "error.process_unknown")),
        }
    }
    let lead_time_days = match get("lead_time_days").as_str() {
        "" => None,
        v => match crate::domain::codes::digits_to_latin(v).parse::<i32>() {
            Ok(d) if (1..=3650).contains(&d) => Some(d),
            _ => {
                errors.push(FieldError::new("lead_time_days", "error.days_invalid"));
                None
            }
        },
    };
    let currency = match get("currency").as_str() {
        "" => Currency::Irr,
        v => Currency::parse(v).unwrap_or_else(|| {
            errors.push(FieldError::new("currency", "error.currency_unknown"));
            Currency::Irr
        }),
    };
    let unit_price = match get("unit_price").as_str() {
        "" => None,
        v => parse_amount(v, currency)
            .map_err(|k| errors.push(FieldError::new("unit_price", k)))
            .ok(),
    };
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    Ok(Offer {
        message,
        processes: processes
            .iter()
            .map(|p| p.as_str())
            .collect::<Vec<_>>()
            .join(","),
        lead_time_days,
        sample: !get("sample").is_empty(),
        unit_price,
        currency,
    })
}

/// A maker may offer on an open public need once its address is confirmed.
fn may_offer(user: &User) -> Result<(), AppError> {
    if user.role != Role::Supplier {
        return Err(AppError::Forbidden);
    }
    if !user.is_verified() {
        return Err(AppError::Conflict("error.email_unverified"));
    }
    if user.suspended_at.is_some() {
        return Err(AppError::Conflict("error.suspended"));
    }
    Ok(())
}

/// What the offer form shows.
#[derive(Debug, Clone, Serialize)]
pub struct OfferPage {
    pub need: NeedView,
    pub current: Option<InterestView>,
}

/// One introduction, as its two sides see it: the other side's contacts, shared because both
/// agreed.
#[derive(Debug, Clone, Serialize)]
pub struct IntroductionView {
    pub id: i32,
    pub need: NeedView,
    pub introduced_at: chrono::NaiveDateTime,
    /// Whether the viewer is the maker (else a member of the firm).
    pub as_maker: bool,
    pub other_name: String,
    pub other_organization: Option<String>,
    pub other_email: String,
    pub other_phone: String,
    /// How it went, as the viewer's side and the other side told it.
    pub my_outcome: Option<Outcome>,
    pub their_outcome: Option<Outcome>,
}

impl Interests<'_> {
    /// The open public need and the maker's current offer on it.
    pub async fn offer_page(&self, user: &User, need_id: i32) -> Result<OfferPage, AppError> {
        may_offer(user)?;
        let supplier = user.id;
        self.db
            .run(move |conn| {
                let row =
                    crate::db::catalogue::find_need(conn, need_id)?.ok_or(AppError::NotFound)?;
                if !row.0.status.is_public() {
                    return Err(AppError::NotFound);
                }
                let current = match q::current(conn, need_id, supplier)? {
                    Some(i) => Some(view(conn, i)?),
                    None => None,
                };
                Ok(OfferPage {
                    need: NeedView::from_row(&row),
                    current,
                })
            })
            .await
    }

    /// Makes or changes the maker's offer, and mails the firm's members about a new one.
    pub async fn offer(
        &self,
        user: &User,
        need_id: i32,
        pairs: &[(String, String)],
    ) -> Result<i32, AppError> {
        may_offer(user)?;
        let offer = parse_offer(pairs)?;
        let (supplier, supplier_name) = (user.id, user.name.clone());
        let per_day = i64::from(self.config.interests_per_day);
        let base_url = self.config.base_url.clone();
        let links = self.links.clone();
        let (id, created) = self
            .db
            .run(move |conn| {
                crate::db::write_transaction(conn, |conn| {
                    let (need, _, _) = crate::db::catalogue::find_need(conn, need_id)?
                        .ok_or(AppError::NotFound)?;
                    // A need the public cannot see is not found, whatever it is: a 409 would tell
                    // that a draft's id exists.
                    if !need.status.is_public() {
                        return Err(AppError::NotFound);
                    }
                    if !need.status.is_open() {
                        return Err(AppError::Conflict("error.need_not_open"));
                    }
                    if let Some(existing) = q::current(conn, need_id, supplier)? {
                        if existing.status == InterestStatus::Accepted {
                            return Err(AppError::Conflict("error.already_introduced"));
                        }
                        q::update_offer(conn, existing.id, &offer)?;
                        return Ok((existing.id, false));
                    }
                    let since = Utc::now().naive_utc() - Duration::days(1);
                    if q::count_since(conn, supplier, since)? >= per_day {
                        return Err(AppError::TooManyRequests);
                    }
                    let id = q::insert(conn, need_id, supplier, &offer)?;
                    for member in crate::db::posting::members(conn, need.organization_id)? {
                        // Members who chose the daily digest (or no mail) hear of it there.
                        if member.interest_mail != crate::domain::alerts::InterestMail::Each {
                            continue;
                        }
                        outbox::enqueue(
                            conn,
                            NewMail {
                                to_email: &member.email,
                                to_name: &member.name,
                                template: "interest_new",
                                lang: &member.lang,
                                context: json!({
                                    "title": need.title,
                                "title_en": need.title_en,
                                    "supplier": supplier_name,
                                    "link": format!("{base_url}/my/needs/{need_id}/interests"),
                                    "manage": format!("{base_url}/account/alerts"),
                                    "unsubscribe_url": crate::services::alerts::unsubscribe_url(
                                        &links,
                                        &base_url,
                                        member.id,
                                        crate::domain::alerts::Unsubscribe::Interests,
                                        Utc::now(),
                                    ),
                                }),
                            },
                        )?;
                    }
                    Ok((id, true))
                })
            })
            .await?;
        if created {
            self.outbox.wake();
        }
        Ok(id)
    }

    /// Withdraws the maker's open offer on a need.
    pub async fn withdraw(&self, user: &User, need_id: i32) -> Result<(), AppError> {
        if user.role != Role::Supplier {
            return Err(AppError::Forbidden);
        }
        let supplier = user.id;
        self.db
            .run(move |conn| {
                let current = q::current(conn, need_id, supplier)?.ok_or(AppError::NotFound)?;
                if !q::decide(
                    conn,
                    current.id,
                    InterestStatus::Open,
                    InterestStatus::Withdrawn,
                    "",
                )? {
                    return Err(AppError::Conflict("error.already_introduced"));
                }
                Ok(())
            })
            .await
    }

    /// The offers on a need of the user's firm (or any need, for staff).
    pub async fn for_need(
        &self,
        user: &User,
        need_id: i32,
    ) -> Result<(NeedView, Vec<InterestView>), AppError> {
        crate::services::posting::managed(self.db, user, need_id).await?;
        self.db
            .run(move |conn| {
                let row =
                    crate::db::catalogue::find_need(conn, need_id)?.ok_or(AppError::NotFound)?;
                let offers = q::of_need(conn, need_id)?
                    .into_iter()
                    .filter(|i| i.status != InterestStatus::Withdrawn)
                    .map(|i| view(conn, i))
                    .collect::<Result<Vec<_>, _>>()?;
                Ok((NeedView::from_row(&row), offers))
            })
            .await
    }

    /// The firm accepts an offer: Niaz introduces both sides.
    pub async fn accept(&self, user: &User, interest_id: i32) -> Result<i32, AppError> {
        let interest = self.interest_of_firm(user, interest_id).await?;
        let need_id = interest.need_id;
        let buyer = user.clone();
        let base_url = self.config.base_url.clone();
        self.db
            .run(move |conn| {
                crate::db::write_transaction(conn, |conn| {
                    if !q::decide(
                        conn,
                        interest.id,
                        InterestStatus::Open,
                        InterestStatus::Accepted,
                        "",
                    )? {
                        return Err(AppError::Conflict("error.interest_not_open"));
                    }
                    introduce(
                        conn,
                        need_id,
                        interest.supplier_id,
                        Some(interest.id),
                        &buyer,
                        &base_url,
                    )?;
                    Ok(())
                })
            })
            .await?;
        self.search.notify();
        self.outbox.wake();
        Ok(need_id)
    }

    /// The firm declines an offer, with an optional reason mailed politely to the maker.
    pub async fn decline(
        &self,
        user: &User,
        interest_id: i32,
        reason: &str,
    ) -> Result<i32, AppError> {
        let interest = self.interest_of_firm(user, interest_id).await?;
        let reason = crate::domain::text::clean(reason);
        if char_len(&reason) > 1000 {
            return Err(AppError::invalid("reason", "error.too_long"));
        }
        let need_id = interest.need_id;
        let base_url = self.config.base_url.clone();
        self.db
            .run(move |conn| {
                crate::db::write_transaction(conn, |conn| {
                    if !q::decide(
                        conn,
                        interest.id,
                        InterestStatus::Open,
                        InterestStatus::Declined,
                        &reason,
                    )? {
                        return Err(AppError::Conflict("error.interest_not_open"));
                    }
                    let (need, _, _) = crate::db::catalogue::find_need(conn, need_id)?
                        .ok_or(AppError::NotFound)?;
                    let maker = crate::db::accounts::find_user(conn, interest.supplier_id)?
                        .ok_or(AppError::NotFound)?;
                    outbox::enqueue(
                        conn,
                        NewMail {
                            to_email: &maker.email,
                            to_name: &maker.name,
                            template: "interest_declined",
                            lang: &maker.lang,
                            context: json!({
                                "title": need.title,
                            "title_en": need.title_en,
                                "reason": reason,
                                "link": format!("{base_url}/search"),
                            }),
                        },
                    )?;
                    Ok(())
                })
            })
            .await?;
        self.outbox.wake();
        Ok(need_id)
    }

    /// An offer on a need of the user's firm, for the firm to decide. Only its members decide
    /// their offers: staff may read them, but an organizer accepting would hand the maker the
    /// organizer's contacts as the firm's (organizers broker through proposals instead).
    async fn interest_of_firm(&self, user: &User, interest_id: i32) -> Result<Interest, AppError> {
        let interest = self
            .db
            .run(move |conn| q::find(conn, interest_id)?.ok_or(AppError::NotFound))
            .await?;
        let need = crate::services::posting::managed(self.db, user, interest.need_id).await?;
        if !user.is_member_of(need.organization_id) {
            return Err(AppError::Forbidden);
        }
        Ok(interest)
    }

    /// The introductions the user is a side of, with the other side's contacts.
    pub async fn introductions(&self, user: &User) -> Result<Vec<IntroductionView>, AppError> {
        let (me, org) = (user.id, user.firm());
        self.db
            .run(move |conn| {
                let mut out = Vec::new();
                for (id, need_id, supplier, at) in q::of_user(conn, me, org)? {
                    let row = crate::db::catalogue::find_need(conn, need_id)?
                        .ok_or(AppError::NotFound)?;
                    let as_maker = supplier == me;
                    let (other_name, other_organization, other_email, other_phone) = if as_maker {
                        // The firm's side: the member who agreed (as the maker's mail said);
                        // for introductions older than that record, its first reachable member.
                        let agreed = match q::agreed_by(conn, id)? {
                            Some(buyer) => crate::db::accounts::find_user(conn, buyer)?
                                .filter(|u| u.deleted_at.is_none()),
                            None => None,
                        };
                        let contact = match agreed {
                            Some(u) => Some(u),
                            None => crate::db::posting::members(conn, row.0.organization_id)?
                                .into_iter()
                                .next(),
                        };
                        let contact = contact.as_ref();
                        (
                            contact.map(|u| u.name.clone()).unwrap_or_default(),
                            Some(row.1.fields.name.clone()),
                            contact.map(|u| u.email.clone()).unwrap_or_default(),
                            contact.map(|u| u.phone.clone()).unwrap_or_default(),
                        )
                    } else {
                        let maker = crate::db::accounts::find_user(conn, supplier)?
                            .ok_or(AppError::NotFound)?;
                        let maker_org = match maker.organization_id {
                            Some(o) => crate::db::catalogue::find_organization(conn, o)?
                                .map(|o| o.fields.name),
                            None => None,
                        };
                        (maker.name, maker_org, maker.email, maker.phone)
                    };
                    let (buyer_says, maker_says) = q::outcomes(conn, id)?;
                    let (my_outcome, their_outcome) = if as_maker {
                        (maker_says, buyer_says)
                    } else {
                        (buyer_says, maker_says)
                    };
                    out.push(IntroductionView {
                        my_outcome,
                        their_outcome,
                        id,
                        need: NeedView::from_row(&row),
                        introduced_at: at,
                        as_maker,
                        other_name,
                        other_organization,
                        other_email,
                        other_phone,
                    });
                }
                Ok(out)
            })
            .await
    }
}

/// Introduces a need's firm and a maker, both having agreed, in the caller's transaction: the
/// introduction is recorded, a published need moves to "in talks", and each side is mailed the
/// other's contacts (the maker gets those of `buyer`, the member of the firm who agreed).
fn introduce(
    conn: &mut Conn,
    need_id: i32,
    maker_id: i32,
    interest: Option<i32>,
    buyer: &User,
    base_url: &str,
) -> Result<(), AppError> {
    if q::introduced(conn, need_id, maker_id)? {
        return Err(AppError::Conflict("error.already_introduced"));
    }
    q::introduce(conn, need_id, maker_id, interest, Some(buyer.id))?;
    let (need, org, _) =
        crate::db::catalogue::find_need(conn, need_id)?.ok_or(AppError::NotFound)?;
    crate::services::need_status::apply(conn, need_id, NeedEvent::Introduced)?;
    let maker = crate::db::accounts::find_user(conn, maker_id)?.ok_or(AppError::NotFound)?;
    let maker_org = match maker.organization_id {
        Some(o) => crate::db::catalogue::find_organization(conn, o)?.map(|o| o.fields.name),
        None => None,
    };
    let link = format!("{base_url}/needs/{need_id}");
    // To the maker: the firm's contact (the member who agreed).
    outbox::enqueue(
        conn,
        NewMail {
            to_email: &maker.email,
            to_name: &maker.name,
            template: "introduction",
            lang: &maker.lang,
            context: json!({
                "title": need.title,
            "title_en": need.title_en,
                "link": link,
                "other_name": buyer.name,
                "other_organization": org.fields.name,
                "other_email": buyer.email,
                "other_phone": buyer.phone,
            }),
        },
    )?;
    // To every member of the firm: the maker's contact.
    for member in crate::db::posting::members(conn, need.organization_id)? {
        outbox::enqueue(
            conn,
            NewMail {
                to_email: &member.email,
                to_name: &member.name,
                template: "introduction",
                lang: &member.lang,
                context: json!({
                    "title": need.title,
                "title_en": need.title_en,
                    "link": link,
                    "other_name": maker.name,
                    "other_organization": maker_org,
                    "other_email": maker.email,
                    "other_phone": maker.phone,
                }),
            },
        )?;
    }
    Ok(())
}

/// A proposal as each side sees it before answering.
#[derive(Debug, Clone, Serialize)]
pub struct ProposalView {
    pub id: i32,
    pub need: NeedView,
    pub supplier_id: i32,
    pub supplier_name: String,
    /// The viewer is the maker (else a member of the firm).
    pub as_maker: bool,
    /// Whether the viewer's side has answered, and whether the proposal still stands.
    pub answered: bool,
    pub declined: bool,
}

impl Interests<'_> {
    /// An organizer proposes to introduce a need's firm and a public maker; both are mailed.
    pub async fn propose(
        &self,
        staff: &User,
        need_id: i32,
        supplier: i32,
    ) -> Result<i32, AppError> {
        if !staff.is_staff() {
            return Err(AppError::Forbidden);
        }
        let by = staff.id;
        let base_url = self.config.base_url.clone();
        let id = self
            .db
            .run(move |conn| {
                crate::db::write_transaction(conn, |conn| {
                    let (need, _, _) = crate::db::catalogue::find_need(conn, need_id)?
                        .ok_or(AppError::NotFound)?;
                    if !need.status.is_open() {
                        return Err(AppError::Conflict("error.need_not_open"));
                    }
                    if !crate::db::suppliers::is_public(conn, supplier)? {
                        return Err(AppError::invalid("supplier", "error.supplier_unknown"));
                    }
                    if q::introduced(conn, need_id, supplier)?
                        || q::open_proposal(conn, need_id, supplier)?.is_some()
                    {
                        return Err(AppError::Conflict("error.already_proposed"));
                    }
                    let id = q::propose(conn, need_id, supplier, by)?;
                    let link = format!("{base_url}/proposals/{id}");
                    let maker = crate::db::accounts::find_user(conn, supplier)?
                        .ok_or(AppError::NotFound)?;
                    let mut people = crate::db::posting::members(conn, need.organization_id)?;
                    people.push(maker);
                    for person in &people {
                        outbox::enqueue(
                            conn,
                            NewMail {
                                to_email: &person.email,
                                to_name: &person.name,
                                template: "proposal",
                                lang: &person.lang,
                                context: json!({"title": need.title,
"title_en": need.title_en, "link": link}),
                            },
                        )?;
                    }
                    Ok(id)
                })
            })
            .await?;
        self.outbox.wake();
        Ok(id)
    }

    /// A proposal, for one of its two sides (anyone else: not found).
    pub async fn proposal(&self, user: &User, id: i32) -> Result<ProposalView, AppError> {
        let (me, org) = (user.id, user.firm());
        self.db
            .run(move |conn| {
                let p = q::proposal(conn, id)?.ok_or(AppError::NotFound)?;
                let row =
                    crate::db::catalogue::find_need(conn, p.need_id)?.ok_or(AppError::NotFound)?;
                let as_maker = p.supplier_id == me;
                if !as_maker && org != Some(row.0.organization_id) {
                    return Err(AppError::NotFound);
                }
                let name = q::contact(conn, p.supplier_id)?
                    .map(|c| c.0)
                    .unwrap_or_default();
                Ok(ProposalView {
                    id,
                    need: NeedView::from_row(&row),
                    supplier_id: p.supplier_id,
                    supplier_name: name,
                    as_maker,
                    answered: if as_maker {
                        p.supplier_accepted_at.is_some()
                    } else {
                        p.buyer_accepted_by.is_some()
                    },
                    declined: p.declined_at.is_some(),
                })
            })
            .await
    }

    /// One side answers a proposal; when both said yes, Niaz introduces them.
    pub async fn answer_proposal(
        &self,
        user: &User,
        id: i32,
        accept: bool,
    ) -> Result<bool, AppError> {
        let view = self.proposal(user, id).await?;
        if view.declined {
            return Err(AppError::Conflict("error.proposal_closed"));
        }
        let me = user.clone();
        let base_url = self.config.base_url.clone();
        let introduced = self
            .db
            .run(move |conn| {
                crate::db::write_transaction(conn, |conn| {
                    let buyer = (!view.as_maker).then_some(me.id);
                    q::answer_proposal(conn, id, buyer, accept)?;
                    if !accept {
                        return Ok(false);
                    }
                    let p = q::proposal(conn, id)?.ok_or(AppError::NotFound)?;
                    let (Some(buyer_id), Some(_)) = (p.buyer_accepted_by, p.supplier_accepted_at)
                    else {
                        return Ok(false);
                    };
                    let buyer = crate::db::accounts::find_user(conn, buyer_id)?
                        .ok_or(AppError::NotFound)?;
                    introduce(conn, p.need_id, p.supplier_id, None, &buyer, &base_url)?;
                    Ok(true)
                })
            })
            .await?;
        if introduced {
            self.search.notify();
            self.outbox.wake();
        }
        Ok(introduced)
    }
}

/// How long a follow-up mail's links work.
pub const FOLLOWUP_LINK_DAYS: i64 = 30;

/// Asks both sides of every introduction whose next follow-up day has come how it went: one
/// mail each, with a one-click link per answer. A pair is asked at each day of
/// `NIAZ_FOLLOWUP_DAYS` while neither side said it ended. Returns how many introductions were
/// followed up. Each is counted in the same transaction as its mails (conditionally), so it is
/// asked once per day of the schedule.
pub fn followup_due(conn: &mut Conn, config: &Config) -> Result<usize, AppError> {
    let now = Utc::now().naive_utc();
    let schedule = &config.followups;
    let first = schedule.nth(0).unwrap_or(21);
    let mut due = Vec::new();
    for c in q::followup_candidates(
        conn,
        now - Duration::days(first),
        schedule.days().len() as i32,
    )? {
        let age = (now - c.introduced_at).num_days();
        let passed = schedule.days().iter().filter(|d| **d <= age).count() as i32;
        if passed > c.sent && schedule.asks_again(c.sent as usize, [c.buyer_says, c.maker_says]) {
            due.push((c.id, c.need_id, c.maker_id, c.sent, passed));
        }
    }
    let mut asked = 0;
    for (intro, need_id, maker_id, sent, passed) in &due {
        let did = crate::db::write_transaction(conn, |conn| -> Result<bool, AppError> {
            if !q::mark_followup_sent(conn, *intro, *sent, *passed)? {
                return Ok(false); // another worker asked it
            }
            let (need, _, _) =
                crate::db::catalogue::find_need(conn, *need_id)?.ok_or(AppError::NotFound)?;
            let mut people = crate::db::posting::members(conn, need.organization_id)?;
            if let Some(maker) = crate::db::accounts::find_user(conn, *maker_id)? {
                people.push(maker);
            }
            for person in people.iter().filter(|p| p.deleted_at.is_none()) {
                let token = crate::auth::random_token();
                q::insert_followup_token(
                    conn,
                    &crate::auth::token_hash(&token),
                    *intro,
                    person.id,
                    now + Duration::days(FOLLOWUP_LINK_DAYS),
                )?;
                let links: Vec<serde_json::Value> = Outcome::ALL
                    .iter()
                    .map(|o| {
                        json!({
                            "outcome": o.as_str(),
                            "link": format!(
                                "{}/followup?token={token}&outcome={}",
                                config.base_url,
                                o.as_str()
                            ),
                        })
                    })
                    .collect();
                outbox::enqueue(
                    conn,
                    NewMail {
                        to_email: &person.email,
                        to_name: &person.name,
                        template: "followup",
                        lang: &person.lang,
                        context: json!({
                            "title": need.title,
                        "title_en": need.title_en,
                            "links": links,
                            "site": format!("{}/introductions", config.base_url),
                            "again": *sent > 0,
                        }),
                    },
                )?;
            }
            Ok(true)
        })?;
        asked += usize::from(did);
    }
    Ok(asked)
}

/// What a follow-up link shows before it is confirmed.
#[derive(Debug, Clone, Serialize)]
pub struct FollowupPage {
    pub need: NeedView,
    pub outcome: Outcome,
}

impl Interests<'_> {
    /// The need and answer a follow-up link would record, if the link still works.
    pub async fn followup_page(
        &self,
        token: &str,
        outcome: &str,
    ) -> Result<FollowupPage, AppError> {
        let outcome = Outcome::parse(outcome)
            .ok_or_else(|| AppError::invalid("outcome", "error.outcome_unknown"))?;
        let hash = crate::auth::token_hash(token);
        self.db
            .run(move |conn| {
                let (intro, _) = q::followup_token(conn, &hash, false)?
                    .ok_or(AppError::Conflict("error.token_invalid"))?;
                let (need_id, _, _) = q::introduction(conn, intro)?.ok_or(AppError::NotFound)?;
                let row =
                    crate::db::catalogue::find_need(conn, need_id)?.ok_or(AppError::NotFound)?;
                Ok(FollowupPage {
                    need: NeedView::from_row(&row),
                    outcome,
                })
            })
            .await
    }

    /// Records the answer of a follow-up link (once: the link is used up).
    pub async fn record_followup(&self, token: &str, outcome: &str) -> Result<(), AppError> {
        let outcome = Outcome::parse(outcome)
            .ok_or_else(|| AppError::invalid("outcome", "error.outcome_unknown"))?;
        let hash = crate::auth::token_hash(token);
        self.db
            .run(move |conn| {
                crate::db::write_transaction(conn, |conn| {
                    let (intro, user) = q::followup_token(conn, &hash, true)?
                        .ok_or(AppError::Conflict("error.token_invalid"))?;
                    record(conn, intro, user, outcome)
                })
            })
            .await?;
        self.search.notify();
        Ok(())
    }

    /// A side of an introduction tells, or changes, how it went on the site.
    pub async fn set_outcome(
        &self,
        user: &User,
        intro: i32,
        outcome: &str,
    ) -> Result<(), AppError> {
        let outcome = Outcome::parse(outcome)
            .ok_or_else(|| AppError::invalid("outcome", "error.outcome_unknown"))?;
        let (me, org) = (user.id, user.firm());
        self.db
            .run(move |conn| {
                crate::db::write_transaction(conn, |conn| {
                    let (_, maker, firm) =
                        q::introduction(conn, intro)?.ok_or(AppError::NotFound)?;
                    if maker != me && org != Some(firm) {
                        return Err(AppError::NotFound);
                    }
                    record(conn, intro, me, outcome)
                })
            })
            .await?;
        self.search.notify();
        Ok(())
    }
}

/// Records `user`'s side of an introduction. The firm saying the part is localized marks the
/// need localized: that is what the home page and firm pages count.
fn record(conn: &mut Conn, intro: i32, user: i32, outcome: Outcome) -> Result<(), AppError> {
    let (need_id, maker, _) = q::introduction(conn, intro)?.ok_or(AppError::NotFound)?;
    let maker_side = user == maker;
    q::set_outcome(conn, intro, maker_side, outcome)?;
    if !maker_side && outcome == Outcome::Localized {
        // Through the one rule: a need in review, rejected or closed stays as it is.
        crate::services::need_status::apply(conn, need_id, NeedEvent::Localized)?;
    }
    Ok(())
}
