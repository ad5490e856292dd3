//! Part numbers and HS codes: the two kinds of code industrial buyers write a dozen ways.

use super::text::{clean, compact_key, normalize};

/// A manufacturer part number as written, with its comparison key.
///
/// The key keeps only letters and digits, upper-cased, so "6205-2RS", "6205 2rs" and "۶۲۰۵/۲RS"
/// are the same part. The display form is kept as the firm wrote it (with Latin digits).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartNumber {
    display: String,
    key: String,
}

impl PartNumber {
    pub const MAX_CHARS: usize = 80;

    /// Parses a part number. Empty input is `Ok(None)`: many needs have no part number.
    pub fn parse(input: &str) -> Result<Option<Self>, &'static str> {
        // Digits are shown in Latin form everywhere, even in Persian pages.
        let display: String = clean(&digits_to_latin(input));
        if display.is_empty() {
            return Ok(None);
        }
        if display.chars().count() > Self::MAX_CHARS {
            return Err("error.too_long");
        }
        let key = compact_key(&display).to_uppercase();
        if key.is_empty() {
            return Err("error.part_number_invalid");
        }
        Ok(Some(Self { display, key }))
    }

    pub fn as_str(&self) -> &str {
        &self.display
    }

    pub fn key(&self) -> &str {
        &self.key
    }
}

/// A Harmonized System code: 4 to 10 digits, stored without separators.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HsCode(String);

impl HsCode {
    /// Accepts "8482.10.10", "8482 10 10", "۸۴۸۲۱۰۱۰". Empty input is `Ok(None)`.
    pub fn parse(input: &str) -> Result<Option<Self>, &'static str> {
        let folded = normalize(input);
        if folded.is_empty() {
            return Ok(None);
        }
        let mut digits = String::new();
        for c in folded.chars() {
            match c {
                '0'..='9' => digits.push(c),
                '.' | ' ' | '-' | '/' => {}
                _ => return Err("error.hs_code_invalid"),
            }
        }
        if !(4..=10).contains(&digits.len()) {
            return Err("error.hs_code_invalid");
        }
        Ok(Some(Self(digits)))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The conventional dotted form: 8482.10.10.
    pub fn dotted(code: &str) -> String {
        let mut out = String::with_capacity(code.len() + 3);
        for (i, c) in code.chars().enumerate() {
            if i >= 4 && i % 2 == 0 {
                out.push('.');
            }
            out.push(c);
        }
        out
    }
}

/// Replaces Persian and Arabic-Indic digits with Latin ones and leaves everything else alone.
pub fn digits_to_latin(input: &str) -> String {
    input
        .chars()
        .map(|c| match c {
            '\u{06F0}'..='\u{06F9}' => char::from(b'0' + (c as u32 - 0x06F0) as u8),
            '\u{0660}'..='\u{0669}' => char::from(b'0' + (c as u32 - 0x0660) as u8),
            c => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn part_number_keys_agree() {
        let a = PartNumber::parse("6205-2RS").unwrap().unwrap();
        let b = PartNumber::parse(" ۶۲۰۵ ۲rs ").unwrap().unwrap();
        assert_eq!(a.key(), "62052RS");
        assert_eq!(a.key(), b.key());
        assert_eq!(b.as_str(), "6205 2rs");
        assert_eq!(PartNumber::parse("  ").unwrap(), None);
        assert!(PartNumber::parse("---").is_err());
    }

    #[test]
    fn hs_codes_parse() {
        assert_eq!(
            HsCode::parse("8482.10.10").unwrap().unwrap().as_str(),
            "84821010"
        );
        assert_eq!(HsCode::parse("۸۴۸۲").unwrap().unwrap().as_str(), "8482");
        assert!(HsCode::parse("848").is_err());
        assert!(HsCode::parse("84821010101").is_err());
        assert!(HsCode::parse("84A2").is_err());
        assert_eq!(HsCode::parse("").unwrap(), None);
        assert_eq!(HsCode::dotted("84821010"), "8482.10.10");
        assert_eq!(HsCode::dotted("8482"), "8482");
    }
}
