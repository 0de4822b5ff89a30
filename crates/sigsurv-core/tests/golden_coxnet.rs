//! The elastic-net Cox path and its cross-validation against glmnet 4.1-6 on GSE1992
//! (fixtures/coxnet/make_path.R -> path.json): the exact optimum of glmnet's objective at every lambda of
//! glmnet's path, glmnet's own run within its convergence error, and cv.glmnet with a given foldid.

use serde_json::Value;
use sigsurv_core::{coxnet_path, cv_coxnet, CoxnetOptions, CvMeasure};
use std::collections::HashMap;

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures");

fn nums(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

/// Columns of a samples-in-rows CSV, by sample id.
fn read_table(path: &str) -> HashMap<String, HashMap<String, f64>> {
    let mut rd = csv::Reader::from_path(path).unwrap();
    let header: Vec<String> = rd.headers().unwrap().iter().map(str::to_string).collect();
    let mut out = HashMap::new();
    for rec in rd.records() {
        let rec = rec.unwrap();
        let row = header
            .iter()
            .zip(rec.iter())
            .skip(1)
            .filter_map(|(h, v)| v.parse::<f64>().ok().map(|v| (h.clone(), v)))
            .collect();
        out.insert(rec[0].to_string(), row);
    }
    out
}

struct Case {
    v: Value,
    time: Vec<f64>,
    status: Vec<bool>,
    x: Vec<f64>,
    p: usize,
    weights: Vec<f64>,
    pf: Vec<f64>,
    alpha: f64,
}

fn cases() -> Vec<Case> {
    let data: Value =
        serde_json::from_str(&std::fs::read_to_string(format!("{ROOT}/coxnet/path.json")).unwrap())
            .unwrap();
    let clinical = read_table(&format!("{ROOT}/gse1992/clinical.csv"));
    let expression = read_table(&format!("{ROOT}/gse1992/expression.csv"));
    let il1 = read_table(&format!("{ROOT}/gse1992/expression_il1.csv"));
    data["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let ids: Vec<&str> = c["sample_ids"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s.as_str().unwrap())
                .collect();
            let columns: Vec<&str> = c["columns"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s.as_str().unwrap())
                .collect();
            let x: Vec<f64> = columns
                .iter()
                .flat_map(|col| {
                    let (clinical, il1, expression) = (&clinical, &il1, &expression);
                    ids.iter().map(move |id| {
                        [clinical, il1, expression]
                            .iter()
                            .find_map(|t| t[*id].get(*col).copied())
                            .unwrap_or_else(|| panic!("{id} {col}"))
                    })
                })
                .collect();
            Case {
                time: nums(&c["time"]),
                status: nums(&c["status"]).iter().map(|d| *d == 1.0).collect(),
                p: columns.len(),
                x,
                weights: nums(&c["weights"]),
                pf: nums(&c["penalty_factor"]),
                alpha: c["alpha"].as_f64().unwrap(),
                v: c.clone(),
            }
        })
        .collect()
}

/// A sparse coefficient vector of the fixture as a dense one.
fn dense(sparse: &Value, p: usize) -> Vec<f64> {
    let mut b = vec![0.0; p];
    for (i, v) in nums(&sparse["index"]).iter().zip(nums(&sparse["value"])) {
        b[*i as usize - 1] = v;
    }
    b
}

fn rel(a: f64, b: f64) -> f64 {
    (a - b).abs() / b.abs().max(1e-300)
}

/// Largest difference of two coefficient vectors relative to the larger one's largest coefficient.
fn vec_rel(a: &[f64], b: &[f64]) -> f64 {
    // Coefficients below 1e-6 count as zero-sized: at lambda_max rounding can leave one at 1e-15.
    let scale = b
        .iter()
        .chain(a)
        .map(|v| v.abs())
        .fold(0.0, f64::max)
        .max(1e-6);
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f64::max)
        / scale
}

fn options_at_glmnet_lambdas(case: &Case) -> CoxnetOptions {
    CoxnetOptions {
        alpha: case.alpha,
        lambda: Some(nums(&case.v["glmnet"]["lambda"])),
        ..CoxnetOptions::default()
    }
}

#[test]
fn the_path_is_the_exact_optimum_at_every_glmnet_lambda() {
    for case in cases() {
        let name = case.v["name"].as_str().unwrap();
        let path = coxnet_path(
            &case.time,
            &case.status,
            &case.x,
            case.p,
            Some(&case.weights),
            Some(&case.pf),
            &options_at_glmnet_lambdas(&case),
        )
        .unwrap();
        let exact = &case.v["exact"];
        let want_dev = nums(&exact["dev_ratio"]);
        for (k, beta) in path.beta.iter().enumerate() {
            let want = dense(&exact["beta"][k], case.p);
            let d = vec_rel(beta, &want);
            assert!(
                d <= 1e-8,
                "{name} lambda {k}: coefficients off by {d:e}: {:?} vs {:?}",
                beta.iter()
                    .enumerate()
                    .filter(|(_, b)| **b != 0.0)
                    .collect::<Vec<_>>(),
                want.iter()
                    .enumerate()
                    .filter(|(_, b)| **b != 0.0)
                    .collect::<Vec<_>>()
            );
            let nonzero = |b: &[f64]| b.iter().map(|v| v.abs() > 1e-12).collect::<Vec<_>>();
            assert_eq!(
                nonzero(beta),
                nonzero(&want),
                "{name} lambda {k}: active set"
            );
            assert!(
                rel(path.dev_ratio[k], want_dev[k]) <= 1e-9 || k == 0,
                "{name} lambda {k}: dev ratio"
            );
        }
        let nulldev = case.v["glmnet"]["nulldev"].as_f64().unwrap();
        assert!(
            rel(path.null_deviance, nulldev) <= 1e-12,
            "{name}: null deviance"
        );
    }
}

#[test]
fn the_default_path_follows_glmnet_within_its_convergence_error() {
    for case in cases() {
        let name = case.v["name"].as_str().unwrap();
        let options = CoxnetOptions {
            alpha: case.alpha,
            ..CoxnetOptions::default()
        };
        let path = coxnet_path(
            &case.time,
            &case.status,
            &case.x,
            case.p,
            Some(&case.weights),
            Some(&case.pf),
            &options,
        )
        .unwrap();
        let glmnet = &case.v["glmnet"];
        let lambda = nums(&glmnet["lambda"]);
        assert_eq!(
            path.lambda.len(),
            lambda.len(),
            "{name}: path length (glmnet's stopping rules)"
        );
        for (k, (got, want)) in path.lambda.iter().zip(&lambda).enumerate() {
            // glmnet's lambda_max with unpenalized variables is the score at its own (inexact) fit.
            assert!(
                rel(*got, *want) <= 1e-6,
                "{name} lambda {k}: {got} vs {want}"
            );
        }
        // Without unpenalized variables the lambdas are glmnet's to rounding, so each point is the exact
        // optimum of the fixture; with them, lambda_max comes from glmnet's inexact unpenalized fit.
        let unpenalized = case.pf.contains(&0.0);
        let exact = &case.v["exact"];
        let dev = nums(&glmnet["dev_ratio"]);
        for k in 0..lambda.len() {
            let want = dense(&exact["beta"][k], case.p);
            let d = vec_rel(&path.beta[k], &want);
            let tol = if unpenalized { 1e-4 } else { 1e-8 };
            assert!(d <= tol, "{name} lambda {k}: {d:e} from the exact optimum");
            // glmnet's own coefficients are as far from ours as from the exact optimum (its thresh).
            let own = dense(&glmnet["beta"][k], case.p);
            let bound = vec_rel(&want, &own) * 1.01 + 1e-6;
            assert!(
                vec_rel(&path.beta[k], &own) <= bound,
                "{name} lambda {k}: glmnet's own"
            );
            let exact_dev = nums(&exact["dev_ratio"])[k];
            let bound = (exact_dev - dev[k]).abs() * 1.01 + 1e-9;
            assert!(
                (path.dev_ratio[k] - dev[k]).abs() <= bound,
                "{name} lambda {k}: dev ratio"
            );
            if !unpenalized {
                assert!(
                    rel(path.dev_ratio[k], exact_dev) <= 1e-9 || k == 0,
                    "{name} lambda {k}: exact dev"
                );
            }
        }
    }
}

#[test]
fn cross_validation_matches_cv_glmnet_with_the_same_folds() {
    for case in cases() {
        let name = case.v["name"].as_str().unwrap();
        let cv_ref = &case.v["cv"];
        let exact = &case.v["cv_exact"];
        let foldid: Vec<usize> = nums(&cv_ref["foldid"])
            .iter()
            .map(|f| *f as usize)
            .collect();
        let options = CoxnetOptions {
            alpha: case.alpha,
            ..CoxnetOptions::default()
        };
        let cv = cv_coxnet(
            &case.time,
            &case.status,
            &case.x,
            case.p,
            Some(&case.weights),
            Some(&case.pf),
            &options,
            &foldid,
            CvMeasure::Deviance,
        )
        .unwrap();
        for (k, lambda) in exact["fold_lambda"].as_array().unwrap().iter().enumerate() {
            let want = nums(lambda);
            assert_eq!(
                cv.fold_lambda[k].len(),
                want.len(),
                "{name} fold {k}: path length"
            );
            for (g, w) in cv.fold_lambda[k].iter().zip(&want) {
                assert!(rel(*g, *w) <= 1e-6, "{name} fold {k}: lambda {g} vs {w}");
            }
        }
        let cvm = nums(&exact["cvm"]);
        let cvsd = nums(&exact["cvsd"]);
        for l in 0..cvm.len() {
            assert!(
                rel(cv.cvm[l], cvm[l]) <= 1e-6,
                "{name} cvm {l}: {} vs {}",
                cv.cvm[l],
                cvm[l]
            );
            assert!(
                rel(cv.cvsd[l], cvsd[l]) <= 1e-5,
                "{name} cvsd {l}: {} vs {}",
                cv.cvsd[l],
                cvsd[l]
            );
        }
        // cv.glmnet's own curve is as close to ours as to the exact reference (its folds' convergence error).
        let glmnet_cvm = nums(&cv_ref["cvm"]);
        let bound = (0..cvm.len())
            .map(|l| rel(cvm[l], glmnet_cvm[l]))
            .fold(0.0, f64::max)
            * 1.01
            + 1e-9;
        for l in 0..cvm.len() {
            assert!(
                rel(cv.cvm[l], glmnet_cvm[l]) <= bound,
                "{name} cvm {l} against cv.glmnet's own: {} vs {} (exact {})",
                cv.cvm[l],
                glmnet_cvm[l],
                cvm[l]
            );
        }
        for key in ["lambda_min", "lambda_1se"] {
            let want = exact[key].as_f64().unwrap();
            let got = if key == "lambda_min" {
                cv.lambda_min
            } else {
                cv.lambda_1se
            };
            assert!(rel(got, want) <= 1e-6, "{name} {key}: {got} vs {want}");
            assert!(
                rel(got, cv_ref[key].as_f64().unwrap()) <= 1e-6,
                "{name} {key} against cv.glmnet"
            );
        }
    }
}
