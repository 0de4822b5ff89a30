//! From a parsed condition to a polars expression, checking columns and types against the table's schema first
//! (so the user sees "column \"horTh\" is text" rather than a polars message at collect time).

use super::error::FilterError;
use super::lexer::CmpOp;
use super::parser::{Node, Operand, OperandKind, Value};
use super::span::Span;
use polars::prelude::*;

/// Columns listed in an "unknown column" hint before the list is cut short.
const MAX_LISTED: usize = 40;

/// What lowering looks things up in.
pub struct Ctx<'a> {
    pub schema: &'a Schema,
    /// The condition's text (to tell how a name was quoted).
    pub src: &'a str,
}

pub fn lower(node: &Node, cx: &Ctx<'_>) -> Result<Expr, FilterError> {
    Ok(match node {
        Node::And(terms) => balanced(lower_all(terms, cx)?, |a, b| a.and(b)),
        Node::Or(terms) => balanced(lower_all(terms, cx)?, |a, b| a.or(b)),
        Node::Not(inner) => lower(inner, cx)?.not(),
        Node::Compare { left, op, right } => compare(left, *op, right, cx)?,
        Node::In {
            operand,
            list,
            negated,
        } => {
            // SQL: x IN (a, b) is x = a OR x = b, with the same three-valued logic.
            let eqs = list
                .iter()
                .map(|item| compare(operand, CmpOp::Eq, item, cx))
                .collect::<Result<Vec<_>, _>>()?;
            negate_if(balanced(eqs, |a, b| a.or(b)), *negated)
        }
        Node::Between {
            operand,
            low,
            high,
            negated,
        } => {
            let both = compare(operand, CmpOp::GtEq, low, cx)?.and(compare(
                operand,
                CmpOp::LtEq,
                high,
                cx,
            )?);
            negate_if(both, *negated)
        }
        Node::IsNull { operand, negated } => {
            let side = side(operand, cx)?;
            if !side.is_column {
                return Err(FilterError::syntax(
                    operand.span,
                    format!("{operand} IS NULL needs a column on the left"),
                ));
            }
            if *negated {
                side.expr.is_not_null()
            } else {
                side.expr.is_null()
            }
        }
        Node::Truth(operand) => {
            let side = side(operand, cx)?;
            match (side.kind, side.is_column) {
                (Kind::Bool, true) => side.expr,
                (Kind::Missing, true) => side.expr.cast(DataType::Boolean),
                (_, true) => {
                    return Err(FilterError::syntax(
                        operand.span,
                        format!(
                            "column {operand} is {}, not a condition: compare it with a value, e.g. {operand} = {}",
                            side.type_name,
                            if side.kind == Kind::Text { "'...'" } else { "1" }
                        ),
                    ))
                }
                (_, false) => {
                    return Err(FilterError::syntax(
                        operand.span,
                        format!("{operand} on its own is not a condition: compare a column with it"),
                    ))
                }
            }
        }
    })
}

fn lower_all(terms: &[Node], cx: &Ctx<'_>) -> Result<Vec<Expr>, FilterError> {
    terms.iter().map(|t| lower(t, cx)).collect()
}

fn negate_if(e: Expr, negated: bool) -> Expr {
    if negated {
        e.not()
    } else {
        e
    }
}

/// Combines terms pairwise so a long AND/OR chain (or a long IN list) makes a tree of logarithmic depth.
/// AND and OR are associative under SQL's three-valued logic, so the grouping does not change any result.
fn balanced(mut terms: Vec<Expr>, op: fn(Expr, Expr) -> Expr) -> Expr {
    while terms.len() > 1 {
        let mut next = Vec::with_capacity(terms.len().div_ceil(2));
        let mut it = terms.into_iter();
        while let Some(a) = it.next() {
            next.push(match it.next() {
                Some(b) => op(a, b),
                None => a,
            });
        }
        terms = next;
    }
    terms
        .pop()
        .expect("the parser never produces an empty AND/OR/IN")
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Number,
    Text,
    Bool,
    /// A column with no values at all (polars type `null`): compares with anything, always unknown.
    Missing,
}

/// One side of a comparison, typed.
struct Side {
    expr: Expr,
    kind: Kind,
    is_column: bool,
    /// "numeric (i64)", "text (str)", "a number", ...
    type_name: String,
}

fn side(operand: &Operand, cx: &Ctx<'_>) -> Result<Side, FilterError> {
    match &operand.kind {
        OperandKind::Column(name) => {
            let Some(dtype) = cx.schema.get(name.as_str()) else {
                return Err(unknown_column(name, operand.span, cx));
            };
            let (kind, expr) = match dtype {
                d if d.is_primitive_numeric() => (Kind::Number, col(name.as_str())),
                DataType::String => (Kind::Text, col(name.as_str())),
                // Factors read from Parquet/IPC: compare their labels.
                DataType::Categorical(..) | DataType::Enum(..) => {
                    (Kind::Text, col(name.as_str()).cast(DataType::String))
                }
                DataType::Boolean => (Kind::Bool, col(name.as_str())),
                DataType::Null => (Kind::Missing, col(name.as_str())),
                other => {
                    return Err(FilterError::syntax(
                        operand.span,
                        format!(
                            "column {operand} has type {other}, which --where cannot compare (it compares numbers, text and booleans)"
                        ),
                    ))
                }
            };
            let type_name = match kind {
                Kind::Number => format!("numeric ({dtype})"),
                Kind::Text => format!("text ({dtype})"),
                Kind::Bool => "boolean".into(),
                Kind::Missing => "empty".into(),
            };
            Ok(Side {
                expr,
                kind,
                is_column: true,
                type_name,
            })
        }
        OperandKind::Value(v) => {
            let (expr, kind, type_name) = match v {
                Value::Int(i) => (lit(*i), Kind::Number, "a number"),
                Value::Float(x) => (lit(*x), Kind::Number, "a number"),
                Value::Text(s) => (lit(s.clone()), Kind::Text, "text"),
                Value::Bool(b) => (lit(*b), Kind::Bool, "a boolean"),
            };
            Ok(Side {
                expr,
                kind,
                is_column: false,
                type_name: type_name.into(),
            })
        }
    }
}

fn compare(left: &Operand, op: CmpOp, right: &Operand, cx: &Ctx<'_>) -> Result<Expr, FilterError> {
    let both = Span::new(
        left.span.start.min(right.span.start),
        left.span.end.max(right.span.end),
    );
    let (mut l, mut r) = match (side(left, cx), side(right, cx)) {
        (Ok(l), Ok(r)) => (l, r),
        // `horTh = yes`: a bare word compared with a text column was most likely meant as text.
        (Ok(known), Err(mut e)) | (Err(mut e), Ok(known)) => {
            let word = if known.is_column && known.kind == Kind::Text {
                [left, right].into_iter().find_map(|o| match &o.kind {
                    OperandKind::Column(c) if Some(o.span) == e.span => Some(c),
                    _ => None,
                })
            } else {
                None
            };
            if let Some(w) = word {
                let quoted = format!("'{}'", w.replace('\'', "''"));
                if !e.hints.iter().any(|h| h.contains(&quoted)) {
                    e.hints
                        .insert(0, format!("a text value goes in single quotes: {quoted}"));
                }
            }
            return Err(e);
        }
        (Err(e), Err(_)) => return Err(e),
    };
    if !l.is_column && !r.is_column {
        return Err(FilterError::syntax(
            both,
            format!(
                "{left} {} {right} compares two values; one side must be a column",
                op.symbol()
            ),
        ));
    }
    match (l.kind, r.kind) {
        (a, b) if a == b || a == Kind::Missing || b == Kind::Missing => {}
        // TRUE/FALSE against numbers, and boolean columns against 0/1: as 1/0 (the way sigsurv reads booleans).
        (Kind::Bool, Kind::Number) => l.expr = l.expr.cast(DataType::Int32),
        (Kind::Number, Kind::Bool) => r.expr = r.expr.cast(DataType::Int32),
        _ => return Err(mismatch(left, &l, op, right, &r, both)),
    }
    if (l.kind == Kind::Bool && r.kind == Kind::Bool) && !matches!(op, CmpOp::Eq | CmpOp::NotEq) {
        return Err(FilterError::syntax(
            both,
            format!(
                "booleans can only be compared with = or !=, not {}",
                op.symbol()
            ),
        ));
    }
    let (a, b) = (l.expr, r.expr);
    Ok(match op {
        CmpOp::Eq => a.eq(b),
        CmpOp::NotEq => a.neq(b),
        CmpOp::Lt => a.lt(b),
        CmpOp::LtEq => a.lt_eq(b),
        CmpOp::Gt => a.gt(b),
        CmpOp::GtEq => a.gt_eq(b),
    })
}

fn mismatch(
    left: &Operand,
    l: &Side,
    op: CmpOp,
    right: &Operand,
    r: &Side,
    span: Span,
) -> FilterError {
    let (column, c, value, v) = if l.is_column {
        (left, l, right, r)
    } else {
        (right, r, left, l)
    };
    let message = if v.is_column {
        format!(
            "columns {column} ({}) and {value} ({}) cannot be compared",
            c.type_name, v.type_name
        )
    } else {
        format!(
            "column {column} is {}, but {value} is {}",
            c.type_name, v.type_name
        )
    };
    // The comparison as it should have been written, in the user's order.
    let fixed = |v: String| {
        if l.is_column {
            format!("{} {} {v}", as_written(column), op.symbol())
        } else {
            format!("{v} {} {}", op.symbol(), as_written(column))
        }
    };
    let mut hints = Vec::new();
    match (&c.kind, &value.kind) {
        (Kind::Text, OperandKind::Value(Value::Int(_) | Value::Float(_))) => {
            hints.push(format!(
                "text values go in single quotes: {}",
                fixed(format!("'{}'", &number_text(value)))
            ));
        }
        (Kind::Number, OperandKind::Value(Value::Text(s))) => {
            hints.push(match s.trim().parse::<f64>() {
                Ok(_) => format!(
                    "write numbers without quotes: {}",
                    fixed(s.trim().to_string())
                ),
                Err(_) => format!("compare {column} with a number, e.g. {}", fixed("1".into())),
            });
        }
        _ => {}
    }
    FilterError {
        message,
        span: Some(span),
        hints,
    }
}

/// A column name as the user would type it: bare when it can be, else in double quotes.
fn as_written(o: &Operand) -> String {
    match &o.kind {
        OperandKind::Column(c) => {
            let mut chars = c.chars();
            let bare = chars.next().is_some_and(|f| f.is_alphabetic() || f == '_')
                && chars.all(|ch| ch.is_alphanumeric() || ch == '_' || ch == '.')
                && super::lexer::Keyword::from_word(c).is_none();
            if bare {
                c.clone()
            } else {
                o.to_string()
            }
        }
        OperandKind::Value(v) => v.to_string(),
    }
}

/// A number as written in the condition (the literal's value, printed the way it parses back).
fn number_text(o: &Operand) -> String {
    match &o.kind {
        OperandKind::Value(Value::Float(x)) => format!("{x}"),
        _ => o.to_string(),
    }
}

fn unknown_column(name: &str, span: Span, cx: &Ctx<'_>) -> FilterError {
    let available: Vec<String> = cx.schema.iter_names().map(|n| n.to_string()).collect();
    let mut hints = Vec::new();
    if let Some(s) = crate::suggest::closest(name, &available) {
        hints.push(format!("did you mean \"{s}\"?"));
    }
    hints.push(if available.len() <= MAX_LISTED {
        format!("available columns: {}", available.join(", "))
    } else {
        format!(
            "available columns ({} in all): {}, ...",
            available.len(),
            available[..MAX_LISTED].join(", ")
        )
    });
    if cx.src[span.start..].starts_with('"') {
        hints.push(format!(
            "double quotes name a column; a text value goes in single quotes: '{name}'"
        ));
    }
    FilterError {
        message: format!("column \"{name}\" not found"),
        span: Some(span),
        hints,
    }
}
