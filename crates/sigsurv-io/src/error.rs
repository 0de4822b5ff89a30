//! I/O errors. Each says what is wrong and where (file, column, line, value) on one line; [`IoError::hints`]
//! gives the follow-up lines that say how to fix it.

use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IoError {
    #[error("cannot read {}: {reason}", path.display())]
    Open { path: PathBuf, reason: String },
    /// Reading the file panicked: polars cannot represent a column of it (float16, interval, union, ...).
    #[error("cannot read {}: the reader failed: {reason}", path.display())]
    Unreadable { path: PathBuf, reason: String },
    #[error("cannot read {} as a text table: it is {}", path.display(), kind.describe())]
    NotText {
        path: PathBuf,
        kind: crate::format::Binary,
    },
    #[error("unknown file type for {}: expected .csv, .tsv, .txt, .parquet, .arrow, .ipc or .feather", path.display())]
    UnknownFormat { path: PathBuf },
    #[error("column \"{column}\" not found in {}", path.display())]
    UnknownColumn {
        path: PathBuf,
        column: String,
        available: Vec<String>,
    },
    #[error("duplicate column {} in {}: {}", if names.len() == 1 { "name" } else { "names" }, path.display(),
        names.iter().map(|(n, at)| format!("\"{n}\" (columns {})", at.iter().map(|c| c.to_string()).collect::<Vec<_>>().join(" and "))).collect::<Vec<_>>().join(", "))]
    DuplicateColumns {
        path: PathBuf,
        /// Each repeated name with its 1-based column positions.
        names: Vec<(String, Vec<usize>)>,
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
    #[error(
        "invalid --where expression {}: {message}",
        crate::filter::quote_condition(expr)
    )]
    Where {
        expr: String,
        message: String,
        /// The condition and a line of carets under the part to blame, if one part is.
        caret: Option<[String; 2]>,
        /// Specific follow-ups (closest column, the columns, how to quote); general advice if empty.
        details: Vec<String>,
    },
    #[error("no rows left in {} {reason}", path.display())]
    Empty { path: PathBuf, reason: String },
    /// The output path cannot take a result (missing folder, a folder, a link to nothing, not creatable).
    #[error("cannot write {}: {reason}", path.display())]
    Write { path: PathBuf, reason: String },
    /// Writing the result failed part-way (disk full, file-size limit, device error); the output is unchanged.
    #[error("could not write {}: {reason}", path.display())]
    WriteFailed { path: PathBuf, reason: String },
    /// The output is a file the run reads: writing it would replace the data with the result.
    #[error("refusing to write {}: it is the input {} of this run, and the result would replace it", output.display(), input.display())]
    OutputIsInput { output: PathBuf, input: PathBuf },
    #[error("reading {}: {message}", path.display())]
    Polars { path: PathBuf, message: String },
    #[error("malformed gene set file {}{}: {message}", path.display(), line.map(|l| format!(" at line {l}")).unwrap_or_default())]
    GeneSets {
        path: PathBuf,
        line: Option<u64>,
        message: String,
    },
    #[error("unknown gene set \"{name}\" (looked in {searched})")]
    UnknownSet {
        name: String,
        searched: String,
        available: Vec<String>,
    },
    #[error("duplicate sample {} in {}: {}", if samples.len() == 1 { "name" } else { "names" }, path.display(), samples.join(", "))]
    DuplicateSamples { path: PathBuf, samples: Vec<String> },
    #[error("non-numeric expression value \"{value}\" for gene \"{gene}\", sample \"{sample}\" at {location} of {}", path.display())]
    NonNumericExpression {
        path: PathBuf,
        gene: String,
        sample: String,
        location: String,
        value: String,
    },
    #[error("none of the {n_genes} genes of set \"{set}\" is in {}", path.display())]
    NoGenesMatched {
        path: PathBuf,
        set: String,
        n_genes: usize,
        /// A few row identifiers of the matrix, to show what the file's identifiers look like.
        examples: Vec<String>,
    },
    #[error("cBioPortal study {}: {message}", dir.display())]
    Study { dir: PathBuf, message: String },
}

impl IoError {
    /// The same error naming `to` where it named `from`: a streamed input's temporary copy is reported as the path
    /// the user gave.
    pub fn renamed(mut self, from: &Path, to: &Path) -> IoError {
        if let Some(p) = self.path_mut() {
            if p == from {
                *p = to.to_path_buf();
            }
        }
        if let IoError::Polars { message, .. }
        | IoError::Malformed { message, .. }
        | IoError::GeneSets { message, .. } = &mut self
        {
            *message = message.replace(&*from.to_string_lossy(), &to.to_string_lossy());
        }
        self
    }

    fn path_mut(&mut self) -> Option<&mut PathBuf> {
        match self {
            IoError::Open { path, .. }
            | IoError::Unreadable { path, .. }
            | IoError::NotText { path, .. }
            | IoError::UnknownFormat { path }
            | IoError::UnknownColumn { path, .. }
            | IoError::DuplicateColumns { path, .. }
            | IoError::Malformed { path, .. }
            | IoError::NonNumeric { path, .. }
            | IoError::InvalidValue { path, .. }
            | IoError::AmbiguousEvent { path, .. }
            | IoError::EventValueAbsent { path, .. }
            | IoError::Empty { path, .. }
            | IoError::Write { path, .. }
            | IoError::WriteFailed { path, .. }
            | IoError::Polars { path, .. }
            | IoError::GeneSets { path, .. }
            | IoError::DuplicateSamples { path, .. }
            | IoError::NonNumericExpression { path, .. }
            | IoError::NoGenesMatched { path, .. } => Some(path),
            IoError::OutputIsInput { input, .. } => Some(input),
            IoError::Study { dir, .. } => Some(dir),
            IoError::Where { .. } | IoError::UnknownSet { .. } => None,
        }
    }

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
            IoError::Unreadable { .. } => vec![
                "a column has a type polars cannot hold (float16, interval, union, ...), even if unused: convert it \
                 (float16 to float32, say) or write the file without it, or save the table as CSV"
                    .into(),
                "if no column has such a type, please report this with the command and the file's column types".into(),
            ],
            IoError::AmbiguousEvent { .. } => vec![
                "sigsurv reads 0/1, true/false, R's 1/2 (1 = censored, 2 = event), or cBioPortal \"0:LIVING\"/\"1:DECEASED\"".into(),
                "name the event value with --event-value VALUE".into(),
            ],
            IoError::EventValueAbsent { values, .. } => vec![format!("values seen: {}", values.join(", "))],
            IoError::NonNumeric { .. } => {
                vec!["fix or remove the value; missing values may be written as NA or left empty".into()]
            }
            IoError::UnknownSet {
                name, available, ..
            } => {
                let mut h = Vec::new();
                if available.is_empty() {
                    h.push("no gene sets available: pass a GMT file with --gmt".into());
                } else if available.len() <= 30 {
                    h.push(format!("available sets: {}", available.join(", ")));
                } else {
                    h.push(format!(
                        "available sets ({} in all), e.g.: {}",
                        available.len(),
                        available[..30].join(", ")
                    ));
                }
                if let Some(s) = crate::suggest::closest(name, available) {
                    h.push(format!("did you mean \"{s}\"?"));
                }
                h
            }
            IoError::NotText { path, kind } => vec![kind.fix(path)],
            IoError::InvalidValue { what, .. } if what == "event value" => vec![
                "an event value is 0/1, 1/2 (R's coding), true/false or cBioPortal's 0:/1:; write a missing value as NA or leave the cell empty".into(),
            ],
            IoError::DuplicateColumns { .. } => vec![
                "rename the columns so that each name is used once: sigsurv does not guess which one is meant".into(),
            ],
            IoError::DuplicateSamples { .. } => vec![
                "every sample must have one column (or row, with --samples-in-rows); rename or remove the repeats".into(),
            ],
            IoError::NonNumericExpression { .. } => vec![
                "expression values must be numbers; missing values may be written as NA, NaN or left empty".into(),
                "if the file has samples in rows and genes in columns, pass --samples-in-rows".into(),
            ],
            IoError::NoGenesMatched { examples, .. } => vec![
                format!("the matrix's gene identifiers look like: {}", examples.join(", ")),
                "genes are matched by symbol (any case, known aliases such as IL8 = CXCL8); check the identifier column (--gene-column) and the layout (--samples-in-rows)".into(),
            ],
            IoError::GeneSets { .. } => vec![
                "GMT lines are: set name<TAB>description<TAB>gene<TAB>gene...".into(),
            ],
            IoError::OutputIsInput { .. } => vec![
                "write the result to another file (the same file is recognised through links and `..`)".into(),
            ],
            IoError::UnknownFormat { .. } => vec!["for other delimited text files pass --delimiter".into()],
            IoError::Where { caret, details, .. } => {
                let mut h: Vec<String> = caret.iter().flatten().cloned().collect();
                if details.is_empty() {
                    h.push("write an SQL condition over the table's columns, e.g. --where \"age >= 50 AND er = 1\"".into());
                    h.push("text values go in single quotes ('yes'); column names with spaces or dashes in double quotes (\"ER status\")".into());
                } else {
                    h.extend(details.iter().cloned());
                }
                h
            }
            _ => Vec::new(),
        }
    }
}

pub type Result<T> = std::result::Result<T, IoError>;
