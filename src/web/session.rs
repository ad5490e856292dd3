//! Server-side sessions, the signed-in viewer and CSRF checks.
//!
//! The cookie holds a random id; the database holds its SHA-256 with the user, a CSRF token and
//! the expiry, so logout, "log out everywhere" and password changes really end sessions. A new
//! id is issued at login. Visitors get a session only when they open a form that needs a CSRF
//! token (login, sign-up, password reset), so browsing and search stay free of writes.

use std::future::{ready, Ready};

use actix_web::body::MessageBody;
use actix_web::cookie::{time::Duration as CookieDuration, Cookie, SameSite};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest, HttpResponseBuilder};
use chrono::Utc;

use crate::app::AppState;
use crate::auth;
use crate::db::accounts as q;
use crate::db::models::{SessionRow, User};
use crate::domain::account::Role;
use crate::error::AppError;

/// The session of the current request, loaded by [`load_session`].
#[derive(Debug, Clone)]
pub struct Session {
    pub id_hash: String,
    pub csrf: String,
    pub user: Option<User>,
    /// Password checked, second factor not yet.
    pub pending_user_id: Option<i32>,
}

impl Session {
    pub fn role(&self) -> Option<Role> {
        self.user.as_ref().and_then(|u| Role::parse(&u.role))
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
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let cookie = state
        .as_ref()
        .and_then(|s| req.cookie(cookie_name(s)))
        .map(|c| c.value().to_string());
    if let (Some(state), Some(value)) = (state, cookie) {
        if let Ok(Some(session)) = fetch(&state, &value).await {
            req.extensions_mut().insert(session);
        }
    }
    next.call(req).await
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
            let user = match row.user_id {
                Some(id) => match q::find_user(conn, id)? {
                    Some(u) => Some(u),
                    None => {
                        q::delete_session(conn, &hash)?;
                        return Ok(None);
                    }
                },
                None => None,
            };
            Ok(Some(Session {
                id_hash: hash,
                csrf: row.csrf_token,
                user,
                pending_user_id: row.pending_user_id,
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

    pub fn require_role(&self, roles: &[Role]) -> Result<&User, AppError> {
        let user = self.require_verified()?;
        match Role::parse(&user.role) {
            Some(r) if roles.contains(&r) => Ok(user),
            _ => Err(AppError::Forbidden),
        }
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

/// A session for a form: the existing one, or a new anonymous one. Returns the CSRF token to put
/// in the form.
pub async fn ensure(
    state: &web::Data<AppState>,
    viewer: &Viewer,
    res: &mut HttpResponseBuilder,
) -> Result<String, AppError> {
    match &viewer.0 {
        Some(s) => Ok(s.csrf.clone()),
        None => start(state, None, None, None, res).await,
    }
}

/// Checks that a state-changing request comes from this site: the `Origin` (or
/// `Sec-Fetch-Site`) must not be another site, and the form's token must match the session's.
pub fn check_csrf(req: &HttpRequest, viewer: &Viewer, token: &str) -> Result<(), AppError> {
    check_origin(req)?;
    match &viewer.0 {
        Some(s) if !token.is_empty() && auth::same(&s.csrf, token) => Ok(()),
        _ => Err(AppError::Forbidden),
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
