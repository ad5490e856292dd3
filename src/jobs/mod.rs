//! Background work in the server process. The outbox worker sends queued mail with retries and
//! exponential backoff; after [`MAX_ATTEMPTS`] failures a message is dead and shown to admins.
//! With several servers on one database every one sends mail, and one at a time, the holder of
//! the periodic lease, does the rest.

use std::sync::Arc;
use std::time::Duration;

use crate::db::outbox;
use crate::state::AppState;

pub const MAX_ATTEMPTS: i32 = 8;

/// Sends every message that is due now. Returns (sent, failed). Tests call this directly.
pub async fn run_pending_once(state: &AppState) -> anyhow::Result<(usize, usize)> {
    if state.outbox.is_stopping() {
        return Ok((0, 0));
    }
    let holder = state.server_id.clone();
    let lease = chrono::Duration::from_std(state.mailer.claim_lease())
        .unwrap_or(chrono::Duration::minutes(15));
    let due = state
        .db
        .run(move |conn| Ok(outbox::claim_due(conn, 50, &holder, lease)?))
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let (mut sent, mut failed) = (0, 0);
    for msg in due {
        if state.outbox.is_stopping() {
            break; // the rest is given back by the stop (see `startup`)
        }
        state.outbox.set_in_flight(Some(msg.id));
        let outcome = state.mailer.send(&state.templates, &msg).await;
        state.outbox.set_in_flight(None);
        match outcome {
            Ok(()) => {
                let id = msg.id;
                state
                    .db
                    .run(move |conn| Ok(outbox::mark_sent(conn, id)?))
                    .await
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
                sent += 1;
            }
            Err(e) => {
                tracing::warn!(
                    mail = msg.id,
                    attempt = msg.attempts + 1,
                    "sending mail failed: {e:#}"
                );
                let error = format!("{e:#}");
                state
                    .db
                    .run(move |conn| Ok(outbox::mark_failed(conn, &msg, &error, MAX_ATTEMPTS)?))
                    .await
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
                failed += 1;
            }
        }
    }
    Ok((sent, failed))
}

/// Days before expiry when the firm is reminded.
pub const REMINDER_DAYS: i64 = 14;

/// Expiry of published needs: gives new ones an expiry date, reminds firms of needs expiring
/// within [`REMINDER_DAYS`] (once), and expires the overdue ones. Returns (reminded, expired).
pub async fn run_lifecycle_once(state: &AppState) -> anyhow::Result<(usize, usize)> {
    let lifetime = state.config.need_lifetime;
    let base_url = state.config.base_url.clone();
    let result = state
        .db
        .run(move |conn| {
            crate::db::write_transaction(conn, |conn| {
                let now = chrono::Utc::now().naive_utc();
                crate::db::lifecycle::assign_expiry(conn, lifetime)?;
                let due = crate::db::lifecycle::due_reminders(conn, now + chrono::Duration::days(REMINDER_DAYS))?;
                for (id, org, title, title_en, expires) in &due {
                    for member in crate::db::posting::members(conn, *org)? {
                        let lang = crate::i18n::Lang::parse(&member.lang).unwrap_or_default();
                        outbox::enqueue(conn, outbox::NewMail {
                            to_email: &member.email,
                            to_name: &member.name,
                            template: "need_expiring",
                            lang: lang.code(),
                            context: serde_json::json!({
                                "title": title,
                                "title_en": title_en,
                                "date": crate::i18n::format_date(crate::i18n::local_date(*expires), lang),
                                "link": format!("{base_url}/my/needs"),
                            }),
                        })?;
                    }
                    crate::db::lifecycle::mark_reminded(conn, *id, now)?;
                }
                let expired = crate::db::lifecycle::expired(conn, now)?;
                for id in &expired {
                    crate::services::need_status::apply(conn, *id, crate::domain::need::NeedEvent::Expired)?;
                }
                Ok((due.len(), expired.len()))
            })
        })
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    if result != (0, 0) {
        state.search.notify();
        state.outbox.wake();
    }
    Ok(result)
}

/// Asks both sides of introductions made `NIAZ_FOLLOWUP_DAYS` ago how it went. Returns how
/// many introductions were followed up.
pub async fn run_followups_once(state: &AppState) -> anyhow::Result<usize> {
    let config = state.config.clone();
    let n = state
        .db
        .run(move |conn| crate::services::interests::followup_due(conn, &config))
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    if n > 0 {
        state.outbox.wake();
    }
    Ok(n)
}

/// Escalates the production desk's overdue cases to its supervisor. Returns how many.
pub async fn run_desk_once(state: &AppState, now: chrono::NaiveDateTime) -> anyhow::Result<usize> {
    let config = state.config.clone();
    let n = state
        .db
        .run(move |conn| crate::services::desk::escalate_overdue(conn, &config, now))
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    if n > 0 {
        state.outbox.wake();
    }
    Ok(n)
}

/// Matches newly published needs against saved searches and maker profiles, then mails the
/// instant alerts (within the daily cap). Returns (announcements, mails queued).
pub async fn run_alerts_once(state: &AppState) -> anyhow::Result<(usize, usize)> {
    let search = state.search.clone();
    let matcher = state.matcher.clone();
    let categories = state.categories.clone();
    let config = state.config.clone();
    let links = state.links.clone();
    let result = state
        .db
        .run(move |conn| {
            let now = chrono::Utc::now();
            let matched = crate::services::alerts::match_published(
                conn,
                &search,
                &matcher,
                &categories,
                now,
            )?;
            let mailed = crate::services::alerts::send_instant(conn, &links, &config, now)?;
            Ok((matched, mailed))
        })
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    if result.1 > 0 {
        state.outbox.wake();
    }
    Ok(result)
}

/// Sends the digests due at `now` (each once per user, kind and period). Returns how many.
pub async fn run_digests_once(
    state: &AppState,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<usize> {
    let config = state.config.clone();
    let links = state.links.clone();
    let n = state
        .db
        .run(move |conn| crate::services::alerts::send_digests(conn, &links, &config, now))
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    if n > 0 {
        state.outbox.wake();
    }
    Ok(n)
}

/// What [`run_housekeeping_once`] removed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Swept {
    pub sessions: usize,
    pub mails: usize,
    pub tokens: usize,
    pub import_files: usize,
    /// Uploaded files no row names (a write that failed after the file was stored).
    pub stray_uploads: usize,
    /// Index generations left by a rebuild that was killed, or replaced while a search held
    /// them.
    pub index_debris: usize,
}

/// How old a stray file must be before housekeeping removes it: an upload being saved right
/// now has its file before its row.
pub const DEBRIS_AGE: Duration = Duration::from_secs(3600);

/// How long an uploaded spreadsheet waits for its confirmation.
pub const IMPORT_FILE_HOURS: u64 = 24;

/// Removes what must not be kept: ended sessions, sent mail past its retention (its links are
/// secrets), long-expired email tokens, import uploads never confirmed, and rate-limit keys
/// whose budget is whole again.
pub async fn run_housekeeping_once(state: &AppState) -> anyhow::Result<Swept> {
    let idle = state.config.session_idle;
    let retention = state.config.mail_retention;
    let (sessions, mails, tokens, named, _keys) = state
        .db
        .run(move |conn| {
            let now = chrono::Utc::now().naive_utc();
            Ok((
                crate::db::accounts::delete_expired_sessions(conn, idle)?,
                outbox::purge_old(conn, now - retention)?,
                crate::db::accounts::delete_old_tokens(conn, now - retention)?,
                crate::db::attachments::stored_names(conn)?,
                crate::db::submissions::purge(conn, now - chrono::Duration::days(1))?,
            ))
        })
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut import_files = 0;
    let dir = state.config.data_dir.join("imports");
    if let Ok(entries) = std::fs::read_dir(&dir) {
        let max_age = Duration::from_secs(IMPORT_FILE_HOURS * 3600);
        for entry in entries.flatten() {
            let old = entry
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age > max_age);
            if old && std::fs::remove_file(entry.path()).is_ok() {
                import_files += 1;
            }
        }
    }
    let mut stray_uploads = 0;
    if let Ok(entries) = std::fs::read_dir(state.config.data_dir.join("uploads")) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().to_string();
            let old = entry
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age > DEBRIS_AGE);
            if old && !named.contains(&name) && std::fs::remove_file(entry.path()).is_ok() {
                stray_uploads += 1;
            }
        }
    }
    let index_debris = state.search.remove_debris(DEBRIS_AGE);
    state.limits.purge();
    Ok(Swept {
        sessions,
        mails,
        tokens,
        import_files,
        stray_uploads,
        index_debris,
    })
}

/// The lease on periodic work: one server among several does it (see [`outbox_worker`]); it
/// holds for `NIAZ_WORKER_LEASE_SECONDS` without renewal.
pub const WORKER_LEASE: &str = "periodic";

/// Takes or renews this server's lease on the periodic work at `now`.
pub async fn take_worker_lease(
    state: &AppState,
    now: chrono::NaiveDateTime,
) -> anyhow::Result<bool> {
    let holder = state.server_id.clone();
    let ttl = state.config.worker_lease;
    state
        .db
        .run(move |conn| {
            Ok(crate::db::jobs::take_lease(
                conn,
                WORKER_LEASE,
                &holder,
                now,
                ttl,
            )?)
        })
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))
}

/// Runs the background worker until the server stops: wakes when mail is queued or every two
/// seconds. Every server sends due mail (each message is claimed by one). The server holding the
/// periodic lease also matches newly published needs for alerts, and once a minute checks need
/// expiry, sends due digests, asks for follow-ups, escalates overdue desk cases and sweeps.
pub async fn outbox_worker(state: Arc<AppState>) {
    let mut last_lifecycle: Option<std::time::Instant> = None;
    let mut leading = false;
    // What this server claimed before it last stopped (killed mid-send) is due at once: the
    // claims of an earlier process, whose leases end before one taken now would.
    let holder = state.server_id.clone();
    let lease = chrono::Duration::from_std(state.mailer.claim_lease())
        .unwrap_or(chrono::Duration::minutes(15));
    let before = state.started_at + lease;
    match state
        .db
        .run(move |conn| Ok(outbox::release_claims(conn, &holder, None, Some(before))?))
        .await
    {
        Ok(n) if n > 0 => tracing::info!("took back {n} mails this server had claimed"),
        Ok(_) => {}
        Err(e) => tracing::warn!("taking back this server's mail claims: {e}"),
    }
    while !state.outbox.is_stopping() {
        let lead = match take_worker_lease(&state, chrono::Utc::now().naive_utc()).await {
            Ok(lead) => lead,
            Err(e) => {
                tracing::error!("periodic work lease: {e:#}");
                false
            }
        };
        if lead != leading {
            tracing::info!(server = %state.server_id, lead, "periodic work lease changed");
            leading = lead;
            last_lifecycle = None;
        }
        if lead {
            run_periodic(&state, &mut last_lifecycle).await;
        }
        if let Err(e) = run_pending_once(&state).await {
            tracing::error!("outbox worker: {e:#}");
        }
        tokio::select! {
            _ = state.outbox.woken() => {}
            _ = tokio::time::sleep(Duration::from_secs(2)) => {}
        }
    }
}

async fn run_periodic(state: &AppState, last_lifecycle: &mut Option<std::time::Instant>) {
    if last_lifecycle.is_none_or(|t| t.elapsed() > Duration::from_secs(60)) {
        if let Err(e) = run_lifecycle_once(state).await {
            tracing::error!("need expiry: {e:#}");
        }
        if let Err(e) = run_housekeeping_once(state).await {
            tracing::error!("housekeeping: {e:#}");
        }
        if let Err(e) = run_followups_once(state).await {
            tracing::error!("follow-ups: {e:#}");
        }
        if let Err(e) = run_digests_once(state, chrono::Utc::now()).await {
            tracing::error!("digests: {e:#}");
        }
        if let Err(e) = run_desk_once(state, chrono::Utc::now().naive_utc()).await {
            tracing::error!("desk escalations: {e:#}");
        }
        *last_lifecycle = Some(std::time::Instant::now());
    }
    if let Err(e) = run_alerts_once(state).await {
        tracing::error!("alerts: {e:#}");
    }
}
