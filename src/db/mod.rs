//! The database: connection pool, migrations and every SQL query in Niaz.
//!
//! Nothing outside this module writes SQL. Queries are grouped by aggregate (`catalogue`, ...) and
//! take a `&mut Conn`, so a service can compose several of them in one transaction. Async code
//! reaches the pool only through [`Db::run`], which moves the blocking work off the executor.
//!
//! The backend is chosen from the URL scheme, never guessed from a bare path (which would silently
//! create a new SQLite file). `Conn` is diesel's `MultiConnection` over SQLite and PostgreSQL: the
//! queries are written once; the few places the two speak different SQL (upserts, id lists,
//! locking) match on the connection here in `db/` and nowhere else.

pub mod accounts;
pub mod alerts;
pub mod attachments;
pub mod audit;
pub mod catalogue;
pub mod desk;
pub mod exhibitions;
pub mod firms;
pub mod health;
pub mod interests;
pub mod jobs;
pub mod lifecycle;
pub mod models;
pub mod outbox;
pub mod posting;
pub mod reports;
pub mod schema;
pub mod search;
mod sql;
pub mod submissions;
pub mod suppliers;
pub mod transfer;
pub mod types;

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{bail, Context};
use diesel::connection::SimpleConnection;
#[cfg(feature = "postgres")]
use diesel::pg::PgConnection;
use diesel::r2d2::{ManageConnection, Pool, PooledConnection, R2D2Connection};
use diesel::sqlite::SqliteConnection;
use diesel::Connection;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use crate::error::AppError;

/// The one connection type every query is written against: diesel runs each query on whichever
/// backend the URL chose, so there is one set of queries for both.
#[derive(diesel::MultiConnection)]
pub enum Conn {
    #[cfg(feature = "postgres")]
    Pg(PgConnection),
    Sqlite(SqliteConnection),
}

pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
#[cfg(feature = "postgres")]
pub const PG_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Where the database lives, parsed from its URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    Sqlite(PathBuf),
    Postgres(String),
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
            return Ok(Self::Postgres(url.to_owned()));
        }
        bail!("the database URL must start with sqlite:// or postgres:// (got {url:?})")
    }

    /// The URL with any password replaced, for messages and logs.
    pub fn display(&self) -> String {
        match self {
            Self::Sqlite(path) => format!("sqlite://{}", path.display()),
            Self::Postgres(url) => redact_password(url),
        }
    }

    fn connect(&self) -> Result<Conn, diesel::ConnectionError> {
        match self {
            Self::Sqlite(path) => {
                let mut conn = SqliteConnection::establish(&path.to_string_lossy())?;
                // busy_timeout first, so the WAL switch itself waits for a concurrent writer.
                // An 8 MB page cache per connection; no mmap, whose touched pages would all
                // count as the server's resident memory (measured in BENCHMARKS.md).
                conn.batch_execute(&format!(
                    "PRAGMA busy_timeout = {BUSY_TIMEOUT_MS};
                     PRAGMA journal_mode = WAL;
                     PRAGMA synchronous = NORMAL;
                     PRAGMA foreign_keys = ON;
                     PRAGMA cache_size = -8000;
                     PRAGMA mmap_size = 0;"
                ))
                .map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
                Ok(Conn::Sqlite(conn))
            }
            #[cfg(not(feature = "postgres"))]
            Self::Postgres(_) => Err(diesel::ConnectionError::BadConnection(
                "this niaz is built without PostgreSQL; build it with `cargo build --release \
                 --features postgres` (which needs libpq, Debian's libpq-dev)"
                    .into(),
            )),
            #[cfg(feature = "postgres")]
            Self::Postgres(url) => {
                let mut conn = PgConnection::establish(url)?;
                // Timestamps are stored without a zone and always meant as UTC. A lock held by
                // another writer is waited for as long as SQLite's busy timeout, then the
                // request is answered "try again" (503) rather than left hanging.
                conn.batch_execute(&format!(
                    "SET TIME ZONE 'UTC'; SET lock_timeout = '{BUSY_TIMEOUT_MS}ms'"
                ))
                .map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
                Ok(Conn::Pg(conn))
            }
        }
    }
}

fn redact_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    match rest.split_once('@') {
        Some((user, host)) if user.contains(':') => {
            let name = user.split(':').next().unwrap_or_default();
            format!("{scheme}://{name}:***@{host}")
        }
        _ => url.to_owned(),
    }
}

/// Opens connections of the backend the URL names, never guessing (diesel's own manager would
/// try PostgreSQL and then take the URL as a SQLite file name).
#[derive(Debug)]
pub struct Manager {
    url: DatabaseUrl,
}

impl ManageConnection for Manager {
    type Connection = Conn;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<Conn, Self::Error> {
        self.url
            .connect()
            .map_err(diesel::r2d2::Error::ConnectionError)
    }

    fn is_valid(&self, conn: &mut Conn) -> Result<(), Self::Error> {
        conn.ping().map_err(diesel::r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut Conn) -> bool {
        std::thread::panicking() || conn.is_broken()
    }
}

/// A pooled connection for blocking code.
pub type PooledConn = PooledConnection<Manager>;

/// A handle to the connection pool; cheap to clone.
#[derive(Clone)]
pub struct Db {
    pool: Pool<Manager>,
    url: DatabaseUrl,
}

impl Db {
    /// Opens the database (creating a SQLite file's directory) and applies pending migrations.
    pub fn open(url: &str) -> anyhow::Result<Self> {
        let url = DatabaseUrl::parse(url)?;
        if let DatabaseUrl::Sqlite(path) = &url {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("cannot create the directory {}", dir.display()))?;
            }
        }
        // One connection first, so a wrong host, password or database name is reported as the
        // driver words it rather than as a pool timeout.
        drop(
            url.connect()
                .with_context(|| format!("cannot open the database {}", url.display()))?,
        );
        let pool = Pool::builder()
            .max_size(8)
            .connection_timeout(Duration::from_secs(15))
            .build(Manager { url: url.clone() })
            .with_context(|| format!("cannot open the database {}", url.display()))?;
        let db = Self { pool, url };
        db.migrate()?;
        Ok(db)
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self.url, DatabaseUrl::Postgres(_))
    }

    /// Applies pending migrations and returns their names.
    pub fn migrate(&self) -> anyhow::Result<Vec<String>> {
        let mut conn = self.conn()?;
        migrate(&mut conn)
    }

    /// A pooled connection for blocking code (CLI commands, workers, tests).
    pub fn conn(&self) -> anyhow::Result<PooledConn> {
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

/// How long a SQLite write waits for another writer's lock before it gives up (answered 503
/// "try again" to the user).
pub const BUSY_TIMEOUT_MS: u32 = 10_000;

/// Runs one query built the same way on each backend's own connection: for the statements
/// diesel's multi-backend does not build (`ON CONFLICT`, multi-row `INSERT`), whose SQL each
/// backend writes for itself.
macro_rules! on_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            #[cfg(feature = "postgres")]
            $crate::db::Conn::Pg($c) => $body,
            $crate::db::Conn::Sqlite($c) => $body,
        }
    };
}
pub(crate) use on_backend;

/// The transaction every write goes through. SQLite's takes the write lock first (`BEGIN
/// IMMEDIATE`): a deferred one that read and then writes fails at once (`SQLITE_BUSY`, which
/// the busy timeout does not wait out) when another connection, or another server on the same
/// file, committed in between. Nested, it is a savepoint; PostgreSQL's needs nothing special.
pub fn write_transaction<T, E>(
    conn: &mut Conn,
    f: impl FnOnce(&mut Conn) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    use diesel::connection::{AnsiTransactionManager, TransactionManager};
    let outermost_sqlite = match conn {
        Conn::Sqlite(c) => AnsiTransactionManager::transaction_manager_status_mut(c)
            .transaction_depth()?
            .is_none(),
        #[cfg(feature = "postgres")]
        Conn::Pg(_) => false,
    };
    match conn {
        Conn::Sqlite(c) if outermost_sqlite => {
            AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?
        }
        _ => Conn::begin_transaction(conn)?,
    }
    match f(conn) {
        Ok(value) => {
            Conn::commit_transaction(conn)?;
            Ok(value)
        }
        Err(e) => {
            if let Err(rollback) = Conn::rollback_transaction(conn) {
                tracing::error!("rollback failed: {rollback}");
            }
            Err(e)
        }
    }
}

/// Writes a consistent copy of a SQLite database to the file `path` (`VACUUM INTO` reads in one
/// transaction while other connections keep writing).
pub fn snapshot_into(conn: &mut Conn, path: &str) -> diesel::QueryResult<()> {
    use diesel::RunQueryDsl;
    diesel::sql_query(format!("VACUUM INTO '{}'", path.replace('\'', "''")))
        .execute(conn)
        .map(|_| ())
}

/// Applies the backend's pending migrations on one connection and returns their names.
pub fn migrate(conn: &mut Conn) -> anyhow::Result<Vec<String>> {
    let applied = match conn {
        Conn::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS),
        #[cfg(feature = "postgres")]
        Conn::Pg(c) => c.run_pending_migrations(PG_MIGRATIONS),
    }
    .map_err(|e| anyhow::anyhow!("migration failed: {e}"))?;
    Ok(applied.iter().map(|m| m.to_string()).collect())
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
        assert_eq!(
            DatabaseUrl::parse("postgres://x@y/z").unwrap(),
            DatabaseUrl::Postgres("postgres://x@y/z".into())
        );
        assert!(DatabaseUrl::parse("mysql://x@y/z").is_err());
        assert_eq!(
            DatabaseUrl::parse("postgres://niaz:secret@db:5432/niaz")
                .unwrap()
                .display(),
            "postgres://niaz:***@db:5432/niaz"
        );
    }

    #[cfg(not(feature = "postgres"))]
    #[test]
    fn a_postgres_url_without_the_feature_says_how_to_build() {
        let err = Db::open("postgres://niaz@127.0.0.1:1/niaz").err().unwrap();
        let text = format!("{err:#}");
        assert!(text.contains("--features postgres"), "{text}");
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
        #[allow(irrefutable_let_patterns)]
        let Conn::Sqlite(conn) = &mut *conn
        else {
            unreachable!()
        };
        conn.revert_all_migrations(SQLITE_MIGRATIONS).unwrap();
        let again = conn.run_pending_migrations(SQLITE_MIGRATIONS).unwrap();
        assert!(!again.is_empty());
    }
}
