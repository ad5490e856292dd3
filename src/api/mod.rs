//! The JSON API, `/api/v1/*`. Request and response types live here; the work is done by the
//! same services the HTML pages use. Errors are `{"error": {"code", "message", "field"}}`.

pub mod needs;
pub mod suppliers;

use actix_web::HttpRequest;

use crate::i18n::Lang;

/// API language: `?lang=en`, else the site's cookie, else Persian.
pub fn lang_of(req: &HttpRequest) -> Lang {
    crate::web::lang_of(req)
}
