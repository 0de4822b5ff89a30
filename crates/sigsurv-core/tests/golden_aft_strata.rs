//! AFT fits with one scale per stratum, intercept-only fits and iteration counts (with and without a
//! step-halving) against R's `survreg` (fixtures/aft/make_strata.R). Designs are built from each case's formula
//! by sigsurv's own formula parser and design builder, as the CLI does.

mod common;

use common::{assert_all_close, assert_close, json, nums, Csv};
use sigsurv_core::aft::{aft_fit, aft_fit_stratified, AftDist, AftFit, AftOptions, AftStrata};
use sigsurv_core::design::{build_design, ColumnData, Design};
use sigsurv_core::formula::{parse_formula, Response};

struct Case {
    time: Vec<f64>,
    event: Vec<bool>,
    design: Design,
    weights: Option<Vec<f64>>,
}

/// Rows of a fixture as R's script keeps them: lung complete in time, status, age, sex, ph.ecog, the others
/// whole.
fn rows(data: &str, csv: &Csv) -> Vec<usize> {
    let used: &[&str] = match data {
        "lung" => &["time", "status", "age", "sex", "ph.ecog"],
        _ => &[],
    };
    (0..csv.n_rows)
        .filter(|&i| used.iter().all(|c| csv.str(c)[i] != "NA"))
        .collect()
}

fn build(case: &serde_json::Value) -> Case {
    let data = case["data"].as_str().unwrap();
    let csv = Csv::read(&format!("{data}/{data}.csv"));
    let keep = rows(data, &csv);
    let formula = parse_formula(case["formula"].as_str().unwrap()).unwrap();
    let Response::Right { time, event } = &formula.response else {
        panic!("right-censored cases only")
    };
    let pick = |c: &str| -> Vec<f64> {
        let v = csv.f64(c);
        keep.iter().map(|&i| v[i]).collect()
    };
    let status = pick(event);
    // Surv() reads 1/2 as censored/dead and 0/1 as censored/event.
    let code = if status.iter().all(|&s| s == 1.0 || s == 2.0) {
        2.0
    } else {
        1.0
    };
    let columns: Vec<(String, ColumnData)> = formula.columns()[2..]
        .iter()
        .map(|c| {
            let text: Vec<String> = keep.iter().map(|&i| csv.str(c)[i].clone()).collect();
            let data = match text.iter().map(|v| v.parse::<f64>()).collect() {
                Ok(v) => ColumnData::Numeric(v),
                Err(_) => ColumnData::Text(text),
            };
            (c.clone(), data)
        })
        .collect();
    let design = build_design(&formula, &columns).unwrap();
    let n = keep.len();
    Case {
        time: pick(time),
        event: status.iter().map(|&s| s == code).collect(),
        design,
        weights: case["weighted"]
            .as_bool()
            .unwrap()
            .then(|| (0..n).map(|i| 0.5 + 0.25 * (i % 4) as f64).collect()),
    }
}

fn fit(c: &Case, dist: AftDist, labels: &[String], max_iter: usize) -> AftFit {
    let d = &c.design;
    let opts = AftOptions {
        dist,
        max_iter,
        ..Default::default()
    };
    let w = c.weights.as_deref();
    match &d.strata {
        Some(codes) => {
            let strata = AftStrata { codes, labels };
            aft_fit_stratified(&c.time, &c.event, &d.x, d.p(), &d.names, w, strata, &opts)
        }
        None => aft_fit(&c.time, &c.event, &d.x, d.p(), &d.names, w, &opts),
    }
    .unwrap()
}

fn strings(v: &serde_json::Value) -> Vec<String> {
    match v {
        serde_json::Value::Array(a) => a.iter().map(|s| s.as_str().unwrap().to_string()).collect(),
        s => vec![s.as_str().unwrap().to_string()],
    }
}

const REL: f64 = 1e-8;

#[test]
fn strata_null_models_and_iterations_match_r() {
    let r = json("aft/strata.json");
    let cases = r["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 28);
    for case in cases {
        let dist = AftDist::parse(case["dist"].as_str().unwrap()).unwrap();
        let what = format!(
            "{} {} maxiter {}",
            case["name"].as_str().unwrap(),
            dist.name(),
            case["maxiter"]
        );
        let c = build(case);
        let r_labels = strings(&case["scale_names"]);
        let max_iter = nums(&case["maxiter"])[0] as usize;
        let f = fit(&c, dist, &r_labels, max_iter);
        assert_eq!(f.n, nums(&case["n"])[0] as usize, "{what} n");
        if max_iter < 30 {
            // Stopped by the iteration limit: R's last point tried, with its log-likelihood.
            assert!(
                !f.converged && f.warnings[0].contains("did not converge"),
                "{what}"
            );
        } else {
            assert!(f.converged && f.warnings.is_empty(), "{what}");
        }
        assert_eq!(
            f.iterations as f64,
            nums(&case["iter"])[0],
            "{what} iterations"
        );
        let mut rows = f.terms.clone();
        rows.extend(f.log_scale.clone());
        rows.extend(f.strata.iter().map(|s| s.log_scale.clone()));
        let names: Vec<String> = rows.iter().map(|t| t.term.clone()).collect();
        // R names factor dummies <col><level>; sigsurv's design names them <col>=<level>.
        let r_terms: Vec<String> = strings(&case["terms"]);
        assert_eq!(names.len(), r_terms.len(), "{what} terms");
        assert_eq!(
            names[names.len() - r_labels.len()..],
            r_labels[..],
            "{what}"
        );
        let col =
            |g: fn(&sigsurv_core::aft::AftTerm) -> f64| rows.iter().map(g).collect::<Vec<_>>();
        let w = |s: &str| format!("{what} {s}");
        assert_all_close(&w("coef"), &col(|t| t.coef), &nums(&case["coef"]), REL);
        assert_all_close(&w("se"), &col(|t| t.se), &nums(&case["se"]), REL);
        assert_all_close(&w("z"), &col(|t| t.z), &nums(&case["z"]), REL);
        assert_all_close(&w("p"), &col(|t| t.p_value), &nums(&case["p"]), 1e-7);
        assert_all_close(&w("var"), &f.var, &nums(&case["var"]), REL);
        let scales: Vec<f64> = if f.strata.is_empty() {
            vec![f.scale]
        } else {
            f.strata.iter().map(|s| s.scale).collect()
        };
        assert_all_close(&w("scale"), &scales, &nums(&case["scale"]), REL);
        assert_close(&w("loglik"), f.loglik, nums(&case["loglik"])[0], 1e-10);
        assert_close(
            &w("loglik0"),
            f.loglik_null,
            nums(&case["loglik_null"])[0],
            1e-10,
        );
        match &f.lrt {
            Some(t) => {
                assert_close(&w("chisq"), t.statistic, nums(&case["chisq"])[0], 1e-7);
                assert_eq!(t.df, nums(&case["df"])[0], "{what} df");
                assert_close(&w("lr p"), t.p_value, nums(&case["lr_p"])[0], 1e-7);
            }
            None => assert_eq!(nums(&case["df"])[0], 0.0, "{what} df"),
        }
        if !f.strata.is_empty() {
            assert!(f.scale.is_nan() && f.log_scale.is_none(), "{what}");
            assert!(f.weibull_ph(0.95).is_none(), "{what}");
            assert!(f.quantiles(&vec![0.0; f.n_covariates()], &[0.5]).is_err());
        }
    }
}

/// One stratum is the unstratified fit, bit for bit.
#[test]
fn one_stratum_is_no_stratification() {
    let r = json("aft/strata.json");
    let case = &r["cases"][0];
    let c = build(case);
    let d = &c.design;
    let codes = vec![0u32; d.n];
    let labels = vec!["all".to_string()];
    let opts = AftOptions::default();
    let a = aft_fit(&c.time, &c.event, &d.x, d.p(), &d.names, None, &opts).unwrap();
    let strata = AftStrata {
        codes: &codes,
        labels: &labels,
    };
    let b = aft_fit_stratified(
        &c.time,
        &c.event,
        &d.x,
        d.p(),
        &d.names,
        None,
        strata,
        &opts,
    )
    .unwrap();
    assert_eq!(a, b);
}

#[test]
fn invalid_strata_are_errors() {
    let r = json("aft/strata.json");
    let c = build(&r["cases"][0]);
    let d = &c.design;
    let codes = d.strata.as_ref().unwrap();
    let labels = vec!["sex=1".to_string(), "sex=2".to_string()];
    let opts = AftOptions::default();
    let run = |codes: &[u32], labels: &[String], opts: &AftOptions| {
        let strata = AftStrata { codes, labels };
        aft_fit_stratified(&c.time, &c.event, &d.x, d.p(), &d.names, None, strata, opts)
            .unwrap_err()
            .to_string()
    };
    assert!(run(&codes[1..], &labels, &opts).contains("strata"));
    let three = vec!["a".to_string(), "b".to_string(), "c".to_string()];
    assert!(run(codes, &three, &opts).contains("stratum c has no rows"));
    assert!(run(codes, &labels[..1], &opts).contains("stratum code 1"));
    let exp = AftOptions {
        dist: AftDist::Exponential,
        ..Default::default()
    };
    assert!(run(codes, &labels, &exp).contains("fixed scale"));
}

/// A stratified fit over many chunks of rows is bit-identical for any number of threads.
#[test]
fn stratified_fits_are_bit_identical_for_any_thread_count() {
    use sigsurv_core::simulate::{simulate_cohort, SimulationSpec};
    let sim = simulate_cohort(&SimulationSpec {
        n: 30_000,
        covariates: 2,
        cohorts: 3,
        groups: 1,
        ..Default::default()
    });
    let time: Vec<f64> = sim.time.iter().map(|&t| t.max(0.5)).collect();
    let mut x = sim.score.clone();
    x.extend_from_slice(&sim.covariates[0]);
    x.extend_from_slice(&sim.covariates[1]);
    let names: Vec<String> = ["score", "x1", "x2"].map(String::from).to_vec();
    let labels: Vec<String> = ["c1", "c2", "c3"].map(String::from).to_vec();
    for dist in [AftDist::Weibull, AftDist::LogNormal, AftDist::LogLogistic] {
        let opts = AftOptions {
            dist,
            ..Default::default()
        };
        let strata = AftStrata {
            codes: &sim.cohort,
            labels: &labels,
        };
        let fit = || aft_fit_stratified(&time, &sim.event, &x, 3, &names, None, strata, &opts);
        let a = fit().unwrap();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        let b = pool.install(|| fit().unwrap());
        assert!(a.converged && a.strata.len() == 3, "{dist:?}");
        // Compared as printed (every digit): a stratified fit's `scale` is NaN, which `==` never equals.
        assert_eq!(format!("{a:?}"), format!("{b:?}"), "{dist:?}");
    }
}
