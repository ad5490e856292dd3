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

    /// SMTP server for outgoing mail, e.g. smtp://user:pass@mail.example.ir:587 (STARTTLS) or
    /// smtps://user:pass@mail.example.ir:465; without it mail is written as .eml files under
    /// <data-dir>/mail.
    #[arg(long, env = "NIAZ_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,

    /// Sender of outgoing mail.
    #[arg(
        long,
        env = "NIAZ_MAIL_FROM",
        default_value = "Niaz <no-reply@niaz.local>"
    )]
    pub mail_from: String,

    /// Seconds a request body may stall, and may take before it must arrive at 512 bytes a
    /// second at least; slower bodies are cut off.
    #[arg(long, env = "NIAZ_BODY_GRACE_SECONDS", default_value_t = 20)]
    pub body_grace_seconds: u64,

    /// Seconds an SMTP server may take to answer a command, the final reply to a whole message
    /// included (RFC 5321 allows it ten minutes; giving up sooner would send the mail again).
    #[arg(long, env = "NIAZ_SMTP_TIMEOUT_SECONDS", default_value_t = 600)]
    pub smtp_timeout_seconds: u64,

    /// Address of a reverse proxy whose X-Forwarded-For header is trusted for client addresses
    /// (rate limits). Without it the socket address is used.
    #[arg(long, env = "NIAZ_TRUSTED_PROXY")]
    pub trusted_proxy: Option<std::net::IpAddr>,

    /// Days a published need stays up before it expires (firms are reminded 14 days before and
    /// can renew with one click).
    #[arg(long, env = "NIAZ_NEED_LIFETIME_DAYS", default_value_t = 180)]
    pub need_lifetime_days: i64,

    /// Largest drawing or photo accepted, in megabytes.
    #[arg(long, env = "NIAZ_MAX_UPLOAD_MB", default_value_t = 20)]
    pub max_upload_mb: usize,

    /// Most files one need may carry.
    #[arg(long, env = "NIAZ_MAX_FILES_PER_NEED", default_value_t = 10)]
    pub max_files_per_need: i64,

    /// How many recent search results to keep in memory (0 turns the cache off). Entries are
    /// dropped whenever the index changes.
    #[arg(long, env = "NIAZ_SEARCH_CACHE", default_value_t = 1024)]
    pub search_cache: usize,

    /// Largest image accepted, in megapixels (width x height); larger ones are refused before
    /// they are decoded.
    #[arg(long, env = "NIAZ_MAX_IMAGE_MEGAPIXELS", default_value_t = 50)]
    pub max_image_megapixels: u64,

    /// How many images or spreadsheets are processed at once; more wait their turn.
    #[arg(long, env = "NIAZ_MAX_HEAVY_JOBS", default_value_t = 2)]
    pub max_heavy_jobs: usize,

    /// Largest spreadsheet accepted for import, in megabytes.
    #[arg(long, env = "NIAZ_IMPORT_MAX_MB", default_value_t = 20)]
    pub import_max_mb: usize,

    /// Most data rows one import may hold.
    #[arg(long, env = "NIAZ_IMPORT_MAX_ROWS", default_value_t = 50_000)]
    pub import_max_rows: usize,

    /// Most uncompressed megabytes an XLSX workbook may unpack to.
    #[arg(long, env = "NIAZ_IMPORT_MAX_UNPACKED_MB", default_value_t = 100)]
    pub import_max_unpacked_mb: u64,

    /// Days sent mail is kept in the outbox (its links are secrets); then it is deleted.
    #[arg(long, env = "NIAZ_MAIL_RETENTION_DAYS", default_value_t = 7)]
    pub mail_retention_days: i64,

    /// Most invitations one account may send a day.
    #[arg(long, env = "NIAZ_INVITES_PER_DAY", default_value_t = 20)]
    pub invites_per_day: u32,

    /// Most offers ("I can make this") one maker may make a day.
    #[arg(long, env = "NIAZ_INTERESTS_PER_DAY", default_value_t = 10)]
    pub interests_per_day: u32,

    /// Days after an introduction when both sides are asked how it went: a list, each later
    /// one asked only while the pair is still at it (neither side said it ended).
    #[arg(long, env = "NIAZ_FOLLOWUP_DAYS", default_value = "21,45,90")]
    pub followup_days: String,

    /// Seconds a server's lease on the periodic work holds without renewal: how long the work
    /// waits after its server dies before another takes it over.
    #[arg(long, env = "NIAZ_WORKER_LEASE_SECONDS", default_value_t = 90)]
    pub worker_lease_seconds: i64,

    /// Time zone of the digests' local time (an IANA name).
    #[arg(long, env = "NIAZ_TIMEZONE", default_value = "Asia/Tehran")]
    pub timezone: String,

    /// Local time (HH:MM) when daily and weekly digests are sent.
    #[arg(long, env = "NIAZ_DIGEST_TIME", default_value = "08:00")]
    pub digest_time: String,

    /// Day of the weekly digest (saturday, sunday, ...).
    #[arg(long, env = "NIAZ_WEEKLY_DIGEST_DAY", default_value = "saturday")]
    pub weekly_digest_day: String,

    /// Most alert mails one user gets a day; further matches wait for the next digest.
    #[arg(long, env = "NIAZ_ALERTS_PER_DAY", default_value_t = 5)]
    pub alerts_per_day: u32,

    /// Most announcement mails sent a minute (they are queued spread out at this rate).
    #[arg(long, env = "NIAZ_ANNOUNCE_PER_MINUTE", default_value_t = 60)]
    pub announce_per_minute: u32,

    /// The production desk's phone number, shown on `/desk`.
    #[arg(long, env = "NIAZ_DESK_PHONE", default_value = "041-3333 1405")]
    pub desk_phone: String,

    /// Hours within which an agency or the desk must first answer a case.
    #[arg(long, env = "NIAZ_DESK_FIRST_RESPONSE_HOURS", default_value_t = 24)]
    pub desk_first_response_hours: i64,

    /// Where overdue desk cases are escalated (the desk supervisor's address); every admin
    /// when not set.
    #[arg(long, env = "NIAZ_DESK_SUPERVISOR")]
    pub desk_supervisor: Option<String>,
}

impl ServeArgs {
    /// The defaults, as a server started without flags or environment would have them.
    pub fn defaults() -> Self {
        use clap::Parser;
        #[derive(Parser)]
        struct Only {
            #[command(flatten)]
            serve: ServeArgs,
        }
        Only::parse_from(["niaz"]).serve
    }
}

/// The validated configuration of one process.
#[derive(Debug, Clone)]
pub struct Config {
    /// A serving server builds a missing search index in the background and answers at once
    /// (searches say "being rebuilt" meanwhile); the command line waits for it.
    pub index_in_background: bool,
    pub data_dir: PathBuf,
    pub database_url: String,
    pub addr: String,
    /// Without a trailing slash.
    pub base_url: String,
    /// Capacity of the search result cache.
    pub search_cache: usize,
    pub mail: crate::email::MailConfig,
    pub mail_from: String,
    /// How long an SMTP server may take to answer (see `NIAZ_SMTP_TIMEOUT_SECONDS`).
    pub smtp_timeout: std::time::Duration,
    /// How long a request body may stall (see `NIAZ_BODY_GRACE_SECONDS`).
    pub body_grace: std::time::Duration,
    pub trusted_proxy: Option<std::net::IpAddr>,
    /// A session ends after this long without a request...
    pub session_idle: chrono::Duration,
    /// ...and after this long in any case.
    pub session_absolute: chrono::Duration,
    /// How long a published need stays up before it expires.
    pub need_lifetime: chrono::Duration,
    /// Largest attachment, in bytes.
    pub max_upload_bytes: usize,
    /// Most attachments per need.
    pub max_files_per_need: i64,
    /// Largest image accepted, in pixels.
    pub max_image_pixels: u64,
    /// How many images or sheets are processed at once.
    pub max_heavy_jobs: usize,
    /// Bounds of a spreadsheet import.
    pub sheet_limits: crate::services::spreadsheet::SheetLimits,
    /// How long sent mail stays in the outbox.
    pub mail_retention: chrono::Duration,
    /// Most invitations per account and day.
    pub invites_per_day: u32,
    /// Most offers per maker and day.
    pub interests_per_day: u32,
    /// When both sides of an introduction are asked how it went.
    /// When introductions are asked how they went (days after, increasing).
    pub followups: crate::domain::supplier::FollowupSchedule,
    /// How long the periodic work lease holds without renewal (at least 10 s: it is renewed
    /// every two).
    pub worker_lease: chrono::Duration,
    /// When digests are sent.
    pub digests: crate::domain::alerts::Schedule,
    /// Most alert mails per user and day.
    pub alerts_per_day: u32,
    /// Announcement mails queued per minute.
    pub announce_per_minute: u32,
    /// The production desk's phone number.
    pub desk_phone: String,
    pub desk_levels: crate::domain::desk::ServiceLevels,
    /// Where overdue cases are escalated; every admin when `None`.
    pub desk_supervisor: Option<String>,
}

impl Config {
    /// Whether the site is served over https (cookies get `Secure` and the `__Host-` prefix).
    pub fn https(&self) -> bool {
        self.base_url.starts_with("https://")
    }
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
        let defaults = ServeArgs::defaults();
        let serve_or_default = serve.unwrap_or(&defaults);
        let desk_supervisor = match serve_or_default.desk_supervisor.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(a) => Some(
                crate::domain::account::Email::parse(a)
                    .map_err(|_| {
                        anyhow::anyhow!("NIAZ_DESK_SUPERVISOR must be an email address (got {a:?})")
                    })?
                    .as_str()
                    .to_string(),
            ),
        };
        let digests = crate::domain::alerts::Schedule {
            zone: serve_or_default.timezone.parse().map_err(|_| {
                anyhow::anyhow!(
                    "NIAZ_TIMEZONE must be a time zone name such as Asia/Tehran (got {:?})",
                    serve_or_default.timezone
                )
            })?,
            time: crate::domain::alerts::parse_time(&serve_or_default.digest_time).ok_or_else(
                || {
                    anyhow::anyhow!(
                        "NIAZ_DIGEST_TIME must be a time such as 08:00 (got {:?})",
                        serve_or_default.digest_time
                    )
                },
            )?,
            weekly_on: serve_or_default.weekly_digest_day.parse().map_err(|_| {
                anyhow::anyhow!(
                    "NIAZ_WEEKLY_DIGEST_DAY must be a weekday such as saturday (got {:?})",
                    serve_or_default.weekly_digest_day
                )
            })?,
        };
        Ok(Self {
            index_in_background: false,
            data_dir: data.data_dir.clone(),
            database_url,
            addr,
            base_url: base_url.trim_end_matches('/').to_string(),
            search_cache: serve.map_or(0, |s| s.search_cache),
            mail: match serve.and_then(|s| s.smtp_url.clone()) {
                Some(url) => crate::email::MailConfig::Smtp(url),
                None => crate::email::MailConfig::File(data.data_dir.join("mail")),
            },
            body_grace: std::time::Duration::from_secs(
                serve.map_or(20, |s| s.body_grace_seconds).clamp(1, 600),
            ),
            smtp_timeout: std::time::Duration::from_secs(
                serve.map_or(600, |s| s.smtp_timeout_seconds).clamp(1, 3600),
            ),
            mail_from: serve.map_or_else(
                || "Niaz <no-reply@niaz.local>".to_string(),
                |s| s.mail_from.clone(),
            ),
            trusted_proxy: serve.and_then(|s| s.trusted_proxy),
            session_idle: chrono::Duration::hours(2),
            session_absolute: chrono::Duration::days(7),
            need_lifetime: chrono::Duration::days(
                serve.map_or(180, |s| s.need_lifetime_days).max(1),
            ),
            max_upload_bytes: serve.map_or(20, |s| s.max_upload_mb).max(1) * 1024 * 1024,
            max_files_per_need: serve.map_or(10, |s| s.max_files_per_need).max(1),
            max_image_pixels: serve_or_default
                .max_image_megapixels
                .clamp(1, 1_000)
                .saturating_mul(1_000_000),
            max_heavy_jobs: serve_or_default.max_heavy_jobs.clamp(1, 64),
            sheet_limits: crate::services::spreadsheet::SheetLimits {
                max_file_bytes: serve_or_default.import_max_mb.clamp(1, 1024) * 1024 * 1024,
                max_rows: serve_or_default.import_max_rows.clamp(1, 10_000_000),
                max_columns: crate::services::spreadsheet::MAX_COLUMNS,
                max_unpacked_bytes: serve_or_default
                    .import_max_unpacked_mb
                    .clamp(1, 100_000)
                    .saturating_mul(1024 * 1024),
            },
            mail_retention: chrono::Duration::days(
                serve_or_default.mail_retention_days.clamp(1, 3650),
            ),
            invites_per_day: serve_or_default.invites_per_day.clamp(1, 10_000),
            interests_per_day: serve_or_default.interests_per_day.clamp(1, 10_000),
            followups: crate::domain::supplier::FollowupSchedule::parse(
                &serve_or_default.followup_days,
            )
            .map_err(|e| {
                anyhow::anyhow!(
                    "NIAZ_FOLLOWUP_DAYS {e} (got {:?})",
                    serve_or_default.followup_days
                )
            })?,
            worker_lease: chrono::Duration::seconds(
                serve_or_default.worker_lease_seconds.clamp(10, 3600),
            ),
            digests,
            alerts_per_day: serve_or_default.alerts_per_day.clamp(1, 1_000),
            announce_per_minute: serve_or_default.announce_per_minute.clamp(1, 10_000),
            desk_phone: crate::domain::text::clean(&serve_or_default.desk_phone),
            desk_levels: crate::domain::desk::ServiceLevels {
                first_response: chrono::Duration::hours(
                    serve_or_default
                        .desk_first_response_hours
                        .clamp(1, 24 * 365),
                ),
            },
            desk_supervisor,
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
            search_cache: 64,
            ..ServeArgs::defaults()
        };
        let mut config = Self::new(&data, Some(&serve))?;
        config.mail = crate::email::MailConfig::Memory;
        Ok(config)
    }
}
