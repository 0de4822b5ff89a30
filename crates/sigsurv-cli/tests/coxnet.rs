//! `sigsurv coxnet` through the binary against glmnet 4.1-6 / cv.glmnet on GSE1992's IL1 genes
//! (fixtures/coxnet/make_path.R -> path.json, case `il1_lasso`): the path at glmnet's lambdas is the exact
//! optimum of glmnet's objective, and the cross-validation with R's foldid is cv.glmnet's.

mod common;
use common::*;
use serde_json::Value;
use std::collections::HashMap;

fn reference() -> Value {
    case("il1_lasso")
}

fn case(name: &str) -> Value {
    let all = read_json(&root().join("fixtures/coxnet/path.json"));
    all["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap()
        .clone()
}

fn nums(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

fn rel(a: f64, b: f64) -> f64 {
    (a - b).abs() / b.abs().max(1e-12)
}

/// `sigsurv coxnet` on the IL1 panel with R's folds (`clinical` from [`clinical_with_folds`]), writing to `out`.
fn run_il1(clinical: &str, out: &std::path::Path, extra: &[&str]) -> std::process::Output {
    let expression = fixture("gse1992/expression_il1.csv");
    let mut args = vec![
        "coxnet",
        "--clinical",
        clinical,
        "--expression",
        &expression,
        "--samples-in-rows",
        "--time",
        "os_months",
        "--event",
        "os_event",
        "--foldid",
        "fold",
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    sigsurv(&args)
}

/// clinical.csv with R's fold of each analysed sample appended (the two samples without it dropped).
fn clinical_with_folds(dir: &std::path::Path, r: &Value) -> String {
    let ids: Vec<&str> = r["sample_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    let folds = nums(&r["cv"]["foldid"]);
    let fold_of: HashMap<&str, f64> = ids.iter().copied().zip(folds).collect();
    csv_with_columns(
        &root().join("fixtures/gse1992/clinical.csv"),
        dir,
        "clinical_folds.csv",
        &["fold"],
        |_, line| {
            let id = line.split(',').next().unwrap();
            Some(vec![fold_of
                .get(id)
                .map_or("NA".to_string(), |f| f.to_string())])
        },
    )
}

#[test]
fn coxnet_matches_glmnet_and_cv_glmnet_with_rs_folds() {
    let r = reference();
    let dir = tempfile::tempdir().unwrap();
    let clinical = clinical_with_folds(dir.path(), &r);
    let out = dir.path().join("run");
    let expression = fixture("gse1992/expression_il1.csv");
    let o = run_il1(&clinical, &out, &["--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let summary: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(summary["analysis"], "coxnet");
    assert_eq!(summary["n"], 124);
    assert!(stderr(&o).contains("dropped 0") || !stderr(&o).contains("dropped"));

    let path = read_json(&out.join("path.json"));
    let lambda = nums(&path["lambda"]);
    let want = nums(&r["glmnet"]["lambda"]);
    assert_eq!(lambda.len(), want.len(), "glmnet's path length");
    let columns: Vec<&str> = r["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    for (k, (l, w)) in lambda.iter().zip(&want).enumerate() {
        assert!(rel(*l, *w) <= 1e-9, "lambda {k}");
        let exact = &r["exact"]["beta"][k];
        let mut want_coef: HashMap<&str, f64> = HashMap::new();
        for (i, v) in nums(&exact["index"]).iter().zip(nums(&exact["value"])) {
            want_coef.insert(columns[*i as usize - 1], v);
        }
        let ours = path["coefficients"][k].as_array().unwrap();
        assert_eq!(
            ours.len(),
            want_coef.len(),
            "lambda {k}: nonzero coefficients"
        );
        for c in ours {
            let term = c["term"].as_str().unwrap();
            let w = want_coef[term];
            assert!(
                rel(c["coef"].as_f64().unwrap(), w) <= 1e-7,
                "lambda {k} {term}"
            );
        }
    }

    let cv = read_json(&out.join("cv.json"));
    let exact = &r["cv_exact"];
    for (l, (got, want)) in nums(&cv["cvm"]).iter().zip(nums(&exact["cvm"])).enumerate() {
        assert!(rel(*got, want) <= 1e-6, "cvm {l}: {got} vs {want}");
    }
    for key in ["lambda_min", "lambda_1se"] {
        let got = cv[key].as_f64().unwrap();
        assert!(
            rel(got, r["cv"][key].as_f64().unwrap()) <= 1e-9,
            "{key} against cv.glmnet"
        );
        assert!(rel(summary[key]["lambda"].as_f64().unwrap(), got) <= 1e-15);
    }
    let csv = std::fs::read_to_string(out.join("coefficients.csv")).unwrap();
    assert!(csv.starts_with("term,lambda_min,lambda_1se\n"));
    let wgmt = std::fs::read_to_string(out.join("signature.wgmt")).unwrap();
    let line = wgmt
        .lines()
        .find(|l| l.starts_with("coxnet_lambda_min\t"))
        .unwrap();
    let weights: Vec<(String, f64)> = line
        .split('\t')
        .skip(2)
        .map(|f| {
            let (g, w) = f.split_once('=').unwrap();
            (g.to_string(), w.parse().unwrap())
        })
        .collect();
    assert_eq!(
        weights.len(),
        summary["lambda_min"]["df"].as_u64().unwrap() as usize
    );

    // The weighted score is the model's linear predictor on its genes: sum of weight x expression.
    let o = sigsurv(&[
        "score",
        &expression,
        "--samples-in-rows",
        "--weights",
        out.join("signature.wgmt").to_str().unwrap(),
        "--set",
        "coxnet_lambda_min",
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let scored: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(scored["method"], "weighted");
    let text = std::fs::read_to_string(&expression).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let samples = scored["samples"].as_array().unwrap();
    let scores = nums(&scored["scores"]["coxnet_lambda_min"]);
    for line in lines {
        let cells: Vec<&str> = line.split(',').collect();
        let want: f64 = weights
            .iter()
            .map(|(g, w)| {
                w * cells[header.iter().position(|h| h == g).unwrap()]
                    .parse::<f64>()
                    .unwrap()
            })
            .sum();
        let k = samples.iter().position(|s| s == cells[0]).unwrap();
        assert!(
            (scores[k] - want).abs() <= 1e-12 * (1.0 + want.abs()),
            "{}",
            cells[0]
        );
    }

    // The figures: a line per term ever nonzero on the path (no dots), over the dashed zero line; the CV curve
    // a dot per lambda with dashed lines at lambda.min and lambda.1se.
    let mut ever: Vec<&str> = Vec::new();
    for step in path["coefficients"].as_array().unwrap() {
        for c in step.as_array().unwrap() {
            let t = c["term"].as_str().unwrap();
            if !ever.contains(&t) {
                ever.push(t);
            }
        }
    }
    let path_svg = std::fs::read_to_string(out.join("path.svg")).unwrap();
    assert_eq!(
        path_svg.matches("class=\"points-series\"").count(),
        ever.len()
    );
    assert_eq!(path_svg.matches("class=\"points-point\"").count(), 0);
    assert_eq!(path_svg.matches("class=\"points-reference\"").count(), 1);
    assert!(path_svg.contains("log(lambda)") && path_svg.contains("Coefficient"));
    let cv_svg = std::fs::read_to_string(out.join("cv.svg")).unwrap();
    assert_eq!(
        cv_svg.matches("class=\"points-point\"").count(),
        lambda.len()
    );
    assert_eq!(cv_svg.matches("class=\"points-reference\"").count(), 2);
    assert!(cv_svg.contains("Partial likelihood deviance"));

    // The report: the folder's numbers (exact in data-value), both figures inline, the selected genes, and a
    // scoring command that runs.
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    let data = section(&html, "data");
    assert!(data.contains("Samples analysed") && data.contains("data-value=\"124\""));
    let cv_section = section(&html, "cv");
    let values = data_values(cv_section);
    for key in ["lambda_min", "lambda_1se"] {
        let want = summary[key]["lambda"].as_f64().unwrap();
        assert!(values.contains(&want), "{key} {want} in {values:?}");
        let cvm = summary[key]["cvm"].as_f64().unwrap();
        assert!(values.contains(&cvm), "{key} cvm");
    }
    assert!(cv_section.contains("<svg") && section(&html, "path").contains("<svg"));
    let genes = section(&html, "coefficients");
    for (g, w) in &weights {
        assert!(genes.contains(&format!(">{g}<")), "{g}");
        assert!(data_values(genes).contains(w), "{g} {w}");
    }
    let command = section(&html, "signature");
    let command = &command[command.find("sigsurv score").unwrap()..];
    let command = &command[..command.find('<').unwrap()];
    let args: Vec<&str> = command.split_whitespace().skip(1).collect();
    let o = sigsurv(&args);
    assert!(o.status.success(), "{command}: {}", stderr(&o));
    assert!(!html.contains("http"), "a self-contained report");

    // plot redraws them in other formats; the wrong file is an error naming the right one.
    for (kind, json, figure) in [
        ("coxnet-path", "path.json", "path.png"),
        ("coxnet-cv", "cv.json", "cv.pdf"),
    ] {
        let target = dir.path().join(figure);
        let o = sigsurv(&[
            "plot",
            kind,
            out.join(json).to_str().unwrap(),
            "-o",
            target.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(std::fs::metadata(&target).unwrap().len() > 1000);
    }
    let target = dir.path().join("wrong.svg");
    let o = sigsurv(&[
        "plot",
        "coxnet-path",
        out.join("cv.json").to_str().unwrap(),
        "-o",
        target.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("not the path.json of `sigsurv coxnet`"),
        "{}",
        stderr(&o)
    );
    assert!(!target.exists());
}

#[test]
fn coxnet_c_index_cross_validation_matches_cv_glmnet() {
    let r = reference();
    let c = read_json(&root().join("fixtures/coxnet/cv_c.json"));
    let dir = tempfile::tempdir().unwrap();
    let clinical = clinical_with_folds(dir.path(), &r);
    let out = dir.path().join("run");
    let o = run_il1(&clinical, &out, &["--cv-measure", "C", "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let summary: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(summary["measure"], "C");
    let cv = read_json(&out.join("cv.json"));
    let (cvm, cvsd) = (nums(&cv["cvm"]), nums(&cv["cvsd"]));
    assert_eq!(cvm.len(), nums(&c["lambda"]).len());
    // glmnet with its folds fitted to thresh 1e-14: the same C-index at every lambda.
    for (l, (got, want)) in cvm.iter().zip(nums(&c["cvm_tight"])).enumerate() {
        assert!(rel(*got, want) <= 1e-12, "cvm {l}: {got} vs {want}");
    }
    for (l, (got, want)) in cvsd.iter().zip(nums(&c["cvsd_tight"])).enumerate() {
        assert!(rel(*got, want) <= 1e-10, "cvsd {l}: {got} vs {want}");
    }
    // glmnet's default run: the same, but at a few lambdas where its convergence error swaps a pair of a fold.
    let default = nums(&c["cvm"]);
    let swapped = (0..cvm.len())
        .filter(|&l| rel(cvm[l], default[l]) > 1e-12)
        .inspect(|&l| assert!(rel(cvm[l], default[l]) < 0.01, "cvm {l}"))
        .count();
    assert!(
        swapped <= cvm.len() / 4,
        "{swapped} lambdas differ from cv.glmnet's default run"
    );
    for key in ["lambda_min", "lambda_1se"] {
        let got = summary[key]["lambda"].as_f64().unwrap();
        assert!(rel(got, c[key].as_f64().unwrap()) <= 1e-12, "{key}");
    }
}

/// The case's analysed rows of clinical.csv with R's fold and case weight of each.
fn clinical_with_folds_and_weights(dir: &std::path::Path, r: &Value) -> String {
    let ids: Vec<&str> = r["sample_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    let folds = nums(&r["cv"]["foldid"]);
    let weights = nums(&r["weights"]);
    csv_with_columns(
        &root().join("fixtures/gse1992/clinical.csv"),
        dir,
        "clinical_weights.csv",
        &["fold", "w"],
        |_, line| {
            let id = line.split(',').next().unwrap();
            let k = ids.iter().position(|s| *s == id)?;
            Some(vec![folds[k].to_string(), weights[k].to_string()])
        },
    )
}

#[test]
fn coxnet_with_case_weights_and_unpenalized_covariates_matches_glmnet() {
    let r = case("il1_clinical_enet");
    let dir = tempfile::tempdir().unwrap();
    let clinical = clinical_with_folds_and_weights(dir.path(), &r);
    let out = dir.path().join("run");
    let o = sigsurv(&[
        "coxnet",
        "--clinical",
        &clinical,
        "--expression",
        &fixture("gse1992/expression_il1.csv"),
        "--samples-in-rows",
        "--time",
        "os_months",
        "--event",
        "os_event",
        "--unpenalized",
        "age + er",
        "--alpha",
        "0.5",
        "--weights",
        "w",
        "--foldid",
        "fold",
        "--out",
        out.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let summary: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(summary["n"], r["n"]);
    let path = read_json(&out.join("path.json"));
    let lambda = nums(&path["lambda"]);
    let want = nums(&r["glmnet"]["lambda"]);
    assert_eq!(lambda.len(), want.len(), "glmnet's path length");
    let columns: Vec<&str> = r["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    for (k, (l, w)) in lambda.iter().zip(&want).enumerate() {
        // With unpenalized variables glmnet's lambda_max is the score at its own inexact fit.
        assert!(rel(*l, *w) <= 1e-6, "lambda {k}");
        let exact = &r["exact"]["beta"][k];
        let want_coef: HashMap<&str, f64> = nums(&exact["index"])
            .iter()
            .zip(nums(&exact["value"]))
            .map(|(i, v)| (columns[*i as usize - 1], v))
            .collect();
        let largest = want_coef.values().fold(0.0f64, |m, v| m.max(v.abs()));
        for c in path["coefficients"][k].as_array().unwrap() {
            let term = c["term"].as_str().unwrap();
            let got = c["coef"].as_f64().unwrap();
            let w = want_coef.get(term).copied().unwrap_or(0.0);
            assert!(
                (got - w).abs() <= 1e-4 * largest,
                "lambda {k} {term}: {got} vs {w}"
            );
        }
    }
    let unpenalized: Vec<&str> = summary["unpenalized"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u.as_str().unwrap())
        .collect();
    assert_eq!(unpenalized, ["age", "er"]);
    for key in ["lambda_min", "lambda_1se"] {
        let got = summary[key]["lambda"].as_f64().unwrap();
        assert!(
            rel(got, r["cv"][key].as_f64().unwrap()) <= 1e-6,
            "{key} against cv.glmnet"
        );
    }

    // Bad weights are refused with the row.
    let text = std::fs::read_to_string(&clinical).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let last = lines.len() - 1;
    let cut = lines[last].rfind(',').unwrap();
    lines[last] = format!("{},-0.5", &lines[last][..cut]);
    let bad_path = dir.path().join("bad_weights.csv");
    std::fs::write(&bad_path, lines.join("\n") + "\n").unwrap();
    let o = sigsurv(&[
        "coxnet",
        "--clinical",
        bad_path.to_str().unwrap(),
        "--expression",
        &fixture("gse1992/expression_il1.csv"),
        "--samples-in-rows",
        "--time",
        "os_months",
        "--event",
        "os_event",
        "--weights",
        "w",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("--weights column \"w\" has -0.5"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn coxnet_refuses_bad_alpha_a_missing_unpenalized_covariate_and_too_few_folds() {
    let clinical = fixture("gse1992/clinical.csv");
    let expression = fixture("gse1992/expression_il1.csv");
    let base = [
        "coxnet",
        "--clinical",
        clinical.as_str(),
        "--expression",
        expression.as_str(),
        "--samples-in-rows",
        "--time",
        "os_months",
        "--event",
        "os_event",
    ];
    let run = |extra: &[&str]| {
        let mut args = base.to_vec();
        args.extend_from_slice(extra);
        sigsurv(&args)
    };
    let o = run(&["--alpha", "0"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--alpha 0"), "{}", stderr(&o));
    let o = run(&["--unpenalized", "age + er"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("\"er\" is missing in 2 row(s)"),
        "{}",
        stderr(&o)
    );
    let o = run(&["--nfolds", "2"]);
    assert_eq!(o.status.code(), Some(2));
    let o = run(&["--nfolds", "40"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("only 26 events"), "{}", stderr(&o));
}

#[test]
fn coxnet_dfmax_and_pmax_stop_the_path_as_glmnet() {
    let r = reference();
    let limits = read_json(&root().join("fixtures/coxnet/limits.json"));
    let dir = tempfile::tempdir().unwrap();
    let clinical = clinical_with_folds(dir.path(), &r);
    for fit in limits["fits"].as_array().unwrap() {
        let name = fit["name"].as_str().unwrap();
        let out = dir.path().join(name);
        let mut extra: Vec<String> = vec!["-q".into()];
        for (key, value) in fit["args"].as_object().unwrap() {
            extra.push(format!("--{key}"));
            extra.push(value.to_string());
        }
        let o = run_il1(
            &clinical,
            &out,
            &extra.iter().map(String::as_str).collect::<Vec<_>>(),
        );
        assert!(o.status.success(), "{name}: {}", stderr(&o));
        let path = read_json(&out.join("path.json"));
        let (got, want) = (nums(&path["lambda"]), nums(&fit["lambda"]));
        assert_eq!(got.len(), want.len(), "{name}: path length");
        for (l, (a, b)) in got.iter().zip(&want).enumerate() {
            assert!(rel(*a, *b) <= 1e-10, "{name} lambda {l}: {a} vs {b}");
        }
        assert_eq!(path["df"], fit["df"], "{name}: df");
        // glmnet's pmax warning has its counterpart in the path's note.
        assert_eq!(
            path["truncated"]
                .as_str()
                .is_some_and(|t| t.contains("pmax")),
            !fit["warning"].is_null(),
            "{name}: {}",
            path["truncated"]
        );
    }
}

#[test]
fn coxnet_saved_model_predicts_as_glmnet() {
    let r = reference();
    let reference = read_json(&root().join("fixtures/coxnet/model.json"));
    let dir = tempfile::tempdir().unwrap();
    let clinical = clinical_with_folds(dir.path(), &r);
    // lambda.1se of this case keeps no gene: no model, and a note saying why.
    let out = dir.path().join("at_1se");
    let o = run_il1(&clinical, &out, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!out.join("model.json").exists());
    assert!(
        stderr(&o).contains("no model.json at lambda.1se"),
        "{}",
        stderr(&o)
    );
    let out = dir.path().join("at_min");
    let o = run_il1(&clinical, &out, &["--model-lambda", "min", "-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let model = out.join("model.json");
    let saved = read_json(&model);
    assert_eq!(
        saved["formula"],
        "Surv(os_months, os_event) ~ IRAK1 + IRAK4 + CXCL8"
    );
    // The samples-in-rows expression table holds the model's covariates (the genes).
    let o = sigsurv(&[
        "predict",
        &fixture("gse1992/expression_il1.csv"),
        "--model",
        model.to_str().unwrap(),
        "--times",
        "24,60",
        "--id",
        "sample_id",
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let by_id: HashMap<String, &Value> = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| (row["id"].as_str().unwrap().to_string(), row))
        .collect();
    let ids = reference["sample_ids"].as_array().unwrap();
    for (i, id) in ids.iter().enumerate() {
        let row = by_id[id.as_str().unwrap()];
        let lp = row["lp"].as_f64().unwrap();
        let want = reference["lp"][i].as_f64().unwrap();
        assert!(
            (lp - want).abs() <= 1e-10 * want.abs().max(1.0),
            "lp {id}: {lp} vs {want}"
        );
        for (k, s) in nums(&row["survival"]).iter().enumerate() {
            let want = reference["surv"][i][k].as_f64().unwrap();
            assert!(rel(*s, want) <= 1e-10, "S {id} {k}: {s} vs {want}");
        }
    }
}

#[test]
fn coxnet_with_efron_ties_is_the_exact_efron_optimum() {
    // fixtures/coxnet/make_efron.R: the il1_lasso samples and folds, survival's Efron likelihood.
    let all = read_json(&root().join("fixtures/coxnet/efron.json"));
    let e = &all["cases"][0];
    assert_eq!(e["name"], "il1_efron");
    let dir = tempfile::tempdir().unwrap();
    let clinical = clinical_with_folds(dir.path(), &reference());
    let out = dir.path().join("run");
    let lambda = nums(&e["lambda"]);
    let list = lambda
        .iter()
        .map(|l| format!("{l:e}"))
        .collect::<Vec<_>>()
        .join(",");
    let o = run_il1(
        &clinical,
        &out,
        &["--ties", "efron", "--lambda", &list, "--format", "json"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let summary: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(summary["ties"], "efron");
    let path = read_json(&out.join("path.json"));
    assert_eq!(path["ties"], "efron");
    let columns: Vec<&str> = e["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    for (k, want) in e["beta"].as_array().unwrap().iter().enumerate() {
        let want = nums(want);
        let ours: HashMap<&str, f64> = path["coefficients"][k]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| (c["term"].as_str().unwrap(), c["coef"].as_f64().unwrap()))
            .collect();
        let scale = want.iter().map(|v| v.abs()).fold(1e-6, f64::max);
        for (j, w) in want.iter().enumerate() {
            let got = ours.get(columns[j]).copied().unwrap_or(0.0);
            assert!(
                (got - w).abs() <= 1e-7 * scale,
                "lambda {k} {}: {got} vs {w}",
                columns[j]
            );
        }
    }
    let cv = read_json(&out.join("cv.json"));
    for (l, (got, want)) in nums(&cv["cvm"])
        .iter()
        .zip(nums(&e["cv"]["cvm"]))
        .enumerate()
    {
        assert!(rel(*got, want) <= 1e-7, "cvm {l}: {got} vs {want}");
    }
    let refused = dir.path().join("refused");
    let exact = run_il1(&clinical, &refused, &["--ties", "exact"]);
    assert_eq!(exact.status.code(), Some(2), "{}", stderr(&exact));
    assert!(stderr(&exact).contains("efron"), "{}", stderr(&exact));
    assert!(!refused.exists(), "nothing written for a refused run");
}
