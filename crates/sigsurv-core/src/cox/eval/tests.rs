//! Every evaluation path against the reference pass, and the portable kernels against the AVX2 copy.

use super::super::data::CoxData;
use super::super::prep::Prepared;
use super::super::ties::Ties;
use super::kernels::Kernels;
use super::value::Eval;
use super::{evaluate_with, resolve, with_forced_path, CoxPath, ForcedPath};
use proptest::prelude::*;

/// Data of one random case, covariates column-major.
struct Sample {
    start: Option<Vec<f64>>,
    stop: Vec<f64>,
    event: Vec<bool>,
    x: Vec<f64>,
    p: usize,
    names: Vec<String>,
    strata: Option<Vec<u32>>,
    weights: Option<Vec<f64>>,
}

impl Sample {
    fn data(&self) -> CoxData<'_> {
        CoxData {
            start: self.start.as_deref(),
            stop: &self.stop,
            event: &self.event,
            x: &self.x,
            p: self.p,
            names: &self.names,
            strata: self.strata.as_deref(),
            weights: self.weights.as_deref(),
            cluster: None,
            offset: None,
        }
    }
}

/// A linear congruential stream of uniforms in [0, 1).
fn uniforms(seed: u64) -> impl FnMut() -> f64 {
    let mut state = seed;
    move || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// `n` rows, `p` covariates (the last one 0/1), times in 1..=ntimes (ties when ntimes < n).
fn sample(
    seed: u64,
    n: usize,
    p: usize,
    ntimes: f64,
    strata: u32,
    weighted: bool,
    counting: bool,
) -> Sample {
    let mut unif = uniforms(seed);
    let mut x = vec![0.0; n * p];
    let (mut stop, mut event, mut w, mut s, mut start) = (vec![], vec![], vec![], vec![], vec![]);
    for i in 0..n {
        for j in 0..p {
            x[j * n + i] = if j + 1 == p && p > 1 {
                f64::from(u8::from(unif() < 0.4))
            } else {
                unif() * 4.0 - 2.0
            };
        }
        let t = (unif() * ntimes).ceil().max(1.0);
        stop.push(t);
        start.push((unif() * t).floor().min(t - 1.0));
        event.push(unif() < 0.6);
        w.push(0.5 + (i % 3) as f64 / 2.0);
        s.push((unif() * f64::from(strata)) as u32);
    }
    Sample {
        start: counting.then_some(start),
        stop,
        event,
        x,
        p,
        names: (0..p).map(|j| format!("x{j}")).collect(),
        strata: (strata > 1).then_some(s),
        weights: weighted.then_some(w),
    }
}

fn close(x: f64, y: f64, scale: f64) -> bool {
    x == y || (x.is_nan() && y.is_nan()) || (x - y).abs() <= 1e-9 * scale + 1e-300
}

/// `a` equals the reference `b` to rounding.
fn agrees(a: &Eval, b: &Eval, rows: usize) -> Result<(), String> {
    // The log likelihood is a sum of terms of the size of η that can cancel to nearly 0: their size is the
    // floor of the comparison.
    let ls = b.loglik.abs().max(b.max_eta.abs()).max(1.0);
    if !close(a.loglik, b.loglik, ls) {
        return Err(format!("loglik {} vs {}", a.loglik, b.loglik));
    }
    let us = b.u.iter().map(|v| v.abs()).fold(1.0, f64::max);
    for (x, y) in a.u.iter().zip(&b.u) {
        if !close(*x, *y, us) {
            return Err(format!("U {x} vs {y}"));
        }
    }
    // I is a difference of terms of order one on the prepared scale (a one-row risk set gives 0 from 1 − 1): an
    // absolute floor for the rounding of that difference, which grows with the rows summed (Efron's steps
    // over many tied deaths subtract nearly equal sums again and again).
    let is = b
        .imat
        .iter()
        .map(|v| v.abs())
        .fold(1e-3 * rows as f64, f64::max);
    for (x, y) in a.imat.iter().zip(&b.imat) {
        if !close(*x, *y, is) {
            return Err(format!("I {x} vs {y}"));
        }
    }
    // The grouped path takes η with fused multiply-adds: the same to rounding.
    if !close(a.max_eta, b.max_eta, b.max_eta.abs()) {
        return Err(format!("max eta {} vs {}", a.max_eta, b.max_eta));
    }
    Ok(())
}

/// The same bits.
fn identical(a: &Eval, b: &Eval) -> bool {
    let bits = |e: &Eval| {
        let mut v = vec![e.loglik.to_bits(), e.max_eta.to_bits()];
        v.extend(e.u.iter().chain(&e.imat).map(|x| x.to_bits()));
        v
    };
    bits(a) == bits(b)
}

/// Every path and kernel copy on `prep` at `beta` against the sequential pass.
fn check_all_paths(prep: &Prepared, beta: &[f64], ties: Ties) -> Result<(), String> {
    let native = Kernels::choose(false);
    let reference = evaluate_with(prep, beta, ties, CoxPath::Sequential, native);
    for path in [CoxPath::Auto, CoxPath::Blocked, CoxPath::Grouped] {
        let fast = evaluate_with(prep, beta, ties, path, native);
        agrees(&fast, &reference, prep.n).map_err(|e| format!("{path:?}: {e}"))?;
        let portable = evaluate_with(prep, beta, ties, path, Kernels::portable());
        if !identical(&portable, &fast) {
            return Err(format!(
                "{path:?}: the portable kernels differ from the native ones"
            ));
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Random data with ties, strata, weights, counting-process rows, and η from moderate to extreme (beyond the
    /// shift thresholds and the regrouped paths' exact range).
    #[test]
    fn all_paths_agree_on_random_data(
        seed in any::<u64>(),
        n in 1usize..80,
        p in 1usize..4,
        ntimes in 1.0f64..40.0,
        strata in 1u32..4,
        weighted in any::<bool>(),
        counting in any::<bool>(),
        breslow in any::<bool>(),
        beta_scale in prop::sample::select(vec![0.0, 0.3, 2.0, 60.0, 130.0, 400.0]),
    ) {
        let s = sample(seed, n, p, ntimes, strata, weighted, counting);
        let prep = Prepared::new(&s.data(), true).unwrap();
        let mut unif = uniforms(seed ^ 0x9e37_79b9);
        let beta: Vec<f64> = (0..p).map(|_| beta_scale * (unif() * 2.0 - 1.0)).collect();
        let ties = if breslow { Ties::Breslow } else { Ties::Efron };
        if let Err(e) = check_all_paths(&prep, &beta, ties) {
            return Err(TestCaseError::fail(e));
        }
    }
}

/// Many blocks, strata, weights, heavy ties: the blocked and the grouped sums equal the sequential pass.
#[test]
fn regrouped_paths_equal_the_sequential_pass_on_many_blocks() {
    for (strata, weighted) in [(1, false), (3, true)] {
        let s = sample(12345, 150_000, 4, 300.0, strata, weighted, false);
        let prep = Prepared::new(&s.data(), true).unwrap();
        assert!(prep.blocks.len() > 3);
        assert_eq!(resolve(&prep, CoxPath::Auto), CoxPath::Grouped);
        let cases = [
            (Ties::Efron, [0.3, -0.2, 0.1, 0.5]),
            (Ties::Breslow, [0.3, -0.2, 0.1, 0.5]),
            (Ties::Efron, [120.0, 0.0, 0.0, 1.0]), // η > 200: the shifted scale
        ];
        for (ties, beta) in cases {
            check_all_paths(&prep, &beta, ties).unwrap();
        }
    }
}

/// The portable copy of the kernels runs (and gives the AVX2 copy's bits) also on a CPU with AVX2.
#[test]
fn portable_kernels_run_on_an_avx2_machine() {
    let portable = Kernels::portable();
    assert!(!portable.is_avx2());
    assert!(!Kernels::choose(true).is_avx2());
    #[cfg(target_arch = "x86_64")]
    assert_eq!(
        Kernels::choose(false).is_avx2(),
        std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
    );
    let s = sample(7, 5_000, 5, 200.0, 2, true, false);
    let prep = Prepared::new(&s.data(), true).unwrap();
    let beta = [0.2, -0.4, 0.1, 0.3, -0.7];
    for path in [CoxPath::Blocked, CoxPath::Grouped] {
        let a = evaluate_with(&prep, &beta, Ties::Efron, path, portable);
        let b = evaluate_with(&prep, &beta, Ties::Efron, path, Kernels::choose(false));
        assert!(identical(&a, &b), "{path:?}");
    }
}

#[test]
fn the_switch_parses_and_is_scoped_to_the_closure() {
    let parse = ForcedPath::parse;
    assert_eq!(parse("grouped").path, CoxPath::Grouped);
    assert_eq!(
        parse("blocked,portable"),
        ForcedPath {
            path: CoxPath::Blocked,
            portable: true
        }
    );
    assert_eq!(parse("sequential").path, CoxPath::Sequential);
    assert_eq!(parse("nonsense"), ForcedPath::default());
    let forced = ForcedPath {
        path: CoxPath::Blocked,
        portable: true,
    };
    assert_eq!(with_forced_path(forced, super::forced_path), forced);
    let nested = with_forced_path(forced, || {
        with_forced_path(ForcedPath::default(), super::forced_path)
    });
    assert_eq!(nested, ForcedPath::default());
    // Counting-process data always takes the sequential pass.
    let s = sample(3, 50, 2, 10.0, 1, false, true);
    let prep = Prepared::new(&s.data(), true).unwrap();
    for path in [CoxPath::Auto, CoxPath::Blocked, CoxPath::Grouped] {
        assert_eq!(resolve(&prep, path), CoxPath::Sequential);
    }
}
