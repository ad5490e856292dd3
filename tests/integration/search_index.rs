//! The index is a cache of the database: changes reach it, it survives crashes, and it rebuilds
//! itself when missing, corrupt or of another version.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use niaz::search::query::{search, SearchRequest};
use niaz::state::AppState;

use crate::fixtures::{NeedBuilder, OrgBuilder};

fn total(state: &AppState, q: &str) -> usize {
    let req = SearchRequest {
        q: q.into(),
        limit: 10,
        ..SearchRequest::default()
    };
    search(&state.search.generation(), &req).unwrap().total
}

#[test]
fn changes_reach_the_index_and_survive_a_crash_before_the_index_commit() {
    let dir = tempfile::tempdir().unwrap();
    let state = AppState::new(crate::helpers::config_for(dir.path())).unwrap();
    let firm = OrgBuilder::new("کارخانه").insert(&state.db);
    let id = NeedBuilder::new(firm, "کمپرسور اسکرو").insert(&state.db);
    // Committed to the database, not yet to the index: as if the process died right here.
    assert_eq!(total(&state, "کمپرسور"), 0);
    drop(state);

    let state = AppState::new(crate::helpers::config_for(dir.path())).unwrap();
    assert_eq!(total(&state, "کمپرسور"), 1, "caught up on start");

    // A status change that makes it private removes it; publishing again brings it back.
    let mut conn = state.db.conn().unwrap();
    use niaz::domain::need::NeedStatus;
    niaz::db::catalogue::set_status(&mut conn, id, NeedStatus::Published, NeedStatus::Closed)
        .unwrap();
    state.search.apply_pending().unwrap();
    assert_eq!(total(&state, "کمپرسور"), 0);
    niaz::db::catalogue::set_status(&mut conn, id, NeedStatus::Closed, NeedStatus::Published)
        .unwrap();
    state.search.apply_pending().unwrap();
    assert_eq!(total(&state, "کمپرسور"), 1);
    // Applying again changes nothing and duplicates nothing.
    assert_eq!(state.search.apply_pending().unwrap(), 0);
    assert_eq!(total(&state, ""), 1);
}

#[test]
fn missing_corrupt_or_old_indexes_are_rebuilt_on_start() {
    let dir = tempfile::tempdir().unwrap();
    let config = crate::helpers::config_for(dir.path());
    let state = AppState::new(config.clone()).unwrap();
    let firm = OrgBuilder::new("کارخانه").insert(&state.db);
    NeedBuilder::new(firm, "توربین بخار").insert(&state.db);
    state.search.apply_pending().unwrap();
    drop(state);
    let index_dir = dir.path().join("index");

    // Missing.
    std::fs::remove_dir_all(&index_dir).unwrap();
    let state = AppState::new(config.clone()).unwrap();
    assert_eq!(total(&state, "توربین"), 1);
    let generation = state.search.generation().name.clone();
    drop(state);

    // Corrupt.
    std::fs::write(index_dir.join(&generation).join("meta.json"), b"{ not json").unwrap();
    let state = AppState::new(config.clone()).unwrap();
    assert_eq!(total(&state, "توربین"), 1);
    drop(state);

    // Another schema version.
    let current = std::fs::read_to_string(index_dir.join("CURRENT")).unwrap();
    let name = current.lines().next().unwrap();
    std::fs::write(index_dir.join("CURRENT"), format!("{name}\n0\n")).unwrap();
    let state = AppState::new(config).unwrap();
    assert_eq!(total(&state, "توربین"), 1);
    assert_ne!(state.search.generation().name, name);
    let generations = std::fs::read_dir(&index_dir)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with("gen-")
        })
        .count();
    assert_eq!(generations, 1, "old generations are removed");
}

#[test]
fn a_rebuild_swaps_in_while_searches_go_on() {
    let dir = tempfile::tempdir().unwrap();
    let config = crate::helpers::config_for(dir.path());
    let state = AppState::new(config.clone()).unwrap();
    let mut conn = state.db.conn().unwrap();
    niaz::services::demo::load(&mut conn, Some(600), 7, false).unwrap();
    state.search.apply_pending().unwrap();
    let before = total(&state, "");
    let old = state.search.generation();
    let (name, n) = niaz::search::rebuild(dir.path(), &state.db, &|_, _| {}).unwrap();
    assert_eq!(n as usize, before);
    // The old generation still answers until the switch.
    assert_eq!(
        search(
            &old,
            &SearchRequest {
                limit: 1,
                ..Default::default()
            }
        )
        .unwrap()
        .total,
        before
    );
    state.search.start_worker();
    state.search.notify();
    let deadline = Instant::now() + Duration::from_secs(10);
    while state.search.generation().name != name {
        assert!(Instant::now() < deadline, "switched to the new generation");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(total(&state, ""), before);
}

fn wait_for_health(base: &str, child: &mut std::process::Child) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            panic!("server exited early: {status}");
        }
        if std::net::TcpStream::connect(base).is_ok() {
            return;
        }
        assert!(Instant::now() < deadline, "server did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Kills the real server with SIGKILL while it indexes, changes the database while it is down,
/// and checks that the restarted server's index holds exactly the public needs.
#[test]
fn the_index_survives_sigkill_at_any_point() {
    let dir = tempfile::tempdir().unwrap();
    let config = crate::helpers::config_for(dir.path());
    let db = niaz::db::Db::open(&config.database_url).unwrap();
    niaz::services::demo::load(&mut db.conn().unwrap(), Some(3_000), 11, false).unwrap();
    let bin = env!("CARGO_BIN_EXE_niaz");
    for (round, delay_ms) in [(0, 30u64), (1, 150), (2, 400)].into_iter() {
        let port = free_port();
        let mut child = Command::new(bin)
            .args([
                "--data-dir",
                dir.path().to_str().unwrap(),
                "serve",
                "--addr",
            ])
            .arg(format!("127.0.0.1:{port}"))
            .env("NIAZ_LOG", "warn")
            .envs(crate::helpers::database_env(dir.path()))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        child.kill().unwrap();
        child.wait().unwrap();
        // Changes while the server is down.
        let firm = OrgBuilder::new(&format!("کارخانه {round}")).insert(&db);
        for i in 0..200 {
            NeedBuilder::new(firm, &format!("قطعه تازه {round} {i}")).insert(&db);
        }
    }
    let port = free_port();
    let mut child = Command::new(bin)
        .args([
            "--data-dir",
            dir.path().to_str().unwrap(),
            "serve",
            "--addr",
        ])
        .arg(format!("127.0.0.1:{port}"))
        .env("NIAZ_LOG", "warn")
        .envs(crate::helpers::database_env(dir.path()))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_for_health(&format!("127.0.0.1:{port}"), &mut child);
    child.kill().unwrap();
    child.wait().unwrap();
    let state = AppState::new(config).unwrap();
    let public = niaz::db::search::count_public_needs(&mut db.conn().unwrap()).unwrap();
    assert_eq!(
        total(&state, "") as i64,
        public,
        "index holds exactly the public needs"
    );
}

/// With concurrent writers (PostgreSQL) a change id is handed out when the change is recorded
/// but seen when its transaction commits: a lower id can appear after a higher one was applied.
#[test]
fn a_change_committed_after_a_later_one_still_reaches_the_index() {
    use diesel::prelude::*;
    use niaz::db::schema::{needs, search_changes};
    let dir = tempfile::tempdir().unwrap();
    let state = AppState::new(crate::helpers::config_for(dir.path())).unwrap();
    let firm = OrgBuilder::new("کارخانه").insert(&state.db);
    let a = NeedBuilder::new(firm, "کمپرسور اسکرو").insert(&state.db);
    let b = NeedBuilder::new(firm, "پمپ دنده‌ای").insert(&state.db);
    state.search.apply_pending().unwrap();
    let base = state.search.generation().applied().unwrap();
    let mut conn = state.db.conn().unwrap();
    for (id, title) in [(a, "توربین بادی"), (b, "ژنراتور دیزلی")] {
        diesel::update(needs::table.find(id))
            .set(needs::title.eq(title))
            .execute(&mut *conn)
            .unwrap();
    }
    let change = |conn: &mut niaz::db::Conn, id: i32, need: i32, age: chrono::Duration| {
        diesel::insert_into(search_changes::table)
            .values((
                search_changes::id.eq(id),
                search_changes::need_id.eq(need),
                search_changes::created_at.eq(chrono::Utc::now().naive_utc() - age),
            ))
            .execute(conn)
            .unwrap();
    };
    // B's transaction took base+1 but commits after A's, which took base+2.
    change(&mut conn, base + 2, a, chrono::Duration::zero());
    state.search.apply_pending().unwrap();
    assert_eq!(total(&state, "توربین"), 1);
    assert_eq!(
        state.search.generation().applied().unwrap(),
        base,
        "the position waits for the missing id"
    );
    change(&mut conn, base + 1, b, chrono::Duration::zero());
    assert_eq!(
        state.search.apply_pending().unwrap(),
        1,
        "only the late change"
    );
    assert_eq!(
        total(&state, "ژنراتور"),
        1,
        "the late change is not skipped"
    );
    assert_eq!(state.search.generation().applied().unwrap(), base + 2);
    // An id never seen (a transaction that rolled back) is passed over once the change after
    // it is older than the grace period.
    change(
        &mut conn,
        base + 4,
        a,
        niaz::search::GAP_GRACE + chrono::Duration::seconds(1),
    );
    state.search.apply_pending().unwrap();
    assert_eq!(state.search.generation().applied().unwrap(), base + 4);
    // Nothing new: nothing applied again.
    assert_eq!(state.search.apply_pending().unwrap(), 0);
}

/// A rebuild records as its position the newest change older than the grace period, so a change
/// still in a transaction while it read the needs (a lower id, committed later) is applied after.
#[test]
fn a_rebuild_does_not_pass_over_changes_still_in_flight() {
    use diesel::prelude::*;
    use niaz::db::schema::{needs, search_changes};
    let dir = tempfile::tempdir().unwrap();
    let state = AppState::new(crate::helpers::config_for(dir.path())).unwrap();
    let firm = OrgBuilder::new("کارخانه").insert(&state.db);
    let b = NeedBuilder::new(firm, "پمپ دنده‌ای").insert(&state.db);
    let db = state.db.clone();
    drop(state);
    let mut conn = db.conn().unwrap();
    let last = niaz::db::search::last_change_id(&mut conn).unwrap();
    // Another writer took last+10 and committed; last+5 is still in its transaction.
    diesel::insert_into(search_changes::table)
        .values((
            search_changes::id.eq(last + 10),
            search_changes::need_id.eq(b),
            search_changes::created_at.eq(chrono::Utc::now().naive_utc()),
        ))
        .execute(&mut *conn)
        .unwrap();
    niaz::search::rebuild(dir.path(), &db, &|_, _| {}).unwrap();
    // Now it commits: a new title and the lower id.
    diesel::update(needs::table.find(b))
        .set(needs::title.eq("ژنراتور دیزلی"))
        .execute(&mut *conn)
        .unwrap();
    diesel::insert_into(search_changes::table)
        .values((
            search_changes::id.eq(last + 5),
            search_changes::need_id.eq(b),
            search_changes::created_at.eq(chrono::Utc::now().naive_utc()),
        ))
        .execute(&mut *conn)
        .unwrap();
    drop(conn);
    let state = AppState::new(crate::helpers::config_for(dir.path())).unwrap();
    state.search.apply_pending().unwrap();
    assert_eq!(
        total(&state, "ژنراتور"),
        1,
        "the late change reaches the rebuilt index"
    );
}
