//! The `niaz` command line: serve the site, migrate the database, load demo data.

use anyhow::Context;
use clap::{Parser, Subcommand};
use tracing_subscriber::EnvFilter;

use niaz::config::{Config, DataArgs, ServeArgs};
use niaz::db::Db;
use niaz::services::demo;
use niaz::startup::Application;
use niaz::state::AppState;

#[derive(Parser)]
#[command(
    name = "niaz",
    version,
    about = "Niaz: the exhibition of industry needs"
)]
struct Cli {
    #[command(flatten)]
    data: DataArgs,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web site (applies pending migrations first).
    Serve(Box<ServeArgs>),
    /// Apply pending database migrations and exit.
    Migrate,
    /// Rebuild the search index from the database into a fresh directory and swap it in
    /// atomically; a running server keeps answering searches and switches when it is done.
    Reindex,
    /// Import needs from a CSV or XLSX file (columns in the README). Nothing is written when any
    /// row is invalid, unless --skip-invalid is given.
    Import {
        file: std::path::PathBuf,
        /// Text encoding of a CSV file: utf-8 or windows-1256 (detected when not given).
        #[arg(long)]
        encoding: Option<String>,
        /// Status of rows without a status cell.
        #[arg(long, default_value = "published")]
        status: String,
        /// Import the valid rows and report the others.
        #[arg(long)]
        skip_invalid: bool,
    },
    /// Export needs as CSV (UTF-8 with BOM) or XLSX, in the import format.
    Export {
        /// csv or xlsx; by default taken from --output's extension, else csv.
        #[arg(long)]
        format: Option<String>,
        /// File to write; standard output when not given.
        #[arg(long, short)]
        output: Option<std::path::PathBuf>,
        /// Only needs of these statuses (comma separated), e.g. published,in_talks.
        #[arg(long)]
        status: Option<String>,
    },
    /// Write a consistent backup of the database and the uploaded files while the site runs.
    Backup {
        /// A new (or empty) directory; by default <data-dir>/backups/<time>.
        #[arg(long)]
        to: Option<std::path::PathBuf>,
    },
    /// Move a SQLite deployment into a new PostgreSQL database, every table and row, then check
    /// row counts per table and a sample of rows field by field. Stop the site first; uploads
    /// and the search index are not in the database (copy the first, the second is rebuilt).
    MigrateData {
        /// The SQLite database, e.g. sqlite://data/niaz.db.
        #[arg(long)]
        from: String,
        /// The PostgreSQL database, which must be empty, e.g. postgres://niaz@localhost/niaz.
        #[arg(long)]
        to: String,
    },
    /// Manage accounts from the command line (the first admin, organizers).
    #[command(subcommand)]
    User(UserCommand),
    /// Load demo data (East Azerbaijan firms and their needs) into an empty database.
    Demo {
        /// Number of needs: the hand-written set by default, or a synthetic catalogue of any size.
        #[arg(long)]
        count: Option<usize>,
        /// Seed of the synthetic generator, for repeatable benchmarks.
        #[arg(long, default_value_t = 1405)]
        seed: u64,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create a verified account. Asks for the password, or reads it from standard input when
    /// that is not a terminal (`echo "$PASSWORD" | niaz user create ...`).
    Create {
        #[arg(long)]
        email: String,
        /// admin, organizer, buyer or supplier.
        #[arg(long, default_value = "admin")]
        role: String,
        /// Display name (defaults to the email address).
        #[arg(long, default_value = "")]
        name: String,
        /// The organization the account belongs to (required for a buyer; a maker's workshop
        /// is optional). Found however its name is spelled, or created.
        #[arg(long)]
        organization: Option<String>,
    },
}

fn read_password() -> anyhow::Result<String> {
    use std::io::IsTerminal;
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password (at least 10 characters): ")?;
        let again = rpassword::prompt_password("Repeat the password: ")?;
        anyhow::ensure!(first == again, "the two passwords differ");
        Ok(first)
    } else {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line)?;
        Ok(line.trim_end_matches(['\r', '\n']).to_string())
    }
}

fn main() -> std::process::ExitCode {
    match run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            // The cause chain, without a backtrace: these are messages for people.
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run() -> anyhow::Result<()> {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_env("NIAZ_LOG").unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_target(false)
        // Colours only on a terminal: a log file or pipe gets plain text.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr)
        .init();

    match cli.command {
        Command::Serve(serve) => {
            let mut config = Config::new(&cli.data, Some(&serve))?;
            config.index_in_background = true;
            let db = Db::open(&config.database_url)?;
            if serve.demo {
                load_demo(&db, None, 1405)?;
            }
            let state = AppState::with_db(config, db)?;
            let app = Application::build(state)?;
            let url = format!(
                "http://{}",
                serve.addr.replace(":0", &format!(":{}", app.port()))
            );
            tracing::info!("Niaz is running at {url} (Ctrl+C stops it)");
            actix_web::rt::System::new().block_on(app.run())?;
        }
        Command::Migrate => {
            let config = Config::new(&cli.data, None)?;
            let db = Db::open(&config.database_url)?;
            let applied = db.migrate()?;
            println!("database is up to date ({})", config.database_url);
            for name in applied {
                println!("applied {name}");
            }
        }
        Command::Backup { to } => {
            let config = Config::new(&cli.data, None)?;
            let db = Db::open(&config.database_url)?;
            let to = to.unwrap_or_else(|| {
                niaz::services::backup::default_dir(
                    &config.data_dir,
                    chrono::Utc::now().naive_utc(),
                )
            });
            eprintln!("backing up into {} ...", to.display());
            let done = niaz::services::backup::run(&db, &config.data_dir, &to)?;
            println!(
                "backed up the database ({} KB) and {} uploaded files into {}",
                done.database_bytes / 1024,
                done.files,
                done.dir.display()
            );
        }
        Command::MigrateData { from, to } => {
            let started = std::time::Instant::now();
            let bar = indicatif::ProgressBar::new_spinner();
            let report = niaz::services::migrate_data::run(&from, &to, |table, rows| {
                bar.set_message(format!("copying {table} ({rows} rows)"));
                bar.tick();
            })?;
            bar.finish_and_clear();
            for (table, rows, compared) in &report.tables {
                println!("{table:<28} {rows:>9} rows, {compared:>3} compared field by field");
            }
            println!(
                "moved {} rows in {} tables in {:.1} s; row counts equal in every table",
                report.rows(),
                report.tables.len(),
                started.elapsed().as_secs_f64()
            );
        }
        Command::Reindex => {
            let config = Config::new(&cli.data, None)?;
            let db = Db::open(&config.database_url)?;
            let started = std::time::Instant::now();
            let bar = indicatif::ProgressBar::new(0);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "indexing [{bar:40}] {pos}/{len} needs ({per_sec}, {eta})",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
                .progress_chars("=> "),
            );
            let (name, n) = niaz::search::rebuild(&config.data_dir, &db, &|done, total| {
                bar.set_length(total);
                bar.set_position(done);
            })?;
            bar.finish_and_clear();
            println!(
                "indexed {n} public needs in {:.1?} into {name}; it is now the live index",
                started.elapsed()
            );
        }
        Command::Import {
            file,
            encoding,
            status,
            skip_invalid,
        } => {
            let config = Config::new(&cli.data, None)?;
            let db = Db::open(&config.database_url)?;
            import(
                &config,
                &db,
                &file,
                encoding.as_deref(),
                &status,
                skip_invalid,
            )?;
            audit_cli(&db, "niaz import", &file.display().to_string())?;
        }
        Command::Export {
            format,
            output,
            status,
        } => {
            let config = Config::new(&cli.data, None)?;
            let db = Db::open(&config.database_url)?;
            export(&db, format.as_deref(), output.as_deref(), status.as_deref())?;
        }
        Command::User(UserCommand::Create {
            email,
            role,
            name,
            organization,
        }) => {
            let config = Config::new(&cli.data, None)?;
            let db = Db::open(&config.database_url)?;
            let role = niaz::domain::account::Role::parse(&role).ok_or_else(|| {
                anyhow::anyhow!("--role must be admin, organizer, buyer or supplier")
            })?;
            if role == niaz::domain::account::Role::Buyer
                && organization.as_deref().is_none_or(|o| o.trim().is_empty())
            {
                anyhow::bail!("a buyer belongs to a firm: give --organization NAME");
            }
            let password = read_password()?;
            let id = niaz::services::accounts::create_user_cli_in(
                &mut *db.conn()?,
                &email,
                &name,
                role,
                &password,
                organization.as_deref(),
            )?;
            println!(
                "created {} account #{id} for {}",
                role.as_str(),
                email.trim().to_lowercase()
            );
            audit_cli(
                &db,
                "niaz user create",
                &format!("id={id} role={}", role.as_str()),
            )?;
        }
        Command::Demo { count, seed } => {
            let config = Config::new(&cli.data, None)?;
            let db = Db::open(&config.database_url)?;
            load_demo(&db, count, seed)?;
        }
    }
    Ok(())
}

/// Loads demo data unless the database already has needs: demo data never mixes with real data.
fn load_demo(db: &Db, count: Option<usize>, seed: u64) -> anyhow::Result<()> {
    let mut conn = db.conn()?;
    let report = demo::load(&mut conn, count, seed, true).context("loading demo data")?;
    match report {
        demo::Loaded::Skipped { existing } => {
            tracing::info!("the database already has {existing} needs; demo data not loaded")
        }
        demo::Loaded::Done {
            organizations,
            needs,
            makers,
        } => tracing::info!(
            "loaded demo data: {organizations} organizations, {needs} needs, {makers} makers"
        ),
    }
    Ok(())
}

fn import(
    config: &Config,
    db: &Db,
    file: &std::path::Path,
    encoding: Option<&str>,
    status: &str,
    skip_invalid: bool,
) -> anyhow::Result<()> {
    use niaz::services::spreadsheet as sheet;
    let encoding = match encoding {
        None => None,
        Some(e) => Some(
            sheet::Encoding::parse(e)
                .ok_or_else(|| anyhow::anyhow!("--encoding must be utf-8 or windows-1256"))?,
        ),
    };
    let default_status = niaz::domain::need::NeedStatus::parse(status)
        .ok_or_else(|| anyhow::anyhow!("--status {status:?} is not a need status"))?;
    let table = match sheet::read_file(file, encoding, &config.sheet_limits) {
        Ok(t) => t,
        Err(sheet::ReadError::Limit(key, limit)) => anyhow::bail!(
            "{}: {} (limit {limit}); nothing was imported",
            file.display(),
            niaz::i18n::t(niaz::i18n::Lang::En, key)
        ),
        Err(sheet::ReadError::Unreadable(e)) => return Err(e),
    };
    eprintln!("read {} rows from {}", table.rows.len(), file.display());
    let mut conn = db.conn()?;
    let categories = niaz::db::catalogue::all_categories(&mut conn)?;
    let lang = niaz::i18n::Lang::En;
    let checked = match sheet::check(&table, &categories, default_status) {
        Ok(c) => c,
        Err(header_errors) => {
            for e in &header_errors {
                eprintln!("{}", e.message(lang));
            }
            anyhow::bail!("the header row has problems; nothing was imported");
        }
    };
    for e in &checked.errors {
        eprintln!("{}", e.message(lang));
    }
    if !checked.errors.is_empty() && !skip_invalid {
        anyhow::bail!(
            "{} problems in {} rows; nothing was imported (fix them, or use --skip-invalid to import the {} valid rows)",
            checked.errors.len(),
            checked.invalid_rows,
            checked.valid.len()
        );
    }
    let bar = indicatif::ProgressBar::new(checked.valid.len() as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template("importing [{bar:40}] {pos}/{len} rows ({eta})")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    let applied = sheet::apply(&mut conn, &checked.valid, &|n| bar.set_position(n as u64))?;
    bar.finish_and_clear();
    drop(conn);
    niaz::search::sync_from_cli(&config.data_dir, db)?;
    println!(
        "imported {} rows: {} new needs, {} updated, {} unchanged, {} new organizations{}; all searchable now",
        checked.valid.len(),
        applied.created,
        applied.updated,
        applied.unchanged,
        applied.organizations_created,
        if checked.invalid_rows > 0 {
            format!("; {} invalid rows skipped", checked.invalid_rows)
        } else {
            String::new()
        }
    );
    Ok(())
}

fn export(
    db: &Db,
    format: Option<&str>,
    output: Option<&std::path::Path>,
    status: Option<&str>,
) -> anyhow::Result<()> {
    use niaz::services::spreadsheet as sheet;
    let statuses: Option<Vec<&str>> = status.map(|s| s.split(',').map(str::trim).collect());
    if let Some(list) = &statuses {
        for s in list {
            anyhow::ensure!(
                niaz::domain::need::NeedStatus::parse(s).is_some(),
                "--status: {s:?} is not a need status"
            );
        }
    }
    let format = format
        .map(str::to_string)
        .or_else(|| {
            output
                .and_then(|o| o.extension())
                .map(|e| e.to_string_lossy().to_lowercase())
        })
        .unwrap_or_else(|| "csv".into());
    let rows = niaz::db::catalogue::all_need_rows(&mut *db.conn()?, statuses.as_deref())?;
    let table = sheet::export_rows(&rows, sheet::Audience::Staff);
    let bytes = match format.as_str() {
        "csv" => sheet::write_csv(&table)?,
        "xlsx" => sheet::write_xlsx(&table)?,
        other => anyhow::bail!("--format must be csv or xlsx, not {other:?}"),
    };
    match output {
        Some(path) => {
            std::fs::write(path, &bytes)?;
            eprintln!("exported {} needs to {}", rows.len(), path.display());
        }
        None => {
            use std::io::Write;
            std::io::stdout().write_all(&bytes)?;
        }
    }
    Ok(())
}

/// Records a command that changed the site in the staff's audit log.
fn audit_cli(db: &Db, action: &str, target: &str) -> anyhow::Result<()> {
    niaz::db::audit::record(
        &mut *db.conn()?,
        &niaz::db::audit::Entry {
            id: 0,
            actor_id: None,
            actor: "cli".into(),
            action: action.into(),
            target: target.into(),
            outcome: "done".into(),
            created_at: chrono::Utc::now().naive_utc(),
        },
    )?;
    Ok(())
}
