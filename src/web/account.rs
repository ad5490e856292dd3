//! Sign-up, verification, login, password reset, account settings, two-factor setup and
//! invitations. Every form carries the session's CSRF token; every POST checks it.

use std::collections::BTreeMap;

use crate::domain::account::Role;
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};

use super::form::{flash, redirect, safe_next as checked_next, Posted};
use super::session::{self, client_ip, Viewer};
use super::{lang_of, render_status};
use crate::auth::ratelimit::Action;
use crate::auth::throttle::Verdict;
use crate::domain::FieldError;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::services::accounts::{self as svc, purpose, LoginOutcome, ProfileInput, SignupInput};
use crate::state::AppState;

type Page = Result<HttpResponse, AppError>;

use super::error_map;

/// Every form page: its own context, the token its forms carry, and the field errors.
#[derive(Serialize)]
struct FormPage<T> {
    #[serde(flatten)]
    page: T,
    form_csrf: String,
    errors: BTreeMap<String, String>,
}

#[derive(Serialize)]
struct SignupPage {
    values: SignupInput,
    /// Where the new account lands once its address is confirmed (a checked path).
    next: Option<String>,
}

/// Values typed into a form, shown again with its errors.
#[derive(Serialize, Default)]
struct Typed {
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
}

/// A page behind an emailed link (verification, reset, invitation).
#[derive(Serialize)]
struct TokenPage {
    token: String,
    valid: bool,
    email: Option<String>,
    values: Typed,
    next: Option<String>,
}

#[derive(Serialize)]
struct LoginPage {
    next: Option<String>,
    done: Option<String>,
    values: Typed,
}

#[derive(Serialize)]
struct SecondFactorPage {
    next: Option<String>,
}

#[derive(Serialize)]
struct ForgotPage {
    sent: bool,
    values: Typed,
}

#[derive(Serialize)]
struct AccountSummary {
    email: String,
    role: Role,
    verified: bool,
    totp: bool,
}

#[derive(Serialize)]
struct ProfileValues {
    name: String,
    phone: String,
    lang: String,
    notify_alerts: bool,
    notify_news: bool,
}

impl From<&ProfileInput> for ProfileValues {
    fn from(p: &ProfileInput) -> Self {
        Self {
            name: p.name.clone(),
            phone: p.phone.clone(),
            lang: p.lang.clone(),
            notify_alerts: p.notify_alerts.is_some(),
            notify_news: p.notify_news.is_some(),
        }
    }
}

#[derive(Serialize)]
struct SettingsPage {
    user: AccountSummary,
    organization: Option<crate::services::posting::FirmSummary>,
    values: ProfileValues,
    done: Option<String>,
}

#[derive(Serialize, Default)]
struct TotpPage {
    enabled: bool,
    secret: Option<String>,
    url: Option<String>,
    qr: Option<String>,
    recovery_codes: Option<Vec<String>>,
    done: Option<String>,
}

impl TotpPage {
    fn setup(key: Option<(String, String, String)>, done: Option<String>) -> Self {
        match key {
            Some((secret, url, qr)) => Self {
                secret: Some(secret),
                url: Some(url),
                qr: Some(qr),
                done,
                ..Self::default()
            },
            None => Self {
                done,
                ..Self::default()
            },
        }
    }
}

/// Renders a form page, creating a visitor session first if needed (the form needs a token),
/// with the field errors of a failed submission shown next to their fields.
async fn form_page(
    state: &web::Data<AppState>,
    req: &HttpRequest,
    viewer: &Viewer,
    template: &str,
    data: impl Serialize,
    errors: &[FieldError],
) -> Page {
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let mut builder = HttpResponse::build(status);
    let form_csrf = session::ensure(state, req, viewer, &mut builder);
    let data = FormPage {
        page: data,
        form_csrf,
        errors: error_map(lang_of(req), errors),
    };
    let page = render_status(state, req, template, data, status)?;
    for (name, value) in page.headers() {
        // Appended: the page may set a cookie of its own (the language) beside the visitor one.
        builder.append_header((name.clone(), value.clone()));
    }
    // A form page holds a CSRF token: never cache it.
    builder.insert_header((header::CACHE_CONTROL, "no-store"));
    Ok(builder.body(page.into_body()))
}

/// Turns a validation failure into the form again; other errors pass through.
async fn or_form(
    result: Result<HttpResponse, AppError>,
    state: &web::Data<AppState>,
    req: &HttpRequest,
    viewer: &Viewer,
    template: &str,
    data: impl Serialize,
) -> Page {
    match result {
        Err(AppError::Invalid(errors)) => {
            form_page(state, req, viewer, template, data, &errors).await
        }
        other => other,
    }
}

fn limited(
    state: &AppState,
    req: &HttpRequest,
    action: Action,
    account: Option<&str>,
) -> Result<(), AppError> {
    if state.limits.allow(action, client_ip(req, state), account) {
        Ok(())
    } else {
        Err(AppError::TooManyRequests)
    }
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
    done: Option<String>,
    token: Option<String>,
}

/// Starts a new session (signed in, or waiting for the second factor) in place of any visitor
/// session, and redirects.
async fn sign_in_and_go(
    state: &web::Data<AppState>,
    viewer: &Viewer,
    user: Option<i32>,
    pending: Option<i32>,
    to: &str,
) -> Page {
    let mut res = redirect(to);
    session::start(state, viewer.0.as_ref(), user, pending, &mut res).await?;
    Ok(res.finish())
}

/// After a form that creates an account: the new account is signed in and goes on, or the form
/// comes back with its errors.
async fn signed_in_or_form(
    state: &web::Data<AppState>,
    req: &HttpRequest,
    viewer: &Viewer,
    created: Result<i32, AppError>,
    to: &str,
    template: &str,
    data: impl Serialize,
) -> Page {
    let result = match created {
        Ok(id) => sign_in_and_go(state, viewer, Some(id), None, to).await,
        Err(e) => Err(e),
    };
    or_form(result, state, req, viewer, template, data).await
}

/// Ends the session (if any), clears its cookie and redirects.
async fn sign_out_and_go(state: &web::Data<AppState>, viewer: &Viewer, to: &str) -> Page {
    let mut res = redirect(to);
    if let Some(s) = &viewer.0 {
        session::end(state, s, &mut res).await?;
    }
    Ok(res.finish())
}

/// After an account-page form: redirect on success, the page again with the field errors.
async fn settings_or_form(
    result: Result<(), AppError>,
    state: &web::Data<AppState>,
    req: &HttpRequest,
    viewer: &Viewer,
    to: &str,
) -> Page {
    match result {
        Ok(()) => Ok(redirect(to).finish()),
        Err(AppError::Invalid(errors)) => {
            settings_page(state, req, viewer, None, None, &errors).await
        }
        Err(e) => Err(e),
    }
}

/// Where to go after signing in: a checked `next`, else the account page.
fn safe_next(next: Option<&str>) -> String {
    checked_next(next).unwrap_or_else(|| "/account".to_string())
}

// Sign-up

pub async fn signup_form(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    query: web::Query<NextQuery>,
) -> Page {
    if viewer.user().is_some() {
        return Ok(redirect(&safe_next(query.next.as_deref())).finish());
    }
    form_page(
        &state,
        &req,
        &viewer,
        "auth/signup.html",
        SignupPage {
            values: SignupInput {
                role: "supplier".into(),
                ..SignupInput::default()
            },
            next: checked_next(query.next.as_deref()),
        },
        &[],
    )
    .await
}

#[derive(Deserialize)]
pub struct SignupForm {
    #[serde(flatten)]
    input: SignupInput,
    next: Option<String>,
}

pub async fn signup(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    form: Posted<SignupForm>,
) -> Page {
    let form = form.into_inner();
    let next = checked_next(form.next.as_deref());
    // Per client, and per address: an address with an account is mailed on each try.
    let address = crate::auth::throttle::account_key(&form.input.email);
    limited(&state, &req, Action::Signup, Some(&address))?;
    let values = SignupPage {
        values: form.input.clone(),
        next: next.clone(),
    };
    // The same answer whether the address was free or not: a new account is signed in by the
    // link in its confirmation mail, an existing one's owner is told by mail.
    let result = svc::Accounts::of(&state)
        .signup(form.input, lang_of(&req), next)
        .await
        .map(|_| redirect("/login?done=signup_sent").finish());
    or_form(result, &state, &req, &viewer, "auth/signup.html", values).await
}

// Email verification

pub async fn verify_form(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    query: web::Query<NextQuery>,
) -> Page {
    token_form(
        &state,
        &req,
        &viewer,
        &query,
        purpose::VERIFY,
        "auth/verify.html",
    )
    .await
}

/// A page behind an emailed link: shows its form when the token can still be used. Opening the
/// link changes nothing; only the form's POST uses the token.
async fn token_form(
    state: &web::Data<AppState>,
    req: &HttpRequest,
    viewer: &Viewer,
    query: &NextQuery,
    purpose: &'static str,
    template: &str,
) -> Page {
    let token = query.token.clone().unwrap_or_default();
    let valid = svc::Accounts::of(state)
        .token_is_valid(&token, purpose)
        .await?
        .is_some();
    let data = TokenPage {
        token,
        valid,
        email: None,
        values: Typed::default(),
        next: checked_next(query.next.as_deref()),
    };
    form_page(state, req, viewer, template, data, &[]).await
}

#[derive(Deserialize)]
pub struct VerifyForm {
    #[serde(default)]
    token: String,
    next: Option<String>,
}

/// Confirms an address. The link proves the mailbox, so it also signs the account in (unless
/// it has a second step, which the link cannot replace) and goes on to where sign-up began.
pub async fn verify(state: web::Data<AppState>, viewer: Viewer, form: Posted<VerifyForm>) -> Page {
    let user = svc::Accounts::of(&state).verify_email(&form.token).await?;
    let to =
        checked_next(form.next.as_deref()).unwrap_or_else(|| "/account?done=verified".to_string());
    match user {
        Some(id) => sign_in_and_go(&state, &viewer, Some(id), None, &to).await,
        None => Ok(redirect("/login?done=verified").finish()),
    }
}

pub async fn resend_verification(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    _form: Posted<super::form::Empty>,
) -> Page {
    let user = viewer.require_user()?;
    if user.email_verified_at.is_some() {
        return Ok(redirect("/account?done=verified").finish());
    }
    limited(&state, &req, Action::VerificationResend, Some(&user.email))?;
    svc::Accounts::of(&state).resend_verification(user).await?;
    Ok(redirect("/account?done=resent").finish())
}

// Login and logout

pub async fn login_form(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    query: web::Query<NextQuery>,
) -> Page {
    if viewer.user().is_some() {
        return Ok(redirect(&safe_next(query.next.as_deref())).finish());
    }
    let data = LoginPage {
        next: checked_next(query.next.as_deref()),
        done: flash(query.done.as_deref()),
        values: Typed::default(),
    };
    form_page(&state, &req, &viewer, "auth/login.html", data, &[]).await
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    form: Posted<LoginForm>,
) -> Page {
    // Per client, whatever the account; per account only through the throttle, which slows
    // a guessing client and never locks the owner out.
    limited(&state, &req, Action::Login, None)?;
    let account = crate::auth::throttle::account_key(&form.email);
    let client = client_ip(&req, &state);
    match state
        .limits
        .logins
        .verdict(&account, client, std::time::Instant::now())
    {
        Verdict::Wait(_) => return Err(AppError::TooManyRequests),
        Verdict::Check(delay) if !delay.is_zero() => tokio::time::sleep(delay).await,
        Verdict::Check(_) => {}
    }
    let data = LoginPage {
        next: checked_next(form.next.as_deref()),
        done: None,
        values: Typed {
            email: Some(form.email.clone()),
            name: None,
        },
    };
    let result = async {
        let outcome = svc::Accounts::of(&state)
            .login(&form.email, &form.password)
            .await;
        match &outcome {
            Ok(_) => state.limits.logins.succeeded(&account, client),
            Err(AppError::Invalid(_)) => {
                state
                    .limits
                    .logins
                    .failed(&account, client, std::time::Instant::now())
            }
            Err(_) => {}
        }
        match outcome? {
            LoginOutcome::Done(user) => {
                let mut to = safe_next(form.next.as_deref());
                if user.is_staff()
                    && !user.totp_enabled
                    && svc::Accounts::of(&state).staff_2fa_required().await?
                {
                    to = "/account/2fa?done=required".to_string();
                }
                sign_in_and_go(&state, &viewer, Some(user.id), None, &to).await
            }
            LoginOutcome::SecondFactor(user) => {
                let to = format!(
                    "/login/2fa?next={}",
                    super::urlencode(&safe_next(form.next.as_deref()))
                );
                sign_in_and_go(&state, &viewer, None, Some(user.id), &to).await
            }
        }
    }
    .await;
    or_form(result, &state, &req, &viewer, "auth/login.html", data).await
}

pub async fn second_factor_form(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    query: web::Query<NextQuery>,
) -> Page {
    if viewer.0.as_ref().and_then(|s| s.pending_user_id).is_none() {
        return Ok(redirect("/login").finish());
    }
    form_page(
        &state,
        &req,
        &viewer,
        "auth/login_2fa.html",
        SecondFactorPage {
            next: checked_next(query.next.as_deref()),
        },
        &[],
    )
    .await
}

#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
    next: Option<String>,
}

pub async fn second_factor(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    form: Posted<CodeForm>,
) -> Page {
    let pending = viewer
        .0
        .as_ref()
        .and_then(|s| s.pending_user_id)
        .ok_or(AppError::Unauthorized)?;
    limited(
        &state,
        &req,
        Action::Login,
        Some(&format!("user:{pending}")),
    )?;
    let data = SecondFactorPage {
        next: checked_next(form.next.as_deref()),
    };
    let result = async {
        let user = svc::Accounts::of(&state)
            .check_second_factor(pending, &form.code)
            .await?;
        sign_in_and_go(
            &state,
            &viewer,
            Some(user.id),
            None,
            &safe_next(form.next.as_deref()),
        )
        .await
    }
    .await;
    or_form(result, &state, &req, &viewer, "auth/login_2fa.html", data).await
}

pub async fn logout(
    state: web::Data<AppState>,
    viewer: Viewer,
    _form: Posted<super::form::Empty>,
) -> Page {
    sign_out_and_go(&state, &viewer, "/").await
}

// Password reset

pub async fn forgot_form(state: web::Data<AppState>, req: HttpRequest, viewer: Viewer) -> Page {
    form_page(
        &state,
        &req,
        &viewer,
        "auth/forgot.html",
        ForgotPage {
            sent: false,
            values: Typed::default(),
        },
        &[],
    )
    .await
}

#[derive(Deserialize)]
pub struct EmailForm {
    #[serde(default)]
    email: String,
}

pub async fn forgot(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    form: Posted<EmailForm>,
) -> Page {
    limited(
        &state,
        &req,
        Action::PasswordReset,
        Some(&form.email.trim().to_lowercase()),
    )?;
    svc::Accounts::of(&state)
        .request_password_reset(&form.email)
        .await?;
    // The same answer whether or not the address has an account.
    form_page(
        &state,
        &req,
        &viewer,
        "auth/forgot.html",
        ForgotPage {
            sent: true,
            values: Typed::default(),
        },
        &[],
    )
    .await
}

pub async fn reset_form(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    query: web::Query<NextQuery>,
) -> Page {
    token_form(
        &state,
        &req,
        &viewer,
        &query,
        purpose::RESET,
        "auth/reset.html",
    )
    .await
}

#[derive(Deserialize)]
pub struct ResetForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    password: String,
}

pub async fn reset(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    form: Posted<ResetForm>,
) -> Page {
    let form = form.into_inner();
    let data = TokenPage {
        token: form.token.clone(),
        valid: true,
        email: None,
        values: Typed::default(),
        next: None,
    };
    let result = async {
        svc::Accounts::of(&state)
            .reset_password(&form.token, form.password)
            .await?;
        Ok(redirect("/login?done=reset").finish())
    }
    .await;
    or_form(result, &state, &req, &viewer, "auth/reset.html", data).await
}

// Account settings

async fn settings_page(
    state: &web::Data<AppState>,
    req: &HttpRequest,
    viewer: &Viewer,
    done: Option<&str>,
    values: Option<ProfileValues>,
    errors: &[FieldError],
) -> Page {
    let user = viewer.require_user()?;
    let organization = svc::Accounts::of(state).organization_of(user).await?;
    let values = values.unwrap_or_else(|| ProfileValues {
        name: user.name.clone(),
        phone: user.phone.clone(),
        lang: user.lang.clone(),
        notify_alerts: user.notify_alerts,
        notify_news: user.notify_news,
    });
    let data = SettingsPage {
        user: AccountSummary {
            email: user.email.clone(),
            role: user.role,
            verified: user.is_verified(),
            totp: user.totp_enabled,
        },
        organization,
        values,
        done: done.map(str::to_string),
    };
    form_page(state, req, viewer, "account/settings.html", data, errors).await
}

pub async fn settings(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    query: web::Query<NextQuery>,
) -> Page {
    settings_page(
        &state,
        &req,
        &viewer,
        flash(query.done.as_deref()).as_deref(),
        None,
        &[],
    )
    .await
}

#[derive(Deserialize)]
pub struct ProfileForm {
    #[serde(flatten)]
    input: ProfileInput,
}

pub async fn update_profile(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    form: Posted<ProfileForm>,
) -> Page {
    let user = viewer.require_user()?;
    let form = form.into_inner();
    let values = ProfileValues::from(&form.input);
    match svc::Accounts::of(&state)
        .update_profile(user, form.input.clone())
        .await
    {
        Ok(()) => {
            // The account's language becomes the site's language too.
            let mut res = redirect("/account?done=saved");
            if let Some(lang) = Lang::parse(&form.input.lang) {
                res.cookie(
                    actix_web::cookie::Cookie::build(super::LANG_COOKIE, lang.code())
                        .path("/")
                        .max_age(actix_web::cookie::time::Duration::days(365))
                        .same_site(actix_web::cookie::SameSite::Lax)
                        .http_only(true)
                        .finish(),
                );
            }
            Ok(res.finish())
        }
        Err(AppError::Invalid(errors)) => {
            settings_page(&state, &req, &viewer, None, Some(values), &errors).await
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
}

pub async fn change_password(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    form: Posted<PasswordForm>,
) -> Page {
    let user = viewer.require_user()?;
    let session = viewer.0.as_ref().ok_or(AppError::Unauthorized)?;
    let form = form.into_inner();
    let result = svc::Accounts::of(&state)
        .change_password(
            user,
            &session.id_hash,
            form.current_password,
            form.new_password,
        )
        .await;
    settings_or_form(result, &state, &req, &viewer, "/account?done=password").await
}

pub async fn logout_everywhere(
    state: web::Data<AppState>,
    viewer: Viewer,
    _form: Posted<super::form::Empty>,
) -> Page {
    let user = viewer.require_user()?;
    svc::Accounts::of(&state).logout_everywhere(user).await?;
    sign_out_and_go(&state, &viewer, "/login?done=everywhere").await
}

#[derive(Deserialize)]
pub struct DeleteForm {
    #[serde(default)]
    password: String,
}

pub async fn delete_account(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    form: Posted<DeleteForm>,
) -> Page {
    let user = viewer.require_user()?;
    match svc::Accounts::of(&state)
        .delete_account(user, form.into_inner().password)
        .await
    {
        Ok(()) => sign_out_and_go(&state, &viewer, "/login?done=deleted").await,
        failed => settings_or_form(failed, &state, &req, &viewer, "/account").await,
    }
}

pub async fn invite(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    form: Posted<EmailForm>,
) -> Page {
    let user = viewer.require_verified()?;
    svc::may_invite(user)?;
    limited(
        &state,
        &req,
        Action::Invite,
        Some(&format!("user:{}", user.id)),
    )?;
    let result = svc::Accounts::of(&state).invite(user, &form.email).await;
    settings_or_form(result, &state, &req, &viewer, "/account?done=invited").await
}

pub async fn invite_form(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    query: web::Query<NextQuery>,
) -> Page {
    let token = query.token.clone().unwrap_or_default();
    let found = svc::Accounts::of(&state)
        .token_is_valid(&token, purpose::INVITE)
        .await?;
    let data = TokenPage {
        token,
        valid: found.is_some(),
        email: found.map(|t| t.email),
        values: Typed::default(),
        next: None,
    };
    form_page(&state, &req, &viewer, "auth/invite.html", data, &[]).await
}

#[derive(Deserialize)]
pub struct AcceptForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
}

pub async fn accept_invite(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    form: Posted<AcceptForm>,
) -> Page {
    let form = form.into_inner();
    let data = TokenPage {
        token: form.token.clone(),
        valid: true,
        email: None,
        values: Typed {
            email: None,
            name: Some(form.name.clone()),
        },
        next: None,
    };
    let created = svc::Accounts::of(&state)
        .accept_invite(&form.token, &form.name, form.password, lang_of(&req))
        .await;
    let to = "/account?done=joined";
    signed_in_or_form(&state, &req, &viewer, created, to, "auth/invite.html", data).await
}

// Two-factor sign-in

/// The two-step sign-in page. Opening it changes nothing: a key is made only by the POST of
/// [`totp_setup`].
pub async fn totp_page(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    query: web::Query<NextQuery>,
) -> Page {
    let user = viewer.require_user()?;
    let done = flash(query.done.as_deref());
    let data = if user.totp_enabled {
        TotpPage {
            enabled: true,
            done,
            ..TotpPage::default()
        }
    } else {
        TotpPage::setup(svc::totp_setup(user)?, done)
    };
    form_page(&state, &req, &viewer, "account/2fa.html", data, &[]).await
}

/// Makes a new two-step key (not yet on) and shows it.
pub async fn totp_setup(
    state: web::Data<AppState>,
    viewer: Viewer,
    _form: Posted<super::form::Empty>,
) -> Page {
    let user = viewer.require_user()?;
    svc::Accounts::of(&state).start_totp(user).await?;
    Ok(super::form::see_other("/account/2fa"))
}

pub async fn totp_enable(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    form: Posted<CodeForm>,
) -> Page {
    let user = viewer.require_user()?;
    match svc::Accounts::of(&state)
        .enable_totp(user, &form.code)
        .await
    {
        Ok(codes) => {
            form_page(
                &state,
                &req,
                &viewer,
                "account/2fa.html",
                TotpPage {
                    enabled: true,
                    recovery_codes: Some(codes),
                    ..TotpPage::default()
                },
                &[],
            )
            .await
        }
        Err(AppError::Invalid(errors)) => {
            let (secret, url, svg) =
                svc::totp_setup(user)?.ok_or(AppError::Conflict("error.totp_not_started"))?;
            form_page(
                &state,
                &req,
                &viewer,
                "account/2fa.html",
                TotpPage::setup(Some((secret, url, svg)), None),
                &errors,
            )
            .await
        }
        Err(e) => Err(e),
    }
}

pub async fn totp_disable(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    form: Posted<DeleteForm>,
) -> Page {
    let user = viewer.require_user()?;
    match svc::Accounts::of(&state)
        .disable_totp(user, form.into_inner().password)
        .await
    {
        Ok(()) => Ok(redirect("/account?done=totp_off").finish()),
        Err(AppError::Invalid(errors)) => {
            form_page(
                &state,
                &req,
                &viewer,
                "account/2fa.html",
                TotpPage {
                    enabled: true,
                    ..TotpPage::default()
                },
                &errors,
            )
            .await
        }
        Err(e) => Err(e),
    }
}
