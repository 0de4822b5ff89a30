//! What an output path is, and so how a result is written to it: a regular file (or a new one) is replaced
//! atomically, a character device or FIFO (`/dev/null`, `/dev/stdout` on a pipe, a named pipe) is written
//! through, and a symbolic link is followed to the file it names. Anything else — a folder, a socket, a block
//! device, a link to nothing, an input of this run — is refused before any work is written.

use crate::error::{IoError, Result};
use std::fs::Permissions;
use std::path::{Path, PathBuf};

#[derive(Debug)]
pub enum OutputTarget {
    /// A regular file at `file` (the path with symbolic links resolved), replaced by a temporary file renamed over
    /// it; `existing` holds the permissions of the file it replaces, if there is one.
    Replace {
        file: PathBuf,
        existing: Option<Permissions>,
    },
    /// A character device or FIFO, opened and written in place.
    WriteThrough,
}

/// Decides how `path` is written, or refuses it ([`IoError::Write`], [`IoError::OutputIsInput`]).
pub fn resolve_output(path: &Path) -> Result<OutputTarget> {
    let refuse = |reason: String| IoError::Write {
        path: path.to_path_buf(),
        reason,
    };
    let link = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let dir = parent_dir(path);
            if !dir.is_dir() {
                return Err(refuse(format!(
                    "directory {} does not exist",
                    dir.display()
                )));
            }
            path.file_name()
                .ok_or_else(|| refuse("not a file path".into()))?;
            return Ok(OutputTarget::Replace {
                file: path.to_path_buf(),
                existing: None,
            });
        }
        Err(e) => return Err(refuse(e.to_string())),
    };
    let is_link = link.file_type().is_symlink();
    let meta = if is_link {
        std::fs::metadata(path).map_err(|_| {
            let target = std::fs::read_link(path).unwrap_or_default();
            refuse(format!(
                "it is a symbolic link to {}, which does not exist",
                target.display()
            ))
        })?
    } else {
        link
    };
    let kind = meta.file_type();
    if kind.is_file() {
        crate::run_inputs::check_not_input(path)?;
        let file = if is_link {
            std::fs::canonicalize(path).map_err(|e| refuse(e.to_string()))?
        } else {
            path.to_path_buf()
        };
        return Ok(OutputTarget::Replace {
            file,
            existing: Some(meta.permissions()),
        });
    }
    if is_stream(&kind) {
        return Ok(OutputTarget::WriteThrough);
    }
    let what = if kind.is_dir() {
        "a folder"
    } else {
        "neither a regular file, a character device nor a FIFO"
    };
    Err(refuse(format!(
        "it is {what}; results are written to files, character devices (/dev/null) or FIFOs"
    )))
}

/// The folder a file path lies in (`.` for a bare name).
pub(crate) fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

#[cfg(unix)]
fn is_stream(kind: &std::fs::FileType) -> bool {
    use std::os::unix::fs::FileTypeExt;
    kind.is_char_device() || kind.is_fifo()
}

#[cfg(not(unix))]
fn is_stream(_kind: &std::fs::FileType) -> bool {
    false
}
