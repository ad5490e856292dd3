//! The public catalogue: home, listing, pagination, categories, need and firm pages.

use chrono::NaiveDate;
use niaz::i18n::{format_date, Lang};

use crate::fixtures::{NeedBuilder, OrgBuilder};
use crate::helpers::{spawn_app, spawn_demo_app};

const CARD: &str = r#"class="card need-card""#;

#[actix_web::test]
async fn home_shows_figures_latest_needs_and_categories() {
    let app = spawn_app().await;
    let empty = app.get("/").await;
    assert_eq!(empty.status, 200);
    assert!(
        empty.body.contains("هنوز نیازی منتشر نشده است"),
        "empty state"
    );

    let firm = OrgBuilder::new("ریخته‌گری نمونه").insert(&app.db);
    NeedBuilder::new(firm, "پروانه پمپ")
        .quantity(120, 68_000, "EUR")
        .insert(&app.db);
    NeedBuilder::new(firm, "شفت پمپ")
        .quantity(10, 1_000_000, "EUR")
        .insert(&app.db);
    NeedBuilder::new(firm, "پیش‌نویس محرمانه")
        .status("draft")
        .insert(&app.db);
    let home = app.get("/").await;
    assert!(home.body.contains("پروانه پمپ"));
    assert!(
        !home.body.contains("پیش‌نویس محرمانه"),
        "drafts are never public"
    );
    // 120 x 680 EUR + 10 x 10,000 EUR = 181,600 EUR, shown rounded.
    assert!(
        home.body.contains("۱۸۱٫۶ هزار یورو"),
        "import value in Persian"
    );
    let en = app.get_en("/").await;
    assert!(en.body.contains("EUR 181.6 thousand"));
    assert!(
        home.body.contains("بلبرینگ و رولبرینگ") || home.body.contains("یاتاقان و انتقال قدرت")
    );
}

#[actix_web::test]
async fn catalogue_paginates_by_twenty() {
    let app = spawn_app().await;
    let firm = OrgBuilder::new("کارخانه آزمایش").insert(&app.db);
    for i in 0..45 {
        NeedBuilder::new(firm, &format!("قطعه شماره {i:02}"))
            .published_minutes_ago(i)
            .insert(&app.db);
    }
    let first = app.get("/needs").await;
    assert_eq!(first.count(CARD), 20);
    // Numbers inside Persian titles are isolated left to right.
    assert!(
        first.body.contains(r#"قطعه شماره <bdi dir="ltr">00</bdi>"#),
        "newest first"
    );
    assert!(first.body.contains("۴۵ نیاز"), "total in Persian digits");
    assert!(first.body.contains("صفحه ۱ از ۳"));
    assert!(first.body.contains(r#"href="/needs?page=2""#));

    let third = app.get("/needs?page=3").await;
    assert_eq!(third.count(CARD), 5);
    assert!(third.body.contains(r#"قطعه شماره <bdi dir="ltr">44</bdi>"#));
    assert!(!third.body.contains(r#"rel="next""#));

    let past = app.get("/needs?page=9").await;
    assert_eq!(past.status, 200);
    assert_eq!(past.count(CARD), 0);
    assert!(past.body.contains("بازگشت به صفحه اول"));

    for bad in ["0", "-1", "abc", "1.5"] {
        let res = app.get(&format!("/needs?page={bad}")).await;
        assert_eq!(res.status, 400, "page={bad}");
        assert!(
            res.body.contains("شماره صفحه"),
            "names the parameter: {bad}"
        );
    }
    let persian_digits = app.get("/needs?page=%DB%B2").await;
    assert_eq!(persian_digits.count(CARD), 20);
}

#[actix_web::test]
async fn categories_filter_and_include_their_subcategories() {
    let app = spawn_app().await;
    let firm = OrgBuilder::new("کارخانه آزمایش").insert(&app.db);
    NeedBuilder::new(firm, "بلبرینگ آزمایشی")
        .category(101)
        .insert(&app.db);
    NeedBuilder::new(firm, "چرخ‌دنده آزمایشی")
        .category(102)
        .insert(&app.db);
    NeedBuilder::new(firm, "فیلتر آزمایشی")
        .category(901)
        .insert(&app.db);

    let leaf = app.get("/needs?category=bearings").await;
    assert_eq!(leaf.count(CARD), 1);
    assert!(leaf.body.contains("بلبرینگ آزمایشی"));

    let parent = app.get("/needs?category=bearings-power-transmission").await;
    assert_eq!(parent.count(CARD), 2);
    assert!(parent.body.contains("چرخ‌دنده آزمایشی"));
    assert!(!parent.body.contains("فیلتر آزمایشی"));

    let empty = app.get("/needs?category=refractories").await;
    assert_eq!(empty.status, 200);
    assert!(empty.body.contains("هنوز نیاز عمومی ثبت نشده"));

    let unknown = app.get("/needs?category=no-such-thing").await;
    assert_eq!(unknown.status, 404);
}

#[actix_web::test]
async fn need_page_is_a_full_specification_sheet() {
    let app = spawn_app().await;
    let firm = OrgBuilder::new("صنایع نمونه تبریز")
        .name_en("Sample Industries")
        .insert(&app.db);
    let deadline = NaiveDate::from_ymd_opt(2027, 3, 21).unwrap();
    let id = NeedBuilder::new(firm, "بلبرینگ شیار عمیق")
        .title_en("Deep groove ball bearing")
        .part_number("6205-2RS")
        .hs_code("84821010")
        .quantity(2400, 450, "USD")
        .deadline(deadline)
        .insert(&app.db);

    let fa = app.get(&format!("/needs/{id}")).await;
    assert_eq!(fa.status, 200);
    assert!(fa.body.contains("بلبرینگ شیار عمیق"));
    assert!(
        fa.body.contains("Deep groove ball bearing"),
        "English title as subtitle"
    );
    // Codes keep Latin digits; quantities, money and dates are Persian.
    assert!(fa.body.contains(">6205-2RS<"));
    assert!(fa.body.contains(">8482.10.10<"));
    assert!(fa.body.contains("۲٬۴۰۰ عدد"));
    assert!(fa.body.contains("۱۰٬۸۰۰ دلار"), "annual value 2,400 x 4.50");
    assert!(fa.body.contains("۴٫۵۰ دلار"), "unit price keeps its cents");
    assert!(fa.body.contains(&format_date(deadline, Lang::Fa)));
    assert!(fa.body.contains("۱ فروردین ۱۴۰۶"), "Jalali deadline");
    assert!(fa.body.contains("می‌توانم این را بسازم"), "call to action");
    assert!(fa.body.contains("صنایع نمونه تبریز"));
    assert!(fa.body.contains(&format!(r#"href="/firms/{firm}""#)));

    let en = app.get_en(&format!("/needs/{id}")).await;
    assert!(en.body.contains("Deep groove ball bearing"));
    assert!(en.body.contains("2,400 pcs"));
    assert!(en.body.contains("USD 10,800"));
    assert!(en.body.contains("21 Mar 2027"), "Gregorian in English");
    assert!(en.body.contains("I can make this"));
    assert!(en.body.contains("Sample Industries"));
}

#[actix_web::test]
async fn anonymous_firms_stay_anonymous_and_contacts_are_never_public() {
    let app = spawn_app().await;
    let firm = OrgBuilder::new("پتروشیمی پنهان")
        .city("مراغه")
        .insert(&app.db);
    let hidden = NeedBuilder::new(firm, "مکانیکال سیل محرمانه")
        .anonymous()
        .insert(&app.db);
    NeedBuilder::new(firm, "نیاز با نام").insert(&app.db);

    let page = app.get(&format!("/needs/{hidden}")).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("یک واحد صنعتی در مراغه"));
    assert!(!page.body.contains("پتروشیمی پنهان"));
    assert!(!page.body.contains(&format!("/firms/{firm}")));

    let en = app.get_en(&format!("/needs/{hidden}")).await;
    assert!(en.body.contains("A firm in Maragheh"));

    let listing = app.get("/needs").await;
    assert!(listing.body.contains("مکانیکال سیل محرمانه"));
    assert!(listing.body.contains("یک واحد صنعتی در مراغه"));

    let firm_page = app.get(&format!("/firms/{firm}")).await;
    assert_eq!(firm_page.status, 200);
    assert!(firm_page.body.contains("نیاز با نام"));
    assert!(
        !firm_page.body.contains("مکانیکال سیل محرمانه"),
        "anonymous need not tied to firm"
    );

    for path in [
        "/",
        "/needs",
        &format!("/needs/{hidden}"),
        &format!("/firms/{firm}"),
    ] {
        let page = app.get(path).await;
        assert!(!page.body.contains("041-99887766"), "phone on {path}");
        assert!(!page.body.contains("خیابان آزمایشی"), "address on {path}");
    }
}

#[actix_web::test]
async fn non_public_needs_are_not_found() {
    let app = spawn_app().await;
    let firm = OrgBuilder::new("کارخانه").insert(&app.db);
    for status in ["draft", "pending_review", "closed", "expired"] {
        let id = NeedBuilder::new(firm, "مخفی")
            .status(status)
            .insert(&app.db);
        assert_eq!(
            app.get(&format!("/needs/{id}")).await.status,
            404,
            "{status}"
        );
    }
    for status in ["published", "in_talks", "localized"] {
        let id = NeedBuilder::new(firm, "عمومی")
            .status(status)
            .insert(&app.db);
        assert_eq!(
            app.get(&format!("/needs/{id}")).await.status,
            200,
            "{status}"
        );
    }
    assert_eq!(app.get("/firms/4242").await.status, 404);
}

#[actix_web::test]
async fn demo_catalogue_is_rich_enough_to_explore() {
    let app = spawn_demo_app().await;
    let mut conn = app.db.conn().unwrap();
    let stats = niaz::db::catalogue::stats(&mut conn).unwrap();
    let categories = niaz::services::catalogue::categories(&app.db)
        .await
        .unwrap();
    let public: i64 = categories.iter().map(|c| c.count).sum();
    assert!(public >= 80, "at least 80 public needs, got {public}");
    assert!(stats.firms >= 15, "at least 15 firms, got {}", stats.firms);
    for c in &categories {
        assert!(
            c.count > 0,
            "top-level category {} has needs",
            c.category.slug
        );
    }
    // Loading again never adds to a database that has needs.
    let again = niaz::services::demo::load(&mut conn, None, 1, false).unwrap();
    assert!(matches!(
        again,
        niaz::services::demo::Loaded::Skipped { .. }
    ));

    let listing = app.get("/needs").await;
    assert_eq!(listing.count(CARD), 20);
    for id in 1..=5 {
        let page = app.get(&format!("/needs/{id}")).await;
        assert!(page.status == 200 || page.status == 404);
    }
    let en = app.get_en("/needs").await;
    assert!(en.body.contains("Catalogue of needs"));
}

#[actix_web::test]
async fn an_unknown_stored_status_is_an_error_not_a_default() {
    use diesel::RunQueryDsl;
    let app = spawn_app().await;
    let org = OrgBuilder::new("کارخانه").insert(&app.db);
    let id = NeedBuilder::new(org, "نیاز با وضعیت خراب").insert(&app.db);
    assert_eq!(app.get(&format!("/needs/{id}")).await.status, 200);
    diesel::sql_query(format!(
        "UPDATE needs SET status = 'publish' WHERE id = {id}"
    ))
    .execute(&mut *app.db.conn().unwrap())
    .unwrap();
    let page = app.get(&format!("/needs/{id}")).await;
    assert_eq!(page.status, 500, "never read as a draft or anything else");
}

/// Fixes of what people met: fonts cached for a year and never gzipped, `?lang=` kept on the
/// next click, the catalogue filtered by city, labelled search landmarks.
#[actix_web::test]
async fn fonts_language_and_city_behave_as_people_expect() {
    use diesel::prelude::*;
    let app = crate::helpers::spawn_demo_app().await;
    let css = app.get("/assets/css/site.css").await;
    let font = css
        .body
        .split("url(\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    assert!(
        font.starts_with("/assets/fonts/Vazirmatn-") && font.contains(".woff2?v="),
        "{font}"
    );
    let res = app
        .client
        .get(format!("{}{font}", app.base))
        .insert_header(("Accept-Encoding", "gzip"))
        .no_decompress()
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers()
            .get("content-encoding")
            .map(|v| v.to_str().unwrap()),
        Some("identity"),
        "a font is not gzipped"
    );
    assert!(res
        .headers()
        .get("cache-control")
        .unwrap()
        .to_str()
        .unwrap()
        .contains("immutable"));

    let en = app.get("/needs?lang=en").await;
    let cookie = en.header("set-cookie").expect("the choice is remembered");
    assert!(cookie.starts_with("lang=en"), "{cookie}");
    let next = app.get_with_cookie("/about", Some("lang=en")).await;
    assert!(next.body.contains("<html lang=\"en\""));

    let tabriz = "تبریز";
    let expected: i64 = niaz::db::schema::needs::table
        .inner_join(niaz::db::schema::organizations::table)
        .filter(niaz::db::schema::organizations::city.eq(tabriz))
        .filter(niaz::db::schema::needs::status.eq_any(niaz::domain::need::NeedStatus::PUBLIC))
        .count()
        .get_result(&mut app.db.conn().unwrap())
        .unwrap();
    assert!(expected > 0);
    let page = app
        .get_with_cookie(
            "/needs?city=%D8%AA%D8%A8%D8%B1%DB%8C%D8%B2",
            Some("lang=en"),
        )
        .await;
    assert!(
        page.body.contains(&format!("{expected} needs")),
        "{expected}"
    );

    let search = app.get("/search?q=x").await;
    assert_eq!(
        search.body.matches("role=\"search\" aria-label=").count(),
        2
    );
}

/// Codes, numbers and dates inside Persian text keep their own direction: isolated runs on the
/// need's page, its card and the printed pages.
#[actix_web::test]
async fn codes_inside_persian_text_are_isolated_left_to_right() {
    let app = crate::helpers::spawn_app().await;
    let org = crate::fixtures::OrgBuilder::new("صنایع آزمون").insert(&app.db);
    let need = crate::fixtures::NeedBuilder::new(org, "تسمه تایم 35-52-7")
        .description("بلبرینگ 6206-2Z برای پمپ؛ تحویل تا 2026-03-20.")
        .insert(&app.db);
    app.sync();
    let page = app.get(&format!("/needs/{need}")).await;
    for run in ["35-52-7", "6206-2Z", "2026-03-20"] {
        assert!(
            page.body.contains(&format!("<bdi dir=\"ltr\">{run}</bdi>")),
            "{run} isolated"
        );
    }
    let list = app.get("/needs").await;
    assert!(list
        .body
        .contains("تسمه تایم <bdi dir=\"ltr\">35-52-7</bdi>"));
}

/// The text of a page without tags, runs of white space as one space.
fn text_of(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    crate::helpers::plain(&out)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A firm without a city leaves no stray separator or "in" behind, on cards, the need page and
/// the firm's page.
#[actix_web::test]
async fn an_empty_city_leaves_no_stray_separators() {
    let app = spawn_app().await;
    let firm = OrgBuilder::new("کارخانه بی‌شهر").city("").insert(&app.db);
    let anon = NeedBuilder::new(firm, "شفت بی‌نشان")
        .anonymous()
        .insert(&app.db);
    NeedBuilder::new(firm, "پولی بی‌نشان").insert(&app.db);
    app.sync();
    let list = text_of(&app.get("/needs").await.body);
    assert!(list.contains("یک واحد صنعتی"), "{list}");
    assert!(
        !list.contains("در ·"),
        "no 'a firm in' with nothing after: {list}"
    );
    assert!(
        !list.contains("کارخانه بی‌شهر ·"),
        "no separator before an empty city: {list}"
    );
    let page = text_of(&app.get(&format!("/needs/{anon}")).await.body);
    assert!(
        !page.contains(" ، "),
        "no comma before the province: {page}"
    );
    let firm_page = text_of(&app.get(&format!("/firms/{firm}")).await.body);
    assert!(
        !firm_page.contains("· ،") && !firm_page.contains("· ·"),
        "{firm_page}"
    );
}
