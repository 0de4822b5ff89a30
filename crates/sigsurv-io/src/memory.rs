//! Handing freed memory back to the operating system, and how much memory there is.
//!
//! Columns of millions of rows are megabytes each, and a run allocates and frees several generations of them
//! (the polars frame, sigsurv's copies, the sorted copies of a fit). [`release_freed`] returns the free pages
//! of every arena (glibc only; elsewhere nothing is done): polars decodes a table on its worker threads, whose
//! arenas keep the frame's chunk buffers after the columns are copied out (about a millisecond). The
//! process-wide settings (the malloc threshold, the huge-page allocator) belong to the binary.

/// Returns the pages malloc holds free to the operating system.
pub fn release_freed() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only gives free pages back; it may be called at any time from any thread.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// The memory the system can give this process now without swapping (Linux `MemAvailable`), if known.
pub fn available_bytes() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}
