//! Reading a file: the layout plan shared by every format, delimited text by [`super::text`], Parquet and Arrow
//! IPC by polars (every column read, then each value column as Float64).

use super::{ExpressionSpec, Layout};
use crate::error::{IoError, Result};
use crate::format::Format;
use crate::missing::expression_missing_tokens;
use polars::prelude::*;
use std::path::Path;

/// The header of a delimited matrix: its names (an empty first name where R's `write.table` left the row-name
/// column without one), whether it is a GCT file, GCT's dimensions line, and the number of lines before the data.
pub(super) struct Header {
    pub names: Vec<String>,
    pub is_gct: bool,
    pub gct_dims: Option<(usize, usize)>,
    pub lines: u64,
}

/// Reads the header from the first lines (`next_line` gives each without its line end, `None` at the end).
pub(super) fn read_header_lines(
    path: &Path,
    sep: u8,
    mut next_line: impl FnMut() -> Result<Option<String>>,
) -> Result<Header> {
    let first = next_line()?.ok_or_else(|| IoError::Empty {
        path: path.to_path_buf(),
        reason: "(the file is empty)".into(),
    })?;
    let first = first.strip_prefix('\u{feff}').unwrap_or(&first).to_string();
    let is_gct = first.starts_with("#1.");
    let mut gct_dims = None;
    let header_line_text = if is_gct {
        if !first.starts_with("#1.2") {
            return Err(malformed(
                path,
                Some(1),
                format!(
                    "GCT version \"{}\" is not supported (only #1.2)",
                    first.trim()
                ),
            ));
        }
        let dims = next_line()?.unwrap_or_default();
        let d: Vec<usize> = dims
            .split(sep as char)
            .filter(|f| !f.trim().is_empty())
            .filter_map(|f| f.trim().parse().ok())
            .collect();
        if d.len() != 2 {
            return Err(malformed(
                path,
                Some(2),
                format!(
                    "expected the GCT dimensions line \"<rows><TAB><samples>\", found \"{dims}\""
                ),
            ));
        }
        gct_dims = Some((d[0], d[1]));
        next_line()?.unwrap_or_default()
    } else {
        first
    };
    let mut header = split_fields(&header_line_text, sep);
    // R's write.table leaves the row-name column without a header: the data lines have one field more.
    if let Some(data) = next_line()? {
        if split_fields(&data, sep).len() == header.len() + 1 {
            header.insert(0, String::new());
        }
    }
    Ok(Header {
        names: header,
        is_gct,
        gct_dims,
        lines: if is_gct { 3 } else { 1 },
    })
}

/// Whether a (trimmed) value is a missing expression value: one of `expression_missing_tokens`, in any case.
pub(super) fn is_expression_missing(value: &str) -> bool {
    expression_missing_tokens().any(|n| n.eq_ignore_ascii_case(value))
}

/// Whether a (trimmed, unquoted) gene or sample identifier is missing: `NA` in any case, or exactly one of
/// `expression_missing_tokens` (other spellings, such as `Null`, stay identifiers).
pub(super) fn is_missing_identifier(id: &str) -> bool {
    id.eq_ignore_ascii_case("NA") || expression_missing_tokens().any(|n| n == id)
}

const CBIO_SYMBOL: &str = "Hugo_Symbol";
const CBIO_ENTREZ: &str = "Entrez_Gene_Id";

/// The file as read: identifiers of its rows, names of its value columns, and the values already arranged
/// genes × samples (row-major).
pub(super) struct Raw {
    pub format: Format,
    pub layout: Layout,
    pub ids: Vec<String>,
    pub value_names: Vec<String>,
    pub values: Vec<f64>,
    pub n_entrez_fallback: usize,
}

/// Which columns are what.
pub(super) struct Plan {
    pub layout: Layout,
    pub id: usize,
    /// cBioPortal: the Entrez column used when the symbol is missing.
    pub fallback: Option<usize>,
    pub values: Vec<usize>,
}

pub(super) fn read_raw(spec: &ExpressionSpec) -> Result<Raw> {
    let path = &spec.path;
    if !path.exists() {
        return Err(open_err(path, "no such file".into()));
    }
    if path.is_dir() {
        return Err(open_err(path, "it is a directory".into()));
    }
    let format = Format::detect(path, spec.delimiter)?;
    match format {
        Format::Delimited(sep) => {
            crate::format::check_is_text(path)?;
            super::text::read_delimited(spec, sep)
        }
        Format::Parquet | Format::Ipc => {
            let (df, header, plan, first_data_line) = read_binary(spec, format)?;
            frame_to_raw(spec, format, &df, &header, &plan, first_data_line)
        }
    }
}

/// A polars frame read with `plan` as identifiers and values, arranged genes × samples. `first_data_line` is the
/// 1-based line of the frame's first row in delimited text (for messages; 0 for Parquet/IPC).
pub(super) fn frame_to_raw(
    spec: &ExpressionSpec,
    format: Format,
    df: &DataFrame,
    header: &[String],
    plan: &Plan,
    first_data_line: u64,
) -> Result<Raw> {
    let path = &spec.path;
    let location = |row: usize| match format {
        Format::Delimited(_) => format!("line {}", first_data_line + row as u64),
        _ => format!("row {}", row + 1),
    };
    let columns = df.columns();
    let n_rows = df.height();

    // Row identifiers.
    let id_text = text_column(&columns[plan.id]).map_err(|e| polars_err(path, e))?;
    let fallback = match plan.fallback {
        Some(c) => Some(text_column(&columns[c]).map_err(|e| polars_err(path, e))?),
        None => None,
    };
    let mut ids = Vec::with_capacity(n_rows);
    let mut n_entrez_fallback = 0;
    for (r, id) in id_text.into_iter().enumerate() {
        let id = match (id, &fallback) {
            (Some(s), _) => s,
            (None, Some(fb)) if fb[r].is_some() => {
                n_entrez_fallback += 1;
                fb[r].clone().unwrap_or_default()
            }
            _ => {
                let what = if plan.layout == Layout::SamplesInRows {
                    "sample id"
                } else {
                    "gene identifier"
                };
                return Err(IoError::Malformed {
                    path: path.clone(),
                    line: match format {
                        Format::Delimited(_) => Some(first_data_line + r as u64),
                        _ => None,
                    },
                    message: format!(
                        "missing {what} in column \"{}\"{}",
                        header[plan.id],
                        match format {
                            Format::Delimited(_) => String::new(),
                            _ => format!(" at row {}", r + 1),
                        }
                    ),
                });
            }
        };
        ids.push(id);
    }

    // Values, arranged genes × samples.
    let value_names: Vec<String> = plan.values.iter().map(|&c| header[c].clone()).collect();
    let n_cols = plan.values.len();
    let mut values = vec![f64::NAN; n_rows * n_cols];
    for (j, &c) in plan.values.iter().enumerate() {
        let col = column_f64(&columns[c]).map_err(|e| match e {
            Bad::Polars(e) => polars_err(path, e),
            Bad::Text(row, value) => {
                let (gene, sample) = if plan.layout == Layout::SamplesInRows {
                    (value_names[j].clone(), ids[row].clone())
                } else {
                    (ids[row].clone(), value_names[j].clone())
                };
                IoError::NonNumericExpression {
                    path: path.clone(),
                    gene,
                    sample,
                    location: location(row),
                    value,
                }
            }
        })?;
        if let Some(r) = col.iter().position(|v| v.is_infinite()) {
            let (gene, sample) = if plan.layout == Layout::SamplesInRows {
                (&value_names[j], &ids[r])
            } else {
                (&ids[r], &value_names[j])
            };
            return Err(IoError::InvalidValue {
                path: path.clone(),
                column: header[c].clone(),
                location: format!("{} (gene \"{gene}\", sample \"{sample}\")", location(r)),
                value: col[r].to_string(),
                what: "infinite expression value".into(),
            });
        }
        if plan.layout == Layout::SamplesInRows {
            // Column j is gene j: one contiguous row of the output.
            values[j * n_rows..(j + 1) * n_rows].copy_from_slice(&col);
        } else {
            // Column j is sample j: a strided column of the output.
            for (r, v) in col.into_iter().enumerate() {
                values[r * n_cols + j] = v;
            }
        }
    }
    Ok(Raw {
        format,
        layout: plan.layout,
        ids,
        value_names,
        values,
        n_entrez_fallback,
    })
}

/// Parquet / Arrow IPC: column names from the schema, all columns read.
fn read_binary(
    spec: &ExpressionSpec,
    format: Format,
) -> Result<(DataFrame, Vec<String>, Plan, u64)> {
    let path = &spec.path;
    let pl_path = PlRefPath::new(path.to_string_lossy().as_ref());
    let lf = match format {
        Format::Parquet => LazyFrame::scan_parquet(pl_path, ScanArgsParquet::default()),
        _ => LazyFrame::scan_ipc(
            pl_path,
            IpcScanOptions::default(),
            UnifiedScanArgs::default(),
        ),
    }
    .map_err(|e| polars_err(path, e))?;
    let df = lf.collect().map_err(|e| polars_err(path, e))?;
    let header: Vec<String> = df
        .get_column_names()
        .iter()
        .map(|n| n.to_string())
        .collect();
    let plan = plan_columns(spec, &header, false)?;
    Ok((df, header, plan, 0))
}

/// Decides the layout and which columns hold identifiers and values.
pub(super) fn plan_columns(spec: &ExpressionSpec, header: &[String], is_gct: bool) -> Result<Plan> {
    let index_of = |name: &str| -> Result<usize> {
        header
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| IoError::UnknownColumn {
                path: spec.path.clone(),
                column: name.to_string(),
                available: header.iter().take(50).cloned().collect(),
            })
    };
    let chosen = match &spec.gene_column {
        Some(name) => Some(index_of(name)?),
        None => None,
    };
    let rest = |skip: &[usize]| -> Vec<usize> {
        (0..header.len()).filter(|c| !skip.contains(c)).collect()
    };
    if spec.samples_in_rows {
        if is_gct {
            return Err(malformed(
                &spec.path,
                None,
                "GCT files have genes in rows; drop --samples-in-rows".into(),
            ));
        }
        let id = chosen.unwrap_or(0);
        return Ok(Plan {
            layout: Layout::SamplesInRows,
            id,
            fallback: None,
            values: rest(&[id]),
        });
    }
    if is_gct {
        if header.len() < 2 {
            return Err(malformed(
                &spec.path,
                Some(3),
                "a GCT header needs Name and Description columns".into(),
            ));
        }
        let id = chosen.unwrap_or(0);
        let mut skip = vec![0, 1];
        skip.push(id);
        return Ok(Plan {
            layout: Layout::Gct,
            id,
            fallback: None,
            values: rest(&skip),
        });
    }
    let leading: Vec<usize> = header
        .iter()
        .take_while(|h| *h == CBIO_SYMBOL || *h == CBIO_ENTREZ)
        .enumerate()
        .map(|(i, _)| i)
        .collect();
    if !leading.is_empty() {
        let symbol = leading.iter().copied().find(|&i| header[i] == CBIO_SYMBOL);
        let entrez = leading.iter().copied().find(|&i| header[i] == CBIO_ENTREZ);
        let (id, fallback) = match chosen {
            Some(c) => (c, None),
            None => match symbol {
                Some(s) => (s, entrez),
                None => (entrez.unwrap_or(0), None),
            },
        };
        let mut skip = leading.clone();
        skip.push(id);
        return Ok(Plan {
            layout: Layout::Cbioportal,
            id,
            fallback,
            values: rest(&skip),
        });
    }
    let id = chosen.unwrap_or(0);
    Ok(Plan {
        layout: Layout::GenesInRows,
        id,
        fallback: None,
        values: rest(&[id]),
    })
}

/// A column's values as trimmed text (`None` for null or empty).
fn text_column(column: &Column) -> PolarsResult<Vec<Option<String>>> {
    let cast = column.cast(&DataType::String)?;
    Ok(cast
        .str()?
        .iter()
        .map(|s| {
            s.map(|s| s.trim().trim_matches('"').trim())
                .filter(|s| !is_missing_identifier(s))
                .map(str::to_string)
        })
        .collect())
}

enum Bad {
    Polars(PolarsError),
    /// 0-based row and the text that is not a number.
    Text(usize, String),
}

/// A value column as f64, nulls as NaN. Text is parsed after trimming; the missing-value spellings read as NaN.
fn column_f64(column: &Column) -> std::result::Result<Vec<f64>, Bad> {
    let dtype = column.dtype();
    if dtype.is_primitive_numeric() {
        let cast = column.cast(&DataType::Float64).map_err(Bad::Polars)?;
        let ca = cast.f64().map_err(Bad::Polars)?.rechunk();
        if ca.null_count() == 0 {
            return Ok(ca.cont_slice().map_err(Bad::Polars)?.to_vec());
        }
        return Ok(ca.iter().map(|v| v.unwrap_or(f64::NAN)).collect());
    }
    let cast = column.cast(&DataType::String).map_err(Bad::Polars)?;
    let ca = cast.str().map_err(Bad::Polars)?;
    let mut out = Vec::with_capacity(ca.len());
    for (r, s) in ca.iter().enumerate() {
        let v = match s {
            None => f64::NAN,
            Some(s) => {
                let t = s.trim().trim_matches('"').trim();
                match t.parse::<f64>() {
                    Ok(v) => v,
                    Err(_) if is_expression_missing(t) => f64::NAN,
                    Err(_) => return Err(Bad::Text(r, s.to_string())),
                }
            }
        };
        out.push(v);
    }
    Ok(out)
}

/// Splits one line into fields, honouring double quotes; fields are unquoted and trimmed.
pub(super) fn split_fields(line: &str, sep: u8) -> Vec<String> {
    let sep = sep as char;
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_quotes = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if in_quotes && chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            '"' => in_quotes = !in_quotes,
            c if c == sep && !in_quotes => out.push(std::mem::take(&mut cur).trim().to_string()),
            c => cur.push(c),
        }
    }
    out.push(cur.trim().to_string());
    out
}

pub(super) fn open_err(path: &Path, reason: String) -> IoError {
    IoError::Open {
        path: path.to_path_buf(),
        reason,
    }
}

pub(super) fn malformed(path: &Path, line: Option<u64>, message: String) -> IoError {
    IoError::Malformed {
        path: path.to_path_buf(),
        line,
        message,
    }
}

pub(super) fn polars_err(path: &Path, e: PolarsError) -> IoError {
    IoError::Polars {
        path: path.to_path_buf(),
        message: e
            .to_string()
            .lines()
            .next()
            .unwrap_or("")
            .trim()
            .to_string(),
    }
}
