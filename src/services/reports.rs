//! The organizers' dashboard: figures counted from the records, each series drawn as an SVG
//! bar chart on the server (no script, nothing from another host) beside its table, and the
//! whole exportable as CSV.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::db::reports as q;
use crate::db::Db;
use crate::domain::need::NeedStatus;
use crate::error::AppError;
use crate::i18n::{self, Lang};
use crate::state::AppState;

/// How many rows a ranking shows.
const TOP: usize = 10;

/// One row of a series.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub label: String,
    pub value: i64,
    /// The value as the page shows it (digits of the language, money with its unit).
    pub display: String,
}

/// A named series: its rows and its chart.
#[derive(Debug, Clone, Serialize)]
pub struct Series {
    pub id: String,
    pub title: String,
    pub rows: Vec<Row>,
    pub svg: String,
}

/// An open need no maker has offered to make yet.
#[derive(Debug, Clone, Serialize)]
pub struct Waiting {
    pub id: i32,
    pub title: String,
    pub published_at: Option<chrono::NaiveDateTime>,
}

/// Everything the dashboard shows.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub series: Vec<Series>,
    pub waiting: Vec<Waiting>,
}

pub struct Reports<'a> {
    pub db: &'a Db,
}

impl<'a> Reports<'a> {
    pub fn of(state: &'a AppState) -> Self {
        Self { db: &state.db }
    }

    pub async fn report(&self, lang: Lang) -> Result<Report, AppError> {
        self.db
            .run(move |conn| {
                let facts = q::need_facts(conn)?;
                let interests = q::interest_times(conn)?;
                let intros = q::introduction_rows(conn)?;
                let makers = q::active_makers(conn, TOP as i64)?;
                let waiting = q::oldest_without_interest(conn, TOP as i64)?;
                Ok(build(lang, &facts, &interests, &intros, &makers, waiting))
            })
            .await
    }
}

fn counted(
    lang: Lang,
    map: BTreeMap<String, i64>,
    sort_by_value: bool,
    limit: Option<usize>,
) -> Vec<Row> {
    let mut rows: Vec<(String, i64)> = map.into_iter().collect();
    if sort_by_value {
        rows.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    }
    if let Some(n) = limit {
        rows.truncate(n);
    }
    rows.into_iter()
        .map(|(label, value)| Row {
            display: i18n::format_number(value, lang),
            label,
            value,
        })
        .collect()
}

fn series(id: &str, lang: Lang, rows: Vec<Row>) -> Series {
    let title = i18n::t(lang, &format!("reports.{id}"));
    let svg = bar_chart(&title, &rows, lang);
    Series {
        id: id.to_string(),
        title,
        rows,
        svg,
    }
}

fn build(
    lang: Lang,
    facts: &[q::NeedFact],
    interests: &[chrono::NaiveDateTime],
    intros: &[q::IntroductionRow],
    makers: &[(String, i64)],
    waiting: Vec<(i32, String, Option<chrono::NaiveDateTime>)>,
) -> Report {
    let pick = |fa: &str, en: &str| -> String {
        if lang == Lang::En && !en.is_empty() {
            en.to_string()
        } else {
            fa.to_string()
        }
    };
    let mut by_status: BTreeMap<String, i64> = BTreeMap::new();
    for s in NeedStatus::ALL {
        by_status.insert(i18n::t(lang, &format!("status.{}", s.as_str())), 0);
    }
    let mut by_category = BTreeMap::new();
    let mut by_city = BTreeMap::new();
    let mut by_origin = BTreeMap::new();
    let mut by_firm = BTreeMap::new();
    // Import value per currency: (open or localized, currency) -> total, and per category.
    let mut value: BTreeMap<(bool, crate::domain::money::Currency), i64> = BTreeMap::new();
    let mut value_by_category: BTreeMap<(crate::domain::money::Currency, String), i64> =
        BTreeMap::new();
    for f in facts {
        *by_status
            .entry(i18n::t(lang, &format!("status.{}", f.status.as_str())))
            .or_default() += 1;
        if !f.status.is_public() {
            continue;
        }
        *by_category
            .entry(pick(&f.category_fa, &f.category_en))
            .or_default() += 1;
        let city = if f.city.is_empty() {
            i18n::t(lang, "reports.unknown")
        } else if lang == Lang::En {
            crate::domain::places::place_en(&f.city)
        } else {
            f.city.clone()
        };
        *by_city.entry(city).or_default() += 1;
        let origin = if f.origin.is_empty() {
            i18n::t(lang, "reports.unknown")
        } else {
            crate::domain::places::country_name(&f.origin, lang.code())
        };
        *by_origin.entry(origin).or_default() += 1;
        *by_firm.entry(f.organization.clone()).or_default() += 1;
        if let Some(v) = f.value {
            let open = f.status.is_open();
            let localized = f.status == NeedStatus::Localized;
            if open || localized {
                let slot = value.entry((open, f.currency)).or_default();
                *slot = slot.saturating_add(v);
            }
            if open {
                let slot = value_by_category
                    .entry((f.currency, pick(&f.category_fa, &f.category_en)))
                    .or_default();
                *slot = slot.saturating_add(v);
            }
        }
    }
    let mut out = vec![
        series("by_status", lang, counted(lang, by_status, false, None)),
        series("by_category", lang, counted(lang, by_category, true, None)),
        series("by_city", lang, counted(lang, by_city, true, Some(TOP))),
        series("by_origin", lang, counted(lang, by_origin, true, Some(TOP))),
    ];
    // Money is shown per currency: amounts in different currencies are never added up.
    let money_row = |label: String, minor: i64, currency| Row {
        display: i18n::format_amount_whole(minor, currency, lang),
        label,
        value: minor,
    };
    let totals: Vec<Row> = value
        .iter()
        .map(|((open, currency), v)| {
            let kind = i18n::t(
                lang,
                if *open {
                    "reports.open"
                } else {
                    "reports.localized"
                },
            );
            money_row(
                format!("{kind} · {}", i18n::currency_name(*currency, lang)),
                *v,
                *currency,
            )
        })
        .collect();
    out.push(series("value_totals", lang, totals));
    let currencies: Vec<_> = value_by_category
        .keys()
        .map(|(c, _)| *c)
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    for currency in currencies {
        let mut rows: Vec<Row> = value_by_category
            .iter()
            .filter(|((c, _), _)| *c == currency)
            .map(|((_, cat), v)| money_row(cat.clone(), *v, currency))
            .collect();
        rows.sort_by_key(|r| std::cmp::Reverse(r.value));
        let mut s = series("value_by_category", lang, rows);
        s.id = format!("value_by_category_{}", currency.code().to_ascii_lowercase());
        s.title = format!("{} · {}", s.title, i18n::currency_name(currency, lang));
        s.svg = bar_chart(&s.title, &s.rows, lang);
        out.push(s);
    }
    let monthly = |times: &mut dyn Iterator<Item = chrono::NaiveDateTime>| -> Vec<Row> {
        let mut months: BTreeMap<String, (String, i64)> = BTreeMap::new();
        for t in times {
            let (key, label) = i18n::month_of(i18n::local_date(t), lang);
            months.entry(key).or_insert((label, 0)).1 += 1;
        }
        months
            .into_values()
            .map(|(label, value)| Row {
                display: i18n::format_number(value, lang),
                label,
                value,
            })
            .collect()
    };
    out.push(series(
        "interests_by_month",
        lang,
        monthly(&mut interests.iter().copied()),
    ));
    out.push(series(
        "introductions_by_month",
        lang,
        monthly(&mut intros.iter().map(|i| i.0)),
    ));
    let mut outcomes = BTreeMap::new();
    for (_, buyer, maker) in intros {
        // The firm's answer counts when it gave one; else the maker's.
        let key = buyer
            .as_ref()
            .or(maker.as_ref())
            .map_or("none", String::as_str);
        *outcomes
            .entry(i18n::t(lang, &format!("reports.outcome_{key}")))
            .or_default() += 1;
    }
    out.push(series(
        "outcomes",
        lang,
        counted(lang, outcomes, true, None),
    ));
    out.push(series(
        "active_firms",
        lang,
        counted(lang, by_firm, true, Some(TOP)),
    ));
    out.push(series(
        "active_makers",
        lang,
        makers
            .iter()
            .map(|(name, n)| Row {
                label: name.clone(),
                value: *n,
                display: i18n::format_number(*n, lang),
            })
            .collect(),
    ));
    Report {
        series: out,
        waiting: waiting
            .into_iter()
            .map(|(id, title, published_at)| Waiting {
                id,
                title,
                published_at,
            })
            .collect(),
    }
}

fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A horizontal bar chart. In Persian the labels stand at the right and the bars grow to the
/// left; in English the other way. Coordinates are laid out left to right whatever the page's
/// direction (the SVG says so), so anchors mean the same in both languages. Its table beside it
/// carries the same numbers.
pub fn bar_chart(title: &str, rows: &[Row], lang: Lang) -> String {
    const WIDTH: i64 = 560;
    const LABELS: i64 = 190;
    const ROW: i64 = 26;
    let rtl = lang.dir() == "rtl";
    let bars = WIDTH - LABELS - 90;
    let max = rows.iter().map(|r| r.value).max().unwrap_or(0).max(1);
    let height = (rows.len() as i64 * ROW).max(ROW) + 8;
    let mut svg = format!(
        r#"<svg class="chart" role="img" direction="ltr" aria-label="{}" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" xmlns="http://www.w3.org/2000/svg">"#,
        xml_escape(title)
    );
    for (i, r) in rows.iter().enumerate() {
        let y = i as i64 * ROW + 4;
        // In floating point: sums of money in minor units times the width overflow i64.
        let len = ((r.value.max(0) as f64 * bars as f64 / max as f64) as i64).max(if r.value > 0 {
            2
        } else {
            0
        });
        let (label_x, label_anchor, bar_x, value_x, value_anchor) = if rtl {
            let edge = WIDTH - LABELS;
            (edge + 6, "start", edge - len, edge - len - 6, "end")
        } else {
            (LABELS - 6, "end", LABELS, LABELS + len + 6, "start")
        };
        let label: String = r.label.chars().take(28).collect();
        svg.push_str(&format!(
            r##"<text x="{label_x}" y="{}" text-anchor="{label_anchor}" font-size="13">{}</text><rect x="{bar_x}" y="{y}" width="{len}" height="{}" rx="3" fill="#0f5e6e"/><text x="{value_x}" y="{}" text-anchor="{value_anchor}" font-size="12" fill="#3a4654">{}</text>"##,
            y + 15,
            xml_escape(&label),
            ROW - 8,
            y + 15,
            xml_escape(&r.display),
        ));
    }
    svg.push_str("</svg>");
    svg
}

/// The report as CSV rows: series, label, value (money in minor units of its currency).
pub fn csv_rows(report: &Report) -> Vec<Vec<String>> {
    let mut rows = vec![vec!["series".to_string(), "label".into(), "value".into()]];
    for s in &report.series {
        for r in &s.rows {
            rows.push(vec![s.id.clone(), r.label.clone(), r.value.to_string()]);
        }
    }
    for w in &report.waiting {
        rows.push(vec![
            "waiting_needs".into(),
            w.title.clone(),
            w.id.to_string(),
        ]);
    }
    rows
}
