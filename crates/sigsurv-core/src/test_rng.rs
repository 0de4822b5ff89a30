//! A small deterministic random-number generator for unit tests (Knuth's MMIX linear congruential generator).

/// A generator of 31-bit pseudo-random numbers from `seed`.
pub(crate) fn lcg(seed: u64) -> impl FnMut() -> u64 {
    let mut state = seed;
    move || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        state >> 33
    }
}
