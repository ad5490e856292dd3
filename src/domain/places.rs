//! Places and countries with their Persian and English names.
//!
//! Cities and provinces are stored as the Persian names firms write; these tables give the English
//! name for English pages and the canonical spelling for facets. Unknown places are shown as written.

use super::text::{compact_key, normalize};

/// (Persian, English) names of provinces.
pub const PROVINCES: &[(&str, &str)] = &[
    ("آذربایجان شرقی", "East Azerbaijan"),
    ("آذربایجان غربی", "West Azerbaijan"),
    ("اردبیل", "Ardabil"),
    ("زنجان", "Zanjan"),
    ("تهران", "Tehran"),
    ("اصفهان", "Isfahan"),
    ("خراسان رضوی", "Razavi Khorasan"),
    ("فارس", "Fars"),
    ("مرکزی", "Markazi"),
    ("قزوین", "Qazvin"),
];

/// (Persian, English) names of cities, East Azerbaijan first.
pub const CITIES: &[(&str, &str)] = &[
    ("تبریز", "Tabriz"),
    ("مراغه", "Maragheh"),
    ("مرند", "Marand"),
    ("میانه", "Mianeh"),
    ("اهر", "Ahar"),
    ("بناب", "Bonab"),
    ("سراب", "Sarab"),
    ("شبستر", "Shabestar"),
    ("هشترود", "Hashtrood"),
    ("عجب‌شیر", "Ajabshir"),
    ("آذرشهر", "Azarshahr"),
    ("جلفا", "Jolfa"),
    ("بستان‌آباد", "Bostanabad"),
    ("ملکان", "Malekan"),
    ("هریس", "Heris"),
    ("سهند", "Sahand"),
    ("اسکو", "Osku"),
    ("تهران", "Tehran"),
    ("اراک", "Arak"),
    ("اصفهان", "Isfahan"),
];

/// A country of ISO 3166-1: its codes, its Persian and English names, and other names people
/// write for it.
#[derive(Debug)]
pub struct Country {
    pub code: &'static str,
    pub alpha3: &'static str,
    pub fa: &'static str,
    pub en: &'static str,
    aliases: Vec<&'static str>,
}

/// Every country (`countries.tsv`, read once).
pub fn countries() -> &'static [Country] {
    static TABLE: std::sync::OnceLock<Vec<Country>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        include_str!("countries.tsv")
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .map(|l| {
                let mut f = l.split('\t');
                let mut next = || f.next().unwrap_or_default();
                let (code, alpha3, fa, en) = (next(), next(), next(), next());
                let aliases = next().split(';').filter(|a| !a.is_empty()).collect();
                Country {
                    code,
                    alpha3,
                    fa,
                    en,
                    aliases,
                }
            })
            .collect()
    })
}

/// Letters only, folded: "ایالات‌متحده", "ایالات متحده" and "U.S." compare by their letters.
fn country_key(s: &str) -> String {
    compact_key(&normalize(s)).to_lowercase()
}

fn lookup<'a>(table: &'a [(&'a str, &'a str)], name: &str) -> Option<&'a (&'a str, &'a str)> {
    // Compare letters only: "عجب شیر", "عجب‌شیر" and "عجبشیر" are one city.
    let key = compact_key(name);
    table
        .iter()
        .find(|(fa, en)| compact_key(fa) == key || en.eq_ignore_ascii_case(name.trim()))
}

/// The canonical Persian spelling of a known city or province, or the cleaned input.
pub fn canonical_place(name: &str) -> String {
    lookup(CITIES, name)
        .or_else(|| lookup(PROVINCES, name))
        .map(|(fa, _)| fa.to_string())
        .unwrap_or_else(|| super::text::clean(name))
}

/// The English name of a known place, or the name as stored.
pub fn place_en(name: &str) -> String {
    lookup(CITIES, name)
        .or_else(|| lookup(PROVINCES, name))
        .map(|(_, en)| en.to_string())
        .unwrap_or_else(|| name.to_string())
}

/// Parses a country typed as an ISO code (alpha-2 or alpha-3) or a Persian or English name
/// (or another name people write, such as «انگلستان» or "Holland") into its alpha-2 code.
pub fn parse_country(input: &str) -> Option<&'static str> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return None;
    }
    let key = country_key(trimmed);
    countries()
        .iter()
        .find(|c| {
            c.code.eq_ignore_ascii_case(trimmed)
                || c.alpha3.eq_ignore_ascii_case(trimmed)
                || country_key(c.fa) == key
                || country_key(c.en) == key
                || c.aliases.iter().any(|a| country_key(a) == key)
        })
        .map(|c| c.code)
}

/// Name of a country code in the given language (`fa` or `en`); unknown codes are shown as is.
pub fn country_name(code: &str, lang: &str) -> String {
    countries()
        .iter()
        .find(|c| c.code == code)
        .map(|c| if lang == "fa" { c.fa } else { c.en })
        .unwrap_or(code)
        .to_string()
}

/// The province of a known city (the province of East Azerbaijan's cities, and of the few
/// others listed), or `None`.
pub fn province_of(city: &str) -> Option<&'static str> {
    let (fa, _) = lookup(CITIES, city)?;
    Some(match *fa {
        "تهران" => "تهران",
        "اراک" => "مرکزی",
        "اصفهان" => "اصفهان",
        _ => "آذربایجان شرقی",
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_match_messy_spellings() {
        assert_eq!(canonical_place("tabriz"), "تبریز");
        assert_eq!(canonical_place("عجب شیر "), "عجب‌شیر");
        assert_eq!(canonical_place("عجبشیر"), "عجب‌شیر");
        assert_eq!(place_en("مراغه"), "Maragheh");
        assert_eq!(parse_country("آلمان"), Some("DE"));
        assert_eq!(parse_country("de"), Some("DE"));
        assert_eq!(parse_country("Germany"), Some("DE"));
        assert_eq!(country_name("CN", "fa"), "چین");
    }

    /// The import refused Belgium, Australia, Chile and Ukraine: every country of ISO 3166 is
    /// known, by its codes and by the names people write in both languages.
    #[test]
    fn every_country_by_code_and_name() {
        assert!(countries().len() >= 249);
        for (typed, code) in [
            ("Belgium", "BE"),
            ("بلژیک", "BE"),
            ("استرالیا", "AU"),
            ("Australia", "AU"),
            ("chile", "CL"),
            ("شیلی", "CL"),
            ("Ukraine", "UA"),
            ("اوکراين", "UA"),
            ("UKR", "UA"),
            ("انگلستان", "GB"),
            ("England", "GB"),
            ("آمریکا", "US"),
            ("امریکا", "US"),
            ("United States of America", "US"),
            ("ایالات‌متحده", "US"),
            ("Holland", "NL"),
            ("Turkey", "TR"),
            ("ترکیه", "TR"),
            ("کره", "KR"),
            ("Côte d'Ivoire", "CI"),
            ("be", "BE"),
        ] {
            assert_eq!(parse_country(typed), Some(code), "{typed}");
        }
        assert_eq!(parse_country("Atlantis"), None);
        assert_eq!(parse_country(""), None);
        assert_eq!(country_name("BE", "fa"), "بلژیک");
        assert_eq!(country_name("UA", "en"), "Ukraine");
        // Every row is whole and every code is unique.
        let mut codes: Vec<&str> = countries().iter().map(|c| c.code).collect();
        assert!(countries().iter().all(|c| c.code.len() == 2
            && c.alpha3.len() == 3
            && !c.fa.is_empty()
            && !c.en.is_empty()));
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), countries().len());
    }
}
