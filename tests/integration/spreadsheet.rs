//! Spreadsheet import and export through the real `niaz` binary.

use std::path::Path;
use std::process::{Command, Output};

use niaz::search::query::{search, SearchRequest};
use niaz::state::AppState;

fn niaz(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_niaz"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env("NIAZ_LOG", "warn")
        .envs(crate::helpers::database_env(data))
        .output()
        .expect("niaz runs")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn example() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/needs-example.csv")
        .display()
        .to_string()
}

fn hits(data: &Path, q: &str) -> usize {
    let state = AppState::new(crate::helpers::config_for(data)).unwrap();
    let req = SearchRequest {
        q: q.into(),
        limit: 10,
        ..Default::default()
    };
    search(&state.search.generation(), &req).unwrap().total
}

/// Every column of every need, in id order, as text.
fn all_columns(data: &Path) -> Vec<String> {
    let config = crate::helpers::config_for(data);
    let db = niaz::db::Db::open(&config.database_url).unwrap();
    niaz::db::catalogue::all_need_rows(&mut db.conn().unwrap(), None)
        .unwrap()
        .into_iter()
        .map(|(n, _, _)| format!("{n:?}"))
        .collect()
}

fn count_needs(data: &Path) -> i64 {
    let config = crate::helpers::config_for(data);
    let db = niaz::db::Db::open(&config.database_url).unwrap();
    niaz::db::catalogue::count_needs(&mut db.conn().unwrap()).unwrap()
}

const HEADER: &str = "ref,organization,city,title,part_number,hs_code,category,quantity_per_year,unit,unit_price,currency,origin_country,deadline,anonymous,status";

#[test]
fn the_example_imports_is_searchable_and_reimports_idempotently() {
    let dir = tempfile::tempdir().unwrap();
    let out = niaz(dir.path(), &["import", &example()]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("3 new needs"), "{}", text(&out));
    assert_eq!(
        hits(dir.path(), "6205-2RS"),
        1,
        "searchable as soon as the command returns"
    );
    assert_eq!(hits(dir.path(), "مکانیکال سیل"), 1);
    assert_eq!(hits(dir.path(), "قالب"), 0, "the draft row is not public");
    let again = niaz(dir.path(), &["import", &example()]);
    assert!(
        text(&again).contains("0 new needs, 0 updated, 3 unchanged"),
        "{}",
        text(&again)
    );
    assert_eq!(count_needs(dir.path()), 3);
}

#[test]
fn bad_rows_are_reported_precisely_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let csv = format!(
        "{HEADER}\n\
         A1,کارخانه الف,تبریز,پمپ آب,P-1,8413,pumps,100,عدد,12.5,USD,DE,1404/05/10,no,\n\
         A2,,تبریز,بدون سازمان,,,,,,,,,,,\n\
         A3,کارخانه ب,تبریز,کد بد,,84A1,,abc,جعبه,1.2.3,GBP,Atlantis,1404/13/40,maybe,lost\n\
         A1,کارخانه ج,تبریز,مرجع تکراری,,,,,,,,,,,\n"
    );
    let file = dir.path().join("bad.csv");
    std::fs::write(&file, csv).unwrap();
    let out = niaz(dir.path(), &["import", file.to_str().unwrap()]);
    assert!(!out.status.success());
    let t = text(&out);
    for expected in [
        "row 3, column organization: This is required",
        "row 4, column hs_code",
        "row 4, column quantity_per_year",
        "row 4, column unit",
        "row 4, column currency",
        "row 4, column origin_country",
        "row 4, column deadline",
        "row 4, column anonymous",
        "row 4, column status",
        "row 5, column ref",
        "nothing was imported",
    ] {
        assert!(t.contains(expected), "missing {expected:?} in:\n{t}");
    }
    assert_eq!(count_needs(dir.path()), 0, "all or nothing");

    let skip = niaz(
        dir.path(),
        &["import", "--skip-invalid", file.to_str().unwrap()],
    );
    assert!(skip.status.success(), "{}", text(&skip));
    assert!(
        text(&skip).contains("3 invalid rows skipped"),
        "{}",
        text(&skip)
    );
    assert_eq!(count_needs(dir.path()), 1);
}

#[test]
fn unknown_columns_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("cols.csv");
    std::fs::write(&file, "title,organization,colour\nپمپ,کارخانه,قرمز\n").unwrap();
    let out = niaz(dir.path(), &["import", file.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(
        text(&out).contains("column colour: unknown column"),
        "{}",
        text(&out)
    );
}

#[test]
fn windows_1256_files_from_old_excel_are_read() {
    let dir = tempfile::tempdir().unwrap();
    // Old Persian Excel exports write the Arabic yeh (ي): Windows-1256 has no Persian one.
    let csv = "title,organization,city,quantity_per_year\nکاسه نمد گيربکس,ريخته گري مراغه,مراغه,\"1,200\"\n";
    let (bytes, _, lossy) = encoding_rs::WINDOWS_1256.encode(csv);
    assert!(!lossy);
    let file = dir.path().join("old.csv");
    std::fs::write(&file, &bytes).unwrap();
    let out = niaz(dir.path(), &["import", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(hits(dir.path(), "کاسه‌نمد"), 1);
    let forced = niaz(
        dir.path(),
        &[
            "import",
            "--encoding",
            "windows-1256",
            file.to_str().unwrap(),
        ],
    );
    assert!(forced.status.success(), "{}", text(&forced));
}

#[test]
fn export_imports_back_without_changes_in_csv_and_xlsx() {
    let dir = tempfile::tempdir().unwrap();
    assert!(niaz(dir.path(), &["import", &example()]).status.success());
    let first = dir.path().join("a.csv");
    assert!(niaz(dir.path(), &["export", "-o", first.to_str().unwrap()])
        .status
        .success());
    let bytes = std::fs::read(&first).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "UTF-8 with BOM");
    let before = all_columns(dir.path());
    // Apart, so that a rewritten time would differ.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let out = niaz(dir.path(), &["import", first.to_str().unwrap()]);
    assert!(out.status.success());
    assert!(
        text(&out).contains("0 new needs, 0 updated, 3 unchanged"),
        "{}",
        text(&out)
    );
    assert_eq!(
        all_columns(dir.path()),
        before,
        "every column, publication and update times included, is as it was"
    );
    let second = dir.path().join("b.csv");
    assert!(
        niaz(dir.path(), &["export", "-o", second.to_str().unwrap()])
            .status
            .success()
    );
    assert_eq!(
        std::fs::read(&first).unwrap(),
        std::fs::read(&second).unwrap()
    );

    let xlsx = dir.path().join("c.xlsx");
    assert!(niaz(dir.path(), &["export", "-o", xlsx.to_str().unwrap()])
        .status
        .success());
    let out = niaz(dir.path(), &["import", xlsx.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("0 new needs, 0 updated, 3 unchanged"),
        "{}",
        text(&out)
    );
    assert_eq!(
        all_columns(dir.path()),
        before,
        "XLSX round trip, every column"
    );
    let third = dir.path().join("d.csv");
    assert!(niaz(dir.path(), &["export", "-o", third.to_str().unwrap()])
        .status
        .success());
    assert_eq!(
        std::fs::read(&first).unwrap(),
        std::fs::read(&third).unwrap(),
        "XLSX round trip"
    );
    assert_eq!(count_needs(dir.path()), 3);
}

#[test]
fn ten_thousand_rows_with_some_bad_ones_then_fixed() {
    let dir = tempfile::tempdir().unwrap();
    let mut good = format!("{HEADER}\n");
    let mut bad = good.clone();
    for i in 0..10_000 {
        let line = format!(
            "R{i},کارخانه {},تبریز,قطعه شماره {i},PN-{i},8482,bearings,{},عدد,{}.50,USD,DE,1404/0{}/1{},no,\n",
            i % 50,
            100 + i,
            10 + i % 90,
            1 + i % 9,
            i % 9
        );
        good.push_str(&line);
        if i % 2_500 == 7 {
            bad.push_str(&line.replace("8482", "84"));
        } else {
            bad.push_str(&line);
        }
    }
    let bad_file = dir.path().join("bad.csv");
    std::fs::write(&bad_file, bad).unwrap();
    let out = niaz(dir.path(), &["import", bad_file.to_str().unwrap()]);
    assert!(!out.status.success());
    let t = text(&out);
    for row in [9, 2509, 5009, 7509] {
        assert!(
            t.contains(&format!("row {row}, column hs_code")),
            "row {row} reported:\n{t}"
        );
    }
    assert!(t.contains("4 problems in 4 rows"), "{t}");
    assert_eq!(count_needs(dir.path()), 0);

    let good_file = dir.path().join("good.csv");
    std::fs::write(&good_file, good).unwrap();
    let started = std::time::Instant::now();
    let out = niaz(dir.path(), &["import", good_file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));
    eprintln!(
        "10,000 rows imported and indexed in {:?}",
        started.elapsed()
    );
    assert_eq!(count_needs(dir.path()), 10_000);
    assert_eq!(hits(dir.path(), "PN-9999"), 1);
}

/// Runs `niaz` with `input` on its standard input.
fn niaz_with_input(data: &Path, args: &[&str], input: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_niaz"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env("NIAZ_LOG", "warn")
        .envs(crate::helpers::database_env(data))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("niaz runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn scripts_create_buyers_in_their_firm_and_makers() {
    let dir = tempfile::tempdir().unwrap();
    let password = "a long enough passphrase\n";
    let out = niaz_with_input(
        dir.path(),
        &[
            "user",
            "create",
            "--email",
            "b@example.ir",
            "--role",
            "buyer",
        ],
        password,
    );
    assert!(!out.status.success(), "a buyer needs a firm");
    assert!(text(&out).contains("--organization"), "{}", text(&out));
    for (email, role, org) in [
        ("b@example.ir", "buyer", Some("ماشین سازی نمونه")),
        ("c@example.ir", "buyer", Some("ماشين‌سازي نمونه")),
        ("m@example.ir", "supplier", None),
    ] {
        let mut args = vec!["user", "create", "--email", email, "--role", role];
        if let Some(o) = org {
            args.extend(["--organization", o]);
        }
        let out = niaz_with_input(dir.path(), &args, password);
        assert!(out.status.success(), "{}", text(&out));
    }
    let config = crate::helpers::config_for(dir.path());
    let db = niaz::db::Db::open(&config.database_url).unwrap();
    let mut conn = db.conn().unwrap();
    let find = |conn: &mut niaz::db::Conn, e: &str| {
        niaz::db::accounts::find_user_by_email(conn, e)
            .unwrap()
            .unwrap()
    };
    let (b, c, m) = (
        find(&mut conn, "b@example.ir"),
        find(&mut conn, "c@example.ir"),
        find(&mut conn, "m@example.ir"),
    );
    assert!(b.organization_id.is_some());
    assert_eq!(
        b.organization_id, c.organization_id,
        "the same firm however it is spelled"
    );
    assert_eq!(m.role, niaz::domain::account::Role::Supplier);
    assert!(m.organization_id.is_none());
}

/// Audit item 15: the import knew 21 countries, and a sheet naming Belgium, Australia, Chile or
/// Ukraine was refused whole. Every country is known, by code or by the names people write;
/// Persian reports name them.
#[actix_web::test]
async fn every_country_imports_and_reports_show_its_name() {
    let app = crate::helpers::spawn_app().await;
    let csv = format!(
        "{HEADER}\n\
         C1,کارخانه الف,تبریز,پمپ آب,P-1,8413,,100,عدد,12.5,EUR,Belgium,,no,published\n\
         C2,کارخانه الف,تبریز,شیر کشویی,P-2,8481,,10,عدد,40,EUR,استرالیا,,no,published\n\
         C3,کارخانه الف,تبریز,کوپلینگ لاستیکی,P-3,,,10,عدد,4,USD,chile,,no,published\n\
         C4,کارخانه الف,تبریز,الکتروموتور,P-4,,,2,عدد,900,USD,UKR,,no,published\n\
         C5,کارخانه الف,تبریز,بلبرینگ,P-5,,,2,عدد,9,USD,انگلستان,,no,published\n"
    );
    let (mut organizer, _) = crate::fixtures::UserBuilder::organizer("org@example.ir")
        .login(&app)
        .await;
    let token = crate::helpers::csrf_of(&organizer.get("/admin/import").await.body);
    let preview = organizer
        .post_multipart(
            "/admin/import",
            &[("csrf", &token), ("status", "published")],
            ("countries.csv", csv.as_bytes()),
        )
        .await;
    assert_eq!(preview.status, 200, "{}", preview.body);
    let upload = preview
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
    assert_eq!(res.status, 303, "{}", res.body);
    let stored: Vec<String> = niaz::db::catalogue::all_need_rows(&mut app.db.conn().unwrap(), None)
        .unwrap()
        .into_iter()
        .map(|(n, _, _)| n.content.origin_country)
        .collect();
    assert_eq!(stored, ["BE", "AU", "CL", "UA", "GB"]);
    let report = organizer.get("/admin/reports").await;
    assert_eq!(report.status, 200);
    for name in ["بلژیک", "استرالیا", "شیلی", "اوکراین", "بریتانیا"]
    {
        assert!(report.body.contains(name), "{name} in the report");
    }
}
