//! From what a user typed to a tantivy query, and running it.
//!
//! Semantics: every unquoted word is required (AND), quoted text is a phrase, `-word` excludes,
//! function words are optional. A word matches its folded, stemmed form in titles and text, a
//! compound typed with or without a space, and, for code-like words, part-number and HS-code keys
//! (exact code matches rank first). Long words made only of letters that match nothing are
//! retried with typo tolerance; numbers and codes never are. Any string is a valid query: quotes
//! without a partner, lone operators and symbols are read as plain text or ignored.

use tantivy::collector::{Count, FacetCollector, FacetCounts, TopDocs};
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, FuzzyTermQuery, Occur, PhraseQuery, Query, TermQuery,
};
use tantivy::schema::{Facet, Field, IndexRecordOption};
use tantivy::snippet::SnippetGenerator;
use tantivy::{DocAddress, Order, Searcher, Term};

use super::analyzer::{
    analyze, code_keys, fuzzy_distance, is_stop_word, looks_like_code, tokenize,
};
use super::{Fields, Generation};

/// How results are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    #[default]
    Relevance,
    Newest,
    Value,
    Deadline,
}

impl Sort {
    pub const ALL: [Sort; 4] = [Sort::Relevance, Sort::Newest, Sort::Value, Sort::Deadline];

    pub fn as_str(self) -> &'static str {
        match self {
            Sort::Relevance => "relevance",
            Sort::Newest => "newest",
            Sort::Value => "value",
            Sort::Deadline => "deadline",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// One part of a parsed query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    Word(String),
    Phrase(String),
}

/// A query as typed, split into parts. Never fails.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Parsed {
    pub include: Vec<Item>,
    pub exclude: Vec<Item>,
}

fn is_quote(c: char) -> bool {
    matches!(c, '"' | '“' | '”' | '«' | '»')
}

fn has_content(s: &str) -> bool {
    !tokenize(s).is_empty()
}

pub fn parse(q: &str) -> Parsed {
    let chars: Vec<char> = q.chars().collect();
    let mut parsed = Parsed::default();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let mut negate = false;
        let mut j = i;
        while j < chars.len() && matches!(chars[j], '-' | '−' | '+') {
            negate |= chars[j] != '+';
            j += 1;
        }
        // A lone operator is nothing; "-" before a space is not a negation.
        if j >= chars.len() || chars[j].is_whitespace() {
            i = j;
            continue;
        }
        let item = if is_quote(chars[j]) {
            match chars[j + 1..].iter().position(|c| is_quote(*c)) {
                Some(len) => {
                    let text: String = chars[j + 1..j + 1 + len].iter().collect();
                    i = j + len + 2;
                    Item::Phrase(text)
                }
                None => {
                    // No closing quote: the rest is ordinary words.
                    i = j + 1;
                    continue;
                }
            }
        } else {
            let end = chars[j..]
                .iter()
                .position(|c| c.is_whitespace() || is_quote(*c))
                .map_or(chars.len(), |p| j + p);
            let text: String = chars[j..end].iter().collect();
            i = end;
            Item::Word(text)
        };
        let text = match &item {
            Item::Word(t) | Item::Phrase(t) => t,
        };
        if !has_content(text) {
            continue;
        }
        if negate {
            parsed.exclude.push(item);
        } else {
            parsed.include.push(item);
        }
    }
    parsed
}

fn boxed(q: impl Query) -> Box<dyn Query> {
    Box::new(q)
}

/// The key a part number is indexed by in the code field (separators and dimension x's out).
fn code_key(text: &str) -> String {
    code_keys(text).into_iter().next().unwrap_or_default()
}

/// Most needs shown as matching only some of the words.
pub const PARTIAL_LIMIT: usize = 10;

/// Weight of a match in the title, and in the description, against one elsewhere (1).
const TITLE: f32 = 3.0;
const DESCRIPTION: f32 = 0.4;

fn boost(q: Box<dyn Query>, b: f32) -> Box<dyn Query> {
    Box::new(BoostQuery::new(q, b))
}

fn term(field: Field, text: &str) -> Box<dyn Query> {
    boxed(TermQuery::new(
        Term::from_field_text(field, text),
        IndexRecordOption::WithFreqs,
    ))
}

fn any(clauses: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    if clauses.len() == 1 {
        return clauses.into_iter().next().expect("one clause");
    }
    boxed(BooleanQuery::new(
        clauses.into_iter().map(|q| (Occur::Should, q)).collect(),
    ))
}

fn all(clauses: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    if clauses.len() == 1 {
        return clauses.into_iter().next().expect("one clause");
    }
    boxed(BooleanQuery::new(
        clauses.into_iter().map(|q| (Occur::Must, q)).collect(),
    ))
}

/// Builds queries against one index generation (it knows which terms exist).
pub struct Builder<'a> {
    f: Fields,
    searcher: &'a Searcher,
    synonyms: Option<std::sync::Arc<super::synonyms::Synonyms>>,
    /// Synonym entries this query may still add: however the table grows, one query expands
    /// to at most [`super::synonyms::MAX_EXPANSIONS`] alternatives.
    expansions: std::cell::Cell<usize>,
}

impl<'a> Builder<'a> {
    pub fn new(generation: &Generation, searcher: &'a Searcher) -> Self {
        Self {
            f: generation.fields,
            searcher,
            synonyms: None,
            expansions: std::cell::Cell::new(super::synonyms::MAX_EXPANSIONS),
        }
    }

    pub fn with_synonyms(
        mut self,
        synonyms: Option<std::sync::Arc<super::synonyms::Synonyms>>,
    ) -> Self {
        self.synonyms = synonyms;
        self
    }

    /// The longest run of words from `items[i]` that is an entry of a synonym group: how many
    /// items it spans and a query for it or any other entry of its group.
    fn synonym_span(&self, items: &[Item], i: usize) -> Option<(usize, Box<dyn Query>)> {
        let synonyms = self.synonyms.as_ref()?;
        let mut words: Vec<Vec<String>> = Vec::new();
        for item in items.iter().skip(i).take(super::synonyms::MAX_WORDS) {
            let Item::Word(text) = item else { break };
            words.push(analyze(text).into_iter().map(|t| t.text).collect());
        }
        for len in (1..=words.len()).rev() {
            // "پروانه ای" is one word, شیر پروانه‌ای, not the impeller پروانه.
            if let Some(Item::Word(next)) = items.get(i + len) {
                if super::analyzer::is_detached_suffix(next) {
                    continue;
                }
            }
            let entry: Vec<String> = words[..len].concat();
            let Some(alternatives) = synonyms.alternatives(&entry) else {
                continue;
            };
            let budget = self.expansions.get();
            if budget == 0 {
                return None;
            }
            let alternatives = &alternatives[..alternatives.len().min(budget)];
            self.expansions.set(budget - alternatives.len());
            let typed: Vec<Box<dyn Query>> = items[i..i + len]
                .iter()
                .filter_map(|item| match item {
                    Item::Word(t) => self.chunk(t, true),
                    Item::Phrase(_) => None,
                })
                .collect();
            let mut options = vec![all(typed)];
            options.extend(alternatives.iter().map(|words| self.words_query(words)));
            return Some((len, any(options)));
        }
        None
    }

    /// Analyzed words next to each other, in a title, text or description.
    fn words_query(&self, words: &[String]) -> Box<dyn Query> {
        if let [one] = words {
            return self.word(one, false);
        }
        let per_field = |field: Field| -> Box<dyn Query> {
            boxed(PhraseQuery::new(
                words
                    .iter()
                    .map(|w| Term::from_field_text(field, w))
                    .collect(),
            ))
        };
        any(vec![
            boost(per_field(self.f.title), TITLE),
            per_field(self.f.body),
            boost(per_field(self.f.desc), DESCRIPTION),
        ])
    }

    fn doc_freq(&self, field: Field, text: &str) -> u64 {
        self.searcher
            .doc_freq(&Term::from_field_text(field, text))
            .unwrap_or(0)
    }

    fn exists(&self, text: &str) -> bool {
        self.doc_freq(self.f.title, text) > 0
            || self.doc_freq(self.f.body, text) > 0
            || self.doc_freq(self.f.desc, text) > 0
    }

    /// One analyzed word: title and text, compounds, code segments, typos.
    fn word(&self, token: &str, allow_fuzzy: bool) -> Box<dyn Query> {
        let f = self.f;
        // Where a word matches says how much: the title most, then what the need is (part
        // number, category, material, specifications), its description least.
        let mut clauses = vec![
            boost(term(f.title, token), TITLE),
            term(f.body, token),
            boost(term(f.desc, token), DESCRIPTION),
            boost(term(f.joined, token), 0.8),
        ];
        if token.chars().all(char::is_alphanumeric) {
            clauses.push(boost(term(f.code, token), 3.0));
        }
        if allow_fuzzy && !self.exists(token) && self.doc_freq(f.joined, token) == 0 {
            if let Some(distance) = fuzzy_distance(token) {
                for field in [f.title, f.body, f.desc] {
                    clauses.push(boost(
                        boxed(FuzzyTermQuery::new(
                            Term::from_field_text(field, token),
                            distance,
                            true,
                        )),
                        0.5,
                    ));
                }
            }
        }
        any(clauses)
    }

    /// A word as typed, which may hold several tokens ("6205-2RS", "10.2mm").
    fn chunk(&self, text: &str, allow_fuzzy: bool) -> Option<Box<dyn Query>> {
        let tokens = analyze(text);
        if tokens.is_empty() {
            return None;
        }
        let words = all(tokens
            .iter()
            .map(|t| self.word(&t.text, allow_fuzzy))
            .collect());
        if !looks_like_code(text) {
            return Some(words);
        }
        let key = code_key(text);
        let mut alternatives = vec![boost(term(self.f.code, &key), 8.0), words];
        if key.chars().all(|c| c.is_ascii_digit()) && (4..=10).contains(&key.len()) {
            alternatives.push(boost(term(self.f.hs, &key), 6.0));
        }
        // "SKF6205" also finds 6205: try the code's letter and number parts too.
        let parts: Vec<String> = code_keys(text).into_iter().skip(1).collect();
        if parts.len() > 1 {
            alternatives.push(boost(
                all(parts.iter().map(|p| self.word(p, false)).collect()),
                0.5,
            ));
        }
        Some(any(alternatives))
    }

    fn phrase(&self, text: &str) -> Option<Box<dyn Query>> {
        let tokens = analyze(text);
        match tokens.len() {
            0 => None,
            1 => self.chunk(text, false),
            _ => {
                let words: Vec<String> = tokens.into_iter().map(|t| t.text).collect();
                Some(self.words_query(&words))
            }
        }
    }

    /// Required and optional clauses for what the user typed, with compounds typed as two words
    /// also matching the one-word form and the other way round.
    pub fn build(&self, parsed: &Parsed, relaxed: bool) -> Box<dyn Query> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let required = if relaxed { Occur::Should } else { Occur::Must };
        // A suffix typed apart ("دنده ای", "پمپ های") belongs to the word before it.
        let mut merged: Vec<Item> = Vec::with_capacity(parsed.include.len());
        for item in &parsed.include {
            match (item, merged.last_mut()) {
                (Item::Word(w), Some(Item::Word(prev)))
                    if super::analyzer::is_detached_suffix(w) =>
                {
                    prev.push(' ');
                    prev.push_str(w);
                }
                _ => merged.push(item.clone()),
            }
        }
        let items = &merged;
        let mut i = 0;
        while i < items.len() {
            match &items[i] {
                Item::Phrase(text) => {
                    if let Some(q) = self.phrase(text) {
                        clauses.push((required, q));
                    }
                }
                Item::Word(text) => {
                    if let Some((span, q)) = self.synonym_span(items, i) {
                        clauses.push((required, q));
                        i += span;
                        continue;
                    }
                    let single = |t: &str| {
                        let toks = analyze(t);
                        (toks.len() == 1 && !looks_like_code(t)).then(|| toks[0].text.clone())
                    };
                    let this = single(text);
                    let next = match items.get(i + 1) {
                        Some(Item::Word(n)) => single(n).map(|s| (n.clone(), s)),
                        _ => None,
                    };
                    if let (Some(a), Some((next_text, b))) = (&this, &next) {
                        let joined = format!("{a}{b}");
                        if self.exists(&joined) {
                            let pair = all(vec![
                                self.chunk(text, true).expect("has a token"),
                                self.chunk(next_text, true).expect("has a token"),
                            ]);
                            clauses.push((required, any(vec![pair, self.word(&joined, false)])));
                            i += 2;
                            continue;
                        }
                    }
                    let occur = match &this {
                        Some(t) if is_stop_word(t) => Occur::Should,
                        _ => required,
                    };
                    if let Some(q) = self.chunk(text, true) {
                        clauses.push((occur, q));
                    }
                }
            }
            i += 1;
        }
        let has_positive =
            clauses.iter().any(|(o, _)| *o == Occur::Must) || (relaxed && !clauses.is_empty());
        for item in &parsed.exclude {
            let q = match item {
                Item::Word(t) => self.chunk(t, false),
                Item::Phrase(t) => self.phrase(t),
            };
            if let Some(q) = q {
                clauses.push((Occur::MustNot, q));
            }
        }
        if !has_positive {
            // Only function words or exclusions: everything else is a match.
            clauses.push((Occur::Must, boxed(AllQuery)));
        }
        let query = boxed(BooleanQuery::new(clauses));
        match self.whole_code(parsed) {
            Some(code) => any(vec![query, code]),
            None => query,
        }
    }

    /// A code typed with spaces between its groups ("0160 D 010 BN4HC"): the words together,
    /// when some part number is that code.
    fn whole_code(&self, parsed: &Parsed) -> Option<Box<dyn Query>> {
        if !parsed.exclude.is_empty() || parsed.include.len() < 2 {
            return None;
        }
        let mut joined = String::new();
        for item in &parsed.include {
            let Item::Word(w) = item else { return None };
            joined.push_str(w);
        }
        if !looks_like_code(&joined) {
            return None;
        }
        let key = code_key(&joined);
        (self.doc_freq(self.f.code, &key) > 0).then(|| boost(term(self.f.code, &key), 8.0))
    }

    /// Closest indexed word to a word that matched nothing, for "did you mean": words of the
    /// title field that start with the same letter (a range of the term dictionary, not a scan
    /// of all of it), within two edits, the most frequent first.
    pub fn suggestion(&self, token: &str) -> Option<String> {
        if self.exists(token) || fuzzy_distance(token).is_none() {
            return None;
        }
        let first = token.chars().next()?;
        let after = char::from_u32(u32::from(first) + 1)?;
        let (lo, hi) = (first.to_string(), after.to_string());
        let length = token.chars().count();
        let mut best: Option<(usize, u64, String)> = None;
        for segment in self.searcher.segment_readers() {
            let Ok(inverted) = segment.inverted_index(self.f.title) else {
                continue;
            };
            let Ok(mut stream) = inverted
                .terms()
                .range()
                .ge(lo.as_bytes())
                .lt(hi.as_bytes())
                .into_stream()
            else {
                continue;
            };
            while stream.advance() {
                let Ok(candidate) = std::str::from_utf8(stream.key()) else {
                    continue;
                };
                if candidate.chars().count().abs_diff(length) > 2 {
                    continue;
                }
                let d = strsim::levenshtein(token, candidate);
                if d == 0 || d > 2 {
                    continue;
                }
                let freq = u64::from(stream.value().doc_freq);
                if best
                    .as_ref()
                    .is_none_or(|(bd, bf, _)| (d, u64::MAX - freq) < (*bd, u64::MAX - *bf))
                {
                    best = Some((d, freq, candidate.to_string()));
                }
            }
        }
        best.map(|(_, _, s)| s)
    }
}

/// What to search for.
#[derive(Debug, Clone, Default)]
pub struct SearchRequest {
    pub q: String,
    /// Facets every hit must have (category path, `/city/تبریز`, ...).
    pub filters: Vec<Facet>,
    /// Facets whose children are counted.
    pub facet_roots: Vec<Facet>,
    pub sort: Sort,
    pub offset: usize,
    pub limit: usize,
    /// Synonyms to apply; the index's own table when none is given.
    pub synonyms: Option<std::sync::Arc<super::synonyms::Synonyms>>,
}

/// Highlights the query's words in a text.
pub struct Highlighter {
    body: SnippetGenerator,
}

impl Highlighter {
    /// An HTML fragment of `text` around the matches, escaped, with `<b>` around matches and
    /// each code, number or date isolated left to right.
    pub fn snippet_html(&self, text: &str) -> String {
        let snippet = self.body.snippet(text);
        if snippet.fragment().is_empty() {
            let short: String = text.chars().take(180).collect();
            let mut out = marked_html(&short, &[]);
            if text.chars().count() > 180 {
                out.push('…');
            }
            return out;
        }
        marked_html(snippet.fragment(), snippet.highlighted())
    }
}

/// Escaped HTML of `text` with `<b>` around `highlights` and each run of
/// [`crate::domain::text::ltr_runs`] between left-to-right isolate marks. Marks, not `<bdi>`
/// elements, because a run may begin inside a highlight and end outside it.
fn marked_html(text: &str, highlights: &[std::ops::Range<usize>]) -> String {
    use crate::domain::text::{LRI, PDI};
    // (offset, order at that offset, what goes there): ends before starts.
    let mut marks: Vec<(usize, u8, &str)> = Vec::new();
    let (lri, pdi) = (LRI.to_string(), PDI.to_string());
    let mut at = 0;
    for (run, part) in crate::domain::text::ltr_runs(text) {
        if run {
            marks.push((at, 2, lri.as_str()));
            marks.push((at + part.len(), 0, pdi.as_str()));
        }
        at += part.len();
    }
    for h in highlights {
        if h.start < h.end && h.end <= text.len() {
            marks.push((h.start, 1, "<b>"));
            marks.push((h.end, 0, "</b>"));
        }
    }
    marks.sort_by_key(|&(offset, order, _)| (offset, order));
    let mut out = String::with_capacity(text.len() + marks.len() * 4);
    let mut from = 0;
    for (offset, _, mark) in marks {
        if let Some(piece) = text.get(from..offset) {
            escape_into(&mut out, piece);
            from = offset;
        }
        out.push_str(mark);
    }
    escape_into(&mut out, text.get(from..).unwrap_or_default());
    out
}

fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

#[derive(Clone)]
pub struct SearchOutcome {
    pub total: usize,
    /// Need ids of this page, in order.
    pub ids: Vec<i32>,
    /// On the page where the needs matching every word end: needs matching only some of them.
    pub partial: Vec<i32>,
    pub facets: FacetCounts,
    /// No need matched every word, so these match some of them.
    pub relaxed: bool,
    /// Query with misspelt words replaced by the closest indexed words.
    pub suggestion: Option<String>,
    pub highlighter: std::sync::Arc<Highlighter>,
}

fn ids_of(searcher: &Searcher, docs: &[DocAddress]) -> tantivy::Result<Vec<i32>> {
    let mut out = Vec::with_capacity(docs.len());
    for addr in docs {
        let reader = searcher.segment_reader(addr.segment_ord);
        let ids = reader.fast_fields().i64("id")?;
        if let Some(id) = ids.first(addr.doc_id) {
            out.push(id as i32);
        }
    }
    Ok(out)
}

fn run(
    searcher: &Searcher,
    query: &dyn Query,
    req: &SearchRequest,
) -> tantivy::Result<(usize, Vec<i32>, FacetCounts)> {
    let mut facets = FacetCollector::for_field("facets");
    for root in &req.facet_roots {
        facets.add_facet(root.clone());
    }
    let top = TopDocs::with_limit(req.limit.max(1)).and_offset(req.offset);
    let (total, docs, counts) = match req.sort {
        Sort::Relevance => {
            let (n, hits, c) = searcher.search(query, &(Count, top, facets))?;
            (n, hits.into_iter().map(|(_, a)| a).collect::<Vec<_>>(), c)
        }
        Sort::Deadline => {
            // Soonest deadline first; deadlines already past after every open one (the most
            // recently passed first), needs without a deadline last.
            let now = chrono::Utc::now().timestamp();
            let by_deadline = top.tweak_score(move |segment: &tantivy::SegmentReader| {
                let deadlines = segment.fast_fields().i64("deadline").ok();
                move |doc: tantivy::DocId, _score: tantivy::Score| {
                    let d = deadlines
                        .as_ref()
                        .and_then(|c| c.first(doc))
                        .unwrap_or(i64::MAX);
                    let key = if d == i64::MAX {
                        i64::MAX
                    } else if d.saturating_add(86_400) > now {
                        // Open until the end of its day.
                        (d - now).max(0)
                    } else {
                        (i64::MAX / 2).saturating_add(now - d)
                    };
                    std::cmp::Reverse(key)
                }
            });
            let (n, hits, c) = searcher.search(query, &(Count, by_deadline, facets))?;
            (n, hits.into_iter().map(|(_, a)| a).collect(), c)
        }
        sort => {
            let (field, order) = match sort {
                Sort::Newest => ("published", Order::Desc),
                _ => ("value", Order::Desc),
            };
            let (n, hits, c) = searcher.search(
                query,
                &(Count, top.order_by_fast_field::<i64>(field, order), facets),
            )?;
            (n, hits.into_iter().map(|(_, a)| a).collect(), c)
        }
    };
    let ids = if req.limit == 0 {
        Vec::new()
    } else {
        ids_of(searcher, &docs)?
    };
    Ok((total, ids, counts))
}

/// Runs a search against a generation.
pub fn search(generation: &Generation, req: &SearchRequest) -> tantivy::Result<SearchOutcome> {
    search_with(&generation.reader.searcher(), generation, req)
}

/// Runs a search with a given searcher (a consistent view of the index).
pub fn search_with(
    searcher: &Searcher,
    generation: &Generation,
    req: &SearchRequest,
) -> tantivy::Result<SearchOutcome> {
    let searcher = searcher.clone();
    let f = generation.fields;
    let builder = Builder::new(generation, &searcher).with_synonyms(req.synonyms.clone());
    let parsed = parse(&req.q);
    let with_filters = |q: Box<dyn Query>| -> Box<dyn Query> {
        if req.filters.is_empty() {
            return q;
        }
        let mut clauses = vec![(Occur::Must, q)];
        for facet in &req.filters {
            clauses.push((
                Occur::Must,
                boxed(TermQuery::new(
                    Term::from_facet(f.facets, facet),
                    IndexRecordOption::Basic,
                )),
            ));
        }
        boxed(BooleanQuery::new(clauses))
    };
    let mut query = with_filters(builder.build(&parsed, false));
    let (mut total, mut ids, mut facets) = run(&searcher, &*query, req)?;
    let mut relaxed = false;
    let mut suggestion = None;
    let words: Vec<&Item> = parsed.include.iter().collect();
    if total == 0 && !words.is_empty() {
        let mut changed = false;
        let fixed: Vec<String> = words
            .iter()
            .map(|item| match item {
                Item::Word(w) => {
                    let toks = analyze(w);
                    match toks.as_slice() {
                        [one] => match builder.suggestion(&one.text) {
                            Some(s) => {
                                changed = true;
                                s
                            }
                            None => w.clone(),
                        },
                        _ => w.clone(),
                    }
                }
                Item::Phrase(p) => format!("\"{p}\""),
            })
            .collect();
        if changed {
            suggestion = Some(fixed.join(" "));
        }
        if words.len() > 1 {
            query = with_filters(builder.build(&parsed, true));
            (total, ids, facets) = run(&searcher, &*query, req)?;
            relaxed = total > 0;
        }
    }
    // Needs that match some of the words but not all come after every need that matches all,
    // on the page where those end, ranked by how many words match and where.
    let mut partial = Vec::new();
    if !relaxed
        && total > 0
        && words.len() > 1
        && req.sort == Sort::Relevance
        && req.offset + req.limit >= total
    {
        let some_not_all = with_filters(boxed(BooleanQuery::new(vec![
            (Occur::Must, builder.build(&parsed, true)),
            (Occur::MustNot, builder.build(&parsed, false)),
        ])));
        let top = searcher.search(&*some_not_all, &TopDocs::with_limit(PARTIAL_LIMIT))?;
        let docs: Vec<DocAddress> = top.into_iter().map(|(_, a)| a).collect();
        partial = ids_of(&searcher, &docs)?;
    }
    let mut body = SnippetGenerator::create(&searcher, &*query, f.desc)?;
    body.set_max_num_chars(220);
    Ok(SearchOutcome {
        total,
        ids,
        partial,
        facets,
        relaxed,
        suggestion,
        highlighter: std::sync::Arc::new(Highlighter { body }),
    })
}

/// Needs like the given one: its title's words, any of them, preferring its category.
pub fn similar(
    generation: &Generation,
    id: i32,
    title: &str,
    category: &Facet,
    limit: usize,
) -> tantivy::Result<Vec<i32>> {
    let searcher = generation.reader.searcher();
    let f = generation.fields;
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = analyze(title)
        .into_iter()
        .filter(|t| !is_stop_word(&t.text))
        .map(|t| {
            (
                Occur::Should,
                any(vec![
                    term(f.title, &t.text),
                    term(f.body, &t.text),
                    term(f.desc, &t.text),
                ]),
            )
        })
        .collect();
    if clauses.is_empty() {
        return Ok(Vec::new());
    }
    clauses.push((
        Occur::Should,
        boost(
            boxed(TermQuery::new(
                Term::from_facet(f.facets, category),
                IndexRecordOption::Basic,
            )),
            1.5,
        ),
    ));
    clauses.push((
        Occur::MustNot,
        boxed(TermQuery::new(
            Term::from_field_i64(f.id, id as i64),
            IndexRecordOption::Basic,
        )),
    ));
    let query = BooleanQuery::new(clauses);
    let hits = searcher.search(&query, &TopDocs::with_limit(limit))?;
    let docs: Vec<DocAddress> = hits.into_iter().map(|(_, a)| a).collect();
    ids_of(&searcher, &docs)
}

/// Ids of needs whose title has a word starting with the last word typed, and the other words.
pub fn suggest(generation: &Generation, q: &str, limit: usize) -> tantivy::Result<Vec<i32>> {
    let searcher = generation.reader.searcher();
    let f = generation.fields;
    let builder = Builder::new(generation, &searcher);
    let mut parsed = parse(q);
    let Some(Item::Word(last)) = parsed.include.pop() else {
        return Ok(Vec::new());
    };
    let Some(prefix) = tokenize(&last).pop().map(|t| t.text) else {
        return Ok(Vec::new());
    };
    let mut expansions: Vec<Box<dyn Query>> = Vec::new();
    for segment in searcher.segment_readers() {
        let inverted = segment.inverted_index(f.title)?;
        let mut stream = inverted
            .terms()
            .range()
            .ge(prefix.as_bytes())
            .into_stream()?;
        while stream.advance() && expansions.len() < 40 {
            let Ok(candidate) = std::str::from_utf8(stream.key()) else {
                continue;
            };
            if !candidate.starts_with(&prefix) {
                break;
            }
            expansions.push(term(f.title, candidate));
        }
    }
    if expansions.is_empty() {
        return Ok(Vec::new());
    }
    let mut clauses = vec![(Occur::Must, any(expansions))];
    if !parsed.include.is_empty() {
        clauses.push((Occur::Must, builder.build(&parsed, false)));
    }
    let hits = searcher.search(&BooleanQuery::new(clauses), &TopDocs::with_limit(limit))?;
    let docs: Vec<DocAddress> = hits.into_iter().map(|(_, a)| a).collect();
    ids_of(&searcher, &docs)
}

/// Where needs are in a view of the index: (need id, document), in document order. Needs not
/// in the index are left out.
pub fn locate(searcher: &Searcher, generation: &Generation, ids: &[i32]) -> Vec<(i32, DocAddress)> {
    let f = generation.fields;
    let mut out = Vec::new();
    for id in ids {
        let term = Term::from_field_i64(f.id, i64::from(*id));
        for (ord, reader) in searcher.segment_readers().iter().enumerate() {
            let Ok(index) = reader.inverted_index(f.id) else {
                continue;
            };
            let Ok(Some(postings)) = index.read_postings(&term, IndexRecordOption::Basic) else {
                continue;
            };
            use tantivy::DocSet;
            let doc = postings.doc();
            if doc != tantivy::TERMINATED && reader.alive_bitset().is_none_or(|a| a.is_alive(doc)) {
                out.push((*id, DocAddress::new(ord as u32, doc)));
            }
        }
    }
    out.sort_by_key(|(_, d)| *d);
    out
}

/// Which of the `targets` (from [`locate`]) a search finds: the same query and filters as the
/// search page (never its relaxed fallback). Alerts use it to tell whether newly published
/// needs match a saved search: the query's scorer seeks straight to each target document, so
/// no posting list is read further than needed and nothing is collected.
pub fn percolate(
    searcher: &Searcher,
    generation: &Generation,
    req: &SearchRequest,
    targets: &[(i32, DocAddress)],
) -> tantivy::Result<Vec<i32>> {
    use tantivy::query::EnableScoring;
    use tantivy::DocSet;
    if targets.is_empty() {
        return Ok(Vec::new());
    }
    let f = generation.fields;
    let builder = Builder::new(generation, searcher).with_synonyms(req.synonyms.clone());
    let mut clauses = vec![(Occur::Must, builder.build(&parse(&req.q), false))];
    for facet in &req.filters {
        clauses.push((
            Occur::Must,
            boxed(TermQuery::new(
                Term::from_facet(f.facets, facet),
                IndexRecordOption::Basic,
            )),
        ));
    }
    let query = BooleanQuery::new(clauses);
    let weight = query.weight(EnableScoring::disabled_from_searcher(searcher))?;
    let mut found = Vec::new();
    let mut i = 0;
    while i < targets.len() {
        let segment = targets[i].1.segment_ord;
        let reader = searcher.segment_reader(segment);
        let mut scorer = weight.scorer(reader, 1.0)?;
        while i < targets.len() && targets[i].1.segment_ord == segment {
            let (id, addr) = targets[i];
            let at = if scorer.doc() < addr.doc_id {
                scorer.seek(addr.doc_id)
            } else {
                scorer.doc()
            };
            if at == addr.doc_id {
                found.push(id);
            }
            i += 1;
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// However many full groups a query hits, it adds at most `MAX_EXPANSIONS` alternatives.
    #[test]
    fn a_query_expands_to_a_bounded_number_of_synonyms() {
        let (schema, fields) = super::super::schema();
        let index = tantivy::Index::create_in_ram(schema);
        super::super::tokenizers::register(&index);
        let generation = Generation {
            name: "test".into(),
            reader: index.reader().unwrap(),
            index,
            fields,
        };
        let groups: Vec<String> = (0..40)
            .map(|g| {
                (0..16)
                    .map(|i| format!("واژه{g}x{i}"))
                    .collect::<Vec<_>>()
                    .join("، ")
            })
            .collect();
        let table = super::super::synonyms::Synonyms::with_extra(&groups.join("\n"), 1).unwrap();
        let searcher = generation.reader.searcher();
        let builder =
            Builder::new(&generation, &searcher).with_synonyms(Some(std::sync::Arc::new(table)));
        let query: Vec<String> = (0..40).map(|g| format!("واژه{g}x0")).collect();
        let _ = builder.build(&parse(&query.join(" ")), false);
        assert_eq!(
            builder.expansions.get(),
            0,
            "the budget is spent, not exceeded"
        );
        let fresh = Builder::new(&generation, &searcher);
        let _ = fresh.build(&parse("واژه1x0"), false);
        assert_eq!(
            fresh.expansions.get(),
            super::super::synonyms::MAX_EXPANSIONS
        );
    }

    #[test]
    fn parser_never_fails() {
        let inputs = [
            "",
            "\"",
            "\"\"",
            "-",
            "--",
            "- -",
            "\"unbalanced",
            "-\"",
            "((",
            ")",
            "*",
            "AND OR",
            "+",
            "«",
            "»",
            "\u{200C}",
            "\u{0640}",
            "-پمپ",
            "\"a b\" -c d",
            "a-b",
            "🙂",
            "&&||",
        ];
        for q in inputs {
            let _ = parse(q);
        }
        assert_eq!(
            parse("\"a b\" -c d"),
            Parsed {
                include: vec![Item::Phrase("a b".into()), Item::Word("d".into())],
                exclude: vec![Item::Word("c".into())],
            }
        );
        assert_eq!(parse("\"pump valve").include.len(), 2);
        assert_eq!(parse("- * ( )"), Parsed::default());
        assert_eq!(
            parse("6205-2RS").include,
            vec![Item::Word("6205-2RS".into())]
        );
    }
}
