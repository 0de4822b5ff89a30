//! Handing freed memory back to the operating system.
//!
//! Columns of millions of rows are megabytes each, and a run allocates and frees several generations of them
//! (the polars frame, sigsurv's copies, the sorted copies of a fit). glibc keeps freed memory for reuse unless an
//! allocation was large enough to get its own mapping, and by default that threshold rises to 32 MB as the
//! program frees large blocks, so freed 4-32 MB columns stay resident next to the next, larger allocation.
//! Two settings keep the resident memory close to what is live (glibc only; elsewhere nothing is done):
//!
//! * [`return_large_blocks`] fixes the threshold at 4 MB, so every column-sized block is mapped on its own and
//!   returned when freed (smaller allocations keep malloc's usual reuse);
//! * [`release_freed`] returns the free pages of every arena: polars decodes a table on its worker threads, whose
//!   arenas keep the frame's chunk buffers after the columns are copied out (about a millisecond).

/// Blocks of at least this many bytes get their own mapping, returned to the system when freed.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const OWN_MAPPING_BYTES: i32 = 4 << 20;

/// Has glibc give every block of 4 MB or more its own mapping (returned to the system when freed). Call once,
/// at start-up, before other threads allocate.
pub fn return_large_blocks() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes malloc's tuning; called at start-up, before other threads exist.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, OWN_MAPPING_BYTES);
    }
}

/// Returns the pages malloc holds free to the operating system.
pub fn release_freed() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only gives free pages back; it may be called at any time from any thread.
    unsafe {
        libc::malloc_trim(0);
    }
}
