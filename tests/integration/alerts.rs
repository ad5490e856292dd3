//! Alerts: saved searches, profile matches, the daily cap, digests once per period,
//! one-click unsubscribe and Atom feeds.

use diesel::prelude::*;
use niaz::db::schema::{alerts, outbox, saved_searches, users};

use crate::access::browser_for;
use crate::fixtures::{NeedBuilder, OrgBuilder};
use crate::helpers::{spawn_app, spawn_app_with, spawn_demo_app, Browser, TestApp};

const MAKER: &str = "supplier@example.ir";

/// A maker with a profile about water pumps, signed in.
async fn pump_maker(app: &TestApp) -> Browser {
    let mut maker = browser_for(app, "supplier", 0, 0).await;
    let res = maker
        .submit(
            "/account/profile",
            "/account/profile",
            &[
                ("summary", "ساخت پروانه پمپ آب و بدنه چدنی پمپ"),
                ("processes", "sand_casting"),
                ("city", "تبریز"),
                ("materials", "چدن"),
            ],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    maker
}

async fn save_search(maker: &mut Browser, query: &str, frequency: &str) {
    let res = maker
        .submit(
            &format!("/search?{query}"),
            "/alerts",
            &[("query", query), ("name", ""), ("frequency", frequency)],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
}

/// Publishes a need (as an organizer's approval would) and lets the index take it.
fn publish(app: &TestApp, org: i32, title: &str, material: &str) -> i32 {
    publish_in(app, org, title, material, "machined-parts")
}

fn publish_in(app: &TestApp, org: i32, title: &str, material: &str, category: &str) -> i32 {
    let category = app
        .state
        .categories
        .iter()
        .find(|c| c.slug == category)
        .unwrap()
        .id;
    let id = NeedBuilder::new(org, title)
        .material(material)
        .category(category)
        .insert(&app.db);
    app.sync();
    id
}

async fn run_alerts(app: &TestApp) -> usize {
    niaz::jobs::run_alerts_once(&app.state).await.unwrap().1
}

fn mail_to(mail: &[niaz::email::SentMail], to: &str) -> Vec<niaz::email::SentMail> {
    mail.iter().filter(|m| m.to == to).cloned().collect()
}

fn path_of(url: &str) -> String {
    url.splitn(4, '/').nth(3).map(|p| format!("/{p}")).unwrap()
}

#[actix_web::test]
async fn a_saved_search_and_a_profile_bring_each_matching_need_once() {
    let app = spawn_app().await;
    run_alerts(&app).await; // the matcher starts from the catalogue as it is
    let mut maker = pump_maker(&app).await;
    save_search(
        &mut maker,
        "q=%D8%A8%D9%84%D8%A8%D8%B1%DB%8C%D9%86%DA%AF",
        "instant",
    )
    .await; // بلبرینگ
    let org = OrgBuilder::new("صنایع آزمون").insert(&app.db);
    let bearing = publish_in(&app, org, "بلبرينگ شیار عمیق 6205", "فولاد", "bearings");
    let impeller = publish_in(&app, org, "پروانه پمپ آب", "چدن", "pumps");
    let panel = publish_in(&app, org, "تابلو برق فرمان", "ورق فولادی", "switchgear");
    run_alerts(&app).await;
    let mail = mail_to(&app.drain_mail().await, MAKER);
    let subjects: Vec<String> = mail
        .iter()
        .map(|m| crate::helpers::plain(&m.subject))
        .collect();
    assert!(
        mail.iter()
            .any(|m| m.subject.contains("\u{2066}6205\u{2069}")),
        "the part number in a title reads left to right: {subjects:?}"
    );
    assert_eq!(mail.len(), 2, "{subjects:?}");
    assert!(
        subjects.contains(&"نیازی که شاید بتوانید بسازید: پروانه پمپ آب".to_string()),
        "the profile's match: {subjects:?}"
    );
    assert!(
        subjects.contains(&"نیاز تازه: بلبرينگ شیار عمیق 6205".to_string()),
        "{subjects:?}"
    );
    assert!(
        !subjects.iter().any(|s| s.contains("تابلو")),
        "{subjects:?}"
    );
    for m in &mail {
        let url = m.unsubscribe.as_deref().expect("an unsubscribe link");
        assert!(url.contains("/unsubscribe?token="), "{url}");
        assert!(m.text.contains(url) && m.html.contains("/unsubscribe?token="));
    }
    assert!(mail
        .iter()
        .any(|m| m.text.contains(&format!("/needs/{bearing}"))));
    assert!(mail
        .iter()
        .any(|m| m.text.contains(&format!("/needs/{impeller}"))));
    assert!(!mail
        .iter()
        .any(|m| m.text.contains(&format!("/needs/{panel}"))));

    // Published again after a review, matched again: never announced twice.
    {
        let mut conn = app.db.conn().unwrap();
        use niaz::domain::need::NeedEvent;
        let edit = NeedEvent::Edited {
            significant: true,
            by_staff: false,
            submit: true,
        };
        niaz::services::need_status::apply(&mut conn, bearing, edit).unwrap();
        niaz::services::need_status::apply(&mut conn, bearing, NeedEvent::Approved).unwrap();
    }
    app.sync();
    run_alerts(&app).await;
    assert!(
        mail_to(&app.drain_mail().await, MAKER).len() == 2,
        "no second mail"
    );
    let rows: i64 = alerts::table
        .count()
        .get_result(&mut app.db.conn().unwrap())
        .unwrap();
    assert_eq!(rows, 2);
}

#[actix_web::test]
async fn one_click_unsubscribe_works_from_a_mail_client_and_from_the_link() {
    let app = spawn_app().await;
    run_alerts(&app).await;
    let mut maker = pump_maker(&app).await;
    save_search(&mut maker, "q=%D8%B4%DB%8C%D8%B1", "instant").await; // شیر
    let org = OrgBuilder::new("صنایع آزمون").insert(&app.db);
    publish(&app, org, "شیر کشویی چدنی", "چدن");
    run_alerts(&app).await;
    let mail = mail_to(&app.drain_mail().await, MAKER);
    assert_eq!(
        mail.len(),
        1,
        "one need, one mail, whichever way it matched"
    );
    let url = mail[0].unsubscribe.clone().unwrap();
    let path = path_of(&url);

    // A mail client's RFC 8058 POST: no cookie, no CSRF token, the body it always sends.
    let res = app
        .post_form(&path, &[("List-Unsubscribe", "One-Click")])
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert!(res.body.contains("خاموش شد"), "says what was turned off");
    let paused: Vec<bool> = saved_searches::table
        .select(saved_searches::paused)
        .load(&mut app.db.conn().unwrap())
        .unwrap();
    assert_eq!(paused, [true]);

    // The link opened in a browser changes nothing until the button; undo turns it back on.
    let page = app.get(&path).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("لغو اشتراک"));
    let undo = app
        .post_form(&path.replace("/unsubscribe?", "/unsubscribe/undo?"), &[])
        .await;
    assert_eq!(undo.status, 200);
    assert!(undo.body.contains("دوباره روشن شد"));
    let paused: Vec<bool> = saved_searches::table
        .select(saved_searches::paused)
        .load(&mut app.db.conn().unwrap())
        .unwrap();
    assert_eq!(paused, [false]);

    // Tampered and expired links get a clear page, never a 500.
    // (Mail links carry the reader's language after the token.)
    let mut tampered = path.split('&').next().unwrap().to_string();
    let last = tampered.pop().unwrap();
    tampered.push(if last == '0' { '1' } else { '0' });
    for p in [
        tampered.clone(),
        "/unsubscribe?token=".into(),
        "/unsubscribe?token=1.x.y.z".into(),
    ] {
        let page = app.get(&p).await;
        assert_eq!(page.status, 409, "{p}");
        assert!(page.body.contains("این پیوند معتبر نیست"), "{p}");
        assert_eq!(app.post_form(&p, &[]).await.status, 409);
    }
    let user = niaz::db::accounts::find_user_by_email(&mut app.db.conn().unwrap(), MAKER)
        .unwrap()
        .unwrap();
    let old = app.state.links.sign(
        user.id,
        "matches",
        chrono::Utc::now() - chrono::Duration::days(1),
    );
    let page = app.get(&format!("/unsubscribe?token={old}")).await;
    assert_eq!(page.status, 409);
    assert!(page.body.contains("منقضی"), "{}", page.body);

    // The profile's match mails are turned off by their own link.
    let matches = niaz::services::alerts::unsubscribe_url(
        &app.state.links,
        "",
        user.id,
        niaz::domain::alerts::Unsubscribe::Matches,
        chrono::Utc::now(),
    );
    assert_eq!(app.post_form(&matches, &[]).await.status, 200);
    let on: bool = users::table
        .find(user.id)
        .select(users::notify_alerts)
        .first(&mut app.db.conn().unwrap())
        .unwrap();
    assert!(!on);
}

#[actix_web::test]
async fn the_daily_cap_holds_and_the_rest_come_in_one_digest_per_period() {
    let app = spawn_app_with(|c| c.alerts_per_day = 2).await;
    run_alerts(&app).await;
    let mut maker = pump_maker(&app).await;
    save_search(&mut maker, "q=%D8%A8%D9%88%D8%B4", "instant").await; // بوش
    let org = OrgBuilder::new("صنایع آزمون").insert(&app.db);
    for i in 1..=5 {
        publish(&app, org, &format!("بوش برنجی شماره {i}"), "برنج");
    }
    run_alerts(&app).await;
    let mail = mail_to(&app.drain_mail().await, MAKER);
    assert_eq!(mail.len(), 2, "two a day");

    // The rest wait for the daily digest at its hour, not a minute later.
    let now = chrono::Utc::now();
    assert_eq!(
        niaz::jobs::run_digests_once(&app.state, now).await.unwrap(),
        0,
        "capped alerts are not sent at once as a digest"
    );
    let now = crate::helpers::after_next_digest(&app, now);
    assert_eq!(
        niaz::jobs::run_digests_once(&app.state, now).await.unwrap(),
        1
    );
    assert_eq!(
        niaz::jobs::run_digests_once(&app.state, now).await.unwrap(),
        0
    );
    let mail = mail_to(&app.drain_mail().await, MAKER);
    let digest: Vec<_> = mail.iter().filter(|m| m.subject.contains("خلاصه")).collect();
    assert_eq!(digest.len(), 1);
    assert_eq!(
        digest[0].text.matches("/needs/").count(),
        3,
        "{}",
        digest[0].text
    );
    assert!(digest[0].unsubscribe.is_some());
    // Nothing new: no digest the next day either.
    let tomorrow = now + chrono::Duration::days(1);
    assert_eq!(
        niaz::jobs::run_digests_once(&app.state, tomorrow)
            .await
            .unwrap(),
        0
    );
}

/// `n` verified makers, each with one announcement of `need` waiting for the daily digest
/// since the day before yesterday (so it is due at any hour).
fn makers_waiting_for_a_digest(db: &niaz::db::Db, need: i32, n: usize) {
    let now = chrono::Utc::now().naive_utc() - chrono::Duration::days(2);
    let mut conn = db.conn().unwrap();
    conn.transaction(|conn| {
        for i in 0..n {
            let id: i32 = diesel::insert_into(users::table)
                .values((
                    users::email.eq(format!("maker{i}@example.ir")),
                    users::email_verified_at.eq(Some(now)),
                    users::password_hash.eq("x"),
                    users::name.eq(format!("سازنده {i}")),
                    users::phone.eq(""),
                    users::lang.eq("fa"),
                    users::role.eq("supplier"),
                    users::created_at.eq(now),
                    users::updated_at.eq(now),
                ))
                .returning(users::id)
                .get_result(conn)?;
            niaz::db::alerts::insert_alerts(
                conn,
                &[niaz::db::alerts::NewAlert {
                    user_id: id,
                    need_id: need,
                    saved_search_id: None,
                    reason: niaz::domain::alerts::Reason::Profile,
                    delivery: niaz::domain::alerts::Frequency::Daily,
                    created_at: now,
                }],
            )?;
        }
        diesel::QueryResult::Ok(())
    })
    .unwrap();
}

fn count(db: &niaz::db::Db, sql: &str) -> i64 {
    #[derive(QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    diesel::sql_query(sql)
        .get_result::<N>(&mut db.conn().unwrap())
        .unwrap()
        .n
}

/// Kills the real server with SIGKILL while it sends digests and starts it again: every
/// maker's digest is queued exactly once.
#[test]
fn a_digest_is_queued_once_when_the_worker_is_killed_mid_run() {
    use std::process::{Command, Stdio};
    let dir = tempfile::tempdir().unwrap();
    let config = crate::helpers::config_for(dir.path());
    let db = niaz::db::Db::open(&config.database_url).unwrap();
    let org = OrgBuilder::new("صنایع آزمون").insert(&db);
    let need = NeedBuilder::new(org, "بوش برنجی").insert(&db);
    let n = 1_500;
    makers_waiting_for_a_digest(&db, need, n);
    let serve = || {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        Command::new(env!("CARGO_BIN_EXE_niaz"))
            .args([
                "--data-dir",
                dir.path().to_str().unwrap(),
                "serve",
                "--addr",
            ])
            .arg(format!("127.0.0.1:{port}"))
            .env("NIAZ_LOG", "warn")
            .envs(crate::helpers::database_env(dir.path()))
            .env("NIAZ_DIGEST_TIME", "00:00")
            // The killed server's lease on the periodic work runs out soon.
            .env("NIAZ_WORKER_LEASE_SECONDS", "10")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };
    let claimed = || count(&db, "SELECT COUNT(*) AS n FROM digest_runs");
    let wait_until = |done: &dyn Fn() -> bool| {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        while !done() && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
    };
    let mut child = serve();
    wait_until(&|| claimed() > 0);
    child.kill().unwrap();
    child.wait().unwrap();
    let at_kill = claimed();
    assert!(at_kill > 0, "the worker started sending");
    eprintln!("digests claimed when the server was killed: {at_kill} of {n}");
    let mut child = serve();
    wait_until(&|| claimed() == n as i64);
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(claimed(), n as i64, "every digest (killed after {at_kill})");
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) AS n FROM outbox WHERE template = 'alert_digest'"
        ),
        n as i64
    );
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(DISTINCT to_email) AS n FROM outbox WHERE template = 'alert_digest'"
        ),
        n as i64
    );
}

#[actix_web::test]
async fn two_workers_at_once_send_each_digest_once() {
    let app = spawn_app().await;
    let org = OrgBuilder::new("صنایع آزمون").insert(&app.db);
    let need = publish(&app, org, "بوش برنجی", "برنج");
    let n = 60;
    makers_waiting_for_a_digest(&app.db, need, n);
    let at = chrono::Utc::now();
    let workers: Vec<_> = (0..2)
        .map(|_| {
            let db = app.db.clone();
            let state = app.state.clone();
            std::thread::spawn(move || {
                let mut conn = db.conn().unwrap();
                niaz::services::alerts::send_digests(&mut conn, &state.links, &state.config, at)
                    .unwrap()
            })
        })
        .collect();
    let total: usize = workers.into_iter().map(|w| w.join().unwrap()).sum();
    assert_eq!(total, n);
    let queued: i64 = outbox::table
        .filter(outbox::template.eq("alert_digest"))
        .count()
        .get_result(&mut app.db.conn().unwrap())
        .unwrap();
    assert_eq!(queued, n as i64);
}

#[actix_web::test]
async fn a_firm_choosing_the_daily_digest_gets_offers_in_one_mail() {
    let app = spawn_app().await;
    let org = OrgBuilder::new("صنایع آزمون").insert(&app.db);
    let mut buyer = browser_for(&app, "buyer", org, org).await;
    let res = buyer
        .submit(
            "/account/alerts",
            "/account/alerts/preferences",
            &[("interest_mail", "daily")],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    let needs = [
        publish(&app, org, "بوش برنجی", "برنج"),
        publish(&app, org, "شفت فولادی", "فولاد"),
    ];
    let mut maker = pump_maker(&app).await;
    for need in needs {
        let res = maker
            .submit(
                &format!("/needs/{need}/interest"),
                &format!("/needs/{need}/interest"),
                &[("message", "می‌سازیم")],
            )
            .await;
        assert_eq!(res.status, 303, "{}", res.body);
    }
    let to_buyer = |mail: &[niaz::email::SentMail]| mail_to(mail, "buyer@example.ir");
    assert!(
        to_buyer(&app.drain_mail().await).is_empty(),
        "no mail per offer"
    );
    let now = chrono::Utc::now();
    assert_eq!(
        niaz::jobs::run_digests_once(&app.state, now).await.unwrap(),
        0,
        "the digest waits for its hour"
    );
    let now = crate::helpers::after_next_digest(&app, now);
    assert_eq!(
        niaz::jobs::run_digests_once(&app.state, now).await.unwrap(),
        1
    );
    assert_eq!(
        niaz::jobs::run_digests_once(&app.state, now).await.unwrap(),
        0
    );
    let mail = to_buyer(&app.drain_mail().await);
    assert_eq!(mail.len(), 1);
    assert!(mail[0].subject.contains('۲'), "{}", mail[0].subject);
    assert!(mail[0]
        .text
        .contains(&format!("/my/needs/{}/interests", needs[0])));
}

#[actix_web::test]
async fn bad_alert_forms_name_their_fields_and_save_nothing() {
    let app = spawn_app().await;
    let mut maker = pump_maker(&app).await;
    let long = "ن".repeat(81);
    let res = maker
        .submit(
            "/search",
            "/alerts",
            &[
                ("query", "q=x&category=nothing"),
                ("name", &long),
                ("frequency", "hourly"),
            ],
        )
        .await;
    assert_eq!(res.status, 400, "{}", res.body);
    let res = maker
        .submit(
            "/search",
            "/alerts",
            &[("query", "q=x"), ("name", &long), ("frequency", "hourly")],
        )
        .await;
    assert_eq!(res.status, 400);
    assert!(res.body.contains("نام حداکثر ۸۰ نویسه است"), "{}", res.body);
    assert!(res.body.contains("یکی از گزینه‌ها را انتخاب کنید"));
    let rows: i64 = saved_searches::table
        .count()
        .get_result(&mut app.db.conn().unwrap())
        .unwrap();
    assert_eq!(rows, 0);

    // Managed from the account page: renamed, paused, deleted.
    save_search(&mut maker, "q=%D9%BE%D9%85%D9%BE&sort=newest", "weekly").await;
    let page = maker.get("/account/alerts").await;
    assert!(page.body.contains("/search.atom?q="), "its feed");
    let id: i32 = saved_searches::table
        .select(saved_searches::id)
        .first(&mut app.db.conn().unwrap())
        .unwrap();
    let res = maker
        .submit(
            "/account/alerts",
            &format!("/account/alerts/{id}"),
            &[("name", "پمپ‌ها"), ("frequency", "daily"), ("paused", "1")],
        )
        .await;
    assert_eq!(res.status, 303);
    let (name, paused, query): (String, bool, String) = saved_searches::table
        .select((
            saved_searches::name,
            saved_searches::paused,
            saved_searches::query,
        ))
        .first(&mut app.db.conn().unwrap())
        .unwrap();
    assert_eq!((name.as_str(), paused), ("پمپ‌ها", true));
    assert!(!query.contains("sort"), "{query}");
    let res = maker
        .submit(
            "/account/alerts",
            &format!("/account/alerts/{id}/delete"),
            &[],
        )
        .await;
    assert_eq!(res.status, 303);
}

#[actix_web::test]
async fn search_and_category_feeds_are_valid_atom() {
    let app = spawn_demo_app().await;
    let page = app.get("/search?q=%D9%BE%D9%85%D9%BE").await;
    assert!(page
        .body
        .contains(r#"rel="alternate" type="application/atom+xml""#));
    let res = app.get("/search.atom?q=%D9%BE%D9%85%D9%BE").await;
    assert_eq!(res.status, 200);
    assert!(res
        .header("content-type")
        .unwrap()
        .starts_with("application/atom+xml"));
    let feed = atom_syndication::Feed::read_from(&res.bytes[..]).expect("valid Atom");
    assert!(!feed.entries().is_empty());
    assert_eq!(
        res.body.matches(r#"<entry xml:lang="fa">"#).count(),
        feed.entries().len(),
        "Persian entries are marked"
    );
    for entry in feed.entries() {
        assert!(entry.links()[0].href().contains("/needs/"));
        let summary = entry.summary().unwrap();
        assert!(summary.value.contains(r#"dir="rtl""#), "{}", summary.value);
    }
    // Newest first.
    let dates: Vec<_> = feed
        .entries()
        .iter()
        .map(|e| *e.published().unwrap())
        .collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]));

    let list = app.get("/needs?category=bearings").await;
    assert!(
        list.body.contains("/search.atom?category=bearings"),
        "category pages link their feed"
    );
    let res = app.get_en("/search.atom?category=bearings").await;
    assert_eq!(res.status, 200);
    let feed = atom_syndication::Feed::read_from(&res.bytes[..]).expect("valid Atom");
    assert!(!feed.entries().is_empty());
    assert!(
        res.body.contains(r#"<entry xml:lang="en">"#),
        "English titles in English"
    );
    let (_, api) = app.get_json("/api/v1/needs?category=bearings").await;
    let total = api["total"].as_u64().unwrap() as usize;
    assert_eq!(
        feed.entries().len(),
        total.min(50),
        "the same needs as the search"
    );

    // The demo's makers have saved searches and matches waiting for the daily digest.
    let saved: i64 = saved_searches::table
        .count()
        .get_result(&mut app.db.conn().unwrap())
        .unwrap();
    assert_eq!(saved, 10);
    niaz::jobs::run_digests_once(&app.state, chrono::Utc::now())
        .await
        .unwrap();
    let digests: i64 = outbox::table
        .filter(outbox::template.eq("alert_digest"))
        .count()
        .get_result(&mut app.db.conn().unwrap())
        .unwrap();
    assert_eq!(digests, 4, "one per maker with matches waiting");
}
