//! Query latency over a synthetic catalogue (default 100,000 needs; `NIAZ_BENCH_NEEDS` changes it).
//!
//! The catalogue is generated once into `target/bench-data/<n>` and reused by later runs, so only
//! the first run pays for generation and indexing. Run with `cargo bench --bench search`.

use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, Criterion};
use niaz::config::Config;
use niaz::search::query::{search, SearchRequest, Sort};
use niaz::state::AppState;
use tantivy::schema::Facet;

fn state() -> AppState {
    let n: usize = std::env::var("NIAZ_BENCH_NEEDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("target/bench-data")
        .join(n.to_string());
    let config = Config::for_data_dir(&dir).expect("config");
    let db = niaz::db::Db::open(&config.database_url).expect("db");
    niaz::services::demo::load(&mut db.conn().expect("conn"), Some(n), 1405, true)
        .expect("demo data");
    AppState::with_db(config, db).expect("state")
}

fn queries(c: &mut Criterion) {
    let state = state();
    let generation = state.search.generation();
    let all_facets = vec![
        Facet::from("/category"),
        Facet::from("/province"),
        Facet::from("/city"),
        Facet::from("/status"),
        Facet::from("/origin"),
        Facet::from("/drawing"),
    ];
    let cases: Vec<(&str, SearchRequest)> = vec![
        (
            "single_term",
            SearchRequest {
                q: "بلبرینگ".into(),
                limit: 20,
                ..Default::default()
            },
        ),
        (
            "single_term_arabic_letters",
            SearchRequest {
                q: "بلبرينگ".into(),
                limit: 20,
                ..Default::default()
            },
        ),
        (
            "multi_term",
            SearchRequest {
                q: "پمپ گریز از مرکز".into(),
                limit: 20,
                ..Default::default()
            },
        ),
        (
            "phrase",
            SearchRequest {
                q: "\"گریز از مرکز\"".into(),
                limit: 20,
                ..Default::default()
            },
        ),
        (
            "part_number",
            SearchRequest {
                q: "6205-2RS".into(),
                limit: 20,
                ..Default::default()
            },
        ),
        (
            "hs_heading",
            SearchRequest {
                q: "8482".into(),
                limit: 20,
                ..Default::default()
            },
        ),
        (
            "typo",
            SearchRequest {
                q: "بلبرنگ".into(),
                limit: 20,
                ..Default::default()
            },
        ),
        (
            "faceted_term",
            SearchRequest {
                q: "پمپ".into(),
                facet_roots: all_facets.clone(),
                limit: 20,
                ..Default::default()
            },
        ),
        (
            "faceted_filtered_sorted",
            SearchRequest {
                q: "شیر".into(),
                filters: vec![Facet::from_path(["city", "تبریز"])],
                facet_roots: all_facets.clone(),
                sort: Sort::Value,
                limit: 20,
                ..Default::default()
            },
        ),
        (
            "browse_all_with_facets",
            SearchRequest {
                q: String::new(),
                facet_roots: all_facets,
                sort: Sort::Newest,
                limit: 20,
                ..Default::default()
            },
        ),
    ];
    let mut group = c.benchmark_group("search_100k");
    for (name, req) in &cases {
        let hits = search(&generation, req).expect("search").total;
        eprintln!("{name}: {hits} hits");
        group.bench_function(*name, |b| {
            b.iter(|| search(&generation, req).expect("search"))
        });
    }
    group.finish();

    // The rest of an API request after the index: loading 20 rows and highlighting them.
    let req = SearchRequest {
        q: "بلبرینگ".into(),
        limit: 20,
        ..Default::default()
    };
    let outcome = search(&generation, &req).expect("search");
    let mut conn = state.db.conn().expect("conn");
    let rows = niaz::db::catalogue::load_need_rows(&mut conn, &outcome.ids).expect("rows");
    let mut group = c.benchmark_group("page_of_20");
    group.bench_function("load_rows", |b| {
        b.iter(|| niaz::db::catalogue::load_need_rows(&mut conn, &outcome.ids).expect("rows"))
    });
    group.bench_function("snippets", |b| {
        b.iter(|| {
            rows.iter()
                .map(|(n, _, _)| outcome.highlighter.snippet_html(&n.description))
                .collect::<Vec<_>>()
        })
    });
    group.bench_function("analyze_description", |b| {
        b.iter(|| {
            rows.iter()
                .map(|(n, _, _)| niaz::search::analyzer::analyze(&n.description).len())
                .sum::<usize>()
        })
    });
    group.finish();
}

criterion_group!(benches, queries);
criterion_main!(benches);
