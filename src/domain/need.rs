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

/// Everything that can happen to a need's status, from any path. [`NeedStatus::apply`] is the
/// one rule that decides each: introductions, follow-ups, expiry, closing, renewal, review,
/// edits and imports all pass through it, so none can publish what the organizers never saw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NeedEvent {
    /// Its firm (or staff) saved a change; `submit` asks for it to be published.
    Edited {
        significant: bool,
        by_staff: bool,
        submit: bool,
    },
    /// Its firm (or staff) added or removed a drawing or photo: a significant change.
    FilesChanged { by_staff: bool },
    /// Organizers set it from a spreadsheet row's status column (an import is staff's work).
    Imported(NeedStatus),
    /// An organizer approved it after review.
    Approved,
    /// An organizer sent it back to its firm.
    Rejected,
    /// Its firm and a maker were introduced.
    Introduced,
    /// Its firm confirmed that the part is now made at home.
    Localized,
    /// Its period ran out.
    Expired,
    /// Its firm kept it up for another period.
    Renewed,
    /// Its firm took it off the catalogue.
    Closed,
}

/// What [`NeedStatus::apply`] decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transition {
    pub from: NeedStatus,
    pub to: NeedStatus,
}

impl Transition {
    pub fn changed(self) -> bool {
        self.from != self.to
    }

    /// Whether the need becomes news for makers' alerts: it becomes public now and was not
    /// public in its present text before (a first publication, or one that passed review again
    /// after a significant change). A renewal after expiry, an introduction or any change that
    /// keeps a need public is not news.
    pub fn is_news(self) -> bool {
        self.to.is_public() && !self.from.is_public() && self.from != NeedStatus::Expired
    }
}

impl NeedStatus {
    /// The one status-transition rule. `Err` is a refusal to show its user (a message key);
    /// an event that does not apply to the present status leaves it as it is. Whatever the
    /// event, a need that is not public becomes public only through review (or staff), and a
    /// public one leaves the catalogue only through review, expiry or closing.
    pub fn apply(self, event: NeedEvent) -> Result<Transition, &'static str> {
        use NeedStatus::*;
        let to = match event {
            NeedEvent::Edited {
                significant,
                by_staff,
                submit,
            } => match self.after_change(significant, by_staff)? {
                Draft | PendingReview if by_staff && submit => Published,
                Draft | PendingReview if submit => PendingReview,
                Draft | PendingReview => Draft,
                s => s,
            },
            NeedEvent::FilesChanged { by_staff } => self.after_change(true, by_staff)?,
            NeedEvent::Imported(to) => to,
            NeedEvent::Approved if self == PendingReview => Published,
            NeedEvent::Rejected if self == PendingReview => Draft,
            NeedEvent::Approved | NeedEvent::Rejected => return Err("error.not_pending"),
            NeedEvent::Introduced if self == Published => InTalks,
            // An outcome never changes what the public may see: only a public, open need
            // becomes a success story.
            NeedEvent::Localized if self.is_open() => Localized,
            NeedEvent::Expired if self.is_open() => Expired,
            NeedEvent::Renewed if matches!(self, Published | Expired) => Published,
            NeedEvent::Renewed => return Err("error.not_renewable"),
            NeedEvent::Closed => Closed,
            NeedEvent::Introduced | NeedEvent::Localized | NeedEvent::Expired => self,
        };
        Ok(Transition { from: self, to })
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

#[cfg(test)]
mod transition_tests {
    use super::NeedEvent::{self, *};
    use super::NeedStatus::{self, *};

    fn events() -> Vec<NeedEvent> {
        let mut all = vec![
            Approved,
            Rejected,
            Introduced,
            NeedEvent::Localized,
            NeedEvent::Expired,
            Renewed,
            NeedEvent::Closed,
        ];
        for by_staff in [false, true] {
            all.push(FilesChanged { by_staff });
        }
        all.extend(NeedStatus::ALL.map(Imported));
        for significant in [false, true] {
            for by_staff in [false, true] {
                for submit in [false, true] {
                    all.push(Edited {
                        significant,
                        by_staff,
                        submit,
                    });
                }
            }
        }
        all
    }

    /// Every event on every status: nothing becomes public except by review, by staff, or by
    /// renewing a need that was public (and so reviewed) before it expired.
    #[test]
    fn nothing_becomes_public_without_review() {
        for from in NeedStatus::ALL {
            for event in events() {
                let Ok(t) = from.apply(event) else { continue };
                if t.to.is_public() && !from.is_public() {
                    let allowed = matches!(event, Approved | Renewed | Imported(_))
                        || matches!(event, Edited { by_staff: true, .. });
                    assert!(allowed, "{from:?} --{event:?}--> {:?}", t.to);
                    if event == Renewed {
                        assert_eq!(from, NeedStatus::Expired);
                    }
                }
            }
        }
    }

    /// The review bypass of the third audit: a firm that says "localized" about a need in
    /// review, rejected (a draft), closed or expired changes nothing anyone can see.
    #[test]
    fn an_outcome_never_changes_the_visibility_of_a_need() {
        for from in NeedStatus::ALL {
            let t = from.apply(NeedEvent::Localized).unwrap();
            assert_eq!(t.to.is_public(), from.is_public(), "{from:?}");
            let t = from.apply(Introduced).unwrap();
            assert_eq!(t.to.is_public(), from.is_public(), "{from:?}");
        }
        assert_eq!(
            Published.apply(NeedEvent::Localized).unwrap().to,
            NeedStatus::Localized
        );
        assert_eq!(
            InTalks.apply(NeedEvent::Localized).unwrap().to,
            NeedStatus::Localized
        );
        assert_eq!(
            PendingReview.apply(NeedEvent::Localized).unwrap().to,
            PendingReview
        );
        assert_eq!(Draft.apply(NeedEvent::Localized).unwrap().to, Draft);
    }

    #[test]
    fn news_is_a_first_or_reviewed_publication_only() {
        let approve = PendingReview.apply(Approved).unwrap();
        assert!(approve.is_news());
        assert!(!NeedStatus::Expired.apply(Renewed).unwrap().is_news());
        assert!(!Published.apply(Introduced).unwrap().is_news());
        assert!(!Published
            .apply(Edited {
                significant: false,
                by_staff: false,
                submit: true
            })
            .unwrap()
            .is_news());
        assert!(Draft
            .apply(Edited {
                significant: true,
                by_staff: true,
                submit: true
            })
            .unwrap()
            .is_news());
        assert_eq!(Published.apply(Approved), Err("error.not_pending"));
        assert_eq!(InTalks.apply(Renewed), Err("error.not_renewable"));
    }
}
