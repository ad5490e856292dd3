//! Row structs: exactly the columns, no behaviour. Services turn them into views.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::{categories, needs, organizations};
use crate::domain::account::Role;
use crate::domain::files::Visibility;
use crate::domain::money::Currency;
use crate::domain::need::{NeedStatus, Unit};
use crate::domain::organization::OrgKind;

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = categories)]
pub struct Category {
    pub id: i32,
    pub parent_id: Option<i32>,
    pub slug: String,
    pub name_fa: String,
    pub name_en: String,
    pub position: i32,
}

/// An organization as stored: its id and its fields (the same struct that inserts it).
#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = organizations)]
pub struct Organization {
    pub id: i32,
    #[diesel(embed)]
    pub fields: NewOrganization,
}

/// The fields are read through the organization: `org.name` is `org.fields.name`.
impl std::ops::Deref for Organization {
    type Target = NewOrganization;
    fn deref(&self) -> &NewOrganization {
        &self.fields
    }
}

/// An organization's fields: what inserting one takes, and what a stored one holds.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = organizations)]
pub struct NewOrganization {
    pub name: String,
    pub name_en: String,
    pub name_key: String,
    pub kind: OrgKind,
    pub province: String,
    pub city: String,
    pub address: String,
    pub website: String,
    pub phone: String,
    pub description: String,
    pub verified: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// What a firm says about a part it needs: every field a form, a spreadsheet row, an export,
/// a duplicate and the search document share. The row types embed it, so the list of a need's
/// fields is written here once.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = needs, treat_none_as_null = true)]
pub struct NeedContent {
    pub category_id: i32,
    pub title: String,
    pub title_en: String,
    pub description: String,
    pub part_number: String,
    pub part_number_key: String,
    pub brand: String,
    pub hs_code: Option<String>,
    pub material: String,
    pub specs: String,
    /// `specs` parsed into (label, value) pairs, as JSON.
    pub spec_items: String,
    pub quantity_per_year: Option<i64>,
    pub unit: Unit,
    pub unit_price: Option<i64>,
    pub currency: Currency,
    pub origin_country: String,
    pub annual_import_value: Option<i64>,
    pub deadline: Option<NaiveDate>,
    pub anonymous: bool,
    /// The processes the part takes as the firm chose them (stored names, comma-separated);
    /// empty: the matcher reads them from the part's family.
    pub processes: String,
}

impl NeedContent {
    /// The processes the firm chose.
    pub fn chosen_processes(&self) -> Vec<crate::domain::supplier::Process> {
        self.processes
            .split(',')
            .filter_map(crate::domain::supplier::Process::parse)
            .collect()
    }

    /// The fields readers take as the firm's own words; a change of any of them is reviewed.
    pub fn public_text(&self) -> [&str; 8] {
        [
            &self.title,
            &self.title_en,
            &self.description,
            &self.part_number,
            &self.brand,
            &self.material,
            &self.specs,
            self.hs_code.as_deref().unwrap_or(""),
        ]
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = needs)]
pub struct Need {
    pub id: i32,
    pub organization_id: i32,
    #[diesel(embed)]
    pub content: NeedContent,
    pub featured: bool,
    pub status: NeedStatus,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub published_at: Option<NaiveDateTime>,
    pub import_ref: Option<String>,
    pub expires_at: Option<NaiveDateTime>,
    pub reminder_sent_at: Option<NaiveDateTime>,
}

/// The content is read through the need: `need.title` is `need.content.title`.
impl std::ops::Deref for Need {
    type Target = NeedContent;
    fn deref(&self) -> &NeedContent {
        &self.content
    }
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = needs)]
pub struct NewNeed {
    pub organization_id: i32,
    #[diesel(embed)]
    pub content: NeedContent,
    pub featured: bool,
    pub status: NeedStatus,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub published_at: Option<NaiveDateTime>,
    pub import_ref: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, serde::Serialize)]
#[diesel(table_name = super::schema::users)]
pub struct User {
    pub id: i32,
    pub email: String,
    pub email_verified_at: Option<NaiveDateTime>,
    #[serde(skip)]
    pub password_hash: String,
    pub name: String,
    pub phone: String,
    pub lang: String,
    pub role: Role,
    pub organization_id: Option<i32>,
    pub notify_alerts: bool,
    pub notify_news: bool,
    #[serde(skip)]
    pub totp_secret: Option<String>,
    pub totp_enabled: bool,
    pub deleted_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Not a column: set by the session loader when the site requires two-step sign-in of
    /// staff and this staff member has not set it up. See [`User::is_staff`].
    #[diesel(
        select_expression = diesel::dsl::sql::<diesel::sql_types::Bool>("FALSE"),
        select_expression_type = diesel::expression::SqlLiteral<diesel::sql_types::Bool>
    )]
    #[serde(skip)]
    pub staff_powers_withheld: bool,
    /// Set by organizers: a suspended maker is out of the directory and cannot offer.
    pub suspended_at: Option<NaiveDateTime>,
    /// How new interests in the firm's needs are mailed: each, in a daily digest, or not.
    pub interest_mail: crate::domain::alerts::InterestMail,
    #[serde(skip)]
    pub interests_digested_until: Option<NaiveDateTime>,
}

impl User {
    /// The one answer to "may this user use staff powers": an organizer or admin whose powers
    /// are not withheld for want of two-step sign-in.
    pub fn is_staff(&self) -> bool {
        self.role.is_staff() && !self.staff_powers_withheld
    }

    pub fn is_verified(&self) -> bool {
        self.email_verified_at.is_some()
    }

    /// Whether this account is a member of firm `org` (see [`crate::domain::account::is_firm_member`]).
    pub fn is_member_of(&self, org: i32) -> bool {
        crate::domain::account::is_firm_member(self.role, self.organization_id, org)
    }

    /// The firm this account is a member of, if any.
    pub fn firm(&self) -> Option<i32> {
        self.organization_id.filter(|&org| self.is_member_of(org))
    }

    /// Staff, or a member of firm `org`: who may manage the firm's needs and profile.
    pub fn may_manage_firm(&self, org: i32) -> bool {
        self.is_staff() || self.is_member_of(org)
    }
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = super::schema::users)]
pub struct NewUser {
    pub email: String,
    pub email_verified_at: Option<NaiveDateTime>,
    pub password_hash: String,
    pub name: String,
    pub phone: String,
    pub lang: String,
    pub role: Role,
    pub organization_id: Option<i32>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = super::schema::sessions)]
pub struct SessionRow {
    pub id_hash: String,
    pub user_id: Option<i32>,
    pub pending_user_id: Option<i32>,
    pub csrf_token: String,
    pub created_at: NaiveDateTime,
    pub last_seen_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = super::schema::email_tokens)]
pub struct EmailToken {
    pub token_hash: String,
    pub purpose: String,
    pub user_id: Option<i32>,
    pub email: String,
    pub organization_id: Option<i32>,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub used_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = super::schema::outbox)]
pub struct OutboxMessage {
    pub id: i32,
    pub to_email: String,
    pub to_name: String,
    pub template: String,
    pub lang: String,
    pub context: String,
    pub status: crate::domain::mail::MailStatus,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub last_error: String,
    pub created_at: NaiveDateTime,
    pub sent_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = super::schema::attachments)]
pub struct Attachment {
    pub id: i32,
    pub need_id: i32,
    pub kind: crate::domain::files::FileGroup,
    pub content_type: String,
    pub original_name: String,
    #[serde(skip)]
    pub stored_name: String,
    #[serde(skip)]
    pub thumb_name: Option<String>,
    pub size_bytes: i64,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub visibility: Visibility,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = super::schema::attachments)]
pub struct NewAttachment {
    pub need_id: i32,
    pub kind: crate::domain::files::FileGroup,
    pub content_type: String,
    pub original_name: String,
    pub stored_name: String,
    pub thumb_name: Option<String>,
    pub size_bytes: i64,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub visibility: Visibility,
    pub created_at: NaiveDateTime,
}
