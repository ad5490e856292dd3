//! Text analysis for Persian and English, shared by indexing and querying.
//!
//! Every token keeps byte offsets into the original text, so highlighted snippets land on the
//! characters the user typed even though the token itself is folded (see [`crate::domain::text`]).
//! Steps: fold characters (NFKC, letter variants, digits, diacritics, tatweel, joiners), split on
//! spaces and punctuation, reattach affixes typed as separate words ("کتاب ها", "می شود"), then a
//! light, lexicon-guarded stemmer that never merges different words.

use std::collections::HashSet;
use std::sync::LazyLock;

use unicode_normalization::UnicodeNormalization;

use crate::domain::text::{fold_char, normalize, Folded};

/// A token: folded text and where it came from in the original string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tok {
    pub text: String,
    pub from: usize,
    pub to: usize,
}

/// The lexicon is looked up for nearly every token; it is fixed at build time, so a fast
/// non-keyed hasher is safe here and SipHash's DoS resistance would buy nothing.
type Lexicon = HashSet<String, rustc_hash::FxBuildHasher>;

static LEXICON: LazyLock<Lexicon> = LazyLock::new(|| {
    include_str!("lexicon.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|w| normalize(w).replace(' ', ""))
        .collect()
});

/// Suffixes typed as separate words (or after a ZWNJ) that belong to the previous word.
const DETACHED_SUFFIXES: &[&str] = &["ها", "های", "هایی", "ای", "ی", "تر", "ترین", "ام", "اش"];
/// Whether a word typed apart is a suffix of the word before it ("پروانه ای").
pub fn is_detached_suffix(word: &str) -> bool {
    DETACHED_SUFFIXES.contains(&normalize(word).as_str())
}

/// Verb prefixes typed as separate words that belong to the next word.
const DETACHED_PREFIXES: &[&str] = &["می", "نمی"];

/// Function words a query does not require (they still count for ranking).
pub const STOP_WORDS: &[&str] = &[
    "و", "در", "به", "از", "که", "را", "با", "برای", "این", "ان", "یا", "تا", "بر", "هم", "نیز",
    "اما", "است", "هست", "یک", "the", "a", "an", "of", "for", "and", "or", "in", "on", "to",
    "with",
];

pub fn is_stop_word(token: &str) -> bool {
    STOP_WORDS.contains(&token)
}

fn is_persian_word(s: &str) -> bool {
    s.chars().all(|c| ('\u{0600}'..='\u{06FF}').contains(&c))
}

/// Whether NFKC can change this character in a way folding does not already cover. ASCII and the
/// Arabic block are left alone (their combining marks are dropped by folding anyway), which keeps
/// the common path free of the normalizer's per-character state machine.
fn needs_nfkc(c: char) -> bool {
    !(c.is_ascii()
        || ('\u{0600}'..='\u{0674}').contains(&c)
        || ('\u{0679}'..='\u{06FF}').contains(&c))
}

/// Letters of the Arabic block (after folding, digits there are already Latin).
fn is_arabic_letter(c: char) -> bool {
    matches!(c, '\u{0621}'..='\u{063A}' | '\u{0641}'..='\u{064A}' | '\u{066E}'..='\u{06D3}' | '\u{06FA}'..='\u{06FF}')
}

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || is_arabic_letter(c) || (!c.is_ascii() && c.is_alphanumeric())
}

/// Splits text into folded tokens with offsets into `text`. No stemming.
pub fn tokenize(text: &str) -> Vec<Tok> {
    let mut out: Vec<Tok> = Vec::new();
    let mut cur = String::new();
    let mut start = 0;
    let mut end = 0;
    let mut iter = text.char_indices().peekable();
    let flush = |cur: &mut String, start: usize, end: usize, out: &mut Vec<Tok>| {
        if !cur.is_empty() {
            out.push(Tok {
                text: std::mem::take(cur),
                from: start,
                to: end,
            });
        }
    };
    let mut expanded: Vec<char> = Vec::new();
    while let Some((idx, c)) = iter.next() {
        expanded.clear();
        if needs_nfkc(c) {
            expanded.extend(std::iter::once(c).nfkc());
        } else {
            expanded.push(c);
        }
        let mut boundary = false;
        for &fc in &expanded {
            match fold_char(fc) {
                Folded::Drop => {}
                Folded::Space => boundary = true,
                // "45x62x8" is written as "45×62×8" and "45*62*8" too: the x is a separator.
                Folded::Char('x')
                    if cur.ends_with(|l: char| l.is_ascii_digit())
                        && iter.peek().is_some_and(
                            |(_, n)| matches!(fold_char(*n), Folded::Char(d) if d.is_ascii_digit()),
                        ) =>
                {
                    boundary = true;
                }
                Folded::Char(ch) if is_word_char(ch) => {
                    // Persian glued to Latin or digits ("پمپGrundfos", "واشرM12") is two words.
                    if cur
                        .chars()
                        .last()
                        .is_some_and(|l| is_arabic_letter(l) != is_arabic_letter(ch))
                    {
                        flush(&mut cur, start, end, &mut out);
                    }
                    if cur.is_empty() {
                        start = idx;
                    }
                    if ch.is_ascii() {
                        cur.push(ch.to_ascii_lowercase());
                    } else if is_arabic_letter(ch) {
                        // Arabic script has no case: skip the Unicode case tables.
                        cur.push(ch);
                    } else {
                        cur.extend(ch.to_lowercase());
                    }
                    end = idx + c.len_utf8();
                }
                // A decimal point between digits stays inside the number: 10.2, ۱۰٫۲.
                Folded::Char('.')
                    if cur.ends_with(|l: char| l.is_ascii_digit())
                        && iter.peek().is_some_and(
                            |(_, n)| matches!(fold_char(*n), Folded::Char(d) if d.is_ascii_digit()),
                        ) =>
                {
                    cur.push('.');
                }
                Folded::Char(_) => boundary = true,
            }
        }
        if boundary {
            flush(&mut cur, start, end, &mut out);
        }
    }
    flush(&mut cur, start, end, &mut out);
    reattach_affixes(text, out)
}

/// Joins "کتاب ها" into "کتابها" and "می شود" into "میشود", the forms ZWNJ or nothing give.
fn reattach_affixes(text: &str, tokens: Vec<Tok>) -> Vec<Tok> {
    let mut out: Vec<Tok> = Vec::with_capacity(tokens.len());
    let mut pending_prefix: Option<Tok> = None;
    for tok in tokens {
        let adjacent_to = |prev: &Tok| {
            text.get(prev.to..tok.from)
                .is_some_and(|gap| gap.chars().all(|c| c.is_whitespace() || c == '\u{200C}'))
        };
        if let Some(prefix) = pending_prefix.take() {
            if adjacent_to(&prefix) && is_persian_word(&tok.text) {
                out.push(Tok {
                    text: format!("{}{}", prefix.text, tok.text),
                    from: prefix.from,
                    to: tok.to,
                });
                continue;
            }
            out.push(prefix);
        }
        if DETACHED_SUFFIXES.contains(&tok.text.as_str()) {
            if let Some(prev) = out.last_mut() {
                if adjacent_to(prev) && is_persian_word(&prev.text) {
                    prev.text.push_str(&tok.text);
                    prev.to = tok.to;
                    continue;
                }
            }
        }
        if DETACHED_PREFIXES.contains(&tok.text.as_str()) {
            pending_prefix = Some(tok);
            continue;
        }
        out.push(tok);
    }
    if let Some(prefix) = pending_prefix {
        out.push(prefix);
    }
    out
}

fn in_lexicon(word: &str) -> bool {
    LEXICON.contains(word)
}

/// Agent nouns and words ending in a long vowel, from hazm's lexicon (`lexicon-hazm.txt`).
static AGENTS_AND_VOWELS: LazyLock<Lexicon> = LazyLock::new(|| {
    include_str!("lexicon-hazm.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|w| normalize(w).replace(' ', ""))
        .collect()
});

/// Endings of agent and occupation nouns, whose plural is in -ان (کارگر، پیمانکار، خریدار).
const AGENT_ENDINGS: &[&str] = &["گر", "کار", "دار", "چی", "بان", "ساز", "نده"];

/// Plural -ان of an agent noun, and ezafe -ی after a long vowel: the stem, when it is a known
/// word of its kind. Other words ending in -ان (سیمان، باران) or -ی (قوی) are left alone.
fn agent_plural_or_vowel_ezafe(word: &str) -> Option<String> {
    let known = |w: &str| AGENTS_AND_VOWELS.contains(w) || in_lexicon(w);
    if let Some(base) = word.strip_suffix("گان") {
        let agent = format!("{base}ه");
        if agent.ends_with("نده") && known(&agent) {
            return Some(agent);
        }
    }
    if let Some(base) = word.strip_suffix("ان") {
        if AGENT_ENDINGS.iter().any(|e| base.ends_with(e)) && known(base) {
            return Some(base.to_string());
        }
    }
    if let Some(base) = word.strip_suffix('ی') {
        if (base.ends_with('و') || base.ends_with('ا')) && AGENTS_AND_VOWELS.contains(base) {
            return Some(base.to_string());
        }
    }
    None
}

/// Light stemming: plural and ezafe suffixes come off only when that cannot merge two different
/// words. "ها" is always a plural; the others need the remaining stem to be a known word.
pub fn stem(word: &str) -> String {
    let mut w = word.to_string();
    stem_in_place(&mut w);
    w
}

/// [`stem`] without allocating: suffixes are cut off the token's own buffer.
pub fn stem_in_place(word: &mut String) {
    if word.len() < 5 || in_lexicon(word) {
        // Fewer than five bytes is at most two Persian letters or four Latin ones.
        return;
    }
    if !is_persian_word(word) {
        stem_english(word);
        return;
    }
    if word.chars().count() < 3 {
        return;
    }
    for suffix in ["هایی", "های", "ها"] {
        if let Some(base) = word.strip_suffix(suffix) {
            if base.chars().count() >= 2 {
                let len = base.len();
                word.truncate(len);
                return;
            }
        }
    }
    for suffix in ["ترین", "تر", "ان", "ی", "ای"] {
        if let Some(base) = word.strip_suffix(suffix) {
            if in_lexicon(base) {
                let len = base.len();
                word.truncate(len);
                return;
            }
        }
    }
    if let Some(stem) = agent_plural_or_vowel_ezafe(word) {
        *word = stem;
        return;
    }
    // Arabic plurals in ات: قطعات -> قطعه, تجهیزات -> تجهیز.
    if let Some(base) = word.strip_suffix("ات") {
        let len = base.len();
        let with_heh = format!("{base}ه");
        if in_lexicon(&with_heh) {
            *word = with_heh;
        } else if in_lexicon(base) {
            word.truncate(len);
        }
    }
}

/// English plural "s" (bearings, valves) but not "ss" (press) or short words (gas).
fn stem_english(word: &mut String) {
    let is_ascii_word = word.bytes().all(|c| c.is_ascii_lowercase());
    if is_ascii_word && word.len() > 4 && word.ends_with('s') && !word.ends_with("ss") {
        word.pop();
    }
}

/// Tokens with stems: what the text fields index and what queries look up.
pub fn analyze(text: &str) -> Vec<Tok> {
    let mut tokens = tokenize(text);
    for t in &mut tokens {
        stem_in_place(&mut t.text);
    }
    tokens
}

/// What a text token is also found by, at index time only: the letter and number parts of a
/// code glued into a word ("nsk6308" is also "nsk" and "6308"; "dsnu25" also "dsnu", "25"), and
/// for a dotted number shaped like an HS code ("7318.15.90") its digits ("73181590") and its
/// heading and subheading ("7318", "731815"), as the `hs_code` field is found.
pub fn index_variants(token: &str) -> Vec<String> {
    let mut out = Vec::new();
    if token.contains('.') {
        let groups: Vec<&str> = token.split('.').collect();
        let digits: String = groups.concat();
        if groups.len() >= 2
            && groups[0].len() == 4
            && (6..=10).contains(&digits.len())
            && digits.bytes().all(|b| b.is_ascii_digit())
        {
            out.extend(hs_keys(&digits));
        }
        return out;
    }
    let has_digit = token.bytes().any(|b| b.is_ascii_digit());
    let has_letter = token.chars().any(char::is_alphabetic);
    if !(has_digit && has_letter) {
        return out;
    }
    let mut run = String::new();
    let mut last_digit = None;
    for c in token.chars() {
        let d = c.is_ascii_digit();
        if last_digit.is_some_and(|l| l != d) {
            if run.len() >= 2 {
                out.push(std::mem::take(&mut run));
            }
            run.clear();
        }
        run.push(c);
        last_digit = Some(d);
    }
    if run.len() >= 2 {
        out.push(run);
    }
    out.retain(|p| p != token);
    out
}

/// Whether a token is eligible for typo tolerance: long enough and made only of letters.
pub fn fuzzy_distance(token: &str) -> Option<u8> {
    if !token.chars().all(char::is_alphabetic) {
        return None;
    }
    match token.chars().count() {
        0..=4 => None,
        5..=8 => Some(1),
        _ => Some(2),
    }
}

/// Keys a part number or HS code is found by: the whole code without separators, each segment,
/// and letter/number parts of long segments ("SKF6205" is also "6205").
pub fn code_keys(code: &str) -> Vec<String> {
    let folded = dimension_separators(&normalize(code));
    let mut keys = Vec::new();
    let mut push = |k: String| {
        if !k.is_empty() && !keys.contains(&k) {
            keys.push(k);
        }
    };
    push(folded.chars().filter(|c| c.is_alphanumeric()).collect());
    for seg in folded.split(|c: char| !c.is_alphanumeric()) {
        if seg.is_empty() {
            continue;
        }
        push(seg.to_string());
        let mut run = String::new();
        let mut last_digit = None;
        for c in seg.chars() {
            let d = c.is_ascii_digit();
            if last_digit.is_some_and(|l| l != d) {
                if run.chars().count() >= 3 {
                    push(std::mem::take(&mut run));
                }
                run.clear();
            }
            run.push(c);
            last_digit = Some(d);
        }
        if run.chars().count() >= 3 && run != seg {
            push(run);
        }
    }
    keys
}

/// "45x62x8" as "45 62 8": an x between digits separates dimensions, like × and *.
fn dimension_separators(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    chars
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            let between_digits = i > 0
                && chars[i - 1].is_ascii_digit()
                && chars.get(i + 1).is_some_and(char::is_ascii_digit);
            if (c == 'x' || c == '×' || c == '*') && between_digits {
                ' '
            } else {
                c
            }
        })
        .collect()
}

/// HS code keys: the code and its heading and subheading prefixes (8482, 848210, 84821010).
pub fn hs_keys(code: &str) -> Vec<String> {
    let digits: String = code.chars().filter(|c| c.is_ascii_digit()).collect();
    [4, 6, 8, 10]
        .into_iter()
        .filter(|n| *n <= digits.len())
        .map(|n| digits[..n].to_string())
        .collect()
}

/// Whether a query chunk reads as a code rather than a word: it has digits and is not a plain
/// small number, or it mixes letters and digits ("M12", "6205-2RS", "8482.10").
pub fn looks_like_code(chunk: &str) -> bool {
    let folded = normalize(chunk);
    let alnum: Vec<char> = folded.chars().filter(|c| c.is_alphanumeric()).collect();
    let digits = alnum.iter().filter(|c| c.is_ascii_digit()).count();
    digits > 0 && (digits < alnum.len() || alnum.len() >= 4)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<String> {
        analyze(s).into_iter().map(|t| t.text).collect()
    }

    #[test]
    fn offsets_point_into_the_original_text() {
        let text = "بلبرينگ‌هاي  ۶۲۰۵ SKF";
        for tok in analyze(text) {
            let original = &text[tok.from..tok.to];
            assert!(!original.is_empty());
            assert!(!original.starts_with(' ') && !original.ends_with(' '));
        }
        let toks = analyze(text);
        assert_eq!(&text[toks[1].from..toks[1].to], "۶۲۰۵");
        assert_eq!(toks[1].text, "6205");
    }

    #[test]
    fn affixes_typed_apart_are_reattached() {
        assert_eq!(texts("کتاب ها"), texts("کتاب‌ها"));
        assert_eq!(texts("کتابها"), texts("کتاب‌ها"));
        assert_eq!(texts("می شود"), texts("می‌شود"));
        assert_eq!(texts("میشود"), texts("می‌شود"));
        assert_eq!(texts("پمپ های آب"), vec!["پمپ", "اب"]);
    }

    #[test]
    fn stemming_never_merges_different_words() {
        let cases = [
            ("بلبرینگها", "بلبرینگ"),
            ("پمپهای", "پمپ"),
            ("قطعات", "قطعه"),
            ("فولادی", "فولاد"),
            ("بزرگتر", "بزرگ"),
            ("کوچکترین", "کوچک"),
            ("سیمان", "سیمان"),
            ("سیم", "سیم"),
            ("مهره", "مهره"),
            ("مهر", "مهر"),
            ("گردان", "گردان"),
            ("گرد", "گرد"),
            ("تنها", "تنها"),
            ("bearings", "bearing"),
            ("press", "press"),
            ("کارگران", "کارگر"),
            ("رانندگان", "راننده"),
            ("سازندگان", "سازنده"),
            ("پیمانکاران", "پیمانکار"),
            ("خریداران", "خریدار"),
            ("داروی", "دارو"),
            ("چاقوی", "چاقو"),
            ("باران", "باران"),
            ("قوی", "قوی"),
            ("خیابان", "خیابان"),
        ];
        let mut failed = Vec::new();
        for (word, want) in cases {
            let got = stem(&normalize(word));
            if got != normalize(want) {
                failed.push(format!("{word}: got {got}, want {want}"));
            }
        }
        assert!(failed.is_empty(), "{}", failed.join("\n"));
    }

    #[test]
    fn decimals_and_codes() {
        assert_eq!(texts("قطر ۱۰٫۲ mm"), vec!["قطر", "10.2", "mm"]);
        assert_eq!(texts("6205-2RS"), vec!["6205", "2rs"]);
        assert_eq!(code_keys("6205-2RS"), vec!["62052rs", "6205", "2rs"]);
        assert_eq!(code_keys("SKF6205"), vec!["skf6205", "skf", "6205"]);
        assert_eq!(hs_keys("84821010"), vec!["8482", "848210", "84821010"]);
        assert!(looks_like_code("6205"));
        assert!(looks_like_code("M12"));
        assert!(looks_like_code("8482.10.10"));
        assert!(!looks_like_code("12"));
        assert!(!looks_like_code("پمپ"));
    }

    #[test]
    fn scripts_glued_together_are_split_and_dimensions_read_alike() {
        assert_eq!(texts("پمپGrundfos"), texts("پمپ Grundfos"));
        assert_eq!(texts("واشرM12"), vec!["واشر", "m12"]);
        assert_eq!(texts("45x62x8"), texts("45*62*8"));
        assert_eq!(texts("45×62×8"), texts("۴۵×۶۲×۸"));
        assert_eq!(texts("45x62x8"), vec!["45", "62", "8"]);
        assert_eq!(texts("max 12"), vec!["max", "12"]);
        assert_eq!(code_keys("45x62x8")[0], code_keys("45*62*8")[0]);
    }

    #[test]
    fn codes_in_text_are_also_indexed_by_their_parts() {
        assert_eq!(index_variants("nsk6308"), vec!["nsk", "6308"]);
        assert_eq!(index_variants("dsnu25"), vec!["dsnu", "25"]);
        assert_eq!(
            index_variants("7318.15.90"),
            vec!["7318", "731815", "73181590"]
        );
        assert_eq!(index_variants("8482.10"), vec!["8482", "848210"]);
        assert!(index_variants("10.2").is_empty());
        assert!(index_variants("bearing").is_empty());
        assert!(index_variants("6205").is_empty());
    }

    #[test]
    fn typo_tolerance_only_for_long_letter_words() {
        assert_eq!(fuzzy_distance("بلبرینگ"), Some(1));
        assert_eq!(fuzzy_distance("6205"), None);
        assert_eq!(fuzzy_distance("m12"), None);
        assert_eq!(fuzzy_distance("پمپ"), None);
    }
}
