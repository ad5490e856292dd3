//! The desk's public figures: cases received, answered and resolved, how fast, by category,
//! agency and month, and the open backlog. Counts only: no firm is ever named.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use serde::Serialize;

use super::reports::{bar_chart, Row, Series};
use crate::db::desk::{Agency, Case};
use crate::domain::desk::{CaseCategory, CaseStatus, ServiceLevels};
use crate::error::AppError;
use crate::i18n::{self, Lang};
use crate::state::AppState;

/// One headline figure.
#[derive(Debug, Clone, Serialize)]
pub struct Headline {
    pub id: &'static str,
    /// The value as stored: a count, hours or days (rounded down), or a rating times ten.
    pub value: i64,
    pub display: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Figures {
    pub headline: Vec<Headline>,
    pub series: Vec<Series>,
}

/// The median of some values, if there are any (the lower middle of an even count, so that
/// it is always one of the values).
pub fn median(mut values: Vec<i64>) -> Option<i64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    Some(values[(values.len() - 1) / 2])
}

fn hours(from: NaiveDateTime, to: NaiveDateTime) -> i64 {
    (to - from).num_hours().max(0)
}

fn days(from: NaiveDateTime, to: NaiveDateTime) -> i64 {
    (to - from).num_days().max(0)
}

/// Computes every figure from the cases (all of them: a province files thousands a year, not
/// millions, and one pass over them is simpler than a query per figure).
pub fn compute(
    cases: &[Case],
    agencies: &[Agency],
    levels: &ServiceLevels,
    now: NaiveDateTime,
    lang: Lang,
) -> Figures {
    let num = |n: i64| i18n::format_number(n, lang);
    let t = |key: &str| i18n::t(lang, key);
    let answered: Vec<&Case> = cases
        .iter()
        .filter(|c| c.first_response_at.is_some())
        .collect();
    let resolved: Vec<&Case> = cases
        .iter()
        .filter(|c| c.status == CaseStatus::Resolved)
        .collect();
    let open: Vec<&Case> = cases.iter().filter(|c| c.status.is_open()).collect();
    let overdue = open
        .iter()
        .filter(|c| {
            levels
                .overdue(c.status, c.category, c.created_at, c.first_response_at, now)
                .is_some()
        })
        .count() as i64;
    let first_response = |cs: &[&Case]| {
        median(
            cs.iter()
                .filter_map(|c| c.first_response_at.map(|r| hours(c.created_at, r)))
                .collect(),
        )
    };
    let resolution = |cs: &[&Case]| {
        median(
            cs.iter()
                .filter(|c| c.status == CaseStatus::Resolved)
                .filter_map(|c| c.resolved_at.map(|r| days(c.created_at, r)))
                .collect(),
        )
    };
    let ratings: Vec<i64> = cases
        .iter()
        .filter_map(|c| c.rating.map(i64::from))
        .collect();
    let all: Vec<&Case> = cases.iter().collect();
    let mut headline = vec![
        ("received", cases.len() as i64, None),
        ("answered", answered.len() as i64, None),
        ("resolved", resolved.len() as i64, None),
        ("open", open.len() as i64, None),
        ("overdue", overdue, None),
    ]
    .into_iter()
    .map(|(id, value, _): (&'static str, i64, Option<()>)| Headline {
        id,
        value,
        display: num(value),
    })
    .collect::<Vec<_>>();
    if let Some(h) = first_response(&answered) {
        headline.push(Headline {
            id: "median_first_response_hours",
            value: h,
            display: i18n::t_with(lang, "figures.hours", &[("n", i18n::Arg::Number(h))]),
        });
    }
    if let Some(d) = resolution(&all) {
        headline.push(Headline {
            id: "median_resolution_days",
            value: d,
            display: i18n::t_with(lang, "figures.days", &[("n", i18n::Arg::Number(d))]),
        });
    }
    if !ratings.is_empty() {
        let tenths = ratings.iter().sum::<i64>() * 10 / ratings.len() as i64;
        let shown = format!("{}.{}", tenths / 10, tenths % 10);
        headline.push(Headline {
            id: "average_rating_tenths",
            value: tenths,
            display: match lang {
                Lang::Fa => i18n::fa_digits(&shown).replace('.', "٫"),
                Lang::En => shown,
            },
        });
    }

    let category_label = |c: CaseCategory| t(&format!("desk.category_{}", c.as_str()));
    let agency_label =
        |id: Option<i32>| match id.and_then(|id| agencies.iter().find(|a| a.id == id)) {
            Some(a) => match lang {
                Lang::En if !a.name_en.is_empty() => a.name_en.clone(),
                _ => a.name_fa.clone(),
            },
            None => t("desk.not_assigned"),
        };
    let rows = |pairs: Vec<(String, i64)>, unit: Option<&str>| -> Vec<Row> {
        pairs
            .into_iter()
            .map(|(label, value)| Row {
                display: match unit {
                    Some(key) => i18n::t_with(lang, key, &[("n", i18n::Arg::Number(value))]),
                    None => num(value),
                },
                label,
                value,
            })
            .collect()
    };
    let by_month = |pick: &dyn Fn(&Case) -> Option<NaiveDateTime>| {
        let mut months: BTreeMap<String, (String, i64)> = BTreeMap::new();
        for c in cases {
            if let Some(at) = pick(c) {
                let (key, label) = i18n::month_of(i18n::local_date(at), lang);
                months.entry(key).or_insert((label, 0)).1 += 1;
            }
        }
        months.into_values().collect::<Vec<_>>()
    };
    let mut series = Vec::new();
    let mut push = |id: &str, title: String, rows: Vec<Row>| {
        series.push(Series {
            id: id.to_string(),
            svg: bar_chart(&title, &rows, lang),
            title,
            rows,
        });
    };
    push(
        "received_by_month",
        t("figures.received_by_month"),
        rows(by_month(&|c| Some(c.created_at)), None),
    );
    push(
        "resolved_by_month",
        t("figures.resolved_by_month"),
        rows(
            by_month(&|c| {
                (c.status == CaseStatus::Resolved)
                    .then_some(c.resolved_at)
                    .flatten()
            }),
            None,
        ),
    );
    // Median hours to a first answer of the cases filed each month.
    let mut filed_months: BTreeMap<String, (String, Vec<&Case>)> = BTreeMap::new();
    for c in cases {
        let (key, label) = i18n::month_of(i18n::local_date(c.created_at), lang);
        filed_months
            .entry(key)
            .or_insert((label, Vec::new()))
            .1
            .push(c);
    }
    push(
        "first_response_by_month",
        t("figures.first_response_by_month"),
        rows(
            filed_months
                .into_values()
                .filter_map(|(label, cs)| first_response(&cs).map(|h| (label, h)))
                .collect(),
            Some("figures.hours"),
        ),
    );
    let categories: Vec<(CaseCategory, Vec<&Case>)> = CaseCategory::ALL
        .iter()
        .map(|cat| (*cat, cases.iter().filter(|c| c.category == *cat).collect()))
        .filter(|(_, cs): &(CaseCategory, Vec<&Case>)| !cs.is_empty())
        .collect();
    push(
        "by_category",
        t("figures.by_category"),
        rows(
            categories
                .iter()
                .map(|(cat, cs)| (category_label(*cat), cs.len() as i64))
                .collect(),
            None,
        ),
    );
    let mut agency_ids: Vec<Option<i32>> = cases.iter().map(|c| c.agency_id).collect();
    agency_ids.sort();
    agency_ids.dedup();
    let by_agency: Vec<(Option<i32>, Vec<&Case>)> = agency_ids
        .into_iter()
        .map(|a| (a, cases.iter().filter(|c| c.agency_id == a).collect()))
        .collect();
    push(
        "by_agency",
        t("figures.by_agency"),
        rows(
            by_agency
                .iter()
                .map(|(a, cs)| (agency_label(*a), cs.len() as i64))
                .collect(),
            None,
        ),
    );
    push(
        "first_response_by_category",
        t("figures.first_response_by_category"),
        rows(
            categories
                .iter()
                .filter_map(|(cat, cs)| first_response(cs).map(|h| (category_label(*cat), h)))
                .collect(),
            Some("figures.hours"),
        ),
    );
    push(
        "resolution_by_category",
        t("figures.resolution_by_category"),
        rows(
            categories
                .iter()
                .filter_map(|(cat, cs)| resolution(cs).map(|d| (category_label(*cat), d)))
                .collect(),
            Some("figures.days"),
        ),
    );
    push(
        "first_response_by_agency",
        t("figures.first_response_by_agency"),
        rows(
            by_agency
                .iter()
                .filter(|(a, _)| a.is_some())
                .filter_map(|(a, cs)| first_response(cs).map(|h| (agency_label(*a), h)))
                .collect(),
            Some("figures.hours"),
        ),
    );
    push(
        "backlog_by_status",
        t("figures.backlog_by_status"),
        rows(
            CaseStatus::ALL
                .iter()
                .filter(|s| s.is_open())
                .map(|s| {
                    (
                        t(&format!("desk.status_{}", s.as_str())),
                        open.iter().filter(|c| c.status == *s).count() as i64,
                    )
                })
                .filter(|(_, n)| *n > 0)
                .collect(),
            None,
        ),
    );
    Figures { headline, series }
}

/// The figures as CSV rows: series, label, value.
pub fn csv_rows(f: &Figures) -> Vec<Vec<String>> {
    let mut out = vec![vec!["series".to_string(), "label".into(), "value".into()]];
    for h in &f.headline {
        out.push(vec![
            "headline".into(),
            h.id.to_string(),
            h.value.to_string(),
        ]);
    }
    for s in &f.series {
        for r in &s.rows {
            out.push(vec![s.id.clone(), r.label.clone(), r.value.to_string()]);
        }
    }
    out
}

/// Loads the cases and computes the figures.
pub async fn figures(state: &AppState, lang: Lang) -> Result<Figures, AppError> {
    let levels = state.config.desk_levels;
    state
        .db
        .run(move |conn| {
            let cases = crate::db::desk::all_cases(conn)?;
            let agencies = crate::db::desk::list_agencies(conn)?;
            Ok(compute(
                &cases,
                &agencies,
                &levels,
                chrono::Utc::now().naive_utc(),
                lang,
            ))
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::median;

    #[test]
    fn the_median_is_one_of_the_values() {
        assert_eq!(median(vec![]), None);
        assert_eq!(median(vec![7]), Some(7));
        assert_eq!(median(vec![9, 1, 5]), Some(5));
        assert_eq!(median(vec![4, 1, 3, 2]), Some(2));
    }
}
