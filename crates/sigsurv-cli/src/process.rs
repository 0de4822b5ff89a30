//! Settings of the whole process, made once at start-up: how malloc hands memory back, the global allocator,
//! and the panic hook. A library must not make them (they would apply to every program linking it), so they
//! live in the binary.
//!
//! Columns of millions of rows are megabytes each, and a run allocates and frees several generations of them.
//! glibc keeps freed memory for reuse unless an allocation was large enough to get its own mapping, and by
//! default that threshold rises to 32 MB as the program frees large blocks, so freed 4-32 MB columns stay
//! resident next to the next, larger allocation. [`return_large_blocks`] fixes the threshold at 4 MB (glibc
//! only), so every column-sized block is mapped on its own and returned when freed; [`HugePageAlloc`] asks for
//! transparent huge pages on such blocks; `sigsurv_io::memory::release_freed` returns what the arenas keep.

/// Blocks of at least this many bytes get their own mapping, returned to the system when freed.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const OWN_MAPPING_BYTES: i32 = 4 << 20;

/// Has glibc give every block of 4 MB or more its own mapping (returned to the system when freed). Call once,
/// at start-up (after the arguments are parsed), before other threads allocate.
pub fn return_large_blocks() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes malloc's tuning; called at start-up, before other threads exist.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, OWN_MAPPING_BYTES);
    }
}

/// A panic inside a guarded read is a file polars cannot represent: sigsurv-io reports it as an error, so the
/// panic message itself is not printed then. Every other panic prints as usual.
pub fn quiet_panics_of_guarded_reads() {
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !sigsurv_io::panic_guard::active() {
            default_hook(info)
        }
    }));
}

/// The system allocator, asking the kernel for transparent huge pages on blocks of [`HUGE_PAGE_BYTES`] or more
/// (Linux `madvise(MADV_HUGEPAGE)`, as numpy does for its arrays). A column of millions of rows is written
/// once when it is created: with 4 KB pages that costs one page fault per 4 KB (a fifth of a second per
/// 500 MB on a virtual machine), with 2 MB pages 512 times fewer. Where the kernel has huge pages only on
/// request (`/sys/kernel/mm/transparent_hugepage/enabled` = madvise, the usual default) this is what turns
/// them on; elsewhere it changes nothing. The binary's global allocator.
pub struct HugePageAlloc;

/// Blocks of at least this many bytes are advised to use huge pages.
pub const HUGE_PAGE_BYTES: usize = 4 << 20;

// SAFETY: every call is forwarded to the system allocator unchanged; `advise` only gives the kernel a hint
// about memory the block owns.
unsafe impl std::alloc::GlobalAlloc for HugePageAlloc {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        let p = std::alloc::System.alloc(layout);
        advise_huge(p, layout.size());
        p
    }

    unsafe fn alloc_zeroed(&self, layout: std::alloc::Layout) -> *mut u8 {
        let p = std::alloc::System.alloc_zeroed(layout);
        advise_huge(p, layout.size());
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        std::alloc::System.dealloc(ptr, layout)
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new_size: usize) -> *mut u8 {
        let p = std::alloc::System.realloc(ptr, layout, new_size);
        if new_size > layout.size() {
            advise_huge(p, new_size);
        }
        p
    }
}

/// Asks for huge pages on the whole 4 KB pages of a block of `size` bytes at `p`.
#[inline]
fn advise_huge(p: *mut u8, size: usize) {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    if size >= HUGE_PAGE_BYTES && !p.is_null() {
        const PAGE: usize = 4096;
        let start = (p as usize).next_multiple_of(PAGE);
        let end = (p as usize + size) / PAGE * PAGE;
        // SAFETY: the range lies inside the block just allocated; MADV_HUGEPAGE is a hint that never changes
        // its contents, and a failure (e.g. no THP support) is harmless, so the result is ignored.
        unsafe {
            libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_HUGEPAGE);
        }
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    let _ = (p, size);
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::alloc::{GlobalAlloc, Layout};

    /// Large and small blocks behave as the system's: contents kept through realloc, zeroed when asked.
    #[test]
    fn huge_page_allocator_keeps_contents() {
        for size in [64, HUGE_PAGE_BYTES + 12_345] {
            let layout = Layout::from_size_align(size, 8).unwrap();
            // SAFETY: non-zero sizes; every block is written within its size and freed with its layout.
            unsafe {
                let z = HugePageAlloc.alloc_zeroed(layout);
                assert!(!z.is_null());
                assert!(std::slice::from_raw_parts(z, size).iter().all(|&b| b == 0));
                HugePageAlloc.dealloc(z, layout);

                let p = HugePageAlloc.alloc(layout);
                assert!(!p.is_null());
                for i in 0..size {
                    *p.add(i) = (i % 251) as u8;
                }
                let q = HugePageAlloc.realloc(p, layout, 3 * size);
                assert!(!q.is_null());
                assert!((0..size).all(|i| *q.add(i) == (i % 251) as u8));
                HugePageAlloc.dealloc(q, Layout::from_size_align(3 * size, 8).unwrap());
            }
        }
    }
}
