//! Matching, judged: a graded set of 40 makers and 100 needs of the province's industries
//! (`tests/data/matching_*.tsv`) with its traps — shops that use a part rather than make it,
//! platers and heat treaters (one operation), generic words, where-used words, parts nobody in
//! the set can make. Each need carries what an engineer says it takes; a maker is relevant when
//! it declares every step and its machines hold the part, weak when it can do one operation.
//! The figures are printed (they are in BENCHMARKS.md) and held by floors. Then the pages: a
//! need page lists only matches with their reasons, a maker's list and the API agree, bad
//! profile input names its field.

use niaz::domain::matching::Envelope;
use niaz::domain::supplier::Process;
use niaz::search::matcher::{MakerInput, Matcher, NeedInput, PartFamilies};

use crate::fixtures::{NeedBuilder, OrgBuilder, UserBuilder};
use crate::helpers::spawn_app;

struct Judged {
    maker_processes: Vec<(String, Vec<Process>, Envelope)>,
    needs: Vec<(NeedInput, Option<Vec<Vec<Process>>>)>,
}

fn rows(text: &str) -> Vec<Vec<String>> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| l.split('\t').map(|c| c.trim().to_string()).collect())
        .collect()
}

fn processes(cell: &str) -> Vec<Process> {
    cell.split_whitespace()
        .map(|p| Process::parse(p).unwrap_or_else(|| panic!("unknown process {p}")))
        .collect()
}

fn set() -> (Matcher, Judged) {
    let (matcher, judged) = set_of(include_str!("../data/matching_needs.tsv"));
    assert_eq!(judged.needs.len(), 100, "a hundred needs");
    (matcher, judged)
}

fn set_of(needs_file: &str) -> (Matcher, Judged) {
    let matcher = Matcher::default();
    matcher
        .set_families(PartFamilies::with_extra("").unwrap())
        .unwrap();
    let mut makers = Vec::new();
    let mut judged = Vec::new();
    for (i, r) in rows(include_str!("../data/matching_makers.tsv"))
        .iter()
        .enumerate()
    {
        let cell = |n: usize| r.get(n).cloned().unwrap_or_default();
        let num = |n: usize| cell(n).parse::<i32>().ok();
        let envelope = Envelope {
            max_diameter_mm: num(7),
            max_length_mm: num(8),
            max_weight_kg: num(9),
            tolerance_um: cell(10).parse::<f64>().ok().map(|mm| (mm * 1000.0) as i32),
            ..Envelope::default()
        };
        let ps = processes(&cell(1));
        let names = ps
            .iter()
            .map(|p| {
                let key = format!("process.{}", p.as_str());
                format!(
                    "{} {}",
                    niaz::i18n::t(niaz::i18n::Lang::Fa, &key),
                    niaz::i18n::t(niaz::i18n::Lang::En, &key)
                )
            })
            .collect::<Vec<_>>()
            .join("\n");
        makers.push(MakerInput {
            id: i as i32 + 1,
            organization_id: Some(1000 + i as i32),
            processes: ps.clone(),
            process_names: names,
            materials: cell(2),
            machines: cell(3),
            localized_parts: cell(4),
            summary: cell(5),
            city: cell(6),
            envelope,
        });
        judged.push((cell(0), ps, envelope));
    }
    matcher.set_makers((1, None, 1), &makers).unwrap();
    let mut needs = Vec::new();
    for (i, r) in rows(needs_file).iter().enumerate() {
        let cell = |n: usize| r.get(n).cloned().unwrap_or_default();
        let truth = match cell(4).as_str() {
            "none" => None,
            steps => Some(
                steps
                    .split_whitespace()
                    .map(|s| s.split('/').map(|p| Process::parse(p).unwrap()).collect())
                    .collect(),
            ),
        };
        needs.push((
            NeedInput {
                id: i as i32 + 1,
                organization_id: 1,
                title: cell(0),
                title_en: cell(1),
                material: cell(2),
                spec_items: niaz::domain::need::parse_spec_items(&cell(3)),
                city: "تبریز".into(),
                province: "آذربایجان شرقی".into(),
                open: true,
                ..NeedInput::default()
            },
            truth,
        ));
    }
    assert_eq!(makers.len(), 40, "forty makers");
    (
        matcher,
        Judged {
            maker_processes: judged,
            needs,
        },
    )
}

/// Whether the maker can make the part: every step declared, and the part fits its machines.
fn relevant(
    truth: &[Vec<Process>],
    maker: &(String, Vec<Process>, Envelope),
    need: &NeedInput,
) -> bool {
    let (_, ps, e) = maker;
    let dims = niaz::domain::matching::dims_of(&need.spec_items);
    let fits = |n: Option<f64>, l: Option<i32>| match (n, l) {
        (Some(n), Some(l)) => n <= f64::from(l),
        _ => true,
    };
    truth.iter().all(|step| step.iter().any(|p| ps.contains(p)))
        && fits(dims.diameter_mm, e.max_diameter_mm)
        && fits(dims.length_mm, e.max_length_mm)
        && fits(dims.weight_kg, e.max_weight_kg)
}

/// Whether the maker can do one operation of the part (a weak match).
fn weak(truth: &[Vec<Process>], maker: &(String, Vec<Process>, Envelope)) -> bool {
    use Process::*;
    let ps = &maker.1;
    let one_step = truth.iter().flatten().any(|p| ps.contains(p));
    let shaped = [
        GearCutting,
        SandCasting,
        InvestmentCasting,
        DieCasting,
        Forging,
        Hydraulics,
        PowderMetallurgy,
        SpringMaking,
        Fasteners,
    ];
    let finishing = [
        CncTurning,
        CncMilling,
        Grinding,
        HeatTreatment,
        SurfaceCoating,
    ];
    let finishes = truth.iter().flatten().any(|p| shaped.contains(p))
        && ps.iter().any(|p| finishing.contains(p));
    one_step || finishes
}

#[derive(Debug, Default)]
struct Figures {
    strict_at_4: f64,
    lenient_at_4: f64,
    alerts_strict: f64,
    makeable_reached: f64,
    unmakeable_listed: f64,
    needs_listed: usize,
}

fn judge(matcher: &Matcher, j: &Judged) -> Figures {
    let (mut strict, mut lenient, mut listed) = (0.0, 0.0, 0usize);
    let (mut alert_pairs, mut alert_good) = (0usize, 0usize);
    let (mut makeable, mut reached, mut unmakeable, mut wrongly) = (0, 0, 0, 0);
    for (need, truth) in &j.needs {
        let top = matcher.makers_for(need, 4).unwrap();
        let all = matcher.makers_for(need, 100).unwrap();
        let maker = |id: i32| &j.maker_processes[(id - 1) as usize];
        let can = |id: i32| truth.as_ref().is_some_and(|t| relevant(t, maker(id), need));
        let exists = (1..=40).any(can);
        if exists {
            makeable += 1;
            if top.iter().any(|r| can(r.id)) {
                reached += 1;
            } else {
                println!("not reached: {} / {}", need.title, need.title_en);
            }
        } else {
            unmakeable += 1;
            if !top.is_empty() {
                wrongly += 1;
                println!(
                    "listed though nobody can: {} / {} -> {:?}",
                    need.title,
                    need.title_en,
                    top.iter()
                        .map(|r| &j.maker_processes[(r.id - 1) as usize].0)
                        .collect::<Vec<_>>()
                );
            }
        }
        if !top.is_empty() {
            listed += 1;
            for r in top.iter().filter(|r| !can(r.id)) {
                println!(
                    "not relevant: {} / {} -> {}",
                    need.title,
                    need.title_en,
                    maker(r.id).0
                );
            }
            let n = top.len() as f64;
            strict += top.iter().filter(|r| can(r.id)).count() as f64 / n;
            lenient += top
                .iter()
                .filter(|r| can(r.id) || truth.as_ref().is_some_and(|t| weak(t, maker(r.id))))
                .count() as f64
                / n;
        }
        alert_pairs += all.len();
        alert_good += all.iter().filter(|r| can(r.id)).count();
    }
    Figures {
        strict_at_4: strict / listed.max(1) as f64,
        lenient_at_4: lenient / listed.max(1) as f64,
        alerts_strict: alert_good as f64 / alert_pairs.max(1) as f64,
        makeable_reached: reached as f64 / makeable.max(1) as f64,
        unmakeable_listed: wrongly as f64 / unmakeable.max(1) as f64,
        needs_listed: listed,
    }
}

#[test]
fn the_graded_set_meets_its_floors() {
    let (matcher, judged) = set();
    let f = judge(&matcher, &judged);
    println!("matching figures on the graded set: {f:#?}");
    assert!(
        f.strict_at_4 >= 0.75,
        "need pages, strict precision@4: {f:?}"
    );
    assert!(
        f.lenient_at_4 >= 0.90,
        "need pages, lenient precision@4: {f:?}"
    );
    assert!(f.alerts_strict >= 0.60, "alerts, strict precision: {f:?}");
    assert!(
        f.makeable_reached >= 0.90,
        "makeable needs reaching a maker: {f:?}"
    );
    assert!(
        f.unmakeable_listed <= 0.10,
        "unmakeable needs listing anyone: {f:?}"
    );
    assert!(f.needs_listed >= 80, "most needs list someone: {f:?}");
}

/// The second set was written and judged after the family table was last changed, and is
/// never used to change it; its floors are what it gave, so a change that makes matching worse
/// on parts it was not tuned for fails here.
#[test]
fn a_set_judged_before_tuning_holds_its_figures() {
    let (matcher, judged) = set_of(include_str!("../data/matching_needs_unseen.tsv"));
    assert_eq!(judged.needs.len(), 40);
    let f = judge(&matcher, &judged);
    println!("matching figures on the unseen set: {f:#?}");
    assert!(f.strict_at_4 >= UNSEEN.0, "strict precision@4: {f:?}");
    assert!(f.lenient_at_4 >= UNSEEN.1, "lenient precision@4: {f:?}");
    assert!(f.alerts_strict >= UNSEEN.2, "alerts: {f:?}");
    assert!(f.makeable_reached >= UNSEEN.3, "makeable reached: {f:?}");
    assert!(f.unmakeable_listed <= UNSEEN.4, "unmakeable listed: {f:?}");
}

/// Floors of the unseen set: (strict@4, lenient@4, alerts, reached, unmakeable listed at most).
const UNSEEN: (f64, f64, f64, f64, f64) = (0.95, 0.95, 0.95, 0.97, 0.0);

#[test]
fn a_maker_that_uses_a_part_or_does_one_operation_is_not_listed() {
    let (matcher, judged) = set();
    let key = |id: i32| judged.maker_processes[(id - 1) as usize].0.as_str();
    let by_title = |t: &str| &judged.needs.iter().find(|(n, _)| n.title == t).unwrap().0;
    let insert = matcher
        .makers_for(by_title("اینسرت تراشکاری CNMG"), 4)
        .unwrap();
    assert_eq!(
        insert.iter().map(|r| key(r.id)).collect::<Vec<_>>(),
        ["pm1"],
        "turning shops use inserts; the powder metallurgist makes them"
    );
    let gear = matcher
        .makers_for(by_title("چرخ‌دنده گیربکس نوار نقاله"), 4)
        .unwrap();
    assert!(
        gear.iter().all(|r| key(r.id).starts_with("gear")),
        "{gear:?}"
    );
    assert!(
        !gear.iter().any(|r| key(r.id) == "heat1"),
        "a heat treater does one operation of a gear"
    );
    let bearing = matcher.makers_for(by_title("بلبرینگ ۶۲۰۵"), 4).unwrap();
    assert!(
        bearing.is_empty(),
        "nobody here makes bearings: {bearing:?}"
    );
    let big = matcher.makers_for(by_title("غلتک خشک‌کن کاغذ"), 10).unwrap();
    assert!(
        big.is_empty(),
        "no lathe here turns Ø 1500 × 4000: {:?}",
        big.iter().map(|r| key(r.id)).collect::<Vec<_>>()
    );
}

#[test]
fn both_directions_agree() {
    let (matcher, judged) = set();
    let inputs: Vec<NeedInput> = judged.needs.iter().map(|(n, _)| n.clone()).collect();
    matcher.apply_needs(1, &inputs, &[], true).unwrap();
    for maker in 1..=40 {
        let (list, _) = matcher
            .needs_for(maker, &Default::default(), 0, 200)
            .unwrap()
            .unwrap();
        for need in &inputs {
            let listed_here = list.iter().any(|r| r.id == need.id);
            let listed_there = matcher
                .makers_for(need, 100)
                .unwrap()
                .iter()
                .any(|r| r.id == maker);
            assert_eq!(
                listed_here, listed_there,
                "maker {maker}, need {}",
                need.title
            );
        }
    }
}

#[actix_web::test]
async fn pages_and_api_show_the_matches_with_reasons() {
    let app = spawn_app().await;
    let firm = OrgBuilder::new("کارخانه نمونه").insert(&app.db);
    let need = NeedBuilder::new(firm, "چرخ‌دنده گیربکس آسیاب")
        .material("فولاد 42CrMo4")
        .insert(&app.db);
    let bearing = NeedBuilder::new(firm, "بلبرینگ ۶۳۱۰").insert(&app.db);
    app.sync();
    let (mut maker, gear_maker) = UserBuilder::maker("gears@example.com").login(&app).await;
    let fields = [
        ("summary", "چرخ‌دنده‌سازی"),
        ("materials", "فولاد آلیاژی"),
        ("machines", "هاب CNC"),
        ("city", "تبریز"),
        ("processes", "gear_cutting"),
        ("processes", "cnc_turning"),
        ("max_diameter_mm", "800"),
        ("batch_min", "500"),
        ("batch_max", "20"),
    ];
    let bad = maker
        .submit("/account/profile", "/account/profile", &fields)
        .await;
    assert_eq!(bad.status, 400);
    assert!(
        bad.body.contains("e-batch_max"),
        "the reversed range names its field"
    );
    assert!(bad.body.contains("هاب CNC"), "typed work is kept");
    let mut fields = fields.to_vec();
    fields.retain(|(k, _)| *k != "batch_min");
    let ok = maker
        .submit("/account/profile", "/account/profile", &fields)
        .await;
    assert!(ok.status.is_redirection(), "{}", ok.status);

    // The need page lists the gear maker with its reasons; the bearing page lists nobody.
    let page = app.get(&format!("/needs/{need}")).await;
    assert!(
        page.body.contains(&format!("/suppliers/{gear_maker}")),
        "the maker is listed"
    );
    assert!(page.body.contains("reason-ok"), "with its reasons");
    let page = app.get(&format!("/needs/{bearing}")).await;
    assert!(!page.body.contains(&format!("/suppliers/{gear_maker}")));
    assert!(
        page.body.contains("makers-title"),
        "an empty state, not nothing"
    );

    // The maker's list and the need page agree; the maker sees why.
    let list = maker.get("/account/matches").await;
    assert_eq!(list.status, 200);
    assert!(
        list.body.contains(&format!("/needs/{need}\"")),
        "{}",
        list.body
    );
    assert!(!list.body.contains(&format!("/needs/{bearing}\"")));
    assert!(maker
        .get(&format!("/needs/{need}"))
        .await
        .body
        .contains("verdict-yes"));
    assert!(maker
        .get(&format!("/needs/{bearing}"))
        .await
        .body
        .contains("verdict-no"));
    assert_eq!(maker.get("/account/matches?process=nope").await.status, 400);

    // The API says the same, under the public pages' privacy.
    let (status, makers) = app.get_json(&format!("/api/v1/needs/{need}/makers")).await;
    assert_eq!(status, 200);
    assert_eq!(makers["makers"][0]["maker"]["id"], gear_maker, "{makers}");
    assert!(makers["makers"][0]["reasons"].as_array().unwrap().len() >= 2);
    assert!(
        !makers.to_string().contains('@'),
        "never an address: {makers}"
    );
    let (status, needs) = app
        .get_json(&format!("/api/v1/suppliers/{gear_maker}/needs"))
        .await;
    assert_eq!(status, 200);
    assert_eq!(needs["needs"][0]["need"]["id"], need, "{needs}");
    assert_eq!(needs["total"], 1);
    let (status, _) = app
        .get_json(&format!("/api/v1/needs/{need}/makers?limit=0"))
        .await;
    assert_eq!(status, 400);
    let (status, _) = app.get_json("/api/v1/suppliers/999999/needs").await;
    assert_eq!(status, 404);
}

#[actix_web::test]
async fn organizers_extend_the_part_families() {
    let app = spawn_app().await;
    let (mut staff, _) = UserBuilder::organizer("org@example.com").login(&app).await;
    assert_eq!(staff.get("/admin/part-families").await.status, 200);
    let bad = staff
        .submit(
            "/admin/part-families",
            "/admin/part-families",
            &[("families", "پولک : no_such_process")],
        )
        .await;
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("پولک"), "typed work is kept");
    let ok = staff
        .submit(
            "/admin/part-families",
            "/admin/part-families",
            &[("families", "پولک, brake shim : sheet_metal")],
        )
        .await;
    assert!(ok.status.is_redirection(), "{}", ok.status);
    let r = app.state.matcher.requirement("پولک ترمز", "").unwrap();
    assert_eq!(r.suggested(), vec![Process::SheetMetal]);
}

#[actix_web::test]
async fn the_makers_path_from_profile_to_offer() {
    let app = spawn_app().await;
    let firm = OrgBuilder::new("کارخانه نمونه").insert(&app.db);
    let need = NeedBuilder::new(firm, "چرخ‌دنده گیربکس آسیاب")
        .material("فولاد")
        .insert(&app.db);
    app.sync();
    let (mut maker, _) = UserBuilder::maker("path@example.com").login(&app).await;

    // An empty profile is pointed out on the offer form.
    let form = maker.get(&format!("/needs/{need}/interest")).await;
    assert!(form.body.contains("profile-empty"), "complete your profile");

    // A public profile never carries contacts.
    let with_mail = maker
        .submit(
            "/account/profile",
            "/account/profile",
            &[
                ("summary", "تماس: info@gears.ir"),
                ("processes", "gear_cutting"),
            ],
        )
        .await;
    assert_eq!(with_mail.status, 400);
    assert!(with_mail.body.contains("e-summary"));
    let saved = maker
        .submit(
            "/account/profile",
            "/account/profile",
            &[
                ("summary", "چرخ‌دنده‌سازی با هاب"),
                ("materials", "فولاد"),
                ("processes", "gear_cutting"),
                ("processes", "grinding"),
            ],
        )
        .await;
    assert!(saved.status.is_redirection(), "{}", saved.status);

    // The first offer starts from the part's steps the profile declares.
    let form = maker.get(&format!("/needs/{need}/interest")).await;
    assert!(
        form.body.contains(r#"value="gear_cutting" checked"#),
        "the step the maker declares is ticked"
    );
    assert!(!form.body.contains(r#"value="grinding" checked"#));
    assert!(
        !form.body.contains("profile-empty"),
        "the profile is no longer empty"
    );

    // A phone number in the message is refused, the message kept.
    let phone = maker
        .submit(
            &format!("/needs/{need}/interest"),
            &format!("/needs/{need}/interest"),
            &[
                ("message", "می‌سازیم؛ تماس ۰۹۱۲۳۴۵۶۷۸۹"),
                ("processes", "gear_cutting"),
            ],
        )
        .await;
    assert_eq!(phone.status, 400);
    assert!(phone.body.contains("e-message"));
    assert!(phone.body.contains("می‌سازیم"));
    let sent = maker
        .submit(
            &format!("/needs/{need}/interest"),
            &format!("/needs/{need}/interest"),
            &[
                ("message", "چرخ‌دنده 6205 را می‌سازیم"),
                ("processes", "gear_cutting"),
            ],
        )
        .await;
    assert!(sent.status.is_redirection(), "{}", sent.status);

    // The need page says the maker offered, with the way back to the offer.
    let page = maker.get(&format!("/needs/{need}")).await;
    assert!(
        page.body.contains("class=\"notice offered\""),
        "you offered on this"
    );
    assert!(page.body.contains(&format!("/needs/{need}/interest")));
    assert!(
        page.body.contains("sticky-action"),
        "the action stays at hand on a phone"
    );
}

#[actix_web::test]
async fn a_maker_sees_and_deletes_its_photos_on_its_own_profile() {
    let app = spawn_app().await;
    let (mut maker, id) = UserBuilder::maker("photos@example.com").login(&app).await;
    maker
        .submit(
            "/account/profile",
            "/account/profile",
            &[("summary", "ریخته‌گری"), ("processes", "sand_casting")],
        )
        .await;
    let photo = crate::fixtures::supplier_photo(&app, id);
    let page = maker.get("/account/profile").await;
    assert!(page
        .body
        .contains(&format!("/suppliers/photos/{photo}/thumb")));
    assert!(page
        .body
        .contains(&format!("/account/profile/photos/{photo}/delete")));
    // A refused save keeps showing them.
    let bad = maker
        .submit(
            "/account/profile",
            "/account/profile",
            &[("batch_min", "x")],
        )
        .await;
    assert_eq!(bad.status, 400);
    assert!(bad
        .body
        .contains(&format!("/suppliers/photos/{photo}/thumb")));
}

/// Codes typed by users read left to right inside Persian wherever they are shown: the search
/// heading and page title, a maker's public summary, an offer message on the firm's page.
#[actix_web::test]
async fn user_text_keeps_its_codes_left_to_right() {
    let app = spawn_app().await;
    let firm = OrgBuilder::new("کارخانه کد").insert(&app.db);
    let need = NeedBuilder::new(firm, "بلبرینگ").insert(&app.db);
    app.sync();
    let page = app.get("/search?q=6205-2RS").await;
    let isolated = "\u{2068}\u{2066}6205-2RS\u{2069}\u{2069}";
    let title = page.body.split("<title>").nth(1).unwrap_or_default();
    assert!(title.contains(isolated), "the page title isolates the code");
    let h1 = page.body.split("<h1>").nth(1).unwrap_or_default();
    assert!(h1
        .split("</h1>")
        .next()
        .unwrap_or_default()
        .contains(isolated));

    let (mut maker, id) = UserBuilder::maker("codes@example.com").login(&app).await;
    maker
        .submit(
            "/account/profile",
            "/account/profile",
            &[
                ("summary", "تراش بلبرینگ 6205-2RS و پوسته"),
                ("processes", "cnc_turning"),
            ],
        )
        .await;
    let profile = app.get(&format!("/suppliers/{id}")).await;
    assert!(
        profile.body.contains(r#"<bdi dir="ltr">6205-2RS</bdi>"#),
        "the summary"
    );
    maker
        .submit(
            &format!("/needs/{need}/interest"),
            &format!("/needs/{need}/interest"),
            &[("message", "نمونه 6205-2RS داریم")],
        )
        .await;
    let (mut buyer, _) = UserBuilder::buyer("firm-codes@example.com", firm)
        .login(&app)
        .await;
    let offers = buyer.get(&format!("/my/needs/{need}/interests")).await;
    assert_eq!(offers.status, 200);
    assert!(
        offers.body.contains(r#"<bdi dir="ltr">6205-2RS</bdi>"#),
        "the offer message"
    );
}
