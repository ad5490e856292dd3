//! Demo data: a hand-written catalogue of East Azerbaijan firms and the parts they import, and a
//! synthetic generator of any size built from the same parts for benchmarks.
//!
//! Demo data is only ever loaded into a database without needs, so it never mixes with real data.
//! A quarter of the needs are typed the messy way real users type (Arabic yeh and kaf, no ZWNJ,
//! Persian digits) so search can be exercised on them.

mod data;
mod desk;
mod exhibitions;
mod suppliers;

use chrono::{Duration, NaiveDateTime, Utc};

use crate::db::catalogue as q;
use crate::db::models::{NewNeed, NewOrganization};
use crate::db::Conn;
use crate::domain::codes::{HsCode, PartNumber};
use crate::domain::money::{annual_value, Currency};
use crate::domain::need::{parse_spec_items, NeedStatus};
use crate::domain::organization::OrgKind;
use crate::domain::text::compact_key;
use crate::error::AppError;

pub use data::{Part, FIRMS, PARTS};

/// What loading demo data did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Loaded {
    Skipped {
        existing: i64,
    },
    Done {
        organizations: usize,
        needs: usize,
        makers: usize,
    },
}

const PROVINCE: &str = "آذربایجان شرقی";

/// Rough exchange rates used only to express some demo prices in rials.
const IRR_PER_USD: i64 = 1_050_000;
const IRR_PER_EUR: i64 = 1_150_000;

/// Rewrites Persian text the way it is often typed: Arabic yeh and kaf, joined or spaced
/// compounds without ZWNJ, Persian digits.
pub fn messy(text: &str) -> String {
    text.chars()
        .filter_map(|c| match c {
            'ی' => Some('ي'),
            'ک' => Some('ك'),
            '\u{200C}' => None,
            '0'..='9' => char::from_u32(0x06F0 + (c as u32 - '0' as u32)),
            c => Some(c),
        })
        .collect()
}

fn new_org(
    name: &str,
    name_en: &str,
    city: &str,
    description: &str,
    website: &str,
    phone: &str,
    address: &str,
    now: NaiveDateTime,
) -> NewOrganization {
    NewOrganization {
        name: name.to_string(),
        name_en: name_en.to_string(),
        name_key: compact_key(name),
        kind: OrgKind::IndustrialFirm,
        province: PROVINCE.to_string(),
        city: city.to_string(),
        address: address.to_string(),
        website: website.to_string(),
        phone: phone.to_string(),
        description: description.to_string(),
        verified: true,
        created_at: now - Duration::days(200),
        updated_at: now - Duration::days(200),
    }
}

/// Quantity range that fits a unit price (cheap parts are bought by the thousand).
fn quantity_for(rng: &mut fastrand::Rng, unit_price_major: f64) -> i64 {
    let (lo, hi) = match unit_price_major {
        p if p < 1.0 => (20_000, 120_000),
        p if p < 20.0 => (400, 6_000),
        p if p < 200.0 => (40, 800),
        p if p < 2_000.0 => (4, 80),
        _ => (1, 12),
    };
    let q = rng.i64(lo..=hi);
    // People round quantities.
    match q {
        q if q >= 1_000 => q / 100 * 100,
        q if q >= 100 => q / 10 * 10,
        q => q,
    }
}

struct NeedSpec<'a> {
    part: &'a Part,
    organization_id: i32,
    category_id: i32,
    status: NeedStatus,
    anonymous: bool,
    featured: bool,
    messy: bool,
    rial: bool,
    title_suffix: String,
}

fn build_need(rng: &mut fastrand::Rng, spec: NeedSpec<'_>, now: NaiveDateTime) -> NewNeed {
    let (
        _,
        title,
        title_en,
        description,
        part_number,
        brand,
        hs,
        material,
        specs,
        unit,
        price,
        currency,
        origin,
    ) = *spec.part;
    let mut currency = Currency::parse(currency).unwrap_or(Currency::Usd);
    let unit = crate::domain::need::Unit::parse(unit).unwrap_or(crate::domain::need::Unit::Piece);
    // Prices vary between firms and quotes.
    let price_major = price * (0.85 + rng.f64() * 0.3);
    let mut unit_price = (price_major * currency.minor_per_major() as f64).round() as i64;
    if spec.rial {
        let rate = if currency == Currency::Eur {
            IRR_PER_EUR
        } else {
            IRR_PER_USD
        };
        unit_price = (price_major * rate as f64).round() as i64 / 10_000 * 10_000;
        currency = Currency::Irr;
    }
    let quantity = quantity_for(rng, price);
    let pn = PartNumber::parse(part_number).ok().flatten();
    let hs = HsCode::parse(hs).ok().flatten();
    let published_days_ago = rng.i64(0..150);
    let published = now - Duration::days(published_days_ago) - Duration::minutes(rng.i64(0..1440));
    let created = published - Duration::days(rng.i64(1..10));
    let deadline = (rng.u8(0..5) != 0).then(|| (now + Duration::days(rng.i64(30..240))).date());
    let is_listed = !matches!(spec.status, NeedStatus::Draft | NeedStatus::PendingReview);
    let mut title = format!("{title}{}", spec.title_suffix);
    let mut description = format!(
        "{description} مصرف سالانه حدود {} واحد است و تاکنون از خارج وارد شده است. \
         نمونه قطعه برای بازدید سازندگان داخلی در کارخانه موجود است.",
        crate::i18n::fa_digits(&quantity.to_string())
    );
    if spec.messy {
        title = messy(&title);
        description = messy(&description);
    }
    NewNeed {
        organization_id: spec.organization_id,
        content: crate::db::models::NeedContent {
            category_id: spec.category_id,
            title,
            title_en: format!(
                "{title_en}{}",
                if spec.title_suffix.is_empty() {
                    ""
                } else {
                    " (variant)"
                }
            ),
            description,
            part_number: pn
                .as_ref()
                .map(|p| p.as_str().to_string())
                .unwrap_or_default(),
            part_number_key: pn.as_ref().map(|p| p.key().to_string()).unwrap_or_default(),
            brand: brand.to_string(),
            hs_code: hs.map(|h| h.as_str().to_string()),
            material: material.to_string(),
            // The text the form edits and the items it parses to, as the form would store them
            // (an export then imports back unchanged).
            specs: spec_lines(specs),
            spec_items: serde_json::to_string(&parse_spec_items(specs))
                .unwrap_or_else(|_| "[]".into()),
            quantity_per_year: Some(quantity),
            unit,
            unit_price: Some(unit_price),
            currency,
            origin_country: origin.to_string(),
            annual_import_value: annual_value(Some(quantity), Some(unit_price)),
            deadline,
            anonymous: spec.anonymous,
            processes: String::new(),
        },
        featured: spec.featured,
        status: spec.status,
        created_at: created,
        updated_at: published,
        published_at: is_listed.then_some(published),
        import_ref: None,
    }
}

/// Status of the n-th demo need: mostly published, some in talks or localized, a few drafts,
/// needs awaiting review and closed ones.
fn demo_status(n: usize) -> NeedStatus {
    match n {
        n if n % 29 == 7 => NeedStatus::Draft,
        n if n % 31 == 11 => NeedStatus::PendingReview,
        n if n % 37 == 5 => NeedStatus::Closed,
        n if n % 13 == 4 => NeedStatus::Localized,
        n if n % 7 == 3 => NeedStatus::InTalks,
        _ => NeedStatus::Published,
    }
}

/// Loads demo data into an empty database in one transaction. `count` of `None` loads the
/// hand-written catalogue (about a hundred needs); a number generates that many synthetic needs.
pub fn load(
    conn: &mut Conn,
    count: Option<usize>,
    seed: u64,
    progress: bool,
) -> Result<Loaded, AppError> {
    let existing = q::count_needs(conn)?;
    if existing > 0 {
        return Ok(Loaded::Skipped { existing });
    }
    let now = Utc::now().naive_utc();
    let mut rng = fastrand::Rng::with_seed(seed);
    crate::db::write_transaction(conn, |conn| {
        let categories = q::all_categories(conn)?;
        let category_id = |slug: &str| {
            categories
                .iter()
                .find(|c| c.slug == slug)
                .map(|c| c.id)
                .ok_or_else(|| anyhow::anyhow!("demo data names an unknown category {slug}"))
        };

        let mut org_ids = Vec::new();
        for (name, name_en, city, description, website, phone, address) in FIRMS {
            let org = new_org(
                name,
                name_en,
                city,
                description,
                website,
                phone,
                address,
                now,
            );
            org_ids.push(q::insert_organization(conn, &org)?);
        }

        let needs: Vec<NewNeed> = match count {
            None => {
                let mut out = Vec::new();
                for (i, part) in PARTS.iter().enumerate() {
                    // Most parts are needed by one firm, many by two: the same bearing turns
                    // up across a province's factories.
                    let copies = if i % 3 == 0 { 1 } else { 2 };
                    for copy in 0..copies {
                        let n = out.len();
                        let firm = (i * 5 + copy * 7) % org_ids.len();
                        let spec = NeedSpec {
                            part,
                            organization_id: org_ids[firm],
                            category_id: category_id(part.0)?,
                            status: demo_status(n),
                            // The petrochemical plant and the power plant never show their name.
                            anonymous: firm == 1 || firm == 5 || n % 11 == 0,
                            featured: n % 9 == 0,
                            messy: n % 4 == 1,
                            rial: n % 6 == 2,
                            title_suffix: String::new(),
                        };
                        let mut need = build_need(&mut rng, spec, now);
                        // Some came from the organizers' sheet, with its row reference.
                        if n % 5 == 3 {
                            need.import_ref = Some(format!("EX-{:03}", n + 1));
                        }
                        out.push(need);
                    }
                }
                out
            }
            Some(total) => synthetic(conn, &mut rng, total, &mut org_ids, &categories, now)?,
        };

        let bar = progress_bar(progress, needs.len() as u64, "inserting needs");
        for chunk in needs.chunks(500) {
            q::insert_needs(conn, chunk)?;
            bar.inc(chunk.len() as u64);
        }
        bar.finish_and_clear();
        // The hand-written demo also shows makers; synthetic catalogues are for benchmarks.
        let makers = if count.is_none() {
            let makers = suppliers::load(conn, now)?;
            exhibitions::load(conn, now)?;
            desk::load(conn, &org_ids, now)?;
            // Organizers' own synonym groups, beside the defaults (see /admin/synonyms).
            crate::db::accounts::set_setting(
                conn,
                crate::services::synonyms::SETTING,
                "شیر برقی, solenoid valve\nگیربکس حلزونی, worm gearbox, worm reducer",
            )?;
            makers
        } else {
            0
        };
        Ok(Loaded::Done {
            organizations: org_ids.len(),
            needs: needs.len(),
            makers,
        })
    })
}

const VARIANTS: &[&str] = &[
    "",
    " سایز بزرگ",
    " نوع سنگین",
    " سری دو",
    " برای خط تولید شماره ۳",
    " مدل جدید",
    " با گواهی کیفیت",
    " مقاوم به حرارت",
    " ضد سایش",
    " نسخه صنعتی",
];

fn synthetic(
    conn: &mut Conn,
    rng: &mut fastrand::Rng,
    total: usize,
    org_ids: &mut Vec<i32>,
    categories: &[crate::db::models::Category],
    now: NaiveDateTime,
) -> Result<Vec<NewNeed>, AppError> {
    // About fifty needs per firm, as in the real exhibition lists.
    let extra_firms = (total / 50).saturating_sub(org_ids.len());
    let cities = crate::domain::places::CITIES;
    for k in 0..extra_firms {
        let (city, city_en) = cities[k % 17];
        let (base, base_en) = FIRMS[k % FIRMS.len()]
            .0
            .split_once(' ')
            .map_or(("صنایع", "Industries"), |(b, _)| (b, "Industries"));
        let name = format!("{base} {city} {}", k + 1);
        let name_en = format!("{city_en} {base_en} {}", k + 1);
        let org = new_org(&name, &name_en, city, "", "", "", "", now);
        org_ids.push(q::insert_organization(conn, &org)?);
    }
    let bar = progress_bar(true, total as u64, "generating needs");
    let mut out = Vec::with_capacity(total);
    for n in 0..total {
        let part = &PARTS[rng.usize(..PARTS.len())];
        let category_id = categories
            .iter()
            .find(|c| c.slug == part.0)
            .map(|c| c.id)
            .unwrap_or(15);
        let spec = NeedSpec {
            part,
            organization_id: org_ids[rng.usize(..org_ids.len())],
            category_id,
            status: demo_status(n),
            anonymous: rng.u8(0..10) == 0,
            featured: n % 500 == 0,
            messy: rng.u8(0..4) == 0,
            rial: rng.u8(0..6) == 0,
            title_suffix: VARIANTS[rng.usize(..VARIANTS.len())].to_string(),
        };
        out.push(build_need(rng, spec, now));
        if n % 1000 == 0 {
            bar.set_position(n as u64);
        }
    }
    bar.finish_and_clear();
    Ok(out)
}

fn progress_bar(show: bool, len: u64, message: &'static str) -> indicatif::ProgressBar {
    if !show {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} ({eta})")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_message(message);
    bar
}

/// "key: value; ..." as the form's lines.
fn spec_lines(specs: &str) -> String {
    parse_spec_items(specs)
        .iter()
        .map(|i| format!("{}: {}", i.key, i.value))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messy_spelling() {
        assert_eq!(messy("کاسه‌نمد 70"), "كاسهنمد ۷۰");
        assert_eq!(
            crate::domain::text::normalize(&messy("کاسه‌نمد یاتاقان 70")),
            crate::domain::text::normalize("کاسه‌نمد یاتاقان 70")
        );
    }

    #[test]
    fn demo_parts_are_well_formed() {
        for part in PARTS {
            assert!(
                HsCode::parse(part.6).unwrap().is_some(),
                "HS code of {}",
                part.2
            );
            assert!(
                crate::domain::need::Unit::parse(part.9).is_some(),
                "unit of {}",
                part.2
            );
            assert!(Currency::parse(part.11).is_some(), "currency of {}", part.2);
            assert!(
                crate::domain::places::parse_country(part.12).is_some(),
                "origin of {}",
                part.2
            );
        }
    }
}
