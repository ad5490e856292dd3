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

fn main() -> anyhow::Result<()> {
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
