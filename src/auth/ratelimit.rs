//! Rate limits for the sensitive forms, per client address and per account.
//!
//! Each limiter keeps one small state per key (an address or an account); [`Limits::purge`]
//! drops the keys whose budget is full again, so a flood of distinct keys costs memory only
//! for as long as it could still matter. The job worker calls it every minute.

use std::net::IpAddr;
use std::num::NonZeroU32;

use governor::clock::{Clock, DefaultClock};
use governor::middleware::NoOpMiddleware;
use governor::state::keyed::DashMapStateStore;
use governor::{Quota, RateLimiter};

/// What is being limited.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Login,
    Signup,
    PasswordReset,
    VerificationResend,
    /// Invitations sent to colleagues (per account, and per address).
    Invite,
}

type Keyed<C> =
    RateLimiter<String, DashMapStateStore<String>, C, NoOpMiddleware<<C as Clock>::Instant>>;

pub struct Limits<C: Clock = DefaultClock> {
    /// Sign-in attempts per client (whatever the account).
    login: Keyed<C>,
    /// Wrong passwords per account and client (see [`super::throttle`]).
    pub logins: super::throttle::LoginThrottle,
    signup: Keyed<C>,
    reset: Keyed<C>,
    resend: Keyed<C>,
    invite: Keyed<C>,
}

fn per_minute(n: u32, burst: u32) -> Quota {
    Quota::per_minute(NonZeroU32::new(n).expect("non-zero"))
        .allow_burst(NonZeroU32::new(burst).expect("non-zero"))
}

/// `n` a day, at most five of them at once.
fn per_day(n: u32) -> Quota {
    let n = n.max(1);
    let period = std::time::Duration::from_secs(86_400 / u64::from(n))
        .max(std::time::Duration::from_secs(1));
    Quota::with_period(period)
        .expect("non-zero period")
        .allow_burst(NonZeroU32::new(n.min(5)).expect("non-zero"))
}

impl Limits<DefaultClock> {
    pub fn new(invites_per_day: u32) -> Self {
        Self::with_clock(invites_per_day, DefaultClock::default())
    }
}

impl Default for Limits<DefaultClock> {
    fn default() -> Self {
        Self::new(20)
    }
}

impl<C: Clock + Clone> Limits<C> {
    pub fn with_clock(invites_per_day: u32, clock: C) -> Self {
        let keyed = |q: Quota| RateLimiter::dashmap_with_clock(q, clock.clone());
        Self {
            // Ten attempts at once, then one every six seconds.
            login: keyed(per_minute(10, 10)),
            logins: Default::default(),
            signup: keyed(per_minute(5, 5)),
            reset: keyed(per_minute(3, 5)),
            resend: keyed(per_minute(2, 3)),
            invite: keyed(per_day(invites_per_day)),
        }
    }

    fn limiter(&self, action: Action) -> &Keyed<C> {
        match action {
            Action::Login => &self.login,
            Action::Signup => &self.signup,
            Action::PasswordReset => &self.reset,
            Action::VerificationResend => &self.resend,
            Action::Invite => &self.invite,
        }
    }

    fn all(&self) -> [&Keyed<C>; 5] {
        [
            &self.login,
            &self.signup,
            &self.reset,
            &self.resend,
            &self.invite,
        ]
    }

    /// Whether one more attempt is allowed for this client address and, when known, this
    /// account (an email address). Both budgets are spent.
    pub fn allow(&self, action: Action, client: Option<IpAddr>, account: Option<&str>) -> bool {
        let limiter = self.limiter(action);
        let by_client = client.is_none_or(|ip| limiter.check_key(&format!("ip:{ip}")).is_ok());
        let by_account = account.is_none_or(|a| limiter.check_key(&format!("account:{a}")).is_ok());
        by_client && by_account
    }

    /// Forgets the keys whose budget is whole again, and gives the memory back.
    pub fn purge(&self) {
        self.logins.purge(std::time::Instant::now());
        for l in self.all() {
            l.retain_recent();
            l.shrink_to_fit();
        }
    }

    /// How many keys are remembered, over all limits.
    pub fn len(&self) -> usize {
        self.all().iter().map(|l| l.len()).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use governor::clock::FakeRelativeClock;

    #[test]
    fn purge_forgets_keys_whose_budget_is_whole_again() {
        let clock = FakeRelativeClock::default();
        let limits = Limits::with_clock(20, clock.clone());
        for i in 0..40_000 {
            assert!(limits.allow(Action::Login, None, Some(&format!("user{i}@example.ir"))));
        }
        assert_eq!(limits.len(), 40_000);
        limits.purge();
        assert_eq!(limits.len(), 40_000, "budgets just spent are kept");
        clock.advance(std::time::Duration::from_secs(61));
        limits.purge();
        assert_eq!(limits.len(), 0, "a minute later nothing is left");
    }

    #[test]
    fn invitations_are_limited_per_account() {
        let limits = Limits::with_clock(20, FakeRelativeClock::default());
        let sent = (0..30)
            .filter(|_| limits.allow(Action::Invite, None, Some("buyer@example.ir")))
            .count();
        assert_eq!(sent, 5, "five at once, then the daily pace");
    }
}
