//! Template loading and the filters and functions templates use.
//!
//! Templates are embedded in the binary (read from disk in debug builds) and all parsed at start,
//! so a syntax error stops the server from starting and fails the template test instead of a
//! request. Undefined variables are errors. Formatting helpers read `lang` from the template
//! context, so a handler only has to say which language the page is in.

use minijinja::{Environment, Error, ErrorKind, State, UndefinedBehavior, Value};
use rust_embed::RustEmbed;

use crate::assets::Assets;
use crate::domain::money::Currency;
use crate::error::AppError;
use crate::i18n::{self, Lang};

#[derive(RustEmbed)]
#[folder = "templates/"]
struct TemplateFiles;

pub struct Templates {
    env: Environment<'static>,
}

fn lang_of(state: &State) -> Lang {
    state
        .lookup("lang")
        .and_then(|v| v.as_str().and_then(Lang::parse))
        .unwrap_or_default()
}

fn as_i64(value: &Value) -> Result<i64, Error> {
    i64::try_from(value.clone()).map_err(|_| {
        Error::new(
            ErrorKind::InvalidOperation,
            format!("expected an integer, got {value}"),
        )
    })
}

fn parse_date(value: &Value) -> Option<chrono::NaiveDate> {
    let s = value.as_str()?;
    if let Ok(d) = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Some(d);
    }
    chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f")
        .ok()
        .map(i18n::local_date)
}

/// The five characters that matter in HTML text and quoted attributes, escaped.
fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// HTML-escapes the five characters that matter (`& < > " '`). The default formatter also escapes
/// `/`, which turns every URL in an attribute into `&#x2f;` soup without adding safety for
/// quoted attributes.
fn html_formatter(out: &mut minijinja::Output, state: &State, value: &Value) -> Result<(), Error> {
    if value.is_safe() || state.auto_escape() != minijinja::AutoEscape::Html {
        return minijinja::escape_formatter(out, state, value);
    }
    if value.is_undefined() || value.is_none() {
        return Ok(());
    }
    let text = value.to_string();
    let mut last = 0;
    for (i, c) in text.char_indices() {
        let rep = match c {
            '&' => "&amp;",
            '<' => "&lt;",
            '>' => "&gt;",
            '"' => "&quot;",
            '\'' => "&#39;",
            _ => continue,
        };
        out.write_str(&text[last..i])?;
        out.write_str(rep)?;
        last = i + 1;
    }
    out.write_str(&text[last..])?;
    Ok(())
}

impl Templates {
    /// Loads and parses every template.
    pub fn load(assets: &Assets) -> anyhow::Result<Self> {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_trim_blocks(true);
        env.set_lstrip_blocks(true);
        env.set_formatter(html_formatter);
        for name in TemplateFiles::iter() {
            let file = TemplateFiles::get(&name).expect("listed template exists");
            let source = String::from_utf8(file.data.into_owned())
                .map_err(|_| anyhow::anyhow!("template {name} is not UTF-8"))?;
            env.add_template_owned(name.to_string(), source)
                .map_err(|e| anyhow::anyhow!("template {name}: {e:#}"))?;
        }

        // A message in the page's language; named arguments fill its placeables, and a number
        // selects its plural form: `t("catalogue.count", n=total)`.
        env.add_function(
            "t",
            |state: &State, key: &str, kwargs: minijinja::value::Kwargs| -> Result<String, Error> {
                let mut args = Vec::new();
                for name in kwargs.args() {
                    let value: Value = kwargs.get(name)?;
                    let arg = match i64::try_from(value.clone()) {
                        Ok(n) if value.kind() == minijinja::value::ValueKind::Number => {
                            i18n::Arg::Number(n)
                        }
                        _ => i18n::Arg::Text(value.to_string()),
                    };
                    args.push((name, arg));
                }
                kwargs.assert_all_used()?;
                Ok(i18n::t_with(lang_of(state), key, &args))
            },
        );
        // The text in the page's language, falling back to Persian when there is no English.
        env.add_function("pick", |state: &State, fa: &str, en: &str| -> String {
            match lang_of(state) {
                Lang::En if !en.trim().is_empty() => en.to_string(),
                _ => fa.to_string(),
            }
        });
        // A fresh one-time key for a form that creates something (see `web::form::once`).
        env.add_function("submission_key", crate::auth::random_token);
        let urls = assets.urls();
        env.add_function("asset", move |path: &str| -> Result<String, Error> {
            urls.get(path)
                .cloned()
                .ok_or_else(|| Error::new(ErrorKind::InvalidOperation, format!("no asset {path}")))
        });
        // User text with its codes, numbers and dates isolated left to right (`<bdi>`), so
        // `6206-2Z` never shows as `2Z-6206` inside Persian. Escapes everything else.
        env.add_filter("isolate", |v: Value| -> Value {
            let text = v.as_str().map_or_else(|| v.to_string(), str::to_string);
            Value::from_safe_string(isolate_html(&text))
        });
        // The same with Unicode isolates instead of tags: for a page's <title>, an attribute, or
        // a value placed into a message (`t(...)` escapes what it is given).
        env.add_filter("isolate_plain", |v: Value| -> String {
            let text = v.as_str().map_or_else(|| v.to_string(), str::to_string);
            crate::domain::text::isolate_plain(&text)
        });
        // Persian technical terms (technical data labels, materials) in English on English pages,
        // when every word is known; otherwise as written, codes isolated like `isolate` does.
        env.add_filter("terms", |state: &State, v: String| -> Value {
            let english = match lang_of(state) {
                i18n::Lang::En => crate::domain::glossary::english(&v),
                i18n::Lang::Fa => None,
            };
            match english {
                Some(e) => Value::from_safe_string(escape_html(&e).to_string()),
                None => Value::from_safe_string(isolate_html(&v)),
            }
        });
        // The English of Persian technical terms on English pages; none when not all known.
        env.add_filter("english_terms", |state: &State, v: String| -> Value {
            match lang_of(state) {
                i18n::Lang::En => {
                    crate::domain::glossary::english(&v).map_or(Value::from(()), Value::from)
                }
                i18n::Lang::Fa => Value::from(()),
            }
        });
        env.add_filter("num", |state: &State, v: Value| -> Result<String, Error> {
            Ok(i18n::format_number(as_i64(&v)?, lang_of(state)))
        });
        env.add_filter(
            "money",
            |state: &State, v: Value, currency: &str| -> Result<String, Error> {
                let c = Currency::parse(currency).unwrap_or(Currency::Usd);
                Ok(i18n::format_amount(as_i64(&v)?, c, lang_of(state)))
            },
        );
        env.add_filter(
            "money_whole",
            |state: &State, v: Value, currency: &str| -> Result<String, Error> {
                let c = Currency::parse(currency).unwrap_or(Currency::Usd);
                Ok(i18n::format_amount_whole(as_i64(&v)?, c, lang_of(state)))
            },
        );
        env.add_filter(
            "money_short",
            |state: &State, v: Value, currency: &str| -> Result<String, Error> {
                let c = Currency::parse(currency).unwrap_or(Currency::Usd);
                Ok(i18n::format_amount_short(as_i64(&v)?, c, lang_of(state)))
            },
        );
        env.add_filter("date", |state: &State, v: Value| -> String {
            match parse_date(&v) {
                Some(d) => i18n::format_date(d, lang_of(state)),
                None => v.to_string(),
            }
        });
        env.add_filter("datetime", |state: &State, v: Value| -> String {
            v.as_str()
                .and_then(|s| chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f").ok())
                .map(|t| i18n::format_datetime(t, lang_of(state)))
                .unwrap_or_else(|| v.to_string())
        });
        env.add_filter("isodate", |v: Value| -> String {
            parse_date(&v).map(|d| d.to_string()).unwrap_or_default()
        });
        // Digits of plain numbers (page numbers, counts) in the page's language.
        env.add_filter("digits", |state: &State, v: Value| -> String {
            let s = v.to_string();
            match lang_of(state) {
                Lang::Fa => i18n::fa_digits(&s),
                Lang::En => s,
            }
        });
        env.add_filter("country", |state: &State, code: &str| -> String {
            crate::domain::places::country_name(code, lang_of(state).code())
        });
        env.add_filter("place", |state: &State, name: &str| -> String {
            match lang_of(state) {
                Lang::Fa => name.to_string(),
                Lang::En => crate::domain::places::place_en(name),
            }
        });
        env.add_filter("hs", |code: &str| -> String {
            crate::domain::codes::HsCode::dotted(code)
        });
        Ok(Self { env })
    }

    pub fn render(&self, name: &str, ctx: Value) -> Result<String, AppError> {
        self.env
            .get_template(name)
            .and_then(|t| t.render(ctx))
            .map_err(|e| AppError::Internal(anyhow::anyhow!("rendering {name}: {e:#}")))
    }

    /// Names of every template, for the test that renders them all.
    pub fn names() -> Vec<String> {
        TemplateFiles::iter().map(|n| n.to_string()).collect()
    }
}

/// User text as HTML, escaped, with its codes, numbers and dates in `<bdi dir="ltr">`.
fn isolate_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 32);
    for (run, part) in crate::domain::text::ltr_runs(text) {
        let escaped = escape_html(part);
        if run {
            out.push_str("<bdi dir=\"ltr\">");
            out.push_str(&escaped);
            out.push_str("</bdi>");
        } else {
            out.push_str(&escaped);
        }
    }
    out
}
