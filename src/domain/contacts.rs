//! Contacts typed where they must not be. A maker's public profile and an offer message are
//! read by firms before any introduction, and contacts are shared only when both sides agree:
//! an email address, a phone number or a messenger handle typed there would undercut that, so
//! such text is refused with a message saying why. Part numbers, sizes and dates are not
//! contacts: a phone is a run of ten or more digits starting with 0, +98 or 0098 (spaces,
//! dashes and dots between digits allowed), after every digit form is folded.

/// What kind of contact a text holds, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Contact {
    Email,
    Phone,
    Handle,
}

/// The first contact found in `text`.
pub fn find(text: &str) -> Option<Contact> {
    let folded = super::text::normalize(text);
    if has_email(&folded) {
        return Some(Contact::Email);
    }
    if has_phone(&folded) {
        return Some(Contact::Phone);
    }
    if has_handle(&folded) {
        return Some(Contact::Handle);
    }
    None
}

fn has_email(t: &str) -> bool {
    t.split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '(' | ')' | '<' | '>'))
        .any(|w| {
            let Some((user, host)) = w.split_once('@') else {
                return false;
            };
            let host = host.trim_end_matches(['.', ':']);
            !user.is_empty()
                && host.contains('.')
                && host.split('.').all(|p| !p.is_empty())
                && host.rsplit('.').next().is_some_and(|tld| {
                    tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic())
                })
        })
}

fn has_phone(t: &str) -> bool {
    let chars: Vec<char> = t.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let start_ok = i == 0 || !chars[i - 1].is_ascii_alphanumeric();
        if start_ok && (chars[i] == '+' || chars[i].is_ascii_digit()) {
            let mut digits = String::new();
            let mut j = i;
            while j < chars.len() {
                let c = chars[j];
                if c.is_ascii_digit() || (c == '+' && j == i) {
                    if c != '+' {
                        digits.push(c);
                    }
                } else if !(matches!(c, ' ' | '-' | '.' | '(' | ')')
                    && chars.get(j + 1).is_some_and(|n| n.is_ascii_digit()))
                {
                    break;
                }
                j += 1;
            }
            let starts = digits.starts_with('0') || chars[i] == '+' && digits.starts_with("98");
            let ends_ok = chars.get(j).is_none_or(|c| !c.is_ascii_alphabetic());
            if starts && digits.len() >= 10 && digits.len() <= 14 && ends_ok {
                return true;
            }
            i = j.max(i + 1);
        } else {
            i += 1;
        }
    }
    false
}

fn has_handle(t: &str) -> bool {
    const PLACES: &[&str] = &[
        "t.me/",
        "telegram.me/",
        "wa.me/",
        "whatsapp",
        "instagram.com/",
        "ble.ir/",
        "eitaa.com/",
        "rubika.ir/",
    ];
    if PLACES.iter().any(|p| t.contains(p)) {
        return true;
    }
    t.split_whitespace().any(|w| {
        w.strip_prefix('@').is_some_and(|h| {
            h.chars().count() >= 5 && h.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contacts_are_found_in_every_spelling() {
        assert_eq!(find("ایمیل: info@workshop.ir"), Some(Contact::Email));
        assert_eq!(find("تماس ۰۹۱۲ ۳۴۵ ۶۷۸۹"), Some(Contact::Phone));
        assert_eq!(find("call +98 41 3333 4444"), Some(Contact::Phone));
        assert_eq!(find("۰۴۱-۳۳۳۳۴۴۴۴"), Some(Contact::Phone));
        assert_eq!(find("کانال t.me/ourshop"), Some(Contact::Handle));
        assert_eq!(find("آیدی @tabriz_cnc"), Some(Contact::Handle));
    }

    #[test]
    fn part_numbers_sizes_and_dates_are_not_contacts() {
        for text in [
            "بلبرینگ 6205-2RS",
            "قطر 120 mm، طول 1500",
            "سفارش ۱۴۰۳/۰۷/۱۵",
            "کد 7318.15.90",
            "DSBC-50-200-PPVA-N3",
            "ظرفیت ۱۰۰۰۰ قطعه در ماه",
            "پیچ M12x1.5",
            "شماره 0042317755A",
            "@ ساعت ۸",
        ] {
            assert_eq!(find(text), None, "{text}");
        }
    }
}
