//! Site-wide behaviour: templates, languages, errors, health, assets, headers.

use crate::helpers::{spawn_app, spawn_demo_app};

#[test]
fn every_template_parses_and_every_string_key_exists() {
    let templates = niaz::templates::Templates::load(&niaz::assets::Assets::load());
    assert!(templates.is_ok(), "{:?}", templates.err());
    let owned: std::collections::HashSet<String> = niaz::i18n::keys().collect();
    let keys: std::collections::HashSet<&str> = owned.iter().map(String::as_str).collect();
    // Every language has every message, and nothing more.
    let mut fa = niaz::i18n::keys_of(niaz::i18n::Lang::Fa);
    let mut en = niaz::i18n::keys_of(niaz::i18n::Lang::En);
    fa.sort();
    en.sort();
    assert_eq!(
        fa, en,
        "the Persian and English message files have the same keys"
    );
    let mut missing = Vec::new();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    for name in niaz::templates::Templates::names() {
        let source = std::fs::read_to_string(dir.join(&name)).unwrap();
        for quote in ['"', '\''] {
            let open = format!("t({quote}");
            let mut parts = source.split(&open);
            let mut before = parts.next().unwrap_or_default();
            for part in parts {
                let key = part.split(quote).next().unwrap();
                let is_call = !before.ends_with(|c: char| c.is_alphanumeric() || c == '_');
                before = part;
                // Keys ending in "." are completed from enum values, checked below.
                if is_call && !key.ends_with(['.', '_']) && !keys.contains(key) {
                    missing.push(format!("{name}: {key}"));
                }
            }
        }
    }
    // Keys built from enum values in templates.
    let mut dynamic: Vec<String> = niaz::search::query::Sort::ALL
        .iter()
        .map(|s| format!("search.sort_{}", s.as_str()))
        .collect();
    for group in [
        "category", "status", "province", "city", "origin", "drawing",
    ] {
        dynamic.push(format!("search.facet_{group}"));
    }
    for key in dynamic {
        if !keys.contains(key.as_str()) {
            missing.push(key);
        }
    }
    for s in niaz::domain::need::NeedStatus::ALL {
        if !keys.contains(format!("status.{}", s.as_str()).as_str()) {
            missing.push(format!("status.{}", s.as_str()));
        }
    }
    for u in niaz::domain::need::Unit::ALL {
        if !keys.contains(format!("unit.{}", u.as_str()).as_str()) {
            missing.push(format!("unit.{}", u.as_str()));
        }
    }
    for k in niaz::domain::organization::OrgKind::ALL {
        if !keys.contains(format!("org_kind.{}", k.as_str()).as_str()) {
            missing.push(format!("org_kind.{}", k.as_str()));
        }
    }
    assert!(
        missing.is_empty(),
        "missing string keys:\n{}",
        missing.join("\n")
    );
}

#[actix_web::test]
async fn pages_are_persian_by_default_and_english_on_request() {
    let app = spawn_demo_app().await;
    let fa = app.get("/").await;
    assert_eq!(fa.status, 200);
    assert!(fa.body.contains(r#"<html lang="fa" dir="rtl">"#));
    assert!(fa.body.contains("نمایشگاه نیازهای صنعت"));
    assert_eq!(fa.header("content-language").as_deref(), Some("fa"));

    let en = app.get_en("/").await;
    assert!(en.body.contains(r#"<html lang="en" dir="ltr">"#));
    assert!(en.body.contains("Exhibition of industry needs"));
    // The switch offers the other language.
    assert!(en.body.contains(r#"name="lang" value="fa""#));
    assert!(fa.body.contains(r#"name="lang" value="en""#));
}

#[actix_web::test]
async fn language_switch_remembers_the_choice_and_keeps_the_page() {
    let app = spawn_demo_app().await;
    let res = app
        .post_form("/lang", &[("lang", "en"), ("next", "/needs?page=2")])
        .await;
    assert_eq!(res.status, 303);
    assert_eq!(res.header("location").as_deref(), Some("/needs?page=2"));
    let cookie = res.header("set-cookie").unwrap();
    assert!(cookie.starts_with("lang=en"), "{cookie}");
    assert!(
        cookie.contains("Max-Age="),
        "the choice is remembered: {cookie}"
    );

    let page = app.get_with_cookie("/needs?page=2", Some("lang=en")).await;
    assert!(page.body.contains("Catalogue of needs"));

    // The switch wins over a language in the URL (a page opened from an English mail).
    let res = app
        .post_form(
            "/lang",
            &[("lang", "fa"), ("next", "/signup?lang=en&next=%2Fneeds")],
        )
        .await;
    assert_eq!(
        res.header("location").as_deref(),
        Some("/signup?next=%2Fneeds")
    );
    let res = app
        .post_form("/lang", &[("lang", "fa"), ("next", "/needs/3?lang=en")])
        .await;
    assert_eq!(res.header("location").as_deref(), Some("/needs/3"));

    // Never an open redirect.
    let res = app
        .post_form("/lang", &[("lang", "fa"), ("next", "//evil.example/")])
        .await;
    assert_eq!(res.header("location").as_deref(), Some("/"));

    // An unknown language is named in the error.
    let res = app
        .post_form("/lang", &[("lang", "de"), ("next", "/")])
        .await;
    assert_eq!(res.status, 400);
    assert!(res.body.contains("lang"));
}

#[actix_web::test]
async fn missing_pages_are_helpful_in_both_languages() {
    let app = spawn_app().await;
    let fa = app.get("/no/such/page").await;
    assert_eq!(fa.status, 404);
    assert!(fa.body.contains("صفحه پیدا نشد"));
    assert!(
        fa.body.contains(r#"href="/needs""#),
        "links to the catalogue"
    );
    assert!(fa.body.contains("۴۰۴"));

    let en = app.get_en("/needs/999999").await;
    assert_eq!(en.status, 404);
    assert!(en.body.contains("Page not found"));

    let not_a_number = app.get("/needs/abc").await;
    assert_eq!(not_a_number.status, 404);

    let api = app.get("/api/v1/nothing").await;
    assert_eq!(api.status, 404);
    let json: serde_json::Value = serde_json::from_str(&api.body).unwrap();
    assert_eq!(json["error"]["code"], "not_found");
}

#[actix_web::test]
async fn health_check_reports_ok() {
    let app = spawn_app().await;
    let res = app.get("/healthz").await;
    assert_eq!(res.status, 200);
    let json: serde_json::Value = serde_json::from_str(&res.body).unwrap();
    assert_eq!(json["status"], "ok");

    // A database that cannot answer takes the server out of a proxy's rotation.
    {
        use diesel::connection::SimpleConnection;
        let mut conn = app.db.conn().unwrap();
        conn.batch_execute("ALTER TABLE organizations RENAME TO organizations_away")
            .unwrap();
    }
    let res = app.get("/healthz").await;
    assert_eq!(res.status, 503, "{}", res.body);
    let json: serde_json::Value = serde_json::from_str(&res.body).unwrap();
    assert_eq!(json["status"], "database unavailable");
}

#[actix_web::test]
async fn assets_are_embedded_versioned_and_cacheable() {
    let app = spawn_app().await;
    let home = app.get("/").await;
    let start = home
        .body
        .find("/assets/css/site.css?v=")
        .expect("versioned css link");
    let url: String = home.body[start..]
        .chars()
        .take_while(|c| *c != '"')
        .collect();
    let css = app.get(&url).await;
    assert_eq!(css.status, 200);
    assert!(css.header("content-type").unwrap().starts_with("text/css"));
    assert!(css.header("cache-control").unwrap().contains("immutable"));
    assert!(css.body.contains("margin-inline"), "logical properties");
    assert!(css.body.contains("@media print"));

    let missing = app.get("/assets/css/nope.css").await;
    assert_eq!(missing.status, 404);
}

#[actix_web::test]
async fn no_page_loads_anything_from_another_host() {
    let app = spawn_demo_app().await;
    for path in ["/", "/needs", "/needs/1", "/about"] {
        let page = app.get(path).await;
        for attr in [
            "src=\"http",
            "src=\"//",
            "url(http",
            "url(//",
            "stylesheet\" href=\"http",
        ] {
            assert!(
                !page.body.contains(attr),
                "{path} loads from another host: {attr}"
            );
        }
        let csp = page.header("content-security-policy").unwrap();
        assert!(csp.contains("default-src 'self'"));
        assert!(csp.contains("frame-ancestors 'none'"));
        assert_eq!(
            page.header("x-content-type-options").as_deref(),
            Some("nosniff")
        );
    }
}

#[actix_web::test]
async fn https_sites_get_hsts_and_host_prefixed_secure_cookies() {
    let app = crate::helpers::spawn_app_with(|c| c.base_url = "https://niaz.example".into()).await;
    let mut b = app.browser();
    let page = b.get("/login").await;
    assert!(page
        .header("strict-transport-security")
        .unwrap()
        .contains("max-age="));
    let cookie = page.header("set-cookie").unwrap();
    assert!(cookie.starts_with("__Host-niaz-visitor="), "{cookie}");
    assert!(cookie.contains("Secure") && cookie.contains("Path=/") && !cookie.contains("Domain"));
    niaz::services::accounts::create_user_cli(
        &mut app.db.conn().unwrap(),
        "s@example.ir",
        "سازنده",
        niaz::domain::account::Role::Supplier,
        "گذرواژه‌ی بلند آزمون امن",
    )
    .unwrap();
    let signed_in = b
        .submit(
            "/login",
            "/login",
            &[
                ("email", "s@example.ir"),
                ("password", "گذرواژه‌ی بلند آزمون امن"),
            ],
        )
        .await;
    let cookie = signed_in.header("set-cookie").unwrap();
    assert!(cookie.starts_with("__Host-niaz="), "{cookie}");
    assert!(cookie.contains("Secure") && cookie.contains("HttpOnly") && !cookie.contains("Domain"));
    let plain = spawn_app().await;
    assert!(plain
        .get("/")
        .await
        .header("strict-transport-security")
        .is_none());
}
