//! Starting the application for a test and talking to it.

use std::time::Duration;

use awc::http::StatusCode;
use niaz::config::Config;
use niaz::db::Db;
use niaz::startup::Application;
use niaz::state::AppState;

pub struct TestApp {
    pub state: actix_web::web::Data<AppState>,
    pub base: String,
    pub db: Db,
    pub search: std::sync::Arc<niaz::search::SearchIndex>,
    pub client: awc::Client,
    _dir: tempfile::TempDir,
}

pub struct Page {
    pub status: StatusCode,
    pub headers: awc::http::header::HeaderMap,
    pub body: String,
    /// The body as it came (downloads are not text).
    pub bytes: Vec<u8>,
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

/// Text as a reader sees it: without the invisible Unicode isolates around user-written runs.
pub fn plain(text: &str) -> String {
    text.chars()
        .filter(|c| !('\u{2066}'..='\u{2069}').contains(c))
        .collect()
}

/// A query string value, every byte percent-encoded.
pub fn enc(text: &str) -> String {
    text.bytes().map(|b| format!("%{b:02X}")).collect()
}

/// The configuration of a test's server: SQLite in its data directory or, when
/// `TEST_DATABASE_URL` names a PostgreSQL server, a database of its own there, named after the
/// data directory (so two opens of one directory share it).
pub fn config_for(dir: &std::path::Path) -> Config {
    let mut config = Config::for_data_dir(dir).expect("config");
    if let Some(server) = test_database_url() {
        config.database_url = fresh_database(&server, dir);
    }
    config
}

/// The environment a `niaz` command needs to use the same database as [`config_for`].
pub fn database_env(dir: &std::path::Path) -> Vec<(&'static str, String)> {
    match test_database_url() {
        Some(_) => vec![("NIAZ_DATABASE_URL", config_for(dir).database_url)],
        None => Vec::new(),
    }
}

/// The PostgreSQL server the suite runs against, if any.
pub fn test_database_url() -> Option<String> {
    std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.trim().is_empty())
}

/// The URL of the database `name` on the server of `url` (its path replaced, parameters kept).
pub fn database_named(url: &str, name: &str) -> String {
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let cut = base.rfind('/').expect("the URL has a database path");
    if query.is_empty() {
        format!("{}/{name}", &base[..cut])
    } else {
        format!("{}/{name}?{query}", &base[..cut])
    }
}

/// Creates (once) the database of one test directory and returns its URL.
#[cfg(not(feature = "postgres"))]
fn fresh_database(_: &str, _: &std::path::Path) -> String {
    panic!("TEST_DATABASE_URL is set: run the tests with --features postgres");
}

/// Creates (once) the database of one test directory and returns its URL.
#[cfg(feature = "postgres")]
fn fresh_database(server: &str, dir: &std::path::Path) -> String {
    use diesel::connection::SimpleConnection;
    use diesel::Connection;
    use std::hash::{Hash, Hasher};

    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    dir.hash(&mut hasher);
    let name = format!("niaz_test_{:016x}", hasher.finish());
    let url = database_named(server, &name);
    let mut admin = diesel::PgConnection::establish(server).expect("TEST_DATABASE_URL connects");
    if let Err(e) = admin.batch_execute(&format!("CREATE DATABASE {name}")) {
        assert!(e.to_string().contains("already exists"), "{e}");
    }
    url
}

/// Starts a server on an empty database.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Starts a server after adjusting its configuration.
pub async fn spawn_app_with(adjust: impl FnOnce(&mut Config)) -> TestApp {
    spawn_app_in(tempfile::tempdir().expect("temp dir"), adjust).await
}

/// Starts a server on a data directory prepared beforehand (an index to damage, a database).
pub async fn spawn_app_in(dir: tempfile::TempDir, adjust: impl FnOnce(&mut Config)) -> TestApp {
    let mut config = config_for(dir.path());
    adjust(&mut config);
    let state = AppState::new(config).expect("state");
    let db = state.db.clone();
    let search = state.search.clone();
    let app = Application::build(state).expect("server builds");
    let state = app.state();
    let base = format!("http://127.0.0.1:{}", app.port());
    actix_web::rt::spawn(app.run());
    let client = awc::Client::builder()
        .timeout(Duration::from_secs(30))
        .disable_redirects()
        .finish();
    TestApp {
        state,
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
    // As `serve --demo` does, which loads the demo before the server starts: the demo's needs
    // are the catalogue as it was, not news for the alerts.
    let last = niaz::db::search::last_change_id(&mut conn).unwrap();
    niaz::db::alerts::set_cursor(&mut conn, last).unwrap();
    app.sync();
    app
}

impl TestApp {
    /// The server's data directory (database, index, uploads, mail files).
    pub fn data_dir(&self) -> &std::path::Path {
        self._dir.path()
    }

    /// Sends every queued mail now and returns what the memory transport holds.
    /// The background worker may be sending at the same moment, so wait until nothing that is
    /// due is left in the outbox.
    pub async fn drain_mail(&self) -> Vec<niaz::email::SentMail> {
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        loop {
            niaz::jobs::run_pending_once(&self.state)
                .await
                .expect("outbox runs");
            let now = chrono::Utc::now().naive_utc();
            let busy = niaz::db::outbox::all(&mut self.db.conn().unwrap())
                .unwrap()
                .iter()
                .any(|m| {
                    m.status == niaz::domain::mail::MailStatus::Sending
                        || (m.status == niaz::domain::mail::MailStatus::Pending
                            && m.next_attempt_at <= now)
                });
            if !busy || std::time::Instant::now() > deadline {
                break;
            }
            actix_web::rt::time::sleep(Duration::from_millis(20)).await;
        }
        self.state.mailer.transport.sent()
    }

    pub fn browser(&self) -> Browser {
        Browser {
            base: self.base.clone(),
            client: awc::Client::builder()
                .timeout(Duration::from_secs(30))
                .disable_redirects()
                .finish(),
            cookies: std::collections::BTreeMap::new(),
        }
    }

    /// A browser behind the trusted proxy (the app must trust 127.0.0.1), seen as `client`.
    pub fn browser_from(&self, client: &str) -> Browser {
        Browser {
            base: self.base.clone(),
            client: awc::Client::builder()
                .timeout(Duration::from_secs(30))
                .disable_redirects()
                .add_default_header(("X-Forwarded-For", client.to_string()))
                .finish(),
            cookies: std::collections::BTreeMap::new(),
        }
    }

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
            body: String::from_utf8_lossy(&body).to_string(),
            bytes: body.to_vec(),
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
            bytes: body.to_vec(),
        }
    }
}

/// A client that keeps cookies and finds CSRF tokens in forms, like a browser would.
pub struct Browser {
    base: String,
    client: awc::Client,
    pub cookies: std::collections::BTreeMap<String, String>,
}

impl Browser {
    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn remember(&mut self, headers: &awc::http::header::HeaderMap) {
        for value in headers.get_all("set-cookie") {
            let text = value.to_str().unwrap_or_default();
            let first = text.split(';').next().unwrap_or_default();
            if let Some((k, v)) = first.split_once('=') {
                if v.is_empty() || text.contains("Max-Age=0") {
                    self.cookies.remove(k);
                } else {
                    self.cookies.insert(k.to_string(), v.to_string());
                }
            }
        }
    }

    pub async fn get(&mut self, path: &str) -> Page {
        let mut res = self
            .client
            .get(format!("{}{}", self.base, path))
            .insert_header(("Cookie", self.cookie_header()))
            .send()
            .await
            .expect("request sent");
        let body = res.body().limit(10 * 1024 * 1024).await.expect("body");
        self.remember(res.headers());
        Page {
            status: res.status(),
            headers: res.headers().clone(),
            body: String::from_utf8_lossy(&body).to_string(),
            bytes: body.to_vec(),
        }
    }

    /// Posts a form as the site's own page would (same Origin).
    pub async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Page {
        self.post_with(path, form, Some(&self.base.clone())).await
    }

    pub async fn post_with(
        &mut self,
        path: &str,
        form: &[(&str, &str)],
        origin: Option<&str>,
    ) -> Page {
        let mut req = self
            .client
            .post(format!("{}{}", self.base, path))
            .insert_header(("Cookie", self.cookie_header()));
        if let Some(o) = origin {
            req = req.insert_header(("Origin", o.to_string()));
        }
        let mut res = req.send_form(&form).await.expect("request sent");
        let body = res.body().limit(10 * 1024 * 1024).await.expect("body");
        self.remember(res.headers());
        Page {
            status: res.status(),
            headers: res.headers().clone(),
            body: String::from_utf8_lossy(&body).to_string(),
            bytes: body.to_vec(),
        }
    }

    /// Posts a multipart form with one file, as a browser's upload form does.
    pub async fn post_multipart(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        file: (&str, &[u8]),
    ) -> Page {
        self.post_multipart_around(path, fields, file, &[]).await
    }

    /// A multipart form with fields before and after its file, as a browser sends a form
    /// whose file input sits in the middle.
    pub async fn post_multipart_around(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        file: (&str, &[u8]),
        after: &[(&str, &str)],
    ) -> Page {
        let boundary = "niaztestboundary7a3f";
        let mut body: Vec<u8> = Vec::new();
        let field = |body: &mut Vec<u8>, k: &str, v: &str| {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
                )
                .as_bytes(),
            );
        };
        for (k, v) in fields {
            field(&mut body, k, v);
        }
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{}\"\r\nContent-Type: application/octet-stream\r\n\r\n", file.0).as_bytes(),
        );
        body.extend_from_slice(file.1);
        body.extend_from_slice(b"\r\n");
        for (k, v) in after {
            field(&mut body, k, v);
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        // Upload forms carry their token in the action URL, checked before the body is read.
        let token = fields.iter().find(|(k, _)| *k == "csrf").map(|(_, v)| *v);
        let path = match token {
            Some(t) if !path.contains("csrf=") => {
                format!(
                    "{path}{}csrf={t}",
                    if path.contains('?') { '&' } else { '?' }
                )
            }
            _ => path.to_string(),
        };
        let mut res = self
            .client
            .post(format!("{}{}", self.base, path))
            .insert_header(("Cookie", self.cookie_header()))
            .insert_header(("Origin", self.base.clone()))
            .insert_header((
                "Content-Type",
                format!("multipart/form-data; boundary={boundary}"),
            ))
            .send_body(body)
            .await
            .expect("request sent");
        let body = res.body().limit(10 * 1024 * 1024).await.expect("body");
        self.remember(res.headers());
        Page {
            status: res.status(),
            headers: res.headers().clone(),
            body: String::from_utf8_lossy(&body).to_string(),
            bytes: body.to_vec(),
        }
    }

    /// GETs a page and posts its form (found by action) with the page's CSRF token.
    pub async fn submit(&mut self, page_path: &str, action: &str, fields: &[(&str, &str)]) -> Page {
        let page = self.get(page_path).await;
        let token = csrf_of(&page.body);
        let mut form: Vec<(&str, &str)> = vec![("csrf", token.as_str())];
        form.extend_from_slice(fields);
        self.post(action, &form).await
    }
}

/// The CSRF token in a page's forms.
pub fn csrf_of(body: &str) -> String {
    let marker = r#"name="csrf" value=""#;
    let start = body
        .find(marker)
        .map(|i| i + marker.len())
        .expect("page has a CSRF token");
    body[start..].chars().take_while(|c| *c != '"').collect()
}

/// A minute after the first daily digest time (NIAZ_DIGEST_TIME in NIAZ_TIMEZONE) after `now`.
pub fn after_next_digest(
    app: &TestApp,
    now: chrono::DateTime<chrono::Utc>,
) -> chrono::DateTime<chrono::Utc> {
    let due = app
        .state
        .config
        .digests
        .daily_due(now + chrono::Duration::days(1));
    chrono::DateTime::<chrono::Utc>::from_naive_utc_and_offset(due, chrono::Utc)
        + chrono::Duration::minutes(1)
}
