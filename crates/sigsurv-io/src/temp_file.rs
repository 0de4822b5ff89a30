//! The temporary file an atomic write fills before renaming it over the output: `.NAME.sigsurv-tmp.PID` beside
//! `NAME`. The fixed pattern lets a later write of the same output recognise the leftovers of a run that was
//! killed mid-write and remove them: those whose process is gone (or, where there is no `/proc` to ask, that are
//! more than a day old). A temporary file of a live process is left alone.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

const MARK: &str = ".sigsurv-tmp.";

/// The temporary file of this process for the output `target` (which must name a file).
pub(crate) fn temp_path(dir: &Path, name: &str) -> PathBuf {
    dir.join(format!(".{name}{MARK}{}", std::process::id()))
}

/// Removes the temporary files that earlier, no longer running, sigsurv processes left for the output `name` in
/// `dir`. Best effort: a file that cannot be listed or removed is left.
pub(crate) fn remove_stale(dir: &Path, name: &str) {
    let prefix = format!(".{name}{MARK}");
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(pid) = file_name
            .to_str()
            .and_then(|n| n.strip_prefix(&prefix))
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        // This process's own name is reused (truncated) by the write that follows.
        if pid != std::process::id() && is_stale(&entry.path(), pid) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Whether the temporary file `path` of process `pid` is a leftover.
fn is_stale(path: &Path, pid: u32) -> bool {
    let proc_dir = Path::new("/proc");
    if proc_dir.join("self").exists() {
        // A live process of that id may be the writer; one that reused the id only delays the clean-up.
        return !proc_dir.join(pid.to_string()).exists();
    }
    let day = Duration::from_secs(24 * 60 * 60);
    std::fs::symlink_metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| SystemTime::now().duration_since(t).ok())
        .is_some_and(|age| age > day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leftovers_of_dead_processes_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        // No process has an id this large (Linux caps them at 2^22).
        let dead = dir.path().join(".out.json.sigsurv-tmp.4294967295");
        let other_output = dir.path().join(".other.json.sigsurv-tmp.4294967295");
        let unrelated = dir.path().join(".out.json.sigsurv-tmp.notapid");
        for p in [&dead, &other_output, &unrelated] {
            std::fs::write(p, "half").unwrap();
        }
        remove_stale(dir.path(), "out.json");
        if Path::new("/proc/self").exists() {
            assert!(!dead.exists());
        }
        assert!(other_output.exists());
        assert!(unrelated.exists());
    }
}
