//! Background work in the server process. The outbox worker sends queued mail with retries and
//! exponential backoff; after [`MAX_ATTEMPTS`] failures a message is dead and shown to admins.

use std::sync::Arc;
use std::time::Duration;

use crate::app::AppState;
use crate::db::outbox;

pub const MAX_ATTEMPTS: i32 = 8;

/// Sends every message that is due now. Returns (sent, failed). Tests call this directly.
pub async fn run_pending_once(state: &AppState) -> anyhow::Result<(usize, usize)> {
    let due = state
        .db
        .run(|conn| Ok(outbox::claim_due(conn, 50)?))
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let (mut sent, mut failed) = (0, 0);
    for msg in due {
        match state.mailer.send(&state.templates, &msg).await {
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

/// Runs the outbox worker until the server stops: wakes when mail is queued or every two seconds.
pub async fn outbox_worker(state: Arc<AppState>) {
    loop {
        if let Err(e) = run_pending_once(&state).await {
            tracing::error!("outbox worker: {e:#}");
        }
        tokio::select! {
            _ = state.mail_wake.notified() => {}
            _ = tokio::time::sleep(Duration::from_secs(2)) => {}
        }
    }
}
