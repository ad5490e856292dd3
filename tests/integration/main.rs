//! Integration tests: each test starts the real server on port 0 with its own temporary data
//! directory and speaks HTTP to it.

mod access;
mod accounts;
mod alerts;
mod backup;
mod browser;
mod catalogue;
mod desk;
mod exhibitions;
mod files;
mod firms;
mod fixtures;
mod helpers;
mod index_faults;
mod interests;
mod mail;
mod matching;
mod migrate_data;
mod posting;
mod ranking;
mod schema;
mod search;
mod search_api;
mod search_index;
mod security;
mod servers;
mod site;
mod spreadsheet;
mod suppliers;
mod trust;
