//! Dates as firms write them: Jalali (1403/07/15) or Gregorian (2024-10-06), in any digits.

use chrono::{Datelike, NaiveDate};

use super::codes::digits_to_latin;

/// Parses a date. Years from 1200 to 1599 are Jalali, later ones Gregorian; the parts may be
/// separated by `/`, `-` or `.`.
pub fn parse_date(input: &str) -> Result<NaiveDate, &'static str> {
    let s = digits_to_latin(input.trim());
    let parts: Vec<&str> = s.split(['/', '-', '.']).map(str::trim).collect();
    let nums: Option<Vec<u32>> = match parts.as_slice() {
        [y, m, d] => [y, m, d].iter().map(|p| p.parse().ok()).collect(),
        _ => None,
    };
    let Some(nums) = nums else {
        return Err("error.date_invalid");
    };
    let (y, m, d) = (nums[0], nums[1], nums[2]);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return Err("error.date_invalid");
    }
    match y {
        1200..=1599 => {
            let jalali = icu_calendar::Date::try_new_persian(y as i32, m as u8, d as u8)
                .map_err(|_| "error.date_invalid")?;
            let iso = jalali.to_calendar(icu_calendar::Iso);
            NaiveDate::from_ymd_opt(
                iso.year().extended_year(),
                u32::from(iso.month().ordinal),
                u32::from(iso.day_of_month().0),
            )
            .ok_or("error.date_invalid")
        }
        1900..=2200 => NaiveDate::from_ymd_opt(y as i32, m, d).ok_or("error.date_invalid"),
        _ => Err("error.date_invalid"),
    }
}

/// The Gregorian ISO form used in exports (unambiguous, and read back by [`parse_date`]).
pub fn iso(date: NaiveDate) -> String {
    format!("{:04}-{:02}-{:02}", date.year(), date.month(), date.day())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jalali_and_gregorian() {
        let d = NaiveDate::from_ymd_opt(2024, 10, 6).unwrap();
        assert_eq!(parse_date("1403/07/15"), Ok(d));
        assert_eq!(parse_date("۱۴۰۳/۰۷/۱۵"), Ok(d));
        assert_eq!(parse_date("2024-10-06"), Ok(d));
        assert_eq!(parse_date("2024/10/6"), Ok(d));
        assert!(parse_date("1403/13/01").is_err());
        assert!(parse_date("2024-02-30").is_err());
        assert!(parse_date("tomorrow").is_err());
        assert_eq!(iso(d), "2024-10-06");
    }
}
