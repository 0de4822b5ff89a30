//! The linear and non-linear parts of a penalized spline's effect, as R survival's `pspline` prints them.
//!
//! The spline's coefficients b (variance V = H⁻¹, V2 = H⁻¹ I H⁻¹) are regressed on the positions c of their
//! basis functions by generalised least squares: with X = [1, c], the slope is `linear = r·b` for
//! `r = ((Xᵀ V⁻¹ X)⁻¹ Xᵀ V⁻¹)₂`, with variances `r V rᵀ` and `r V2 rᵀ`. The "linear" test is
//! `linear² / (r V rᵀ)` on 1 df; the "nonlin" test is the rest of the Wald test `bᵀ V⁻¹ b`, on `df − 1`
//! degrees of freedom (its p-value computed with at least 0.5 df, as R).

use crate::cox::chol::Ldl;
use crate::pvalue::chisq_sf;

/// R's `coxph.wtest` tolerance.
const WTEST_TOLER: f64 = 1e-9;

/// The linear trend of a spline term: its slope, standard errors and 1-df test.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LinearTrend {
    pub coef: f64,
    /// `sqrt(r V rᵀ)`.
    pub se: f64,
    /// `sqrt(r V2 rᵀ)`.
    pub se2: f64,
    pub chisq: f64,
    pub p_value: f64,
}

/// A chi-square test on fractional degrees of freedom (a penalized fit's effective df).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EffectiveTest {
    pub statistic: f64,
    pub df: f64,
    pub p_value: f64,
}

/// The linear and non-linear tests of coefficients `b` (variances `v`, `v2`: row-major k × k) at positions
/// `centres`, for a term of `df` effective degrees of freedom.
pub(super) fn trend(
    b: &[f64],
    v: &[f64],
    v2: &[f64],
    centres: &[f64],
    df: f64,
) -> (LinearTrend, EffectiveTest) {
    let k = b.len();
    let fv = Ldl::new(v, k, WTEST_TOLER);
    let total = fv.quad_form(b);
    // xsig = V⁻¹ X (k × 2, as two columns).
    let mut ones = vec![1.0; k];
    let mut c = centres.to_vec();
    fv.solve(&mut ones);
    fv.solve(&mut c);
    let xsig = [ones, c];
    let xmat = [vec![1.0; k], centres.to_vec()];
    // Xᵀ V⁻¹ X (2 × 2).
    let g: Vec<f64> = (0..2)
        .flat_map(|i| (0..2).map(move |j| (i, j)))
        .map(|(i, j)| xmat[i].iter().zip(&xsig[j]).map(|(a, b)| a * b).sum())
        .collect();
    let fg = Ldl::new(&g, 2, WTEST_TOLER);
    // Row 2 of (Xᵀ V⁻¹ X)⁻¹ Xᵀ V⁻¹: solve for each column of xsigᵀ.
    let r: Vec<f64> = (0..k)
        .map(|j| {
            let mut col = vec![xsig[0][j], xsig[1][j]];
            fg.solve(&mut col);
            col[1]
        })
        .collect();
    let linear: f64 = r.iter().zip(b).map(|(a, b)| a * b).sum();
    let quad = |m: &[f64]| -> f64 {
        (0..k)
            .map(|i| r[i] * (0..k).map(|j| m[i * k + j] * r[j]).sum::<f64>())
            .sum()
    };
    let (lvar1, lvar2) = (quad(v), quad(v2));
    let test2 = linear * linear / lvar1;
    let rest = total - test2;
    (
        LinearTrend {
            coef: linear,
            se: lvar1.sqrt(),
            se2: lvar2.sqrt(),
            chisq: test2,
            p_value: chisq_sf(test2, 1.0),
        },
        EffectiveTest {
            statistic: rest,
            df: df - 1.0,
            p_value: chisq_sf(rest, (df - 1.0).max(0.5)),
        },
    )
}
