//! Editions of the exhibition: their life (planned, open, closed), their public address (a
//! slug) and booth codes, parsed once at the edge.

use super::FieldError;

crate::domain::closed_set! {
    /// Where an edition is in its life. Results are shown once it is closed.
    pub enum EditionStatus {
        Planned = "planned",
        Open = "open",
        Closed = "closed",
    }
}

impl EditionStatus {
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

/// Longest slug, in characters.
pub const MAX_SLUG: usize = 60;
/// Longest booth code, in characters.
pub const MAX_BOOTH: usize = 12;

/// An edition's address: lower-case Latin letters, digits and single hyphens (`tabriz-1405`).
pub fn parse_slug(raw: &str) -> Result<String, FieldError> {
    let slug = super::codes::digits_to_latin(raw.trim()).to_ascii_lowercase();
    let ok = !slug.is_empty()
        && slug.len() <= MAX_SLUG
        && slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !slug.starts_with('-')
        && !slug.ends_with('-')
        && !slug.contains("--")
        // `/admin/exhibitions/add` is a page of its own.
        && slug != "add";
    if ok {
        Ok(slug)
    } else {
        Err(FieldError::new("slug", "error.slug_invalid"))
    }
}

/// A booth code as printed on a card (`A-12`, `B3`): Latin letters and digits with hyphens,
/// in capitals; empty means "no booth yet".
pub fn parse_booth(raw: &str) -> Result<String, FieldError> {
    let booth = super::codes::digits_to_latin(raw.trim()).to_ascii_uppercase();
    let ok = booth.chars().count() <= MAX_BOOTH
        && booth
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-');
    if ok {
        Ok(booth)
    } else {
        Err(FieldError::new("booth", "error.booth_invalid"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_plain_latin_with_hyphens() {
        assert_eq!(parse_slug(" Tabriz-۱۴۰۵ ").unwrap(), "tabriz-1405");
        for bad in [
            "",
            "-a",
            "a-",
            "a--b",
            "تبریز",
            "a b",
            "a/b",
            &"a".repeat(61),
        ] {
            assert!(parse_slug(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn booths_are_short_capital_codes() {
        assert_eq!(parse_booth("a-۱۲").unwrap(), "A-12");
        assert_eq!(parse_booth("").unwrap(), "");
        for bad in ["A 1", "غرفه", "A-123456789012", "A/1"] {
            assert!(parse_booth(bad).is_err(), "{bad}");
        }
    }
}
