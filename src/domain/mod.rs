//! Pure domain types and rules. Nothing here knows about HTTP, SQL or mail: values are parsed once
//! at the edge (forms, API, CLI, import) into these types and trusted afterwards.

pub mod account;
pub mod codes;
pub mod dates;
pub mod files;
pub mod money;
pub mod need;
pub mod organization;
pub mod places;
pub mod text;

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
