//! Account use cases: sign-up, email verification, login with an optional second factor,
//! password reset and change, settings, invitations, deletion, and the staff's controls.
//!
//! Mail is queued in the same transaction as the change that causes it.

use chrono::{Duration, Utc};
use serde_json::json;

use crate::auth::{self, totp};
use crate::db::accounts as q;
use crate::db::models::{EmailToken, NewOrganization, NewUser, User};
use crate::db::outbox::{self, NewMail};
use crate::db::Conn;
use crate::domain::account::{check_name, check_password, check_phone, Email, Role};
use crate::domain::organization::OrgKind;
use crate::domain::text::{clean, compact_key};
use crate::domain::FieldError;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::state::AppState;

/// The handles this service uses: nothing more of the application state.
#[derive(Clone, Copy)]
pub struct Accounts<'a> {
    pub db: &'a crate::db::Db,
    pub outbox: &'a crate::state::Outbox,
    pub config: &'a crate::config::Config,
}

impl<'a> Accounts<'a> {
    /// The handles, taken from the application state.
    pub fn of(state: &'a AppState) -> Self {
        Self {
            db: &state.db,
            outbox: &state.outbox,
            config: &state.config,
        }
    }
}

pub const VERIFY_HOURS: i64 = 48;
pub const RESET_HOURS: i64 = 1;
pub const INVITE_DAYS: i64 = 7;
pub const REQUIRE_STAFF_2FA: &str = "require_staff_2fa";

/// Purposes of email tokens.
pub mod purpose {
    pub const VERIFY: &str = "verify";
    pub const RESET: &str = "reset";
    pub const INVITE: &str = "invite";
}

fn now() -> chrono::NaiveDateTime {
    Utc::now().naive_utc()
}

/// Hashes off the async executor: argon2 takes tens of milliseconds on purpose.
async fn hash(password: String) -> Result<String, AppError> {
    super::off_thread(move || auth::hash_password(&password))
        .await?
        .map_err(AppError::Internal)
}

async fn verify(password: String, hash: String) -> Result<bool, AppError> {
    super::off_thread(move || auth::verify_password(&password, &hash)).await
}

fn new_token(
    conn: &mut Conn,
    purpose: &str,
    user_id: Option<i32>,
    email: &str,
    org: Option<i32>,
    ttl: Duration,
) -> Result<String, AppError> {
    let token = auth::random_token();
    q::insert_token(
        conn,
        &EmailToken {
            token_hash: auth::token_hash(&token),
            purpose: purpose.to_string(),
            user_id,
            email: email.to_string(),
            organization_id: org,
            created_at: now(),
            expires_at: now() + ttl,
            used_at: None,
        },
    )?;
    Ok(token)
}

/// The verification link; `next` (a path on the site, checked by the caller) is where the new
/// account lands once confirmed.
fn verify_link(base_url: &str, token: &str, next: &Option<String>) -> String {
    match next {
        Some(n) => format!(
            "{base_url}/verify?token={token}&next={}",
            percent_encoding::utf8_percent_encode(n, percent_encoding::NON_ALPHANUMERIC)
        ),
        None => format!("{base_url}/verify?token={token}"),
    }
}

fn queue(
    conn: &mut Conn,
    to: &str,
    name: &str,
    template: &str,
    lang: &str,
    context: serde_json::Value,
) -> Result<(), AppError> {
    outbox::enqueue(
        conn,
        NewMail {
            to_email: to,
            to_name: name,
            template,
            lang,
            context,
        },
    )?;
    Ok(())
}

/// What a sign-up form sends.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
pub struct SignupInput {
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub email: String,
    #[serde(default, skip_serializing)]
    pub password: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub organization: String,
    #[serde(default)]
    pub supplier_kind: String,
}

pub enum LoginOutcome {
    Done(User),
    SecondFactor(User),
}

/// Wrong second-factor codes allowed in a row before the second step locks for a while.
pub const SECOND_FACTOR_FREE_TRIES: i32 = 5;
/// The longest lock of the second step.
pub const SECOND_FACTOR_MAX_LOCK_SECS: i64 = 3600;

/// How long the second step stays locked after `failures` wrong codes in a row: nothing for the
/// first few, then 30 seconds doubling up to an hour. Only someone who knows the password reaches
/// this step, so the lock cannot be used to keep anyone else from signing in with theirs.
pub fn second_factor_lock(failures: i32) -> Option<Duration> {
    let over = failures - SECOND_FACTOR_FREE_TRIES;
    if over < 0 {
        return None;
    }
    let secs = 30i64
        .saturating_mul(1i64 << over.min(20))
        .min(SECOND_FACTOR_MAX_LOCK_SECS);
    Some(Duration::seconds(secs))
}

#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
pub struct ProfileInput {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub lang: String,
    #[serde(default)]
    pub notify_alerts: Option<String>,
    #[serde(default)]
    pub notify_news: Option<String>,
}

/// Whether this user may invite colleagues: a verified buyer of a firm (the invitee becomes a
/// buyer of that firm, able to post its needs).
pub fn may_invite(user: &User) -> Result<i32, AppError> {
    if user.email_verified_at.is_none() {
        return Err(AppError::Conflict("error.email_unverified"));
    }
    user.firm().ok_or(AppError::Forbidden)
}

/// The key being set up, if one was made and is not on yet: (secret, otpauth URL, QR SVG).
/// Reads only.
pub fn totp_setup(user: &User) -> Result<Option<(String, String, String)>, AppError> {
    if user.totp_enabled {
        return Err(AppError::Conflict("error.totp_already"));
    }
    let Some(secret) = user.totp_secret.clone() else {
        return Ok(None);
    };
    let url = totp::url(&secret, &user.email)
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("totp url")))?;
    let svg = totp::qr_svg(&url).unwrap_or_default();
    Ok(Some((secret, url, svg)))
}

/// Creates an account from the command line (first admin, organizers), already verified.
pub fn create_user_cli(
    conn: &mut Conn,
    email: &str,
    name: &str,
    role: Role,
    password: &str,
) -> anyhow::Result<i32> {
    create_user_cli_in(conn, email, name, role, password, None)
}

/// Like [`create_user_cli`], in an organization named by `organization` (found however its
/// name is spelled, or created: an industrial firm for a buyer, a workshop for a maker).
pub fn create_user_cli_in(
    conn: &mut Conn,
    email: &str,
    name: &str,
    role: Role,
    password: &str,
    organization: Option<&str>,
) -> anyhow::Result<i32> {
    let organization = organization.map(clean).filter(|o| !o.is_empty());
    let email = Email::parse(email)
        .map_err(|k| anyhow::anyhow!("email: {}", crate::i18n::t(Lang::En, k)))?;
    check_password(password)
        .map_err(|k| anyhow::anyhow!("password: {}", crate::i18n::t(Lang::En, k)))?;
    if q::find_user_by_email(conn, email.as_str())?.is_some() {
        anyhow::bail!("an account with {} already exists", email.as_str());
    }
    let hash = auth::hash_password(password)?;
    let organization_id = match organization {
        None => None,
        Some(org) => Some(
            match crate::db::catalogue::find_organization_by_key(conn, &compact_key(&org))? {
                Some(found) => found.id,
                None => crate::db::catalogue::insert_organization(
                    conn,
                    &NewOrganization {
                        name_key: compact_key(&org),
                        name: org,
                        name_en: String::new(),
                        kind: if role == Role::Buyer {
                            OrgKind::IndustrialFirm
                        } else {
                            OrgKind::Workshop
                        },
                        province: "آذربایجان شرقی".to_string(),
                        city: String::new(),
                        address: String::new(),
                        website: String::new(),
                        phone: String::new(),
                        description: String::new(),
                        verified: false,
                        created_at: now(),
                        updated_at: now(),
                    },
                )?,
            },
        ),
    };
    Ok(q::insert_user(
        conn,
        &NewUser {
            email: email.as_str().to_string(),
            email_verified_at: Some(now()),
            password_hash: hash,
            name: if name.trim().is_empty() {
                email.as_str().to_string()
            } else {
                clean(name)
            },
            phone: String::new(),
            lang: "fa".into(),
            role,
            organization_id,
            created_at: now(),
            updated_at: now(),
        },
    )?)
}

impl Accounts<'_> {
    /// The firm a user belongs to, as their account page names it.
    pub async fn organization_of(
        &self,
        user: &User,
    ) -> Result<Option<crate::services::posting::FirmSummary>, AppError> {
        let Some(id) = user.organization_id else {
            return Ok(None);
        };
        let org = self
            .db
            .run(move |conn| Ok(crate::db::catalogue::find_organization(conn, id)?))
            .await?;
        Ok(org.map(|o| crate::services::posting::FirmSummary {
            id: o.id,
            name: o.fields.name,
            verified: o.fields.verified,
            city: o.fields.city,
        }))
    }

    /// Creates an account and queues the verification mail, whose link (carrying `next`) signs
    /// the new account in. Every problem is reported at once. An address that already has an
    /// account is answered the same way (nothing tells the visitor so): its owner is mailed
    /// instead, with the ways to sign in. Returns the new account's id, if one was made.
    pub async fn signup(
        &self,
        input: SignupInput,
        lang: Lang,
        next: Option<String>,
    ) -> Result<Option<i32>, AppError> {
        let mut errors = Vec::new();
        let role = match Role::parse(&input.role) {
            Some(r @ (Role::Buyer | Role::Supplier)) => Some(r),
            _ => {
                errors.push(FieldError::new("role", "error.role_choose"));
                None
            }
        };
        let name = check_name(&input.name)
            .map_err(|k| errors.push(FieldError::new("name", k)))
            .ok();
        let email = Email::parse(&input.email)
            .map_err(|k| errors.push(FieldError::new("email", k)))
            .ok();
        if let Err(k) = check_password(&input.password) {
            errors.push(FieldError::new("password", k));
        }
        let phone = check_phone(&input.phone)
            .map_err(|k| errors.push(FieldError::new("phone", k)))
            .ok();
        let organization = clean(&input.organization);
        if role == Some(Role::Buyer) && organization.is_empty() {
            errors.push(FieldError::new(
                "organization",
                "error.organization_required",
            ));
        }
        if organization.chars().count() > 150 {
            errors.push(FieldError::new("organization", "error.too_long"));
        }
        let supplier_kind = match (role, input.supplier_kind.as_str()) {
            (Some(Role::Supplier), "workshop") => OrgKind::Workshop,
            (Some(Role::Supplier), "manufacturer") => OrgKind::Manufacturer,
            (Some(Role::Supplier), "research_centre") => OrgKind::ResearchCentre,
            _ => OrgKind::Inventor,
        };
        let (Some(role), Some(name), Some(email), Some(phone), true) =
            (role, name, email, phone, errors.is_empty())
        else {
            return Err(AppError::Invalid(errors));
        };
        let password_hash = hash(input.password).await?;
        let base_url = self.config.base_url.clone();
        let id = self
            .db
            .run(move |conn| {
                crate::db::write_transaction(conn, |conn| {
                    if let Some(owner) = q::find_user_by_email(conn, email.as_str())? {
                        queue(
                            conn,
                            &owner.email,
                            &owner.name,
                            "account_exists",
                            &owner.lang,
                            json!({ "invited_by": "" }),
                        )?;
                        return Ok(None);
                    }
                    let org_id = if !organization.is_empty() {
                        let kind = if role == Role::Buyer {
                            OrgKind::IndustrialFirm
                        } else {
                            supplier_kind
                        };
                        Some(crate::db::catalogue::insert_organization(
                            conn,
                            &NewOrganization {
                                name: organization.clone(),
                                name_en: String::new(),
                                name_key: compact_key(&organization),
                                kind,
                                province: "آذربایجان شرقی".to_string(),
                                city: String::new(),
                                address: String::new(),
                                website: String::new(),
                                phone: String::new(),
                                description: String::new(),
                                verified: false,
                                created_at: now(),
                                updated_at: now(),
                            },
                        )?)
                    } else {
                        None
                    };
                    let id = q::insert_user(
                        conn,
                        &NewUser {
                            email: email.as_str().to_string(),
                            email_verified_at: None,
                            password_hash,
                            name: name.clone(),
                            phone,
                            lang: lang.code().to_string(),
                            role,
                            organization_id: org_id,
                            created_at: now(),
                            updated_at: now(),
                        },
                    )?;
                    let token = new_token(
                        conn,
                        purpose::VERIFY,
                        Some(id),
                        email.as_str(),
                        None,
                        Duration::hours(VERIFY_HOURS),
                    )?;
                    queue(
                        conn,
                        email.as_str(),
                        &name,
                        "verify_email",
                        lang.code(),
                        json!({
                            "link": verify_link(&base_url, &token, &next),
                            "hours": VERIFY_HOURS,
                        }),
                    )?;
                    Ok(Some(id))
                })
            })
            .await?;
        self.outbox.wake();
        Ok(id)
    }

    /// Sends a new verification link to a signed-in, unverified user.
    pub async fn resend_verification(&self, user: &User) -> Result<(), AppError> {
        if user.email_verified_at.is_some() {
            return Ok(());
        }
        let (id, email, name, lang) = (
            user.id,
            user.email.clone(),
            user.name.clone(),
            user.lang.clone(),
        );
        let base_url = self.config.base_url.clone();
        self.db
            .run(move |conn| {
                crate::db::write_transaction(conn, |conn| {
                    let token = new_token(
                        conn,
                        purpose::VERIFY,
                        Some(id),
                        &email,
                        None,
                        Duration::hours(VERIFY_HOURS),
                    )?;
                    queue(
                        conn,
                        &email,
                        &name,
                        "verify_email",
                        &lang,
                        json!({
                            "link": format!("{base_url}/verify?token={token}"),
                            "hours": VERIFY_HOURS,
                        }),
                    )
                })
            })
            .await?;
        self.outbox.wake();
        Ok(())
    }

    /// Whether a token can still be used (for showing a confirmation form before using it).
    pub async fn token_is_valid(
        &self,
        token: &str,
        purpose: &'static str,
    ) -> Result<Option<EmailToken>, AppError> {
        let hash = auth::token_hash(token);
        self.db
            .run(move |conn| Ok(q::peek_token(conn, &hash, purpose)?))
            .await
    }

    /// Uses a verification token; returns the verified user's id.
    /// Confirms the address of a verification link (once). Returns the account when the link
    /// may sign it in: not when it has a second step, which a mailed link cannot stand for.
    pub async fn verify_email(&self, token: &str) -> Result<Option<i32>, AppError> {
        let hash = auth::token_hash(token);
        self.db
            .run(move |conn| {
                crate::db::write_transaction(conn, |conn| {
                    let t = q::take_token(conn, &hash, purpose::VERIFY)?
                        .ok_or(AppError::Conflict("error.token_invalid"))?;
                    let user = t.user_id.ok_or(AppError::Conflict("error.token_invalid"))?;
                    q::mark_verified(conn, user)?;
                    let found = q::find_user(conn, user)?;
                    Ok(found.filter(|u| !u.totp_enabled).map(|u| u.id))
                })
            })
            .await
    }

    /// Checks an email and password. The same error for an unknown email and a wrong password, and
    /// the same work (a dummy hash is verified) so timing tells nothing either.
    pub async fn login(&self, email: &str, password: &str) -> Result<LoginOutcome, AppError> {
        let email = Email::parse(email)
            .map(|e| e.as_str().to_string())
            .unwrap_or_default();
        let user = self
            .db
            .run(move |conn| Ok(q::find_user_by_email(conn, &email)?))
            .await?;
        let Some(user) = user else {
            let password = password.to_string();
            let _ = super::off_thread(move || auth::dummy_verify(&password)).await;
            return Err(AppError::invalid("password", "error.login_failed"));
        };
        if !verify(password.to_string(), user.password_hash.clone()).await? {
            return Err(AppError::invalid("password", "error.login_failed"));
        }
        if user.totp_enabled {
            Ok(LoginOutcome::SecondFactor(user))
        } else {
            Ok(LoginOutcome::Done(user))
        }
    }

    /// Checks a TOTP code or a one-time recovery code for a user. A TOTP code is accepted once (its
    /// time step is remembered), and wrong codes lock the step with a growing back-off.
    pub async fn check_second_factor(&self, user_id: i32, code: &str) -> Result<User, AppError> {
        let code = code.trim().to_string();
        self.db
            .run(move |conn| {
                // The outer result is the database's; the inner one the verdict, so a failure is
                // recorded (the transaction commits) and then reported.
                let verdict = crate::db::write_transaction(
                    conn,
                    |conn| -> Result<Result<User, AppError>, AppError> {
                        let user = q::find_user(conn, user_id)?.ok_or(AppError::Unauthorized)?;
                        let (_, failures, locked_until) = q::second_factor_guard(conn, user_id)?;
                        if locked_until.is_some_and(|t| t > now()) {
                            return Ok(Err(AppError::invalid("code", "error.code_locked")));
                        }
                        let secret = user.totp_secret.clone().unwrap_or_default();
                        let step = user
                            .totp_enabled
                            .then(|| totp::matching_step(&secret, &code))
                            .flatten();
                        if let Some(step) = step {
                            if !q::use_totp_step(conn, user_id, step)? {
                                return Ok(Err(AppError::invalid("code", "error.code_reused")));
                            }
                            q::clear_second_factor_failures(conn, user_id)?;
                            return Ok(Ok(user));
                        }
                        let normalized: String = code
                            .chars()
                            .filter(|c| c.is_ascii_alphanumeric())
                            .collect::<String>()
                            .to_lowercase();
                        if !normalized.is_empty()
                            && q::use_recovery_code(conn, user_id, &auth::token_hash(&normalized))?
                        {
                            q::clear_second_factor_failures(conn, user_id)?;
                            return Ok(Ok(user));
                        }
                        let failures = failures.saturating_add(1);
                        let until = second_factor_lock(failures).map(|d| now() + d);
                        q::record_second_factor_failure(conn, user_id, failures, until)?;
                        // The wrong code that engages the lock says so itself: the fifth.
                        Ok(Err(AppError::invalid(
                            "code",
                            if until.is_some() {
                                "error.code_locked"
                            } else {
                                "error.code_invalid"
                            },
                        )))
                    },
                )?;
                verdict
            })
            .await
    }

    /// Queues a reset link if the address has an account. Says nothing either way.
    pub async fn request_password_reset(&self, email: &str) -> Result<(), AppError> {
        let Ok(email) = Email::parse(email) else {
            return Ok(());
        };
        let email = email.as_str().to_string();
        let base_url = self.config.base_url.clone();
        let queued = self
            .db
            .run(move |conn| {
                crate::db::write_transaction(conn, |conn| {
                    let Some(user) = q::find_user_by_email(conn, &email)? else {
                        return Ok(false);
                    };
                    // Only the newest link works: an older one in a mailbox is no longer a key.
                    q::revoke_tokens(conn, user.id, purpose::RESET)?;
                    let token = new_token(
                        conn,
                        purpose::RESET,
                        Some(user.id),
                        &email,
                        None,
                        Duration::hours(RESET_HOURS),
                    )?;
                    queue(
                        conn,
                        &email,
                        &user.name,
                        "password_reset",
                        &user.lang,
                        json!({
                            "link": format!("{base_url}/password/reset?token={token}"),
                            "hours": RESET_HOURS,
                        }),
                    )?;
                    Ok(true)
                })
            })
            .await?;
        if queued {
            self.outbox.wake();
        }
        Ok(())
    }

    /// Sets a new password with a reset token and ends every session of the account.
    pub async fn reset_password(&self, token: &str, password: String) -> Result<(), AppError> {
        check_password(&password).map_err(|k| AppError::invalid("password", k))?;
        let new_hash = hash(password).await?;
        let token_hash = auth::token_hash(token);
        self.db
            .run(move |conn| {
                crate::db::write_transaction(conn, |conn| {
                    let t = q::take_token(conn, &token_hash, purpose::RESET)?
                        .ok_or(AppError::Conflict("error.token_invalid"))?;
                    let user_id = t.user_id.ok_or(AppError::Conflict("error.token_invalid"))?;
                    let user = q::find_user(conn, user_id)?
                        .ok_or(AppError::Conflict("error.token_invalid"))?;
                    q::set_password(conn, user_id, &new_hash)?;
                    q::revoke_tokens(conn, user_id, purpose::RESET)?;
                    // The link came by mail, so the address works.
                    if user.email_verified_at.is_none() {
                        q::mark_verified(conn, user_id)?;
                    }
                    q::delete_user_sessions(conn, user_id, None)?;
                    queue(
                        conn,
                        &user.email,
                        &user.name,
                        "password_changed",
                        &user.lang,
                        json!({}),
                    )
                })
            })
            .await?;
        self.outbox.wake();
        Ok(())
    }

    /// Changes the password of a signed-in user and ends their other sessions.
    pub async fn change_password(
        &self,
        user: &User,
        session_hash: &str,
        current: String,
        new: String,
    ) -> Result<(), AppError> {
        if !verify(current, user.password_hash.clone()).await? {
            return Err(AppError::invalid(
                "current_password",
                "error.password_wrong",
            ));
        }
        check_password(&new).map_err(|k| AppError::invalid("new_password", k))?;
        let new_hash = hash(new).await?;
        let (id, email, name, lang, keep) = (
            user.id,
            user.email.clone(),
            user.name.clone(),
            user.lang.clone(),
            session_hash.to_string(),
        );
        self.db
            .run(move |conn| {
                crate::db::write_transaction(conn, |conn| {
                    q::set_password(conn, id, &new_hash)?;
                    q::revoke_tokens(conn, id, purpose::RESET)?;
                    q::delete_user_sessions(conn, id, Some(&keep))?;
                    queue(conn, &email, &name, "password_changed", &lang, json!({}))
                })
            })
            .await?;
        self.outbox.wake();
        Ok(())
    }

    pub async fn update_profile(&self, user: &User, input: ProfileInput) -> Result<(), AppError> {
        let mut errors = Vec::new();
        let name = check_name(&input.name)
            .map_err(|k| errors.push(FieldError::new("name", k)))
            .ok();
        let phone = check_phone(&input.phone)
            .map_err(|k| errors.push(FieldError::new("phone", k)))
            .ok();
        let lang = Lang::parse(&input.lang).map(|l| l.code().to_string());
        if lang.is_none() {
            errors.push(FieldError::new("lang", "error.lang"));
        }
        let (Some(name), Some(phone), Some(lang), true) = (name, phone, lang, errors.is_empty())
        else {
            return Err(AppError::Invalid(errors));
        };
        let changes = q::ProfileChanges {
            name,
            phone,
            lang,
            notify_alerts: input.notify_alerts.is_some(),
            notify_news: input.notify_news.is_some(),
            updated_at: now(),
        };
        let id = user.id;
        self.db
            .run(move |conn| Ok(q::update_profile(conn, id, &changes)?))
            .await
    }

    /// Ends every session of the user, this one included.
    pub async fn logout_everywhere(&self, user: &User) -> Result<(), AppError> {
        let id = user.id;
        self.db
            .run(move |conn| Ok(q::delete_user_sessions(conn, id, None).map(|_| ())?))
            .await
    }

    /// Deletes the account's personal data; the firm and its needs stay.
    pub async fn delete_account(&self, user: &User, password: String) -> Result<(), AppError> {
        if !verify(password, user.password_hash.clone()).await? {
            return Err(AppError::invalid("password", "error.password_wrong"));
        }
        let id = user.id;
        self.db
            .run(move |conn| {
                crate::db::write_transaction(conn, |conn| Ok(q::anonymize_user(conn, id)?))
            })
            .await
    }

    /// Invites a colleague to the user's organization. The mail speaks as Niaz and carries no text
    /// the inviter wrote: only the firm's registered name, and only once organizers verified it.
    pub async fn invite(&self, user: &User, email: &str) -> Result<(), AppError> {
        let org_id = may_invite(user)?;
        let email = Email::parse(email).map_err(|k| AppError::invalid("email", k))?;
        let email = email.as_str().to_string();
        let lang = user.lang.clone();
        let base_url = self.config.base_url.clone();
        self.db
            .run(move |conn| {
                crate::db::write_transaction(conn, |conn| {
                    let org = crate::db::catalogue::find_organization(conn, org_id)?
                        .ok_or(AppError::NotFound)?;
                    if !org.verified {
                        return Err(AppError::Conflict("error.invite_not_allowed"));
                    }
                    // An address with an account is answered as any other (the inviter learns
                    // nothing); its owner is told who asked and how to sign in.
                    if let Some(owner) = q::find_user_by_email(conn, &email)? {
                        return queue(
                            conn,
                            &owner.email,
                            &owner.name,
                            "account_exists",
                            &owner.lang,
                            json!({ "invited_by": org.name }),
                        );
                    }
                    let token = new_token(
                        conn,
                        purpose::INVITE,
                        None,
                        &email,
                        Some(org_id),
                        Duration::days(INVITE_DAYS),
                    )?;
                    queue(
                        conn,
                        &email,
                        "",
                        "invitation",
                        &lang,
                        json!({
                            "link": format!("{base_url}/invite?token={token}"),
                            "organization": org.name,
                            "days": INVITE_DAYS,
                        }),
                    )
                })
            })
            .await?;
        self.outbox.wake();
        Ok(())
    }

    /// Accepts an invitation: a verified buyer account in the inviting organization.
    pub async fn accept_invite(
        &self,
        token: &str,
        name: &str,
        password: String,
        lang: Lang,
    ) -> Result<i32, AppError> {
        let mut errors = Vec::new();
        let name = check_name(name)
            .map_err(|k| errors.push(FieldError::new("name", k)))
            .ok();
        if let Err(k) = check_password(&password) {
            errors.push(FieldError::new("password", k));
        }
        let (Some(name), true) = (name, errors.is_empty()) else {
            return Err(AppError::Invalid(errors));
        };
        let password_hash = hash(password).await?;
        let token_hash = auth::token_hash(token);
        self.db
            .run(move |conn| {
                crate::db::write_transaction(conn, |conn| {
                    let t = q::take_token(conn, &token_hash, purpose::INVITE)?
                        .ok_or(AppError::Conflict("error.token_invalid"))?;
                    if q::find_user_by_email(conn, &t.email)?.is_some() {
                        return Err(AppError::Conflict("error.email_taken"));
                    }
                    Ok(q::insert_user(
                        conn,
                        &NewUser {
                            email: t.email.clone(),
                            email_verified_at: Some(now()),
                            password_hash,
                            name,
                            phone: String::new(),
                            lang: lang.code().to_string(),
                            role: Role::Buyer,
                            organization_id: t.organization_id,
                            created_at: now(),
                            updated_at: now(),
                        },
                    )?)
                })
            })
            .await
    }

    /// Starts two-factor setup: a new secret, not yet enabled.
    pub async fn start_totp(&self, user: &User) -> Result<(), AppError> {
        if user.totp_enabled {
            return Err(AppError::Conflict("error.totp_already"));
        }
        let (id, secret) = (user.id, totp::new_secret());
        self.db
            .run(move |conn| Ok(q::set_totp(conn, id, Some(&secret), false)?))
            .await
    }

    /// Enables two-factor sign-in after a correct code; returns ten one-time recovery codes.
    pub async fn enable_totp(&self, user: &User, code: &str) -> Result<Vec<String>, AppError> {
        let secret = user
            .totp_secret
            .clone()
            .ok_or(AppError::Conflict("error.totp_not_started"))?;
        let step = totp::matching_step(&secret, code)
            .ok_or(AppError::invalid("code", "error.code_invalid"))?;
        let codes: Vec<String> = (0..10)
            .map(|_| auth::random_token()[..10].to_string())
            .collect();
        let hashes: Vec<String> = codes.iter().map(|c| auth::token_hash(c)).collect();
        let id = user.id;
        self.db
            .run(move |conn| {
                crate::db::write_transaction(conn, |conn| {
                    q::set_totp(conn, id, Some(&secret), true)?;
                    // The code that turned it on cannot sign in a second time.
                    q::use_totp_step(conn, id, step)?;
                    q::replace_recovery_codes(conn, id, &hashes)?;
                    Ok(())
                })
            })
            .await?;
        Ok(codes)
    }

    pub async fn disable_totp(&self, user: &User, password: String) -> Result<(), AppError> {
        if !verify(password, user.password_hash.clone()).await? {
            return Err(AppError::invalid("password", "error.password_wrong"));
        }
        if user.role.is_staff() && self.staff_2fa_required().await? {
            return Err(AppError::Conflict("error.totp_required"));
        }
        let id = user.id;
        self.db
            .run(move |conn| {
                crate::db::write_transaction(conn, |conn| {
                    q::set_totp(conn, id, None, false)?;
                    q::replace_recovery_codes(conn, id, &[])?;
                    Ok(())
                })
            })
            .await
    }

    pub async fn staff_2fa_required(&self) -> Result<bool, AppError> {
        self.db
            .run(|conn| Ok(q::setting(conn, REQUIRE_STAFF_2FA)?.as_deref() == Some("true")))
            .await
    }
}
