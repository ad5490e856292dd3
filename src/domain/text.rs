//! Persian/English text normalization shared by stored keys and search.
//!
//! People type the same Persian word many ways: Arabic or Persian yeh and kaf, teh marbuta or heh,
//! hamza-carrying alefs, diacritics, tatweel, presentation forms, ZWNJ or a space or nothing inside
//! compounds, and three digit systems. Everything that compares text (part-number keys, organization
//! name keys, the search analyzer) goes through [`fold_char`] so they all agree on one form.

use unicode_normalization::UnicodeNormalization;

/// What one input character becomes after folding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Folded {
    /// Keep this character (possibly replaced).
    Char(char),
    /// Drop it: diacritics, tatweel, joiners.
    Drop,
    /// A word separator (spaces of every kind, ZWNJ when splitting).
    Space,
}

/// Folds one character that has already been through NFKC.
///
/// ZWNJ and zero-width joiners are dropped (so "می‌شود" and "میشود" agree); callers that want ZWNJ
/// as a word boundary check for it before calling this.
pub fn fold_char(c: char) -> Folded {
    match c {
        // Arabic yeh and alef maksura -> Persian yeh; hamza on yeh as well.
        '\u{064A}' | '\u{0649}' | '\u{0626}' => Folded::Char('ی'),
        // Arabic kaf -> Persian keheh.
        '\u{0643}' => Folded::Char('ک'),
        // teh marbuta, heh with yeh above, heh goal -> heh.
        '\u{0629}' | '\u{06C0}' | '\u{06C1}' | '\u{06C2}' | '\u{06D5}' => Folded::Char('ه'),
        // Alef with madda, hamza above/below, wasla -> bare alef.
        '\u{0622}' | '\u{0623}' | '\u{0625}' | '\u{0671}' => Folded::Char('ا'),
        // Waw with hamza -> waw.
        '\u{0624}' => Folded::Char('و'),
        // Persian and Arabic-Indic digits -> ASCII.
        '\u{06F0}'..='\u{06F9}' => Folded::Char(char::from(b'0' + (c as u32 - 0x06F0) as u8)),
        '\u{0660}'..='\u{0669}' => Folded::Char(char::from(b'0' + (c as u32 - 0x0660) as u8)),
        // Arabic decimal separator; the thousands separator is dropped like a Latin comma in numbers.
        '\u{066B}' => Folded::Char('.'),
        '\u{066C}' => Folded::Drop,
        // Arabic comma, semicolon and question mark -> Latin punctuation.
        '\u{060C}' => Folded::Char(','),
        '\u{061B}' => Folded::Char(';'),
        '\u{061F}' => Folded::Char('?'),
        // Harakat, tanwin, superscript alef, hamza above/below as marks, tatweel.
        '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{0640}' => Folded::Drop,
        // Joiners and zero-width spaces inside words.
        '\u{200C}' | '\u{200D}' | '\u{200B}' | '\u{2060}' | '\u{FEFF}' => Folded::Drop,
        // Bidi controls are never content.
        '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => Folded::Drop,
        c if c.is_whitespace() => Folded::Space,
        c => Folded::Char(c),
    }
}

/// Normalizes text into its comparison form: NFKC, folded letters and digits, lower case, joiners
/// removed and runs of white space collapsed to one space.
pub fn normalize(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    let mut pending_space = false;
    for c in input.nfkc() {
        match fold_char(c) {
            Folded::Drop => {}
            Folded::Space => pending_space = !out.is_empty(),
            Folded::Char(c) => {
                if pending_space {
                    out.push(' ');
                    pending_space = false;
                }
                for l in c.to_lowercase() {
                    out.push(l);
                }
            }
        }
    }
    out
}

/// Like [`normalize`] but keeps only letters and digits: the key under which codes and names are
/// compared ("SKF 6205-2RS" and "skf۶۲۰۵ ۲rs" share the key "skf62052rs").
pub fn compact_key(input: &str) -> String {
    normalize(input)
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect()
}

/// Number of characters (not bytes), the unit every length limit in Niaz uses.
pub fn char_len(s: &str) -> usize {
    s.chars().count()
}

/// Trims and collapses white space without changing letters: how user text is stored.
pub fn clean(input: &str) -> String {
    input.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Characters a query parameter keeps as they are: RFC 3986's unreserved set.
const QUERY_VALUE: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Percent-encodes text for a query parameter or a `filename*` value.
pub fn url_encode(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, QUERY_VALUE).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants_fold_to_one_form() {
        let cases = [
            ("ياتاقان", "یاتاقان"),
            ("كاسه نمد", "کاسه نمد"),
            ("مهرهٔ", "مهره"),
            ("مهرۀ", "مهره"),
            ("آلومينيوم", "الومینیوم"),
            ("أسید", "اسید"),
            ("مُهرِه", "مهره"),
            ("پمـــپ", "پمپ"),
            ("می‌شود", "میشود"),
            ("۶۲۰۵", "6205"),
            ("٦٢٠٥", "6205"),
            ("۱٫۵", "1.5"),
            ("SKF  6205", "skf 6205"),
            ("\u{FEF3}\u{FEE4}\u{FEE8}", "یمن"),
            ("a\u{00A0}b", "a b"),
            ("ة", "ه"),
        ];
        let mut failed = Vec::new();
        for (input, want) in cases {
            let got = normalize(input);
            if got != want {
                failed.push(format!("{input:?}: got {got:?}, want {want:?}"));
            }
        }
        assert!(failed.is_empty(), "failing cases:\n{}", failed.join("\n"));
    }

    #[test]
    fn compact_key_ignores_separators() {
        assert_eq!(compact_key("6205-2RS"), "62052rs");
        assert_eq!(compact_key("۶۲۰۵ ۲RS"), "62052rs");
        assert_eq!(compact_key("8482.10.10"), "84821010");
    }

    #[test]
    fn length_counts_characters() {
        assert_eq!(char_len("یاتاقان"), 7);
        assert!("یاتاقان".len() > 7);
    }
}

/// Splits a text into plain parts and left-to-right runs — codes, numbers, dates and Latin
/// words such as `6206-2Z`, `35-52-7`, `2026-03-20` or `HTD 8M` — so each run can be isolated
/// when shown inside right-to-left text. Without isolation the bidirectional algorithm reads
/// numbers after Persian letters as Arabic numbers and shows `35-52-7` as `7-52-35`. Returns
/// (is a run, slice) pairs covering the whole text in order.
pub fn ltr_runs(text: &str) -> Vec<(bool, &str)> {
    fn core(c: char) -> bool {
        c.is_ascii_alphanumeric() || ('۰'..='۹').contains(&c) || ('٠'..='٩').contains(&c)
    }
    fn joiner(c: char) -> bool {
        matches!(
            c,
            '-' | '/' | '.' | ':' | '×' | '*' | '+' | '_' | ',' | '٬' | '٫'
        )
    }
    let mut out = Vec::new();
    let mut plain_start = 0;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        if !core(chars[i].1) {
            i += 1;
            continue;
        }
        let start = chars[i].0;
        let mut j = i;
        let mut end = i; // index of the last core char of the run
        while j < chars.len() {
            let c = chars[j].1;
            if core(c) {
                end = j;
                j += 1;
            } else if joiner(c) && chars.get(j + 1).is_some_and(|n| core(n.1)) {
                j += 1;
            } else {
                break;
            }
        }
        let stop = chars.get(end + 1).map_or(text.len(), |c| c.0);
        if start > plain_start {
            out.push((false, &text[plain_start..start]));
        }
        out.push((true, &text[start..stop]));
        plain_start = stop;
        i = end + 1;
    }
    if plain_start < text.len() {
        out.push((false, &text[plain_start..]));
    }
    out
}

/// Left-to-right isolate, and the mark that ends any isolate.
pub const LRI: char = '\u{2066}';
pub const FSI: char = '\u{2068}';
pub const PDI: char = '\u{2069}';

/// Plain text (a mail, a subject line) with each run of [`ltr_runs`] wrapped in left-to-right
/// isolates, and the whole in a first-strong isolate: it reads right in a Persian and in an
/// English sentence alike, where no `<bdi>` can be used.
pub fn isolate_plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    out.push(FSI);
    for (run, part) in ltr_runs(text) {
        if run {
            out.push(LRI);
            out.push_str(part);
            out.push(PDI);
        } else {
            out.push_str(part);
        }
    }
    out.push(PDI);
    out
}

#[cfg(test)]
mod ltr_tests {
    use super::{isolate_plain, ltr_runs};

    fn runs(text: &str) -> Vec<&str> {
        ltr_runs(text)
            .into_iter()
            .filter(|(run, _)| *run)
            .map(|(_, s)| s)
            .collect()
    }

    #[test]
    fn codes_numbers_and_dates_are_runs_and_sentence_punctuation_is_not() {
        assert_eq!(runs("بلبرینگ 6206-2Z برای پمپ."), ["6206-2Z"]);
        assert_eq!(runs("تسمه 35-52-7"), ["35-52-7"]);
        assert_eq!(runs("تا 2026-03-20، لطفاً"), ["2026-03-20"]);
        assert_eq!(runs("قطر ۵۰ و طول ۱۲۰."), ["۵۰", "۱۲۰"]);
        assert_eq!(runs("ابعاد 45x62x8 و ۴۵×۶۲×۸"), ["45x62x8", "۴۵×۶۲×۸"]);
        assert_eq!(runs("بدون کد"), Vec::<&str>::new());
        let all: String = ltr_runs("تسمه تایم HTD 8M-1200-30.")
            .into_iter()
            .map(|(_, s)| s)
            .collect();
        assert_eq!(all, "تسمه تایم HTD 8M-1200-30.", "nothing is lost");
    }

    #[test]
    fn plain_text_is_isolated_with_marks() {
        assert_eq!(
            isolate_plain("بلبرینگ 6206-2Z"),
            "\u{2068}بلبرینگ \u{2066}6206-2Z\u{2069}\u{2069}"
        );
        assert_eq!(isolate_plain(""), "\u{2068}\u{2069}");
    }
}
