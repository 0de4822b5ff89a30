//! The two loops coordinate descent spends its time in: a column's dot product with the gradient, and the
//! gradient and linear predictor moved along the column. Each is compiled twice, for the baseline x86-64 and for
//! AVX2 with fused multiply-add, and the second is chosen at run time when the processor has it (the baseline
//! build cannot assume it): on a wide path the loops run four times faster.
//!
//! Both versions sum in the same eight interleaved partial sums; with FMA each product is rounded once instead
//! of twice, so the two differ in the last bits (far inside every tolerance), and one machine always gives the
//! same result for any thread count.

#![allow(clippy::needless_range_loop)] // the lanes index parallel accumulators

const LANES: usize = 8;

#[inline(always)]
fn dot_body<const FMA: bool>(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let mut acc = [0.0f64; LANES];
    let mut ca = a.chunks_exact(LANES);
    let mut cb = b.chunks_exact(LANES);
    for (x, y) in (&mut ca).zip(&mut cb) {
        for l in 0..LANES {
            acc[l] = if FMA {
                x[l].mul_add(y[l], acc[l])
            } else {
                acc[l] + x[l] * y[l]
            };
        }
    }
    let mut tail = 0.0;
    for (x, y) in ca.remainder().iter().zip(cb.remainder()) {
        tail += x * y;
    }
    ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7])) + tail
}

#[inline(always)]
fn step_body<const FMA: bool>(r: &mut [f64], f: &mut [f64], w: &[f64], x: &[f64], del: f64) {
    for (((ri, fi), wi), xi) in r.iter_mut().zip(f.iter_mut()).zip(w).zip(x) {
        let dx = del * xi;
        if FMA {
            *ri = (-dx).mul_add(*wi, *ri);
        } else {
            *ri -= dx * wi;
        }
        *fi += dx;
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn dot_avx2(a: &[f64], b: &[f64]) -> f64 {
    dot_body::<true>(a, b)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn step_avx2(r: &mut [f64], f: &mut [f64], w: &[f64], x: &[f64], del: f64) {
    step_body::<true>(r, f, w, x, del)
}

#[cfg(target_arch = "x86_64")]
fn has_avx2() -> bool {
    // The standard library caches the CPUID answer: this is one atomic load.
    std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
}

/// `sum_i a_i b_i` over the shorter length.
pub(crate) fn dot(a: &[f64], b: &[f64]) -> f64 {
    #[cfg(target_arch = "x86_64")]
    if has_avx2() {
        // SAFETY: the processor supports AVX2 and FMA (checked just above).
        return unsafe { dot_avx2(a, b) };
    }
    dot_body::<false>(a, b)
}

/// One coordinate's move by `del` along column `x`: `r -= del * w * x` (the working gradient) and
/// `f += del * x` (the linear predictor).
pub(crate) fn step(r: &mut [f64], f: &mut [f64], w: &[f64], x: &[f64], del: f64) {
    #[cfg(target_arch = "x86_64")]
    if has_avx2() {
        // SAFETY: the processor supports AVX2 and FMA (checked just above).
        return unsafe { step_avx2(r, f, w, x, del) };
    }
    step_body::<false>(r, f, w, x, del)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_versions_agree_with_the_plain_sums() {
        let a: Vec<f64> = (0..1003)
            .map(|i| ((i * 37) % 101) as f64 / 7.0 - 5.0)
            .collect();
        let b: Vec<f64> = (0..1003)
            .map(|i| ((i * 11) % 53) as f64 / 3.0 - 8.0)
            .collect();
        let plain: f64 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
        for d in [dot(&a, &b), dot_body::<false>(&a, &b)] {
            assert!(
                (d - plain).abs() <= 1e-12 * plain.abs().max(1.0),
                "{d} vs {plain}"
            );
        }
        let (mut r, mut f) = (b.clone(), a.clone());
        step(&mut r, &mut f, &a, &b, 0.25);
        for i in 0..a.len() {
            assert!((r[i] - (b[i] - 0.25 * a[i] * b[i])).abs() <= 1e-12 * (1.0 + r[i].abs()));
            assert!((f[i] - (a[i] + 0.25 * b[i])).abs() <= 1e-12 * (1.0 + f[i].abs()));
        }
        assert_eq!(
            dot(&a[..3], &b),
            a[..3].iter().zip(&b).map(|(x, y)| x * y).sum::<f64>()
        );
    }
}
