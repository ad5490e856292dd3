//! Rate limits for the sensitive forms, per client address and per account.

use std::net::IpAddr;
use std::num::NonZeroU32;

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

/// What is being limited.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Login,
    Signup,
    PasswordReset,
    VerificationResend,
}

pub struct Limits {
    login: DefaultKeyedRateLimiter<String>,
    signup: DefaultKeyedRateLimiter<String>,
    reset: DefaultKeyedRateLimiter<String>,
    resend: DefaultKeyedRateLimiter<String>,
}

fn per_minute(n: u32, burst: u32) -> Quota {
    Quota::per_minute(NonZeroU32::new(n).expect("non-zero"))
        .allow_burst(NonZeroU32::new(burst).expect("non-zero"))
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            // Ten attempts at once, then one every six seconds.
            login: RateLimiter::keyed(per_minute(10, 10)),
            signup: RateLimiter::keyed(per_minute(5, 5)),
            reset: RateLimiter::keyed(per_minute(3, 5)),
            resend: RateLimiter::keyed(per_minute(2, 3)),
        }
    }
}

impl Limits {
    fn limiter(&self, action: Action) -> &DefaultKeyedRateLimiter<String> {
        match action {
            Action::Login => &self.login,
            Action::Signup => &self.signup,
            Action::PasswordReset => &self.reset,
            Action::VerificationResend => &self.resend,
        }
    }

    /// Whether one more attempt is allowed for this client address and, when known, this
    /// account (an email address). Both budgets are spent.
    pub fn allow(&self, action: Action, client: Option<IpAddr>, account: Option<&str>) -> bool {
        let limiter = self.limiter(action);
        let by_client = client.is_none_or(|ip| limiter.check_key(&format!("ip:{ip}")).is_ok());
        let by_account = account.is_none_or(|a| limiter.check_key(&format!("account:{a}")).is_ok());
        by_client && by_account
    }
}
