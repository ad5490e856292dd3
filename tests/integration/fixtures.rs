//! Builders for test data: say only what a test cares about, the rest has sensible defaults.

use chrono::{NaiveDate, Utc};
use niaz::db::catalogue as q;
use niaz::db::models::{NewNeed, NewOrganization};
use niaz::db::Db;
use niaz::domain::text::compact_key;

pub struct OrgBuilder {
    org: NewOrganization,
}

impl OrgBuilder {
    pub fn new(name: &str) -> Self {
        let now = Utc::now().naive_utc();
        Self {
            org: NewOrganization {
                name: name.to_string(),
                name_en: String::new(),
                name_key: compact_key(name),
                kind: niaz::domain::organization::OrgKind::IndustrialFirm,
                province: "آذربایجان شرقی".into(),
                city: "تبریز".into(),
                address: "خیابان آزمایشی، پلاک ۷".into(),
                website: String::new(),
                phone: "041-99887766".into(),
                description: String::new(),
                verified: false,
                created_at: now,
                updated_at: now,
            },
        }
    }

    pub fn name_en(mut self, name: &str) -> Self {
        self.org.name_en = name.into();
        self
    }

    pub fn city(mut self, city: &str) -> Self {
        self.org.city = city.into();
        self
    }

    /// A maker's workshop rather than an industrial firm.
    pub fn workshop(mut self) -> Self {
        self.org.kind = niaz::domain::organization::OrgKind::Workshop;
        self
    }

    pub fn insert(self, db: &Db) -> i32 {
        q::insert_organization(&mut db.conn().unwrap(), &self.org).unwrap()
    }
}

pub struct NeedBuilder {
    need: NewNeed,
}

impl NeedBuilder {
    pub fn new(organization_id: i32, title: &str) -> Self {
        let now = Utc::now().naive_utc();
        Self {
            need: NewNeed {
                organization_id,
                content: niaz::db::models::NeedContent {
                    category_id: 101,
                    title: title.to_string(),
                    title_en: String::new(),
                    description: String::new(),
                    part_number: String::new(),
                    part_number_key: String::new(),
                    brand: String::new(),
                    hs_code: None,
                    material: String::new(),
                    specs: String::new(),
                    spec_items: "[]".into(),
                    quantity_per_year: None,
                    unit: niaz::domain::need::Unit::Piece,
                    unit_price: None,
                    currency: niaz::domain::money::Currency::Usd,
                    origin_country: String::new(),
                    annual_import_value: None,
                    deadline: None,
                    anonymous: false,
                    processes: String::new(),
                },
                featured: false,
                status: niaz::domain::need::NeedStatus::Published,
                created_at: now,
                updated_at: now,
                published_at: Some(now),
                import_ref: None,
            },
        }
    }

    pub fn title_en(mut self, t: &str) -> Self {
        self.need.content.title_en = t.into();
        self
    }

    pub fn description(mut self, text: &str) -> Self {
        self.need.content.description = text.into();
        self
    }

    pub fn material(mut self, material: &str) -> Self {
        self.need.content.material = material.into();
        self
    }

    pub fn brand(mut self, brand: &str) -> Self {
        self.need.content.brand = brand.into();
        self
    }

    pub fn origin(mut self, code: &str) -> Self {
        self.need.content.origin_country = code.into();
        self
    }

    pub fn category(mut self, id: i32) -> Self {
        self.need.content.category_id = id;
        self
    }

    pub fn status(mut self, s: &str) -> Self {
        self.need.status = niaz::domain::need::NeedStatus::parse(s).expect("a need status");
        self
    }

    pub fn anonymous(mut self) -> Self {
        self.need.content.anonymous = true;
        self
    }

    pub fn part_number(mut self, pn: &str) -> Self {
        let parsed = niaz::domain::codes::PartNumber::parse(pn).unwrap().unwrap();
        self.need.content.part_number = parsed.as_str().into();
        self.need.content.part_number_key = parsed.key().into();
        self
    }

    pub fn hs_code(mut self, hs: &str) -> Self {
        self.need.content.hs_code = Some(hs.into());
        self
    }

    pub fn quantity(mut self, q: i64, unit_price: i64, currency: &str) -> Self {
        self.need.content.quantity_per_year = Some(q);
        self.need.content.unit_price = Some(unit_price);
        self.need.content.currency =
            niaz::domain::money::Currency::parse(currency).expect("a currency code");
        self.need.content.annual_import_value = Some(q * unit_price);
        self
    }

    pub fn deadline(mut self, d: NaiveDate) -> Self {
        self.need.content.deadline = Some(d);
        self
    }

    pub fn published_minutes_ago(mut self, minutes: i64) -> Self {
        let t = Utc::now().naive_utc() - chrono::Duration::minutes(minutes);
        self.need.published_at = Some(t);
        self
    }

    /// Inserts the need as the site would have stored it: a public one just published (and so
    /// news for the makers' alerts).
    pub fn insert(self, db: &Db) -> i32 {
        let mut conn = db.conn().unwrap();
        let id = q::insert_need(&mut conn, &self.need).unwrap();
        niaz::services::need_status::created(&mut conn, id, self.need.status).unwrap();
        id
    }
}

/// Stores a small PNG as a need's file, as an upload would have (file on disk, row in the
/// database): `confidential` files are shown only after an introduction.
pub fn attach_png(app: &crate::helpers::TestApp, need: i32, name: &str, confidential: bool) -> i32 {
    let dir = app.state.config.data_dir.join("uploads");
    std::fs::create_dir_all(&dir).unwrap();
    let stored = format!("{}.png", niaz::auth::random_token());
    let thumb = format!("{}.png", niaz::auth::random_token());
    let png = png_bytes(8, 8);
    std::fs::write(dir.join(&stored), &png).unwrap();
    std::fs::write(dir.join(&thumb), &png).unwrap();
    niaz::db::attachments::insert(
        &mut app.db.conn().unwrap(),
        &niaz::db::models::NewAttachment {
            need_id: need,
            kind: niaz::domain::files::FileGroup::Image,
            content_type: "image/png".into(),
            original_name: name.into(),
            stored_name: stored,
            thumb_name: Some(thumb),
            size_bytes: png.len() as i64,
            width: Some(8),
            height: Some(8),
            visibility: if confidential {
                niaz::domain::files::Visibility::Introduced
            } else {
                niaz::domain::files::Visibility::Public
            },
            created_at: Utc::now().naive_utc(),
        },
    )
    .unwrap()
}

/// A real PNG of the given size, grey.
pub fn png_bytes(width: u32, height: u32) -> Vec<u8> {
    let img = image::GrayImage::from_pixel(width, height, image::Luma([128]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// Stores a small PNG as a photo of a maker's past work.
pub fn supplier_photo(app: &crate::helpers::TestApp, user: i32) -> i32 {
    let dir = app.state.config.data_dir.join("uploads");
    std::fs::create_dir_all(&dir).unwrap();
    let (stored, thumb) = (
        format!("{}.png", niaz::auth::random_token()),
        format!("{}.png", niaz::auth::random_token()),
    );
    std::fs::write(dir.join(&stored), png_bytes(8, 8)).unwrap();
    std::fs::write(dir.join(&thumb), png_bytes(4, 4)).unwrap();
    niaz::db::suppliers::add_photo(
        &mut app.db.conn().unwrap(),
        user,
        "work.png",
        &stored,
        &thumb,
        "image/png",
    )
    .unwrap()
}

/// A PNG document on a desk case, stored as the site stores uploads.
pub fn desk_png(app: &crate::helpers::TestApp, case: &str, by: i32) -> i32 {
    let dir = app.state.config.data_dir.join("uploads");
    std::fs::create_dir_all(&dir).unwrap();
    let stored = format!("{}.png", niaz::auth::random_token());
    let png = png_bytes(8, 8);
    std::fs::write(dir.join(&stored), &png).unwrap();
    let mut conn = app.db.conn().unwrap();
    let case = niaz::db::desk::find_by_number(&mut conn, case)
        .unwrap()
        .unwrap();
    niaz::db::desk::insert_file(
        &mut conn,
        &niaz::db::desk::NewCaseFile {
            case_id: case.id,
            uploaded_by: by,
            side: niaz::domain::desk::Side::Firm,
            original_name: "بارنامه.png",
            stored_name: &stored,
            content_type: "image/png",
            size_bytes: png.len() as i64,
            now: Utc::now().naive_utc(),
        },
    )
    .unwrap()
}

/// An account, created verified (as `niaz user create` does), and signed in on demand.
pub struct UserBuilder {
    email: String,
    name: String,
    role: niaz::domain::account::Role,
    org: Option<i32>,
    lang: &'static str,
    phone: String,
}

impl UserBuilder {
    fn new(email: &str, role: niaz::domain::account::Role) -> Self {
        Self {
            email: email.into(),
            name: format!("کاربر {}", email.split('@').next().unwrap_or(email)),
            role,
            org: None,
            lang: "fa",
            phone: String::new(),
        }
    }

    /// A member of firm `org`.
    pub fn buyer(email: &str, org: i32) -> Self {
        Self::new(email, niaz::domain::account::Role::Buyer).org(org)
    }

    pub fn maker(email: &str) -> Self {
        Self::new(email, niaz::domain::account::Role::Supplier)
    }

    pub fn organizer(email: &str) -> Self {
        Self::new(email, niaz::domain::account::Role::Organizer)
    }

    pub fn admin(email: &str) -> Self {
        Self::new(email, niaz::domain::account::Role::Admin)
    }

    pub fn org(mut self, org: i32) -> Self {
        self.org = Some(org);
        self
    }

    pub fn name(mut self, name: &str) -> Self {
        self.name = name.into();
        self
    }

    /// Reads the site (and its mail) in English.
    pub fn english(mut self) -> Self {
        self.lang = "en";
        self
    }

    pub fn phone(mut self, phone: &str) -> Self {
        self.phone = phone.into();
        self
    }

    pub fn insert(&self, app: &crate::helpers::TestApp) -> i32 {
        use diesel::prelude::*;
        use niaz::db::schema::users;
        let mut conn = app.db.conn().unwrap();
        let id = niaz::services::accounts::create_user_cli(
            &mut conn,
            &self.email,
            &self.name,
            self.role,
            crate::access::PASSWORD,
        )
        .unwrap();
        diesel::update(users::table.find(id))
            .set((
                users::organization_id.eq(self.org),
                users::lang.eq(self.lang),
                users::phone.eq(&self.phone),
            ))
            .execute(&mut *conn)
            .unwrap();
        id
    }

    /// Creates the account and signs it in: its browser and its id.
    pub async fn login(self, app: &crate::helpers::TestApp) -> (crate::helpers::Browser, i32) {
        let id = self.insert(app);
        let mut b = app.browser();
        let res = b
            .submit(
                "/login",
                "/login",
                &[
                    ("email", &self.email),
                    ("password", crate::access::PASSWORD),
                ],
            )
            .await;
        assert_eq!(res.status, 303, "{} signs in", self.email);
        (b, id)
    }
}

/// A desk case of `org`, optionally assigned to `agency` and moved to `status`.
pub fn desk_case(
    app: &crate::helpers::TestApp,
    org: i32,
    by: i32,
    agency: Option<i32>,
    status: niaz::domain::desk::CaseStatus,
) -> String {
    use niaz::domain::desk::{CaseCategory, Channel, Urgency};
    let mut conn = app.db.conn().unwrap();
    let now = chrono::Utc::now().naive_utc();
    let id = niaz::db::desk::insert_case(
        &mut conn,
        &niaz::db::desk::NewCase {
            organization_id: org,
            filed_by: by,
            channel: Channel::Online,
            category: CaseCategory::Customs,
            urgency: Urgency::Normal,
            subject: "ترخیص قطعات",
            description: "محموله در گمرک مانده است",
            request: "",
            named_agencies: "",
            now,
        },
    )
    .unwrap();
    let number = format!("1405-{id:05}");
    niaz::db::desk::set_number(&mut conn, id, &number).unwrap();
    if let Some(a) = agency {
        niaz::db::desk::assign(&mut conn, id, a, now).unwrap();
    }
    let case = niaz::db::desk::find_case(&mut conn, id).unwrap().unwrap();
    niaz::db::desk::set_status(&mut conn, &case, status, now).unwrap();
    number
}
