//! Firms post needs, organizers review them, and approved needs become searchable.

use niaz::domain::account::Role;
use niaz::services::accounts::create_user_cli;

use crate::fixtures::OrgBuilder;
use crate::helpers::{csrf_of, spawn_app, Browser, TestApp};

const PASSWORD: &str = "گذرواژه بلند آزمون ثبت نیاز";

pub async fn user(app: &TestApp, email: &str, role: Role, org: Option<i32>) -> Browser {
    let mut conn = app.db.conn().unwrap();
    let id = create_user_cli(&mut conn, email, "کاربر آزمون", role, PASSWORD).unwrap();
    if let Some(o) = org {
        use diesel::prelude::*;
        use niaz::db::schema::users;
        diesel::update(users::table.find(id))
            .set(users::organization_id.eq(Some(o)))
            .execute(&mut *conn)
            .unwrap();
    }
    let mut b = app.browser();
    let res = b
        .submit(
            "/login",
            "/login",
            &[("email", email), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(res.status, 303);
    b
}

fn status_of(app: &TestApp, id: i32) -> String {
    niaz::db::catalogue::find_need(&mut app.db.conn().unwrap(), id)
        .unwrap()
        .unwrap()
        .0
        .status
        .as_str()
        .to_string()
}

async fn post(b: &mut Browser, path: &str, fields: &[(&str, &str)]) -> crate::helpers::Page {
    let token = csrf_of(&b.get("/account").await.body);
    let mut form = vec![("csrf", token.as_str())];
    form.extend_from_slice(fields);
    b.post(path, &form).await
}

#[actix_web::test]
async fn a_need_goes_from_draft_through_review_to_search() {
    let app = spawn_app().await;
    let org = OrgBuilder::new("ماشین‌سازی آزمون").insert(&app.db);
    let mut buyer = user(&app, "buyer@example.ir", Role::Buyer, Some(org)).await;
    let mut organizer = user(&app, "org@example.ir", Role::Organizer, None).await;

    assert_eq!(buyer.get("/my/needs/new").await.status, 200);
    // Submitting an incomplete need: each missing field named, what was typed kept.
    let res = post(
        &mut buyer,
        "/my/needs/new",
        &[
            ("action", "submit"),
            ("title", "یاتاقان بوش برنزی"),
            ("hs_code", "12"),
        ],
    )
    .await;
    assert_eq!(res.status, 400);
    assert!(res.body.contains("کد تعرفه باید ۴ تا ۱۰ رقم باشد"));
    assert!(res.body.contains(r#"value="یاتاقان بوش برنزی""#));
    let res = post(
        &mut buyer,
        "/my/needs/new",
        &[("action", "submit"), ("title", "یاتاقان بوش برنزی")],
    )
    .await;
    assert_eq!(res.status, 400);
    assert!(
        res.body.contains("این مورد لازم است"),
        "description and quantity required"
    );
    assert!(res.body.contains("گروه مناسب قطعه را انتخاب کنید"));

    // A draft may be incomplete, and is not public.
    let res = post(
        &mut buyer,
        "/my/needs/new",
        &[("action", "draft"), ("title", "یاتاقان بوش برنزی")],
    )
    .await;
    assert_eq!(res.status, 303);
    let id: i32 = res.header("x-need-id").unwrap().parse().unwrap();
    assert_eq!(status_of(&app, id), "draft");
    assert_eq!(app.get(&format!("/needs/{id}")).await.status, 404);
    assert!(buyer
        .get("/my/needs")
        .await
        .body
        .contains("یاتاقان بوش برنزی"));

    let full = [
        ("action", "submit"),
        ("title", "یاتاقان بوش برنزی"),
        ("description", "بوش برنزی غلتک خشک‌کن، ماشین‌کاری دقیق"),
        ("category", "shafts-bushings"),
        ("part_number", "BZ-80x100x120"),
        ("quantity_per_year", "۲۴۰"),
        ("unit", "piece"),
        ("unit_price", "140"),
        ("currency", "EUR"),
        ("origin_country", "آلمان"),
        ("deadline", "1455/06/31"),
    ];
    // A deadline already past is named, and nothing else changes.
    let mut past = full;
    past[10] = ("deadline", "1404/06/31");
    let res = post(&mut buyer, &format!("/my/needs/{id}/edit"), &past).await;
    assert_eq!(res.status, 400);
    assert!(res.body.contains("این تاریخ گذشته است"), "{}", res.body);
    assert_eq!(status_of(&app, id), "draft");
    let res = post(&mut buyer, &format!("/my/needs/{id}/edit"), &full).await;
    assert_eq!(res.status, 303, "{}", res.body);
    assert_eq!(status_of(&app, id), "pending_review");

    // The organizer's queue; a rejection needs a reason, which is mailed to the firm.
    let queue = organizer.get("/admin/review").await;
    assert!(queue.body.contains("یاتاقان بوش برنزی"));
    let res = post(
        &mut organizer,
        &format!("/admin/review/{id}"),
        &[("decision", "reject")],
    )
    .await;
    assert_eq!(res.status, 400);
    let res = post(
        &mut organizer,
        &format!("/admin/review/{id}"),
        &[
            ("decision", "reject"),
            ("reason", "نقشه یا ابعاد دقیق را اضافه کنید"),
        ],
    )
    .await;
    assert_eq!(res.status, 303);
    assert_eq!(status_of(&app, id), "draft");
    let mail = app.drain_mail().await;
    let rejected = mail
        .iter()
        .find(|m| m.to == "buyer@example.ir")
        .expect("the firm is told");
    assert!(rejected.text.contains("نقشه یا ابعاد دقیق را اضافه کنید"));
    assert!(buyer
        .get("/my/needs")
        .await
        .body
        .contains("نقشه یا ابعاد دقیق را اضافه کنید"));

    // Resubmit, approve: published, mailed, searchable.
    post(&mut buyer, &format!("/my/needs/{id}/edit"), &full).await;
    let res = post(
        &mut organizer,
        &format!("/admin/review/{id}"),
        &[("decision", "approve")],
    )
    .await;
    assert_eq!(res.status, 303);
    assert_eq!(status_of(&app, id), "published");
    assert!(app
        .drain_mail()
        .await
        .iter()
        .any(|m| m.subject.contains("منتشر شد")));
    app.sync();
    let (_, json) = app.get_json("/api/v1/needs?q=BZ-80x100x120").await;
    assert_eq!(json["total"], 1);
    assert_eq!(app.get(&format!("/needs/{id}")).await.status, 200);
    let decisions = niaz::db::posting::decisions_count(&mut app.db.conn().unwrap(), id).unwrap();
    assert_eq!(decisions, 2, "every decision is recorded");

    // A minor edit keeps it published; a significant one sends it back to review.
    let mut minor: Vec<(&str, &str)> = full.to_vec();
    minor.retain(|(k, _)| *k != "quantity_per_year");
    minor.push(("quantity_per_year", "300"));
    post(&mut buyer, &format!("/my/needs/{id}/edit"), &minor).await;
    assert_eq!(status_of(&app, id), "published");
    let mut major = minor.clone();
    major.retain(|(k, _)| *k != "title");
    major.push(("title", "بوش برنزی غلتک"));
    post(&mut buyer, &format!("/my/needs/{id}/edit"), &major).await;
    assert_eq!(status_of(&app, id), "pending_review");
}

#[actix_web::test]
async fn only_the_firm_and_staff_manage_a_need() {
    let app = spawn_app().await;
    let org = OrgBuilder::new("کارخانه الف").insert(&app.db);
    let other = OrgBuilder::new("کارخانه ب").insert(&app.db);
    let need = crate::fixtures::NeedBuilder::new(org, "نیاز الف").insert(&app.db);
    let mut owner = user(&app, "owner@example.ir", Role::Buyer, Some(org)).await;
    let mut stranger = user(&app, "stranger@example.ir", Role::Buyer, Some(other)).await;
    let mut supplier = user(&app, "maker@example.ir", Role::Supplier, None).await;

    assert_eq!(
        stranger.get(&format!("/my/needs/{need}/edit")).await.status,
        403
    );
    assert_eq!(
        post(&mut stranger, &format!("/my/needs/{need}/withdraw"), &[])
            .await
            .status,
        403
    );
    assert_eq!(supplier.get("/my/needs/new").await.status, 403);
    assert_eq!(supplier.get("/my/needs").await.status, 403);
    assert_eq!(
        owner.get(&format!("/my/needs/{need}/edit")).await.status,
        200
    );

    let res = post(&mut owner, &format!("/my/needs/{need}/duplicate"), &[]).await;
    assert_eq!(res.status, 303);
    assert!(res.header("location").unwrap().ends_with("/edit"));
    let res = post(&mut owner, &format!("/my/needs/{need}/withdraw"), &[]).await;
    assert_eq!(res.status, 303);
    assert_eq!(status_of(&app, need), "closed");
    assert_eq!(app.get(&format!("/needs/{need}")).await.status, 404);
}

#[actix_web::test]
async fn published_needs_expire_after_a_reminder_and_renew_with_one_click() {
    use diesel::prelude::*;
    use niaz::db::schema::needs;
    let app = spawn_app().await;
    let org = OrgBuilder::new("کارخانه تمدید").insert(&app.db);
    let mut buyer = user(&app, "renew@example.ir", Role::Buyer, Some(org)).await;
    let id = crate::fixtures::NeedBuilder::new(org, "کمپرسور باد").insert(&app.db);
    let long_ago = chrono::Utc::now().naive_utc() - chrono::Duration::days(170);
    diesel::update(needs::table.find(id))
        .set(needs::published_at.eq(Some(long_ago)))
        .execute(&mut *app.db.conn().unwrap())
        .unwrap();

    let (reminded, expired) = niaz::jobs::run_lifecycle_once(&app.state).await.unwrap();
    assert_eq!(
        (reminded, expired),
        (1, 0),
        "180 days from publication is within 14 days"
    );
    let mail = app.drain_mail().await;
    let reminder = mail
        .iter()
        .find(|m| m.to == "renew@example.ir")
        .expect("the firm is reminded");
    assert!(reminder.text.contains("کمپرسور باد"));
    assert!(reminder.text.contains("/my/needs"));
    assert_eq!(
        niaz::jobs::run_lifecycle_once(&app.state).await.unwrap(),
        (0, 0),
        "reminded once"
    );

    let past = chrono::Utc::now().naive_utc() - chrono::Duration::hours(1);
    diesel::update(needs::table.find(id))
        .set(needs::expires_at.eq(Some(past)))
        .execute(&mut *app.db.conn().unwrap())
        .unwrap();
    assert_eq!(
        niaz::jobs::run_lifecycle_once(&app.state).await.unwrap(),
        (0, 1)
    );
    assert_eq!(status_of(&app, id), "expired");
    assert_eq!(app.get(&format!("/needs/{id}")).await.status, 404);

    let res = post(&mut buyer, &format!("/my/needs/{id}/renew"), &[]).await;
    assert_eq!(res.status, 303);
    assert_eq!(status_of(&app, id), "published");
    let need = niaz::db::catalogue::find_need(&mut app.db.conn().unwrap(), id)
        .unwrap()
        .unwrap()
        .0;
    assert!(
        need.expires_at.unwrap() > chrono::Utc::now().naive_utc() + chrono::Duration::days(170)
    );
    assert_eq!(app.get(&format!("/needs/{id}")).await.status, 200);
}

#[actix_web::test]
async fn organizers_upload_a_spreadsheet_preview_it_and_confirm() {
    let app = spawn_app().await;
    let mut organizer = user(&app, "importer@example.ir", Role::Organizer, None).await;
    let org = OrgBuilder::new("کارخانه").insert(&app.db);
    let mut buyer = user(&app, "b@example.ir", Role::Buyer, Some(org)).await;
    assert_eq!(buyer.get("/admin/import").await.status, 403);

    let bad = "title,organization,hs_code\nپمپ,کارخانه,84A\n,کارخانه,\n";
    let token = csrf_of(&organizer.get("/admin/import").await.body);
    let page = organizer
        .post_multipart(
            "/admin/import",
            &[("csrf", &token), ("status", "published")],
            ("bad.csv", bad.as_bytes()),
        )
        .await;
    assert_eq!(page.status, 400);
    assert!(page.body.contains("ردیف ۲، ستون hs_code"), "{}", page.body);
    assert!(page.body.contains("ردیف ۳، ستون title"));

    let example = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/needs-example.csv"),
    )
    .unwrap();
    let page = organizer
        .post_multipart(
            "/admin/import",
            &[("csrf", &token), ("status", "published")],
            ("needs.csv", &example),
        )
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains("بلبرینگ شیار عمیق"),
        "preview lists the rows"
    );
    assert_eq!(
        niaz::db::catalogue::count_needs(&mut app.db.conn().unwrap()).unwrap(),
        0,
        "nothing before confirming"
    );
    let upload = page
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
    assert_eq!(res.status, 303);
    assert_eq!(
        niaz::db::catalogue::count_needs(&mut app.db.conn().unwrap()).unwrap(),
        3
    );
    app.sync();
    let (_, json) = app.get_json("/api/v1/needs?q=6205-2RS").await;
    assert_eq!(json["total"], 1);
    let again = organizer
        .post(
            "/admin/import/confirm",
            &[
                ("csrf", &token),
                ("token", &upload),
                ("status", "published"),
            ],
        )
        .await;
    assert_eq!(again.status, 409, "an upload is used once");
}

#[actix_web::test]
async fn a_firm_that_needs_the_same_part_joins_instead_of_posting_a_copy() {
    let app = spawn_app().await;
    let first = OrgBuilder::new("کارخانه اول").insert(&app.db);
    let second = OrgBuilder::new("کارخانه دوم").insert(&app.db);
    let need = crate::fixtures::NeedBuilder::new(first, "بلبرینگ ۶۲۰۵")
        .part_number("6205-2RS")
        .quantity(1000, 450, "USD")
        .insert(&app.db);
    let mut buyer = user(&app, "second@example.ir", Role::Buyer, Some(second)).await;

    let offer = post(
        &mut buyer,
        "/my/needs/new",
        &[
            ("action", "submit"),
            ("title", "بلبرینگ"),
            ("part_number", "6205 2rs"),
            ("quantity_per_year", "500"),
            ("unit_price", "4.20"),
            ("currency", "USD"),
        ],
    )
    .await;
    assert_eq!(offer.status, 200);
    assert!(
        offer.body.contains("ما هم این را لازم داریم"),
        "the form offers to join"
    );
    assert!(offer.body.contains(&format!("/needs/{need}/join")));

    let res = post(
        &mut buyer,
        &format!("/needs/{need}/join"),
        &[
            ("quantity_per_year", "۵۰۰"),
            ("unit_price", "4.20"),
            ("currency", "USD"),
        ],
    )
    .await;
    assert_eq!(res.status, 303);
    let page = app.get(&format!("/needs/{need}")).await;
    assert!(
        page.body.contains("۲ واحد صنعتی این قطعه را لازم دارند"),
        "{}",
        page.body
    );
    assert!(page.body.contains("۱٬۵۰۰ عدد"), "combined yearly quantity");
    assert!(
        page.body.contains("۶٫6 هزار دلار") || page.body.contains("۶٫۶ هزار دلار"),
        "combined value 4,500 + 2,100"
    );

    // Posting one's own anyway is still possible.
    let own = post(
        &mut buyer,
        "/my/needs/new",
        &[
            ("action", "draft"),
            ("title", "بلبرینگ"),
            ("part_number", "6205-2RS"),
            ("confirm_new", "1"),
        ],
    )
    .await;
    assert_eq!(own.status, 303);
}

#[actix_web::test]
async fn organizers_post_for_a_firm_and_publish_directly() {
    let app = spawn_app().await;
    let org = OrgBuilder::new("ذوب‌آهن نمونه").insert(&app.db);
    let mut organizer = user(&app, "poster@example.ir", Role::Organizer, None).await;
    let form = organizer.get("/my/needs/new").await;
    assert!(form.body.contains("ذوب‌آهن نمونه"), "firms to choose from");
    let org_id = org.to_string();
    let res = post(
        &mut organizer,
        "/my/needs/new",
        &[
            ("action", "submit"),
            ("organization_id", &org_id),
            ("title", "آجر نسوز پاتیل"),
            ("description", "آجر منیزیت کربن"),
            ("category", "refractory-bricks"),
            ("quantity_per_year", "40"),
            ("unit", "ton"),
        ],
    )
    .await;
    assert_eq!(res.status, 303, "{}", res.body);
    let id: i32 = res.header("x-need-id").unwrap().parse().unwrap();
    assert_eq!(
        status_of(&app, id),
        "published",
        "organizers need no review"
    );
    let back = organizer
        .get(res.header("location").as_deref().unwrap())
        .await;
    assert_eq!(back.status, 200, "the organizer lands on the saved need");
    let need = niaz::db::catalogue::find_need(&mut app.db.conn().unwrap(), id)
        .unwrap()
        .unwrap()
        .0;
    assert_eq!(need.organization_id, org);
}

/// The review queue shows what an organizer needs to decide: part number, quantity, value,
/// category and the drawings, without opening another page.
#[actix_web::test]
async fn the_review_queue_shows_everything_needed_to_decide() {
    let app = crate::helpers::spawn_app().await;
    let org = crate::fixtures::OrgBuilder::new("صنایع آزمون").insert(&app.db);
    let need = crate::fixtures::NeedBuilder::new(org, "چرخ‌دنده مارپیچ")
        .part_number("HG-2040-Z")
        .quantity(300, 2_500, "EUR")
        .status("pending_review")
        .insert(&app.db);
    let file = crate::fixtures::attach_png(&app, need, "drawing.png", true);
    let mut organizer = crate::access::browser_for(&app, "organizer", 0, 0).await;
    let queue = organizer.get("/admin/review").await;
    assert_eq!(queue.status, 200);
    for expected in [
        "چرخ‌دنده مارپیچ".to_string(),
        "HG-2040-Z".to_string(),
        "۳۰۰".to_string(),
        format!("/files/{file}/thumb"),
    ] {
        assert!(queue.body.contains(&expected), "{expected}");
    }
    assert_eq!(
        organizer.get(&format!("/files/{file}/thumb")).await.status,
        200
    );
}

/// The need form as people meet it: no category chosen for them, Enter saves a draft, help
/// tied to its field, every missing and wrong field named at once, a reopened deadline in the
/// form it was typed in.
#[actix_web::test]
async fn the_need_form_names_everything_at_once_and_enter_saves_a_draft() {
    let app = crate::helpers::spawn_app().await;
    let org = crate::fixtures::OrgBuilder::new("صنایع آزمون").insert(&app.db);
    let mut buyer = crate::access::browser_for(&app, "buyer", org, org).await;
    let form = buyer.get("/my/needs/new").await;
    assert!(
        form.body.contains("<option value=\"\" selected>"),
        "no category chosen for them"
    );
    assert!(!form.body.contains("<option value=\"other\""));
    let first_action = form.body.split("name=\"action\" value=\"").nth(1).unwrap();
    assert!(first_action.starts_with("draft"), "Enter saves a draft");
    assert!(
        form.body.contains("aria-describedby=\"h-deadline\"")
            && form.body.contains("id=\"h-deadline\"")
    );

    let res = post(
        &mut buyer,
        "/my/needs/new",
        &[
            ("action", "submit"),
            ("title", "واشر مسی"),
            ("unit_price", "ده دلار"),
            ("currency", "USD"),
        ],
    )
    .await;
    assert_eq!(res.status, 400);
    let errors = res.body.matches("class=\"field-error\"").count();
    assert!(
        errors >= 4,
        "description, category, quantity and price at once: {errors}"
    );
    assert!(res.body.contains("گروه مناسب قطعه را انتخاب کنید"));
    assert!(res.body.contains("واشر مسی"), "what was typed stays");

    let res = post(
        &mut buyer,
        "/my/needs/new",
        &[
            ("action", "draft"),
            ("title", "واشر مسی"),
            ("deadline", "۱۴۵۵/۰۱/۱۵"),
        ],
    )
    .await;
    assert_eq!(res.status, 303, "{}", res.body);
    let id: i32 = {
        use diesel::prelude::*;
        niaz::db::schema::needs::table
            .filter(niaz::db::schema::needs::title.eq("واشر مسی"))
            .select(niaz::db::schema::needs::id)
            .first(&mut app.db.conn().unwrap())
            .unwrap()
    };
    let reopened = buyer.get(&format!("/my/needs/{id}/edit")).await;
    assert!(
        reopened.body.contains("value=\"۱۴۵۵/۰۱/۱۵\""),
        "the deadline as typed"
    );
}

#[actix_web::test]
async fn drawings_go_with_the_first_save_or_nothing_is_saved() {
    use diesel::prelude::*;
    use niaz::db::schema::{attachments, needs};
    let app = spawn_app().await;
    let org = OrgBuilder::new("ریخته‌گری آزمون").insert(&app.db);
    let mut buyer = user(&app, "buyer@example.ir", Role::Buyer, Some(org)).await;
    let token = csrf_of(&buyer.get("/my/needs/new").await.body);
    let count = |app: &crate::helpers::TestApp| -> (i64, i64) {
        let mut conn = app.db.conn().unwrap();
        (
            needs::table.count().get_result(&mut *conn).unwrap(),
            attachments::table.count().get_result(&mut *conn).unwrap(),
        )
    };
    let fields = [
        ("csrf", token.as_str()),
        ("action", "submit"),
        ("title", "پوسته پمپ"),
        ("description", "پوسته چدنی پمپ آب"),
        ("category", "pumps"),
        ("quantity_per_year", "۱۲۰"),
        ("unit_price", "abc"),
        ("visibility", "introduced"),
    ];

    // A wrong field and a file that is no drawing: both named at once, nothing written.
    let res = buyer
        .post_multipart("/my/needs/new", &fields, ("notes.txt", b"just text"))
        .await;
    assert_eq!(res.status, 400, "{}", res.body);
    assert!(res.body.contains(r#"id="e-unit_price""#));
    assert!(res.body.contains(r#"id="e-file""#));
    assert!(
        res.body.contains(r#"value="پوسته پمپ""#),
        "what was typed is kept"
    );
    assert_eq!(count(&app), (0, 0));

    // A right form with a drawing: the need and its file in one step, the file confidential.
    let mut good = fields.to_vec();
    good.retain(|(k, _)| *k != "unit_price");
    let png = crate::fixtures::png_bytes(40, 30);
    let res = buyer
        .post_multipart("/my/needs/new", &good, ("نقشه.png", &png))
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    assert_eq!(count(&app), (1, 1));
    let visibility: String = attachments::table
        .select(attachments::visibility)
        .first(&mut *app.db.conn().unwrap())
        .unwrap();
    assert_eq!(visibility, "introduced");
    let status: String = needs::table
        .select(needs::status)
        .first(&mut *app.db.conn().unwrap())
        .unwrap();
    assert_eq!(status, "pending_review");

    // Without the token in the URL the body is never read.
    let res = buyer
        .post_multipart("/my/needs/new?csrf=wrong", &good, ("نقشه.png", &png))
        .await;
    assert_eq!(res.status, 403);
    assert_eq!(count(&app), (1, 1));
}

#[actix_web::test]
async fn a_file_over_the_limit_keeps_everything_typed_and_names_the_file() {
    let app = crate::helpers::spawn_app_with(|c| c.max_upload_bytes = 1024 * 1024).await;
    let org = crate::fixtures::OrgBuilder::new("ماشین‌سازی حد").insert(&app.db);
    let (mut buyer, _) = crate::fixtures::UserBuilder::buyer("limit@example.com", org)
        .login(&app)
        .await;
    let page = buyer.get("/my/needs/new").await;
    assert!(
        page.body.contains("data-max-bytes=\"1048576\""),
        "the browser can check first"
    );
    let csrf = crate::helpers::csrf_of(&page.body);
    let big = vec![0u8; 3 * 1024 * 1024 / 2];
    let res = buyer
        .post_multipart_around(
            "/my/needs/new",
            &[
                ("csrf", &csrf),
                ("title", "پوسته پمپ سانتریفیوژ"),
                ("description", "نقشه پیوست است"),
            ],
            ("pump-drawing.pdf", &big),
            &[
                ("process_sand_casting", "on"),
                ("anonymous", "yes"),
                ("action", "draft"),
            ],
        )
        .await;
    assert_eq!(res.status, 400);
    assert!(
        res.body.contains("پوسته پمپ سانتریفیوژ"),
        "the title typed before the file is kept"
    );
    assert!(res.body.contains("نقشه پیوست است"));
    assert!(
        res.body
            .contains(r#"name="process_sand_casting" value="on" checked"#),
        "a box ticked after the file is kept"
    );
    assert!(res.body.contains("pump-drawing.pdf"), "the file is named");
    assert!(
        res.body.contains("1.5") && res.body.contains("1.0"),
        "its size and the limit"
    );
    let saved: i64 = {
        use diesel::prelude::*;
        niaz::db::schema::needs::table
            .count()
            .get_result(&mut *app.db.conn().unwrap())
            .unwrap()
    };
    assert_eq!(saved, 0, "nothing is saved");
}
