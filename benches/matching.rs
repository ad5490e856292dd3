//! The matcher's two directions at the sizes the site must carry: one new need ranked against
//! 10,000 makers (run on every publication), and one maker's list over 100,000 open needs. The
//! cards are built in memory from generated profiles and needs of the demo's vocabulary, so the
//! figures measure the rule and the cards, not the database. Run with
//! `cargo bench --bench matching`.

use criterion::{criterion_group, criterion_main, Criterion};
use niaz::domain::matching::Envelope;
use niaz::domain::supplier::Process;
use niaz::search::matcher::{MakerInput, Matcher, NeedFilter, NeedInput, PartFamilies};

const TITLES: &[&str] = &[
    "چرخ‌دنده گیربکس",
    "شافت پمپ",
    "بوش برنجی",
    "پروانه پمپ آب",
    "کاسه نمد الکتروموتور",
    "جک هیدرولیک",
    "درایو موتور",
    "سنسور دما",
    "فنر لول",
    "پیچ و مهره",
    "قالب تزریق",
    "غلتک نوار نقاله",
    "بلبرینگ",
    "قطعه یدکی دستگاه",
    "پوسته گیربکس",
    "تابلو برق",
];
const MATERIALS: &[&str] = &[
    "فولاد CK45",
    "چدن GG25",
    "برنج",
    "NBR",
    "PA6",
    "آلومینیوم",
    "",
];
const CITIES: &[&str] = &["تبریز", "مراغه", "مرند", "اهر", "تهران"];

fn matcher(makers: usize, needs: usize) -> Matcher {
    let m = Matcher::default();
    m.set_families(PartFamilies::with_extra("").unwrap())
        .unwrap();
    let mut rng = fastrand::Rng::with_seed(7);
    let profiles: Vec<MakerInput> = (0..makers)
        .map(|i| {
            let ps: Vec<Process> = (0..3)
                .map(|_| Process::ALL[rng.usize(..Process::ALL.len())])
                .collect();
            MakerInput {
                id: i as i32 + 1,
                organization_id: Some(100_000 + i as i32),
                process_names: ps.iter().map(|p| p.as_str()).collect::<Vec<_>>().join(" "),
                processes: ps,
                materials: MATERIALS[rng.usize(..MATERIALS.len())].into(),
                machines: "تراش CNC، فرز، پرس".into(),
                localized_parts: TITLES[rng.usize(..TITLES.len())].into(),
                summary: "ساخت قطعات صنعتی بر اساس نقشه".into(),
                city: CITIES[rng.usize(..CITIES.len())].into(),
                envelope: Envelope {
                    max_diameter_mm: Some(200 + rng.i32(..800)),
                    ..Envelope::default()
                },
            }
        })
        .collect();
    m.set_makers((makers as i64, None, makers as i64), &profiles)
        .unwrap();
    let cards: Vec<NeedInput> = (0..needs).map(|i| need(i, &mut rng)).collect();
    m.apply_needs(1, &cards, &[], true).unwrap();
    m
}

fn need(i: usize, rng: &mut fastrand::Rng) -> NeedInput {
    NeedInput {
        id: i as i32 + 1,
        organization_id: 1,
        title: format!("{} مدل {}", TITLES[rng.usize(..TITLES.len())], i % 97),
        material: MATERIALS[rng.usize(..MATERIALS.len())].into(),
        spec_items: niaz::domain::need::parse_spec_items(&format!("قطر: {} mm", 50 + i % 600)),
        city: CITIES[rng.usize(..CITIES.len())].into(),
        open: true,
        annual_value: Some((i as i64 % 50) * 1_000_000_000),
        ..NeedInput::default()
    }
}

fn bench(c: &mut Criterion) {
    let makers = matcher(10_000, 0);
    let mut rng = fastrand::Rng::with_seed(11);
    let new_needs: Vec<NeedInput> = (0..64).map(|i| need(i, &mut rng)).collect();
    let mut k = 0;
    c.bench_function("one_need_against_10k_makers", |b| {
        b.iter(|| {
            k = (k + 1) % new_needs.len();
            makers.makers_for(&new_needs[k], 100).unwrap().len()
        })
    });
    let big = matcher(2_000, 100_000);
    let mut maker = 0;
    c.bench_function("maker_list_over_100k_needs", |b| {
        b.iter(|| {
            maker = maker % 2_000 + 1;
            big.needs_for(maker, &NeedFilter::default(), 0, 20)
                .unwrap()
                .map(|(_, total)| total)
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = bench
}
criterion_main!(benches);
