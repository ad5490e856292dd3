//! Mail through a real SMTP server (aiosmtpd): an outage keeps mail in the outbox, it is
//! delivered when the server returns, never twice; failures end as dead mail an admin can retry.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use diesel::prelude::*;
use niaz::db::schema::outbox;
use niaz::email::MailConfig;

use crate::helpers::{spawn_app_with, TestApp};

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

struct Smtpd(Child);

impl Drop for Smtpd {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_smtpd(port: u16, maildir: &std::path::Path) -> Smtpd {
    for sub in ["tmp", "new", "cur"] {
        std::fs::create_dir_all(maildir.join(sub)).unwrap();
    }
    let child = Command::new("python3")
        .args([
            "-m",
            "aiosmtpd",
            "-n",
            "-l",
            &format!("127.0.0.1:{port}"),
            "-c",
            "aiosmtpd.handlers.Mailbox",
        ])
        .arg(maildir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("python3 with aiosmtpd is installed (pip install aiosmtpd; .ci/run does this)");
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "aiosmtpd did not start (is it installed?)"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    Smtpd(child)
}

fn delivered(maildir: &std::path::Path) -> Vec<String> {
    std::fs::read_dir(maildir.join("new"))
        .map(|d| {
            d.flatten()
                .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
                .collect()
        })
        .unwrap_or_default()
}

fn rows(app: &TestApp) -> Vec<niaz::db::models::OutboxMessage> {
    niaz::db::outbox::all(&mut app.db.conn().unwrap()).unwrap()
}

fn make_due(app: &TestApp) {
    diesel::update(outbox::table.filter(outbox::status.eq("pending")))
        .set(outbox::next_attempt_at.eq(chrono::Utc::now().naive_utc()))
        .execute(&mut *app.db.conn().unwrap())
        .unwrap();
}

async fn settle(app: &TestApp) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        niaz::jobs::run_pending_once(&app.state).await.unwrap();
        let now = chrono::Utc::now().naive_utc();
        if !rows(app)
            .iter()
            .any(|m| m.status == "sending" || (m.status == "pending" && m.next_attempt_at <= now))
        {
            return;
        }
        assert!(Instant::now() < deadline, "outbox did not settle");
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
}

#[actix_web::test]
async fn mail_survives_an_smtp_outage_and_is_sent_once() {
    let port = free_port();
    let maildir = tempfile::tempdir().unwrap();
    let app =
        spawn_app_with(|c| c.mail = MailConfig::Smtp(format!("smtp://127.0.0.1:{port}"))).await;

    // The server is down: sign-up still works, the mail waits.
    let mut b = app.browser();
    let res = b
        .submit(
            "/signup",
            "/signup",
            &[
                ("role", "supplier"),
                ("name", "آرش"),
                ("email", "arash@example.ir"),
                ("password", "گذرواژه بلند آزمون ایمیل"),
            ],
        )
        .await;
    assert_eq!(res.status, 303);
    settle(&app).await;
    let r = rows(&app);
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].status, "pending");
    assert!(
        r[0].attempts >= 1 && !r[0].last_error.is_empty(),
        "{:?}",
        r[0]
    );

    // A server that accepts and drops the connection: still waiting.
    let dropper = TcpListener::bind(("127.0.0.1", port)).unwrap();
    let handle = std::thread::spawn(move || {
        dropper.set_nonblocking(true).unwrap();
        let until = Instant::now() + Duration::from_secs(3);
        while Instant::now() < until {
            if let Ok((s, _)) = dropper.accept() {
                drop(s);
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    });
    make_due(&app);
    settle(&app).await;
    handle.join().unwrap();
    let r = rows(&app);
    assert_eq!(r[0].status, "pending");
    assert!(r[0].attempts >= 2);

    // The server returns: delivered exactly once.
    let _smtpd = start_smtpd(port, maildir.path());
    make_due(&app);
    settle(&app).await;
    assert_eq!(rows(&app)[0].status, "sent", "{:?}", rows(&app)[0]);
    let mails = delivered(maildir.path());
    assert_eq!(mails.len(), 1);
    assert!(mails[0].contains("arash@example.ir"));
    make_due(&app);
    settle(&app).await;
    actix_web::rt::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(delivered(maildir.path()).len(), 1, "never twice");
}

#[actix_web::test]
async fn mail_that_keeps_failing_goes_dead_and_admins_can_retry_it() {
    let port = free_port();
    let app =
        spawn_app_with(|c| c.mail = MailConfig::Smtp(format!("smtp://127.0.0.1:{port}"))).await;
    let mut conn = app.db.conn().unwrap();
    niaz::services::accounts::create_user_cli(
        &mut conn,
        "root@example.ir",
        "مدیر",
        niaz::domain::account::Role::Admin,
        "گذرواژه مدیر سامانه",
    )
    .unwrap();
    niaz::db::outbox::enqueue(
        &mut conn,
        niaz::db::outbox::NewMail {
            to_email: "someone@example.ir",
            to_name: "",
            template: "password_changed",
            lang: "fa",
            context: serde_json::json!({}),
        },
    )
    .unwrap();
    diesel::update(outbox::table)
        .set(outbox::attempts.eq(niaz::jobs::MAX_ATTEMPTS - 1))
        .execute(&mut *conn)
        .unwrap();
    settle(&app).await;
    let r = rows(&app);
    assert_eq!(r[0].status, "dead");

    let mut admin = app.browser();
    admin
        .submit(
            "/login",
            "/login",
            &[
                ("email", "root@example.ir"),
                ("password", "گذرواژه مدیر سامانه"),
            ],
        )
        .await;
    let page = admin.get("/admin").await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("password_changed"),
        "dead mail is listed"
    );
    let res = admin
        .submit("/admin", &format!("/admin/mail/{}/retry", r[0].id), &[])
        .await;
    assert_eq!(res.status, 303);
    let r = rows(&app);
    assert!(r[0].status == "pending" || r[0].status == "sending");
    assert_eq!(r[0].attempts, 0);
}
