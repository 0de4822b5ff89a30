//! Errors of the numerical core. They carry row indices (0-based, in the slices given), never file names:
//! the caller maps an index back to a file line.
//!
//! A problem located in the data (a row, a column, a gene set, a value) has its own variant with the location
//! as fields, so that a caller can point at it; [`CoreError::InvalidArgument`] is left for option values and
//! arguments that are wrong as a whole (a confidence level outside (0, 1), an unknown method name, a split
//! that does not parse).

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
    /// A time ≤ 0 where the model takes log(time) (the AFT models; R's `survreg` refuses it too).
    #[error("invalid argument: time {value} at row {row}: AFT models on log(time) need times > 0")]
    NonPositiveTime { row: usize, value: f64 },
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
    /// A weight that is not finite and > 0 in an AFT fit (as R's `survreg`).
    #[error("invalid argument: weight {value} at row {row}: survreg needs finite weights > 0")]
    NonPositiveAftWeight { row: usize, value: f64 },
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
    /// `log(column)` of a value ≤ 0 (or NaN).
    #[error("invalid argument: log({column}) of {value} at row {row}: the value must be > 0")]
    LogOfNonPositive {
        column: String,
        row: usize,
        value: f64,
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
    /// A gene set (0-based index in the sets given) without genes.
    #[error("invalid argument: gene set {set} has no genes")]
    EmptyGeneSet { set: usize },
    /// A gene index of a set that is not a row of the expression matrix.
    #[error(
        "invalid argument: gene set {set}: row index {gene} is out of range (matrix has {n_genes} genes)"
    )]
    GeneOutOfRange {
        set: usize,
        gene: usize,
        n_genes: usize,
    },
    /// A gene index listed twice in one set.
    #[error("invalid argument: gene set {set}: row index {gene} appears twice")]
    RepeatedGene { set: usize, gene: usize },
    /// A gene set holding every gene of the matrix, which a rank score cannot use (`why` says which and why).
    #[error("invalid argument: gene set {set} contains every gene: {why}")]
    SetCoversAllGenes { set: usize, why: &'static str },
    /// A gene set whose genes all have constant expression, so a z-score method drops them all.
    #[error(
        "invalid argument: gene set {set}: all {n_genes} genes have constant expression (sd < {:e}) and are dropped",
        crate::score::CONSTANT_SD
    )]
    ConstantGeneSet { set: usize, n_genes: usize },
    #[error("no observations")]
    Empty,
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

    /// The located variants print the messages the CLI has always shown for them (its output is a contract).
    #[test]
    fn located_errors_print_their_messages() {
        let cases = [
            (
                CoreError::CodeOutOfRange {
                    what: "group",
                    row: 4,
                    code: 3,
                    n_codes: 2,
                },
                "invalid argument: group code 3 at row 4 is not below 2",
            ),
            (
                CoreError::NonPositiveTime { row: 0, value: 0.0 },
                "invalid argument: time 0 at row 0: AFT models on log(time) need times > 0",
            ),
            (
                CoreError::NonPositiveAftWeight {
                    row: 2,
                    value: -1.5,
                },
                "invalid argument: weight -1.5 at row 2: survreg needs finite weights > 0",
            ),
            (
                CoreError::ColumnNotFound {
                    column: "age".into(),
                    available: vec!["time".into(), "status".into()],
                },
                "invalid argument: column age not found (have: time, status)",
            ),
            (
                CoreError::LogOfNonPositive {
                    column: "tsize".into(),
                    row: 7,
                    value: -2.0,
                },
                "invalid argument: log(tsize) of -2 at row 7: the value must be > 0",
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
                CoreError::GeneOutOfRange {
                    set: 1,
                    gene: 9,
                    n_genes: 5,
                },
                "invalid argument: gene set 1: row index 9 is out of range (matrix has 5 genes)",
            ),
            (
                CoreError::ConstantGeneSet { set: 0, n_genes: 3 },
                "invalid argument: gene set 0: all 3 genes have constant expression (sd < 1e-10) and are dropped",
            ),
        ];
        for (error, message) in cases {
            assert_eq!(error.to_string(), message);
        }
    }
}
