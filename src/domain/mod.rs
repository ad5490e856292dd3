//! Pure domain types and rules. Nothing here knows about HTTP, SQL or mail: values are parsed once
//! at the edge (forms, API, CLI, import) into these types and trusted afterwards.

pub mod account;
pub mod codes;
pub mod dates;
pub mod files;
pub mod mail;
pub mod money;
pub mod need;
pub mod organization;
pub mod places;
pub mod text;

/// A closed set stored as text: each value has exactly one stored form, and reading any other
/// text is an error (never silently a default). The database layer maps every such type to its
/// text column through this trait.
pub trait StoredText: Sized + Copy + 'static {
    /// Every value, in a stable order.
    const ALL: &'static [Self];
    /// What the database holds.
    fn stored(self) -> &'static str;
    /// The value the database held, if it is one.
    fn from_stored(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.stored() == s)
    }
}

/// A problem with one named input field. `key` is a message key in [`crate::i18n`], so the same
/// error reads correctly in Persian and English.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldError {
    pub field: String,
    pub key: &'static str,
}

impl FieldError {
    pub fn new(field: impl Into<String>, key: &'static str) -> Self {
        Self {
            field: field.into(),
            key,
        }
    }
}
