//! The JSON API contract and the HTML search page.

use crate::fixtures::{NeedBuilder, OrgBuilder};
use crate::helpers::{spawn_app, spawn_demo_app};

#[actix_web::test]
async fn search_api_returns_the_documented_shape() {
    let app = spawn_demo_app().await;
    let (status, json) = app.get_json("/api/v1/needs?q=%D9%BE%D9%85%D9%BE").await; // پمپ
    assert_eq!(status, 200);
    assert!(json["total"].as_u64().unwrap() > 0);
    assert_eq!(json["page"], 1);
    assert_eq!(json["limit"], 20);
    let hit = &json["hits"][0];
    for key in [
        "id",
        "title",
        "title_en",
        "part_number",
        "hs_code",
        "category",
        "city",
        "province",
        "status",
        "annual_import_value",
        "currency",
        "snippet_html",
        "url",
    ] {
        assert!(hit.get(key).is_some(), "hit has {key}: {hit}");
    }
    assert!(hit["url"]
        .as_str()
        .unwrap()
        .ends_with(&format!("/needs/{}", hit["id"])));
    for facet in [
        "category",
        "province",
        "city",
        "status",
        "origin_country",
        "has_drawing",
    ] {
        let list = json["facets"][facet]
            .as_array()
            .unwrap_or_else(|| panic!("facet {facet}"));
        for v in list {
            assert!(v["value"].is_string() && v["label"].is_string() && v["count"].is_u64());
        }
    }
    // No contact detail in the API.
    let (_, all) = app.get_json("/api/v1/needs?limit=100").await;
    let text = all.to_string();
    assert!(!text.contains("041-"), "no phone numbers");
    assert!(!text.contains("شهرک صنعتی غرب، خیابان"), "no addresses");
}

#[actix_web::test]
async fn bad_parameters_are_400_naming_the_field() {
    let app = spawn_demo_app().await;
    let cases = [
        ("limit=0", "limit"),
        ("limit=1000", "limit"),
        ("limit=abc", "limit"),
        ("page=-1", "page"),
        ("page=0", "page"),
        ("page=x", "page"),
        ("sort=cheapest", "sort"),
        ("status=draft", "status"),
        ("category=nope", "category"),
        ("origin=Atlantis", "origin"),
        ("has_drawing=maybe", "has_drawing"),
    ];
    for (query, field) in cases {
        let (status, json) = app.get_json(&format!("/api/v1/needs?{query}")).await;
        assert_eq!(status, 400, "{query}");
        assert_eq!(json["error"]["code"], "invalid", "{query}");
        assert_eq!(json["error"]["field"], field, "{query}");
        assert!(json["error"]["message"].as_str().unwrap().len() > 5);
    }
    let (_, en) = app.get_json("/api/v1/needs?limit=0&lang=en").await;
    assert_eq!(
        en["error"]["message"],
        "limit must be a whole number from 1 to 100"
    );
    let (ok, json) = app.get_json("/api/v1/needs?limit=100&page=%DB%B2").await;
    assert_eq!(ok, 200, "Persian digits in page: {json}");
}

#[actix_web::test]
async fn filters_sorting_and_paging() {
    let app = spawn_app().await;
    let tabriz = OrgBuilder::new("کارخانه تبریز").insert(&app.db);
    let marand = OrgBuilder::new("کارخانه مرند").city("مرند").insert(&app.db);
    let a = NeedBuilder::new(tabriz, "پمپ الف")
        .quantity(10, 10_000, "USD")
        .origin("DE")
        .published_minutes_ago(30)
        .insert(&app.db);
    let b = NeedBuilder::new(marand, "پمپ ب")
        .quantity(10, 90_000, "EUR")
        .origin("CN")
        .category(1201)
        .published_minutes_ago(20)
        .insert(&app.db);
    let c = NeedBuilder::new(marand, "پمپ ج")
        .quantity(1, 50_000_000, "IRR")
        .status("in_talks")
        .published_minutes_ago(10)
        .insert(&app.db);
    NeedBuilder::new(marand, "پمپ پیش‌نویس")
        .status("draft")
        .insert(&app.db);
    app.sync();

    let ids = |json: &serde_json::Value| -> Vec<i64> {
        json["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["id"].as_i64().unwrap())
            .collect()
    };
    let q = "q=%D9%BE%D9%85%D9%BE";
    let (_, all) = app.get_json(&format!("/api/v1/needs?{q}")).await;
    assert_eq!(all["total"], 3, "drafts are never searchable");

    let (_, newest) = app
        .get_json(&format!("/api/v1/needs?{q}&sort=newest"))
        .await;
    assert_eq!(ids(&newest), vec![c as i64, b as i64, a as i64]);
    let (_, value) = app.get_json(&format!("/api/v1/needs?{q}&sort=value")).await;
    assert_eq!(
        ids(&value),
        vec![b as i64, a as i64, c as i64],
        "EUR 9,000 > USD 1,000 > IRR 50M"
    );

    let (_, city) = app
        .get_json(&format!("/api/v1/needs?{q}&city=Marand"))
        .await;
    assert_eq!(city["total"], 2);
    let (_, status) = app
        .get_json(&format!("/api/v1/needs?{q}&status=in_talks"))
        .await;
    assert_eq!(ids(&status), vec![c as i64]);
    let (_, origin) = app.get_json(&format!("/api/v1/needs?{q}&origin=DE")).await;
    assert_eq!(ids(&origin), vec![a as i64]);
    let (_, cat) = app
        .get_json(&format!("/api/v1/needs?{q}&category=pumps-valves"))
        .await;
    assert_eq!(
        ids(&cat),
        vec![b as i64],
        "a top-level category includes its subcategories"
    );
    let city_facet = &city["facets"]["city"];
    assert!(city_facet
        .as_array()
        .unwrap()
        .iter()
        .any(|v| v["value"] == "مرند" && v["count"] == 2));

    let (_, page2) = app
        .get_json(&format!("/api/v1/needs?{q}&sort=newest&limit=2&page=2"))
        .await;
    assert_eq!(ids(&page2), vec![a as i64]);
    assert_eq!(page2["total"], 3);

    let (status, one) = app.get_json(&format!("/api/v1/needs/{a}")).await;
    assert_eq!(status, 200);
    assert_eq!(one["title"], "پمپ الف");
    let (status, _) = app.get_json("/api/v1/needs/99999").await;
    assert_eq!(status, 404);
}

#[actix_web::test]
async fn search_page_keeps_the_query_and_helps_when_empty() {
    let app = spawn_demo_app().await;
    let page = app
        .get("/search?q=%D8%A8%D9%84%D8%A8%D8%B1%DB%8C%D9%86%DA%AF")
        .await; // بلبرینگ
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains(r#"value="بلبرینگ""#),
        "query stays in the box"
    );
    assert!(page.body.contains("<b>"), "highlighted snippet");
    assert!(
        page.body.contains("/search?q=%D8%A8"),
        "facet links keep the query"
    );

    let typo = app
        .get("/search?q=%D8%A8%D9%84%D8%A8%D8%B1%D9%86%DA%AF%D8%B2%D8%B2")
        .await; // بلبرنگزز
    assert!(typo.body.contains("نیازی با این جستجو پیدا نشد") || typo.body.contains("منظورتان"));

    let en = app
        .get_with_cookie("/search?q=zzzzqqq", Some("lang=en"))
        .await;
    assert!(en.body.contains("No needs match this search."));
    assert!(en.body.contains("Try fewer or more general words."));

    // Every page has the search box.
    for path in ["/", "/needs", "/about", "/nope"] {
        let p = app.get(path).await;
        assert!(p.body.contains(r#"action="/search""#), "{path}");
    }
    // A need page shows similar needs.
    let need = app.get("/needs/2").await;
    if need.status == 200 {
        assert!(need.body.contains("نیازهای مشابه"));
    }
}

#[actix_web::test]
async fn suggestions_complete_the_last_word() {
    let app = spawn_demo_app().await;
    let (status, json) = app.get_json("/api/v1/suggest?q=%D8%A8%D9%84%D8%A8").await; // بلب
    assert_eq!(status, 200);
    let list = json["suggestions"].as_array().unwrap();
    assert!(!list.is_empty());
    assert!(list
        .iter()
        .all(|s| s["title"].as_str().unwrap().contains("بلبرینگ")
            || s["title"].as_str().unwrap().contains("بلبرينگ")));
    let (_, empty) = app.get_json("/api/v1/suggest?q=").await;
    assert_eq!(empty["suggestions"].as_array().unwrap().len(), 0);
}

#[actix_web::test]
async fn search_results_export_as_csv_and_xlsx() {
    let app = spawn_demo_app().await;
    let page = app.get("/search?q=%D9%BE%D9%85%D9%BE").await;
    assert!(
        page.body
            .contains("/search/export?q=%D9%BE%D9%85%D9%BE&amp;format=csv")
            || page
                .body
                .contains("/search/export?q=%D9%BE%D9%85%D9%BE&format=csv")
    );
    let (_, json) = app.get_json("/api/v1/needs?q=%D9%BE%D9%85%D9%BE").await;
    let total = json["total"].as_u64().unwrap() as usize;
    let csv = app
        .get("/search/export?q=%D9%BE%D9%85%D9%BE&format=csv")
        .await;
    assert_eq!(csv.status, 200);
    assert!(csv
        .header("content-disposition")
        .unwrap()
        .contains("attachment"));
    assert!(csv.body.starts_with('\u{FEFF}'), "UTF-8 BOM for Excel");
    let mut reader = csv::Reader::from_reader(csv.body.trim_start_matches('\u{FEFF}').as_bytes());
    assert_eq!(
        reader.headers().unwrap().len(),
        niaz::services::spreadsheet::COLUMNS.len()
    );
    assert_eq!(reader.records().count(), total);
    let xlsx = app
        .get("/search/export?q=%D9%BE%D9%85%D9%BE&format=xlsx")
        .await;
    assert_eq!(xlsx.status, 200);
    assert_eq!(app.get("/search/export?format=pdf").await.status, 400);
}
