//! Demo makers: thirty fictional workshops, manufacturers, inventors and labs of the province,
//! with what they can make, so the directory is never empty in a demo.

use chrono::NaiveDateTime;

use crate::db::models::{NewOrganization, NewUser};
use crate::db::suppliers::ProfileFields;
use crate::db::Conn;
use crate::domain::account::Role;
use crate::domain::organization::OrgKind;
use crate::domain::supplier::{Certification, Process};
use crate::error::AppError;

/// (organization or "" for an inventor alone, person, kind, city, processes, materials, machines,
/// capacity, certifications, parts already localized, verified by the organizers)
type Maker = (
    &'static str,
    &'static str,
    OrgKind,
    &'static str,
    &'static [&'static str],
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static str,
    bool,
);

const MAKERS: &[Maker] = &[
    (
        "تراشکاری دقیق آذر",
        "رضا قاسمی",
        OrgKind::Workshop,
        "تبریز",
        &["cnc_turning", "cnc_milling", "grinding"],
        "فولاد آلیاژی، برنج، آلومینیوم",
        "تراش CNC دو دستگاه، فرز سه‌محور",
        "۲۰۰۰ قطعه در ماه",
        &["iso_9001"],
        "بوش‌های برنجی پمپ آب، شفت گیربکس",
        true,
    ),
    (
        "ریخته‌گری سهند",
        "مهدی رحیمی",
        OrgKind::Manufacturer,
        "تبریز",
        &["sand_casting", "investment_casting", "heat_treatment"],
        "چدن نشکن، فولاد ریختگی",
        "کوره القایی ۵۰۰ کیلویی",
        "۳۰ تن در ماه",
        &["iso_9001", "national_standard"],
        "پوسته پمپ، پروانه فولادی",
        true,
    ),
    (
        "قالب‌سازی نوین مراغه",
        "علی نوروزی",
        OrgKind::Workshop,
        "مراغه",
        &["mould_making", "injection_moulding", "edm"],
        "فولاد قالب ۲۳۱۲ و ۲۷۳۸",
        "وایرکات، اسپارک، تزریق ۲۵۰ تن",
        "۴ قالب در ماه",
        &[],
        "قالب درپوش پلاستیکی",
        false,
    ),
    (
        "لاستیک‌سازی ارس",
        "حسین جعفری",
        OrgKind::Manufacturer,
        "مرند",
        &["rubber_moulding", "extrusion"],
        "NBR، EPDM، ویتون",
        "پرس لاستیک ۲۰۰ تن",
        "۵۰ هزار قطعه در ماه",
        &["iso_9001"],
        "اورینگ و کاسه‌نمد پمپ",
        true,
    ),
    (
        "چرخ‌دنده تبریز",
        "سعید اکبری",
        OrgKind::Workshop,
        "تبریز",
        &["gear_cutting", "cnc_turning", "heat_treatment"],
        "فولاد ۴۱۴۰ و ۸۶۲۰",
        "هاب، شیپینگ، سنگ دنده",
        "۵۰۰ چرخ‌دنده در ماه",
        &[],
        "چرخ‌دنده گیربکس همزن",
        true,
    ),
    (
        "",
        "نادر صمدی",
        OrgKind::Inventor,
        "تبریز",
        &["reverse_engineering", "3d_printing", "industrial_design"],
        "PLA، نایلون، رزین",
        "چاپگر سه‌بعدی، اسکنر",
        "نمونه‌سازی",
        &[],
        "",
        false,
    ),
    (
        "آزمایشگاه ساخت دانشگاه تبریز",
        "دکتر مریم حسینی",
        OrgKind::ResearchCentre,
        "تبریز",
        &["reverse_engineering", "powder_metallurgy", "composites"],
        "پودر فلز، کامپوزیت کربنی",
        "پرس ایزواستاتیک، اسکنر سه‌بعدی",
        "پروژه‌ای",
        &["knowledge_based"],
        "بوش متالورژی پودر",
        true,
    ),
    (
        "ورق‌کاری میانه",
        "یوسف عباسی",
        OrgKind::Workshop,
        "میانه",
        &["sheet_metal", "laser_cutting", "welding"],
        "ورق فولادی و استیل",
        "لیزر فایبر ۳ کیلووات، پرس برک",
        "۱۰ تن در ماه",
        &[],
        "بدنه تابلو برق",
        false,
    ),
    (
        "فنرسازی اهر",
        "کریم مرادی",
        OrgKind::Workshop,
        "اهر",
        &["spring_making", "heat_treatment"],
        "سیم فنر فولادی",
        "فنرپیچ CNC",
        "۲۰ هزار فنر در ماه",
        &[],
        "فنر شیر اطمینان",
        false,
    ),
    (
        "صنایع پیچ و مهره آذربایجان",
        "جواد رستمی",
        OrgKind::Manufacturer,
        "تبریز",
        &["fasteners", "forging", "surface_coating"],
        "فولاد ۸.۸ و ۱۰.۹",
        "سرسازی سرد، رزوه‌نورد",
        "۲۰۰ هزار عدد در ماه",
        &["national_standard"],
        "پیچ‌های ویژه فلنج",
        true,
    ),
    (
        "الکترونیک صنعتی پارس‌آذر",
        "امیر نجفی",
        OrgKind::Manufacturer,
        "تبریز",
        &["electronics_assembly", "pcb_design", "electrical_panels"],
        "FR4، قطعات SMD",
        "خط مونتاژ SMD",
        "۵۰۰ برد در ماه",
        &["iso_9001", "ce"],
        "برد کنترل پمپ، کارت PLC",
        true,
    ),
    (
        "هیدرولیک سازان بناب",
        "مجید کریمی",
        OrgKind::Workshop,
        "بناب",
        &["hydraulics", "cnc_turning", "grinding"],
        "فولاد کروم‌دار، چدن",
        "سنگ داخلی، هونینگ",
        "۳۰۰ جک در ماه",
        &[],
        "جک هیدرولیک پرس",
        false,
    ),
    (
        "آهنگری سنتی سراب",
        "بهروز طاهری",
        OrgKind::Workshop,
        "سراب",
        &["forging", "heat_treatment"],
        "فولاد ساختمانی و ابزار",
        "چکش پنوماتیک",
        "۵ تن در ماه",
        &[],
        "",
        false,
    ),
    (
        "پوشش‌های سطحی آذرشهر",
        "لیلا صادقی",
        OrgKind::Workshop,
        "آذرشهر",
        &["surface_coating"],
        "قطعات فولادی و آلومینیومی",
        "خط آبکاری کروم و نیکل",
        "۱۰ هزار قطعه در ماه",
        &["iso_14001"],
        "",
        false,
    ),
    (
        "ماشین‌سازی پنج‌محور سهند",
        "فرهاد یزدانی",
        OrgKind::Manufacturer,
        "سهند",
        &["five_axis_machining", "cnc_milling", "reverse_engineering"],
        "تیتانیوم، اینکونل، آلومینیوم هوایی",
        "فرز پنج‌محور",
        "۳۰۰ قطعه در ماه",
        &["iso_9001", "knowledge_based"],
        "پره توربین، ایمپلر کمپرسور",
        true,
    ),
    (
        "اکستروژن آلومینیوم اسکو",
        "صادق شریفی",
        OrgKind::Manufacturer,
        "اسکو",
        &["extrusion", "surface_coating"],
        "آلومینیوم ۶۰۶۳",
        "پرس اکستروژن ۸۰۰ تن",
        "۶۰ تن در ماه",
        &["national_standard"],
        "پروفیل رادیاتور",
        false,
    ),
    (
        "کامپوزیت آذر",
        "پریسا ملکی",
        OrgKind::Workshop,
        "تبریز",
        &["composites", "mould_making"],
        "فایبرگلاس، کربن",
        "اتوکلاو کوچک",
        "۱۰۰ قطعه در ماه",
        &[],
        "پوشش فن",
        false,
    ),
    (
        "قطعه‌سازی عجب‌شیر",
        "رسول حیدری",
        OrgKind::Workshop,
        "عجب‌شیر",
        &["cnc_turning", "welding"],
        "فولاد و چدن",
        "تراش CNC",
        "۸۰۰ قطعه در ماه",
        &[],
        "",
        false,
    ),
    (
        "",
        "سینا فرجی",
        OrgKind::Inventor,
        "مراغه",
        &["industrial_design", "electronics_assembly"],
        "",
        "",
        "نمونه‌سازی",
        &[],
        "حسگر دما برای کوره",
        false,
    ),
    (
        "تابلوسازان ملکان",
        "حمید احمدی",
        OrgKind::Workshop,
        "ملکان",
        &["electrical_panels", "sheet_metal"],
        "ورق و تجهیزات برق",
        "خم‌کن، پانچ",
        "۴۰ تابلو در ماه",
        &["national_standard"],
        "",
        false,
    ),
    (
        "متالورژی پودر آذربایجان",
        "نیما خلیلی",
        OrgKind::Manufacturer,
        "تبریز",
        &["powder_metallurgy", "heat_treatment"],
        "پودر آهن و برنز",
        "پرس ۳۰۰ تن، کوره زینتر",
        "۱۰۰ هزار قطعه در ماه",
        &["iso_9001", "iatf_16949"],
        "بوش خودروانکار",
        true,
    ),
    (
        "تزریق پلاستیک شبستر",
        "آرش رنجبر",
        OrgKind::Workshop,
        "شبستر",
        &["injection_moulding", "mould_making"],
        "PA6، POM، PP",
        "تزریق ۱۵۰ و ۳۰۰ تن",
        "۸۰ هزار قطعه در ماه",
        &[],
        "چرخ‌دنده پلاستیکی",
        false,
    ),
    (
        "جوشکاری صنعتی هادیشهر",
        "اکبر زمانی",
        OrgKind::Workshop,
        "هادیشهر",
        &["welding", "sheet_metal"],
        "فولاد، استیل، آلومینیوم",
        "جوش TIG و MIG، ربات جوش",
        "۱۵ تن در ماه",
        &[],
        "",
        false,
    ),
    (
        "سنگ‌زنی دقیق تبریز",
        "وحید کاظمی",
        OrgKind::Workshop,
        "تبریز",
        &["grinding", "edm"],
        "فولاد ابزار سخت‌کاری‌شده",
        "سنگ صفحه، سنگ گرد",
        "۱۰۰۰ قطعه در ماه",
        &[],
        "تیغه برش کاغذ",
        false,
    ),
    (
        "الکتروموتور آذر",
        "محسن قربانی",
        OrgKind::Manufacturer,
        "تبریز",
        &[
            "motor_winding",
            "electronics_assembly",
            "cnc_turning",
            "die_casting",
        ],
        "آلومینیوم، مس، ورق سیلیکون",
        "سیم‌پیچی، دایکست",
        "۲۰۰ موتور در ماه",
        &["national_standard", "ce"],
        "الکتروموتور پمپ سه فاز",
        true,
    ),
    (
        "ریخته‌گری تحت فشار مرند",
        "ابراهیم توکلی",
        OrgKind::Manufacturer,
        "مرند",
        &["die_casting", "cnc_milling"],
        "آلومینیوم و زاماک",
        "دایکست ۴۰۰ تن",
        "۴۰ هزار قطعه در ماه",
        &["iso_9001"],
        "درپوش موتور",
        false,
    ),
    (
        "نمونه‌سازی سریع آزمون",
        "زهرا عسگری",
        OrgKind::Workshop,
        "تبریز",
        &["3d_printing", "reverse_engineering", "cnc_milling"],
        "رزین، نایلون، آلومینیوم",
        "SLA، SLS، فرز",
        "۵۰ نمونه در ماه",
        &[],
        "نمونه پروانه پمپ",
        false,
    ),
    (
        "مرکز رشد فناوری مراغه",
        "دکتر کاوه اسدی",
        OrgKind::ResearchCentre,
        "مراغه",
        &["pcb_design", "industrial_design", "reverse_engineering"],
        "",
        "آزمایشگاه الکترونیک",
        "پروژه‌ای",
        &["knowledge_based"],
        "برد درایور موتور",
        true,
    ),
    (
        "قطعات هیدرولیک جلفا",
        "بهزاد نوری",
        OrgKind::Workshop,
        "جلفا",
        &["hydraulics", "rubber_moulding"],
        "فولاد، NBR",
        "تراش، پرس لاستیک",
        "۲۰۰ ست در ماه",
        &[],
        "کیت آب‌بندی جک",
        false,
    ),
    (
        "عملیات حرارتی تبریز",
        "پرویز سلیمانی",
        OrgKind::Workshop,
        "تبریز",
        &["heat_treatment", "surface_coating"],
        "فولادهای آلیاژی",
        "کوره خلأ، نیتراسیون",
        "۲۰ تن در ماه",
        &["iso_9001"],
        "",
        true,
    ),
];

/// Inserts the demo makers: an account (that cannot sign in), an organization when it has one,
/// and a profile; then their offers on published needs, in every state, with the
/// introductions the accepted ones led to. Returns how many makers.
pub fn load(conn: &mut Conn, now: NaiveDateTime) -> Result<usize, AppError> {
    let mut makers = Vec::new();
    for (i, m) in MAKERS.iter().enumerate() {
        let (
            org,
            person,
            kind,
            city,
            processes,
            materials,
            machines,
            capacity,
            certs,
            localized,
            verified,
        ) = *m;
        let organization_id = if org.is_empty() {
            None
        } else {
            Some(crate::db::catalogue::insert_organization(
                conn,
                &NewOrganization {
                    name: org.to_string(),
                    name_en: String::new(),
                    name_key: crate::domain::text::compact_key(org),
                    kind,
                    province: "آذربایجان شرقی".to_string(),
                    city: city.to_string(),
                    address: String::new(),
                    website: String::new(),
                    phone: String::new(),
                    description: String::new(),
                    verified,
                    created_at: now,
                    updated_at: now,
                },
            )?)
        };
        let user = crate::db::accounts::insert_user(
            conn,
            &NewUser {
                email: format!("maker{}@demo.invalid", i + 1),
                email_verified_at: Some(now),
                // Not a hash of anything: demo accounts cannot sign in.
                password_hash: "!".to_string(),
                name: person.to_string(),
                phone: String::new(),
                lang: "fa".to_string(),
                role: Role::Supplier,
                organization_id,
                created_at: now,
                updated_at: now,
            },
        )?;
        let processes: Vec<Process> = processes.iter().filter_map(|p| Process::parse(p)).collect();
        let certifications: Vec<Certification> = certs
            .iter()
            .filter_map(|c| Certification::parse(c))
            .collect();
        let names: Vec<String> = processes
            .iter()
            .map(|p| crate::i18n::t(crate::i18n::Lang::Fa, &format!("process.{}", p.as_str())))
            .collect();
        let summary = format!(
            "{} در {city}: {}. سفارش ساخت قطعه را بر اساس نمونه یا نقشه می‌پذیرد.",
            if org.is_empty() { person } else { org },
            names.join("، ")
        );
        crate::db::suppliers::save(
            conn,
            user,
            &ProfileFields {
                summary,
                materials: materials.to_string(),
                machines: machines.to_string(),
                capacity: capacity.to_string(),
                city: city.to_string(),
                localized_parts: localized.to_string(),
                ..demo_envelope(&processes, i)
            },
            &processes,
            &certifications,
        )?;
        if verified {
            crate::db::suppliers::set_verified(conn, user, true)?;
        }
        makers.push((user, processes));
    }
    offers(conn, &makers)?;
    alerts(conn, &makers, now)?;
    Ok(MAKERS.len())
}

/// Saved searches of the demo makers (every frequency, one paused), and announcements already
/// mailed or waiting for the next daily digest, so the alerts pages and the digest have content.
fn alerts(
    conn: &mut Conn,
    makers: &[(i32, Vec<Process>)],
    now: NaiveDateTime,
) -> Result<(), AppError> {
    use crate::domain::alerts::{Frequency, Reason};
    const SEARCHES: &[(&str, &str)] = &[
        ("بلبرینگ", "q=%D8%A8%D9%84%D8%A8%D8%B1%DB%8C%D9%86%DA%AF"),
        (
            "پمپ در تبریز",
            "q=%D9%BE%D9%85%D9%BE&city=%D8%AA%D8%A8%D8%B1%DB%8C%D8%B2",
        ),
        ("واشر و آب‌بندی", "category=seals-gaskets"),
        ("شفت", "q=%D8%B4%D9%81%D8%AA"),
        (
            "چرخ‌دنده با نقشه",
            "q=%DA%86%D8%B1%D8%AE%D8%AF%D9%86%D8%AF%D9%87&has_drawing=true",
        ),
        ("ریخته‌گری و آهنگری", "category=castings-forgings"),
        ("قالب", "q=%D9%82%D8%A7%D9%84%D8%A8"),
        (
            "بوش برنجی",
            "q=%D8%A8%D9%88%D8%B4+%D8%A8%D8%B1%D9%86%D8%AC%DB%8C",
        ),
        ("تابلو برق", "category=switchgear"),
        ("کاسه نمد", "q=%DA%A9%D8%A7%D8%B3%D9%87+%D9%86%D9%85%D8%AF"),
    ];
    let frequencies = [Frequency::Instant, Frequency::Daily, Frequency::Weekly];
    for (i, (name, query)) in SEARCHES.iter().enumerate() {
        let (maker, _) = makers[i % makers.len()];
        let id = crate::db::alerts::insert_saved_search(
            conn,
            maker,
            name,
            query,
            frequencies[i % frequencies.len()],
            now,
        )?;
        if i == 6 {
            crate::db::alerts::set_paused(conn, maker, Some(id), true)?;
        }
    }
    let published: Vec<i32> = crate::db::catalogue::all_need_rows(conn, None)?
        .into_iter()
        .filter(|(n, _, _)| n.status == crate::domain::need::NeedStatus::Published)
        .map(|(n, _, _)| n.id)
        .skip(20)
        .take(18)
        .collect();
    let mut rows = Vec::new();
    for (k, need) in published.iter().enumerate() {
        let (maker, _) = makers[k % 6];
        rows.push(crate::db::alerts::NewAlert {
            user_id: maker,
            need_id: *need,
            saved_search_id: None,
            reason: Reason::Profile,
            // A third mailed yesterday, the rest waiting for the next daily digest (made
            // before the last one fell due, so it is due whatever the hour).
            delivery: if k % 3 == 0 {
                Frequency::Instant
            } else {
                Frequency::Daily
            },
            created_at: now - chrono::Duration::hours(30),
        });
    }
    crate::db::alerts::insert_alerts(conn, &rows)?;
    let mailed: Vec<i32> = crate::db::alerts::pending(conn, Frequency::Instant, 100)?
        .into_iter()
        .map(|a| a.id)
        .collect();
    crate::db::alerts::mark_mailed(conn, &mailed, now - chrono::Duration::hours(29))?;
    Ok(())
}

/// Offers of the demo makers on the first published needs: open, accepted (introduced, the
/// need in talks), declined with a reason, and withdrawn.
fn offers(conn: &mut Conn, makers: &[(i32, Vec<Process>)]) -> Result<(), AppError> {
    use crate::domain::need::NeedStatus;
    use crate::domain::supplier::InterestStatus;
    let needs: Vec<i32> = crate::db::catalogue::all_need_rows(conn, None)?
        .into_iter()
        .filter(|(n, _, _)| n.status == NeedStatus::Published)
        .map(|(n, _, _)| n.id)
        .take(16)
        .collect();
    let states = [
        InterestStatus::Open,
        InterestStatus::Accepted,
        InterestStatus::Open,
        InterestStatus::Declined,
        InterestStatus::Withdrawn,
    ];
    for (i, need) in needs.iter().enumerate() {
        for k in 0..2 {
            let (maker, processes) = &makers[(i * 2 + k) % makers.len()];
            let state = states[(i + k * 2) % states.len()];
            let offer = crate::db::interests::Offer {
                message: "نمونه مشابه این قطعه را پیش‌تر برای صنایع استان ساخته‌ایم و می‌توانیم با نقشه یا نمونه شما بسازیم."
                    .to_string(),
                processes: processes
                    .iter()
                    .take(2)
                    .map(|p| p.as_str())
                    .collect::<Vec<_>>()
                    .join(","),
                lead_time_days: Some(20 + 10 * (k as i32)),
                sample: k == 0,
                unit_price: None,
                currency: crate::domain::money::Currency::Irr,
            };
            let id = crate::db::interests::insert(conn, *need, *maker, &offer)?;
            let open = InterestStatus::Open;
            match state {
                InterestStatus::Open => {}
                InterestStatus::Accepted => {
                    // One introduction per need and maker.
                    if !crate::db::interests::introduced(conn, *need, *maker)? {
                        crate::db::interests::decide(conn, id, open, state, "")?;
                        let intro =
                            crate::db::interests::introduce(conn, *need, *maker, Some(id), None)?;
                        crate::services::need_status::apply(
                            conn,
                            *need,
                            crate::domain::need::NeedEvent::Introduced,
                        )?;
                        // Some sides already told how it went.
                        use crate::domain::supplier::Outcome;
                        let told = [
                            Outcome::Negotiating,
                            Outcome::SampleMade,
                            Outcome::ContractSigned,
                        ];
                        crate::db::interests::set_outcome(conn, intro, true, told[i % told.len()])?;
                    }
                }
                InterestStatus::Declined => {
                    crate::db::interests::decide(
                        conn,
                        id,
                        open,
                        state,
                        "این بار با سازنده‌ای نزدیک‌تر به کارخانه ادامه می‌دهیم.",
                    )?;
                }
                InterestStatus::Withdrawn => {
                    crate::db::interests::decide(conn, id, open, state, "")?;
                }
            }
        }
    }
    Ok(())
}

/// What a demo maker's machines hold, by what it does: lathes and mills of workshop size,
/// foundries by the ladle, presses by the sheet; batches from prototypes to series.
fn demo_envelope(processes: &[Process], i: usize) -> ProfileFields {
    let has = |p: Process| processes.contains(&p);
    let machining = has(Process::CncTurning)
        || has(Process::CncMilling)
        || has(Process::FiveAxisMachining)
        || has(Process::GearCutting)
        || has(Process::Grinding);
    let casting = has(Process::SandCasting) || has(Process::InvestmentCasting);
    let (diameter, length, weight, tolerance) = if casting {
        (
            Some(1200),
            Some(2000),
            Some(if has(Process::SandCasting) { 800 } else { 40 }),
            Some(500),
        )
    } else if machining {
        (
            Some(300 + 100 * (i % 4) as i32),
            Some(800 + 200 * (i % 3) as i32),
            Some(250),
            Some(if has(Process::Grinding) { 5 } else { 20 }),
        )
    } else if has(Process::SheetMetal) || has(Process::Welding) || has(Process::LaserCutting) {
        (None, Some(3000), Some(2000), Some(200))
    } else if has(Process::InjectionMoulding) || has(Process::RubberMoulding) {
        (Some(500), Some(600), Some(5), Some(100))
    } else {
        (None, None, None, None)
    };
    ProfileFields {
        max_diameter_mm: diameter,
        max_length_mm: length,
        max_weight_kg: weight,
        tolerance_um: tolerance,
        // Ground and machined surfaces; shots and presses where the shop moulds or presses.
        surface_ra_nm: if has(Process::Grinding) {
            Some(400)
        } else if machining {
            Some(1600)
        } else {
            None
        },
        shot_g: has(Process::InjectionMoulding).then_some(250 + 250 * (i % 3) as i32),
        press_tonnes: (has(Process::SheetMetal)
            || has(Process::RubberMoulding)
            || has(Process::Forging))
        .then_some(100 + 100 * (i % 5) as i32),
        batch_min: Some(if i.is_multiple_of(3) { 1 } else { 10 }),
        batch_max: Some(if i.is_multiple_of(2) { 5_000 } else { 100_000 }),
        ..ProfileFields::default()
    }
}
