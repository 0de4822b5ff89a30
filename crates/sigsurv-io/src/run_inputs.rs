//! The files this process reads. An output that is one of them — the same file reached through a symbolic link,
//! `..` or a hard link, i.e. the same device and inode — is refused before anything is written, so a result never
//! replaces the data it was computed from.
//!
//! The registry is process-wide because a run is a process: the command line registers its inputs once, and
//! every write of [`crate::write`] checks its target against them.

use crate::error::{IoError, Result};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// An input as the user named it, and the file it is.
struct Input {
    shown: PathBuf,
    id: FileId,
}

/// What makes two paths the same file: (device, inode) on Unix, the canonical path elsewhere.
#[derive(PartialEq, Eq, Clone, Debug)]
struct FileId {
    #[cfg(unix)]
    dev_ino: (u64, u64),
    #[cfg(not(unix))]
    canonical: PathBuf,
}

impl FileId {
    /// The file `path` names (following symbolic links), if it is a regular file.
    fn of(path: &Path) -> Option<FileId> {
        let meta = std::fs::metadata(path).ok()?;
        if !meta.is_file() {
            return None;
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            Some(FileId {
                dev_ino: (meta.dev(), meta.ino()),
            })
        }
        #[cfg(not(unix))]
        {
            std::fs::canonicalize(path)
                .ok()
                .map(|canonical| FileId { canonical })
        }
    }
}

/// A set of input files, each recognised under any of its names.
#[derive(Default)]
struct InputSet(Vec<Input>);

impl InputSet {
    fn add(&mut self, path: &Path) {
        let Some(id) = FileId::of(path) else { return };
        if !self.0.iter().any(|i| i.id == id) {
            self.0.push(Input {
                shown: path.to_path_buf(),
                id,
            });
        }
    }

    fn check(&self, output: &Path) -> Result<()> {
        let Some(id) = FileId::of(output) else {
            return Ok(());
        };
        match self.0.iter().find(|i| i.id == id) {
            Some(input) => Err(IoError::OutputIsInput {
                output: output.to_path_buf(),
                input: input.shown.clone(),
            }),
            None => Ok(()),
        }
    }
}

static INPUTS: Mutex<InputSet> = Mutex::new(InputSet(Vec::new()));

/// Records `path` as an input of this run. Only existing regular files are recorded: a missing file fails when
/// it is read, and a device or FIFO cannot be replaced by a result (outputs to them are written through).
pub fn register_input(path: &Path) {
    INPUTS.lock().unwrap_or_else(|p| p.into_inner()).add(path);
}

/// Errors with [`IoError::OutputIsInput`] when `output` is a file this run reads.
pub fn check_not_input(output: &Path) -> Result<()> {
    INPUTS
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .check(output)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_file_by_any_name_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data.csv");
        std::fs::write(&data, "a\n1\n").unwrap();
        let mut inputs = InputSet::default();
        inputs.add(&data);
        let other = dir.path().join("other.csv");
        std::fs::write(&other, "b\n").unwrap();
        assert!(inputs.check(&other).is_ok());
        assert!(inputs.check(&dir.path().join("missing.csv")).is_ok());
        let dotted = dir.path().join("sub/../data.csv");
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        let hard = dir.path().join("hard.csv");
        std::fs::hard_link(&data, &hard).unwrap();
        for p in [&data, &dotted, &hard] {
            match inputs.check(p) {
                Err(IoError::OutputIsInput { input, .. }) => assert_eq!(input, data),
                other => panic!("{} not refused: {other:?}", p.display()),
            }
        }
        #[cfg(unix)]
        {
            let link = dir.path().join("link.csv");
            std::os::unix::fs::symlink(&data, &link).unwrap();
            assert!(inputs.check(&link).is_err());
        }
    }
}
