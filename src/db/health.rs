//! The database's part of the health check: can it answer, and can it write now.

use diesel::connection::SimpleConnection;

use super::Conn;
use crate::error::{unwritable as classify, Unwritable};

/// How long the write probe waits for the write lock: a lock held longer than this means the
/// site cannot save what people send now.
pub const PROBE_WAIT_MS: u32 = 1_000;

/// What a short write said.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WriteProbe {
    Ok,
    /// Another writer held the lock past the probe's wait.
    Busy,
    /// The disk (or the database server's) is full.
    Full,
    /// Anything else; the log has the cause.
    Failed,
}

/// Writes one row (the time, in the settings table) in its own transaction, waiting at most
/// [`PROBE_WAIT_MS`] for the write lock.
pub fn probe_write(conn: &mut Conn) -> WriteProbe {
    let now = chrono::Utc::now().naive_utc().to_string();
    let sqlite = matches!(conn, Conn::Sqlite(_));
    let wait = |conn: &mut Conn, ms: u32| -> diesel::QueryResult<()> {
        match conn {
            Conn::Sqlite(c) => c.batch_execute(&format!("PRAGMA busy_timeout = {ms};")),
            #[cfg(feature = "postgres")]
            Conn::Pg(c) => c.batch_execute(&format!("SET LOCAL lock_timeout = '{ms}ms';")),
        }
    };
    let result = if sqlite {
        // SQLite waits for the lock when the transaction begins (BEGIN IMMEDIATE).
        let r = wait(conn, PROBE_WAIT_MS).and_then(|()| {
            super::write_transaction(conn, |conn| {
                super::accounts::set_setting(conn, "health_probe", &now)
            })
        });
        let _ = wait(conn, super::BUSY_TIMEOUT_MS);
        r
    } else {
        super::write_transaction(conn, |conn| {
            wait(conn, PROBE_WAIT_MS)?;
            super::accounts::set_setting(conn, "health_probe", &now)
        })
    };
    match result {
        Ok(()) => WriteProbe::Ok,
        Err(e) => {
            let kind = classify(&e);
            tracing::warn!("the health check could not write: {e}");
            match kind {
                Some(Unwritable::Busy) => WriteProbe::Busy,
                Some(Unwritable::Full) => WriteProbe::Full,
                None => WriteProbe::Failed,
            }
        }
    }
}
