//! The elastic-net Cox path with Efron's ties against the exact optimum of glmnet's objective with survival's
//! Efron likelihood (fixtures/coxnet/make_efron.R -> efron.json): lambda_max, the coefficients and deviance
//! ratios at every lambda, the null deviance, and the cross-validated deviance with the same folds.

use serde_json::Value;
use sigsurv_core::cox::Ties;
use sigsurv_core::{coxnet_path, cv_coxnet, CoxnetOptions, CvMeasure};

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../fixtures/coxnet/efron.json"
);

fn nums(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

fn rel(a: f64, b: f64) -> f64 {
    (a - b).abs() / b.abs().max(1e-300)
}

struct Case {
    name: String,
    v: Value,
    time: Vec<f64>,
    status: Vec<bool>,
    /// Column-major n x p.
    x: Vec<f64>,
    p: usize,
    weights: Vec<f64>,
    pf: Vec<f64>,
    options: CoxnetOptions,
}

fn cases() -> Vec<Case> {
    let data: Value = serde_json::from_str(&std::fs::read_to_string(FIXTURE).unwrap()).unwrap();
    data["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let rows: Vec<Vec<f64>> = c["x"].as_array().unwrap().iter().map(nums).collect();
            let p = rows[0].len();
            Case {
                name: c["name"].as_str().unwrap().to_string(),
                time: nums(&c["time"]),
                status: nums(&c["status"]).iter().map(|d| *d == 1.0).collect(),
                x: (0..p)
                    .flat_map(|j| rows.iter().map(move |r| r[j]))
                    .collect(),
                p,
                weights: nums(&c["weights"]),
                pf: nums(&c["penalty_factor"]),
                options: CoxnetOptions {
                    alpha: c["alpha"].as_f64().unwrap(),
                    lambda: Some(nums(&c["lambda"])),
                    ties: Ties::Efron,
                    ..CoxnetOptions::default()
                },
                v: c.clone(),
            }
        })
        .collect()
}

fn path(case: &Case, options: &CoxnetOptions) -> sigsurv_core::CoxnetPath {
    coxnet_path(
        &case.time,
        &case.status,
        &case.x,
        case.p,
        Some(&case.weights),
        Some(&case.pf),
        options,
    )
    .unwrap()
}

#[test]
fn the_efron_path_is_the_exact_optimum_at_every_lambda() {
    for case in cases() {
        let name = &case.name;
        let got = path(&case, &case.options);
        let want: Vec<Vec<f64>> = case.v["beta"]
            .as_array()
            .unwrap()
            .iter()
            .map(nums)
            .collect();
        let dev = nums(&case.v["dev_ratio"]);
        assert_eq!(got.beta.len(), want.len(), "{name}: every lambda");
        for (k, (b, w)) in got.beta.iter().zip(&want).enumerate() {
            let scale = w.iter().map(|v| v.abs()).fold(1e-6, f64::max);
            for (j, (bj, wj)) in b.iter().zip(w).enumerate() {
                assert!(
                    (bj - wj).abs() <= 1e-8 * scale,
                    "{name} lambda {k} column {j}: {bj} vs {wj}"
                );
                // At lambda_max rounding can leave a coefficient at 1e-17.
                assert_eq!(
                    bj.abs() < 1e-12,
                    wj.abs() < 1e-12,
                    "{name} lambda {k} column {j}: zero"
                );
            }
            // At lambda_max the deviance ratio is 0 to rounding (or the unpenalized fit's).
            assert!(
                rel(got.dev_ratio[k], dev[k]) <= 1e-9 || (dev[k] - got.dev_ratio[k]).abs() < 1e-14,
                "{name} lambda {k}: dev ratio {} vs {}",
                got.dev_ratio[k],
                dev[k]
            );
        }
        let nulldev = case.v["null_deviance"].as_f64().unwrap();
        assert!(
            rel(got.null_deviance, nulldev) <= 1e-12,
            "{name}: null deviance {} vs {nulldev}",
            got.null_deviance
        );
    }
}

#[test]
fn the_efron_lambda_sequence_starts_at_efrons_lambda_max() {
    for case in cases() {
        // lambda_max is the score at the descent's fit of the unpenalized columns (glmnet's rule): a tight
        // threshold makes that fit the exact one of the reference.
        let options = CoxnetOptions {
            lambda: None,
            nlambda: 5,
            thresh: 1e-14,
            ..case.options.clone()
        };
        let got = path(&case, &options);
        let want = case.v["lambda_max"].as_f64().unwrap();
        assert!(
            rel(got.lambda[0], want) <= 1e-8,
            "{}: lambda_max {} vs {want}",
            case.name,
            got.lambda[0]
        );
        // Breslow's differs on these tied data.
        let breslow = path(
            &case,
            &CoxnetOptions {
                ties: Ties::Breslow,
                ..options
            },
        );
        assert!(rel(breslow.lambda[0], want) > 1e-6, "{}", case.name);
    }
}

#[test]
fn the_efron_cross_validation_matches_with_the_same_folds() {
    for case in cases() {
        let name = &case.name;
        let cv_ref = &case.v["cv"];
        let foldid: Vec<usize> = nums(&cv_ref["foldid"])
            .iter()
            .map(|f| *f as usize)
            .collect();
        let cv = cv_coxnet(
            &case.time,
            &case.status,
            &case.x,
            case.p,
            Some(&case.weights),
            Some(&case.pf),
            &case.options,
            &foldid,
            CvMeasure::Deviance,
        )
        .unwrap();
        for (key, got) in [("cvm", &cv.cvm), ("cvsd", &cv.cvsd)] {
            for (l, (g, w)) in got.iter().zip(nums(&cv_ref[key])).enumerate() {
                assert!(rel(*g, w) <= 1e-7, "{name} {key} {l}: {g} vs {w}");
            }
        }
        for (key, got) in [("lambda_min", cv.lambda_min), ("lambda_1se", cv.lambda_1se)] {
            let want = cv_ref[key].as_f64().unwrap();
            assert!(rel(got, want) <= 1e-12, "{name} {key}: {got} vs {want}");
        }
    }
}

#[test]
fn without_ties_efron_is_breslow() {
    let case = &cases()[0];
    // Break the ties: each time moved by a different tiny amount keeps the order of the distinct times.
    let time: Vec<f64> = case
        .time
        .iter()
        .enumerate()
        .map(|(i, t)| t + i as f64 * 1e-7)
        .collect();
    let run = |ties| {
        coxnet_path(
            &time,
            &case.status,
            &case.x,
            case.p,
            Some(&case.weights),
            Some(&case.pf),
            &CoxnetOptions {
                ties,
                ..case.options.clone()
            },
        )
        .unwrap()
    };
    assert_eq!(run(Ties::Efron), run(Ties::Breslow));
}

#[test]
fn exact_ties_are_refused() {
    let case = &cases()[0];
    let err = coxnet_path(
        &case.time,
        &case.status,
        &case.x,
        case.p,
        None,
        None,
        &CoxnetOptions {
            ties: Ties::Exact,
            ..CoxnetOptions::default()
        },
    )
    .unwrap_err();
    assert!(err.to_string().contains("efron"), "{err}");
}
