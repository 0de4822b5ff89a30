//! Splits a `--where` condition into tokens, each with its byte span in the source (for the caret in messages).

use super::error::FilterError;
use super::span::Span;

/// Comparison operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    NotEq,
    Lt,
    LtEq,
    Gt,
    GtEq,
}

impl CmpOp {
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "=",
            CmpOp::NotEq => "!=",
            CmpOp::Lt => "<",
            CmpOp::LtEq => "<=",
            CmpOp::Gt => ">",
            CmpOp::GtEq => ">=",
        }
    }
}

/// Reserved words (matched case-insensitively; quote a column that has one of these names).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Keyword {
    And,
    Or,
    Not,
    In,
    Is,
    Null,
    Between,
    True,
    False,
}

impl Keyword {
    pub(crate) fn from_word(w: &str) -> Option<Keyword> {
        const WORDS: [(&str, Keyword); 9] = [
            ("and", Keyword::And),
            ("or", Keyword::Or),
            ("not", Keyword::Not),
            ("in", Keyword::In),
            ("is", Keyword::Is),
            ("null", Keyword::Null),
            ("between", Keyword::Between),
            ("true", Keyword::True),
            ("false", Keyword::False),
        ];
        WORDS
            .iter()
            .find(|(s, _)| w.eq_ignore_ascii_case(s))
            .map(|(_, k)| *k)
    }

    pub fn name(self) -> &'static str {
        match self {
            Keyword::And => "AND",
            Keyword::Or => "OR",
            Keyword::Not => "NOT",
            Keyword::In => "IN",
            Keyword::Is => "IS",
            Keyword::Null => "NULL",
            Keyword::Between => "BETWEEN",
            Keyword::True => "TRUE",
            Keyword::False => "FALSE",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Tok {
    /// A bare column name.
    Ident(String),
    /// A column name in double quotes or backticks.
    Quoted(String),
    Keyword(Keyword),
    /// A 'single-quoted' text value, with `''` already turned into `'`.
    Text(String),
    /// The digits of an unsigned number, as written.
    Number(String),
    Cmp(CmpOp),
    LParen,
    RParen,
    Comma,
    Minus,
    Plus,
    /// `*`, `/` or `%`: recognised only to say that arithmetic is not supported.
    Arith(char),
    End,
}

impl Tok {
    /// How the token is named in "expected ..., found ..." messages.
    pub fn describe(&self) -> String {
        match self {
            Tok::Ident(s) => format!("column {s}"),
            Tok::Quoted(s) => format!("column \"{s}\""),
            Tok::Keyword(k) => k.name().to_string(),
            Tok::Text(s) => format!("'{s}'"),
            Tok::Number(s) => s.clone(),
            Tok::Cmp(op) => op.symbol().to_string(),
            Tok::LParen => "(".into(),
            Tok::RParen => ")".into(),
            Tok::Comma => ",".into(),
            Tok::Minus => "-".into(),
            Tok::Plus => "+".into(),
            Tok::Arith(c) => c.to_string(),
            Tok::End => "the end of the expression".into(),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Token {
    pub tok: Tok,
    pub span: Span,
}

/// The tokens of `src`, ending with [`Tok::End`].
pub fn tokenize(src: &str) -> Result<Vec<Token>, FilterError> {
    let mut out = Vec::new();
    let mut it = src.char_indices().peekable();
    while let Some(&(start, c)) = it.peek() {
        if c.is_whitespace() {
            it.next();
            continue;
        }
        let single = |tok: Tok| Token {
            tok,
            span: Span::new(start, start + c.len_utf8()),
        };
        let token = match c {
            '(' | ')' | ',' | '-' | '+' | '*' | '/' | '%' => {
                it.next();
                single(match c {
                    '(' => Tok::LParen,
                    ')' => Tok::RParen,
                    ',' => Tok::Comma,
                    '-' => Tok::Minus,
                    '+' => Tok::Plus,
                    other => Tok::Arith(other),
                })
            }
            '=' | '!' | '<' | '>' => {
                it.next();
                let next = it.peek().map(|&(_, n)| n);
                let (op, two) = match (c, next) {
                    ('=', Some('=')) => (CmpOp::Eq, true),
                    ('=', _) => (CmpOp::Eq, false),
                    ('!', Some('=')) => (CmpOp::NotEq, true),
                    ('<', Some('>')) => (CmpOp::NotEq, true),
                    ('<', Some('=')) => (CmpOp::LtEq, true),
                    ('<', _) => (CmpOp::Lt, false),
                    ('>', Some('=')) => (CmpOp::GtEq, true),
                    ('>', _) => (CmpOp::Gt, false),
                    _ => {
                        return Err(FilterError::syntax(
                            Span::new(start, start + 1),
                            "\"!\" on its own is not an operator: write != for \"not equal\" or NOT before a condition",
                        ))
                    }
                };
                if two {
                    it.next();
                }
                Token {
                    tok: Tok::Cmp(op),
                    span: Span::new(start, start + if two { 2 } else { 1 }),
                }
            }
            '\'' => {
                let (text, end) = quoted(src, start, '\'').ok_or_else(|| {
                    FilterError::syntax(
                        Span::new(start, src.len()),
                        "unterminated text value: a ' is missing (write '' for a quote inside the text)",
                    )
                })?;
                skip_to(&mut it, end);
                Token {
                    tok: Tok::Text(text),
                    span: Span::new(start, end),
                }
            }
            '"' | '`' => {
                let (name, end) = quoted(src, start, c).ok_or_else(|| {
                    FilterError::syntax(
                        Span::new(start, src.len()),
                        format!("unterminated column name: a closing {c} is missing"),
                    )
                })?;
                if name.is_empty() {
                    return Err(FilterError::syntax(
                        Span::new(start, end),
                        "empty column name",
                    ));
                }
                skip_to(&mut it, end);
                Token {
                    tok: Tok::Quoted(name),
                    span: Span::new(start, end),
                }
            }
            c if c.is_ascii_digit() || c == '.' => {
                let end = number_end(src, start);
                let text = &src[start..end];
                let span = Span::new(start, end);
                let ends_in_name = src[end..]
                    .chars()
                    .next()
                    .is_some_and(|n| n.is_alphanumeric() || n == '_' || n == '.');
                if text == "." || ends_in_name {
                    let bad_end = word_end(src, end);
                    return Err(FilterError::syntax(
                        Span::new(start, bad_end),
                        format!(
                            "\"{}\" is not a number; a column name that starts with a digit must be quoted: \"{}\"",
                            &src[start..bad_end],
                            &src[start..bad_end]
                        ),
                    ));
                }
                skip_to(&mut it, end);
                Token {
                    tok: Tok::Number(text.to_string()),
                    span,
                }
            }
            c if c.is_alphabetic() || c == '_' => {
                let end = word_end(src, start);
                let word = &src[start..end];
                skip_to(&mut it, end);
                Token {
                    tok: match Keyword::from_word(word) {
                        Some(k) => Tok::Keyword(k),
                        None => Tok::Ident(word.to_string()),
                    },
                    span: Span::new(start, end),
                }
            }
            other => {
                return Err(FilterError::syntax(
                    Span::new(start, start + other.len_utf8()),
                    format!("unexpected character \"{other}\" (column names with special characters go in double quotes)"),
                ))
            }
        };
        out.push(token);
    }
    out.push(Token {
        tok: Tok::End,
        span: Span::new(src.len(), src.len()),
    });
    Ok(out)
}

fn skip_to(it: &mut std::iter::Peekable<std::str::CharIndices<'_>>, end: usize) {
    while it.peek().is_some_and(|&(i, _)| i < end) {
        it.next();
    }
}

/// The content of a quoted token starting at `start` (a doubled quote stands for one) and the byte after it.
fn quoted(src: &str, start: usize, quote: char) -> Option<(String, usize)> {
    let mut out = String::new();
    let mut chars = src[start + 1..].char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == quote {
            if chars.peek().is_some_and(|&(_, n)| n == quote) {
                chars.next();
                out.push(quote);
            } else {
                return Some((out, start + 1 + i + 1));
            }
        } else {
            out.push(c);
        }
    }
    None
}

/// End of a bare name: letters, digits, `_` and `.`.
fn word_end(src: &str, start: usize) -> usize {
    src[start..]
        .char_indices()
        .find(|&(_, c)| !(c.is_alphanumeric() || c == '_' || c == '.'))
        .map_or(src.len(), |(i, _)| start + i)
}

/// End of an unsigned number: `digits[.digits][e[+-]digits]` or `.digits[...]`.
fn number_end(src: &str, start: usize) -> usize {
    let b = src.as_bytes();
    let mut i = start;
    let digits = |i: &mut usize| {
        let s = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i > s
    };
    let int = digits(&mut i);
    let mut frac = false;
    if i < b.len() && b[i] == b'.' {
        i += 1;
        frac = digits(&mut i);
    }
    if !(int || frac) {
        return start + 1; // a lone "."
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        let mut j = i + 1;
        if j < b.len() && (b[j] == b'+' || b[j] == b'-') {
            j += 1;
        }
        if digits(&mut j) {
            i = j;
        }
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<Tok> {
        tokenize(s).unwrap().into_iter().map(|t| t.tok).collect()
    }

    #[test]
    fn operators_and_values() {
        assert_eq!(
            toks("a>=1.5e3 AND b<>'it''s' or `x y`==\"p.q\""),
            vec![
                Tok::Ident("a".into()),
                Tok::Cmp(CmpOp::GtEq),
                Tok::Number("1.5e3".into()),
                Tok::Keyword(Keyword::And),
                Tok::Ident("b".into()),
                Tok::Cmp(CmpOp::NotEq),
                Tok::Text("it's".into()),
                Tok::Keyword(Keyword::Or),
                Tok::Quoted("x y".into()),
                Tok::Cmp(CmpOp::Eq),
                Tok::Quoted("p.q".into()),
                Tok::End,
            ]
        );
        assert_eq!(
            toks("ph.ecog<=-.5"),
            vec![
                Tok::Ident("ph.ecog".into()),
                Tok::Cmp(CmpOp::LtEq),
                Tok::Minus,
                Tok::Number(".5".into()),
                Tok::End
            ]
        );
    }

    #[test]
    fn spans_are_byte_ranges() {
        let t = tokenize("é = 'ü'").unwrap();
        assert_eq!(t[0].span, Span::new(0, 2));
        assert_eq!(t[2].span, Span::new(5, 9));
        assert_eq!(t[3].span, Span::new(9, 9));
    }

    #[test]
    fn lexical_errors() {
        for (src, at, what) in [
            ("a = 'abc", 4, "unterminated text"),
            ("\"a = 1", 0, "unterminated column name"),
            ("a ! 1", 2, "\"!\" on its own"),
            ("a = 1; drop", 5, "unexpected character \";\""),
            ("2x = 1", 0, "\"2x\" is not a number"),
            ("\"\" = 1", 0, "empty column name"),
        ] {
            let e = tokenize(src).unwrap_err();
            assert_eq!(e.span.map(|s| s.start), Some(at), "{src}");
            assert!(e.message.contains(what), "{src}: {}", e.message);
        }
    }
}
