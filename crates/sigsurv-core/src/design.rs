//! The model matrix of a parsed [`Formula`], from columns that have no missing values (the caller drops
//! NA rows, as R's `na.omit`, and reports how many).
//!
//! Coding follows R's `model.matrix` with treatment contrasts: a factor's levels are sorted (numerically
//! for a numeric column, by string otherwise), the first level (or the chosen reference) is the baseline,
//! and every other level gets a 0/1 column named `"<column>=<level>"` (R names it `<column><level>`).
//! Numeric levels are printed as R prints them (`2`, not `2.0`). A text column used as a plain term is a
//! factor, as in R. `strata()` columns combine into one stratum per distinct combination, numbered in
//! sorted order of the combinations (first column varying slowest, as R's `strata(a, b)`).
//! Difference from R: R sorts text levels by its collation (ICU on Linux); sigsurv reproduces ICU's order
//! for ASCII text ([`collate`]) but not for accented letters.

use crate::error::{CoreError, Result};
use crate::formula::{Formula, Term};

/// One input column: numbers, or text (entered as a factor).
#[derive(Debug, Clone, PartialEq)]
pub enum ColumnData {
    Numeric(Vec<f64>),
    Text(Vec<String>),
}

impl ColumnData {
    fn len(&self) -> usize {
        match self {
            ColumnData::Numeric(v) => v.len(),
            ColumnData::Text(v) => v.len(),
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
    /// Term labels (a factor is one term named by its column; `log(x)` is "log(x)").
    pub terms: Vec<String>,
    /// Stratum code (0-based) of each row, when the formula has strata.
    pub strata: Option<Vec<u32>>,
    /// Label of each stratum code, e.g. "cohort=A" or "a=1, b=2".
    pub strata_labels: Vec<String>,
    /// Cluster code (0-based) of each row, when the formula has a cluster() term.
    pub cluster: Option<Vec<u32>>,
}

impl Design {
    pub fn p(&self) -> usize {
        self.names.len()
    }
}

/// A number as R's `as.character` prints it: `2`, `0.5`, `-1`, `1e-04` style differences aside.
pub fn format_r_number(v: f64) -> String {
    if v == v.trunc() && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// String order of R's `sort()` with ICU collation (R's default on Linux builds with ICU, whatever the
/// locale), for ASCII text: whitespace, then punctuation and symbols in ICU's root order, then digits, then
/// letters case-insensitively; ties go lower case first, then by code point. So
/// `"<=20" < ">50" < "20-50"`, `"a" < "A" < "b"`, `"a b" < "a-b" < "ab"`. Non-ASCII letters sort by code
/// point after ASCII letters (ICU would put `é` next to `e`).
pub fn collate(a: &str, b: &str) -> std::cmp::Ordering {
    const PUNCT: &str = " _-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$";
    fn primary(c: char) -> u32 {
        if let Some(i) = PUNCT.find(c) {
            i as u32
        } else if let Some(d) = c.to_digit(10).filter(|_| c.is_ascii_digit()) {
            100 + d
        } else if c.is_ascii_alphabetic() {
            200 + c.to_ascii_lowercase() as u32
        } else {
            1000 + c.to_lowercase().next().unwrap_or(c) as u32
        }
    }
    let p = |s: &str| s.chars().map(primary).collect::<Vec<_>>();
    let t = |s: &str| s.chars().map(|c| c.is_uppercase()).collect::<Vec<_>>();
    p(a).cmp(&p(b))
        .then_with(|| t(a).cmp(&t(b)))
        .then_with(|| a.cmp(b))
}

/// Sorted distinct levels of a column and each row's level index.
fn levels(col: &ColumnData) -> (Vec<String>, Vec<usize>, Vec<f64>) {
    match col {
        ColumnData::Numeric(v) => {
            let mut lv: Vec<f64> = v.clone();
            lv.sort_unstable_by(f64::total_cmp);
            lv.dedup();
            let idx = v
                .iter()
                .map(|x| lv.binary_search_by(|l| l.total_cmp(x)).unwrap_or(0))
                .collect();
            (lv.iter().map(|&x| format_r_number(x)).collect(), idx, lv)
        }
        ColumnData::Text(v) => {
            let mut lv: Vec<&String> = v.iter().collect();
            lv.sort_unstable_by(|a, b| collate(a, b));
            lv.dedup();
            let idx = v
                .iter()
                .map(|x| lv.binary_search_by(|l| collate(l, x)).unwrap_or(0))
                .collect();
            (lv.into_iter().cloned().collect(), idx, Vec::new())
        }
    }
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
/// A missing column, columns of different lengths, an unknown reference level, a factor with one level,
/// a text column inside `log()`, or `log()` of a value ≤ 0 (with its row).
pub fn build_design(formula: &Formula, columns: &[(String, ColumnData)]) -> Result<Design> {
    let get = |name: &str| -> Result<&ColumnData> {
        columns
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, c)| c)
            .ok_or_else(|| {
                let have: Vec<&str> = columns.iter().map(|(n, _)| n.as_str()).collect();
                CoreError::InvalidArgument(format!(
                    "column {name} not found (have: {})",
                    have.join(", ")
                ))
            })
    };
    let n = columns.first().map_or(0, |(_, c)| c.len());
    for (name, c) in columns {
        if c.len() != n {
            return Err(CoreError::InvalidArgument(format!(
                "column {name} has {} values, expected {n}",
                c.len()
            )));
        }
    }
    let mut d = Design {
        n,
        names: Vec::new(),
        x: Vec::new(),
        term_of: Vec::new(),
        terms: Vec::new(),
        strata: None,
        strata_labels: Vec::new(),
        cluster: None,
    };
    let mut strata_cols: Vec<(&str, Vec<String>, Vec<usize>)> = Vec::new();
    for term in &formula.terms {
        match term {
            Term::Numeric(c) => match get(c)? {
                ColumnData::Numeric(v) => push_col(&mut d, c.clone(), c.clone(), v),
                text @ ColumnData::Text(_) => factor(&mut d, c, text, None)?,
            },
            Term::Log(c) => match get(c)? {
                ColumnData::Numeric(v) => {
                    if let Some(row) = v.iter().position(|&x| x <= 0.0 || x.is_nan()) {
                        return Err(CoreError::InvalidArgument(format!(
                            "log({c}) of {} at row {row}: the value must be > 0",
                            v[row]
                        )));
                    }
                    let label = format!("log({c})");
                    let logs: Vec<f64> = v.iter().map(|x| x.ln()).collect();
                    push_col(&mut d, label.clone(), label, &logs);
                }
                ColumnData::Text(_) => {
                    return Err(CoreError::InvalidArgument(format!(
                        "log({c}): column {c} is not numeric"
                    )))
                }
            },
            Term::Factor { column, reference } => {
                factor(&mut d, column, get(column)?, reference.as_deref())?
            }
            Term::Strata(c) => {
                let (lv, idx, _) = levels(get(c)?);
                strata_cols.push((c.as_str(), lv, idx));
            }
            Term::Cluster(c) => {
                let (_, idx, _) = levels(get(c)?);
                d.cluster = Some(idx.into_iter().map(|i| i as u32).collect());
            }
        }
    }
    if !strata_cols.is_empty() {
        let keys: Vec<Vec<usize>> = (0..n)
            .map(|i| strata_cols.iter().map(|(_, _, idx)| idx[i]).collect())
            .collect();
        let mut uniq = keys.clone();
        uniq.sort_unstable();
        uniq.dedup();
        d.strata = Some(
            keys.iter()
                .map(|k| uniq.binary_search(k).unwrap_or(0) as u32)
                .collect(),
        );
        d.strata_labels = uniq
            .iter()
            .map(|k| {
                k.iter()
                    .zip(&strata_cols)
                    .map(|(&l, (name, lv, _))| format!("{name}={}", lv[l]))
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .collect();
    }
    Ok(d)
}

fn push_col(d: &mut Design, term: String, name: String, v: &[f64]) {
    let t = match d.terms.iter().position(|x| *x == term) {
        Some(t) => t,
        None => {
            d.terms.push(term);
            d.terms.len() - 1
        }
    };
    d.names.push(name);
    d.term_of.push(t);
    d.x.extend_from_slice(v);
}

fn factor(d: &mut Design, column: &str, col: &ColumnData, reference: Option<&str>) -> Result<()> {
    let (labels, idx, numeric_levels) = levels(col);
    if labels.len() < 2 {
        return Err(CoreError::InvalidArgument(format!(
            "factor {column} has a single level ({}): it cannot enter the model",
            labels.first().map_or("none", String::as_str)
        )));
    }
    let r = match reference {
        None => 0,
        Some(rf) => {
            let by_number = match (rf.trim().parse::<f64>(), numeric_levels.is_empty()) {
                (Ok(x), false) => numeric_levels.iter().position(|&l| l == x),
                _ => None,
            };
            by_number
                .or_else(|| labels.iter().position(|l| l == rf))
                .ok_or_else(|| {
                    CoreError::InvalidArgument(format!(
                        "reference level {rf} not found in {column} (levels: {})",
                        labels.join(", ")
                    ))
                })?
        }
    };
    for (k, label) in labels.iter().enumerate() {
        if k == r {
            continue;
        }
        let v: Vec<f64> = idx
            .iter()
            .map(|&i| if i == k { 1.0 } else { 0.0 })
            .collect();
        push_col(d, column.to_string(), format!("{column}={label}"), &v);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
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
        assert_eq!(d.terms, ["age", "g", "grade"]);
        assert_eq!(d.term_of, [0, 1, 1, 2, 2]);
        assert_eq!(&d.x[4..8], &[1.0, 0.0, 0.0, 0.0]);
        assert_eq!(&d.x[12..16], &[1.0, 0.0, 0.0, 0.0]);
        assert_eq!(d.strata, Some(vec![1, 2, 0, 1]));
        assert_eq!(d.strata_labels, ["a=x, b=1", "a=x, b=2", "a=y, b=1"]);
    }

    #[test]
    fn text_levels_sort_as_r_with_icu() {
        // R 4.2.2: sort(c(...)) on this machine (ICU collation).
        let want = "_x|-1|(x)|#1|<=20|>50|1.5|10|15|20-50|9|a|A|a b|a-b|ab|aB|Ab|b|B|e|f|Lev|Lev+5FU|n/a|NA|Obs|stage I|stage II|x_y|x.y|x1|X2";
        let mut v: Vec<&str> = want.split('|').collect();
        v.reverse();
        v.sort_by(|a, b| collate(a, b));
        assert_eq!(v.join("|"), want);
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
