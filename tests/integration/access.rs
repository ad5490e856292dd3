//! Who may do what: every route against every role, in one table; and the staff's controls.

use niaz::domain::account::Role;
use niaz::services::accounts::create_user_cli;

use crate::fixtures::OrgBuilder;
use crate::helpers::{csrf_of, spawn_app, Browser, TestApp};

const PASSWORD: &str = "گذرواژه‌ی بلند آزمون دسترسی";

const ROLES: [&str; 7] = [
    "anonymous",
    "unverified",
    "buyer",
    "buyer_other",
    "supplier",
    "organizer",
    "admin",
];

async fn browser_for(app: &TestApp, role: &str, org: i32, other_org: i32) -> Browser {
    let mut b = app.browser();
    if role == "anonymous" {
        b.get("/login").await; // a visitor session, so forms carry a token
        return b;
    }
    let email = format!("{role}@example.ir");
    if role == "unverified" {
        let res = b
            .submit(
                "/signup",
                "/signup",
                &[
                    ("role", "supplier"),
                    ("name", "تازه‌وارد"),
                    ("email", &email),
                    ("password", PASSWORD),
                ],
            )
            .await;
        assert_eq!(res.status, 303);
        return b;
    }
    let r = match role {
        "buyer" | "buyer_other" => Role::Buyer,
        "supplier" => Role::Supplier,
        "organizer" => Role::Organizer,
        _ => Role::Admin,
    };
    let mut conn = app.db.conn().unwrap();
    let id = create_user_cli(&mut conn, &email, role, r, PASSWORD).unwrap();
    if r == Role::Buyer {
        use diesel::prelude::*;
        use niaz::db::schema::users;
        let o = if role == "buyer" { org } else { other_org };
        diesel::update(users::table.find(id))
            .set(users::organization_id.eq(Some(o)))
            .execute(&mut *conn)
            .unwrap();
    }
    let res = b
        .submit(
            "/login",
            "/login",
            &[("email", &email), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(res.status, 303, "{role} logs in");
    b
}

#[actix_web::test]
async fn every_route_for_every_role() {
    let app = spawn_app().await;
    let org = OrgBuilder::new("کارخانه الف").insert(&app.db);
    let other_org = OrgBuilder::new("کارخانه ب").insert(&app.db);
    let target_org = OrgBuilder::new("کارخانه در انتظار").insert(&app.db);
    let need = crate::fixtures::NeedBuilder::new(org, "نیاز آزمایشی").insert(&app.db);
    app.sync();

    // (method, path, [anonymous, unverified, buyer, buyer_other, supplier, organizer, admin])
    let n = need.to_string();
    let t = target_org.to_string();
    let table: Vec<(&str, String, [u16; 7])> = vec![
        ("GET", "/".into(), [200, 200, 200, 200, 200, 200, 200]),
        ("GET", "/needs".into(), [200, 200, 200, 200, 200, 200, 200]),
        (
            "GET",
            format!("/needs/{n}"),
            [200, 200, 200, 200, 200, 200, 200],
        ),
        (
            "GET",
            format!("/firms/{org}"),
            [200, 200, 200, 200, 200, 200, 200],
        ),
        (
            "GET",
            "/search?q=x".into(),
            [200, 200, 200, 200, 200, 200, 200],
        ),
        ("GET", "/about".into(), [200, 200, 200, 200, 200, 200, 200]),
        (
            "GET",
            "/api/v1/needs".into(),
            [200, 200, 200, 200, 200, 200, 200],
        ),
        (
            "GET",
            format!("/api/v1/needs/{n}"),
            [200, 200, 200, 200, 200, 200, 200],
        ),
        (
            "GET",
            "/healthz".into(),
            [200, 200, 200, 200, 200, 200, 200],
        ),
        ("GET", "/signup".into(), [200, 303, 303, 303, 303, 303, 303]),
        ("GET", "/login".into(), [200, 303, 303, 303, 303, 303, 303]),
        (
            "GET",
            "/password/forgot".into(),
            [200, 200, 200, 200, 200, 200, 200],
        ),
        (
            "GET",
            "/account".into(),
            [303, 200, 200, 200, 200, 200, 200],
        ),
        (
            "GET",
            "/account/2fa".into(),
            [303, 200, 200, 200, 200, 200, 200],
        ),
        ("GET", "/admin".into(), [303, 409, 403, 403, 403, 200, 200]),
        (
            "POST",
            "/account".into(),
            [401, 303, 303, 303, 303, 303, 303],
        ),
        (
            "POST",
            "/account/invite".into(),
            [401, 409, 303, 303, 403, 403, 403],
        ),
        (
            "POST",
            "/verify/resend".into(),
            [401, 303, 303, 303, 303, 303, 303],
        ),
        (
            "POST",
            format!("/admin/organizations/{t}/verify"),
            [401, 409, 403, 403, 403, 303, 303],
        ),
        (
            "POST",
            "/admin/settings".into(),
            [401, 409, 403, 403, 403, 403, 303],
        ),
        (
            "POST",
            "/admin/users/1/role".into(),
            [401, 409, 403, 403, 403, 403, 303],
        ),
        (
            "POST",
            "/admin/mail/999/retry".into(),
            [401, 409, 403, 403, 403, 403, 404],
        ),
    ];

    let mut failures = Vec::new();
    for (i, role) in ROLES.iter().enumerate() {
        let mut b = browser_for(&app, role, org, other_org).await;
        for (method, path, expected) in &table {
            let status = if *method == "GET" {
                b.get(path).await.status.as_u16()
            } else {
                // Every POST carries the session's own token, so only authorization decides.
                let page = b
                    .get(if *role == "anonymous" {
                        "/login"
                    } else {
                        "/account"
                    })
                    .await;
                let token = csrf_of(&page.body);
                let extra: Vec<(&str, String)> = match path.as_str() {
                    "/account" => vec![("name", "نام".into()), ("lang", "fa".into())],
                    "/account/invite" => vec![("email", format!("invitee-{role}@example.ir"))],
                    "/admin/users/1/role" => vec![("role", "organizer".into())],
                    _ => vec![],
                };
                let mut form: Vec<(&str, &str)> = vec![("csrf", token.as_str())];
                form.extend(extra.iter().map(|(k, v)| (*k, v.as_str())));
                b.post(path, &form).await.status.as_u16()
            };
            if status != expected[i] {
                failures.push(format!(
                    "{role:>11} {method} {path}: got {status}, want {}",
                    expected[i]
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[actix_web::test]
async fn admins_grant_roles_and_can_require_two_factor_for_staff() {
    let app = spawn_app().await;
    let org = OrgBuilder::new("کارخانه").insert(&app.db);
    let mut admin = browser_for(&app, "admin", org, org).await;
    let mut staff = browser_for(&app, "supplier", org, org).await;
    assert_eq!(staff.get("/admin").await.status, 403);
    let supplier =
        niaz::db::accounts::find_user_by_email(&mut app.db.conn().unwrap(), "supplier@example.ir")
            .unwrap()
            .unwrap();

    let res = admin
        .submit(
            "/admin",
            &format!("/admin/users/{}/role", supplier.id),
            &[("role", "organizer")],
        )
        .await;
    assert_eq!(res.status, 303);
    assert_eq!(
        staff.get("/admin").await.status,
        200,
        "the new organizer sees the admin page"
    );
    let page = staff.get("/admin").await;
    assert!(
        !page.body.contains("/admin/settings"),
        "organizers do not see admin settings"
    );

    // Organizers verify organizations.
    let res = staff
        .submit("/admin", &format!("/admin/organizations/{org}/verify"), &[])
        .await;
    assert_eq!(res.status, 303);
    let o = niaz::db::catalogue::find_organization(&mut app.db.conn().unwrap(), org)
        .unwrap()
        .unwrap();
    assert!(o.verified);

    // Mandatory two-factor for staff.
    let res = admin
        .submit("/admin", "/admin/settings", &[("require_2fa", "1")])
        .await;
    assert_eq!(res.status, 303);
    assert_eq!(
        staff.get("/admin").await.status,
        409,
        "organizer without 2FA is stopped"
    );
    let mut again = app.browser();
    let res = again
        .submit(
            "/login",
            "/login",
            &[("email", "supplier@example.ir"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(
        res.header("location").as_deref(),
        Some("/account/2fa?done=required")
    );

    // Revoke.
    let res = admin
        .submit(
            "/admin",
            &format!("/admin/users/{}/role", supplier.id),
            &[("role", "member")],
        )
        .await;
    assert_eq!(
        res.status, 409,
        "the admin is now stopped too until 2FA is on"
    );
}
