//! `--where`: the SQL-style row condition, parsed by sigsurv itself and turned into a polars expression.
//!
//! Polars' own SQL front end (the `sql` feature) pulled sqlparser, polars-sql and polars-time into the build for
//! this one flag; the subset users write here is small. See `docs/cli.md` ("Filtering rows with --where") for the
//! grammar. Null semantics are SQL's: a comparison with a missing value is unknown, and rows whose condition is
//! unknown are dropped (so `x != 1` does not keep rows where `x` is missing; `x IS NULL` does).
//!
//! [`Condition::parse`] checks syntax only; [`Condition::to_expr`] checks the condition against the table's
//! schema (unknown columns, text compared with numbers) and builds the expression.

mod error;
mod lexer;
mod lower;
mod parser;
mod span;

pub use error::FilterError;
pub use lexer::CmpOp;
pub use parser::{Node, Operand, OperandKind, Value};
pub use span::Span;

use polars::prelude::{Expr, Schema};

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
