//! Spreadsheet import and export of needs (CSV and XLSX), as organizers receive lists from firms.
//!
//! Import is all or nothing: every row is checked first and every problem is reported with its
//! row number, column and reason; only a file without problems is written, in one transaction
//! (or, with `skip_invalid`, the valid rows alone). A row's `ref` is the organizer's reference:
//! importing it again updates that need. Exported files carry `niaz-<id>` references for needs
//! without one, so an export imports back onto the same needs.

use std::collections::HashMap;
use std::path::Path;

use anyhow::{anyhow, bail, Context};
use chrono::Utc;
use diesel::Connection;

use super::need_form;
use crate::db::catalogue as q;
use crate::db::models::{Category, NewNeed, NewOrganization};
use crate::db::Conn;
use crate::domain::dates::iso;
use crate::domain::money::Currency;
use crate::domain::need::NeedStatus;
use crate::domain::organization::OrgKind;
use crate::domain::places::canonical_place;
use crate::domain::text::{char_len, clean, compact_key};
use crate::i18n::{self, Lang};

/// The columns of the import and export format, in export order.
pub const COLUMNS: [&str; 21] = [
    "ref",
    "organization",
    "province",
    "city",
    "title",
    "title_en",
    "description",
    "part_number",
    "brand",
    "hs_code",
    "category",
    "material",
    "specs",
    "quantity_per_year",
    "unit",
    "unit_price",
    "currency",
    "origin_country",
    "deadline",
    "anonymous",
    "status",
];

const DEFAULT_PROVINCE: &str = "آذربایجان شرقی";

/// A sheet as read: a header row and data rows of text cells.
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// Text encodings seen in spreadsheets from the field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Windows1256,
}

impl Encoding {
    pub fn parse(s: &str) -> Option<Self> {
        match s.to_ascii_lowercase().replace('_', "-").as_str() {
            "utf-8" | "utf8" => Some(Encoding::Utf8),
            "windows-1256" | "cp1256" | "1256" => Some(Encoding::Windows1256),
            _ => None,
        }
    }
}

/// Decodes CSV bytes: UTF-8 (a BOM is dropped) unless told otherwise; bytes that are not
/// UTF-8 are taken as Windows-1256, what older Persian Excel versions write.
pub fn decode(bytes: &[u8], encoding: Option<Encoding>) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match encoding {
        Some(Encoding::Windows1256) => encoding_rs::WINDOWS_1256.decode(bytes).0.into_owned(),
        Some(Encoding::Utf8) => String::from_utf8_lossy(bytes).into_owned(),
        None => match std::str::from_utf8(bytes) {
            Ok(s) => s.to_string(),
            Err(_) => encoding_rs::WINDOWS_1256.decode(bytes).0.into_owned(),
        },
    }
}

pub fn read_csv(text: &str) -> anyhow::Result<Table> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(false)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let headers = match records.next() {
        Some(r) => r?.iter().map(|h| h.trim().to_string()).collect(),
        None => bail!("the file is empty"),
    };
    let mut rows = Vec::new();
    for (i, r) in records.enumerate() {
        let r = r.with_context(|| format!("row {} is not valid CSV", i + 2))?;
        rows.push(r.iter().map(str::to_string).collect());
    }
    Ok(Table { headers, rows })
}

pub fn read_xlsx(bytes: &[u8]) -> anyhow::Result<Table> {
    use calamine::{Data, Reader, Xlsx};
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes.to_vec()))
        .map_err(|e| anyhow!("not a readable XLSX file: {e}"))?;
    let name = book
        .sheet_names()
        .first()
        .cloned()
        .ok_or_else(|| anyhow!("the workbook has no sheet"))?;
    let range = book
        .worksheet_range(&name)
        .map_err(|e| anyhow!("cannot read sheet {name}: {e}"))?;
    let cell = |d: &Data| match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        // Excel's serial day number, counted from 1899-12-30.
        Data::DateTime(dt) => chrono::NaiveDate::from_ymd_opt(1899, 12, 30)
            .and_then(|base| base.checked_add_signed(chrono::Duration::days(dt.as_f64() as i64)))
            .map(iso)
            .unwrap_or_default(),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    };
    let mut rows = range.rows();
    let headers = rows
        .next()
        .ok_or_else(|| anyhow!("the sheet is empty"))?
        .iter()
        .map(|c| cell(c).trim().to_string())
        .collect();
    let rows = rows.map(|r| r.iter().map(cell).collect()).collect();
    Ok(Table { headers, rows })
}

/// Reads a CSV or XLSX file, telling them apart by content (an XLSX file is a zip archive).
pub fn read_file(path: &Path, encoding: Option<Encoding>) -> anyhow::Result<Table> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    if bytes.starts_with(b"PK\x03\x04") {
        read_xlsx(&bytes)
    } else {
        read_csv(&decode(&bytes, encoding))
    }
}

/// One problem in the file. `row` is the spreadsheet's own row number (the header is row 1).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RowError {
    pub row: usize,
    pub column: String,
    pub value: String,
    pub key: &'static str,
}

impl RowError {
    pub fn message(&self, lang: Lang) -> String {
        let reason = i18n::t(lang, self.key);
        match lang {
            Lang::Fa => format!(
                "ردیف {}، ستون {}: {reason}{}",
                i18n::fa_digits(&self.row.to_string()),
                self.column,
                quoted(&self.value)
            ),
            Lang::En => format!(
                "row {}, column {}: {reason}{}",
                self.row,
                self.column,
                quoted(&self.value)
            ),
        }
    }
}

fn quoted(v: &str) -> String {
    if v.is_empty() {
        String::new()
    } else {
        let short: String = v.chars().take(40).collect();
        format!(" ({short:?})")
    }
}

/// A row that passed every check.
#[derive(Debug, Clone)]
pub struct ValidRow {
    pub row: usize,
    pub reference: Option<String>,
    pub organization: String,
    pub province: String,
    pub city: String,
    pub need: NewNeed,
}

#[derive(Debug, Default)]
pub struct Checked {
    pub valid: Vec<ValidRow>,
    pub errors: Vec<RowError>,
    /// Rows that had at least one error.
    pub invalid_rows: usize,
}

fn find_category<'a>(categories: &'a [Category], value: &str) -> Option<&'a Category> {
    let key = compact_key(value);
    categories.iter().find(|c| {
        c.slug.eq_ignore_ascii_case(value.trim())
            || compact_key(&c.name_fa) == key
            || compact_key(&c.name_en) == key
    })
}

/// Checks every row. `default_status` applies to rows without a `status` cell.
pub fn check(
    table: &Table,
    categories: &[Category],
    default_status: NeedStatus,
) -> Result<Checked, Vec<RowError>> {
    // Headers: known names in any order; unknown ones are an error naming them.
    let mut index: HashMap<&str, usize> = HashMap::new();
    let mut header_errors = Vec::new();
    for (i, h) in table.headers.iter().enumerate() {
        let name = h.trim().trim_start_matches('\u{FEFF}').to_lowercase();
        match COLUMNS.iter().find(|c| **c == name) {
            Some(c) => {
                index.insert(c, i);
            }
            None if name.is_empty() => {}
            None => header_errors.push(RowError {
                row: 1,
                column: h.clone(),
                value: String::new(),
                key: "error.column_unknown",
            }),
        }
    }
    for required in ["title", "organization"] {
        if !index.contains_key(required) {
            header_errors.push(RowError {
                row: 1,
                column: required.to_string(),
                value: String::new(),
                key: "error.column_missing",
            });
        }
    }
    if !header_errors.is_empty() {
        return Err(header_errors);
    }
    let other = categories
        .iter()
        .find(|c| c.slug == "other")
        .map_or(15, |c| c.id);
    let now = Utc::now().naive_utc();
    let mut out = Checked::default();
    let mut seen_refs: HashMap<String, usize> = HashMap::new();
    for (i, cells) in table.rows.iter().enumerate() {
        let row = i + 2;
        let get = |c: &str| -> String {
            index
                .get(c)
                .and_then(|&i| cells.get(i))
                .map(|v| v.trim().to_string())
                .unwrap_or_default()
        };
        if COLUMNS.iter().all(|c| get(c).is_empty()) {
            continue; // blank lines at the end of sheets
        }
        let mut errors: Vec<RowError> = Vec::new();
        let organization = clean(&get("organization"));
        if organization.is_empty() {
            errors.push(RowError {
                row,
                column: "organization".into(),
                value: String::new(),
                key: "error.required",
            });
        } else if char_len(&organization) > 150 {
            errors.push(RowError {
                row,
                column: "organization".into(),
                value: organization.clone(),
                key: "error.too_long",
            });
        }
        let reference = Some(get("ref")).filter(|r| !r.is_empty());
        if let Some(r) = &reference {
            if seen_refs.insert(r.clone(), row).is_some() {
                errors.push(RowError {
                    row,
                    column: "ref".into(),
                    value: r.clone(),
                    key: "error.ref_duplicate",
                });
            }
        }
        let status = match get("status").as_str() {
            "" => Some(default_status),
            v => NeedStatus::parse(v).or_else(|| {
                errors.push(RowError {
                    row,
                    column: "status".into(),
                    value: v.to_string(),
                    key: "error.status_unknown",
                });
                None
            }),
        };
        let find = |v: &str| find_category(categories, v).map(|c| c.id);
        let (fields, field_errors) = need_form::parse(&get, &find, other);
        errors.extend(field_errors.into_iter().map(|e| RowError {
            row,
            value: get(&e.field),
            column: e.field,
            key: e.key,
        }));
        errors.sort_by_key(|e| COLUMNS.iter().position(|c| *c == e.column));
        let (Some(fields), Some(status), true) = (fields, status, errors.is_empty()) else {
            out.invalid_rows += 1;
            out.errors.extend(errors);
            continue;
        };
        out.valid.push(ValidRow {
            row,
            reference,
            province: match get("province").as_str() {
                "" => DEFAULT_PROVINCE.to_string(),
                p => canonical_place(p),
            },
            city: canonical_place(&get("city")),
            need: new_need(fields, 0, status, now),
            organization,
        });
    }
    Ok(out)
}

/// A need row from parsed fields.
pub fn new_need(
    f: need_form::NeedFields,
    organization_id: i32,
    status: NeedStatus,
    now: chrono::NaiveDateTime,
) -> NewNeed {
    NewNeed {
        organization_id,
        category_id: f.category_id,
        title: f.title,
        title_en: f.title_en,
        description: f.description,
        part_number: f.part_number,
        part_number_key: f.part_number_key,
        brand: f.brand,
        hs_code: f.hs_code,
        material: f.material,
        specs: f.specs,
        spec_items: f.spec_items,
        quantity_per_year: f.quantity_per_year,
        unit: f.unit,
        unit_price: f.unit_price,
        currency: f.currency,
        origin_country: f.origin_country,
        annual_import_value: f.annual_import_value,
        deadline: f.deadline,
        anonymous: f.anonymous,
        featured: false,
        status: status.as_str().to_string(),
        created_at: now,
        updated_at: now,
        published_at: status.is_public().then_some(now),
        import_ref: None,
    }
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Applied {
    pub created: usize,
    pub updated: usize,
    pub organizations_created: usize,
}

/// Writes checked rows in one transaction: organizations found by name (or created), needs
/// found by reference (or created).
pub fn apply(
    conn: &mut Conn,
    rows: &[ValidRow],
    progress: &dyn Fn(usize),
) -> anyhow::Result<Applied> {
    conn.transaction(|conn| {
        let mut applied = Applied::default();
        let mut orgs: HashMap<String, i32> = HashMap::new();
        for (i, r) in rows.iter().enumerate() {
            let key = compact_key(&r.organization);
            let org_id = match orgs.get(&key) {
                Some(id) => *id,
                None => {
                    let id = match q::find_organization_by_key(conn, &key)? {
                        Some(o) => o.id,
                        None => {
                            applied.organizations_created += 1;
                            let now = Utc::now().naive_utc();
                            q::insert_organization(
                                conn,
                                &NewOrganization {
                                    name: r.organization.clone(),
                                    name_en: String::new(),
                                    name_key: key.clone(),
                                    kind: OrgKind::IndustrialFirm.as_str().to_string(),
                                    province: r.province.clone(),
                                    city: r.city.clone(),
                                    address: String::new(),
                                    website: String::new(),
                                    phone: String::new(),
                                    description: String::new(),
                                    verified: false,
                                    created_at: now,
                                    updated_at: now,
                                },
                            )?
                        }
                    };
                    orgs.insert(key, id);
                    id
                }
            };
            let mut need = r.need.clone();
            need.organization_id = org_id;
            let existing = match &r.reference {
                None => None,
                Some(reference) => match q::find_need_id_by_ref(conn, reference)? {
                    Some(id) => Some(id),
                    None => match reference
                        .strip_prefix("niaz-")
                        .and_then(|n| n.parse::<i32>().ok())
                    {
                        Some(id) if q::need_exists(conn, id)? => Some(id),
                        _ => None,
                    },
                },
            };
            need.import_ref = r
                .reference
                .clone()
                .filter(|reference| existing.is_none() || !reference.starts_with("niaz-"));
            match existing {
                Some(id) => {
                    q::replace_need(conn, id, &need)?;
                    applied.updated += 1;
                }
                None => {
                    q::insert_need(conn, &need)?;
                    applied.created += 1;
                }
            }
            if i % 500 == 0 {
                progress(i);
            }
        }
        progress(rows.len());
        Ok(applied)
    })
}

/// The export rows of needs: the import columns, so the file imports back unchanged.
pub fn export_rows(rows: &[crate::db::catalogue::NeedRow]) -> Vec<Vec<String>> {
    rows.iter()
        .map(|(n, o, c)| {
            let currency = Currency::parse(&n.currency).unwrap_or(Currency::Irr);
            let price = n.unit_price.map(|p| {
                let per = currency.minor_per_major();
                if per == 1 {
                    p.to_string()
                } else {
                    format!(
                        "{}.{:0w$}",
                        p / per,
                        p % per,
                        w = currency.exponent() as usize
                    )
                }
            });
            vec![
                n.import_ref
                    .clone()
                    .unwrap_or_else(|| format!("niaz-{}", n.id)),
                o.name.clone(),
                o.province.clone(),
                o.city.clone(),
                n.title.clone(),
                n.title_en.clone(),
                n.description.clone(),
                n.part_number.clone(),
                n.brand.clone(),
                n.hs_code.clone().unwrap_or_default(),
                c.slug.clone(),
                n.material.clone(),
                n.specs.clone(),
                n.quantity_per_year
                    .map(|q| q.to_string())
                    .unwrap_or_default(),
                n.unit.clone(),
                price.unwrap_or_default(),
                n.currency.clone(),
                n.origin_country.clone(),
                n.deadline.map(iso).unwrap_or_default(),
                if n.anonymous { "yes" } else { "no" }.to_string(),
                n.status.clone(),
            ]
        })
        .collect()
}

/// CSV in UTF-8 with a BOM, so Excel shows Persian correctly.
pub fn write_csv(rows: &[Vec<String>]) -> anyhow::Result<Vec<u8>> {
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut w = csv::Writer::from_writer(&mut out);
        w.write_record(COLUMNS)?;
        for r in rows {
            w.write_record(r)?;
        }
        w.flush()?;
    }
    Ok(out)
}

pub fn write_xlsx(rows: &[Vec<String>]) -> anyhow::Result<Vec<u8>> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("needs")?;
    for (c, h) in COLUMNS.iter().enumerate() {
        sheet.write_string(0, c as u16, *h)?;
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            // Everything as text: part numbers and codes must not turn into numbers.
            sheet.write_string(r as u32 + 1, c as u16, v)?;
        }
    }
    Ok(book.save_to_buffer()?)
}
