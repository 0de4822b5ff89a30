//! The effective degrees of freedom and the two variances of a penalized fit: R survival's `coxpenal.df` for
//! non-sparse penalties.
//!
//! With `H = I + P` the penalized information and `I` the unpenalized one at the estimate:
//! `var = H⁻¹` (the reported standard errors), `var2 = H⁻¹ I H⁻¹` (R's `se2`), and for a model of one term
//! `df = tr(I H⁻¹)`; with several terms, term k's `df_k = tr((H⁻¹)_kk⁻¹ (var2)_kk)` on its block of columns.

use crate::cox::chol::Ldl;
use crate::cox::square::principal_block;

/// `var`, `var2` (row-major p × p) and the df of each term.
pub(super) struct EffectiveDf {
    pub var: Vec<f64>,
    pub var2: Vec<f64>,
    pub df: Vec<f64>,
}

/// R's `coxph.wtest` tolerance for the blocks.
const WTEST_TOLER: f64 = 1e-9;

/// From `h` = I + P, its inverse `hinv` and the unpenalized information `imat` (all row-major p × p), with
/// `term_of[j]` the term of column j among `n_terms` terms.
pub(super) fn effective_df(
    hinv: &[f64],
    imat: &[f64],
    term_of: &[usize],
    n_terms: usize,
) -> EffectiveDf {
    let p = term_of.len();
    let var2 = product(&product(hinv, imat, p), hinv, p);
    let df = if n_terms == 1 {
        vec![hinv.iter().zip(imat).map(|(a, b)| a * b).sum()]
    } else {
        (0..n_terms)
            .map(|t| {
                let cols: Vec<usize> = (0..p).filter(|&j| term_of[j] == t).collect();
                let k = cols.len();
                let block = |m: &[f64]| principal_block(m, p, &cols);
                let f = Ldl::new(&block(hinv), k, WTEST_TOLER);
                let v2 = block(&var2);
                // tr(A⁻¹ B): solve A x = B's columns, add the diagonal.
                (0..k)
                    .map(|c| {
                        let mut col: Vec<f64> = (0..k).map(|r| v2[r * k + c]).collect();
                        f.solve(&mut col);
                        col[c]
                    })
                    .sum()
            })
            .collect()
    };
    EffectiveDf {
        var: hinv.to_vec(),
        var2,
        df,
    }
}

/// `a b` for row-major p × p matrices.
pub(super) fn product(a: &[f64], b: &[f64], p: usize) -> Vec<f64> {
    let mut out = vec![0.0; p * p];
    for i in 0..p {
        for k in 0..p {
            let aik = a[i * p + k];
            if aik == 0.0 {
                continue;
            }
            for j in 0..p {
                out[i * p + j] += aik * b[k * p + j];
            }
        }
    }
    out
}
