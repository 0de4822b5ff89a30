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

const REL: f64 = 1e-6;

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
