//! The provincial working group for removing production obstacles: sessions, their agendas of
//! referred desk cases, and the decision taken on each (what, by which agency, by when). A
//! decision flows back into its case (history, the responsible agency now answering it) and is
//! mailed to the firm; its deadline is followed by the job worker like a service level.

use chrono::{NaiveDate, NaiveDateTime, Utc};
use serde::Serialize;

use crate::config::Config;
use crate::db::desk::{self as q, Agency, Case, Decision, NewEvent, Session};
use crate::db::models::User;
use crate::db::{Conn, Db};
use crate::domain::desk::{
    parse_case_number, required_text, CaseStatus, EventKind, Side, MAX_TEXT,
};
use crate::domain::FieldError;
use crate::error::AppError;
use crate::state::AppState;

pub struct WorkingGroup<'a> {
    pub db: &'a Db,
    pub config: &'a Config,
    pub outbox: &'a crate::state::Outbox,
}

impl<'a> WorkingGroup<'a> {
    pub fn of(state: &'a AppState) -> Self {
        Self {
            db: &state.db,
            config: &state.config,
            outbox: &state.outbox,
        }
    }
}

fn now() -> NaiveDateTime {
    Utc::now().naive_utc()
}

/// A session in the list: how many cases are on its agenda and how many are decided.
#[derive(Debug, Clone, Serialize)]
pub struct SessionRow {
    #[serde(flatten)]
    pub session: Session,
    pub items: i64,
    pub decided: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct AgendaItem {
    pub decision: Decision,
    pub case: Case,
    pub firm: String,
    pub agency: Option<Agency>,
    /// The decision's deadline has passed and the case is still open.
    pub late: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct SessionView {
    pub session: Session,
    pub agenda: Vec<AgendaItem>,
    /// Referred cases waiting for a session, to add to this one.
    pub waiting: Vec<(String, String, String)>,
    pub agencies: Vec<Agency>,
}

/// The session form, as typed.
#[derive(Debug, Clone, Default, serde::Deserialize, Serialize)]
pub struct SessionForm {
    #[serde(default)]
    pub held_on: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub place: String,
}

/// A decision form, as typed.
#[derive(Debug, Clone, Default, serde::Deserialize, Serialize)]
pub struct DecisionForm {
    #[serde(default)]
    pub decision: String,
    #[serde(default)]
    pub agency: String,
    #[serde(default)]
    pub deadline: String,
}

impl WorkingGroup<'_> {
    pub async fn sessions(&self) -> Result<Vec<SessionRow>, AppError> {
        self.db
            .run(|conn| {
                Ok(q::sessions(conn)?
                    .into_iter()
                    .map(|(session, items, decided)| SessionRow {
                        session,
                        items,
                        decided,
                    })
                    .collect())
            })
            .await
    }

    pub async fn create(&self, form: SessionForm) -> Result<i32, AppError> {
        let mut errors = Vec::new();
        let held_on = crate::domain::dates::parse_date(&form.held_on)
            .map_err(|k| errors.push(FieldError::new("held_on", k)))
            .ok();
        let title = required_text("title", &form.title, 150, &mut errors);
        let place = crate::domain::text::clean(&form.place);
        if crate::domain::text::char_len(&place) > 150 {
            errors.push(FieldError::new("place", "error.too_long"));
        }
        let Some(held_on) = held_on.filter(|_| errors.is_empty()) else {
            return Err(AppError::Invalid(errors));
        };
        self.db
            .run(move |conn| Ok(q::insert_session(conn, held_on, &title, &place, now())?))
            .await
    }

    pub async fn session(&self, id: i32) -> Result<SessionView, AppError> {
        self.db
            .run(move |conn| {
                let session = q::find_session(conn, id)?.ok_or(AppError::NotFound)?;
                let agencies = q::list_agencies(conn)?;
                let today = crate::i18n::local_date(now());
                let agenda = q::agenda(conn, id)?
                    .into_iter()
                    .map(|(decision, case, firm)| AgendaItem {
                        agency: decision
                            .agency_id
                            .and_then(|a| agencies.iter().find(|x| x.id == a).cloned()),
                        late: case.status.is_open() && decision.deadline.is_some_and(|d| d < today),
                        decision,
                        case,
                        firm,
                    })
                    .collect();
                let waiting = q::referred_waiting(conn)?
                    .into_iter()
                    .map(|(c, firm)| (c.number, c.subject, firm))
                    .collect();
                Ok(SessionView {
                    session,
                    agenda,
                    waiting,
                    agencies,
                })
            })
            .await
    }

    /// Puts a referred case on the agenda.
    pub async fn add(&self, session: i32, number: &str) -> Result<(), AppError> {
        let number = parse_case_number(number);
        self.db
            .run(move |conn| {
                q::find_session(conn, session)?.ok_or(AppError::NotFound)?;
                let case = match &number {
                    Some(n) => q::find_by_number(conn, n)?,
                    None => None,
                };
                let Some(case) = case else {
                    return Err(AppError::invalid("case", "error.case_unknown"));
                };
                if case.status != CaseStatus::Referred {
                    return Err(AppError::invalid("case", "error.case_not_referred"));
                }
                q::add_to_agenda(conn, session, case.id, now())?;
                Ok(())
            })
            .await
    }

    /// Records the decision on one agenda item: the case goes to the responsible agency, its
    /// history and the firm's mail carry the decision, and the agency is told.
    pub async fn decide(
        &self,
        staff: &User,
        session: i32,
        item: i32,
        form: DecisionForm,
    ) -> Result<(), AppError> {
        let mut errors = Vec::new();
        let text = required_text("decision", &form.decision, MAX_TEXT, &mut errors);
        let deadline = crate::domain::dates::parse_date(&form.deadline)
            .map_err(|k| errors.push(FieldError::new("deadline", k)))
            .ok();
        let staff = staff.clone();
        let base = self.config.base_url.clone();
        self.db
            .run(move |conn| {
                let decision = q::find_decision(conn, item)?
                    .filter(|d| d.session_id == session)
                    .ok_or(AppError::NotFound)?;
                let case = q::find_case(conn, decision.case_id)?.ok_or(AppError::NotFound)?;
                let agency = q::list_agencies(conn)?
                    .into_iter()
                    .find(|a| a.slug == form.agency.trim());
                if agency.is_none() {
                    errors.push(FieldError::new("agency", "error.agency_unknown"));
                }
                let (Some(agency), Some(deadline)) = (agency, deadline) else {
                    return Err(AppError::Invalid(errors));
                };
                if !errors.is_empty() {
                    return Err(AppError::Invalid(errors));
                }
                if !case.status.is_open() {
                    return Err(AppError::Conflict("error.case_closed_or_not_yours"));
                }
                let t = now();
                crate::db::write_transaction(conn, |conn| {
                    q::decide(conn, item, &text, agency.id, deadline, t)?;
                    q::assign(conn, case.id, agency.id, t)?;
                    q::responded(conn, case.id, t)?;
                    q::insert_event(
                        conn,
                        &NewEvent {
                            case_id: case.id,
                            actor_id: Some(staff.id),
                            actor_name: &staff.name,
                            side: Side::Desk,
                            kind: EventKind::Decision,
                            status: Some(CaseStatus::Assigned),
                            agency_id: Some(agency.id),
                            body: &text,
                            now: t,
                        },
                    )?;
                    let context = serde_json::json!({
                        "number": case.number,
                        "title": case.subject,
                        "message": text,
                        "agency": agency.name_fa,
                        "agency_en": agency.name_en,
                        "deadline": deadline.to_string(),
                        "link": format!("{base}/desk/cases/{}", case.number),
                    });
                    super::desk::mail_firm(
                        conn,
                        case.organization_id,
                        "desk_case_decision",
                        context.clone(),
                    )?;
                    super::desk::mail_agency(conn, agency.id, "desk_case_decision", context)?;
                    Ok::<_, AppError>(())
                })
            })
            .await?;
        self.outbox.wake();
        Ok(())
    }
}

/// Escalates decisions past their deadline whose case is still open, once each. Returns how
/// many.
pub fn escalate_late_decisions(
    conn: &mut Conn,
    config: &Config,
    now: NaiveDateTime,
) -> Result<usize, AppError> {
    let today: NaiveDate = crate::i18n::local_date(now);
    let mut n = 0;
    for (decision, case) in q::decisions_overdue(conn, today)? {
        crate::db::write_transaction(conn, |conn| {
            if !q::mark_decision_escalated(conn, decision.id, now)? {
                return Ok::<_, AppError>(());
            }
            super::desk::escalation_mail(conn, config, &case, "decision", decision.agency_id, now)?;
            n += 1;
            Ok(())
        })?;
    }
    Ok(n)
}
