//! "I can make this" and the introduction by email: contacts are shared only when both sides
//! agree, and then only with each other.

use diesel::prelude::*;
use niaz::db::schema::users;

use crate::access::browser_for;
use crate::fixtures::{attach_png, NeedBuilder, OrgBuilder};
use crate::helpers::{spawn_app, spawn_app_with, TestApp};

fn set_phone(app: &TestApp, email: &str, phone: &str) {
    diesel::update(users::table.filter(users::email.eq(email)))
        .set(users::phone.eq(phone))
        .execute(&mut *app.db.conn().unwrap())
        .unwrap();
}

#[actix_web::test]
async fn a_maker_offers_the_firm_accepts_and_both_are_introduced() {
    let app = spawn_app().await;
    let firm = OrgBuilder::new("کارخانه تراکتورسازی نمونه").insert(&app.db);
    let other = OrgBuilder::new("کارخانه دیگر").insert(&app.db);
    let need = NeedBuilder::new(firm, "بوش برنجی پمپ").insert(&app.db);
    let secret = attach_png(&app, need, "secret-drawing.png", true);
    app.sync();
    let mut buyer = browser_for(&app, "buyer", firm, other).await;
    let mut outsider = browser_for(&app, "buyer_other", firm, other).await;
    let mut maker = browser_for(&app, "supplier", firm, other).await;
    set_phone(&app, "buyer@example.ir", "09141112233");
    set_phone(&app, "supplier@example.ir", "09149998877");

    // A visitor is sent to sign in and comes back to the same need.
    let visitor = app.get(&format!("/needs/{need}/interest")).await;
    assert_eq!(visitor.status, 303);
    assert!(visitor
        .header("location")
        .unwrap()
        .contains(&format!("next=%2Fneeds%2F{need}%2Finterest")));

    let page = maker.get(&format!("/needs/{need}")).await;
    assert!(
        page.body.contains(&format!("/needs/{need}/interest")),
        "the call to action"
    );
    assert_eq!(
        maker.get(&format!("/files/{secret}/full")).await.status,
        404
    );
    let res = maker
        .submit(
            &format!("/needs/{need}/interest"),
            &format!("/needs/{need}/interest"),
            &[
                ("message", "پنج سال تجربه ساخت بوش برنجی داریم"),
                ("processes", "cnc_turning"),
                ("lead_time_days", "۳۰"),
                ("sample", "yes"),
            ],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.body);

    // The firm is told, without the maker's contacts.
    let mail = app.drain_mail().await;
    let notice = mail
        .iter()
        .find(|m| m.to == "buyer@example.ir")
        .expect("the firm is mailed");
    assert!(notice.text.contains("بوش برنجی پمپ"));
    for m in &mail {
        assert!(!m.text.contains("supplier@example.ir") && !m.text.contains("09149998877"));
    }
    let offers = buyer.get(&format!("/my/needs/{need}/interests")).await;
    assert_eq!(offers.status, 200);
    assert!(offers.body.contains("پنج سال تجربه"));
    assert!(!offers.body.contains("supplier@example.ir") && !offers.body.contains("09149998877"));
    assert_eq!(
        outsider
            .get(&format!("/my/needs/{need}/interests"))
            .await
            .status,
        403
    );
    let dashboard = buyer.get("/my/needs").await;
    assert!(
        dashboard
            .body
            .contains(&format!("/my/needs/{need}/interests")),
        "offers counted"
    );
    for b in [&mut buyer, &mut maker] {
        let intro = b.get("/introductions").await;
        assert!(
            !intro.body.contains("@example.ir"),
            "nothing before acceptance"
        );
    }

    // The firm accepts: one mail to each side with the other's contacts.
    let interest = niaz::db::interests::current(
        &mut app.db.conn().unwrap(),
        need,
        niaz::db::accounts::find_user_by_email(&mut app.db.conn().unwrap(), "supplier@example.ir")
            .unwrap()
            .unwrap()
            .id,
    )
    .unwrap()
    .unwrap();
    let res = buyer
        .submit(
            &format!("/my/needs/{need}/interests"),
            &format!("/my/interests/{}/accept", interest.id),
            &[],
        )
        .await;
    assert_eq!(res.status, 303);
    let mail = app.drain_mail().await;
    let to_maker = mail
        .iter()
        .rev()
        .find(|m| m.to == "supplier@example.ir")
        .expect("the maker is introduced");
    assert!(to_maker.text.contains("buyer@example.ir") && to_maker.text.contains("09141112233"));
    assert!(to_maker.text.contains("کارخانه تراکتورسازی نمونه"));
    let to_firm = mail
        .iter()
        .rev()
        .find(|m| m.to == "buyer@example.ir")
        .expect("the firm is introduced");
    assert!(to_firm.text.contains("supplier@example.ir") && to_firm.text.contains("09149998877"));
    let status = niaz::db::catalogue::find_need(&mut app.db.conn().unwrap(), need)
        .unwrap()
        .unwrap()
        .0
        .status;
    assert_eq!(status, niaz::domain::need::NeedStatus::InTalks);

    // The confidential drawing opens for this maker, and only for it.
    assert_eq!(
        maker.get(&format!("/files/{secret}/full")).await.status,
        200
    );
    assert_eq!(
        outsider.get(&format!("/files/{secret}/full")).await.status,
        404
    );
    let intro = maker.get("/introductions").await;
    assert!(intro.body.contains("buyer@example.ir") && intro.body.contains("09141112233"));
    let intro = buyer.get("/introductions").await;
    assert!(intro.body.contains("supplier@example.ir"));
    let intro = outsider.get("/introductions").await;
    assert!(
        !intro.body.contains("@example.ir"),
        "a stranger sees no introduction"
    );
}

#[actix_web::test]
async fn a_declined_maker_is_told_politely_and_offers_are_limited() {
    let app = spawn_app_with(|c| c.interests_per_day = 2).await;
    let firm = OrgBuilder::new("کارخانه الف").insert(&app.db);
    let needs: Vec<i32> = (0..3)
        .map(|i| NeedBuilder::new(firm, &format!("قطعه {i}")).insert(&app.db))
        .collect();
    app.sync();
    let mut buyer = browser_for(&app, "buyer", firm, firm).await;
    let mut maker = browser_for(&app, "supplier", firm, firm).await;
    let mut statuses = Vec::new();
    for need in &needs {
        let res = maker
            .submit(
                &format!("/needs/{need}/interest"),
                &format!("/needs/{need}/interest"),
                &[("message", "می‌سازیم")],
            )
            .await;
        statuses.push(res.status.as_u16());
    }
    assert_eq!(statuses, [303, 303, 429], "two offers a day here");

    // Changing an offer is not a new one.
    let res = maker
        .submit(
            &format!("/needs/{}/interest", needs[0]),
            &format!("/needs/{}/interest", needs[0]),
            &[("message", "می‌سازیم، با نمونه"), ("sample", "yes")],
        )
        .await;
    assert_eq!(res.status, 303);

    let bad = maker
        .submit(
            &format!("/needs/{}/interest", needs[0]),
            &format!("/needs/{}/interest", needs[0]),
            &[("message", ""), ("lead_time_days", "ده")],
        )
        .await;
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains(r#"id="e-message""#) && bad.body.contains("e-lead_time_days"));

    let id = niaz::db::interests::of_need(&mut app.db.conn().unwrap(), needs[1]).unwrap()[0].id;
    app.drain_mail().await;
    let res = buyer
        .submit(
            &format!("/my/needs/{}/interests", needs[1]),
            &format!("/my/interests/{id}/decline"),
            &[("reason", "نمونه خارجی را ترجیح دادیم")],
        )
        .await;
    assert_eq!(res.status, 303);
    let mail = app.drain_mail().await;
    let told = mail.iter().find(|m| m.to == "supplier@example.ir").unwrap();
    assert!(told.text.contains("نمونه خارجی را ترجیح دادیم"));
    assert!(
        !told.text.contains("buyer@example.ir"),
        "a declined maker gets no contact"
    );
    // A decided offer cannot be decided again.
    let again = buyer
        .submit(
            &format!("/my/needs/{}/interests", needs[1]),
            &format!("/my/interests/{id}/accept"),
            &[],
        )
        .await;
    assert_eq!(again.status, 409);
}

/// The path and query of the first link in a text that contains `needle`.
fn link_with(text: &str, needle: &str) -> String {
    let start = text.find(needle).expect("a link");
    let from = text[..start].rfind("http").unwrap();
    let url: String = text[from..]
        .chars()
        .take_while(|c| !c.is_whitespace())
        .collect();
    // Without the reader's language, which every mail link carries last.
    let url = url
        .trim_end_matches("?lang=fa")
        .trim_end_matches("&lang=fa")
        .to_string();
    url.splitn(4, '/').nth(3).map(|p| format!("/{p}")).unwrap()
}

#[actix_web::test]
async fn both_sides_are_asked_how_it_went_and_one_click_marks_the_part_localized() {
    let app = spawn_app_with(|c| {
        c.followups = niaz::domain::supplier::FollowupSchedule::parse("21").unwrap()
    })
    .await;
    let firm = OrgBuilder::new("کارخانه الف").insert(&app.db);
    let need = NeedBuilder::new(firm, "شیر کنترل").insert(&app.db);
    app.sync();
    let mut buyer = browser_for(&app, "buyer", firm, firm).await;
    let mut maker = browser_for(&app, "supplier", firm, firm).await;
    maker
        .submit(
            &format!("/needs/{need}/interest"),
            &format!("/needs/{need}/interest"),
            &[("message", "می‌سازیم")],
        )
        .await;
    let id = niaz::db::interests::of_need(&mut app.db.conn().unwrap(), need).unwrap()[0].id;
    buyer
        .submit(
            &format!("/my/needs/{need}/interests"),
            &format!("/my/interests/{id}/accept"),
            &[],
        )
        .await;
    app.drain_mail().await;
    assert_eq!(
        niaz::jobs::run_followups_once(&app.state).await.unwrap(),
        0,
        "not yet"
    );

    // Three weeks pass (the clock is moved, not waited for).
    {
        use niaz::db::schema::introductions;
        diesel::update(introductions::table)
            .set(
                introductions::introduced_at
                    .eq(chrono::Utc::now().naive_utc() - chrono::Duration::days(22)),
            )
            .execute(&mut *app.db.conn().unwrap())
            .unwrap();
    }
    assert_eq!(niaz::jobs::run_followups_once(&app.state).await.unwrap(), 1);
    assert_eq!(
        niaz::jobs::run_followups_once(&app.state).await.unwrap(),
        0,
        "asked once"
    );
    let mail = app.drain_mail().await;
    // The memory transport keeps every mail sent so far: the follow-ups are those with links.
    let asked = |to: &str| {
        mail.iter()
            .find(|m| m.to == to && m.text.contains("/followup?token="))
    };
    let to_buyer = asked("buyer@example.ir").expect("the firm is asked");
    assert!(asked("supplier@example.ir").is_some(), "the maker is asked");
    let link = link_with(&to_buyer.text, "outcome=localized");

    // Opening the link changes nothing; confirming records it, once.
    let mut reader = app.browser();
    let page = reader.get(&link).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("قطعه بومی‌سازی شد"));
    let status = |app: &TestApp| {
        niaz::db::catalogue::find_need(&mut app.db.conn().unwrap(), need)
            .unwrap()
            .unwrap()
            .0
            .status
    };
    assert_eq!(status(&app), niaz::domain::need::NeedStatus::InTalks);
    let token = link
        .split("token=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap()
        .to_string();
    let t = crate::helpers::csrf_of(&page.body);
    let done = reader
        .post(
            "/followup",
            &[("csrf", &t), ("token", &token), ("outcome", "localized")],
        )
        .await;
    assert_eq!(done.status, 200);
    assert!(done.body.contains("پاسخ شما ثبت شد"));
    assert_eq!(status(&app), niaz::domain::need::NeedStatus::Localized);
    let again = reader
        .post(
            "/followup",
            &[("csrf", &t), ("token", &token), ("outcome", "no_deal")],
        )
        .await;
    assert_eq!(again.status, 409, "single use");
    let used = reader.get(&link).await;
    assert!(used.body.contains("این پیوند دیگر کار نمی‌کند"));
    let tampered = reader.get("/followup?token=0000&outcome=localized").await;
    assert_eq!(tampered.status, 200);
    assert!(tampered.body.contains("این پیوند دیگر کار نمی‌کند"));
    let unknown = reader
        .get(&link.replace("outcome=localized", "outcome=magic"))
        .await;
    assert_eq!(unknown.status, 400, "an unknown answer names its parameter");

    // The figures count from the records.
    let home = app.get_en("/").await;
    assert!(
        home.body
            .contains("1</span><span class=\"stat-label\">part localized"),
        "{}",
        home.body.len()
    );
    assert!(home.body.contains("introduction made"));
    let firm_page = app.get_en(&format!("/firms/{firm}")).await;
    assert!(
        firm_page.body.contains("1 part localized")
            && firm_page.body.contains("1 introduction made"),
        "the firm's record"
    );

    // The maker tells its side on the site; the firm sees it.
    let intro_id =
        niaz::db::interests::of_user(&mut app.db.conn().unwrap(), 0, Some(firm)).unwrap()[0].0;
    let res = maker
        .submit(
            "/introductions",
            &format!("/introductions/{intro_id}/outcome"),
            &[("outcome", "contract_signed")],
        )
        .await;
    assert_eq!(res.status, 303);
    let page = buyer.get("/introductions").await;
    assert!(page.body.contains("به گفته طرف دیگر") && page.body.contains("قرارداد بسته شد"));
}

#[actix_web::test]
async fn an_organizer_proposes_and_the_introduction_waits_for_both_sides() {
    let app = spawn_app().await;
    let firm = OrgBuilder::new("کارخانه الف").insert(&app.db);
    let need = NeedBuilder::new(firm, "قالب تزریق درپوش").insert(&app.db);
    app.sync();
    let mut buyer = browser_for(&app, "buyer", firm, firm).await;
    let mut maker = browser_for(&app, "supplier", firm, firm).await;
    let mut staff = browser_for(&app, "organizer", firm, firm).await;
    maker
        .submit(
            "/account/profile",
            "/account/profile",
            &[
                ("summary", "ساخت قالب تزریق پلاستیک"),
                ("processes", "mould_making"),
            ],
        )
        .await;
    let maker_id =
        niaz::db::accounts::find_user_by_email(&mut app.db.conn().unwrap(), "supplier@example.ir")
            .unwrap()
            .unwrap()
            .id;
    let page = staff.get(&format!("/needs/{need}")).await;
    assert!(
        page.body.contains("/admin/proposals"),
        "organizers can propose from the need page"
    );
    let res = staff
        .submit(
            &format!("/needs/{need}"),
            "/admin/proposals",
            &[
                ("need", &need.to_string()),
                ("supplier", &maker_id.to_string()),
            ],
        )
        .await;
    assert_eq!(res.status, 303);
    let again = staff
        .submit(
            &format!("/needs/{need}"),
            "/admin/proposals",
            &[
                ("need", &need.to_string()),
                ("supplier", &maker_id.to_string()),
            ],
        )
        .await;
    assert_eq!(again.status, 409, "proposed once");
    let mail = app.drain_mail().await;
    let to_maker = mail
        .iter()
        .find(|m| m.to == "supplier@example.ir" && m.text.contains("/proposals/"))
        .expect("the maker is asked");
    assert!(mail
        .iter()
        .any(|m| m.to == "buyer@example.ir" && m.text.contains("/proposals/")));
    assert!(
        !to_maker.text.contains("buyer@example.ir"),
        "no contact before both agree"
    );
    let link = link_with(&to_maker.text, "/proposals/");

    // The maker accepts: nothing is shared yet.
    let res = maker.submit(&link, &format!("{link}/accept"), &[]).await;
    assert_eq!(res.status, 303);
    assert!(maker.get(&link).await.body.contains("منتظر پاسخ طرف دیگر"));
    assert!(!maker
        .get("/introductions")
        .await
        .body
        .contains("buyer@example.ir"));
    // The firm accepts: the introduction is made.
    let res = buyer.submit(&link, &format!("{link}/accept"), &[]).await;
    assert_eq!(res.status, 303);
    assert!(res.header("location").unwrap().ends_with("done=introduced"));
    assert!(maker
        .get("/introductions")
        .await
        .body
        .contains("buyer@example.ir"));
    let mail = app.drain_mail().await;
    assert!(mail
        .iter()
        .any(|m| m.to == "supplier@example.ir" && m.text.contains("buyer@example.ir")));
    // A stranger cannot see the proposal.
    let mut other = browser_for(
        &app,
        "buyer_other",
        firm,
        OrgBuilder::new("دیگر").insert(&app.db),
    )
    .await;
    assert_eq!(other.get(&link).await.status, 404);
}
