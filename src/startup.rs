//! Server assembly: the only place that knows actix's `App`.
//!
//! [`Application::build`] takes the state built from a configuration and binds the listener,
//! so tests can ask for port 0 and learn the real port before running it.

use std::net::TcpListener;
use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{Server, ServiceRequest, ServiceResponse};
use actix_web::middleware::{from_fn, Compress, DefaultHeaders, Next};
use actix_web::{web, App, HttpServer};
use anyhow::Context;

use crate::state::AppState;

/// A bound, not yet running server.
pub struct Application {
    port: u16,
    server: Server,
    state: web::Data<AppState>,
}

/// Headers every response carries. No inline script or style is allowed, and nothing is loaded
/// from another host.
fn security_headers(https: bool) -> DefaultHeaders {
    let headers = DefaultHeaders::new()
        .add((
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
             object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        ))
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("Referrer-Policy", "strict-origin-when-cross-origin"))
        .add(("X-Frame-Options", "DENY"))
        .add((
            "Permissions-Policy",
            "camera=(), microphone=(), geolocation=()",
        ));
    if https {
        headers.add((
            "Strict-Transport-Security",
            "max-age=31536000; includeSubDomains",
        ))
    } else {
        headers
    }
}

async fn log_requests(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let start = Instant::now();
    let method = req.method().clone();
    let path = req.path().to_string();
    let res = next.call(req).await?;
    tracing::info!(
        %method,
        %path,
        status = res.status().as_u16(),
        micros = start.elapsed().as_micros() as u64,
        "request"
    );
    Ok(res)
}

impl Application {
    pub fn build(state: AppState) -> anyhow::Result<Self> {
        let listener = TcpListener::bind(&state.config.addr)
            .with_context(|| format!("cannot listen on {}", state.config.addr))?;
        let port = listener.local_addr()?.port();
        state.search.start_worker();
        let state = web::Data::new(state);
        let app_state = state.clone();
        let https = state.config.https();
        let server = HttpServer::new(move || {
            App::new()
                .app_data(state.clone())
                .app_data(web::FormConfig::default().limit(64 * 1024))
                .wrap(from_fn(crate::web::audit::record_staff_actions))
                .wrap(from_fn(crate::web::session::load_session))
                .wrap(from_fn(crate::web::errors::render_errors))
                .wrap(security_headers(https))
                .wrap(Compress::default())
                .wrap(from_fn(log_requests))
                .wrap(from_fn(crate::web::slow_body::pace_bodies))
                .configure(crate::routes::configure)
                .default_service(web::to(crate::web::pages::not_found))
        })
        .listen(listener)?
        .run();
        Ok(Self {
            port,
            server,
            state: app_state,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The state the server runs with (tests drain the outbox through it).
    pub fn state(&self) -> web::Data<AppState> {
        self.state.clone()
    }

    /// Runs the server and the outbox worker until the server stops.
    pub async fn run(self) -> std::io::Result<()> {
        let state = self.state.into_inner();
        let mut worker = actix_web::rt::spawn(crate::jobs::outbox_worker(state.clone()));
        let result = self.server.await;
        // Stopping cleanly: the worker finishes the mail it is handing over (a few seconds at
        // most), and what it claimed and did not send is given back at once for any server.
        state.outbox.stop();
        let stopped = tokio::time::timeout(std::time::Duration::from_secs(10), &mut worker).await;
        let in_flight = if stopped.is_ok() {
            None
        } else {
            worker.abort();
            // Handed over or not, nobody knows: it stays claimed and is sent again only once
            // its claim runs out (the at-least-once window).
            state.outbox.in_flight()
        };
        let holder = state.server_id.clone();
        let given_back = state
            .db
            .run(move |conn| {
                Ok(crate::db::outbox::release_claims(
                    conn, &holder, in_flight, None,
                )?)
            })
            .await;
        match given_back {
            Ok(n) if n > 0 => tracing::info!("gave back {n} claimed mails for sending"),
            Ok(_) => {}
            Err(e) => tracing::warn!("giving back claimed mail: {e}"),
        }
        // Stopping cleanly: another server takes the periodic work over at once.
        let holder = state.server_id.clone();
        let released = state
            .db
            .run(move |conn| {
                Ok(crate::db::jobs::release_lease(
                    conn,
                    crate::jobs::WORKER_LEASE,
                    &holder,
                )?)
            })
            .await;
        if let Err(e) = released {
            tracing::warn!("releasing the periodic work lease: {e}");
        }
        result
    }
}
