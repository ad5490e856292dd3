//! The production desk: cases of what blocks a firm's production, their categories, urgency and
//! life, and who may move a case where. Pure rules; the service applies them.

use super::text::{char_len, clean};
use super::FieldError;

crate::domain::closed_set! {
    /// What blocks production.
    pub enum CaseCategory {
        Customs = "customs",
        Finance = "finance",
        /// Raw material and parts supply: such a case can become a need of the exhibition.
        Supply = "supply",
        Permits = "permits",
        TaxInsurance = "tax_insurance",
        SocialSecurity = "social_security",
        Utilities = "utilities",
        Land = "land",
        Labour = "labour",
        Other = "other",
    }
}

crate::domain::closed_set! {
    pub enum Urgency {
        Normal = "normal",
        Urgent = "urgent",
        /// Production has stopped.
        Stopped = "stopped",
    }
}

crate::domain::closed_set! {
    /// How the case reached the desk.
    pub enum Channel {
        Online = "online",
        Phone = "phone",
    }
}

crate::domain::closed_set! {
    /// Where a case is in its life. `Resolved` and `NotActionable` close it.
    pub enum CaseStatus {
        Received = "received",
        Assigned = "assigned",
        InProgress = "in_progress",
        WaitingFirm = "waiting_firm",
        Referred = "referred",
        Resolved = "resolved",
        NotActionable = "not_actionable",
    }
}

crate::domain::closed_set! {
    /// Who wrote an entry of a case's history.
    pub enum Side {
        Firm = "firm",
        Agency = "agency",
        Desk = "desk",
    }
}

crate::domain::closed_set! {
    /// What an entry of a case's history records.
    pub enum EventKind {
        Filed = "filed",
        Status = "status",
        Assigned = "assigned",
        Taken = "taken",
        Reply = "reply",
        Rated = "rated",
        Need = "need",
        /// Overdue, and the desk supervisor was told.
        Escalated = "escalated",
        /// The working group decided.
        Decision = "decision",
        /// Documents were added.
        Documents = "documents",
    }
}

fn parse_in<T: crate::domain::StoredText>(s: &str) -> Option<T> {
    T::from_stored(s.trim())
}

impl CaseCategory {
    pub fn parse(s: &str) -> Option<Self> {
        parse_in(s)
    }
}

impl Urgency {
    pub fn parse(s: &str) -> Option<Self> {
        parse_in(s)
    }
}

impl CaseStatus {
    pub fn parse(s: &str) -> Option<Self> {
        parse_in(s)
    }

    pub fn is_open(self) -> bool {
        !matches!(self, CaseStatus::Resolved | CaseStatus::NotActionable)
    }

    /// The statuses an agency or the desk may set by hand (received is where a case starts,
    /// assigned comes with choosing an agency).
    pub const SETTABLE: [CaseStatus; 5] = [
        CaseStatus::InProgress,
        CaseStatus::WaitingFirm,
        CaseStatus::Referred,
        CaseStatus::Resolved,
        CaseStatus::NotActionable,
    ];

    /// Whether a case in this status may be moved to `to` by hand. A closed case stays closed.
    pub fn may_become(self, to: CaseStatus) -> bool {
        self.is_open() && self != to && Self::SETTABLE.contains(&to)
    }
}

impl CaseCategory {
    /// Days within which a case of this category should be resolved: what the agencies at
    /// the desk committed to (utilities reconnect within days; land takes months).
    pub fn resolution_days(self) -> i64 {
        match self {
            CaseCategory::Utilities => 3,
            CaseCategory::Customs => 7,
            CaseCategory::TaxInsurance | CaseCategory::SocialSecurity | CaseCategory::Labour => 21,
            CaseCategory::Finance
            | CaseCategory::Supply
            | CaseCategory::Permits
            | CaseCategory::Other => 30,
            CaseCategory::Land => 60,
        }
    }
}

/// Why an open case is overdue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Overdue {
    /// Nobody has answered it within the first-response time.
    FirstResponse,
    /// It is past its category's resolution target.
    Resolution,
}

/// The desk's service levels.
#[derive(Debug, Clone, Copy)]
pub struct ServiceLevels {
    pub first_response: chrono::Duration,
}

impl ServiceLevels {
    /// Whether a case is overdue at `now`, and why (a missed first response first).
    pub fn overdue(
        &self,
        status: CaseStatus,
        category: CaseCategory,
        created_at: chrono::NaiveDateTime,
        first_response_at: Option<chrono::NaiveDateTime>,
        now: chrono::NaiveDateTime,
    ) -> Option<Overdue> {
        if !status.is_open() {
            return None;
        }
        if first_response_at.is_none() && now > created_at + self.first_response {
            return Some(Overdue::FirstResponse);
        }
        (now > created_at + chrono::Duration::days(category.resolution_days()))
            .then_some(Overdue::Resolution)
    }

    /// The filing times before which an open case is overdue: (first response, per category).
    pub fn cutoffs(&self, now: chrono::NaiveDateTime) -> Cutoffs {
        Cutoffs {
            first_response: now - self.first_response,
            resolution: CaseCategory::ALL
                .iter()
                .map(|c| (*c, now - chrono::Duration::days(c.resolution_days())))
                .collect(),
        }
    }
}

/// See [`ServiceLevels::cutoffs`].
#[derive(Debug, Clone)]
pub struct Cutoffs {
    pub first_response: chrono::NaiveDateTime,
    pub resolution: Vec<(CaseCategory, chrono::NaiveDateTime)>,
}

/// Longest subject, in characters.
pub const MAX_SUBJECT: usize = 150;
/// Longest free text (what happened, what the firm asks for, a note or reply).
pub const MAX_TEXT: usize = 5_000;

/// What a case says when it is filed, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseText {
    pub category: CaseCategory,
    pub urgency: Urgency,
    pub subject: String,
    pub description: String,
    pub request: String,
    /// Agencies the firm names (their slugs, known ones only), in the order given.
    pub agencies: Vec<String>,
}

/// A filing form, as typed.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
pub struct CaseForm {
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub urgency: String,
    #[serde(default)]
    pub subject: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub request: String,
    /// Several `agencies=` pairs; read from the raw pairs by the handler.
    #[serde(skip)]
    pub agencies: Vec<String>,
    /// Phone intake only: the firm the call was from.
    #[serde(default)]
    pub organization: String,
}

impl CaseForm {
    /// From a form's pairs (agencies repeat).
    pub fn from_pairs(pairs: &[(String, String)]) -> Self {
        let mut form = CaseForm::default();
        for (k, v) in pairs {
            match k.as_str() {
                "category" => form.category = v.clone(),
                "urgency" => form.urgency = v.clone(),
                "subject" => form.subject = v.clone(),
                "description" => form.description = v.clone(),
                "request" => form.request = v.clone(),
                "agencies" => form.agencies.push(v.clone()),
                "organization" => form.organization = v.clone(),
                _ => {}
            }
        }
        form
    }

    /// Every wrong field at once. `known` are the agencies' slugs.
    pub fn parse(&self, known: &[String]) -> Result<CaseText, Vec<FieldError>> {
        let mut errors = Vec::new();
        let category = CaseCategory::parse(&self.category);
        if category.is_none() {
            errors.push(FieldError::new("category", "error.required"));
        }
        let urgency = if self.urgency.trim().is_empty() {
            Some(Urgency::Normal)
        } else {
            Urgency::parse(&self.urgency)
        };
        if urgency.is_none() {
            errors.push(FieldError::new("urgency", "error.bad_request"));
        }
        let subject = required_text("subject", &self.subject, MAX_SUBJECT, &mut errors);
        let description = required_text("description", &self.description, MAX_TEXT, &mut errors);
        let request = clean(&self.request);
        if char_len(&request) > MAX_TEXT {
            errors.push(FieldError::new("request", "error.too_long"));
        }
        let mut agencies = Vec::new();
        for a in &self.agencies {
            let a = a.trim();
            if a.is_empty() || agencies.iter().any(|x| x == a) {
                continue;
            }
            if known.iter().any(|k| k == a) {
                agencies.push(a.to_string());
            } else {
                errors.push(FieldError::new("agencies", "error.bad_request"));
                break;
            }
        }
        match (category, urgency) {
            (Some(category), Some(urgency)) if errors.is_empty() => Ok(CaseText {
                category,
                urgency,
                subject,
                description,
                request,
                agencies,
            }),
            _ => Err(errors),
        }
    }
}

/// A required free text of at most `max` characters, cleaned.
pub fn required_text(field: &str, value: &str, max: usize, errors: &mut Vec<FieldError>) -> String {
    let v = clean(value);
    if v.is_empty() {
        errors.push(FieldError::new(field, "error.required"));
    } else if char_len(&v) > max {
        errors.push(FieldError::new(field, "error.too_long"));
    }
    v
}

/// A case's public number: the Jalali year it was filed and its id (`1405-00042`), Latin digits
/// so that it reads and is typed the same in both languages.
pub fn case_number(jalali_year: i32, id: i32) -> String {
    format!("{jalali_year}-{id:05}")
}

/// The number as typed (Persian digits, spaces, another dash) in its stored form, if it is one.
pub fn parse_case_number(raw: &str) -> Option<String> {
    let s: String = super::codes::digits_to_latin(raw.trim())
        .chars()
        .map(|c| {
            if matches!(c, '–' | '—' | '_' | '/') {
                '-'
            } else {
                c
            }
        })
        .filter(|c| !c.is_whitespace())
        .collect();
    let (year, id) = s.split_once('-')?;
    let ok = year.len() == 4
        && year.chars().all(|c| c.is_ascii_digit())
        && !id.is_empty()
        && id.len() <= 9
        && id.chars().all(|c| c.is_ascii_digit());
    let id: i32 = id.parse().ok().filter(|_| ok)?;
    Some(case_number(year.parse().ok()?, id))
}

/// An outcome rating, 1 to 5.
pub fn parse_rating(raw: &str) -> Option<i32> {
    super::codes::digits_to_latin(raw.trim())
        .parse::<i32>()
        .ok()
        .filter(|n| (1..=5).contains(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closed_cases_stay_closed_and_only_settable_statuses_are_set() {
        assert!(CaseStatus::Received.may_become(CaseStatus::InProgress));
        assert!(CaseStatus::WaitingFirm.may_become(CaseStatus::Resolved));
        assert!(!CaseStatus::Resolved.may_become(CaseStatus::InProgress));
        assert!(!CaseStatus::NotActionable.may_become(CaseStatus::Resolved));
        assert!(!CaseStatus::InProgress.may_become(CaseStatus::Received));
        assert!(!CaseStatus::InProgress.may_become(CaseStatus::Assigned));
        assert!(!CaseStatus::InProgress.may_become(CaseStatus::InProgress));
    }

    #[test]
    fn numbers_are_read_however_typed() {
        assert_eq!(case_number(1405, 42), "1405-00042");
        assert_eq!(
            parse_case_number("۱۴۰۵-۰۰۰۴۲").as_deref(),
            Some("1405-00042")
        );
        assert_eq!(
            parse_case_number(" 1405 – 42 ").as_deref(),
            Some("1405-00042")
        );
        assert_eq!(
            parse_case_number("1405-123456").as_deref(),
            Some("1405-123456")
        );
        assert_eq!(parse_case_number("14050042"), None);
        assert_eq!(parse_case_number("1405-"), None);
        assert_eq!(parse_case_number("abcd-12"), None);
    }

    #[test]
    fn a_form_names_every_wrong_field() {
        let known = vec!["customs".to_string()];
        let err = CaseForm {
            category: "weather".into(),
            urgency: "soon".into(),
            subject: "  ".into(),
            description: "x".repeat(MAX_TEXT + 1),
            agencies: vec!["nobody".into()],
            ..Default::default()
        }
        .parse(&known)
        .unwrap_err();
        let fields: Vec<&str> = err.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            ["category", "urgency", "subject", "description", "agencies"]
        );
        let ok = CaseForm {
            category: "customs".into(),
            subject: "ترخیص قطعات".into(),
            description: "محموله در گمرک مانده است".into(),
            agencies: vec!["customs".into(), "customs".into()],
            ..Default::default()
        }
        .parse(&known)
        .unwrap();
        assert_eq!(ok.urgency, Urgency::Normal);
        assert_eq!(ok.agencies, ["customs"]);
    }

    #[test]
    fn a_case_is_overdue_without_an_answer_or_past_its_category_target() {
        let levels = ServiceLevels {
            first_response: chrono::Duration::hours(24),
        };
        let filed = chrono::NaiveDate::from_ymd_opt(2026, 12, 1)
            .unwrap()
            .and_hms_opt(22, 0, 0)
            .unwrap();
        let at = |h: i64| filed + chrono::Duration::hours(h);
        let open = CaseStatus::InProgress;
        assert_eq!(
            levels.overdue(open, CaseCategory::Customs, filed, None, at(23)),
            None
        );
        assert_eq!(
            levels.overdue(open, CaseCategory::Customs, filed, None, at(25)),
            Some(Overdue::FirstResponse)
        );
        assert_eq!(
            levels.overdue(open, CaseCategory::Customs, filed, Some(at(10)), at(25)),
            None
        );
        assert_eq!(
            levels.overdue(open, CaseCategory::Utilities, filed, Some(at(1)), at(73)),
            Some(Overdue::Resolution)
        );
        assert_eq!(
            levels.overdue(
                CaseStatus::Resolved,
                CaseCategory::Utilities,
                filed,
                None,
                at(500)
            ),
            None
        );
    }

    #[test]
    fn ratings_are_one_to_five() {
        assert_eq!(parse_rating("۵"), Some(5));
        assert_eq!(parse_rating("0"), None);
        assert_eq!(parse_rating("6"), None);
    }
}
