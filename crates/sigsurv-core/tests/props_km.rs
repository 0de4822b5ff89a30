//! Invariants of Kaplan-Meier and the log-rank test on random data (proptest).

use proptest::prelude::*;
use sigsurv_core::confint::ConfType;
use sigsurv_core::km::general::kaplan_meier_general_direct_variance;
use sigsurv_core::km::{
    kaplan_meier, kaplan_meier_by, kaplan_meier_general, KmCurve, KmData, KmOptions,
};
use sigsurv_core::logrank::{survdiff, LogRankOptions};
use sigsurv_core::CoreError;

/// Rows of (time, event, group): times on a coarse grid so that ties are common, zero included.
fn rows(max_groups: u32) -> impl Strategy<Value = Vec<(f64, bool, u32)>> {
    prop::collection::vec((0u32..40, any::<bool>(), 0..max_groups), 1..120).prop_map(|v| {
        v.into_iter()
            .map(|(t, e, g)| (t as f64 * 0.5, e, g))
            .collect()
    })
}

fn split(v: &[(f64, bool, u32)]) -> (Vec<f64>, Vec<bool>, Vec<u32>) {
    (
        v.iter().map(|r| r.0).collect(),
        v.iter().map(|r| r.1).collect(),
        v.iter().map(|r| r.2).collect(),
    )
}

/// Two curves agree to rounding: times, surv, standard errors, limits, cumulative hazard, median, and the
/// RMST to `tau` when given.
fn same_curve(a: &KmCurve, b: &KmCurve, tau: Option<f64>) -> Result<(), TestCaseError> {
    let close = |x: f64, y: f64| x == y || (x - y).abs() <= 1e-12 * x.abs().max(y.abs()).max(1.0);
    let opt = |x: Option<f64>, y: Option<f64>| match (x, y) {
        (Some(x), Some(y)) => close(x, y),
        (x, y) => x.is_none() && y.is_none(),
    };
    prop_assert_eq!(&a.time, &b.time);
    for i in 0..a.time.len() {
        prop_assert!(
            close(a.risk(i), b.risk(i)),
            "n_risk {} vs {}",
            a.risk(i),
            b.risk(i)
        );
        prop_assert!(close(a.surv[i], b.surv[i]));
        prop_assert!(
            close(a.log_se[i], b.log_se[i])
                || (a.log_se[i].is_infinite() && b.log_se[i].is_infinite())
        );
        prop_assert!(
            opt(a.lower[i], b.lower[i]),
            "lower {:?} vs {:?}",
            a.lower[i],
            b.lower[i]
        );
        prop_assert!(opt(a.upper[i], b.upper[i]));
        prop_assert!(close(a.cumhaz[i], b.cumhaz[i]) && close(a.cumhaz_se[i], b.cumhaz_se[i]));
    }
    prop_assert_eq!(a.median(), b.median());
    if let Some(tau) = tau {
        let (ra, rb) = (a.rmst(tau), b.rmst(tau));
        prop_assert!(close(ra.rmst, rb.rmst) && close(ra.se, rb.se));
    }
    Ok(())
}

proptest! {
    /// Weights all 1 give the unweighted curve; whole-number weights give the curve of the rows replicated.
    #[test]
    fn weights_as_replicated_rows(v in rows(2), reps in prop::collection::vec(1u32..4, 120),
                                  ct in prop::sample::select(ConfType::ALL.to_vec())) {
        let (t, e, g) = split(&v);
        let o = KmOptions { conf_type: ct, ..KmOptions::default() };
        let plain = kaplan_meier_by(&t, &e, &g, 2, &o).unwrap();
        let ones = vec![1.0; t.len()];
        let data = KmData { weight: Some(&ones), ..KmData::new(&t, &e) };
        let weighted = kaplan_meier_general(&data, &g, 2, &o).unwrap();
        let tau = Some(15.0);
        for (a, b) in plain.iter().zip(&weighted) {
            same_curve(a, b, tau)?;
        }
        let w: Vec<f64> = reps[..t.len()].iter().map(|&k| f64::from(k)).collect();
        let (mut t2, mut e2, mut g2) = (vec![], vec![], vec![]);
        for i in 0..t.len() {
            for _ in 0..reps[i] {
                t2.push(t[i]);
                e2.push(e[i]);
                g2.push(g[i]);
            }
        }
        let replicated = kaplan_meier_by(&t2, &e2, &g2, 2, &o).unwrap();
        let data = KmData { weight: Some(&w), ..KmData::new(&t, &e) };
        let weighted = kaplan_meier_general(&data, &g, 2, &o).unwrap();
        for (a, b) in replicated.iter().zip(&weighted) {
            same_curve(a, b, tau)?;
            prop_assert!(!b.robust);
        }
    }

    /// The robust variance kept as sums equals the direct cluster-by-cluster update: fractional weights,
    /// clusters of several rows, delayed entry (also entries after the first event), zero weights.
    #[test]
    fn robust_variance_bookkeeping_equals_direct(
        v in rows(2),
        extra in prop::collection::vec((0u32..20, 0u32..8, 0u32..6), 120),
        use_entry in any::<bool>(),
        use_cluster in any::<bool>(),
    ) {
        let (t, e, g) = split(&v);
        let n = t.len();
        let t: Vec<f64> = t.iter().map(|x| x + 1.0).collect();
        let entry: Vec<f64> = (0..n).map(|i| (extra[i].0 as f64 * 0.5).min(t[i] - 0.25)).collect();
        let w: Vec<f64> = (0..n).map(|i| extra[i].1 as f64 * 0.375).collect();
        let cl: Vec<u32> = (0..n).map(|i| extra[i].2).collect();
        let data = KmData {
            entry: use_entry.then_some(entry.as_slice()),
            weight: Some(&w),
            cluster: use_cluster.then_some(cl.as_slice()),
            robust: true,
            ..KmData::new(&t, &e)
        };
        let o = KmOptions::default();
        let a = kaplan_meier_general(&data, &g, 2, &o).unwrap();
        let b = kaplan_meier_general_direct_variance(&data, &g, 2, &o).unwrap();
        for (a, b) in a.iter().zip(&b) {
            prop_assert_eq!(&a.surv, &b.surv);
            for (x, y) in a.std_err.iter().zip(&b.std_err).chain(a.cumhaz_se.iter().zip(&b.cumhaz_se)) {
                let ok = x == y || (x.is_nan() && y.is_nan()) || (x - y).abs() <= 1e-10 * x.abs().max(y.abs()) + 1e-14;
                prop_assert!(ok, "tracked {} vs direct {}", x, y);
            }
        }
    }

    /// Every entry before every exit (at 0 with positive exits, or at −1) gives the plain curve.
    #[test]
    fn early_entry_is_plain_km(v in rows(2), ct in prop::sample::select(ConfType::ALL.to_vec())) {
        let (t, e, g) = split(&v);
        let t: Vec<f64> = t.iter().map(|x| x + 0.5).collect();
        let o = KmOptions { conf_type: ct, ..KmOptions::default() };
        let plain = kaplan_meier_by(&t, &e, &g, 2, &o).unwrap();
        for at in [0.0, -1.0] {
            let entry = vec![at; t.len()];
            let data = KmData { entry: Some(&entry), ..KmData::new(&t, &e) };
            let late = kaplan_meier_general(&data, &g, 2, &o).unwrap();
            for (a, b) in plain.iter().zip(&late) {
                prop_assert_eq!(b.start_time, at);
                if at == 0.0 {
                    same_curve(a, b, Some(15.0))?;
                } else {
                    // RMST integrates from R's t0 = min(0, entries) = −1: one more unit at S = 1.
                    same_curve(a, b, None)?;
                    prop_assert!((b.rmst(15.0).rmst - a.rmst(15.0).rmst - 1.0).abs() < 1e-9);
                }
            }
        }
    }

    #[test]
    fn km_invariants(v in rows(1), ct in prop::sample::select(ConfType::ALL.to_vec())) {
        let (t, e, _) = split(&v);
        let c = kaplan_meier(&t, &e, &KmOptions { conf_type: ct, ..KmOptions::default() }).unwrap();
        prop_assert_eq!(c.n, t.len());
        prop_assert_eq!(c.n_risk[0], t.len());
        prop_assert_eq!(c.n_events, e.iter().filter(|&&x| x).count());
        prop_assert!(c.time.windows(2).all(|w| w[0] < w[1]));
        for i in 0..c.time.len() {
            prop_assert!((0.0..=1.0).contains(&c.surv[i]));
            if i + 1 < c.time.len() {
                prop_assert!(c.surv[i + 1] <= c.surv[i]);
                prop_assert_eq!(c.n_risk[i + 1], c.n_risk[i] - c.n_event[i] - c.n_censor[i]);
            } else {
                prop_assert_eq!(c.n_risk[i], c.n_event[i] + c.n_censor[i]);
            }
            if let (Some(lo), Some(hi)) = (c.lower[i], c.upper[i]) {
                prop_assert!(lo <= c.surv[i] + 1e-12 && c.surv[i] <= hi + 1e-12, "{} {} {}", lo, c.surv[i], hi);
                prop_assert!((0.0..=1.0).contains(&lo) && (0.0..=1.0).contains(&hi));
            }
        }
        let m = c.median();
        if let (Some(a), Some(b)) = (m.lower, m.estimate) { prop_assert!(a <= b); }
        if let (Some(a), Some(b)) = (m.estimate, m.upper) { prop_assert!(a <= b); }
        let tau = t.iter().cloned().fold(0.0, f64::max);
        let r = c.rmst(tau);
        prop_assert!(r.rmst >= 0.0 && r.rmst <= tau + 1e-12 && r.se >= 0.0);
    }

    #[test]
    fn km_is_invariant_to_row_order(v in rows(3), seed in any::<u64>()) {
        let (t, e, g) = split(&v);
        let mut perm: Vec<usize> = (0..v.len()).collect();
        let mut s = seed | 1;
        for i in (1..perm.len()).rev() {
            s ^= s << 13; s ^= s >> 7; s ^= s << 17;
            perm.swap(i, (s % (i as u64 + 1)) as usize);
        }
        let (t2, e2, g2): (Vec<f64>, Vec<bool>, Vec<u32>) =
            (perm.iter().map(|&i| t[i]).collect(), perm.iter().map(|&i| e[i]).collect(), perm.iter().map(|&i| g[i]).collect());
        let o = KmOptions::default();
        let a = kaplan_meier_by(&t, &e, &g, 3, &o).unwrap();
        let b = kaplan_meier_by(&t2, &e2, &g2, 3, &o).unwrap();
        for (x, y) in a.iter().zip(&b) {
            prop_assert_eq!(&x.time, &y.time);
            prop_assert_eq!(&x.surv, &y.surv);
            prop_assert_eq!(&x.log_se, &y.log_se);
            prop_assert_eq!(&x.n_risk, &y.n_risk);
        }
        if g.iter().any(|&x| x != g[0]) {
            let lo = LogRankOptions::default();
            match (survdiff(&t, &e, &g, 3, None, &lo), survdiff(&t2, &e2, &g2, 3, None, &lo)) {
                (Ok(r1), Ok(r2)) => {
                    prop_assert_eq!(r1.chisq.to_bits(), r2.chisq.to_bits());
                    prop_assert_eq!(r1.expected, r2.expected);
                }
                // A singular variance (R's survdiff stops too) must not depend on the row order either.
                (Err(a), Err(b)) => prop_assert_eq!(a, b),
                (a, b) => prop_assert!(false, "order changed the outcome: {:?} vs {:?}", a.is_ok(), b.is_ok()),
            }
        }
    }

    #[test]
    fn logrank_sums(v in rows(4), strata in prop::collection::vec(0u32..3, 120), rho in prop::sample::select(vec![0.0, 0.5, 1.0])) {
        let (t, e, g) = split(&v);
        prop_assume!(g.iter().any(|&x| x != g[0]));
        let s = &strata[..t.len()];
        for st in [None, Some(s)] {
            let r = match survdiff(&t, &e, &g, 4, st, &LogRankOptions { rho, timefix: true }) {
                Ok(r) => r,
                // R's survdiff stops on a singular variance matrix too; nothing else may fail here.
                Err(CoreError::Numerical(_)) => continue,
                Err(other) => return Err(TestCaseError::fail(other.to_string())),
            };
            let o: f64 = r.observed.iter().sum();
            let ex: f64 = r.expected.iter().sum();
            prop_assert!((o - ex).abs() <= 1e-9 * o.max(1.0), "sum O {} vs sum E {}", o, ex);
            if rho == 0.0 {
                prop_assert_eq!(o, e.iter().filter(|&&x| x).count() as f64);
            }
            // Rows of the variance matrix sum to zero; it is symmetric.
            for i in 0..4 {
                let row: f64 = (0..4).map(|j| r.variance[i * 4 + j]).sum();
                prop_assert!(row.abs() < 1e-9 * (1.0 + r.variance[i * 4 + i].abs()));
                for j in 0..4 {
                    prop_assert!((r.variance[i * 4 + j] - r.variance[j * 4 + i]).abs() < 1e-12);
                }
            }
            // No events: χ² 0 and p NaN, R's NA (survdiff's df = -1).
            let no_events = !e.iter().any(|&x| x);
            prop_assert!(r.chisq >= -1e-9);
            prop_assert!((0.0..=1.0).contains(&r.p_value) || (no_events && r.p_value.is_nan()));
        }
    }
}

/// Large enough for the parallel sort: results must not depend on row order or on how ties were ordered.
#[test]
fn large_input_is_invariant_to_row_order() {
    let n = 200_000usize;
    let mut s = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        s
    };
    let rows: Vec<(f64, bool, u32, u32)> = (0..n)
        .map(|_| {
            (
                (next() % 5000) as f64 * 0.25,
                next() % 3 != 0,
                (next() % 3) as u32,
                (next() % 2) as u32,
            )
        })
        .collect();
    let mut shuffled = rows.clone();
    for i in (1..n).rev() {
        shuffled.swap(i, (next() % (i as u64 + 1)) as usize);
    }
    let cols = |v: &[(f64, bool, u32, u32)]| {
        (
            v.iter().map(|r| r.0).collect::<Vec<_>>(),
            v.iter().map(|r| r.1).collect::<Vec<_>>(),
            v.iter().map(|r| r.2).collect::<Vec<_>>(),
            v.iter().map(|r| r.3).collect::<Vec<_>>(),
        )
    };
    let (t1, e1, g1, s1) = cols(&rows);
    let (t2, e2, g2, s2) = cols(&shuffled);
    let a = kaplan_meier_by(&t1, &e1, &g1, 3, &KmOptions::default()).unwrap();
    let b = kaplan_meier_by(&t2, &e2, &g2, 3, &KmOptions::default()).unwrap();
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x.surv, y.surv);
        assert_eq!(x.log_se, y.log_se);
        assert_eq!(x.n_risk, y.n_risk);
    }
    let lo = LogRankOptions {
        rho: 1.0,
        timefix: true,
    };
    let r1 = survdiff(&t1, &e1, &g1, 3, Some(&s1), &lo).unwrap();
    let r2 = survdiff(&t2, &e2, &g2, 3, Some(&s2), &lo).unwrap();
    assert_eq!(r1.chisq.to_bits(), r2.chisq.to_bits());
    assert_eq!(r1.variance, r2.variance);
}

proptest! {
    /// The table at the curve's own times is the curve, its events add up to the curve's, and times between
    /// curve points read the point before (at risk: the point after).
    #[test]
    fn at_times_reads_the_curve(v in rows(1), extra in prop::collection::vec(-2.0f64..25.0, 0..6)) {
        let (t, e, _) = split(&v);
        let c = kaplan_meier(&t, &e, &KmOptions::default()).unwrap();
        let at = c.at_times(&c.time);
        prop_assert!(at.omitted.is_empty());
        prop_assert_eq!(at.rows.len(), c.time.len());
        for (i, row) in at.rows.iter().enumerate() {
            prop_assert_eq!(row.surv.to_bits(), c.surv[i].to_bits());
            prop_assert_eq!(row.n_risk, c.n_risk[i] as f64);
            prop_assert_eq!(row.n_event, c.n_event[i] as f64);
        }
        let mut times = c.time.clone();
        times.extend(&extra);
        let at = c.at_times(&times);
        let events: f64 = at.rows.iter().map(|r| r.n_event).sum();
        let last = *c.time.last().unwrap();
        let wanted: usize = c.time.iter().zip(&c.n_event).map(|(_, &d)| d).sum();
        prop_assert_eq!(events, wanted as f64);
        for row in &at.rows {
            prop_assert!((row.surv - c.surv_at(row.time)).abs() == 0.0 || row.time < c.time[0]);
            prop_assert_eq!(row.n_risk, c.n_risk_at(row.time) as f64);
        }
        prop_assert!(at.omitted.iter().all(|&x| x > last));
    }
}
