//! Niaz: the exhibition of industry needs as a living website.
//!
//! Where things live:
//! - [`routes`] is the one list of URLs. [`web`] holds the HTML handlers (pages, accounts,
//!   posting, staff pages, uploads) and [`api`] the JSON ones; both call the use cases in
//!   [`services`], so the site and the API cannot drift apart.
//! - [`state`] is the application state ([`state::AppState`], plain data) and [`startup`] the
//!   server assembly on any listener; [`config`] is read once.
//! - [`domain`] has the pure types: part numbers, HS codes, money, statuses, dates, file kinds,
//!   accounts, and the Persian text folding every comparison goes through.
//! - [`db`] holds every SQL query, the schema and the embedded migrations.
//! - [`search`] is the tantivy index: analyzers, query parser, the crash-safe indexer.
//! - [`auth`] has password hashing, tokens, TOTP and rate limits; [`email`] renders and sends mail
//!   that [`jobs`] takes from the outbox (and expires needs).
//! - [`templates`] loads `templates/` (pages mirror `web/` handlers, mails live in
//!   `templates/emails/`); [`i18n`] has the string table, Persian digits and Jalali dates;
//!   [`assets`] serves `assets/`.
//! - [`error`] is the one error type, rendered by [`web::errors`].

pub mod api;
pub mod assets;
pub mod auth;
pub mod config;
pub mod db;
pub mod domain;
pub mod email;
pub mod error;
pub mod i18n;
pub mod jobs;
pub mod routes;
pub mod search;
pub mod services;
pub mod startup;
pub mod state;
pub mod templates;
pub mod web;
