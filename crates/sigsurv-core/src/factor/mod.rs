//! Factor coding as R's `factor()`: the levels of a column and each row's level, used by the model matrix
//! ([`crate::design`]) and by the CLI's grouping columns (`km --by`, `logrank --strata`), so a column has the
//! same levels in the same order in every command.
//!
//! - **Numbers**: the distinct values in numeric order; `-0` and `0` are one level (R's `factor(c(-0, 0))` has
//!   the one level `"0"`). A level's label is the number as [`level_label`] writes it (`2`, `0.5`).
//! - **Text**: the distinct values in the order of R's `sort()` ([`collate`]).
//! - **Logicals**: `false` before `true` (R writes `FALSE` and `TRUE`).
//!
//! Only the values present are levels: the caller drops missing values first (R's `na.omit`), so `NA` is never
//! a level. Rows are coded in order of first appearance and only the distinct values are sorted, so millions
//! of rows with a few levels cost one lookup each.

pub(crate) mod codes;
mod collate;

use codes::{first_seen_codes, recode, sorted_order};
pub use collate::collate;

/// The label of a numeric level: `2`, not `2.0`; `-0` as `0` (see `sigsurv_rformat::format_number`).
pub fn level_label(value: f64) -> String {
    sigsurv_rformat::format_number(value)
}

/// Each row's level (0-based) and the levels, the distinct numbers in numeric order (`-0` counted as `0`).
pub fn numeric_factor(values: &[f64]) -> (Vec<u32>, Vec<f64>) {
    // Bits as the key, after `+ 0.0` turns -0 into 0: equal numbers are one level, whatever their sign bit.
    let (first, distinct) = first_seen_codes(values.iter().map(|x| (x + 0.0).to_bits()));
    let distinct: Vec<f64> = distinct.into_iter().map(f64::from_bits).collect();
    let order = sorted_order(&distinct, f64::total_cmp);
    let levels = order.iter().map(|&i| distinct[i]).collect();
    (recode(&first, &order), levels)
}

/// Each row's level (0-based) and the levels, the distinct values in [`collate`] order.
pub fn text_factor<'s>(values: impl Iterator<Item = &'s str>) -> (Vec<u32>, Vec<String>) {
    let (first, distinct) = first_seen_codes(values);
    let order = sorted_order(&distinct, |a, b| collate(a, b));
    let levels = order.iter().map(|&i| distinct[i].to_string()).collect();
    (recode(&first, &order), levels)
}

/// [`text_factor`] of text already coded: row i holds `labels[codes[i]]` (labels distinct, in any order; a
/// label no row holds is not a level).
pub fn coded_text_factor(codes: &[u32], labels: &[String]) -> (Vec<u32>, Vec<String>) {
    let (rank, levels) = coded_levels(codes, labels);
    (crate::scan::map(codes, |&c| rank[c as usize]), levels)
}

/// [`coded_text_factor`] in place: `codes` become the level of each row (no second column of codes).
pub fn coded_text_factor_in_place(codes: &mut [u32], labels: &[String]) -> Vec<String> {
    let (rank, levels) = coded_levels(codes, labels);
    crate::scan::update(codes, |c| *c = rank[*c as usize]);
    levels
}

/// The level of each label (for labels no row holds, any value) and the levels in [`collate`] order.
fn coded_levels(codes: &[u32], labels: &[String]) -> (Vec<u32>, Vec<String>) {
    let mut used = vec![false; labels.len()];
    codes.iter().for_each(|&c| used[c as usize] = true);
    let present: Vec<usize> = (0..labels.len()).filter(|&i| used[i]).collect();
    let order = sorted_order(&present, |&a, &b| collate(&labels[a], &labels[b]));
    let mut rank = vec![0u32; labels.len()];
    for (r, &i) in order.iter().enumerate() {
        rank[present[i]] = r as u32;
    }
    let levels = order.iter().map(|&i| labels[present[i]].clone()).collect();
    (rank, levels)
}

/// Each row's level (0-based) and the levels of a logical column: `false` before `true`, each only when
/// present.
pub fn bool_factor(values: &[bool]) -> (Vec<u32>, Vec<String>) {
    let has_false = values.iter().any(|b| !b);
    let has_true = values.iter().any(|b| *b);
    let levels = [(has_false, "false"), (has_true, "true")]
        .into_iter()
        .filter(|(present, _)| *present)
        .map(|(_, label)| label.to_string())
        .collect();
    let codes = values.iter().map(|&b| u32::from(b && has_false)).collect();
    (codes, levels)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_in_numeric_order_with_minus_zero_as_zero() {
        let (codes, levels) = numeric_factor(&[10.0, 2.0, -0.0, 2.0, 0.0, 1e5, 0.1]);
        assert_eq!(levels, [0.0, 0.1, 2.0, 10.0, 1e5]);
        assert_eq!(codes, [3, 2, 0, 2, 0, 4, 1]);
        let labels: Vec<String> = levels.iter().map(|&v| level_label(v)).collect();
        assert_eq!(labels, ["0", "0.1", "2", "10", "100000"]);
        assert_eq!(level_label(-0.0), "0");
    }

    #[test]
    fn text_in_r_order_whether_coded_or_not() {
        let rows = ["b", "A", "a", "b", "20-50", "<=20"];
        let (codes, levels) = text_factor(rows.iter().copied());
        assert_eq!(levels, ["<=20", "20-50", "a", "A", "b"]);
        assert_eq!(codes, [4, 3, 2, 4, 1, 0]);
        // The same rows coded against labels in another order, with a label no row holds.
        let labels: Vec<String> = ["unused", "<=20", "b", "a", "A", "20-50"]
            .map(String::from)
            .into();
        let coded: Vec<u32> = rows
            .iter()
            .map(|r| labels.iter().position(|l| l == r).unwrap() as u32)
            .collect();
        assert_eq!(
            coded_text_factor(&coded, &labels),
            (codes.clone(), levels.clone())
        );
        let mut in_place = coded.clone();
        assert_eq!(coded_text_factor_in_place(&mut in_place, &labels), levels);
        assert_eq!(in_place, codes);
    }

    #[test]
    fn false_before_true() {
        assert_eq!(
            bool_factor(&[true, false, true]),
            (vec![1, 0, 1], vec!["false".to_string(), "true".to_string()])
        );
        assert_eq!(
            bool_factor(&[true, true]),
            (vec![0, 0], vec!["true".to_string()])
        );
    }
}
