//! The domain's closed sets as diesel types: each is written as its one stored text and read
//! back through [`StoredText::from_stored`], so a row holding anything else is an error with
//! the value named, never a silent default. One macro serves every such type.

use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql, Queryable};
use diesel::expression::AsExpression;
use diesel::internal::derives::as_expression::Bound;
#[cfg(feature = "postgres")]
use diesel::pg::Pg;
use diesel::serialize::{self, IsNull, Output, ToSql};
use diesel::sql_types::{Nullable, Text};
use diesel::sqlite::Sqlite;

use crate::db::MultiBackend;

use crate::domain::StoredText;

/// Reads a stored value, naming the type and the text when it is not one.
pub fn read_stored<T: StoredText>(text: &str) -> deserialize::Result<T> {
    T::from_stored(text).ok_or_else(|| {
        format!(
            "the database holds {text:?}, which is not a {}",
            std::any::type_name::<T>()
        )
        .into()
    })
}

macro_rules! stored_text {
    ($($t:ty),* $(,)?) => {$(
        impl AsExpression<Text> for $t {
            type Expression = Bound<Text, Self>;
            fn as_expression(self) -> Self::Expression {
                Bound::new(self)
            }
        }

        impl AsExpression<Nullable<Text>> for $t {
            type Expression = Bound<Nullable<Text>, Self>;
            fn as_expression(self) -> Self::Expression {
                Bound::new(self)
            }
        }

        impl<'a> AsExpression<Text> for &'a $t {
            type Expression = Bound<Text, Self>;
            fn as_expression(self) -> Self::Expression {
                Bound::new(self)
            }
        }

        impl<'a> AsExpression<Nullable<Text>> for &'a $t {
            type Expression = Bound<Nullable<Text>, Self>;
            fn as_expression(self) -> Self::Expression {
                Bound::new(self)
            }
        }

        impl ToSql<Text, Sqlite> for $t {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> serialize::Result {
                out.set_value(self.stored());
                Ok(IsNull::No)
            }
        }

        #[cfg(feature = "postgres")]
        impl ToSql<Text, Pg> for $t {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
                <str as ToSql<Text, Pg>>::to_sql(self.stored(), out)
            }
        }

        impl ToSql<Text, MultiBackend> for $t {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, MultiBackend>) -> serialize::Result {
                out.set_value((Text, self));
                Ok(IsNull::No)
            }
        }

        impl ToSql<Nullable<Text>, MultiBackend> for $t {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, MultiBackend>) -> serialize::Result {
                <Self as ToSql<Text, MultiBackend>>::to_sql(self, out)
            }
        }

        impl FromSql<Text, Sqlite> for $t {
            fn from_sql(value: <Sqlite as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
                let text = <String as FromSql<Text, Sqlite>>::from_sql(value)?;
                read_stored(&text)
            }
        }

        #[cfg(feature = "postgres")]
        impl FromSql<Text, Pg> for $t {
            fn from_sql(value: <Pg as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
                let text = <String as FromSql<Text, Pg>>::from_sql(value)?;
                read_stored(&text)
            }
        }

        impl FromSql<Text, MultiBackend> for $t {
            fn from_sql(value: <MultiBackend as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
                value.from_sql::<Self, Text>()
            }
        }

        impl Queryable<Text, MultiBackend> for $t {
            type Row = Self;
            fn build(row: Self) -> deserialize::Result<Self> {
                Ok(row)
            }
        }
    )*};
}

stored_text!(
    crate::domain::need::NeedStatus,
    crate::domain::need::Unit,
    crate::domain::money::Currency,
    crate::domain::account::Role,
    crate::domain::organization::OrgKind,
    crate::domain::files::Visibility,
    crate::domain::files::FileGroup,
    crate::domain::mail::MailStatus,
    crate::domain::need::Decision,
    crate::domain::supplier::Process,
    crate::domain::supplier::Certification,
    crate::domain::supplier::InterestStatus,
    crate::domain::supplier::Outcome,
    crate::domain::alerts::InterestMail,
    crate::domain::alerts::Frequency,
    crate::domain::alerts::Reason,
    crate::domain::exhibition::EditionStatus,
    crate::domain::desk::CaseCategory,
    crate::domain::desk::Urgency,
    crate::domain::desk::Channel,
    crate::domain::desk::CaseStatus,
    crate::domain::desk::Side,
    crate::domain::desk::EventKind,
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::need::NeedStatus;

    #[test]
    fn unknown_stored_text_is_an_error_naming_it() {
        assert_eq!(
            read_stored::<NeedStatus>("published").unwrap(),
            NeedStatus::Published
        );
        let err = read_stored::<NeedStatus>("publish")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("\"publish\"") && err.contains("NeedStatus"),
            "{err}"
        );
    }
}
