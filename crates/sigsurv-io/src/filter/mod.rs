//! `--where`: the SQL-style row condition, parsed by sigsurv itself and turned into a polars expression.
//!
//! Polars' own SQL front end (the `sql` feature) pulled sqlparser, polars-sql and polars-time into the build for
//! this one flag; the subset users write here is small. See `docs/cli.md` ("Filtering rows with --where") for the
//! grammar. Null semantics are SQL's: a comparison with a missing value is unknown, and rows whose condition is
//! unknown are dropped (so `x != 1` does not keep rows where `x` is missing; `x IS NULL` does).
//!
//! [`Condition::parse`] checks syntax only; [`Condition::to_expr`] checks the condition against the table's
//! schema (unknown columns, text compared with numbers) and builds the expression.

mod lexer;
mod lower;
mod parser;

pub use lexer::CmpOp;
pub use parser::{Node, Operand, OperandKind, Value};

use polars::prelude::{Expr, Schema};

/// A byte range of the condition's text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }
}

/// What is wrong with a condition, where (if one place is to blame), and follow-up hints.
#[derive(Clone, Debug, PartialEq)]
pub struct FilterError {
    pub message: String,
    pub span: Option<Span>,
    pub hints: Vec<String>,
}

impl FilterError {
    pub(crate) fn syntax(span: Span, message: impl Into<String>) -> FilterError {
        FilterError {
            message: message.into(),
            span: Some(span),
            hints: Vec::new(),
        }
    }

    /// Two lines: the condition, and carets under the span (columns counted in characters, tabs kept so the caret
    /// lines up in a terminal; line breaks shown as spaces).
    pub fn caret(&self, src: &str) -> Option<[String; 2]> {
        let span = self.span?;
        let start = floor_char_boundary(src, span.start);
        let end = floor_char_boundary(src, span.end.max(span.start));
        let flat: String = src
            .chars()
            .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
            .collect();
        let pad: String = src[..start]
            .chars()
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        let width = src[start..end].chars().count().max(1);
        let chars: Vec<char> = flat.chars().collect();
        if chars.len() <= 2 * CARET_WINDOW + width {
            return Some([flat, format!("{pad}{}", "^".repeat(width))]);
        }
        // A long condition: a window of it around the span, cut ends marked with "…".
        let at = pad.chars().count();
        let lo = at.saturating_sub(CARET_WINDOW);
        let hi = (at + width + CARET_WINDOW).min(chars.len());
        let mut line: String = if lo > 0 { "…".into() } else { String::new() };
        line.extend(&chars[lo..hi]);
        if hi < chars.len() {
            line.push('…');
        }
        let mut under: String = if lo > 0 { " ".into() } else { String::new() };
        under.extend(pad.chars().skip(lo));
        under.push_str(&"^".repeat(width.min(hi - at)));
        Some([line, under])
    }
}

/// A condition quoted in a message: whole up to 120 characters, else its first 80 and how long it is (the caret
/// lines show the part to blame).
pub(crate) fn quote_condition(src: &str) -> String {
    let n = src.chars().count();
    if n <= 120 {
        return format!("\"{src}\"");
    }
    let head: String = src.chars().take(80).collect();
    format!("\"{head}…\" ({n} characters)")
}

/// Characters of a long condition shown on each side of the part to blame.
const CARET_WINDOW: usize = 40;

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// A parsed `--where` condition.
#[derive(Clone, Debug, PartialEq)]
pub struct Condition {
    source: String,
    root: Node,
}

impl Condition {
    /// Parses `source`; errors carry the position of the offending token.
    pub fn parse(source: &str) -> Result<Condition, FilterError> {
        Ok(Condition {
            source: source.to_string(),
            root: parser::parse(source)?,
        })
    }

    pub fn source(&self) -> &str {
        &self.source
    }

    pub fn root(&self) -> &Node {
        &self.root
    }

    /// The polars filter expression for a table with this schema. Every column must exist and each comparison
    /// must be between compatible types (numbers with numbers, text with text; TRUE/FALSE compare with booleans,
    /// and with numbers as 1/0).
    pub fn to_expr(&self, schema: &Schema) -> Result<Expr, FilterError> {
        lower::lower(
            &self.root,
            &lower::Ctx {
                schema,
                src: &self.source,
            },
        )
    }
}

#[cfg(test)]
mod tests;
