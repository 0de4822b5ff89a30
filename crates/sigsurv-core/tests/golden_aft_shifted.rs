//! AFT fits with a covariate shifted (`age + c`) or scaled (`age * s`) by constants from 1e-8 to 1e12, against
//! R's `survreg` (fixtures/aft/make_shifted.R). A shift may change only the intercept and a scale factor only
//! the covariate's coefficient and SE; R keeps every digit because it centres and scales the design matrix
//! before fitting, and so must we.

mod common;

use common::{assert_all_close, assert_close, json, nums, Csv};
use sigsurv_core::aft::{aft_fit, AftDist, AftOptions};

/// lung, rows complete in time, status, age, sex, ph.ecog: (time, event, [age, sex, ph.ecog] column-major, n).
fn lung() -> (Vec<f64>, Vec<bool>, Vec<f64>, usize) {
    let csv = Csv::read("lung/lung.csv");
    let cols = ["time", "status", "age", "sex", "ph.ecog"];
    let keep: Vec<usize> = (0..csv.n_rows)
        .filter(|&i| cols.iter().all(|c| csv.str(c)[i] != "NA"))
        .collect();
    let pick = |c: &str| -> Vec<f64> {
        let v = csv.f64(c);
        keep.iter().map(|&i| v[i]).collect()
    };
    let mut x = pick("age");
    x.extend(pick("sex"));
    x.extend(pick("ph.ecog"));
    let event = pick("status").iter().map(|&s| s == 2.0).collect();
    (pick("time"), event, x, keep.len())
}

/// Relative agreement of the reported numbers.
const REL: f64 = 1e-9;

#[test]
fn shifted_and_scaled_covariates_match_r() {
    let r = json("aft/shifted.json");
    let cases = r["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 112);
    let (time, event, x, n) = lung();
    let names: Vec<String> = ["age", "sex", "ph.ecog"].map(String::from).to_vec();
    let w: Vec<f64> = (0..n).map(|i| 0.5 + 0.25 * (i % 4) as f64).collect();
    for case in cases {
        let dist = AftDist::parse(case["dist"].as_str().unwrap()).unwrap();
        let by = nums(&case["by"])[0];
        let shift = case["transform"] == "shift";
        let weighted = case["weighted"].as_bool().unwrap();
        let what = format!(
            "{} age {} {by:e}{}",
            dist.name(),
            if shift { "+" } else { "*" },
            if weighted { " weighted" } else { "" }
        );
        let mut xs = x.clone();
        for v in &mut xs[..n] {
            *v = if shift { *v + by } else { *v * by };
        }
        let opts = AftOptions {
            dist,
            ..Default::default()
        };
        let fit = aft_fit(
            &time,
            &event,
            &xs,
            3,
            &names,
            weighted.then_some(w.as_slice()),
            &opts,
        )
        .unwrap_or_else(|e| panic!("{what}: {e}"));
        assert!(fit.converged, "{what}");
        assert_eq!(
            fit.iterations as f64,
            nums(&case["iter"])[0],
            "{what} iterations"
        );
        let mut rows = fit.terms.clone();
        rows.extend(fit.log_scale.clone());
        let col =
            |f: fn(&sigsurv_core::aft::AftTerm) -> f64| rows.iter().map(f).collect::<Vec<_>>();
        let w_ = |s: &str| format!("{what} {s}");
        assert_all_close(&w_("coef"), &col(|t| t.coef), &nums(&case["coef"]), REL);
        assert_all_close(&w_("se"), &col(|t| t.se), &nums(&case["se"]), REL);
        assert_all_close(&w_("z"), &col(|t| t.z), &nums(&case["z"]), REL);
        assert_all_close(&w_("p"), &col(|t| t.p_value), &nums(&case["p"]), REL);
        // Covariances relative to the SDs of the pair (an entry that cancels to near 0 is judged on the
        // scale of its correlation).
        let rv = nums(&case["var"]);
        let k = rows.len();
        for i in 0..k {
            for j in 0..k {
                let scale = (rv[i * k + i] * rv[j * k + j]).sqrt();
                let (a, b) = (fit.var[i * k + j], rv[i * k + j]);
                assert!(
                    (a - b).abs() <= REL * scale,
                    "{what} var[{i},{j}]: ours {a:e}, R {b:e}"
                );
            }
        }
        assert_close(&w_("scale"), fit.scale, nums(&case["scale"])[0], REL);
        assert_close(&w_("loglik"), fit.loglik, nums(&case["loglik"])[0], 1e-10);
        assert_close(
            &w_("loglik0"),
            fit.loglik_null,
            nums(&case["loglik_null"])[0],
            1e-10,
        );
    }
}

/// The shift moves only the intercept, by `-c β_age`, at every c; a factor s divides β_age and its SE by s.
#[test]
fn shifts_and_factors_leave_the_other_terms_unchanged() {
    let (time, event, x, n) = lung();
    let names: Vec<String> = ["age", "sex", "ph.ecog"].map(String::from).to_vec();
    for dist in [AftDist::Weibull, AftDist::LogNormal] {
        let opts = AftOptions {
            dist,
            ..Default::default()
        };
        let base = aft_fit(&time, &event, &x, 3, &names, None, &opts).unwrap();
        for c in [1e-8, 1e4, 1e9, 1e12, 1e14] {
            let mut xs = x.clone();
            xs[..n].iter_mut().for_each(|v| *v += c);
            let f = aft_fit(&time, &event, &xs, 3, &names, None, &opts).unwrap();
            for (a, b) in f.terms[1..].iter().zip(&base.terms[1..]) {
                assert_close(&format!("{dist:?} +{c:e} {}", a.term), a.coef, b.coef, 1e-9);
                assert_close(&format!("{dist:?} +{c:e} {} se", a.term), a.se, b.se, 1e-9);
            }
            let b0 = base.terms[0].coef - c * base.terms[1].coef;
            assert_close(
                &format!("{dist:?} +{c:e} intercept"),
                f.terms[0].coef,
                b0,
                1e-9,
            );
            assert_close(
                &format!("{dist:?} +{c:e} loglik"),
                f.loglik,
                base.loglik,
                1e-12,
            );
        }
        for s in [1e-12, 1e-8, 1e8, 1e12] {
            let mut xs = x.clone();
            xs[..n].iter_mut().for_each(|v| *v *= s);
            let f = aft_fit(&time, &event, &xs, 3, &names, None, &opts).unwrap();
            let what = format!("{dist:?} *{s:e}");
            assert_close(&what, f.terms[1].coef * s, base.terms[1].coef, 1e-9);
            assert_close(&what, f.terms[1].se * s, base.terms[1].se, 1e-9);
            assert_close(&what, f.terms[0].coef, base.terms[0].coef, 1e-9);
        }
    }
}
