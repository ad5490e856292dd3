//! One test for each hole the security audit found, and for each hardening it asked for. Each
//! fails on the code before its fix.

use std::io::{Read, Write};
use std::time::Duration;

use diesel::prelude::*;
use niaz::db::schema::{needs, organizations, users};

use crate::access::{browser_for, PASSWORD};
use crate::fixtures::{attach_png, png_bytes, NeedBuilder, OrgBuilder};
use crate::helpers::{csrf_of, spawn_app, spawn_app_with, Browser, TestApp};

fn verify_org(app: &TestApp, org: i32) {
    diesel::update(organizations::table.find(org))
        .set(organizations::verified.eq(true))
        .execute(&mut *app.db.conn().unwrap())
        .unwrap();
}

fn status_of(app: &TestApp, need: i32) -> String {
    needs::table
        .find(need)
        .select(needs::status)
        .first(&mut *app.db.conn().unwrap())
        .unwrap()
}

/// A token for a form, from a page that carries one.
async fn token(b: &mut Browser) -> String {
    let page = b.get("/account").await;
    csrf_of(&page.body)
}

// 1. The public export named anonymous firms and the organizers' references.
#[actix_web::test]
async fn public_exports_show_only_what_public_pages_show() {
    let app = spawn_app().await;
    let hidden = OrgBuilder::new("کارخانه پنهان‌کار").insert(&app.db);
    let shown = OrgBuilder::new("کارخانه آشکار").insert(&app.db);
    let anonymous = NeedBuilder::new(hidden, "یاتاقان محرمانه")
        .anonymous()
        .insert(&app.db);
    diesel::update(needs::table.find(anonymous))
        .set(needs::import_ref.eq(Some("ORG-PRIVATE-REF-7")))
        .execute(&mut *app.db.conn().unwrap())
        .unwrap();
    NeedBuilder::new(shown, "یاتاقان آشکار").insert(&app.db);
    app.sync();

    let csv = app.get("/search/export?format=csv").await;
    assert_eq!(csv.status, 200);
    assert!(
        csv.body.contains("یاتاقان محرمانه"),
        "the need itself is public"
    );
    assert!(csv.body.contains("کارخانه آشکار"));
    assert!(
        !csv.body.contains("پنهان‌کار"),
        "anonymous firm named in CSV"
    );
    assert!(
        !csv.body.contains("ORG-PRIVATE-REF-7"),
        "private reference in CSV"
    );

    let xlsx = app.get("/search/export?format=xlsx").await;
    let table = niaz::services::spreadsheet::read_xlsx(&xlsx.bytes).unwrap();
    let cells: Vec<&String> = table.rows.iter().flatten().collect();
    assert!(cells.iter().any(|c| c.as_str() == "یاتاقان محرمانه"));
    assert!(
        !cells.iter().any(|c| c.contains("پنهان‌کار")),
        "anonymous firm named in XLSX"
    );
    assert!(!cells.iter().any(|c| c.contains("ORG-PRIVATE-REF-7")));
}

// 2. Another firm's draft and confidential file names leaked through error pages.
#[actix_web::test]
async fn error_pages_never_show_another_firms_need() {
    let app = spawn_app().await;
    let org = OrgBuilder::new("کارخانه الف").insert(&app.db);
    let other = OrgBuilder::new("کارخانه ب").insert(&app.db);
    let draft = NeedBuilder::new(org, "طرح سری پمپ جدید")
        .status("draft")
        .insert(&app.db);
    attach_png(&app, draft, "secret-drawing-x9.png", true);
    let mut outsider = browser_for(&app, "buyer_other", org, other).await;
    let t = token(&mut outsider).await;
    // An invalid form: validation would fail, but authorization must come first.
    let res = outsider
        .post(
            &format!("/my/needs/{draft}/edit"),
            &[("csrf", &t), ("title", ""), ("quantity_per_year", "abc")],
        )
        .await;
    assert_eq!(res.status, 403);
    assert!(!res.body.contains("طرح سری"), "draft text leaked");
    assert!(!res.body.contains("secret-drawing-x9"), "file name leaked");
    let res = outsider
        .post_multipart(
            &format!("/my/needs/{draft}/files"),
            &[("csrf", &t)],
            ("evil.svg", b"<svg/>"),
        )
        .await;
    assert_eq!(res.status, 403);
    assert!(!res.body.contains("طرح سری") && !res.body.contains("secret-drawing-x9"));
}

/// Sends a request's head and the first bytes of a body announced as `length` bytes, and
/// returns the status line the server answers with, without sending the rest.
fn answer_before_body(base: &str, head: &str, length: u64) -> String {
    let addr = base.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let request = format!(
        "{head}Host: {addr}\r\nContent-Type: multipart/form-data; boundary=xyz\r\nContent-Length: {length}\r\nConnection: close\r\n\r\n--xyz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).unwrap();
    stream.write_all(&vec![0u8; 64 * 1024]).unwrap();
    let mut buf = [0u8; 512];
    let n = stream.read(&mut buf).unwrap_or(0);
    String::from_utf8_lossy(&buf[..n])
        .lines()
        .next()
        .unwrap_or("")
        .to_string()
}

// 3. Multipart bodies were read in full before any check.
#[actix_web::test]
async fn bodies_are_refused_before_they_are_read() {
    let app = spawn_app().await;
    let org = OrgBuilder::new("کارخانه الف").insert(&app.db);
    let need = NeedBuilder::new(org, "نیاز").insert(&app.db);
    let base = app.base.clone();
    // A visitor announcing a gigabyte: refused at once, not after reading it.
    let line = actix_web::rt::task::spawn_blocking(move || {
        answer_before_body(
            &base,
            &format!("POST /my/needs/{need}/files?csrf=nothing HTTP/1.1\r\n"),
            1_000_000_000,
        )
    })
    .await
    .unwrap();
    assert!(line.contains("403"), "{line}");

    // The firm itself, with its token: the announced size is over the bound, so 413 at once.
    let mut owner = browser_for(&app, "buyer", org, org).await;
    let t = token(&mut owner).await;
    let cookies: String = owner
        .cookies
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ");
    let base = app.base.clone();
    let line = actix_web::rt::task::spawn_blocking(move || {
        answer_before_body(
            &base,
            &format!("POST /my/needs/{need}/files?csrf={t} HTTP/1.1\r\nCookie: {cookies}\r\nOrigin: {base}\r\n"),
            1_000_000_000,
        )
    })
    .await
    .unwrap();
    assert!(line.contains("413"), "{line}");

    // Many fields are refused, whatever their size.
    let t = token(&mut owner).await;
    let fields: Vec<(String, String)> = (0..50).map(|i| (format!("f{i}"), "x".into())).collect();
    let mut form: Vec<(&str, &str)> = vec![("csrf", &t)];
    form.extend(fields.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let res = owner
        .post_multipart(
            &format!("/my/needs/{need}/files"),
            &form,
            ("a.png", &png_bytes(4, 4)),
        )
        .await;
    assert_eq!(res.status, 400);
    assert_eq!(app.get("/healthz").await.status, 200);
}

fn workbook(cells: &[(u32, u16, &str)]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in niaz::services::spreadsheet::COLUMNS.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for (r, c, v) in cells {
        sheet.write_string(*r, *c, *v).unwrap();
    }
    book.save_to_buffer().unwrap()
}

// 4. One far-away cell made the reader allocate the whole sheet and abort the server.
#[actix_web::test]
async fn a_crafted_workbook_gets_an_error_not_an_abort() {
    use niaz::services::spreadsheet::{read_bytes, ReadError, SheetLimits};
    let far_column = workbook(&[(1, 0, "ref-1"), (1_048_575, 16_383, "x")]);
    assert!(far_column.len() < 10_000, "the crafted file is small");
    let limits = SheetLimits::default();
    assert!(matches!(
        read_bytes(&far_column, None, &limits),
        Err(ReadError::Limit("error.sheet_too_many_columns", _))
    ));
    let far_row = workbook(&[(1_048_575, 0, "x")]);
    assert!(matches!(
        read_bytes(&far_row, None, &limits),
        Err(ReadError::Limit("error.sheet_too_many_rows", _))
    ));
    // A workbook that unpacks to much more than it weighs.
    let big = "ب".repeat(30_000);
    // Distinct texts, or the workbook's shared-string table would keep one copy.
    let texts: Vec<String> = (1..80).map(|r| format!("{r}{big}")).collect();
    let cells: Vec<(u32, u16, &str)> = texts
        .iter()
        .enumerate()
        .map(|(r, t)| (r as u32 + 1, 4, t.as_str()))
        .collect();
    let bomb = workbook(&cells);
    assert!(bomb.len() < 1024 * 1024, "small packed: {}", bomb.len());
    let small = SheetLimits {
        max_unpacked_bytes: 1024 * 1024,
        ..SheetLimits::default()
    };
    assert!(matches!(
        read_bytes(&bomb, None, &small),
        Err(ReadError::Limit("error.sheet_too_large_unpacked", _))
    ));

    // Through the organizers' upload: a clear message, and the server keeps serving.
    let app = spawn_app().await;
    let mut staff = browser_for(&app, "organizer", 0, 0).await;
    let page = staff.get("/admin/import").await;
    let res = staff
        .post_multipart(
            "/admin/import",
            &[("csrf", &csrf_of(&page.body)), ("status", "published")],
            ("needs.xlsx", &far_column),
        )
        .await;
    assert_eq!(res.status, 400);
    assert!(res.body.contains("۶۴ ستون"), "names the problem");
    assert_eq!(app.get("/healthz").await.status, 200);
}

// 5. A small file declaring a huge canvas cost gigabytes to decode.
#[actix_web::test]
async fn images_are_measured_before_they_are_decoded() {
    let app = spawn_app_with(|c| c.max_image_pixels = 1_000_000).await;
    let org = OrgBuilder::new("کارخانه الف").insert(&app.db);
    let need = NeedBuilder::new(org, "نیاز")
        .status("draft")
        .insert(&app.db);
    let mut owner = browser_for(&app, "buyer", org, org).await;
    let big = png_bytes(2_000, 1_000);
    let t = token(&mut owner).await;
    let res = owner
        .post_multipart(
            &format!("/my/needs/{need}/files"),
            &[("csrf", &t), ("visibility", "public")],
            ("big.png", &big),
        )
        .await;
    assert_eq!(res.status, 400);
    assert!(res.body.contains("تصویر بیش از حد بزرگ است"));
    let t = token(&mut owner).await;
    let res = owner
        .post_multipart(
            &format!("/my/needs/{need}/files"),
            &[("csrf", &t), ("visibility", "public")],
            ("fine.png", &png_bytes(800, 600)),
        )
        .await;
    assert_eq!(res.status, 303);
}

// 6. An expired need edited and renewed went public unreviewed; localized needs stayed
// editable.
#[actix_web::test]
async fn changed_text_never_goes_public_without_review() {
    let app = spawn_app().await;
    let org = OrgBuilder::new("کارخانه الف").insert(&app.db);
    let expired = NeedBuilder::new(org, "پمپ قدیمی")
        .status("expired")
        .insert(&app.db);
    let localized = NeedBuilder::new(org, "قطعه بومی‌شده")
        .status("localized")
        .insert(&app.db);
    let mut owner = browser_for(&app, "buyer", org, org).await;

    let t = token(&mut owner).await;
    let res = owner
        .post(
            &format!("/my/needs/{expired}/edit"),
            &[("csrf", &t), ("title", "WIN A PRIZE متن تازه بررسی‌نشده")],
        )
        .await;
    assert_eq!(res.status, 303);
    assert_eq!(
        status_of(&app, expired),
        "draft",
        "an edited expired need is a draft"
    );
    let res = owner
        .post(&format!("/my/needs/{expired}/renew"), &[("csrf", &t)])
        .await;
    assert_eq!(res.status, 409, "a draft is not renewed into the catalogue");
    assert_eq!(app.get(&format!("/needs/{expired}")).await.status, 404);

    // A minor change of an expired need keeps it renewable.
    let other = NeedBuilder::new(org, "شیر قدیمی")
        .status("expired")
        .insert(&app.db);
    let res = owner
        .post(
            &format!("/my/needs/{other}/edit"),
            &[
                ("csrf", &t),
                ("title", "شیر قدیمی"),
                ("quantity_per_year", "40"),
            ],
        )
        .await;
    assert_eq!(res.status, 303);
    assert_eq!(status_of(&app, other), "expired");

    for (path, multipart) in [
        (format!("/my/needs/{localized}/edit"), false),
        (format!("/my/needs/{localized}/files"), true),
    ] {
        let res = if multipart {
            owner
                .post_multipart(&path, &[("csrf", &t)], ("a.png", &png_bytes(4, 4)))
                .await
        } else {
            owner
                .post(&path, &[("csrf", &t), ("title", "متن تازه")])
                .await
        };
        assert_eq!(res.status, 409, "{path}");
    }
    assert_eq!(status_of(&app, localized), "localized");
}

// 7. One huge quantity turned the home page into an error for everyone.
#[actix_web::test]
async fn huge_numbers_are_refused_and_totals_cannot_overflow() {
    let app = spawn_app().await;
    let org = OrgBuilder::new("کارخانه الف").insert(&app.db);
    let need = NeedBuilder::new(org, "پیچ").insert(&app.db);
    // Values stored before the bounds existed still must not break the figures.
    NeedBuilder::new(org, "مهره ۱")
        .quantity(1, i64::MAX, "IRR")
        .insert(&app.db);
    NeedBuilder::new(org, "مهره ۲")
        .quantity(1, i64::MAX, "IRR")
        .insert(&app.db);
    assert_eq!(app.get("/").await.status, 200);

    let mut owner = browser_for(&app, "buyer", org, org).await;
    let t = token(&mut owner).await;
    let res = owner
        .post(
            &format!("/my/needs/{need}/edit"),
            &[
                ("csrf", &t),
                ("title", "پیچ"),
                ("quantity_per_year", "9223372036854775807"),
            ],
        )
        .await;
    assert_eq!(res.status, 400);
    assert!(res.body.contains("عدد بیش از حد بزرگ است"));
    let res = owner
        .post(
            &format!("/my/needs/{need}/edit"),
            &[
                ("csrf", &t),
                ("title", "پیچ"),
                ("unit_price", "99999999999999999"),
                ("currency", "IRR"),
            ],
        )
        .await;
    assert_eq!(res.status, 400);
    assert_eq!(app.get("/").await.status, 200);
}

// 9. `next` led off the site, or to a 500.
#[actix_web::test]
async fn next_paths_never_leave_the_site() {
    let app = spawn_app().await;
    create(
        &app,
        "maryam@example.ir",
        niaz::domain::account::Role::Supplier,
    );
    for next in [
        "/\t/evil.example",
        "/\\evil.example",
        "//evil.example",
        "/\n",
        "/\r\n/x",
        "/\u{b}",
    ] {
        let mut b = app.browser();
        let res = b
            .submit(
                "/login",
                "/login",
                &[
                    ("email", "maryam@example.ir"),
                    ("password", PASSWORD),
                    ("next", next),
                ],
            )
            .await;
        assert_eq!(res.status, 303, "{next:?}");
        assert_eq!(
            res.header("location").as_deref(),
            Some("/account"),
            "{next:?}"
        );
        let res = b.post("/lang", &[("lang", "en"), ("next", next)]).await;
        assert_eq!(res.header("location").as_deref(), Some("/"), "{next:?}");
    }
    let page = app.get("/login?next=%0a").await;
    assert_eq!(page.status, 200);
    let page = app.get("/login?next=/%09/evil.example").await;
    assert!(
        !page.body.contains("\t/evil.example") && !page.body.contains("&#9;/evil.example"),
        "the unsafe next is not carried into the form"
    );
}

// 10. CSV cells starting with = + - @ went out raw.
#[actix_web::test]
async fn csv_exports_neutralize_formulas_and_import_back_exactly() {
    let app = spawn_app().await;
    let org = OrgBuilder::new("کارخانه الف").insert(&app.db);
    NeedBuilder::new(org, "=HYPERLINK(\"http://evil.example\",\"click\")")
        .brand("@SUM(1+1)")
        .description("-2+3")
        .insert(&app.db);
    app.sync();
    let csv = app.get("/search/export?format=csv").await;
    assert!(csv.body.contains("'=HYPERLINK"), "{}", csv.body);
    assert!(csv.body.contains("'@SUM(1+1)"));
    assert!(csv.body.contains("'-2+3"));
    let table = niaz::services::spreadsheet::read_csv(&niaz::services::spreadsheet::decode(
        &csv.bytes, None,
    ))
    .unwrap();
    let row = &table.rows[0];
    assert!(row
        .iter()
        .any(|c| c == "=HYPERLINK(\"http://evil.example\",\"click\")"));
    assert!(row.iter().any(|c| c == "@SUM(1+1)"));
    for cell in [
        "=1", "'=1", "''=1", "'plain", "+98", "-", "@", "\tx", "\rx", "normal",
    ] {
        let n = niaz::services::spreadsheet::neutralize(cell);
        assert!(!n.starts_with(['=', '+', '-', '@', '\t', '\r']), "{cell:?}");
        assert_eq!(niaz::services::spreadsheet::restore(&n), cell);
    }
}

fn create(app: &TestApp, email: &str, role: niaz::domain::account::Role) -> i32 {
    niaz::services::accounts::create_user_cli(
        &mut app.db.conn().unwrap(),
        email,
        "کاربر",
        role,
        PASSWORD,
    )
    .unwrap()
}

// 11. Invitations could be sent by the thousand, with the inviter's words in Niaz's voice.
#[actix_web::test]
async fn invitations_are_limited_and_speak_only_as_niaz() {
    let app = spawn_app().await;
    let org = OrgBuilder::new("کارخانه الف").insert(&app.db);
    verify_org(&app, org);
    let mut buyer = browser_for(&app, "buyer", org, org).await;
    diesel::update(users::table.filter(users::email.eq("buyer@example.ir")))
        .set(users::name.eq("WIN A PRIZE: visit http://spam.example"))
        .execute(&mut *app.db.conn().unwrap())
        .unwrap();
    let mut statuses = Vec::new();
    for i in 0..8 {
        let res = buyer
            .submit(
                "/account",
                "/account/invite",
                &[("email", &format!("c{i}@example.ir"))],
            )
            .await;
        statuses.push(res.status.as_u16());
    }
    assert_eq!(statuses, [303, 303, 303, 303, 303, 429, 429, 429]);
    let mail = app.drain_mail().await;
    let invites: Vec<_> = mail.iter().filter(|m| m.to.starts_with('c')).collect();
    assert_eq!(invites.len(), 5);
    for m in invites {
        assert!(!m.text.contains("WIN A PRIZE") && !m.text.contains("spam.example"));
        assert!(!m.subject.contains("WIN A PRIZE"));
        assert!(
            m.text.contains("کارخانه الف"),
            "the verified firm's registered name"
        );
    }
    // A supplier has no firm to invite into.
    let mut supplier = browser_for(&app, "supplier", org, org).await;
    let res = supplier
        .submit("/account", "/account/invite", &[("email", "x@example.ir")])
        .await;
    assert_eq!(res.status, 403);
}

// Hardening: guessing the second factor locks the second step, never the password login.
#[actix_web::test]
async fn wrong_codes_lock_the_second_step_with_back_off() {
    let app = spawn_app().await;
    let id = create(
        &app,
        "kian@example.ir",
        niaz::domain::account::Role::Supplier,
    );
    let secret = niaz::auth::totp::new_secret();
    niaz::db::accounts::set_totp(&mut app.db.conn().unwrap(), id, Some(&secret), true).unwrap();
    let mut b = app.browser();
    let res = b
        .submit(
            "/login",
            "/login",
            &[("email", "kian@example.ir"), ("password", PASSWORD)],
        )
        .await;
    assert!(res.header("location").unwrap().starts_with("/login/2fa"));
    for i in 1..=niaz::services::accounts::SECOND_FACTOR_FREE_TRIES {
        let res = b
            .submit("/login/2fa", "/login/2fa", &[("code", "000001")])
            .await;
        assert_eq!(res.status, 400);
        // The fifth wrong code engages the lock and says so, as the README does.
        assert_eq!(
            res.body.contains("کمی بعد"),
            i == niaz::services::accounts::SECOND_FACTOR_FREE_TRIES,
            "wrong code {i}"
        );
    }
    let good = niaz::auth::totp::current(&secret).unwrap();
    let res = b
        .submit("/login/2fa", "/login/2fa", &[("code", &good)])
        .await;
    assert_eq!(res.status, 400, "locked: even the right code waits");
    assert!(res.body.contains("کمی بعد"));
    // The password step is not locked: whoever knows the password still reaches step two.
    let mut other = app.browser();
    let res = other
        .submit(
            "/login",
            "/login",
            &[("email", "kian@example.ir"), ("password", PASSWORD)],
        )
        .await;
    assert!(res.header("location").unwrap().starts_with("/login/2fa"));
    let lock = niaz::services::accounts::second_factor_lock;
    assert_eq!(lock(4), None);
    assert_eq!(lock(5).unwrap().num_seconds(), 30);
    assert_eq!(lock(6).unwrap().num_seconds(), 60);
    assert_eq!(lock(40).unwrap().num_seconds(), 3600);
}

fn link_token(text: &str) -> String {
    let start = text.find("token=").unwrap() + "token=".len();
    text[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect()
}

// Hardening: a newer reset link, or a new password, makes older links useless.
#[actix_web::test]
async fn new_reset_links_and_passwords_revoke_the_old_links() {
    let app = spawn_app().await;
    create(
        &app,
        "sara@example.ir",
        niaz::domain::account::Role::Supplier,
    );
    let mut b = app.browser();
    for _ in 0..2 {
        b.submit(
            "/password/forgot",
            "/password/forgot",
            &[("email", "sara@example.ir")],
        )
        .await;
    }
    let mail = app.drain_mail().await;
    let tokens: Vec<String> = mail.iter().map(|m| link_token(&m.text)).collect();
    assert_eq!(tokens.len(), 2);
    let new_password = "a brand new long passphrase";
    let page = b.get(&format!("/password/reset?token={}", tokens[0])).await;
    assert!(
        !page.body.contains("name=\"password\""),
        "the old link shows no form"
    );
    let t = csrf_of(&b.get("/password/forgot").await.body);
    let old = b
        .post(
            "/password/reset",
            &[
                ("csrf", &t),
                ("token", &tokens[0]),
                ("password", new_password),
            ],
        )
        .await;
    assert_eq!(old.status, 409, "the older link is revoked");
    let new = b
        .post(
            "/password/reset",
            &[
                ("csrf", &t),
                ("token", &tokens[1]),
                ("password", new_password),
            ],
        )
        .await;
    assert_eq!(new.status, 303);
}

// Hardening: opening the login form wrote a session row; ended sessions were never deleted.
#[actix_web::test]
async fn visitors_write_no_sessions_and_ended_ones_are_swept() {
    let app = spawn_app().await;
    let count = || niaz::db::accounts::count_sessions(&mut app.db.conn().unwrap()).unwrap();
    for _ in 0..10 {
        assert_eq!(app.get("/login").await.status, 200);
    }
    assert_eq!(count(), 0, "cookie-less form pages write nothing");
    let old = chrono::Utc::now().naive_utc() - chrono::Duration::days(30);
    niaz::db::accounts::insert_session(
        &mut app.db.conn().unwrap(),
        &niaz::db::models::SessionRow {
            id_hash: "a".repeat(64),
            user_id: None,
            pending_user_id: None,
            csrf_token: "b".repeat(64),
            created_at: old,
            last_seen_at: old,
            expires_at: old + chrono::Duration::days(7),
        },
    )
    .unwrap();
    assert_eq!(count(), 1);
    let swept = niaz::jobs::run_housekeeping_once(&app.state).await.unwrap();
    assert_eq!(swept.sessions, 1);
    assert_eq!(count(), 0);
}

// Hardening: sent mail kept its links forever; import uploads were never removed.
#[actix_web::test]
async fn old_mail_and_unconfirmed_imports_are_swept() {
    let app = spawn_app().await;
    let mut b = app.browser();
    b.submit(
        "/signup",
        "/signup",
        &[
            ("role", "supplier"),
            ("name", "نام"),
            ("email", "n@example.ir"),
            ("password", PASSWORD),
        ],
    )
    .await;
    assert_eq!(app.drain_mail().await.len(), 1);
    {
        use niaz::db::schema::outbox;
        let month_ago = chrono::Utc::now().naive_utc() - chrono::Duration::days(30);
        diesel::update(outbox::table)
            .set(outbox::sent_at.eq(Some(month_ago)))
            .execute(&mut *app.db.conn().unwrap())
            .unwrap();
    }
    let dir = app.state.config.data_dir.join("imports");
    std::fs::create_dir_all(&dir).unwrap();
    let stale = dir.join("a".repeat(64));
    let fresh = dir.join("b".repeat(64));
    std::fs::write(&stale, b"ref,title").unwrap();
    std::fs::write(&fresh, b"ref,title").unwrap();
    std::fs::File::options()
        .write(true)
        .open(&stale)
        .unwrap()
        .set_modified(std::time::SystemTime::now() - Duration::from_secs(2 * 86_400))
        .unwrap();
    let swept = niaz::jobs::run_housekeeping_once(&app.state).await.unwrap();
    assert_eq!(swept.mails, 1);
    assert_eq!(swept.import_files, 1);
    assert!(niaz::db::outbox::all(&mut app.db.conn().unwrap())
        .unwrap()
        .is_empty());
    assert!(!stale.exists() && fresh.exists());
}

// Hardening: confidential files were cacheable for an hour.
#[actix_web::test]
async fn confidential_files_are_never_cached() {
    let app = spawn_app().await;
    let org = OrgBuilder::new("کارخانه الف").insert(&app.db);
    let need = NeedBuilder::new(org, "نیاز").insert(&app.db);
    let public = attach_png(&app, need, "p.png", false);
    let secret = attach_png(&app, need, "s.png", true);
    let mut owner = browser_for(&app, "buyer", org, org).await;
    let res = owner.get(&format!("/files/{secret}/full")).await;
    assert_eq!(res.status, 200);
    assert_eq!(
        res.header("cache-control").as_deref(),
        Some("private, no-store")
    );
    let res = app.get(&format!("/files/{public}/full")).await;
    assert_eq!(
        res.header("cache-control").as_deref(),
        Some("private, max-age=3600")
    );
}

// Hardening: a database error while loading the session was taken for "signed out".
#[actix_web::test]
async fn a_database_error_is_an_error_not_a_sign_out() {
    let app = spawn_app().await;
    let mut b = browser_for(&app, "supplier", 0, 0).await;
    assert_eq!(b.get("/account").await.status, 200);
    diesel::sql_query("DROP TABLE sessions")
        .execute(&mut *app.db.conn().unwrap())
        .unwrap();
    let res = b.get("/account").await;
    assert_eq!(res.status, 500, "not a redirect to the login form");
    assert!(
        res.body.contains("خطایی در سرور رخ داد"),
        "the error page, translated"
    );
}

/// Whether a text holds something shaped like an email address.
fn has_email(text: &str) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        if *c != '@' || i == 0 {
            continue;
        }
        let word = |c: &char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '+');
        let local: String = chars[..i].iter().rev().take_while(|c| word(c)).collect();
        let domain: String = chars[i + 1..].iter().take_while(|c| word(c)).collect();
        if !local.is_empty() && domain.contains('.') && !domain.starts_with('.') {
            return Some(format!(
                "{}@{domain}",
                local.chars().rev().collect::<String>()
            ));
        }
    }
    None
}

/// The digits of a phone number, in any digit system, without separators.
fn digits(text: &str) -> String {
    niaz::domain::codes::digits_to_latin(text)
        .chars()
        .filter(char::is_ascii_digit)
        .collect()
}

// Every public page, API answer and export of a populated site: no email address, no phone
// number or street address of any firm or user, and no name of a firm that posts anonymously.
#[actix_web::test]
async fn a_populated_site_reveals_no_contact_and_no_anonymous_firm() {
    let app = crate::helpers::spawn_demo_app().await;
    let mut conn = app.db.conn().unwrap();
    let orgs: Vec<(i32, String, String, String)> = organizations::table
        .select((
            organizations::id,
            organizations::name,
            organizations::phone,
            organizations::address,
        ))
        .load(&mut *conn)
        .unwrap();
    let public: Vec<(i32, i32, bool)> = needs::table
        .filter(needs::status.eq_any(["published", "in_talks", "localized"]))
        .select((needs::id, needs::organization_id, needs::anonymous))
        .load(&mut *conn)
        .unwrap();
    drop(conn);
    // Firms all of whose public needs are anonymous: their names may appear nowhere.
    let hidden: Vec<&str> = orgs
        .iter()
        .filter(|(id, ..)| {
            let theirs: Vec<_> = public.iter().filter(|(_, o, _)| o == id).collect();
            !theirs.is_empty() && theirs.iter().all(|(_, _, anon)| *anon)
        })
        .map(|(_, name, ..)| name.as_str())
        .collect();
    assert!(!hidden.is_empty(), "the demo has anonymous firms to hide");
    let phones: Vec<String> = orgs
        .iter()
        .map(|(_, _, p, _)| digits(p))
        .filter(|d| d.len() >= 7)
        .collect();
    let addresses: Vec<&str> = orgs
        .iter()
        .map(|(.., a)| a.as_str())
        .filter(|a| !a.is_empty())
        .collect();
    assert!(
        !phones.is_empty() && !addresses.is_empty(),
        "the demo has contacts to hide"
    );

    let mut paths: Vec<String> = vec![
        "/".into(),
        "/about".into(),
        "/search?q=".into(),
        "/search?q=%D9%BE%D9%85%D9%BE".into(),
        "/api/v1/needs?limit=100".into(),
        "/api/v1/suggest?q=%D9%BE".into(),
        "/search/export?format=csv".into(),
        "/search/export?format=xlsx".into(),
    ];
    for page in 1..=2 {
        paths.push(format!("/suppliers?page={page}"));
    }
    let makers: Vec<i32> = niaz::db::schema::supplier_profiles::table
        .select(niaz::db::schema::supplier_profiles::user_id)
        .load(&mut *app.db.conn().unwrap())
        .unwrap();
    assert!(makers.len() >= 30);
    for id in makers {
        paths.push(format!("/suppliers/{id}"));
    }
    for page in 1..=6 {
        paths.push(format!("/needs?page={page}"));
        paths.push(format!("/search?q=&page={page}"));
        paths.push(format!("/api/v1/needs?limit=20&page={page}"));
    }
    for (id, ..) in &public {
        paths.push(format!("/needs/{id}"));
        paths.push(format!("/api/v1/needs/{id}"));
    }
    for (id, ..) in &orgs {
        paths.push(format!("/firms/{id}"));
    }
    let mut problems = Vec::new();
    for path in &paths {
        for lang in [None, Some("lang=en")] {
            let page = app.get_with_cookie(path, lang).await;
            if page.status != 200 && page.status != 404 {
                problems.push(format!("{path}: status {}", page.status));
                continue;
            }
            let text = if path.contains("xlsx") {
                let table = niaz::services::spreadsheet::read_xlsx(&page.bytes).unwrap();
                table.rows.concat().join("\n")
            } else {
                page.body.clone()
            };
            if let Some(e) = has_email(&text) {
                problems.push(format!("{path}: email {e}"));
            }
            let all_digits = digits(&text);
            for p in &phones {
                if all_digits.contains(p.as_str()) && text.contains(&p[p.len() - 4..]) {
                    problems.push(format!("{path}: phone {p}"));
                }
            }
            for a in &addresses {
                if text.contains(a) {
                    problems.push(format!("{path}: address {a}"));
                }
            }
            for name in &hidden {
                if text.contains(name) {
                    problems.push(format!("{path}: anonymous firm {name}"));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
