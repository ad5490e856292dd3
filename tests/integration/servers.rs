//! Several servers on one database: each follows the change log into its own index, mail is sent
//! once, and the periodic work has one holder whose lease runs out if it dies.

use std::time::{Duration, Instant};

use chrono::Utc;
use niaz::db::{jobs, outbox};
use niaz::domain::account::Role;

use crate::helpers::{csrf_of, spawn_app, spawn_app_with, Browser, TestApp};

/// A second server on the first one's database, with a data directory (and index) of its own.
async fn second_server(first: &TestApp) -> TestApp {
    let url = first.state.config.database_url.clone();
    spawn_app_with(move |c| c.database_url = url).await
}

/// Queues one expiry reminder to `to`; returns its outbox id.
fn queue_mail(conn: &mut niaz::db::Conn, to: &str) -> i32 {
    outbox::enqueue(
        conn,
        outbox::NewMail {
            to_email: to,
            to_name: "کارخانه",
            template: "need_expiring",
            lang: "fa",
            context: serde_json::json!({
                "title": "پروانه پمپ",
                "date": "۱۴۰۵/۰۹/۱۰",
                "link": "http://localhost/my/needs",
            }),
        },
    )
    .unwrap()
}

/// How many needs a server's public search finds for `q`, waiting up to `within` for one.
async fn found_within(app: &TestApp, q: &str, within: Duration) -> (u64, Duration) {
    let start = Instant::now();
    loop {
        let (_, json) = app
            .get_json(&format!("/api/v1/needs?q={}", crate::helpers::enc(q)))
            .await;
        let total = json["total"].as_u64().unwrap_or(0);
        if total > 0 || start.elapsed() > within {
            return (total, start.elapsed());
        }
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Posts ten published needs as an organizer, their titles and part numbers marked `prefix`.
async fn post_needs(mut b: Browser, org_id: &str, prefix: &str) {
    let token = csrf_of(&b.get("/account").await.body);
    for i in 0..10 {
        let title = format!("بوش برنجی {prefix} {i}");
        let pn = format!("BR-{prefix}-{i}");
        let res = b
            .post(
                "/my/needs/new",
                &[
                    ("csrf", token.as_str()),
                    ("action", "submit"),
                    ("organization_id", org_id),
                    ("title", &title),
                    ("description", "بوش برنجی یاتاقان همزن"),
                    ("part_number", &pn),
                    ("category", "pumps"),
                    ("quantity_per_year", "5"),
                    ("unit", "piece"),
                ],
            )
            .await;
        assert_eq!(res.status, 303, "{}", res.body);
    }
}

#[actix_web::test]
async fn a_need_posted_through_one_server_is_found_through_the_others() {
    let first = spawn_app().await;
    let second = second_server(&first).await;
    let org = crate::fixtures::OrgBuilder::new("پالایشگاه تبریز").insert(&first.db);
    let mut organizer =
        crate::posting::user(&first, "organizer@example.ir", Role::Organizer, None).await;
    let token = csrf_of(&organizer.get("/account").await.body);
    let org_id = org.to_string();
    let res = organizer
        .post(
            "/my/needs/new",
            &[
                ("csrf", token.as_str()),
                ("action", "submit"),
                ("organization_id", &org_id),
                ("title", "پروانه پمپ دوسر مکش"),
                ("description", "پروانه چدنی پمپ سانتریفیوژ آب خنک‌کن"),
                ("part_number", "TS-4411"),
                ("category", "pumps"),
                ("quantity_per_year", "12"),
                ("unit", "piece"),
            ],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.body);

    // The second server learns of it from the change log alone.
    let (total, took) = found_within(&second, "TS-4411", Duration::from_secs(10)).await;
    assert_eq!(total, 1, "found through the second server after {took:?}");
    // A server started now builds its index from the database.
    let third = second_server(&first).await;
    let (total, _) = found_within(&third, "پروانه پمپ", Duration::from_secs(10)).await;
    assert_eq!(total, 1);

    // Posting through both at once: every server's index ends with every need.
    let other = crate::posting::user(&second, "organizer2@example.ir", Role::Organizer, None).await;
    futures_util::join!(
        post_needs(organizer, &org_id, "A"),
        post_needs(other, &org_id, "B")
    );
    for app in [&first, &second, &third] {
        let start = Instant::now();
        loop {
            let (_, json) = app.get_json("/api/v1/needs?q=%D8%A8%D9%88%D8%B4").await;
            let total = json["total"].as_u64().unwrap_or(0);
            if total == 20 {
                break;
            }
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "{total} of 20 found"
            );
            actix_web::rt::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

#[actix_web::test]
async fn queued_mail_is_sent_exactly_once_by_servers_racing_for_it() {
    let first = spawn_app().await;
    let second = second_server(&first).await;
    let count = 40;
    {
        let mut conn = first.db.conn().unwrap();
        for i in 0..count {
            queue_mail(&mut conn, &format!("maker{i}@example.ir"));
        }
    }
    // Both servers' workers run meanwhile; these rounds race them and each other.
    let (a, b) = futures_util::join!(first.drain_mail(), second.drain_mail());
    let mut to: Vec<String> = a.iter().chain(b.iter()).map(|m| m.to.clone()).collect();
    assert_eq!(to.len(), count, "{} + {} mails sent", a.len(), b.len());
    to.sort();
    to.dedup();
    assert_eq!(to.len(), count, "no address mailed twice");
    let statuses = outbox::all(&mut first.db.conn().unwrap()).unwrap();
    assert!(statuses
        .iter()
        .all(|m| m.status == niaz::domain::mail::MailStatus::Sent));

    // One server holds the periodic work.
    let (holder, _) = jobs::lease_holder(&mut first.db.conn().unwrap(), niaz::jobs::WORKER_LEASE)
        .unwrap()
        .expect("a server took the periodic lease");
    assert!(
        holder == first.state.server_id || holder == second.state.server_id,
        "{holder}"
    );
}

#[actix_web::test]
async fn a_dead_servers_lease_and_claimed_mail_go_to_another_server() {
    let app = spawn_app().await;
    let mut conn = app.db.conn().unwrap();
    let ttl = app.state.config.worker_lease;
    let t0 = Utc::now().naive_utc() + chrono::Duration::days(1);
    let name = "test-lease";
    assert!(jobs::take_lease(&mut conn, name, "server-a", t0, ttl).unwrap());
    assert!(!jobs::take_lease(&mut conn, name, "server-b", t0, ttl).unwrap());
    // The holder renews while it lives.
    let t1 = t0 + chrono::Duration::seconds(60);
    assert!(jobs::take_lease(&mut conn, name, "server-a", t1, ttl).unwrap());
    assert!(!jobs::take_lease(&mut conn, name, "server-b", t1 + ttl, ttl).unwrap());
    // Server A dies: its lease runs out, B takes it, and A cannot take it back.
    let t2 = t1 + ttl + chrono::Duration::seconds(1);
    assert!(jobs::take_lease(&mut conn, name, "server-b", t2, ttl).unwrap());
    assert!(!jobs::take_lease(&mut conn, name, "server-a", t2, ttl).unwrap());
    // Only the holder gives it up; then anyone takes it at once.
    jobs::release_lease(&mut conn, name, "server-a").unwrap();
    assert!(!jobs::take_lease(&mut conn, name, "server-a", t2, ttl).unwrap());
    jobs::release_lease(&mut conn, name, "server-b").unwrap();
    assert!(jobs::take_lease(&mut conn, name, "server-a", t2, ttl).unwrap());

    // A server that claimed a mail and died mid-send: nobody sends it until the claim runs out,
    // then another server does, once.
    let id = queue_mail(&mut conn, "firm@example.ir");
    let claimed =
        outbox::claim_due(&mut conn, 50, "dead-server", chrono::Duration::minutes(15)).unwrap();
    assert_eq!(claimed.iter().map(|m| m.id).collect::<Vec<_>>(), vec![id]);
    drop(conn);
    let (sent, _) = niaz::jobs::run_pending_once(&app.state).await.unwrap();
    assert_eq!(sent, 0, "claimed by the dead server");
    {
        use diesel::prelude::*;
        use niaz::db::schema::outbox as o;
        // Its claim runs out.
        diesel::update(o::table.find(id))
            .set(o::next_attempt_at.eq(Utc::now().naive_utc() - chrono::Duration::seconds(1)))
            .execute(&mut *app.db.conn().unwrap())
            .unwrap();
    }
    let sent = app.drain_mail().await;
    assert_eq!(sent.iter().filter(|m| m.to == "firm@example.ir").count(), 1);
}
