//! Relevance: every class of spelling variant people type, as one table. The test prints every
//! failing case, not just the first.

use crate::fixtures::{NeedBuilder, OrgBuilder};
use crate::helpers::{spawn_app, TestApp};

/// A small catalogue of real-looking parts; returns (key, id) pairs.
/// Categories are set as a firm would: category names are indexed too, so they matter.
fn corpus(app: &TestApp) -> Vec<(&'static str, i32)> {
    let firm = OrgBuilder::new("صنایع آزمایشی تبریز").insert(&app.db);
    let mut ids = Vec::new();
    let mut add = |key: &'static str, b: NeedBuilder| ids.push((key, b.insert(&app.db)));
    add(
        "bearing",
        NeedBuilder::new(firm, "بلبرینگ شیار عمیق")
            .category(101)
            .part_number("6205-2RS")
            .brand("SKF")
            .hs_code("84821010")
            .description("یاتاقان الکتروموتور نوار نقاله، قطر داخلی 25 میلی‌متر"),
    );
    add(
        "seal",
        NeedBuilder::new(firm, "کاسه‌نمد گیربکس")
            .category(1102)
            .part_number("BABSL 70x90x10")
            .description("آب‌بندی شفت خروجی"),
    );
    add(
        "gear",
        NeedBuilder::new(firm, "چرخ دنده مارپیچ")
            .category(102)
            .description("چرخ دنده گیربکس کاهنده"),
    );
    add(
        "nut",
        NeedBuilder::new(firm, "مهرهٔ شش‌گوش M12")
            .category(1001)
            .part_number("DIN934-M12"),
    );
    add(
        "seal_ring",
        NeedBuilder::new(firm, "مهر و موم درب مخزن").category(1103),
    );
    add(
        "cement",
        NeedBuilder::new(firm, "آسیای سیمان")
            .category(15)
            .description("قطعات یدکی آسیای گلوله‌ای سیمان"),
    );
    add("wire", NeedBuilder::new(firm, "سیم مسی لاکی").category(303));
    add(
        "alu",
        NeedBuilder::new(firm, "پروفیل آلومینیوم")
            .category(15)
            .description("آلیاژ ۶۰۶۳"),
    );
    add(
        "acid",
        NeedBuilder::new(firm, "پمپ أسید سولفوریک").category(1201),
    );
    add(
        "pump",
        NeedBuilder::new(firm, "پمپ گریز از مرکز")
            .category(1201)
            .description("پمپ آب گردشی برج خنک‌کن"),
    );
    add(
        "dosing",
        NeedBuilder::new(firm, "پمپ دوزینگ")
            .category(1201)
            .description("تزریق مواد شیمیایی"),
    );
    add(
        "drill",
        NeedBuilder::new(firm, "مته کاربایدی")
            .category(1301)
            .description("قطر ۱۰٫۲ میلی‌متر برای قلاویز M12"),
    );
    add(
        "bolt10",
        NeedBuilder::new(firm, "پیچ آلن M10")
            .category(1001)
            .part_number("DIN912-M10"),
    );
    add(
        "pipe",
        NeedBuilder::new(firm, "لوله فولادی")
            .category(15)
            .description("لوله‌های درزدار"),
    );
    add(
        "high",
        NeedBuilder::new(firm, "شیر فشار بالا")
            .category(1202)
            .description("شیر کنترل فشار بالا"),
    );
    add(
        "low",
        NeedBuilder::new(firm, "شیر فشار پایین").category(1202),
    );
    add(
        "mention",
        NeedBuilder::new(firm, "بست لوله")
            .category(1001)
            .description("جایگزین بلبرینگ 6205 در نقشه قدیمی"),
    );
    add(
        "plain6206",
        NeedBuilder::new(firm, "بلبرینگ ۶۲۰۶")
            .category(101)
            .part_number("6206"),
    );
    add("round", NeedBuilder::new(firm, "گردان دستگاه").category(15));
    add(
        "english",
        NeedBuilder::new(firm, "شیر پروانه‌ای")
            .category(1202)
            .title_en("Butterfly valves for cooling water"),
    );
    ids
}

#[actix_web::test]
async fn every_variant_class_matches() {
    let app = spawn_app().await;
    let ids = corpus(&app);
    app.sync();
    let id = |key: &str| ids.iter().find(|(k, _)| *k == key).unwrap().1;

    // (query, must find, must not find)
    let cases: &[(&str, &[&str], &[&str])] = &[
        // Arabic yeh and kaf
        ("بلبرينگ", &["bearing"], &[]),
        ("كاسه‌نمد", &["seal"], &[]),
        // teh marbuta / heh with hamza / heh goal
        ("مهره", &["nut"], &[]),
        ("مهرۀ", &["nut"], &[]),
        ("لولة", &["pipe"], &[]),
        // hamza-carrying alefs
        ("الومینیوم", &["alu"], &[]),
        ("آلومینیوم", &["alu"], &[]),
        ("اسید", &["acid"], &[]),
        ("إسید", &["acid"], &[]),
        // diacritics and tatweel
        ("پمـــپ دوزینگ", &["dosing"], &[]),
        ("مُهرِه", &["nut"], &[]),
        // presentation forms (NFKC)
        ("\u{FB58}\u{FEE4}\u{FB57} دوزینگ", &["dosing"], &[]),
        // ZWNJ vs space vs nothing
        ("کاسه نمد", &["seal"], &[]),
        ("کاسهنمد", &["seal"], &[]),
        ("چرخدنده", &["gear"], &[]),
        ("چرخ‌دنده", &["gear"], &[]),
        ("شش گوش", &["nut"], &[]),
        // zero-width space and no-break space
        ("کاسه\u{200B}نمد", &["seal"], &[]),
        ("کاسه\u{00A0}نمد", &["seal"], &[]),
        // plural and ezafe suffixes
        ("بلبرینگها", &["bearing"], &[]),
        ("بلبرینگ‌ها", &["bearing"], &[]),
        ("بلبرینگ ها", &["bearing"], &[]),
        ("لوله‌ها", &["pipe"], &[]),
        ("پمپهای", &["pump"], &[]),
        ("قطعات یدکی", &["cement"], &[]),
        ("فولاد", &["pipe"], &[]),
        // stemming never merges different words
        ("سیم", &["wire"], &["cement"]),
        ("سیمان", &["cement"], &["wire"]),
        ("مهر", &["seal_ring"], &["nut"]),
        ("گرد", &[], &["round"]),
        ("گردان", &["round"], &[]),
        // digits in three systems, decimal separator, case
        ("۶۲۰۵", &["bearing"], &[]),
        ("٦٢٠٥", &["bearing"], &[]),
        ("10.2", &["drill"], &[]),
        ("۱۰٫۲", &["drill"], &[]),
        ("skf", &["bearing"], &[]),
        // part number separators
        ("6205-2RS", &["bearing"], &[]),
        ("6205 2RS", &["bearing"], &[]),
        ("62052RS", &["bearing"], &[]),
        ("6205-2rs", &["bearing"], &[]),
        ("۶۲۰۵-۲RS", &["bearing"], &[]),
        ("SKF6205", &["bearing"], &[]),
        ("SKF 6205-2RS", &["bearing"], &[]),
        // HS codes and their headings
        ("8482.10.10", &["bearing"], &[]),
        ("84821010", &["bearing"], &[]),
        ("8482", &["bearing"], &[]),
        ("8482.10", &["bearing"], &[]),
        // numbers and codes never match fuzzily
        ("6207", &[], &["bearing", "plain6206"]),
        ("M11", &[], &["nut", "bolt10"]),
        ("M10", &["bolt10"], &["nut"]),
        // function words are not required; numerals-like words are
        ("پمپ برای آب", &["pump"], &[]),
        ("پمپ و آب", &["pump"], &[]),
        ("شیر فشار بالا", &["high"], &["low"]),
        ("شیر فشار پایین", &["low"], &["high"]),
        // all unquoted words are required
        ("پمپ دوزینگ", &["dosing"], &["pump"]),
        // phrases need adjacency
        ("\"گریز از مرکز\"", &["pump"], &[]),
        ("\"مرکز گریز\"", &[], &["pump"]),
        // exclusion
        ("پمپ -دوزینگ", &["pump", "acid"], &["dosing"]),
        // typo tolerance for long letter words
        ("بلبرنگ", &["bearing"], &[]),
        ("الکتروموتر", &["bearing"], &[]),
        // English
        ("butterfly valve", &["english"], &[]),
        ("VALVES", &["english"], &[]),
    ];

    let mut failures = Vec::new();
    for (query, want, not_want) in cases {
        let path = format!(
            "/api/v1/needs?limit=100&q={}",
            query
                .bytes()
                .map(|b| format!("%{b:02X}"))
                .collect::<String>()
        );
        let (status, json) = app.get_json(&path).await;
        if status != 200 {
            failures.push(format!("{query:?}: status {status}"));
            continue;
        }
        let found: Vec<i64> = json["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["id"].as_i64().unwrap())
            .collect();
        let relaxed = json["relaxed"].as_bool().unwrap_or(false);
        for key in *want {
            if !found.contains(&(id(key) as i64)) {
                failures.push(format!("{query:?}: should find {key}, found {found:?}"));
            }
        }
        for key in *not_want {
            if found.contains(&(id(key) as i64)) && !relaxed {
                failures.push(format!("{query:?}: should not find {key}"));
            }
        }
        if want.is_empty() && !not_want.is_empty() && relaxed {
            // A relaxed answer is fine, but must not contain what was excluded by meaning.
            for key in *not_want {
                if found.contains(&(id(key) as i64)) {
                    failures.push(format!("{query:?}: relaxed results include {key}"));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[actix_web::test]
async fn exact_code_matches_rank_first() {
    let app = spawn_app().await;
    let ids = corpus(&app);
    app.sync();
    let id = |key: &str| ids.iter().find(|(k, _)| *k == key).unwrap().1 as i64;
    let (_, json) = app.get_json("/api/v1/needs?q=6205").await;
    let hits = json["hits"].as_array().unwrap();
    assert_eq!(hits[0]["id"].as_i64(), Some(id("bearing")), "{json}");
    assert!(hits.iter().any(|h| h["id"].as_i64() == Some(id("mention"))));
}

#[actix_web::test]
async fn snippets_highlight_the_original_characters() {
    let app = spawn_app().await;
    corpus(&app);
    app.sync();
    // Query in Arabic letters; the snippet must mark the Persian text as written.
    let (_, json) = app
        .get_json("/api/v1/needs?q=%D9%83%D9%86%D8%AA%D8%B1%D9%84") // "كنترل"
        .await;
    let snippet = json["hits"][0]["snippet_html"].as_str().unwrap();
    assert!(snippet.contains("<b>کنترل</b>"), "{snippet}");
}

#[actix_web::test]
async fn any_string_is_a_valid_query() {
    let app = spawn_app().await;
    corpus(&app);
    app.sync();
    let nasty = [
        "\"",
        "\"\"",
        "-",
        "--",
        "-\"",
        "((",
        ")",
        "*",
        "?",
        "AND",
        "OR NOT",
        "+",
        "«",
        "»",
        "\\",
        "'",
        "%",
        "<script>",
        "a:b",
        "title:پمپ",
        "پمپ~2",
        "^3",
        "[1 TO 5]",
        "{}",
        "\u{200C}",
        "\u{0640}",
        "🙂",
        "&&||",
        "ـ",
        "٫",
        "٬",
        "x".repeat(500).as_str(),
        "پمپ \"گریز از",
    ]
    .map(String::from);
    for q in nasty {
        let encoded: String = q.bytes().map(|b| format!("%{b:02X}")).collect();
        let page = app.get(&format!("/api/v1/needs?q={encoded}")).await;
        assert_eq!(page.status, 200, "query {q:?}: {}", page.body);
        let html = app.get(&format!("/search?q={encoded}")).await;
        assert_eq!(html.status, 200, "search page for {q:?}");
        assert!(
            !html.body.contains("<script>"),
            "query is escaped in the page"
        );
    }
}

/// A deadline already past sorts after every open one in "soonest deadline" and is shown as
/// passed; needs without a deadline come last.
#[actix_web::test]
async fn past_deadlines_sort_after_open_ones_and_say_so() {
    let app = crate::helpers::spawn_app().await;
    let org = crate::fixtures::OrgBuilder::new("صنایع آزمون").insert(&app.db);
    let today = chrono::Utc::now().date_naive();
    let past = crate::fixtures::NeedBuilder::new(org, "شیر قدیمی مهلت‌گذشته")
        .deadline(today - chrono::Duration::days(30))
        .insert(&app.db);
    let soon = crate::fixtures::NeedBuilder::new(org, "شیر نزدیک")
        .deadline(today + chrono::Duration::days(3))
        .insert(&app.db);
    let later = crate::fixtures::NeedBuilder::new(org, "شیر دور")
        .deadline(today + chrono::Duration::days(90))
        .insert(&app.db);
    let none = crate::fixtures::NeedBuilder::new(org, "شیر بی‌مهلت").insert(&app.db);
    app.sync();
    let (_, json) = app
        .get_json("/api/v1/needs?q=%D8%B4%DB%8C%D8%B1&sort=deadline")
        .await;
    let order: Vec<i64> = json["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_i64().unwrap())
        .collect();
    assert_eq!(order, [soon, later, past, none].map(i64::from));
    // The need's own sheet explains what a passed deadline means (cards of similar needs only
    // carry the badge).
    let explained = "مهلتی که واحد برای دریافت پیشنهاد گذاشته بود گذشته است";
    let page = app.get(&format!("/needs/{past}")).await;
    assert!(page.body.contains(explained));
    let page = app.get(&format!("/needs/{soon}")).await;
    assert!(!page.body.contains(explained));
}
