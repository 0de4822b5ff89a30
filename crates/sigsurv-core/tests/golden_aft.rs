//! Golden tests of the parametric (AFT) survival models against R's `survreg` (fixtures/aft/make_reference.R),
//! plus recovery of known parameters on simulated Weibull data and edge cases.

mod common;

use common::{assert_all_close, assert_close, json, nums, Csv};
use sigsurv_core::aft::{aft_fit, AftDist, AftFit, AftOptions};
use sigsurv_core::CoreError;

/// A design built from a CSV fixture: rows complete in the used columns, dummies against the first sorted level.
struct Design {
    time: Vec<f64>,
    event: Vec<bool>,
    /// Column-major, no intercept.
    x: Vec<f64>,
    names: Vec<String>,
    n: usize,
}

impl Design {
    fn p(&self) -> usize {
        self.names.len()
    }

    fn row(&self, i: usize) -> Vec<f64> {
        (0..self.p()).map(|j| self.x[j * self.n + i]).collect()
    }
}

enum Col<'a> {
    Num(&'a str),
    Factor(&'a str),
}

fn design(file: &str, time: &str, status: &str, event_value: f64, cols: &[Col]) -> Design {
    let csv = Csv::read(file);
    let used: Vec<&str> = [time, status]
        .into_iter()
        .chain(cols.iter().map(|c| match c {
            Col::Num(s) | Col::Factor(s) => *s,
        }))
        .collect();
    let keep: Vec<usize> = (0..csv.n_rows)
        .filter(|&i| {
            used.iter().all(|c| {
                let v = &csv.str(c)[i];
                v != "NA" && !v.is_empty()
            })
        })
        .collect();
    let t = csv.f64(time);
    let s = csv.f64(status);
    let mut x = Vec::new();
    let mut names = Vec::new();
    for c in cols {
        match c {
            Col::Num(name) => {
                let v = csv.f64(name);
                x.extend(keep.iter().map(|&i| v[i]));
                names.push(name.to_string());
            }
            Col::Factor(name) => {
                let v = csv.str(name);
                let mut levels: Vec<&String> = keep.iter().map(|&i| &v[i]).collect();
                levels.sort();
                levels.dedup();
                for l in &levels[1..] {
                    x.extend(keep.iter().map(|&i| if &v[i] == *l { 1.0 } else { 0.0 }));
                    names.push(format!("{name}{l}"));
                }
            }
        }
    }
    Design {
        time: keep.iter().map(|&i| t[i]).collect(),
        event: keep.iter().map(|&i| s[i] == event_value).collect(),
        x,
        names,
        n: keep.len(),
    }
}

fn dataset(name: &str) -> Design {
    match name {
        "lung" | "lung_weighted" => design(
            "lung/lung.csv",
            "time",
            "status",
            2.0,
            &[Col::Num("age"), Col::Num("sex"), Col::Num("ph.ecog")],
        ),
        "veteran" => design(
            "veteran/veteran.csv",
            "time",
            "status",
            1.0,
            &[Col::Num("trt"), Col::Num("karno"), Col::Factor("celltype")],
        ),
        "ovarian" => design(
            "ovarian/ovarian.csv",
            "futime",
            "fustat",
            1.0,
            &[Col::Num("age"), Col::Num("ecog.ps")],
        ),
        "ovarian_null" => {
            let mut d = dataset("ovarian");
            d.x.clear();
            d.names.clear();
            d
        }
        "GBSG2" => design(
            "GBSG2/GBSG2.csv",
            "time",
            "cens",
            1.0,
            &[Col::Factor("horTh"), Col::Num("age"), Col::Factor("tgrade")],
        ),
        other => panic!("unknown case {other}"),
    }
}

fn weights_for(name: &str, n: usize) -> Option<Vec<f64>> {
    (name == "lung_weighted").then(|| (0..n).map(|i| 0.5 + 0.25 * (i % 4) as f64).collect())
}

fn fit_case(case: &serde_json::Value) -> (Design, AftFit) {
    let name = case["name"].as_str().unwrap();
    let dist = AftDist::parse(case["dist"].as_str().unwrap()).unwrap();
    let d = dataset(name);
    let w = weights_for(name, d.n);
    let opts = AftOptions {
        dist,
        ..Default::default()
    };
    let fit = aft_fit(
        &d.time,
        &d.event,
        &d.x,
        d.p(),
        &d.names,
        w.as_deref(),
        &opts,
    )
    .unwrap_or_else(|e| panic!("{name} {dist:?}: {e}"));
    (d, fit)
}

const REL: f64 = 1e-9;

#[test]
fn survreg_fits_match_r() {
    let r = json("aft/aft.json");
    let cases = r["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 24);
    for case in cases {
        let (d, fit) = fit_case(case);
        let what = format!("{} {}", case["name"].as_str().unwrap(), fit.dist.name());
        let w = |s: &str| format!("{what} {s}");
        assert_eq!(fit.n, case["n"].as_u64().unwrap() as usize, "{what} n");
        assert_eq!(
            fit.n_events as f64,
            nums(&case["n_events"])[0],
            "{what} events"
        );
        assert!(fit.converged, "{what} converged");
        assert!(fit.warnings.is_empty(), "{what} {:?}", fit.warnings);
        assert_eq!(
            fit.iterations as f64,
            nums(&case["iter"])[0],
            "{what} iterations"
        );

        // summary(fit)$table: coefficients then Log(scale).
        let mut rows = fit.terms.clone();
        rows.extend(fit.log_scale.clone());
        let names: Vec<String> = rows.iter().map(|t| t.term.clone()).collect();
        let r_names: Vec<String> = match &case["terms"] {
            serde_json::Value::Array(a) => {
                a.iter().map(|v| v.as_str().unwrap().to_string()).collect()
            }
            v => vec![v.as_str().unwrap().to_string()],
        };
        let r_names: Vec<String> = r_names
            .iter()
            .map(|s| s.trim_matches('`').to_string())
            .collect();
        assert_eq!(names, r_names, "{what} terms");
        let col =
            |f: fn(&sigsurv_core::aft::AftTerm) -> f64| rows.iter().map(f).collect::<Vec<_>>();
        assert_all_close(&w("coef"), &col(|t| t.coef), &nums(&case["coef"]), REL);
        assert_all_close(&w("se"), &col(|t| t.se), &nums(&case["se"]), REL);
        assert_all_close(&w("z"), &col(|t| t.z), &nums(&case["z"]), REL);
        assert_all_close(&w("p"), &col(|t| t.p_value), &nums(&case["p"]), REL);
        assert_all_close(&w("var"), &fit.var, &nums(&case["var"]), REL);
        assert_close(&w("scale"), fit.scale, nums(&case["scale"])[0], REL);
        assert_close(&w("loglik"), fit.loglik, nums(&case["loglik"])[0], 1e-9);
        assert_close(
            &w("loglik0"),
            fit.loglik_null,
            nums(&case["loglik_null"])[0],
            1e-9,
        );
        match &fit.lrt {
            Some(t) => {
                assert_close(&w("chisq"), t.statistic, nums(&case["chisq"])[0], REL);
                assert_eq!(t.df, nums(&case["df"])[0], "{what} df");
                assert_close(&w("lr p"), t.p_value, nums(&case["lr_p"])[0], REL);
            }
            None => assert_eq!(nums(&case["df"])[0], 0.0, "{what} df"),
        }

        // Predictions for the listed rows.
        let probs = nums(&case["probs"]);
        let times = nums(&case["at_times"]);
        let (mut lp, mut q, mut s) = (Vec::new(), Vec::new(), Vec::new());
        for row in nums(&case["pred_rows"]) {
            let x = d.row(row as usize);
            lp.push(fit.linear_predictor(&x).unwrap());
            q.extend(fit.quantiles(&x, &probs).unwrap());
            s.extend(fit.survival(&x, &times).unwrap());
        }
        assert_all_close(&w("lp"), &lp, &nums(&case["lp"]), REL);
        assert_all_close(&w("quantiles"), &q, &nums(&case["quantiles"]), REL);
        assert_all_close(&w("survival"), &s, &nums(&case["surv"]), REL);

        // Proportional-hazards form (Weibull, exponential).
        match fit.weibull_ph(0.95) {
            Some(ph) if !ph.is_empty() => {
                assert_all_close(
                    &w("ph coef"),
                    &ph.iter().map(|t| t.coef).collect::<Vec<_>>(),
                    &nums(&case["ph_coef"]),
                    REL,
                );
                assert_all_close(
                    &w("ph se"),
                    &ph.iter().map(|t| t.se).collect::<Vec<_>>(),
                    &nums(&case["ph_se"]),
                    REL,
                );
            }
            Some(_) => assert!(case.get("ph_coef").is_none()),
            None => assert!(matches!(
                fit.dist,
                AftDist::LogNormal | AftDist::LogLogistic
            )),
        }
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Recovery of known parameters

#[test]
fn weibull_recovers_simulated_log_hazard_ratios_and_shape() {
    use sigsurv_core::simulate::{simulate_cohort, SimulationSpec};
    let spec = SimulationSpec {
        n: 20_000,
        seed: 7,
        groups: 1,
        covariates: 2,
        covariate_log_hr: 0.3,
        cohorts: 1,
        shape: 1.4,
        ..Default::default()
    };
    let sim = simulate_cohort(&spec);
    // Whole-day rounding can give time 0 for a very early event: half a day keeps it on the log scale.
    let time: Vec<f64> = sim.time.iter().map(|&t| t.max(0.5)).collect();
    let mut x = sim.score.clone();
    for c in &sim.covariates {
        x.extend_from_slice(c);
    }
    let names: Vec<String> = ["score", "x1", "x2"].map(String::from).to_vec();
    let truth = [spec.score_log_hr, -0.3, 0.3];
    let fit = aft_fit(
        &time,
        &sim.event,
        &x,
        3,
        &names,
        None,
        &AftOptions::default(),
    )
    .unwrap();
    assert!(fit.converged);
    let ph = fit.weibull_ph(0.99).unwrap();
    for (t, b) in ph.iter().zip(truth) {
        assert!(
            t.lower < b && b < t.upper,
            "{}: {b} not in [{}, {}]",
            t.term,
            t.lower,
            t.upper
        );
    }
    // Shape k = 1 / σ: log σ = -log k within its 99% interval.
    let ls = fit.log_scale.as_ref().unwrap();
    assert!(
        ls.lower < -spec.shape.ln() && -spec.shape.ln() < ls.upper,
        "{ls:?}"
    );
}

// ---------------------------------------------------------------------------------------------------------------
// Invariants

fn lung() -> Design {
    dataset("lung")
}

fn fit_with(d: &Design, dist: AftDist, w: Option<&[f64]>) -> AftFit {
    let opts = AftOptions {
        dist,
        ..Default::default()
    };
    aft_fit(&d.time, &d.event, &d.x, d.p(), &d.names, w, &opts).unwrap()
}

const ALL: [AftDist; 4] = [
    AftDist::Weibull,
    AftDist::Exponential,
    AftDist::LogNormal,
    AftDist::LogLogistic,
];

#[test]
fn integer_weights_equal_duplicated_rows() {
    let d = lung();
    let w: Vec<f64> = (0..d.n).map(|i| 1.0 + (i % 3) as f64).collect();
    let mut dup = Design {
        time: vec![],
        event: vec![],
        x: vec![0.0; 0],
        names: d.names.clone(),
        n: 0,
    };
    let mut rows = Vec::new();
    for (i, wi) in w.iter().enumerate() {
        rows.extend(std::iter::repeat_n(i, *wi as usize));
    }
    dup.n = rows.len();
    dup.time = rows.iter().map(|&i| d.time[i]).collect();
    dup.event = rows.iter().map(|&i| d.event[i]).collect();
    for j in 0..d.p() {
        dup.x.extend(rows.iter().map(|&i| d.x[j * d.n + i]));
    }
    for dist in ALL {
        let a = fit_with(&d, dist, Some(&w));
        let b = fit_with(&dup, dist, None);
        let coef = |f: &AftFit| f.terms.iter().map(|t| t.coef).collect::<Vec<_>>();
        assert_all_close(&format!("{dist:?} coef"), &coef(&a), &coef(&b), 1e-7);
        assert_all_close(&format!("{dist:?} var"), &a.var, &b.var, 1e-6);
        assert_close(&format!("{dist:?} loglik"), a.loglik, b.loglik, 1e-10);
    }
}

#[test]
fn rescaling_time_shifts_only_the_intercept() {
    let d = lung();
    let c = 1.0 / 365.25;
    let scaled = Design {
        time: d.time.iter().map(|t| t * c).collect(),
        event: d.event.clone(),
        x: d.x.clone(),
        names: d.names.clone(),
        n: d.n,
    };
    for dist in ALL {
        let a = fit_with(&d, dist, None);
        let b = fit_with(&scaled, dist, None);
        assert_close("intercept", b.terms[0].coef, a.terms[0].coef + c.ln(), 1e-7);
        for (ta, tb) in a.terms[1..].iter().zip(&b.terms[1..]) {
            assert_close(&ta.term, tb.coef, ta.coef, 1e-6);
            assert_close(&ta.term, tb.se, ta.se, 1e-6);
        }
        assert_close("scale", b.scale, a.scale, 1e-7);
        // The log-likelihood of T changes by the Jacobian: -d * log(c).
        assert_close(
            "loglik",
            b.loglik,
            a.loglik - a.n_events as f64 * c.ln(),
            1e-9,
        );
    }
}

#[test]
fn bit_identical_for_any_thread_count() {
    use sigsurv_core::simulate::{simulate_cohort, SimulationSpec};
    let sim = simulate_cohort(&SimulationSpec {
        n: 30_000,
        covariates: 2,
        cohorts: 1,
        groups: 1,
        ..Default::default()
    });
    let time: Vec<f64> = sim.time.iter().map(|&t| t.max(0.5)).collect();
    let mut x = sim.score.clone();
    x.extend_from_slice(&sim.covariates[0]);
    x.extend_from_slice(&sim.covariates[1]);
    let names: Vec<String> = ["score", "x1", "x2"].map(String::from).to_vec();
    for dist in ALL {
        let opts = AftOptions {
            dist,
            ..Default::default()
        };
        let a = aft_fit(&time, &sim.event, &x, 3, &names, None, &opts).unwrap();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        let b = pool.install(|| aft_fit(&time, &sim.event, &x, 3, &names, None, &opts).unwrap());
        assert_eq!(a, b, "{dist:?}");
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Edge cases: clear errors or documented results, never a panic

#[test]
fn invalid_inputs_are_errors() {
    let d = lung();
    let opts = AftOptions::default();
    let fit = |time: &[f64], event: &[bool], x: &[f64], w: Option<&[f64]>| {
        aft_fit(time, event, x, d.p(), &d.names, w, &opts)
    };
    let none = vec![false; d.n];
    assert!(
        matches!(fit(&d.time, &none, &d.x, None), Err(CoreError::InvalidArgument(m)) if m.contains("no events"))
    );
    let mut t = d.time.clone();
    t[5] = 0.0;
    assert!(matches!(
        fit(&t, &d.event, &d.x, None),
        Err(CoreError::AtRow { row: 5, .. })
    ));
    t[5] = f64::NAN;
    assert!(matches!(
        fit(&t, &d.event, &d.x, None),
        Err(CoreError::NonFiniteTime { row: 5, .. })
    ));
    let mut w = vec![1.0; d.n];
    w[3] = 0.0;
    assert!(matches!(
        fit(&d.time, &d.event, &d.x, Some(&w)),
        Err(CoreError::AtRow { row: 3, .. })
    ));
    assert!(matches!(
        fit(&d.time[1..], &d.event, &d.x, None),
        Err(CoreError::LengthMismatch { .. })
    ));
    let mut x = d.x.clone();
    x[d.n + 2] = f64::INFINITY;
    assert!(matches!(
        fit(&d.time, &d.event, &x, None),
        Err(CoreError::NonFinite { row: 2, .. })
    ));
    assert!(matches!(
        aft_fit(&[], &[], &[], 0, &[], None, &opts),
        Err(CoreError::Empty)
    ));
    assert!(AftDist::parse("gompertz").is_err());
    assert_eq!(AftDist::parse("LogNormal").unwrap(), AftDist::LogNormal);
    for dist in ALL {
        assert_eq!(AftDist::parse(dist.name()).unwrap(), dist);
    }
}

#[test]
fn collinear_columns_are_named() {
    let d = lung();
    // age, sex, ph.ecog, then 2 * age - sex: collinear with the columns before it.
    let mut x = d.x.clone();
    let extra: Vec<f64> = (0..d.n).map(|i| 2.0 * d.x[i] - d.x[d.n + i]).collect();
    x.extend(extra);
    let mut names = d.names.clone();
    names.push("twice_age_minus_sex".into());
    for dist in ALL {
        let opts = AftOptions {
            dist,
            ..Default::default()
        };
        let err = aft_fit(&d.time, &d.event, &x, 4, &names, None, &opts).unwrap_err();
        assert!(err.to_string().contains("twice_age_minus_sex"), "{err}");
    }
}

#[test]
fn running_out_of_iterations_warns() {
    let d = lung();
    let opts = AftOptions {
        max_iter: 1,
        ..Default::default()
    };
    let fit = aft_fit(&d.time, &d.event, &d.x, d.p(), &d.names, None, &opts).unwrap();
    assert!(!fit.converged);
    assert!(
        fit.warnings.iter().any(|w| w.contains("did not converge")),
        "{:?}",
        fit.warnings
    );
    let opts = AftOptions {
        max_iter: 0,
        ..Default::default()
    };
    let fit = aft_fit(&d.time, &d.event, &d.x, d.p(), &d.names, None, &opts).unwrap();
    assert_eq!(fit.iterations, 0);
}

#[test]
fn single_event_intercept_only_matches_r() {
    // R: survreg(Surv(c(5, 8, 9, 12, 20), c(1, 0, 0, 0, 0)) ~ 1, dist = d): coef, scale, iter.
    let time = [5.0, 8.0, 9.0, 12.0, 20.0];
    let event = [true, false, false, false, false];
    #[allow(clippy::excessive_precision)]
    let r = [
        (AftDist::Weibull, 3.8376824827181681, 0.89861949570631894, 6),
        (AftDist::Exponential, 3.9889840465641502, 1.0, 5),
        (
            AftDist::LogNormal,
            3.5795760493821582,
            1.3621862432877678,
            5,
        ),
        (
            AftDist::LogLogistic,
            3.5509196030257995,
            0.80217052426707602,
            6,
        ),
    ];
    for (dist, coef, scale, iter) in r {
        let opts = AftOptions {
            dist,
            ..Default::default()
        };
        let f = aft_fit(&time, &event, &[], 0, &[], None, &opts).unwrap();
        assert_close(&format!("{dist:?} coef"), f.terms[0].coef, coef, 1e-9);
        assert_close(&format!("{dist:?} scale"), f.scale, scale, 1e-9);
        assert_eq!(f.iterations, iter, "{dist:?}");
        assert!(f.lrt.is_none());
        assert_eq!(f.loglik, f.loglik_null);
    }
}

#[test]
fn equal_times_have_no_scale_to_estimate() {
    // R gives an NA intercept for Weibull / log-normal / log-logistic; the exponential (fixed scale) fits:
    // R: coef(survreg(Surv(rep(4, 6), rep(1, 6)) ~ 1, dist = "exponential")) = 1.386294 = log(4).
    let time = [4.0; 6];
    let event = [true; 6];
    for dist in ALL {
        let opts = AftOptions {
            dist,
            ..Default::default()
        };
        match (dist, aft_fit(&time, &event, &[], 0, &[], None, &opts)) {
            (AftDist::Exponential, Ok(f)) => assert_close("exp", f.terms[0].coef, 4f64.ln(), 1e-12),
            (_, Err(CoreError::Numerical(m))) => assert!(m.contains("all times equal"), "{m}"),
            (d, other) => panic!("{d:?}: {other:?}"),
        }
    }
}

#[test]
fn predictions_are_consistent() {
    let d = lung();
    for dist in ALL {
        let fit = fit_with(&d, dist, None);
        let x = d.row(0);
        let q = fit.quantiles(&x, &[0.25, 0.5, 0.75]).unwrap();
        let s = fit.survival(&x, &q).unwrap();
        assert_all_close("S(t_p) = 1 - p", &s, &[0.75, 0.5, 0.25], 1e-12);
        assert!(fit.quantiles(&x[1..], &[0.5]).is_err());
        assert_eq!(fit.survival(&x, &[0.0]).unwrap(), vec![1.0]);
    }
}
