//! Configuration: read once from flags and environment variables, validated, then passed down.

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;

/// Options every subcommand accepts: where the data lives.
#[derive(Debug, Clone, Args)]
pub struct DataArgs {
    /// Directory for the database, search index, uploads and mail files.
    #[arg(long, env = "NIAZ_DATA_DIR", default_value = "./data", global = true)]
    pub data_dir: PathBuf,

    /// Database URL; defaults to the SQLite file `niaz.db` in the data directory
    /// (`sqlite://./data/niaz.db`).
    #[arg(long, env = "NIAZ_DATABASE_URL", global = true)]
    pub database_url: Option<String>,
}

/// Options of the web server.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, env = "NIAZ_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: String,

    /// Public URL of the site, used in links and mails; defaults to http://<addr>.
    #[arg(long, env = "NIAZ_BASE_URL")]
    pub base_url: Option<String>,

    /// Load demo data into an empty database before starting.
    #[arg(long)]
    pub demo: bool,

    /// How many recent search results to keep in memory (0 turns the cache off). Entries are
    /// dropped whenever the index changes.
    #[arg(long, env = "NIAZ_SEARCH_CACHE", default_value_t = 1024)]
    pub search_cache: usize,
}

/// The validated configuration of one process.
#[derive(Debug, Clone)]
pub struct Config {
    pub data_dir: PathBuf,
    pub database_url: String,
    pub addr: String,
    /// Without a trailing slash.
    pub base_url: String,
    /// Capacity of the search result cache.
    pub search_cache: usize,
}

impl Config {
    pub fn new(data: &DataArgs, serve: Option<&ServeArgs>) -> anyhow::Result<Self> {
        std::fs::create_dir_all(&data.data_dir).with_context(|| {
            format!(
                "cannot create the data directory {}",
                data.data_dir.display()
            )
        })?;
        let database_url = match &data.database_url {
            Some(url) => url.clone(),
            None => format!("sqlite://{}", data.data_dir.join("niaz.db").display()),
        };
        crate::db::DatabaseUrl::parse(&database_url)?;
        let addr = serve.map_or_else(|| "127.0.0.1:8080".to_string(), |s| s.addr.clone());
        let base_url = serve
            .and_then(|s| s.base_url.clone())
            .unwrap_or_else(|| format!("http://{addr}"));
        if !(base_url.starts_with("http://") || base_url.starts_with("https://")) {
            anyhow::bail!("NIAZ_BASE_URL must start with http:// or https:// (got {base_url:?})");
        }
        Ok(Self {
            data_dir: data.data_dir.clone(),
            database_url,
            addr,
            base_url: base_url.trim_end_matches('/').to_string(),
            search_cache: serve.map_or(0, |s| s.search_cache),
        })
    }

    /// A configuration for tests and tools: everything under `data_dir`, any free port.
    pub fn for_data_dir(data_dir: impl Into<PathBuf>) -> anyhow::Result<Self> {
        let data = DataArgs {
            data_dir: data_dir.into(),
            database_url: None,
        };
        let serve = ServeArgs {
            addr: "127.0.0.1:0".into(),
            base_url: Some("http://127.0.0.1".into()),
            demo: false,
            search_cache: 64,
        };
        Self::new(&data, Some(&serve))
    }
}
