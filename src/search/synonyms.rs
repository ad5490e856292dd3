//! Synonyms of the trade, applied at query time: a word or phrase of a group also finds the
//! other entries of its group. The defaults are `synonyms.txt`; organizers add groups of their
//! own, kept in the database.

use std::collections::HashMap;

use super::analyzer::analyze;

/// Longest entry, in words.
pub const MAX_WORDS: usize = 4;
/// Most groups organizers may add.
pub const MAX_GROUPS: usize = 500;
/// Longest entry, in characters.
const MAX_ENTRY_CHARS: usize = 60;
/// Most entries in one group (an organizer's group joined to a default one counts whole).
pub const MAX_GROUP_ENTRIES: usize = 16;
/// Most synonym entries one query adds, over all its words.
pub const MAX_EXPANSIONS: usize = 48;

/// Groups of entries, each entry its analyzed words.
#[derive(Clone, Default)]
pub struct Synonyms {
    groups: Vec<Vec<Vec<String>>>,
    /// An entry's words joined by a space -> its group.
    index: HashMap<String, usize>,
    /// Changes with the table, so cached results of another table are never served.
    version: u64,
}

impl std::fmt::Debug for Synonyms {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Synonyms(v{}, {} groups)",
            self.version,
            self.groups.len()
        )
    }
}

/// A line of a synonym table that cannot be used, and why (a message key).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LineError {
    pub line: usize,
    pub key: &'static str,
}

impl Synonyms {
    /// The defaults with organizers' groups added.
    pub fn with_extra(extra: &str, version: u64) -> Result<Self, Vec<LineError>> {
        let mut table = Self {
            version,
            ..Self::default()
        };
        table
            .add(include_str!("synonyms.txt"))
            .expect("the default synonyms parse");
        table.add(extra)?;
        Ok(table)
    }

    /// Checks a table as organizers would save it: every error, with its line.
    pub fn check(text: &str) -> Result<(), Vec<LineError>> {
        Self::default().add(text)
    }

    fn add(&mut self, text: &str) -> Result<(), Vec<LineError>> {
        let mut errors = Vec::new();
        let mut groups = 0;
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            groups += 1;
            if groups > MAX_GROUPS {
                errors.push(LineError {
                    line: n + 1,
                    key: "error.synonyms_too_many",
                });
                break;
            }
            let mut group: Vec<Vec<String>> = Vec::new();
            let mut bad = None;
            for entry in line
                .split([',', '،'])
                .map(str::trim)
                .filter(|e| !e.is_empty())
            {
                let words: Vec<String> = analyze(entry).into_iter().map(|t| t.text).collect();
                if entry.chars().count() > MAX_ENTRY_CHARS || words.len() > MAX_WORDS {
                    bad = Some("error.synonyms_entry_long");
                } else if !words.is_empty() && !group.contains(&words) {
                    group.push(words);
                }
            }
            if bad.is_none() && group.len() < 2 {
                bad = Some("error.synonyms_one_entry");
            }
            // An entry already in a group joins that group instead of making a second one.
            let existing = group
                .iter()
                .find_map(|w| self.index.get(&w.join(" ")).copied());
            if bad.is_none() {
                let joined = existing.map_or(0, |g| self.groups[g].len());
                let new = group
                    .iter()
                    .filter(|w| !self.index.contains_key(&w.join(" ")))
                    .count();
                if joined + new > MAX_GROUP_ENTRIES {
                    bad = Some("error.synonyms_group_large");
                }
            }
            if let Some(key) = bad {
                errors.push(LineError { line: n + 1, key });
                continue;
            }
            let at = existing.unwrap_or_else(|| {
                self.groups.push(Vec::new());
                self.groups.len() - 1
            });
            for words in group {
                if let std::collections::hash_map::Entry::Vacant(slot) =
                    self.index.entry(words.join(" "))
                {
                    slot.insert(at);
                    self.groups[at].push(words);
                }
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// The other entries of the group of `words` (analyzed), if they make an entry.
    pub fn alternatives(&self, words: &[String]) -> Option<Vec<&[String]>> {
        let group = *self.index.get(&words.join(" "))?;
        Some(
            self.groups[group]
                .iter()
                .filter(|e| e.as_slice() != words)
                .map(Vec::as_slice)
                .collect(),
        )
    }

    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }
}

#[cfg(test)]
mod bound_tests {
    use super::*;

    #[test]
    fn a_huge_group_is_refused_with_its_line() {
        let entries: Vec<String> = (0..5_000).map(|i| format!("قطعه{i}")).collect();
        let text = format!("# a comment\nکوپلینگ، کوپلینک\n{}", entries.join("، "));
        assert_eq!(
            Synonyms::check(&text),
            Err(vec![LineError {
                line: 3,
                key: "error.synonyms_group_large"
            }])
        );
        let at_limit: Vec<String> = (0..MAX_GROUP_ENTRIES).map(|i| format!("واژه{i}")).collect();
        assert!(Synonyms::check(&at_limit.join(",")).is_ok());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        analyze(s).into_iter().map(|t| t.text).collect()
    }

    #[test]
    fn defaults_link_both_languages() {
        let s = Synonyms::with_extra("", 0).unwrap();
        let alts = s.alternatives(&words("گیربکس")).unwrap();
        assert!(alts.contains(&words("gear reducer").as_slice()));
        assert!(alts.contains(&words("کاهنده دور").as_slice()));
        let alts = s.alternatives(&words("Gearbox")).unwrap();
        assert!(alts.contains(&words("گیربکس").as_slice()));
        assert!(s.alternatives(&words("بلبرینگ شیار عمیق")).is_none());
    }

    #[test]
    fn organizers_lines_are_checked_and_merged() {
        let s = Synonyms::with_extra("گیربکس, دنده‌کاهش\nشیر برقی, solenoid valve", 1).unwrap();
        assert!(s
            .alternatives(&words("دنده‌کاهش"))
            .unwrap()
            .contains(&words("gearbox").as_slice()));
        assert!(s.alternatives(&words("solenoid valve")).is_some());
        let errors = Synonyms::check("پمپ\n\nیک, دو, سه, چهار پنج شش هفت هشت").unwrap_err();
        assert_eq!(
            errors,
            vec![
                LineError {
                    line: 1,
                    key: "error.synonyms_one_entry"
                },
                LineError {
                    line: 3,
                    key: "error.synonyms_entry_long"
                },
            ]
        );
    }
}
