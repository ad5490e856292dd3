//! The makers' directory index: an in-memory tantivy index of the public profiles, rebuilt from
//! the database when the server starts and whenever a profile changes (profiles are few; a need
//! index is thousands of times larger). It is a cache: the database decides who is public.
//!
//! Text goes through the same Persian analyzer as needs, so "تراشکاري" finds "تراشکاری" and
//! the processes' Persian and English names are searchable. Processes, cities and certificates
//! are facets, counted for the directory's filters; a need is matched against profiles by the
//! words of its title, description and material, ranked by BM25.

use std::sync::RwLock;

use tantivy::collector::{Count, FacetCollector, TopDocs};
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::{
    Facet, FacetOptions, Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing,
    TextOptions, Value,
};
use tantivy::{doc, Index, IndexReader, TantivyDocument, Term};

use super::analyzer::{analyze, is_stop_word};
use super::tokenizers;
use crate::db::suppliers::ProfileRow;

#[derive(Clone, Copy)]
struct Fields {
    id: Field,
    text: Field,
    materials: Field,
    facets: Field,
}

struct Built {
    reader: IndexReader,
    f: Fields,
    /// What the index was built from.
    fingerprint: crate::db::suppliers::Fingerprint,
}

/// What to look for in the directory.
#[derive(Debug, Clone, Default)]
pub struct Lookup {
    pub q: String,
    pub material: String,
    /// Facets every hit must have: `/process/cnc_turning`, `/city/تبریز`, `/certification/ce`.
    pub filters: Vec<Facet>,
    pub offset: usize,
    pub limit: usize,
}

/// Ids of the makers found, best first, how many in all, and facet counts: (facet path, count).
#[derive(Debug, Clone, Default)]
pub struct Found {
    pub ids: Vec<i32>,
    pub total: usize,
    pub facets: Vec<(String, u64)>,
}

/// The in-memory index of public profiles.
#[derive(Default)]
pub struct SupplierIndex {
    built: RwLock<Option<Built>>,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(tokenizers::TEXT)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let fields = Fields {
        id: b.add_i64_field("id", NumericOptions::default().set_fast().set_stored()),
        text: b.add_text_field("text", text.clone()),
        materials: b.add_text_field("materials", text),
        facets: b.add_facet_field("facets", FacetOptions::default()),
    };
    (b.build(), fields)
}

/// The words a text searches for: folded, stemmed, without function words.
fn terms(field: Field, text: &str) -> Vec<Term> {
    let mut seen = Vec::new();
    for t in analyze(text) {
        if !is_stop_word(&t.text) && !seen.contains(&t.text) {
            seen.push(t.text);
        }
    }
    seen.into_iter()
        .map(|t| Term::from_field_text(field, &t))
        .collect()
}

impl SupplierIndex {
    /// Builds the index anew from these profiles (the public ones, with `names` giving each
    /// process's searchable names).
    pub fn rebuild(
        &self,
        fingerprint: crate::db::suppliers::Fingerprint,
        profiles: &[ProfileRow],
        names: &dyn Fn(&str) -> String,
    ) -> tantivy::Result<()> {
        let (schema, f) = schema();
        let index = Index::create_in_ram(schema);
        tokenizers::register(&index);
        let mut writer = index.writer_with_num_threads(1, 15_000_000)?;
        for p in profiles {
            let mut text = vec![
                p.name.clone(),
                p.organization.clone().unwrap_or_default(),
                p.fields.summary.clone(),
                p.fields.machines.clone(),
                p.fields.localized_parts.clone(),
                p.fields.city.clone(),
            ];
            for process in &p.processes {
                text.push(names(process.as_str()));
            }
            let mut d = doc!(
                f.id => i64::from(p.user_id),
                f.text => text.join("\n"),
                f.materials => p.fields.materials.clone(),
            );
            for process in &p.processes {
                d.add_facet(f.facets, Facet::from_path(["process", process.as_str()]));
            }
            for c in &p.certifications {
                d.add_facet(f.facets, Facet::from_path(["certification", c.as_str()]));
            }
            if !p.fields.city.is_empty() {
                d.add_facet(f.facets, Facet::from_path(["city", p.fields.city.as_str()]));
            }
            for material in materials_of(&p.fields.materials) {
                d.add_facet(f.facets, Facet::from_path(["material", material.as_str()]));
            }
            writer.add_document(d)?;
        }
        writer.commit()?;
        let reader = index.reader()?;
        *self
            .built
            .write()
            .map_err(|_| tantivy::TantivyError::Poisoned)? = Some(Built {
            reader,
            f,
            fingerprint,
        });
        Ok(())
    }

    /// Whether the index was built from the database as it is now.
    pub fn is_fresh(&self, now: &crate::db::suppliers::Fingerprint) -> bool {
        self.built
            .read()
            .ok()
            .and_then(|b| b.as_ref().map(|b| b.fingerprint == *now))
            .unwrap_or(false)
    }

    /// Makers matching every word of the query (and of `material` in their materials) and
    /// every filter, best first, with the facet counts of all of them.
    pub fn search(&self, l: &Lookup) -> tantivy::Result<Found> {
        let guard = self
            .built
            .read()
            .map_err(|_| tantivy::TantivyError::Poisoned)?;
        let Some(built) = guard.as_ref() else {
            return Ok(Found::default());
        };
        let f = built.f;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for t in terms(f.text, &l.q) {
            clauses.push((
                Occur::Must,
                Box::new(TermQuery::new(t, IndexRecordOption::WithFreqs)),
            ));
        }
        for t in terms(f.materials, &l.material) {
            clauses.push((
                Occur::Must,
                Box::new(TermQuery::new(t, IndexRecordOption::Basic)),
            ));
        }
        for facet in &l.filters {
            clauses.push((
                Occur::Must,
                Box::new(TermQuery::new(
                    Term::from_facet(f.facets, facet),
                    IndexRecordOption::Basic,
                )),
            ));
        }
        let query: Box<dyn Query> = if clauses.is_empty() {
            Box::new(tantivy::query::AllQuery)
        } else {
            Box::new(BooleanQuery::new(clauses))
        };
        let searcher = built.reader.searcher();
        let mut facets = FacetCollector::for_field("facets");
        for root in ["/process", "/city", "/certification", "/material"] {
            facets.add_facet(root);
        }
        let top = TopDocs::with_limit(l.limit.max(1)).and_offset(l.offset);
        let (hits, total, counts) = searcher.search(&query, &(top, Count, facets))?;
        let ids = ids_of(&searcher, f, &hits)?;
        let mut facet_counts = Vec::new();
        for root in ["/process", "/city", "/certification", "/material"] {
            for (facet, n) in counts.get(root) {
                facet_counts.push((facet.to_string(), n));
            }
        }
        Ok(Found {
            ids,
            total,
            facets: facet_counts,
        })
    }

    /// The makers whose profiles best match a need's words (any of them, BM25), at most
    /// `limit`.
    pub fn matching(&self, need_text: &str, limit: usize) -> tantivy::Result<Vec<i32>> {
        let guard = self
            .built
            .read()
            .map_err(|_| tantivy::TantivyError::Poisoned)?;
        let Some(built) = guard.as_ref() else {
            return Ok(Vec::new());
        };
        let f = built.f;
        let clauses: Vec<(Occur, Box<dyn Query>)> = terms(f.text, need_text)
            .into_iter()
            .chain(terms(f.materials, need_text))
            .map(|t| {
                (
                    Occur::Should,
                    Box::new(TermQuery::new(t, IndexRecordOption::WithFreqs)) as Box<dyn Query>,
                )
            })
            .collect();
        if clauses.is_empty() {
            return Ok(Vec::new());
        }
        let searcher = built.reader.searcher();
        let hits = searcher.search(&BooleanQuery::new(clauses), &TopDocs::with_limit(limit))?;
        ids_of(&searcher, f, &hits)
    }
    /// The makers to tell of a need: profiles sharing at least `min_words` of the need's key
    /// words (its titles, material and category; all of them when it has fewer), in the
    /// profile's text or materials, best first by BM25, at most `limit`.
    pub fn announce(
        &self,
        key_text: &str,
        min_words: usize,
        limit: usize,
    ) -> tantivy::Result<Vec<i32>> {
        let guard = self
            .built
            .read()
            .map_err(|_| tantivy::TantivyError::Poisoned)?;
        let Some(built) = guard.as_ref() else {
            return Ok(Vec::new());
        };
        let f = built.f;
        let words: Vec<(Occur, Box<dyn Query>)> = terms(f.text, key_text)
            .into_iter()
            .map(|t| {
                let text = t.value().as_str().unwrap_or_default().to_string();
                let either: Box<dyn Query> = Box::new(BooleanQuery::new(vec![
                    (
                        Occur::Should,
                        Box::new(TermQuery::new(t, IndexRecordOption::WithFreqs)) as Box<dyn Query>,
                    ),
                    (
                        Occur::Should,
                        Box::new(TermQuery::new(
                            Term::from_field_text(f.materials, &text),
                            IndexRecordOption::WithFreqs,
                        )),
                    ),
                ]));
                (Occur::Should, either)
            })
            .collect();
        if words.is_empty() {
            return Ok(Vec::new());
        }
        let need = min_words.clamp(1, words.len());
        let query = BooleanQuery::with_minimum_required_clauses(words, need);
        let searcher = built.reader.searcher();
        let hits = searcher.search(&query, &TopDocs::with_limit(limit.max(1)))?;
        ids_of(&searcher, f, &hits)
    }
}

/// The materials a profile lists, one per comma (or Persian comma or semicolon), cleaned.
pub fn materials_of(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for item in text.split([',', '،', ';', '؛']) {
        let item = crate::domain::text::clean(item);
        if !item.is_empty() && item.chars().count() <= 60 && !out.contains(&item) {
            out.push(item);
        }
    }
    out
}

fn ids_of(
    searcher: &tantivy::Searcher,
    f: Fields,
    hits: &[(f32, tantivy::DocAddress)],
) -> tantivy::Result<Vec<i32>> {
    let mut ids = Vec::with_capacity(hits.len());
    for (_, addr) in hits {
        let d: TantivyDocument = searcher.doc(*addr)?;
        if let Some(id) = d.get_first(f.id).and_then(|v| v.as_i64()) {
            ids.push(i32::try_from(id).unwrap_or_default());
        }
    }
    Ok(ids)
}
