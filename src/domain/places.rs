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

/// ISO 3166 alpha-2 code, Persian and English name of the countries parts are imported from.
pub const COUNTRIES: &[(&str, &str, &str)] = &[
    ("DE", "آلمان", "Germany"),
    ("CN", "چین", "China"),
    ("IT", "ایتالیا", "Italy"),
    ("JP", "ژاپن", "Japan"),
    ("KR", "کره جنوبی", "South Korea"),
    ("US", "آمریکا", "United States"),
    ("TR", "ترکیه", "Turkey"),
    ("IN", "هند", "India"),
    ("FR", "فرانسه", "France"),
    ("GB", "بریتانیا", "United Kingdom"),
    ("SE", "سوئد", "Sweden"),
    ("CH", "سوئیس", "Switzerland"),
    ("RU", "روسیه", "Russia"),
    ("AE", "امارات", "United Arab Emirates"),
    ("AT", "اتریش", "Austria"),
    ("CZ", "چک", "Czechia"),
    ("ES", "اسپانیا", "Spain"),
    ("TW", "تایوان", "Taiwan"),
    ("BY", "بلاروس", "Belarus"),
    ("FI", "فنلاند", "Finland"),
    ("DK", "دانمارک", "Denmark"),
    ("NL", "هلند", "Netherlands"),
];

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

/// Parses a country typed as a code or a Persian or English name into its ISO code.
pub fn parse_country(input: &str) -> Option<&'static str> {
    let trimmed = input.trim();
    let key = normalize(trimmed);
    COUNTRIES
        .iter()
        .find(|(code, fa, en)| {
            code.eq_ignore_ascii_case(trimmed)
                || normalize(fa) == key
                || en.eq_ignore_ascii_case(trimmed)
        })
        .map(|(code, _, _)| *code)
}

/// Name of a country code in the given language (`fa` or `en`); unknown codes are shown as is.
pub fn country_name(code: &str, lang: &str) -> String {
    COUNTRIES
        .iter()
        .find(|(c, _, _)| *c == code)
        .map(|(_, fa, en)| if lang == "fa" { *fa } else { *en })
        .unwrap_or(code)
        .to_string()
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
}
