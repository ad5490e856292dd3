//! Makers' profiles and the public directory.

use crate::access::{browser_for, PASSWORD};
use crate::helpers::{spawn_app, spawn_demo_app};

#[actix_web::test]
async fn a_maker_describes_itself_and_is_found_by_process_and_city() {
    let app = spawn_app().await;
    let mut maker = browser_for(&app, "supplier", 0, 0).await;
    let form = maker.get("/account/profile").await;
    assert_eq!(form.status, 200);
    assert!(
        form.body.contains("تراشکاری CNC"),
        "the process list, in Persian"
    );
    let res = maker
        .submit(
            "/account/profile",
            "/account/profile",
            &[
                ("summary", "ساخت بوش و شفت بر اساس نمونه"),
                ("processes", "cnc_turning"),
                ("processes", "grinding"),
                ("certifications", "iso_9001"),
                // A city typed with an Arabic yeh is the same city.
                ("city", "تبريز"),
                ("materials", "فولاد ۴۱۴۰"),
            ],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    let again = maker.get("/account/profile?done=profile_saved").await;
    assert!(again.body.contains("نمایه ذخیره شد"));
    assert!(again.body.contains(r#"value="cnc_turning" checked"#));

    let id =
        niaz::db::accounts::find_user_by_email(&mut app.db.conn().unwrap(), "supplier@example.ir")
            .unwrap()
            .unwrap()
            .id;
    for query in [
        "",
        "?process=cnc_turning",
        "?process=grinding&city=%D8%AA%D8%A8%D8%B1%DB%8C%D8%B2",
        "?certification=iso_9001",
    ] {
        let page = app.get(&format!("/suppliers{query}")).await;
        assert_eq!(page.status, 200);
        assert!(
            page.body.contains(&format!("/suppliers/{id}")),
            "found with {query:?}"
        );
    }
    for query in ["?process=welding", "?city=%D9%85%D8%B1%D8%A7%D8%BA%D9%87"] {
        let page = app.get(&format!("/suppliers{query}")).await;
        assert!(
            !page.body.contains(&format!("/suppliers/{id}")),
            "not found with {query:?}"
        );
        assert!(
            page.body.contains("سازنده‌ای با این مشخصات پیدا نشد"),
            "empty state"
        );
    }
    let profile = app.get(&format!("/suppliers/{id}")).await;
    assert_eq!(profile.status, 200);
    assert!(profile.body.contains("ساخت بوش و شفت"));
    assert!(
        !profile.body.contains("supplier@example.ir"),
        "never the email address"
    );
    let en = app.get_en(&format!("/suppliers/{id}")).await;
    assert!(en.body.contains("CNC turning") && en.body.contains("ISO 9001"));
}

#[actix_web::test]
async fn a_bad_profile_names_its_fields_and_keeps_what_was_typed() {
    let app = spawn_app().await;
    let mut maker = browser_for(&app, "supplier", 0, 0).await;
    let long = "الف".repeat(2001);
    let res = maker
        .submit(
            "/account/profile",
            "/account/profile",
            &[
                ("summary", &long),
                ("processes", "alchemy"),
                ("materials", "برنج"),
            ],
        )
        .await;
    assert_eq!(res.status, 400);
    assert!(res.body.contains("این فرایند در فهرست نیست"));
    assert!(
        res.body.contains(r#"id="e-summary""#),
        "the summary's error next to it"
    );
    assert!(res.body.contains(r#"value="برنج""#), "typed values kept");
    let page = app.get("/suppliers?process=alchemy").await;
    assert_eq!(page.status, 400, "an unknown filter names its parameter");
}

#[actix_web::test]
async fn unconfirmed_makers_are_not_listed_and_buyers_have_no_maker_profile() {
    let app = spawn_app().await;
    let mut newcomer = app.browser();
    newcomer
        .submit(
            "/signup",
            "/signup",
            &[
                ("role", "supplier"),
                ("name", "تازه‌کار"),
                ("email", "new@example.ir"),
                ("password", PASSWORD),
            ],
        )
        .await;
    newcomer
        .submit(
            "/login",
            "/login",
            &[("email", "new@example.ir"), ("password", PASSWORD)],
        )
        .await;
    // Profiles and photos (uploads of up to eight large files) wait for a confirmed address.
    let page = newcomer.get("/account/profile").await;
    assert_eq!(page.status, 409);
    let token = crate::helpers::csrf_of(&newcomer.get("/account").await.body);
    let res = newcomer
        .post(
            "/account/profile",
            &[
                ("csrf", &token),
                ("summary", "جوشکاری"),
                ("processes", "welding"),
            ],
        )
        .await;
    assert_eq!(res.status, 409, "an unconfirmed maker keeps no profile");
    assert!(res.body.contains("ایمیل"), "{}", res.body);
    let listing = app.get("/suppliers?process=welding").await;
    assert!(
        !listing.body.contains("جوشکاری</p>")
            && listing.body.contains("سازنده‌ای با این مشخصات پیدا نشد")
    );
    let id = niaz::db::accounts::find_user_by_email(&mut app.db.conn().unwrap(), "new@example.ir")
        .unwrap()
        .unwrap()
        .id;
    assert_eq!(app.get(&format!("/suppliers/{id}")).await.status, 404);
}

#[actix_web::test]
async fn the_demo_has_thirty_makers_across_processes_and_cities() {
    let app = spawn_demo_app().await;
    let page = app.get_en("/suppliers").await;
    assert!(
        page.body.contains("30 makers"),
        "{}",
        &page.body[..200.min(page.body.len())]
    );
    let cities = page.body.matches("<option value=\"").count();
    assert!(cities > 40, "process, city and certificate choices");
    let casting = app.get("/suppliers?process=sand_casting").await;
    assert!(casting.body.contains("ریخته‌گری سهند"));
}

#[actix_web::test]
async fn makers_are_found_by_words_in_any_spelling_and_matched_to_needs() {
    let app = spawn_demo_app().await;
    // "ریخته‌گری" typed with an Arabic yeh, without the half-space.
    let page = app
        .get("/suppliers?q=%D8%B1%D9%8A%D8%AE%D8%AA%D9%87%DA%AF%D8%B1%D9%8A")
        .await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("ریخته‌گری سهند"),
        "found by a messy spelling"
    );
    assert!(!page.body.contains("فنرسازی اهر"), "and only what matches");
    // English process names are searchable too, and materials have their own field.
    let page = app.get("/suppliers?q=casting").await;
    assert!(page.body.contains("ریخته‌گری سهند"));
    let page = app
        .get("/suppliers?material=%D8%AA%DB%8C%D8%AA%D8%A7%D9%86%DB%8C%D9%88%D9%85")
        .await;
    assert!(
        page.body.contains("ماشین‌سازی پنج‌محور سهند"),
        "titanium is in its materials"
    );

    // The API: same filters, an envelope with facets, never contacts.
    let (status, json) = app
        .get_json("/api/v1/suppliers?process=sand_casting&limit=5")
        .await;
    assert_eq!(status, 200);
    assert!(json["total"].as_i64().unwrap() >= 1);
    assert_eq!(json["limit"], 5);
    assert!(json["facets"]["process"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["value"] == "sand_casting"));
    assert!(
        json["facets"]["material"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["value"] == "چدن نشکن"),
        "materials are counted one by one"
    );
    let text = json.to_string();
    assert!(!text.contains("@demo.invalid") && !text.contains("email") && !text.contains("phone"));
    let (status, err) = app.get_json("/api/v1/suppliers?process=alchemy").await;
    assert_eq!(status, 400);
    assert_eq!(err["error"]["field"], "process");
    let id = json["hits"][0]["id"].as_i64().unwrap();
    let (status, one) = app.get_json(&format!("/api/v1/suppliers/{id}")).await;
    assert_eq!(status, 200);
    assert_eq!(one["id"], id);

    // A need about a cast pump housing lists casting makers among those who could make it.
    let firm = crate::fixtures::OrgBuilder::new("کارخانه پمپ").insert(&app.db);
    let need = crate::fixtures::NeedBuilder::new(firm, "پوسته چدنی پمپ")
        .description("ریخته‌گری ماسه‌ای چدن نشکن با عملیات حرارتی")
        .insert(&app.db);
    app.sync();
    let page = app.get(&format!("/needs/{need}")).await;
    assert!(page.body.contains("سازندگانی که می‌توانند این را بسازند"));
    assert!(
        page.body.contains("ریخته‌گری سهند"),
        "the foundry is suggested"
    );
}

#[actix_web::test]
async fn firms_report_makers_and_organizers_suspend_them() {
    let app = spawn_app().await;
    let firm = crate::fixtures::OrgBuilder::new("کارخانه").insert(&app.db);
    let need = crate::fixtures::NeedBuilder::new(firm, "قطعه").insert(&app.db);
    app.sync();
    let mut maker = browser_for(&app, "supplier", firm, firm).await;
    maker
        .submit(
            "/account/profile",
            "/account/profile",
            &[("summary", "کارگاه جوشکاری"), ("processes", "welding")],
        )
        .await;
    let id =
        niaz::db::accounts::find_user_by_email(&mut app.db.conn().unwrap(), "supplier@example.ir")
            .unwrap()
            .unwrap()
            .id;
    let mut buyer = browser_for(&app, "buyer", firm, firm).await;
    let res = buyer
        .submit(
            &format!("/suppliers/{id}"),
            &format!("/suppliers/{id}/report"),
            &[("reason", "نمونه را تحویل نداد")],
        )
        .await;
    assert_eq!(res.status, 303);
    let mut staff = browser_for(&app, "organizer", firm, firm).await;
    let admin = staff.get("/admin").await;
    assert!(
        admin.body.contains("نمونه را تحویل نداد"),
        "the report waits for the organizers"
    );
    let res = staff
        .submit(
            &format!("/suppliers/{id}"),
            &format!("/admin/suppliers/{id}/verify"),
            &[],
        )
        .await;
    assert_eq!(res.status, 303);
    assert!(
        app.get(&format!("/suppliers/{id}"))
            .await
            .body
            .contains("تأییدشده"),
        "the badge"
    );
    let res = staff
        .submit(
            "/admin",
            &format!("/admin/suppliers/{id}/suspend"),
            &[("suspend", "1")],
        )
        .await;
    assert_eq!(res.status, 303);
    assert_eq!(
        app.get(&format!("/suppliers/{id}")).await.status,
        404,
        "out of the directory"
    );
    assert!(!app
        .get("/suppliers")
        .await
        .body
        .contains(&format!("/suppliers/{id}\"")));
    let res = maker
        .submit(
            &format!("/needs/{need}/interest"),
            &format!("/needs/{need}/interest"),
            &[("message", "می‌سازم")],
        )
        .await;
    assert_eq!(res.status, 409, "a suspended maker cannot offer");
    assert!(
        !staff
            .get("/admin")
            .await
            .body
            .contains("نمونه را تحویل نداد"),
        "the report is resolved"
    );
}

#[actix_web::test]
async fn makers_show_photos_of_past_work_cleaned_of_metadata() {
    let app = spawn_app().await;
    let mut maker = browser_for(&app, "supplier", 0, 0).await;
    let page = maker.get("/account/profile").await;
    let t = crate::helpers::csrf_of(&page.body);
    let png = crate::fixtures::png_bytes(64, 48);
    let early = maker
        .post_multipart(
            "/account/profile/photos",
            &[("csrf", &t)],
            ("work.png", &png),
        )
        .await;
    assert_eq!(early.status, 400, "a profile comes first");
    maker
        .submit(
            "/account/profile",
            "/account/profile",
            &[("summary", "ریخته‌گری"), ("processes", "sand_casting")],
        )
        .await;
    let res = maker
        .post_multipart(
            "/account/profile/photos",
            &[("csrf", &t)],
            ("work.png", &png),
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    let svg = maker
        .post_multipart(
            "/account/profile/photos",
            &[("csrf", &t)],
            ("x.svg", b"<svg onload=alert(1)/>"),
        )
        .await;
    assert_eq!(svg.status, 400);
    assert!(svg.body.contains("فقط عکس"));
    let id =
        niaz::db::accounts::find_user_by_email(&mut app.db.conn().unwrap(), "supplier@example.ir")
            .unwrap()
            .unwrap()
            .id;
    let profile = app.get(&format!("/suppliers/{id}")).await;
    let photo = profile
        .body
        .split("/suppliers/photos/")
        .nth(1)
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .to_string();
    let full = app.get(&format!("/suppliers/photos/{photo}/full")).await;
    assert_eq!(full.status, 200);
    assert_eq!(full.header("content-type").as_deref(), Some("image/png"));
    assert_eq!(
        full.header("x-content-type-options").as_deref(),
        Some("nosniff")
    );
    let res = maker
        .submit(
            "/account/profile",
            &format!("/account/profile/photos/{photo}/delete"),
            &[],
        )
        .await;
    assert_eq!(res.status, 303);
    assert_eq!(
        app.get(&format!("/suppliers/photos/{photo}/full"))
            .await
            .status,
        404
    );
}
