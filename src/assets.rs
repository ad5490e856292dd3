//! Static assets (CSS, JS, images), embedded in release builds so the binary runs from any
//! working directory. URLs carry a content hash, so browsers may cache them for a year.

use std::collections::HashMap;
use std::sync::Arc;

use rust_embed::RustEmbed;

#[derive(RustEmbed)]
#[folder = "assets/"]
struct AssetFiles;

pub struct Asset {
    pub data: std::borrow::Cow<'static, [u8]>,
    pub content_type: &'static str,
    pub etag: String,
}

#[derive(Clone, Default)]
pub struct Assets {
    urls: Arc<HashMap<String, String>>,
}

fn hash_of(path: &str) -> Option<String> {
    let file = AssetFiles::get(path)?;
    let hash = file.metadata.sha256_hash();
    Some(hash[..6].iter().map(|b| format!("{b:02x}")).collect())
}

impl Assets {
    pub fn load() -> Self {
        let urls = AssetFiles::iter()
            .filter_map(|p| {
                let hash = hash_of(&p)?;
                Some((p.to_string(), format!("/assets/{p}?v={hash}")))
            })
            .collect();
        Self {
            urls: Arc::new(urls),
        }
    }

    /// Versioned URL of every asset, by path under `assets/`.
    pub fn urls(&self) -> Arc<HashMap<String, String>> {
        self.urls.clone()
    }

    pub fn get(path: &str) -> Option<Asset> {
        let file = AssetFiles::get(path)?;
        let etag = hash_of(path)?;
        if path.ends_with(".css") {
            // Fonts are 90% of a page's bytes: the stylesheet names them with their versioned
            // URLs, so browsers keep them for a year instead of revalidating hourly.
            let css = String::from_utf8_lossy(&file.data).into_owned();
            let (css, fonts) = version_font_urls(&css);
            return Some(Asset {
                data: std::borrow::Cow::Owned(css.into_bytes()),
                content_type: content_type(path),
                etag: format!("{etag}{fonts}"),
            });
        }
        Some(Asset {
            data: file.data,
            content_type: content_type(path),
            etag,
        })
    }
}

/// Rewrites `url("../fonts/NAME")` to `url("/assets/fonts/NAME?v=HASH")`. Returns the CSS and
/// the fonts' hashes (part of the stylesheet's ETag).
fn version_font_urls(css: &str) -> (String, String) {
    let mut out = String::with_capacity(css.len() + 64);
    let mut hashes = String::new();
    let mut rest = css;
    while let Some(i) = rest.find("url(\"../fonts/") {
        let (before, after) = rest.split_at(i);
        out.push_str(before);
        let after = &after["url(\"../fonts/".len()..];
        let Some(end) = after.find('"') else {
            out.push_str("url(\"../fonts/");
            rest = after;
            continue;
        };
        let name = &after[..end];
        let path = format!("fonts/{name}");
        match hash_of(&path) {
            Some(hash) => {
                out.push_str(&format!("url(\"/assets/{path}?v={hash}\""));
                hashes.push_str(&hash[..4]);
            }
            None => out.push_str(&format!("url(\"../fonts/{name}\"")),
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    (out, hashes)
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}
