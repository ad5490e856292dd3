//! Accounts: roles, email addresses and password rules.

use super::text::char_len;

crate::domain::closed_set! {
    pub enum Role {
        /// A member of an industrial firm that posts needs.
        Buyer = "buyer",
        /// An inventor, workshop or manufacturer.
        Supplier = "supplier",
        Organizer = "organizer",
        Admin = "admin",
        /// A representative of an executive agency at the production desk.
        Agency = "agency",
    }
}

impl Role {
    pub fn parse(s: &str) -> Option<Self> {
        <Self as crate::domain::StoredText>::from_stored(s.trim())
    }

    /// Organizers and admins run the exhibition.
    pub fn is_staff(self) -> bool {
        matches!(self, Role::Organizer | Role::Admin)
    }
}

/// The one rule of firm membership: an account belongs to firm `org` when it is a buyer of that
/// organization. A maker's own workshop is an organization too, so the role counts as much as
/// the organization: a maker whose workshop was merged into a firm, or staff, are not members.
pub fn is_firm_member(role: Role, organization: Option<i32>, org: i32) -> bool {
    role == Role::Buyer && organization == Some(org)
}

/// An email address, trimmed and lower-cased. Checked for shape only; the verification mail
/// proves it works.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(input: &str) -> Result<Self, &'static str> {
        let s = super::codes::digits_to_latin(input.trim()).to_lowercase();
        if s.is_empty() {
            return Err("error.required");
        }
        let valid = s.len() <= 254
            && !s.contains(char::is_whitespace)
            && s.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && local.len() <= 64
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !domain.contains("..")
                    && !domain.contains('@')
            });
        if valid {
            Ok(Self(s))
        } else {
            Err("error.email_invalid")
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

pub const PASSWORD_MIN_CHARS: usize = 10;
pub const PASSWORD_MAX_CHARS: usize = 256;

/// Passwords too common to accept, whatever their length.
const COMMON: &[&str] = &[
    "1234567890",
    "12345678910",
    "123456789012",
    "0123456789",
    "1111111111",
    "0000000000",
    "qwertyuiop",
    "password123",
    "password1234",
    "passw0rd123",
    "1q2w3e4r5t",
    "qwerty12345",
    "qwerty123456",
    "iloveyou12",
    "abcdefghij",
    "abc1234567",
    "aaaaaaaaaa",
    "1234qwer!@#$",
    "zxcvbnm123",
    "asdfghjkl1",
    "niaz123456",
    "tabriz1234",
    "iran123456",
    "administrator",
    "۱۲۳۴۵۶۷۸۹۰",
    "1qaz2wsx3edc",
    "qazwsxedc123",
    "letmein1234",
    "welcome123",
    "football123",
];

/// Checks a new password: 10 to 256 characters (not bytes, so long Persian passphrases work),
/// not a well-known password.
pub fn check_password(password: &str) -> Result<(), &'static str> {
    let n = char_len(password);
    if n < PASSWORD_MIN_CHARS {
        return Err("error.password_short");
    }
    if n > PASSWORD_MAX_CHARS {
        return Err("error.password_long");
    }
    let folded = super::codes::digits_to_latin(&password.to_lowercase());
    if COMMON.contains(&folded.as_str()) {
        return Err("error.password_common");
    }
    Ok(())
}

/// A person's name: required, at most 100 characters.
pub fn check_name(name: &str) -> Result<String, &'static str> {
    let name = super::text::clean(name);
    match char_len(&name) {
        0 => Err("error.required"),
        n if n > 100 => Err("error.too_long"),
        _ => Ok(name),
    }
}

/// An optional phone number: digits in any script, spaces, +, - and parentheses.
pub fn check_phone(phone: &str) -> Result<String, &'static str> {
    let phone = super::codes::digits_to_latin(phone.trim());
    if phone.is_empty() {
        return Ok(phone);
    }
    let ok = phone
        .chars()
        .all(|c| c.is_ascii_digit() || " +-()".contains(c))
        && phone.chars().filter(char::is_ascii_digit).count() >= 7
        && phone.len() <= 30;
    if ok {
        Ok(phone)
    } else {
        Err("error.phone_invalid")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert_eq!(
            Email::parse(" Ali@Example.IR ").unwrap().as_str(),
            "ali@example.ir"
        );
        for bad in [
            "",
            "ali",
            "ali@",
            "@x.ir",
            "ali@x",
            "a b@x.ir",
            "ali@x..ir",
            "a@b@c.ir",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn passwords_count_characters() {
        assert_eq!(check_password("short"), Err("error.password_short"));
        // Ten Persian letters are twenty bytes but ten characters.
        assert!(check_password("رمزعبورمنخ").is_ok());
        assert_eq!(check_password("رمزعبورمن"), Err("error.password_short"));
        let long_persian =
            "این یک گذرواژه بسیار طولانی فارسی برای آزمودن محدودیت طول است و باید پذیرفته شود";
        assert!(long_persian.len() > 128 && check_password(long_persian).is_ok());
        assert_eq!(check_password("1234567890"), Err("error.password_common"));
        assert_eq!(check_password("۱۲۳۴۵۶۷۸۹۰"), Err("error.password_common"));
        assert_eq!(check_password(&"x".repeat(257)), Err("error.password_long"));
    }

    #[test]
    fn phones() {
        assert_eq!(check_phone("۰۹۱۲ ۳۴۵ ۶۷۸۹").unwrap(), "0912 345 6789");
        assert!(check_phone("call me").is_err());
        assert_eq!(check_phone("").unwrap(), "");
    }
}
