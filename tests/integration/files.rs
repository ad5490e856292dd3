//! Drawings and photos: content-checked, re-encoded without metadata, served only to those who
//! may see them, never executable in the site's origin.

use niaz::domain::account::Role;
use niaz::services::accounts::create_user_cli;

use crate::fixtures::{NeedBuilder, OrgBuilder};
use crate::helpers::{csrf_of, spawn_app, Browser, TestApp};

const PASSWORD: &str = "گذرواژه بلند آزمون فایل‌ها";

async fn buyer(app: &TestApp, email: &str, org: i32) -> Browser {
    let mut conn = app.db.conn().unwrap();
    let id = create_user_cli(&mut conn, email, "خریدار", Role::Buyer, PASSWORD).unwrap();
    {
        use diesel::prelude::*;
        use niaz::db::schema::users;
        diesel::update(users::table.find(id))
            .set(users::organization_id.eq(Some(org)))
            .execute(&mut *conn)
            .unwrap();
    }
    let mut b = app.browser();
    b.submit(
        "/login",
        "/login",
        &[("email", email), ("password", PASSWORD)],
    )
    .await;
    b
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for b in bytes {
        crc ^= u32::from(*b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A small PNG carrying a text chunk that must not survive the upload.
fn png_with_metadata() -> Vec<u8> {
    let img = image::RgbImage::from_fn(40, 30, |x, y| image::Rgb([x as u8 * 6, y as u8 * 8, 120]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    let png = out.into_inner();
    let data = b"Comment\0SECRET-GPS-38.08N-46.29E";
    let mut chunk = Vec::new();
    chunk.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let mut typed = b"tEXt".to_vec();
    typed.extend_from_slice(data);
    chunk.extend_from_slice(&typed);
    chunk.extend_from_slice(&crc32(&typed).to_be_bytes());
    let mut with = png[..33].to_vec();
    with.extend_from_slice(&chunk);
    with.extend_from_slice(&png[33..]);
    with
}

async fn upload(
    b: &mut Browser,
    need: i32,
    name: &str,
    bytes: &[u8],
    visibility: &str,
) -> crate::helpers::Page {
    let token = csrf_of(&b.get("/account").await.body);
    b.post_multipart(
        &format!("/my/needs/{need}/files"),
        &[("csrf", &token), ("visibility", visibility)],
        (name, bytes),
    )
    .await
}

#[actix_web::test]
async fn drawings_are_checked_cleaned_and_served_only_to_those_who_may_see_them() {
    let app = spawn_app().await;
    let org = OrgBuilder::new("کارخانه نقشه").insert(&app.db);
    let other = OrgBuilder::new("کارخانه دیگر").insert(&app.db);
    let need = NeedBuilder::new(org, "چرخ‌دنده با نقشه").insert(&app.db);
    let mut owner = buyer(&app, "owner-files@example.ir", org).await;
    let mut stranger = buyer(&app, "stranger-files@example.ir", other).await;

    let png = png_with_metadata();
    assert!(String::from_utf8_lossy(&png).contains("SECRET-GPS"));
    let res = upload(&mut owner, need, "photo.png", &png, "public").await;
    assert_eq!(res.status, 303, "{}", res.body);
    let res = upload(
        &mut owner,
        need,
        "drawing.pdf",
        b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n",
        "introduced",
    )
    .await;
    assert_eq!(res.status, 303);
    // New drawings on a published need send it back to review; an organizer approves it.
    let status = niaz::db::catalogue::find_need(&mut app.db.conn().unwrap(), need)
        .unwrap()
        .unwrap()
        .0
        .status;
    assert_eq!(status, niaz::domain::need::NeedStatus::PendingReview);
    niaz::services::need_status::apply(
        &mut app.db.conn().unwrap(),
        need,
        niaz::domain::need::NeedEvent::Approved,
    )
    .unwrap();

    // An SVG or HTML file dressed up as an image is refused, in Persian.
    let svg =
        b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(document.cookie)</script></svg>";
    let res = upload(&mut owner, need, "innocent.png", svg, "public").await;
    assert_eq!(res.status, 400);
    assert!(res.body.contains("فقط تصویر"), "{}", res.body);
    // Another firm cannot add files.
    assert_eq!(
        upload(&mut stranger, need, "x.png", &png, "public")
            .await
            .status,
        403
    );

    let files = niaz::db::attachments::of_need(&mut app.db.conn().unwrap(), need).unwrap();
    assert_eq!(files.len(), 2);
    let (image_id, pdf_id) = (files[0].id, files[1].id);

    // The public image: anyone, inline, cleaned, never sniffed or run.
    let anon = app.get(&format!("/files/{image_id}/full")).await;
    assert_eq!(anon.status, 200);
    assert_eq!(anon.header("content-type").as_deref(), Some("image/png"));
    assert_eq!(
        anon.header("x-content-type-options").as_deref(),
        Some("nosniff")
    );
    assert!(anon
        .header("content-security-policy")
        .unwrap()
        .contains("sandbox"));
    assert!(!anon.body.contains("SECRET-GPS"), "metadata is stripped");
    assert_eq!(
        app.get(&format!("/files/{image_id}/thumb")).await.status,
        200
    );

    // The confidential drawing: the firm only, as a download.
    assert_eq!(app.get(&format!("/files/{pdf_id}/full")).await.status, 404);
    assert_eq!(
        stranger.get(&format!("/files/{pdf_id}/full")).await.status,
        404
    );
    let mine = owner.get(&format!("/files/{pdf_id}/full")).await;
    assert_eq!(mine.status, 200);
    assert!(mine
        .header("content-disposition")
        .unwrap()
        .starts_with("attachment"));

    // The need page shows the photo and says a drawing is held back.
    let page = app.get(&format!("/needs/{need}")).await;
    assert!(page.body.contains(&format!("/files/{image_id}/thumb")));
    assert!(!page.body.contains(&format!("/files/{pdf_id}/")));
    assert!(page
        .body
        .contains("نقشه‌های محرمانه پس از معرفی نمایش داده می‌شوند"));

    // Search knows the need has a drawing.
    app.sync();
    let (_, json) = app.get_json("/api/v1/needs?has_drawing=true").await;
    assert_eq!(json["total"], 1);

    // Removing a file.
    let token = csrf_of(&owner.get("/account").await.body);
    let res = owner
        .post(
            &format!("/my/needs/{need}/files/{pdf_id}/delete"),
            &[("csrf", &token)],
        )
        .await;
    assert_eq!(res.status, 303);
    assert_eq!(
        owner.get(&format!("/files/{pdf_id}/full")).await.status,
        404
    );
}
