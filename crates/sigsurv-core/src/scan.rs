//! Parallel passes over long columns, in chunks: each chunk runs a plain sequential loop (which the compiler
//! can vectorise), and rayon only splits the chunks. Per-item parallel iterators cost several times more per row
//! at millions of rows.

use rayon::prelude::*;

/// Rows per chunk: large enough that splitting costs nothing, small enough for both cores to share the work.
pub const CHUNK: usize = 1 << 16;

/// The first index whose value is `bad`, or `None`; the same answer as a sequential search.
pub fn first_where<T: Sync>(values: &[T], bad: impl Fn(&T) -> bool + Sync) -> Option<usize> {
    values
        .par_chunks(CHUNK)
        .enumerate()
        .find_map_first(|(c, chunk)| {
            // `any` first: the common case (nothing bad) is a loop without an early-exit index.
            if chunk.iter().any(&bad) {
                chunk.iter().position(&bad).map(|i| c * CHUNK + i)
            } else {
                None
            }
        })
}

/// `f` applied to every value, in order.
pub fn map<T: Sync, U: Send + Default + Clone>(values: &[T], f: impl Fn(&T) -> U + Sync) -> Vec<U> {
    let mut out = vec![U::default(); values.len()];
    out.par_chunks_mut(CHUNK)
        .zip(values.par_chunks(CHUNK))
        .for_each(|(o, v)| o.iter_mut().zip(v).for_each(|(o, x)| *o = f(x)));
    out
}

/// `f` applied to every value in place.
pub fn update<T: Send>(values: &mut [T], f: impl Fn(&mut T) + Sync) {
    values
        .par_chunks_mut(CHUNK)
        .for_each(|chunk| chunk.iter_mut().for_each(&f));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_where_finds_the_first() {
        let mut v = vec![0u32; 300_000];
        assert_eq!(first_where(&v, |&x| x > 0), None);
        v[250_000] = 1;
        v[140_000] = 2;
        v[70_000] = 3;
        assert_eq!(first_where(&v, |&x| x > 1), Some(70_000));
        assert_eq!(first_where(&v, |&x| x == 1), Some(250_000));
    }

    #[test]
    fn map_keeps_order() {
        let v: Vec<u32> = (0..200_000).collect();
        let m = map(&v, |&x| x % 7 == 0);
        assert!(m.iter().enumerate().all(|(i, &b)| b == (i % 7 == 0)));
    }
}
