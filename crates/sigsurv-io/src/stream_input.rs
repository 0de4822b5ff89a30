//! Inputs that are not regular files: a FIFO, a process substitution (`<(zcat x.csv.gz)` is `/dev/fd/63`),
//! `/dev/stdin`. polars maps a file into memory and may read it more than once, which a stream cannot do, so such
//! an input is read once into a temporary copy and every reader reads the copy. Messages still name the path the
//! user gave ([`IoError::renamed`]). The copies are removed by [`remove_copies`] when the run ends.

use crate::error::{IoError, Result};
use crate::format::{Binary, Format};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Each streamed input of this process and its copy (an input named twice is read once).
static COPIES: Mutex<Vec<(PathBuf, PathBuf)>> = Mutex::new(Vec::new());

const PREFIX: &str = "sigsurv-stream-";

/// The path to read for `path`: `path` itself for a regular file (or anything the readers report on, such as a
/// missing file or a folder), else a temporary copy of the stream's bytes.
///
/// # Errors
/// [`IoError::Open`] when the stream cannot be read or the copy cannot be written.
pub fn readable(path: &Path) -> Result<PathBuf> {
    let Ok(meta) = std::fs::metadata(path) else {
        return Ok(path.to_path_buf());
    };
    if meta.is_file() || meta.is_dir() {
        return Ok(path.to_path_buf());
    }
    let mut copies = COPIES.lock().unwrap_or_else(|p| p.into_inner());
    if let Some((_, copy)) = copies.iter().find(|(p, _)| p == path) {
        return Ok(copy.clone());
    }
    let copy = copy_stream(path, copies.len())?;
    copies.push((path.to_path_buf(), copy.clone()));
    Ok(copy)
}

/// Removes the temporary copies of streamed inputs (best effort).
pub fn remove_copies() {
    let mut copies = COPIES.lock().unwrap_or_else(|p| p.into_inner());
    for (_, copy) in copies.drain(..) {
        let _ = std::fs::remove_file(copy);
    }
}

fn copy_stream(path: &Path, n: usize) -> Result<PathBuf> {
    let open_err = |reason: String| IoError::Open {
        path: path.to_path_buf(),
        reason,
    };
    let mut input = std::fs::File::open(path).map_err(|e| open_err(e.to_string()))?;
    let mut head = vec![0u8; 64 * 1024];
    let mut len = 0;
    // The first bytes decide the copy's extension, which is how the readers choose a format.
    while len < head.len() {
        match input.read(&mut head[len..]) {
            Ok(0) => break,
            Ok(k) => len += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(open_err(e.to_string())),
        }
    }
    head.truncate(len);
    let ext = extension(path, &head);
    let dir = std::env::temp_dir();
    let copy = dir.join(format!("{PREFIX}{}-{n}.{ext}", std::process::id()));
    let write_err = |e: std::io::Error| {
        open_err(format!(
            "it is a stream (FIFO or pipe) and copying it to {} failed: {e}",
            dir.display()
        ))
    };
    let mut out = std::fs::File::create(&copy).map_err(write_err)?;
    let copied = out
        .write_all(&head)
        .and_then(|()| std::io::copy(&mut input, &mut out).map(|_| ()))
        .and_then(|()| out.flush());
    if let Err(e) = copied {
        let _ = std::fs::remove_file(&copy);
        return Err(write_err(e));
    }
    Ok(copy)
}

/// The extension the copy gets: the stream's own when it has a known one (`data.csv` as a FIFO), else what its
/// first bytes look like: Parquet or Arrow by their magic numbers, tab-separated text when the first line holds a
/// tab and no comma, comma-separated otherwise (a compressed stream is then named as what it is by the reader).
fn extension(path: &Path, head: &[u8]) -> String {
    // A name the readers know (`Format::detect`) keeps its extension; `.gz` is left to the reader's sniffing.
    if Format::detect(path, None).is_ok() {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        let name = name.strip_suffix(".gz").unwrap_or(&name);
        if let Some((_, ext)) = name.rsplit_once('.') {
            return ext.to_string();
        }
    }
    match Binary::sniff(head) {
        Some(Binary::Parquet) => return "parquet".into(),
        Some(Binary::ArrowIpc) => return "arrow".into(),
        _ => {}
    }
    let first_line = head.split(|&b| b == b'\n').next().unwrap_or(&[]);
    if first_line.contains(&b'\t') && !first_line.contains(&b',') {
        "tsv".into()
    } else {
        "csv".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regular_files_are_read_in_place() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("a.csv");
        std::fs::write(&f, "time,cens\n1,1\n").unwrap();
        assert_eq!(readable(&f).unwrap(), f);
        assert_eq!(
            readable(&dir.path().join("missing.csv")).unwrap(),
            dir.path().join("missing.csv")
        );
    }

    #[test]
    fn the_copy_is_named_by_its_contents() {
        assert_eq!(
            extension(Path::new("/dev/fd/63"), b"time\tcens\n1\t1\n"),
            "tsv"
        );
        assert_eq!(
            extension(Path::new("/dev/fd/63"), b"time,cens\n1,1\n"),
            "csv"
        );
        assert_eq!(
            extension(Path::new("/dev/fd/63"), b"PAR1\x15\x04"),
            "parquet"
        );
        assert_eq!(extension(Path::new("/tmp/fifo.tsv"), b"a,b\n"), "tsv");
    }
}
