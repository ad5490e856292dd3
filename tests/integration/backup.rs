//! A backup taken while the site runs restores into a site with every need, found by search,
//! and every uploaded file.

use diesel::prelude::*;
use niaz::db::schema::{attachments, needs};

use crate::helpers::{spawn_app_with, spawn_demo_app};

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
}

#[actix_web::test]
async fn a_backup_taken_while_the_site_runs_restores_every_need_and_file() {
    let app = spawn_demo_app().await;
    if app.db.is_postgres() {
        // PostgreSQL is backed up with its own tools; the command says so instead of guessing.
        let to = app.data_dir().join("backups").join("test");
        let err = niaz::services::backup::run(&app.db, app.data_dir(), &to).unwrap_err();
        assert!(err.to_string().contains("pg_dump"), "{err}");
        assert!(!to.exists(), "nothing written");
        return;
    }
    let need = crate::fixtures::NeedBuilder::new(1, "شفت پمپ پشتیبان BK-7701").insert(&app.db);
    crate::fixtures::attach_png(&app, need, "shaft.png", false);
    app.sync();
    // The site keeps serving while the snapshot is taken.
    let busy = {
        let base = app.base.clone();
        actix_web::rt::spawn(async move {
            let client = awc::Client::default();
            for _ in 0..20 {
                let _ = client
                    .get(format!("{base}/api/v1/needs?q=%D9%BE%D9%85%D9%BE"))
                    .send()
                    .await;
            }
        })
    };
    let to = app.data_dir().join("backups").join("test");
    let db = app.db.clone();
    let data_dir = app.data_dir().to_path_buf();
    let target = to.clone();
    let done = actix_web::rt::task::spawn_blocking(move || {
        niaz::services::backup::run(&db, &data_dir, &target)
    })
    .await
    .unwrap()
    .unwrap();
    busy.await.unwrap();
    assert!(done.database_bytes > 0);
    assert_eq!(done.files, 2, "the picture and its thumbnail");
    // A second backup into the same directory is refused rather than mixed.
    let again = niaz::services::backup::run(&app.db, app.data_dir(), &to);
    assert!(again.unwrap_err().to_string().contains("not empty"));

    // Restore: the database and the uploads into a fresh data directory, then start a server.
    let restored = spawn_app_with(|c| {
        std::fs::copy(to.join("niaz.db"), c.data_dir.join("niaz.db")).unwrap();
        copy_dir(&to.join("uploads"), &c.data_dir.join("uploads"));
    })
    .await;
    let count = |db: &niaz::db::Db| -> i64 {
        needs::table
            .count()
            .get_result(&mut *db.conn().unwrap())
            .unwrap()
    };
    assert_eq!(count(&restored.db), count(&app.db));
    restored.sync();
    // Every public need of the original is found in the restored site's rebuilt index.
    let public: Vec<(i32, String)> = needs::table
        .filter(needs::status.eq_any(["published", "in_talks", "localized"]))
        .select((needs::id, needs::title))
        .load(&mut *app.db.conn().unwrap())
        .unwrap();
    let (_, all) = restored.get_json("/api/v1/needs?limit=100").await;
    let (_, page2) = restored.get_json("/api/v1/needs?limit=100&page=2").await;
    let mut found: Vec<i64> = all["hits"]
        .as_array()
        .unwrap()
        .iter()
        .chain(page2["hits"].as_array().unwrap().iter())
        .map(|h| h["id"].as_i64().unwrap())
        .collect();
    found.sort();
    let mut want: Vec<i64> = public.iter().map(|(id, _)| i64::from(*id)).collect();
    want.sort();
    assert_eq!(found, want);
    let (_, hits) = restored.get_json("/api/v1/needs?q=BK-7701").await;
    assert_eq!(hits["hits"][0]["id"].as_i64(), Some(i64::from(need)));
    // The file is served from the restored uploads.
    let file: i32 = attachments::table
        .filter(attachments::need_id.eq(need))
        .select(attachments::id)
        .first(&mut *restored.db.conn().unwrap())
        .unwrap();
    assert_eq!(
        restored.get(&format!("/files/{file}/full")).await.status,
        200
    );
}
