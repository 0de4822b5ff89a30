//! R model formulas for Cox and AFT regression, parsed without any data.
//!
//! Grammar (R's, for survival models; operators from loosest to tightest):
//! ```text
//! formula  = response "~" sum
//! sum      = product (("+" | "-") product)*          a + b, a - b (removing an absent term is silent)
//! product  = nesting (("*" | "/") nesting)*          a * b = a + b + a:b;  a / b = a + a:b
//! nesting  = inter ("%in%" inter)*                    b %in% a = b:a
//! inter    = power (":" power)*
//! power    = atom ["^" k]                             (a + b + c)^2: every term up to order k
//! atom     = "(" sum ")" | "1" | "0" | "." | term
//! response = "Surv(" col "," col ")" | "Surv(" col "," col "," col ")"      (time, event | start, stop, event)
//! term     = col | factor(col [, ref = v]) | relevel(factor(col), v) | strata(col, ...) | cluster(col)
//!          | I(expr) | log/log2/log10/log1p/exp/sqrt/abs/pmin/pmax(...) | ns(...) | bs(...) | poly(...) | pspline(...)
//! col      = name of letters, digits, '.', '_' (not starting with a digit), or `any text` in backticks
//! ```
//! Terms are ordered as R's `terms()` orders them (main effects, then two-way terms, ...). An error shows the
//! formula with a caret under the token to blame.

use crate::error::{CoreError, Result};
use crate::expr::{Expr, Func};
use sigsurv_rformat::format_r;

/// The left-hand side `Surv(...)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Response {
    /// `Surv(time, event)`: right-censored.
    Right { time: String, event: String },
    /// `Surv(start, stop, event)`: counting-process (start, stop] intervals.
    Counting {
        start: String,
        stop: String,
        event: String,
    },
}

/// One right-hand-side term.
#[derive(Debug, Clone, PartialEq)]
pub enum Term {
    /// A column entered as it is (a text column becomes a factor, as in R).
    Numeric(String),
    /// `log(col)`.
    Log(String),
    /// `factor(col)` with an optional reference level.
    Factor {
        column: String,
        reference: Option<String>,
    },
    /// `strata(col)`; several strata columns combine into one stratum per distinct combination.
    Strata(String),
    /// `cluster(col)`: robust variance grouped by this column.
    Cluster(String),
    /// `a:b` (also from `a*b`, `(a+b)^2`): the product of its variables (each `Numeric`, `Log` or `Factor`),
    /// listed in their order of first appearance in the formula, as R's `terms()` orders them.
    Interaction(Vec<Term>),
    /// `I(age / 10)`, `log2(x)`, `sqrt(x)`, `pmin(x, 10)`, `log(x + 1)`: a numeric expression of columns, named
    /// as R deparses it.
    Transform(Expr),
    /// `ns(x, df = 3)`, `bs(x, df = 4)`, `poly(x, 2)`: a spline or polynomial basis of one column.
    Basis(BasisSpec),
    /// `offset(expr)`: a known term of the linear predictor, its coefficient fixed at 1 (several offsets add up,
    /// as in R).
    Offset(Expr),
}

/// Which basis a [`Term::Basis`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BasisKind {
    /// `splines::ns`, the natural cubic spline.
    Ns,
    /// `splines::bs`, the B-spline of `degree`.
    Bs,
    /// `poly`, orthogonal polynomials.
    Poly,
    /// survival's `pspline`, a penalized B-spline (Cox models only).
    Pspline,
}

/// How a `pspline()` term's penalty is chosen: its arguments as R's `pspline(x, df, theta, nterm, eps)` takes
/// them.
#[derive(Debug, Clone, PartialEq)]
pub struct PsplineArgs {
    /// The degrees of freedom the penalty is tuned to (R's default 4).
    pub df: f64,
    /// A fixed penalty `theta` in (0, 1) instead of the df search (R's `method = "fixed"`).
    pub theta: Option<f64>,
    /// Intervals between the boundary knots: `round(2.5 * df)` unless given.
    pub nterm: usize,
    /// How close the df search must come to `df` (R's `eps = 0.1`).
    pub eps: f64,
}

/// A spline or polynomial term as written.
#[derive(Debug, Clone, PartialEq)]
pub struct BasisSpec {
    pub kind: BasisKind,
    pub column: String,
    pub df: Option<usize>,
    /// Interior knots; `None` places `df`'s knots at quantiles.
    pub knots: Option<Vec<f64>>,
    /// The degree of `bs` (3) and `poly`.
    pub degree: usize,
    pub boundary: Option<[f64; 2]>,
    /// The smoothing arguments of a `pspline()` term.
    pub pspline: Option<PsplineArgs>,
    /// The call as R deparses it, the prefix of its columns' names (`ns(age, df = 3)` → `ns(age, df = 3)1`).
    pub label: String,
}

impl Term {
    /// The variables of the term: itself, or an interaction's.
    pub fn variables(&self) -> &[Term] {
        match self {
            Term::Interaction(v) => v,
            other => std::slice::from_ref(other),
        }
    }

    /// The data columns a main-effect term reads.
    fn data_columns(&self) -> Vec<String> {
        match self {
            Term::Numeric(c) | Term::Log(c) | Term::Strata(c) | Term::Cluster(c) => vec![c.clone()],
            Term::Factor { column, .. } => vec![column.clone()],
            Term::Basis(b) => vec![b.column.clone()],
            Term::Transform(e) | Term::Offset(e) => e.columns(),
            Term::Interaction(_) => Vec::new(),
        }
    }
}

/// A parsed formula.
#[derive(Debug, Clone, PartialEq)]
pub struct Formula {
    pub response: Response,
    pub terms: Vec<Term>,
}

impl Formula {
    /// Every column the formula uses, response first, each once, in order of appearance.
    pub fn columns(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut push = |c: &String| {
            if !out.contains(c) {
                out.push(c.clone());
            }
        };
        match &self.response {
            Response::Right { time, event } => {
                push(time);
                push(event);
            }
            Response::Counting { start, stop, event } => {
                push(start);
                push(stop);
                push(event);
            }
        }
        for t in &self.terms {
            for v in t.variables() {
                for c in v.data_columns() {
                    push(&c);
                }
            }
        }
        out
    }
}

/// The smoothing of `pspline(x, ...)` from its arguments, with R's defaults and checks: df 4, nterm
/// `round(2.5 * df)`, eps 0.1; `theta` in (0, 1) fixes the penalty; df 0 (R's AIC search) is not supported.
fn pspline_args(given: &[(String, f64)]) -> std::result::Result<PsplineArgs, String> {
    let get = |k: &str| given.iter().rev().find(|(n, _)| n == k).map(|&(_, v)| v);
    let df = get("df").unwrap_or(4.0);
    let theta = get("theta");
    if let Some(t) = theta {
        if !(t > 0.0 && t < 1.0) {
            return Err(format!(
                "pspline(): theta = {} is invalid (it must be in (0, 1))",
                format_r(t)
            ));
        }
    } else if df == 0.0 {
        return Err("pspline(): df = 0 (the AIC choice of the penalty) is not supported; give df > 1 or theta".into());
    } else if df.is_nan() || df <= 1.0 {
        return Err(format!(
            "pspline(): too few degrees of freedom (df = {}, it must be > 1)",
            format_r(df)
        ));
    }
    let nterm = get("nterm").unwrap_or(2.5 * df);
    if theta.is_none() && df > nterm {
        return Err(format!(
            "pspline(): nterm = {} is too small for df = {}",
            format_r(nterm),
            format_r(df)
        ));
    }
    let nterm = crate::splines::round_half_even(nterm);
    if nterm.is_nan() || nterm < 3.0 {
        return Err("pspline(): too few basis functions (nterm must be at least 3)".into());
    }
    let eps = get("eps").unwrap_or(0.1);
    if eps.is_nan() || eps <= 0.0 {
        return Err("pspline(): eps must be > 0".into());
    }
    Ok(PsplineArgs {
        df,
        theta,
        nterm: nterm as usize,
        eps,
    })
}

/// Parses an R survival formula such as
/// `Surv(time, status) ~ age + factor(grade, ref = "2") + strata(cohort) + cluster(id) + log(x)`.
///
/// # Errors
/// [`CoreError::InvalidArgument`] naming what was expected and where.
#[doc(alias = "Surv")]
pub fn parse_formula(s: &str) -> Result<Formula> {
    parse(s, None)
}

/// [`parse_formula`] for a table with the columns `columns`: `.` stands for every column but the response's, as
/// in R (a column also in `strata()` or `cluster()` is then a covariate too: `. - id + cluster(id)`).
///
/// # Errors
/// As [`parse_formula`].
pub fn parse_formula_for(s: &str, columns: &[String]) -> Result<Formula> {
    parse(s, Some(columns))
}

fn parse(s: &str, columns: Option<&[String]>) -> Result<Formula> {
    let (toks, starts) = tokenize(s)?;
    let mut p = Parser {
        toks,
        starts,
        pos: 0,
        src: s,
        order: Vec::new(),
        dot: None,
    };
    let response = p.response()?;
    p.dot = columns.map(|all| {
        let used: Vec<&String> = match &response {
            Response::Right { time, event } => vec![time, event],
            Response::Counting { start, stop, event } => vec![start, stop, event],
        };
        all.iter().filter(|c| !used.contains(c)).cloned().collect()
    });
    p.expect(&Tok::Tilde)?;
    let sets = p.sum()?;
    if let Some(t) = p.peek() {
        return Err(p.err(&format!(
            "unexpected {} (terms are joined by + - * / : %in% and (...)^k)",
            t.show()
        )));
    }
    let terms = p.ordered_terms(sets)?;
    if terms
        .iter()
        .filter(|t| matches!(t, Term::Cluster(_)))
        .count()
        > 1
    {
        return Err(p.err("a formula cannot have more than one cluster() term"));
    }
    check_response(&response, &terms).map_err(|msg| p.err(&msg))?;
    Ok(Formula { response, terms })
}

/// A formula as echoed in messages: whole up to 120 characters, else its first 80 and how long it is (a
/// generated formula of 60 KB must not fill the terminal).
fn quote(src: &str) -> String {
    let n = src.chars().count();
    if n <= 120 {
        return format!("\"{src}\"");
    }
    let head: String = src.chars().take(80).collect();
    format!("\"{head}…\" ({n} characters)")
}

/// A response whose columns repeat (`Surv(time, time)`), or a response column among the covariates (`~ age +
/// time`): R fits both without a word (the second as a term that predicts the outcome perfectly), but neither is a
/// model anyone means.
fn check_response(response: &Response, terms: &[Term]) -> std::result::Result<(), String> {
    let columns: Vec<(&str, &String)> = match response {
        Response::Right { time, event } => vec![("time", time), ("event", event)],
        Response::Counting { start, stop, event } => {
            vec![("start", start), ("stop", stop), ("event", event)]
        }
    };
    for (i, (role, c)) in columns.iter().enumerate() {
        if let Some((other, _)) = columns[..i].iter().find(|(_, d)| d == c) {
            return Err(format!(
                "column \"{c}\" is both the {other} and the {role} of Surv(): name the {role} column, e.g. Surv(time, status)"
            ));
        }
    }
    for c in terms
        .iter()
        .flat_map(|t| t.variables())
        .flat_map(Term::data_columns)
    {
        if let Some((role, _)) = columns.iter().find(|(_, d)| **d == c) {
            return Err(format!(
                "column \"{c}\" is the {role} of Surv() and cannot also be a term on the right of ~"
            ));
        }
    }
    Ok(())
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Str(String),
    LParen,
    RParen,
    Comma,
    Tilde,
    Plus,
    Eq,
    Other(char),
}

impl Tok {
    fn show(&self) -> String {
        match self {
            Tok::Ident(s) => format!("'{s}'"),
            Tok::Str(s) => format!("\"{s}\""),
            Tok::LParen => "'('".into(),
            Tok::RParen => "')'".into(),
            Tok::Comma => "','".into(),
            Tok::Tilde => "'~'".into(),
            Tok::Plus => "'+'".into(),
            Tok::Eq => "'='".into(),
            Tok::Other(c) => format!("'{c}'"),
        }
    }
}

/// The tokens of `s` and the character offset where each starts (for the caret under an error).
fn tokenize(s: &str) -> Result<(Vec<Tok>, Vec<usize>)> {
    let mut out = Vec::new();
    let mut starts = Vec::new();
    let total = s.chars().count();
    let mut chars = s.chars().peekable();
    let offset = |chars: &std::iter::Peekable<std::str::Chars>| total - chars.clone().count();
    while let Some(&c) = chars.peek() {
        if !c.is_whitespace() {
            starts.push(offset(&chars));
        }
        match c {
            c if c.is_whitespace() => {
                chars.next();
            }
            '(' | ')' | ',' | '~' | '+' | '=' => {
                chars.next();
                out.push(match c {
                    '(' => Tok::LParen,
                    ')' => Tok::RParen,
                    ',' => Tok::Comma,
                    '~' => Tok::Tilde,
                    '+' => Tok::Plus,
                    _ => Tok::Eq,
                });
            }
            '"' | '\'' | '`' => {
                chars.next();
                let mut v = String::new();
                loop {
                    match chars.next() {
                        Some(d) if d == c => break,
                        Some(d) => v.push(d),
                        None => {
                            return Err(CoreError::InvalidArgument(format!(
                                "formula: unterminated {c}{v} in \"{s}\""
                            )))
                        }
                    }
                }
                out.push(if c == '`' { Tok::Ident(v) } else { Tok::Str(v) });
            }
            c if c.is_alphanumeric()
                || c == '.'
                || c == '_'
                || c == '-' && matches!(out.last(), Some(Tok::Eq | Tok::Comma)) =>
            {
                let mut v = String::new();
                while let Some(&d) = chars.peek() {
                    if d.is_alphanumeric() || d == '.' || d == '_' || (d == '-' && v.is_empty()) {
                        v.push(d);
                        chars.next();
                    } else {
                        break;
                    }
                }
                out.push(Tok::Ident(v));
            }
            other => {
                chars.next();
                out.push(Tok::Other(other));
            }
        }
    }
    Ok((out, starts))
}

struct Parser<'a> {
    toks: Vec<Tok>,
    /// The character offset of each token in `src`.
    starts: Vec<usize>,
    pos: usize,
    src: &'a str,
    /// Variables in their order of first appearance (the order of an interaction's variables).
    order: Vec<Term>,
    /// What `.` stands for: every column of the table but the response's (`None`: no table known).
    dot: Option<Vec<String>>,
}

/// A term while parsing: its variables (none for the intercept `1`/`0`).
type TermSet = Vec<Term>;

/// The union of two terms' variables (a term's variables as a set: `a:a` is `a`).
fn cross(a: &TermSet, b: &TermSet) -> TermSet {
    let mut out = a.clone();
    for v in b {
        if !out.contains(v) {
            out.push(v.clone());
        }
    }
    out
}

/// Every term of `left` crossed with every term of `right`, each once (`a:b`, `a %in% b`).
fn cross_all(left: &[TermSet], right: &[TermSet]) -> Vec<TermSet> {
    let mut crossed = Vec::new();
    union_into(
        &mut crossed,
        left.iter()
            .flat_map(|a| right.iter().map(move |b| cross(a, b)))
            .collect(),
    );
    crossed
}

fn same_term(a: &TermSet, b: &TermSet) -> bool {
    a.len() == b.len() && a.iter().all(|v| b.contains(v))
}

/// Adds the terms of `more` not already in `into` (R: a term appears once).
fn union_into(into: &mut Vec<TermSet>, more: Vec<TermSet>) {
    for t in more {
        if !into.iter().any(|x| same_term(x, &t)) {
            into.push(t);
        }
    }
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }

    /// An error at the current token: the message, then (for a formula short enough to show whole) the formula
    /// with a caret under that token.
    fn err(&self, msg: &str) -> CoreError {
        let n = self.src.chars().count();
        let mut text = format!("formula {}: {msg}", quote(self.src));
        if n <= 120 && !self.src.contains('\n') {
            let at = self.starts.get(self.pos).copied().unwrap_or(n);
            text.push_str(&format!("\n    {}\n    {}^", self.src, " ".repeat(at)));
        }
        CoreError::InvalidArgument(text)
    }

    fn expect(&mut self, t: &Tok) -> Result<()> {
        match self.peek() {
            Some(x) if x == t => {
                self.pos += 1;
                Ok(())
            }
            Some(x) => Err(self.err(&format!("expected {} but found {}", t.show(), x.show()))),
            None => Err(self.err(&format!("expected {} at the end", t.show()))),
        }
    }

    fn ident(&mut self) -> Result<String> {
        match self.peek().cloned() {
            Some(Tok::Ident(s)) => {
                self.pos += 1;
                Ok(s)
            }
            Some(x) => Err(self.err(&format!("expected a column name but found {}", x.show()))),
            None => Err(self.err("expected a column name at the end")),
        }
    }

    fn column(&mut self) -> Result<String> {
        let c = self.ident()?;
        if c.starts_with(|ch: char| ch.is_ascii_digit()) {
            return Err(self.err(&format!(
                "'{c}' is not a column name (quote it in backticks if it is)"
            )));
        }
        Ok(c)
    }

    /// A level value: quoted text, or a bare word / number.
    fn value(&mut self) -> Result<String> {
        match self.peek().cloned() {
            Some(Tok::Ident(s)) | Some(Tok::Str(s)) => {
                self.pos += 1;
                Ok(s)
            }
            Some(x) => Err(self.err(&format!("expected a level but found {}", x.show()))),
            None => Err(self.err("expected a level at the end")),
        }
    }

    fn call_args(&mut self) -> Result<Vec<String>> {
        self.expect(&Tok::LParen)?;
        let mut args = vec![self.column()?];
        while self.peek() == Some(&Tok::Comma) {
            self.pos += 1;
            args.push(self.column()?);
        }
        self.expect(&Tok::RParen)?;
        Ok(args)
    }

    fn response(&mut self) -> Result<Response> {
        let head = self.ident()?;
        if head != "Surv" {
            return Err(self.err(&format!(
                "the response must be Surv(time, event) or Surv(start, stop, event), not {head}"
            )));
        }
        let args = self.call_args()?;
        match args.as_slice() {
            [t, e] => Ok(Response::Right {
                time: t.clone(),
                event: e.clone(),
            }),
            [a, b, e] => Ok(Response::Counting {
                start: a.clone(),
                stop: b.clone(),
                event: e.clone(),
            }),
            _ => Err(self.err("Surv() takes 2 columns (time, event) or 3 (start, stop, event)")),
        }
    }

    /// `, ref = value` or `, value` before the closing parenthesis.
    fn reference(&mut self) -> Result<String> {
        self.expect(&Tok::Comma)?;
        if let (Some(Tok::Ident(k)), Some(Tok::Eq)) = (
            self.toks.get(self.pos).cloned(),
            self.toks.get(self.pos + 1),
        ) {
            if k != "ref" {
                return Err(self.err(&format!("unknown argument {k} (only ref = level)")));
            }
            self.pos += 2;
        }
        self.value()
    }

    /// The tokens of a call from its name to its closing parenthesis, written back as text (for the
    /// expression parser).
    fn call_text(&mut self, name: &str) -> Result<String> {
        let mut text = name.to_string();
        let mut depth = 0usize;
        loop {
            let t = self
                .peek()
                .cloned()
                .ok_or_else(|| self.err(&format!("{name}( is not closed")))?;
            self.pos += 1;
            match &t {
                Tok::LParen => depth += 1,
                Tok::RParen => depth = depth.saturating_sub(1),
                _ => {}
            }
            text.push_str(&match t {
                Tok::Ident(s)
                    if s.chars()
                        .all(|c| c.is_alphanumeric() || c == '.' || c == '_' || c == '-') =>
                {
                    s
                }
                Tok::Ident(s) => format!("`{s}`"),
                Tok::Str(s) => format!("\"{s}\""),
                Tok::LParen => "(".into(),
                Tok::RParen => ")".into(),
                Tok::Comma => ", ".into(),
                Tok::Tilde => "~".into(),
                Tok::Plus => " + ".into(),
                Tok::Eq => "=".into(),
                Tok::Other(c) => c.to_string(),
            });
            if depth == 0 {
                return Ok(text);
            }
        }
    }

    /// `ns(x, df = 3, knots = c(40, 60), Boundary.knots = c(20, 80))`, `bs(x, df = 4, degree = 2)`,
    /// `poly(x, 2)`.
    fn basis(&mut self, kind: BasisKind, name: &str) -> Result<Term> {
        self.expect(&Tok::LParen)?;
        let column = self.column()?;
        let mut spec = BasisSpec {
            kind,
            column: column.clone(),
            df: None,
            knots: None,
            degree: if kind == BasisKind::Poly { 1 } else { 3 },
            boundary: None,
            pspline: None,
            label: String::new(),
        };
        let mut written = vec![column.clone()];
        let mut smoothing: Vec<(String, f64)> = Vec::new();
        let mut positional = 0;
        while self.peek() == Some(&Tok::Comma) {
            self.pos += 1;
            let named = match (
                self.toks.get(self.pos).cloned(),
                self.toks.get(self.pos + 1),
            ) {
                (Some(Tok::Ident(k)), Some(Tok::Eq)) => {
                    self.pos += 2;
                    Some(k)
                }
                _ => None,
            };
            let key = match &named {
                Some(k) => k.clone(),
                None => {
                    positional += 1;
                    match (kind, positional) {
                        (BasisKind::Poly, 1) => "degree".to_string(),
                        (_, 1) => "df".to_string(),
                        _ => {
                            return Err(self.err(&format!(
                                "{name}(): name the arguments after the second, e.g. df = 3"
                            )))
                        }
                    }
                }
            };
            const PSPLINE_ARGS: [&str; 6] =
                ["df", "theta", "nterm", "degree", "eps", "Boundary.knots"];
            if kind == BasisKind::Pspline && !PSPLINE_ARGS.contains(&key.as_str()) {
                return Err(self.err(&format!(
                    "pspline(): argument {key} is not supported (supported: {})",
                    PSPLINE_ARGS.join(", ")
                )));
            }
            let values = self.numbers()?;
            let whole = |p: &Self, what: &str| -> Result<usize> {
                match values.as_slice() {
                    [v] if *v >= 1.0 && v.fract() == 0.0 => Ok(*v as usize),
                    _ => Err(p.err(&format!("{name}(): {what} must be a whole number >= 1"))),
                }
            };
            match (kind, key.as_str()) {
                (BasisKind::Ns | BasisKind::Bs, "df") => spec.df = Some(whole(self, "df")?),
                (BasisKind::Poly | BasisKind::Bs | BasisKind::Pspline, "degree") => {
                    spec.degree = whole(self, "degree")?
                }
                (BasisKind::Ns | BasisKind::Bs, "knots") => spec.knots = Some(values.clone()),
                (BasisKind::Pspline, "df" | "theta" | "nterm" | "eps") => match values.as_slice() {
                    [v] => smoothing.push((key.clone(), *v)),
                    _ => return Err(self.err(&format!("pspline(): {key} takes one number"))),
                },
                (_, "Boundary.knots") => match values.as_slice() {
                    [a, b] => spec.boundary = Some([*a, *b]),
                    _ => {
                        return Err(self.err(&format!(
                            "{name}(): Boundary.knots takes two numbers, c(lo, hi)"
                        )))
                    }
                },
                (_, other) => {
                    return Err(self.err(&format!(
                        "{name}(): argument {other} is not supported (supported: {})",
                        match kind {
                            BasisKind::Ns => "df, knots, Boundary.knots",
                            BasisKind::Bs => "df, knots, degree, Boundary.knots",
                            BasisKind::Poly => "degree",
                            BasisKind::Pspline => "df, theta, nterm, degree, eps, Boundary.knots",
                        }
                    )))
                }
            }
            let shown = if values.len() == 1 {
                format_r(values[0])
            } else {
                format!(
                    "c({})",
                    values
                        .iter()
                        .map(|v| format_r(*v))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            // R deparses the call as written: a positional argument without a name.
            written.push(match named {
                Some(k) => format!("{k} = {shown}"),
                None => shown,
            });
        }
        self.expect(&Tok::RParen)?;
        spec.label = format!("{name}({})", written.join(", "));
        if kind == BasisKind::Pspline {
            spec.pspline = Some(pspline_args(&smoothing).map_err(|e| self.err(&e))?);
        }
        Ok(Term::Basis(spec))
    }

    /// A number, or `c(a, b, ...)`.
    fn numbers(&mut self) -> Result<Vec<f64>> {
        fn number(p: &mut Parser) -> Result<f64> {
            match p.peek().cloned() {
                Some(Tok::Ident(s)) => {
                    p.pos += 1;
                    s.parse::<f64>()
                        .map_err(|_| p.err(&format!("expected a number but found '{s}'")))
                }
                Some(x) => Err(p.err(&format!("expected a number but found {}", x.show()))),
                None => Err(p.err("expected a number at the end")),
            }
        }
        if matches!(self.peek(), Some(Tok::Ident(s)) if s == "c")
            && self.toks.get(self.pos + 1) == Some(&Tok::LParen)
        {
            self.pos += 2;
            let mut out = vec![number(self)?];
            while self.peek() == Some(&Tok::Comma) {
                self.pos += 1;
                out.push(number(self)?);
            }
            self.expect(&Tok::RParen)?;
            return Ok(out);
        }
        Ok(vec![number(self)?])
    }

    fn term(&mut self) -> Result<Term> {
        let name = self.column()?;
        if self.peek() != Some(&Tok::LParen) {
            return Ok(Term::Numeric(name));
        }
        // `log(x)` of a column stays the plain log term; `log(x + 1)`, `log(x, 2)` are expressions.
        let plain_log = name == "log"
            && matches!(self.toks.get(self.pos + 1), Some(Tok::Ident(_)))
            && self.toks.get(self.pos + 2) == Some(&Tok::RParen);
        if !plain_log && Func::from_name(&name).is_some() {
            let text = self.call_text(&name)?;
            let e = Expr::parse(&text).map_err(|e| self.err(&e.to_string()))?;
            return Ok(Term::Transform(e));
        }
        match name.as_str() {
            "ns" => return self.basis(BasisKind::Ns, "ns"),
            "bs" => return self.basis(BasisKind::Bs, "bs"),
            "poly" => return self.basis(BasisKind::Poly, "poly"),
            "pspline" => return self.basis(BasisKind::Pspline, "pspline"),
            _ => {}
        }
        if name == "offset" {
            let text = self.call_text(&name)?;
            let inner = &text["offset(".len()..text.len() - 1];
            let e = Expr::parse(inner).map_err(|e| self.err(&e.to_string()))?;
            return Ok(Term::Offset(e));
        }
        match name.as_str() {
            "log" => Ok(Term::Log(self.single()?)),
            "cluster" => Ok(Term::Cluster(self.single()?)),
            "strata" => {
                let args = self.call_args()?;
                // strata(a, b) is one stratum per (a, b) combination: the same as strata(a) + strata(b).
                let mut it = args.into_iter().map(Term::Strata).collect::<Vec<_>>();
                let first = it.remove(0);
                self.pending_strata(it);
                Ok(first)
            }
            "factor" | "as.factor" => {
                self.expect(&Tok::LParen)?;
                let column = self.column()?;
                let reference = if self.peek() == Some(&Tok::Comma) {
                    Some(self.reference()?)
                } else {
                    None
                };
                self.expect(&Tok::RParen)?;
                Ok(Term::Factor { column, reference })
            }
            "relevel" => {
                self.expect(&Tok::LParen)?;
                let inner = self.column()?;
                let column = if self.peek() == Some(&Tok::LParen) {
                    if inner != "factor" && inner != "as.factor" {
                        return Err(self.err(&format!(
                            "relevel() takes a column or factor(column), not {inner}()"
                        )));
                    }
                    self.single()?
                } else {
                    inner
                };
                let reference = Some(self.reference()?);
                self.expect(&Tok::RParen)?;
                Ok(Term::Factor { column, reference })
            }
            other => Err(self.err(&format!(
                "unsupported function {other}() (supported: factor, relevel, strata, cluster, offset, ns, bs, poly, pspline, I, \
                 log, log2, log10, log1p, exp, sqrt, abs, pmin, pmax)"
            ))),
        }
    }

    /// `a + b - c`: terms added and removed, left to right (removing an absent term is silent, as R).
    fn sum(&mut self) -> Result<Vec<TermSet>> {
        let mut terms = self.product()?;
        loop {
            match self.peek() {
                Some(Tok::Plus) => {
                    self.pos += 1;
                    let more = self.product()?;
                    union_into(&mut terms, more);
                }
                Some(Tok::Other('-')) => {
                    self.pos += 1;
                    let less = self.product()?;
                    terms.retain(|t| !less.iter().any(|l| same_term(l, t)));
                }
                _ => return Ok(terms),
            }
        }
    }

    /// `a * b` = `a + b + a:b`; `a / b` = `a + a:b` (b nested in a: R's `%in%`), where `a:b` joins every variable
    /// of the left side with each term of the right, as R's `terms()` expands `(a + b) / c` to `a + b + a:b:c`.
    fn product(&mut self) -> Result<Vec<TermSet>> {
        let mut terms = self.nesting()?;
        while let Some(Tok::Other(op @ ('*' | '/'))) = self.peek().cloned() {
            self.pos += 1;
            let right = self.nesting()?;
            if op == '/' {
                let mut all: TermSet = Vec::new();
                for t in &terms {
                    all = cross(&all, t);
                }
                let nested: Vec<TermSet> = right.iter().map(|b| cross(&all, b)).collect();
                union_into(&mut terms, nested);
                continue;
            }
            let mut both = terms.clone();
            union_into(&mut both, right.clone());
            let crossed: Vec<TermSet> = terms
                .iter()
                .flat_map(|a| right.iter().map(move |b| cross(a, b)))
                .collect();
            union_into(&mut both, crossed);
            terms = both;
        }
        Ok(terms)
    }

    /// `a %in% b`: the term `a:b` (R's `terms()` writes it so), binding tighter than `*` and `/`, looser than `:`.
    fn nesting(&mut self) -> Result<Vec<TermSet>> {
        let mut terms = self.interaction()?;
        while self.peek() == Some(&Tok::Other('%'))
            && matches!(self.toks.get(self.pos + 1), Some(Tok::Ident(w)) if w == "in")
            && self.toks.get(self.pos + 2) == Some(&Tok::Other('%'))
        {
            self.pos += 3;
            let right = self.interaction()?;
            terms = cross_all(&terms, &right);
        }
        Ok(terms)
    }

    /// `a:b`: every term of the left with every term of the right.
    fn interaction(&mut self) -> Result<Vec<TermSet>> {
        let mut terms = self.power()?;
        while self.peek() == Some(&Tok::Other(':')) {
            self.pos += 1;
            let right = self.power()?;
            terms = cross_all(&terms, &right);
        }
        Ok(terms)
    }

    /// `(a + b + c)^k`: the terms and their interactions up to order k.
    fn power(&mut self) -> Result<Vec<TermSet>> {
        let base = self.atom()?;
        if self.peek() != Some(&Tok::Other('^')) {
            return Ok(base);
        }
        self.pos += 1;
        let k: usize = match self.peek().cloned() {
            Some(Tok::Ident(s)) => {
                s.parse().ok().filter(|k| *k >= 1).ok_or_else(|| {
                    self.err(&format!("^{s}: the power must be a whole number >= 1"))
                })?
            }
            _ => return Err(self.err("^ must be followed by a whole number, e.g. (a + b + c)^2")),
        };
        self.pos += 1;
        let mut terms = base.clone();
        for _ in 1..k {
            let crossed: Vec<TermSet> = terms
                .iter()
                .flat_map(|a| base.iter().map(move |b| cross(a, b)))
                .collect();
            union_into(&mut terms, crossed);
        }
        Ok(terms)
    }

    /// A term, `(...)`, or the intercept `1` / `0` (survival models have no free intercept: `~ 1` is the null
    /// model, and `+ 0`, `- 1` change nothing).
    fn atom(&mut self) -> Result<Vec<TermSet>> {
        match self.peek() {
            Some(Tok::LParen) => {
                self.pos += 1;
                let inner = self.sum()?;
                self.expect(&Tok::RParen)?;
                Ok(inner)
            }
            Some(Tok::Ident(s)) if s == "1" || s == "0" => {
                self.pos += 1;
                Ok(vec![Vec::new()])
            }
            Some(Tok::Ident(s)) if s == "." => {
                self.pos += 1;
                let Some(columns) = self.dot.clone() else {
                    return Err(self.err("'.' (every other column) needs the table's columns"));
                };
                Ok(columns
                    .into_iter()
                    .map(|c| {
                        let t = Term::Numeric(c);
                        if !self.order.contains(&t) {
                            self.order.push(t.clone());
                        }
                        vec![t]
                    })
                    .collect())
            }
            _ => {
                let t = self.term()?;
                if !self.order.contains(&t) {
                    self.order.push(t.clone());
                }
                Ok(vec![vec![t]])
            }
        }
    }

    /// The parsed terms as the formula lists them: intercept markers dropped, interactions' variables in order
    /// of first appearance, main effects first, then two-way interactions, and so on (R's `terms()` order).
    fn ordered_terms(&self, sets: Vec<TermSet>) -> Result<Vec<Term>> {
        let mut sets: Vec<TermSet> = sets.into_iter().filter(|s| !s.is_empty()).collect();
        sets.sort_by_key(|s| s.len());
        let mut terms = sets
            .into_iter()
            .map(|mut s| {
                if s.len() == 1 {
                    return Ok(s.remove(0));
                }
                if let Some(Term::Cluster(c)) = s.iter().find(|v| matches!(v, Term::Cluster(_))) {
                    return Err(self.err(&format!("cluster({c}) cannot be part of an interaction")));
                }
                if let Some(Term::Offset(e)) = s.iter().find(|v| matches!(v, Term::Offset(_))) {
                    return Err(self.err(&format!(
                        "offset({}) cannot be part of an interaction: write the product inside offset()",
                        e.deparse()
                    )));
                }
                if s.iter().filter(|v| matches!(v, Term::Strata(_))).count() > 1 {
                    return Err(self.err(
                        "an interaction can hold one strata() column (strata(a, b):x is not supported)",
                    ));
                }
                s.sort_by_key(|v| self.order.iter().position(|o| o == v));
                Ok(Term::Interaction(s))
            })
            .collect::<Result<Vec<Term>>>()?;
        // `strata(a):x` stratifies the model by a, as coxph does, whether or not strata(a) is written too.
        let implied: Vec<Term> = terms
            .iter()
            .flat_map(|t| match t {
                Term::Interaction(vs) => vs.clone(),
                _ => Vec::new(),
            })
            .filter(|v| matches!(v, Term::Strata(_)))
            .collect();
        for s in implied {
            if !terms.contains(&s) {
                terms.push(s);
            }
        }
        Ok(terms)
    }

    fn single(&mut self) -> Result<String> {
        self.expect(&Tok::LParen)?;
        let c = self.column()?;
        self.expect(&Tok::RParen)?;
        Ok(c)
    }

    /// Re-inserts extra `strata(a, b, ...)` columns as `+ strata(b)` tokens so they parse as terms.
    fn pending_strata(&mut self, extra: Vec<Term>) {
        let mut ins = Vec::new();
        for t in extra {
            if let Term::Strata(c) = t {
                ins.extend([
                    Tok::Plus,
                    Tok::Ident("strata".into()),
                    Tok::LParen,
                    Tok::Ident(c),
                    Tok::RParen,
                ]);
            }
        }
        // The inserted tokens point where the strata() call ends (any error about them is there).
        let at = self
            .starts
            .get(self.pos)
            .copied()
            .unwrap_or(self.src.chars().count());
        let tail = self.toks.split_off(self.pos);
        let tail_starts = self.starts.split_off(self.pos.min(self.starts.len()));
        self.starts.extend(std::iter::repeat_n(at, ins.len()));
        self.toks.extend(ins);
        self.toks.extend(tail);
        self.starts.extend(tail_starts);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_formula_is_echoed_once_and_short() {
        let long = format!("Surv(time, status) ~ {} -", vec!["x"; 30_000].join(" + "));
        let e = parse_formula(&long).unwrap_err().to_string();
        let n = long.chars().count();
        assert!(
            e.len() < 300 && e.contains(&format!("({n} characters)")),
            "{e}"
        );
    }

    #[test]
    fn an_error_has_a_caret_under_the_problem() {
        let e = parse_formula("Surv(time, status) ~ age * * er")
            .unwrap_err()
            .to_string();
        let lines: Vec<&str> = e.lines().collect();
        assert_eq!(lines[1], "    Surv(time, status) ~ age * * er", "{e}");
        assert_eq!(lines[2], format!("    {}^", " ".repeat(27)), "{e}");
        // At the end when the formula stops too early.
        let e = parse_formula("Surv(time, status) ~ age +")
            .unwrap_err()
            .to_string();
        assert!(e.ends_with(&format!("    {}^", " ".repeat(26))), "{e}");
        // A long formula is not repeated.
        let long = format!("Surv(time, status) ~ {} -", vec!["x"; 100].join(" + "));
        assert_eq!(
            parse_formula(&long)
                .unwrap_err()
                .to_string()
                .lines()
                .count(),
            1
        );
    }

    #[test]
    fn nesting_expands_as_r() {
        let f = parse_formula("Surv(t, e) ~ (a + b) / c + d %in% g").unwrap();
        let names: Vec<usize> = f.terms.iter().map(|t| t.variables().len()).collect();
        // a, b, d:g, a:b:c (R: terms(~ (a + b)/c + d %in% g) orders by degree).
        assert_eq!(names, vec![1, 1, 2, 3], "{:?}", f.terms);
    }

    #[test]
    fn the_response_is_not_a_covariate_nor_twice_in_surv() {
        let e = parse_formula("Surv(time, time) ~ age")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("\"time\" is both the time and the event of Surv()"),
            "{e}"
        );
        let e = parse_formula("Surv(time, status) ~ age + time")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("\"time\" is the time of Surv() and cannot also be a term"),
            "{e}"
        );
        let e = parse_formula("Surv(a, b, status) ~ strata(status)")
            .unwrap_err()
            .to_string();
        assert!(e.contains("\"status\" is the event of Surv()"), "{e}");
        assert!(parse_formula("Surv(time, status) ~ age").is_ok());
    }

    #[test]
    fn parses_full_formula() {
        let f = parse_formula(
            "Surv(time, status) ~ age + factor(grade, ref = \"2\") + er + strata(cohort) + cluster(id) + log(x)",
        )
        .unwrap();
        assert_eq!(
            f.response,
            Response::Right {
                time: "time".into(),
                event: "status".into()
            }
        );
        assert_eq!(
            f.terms,
            vec![
                Term::Numeric("age".into()),
                Term::Factor {
                    column: "grade".into(),
                    reference: Some("2".into())
                },
                Term::Numeric("er".into()),
                Term::Strata("cohort".into()),
                Term::Cluster("id".into()),
                Term::Log("x".into()),
            ]
        );
        assert_eq!(
            f.columns(),
            ["time", "status", "age", "grade", "er", "cohort", "id", "x"]
        );
    }

    #[test]
    fn parses_counting_relevel_and_multi_strata() {
        let f = parse_formula(
            "Surv(start, stop, event) ~ relevel(factor(cell), ref = 'large') + strata(a, b)",
        )
        .unwrap();
        assert!(matches!(f.response, Response::Counting { .. }));
        assert_eq!(
            f.terms,
            vec![
                Term::Factor {
                    column: "cell".into(),
                    reference: Some("large".into())
                },
                Term::Strata("a".into()),
                Term::Strata("b".into()),
            ]
        );
        let f = parse_formula("Surv(t, e) ~ factor(g, -1) + `odd name`").unwrap();
        assert_eq!(
            f.terms[0],
            Term::Factor {
                column: "g".into(),
                reference: Some("-1".into())
            }
        );
        assert_eq!(f.terms[1], Term::Numeric("odd name".into()));
    }

    #[test]
    fn intercept_marker_is_the_null_model() {
        assert!(parse_formula("Surv(t, e) ~ 1").unwrap().terms.is_empty());
        let f = parse_formula("Surv(t, e) ~ 1 + strata(g)").unwrap();
        assert_eq!(f.terms, vec![Term::Strata("g".into())]);
        let f = parse_formula("Surv(t, e) ~ age + 0").unwrap();
        assert_eq!(f.terms, vec![Term::Numeric("age".into())]);
    }

    #[test]
    fn one_is_the_intercept_alone() {
        let f = parse_formula("Surv(time, status) ~ 1").unwrap();
        assert!(f.terms.is_empty());
        assert_eq!(f.columns(), ["time", "status"]);
        let f = parse_formula("Surv(time, status) ~ 1 + age + strata(sex)").unwrap();
        assert_eq!(
            f.terms,
            vec![Term::Numeric("age".into()), Term::Strata("sex".into())]
        );
        let f = parse_formula("Surv(time, status) ~ age + 1").unwrap();
        assert_eq!(f.terms, vec![Term::Numeric("age".into())]);
    }

    #[test]
    fn interactions_expand_as_r_terms() {
        let f =
            parse_formula("Surv(t, e) ~ b + a * factor(g) - b + (x + y + z)^2 + a + 0").unwrap();
        let labels: Vec<String> = f
            .terms
            .iter()
            .map(|t| {
                t.variables()
                    .iter()
                    .map(|v| match v {
                        Term::Numeric(c) => c.clone(),
                        Term::Factor { column, .. } => format!("factor({column})"),
                        other => format!("{other:?}"),
                    })
                    .collect::<Vec<_>>()
                    .join(":")
            })
            .collect();
        // Main effects in order of appearance, then two-way terms; `a + a` once; `- b` removes b.
        assert_eq!(
            labels,
            [
                "a",
                "factor(g)",
                "x",
                "y",
                "z",
                "a:factor(g)",
                "x:y",
                "x:z",
                "y:z"
            ]
        );
        // An interaction's variables in their order of first appearance in the formula.
        let f = parse_formula("Surv(t, e) ~ k + c + c:k").unwrap();
        assert_eq!(
            f.terms[2],
            Term::Interaction(vec![Term::Numeric("k".into()), Term::Numeric("c".into())])
        );
    }

    #[test]
    fn reads_pspline_with_r_defaults() {
        let f = parse_formula("Surv(t, e) ~ pspline(age) + pspline(x, 3, eps = 0.01)").unwrap();
        let Term::Basis(a) = &f.terms[0] else {
            panic!()
        };
        assert_eq!(a.kind, BasisKind::Pspline);
        assert_eq!(a.label, "pspline(age)");
        assert_eq!(
            a.pspline,
            Some(PsplineArgs {
                df: 4.0,
                theta: None,
                nterm: 10,
                eps: 0.1
            })
        );
        let Term::Basis(b) = &f.terms[1] else {
            panic!()
        };
        assert_eq!(b.label, "pspline(x, 3, eps = 0.01)");
        // nterm = round(7.5) = 8, R's rounding of halves to even.
        assert_eq!(b.pspline.as_ref().unwrap().nterm, 8);
        let f = parse_formula("Surv(t, e) ~ pspline(age, theta = 0.5, Boundary.knots = c(20, 90))")
            .unwrap();
        let Term::Basis(c) = &f.terms[0] else {
            panic!()
        };
        assert_eq!(c.pspline.as_ref().unwrap().theta, Some(0.5));
        assert_eq!(c.boundary, Some([20.0, 90.0]));
    }

    #[test]
    fn rejects_what_it_does_not_support() {
        for bad in [
            "time ~ age",
            "Surv(time) ~ age",
            "Surv(time, status) ~ pspline(age, method = 2)",
            "Surv(time, status) ~ pspline(age, df = 0)",
            "Surv(time, status) ~ pspline(age, df = 1)",
            "Surv(time, status) ~ pspline(age, theta = 1)",
            "Surv(time, status) ~ pspline(age, df = 4, nterm = 3)",
            "Surv(time, status) ~ ns(age, lambda = 2)",
            "Surv(time, status) ~ I(age +)",
            "Surv(time, status) ~ age:cluster(sex)",
            "Surv(time, status) ~ age:strata(sex):strata(g)",
            "Surv(time, status) ~ (age + sex)^0",
            "Surv(time, status) ~ .",
            "Surv(time, status) ~",
            "Surv(time, status) ~ 1 +",
            "Surv(time, status) ~ 2",
            "Surv(time, status) age",
            "Surv(time, status) ~ cluster(a) + cluster(b)",
            "Surv(time, status) ~ factor(g, lvl = 2)",
        ] {
            assert!(parse_formula(bad).is_err(), "{bad}");
        }
    }
}
