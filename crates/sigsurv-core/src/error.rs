//! Errors of the numerical core. They carry row indices (0-based, in the slices given), never file names:
//! the caller maps an index back to a file line.
//!
//! A problem located in the data has a variant with the location as fields, so that a caller can point at it:
//! a row ([`CoreError::AtRow`] and the time, weight and value variants), a column or level of a model
//! ([`CoreError::ColumnNotFound`], [`CoreError::UnknownReferenceLevel`], ...), a gene set
//! ([`CoreError::GeneSet`]). [`CoreError::InvalidArgument`] is left for options and arguments that are wrong as
//! a whole (a confidence level outside (0, 1), an unknown method name, a split that does not parse).

/// What went wrong in a core computation.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum CoreError {
    #[error("input lengths differ: {what} has {got} values, expected {expected}")]
    LengthMismatch {
        what: &'static str,
        got: usize,
        expected: usize,
    },
    #[error("negative time {value} at row {row}")]
    NegativeTime { row: usize, value: f64 },
    #[error("time is not a finite number ({value}) at row {row}")]
    NonFiniteTime { row: usize, value: f64 },
    #[error("start time {start} is not before stop time {stop} at row {row}")]
    StartNotBeforeStop { row: usize, start: f64, stop: f64 },
    #[error("non-finite value {value} in {what} at row {row}")]
    NonFinite {
        what: String,
        row: usize,
        value: f64,
    },
    #[error("invalid weight {value} at row {row}: weights must be finite and >= 0")]
    InvalidWeight { row: usize, value: f64 },
    #[error(
        "invalid weight {value} at row {row}: Cox regression needs weights > 0 (as R's coxph)"
    )]
    NonPositiveWeight { row: usize, value: f64 },
    /// A group or stratum code not below the number of codes given (`what` says which slice).
    #[error("invalid argument: {what} code {code} at row {row} is not below {n_codes}")]
    CodeOutOfRange {
        what: &'static str,
        row: usize,
        code: u32,
        n_codes: usize,
    },
    /// A stratum code of an AFT fit without a label.
    #[error(
        "invalid argument: stratum code {code} at row {row}: there are {n_labels} strata labels"
    )]
    StratumWithoutLabel {
        row: usize,
        code: u32,
        n_labels: usize,
    },
    /// A group code below the number of groups that no row has (a comparison needs every group).
    #[error("invalid argument: group {group} has no rows")]
    EmptyGroup { group: u32 },
    /// A stratum of an AFT fit with no rows: its scale cannot be estimated.
    #[error("invalid argument: stratum {stratum} has no rows, so its scale cannot be estimated")]
    EmptyStratum { stratum: String },
    /// A formula names a column that the data do not have.
    #[error("invalid argument: column {column} not found (have: {})", .available.join(", "))]
    ColumnNotFound {
        column: String,
        available: Vec<String>,
    },
    /// A column of a design has another length than the first one.
    #[error("invalid argument: column {column} has {got} values, expected {expected}")]
    ColumnLength {
        column: String,
        got: usize,
        expected: usize,
    },
    /// `log(column)` of a text column.
    #[error("invalid argument: log({column}): column {column} is not numeric")]
    LogOfText { column: String },
    /// A factor with fewer than two levels in the rows used.
    #[error(
        "invalid argument: factor {column} has a single level ({level}): it cannot enter the model"
    )]
    SingleLevelFactor { column: String, level: String },
    /// A reference level that is not a level of the factor.
    #[error("invalid argument: reference level {level} not found in {column} (levels: {})", .levels.join(", "))]
    UnknownReferenceLevel {
        column: String,
        level: String,
        levels: Vec<String>,
    },
    /// A column of the model matrix that is a linear combination of the columns before it (AFT fits, which do
    /// not drop it as R does).
    #[error(
        "invalid argument: the model matrix is singular: column {column} is collinear with the columns before it"
    )]
    CollinearColumn { column: String },
    #[error("no observations")]
    Empty,
    /// A concordance with no comparable pair of positive weight (no event, or every event after `tau`).
    #[error(
        "no comparable pairs: a pair needs an event before another row's time (and not after tau)"
    )]
    NoComparablePairs,
    /// A value of row `row` that the computation cannot take: "{what} at row {row}: {why}" (the caller names the
    /// file line).
    #[error("{what} at row {row}: {why}")]
    AtRow {
        row: usize,
        what: String,
        why: String,
    },
    /// A gene set (by its index in the sets given) cannot be scored; the caller names the set.
    #[error("gene set {set}: {message}")]
    GeneSet { set: usize, message: String },
    /// An option or argument that is wrong as a whole; the message says which and why.
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
    #[error("{0}")]
    Numerical(String),
}

/// The result of a core computation.
pub type Result<T> = std::result::Result<T, CoreError>;

#[cfg(test)]
mod tests {
    use super::CoreError;

    /// The variants about a column print the messages the CLI has always shown for them (its output is a
    /// contract).
    #[test]
    fn column_errors_print_their_messages() {
        let cases = [
            (
                CoreError::ColumnNotFound {
                    column: "age".into(),
                    available: vec!["time".into(), "status".into()],
                },
                "invalid argument: column age not found (have: time, status)",
            ),
            (
                CoreError::LogOfText {
                    column: "horTh".into(),
                },
                "invalid argument: log(horTh): column horTh is not numeric",
            ),
            (
                CoreError::UnknownReferenceLevel {
                    column: "grade".into(),
                    level: "IV".into(),
                    levels: vec!["I".into(), "II".into()],
                },
                "invalid argument: reference level IV not found in grade (levels: I, II)",
            ),
            (
                CoreError::SingleLevelFactor {
                    column: "sex".into(),
                    level: "f".into(),
                },
                "invalid argument: factor sex has a single level (f): it cannot enter the model",
            ),
        ];
        for (error, message) in cases {
            assert_eq!(error.to_string(), message);
        }
    }
}
