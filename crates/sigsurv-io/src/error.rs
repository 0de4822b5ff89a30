//! I/O errors. Each says what is wrong and where (file, column, line, value) on one line; [`IoError::hints`]
//! gives the follow-up lines that say how to fix it.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IoError {
    #[error("cannot read {}: {reason}", path.display())]
    Open { path: PathBuf, reason: String },
    #[error("unknown file type for {}: expected .csv, .tsv, .txt, .parquet, .arrow, .ipc or .feather", path.display())]
    UnknownFormat { path: PathBuf },
    #[error("column \"{column}\" not found in {}", path.display())]
    UnknownColumn {
        path: PathBuf,
        column: String,
        available: Vec<String>,
    },
    #[error("malformed table {}{}: {message}", path.display(), line.map(|l| format!(" at line {l}")).unwrap_or_default())]
    Malformed {
        path: PathBuf,
        line: Option<u64>,
        message: String,
    },
    #[error("non-numeric value \"{value}\" in column \"{column}\" at {location} of {}", path.display())]
    NonNumeric {
        path: PathBuf,
        column: String,
        location: String,
        value: String,
    },
    #[error("{what} {value} in column \"{column}\" at {location} of {}", path.display())]
    InvalidValue {
        path: PathBuf,
        column: String,
        location: String,
        value: String,
        what: String,
    },
    #[error("event column \"{column}\" in {} has {} distinct values: {}", path.display(), values.len(), values.join(", "))]
    AmbiguousEvent {
        path: PathBuf,
        column: String,
        values: Vec<String>,
    },
    #[error("--event-value \"{value}\" does not occur in column \"{column}\" of {}", path.display())]
    EventValueAbsent {
        path: PathBuf,
        column: String,
        value: String,
        values: Vec<String>,
    },
    #[error("invalid --where expression \"{expr}\": {message}")]
    Where { expr: String, message: String },
    #[error("no rows left in {} {reason}", path.display())]
    Empty { path: PathBuf, reason: String },
    #[error("cannot write {}: {reason}", path.display())]
    Write { path: PathBuf, reason: String },
    #[error("reading {}: {message}", path.display())]
    Polars { path: PathBuf, message: String },
}

impl IoError {
    /// Follow-up lines: what exists, how to fix it.
    pub fn hints(&self) -> Vec<String> {
        match self {
            IoError::UnknownColumn { column, available, .. } => {
                let mut h = vec![format!("available columns: {}", available.join(", "))];
                if let Some(s) = crate::suggest::closest(column, available) {
                    h.push(format!("did you mean \"{s}\"?"));
                }
                h
            }
            IoError::AmbiguousEvent { .. } => vec![
                "sigsurv reads 0/1, true/false, R's 1/2 (1 = censored, 2 = event), or cBioPortal \"0:LIVING\"/\"1:DECEASED\"".into(),
                "name the event value with --event-value VALUE".into(),
            ],
            IoError::EventValueAbsent { values, .. } => vec![format!("values seen: {}", values.join(", "))],
            IoError::NonNumeric { .. } => {
                vec!["fix or remove the value; missing values may be written as NA or left empty".into()]
            }
            IoError::UnknownFormat { .. } => vec!["for other delimited text files pass --delimiter".into()],
            IoError::Where { .. } => vec![
                "write an SQL condition over the table's columns, e.g. --where \"age >= 50 AND er = 1\"".into(),
                "quote column names with spaces or dots in double quotes: \"ph.ecog\" = 1".into(),
            ],
            _ => Vec::new(),
        }
    }
}

pub type Result<T> = std::result::Result<T, IoError>;
