//! Wrong passwords, throttled so that nobody can turn the throttle into a lock-out.
//!
//! A plain per-account budget let anyone lock anyone out: ten wrong passwords a minute from
//! anywhere answered the owner's correct password with 429. Here failures count per (account,
//! client): a client that keeps guessing one account is made to wait, longer after each
//! failure, while the owner signing in from another client is not. Guessing the same account
//! from many clients is slowed instead of refused: past a number of recent failures on an
//! account, every attempt on it waits a little before it is checked (at most
//! [`MAX_ACCOUNT_DELAY`]), so a correct password from a new client still works. The per-client
//! budget of [`super::ratelimit`] still bounds how fast one client tries accounts at all.
//!
//! Accounts are keyed on the normalized address (Persian or Arabic digits folded, lower case),
//! so another spelling of the same address gets no fresh budget. Kept in each server's memory.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failures from one client on one account before it must wait.
pub const FREE_FAILURES: u32 = 5;
/// The first wait; each further failure doubles it, up to [`MAX_CLIENT_WAIT`].
const FIRST_WAIT: Duration = Duration::from_secs(30);
const MAX_CLIENT_WAIT: Duration = Duration::from_secs(15 * 60);
/// Recent failures on one account (from any client) before its attempts are slowed.
const ACCOUNT_FREE_FAILURES: u32 = 10;
/// The most an attempt on a much-guessed account waits.
pub const MAX_ACCOUNT_DELAY: Duration = Duration::from_secs(3);
/// How long failures are remembered.
const MEMORY: Duration = Duration::from_secs(60 * 60);

#[derive(Debug, Clone, Copy)]
struct Failures {
    count: u32,
    last: Instant,
}

/// What the throttle says of one attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Check the password after waiting this long (zero mostly).
    Check(Duration),
    /// This client must wait this long before trying this account again.
    Wait(Duration),
}

#[derive(Default)]
pub struct LoginThrottle {
    pairs: Mutex<HashMap<(String, Option<IpAddr>), Failures>>,
    accounts: Mutex<HashMap<String, Failures>>,
}

fn fresh(f: &Failures, now: Instant) -> bool {
    now.saturating_duration_since(f.last) < MEMORY
}

impl LoginThrottle {
    /// Whether `client` may try `account` now, and how long the check should wait.
    pub fn verdict(&self, account: &str, client: Option<IpAddr>, now: Instant) -> Verdict {
        let pairs = self.pairs.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(f) = pairs.get(&(account.to_string(), client)) {
            if fresh(f, now) && f.count >= FREE_FAILURES {
                let wait = FIRST_WAIT
                    .saturating_mul(1 << (f.count - FREE_FAILURES).min(10))
                    .min(MAX_CLIENT_WAIT);
                let until = f.last + wait;
                if now < until {
                    return Verdict::Wait(until - now);
                }
            }
        }
        drop(pairs);
        let accounts = self.accounts.lock().unwrap_or_else(|e| e.into_inner());
        let delay = match accounts.get(account) {
            Some(f) if fresh(f, now) && f.count > ACCOUNT_FREE_FAILURES => {
                let over = f.count - ACCOUNT_FREE_FAILURES;
                Duration::from_millis(200 * u64::from(over)).min(MAX_ACCOUNT_DELAY)
            }
            _ => Duration::ZERO,
        };
        Verdict::Check(delay)
    }

    /// A wrong password (or an unknown account) from `client`.
    pub fn failed(&self, account: &str, client: Option<IpAddr>, now: Instant) {
        let bump = |f: &mut Failures| {
            if !fresh(f, now) {
                f.count = 0;
            }
            f.count = f.count.saturating_add(1);
            f.last = now;
        };
        let start = Failures {
            count: 0,
            last: now,
        };
        bump(
            self.pairs
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .entry((account.to_string(), client))
                .or_insert(start),
        );
        bump(
            self.accounts
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .entry(account.to_string())
                .or_insert(start),
        );
    }

    /// A correct password from `client`: its failures on this account are forgiven (others'
    /// are not: the account's own count keeps slowing a distributed guess).
    pub fn succeeded(&self, account: &str, client: Option<IpAddr>) {
        self.pairs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&(account.to_string(), client));
    }

    /// Forgets what is too old to matter.
    pub fn purge(&self, now: Instant) {
        self.pairs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|_, f| fresh(f, now));
        self.accounts
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|_, f| fresh(f, now));
    }
}

/// The key of an account as typed into the sign-in form: the normalized address when it is
/// one, else the folded text.
pub fn account_key(typed: &str) -> String {
    match crate::domain::account::Email::parse(typed) {
        Ok(e) => e.as_str().to_string(),
        Err(_) => crate::domain::codes::digits_to_latin(typed.trim()).to_lowercase(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(last: u8) -> Option<IpAddr> {
        Some(IpAddr::from([10, 0, 0, last]))
    }

    #[test]
    fn a_guessing_client_waits_and_the_owner_elsewhere_does_not() {
        let t = LoginThrottle::default();
        let start = Instant::now();
        for i in 0..FREE_FAILURES {
            assert_eq!(
                t.verdict("admin@example.ir", ip(1), start),
                Verdict::Check(Duration::ZERO),
                "attempt {i}"
            );
            t.failed("admin@example.ir", ip(1), start);
        }
        assert!(matches!(
            t.verdict("admin@example.ir", ip(1), start),
            Verdict::Wait(w) if w == FIRST_WAIT
        ));
        // The owner, from another client, is checked at once.
        assert_eq!(
            t.verdict("admin@example.ir", ip(2), start),
            Verdict::Check(Duration::ZERO)
        );
        // The wait doubles with each failure after it.
        let later = start + FIRST_WAIT;
        assert!(matches!(
            t.verdict("admin@example.ir", ip(1), later),
            Verdict::Check(_)
        ));
        t.failed("admin@example.ir", ip(1), later);
        assert!(matches!(
            t.verdict("admin@example.ir", ip(1), later),
            Verdict::Wait(w) if w == FIRST_WAIT * 2
        ));
    }

    #[test]
    fn many_clients_slow_an_account_but_never_lock_it() {
        let t = LoginThrottle::default();
        let now = Instant::now();
        for i in 0..200u8 {
            t.failed("admin@example.ir", ip(i), now);
        }
        match t.verdict("admin@example.ir", ip(250), now) {
            Verdict::Check(d) => assert_eq!(d, MAX_ACCOUNT_DELAY),
            v => panic!("a new client is locked out: {v:?}"),
        }
        // An hour later it is all forgotten.
        let later = now + MEMORY;
        t.purge(later);
        assert_eq!(
            t.verdict("admin@example.ir", ip(250), later),
            Verdict::Check(Duration::ZERO)
        );
    }

    #[test]
    fn the_key_is_the_normalized_address() {
        assert_eq!(account_key(" Admin۱@Example.IR "), "admin1@example.ir");
        assert_eq!(account_key("ADMIN١@example.ir"), "admin1@example.ir");
        assert_eq!(account_key("not an address"), "not an address");
    }
}
