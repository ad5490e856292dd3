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
/// poll; and tells it to stop between two mails when the server stops. Cloning shares both.
#[derive(Debug, Clone, Default)]
pub struct Outbox {
    wake: Arc<tokio::sync::Notify>,
    stopping: Arc<std::sync::atomic::AtomicBool>,
    /// The mail being handed to the SMTP server right now, if any.
    in_flight: Arc<std::sync::Mutex<Option<i32>>>,
}

impl Outbox {
    /// Mail was queued (in a committed transaction): send it soon.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Waits until [`Outbox::wake`] is called.
    pub async fn woken(&self) {
        self.wake.notified().await;
    }

    /// The server is stopping: send nothing more after the mail in flight.
    pub fn stop(&self) {
        self.stopping
            .store(true, std::sync::atomic::Ordering::SeqCst);
        self.wake();
    }

    pub fn is_stopping(&self) -> bool {
        self.stopping.load(std::sync::atomic::Ordering::SeqCst)
    }

    pub fn set_in_flight(&self, id: Option<i32>) {
        if let Ok(mut slot) = self.in_flight.lock() {
            *slot = id;
        }
    }

    pub fn in_flight(&self) -> Option<i32> {
        self.in_flight.lock().ok().and_then(|s| *s)
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
    /// Every public maker and need as the matching rule reads them (in memory).
    pub matcher: Arc<crate::search::matcher::Matcher>,
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
    /// This server among several sharing one database: the holder named on job leases and
    /// mail claims, the same after a restart.
    pub server_id: String,
    /// When this process started (claims older than that are a previous run's).
    pub started_at: chrono::NaiveDateTime,
}

impl AppState {
    pub fn new(config: Config) -> anyhow::Result<Self> {
        let db = Db::open(&config.database_url)?;
        Self::with_db(config, db)
    }

    pub fn with_db(config: Config, db: Db) -> anyhow::Result<Self> {
        let templates = Templates::load(&Assets::load())?;
        let search = SearchIndex::open_with_cache(
            &config.data_dir,
            db.clone(),
            config.search_cache,
            config.index_in_background,
        )?;
        crate::services::synonyms::load(&mut *db.conn()?, &search)?;
        let matcher = Arc::new(crate::search::matcher::Matcher::default());
        crate::services::matching::load_families(&mut *db.conn()?, &matcher)?;
        let categories = Arc::new(crate::db::catalogue::all_categories(&mut *db.conn()?)?);
        let links = crate::auth::Signer::from_hex(&crate::db::alerts::link_key(
            &mut *db.conn()?,
            &crate::auth::random_token(),
        )?)?;
        crate::services::alerts::start_matcher(&mut *db.conn()?)
            .map_err(|e| anyhow::anyhow!("starting the alerts matcher: {e}"))?;
        let mailer = Mailer::new(
            Transport::from_config(&config.mail, config.smtp_timeout)?,
            &config.mail_from,
            &config.base_url,
            config.smtp_timeout,
        )?;
        Ok(Self {
            db,
            templates,
            search,
            categories,
            mailer,
            outbox: Outbox::default(),
            suppliers: Arc::default(),
            matcher,
            limits: Limits::new(config.invites_per_day),
            heavy_work: tokio::sync::Semaphore::new(config.max_heavy_jobs),
            search_slots: tokio::sync::Semaphore::new(
                std::thread::available_parallelism().map_or(2, |n| n.get()) * 2,
            ),
            links,
            server_id: server_id(&config.data_dir),
            started_at: chrono::Utc::now().naive_utc(),
            config,
        })
    }
}

/// Host and a random part, kept in `<data-dir>/server-id` so that the same server is the same
/// holder after a restart (it takes its own mail claims back at once): unique among the servers
/// sharing a database, each with its own data directory, and readable in the lease table.
fn server_id(data_dir: &std::path::Path) -> String {
    let file = data_dir.join("server-id");
    if let Ok(id) = std::fs::read_to_string(&file) {
        let id = id.trim();
        if !id.is_empty() && id.len() <= 100 {
            return id.to_owned();
        }
    }
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "niaz".to_owned());
    let id = format!("{host}-{}", &crate::auth::random_token()[..8]);
    if let Err(e) = std::fs::create_dir_all(data_dir).and_then(|()| std::fs::write(&file, &id)) {
        tracing::warn!("cannot keep the server id in {}: {e}", file.display());
    }
    id
}
