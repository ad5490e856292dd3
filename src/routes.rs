//! The only list of URLs in Niaz.

use actix_web::web;

use crate::api;
use crate::web::{catalogue, pages, search};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(pages::home))
        .route("/needs", web::get().to(catalogue::list))
        .route("/needs/{id}", web::get().to(catalogue::show))
        .route("/firms/{id}", web::get().to(catalogue::firm))
        .route("/search", web::get().to(search::page))
        .route("/about", web::get().to(pages::about))
        .route("/lang", web::post().to(pages::switch_language))
        .route("/api/v1/needs", web::get().to(api::needs::list))
        .route("/api/v1/needs/{id}", web::get().to(api::needs::show))
        .route("/api/v1/suggest", web::get().to(api::needs::suggest))
        .route("/healthz", web::get().to(pages::healthz))
        .route("/assets/{path:.*}", web::get().to(pages::asset));
}
