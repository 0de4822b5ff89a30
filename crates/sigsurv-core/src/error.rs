//! Errors of the numerical core. They carry row indices (0-based, in the slices given), never file names:
//! the caller maps an index back to a file line.

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
    #[error("no observations")]
    Empty,
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
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
    #[error("{0}")]
    Numerical(String),
}

pub type Result<T> = std::result::Result<T, CoreError>;
