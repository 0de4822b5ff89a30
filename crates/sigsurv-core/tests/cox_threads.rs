//! Cox results are bit-identical for any number of threads (the parallel blocks and chunks are fixed
//! by the data), and `CoxLikelihood` agrees with the fit.

use proptest::prelude::*;
use sigsurv_core::cox::{cox_ph, cox_survfit, CoxData, CoxLikelihood, CoxOptions, NewData, Ties};
use sigsurv_core::simulate::{simulate_cohort, SimulationSpec};

struct Sim {
    time: Vec<f64>,
    event: Vec<bool>,
    x: Vec<f64>,
    names: Vec<String>,
    strata: Vec<u32>,
    weights: Vec<f64>,
}

fn sim(n: usize, seed: u64, covariates: usize) -> Sim {
    let s = simulate_cohort(&SimulationSpec {
        n,
        seed,
        covariates,
        cohorts: 3,
        ..Default::default()
    });
    let mut x = s.score.clone();
    for c in &s.covariates {
        x.extend_from_slice(c);
    }
    x.extend(s.group.iter().map(|&g| f64::from(u8::from(g == 1))));
    let mut names = vec!["score".to_string()];
    names.extend((1..=covariates).map(|j| format!("x{j}")));
    names.push("group=g2".to_string());
    Sim {
        weights: (0..n).map(|i| 1.0 + (i % 5) as f64 / 4.0).collect(),
        time: s.time,
        event: s.event,
        x,
        names,
        strata: s.cohort,
    }
}

/// Everything cox_ph and cox_survfit report, as text (Debug prints floats exactly).
fn run(d: &CoxData, ties: Ties) -> String {
    let opts = CoxOptions {
        ties,
        ..Default::default()
    };
    let fit = cox_ph(d, &opts).unwrap();
    let curves = cox_survfit(&fit, d, None, 0.95).unwrap();
    let nd = NewData {
        n: 1,
        x: &vec![0.5; d.p],
        strata: None,
    };
    let more = cox_survfit(&fit, d, Some(&nd), 0.95).unwrap();
    format!("{fit:?}\n{curves:?}\n{more:?}")
}

fn one_thread<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap()
        .install(f)
}

fn four_threads<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new()
        .num_threads(4)
        .build()
        .unwrap()
        .install(f)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, ..ProptestConfig::default() })]

    /// Several blocks of the parallel Newton pass (n > 2^15 rows), strata, weights, both ties; whole days (the
    /// grouped evaluation) or times in fractions of a day (nearly every time distinct: the blocked evaluation).
    #[test]
    fn bit_identical_for_any_thread_count(
        seed in 0u64..1_000_000,
        n in 40_000usize..90_000,
        stratified in any::<bool>(),
        weighted in any::<bool>(),
        efron in any::<bool>(),
        fractional in any::<bool>(),
    ) {
        let s = sim(n, seed, 2);
        let time: Vec<f64> = if fractional {
            s.time.iter().enumerate().map(|(i, t)| t + (i % 997) as f64 / 1000.0).collect()
        } else {
            s.time.clone()
        };
        let d = CoxData {
            start: None,
            stop: &time,
            event: &s.event,
            x: &s.x,
            p: s.names.len(),
            names: &s.names,
            strata: stratified.then_some(&s.strata[..]),
            weights: weighted.then_some(&s.weights[..]),
            cluster: None,
            offset: None,
        };
        let ties = if efron { Ties::Efron } else { Ties::Breslow };
        let a = one_thread(|| run(&d, ties));
        let b = four_threads(|| run(&d, ties));
        prop_assert_eq!(a, b);
    }
}

/// Enough rows for several chunks of the parallel concordance sweep (2^18 rows each).
#[test]
fn bit_identical_across_concordance_chunks() {
    let s = sim(600_000, 3, 1);
    let d = CoxData {
        start: None,
        stop: &s.time,
        event: &s.event,
        x: &s.x,
        p: s.names.len(),
        names: &s.names,
        strata: None,
        weights: None,
        cluster: None,
        offset: None,
    };
    let a = one_thread(|| format!("{:?}", cox_ph(&d, &CoxOptions::default()).unwrap()));
    let b = four_threads(|| format!("{:?}", cox_ph(&d, &CoxOptions::default()).unwrap()));
    assert_eq!(a, b);
}

#[test]
fn likelihood_matches_the_fit() {
    let s = sim(5_000, 9, 3);
    let d = CoxData {
        start: None,
        stop: &s.time,
        event: &s.event,
        x: &s.x,
        p: s.names.len(),
        names: &s.names,
        strata: Some(&s.strata),
        weights: None,
        cluster: None,
        offset: None,
    };
    let fit = cox_ph(&d, &CoxOptions::default()).unwrap();
    let lik = CoxLikelihood::new(&d, true).unwrap();
    let e = lik.evaluate(&fit.coef, Ties::Efron);
    assert!((e.loglik - fit.loglik).abs() < 1e-9 * fit.loglik.abs());
    let e0 = lik.evaluate(&vec![0.0; d.p], Ties::Efron);
    assert!((e0.loglik - fit.loglik_null).abs() < 1e-9 * fit.loglik_null.abs());
    // At β̂ the score vanishes and I⁻¹ is the fit's variance: check I · V = identity.
    let p = d.p;
    for j in 0..p {
        assert!(e.score[j].abs() < 1e-4, "score {}", e.score[j]);
        for k in 0..p {
            let iv: f64 = (0..p)
                .map(|m| e.information[j * p + m] * fit.var[m * p + k])
                .sum();
            let want = if j == k { 1.0 } else { 0.0 };
            assert!((iv - want).abs() < 1e-6, "I V [{j},{k}] = {iv}");
        }
    }
}
