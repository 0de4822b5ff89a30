//! Invariants of the competing-risks estimators on random data (proptest), and inputs at the edges (empty,
//! one row, all censored, non-finite values, zero weights): errors, never a panic.

use proptest::prelude::*;
use sigsurv_core::competing::{aalen_johansen_direct, fine_gray_reference};
use sigsurv_core::{
    aalen_johansen, aalen_johansen_by, cuminc, fine_gray, gray_test, CifCurve, CifOptions,
    CompetingData, CoreError, FineGrayOptions,
};

/// Rows of (time, cause, group, weight): times on a coarse grid so that ties between causes and with
/// censorings are common; weights include 0.
fn rows() -> impl Strategy<Value = Vec<(f64, u32, u32, f64)>> {
    prop::collection::vec((0u32..25, 0u32..3, 0u32..3, 0u32..5), 1..80).prop_map(|v| {
        v.into_iter()
            .map(|(t, c, g, w)| (t as f64 * 0.5, c, g, w as f64 * 0.75))
            .collect()
    })
}

fn close(a: f64, b: f64) -> bool {
    a == b || (a - b).abs() <= 1e-10 * a.abs().max(b.abs()).max(1e-3)
}

fn same(a: &CifCurve, b: &CifCurve) -> Result<(), TestCaseError> {
    prop_assert_eq!(&a.time, &b.time);
    prop_assert_eq!(&a.n_risk, &b.n_risk);
    let states = |c: &CifCurve| {
        let mut v = vec![c.event_free.clone()];
        v.extend(c.causes.iter().map(|k| k.incidence.clone()));
        v
    };
    for (x, y) in states(a).iter().zip(states(b)) {
        for i in 0..x.estimate.len() {
            prop_assert!(close(x.estimate[i], y.estimate[i]));
            prop_assert!(
                close(x.std_err[i], y.std_err[i]),
                "se {} vs {}",
                x.std_err[i],
                y.std_err[i]
            );
        }
    }
    Ok(())
}

proptest! {
    /// The one-pass standard errors equal the row-by-row influence recursion, weighted or not.
    #[test]
    fn one_pass_equals_row_by_row(v in rows(), weighted in any::<bool>()) {
        let time: Vec<f64> = v.iter().map(|r| r.0).collect();
        let cause: Vec<u32> = v.iter().map(|r| r.1).collect();
        let group: Vec<u32> = v.iter().map(|r| r.2).collect();
        let weight: Vec<f64> = v.iter().map(|r| r.3).collect();
        let mut data = CompetingData::new(&time, &cause, 2);
        if weighted {
            data = data.with_weights(&weight);
        }
        let o = CifOptions::default();
        let fast = aalen_johansen_by(&data, &group, 3, &o).unwrap();
        let direct = aalen_johansen_direct(&data, &group, 3, &o).unwrap();
        for (a, b) in fast.iter().zip(&direct) {
            same(a, b)?;
        }
    }

    /// The probabilities of the states sum to one, and each incidence is non-decreasing.
    #[test]
    fn states_sum_to_one(v in rows()) {
        let time: Vec<f64> = v.iter().map(|r| r.0).collect();
        let cause: Vec<u32> = v.iter().map(|r| r.1).collect();
        let weight: Vec<f64> = v.iter().map(|r| r.3 + 0.25).collect();
        let fit = aalen_johansen(&CompetingData::new(&time, &cause, 2).with_weights(&weight), &CifOptions::default()).unwrap();
        for i in 0..fit.time.len() {
            let total = fit.event_free.estimate[i] + fit.causes.iter().map(|c| c.incidence.estimate[i]).sum::<f64>();
            prop_assert!((total - 1.0).abs() < 1e-12);
        }
        for c in &fit.causes {
            prop_assert!(c.incidence.estimate.windows(2).all(|w| w[1] >= w[0] - 1e-15));
        }
    }

    /// Row order does not change Gray's test or cuminc.
    #[test]
    fn row_order_does_not_matter(v in rows(), seed in any::<u64>()) {
        let mut shuffled = v.clone();
        let mut s = seed | 1;
        for i in (1..shuffled.len()).rev() {
            s ^= s << 13; s ^= s >> 7; s ^= s << 17;
            shuffled.swap(i, (s % (i as u64 + 1)) as usize);
        }
        let run = |v: &[(f64, u32, u32, f64)]| {
            let time: Vec<f64> = v.iter().map(|r| r.0).collect();
            let cause: Vec<u32> = v.iter().map(|r| r.1).collect();
            let group: Vec<u32> = v.iter().map(|r| r.2).collect();
            let data = CompetingData::new(&time, &cause, 2);
            (gray_test(&data, &group, 3, None, 0.0).ok(), cuminc(&data, &group, 3).unwrap())
        };
        let (a, b) = (run(&v), run(&shuffled));
        prop_assert_eq!(a.1, b.1);
        match (a.0, b.0) {
            (Some(x), Some(y)) => for (x, y) in x.iter().zip(&y) {
                prop_assert!(close(x.statistic, y.statistic) || (x.statistic.is_nan() && y.statistic.is_nan()));
            },
            (x, y) => prop_assert_eq!(x.is_none(), y.is_none()),
        }
    }
}

proptest! {
    /// The Fine-Gray fit by sorted scans equals the reference fit: same errors, and where both converge the
    /// same coefficients, variances and log pseudo-likelihood.
    #[test]
    fn fine_gray_scans_equal_reference(
        v in prop::collection::vec((0u32..20, 0u32..3, -20i32..20, 0u32..2), 4..60)
    ) {
        let time: Vec<f64> = v.iter().map(|r| r.0 as f64).collect();
        let cause: Vec<u32> = v.iter().map(|r| r.1).collect();
        let x: Vec<f64> = v.iter().map(|r| r.2 as f64 / 10.0).chain(v.iter().map(|r| r.3 as f64)).collect();
        let names = ["z".to_string(), "b".to_string()];
        let data = CompetingData::new(&time, &cause, 2);
        let o = FineGrayOptions::default();
        let (a, b) = (fine_gray(&data, 1, &x, &names, &o), fine_gray_reference(&data, 1, &x, &names, &o));
        // A fit heading to an infinite coefficient may end on either error, or on either side of one.
        let regular = |f: &sigsurv_core::FineGrayFit| f.converged && f.coef.iter().all(|c| c.abs() < 5.0);
        match (a, b) {
            (Ok(a), Ok(b)) => {
                if regular(&a) && regular(&b) {
                    let near = |x: f64, y: f64| (x - y).abs() <= 1e-7 * x.abs().max(y.abs()).max(1.0);
                    for (x, y) in a.coef.iter().zip(&b.coef).chain(a.var.iter().zip(&b.var)) {
                        prop_assert!(near(*x, *y), "{} vs {}", x, y);
                    }
                    prop_assert!(near(a.loglik, b.loglik));
                }
            }
            (Err(CoreError::Numerical(_)), Err(CoreError::Numerical(_))) => {}
            (Err(a), Err(b)) => prop_assert_eq!(a, b),
            (Ok(f), Err(CoreError::Numerical(_))) | (Err(CoreError::Numerical(_)), Ok(f)) => {
                prop_assert!(!regular(&f))
            }
            (a, b) => prop_assert!(false, "one failed: {:?} / {:?}", a.err(), b.err()),
        }
    }
}

#[test]
fn edges_give_errors_or_values_never_panics() {
    let o = CifOptions::default();
    assert_eq!(
        aalen_johansen(&CompetingData::new(&[], &[], 2), &o).unwrap_err(),
        CoreError::Empty
    );
    assert!(matches!(
        aalen_johansen(&CompetingData::new(&[1.0, f64::NAN], &[1, 0], 2), &o),
        Err(CoreError::NonFiniteTime { row: 1, .. })
    ));
    assert!(matches!(
        aalen_johansen(&CompetingData::new(&[1.0, -1.0], &[1, 0], 2), &o),
        Err(CoreError::NegativeTime { row: 1, .. })
    ));
    assert!(matches!(
        aalen_johansen(&CompetingData::new(&[1.0, 2.0], &[1, 3], 2), &o),
        Err(CoreError::CodeOutOfRange {
            what: "cause",
            row: 1,
            code: 3,
            n_codes: 3
        })
    ));
    assert!(matches!(
        aalen_johansen(
            &CompetingData::new(&[1.0, 2.0], &[1, 0], 2).with_weights(&[1.0, f64::NAN]),
            &o
        ),
        Err(CoreError::InvalidWeight { row: 1, .. })
    ));
    assert!(matches!(
        aalen_johansen(&CompetingData::new(&[1.0], &[1, 0], 2), &o),
        Err(CoreError::LengthMismatch { what: "cause", .. })
    ));
    assert!(matches!(
        aalen_johansen(&CompetingData::new(&[1.0], &[0], 0), &o),
        Err(CoreError::InvalidArgument(_))
    ));
    let bad_level = CifOptions {
        conf_level: 1.5,
        ..CifOptions::default()
    };
    assert!(aalen_johansen(&CompetingData::new(&[1.0], &[1], 1), &bad_level).is_err());

    // One row, an exit: everything moves to the cause.
    let one = aalen_johansen(&CompetingData::new(&[3.0], &[2], 2), &o).unwrap();
    assert_eq!(one.causes[1].incidence.estimate, [1.0]);
    assert_eq!(one.event_free.estimate, [0.0]);
    assert!(one.causes[1]
        .incidence
        .std_err
        .iter()
        .all(|s| s.is_finite()));
    // All censored: flat at 0, Gray's test singular (R's -1, p = 1).
    let time = [1.0, 2.0, 3.0, 4.0];
    let cens = [0, 0, 0, 0];
    let flat = aalen_johansen(&CompetingData::new(&time, &cens, 1), &o).unwrap();
    assert!(flat.causes[0].incidence.estimate.iter().all(|&f| f == 0.0));
    assert!(flat.causes[0].incidence.std_err.iter().all(|&s| s == 0.0));
    let g = gray_test(
        &CompetingData::new(&time, &cens, 1),
        &[0, 1, 0, 1],
        2,
        None,
        0.0,
    )
    .unwrap();
    assert_eq!((g[0].statistic, g[0].p_value), (-1.0, 1.0));
    let ci = cuminc(&CompetingData::new(&time, &cens, 1), &[0, 0, 0, 0], 2).unwrap();
    assert_eq!(ci[0][0].estimate, [0.0, 0.0]);
    assert!(ci[1][0].time.is_empty());
    // Zero weights everywhere: no exit counts, nothing moves.
    let zero = aalen_johansen(
        &CompetingData::new(&time, &[1, 2, 1, 0], 2).with_weights(&[0.0; 4]),
        &o,
    )
    .unwrap();
    assert!(zero.event_free.estimate.iter().all(|&s| s == 1.0));
    // Gray's test with one group, or weights: errors.
    assert!(gray_test(
        &CompetingData::new(&time, &[1, 2, 1, 0], 2),
        &[0, 0, 0, 0],
        2,
        None,
        0.0
    )
    .is_err());
    assert!(gray_test(
        &CompetingData::new(&time, &[1, 2, 1, 0], 2),
        &[0, 1, 0, 1],
        2,
        None,
        f64::NAN
    )
    .is_err());
    assert!(cuminc(
        &CompetingData::new(&time, &[1, 2, 1, 0], 2).with_weights(&[1.0; 4]),
        &[0; 4],
        1
    )
    .is_err());
    // Everyone exits at once by several causes: S reaches 0, standard errors stay finite.
    let all = aalen_johansen(&CompetingData::new(&[2.0; 4], &[1, 2, 1, 1], 2), &o).unwrap();
    assert_eq!(all.causes[0].incidence.estimate, [0.75]);
    assert!(all
        .causes
        .iter()
        .all(|c| c.incidence.std_err[0].is_finite()));
    assert!(all.at(&[1.0, 2.0, 5.0]).time == [1.0, 2.0]);

    // Fine-Gray: typed errors for what crr cannot fit.
    let names = ["x".to_string()];
    let o = FineGrayOptions::default();
    let time = [1.0, 2.0, 3.0, 4.0, 5.0];
    let cause = [1, 2, 0, 1, 0];
    let x = [0.5, 1.0, 2.0, f64::NAN, 1.0];
    assert!(matches!(
        fine_gray(&CompetingData::new(&time, &cause, 2), 1, &x, &names, &o),
        Err(CoreError::NonFinite { row: 3, .. })
    ));
    let x = [0.5, 1.0, 2.0, 0.0, 1.0];
    assert!(fine_gray(&CompetingData::new(&time, &cause, 2), 3, &x, &names, &o).is_err());
    assert!(fine_gray(
        &CompetingData::new(&time, &[0, 2, 0, 2, 0], 2),
        1,
        &x,
        &names,
        &o
    )
    .is_err());
    assert!(fine_gray(
        &CompetingData::new(&time, &cause, 2),
        1,
        &x[..4],
        &names,
        &o
    )
    .is_err());
    assert!(fine_gray(&CompetingData::new(&time, &cause, 2), 1, &x, &[], &o).is_err());
    assert!(matches!(
        fine_gray(
            &CompetingData::new(&time, &cause, 2),
            1,
            &[1.0; 5],
            &names,
            &o
        ),
        Err(CoreError::Numerical(_))
    ));
    // One row that fails: the information is 0.
    assert!(fine_gray(&CompetingData::new(&[1.0], &[1], 1), 1, &[0.3], &names, &o).is_err());
    // Everything at one time: a fit, or an error, never a panic.
    let _ = fine_gray(&CompetingData::new(&[2.0; 5], &cause, 2), 1, &x, &names, &o);
    assert!(fine_gray(&CompetingData::new(&time, &cause, 2), 1, &x, &names, &o).is_ok());
}

/// Heavily tied unweighted rows are counted by (time, group, cause) instead of sorted; the curves are those of
/// the row-by-row pass (weights of 1 take it).
#[test]
fn counted_rows_give_the_curves_of_sorted_rows() {
    let mut state = 99u64;
    let mut next = move || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        state >> 33
    };
    let n = 20_000;
    let time: Vec<f64> = (0..n).map(|_| (next() % 300) as f64).collect();
    let cause: Vec<u32> = (0..n).map(|_| (next() % 3) as u32).collect();
    let group: Vec<u32> = (0..n).map(|_| (next() % 3) as u32).collect();
    let ones = vec![1.0; n];
    let o = CifOptions::default();
    let counted = aalen_johansen_by(&CompetingData::new(&time, &cause, 2), &group, 3, &o).unwrap();
    let rows = aalen_johansen_by(
        &CompetingData::new(&time, &cause, 2).with_weights(&ones),
        &group,
        3,
        &o,
    )
    .unwrap();
    for (a, b) in counted.iter().zip(&rows) {
        assert_eq!(a.n, b.n);
        assert_eq!(a.n_censor, b.n_censor);
        for (x, y) in a.causes.iter().zip(&b.causes) {
            assert_eq!(x.n_event, y.n_event);
        }
        same(a, b).unwrap();
    }
}
