//! Reading the columns an analysis needs from a table file.
//!
//! One lazy polars scan: with `--where`, a row index is attached first (so messages can name the file line of
//! any kept row) and the condition is pushed into the scan; only the requested columns are selected, and then
//! rows with a missing value in any of them are dropped and counted, as R's `na.omit` on the model frame. The
//! columns are then moved out of polars one at a time (each freed once copied): numbers as `f64`, text as codes
//! into its distinct values (see [`TextColumn`]).

mod numbers;
mod text;

pub use text::TextColumn;

use crate::error::{IoError, Result};
use crate::filter::{Condition, FilterError};
use crate::format::Format;
use crate::missing::MISSING_TOKENS;
use polars::prelude::*;
use std::path::{Path, PathBuf};

const ROW_INDEX: &str = "__sigsurv_row";

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
    Text(TextColumn),
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

/// A number as R prints it in a factor level: integers without a decimal point, `-0` as `0`.
pub use sigsurv_rformat::format_number;

/// The file row (0-based, before `--where`) of every kept row of a table: when no row was filtered or dropped,
/// row i is file row i and no list is kept (at millions of rows the list would be tens of megabytes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileRows {
    /// Rows 0..n, all kept.
    All(usize),
    /// The file row of each kept row.
    Listed(Vec<u64>),
}

impl FileRows {
    pub fn len(&self) -> usize {
        match self {
            FileRows::All(n) => *n,
            FileRows::Listed(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The file row of kept row `i`.
    pub fn get(&self, i: usize) -> u64 {
        match self {
            FileRows::All(_) => i as u64,
            FileRows::Listed(v) => v[i],
        }
    }

    /// The file rows of kept rows, in order.
    pub fn iter(&self) -> impl Iterator<Item = u64> + '_ {
        (0..self.len()).map(|i| self.get(i))
    }
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
    pub rows: FileRows,
    pub columns: Vec<(String, ColumnValues)>,
}

impl Table {
    pub fn n(&self) -> usize {
        self.rows.len()
    }

    /// The table of the rows where `keep` is true, in order (a subset of the kept rows: `n_read` and the missing
    /// counts stay those of the file).
    pub fn retain_rows(&self, keep: &[bool]) -> Table {
        Table {
            path: self.path.clone(),
            format: self.format,
            n_read: self.n_read,
            n_dropped: self.n_dropped,
            missing_by_column: self.missing_by_column.clone(),
            rows: FileRows::Listed(
                self.rows
                    .iter()
                    .zip(keep)
                    .filter(|(_, &k)| k)
                    .map(|(r, _)| r)
                    .collect(),
            ),
            columns: self
                .columns
                .iter()
                .map(|(n, c)| (n.clone(), c.clone().retain_rows(keep)))
                .collect(),
        }
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
        self.format.location(self.rows.get(i))
    }

    /// A column that must be numeric (a time, a weight). Text that does not parse as a number is an error naming
    /// the first offending value and its line; booleans read as 0/1.
    pub fn numeric(&self, name: &str) -> Result<Vec<f64>> {
        match self.get(name) {
            ColumnValues::Numeric(v) => Ok(v.clone()),
            ColumnValues::Bool(v) => Ok(v.iter().map(|&b| f64::from(u8::from(b))).collect()),
            ColumnValues::Text(v) => {
                // Parse each distinct value once; the error names the first row holding a bad one.
                let parsed: Vec<Option<f64>> = v
                    .levels()
                    .iter()
                    .map(|s| s.trim().parse::<f64>().ok())
                    .collect();
                v.codes()
                    .iter()
                    .enumerate()
                    .map(|(i, &c)| {
                        parsed[c as usize].ok_or_else(|| IoError::NonNumeric {
                            path: self.path.clone(),
                            column: name.to_string(),
                            location: self.location(i),
                            value: v[i].clone(),
                        })
                    })
                    .collect()
            }
        }
    }

    /// Removes a column and returns it as numbers, as [`Table::numeric`] would (a numeric column is moved, not
    /// copied). Later `get`s of this column panic: take only columns nothing else reads.
    pub fn take_numeric(&mut self, name: &str) -> Result<Vec<f64>> {
        let pos = self
            .columns
            .iter()
            .position(|(n, _)| n == name)
            .expect("column was requested");
        if !matches!(self.columns[pos].1, ColumnValues::Numeric(_)) {
            let v = self.numeric(name)?;
            self.columns.remove(pos);
            return Ok(v);
        }
        match self.columns.remove(pos).1 {
            ColumnValues::Numeric(v) => Ok(v),
            _ => unreachable!("checked above"),
        }
    }

    /// Removes a column and returns its values (to use them without a copy).
    pub fn take(&mut self, name: &str) -> ColumnValues {
        let pos = self
            .columns
            .iter()
            .position(|(n, _)| n == name)
            .expect("column was requested");
        self.columns.remove(pos).1
    }

    /// Removes a column (to free its memory once it was decoded).
    pub fn remove(&mut self, name: &str) {
        self.columns.retain(|(n, _)| n != name);
    }
}

/// The column names of a table, without reading its rows.
pub fn column_names(spec: &TableSpec) -> Result<Vec<String>> {
    from_readable(spec, |spec| {
        crate::panic_guard::catch(&spec.path, || {
            let (mut lf, format) = scan(spec, false)?;
            let schema = lf.collect_schema().map_err(|e| polars_err(&spec.path, e))?;
            check_unique_names(spec, format, &schema)?;
            Ok(schema.iter_names().map(|n| n.to_string()).collect())
        })
    })
}

/// Reads `columns` (each must exist) from the table, applies the filter, drops rows with a missing value in any
/// of them and reports how many. A file polars cannot represent is [`IoError::Unreadable`], never a panic.
pub fn read_table(spec: &TableSpec, columns: &[&str]) -> Result<Table> {
    from_readable(spec, |spec| {
        crate::panic_guard::catch(&spec.path, || read_table_unguarded(spec, columns))
    })
    .map(|mut table| {
        table.path.clone_from(&spec.path);
        table
    })
}

/// Runs `read` on the file to read for `spec` (a stream's temporary copy, see [`crate::stream_input`]), with
/// errors naming the user's path.
fn from_readable<T>(spec: &TableSpec, read: impl FnOnce(&TableSpec) -> Result<T>) -> Result<T> {
    let path = crate::stream_input::readable(&spec.path)?;
    if path == spec.path {
        return read(spec);
    }
    let copy = TableSpec {
        path: path.clone(),
        ..spec.clone()
    };
    read(&copy).map_err(|e| e.renamed(&path, &spec.path))
}

fn read_table_unguarded(spec: &TableSpec, columns: &[&str]) -> Result<Table> {
    let strict = read_columns(spec, columns, false);
    let Err(strict_err) = strict else {
        return strict;
    };
    // Text that is not UTF-8 (latin-1, Windows-1252) is an error only in a column the run uses; elsewhere (a
    // free-text comment column) the file is read with such bytes replaced, as they are never looked at.
    let Ok(Format::Delimited(sep)) = Format::detect(&spec.path, spec.delimiter) else {
        return Err(strict_err);
    };
    let bad = non_utf8_columns(&spec.path, sep);
    if bad.is_empty() {
        return Err(strict_err);
    }
    let used = |name: &str| {
        columns.contains(&name) || spec.filter.as_deref().is_some_and(|f| f.contains(name))
    };
    if let Some((line, column, byte)) = bad.iter().find(|(_, c, _)| used(c)) {
        return Err(IoError::Malformed {
            path: spec.path.clone(),
            line: Some(*line),
            message: non_utf8_message(column, *byte),
        });
    }
    read_columns(spec, columns, true)
}

/// Reads the table; `lossy` replaces bytes that are not UTF-8 (only done when no column used holds one).
fn read_columns(spec: &TableSpec, columns: &[&str], lossy: bool) -> Result<Table> {
    let (mut lf, format) = scan(spec, lossy)?;
    let schema = lf
        .collect_schema()
        .map_err(|e| diagnose_collect_error(spec, format, &e.to_string()))?;
    check_unique_names(spec, format, &schema)?;
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
    // The file row of every row kept by --where; without --where row i is row i and no index is needed.
    let mut select: Vec<Expr> = Vec::new();
    if let Some(cond) = &spec.filter {
        let mut schema = (*schema).clone();
        let padded = padded_number_columns(&lf, &schema, cond)
            .map_err(|e| diagnose_collect_error(spec, format, &e.to_string()))?;
        if !padded.is_empty() {
            // Rare (a padded number in a column the condition compares): the table is read whole, those
            // columns parsed as numbers, and the condition applied to that.
            let mut df = lf
                .collect()
                .map_err(|e| diagnose_collect_error(spec, format, &e.to_string()))?;
            for name in padded {
                let parsed: Float64Chunked = df
                    .column(&name)
                    .and_then(|c| c.str().cloned())
                    .map_err(|e| polars_err(&spec.path, e))?
                    .iter()
                    .map(|v| v.and_then(|v| numbers::parse_number(v.trim())))
                    .collect();
                df.with_column(parsed.with_name(name.clone()).into_column())
                    .map_err(|e| polars_err(&spec.path, e))?;
                schema.with_column(name, DataType::Float64);
            }
            lf = df.lazy();
        }
        lf = lf
            .with_row_index(ROW_INDEX, None)
            .filter(where_expr(cond, &schema)?);
        select.push(col(ROW_INDEX));
    }
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
    let any_missing = missing_by_column.iter().any(|(_, n)| *n > 0);
    let df = if any_missing {
        df.filter(&keep).map_err(|e| polars_err(&spec.path, e))?
    } else {
        df
    };
    let n_dropped = n_read - df.height();

    let mut columns = df.into_columns().into_iter();
    let index = spec
        .filter
        .as_ref()
        .map(|_| columns.next().expect("the row index was selected"));
    let mut out = Vec::with_capacity(wanted.len());
    for (c, column) in wanted.iter().zip(columns) {
        let values = extract(&column).map_err(|e| polars_err(&spec.path, e))?;
        // Freed and trimmed before the next column is copied, so at most one column is held twice.
        drop(column);
        crate::memory::release_freed();
        out.push((c.to_string(), values));
    }
    let mut rows = match index {
        Some(index) => {
            let index = index
                .cast(&DataType::UInt64)
                .map_err(|e| polars_err(&spec.path, e))?;
            let ca = index.u64().map_err(|e| polars_err(&spec.path, e))?;
            FileRows::Listed(ca.into_no_null_iter().collect())
        }
        None if any_missing => FileRows::Listed(
            keep.iter()
                .enumerate()
                .filter(|(_, k)| *k == Some(true))
                .map(|(i, _)| i as u64)
                .collect(),
        ),
        None => FileRows::All(n_read),
    };
    let n_dropped = n_dropped + drop_trimmed_missing(&mut out, &mut rows, &mut missing_by_column);
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

/// Applies [`numbers::trim_text_cells`] to every column: text columns of numbers become numeric, and rows with a
/// missing-value token among spaces (`" NA"`) are dropped from every column and counted under their column (rows
/// already dropped for a missing value elsewhere are not counted again). Returns how many rows it dropped.
fn drop_trimmed_missing(
    columns: &mut [(String, ColumnValues)],
    rows: &mut FileRows,
    missing_by_column: &mut [(String, usize)],
) -> usize {
    let mut missing: Option<Vec<bool>> = None;
    for ((_, values), (_, count)) in columns.iter_mut().zip(missing_by_column.iter_mut()) {
        let trimmed =
            numbers::trim_text_cells(std::mem::replace(values, ColumnValues::Numeric(Vec::new())));
        *values = trimmed.values;
        if let Some(m) = trimmed.missing {
            *count += m.iter().filter(|&&x| x).count();
            match &mut missing {
                None => missing = Some(m),
                Some(all) => all.iter_mut().zip(&m).for_each(|(a, b)| *a |= *b),
            }
        }
    }
    let Some(missing) = missing else { return 0 };
    let keep: Vec<bool> = missing.iter().map(|m| !m).collect();
    for (_, values) in columns.iter_mut() {
        let v = std::mem::replace(values, ColumnValues::Numeric(Vec::new()));
        *values = v.retain_rows(&keep);
    }
    *rows = FileRows::Listed(
        rows.iter()
            .zip(&keep)
            .filter(|(_, &k)| k)
            .map(|(r, _)| r)
            .collect(),
    );
    missing.iter().filter(|&&m| m).count()
}

/// A column's values (without missing values) in our representation.
fn extract(column: &Column) -> PolarsResult<ColumnValues> {
    let dtype = column.dtype();
    if dtype.is_primitive_numeric() {
        return Ok(ColumnValues::Numeric(to_f64(
            column.as_materialized_series(),
        )?));
    }
    if dtype == &DataType::Boolean {
        let ca = column.bool()?;
        let mut out = Vec::with_capacity(ca.len());
        for arr in ca.downcast_iter() {
            out.extend(arr.values_iter());
        }
        return Ok(ColumnValues::Bool(out));
    }
    let cast = column.cast(&DataType::String)?;
    Ok(ColumnValues::Text(encode_text(cast.str()?)))
}

/// A numeric column as `f64` values (`as f64`, the same conversion as polars' cast), read chunk by chunk
/// without an intermediate `f64` copy of the column.
fn to_f64(s: &Series) -> PolarsResult<Vec<f64>> {
    macro_rules! convert {
        ($ca:expr) => {{
            let ca = $ca;
            let mut out = Vec::with_capacity(ca.len());
            for arr in ca.downcast_iter() {
                out.extend(arr.values().iter().map(|&v| v as f64));
            }
            out
        }};
    }
    Ok(match s.dtype() {
        DataType::Float64 => convert!(s.f64()?),
        DataType::Float32 => convert!(s.f32()?),
        DataType::Int64 => convert!(s.i64()?),
        DataType::Int32 => convert!(s.i32()?),
        DataType::Int16 => convert!(s.i16()?),
        DataType::Int8 => convert!(s.i8()?),
        DataType::UInt64 => convert!(s.u64()?),
        DataType::UInt32 => convert!(s.u32()?),
        DataType::UInt16 => convert!(s.u16()?),
        DataType::UInt8 => convert!(s.u8()?),
        _ => {
            let cast = s.cast(&DataType::Float64)?;
            convert!(cast.f64()?)
        }
    })
}

/// Text values, trimmed, as codes into their distinct values: one hash lookup per row and an allocation per
/// distinct value only.
fn encode_text(ca: &StringChunked) -> TextColumn {
    // Arrow string views hold values of up to 12 bytes inline, zero-padded: the 16-byte view itself is then a
    // key that hashes faster than the string. Longer values are looked up by content.
    const MAX_INLINE: u32 = 12;
    let mut inline: PlHashMap<u128, u32> = PlHashMap::default();
    let mut index: PlHashMap<&str, u32> = PlHashMap::default();
    let mut raw: Vec<&str> = Vec::new();
    let mut codes = Vec::with_capacity(ca.len());
    for arr in ca.downcast_iter() {
        for (i, view) in arr.views().iter().enumerate() {
            let mut by_content = |v| -> u32 {
                *index.entry(v).or_insert_with(|| {
                    raw.push(v);
                    raw.len() as u32 - 1
                })
            };
            let c = if view.length <= MAX_INLINE {
                let key = view.as_u128();
                match inline.get(&key) {
                    Some(&c) => c,
                    None => {
                        let c = by_content(arr.value(i));
                        inline.insert(key, c);
                        c
                    }
                }
            } else {
                by_content(arr.value(i))
            };
            codes.push(c);
        }
    }
    // Values that differ only by surrounding spaces are one level (first appearance order is kept: the raw
    // values are in order of first appearance, so are their trimmed forms).
    let mut trimmed: PlHashMap<&str, u32> = PlHashMap::default();
    let mut levels: Vec<String> = Vec::new();
    let map: Vec<u32> = raw
        .iter()
        .map(|v| {
            let t = v.trim();
            *trimmed.entry(t).or_insert_with(|| {
                levels.push(t.to_string());
                levels.len() as u32 - 1
            })
        })
        .collect();
    if levels.len() < raw.len() {
        codes.iter_mut().for_each(|c| *c = map[*c as usize]);
    }
    TextColumn::from_parts(codes, levels)
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

/// The text columns named in the condition `cond` whose every value is a number once trimmed (or a missing-value
/// token): the columns [`numbers`] reads as numeric, so that `--where "age > 60"` compares them as numbers too.
fn padded_number_columns(
    lf: &LazyFrame,
    schema: &Schema,
    cond: &str,
) -> PolarsResult<Vec<PlSmallStr>> {
    let mut found = Vec::new();
    for (name, dtype) in schema.iter() {
        if *dtype != DataType::String || !cond.contains(name.as_str()) {
            continue;
        }
        let distinct = lf.clone().select([col(name.clone()).unique()]).collect()?;
        let values = distinct.column(name)?.str()?.clone();
        if numbers::numeric_values(values.iter().flatten().map(str::trim)).is_some() {
            found.push(name.clone());
        }
    }
    Ok(found)
}

/// Refuses a delimited file whose header names a column twice: polars renames the repeat `NAME_duplicated_0`, and
/// reading `NAME` would silently take the first. Only when polars renamed something is the header read again.
fn check_unique_names(spec: &TableSpec, format: Format, schema: &Schema) -> Result<()> {
    let Format::Delimited(sep) = format else {
        return Ok(());
    };
    if !schema.iter_names().any(|n| n.contains("_duplicated_")) {
        return Ok(());
    }
    let pl_path = PlRefPath::new(spec.path.to_string_lossy().as_ref());
    let header = LazyCsvReader::new(pl_path)
        .with_has_header(false)
        .with_separator(sep)
        .with_comment_prefix(None)
        .with_n_rows(Some(1))
        .with_infer_schema_length(Some(0))
        .finish()
        .and_then(|lf| lf.collect())
        .map_err(|e| polars_err(&spec.path, e))?;
    let names: Vec<String> = header
        .columns()
        .iter()
        .map(|c| match c.get(0) {
            Ok(AnyValue::String(s)) => s.to_string(),
            Ok(AnyValue::StringOwned(s)) => s.to_string(),
            _ => String::new(),
        })
        .collect();
    // Positions of each name, names in order of first appearance.
    let mut positions: PlHashMap<&str, usize> = PlHashMap::default();
    let mut by_name: Vec<(String, Vec<usize>)> = Vec::new();
    for (i, n) in names.iter().enumerate() {
        let k = *positions.entry(n.as_str()).or_insert_with(|| {
            by_name.push((n.clone(), Vec::new()));
            by_name.len() - 1
        });
        by_name[k].1.push(i + 1);
    }
    let repeated: Vec<(String, Vec<usize>)> =
        by_name.into_iter().filter(|(_, at)| at.len() > 1).collect();
    if repeated.is_empty() {
        return Ok(());
    }
    Err(IoError::DuplicateColumns {
        path: spec.path.clone(),
        names: repeated,
    })
}

/// A lazy scan of the file and its format.
fn scan(spec: &TableSpec, lossy: bool) -> Result<(LazyFrame, Format)> {
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
    if let Format::Delimited(_) = format {
        crate::format::check_is_text(path)?;
    }
    let pl_path = PlRefPath::new(path.to_string_lossy().as_ref());
    let lf = match format {
        Format::Delimited(sep) => LazyCsvReader::new(pl_path)
            .with_has_header(true)
            .with_separator(sep)
            .with_comment_prefix(None)
            .with_infer_schema_length(Some(100_000))
            .with_encoding(if lossy {
                CsvEncoding::LossyUtf8
            } else {
                CsvEncoding::Utf8
            })
            .with_null_values(Some(NullValues::AllColumns(
                MISSING_TOKENS.iter().map(|s| (*s).into()).collect(),
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
        if let Some((line, column, byte)) = non_utf8_columns(&spec.path, sep).into_iter().next() {
            return IoError::Malformed {
                path: spec.path.clone(),
                line: Some(line),
                message: non_utf8_message(&column, byte),
            };
        }
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

fn non_utf8_message(column: &str, byte: u8) -> String {
    format!(
        "column \"{column}\" holds the byte 0x{byte:02X}, which is not UTF-8 text (latin-1 or Windows-1252?); \
         convert the file, e.g. `iconv -f latin1 -t utf-8 in.csv > out.csv`"
    )
}

/// Every column holding a byte that is not valid UTF-8, with the line of its first such byte (the header is
/// line 1), the column's header name (quote-aware field count) and the byte; in file order. Empty for UTF-8.
fn non_utf8_columns(path: &Path, sep: u8) -> Vec<(u64, String, u8)> {
    let Ok(text) = std::fs::read(path) else {
        return Vec::new();
    };
    let header_end = text.iter().position(|&b| b == b'\n').unwrap_or(text.len());
    let header = String::from_utf8_lossy(&text[..header_end]);
    let names: Vec<String> = header
        .trim_end_matches('\r')
        .split(sep as char)
        .map(|c| c.trim_matches('"').to_string())
        .collect();
    let mut found: Vec<(u64, String, u8)> = Vec::new();
    // Lines are counted as the scan moves on, so many bad bytes cost one pass over the file.
    let (mut at, mut line, mut line_start) = (0, 1u64, 0);
    while let Err(e) = std::str::from_utf8(&text[at..]) {
        let bad = at + e.valid_up_to();
        for (i, &b) in text[at..bad].iter().enumerate() {
            if b == b'\n' {
                line += 1;
                line_start = at + i + 1;
            }
        }
        let mut in_quotes = false;
        let field = text[line_start..bad]
            .iter()
            .filter(|&&b| {
                if b == b'"' {
                    in_quotes = !in_quotes;
                }
                !in_quotes && b == sep
            })
            .count();
        let column = names
            .get(field)
            .cloned()
            .unwrap_or_else(|| format!("{}", field + 1));
        if !found.iter().any(|(_, c, _)| *c == column) {
            found.push((line, column, text[bad]));
            if found.len() == names.len() {
                break;
            }
        }
        at = bad + e.error_len().unwrap_or(text.len() - bad).max(1);
        if at >= text.len() {
            break;
        }
    }
    found
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
