//! Writing a table of columns (CSV, Parquet or Arrow IPC by extension), atomically (see [`crate::write`]).

use crate::error::{IoError, Result};
use crate::format::Format;
use polars::prelude::*;
use std::path::Path;

/// One output column.
#[derive(Clone, Debug)]
pub enum OutColumn {
    F64(Vec<f64>),
    I64(Vec<i64>),
    I32(Vec<i32>),
    Str(Vec<String>),
}

/// Writes the columns to `path` in the format its extension names; the file appears only when complete.
pub fn write_columns(path: &Path, columns: Vec<(String, OutColumn)>) -> Result<()> {
    let format = Format::detect(path, None)?;
    let err = |e: PolarsError| match e {
        // Writing itself failed (disk full, file-size limit): not the path's fault.
        PolarsError::IO { .. } => IoError::WriteFailed {
            path: path.to_path_buf(),
            reason: e.to_string(),
        },
        _ => IoError::Write {
            path: path.to_path_buf(),
            reason: e.to_string(),
        },
    };
    let cols: Vec<Column> = columns
        .into_iter()
        .map(|(name, c)| match c {
            OutColumn::F64(v) => Float64Chunked::from_vec(name.into(), v).into_column(),
            OutColumn::I64(v) => Int64Chunked::from_vec(name.into(), v).into_column(),
            OutColumn::I32(v) => Int32Chunked::from_vec(name.into(), v).into_column(),
            OutColumn::Str(v) => Column::new(name.into(), v),
        })
        .collect();
    let mut df = DataFrame::new_infer_height(cols).map_err(err)?;
    let mut failure: Option<PolarsError> = None;
    let written = crate::write::write_atomic_with(path, |w| {
        let r = match format {
            Format::Delimited(sep) => CsvWriter::new(w)
                .include_header(true)
                .with_separator(sep)
                .finish(&mut df),
            Format::Parquet => ParquetWriter::new(w)
                .with_compression(ParquetCompression::Zstd(None))
                .finish(&mut df)
                .map(|_| ()),
            Format::Ipc => IpcWriter::new(w).finish(&mut df),
        };
        r.map_err(|e| {
            let msg = e.to_string();
            failure = Some(e);
            std::io::Error::other(msg)
        })
    });
    match (written, failure) {
        (Ok(()), _) => Ok(()),
        (Err(_), Some(e)) => Err(err(e)),
        (Err(e), None) => Err(e),
    }
}
