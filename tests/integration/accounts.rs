//! Accounts: sign-up, verification, login, 2FA, password reset and change, deletion, and the
//! session, CSRF and rate-limit guarantees around them.

use niaz::db::accounts as q;

use crate::helpers::{csrf_of, spawn_app, Browser, TestApp};

const PASSWORD: &str = "یک گذرواژه بلند فارسی برای آزمون";

/// The link in a mail's text body that starts with `prefix`.
fn link_in(text: &str, prefix: &str) -> String {
    let start = text
        .find(prefix)
        .unwrap_or_else(|| panic!("no {prefix} link in {text}"));
    text[start..].split_whitespace().next().unwrap().to_string()
}

fn path_of(url: &str) -> String {
    let rest = url.split("://").nth(1).unwrap();
    rest[rest.find('/').unwrap()..].to_string()
}

/// Signs up a supplier and returns the browser, signed in but not verified.
async fn sign_up(app: &TestApp, email: &str) -> Browser {
    let mut b = app.browser();
    let res = b
        .submit(
            "/signup",
            "/signup",
            &[
                ("role", "supplier"),
                ("name", "مریم احمدی"),
                ("email", email),
                ("password", PASSWORD),
                ("phone", "۰۹۱۲۳۴۵۶۷۸۹"),
            ],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    b
}

async fn verified_user(app: &TestApp, email: &str) -> Browser {
    let mut b = sign_up(app, email).await;
    let mail = app.drain_mail().await;
    let link = link_in(&mail.last().unwrap().text, "http");
    let token_path = path_of(&link);
    let token = token_path
        .split("token=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap()
        .to_string();
    let res = b.submit(&token_path, "/verify", &[("token", &token)]).await;
    assert_eq!(res.status, 303);
    b
}

#[actix_web::test]
async fn sign_up_verify_and_log_in() {
    let app = spawn_app().await;
    let mut b = app.browser();

    // Bad input: every field named, in Persian, what was typed kept.
    let bad = b
        .submit(
            "/signup",
            "/signup",
            &[
                ("role", "supplier"),
                ("name", "مریم"),
                ("email", "not-an-email"),
                ("password", "کوتاه"),
            ],
        )
        .await;
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("نشانی ایمیل درست نیست"));
    assert!(bad.body.contains("گذرواژه باید دست‌کم ۱۰ نویسه باشد"));
    assert!(
        bad.body.contains(r#"value="not-an-email""#),
        "typed email kept"
    );
    assert!(bad.body.contains(r#"value="مریم""#));
    assert!(!bad.body.contains("کوتاه"), "passwords are never echoed");

    let b = sign_up(&app, "Maryam@Example.ir").await;
    let mail = app.drain_mail().await;
    assert_eq!(mail.len(), 1);
    assert_eq!(mail[0].to, "maryam@example.ir");
    assert!(mail[0].subject.contains("تأیید نشانی ایمیل"));
    assert!(
        mail[0].html.contains(r#"dir="rtl""#),
        "Persian mail is right-to-left"
    );
    assert!(mail[0].text.contains("مریم احمدی"));
    drop(b);

    // The link opens a confirmation form; only the POST verifies, and only once.
    let link = path_of(&link_in(&mail[0].text, "http"));
    let token = link
        .split("token=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap()
        .to_string();
    let mut other = app.browser();
    let form = other.get(&link).await;
    assert!(form.body.contains("تأیید ایمیل"));
    let user = q::find_user_by_email(&mut app.db.conn().unwrap(), "maryam@example.ir")
        .unwrap()
        .unwrap();
    assert!(user.email_verified_at.is_none(), "a GET changes nothing");
    let res = other
        .post(
            "/verify",
            &[("csrf", &csrf_of(&form.body)), ("token", &token)],
        )
        .await;
    assert_eq!(res.status, 303);
    let user = q::find_user_by_email(&mut app.db.conn().unwrap(), "maryam@example.ir")
        .unwrap()
        .unwrap();
    assert!(user.email_verified_at.is_some());
    assert_eq!(
        res.header("location").as_deref(),
        Some("/account?done=verified"),
        "the link signs the new account in"
    );
    assert_eq!(other.get("/account").await.status, 200);
    let fresh = other.get(&link).await;
    let again = other
        .post(
            "/verify",
            &[("csrf", &csrf_of(&fresh.body)), ("token", &token)],
        )
        .await;
    assert_eq!(again.status, 409, "single use");

    // Log in: wrong password and unknown email get the same message.
    let mut c = app.browser();
    let wrong = c
        .submit(
            "/login",
            "/login",
            &[
                ("email", "maryam@example.ir"),
                ("password", "wrong password!!"),
            ],
        )
        .await;
    let unknown = c
        .submit(
            "/login",
            "/login",
            &[
                ("email", "nobody@example.ir"),
                ("password", "wrong password!!"),
            ],
        )
        .await;
    assert_eq!(wrong.status, 400);
    assert!(wrong.body.contains("ایمیل یا گذرواژه درست نیست"));
    assert!(unknown.body.contains("ایمیل یا گذرواژه درست نیست"));
    assert!(
        !c.cookies.contains_key("niaz_session"),
        "visitors get no session row, only a visitor token"
    );
    assert!(c.cookies.contains_key("niaz_visitor"));
    let ok = c
        .submit(
            "/login",
            "/login",
            &[("email", "MARYAM@example.ir"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(ok.status, 303);
    let after = c
        .cookies
        .get("niaz_session")
        .cloned()
        .expect("a session starts at login");
    let cookie = ok.header("set-cookie").unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let account = c.get("/account").await;
    assert_eq!(account.status, 200);
    assert!(account.body.contains("maryam@example.ir"));
    assert_eq!(account.header("cache-control").as_deref(), Some("no-store"));

    // Log out ends the session for real.
    let res = c.submit("/account", "/logout", &[]).await;
    assert_eq!(res.status, 303);
    c.cookies.insert("niaz_session".into(), after);
    let gone = c.get("/account").await;
    assert_eq!(gone.status, 303);
    assert!(gone.header("location").unwrap().starts_with("/login?next="));
}

#[actix_web::test]
async fn english_sign_up_gets_english_mail() {
    let app = spawn_app().await;
    let mut b = app.browser();
    b.cookies.insert("lang".into(), "en".into());
    let res = b
        .submit(
            "/signup",
            "/signup",
            &[
                ("role", "buyer"),
                ("name", "Ali Rezaei"),
                ("email", "ali@example.ir"),
                ("password", "a long English passphrase"),
                ("organization", "Tabriz Pump Works"),
            ],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    let mail = app.drain_mail().await;
    assert_eq!(mail[0].subject, "Confirm your email address for Niaz");
    assert!(mail[0].html.contains(r#"dir="ltr""#));
    // A buyer without a firm name is told so, in English.
    let mut b2 = app.browser();
    b2.cookies.insert("lang".into(), "en".into());
    let res = b2
        .submit(
            "/signup",
            "/signup",
            &[
                ("role", "buyer"),
                ("name", "X"),
                ("email", "x@example.ir"),
                ("password", "a long English passphrase"),
            ],
        )
        .await;
    assert_eq!(res.status, 400);
    assert!(
        res.body.contains("The firm&#39;s name is required"),
        "{}",
        res.body
    );
}

#[actix_web::test]
async fn password_reset_says_the_same_either_way_and_works_once() {
    let app = spawn_app().await;
    let mut first = verified_user(&app, "reza@example.ir").await;
    let _ = app.drain_mail().await;
    let mut b = app.browser();
    let known = b
        .submit(
            "/password/forgot",
            "/password/forgot",
            &[("email", "reza@example.ir")],
        )
        .await;
    let unknown = b
        .submit(
            "/password/forgot",
            "/password/forgot",
            &[("email", "nobody@example.ir")],
        )
        .await;
    assert_eq!(known.status, unknown.status);
    assert_eq!(known.body, unknown.body, "identical responses");
    let mail = app.drain_mail().await;
    let resets: Vec<_> = mail
        .iter()
        .filter(|m| m.text.contains("/password/reset"))
        .collect();
    assert_eq!(resets.len(), 1, "only the real account gets mail");

    let link = path_of(&link_in(&resets[0].text, "http"));
    let token = link
        .split("token=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap()
        .to_string();
    let res = b
        .submit(
            &link,
            "/password/reset",
            &[("token", &token), ("password", "گذرواژه تازه و بلند من")],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    // Old sessions are over; the old password is dead; the link is used up.
    assert_eq!(first.get("/account").await.status, 303);
    let old = b
        .submit(
            "/login",
            "/login",
            &[("email", "reza@example.ir"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(old.status, 400);
    let new = b
        .submit(
            "/login",
            "/login",
            &[
                ("email", "reza@example.ir"),
                ("password", "گذرواژه تازه و بلند من"),
            ],
        )
        .await;
    assert_eq!(new.status, 303);
    let reuse = b.get(&link).await;
    assert!(reuse.body.contains("این پیوند نامعتبر است"));
    assert!(
        app.drain_mail()
            .await
            .iter()
            .any(|m| m.subject.contains("تغییر کرد")),
        "told about the change"
    );
}

#[actix_web::test]
async fn changing_the_password_ends_other_sessions() {
    let app = spawn_app().await;
    let mut a = verified_user(&app, "sara@example.ir").await;
    let mut b = app.browser();
    b.submit(
        "/login",
        "/login",
        &[("email", "sara@example.ir"), ("password", PASSWORD)],
    )
    .await;
    assert_eq!(b.get("/account").await.status, 200);
    let wrong = a
        .submit(
            "/account",
            "/account/password",
            &[
                ("current_password", "not it at all"),
                ("new_password", "a brand new passphrase"),
            ],
        )
        .await;
    assert_eq!(wrong.status, 400);
    let res = a
        .submit(
            "/account",
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "a brand new passphrase"),
            ],
        )
        .await;
    assert_eq!(res.status, 303);
    assert_eq!(a.get("/account").await.status, 200, "this session stays");
    assert_eq!(b.get("/account").await.status, 303, "the other one ends");

    // Log out everywhere ends this one too.
    let res = a.submit("/account", "/account/sessions/end", &[]).await;
    assert_eq!(res.status, 303);
    assert_eq!(a.get("/account").await.status, 303);
}

#[actix_web::test]
async fn two_factor_sign_in_with_codes_and_recovery_codes() {
    let app = spawn_app().await;
    let mut a = verified_user(&app, "kian@example.ir").await;
    let page = a.get("/account/2fa").await;
    assert!(!page.body.contains("<svg"), "no key before it is asked for");
    let find = || {
        q::find_user_by_email(&mut app.db.conn().unwrap(), "kian@example.ir")
            .unwrap()
            .unwrap()
    };
    assert!(
        find().totp_secret.is_none(),
        "opening the page writes nothing"
    );
    let res = a.submit("/account/2fa", "/account/2fa/setup", &[]).await;
    assert_eq!(res.status, 303);
    let setup = a.get("/account/2fa").await;
    assert!(setup.body.contains("<svg"), "QR code");
    let secret = find().totp_secret.unwrap();
    let bad = a
        .post(
            "/account/2fa/enable",
            &[("csrf", &csrf_of(&setup.body)), ("code", "000000")],
        )
        .await;
    if niaz::auth::totp::current(&secret).as_deref() != Some("000000") {
        assert_eq!(bad.status, 400);
    }
    let code = niaz::auth::totp::current(&secret).unwrap();
    let enabled = a
        .post(
            "/account/2fa/enable",
            &[("csrf", &csrf_of(&setup.body)), ("code", &code)],
        )
        .await;
    assert_eq!(enabled.status, 200);
    let recovery: Vec<String> = enabled
        .body
        .split("<li><code>")
        .skip(1)
        .map(|s| s.split('<').next().unwrap().to_string())
        .collect();
    assert_eq!(recovery.len(), 10);

    let mut b = app.browser();
    let step = b
        .submit(
            "/login",
            "/login",
            &[("email", "kian@example.ir"), ("password", PASSWORD)],
        )
        .await;
    assert!(step.header("location").unwrap().starts_with("/login/2fa"));
    assert_eq!(
        b.get("/account").await.status,
        303,
        "not signed in before the second step"
    );
    let wrong = b
        .submit("/login/2fa", "/login/2fa", &[("code", "12345x")])
        .await;
    assert_eq!(wrong.status, 400);
    // The code that turned it on was used: it cannot sign in again.
    let replay = b
        .submit("/login/2fa", "/login/2fa", &[("code", &code)])
        .await;
    assert_eq!(replay.status, 400, "a used code is refused");
    let next = niaz::auth::totp::next(&secret).unwrap();
    let ok = b
        .submit("/login/2fa", "/login/2fa", &[("code", &next)])
        .await;
    assert_eq!(ok.status, 303);
    assert_eq!(b.get("/account").await.status, 200);
    let mut again = app.browser();
    again
        .submit(
            "/login",
            "/login",
            &[("email", "kian@example.ir"), ("password", PASSWORD)],
        )
        .await;
    let replay = again
        .submit("/login/2fa", "/login/2fa", &[("code", &next)])
        .await;
    assert_eq!(replay.status, 400, "each code signs in once");
    assert!(replay.body.contains("یک بار به کار رفته"));

    // A recovery code works once.
    for (attempt, expect) in [(0, 303), (1, 400)] {
        let mut c = app.browser();
        c.submit(
            "/login",
            "/login",
            &[("email", "kian@example.ir"), ("password", PASSWORD)],
        )
        .await;
        let res = c
            .submit("/login/2fa", "/login/2fa", &[("code", &recovery[0])])
            .await;
        assert_eq!(res.status, expect, "recovery attempt {attempt}");
    }
}

#[actix_web::test]
async fn deleting_an_account_erases_personal_data_but_keeps_needs() {
    let app = spawn_app().await;
    let mut b = app.browser();
    b.submit(
        "/signup",
        "/signup",
        &[
            ("role", "buyer"),
            ("name", "حسین کاظمی"),
            ("email", "hossein@example.ir"),
            ("password", PASSWORD),
            ("phone", "09140000000"),
            ("organization", "کارخانه نمونه"),
        ],
    )
    .await;
    let user = q::find_user_by_email(&mut app.db.conn().unwrap(), "hossein@example.ir")
        .unwrap()
        .unwrap();
    let org = user.organization_id.unwrap();
    let need = crate::fixtures::NeedBuilder::new(org, "نیاز باقی‌ماندنی").insert(&app.db);
    b.submit(
        "/login",
        "/login",
        &[("email", "hossein@example.ir"), ("password", PASSWORD)],
    )
    .await;
    let wrong = b
        .submit(
            "/account",
            "/account/delete",
            &[("password", "not my password")],
        )
        .await;
    assert_eq!(wrong.status, 400);
    let res = b
        .submit("/account", "/account/delete", &[("password", PASSWORD)])
        .await;
    assert_eq!(res.status, 303);
    let mut conn = app.db.conn().unwrap();
    assert!(q::find_user_by_email(&mut conn, "hossein@example.ir")
        .unwrap()
        .is_none());
    let all: Vec<_> = q::list_users(&mut conn).unwrap();
    assert!(all
        .iter()
        .all(|u| u.name != "حسین کاظمی" && u.phone != "09140000000"));
    assert!(niaz::db::catalogue::find_need(&mut conn, need)
        .unwrap()
        .is_some());
    assert_eq!(b.get("/account").await.status, 303);
}

#[actix_web::test]
async fn csrf_and_origin_are_checked_on_every_form() {
    let app = spawn_app().await;
    let mut a = verified_user(&app, "neda@example.ir").await;
    // No token.
    let res = a.post("/account", &[("name", "x"), ("lang", "fa")]).await;
    assert_eq!(res.status, 403);
    // Right token, another site's Origin.
    let token = csrf_of(&a.get("/account").await.body);
    let res = a
        .post_with(
            "/account",
            &[("csrf", &token), ("name", "x"), ("lang", "fa")],
            Some("https://evil.example"),
        )
        .await;
    assert_eq!(res.status, 403);
    // A token from another session.
    let mut b = app.browser();
    let other = csrf_of(&b.get("/login").await.body);
    let res = a
        .post(
            "/account",
            &[("csrf", &other), ("name", "x"), ("lang", "fa")],
        )
        .await;
    assert_eq!(res.status, 403);
    // The real thing.
    let res = a
        .post(
            "/account",
            &[("csrf", &token), ("name", "ندا"), ("lang", "en")],
        )
        .await;
    assert_eq!(res.status, 303);
    // The language switch needs no token but refuses other sites.
    let res = a
        .post_with(
            "/lang",
            &[("lang", "en"), ("next", "/")],
            Some("https://evil.example"),
        )
        .await;
    assert_eq!(res.status, 403);
}

#[actix_web::test]
async fn sessions_expire_when_idle() {
    let app = spawn_app().await;
    let mut a = verified_user(&app, "idle@example.ir").await;
    assert_eq!(a.get("/account").await.status, 200);
    {
        use diesel::prelude::*;
        use niaz::db::schema::sessions;
        let old = chrono::Utc::now().naive_utc() - chrono::Duration::hours(3);
        diesel::update(sessions::table)
            .set(sessions::last_seen_at.eq(old))
            .execute(&mut *app.db.conn().unwrap())
            .unwrap();
    }
    assert_eq!(a.get("/account").await.status, 303, "idle timeout");
}

#[actix_web::test]
async fn login_attempts_are_rate_limited() {
    let app = spawn_app().await;
    let mut b = app.browser();
    let form = b.get("/login").await;
    let token = csrf_of(&form.body);
    let mut last = 0;
    for _ in 0..12 {
        last = b
            .post(
                "/login",
                &[
                    ("csrf", &token),
                    ("email", "victim@example.ir"),
                    ("password", "guess guess guess"),
                ],
            )
            .await
            .status
            .as_u16();
    }
    assert_eq!(last, 429);
    let page = b
        .post(
            "/login",
            &[
                ("csrf", &token),
                ("email", "victim@example.ir"),
                ("password", "x"),
            ],
        )
        .await;
    assert!(
        page.body.contains("تعداد درخواست‌ها زیاد است"),
        "translated message"
    );
}

#[actix_web::test]
async fn members_invite_colleagues() {
    let app = spawn_app().await;
    let mut b = app.browser();
    b.submit(
        "/signup",
        "/signup",
        &[
            ("role", "buyer"),
            ("name", "مدیر خرید"),
            ("email", "buyer@example.ir"),
            ("password", PASSWORD),
            ("organization", "ماشین‌سازی نمونه"),
        ],
    )
    .await;
    let mail = app.drain_mail().await;
    let link = path_of(&link_in(&mail[0].text, "http"));
    let token = link
        .split("token=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap()
        .to_string();
    b.submit(&link, "/verify", &[("token", &token)]).await;
    let res = b
        .submit(
            "/account",
            "/account/invite",
            &[("email", "colleague@example.ir")],
        )
        .await;
    assert_eq!(res.status, 409, "an unverified firm cannot invite yet");
    {
        use diesel::prelude::*;
        use niaz::db::schema::organizations;
        diesel::update(organizations::table)
            .set(organizations::verified.eq(true))
            .execute(&mut *app.db.conn().unwrap())
            .unwrap();
    }
    let res = b
        .submit(
            "/account",
            "/account/invite",
            &[("email", "colleague@example.ir")],
        )
        .await;
    assert_eq!(res.status, 303);
    let invite = app
        .drain_mail()
        .await
        .into_iter()
        .find(|m| m.to == "colleague@example.ir")
        .unwrap();
    assert!(invite.text.contains("ماشین‌سازی نمونه"));
    let link = path_of(&link_in(&invite.text, "http"));
    let token = link
        .split("token=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap()
        .to_string();
    let mut c = app.browser();
    let res = c
        .submit(
            &link,
            "/invite",
            &[("token", &token), ("name", "همکار"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    let mut conn = app.db.conn().unwrap();
    let inviter = q::find_user_by_email(&mut conn, "buyer@example.ir")
        .unwrap()
        .unwrap();
    let colleague = q::find_user_by_email(&mut conn, "colleague@example.ir")
        .unwrap()
        .unwrap();
    assert_eq!(colleague.organization_id, inviter.organization_id);
    assert!(colleague.email_verified_at.is_some());
    drop(conn);

    // Inviting an address that has an account says the same; its owner is told instead.
    let res = b
        .submit(
            "/account",
            "/account/invite",
            &[("email", "Colleague@Example.ir")],
        )
        .await;
    assert_eq!(res.status, 303, "nothing tells the inviter");
    let mail = app.drain_mail().await;
    let told = mail.last().unwrap();
    assert_eq!(told.to, "colleague@example.ir");
    assert!(!told.text.contains("/invite?token="), "no invitation");
    assert!(told.text.contains("ماشین‌سازی نمونه") && told.text.contains("/login"));
}

/// Audit item 9: sign-up said whether an address had an account. Both answers are the same;
/// the owner of a taken address is mailed the ways to sign in, and nothing is created.
#[actix_web::test]
async fn sign_up_never_tells_whether_an_address_has_an_account() {
    let app = spawn_app().await;
    verified_user(&app, "taken@example.ir").await;
    app.drain_mail().await;
    let form = |email: &'static str| {
        [
            ("role", "supplier"),
            ("name", "کسی دیگر"),
            ("email", email),
            ("password", "گذرواژه بلند کس دیگر"),
        ]
    };
    let mut one = app.browser();
    let taken = one
        .submit("/signup", "/signup", &form("Taken@Example.ir"))
        .await;
    let mut two = app.browser();
    let free = two
        .submit("/signup", "/signup", &form("free@example.ir"))
        .await;
    assert_eq!(taken.status, free.status);
    assert_eq!(taken.header("location"), free.header("location"));
    assert_eq!(taken.body, free.body);
    let mail = app.drain_mail().await;
    let to_owner = mail
        .iter()
        .rev()
        .find(|m| m.to == "taken@example.ir")
        .unwrap();
    assert!(to_owner.text.contains("/password/forgot") && !to_owner.text.contains("token="));
    assert!(mail
        .iter()
        .any(|m| m.to == "free@example.ir" && m.text.contains("/verify?token=")));
    let users: i64 = {
        use diesel::prelude::*;
        niaz::db::schema::users::table
            .count()
            .get_result(&mut *app.db.conn().unwrap())
            .unwrap()
    };
    assert_eq!(users, 2, "nothing was created for the taken address");
}
