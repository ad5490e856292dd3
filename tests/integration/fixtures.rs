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

    pub fn insert(self, db: &Db) -> i32 {
        q::insert_need(&mut db.conn().unwrap(), &self.need).unwrap()
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
