//! Firms' profiles (city, province, description, website), edited by their members and by
//! organizers, and the merging of duplicate firms created by separate sign-ups.

use serde::{Deserialize, Serialize};

use crate::db::firms::{self as q, FirmProfile, Moved};
use crate::db::models::{Organization, User};
use crate::db::Db;
use crate::domain::organization::OrgKind;
use crate::domain::text::{char_len, clean};
use crate::domain::FieldError;
use crate::error::AppError;
use crate::search::SearchIndex;
use crate::state::AppState;

pub struct Firms<'a> {
    pub db: &'a Db,
    pub search: &'a SearchIndex,
}

impl<'a> Firms<'a> {
    pub fn of(state: &'a AppState) -> Self {
        Self {
            db: &state.db,
            search: &state.search,
        }
    }
}

/// The profile form, as typed.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct FirmForm {
    #[serde(default)]
    pub city: String,
    #[serde(default)]
    pub province: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub website: String,
}

impl FirmForm {
    pub fn of(o: &Organization) -> Self {
        Self {
            city: o.fields.city.clone(),
            province: o.fields.province.clone(),
            description: o.fields.description.clone(),
            website: o.fields.website.clone(),
        }
    }

    /// Every wrong field at once.
    pub fn parse(&self) -> Result<FirmProfile, Vec<FieldError>> {
        let mut errors = Vec::new();
        let place = |name: &str, v: &str, errors: &mut Vec<FieldError>| {
            let v = crate::domain::places::canonical_place(&clean(v));
            if char_len(&v) > 60 {
                errors.push(FieldError::new(name, "error.too_long"));
            }
            v
        };
        let city = place("city", &self.city, &mut errors);
        let province = place("province", &self.province, &mut errors);
        let description = self.description.trim().to_string();
        if char_len(&description) > 2_000 {
            errors.push(FieldError::new("description", "error.too_long"));
        }
        let website = self.website.trim().to_string();
        let plain = website.starts_with("https://") || website.starts_with("http://");
        if !website.is_empty()
            && (!plain || website.len() > 200 || website.chars().any(|c| c.is_whitespace()))
        {
            errors.push(FieldError::new("website", "error.website_invalid"));
        }
        if errors.is_empty() {
            Ok(FirmProfile {
                city,
                province,
                description,
                website,
            })
        } else {
            Err(errors)
        }
    }
}

/// Members of a firm and organizers may edit its profile; nobody else.
fn may_edit(user: &User, org: i32) -> Result<(), AppError> {
    if user.is_staff() || (user.is_verified() && user.is_member_of(org)) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

impl Firms<'_> {
    /// The firm and its profile form, for someone who may edit it.
    pub async fn form(&self, user: &User, org: i32) -> Result<(Organization, FirmForm), AppError> {
        may_edit(user, org)?;
        let o = self
            .db
            .run(move |conn| Ok(crate::db::catalogue::find_organization(conn, org)?))
            .await?
            .ok_or(AppError::NotFound)?;
        let form = FirmForm::of(&o);
        Ok((o, form))
    }

    /// Saves a firm's profile; its public needs show the new place (in search too).
    pub async fn save(&self, user: &User, org: i32, form: &FirmForm) -> Result<(), AppError> {
        may_edit(user, org)?;
        let profile = form.parse().map_err(AppError::Invalid)?;
        self.db
            .run(move |conn| {
                crate::db::write_transaction(conn, |conn| {
                    if q::update_profile(conn, org, &profile)? == 0 {
                        return Err(AppError::NotFound);
                    }
                    let ids = crate::db::posting::need_ids_of(conn, org)?;
                    crate::db::search::record_changes(conn, &ids)?;
                    Ok(())
                })
            })
            .await?;
        self.search.notify();
        Ok(())
    }

    /// Every organization with its kind, needs and members, for organizers.
    pub async fn list(&self, user: &User) -> Result<Vec<q::FirmRow>, AppError> {
        if !user.is_staff() {
            return Err(AppError::Forbidden);
        }
        self.db.run(|conn| Ok(q::all(conn)?)).await
    }

    /// Merges a firm registered twice into the other: its needs, members, invitations and desk
    /// cases move over, and it is deleted. Only an industrial firm merges, and only into an
    /// industrial firm: folding a maker's workshop into a firm would make the maker an insider.
    /// The audit log records what moved, in the same transaction.
    pub async fn merge(&self, user: &User, from: i32, into: i32) -> Result<Moved, AppError> {
        if !user.is_staff() {
            return Err(AppError::Forbidden);
        }
        if from == into {
            return Err(AppError::invalid("into", "error.merge_same"));
        }
        let (actor_id, actor) = (user.id, user.email.clone());
        let moved = self
            .db
            .run(move |conn| {
                crate::db::write_transaction(conn, |conn| {
                    for id in [from, into] {
                        let Some(org) = crate::db::catalogue::find_organization(conn, id)? else {
                            return Err(if id == from {
                                AppError::NotFound
                            } else {
                                AppError::invalid("into", "error.firm_unknown")
                            });
                        };
                        if org.fields.kind != OrgKind::IndustrialFirm {
                            return Err(AppError::invalid("into", "error.merge_not_firm"));
                        }
                    }
                    let (moved, ids) = q::merge(conn, from, into)?;
                    crate::db::search::record_changes(conn, &ids)?;
                    crate::db::audit::record(
                        conn,
                        &crate::db::audit::Entry {
                            id: 0,
                            actor_id: Some(actor_id),
                            actor,
                            action: "merge firms".into(),
                            target: format!("from={from} into={into}"),
                            outcome: format!(
                                "moved needs={} members={} desk_cases={} invitations={}",
                                moved.needs, moved.members, moved.desk_cases, moved.invitations
                            ),
                            created_at: chrono::Utc::now().naive_utc(),
                        },
                    )?;
                    Ok(moved)
                })
            })
            .await?;
        self.search.notify();
        Ok(moved)
    }
}
