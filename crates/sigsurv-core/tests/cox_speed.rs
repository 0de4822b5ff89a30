//! Speed check (ignored by default): `cargo test --release -p sigsurv-core --test cox_speed -- --ignored --nocapture`.
//! Also checks that a seeded simulation recovers its true coefficients within their confidence intervals.

use sigsurv_core::cox::{cox_ph, CoxData, CoxOptions};
use std::time::Instant;

/// A tiny deterministic generator (SplitMix64) so the test needs no extra dependency.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }
    fn normal(&mut self) -> f64 {
        (-2.0 * self.next().max(1e-300).ln()).sqrt()
            * (2.0 * std::f64::consts::PI * self.next()).cos()
    }
}

/// Exponential survival with hazard exp(x β), exponential censoring, times rounded to create ties.
fn simulate(n: usize, beta: &[f64], seed: u64) -> (Vec<f64>, Vec<bool>, Vec<f64>) {
    let p = beta.len();
    let mut rng = Rng(seed);
    let mut x = vec![0.0; n * p];
    let mut time = vec![0.0; n];
    let mut event = vec![false; n];
    for i in 0..n {
        let mut eta = 0.0;
        for j in 0..p {
            let v = if j % 3 == 2 {
                (rng.next() < 0.5) as u8 as f64
            } else {
                rng.normal()
            };
            x[j * n + i] = v;
            eta += beta[j] * v;
        }
        let t = -rng.next().max(1e-300).ln() / eta.exp();
        let c = -rng.next().max(1e-300).ln() / 0.5;
        time[i] = (t.min(c) * 100.0).ceil() / 100.0;
        event[i] = t <= c;
    }
    (time, event, x)
}

#[test]
fn simulation_recovers_known_coefficients() {
    let beta = [0.5, -0.3, 0.8];
    let n = 4000;
    let (time, event, x) = simulate(n, &beta, 7);
    let names: Vec<String> = (0..3).map(|j| format!("x{j}")).collect();
    let d = CoxData {
        start: None,
        stop: &time,
        event: &event,
        x: &x,
        p: 3,
        names: &names,
        strata: None,
        weights: None,
        cluster: None,
        offset: None,
    };
    let fit = cox_ph(
        &d,
        &CoxOptions {
            conf_level: 0.999,
            ..Default::default()
        },
    )
    .unwrap();
    for (t, b) in fit.terms.iter().zip(beta) {
        let (lo, hi) = (t.lower.unwrap().ln(), t.upper.unwrap().ln());
        assert!(lo < b && b < hi, "{}: {b} not in ({lo}, {hi})", t.term);
    }
}

#[test]
#[ignore]
fn five_million_rows_twelve_covariates() {
    let p = 12;
    let beta: Vec<f64> = (0..p).map(|j| 0.1 * (j as f64 - 5.5) / 5.5).collect();
    let n = 5_000_000;
    let (time, event, x) = simulate(n, &beta, 11);
    let names: Vec<String> = (0..p).map(|j| format!("x{j}")).collect();
    let d = CoxData {
        start: None,
        stop: &time,
        event: &event,
        x: &x,
        p,
        names: &names,
        strata: None,
        weights: None,
        cluster: None,
        offset: None,
    };
    let t0 = Instant::now();
    let fit = cox_ph(&d, &CoxOptions::default()).unwrap();
    println!(
        "5M x 12 Efron: {:.2?}, {} iterations, C = {:.4}",
        t0.elapsed(),
        fit.iterations,
        fit.concordance.c
    );
}
