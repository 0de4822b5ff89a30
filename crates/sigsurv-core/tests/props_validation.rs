//! Properties of the concordance: each tree pass equals the pair-by-pair definition on random data with tied
//! times, tied markers, censoring, case weights and strata, and several option sets at once equal each on its
//! own; whole-number weights equal replicated rows; bad
//! input is an error, never a panic. RMST's default tau is the largest accepted. The time-dependent AUC does not
//! depend on the row order or a monotone transform of the marker, and its sweeps equal the per-time computation;
//! perfect predictions have Brier score 0.

use proptest::prelude::*;
use sigsurv_core::{
    brier_score, concordance, concordance_by, concordance_pairwise, concordances, integrated_brier,
    rmst_by_group, rmst_default_tau, time_dependent_auc, time_dependent_auc_reference, Concordance,
    ConcordanceData, ConcordanceOptions, CoreError, PairCounting, TimeWeight,
};

/// Rows (time on a coarse grid so times tie, event, marker on a coarse grid so markers tie, weight, stratum).
fn rows() -> impl Strategy<Value = Vec<(f64, bool, f64, f64, u32)>> {
    prop::collection::vec((1u32..15, any::<bool>(), 0u32..6, 0u32..4, 0u32..3), 2..60).prop_map(
        |v| {
            v.into_iter()
                .map(|(t, e, x, w, s)| {
                    (f64::from(t), e, f64::from(x) * 0.5, f64::from(w) * 0.75, s)
                })
                .collect()
        },
    )
}

fn close(a: f64, b: f64) -> bool {
    a == b || (a - b).abs() <= 1e-10 * a.abs().max(b.abs()).max(1.0)
}

fn same(a: &Concordance, b: &Concordance) -> Result<(), TestCaseError> {
    for (what, x, y) in [
        ("c", a.c, b.c),
        ("var", a.var, b.var),
        ("concordant", a.concordant, b.concordant),
        ("discordant", a.discordant, b.discordant),
        ("tied_x", a.tied_x, b.tied_x),
        ("tied_y", a.tied_y, b.tied_y),
        ("tied_xy", a.tied_xy, b.tied_xy),
    ] {
        prop_assert!(close(x, y), "{what}: {x} vs {y}");
    }
    Ok(())
}

proptest! {
    #[test]
    fn tree_equals_pairwise(v in rows(), uno in any::<bool>(), weighted in any::<bool>(),
                            stratified in any::<bool>(), tau in prop::option::of(2.0f64..14.0),
                            riskier in any::<bool>()) {
        let time: Vec<f64> = v.iter().map(|r| r.0).collect();
        let event: Vec<bool> = v.iter().map(|r| r.1).collect();
        let marker: Vec<f64> = v.iter().map(|r| r.2).collect();
        let weight: Vec<f64> = v.iter().map(|r| r.3).collect();
        let strata: Vec<u32> = v.iter().map(|r| r.4).collect();
        let data = ConcordanceData {
            weight: weighted.then_some(&weight[..]),
            strata: stratified.then_some(&strata[..]),
            ..ConcordanceData::new(&time, &event, &marker)
        };
        let opts = ConcordanceOptions {
            time_weight: if uno { TimeWeight::Uno } else { TimeWeight::Harrell },
            tau,
            higher_is_riskier: riskier,
            ..ConcordanceOptions::default()
        };
        for counting in [PairCounting::Auto, PairCounting::MarkerTree, PairCounting::TimeTree] {
            match (concordance_by(&data, &opts, counting), concordance_pairwise(&data, &opts)) {
                (Ok(a), Ok(b)) => {
                    same(&a, &b)?;
                    prop_assert!((0.0..=1.0).contains(&a.c) && a.var >= 0.0);
                }
                (Err(a), Err(b)) => prop_assert_eq!(a, b),
                (a, b) => prop_assert!(false, "{counting:?}: {a:?} vs {b:?}"),
            }
        }
        // Harrell's and these options together give what each gives alone.
        let pair = [ConcordanceOptions::default(), opts];
        match concordances(&data, &pair) {
            Ok(fits) => {
                prop_assert_eq!(fits.len(), 2);
                for (fit, o) in fits.iter().zip(&pair) {
                    same(fit, &concordance(&data, o).unwrap())?;
                }
            }
            Err(e) => prop_assert!(pair.iter().any(|o| concordance(&data, o) == Err(e.clone()))),
        }
    }

    /// Whole-number weights count as that many copies of the row for Harrell's C (counts and C; the IJ variance
    /// is not replication-invariant, as in R). Uno's weighted counts are not the copies' counts in R either
    /// (R 4.2 concordance(timewt = "n/G2"): times 2, 2, 1 with status 1, 0, 0 and weights 2, 1, 1 give tied.x
    /// 2, the copies 3.56), and sigsurv follows R there.
    #[test]
    fn whole_weights_are_replicated_rows(v in rows()) {
        let reps: Vec<usize> = v.iter().map(|r| 1 + (r.3 as usize) % 3).collect();
        let time: Vec<f64> = v.iter().map(|r| r.0).collect();
        let event: Vec<bool> = v.iter().map(|r| r.1).collect();
        let marker: Vec<f64> = v.iter().map(|r| r.2).collect();
        let weight: Vec<f64> = reps.iter().map(|&k| k as f64).collect();
        let (mut t2, mut e2, mut x2) = (vec![], vec![], vec![]);
        for i in 0..time.len() {
            for _ in 0..reps[i] {
                t2.push(time[i]);
                e2.push(event[i]);
                x2.push(marker[i]);
            }
        }
        let opts = ConcordanceOptions::default();
        let weighted = concordance(&ConcordanceData { weight: Some(&weight), ..ConcordanceData::new(&time, &event, &marker) }, &opts);
        let copies = concordance(&ConcordanceData::new(&t2, &e2, &x2), &opts);
        match (weighted, copies) {
            (Ok(a), Ok(b)) => {
                prop_assert!(close(a.c, b.c), "c {} vs {}", a.c, b.c);
                prop_assert!(close(a.concordant, b.concordant));
                prop_assert!(close(a.tied_x, b.tied_x));
            }
            (Err(_), Err(_)) => {}
            (a, b) => prop_assert!(false, "{a:?} vs {b:?}"),
        }
    }

    /// Any values, NaN and infinities included, give a result or an error, never a panic.
    #[test]
    fn never_panics(v in prop::collection::vec((prop::num::f64::ANY, any::<bool>(), prop::num::f64::ANY,
                                                prop::num::f64::ANY), 0..20),
                    tau in prop::option::of(prop::num::f64::ANY)) {
        let time: Vec<f64> = v.iter().map(|r| r.0).collect();
        let event: Vec<bool> = v.iter().map(|r| r.1).collect();
        let marker: Vec<f64> = v.iter().map(|r| r.2).collect();
        let weight: Vec<f64> = v.iter().map(|r| r.3).collect();
        for uno in [false, true] {
            let opts = ConcordanceOptions {
                time_weight: if uno { TimeWeight::Uno } else { TimeWeight::Harrell },
                tau,
                ..ConcordanceOptions::default()
            };
            let _ = concordance(&ConcordanceData { weight: Some(&weight), ..ConcordanceData::new(&time, &event, &marker) }, &opts);
            let _ = concordance(&ConcordanceData::new(&time, &event, &marker), &opts);
        }
    }
}

#[test]
fn errors_name_the_problem() {
    let opts = ConcordanceOptions::default();
    let t = [1.0, 2.0, 3.0];
    let e = [true, false, true];
    assert_eq!(
        concordance(&ConcordanceData::new(&[], &[], &[]), &opts),
        Err(CoreError::Empty)
    );
    assert!(matches!(
        concordance(&ConcordanceData::new(&t, &e, &[1.0, 2.0]), &opts),
        Err(CoreError::LengthMismatch {
            what: "marker",
            got: 2,
            expected: 3
        })
    ));
    assert!(matches!(
        concordance(&ConcordanceData::new(&t, &e, &[1.0, f64::NAN, 2.0]), &opts),
        Err(CoreError::NonFinite { row: 1, .. })
    ));
    assert!(matches!(
        concordance(
            &ConcordanceData::new(&[1.0, f64::INFINITY, 2.0], &e, &[1.0, 2.0, 3.0]),
            &opts
        ),
        Err(CoreError::NonFiniteTime { row: 1, .. })
    ));
    let w = [1.0, -1.0, 1.0];
    assert!(matches!(
        concordance(
            &ConcordanceData {
                weight: Some(&w),
                ..ConcordanceData::new(&t, &e, &[1.0, 2.0, 3.0])
            },
            &opts
        ),
        Err(CoreError::InvalidWeight { row: 1, .. })
    ));
    assert_eq!(
        concordance(
            &ConcordanceData::new(&t, &[false; 3], &[1.0, 2.0, 3.0]),
            &opts
        ),
        Err(CoreError::NoComparablePairs)
    );
    let early = ConcordanceOptions {
        tau: Some(0.5),
        ..opts
    };
    assert_eq!(
        concordance(&ConcordanceData::new(&t, &e, &[1.0, 2.0, 3.0]), &early),
        Err(CoreError::NoComparablePairs)
    );
}

proptest! {
    /// RMST: any values give a result or an error, never a panic; a result lies in [0, tau].
    #[test]
    fn rmst_never_panics(v in prop::collection::vec((prop::num::f64::ANY, any::<bool>(), 0u32..3), 0..20),
                         tau in prop::option::of(prop::num::f64::ANY)) {
        let time: Vec<f64> = v.iter().map(|r| r.0).collect();
        let event: Vec<bool> = v.iter().map(|r| r.1).collect();
        let group: Vec<u32> = v.iter().map(|r| r.2).collect();
        if let Ok(fit) = rmst_by_group(&time, &event, &group, 2, tau, 0.95) {
            for g in &fit.groups {
                prop_assert!(g.rmst >= 0.0 && g.rmst <= fit.tau * (1.0 + 1e-12));
            }
            let _ = fit.contrast(1, 0);
        }
    }

    /// On valid data the default tau is accepted and nothing past it is.
    #[test]
    fn rmst_tau_rule(v in rows()) {
        let time: Vec<f64> = v.iter().map(|r| r.0).collect();
        let event: Vec<bool> = v.iter().map(|r| r.1).collect();
        let group: Vec<u32> = v.iter().map(|r| r.4 % 2).collect();
        match rmst_default_tau(&time, &event, &group, 2) {
            Ok(tau) => {
                prop_assert!(rmst_by_group(&time, &event, &group, 2, Some(tau), 0.95).is_ok());
                prop_assert!(rmst_by_group(&time, &event, &group, 2, Some(tau + 0.5), 0.95).is_err());
            }
            Err(e) => prop_assert_eq!(e, CoreError::EmptyGroup { group: if group.contains(&0) { 1 } else { 0 } }),
        }
    }
}

#[test]
fn rmst_errors_name_the_problem() {
    let t = [1.0, 2.0, 3.0, 4.0];
    let e = [true, false, true, false];
    assert!(matches!(
        rmst_by_group(&t, &e, &[0, 0, 1, 2], 2, None, 0.95),
        Err(CoreError::CodeOutOfRange {
            row: 3,
            code: 2,
            ..
        })
    ));
    assert_eq!(
        rmst_by_group(&t, &e, &[0, 0, 0, 0], 2, None, 0.95),
        Err(CoreError::EmptyGroup { group: 1 })
    );
    assert!(matches!(
        rmst_by_group(&[1.0, -2.0, 3.0, 4.0], &e, &[0, 0, 1, 1], 2, None, 0.95),
        Err(CoreError::NegativeTime { row: 1, .. })
    ));
    assert!(matches!(
        rmst_by_group(&t, &e, &[0, 0, 1, 1], 2, Some(9.0), 0.95),
        Err(CoreError::InvalidArgument(_))
    ));
    assert!(matches!(
        rmst_by_group(&t, &e, &[0, 0, 1, 1], 2, None, 1.5),
        Err(CoreError::InvalidArgument(_))
    ));
    assert_eq!(rmst_default_tau(&t, &e, &[0, 0, 1, 1], 2), Ok(2.0));
}

proptest! {
    /// AUC and Brier: any values give a result or an error, never a panic.
    #[test]
    fn ipcw_metrics_never_panic(v in prop::collection::vec((prop::num::f64::ANY, any::<bool>(), prop::num::f64::ANY,
                                                            prop::num::f64::ANY), 0..20),
                                t in prop::num::f64::ANY) {
        let time: Vec<f64> = v.iter().map(|r| r.0).collect();
        let event: Vec<bool> = v.iter().map(|r| r.1).collect();
        let marker: Vec<f64> = v.iter().map(|r| r.2).collect();
        let surv: Vec<f64> = v.iter().map(|r| r.3).collect();
        let _ = time_dependent_auc(&time, &event, &marker, &[t], 0.95);
        let _ = brier_score(&time, &event, &[&surv], &[t], 0.95);
        let _ = integrated_brier(&[t], &[surv.first().copied().unwrap_or(0.0)], t);
    }

    /// On valid data: the AUC does not depend on the row order or on a monotone transform of the marker,
    /// lies in [0, 1] (or is NaN without cases or controls), and its standard error is finite.
    #[test]
    fn auc_invariances(v in rows(), t in 2.0f64..13.0) {
        let time: Vec<f64> = v.iter().map(|r| r.0).collect();
        let event: Vec<bool> = v.iter().map(|r| r.1).collect();
        let marker: Vec<f64> = v.iter().map(|r| r.2).collect();
        let a = &time_dependent_auc(&time, &event, &marker, &[t], 0.95).unwrap()[0];
        let rev = |x: &[f64]| x.iter().rev().copied().collect::<Vec<_>>();
        let ev_rev: Vec<bool> = event.iter().rev().copied().collect();
        let b = &time_dependent_auc(&rev(&time), &ev_rev, &rev(&marker), &[t], 0.95).unwrap()[0];
        let exp_marker: Vec<f64> = marker.iter().map(|x| x.exp()).collect();
        let c = &time_dependent_auc(&time, &event, &exp_marker, &[t], 0.95).unwrap()[0];
        let slow = &time_dependent_auc_reference(&time, &event, &marker, &[t], 0.95).unwrap()[0];
        prop_assert_eq!((a.n_cases, a.n_controls), (slow.n_cases, slow.n_controls));
        if a.n_cases == 0 || a.n_controls == 0 {
            prop_assert!(a.auc.is_nan());
        } else {
            prop_assert!((0.0..=1.0).contains(&a.auc));
            prop_assert!(close(a.auc, b.auc) && close(a.se, b.se));
            prop_assert!(close(a.auc, c.auc) && close(a.se, c.se));
            prop_assert!(close(a.auc, slow.auc) && close(a.se, slow.se));
            prop_assert!(a.se.is_finite());
        }
    }

    /// Predicting the outcome's own indicator at t for a cohort without censoring before t gives Brier 0.
    #[test]
    fn perfect_predictions_have_brier_zero(v in rows(), t in 2.0f64..13.0) {
        let time: Vec<f64> = v.iter().map(|r| r.0).collect();
        let event: Vec<bool> = v.iter().map(|r| r.0 > t || r.1).collect();
        let surv: Vec<f64> = time.iter().map(|&x| if x > t { 1.0 } else { 0.0 }).collect();
        let b = &brier_score(&time, &event, &[&surv], &[t], 0.95).unwrap()[0];
        prop_assert_eq!(b.brier, 0.0);
        prop_assert!(b.null_brier >= 0.0);
    }
}
