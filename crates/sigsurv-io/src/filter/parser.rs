//! Recursive-descent parser of a `--where` condition into a [`Node`] tree.
//!
//! Grammar (keywords case-insensitive), with SQL precedence NOT > AND > OR and comparisons binding tightest:
//!
//! ```text
//! condition := or
//! or        := and ("OR" and)*
//! and       := not ("AND" not)*
//! not       := "NOT" not | "(" condition ")" | predicate
//! predicate := operand ( cmp operand
//!                      | ["NOT"] "IN" "(" operand ("," operand)* ")"
//!                      | ["NOT"] "BETWEEN" operand "AND" operand
//!                      | "IS" ["NOT"] "NULL" )?
//! operand   := column | ["-" | "+"] number | 'text' | "TRUE" | "FALSE"
//! cmp       := "=" | "==" | "!=" | "<>" | "<" | "<=" | ">" | ">="
//! ```

use super::error::FilterError;
use super::lexer::{tokenize, CmpOp, Keyword, Tok, Token};
use super::span::Span;
use std::fmt;

/// Parentheses and NOTs nested deeper than this are refused (keeps recursion, here and in polars, bounded).
const MAX_DEPTH: usize = 64;

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Int(i64),
    Float(f64),
    Text(String),
    Bool(bool),
}

#[derive(Clone, Debug, PartialEq)]
pub enum OperandKind {
    Column(String),
    Value(Value),
}

/// A column or a constant, with where it was written.
#[derive(Clone, Debug, PartialEq)]
pub struct Operand {
    pub kind: OperandKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Node {
    And(Vec<Node>),
    Or(Vec<Node>),
    Not(Box<Node>),
    Compare {
        left: Operand,
        op: CmpOp,
        right: Operand,
    },
    /// `operand [NOT] IN (list)`.
    In {
        operand: Operand,
        list: Vec<Operand>,
        negated: bool,
    },
    /// `operand [NOT] BETWEEN low AND high` (both ends included).
    Between {
        operand: Operand,
        low: Operand,
        high: Operand,
        negated: bool,
    },
    /// `operand IS [NOT] NULL`.
    IsNull {
        operand: Operand,
        negated: bool,
    },
    /// An operand standing alone as a condition (a boolean column).
    Truth(Operand),
}

/// Parses a whole condition.
pub fn parse(src: &str) -> Result<Node, FilterError> {
    let tokens = tokenize(src)?;
    if tokens.len() == 1 {
        return Err(FilterError::syntax(
            Span::new(0, src.len()),
            "the condition is empty",
        ));
    }
    let mut p = Parser {
        tokens,
        pos: 0,
        depth: 0,
    };
    let node = p.or()?;
    match p.peek() {
        Tok::End => Ok(node),
        Tok::RParen => Err(p.error("unexpected \")\" without a matching \"(\"")),
        _ => Err(p.expected("AND, OR or the end of the condition")),
    }
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    depth: usize,
}

impl Parser {
    fn peek(&self) -> &Tok {
        &self.tokens[self.pos].tok
    }

    fn peek_at(&self, k: usize) -> &Tok {
        &self.tokens[(self.pos + k).min(self.tokens.len() - 1)].tok
    }

    fn span(&self) -> Span {
        self.tokens[self.pos].span
    }

    fn bump(&mut self) -> Token {
        let t = self.tokens[self.pos].clone();
        if self.pos + 1 < self.tokens.len() {
            self.pos += 1;
        }
        t
    }

    fn eat(&mut self, k: Keyword) -> bool {
        if self.peek() == &Tok::Keyword(k) {
            self.bump();
            true
        } else {
            false
        }
    }

    fn error(&self, message: impl Into<String>) -> FilterError {
        FilterError::syntax(self.span(), message)
    }

    fn expected(&self, what: &str) -> FilterError {
        if matches!(self.peek(), Tok::Minus | Tok::Plus | Tok::Arith(_)) {
            return self.arithmetic();
        }
        self.error(format!("expected {what}, found {}", self.peek().describe()))
    }

    fn arithmetic(&self) -> FilterError {
        self.error(
            "arithmetic (+ - * / %) is not supported in --where; a column name with a dash goes in double quotes: \"my-col\"",
        )
    }

    fn enter(&mut self) -> Result<(), FilterError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error(format!(
                "the condition nests parentheses or NOT more than {MAX_DEPTH} deep"
            )));
        }
        Ok(())
    }

    fn or(&mut self) -> Result<Node, FilterError> {
        let mut terms = vec![self.and()?];
        while self.eat(Keyword::Or) {
            terms.push(self.and()?);
        }
        Ok(if terms.len() == 1 {
            terms.pop().expect("one term")
        } else {
            Node::Or(terms)
        })
    }

    fn and(&mut self) -> Result<Node, FilterError> {
        let mut terms = vec![self.not()?];
        while self.eat(Keyword::And) {
            terms.push(self.not()?);
        }
        Ok(if terms.len() == 1 {
            terms.pop().expect("one term")
        } else {
            Node::And(terms)
        })
    }

    fn not(&mut self) -> Result<Node, FilterError> {
        if self.peek() == &Tok::Keyword(Keyword::Not) {
            self.bump();
            self.enter()?;
            let inner = self.not()?;
            self.depth -= 1;
            return Ok(Node::Not(Box::new(inner)));
        }
        if self.peek() == &Tok::LParen {
            let open = self.bump().span;
            self.enter()?;
            let inner = self.or()?;
            self.depth -= 1;
            if self.peek() != &Tok::RParen {
                let mut e = self.expected("\")\" or AND/OR");
                if self.peek() == &Tok::End {
                    e.message = format!("the \"(\" at position {} is never closed", open.start + 1);
                }
                return Err(e);
            }
            self.bump();
            return Ok(inner);
        }
        self.predicate()
    }

    fn predicate(&mut self) -> Result<Node, FilterError> {
        let operand = self.operand()?;
        match self.peek().clone() {
            Tok::Cmp(op) => {
                self.bump();
                let right = self.operand()?;
                Ok(Node::Compare {
                    left: operand,
                    op,
                    right,
                })
            }
            Tok::Keyword(Keyword::Is) => {
                self.bump();
                let negated = self.eat(Keyword::Not);
                if !self.eat(Keyword::Null) {
                    return Err(self.expected(if negated { "NULL" } else { "NULL or NOT NULL" }));
                }
                Ok(Node::IsNull { operand, negated })
            }
            Tok::Keyword(Keyword::Not)
                if matches!(
                    self.peek_at(1),
                    Tok::Keyword(Keyword::In) | Tok::Keyword(Keyword::Between)
                ) =>
            {
                self.bump();
                self.after_not(operand, true)
            }
            Tok::Keyword(Keyword::In) | Tok::Keyword(Keyword::Between) => {
                self.after_not(operand, false)
            }
            Tok::End | Tok::RParen | Tok::Keyword(Keyword::And) | Tok::Keyword(Keyword::Or) => {
                Ok(Node::Truth(operand))
            }
            Tok::Ident(w)
                if ["like", "ilike", "glob", "regexp", "similar"]
                    .iter()
                    .any(|k| w.eq_ignore_ascii_case(k)) =>
            {
                Err(self.error(format!(
                    "{} is not supported in --where; list the values with IN ('a', 'b', ...)",
                    w.to_uppercase()
                )))
            }
            _ => Err(self.expected(
                "a comparison (= != < <= > >=), IN, BETWEEN or IS NULL after the column or value",
            )),
        }
    }

    /// `IN (...)` or `BETWEEN a AND b`, the optional NOT already read.
    fn after_not(&mut self, operand: Operand, negated: bool) -> Result<Node, FilterError> {
        if self.eat(Keyword::Between) {
            let low = self.operand()?;
            if !self.eat(Keyword::And) {
                return Err(self.expected("AND (as in x BETWEEN 1 AND 5)"));
            }
            let high = self.operand()?;
            return Ok(Node::Between {
                operand,
                low,
                high,
                negated,
            });
        }
        self.bump(); // IN
        if self.peek() != &Tok::LParen {
            return Err(self.expected("\"(\" to open the list of values after IN"));
        }
        self.bump();
        let mut list = vec![self.operand()?];
        loop {
            match self.peek() {
                Tok::Comma => {
                    self.bump();
                    list.push(self.operand()?);
                }
                Tok::RParen => {
                    self.bump();
                    break;
                }
                _ => return Err(self.expected("\",\" or \")\" in the IN list")),
            }
        }
        Ok(Node::In {
            operand,
            list,
            negated,
        })
    }

    fn operand(&mut self) -> Result<Operand, FilterError> {
        let start = self.span();
        let kind =
            match self.peek().clone() {
                Tok::Ident(name) | Tok::Quoted(name) => OperandKind::Column(name),
                Tok::Text(s) => OperandKind::Value(Value::Text(s)),
                Tok::Keyword(Keyword::True) => OperandKind::Value(Value::Bool(true)),
                Tok::Keyword(Keyword::False) => OperandKind::Value(Value::Bool(false)),
                Tok::Number(s) => OperandKind::Value(number(&s, false, start)?),
                Tok::Minus | Tok::Plus => {
                    let negative = self.peek() == &Tok::Minus;
                    self.bump();
                    let Tok::Number(s) = self.peek().clone() else {
                        return Err(self.arithmetic());
                    };
                    let span = Span::new(start.start, self.span().end);
                    self.bump();
                    return Ok(Operand {
                        kind: OperandKind::Value(number(&s, negative, span)?),
                        span,
                    });
                }
                Tok::Keyword(Keyword::Null) => return Err(self.error(
                    "NULL is not a value to compare with: write \"x IS NULL\" or \"x IS NOT NULL\"",
                )),
                _ => return Err(self.expected("a column or a value")),
            };
        self.bump();
        Ok(Operand { kind, span: start })
    }
}

/// An integer if it is written without `.`/exponent and fits `i64` (as polars' SQL reader did), else a float.
fn number(digits: &str, negative: bool, span: Span) -> Result<Value, FilterError> {
    let signed = if negative {
        format!("-{digits}")
    } else {
        digits.to_string()
    };
    if !digits.contains(['.', 'e', 'E']) {
        if let Ok(i) = signed.parse::<i64>() {
            return Ok(Value::Int(i));
        }
    }
    match signed.parse::<f64>() {
        Ok(f) if f.is_finite() => Ok(Value::Float(f)),
        _ => Err(FilterError::syntax(
            span,
            format!("the number {signed} is out of range"),
        )),
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Int(i) => write!(f, "{i}"),
            Value::Float(x) => write!(f, "{x:?}"),
            Value::Text(s) => write!(f, "'{}'", s.replace('\'', "''")),
            Value::Bool(b) => write!(f, "{}", if *b { "TRUE" } else { "FALSE" }),
        }
    }
}

impl fmt::Display for Operand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            OperandKind::Column(c) => write!(f, "\"{}\"", c.replace('"', "\"\"")),
            OperandKind::Value(v) => write!(f, "{v}"),
        }
    }
}

/// Fully parenthesised, so tests can check precedence by comparing strings.
impl fmt::Display for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let join = |f: &mut fmt::Formatter<'_>, terms: &[Node], sep: &str| {
            write!(f, "(")?;
            for (i, t) in terms.iter().enumerate() {
                if i > 0 {
                    write!(f, " {sep} ")?;
                }
                write!(f, "{t}")?;
            }
            write!(f, ")")
        };
        match self {
            Node::And(t) => join(f, t, "AND"),
            Node::Or(t) => join(f, t, "OR"),
            Node::Not(n) => write!(f, "(NOT {n})"),
            Node::Compare { left, op, right } => write!(f, "({left} {} {right})", op.symbol()),
            Node::In {
                operand,
                list,
                negated,
            } => {
                let items: Vec<String> = list.iter().map(|o| o.to_string()).collect();
                let not = if *negated { "NOT " } else { "" };
                write!(f, "({operand} {not}IN ({}))", items.join(", "))
            }
            Node::Between {
                operand,
                low,
                high,
                negated,
            } => {
                let not = if *negated { "NOT " } else { "" };
                write!(f, "({operand} {not}BETWEEN {low} AND {high})")
            }
            Node::IsNull { operand, negated } => {
                let not = if *negated { "NOT " } else { "" };
                write!(f, "({operand} IS {not}NULL)")
            }
            Node::Truth(o) => write!(f, "{o}"),
        }
    }
}
