//! Group sizes of a factor, and the warning about groups too small for their estimates to mean much.

use crate::args::OutputArgs;

/// Warns about groups so small that their estimates mean little (they are still computed, as R does).
pub(crate) fn warn_small_groups(
    out: &OutputArgs,
    column: &str,
    levels: &[String],
    counts: &[usize],
) {
    let single: Vec<&String> = levels
        .iter()
        .zip(counts)
        .filter(|(_, &n)| n == 1)
        .map(|(l, _)| l)
        .collect();
    const NAMED: usize = 5;
    if single.len() <= NAMED {
        for level in single {
            out.warn(&format!("group {column}={level} has only one row"));
        }
    } else {
        let first: Vec<String> = single[..NAMED]
            .iter()
            .map(|l| format!("{column}={l}"))
            .collect();
        out.warn(&format!(
            "{} groups have only one row ({}, ...)",
            single.len(),
            first.join(", ")
        ));
    }
}

/// The number of rows with each code `0..k`.
pub(crate) fn counts(codes: &[u32], k: usize) -> Vec<usize> {
    use rayon::prelude::*;
    codes
        .par_chunks(1 << 16)
        .map(|chunk| {
            let mut c = vec![0usize; k];
            chunk.iter().for_each(|&g| c[g as usize] += 1);
            c
        })
        .reduce(
            || vec![0usize; k],
            |mut a, b| {
                a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
                a
            },
        )
}
