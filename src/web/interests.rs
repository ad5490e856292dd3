//! "I can make this" (the maker's offer), the firm's list of offers with accept and decline,
//! and the introductions page of both sides.

use std::collections::BTreeMap;

use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};

use super::form::{flash, see_other, DoneQuery, Posted};
use super::session::Viewer;
use super::{lang_of, parse_id, render, render_status};
use crate::domain::money::Currency;
use crate::domain::supplier::Process;
use crate::error::AppError;
use crate::i18n;
use crate::services::catalogue::NeedView;
use crate::services::interests::{InterestView, Interests, IntroductionView};
use crate::state::AppState;

type Page = Result<HttpResponse, AppError>;

#[derive(Serialize)]
struct OfferFormPage {
    need: NeedView,
    current: Option<InterestView>,
    values: BTreeMap<String, String>,
    processes: Vec<(Process, bool)>,
    currencies: Vec<&'static str>,
    errors: BTreeMap<String, String>,
    done: Option<String>,
    /// The maker has a profile for the firm to judge the offer by.
    has_profile: bool,
}

/// The cells of a saved offer, as its form shows them.
fn offer_cells(i: &InterestView) -> Vec<(String, String)> {
    let mut pairs = vec![
        ("message".to_string(), i.message.clone()),
        (
            "lead_time_days".to_string(),
            i.lead_time_days.map(|d| d.to_string()).unwrap_or_default(),
        ),
        (
            "unit_price".to_string(),
            i.unit_price
                .map(|p| crate::domain::money::format_plain(p, i.currency))
                .unwrap_or_default(),
        ),
        ("currency".to_string(), i.currency.code().to_string()),
    ];
    if i.sample {
        pairs.push(("sample".into(), "yes".into()));
    }
    pairs.extend(
        i.processes
            .iter()
            .map(|p| ("processes".into(), p.as_str().into())),
    );
    pairs
}

async fn offer_page(
    state: &AppState,
    req: &HttpRequest,
    viewer: &Viewer,
    need_id: i32,
    typed: Option<&[(String, String)]>,
    errors: &[crate::domain::FieldError],
    done: Option<String>,
) -> Page {
    let user = viewer.require_user()?;
    let page = Interests::of(state).offer_page(user, need_id).await?;
    let pairs = match typed {
        Some(t) => t.to_vec(),
        None => match page.current.as_ref() {
            Some(current) => offer_cells(current),
            // A first offer starts from the maker's profile: the part's steps it declares.
            None => crate::services::matching::Matching::of(state)
                .offer_processes(&page.need, user)
                .await
                .unwrap_or_default()
                .into_iter()
                .map(|p| ("processes".to_string(), p.as_str().to_string()))
                .collect(),
        },
    };
    let chosen = |p: &Process| {
        pairs
            .iter()
            .any(|(k, v)| k == "processes" && v == p.as_str())
    };
    let lang = lang_of(req);
    let data = OfferFormPage {
        values: pairs
            .iter()
            .filter(|(k, _)| k != "processes")
            .cloned()
            .collect(),
        processes: Process::ALL.iter().map(|p| (*p, chosen(p))).collect(),
        currencies: Currency::ALL.iter().map(|c| c.code()).collect(),
        errors: errors
            .iter()
            .map(|e| (e.field.clone(), i18n::t(lang, e.key)))
            .collect(),
        need: page.need,
        current: page.current,
        done,
        has_profile: crate::services::suppliers::Suppliers::of(state)
            .own_profile(user)
            .await?
            .is_some(),
    };
    let status = if errors.is_empty() {
        actix_web::http::StatusCode::OK
    } else {
        actix_web::http::StatusCode::BAD_REQUEST
    };
    render_status(state, req, "needs/interest.html", data, status)
}

pub async fn offer_form(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    id: web::Path<String>,
    query: web::Query<DoneQuery>,
) -> Page {
    let done = flash(query.done.as_deref());
    offer_page(&state, &req, &viewer, parse_id(&id)?, None, &[], done).await
}

pub async fn offer(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    id: web::Path<String>,
    form: Posted<Vec<(String, String)>>,
) -> Page {
    let user = viewer.require_user()?;
    let need = parse_id(&id)?;
    match Interests::of(&state).offer(user, need, &form).await {
        Ok(_) => Ok(see_other(&format!(
            "/needs/{need}/interest?done=interest_sent"
        ))),
        Err(AppError::Invalid(errors)) => {
            offer_page(&state, &req, &viewer, need, Some(&form), &errors, None).await
        }
        Err(e) => Err(e),
    }
}

pub async fn withdraw(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
    _form: Posted<super::form::Empty>,
) -> Page {
    let user = viewer.require_user()?;
    let need = parse_id(&id)?;
    Interests::of(&state).withdraw(user, need).await?;
    Ok(see_other(&format!("/needs/{need}?done=interest_withdrawn")))
}

#[derive(Serialize)]
struct OffersPage {
    need: NeedView,
    offers: Vec<InterestView>,
    done: Option<String>,
}

pub async fn offers(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    id: web::Path<String>,
    query: web::Query<DoneQuery>,
) -> Page {
    let user = viewer.require_verified()?;
    let (need, offers) = Interests::of(&state).for_need(user, parse_id(&id)?).await?;
    let page = OffersPage {
        need,
        offers,
        done: flash(query.done.as_deref()),
    };
    render(&state, &req, "my/interests.html", page)
}

pub async fn accept(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
    _form: Posted<super::form::Empty>,
) -> Page {
    let user = viewer.require_verified()?;
    let need = Interests::of(&state).accept(user, parse_id(&id)?).await?;
    Ok(see_other(&format!(
        "/my/needs/{need}/interests?done=introduced"
    )))
}

#[derive(Deserialize)]
pub struct DeclineForm {
    #[serde(default)]
    reason: String,
}

pub async fn decline(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
    form: Posted<DeclineForm>,
) -> Page {
    let user = viewer.require_verified()?;
    let need = Interests::of(&state)
        .decline(user, parse_id(&id)?, &form.reason)
        .await?;
    Ok(see_other(&format!(
        "/my/needs/{need}/interests?done=declined"
    )))
}

#[derive(Serialize)]
struct IntroductionsPage {
    introductions: Vec<IntroductionView>,
    outcomes: &'static [crate::domain::supplier::Outcome],
    done: Option<String>,
}

pub async fn introductions(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    query: web::Query<DoneQuery>,
) -> Page {
    let user = viewer.require_verified()?;
    let introductions = Interests::of(&state).introductions(user).await?;
    let page = IntroductionsPage {
        introductions,
        outcomes: &crate::domain::supplier::Outcome::ALL,
        done: flash(query.done.as_deref()),
    };
    render(&state, &req, "introductions.html", page)
}

#[derive(Deserialize)]
pub struct FollowupQuery {
    #[serde(default)]
    token: String,
    #[serde(default)]
    outcome: String,
}

#[derive(Serialize)]
struct FollowupPageView {
    page: Option<crate::services::interests::FollowupPage>,
    token: String,
    outcome: String,
    recorded: bool,
    form_csrf: String,
}

fn followup_render(
    state: &AppState,
    req: &HttpRequest,
    viewer: &Viewer,
    view: FollowupPageView,
) -> Page {
    let mut builder = HttpResponse::Ok();
    let form_csrf = super::session::ensure(state, req, viewer, &mut builder);
    let page = render_status(
        state,
        req,
        "followup.html",
        FollowupPageView { form_csrf, ..view },
        actix_web::http::StatusCode::OK,
    )?;
    for (name, value) in page.headers() {
        builder.append_header((name.clone(), value.clone()));
    }
    builder.insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"));
    Ok(builder.body(page.into_body()))
}

/// A follow-up link: shows what it would record; changes nothing.
pub async fn followup_form(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    query: web::Query<FollowupQuery>,
) -> Page {
    let page = match Interests::of(&state)
        .followup_page(&query.token, &query.outcome)
        .await
    {
        Ok(p) => Some(p),
        Err(AppError::Conflict(_)) => None,
        Err(e) => return Err(e),
    };
    let view = FollowupPageView {
        page,
        token: query.token.clone(),
        outcome: query.outcome.clone(),
        recorded: false,
        form_csrf: String::new(),
    };
    followup_render(&state, &req, &viewer, view)
}

/// The confirmation of a follow-up link records the answer.
pub async fn followup(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    form: Posted<FollowupQuery>,
) -> Page {
    Interests::of(&state)
        .record_followup(&form.token, &form.outcome)
        .await?;
    let view = FollowupPageView {
        page: None,
        token: String::new(),
        outcome: form.outcome.clone(),
        recorded: true,
        form_csrf: String::new(),
    };
    followup_render(&state, &req, &viewer, view)
}

#[derive(Deserialize)]
pub struct OutcomeForm {
    #[serde(default)]
    outcome: String,
}

/// A side tells (or changes) how an introduction went.
pub async fn set_outcome(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
    form: Posted<OutcomeForm>,
) -> Page {
    let user = viewer.require_verified()?;
    Interests::of(&state)
        .set_outcome(user, parse_id(&id)?, &form.outcome)
        .await?;
    Ok(see_other("/introductions?done=outcome_recorded"))
}

#[derive(Deserialize)]
pub struct ProposeForm {
    #[serde(default)]
    need: String,
    #[serde(default)]
    supplier: String,
}

/// Organizers propose an introduction between a need and a maker.
pub async fn propose(
    state: web::Data<AppState>,
    viewer: Viewer,
    form: Posted<ProposeForm>,
) -> Page {
    let staff = viewer.require_staff()?;
    let need = parse_id(&form.need)?;
    let supplier = parse_id(&form.supplier)
        .map_err(|_| AppError::invalid("supplier", "error.supplier_unknown"))?;
    Interests::of(&state).propose(staff, need, supplier).await?;
    Ok(see_other(&format!("/needs/{need}?done=proposed")))
}

#[derive(Serialize)]
struct ProposalPage {
    proposal: crate::services::interests::ProposalView,
    done: Option<String>,
}

/// A proposal, for its two sides: what is proposed, and a yes or a no.
pub async fn proposal(
    state: web::Data<AppState>,
    req: HttpRequest,
    viewer: Viewer,
    id: web::Path<String>,
    query: web::Query<DoneQuery>,
) -> Page {
    let user = viewer.require_verified()?;
    let proposal = Interests::of(&state).proposal(user, parse_id(&id)?).await?;
    let page = ProposalPage {
        proposal,
        done: flash(query.done.as_deref()),
    };
    render(&state, &req, "proposal.html", page)
}

async fn answer(state: &AppState, viewer: &Viewer, id: &str, accept: bool) -> Page {
    let user = viewer.require_verified()?;
    let id = parse_id(id)?;
    let introduced = Interests::of(state)
        .answer_proposal(user, id, accept)
        .await?;
    let done = match (accept, introduced) {
        (true, true) => "introduced",
        (true, false) => "proposal_accepted",
        (false, _) => "proposal_declined",
    };
    Ok(see_other(&format!("/proposals/{id}?done={done}")))
}

pub async fn accept_proposal(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
    _form: Posted<super::form::Empty>,
) -> Page {
    answer(&state, &viewer, &id, true).await
}

pub async fn decline_proposal(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
    _form: Posted<super::form::Empty>,
) -> Page {
    answer(&state, &viewer, &id, false).await
}
