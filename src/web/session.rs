//! Server-side sessions, the signed-in viewer and CSRF checks.
//!
//! The cookie holds a random id; the database holds its SHA-256 with the user, a CSRF token and
//! the expiry, so logout, "log out everywhere" and password changes really end sessions. A new
//! id is issued at login. Visitors never get a database row: the forms they use (login, sign-up,
//! password reset) carry a random visitor token that is also set as a cookie (double submit,
//! plus the `Origin` check), so opening a page never writes to the database.
//!
//! This is also the one place where mandatory two-step sign-in for staff is enforced: a staff
//! member without it, when the setting is on, is loaded with no staff powers at all (see
//! [`Session::user`]), so no page, upload, download or API call can use them.

use std::future::{ready, Ready};

use actix_web::body::{EitherBody, MessageBody};
use actix_web::cookie::{time::Duration as CookieDuration, Cookie, SameSite};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest, HttpResponseBuilder};
use chrono::Utc;

use crate::auth;
use crate::db::accounts as q;
use crate::db::models::{SessionRow, User};
use crate::domain::account::Role;
use crate::error::AppError;
use crate::state::AppState;

/// The session of the current request, loaded by [`load_session`].
#[derive(Debug, Clone)]
pub struct Session {
    pub id_hash: String,
    pub csrf: String,
    /// The user as they may act now. A staff member who must set up two-step sign-in first has
    /// their staff powers withheld here (`User::staff_powers_withheld`), so every service that
    /// asks `User::is_staff` sees no staff.
    pub user: Option<User>,
    /// Password checked, second factor not yet.
    pub pending_user_id: Option<i32>,
    /// The staff role this user holds but may not use until two-step sign-in is on.
    pub staff_role_withheld: Option<Role>,
}

impl Session {
    pub fn role(&self) -> Option<Role> {
        self.user.as_ref().map(|u| u.role)
    }
}

pub fn cookie_name(state: &AppState) -> &'static str {
    if state.config.https() {
        "__Host-niaz"
    } else {
        "niaz_session"
    }
}

/// Middleware: loads the session named by the cookie, if any, into the request.
pub async fn load_session(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let cookie = state
        .as_ref()
        .and_then(|s| req.cookie(cookie_name(s)))
        .map(|c| c.value().to_string());
    if let (Some(state), Some(value)) = (state, cookie) {
        match fetch(&state, &value).await {
            Ok(Some(session)) => {
                req.extensions_mut().insert(session);
            }
            Ok(None) => {}
            // A database that cannot answer is an error, never "signed out".
            Err(e) => return Ok(req.error_response(e).map_into_right_body()),
        }
    }
    next.call(req)
        .await
        .map(ServiceResponse::map_into_left_body)
}

async fn fetch(state: &web::Data<AppState>, cookie: &str) -> Result<Option<Session>, AppError> {
    let hash = auth::token_hash(cookie);
    let idle = state.config.session_idle;
    state
        .db
        .run(move |conn| {
            let Some(row) = q::find_session(conn, &hash)? else {
                return Ok(None);
            };
            let now = Utc::now().naive_utc();
            if row.expires_at < now || row.last_seen_at + idle < now {
                q::delete_session(conn, &hash)?;
                return Ok(None);
            }
            // Record activity at most once a minute: one write per page would be waste.
            if now - row.last_seen_at > chrono::Duration::minutes(1) {
                q::touch_session(conn, &hash)?;
            }
            let mut user = match row.user_id {
                Some(id) => match q::find_user(conn, id)? {
                    Some(u) => Some(u),
                    None => {
                        q::delete_session(conn, &hash)?;
                        return Ok(None);
                    }
                },
                None => None,
            };
            let mut staff_role_withheld = None;
            if let Some(u) = user.as_mut() {
                if u.role.is_staff()
                    && !u.totp_enabled
                    && q::setting(conn, crate::services::accounts::REQUIRE_STAFF_2FA)?.as_deref()
                        == Some("true")
                {
                    staff_role_withheld = Some(u.role);
                    u.staff_powers_withheld = true;
                }
            }
            Ok(Some(Session {
                id_hash: hash,
                csrf: row.csrf_token,
                user,
                pending_user_id: row.pending_user_id,
                staff_role_withheld,
            }))
        })
        .await
}

/// The session of a request, as an extractor (`None` for visitors without one).
pub struct Viewer(pub Option<Session>);

impl FromRequest for Viewer {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(Viewer(req.extensions().get::<Session>().cloned())))
    }
}

impl Viewer {
    /// The viewer of a request (what the extractor gives).
    pub fn of(req: &HttpRequest) -> Self {
        Viewer(req.extensions().get::<Session>().cloned())
    }

    pub fn user(&self) -> Option<&User> {
        self.0.as_ref().and_then(|s| s.user.as_ref())
    }

    /// A signed-in user, or 401 (pages turn that into a redirect to the login form).
    pub fn require_user(&self) -> Result<&User, AppError> {
        self.user().ok_or(AppError::Unauthorized)
    }

    /// A signed-in user with a verified email address.
    pub fn require_verified(&self) -> Result<&User, AppError> {
        let user = self.require_user()?;
        if user.email_verified_at.is_none() {
            return Err(AppError::Conflict("error.email_unverified"));
        }
        Ok(user)
    }

    /// A verified user with one of these roles. A staff member whose role is withheld until
    /// two-step sign-in is set up is told so (409), not refused as a stranger.
    pub fn require_role(&self, roles: &[Role]) -> Result<&User, AppError> {
        let user = self.require_verified()?;
        if let Some(held) = self.0.as_ref().and_then(|s| s.staff_role_withheld) {
            if roles.contains(&held) {
                return Err(AppError::Conflict("error.totp_required"));
            }
        }
        if roles.contains(&user.role) {
            Ok(user)
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// An organizer or admin, with two-step sign-in when the site requires it.
    pub fn require_staff(&self) -> Result<&User, AppError> {
        self.require_role(&[Role::Organizer, Role::Admin])
    }
}

/// Starts a new session (fresh id and CSRF token) and sets its cookie on the response. Any
/// session the request had is ended first, so an id planted before login is useless after it.
pub async fn start(
    state: &web::Data<AppState>,
    old: Option<&Session>,
    user_id: Option<i32>,
    pending_user_id: Option<i32>,
    res: &mut HttpResponseBuilder,
) -> Result<String, AppError> {
    let id = auth::random_token();
    let csrf = auth::random_token();
    let now = Utc::now().naive_utc();
    let row = SessionRow {
        id_hash: auth::token_hash(&id),
        user_id,
        pending_user_id,
        csrf_token: csrf.clone(),
        created_at: now,
        last_seen_at: now,
        expires_at: now + state.config.session_absolute,
    };
    let old_hash = old.map(|s| s.id_hash.clone());
    state
        .db
        .run(move |conn| {
            if let Some(h) = old_hash {
                q::delete_session(conn, &h)?;
            }
            q::insert_session(conn, &row)?;
            Ok(())
        })
        .await?;
    res.cookie(session_cookie(state, &id, false));
    Ok(csrf)
}

fn session_cookie(state: &AppState, value: &str, clear: bool) -> Cookie<'static> {
    let mut c = Cookie::build(cookie_name(state), value.to_string())
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.config.https())
        .finish();
    if clear {
        c.set_max_age(CookieDuration::ZERO);
    } else {
        c.set_max_age(CookieDuration::seconds(
            state.config.session_absolute.num_seconds(),
        ));
    }
    c
}

/// Ends the session and clears the cookie.
pub async fn end(
    state: &web::Data<AppState>,
    session: &Session,
    res: &mut HttpResponseBuilder,
) -> Result<(), AppError> {
    let hash = session.id_hash.clone();
    state
        .db
        .run(move |conn| Ok(q::delete_session(conn, &hash)?))
        .await?;
    res.cookie(session_cookie(state, "", true));
    Ok(())
}

fn visitor_cookie_name(state: &AppState) -> &'static str {
    if state.config.https() {
        "__Host-niaz-visitor"
    } else {
        "niaz_visitor"
    }
}

/// The visitor token of a request without a session, from its cookie.
pub fn visitor_token(req: &HttpRequest) -> Option<String> {
    let state = req.app_data::<web::Data<AppState>>()?;
    req.cookie(visitor_cookie_name(state))
        .map(|c| c.value().to_string())
        .filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The CSRF token for a form: the session's, or for a visitor the token of their visitor
/// cookie (set now if missing). Nothing is written to the database.
pub fn ensure(
    state: &AppState,
    req: &HttpRequest,
    viewer: &Viewer,
    res: &mut HttpResponseBuilder,
) -> String {
    if let Some(s) = &viewer.0 {
        return auth::mask_token(&s.csrf);
    }
    if let Some(t) = visitor_token(req) {
        return auth::mask_token(&t);
    }
    let token = auth::random_token();
    res.cookie(
        Cookie::build(visitor_cookie_name(state), token.clone())
            .path("/")
            .http_only(true)
            .same_site(SameSite::Lax)
            .secure(state.config.https())
            .finish(),
    );
    auth::mask_token(&token)
}

/// Whether a form's token is the session's (or, for a visitor, the visitor cookie's).
pub fn csrf_matches(req: &HttpRequest, viewer: &Viewer, token: &str) -> bool {
    let Some(token) = auth::unmask_token(token) else {
        return false;
    };
    let token = token.as_str();
    match &viewer.0 {
        Some(s) => auth::same(&s.csrf, token),
        None => visitor_token(req).is_some_and(|v| auth::same(&v, token)),
    }
}

/// Checks that a state-changing request comes from this site: the `Origin` (or
/// `Sec-Fetch-Site`) must not be another site, and the form's token must match.
pub fn check_csrf(req: &HttpRequest, viewer: &Viewer, token: &str) -> Result<(), AppError> {
    check_origin(req)?;
    if csrf_matches(req, viewer, token) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// The `Origin` half of the CSRF check, also used alone for harmless forms (language switch).
pub fn check_origin(req: &HttpRequest) -> Result<(), AppError> {
    if let Some(site) = req
        .headers()
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
    {
        if site == "cross-site" || site == "same-site" {
            return Err(AppError::Forbidden);
        }
    }
    if let Some(origin) = req
        .headers()
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
    {
        let state = req.app_data::<web::Data<AppState>>();
        let host = req
            .headers()
            .get(header::HOST)
            .and_then(|v| v.to_str().ok());
        let authority = origin.split("://").nth(1).unwrap_or("");
        let matches_base = state.is_some_and(|s| origin == s.config.base_url);
        let matches_host = host.is_some_and(|h| h == authority);
        if !(matches_base || matches_host) {
            return Err(AppError::Forbidden);
        }
    }
    Ok(())
}

/// The client address for rate limits: the socket peer, or the last `X-Forwarded-For` hop when
/// the peer is the configured trusted proxy.
pub fn client_ip(req: &HttpRequest, state: &AppState) -> Option<std::net::IpAddr> {
    let peer = req.peer_addr().map(|a| a.ip());
    match (peer, state.config.trusted_proxy) {
        (Some(p), Some(proxy)) if p == proxy => req
            .headers()
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .and_then(|ip| ip.trim().parse().ok())
            .or(peer),
        _ => peer,
    }
}
