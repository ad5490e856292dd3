//! Matching a need to the makers who could make it: what a need asks for, what a maker can do,
//! and the one score between them, with its reasons.
//!
//! The score is built the way an industrial engineer reads a pair. First the gates: the maker
//! must declare every process the part takes (a plater or a heat treater does one operation of
//! a gear, it does not make the gear), work the part's material family, and hold its size,
//! weight and tolerance when both sides state them. Only pairs through the gates are shown or
//! mailed; an empty list is better than a wrong one. Among them, the order comes from the
//! material, the supporting processes, the words the two share weighted by how specific they
//! are (a word every maker uses counts for almost nothing; a passing mention in a summary
//! counts a quarter of a capability), and nearness.
//!
//! Pure: words arrive as ids of the matcher's vocabulary with their weights, the part families
//! already applied (see `search::matcher`).

use serde::Serialize;

use super::need::SpecItem;
use super::supplier::Process;
use super::FieldError;

/// A set of processes, one bit each in the order of [`Process::ALL`].
pub type ProcessSet = u64;

fn process_bit(p: Process) -> ProcessSet {
    let i = Process::ALL.iter().position(|q| *q == p).unwrap_or(0);
    1 << i
}

pub fn process_set(ps: &[Process]) -> ProcessSet {
    ps.iter().fold(0, |s, p| s | process_bit(*p))
}

pub fn processes_in(set: ProcessSet) -> Vec<Process> {
    Process::ALL
        .into_iter()
        .filter(|p| set & process_bit(*p) != 0)
        .collect()
}

crate::domain::closed_set! {
    /// A family of materials, for telling whether a maker works the part's material.
    pub enum MaterialClass {
        Steel = "steel",
        Stainless = "stainless",
        CastIron = "cast_iron",
        Aluminium = "aluminium",
        Copper = "copper",
        Rubber = "rubber",
        Plastic = "plastic",
        Composite = "composite",
        Ceramic = "ceramic",
    }
}

/// A set of material families, one bit each.
pub type MaterialSet = u16;

pub fn material_bit(m: MaterialClass) -> MaterialSet {
    let i = MaterialClass::ALL.iter().position(|q| *q == m).unwrap_or(0);
    1 << i
}

pub fn materials_in(set: MaterialSet) -> Vec<MaterialClass> {
    MaterialClass::ALL
        .into_iter()
        .filter(|m| set & material_bit(*m) != 0)
        .collect()
}

/// Families close enough that a shop working one takes the other (the ferrous ones; the
/// copper alloys among themselves are one family already).
fn kin(set: MaterialSet) -> MaterialSet {
    let steel = material_bit(MaterialClass::Steel);
    let stainless = material_bit(MaterialClass::Stainless);
    let cast_iron = material_bit(MaterialClass::CastIron);
    let mut out = set;
    if set & (steel | stainless | cast_iron) != 0 {
        out |= steel | stainless | cast_iron;
    }
    out
}

/// What a maker's machines hold: the largest part and the finest tolerance, and the batches
/// it takes. Every value is optional; an unknown one never blocks a match.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Envelope {
    pub max_diameter_mm: Option<i32>,
    pub max_length_mm: Option<i32>,
    pub max_weight_kg: Option<i32>,
    /// The finest tolerance held, in micrometres (0.01 mm = 10).
    pub tolerance_um: Option<i32>,
    /// The finest surface held, Ra in nanometres (Ra 0.8 µm = 800).
    pub surface_ra_nm: Option<i32>,
    /// The largest injection shot, in grams.
    pub shot_g: Option<i32>,
    /// The largest press, in tonnes (shown; no need states the force it takes).
    pub press_tonnes: Option<i32>,
    pub batch_min: Option<i32>,
    pub batch_max: Option<i32>,
}

/// Largest diameter or length a profile may state: 50 m.
const MAX_SIZE_MM: i64 = 50_000;
/// Heaviest part: 500 t.
const MAX_WEIGHT_KG: i64 = 500_000;
/// Largest batch: a hundred million.
const MAX_BATCH: i64 = 100_000_000;
/// Largest injection shot: 100 kg.
const MAX_SHOT_G: i64 = 100_000;
/// Largest press: 100,000 t.
const MAX_PRESS_T: i64 = 100_000;

/// A decimal typed in a form ("0.01", "۰٫۸", "±0.02"), or why not: `None` when empty.
fn decimal(v: &str, max: f64) -> Result<Option<f64>, &'static str> {
    let v = super::codes::digits_to_latin(v.trim()).replace(['/', '٫'], ".");
    let v = v.trim_start_matches(['±', '+']).trim();
    if v.is_empty() {
        return Ok(None);
    }
    match v.parse::<f64>() {
        Ok(n) if n.is_finite() && n > 0.0 && n <= max => Ok(Some(n)),
        Ok(n) if n.is_finite() && n > max => Err("error.number_too_large"),
        Ok(_) => Err("error.number_positive"),
        Err(_) => Err("error.number_invalid"),
    }
}

impl Envelope {
    /// Parses the form's fields (`max_diameter_mm`, `max_length_mm`, `max_weight_kg`,
    /// `tolerance_mm`, `batch_min`, `batch_max`); every problem names its field.
    pub fn parse(get: &dyn Fn(&str) -> String) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let whole = |name: &str, max: i64, errors: &mut Vec<FieldError>| -> Option<i32> {
            let v = get(name);
            let v = super::codes::digits_to_latin(v.trim()).replace([',', '٬'], "");
            if v.is_empty() {
                return None;
            }
            match v.parse::<i64>() {
                Ok(n) if n <= 0 => {
                    errors.push(FieldError::new(name, "error.number_positive"));
                    None
                }
                Ok(n) if n > max => {
                    errors.push(FieldError::new(name, "error.number_too_large"));
                    None
                }
                Ok(n) => i32::try_from(n).ok(),
                Err(_) => {
                    errors.push(FieldError::new(name, "error.number_invalid"));
                    None
                }
            }
        };
        let max_diameter_mm = whole("max_diameter_mm", MAX_SIZE_MM, &mut errors);
        let max_length_mm = whole("max_length_mm", MAX_SIZE_MM, &mut errors);
        let max_weight_kg = whole("max_weight_kg", MAX_WEIGHT_KG, &mut errors);
        let batch_min = whole("batch_min", MAX_BATCH, &mut errors);
        let batch_max = whole("batch_max", MAX_BATCH, &mut errors);
        let shot_g = whole("shot_g", MAX_SHOT_G, &mut errors);
        let press_tonnes = whole("press_tonnes", MAX_PRESS_T, &mut errors);
        let mut fine = |name: &str, max: f64, scale: f64| match decimal(&get(name), max) {
            Ok(v) => v.map(|n| ((n * scale).round() as i32).max(1)),
            Err(key) => {
                errors.push(FieldError::new(name, key));
                None
            }
        };
        // Millimetres to micrometres; Ra micrometres to nanometres.
        let tolerance_um = fine("tolerance_mm", 10.0, 1000.0);
        let surface_ra_nm = fine("surface_ra_um", 100.0, 1000.0);
        if let (Some(lo), Some(hi)) = (batch_min, batch_max) {
            if lo > hi {
                errors.push(FieldError::new("batch_max", "error.range_reversed"));
            }
        }
        if errors.is_empty() {
            Ok(Self {
                max_diameter_mm,
                max_length_mm,
                max_weight_kg,
                tolerance_um,
                surface_ra_nm,
                shot_g,
                press_tonnes,
                batch_min,
                batch_max,
            })
        } else {
            Err(errors)
        }
    }

    /// The tolerance as typed back into the form: millimetres.
    pub fn tolerance_mm(&self) -> String {
        thousandths(self.tolerance_um)
    }

    /// The surface as typed back into the form: Ra in micrometres.
    pub fn surface_ra_um(&self) -> String {
        thousandths(self.surface_ra_nm)
    }
}

/// A thousandth-unit integer as a decimal ("10" -> "0.01").
fn thousandths(v: Option<i32>) -> String {
    v.map(|n| {
        let s = format!("{:.3}", f64::from(n) / 1000.0);
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    })
    .unwrap_or_default()
}

/// A need's size as its specification states it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Dims {
    pub diameter_mm: Option<f64>,
    pub length_mm: Option<f64>,
    pub weight_kg: Option<f64>,
    pub tolerance_um: Option<f64>,
    pub surface_ra_nm: Option<f64>,
}

/// The first number in a text and what follows it ("Ø 120 mm", "۲٫۵ کیلوگرم", "0.02").
fn number_and_unit(text: &str) -> Option<(f64, String)> {
    let t = super::text::normalize(text).replace(['٫', '/'], ".");
    let start = t.find(|c: char| c.is_ascii_digit())?;
    let rest = &t[start..];
    let end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(rest.len());
    let n: f64 = rest[..end].trim_end_matches('.').parse().ok()?;
    let unit = rest[end..]
        .trim_start()
        .split(|c: char| c.is_whitespace() || c == ',' || c == ';')
        .next()
        .unwrap_or("")
        .to_string();
    n.is_finite().then_some((n, unit))
}

fn to_mm(n: f64, unit: &str) -> f64 {
    match unit {
        "cm" | "سانتیمتر" | "سانتی" | "سانت" => n * 10.0,
        "m" | "متر" => n * 1000.0,
        "inch" | "in" | "اینچ" | "\"" => n * 25.4,
        _ => n,
    }
}

fn to_kg(n: f64, unit: &str) -> f64 {
    match unit {
        "g" | "gr" | "گرم" => n / 1000.0,
        "t" | "ton" | "tonne" | "تن" => n * 1000.0,
        _ => n,
    }
}

fn to_um(n: f64, unit: &str) -> f64 {
    match unit {
        "um" | "µm" | "μm" | "میکرون" | "micron" => n,
        _ => n * 1000.0,
    }
}

/// What size, weight and tolerance a need's specification lines state, by their keys in
/// either language ("قطر خارجی: 120 mm", "Weight: 2.5 kg", "تلرانس: ±0.02").
pub fn dims_of(specs: &[SpecItem]) -> Dims {
    let mut d = Dims::default();
    for item in specs {
        let key = super::text::normalize(&item.key);
        let Some((n, unit)) = number_and_unit(&item.value) else {
            continue;
        };
        if n <= 0.0 {
            continue;
        }
        let has = |words: &[&str]| words.iter().any(|w| key.contains(w));
        if has(&["زبری", "roughness", "صافی سطح", "کیفیت سطح", "surface"]) {
            // Ra is written in micrometres ("Ra 0.8").
            d.surface_ra_nm = Some(n * 1000.0);
        } else if has(&["تلرانس", "tolerance", "دقت ابعادی"]) {
            d.tolerance_um = Some(to_um(n, &unit));
        } else if has(&["وزن", "weight", "mass", "جرم"]) {
            d.weight_kg = Some(to_kg(n, &unit));
        } else if has(&["قطر", "diameter", "ø", "dia"]) {
            d.diameter_mm = Some(d.diameter_mm.unwrap_or(0.0).max(to_mm(n, &unit)));
        } else if has(&["طول", "length", "ارتفاع", "height"]) {
            d.length_mm = Some(d.length_mm.unwrap_or(0.0).max(to_mm(n, &unit)));
        }
    }
    d
}

/// Where a need's processes came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "name", rename_all = "snake_case")]
pub enum Source {
    /// The firm (or the organizers in review) chose them on the need's form.
    Firm,
    /// Read from the part's family (its name in the part-family table).
    Family(String),
    /// Nothing known: only strong word evidence matches.
    Unknown,
}

/// What a need takes: every group must be covered (one process of a group is enough: sand or
/// investment casting), the helpful ones only rank.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Requirement {
    pub groups: Vec<ProcessSet>,
    pub helpful: ProcessSet,
    pub source: Source,
}

impl Requirement {
    pub fn unknown() -> Self {
        Self {
            groups: Vec::new(),
            helpful: 0,
            source: Source::Unknown,
        }
    }

    /// The processes a firm chose: each one required.
    pub fn chosen(ps: &[Process]) -> Self {
        Self {
            groups: ps.iter().map(|p| process_bit(*p)).collect(),
            helpful: 0,
            source: Source::Firm,
        }
    }

    /// The first process of each group: what the form pre-selects for a firm to confirm.
    pub fn suggested(&self) -> Vec<Process> {
        self.groups
            .iter()
            .filter_map(|g| processes_in(*g).into_iter().next())
            .collect()
    }
}

/// A maker as the matcher sees it. Word lists are sorted ids of the matcher's vocabulary.
#[derive(Debug, Clone, Default)]
pub struct MakerCard {
    pub id: i32,
    pub organization_id: Option<i32>,
    pub processes: ProcessSet,
    pub materials: MaterialSet,
    /// Material grades named (42CrMo4, NBR): a shared grade is a reason of its own.
    pub grades: Vec<u32>,
    /// Machines and process names: what it does.
    pub capability: Vec<u32>,
    /// Parts it already localized.
    pub made: Vec<u32>,
    /// The summary: a passing mention, counted a quarter.
    pub summary: Vec<u32>,
    pub city: String,
    pub province: String,
    pub envelope: Envelope,
}

/// A need as the matcher sees it.
#[derive(Debug, Clone)]
pub struct NeedCard {
    pub id: i32,
    pub organization_id: i32,
    pub requirement: Requirement,
    pub materials: MaterialSet,
    pub grades: Vec<u32>,
    /// What the part is: its titles, part number, brand and material words, sorted ids.
    pub words: Vec<u32>,
    pub dims: Dims,
    pub quantity: Option<i64>,
    pub city: String,
    pub province: String,
}

/// A dimension compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Dim {
    Diameter,
    Length,
    Weight,
    Tolerance,
    Surface,
    /// The part's weight against the largest injection shot.
    Shot,
}

/// One reason for (or against) a match, as the pages and the API list them.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Why {
    /// A process the part takes, and whether the maker declares it.
    Process {
        process: Process,
        ok: bool,
    },
    /// The part's material family, and whether the maker works it.
    Material {
        material: MaterialClass,
        ok: bool,
    },
    /// A material grade both name.
    Grade {
        word: u32,
    },
    /// A size, weight or tolerance, and whether the maker's machines hold it.
    Fits {
        dim: Dim,
        need: f64,
        limit: f64,
        ok: bool,
    },
    /// The yearly quantity is below the smallest batch the maker takes.
    Batch {
        quantity: i64,
        min: i32,
    },
    /// The maker already localized a part of these words.
    MadeBefore {
        words: Vec<u32>,
    },
    /// Specific words the maker's machines or processes share with the part.
    Words {
        words: Vec<u32>,
    },
    SameCity {
        city: String,
    },
    SameProvince {
        province: String,
    },
}

impl Why {
    pub fn ok(&self) -> bool {
        match self {
            Why::Process { ok, .. } | Why::Material { ok, .. } | Why::Fits { ok, .. } => *ok,
            Why::Batch { .. } => false,
            _ => true,
        }
    }
}

/// A pair scored: whether it passes the floor, the score (0 to 1) and its reasons.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scored {
    pub passes: bool,
    pub score: f32,
    pub reasons: Vec<Why>,
}

/// Share of a need's word weight a maker's capability words must cover when the part's
/// processes are unknown: strong evidence only.
pub const WORDS_ALONE: f32 = 0.5;

fn intersect(a: &[u32], b: &[u32]) -> Vec<u32> {
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                out.push(a[i]);
                i += 1;
                j += 1;
            }
        }
    }
    out
}

/// Processes that assemble bought-in material rather than shape it: a hydraulics shop builds an
/// aluminium cylinder from tubes it buys, an electronics line any housing's board.
fn assembles(p: ProcessSet) -> bool {
    let assembly = process_set(&[
        Process::Hydraulics,
        Process::ElectronicsAssembly,
        Process::PcbDesign,
        Process::ElectricalPanels,
        Process::MotorWinding,
    ]);
    p != 0 && p & !assembly == 0
}

/// Whether the part's material decides who can make it: only when a step shapes it.
fn material_gates(req: &Requirement) -> bool {
    !req.groups.is_empty() && !req.groups.iter().all(|g| assembles(*g))
}

/// Whether a pair passes the gates, without building reasons: the fast path of a maker's list
/// over every need.
pub fn passes_gates(need: &NeedCard, maker: &MakerCard) -> bool {
    if need.requirement.groups.is_empty() {
        return true; // decided by the words
    }
    if need
        .requirement
        .groups
        .iter()
        .any(|g| g & maker.processes == 0)
    {
        return false;
    }
    if material_gates(&need.requirement)
        && need.materials != 0
        && maker.materials != 0
        && kin(maker.materials) & need.materials == 0
    {
        return false;
    }
    fits(need, maker).iter().all(|(_, _, _, ok)| *ok)
}

fn fits(need: &NeedCard, maker: &MakerCard) -> Vec<(Dim, f64, f64, bool)> {
    let e = &maker.envelope;
    let d = &need.dims;
    let mut out = Vec::new();
    let mut check = |dim, need: Option<f64>, limit: Option<i32>, finer_ok: bool| {
        if let (Some(n), Some(l)) = (need, limit) {
            let l = f64::from(l);
            // A tolerance is held when the maker's finest is at most the part's.
            let ok = if finer_ok { l <= n } else { n <= l };
            out.push((dim, n, l, ok));
        }
    };
    check(Dim::Diameter, d.diameter_mm, e.max_diameter_mm, false);
    check(Dim::Length, d.length_mm, e.max_length_mm, false);
    check(Dim::Weight, d.weight_kg, e.max_weight_kg, false);
    check(Dim::Tolerance, d.tolerance_um, e.tolerance_um, true);
    check(Dim::Surface, d.surface_ra_nm, e.surface_ra_nm, true);
    let moulded = process_set(&[Process::InjectionMoulding]);
    if need.requirement.groups.contains(&moulded) {
        check(
            Dim::Shot,
            d.weight_kg.map(|kg| kg * 1000.0),
            e.shot_g,
            false,
        );
    }
    out
}

/// Scores one pair. `weight` gives a word's specificity (0 for a word every maker uses).
pub fn score(need: &NeedCard, maker: &MakerCard, weight: &dyn Fn(u32) -> f32) -> Scored {
    let mut reasons = Vec::new();
    let mut blocked = false;
    let req = &need.requirement;
    for g in &req.groups {
        let have = g & maker.processes;
        let shown = if have != 0 { have } else { *g };
        if let Some(process) = processes_in(shown).into_iter().next() {
            reasons.push(Why::Process {
                process,
                ok: have != 0,
            });
        }
        blocked |= have == 0;
    }
    let helpful = if req.helpful == 0 {
        0.5
    } else {
        (req.helpful & maker.processes).count_ones() as f32 / req.helpful.count_ones() as f32
    };

    let mut material = 0.5;
    let grades = intersect(&need.grades, &maker.grades);
    if need.materials != 0 && maker.materials != 0 {
        let class = materials_in(need.materials)[0];
        if maker.materials & need.materials != 0 {
            material = 1.0;
            reasons.push(Why::Material {
                material: class,
                ok: true,
            });
        } else if kin(maker.materials) & need.materials != 0 {
            material = 0.7;
            reasons.push(Why::Material {
                material: class,
                ok: true,
            });
        } else if material_gates(req) || req.groups.is_empty() {
            material = 0.0;
            reasons.push(Why::Material {
                material: class,
                ok: false,
            });
            // Only a step that shapes the material refuses on it; with words alone, the
            // words decide.
            blocked |= material_gates(req);
        }
    }
    if !grades.is_empty() {
        material = 1.0;
        reasons.extend(grades.iter().map(|&word| Why::Grade { word }));
    }

    for (dim, n, limit, ok) in fits(need, maker) {
        reasons.push(Why::Fits {
            dim,
            need: n,
            limit,
            ok,
        });
        blocked |= !ok;
    }
    let mut penalty = 0.0;
    if let (Some(q), Some(min)) = (need.quantity, maker.envelope.batch_min) {
        if q < i64::from(min) {
            reasons.push(Why::Batch { quantity: q, min });
            penalty = 0.1;
        }
    }

    // Words, weighted by how specific they are.
    let total: f32 = need.words.iter().map(|w| weight(*w)).sum();
    let made = intersect(&need.words, &maker.made);
    let capability = intersect(&need.words, &maker.capability);
    let summary = intersect(&need.words, &maker.summary);
    let mass = |ws: &[u32]| ws.iter().map(|w| weight(*w)).sum::<f32>();
    let strong: Vec<u32> = {
        let mut s = made.clone();
        s.extend(&capability);
        s.sort_unstable();
        s.dedup();
        s
    };
    let loose: Vec<u32> = summary
        .iter()
        .copied()
        .filter(|w| strong.binary_search(w).is_err())
        .collect();
    let text = if total > 0.0 {
        ((mass(&strong) + 0.25 * mass(&loose)) / total).min(1.0)
    } else {
        0.0
    };
    let specific =
        |ws: &[u32]| -> Vec<u32> { ws.iter().copied().filter(|w| weight(*w) > 0.3).collect() };
    let made_words = specific(&made);
    if !made_words.is_empty() {
        reasons.push(Why::MadeBefore { words: made_words });
    }
    let cap_words: Vec<u32> = specific(&capability)
        .into_iter()
        .filter(|w| made.binary_search(w).is_err())
        .collect();
    if !cap_words.is_empty() {
        reasons.push(Why::Words { words: cap_words });
    }

    let near = if !need.city.is_empty() && need.city == maker.city {
        reasons.push(Why::SameCity {
            city: maker.city.clone(),
        });
        1.0
    } else if !need.province.is_empty() && need.province == maker.province {
        reasons.push(Why::SameProvince {
            province: maker.province.clone(),
        });
        0.5
    } else {
        0.0
    };

    let (score, passes) = if req.groups.is_empty() {
        let evidence = if total > 0.0 {
            mass(&strong) / total
        } else {
            0.0
        };
        (
            0.2 + 0.5 * text + 0.1 * material + 0.1 * near - penalty,
            !blocked && evidence >= WORDS_ALONE,
        )
    } else {
        (
            0.5 + 0.15 * material + 0.15 * text + 0.1 * near + 0.1 * helpful - penalty,
            !blocked,
        )
    };
    Scored {
        passes,
        score: score.clamp(0.0, 1.0),
        reasons,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> String + 'a {
        move |k| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
                .unwrap_or_default()
        }
    }

    #[test]
    fn envelopes_name_the_field_that_is_wrong() {
        let ok = Envelope::parse(&get(&[
            ("max_diameter_mm", "۴۰۰"),
            ("tolerance_mm", "0.01"),
            ("batch_min", "10"),
            ("batch_max", "5,000"),
        ]))
        .unwrap();
        assert_eq!(ok.max_diameter_mm, Some(400));
        assert_eq!(ok.tolerance_um, Some(10));
        assert_eq!(ok.batch_max, Some(5000));
        assert_eq!(ok.tolerance_mm(), "0.01");
        let bad = Envelope::parse(&get(&[
            ("max_diameter_mm", "-3"),
            ("max_length_mm", "abc"),
            ("max_weight_kg", "99999999"),
            ("batch_min", "500"),
            ("batch_max", "20"),
        ]))
        .unwrap_err();
        let fields: Vec<&str> = bad.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "max_diameter_mm",
                "max_length_mm",
                "max_weight_kg",
                "batch_max"
            ]
        );
        assert!(Envelope::parse(&get(&[])).unwrap() == Envelope::default());
    }

    #[test]
    fn specification_lines_give_the_size() {
        let specs = super::super::need::parse_spec_items(
            "قطر خارجی: ۱۲ سانتیمتر\nطول: 0.3 m\nوزن: ۲٫۵ کیلوگرم\nتلرانس: ±0.02 mm\nرنگ: مشکی",
        );
        let d = dims_of(&specs);
        assert_eq!(d.diameter_mm, Some(120.0));
        assert_eq!(d.length_mm, Some(300.0));
        assert_eq!(d.weight_kg, Some(2.5));
        assert_eq!(d.tolerance_um, Some(20.0));
    }

    fn need(groups: &[&[Process]]) -> NeedCard {
        NeedCard {
            id: 1,
            organization_id: 1,
            requirement: Requirement {
                groups: groups.iter().map(|g| process_set(g)).collect(),
                helpful: 0,
                source: Source::Family("gear".into()),
            },
            materials: material_bit(MaterialClass::Steel),
            grades: vec![],
            words: vec![1, 2],
            dims: Dims {
                diameter_mm: Some(300.0),
                ..Dims::default()
            },
            quantity: Some(100),
            city: "تبریز".into(),
            province: "آذربایجان شرقی".into(),
        }
    }

    #[test]
    fn one_operation_of_a_part_is_not_a_match() {
        let n = need(&[&[Process::GearCutting]]);
        let plater = MakerCard {
            processes: process_set(&[Process::SurfaceCoating, Process::HeatTreatment]),
            ..MakerCard::default()
        };
        let gear_shop = MakerCard {
            processes: process_set(&[Process::GearCutting, Process::CncTurning]),
            materials: material_bit(MaterialClass::Stainless),
            city: "تبریز".into(),
            ..MakerCard::default()
        };
        let w = |_| 1.0;
        assert!(!score(&n, &plater, &w).passes);
        assert!(!passes_gates(&n, &plater));
        let s = score(&n, &gear_shop, &w);
        assert!(s.passes && passes_gates(&n, &gear_shop));
        assert!(s.reasons.contains(&Why::SameCity {
            city: "تبریز".into()
        }));
        let small = MakerCard {
            envelope: Envelope {
                max_diameter_mm: Some(200),
                ..Envelope::default()
            },
            ..gear_shop.clone()
        };
        assert!(!score(&n, &small, &w).passes, "Ø 300 does not fit Ø 200");
        let rubber = MakerCard {
            materials: material_bit(MaterialClass::Rubber),
            ..gear_shop
        };
        assert!(
            !score(&n, &rubber, &w).passes,
            "a steel part, a rubber shop"
        );
    }

    #[test]
    fn surfaces_and_shots_are_held_or_not() {
        let specs = super::super::need::parse_spec_items("زبری سطح: Ra 0.4\nوزن: 600 g");
        let d = dims_of(&specs);
        assert_eq!(d.surface_ra_nm, Some(400.0));
        assert_eq!(d.weight_kg, Some(0.6));
        let mut n = need(&[&[Process::InjectionMoulding]]);
        n.dims = d;
        n.materials = 0;
        let moulder = |shot, ra| MakerCard {
            processes: process_set(&[Process::InjectionMoulding]),
            envelope: Envelope {
                shot_g: Some(shot),
                surface_ra_nm: Some(ra),
                ..Envelope::default()
            },
            ..MakerCard::default()
        };
        assert!(passes_gates(&n, &moulder(1000, 200)));
        assert!(
            !passes_gates(&n, &moulder(250, 200)),
            "a 600 g part, a 250 g shot"
        );
        assert!(
            !passes_gates(&n, &moulder(1000, 1600)),
            "Ra 0.4 asked, Ra 1.6 held"
        );
        let e = Envelope::parse(&get(&[("surface_ra_um", "۰٫۸"), ("shot_g", "x")])).unwrap_err();
        assert_eq!(e[0].field, "shot_g");
        let ok = Envelope::parse(&get(&[("surface_ra_um", "0.8")])).unwrap();
        assert_eq!(
            (ok.surface_ra_nm, ok.surface_ra_um()),
            (Some(800), "0.8".to_string())
        );
    }

    #[test]
    fn assembling_trades_are_not_refused_on_the_part_material() {
        let mut n = need(&[&[Process::Hydraulics]]);
        n.materials = material_bit(MaterialClass::Aluminium);
        n.dims = Dims::default();
        let hydraulics = MakerCard {
            processes: process_set(&[Process::Hydraulics]),
            materials: material_bit(MaterialClass::Steel),
            ..MakerCard::default()
        };
        assert!(passes_gates(&n, &hydraulics));
        assert!(score(&n, &hydraulics, &|_| 1.0).passes);
        let mut cast = need(&[&[Process::SandCasting]]);
        cast.materials = material_bit(MaterialClass::Aluminium);
        let foundry = MakerCard {
            processes: process_set(&[Process::SandCasting]),
            materials: material_bit(MaterialClass::CastIron),
            ..MakerCard::default()
        };
        assert!(
            !passes_gates(&cast, &foundry),
            "a cast-iron foundry, an aluminium casting"
        );
    }

    #[test]
    fn with_no_known_processes_only_strong_words_match() {
        let mut n = need(&[]);
        n.materials = 0;
        let w = |id: u32| if id == 1 { 2.0 } else { 1.0 };
        let said_in_passing = MakerCard {
            summary: vec![1, 2],
            ..MakerCard::default()
        };
        assert!(!score(&n, &said_in_passing, &w).passes);
        let made_it = MakerCard {
            made: vec![1],
            ..MakerCard::default()
        };
        assert!(score(&n, &made_it, &w).passes);
    }
}
