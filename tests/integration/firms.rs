//! Firms' profiles and merging duplicate firms.

use diesel::prelude::*;
use niaz::db::schema::{needs, organizations, users};

use crate::access::browser_for;
use crate::fixtures::{NeedBuilder, OrgBuilder};
use crate::helpers::spawn_app;

#[actix_web::test]
async fn members_give_their_firm_a_city_and_its_needs_are_found_by_it() {
    let app = spawn_app().await;
    let org = OrgBuilder::new("صنایع بی‌شهر").city("").insert(&app.db);
    let other = OrgBuilder::new("صنایع دیگر").insert(&app.db);
    let need = NeedBuilder::new(org, "کاسه نمد روغن").insert(&app.db);
    app.sync();
    let mut buyer = browser_for(&app, "buyer", org, other).await;
    let dashboard = buyer.get("/my/needs").await;
    assert!(dashboard.body.contains("شهر واحد شما ثبت نشده است"));

    let res = buyer
        .submit(
            "/my/firm",
            "/my/firm",
            &[
                ("city", "تبريز"),
                ("website", "not a site"),
                ("description", "تولید روغن"),
            ],
        )
        .await;
    assert_eq!(res.status, 400);
    assert!(res.body.contains("http://"), "the website is named");
    assert!(res.body.contains("تولید روغن"), "what was typed stays");
    let res = buyer
        .submit(
            "/my/firm",
            "/my/firm",
            &[
                ("city", "تبريز"),
                ("province", "آذربایجان شرقی"),
                ("website", "https://example.ir"),
            ],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    let city: String = organizations::table
        .find(org)
        .select(organizations::city)
        .first(&mut app.db.conn().unwrap())
        .unwrap();
    assert_eq!(city, "تبریز", "stored in its one spelling");
    app.sync();
    let list = app.get("/needs?city=%D8%AA%D8%A8%D8%B1%DB%8C%D8%B2").await;
    assert!(list.body.contains(&format!("/needs/{need}")));
    let (_, json) = app
        .get_json("/api/v1/needs?city=%D8%AA%D8%A8%D8%B1%DB%8C%D8%B2")
        .await;
    assert!(json["hits"]
        .as_array()
        .unwrap()
        .iter()
        .any(|h| h["id"] == need));

    // Nobody else's firm: another firm's member is refused the organizers' form.
    let mut stranger = browser_for(&app, "buyer_other", other, other).await;
    assert_eq!(
        stranger.get(&format!("/admin/firms/{org}")).await.status,
        403
    );
}

#[actix_web::test]
async fn organizers_merge_a_firm_registered_twice() {
    let app = spawn_app().await;
    let keep = OrgBuilder::new("پتروشیمی تبریز").insert(&app.db);
    let twin = OrgBuilder::new("پتروشیمي تبريز").insert(&app.db);
    let n1 = NeedBuilder::new(keep, "پمپ گریز از مرکز").insert(&app.db);
    let n2 = NeedBuilder::new(twin, "شیر کشویی").insert(&app.db);
    app.sync();
    let _member = browser_for(&app, "buyer", twin, twin).await;
    let mut staff = browser_for(&app, "organizer", 0, 0).await;
    let list = staff.get("/admin/firms").await;
    assert!(list.body.contains("پتروشیمي تبريز"));

    let res = staff
        .submit(
            "/admin/firms",
            &format!("/admin/firms/{twin}/merge"),
            &[("into", &twin.to_string())],
        )
        .await;
    assert_eq!(res.status, 400);
    assert!(res.body.contains("در خودش ادغام"));
    let res = staff
        .submit(
            "/admin/firms",
            &format!("/admin/firms/{twin}/merge"),
            &[("into", "99999")],
        )
        .await;
    assert_eq!(res.status, 400);
    let res = staff
        .submit(
            "/admin/firms",
            &format!("/admin/firms/{twin}/merge"),
            &[("into", &keep.to_string())],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.body);

    let mut conn = app.db.conn().unwrap();
    let owners: Vec<i32> = needs::table
        .filter(needs::id.eq_any([n1, n2]))
        .select(needs::organization_id)
        .load(&mut *conn)
        .unwrap();
    assert_eq!(owners, [keep, keep]);
    let member_org: Option<i32> = users::table
        .filter(users::email.eq("buyer@example.ir"))
        .select(users::organization_id)
        .first(&mut *conn)
        .unwrap();
    assert_eq!(member_org, Some(keep));
    let gone: i64 = organizations::table
        .find(twin)
        .count()
        .get_result(&mut *conn)
        .unwrap();
    assert_eq!(gone, 0);
    let (log, _) =
        niaz::db::audit::list(&mut conn, &niaz::db::audit::Filter::default(), 10, 0).unwrap();
    assert!(log
        .iter()
        .any(|e| e.action == "POST /admin/firms/{id}/merge" && e.target == format!("id={twin}")));
}
