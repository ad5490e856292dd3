//! How often one account may do the things that reach other people (their mailboxes, the
//! organizers' queue). Counted from the database, so every server sees the same count.

/// At most `most` in `hours` hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pace {
    pub most: i64,
    pub hours: i64,
}

/// Desk cases a firm's member files online in a day (the desk's phone stays open).
pub const DESK_CASES: Pace = Pace {
    most: 10,
    hours: 24,
};
/// Messages one account writes on desk cases in an hour (each mails an agency's
/// representatives or the firm).
pub const DESK_MESSAGES: Pace = Pace { most: 30, hours: 1 };
/// Reports of makers one firm member sends the organizers in a day.
pub const MAKER_REPORTS: Pace = Pace { most: 5, hours: 24 };

impl Pace {
    /// Whether one more is allowed after `done` within the window.
    pub fn allows(self, done: i64) -> bool {
        done < self.most
    }

    /// The start of the window ending at `now`.
    pub fn since(self, now: chrono::NaiveDateTime) -> chrono::NaiveDateTime {
        now - chrono::Duration::hours(self.hours)
    }
}
