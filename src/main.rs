//! The `niaz` command line: serve the site, migrate the database, load demo data.

use anyhow::Context;
use clap::{Parser, Subcommand};
use tracing_subscriber::EnvFilter;

use niaz::app::{AppState, Application};
use niaz::config::{Config, DataArgs, ServeArgs};
use niaz::db::Db;
use niaz::services::demo;

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
    Serve(ServeArgs),
    /// Apply pending database migrations and exit.
    Migrate,
    /// Rebuild the search index from the database into a fresh directory and swap it in
    /// atomically; a running server keeps answering searches and switches when it is done.
    Reindex,
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
        .init();

    match cli.command {
        Command::Serve(serve) => {
            let config = Config::new(&cli.data, Some(&serve))?;
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
        Command::User(UserCommand::Create { email, role, name }) => {
            let config = Config::new(&cli.data, None)?;
            let db = Db::open(&config.database_url)?;
            let role = niaz::domain::account::Role::parse(&role).ok_or_else(|| {
                anyhow::anyhow!("--role must be admin, organizer, buyer or supplier")
            })?;
            let password = read_password()?;
            let id = niaz::services::accounts::create_user_cli(
                &mut *db.conn()?,
                &email,
                &name,
                role,
                &password,
            )?;
            println!(
                "created {} account #{id} for {}",
                role.as_str(),
                email.trim().to_lowercase()
            );
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
        } => tracing::info!("loaded demo data: {organizations} organizations, {needs} needs"),
    }
    Ok(())
}
