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
    // Codes glued into free text, Persian glued to Latin, agent plurals, ezafe after a vowel,
    // dimensions and codes written with spaces.
    add(
        "nsk",
        NeedBuilder::new(firm, "بلبرینگ NSK6308 فن مکنده").category(101),
    );
    add(
        "festo",
        NeedBuilder::new(firm, "جک پنوماتیک").description("جک Festo-DSNU25 با کورس ۱۰۰ برای گیره"),
    );
    add(
        "hs_text",
        NeedBuilder::new(firm, "پیچ خودکار سرمته").description("کد تعرفه ۷۳۱۸.۱۵.۹۰ در فاکتور"),
    );
    add("grundfos", NeedBuilder::new(firm, "پمپGrundfos آب گرم"));
    add("washer", NeedBuilder::new(firm, "واشرM16 فنری"));
    add("workers", NeedBuilder::new(firm, "دستکش ایمنی کارگران"));
    add("drivers", NeedBuilder::new(firm, "صندلی رانندگان لیفتراک"));
    add("medicine", NeedBuilder::new(firm, "مخزن داروی مایع"));
    add("knife", NeedBuilder::new(firm, "چاقوی برش کاغذ"));
    add("oring", NeedBuilder::new(firm, "اورینگ 45x62x8 نسوز"));
    add(
        "filter",
        NeedBuilder::new(firm, "المنت فیلتر هیدرولیک").part_number("0160 D 010 BN4HC"),
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
        // codes inside free text, by the number alone or their letters
        ("6308", &["nsk"], &[]),
        ("NSK6308", &["nsk"], &[]),
        ("nsk 6308", &["nsk"], &[]),
        ("DSNU25", &["festo"], &[]),
        ("DSNU", &["festo"], &[]),
        ("Festo", &["festo"], &[]),
        // an HS code in text: digits with or without dots, any digit system, its heading
        ("73181590", &["hs_text"], &[]),
        ("7318.15.90", &["hs_text"], &[]),
        ("۷۳۱۸۱۵۹۰", &["hs_text"], &[]),
        ("٧٣١٨.١٥.٩٠", &["hs_text"], &[]),
        ("7318", &["hs_text"], &[]),
        ("731815", &["hs_text"], &[]),
        // Persian glued to Latin or digits
        ("Grundfos", &["grundfos"], &[]),
        ("پمپ Grundfos", &["grundfos"], &[]),
        ("M16", &["washer"], &["nut"]),
        ("واشر", &["washer"], &[]),
        // plurals of agent nouns and ezafe after a long vowel
        ("کارگر", &["workers"], &[]),
        ("کارگران", &["workers"], &[]),
        ("راننده", &["drivers"], &[]),
        ("دارو", &["medicine"], &[]),
        ("داروی", &["medicine"], &[]),
        ("چاقو", &["knife"], &[]),
        // dimensions written four ways
        ("45x62x8", &["oring"], &[]),
        ("45*62*8", &["oring"], &[]),
        ("45×62×8", &["oring"], &[]),
        ("۴۵×۶۲×۸", &["oring"], &[]),
        // a code with or without spaces between its groups
        ("0160D010BN4HC", &["filter"], &[]),
        ("0160 D 010 BN4HC", &["filter"], &[]),
        // English
        ("butterfly valve", &["english"], &[]),
        ("VALVES", &["english"], &[]),
    ];

    let mut failures = Vec::new();
    for (query, want, not_want) in cases {
        let path = format!("/api/v1/needs?limit=100&q={}", crate::helpers::enc(query));
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
        let encoded = crate::helpers::enc(&q);
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

/// A word in a need's title, part number or category ranks it above a need that only mentions
/// the word in its description.
#[actix_web::test]
async fn title_and_category_matches_rank_above_description_mentions() {
    let app = spawn_app().await;
    let firm = OrgBuilder::new("صنایع آزمایشی").insert(&app.db);
    let drive = NeedBuilder::new(firm, "درایو کنترل دور")
        .description(
            "درایو برای کنترل دور الکتروموتور نوار نقاله؛ الکتروموتور فعلی ۱۵ کیلووات است و \
             درایو باید با الکتروموتور قدیمی و الکتروموتور تازه کار کند.",
        )
        .insert(&app.db);
    let motor = NeedBuilder::new(firm, "الکتروموتور سه فاز ۱۵ کیلووات")
        .description("برای فن مکنده سالن رنگ، با پایه و فلنج استاندارد و بدنه چدنی.")
        .insert(&app.db);
    app.sync();
    let (_, json) = app
        .get_json(
            "/api/v1/needs?q=%D8%A7%D9%84%DA%A9%D8%AA%D8%B1%D9%88%D9%85%D9%88%D8%AA%D9%88%D8%B1",
        ) // الکتروموتور
        .await;
    let ids: Vec<i64> = json["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [i64::from(motor), i64::from(drive)], "{json}");
}

/// The same part posted by two firms (spelt differently) is shown together, the first with the
/// combined yearly quantity; other needs do not come between them.
#[actix_web::test]
async fn the_same_part_posted_twice_is_shown_together_with_its_demand() {
    let app = spawn_app().await;
    let a = OrgBuilder::new("کارخانه الف").insert(&app.db);
    let b = OrgBuilder::new("کارخانه ب").insert(&app.db);
    let first = NeedBuilder::new(a, "بلبرینگ 6205 دو طرف لاستیکی")
        .part_number("6205-2RS")
        .quantity(400, 450, "USD")
        .insert(&app.db);
    let other = NeedBuilder::new(a, "بلبرینگ شیار عمیق 6305")
        .part_number("6305")
        .quantity(20, 450, "USD")
        .insert(&app.db);
    let second = NeedBuilder::new(b, "بلبرينگ")
        .part_number("6205 2RS")
        .quantity(100, 450, "USD")
        .insert(&app.db);
    app.sync();
    let page = app
        .get("/search?q=%D8%A8%D9%84%D8%A8%D8%B1%DB%8C%D9%86%DA%AF")
        .await; // بلبرینگ
    assert_eq!(page.status, 200);
    let at = |id: i32| page.body.find(&format!("href=\"/needs/{id}\"")).unwrap();
    let (f, s, o) = (at(first), at(second), at(other));
    assert!(
        f.min(s) < o && f.max(s) < o,
        "the two postings are adjacent"
    );
    assert_eq!(page.count("same-part-next"), 1, "{}", page.body);
    assert!(
        page.body
            .contains("همین قطعه ۲ بار در این صفحه ثبت شده است"),
        "{}",
        page.body
    );
    assert!(page.body.contains("۵۰۰"), "400 + 100 a year");
    // A chosen order is kept as it is.
    let newest = app
        .get("/search?q=%D8%A8%D9%84%D8%A8%D8%B1%DB%8C%D9%86%DA%AF&sort=newest")
        .await;
    assert_eq!(newest.count("same-part-next"), 0);
}

/// Codes and dates in a result's snippet are isolated left to right, even where a highlight
/// starts or ends inside them.
#[actix_web::test]
async fn snippets_isolate_codes_and_dates() {
    let app = spawn_app().await;
    let firm = OrgBuilder::new("صنایع آزمایشی").insert(&app.db);
    NeedBuilder::new(firm, "تسمه تایم")
        .description("تسمه HTD 8M-1200-30 برای گیربکس؛ تحویل تا 2027-03-20 لازم است.")
        .insert(&app.db);
    app.sync();
    let (_, json) = app
        .get_json("/api/v1/needs?q=%DA%AF%DB%8C%D8%B1%D8%A8%DA%A9%D8%B3")
        .await; // گیربکس
    let snippet = json["hits"][0]["snippet_html"].as_str().unwrap();
    assert!(snippet.contains("\u{2066}8M-1200-30\u{2069}"), "{snippet}");
    assert!(snippet.contains("\u{2066}2027-03-20\u{2069}"), "{snippet}");
    assert!(snippet.contains("<b>گیربکس</b>"), "{snippet}");
}

/// Organizers find an imported need by the reference of its row; nobody else learns of it.
#[actix_web::test]
async fn staff_find_an_imported_need_by_its_reference() {
    use diesel::prelude::*;
    use niaz::db::schema::needs;
    let app = spawn_app().await;
    let firm = OrgBuilder::new("صنایع آزمایشی").insert(&app.db);
    let id = NeedBuilder::new(firm, "پمپ آب گرم").insert(&app.db);
    diesel::update(needs::table.find(id))
        .set(needs::import_ref.eq("EX-77"))
        .execute(&mut *app.db.conn().unwrap())
        .unwrap();
    app.sync();
    let anonymous = app.get("/search?q=EX-77").await;
    assert_eq!(anonymous.status, 200);
    assert!(!anonymous.body.contains("notice reference"));
    let mut organizer = crate::posting::user(
        &app,
        "org@example.ir",
        niaz::domain::account::Role::Organizer,
        None,
    )
    .await;
    let page = organizer.get("/search?q=EX-77").await;
    assert!(page.body.contains("notice reference"), "{}", page.body);
    assert!(page.body.contains(&format!("/my/needs/{id}/edit")));
}

/// On English pages, Persian technical data labels and materials read in English when every
/// word is in the glossary, with the material as written beside it.
#[actix_web::test]
async fn english_pages_translate_technical_terms() {
    use diesel::prelude::*;
    use niaz::db::schema::needs;
    let app = crate::helpers::spawn_demo_app().await;
    let id: i32 = needs::table
        .filter(needs::part_number.eq("6205-2RS"))
        .select(needs::id)
        .first(&mut *app.db.conn().unwrap())
        .unwrap();
    let page = app.get_en(&format!("/needs/{id}")).await;
    assert!(
        page.body.contains("<bdi>Inner diameter</bdi>"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Chromium steel"), "{}", page.body);
    assert!(page
        .body
        .contains(r#"lang="fa">فولاد کروم‌دار <bdi dir="ltr">100Cr6</bdi></bdi>"#));
    let persian = app.get(&format!("/needs/{id}")).await;
    assert!(persian.body.contains("<bdi>قطر داخلی</bdi>"));
    assert!(!persian.body.contains("Inner diameter"));
}

/// Trade synonyms in both languages, and the groups organizers add, apply at query time.
#[actix_web::test]
async fn synonyms_find_the_other_names_of_a_part() {
    let app = spawn_app().await;
    let firm = OrgBuilder::new("صنایع آزمایشی").insert(&app.db);
    let gearbox = NeedBuilder::new(firm, "گیربکس حلزونی همزن").insert(&app.db);
    let reducer = NeedBuilder::new(firm, "کاهنده دور نوار نقاله").insert(&app.db);
    let motor = NeedBuilder::new(firm, "موتور برقی ۵ کیلووات").insert(&app.db);
    let cylinder = NeedBuilder::new(firm, "سیلندر پنوماتیک گیره").insert(&app.db);
    let solenoid = NeedBuilder::new(firm, "شیر برقی خط بخار").insert(&app.db);
    app.sync();
    let found = |json: &serde_json::Value| -> Vec<i64> {
        json["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["id"].as_i64().unwrap())
            .collect()
    };
    let enc = crate::helpers::enc;
    for (query, want) in [
        ("گیربکس", vec![gearbox, reducer]),
        ("gear reducer", vec![gearbox, reducer]),
        ("کاهنده دور", vec![gearbox, reducer]),
        ("الکتروموتور", vec![motor]),
        ("electric motor", vec![motor]),
        ("جک", vec![cylinder]),
    ] {
        let (_, json) = app
            .get_json(&format!("/api/v1/needs?q={}", enc(query)))
            .await;
        let ids = found(&json);
        for id in want {
            assert!(ids.contains(&i64::from(id)), "{query}: {json}");
        }
        assert_eq!(json["relaxed"], false, "{query}");
    }
    let (_, json) = app.get_json("/api/v1/needs?q=solenoid%20valve").await;
    assert!(!found(&json).contains(&i64::from(solenoid)) || json["relaxed"] == true);

    // An organizer adds a group; a wrong line is named and nothing is saved.
    let mut organizer = crate::posting::user(
        &app,
        "org@example.ir",
        niaz::domain::account::Role::Organizer,
        None,
    )
    .await;
    let bad = organizer
        .submit(
            "/admin/synonyms",
            "/admin/synonyms",
            &[("synonyms", "شیر برقی, solenoid valve\nپمپ")],
        )
        .await;
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("سطر ۲"), "{}", bad.body);
    let res = organizer
        .submit(
            "/admin/synonyms",
            "/admin/synonyms",
            &[("synonyms", "شیر برقی, solenoid valve")],
        )
        .await;
    assert_eq!(res.status, 303);
    let (_, json) = app.get_json("/api/v1/needs?q=solenoid%20valve").await;
    assert_eq!(found(&json), [i64::from(solenoid)], "{json}");
    assert_eq!(json["relaxed"], false);
}

/// A word that good needs lack does not hide them: needs matching every word come first, then
/// those matching some, below, on the same page.
#[actix_web::test]
async fn needs_matching_some_words_follow_those_matching_all() {
    let app = spawn_app().await;
    let firm = OrgBuilder::new("صنایع آزمایشی").insert(&app.db);
    let both = NeedBuilder::new(firm, "پمپ آب تیپ ۴۰").insert(&app.db);
    let pump = NeedBuilder::new(firm, "پمپ آب گرم").insert(&app.db);
    let other = NeedBuilder::new(firm, "شیر کشویی").insert(&app.db);
    app.sync();
    let (_, json) = app
        .get_json("/api/v1/needs?q=%D9%BE%D9%85%D9%BE%20%D8%AA%DB%8C%D9%BE") // پمپ تیپ
        .await;
    let ids = |key: &str| -> Vec<i64> {
        json[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["id"].as_i64().unwrap())
            .collect()
    };
    assert_eq!(ids("hits"), [i64::from(both)], "{json}");
    assert_eq!(ids("partial"), [i64::from(pump)], "{json}");
    assert!(!ids("partial").contains(&i64::from(other)));
    let page = app
        .get("/search?q=%D9%BE%D9%85%D9%BE%20%D8%AA%DB%8C%D9%BE")
        .await;
    let full = page.body.find(&format!("/needs/{both}\"")).unwrap();
    let heading = page.body.find("partial-heading").unwrap();
    let some = page.body.find(&format!("/needs/{pump}\"")).unwrap();
    assert!(full < heading && heading < some);
}
