//! The matcher: every public maker and every public need as the matching rule reads them
//! (`domain::matching`), kept in memory and brought up to date from the database, so a need
//! page, the alerts, the organizers' picker, a maker's own list and the API all rank with the
//! same function over the same cards.
//!
//! The cards are a cache like the indexes: makers are rebuilt when the profiles' fingerprint
//! changes (they are few), needs follow the search change log (every write to a need records a
//! change), and either can be dropped and rebuilt from the database at any time.
//!
//! Words go through the search analyzer, so «شافت» in a title meets «شافت» in a profile in any
//! spelling; the part-family table (`part_families.txt` with organizers' additions) turns a
//! part's name into the processes it takes.

use std::collections::HashMap;
use std::sync::RwLock;

use super::analyzer::{analyze, is_stop_word};
use crate::domain::matching::{
    self as rule, material_bit, process_set, MakerCard, MaterialClass, MaterialSet, NeedCard,
    ProcessSet, Requirement, Scored, Source,
};
use crate::domain::supplier::Process;

/// A line of a part-family table that cannot be used, and why: the synonyms' kind.
pub use super::synonyms::LineError;

/// Most families organizers may add.
pub const MAX_FAMILIES: usize = 500;
/// Most names of one family.
const MAX_NAMES: usize = 60;
/// Longest name, in words.
const MAX_NAME_WORDS: usize = 4;

#[derive(Debug, Clone)]
struct Family {
    name: String,
    requirement: Requirement,
}

/// Part names and the processes they take.
#[derive(Debug, Clone, Default)]
pub struct PartFamilies {
    families: Vec<Family>,
    /// A name's analyzed words joined without spaces -> (family, words in the name).
    names: HashMap<String, (usize, usize)>,
}

fn words(text: &str) -> Vec<String> {
    analyze(text)
        .into_iter()
        .map(|t| t.text)
        .filter(|t| !is_stop_word(t) || ["for", "of", "to", "with", "on"].contains(&t.as_str()))
        .collect()
}

fn parse_processes(text: &str, alternatives: bool) -> Result<Vec<ProcessSet>, ()> {
    let mut out = Vec::new();
    for step in text.split_whitespace() {
        if step == "-" && alternatives {
            // Made by a trade the site has no process for: no maker here is offered it.
            out.push(0);
            continue;
        }
        let mut set = 0;
        let parts: Vec<&str> = if alternatives {
            step.split('/').collect()
        } else {
            vec![step]
        };
        for p in parts {
            set |= process_set(&[Process::parse(p).ok_or(())?]);
        }
        out.push(set);
    }
    Ok(out)
}

impl PartFamilies {
    /// The defaults with organizers' families added after them.
    pub fn with_extra(extra: &str) -> Result<Self, Vec<LineError>> {
        let mut table = Self::default();
        table
            .add(include_str!("part_families.txt"), usize::MAX)
            .expect("the default part families parse");
        table.add(extra, MAX_FAMILIES)?;
        Ok(table)
    }

    /// Checks a table as organizers would save it: every error, with its line.
    pub fn check(text: &str) -> Result<(), Vec<LineError>> {
        Self::default().add(text, MAX_FAMILIES)
    }

    fn add(&mut self, text: &str, most: usize) -> Result<(), Vec<LineError>> {
        let mut errors = Vec::new();
        let mut count = 0;
        let mut added = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let error = |key| LineError { line: n + 1, key };
            count += 1;
            if count > most {
                errors.push(error("error.families_too_many"));
                break;
            }
            let parts: Vec<&str> = line.split(':').collect();
            if parts.len() < 2 || parts.len() > 3 {
                errors.push(error("error.family_shape"));
                continue;
            }
            let names: Vec<&str> = parts[0]
                .split([',', '،'])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect();
            if names.is_empty() {
                errors.push(error("error.family_shape"));
                continue;
            }
            if names.len() > MAX_NAMES {
                errors.push(error("error.family_too_many_names"));
                continue;
            }
            let Ok(groups) = parse_processes(parts[1], true) else {
                errors.push(error("error.family_process_unknown"));
                continue;
            };
            if groups.is_empty() {
                errors.push(error("error.family_no_process"));
                continue;
            }
            let Ok(helpful) = parse_processes(parts.get(2).copied().unwrap_or(""), false) else {
                errors.push(error("error.family_process_unknown"));
                continue;
            };
            let mut keys = Vec::new();
            for name in &names {
                let w = words(name);
                if w.is_empty() || w.len() > MAX_NAME_WORDS {
                    errors.push(error("error.family_name_long"));
                    continue;
                }
                keys.push((w.concat(), w.len()));
            }
            added.push((
                Family {
                    name: names[0].to_string(),
                    requirement: Requirement {
                        groups,
                        helpful: helpful.iter().fold(0, |a, b| a | b),
                        source: Source::Family(names[0].to_string()),
                    },
                },
                keys,
            ));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        for (family, keys) in added {
            let i = self.families.len();
            self.families.push(family);
            // A later line (an organizer's) takes over a name it repeats.
            for (key, len) in keys {
                self.names.insert(key, (i, len));
            }
        }
        Ok(())
    }

    /// The family a title names: Persian read at its head (the first word, or the second
    /// after a generic one such as «قطعه»: what follows says where the part is used), English
    /// from the end of what comes before "for", "of" or "used in"; the longer name first.
    fn find(&self, title: &[String], from_end: bool) -> Option<usize> {
        let mut best: Option<(usize, usize, usize)> = None; // (family, start, len)
        let title: &[String] = if from_end {
            let cut = title
                .iter()
                .position(|w| matches!(w.as_str(), "for" | "of" | "used" | "to" | "with" | "on"))
                .unwrap_or(title.len());
            &title[..cut]
        } else {
            title
        };
        let heads = if from_end {
            title.len()
        } else if title.first().is_some_and(|w| GENERIC.contains(&w.as_str())) {
            2.min(title.len())
        } else {
            1.min(title.len())
        };
        for start in 0..heads {
            for len in (1..=MAX_NAME_WORDS.min(title.len() - start)).rev() {
                let key: String = title[start..start + len].concat();
                if let Some(&(family, _)) = self.names.get(&key) {
                    let better = match best {
                        None => true,
                        Some((_, s, l)) if from_end => start + len > s + l,
                        Some(_) => false,
                    };
                    if better {
                        best = Some((family, start, len));
                    }
                    break;
                }
            }
            if best.is_some() && !from_end {
                break;
            }
        }
        best.map(|(f, _, _)| f)
    }

    /// What a part takes by its titles, else by its category's names (a category names a
    /// family of parts as a title does: «چرخ‌دنده و گیربکس»).
    pub fn requirement_in(
        &self,
        title: &str,
        title_en: &str,
        category_fa: &str,
        category_en: &str,
    ) -> Requirement {
        let by_title = self.requirement(title, title_en);
        if by_title.source != Source::Unknown {
            return by_title;
        }
        self.requirement(category_fa, category_en)
    }

    /// What a part of these titles takes, from its family; unknown when no name is found.
    pub fn requirement(&self, title: &str, title_en: &str) -> Requirement {
        let fa = words(title);
        let latin_title = !fa.is_empty() && fa.iter().all(|w| w.is_ascii());
        let found = self
            .find(&fa, latin_title)
            .or_else(|| self.find(&words(title_en), true));
        match found {
            Some(i) => self.families[i].requirement.clone(),
            None => Requirement::unknown(),
        }
    }

    pub fn len(&self) -> usize {
        self.families.len()
    }

    pub fn is_empty(&self) -> bool {
        self.families.is_empty()
    }

    /// The names of the families, in order (for the organizers' page).
    pub fn names(&self) -> Vec<&str> {
        self.families.iter().map(|f| f.name.as_str()).collect()
    }
}

/// Words naming each material family, analyzed at first use.
const MATERIALS: &[(MaterialClass, &str)] = &[
    (MaterialClass::Steel, "فولاد فولادی فولادآلیاژی آهن steel ck45 ck35 ck60 st37 st52 st44 42crmo4 4140 4340 1045 1.7225 1.0503 mo40 vcn vcn150 vcn200 spk 1.2379 1.2344 h13 d2 16mncr5 20mncr5 c45 s355 s235"),
    (MaterialClass::Stainless, "استنلس استیل ضدزنگ stainless inox 304 316 316l 1.4301 1.4404 420 410"),
    (MaterialClass::CastIron, "چدن چدنی نشکن داکتیل cast iron gg20 gg25 gg30 ggg40 ggg50 ggg60 gjl gjs"),
    (MaterialClass::Aluminium, "آلومینیوم آلومینیم الومینیوم سیلومین aluminium aluminum alu 6061 6063 7075 2024 5083 silumin alsi"),
    (MaterialClass::Copper, "برنج برنجی برنز برنزی مس مسی brass bronze copper cusn cuzn ms58 ms63"),
    (MaterialClass::Rubber, "لاستیک لاستیکی رابر rubber nbr epdm fkm viton وایتون sbr silicone سیلیکون neoprene نئوپرن پلی اورتان polyurethane pu hnbr"),
    (MaterialClass::Plastic, "پلاستیک پلاستیکی plastic pa pa6 pa66 پلی امید پلی‌آمید نایلون nylon pom polyacetal پلی استال pe hdpe pp abs pc pvc ptfe تفلون teflon peek pet pbt"),
    (MaterialClass::Composite, "کامپوزیت کامپوزیتی composite frp grp فایبرگلاس fiberglass fibreglass کربن carbon"),
    (MaterialClass::Ceramic, "سرامیک سرامیکی ceramic نسوز refractory alumina آلومینا منیزیت magnesia"),
];

/// Material words every shop writes: they name a family but say nothing specific.
const FAMILY_ONLY: &[&str] = &[
    "فولاد",
    "فولادی",
    "steel",
    "اهن",
    "چدن",
    "چدنی",
    "لاستیک",
    "لاستیکی",
    "rubber",
    "پلاستیک",
    "پلاستیکی",
    "plastic",
    "الومینیوم",
    "aluminium",
    "aluminum",
    "برنج",
    "مس",
    "brass",
    "copper",
    "bronze",
    "برنز",
];

static MATERIAL_WORDS: std::sync::LazyLock<HashMap<String, MaterialClass>> =
    std::sync::LazyLock::new(|| {
        let mut m = HashMap::new();
        for (class, list) in MATERIALS {
            for w in list.split_whitespace() {
                for t in words(w) {
                    m.entry(t).or_insert(*class);
                }
            }
        }
        m
    });

/// The material families and the grades (words with digits, or named compounds) of a text.
fn materials_of(text: &str) -> (MaterialSet, Vec<String>) {
    let mut set = 0;
    let mut grades = Vec::new();
    let ws = words(text);
    for (i, w) in ws.iter().enumerate() {
        let pair = ws.get(i + 1).map(|n| format!("{w}{n}"));
        for key in std::iter::once(w.clone()).chain(pair) {
            if let Some(class) = MATERIAL_WORDS.get(&key) {
                set |= material_bit(*class);
                if !FAMILY_ONLY.contains(&key.as_str()) && key.chars().count() >= 2 {
                    grades.push(key);
                }
            }
        }
        if w.chars().any(|c| c.is_ascii_digit()) && w.chars().any(|c| c.is_ascii_alphabetic()) {
            grades.push(w.clone());
        }
    }
    grades.sort();
    grades.dedup();
    (set, grades)
}

/// Words of the trade that say nothing about a part: they weigh almost nothing.
const GENERIC: &[&str] = &[
    "قطعه",
    "قطعات",
    "ساخت",
    "تولید",
    "صنعتی",
    "صنعت",
    "یدکی",
    "قطعهیدکی",
    "ماشین",
    "دستگاه",
    "دستگاهی",
    "انواع",
    "نوع",
    "سفارش",
    "تعمیر",
    "تعمیرات",
    "کارخانه",
    "خط",
    "مدل",
    "سایز",
    "مشابه",
    "اصلی",
    "نمونه",
    "داخلی",
    "خارجی",
    "ویژه",
    "استاندارد",
    "عمومی",
    "مخصوص",
    "کامل",
    "part",
    "parts",
    "spare",
    "component",
    "components",
    "machine",
    "machinery",
    "industrial",
    "type",
    "model",
    "size",
    "assembly",
    "set",
    "kit",
    "unit",
    "new",
    "original",
    "standard",
    "special",
    "general",
    "heavy",
    "duty",
    "custom",
    "made",
    "making",
    "manufacturing",
    "production",
    "service",
    "services",
];

/// Words as ids, and how many makers use each.
#[derive(Debug, Default)]
struct Vocabulary {
    ids: HashMap<String, u32>,
    text: Vec<String>,
    generic: Vec<bool>,
}

impl Vocabulary {
    fn id(&mut self, w: &str) -> u32 {
        if let Some(id) = self.ids.get(w) {
            return *id;
        }
        let id = self.text.len() as u32;
        self.ids.insert(w.to_string(), id);
        self.text.push(w.to_string());
        self.generic.push(GENERIC.contains(&w));
        id
    }

    fn ids(&mut self, words: impl IntoIterator<Item = String>) -> Vec<u32> {
        let mut out: Vec<u32> = words.into_iter().map(|w| self.id(&w)).collect();
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// A public maker's profile, as the matcher needs it.
#[derive(Debug, Clone, Default)]
pub struct MakerInput {
    pub id: i32,
    pub organization_id: Option<i32>,
    pub processes: Vec<Process>,
    /// The processes' names in both languages: what a maker's own words are matched against.
    pub process_names: String,
    pub materials: String,
    pub machines: String,
    pub localized_parts: String,
    pub summary: String,
    pub city: String,
    pub envelope: rule::Envelope,
}

/// A need, as the matcher needs it.
#[derive(Debug, Clone, Default)]
pub struct NeedInput {
    pub id: i32,
    pub organization_id: i32,
    pub title: String,
    pub title_en: String,
    pub part_number: String,
    pub brand: String,
    pub material: String,
    /// The processes the firm chose; empty: read from the part's family.
    pub processes: Vec<Process>,
    /// Its category's Persian and English names: what it takes when its titles do not say.
    pub category_fa: String,
    pub category_en: String,
    pub spec_items: Vec<crate::domain::need::SpecItem>,
    pub quantity: Option<i64>,
    pub city: String,
    pub province: String,
    /// Open for offers (published or in talks): only these are in a maker's list.
    pub open: bool,
    pub annual_value: Option<i64>,
    pub deadline: Option<chrono::NaiveDate>,
}

/// What a maker's list keeps of a need beyond its card, to filter on.
#[derive(Debug, Clone)]
struct NeedExtra {
    open: bool,
    annual_value: Option<i64>,
    deadline: Option<chrono::NaiveDate>,
}

#[derive(Default)]
struct State {
    families: PartFamilies,
    vocabulary: Vocabulary,
    makers: Vec<MakerCard>,
    /// Each maker's localized parts as typed, with their words: a "made before" reason shows
    /// the part the maker wrote, not the matched words.
    made_items: Vec<Vec<(String, Vec<u32>)>>,
    /// How many makers use each word (by id).
    df: Vec<u32>,
    makers_built_from: Option<crate::db::suppliers::Fingerprint>,
    needs: HashMap<i32, (NeedCard, NeedExtra)>,
    /// The search change the need cards include, or `None` before the first load.
    needs_cursor: Option<i32>,
}

impl State {
    fn weight(&self, w: u32) -> f32 {
        let i = w as usize;
        if self.vocabulary.generic.get(i).copied().unwrap_or(false) {
            return 0.05;
        }
        let n = self.makers.len() as f32;
        let df = self.df.get(i).copied().unwrap_or(0) as f32;
        let top = (n + 1.0).ln().max(1.0);
        (((n + 1.0) / (df + 0.5)).ln() / top).clamp(0.0, 1.2)
    }

    fn need_card(&mut self, n: &NeedInput) -> NeedCard {
        let requirement = if n.processes.is_empty() {
            self.families
                .requirement_in(&n.title, &n.title_en, &n.category_fa, &n.category_en)
        } else {
            Requirement::chosen(&n.processes)
        };
        let (materials, grades) = materials_of(&n.material);
        let text = format!(
            "{}\n{}\n{}\n{}\n{}",
            n.title, n.title_en, n.part_number, n.brand, n.material
        );
        NeedCard {
            id: n.id,
            organization_id: n.organization_id,
            requirement,
            materials,
            grades: self.vocabulary.ids(grades),
            words: self.vocabulary.ids(words(&text)),
            dims: rule::dims_of(&n.spec_items),
            quantity: n.quantity,
            city: n.city.clone(),
            province: n.province.clone(),
        }
    }
}

/// The in-memory cards and the one ranking over them.
#[derive(Default)]
pub struct Matcher {
    state: RwLock<State>,
}

/// A maker ranked for a need, or a need for a maker.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Ranked {
    pub id: i32,
    pub score: f32,
    pub reasons: Vec<Reason>,
}

/// A reason as pages and the API show it: words are text again.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Reason {
    #[serde(flatten)]
    pub why: rule::Why,
    /// The words of a word reason, as text.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub text: Vec<String>,
    pub ok: bool,
}

/// Why a need does or does not match a maker: the reasons, and whether it passes.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Verdict {
    pub passes: bool,
    pub score: f32,
    pub source: Source,
    pub reasons: Vec<Reason>,
}

/// Filters of a maker's list.
#[derive(Debug, Clone, Default)]
pub struct NeedFilter {
    pub process: Option<Process>,
    pub city: Option<String>,
    pub min_value: Option<i64>,
    /// Only needs whose deadline is on or after this date (or that have none).
    pub deadline_from: Option<chrono::NaiveDate>,
}

fn poisoned<T>(_: T) -> anyhow::Error {
    anyhow::anyhow!("the matcher's lock was poisoned")
}

impl Matcher {
    /// Replaces the part families (defaults with organizers' lines); the need cards are
    /// rebuilt on their next refresh.
    pub fn set_families(&self, families: PartFamilies) -> anyhow::Result<()> {
        let mut s = self.state.write().map_err(poisoned)?;
        s.families = families;
        s.needs.clear();
        s.needs_cursor = None;
        Ok(())
    }

    /// What a need of these titles takes, by the current families (what the form suggests).
    pub fn requirement(&self, title: &str, title_en: &str) -> anyhow::Result<Requirement> {
        self.requirement_in(title, title_en, "", "")
    }

    /// The same, falling back on the category's names.
    pub fn requirement_in(
        &self,
        title: &str,
        title_en: &str,
        category_fa: &str,
        category_en: &str,
    ) -> anyhow::Result<Requirement> {
        let s = self.state.read().map_err(poisoned)?;
        Ok(s.families
            .requirement_in(title, title_en, category_fa, category_en))
    }

    pub fn makers_fresh(&self, now: &crate::db::suppliers::Fingerprint) -> bool {
        self.state
            .read()
            .ok()
            .is_some_and(|s| s.makers_built_from.as_ref() == Some(now))
    }

    /// Builds the maker cards anew.
    pub fn set_makers(
        &self,
        fingerprint: crate::db::suppliers::Fingerprint,
        makers: &[MakerInput],
    ) -> anyhow::Result<()> {
        let mut s = self.state.write().map_err(poisoned)?;
        let mut cards = Vec::with_capacity(makers.len());
        let mut made_items = Vec::with_capacity(makers.len());
        let mut df: Vec<u32> = Vec::new();
        for m in makers {
            let (materials, grades) = materials_of(&m.materials);
            let capability = s
                .vocabulary
                .ids(words(&format!("{}\n{}", m.machines, m.process_names)));
            let made = s.vocabulary.ids(words(&m.localized_parts));
            let items: Vec<(String, Vec<u32>)> = m
                .localized_parts
                .split([',', '،', ';', '؛', '\n'])
                .map(str::trim)
                .filter(|item| !item.is_empty())
                .map(|item| (item.to_string(), s.vocabulary.ids(words(item))))
                .collect();
            made_items.push(items);
            let summary = s.vocabulary.ids(words(&m.summary));
            let mut all: Vec<u32> = capability
                .iter()
                .chain(&made)
                .chain(&summary)
                .copied()
                .collect();
            all.sort_unstable();
            all.dedup();
            for w in all {
                let i = w as usize;
                if df.len() <= i {
                    df.resize(i + 1, 0);
                }
                df[i] += 1;
            }
            let province = crate::domain::places::province_of(&m.city)
                .unwrap_or_default()
                .to_string();
            cards.push(MakerCard {
                id: m.id,
                organization_id: m.organization_id,
                processes: process_set(&m.processes),
                materials,
                grades: s.vocabulary.ids(grades),
                capability,
                made,
                summary,
                city: m.city.clone(),
                province,
                envelope: m.envelope,
            });
        }
        s.makers = cards;
        s.made_items = made_items;
        s.df = df;
        s.makers_built_from = Some(fingerprint);
        Ok(())
    }

    /// The search change the need cards hold, or `None` when they must be loaded whole.
    pub fn needs_cursor(&self) -> Option<i32> {
        self.state.read().ok().and_then(|s| s.needs_cursor)
    }

    /// Applies needs read at change `cursor`: public ones are (re)carded, `gone` ones dropped.
    pub fn apply_needs(
        &self,
        cursor: i32,
        needs: &[NeedInput],
        gone: &[i32],
        whole: bool,
    ) -> anyhow::Result<()> {
        let mut s = self.state.write().map_err(poisoned)?;
        if whole {
            s.needs.clear();
        }
        for id in gone {
            s.needs.remove(id);
        }
        for n in needs {
            let card = s.need_card(n);
            let extra = NeedExtra {
                open: n.open,
                annual_value: n.annual_value,
                deadline: n.deadline,
            };
            s.needs.insert(n.id, (card, extra));
        }
        s.needs_cursor = Some(cursor);
        Ok(())
    }

    fn reasons(s: &State, maker: usize, scored: Scored) -> Vec<Reason> {
        scored
            .reasons
            .into_iter()
            .map(|why| {
                let ids: &[u32] = match &why {
                    rule::Why::Words { words } | rule::Why::MadeBefore { words } => words,
                    rule::Why::Grade { word } => std::slice::from_ref(word),
                    _ => &[],
                };
                let text = match &why {
                    // The parts as the maker wrote them that hold the shared words.
                    rule::Why::MadeBefore { words } => s
                        .made_items
                        .get(maker)
                        .into_iter()
                        .flatten()
                        .filter(|(_, ws)| ws.iter().any(|w| words.contains(w)))
                        .map(|(item, _)| item.clone())
                        .collect(),
                    _ => ids
                        .iter()
                        .filter_map(|w| s.vocabulary.text.get(*w as usize).cloned())
                        .collect(),
                };
                Reason {
                    ok: why.ok(),
                    why,
                    text,
                }
            })
            .collect()
    }

    /// The makers who could make this need, best first, at most `limit`, none below the floor;
    /// never the firm's own people.
    pub fn makers_for(&self, need: &NeedInput, limit: usize) -> anyhow::Result<Vec<Ranked>> {
        let mut s = self.state.write().map_err(poisoned)?;
        let card = s.need_card(need);
        let s = &*s;
        let weight = |w| s.weight(w);
        let mut out: Vec<(f32, usize, Scored)> = Vec::new();
        for (i, m) in s.makers.iter().enumerate() {
            if m.organization_id == Some(card.organization_id) {
                continue;
            }
            if !card.requirement.groups.is_empty() && !rule::passes_gates(&card, m) {
                continue;
            }
            let scored = rule::score(&card, m, &weight);
            if scored.passes {
                out.push((scored.score, i, scored));
            }
        }
        out.sort_by(|a, b| {
            b.0.total_cmp(&a.0)
                .then_with(|| s.makers[a.1].id.cmp(&s.makers[b.1].id))
        });
        out.truncate(limit);
        Ok(out
            .into_iter()
            .map(|(score, i, scored)| Ranked {
                id: s.makers[i].id,
                score,
                reasons: Self::reasons(s, i, scored),
            })
            .collect())
    }

    /// Why this need does or does not match this maker (a need page seen by a maker).
    pub fn verdict(&self, need: &NeedInput, maker: i32) -> anyhow::Result<Option<Verdict>> {
        let mut s = self.state.write().map_err(poisoned)?;
        let card = s.need_card(need);
        let s = &*s;
        let Some(i) = s.makers.iter().position(|m| m.id == maker) else {
            return Ok(None);
        };
        let scored = rule::score(&card, &s.makers[i], &|w| s.weight(w));
        Ok(Some(Verdict {
            passes: scored.passes,
            score: scored.score,
            source: card.requirement.source.clone(),
            reasons: Self::reasons(s, i, scored),
        }))
    }

    /// The open needs this maker could make, best first: one page of them (`offset`, `limit`)
    /// and how many there are. `None` when the maker has no public profile.
    pub fn needs_for(
        &self,
        maker: i32,
        filter: &NeedFilter,
        offset: usize,
        limit: usize,
    ) -> anyhow::Result<Option<(Vec<Ranked>, usize)>> {
        let s = self.state.read().map_err(poisoned)?;
        let Some(index) = s.makers.iter().position(|m| m.id == maker) else {
            return Ok(None);
        };
        let m = &s.makers[index];
        let weight = |w| s.weight(w);
        let want = filter.process.map(|p| process_set(&[p]));
        let mut hits: Vec<(f32, i32, Scored)> = Vec::new();
        for (card, extra) in s.needs.values() {
            if !extra.open || Some(card.organization_id) == m.organization_id {
                continue;
            }
            if let Some(want) = want {
                if !card.requirement.groups.iter().any(|g| g & want != 0) {
                    continue;
                }
            }
            if let Some(city) = &filter.city {
                if &card.city != city {
                    continue;
                }
            }
            if let Some(min) = filter.min_value {
                if extra.annual_value.unwrap_or(0) < min {
                    continue;
                }
            }
            if let (Some(from), Some(d)) = (filter.deadline_from, extra.deadline) {
                if d < from {
                    continue;
                }
            }
            if !card.requirement.groups.is_empty() && !rule::passes_gates(card, m) {
                continue;
            }
            if card.requirement.groups.is_empty() && m.made.is_empty() && m.capability.is_empty() {
                continue;
            }
            let scored = rule::score(card, m, &weight);
            if scored.passes {
                hits.push((scored.score, card.id, scored));
            }
        }
        hits.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| b.1.cmp(&a.1)));
        let total = hits.len();
        let page = hits
            .into_iter()
            .skip(offset)
            .take(limit)
            .map(|(score, id, scored)| Ranked {
                id,
                score,
                reasons: Self::reasons(&s, index, scored),
            })
            .collect();
        Ok(Some((page, total)))
    }

    /// How many makers and needs are carded (for the health report and tests).
    pub fn counts(&self) -> (usize, usize) {
        self.state
            .read()
            .map(|s| (s.makers.len(), s.needs.len()))
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_families_parse_and_read_the_head_of_a_title() {
        let f = PartFamilies::with_extra("").unwrap();
        assert!(f.len() > 60);
        let gear = f.requirement("چرخ‌دنده گیربکس نوار نقاله", "");
        assert_eq!(gear.source, Source::Family("چرخ دنده".into()));
        assert_eq!(
            f.requirement("چرخ دنده", "").source,
            f.requirement("چرخدنده مارپیچ", "").source
        );
        let seal = f.requirement("کاسه نمد الکتروموتور", "");
        assert_eq!(seal.source, Source::Family("کاسه نمد".into()));
        let en = f.requirement("", "Electric motor oil seal");
        assert_eq!(en.source, Source::Family("کاسه نمد".into()));
        let roller = f.requirement("غلتک نوار نقاله", "");
        assert_eq!(roller.source, Source::Family("غلتک".into()));
        assert_eq!(f.requirement("قطعه یدکی", "").source, Source::Unknown);
        assert_eq!(
            f.requirement_in("قطعه یدکی", "", "چرخ‌دنده و گیربکس", "Gears and gearboxes")
                .source,
            Source::Family("چرخ دنده".into())
        );
        assert_eq!(
            f.requirement("شفت", "").source,
            f.requirement("شافت پمپ", "").source
        );
    }

    #[test]
    fn organizers_lines_are_checked_and_named() {
        let errors =
            PartFamilies::check("پولک : cnc_turning\nبد خط\nقطعه : welding/unknown\n").unwrap_err();
        assert_eq!(errors.iter().map(|e| e.line).collect::<Vec<_>>(), [2, 3]);
        let f = PartFamilies::with_extra("پولک, polak : cnc_turning : grinding").unwrap();
        assert_eq!(
            f.requirement("پولک ترمز", "").source,
            Source::Family("پولک".into())
        );
    }

    #[test]
    fn materials_are_read_into_families_and_grades() {
        let (set, grades) = materials_of("فولاد 42CrMo4، لاستیک NBR");
        assert!(set & material_bit(MaterialClass::Steel) != 0);
        assert!(set & material_bit(MaterialClass::Rubber) != 0);
        assert!(grades.contains(&"42crmo4".to_string()));
        assert!(grades.contains(&"nbr".to_string()));
        assert!(!grades.contains(&"فولاد".to_string()));
    }
}
