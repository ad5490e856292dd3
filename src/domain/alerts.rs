//! Alerts: how often a saved search mails, why a need was announced to someone, what one
//! unsubscribe link turns off, and the calendar of digests (local time, one per period).

use chrono::{
    DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc, Weekday,
};

crate::domain::closed_set! {
    /// How a saved search (or a need announced by it) reaches its owner.
    pub enum Frequency {
        Instant = "instant",
        Daily = "daily",
        Weekly = "weekly",
    }
}

impl Frequency {
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.as_str() == s)
    }
}

crate::domain::closed_set! {
    /// Why a need was announced to a user.
    pub enum Reason {
        /// The user's maker profile matches it.
        Profile = "profile",
        /// One of the user's saved searches finds it.
        Search = "search",
    }
}

crate::domain::closed_set! {
    /// How a firm's members hear of new interests in its needs.
    pub enum InterestMail {
        Each = "each",
        Daily = "daily",
        Off = "off",
    }
}

impl InterestMail {
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.as_str() == s)
    }
}

/// What one unsubscribe link turns off. Transactional mail (verification, passwords,
/// introductions) has none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unsubscribe {
    /// "A need you could make" mails from the maker profile.
    Matches,
    /// One saved search (paused).
    Search(i32),
    /// Every alert: profile matches and all saved searches (the digest's header link).
    Alerts,
    /// Mails about new interests in the firm's needs.
    Interests,
    /// News of the exhibition (announcements of editions).
    News,
}

impl Unsubscribe {
    /// The form carried inside a signed token.
    pub fn encode(self) -> String {
        match self {
            Unsubscribe::Matches => "matches".into(),
            Unsubscribe::Search(id) => format!("search-{id}"),
            Unsubscribe::Alerts => "alerts".into(),
            Unsubscribe::Interests => "interests".into(),
            Unsubscribe::News => "news".into(),
        }
    }

    pub fn decode(s: &str) -> Option<Self> {
        match s {
            "matches" => Some(Unsubscribe::Matches),
            "alerts" => Some(Unsubscribe::Alerts),
            "interests" => Some(Unsubscribe::Interests),
            "news" => Some(Unsubscribe::News),
            _ => s
                .strip_prefix("search-")
                .and_then(|id| id.parse().ok())
                .filter(|id: &i32| *id > 0)
                .map(Unsubscribe::Search),
        }
    }
}

/// When digests go out: a local time of day in a time zone, and the weekday of the weekly one.
#[derive(Debug, Clone, Copy)]
pub struct Schedule {
    pub zone: chrono_tz::Tz,
    pub time: NaiveTime,
    pub weekly_on: Weekday,
}

impl Schedule {
    fn local_boundary(&self, date: NaiveDate) -> DateTime<Utc> {
        let local = date.and_time(self.time);
        // A time skipped by a clock change is taken an hour later; a repeated one, the first.
        self.zone
            .from_local_datetime(&local)
            .earliest()
            .or_else(|| {
                self.zone
                    .from_local_datetime(&(local + Duration::hours(1)))
                    .earliest()
            })
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_else(|| Utc.from_utc_datetime(&local))
    }

    /// The daily period due at `now`: the local date of the latest digest time passed.
    pub fn daily_period(&self, now: DateTime<Utc>) -> NaiveDate {
        let today = now.with_timezone(&self.zone).date_naive();
        if now >= self.local_boundary(today) {
            today
        } else {
            today.pred_opt().unwrap_or(today)
        }
    }

    /// The weekly period due at `now`: the date of the latest weekly digest time passed.
    pub fn weekly_period(&self, now: DateTime<Utc>) -> NaiveDate {
        let mut day = now.with_timezone(&self.zone).date_naive();
        for _ in 0..8 {
            if day.weekday() == self.weekly_on && now >= self.local_boundary(day) {
                return day;
            }
            day = day.pred_opt().unwrap_or(day);
        }
        day
    }

    /// When the daily digest due at `now` fell due, in UTC: it holds what arrived before then;
    /// what arrives after waits for the next one.
    pub fn daily_due(&self, now: DateTime<Utc>) -> NaiveDateTime {
        self.local_boundary(self.daily_period(now)).naive_utc()
    }

    /// When the weekly digest due at `now` fell due, in UTC.
    pub fn weekly_due(&self, now: DateTime<Utc>) -> NaiveDateTime {
        self.local_boundary(self.weekly_period(now)).naive_utc()
    }

    /// Midnight of `now`'s local date, in UTC: the start of the day the daily cap counts.
    pub fn local_day_start(&self, now: DateTime<Utc>) -> NaiveDateTime {
        let today = now.with_timezone(&self.zone).date_naive();
        let midnight = today.and_time(NaiveTime::MIN);
        self.zone
            .from_local_datetime(&midnight)
            .earliest()
            .map(|t| t.naive_utc())
            .unwrap_or(midnight)
    }
}

/// Parses `HH:MM`.
pub fn parse_time(s: &str) -> Option<NaiveTime> {
    NaiveTime::parse_from_str(s.trim(), "%H:%M").ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tehran() -> Schedule {
        Schedule {
            zone: chrono_tz::Asia::Tehran,
            time: parse_time("08:00").unwrap(),
            weekly_on: Weekday::Sat,
        }
    }

    fn utc(s: &str) -> DateTime<Utc> {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M")
            .unwrap()
            .and_utc()
    }

    #[test]
    fn the_daily_period_turns_at_the_local_digest_time() {
        let s = tehran();
        // 08:00 in Tehran is 04:30 UTC.
        assert_eq!(
            s.daily_period(utc("2026-12-01 04:29")).to_string(),
            "2026-11-30"
        );
        assert_eq!(
            s.daily_period(utc("2026-12-01 04:30")).to_string(),
            "2026-12-01"
        );
        // 22:00 UTC is already the next local date, before its digest time.
        assert_eq!(
            s.daily_period(utc("2026-12-01 22:00")).to_string(),
            "2026-12-01"
        );
    }

    #[test]
    fn the_weekly_period_is_the_last_saturday_passed() {
        let s = tehran();
        // 2026-12-05 is a Saturday.
        assert_eq!(
            s.weekly_period(utc("2026-12-05 04:29")).to_string(),
            "2026-11-28"
        );
        assert_eq!(
            s.weekly_period(utc("2026-12-05 04:30")).to_string(),
            "2026-12-05"
        );
        assert_eq!(
            s.weekly_period(utc("2026-12-10 12:00")).to_string(),
            "2026-12-05"
        );
    }

    #[test]
    fn the_cap_counts_from_local_midnight() {
        let s = tehran();
        assert_eq!(
            s.local_day_start(utc("2026-12-01 10:00")).to_string(),
            "2026-11-30 20:30:00"
        );
    }

    #[test]
    fn unsubscribe_kinds_round_trip_and_refuse_anything_else() {
        for kind in [
            Unsubscribe::Matches,
            Unsubscribe::Search(12),
            Unsubscribe::Alerts,
            Unsubscribe::Interests,
            Unsubscribe::News,
        ] {
            assert_eq!(Unsubscribe::decode(&kind.encode()), Some(kind));
        }
        for bad in [
            "",
            "search-",
            "search-0",
            "search-x",
            "newsletter",
            "search--1",
        ] {
            assert_eq!(Unsubscribe::decode(bad), None, "{bad}");
        }
    }
}
