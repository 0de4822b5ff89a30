//! Handing freed memory back to the operating system while a table is converted.
//!
//! Polars builds a frame from many small buffers (one per chunk and column), allocated in its worker threads'
//! malloc arenas. When a column has been copied into sigsurv's own vector and dropped, glibc keeps those
//! buffers' pages for reuse instead of returning them; the next column's vector is one large allocation that
//! cannot reuse them, so the frame and all the copies would be resident together. `malloc_trim` returns the
//! free pages of every arena (about a millisecond). With other C libraries or systems nothing is done.

/// Returns the pages malloc holds free to the operating system.
pub fn release_freed() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only gives free pages back; it may be called at any time from any thread.
    unsafe {
        libc::malloc_trim(0);
    }
}
