//! A consistent backup of a running site: the database as one snapshot (SQLite's `VACUUM
//! INTO`, which reads inside one transaction while the server keeps writing) and the uploaded
//! files. The search index is not backed up: it is rebuilt from the database.

use std::path::{Path, PathBuf};

use crate::db::Db;
use anyhow::Context;

/// What a backup wrote.
#[derive(Debug, Clone)]
pub struct Done {
    pub dir: PathBuf,
    pub database_bytes: u64,
    pub files: usize,
}

/// The default place of a backup: `<data-dir>/backups/<UTC time>`.
pub fn default_dir(data_dir: &Path, now: chrono::NaiveDateTime) -> PathBuf {
    data_dir
        .join("backups")
        .join(now.format("%Y%m%d-%H%M%S").to_string())
}

/// Writes `niaz.db` and `uploads/` into `to`, which must not exist or be empty. The database is
/// snapshotted first, then the uploads copied: a file is written before the row that names it
/// is committed, so every file the snapshot names is there (unless deleted meanwhile).
pub fn run(db: &Db, data_dir: &Path, to: &Path) -> anyhow::Result<Done> {
    if db.is_postgres() {
        anyhow::bail!(
            "niaz backup snapshots a SQLite database; back up PostgreSQL with pg_dump \
             (see \"Backups and restore\" in the README)"
        );
    }
    if to.exists()
        && std::fs::read_dir(to)
            .with_context(|| format!("reading {}", to.display()))?
            .next()
            .is_some()
    {
        anyhow::bail!(
            "{} is not empty: a backup goes into a new directory",
            to.display()
        );
    }
    std::fs::create_dir_all(to).with_context(|| format!("creating {}", to.display()))?;
    let target = to.join("niaz.db");
    let path = target
        .to_str()
        .context("the backup directory's path is not valid text")?;
    crate::db::snapshot_into(&mut *db.conn()?, path).context("snapshotting the database")?;
    let database_bytes = std::fs::metadata(&target)?.len();
    let mut files = 0;
    let uploads = data_dir.join("uploads");
    if uploads.is_dir() {
        let dest = to.join("uploads");
        std::fs::create_dir_all(&dest)?;
        for entry in std::fs::read_dir(&uploads)? {
            let entry = entry?;
            if entry.file_type()?.is_file() {
                std::fs::copy(entry.path(), dest.join(entry.file_name()))
                    .with_context(|| format!("copying {}", entry.path().display()))?;
                files += 1;
            }
        }
    }
    Ok(Done {
        dir: to.to_path_buf(),
        database_bytes,
        files,
    })
}
