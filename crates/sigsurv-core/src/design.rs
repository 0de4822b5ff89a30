//! The model matrix of a parsed [`Formula`], from columns that have no missing values (the caller drops
//! NA rows, as R's `na.omit`, and reports how many).
//!
//! Coding follows R's `model.matrix` with treatment contrasts: a factor's levels are R's `factor()` levels
//! ([`crate::factor`]: numbers in numeric order, text in R's sort order), the first level (or the chosen
//! reference) is the baseline, and every other level gets a 0/1 column named `"<column>=<level>"` (R names it
//! `<column><level>`). A text column used as a plain term is a factor, as in R. `strata()` columns combine into one stratum per distinct combination, numbered in
//! sorted order of the combinations (first column varying slowest, as R's `strata(a, b)`).
//! Difference from R: R sorts text levels by its collation (ICU on Linux); sigsurv reproduces ICU's order
//! for ASCII text ([`crate::factor::collate`]) but not for accented letters.

use crate::cox::penalized::spec::{PenalizedTerm, Smoothing};
use crate::error::{CoreError, Result};
use crate::factor;
use crate::factor::codes::{first_seen_codes, recode, sorted_order};
use crate::formula::{BasisKind, Formula, Term};
use crate::splines::{BSplineBasis, NaturalSplineBasis, OrthoPolyBasis, PSplineBasis};
use rayon::prelude::*;

/// One input column: numbers, or text (entered as a factor). The borrowed variants let a caller hand over
/// the columns of a table it keeps, without copying millions of values.
#[derive(Debug, Clone, PartialEq)]
pub enum ColumnData<'a> {
    Numeric(Vec<f64>),
    Text(Vec<String>),
    NumericRef(&'a [f64]),
    TextRef(&'a [String]),
    /// Text already coded: row i has the label `labels[codes[i]]` (labels in any order, each once).
    Coded {
        codes: &'a [u32],
        labels: &'a [String],
    },
    /// A column whose factor levels are fixed, as R's `predict` rebuilds a model matrix with the training levels
    /// (`xlev`): every level kept, in this order, even those no row has; row i has the level `levels[codes[i]]`.
    /// `values` are the numbers of a numeric column (for the terms that enter it as a number).
    Levels {
        codes: Vec<u32>,
        levels: Vec<String>,
        values: Option<Vec<f64>>,
    },
}

impl ColumnData<'_> {
    fn len(&self) -> usize {
        match self {
            ColumnData::Numeric(v) => v.len(),
            ColumnData::Text(v) => v.len(),
            ColumnData::NumericRef(v) => v.len(),
            ColumnData::TextRef(v) => v.len(),
            ColumnData::Coded { codes, .. } => codes.len(),
            ColumnData::Levels { codes, .. } => codes.len(),
        }
    }

    /// The numbers of a numeric column; `None` for text.
    fn numbers(&self) -> Option<&[f64]> {
        match self {
            ColumnData::Numeric(v) => Some(v),
            ColumnData::NumericRef(v) => Some(v),
            ColumnData::Levels {
                values: Some(v), ..
            } => Some(v),
            _ => None,
        }
    }
}

/// The design of a Cox model: covariates, strata and clusters.
#[derive(Debug, Clone, PartialEq)]
pub struct Design {
    pub n: usize,
    /// Coefficient names, one per column of `x`.
    pub names: Vec<String>,
    /// Covariates, column-major n × p.
    pub x: Vec<f64>,
    /// For each column of `x`, the index of its term in `terms`.
    pub term_of: Vec<usize>,
    /// Term labels as R prints them (`age`, `factor(grade)`, `log(x)`; a text column entered as it is is a
    /// factor named by its column, `celltype`). A factor's columns are one term.
    pub terms: Vec<String>,
    /// For each term, the data column it reads (`grade` for `factor(grade)`).
    pub term_columns: Vec<String>,
    /// Stratum code (0-based) of each row, when the formula has strata.
    pub strata: Option<Vec<u32>>,
    /// Label of each stratum code, e.g. "cohort=A" or "a=1, b=2".
    pub strata_labels: Vec<String>,
    /// Cluster code (0-based) of each row, when the formula has a cluster() term.
    pub cluster: Option<Vec<u32>>,
    /// The sum of the formula's `offset()` terms at each row, when it has any.
    pub offset: Option<Vec<f64>>,
    /// The penalized terms (`pspline()`), whose fit is [`crate::cox::cox_ph_penalized`].
    pub penalized: Vec<PenalizedTerm>,
}

impl Design {
    pub fn p(&self) -> usize {
        self.names.len()
    }
}

/// Sorted distinct levels of a column (labels, and the numbers of a numeric column) and each row's level
/// index, as R's `factor()` ([`crate::factor`]).
fn levels(col: &ColumnData) -> (Vec<String>, Vec<u32>, Vec<f64>) {
    match col {
        ColumnData::Numeric(_) | ColumnData::NumericRef(_) => {
            let (codes, lv) = factor::numeric_factor(col.numbers().unwrap_or(&[]));
            (
                lv.iter().map(|&x| factor::level_label(x)).collect(),
                codes,
                lv,
            )
        }
        ColumnData::Text(v) => text_levels(factor::text_factor(v.iter().map(String::as_str))),
        ColumnData::TextRef(v) => text_levels(factor::text_factor(v.iter().map(String::as_str))),
        ColumnData::Coded { codes, labels } => {
            text_levels(factor::coded_text_factor(codes, labels))
        }
        ColumnData::Levels {
            codes,
            levels,
            values,
        } => {
            let numbers = match values {
                Some(_) => levels.iter().filter_map(|l| l.parse().ok()).collect(),
                None => Vec::new(),
            };
            (levels.clone(), codes.clone(), numbers)
        }
    }
}

fn text_levels((codes, labels): (Vec<u32>, Vec<String>)) -> (Vec<String>, Vec<u32>, Vec<f64>) {
    (labels, codes, Vec::new())
}

/// Builds the design matrix of `formula` (its right-hand side) from named columns.
///
/// # Formula
/// Treatment contrasts: for a factor with levels `l_0 < … < l_{K−1}` and reference `l_r`, the columns
/// are `1{x = l_k}` for `k ≠ r`, in level order. `log(x)` is the natural log.
///
/// # Reference
/// Chambers & Hastie (1992) *Statistical Models in S*, chapter 2.
///
/// # R equivalent
/// `model.matrix(coxph(formula, data))`: same columns in the same order; names differ as described above.
///
/// # Errors
/// [`CoreError::ColumnNotFound`], [`CoreError::ColumnLength`] for columns of different lengths,
/// [`CoreError::UnknownReferenceLevel`], [`CoreError::SingleLevelFactor`], [`CoreError::LogOfText`] for a text
/// column inside `log()`, [`CoreError::AtRow`] for `log()` of a value ≤ 0.
#[doc(alias = "model.matrix")]
pub fn build_design(formula: &Formula, columns: &[(String, ColumnData)]) -> Result<Design> {
    let get = |name: &str| -> Result<&ColumnData> {
        columns
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, c)| c)
            .ok_or_else(|| CoreError::ColumnNotFound {
                column: name.to_string(),
                available: columns.iter().map(|(n, _)| n.clone()).collect(),
            })
    };
    let n = columns.first().map_or(0, |(_, c)| c.len());
    for (name, c) in columns {
        if c.len() != n {
            return Err(CoreError::ColumnLength {
                column: name.clone(),
                got: c.len(),
                expected: n,
            });
        }
    }
    let mut d = Design {
        n,
        names: Vec::new(),
        x: Vec::new(),
        term_of: Vec::new(),
        terms: Vec::new(),
        term_columns: Vec::new(),
        strata: None,
        strata_labels: Vec::new(),
        cluster: None,
        offset: None,
        penalized: Vec::new(),
    };
    let mut strata_cols: Vec<(&str, Vec<String>, Vec<u32>)> = Vec::new();
    let mut src = Sources::default();
    for term in &formula.terms {
        match term {
            Term::Numeric(c) => {
                let col = get(c)?;
                match col.numbers() {
                    Some(v) => push_col(&mut d, &mut src, (c, c), c.clone(), Source::Values(v)),
                    None => factor(&mut d, &mut src, c, c, col, None)?,
                }
            }
            Term::Log(c) => match get(c)?.numbers() {
                Some(v) => {
                    if let Some(row) = v.iter().position(|&x| x <= 0.0 || x.is_nan()) {
                        return Err(CoreError::AtRow {
                            row,
                            what: format!("log({c}) of {}", v[row]),
                            why: "the value must be > 0".into(),
                        });
                    }
                    let label = format!("log({c})");
                    push_col(&mut d, &mut src, (&label, c), label.clone(), Source::Log(v));
                }
                None => return Err(CoreError::LogOfText { column: c.clone() }),
            },
            Term::Factor { column, reference } => factor(
                &mut d,
                &mut src,
                &format!("factor({column})"),
                column,
                get(column)?,
                reference.as_deref(),
            )?,
            Term::Strata(c) => {
                let (lv, idx, _) = levels(get(c)?);
                strata_cols.push((c.as_str(), lv, idx));
            }
            Term::Cluster(c) => {
                let (_, idx, _) = levels(get(c)?);
                d.cluster = Some(idx);
            }
            Term::Offset(e) => {
                let v = offset_values(e, n, &get)?;
                match d.offset.as_mut() {
                    Some(sum) => sum.iter_mut().zip(&v).for_each(|(s, x)| *s += x),
                    None => d.offset = Some(v),
                }
            }
            Term::Interaction(vars) => {
                interaction(&mut d, &mut src, vars, &formula.terms, &get)?;
            }
            Term::Basis(b) if b.kind == BasisKind::Pspline => {
                pspline(&mut d, &mut src, b, &get)?;
            }
            Term::Transform(_) | Term::Basis(_) => {
                let label = variable_label(term);
                let column = term_column_label(term);
                for (name, s) in numeric_columns(term, n, &get)? {
                    push_col(&mut d, &mut src, (&label, &column), name, s);
                }
            }
        }
    }
    let p = src.cols.len();
    if p > MAX_COLUMNS {
        let widest = d
            .terms
            .iter()
            .enumerate()
            .map(|(t, name)| (d.term_of.iter().filter(|&&x| x == t).count(), name))
            .max()
            .map(|(k, name)| format!("; {name} alone has {k}"))
            .unwrap_or_default();
        return Err(CoreError::InvalidArgument(format!(
            "the model has {p} coefficients (at most {MAX_COLUMNS}){widest}: a factor with that many levels is \
             usually an identifier; for a nuisance factor use strata(column)"
        )));
    }
    d.x = src.fill(n)?;
    drop(src);
    if !strata_cols.is_empty() {
        let (codes, combos) = combine_strata(&strata_cols, n);
        d.strata = Some(codes);
        d.strata_labels = combos
            .iter()
            .map(|k| {
                k.iter()
                    .zip(&strata_cols)
                    .map(|(&l, (name, lv, _))| format!("{name}={}", lv[l as usize]))
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .collect();
    }
    Ok(d)
}

/// One stratum per distinct combination of the strata columns' level codes, numbered in sorted order of
/// the combinations (first column most significant). Returns each row's stratum and the combinations.
fn combine_strata(cols: &[(&str, Vec<String>, Vec<u32>)], n: usize) -> (Vec<u32>, Vec<Vec<u32>>) {
    // Mixed radix: an integer key orders as the tuple of codes, first column most significant.
    let radix: Option<u64> = cols.iter().try_fold(1u64, |acc, (_, lv, _)| {
        acc.checked_mul(lv.len().max(1) as u64)
    });
    if radix.is_some() {
        let key = |i: usize| {
            cols.iter().fold(0u64, |k, (_, lv, idx)| {
                k * lv.len() as u64 + u64::from(idx[i])
            })
        };
        let (first, distinct) = first_seen_codes((0..n).map(key));
        let order = sorted_order(&distinct, u64::cmp);
        let combos = order
            .iter()
            .map(|&i| {
                let mut k = distinct[i];
                let mut c = vec![0u32; cols.len()];
                for (slot, (_, lv, _)) in c.iter_mut().zip(cols).rev() {
                    *slot = (k % lv.len() as u64) as u32;
                    k /= lv.len() as u64;
                }
                c
            })
            .collect();
        return (recode(&first, &order), combos);
    }
    // Too many combinations for one integer: compare the tuples themselves.
    let keys: Vec<Vec<u32>> = (0..n)
        .map(|i| cols.iter().map(|(_, _, idx)| idx[i]).collect())
        .collect();
    let mut uniq = keys.clone();
    uniq.sort_unstable();
    uniq.dedup();
    let codes = keys
        .iter()
        .map(|k| uniq.binary_search(k).unwrap_or(0) as u32)
        .collect();
    (codes, uniq)
}

/// The most columns a design may have. A Cox fit costs n p² per iteration and p³ per solve: past a thousand
/// coefficients the model is almost always a factor that should not be one (an identifier) or a stratum.
pub const MAX_COLUMNS: usize = 1000;

/// Where a column of the design comes from; the matrix is filled once all columns are known, so it is
/// allocated once at its final size and filled column by column in parallel.
#[derive(Clone)]
enum Source<'c> {
    Values(&'c [f64]),
    Log(&'c [f64]),
    /// `1{code = level}` for the factor codes `Sources::codes[factor]`.
    Dummy {
        factor: usize,
        level: u32,
    },
    /// The product of columns (an interaction).
    Product(Vec<Source<'c>>),
    /// Values computed for the design (an expression, a basis column).
    Owned(Vec<f64>),
}

impl Source<'_> {
    /// Row i's value.
    fn at(&self, codes: &[Vec<u32>], i: usize) -> f64 {
        match self {
            Source::Values(v) => v[i],
            Source::Log(v) => v[i].ln(),
            Source::Dummy { factor, level } => f64::from(u8::from(codes[*factor][i] == *level)),
            Source::Product(parts) => parts.iter().map(|p| p.at(codes, i)).product(),
            Source::Owned(v) => v[i],
        }
    }
}

#[derive(Default)]
struct Sources<'c> {
    cols: Vec<Source<'c>>,
    codes: Vec<Vec<u32>>,
}

impl Sources<'_> {
    /// `out[i] *= part(i)` for every row.
    fn multiply(&self, out: &mut [f64], part: &Source) {
        match part {
            Source::Values(v) => out.iter_mut().zip(*v).for_each(|(o, x)| *o *= x),
            Source::Owned(v) => out.iter_mut().zip(v).for_each(|(o, x)| *o *= x),
            Source::Log(v) => out.iter_mut().zip(*v).for_each(|(o, x)| *o *= x.ln()),
            Source::Dummy { factor, level } => out
                .iter_mut()
                .zip(&self.codes[*factor])
                .for_each(|(o, &c)| *o *= f64::from(u8::from(c == *level))),
            Source::Product(parts) => {
                // A nested product: its own value first (as `at` computes it), then the multiplication.
                for (i, o) in out.iter_mut().enumerate() {
                    *o *= parts.iter().map(|p| p.at(&self.codes, i)).product::<f64>();
                }
            }
        }
    }

    /// The n × p column-major matrix of the columns; an error (not an abort) when it cannot be allocated.
    fn fill(&self, n: usize) -> Result<Vec<f64>> {
        let len = n.saturating_mul(self.cols.len());
        let mut x: Vec<f64> = Vec::new();
        x.try_reserve_exact(len).map_err(|_| {
            CoreError::InvalidArgument(format!(
                "the design matrix ({n} rows x {} columns, {:.1} GB) does not fit in memory",
                self.cols.len(),
                len as f64 * 8.0 / 1e9
            ))
        })?;
        x.resize(len, 0.0);
        if n == 0 {
            return Ok(x);
        }
        x.par_chunks_mut(n)
            .zip(&self.cols)
            .for_each(|(out, c)| match c {
                Source::Values(v) => out.copy_from_slice(v),
                Source::Log(v) => out.iter_mut().zip(*v).for_each(|(o, x)| *o = x.ln()),
                Source::Dummy { factor, level } => out
                    .iter_mut()
                    .zip(&self.codes[*factor])
                    .for_each(|(o, &c)| *o = if c == *level { 1.0 } else { 0.0 }),
                Source::Owned(v) => out.copy_from_slice(v),
                // Column by column: the same products in the same order as `Source::at` row by row, without
                // its per-row dispatch.
                Source::Product(parts) => {
                    out.iter_mut().for_each(|o| *o = 1.0);
                    for part in parts {
                        self.multiply(out, part);
                    }
                }
            });
        Ok(x)
    }
}

/// Adds column `name` of the term (label, data column) `term`.
fn push_col<'c>(
    d: &mut Design,
    src: &mut Sources<'c>,
    (term, column): (&str, &str),
    name: String,
    v: Source<'c>,
) {
    let t = match d.terms.iter().position(|x| x == term) {
        Some(t) => t,
        None => {
            d.terms.push(term.to_string());
            d.term_columns.push(column.to_string());
            d.terms.len() - 1
        }
    };
    d.names.push(name);
    d.term_of.push(t);
    src.cols.push(v);
}

/// The label of a variable inside a term, as R prints it: `x`, `log(x)`, `factor(x)`.
fn variable_label(v: &Term) -> String {
    match v {
        Term::Numeric(c) => c.clone(),
        Term::Log(c) => format!("log({c})"),
        Term::Factor { column, .. } => format!("factor({column})"),
        Term::Strata(c) => format!("strata({c})"),
        Term::Cluster(c) => format!("cluster({c})"),
        Term::Interaction(vs) => vs.iter().map(variable_label).collect::<Vec<_>>().join(":"),
        Term::Transform(e) => e.deparse(),
        Term::Basis(b) => b.label.clone(),
        Term::Offset(e) => format!("offset({})", e.deparse()),
    }
}

/// The values of `offset(e)` at every row: finite numbers of numeric columns.
fn offset_values<'c>(
    e: &crate::expr::Expr,
    n: usize,
    get: &dyn Fn(&str) -> Result<&'c ColumnData<'c>>,
) -> Result<Vec<f64>> {
    let v = e.eval(n, &mut |c: &str| {
        get(c)?.numbers().ok_or_else(|| {
            CoreError::InvalidArgument(format!(
                "column {c} is text: offset({}) needs numbers",
                e.deparse()
            ))
        })
    })?;
    if let Some(row) = v.iter().position(|x| !x.is_finite()) {
        return Err(CoreError::AtRow {
            row,
            what: format!("offset({}) = {}", e.deparse(), v[row]),
            why: "the value must be a finite number".into(),
        });
    }
    Ok(v)
}

/// The data columns of a transform or basis term, joined by `:` (its `term_columns` entry).
fn term_column_label(v: &Term) -> String {
    match v {
        Term::Transform(e) => e.columns().join(":"),
        Term::Basis(b) => b.column.clone(),
        other => variable_label(other),
    }
}

/// The columns of a numeric term that is not a plain column: an expression (`I(age/10)`, named as R deparses
/// it) or a spline / polynomial basis (named by its call and the column number, `ns(age, df = 3)1`, as R).
fn numeric_columns<'c>(
    term: &Term,
    n: usize,
    get: &dyn Fn(&str) -> Result<&'c ColumnData<'c>>,
) -> Result<Vec<(String, Source<'c>)>> {
    let numbers = |c: &str| -> Result<&'c [f64]> {
        get(c)?.numbers().ok_or_else(|| {
            CoreError::InvalidArgument(format!(
                "column {c} is text: {} needs numbers",
                variable_label(term)
            ))
        })
    };
    match term {
        Term::Transform(e) => {
            let v = e.eval(n, &mut |c: &str| numbers(c))?;
            if let Some(row) = v.iter().position(|x| !x.is_finite()) {
                return Err(CoreError::AtRow {
                    row,
                    what: format!("{} = {}", e.deparse(), v[row]),
                    why: "the value must be a finite number".into(),
                });
            }
            Ok(vec![(e.deparse(), Source::Owned(v))])
        }
        Term::Basis(b) => {
            let x = numbers(&b.column)?;
            let columns = match b.kind {
                BasisKind::Ns => {
                    let (basis, _) =
                        NaturalSplineBasis::new(x, b.df, b.knots.clone(), false, b.boundary)?;
                    basis.basis(x)?
                }
                BasisKind::Bs => {
                    let (basis, _) =
                        BSplineBasis::new(x, b.df, b.knots.clone(), b.degree, false, b.boundary)?;
                    basis.basis(x)?
                }
                BasisKind::Poly => OrthoPolyBasis::new(x, b.degree)?.basis(x),
                BasisKind::Pspline => {
                    unreachable!("build_design and interaction handle pspline() first")
                }
            };
            Ok(columns
                .into_iter()
                .enumerate()
                .map(|(k, v)| (format!("{}{}", b.label, k + 1), Source::Owned(v)))
                .collect())
        }
        _ => unreachable!("numeric_columns is called for transforms and bases"),
    }
}

/// The columns of `pspline(x, ...)`, named as R names them (`ps(x)3`, `ps(x)4`, ...: the basis without its
/// first function), and the penalty that goes with them.
fn pspline<'c>(
    d: &mut Design,
    src: &mut Sources<'c>,
    b: &crate::formula::BasisSpec,
    get: &dyn Fn(&str) -> Result<&'c ColumnData<'c>>,
) -> Result<()> {
    let args = b
        .pspline
        .as_ref()
        .expect("the parser sets a pspline's arguments");
    let x = get(&b.column)?.numbers().ok_or_else(|| {
        CoreError::InvalidArgument(format!(
            "column {} is text: {} needs numbers",
            b.column, b.label
        ))
    })?;
    let basis = PSplineBasis::new(x, args.nterm, b.degree, b.boundary)?;
    let first = d.names.len();
    for (k, v) in basis.basis(x)?.into_iter().enumerate() {
        push_col(
            d,
            src,
            (&b.label, &b.column),
            format!("ps({}){}", b.column, k + 3),
            Source::Owned(v),
        );
    }
    d.penalized.push(PenalizedTerm {
        term: d.term_of[first],
        columns: first..d.names.len(),
        penalty: basis.penalty(),
        centres: basis.centres(),
        smoothing: match args.theta {
            Some(theta) => Smoothing::Theta(theta),
            None => Smoothing::Df {
                df: args.df,
                eps: args.eps,
                nterm: args.nterm,
            },
        },
    });
    Ok(())
}

/// The columns of an interaction `a:b:...`: every product of one column of each variable, the first variable
/// varying fastest, named by joining the columns' names with `:` (as R's `model.matrix`). A factor is coded by
/// treatment contrasts when the term without it is in the model (`a:b` with `b` present), else by an indicator
/// of every level — R's rule of marginality (`rx:nodes` without `nodes` gives every level of `rx`).
fn interaction<'c>(
    d: &mut Design,
    src: &mut Sources<'c>,
    vars: &[Term],
    all_terms: &[Term],
    get: &dyn Fn(&str) -> Result<&'c ColumnData<'c>>,
) -> Result<()> {
    let label = vars
        .iter()
        .map(variable_label)
        .collect::<Vec<_>>()
        .join(":");
    let column_label = vars
        .iter()
        .map(|v| match v {
            Term::Numeric(c) | Term::Log(c) => c.clone(),
            Term::Factor { column, .. } => column.clone(),
            other => term_column_label(other),
        })
        .collect::<Vec<_>>()
        .join(":");
    // Whether the term without variable k is in the model.
    let present = |k: usize| -> bool {
        let rest: Vec<&Term> = vars
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != k)
            .map(|(_, v)| v)
            .collect();
        all_terms.iter().any(|t| {
            let tv = t.variables();
            tv.len() == rest.len() && rest.iter().all(|r| tv.contains(r))
        })
    };
    let mut per_var: Vec<Vec<(String, Source<'c>)>> = Vec::new();
    for (k, v) in vars.iter().enumerate() {
        let (column, reference, as_factor) = match v {
            Term::Numeric(c) => (c, None, get(c)?.numbers().is_none()),
            Term::Log(c) => {
                let x = get(c)?
                    .numbers()
                    .ok_or_else(|| CoreError::LogOfText { column: c.clone() })?;
                if let Some(row) = x.iter().position(|&y| y <= 0.0 || y.is_nan()) {
                    return Err(CoreError::AtRow {
                        row,
                        what: format!("log({c}) of {}", x[row]),
                        why: "the value must be > 0".into(),
                    });
                }
                per_var.push(vec![(format!("log({c})"), Source::Log(x))]);
                continue;
            }
            Term::Factor { column, reference } => (column, reference.as_deref(), true),
            // `strata(a):x`: x's coefficient in each stratum (the model is stratified by a too).
            Term::Strata(column) => (column, None, true),
            Term::Basis(b) if b.kind == BasisKind::Pspline => {
                return Err(CoreError::InvalidArgument(format!(
                    "{} inside an interaction ({label}) is not supported: a penalized spline is a term of its own",
                    b.label
                )))
            }
            Term::Transform(_) | Term::Basis(_) => {
                per_var.push(numeric_columns(v, d.n, get)?);
                continue;
            }
            _ => unreachable!("the parser keeps cluster() out of interactions"),
        };
        let col = get(column)?;
        if !as_factor {
            let x = col.numbers().unwrap_or(&[]);
            per_var.push(vec![(column.clone(), Source::Values(x))]);
            continue;
        }
        let (labels, idx, numeric_levels) = levels(col);
        if labels.len() < 2 {
            return Err(CoreError::SingleLevelFactor {
                column: column.to_string(),
                level: labels.first().map_or("none", String::as_str).to_string(),
            });
        }
        let r = reference_index(column, reference, &labels, &numeric_levels)?;
        // A stratum variable always gets every level, named as coxph names them: R's strata() labels a level
        // `column=level` for a number (`strata(sex)sex=1:ph.ecog`) and by the level alone for text
        // (`age:strata(horTh)no`, strata()'s shortlabel).
        let is_strata = matches!(v, Term::Strata(_));
        let contrasts = !is_strata && present(k);
        let prefix = match (is_strata, numeric_levels.is_empty()) {
            (true, false) => format!("strata({column}){column}="),
            (true, true) => format!("strata({column})"),
            (false, _) => format!("{column}="),
        };
        let code = src.codes.len();
        src.codes.push(idx);
        per_var.push(
            labels
                .iter()
                .enumerate()
                .filter(|(l, _)| !contrasts || *l != r)
                .map(|(l, name)| {
                    (
                        format!("{prefix}{name}"),
                        Source::Dummy {
                            factor: code,
                            level: l as u32,
                        },
                    )
                })
                .collect(),
        );
    }
    // The first variable varies fastest.
    let mut combos: Vec<(Vec<String>, Vec<Source<'c>>)> = vec![(Vec::new(), Vec::new())];
    for pieces in &per_var {
        let mut next = Vec::with_capacity(combos.len() * pieces.len());
        for (name, s) in pieces {
            for (names, parts) in &combos {
                let mut n2 = names.clone();
                n2.push(name.clone());
                let mut p2 = parts.clone();
                p2.push(s.clone());
                next.push((n2, p2));
            }
        }
        combos = next;
    }
    for (names, parts) in combos {
        push_col(
            d,
            src,
            (&label, &column_label),
            names.join(":"),
            Source::Product(parts),
        );
    }
    Ok(())
}

/// The index of the reference level (`ref = ` by number or by label; the first level by default).
fn reference_index(
    column: &str,
    reference: Option<&str>,
    labels: &[String],
    numeric_levels: &[f64],
) -> Result<usize> {
    match reference {
        None => Ok(0),
        Some(rf) => {
            let by_number = match (rf.trim().parse::<f64>(), numeric_levels.is_empty()) {
                (Ok(x), false) => numeric_levels.iter().position(|&l| l == x),
                _ => None,
            };
            by_number
                .or_else(|| labels.iter().position(|l| l == rf))
                .ok_or_else(|| CoreError::UnknownReferenceLevel {
                    column: column.to_string(),
                    level: rf.to_string(),
                    levels: labels.to_vec(),
                })
        }
    }
}

fn factor<'c>(
    d: &mut Design,
    src: &mut Sources<'c>,
    term: &str,
    column: &str,
    col: &ColumnData,
    reference: Option<&str>,
) -> Result<()> {
    let (labels, idx, numeric_levels) = levels(col);
    if labels.len() < 2 {
        return Err(CoreError::SingleLevelFactor {
            column: column.to_string(),
            level: labels.first().map_or("none", String::as_str).to_string(),
        });
    }
    let r = reference_index(column, reference, &labels, &numeric_levels)?;
    for (k, label) in labels.iter().enumerate() {
        if k == r {
            continue;
        }
        let v = Source::Dummy {
            factor: src.codes.len(),
            level: k as u32,
        };
        push_col(d, src, (term, column), format!("{column}={label}"), v);
    }
    src.codes.push(idx);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::factor::collate;
    use crate::formula::parse_formula;

    #[test]
    fn factor_coding_and_strata() {
        let f =
            parse_formula("Surv(t, e) ~ age + factor(g, ref = 2) + grade + strata(a, b)").unwrap();
        let cols = vec![
            (
                "age".to_string(),
                ColumnData::Numeric(vec![50.0, 60.0, 70.0, 80.0]),
            ),
            (
                "g".to_string(),
                ColumnData::Numeric(vec![1.0, 2.0, 3.0, 2.0]),
            ),
            (
                "grade".to_string(),
                ColumnData::Text(vec!["II".into(), "I".into(), "III".into(), "I".into()]),
            ),
            (
                "a".to_string(),
                ColumnData::Text(vec!["x".into(), "y".into(), "x".into(), "x".into()]),
            ),
            (
                "b".to_string(),
                ColumnData::Numeric(vec![2.0, 1.0, 1.0, 2.0]),
            ),
        ];
        let d = build_design(&f, &cols).unwrap();
        assert_eq!(d.names, ["age", "g=1", "g=3", "grade=II", "grade=III"]);
        assert_eq!(d.terms, ["age", "factor(g)", "grade"]);
        assert_eq!(d.term_columns, ["age", "g", "grade"]);
        assert_eq!(d.term_of, [0, 1, 1, 2, 2]);
        assert_eq!(&d.x[4..8], &[1.0, 0.0, 0.0, 0.0]);
        assert_eq!(&d.x[12..16], &[1.0, 0.0, 0.0, 0.0]);
        assert_eq!(d.strata, Some(vec![1, 2, 0, 1]));
        assert_eq!(d.strata_labels, ["a=x, b=1", "a=x, b=2", "a=y, b=1"]);
    }

    /// Borrowed, coded and owned columns give the same design; more than 16 levels (the hash-map path)
    /// code as a plain sort of the distinct values would.
    #[test]
    fn column_kinds_and_many_levels_agree() {
        let n = 500;
        let text: Vec<String> = (0..n).map(|i| format!("L{}", (i * 7) % 23)).collect();
        let nums: Vec<f64> = (0..n).map(|i| ((i * 11) % 19) as f64 - 9.0).collect();
        let mut labels: Vec<String> = text.clone();
        labels.sort();
        labels.dedup();
        labels.reverse(); // any order
        let codes: Vec<u32> = text
            .iter()
            .map(|t| labels.iter().position(|l| l == t).unwrap() as u32)
            .collect();
        let f = parse_formula("Surv(t, e) ~ g + factor(v) + strata(g, v)").unwrap();
        let owned = vec![
            ("g".to_string(), ColumnData::Text(text.clone())),
            ("v".to_string(), ColumnData::Numeric(nums.clone())),
        ];
        let borrowed = vec![
            ("g".to_string(), ColumnData::TextRef(&text)),
            ("v".to_string(), ColumnData::NumericRef(&nums)),
        ];
        let coded = vec![
            (
                "g".to_string(),
                ColumnData::Coded {
                    codes: &codes,
                    labels: &labels,
                },
            ),
            ("v".to_string(), ColumnData::NumericRef(&nums)),
        ];
        let a = build_design(&f, &owned).unwrap();
        assert_eq!(a, build_design(&f, &borrowed).unwrap());
        assert_eq!(a, build_design(&f, &coded).unwrap());
        // 23 text levels in collation order, 19 numeric levels in numeric order.
        let mut want: Vec<&String> = labels.iter().collect();
        want.sort_by(|x, y| collate(x, y));
        let got: Vec<&str> = a.names[..22].iter().map(|s| &s[2..]).collect();
        assert_eq!(
            got,
            want[1..].iter().map(|s| s.as_str()).collect::<Vec<_>>()
        );
        assert_eq!(a.names[22], "v=-8");
        assert_eq!(a.p(), 22 + 18);
        // Strata: sorted distinct (g level, v level) pairs.
        let mut pairs: Vec<(usize, i64)> = (0..n)
            .map(|i| {
                let g = want.iter().position(|l| **l == text[i]).unwrap();
                (g, nums[i] as i64)
            })
            .collect();
        let rows = pairs.clone();
        pairs.sort();
        pairs.dedup();
        let strata = a.strata.as_ref().unwrap();
        for i in 0..n {
            assert_eq!(pairs[strata[i] as usize], rows[i]);
        }
        assert_eq!(a.strata_labels.len(), pairs.len());
    }

    #[test]
    fn errors_are_clear() {
        let f = parse_formula("Surv(t, e) ~ factor(g, ref = 9)").unwrap();
        let cols = vec![("g".to_string(), ColumnData::Numeric(vec![1.0, 2.0]))];
        assert!(build_design(&f, &cols)
            .unwrap_err()
            .to_string()
            .contains("levels: 1, 2"));
        let f = parse_formula("Surv(t, e) ~ log(g)").unwrap();
        let cols = vec![("g".to_string(), ColumnData::Numeric(vec![1.0, 0.0]))];
        assert!(build_design(&f, &cols)
            .unwrap_err()
            .to_string()
            .contains("row 1"));
        let f = parse_formula("Surv(t, e) ~ h").unwrap();
        assert!(build_design(&f, &cols).is_err());
    }
}
