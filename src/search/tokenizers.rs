//! The analyzers of [`super::analyzer`] wrapped as tantivy tokenizers.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

use super::analyzer::{analyze, code_keys, hs_keys, index_variants};

pub const TEXT: &str = "niaz_text";
pub const JOINED: &str = "niaz_joined";
pub const CODE: &str = "niaz_code";
pub const HS: &str = "niaz_hs";

#[derive(Clone, Copy, Debug)]
pub enum Mode {
    /// Folded, stemmed words with offsets.
    Text,
    /// Adjacent words joined ("چرخ دنده" -> "چرخدنده"), so a compound typed as one word finds
    /// text where it was typed as two.
    Joined,
    /// Part-number keys, one code per line.
    Code,
    /// HS code prefixes, one code per line.
    Hs,
}

#[derive(Clone, Debug)]
pub struct NiazTokenizer(pub Mode);

pub struct VecTokenStream {
    tokens: Vec<Token>,
    next: usize,
}

impl TokenStream for VecTokenStream {
    fn advance(&mut self) -> bool {
        self.next += 1;
        self.next <= self.tokens.len()
    }

    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

fn token(text: String, from: usize, to: usize, position: usize) -> Token {
    Token {
        offset_from: from,
        offset_to: to,
        position,
        text,
        position_length: 1,
    }
}

/// The tokens a text produces in a mode; also used to build queries.
pub fn tokens(mode: Mode, text: &str) -> Vec<Token> {
    match mode {
        Mode::Text => {
            let mut out = Vec::new();
            for (i, t) in analyze(text).into_iter().enumerate() {
                for variant in index_variants(&t.text) {
                    out.push(token(variant, t.from, t.to, i));
                }
                out.push(token(t.text, t.from, t.to, i));
            }
            out
        }
        Mode::Joined => {
            let toks = analyze(text);
            toks.windows(2)
                .enumerate()
                .map(|(i, w)| token(format!("{}{}", w[0].text, w[1].text), w[0].from, w[1].to, i))
                .collect()
        }
        Mode::Code | Mode::Hs => {
            let mut out = Vec::new();
            let mut offset = 0;
            for line in text.split('\n') {
                let mut keys = match mode {
                    Mode::Code => code_keys(line),
                    _ => hs_keys(line),
                };
                // People type the start of a long part number ("LC1D95" for "LC1D95M7"):
                // its prefixes from five characters on are keys too.
                if let (Mode::Code, Some(whole)) = (mode, keys.first().cloned()) {
                    let chars: Vec<char> = whole.chars().collect();
                    for n in 5..chars.len() {
                        let prefix: String = chars[..n].iter().collect();
                        if !keys.contains(&prefix) {
                            keys.push(prefix);
                        }
                    }
                }
                for key in keys {
                    let position = out.len();
                    out.push(token(key, offset, offset + line.len(), position));
                }
                offset += line.len() + 1;
            }
            out
        }
    }
}

impl Tokenizer for NiazTokenizer {
    type TokenStream<'a> = VecTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        VecTokenStream {
            tokens: tokens(self.0, text),
            next: 0,
        }
    }
}

pub fn register(index: &tantivy::Index) {
    let manager = index.tokenizers();
    manager.register(TEXT, NiazTokenizer(Mode::Text));
    manager.register(JOINED, NiazTokenizer(Mode::Joined));
    manager.register(CODE, NiazTokenizer(Mode::Code));
    manager.register(HS, NiazTokenizer(Mode::Hs));
}
