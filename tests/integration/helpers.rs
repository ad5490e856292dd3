//! Starting the application for a test and talking to it.

use std::time::Duration;

use awc::http::StatusCode;
use niaz::app::{AppState, Application};
use niaz::config::Config;
use niaz::db::Db;

pub struct TestApp {
    pub base: String,
    pub db: Db,
    pub search: std::sync::Arc<niaz::search::SearchIndex>,
    client: awc::Client,
    _dir: tempfile::TempDir,
}

pub struct Page {
    pub status: StatusCode,
    pub headers: awc::http::header::HeaderMap,
    pub body: String,
}

impl Page {
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    }

    /// Number of times `needle` appears in the body.
    pub fn count(&self, needle: &str) -> usize {
        self.body.matches(needle).count()
    }
}

/// Starts a server on an empty database.
pub async fn spawn_app() -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = Config::for_data_dir(dir.path()).expect("config");
    let state = AppState::new(config).expect("state");
    let db = state.db.clone();
    let search = state.search.clone();
    let app = Application::build(state).expect("server builds");
    let base = format!("http://127.0.0.1:{}", app.port());
    actix_web::rt::spawn(app.run());
    let client = awc::Client::builder()
        .timeout(Duration::from_secs(30))
        .disable_redirects()
        .finish();
    TestApp {
        base,
        db,
        search,
        client,
        _dir: dir,
    }
}

/// Starts a server with the hand-written demo catalogue loaded.
pub async fn spawn_demo_app() -> TestApp {
    let app = spawn_app().await;
    let mut conn = app.db.conn().unwrap();
    niaz::services::demo::load(&mut conn, None, 1405, false).unwrap();
    app.sync();
    app
}

impl TestApp {
    /// Applies pending changes to the search index now, instead of waiting for the indexer.
    pub fn sync(&self) {
        self.search.apply_pending().expect("index catches up");
    }

    pub async fn get_json(&self, path: &str) -> (StatusCode, serde_json::Value) {
        let page = self.get(path).await;
        let json = serde_json::from_str(&page.body)
            .unwrap_or_else(|e| panic!("{path} did not answer JSON ({e}): {}", page.body));
        (page.status, json)
    }

    pub async fn get(&self, path: &str) -> Page {
        self.get_with_cookie(path, None).await
    }

    pub async fn get_en(&self, path: &str) -> Page {
        self.get_with_cookie(path, Some("lang=en")).await
    }

    pub async fn get_with_cookie(&self, path: &str, cookie: Option<&str>) -> Page {
        let mut req = self.client.get(format!("{}{}", self.base, path));
        if let Some(c) = cookie {
            req = req.insert_header(("Cookie", c));
        }
        let mut res = req.send().await.expect("request sent");
        let body = res.body().limit(10 * 1024 * 1024).await.expect("body");
        Page {
            status: res.status(),
            headers: res.headers().clone(),
            body: String::from_utf8(body.to_vec()).expect("UTF-8 body"),
        }
    }

    pub async fn post_form(&self, path: &str, form: &[(&str, &str)]) -> Page {
        let mut res = self
            .client
            .post(format!("{}{}", self.base, path))
            .send_form(&form)
            .await
            .expect("request sent");
        let body = res.body().await.expect("body");
        Page {
            status: res.status(),
            headers: res.headers().clone(),
            body: String::from_utf8_lossy(&body).to_string(),
        }
    }
}
