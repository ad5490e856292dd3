//! Alerts at scale: matching one newly published need against 10,000 maker profiles and
//! 10,000 saved searches, and preparing the daily digests of 10,000 subscribers.
//!
//! The catalogue (default 100,000 needs; `NIAZ_BENCH_NEEDS` changes it), the makers and the
//! saved searches are generated once into `target/bench-data/alerts-<n>` and reused. Run with
//! `cargo bench --bench alerts`.

use std::path::PathBuf;

use chrono::Utc;
use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use diesel::prelude::*;
use niaz::config::Config;
use niaz::db::models::NewUser;
use niaz::db::schema::{
    alerts, digest_runs, needs, outbox, saved_searches, search_changes, settings,
};
use niaz::domain::account::Role;
use niaz::domain::alerts::{Frequency, Reason};
use niaz::domain::supplier::Process;
use niaz::state::AppState;

const SUBSCRIBERS: usize = 10_000;

/// Words makers and saved searches are made of: the trade's usual parts and materials.
const WORDS: &[&str] = &[
    "بلبرینگ",
    "پمپ",
    "شفت",
    "بوش",
    "واشر",
    "چرخ‌دنده",
    "کاسه نمد",
    "قالب",
    "پروانه",
    "سیلندر",
    "شیر",
    "فیلتر",
    "تسمه",
    "زنجیر",
    "کوپلینگ",
    "فنر",
    "پیچ",
    "مهره",
    "یاتاقان",
    "گیربکس",
    "الکتروموتور",
    "سنسور",
    "برد",
    "تابلو",
    "رله",
    "اورینگ",
    "لنت",
    "دیسک",
    "پولی",
    "نازل",
];
const MATERIALS: &[&str] = &["فولاد", "چدن", "برنج", "آلومینیوم", "لاستیک", "تفلون", "مس"];
const CITIES: &[&str] = &["تبریز", "مراغه", "مرند", "اهر", "میانه", "بناب", "سراب"];

fn peak_rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

fn state() -> AppState {
    let n: usize = std::env::var("NIAZ_BENCH_NEEDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("target/bench-data")
        .join(format!("alerts-{n}"));
    let config = Config::for_data_dir(&dir).expect("config");
    let db = niaz::db::Db::open(&config.database_url).expect("db");
    let mut conn = db.conn().expect("conn");
    niaz::services::demo::load(&mut conn, Some(n), 1405, true).expect("demo data");
    let have: i64 = saved_searches::table
        .count()
        .get_result(&mut *conn)
        .unwrap();
    if have < SUBSCRIBERS as i64 {
        eprintln!("generating {SUBSCRIBERS} makers with profiles and saved searches");
        let now = Utc::now().naive_utc();
        let mut rng = fastrand::Rng::with_seed(8058);
        conn.transaction(|conn| {
            for i in 0..SUBSCRIBERS {
                let user = niaz::db::accounts::insert_user(
                    conn,
                    &NewUser {
                        email: format!("bench-maker{i}@example.invalid"),
                        email_verified_at: Some(now),
                        password_hash: "!".into(),
                        name: format!("سازنده {i}"),
                        phone: String::new(),
                        lang: "fa".into(),
                        role: Role::Supplier,
                        organization_id: None,
                        created_at: now,
                        updated_at: now,
                    },
                )?;
                let words: Vec<&str> = (0..3).map(|_| WORDS[rng.usize(..WORDS.len())]).collect();
                let city = CITIES[rng.usize(..CITIES.len())];
                let first = rng.usize(..Process::ALL.len());
                let processes: Vec<Process> = vec![
                    Process::ALL[first],
                    Process::ALL[(first + 1 + rng.usize(..5)) % Process::ALL.len()],
                ];
                niaz::db::suppliers::save(
                    conn,
                    user,
                    &niaz::db::suppliers::ProfileFields {
                        summary: format!("ساخت {} در {city}", words.join(" و ")),
                        materials: MATERIALS[rng.usize(..MATERIALS.len())].into(),
                        machines: String::new(),
                        capacity: String::new(),
                        city: city.into(),
                        localized_parts: String::new(),
                        ..Default::default()
                    },
                    &processes,
                    &[],
                )?;
                let query = match i % 4 {
                    0 => format!("q={}", words[0]),
                    1 => format!("q={}+{}", words[0], words[1]),
                    2 => format!("q={}&city={city}", words[1]),
                    _ => format!("q={}&category=bearings-power-transmission", words[2]),
                };
                niaz::db::alerts::insert_saved_search(
                    conn,
                    user,
                    words[0],
                    &query,
                    [Frequency::Instant, Frequency::Daily, Frequency::Weekly][i % 3],
                    now,
                )?;
            }
            diesel::QueryResult::Ok(())
        })
        .expect("makers");
    }
    drop(conn);
    AppState::with_db(config, db).expect("state")
}

/// The needs of the catalogue that match some of the words, to publish "again".
fn published_need(state: &AppState) -> i32 {
    let mut conn = state.db.conn().unwrap();
    needs::table
        .filter(needs::status.eq(niaz::domain::need::NeedStatus::Published))
        .filter(needs::title.like("%بلبرینگ%"))
        .select(needs::id)
        .first(&mut *conn)
        .expect("a published bearing")
}

fn matching(c: &mut Criterion) {
    let state = state();
    let need = published_need(&state);
    let categories = state.categories.clone();
    // Warm: the makers' index is built once, as a running server has it.
    {
        let mut conn = state.db.conn().unwrap();
        niaz::services::matching::refresh(&mut conn, &state.matcher).unwrap();
    }
    let mut matched = 0;
    c.bench_function("match_one_need_10k_profiles_10k_searches", |b| {
        b.iter_batched(
            || {
                // Setup (not measured): the need is published again and the index has it.
                let mut conn = state.db.conn().unwrap();
                diesel::delete(alerts::table).execute(&mut *conn).unwrap();
                niaz::db::search::record_changes(&mut conn, &[need]).unwrap();
                let last: i32 = search_changes::table
                    .select(diesel::dsl::max(search_changes::id))
                    .first::<Option<i32>>(&mut *conn)
                    .unwrap()
                    .unwrap();
                niaz::db::alerts::set_cursor(&mut conn, last - 1).unwrap();
                state.search.apply_pending().unwrap();
                conn
            },
            |mut conn| {
                matched = niaz::services::alerts::match_published(
                    &mut conn,
                    &state.search,
                    &state.matcher,
                    &categories,
                    Utc::now(),
                )
                .unwrap();
            },
            BatchSize::PerIteration,
        )
    });
    eprintln!("one need announced to {matched} makers");
}

fn digests(c: &mut Criterion) {
    let state = state();
    let mut conn = state.db.conn().unwrap();
    let makers: Vec<i32> = saved_searches::table
        .select(saved_searches::user_id)
        .limit(SUBSCRIBERS as i64)
        .load(&mut *conn)
        .unwrap();
    let some_needs: Vec<i32> = needs::table
        .filter(needs::status.eq(niaz::domain::need::NeedStatus::Published))
        .select(needs::id)
        .limit(50)
        .load(&mut *conn)
        .unwrap();
    drop(conn);
    let some_needs = &some_needs;
    let before = peak_rss_kb();
    let mut group = c.benchmark_group("digests");
    group.sample_size(10);
    group.bench_function("prepare_daily_digests_10k_subscribers", |b| {
        b.iter_batched(
            || {
                // Setup (not measured): three matches waiting for each subscriber.
                let mut conn = state.db.conn().unwrap();
                conn.transaction(|conn| {
                    diesel::delete(alerts::table).execute(conn)?;
                    diesel::delete(digest_runs::table).execute(conn)?;
                    diesel::delete(outbox::table).execute(conn)?;
                    diesel::delete(settings::table.filter(settings::name.eq("alerts_cursor")))
                        .execute(conn)?;
                    let now = Utc::now().naive_utc();
                    let rows: Vec<niaz::db::alerts::NewAlert> = makers
                        .iter()
                        .enumerate()
                        .flat_map(|(i, user)| {
                            (0..3).map(move |k| niaz::db::alerts::NewAlert {
                                user_id: *user,
                                need_id: some_needs[(i + k * 7) % some_needs.len()],
                                saved_search_id: None,
                                reason: Reason::Profile,
                                delivery: Frequency::Daily,
                                created_at: now,
                            })
                        })
                        .collect();
                    niaz::db::alerts::insert_alerts(conn, &rows)?;
                    diesel::QueryResult::Ok(())
                })
                .unwrap();
                conn
            },
            |mut conn| {
                let n = niaz::services::alerts::send_digests(
                    &mut conn,
                    &state.links,
                    &state.config,
                    Utc::now(),
                )
                .unwrap();
                assert_eq!(n, makers.len());
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
    eprintln!(
        "peak RSS {} MB before the digests, {} MB after",
        before / 1024,
        peak_rss_kb() / 1024
    );
}

criterion_group!(benches, matching, digests);
criterion_main!(benches);
