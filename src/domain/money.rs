//! Money as integer minor units in one of the currencies firms import in.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Currency {
    #[serde(rename = "IRR")]
    Irr,
    #[serde(rename = "USD")]
    Usd,
    #[serde(rename = "EUR")]
    Eur,
    #[serde(rename = "CNY")]
    Cny,
    #[serde(rename = "AED")]
    Aed,
}

impl Currency {
    pub const ALL: [Currency; 5] = [
        Currency::Usd,
        Currency::Eur,
        Currency::Cny,
        Currency::Aed,
        Currency::Irr,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Currency::Irr => "IRR",
            Currency::Usd => "USD",
            Currency::Eur => "EUR",
            Currency::Cny => "CNY",
            Currency::Aed => "AED",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim().to_ascii_uppercase();
        Self::ALL
            .into_iter()
            .find(|c| c.code() == s)
            .or(match s.as_str() {
                "ریال" | "RIAL" => Some(Currency::Irr),
                "دلار" | "$" => Some(Currency::Usd),
                "یورو" | "€" => Some(Currency::Eur),
                "یوان" => Some(Currency::Cny),
                "درهم" => Some(Currency::Aed),
                _ => None,
            })
    }

    /// Decimal places of the minor unit. The rial is used without a minor unit in practice.
    pub fn exponent(self) -> u32 {
        match self {
            Currency::Irr => 0,
            _ => 2,
        }
    }

    pub fn minor_per_major(self) -> i64 {
        10_i64.pow(self.exponent())
    }
}

impl super::StoredText for Currency {
    const ALL: &'static [Self] = &Currency::ALL;
    fn stored(self) -> &'static str {
        self.code()
    }
}

/// Approximate value in US cents, only to sort needs priced in different currencies against each
/// other. The rates are fixed reference values, not quotes; they never appear on a page.
pub fn sort_value_usd_cents(minor: i64, currency: Currency) -> i64 {
    let cents = match currency {
        Currency::Usd => minor as f64,
        Currency::Eur => minor as f64 * 1.08,
        Currency::Cny => minor as f64 * 0.14,
        Currency::Aed => minor as f64 * 0.27,
        // Rials have no minor unit; about 1,050,000 rials to the dollar.
        Currency::Irr => minor as f64 / 10_500.0,
    };
    cents.round() as i64
}

/// A number as a person types it, in any digits, without its thousands separators; an empty
/// one is missing.
fn typed_number(input: &str) -> Result<String, &'static str> {
    let cleaned: String = super::text::normalize(input)
        .chars()
        .filter(|c| !matches!(c, ',' | ' ' | '\''))
        .collect();
    if cleaned.is_empty() {
        Err("error.required")
    } else {
        Ok(cleaned)
    }
}

/// Parses an amount typed by a person ("1,250.50", "۱٬۲۵۰٫۵", "12500") into minor units.
pub fn parse_amount(input: &str, currency: Currency) -> Result<i64, &'static str> {
    let cleaned = typed_number(input)?;
    let (whole, frac) = match cleaned.split_once('.') {
        Some((w, f)) => (w, f),
        None => (cleaned.as_str(), ""),
    };
    let digits_ok = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if whole.is_empty() || !digits_ok(whole) || !digits_ok(frac) {
        return Err("error.number_invalid");
    }
    let exp = currency.exponent() as usize;
    if frac.len() > exp {
        return Err("error.too_many_decimals");
    }
    let whole: i64 = whole.parse().map_err(|_| "error.number_too_large")?;
    let mut frac_val: i64 = if frac.is_empty() {
        0
    } else {
        frac.parse().map_err(|_| "error.number_invalid")?
    };
    for _ in frac.len()..exp {
        frac_val *= 10;
    }
    whole
        .checked_mul(currency.minor_per_major())
        .and_then(|v| v.checked_add(frac_val))
        .filter(|v| *v <= MAX_AMOUNT_MINOR)
        .ok_or("error.number_too_large")
}

/// An amount in minor units as plain text in major units, all decimals written (`1250.50`,
/// `18500`): what forms and spreadsheets show and read back. Display formatting with digits
/// and separators of a language builds on it (`i18n::format_amount`).
pub fn format_plain(minor: i64, currency: Currency) -> String {
    let per = currency.minor_per_major().unsigned_abs();
    let sign = if minor < 0 { "-" } else { "" };
    let (whole, frac) = (minor.unsigned_abs() / per, minor.unsigned_abs() % per);
    if per == 1 {
        format!("{sign}{whole}")
    } else {
        format!(
            "{sign}{whole}.{frac:0width$}",
            width = currency.exponent() as usize
        )
    }
}

/// The largest yearly quantity accepted: a billion of anything is already more than a province
/// uses, and keeps every product with a price far from overflow.
pub const MAX_QUANTITY: i64 = 1_000_000_000;

/// The largest amount accepted, in minor units (10^15 rials, or 10^13 dollars in cents).
pub const MAX_AMOUNT_MINOR: i64 = 1_000_000_000_000_000;

/// Parses a whole quantity with any digit system and thousands separators.
pub fn parse_quantity(input: &str) -> Result<i64, &'static str> {
    let cleaned = typed_number(input)?;
    if !cleaned.chars().all(|c| c.is_ascii_digit()) {
        return Err("error.number_invalid");
    }
    let value: i64 = cleaned.parse().map_err(|_| "error.number_too_large")?;
    if value == 0 {
        return Err("error.number_positive");
    }
    if value > MAX_QUANTITY {
        return Err("error.number_too_large");
    }
    Ok(value)
}

/// Annual import value = quantity x unit price, or `None` when it would overflow.
pub fn annual_value(quantity: Option<i64>, unit_price: Option<i64>) -> Option<i64> {
    quantity?.checked_mul(unit_price?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_in_any_digits() {
        assert_eq!(parse_amount("1,250.50", Currency::Usd), Ok(125_050));
        assert_eq!(parse_amount("۱٬۲۵۰٫۵", Currency::Usd), Ok(125_050));
        assert_eq!(parse_amount("12500", Currency::Irr), Ok(12_500));
        assert_eq!(
            parse_amount("1.5", Currency::Irr),
            Err("error.too_many_decimals")
        );
        assert_eq!(
            parse_amount("abc", Currency::Usd),
            Err("error.number_invalid")
        );
        assert_eq!(parse_amount("", Currency::Usd), Err("error.required"));
        for (minor, currency, text) in [
            (125_050, Currency::Usd, "1250.50"),
            (5, Currency::Usd, "0.05"),
            (18_500, Currency::Irr, "18500"),
            (-250, Currency::Eur, "-2.50"),
        ] {
            assert_eq!(format_plain(minor, currency), text);
            assert_eq!(
                parse_amount(text.trim_start_matches('-'), currency),
                Ok(minor.abs())
            );
        }
        assert_eq!(
            parse_amount("9223372036854775807", Currency::Irr),
            Err("error.number_too_large")
        );
        assert_eq!(
            parse_quantity("9223372036854775807"),
            Err("error.number_too_large")
        );
        assert_eq!(parse_quantity("1000000000"), Ok(MAX_QUANTITY));
        assert_eq!(parse_quantity("1000000001"), Err("error.number_too_large"));
        assert_eq!(
            parse_amount("99999999999999999999", Currency::Usd),
            Err("error.number_too_large")
        );
    }

    #[test]
    fn quantities() {
        assert_eq!(parse_quantity("۲٬۴۰۰"), Ok(2400));
        assert_eq!(parse_quantity("0"), Err("error.number_positive"));
        assert_eq!(parse_quantity("-3"), Err("error.number_invalid"));
        assert_eq!(annual_value(Some(i64::MAX), Some(2)), None);
        assert_eq!(annual_value(Some(10), Some(250)), Some(2500));
    }

    #[test]
    fn currency_codes() {
        assert_eq!(Currency::parse("usd"), Some(Currency::Usd));
        assert_eq!(Currency::parse("ریال"), Some(Currency::Irr));
        assert_eq!(Currency::parse("GBP"), None);
    }
}
