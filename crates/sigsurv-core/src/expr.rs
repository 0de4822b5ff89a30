//! Arithmetic on columns inside a model formula: `I(age / 10)`, `log(pnodes + 1)`, `pmin(pnodes, 10)`. An
//! expression is parsed with R's operator precedence, evaluated row by row on numeric columns, and printed as R
//! deparses it, which is how R names the model's term (`I(age/10)`, `I(age * 2 - 3)`, `log(pnodes + 1)`).

use crate::error::{CoreError, Result};
use sigsurv_rformat::format_r;

/// An arithmetic expression of columns and numbers.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    Number(f64),
    Column(String),
    /// `-x` (or `+x`, kept as written).
    Neg(Box<Expr>),
    Plus(Box<Expr>),
    Binary(Box<Expr>, BinOp, Box<Expr>),
    /// `(x)`: R keeps parentheses in the parse tree, and in the term's name.
    Paren(Box<Expr>),
    Call(Func, Vec<Expr>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Pow,
    /// `%/%`, integer division.
    IntDiv,
    /// `%%`, remainder with the sign of the divisor (R's).
    Mod,
}

/// The functions an expression may call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Func {
    /// `log(x)` or `log(x, base)`.
    Log,
    Log2,
    Log10,
    Log1p,
    Exp,
    Sqrt,
    Abs,
    Pmin,
    Pmax,
    /// `I(x)`: x as it is (R's "as is").
    AsIs,
}

impl Func {
    /// The function of an R name, if supported.
    pub fn from_name(name: &str) -> Option<Func> {
        Some(match name {
            "log" => Func::Log,
            "log2" => Func::Log2,
            "log10" => Func::Log10,
            "log1p" => Func::Log1p,
            "exp" => Func::Exp,
            "sqrt" => Func::Sqrt,
            "abs" => Func::Abs,
            "pmin" => Func::Pmin,
            "pmax" => Func::Pmax,
            "I" => Func::AsIs,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Func::Log => "log",
            Func::Log2 => "log2",
            Func::Log10 => "log10",
            Func::Log1p => "log1p",
            Func::Exp => "exp",
            Func::Sqrt => "sqrt",
            Func::Abs => "abs",
            Func::Pmin => "pmin",
            Func::Pmax => "pmax",
            Func::AsIs => "I",
        }
    }

    /// The numbers of arguments it takes.
    fn arity(self) -> std::ops::RangeInclusive<usize> {
        match self {
            Func::Log => 1..=2,
            Func::Pmin | Func::Pmax => 2..=usize::MAX,
            _ => 1..=1,
        }
    }
}

impl Expr {
    /// Parses `text` (e.g. `age / 10`, `I(age^2)`, `pmin(pnodes, 10)`).
    ///
    /// # Errors
    /// [`CoreError::InvalidArgument`] naming the position and what was expected, or an unsupported function
    /// by name.
    pub fn parse(text: &str) -> Result<Expr> {
        let tokens = lex(text)?;
        let mut p = Parser {
            tokens: &tokens,
            at: 0,
            text,
        };
        let e = p.sum()?;
        match p.peek() {
            None => Ok(e),
            Some(t) => Err(p.error(t.start, "an operator or the end of the expression")),
        }
    }

    /// The columns it reads, each once, in order of appearance.
    pub fn columns(&self) -> Vec<String> {
        let mut out = Vec::new();
        self.visit(&mut |e| {
            if let Expr::Column(c) = e {
                if !out.contains(c) {
                    out.push(c.clone());
                }
            }
        });
        out
    }

    fn visit(&self, f: &mut impl FnMut(&Expr)) {
        f(self);
        match self {
            Expr::Number(_) | Expr::Column(_) => {}
            Expr::Neg(a) | Expr::Plus(a) | Expr::Paren(a) => a.visit(f),
            Expr::Binary(a, _, b) => {
                a.visit(f);
                b.visit(f);
            }
            Expr::Call(_, args) => args.iter().for_each(|a| a.visit(f)),
        }
    }

    /// The expression as R's `deparse` prints it: spaces around `+`, `-` and `*`, none around `/`, `^`, `%/%`,
    /// `%%`; `, ` between arguments; numbers as R prints them (`1e+05`).
    pub fn deparse(&self) -> String {
        match self {
            Expr::Number(v) => format_r(*v),
            Expr::Column(c) if syntactic(c) => c.clone(),
            Expr::Column(c) => format!("`{c}`"),
            Expr::Neg(a) => format!("-{}", a.deparse()),
            Expr::Plus(a) => format!("+{}", a.deparse()),
            Expr::Paren(a) => format!("({})", a.deparse()),
            Expr::Binary(a, op, b) => {
                let sym = match op {
                    BinOp::Add => " + ",
                    BinOp::Sub => " - ",
                    BinOp::Mul => " * ",
                    BinOp::Div => "/",
                    BinOp::Pow => "^",
                    BinOp::IntDiv => "%/%",
                    BinOp::Mod => "%%",
                };
                format!("{}{sym}{}", a.deparse(), b.deparse())
            }
            Expr::Call(f, args) => {
                let args: Vec<String> = args.iter().map(Expr::deparse).collect();
                format!("{}({})", f.name(), args.join(", "))
            }
        }
    }

    /// The value at every row, given the numeric columns it reads (`column(name)`, all of length `n`). Missing
    /// values (NaN) propagate; R's NaN-producing operations (the log of a negative number) give NaN, an
    /// infinite result (`log(0)`) stays infinite: the caller decides what a model does with them.
    ///
    /// # Errors
    /// [`CoreError::ColumnNotFound`]-style errors come from `column`.
    pub fn eval<'a>(
        &self,
        n: usize,
        column: &mut impl FnMut(&str) -> Result<&'a [f64]>,
    ) -> Result<Vec<f64>> {
        Ok(match self {
            Expr::Number(v) => vec![*v; n],
            Expr::Column(c) => {
                let v = column(c)?;
                if v.len() != n {
                    return Err(CoreError::ColumnLength {
                        column: c.clone(),
                        got: v.len(),
                        expected: n,
                    });
                }
                v.to_vec()
            }
            Expr::Neg(a) => a.eval(n, column)?.into_iter().map(|x| -x).collect(),
            Expr::Plus(a) | Expr::Paren(a) => a.eval(n, column)?,
            Expr::Binary(a, op, b) => {
                let (a, b) = (a.eval(n, column)?, b.eval(n, column)?);
                a.iter().zip(&b).map(|(&x, &y)| binary(*op, x, y)).collect()
            }
            Expr::Call(f, args) => {
                let values: Vec<Vec<f64>> = args
                    .iter()
                    .map(|a| a.eval(n, column))
                    .collect::<Result<_>>()?;
                (0..n).map(|i| call(*f, &values, i)).collect()
            }
        })
    }
}

/// Whether R prints the name without backticks: letters, digits, `.` and `_`, starting with a letter or a `.`
/// not followed by a digit.
fn syntactic(name: &str) -> bool {
    let mut chars = name.chars();
    let first_ok = match chars.next() {
        Some(c) if c.is_alphabetic() => true,
        Some('.') => !name[1..].starts_with(|c: char| c.is_ascii_digit()),
        _ => false,
    };
    first_ok && chars.all(|c| c.is_alphanumeric() || c == '.' || c == '_')
}

fn binary(op: BinOp, x: f64, y: f64) -> f64 {
    match op {
        BinOp::Add => x + y,
        BinOp::Sub => x - y,
        BinOp::Mul => x * y,
        BinOp::Div => x / y,
        BinOp::Pow => r_pow(x, y),
        BinOp::IntDiv => (x / y).floor(),
        // R: x - floor(x / y) * y, the sign of y.
        BinOp::Mod => x - (x / y).floor() * y,
    }
}

/// R's `^`: 1^y and x^0 are 1 even for NaN.
fn r_pow(x: f64, y: f64) -> f64 {
    if x == 1.0 || y == 0.0 {
        1.0
    } else {
        x.powf(y)
    }
}

fn call(f: Func, args: &[Vec<f64>], i: usize) -> f64 {
    let x = args[0][i];
    match f {
        Func::Log => match args.get(1) {
            Some(base) => x.ln() / base[i].ln(),
            None => x.ln(),
        },
        Func::Log2 => x.log2(),
        Func::Log10 => x.log10(),
        Func::Log1p => x.ln_1p(),
        Func::Exp => x.exp(),
        Func::Sqrt => x.sqrt(),
        Func::Abs => x.abs(),
        // R's pmin/pmax: NA if any argument is NA (na.rm = FALSE).
        Func::Pmin | Func::Pmax => {
            let mut acc = x;
            for a in &args[1..] {
                let v = a[i];
                if acc.is_nan() || v.is_nan() {
                    return f64::NAN;
                }
                acc = if f == Func::Pmin {
                    acc.min(v)
                } else {
                    acc.max(v)
                };
            }
            acc
        }
        Func::AsIs => x,
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Num(f64),
    Name(String),
    Op(&'static str),
    Open,
    Close,
    Comma,
}

#[derive(Clone, Debug)]
struct Token {
    tok: Tok,
    start: usize,
}

fn lex(text: &str) -> Result<Vec<Token>> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let start = i;
        let tok = match c {
            b' ' | b'\t' | b'\n' | b'\r' => {
                i += 1;
                continue;
            }
            b'(' => Tok::Open,
            b')' => Tok::Close,
            b',' => Tok::Comma,
            b'+' => Tok::Op("+"),
            b'-' => Tok::Op("-"),
            b'*' => Tok::Op("*"),
            b'/' => Tok::Op("/"),
            b'^' => Tok::Op("^"),
            b'%' => {
                let op = if text[i..].starts_with("%/%") {
                    "%/%"
                } else if text[i..].starts_with("%%") {
                    "%%"
                } else {
                    return Err(syntax(text, i, "%/% or %%"));
                };
                i += op.len();
                out.push(Token {
                    tok: Tok::Op(op),
                    start,
                });
                continue;
            }
            b'0'..=b'9' | b'.' => {
                let mut j = i;
                while j < b.len() && (b[j].is_ascii_digit() || b[j] == b'.') {
                    j += 1;
                }
                if j < b.len() && (b[j] == b'e' || b[j] == b'E') {
                    let mut k = j + 1;
                    if k < b.len() && (b[k] == b'+' || b[k] == b'-') {
                        k += 1;
                    }
                    if k < b.len() && b[k].is_ascii_digit() {
                        while k < b.len() && b[k].is_ascii_digit() {
                            k += 1;
                        }
                        j = k;
                    }
                }
                let v: f64 = text[i..j]
                    .parse()
                    .map_err(|_| syntax(text, i, "a number"))?;
                i = j;
                out.push(Token {
                    tok: Tok::Num(v),
                    start,
                });
                continue;
            }
            b'`' => {
                let Some(len) = text[i + 1..].find('`') else {
                    return Err(syntax(text, i, "a closing backtick"));
                };
                let name = text[i + 1..i + 1 + len].to_string();
                i += len + 2;
                out.push(Token {
                    tok: Tok::Name(name),
                    start,
                });
                continue;
            }
            c if c.is_ascii_alphabetic() || c >= 0x80 => {
                let mut j = i;
                while j < b.len()
                    && (b[j].is_ascii_alphanumeric()
                        || b[j] == b'.'
                        || b[j] == b'_'
                        || b[j] >= 0x80)
                {
                    j += 1;
                }
                let name = text[i..j].to_string();
                i = j;
                out.push(Token {
                    tok: Tok::Name(name),
                    start,
                });
                continue;
            }
            _ => {
                return Err(syntax(
                    text,
                    i,
                    "a column, a number, an operator or a parenthesis",
                ))
            }
        };
        i += 1;
        out.push(Token { tok, start });
    }
    Ok(out)
}

fn syntax(text: &str, at: usize, expected: &str) -> CoreError {
    let found = text[at..]
        .chars()
        .next()
        .map_or("the end".to_string(), |c| format!("'{c}'"));
    CoreError::InvalidArgument(format!(
        "in the expression \"{text}\" at character {}: found {found}, expected {expected}",
        at + 1
    ))
}

struct Parser<'t> {
    tokens: &'t [Token],
    at: usize,
    text: &'t str,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn error(&self, at: usize, expected: &str) -> CoreError {
        syntax(self.text, at, expected)
    }

    fn here(&self) -> usize {
        self.peek().map_or(self.text.len(), |t| t.start)
    }

    fn eat_op(&mut self, ops: &[&str]) -> Option<&'static str> {
        match self.peek() {
            Some(Token {
                tok: Tok::Op(o), ..
            }) if ops.contains(o) => {
                let o = *o;
                self.at += 1;
                Some(o)
            }
            _ => None,
        }
    }

    // sum := product (('+' | '-') product)*
    fn sum(&mut self) -> Result<Expr> {
        let mut e = self.product()?;
        while let Some(op) = self.eat_op(&["+", "-"]) {
            let rhs = self.product()?;
            let op = if op == "+" { BinOp::Add } else { BinOp::Sub };
            e = Expr::Binary(Box::new(e), op, Box::new(rhs));
        }
        Ok(e)
    }

    // product := special (('*' | '/') special)*
    fn product(&mut self) -> Result<Expr> {
        let mut e = self.special()?;
        while let Some(op) = self.eat_op(&["*", "/"]) {
            let rhs = self.special()?;
            let op = if op == "*" { BinOp::Mul } else { BinOp::Div };
            e = Expr::Binary(Box::new(e), op, Box::new(rhs));
        }
        Ok(e)
    }

    // special := unary (('%/%' | '%%') unary)*
    fn special(&mut self) -> Result<Expr> {
        let mut e = self.unary()?;
        while let Some(op) = self.eat_op(&["%/%", "%%"]) {
            let rhs = self.unary()?;
            let op = if op == "%/%" {
                BinOp::IntDiv
            } else {
                BinOp::Mod
            };
            e = Expr::Binary(Box::new(e), op, Box::new(rhs));
        }
        Ok(e)
    }

    // unary := ('-' | '+') unary | power      (R: -2^2 is -(2^2))
    fn unary(&mut self) -> Result<Expr> {
        match self.eat_op(&["-", "+"]) {
            Some("-") => Ok(Expr::Neg(Box::new(self.unary()?))),
            Some(_) => Ok(Expr::Plus(Box::new(self.unary()?))),
            None => self.power(),
        }
    }

    // power := atom ('^' unary)?     (right-associative; the exponent may carry a sign: 2^-1)
    fn power(&mut self) -> Result<Expr> {
        let base = self.atom()?;
        if self.eat_op(&["^"]).is_some() {
            let exp = self.unary()?;
            return Ok(Expr::Binary(Box::new(base), BinOp::Pow, Box::new(exp)));
        }
        Ok(base)
    }

    fn atom(&mut self) -> Result<Expr> {
        let at = self.here();
        let Some(t) = self.peek().cloned() else {
            return Err(self.error(at, "a column, a number or '('"));
        };
        self.at += 1;
        match t.tok {
            Tok::Num(v) => Ok(Expr::Number(v)),
            Tok::Open => {
                let e = self.sum()?;
                self.expect_close()?;
                Ok(Expr::Paren(Box::new(e)))
            }
            Tok::Name(name) => {
                if !matches!(self.peek(), Some(Token { tok: Tok::Open, .. })) {
                    return Ok(Expr::Column(name));
                }
                let Some(f) = Func::from_name(&name) else {
                    return Err(CoreError::InvalidArgument(format!(
                        "in the expression \"{}\": the function {name}() is not supported (supported: I, log, \
                         log2, log10, log1p, exp, sqrt, abs, pmin, pmax)",
                        self.text
                    )));
                };
                self.at += 1;
                let mut args = vec![self.sum()?];
                while matches!(
                    self.peek(),
                    Some(Token {
                        tok: Tok::Comma,
                        ..
                    })
                ) {
                    self.at += 1;
                    args.push(self.sum()?);
                }
                self.expect_close()?;
                if !f.arity().contains(&args.len()) {
                    return Err(CoreError::InvalidArgument(format!(
                        "in the expression \"{}\": {}() takes {} argument(s), not {}",
                        self.text,
                        f.name(),
                        match f {
                            Func::Log => "1 or 2".to_string(),
                            Func::Pmin | Func::Pmax => "2 or more".to_string(),
                            _ => "1".to_string(),
                        },
                        args.len()
                    )));
                }
                Ok(Expr::Call(f, args))
            }
            _ => Err(self.error(t.start, "a column, a number or '('")),
        }
    }

    fn expect_close(&mut self) -> Result<()> {
        match self.peek() {
            Some(Token {
                tok: Tok::Close, ..
            }) => {
                self.at += 1;
                Ok(())
            }
            _ => Err(self.error(self.here(), "')'")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eval(text: &str, x: &[f64]) -> Vec<f64> {
        let cols = [("age", x)];
        Expr::parse(text)
            .unwrap()
            .eval(x.len(), &mut |c| {
                cols.iter()
                    .find(|(n, _)| *n == c)
                    .map(|(_, v)| *v)
                    .ok_or_else(|| CoreError::InvalidArgument(c.into()))
            })
            .unwrap()
    }

    #[test]
    fn names_are_r_s_deparse() {
        // R 4.2: names(coef(coxph(Surv(time, cens) ~ ..., GBSG2)))
        for (text, r) in [
            ("I(age/10)", "I(age/10)"),
            ("I(age*2 - 3)", "I(age * 2 - 3)"),
            ("I(tsize^2)", "I(tsize^2)"),
            ("log(pnodes+1)", "log(pnodes + 1)"),
            ("I(-age)", "I(-age)"),
            ("pmin(pnodes,10)", "pmin(pnodes, 10)"),
            ("I((age-50)/10)", "I((age - 50)/10)"),
            ("I(2^-1*age)", "I(2^-1 * age)"),
            ("I(age %/% 10)", "I(age%/%10)"),
            ("exp(-age/100)", "exp(-age/100)"),
            ("I(age / 100000)", "I(age/1e+05)"),
        ] {
            assert_eq!(Expr::parse(text).unwrap().deparse(), r, "{text}");
        }
    }

    #[test]
    fn precedence_and_values_are_r_s() {
        let x = [50.0, -3.0, f64::NAN];
        let v = eval("-age^2", &x);
        assert_eq!(&v[..2], &[-2500.0, -9.0]);
        assert!(v[2].is_nan());
        assert_eq!(&eval("2^-1 * age", &x)[..2], &[25.0, -1.5]);
        assert_eq!(&eval("age %% 7", &x)[..2], &[1.0, 4.0]); // R: -3 %% 7 is 4
        assert_eq!(&eval("age %/% 7", &x)[..2], &[7.0, -1.0]);
        assert_eq!(&eval("pmax(age, 0)", &x)[..2], &[50.0, 0.0]);
        assert!(eval("pmax(age, 0)", &x)[2].is_nan());
        assert!(eval("log(age)", &x)[1].is_nan());
        assert_eq!(eval("log(age, 10)", &[100.0]), [2.0]);
        assert_eq!(eval("1^age", &[f64::NAN]), [1.0]);
    }

    #[test]
    fn errors_say_where_and_what() {
        let e = Expr::parse("age +").unwrap_err().to_string();
        assert!(
            e.contains("at character 6") && e.contains("expected a column"),
            "{e}"
        );
        let e = Expr::parse("ns(age)").unwrap_err().to_string();
        assert!(e.contains("ns() is not supported"), "{e}");
        assert!(Expr::parse("pmin(age)").is_err());
        assert!(Expr::parse("(age").is_err());
        assert!(Expr::parse("age % 2").is_err());
        let e = Expr::parse("`my col` * 2").unwrap();
        assert_eq!(e.columns(), ["my col"]);
        assert_eq!(e.deparse(), "`my col` * 2");
    }
}
