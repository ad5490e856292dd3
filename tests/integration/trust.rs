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

/// Audit item 9: the form token sat unchanged beside reflected input in compressed pages
/// (BREACH), and 409 against 404 told that a draft need's id exists.
#[actix_web::test]
async fn tokens_differ_in_every_page_and_hidden_needs_are_not_found() {
    let app = spawn_app().await;
    let firm = OrgBuilder::new("صنایع پنهان").insert(&app.db);
    let draft = NeedBuilder::new(firm, "پیش‌نویس محرمانه")
        .status("draft")
        .insert(&app.db);
    let (mut maker, _) = UserBuilder::maker("maker@example.ir").login(&app).await;
    let (one, two) = (
        csrf_of(&maker.get("/search?q=abc").await.body),
        csrf_of(&maker.get("/search?q=abc").await.body),
    );
    assert_ne!(one, two, "a fresh mask in every response");
    for token in [&one, &two] {
        let res = maker
            .post(
                "/alerts",
                &[
                    ("csrf", token),
                    ("query", "q=abc"),
                    ("name", ""),
                    ("frequency", "daily"),
                ],
            )
            .await;
        assert_ne!(res.status, 403, "every masked token works");
    }
    let forged = format!("{}{}", &one[..64], &two[64..]);
    let res = maker
        .post(
            "/alerts",
            &[
                ("csrf", &forged),
                ("query", "q=x"),
                ("name", ""),
                ("frequency", "daily"),
            ],
        )
        .await;
    assert_eq!(res.status, 403, "halves of two masks are no token");

    // A draft's id answers exactly as an id that does not exist.
    for path in [
        format!("/needs/{draft}/interest"),
        "/needs/999999/interest".into(),
    ] {
        let res = post(&mut maker, &path, &[("message", "می‌سازیم")]).await;
        assert_eq!(res.status, 404, "{path}");
    }
    let (mut other, _) =
        UserBuilder::buyer("other@example.ir", OrgBuilder::new("دیگر").insert(&app.db))
            .login(&app)
            .await;
    for path in [format!("/needs/{draft}/join"), "/needs/999999/join".into()] {
        let res = post(&mut other, &path, &[("quantity_per_year", "10")]).await;
        assert_eq!(res.status, 404, "{path}");
    }
}

/// Audit item 11: importing the site's own export reported "101 updated", moved `updated_at`
/// and mailed 262 alerts about needs published months ago. Against a running demo site: the
/// export imports back writing nothing, and nobody is mailed.
#[actix_web::test]
async fn re_importing_an_unchanged_sheet_writes_nothing_and_mails_nobody() {
    use diesel::prelude::*;
    use niaz::db::schema::{needs, outbox};
    let app = crate::helpers::spawn_demo_app().await;
    niaz::jobs::run_alerts_once(&app.state).await.unwrap();
    app.drain_mail().await;
    let mail_rows = |app: &TestApp| -> i64 {
        outbox::table
            .count()
            .get_result(&mut *app.db.conn().unwrap())
            .unwrap()
    };
    let stamps = |app: &TestApp| -> Vec<(i32, chrono::NaiveDateTime)> {
        needs::table
            .order(needs::id)
            .select((needs::id, needs::updated_at))
            .load(&mut *app.db.conn().unwrap())
            .unwrap()
    };
    let (before_mail, before_stamps) = (mail_rows(&app), stamps(&app));
    let rows = niaz::db::catalogue::all_need_rows(&mut app.db.conn().unwrap(), None).unwrap();
    let sheet = niaz::services::spreadsheet::write_csv(&niaz::services::spreadsheet::export_rows(
        &rows,
        niaz::services::spreadsheet::Audience::Staff,
    ))
    .unwrap();

    let (mut organizer, _) = UserBuilder::organizer("importer@example.ir")
        .login(&app)
        .await;
    let token = csrf_of(&organizer.get("/admin/import").await.body);
    let preview = organizer
        .post_multipart(
            "/admin/import",
            &[("csrf", &token), ("status", "published")],
            ("export.csv", &sheet),
        )
        .await;
    assert_eq!(preview.status, 200, "{}", preview.body);
    let upload = preview
        .body
        .split(r#"name="token" value=""#)
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let res = organizer
        .post(
            "/admin/import/confirm",
            &[
                ("csrf", &token),
                ("token", &upload),
                ("status", "published"),
            ],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    app.sync();
    for _ in 0..2 {
        niaz::jobs::run_alerts_once(&app.state).await.unwrap();
    }
    niaz::jobs::run_digests_once(
        &app.state,
        crate::helpers::after_next_digest(&app, chrono::Utc::now()),
    )
    .await
    .unwrap();
    assert_eq!(stamps(&app), before_stamps, "no need was written");
    let queued: Vec<String> = outbox::table
        .order(outbox::id)
        .select(outbox::template)
        .load::<String>(&mut *app.db.conn().unwrap())
        .unwrap()
        .into_iter()
        .skip(before_mail as usize)
        .collect();
    assert!(
        queued.iter().all(|t| t != "alert"),
        "no alert about an old need: {queued:?}"
    );
    // A need newly published by an import is news, and is announced.
    let firm = rows[0].1.id;
    let fresh = NeedBuilder::new(firm, "بلبرینگ غلتکی تازه")
        .status("draft")
        .insert(&app.db);
    niaz::services::need_status::apply(
        &mut app.db.conn().unwrap(),
        fresh,
        niaz::domain::need::NeedEvent::Imported(niaz::domain::need::NeedStatus::Published),
    )
    .unwrap();
    assert!(
        niaz::db::catalogue::news_among(&mut app.db.conn().unwrap(), &[fresh])
            .unwrap()
            .contains(&fresh)
    );
}

/// Audit item 12: English readers got Persian part names in alert, introduction and follow-up
/// mails, and the pages those mails open were Persian.
#[actix_web::test]
async fn english_readers_get_english_mail_and_english_pages_from_it() {
    let app = spawn_app().await;
    niaz::jobs::run_alerts_once(&app.state).await.unwrap();
    let firm = OrgBuilder::new("صنایع بلبرینگ").insert(&app.db);
    let (mut buyer, _) = UserBuilder::buyer("buyer@example.ir", firm)
        .login(&app)
        .await;
    let (mut maker, _) = UserBuilder::maker("maker@example.ir")
        .english()
        .login(&app)
        .await;
    let res = post(
        &mut maker,
        "/alerts",
        &[("query", "q=6205"), ("name", ""), ("frequency", "instant")],
    )
    .await;
    assert_eq!(res.status, 303);
    let need = NeedBuilder::new(firm, "بلبرینگ شیار عمیق ۶۲۰۵")
        .title_en("Deep groove ball bearing 6205")
        .part_number("6205-2RS")
        .insert(&app.db);
    app.sync();
    niaz::jobs::run_alerts_once(&app.state).await.unwrap();
    let intro = introduce(&app, &mut buyer, &mut maker, need).await;
    {
        use diesel::prelude::*;
        use niaz::db::schema::introductions;
        diesel::update(introductions::table.find(intro))
            .set(
                introductions::introduced_at
                    .eq(chrono::Utc::now().naive_utc() - chrono::Duration::days(22)),
            )
            .execute(&mut *app.db.conn().unwrap())
            .unwrap();
    }
    niaz::jobs::run_followups_once(&app.state).await.unwrap();
    let mail = app.drain_mail().await;
    let to_maker: Vec<_> = mail.iter().filter(|m| m.to == "maker@example.ir").collect();
    assert!(to_maker.len() >= 3, "alert, introduction, follow-up");
    for m in &to_maker {
        let plain = crate::helpers::plain(&format!("{} {}", m.subject, m.text));
        assert!(
            !plain.contains("بلبرینگ شیار"),
            "a Persian title in English mail: {plain}"
        );
        for link in m.text.split_whitespace().filter(|w| w.starts_with("http")) {
            assert!(link.contains("lang=en"), "{link} in {}", m.subject);
        }
    }
    assert!(
        to_maker
            .iter()
            .any(|m| crate::helpers::plain(&m.text).contains("Deep groove ball bearing")),
        "{:#?}",
        to_maker.iter().map(|m| &m.text).collect::<Vec<_>>()
    );
    let followup = to_maker
        .iter()
        .find(|m| m.text.contains("/followup?token="))
        .unwrap();
    let link = followup
        .text
        .split_whitespace()
        .find(|w| w.contains("/followup?token="))
        .unwrap();
    let path = &link[link.find("/followup").unwrap()..];
    // A browser that last chose Persian still opens the English page from English mail.
    let mut reader = app.browser();
    reader.cookies.insert("lang".into(), "fa".into());
    let page = reader.get(path).await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains(r#"lang="en""#),
        "the follow-up page is English"
    );
    // And its form works on that URL (the visitor's token is set beside the language).
    let t = csrf_of(&page.body);
    let token = path
        .split("token=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap();
    let done = reader
        .post(
            "/followup",
            &[("csrf", &t), ("token", token), ("outcome", "negotiating")],
        )
        .await;
    assert_eq!(done.status, 200, "{}", done.body);
}

fn age_introduction(app: &TestApp, intro: i32, days: i64) {
    use diesel::prelude::*;
    use niaz::db::schema::introductions;
    diesel::update(introductions::table.find(intro))
        .set(
            introductions::introduced_at
                .eq(chrono::Utc::now().naive_utc() - chrono::Duration::days(days)),
        )
        .execute(&mut *app.db.conn().unwrap())
        .unwrap();
}

/// Audit item 14: only one follow-up was ever sent. A pair still negotiating is asked again
/// at each day of NIAZ_FOLLOWUP_DAYS (21, 45, 90), and never again once one side said it
/// ended; a pair caught up late is asked once, not once per day missed.
#[actix_web::test]
async fn introductions_still_negotiating_are_asked_again_until_they_end() {
    let app = spawn_app().await;
    let firm = OrgBuilder::new("صنایع پیگیری").insert(&app.db);
    let need = NeedBuilder::new(firm, "چرخ‌دنده مارپیچ").insert(&app.db);
    let late = NeedBuilder::new(firm, "شفت خروجی گیربکس").insert(&app.db);
    let (mut buyer, _) = UserBuilder::buyer("buyer@example.ir", firm)
        .login(&app)
        .await;
    let (mut maker, _) = UserBuilder::maker("maker@example.ir").login(&app).await;
    let intro = introduce(&app, &mut buyer, &mut maker, need).await;
    let caught_up = introduce(&app, &mut buyer, &mut maker, late).await;
    let run = || niaz::jobs::run_followups_once(&app.state);

    age_introduction(&app, intro, 22);
    assert_eq!(run().await.unwrap(), 1, "the first follow-up at 21 days");
    assert_eq!(run().await.unwrap(), 0, "once");
    post(
        &mut maker,
        &format!("/introductions/{intro}/outcome"),
        &[("outcome", "negotiating")],
    )
    .await;
    age_introduction(&app, intro, 46);
    assert_eq!(
        run().await.unwrap(),
        1,
        "still negotiating: asked again at 45 days"
    );
    app.drain_mail().await;
    post(
        &mut buyer,
        &format!("/introductions/{intro}/outcome"),
        &[("outcome", "no_deal")],
    )
    .await;
    age_introduction(&app, intro, 91);
    assert_eq!(
        run().await.unwrap(),
        0,
        "it ended: nobody is asked at 90 days"
    );

    // Ninety-one days old and never asked: asked once, then done.
    age_introduction(&app, caught_up, 91);
    assert_eq!(run().await.unwrap(), 1);
    assert_eq!(run().await.unwrap(), 0, "not once per day missed");
    let mail = app.drain_mail().await;
    let again = mail
        .iter()
        .rev()
        .find(|m| m.to == "maker@example.ir" && m.text.contains("/followup?token="))
        .unwrap();
    assert!(again.text.contains("شفت خروجی گیربکس"));
}

/// Audit item 13: a closed edition's offers kept rising, and a need shown in two editions
/// counted in both. Results count what happened within the edition's dates.
#[actix_web::test]
async fn edition_results_count_what_happened_within_its_dates() {
    let app = crate::helpers::spawn_demo_app().await;
    async fn figures(app: &TestApp) -> serde_json::Value {
        app.get_json("/exhibitions/tabriz-1404/figures.json")
            .await
            .1
    }
    let before = figures(&app).await;
    assert!(before["interests"].as_i64().unwrap() > 0, "{before}");
    // A maker offers today on a need the closed edition showed (and the open one too).
    let shown: Vec<i32> = {
        use diesel::prelude::*;
        use niaz::db::schema::{edition_needs, editions};
        edition_needs::table
            .inner_join(editions::table)
            .filter(editions::slug.eq("tabriz-1404"))
            .select(edition_needs::need_id)
            .load(&mut *app.db.conn().unwrap())
            .unwrap()
    };
    let open_need = shown
        .iter()
        .copied()
        .find(|id| status_of(&app, *id).is_open())
        .expect("an open need in the closed edition");
    let (mut maker, _) = UserBuilder::maker("late-maker@example.ir")
        .login(&app)
        .await;
    let res = post(
        &mut maker,
        &format!("/needs/{open_need}/interest"),
        &[("message", "بعد از نمایشگاه هم می‌سازیم")],
    )
    .await;
    assert_eq!(res.status, 303, "{}", res.body);
    let after = figures(&app).await;
    assert_eq!(after, before, "a closed edition's results have ended");
}
