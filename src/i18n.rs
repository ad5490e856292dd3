//! Languages, the UI string table and locale-aware formatting of numbers, money and dates.
//!
//! The words live in Fluent message files, one per language (`src/i18n/fa.ftl`, `en.ftl`), so a
//! translator edits text files, plurals and placeholders are written in the message itself, and a
//! third language is a new file and a new [`Lang`]. Code and templates name messages by dotted
//! keys (`status.published`), which map to Fluent ids (`status-published`). A test checks that
//! every language has every key. Numbers given to a message are shown in the language's digits.
//! Persian pages use Persian digits and Jalali dates; codes (part numbers, HS codes, emails) are
//! never passed through these formatters and so keep Latin digits.

use std::sync::LazyLock;

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Fa,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Fa => "fa",
            Lang::En => "en",
        }
    }

    pub fn dir(self) -> &'static str {
        match self {
            Lang::Fa => "rtl",
            Lang::En => "ltr",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s.trim() {
            "fa" => Some(Lang::Fa),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    pub fn other(self) -> Self {
        match self {
            Lang::Fa => Lang::En,
            Lang::En => Lang::Fa,
        }
    }
}

type Bundle = fluent_bundle::bundle::FluentBundle<
    fluent_bundle::FluentResource,
    intl_memoizer::concurrent::IntlLangMemoizer,
>;

/// The message file of a language.
fn source(lang: Lang) -> &'static str {
    match lang {
        Lang::Fa => include_str!("i18n/fa.ftl"),
        Lang::En => include_str!("i18n/en.ftl"),
    }
}

/// Numbers in a message are written as the language writes them (grouped, Persian digits in
/// Persian), never in Fluent's default Latin form.
fn number_formatter(
    lang: Lang,
) -> fn(&fluent_bundle::FluentValue, &intl_memoizer::concurrent::IntlLangMemoizer) -> Option<String>
{
    fn fa(
        v: &fluent_bundle::FluentValue,
        _: &intl_memoizer::concurrent::IntlLangMemoizer,
    ) -> Option<String> {
        match v {
            fluent_bundle::FluentValue::Number(n) => Some(format_number(n.value as i64, Lang::Fa)),
            _ => None,
        }
    }
    fn en(
        v: &fluent_bundle::FluentValue,
        _: &intl_memoizer::concurrent::IntlLangMemoizer,
    ) -> Option<String> {
        match v {
            fluent_bundle::FluentValue::Number(n) => Some(format_number(n.value as i64, Lang::En)),
            _ => None,
        }
    }
    match lang {
        Lang::Fa => fa,
        Lang::En => en,
    }
}

fn bundle(lang: Lang) -> Bundle {
    let id: unic_langid::LanguageIdentifier = lang.code().parse().expect("a language code");
    let mut bundle = Bundle::new_concurrent(vec![id]);
    // Direction is handled by the pages (`<bdi>`, `dir="auto"`), so no invisible isolation
    // marks are added around placeables.
    bundle.set_use_isolating(false);
    bundle.set_formatter(Some(number_formatter(lang)));
    let resource = fluent_bundle::FluentResource::try_new(source(lang).to_string())
        .unwrap_or_else(|(_, errors)| panic!("{} messages do not parse: {errors:?}", lang.code()));
    bundle
        .add_resource(resource)
        .unwrap_or_else(|errors| panic!("{} messages repeat ids: {errors:?}", lang.code()));
    bundle
}

static BUNDLES: LazyLock<[Bundle; 2]> = LazyLock::new(|| [bundle(Lang::Fa), bundle(Lang::En)]);

fn bundle_of(lang: Lang) -> &'static Bundle {
    &BUNDLES[match lang {
        Lang::Fa => 0,
        Lang::En => 1,
    }]
}

/// The Fluent id of a dotted key.
fn message_id(key: &str) -> String {
    key.replace('.', "-")
}

/// A message argument: a number (which selects plural forms and is written in the language's
/// digits) or text.
#[derive(Debug, Clone)]
pub enum Arg {
    Number(i64),
    Text(String),
}

impl From<i64> for Arg {
    fn from(n: i64) -> Self {
        Arg::Number(n)
    }
}

impl From<usize> for Arg {
    fn from(n: usize) -> Self {
        Arg::Number(i64::try_from(n).unwrap_or(i64::MAX))
    }
}

impl From<&str> for Arg {
    fn from(s: &str) -> Self {
        Arg::Text(s.to_string())
    }
}

impl From<String> for Arg {
    fn from(s: String) -> Self {
        Arg::Text(s)
    }
}

/// The message `key` with its arguments, or `None` for an unknown key.
pub fn message(lang: Lang, key: &str, args: &[(&str, Arg)]) -> Option<String> {
    let bundle = bundle_of(lang);
    let msg = bundle.get_message(&message_id(key))?;
    let pattern = msg.value()?;
    let mut fargs = fluent_bundle::FluentArgs::new();
    for (name, value) in args {
        match value {
            Arg::Number(n) => fargs.set(*name, *n),
            Arg::Text(t) => fargs.set(*name, t.clone()),
        }
    }
    let mut errors = Vec::new();
    let text = bundle.format_pattern(pattern, Some(&fargs), &mut errors);
    if !errors.is_empty() {
        tracing::warn!(key, ?errors, "a message was formatted with errors");
    }
    Some(text.into_owned())
}

/// The translation of `key`, or `None` for an unknown key.
pub fn lookup(lang: Lang, key: &str) -> Option<String> {
    message(lang, key, &[])
}

/// The translation of `key`; unknown keys come back as the key itself so a page still renders,
/// and the template test catches them.
pub fn t(lang: Lang, key: &str) -> String {
    lookup(lang, key).unwrap_or_else(|| key.to_string())
}

/// The translation of `key` with arguments (see [`message`]).
pub fn t_with(lang: Lang, key: &str, args: &[(&str, Arg)]) -> String {
    message(lang, key, args).unwrap_or_else(|| key.to_string())
}

/// Every key of a language's messages, dotted as code names them.
pub fn keys_of(lang: Lang) -> Vec<String> {
    let resource =
        fluent_bundle::FluentResource::try_new(source(lang).to_string()).unwrap_or_else(|(r, _)| r);
    resource
        .entries()
        .filter_map(|e| match e {
            fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.replacen('-', ".", 1)),
            _ => None,
        })
        .collect()
}

/// All known keys (of the first language), for tests.
pub fn keys() -> impl Iterator<Item = String> {
    keys_of(Lang::Fa).into_iter()
}

/// Replaces Latin digits with Persian ones (for numbers and dates only, never codes).
pub fn fa_digits(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '0'..='9' => char::from_u32(0x06F0 + (c as u32 - '0' as u32)).unwrap_or(c),
            '.' => '٫',
            ',' => '٬',
            c => c,
        })
        .collect()
}

fn group_thousands(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A whole number with thousands separators in the language's digits.
pub fn format_number(n: i64, lang: Lang) -> String {
    let mut s = group_thousands(&n.unsigned_abs().to_string());
    if n < 0 {
        s.insert(0, '-');
    }
    match lang {
        Lang::Fa => fa_digits(&s),
        Lang::En => s,
    }
}

/// An amount in minor units, shown in major units (decimals only when there are any).
pub fn format_amount(minor: i64, currency: crate::domain::money::Currency, lang: Lang) -> String {
    let plain = crate::domain::money::format_plain(minor, currency);
    let (sign, unsigned) = match plain.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", plain.as_str()),
    };
    let (whole, frac) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let mut s = format!("{sign}{}", group_thousands(whole));
    if frac.bytes().any(|b| b != b'0') {
        s.push('.');
        s.push_str(frac);
    }
    match lang {
        Lang::Fa => format!("{} {}", fa_digits(&s), currency_name(currency, lang)),
        Lang::En => format!("{} {}", currency.code(), s),
    }
}

/// An amount rounded to whole major units: annual values are estimates, cents are noise there.
pub fn format_amount_whole(
    minor: i64,
    currency: crate::domain::money::Currency,
    lang: Lang,
) -> String {
    let per = currency.minor_per_major();
    let rounded = (minor + per / 2).div_euclid(per) * per;
    format_amount(rounded, currency, lang)
}

/// A large amount rounded for headlines: "۴٫۲ میلیون دلار", "USD 4.2 million".
pub fn format_amount_short(
    minor: i64,
    currency: crate::domain::money::Currency,
    lang: Lang,
) -> String {
    let major = minor as f64 / currency.minor_per_major() as f64;
    let (value, unit_key) = if major >= 1e9 {
        (major / 1e9, "unit.billion")
    } else if major >= 1e6 {
        (major / 1e6, "unit.million")
    } else if major >= 1e3 {
        (major / 1e3, "unit.thousand")
    } else {
        (major, "")
    };
    let mut num = format!("{value:.1}");
    if num.ends_with(".0") {
        num.truncate(num.len() - 2);
    }
    let unit = if unit_key.is_empty() {
        String::new()
    } else {
        format!(" {}", t(lang, unit_key))
    };
    match lang {
        Lang::Fa => format!(
            "{}{unit} {}",
            fa_digits(&num),
            currency_name(currency, lang)
        ),
        Lang::En => format!("{} {num}{unit}", currency.code()),
    }
}

pub fn currency_name(currency: crate::domain::money::Currency, lang: Lang) -> String {
    t(lang, &format!("currency.{}", currency.code()))
}

const FA_MONTHS: [&str; 12] = [
    "فروردین",
    "اردیبهشت",
    "خرداد",
    "تیر",
    "مرداد",
    "شهریور",
    "مهر",
    "آبان",
    "آذر",
    "دی",
    "بهمن",
    "اسفند",
];

const EN_MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// (year, month, day) of a Gregorian date in the Solar Hijri (Jalali) calendar.
pub fn to_jalali(date: NaiveDate) -> Option<(i32, u8, u8)> {
    let iso =
        icu_calendar::Date::try_new_iso(date.year(), date.month() as u8, date.day() as u8).ok()?;
    let persian = iso.to_calendar(icu_calendar::cal::Persian);
    Some((
        persian.year().extended_year(),
        persian.month().ordinal,
        persian.day_of_month().0,
    ))
}

/// A date as people read it: "۵ آذر ۱۴۰۵" in Persian, "26 Nov 2026" in English.
pub fn format_date(date: NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::Fa => match to_jalali(date) {
            Some((y, m, d)) => fa_digits(&format!("{d} {} {y}", FA_MONTHS[m as usize - 1])),
            None => fa_digits(&date.to_string()),
        },
        Lang::En => format!(
            "{} {} {}",
            date.day(),
            EN_MONTHS[date.month0() as usize],
            date.year()
        ),
    }
}

/// The month of a date, as a sortable key and a label: ("1405-09", "آذر ۱۴۰۵") in Persian
/// (Jalali months), ("2026-11", "Nov 2026") in English.
pub fn month_of(date: NaiveDate, lang: Lang) -> (String, String) {
    match (lang, to_jalali(date)) {
        (Lang::Fa, Some((y, m, _))) => (
            format!("{y}-{m:02}"),
            fa_digits(&format!("{} {y}", FA_MONTHS[m as usize - 1])),
        ),
        _ => (
            format!("{}-{:02}", date.year(), date.month()),
            format!("{} {}", EN_MONTHS[date.month0() as usize], date.year()),
        ),
    }
}

/// A short numeric date: "۱۴۰۵/۰۹/۰۵" or "2026-11-26".
pub fn format_date_numeric(date: NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::Fa => match to_jalali(date) {
            Some((y, m, d)) => fa_digits(&format!("{y}/{m:02}/{d:02}")),
            None => fa_digits(&date.to_string()),
        },
        Lang::En => date.to_string(),
    }
}

/// Timestamps are stored in UTC and shown on Iran Standard Time (UTC+03:30, no daylight saving
/// since 2022), where the exhibition takes place.
pub fn local_date(ts: NaiveDateTime) -> NaiveDate {
    (ts + chrono::Duration::minutes(210)).date()
}

/// The UTC moment a local date begins (the inverse of [`local_date`]).
pub fn local_day_start(date: NaiveDate) -> NaiveDateTime {
    date.and_time(chrono::NaiveTime::MIN) - chrono::Duration::minutes(210)
}

/// A moment as people read it where the hour matters (service levels): "۵ آذر ۱۴۰۵، ۲۳:۱۰"
/// or "26 Nov 2026, 23:10", in the province's time.
pub fn format_datetime(ts: NaiveDateTime, lang: Lang) -> String {
    let local = ts + chrono::Duration::minutes(210);
    let time = local.format("%H:%M").to_string();
    match lang {
        Lang::Fa => format!("{}، {}", format_date(local.date(), lang), fa_digits(&time)),
        Lang::En => format!("{}, {time}", format_date(local.date(), lang)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::money::Currency;

    /// A code or date inside a Persian message (`8482.10.10`, `2026-09-22`) is wrapped in
    /// left-to-right isolates (U+2066 … U+2069), so it reads left to right wherever the message
    /// goes: pages, help texts, mails.
    #[test]
    fn codes_and_dates_in_persian_messages_are_isolated() {
        for line in source(Lang::Fa).lines() {
            let Some((id, value)) = line.split_once(" = ") else {
                continue;
            };
            for (run, part) in crate::domain::text::ltr_runs(value) {
                if !run || !part.contains(['-', '/', '.', ':', '×', ',', '٬', '٫']) {
                    continue;
                }
                let at = part.as_ptr() as usize - value.as_ptr() as usize;
                assert!(
                    value[..at].ends_with('\u{2066}')
                        && value[at + part.len()..].starts_with('\u{2069}'),
                    "{id}: {part} is not isolated"
                );
            }
        }
    }

    #[test]
    fn jalali_dates() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        assert_eq!(to_jalali(d), Some((1405, 9, 5)));
        assert_eq!(format_date(d, Lang::Fa), "۵ آذر ۱۴۰۵");
        assert_eq!(format_date(d, Lang::En), "26 Nov 2026");
        let nowruz = NaiveDate::from_ymd_opt(2025, 3, 21).unwrap();
        assert_eq!(to_jalali(nowruz), Some((1404, 1, 1)));
        assert_eq!(format_date_numeric(nowruz, Lang::Fa), "۱۴۰۴/۰۱/۰۱");
    }

    #[test]
    fn numbers_and_money() {
        assert_eq!(format_number(1_234_567, Lang::Fa), "۱٬۲۳۴٬۵۶۷");
        assert_eq!(format_number(1_234_567, Lang::En), "1,234,567");
        assert_eq!(format_number(12, Lang::En), "12");
        assert_eq!(
            format_amount(125_050, Currency::Usd, Lang::En),
            "USD 1,250.50"
        );
        assert_eq!(format_amount(125_000, Currency::Usd, Lang::Fa), "۱٬۲۵۰ دلار");
        assert_eq!(
            format_amount_whole(125_050, Currency::Usd, Lang::En),
            "USD 1,251"
        );
        assert_eq!(
            format_amount_whole(125_049, Currency::Usd, Lang::En),
            "USD 1,250"
        );
        assert_eq!(
            format_amount_short(420_000_000, Currency::Eur, Lang::En),
            "EUR 4.2 million"
        );
        assert_eq!(
            format_amount_short(420_000_000, Currency::Eur, Lang::Fa),
            "۴٫۲ میلیون یورو"
        );
    }

    #[test]
    fn every_message_is_translated_and_plurals_agree() {
        for lang in [Lang::Fa, Lang::En] {
            for key in keys_of(lang) {
                let text = t(lang, &key);
                assert!(!text.trim().is_empty(), "empty text for {key} in {lang:?}");
            }
        }
        let count = |lang, n: i64| t_with(lang, "catalogue.count", &[("n", Arg::Number(n))]);
        assert_eq!(count(Lang::En, 1), "1 need");
        assert_eq!(count(Lang::En, 2), "2 needs");
        assert_eq!(count(Lang::En, 12_500), "12,500 needs");
        assert_eq!(count(Lang::Fa, 12_500), "۱۲٬۵۰۰ نیاز");
        assert_eq!(
            t_with(Lang::En, "search.results_for", &[("q", "6205-2RS".into())]),
            "Results for “6205-2RS”"
        );
    }
}
