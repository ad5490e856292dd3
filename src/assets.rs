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
        Some(Asset {
            data: file.data,
            content_type: content_type(path),
            etag,
        })
    }
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
