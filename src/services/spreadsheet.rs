//! Spreadsheet import and export of needs (CSV and XLSX), as organizers receive lists from firms.
//!
//! Import is all or nothing: every row is checked first and every problem is reported with its
//! row number, column and reason; only a file without problems is written, in one transaction
//! (or, with `skip_invalid`, the valid rows alone). A row's `ref` is the organizer's reference:
//! importing it again updates that need. Exported files carry `niaz-<id>` references for needs
//! without one, so an export imports back onto the same needs.

use std::collections::HashMap;
use std::path::Path;

use anyhow::{anyhow, Context};
use chrono::Utc;

use super::need_form;
use crate::db::catalogue as q;
use crate::db::models::{Category, NewNeed, NewOrganization};
use crate::db::Conn;
use crate::domain::dates::iso;
use crate::domain::need::{NeedEvent, NeedStatus};
use crate::domain::organization::OrgKind;
use crate::domain::places::canonical_place;
use crate::domain::text::{char_len, clean, compact_key};
use crate::i18n::{self, Lang};

/// The columns of the import and export format, in export order.
pub const COLUMNS: [&str; 22] = [
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
    "processes",
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

/// The widest sheet an import reads; the format has 22 columns.
pub const MAX_COLUMNS: usize = 64;

/// Bounds of an untrusted spreadsheet: the file, its rows and columns, and (XLSX) what its zip
/// archive unpacks to. A sheet is read cell by cell, so a lone cell far away (`XFD1048576`)
/// costs nothing but a clear error.
#[derive(Debug, Clone, Copy)]
pub struct SheetLimits {
    pub max_file_bytes: usize,
    pub max_rows: usize,
    pub max_columns: usize,
    pub max_unpacked_bytes: u64,
}

impl Default for SheetLimits {
    fn default() -> Self {
        Self {
            max_file_bytes: 20 * 1024 * 1024,
            max_rows: 50_000,
            max_columns: MAX_COLUMNS,
            max_unpacked_bytes: 100 * 1024 * 1024,
        }
    }
}

/// Why a sheet could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// Over one of the [`SheetLimits`]: the message key, and the limit for the message.
    #[error("{0} (limit {1})")]
    Limit(&'static str, u64),
    #[error(transparent)]
    Unreadable(#[from] anyhow::Error),
}

/// Whether a CSV cell could run as a formula in a spreadsheet program (OWASP's list: a leading
/// `= + - @`, tab or CR), or is an already neutralized one (`'` before such a cell).
fn needs_quote(cell: &str) -> bool {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => true,
        Some('\'') => needs_quote(&cell[1..]),
        _ => false,
    }
}

/// A CSV cell written so a spreadsheet program shows it as text and never runs it: a `'` goes
/// before a risky one. Reading applies [`restore`], so export and import stay exact inverses.
pub fn neutralize(cell: &str) -> std::borrow::Cow<'_, str> {
    if needs_quote(cell) {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

/// The inverse of [`neutralize`], applied to every CSV cell read.
pub fn restore(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if needs_quote(rest) => rest,
        _ => cell,
    }
}

pub fn read_csv(text: &str) -> anyhow::Result<Table> {
    read_csv_within(text, &SheetLimits::default()).map_err(|e| anyhow!("{e}"))
}

fn read_csv_within(text: &str, limits: &SheetLimits) -> Result<Table, ReadError> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(false)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let headers = match records.next() {
        Some(r) => r
            .map_err(|e| anyhow!("{e}"))?
            .iter()
            .map(|h| h.trim().to_string())
            .collect(),
        None => return Err(anyhow!("the file is empty").into()),
    };
    let mut rows = Vec::new();
    for (i, r) in records.enumerate() {
        let r = r.with_context(|| format!("row {} is not valid CSV", i + 2))?;
        if i >= limits.max_rows {
            return Err(ReadError::Limit(
                "error.sheet_too_many_rows",
                limits.max_rows as u64,
            ));
        }
        if r.len() > limits.max_columns {
            return Err(ReadError::Limit(
                "error.sheet_too_many_columns",
                limits.max_columns as u64,
            ));
        }
        rows.push(r.iter().map(|c| restore(c).to_string()).collect());
    }
    Ok(Table { headers, rows })
}

pub fn read_xlsx(bytes: &[u8]) -> anyhow::Result<Table> {
    read_xlsx_within(bytes, &SheetLimits::default()).map_err(|e| anyhow!("{e}"))
}

/// Refuses a workbook whose archive unpacks to more than the limit, by actually unpacking it
/// (counting, not keeping): the sizes an archive declares can lie.
fn check_unpacked_size(bytes: &[u8], limit: u64) -> Result<(), ReadError> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| anyhow!("not a readable XLSX file: {e}"))?;
    let mut total = 0u64;
    for i in 0..zip.len() {
        let entry = zip
            .by_index(i)
            .map_err(|e| anyhow!("not a readable XLSX file: {e}"))?;
        if total.saturating_add(entry.size()) > limit {
            return Err(ReadError::Limit("error.sheet_too_large_unpacked", limit));
        }
        let budget = limit - total;
        let read = std::io::copy(
            &mut std::io::Read::take(entry, budget + 1),
            &mut std::io::sink(),
        )
        .map_err(|e| anyhow!("not a readable XLSX file: {e}"))?;
        total += read;
        if total > limit {
            return Err(ReadError::Limit("error.sheet_too_large_unpacked", limit));
        }
    }
    Ok(())
}

fn read_xlsx_within(bytes: &[u8], limits: &SheetLimits) -> Result<Table, ReadError> {
    use calamine::{DataRef, Reader, Xlsx};
    check_unpacked_size(bytes, limits.max_unpacked_bytes)?;
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes))
        .map_err(|e| anyhow!("not a readable XLSX file: {e}"))?;
    let name = book
        .sheet_names()
        .first()
        .cloned()
        .ok_or_else(|| anyhow!("the workbook has no sheet"))?;
    let cell = |d: &DataRef| match d {
        DataRef::Empty => String::new(),
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::SharedString(s) => (*s).to_string(),
        DataRef::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        DataRef::Float(f) => f.to_string(),
        DataRef::Int(i) => i.to_string(),
        DataRef::Bool(b) => b.to_string(),
        DataRef::DateTime(dt) => dt.as_datetime().map(|d| iso(d.date())).unwrap_or_default(),
        DataRef::Error(e) => format!("#{e:?}"),
    };
    let mut cells = book
        .worksheet_cells_reader(&name)
        .map_err(|e| anyhow!("cannot read sheet {name}: {e}"))?;
    // Sparse rows: (row, column) -> text, only for cells that hold something.
    let mut grid: Vec<Vec<String>> = Vec::new();
    let mut first_row: Option<u32> = None;
    while let Some(c) = cells
        .next_cell()
        .map_err(|e| anyhow!("cannot read sheet {name}: {e}"))?
    {
        let text = cell(c.get_value());
        if text.is_empty() {
            continue;
        }
        let (row, col) = c.get_position();
        let top = *first_row.get_or_insert(row);
        let row = row.saturating_sub(top) as usize;
        if col as usize >= limits.max_columns {
            return Err(ReadError::Limit(
                "error.sheet_too_many_columns",
                limits.max_columns as u64,
            ));
        }
        // The header row plus the data rows.
        if row > limits.max_rows {
            return Err(ReadError::Limit(
                "error.sheet_too_many_rows",
                limits.max_rows as u64,
            ));
        }
        if grid.len() <= row {
            grid.resize_with(row + 1, Vec::new);
        }
        let r = &mut grid[row];
        if r.len() <= col as usize {
            r.resize(col as usize + 1, String::new());
        }
        r[col as usize] = text;
    }
    let mut rows = grid.into_iter();
    let headers = rows
        .next()
        .ok_or_else(|| anyhow!("the sheet is empty"))?
        .iter()
        .map(|c| c.trim().to_string())
        .collect();
    Ok(Table {
        headers,
        rows: rows.collect(),
    })
}

/// Reads CSV or XLSX bytes within limits, telling them apart by content (XLSX is a zip archive).
pub fn read_bytes(
    bytes: &[u8],
    encoding: Option<Encoding>,
    limits: &SheetLimits,
) -> Result<Table, ReadError> {
    if bytes.len() > limits.max_file_bytes {
        return Err(ReadError::Limit(
            "error.sheet_too_large",
            limits.max_file_bytes as u64,
        ));
    }
    if bytes.starts_with(b"PK\x03\x04") {
        read_xlsx_within(bytes, limits)
    } else {
        read_csv_within(&decode(bytes, encoding), limits)
    }
}

/// Reads a CSV or XLSX file within limits.
pub fn read_file(
    path: &Path,
    encoding: Option<Encoding>,
    limits: &SheetLimits,
) -> Result<Table, ReadError> {
    let size = std::fs::metadata(path)
        .with_context(|| format!("cannot read {}", path.display()))?
        .len();
    if size > limits.max_file_bytes as u64 {
        return Err(ReadError::Limit(
            "error.sheet_too_large",
            limits.max_file_bytes as u64,
        ));
    }
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    read_bytes(&bytes, encoding, limits)
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
        // A row number is a position, not a quantity: digits of the language, no grouping.
        let row = match lang {
            Lang::Fa => i18n::fa_digits(&self.row.to_string()),
            Lang::En => self.row.to_string(),
        };
        i18n::t_with(
            lang,
            "import.row_error",
            &[
                ("row", row.into()),
                ("column", self.column.clone().into()),
                ("reason", i18n::t(lang, self.key).into()),
                ("value", quoted(&self.value).into()),
            ],
        )
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
    let Ok(other) = need_form::fallback_category(categories) else {
        return Err(vec![RowError {
            row: 1,
            column: "category".into(),
            value: need_form::FALLBACK_CATEGORY.into(),
            key: "error.category_unknown",
        }]);
    };
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

/// A new need row from parsed content.
pub fn new_need(
    content: need_form::NeedFields,
    organization_id: i32,
    status: NeedStatus,
    now: chrono::NaiveDateTime,
) -> NewNeed {
    NewNeed {
        organization_id,
        content,
        featured: false,
        status,
        created_at: now,
        updated_at: now,
        published_at: status.published_at(None, now),
        import_ref: None,
    }
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Applied {
    pub created: usize,
    pub updated: usize,
    /// Rows whose need already says exactly this: nothing is written for them.
    pub unchanged: usize,
    pub organizations_created: usize,
}

/// Writes checked rows in one transaction: organizations found by name (or created), needs
/// found by reference (or created).
pub fn apply(
    conn: &mut Conn,
    rows: &[ValidRow],
    progress: &dyn Fn(usize),
) -> anyhow::Result<Applied> {
    crate::db::write_transaction(conn, |conn| {
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
                                    kind: OrgKind::IndustrialFirm,
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
            match existing
                .map(|id| q::find_need(conn, id))
                .transpose()?
                .flatten()
            {
                Some((old, _, _)) => {
                    // The firm, creation, featuring, expiry and first publication stay; a row
                    // that changes nothing writes nothing, so an export imports back unchanged.
                    let same = old.content == need.content
                        && old.status == need.status
                        && old.organization_id == need.organization_id
                        && old.import_ref == need.import_ref;
                    if same {
                        applied.unchanged += 1;
                    } else {
                        let t = old
                            .status
                            .apply(NeedEvent::Imported(need.status))
                            .map_err(|key| anyhow::anyhow!("row {}: {key}", i + 1))?;
                        q::update_need(
                            conn,
                            old.id,
                            &need.content,
                            t.to,
                            t.to.published_at(old.published_at, Utc::now().naive_utc()),
                            need.import_ref.as_deref(),
                        )?;
                        crate::services::need_status::written(conn, old.id, t)
                            .map_err(|e| anyhow::anyhow!("{e}"))?;
                        applied.updated += 1;
                    }
                }
                None => {
                    let id = q::insert_need(conn, &need)?;
                    crate::services::need_status::created(conn, id, need.status)
                        .map_err(|e| anyhow::anyhow!("{e}"))?;
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

/// Who an export is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// Anyone (the search page's download): exactly what public pages show. An anonymous
    /// need names no firm, and no organizer's reference is given.
    Public,
    /// The organizers' own copy (`niaz export`), which imports back onto the same needs.
    Staff,
}

/// The export rows of needs: the import columns, so the file imports back unchanged.
pub fn export_rows(rows: &[crate::db::catalogue::NeedRow], audience: Audience) -> Vec<Vec<String>> {
    let public = audience == Audience::Public;
    rows.iter()
        .map(|(n, o, c)| {
            let reference = match (&n.import_ref, public) {
                (Some(r), false) => r.clone(),
                _ => format!("niaz-{}", n.id),
            };
            let firm = if public && n.anonymous {
                String::new()
            } else {
                o.name.clone()
            };
            // The need's own columns come from the one conversion the edit form shares.
            let mut cells: HashMap<&str, String> = need_form::to_cells(&n.content, &c.slug)
                .into_iter()
                .collect();
            COLUMNS
                .iter()
                .map(|column| match *column {
                    "ref" => reference.clone(),
                    "organization" => firm.clone(),
                    "province" => o.province.clone(),
                    "city" => o.city.clone(),
                    "status" => n.status.as_str().to_string(),
                    other => cells.remove(other).unwrap_or_default(),
                })
                .collect()
        })
        .collect()
}

/// Needs as CSV in the import format (its header first), in UTF-8 with a BOM, so Excel shows
/// Persian correctly.
pub fn write_csv(rows: &[Vec<String>]) -> anyhow::Result<Vec<u8>> {
    let mut all = vec![COLUMNS.iter().map(|c| c.to_string()).collect()];
    all.extend_from_slice(rows);
    write_table_csv(&all)
}

/// Any table as CSV (the first row is its header), UTF-8 with a BOM; cells that a spreadsheet
/// would run as formulas are neutralized.
pub fn write_table_csv(rows: &[Vec<String>]) -> anyhow::Result<Vec<u8>> {
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut w = csv::Writer::from_writer(&mut out);
        for r in rows {
            w.write_record(r.iter().map(|c| neutralize(c).into_owned()))?;
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
