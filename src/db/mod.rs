//! The database: connection pool, migrations and every SQL query in Niaz.
//!
//! Nothing outside this module writes SQL. Queries are grouped by aggregate (`catalogue`, ...) and
//! take a `&mut Conn`, so a service can compose several of them in one transaction. Async code
//! reaches the pool only through [`Db::run`], which moves the blocking work off the executor.
//!
//! The backend is chosen from the URL scheme, never guessed from a bare path (which would silently
//! create a new SQLite file). `Conn` is the one connection type queries are written against; the
//! PostgreSQL backend will turn it into a `#[derive(MultiConnection)]` enum without touching callers.

pub mod accounts;
pub mod alerts;
pub mod attachments;
pub mod audit;
pub mod catalogue;
pub mod desk;
pub mod exhibitions;
pub mod firms;
pub mod interests;
pub mod lifecycle;
pub mod models;
pub mod outbox;
pub mod posting;
pub mod reports;
pub mod schema;
pub mod search;
mod sql;
pub mod suppliers;
pub mod types;

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{bail, Context};
use diesel::connection::SimpleConnection;
use diesel::r2d2::{ConnectionManager, CustomizeConnection, Pool};
use diesel::sqlite::SqliteConnection;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use crate::error::AppError;

pub type Conn = SqliteConnection;

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");

/// Where the database lives, parsed from its URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    Sqlite(PathBuf),
}

impl DatabaseUrl {
    pub fn parse(url: &str) -> anyhow::Result<Self> {
        if let Some(path) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
        {
            if path.is_empty() {
                bail!("the database URL {url:?} names no file");
            }
            return Ok(Self::Sqlite(PathBuf::from(path)));
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            bail!("PostgreSQL is not supported by this build yet; use a sqlite:// URL");
        }
        bail!("the database URL must start with sqlite:// (got {url:?})")
    }
}

#[derive(Debug)]
struct SqlitePragmas;

impl CustomizeConnection<SqliteConnection, diesel::r2d2::Error> for SqlitePragmas {
    fn on_acquire(&self, conn: &mut SqliteConnection) -> Result<(), diesel::r2d2::Error> {
        // busy_timeout first, so the WAL switch itself waits for a concurrent writer. An 8 MB
        // page cache per connection; no mmap, whose touched pages would all count as the
        // server's resident memory (measured in BENCHMARKS.md).
        conn.batch_execute(
            "PRAGMA busy_timeout = 10000;
             PRAGMA journal_mode = WAL;
             PRAGMA synchronous = NORMAL;
             PRAGMA foreign_keys = ON;
             PRAGMA cache_size = -8000;
             PRAGMA mmap_size = 0;",
        )
        .map_err(diesel::r2d2::Error::QueryError)
    }
}

/// A handle to the connection pool; cheap to clone.
#[derive(Clone)]
pub struct Db {
    pool: Pool<ConnectionManager<Conn>>,
}

impl Db {
    /// Opens the database, creating its directory, and applies pending migrations.
    pub fn open(url: &str) -> anyhow::Result<Self> {
        let DatabaseUrl::Sqlite(path) = DatabaseUrl::parse(url)?;
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create the directory {}", dir.display()))?;
        }
        let manager = ConnectionManager::<Conn>::new(path.to_string_lossy());
        let pool = Pool::builder()
            .max_size(8)
            .connection_timeout(Duration::from_secs(15))
            .connection_customizer(Box::new(SqlitePragmas))
            .build(manager)
            .with_context(|| format!("cannot open the database {}", path.display()))?;
        let db = Self { pool };
        db.migrate()?;
        Ok(db)
    }

    /// Applies pending migrations and returns their names.
    pub fn migrate(&self) -> anyhow::Result<Vec<String>> {
        let mut conn = self.conn()?;
        let applied = conn
            .run_pending_migrations(MIGRATIONS)
            .map_err(|e| anyhow::anyhow!("migration failed: {e}"))?;
        Ok(applied.iter().map(|m| m.to_string()).collect())
    }

    /// A pooled connection for blocking code (CLI commands, workers, tests).
    pub fn conn(&self) -> anyhow::Result<diesel::r2d2::PooledConnection<ConnectionManager<Conn>>> {
        self.pool.get().context("no database connection available")
    }

    /// Runs blocking database work on the blocking thread pool.
    pub async fn run<T, F>(&self, f: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut Conn) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        actix_web::web::block(move || {
            let mut conn = pool
                .get()
                .map_err(|e| AppError::Internal(anyhow::anyhow!("database pool: {e}")))?;
            f(&mut conn)
        })
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("blocking task failed: {e}")))?
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_choose_the_backend_explicitly() {
        assert_eq!(
            DatabaseUrl::parse("sqlite://data/niaz.db").unwrap(),
            DatabaseUrl::Sqlite("data/niaz.db".into())
        );
        assert!(DatabaseUrl::parse("data/niaz.db").is_err());
        assert!(DatabaseUrl::parse("sqlite://").is_err());
        assert!(DatabaseUrl::parse("postgres://x@y/z").is_err());
    }

    /// Both backends' migrations are one list: the same names, each with an up and a down.
    #[test]
    fn both_migration_folders_have_the_same_migrations() {
        let names = |backend: &str| -> Vec<String> {
            let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("migrations")
                .join(backend);
            let mut names: Vec<String> = std::fs::read_dir(&dir)
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            names.sort();
            for n in &names {
                for file in ["up.sql", "down.sql"] {
                    assert!(dir.join(n).join(file).is_file(), "{backend}/{n}/{file}");
                }
            }
            names
        };
        assert_eq!(names("sqlite"), names("postgres"));
    }

    #[test]
    fn migrations_run_up_down_and_up_again() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("t.db").display());
        let db = Db::open(&url).unwrap();
        let mut conn = db.conn().unwrap();
        conn.revert_all_migrations(MIGRATIONS).unwrap();
        let again = conn.run_pending_migrations(MIGRATIONS).unwrap();
        assert!(!again.is_empty());
    }
}
