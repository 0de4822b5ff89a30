//! `sigsurv cox --save-model` and `sigsurv predict` / `validate --model` through the binary: a GBSG2 model
//! applied to Rotterdam, against R's predict.coxph and survfit.coxph (fixtures/validation/
//! make_predict_reference.R) and riskRegression::Score (make_reference.R).

mod common;
use common::*;

use serde_json::Value;

const FORMULA: &str = "Surv(time, cens) ~ age + menostat + pnodes + progrec + estrec + horTh";

/// Spline bases, a transform and interactions: predictions rebuild the design with the training knots and levels.
const FORMULA_BASES: &str =
    "Surv(time, cens) ~ ns(age, df = 3) * horTh + I(pnodes/10) * menostat + \
                             log(progrec + 1) + bs(estrec, df = 4)";

fn save_model(dir: &std::path::Path) -> String {
    save_model_of(dir, FORMULA)
}

fn save_model_of(dir: &std::path::Path, formula: &str) -> String {
    let path = dir.join("model.json");
    let o = sigsurv(&[
        "cox",
        &fixture("GBSG2/GBSG2.csv"),
        "--formula",
        formula,
        "--save-model",
        path.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    path.display().to_string()
}

fn rel(a: f64, b: f64) -> f64 {
    (a - b).abs() / b.abs().max(1e-12)
}

#[test]
fn predictions_on_new_rows_match_r() {
    let dir = tempfile::tempdir().unwrap();
    let model = save_model(dir.path());
    let saved = read_json(std::path::Path::new(&model));
    assert_eq!(saved["schema"], "sigsurv-cox-model");
    assert_eq!(saved["version"][0], 1);
    assert_eq!(saved["training"]["n"], 686);
    assert_predictions_match(&model, "predict_reference.csv");
}

#[test]
fn predictions_of_a_model_with_splines_and_interactions_match_r() {
    let dir = tempfile::tempdir().unwrap();
    let model = save_model_of(dir.path(), FORMULA_BASES);
    let saved = read_json(std::path::Path::new(&model));
    assert_eq!(
        saved["version"][0], 2,
        "a frozen design is schema version 2"
    );
    assert_eq!(saved["design"]["bases"][0]["label"], "ns(age, df = 3)");
    // Rotterdam's ages reach beyond GBSG2's boundary knots: the basis extends as R's ns() and bs() extend it.
    assert_predictions_match(&model, "predict_formula_reference.csv");
}

/// `predict` on rotterdam_as_gbsg2.csv at 1, 3, 5 years against R's predictions in `reference`.
fn assert_predictions_match(model: &str, reference: &str) {
    let o = sigsurv(&[
        "predict",
        &fixture("validation/rotterdam_as_gbsg2.csv"),
        "--model",
        model,
        "--times",
        "365.25,1095.75,1826.25",
        "--format",
        "csv",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let ours: Vec<Vec<String>> = stdout(&o)
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect();
    let r = std::fs::read_to_string(root().join("fixtures/validation").join(reference)).unwrap();
    let theirs: Vec<Vec<f64>> = r
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(|x| x.parse().unwrap()).collect())
        .collect();
    assert_eq!(ours.len(), theirs.len());
    for (a, b) in ours.iter().zip(&theirs) {
        assert_eq!(a[0].parse::<f64>().unwrap(), b[0], "pid");
        for k in 1..6 {
            let x: f64 = a[k].parse().unwrap();
            assert!(
                rel(x, b[k]) < 1e-9,
                "{reference}: pid {} column {k}: ours {x}, R {}",
                b[0],
                b[k]
            );
        }
    }
}

#[test]
fn validate_with_the_saved_model_matches_score() {
    let dir = tempfile::tempdir().unwrap();
    let model = save_model(dir.path());
    let o = sigsurv(&[
        "validate",
        &fixture("validation/rotterdam_as_gbsg2.csv"),
        "--time",
        "time",
        "--event",
        "event",
        "--model",
        &model,
        "--times",
        "365.25,1095.75,1826.25",
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let r: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("fixtures/validation/reference.json")).unwrap(),
    )
    .unwrap();
    let s = &r["score"][0];
    for k in 0..3 {
        let row = &v["times"][k];
        for (ours, theirs) in [
            ("auc", "auc"),
            ("brier", "brier"),
            ("brier_se", "brier_se"),
            ("ipa", "ipa"),
        ] {
            let (a, b) = (row[ours].as_f64().unwrap(), s[theirs][k].as_f64().unwrap());
            assert!(rel(a, b) < 1e-8, "{ours} at {k}: ours {a}, R {b}");
        }
    }
    let h = r["concordance"][0]["concordance"].as_f64().unwrap();
    assert!(rel(v["concordance"]["harrell"]["c"].as_f64().unwrap(), h) < 1e-10);
}

#[test]
fn unseen_levels_missing_columns_and_other_files_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let model = save_model(dir.path());
    let bad = dir.path().join("new.csv");
    std::fs::write(
        &bad,
        "age,menostat,pnodes,progrec,estrec,horTh\n50,Peri,1,10,10,no\n",
    )
    .unwrap();
    let o = sigsurv(&["predict", bad.to_str().unwrap(), "--model", &model]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("value \"Peri\" of menostat"),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("Post, Pre"), "{}", stderr(&o));
    std::fs::write(&bad, "age,menostat,pnodes\n50,Post,1\n").unwrap();
    let o = sigsurv(&["predict", bad.to_str().unwrap(), "--model", &model]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("no column \"progrec\""),
        "{}",
        stderr(&o)
    );
    // A newer major version, and a file that is not a model.
    let text = std::fs::read_to_string(&model).unwrap().replacen(
        "\"version\": [\n    1,",
        "\"version\": [\n    3,",
        1,
    );
    let newer = dir.path().join("newer.json");
    std::fs::write(&newer, text).unwrap();
    let o = sigsurv(&[
        "predict",
        &fixture("validation/rotterdam_as_gbsg2.csv"),
        "--model",
        newer.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("schema version"), "{}", stderr(&o));
    let o = sigsurv(&[
        "predict",
        &fixture("validation/rotterdam_as_gbsg2.csv"),
        "--model",
        &fixture("validation/reference.json"),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("is not a sigsurv Cox model"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_stratified_model_predicts_each_row_in_its_stratum_as_r() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("strat.json");
    let o = sigsurv(&[
        "cox",
        &fixture("GBSG2/GBSG2.csv"),
        "--formula",
        "Surv(time, cens) ~ age + pnodes + progrec + horTh + strata(menostat)",
        "--save-model",
        model.to_str().unwrap(),
        "-q",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let saved = read_json(&model);
    assert_eq!(saved["strata"], serde_json::json!(["menostat"]));
    assert_eq!(saved["baseline"].as_array().unwrap().len(), 2);
    let o = sigsurv(&[
        "predict",
        &fixture("validation/rotterdam_as_gbsg2.csv"),
        "--model",
        model.to_str().unwrap(),
        "--times",
        "365.25,1095.75,1826.25",
        "--format",
        "csv",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let r =
        std::fs::read_to_string(root().join("fixtures/validation/predict_strata_reference.csv"))
            .unwrap();
    let theirs: Vec<Vec<f64>> = r
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(|x| x.parse().unwrap()).collect())
        .collect();
    let text = stdout(&o);
    let ours: Vec<Vec<f64>> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(|x| x.parse().unwrap()).collect())
        .collect();
    assert_eq!(ours.len(), theirs.len());
    for (a, b) in ours.iter().zip(&theirs) {
        assert_eq!(a[0], b[0], "pid");
        // lp (R's reference = "strata"), then S(t) at the three times from the row's own stratum.
        for (k, j) in [(1, 1), (3, 2), (4, 3), (5, 4)] {
            assert!(
                rel(a[k], b[j]) < 1e-9,
                "pid {} column {k}: ours {}, R {}",
                b[0],
                a[k],
                b[j]
            );
        }
    }
    // A stratum the training rows did not have is named.
    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "pid,age,menostat,pnodes,progrec,horTh\n1,50,Peri,1,10,no\n",
    )
    .unwrap();
    let o = sigsurv(&[
        "predict",
        bad.to_str().unwrap(),
        "--model",
        model.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("the stratum menostat=Peri at line 2")
            && stderr(&o).contains("menostat=Post; menostat=Pre"),
        "{}",
        stderr(&o)
    );
    // validate --model takes one marker: a stratified model is refused with the route that works.
    let o = sigsurv(&[
        "validate",
        &fixture("validation/rotterdam_as_gbsg2.csv"),
        "--time",
        "time",
        "--event",
        "event",
        "--model",
        model.to_str().unwrap(),
        "--times",
        "365.25",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("is a stratified model"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn profile_curves_of_a_model_with_splines_and_interactions_match_survfit() {
    let o = sigsurv(&[
        "cox",
        &fixture("GBSG2/GBSG2.csv"),
        "--formula",
        FORMULA_BASES,
        "--predict",
        &fixture("validation/profiles_formula.csv"),
        "--format",
        "json",
        "-q",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let r =
        std::fs::read_to_string(root().join("fixtures/validation/profiles_formula_reference.csv"))
            .unwrap();
    let mut checked = 0;
    for curve in v["curves"].as_array().unwrap() {
        let profile = curve["profile"].as_str().unwrap();
        let table = &curve["table"];
        let rows: Vec<Vec<&str>> = r
            .lines()
            .skip(1)
            .map(|l| l.split(',').collect::<Vec<_>>())
            .filter(|f| f[0] == profile)
            .collect();
        assert_eq!(
            table["time"].as_array().unwrap().len(),
            rows.len(),
            "{profile}"
        );
        for (k, f) in rows.iter().enumerate() {
            for (col, key) in [(1, "time"), (2, "surv"), (3, "std_err")] {
                let (ours, theirs) = (
                    table[key][k].as_f64().unwrap(),
                    f[col].parse::<f64>().unwrap(),
                );
                assert!(
                    (ours - theirs).abs() <= 1e-9 * theirs.abs().max(1e-6),
                    "{profile} {key} at {k}: ours {ours}, R {theirs}"
                );
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 1148);
}
