//! Pure domain types and rules. Nothing here knows about HTTP, SQL or mail: values are parsed once
//! at the edge (forms, API, CLI, import) into these types and trusted afterwards.

pub mod account;
pub mod alerts;
pub mod codes;
pub mod contacts;
pub mod dates;
pub mod desk;
pub mod exhibition;
pub mod files;
pub mod glossary;
pub mod mail;
pub mod matching;
pub mod money;
pub mod need;
pub mod organization;
pub mod pace;
pub mod places;
pub mod qr;
pub mod supplier;
pub mod text;

/// Declares a closed set stored as text, from one list of its values and their stored names:
/// the enum (serialized under those names), `ALL`, `as_str` and its [`StoredText`]. Methods of
/// its own (an exact or lenient `parse`, rules) are written beside it.
macro_rules! closed_set {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $text)] $variant),+
        }

        impl $name {
            /// Every value, in the order declared.
            pub const ALL: [$name; [$($text),+].len()] = [$($name::$variant),+];

            /// The stored (and serialized) name.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }
        }

        impl $crate::domain::StoredText for $name {
            const ALL: &'static [Self] = &$name::ALL;
            fn stored(self) -> &'static str {
                self.as_str()
            }
        }
    };
}
pub(crate) use closed_set;

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
