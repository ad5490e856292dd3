//! Checking the fields of a need, shared by the posting form and spreadsheet import, so a value
//! accepted in one is accepted in the other.

use crate::domain::codes::{HsCode, PartNumber};
use crate::domain::dates::parse_date;
use crate::domain::money::{annual_value, parse_amount, parse_quantity, Currency};
use crate::domain::need::{parse_spec_items, Unit};
use crate::domain::places::parse_country;
use crate::domain::text::{char_len, clean, normalize};
use crate::domain::FieldError;

/// The need's own fields, parsed; organization, status and times are decided by the caller.
pub use crate::db::models::NeedContent as NeedFields;

/// The slug of the category a need without one is filed under (seeded by the migrations).
pub const FALLBACK_CATEGORY: &str = "other";

/// The id of [`FALLBACK_CATEGORY`] among the categories. The migrations seed it, so its
/// absence is a broken database, reported as such.
pub fn fallback_category(
    categories: &[crate::db::models::Category],
) -> Result<i32, crate::error::AppError> {
    categories
        .iter()
        .find(|c| c.slug == FALLBACK_CATEGORY)
        .map(|c| c.id)
        .ok_or_else(|| {
            crate::error::AppError::Internal(anyhow::anyhow!(
                "the category {FALLBACK_CATEGORY:?} is missing from the database"
            ))
        })
}

/// The content as the text cells a form or a spreadsheet holds: the inverse of [`parse`], so
/// a need's edit form, its export row and its re-import all say the same. `category` is the
/// category's slug.
pub fn to_cells(c: &NeedFields, category: &str) -> Vec<(&'static str, String)> {
    let currency = c.currency;
    vec![
        ("title", c.title.clone()),
        ("title_en", c.title_en.clone()),
        ("description", c.description.clone()),
        ("part_number", c.part_number.clone()),
        ("brand", c.brand.clone()),
        ("hs_code", c.hs_code.clone().unwrap_or_default()),
        ("category", category.to_string()),
        ("material", c.material.clone()),
        ("specs", c.specs.clone()),
        (
            "quantity_per_year",
            c.quantity_per_year
                .map(|q| q.to_string())
                .unwrap_or_default(),
        ),
        ("unit", c.unit.as_str().to_string()),
        (
            "unit_price",
            c.unit_price
                .map(|p| crate::domain::money::format_plain(p, currency))
                .unwrap_or_default(),
        ),
        ("currency", c.currency.code().to_string()),
        ("origin_country", c.origin_country.clone()),
        (
            "deadline",
            c.deadline
                .map(crate::domain::dates::iso)
                .unwrap_or_default(),
        ),
        (
            "anonymous",
            if c.anonymous { "yes" } else { "no" }.to_string(),
        ),
        ("processes", c.processes.clone()),
    ]
}

pub fn parse_bool(v: &str) -> Option<bool> {
    match normalize(v).as_str() {
        "" | "no" | "false" | "0" | "خیر" | "نه" | "off" => Some(false),
        "yes" | "true" | "1" | "بله" | "اری" | "on" => Some(true),
        _ => None,
    }
}

/// Parses every field; returns the fields when there is no error, and every error found.
/// `category` turns a category cell (slug or name) into an id; an empty one is `other`.
pub fn parse(
    get: &dyn Fn(&str) -> String,
    category: &dyn Fn(&str) -> Option<i32>,
    other: i32,
) -> (Option<NeedFields>, Vec<FieldError>) {
    let mut errors = Vec::new();
    let mut err = |field: &str, key: &'static str| errors.push(FieldError::new(field, key));
    let title = clean(&get("title"));
    if title.is_empty() {
        err("title", "error.required");
    } else if char_len(&title) > 200 {
        err("title", "error.too_long");
    }
    let title_en = clean(&get("title_en"));
    if char_len(&title_en) > 200 {
        err("title_en", "error.too_long");
    }
    let description = get("description").trim().to_string();
    if char_len(&description) > 5000 {
        err("description", "error.too_long");
    }
    let part = PartNumber::parse(&get("part_number"))
        .map_err(|k| err("part_number", k))
        .ok()
        .flatten();
    let hs = HsCode::parse(&get("hs_code"))
        .map_err(|k| err("hs_code", k))
        .ok()
        .flatten();
    let category_id = match get("category").trim() {
        "" => Some(other),
        v => category(v).or_else(|| {
            err("category", "error.category_unknown");
            None
        }),
    };
    let unit = match get("unit").trim() {
        "" => Some(Unit::Piece),
        v => Unit::parse(v).or_else(|| {
            err("unit", "error.unit_unknown");
            None
        }),
    };
    let currency = match get("currency").trim() {
        "" => Some(Currency::Irr),
        v => Currency::parse(v).or_else(|| {
            err("currency", "error.currency_unknown");
            None
        }),
    };
    let quantity = match get("quantity_per_year").trim() {
        "" => None,
        v => parse_quantity(v)
            .map_err(|k| err("quantity_per_year", k))
            .ok(),
    };
    let price = match (get("unit_price").trim(), currency) {
        ("", _) | (_, None) => None,
        (v, Some(c)) => parse_amount(v, c).map_err(|k| err("unit_price", k)).ok(),
    };
    let origin = match get("origin_country").trim() {
        "" => Some(String::new()),
        v => parse_country(v).map(str::to_string).or_else(|| {
            err("origin_country", "error.country_unknown");
            None
        }),
    };
    let deadline = match get("deadline").trim() {
        "" => None,
        v => parse_date(v).map_err(|k| err("deadline", k)).ok(),
    };
    let anonymous = parse_bool(&get("anonymous")).unwrap_or_else(|| {
        err("anonymous", "error.boolean_invalid");
        false
    });
    let specs = get("specs").trim().to_string();
    if char_len(&specs) > 2000 {
        err("specs", "error.too_long");
    }
    // A sheet's cell names them; the form ticks one box a process (`process_cnc_turning`).
    let mut named = get("processes");
    for p in crate::domain::supplier::Process::ALL {
        if !get(&format!("process_{}", p.as_str())).trim().is_empty() {
            named.push(',');
            named.push_str(p.as_str());
        }
    }
    let processes = parse_processes(&named, &get("processes_suggested"))
        .map_err(|k| err("processes", k))
        .unwrap_or_default();
    let fields = match (category_id, unit, currency, origin, errors.is_empty()) {
        (Some(category_id), Some(unit), Some(currency), Some(origin_country), true) => {
            Some(NeedFields {
                category_id,
                title,
                title_en,
                description,
                part_number: part
                    .as_ref()
                    .map(|p| p.as_str().to_string())
                    .unwrap_or_default(),
                part_number_key: part
                    .as_ref()
                    .map(|p| p.key().to_string())
                    .unwrap_or_default(),
                brand: clean(&get("brand")),
                hs_code: hs.map(|h| h.as_str().to_string()),
                material: clean(&get("material")),
                spec_items: serde_json::to_string(&parse_spec_items(&specs))
                    .unwrap_or_else(|_| "[]".into()),
                specs,
                quantity_per_year: quantity,
                unit,
                unit_price: price,
                currency,
                origin_country,
                annual_import_value: annual_value(quantity, price),
                deadline,
                anonymous,
                processes,
            })
        }
        _ => None,
    };
    (fields, errors)
}

/// Most processes one need may name.
pub const MAX_PROCESSES: usize = 8;

/// The processes a part takes, typed in a cell or ticked on the form (stored or English names,
/// separated by commas or spaces), as stored: names joined by commas. What the form suggested
/// and the firm left as it was is stored empty, so the part's family keeps deciding (and an
/// organizer's better family applies to it later).
pub fn parse_processes(value: &str, suggested: &str) -> Result<String, &'static str> {
    use crate::domain::supplier::Process;
    let mut chosen: Vec<Process> = Vec::new();
    for item in value.split([',', '،', ' ', '\n', ';']) {
        let item = item.trim();
        if item.is_empty() {
            continue;
        }
        let p = Process::parse(item).ok_or("error.process_unknown")?;
        if !chosen.contains(&p) {
            chosen.push(p);
        }
    }
    if chosen.len() > MAX_PROCESSES {
        return Err("error.processes_too_many");
    }
    let joined = chosen
        .iter()
        .map(|p| p.as_str())
        .collect::<Vec<_>>()
        .join(",");
    let mut suggested: Vec<&str> = suggested.split(',').filter(|s| !s.is_empty()).collect();
    let mut mine: Vec<&str> = chosen.iter().map(|p| p.as_str()).collect();
    suggested.sort_unstable();
    mine.sort_unstable();
    if !suggested.is_empty() && suggested == mine {
        return Ok(String::new());
    }
    Ok(joined)
}

/// What submitting for review needs beyond a draft: a description, a category other than
/// "other" and the yearly quantity, so suppliers can judge the work.
pub fn check_complete(fields: &NeedFields, other: i32) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if fields.description.is_empty() {
        errors.push(FieldError::new("description", "error.required"));
    }
    if fields.category_id == other {
        errors.push(FieldError::new("category", "error.category_choose"));
    }
    if fields.quantity_per_year.is_none() {
        errors.push(FieldError::new("quantity_per_year", "error.required"));
    }
    errors
}
