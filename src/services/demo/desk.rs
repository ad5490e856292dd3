//! The demo's production desk: the agencies stationed at it with a representative each, a desk
//! operator, members of eight firms, and three dozen cases of the last three months in every
//! state, with their histories (some answered late and escalated, some rated).

use chrono::{Duration, NaiveDateTime};

use crate::db::desk::{self as q, NewCase, NewEvent};
use crate::db::models::NewUser;
use crate::db::Conn;
use crate::domain::account::Role;
use crate::domain::desk::{CaseCategory, CaseStatus, Channel, EventKind, Side, Urgency};
use crate::error::AppError;

const AGENCIES: &[(&str, &str, &str, &str)] = &[
    // slug, Persian name, English name, representative
    (
        "customs",
        "گمرک استان آذربایجان شرقی",
        "Provincial customs",
        "رضا قلی‌زاده",
    ),
    (
        "tax",
        "اداره کل امور مالیاتی",
        "Tax administration",
        "مریم صمدی",
    ),
    (
        "social-security",
        "سازمان تأمین اجتماعی",
        "Social security organization",
        "علی نوروزی",
    ),
    (
        "bank",
        "بانک صنعت و معدن",
        "Bank of Industry and Mine",
        "سارا اسدی",
    ),
    (
        "power",
        "شرکت توزیع نیروی برق",
        "Power distribution company",
        "حسین رحیمی",
    ),
    (
        "gas",
        "شرکت گاز استان",
        "Provincial gas company",
        "نادر عباسی",
    ),
    (
        "water",
        "شرکت آب منطقه‌ای",
        "Regional water company",
        "لیلا جعفری",
    ),
    (
        "environment",
        "اداره کل حفاظت محیط زیست",
        "Environment protection office",
        "پرویز کاظمی",
    ),
    (
        "standards",
        "اداره کل استاندارد",
        "Standards office",
        "زهرا فرجی",
    ),
    (
        "industry",
        "سازمان صنعت، معدن و تجارت",
        "Industry, mine and trade organization",
        "کامران ملکی",
    ),
];

/// (category, agency slug, urgency, subject, what happened, what the firm asks)
const CASES: &[(&str, &str, &str, &str, &str, &str)] = &[
    ("customs", "customs", "stopped", "ترخیص قالب‌های تزریق پلاستیک از گمرک بازرگان", "دو قالب تزریق وارداتی از سه هفته پیش در گمرک بازرگان مانده و خط تولید درب ظرف متوقف است. اسناد کامل است اما کد تعرفه مورد اختلاف است.", "ترخیص با ضمانت‌نامه تا روشن شدن تعرفه"),
    ("finance", "bank", "urgent", "تمدید تسهیلات سرمایه در گردش", "قسط تسهیلات سرمایه در گردش سررسید شده و به دلیل تأخیر در دریافت مطالبات از خودروساز، پرداخت آن ممکن نیست.", "استمهال شش‌ماهه بدون جریمه"),
    ("supply", "industry", "urgent", "تأمین یاتاقان‌های غلتشی ۶۲۰۶ برای خط نورد", "یاتاقان‌های 6206-2Z خط نورد را تأمین‌کننده خارجی دیگر نمی‌فروشد و موجودی انبار برای دو ماه است.", "معرفی سازنده داخلی یا تأمین ارز"),
    ("permits", "environment", "normal", "تمدید پروانه بهره‌برداری پس از توسعه خط", "پس از افزودن خط دوم رنگ‌آمیزی، تمدید پروانه بهره‌برداری منتظر استعلام محیط زیست است.", "پاسخ استعلام در مهلت قانونی"),
    ("tax_insurance", "tax", "normal", "اعتراض به مالیات علی‌الرأس سال ۱۴۰۳", "برگ تشخیص مالیات بدون رسیدگی به دفاتر صادر شده است.", "رسیدگی به دفاتر در هیئت حل اختلاف"),
    ("social_security", "social-security", "normal", "بدهی حق بیمه و توقف صدور مفاصاحساب", "به دلیل اختلاف در لیست بیمه دو ماه، مفاصاحساب پیمان صادر نمی‌شود و پرداخت صورت‌وضعیت متوقف است.", "تقسیط بدهی و صدور مفاصاحساب"),
    ("utilities", "power", "stopped", "قطع مکرر برق در ساعات اوج", "در هفته گذشته برق کارخانه چهار بار قطع شد و کوره القایی هر بار از مدار خارج شد.", "برنامه پایدار تأمین برق یا اولویت صنعتی"),
    ("utilities", "gas", "urgent", "افزایش ظرفیت انشعاب گاز", "با نصب دیگ بخار دوم، ظرفیت انشعاب فعلی کافی نیست.", "افزایش ظرفیت انشعاب پیش از زمستان"),
    ("utilities", "water", "normal", "سهمیه آب صنعتی شهرک", "سهمیه آب کارخانه کاهش یافته و خط شست‌وشوی قطعات نیمه‌وقت کار می‌کند.", "بازگشت سهمیه پیشین"),
    ("land", "industry", "normal", "واگذاری زمین توسعه در شهرک صنعتی", "درخواست زمین مجاور برای انبار مواد اولیه دو سال است در انتظار است.", "واگذاری زمین یا معرفی زمین جایگزین"),
    ("labour", "social-security", "normal", "جذب کارآموز فنی با معافیت بیمه", "برای خط جدید جوشکاری به ده کارآموز فنی نیاز داریم.", "استفاده از طرح معافیت بیمه کارآموزی"),
    ("customs", "customs", "urgent", "بازگشت کالای امانی برای تعمیر", "یک گیربکس برای تعمیر به خارج فرستاده شده و بازگشت آن به ثبت سفارش جدید گرفتار شده است.", "ترخیص به‌عنوان کالای امانی"),
    ("supply", "industry", "normal", "تأمین ورق فولادی ضدسایش", "ورق ضدسایش Hardox 450 برای بدنه سنگ‌شکن در بازار داخلی یافت نمی‌شود.", "معرفی تولیدکننده داخلی ورق معادل"),
    ("finance", "bank", "normal", "گشایش اعتبار اسنادی برای خرید ماشین‌آلات", "پرونده گشایش اعتبار اسنادی برای خرید دستگاه CNC دو ماه است در بانک مانده است.", "تصمیم‌گیری درباره گشایش اعتبار"),
    ("permits", "standards", "normal", "صدور پروانه کاربرد نشان استاندارد", "نمونه‌ها آزمون شده‌اند اما پروانه نشان استاندارد هنوز صادر نشده است.", "صدور پروانه"),
    ("tax_insurance", "tax", "urgent", "استرداد مالیات بر ارزش افزوده صادرات", "مالیات بر ارزش افزوده صادرات سال گذشته هنوز مسترد نشده است.", "استرداد در مهلت قانونی"),
    ("other", "industry", "normal", "مشکل حمل‌ونقل محصولات به مرز جلفا", "کامیون برای حمل محصولات به مرز جلفا کمیاب و گران شده است.", "هماهنگی با پایانه‌های بار"),
    ("supply", "industry", "stopped", "تأمین مواد اولیه پلی‌پروپیلن", "سهمیه پلی‌پروپیلن از بورس کالا به کارخانه نرسیده و تولید لوله متوقف است.", "تخصیص سهمیه"),
];

/// The state of the i-th demo case, so that every state appears several times.
const STATES: [CaseStatus; 12] = [
    CaseStatus::Received,
    CaseStatus::Assigned,
    CaseStatus::InProgress,
    CaseStatus::WaitingFirm,
    CaseStatus::Resolved,
    CaseStatus::InProgress,
    CaseStatus::Referred,
    CaseStatus::Resolved,
    CaseStatus::NotActionable,
    CaseStatus::Assigned,
    CaseStatus::Resolved,
    CaseStatus::InProgress,
];

fn user(
    conn: &mut Conn,
    email: String,
    name: &str,
    role: Role,
    org: Option<i32>,
    now: NaiveDateTime,
) -> Result<i32, AppError> {
    Ok(crate::db::accounts::insert_user(
        conn,
        &NewUser {
            email,
            email_verified_at: Some(now),
            // Not a hash of anything: demo accounts cannot sign in.
            password_hash: "!".to_string(),
            name: name.to_string(),
            phone: String::new(),
            lang: "fa".to_string(),
            role,
            organization_id: org,
            created_at: now,
            updated_at: now,
        },
    )?)
}

struct Step<'a> {
    case: i32,
    who: (i32, &'a str),
    side: Side,
    kind: EventKind,
    status: Option<CaseStatus>,
    agency: Option<i32>,
    body: &'a str,
    at: NaiveDateTime,
}

fn step(conn: &mut Conn, s: Step<'_>) -> Result<(), AppError> {
    q::insert_event(
        conn,
        &NewEvent {
            case_id: s.case,
            actor_id: Some(s.who.0),
            actor_name: s.who.1,
            side: s.side,
            kind: s.kind,
            status: s.status,
            agency_id: s.agency,
            body: s.body,
            now: s.at,
        },
    )?;
    Ok(())
}

pub fn load(conn: &mut Conn, firms: &[i32], now: NaiveDateTime) -> Result<usize, AppError> {
    let mut agencies = Vec::new();
    for (slug, name_fa, name_en, person) in AGENCIES {
        let id = q::insert_agency(conn, slug, name_fa, name_en, now - Duration::days(120))?;
        let rep = user(
            conn,
            format!("{slug}@demo.invalid"),
            person,
            Role::Agency,
            None,
            now,
        )?;
        q::set_member(conn, rep, id)?;
        agencies.push((*slug, id, rep, *person));
    }
    let operator_name = "اپراتور میز تولید";
    let operator = user(
        conn,
        "desk@demo.invalid".into(),
        operator_name,
        Role::Organizer,
        None,
        now,
    )?;
    let members: Vec<(i32, i32)> = firms
        .iter()
        .take(8)
        .enumerate()
        .map(|(i, org)| {
            user(
                conn,
                format!("firm{}@demo.invalid", i + 1),
                ["مدیر تولید", "مدیر بازرگانی", "مدیر عامل", "مدیر فنی"][i % 4],
                Role::Buyer,
                Some(*org),
                now,
            )
            .map(|u| (*org, u))
        })
        .collect::<Result<_, _>>()?;
    let levels = crate::domain::desk::ServiceLevels {
        first_response: Duration::hours(24),
    };
    let total = CASES.len() * 2;
    for i in 0..total {
        let (category, agency_slug, urgency, subject, description, request) =
            CASES[i % CASES.len()];
        let category = CaseCategory::parse(category).expect("demo categories are known");
        let urgency = Urgency::parse(urgency).expect("demo urgencies are known");
        let status = STATES[i % STATES.len()];
        let (org, member) = members[(i * 3) % members.len()];
        let phone = i % 4 == 3;
        let (_, agency, rep, rep_name) = *agencies
            .iter()
            .find(|a| a.0 == agency_slug)
            .expect("demo agencies are known");
        // Spread over three months, newest last; one in three filed at night.
        let filed = now - Duration::hours(((total - i) * 59) as i64)
            + Duration::hours(if i % 3 == 0 { 3 } else { 0 });
        let filer = if phone {
            (operator, operator_name)
        } else {
            (member, "")
        };
        let id = q::insert_case(
            conn,
            &NewCase {
                organization_id: org,
                filed_by: filer.0,
                channel: if phone {
                    Channel::Phone
                } else {
                    Channel::Online
                },
                category,
                urgency,
                subject,
                description,
                request,
                named_agencies: agency_slug,
                now: filed,
            },
        )?;
        let year = crate::i18n::to_jalali(filed.date()).map_or(0, |(y, _, _)| y);
        q::set_number(conn, id, &crate::domain::desk::case_number(year, id))?;
        let member_name = ["مدیر تولید", "مدیر بازرگانی", "مدیر عامل", "مدیر فنی"]
            [members.iter().position(|m| m.1 == member).unwrap_or(0) % 4];
        step(
            conn,
            Step {
                case: id,
                who: if phone {
                    (operator, operator_name)
                } else {
                    (member, member_name)
                },
                side: if phone { Side::Desk } else { Side::Firm },
                kind: EventKind::Filed,
                status: Some(CaseStatus::Received),
                agency: None,
                body: "",
                at: filed,
            },
        )?;
        'progress: {
            if status == CaseStatus::Received {
                break 'progress;
            }
            // Most are answered within hours; every fifth took more than a day.
            let late = i % 5 == 1;
            let assigned_at = filed + Duration::hours(if late { 30 } else { 2 });
            q::assign(conn, id, agency, assigned_at)?;
            step(
                conn,
                Step {
                    case: id,
                    who: (operator, operator_name),
                    side: Side::Desk,
                    kind: EventKind::Assigned,
                    status: Some(CaseStatus::Assigned),
                    agency: Some(agency),
                    body: "",
                    at: assigned_at,
                },
            )?;
            if status == CaseStatus::Assigned {
                break 'progress;
            }
            let taken_at = assigned_at + Duration::hours(3);
            q::take(conn, id, rep, taken_at)?;
            step(
                conn,
                Step {
                    case: id,
                    who: (rep, rep_name),
                    side: Side::Agency,
                    kind: EventKind::Taken,
                    status: Some(CaseStatus::InProgress),
                    agency: Some(agency),
                    body: "",
                    at: taken_at,
                },
            )?;
            let answered_at = taken_at + Duration::hours(1);
            q::responded(conn, id, answered_at)?;
            step(
                conn,
                Step {
                    case: id,
                    who: (rep, rep_name),
                    side: Side::Agency,
                    kind: EventKind::Reply,
                    status: None,
                    agency: Some(agency),
                    body: "پرونده بررسی شد و با واحد مربوط در دستگاه هماهنگ می‌شود.",
                    at: answered_at,
                },
            )?;
            let (note, closing) = match status {
                CaseStatus::WaitingFirm => ("لطفاً تصویر اسناد و نامه‌های پیشین را بفرستید.", false),
                CaseStatus::Referred => (
                    "رسیدگی به این پرونده فراتر از اختیار دستگاه است و به کارگروه رفع موانع تولید ارجاع شد.",
                    false,
                ),
                CaseStatus::Resolved => ("درخواست واحد انجام شد و نتیجه به واحد ابلاغ شد.", true),
                CaseStatus::NotActionable => (
                    "موضوع در قوانین جاری قابل پیگیری نیست؛ راه‌های جایگزین به واحد گفته شد.",
                    true,
                ),
                _ => ("", false),
            };
            if !note.is_empty() {
                let at = answered_at + Duration::hours(if closing { 70 } else { 20 });
                let case = q::find_case(conn, id)?.ok_or(AppError::NotFound)?;
                q::set_status(conn, &case, status, at)?;
                step(
                    conn,
                    Step {
                        case: id,
                        who: (rep, rep_name),
                        side: Side::Agency,
                        kind: EventKind::Status,
                        status: Some(status),
                        agency: Some(agency),
                        body: note,
                        at,
                    },
                )?;
                if status == CaseStatus::Resolved && i % 2 == 0 {
                    let rating = [5, 4, 5, 3][i % 4];
                    q::rate(conn, id, rating, at + Duration::hours(5))?;
                    step(
                        conn,
                        Step {
                            case: id,
                            who: (member, member_name),
                            side: Side::Firm,
                            kind: EventKind::Rated,
                            status: None,
                            agency: None,
                            body: &format!("{rating}/5"),
                            at: at + Duration::hours(5),
                        },
                    )?;
                }
            }
        }
        // Open cases past their service level have been escalated once by the worker.
        let case = q::find_case(conn, id)?.ok_or(AppError::NotFound)?;
        if levels
            .overdue(
                case.status,
                case.category,
                case.created_at,
                case.first_response_at,
                now,
            )
            .is_some()
        {
            q::mark_escalated(conn, id, now - Duration::hours(1))?;
            q::insert_event(
                conn,
                &NewEvent {
                    case_id: id,
                    actor_id: None,
                    actor_name: "",
                    side: Side::Desk,
                    kind: EventKind::Escalated,
                    status: None,
                    agency_id: Some(agency),
                    body: "",
                    now: now - Duration::hours(1),
                },
            )?;
        }
    }
    // The working group: last session decided the first referred case; the next session has
    // the others on its agenda.
    let referred: Vec<crate::db::desk::Case> = q::all_cases(conn)?
        .into_iter()
        .filter(|c| c.status == CaseStatus::Referred)
        .collect();
    let held = q::insert_session(
        conn,
        (now - Duration::days(12)).date(),
        "جلسه ۴۱ کارگروه رفع موانع تولید استان",
        "استانداری آذربایجان شرقی، تالار جلسات",
        now - Duration::days(14),
    )?;
    let next = q::insert_session(
        conn,
        (now + Duration::days(7)).date(),
        "جلسه ۴۲ کارگروه رفع موانع تولید استان",
        "استانداری آذربایجان شرقی، تالار جلسات",
        now - Duration::days(1),
    )?;
    for (k, case) in referred.iter().enumerate() {
        if k == 0 {
            let at = now - Duration::days(12);
            q::add_to_agenda(conn, held, case.id, at - Duration::days(1))?;
            let item = q::agenda(conn, held)?
                .into_iter()
                .find(|i| i.1.id == case.id)
                .map(|i| i.0.id)
                .ok_or(AppError::NotFound)?;
            let bank = agencies
                .iter()
                .find(|a| a.0 == "bank")
                .ok_or(AppError::NotFound)?
                .1;
            let text = "بانک صنعت و معدن ظرف دو هفته درباره استمهال و ضمانت‌نامه تصمیم بگیرد و نتیجه را به واحد و دبیرخانه کارگروه اعلام کند.";
            q::decide(conn, item, text, bank, (at + Duration::days(14)).date(), at)?;
            q::assign(conn, case.id, bank, at)?;
            step(
                conn,
                Step {
                    case: case.id,
                    who: (operator, operator_name),
                    side: Side::Desk,
                    kind: EventKind::Decision,
                    status: Some(CaseStatus::Assigned),
                    agency: Some(bank),
                    body: text,
                    at,
                },
            )?;
        } else {
            q::add_to_agenda(conn, next, case.id, now - Duration::days(1))?;
        }
    }

    // The desk made a need of the exhibition from the first parts case.
    if let Some(case) = q::list(conn, q::Scope::All, &q::Filter::default(), 0, 1000)?
        .0
        .into_iter()
        .map(|(c, _)| c)
        .filter(|c| c.category == CaseCategory::Supply && c.status.is_open())
        .min_by_key(|c| c.id)
    {
        let category = crate::db::catalogue::all_categories(conn)?
            .into_iter()
            .find(|c| c.slug == "bearings")
            .map(|c| c.id)
            .ok_or(AppError::NotFound)?;
        let at = case.created_at + Duration::hours(8);
        let need = crate::db::catalogue::insert_need(
            conn,
            &crate::services::desk::need_from_case(&case, category, at),
        )?;
        q::set_need(conn, case.id, need, at)?;
        step(
            conn,
            Step {
                case: case.id,
                who: (operator, operator_name),
                side: Side::Desk,
                kind: EventKind::Need,
                status: None,
                agency: None,
                body: "",
                at,
            },
        )?;
    }
    Ok(total)
}
