//! polars panics (instead of returning an error) on a few column types it cannot represent, e.g. a float16,
//! interval or union column of a Parquet/Arrow file, even when that column is never read. A user's file must
//! never crash sigsurv, so every read goes through `catch`, which turns such a panic into an [`IoError`].
//!
//! While a guarded read runs, [`active`] is true: the binary's panic hook stays silent then, so the user sees
//! one clear error instead of a panic message followed by it.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::error::{IoError, Result};

/// Number of guarded reads in progress (a counter, not a thread-local: polars panics on its worker threads).
static GUARDED: AtomicUsize = AtomicUsize::new(0);

/// True while a guarded read is in progress: a panic now is one that the guard will report as an error.
pub fn active() -> bool {
    GUARDED.load(Ordering::SeqCst) > 0
}

/// Runs `read` (a read of the file at `path`); a panic inside it becomes [`IoError::Unreadable`].
pub(crate) fn catch<T>(path: &Path, read: impl FnOnce() -> Result<T>) -> Result<T> {
    struct Entered;
    impl Drop for Entered {
        fn drop(&mut self) {
            GUARDED.fetch_sub(1, Ordering::SeqCst);
        }
    }
    GUARDED.fetch_add(1, Ordering::SeqCst);
    let _entered = Entered;
    catch_unwind(AssertUnwindSafe(read)).unwrap_or_else(|payload| {
        let message = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied())
            .unwrap_or("unknown reason");
        Err(IoError::Unreadable {
            path: path.to_path_buf(),
            reason: message.lines().next().unwrap_or(message).trim().to_string(),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_an_error_and_the_guard_is_released() {
        let path = Path::new("cohort.parquet");
        let r: Result<()> = catch(path, || {
            panic!("Arrow datatype Float16 not supported by Polars.")
        });
        let msg = r.unwrap_err().to_string();
        assert!(
            msg.contains("cohort.parquet") && msg.contains("Float16"),
            "{msg}"
        );
        assert_eq!(catch(path, || Ok(7)).unwrap(), 7);
    }
}
