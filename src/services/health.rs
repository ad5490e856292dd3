//! What `/healthz` and `/readyz` say: can the database answer and take a write now, is search
//! whole and caught up, is mail going out.

use serde::Serialize;

use crate::db::health::WriteProbe;
use crate::error::AppError;
use crate::state::AppState;

/// Changes not yet searchable beyond which search is reported behind.
pub const BEHIND_LIMIT: i64 = 500;

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// `ok`, or the first thing wrong: `database unavailable`, `database cannot write`,
    /// `disk full`, `search rebuilding`, `search failing`, `search behind`.
    pub status: &'static str,
    pub database: &'static str,
    pub write: WriteProbe,
    pub search: SearchState,
    /// Mail failing now (attempted at least once, not yet delivered).
    pub mail_failing: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct SearchState {
    pub ready: bool,
    pub rebuilding: bool,
    pub behind: i64,
    pub failures: u32,
}

impl Report {
    /// The server cannot do its job (take a proxy's traffic at all).
    pub fn is_down(&self) -> bool {
        self.database != "ok" || self.write != WriteProbe::Ok
    }

    pub fn is_ok(&self) -> bool {
        self.status == "ok"
    }
}

pub async fn report(state: &AppState) -> Result<Report, AppError> {
    let read = state
        .db
        .run(|conn| {
            crate::db::catalogue::count_organizations(conn)?;
            Ok(crate::db::outbox::failing_count(conn)?)
        })
        .await;
    let Ok(mail_failing) = read else {
        return Ok(Report {
            status: "database unavailable",
            database: "unavailable",
            write: WriteProbe::Failed,
            search: SearchState {
                ready: false,
                rebuilding: false,
                behind: 0,
                failures: 0,
            },
            mail_failing: 0,
        });
    };
    let write = state
        .db
        .run(|conn| Ok(crate::db::health::probe_write(conn)))
        .await
        .unwrap_or(WriteProbe::Failed);
    let index = state.search.clone();
    let search = crate::services::off_thread(move || index.health())
        .await?
        .map(|h| SearchState {
            ready: h.ready,
            rebuilding: h.rebuilding,
            behind: h.behind,
            failures: h.failures,
        })
        .unwrap_or(SearchState {
            ready: false,
            rebuilding: false,
            behind: 0,
            failures: 0,
        });
    let status = match write {
        WriteProbe::Busy | WriteProbe::Failed => "database cannot write",
        WriteProbe::Full => "disk full",
        WriteProbe::Ok if !search.ready || search.rebuilding => "search rebuilding",
        WriteProbe::Ok if search.failures > 0 => "search failing",
        WriteProbe::Ok if search.behind > BEHIND_LIMIT => "search behind",
        WriteProbe::Ok => "ok",
    };
    Ok(Report {
        status,
        database: "ok",
        write,
        search,
        mail_failing,
    })
}
