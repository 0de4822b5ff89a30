//! Writing a result to an output path. A regular file is replaced atomically: the result goes to a temporary
//! file beside it (see the `temp_file` module), which is renamed over it once complete, so a failed run never
//! leaves half a result and an existing file is replaced only by a whole one. Character devices and FIFOs are
//! written through, symbolic links followed; see [`crate::output_target`] for what is refused.
//!
//! Errors: [`IoError::Write`] when the path cannot take a result (its folder is missing, it is a folder, it
//! cannot be created), [`IoError::OutputIsInput`] when it is a file the run reads, and [`IoError::WriteFailed`]
//! when writing itself fails (disk full, file-size limit, device error).

use crate::error::{IoError, Result};
use crate::output_target::{parent_dir, resolve_output, OutputTarget};
use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::Path;

/// Writes `bytes` to `path` (atomically for a regular file).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomic_with(path, |w| w.write_all(bytes))
}

/// Streams output through `fill` to `path`. For a regular file it goes to a temporary file renamed to `path`
/// when complete; on any error the temporary file is removed and `path` is left as it was.
pub fn write_atomic_with(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    match resolve_output(path)? {
        OutputTarget::WriteThrough => write_through(path, fill),
        OutputTarget::Replace { file, existing } => replace(path, &file, existing, fill),
    }
}

/// Checks, before any work, that `path` can take a result: the same checks as a write, without writing.
pub fn check_output(path: &Path) -> Result<()> {
    resolve_output(path).map(|_| ())
}

fn write_through(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    let file = OpenOptions::new()
        .write(true)
        .open(path)
        .map_err(|e| IoError::Write {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?;
    let mut w = BufWriter::new(file);
    fill(&mut w)
        .and_then(|_| w.flush())
        .map_err(|e| failed(path, e))
}

/// Fills a temporary file beside `file` and renames it over `file`; `path` is the name the user gave.
fn replace(
    path: &Path,
    file: &Path,
    existing: Option<std::fs::Permissions>,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    let dir = parent_dir(file);
    let name = file
        .file_name()
        .expect("resolve_output names a file")
        .to_string_lossy()
        .into_owned();
    crate::temp_file::remove_stale(&dir, &name);
    let tmp = crate::temp_file::temp_path(&dir, &name);
    let created = File::create(&tmp).map_err(|e| IoError::Write {
        path: path.to_path_buf(),
        reason: format!("cannot create a temporary file in {}: {e}", dir.display()),
    })?;
    let result = (|| -> std::io::Result<()> {
        // The replacement keeps the replaced file's permissions.
        if let Some(p) = existing {
            created.set_permissions(p)?;
        }
        let mut w = BufWriter::new(created);
        fill(&mut w)?;
        let f = w.into_inner().map_err(|e| e.into_error())?;
        f.sync_all()?;
        std::fs::rename(&tmp, file)
    })();
    result.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        failed(path, e)
    })
}

fn failed(path: &Path, e: std::io::Error) -> IoError {
    IoError::WriteFailed {
        path: path.to_path_buf(),
        reason: e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn failed_write_leaves_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.json");
        write_atomic(&p, b"old").unwrap();
        let r = write_atomic_with(&p, |w| {
            w.write_all(b"half")?;
            Err(std::io::Error::other("boom"))
        });
        assert!(matches!(r, Err(IoError::WriteFailed { .. })));
        assert_eq!(std::fs::read(&p).unwrap(), b"old");
        assert_eq!(
            names(dir.path()),
            ["out.json"],
            "temporary file left behind"
        );
    }

    #[test]
    fn missing_directory_is_an_error() {
        let r = write_atomic(Path::new("/nonexistent-dir-sigsurv/x.json"), b"x");
        assert!(matches!(r, Err(IoError::Write { .. })));
    }

    #[test]
    fn a_killed_run_s_temporary_file_is_removed_by_the_next_write() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.json");
        std::fs::write(dir.path().join(".out.json.sigsurv-tmp.4294967295"), "half").unwrap();
        write_atomic(&p, b"whole").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"whole");
        if Path::new("/proc/self").exists() {
            assert_eq!(names(dir.path()), ["out.json"]);
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_symbolic_link_is_followed_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("real.json");
        let link = dir.path().join("link.json");
        std::fs::write(&target, "old").unwrap();
        std::os::unix::fs::symlink(&target, &link).unwrap();
        write_atomic(&link, b"new").unwrap();
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(std::fs::read(&target).unwrap(), b"new");
        let dangling = dir.path().join("dangling.json");
        std::os::unix::fs::symlink(dir.path().join("nothing"), &dangling).unwrap();
        assert!(matches!(
            write_atomic(&dangling, b"x"),
            Err(IoError::Write { .. })
        ));
        assert!(!dir.path().join("nothing").exists());
    }

    #[cfg(unix)]
    #[test]
    fn permissions_of_the_replaced_file_are_kept() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.csv");
        std::fs::write(&p, "old").unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o640)).unwrap();
        write_atomic(&p, b"new").unwrap();
        let mode = std::fs::metadata(&p).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o640);
    }

    #[cfg(unix)]
    #[test]
    fn devices_are_written_through() {
        write_atomic(Path::new("/dev/null"), b"x").unwrap();
        use std::os::unix::fs::FileTypeExt;
        assert!(std::fs::metadata("/dev/null")
            .unwrap()
            .file_type()
            .is_char_device());
        if Path::new("/dev/full").exists() {
            let r = write_atomic(Path::new("/dev/full"), b"x");
            assert!(matches!(r, Err(IoError::WriteFailed { .. })), "{r:?}");
            assert!(std::fs::metadata("/dev/full")
                .unwrap()
                .file_type()
                .is_char_device());
        }
        assert!(matches!(
            write_atomic(Path::new("/tmp"), b"x"),
            Err(IoError::Write { .. })
        ));
    }
}
