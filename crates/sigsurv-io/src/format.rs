//! Which reader a path needs.

use crate::error::{IoError, Result};
use std::io::Read;
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

/// A kind of file recognised by its first bytes, which a delimited-text reader cannot read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Binary {
    Gzip,
    Zstd,
    Bzip2,
    Xz,
    Zip,
    Parquet,
    ArrowIpc,
}

impl Binary {
    /// What the file is, for a message ("a gzip-compressed file").
    pub fn describe(self) -> &'static str {
        match self {
            Binary::Gzip => "a gzip-compressed file",
            Binary::Zstd => "a zstd-compressed file",
            Binary::Bzip2 => "a bzip2-compressed file",
            Binary::Xz => "an xz-compressed file",
            Binary::Zip => "a zip archive (or an Excel .xlsx workbook)",
            Binary::Parquet => "a Parquet file",
            Binary::ArrowIpc => "an Arrow IPC (Feather) file",
        }
    }

    /// How to read it.
    pub fn fix(self, path: &Path) -> String {
        let name = path.display();
        match self {
            Binary::Gzip => format!("sigsurv reads uncompressed text: decompress it first (gunzip -k {name}, or zcat {name} > table.csv)"),
            Binary::Zstd => format!("sigsurv reads uncompressed text: decompress it first (zstd -d {name})"),
            Binary::Bzip2 => format!("sigsurv reads uncompressed text: decompress it first (bunzip2 -k {name})"),
            Binary::Xz => format!("sigsurv reads uncompressed text: decompress it first (xz -dk {name})"),
            Binary::Zip => "extract the table, or save the sheet as CSV".to_string(),
            Binary::Parquet => "the reader is chosen by the file name: name it .parquet (or pass the real file)".to_string(),
            Binary::ArrowIpc => "the reader is chosen by the file name: name it .arrow or .feather".to_string(),
        }
    }
}

/// The kind of binary file at `path` by its magic bytes, if it is one; `None` for text (or an unreadable file,
/// which the reader then reports).
pub fn sniff_binary(path: &Path) -> Option<Binary> {
    let mut head = [0u8; 6];
    let mut file = std::fs::File::open(path).ok()?;
    let mut n = 0;
    while n < head.len() {
        match file.read(&mut head[n..]) {
            Ok(0) | Err(_) => break,
            Ok(k) => n += k,
        }
    }
    Binary::sniff(&head[..n])
}

impl Binary {
    /// The kind of binary data that starts with `head`, if any.
    pub fn sniff(head: &[u8]) -> Option<Binary> {
        let kinds: [(&[u8], Binary); 7] = [
            (&[0x1f, 0x8b], Binary::Gzip),
            (&[0x28, 0xb5, 0x2f, 0xfd], Binary::Zstd),
            (b"BZh", Binary::Bzip2),
            (&[0xfd, b'7', b'z', b'X', b'Z', 0x00], Binary::Xz),
            (b"PK\x03\x04", Binary::Zip),
            (b"PAR1", Binary::Parquet),
            (b"ARROW1", Binary::ArrowIpc),
        ];
        kinds
            .iter()
            .find(|(magic, _)| head.starts_with(magic))
            .map(|(_, kind)| *kind)
    }
}

/// Refuses a file about to be read as delimited text that is compressed or binary, saying what it is.
pub fn check_is_text(path: &Path) -> Result<()> {
    match sniff_binary(path) {
        Some(kind) => Err(IoError::NotText {
            path: path.to_path_buf(),
            kind,
        }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_files_are_recognised_by_their_first_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let cases: [(&[u8], Option<Binary>); 5] = [
            (&[0x1f, 0x8b, 8, 0], Some(Binary::Gzip)),
            (b"PAR1\x15\x04", Some(Binary::Parquet)),
            (b"ARROW1\0\0", Some(Binary::ArrowIpc)),
            (b"time,status\n1,0\n", None),
            (b"", None),
        ];
        for (i, (bytes, kind)) in cases.iter().enumerate() {
            let p = dir.path().join(format!("f{i}.csv"));
            std::fs::write(&p, bytes).unwrap();
            assert_eq!(sniff_binary(&p), *kind, "case {i}");
        }
    }
}
