//! Floating-point values as unsigned sort keys, so that sorts compare one integer instead of calling a
//! comparator, and the sort of such keys.

use rayon::prelude::*;

/// Sorts in parallel above this many keys (the order does not depend on the number of threads).
const PARALLEL_SORT: usize = 1 << 16;

/// Sorts `keys` (unstable; keys that carry their row index are all distinct).
pub(crate) fn sort_keys<T: Ord + Send>(keys: &mut [T]) {
    if keys.len() > PARALLEL_SORT {
        keys.par_sort_unstable();
    } else {
        keys.sort_unstable();
    }
}

/// The bits of `x` as an unsigned number ordered as `f64::total_cmp` orders the values.
pub(crate) fn total_order_bits(x: f64) -> u64 {
    let bits = x.to_bits();
    if bits >> 63 == 1 {
        !bits
    } else {
        bits | (1 << 63)
    }
}
