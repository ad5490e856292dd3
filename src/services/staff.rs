//! What organizers and admins do on the staff pages: verify organizations, grant and revoke
//! the organizer role, retry undeliverable mail, the site's settings, and the review queue.
//! The rules live here (which role a revoked organizer returns to, who cannot be changed); the
//! handlers in `web::admin` only check who asks and render.

use serde::Serialize;

use crate::db::models::User;
use crate::db::Db;
use crate::domain::account::Role;
use crate::domain::organization::OrgKind;
use crate::error::AppError;
use crate::services::accounts::REQUIRE_STAFF_2FA;
use crate::services::catalogue::NeedView;
use crate::state::{AppState, Outbox};

/// The handles this service uses: nothing more of the application state.
#[derive(Clone, Copy)]
pub struct Staff<'a> {
    pub db: &'a Db,
    pub outbox: &'a Outbox,
}

impl<'a> Staff<'a> {
    /// The handles, taken from the application state.
    pub fn of(state: &'a AppState) -> Self {
        Self {
            db: &state.db,
            outbox: &state.outbox,
        }
    }
}

/// One account on the admins' list.
#[derive(Debug, Clone, Serialize)]
pub struct UserRow {
    pub id: i32,
    pub name: String,
    pub role: Role,
    pub verified: bool,
    pub totp: bool,
}

/// An organization waiting for verification.
#[derive(Debug, Clone, Serialize)]
pub struct PendingOrganization {
    pub id: i32,
    pub name: String,
    pub kind: OrgKind,
    pub city: String,
}

/// Mail that could not be delivered.
#[derive(Debug, Clone, Serialize)]
pub struct DeadMail {
    pub id: i32,
    pub to: String,
    pub template: String,
    pub attempts: i32,
    pub error: String,
    pub created_at: chrono::NaiveDateTime,
    /// When it is tried next (failing mail); dead mail is not tried again unless retried.
    pub next_attempt_at: chrono::NaiveDateTime,
}

impl From<crate::db::models::OutboxMessage> for DeadMail {
    fn from(m: crate::db::models::OutboxMessage) -> Self {
        Self {
            id: m.id,
            to: m.to_email,
            template: m.template,
            attempts: m.attempts,
            error: m.last_error,
            created_at: m.created_at,
            next_attempt_at: m.next_attempt_at,
        }
    }
}

/// The staff page: what organizers see, and for admins users, dead mail and settings.
#[derive(Debug, Clone, Serialize)]
pub struct Dashboard {
    pub is_admin: bool,
    /// Reports of makers' conduct awaiting the organizers.
    pub reports: Vec<Report>,
    pub users: Vec<UserRow>,
    pub organizations: Vec<PendingOrganization>,
    pub dead_mail: Vec<DeadMail>,
    /// Mail failing now: tried, not delivered, waiting for its next attempt.
    pub failing_mail: Vec<DeadMail>,
    pub require_2fa: bool,
}

/// A report of a maker's conduct.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub id: i32,
    pub supplier_id: i32,
    pub supplier: String,
    pub reporter: String,
    pub reason: String,
    pub created_at: chrono::NaiveDateTime,
}

/// What a role change asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoleChange {
    GrantOrganizer,
    /// Back to what the account's organization makes it: a buyer in an industrial firm, else a
    /// supplier (an inventor alone, a workshop, a manufacturer, a lab).
    Revoke,
}

impl RoleChange {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "organizer" => Some(Self::GrantOrganizer),
            "member" => Some(Self::Revoke),
            _ => None,
        }
    }
}

/// A need in the review queue, with what an organizer needs to decide.
#[derive(Debug, Clone, Serialize)]
pub struct ReviewItem {
    #[serde(flatten)]
    pub need: NeedView,
    pub firm_name: String,
    /// Its drawings and photos, so the decision needs no other page.
    pub files: Vec<crate::db::models::Attachment>,
}

impl Staff<'_> {
    pub async fn dashboard(&self, me: &User) -> Result<Dashboard, AppError> {
        let is_admin = me.role == Role::Admin;
        self.db
            .run(move |conn| {
                use crate::db::{accounts, catalogue, outbox};
                let users = if is_admin {
                    accounts::list_users(conn)?
                        .into_iter()
                        .map(|u| UserRow {
                            id: u.id,
                            verified: u.is_verified(),
                            name: u.name,
                            role: u.role,
                            totp: u.totp_enabled,
                        })
                        .collect()
                } else {
                    Vec::new()
                };
                let organizations = catalogue::unverified_organizations(conn)?
                    .into_iter()
                    .map(|o| PendingOrganization {
                        id: o.id,
                        name: o.fields.name,
                        kind: o.fields.kind,
                        city: o.fields.city,
                    })
                    .collect();
                let (dead_mail, failing_mail) = if is_admin {
                    (
                        outbox::dead(conn)?
                            .into_iter()
                            .map(DeadMail::from)
                            .collect(),
                        outbox::failing(conn)?
                            .into_iter()
                            .map(DeadMail::from)
                            .collect(),
                    )
                } else {
                    (Vec::new(), Vec::new())
                };
                let require_2fa =
                    accounts::setting(conn, REQUIRE_STAFF_2FA)?.as_deref() == Some("true");
                let reports = crate::db::suppliers::open_reports(conn)?
                    .into_iter()
                    .map(
                        |(id, supplier_id, supplier, reporter, reason, created_at)| Report {
                            id,
                            supplier_id,
                            supplier,
                            reporter,
                            reason,
                            created_at,
                        },
                    )
                    .collect();
                Ok(Dashboard {
                    reports,
                    is_admin,
                    users,
                    organizations,
                    dead_mail,
                    failing_mail,
                    require_2fa,
                })
            })
            .await
    }

    /// Grants or revokes the organizer role. Nobody changes their own role, and admins are not
    /// changed here.
    pub async fn set_role(&self, me: &User, id: i32, change: RoleChange) -> Result<(), AppError> {
        if id == me.id {
            return Err(AppError::Conflict("error.own_role"));
        }
        self.db
            .run(move |conn| {
                let user = crate::db::accounts::find_user(conn, id)?.ok_or(AppError::NotFound)?;
                if user.role == Role::Admin {
                    return Err(AppError::Conflict("error.own_role"));
                }
                // Revoking returns the account to what its organization makes it: a member of
                // an industrial firm is a buyer; an inventor, a workshop or a lab supplies.
                let firm = match user.organization_id {
                    Some(org) => crate::db::catalogue::find_organization(conn, org)?,
                    None => None,
                };
                let role = match change {
                    RoleChange::GrantOrganizer => Role::Organizer,
                    RoleChange::Revoke
                        if firm.is_some_and(|o| o.kind == OrgKind::IndustrialFirm) =>
                    {
                        Role::Buyer
                    }
                    RoleChange::Revoke => Role::Supplier,
                };
                Ok(crate::db::accounts::set_role(conn, id, role)?)
            })
            .await
    }

    pub async fn verify_organization(&self, id: i32) -> Result<(), AppError> {
        let found = self
            .db
            .run(move |conn| {
                Ok(crate::db::catalogue::set_organization_verified(
                    conn, id, true,
                )?)
            })
            .await?;
        found.then_some(()).ok_or(AppError::NotFound)
    }

    /// Puts a dead mail back in the queue and wakes the sender.
    pub async fn retry_mail(&self, id: i32) -> Result<(), AppError> {
        let found = self
            .db
            .run(move |conn| Ok(crate::db::outbox::retry(conn, id)?))
            .await?;
        if !found {
            return Err(AppError::NotFound);
        }
        self.outbox.wake();
        Ok(())
    }

    /// Puts every dead and failing mail back in the queue, due now. Returns how many.
    pub async fn retry_all_mail(&self) -> Result<usize, AppError> {
        let n = self
            .db
            .run(|conn| Ok(crate::db::outbox::retry_all(conn)?))
            .await?;
        self.outbox.wake();
        Ok(n)
    }

    /// Whether staff must use two-step sign-in.
    pub async fn require_staff_2fa(&self, required: bool) -> Result<(), AppError> {
        let value = if required { "true" } else { "false" };
        self.db
            .run(move |conn| {
                Ok(crate::db::accounts::set_setting(
                    conn,
                    REQUIRE_STAFF_2FA,
                    value,
                )?)
            })
            .await
    }

    /// Suspends a maker (out of the directory, no offers) or lifts the suspension; its open
    /// reports are resolved.
    pub async fn suspend_supplier(&self, id: i32, suspended: bool) -> Result<(), AppError> {
        let found = self
            .db
            .run(move |conn| Ok(crate::db::suppliers::suspend(conn, id, suspended)?))
            .await?;
        found.then_some(()).ok_or(AppError::NotFound)
    }

    /// Marks a maker's profile verified by the organizers (a badge).
    pub async fn verify_supplier(&self, id: i32) -> Result<(), AppError> {
        let found = self
            .db
            .run(move |conn| Ok(crate::db::suppliers::set_verified(conn, id, true)?))
            .await?;
        found.then_some(()).ok_or(AppError::NotFound)
    }

    /// Needs awaiting review, oldest first.
    pub async fn review_queue(&self) -> Result<Vec<ReviewItem>, AppError> {
        self.db
            .run(|conn| {
                crate::db::posting::review_queue(conn)?
                    .iter()
                    .map(|row| {
                        Ok(ReviewItem {
                            need: NeedView::from_row(row),
                            firm_name: row.1.name.clone(),
                            files: crate::db::attachments::of_need(conn, row.0.id)?,
                        })
                    })
                    .collect()
            })
            .await
    }
}
