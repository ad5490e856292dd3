//! Persian technical terms in English: the labels of a need's technical data and its material,
//! shown on English pages. The terms live in `src/i18n/glossary.txt`.

use std::collections::HashMap;
use std::sync::LazyLock;

use super::text::normalize;

/// Longest phrase looked up, in words.
const MAX_WORDS: usize = 4;

static TERMS: LazyLock<HashMap<String, &'static str>> =
    LazyLock::new(|| parse(include_str!("../i18n/glossary.txt")).expect("the glossary parses"));

/// Reads `Persian = English` lines; `#` starts a comment. A term listed twice is an error.
fn parse(source: &'static str) -> Result<HashMap<String, &'static str>, String> {
    let mut terms = HashMap::new();
    for (n, line) in source.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (fa, en) = line
            .split_once(" = ")
            .ok_or_else(|| format!("line {}: no ` = `", n + 1))?;
        if terms.insert(normalize(fa), en.trim()).is_some() {
            return Err(format!("line {}: {fa} is listed twice", n + 1));
        }
    }
    Ok(terms)
}

fn persian_letter(c: char) -> bool {
    matches!(c, '\u{0600}'..='\u{06FF}' | '\u{FB50}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFF}')
        && !matches!(c, '۰'..='۹' | '٠'..='٩' | '٪' | '٫' | '٬' | '،' | '؛' | '؟')
}

/// One piece of a text: a Persian word (letters and the joiners between them), or anything
/// else (spaces, punctuation, Latin, digits).
enum Piece<'a> {
    Word(&'a str),
    Other(&'a str),
}

fn pieces(text: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut in_word = None;
    for (i, c) in text.char_indices() {
        let word = persian_letter(c) || (c == '\u{200C}' && in_word == Some(true));
        if in_word.is_some_and(|w| w != word) {
            out.push(piece(&text[start..i], in_word == Some(true)));
            start = i;
        }
        in_word = Some(word);
    }
    if start < text.len() {
        out.push(piece(&text[start..], in_word == Some(true)));
    }
    out
}

fn piece(s: &str, word: bool) -> Piece<'_> {
    if word {
        Piece::Word(s)
    } else {
        Piece::Other(s)
    }
}

/// Persian digits and signs as an English page writes them.
fn latin(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '۰'..='۹' => char::from(b'0' + (c as u32 - '۰' as u32) as u8),
            '٠'..='٩' => char::from(b'0' + (c as u32 - '٠' as u32) as u8),
            '٪' => '%',
            '٫' => '.',
            '٬' | '،' => ',',
            '؛' => ';',
            c => c,
        })
        .collect()
}

/// `text` in English when every Persian word in it is a known term; `None` otherwise (or when
/// it has no Persian word at all, so there is nothing to translate).
pub fn english(text: &str) -> Option<String> {
    let pieces = pieces(text);
    let mut out = String::with_capacity(text.len());
    let mut translated = false;
    let mut i = 0;
    while i < pieces.len() {
        match pieces[i] {
            Piece::Other(s) => {
                out.push_str(&latin(s));
                i += 1;
            }
            Piece::Word(_) => {
                // The longest run of words (separated by plain spaces) that is a term.
                let mut found = None;
                let mut phrase = String::new();
                let mut j = i;
                let mut words = 0;
                while j < pieces.len() && words < MAX_WORDS {
                    let Piece::Word(w) = pieces[j] else { break };
                    if !phrase.is_empty() {
                        phrase.push(' ');
                    }
                    phrase.push_str(w);
                    words += 1;
                    if let Some(en) = TERMS.get(&normalize(&phrase)) {
                        found = Some((j, *en));
                    }
                    match pieces.get(j + 1) {
                        Some(Piece::Other(sep)) if sep.trim().is_empty() => j += 2,
                        _ => break,
                    }
                }
                let (last, en) = found?;
                out.push_str(en);
                translated = true;
                i = last + 1;
            }
        }
    }
    if !translated {
        return None;
    }
    let mut chars = out.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_glossary_parses_without_repeats() {
        assert!(TERMS.len() > 100);
        assert!(parse("a = b\na = c").is_err());
    }

    #[test]
    fn known_terms_read_in_english_and_phrases_win_over_words() {
        assert_eq!(english("قطر داخلی").as_deref(), Some("Inner diameter"));
        assert_eq!(english("فولاد آلیاژی").as_deref(), Some("Alloy steel"));
        assert_eq!(
            english("فولاد کروم‌دار 100Cr6").as_deref(),
            Some("Chromium steel 100Cr6")
        );
        assert_eq!(
            english("فولاد كروم\u{200c}دار 100Cr6").as_deref(),
            Some("Chromium steel 100Cr6"),
            "Arabic letters"
        );
        assert_eq!(
            english("PTFE با ۲۵٪ کربن").as_deref(),
            Some("PTFE with 25% carbon")
        );
        assert_eq!(
            english("بدنه چدن نشکن، دیسک استیل").as_deref(),
            Some("Ductile-iron body, stainless-steel disc")
        );
    }

    #[test]
    fn unknown_words_or_no_persian_leave_the_text_alone() {
        assert_eq!(english("فولاد مخصوص کارخانه"), None);
        assert_eq!(english("NBR"), None);
        assert_eq!(english(""), None);
    }
}
