//! Reading the columns an analysis needs from a table file.
//!
//! One lazy polars scan: a row index is attached first (so messages can name the file line of any kept row),
//! the `--where` condition is pushed into the scan, only the requested columns are selected, and then rows with
//! a missing value in any of them are dropped and counted, as R's `na.omit` on the model frame.

use crate::error::{IoError, Result};
use crate::filter::{Condition, FilterError};
use crate::format::Format;
use polars::prelude::*;
use std::path::{Path, PathBuf};

const ROW_INDEX: &str = "__sigsurv_row";
/// Strings read as missing in text files: R's `NA`, the empty cell, and cBioPortal's bracketed codes.
const NULL_STRINGS: [&str; 5] = ["", "NA", "[Not Available]", "[Not Applicable]", "[Unknown]"];

/// Where to read from.
#[derive(Clone, Debug, Default)]
pub struct TableSpec {
    pub path: PathBuf,
    /// Forces delimited text with this separator (otherwise chosen by extension).
    pub delimiter: Option<u8>,
    /// A row condition (`--where`, see [`crate::filter`]), e.g. `age >= 50 AND er = 1`.
    pub filter: Option<String>,
}

/// A column's values after missing rows were dropped.
#[derive(Clone, Debug, PartialEq)]
pub enum ColumnValues {
    Numeric(Vec<f64>),
    Text(Vec<String>),
    Bool(Vec<bool>),
}

impl ColumnValues {
    pub fn len(&self) -> usize {
        match self {
            ColumnValues::Numeric(v) => v.len(),
            ColumnValues::Text(v) => v.len(),
            ColumnValues::Bool(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The value of row `i` as written in the data (numbers without a trailing `.0`, as R prints them).
    pub fn label(&self, i: usize) -> String {
        match self {
            ColumnValues::Numeric(v) => format_number(v[i]),
            ColumnValues::Text(v) => v[i].clone(),
            ColumnValues::Bool(v) => v[i].to_string(),
        }
    }
}

/// Formats a number the way R prints it in a factor level: integers without a decimal point.
pub fn format_number(v: f64) -> String {
    format!("{v}")
}

/// The requested columns of a table, with missing rows dropped.
#[derive(Clone, Debug)]
pub struct Table {
    pub path: PathBuf,
    pub format: Format,
    /// Rows read (after `--where`, before dropping missing values).
    pub n_read: usize,
    /// Rows dropped for a missing value in any requested column.
    pub n_dropped: usize,
    /// For each requested column, how many rows had it missing (a row may count under several columns).
    pub missing_by_column: Vec<(String, usize)>,
    /// The 0-based data row (in the file, before `--where`) of every kept row.
    pub rows: Vec<u64>,
    pub columns: Vec<(String, ColumnValues)>,
}

impl Table {
    pub fn n(&self) -> usize {
        self.rows.len()
    }

    pub fn get(&self, name: &str) -> &ColumnValues {
        &self
            .columns
            .iter()
            .find(|(n, _)| n == name)
            .expect("column was requested")
            .1
    }

    /// Where kept row `i` sits in the file, for messages ("line 413" / "row 412").
    pub fn location(&self, i: usize) -> String {
        self.format.location(self.rows[i])
    }

    /// A column that must be numeric (a time, a weight). Text that does not parse as a number is an error naming
    /// the first offending value and its line; booleans read as 0/1.
    pub fn numeric(&self, name: &str) -> Result<Vec<f64>> {
        match self.get(name) {
            ColumnValues::Numeric(v) => Ok(v.clone()),
            ColumnValues::Bool(v) => Ok(v.iter().map(|&b| f64::from(u8::from(b))).collect()),
            ColumnValues::Text(v) => v
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    s.trim().parse::<f64>().map_err(|_| IoError::NonNumeric {
                        path: self.path.clone(),
                        column: name.to_string(),
                        location: self.location(i),
                        value: s.clone(),
                    })
                })
                .collect(),
        }
    }
}

/// The column names of a table, without reading its rows.
pub fn column_names(spec: &TableSpec) -> Result<Vec<String>> {
    let (mut lf, _) = scan(spec)?;
    let schema = lf.collect_schema().map_err(|e| polars_err(&spec.path, e))?;
    Ok(schema.iter_names().map(|n| n.to_string()).collect())
}

/// Reads `columns` (each must exist) from the table, applies the filter, drops rows with a missing value in any
/// of them and reports how many.
pub fn read_table(spec: &TableSpec, columns: &[&str]) -> Result<Table> {
    let (mut lf, format) = scan(spec)?;
    let schema = lf.collect_schema().map_err(|e| polars_err(&spec.path, e))?;
    let available: Vec<String> = schema.iter_names().map(|n| n.to_string()).collect();
    let mut wanted: Vec<&str> = Vec::new();
    for c in columns {
        if !available.iter().any(|a| a == c) {
            return Err(IoError::UnknownColumn {
                path: spec.path.clone(),
                column: c.to_string(),
                available,
            });
        }
        if !wanted.contains(c) {
            wanted.push(c);
        }
    }
    let mut lf = lf.with_row_index(ROW_INDEX, None);
    if let Some(cond) = &spec.filter {
        lf = lf.filter(where_expr(cond, &schema)?);
    }
    let mut select: Vec<Expr> = vec![col(ROW_INDEX)];
    select.extend(wanted.iter().map(|c| col(*c)));
    let df = lf
        .select(select)
        .collect()
        .map_err(|e| diagnose_collect_error(spec, format, &e.to_string()))?;
    let n_read = df.height();

    // Keep rows with every requested column present.
    let mut keep = BooleanChunked::full("keep".into(), true, n_read);
    let mut missing_by_column = Vec::with_capacity(wanted.len());
    for c in &wanted {
        let column = df.column(c).map_err(|e| polars_err(&spec.path, e))?;
        missing_by_column.push((c.to_string(), column.null_count()));
        if column.null_count() > 0 {
            keep = &keep & &column.is_not_null();
        }
    }
    let df = if missing_by_column.iter().any(|(_, n)| *n > 0) {
        df.filter(&keep).map_err(|e| polars_err(&spec.path, e))?
    } else {
        df
    };
    let n_dropped = n_read - df.height();

    let rows = df
        .column(ROW_INDEX)
        .and_then(|c| c.cast(&DataType::UInt64))
        .map_err(|e| polars_err(&spec.path, e))?
        .u64()
        .map_err(|e| polars_err(&spec.path, e))?
        .into_no_null_iter()
        .collect();
    let mut out = Vec::with_capacity(wanted.len());
    for c in &wanted {
        let column = df.column(c).map_err(|e| polars_err(&spec.path, e))?;
        out.push((
            c.to_string(),
            extract(column).map_err(|e| polars_err(&spec.path, e))?,
        ));
    }
    Ok(Table {
        path: spec.path.clone(),
        format,
        n_read,
        n_dropped,
        missing_by_column,
        rows,
        columns: out,
    })
}

fn extract(column: &Column) -> PolarsResult<ColumnValues> {
    let dtype = column.dtype();
    if dtype.is_primitive_numeric() {
        let cast = column.cast(&DataType::Float64)?;
        let ca = cast.f64()?.rechunk();
        return Ok(ColumnValues::Numeric(ca.cont_slice()?.to_vec()));
    }
    if dtype == &DataType::Boolean {
        return Ok(ColumnValues::Bool(
            column.bool()?.iter().map(|b| b.unwrap_or(false)).collect(),
        ));
    }
    let cast = column.cast(&DataType::String)?;
    Ok(ColumnValues::Text(
        cast.str()?
            .iter()
            .map(|s| s.unwrap_or("").trim().to_string())
            .collect(),
    ))
}

/// The polars expression of a `--where` condition over a table with this schema; errors name the column or show
/// the condition with a caret under the problem.
///
/// # R equivalent
/// `subset(d, cond)`: rows where the condition is `NA` (a comparison with a missing value) are dropped, as in SQL.
pub fn where_expr(cond: &str, schema: &Schema) -> Result<Expr> {
    let to_io = |e: FilterError| IoError::Where {
        expr: cond.to_string(),
        caret: e.caret(cond),
        message: e.message,
        details: e.hints,
    };
    Condition::parse(cond)
        .map_err(to_io)?
        .to_expr(schema)
        .map_err(to_io)
}

/// A lazy scan of the file and its format.
fn scan(spec: &TableSpec) -> Result<(LazyFrame, Format)> {
    let path = &spec.path;
    if !path.exists() {
        return Err(IoError::Open {
            path: path.clone(),
            reason: "no such file".into(),
        });
    }
    if path.is_dir() {
        return Err(IoError::Open {
            path: path.clone(),
            reason: "it is a directory".into(),
        });
    }
    let format = Format::detect(path, spec.delimiter)?;
    let pl_path = PlRefPath::new(path.to_string_lossy().as_ref());
    let lf = match format {
        Format::Delimited(sep) => LazyCsvReader::new(pl_path)
            .with_has_header(true)
            .with_separator(sep)
            .with_comment_prefix(None)
            .with_infer_schema_length(Some(100_000))
            .with_null_values(Some(NullValues::AllColumns(
                NULL_STRINGS.iter().map(|s| (*s).into()).collect(),
            )))
            .finish(),
        Format::Parquet => LazyFrame::scan_parquet(pl_path, ScanArgsParquet::default()),
        Format::Ipc => LazyFrame::scan_ipc(
            pl_path,
            IpcScanOptions::default(),
            UnifiedScanArgs::default(),
        ),
    }
    .map_err(|e| polars_err(path, e))?;
    Ok((lf, format))
}

/// Turns a failed read of delimited text into a message that names the line: polars' own messages often do not.
fn diagnose_collect_error(spec: &TableSpec, format: Format, msg: &str) -> IoError {
    if let Format::Delimited(sep) = format {
        if let Some(line) = first_ragged_line(&spec.path, sep) {
            return IoError::Malformed {
                path: spec.path.clone(),
                line: Some(line.0),
                message: line.1,
            };
        }
    }
    IoError::Polars {
        path: spec.path.clone(),
        message: first_line(msg),
    }
}

/// The first line whose field count differs from the header's (quote-aware), with a description.
pub fn first_ragged_line(path: &Path, sep: u8) -> Option<(u64, String)> {
    let text = std::fs::read(path).ok()?;
    let mut expected = None;
    let mut fields = 1usize;
    let mut in_quotes = false;
    let mut line = 1u64;
    let mut line_empty = true;
    for &b in &text {
        if b == b'"' {
            in_quotes = !in_quotes;
        } else if !in_quotes && b == sep {
            fields += 1;
        } else if !in_quotes && b == b'\n' {
            if !line_empty {
                match expected {
                    None => expected = Some(fields),
                    Some(e) if e != fields => {
                        return Some((
                            line,
                            format!("expected {e} fields as in the header, found {fields}"),
                        ))
                    }
                    _ => {}
                }
            }
            fields = 1;
            line += 1;
            line_empty = true;
            continue;
        }
        if b != b'\r' {
            line_empty = false;
        }
    }
    if !line_empty {
        if let Some(e) = expected {
            if e != fields {
                return Some((
                    line,
                    format!("expected {e} fields as in the header, found {fields}"),
                ));
            }
        }
    }
    None
}

fn polars_err(path: &Path, e: PolarsError) -> IoError {
    IoError::Polars {
        path: path.to_path_buf(),
        message: first_line(&e.to_string()),
    }
}

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or("").trim().to_string()
}
