//! The real-browser suite: the journeys of `tests/browser/journeys.mjs` in Debian's Chromium,
//! driven by playwright-core, each against the real server on a fresh data directory, in Persian
//! and in English. Every page a journey looks at passes axe-core (nothing of moderate impact or
//! worse) and, at the end, the Nu HTML Checker. Screenshots land in `target/browser-suite/`.
//!
//! Chromium, Node.js and Java come from the machine; playwright-core, axe-core and vnu-jar are
//! fetched from the npm registry into `target/browser-suite/` the first time. Without them the
//! suite is skipped with a message, except under `CI=true`, where that is a failure.

use std::path::{Path, PathBuf};
use std::process::Command;

use niaz::domain::account::Role;
use niaz::services::accounts::{create_user_cli, create_user_cli_in};

use crate::access::PASSWORD;
use crate::fixtures::{attach_png, png_bytes, NeedBuilder, OrgBuilder};
use crate::helpers::{spawn_app, spawn_app_with, spawn_demo_app, TestApp};

/// Exact versions, so that a run today and a run next month check the same things.
const PACKAGES: &[(&str, &str)] = &[
    ("playwright-core", "1.65.1"),
    ("axe-core", "4.14.1"),
    ("vnu-jar", "26.9.27"),
];

fn suite_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("target dir")
        .join("browser-suite")
}

fn chromium() -> PathBuf {
    std::env::var_os("NIAZ_CHROMIUM")
        .map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from)
}

fn runs(program: &str, arg: &str) -> bool {
    Command::new(program)
        .arg(arg)
        .output()
        .is_ok_and(|o| o.status.success())
}

/// What the suite needs, installed where it can be; the reason when something is missing.
fn prepare(suite: &Path) -> Result<(), String> {
    if !chromium().exists() {
        return Err(format!(
            "no Chromium at {} (apt-get install chromium, or set NIAZ_CHROMIUM)",
            chromium().display()
        ));
    }
    if !runs("node", "--version") || !runs("npm", "--version") {
        return Err("no Node.js with npm".into());
    }
    if !runs("java", "-version") {
        return Err("no Java for the Nu HTML Checker".into());
    }
    std::fs::create_dir_all(suite).map_err(|e| e.to_string())?;
    let installed = |name: &str, version: &str| {
        std::fs::read_to_string(suite.join("node_modules").join(name).join("package.json"))
            .is_ok_and(|p| p.contains(&format!("\"version\": \"{version}\"")))
    };
    if !PACKAGES.iter().all(|(n, v)| installed(n, v)) {
        std::fs::write(suite.join("package.json"), "{\"private\": true}\n")
            .map_err(|e| e.to_string())?;
        let specs: Vec<String> = PACKAGES.iter().map(|(n, v)| format!("{n}@{v}")).collect();
        let out = Command::new("npm")
            .args(["install", "--no-audit", "--no-fund", "--ignore-scripts"])
            .args(&specs)
            .current_dir(suite)
            .output()
            .map_err(|e| e.to_string())?;
        if !out.status.success() {
            return Err(format!(
                "npm install {} failed: {}",
                specs.join(" "),
                String::from_utf8_lossy(&out.stderr)
            ));
        }
    }
    std::fs::write(suite.join("drawing.png"), png_bytes(64, 48)).map_err(|e| e.to_string())?;
    Ok(())
}

/// `NIAZ_JOURNEYS=visitor,buyer` runs only those journeys (while working on one).
fn wanted(name: &str) -> bool {
    std::env::var("NIAZ_JOURNEYS").map_or(true, |only| only.split(',').any(|j| j.trim() == name))
}

/// Runs one journey against `app` and panics with what the browser saw when it fails.
async fn journey(app: &TestApp, name: &str, lang: &str, fixture: serde_json::Value) {
    if !wanted(name) {
        return;
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser/journeys.mjs");
    let mut command = Command::new("node");
    command
        .arg(script)
        .env("NIAZ_BASE", &app.base)
        .env("NIAZ_DATA", app.data_dir())
        .env("NIAZ_SUITE", suite_dir())
        .env("NIAZ_CHROMIUM", chromium())
        .env("NIAZ_JOURNEY", name)
        .env("NIAZ_LANG", lang)
        .env("NIAZ_FIXTURE", fixture.to_string());
    // The server's background workers run on this thread's runtime: wait without blocking it.
    let out = actix_web::rt::task::spawn_blocking(move || command.output())
        .await
        .expect("journey thread")
        .expect("node starts");
    assert!(
        out.status.success(),
        "journey {name} ({lang}) failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    eprint!("{}", String::from_utf8_lossy(&out.stdout));
}

fn organizer(app: &TestApp) -> String {
    let email = "organizer@example.ir".to_string();
    create_user_cli(
        &mut app.db.conn().unwrap(),
        &email,
        "سازمان‌دهنده",
        Role::Organizer,
        PASSWORD,
    )
    .unwrap();
    email
}

fn buyer(app: &TestApp) -> String {
    let email = "firm@example.ir".to_string();
    create_user_cli_in(
        &mut app.db.conn().unwrap(),
        &email,
        "خریدار",
        Role::Buyer,
        PASSWORD,
        Some("ماشین‌سازی آزمون"),
    )
    .unwrap();
    email
}

fn bearing(app: &TestApp) -> i32 {
    use diesel::prelude::*;
    use niaz::db::schema::needs;
    needs::table
        .filter(needs::part_number.eq("6205-2RS"))
        .select(needs::id)
        .first(&mut *app.db.conn().unwrap())
        .unwrap()
}

async fn files_mail_app() -> TestApp {
    spawn_app_with(|c| c.mail = niaz::email::MailConfig::File(c.data_dir.join("mail"))).await
}

async fn run_journeys(lang: &str) {
    let app = spawn_demo_app().await;
    journey(
        &app,
        "visitor",
        lang,
        serde_json::json!({"bearing": bearing(&app)}),
    )
    .await;

    let app = files_mail_app().await;
    journey(&app, "buyer", lang, serde_json::json!({})).await;
    if wanted("buyer") {
        use diesel::prelude::*;
        use niaz::db::schema::{attachments, needs};
        let mut conn = app.db.conn().unwrap();
        let (id, status): (i32, String) = needs::table
            .filter(needs::part_number.eq("PC-35-52-7"))
            .select((needs::id, needs::status))
            .first(&mut *conn)
            .unwrap();
        assert_eq!(status, "pending_review");
        let files: i64 = attachments::table
            .filter(attachments::need_id.eq(id))
            .count()
            .get_result(&mut *conn)
            .unwrap();
        assert_eq!(files, 1, "the drawing chosen with the form is attached");
    }

    let app = files_mail_app().await;
    let email = organizer(&app);
    let org = OrgBuilder::new("پمپ‌سازی آزمون").insert(&app.db);
    let pending = NeedBuilder::new(org, "پروانه پمپ آب")
        .part_number("PX-4410")
        .quantity(240, 98_000, "USD")
        .status("pending_review")
        .insert(&app.db);
    attach_png(&app, pending, "pump-drawing.png", false);
    let fixture = serde_json::json!({"organizer": email, "password": PASSWORD});
    journey(&app, "organizer", lang, fixture).await;

    let app = files_mail_app().await;
    let email = organizer(&app);
    let spreadsheet = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/needs-example.csv");
    let fixture = serde_json::json!({
        "organizer": email, "password": PASSWORD,
        "spreadsheet": spreadsheet, "imported_title": "مکانیکال سیل پمپ",
    });
    journey(&app, "import", lang, fixture).await;

    let app = files_mail_app().await;
    let email = buyer(&app);
    let fixture = serde_json::json!({"buyer": email, "password": PASSWORD});
    journey(&app, "invalid", lang, fixture).await;

    let app = spawn_demo_app().await;
    let fixture = serde_json::json!({
        "buyer": buyer(&app), "organizer": organizer(&app), "password": PASSWORD,
    });
    journey(&app, "keyboard", lang, fixture).await;

    let app = files_mail_app().await;
    let agency = "customs@example.ir";
    {
        let mut conn = app.db.conn().unwrap();
        let now = chrono::Utc::now().naive_utc();
        let customs =
            niaz::db::desk::insert_agency(&mut conn, "customs", "گمرک", "Customs", now).unwrap();
        niaz::db::desk::insert_agency(&mut conn, "bank", "بانک", "Bank", now).unwrap();
        let rep =
            create_user_cli(&mut conn, agency, "نماینده گمرک", Role::Agency, PASSWORD).unwrap();
        niaz::db::desk::set_member(&mut conn, rep, customs).unwrap();
    }
    let fixture = serde_json::json!({
        "buyer": buyer(&app), "organizer": organizer(&app), "agency": agency,
        "password": PASSWORD,
    });
    journey(&app, "desk", lang, fixture).await;

    let app = spawn_app_with(|c| c.max_upload_bytes = 1024 * 1024).await;
    let fixture = serde_json::json!({
        "buyer": buyer(&app), "password": PASSWORD, "limit": 1024 * 1024,
    });
    journey(&app, "limits", lang, fixture).await;

    let app = spawn_app().await;
    let maker = "maker@example.ir";
    create_user_cli(
        &mut app.db.conn().unwrap(),
        maker,
        "سازنده آزمون",
        Role::Supplier,
        PASSWORD,
    )
    .unwrap();
    let firm = OrgBuilder::new("صنایع آزمون").insert(&app.db);
    let gear_title = "چرخ‌دنده گیربکس آسیاب";
    NeedBuilder::new(firm, gear_title)
        .material("فولاد 42CrMo4")
        .insert(&app.db);
    NeedBuilder::new(firm, "بلبرینگ ۶۲۰۵").insert(&app.db);
    app.sync();
    let fixture = serde_json::json!({
        "maker": maker, "password": PASSWORD, "gear_title": gear_title,
    });
    journey(&app, "maker", lang, fixture).await;

    let app = spawn_demo_app().await;
    let email = organizer(&app);
    let fixture = serde_json::json!({
        "organizer": email, "password": PASSWORD, "bearing": bearing(&app),
    });
    journey(&app, "screenshots", lang, fixture).await;
}

/// Runs the Nu HTML Checker over every page the journeys saved.
fn check_html(suite: &Path) {
    let jar = suite.join("node_modules/vnu-jar/build/dist/vnu.jar");
    let out = Command::new("java")
        .arg("-jar")
        .arg(jar)
        .args(["--errors-only", "--format", "gnu"])
        .arg(suite.join("html"))
        .output()
        .expect("java starts");
    assert!(
        out.status.success(),
        "the Nu HTML Checker found errors:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[actix_web::test]
async fn journeys_in_chromium() {
    let suite = suite_dir();
    if let Err(missing) = prepare(&suite) {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("the browser suite cannot run under CI: {missing}");
        }
        eprintln!("skipping the browser suite: {missing}");
        return;
    }
    let _ = std::fs::remove_dir_all(suite.join("html"));
    run_journeys("fa").await;
    run_journeys("en").await;
    check_html(&suite);
}
