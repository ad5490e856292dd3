//! The demo's exhibition: last year's edition, closed, with its results, and this year's,
//! open now, both arranged in halls with booth codes.

use chrono::{Duration, NaiveDateTime};

use crate::db::exhibitions::{self as q, EditionFields};
use crate::db::Conn;
use crate::domain::exhibition::EditionStatus;
use crate::domain::need::NeedStatus;
use crate::error::AppError;

pub fn load(conn: &mut Conn, now: NaiveDateTime) -> Result<(), AppError> {
    let rows = crate::db::catalogue::all_need_rows(conn, None)?;
    let public: Vec<(i32, NeedStatus)> = rows
        .iter()
        .filter(|(n, _, _)| n.status.is_public())
        .map(|(n, _, _)| (n.id, n.status))
        .collect();
    let today = now.date();
    let editions = [
        (
            EditionFields {
                slug: "tabriz-1404".into(),
                title_fa: "نمایشگاه نیازهای فناورانه صنعت آذربایجان شرقی ۱۴۰۴".into(),
                title_en: "East Azerbaijan Industry Needs Exhibition 2025".into(),
                starts_on: today - Duration::days(380),
                ends_on: today - Duration::days(377),
                venue: "تبریز، نمایشگاه بین‌المللی، سالن‌های ۱ و ۲".into(),
                description: "نخستین دوره نمایشگاه: ۲۴ نیاز وارداتی صنایع استان در دو سالن؛ نتایج از پیشنهادها و معرفی‌های ثبت‌شده در «نیاز» شمرده می‌شود.".into(),
                status: EditionStatus::Closed,
            },
            [("سالن ۱: ماشین‌سازی و قطعات مکانیکی", "Hall 1: machinery and mechanical parts"), ("سالن ۲: برق، کنترل و آب‌بندی", "Hall 2: electrical, control and sealing")].as_slice(),
            0usize,
            "A",
        ),
        (
            EditionFields {
                slug: "tabriz-1405".into(),
                title_fa: "نمایشگاه نیازهای فناورانه صنعت آذربایجان شرقی ۱۴۰۵".into(),
                title_en: "East Azerbaijan Industry Needs Exhibition 2026".into(),
                starts_on: today - Duration::days(1),
                ends_on: today + Duration::days(2),
                venue: "تبریز، نمایشگاه بین‌المللی، سالن‌های ۳ تا ۵".into(),
                description: "دومین دوره: نیازهای برگزیده در سه سالن؛ سازندگان کد QR هر غرفه را اسکن می‌کنند و همان‌جا پیشنهاد ساخت می‌دهند.".into(),
                status: EditionStatus::Open,
            },
            [("سالن ۳: یاتاقان و انتقال قدرت", "Hall 3: bearings and power transmission"), ("سالن ۴: پمپ، شیر و هیدرولیک", "Hall 4: pumps, valves and hydraulics"), ("سالن ۵: قطعات لاستیکی و پلیمری", "Hall 5: rubber and polymer parts")].as_slice(),
            10usize,
            "B",
        ),
    ];
    for (fields, sections, skip, hall) in editions {
        let id = q::insert_edition(conn, &fields, now)?;
        let mut section_ids = Vec::new();
        for (fa, en) in sections {
            section_ids.push(q::insert_section(conn, id, fa, en)?);
        }
        // The closed edition keeps the localized successes among its needs.
        let mut chosen: Vec<i32> = public
            .iter()
            .skip(skip)
            .filter(|(_, s)| fields.status != EditionStatus::Open || *s != NeedStatus::Localized)
            .map(|(id, _)| *id)
            .take(24)
            .collect();
        if fields.status == EditionStatus::Closed {
            chosen.extend(
                public
                    .iter()
                    .filter(|(_, s)| *s == NeedStatus::Localized)
                    .map(|(id, _)| *id)
                    .take(4),
            );
            chosen.dedup();
        }
        q::add_needs(conn, id, &chosen, now)?;
        if fields.status == EditionStatus::Closed {
            // Its results are what happened during it: the offers and introductions on its
            // needs were made at the fair, on its second day; its localized parts came of
            // introductions made there (the firm confirmed the part localized later).
            let makers: Vec<i32> = crate::db::suppliers::all_public(conn)?
                .into_iter()
                .map(|p| p.user_id)
                .collect();
            let localized = public
                .iter()
                .filter(|(id, s)| *s == NeedStatus::Localized && chosen.contains(id));
            for (k, (need, _)) in localized.enumerate() {
                let Some(&maker) = makers.get(k % makers.len().max(1)) else {
                    break;
                };
                if !crate::db::interests::introduced(conn, *need, maker)? {
                    let intro = crate::db::interests::introduce(conn, *need, maker, None, None)?;
                    crate::db::interests::set_outcome(
                        conn,
                        intro,
                        false,
                        crate::domain::supplier::Outcome::Localized,
                    )?;
                }
            }
            let at = (fields.starts_on + Duration::days(1)).and_hms_opt(10, 0, 0);
            crate::db::interests::backdate(conn, &chosen, at.unwrap_or(now))?;
        }
        for (i, need) in chosen.iter().enumerate() {
            let section = section_ids[i % section_ids.len()];
            let booth = format!(
                "{hall}{}-{:02}",
                i % section_ids.len() + 1,
                i / section_ids.len() + 1
            );
            q::update_entry(conn, id, *need, Some(section), &booth, i as i32 + 1)?;
        }
    }
    Ok(())
}
