//! The application state: everything a request handler may use, as plain data. Nothing here
//! knows about actix: services take the narrow handles they use from it (the database, the
//! search index, the configuration, the outbox), never the whole state.

use std::sync::Arc;

use crate::assets::Assets;
use crate::auth::ratelimit::Limits;
use crate::config::Config;
use crate::db::models::Category;
use crate::db::Db;
use crate::email::{Mailer, Transport};
use crate::search::SearchIndex;
use crate::templates::Templates;

/// Wakes the outbox worker when mail was queued, so it is sent at once instead of at the next
/// poll. Cloning shares the same signal.
#[derive(Debug, Clone, Default)]
pub struct Outbox(Arc<tokio::sync::Notify>);

impl Outbox {
    /// Mail was queued (in a committed transaction): send it soon.
    pub fn wake(&self) {
        self.0.notify_one();
    }

    /// Waits until [`Outbox::wake`] is called.
    pub async fn woken(&self) {
        self.0.notified().await;
    }
}

/// Everything a request handler may use. Shared by all workers.
pub struct AppState {
    /// The validated configuration of this process.
    pub config: Config,
    /// The database, the source of truth.
    pub db: Db,
    /// Parsed page and mail templates.
    pub templates: Templates,
    /// The search index, a cache of the public needs.
    pub search: Arc<SearchIndex>,
    /// The makers' directory index, a cache of the public profiles (in memory).
    pub suppliers: Arc<crate::search::suppliers::SupplierIndex>,
    /// The category taxonomy (seeded by migrations, read-only while running).
    pub categories: Arc<Vec<Category>>,
    /// Renders and sends mail from the outbox.
    pub mailer: Mailer,
    /// Wakes the outbox worker when mail was queued.
    pub outbox: Outbox,
    /// Rate limits of the sensitive forms.
    pub limits: Limits,
    /// Permits for heavy work (decoding images, reading spreadsheets): at most
    /// `max_heavy_jobs` run at once, the rest wait, so uploads cannot exhaust memory or CPU.
    pub heavy_work: tokio::sync::Semaphore,
    /// Searches run at once: as many as there are cores, twice over. More would only wait for
    /// a core on a thread of their own, each thread with its own allocator arena.
    pub search_slots: tokio::sync::Semaphore,
    /// Signs links that work without a session (one-click unsubscribe).
    pub links: crate::auth::Signer,
    /// This server among several sharing one database: the holder named on job leases.
    pub server_id: String,
}

impl AppState {
    pub fn new(config: Config) -> anyhow::Result<Self> {
        let db = Db::open(&config.database_url)?;
        Self::with_db(config, db)
    }

    pub fn with_db(config: Config, db: Db) -> anyhow::Result<Self> {
        let templates = Templates::load(&Assets::load())?;
        let search =
            SearchIndex::open_with_cache(&config.data_dir, db.clone(), config.search_cache)?;
        crate::services::synonyms::load(&mut *db.conn()?, &search)?;
        let categories = Arc::new(crate::db::catalogue::all_categories(&mut *db.conn()?)?);
        let links = crate::auth::Signer::from_hex(&crate::db::alerts::link_key(
            &mut *db.conn()?,
            &crate::auth::random_token(),
        )?)?;
        crate::services::alerts::start_matcher(&mut *db.conn()?)
            .map_err(|e| anyhow::anyhow!("starting the alerts matcher: {e}"))?;
        let mailer = Mailer::new(
            Transport::from_config(&config.mail)?,
            &config.mail_from,
            &config.base_url,
        )?;
        Ok(Self {
            db,
            templates,
            search,
            categories,
            mailer,
            outbox: Outbox::default(),
            suppliers: Arc::default(),
            limits: Limits::new(config.invites_per_day),
            heavy_work: tokio::sync::Semaphore::new(config.max_heavy_jobs),
            search_slots: tokio::sync::Semaphore::new(
                std::thread::available_parallelism().map_or(2, |n| n.get()) * 2,
            ),
            links,
            server_id: server_id(),
            config,
        })
    }
}

/// Host, process and a random part: unique among the servers sharing a database, and
/// readable in the lease table.
fn server_id() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "niaz".to_owned());
    let random = &crate::auth::random_token()[..8];
    format!("{host}-{}-{random}", std::process::id())
}
