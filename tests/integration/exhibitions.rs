//! The exhibition: editions built from searches, printed catalogue and booth cards whose QR
//! codes lead to the right needs, the venue screen, and figures taken from the records.

use diesel::prelude::*;
use niaz::db::schema::{edition_needs, interests, introductions, needs};

use crate::access::browser_for;
use crate::fixtures::{NeedBuilder, OrgBuilder};
use crate::helpers::{spawn_demo_app, Browser, TestApp};

/// Reads a QR code drawn by the server: the SVG's module rectangles painted on a grey image,
/// then decoded by a QR reader.
fn decode_qr(svg: &str) -> String {
    let attr = |name: &str| -> usize {
        let start = svg.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
        svg[start..].split('"').next().unwrap().parse().unwrap()
    };
    let (w, h) = (attr("width"), attr("height"));
    let mut dark = vec![false; w * h];
    let path = svg
        .split(" d=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    for rect in path.split('M').filter(|r| !r.is_empty()) {
        // M{left} {top}h{width}v{height}H{left}V{top}
        let (left, rest) = rect.split_once(' ').unwrap();
        let (top, rest) = rest.split_once('h').unwrap();
        let (width, rest) = rest.split_once('v').unwrap();
        let (height, _) = rest.split_once('H').unwrap();
        let [left, top, width, height]: [usize; 4] =
            [left, top, width, height].map(|v| v.parse().unwrap());
        for y in top..top + height {
            for x in left..left + width {
                dark[y * w + x] = true;
            }
        }
    }
    let mut img =
        rqrr::PreparedImage::prepare_from_greyscale(
            w,
            h,
            |x, y| {
                if dark[y * w + x] {
                    0
                } else {
                    255
                }
            },
        );
    let grids = img.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code");
    grids[0].decode().expect("the QR code decodes").1
}

fn svgs(html: &str) -> Vec<String> {
    html.split("<svg ")
        .skip(1)
        .map(|s| format!("<svg {}", s.split("</svg>").next().unwrap()))
        .collect()
}

async fn organizer(app: &TestApp) -> Browser {
    browser_for(app, "organizer", 0, 0).await
}

async fn public_ids(app: &TestApp, query: &str) -> Vec<i64> {
    let (_, json) = app
        .get_json(&format!("/api/v1/needs?{query}&limit=100"))
        .await;
    assert_eq!(json["relaxed"], false);
    json["hits"]
        .as_array()
        .unwrap_or_else(|| panic!("{json}"))
        .iter()
        .map(|n| n["id"].as_i64().unwrap())
        .collect()
}

#[actix_web::test]
async fn an_organizer_builds_an_edition_from_two_searches_and_prints_it() {
    let app = spawn_demo_app().await;
    let mut staff = organizer(&app).await;
    let res = staff
        .submit(
            "/admin/exhibitions",
            "/admin/exhibitions",
            &[
                ("title_fa", "نمایشگاه آزمون"),
                ("title_en", "Test exhibition"),
                ("slug", "Test-۱۴۰۵"),
                ("starts_on", "۱۴۰۵/۰۹/۰۱"),
                ("ends_on", "1405/09/04"),
                ("venue", "تبریز"),
                ("description", ""),
                ("status", "open"),
            ],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    assert_eq!(
        res.header("location").unwrap(),
        "/admin/exhibitions/test-1405?done=edition_saved"
    );
    for (fa, en) in [("سالن یک", "Hall one"), ("سالن دو", "Hall two")] {
        let res = staff
            .submit(
                "/admin/exhibitions/test-1405",
                "/admin/exhibitions/test-1405/sections",
                &[("name_fa", fa), ("name_en", en)],
            )
            .await;
        assert_eq!(res.status, 303);
    }
    let q1 = "q=%D8%A8%D9%84%D8%A8%D8%B1%DB%8C%D9%86%DA%AF"; // بلبرینگ
    let q2 = "category=pumps-valves";
    let mut expected = public_ids(&app, q1).await;
    expected.extend(public_ids(&app, q2).await);
    expected.sort_unstable();
    expected.dedup();
    assert!(expected.len() > 5, "{expected:?}");
    // One search pasted on the edition's page, the other added from the search page itself.
    let res = staff
        .submit(
            "/admin/exhibitions/test-1405",
            "/admin/exhibitions/test-1405/needs",
            &[("query", q1)],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    let search = staff.get(&format!("/search?{q2}")).await;
    assert!(search.body.contains("action=\"/admin/exhibitions/add\""));
    assert!(search.body.contains("<option value=\"test-1405\">"));
    let res = staff
        .submit(
            &format!("/search?{q2}"),
            "/admin/exhibitions/add",
            &[("edition", "test-1405"), ("query", q2)],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    let edition: i32 = niaz::db::schema::editions::table
        .filter(niaz::db::schema::editions::slug.eq("test-1405"))
        .select(niaz::db::schema::editions::id)
        .first(&mut app.db.conn().unwrap())
        .unwrap();
    let mut shown: Vec<i64> = edition_needs::table
        .filter(edition_needs::edition_id.eq(edition))
        .select(edition_needs::need_id)
        .load::<i32>(&mut app.db.conn().unwrap())
        .unwrap()
        .into_iter()
        .map(i64::from)
        .collect();
    shown.sort_unstable();
    assert_eq!(
        shown, expected,
        "exactly the needs of both searches, each once"
    );

    // A search with neither words nor filters would take the whole catalogue: refused.
    let res = staff
        .submit(
            "/admin/exhibitions/test-1405",
            "/admin/exhibitions/test-1405/needs",
            &[("query", "sort=newest")],
        )
        .await;
    assert_eq!(res.status, 400);

    // Placement: section, booth, order; a bad booth is named and changes nothing.
    let first = shown[0] as i32;
    let page = staff.get("/admin/exhibitions/test-1405").await;
    let section = page
        .body
        .split("<option value=\"")
        .nth(2)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let res = staff
        .submit(
            "/admin/exhibitions/test-1405",
            &format!("/admin/exhibitions/test-1405/needs/{first}"),
            &[
                ("section", &section),
                ("booth", "غرفه ۱"),
                ("position", "1"),
            ],
        )
        .await;
    assert_eq!(res.status, 400);
    assert!(res.body.contains("کد غرفه حداکثر ۱۲ نویسه"), "{}", res.body);
    let res = staff
        .submit(
            "/admin/exhibitions/test-1405",
            &format!("/admin/exhibitions/test-1405/needs/{first}"),
            &[("section", &section), ("booth", "c-۷"), ("position", "1")],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    let booth: String = edition_needs::table
        .find((edition, first))
        .select(edition_needs::booth)
        .first(&mut app.db.conn().unwrap())
        .unwrap();
    assert_eq!(booth, "C-7");

    // The public page, the catalogue and the cards.
    let page = app.get("/exhibitions/test-1405").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("سالن یک") && page.body.contains("C-7"));
    let catalogue = app.get("/exhibitions/test-1405/catalogue").await;
    assert_eq!(catalogue.status, 200);
    assert_eq!(
        catalogue.body.matches("class=\"cat-entry\"").count(),
        shown.len()
    );
    assert_eq!(
        svgs(&catalogue.body).len(),
        shown.len(),
        "a QR code per need"
    );
    assert!(
        catalogue.body.contains("id=\"index-part\"")
            && catalogue.body.contains("id=\"index-category\"")
    );
    let cards = app.get("/exhibitions/test-1405/cards").await;
    let codes = svgs(&cards.body);
    assert_eq!(codes.len(), shown.len());
    // Every card's QR code leads to its own need: the first card is the one placed first.
    let url = decode_qr(&codes[0]);
    assert_eq!(url, format!("http://127.0.0.1/n/{first}"));
    let mut decoded: Vec<i64> = codes
        .iter()
        .map(|svg| decode_qr(svg).rsplit('/').next().unwrap().parse().unwrap())
        .collect();
    decoded.sort_unstable();
    assert_eq!(decoded, shown);
    let short = app.get(&format!("/n/{first}")).await;
    assert_eq!(short.status, 302);
    assert_eq!(short.header("location").unwrap(), format!("/needs/{first}"));

    // Removing a need takes it out of every printed page.
    let res = staff
        .submit(
            "/admin/exhibitions/test-1405",
            &format!("/admin/exhibitions/test-1405/needs/{first}/remove"),
            &[],
        )
        .await;
    assert_eq!(res.status, 303);
    let cards = app.get("/exhibitions/test-1405/cards").await;
    assert_eq!(svgs(&cards.body).len(), shown.len() - 1);
}

#[actix_web::test]
async fn the_venue_screen_needs_no_session_and_its_figures_are_the_records() {
    let app = spawn_demo_app().await;
    let screen = app.get("/exhibitions/tabriz-1404/screen").await;
    assert_eq!(screen.status, 200);
    assert!(screen.header("set-cookie").is_none(), "no session for a TV");
    assert!(screen
        .body
        .contains("data-figures=\"/exhibitions/tabriz-1404/figures.json\""));
    assert!(screen.body.contains("class=\"screen-need current\""));
    let (status, figures) = app.get_json("/exhibitions/tabriz-1404/figures.json").await;
    assert_eq!(status, 200);

    // Counted straight from the tables.
    let mut conn = app.db.conn().unwrap();
    let (edition, starts, ends): (i32, chrono::NaiveDate, chrono::NaiveDate) =
        niaz::db::schema::editions::table
            .filter(niaz::db::schema::editions::slug.eq("tabriz-1404"))
            .select((
                niaz::db::schema::editions::id,
                niaz::db::schema::editions::starts_on,
                niaz::db::schema::editions::ends_on,
            ))
            .first(&mut *conn)
            .unwrap();
    // Within its dates, in the province's time (UTC+03:30).
    let since = starts.and_hms_opt(0, 0, 0).unwrap() - chrono::Duration::minutes(210);
    let until =
        ends.succ_opt().unwrap().and_hms_opt(0, 0, 0).unwrap() - chrono::Duration::minutes(210);
    let shown: Vec<i32> = edition_needs::table
        .filter(edition_needs::edition_id.eq(edition))
        .select(edition_needs::need_id)
        .load(&mut *conn)
        .unwrap();
    let offers = interests::table
        .filter(interests::need_id.eq_any(&shown))
        .filter(interests::created_at.ge(since))
        .filter(interests::created_at.lt(until))
        .count()
        .get_result::<i64>(&mut *conn)
        .unwrap();
    let introduced: Vec<i32> = introductions::table
        .filter(introductions::need_id.eq_any(&shown))
        .filter(introductions::introduced_at.ge(since))
        .filter(introductions::introduced_at.lt(until))
        .select(introductions::need_id)
        .load(&mut *conn)
        .unwrap();
    let intros = introduced.len() as i64;
    let localized = needs::table
        .filter(needs::id.eq_any(&introduced))
        .filter(needs::status.eq("localized"))
        .count()
        .get_result::<i64>(&mut *conn)
        .unwrap();
    assert_eq!(figures["needs"], shown.len());
    assert_eq!(figures["interests"], offers);
    assert_eq!(figures["introductions"], intros);
    assert_eq!(figures["localized"], localized);
    assert!(
        offers > 0 && intros > 0 && localized > 0,
        "the demo's past edition has results"
    );

    // The closed edition's public page shows them as its results.
    let page = app.get("/exhibitions/tabriz-1404").await;
    assert!(page.body.contains("نتایج این دوره"));
    let list = app.get("/exhibitions").await;
    assert!(list.body.contains("/exhibitions/tabriz-1405") && list.body.contains("در حال برگزاری"));
    assert_eq!(app.get("/exhibitions/nope").await.status, 404);
    assert_eq!(app.get("/exhibitions/nope/screen").await.status, 404);
}

#[actix_web::test]
async fn a_firm_sees_where_its_needs_are_exhibited() {
    let app = spawn_demo_app().await;
    let org = OrgBuilder::new("صنایع آزمون").insert(&app.db);
    let need = NeedBuilder::new(org, "بوش برنجی آزمون").insert(&app.db);
    app.sync();
    let mut staff = organizer(&app).await;
    let res = staff
        .submit(
            "/admin/exhibitions/tabriz-1405",
            "/admin/exhibitions/tabriz-1405/needs",
            &[("need", &need.to_string())],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    let mut buyer = browser_for(&app, "buyer", org, org).await;
    let page = buyer.get("/my/needs").await;
    assert!(
        page.body.contains("/exhibitions/tabriz-1405"),
        "{}",
        page.body
    );

    // A need that is not public cannot be added.
    let draft = NeedBuilder::new(org, "پیش‌نویس")
        .status("draft")
        .insert(&app.db);
    let res = staff
        .submit(
            "/admin/exhibitions/tabriz-1405",
            "/admin/exhibitions/tabriz-1405/needs",
            &[("need", &draft.to_string())],
        )
        .await;
    assert_eq!(res.status, 400);
}

#[actix_web::test]
async fn a_bad_edition_form_names_every_field_and_keeps_what_was_typed() {
    let app = spawn_demo_app().await;
    let mut staff = organizer(&app).await;
    let res = staff
        .submit(
            "/admin/exhibitions",
            "/admin/exhibitions",
            &[
                ("title_fa", ""),
                ("slug", "تبریز"),
                ("starts_on", "1405/09/10"),
                ("ends_on", "1405/09/01"),
                ("venue", "سالن نمایشگاه تبریز"),
                ("status", "someday"),
            ],
        )
        .await;
    assert_eq!(res.status, 400);
    for message in ["فقط حروف کوچک لاتین", "پایان پیش از آغاز است"]
    {
        assert!(res.body.contains(message), "{message}");
    }
    assert!(
        res.body.contains("سالن نمایشگاه تبریز"),
        "what was typed stays"
    );
    let res = staff
        .submit(
            "/admin/exhibitions",
            "/admin/exhibitions",
            &[
                ("title_fa", "تکراری"),
                ("slug", "tabriz-1404"),
                ("starts_on", "1405/09/01"),
                ("ends_on", "1405/09/02"),
                ("venue", "تبریز"),
                ("status", "planned"),
            ],
        )
        .await;
    assert_eq!(res.status, 400);
    assert!(res.body.contains("دوره دیگری همین نشانی را دارد"));
}

#[actix_web::test]
async fn the_audit_log_records_each_staff_action_and_nothing_else() {
    let app = spawn_demo_app().await;
    let org = OrgBuilder::new("صنایع آزمون").insert(&app.db);
    let pending = NeedBuilder::new(org, "نیاز در انتظار")
        .status("pending_review")
        .insert(&app.db);
    let mut staff = organizer(&app).await;
    let mut admin = browser_for(&app, "admin", 0, 0).await;
    let mut buyer = browser_for(&app, "buyer", org, org).await;
    let steps = [
        (
            "/admin/review".to_string(),
            format!("/admin/review/{pending}"),
            vec![("decision", "approve")],
        ),
        (
            "/admin".to_string(),
            format!("/admin/organizations/{org}/verify"),
            vec![],
        ),
        (
            "/admin/exhibitions/tabriz-1405".to_string(),
            "/admin/exhibitions/tabriz-1405/sections".to_string(),
            vec![("name_fa", "سالن ۶")],
        ),
    ];
    for (page, action, form) in steps {
        let res = staff.submit(&page, &action, &form).await;
        assert_eq!(res.status, 303, "{action}: {}", res.body);
    }
    let organizer_id =
        niaz::db::accounts::find_user_by_email(&mut app.db.conn().unwrap(), "organizer@example.ir")
            .unwrap()
            .unwrap()
            .id;
    let res = admin
        .submit(
            "/admin",
            &format!("/admin/users/{organizer_id}/role"),
            &[("role", "member")],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    // Not recorded: a refused action, and anything a firm's member does.
    let res = admin
        .submit(
            "/admin/exhibitions",
            "/admin/exhibitions",
            &[("title_fa", "")],
        )
        .await;
    assert_eq!(res.status, 400);
    buyer
        .submit("/account", "/account", &[("name", "خریدار")])
        .await;

    let (entries, _) = niaz::db::audit::list(
        &mut app.db.conn().unwrap(),
        &niaz::db::audit::Filter::default(),
        100,
        0,
    )
    .unwrap();
    let seen: Vec<(String, String, String)> = entries
        .iter()
        .rev()
        .map(|e| (e.actor.clone(), e.action.clone(), e.target.clone()))
        .collect();
    assert_eq!(
        seen,
        [
            (
                "organizer@example.ir".into(),
                "POST /admin/review/{id}".into(),
                format!("id={pending}")
            ),
            (
                "organizer@example.ir".into(),
                "POST /admin/organizations/{id}/verify".into(),
                format!("id={org}")
            ),
            (
                "organizer@example.ir".into(),
                "POST /admin/exhibitions/{slug}/sections".into(),
                "slug=tabriz-1405".into()
            ),
            (
                "admin@example.ir".into(),
                "POST /admin/users/{id}/role".into(),
                format!("id={organizer_id}")
            ),
        ]
    );
    assert!(entries.iter().all(|e| !e.outcome.is_empty()));

    // The page filters by who and what, and names a bad date.
    let page = admin.get("/admin/audit?actor=admin%40").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("/admin/users/{id}/role"));
    assert!(!page.body.contains("/admin/review/{id}</bdi>"));
    let page = admin.get("/admin/audit?from=1405/13/01").await;
    assert!(page.body.contains("aria-invalid=\"true\""));
}

#[actix_web::test]
async fn the_dashboard_figures_equal_counts_taken_from_the_database() {
    use niaz::db::schema::needs::dsl as n;
    let app = spawn_demo_app().await;
    let report = niaz::services::reports::Reports::of(&app.state)
        .report(niaz::i18n::Lang::En)
        .await
        .unwrap();
    let series = |id: &str| {
        report
            .series
            .iter()
            .find(|s| s.id == id)
            .unwrap_or_else(|| panic!("{id}"))
            .clone()
    };
    let sum = |id: &str| series(id).rows.iter().map(|r| r.value).sum::<i64>();
    let mut conn = app.db.conn().unwrap();
    for status in niaz::domain::need::NeedStatus::ALL {
        let counted: i64 = needs::table
            .filter(n::status.eq(status))
            .count()
            .get_result(&mut *conn)
            .unwrap();
        let label = niaz::i18n::t(niaz::i18n::Lang::En, &format!("status.{}", status.as_str()));
        let shown = series("by_status")
            .rows
            .iter()
            .find(|r| r.label == label)
            .unwrap()
            .value;
        assert_eq!(shown, counted, "{label}");
    }
    let public: i64 = needs::table
        .filter(n::status.eq_any(niaz::domain::need::NeedStatus::PUBLIC))
        .count()
        .get_result(&mut *conn)
        .unwrap();
    assert_eq!(sum("by_category"), public);
    let offers: i64 = interests::table.count().get_result(&mut *conn).unwrap();
    let intros: i64 = introductions::table.count().get_result(&mut *conn).unwrap();
    assert!(offers > 0 && intros > 0);
    assert_eq!(sum("interests_by_month"), offers);
    assert_eq!(sum("introductions_by_month"), intros);
    assert_eq!(sum("outcomes"), intros);
    let open_irr: Option<i64> = needs::table
        .filter(n::status.eq_any([
            niaz::domain::need::NeedStatus::Published,
            niaz::domain::need::NeedStatus::InTalks,
        ]))
        .filter(n::currency.eq(niaz::domain::money::Currency::Irr))
        .select(n::annual_import_value)
        .load::<Option<i64>>(&mut *conn)
        .unwrap()
        .into_iter()
        .flatten()
        .reduce(|a, b| a + b);
    let irr = series("value_totals")
        .rows
        .iter()
        .find(|r| {
            r.label
                == format!(
                    "Open · {}",
                    niaz::i18n::currency_name(
                        niaz::domain::money::Currency::Irr,
                        niaz::i18n::Lang::En
                    )
                )
        })
        .map(|r| r.value);
    assert_eq!(irr, open_irr, "{:?}", series("value_totals").rows);
    assert_eq!(
        sum("value_by_category_irr"),
        open_irr.unwrap(),
        "the categories add up to the total"
    );
    for w in &report.waiting {
        let offers: i64 = interests::table
            .filter(interests::need_id.eq(w.id))
            .count()
            .get_result(&mut *conn)
            .unwrap();
        assert_eq!(offers, 0);
    }
    drop(conn);

    let mut staff = organizer(&app).await;
    let page = staff.get("/admin/reports").await;
    assert_eq!(page.status, 200);
    let charts = report.series.iter().filter(|s| !s.rows.is_empty()).count();
    assert_eq!(page.body.matches("<svg class=\"chart\"").count(), charts);
    let csv = staff.get("/admin/reports.csv").await;
    assert_eq!(csv.status, 200);
    assert!(csv
        .body
        .trim_start_matches('\u{feff}')
        .starts_with("series,label,value"));
}

#[actix_web::test]
async fn an_announcement_reaches_each_maker_who_wants_news_once_at_a_bounded_rate() {
    use niaz::db::schema::{outbox, supplier_profiles, users};
    let app = spawn_demo_app().await;
    let tabriz: Vec<i32> = supplier_profiles::table
        .filter(supplier_profiles::city.eq("تبریز"))
        .select(supplier_profiles::user_id)
        .load(&mut app.db.conn().unwrap())
        .unwrap();
    assert!(tabriz.len() > 2);
    // Every maker wants news but one of Tabriz.
    diesel::update(users::table.filter(users::role.eq("supplier")))
        .set(users::notify_news.eq(true))
        .execute(&mut app.db.conn().unwrap())
        .unwrap();
    diesel::update(users::table.find(tabriz[0]))
        .set(users::notify_news.eq(false))
        .execute(&mut app.db.conn().unwrap())
        .unwrap();
    let mut staff = organizer(&app).await;
    let (page, city) = ("/admin/exhibitions/tabriz-1405", "تبریز");
    let res = staff
        .submit(
            page,
            "/admin/exhibitions/tabriz-1405/announce",
            &[("city", city)],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    assert!(res
        .header("location")
        .unwrap()
        .ends_with(&format!("sent={}", tabriz.len() - 1)));
    let res = staff
        .submit(
            page,
            "/admin/exhibitions/tabriz-1405/announce",
            &[("city", city)],
        )
        .await;
    assert!(
        res.header("location").unwrap().ends_with("sent=0"),
        "once per maker"
    );
    let queued: i64 = outbox::table
        .filter(outbox::template.eq("announcement"))
        .count()
        .get_result(&mut app.db.conn().unwrap())
        .unwrap();
    assert_eq!(queued as usize, tabriz.len() - 1);
    // 60 a minute: one a second. (The worker may already be sending the first ones.)
    let waiting: Vec<chrono::NaiveDateTime> = outbox::table
        .filter(outbox::template.eq("announcement"))
        .filter(outbox::status.eq("pending"))
        .order(outbox::next_attempt_at)
        .select(outbox::next_attempt_at)
        .load(&mut app.db.conn().unwrap())
        .unwrap();
    assert!(waiting.len() >= 2, "{waiting:?}");
    for pair in waiting.windows(2) {
        let gap = (pair[1] - pair[0]).num_milliseconds();
        assert!(
            (900..=1_100).contains(&gap),
            "{gap} ms between two announcements"
        );
    }

    // The mail carries a one-click link that turns news off.
    let sent = app.drain_mail().await;
    let msg = sent
        .iter()
        .find(|m| m.subject.contains("نمایشگاه نیازهای صنعت"))
        .expect("an announcement was sent");
    let url = msg.unsubscribe.clone().unwrap();
    let path = format!("/{}", url.splitn(4, '/').nth(3).unwrap());
    assert_eq!(
        app.post_form(&path, &[("List-Unsubscribe", "One-Click")])
            .await
            .status,
        200
    );
    let still: i64 = users::table
        .filter(users::email.eq(&msg.to))
        .filter(users::notify_news.eq(true))
        .count()
        .get_result(&mut app.db.conn().unwrap())
        .unwrap();
    assert_eq!(still, 0);

    // Featuring a need of the edition puts it on the home page.
    let need: i32 = edition_needs::table
        .inner_join(niaz::db::schema::editions::table)
        .filter(niaz::db::schema::editions::slug.eq("tabriz-1405"))
        .select(edition_needs::need_id)
        .first(&mut app.db.conn().unwrap())
        .unwrap();
    diesel::update(needs::table)
        .set(needs::featured.eq(false))
        .execute(&mut app.db.conn().unwrap())
        .unwrap();
    assert!(!app
        .get("/")
        .await
        .body
        .contains(&format!("href=\"/needs/{need}\"")));
    let res = staff
        .submit(
            "/admin/exhibitions/tabriz-1405",
            &format!("/admin/exhibitions/tabriz-1405/needs/{need}"),
            &[("booth", "B1-01"), ("position", "1"), ("featured", "1")],
        )
        .await;
    assert_eq!(res.status, 303);
    assert!(app
        .get("/")
        .await
        .body
        .contains(&format!("href=\"/needs/{need}\"")));
}
