//! The kernel of the information matrix: weighted sums of rows and of their outer products.

use super::prep::Prepared;

/// Adds `w_q x_k` to `a` and `w_q x_k x_kᵀ` to the lower triangle of the square `c` (row-major, p x p) for the
/// rows `k = row(q)` of `prep`, `q = 0..w.len()`. Four rows at a time, each element of `c` held in a register
/// across them: the additions happen in the same order as row by row (so the sums are the same bits) with a
/// quarter of the loads and stores. Row i of `c` is filled up to column i rounded up to a multiple of four (whole
/// vectors); the elements above that stay untouched.
/// The products are added with fused multiply-adds (one rounding each): one instruction where the CPU has FMA
/// (the callers compile a copy for AVX2 + FMA), and the same correctly rounded result where it has not.
#[inline(always)]
pub(crate) fn add_outer_rows(
    a: &mut [f64],
    c: &mut [f64],
    prep: &Prepared,
    row: impl Fn(usize) -> usize,
    w: &[f64],
) {
    let p = prep.p;
    let mut quads = w.chunks_exact(4);
    for (q, wq) in (&mut quads).enumerate() {
        let (x0, x1, x2, x3) = (
            prep.row(row(4 * q)),
            prep.row(row(4 * q + 1)),
            prep.row(row(4 * q + 2)),
            prep.row(row(4 * q + 3)),
        );
        for i in 0..p {
            let r = [wq[0] * x0[i], wq[1] * x1[i], wq[2] * x2[i], wq[3] * x3[i]];
            a[i] = a[i] + r[0] + r[1] + r[2] + r[3];
            let row = &mut c[i * p..i * p + lower(i, p)];
            for ((((cj, &y0), &y1), &y2), &y3) in row.iter_mut().zip(x0).zip(x1).zip(x2).zip(x3) {
                let c = r[0].mul_add(y0, *cj);
                let c = r[1].mul_add(y1, c);
                let c = r[2].mul_add(y2, c);
                *cj = r[3].mul_add(y3, c);
            }
        }
    }
    let done = w.len() - quads.remainder().len();
    for (q, &wk) in (done..).zip(quads.remainder()) {
        let x = prep.row(row(q));
        for i in 0..p {
            let rx = wk * x[i];
            a[i] += rx;
            for (cj, &xj) in c[i * p..i * p + lower(i, p)].iter_mut().zip(x) {
                *cj = rx.mul_add(xj, *cj);
            }
        }
    }
}

/// How many leading columns of row i of the square hold its lower triangle, rounded up to whole vectors of four.
#[inline(always)]
pub(crate) fn lower(i: usize, p: usize) -> usize {
    ((i + 4) & !3).min(p)
}
