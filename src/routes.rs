//! The only list of URLs in Niaz.

use actix_web::web;

use crate::api;
use crate::web::{
    account, admin, alerts, audit, catalogue, desk, exhibitions, firms, import, interests, pages,
    posting, search, suppliers,
};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(pages::home))
        .route("/needs", web::get().to(catalogue::list))
        .route("/needs/{id}", web::get().to(catalogue::show))
        .route("/firms/{id}", web::get().to(catalogue::firm))
        .route("/suppliers", web::get().to(suppliers::directory))
        .route("/suppliers/{id}", web::get().to(suppliers::show))
        .route("/suppliers/{id}/report", web::post().to(suppliers::report))
        .route("/search", web::get().to(search::page))
        .route("/search/export", web::get().to(search::export))
        .route("/search.atom", web::get().to(search::feed))
        .route("/alerts", web::post().to(alerts::save))
        .route("/account/alerts", web::get().to(alerts::page))
        .route(
            "/account/alerts/preferences",
            web::post().to(alerts::preferences),
        )
        .route("/account/alerts/{id}", web::post().to(alerts::update))
        .route(
            "/account/alerts/{id}/delete",
            web::post().to(alerts::delete),
        )
        .route("/unsubscribe", web::get().to(alerts::unsubscribe_form))
        .route("/unsubscribe", web::post().to(alerts::unsubscribe))
        .route("/unsubscribe/undo", web::post().to(alerts::resubscribe))
        .route("/exhibitions", web::get().to(exhibitions::list))
        .route("/exhibitions/{slug}", web::get().to(exhibitions::show))
        .route(
            "/exhibitions/{slug}/catalogue",
            web::get().to(exhibitions::catalogue),
        )
        .route(
            "/exhibitions/{slug}/cards",
            web::get().to(exhibitions::cards),
        )
        .route(
            "/exhibitions/{slug}/screen",
            web::get().to(exhibitions::screen),
        )
        .route(
            "/exhibitions/{slug}/figures.json",
            web::get().to(exhibitions::figures),
        )
        .route("/n/{id}", web::get().to(exhibitions::short))
        .route("/admin/exhibitions", web::get().to(exhibitions::admin_list))
        .route("/admin/exhibitions", web::post().to(exhibitions::create))
        .route(
            "/admin/exhibitions/add",
            web::post().to(exhibitions::add_results),
        )
        .route(
            "/admin/exhibitions/{slug}",
            web::get().to(exhibitions::admin_show),
        )
        .route(
            "/admin/exhibitions/{slug}",
            web::post().to(exhibitions::update),
        )
        .route(
            "/admin/exhibitions/{slug}/announce",
            web::post().to(exhibitions::announce),
        )
        .route(
            "/admin/exhibitions/{slug}/sections",
            web::post().to(exhibitions::add_section),
        )
        .route(
            "/admin/exhibitions/{slug}/needs",
            web::post().to(exhibitions::add_needs),
        )
        .route(
            "/admin/exhibitions/{slug}/needs/{need}",
            web::post().to(exhibitions::update_entry),
        )
        .route(
            "/admin/exhibitions/{slug}/needs/{need}/remove",
            web::post().to(exhibitions::remove_entry),
        )
        .route("/about", web::get().to(pages::about))
        .route("/lang", web::post().to(pages::switch_language))
        .route("/signup", web::get().to(account::signup_form))
        .route("/signup", web::post().to(account::signup))
        .route("/verify", web::get().to(account::verify_form))
        .route("/verify", web::post().to(account::verify))
        .route(
            "/verify/resend",
            web::post().to(account::resend_verification),
        )
        .route("/login", web::get().to(account::login_form))
        .route("/login", web::post().to(account::login))
        .route("/login/2fa", web::get().to(account::second_factor_form))
        .route("/login/2fa", web::post().to(account::second_factor))
        .route("/logout", web::post().to(account::logout))
        .route("/password/forgot", web::get().to(account::forgot_form))
        .route("/password/forgot", web::post().to(account::forgot))
        .route("/password/reset", web::get().to(account::reset_form))
        .route("/password/reset", web::post().to(account::reset))
        .route("/invite", web::get().to(account::invite_form))
        .route("/invite", web::post().to(account::accept_invite))
        .route("/account", web::get().to(account::settings))
        .route("/account", web::post().to(account::update_profile))
        .route(
            "/account/password",
            web::post().to(account::change_password),
        )
        .route(
            "/account/sessions/end",
            web::post().to(account::logout_everywhere),
        )
        .route("/account/delete", web::post().to(account::delete_account))
        .route("/account/invite", web::post().to(account::invite))
        .route("/account/matches", web::get().to(suppliers::matches))
        .route("/account/profile", web::get().to(suppliers::profile_form))
        .route("/account/profile", web::post().to(suppliers::save_profile))
        .route(
            "/account/profile/photos",
            web::post().to(suppliers::add_photo),
        )
        .route(
            "/account/profile/photos/{id}/delete",
            web::post().to(suppliers::delete_photo),
        )
        .route(
            "/suppliers/photos/{id}/{size}",
            web::get().to(suppliers::photo),
        )
        .route("/account/2fa", web::get().to(account::totp_page))
        .route("/account/2fa/setup", web::post().to(account::totp_setup))
        .route("/account/2fa/enable", web::post().to(account::totp_enable))
        .route(
            "/account/2fa/disable",
            web::post().to(account::totp_disable),
        )
        .route("/my/needs", web::get().to(posting::dashboard))
        .route("/my/firm", web::get().to(firms::own_form))
        .route("/my/firm", web::post().to(firms::own_save))
        .route("/admin/firms", web::get().to(firms::admin_list))
        .route("/admin/firms/{id}", web::get().to(firms::admin_form))
        .route("/admin/firms/{id}", web::post().to(firms::admin_save))
        .route("/admin/firms/{id}/merge", web::post().to(firms::merge))
        .route("/my/needs/new", web::get().to(posting::new_form))
        // The site's form is multipart (drawings go with it); a plain form still works.
        .route(
            "/my/needs/new",
            web::post()
                .guard(actix_web::guard::fn_guard(is_multipart))
                .to(posting::create_with_files),
        )
        .route("/my/needs/new", web::post().to(posting::create))
        .route("/my/needs/{id}/edit", web::get().to(posting::edit_form))
        .route("/my/needs/{id}/edit", web::post().to(posting::update))
        .route("/my/needs/{id}/withdraw", web::post().to(posting::withdraw))
        .route(
            "/my/needs/{id}/duplicate",
            web::post().to(posting::duplicate),
        )
        .route("/my/needs/{id}/renew", web::post().to(posting::renew))
        .route("/my/needs/{id}/files", web::post().to(posting::upload_file))
        .route(
            "/my/needs/{id}/files/{file}/delete",
            web::post().to(posting::delete_file),
        )
        .route("/files/{id}/{size}", web::get().to(posting::serve_file))
        .route("/needs/{id}/join", web::post().to(posting::join))
        .route("/needs/{id}/interest", web::get().to(interests::offer_form))
        .route("/needs/{id}/interest", web::post().to(interests::offer))
        .route(
            "/needs/{id}/interest/withdraw",
            web::post().to(interests::withdraw),
        )
        .route("/my/needs/{id}/interests", web::get().to(interests::offers))
        .route(
            "/my/interests/{id}/accept",
            web::post().to(interests::accept),
        )
        .route(
            "/my/interests/{id}/decline",
            web::post().to(interests::decline),
        )
        .route("/introductions", web::get().to(interests::introductions))
        .route(
            "/introductions/{id}/outcome",
            web::post().to(interests::set_outcome),
        )
        .route("/proposals/{id}", web::get().to(interests::proposal))
        .route(
            "/proposals/{id}/accept",
            web::post().to(interests::accept_proposal),
        )
        .route(
            "/proposals/{id}/decline",
            web::post().to(interests::decline_proposal),
        )
        .route("/admin/proposals", web::post().to(interests::propose))
        .route("/followup", web::get().to(interests::followup_form))
        .route("/followup", web::post().to(interests::followup))
        .route("/admin/import", web::get().to(import::form))
        .route("/admin/import", web::post().to(import::preview))
        .route("/admin/import/confirm", web::post().to(import::confirm))
        .route("/admin/review", web::get().to(posting::review_queue))
        .route("/admin/review/{id}", web::post().to(posting::decide))
        .route("/admin", web::get().to(admin::dashboard))
        .route("/admin/audit", web::get().to(audit::page))
        .route("/admin/reports", web::get().to(admin::reports))
        .route("/admin/reports.csv", web::get().to(admin::reports_csv))
        .route("/admin/users/{id}/role", web::post().to(admin::set_role))
        .route(
            "/admin/organizations/{id}/verify",
            web::post().to(admin::verify_organization),
        )
        .route(
            "/admin/mail/retry-all",
            web::post().to(admin::retry_all_mail),
        )
        .route("/admin/mail/{id}/retry", web::post().to(admin::retry_mail))
        .route(
            "/admin/suppliers/{id}/suspend",
            web::post().to(suppliers::suspend),
        )
        .route(
            "/admin/suppliers/{id}/verify",
            web::post().to(suppliers::verify),
        )
        .route("/admin/settings", web::post().to(admin::settings))
        .route("/admin/synonyms", web::get().to(admin::synonyms_form))
        .route("/admin/synonyms", web::post().to(admin::save_synonyms))
        .route("/admin/part-families", web::get().to(admin::families_form))
        .route("/admin/part-families", web::post().to(admin::save_families))
        .route("/desk", web::get().to(desk::home))
        .route("/desk/figures", web::get().to(desk::figures))
        .route("/desk/figures.csv", web::get().to(desk::figures_csv))
        .route("/desk/cases", web::get().to(desk::list))
        // The site's filing form is multipart (documents go with it); a plain form still works.
        .route(
            "/desk/cases",
            web::post()
                .guard(actix_web::guard::fn_guard(is_multipart))
                .to(desk::file_with_files),
        )
        .route("/desk/cases", web::post().to(desk::file))
        .route(
            "/desk/cases/{number}/files",
            web::post().to(desk::add_files),
        )
        .route("/desk/files/{id}", web::get().to(desk::document))
        .route("/desk/cases/{number}", web::get().to(desk::show))
        .route("/desk/cases/{number}/write", web::post().to(desk::write))
        .route(
            "/desk/cases/{number}/status",
            web::post().to(desk::set_status),
        )
        .route("/desk/cases/{number}/assign", web::post().to(desk::assign))
        .route("/desk/cases/{number}/take", web::post().to(desk::take))
        .route("/desk/cases/{number}/rate", web::post().to(desk::rate))
        .route("/desk/cases/{number}/need", web::post().to(desk::to_need))
        .route("/desk/sessions", web::get().to(desk::sessions))
        .route("/desk/sessions", web::post().to(desk::create_session))
        .route("/desk/sessions/{id}", web::get().to(desk::session))
        .route(
            "/desk/sessions/{id}/agenda",
            web::post().to(desk::add_to_agenda),
        )
        .route(
            "/desk/sessions/{id}/decisions/{item}",
            web::post().to(desk::decide),
        )
        .route("/desk/sessions/{id}/minutes", web::get().to(desk::minutes))
        .route("/desk/phone", web::get().to(desk::phone_form))
        .route("/desk/phone", web::post().to(desk::phone))
        .route("/admin/agencies", web::get().to(desk::agencies))
        .route("/admin/agencies", web::post().to(desk::add_agency))
        .route("/admin/agencies/members", web::post().to(desk::add_member))
        .route(
            "/admin/agencies/members/{id}/remove",
            web::post().to(desk::remove_member),
        )
        .route("/api/v1/needs", web::get().to(api::needs::list))
        .route("/api/v1/needs/{id}", web::get().to(api::needs::show))
        .route(
            "/api/v1/needs/{id}/makers",
            web::get().to(api::needs::makers),
        )
        .route("/api/v1/suggest", web::get().to(api::needs::suggest))
        .route("/api/v1/suppliers", web::get().to(api::suppliers::list))
        .route(
            "/api/v1/suppliers/{id}",
            web::get().to(api::suppliers::show),
        )
        .route(
            "/api/v1/suppliers/{id}/needs",
            web::get().to(api::suppliers::needs),
        )
        .route("/healthz", web::get().to(pages::healthz))
        .route("/readyz", web::get().to(pages::readyz))
        .route("/assets/{path:.*}", web::get().to(pages::asset));
}

/// Whether a request's body is a multipart form.
fn is_multipart(ctx: &actix_web::guard::GuardContext<'_>) -> bool {
    ctx.head()
        .headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"multipart/form-data"))
}
