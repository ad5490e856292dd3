//! What every form handler shares: the guarded form extractor, redirects, confirmation messages
//! and the one check of a `next` path.
//!
//! [`Posted`] is the only way a handler receives an url-encoded form. It refuses a cross-site
//! request and a request without a session or visitor token *before* reading the body, reads at
//! most [`FORM_LIMIT`] bytes, and compares the form's CSRF token before the fields are parsed, so
//! a handler only ever validates input that passed the CSRF check. Multipart uploads carry their
//! token in the query string instead and are checked the same way before their body is read
//! ([`check_csrf_query`]).

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, HttpResponse};
use serde::de::DeserializeOwned;
use serde::Deserialize;

use super::session::{check_origin, csrf_matches, Viewer};
use crate::error::AppError;
use crate::i18n;

/// Largest url-encoded form body accepted (the need form with a long description fits easily).
pub const FORM_LIMIT: usize = 64 * 1024;

/// A form that passed the CSRF check; `T` is parsed only after it.
pub struct Posted<T>(pub T);

impl<T> std::ops::Deref for Posted<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> Posted<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

#[derive(Deserialize)]
struct TokenOnly {
    #[serde(default)]
    csrf: String,
}

impl<T: DeserializeOwned + 'static> FromRequest for Posted<T> {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let viewer = Viewer::of(&req);
        // Decided before a byte of the body is read.
        let early = check_origin(&req).and_then(|()| {
            if viewer.0.is_none() && super::session::visitor_token(&req).is_none() {
                Err(AppError::Forbidden)
            } else {
                Ok(())
            }
        });
        let too_long = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok())
            .is_some_and(|n| n > FORM_LIMIT);
        let body = actix_web::web::Bytes::from_request(&req, payload);
        Box::pin(async move {
            early?;
            if too_long {
                return Err(AppError::TooLarge.into());
            }
            let bytes = body.await?;
            if bytes.len() > FORM_LIMIT {
                return Err(AppError::TooLarge.into());
            }
            let token: TokenOnly =
                serde_urlencoded::from_bytes(&bytes).map_err(|_| AppError::Forbidden)?;
            if !csrf_matches(&req, &viewer, &token.csrf) {
                return Err(AppError::Forbidden.into());
            }
            let value: T = serde_urlencoded::from_bytes(&bytes)
                .map_err(|_| AppError::invalid("form", "error.bad_request"))?;
            Ok(Posted(value))
        })
    }
}

/// A form with nothing but its token (logout, "log out everywhere", simple buttons).
#[derive(Deserialize)]
pub struct Empty {}

/// The CSRF check of a multipart upload, whose token travels in the form's action URL
/// (`?csrf=`) so that it is checked before the body is read.
pub fn check_csrf_query(req: &HttpRequest, viewer: &Viewer) -> Result<(), AppError> {
    check_origin(req)?;
    let token = req
        .query_string()
        .split('&')
        .find_map(|p| p.strip_prefix("csrf="))
        .unwrap_or("");
    if csrf_matches(req, viewer, token) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// The `?done=` of a page reached after a form, naming its confirmation message.
#[derive(Deserialize)]
pub struct DoneQuery {
    pub done: Option<String>,
}

/// A 303 redirect to a path of this site, still open for cookies.
pub fn redirect(to: &str) -> actix_web::HttpResponseBuilder {
    let mut res = HttpResponse::SeeOther();
    res.insert_header((header::LOCATION, to.to_string()));
    res
}

/// A 303 redirect to a path of this site.
pub fn see_other(to: &str) -> HttpResponse {
    redirect(to).finish()
}

/// A confirmation message key from `?done=`, only if it names one.
pub fn flash(done: Option<&str>) -> Option<String> {
    let d = done?;
    i18n::lookup(i18n::Lang::Fa, &format!("flash.{d}")).map(|_| d.to_string())
}

/// A `next` path to return to, or `None` when it is not plainly a path of this site.
///
/// Browsers strip tabs and newlines from URLs and read `\` as `/`, so `/\t/evil.example` or
/// `/\evil.example` would leave the site; control characters would also break the `Location`
/// header. Only a path that parses as a same-origin path and contains none of these is kept.
pub fn safe_next(next: Option<&str>) -> Option<String> {
    let n = next?;
    let plain = n.starts_with('/')
        && !n.starts_with("//")
        && n.chars()
            .all(|c| !c.is_control() && !c.is_whitespace() && c != '\\')
        && !n.is_empty()
        && n.len() <= 2048;
    if !plain {
        return None;
    }
    let uri: actix_web::http::Uri = n.parse().ok()?;
    (uri.scheme().is_none() && uri.authority().is_none()).then(|| n.to_string())
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_paths_stay_on_the_site() {
        for good in [
            "/",
            "/account",
            "/needs/12?lang=en",
            "/search?q=%D9%BE%D9%85%D9%BE",
        ] {
            assert_eq!(safe_next(Some(good)).as_deref(), Some(good), "{good}");
        }
        for bad in [
            "//evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r",
            "/\u{b}",
            "/\\evil.example",
            "/ /evil.example",
            "https://evil.example",
            "evil.example",
            "",
            "javascript:alert(1)",
        ] {
            assert_eq!(safe_next(Some(bad)), None, "{bad:?}");
        }
    }
}

/// Bounds of one multipart upload: the file's size, and how many text fields may come with it.
#[derive(Debug, Clone, Copy)]
pub struct UploadLimits {
    pub max_file_bytes: usize,
    pub max_fields: usize,
    /// Files (parts named `file`) accepted; each may have up to `max_file_bytes`.
    pub max_files: usize,
}

/// Room for the text fields and multipart framing beside the file.
const UPLOAD_OVERHEAD: usize = 64 * 1024;

/// A multipart upload as read: its text fields, and its files (name and bytes) in order.
#[derive(Debug, Default)]
pub struct Upload {
    pub fields: std::collections::HashMap<String, String>,
    /// Every text field in order, repeated names included (checkbox lists).
    pub pairs: Vec<(String, String)>,
    pub files: Vec<(String, Vec<u8>)>,
    /// Files over the size limit, read past and dropped so the fields after them still
    /// arrive: (name as sent, size in bytes).
    pub refused: Vec<(String, usize)>,
}

impl Upload {
    /// The first file, for forms that take one.
    pub fn file(&mut self) -> Option<(String, Vec<u8>)> {
        (!self.files.is_empty()).then(|| self.files.remove(0))
    }
}

/// Reads a multipart form within `limits`. Call it only after the session, CSRF token and
/// permission were checked: a declared length over the bound is refused before anything is
/// read, and reading stops at the first byte over the total, the field count or a second file.
pub async fn read_upload(
    req: &HttpRequest,
    payload: actix_multipart::Multipart,
    limits: UploadLimits,
) -> Result<Upload, AppError> {
    let upload = read_upload_keeping(req, payload, limits).await?;
    if !upload.refused.is_empty() {
        return Err(AppError::invalid("file", "error.too_large"));
    }
    Ok(upload)
}

/// Like [`read_upload`], but a file over its limit is read past and named in
/// [`Upload::refused`] instead of failing the whole form: the fields typed around it arrive,
/// for a form that shows them again (within the total bound, which still fails the request).
pub async fn read_upload_keeping(
    req: &HttpRequest,
    mut payload: actix_multipart::Multipart,
    limits: UploadLimits,
) -> Result<Upload, AppError> {
    use futures_util::StreamExt;
    let total_limit = limits
        .max_file_bytes
        .saturating_mul(limits.max_files.max(1))
        .saturating_add(UPLOAD_OVERHEAD);
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > total_limit) {
        return Err(AppError::TooLarge);
    }
    let failed = || AppError::invalid("file", "error.upload_failed");
    let mut upload = Upload::default();
    let (mut total, mut count) = (0usize, 0usize);
    while let Some(item) = payload.next().await {
        let mut field = item.map_err(|_| failed())?;
        count += 1;
        if count > limits.max_fields {
            return Err(AppError::invalid("file", "error.too_many_fields"));
        }
        let name = field.name().unwrap_or_default().to_string();
        let is_file = name == "file";
        if is_file && upload.files.len() >= limits.max_files {
            return Err(AppError::invalid("file", "error.too_many_fields"));
        }
        let field_limit = if is_file {
            limits.max_file_bytes
        } else {
            FORM_LIMIT
        };
        let mut bytes = Vec::new();
        let mut oversize = 0usize;
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(|_| failed())?;
            total += chunk.len();
            if total > total_limit {
                return Err(AppError::invalid(
                    if is_file { "file" } else { name.as_str() }.to_string(),
                    "error.too_large",
                ));
            }
            if is_file && (oversize > 0 || bytes.len() + chunk.len() > field_limit) {
                // Read past it, counting, and keep nothing of it.
                oversize += bytes.len() + chunk.len();
                bytes = Vec::new();
                continue;
            }
            if bytes.len() + chunk.len() > field_limit {
                return Err(AppError::invalid(
                    name.as_str().to_string(),
                    "error.too_large",
                ));
            }
            bytes.extend_from_slice(&chunk);
        }
        if is_file {
            let filename = field
                .content_disposition()
                .and_then(|cd| cd.get_filename())
                .unwrap_or_default()
                .to_string();
            if oversize > 0 {
                upload.refused.push((filename, oversize));
                continue;
            }
            // A file input left empty still sends a part, with no name and no bytes.
            if !(filename.is_empty() && bytes.is_empty()) {
                upload.files.push((filename, bytes));
            }
        } else {
            let value = String::from_utf8_lossy(&bytes).into_owned();
            upload.pairs.push((name.clone(), value.clone()));
            upload.fields.insert(name, value);
        }
    }
    Ok(upload)
}

/// What the file field says of files refused for their size: each one's name and size, and
/// the limit.
pub fn refused_message(
    lang: crate::i18n::Lang,
    refused: &[(String, usize)],
    limit: usize,
) -> String {
    let mb = |b: usize| format!("{:.1}", b as f64 / 1_048_576.0);
    refused
        .iter()
        .map(|(name, size)| {
            crate::i18n::t_with(
                lang,
                "error.file_over_limit",
                &[
                    (
                        "name",
                        crate::i18n::Arg::Text(crate::domain::text::isolate_plain(name)),
                    ),
                    ("size", crate::i18n::Arg::Text(mb(*size))),
                    ("limit", crate::i18n::Arg::Text(mb(limit))),
                ],
            )
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Runs a form's action once per submission key (the hidden `submission` field every creating
/// form carries, fresh in each page). A post retried after its client saw an error, when the
/// server had saved it, leads to what was saved instead of saving it twice; a refused one (its
/// errors shown) frees the key. Without a key (an old page) the action simply runs.
pub async fn once<F, Fut>(
    state: &crate::state::AppState,
    viewer: &Viewer,
    key: Option<&str>,
    act: F,
) -> Result<HttpResponse, AppError>
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<HttpResponse, AppError>>,
{
    let key = key
        .map(str::trim)
        .filter(|k| k.len() == 64 && k.bytes().all(|b| b.is_ascii_hexdigit()))
        .map(str::to_string);
    let Some(key) = key else {
        return act().await;
    };
    let owner = match viewer.user() {
        Some(u) => format!("user:{}", u.id),
        None => "visitor".to_string(),
    };
    let (k, o) = (key.clone(), owner.clone());
    let seen = state
        .db
        .run(move |conn| Ok(crate::db::submissions::take(conn, &k, &o)?))
        .await?;
    match seen {
        crate::db::submissions::Seen::Done(location) => {
            return Ok(see_other(&location));
        }
        crate::db::submissions::Seen::Pending => {
            return Err(AppError::Conflict("error.submission_pending"));
        }
        crate::db::submissions::Seen::New => {}
    }
    let result = act().await;
    let location = result
        .as_ref()
        .ok()
        .filter(|r| r.status().is_redirection())
        .and_then(|r| r.headers().get(header::LOCATION))
        .and_then(|l| l.to_str().ok())
        .map(str::to_string);
    let recorded = state
        .db
        .run(move |conn| {
            match &location {
                Some(l) => crate::db::submissions::done(conn, &key, l)?,
                None => crate::db::submissions::forget(conn, &key)?,
            }
            Ok(())
        })
        .await;
    if let Err(e) = recorded {
        tracing::warn!("recording a submission key: {e}");
    }
    result
}
