//! Who may do what: every route against every role, in one table; and the staff's controls.

use niaz::domain::account::Role;
use niaz::services::accounts::create_user_cli;

use crate::fixtures::{desk_case, OrgBuilder};
use crate::helpers::{csrf_of, spawn_app, Browser, TestApp};

pub const PASSWORD: &str = "گذرواژه‌ی بلند آزمون دسترسی";

const ROLES: [&str; 8] = [
    "anonymous",
    "unverified",
    "buyer",
    "buyer_other",
    "supplier",
    "agency",
    "organizer",
    "admin",
];

pub async fn browser_for(app: &TestApp, role: &str, org: i32, other_org: i32) -> Browser {
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
        // Sign-up signs in nobody (its link does); the password does, before confirming.
        let res = b
            .submit(
                "/login",
                "/login",
                &[("email", &email), ("password", PASSWORD)],
            )
            .await;
        assert_eq!(res.status, 303, "the unconfirmed account signs in");
        return b;
    }
    let r = match role {
        "buyer" | "buyer_other" => Role::Buyer,
        "supplier" => Role::Supplier,
        "agency" => Role::Agency,
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
    if r == Role::Agency {
        let agency = niaz::db::desk::list_agencies(&mut conn)
            .unwrap()
            .into_iter()
            .find(|a| a.slug == "customs")
            .expect("the fixtures have a customs agency");
        niaz::db::desk::set_member(&mut conn, id, agency.id).unwrap();
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

/// What the matrix runs against: the same fixtures in a fresh site for every role, so a
/// destructive route (withdraw, log out) of one role cannot change what the next one sees.
struct Site {
    app: TestApp,
    org: i32,
    other_org: i32,
    /// An unverified firm, for the organizers to verify.
    unverified_org: i32,
    need: i32,
    draft: i32,
    to_withdraw: i32,
    expired: i32,
    pending: i32,
    public_file: i32,
    confidential_file: i32,
    /// A file of `to_withdraw`, to delete.
    spare_file: i32,
    /// An account whose role the admins change; also a maker with a public profile.
    member: i32,
    /// The maker's open offers: on `need` (to accept) and on `to_withdraw` (to decline).
    offer_to_accept: i32,
    offer_to_decline: i32,
    /// An organizer's proposal to introduce the maker for `draft`.
    proposal: i32,
    /// A photo of the maker's past work.
    photo: i32,
    /// Production desk cases: the buyer's firm's, assigned to customs (whose representative
    /// the agency role is); the other firm's, not assigned; the buyer's firm's, resolved.
    case_assigned: String,
    case_other: String,
    case_resolved: String,
    /// A representative of the bank, for admins to remove.
    bank_rep: i32,
    /// A working group session with one case on its agenda (`desk_item`), and a referred case
    /// waiting for one.
    desk_session: i32,
    desk_item: i32,
    case_referred: String,
    /// A document of `case_assigned`.
    desk_file: i32,
}

async fn site(require_2fa: bool) -> Site {
    let app = spawn_app().await;
    let org = OrgBuilder::new("کارخانه الف").insert(&app.db);
    let other_org = OrgBuilder::new("کارخانه ب").insert(&app.db);
    let unverified_org = OrgBuilder::new("کارخانه در انتظار").insert(&app.db);
    {
        use diesel::prelude::*;
        use niaz::db::schema::organizations;
        diesel::update(organizations::table.find(org))
            .set(organizations::verified.eq(true))
            .execute(&mut *app.db.conn().unwrap())
            .unwrap();
    }
    use crate::fixtures::NeedBuilder;
    let need = NeedBuilder::new(org, "نیاز آزمایشی").insert(&app.db);
    let draft = NeedBuilder::new(org, "پیش‌نویس محرمانه")
        .status("draft")
        .insert(&app.db);
    let to_withdraw = NeedBuilder::new(org, "نیاز برای پس گرفتن").insert(&app.db);
    let expired = NeedBuilder::new(org, "نیاز منقضی")
        .status("expired")
        .insert(&app.db);
    let pending = NeedBuilder::new(org, "نیاز در انتظار بررسی")
        .status("pending_review")
        .insert(&app.db);
    let public_file = crate::fixtures::attach_png(&app, need, "public.png", false);
    let confidential_file = crate::fixtures::attach_png(&app, need, "secret-drawing.png", true);
    let spare_file = crate::fixtures::attach_png(&app, to_withdraw, "spare.png", false);
    let member = create_user_cli(
        &mut app.db.conn().unwrap(),
        "member@example.ir",
        "عضو",
        Role::Supplier,
        PASSWORD,
    )
    .unwrap();
    niaz::db::suppliers::save(
        &mut app.db.conn().unwrap(),
        member,
        &niaz::db::suppliers::ProfileFields {
            summary: "تراشکاری".into(),
            materials: String::new(),
            machines: String::new(),
            capacity: String::new(),
            city: "تبریز".into(),
            localized_parts: String::new(),
            ..Default::default()
        },
        &[niaz::domain::supplier::Process::CncTurning],
        &[],
    )
    .unwrap();
    let offer = niaz::db::interests::Offer {
        message: "می‌توانم بسازم".into(),
        processes: "cnc_turning".into(),
        lead_time_days: Some(30),
        sample: true,
        unit_price: None,
        currency: niaz::domain::money::Currency::Irr,
    };
    let offer_to_accept =
        niaz::db::interests::insert(&mut app.db.conn().unwrap(), need, member, &offer).unwrap();
    let offer_to_decline =
        niaz::db::interests::insert(&mut app.db.conn().unwrap(), to_withdraw, member, &offer)
            .unwrap();
    let proposal =
        niaz::db::interests::propose(&mut app.db.conn().unwrap(), draft, member, member).unwrap();
    let photo = crate::fixtures::supplier_photo(&app, member);
    {
        let mut conn = app.db.conn().unwrap();
        let today = chrono::Utc::now().date_naive();
        let edition = niaz::db::exhibitions::insert_edition(
            &mut conn,
            &niaz::db::exhibitions::EditionFields {
                slug: "site-1405".into(),
                title_fa: "نمایشگاه آزمون".into(),
                title_en: String::new(),
                starts_on: today,
                ends_on: today,
                venue: "تبریز".into(),
                description: String::new(),
                status: niaz::domain::exhibition::EditionStatus::Open,
            },
            chrono::Utc::now().naive_utc(),
        )
        .unwrap();
        niaz::db::exhibitions::add_needs(
            &mut conn,
            edition,
            &[need],
            chrono::Utc::now().naive_utc(),
        )
        .unwrap();
    }
    let (
        case_assigned,
        case_other,
        case_resolved,
        bank_rep,
        desk_session,
        desk_item,
        case_referred,
    ) = {
        use niaz::domain::desk::CaseStatus;
        let now = chrono::Utc::now().naive_utc();
        let mut conn = app.db.conn().unwrap();
        let customs =
            niaz::db::desk::insert_agency(&mut conn, "customs", "گمرک", "Customs", now).unwrap();
        let bank = niaz::db::desk::insert_agency(&mut conn, "bank", "بانک", "Bank", now).unwrap();
        let bank_rep = create_user_cli(
            &mut conn,
            "rep@example.ir",
            "نماینده",
            Role::Agency,
            PASSWORD,
        )
        .unwrap();
        niaz::db::desk::set_member(&mut conn, bank_rep, bank).unwrap();
        drop(conn);
        let on_agenda = desk_case(&app, org, member, Some(customs), CaseStatus::Referred);
        let case_referred = desk_case(&app, org, member, Some(customs), CaseStatus::Referred);
        let mut conn = app.db.conn().unwrap();
        let session = niaz::db::desk::insert_session(
            &mut conn,
            chrono::Utc::now().date_naive(),
            "جلسه کارگروه",
            "",
            now,
        )
        .unwrap();
        let case = niaz::db::desk::find_by_number(&mut conn, &on_agenda)
            .unwrap()
            .unwrap();
        niaz::db::desk::add_to_agenda(&mut conn, session, case.id, now).unwrap();
        let item = niaz::db::desk::agenda(&mut conn, session).unwrap()[0].0.id;
        drop(conn);
        (
            desk_case(&app, org, member, Some(customs), CaseStatus::Assigned),
            desk_case(&app, other_org, member, None, CaseStatus::Received),
            desk_case(&app, org, member, Some(customs), CaseStatus::Resolved),
            bank_rep,
            session,
            item,
            case_referred,
        )
    };
    let desk_file = crate::fixtures::desk_png(&app, &case_assigned, member);
    if require_2fa {
        niaz::db::accounts::set_setting(
            &mut app.db.conn().unwrap(),
            niaz::services::accounts::REQUIRE_STAFF_2FA,
            "true",
        )
        .unwrap();
    }
    app.sync();
    Site {
        app,
        org,
        other_org,
        unverified_org,
        need,
        draft,
        to_withdraw,
        expired,
        pending,
        public_file,
        confidential_file,
        spare_file,
        member,
        offer_to_accept,
        offer_to_decline,
        proposal,
        photo,
        case_assigned,
        case_other,
        case_resolved,
        bank_rep,
        desk_session,
        desk_item,
        desk_file,
        case_referred,
    }
}

/// One row of the matrix: a request and the status each role gets, without and with the
/// mandatory staff two-step setting (staff in the fixtures have not set it up).
struct Row {
    method: &'static str,
    path: String,
    form: Vec<(&'static str, String)>,
    multipart: bool,
    expect: [u16; 8],
    expect_with_2fa: [u16; 8],
}

fn get(path: impl Into<String>, expect: [u16; 8]) -> Row {
    Row {
        method: "GET",
        path: path.into(),
        form: Vec::new(),
        multipart: false,
        expect,
        expect_with_2fa: expect,
    }
}

fn post(path: impl Into<String>, form: &[(&'static str, &str)], expect: [u16; 8]) -> Row {
    Row {
        method: "POST",
        path: path.into(),
        form: form.iter().map(|(k, v)| (*k, v.to_string())).collect(),
        multipart: false,
        expect,
        expect_with_2fa: expect,
    }
}

impl Row {
    /// Staff without two-step sign-in, when the site requires it, get these instead.
    fn staff_2fa(mut self, organizer: u16, admin: u16) -> Self {
        self.expect_with_2fa[6] = organizer;
        self.expect_with_2fa[7] = admin;
        self
    }

    fn multipart(mut self) -> Self {
        self.multipart = true;
        self
    }
}

/// Every route in `routes.rs`, for every role. Staff powers used outside the admin pages
/// (editing another firm's need, downloading confidential drawings) are in the table too.
fn table(s: &Site) -> Vec<Row> {
    let (n, d, w, e, p) = (s.need, s.draft, s.to_withdraw, s.expired, s.pending);
    let (pf, cf, sf) = (s.public_file, s.confidential_file, s.spare_file);
    let (ca, co, cr) = (&s.case_assigned, &s.case_other, &s.case_resolved);
    let cref = s.case_referred.clone();
    let org = s.org.to_string();
    const ALL_200: [u16; 8] = [200; 8];
    // anonymous, unverified, buyer, buyer_other, supplier, organizer, admin
    vec![
        get("/", ALL_200),
        get("/needs", ALL_200),
        get(format!("/needs/{n}"), ALL_200),
        get(format!("/needs/{d}"), [404; 8]),
        get(format!("/firms/{}", s.org), ALL_200),
        get("/search?q=x", ALL_200),
        get("/suppliers", ALL_200),
        get("/api/v1/suppliers?q=%D8%AA%D8%B1%D8%A7%D8%B4", ALL_200),
        get("/api/v1/suppliers?limit=1000", [400; 8]),
        get(format!("/api/v1/suppliers/{}", s.member), ALL_200),
        get("/api/v1/suppliers/99999", [404; 8]),
        get(format!("/api/v1/suppliers/{}/needs", s.member), ALL_200),
        get("/api/v1/suppliers/99999/needs", [404; 8]),
        get(format!("/api/v1/needs/{n}/makers"), ALL_200),
        get(format!("/api/v1/needs/{d}/makers"), [404; 8]),
        // A maker's own list of needs it could make.
        get("/account/matches", [303, 409, 403, 403, 200, 403, 403, 403]),
        get(
            "/suppliers?process=cnc_turning&city=%D8%AA%D8%A8%D8%B1%DB%8C%D8%B2",
            ALL_200,
        ),
        get("/suppliers?process=nothing", [400; 8]),
        get(format!("/suppliers/{}", s.member), ALL_200),
        get("/suppliers/99999", [404; 8]),
        // A maker's profile waits for a confirmed address.
        get("/account/profile", [303, 409, 409, 409, 200, 409, 409, 409]),
        get(format!("/suppliers/photos/{}/thumb", s.photo), ALL_200),
        get(format!("/suppliers/photos/{}/full", s.photo), ALL_200),
        get("/suppliers/photos/99999/full", [404; 8]),
        get(
            format!("/needs/{n}/interest"),
            [303, 409, 403, 403, 200, 403, 403, 403],
        ),
        get(
            format!("/my/needs/{n}/interests"),
            [303, 409, 200, 403, 403, 403, 200, 200],
        )
        .staff_2fa(403, 403),
        get("/introductions", [303, 409, 200, 200, 200, 200, 200, 200]),
        get("/followup?token=nope&outcome=localized", ALL_200),
        get(
            format!("/proposals/{}", s.proposal),
            [303, 409, 200, 404, 404, 404, 404, 404],
        ),
        get("/search/export?format=csv", ALL_200),
        get("/search.atom?q=%D9%BE%D9%85%D9%BE", ALL_200),
        get("/search.atom?category=nothing", [400; 8]),
        get("/account/alerts", [303, 200, 200, 200, 200, 200, 200, 200]),
        get("/unsubscribe?token=nope", [409; 8]),
        get("/search/export?format=xlsx", ALL_200),
        get("/about", ALL_200),
        get("/exhibitions", ALL_200),
        get("/exhibitions/site-1405", ALL_200),
        get("/exhibitions/site-1405/catalogue", ALL_200),
        get("/exhibitions/site-1405/cards", ALL_200),
        get("/exhibitions/site-1405/screen", ALL_200),
        get("/exhibitions/site-1405/figures.json", ALL_200),
        get("/exhibitions/nope/screen", [404; 8]),
        get(format!("/n/{n}"), [302; 8]),
        get("/n/x", [404; 8]),
        get(
            "/admin/exhibitions",
            [303, 409, 403, 403, 403, 403, 200, 200],
        )
        .staff_2fa(409, 409),
        get(
            "/admin/audit?actor=a&from=1405/01/01",
            [303, 409, 403, 403, 403, 403, 200, 200],
        )
        .staff_2fa(409, 409),
        get("/admin/reports", [303, 409, 403, 403, 403, 403, 200, 200]).staff_2fa(409, 409),
        get("/admin/synonyms", [303, 409, 403, 403, 403, 403, 200, 200]).staff_2fa(409, 409),
        get(
            "/admin/part-families",
            [303, 409, 403, 403, 403, 403, 200, 200],
        )
        .staff_2fa(409, 409),
        get("/my/firm", [303, 409, 200, 200, 403, 403, 403, 403]),
        get("/admin/firms", [303, 409, 403, 403, 403, 403, 200, 200]).staff_2fa(409, 409),
        get(
            format!("/admin/firms/{}", s.org),
            [303, 409, 403, 403, 403, 403, 200, 200],
        )
        .staff_2fa(409, 409),
        get(
            "/admin/reports.csv",
            [303, 409, 403, 403, 403, 403, 200, 200],
        )
        .staff_2fa(409, 409),
        get(
            "/admin/exhibitions/site-1405",
            [303, 409, 403, 403, 403, 403, 200, 200],
        )
        .staff_2fa(409, 409),
        get(
            "/admin/exhibitions/nope",
            [303, 409, 403, 403, 403, 403, 404, 404],
        )
        .staff_2fa(409, 409),
        get("/signup", [200, 303, 303, 303, 303, 303, 303, 303]),
        get("/verify?token=nope", ALL_200),
        get("/login", [200, 303, 303, 303, 303, 303, 303, 303]),
        get("/login/2fa", [303; 8]),
        get("/password/forgot", ALL_200),
        get("/password/reset?token=nope", ALL_200),
        get("/invite?token=nope", ALL_200),
        get("/account", [303, 200, 200, 200, 200, 200, 200, 200]),
        get("/account/2fa", [303, 200, 200, 200, 200, 200, 200, 200]),
        get("/my/needs", [303, 409, 200, 200, 403, 403, 403, 403]),
        get("/my/needs/new", [303, 409, 200, 200, 403, 403, 200, 200]).staff_2fa(403, 403),
        get(
            format!("/my/needs/{n}/edit"),
            [303, 409, 200, 403, 403, 403, 200, 200],
        )
        .staff_2fa(403, 403),
        get(
            format!("/my/needs/{d}/edit"),
            [303, 409, 200, 403, 403, 403, 200, 200],
        )
        .staff_2fa(403, 403),
        get(format!("/files/{pf}/full"), ALL_200),
        get(format!("/files/{pf}/thumb"), ALL_200),
        get(
            format!("/files/{cf}/full"),
            [404, 404, 200, 404, 404, 404, 200, 200],
        )
        .staff_2fa(404, 404),
        get(
            format!("/files/{cf}/thumb"),
            [404, 404, 200, 404, 404, 404, 200, 200],
        )
        .staff_2fa(404, 404),
        get("/admin/import", [303, 409, 403, 403, 403, 403, 200, 200]).staff_2fa(409, 409),
        get("/admin/review", [303, 409, 403, 403, 403, 403, 200, 200]).staff_2fa(409, 409),
        get("/admin", [303, 409, 403, 403, 403, 403, 200, 200]).staff_2fa(409, 409),
        get("/desk", ALL_200),
        get("/desk/figures", ALL_200),
        get(
            "/desk/figures.csv",
            [303, 409, 403, 403, 403, 403, 200, 200],
        )
        .staff_2fa(409, 409),
        get("/desk/cases", [303, 409, 200, 200, 403, 200, 200, 200]).staff_2fa(403, 403),
        get(
            "/desk/cases?status=resolved&open=1&q=%DA%AF%D9%85%D8%B1%DA%A9",
            [303, 409, 200, 200, 403, 200, 200, 200],
        )
        .staff_2fa(403, 403),
        get(
            "/desk/cases?status=lost",
            [303, 409, 400, 400, 403, 400, 400, 400],
        )
        .staff_2fa(403, 403),
        get(
            format!("/desk/cases/{ca}"),
            [303, 409, 200, 404, 404, 200, 200, 200],
        )
        .staff_2fa(404, 404),
        get(
            format!("/desk/cases/{co}"),
            [303, 409, 404, 200, 404, 404, 200, 200],
        )
        .staff_2fa(404, 404),
        get("/desk/cases/nope", [303, 409, 404, 404, 404, 404, 404, 404]),
        get(
            format!("/desk/files/{}", s.desk_file),
            [303, 409, 200, 404, 404, 200, 200, 200],
        )
        .staff_2fa(404, 404),
        get("/desk/files/999", [303, 409, 404, 404, 404, 404, 404, 404]),
        get("/desk/phone", [303, 409, 403, 403, 403, 403, 200, 200]).staff_2fa(409, 409),
        get("/desk/sessions", [303, 409, 403, 403, 403, 403, 200, 200]).staff_2fa(409, 409),
        get(
            format!("/desk/sessions/{}", s.desk_session),
            [303, 409, 403, 403, 403, 403, 200, 200],
        )
        .staff_2fa(409, 409),
        get(
            format!("/desk/sessions/{}/minutes", s.desk_session),
            [303, 409, 403, 403, 403, 403, 200, 200],
        )
        .staff_2fa(409, 409),
        get(
            "/desk/sessions/999",
            [303, 409, 403, 403, 403, 403, 404, 404],
        )
        .staff_2fa(409, 409),
        get("/admin/agencies", [303, 409, 403, 403, 403, 403, 403, 200]).staff_2fa(403, 409),
        get("/api/v1/needs", ALL_200),
        get(format!("/api/v1/needs/{n}"), ALL_200),
        get(format!("/api/v1/needs/{d}"), [404; 8]),
        get("/api/v1/suggest?q=%D9%86%DB%8C%D8%A7%D8%B2", ALL_200),
        get("/healthz", ALL_200),
        get("/readyz", ALL_200),
        get("/assets/css/site.css", ALL_200),
        post("/lang", &[("lang", "en"), ("next", "/")], [303; 8]),
        post("/signup", &[], [400; 8]),
        post("/verify", &[("token", "nope")], [409; 8]),
        post(
            "/verify/resend",
            &[],
            [401, 303, 303, 303, 303, 303, 303, 303],
        ),
        post("/login", &[], [400; 8]),
        post("/login/2fa", &[("code", "123456")], [401; 8]),
        post(
            "/password/forgot",
            &[("email", "nobody@example.ir")],
            ALL_200,
        ),
        post(
            "/password/reset",
            &[("token", "nope"), ("password", PASSWORD)],
            [409; 8],
        ),
        post(
            "/invite",
            &[("token", "nope"), ("name", "نام"), ("password", PASSWORD)],
            [409; 8],
        ),
        post(
            "/account",
            &[("name", "نام"), ("lang", "fa")],
            [401, 303, 303, 303, 303, 303, 303, 303],
        ),
        post(
            "/account/password",
            &[],
            [401, 400, 400, 400, 400, 400, 400, 400],
        ),
        post(
            "/account/profile",
            &[("summary", "قطعه‌سازی"), ("processes", "welding")],
            [401, 409, 409, 409, 303, 409, 409, 409],
        ),
        post(
            "/account/delete",
            &[],
            [401, 400, 400, 400, 400, 400, 400, 400],
        ),
        post(
            "/account/invite",
            &[("email", "invitee@example.ir")],
            [401, 409, 303, 409, 403, 403, 403, 403],
        ),
        post(
            "/account/2fa/setup",
            &[],
            [401, 303, 303, 303, 303, 303, 303, 303],
        ),
        post(
            "/account/2fa/enable",
            &[("code", "12345x")],
            [401, 400, 400, 400, 400, 400, 400, 400],
        ),
        post(
            "/account/2fa/disable",
            &[],
            [401, 400, 400, 400, 400, 400, 400, 400],
        ),
        post(
            "/my/needs/new",
            &[],
            [401, 409, 400, 400, 403, 403, 400, 400],
        )
        .staff_2fa(403, 403),
        post(
            format!("/my/needs/{n}/edit"),
            &[],
            [401, 409, 400, 403, 403, 403, 400, 400],
        )
        .staff_2fa(403, 403),
        post(
            format!("/my/needs/{d}/edit"),
            &[],
            [401, 409, 400, 403, 403, 403, 400, 400],
        )
        .staff_2fa(403, 403),
        post(
            format!("/my/needs/{n}/files"),
            &[("visibility", "public")],
            [401, 409, 400, 403, 403, 403, 400, 400],
        )
        .staff_2fa(403, 403)
        .multipart(),
        post(
            format!("/needs/{n}/join"),
            &[("quantity_per_year", "10")],
            [401, 409, 409, 303, 403, 403, 403, 403],
        ),
        post(
            "/admin/proposals",
            &[
                ("need", &w.to_string()),
                ("supplier", &s.member.to_string()),
            ],
            [401, 409, 403, 403, 403, 403, 303, 303],
        )
        .staff_2fa(409, 409),
        post(
            format!("/proposals/{}/accept", s.proposal),
            &[],
            [401, 409, 303, 404, 404, 404, 404, 404],
        ),
        post(
            format!("/proposals/{}/decline", s.proposal),
            &[],
            [401, 409, 303, 404, 404, 404, 404, 404],
        ),
        post(
            "/account/profile/photos",
            &[],
            [401, 409, 409, 409, 400, 409, 409, 409],
        )
        .multipart(),
        post(
            "/admin/exhibitions",
            &[("title_fa", "x")],
            [401, 409, 403, 403, 403, 403, 400, 400],
        )
        .staff_2fa(409, 409),
        post(
            "/admin/exhibitions/site-1405",
            &[("title_fa", "x")],
            [401, 409, 403, 403, 403, 403, 400, 400],
        )
        .staff_2fa(409, 409),
        post(
            "/my/firm",
            &[("city", "تبریز")],
            [401, 409, 303, 303, 403, 403, 403, 403],
        ),
        post(
            format!("/admin/firms/{}", s.org),
            &[("city", "تبریز")],
            [401, 409, 403, 403, 403, 403, 303, 303],
        )
        .staff_2fa(409, 409),
        post(
            "/admin/firms/99999/merge",
            &[("into", "1")],
            [401, 409, 403, 403, 403, 403, 404, 404],
        )
        .staff_2fa(409, 409),
        post(
            "/admin/exhibitions/add",
            &[("edition", "site-1405"), ("query", "q=x")],
            [401, 409, 403, 403, 403, 403, 303, 303],
        )
        .staff_2fa(409, 409),
        post(
            "/admin/exhibitions/site-1405/announce",
            &[("process", "cnc_turning")],
            [401, 409, 403, 403, 403, 403, 303, 303],
        )
        .staff_2fa(409, 409),
        post(
            "/admin/exhibitions/site-1405/sections",
            &[("name_fa", "سالن ۱")],
            [401, 409, 403, 403, 403, 403, 303, 303],
        )
        .staff_2fa(409, 409),
        post(
            "/admin/exhibitions/site-1405/needs",
            &[("need", &n.to_string())],
            [401, 409, 403, 403, 403, 403, 303, 303],
        )
        .staff_2fa(409, 409),
        post(
            format!("/admin/exhibitions/site-1405/needs/{n}"),
            &[("booth", "A-1"), ("position", "1")],
            [401, 409, 403, 403, 403, 403, 303, 303],
        )
        .staff_2fa(409, 409),
        post(
            "/admin/exhibitions/site-1405/needs/99999/remove",
            &[],
            [401, 409, 403, 403, 403, 403, 404, 404],
        )
        .staff_2fa(409, 409),
        post(
            "/alerts",
            &[("query", "q=x"), ("frequency", "daily")],
            [401, 409, 303, 303, 303, 303, 303, 303],
        ),
        post(
            "/account/alerts/preferences",
            &[("interest_mail", "each")],
            [401, 303, 303, 303, 303, 303, 303, 303],
        ),
        post(
            "/account/alerts/99999",
            &[("frequency", "daily")],
            [401, 404, 404, 404, 404, 404, 404, 404],
        ),
        post(
            "/account/alerts/99999/delete",
            &[],
            [401, 404, 404, 404, 404, 404, 404, 404],
        ),
        post("/unsubscribe?token=nope", &[], [409; 8]),
        post("/unsubscribe/undo?token=nope", &[], [409; 8]),
        post(
            "/account/profile/photos/99999/delete",
            &[],
            [401, 404, 404, 404, 404, 404, 404, 404],
        ),
        post(
            format!("/suppliers/{}/report", s.member),
            &[("reason", "پاسخ نمی‌دهد")],
            [401, 409, 303, 303, 403, 403, 403, 403],
        ),
        post(
            format!("/admin/suppliers/{}/verify", s.member),
            &[],
            [401, 409, 403, 403, 403, 403, 303, 303],
        )
        .staff_2fa(409, 409),
        post(
            format!("/admin/suppliers/{}/suspend", s.member),
            &[("suspend", "1")],
            [401, 409, 403, 403, 403, 403, 303, 303],
        )
        .staff_2fa(409, 409),
        post(
            "/followup",
            &[("token", "nope"), ("outcome", "localized")],
            [409; 8],
        ),
        post(
            "/introductions/99999/outcome",
            &[("outcome", "negotiating")],
            [401, 409, 404, 404, 404, 404, 404, 404],
        ),
        post(
            format!("/needs/{n}/interest"),
            &[
                ("message", "می‌توانم این را بسازم"),
                ("processes", "welding"),
            ],
            [401, 409, 403, 403, 303, 403, 403, 403],
        ),
        post(
            format!("/needs/{n}/interest/withdraw"),
            &[],
            [401, 404, 403, 403, 303, 403, 403, 403],
        ),
        post(
            format!("/my/interests/{}/accept", s.offer_to_accept),
            &[],
            // Only the firm's members decide their offers: staff read them, never answer.
            [401, 409, 303, 403, 403, 403, 403, 403],
        ),
        post(
            format!("/my/interests/{}/decline", s.offer_to_decline),
            &[("reason", "سازنده دیگری")],
            [401, 409, 303, 403, 403, 403, 403, 403],
        ),
        post(
            format!("/my/needs/{n}/duplicate"),
            &[],
            [401, 409, 303, 403, 403, 403, 303, 303],
        )
        .staff_2fa(403, 403),
        post(
            format!("/my/needs/{e}/renew"),
            &[],
            [401, 409, 303, 403, 403, 403, 303, 303],
        )
        .staff_2fa(403, 403),
        post(
            format!("/my/needs/{w}/files/{sf}/delete"),
            &[],
            [401, 409, 303, 403, 403, 403, 303, 303],
        )
        .staff_2fa(403, 403),
        post(
            format!("/my/needs/{w}/withdraw"),
            &[],
            [401, 409, 303, 403, 403, 403, 303, 303],
        )
        .staff_2fa(403, 403),
        post(
            "/admin/import",
            &[("status", "published")],
            [401, 409, 403, 403, 403, 403, 400, 400],
        )
        .staff_2fa(409, 409)
        .multipart(),
        post(
            "/admin/import/confirm",
            &[("token", "nope")],
            [401, 409, 403, 403, 403, 403, 404, 404],
        )
        .staff_2fa(409, 409),
        post(
            format!("/admin/review/{p}"),
            &[("decision", "approve")],
            [401, 409, 403, 403, 403, 403, 303, 303],
        )
        .staff_2fa(409, 409),
        post(
            format!("/admin/organizations/{}/verify", s.unverified_org),
            &[],
            [401, 409, 403, 403, 403, 403, 303, 303],
        )
        .staff_2fa(409, 409),
        post(
            format!("/admin/users/{}/role", s.member),
            &[("role", "organizer")],
            [401, 409, 403, 403, 403, 403, 403, 303],
        )
        .staff_2fa(403, 409),
        post(
            "/admin/mail/999/retry",
            &[],
            [401, 409, 403, 403, 403, 403, 403, 404],
        )
        .staff_2fa(403, 409),
        post(
            "/admin/mail/retry-all",
            &[],
            [401, 409, 403, 403, 403, 403, 403, 303],
        )
        .staff_2fa(403, 409),
        post(
            "/admin/synonyms",
            &[("synonyms", "شیر برقی, solenoid valve")],
            [401, 409, 403, 403, 403, 403, 303, 303],
        )
        .staff_2fa(409, 409),
        post(
            "/admin/part-families",
            &[("families", "پولک, brake shim : sheet_metal")],
            [401, 409, 403, 403, 403, 403, 303, 303],
        )
        .staff_2fa(409, 409),
        post(
            "/desk/cases",
            &[
                ("category", "finance"),
                ("subject", "وام سرمایه در گردش"),
                ("description", "درخواست تسهیلات مانده است"),
            ],
            [401, 409, 303, 303, 403, 403, 403, 403],
        ),
        post(
            "/desk/cases",
            &[
                ("category", "finance"),
                ("subject", "وام"),
                ("description", "شرح"),
            ],
            [401, 409, 400, 400, 403, 403, 403, 403],
        )
        .multipart(),
        post(
            format!("/desk/cases/{ca}/files"),
            &[],
            [401, 409, 400, 404, 404, 400, 400, 400],
        )
        .staff_2fa(404, 404)
        .multipart(),
        post(
            format!("/desk/cases/{ca}/take"),
            &[],
            [401, 409, 409, 404, 404, 303, 409, 409],
        )
        .staff_2fa(404, 404),
        post(
            format!("/desk/cases/{ca}/write"),
            &[("body", "پیام آزمایشی")],
            [401, 409, 303, 404, 404, 303, 303, 303],
        )
        .staff_2fa(404, 404),
        post(
            format!("/desk/cases/{ca}/status"),
            &[("status", "waiting_firm"), ("note", "مدارک را بفرستید")],
            [401, 409, 409, 404, 404, 303, 303, 303],
        )
        .staff_2fa(404, 404),
        post(
            format!("/desk/cases/{ca}/assign"),
            &[("agency", "bank"), ("note", "")],
            [401, 409, 409, 404, 404, 303, 303, 303],
        )
        .staff_2fa(404, 404),
        post(
            format!("/desk/cases/{ca}/need"),
            &[],
            [401, 409, 403, 403, 403, 403, 409, 409],
        )
        .staff_2fa(409, 409),
        post(
            format!("/desk/cases/{cr}/rate"),
            &[("rating", "4")],
            [401, 409, 303, 404, 404, 409, 409, 409],
        )
        .staff_2fa(404, 404),
        post(
            "/desk/sessions",
            &[("held_on", "1405/10/01"), ("title", "جلسه آزمون")],
            [401, 409, 403, 403, 403, 403, 303, 303],
        )
        .staff_2fa(409, 409),
        post(
            format!("/desk/sessions/{}/agenda", s.desk_session),
            &[("case", &cref)],
            [401, 409, 403, 403, 403, 403, 303, 303],
        )
        .staff_2fa(409, 409),
        post(
            format!(
                "/desk/sessions/{}/decisions/{}",
                s.desk_session, s.desk_item
            ),
            &[
                ("decision", "بانک ضمانت‌نامه بدهد"),
                ("agency", "bank"),
                ("deadline", "1405/12/01"),
            ],
            [401, 409, 403, 403, 403, 403, 303, 303],
        )
        .staff_2fa(409, 409),
        post(
            "/desk/phone",
            &[
                ("organization", &org),
                ("category", "utilities"),
                ("subject", "قطع برق"),
                ("description", "برق سه بار قطع شد"),
            ],
            [401, 409, 403, 403, 403, 403, 303, 303],
        )
        .staff_2fa(409, 409),
        post(
            "/admin/agencies",
            &[("name_fa", "برق منطقه‌ای"), ("slug", "power")],
            [401, 409, 403, 403, 403, 403, 403, 303],
        )
        .staff_2fa(403, 409),
        post(
            "/admin/agencies/members",
            &[("email", "rep@example.ir"), ("agency", "customs")],
            [401, 409, 403, 403, 403, 403, 403, 303],
        )
        .staff_2fa(403, 409),
        post(
            format!("/admin/agencies/members/{}/remove", s.bank_rep),
            &[],
            [401, 409, 403, 403, 403, 403, 403, 303],
        )
        .staff_2fa(403, 409),
        post(
            "/admin/settings",
            &[("require_2fa", "1")],
            [401, 409, 403, 403, 403, 403, 403, 303],
        )
        .staff_2fa(403, 409),
        // These end the session: last.
        post(
            "/account/sessions/end",
            &[],
            [401, 303, 303, 303, 303, 303, 303, 303],
        ),
        post("/logout", &[], [303; 8]),
    ]
}

/// The paths `routes.rs` declares, as `METHOD /path/{param}`.
fn declared_routes() -> Vec<String> {
    let source = include_str!("../../src/routes.rs");
    let mut routes = Vec::new();
    let mut rest = source;
    while let Some(i) = rest.find(".route(") {
        rest = &rest[i + ".route(".len()..];
        let path_start = rest.find('"').unwrap() + 1;
        let path_end = path_start + rest[path_start..].find('"').unwrap();
        let path = &rest[path_start..path_end];
        let method = if rest[path_end..]
            .trim_start_matches(['"', ',', ' ', '\n'])
            .starts_with("web::post")
        {
            "POST"
        } else {
            "GET"
        };
        routes.push(format!("{method} {path}"));
    }
    routes
}

/// A concrete path matches a route pattern when every `{param}` segment is a number or word.
fn matches(pattern: &str, method: &str, row: &Row) -> bool {
    let (m, pattern) = pattern.split_once(' ').unwrap();
    if m != method {
        return false;
    }
    let path = row.path.split('?').next().unwrap();
    if pattern.ends_with("{path:.*}") {
        return path.starts_with(pattern.trim_end_matches("{path:.*}"));
    }
    let (a, b): (Vec<_>, Vec<_>) = (pattern.split('/').collect(), path.split('/').collect());
    a.len() == b.len()
        && a.iter()
            .zip(&b)
            .all(|(p, s)| p == s || (p.starts_with('{') && !s.is_empty()))
}

#[actix_web::test]
async fn the_matrix_covers_every_route() {
    let s = site(false).await;
    let rows = table(&s);
    let missing: Vec<String> = declared_routes()
        .into_iter()
        .filter(|route| !rows.iter().any(|r| matches(route, r.method, r)))
        .collect();
    assert!(
        missing.is_empty(),
        "routes without a row in the access matrix: {missing:?}"
    );
}

async fn run_matrix(require_2fa: bool) {
    let mut failures = Vec::new();
    for (i, role) in ROLES.iter().enumerate() {
        let s = site(require_2fa).await;
        let app = &s.app;
        let mut b = browser_for(app, role, s.org, s.other_org).await;
        for row in table(&s) {
            let expected = if require_2fa {
                row.expect_with_2fa[i]
            } else {
                row.expect[i]
            };
            let status = if row.method == "GET" {
                b.get(&row.path).await.status.as_u16()
            } else {
                // Every POST carries the session's own token, so only authorization decides.
                let mut page = b.get("/account").await;
                if page.status == 303 {
                    page = b.get("/login").await;
                }
                if !page.body.contains(r#"name="csrf""#) {
                    failures.push(format!(
                        "{role:>11} has no form token before {} {} (page {})",
                        row.method, row.path, page.status
                    ));
                    continue;
                }
                let token = csrf_of(&page.body);
                let mut form: Vec<(&str, &str)> = vec![("csrf", token.as_str())];
                form.extend(row.form.iter().map(|(k, v)| (*k, v.as_str())));
                if row.multipart {
                    b.post_multipart(&row.path, &form, ("x.bin", b"not a known file"))
                        .await
                        .status
                        .as_u16()
                } else {
                    b.post(&row.path, &form).await.status.as_u16()
                }
            };
            if status != expected {
                failures.push(format!(
                    "{role:>11} {} {}: got {status}, want {expected}",
                    row.method, row.path
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches (mandatory staff two-step: {require_2fa}):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[actix_web::test]
async fn every_route_for_every_role() {
    run_matrix(false).await;
}

#[actix_web::test]
async fn every_route_for_every_role_with_mandatory_staff_two_step() {
    run_matrix(true).await;
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

#[actix_web::test]
async fn revoking_the_organizer_role_returns_a_workshop_to_supplying() {
    use diesel::prelude::*;
    use niaz::db::schema::{organizations, users};
    let app = spawn_app().await;
    let workshop = OrgBuilder::new("کارگاه تراش").insert(&app.db);
    let firm = OrgBuilder::new("کارخانه").insert(&app.db);
    diesel::update(organizations::table.find(workshop))
        .set(organizations::kind.eq(niaz::domain::organization::OrgKind::Workshop))
        .execute(&mut *app.db.conn().unwrap())
        .unwrap();
    let mut admin = browser_for(&app, "admin", firm, firm).await;
    let mut conn = app.db.conn().unwrap();
    let maker = create_user_cli(
        &mut conn,
        "maker@example.ir",
        "سازنده",
        Role::Organizer,
        PASSWORD,
    )
    .unwrap();
    let member = create_user_cli(
        &mut conn,
        "member@example.ir",
        "عضو",
        Role::Organizer,
        PASSWORD,
    )
    .unwrap();
    diesel::update(users::table.find(maker))
        .set(users::organization_id.eq(Some(workshop)))
        .execute(&mut *conn)
        .unwrap();
    diesel::update(users::table.find(member))
        .set(users::organization_id.eq(Some(firm)))
        .execute(&mut *conn)
        .unwrap();
    drop(conn);
    for id in [maker, member] {
        let res = admin
            .submit(
                "/admin",
                &format!("/admin/users/{id}/role"),
                &[("role", "member")],
            )
            .await;
        assert_eq!(res.status, 303);
    }
    let role = |id: i32| {
        niaz::db::accounts::find_user(&mut app.db.conn().unwrap(), id)
            .unwrap()
            .unwrap()
            .role
    };
    assert_eq!(
        role(maker),
        Role::Supplier,
        "a workshop's maker supplies again"
    );
    assert_eq!(role(member), Role::Buyer, "a firm's member buys again");
}
