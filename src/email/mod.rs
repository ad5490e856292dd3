//! Mail: rendering templates in the recipient's language and sending them through a transport.
//!
//! Nothing sends mail directly. A change that causes mail queues it in the `outbox` table in the
//! same transaction ([`crate::db::outbox`]); the worker in [`crate::jobs`] renders and sends it.
//! Transports: SMTP (`NIAZ_SMTP_URL`), `.eml` files under `<data>/mail` (the default, so the
//! embedded setup needs no mail server), or memory (tests read what was sent).

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{anyhow, Context};
use lettre::message::{header::ContentType, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use minijinja::Value;

use crate::db::models::OutboxMessage;
use crate::templates::Templates;

/// A mail as it was handed to the transport (kept by the memory transport).
#[derive(Debug, Clone)]
pub struct SentMail {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// The one-click unsubscribe link (RFC 8058) of alerts and digests; none for
    /// transactional mail.
    pub unsubscribe: Option<String>,
}

/// `List-Unsubscribe: <url>` (RFC 2369).
#[derive(Debug, Clone)]
struct ListUnsubscribe(String);

impl lettre::message::header::Header for ListUnsubscribe {
    fn name() -> lettre::message::header::HeaderName {
        lettre::message::header::HeaderName::new_from_ascii_str("List-Unsubscribe")
    }
    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self(s.trim_matches(['<', '>']).to_string()))
    }
    fn display(&self) -> lettre::message::header::HeaderValue {
        lettre::message::header::HeaderValue::new(Self::name(), format!("<{}>", self.0))
    }
}

/// `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058): mail clients unsubscribe
/// with one POST to the link, without opening it.
#[derive(Debug, Clone)]
struct ListUnsubscribePost;

impl lettre::message::header::Header for ListUnsubscribePost {
    fn name() -> lettre::message::header::HeaderName {
        lettre::message::header::HeaderName::new_from_ascii_str("List-Unsubscribe-Post")
    }
    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self)
    }
    fn display(&self) -> lettre::message::header::HeaderValue {
        lettre::message::header::HeaderValue::new(Self::name(), "List-Unsubscribe=One-Click".into())
    }
}

#[derive(Clone)]
pub enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    File(PathBuf),
    Memory(Arc<Mutex<Vec<SentMail>>>),
}

/// How mail leaves the process, as configured.
#[derive(Debug, Clone)]
pub enum MailConfig {
    Smtp(String),
    File(PathBuf),
    Memory,
}

impl Transport {
    /// The transport a configuration names; an SMTP server may take `timeout` to answer any
    /// command, the final reply to a message included.
    pub fn from_config(config: &MailConfig, timeout: Duration) -> anyhow::Result<Self> {
        Ok(match config {
            MailConfig::Smtp(url) => {
                // Credentials never travel in clear: STARTTLS is required unless the URL says
                // otherwise (a local relay without credentials may go plain).
                let mut url = url.clone();
                if url.starts_with("smtp://") && url.contains('@') && !url.contains("tls=") {
                    url.push_str(if url.contains('?') {
                        "&tls=required"
                    } else {
                        "?tls=required"
                    });
                }
                let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&url)
                    .map_err(|e| anyhow!("NIAZ_SMTP_URL is not a valid SMTP URL: {e}"))?
                    .timeout(Some(timeout))
                    .build();
                Transport::Smtp(transport)
            }
            MailConfig::File(dir) => {
                std::fs::create_dir_all(dir).with_context(|| {
                    format!("cannot create the mail directory {}", dir.display())
                })?;
                Transport::File(dir.clone())
            }
            MailConfig::Memory => Transport::Memory(Arc::new(Mutex::new(Vec::new()))),
        })
    }

    /// Mail sent so far by the memory transport (empty for the others).
    pub fn sent(&self) -> Vec<SentMail> {
        match self {
            Transport::Memory(list) => list.lock().map(|l| l.clone()).unwrap_or_default(),
            _ => Vec::new(),
        }
    }
}

pub struct Mailer {
    pub transport: Transport,
    /// The bound of one whole send (see [`Mailer::send_timeout`]).
    pub send_timeout: Duration,
    pub from: Mailbox,
    pub base_url: String,
}

impl Mailer {
    /// `smtp_timeout` bounds each SMTP command (the final reply to a message included); a whole
    /// send gets that and a minute more, which also stops a server that trickles.
    pub fn new(
        transport: Transport,
        from: &str,
        base_url: &str,
        smtp_timeout: Duration,
    ) -> anyhow::Result<Self> {
        Ok(Self {
            transport,
            send_timeout: smtp_timeout + Duration::from_secs(60),
            from: from
                .parse()
                .map_err(|e| anyhow!("NIAZ_MAIL_FROM is not a mailbox ({from:?}): {e}"))?,
            base_url: base_url.to_string(),
        })
    }

    /// Renders `emails/<template>/{subject.txt, body.txt, body.html}` in the message's language.
    pub fn render(&self, templates: &Templates, msg: &OutboxMessage) -> anyhow::Result<SentMail> {
        let mut ctx: serde_json::Value = serde_json::from_str(&msg.context)?;
        let lang = crate::i18n::Lang::parse(&msg.lang).unwrap_or_default();
        titles_in(&mut ctx, lang);
        isolate_user_text(&mut ctx);
        let unsubscribe = ctx
            .get("unsubscribe_url")
            .and_then(|v| v.as_str())
            .map(|url| carry_lang(url, &self.base_url, lang, "&"));
        let ctx = minijinja::context! {
            lang => lang.code(),
            dir => lang.dir(),
            base_url => self.base_url.clone(),
            name => msg.to_name.clone(),
            ..Value::from_serialize(&ctx)
        };
        let base = format!("emails/{}", msg.template);
        let subject = templates
            .render(&format!("{base}/subject.txt"), ctx.clone())
            .map_err(|e| anyhow!("{e}"))?;
        let text = templates
            .render(&format!("{base}/body.txt"), ctx.clone())
            .map_err(|e| anyhow!("{e}"))?;
        let html = templates
            .render(&format!("{base}/body.html"), ctx)
            .map_err(|e| anyhow!("{e}"))?;
        Ok(SentMail {
            to: msg.to_email.clone(),
            subject: subject.trim().to_string(),
            text: carry_lang(&text, &self.base_url, lang, "&"),
            html: carry_lang(&html, &self.base_url, lang, "&amp;"),
            unsubscribe,
        })
    }

    fn message(&self, mail: &SentMail, to_name: &str) -> anyhow::Result<Message> {
        let to = Mailbox::new(
            (!to_name.is_empty()).then(|| to_name.to_string()),
            mail.to
                .parse()
                .map_err(|e| anyhow!("bad recipient {}: {e}", mail.to))?,
        );
        let mut builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.clone());
        if let Some(url) = &mail.unsubscribe {
            builder = builder
                .header(ListUnsubscribe(url.clone()))
                .header(ListUnsubscribePost);
        }
        Ok(builder.multipart(
            MultiPart::alternative()
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_PLAIN)
                        .body(mail.text.clone()),
                )
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_HTML)
                        .body(mail.html.clone()),
                ),
        )?)
    }

    /// How long a claimed mail stays claimed: longer than any send, so that no other server
    /// sends it again while this one still waits for the SMTP server's answer.
    pub fn claim_lease(&self) -> Duration {
        self.send_timeout + Duration::from_secs(120)
    }

    /// Renders and sends one outbox message, within [`Mailer::send_timeout`].
    pub async fn send(&self, templates: &Templates, msg: &OutboxMessage) -> anyhow::Result<()> {
        let mail = self.render(templates, msg)?;
        let message = self.message(&mail, &msg.to_name)?;
        match &self.transport {
            Transport::Smtp(smtp) => {
                let limit = self.send_timeout;
                tokio::time::timeout(limit, smtp.send(message))
                    .await
                    .map_err(|_| anyhow!("the SMTP server did not answer within {limit:?}"))?
                    .map_err(|e| anyhow!("SMTP: {e}"))?;
            }
            Transport::File(dir) => {
                let path = dir.join(format!("{:06}-{}.eml", msg.id, msg.template));
                let tmp = path.with_extension("tmp");
                std::fs::write(&tmp, message.formatted())?;
                std::fs::rename(&tmp, &path)?;
            }
            Transport::Memory(list) => {
                list.lock().map_err(|_| anyhow!("poisoned"))?.push(mail);
            }
        }
        Ok(())
    }
}

/// A need's title in the recipient's language: every object of a mail's context that has an
/// English title shows it to English readers (the Persian one stays where there is none).
fn titles_in(value: &mut serde_json::Value, lang: crate::i18n::Lang) {
    match value {
        serde_json::Value::Object(map) => {
            if lang == crate::i18n::Lang::En {
                if let Some(en) = map
                    .get("title_en")
                    .and_then(|v| v.as_str())
                    .filter(|t| !t.trim().is_empty())
                    .map(str::to_string)
                {
                    map.insert("title".into(), en.into());
                }
            }
            map.values_mut().for_each(|v| titles_in(v, lang));
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(|v| titles_in(v, lang)),
        _ => {}
    }
}

/// Every link to the site in a rendered mail carries the recipient's language (`lang=`), so
/// a page opened from an English mail (a follow-up, an unsubscribe page, a need) is English
/// whatever the browser's cookie says. `amp` is how `&` is written (`&amp;` in HTML).
fn carry_lang(text: &str, base_url: &str, lang: crate::i18n::Lang, amp: &str) -> String {
    if base_url.is_empty() {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 64);
    let mut rest = text;
    while let Some(i) = rest.find(base_url) {
        let (before, from) = rest.split_at(i);
        out.push_str(before);
        let end = from
            .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '<' | '>' | ')' | ']'))
            .unwrap_or(from.len());
        let (url, after) = from.split_at(end);
        // Only a link onto the site: the base URL followed by a path, a query or nothing.
        let onto_site = matches!(url[base_url.len()..].chars().next(), None | Some('/' | '?'));
        if onto_site && !url.contains("lang=") {
            let (address, fragment) = url.split_once('#').map_or((url, ""), |(a, f)| (a, f));
            out.push_str(address);
            out.push_str(if address.contains('?') { amp } else { "?" });
            out.push_str("lang=");
            out.push_str(lang.code());
            if !fragment.is_empty() {
                out.push('#');
                out.push_str(fragment);
            }
        } else {
            out.push_str(url);
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

/// Fields of a mail's context that carry what users wrote (titles, part numbers, names, places,
/// saved searches).
const USER_TEXT: &[&str] = &[
    "title",
    "title_en",
    "part_number",
    "supplier",
    "firm",
    "city",
    "venue",
    "search",
    "query",
    "reason",
    "message",
    "number",
];

/// Wraps every user-written field of a mail's context in Unicode isolates
/// ([`crate::domain::text::isolate_plain`]), once, here, so that `6206-2Z` reads left to right
/// in every subject, text and HTML body, whichever template shows it.
fn isolate_user_text(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                match v {
                    serde_json::Value::String(text)
                        if USER_TEXT.contains(&key.as_str()) && !text.is_empty() =>
                    {
                        *text = crate::domain::text::isolate_plain(text);
                    }
                    other => isolate_user_text(other),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(isolate_user_text),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn every_link_to_the_site_carries_the_language() {
        let base = "https://niaz.example";
        let text = "See https://niaz.example/needs/4 and (https://niaz.example/followup?token=ab&outcome=x).\nhttps://other.example/x https://niaz.example.evil/x https://niaz.example/a#top";
        let out = carry_lang(text, base, Lang::En, "&");
        assert!(out.contains("https://niaz.example/needs/4?lang=en and"));
        assert!(out.contains("/followup?token=ab&outcome=x&lang=en)"));
        assert!(out.contains("https://other.example/x "));
        assert!(
            out.contains("https://niaz.example.evil/x "),
            "another host is left alone"
        );
        assert!(out.contains("https://niaz.example/a?lang=en#top"));
        let html = carry_lang(
            r#"<a href="https://niaz.example/x?a=1">"#,
            base,
            Lang::Fa,
            "&amp;",
        );
        assert_eq!(html, r#"<a href="https://niaz.example/x?a=1&amp;lang=fa">"#);
        assert_eq!(
            carry_lang("https://niaz.example/x?lang=en", base, Lang::Fa, "&"),
            "https://niaz.example/x?lang=en"
        );
    }

    #[test]
    fn english_readers_get_english_titles() {
        let mut ctx = serde_json::json!({
            "title": "بلبرینگ", "title_en": "Ball bearing",
            "needs": [{"title": "پمپ", "title_en": ""}, {"title": "شیر", "title_en": "Valve"}]
        });
        titles_in(&mut ctx, Lang::En);
        assert_eq!(ctx["title"], "Ball bearing");
        assert_eq!(
            ctx["needs"][0]["title"], "پمپ",
            "no English title: the Persian one"
        );
        assert_eq!(ctx["needs"][1]["title"], "Valve");
        let mut fa = serde_json::json!({"title": "بلبرینگ", "title_en": "Ball bearing"});
        titles_in(&mut fa, Lang::Fa);
        assert_eq!(fa["title"], "بلبرینگ");
    }
}
