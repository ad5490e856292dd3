//! Security primitives: password hashing, random tokens, TOTP and rate limits. No HTTP here.

pub mod ratelimit;
pub mod throttle;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use sha2::{Digest, Sha256};

/// A random token, 32 bytes as 64 hex characters.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    getrandom::getrandom(&mut bytes).expect("the operating system provides randomness");
    hex(&bytes)
}

/// A form token as a page carries it: a fresh random mask and the token XORed with it, so the
/// bytes differ in every response. A compressed page that also reflects what a visitor typed
/// then gives nothing to guess the token by (BREACH).
pub fn mask_token(token: &str) -> String {
    let Some(raw) = unhex(token) else {
        return token.to_string();
    };
    let mut mask = vec![0u8; raw.len()];
    getrandom::getrandom(&mut mask).expect("the operating system provides randomness");
    let masked: Vec<u8> = raw.iter().zip(&mask).map(|(t, m)| t ^ m).collect();
    format!("{}{}", hex(&mask), hex(&masked))
}

/// The token a masked form token stands for; a token sent unmasked is itself.
pub fn unmask_token(sent: &str) -> Option<String> {
    let raw = unhex(sent)?;
    if raw.len() == 32 {
        return Some(sent.to_ascii_lowercase());
    }
    if raw.len() != 64 {
        return None;
    }
    let (mask, masked) = raw.split_at(32);
    Some(hex(&mask
        .iter()
        .zip(masked)
        .map(|(m, t)| m ^ t)
        .collect::<Vec<_>>()))
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).ok())
        .collect()
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// SHA-256 of a token, as stored in the database: a leaked table reveals no usable token.
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// Constant-time comparison of two strings (tokens, codes): how long it takes tells nothing
/// about where they differ.
pub fn same(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

/// Hashes a password with argon2id (default parameters: 19 MiB, 2 passes). Slow on purpose:
/// call it off the async executor.
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let mut salt_bytes = [0u8; 16];
    getrandom::getrandom(&mut salt_bytes)?;
    let salt = SaltString::encode_b64(&salt_bytes).map_err(|e| anyhow::anyhow!("salt: {e}"))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hashing: {e}"))
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A hash of the right shape that matches nothing, verified when an account does not exist so
/// that timing does not reveal which emails are registered.
pub fn dummy_verify(password: &str) {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let hash = DUMMY.get_or_init(|| hash_password("not a real password").unwrap_or_default());
    let _ = verify_password(password, hash);
}

/// Time-based one-time passwords (RFC 6238: SHA-1, 6 digits, 30 s), as authenticator apps use.
pub mod totp {
    use totp_rs::{Algorithm, Secret, TOTP};

    pub fn new_secret() -> String {
        Secret::generate_secret().to_encoded().to_string()
    }

    fn totp(secret_b32: &str, account: &str) -> Option<TOTP> {
        let bytes = Secret::Encoded(secret_b32.to_string()).to_bytes().ok()?;
        TOTP::new(
            Algorithm::SHA1,
            6,
            1,
            30,
            bytes,
            Some("Niaz".to_string()),
            account.to_string(),
        )
        .ok()
    }

    /// Accepts the current code and the ones just before and after (clock drift).
    pub fn check(secret_b32: &str, code: &str) -> bool {
        matching_step(secret_b32, code).is_some()
    }

    /// The 30-second time step whose code this is (the current one or its neighbours), so the
    /// caller can refuse a step already used: a code is good once.
    pub fn matching_step(secret_b32: &str, code: &str) -> Option<i64> {
        let code: String = crate::domain::codes::digits_to_latin(code)
            .chars()
            .filter(char::is_ascii_digit)
            .collect();
        if code.len() != 6 {
            return None;
        }
        let t = totp(secret_b32, "user")?;
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .ok()?
            .as_secs();
        let step = now / 30;
        [step.saturating_sub(1), step, step + 1]
            .into_iter()
            .find(|s| super::same(&t.generate(s * 30), &code))
            .map(|s| s as i64)
    }

    /// The current code (tests, and nothing else, need this).
    pub fn current(secret_b32: &str) -> Option<String> {
        totp(secret_b32, "user")?.generate_current().ok()
    }

    /// The code of the time step after the current one (tests: a second code that is valid
    /// now, without waiting 30 seconds).
    pub fn next(secret_b32: &str) -> Option<String> {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .ok()?
            .as_secs();
        Some(totp(secret_b32, "user")?.generate((now / 30 + 1) * 30))
    }

    /// The otpauth:// URL an authenticator app scans.
    pub fn url(secret_b32: &str, account: &str) -> Option<String> {
        Some(totp(secret_b32, account)?.get_url())
    }

    /// The URL as an SVG QR code.
    pub fn qr_svg(url: &str) -> Option<String> {
        let code = qrcode::QrCode::new(url.as_bytes()).ok()?;
        Some(
            code.render::<qrcode::render::svg::Color>()
                .min_dimensions(200, 200)
                .build(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_and_verify() {
        let h = hash_password("گذرواژه‌ای بلند و فارسی").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("گذرواژه‌ای بلند و فارسی", &h));
        assert!(!verify_password("گذرواژه‌ای بلند و فارسی!", &h));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn tokens() {
        let t = random_token();
        assert_eq!(t.len(), 64);
        assert_ne!(t, random_token());
        assert_eq!(token_hash("a").len(), 64);
        assert!(same("abc", "abc") && !same("abc", "abd") && !same("abc", "ab"));
    }

    #[test]
    fn totp_codes() {
        let secret = totp::new_secret();
        let code = totp::current(&secret).unwrap();
        assert!(totp::check(&secret, &code));
        assert!(!totp::check(&secret, "000000") || code == "000000");
        assert!(totp::url(&secret, "a@b.ir")
            .unwrap()
            .starts_with("otpauth://totp/"));
        assert!(totp::qr_svg("otpauth://x").unwrap().contains("<svg"));
    }
}

/// Signs links that must work without a session (one-click unsubscribe): HMAC-SHA256 under a
/// key kept in the database, so every server of a deployment accepts every link and a link
/// cannot be made or altered without the key.
#[derive(Clone)]
pub struct Signer {
    key: [u8; 32],
}

/// Why a signed link was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkError {
    /// Not made by this site, or altered.
    Invalid,
    /// Made by this site, but too old.
    Expired,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Signer(..)")
    }
}

impl Signer {
    /// From a key of 64 hex characters (as [`random_token`] makes).
    pub fn from_hex(hex_key: &str) -> anyhow::Result<Self> {
        let bytes: Vec<u8> = (0..hex_key.len())
            .step_by(2)
            .map(|i| {
                hex_key
                    .get(i..i + 2)
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
            })
            .collect::<Option<_>>()
            .ok_or_else(|| anyhow::anyhow!("the link key is not hexadecimal"))?;
        let key: [u8; 32] = bytes
            .try_into()
            .map_err(|_| anyhow::anyhow!("the link key must be 32 bytes"))?;
        Ok(Self { key })
    }

    fn mac(&self, payload: &str) -> String {
        use hmac::{Hmac, Mac};
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.key)
            .expect("HMAC takes a key of any length");
        mac.update(payload.as_bytes());
        hex(&mac.finalize().into_bytes())
    }

    /// A token for `user` and `what` (which must not contain a dot), valid until `expires`.
    pub fn sign(&self, user: i32, what: &str, expires: chrono::DateTime<chrono::Utc>) -> String {
        let payload = format!("{user}.{what}.{}", expires.timestamp());
        let mac = self.mac(&payload);
        format!("{payload}.{mac}")
    }

    /// The user and the signed text of a token, if this site made it and it is not expired.
    pub fn verify(
        &self,
        token: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<(i32, String), LinkError> {
        let (payload, mac) = token.rsplit_once('.').ok_or(LinkError::Invalid)?;
        if token.len() > 200 || !same(&self.mac(payload), mac) {
            return Err(LinkError::Invalid);
        }
        let mut parts = payload.splitn(3, '.');
        let user = parts.next().and_then(|u| u.parse::<i32>().ok());
        let what = parts.next();
        let expires = parts.next().and_then(|e| e.parse::<i64>().ok());
        let (Some(user), Some(what), Some(expires)) = (user, what, expires) else {
            return Err(LinkError::Invalid);
        };
        if now.timestamp() > expires {
            return Err(LinkError::Expired);
        }
        Ok((user, what.to_string()))
    }
}

#[cfg(test)]
mod mask_tests {
    use super::*;

    #[test]
    fn masked_tokens_differ_every_time_and_stand_for_the_token() {
        let token = random_token();
        let (a, b) = (mask_token(&token), mask_token(&token));
        assert_ne!(a, b);
        assert_eq!(a.len(), 128);
        assert_eq!(unmask_token(&a).as_deref(), Some(token.as_str()));
        assert_eq!(unmask_token(&b).as_deref(), Some(token.as_str()));
        assert_eq!(unmask_token(&token).as_deref(), Some(token.as_str()));
        assert_eq!(unmask_token(""), None);
        assert_eq!(unmask_token("zz"), None);
        assert_ne!(unmask_token(&a[..126]).as_deref(), Some(token.as_str()));
    }
}

#[cfg(test)]
mod signer_tests {
    use super::*;

    #[test]
    fn a_signed_link_is_accepted_until_it_expires_and_never_when_altered() {
        let signer = Signer::from_hex(&random_token()).unwrap();
        let now = chrono::Utc::now();
        let token = signer.sign(7, "search-3", now + chrono::Duration::days(1));
        assert_eq!(signer.verify(&token, now), Ok((7, "search-3".into())));
        assert_eq!(
            signer.verify(&token, now + chrono::Duration::days(2)),
            Err(LinkError::Expired)
        );
        let altered = token.replacen("7.", "8.", 1);
        assert_eq!(signer.verify(&altered, now), Err(LinkError::Invalid));
        let other = Signer::from_hex(&random_token()).unwrap();
        assert_eq!(other.verify(&token, now), Err(LinkError::Invalid));
        for junk in ["", ".", "a.b.c.d", "1.x.99999999999.zz"] {
            assert_eq!(signer.verify(junk, now), Err(LinkError::Invalid));
        }
    }
}
