//! The holes the third outside audit found, each held by a test written against it: the review
//! bypass through outcomes, merges, lock-outs, staff answering for firms, digests at their hour,
//! quiet re-imports, mail in the recipient's language, edition figures, follow-ups, countries.

use crate::fixtures::{NeedBuilder, OrgBuilder, UserBuilder};
use crate::helpers::{csrf_of, spawn_app, Browser, TestApp};

pub fn status_of(app: &TestApp, id: i32) -> niaz::domain::need::NeedStatus {
    niaz::db::catalogue::find_need(&mut app.db.conn().unwrap(), id)
        .unwrap()
        .unwrap()
        .0
        .status
}

/// Posts a form with a token taken from any page of the site.
pub async fn post(b: &mut Browser, path: &str, fields: &[(&str, &str)]) -> crate::helpers::Page {
    let token = csrf_of(&b.get("/account").await.body);
    let mut form = vec![("csrf", token.as_str())];
    form.extend_from_slice(fields);
    b.post(path, &form).await
}

/// A maker offers on `need` and the firm's `buyer` accepts: the introduction's id.
pub async fn introduce(app: &TestApp, buyer: &mut Browser, maker: &mut Browser, need: i32) -> i32 {
    let res = post(
        maker,
        &format!("/needs/{need}/interest"),
        &[("message", "این قطعه را می‌سازیم")],
    )
    .await;
    assert_eq!(res.status, 303, "{}", res.body);
    let offer = niaz::db::interests::of_need(&mut app.db.conn().unwrap(), need).unwrap()[0].id;
    let res = post(buyer, &format!("/my/interests/{offer}/accept"), &[]).await;
    assert_eq!(res.status, 303, "{}", res.body);
    use diesel::prelude::*;
    use niaz::db::schema::introductions;
    introductions::table
        .filter(introductions::need_id.eq(need))
        .select(introductions::id)
        .first(&mut *app.db.conn().unwrap())
        .unwrap()
}

/// Whether the public can see a need anywhere: its page, the API, search.
async fn public_anywhere(app: &TestApp, need: i32, words: &str) -> bool {
    app.sync();
    let page = app.get(&format!("/needs/{need}")).await.status == 200;
    let api = app.get_json(&format!("/api/v1/needs/{need}")).await.0 == 200;
    let (_, found) = app
        .get_json(&format!("/api/v1/needs?q={}", crate::helpers::enc(words)))
        .await;
    let search = found["items"]
        .as_array()
        .is_some_and(|items| items.iter().any(|i| i["id"] == need));
    page || api || search
}

const FULL_EDIT: [(&str, &str); 10] = [
    ("action", "submit"),
    ("title", "پروانه پمپ گریز از مرکز چدنی تازه"),
    ("description", "پروانه بسته پمپ آب خنک‌کاری، چدن نشکن"),
    ("category", "castings"),
    ("part_number", "IMP-250-GG"),
    ("quantity_per_year", "۴۰"),
    ("unit", "piece"),
    ("unit_price", "900"),
    ("currency", "EUR"),
    ("origin_country", "آلمان"),
];

/// Audit item 1 (high): a firm's "localized" answer about a need in review, or one the
/// organizers rejected, published text the moderators never saw. It must change nothing anyone
/// can see, on the site's outcome form and through the follow-up link alike.
#[actix_web::test]
async fn an_outcome_never_publishes_a_need_in_review_or_rejected() {
    let app = spawn_app().await;
    let firm = OrgBuilder::new("پمپ‌سازان سهند").insert(&app.db);
    let need = NeedBuilder::new(firm, "پروانه پمپ گریز از مرکز").insert(&app.db);
    let second = NeedBuilder::new(firm, "پوسته پمپ گریز از مرکز").insert(&app.db);
    let (mut buyer, _) = UserBuilder::buyer("buyer@example.ir", firm)
        .login(&app)
        .await;
    // The firm's own maker account: it needs nobody else to try the bypass.
    let (mut maker, _) = UserBuilder::maker("own-maker@example.ir").login(&app).await;
    let (mut organizer, _) = UserBuilder::organizer("org@example.ir").login(&app).await;
    let intro = introduce(&app, &mut buyer, &mut maker, need).await;
    let intro2 = introduce(&app, &mut buyer, &mut maker, second).await;
    assert_eq!(
        status_of(&app, need),
        niaz::domain::need::NeedStatus::InTalks
    );

    // A significant edit sends the first back to review: gone from the catalogue.
    let res = post(&mut buyer, &format!("/my/needs/{need}/edit"), &FULL_EDIT).await;
    assert_eq!(res.status, 303, "{}", res.body);
    assert_eq!(
        status_of(&app, need),
        niaz::domain::need::NeedStatus::PendingReview
    );
    assert!(!public_anywhere(&app, need, "IMP-250-GG").await);

    // The firm says "localized" on the site: recorded, and the need stays in review.
    let res = post(
        &mut buyer,
        &format!("/introductions/{intro}/outcome"),
        &[("outcome", "localized")],
    )
    .await;
    assert_eq!(res.status, 303);
    assert_eq!(
        status_of(&app, need),
        niaz::domain::need::NeedStatus::PendingReview
    );
    assert!(!public_anywhere(&app, need, "IMP-250-GG").await);

    // The organizers reject the second after an edit; the follow-up link's "localized" keeps
    // it a draft.
    let mut edit = FULL_EDIT;
    edit[1] = ("title", "پوسته پمپ با نقشه تازه");
    edit[4] = ("part_number", "CAS-250-GG");
    post(&mut buyer, &format!("/my/needs/{second}/edit"), &edit).await;
    let res = post(
        &mut organizer,
        &format!("/admin/review/{second}"),
        &[("decision", "reject"), ("reason", "نقشه ناخواناست")],
    )
    .await;
    assert_eq!(res.status, 303);
    assert_eq!(
        status_of(&app, second),
        niaz::domain::need::NeedStatus::Draft
    );
    {
        use diesel::prelude::*;
        use niaz::db::schema::introductions;
        diesel::update(introductions::table.find(intro2))
            .set(
                introductions::introduced_at
                    .eq(chrono::Utc::now().naive_utc() - chrono::Duration::days(22)),
            )
            .execute(&mut *app.db.conn().unwrap())
            .unwrap();
    }
    app.drain_mail().await;
    assert_eq!(niaz::jobs::run_followups_once(&app.state).await.unwrap(), 1);
    let mail = app.drain_mail().await;
    let asked = mail
        .iter()
        .rev()
        .find(|m| m.to == "buyer@example.ir" && m.text.contains("/followup?token="))
        .expect("the firm is asked how it went");
    let token = asked
        .text
        .split("token=")
        .nth(1)
        .unwrap()
        .split(['&', ' ', '\n', ')'])
        .next()
        .unwrap()
        .to_string();
    let mut reader = app.browser();
    let page = reader
        .get(&format!("/followup?token={token}&outcome=localized"))
        .await;
    let t = csrf_of(&page.body);
    let done = reader
        .post(
            "/followup",
            &[("csrf", &t), ("token", &token), ("outcome", "localized")],
        )
        .await;
    assert_eq!(done.status, 200, "{}", done.body);
    assert_eq!(
        status_of(&app, second),
        niaz::domain::need::NeedStatus::Draft
    );
    assert!(!public_anywhere(&app, second, "CAS-250-GG").await);

    // Approved after review, a later "localized" is the success story it should be.
    let res = post(
        &mut organizer,
        &format!("/admin/review/{need}"),
        &[("decision", "approve")],
    )
    .await;
    assert_eq!(res.status, 303);
    post(
        &mut buyer,
        &format!("/introductions/{intro}/outcome"),
        &[("outcome", "localized")],
    )
    .await;
    assert_eq!(
        status_of(&app, need),
        niaz::domain::need::NeedStatus::Localized
    );
    assert!(public_anywhere(&app, need, "IMP-250-GG").await);
}

/// Audit items 2 and 3: a workshop signed up under a firm's exact name could be merged into the
/// firm (its maker then read the firm's drafts and rival offers), and a merge deleted the merged
/// firm's desk cases with their history.
#[actix_web::test]
async fn merges_fold_firms_only_and_move_their_desk_cases() {
    use diesel::prelude::*;
    let app = spawn_app().await;
    let firm = OrgBuilder::new("ریخته‌گری سهند تبریز").insert(&app.db);
    let twice = OrgBuilder::new("ریخته گری سهند تبریز").insert(&app.db);
    let workshop = OrgBuilder::new("ریخته‌گری سهند تبریز")
        .workshop()
        .insert(&app.db);
    let draft = NeedBuilder::new(firm, "قالب ماسه‌ای محرمانه")
        .status("draft")
        .insert(&app.db);
    let (mut maker, maker_id) = UserBuilder::maker("maker@example.ir")
        .org(workshop)
        .login(&app)
        .await;
    let (mut organizer, _) = UserBuilder::organizer("org@example.ir").login(&app).await;
    let twice_member = UserBuilder::buyer("second@example.ir", twice).insert(&app);
    let case = crate::fixtures::desk_case(
        &app,
        twice,
        twice_member,
        None,
        niaz::domain::desk::CaseStatus::InProgress,
    );
    let events_before: i64 = {
        use niaz::db::schema::{desk_cases, desk_events};
        desk_events::table
            .inner_join(desk_cases::table)
            .filter(desk_cases::number.eq(&case))
            .count()
            .get_result(&mut *app.db.conn().unwrap())
            .unwrap()
    };

    // The organizers' list names each organization's kind and offers merging only for firms.
    let list = organizer.get("/admin/firms").await;
    assert!(list.body.contains("کارگاه") && list.body.contains("واحد صنعتی"));
    assert!(!list
        .body
        .contains(&format!("/admin/firms/{workshop}/merge")));

    // A workshop is never merged into a firm, nor a firm into a workshop.
    for (from, into) in [(workshop, firm), (twice, workshop)] {
        let res = post(
            &mut organizer,
            &format!("/admin/firms/{from}/merge"),
            &[("into", &into.to_string())],
        )
        .await;
        assert_eq!(res.status, 400, "{from} into {into}");
        assert!(res.body.contains("فقط یک واحد صنعتی"), "{}", res.body);
    }
    assert!(
        niaz::db::catalogue::find_organization(&mut app.db.conn().unwrap(), workshop)
            .unwrap()
            .is_some()
    );
    // Even in the firm's organization, a maker is not a member of the firm.
    {
        use niaz::db::schema::users;
        diesel::update(users::table.find(maker_id))
            .set(users::organization_id.eq(Some(firm)))
            .execute(&mut *app.db.conn().unwrap())
            .unwrap();
    }
    assert_eq!(maker.get("/my/needs").await.status, 403);
    assert_eq!(
        maker.get(&format!("/my/needs/{draft}/edit")).await.status,
        403
    );
    assert_eq!(maker.get("/my/firm").await.status, 403);
    assert_ne!(maker.get(&format!("/desk/cases/{case}")).await.status, 200);

    // The firm registered twice merges into the first: its desk case moves with its history.
    let res = post(
        &mut organizer,
        &format!("/admin/firms/{twice}/merge"),
        &[("into", &firm.to_string())],
    )
    .await;
    assert_eq!(res.status, 303, "{}", res.body);
    let moved = {
        use niaz::db::schema::desk_cases;
        desk_cases::table
            .filter(desk_cases::number.eq(&case))
            .select(desk_cases::organization_id)
            .first::<i32>(&mut *app.db.conn().unwrap())
            .unwrap()
    };
    assert_eq!(moved, firm, "the case belongs to the surviving firm");
    let events_after: i64 = {
        use niaz::db::schema::{desk_cases, desk_events};
        desk_events::table
            .inner_join(desk_cases::table)
            .filter(desk_cases::number.eq(&case))
            .count()
            .get_result(&mut *app.db.conn().unwrap())
            .unwrap()
    };
    assert_eq!(events_after, events_before, "its history is whole");
    let audit = organizer.get("/admin/audit").await;
    assert!(
        audit.body.contains("desk_cases=1"),
        "the audit log says what moved"
    );
    // The database itself refuses to delete a firm that still has desk cases.
    let refused = {
        use niaz::db::schema::organizations;
        diesel::delete(organizations::table.find(firm)).execute(&mut *app.db.conn().unwrap())
    };
    assert!(refused.is_err(), "no cascade deletes a firm's desk cases");
}

/// Audit items 5 and 6: an organizer could accept an offer in the firm's name (the maker then
/// got the organizer's contacts as the firm's), and the maker's introductions page showed the
/// firm's first member rather than the member who agreed.
#[actix_web::test]
async fn only_the_firm_decides_its_offers_and_the_maker_sees_who_agreed() {
    let app = spawn_app().await;
    let firm = OrgBuilder::new("تراکتورسازی نمونه").insert(&app.db);
    let need = NeedBuilder::new(firm, "بوش برنجی پمپ").insert(&app.db);
    // The firm's first member, and the one who will answer.
    UserBuilder::buyer("first@example.ir", firm)
        .name("عضو نخست")
        .phone("09140000001")
        .insert(&app);
    let (mut buyer, _) = UserBuilder::buyer("agreed@example.ir", firm)
        .name("عضو پاسخ‌دهنده")
        .phone("09140000002")
        .login(&app)
        .await;
    let (mut maker, _) = UserBuilder::maker("maker@example.ir").login(&app).await;
    let (mut organizer, _) = UserBuilder::organizer("org@example.ir")
        .phone("09140000003")
        .login(&app)
        .await;
    let (mut admin, _) = UserBuilder::admin("admin@example.ir").login(&app).await;
    post(
        &mut maker,
        &format!("/needs/{need}/interest"),
        &[("message", "می‌سازیم")],
    )
    .await;
    let offer = niaz::db::interests::of_need(&mut app.db.conn().unwrap(), need).unwrap()[0].id;

    // Staff read the offers but neither accept nor decline them.
    assert_eq!(
        organizer
            .get(&format!("/my/needs/{need}/interests"))
            .await
            .status,
        200
    );
    for staff in [&mut organizer, &mut admin] {
        for action in ["accept", "decline"] {
            let res = post(staff, &format!("/my/interests/{offer}/{action}"), &[]).await;
            assert_eq!(res.status, 403, "staff {action}");
        }
    }
    let open = niaz::db::interests::find(&mut app.db.conn().unwrap(), offer)
        .unwrap()
        .unwrap();
    assert_eq!(open.status, niaz::domain::supplier::InterestStatus::Open);

    // The member who agrees is the maker's contact, in the mail and on the page.
    let res = post(&mut buyer, &format!("/my/interests/{offer}/accept"), &[]).await;
    assert_eq!(res.status, 303);
    let mail = app.drain_mail().await;
    let to_maker = mail
        .iter()
        .find(|m| m.to == "maker@example.ir" && m.text.contains("agreed@example.ir"))
        .expect("the maker is mailed the contacts of the member who agreed");
    assert!(!to_maker.text.contains("first@example.ir"));
    let page = maker.get("/introductions").await;
    assert!(page.body.contains("agreed@example.ir"), "{}", page.body);
    assert!(page.body.contains("عضو پاسخ‌دهنده"));
    assert!(!page.body.contains("first@example.ir"));
    assert!(!page.body.contains("09140000003") && !page.body.contains("org@example.ir"));
}

/// Audit item 4: ten wrong passwords a minute from anywhere answered the owner's correct one
/// with 429 (admins too), and Persian digits in the address got a fresh budget.
#[actix_web::test]
async fn wrong_passwords_from_one_client_never_lock_the_owner_out() {
    let app = crate::helpers::spawn_app_with(|c| {
        c.trusted_proxy = Some("127.0.0.1".parse().unwrap());
    })
    .await;
    UserBuilder::admin("admin1@example.ir").insert(&app);
    let mut attacker = app.browser_from("203.0.113.7");
    attacker.get("/login").await;
    let mut refused = 0;
    for i in 0..15 {
        // The same address written with Persian digits and capitals is the same account.
        let typed = if i % 3 != 2 {
            "admin1@example.ir"
        } else {
            "ADMIN۱@Example.ir"
        };
        let page = attacker.get("/login").await;
        let t = csrf_of(&page.body);
        let res = attacker
            .post(
                "/login",
                &[
                    ("csrf", &t),
                    ("email", typed),
                    ("password", "حدس اشتباه شماره یک"),
                ],
            )
            .await;
        match res.status.as_u16() {
            400 => {}
            429 => refused += 1,
            other => panic!("attempt {i}: {other}"),
        }
    }
    assert!(
        refused >= 5,
        "the guessing client is made to wait ({refused})"
    );
    // Even the right password from that client waits now.
    let page = attacker.get("/login").await;
    let t = csrf_of(&page.body);
    let res = attacker
        .post(
            "/login",
            &[
                ("csrf", &t),
                ("email", "admin1@example.ir"),
                ("password", crate::access::PASSWORD),
            ],
        )
        .await;
    assert_eq!(res.status, 429);

    // The owner, from their own client, signs in at once.
    let mut owner = app.browser_from("198.51.100.20");
    let res = owner
        .submit(
            "/login",
            "/login",
            &[
                ("email", "admin1@example.ir"),
                ("password", crate::access::PASSWORD),
            ],
        )
        .await;
    assert_eq!(res.status, 303, "the owner is not locked out");
}

/// Audit item 7: one 5,000-entry synonym group made a public search take seconds. Groups are
/// bounded when saved (the line named), and however a query matches, it adds a bounded number
/// of alternatives.
#[actix_web::test]
async fn synonym_groups_and_the_queries_they_expand_are_bounded() {
    let app = spawn_app().await;
    let (mut organizer, _) = UserBuilder::organizer("org@example.ir").login(&app).await;
    let huge: Vec<String> = (0..3_000).map(|i| format!("p{i}")).collect();
    let text = format!("کوپلینگ، کوپلینک\n{}", huge.join("، "));
    let res = organizer
        .submit("/admin/synonyms", "/admin/synonyms", &[("synonyms", &text)])
        .await;
    assert_eq!(res.status, 400);
    assert!(res.body.contains("سطر ۲"), "the line is named");
    assert!(res.body.contains("۱۶"), "and the limit");
    assert_eq!(
        niaz::services::synonyms::extra(&app.db).await.unwrap(),
        "",
        "nothing is saved"
    );
}

/// Audit item 8: desk cases, desk messages (each mails every representative) and reports of
/// makers had no per-account limits.
#[actix_web::test]
async fn one_account_cannot_flood_the_desk_or_the_organizers() {
    let app = spawn_app().await;
    let firm = OrgBuilder::new("صنایع آزمون پرونده").insert(&app.db);
    let (mut buyer, _) = UserBuilder::buyer("buyer@example.ir", firm)
        .login(&app)
        .await;
    let case = [
        ("category", "customs"),
        ("urgency", "normal"),
        ("subject", "ترخیص قطعات یدکی"),
        ("description", "محموله در گمرک مانده است"),
    ];
    let pace = niaz::domain::pace::DESK_CASES;
    for i in 0..pace.most {
        let res = post(&mut buyer, "/desk/cases", &case).await;
        assert_eq!(res.status, 303, "case {i}");
    }
    let res = post(&mut buyer, "/desk/cases", &case).await;
    assert_eq!(res.status, 429, "the eleventh case of the day");
    assert!(
        res.body.contains("۰۴۱") || res.body.contains("بعد"),
        "{}",
        res.body
    );

    // Messages on a case: each mails people, so an hour holds a bounded number.
    let number = {
        use diesel::prelude::*;
        use niaz::db::schema::desk_cases;
        desk_cases::table
            .select(desk_cases::number)
            .first::<String>(&mut *app.db.conn().unwrap())
            .unwrap()
    };
    let write = format!("/desk/cases/{number}/write");
    for i in 0..niaz::domain::pace::DESK_MESSAGES.most {
        let res = post(&mut buyer, &write, &[("body", "پیگیری دوباره")]).await;
        assert_eq!(res.status, 303, "message {i}: {}", res.body);
    }
    let res = post(&mut buyer, &write, &[("body", "پیگیری دوباره")]).await;
    assert_eq!(res.status, 429);

    // Reports of a maker.
    let (mut maker, maker_id) = UserBuilder::maker("maker@example.ir").login(&app).await;
    let res = post(
        &mut maker,
        "/account/profile",
        &[("summary", "تراشکاری"), ("processes", "cnc_turning")],
    )
    .await;
    assert_eq!(res.status, 303, "{}", res.body);
    for i in 0..niaz::domain::pace::MAKER_REPORTS.most {
        let res = post(
            &mut buyer,
            &format!("/suppliers/{maker_id}/report"),
            &[("reason", "پاسخ نمی‌دهد")],
        )
        .await;
        assert_eq!(res.status, 303, "report {i}");
    }
    let res = post(
        &mut buyer,
        &format!("/suppliers/{maker_id}/report"),
        &[("reason", "پاسخ نمی‌دهد")],
    )
    .await;
    assert_eq!(res.status, 429);
}

/// Audit item 10: a daily digest went out within a minute whenever something was pending (one
/// maker got two "daily" digests 28 minutes apart; capped alerts came a minute later as a
/// "digest"). Digests go out at NIAZ_DIGEST_TIME, the weekly on its day, holding what arrived
/// before; the clock is moved over a day and a week.
#[actix_web::test]
async fn digests_go_out_at_their_hour_over_a_day_and_a_week() {
    use diesel::prelude::*;
    use niaz::db::schema::alerts;
    let app = spawn_app().await;
    niaz::jobs::run_alerts_once(&app.state).await.unwrap();
    let (mut daily, _) = UserBuilder::maker("daily@example.ir").login(&app).await;
    let (mut weekly, _) = UserBuilder::maker("weekly@example.ir").login(&app).await;
    for (b, frequency) in [(&mut daily, "daily"), (&mut weekly, "weekly")] {
        let res = post(
            b,
            "/alerts",
            &[
                ("query", "q=%D8%A8%D9%88%D8%B4"),
                ("name", ""),
                ("frequency", frequency),
            ],
        )
        .await;
        assert_eq!(res.status, 303, "{}", res.body);
    }
    let firm = OrgBuilder::new("صنایع آزمون").insert(&app.db);
    let first = NeedBuilder::new(firm, "بوش برنجی غلتک").insert(&app.db);
    app.sync();
    niaz::jobs::run_alerts_once(&app.state).await.unwrap();
    let digests_to = |app: &TestApp, to: &str| -> i64 {
        use niaz::db::schema::outbox;
        outbox::table
            .filter(outbox::template.eq("alert_digest"))
            .filter(outbox::to_email.eq(to))
            .count()
            .get_result(&mut *app.db.conn().unwrap())
            .unwrap()
    };
    let to_utc = |t: chrono::NaiveDateTime| {
        chrono::DateTime::<chrono::Utc>::from_naive_utc_and_offset(t, chrono::Utc)
    };
    // The first weekly digest time after now (it may fall on the next daily one).
    let weekly_due = to_utc(
        app.state
            .config
            .digests
            .weekly_due(chrono::Utc::now() + chrono::Duration::days(7)),
    ) + chrono::Duration::minutes(1);
    // Runs the digests at `t`; whenever that is before the weekly digest time, the weekly
    // subscriber has had none.
    let at = |t: chrono::DateTime<chrono::Utc>| {
        let state = app.state.clone();
        let app = &app;
        async move {
            let n = niaz::jobs::run_digests_once(&state, t).await.unwrap();
            if t < weekly_due {
                assert_eq!(
                    digests_to(app, "weekly@example.ir"),
                    0,
                    "weekly before its day"
                );
            }
            n
        }
    };

    // Not now, nor 28 minutes later: at the next digest time, once.
    let now = chrono::Utc::now();
    assert_eq!(at(now).await, 0);
    assert_eq!(at(now + chrono::Duration::minutes(28)).await, 0);
    let due = crate::helpers::after_next_digest(&app, now);
    assert_eq!(at(due - chrono::Duration::minutes(2)).await, 0);
    at(due).await;
    assert_eq!(
        digests_to(&app, "daily@example.ir"),
        1,
        "the daily digest, at its hour"
    );
    at(due + chrono::Duration::minutes(28)).await;
    assert_eq!(digests_to(&app, "daily@example.ir"), 1, "once");

    // A need announced after that digest waits for the next day's, not the next minute.
    let second = NeedBuilder::new(firm, "بوش فولادی پمپ").insert(&app.db);
    app.sync();
    niaz::jobs::run_alerts_once(&app.state).await.unwrap();
    diesel::update(alerts::table.filter(alerts::need_id.eq(second)))
        .set(alerts::created_at.eq((due + chrono::Duration::hours(2)).naive_utc()))
        .execute(&mut *app.db.conn().unwrap())
        .unwrap();
    at(due + chrono::Duration::hours(3)).await;
    assert_eq!(digests_to(&app, "daily@example.ir"), 1);
    let next_day = crate::helpers::after_next_digest(&app, due);
    at(next_day).await;
    assert_eq!(
        digests_to(&app, "daily@example.ir"),
        2,
        "the next daily digest"
    );

    // The weekly digest goes out on its day only, once, whatever ran in between.
    for day in 0..6 {
        let t = weekly_due - chrono::Duration::days(1) - chrono::Duration::hours(day * 24);
        if t > now {
            at(t).await;
        }
    }
    at(weekly_due).await;
    at(weekly_due + chrono::Duration::hours(1)).await;
    assert_eq!(digests_to(&app, "weekly@example.ir"), 1, "on its day, once");
    let mail = app.drain_mail().await;
    let week = mail
        .iter()
        .rev()
        .find(|m| m.to == "weekly@example.ir")
        .unwrap();
    assert!(
        week.text.contains(&format!("/needs/{first}")),
        "{}",
        week.text
    );
}
