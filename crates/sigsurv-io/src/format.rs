//! Which reader a path needs.

use crate::error::{IoError, Result};
use std::path::Path;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Delimited text with the given separator byte.
    Delimited(u8),
    Parquet,
    Ipc,
}

impl Format {
    /// From the extension (`.csv`, `.tsv`/`.tab`/`.txt`, `.parquet`/`.pq`, `.arrow`/`.ipc`/`.feather`), or the
    /// explicit delimiter, which always means delimited text.
    pub fn detect(path: &Path, delimiter: Option<u8>) -> Result<Format> {
        if let Some(d) = delimiter {
            return Ok(Format::Delimited(d));
        }
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        let name = name.strip_suffix(".gz").unwrap_or(&name);
        let ext = name.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
        match ext {
            "csv" => Ok(Format::Delimited(b',')),
            "tsv" | "tab" | "txt" | "gct" => Ok(Format::Delimited(b'\t')),
            "parquet" | "pq" => Ok(Format::Parquet),
            "arrow" | "ipc" | "feather" => Ok(Format::Ipc),
            _ => Err(IoError::UnknownFormat {
                path: path.to_path_buf(),
            }),
        }
    }

    /// How a 0-based data row is named in messages: a file line for text (header = line 1), a row otherwise.
    pub fn location(&self, row: u64) -> String {
        match self {
            Format::Delimited(_) => format!("line {}", row + 2),
            _ => format!("row {}", row + 1),
        }
    }
}
