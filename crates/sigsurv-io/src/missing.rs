//! The strings read as a missing value, in every input sigsurv reads: clinical tables (`read_table`, so every
//! command's data, cBioPortal files included) and expression matrices. One list, so a cell means the same in
//! both; docs/cli.md and docs/expression.md list it.
//!
//! `NaN` is not in the list: in a table it is a number, as in R (a `NaN` time or event is then an error naming
//! the line, not a row dropped silently), while in an expression matrix a missing value is held as NaN, so the
//! matrix reader takes [`NAN_TOKENS`] as missing too.

/// Read as missing in every input: the empty cell, R's `NA` (and `na`), SQL's and spreadsheets' `NULL`, `null`,
/// `N/A` and `#N/A`, and cBioPortal's bracketed codes. Compared exactly (after trimming white space around the
/// cell); the expression reader also accepts them in any case.
pub const MISSING_TOKENS: [&str; 10] = [
    "",
    "NA",
    "na",
    "NULL",
    "null",
    "N/A",
    "#N/A",
    "[Not Available]",
    "[Not Applicable]",
    "[Unknown]",
];

/// The spellings of not-a-number, missing in an expression matrix. In a table `NaN` is a number (R's spelling)
/// and `nan` is text.
pub const NAN_TOKENS: [&str; 2] = ["NaN", "nan"];

/// Whether a (trimmed) cell is one of [`MISSING_TOKENS`].
pub fn is_missing(cell: &str) -> bool {
    MISSING_TOKENS.contains(&cell)
}

/// The strings an expression matrix reads as missing: [`MISSING_TOKENS`] and [`NAN_TOKENS`].
pub fn expression_missing_tokens() -> impl Iterator<Item = &'static str> {
    MISSING_TOKENS.iter().chain(&NAN_TOKENS).copied()
}
