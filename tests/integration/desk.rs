//! The production desk: filing, phone intake, assignment between agencies, the firm's replies
//! and rating, mail to each side, and who may see and do what.

use diesel::prelude::*;
use niaz::db::schema::{desk_cases, desk_events, users};
use niaz::domain::account::Role;
use niaz::services::accounts::create_user_cli;

use crate::access::PASSWORD;
use crate::fixtures::OrgBuilder;
use crate::helpers::{csrf_of, enc, plain, spawn_app, Browser, TestApp};

struct Desk {
    app: TestApp,
    org: i32,
    other_org: i32,
    customs: i32,
    bank: i32,
}

fn user(app: &TestApp, email: &str, name: &str, role: Role, org: Option<i32>) -> i32 {
    let mut conn = app.db.conn().unwrap();
    let id = create_user_cli(&mut conn, email, name, role, PASSWORD).unwrap();
    if let Some(org) = org {
        diesel::update(users::table.find(id))
            .set(users::organization_id.eq(Some(org)))
            .execute(&mut *conn)
            .unwrap();
    }
    id
}

async fn login(app: &TestApp, email: &str) -> Browser {
    let mut b = app.browser();
    let res = b
        .submit(
            "/login",
            "/login",
            &[("email", email), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(res.status, 303, "{email} logs in");
    b
}

async fn desk() -> Desk {
    let app = spawn_app().await;
    let org = OrgBuilder::new("ریخته‌گری سهند").insert(&app.db);
    let other_org = OrgBuilder::new("کارخانه دیگر").insert(&app.db);
    let now = chrono::Utc::now().naive_utc();
    let (customs, bank) = {
        let mut conn = app.db.conn().unwrap();
        let c =
            niaz::db::desk::insert_agency(&mut conn, "customs", "گمرک", "Customs", now).unwrap();
        let b =
            niaz::db::desk::insert_agency(&mut conn, "bank", "بانک صنعت و معدن", "", now).unwrap();
        (c, b)
    };
    user(&app, "owner@firm.ir", "مدیر تولید", Role::Buyer, Some(org));
    user(
        &app,
        "buyer2@firm.ir",
        "کارشناس خرید",
        Role::Buyer,
        Some(org),
    );
    user(&app, "other@firm.ir", "دیگری", Role::Buyer, Some(other_org));
    user(&app, "maker@example.ir", "سازنده", Role::Supplier, None);
    user(&app, "desk@niaz.ir", "اپراتور میز", Role::Organizer, None);
    for (email, name, agency) in [
        ("customs@agency.ir", "نماینده گمرک", customs),
        ("bank@agency.ir", "نماینده بانک", bank),
    ] {
        let id = user(&app, email, name, Role::Agency, None);
        niaz::db::desk::set_member(&mut app.db.conn().unwrap(), id, agency).unwrap();
    }
    Desk {
        app,
        org,
        other_org,
        customs,
        bank,
    }
}

fn cases(app: &TestApp) -> Vec<niaz::db::desk::Case> {
    desk_cases::table
        .order(desk_cases::id)
        .select(niaz::db::desk::Case::as_select())
        .load(&mut *app.db.conn().unwrap())
        .unwrap()
}

async fn post_on(b: &mut Browser, page: &str, action: &str, fields: &[(&str, &str)]) -> u16 {
    b.submit(page, action, fields).await.status.as_u16()
}

#[actix_web::test]
async fn a_case_goes_from_filing_through_two_agencies_to_the_firms_rating() {
    let d = desk().await;
    let app = &d.app;
    let mut firm = login(app, "owner@firm.ir").await;
    let home = firm.get("/desk").await;
    assert_eq!(home.status, 200);
    assert!(
        home.body.contains(r#"action="/desk/cases?csrf="#),
        "the filing form"
    );

    // Wrong fields: every one named, what was typed kept, nothing saved.
    let bad = firm
        .submit(
            "/desk",
            "/desk/cases",
            &[
                ("category", ""),
                ("subject", ""),
                ("description", "ماشین‌آلات در گمرک بازرگان مانده است"),
                ("agencies", "nobody"),
            ],
        )
        .await;
    assert_eq!(bad.status, 400);
    for field in ["e-category", "e-subject"] {
        assert!(bad.body.contains(field), "{field} is marked");
    }
    assert!(bad.body.contains("ماشین‌آلات در گمرک بازرگان مانده است"));
    assert!(cases(app).is_empty());

    let res = firm
        .submit(
            "/desk",
            "/desk/cases",
            &[
                ("category", "customs"),
                ("urgency", "stopped"),
                ("subject", "ترخیص قالب‌های ریخته‌گری 6206-2Z"),
                ("description", "ماشین‌آلات در گمرک بازرگان مانده است"),
                ("request", "ترخیص پیش از پایان ماه"),
                ("agencies", "customs"),
            ],
        )
        .await;
    assert_eq!(res.status, 303);
    let case = cases(app).pop().unwrap();
    let year = niaz::i18n::to_jalali(case.created_at.date()).unwrap().0;
    assert_eq!(case.number, format!("{year}-{:05}", case.id));
    assert_eq!(
        res.header("location").unwrap(),
        format!("/desk/cases/{}?done=case_filed", case.number)
    );
    let page = firm.get(&res.header("location").unwrap()).await;
    assert_eq!(page.status, 200);
    assert!(plain(&page.body).contains(&case.number));
    assert!(page.body.contains("<bdi dir=\"ltr\">".to_string().as_str()));
    let mails = app.drain_mail().await;
    let filed: Vec<_> = mails
        .iter()
        .filter(|m| plain(&m.subject).contains(&case.number))
        .collect();
    let mut to: Vec<&str> = filed.iter().map(|m| m.to.as_str()).collect();
    to.sort();
    assert_eq!(
        to,
        ["buyer2@firm.ir", "owner@firm.ir"],
        "every member of the firm"
    );
    assert!(plain(&filed[0].text).contains(&format!("/desk/cases/{}", case.number)));

    let n = case.number.clone();
    let url = format!("/desk/cases/{n}");
    // Not assigned yet: agencies do not see it, nor does another firm or a maker.
    let mut customs = login(app, "customs@agency.ir").await;
    let mut bank = login(app, "bank@agency.ir").await;
    let mut other = login(app, "other@firm.ir").await;
    let mut maker = login(app, "maker@example.ir").await;
    for b in [&mut customs, &mut bank, &mut other, &mut maker] {
        assert_eq!(b.get(&url).await.status, 404);
    }
    assert!(!customs.get("/desk/cases").await.body.contains(&n));
    assert!(!other.get("/desk/cases").await.body.contains(&n));
    assert_eq!(maker.get("/desk/cases").await.status, 403);

    // The desk gives it to customs; customs' representative is mailed.
    let mut staff = login(app, "desk@niaz.ir").await;
    assert!(staff.get("/desk/cases").await.body.contains(&n));
    // Search with the catalogue's analyzer: Arabic letters and no ZWNJ, a code's number, the
    // firm's name, the number typed in Persian digits; not another word; not across privacy.
    for (q, found) in [
        ("ترخيص قالبهاي", true),
        ("6206", true),
        ("سهند", true),
        (niaz::i18n::fa_digits(&n).as_str(), true),
        ("سیمان", false),
    ] {
        let page = staff.get(&format!("/desk/cases?q={}", enc(q))).await;
        assert_eq!(page.status, 200);
        assert_eq!(page.body.contains(&n), found, "{q}");
    }
    assert!(!customs
        .get(&format!("/desk/cases?q={}", enc("ترخیص")))
        .await
        .body
        .contains(&n));
    let st = post_on(
        &mut staff,
        &url,
        &format!("{url}/assign"),
        &[("agency", "customs"), ("note", "بررسی اسناد")],
    )
    .await;
    assert_eq!(st, 303);
    let mails = app.drain_mail().await;
    assert!(mails
        .iter()
        .any(|m| m.to == "customs@agency.ir" && plain(&m.subject).contains(&n)));
    assert_eq!(customs.get(&url).await.status, 200);
    assert!(customs.get("/desk/cases").await.body.contains(&n));
    assert_eq!(bank.get(&url).await.status, 404);

    // Customs takes it and asks the firm for a document: the firm is mailed the note, and the
    // case has its first response.
    assert_eq!(
        post_on(&mut customs, &url, &format!("{url}/take"), &[]).await,
        303
    );
    assert!(cases(app)[0].first_response_at.is_none());
    let bad_status = customs
        .submit(
            &url,
            &format!("{url}/status"),
            &[("status", "received"), ("note", "")],
        )
        .await;
    assert_eq!(bad_status.status, 400);
    assert!(bad_status.body.contains("e-status") && bad_status.body.contains("e-note"));
    assert_eq!(
        post_on(
            &mut customs,
            &url,
            &format!("{url}/status"),
            &[
                ("status", "waiting_firm"),
                ("note", "لطفاً بارنامه را بفرستید")
            ],
        )
        .await,
        303
    );
    let c = &cases(app)[0];
    assert_eq!(c.status.as_str(), "waiting_firm");
    assert!(c.first_response_at.is_some());
    let mails = app.drain_mail().await;
    let update = mails
        .iter()
        .find(|m| m.to == "owner@firm.ir" && m.text.contains("لطفاً بارنامه را بفرستید"))
        .expect("the firm reads the note");
    assert!(update.text.contains("در انتظار پاسخ واحد"));

    // The firm replies: back in progress, customs is mailed.
    assert_eq!(
        post_on(
            &mut firm,
            &url,
            &format!("{url}/write"),
            &[("body", "بارنامه پیوست شد")]
        )
        .await,
        303
    );
    assert_eq!(cases(app)[0].status.as_str(), "in_progress");
    let mails = app.drain_mail().await;
    assert!(mails
        .iter()
        .any(|m| m.to == "customs@agency.ir" && m.text.contains("بارنامه پیوست شد")));

    // Customs hands it to the bank: both see it now, only the bank acts on it.
    assert_eq!(
        post_on(
            &mut customs,
            &url,
            &format!("{url}/assign"),
            &[("agency", "bank")]
        )
        .await,
        303
    );
    assert_eq!(bank.get(&url).await.status, 200);
    assert_eq!(customs.get(&url).await.status, 200);
    let token = csrf_of(&customs.get(&url).await.body);
    let refused = customs
        .post(
            &format!("{url}/status"),
            &[
                ("csrf", &token),
                ("status", "resolved"),
                ("note", "انجام شد"),
            ],
        )
        .await;
    assert_eq!(refused.status, 409, "no longer with customs");
    assert_eq!(
        post_on(
            &mut bank,
            &url,
            &format!("{url}/status"),
            &[("status", "resolved"), ("note", "تسهیلات ترخیص پرداخت شد")],
        )
        .await,
        303
    );
    let c = &cases(app)[0];
    assert_eq!(c.status.as_str(), "resolved");
    assert!(c.resolved_at.is_some());

    // Closed: nobody writes on it; the firm rates it.
    let token = csrf_of(&firm.get(&url).await.body);
    let late = firm
        .post(
            &format!("{url}/write"),
            &[("csrf", &token), ("body", "یک پیام دیگر")],
        )
        .await;
    assert_eq!(late.status, 409);
    let bad_rating = firm
        .submit(&url, &format!("{url}/rate"), &[("rating", "9")])
        .await;
    assert_eq!(bad_rating.status, 400);
    assert_eq!(
        post_on(
            &mut firm,
            &url,
            &format!("{url}/rate"),
            &[("rating", "۵"), ("comment", "سریع بود")]
        )
        .await,
        303
    );
    assert_eq!(cases(app)[0].rating, Some(5));

    // The whole history, in order, on the firm's page.
    let kinds: Vec<String> = desk_events::table
        .order(desk_events::id)
        .select(desk_events::kind)
        .load(&mut *app.db.conn().unwrap())
        .unwrap();
    assert_eq!(
        kinds,
        ["filed", "assigned", "taken", "status", "reply", "assigned", "status", "rated"]
    );
    let page = firm.get(&url).await;
    assert!(page.body.contains("تسهیلات ترخیص پرداخت شد"));
    assert!(page.body.contains("سریع بود"));
    assert!(
        !page.body.contains("5/5"),
        "the rating in Persian digits, in the history too"
    );
    assert!(page.body.contains("بارنامه پیوست شد"));
    // The number as a person types it.
    let typed = format!("/desk/cases/{}", enc(&niaz::i18n::fa_digits(&n)));
    assert_eq!(firm.get(&typed).await.status, 200);
    let _ = (d.org, d.other_org, d.customs, d.bank);
}

#[actix_web::test]
async fn the_desk_records_a_phone_call_for_a_firm_which_follows_it_online() {
    let d = desk().await;
    let app = &d.app;
    let mut staff = login(app, "desk@niaz.ir").await;
    let form = staff.get("/desk/phone").await;
    assert_eq!(form.status, 200);
    assert!(form.body.contains("ریخته‌گری سهند"));
    let missing = staff
        .submit(
            "/desk/phone",
            "/desk/phone",
            &[("category", "utilities"), ("subject", "قطع برق")],
        )
        .await;
    assert_eq!(missing.status, 400);
    assert!(missing.body.contains("e-organization") && missing.body.contains("e-description"));
    let org = d.org.to_string();
    let res = staff
        .submit(
            "/desk/phone",
            "/desk/phone",
            &[
                ("organization", org.as_str()),
                ("category", "utilities"),
                ("subject", "قطع برق در ساعات اوج"),
                (
                    "description",
                    "تماس ساعت ۲۳: برق کارخانه سه بار در شب قطع شد",
                ),
            ],
        )
        .await;
    assert_eq!(res.status, 303);
    let case = cases(app).pop().unwrap();
    assert_eq!(case.channel.as_str(), "phone");
    assert_eq!(case.organization_id, d.org);
    let mails = app.drain_mail().await;
    assert_eq!(
        mails
            .iter()
            .filter(|m| plain(&m.subject).contains(&case.number))
            .count(),
        2
    );
    assert!(mails.iter().any(|m| m.text.contains("تلفنی")));
    let mut firm = login(app, "buyer2@firm.ir").await;
    let page = firm.get(&format!("/desk/cases/{}", case.number)).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("قطع برق در ساعات اوج"));
    let mut other = login(app, "other@firm.ir").await;
    assert_eq!(
        other
            .get(&format!("/desk/cases/{}", case.number))
            .await
            .status,
        404
    );
    // Agencies cannot record phone calls.
    let mut customs = login(app, "customs@agency.ir").await;
    assert_eq!(customs.get("/desk/phone").await.status, 403);
}

#[actix_web::test]
async fn admins_keep_agencies_and_their_representatives() {
    let d = desk().await;
    let app = &d.app;
    user(app, "admin@niaz.ir", "مدیر", Role::Admin, None);
    let mut admin = login(app, "admin@niaz.ir").await;
    let page = admin.get("/admin/agencies").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("نماینده گمرک"));
    let dup = admin
        .submit(
            "/admin/agencies",
            "/admin/agencies",
            &[("name_fa", ""), ("slug", "customs")],
        )
        .await;
    assert_eq!(dup.status, 400);
    assert!(dup.body.contains("e-name_fa") && dup.body.contains("e-slug"));
    let ok = admin
        .submit(
            "/admin/agencies",
            "/admin/agencies",
            &[("name_fa", "شرکت برق منطقه‌ای"), ("slug", "power")],
        )
        .await;
    assert_eq!(ok.status, 303);
    // A firm's member cannot become a representative; a maker can.
    let refused = admin
        .submit(
            "/admin/agencies",
            "/admin/agencies/members",
            &[("email", "owner@firm.ir"), ("agency", "power")],
        )
        .await;
    assert_eq!(refused.status, 400);
    let added = admin
        .submit(
            "/admin/agencies",
            "/admin/agencies/members",
            &[("email", "maker@example.ir"), ("agency", "power")],
        )
        .await;
    assert_eq!(added.status, 303);
    let maker: niaz::db::models::User =
        niaz::db::accounts::find_user_by_email(&mut app.db.conn().unwrap(), "maker@example.ir")
            .unwrap()
            .unwrap();
    assert_eq!(maker.role, Role::Agency);
    let mut rep = login(app, "maker@example.ir").await;
    assert_eq!(rep.get("/desk/cases").await.status, 200);
    let token = csrf_of(&admin.get("/admin/agencies").await.body);
    let removed = admin
        .post(
            &format!("/admin/agencies/members/{}/remove", maker.id),
            &[("csrf", &token)],
        )
        .await;
    assert_eq!(removed.status, 303);
    assert_eq!(rep.get("/desk/cases").await.status, 403);
    // Organizers run the desk but do not keep its agencies.
    let mut organizer = login(app, "desk@niaz.ir").await;
    assert_eq!(organizer.get("/admin/agencies").await.status, 403);
}

#[actix_web::test]
async fn an_unanswered_case_is_escalated_once_and_stands_out_as_overdue() {
    let app = crate::helpers::spawn_app_with(|c| {
        c.desk_supervisor = Some("chief@desk.ir".into());
    })
    .await;
    let org = OrgBuilder::new("نساجی آذر").insert(&app.db);
    user(&app, "owner@firm.ir", "مدیر", Role::Buyer, Some(org));
    user(&app, "desk@niaz.ir", "اپراتور میز", Role::Organizer, None);
    let mut firm = login(&app, "owner@firm.ir").await;
    for subject in ["گاز کارخانه قطع است", "مجوز توسعه خط"] {
        let res = firm
            .submit(
                "/desk",
                "/desk/cases",
                &[
                    ("category", "utilities"),
                    ("subject", subject),
                    ("description", "شرح کامل"),
                ],
            )
            .await;
        assert_eq!(res.status, 303);
    }
    let [late, answered] = <[_; 2]>::try_from(cases(&app)).ok().unwrap();
    // The second is answered at once.
    let mut staff = login(&app, "desk@niaz.ir").await;
    let url = format!("/desk/cases/{}", answered.number);
    let res = staff
        .submit(
            &url,
            &format!("{url}/write"),
            &[("body", "با شرکت گاز تماس گرفتیم")],
        )
        .await;
    assert_eq!(res.status, 303);
    app.drain_mail().await;

    // Time moves: within the 24 hours nothing happens; after them, the supervisor hears of
    // the unanswered case once.
    let filed = late.created_at;
    let at = |h: i64| filed + chrono::Duration::hours(h);
    assert_eq!(
        niaz::jobs::run_desk_once(&app.state, at(23)).await.unwrap(),
        0
    );
    assert_eq!(
        niaz::jobs::run_desk_once(&app.state, at(25)).await.unwrap(),
        1
    );
    assert_eq!(
        niaz::jobs::run_desk_once(&app.state, at(26)).await.unwrap(),
        0
    );
    let mails = app.drain_mail().await;
    let to_chief: Vec<_> = mails.iter().filter(|m| m.to == "chief@desk.ir").collect();
    assert_eq!(to_chief.len(), 1);
    assert!(plain(&to_chief[0].subject).contains(&late.number));
    assert!(to_chief[0].text.contains("نساجی آذر"));
    assert!(to_chief[0]
        .text
        .contains("در مهلت پاسخ نخست پاسخی نگرفته است"));
    // The answered one is overdue only once past the utilities' three days to resolve.
    assert_eq!(
        niaz::jobs::run_desk_once(&app.state, at(24 * 3 + 1))
            .await
            .unwrap(),
        1
    );

    // In the lists: move the filing back two days, as if they had waited.
    diesel::update(desk_cases::table.find(late.id))
        .set(desk_cases::created_at.eq(filed - chrono::Duration::days(2)))
        .execute(&mut *app.db.conn().unwrap())
        .unwrap();
    let list = staff.get("/desk/cases?overdue=1").await;
    assert_eq!(list.status, 200);
    assert!(list.body.contains(&late.number));
    assert!(!list.body.contains(&answered.number));
    assert!(list.body.contains("badge late"));
    let page = staff.get(&format!("/desk/cases/{}", late.number)).await;
    assert!(page.body.contains("badge late"));
    assert!(page.body.contains("دیرکرد به سرپرست میز گزارش شد"));
}

#[actix_web::test]
async fn the_demo_desk_has_cases_in_every_state() {
    let app = crate::helpers::spawn_demo_app().await;
    user(&app, "admin@niaz.ir", "مدیر", Role::Admin, None);
    let mut admin = login(&app, "admin@niaz.ir").await;
    let all = cases(&app);
    assert!(all.len() >= 30, "a few dozen cases");
    for status in niaz::domain::desk::CaseStatus::ALL {
        assert!(
            all.iter().filter(|c| c.status == status).count() >= 2,
            "{status:?}"
        );
    }
    assert!(all.iter().any(|c| c.channel.as_str() == "phone"));
    assert!(all.iter().any(|c| c.escalated_at.is_some()));
    assert!(all.iter().any(|c| c.rating.is_some()));
    assert!(
        all.iter().any(|c| c.need_id.is_some()),
        "a parts case became a need"
    );
    let list = admin.get("/desk/cases").await;
    assert_eq!(list.status, 200);
    assert!(list.body.contains("badge late"));
    assert!(list.body.contains(r#"rel="next""#), "30 a page");
    for case in all.iter().step_by(5) {
        let page = admin.get(&format!("/desk/cases/{}", case.number)).await;
        assert_eq!(page.status, 200, "{}", case.number);
    }
    let home = app.get("/desk").await;
    assert!(home.body.contains("گمرک استان آذربایجان شرقی"));
    let sessions = admin.get("/desk/sessions").await;
    assert_eq!(sessions.status, 200);
    for id in [1, 2] {
        let page = admin.get(&format!("/desk/sessions/{id}")).await;
        assert_eq!(page.status, 200);
        assert_eq!(
            admin
                .get(&format!("/desk/sessions/{id}/minutes"))
                .await
                .status,
            200
        );
    }
    assert!(admin
        .get("/desk/sessions/1/minutes")
        .await
        .body
        .contains("استمهال و ضمانت‌نامه"));
    assert_eq!(app.get("/desk/figures").await.status, 200);
    assert_eq!(admin.get("/admin/agencies").await.status, 200);
}

#[actix_web::test]
async fn a_parts_case_becomes_a_need_in_review_linked_both_ways() {
    let d = desk().await;
    let app = &d.app;
    // A published bearing, so the new need takes its category.
    let bearing =
        crate::fixtures::NeedBuilder::new(d.other_org, "بلبرینگ شیار عمیق 6206-2Z").insert(&app.db);
    app.sync();
    let mut firm = login(app, "owner@firm.ir").await;
    let res = firm
        .submit(
            "/desk",
            "/desk/cases",
            &[
                ("category", "supply"),
                ("subject", "بلبرینگ 6206-2Z برای خط نورد"),
                ("description", "تأمین‌کننده خارجی دیگر نمی‌فروشد"),
                ("request", "معرفی سازنده داخلی"),
            ],
        )
        .await;
    assert_eq!(res.status, 303);
    let case = cases(app).pop().unwrap();
    let url = format!("/desk/cases/{}", case.number);
    let mut staff = login(app, "desk@niaz.ir").await;
    let page = staff.get(&url).await;
    assert!(page.body.contains(&format!("{url}/need")));
    // The firm does not make needs from the desk.
    assert!(!firm.get(&url).await.body.contains(&format!("{url}/need")));
    let res = staff.submit(&url, &format!("{url}/need"), &[]).await;
    assert_eq!(res.status, 303);
    let location = res.header("location").unwrap();
    let need_id: i32 = location
        .trim_start_matches("/my/needs/")
        .split('/')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let (need, _, category) = niaz::db::catalogue::find_need(&mut app.db.conn().unwrap(), need_id)
        .unwrap()
        .unwrap();
    let (_, _, bearing_category) =
        niaz::db::catalogue::find_need(&mut app.db.conn().unwrap(), bearing)
            .unwrap()
            .unwrap();
    assert_eq!(need.status.as_str(), "pending_review");
    assert_eq!(need.organization_id, d.org);
    assert_eq!(category.id, bearing_category.id);
    assert!(need.content.description.contains("معرفی سازنده داخلی"));
    let form = staff.get(&location).await;
    assert_eq!(form.status, 200);
    assert!(form.body.contains(&url), "the need links to its case");
    assert!(staff
        .get(&url)
        .await
        .body
        .contains(&format!("/my/needs/{need_id}/edit")));
    assert!(staff
        .get("/admin/review")
        .await
        .body
        .contains("برای خط نورد"));
    // Once only.
    let token = csrf_of(&staff.get(&url).await.body);
    let again = staff
        .post(&format!("{url}/need"), &[("csrf", &token)])
        .await;
    assert_eq!(again.status, 409);
    // The firm's members edit their need as any other.
    assert_eq!(firm.get(&location).await.status, 200);
}

/// `id="fig-{id}" data-value="{n}"` of the figures page.
fn figure(body: &str, id: &str) -> Option<i64> {
    let marker = format!(r#"id="fig-{id}" data-value=""#);
    let start = body.find(&marker)? + marker.len();
    body[start..]
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect::<String>()
        .parse()
        .ok()
}

#[actix_web::test]
async fn the_public_figures_match_the_database_and_name_no_firm() {
    let app = crate::helpers::spawn_demo_app().await;
    let page = app.get("/desk/figures").await;
    assert_eq!(page.status, 200);
    let mut conn = app.db.conn().unwrap();
    let count = |q: desk_cases::BoxedQuery<'static, niaz::db::MultiBackend>| -> i64 {
        q.count().get_result(&mut *app.db.conn().unwrap()).unwrap()
    };
    let open = [
        "received",
        "assigned",
        "in_progress",
        "waiting_firm",
        "referred",
    ];
    assert_eq!(
        figure(&page.body, "received"),
        Some(count(desk_cases::table.into_boxed()))
    );
    assert_eq!(
        figure(&page.body, "answered"),
        Some(count(
            desk_cases::table
                .filter(desk_cases::first_response_at.is_not_null())
                .into_boxed()
        ))
    );
    let resolved = count(
        desk_cases::table
            .filter(desk_cases::status.eq("resolved"))
            .into_boxed(),
    );
    assert!(resolved > 0);
    assert_eq!(figure(&page.body, "resolved"), Some(resolved));
    assert_eq!(
        figure(&page.body, "open"),
        Some(count(
            desk_cases::table
                .filter(desk_cases::status.eq_any(open))
                .into_boxed()
        ))
    );
    // Medians straight from the rows: hours to the first answer, days to resolution.
    let rows: Vec<(
        chrono::NaiveDateTime,
        Option<chrono::NaiveDateTime>,
        Option<chrono::NaiveDateTime>,
        String,
    )> = desk_cases::table
        .select((
            desk_cases::created_at,
            desk_cases::first_response_at,
            desk_cases::resolved_at,
            desk_cases::status,
        ))
        .load(&mut *conn)
        .unwrap();
    let median = |mut v: Vec<i64>| {
        v.sort();
        v[(v.len() - 1) / 2]
    };
    let first: Vec<i64> = rows
        .iter()
        .filter_map(|(c, f, _, _)| f.map(|f| (f - *c).num_hours()))
        .collect();
    let resolution: Vec<i64> = rows
        .iter()
        .filter(|r| r.3 == "resolved")
        .filter_map(|(c, _, r, _)| r.map(|r| (r - *c).num_days()))
        .collect();
    assert_eq!(
        figure(&page.body, "median_first_response_hours"),
        Some(median(first))
    );
    assert_eq!(
        figure(&page.body, "median_resolution_days"),
        Some(median(resolution))
    );
    // Per category: the table's counts add up to every case.
    assert!(page.body.contains("<svg"));
    let table = &page.body[page.body.find(r#"id="t-by_category""#).unwrap()..];
    let table = &table[..table.find("</table>").unwrap()];
    let sum: i64 = table
        .split(r#"data-value=""#)
        .skip(1)
        .map(|s| s.split('"').next().unwrap().parse::<i64>().unwrap())
        .sum();
    assert_eq!(Some(sum), figure(&page.body, "received"));
    // No firm is named.
    for (name, ..) in niaz::services::demo::FIRMS {
        assert!(!page.body.contains(name), "{name} is named");
    }
    // Staff export the same figures.
    drop(conn);
    user(&app, "admin@niaz.ir", "مدیر", Role::Admin, None);
    let mut admin = login(&app, "admin@niaz.ir").await;
    let csv = admin.get("/desk/figures.csv").await;
    assert_eq!(csv.status, 200);
    assert!(csv.body.contains(&format!("headline,resolved,{resolved}")));
    assert_eq!(app.get("/desk/figures.csv").await.status, 303);
}

#[actix_web::test]
async fn a_hard_case_goes_through_a_working_group_session_and_its_decision_reaches_the_firm() {
    let d = desk().await;
    let app = &d.app;
    let mut firm = login(app, "owner@firm.ir").await;
    let res = firm
        .submit(
            "/desk",
            "/desk/cases",
            &[
                ("category", "customs"),
                ("subject", "رسوب ماشین‌آلات خط دوم"),
                (
                    "description",
                    "ماشین‌آلات خط دوم شش ماه است در گمرک مانده است",
                ),
            ],
        )
        .await;
    assert_eq!(res.status, 303);
    let other = firm
        .submit(
            "/desk",
            "/desk/cases",
            &[
                ("category", "land"),
                ("subject", "زمین انبار"),
                ("description", "درخواست زمین"),
            ],
        )
        .await;
    assert_eq!(other.status, 303);
    let [case, not_referred] = <[_; 2]>::try_from(cases(app)).ok().unwrap();
    let url = format!("/desk/cases/{}", case.number);
    let mut staff = login(app, "desk@niaz.ir").await;
    let st = post_on(
        &mut staff,
        &url,
        &format!("{url}/status"),
        &[
            ("status", "referred"),
            ("note", "فراتر از اختیار گمرک استان"),
        ],
    )
    .await;
    assert_eq!(st, 303);

    // A session, with one wrong field first.
    let bad = staff
        .submit(
            "/desk/sessions",
            "/desk/sessions",
            &[("held_on", "1405/13/40"), ("title", "جلسه ۴۲")],
        )
        .await;
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("e-held_on"));
    let today = chrono::Utc::now().date_naive();
    let held = today.to_string();
    let res = staff
        .submit(
            "/desk/sessions",
            "/desk/sessions",
            &[
                ("held_on", held.as_str()),
                ("title", "جلسه ۴۲ کارگروه رفع موانع تولید"),
                ("place", "استانداری، تالار شهید بهشتی"),
            ],
        )
        .await;
    assert_eq!(res.status, 303);
    let session_url = res.header("location").unwrap();
    let session_url = session_url.split('?').next().unwrap().to_string();
    let page = staff.get(&session_url).await;
    assert!(page.body.contains(&case.number), "the referred case waits");
    assert!(!page.body.contains(&not_referred.number));
    let refused = staff
        .submit(
            &session_url,
            &format!("{session_url}/agenda"),
            &[("case", not_referred.number.as_str())],
        )
        .await;
    assert_eq!(refused.status, 400);
    let added = staff
        .submit(
            &session_url,
            &format!("{session_url}/agenda"),
            &[("case", case.number.as_str())],
        )
        .await;
    assert_eq!(added.status, 303);
    let page = staff.get(&session_url).await;
    let marker = format!("{session_url}/decisions/");
    let start = page.body.find(&marker).unwrap() + marker.len();
    let item: String = page.body[start..]
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    let decide = format!("{session_url}/decisions/{item}");
    let bad = staff
        .submit(
            &session_url,
            &decide,
            &[("decision", ""), ("agency", "bank"), ("deadline", "دیروز")],
        )
        .await;
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("aria-invalid"));
    app.drain_mail().await;
    let deadline = (today + chrono::Duration::days(3)).to_string();
    let res = staff
        .submit(
            &session_url,
            &decide,
            &[
                (
                    "decision",
                    "بانک صنعت و معدن ضمانت‌نامه ترخیص را ظرف سه روز صادر کند",
                ),
                ("agency", "bank"),
                ("deadline", deadline.as_str()),
            ],
        )
        .await;
    assert_eq!(res.status, 303);

    // The decision reaches the firm by mail and the case; the bank now answers the case.
    let mails = app.drain_mail().await;
    for to in ["owner@firm.ir", "buyer2@firm.ir", "bank@agency.ir"] {
        assert!(
            mails
                .iter()
                .any(|m| m.to == to && m.text.contains("ضمانت‌نامه ترخیص را ظرف سه روز")),
            "{to} is told"
        );
    }
    let c = &cases(app)[0];
    assert_eq!(c.status.as_str(), "assigned");
    assert_eq!(c.agency_id, Some(d.bank));
    let mut bank = login(app, "bank@agency.ir").await;
    assert_eq!(bank.get(&url).await.status, 200);
    let page = firm.get(&url).await;
    assert!(page.body.contains("ضمانت‌نامه ترخیص را ظرف سه روز"));
    let minutes = staff.get(&format!("{session_url}/minutes")).await;
    assert_eq!(minutes.status, 200);
    assert!(minutes.body.contains("ضمانت‌نامه ترخیص را ظرف سه روز"));
    assert!(minutes.body.contains("ریخته‌گری سهند"));

    // Its deadline is followed: once passed with the case open, the supervisor (every admin
    // here) hears of it once.
    user(app, "admin@niaz.ir", "مدیر", Role::Admin, None);
    let now = chrono::Utc::now().naive_utc();
    assert_eq!(niaz::jobs::run_desk_once(&app.state, now).await.unwrap(), 0);
    let later = now + chrono::Duration::days(5);
    // The late decision, and the land case nobody answered in five days.
    assert_eq!(
        niaz::jobs::run_desk_once(&app.state, later).await.unwrap(),
        2
    );
    assert_eq!(
        niaz::jobs::run_desk_once(&app.state, later).await.unwrap(),
        0
    );
    let mails = app.drain_mail().await;
    assert!(mails
        .iter()
        .any(|m| m.to == "admin@niaz.ir" && m.text.contains("مهلت اجرای تصمیم کارگروه گذشته است")));
    let _ = d.customs;
}

#[actix_web::test]
async fn documents_go_with_the_filing_and_later_and_only_those_who_see_the_case_read_them() {
    let d = desk().await;
    let app = &d.app;
    let png = crate::fixtures::png_bytes(16, 16);
    let mut firm = login(app, "owner@firm.ir").await;
    let token = csrf_of(&firm.get("/desk").await.body);
    // A wrong file and a missing subject: both named, nothing kept.
    let bad = firm
        .post_multipart(
            "/desk/cases",
            &[
                ("csrf", token.as_str()),
                ("category", "customs"),
                ("agencies", "customs"),
                ("agencies", "bank"),
                ("description", "اسناد پیوست است"),
            ],
            ("notes.txt", b"just text"),
        )
        .await;
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("e-subject") && bad.body.contains("e-file"));
    assert!(
        bad.body.contains("اسناد پیوست است"),
        "what was typed is kept"
    );
    assert!(cases(app).is_empty());
    let uploads = app.state.config.data_dir.join("uploads");
    let stored = || std::fs::read_dir(&uploads).map_or(0, |d| d.count());
    assert_eq!(stored(), 0, "no file is left behind");

    let ok = firm
        .post_multipart(
            "/desk/cases",
            &[
                ("csrf", token.as_str()),
                ("category", "customs"),
                ("subject", "ترخیص با اسناد"),
                ("description", "اسناد پیوست است"),
                ("agencies", "customs"),
                ("agencies", "bank"),
            ],
            ("بارنامه.png", &png),
        )
        .await;
    assert_eq!(ok.status, 303);
    let case = cases(app).pop().unwrap();
    assert_eq!(
        case.named_agencies, "customs bank",
        "repeated fields are kept"
    );
    let url = format!("/desk/cases/{}", case.number);
    let page = firm.get(&url).await;
    let marker = "/desk/files/";
    let start = page.body.find(marker).expect("the document is listed") + marker.len();
    let id: String = page.body[start..]
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    let file_url = format!("/desk/files/{id}");
    let got = firm.get(&file_url).await;
    assert_eq!(got.status, 200);
    assert_eq!(got.header("content-type").as_deref(), Some("image/png"));
    assert!(got.header("cache-control").unwrap().contains("no-store"));
    let mut other = login(app, "other@firm.ir").await;
    let mut customs = login(app, "customs@agency.ir").await;
    assert_eq!(other.get(&file_url).await.status, 404);
    assert_eq!(customs.get(&file_url).await.status, 404, "not assigned yet");
    let mut staff = login(app, "desk@niaz.ir").await;
    assert_eq!(staff.get(&file_url).await.status, 200);

    // Later documents, from the case page; none once the case is closed.
    let token = csrf_of(&firm.get(&url).await.body);
    let more = firm
        .post_multipart(
            &format!("{url}/files"),
            &[("csrf", token.as_str())],
            ("پروانه.png", &png),
        )
        .await;
    assert_eq!(more.status, 303);
    let page = firm.get(&url).await;
    assert!(page.body.contains("پروانه.png") && page.body.contains("بارنامه.png"));
    let st = post_on(
        &mut staff,
        &url,
        &format!("{url}/status"),
        &[("status", "not_actionable"), ("note", "خارج از اختیار")],
    )
    .await;
    assert_eq!(st, 303);
    let late = firm
        .post_multipart(
            &format!("{url}/files"),
            &[("csrf", token.as_str())],
            ("سوم.png", &png),
        )
        .await;
    assert_eq!(late.status, 409);
    assert_eq!(stored(), 2);
}

#[actix_web::test]
async fn a_document_over_the_limit_keeps_the_typed_case_and_names_the_file() {
    let d = desk().await;
    let app = &d.app;
    let mut firm = login(app, "owner@firm.ir").await;
    let page = firm.get("/desk").await;
    assert!(
        page.body.contains("data-max-bytes="),
        "the browser can check first"
    );
    let token = csrf_of(&page.body);
    let big = vec![0u8; app.state.config.max_upload_bytes + 1];
    let res = firm
        .post_multipart_around(
            "/desk/cases",
            &[
                ("csrf", token.as_str()),
                ("category", "customs"),
                ("agencies", "customs"),
                ("subject", "ترخیص قالب از گمرک"),
                ("description", "قالب در گمرک بازرگان مانده است"),
            ],
            ("scan.pdf", &big),
            &[("urgency", "normal")],
        )
        .await;
    assert_eq!(res.status, 400);
    assert!(
        res.body.contains("ترخیص قالب از گمرک"),
        "the subject is kept"
    );
    assert!(res.body.contains("قالب در گمرک بازرگان مانده است"));
    assert!(res.body.contains("scan.pdf"), "the file is named");
    assert!(cases(app).is_empty(), "nothing is filed");
}
