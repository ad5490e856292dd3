//! The need: a part a firm imports and wants made domestically, and its lifecycle.

use serde::Serialize;

crate::domain::closed_set! {
    pub enum NeedStatus {
        Draft = "draft",
        PendingReview = "pending_review",
        Published = "published",
        InTalks = "in_talks",
        Localized = "localized",
        Closed = "closed",
        Expired = "expired",
    }
}

impl NeedStatus {
    /// Statuses the public catalogue shows.
    pub const PUBLIC: [NeedStatus; 3] = [
        NeedStatus::Published,
        NeedStatus::InTalks,
        NeedStatus::Localized,
    ];

    pub fn parse(s: &str) -> Option<Self> {
        <Self as crate::domain::StoredText>::from_stored(s.trim())
    }

    pub fn is_public(self) -> bool {
        Self::PUBLIC.contains(&self)
    }

    /// Statuses the public can still offer to make: a localized part is a success story, not work.
    pub fn is_open(self) -> bool {
        matches!(self, NeedStatus::Published | NeedStatus::InTalks)
    }

    /// When a need was first published: kept once set, set when it first becomes public.
    pub fn published_at<T: Copy>(self, before: Option<T>, now: T) -> Option<T> {
        match before {
            Some(t) => Some(t),
            None if self.is_public() => Some(now),
            None => None,
        }
    }

    /// The one rule for changes that reach the public: what a need becomes when its firm changes
    /// it. `significant` is a change of its text or drawings (anything readers see as written by
    /// the firm); staff edits are reviewed by being made by staff.
    ///
    /// - a public need significantly changed goes back to review;
    /// - an expired one becomes a draft, so renewing can never publish unreviewed text;
    /// - a localized or closed need is finished: its firm cannot change it (duplicate it instead);
    /// - anything else keeps its status.
    ///
    /// Every path that edits a need or its files passes through here.
    pub fn after_change(self, significant: bool, by_staff: bool) -> Result<Self, &'static str> {
        if by_staff {
            return Ok(self);
        }
        match self {
            NeedStatus::Localized | NeedStatus::Closed => Err("error.need_final"),
            NeedStatus::Published | NeedStatus::InTalks if significant => {
                Ok(NeedStatus::PendingReview)
            }
            NeedStatus::Expired if significant => Ok(NeedStatus::Draft),
            s => Ok(s),
        }
    }
}

crate::domain::closed_set! {
    /// An organizer's decision on a need awaiting review.
    pub enum Decision {
        Approved = "approved",
        Rejected = "rejected",
    }
}

crate::domain::closed_set! {
    /// Units a yearly quantity is counted in.
    pub enum Unit {
        Piece = "piece",
        Set = "set",
        Pair = "pair",
        Kg = "kg",
        Ton = "ton",
        Meter = "meter",
        SquareMeter = "square_meter",
        Liter = "liter",
        Roll = "roll",
    }
}

impl Unit {
    pub fn parse(s: &str) -> Option<Self> {
        let s = super::text::normalize(s);
        Self::ALL
            .into_iter()
            .find(|u| u.as_str() == s)
            .or(match s.as_str() {
                "عدد" | "pcs" | "pc" | "قطعه" => Some(Unit::Piece),
                "دست" | "ست" => Some(Unit::Set),
                "جفت" => Some(Unit::Pair),
                "کیلوگرم" | "کیلو" => Some(Unit::Kg),
                "تن" => Some(Unit::Ton),
                "متر" | "m" => Some(Unit::Meter),
                "مترمربع" | "متر مربع" | "m2" => Some(Unit::SquareMeter),
                "لیتر" | "l" => Some(Unit::Liter),
                "رول" => Some(Unit::Roll),
                _ => None,
            })
    }
}

/// One key/value line of a specification sheet (dimensions, tolerance, weight, standard...).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct SpecItem {
    pub key: String,
    pub value: String,
}

/// Parses "key: value" lines, the way specs are typed in a textarea or a spreadsheet cell
/// (lines or semicolons separate items).
pub fn parse_spec_items(input: &str) -> Vec<SpecItem> {
    input
        .split(['\n', ';', '؛'])
        .filter_map(|line| {
            let (k, v) = line.split_once([':', '='])?;
            let (k, v) = (super::text::clean(k), super::text::clean(v));
            (!k.is_empty() && !v.is_empty()).then_some(SpecItem { key: k, value: v })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip() {
        for s in NeedStatus::ALL {
            assert_eq!(NeedStatus::parse(s.as_str()), Some(s));
        }
        assert!(NeedStatus::Published.is_public());
        assert!(!NeedStatus::Draft.is_public());
        assert!(!NeedStatus::Localized.is_open());
    }

    #[test]
    fn units_in_persian() {
        assert_eq!(Unit::parse("عدد"), Some(Unit::Piece));
        assert_eq!(Unit::parse("كيلوگرم"), Some(Unit::Kg));
        assert_eq!(Unit::parse("kg"), Some(Unit::Kg));
        assert_eq!(Unit::parse("box"), None);
    }

    #[test]
    fn spec_lines() {
        let items = parse_spec_items("قطر داخلی: 25 mm\ntolerance = h7; bad line");
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].key, "قطر داخلی");
        assert_eq!(items[1].value, "h7");
    }
}

#[cfg(test)]
mod review_rule_tests {
    use super::NeedStatus::{self, *};

    /// Every status, significant or not, by a firm or by staff: public text never changes
    /// without review, and finished needs stay finished.
    #[test]
    fn every_status_through_the_review_rule() {
        type Outcome = Result<NeedStatus, &'static str>;
        let table: [(NeedStatus, Outcome, Outcome); 7] = [
            // (status, minor change by the firm, significant change by the firm)
            (Draft, Ok(Draft), Ok(Draft)),
            (PendingReview, Ok(PendingReview), Ok(PendingReview)),
            (Published, Ok(Published), Ok(PendingReview)),
            (InTalks, Ok(InTalks), Ok(PendingReview)),
            (Localized, Err("error.need_final"), Err("error.need_final")),
            (Closed, Err("error.need_final"), Err("error.need_final")),
            (Expired, Ok(Expired), Ok(Draft)),
        ];
        assert_eq!(table.len(), NeedStatus::ALL.len());
        for (status, minor, significant) in table {
            assert_eq!(status.after_change(false, false), minor, "{status:?} minor");
            assert_eq!(
                status.after_change(true, false),
                significant,
                "{status:?} significant"
            );
            assert_eq!(
                status.after_change(true, true),
                Ok(status),
                "{status:?} staff"
            );
            // Whatever a firm does, a significant change never leaves text public unreviewed.
            if let Ok(after) = status.after_change(true, false) {
                assert!(
                    !after.is_public(),
                    "{status:?} -> {after:?} is public unreviewed"
                );
            }
        }
    }
}
