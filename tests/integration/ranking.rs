//! The graded ranking set (`tests/data/ranking.tsv`): realistic queries over the demo catalogue,
//! each with the needs that should come first. Reports nDCG@10 and the share of queries whose
//! best need is first, and holds both above floors that may only go up.

use crate::helpers::spawn_demo_app;

/// Floors: raise them when ranking improves; never lower them.
const NDCG_FLOOR: f64 = 0.99;
const BEST_FIRST_FLOOR: f64 = 0.98;

struct Case {
    query: String,
    best: Vec<String>,
    good: Vec<String>,
}

fn cases() -> Vec<Case> {
    include_str!("../data/ranking.tsv")
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let mut cols = l.split('\t');
            let list = |c: Option<&str>| -> Vec<String> {
                c.unwrap_or_default()
                    .split(';')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect()
            };
            let query = cols.next().unwrap().to_string();
            Case {
                query,
                best: list(cols.next()),
                good: list(cols.next()),
            }
        })
        .collect()
}

fn dcg(grades: &[u32]) -> f64 {
    grades
        .iter()
        .enumerate()
        .map(|(i, g)| (2f64.powi(*g as i32) - 1.0) / ((i + 2) as f64).log2())
        .sum()
}

#[actix_web::test]
async fn ranking_set_meets_its_floors() {
    use diesel::prelude::*;
    use niaz::db::schema::needs;
    let app = spawn_demo_app().await;
    let public: Vec<(i32, String)> = needs::table
        .filter(needs::status.eq_any(["published", "in_talks", "localized"]))
        .select((needs::id, needs::part_number))
        .load(&mut *app.db.conn().unwrap())
        .unwrap();
    let ids_of = |part: &str| -> Vec<i64> {
        let ids: Vec<i64> = public
            .iter()
            .filter(|(_, p)| p == part)
            .map(|(id, _)| i64::from(*id))
            .collect();
        ids
    };
    // The demo keeps some needs out of the catalogue (drafts, in review, closed): a query whose
    // best needs are all among them cannot be answered and says so here.
    let cases: Vec<Case> = cases()
        .into_iter()
        .filter(|c| {
            let answerable = c.best.iter().any(|p| !ids_of(p).is_empty());
            if !answerable {
                eprintln!("not public in the demo: {} ({:?})", c.query, c.best);
            }
            answerable
        })
        .collect();
    assert!(cases.len() >= 60, "{} queries", cases.len());
    let (mut ndcg_sum, mut best_first) = (0.0, 0);
    let mut misses = Vec::new();
    for case in &cases {
        let grade = |id: i64| -> u32 {
            if case.best.iter().any(|p| ids_of(p).contains(&id)) {
                2
            } else if case.good.iter().any(|p| ids_of(p).contains(&id)) {
                1
            } else {
                0
            }
        };
        let q = crate::helpers::enc(&case.query);
        let (status, json) = app.get_json(&format!("/api/v1/needs?limit=10&q={q}")).await;
        assert_eq!(status, 200, "{}", case.query);
        let hits: Vec<i64> = json["hits"]
            .as_array()
            .unwrap()
            .iter()
            .chain(json["partial"].as_array().unwrap())
            .map(|h| h["id"].as_i64().unwrap())
            .take(10)
            .collect();
        let got: Vec<u32> = hits.iter().map(|id| grade(*id)).collect();
        let mut ideal: Vec<u32> = case
            .best
            .iter()
            .flat_map(|p| ids_of(p))
            .map(|_| 2)
            .chain(case.good.iter().flat_map(|p| ids_of(p)).map(|_| 1))
            .collect();
        ideal.truncate(10);
        let ndcg = dcg(&got) / dcg(&ideal);
        ndcg_sum += ndcg;
        if got.first() == Some(&2) {
            best_first += 1;
        }
        if ndcg < 0.999 || got.first() != Some(&2) {
            misses.push(format!("  {:.3} {} -> {got:?}", ndcg, case.query));
        }
    }
    let n = cases.len() as f64;
    let ndcg = ndcg_sum / n;
    let first = f64::from(best_first) / n;
    eprintln!(
        "ranking set: {} queries, nDCG@10 {ndcg:.3}, best need first in {:.1}% ({best_first})",
        cases.len(),
        first * 100.0
    );
    if !misses.is_empty() {
        eprintln!("below the best possible:\n{}", misses.join("\n"));
    }
    assert!(ndcg >= NDCG_FLOOR, "nDCG@10 {ndcg:.3} < {NDCG_FLOOR}");
    assert!(
        first >= BEST_FIRST_FLOOR,
        "best first {first:.3} < {BEST_FIRST_FLOOR}"
    );
}
