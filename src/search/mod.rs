//! Full-text search over tantivy: a rebuildable cache of the public needs in the database.
//!
//! Layout on disk: `<data>/index/CURRENT` names the live generation directory and the schema
//! version; `<data>/index/gen-*` are tantivy indexes. A rebuild writes a fresh generation and
//! swaps `CURRENT` atomically, so searches never see a half-built index.
//!
//! Consistency: every change to a need writes a row to `search_changes` in the same transaction
//! (see [`crate::db::search`]). One indexer per index applies those rows in order and stores the
//! last applied id as the tantivy commit payload, so after a crash it resumes exactly where the
//! index left off. The worker thread wakes on [`SearchIndex::notify`] or once a second.
//!
//! Healing: the index position never passes a change that is not in a committed segment (an
//! indexing error rolls the writer back and the changes are applied again); a generation that
//! fails its checksums, panics or reports corruption in a search, keeps failing to index, or
//! holds another number of needs than the database is rebuilt in the background while search
//! answers from what still works, or 503. Files are read into memory, never mapped
//! ([`directory`]), so a file damaged under a running server cannot kill it.

pub mod analyzer;
pub mod directory;
pub mod matcher;
pub mod query;
pub mod suppliers;
pub mod synonyms;
pub mod tokenizers;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::mpsc::{channel, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, RwLock, Weak};
use std::time::{Duration, Instant};

use anyhow::{anyhow, Context};
use tantivy::schema::{
    Facet, FacetOptions, Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing,
    TextOptions,
};
use tantivy::{doc, Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

use crate::db::catalogue::NeedRow;
use crate::db::{search as q, Db};
use crate::domain::money::sort_value_usd_cents;

/// Bump when fields or analyzers change: an index of another version is rebuilt on start.
pub const SCHEMA_VERSION: u32 = 4;
const WRITER_MEMORY: usize = 64 * 1024 * 1024;
const BATCH: i64 = 2_000;

/// Handles of the index fields.
#[derive(Clone, Copy, Debug)]
pub struct Fields {
    pub id: Field,
    pub title: Field,
    /// What a need is besides its title: part number, brand, material, specifications,
    /// category, place and firm.
    pub body: Field,
    /// Its description alone, which weighs least: a word only mentioned there ("for the
    /// cooling pump of ...") says less about the need than its title or category.
    pub desc: Field,
    pub joined: Field,
    pub code: Field,
    pub hs: Field,
    pub facets: Field,
    pub published: Field,
    pub value: Field,
    pub deadline: Field,
}

pub fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = |tokenizer: &str, positions: bool| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(tokenizer)
                .set_index_option(if positions {
                    IndexRecordOption::WithFreqsAndPositions
                } else {
                    IndexRecordOption::WithFreqs
                }),
        )
    };
    let fast = NumericOptions::default().set_fast();
    let fields = Fields {
        id: b.add_i64_field("id", NumericOptions::default().set_indexed().set_fast()),
        title: b.add_text_field("title", text(tokenizers::TEXT, true)),
        body: b.add_text_field("body", text(tokenizers::TEXT, true)),
        desc: b.add_text_field("desc", text(tokenizers::TEXT, true)),
        joined: b.add_text_field("joined", text(tokenizers::JOINED, false)),
        code: b.add_text_field("code", text(tokenizers::CODE, false)),
        hs: b.add_text_field("hs", text(tokenizers::HS, false)),
        facets: b.add_facet_field("facets", FacetOptions::default()),
        published: b.add_i64_field("published", fast.clone()),
        value: b.add_i64_field("value", fast.clone()),
        deadline: b.add_i64_field("deadline", fast),
    };
    (b.build(), fields)
}

/// Facet path of a category: `/category/<parent slug>/<leaf slug>`.
pub fn category_facet(parent: Option<&str>, slug: &str) -> Facet {
    match parent {
        Some(p) => Facet::from_path(["category", p, slug]),
        None => Facet::from_path(["category", slug]),
    }
}

/// Builds the index document of a need. `parent_slug` is the slug of its category's parent.
pub fn document(
    f: &Fields,
    row: &NeedRow,
    parent: Option<(&str, &str, &str)>,
    has_drawing: bool,
) -> TantivyDocument {
    let (need, org, cat) = row;
    let mut body = vec![
        need.part_number.as_str(),
        need.brand.as_str(),
        need.material.as_str(),
        need.specs.as_str(),
        cat.name_fa.as_str(),
        cat.name_en.as_str(),
        org.city.as_str(),
        org.province.as_str(),
    ];
    if let Some((_, fa, en)) = parent {
        body.push(fa);
        body.push(en);
    }
    let items: Vec<crate::domain::need::SpecItem> =
        serde_json::from_str(&need.spec_items).unwrap_or_default();
    let items_text: Vec<String> = items
        .iter()
        .map(|i| format!("{} {}", i.key, i.value))
        .collect();
    let en_city = crate::domain::places::place_en(&org.city);
    body.push(&en_city);
    let mut body = body.join("\n");
    for line in &items_text {
        body.push('\n');
        body.push_str(line);
    }
    if !need.anonymous {
        body.push('\n');
        body.push_str(&org.name);
        body.push('\n');
        body.push_str(&org.name_en);
    }
    let currency = need.currency;
    let mut d = doc!(
        f.id => need.id as i64,
        f.title => format!("{}\n{}", need.title, need.title_en),
        f.body => body,
        f.desc => need.description.clone(),
        f.joined => format!("{}\n{}", need.title, need.description),
        f.code => need.part_number.clone(),
        f.hs => need.hs_code.clone().unwrap_or_default(),
        f.published => need.published_at.map_or(0, |t| t.and_utc().timestamp()),
        f.value => need.annual_import_value.map_or(0, |v| sort_value_usd_cents(v, currency)),
        f.deadline => need
            .deadline
            .map_or(i64::MAX, |d| d.and_hms_opt(0, 0, 0).map_or(i64::MAX, |t| t.and_utc().timestamp())),
    );
    d.add_facet(f.facets, category_facet(parent.map(|p| p.0), &cat.slug));
    // Leaf categories again under their own root, so they can be counted in the same pass as
    // the top level (tantivy cannot count a facet and its descendants in one collector).
    d.add_facet(f.facets, Facet::from_path(["leaf", cat.slug.as_str()]));
    if !org.province.is_empty() {
        d.add_facet(
            f.facets,
            Facet::from_path(["province", org.province.as_str()]),
        );
    }
    if !org.city.is_empty() {
        d.add_facet(f.facets, Facet::from_path(["city", org.city.as_str()]));
    }
    d.add_facet(f.facets, Facet::from_path(["status", need.status.as_str()]));
    if !need.origin_country.is_empty() {
        d.add_facet(
            f.facets,
            Facet::from_path(["origin", need.origin_country.as_str()]),
        );
    }
    d.add_facet(
        f.facets,
        Facet::from_path(["drawing", if has_drawing { "yes" } else { "no" }]),
    );
    d
}

/// One generation of the index: an opened tantivy index and its reader.
pub struct Generation {
    pub name: String,
    pub index: Index,
    pub reader: IndexReader,
    pub fields: Fields,
}

impl Generation {
    /// Opens a generation and checks it whole: its fields, every segment's files readable and
    /// their checksums right.
    fn open(dir: &Path, name: &str) -> anyhow::Result<Self> {
        let index = Index::open(directory::ReadIntoMemory::open(&dir.join(name))?)?;
        let (expected, fields) = schema();
        if index.schema() != expected {
            return Err(anyhow!("its fields differ from this version's"));
        }
        let damaged = index.validate_checksum()?;
        if !damaged.is_empty() {
            return Err(anyhow!("damaged files: {damaged:?}"));
        }
        tokenizers::register(&index);
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(Self {
            name: name.to_string(),
            index,
            reader,
            fields,
        })
    }

    /// An empty generation standing in while the real one is rebuilt (searches answer 503).
    fn placeholder(dir: &Path) -> anyhow::Result<Self> {
        let name = format!(
            "gen-{}",
            chrono::Utc::now().timestamp_nanos_opt().unwrap_or_default()
        );
        let path = dir.join(&name);
        std::fs::create_dir_all(&path)?;
        let (schema, fields) = schema();
        let index = Index::create(
            directory::ReadIntoMemory::open(&path)?,
            schema,
            tantivy::IndexSettings::default(),
        )?;
        tokenizers::register(&index);
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(Self {
            name,
            index,
            reader,
            fields,
        })
    }

    /// The last change id this generation has applied (its commit payload).
    pub fn applied(&self) -> anyhow::Result<i32> {
        let metas = self.index.load_metas()?;
        Ok(parse_payload(metas.payload.as_deref().unwrap_or("")).0)
    }

    /// Changes above the position a rebuild already holds (named in its payload).
    fn included(&self) -> Vec<i32> {
        self.index
            .load_metas()
            .ok()
            .and_then(|m| m.payload)
            .map(|p| parse_payload(&p).1)
            .unwrap_or_default()
    }
}

/// A commit's payload: the position, and after a rebuild the ranges of changes above it that
/// the rebuild already holds: `120` or `120;121-5000,5002-5100`.
fn payload(position: i32, included: &[i32]) -> String {
    let mut ranges: Vec<(i32, i32)> = Vec::new();
    for &id in included {
        match ranges.last_mut() {
            Some((_, end)) if *end + 1 == id => *end = id,
            _ => ranges.push((id, id)),
        }
    }
    if ranges.is_empty() {
        return position.to_string();
    }
    let list: Vec<String> = ranges.iter().map(|(a, b)| format!("{a}-{b}")).collect();
    format!("{position};{}", list.join(","))
}

fn parse_payload(text: &str) -> (i32, Vec<i32>) {
    let (position, ranges) = text.split_once(';').unwrap_or((text, ""));
    let position = position.trim().parse().unwrap_or(0);
    let mut ids = Vec::new();
    for r in ranges.split(',').filter(|r| !r.is_empty()) {
        if let Some((a, b)) = r.split_once('-') {
            if let (Ok(a), Ok(b)) = (a.parse::<i32>(), b.parse::<i32>()) {
                // Bounded: a payload is ours, but never trust a length blindly.
                if b >= a && b - a < 10_000_000 {
                    ids.extend(a..=b);
                }
            }
        }
    }
    (position, ids)
}

fn read_current(dir: &Path) -> Option<(String, u32)> {
    let text = std::fs::read_to_string(dir.join("CURRENT")).ok()?;
    let mut lines = text.lines();
    let name = lines.next()?.trim().to_string();
    let version = lines.next()?.trim().parse().ok()?;
    Some((name, version))
}

fn write_current(dir: &Path, name: &str) -> anyhow::Result<()> {
    let tmp = dir.join("CURRENT.tmp");
    std::fs::write(&tmp, format!("{name}\n{SCHEMA_VERSION}\n"))?;
    std::fs::File::open(&tmp)?.sync_all()?;
    std::fs::rename(&tmp, dir.join("CURRENT"))?;
    Ok(())
}

/// Category slugs and names needed to index a need under its parent category.
type ParentInfo = std::collections::HashMap<i32, (String, String, String)>;

fn parent_info(db: &Db) -> anyhow::Result<ParentInfo> {
    let mut conn = db.conn()?;
    let cats = crate::db::catalogue::all_categories(&mut conn)?;
    Ok(cats
        .iter()
        .filter_map(|c| {
            let p = cats.iter().find(|p| Some(p.id) == c.parent_id)?;
            Some((c.id, (p.slug.clone(), p.name_fa.clone(), p.name_en.clone())))
        })
        .collect())
}

fn add_rows(
    conn: &mut crate::db::Conn,
    writer: &IndexWriter,
    fields: &Fields,
    parents: &ParentInfo,
    rows: &[NeedRow],
) -> anyhow::Result<()> {
    let ids: Vec<i32> = rows.iter().map(|r| r.0.id).collect();
    let with_files: std::collections::HashSet<i32> =
        crate::db::attachments::needs_with_attachments(conn, &ids)?
            .into_iter()
            .collect();
    for row in rows {
        let parent = parents
            .get(&row.2.id)
            .map(|(s, fa, en)| (s.as_str(), fa.as_str(), en.as_str()));
        writer.add_document(document(
            fields,
            row,
            parent,
            with_files.contains(&row.0.id),
        ))?;
    }
    Ok(())
}

/// Builds a fresh generation from the database and makes it current. Returns its name and the
/// number of needs indexed. Safe to run while a server uses the previous generation.
pub fn rebuild(
    data_dir: &Path,
    db: &Db,
    progress: &dyn Fn(u64, u64),
) -> anyhow::Result<(String, u64)> {
    let dir = data_dir.join("index");
    std::fs::create_dir_all(&dir)?;
    let name = format!(
        "gen-{}",
        chrono::Utc::now().timestamp_nanos_opt().unwrap_or_default()
    );
    let path = dir.join(&name);
    std::fs::create_dir_all(&path)?;
    let built = build_into(&path, &dir, &name, db, progress);
    if built.is_err() {
        // A half-built generation (a full disk, a database error) is debris: gone at once.
        let _ = std::fs::remove_dir_all(&path);
    }
    built.map(|n| (name, n))
}

fn build_into(
    path: &Path,
    dir: &Path,
    name: &str,
    db: &Db,
    progress: &dyn Fn(u64, u64),
) -> anyhow::Result<u64> {
    let (schema, fields) = schema();
    let index = Index::create(
        directory::ReadIntoMemory::open(path)?,
        schema,
        tantivy::IndexSettings::default(),
    )?;
    tokenizers::register(&index);
    let mut writer: IndexWriter = index.writer(WRITER_MEMORY)?;
    let parents = parent_info(db)?;
    let mut conn = db.conn()?;
    // Read the change position first: anything that changes while we read is applied again by
    // the indexer afterwards, which is harmless (it re-reads the need). The position is that of
    // the newest change older than GAP_GRACE, not the newest: a change with a lower id may still
    // be in a transaction (several writers), and must come after the position to be applied.
    let settled = chrono::Utc::now().naive_utc() - GAP_GRACE;
    let last = q::change_id_recorded_by(&mut conn, settled)?;
    // The changes after it that are visible now are in what is read next: the payload names
    // them, so a server taking this generation does not apply them again (only ids missing
    // among them, still in flight, are waited for).
    let included = q::change_ids_after(&mut conn, last)?;
    let total = q::count_public_needs(&mut conn)? as u64;
    let mut done = 0;
    let mut after = 0;
    loop {
        let rows = q::public_needs_after(&mut conn, after, BATCH)?;
        let Some(last_row) = rows.last() else { break };
        after = last_row.0.id;
        add_rows(&mut conn, &writer, &fields, &parents, &rows)?;
        done += rows.len() as u64;
        progress(done, total.max(done));
    }
    let mut prepared = writer.prepare_commit()?;
    prepared.set_payload(&payload(last, &included));
    prepared.commit()?;
    // One segment answers queries with the least per-segment work (collectors, term lookups).
    let segments = index.searchable_segment_ids()?;
    if segments.len() > 1 {
        writer.merge(&segments).wait()?;
    }
    writer.wait_merging_threads()?;
    write_current(dir, name)?;
    Ok(done)
}

/// Brings the index up to date with the database from a command-line process: applies the
/// pending changes itself, or, when a running server holds the index, waits until that server's
/// indexer has applied them. Either way the changes are searchable when this returns.
pub fn sync_from_cli(data_dir: &Path, db: &Db) -> anyhow::Result<()> {
    match SearchIndex::open(data_dir, db.clone()) {
        Ok(_) => Ok(()),
        Err(e) if format!("{e:#}").contains("locked") => {
            let target = q::last_change_id(&mut *db.conn()?)?;
            let dir = data_dir.join("index");
            let deadline = std::time::Instant::now() + Duration::from_secs(120);
            loop {
                if let Some((name, _)) = read_current(&dir) {
                    let applied = directory::ReadIntoMemory::open(&dir.join(&name))
                        .ok()
                        .and_then(|d| Index::open(d).ok())
                        .and_then(|i| i.load_metas().ok())
                        .and_then(|m| m.payload)
                        .map(|p| {
                            let (position, included) = parse_payload(&p);
                            included.last().copied().unwrap_or(position).max(position)
                        })
                        .unwrap_or(0);
                    if applied >= target {
                        return Ok(());
                    }
                }
                if std::time::Instant::now() > deadline {
                    anyhow::bail!(
                        "the running server has not indexed the changes within two minutes"
                    );
                }
                std::thread::sleep(Duration::from_millis(200));
            }
        }
        Err(e) => Err(e),
    }
}

/// Removes generations other than `keep` (left behind by rebuilds and crashes).
fn remove_old_generations(dir: &Path, keep: &str) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        if name.starts_with("gen-") && name != keep {
            if let Err(e) = std::fs::remove_dir_all(entry.path()) {
                tracing::warn!("could not remove old index {name}: {e}");
            }
        }
    }
}

/// The search index of a running process: the live generation, its single writer, and a wake-up
/// channel to the indexer thread.
pub struct SearchIndex {
    dir: PathBuf,
    /// Results of recent searches, keyed by the request and the searcher generation, so an entry
    /// is never served after the index changed. Emptied on every commit; 0 capacity disables it.
    cache: Mutex<Option<lru::LruCache<String, query::SearchOutcome>>>,
    cache_capacity: usize,
    data_dir: PathBuf,
    db: Db,
    current: RwLock<Arc<Generation>>,
    writer: Mutex<Option<IndexWriter>>,
    wake: Mutex<Option<Sender<()>>>,
    synonyms: RwLock<Arc<synonyms::Synonyms>>,
    /// Changes applied above the committed position, because a change before them was not
    /// visible yet (see [`SearchIndex::apply_pending`]): id and when it was recorded.
    ahead: Mutex<std::collections::BTreeMap<i32, chrono::NaiveDateTime>>,
    /// The live generation is to be rebuilt (damaged, inconsistent or a stand-in).
    damaged: AtomicBool,
    /// The live generation is an empty stand-in: searches answer "being rebuilt".
    placeholder: AtomicBool,
    /// Indexing rounds failed in a row (a full disk, a damaged file).
    failures: AtomicU32,
    /// When healing last tried a rebuild and when it last compared counts.
    last_rebuild: Mutex<Option<Instant>>,
    last_check: Mutex<Option<Instant>>,
}

/// Why a search could not be answered.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// The index is being rebuilt (missing, damaged or inconsistent): try again shortly.
    #[error("the search index is being rebuilt")]
    Rebuilding,
    #[error(transparent)]
    Tantivy(#[from] tantivy::TantivyError),
}

impl From<SearchError> for crate::error::AppError {
    fn from(e: SearchError) -> Self {
        match e {
            SearchError::Rebuilding => {
                crate::error::AppError::Unavailable("error.search_rebuilding")
            }
            SearchError::Tantivy(e) => {
                crate::error::AppError::Internal(anyhow::Error::new(e).context("search failed"))
            }
        }
    }
}

/// How the index is doing, for the health check.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Health {
    /// Searches are answered from a whole generation.
    pub ready: bool,
    /// A rebuild is due or running.
    pub rebuilding: bool,
    /// Changes recorded in the database and not yet searchable.
    pub behind: i64,
    /// Indexing rounds failed in a row.
    pub failures: u32,
}

/// The shortest time between two indexing rounds of the worker (so at most four commits and
/// reloads a second under any write load; a change is searchable within about this long).
const COMMIT_EVERY: Duration = Duration::from_millis(250);

/// Indexing rounds failed in a row before the generation is rebuilt.
const FAILURES_BEFORE_REBUILD: u32 = 3;
/// How often healing compares the index with the database, and retries a failed rebuild.
const CHECK_EVERY: Duration = Duration::from_secs(300);
const REBUILD_RETRY: Duration = Duration::from_secs(30);

/// The changes a generation holds above its position, as applied ones (timed now, so a gap
/// among them is waited for [`GAP_GRACE`] like any other).
fn seeded(generation: &Generation) -> std::collections::BTreeMap<i32, chrono::NaiveDateTime> {
    let now = chrono::Utc::now().naive_utc();
    generation
        .included()
        .into_iter()
        .map(|id| (id, now))
        .collect()
}

/// Errors that mean the files of a generation cannot be trusted.
fn is_corruption(e: &tantivy::TantivyError) -> bool {
    matches!(
        e,
        tantivy::TantivyError::DataCorruption(_)
            | tantivy::TantivyError::IoError(_)
            | tantivy::TantivyError::OpenReadError(_)
            | tantivy::TantivyError::OpenDirectoryError(_)
    )
}

/// How long a missing change id is waited for before it is taken for a transaction that rolled
/// back (its id is never used) rather than one still running.
pub const GAP_GRACE: chrono::Duration = chrono::Duration::minutes(2);

/// The position the index may commit: after `cursor`, every id applied (in `ahead`) or missing
/// for longer than [`GAP_GRACE`] (judged by the next applied change's time) is passed over.
/// Applied ids it passes are removed from `ahead`.
pub fn advance(
    cursor: i32,
    ahead: &mut std::collections::BTreeMap<i32, chrono::NaiveDateTime>,
    now: chrono::NaiveDateTime,
) -> i32 {
    let mut cursor = cursor;
    ahead.retain(|id, _| *id > cursor);
    loop {
        if ahead.remove(&(cursor + 1)).is_some() {
            cursor += 1;
            continue;
        }
        match ahead.iter().next() {
            // A gap before the next applied change: passed over once that change is old enough
            // that anything recorded before it has committed or rolled back.
            Some((&next, &at)) if at + GAP_GRACE < now => cursor = next - 1,
            _ => return cursor,
        }
    }
}

impl SearchIndex {
    /// Opens the current generation, rebuilding it first when it is missing, unreadable or of
    /// another schema version, then applies pending changes (the command line's way).
    pub fn open(data_dir: &Path, db: Db) -> anyhow::Result<Arc<Self>> {
        Self::open_with_cache(data_dir, db, 0, false)
    }

    /// Like [`SearchIndex::open`], keeping up to `cache_capacity` recent results. With
    /// `in_background` (a serving server) nothing waits: a missing or unusable generation is
    /// replaced by an empty stand-in at once and rebuilt by the indexer thread, and pending
    /// changes are applied there too, so the server answers from its first second.
    pub fn open_with_cache(
        data_dir: &Path,
        db: Db,
        cache_capacity: usize,
        in_background: bool,
    ) -> anyhow::Result<Arc<Self>> {
        let dir = data_dir.join("index");
        std::fs::create_dir_all(&dir)?;
        let generation = match read_current(&dir) {
            None => {
                tracing::info!("no search index yet; building it from the database");
                None
            }
            Some((_, v)) if v != SCHEMA_VERSION => {
                tracing::info!("search index has schema version {v}, this version needs {SCHEMA_VERSION}; rebuilding");
                None
            }
            Some((name, _)) => match Generation::open(&dir, &name) {
                Ok(g) => Some(g),
                Err(e) => {
                    tracing::warn!("search index {name} cannot be opened ({e:#}); rebuilding");
                    None
                }
            },
        };
        let (generation, placeholder) = match generation {
            Some(g) => (g, false),
            None if in_background => (Generation::placeholder(&dir)?, true),
            None => {
                let started = std::time::Instant::now();
                let (name, n) = rebuild(data_dir, &db, &|_, _| {})?;
                tracing::info!("indexed {n} needs in {:?}", started.elapsed());
                (Generation::open(&dir, &name)?, false)
            }
        };
        if !placeholder {
            remove_old_generations(&dir, &generation.name);
        }
        let writer = generation
            .index
            .writer(WRITER_MEMORY)
            .context("the search index is locked by another process")?;
        let ahead = seeded(&generation);
        let index = Arc::new(Self {
            dir,
            cache: Mutex::new(std::num::NonZeroUsize::new(cache_capacity).map(lru::LruCache::new)),
            cache_capacity,
            data_dir: data_dir.to_path_buf(),
            db,
            current: RwLock::new(Arc::new(generation)),
            writer: Mutex::new(Some(writer)),
            wake: Mutex::new(None),
            synonyms: RwLock::new(Arc::new(
                synonyms::Synonyms::with_extra("", 0).expect("the default synonyms parse"),
            )),
            ahead: Mutex::new(ahead),
            damaged: AtomicBool::new(placeholder),
            placeholder: AtomicBool::new(placeholder),
            failures: AtomicU32::new(0),
            last_rebuild: Mutex::new(None),
            last_check: Mutex::new(None),
        });
        if !in_background {
            index.apply_pending()?;
        }
        Ok(index)
    }

    /// The live generation; searches hold it for their duration.
    pub fn generation(&self) -> Arc<Generation> {
        self.current
            .read()
            .map(|g| g.clone())
            .unwrap_or_else(|p| p.into_inner().clone())
    }

    /// Marks the live generation for a rebuild, which the indexer thread starts at once.
    pub fn mark_damaged(&self, why: &str) {
        if !self.damaged.swap(true, Ordering::SeqCst) {
            tracing::error!(
                "search index {} is damaged ({why}); rebuilding it",
                self.generation().name
            );
        }
        self.notify();
    }

    /// How the index is doing: whole, rebuilding, and how far behind the database.
    pub fn health(&self) -> anyhow::Result<Health> {
        let generation = self.generation();
        let last = q::last_change_id(&mut *self.db.conn()?)?;
        let applied = generation.applied().unwrap_or(0);
        let placeholder = self.placeholder.load(Ordering::SeqCst);
        Ok(Health {
            ready: !placeholder,
            rebuilding: self.damaged.load(Ordering::SeqCst),
            behind: i64::from((last - applied).max(0)),
            failures: self.failures.load(Ordering::SeqCst),
        })
    }

    /// Applies every change recorded after the index's position and commits. Returns how many
    /// changes were applied. Safe to call from any thread; the writer is held meanwhile.
    ///
    /// The position never passes a change that is not in a committed segment: when a round
    /// fails (a full disk, a damaged file), the writer is rolled back to its last commit (or
    /// replaced) and the same changes are applied again next time.
    pub fn apply_pending(&self) -> anyhow::Result<usize> {
        if self.placeholder.load(Ordering::SeqCst) {
            return Ok(0); // the rebuild takes everything
        }
        let mut guard = self
            .writer
            .lock()
            .map_err(|_| anyhow!("writer lock poisoned"))?;
        let generation = self.generation();
        if guard.is_none() {
            match generation.index.writer(WRITER_MEMORY) {
                Ok(w) => *guard = Some(w),
                Err(e) => {
                    drop(guard);
                    self.failed(&anyhow::Error::new(e).context("taking the index writer"));
                    return Err(anyhow!("the index writer cannot be had"));
                }
            }
        }
        let Some(writer) = guard.as_mut() else {
            return Ok(0);
        };
        let result = self.apply_rounds(writer, &generation);
        match &result {
            Ok(_) => {
                self.failures.store(0, Ordering::SeqCst);
            }
            Err(e) => {
                // Nothing uncommitted survives: the next round starts from the last commit.
                if writer.rollback().is_err() {
                    *guard = None;
                }
                drop(guard);
                self.failed(e);
            }
        }
        result
    }

    /// Counts a failed indexing round; enough in a row mark the generation for a rebuild.
    fn failed(&self, e: &anyhow::Error) {
        let failures = self.failures.fetch_add(1, Ordering::SeqCst) + 1;
        tracing::error!("indexing failed ({failures} in a row): {e:#}");
        if failures >= FAILURES_BEFORE_REBUILD {
            self.mark_damaged("indexing keeps failing");
        }
    }

    fn apply_rounds(
        &self,
        writer: &mut IndexWriter,
        generation: &Generation,
    ) -> anyhow::Result<usize> {
        let fields = generation.fields;
        let mut last = generation.applied()?;
        let mut applied = 0;
        let mut conn = self.db.conn()?;
        let parents = parent_info(&self.db)?;
        let mut ahead = self.ahead.lock().map_err(|_| anyhow!("lock poisoned"))?;
        // Change ids are handed out when a change is recorded but become visible when its
        // transaction commits, so with concurrent writers (PostgreSQL) a lower id can appear after
        // a higher one was applied. The committed position therefore only passes ids that were
        // applied, or missing for longer than GAP_GRACE; changes applied above it are remembered
        // so that each round applies only what is new, including late ones below them.
        ahead.retain(|id, _| *id > last);
        loop {
            let top = ahead.keys().next_back().copied().unwrap_or(last).max(last);
            let mut fresh: Vec<(i32, i32, chrono::NaiveDateTime)> = if top > last {
                q::changes_between(&mut conn, last, top)?
                    .into_iter()
                    .filter(|(id, _, _)| !ahead.contains_key(id))
                    .collect()
            } else {
                Vec::new()
            };
            fresh.extend(q::changes_after_timed(&mut conn, top, BATCH)?);
            if fresh.is_empty() {
                break;
            }
            let mut ids: Vec<i32> = fresh.iter().map(|(_, n, _)| *n).collect();
            ids.sort_unstable();
            ids.dedup();
            for id in &ids {
                writer.delete_term(Term::from_field_i64(fields.id, *id as i64));
            }
            let rows: Vec<NeedRow> = crate::db::catalogue::load_need_rows(&mut conn, &ids)?
                .into_iter()
                .filter(|r| r.0.status.is_public())
                .collect();
            add_rows(&mut conn, writer, &fields, &parents, &rows)?;
            // The position these changes would allow, decided on a copy: `ahead` learns of
            // them only once they are in a committed segment.
            let mut next = ahead.clone();
            next.extend(fresh.iter().map(|(id, _, at)| (*id, *at)));
            let position = advance(last, &mut next, chrono::Utc::now().naive_utc());
            let mut prepared = writer.prepare_commit()?;
            prepared.set_payload(&position.to_string());
            prepared.commit()?;
            *ahead = next;
            last = position;
            applied += fresh.len();
        }
        // A gap may have grown old without anything new arriving: move past it.
        let position = advance(last, &mut ahead, chrono::Utc::now().naive_utc());
        if position != last {
            let mut prepared = writer.prepare_commit()?;
            prepared.set_payload(&position.to_string());
            prepared.commit()?;
        }
        if applied > 0 {
            generation.reader.reload()?;
            self.clear_cache();
        }
        Ok(applied)
    }

    /// Compares the live generation with the database once it has caught up: the number of
    /// needs it holds must be the number of public needs. A difference (changes lost to a fault)
    /// marks it for a rebuild. Returns whether they agree (or nothing could be compared yet).
    pub fn check_consistency(&self) -> anyhow::Result<bool> {
        if self.damaged.load(Ordering::SeqCst) {
            return Ok(true);
        }
        let generation = self.generation();
        let mut conn = self.db.conn()?;
        let last = q::last_change_id(&mut conn)?;
        let caught_up = generation.applied()? >= last
            && self.ahead.lock().map(|a| a.is_empty()).unwrap_or(false);
        if !caught_up {
            return Ok(true);
        }
        generation.reader.reload()?;
        let in_index = generation.reader.searcher().num_docs();
        let in_db = q::count_public_needs(&mut conn)? as u64;
        // A change committed between the two reads would show as a difference: look again.
        if in_index != in_db && q::last_change_id(&mut conn)? == last {
            self.mark_damaged(&format!(
                "it holds {in_index} needs where the database has {in_db} public ones"
            ));
            return Ok(false);
        }
        Ok(true)
    }

    /// The synonym table queries use now.
    pub fn synonyms(&self) -> Arc<synonyms::Synonyms> {
        self.synonyms
            .read()
            .map(|s| s.clone())
            .unwrap_or_else(|p| p.into_inner().clone())
    }

    /// Replaces the synonym table; cached results made with the old one are dropped.
    pub fn set_synonyms(&self, table: synonyms::Synonyms) {
        if let Ok(mut s) = self.synonyms.write() {
            *s = Arc::new(table);
        }
        self.clear_cache();
    }

    fn clear_cache(&self) {
        if let Ok(mut cache) = self.cache.lock() {
            if let Some(c) = cache.as_mut() {
                c.clear();
            }
        }
    }

    /// Searches the live generation, answering repeated searches from the cache. A search that
    /// panics inside tantivy or meets damaged files marks the generation for a rebuild and is
    /// answered "being rebuilt"; so is every search while the live generation is a stand-in.
    pub fn search(&self, req: &query::SearchRequest) -> Result<query::SearchOutcome, SearchError> {
        if self.placeholder.load(Ordering::SeqCst) {
            return Err(SearchError::Rebuilding);
        }
        let with_synonyms;
        let req = if req.synonyms.is_none() {
            with_synonyms = query::SearchRequest {
                synonyms: Some(self.synonyms()),
                ..req.clone()
            };
            &with_synonyms
        } else {
            req
        };
        let generation = self.generation();
        let searcher = generation.reader.searcher();
        let key = format!(
            "{}/{}/{req:?}",
            generation.name,
            searcher.generation().generation_id()
        );
        if self.cache_capacity > 0 {
            let cached = self
                .cache
                .lock()
                .ok()
                .and_then(|mut c| c.as_mut().and_then(|c| c.get(&key).cloned()));
            if let Some(hit) = cached {
                return Ok(hit);
            }
        }
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            query::search_with(&searcher, &generation, req)
        }));
        let outcome = match outcome {
            Ok(Ok(o)) => o,
            Ok(Err(e)) if is_corruption(&e) => {
                self.mark_damaged(&format!("a search failed: {e}"));
                return Err(SearchError::Rebuilding);
            }
            Ok(Err(e)) => return Err(e.into()),
            Err(_) => {
                self.mark_damaged("a search panicked");
                return Err(SearchError::Rebuilding);
            }
        };
        if self.cache_capacity > 0 {
            if let Ok(mut cache) = self.cache.lock() {
                // The least recently used result makes room: popular searches stay.
                if let Some(c) = cache.as_mut() {
                    c.put(key, outcome.clone());
                }
            }
        }
        Ok(outcome)
    }

    /// Wakes the indexer thread (after a change was committed to the database).
    pub fn notify(&self) {
        if let Ok(guard) = self.wake.lock() {
            if let Some(tx) = guard.as_ref() {
                let _ = tx.send(());
            }
        }
    }

    /// Switches to a generation that `niaz reindex` (or healing) made current, if any.
    fn follow_current(&self) -> anyhow::Result<bool> {
        let Some((name, version)) = read_current(&self.dir) else {
            return Ok(false);
        };
        if version != SCHEMA_VERSION || name == self.generation().name {
            return Ok(false);
        }
        let generation = Generation::open(&self.dir, &name)?;
        let mut guard = self
            .writer
            .lock()
            .map_err(|_| anyhow!("writer lock poisoned"))?;
        // Release the old writer before taking the new one.
        *guard = None;
        let writer = generation.index.writer(WRITER_MEMORY)?;
        *guard = Some(writer);
        // What was applied above the old position was applied to the old index; what the new
        // generation holds above its own is named in its payload.
        if let Ok(mut ahead) = self.ahead.lock() {
            *ahead = seeded(&generation);
        }
        *self
            .current
            .write()
            .map_err(|_| anyhow!("index lock poisoned"))? = Arc::new(generation);
        drop(guard);
        self.placeholder.store(false, Ordering::SeqCst);
        self.damaged.store(false, Ordering::SeqCst);
        self.failures.store(0, Ordering::SeqCst);
        self.clear_cache();
        remove_old_generations(&self.dir, &name);
        tracing::info!("switched to the rebuilt search index {name}");
        Ok(true)
    }

    /// Rebuilds a damaged or stand-in generation into a fresh one and switches to it (not more
    /// often than every [`REBUILD_RETRY`] while it keeps failing, e.g. on a full disk).
    fn heal(&self) -> anyhow::Result<()> {
        if !self.damaged.load(Ordering::SeqCst) {
            return Ok(());
        }
        {
            let mut last = self.last_rebuild.lock().map_err(|_| anyhow!("poisoned"))?;
            if last.is_some_and(|t| t.elapsed() < REBUILD_RETRY) {
                return Ok(());
            }
            *last = Some(Instant::now());
        }
        let started = Instant::now();
        let (name, n) = rebuild(&self.data_dir, &self.db, &|_, _| {})?;
        tracing::info!(
            "rebuilt the search index: {n} needs in {:?}",
            started.elapsed()
        );
        if self.generation().name != name {
            self.follow_current()?;
        }
        Ok(())
    }

    /// One round of the indexer thread: heal, follow a rebuild, apply changes, and now and
    /// then compare with the database.
    pub fn work_once(&self) {
        if let Err(e) = self.heal() {
            tracing::error!("rebuilding the search index failed, will retry: {e:#}");
        }
        if let Err(e) = self.follow_current() {
            tracing::error!("cannot switch to the rebuilt index: {e:#}");
            self.mark_damaged("the rebuilt generation cannot be opened");
        }
        if let Err(e) = self.apply_pending() {
            tracing::debug!("indexing will retry: {e:#}");
        }
        let due = self
            .last_check
            .lock()
            .map(|mut t| {
                let due = t.is_none_or(|t| t.elapsed() >= CHECK_EVERY);
                if due {
                    *t = Some(Instant::now());
                }
                due
            })
            .unwrap_or(false);
        if due {
            if let Err(e) = self.check_consistency() {
                tracing::warn!("comparing the index with the database failed: {e:#}");
            }
        }
    }

    /// Starts the indexer thread. It stops when the index is dropped.
    pub fn start_worker(self: &Arc<Self>) {
        let (tx, rx) = channel::<()>();
        if let Ok(mut guard) = self.wake.lock() {
            *guard = Some(tx);
        }
        let weak: Weak<Self> = Arc::downgrade(self);
        std::thread::Builder::new()
            .name("niaz-indexer".into())
            .spawn(move || {
                // The first round runs at once: a stand-in is rebuilt, a backlog applied.
                let mut first = true;
                let mut last_round: Option<Instant> = None;
                while first
                    || !matches!(
                        rx.recv_timeout(Duration::from_secs(1)),
                        Err(RecvTimeoutError::Disconnected)
                    )
                {
                    first = false;
                    // A burst of writes is applied in rounds at most every COMMIT_EVERY: each
                    // round is one commit and one reload however many changes it takes, so
                    // writers cost searches a bounded share (wake-ups meanwhile are merged).
                    if let Some(t) = last_round {
                        if let Some(rest) = COMMIT_EVERY.checked_sub(t.elapsed()) {
                            std::thread::sleep(rest);
                        }
                    }
                    while rx.try_recv().is_ok() {}
                    last_round = Some(Instant::now());
                    let Some(index) = weak.upgrade() else { break };
                    index.work_once();
                }
            })
            .expect("spawn indexer thread");
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// Generations other than the live one, older than `age`: debris of a rebuild killed
    /// midway (one under way is younger). Removed by housekeeping; returns how many.
    pub fn remove_debris(&self, age: Duration) -> usize {
        let live = self.generation().name.clone();
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return 0;
        };
        let mut removed = 0;
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().to_string();
            let old = entry
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|a| a >= age);
            if name.starts_with("gen-")
                && name != live
                && old
                && std::fs::remove_dir_all(entry.path()).is_ok()
            {
                removed += 1;
            }
        }
        removed
    }
}

impl Drop for SearchIndex {
    fn drop(&mut self) {
        if let Ok(mut guard) = self.wake.lock() {
            guard.take();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_name_what_a_rebuild_holds() {
        assert_eq!(payload(7, &[]), "7");
        assert_eq!(payload(7, &[8, 9, 10, 12, 13]), "7;8-10,12-13");
        assert_eq!(parse_payload("7;8-10,12-13"), (7, vec![8, 9, 10, 12, 13]));
        assert_eq!(parse_payload("42"), (42, vec![]));
        assert_eq!(parse_payload(""), (0, vec![]));
        assert_eq!(parse_payload("3;9-1,x"), (3, vec![]));
    }

    #[test]
    fn the_position_passes_applied_ids_and_only_old_gaps() {
        let now = chrono::NaiveDate::from_ymd_opt(2026, 12, 1)
            .unwrap()
            .and_hms_opt(12, 0, 0)
            .unwrap();
        let recent = now - chrono::Duration::seconds(5);
        let old = now - GAP_GRACE - chrono::Duration::seconds(1);
        let mut ahead: std::collections::BTreeMap<i32, chrono::NaiveDateTime> =
            [(11, recent), (12, recent), (14, recent)].into();
        // 13 is missing and recent: wait for it.
        assert_eq!(advance(10, &mut ahead, now), 12);
        assert_eq!(ahead.keys().copied().collect::<Vec<_>>(), [14]);
        // 13 committed late and was applied.
        ahead.insert(13, recent);
        assert_eq!(advance(12, &mut ahead, now), 14);
        assert!(ahead.is_empty());
        // A gap before an old change is a rolled-back transaction's: passed over.
        let mut ahead: std::collections::BTreeMap<i32, chrono::NaiveDateTime> =
            [(20, old), (23, recent)].into();
        assert_eq!(advance(14, &mut ahead, now), 20);
        assert_eq!(ahead.keys().copied().collect::<Vec<_>>(), [23]);
    }
}
