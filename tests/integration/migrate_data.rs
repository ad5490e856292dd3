//! A SQLite deployment moves to PostgreSQL with `niaz migrate-data` and loses nothing. Runs
//! when `TEST_DATABASE_URL` names a PostgreSQL server (CI's second pass).

use std::process::Command;

use niaz::domain::account::Role;

use crate::helpers::{config_for, spawn_app_with, test_database_url, TestApp};

const PASSWORD: &str = "گذرواژه بلند پیش از انتقال";

fn migrate(from: &str, to: &str) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_niaz"))
        .args(["migrate-data", "--from", from, "--to", to])
        .env("NIAZ_LOG", "warn")
        .output()
        .expect("niaz runs")
}

async fn ids_found(app: &TestApp) -> Vec<i64> {
    let mut ids = Vec::new();
    for page in 1..=3 {
        let (_, json) = app
            .get_json(&format!("/api/v1/needs?limit=100&page={page}"))
            .await;
        ids.extend(
            json["hits"]
                .as_array()
                .unwrap()
                .iter()
                .map(|h| h["id"].as_i64().unwrap()),
        );
    }
    ids.sort_unstable();
    ids
}

#[actix_web::test]
async fn a_sqlite_deployment_moves_to_postgresql_with_everything() {
    if test_database_url().is_none() {
        eprintln!("skipped: TEST_DATABASE_URL names no PostgreSQL server");
        return;
    }
    // The source: the demo on SQLite, whatever the suite's backend.
    let sqlite = spawn_app_with(|c| {
        c.database_url = format!("sqlite://{}", c.data_dir.join("niaz.db").display())
    })
    .await;
    {
        let mut conn = sqlite.db.conn().unwrap();
        niaz::services::demo::load(&mut conn, None, 1405, false).unwrap();
        niaz::services::accounts::create_user_cli(
            &mut conn,
            "organizer@example.ir",
            "سازمان",
            Role::Organizer,
            PASSWORD,
        )
        .unwrap();
    }
    sqlite.sync();
    let from = sqlite.state.config.database_url.clone();
    let target_dir = tempfile::tempdir().unwrap();
    let to = config_for(target_dir.path()).database_url;

    let out = migrate(&from, &to);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("row counts equal in every table"),
        "{stdout}"
    );
    assert!(stdout.contains("needs"), "{stdout}");

    // Run again: the target is no longer empty, and nothing is written.
    let again = migrate(&from, &to);
    assert!(!again.status.success());
    let err = String::from_utf8_lossy(&again.stderr);
    assert!(err.contains("not empty"), "{err}");
    // Wrong directions and URLs are named.
    let wrong = migrate(&to, &from);
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("sqlite://"));

    // A server on the PostgreSQL copy: the same catalogue, found by search.
    let pg = spawn_app_with(|c| c.database_url = to.clone()).await;
    assert!(pg.db.is_postgres());
    pg.sync();
    let before = ids_found(&sqlite).await;
    assert!(before.len() > 50, "the demo has public needs");
    assert_eq!(ids_found(&pg).await, before);
    let (_, json) = pg.get_json("/api/v1/needs?q=6205").await;
    assert!(json["total"].as_u64().unwrap() > 0, "{json}");

    // An account made before the move signs in with its password; new rows get fresh ids.
    let mut organizer = pg.browser();
    let res = organizer
        .submit(
            "/login",
            "/login",
            &[("email", "organizer@example.ir"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    assert_eq!(organizer.get("/my/needs/new").await.status, 200);
    let firm: i32 = {
        use diesel::prelude::*;
        use niaz::db::schema::organizations;
        organizations::table
            .select(organizations::id)
            .order(organizations::id)
            .first(&mut *pg.db.conn().unwrap())
            .unwrap()
    };
    let need = crate::fixtures::NeedBuilder::new(firm, "نیاز تازه پس از انتقال").insert(&pg.db);
    let max_before: i64 = *before.last().unwrap();
    assert!(
        i64::from(need) > max_before,
        "the id sequence moved past the copied ids"
    );
}

/// A PostgreSQL URL that cannot be used is refused with the driver's own reason.
#[test]
fn connection_errors_name_the_cause() {
    let Some(server) = test_database_url() else {
        eprintln!("skipped: TEST_DATABASE_URL names no PostgreSQL server");
        return;
    };
    let open = |url: &str| format!("{:#}", niaz::db::Db::open(url).err().unwrap());
    let err = open(&crate::helpers::database_named(&server, "no_such_database"));
    assert!(err.contains("does not exist"), "{err}");
    let err = open("postgres://niaz:secret@127.0.0.1:1/niaz");
    assert!(err.contains("refused") || err.contains("connect"), "{err}");
    assert!(!err.contains("secret"), "the password is not shown: {err}");
}
