//! The buyer's workflow and moderation: drafts, submission for review, edits, withdrawal,
//! duplication, and organizers' decisions, mailed to the firm in each member's language.
//!
//! Lifecycle: draft -> pending_review -> published -> in_talks -> localized | closed. A
//! significant edit (title, part number, description) of a public need sends it back to review;
//! a minor one (quantity, deadline, price) does not. Organizers' own edits never need review.

use std::collections::HashMap;

use chrono::Utc;
use serde_json::json;

use super::need_form::{self, check_complete};
use super::spreadsheet::new_need;
use crate::db::catalogue as q;
use crate::db::models::{Need, User};
use crate::db::outbox::{self, NewMail};
use crate::db::posting as p;
use crate::domain::need::{NeedEvent, NeedStatus};
use crate::error::AppError;
use crate::services::need_status;
use crate::state::AppState;

/// The handles this service uses: nothing more of the application state.
#[derive(Clone, Copy)]
pub struct Posting<'a> {
    pub db: &'a crate::db::Db,
    pub search: &'a crate::search::SearchIndex,
    pub outbox: &'a crate::state::Outbox,
    pub categories: &'a [crate::db::models::Category],
    pub config: &'a crate::config::Config,
}

impl<'a> Posting<'a> {
    /// The handles, taken from the application state.
    pub fn of(state: &'a AppState) -> Self {
        Self {
            db: &state.db,
            search: &state.search,
            outbox: &state.outbox,
            categories: &state.categories,
            config: &state.config,
        }
    }
}

/// The organization a user posts for: their own, or (staff) the one chosen.
fn posting_org(user: &User, chosen: Option<i32>) -> Result<i32, AppError> {
    if user.is_staff() {
        return chosen
            .or(user.organization_id)
            .ok_or_else(|| AppError::invalid("organization_id", "error.required"));
    }
    user.firm().ok_or(AppError::Forbidden)
}

/// Whether the user may manage this need: staff, or a member of the need's firm.
pub fn may_manage(user: &User, need: &Need) -> bool {
    user.may_manage_firm(need.organization_id)
}

/// Whether the user may post new needs: staff, or a buyer belonging to a firm.
pub fn may_post(user: &User) -> Result<(), AppError> {
    if user.email_verified_at.is_none() {
        return Err(AppError::Conflict("error.email_unverified"));
    }
    if user.is_staff() {
        return Ok(());
    }
    user.firm().map(|_| ()).ok_or(AppError::Forbidden)
}

/// How much of a part the province needs: the posting firm plus those who joined.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Demand {
    pub firms: usize,
    pub quantity_per_year: i64,
    pub value_by_currency: Vec<(String, i64)>,
}

/// A need on its firm's dashboard.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DashboardNeed {
    #[serde(flatten)]
    pub need: crate::services::catalogue::NeedView,
    pub expires_at: Option<chrono::NaiveDateTime>,
    /// Why organizers sent it back, while it is a draft again.
    pub rejected_reason: Option<String>,
    /// Makers' offers awaiting the firm's answer.
    pub offers: i64,
    /// The exhibition editions showing it, with the booth.
    pub shown_at: Vec<crate::services::exhibitions::ShownAt>,
}

/// The firm named on its dashboard.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FirmSummary {
    pub id: i32,
    pub name: String,
    pub verified: bool,
    /// Empty until a member fills in the firm's profile.
    pub city: String,
}

/// A firm's needs, newest first, with counts per status.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Dashboard {
    pub needs: Vec<DashboardNeed>,
    pub counts: std::collections::BTreeMap<&'static str, usize>,
    pub organization: Option<FirmSummary>,
}

/// What the need form shows beside the fields: the firms staff may post for, and the files.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FormData {
    pub organizations: Vec<(i32, String)>,
    pub files: Vec<crate::db::models::Attachment>,
}

/// The need, if this user may manage it: `NotFound` or `Forbidden` otherwise. Every path that
/// touches one need of a firm calls this first, before it reads or validates any input.
pub async fn managed(db: &crate::db::Db, user: &User, id: i32) -> Result<Need, AppError> {
    let need = db
        .run(move |conn| Ok(q::find_need(conn, id)?.ok_or(AppError::NotFound)?.0))
        .await?;
    if !may_manage(user, &need) {
        return Err(AppError::Forbidden);
    }
    Ok(need)
}

impl Posting<'_> {
    /// The dashboard of a firm.
    pub async fn dashboard(&self, org: i32) -> Result<Dashboard, AppError> {
        self.db
            .run(move |conn| {
                let rows = p::needs_of_organization(conn, org)?;
                let ids: Vec<i32> = rows.iter().map(|r| r.0.id).collect();
                let mut decisions = p::last_decisions(conn, &ids)?;
                let offers: std::collections::HashMap<i32, i64> =
                    crate::db::interests::open_counts(conn, org)?
                        .into_iter()
                        .collect();
                let mut counts = std::collections::BTreeMap::new();
                let mut shown = crate::services::exhibitions::shown_at(conn, &ids)?;
                let needs = rows
                    .iter()
                    .map(|row| {
                        *counts.entry(row.0.status.as_str()).or_default() += 1;
                        let rejected_reason = decisions
                            .remove(&row.0.id)
                            .filter(|(d, _)| {
                                *d == crate::domain::need::Decision::Rejected
                                    && row.0.status == NeedStatus::Draft
                            })
                            .map(|(_, reason)| reason);
                        DashboardNeed {
                            need: crate::services::catalogue::NeedView::from_row(row),
                            expires_at: row.0.expires_at,
                            rejected_reason,
                            offers: offers.get(&row.0.id).copied().unwrap_or(0),
                            shown_at: shown.remove(&row.0.id).unwrap_or_default(),
                        }
                    })
                    .collect();
                let organization = q::find_organization(conn, org)?.map(|o| FirmSummary {
                    id: o.id,
                    name: o.fields.name,
                    verified: o.fields.verified,
                    city: o.fields.city,
                });
                Ok(Dashboard {
                    needs,
                    counts,
                    organization,
                })
            })
            .await
    }

    /// The firms a staff member may post for (on a new need), and the need's files.
    pub async fn form_data(&self, user: &User, need: Option<i32>) -> Result<FormData, AppError> {
        let staff_posting = user.is_staff() && need.is_none();
        self.db
            .run(move |conn| {
                Ok(FormData {
                    organizations: if staff_posting {
                        q::organization_names(conn)?
                    } else {
                        Vec::new()
                    },
                    files: match need {
                        Some(id) => crate::db::attachments::of_need(conn, id)?,
                        None => Vec::new(),
                    },
                })
            })
            .await
    }

    /// A need's fields as its edit form shows them: the cells an export would hold.
    pub async fn edit_values(
        &self,
        id: i32,
    ) -> Result<std::collections::BTreeMap<String, String>, AppError> {
        let (need, _, category) = self
            .db
            .run(move |conn| q::find_need(conn, id)?.ok_or(AppError::NotFound))
            .await?;
        let mut values: std::collections::BTreeMap<String, String> =
            need_form::to_cells(&need.content, &category.slug)
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect();
        values.insert("status".into(), need.status.as_str().into());
        Ok(values)
    }

    /// Saves a need from a form: a new one when `id` is `None`. `submit` asks for review (or, for
    /// staff, publishes). Returns the need's id.
    pub async fn save(
        &self,
        user: &User,
        id: Option<i32>,
        form: &std::collections::BTreeMap<String, String>,
        submit: bool,
    ) -> Result<i32, AppError> {
        self.save_with_files(user, id, form, submit, Vec::new())
            .await
    }

    /// Like [`Self::save`] for a new need posted with its files (written by
    /// [`crate::services::attachments::Attachments::write`]): the need and its files' rows are
    /// inserted together or not at all.
    pub async fn save_with_files(
        &self,
        user: &User,
        id: Option<i32>,
        form: &std::collections::BTreeMap<String, String>,
        submit: bool,
        files: Vec<crate::db::models::NewAttachment>,
    ) -> Result<i32, AppError> {
        if user.email_verified_at.is_none() {
            return Err(AppError::Conflict("error.email_unverified"));
        }
        if id.is_some() && !files.is_empty() {
            return Err(AppError::Internal(anyhow::anyhow!(
                "files go with a new need only"
            )));
        }
        let (fields, errors) = self.check(form, submit)?;
        let get = |k: &str| form.get(k).cloned().unwrap_or_default();
        let chosen_org = get("organization_id").parse().ok();
        let (Some(fields), true) = (fields, errors.is_empty()) else {
            return Err(AppError::Invalid(errors));
        };
        let user = user.clone();
        let staff = user.is_staff();
        let id = self
            .db
            .run(move |conn| {
                crate::db::write_transaction(conn, |conn| {
                    let now = Utc::now().naive_utc();
                    match id {
                        None => {
                            let org = posting_org(&user, chosen_org)?;
                            if q::find_organization(conn, org)?.is_none() {
                                return Err(AppError::invalid("organization_id", "error.required"));
                            }
                            let status = need_status::initial(submit, staff);
                            let id = q::insert_need(conn, &new_need(fields, org, status, now))?;
                            need_status::created(conn, id, status)?;
                            for mut row in files {
                                row.need_id = id;
                                crate::db::attachments::insert(conn, &row)?;
                            }
                            Ok(id)
                        }
                        Some(id) => {
                            let (old, _, _) = q::find_need(conn, id)?.ok_or(AppError::NotFound)?;
                            if !may_manage(&user, &old) {
                                return Err(AppError::Forbidden);
                            }
                            let significant = fields.public_text() != old.content.public_text();
                            let t = old
                                .status
                                .apply(NeedEvent::Edited {
                                    significant,
                                    by_staff: staff,
                                    submit,
                                })
                                .map_err(AppError::Conflict)?;
                            q::update_need(
                                conn,
                                id,
                                &fields,
                                t.to,
                                t.to.published_at(old.published_at, now),
                                old.import_ref.as_deref(),
                            )?;
                            need_status::written(conn, id, t)?;
                            Ok(id)
                        }
                    }
                })
            })
            .await?;
        self.search.notify();
        Ok(id)
    }

    /// Reads a need form: its fields when they are whole, and every error found, all at once.
    #[allow(clippy::type_complexity)]
    pub fn check(
        &self,
        form: &std::collections::BTreeMap<String, String>,
        submit: bool,
    ) -> Result<
        (
            Option<need_form::NeedFields>,
            Vec<crate::domain::FieldError>,
        ),
        AppError,
    > {
        let categories = self.categories;
        let other = need_form::fallback_category(categories)?;
        let get = |k: &str| form.get(k).cloned().unwrap_or_default();
        let find = |v: &str| categories.iter().find(|c| c.slug == v).map(|c| c.id);
        let (fields, mut errors) = need_form::parse(&get, &find, other);
        // A deadline is when offers are wanted by: one already past means nothing to a maker.
        // (Imported sheets keep theirs: they record what the firm wrote.)
        let today = crate::i18n::local_date(Utc::now().naive_utc());
        if crate::domain::dates::parse_date(&get("deadline")).is_ok_and(|d| d < today) {
            errors.push(crate::domain::FieldError::new(
                "deadline",
                "error.deadline_past",
            ));
        }
        if submit {
            match &fields {
                Some(f) => errors.extend(check_complete(f, other)),
                // Other fields are wrong too: say what is missing now, not after they are fixed.
                None => {
                    let other_slug = categories
                        .iter()
                        .find(|c| c.id == other)
                        .map(|c| c.slug.as_str());
                    let missing = [
                        (
                            "description",
                            get("description").trim().is_empty(),
                            "error.required",
                        ),
                        (
                            "category",
                            get("category").trim().is_empty()
                                || Some(get("category").trim()) == other_slug,
                            "error.category_choose",
                        ),
                        (
                            "quantity_per_year",
                            get("quantity_per_year").trim().is_empty(),
                            "error.required",
                        ),
                    ];
                    for (field, absent, key) in missing {
                        if absent && !errors.iter().any(|e| e.field == field) {
                            errors.push(crate::domain::FieldError::new(field, key));
                        }
                    }
                }
            }
        }
        Ok((fields, errors))
    }

    /// Takes a need off the catalogue (closed); the firm keeps it in its list.
    pub async fn withdraw(&self, user: &User, id: i32) -> Result<(), AppError> {
        managed(self.db, user, id).await?;
        self.db
            .run(move |conn| {
                crate::db::write_transaction(conn, |conn| {
                    need_status::apply(conn, id, NeedEvent::Closed).map(|_| ())
                })
            })
            .await?;
        self.search.notify();
        Ok(())
    }

    /// An open need of another firm with the part number in this form: posting a copy would split
    /// the demand, so the form offers to join it instead.
    pub async fn same_part(
        &self,
        user: &User,
        form: &std::collections::BTreeMap<String, String>,
    ) -> Result<Option<crate::services::catalogue::NeedView>, AppError> {
        let Some(org) = user.firm() else {
            return Ok(None);
        };
        let key = match crate::domain::codes::PartNumber::parse(
            form.get("part_number").map_or("", String::as_str),
        ) {
            Ok(Some(p)) => p.key().to_string(),
            _ => return Ok(None),
        };
        self.db
            .run(move |conn| {
                let Some(id) = p::open_need_with_part(conn, &key, org)? else {
                    return Ok(None);
                };
                Ok(q::find_need(conn, id)?
                    .map(|row| crate::services::catalogue::NeedView::from_row(&row)))
            })
            .await
    }

    /// "We need this too": the user's firm joins another firm's open need with its own quantity.
    pub async fn join(
        &self,
        user: &User,
        need_id: i32,
        quantity: &str,
        unit_price: &str,
        currency: &str,
    ) -> Result<(), AppError> {
        let org = match user.firm() {
            Some(org) if user.is_verified() => org,
            _ => return Err(AppError::Forbidden),
        };
        let mut errors = Vec::new();
        let quantity = crate::domain::money::parse_quantity(quantity)
            .map_err(|k| errors.push(crate::domain::FieldError::new("quantity_per_year", k)))
            .ok();
        let currency = crate::domain::money::Currency::parse(currency)
            .unwrap_or(crate::domain::money::Currency::Irr);
        let price = match unit_price.trim() {
            "" => None,
            v => crate::domain::money::parse_amount(v, currency)
                .map_err(|k| errors.push(crate::domain::FieldError::new("unit_price", k)))
                .ok(),
        };
        let (Some(quantity), true) = (quantity, errors.is_empty()) else {
            return Err(AppError::Invalid(errors));
        };
        self.db
            .run(move |conn| {
                let (need, _, _) = q::find_need(conn, need_id)?.ok_or(AppError::NotFound)?;
                if !need.status.is_public() {
                    return Err(AppError::NotFound);
                }
                if !need.status.is_open() || need.organization_id == org {
                    return Err(AppError::Conflict("error.cannot_join"));
                }
                Ok(p::join(
                    conn,
                    need_id,
                    org,
                    quantity,
                    price,
                    currency.code(),
                )?)
            })
            .await
    }

    pub async fn demand(
        &self,
        need: &crate::services::catalogue::NeedView,
    ) -> Result<Option<Demand>, AppError> {
        let id = need.id;
        let joins = self.db.run(move |conn| Ok(p::joins(conn, id)?)).await?;
        if joins.is_empty() {
            return Ok(None);
        }
        let mut quantity = need.quantity_per_year.unwrap_or(0);
        let mut values: HashMap<String, i64> = HashMap::new();
        if let Some(v) = need.annual_import_value {
            *values.entry(need.currency.code().to_string()).or_default() += v;
        }
        // Saturating: stored figures are bounded at the edge, but a sum must never panic.
        for (q, price, currency) in &joins {
            quantity = quantity.saturating_add(*q);
            if let Some(v) = price.and_then(|p| p.checked_mul(*q)) {
                let total = values.entry(currency.clone()).or_default();
                *total = total.saturating_add(v);
            }
        }
        let mut value_by_currency: Vec<(String, i64)> = values.into_iter().collect();
        value_by_currency.sort_by_key(|(_, v)| std::cmp::Reverse(*v));
        Ok(Some(Demand {
            firms: joins.len() + 1,
            quantity_per_year: quantity,
            value_by_currency,
        }))
    }

    /// Keeps a published (or expired) need up for another full period.
    pub async fn renew(&self, user: &User, id: i32) -> Result<(), AppError> {
        managed(self.db, user, id).await?;
        let until = Utc::now().naive_utc() + self.config.need_lifetime;
        self.db
            .run(move |conn| {
                crate::db::write_transaction(conn, |conn| {
                    need_status::apply(conn, id, NeedEvent::Renewed)?;
                    Ok(crate::db::lifecycle::renew(conn, id, until)?)
                })
            })
            .await?;
        self.search.notify();
        Ok(())
    }

    /// Copies a need into a new draft of the same firm.
    pub async fn duplicate(&self, user: &User, id: i32) -> Result<i32, AppError> {
        let old = managed(self.db, user, id).await?;
        self.db
            .run(move |conn| {
                let now = Utc::now().naive_utc();
                let copy = crate::db::models::NewNeed {
                    organization_id: old.organization_id,
                    content: old.content,
                    featured: false,
                    status: NeedStatus::Draft,
                    created_at: now,
                    updated_at: now,
                    published_at: None,
                    import_ref: None,
                };
                Ok(q::insert_need(conn, &copy)?)
            })
            .await
    }

    /// An organizer's decision on a need awaiting review, recorded and mailed to the firm.
    pub async fn decide(
        &self,
        staff: &User,
        id: i32,
        approve: bool,
        reason: &str,
    ) -> Result<(), AppError> {
        let reason = crate::domain::text::clean(reason);
        if !approve && reason.is_empty() {
            return Err(AppError::invalid("reason", "error.reason_required"));
        }
        let staff_id = staff.id;
        let base_url = self.config.base_url.clone();
        let lifetime = self.config.need_lifetime;
        let now = Utc::now().naive_utc();
        self.db
            .run(move |conn| {
                crate::db::write_transaction(conn, |conn| {
                    let (need, _, _) = q::find_need(conn, id)?.ok_or(AppError::NotFound)?;
                    let event = if approve {
                        NeedEvent::Approved
                    } else {
                        NeedEvent::Rejected
                    };
                    need_status::apply(conn, id, event)?;
                    if approve && need.published_at.is_none() {
                        q::set_published_now(conn, id)?;
                    }
                    if approve {
                        // A need that had expired before its edit starts a new period.
                        crate::db::lifecycle::renew_if_past(conn, id, now + lifetime)?;
                    }
                    p::record_decision(
                        conn,
                        id,
                        staff_id,
                        if approve {
                            crate::domain::need::Decision::Approved
                        } else {
                            crate::domain::need::Decision::Rejected
                        },
                        &reason,
                    )?;
                    for member in p::members(conn, need.organization_id)? {
                        outbox::enqueue(
                            conn,
                            NewMail {
                                to_email: &member.email,
                                to_name: &member.name,
                                template: "need_decision",
                                lang: &member.lang,
                                context: json!({
                                    "approved": approve,
                                    "title": need.title,
                                "title_en": need.title_en,
                                    "reason": reason,
                                    "link": format!("{base_url}/needs/{id}"),
                                    "edit_link": format!("{base_url}/my/needs/{id}/edit"),
                                }),
                            },
                        )?;
                    }
                    Ok(())
                })
            })
            .await?;
        self.search.notify();
        self.outbox.wake();
        Ok(())
    }
}
