//! Text cells read as R's `read.csv` reads them: white space around a number is not part of it, so a column whose
//! every value is a number once trimmed is numeric (polars infers text from one `" 70 "`); and a missing-value
//! token with spaces around it (`" NA"`) is missing, like `NA`.

use super::{ColumnValues, TextColumn};
use crate::missing::is_missing;

/// A column after the rule above, and which of its rows are missing (only when some are).
pub(super) struct Trimmed {
    pub values: ColumnValues,
    pub missing: Option<Vec<bool>>,
}

/// Applies the rule to a text column (whose values are already trimmed); other columns are returned as they are.
/// Works on the distinct values, so a long column of identifiers costs one failed parse.
pub(super) fn trim_text_cells(values: ColumnValues) -> Trimmed {
    let ColumnValues::Text(text) = values else {
        return Trimmed {
            values,
            missing: None,
        };
    };
    let levels = text.levels();
    let missing_level: Vec<bool> = levels.iter().map(|l| is_missing(l)).collect();
    let has_missing = missing_level.iter().any(|&m| m);
    let numbers = numeric_values(levels.iter().map(String::as_str));
    let missing = has_missing.then(|| {
        text.codes()
            .iter()
            .map(|&c| missing_level[c as usize])
            .collect()
    });
    let values = match numbers {
        Some(numbers) => {
            ColumnValues::Numeric(text.codes().iter().map(|&c| numbers[c as usize]).collect())
        }
        _ => ColumnValues::Text(text),
    };
    Trimmed { values, missing }
}

/// The numbers of a text column's (trimmed) values, missing tokens as NaN, when the column is numeric by the
/// rule above: every value a number or missing, and at least one a number. `None` otherwise.
pub(super) fn numeric_values<'a>(values: impl Iterator<Item = &'a str>) -> Option<Vec<f64>> {
    let mut any_number = false;
    let numbers: Option<Vec<f64>> = values
        .map(|v| {
            if is_missing(v) {
                Some(f64::NAN)
            } else {
                any_number = true;
                parse_number(v)
            }
        })
        .collect();
    numbers.filter(|_| any_number)
}

/// A number as R's `type.convert` reads one: decimal or scientific notation with an optional sign, or R's
/// `Inf`, `-Inf` and `NaN`. Rust's own spellings (`inf`, `infinity`, `nan` in any case) are text here, as in R.
pub(super) fn parse_number(s: &str) -> Option<f64> {
    match s {
        "Inf" | "+Inf" => return Some(f64::INFINITY),
        "-Inf" => return Some(f64::NEG_INFINITY),
        "NaN" => return Some(f64::NAN),
        _ => {}
    }
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    if !body.starts_with(|c: char| c.is_ascii_digit() || c == '.') {
        return None;
    }
    s.parse::<f64>().ok()
}

impl TextColumn {
    /// The rows where `keep` is true, in order (levels re-coded by first appearance).
    pub(crate) fn retain_rows(&self, keep: &[bool]) -> TextColumn {
        let rows: Vec<usize> = keep
            .iter()
            .enumerate()
            .filter(|(_, &k)| k)
            .map(|(i, _)| i)
            .collect();
        self.select(&rows)
    }
}

impl ColumnValues {
    /// The rows where `keep` is true, in order.
    pub(crate) fn retain_rows(self, keep: &[bool]) -> ColumnValues {
        fn kept<T: Copy>(v: &[T], keep: &[bool]) -> Vec<T> {
            v.iter()
                .zip(keep)
                .filter(|(_, &k)| k)
                .map(|(x, _)| *x)
                .collect()
        }
        match self {
            ColumnValues::Numeric(v) => ColumnValues::Numeric(kept(&v, keep)),
            ColumnValues::Bool(v) => ColumnValues::Bool(kept(&v, keep)),
            ColumnValues::Text(v) => ColumnValues::Text(v.retain_rows(keep)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(values: &[&str]) -> ColumnValues {
        ColumnValues::Text(values.iter().collect())
    }

    #[test]
    fn numbers_are_numbers_once_trimmed() {
        // R: read.csv(text = "a\n 70 \n50\n60 ")$a is numeric 70 50 60 (encode_text has trimmed the cells).
        let t = trim_text_cells(text(&["70", "50", "60"]));
        assert_eq!(t.values, ColumnValues::Numeric(vec![70.0, 50.0, 60.0]));
        assert!(t.missing.is_none());
    }

    #[test]
    fn trimmed_missing_tokens_are_missing() {
        let t = trim_text_cells(text(&["70", "NA", "", "1e3"]));
        assert_eq!(t.missing, Some(vec![false, true, true, false]));
        let ColumnValues::Numeric(v) = t.values else {
            panic!("numeric")
        };
        assert_eq!((v[0], v[3]), (70.0, 1000.0));
        // Text stays text; its padded NA is still missing.
        let t = trim_text_cells(text(&["a", "NA", "b"]));
        assert_eq!(t.values, text(&["a", "NA", "b"]));
        assert_eq!(t.missing, Some(vec![false, true, false]));
    }

    #[test]
    fn r_spellings_only() {
        assert_eq!(parse_number("-Inf"), Some(f64::NEG_INFINITY));
        assert_eq!(parse_number("-.5e-1"), Some(-0.05));
        assert_eq!(parse_number("inf"), None);
        assert_eq!(parse_number("nan"), None);
        assert_eq!(parse_number("1,5"), None);
        assert_eq!(parse_number(""), None);
        let t = trim_text_cells(text(&["1", "x"]));
        assert_eq!(t.values, text(&["1", "x"]));
    }

    #[test]
    fn rows_are_retained_in_order() {
        let v = text(&["a", "b", "a", "c"]).retain_rows(&[false, true, true, false]);
        assert_eq!(v, text(&["b", "a"]));
        let v = ColumnValues::Numeric(vec![1.0, 2.0]).retain_rows(&[true, false]);
        assert_eq!(v, ColumnValues::Numeric(vec![1.0]));
    }
}
