//! Penalized splines (`pspline()`) through `sigsurv cox`, against R's coxph (fixtures/formula/make_pspline.R):
//! the basis coefficients, se and se2, each term's effective df, the theta search, the iterations, the log
//! likelihoods, the "linear" / "nonlin" rows of R's print, the LR and Wald tests, the concordance, and
//! predictions on new rows (outside the training range too) from a saved model.

mod common;
use common::*;

use serde_json::Value;

fn reference() -> Vec<Value> {
    read_json(&root().join("fixtures/formula/pspline.json"))
        .as_array()
        .unwrap()
        .clone()
}

/// Ours against R's at a relative 1e-7 (absolute 1e-13 near zero).
fn close(what: &str, a: f64, b: f64) {
    close_json(what, &a.into(), &b.into(), 1e-7);
}

fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

fn fit(r: &Value) -> Value {
    let name = r["name"].as_str().unwrap();
    let file = fixture(r["file"].as_str().unwrap());
    let mut args = vec![
        "cox",
        &file,
        "--formula",
        r["formula"].as_str().unwrap(),
        "--ties",
        r["ties"].as_str().unwrap(),
        "--format",
        "json",
        "-q",
    ];
    if let Some(w) = r["weights"].as_str() {
        args.extend(["--weights", w]);
    }
    let o = sigsurv(&args);
    assert!(o.status.success(), "{name}: {}", stderr(&o));
    serde_json::from_slice(&o.stdout).unwrap()
}

#[test]
fn penalized_splines_match_coxph() {
    for r in reference() {
        let name = r["name"].as_str().unwrap();
        let v = fit(&r);
        assert_eq!(v["n"], r["n"], "{name}");
        let terms = v["terms"].as_array().unwrap();
        let r_names = r["coef_names"].as_array().unwrap();
        assert_eq!(terms.len(), r_names.len(), "{name}: columns");
        for (i, t) in terms.iter().enumerate() {
            let theirs = r_names[i].as_str().unwrap();
            if theirs.starts_with("ps(") {
                assert_eq!(t["term"].as_str().unwrap(), theirs, "{name}: column {i}");
            }
            close(
                &format!("{name} coef {i}"),
                num(&t["coef"]),
                num(&r["coef"][i]),
            );
            close(&format!("{name} se {i}"), num(&t["se"]), num(&r["se"][i]));
            close(
                &format!("{name} se2 {i}"),
                num(&t["se2"]),
                num(&r["se2"][i]),
            );
        }
        close(
            &format!("{name} loglik0"),
            num(&v["loglik_null"]),
            num(&r["loglik"][0]),
        );
        close(
            &format!("{name} loglik"),
            num(&v["loglik"]),
            num(&r["loglik"][1]),
        );
        let pen = &v["penalized"];
        close(
            &format!("{name} penalty"),
            num(&pen["penalty"]),
            num(&r["penalty"][1]),
        );
        assert_eq!(
            pen["outer_iterations"], r["iter"][0],
            "{name}: outer iterations"
        );
        assert_eq!(
            pen["newton_iterations"], r["iter"][1],
            "{name}: Newton iterations"
        );
        let dfs: Vec<f64> = match &r["df"] {
            Value::Array(a) => a.iter().map(num).collect(),
            x => vec![num(x)],
        };
        let term_df = pen["term_df"].as_array().unwrap();
        assert_eq!(term_df.len(), dfs.len(), "{name}: terms");
        for (k, (ours, theirs)) in term_df.iter().zip(&dfs).enumerate() {
            close(&format!("{name} df {k}"), num(&ours["df"]), *theirs);
        }
        // The theta search, step by step.
        for (k, (s, h)) in pen["splines"]
            .as_array()
            .unwrap()
            .iter()
            .zip(r["history"].as_array().unwrap())
            .enumerate()
        {
            let thetas: Vec<f64> = match &h["thetas"] {
                Value::Array(a) => a.iter().map(num).collect(),
                x => vec![num(x)],
            };
            let search = s["search"].as_array().unwrap();
            assert_eq!(
                search.len(),
                thetas.len(),
                "{name}: spline {k} search length"
            );
            for (j, (ours, theirs)) in search.iter().zip(&thetas).enumerate() {
                close(
                    &format!("{name} spline {k} theta {j}"),
                    num(&ours["theta"]),
                    *theirs,
                );
            }
            close(
                &format!("{name} spline {k} theta"),
                num(&s["theta"]),
                *thetas.last().unwrap(),
            );
        }
        // R's print rows: "<term>, linear" and "<term>, nonlin" for each spline, one per other coefficient.
        let splines = pen["splines"].as_array().unwrap();
        for row in r["rows"].as_array().unwrap() {
            let label = row["row"].as_str().unwrap();
            let Some((term, part)) = label.rsplit_once(", ") else {
                continue;
            };
            let s = splines
                .iter()
                .find(|s| s["term"] == term)
                .unwrap_or_else(|| panic!("{name}: no spline for {label}"));
            if part.starts_with("lin") {
                let l = &s["linear"];
                for (ours, theirs) in [
                    ("coef", "coef"),
                    ("se", "se"),
                    ("se2", "se2"),
                    ("chisq", "chisq"),
                    ("p_value", "p"),
                ] {
                    close(
                        &format!("{name} {label} {ours}"),
                        num(&l[ours]),
                        num(&row[theirs]),
                    );
                }
            } else {
                let n = &s["nonlinear"];
                close(
                    &format!("{name} {label} chisq"),
                    num(&n["chisq"]),
                    num(&row["chisq"]),
                );
                close(
                    &format!("{name} {label} df"),
                    num(&n["df"]),
                    num(&row["df"]),
                );
                close(
                    &format!("{name} {label} p"),
                    num(&n["p_value"]),
                    num(&row["p"]),
                );
            }
        }
        close(
            &format!("{name} wald"),
            num(&v["wald"]["statistic"]),
            num(&r["wald"]),
        );
        for (k, key) in ["statistic", "df", "p_value"].iter().enumerate() {
            close(
                &format!("{name} lrt {key}"),
                num(&v["lrt"][key]),
                num(&r["logtest"][k]),
            );
        }
        close(
            &format!("{name} concordance"),
            num(&v["concordance"]["c"]),
            num(&r["concordance"]),
        );
    }
}

#[test]
fn saved_penalized_model_predicts_new_rows_as_r() {
    let r = reference()
        .into_iter()
        .find(|r| r["name"] == "lung_age_sex")
        .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let model = dir.join("model.json");
    let o = sigsurv(&[
        "cox",
        &fixture("lung/lung.csv"),
        "--formula",
        r["formula"].as_str().unwrap(),
        "--save-model",
        model.to_str().unwrap(),
        "-q",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let mut csv = String::from("age,sex\n");
    for row in r["newdata"].as_array().unwrap() {
        csv.push_str(&format!("{},{}\n", row["age"], row["sex"]));
    }
    let new_rows = dir.join("new.csv");
    std::fs::write(&new_rows, csv).unwrap();
    let o = sigsurv(&[
        "predict",
        new_rows.to_str().unwrap(),
        "--model",
        model.to_str().unwrap(),
        "--times",
        "365",
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    // Ages 30 and 90 lie outside the training range (39-82): the basis continues as its tangent line, as R's.
    for (i, row) in v["rows"].as_array().unwrap().iter().enumerate() {
        close(&format!("lp {i}"), num(&row["lp"]), num(&r["lp_new"][i]));
        close(
            &format!("S(365) {i}"),
            num(&row["survival"][0]),
            num(&r["surv_365"][i]),
        );
    }
}

#[test]
fn table_prints_r_rows_for_a_spline() {
    let o = sigsurv(&[
        "cox",
        &fixture("lung/lung.csv"),
        "--formula",
        "Surv(time, status) ~ pspline(age, df = 4) + sex",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    for want in [
        "pspline(age, df = 4), linear",
        "pspline(age, df = 4), nonlin",
        "Iterations: 4 outer, 11 Newton-Raphson",
        "Degrees of freedom for terms= 4.1 1.0",
        "Likelihood ratio test= 17.77  on 5.09 df",
    ] {
        assert!(text.contains(want), "missing {want:?} in\n{text}");
    }
}

#[test]
fn fractional_weights_with_a_spline_ask_for_the_model_based_variance() {
    let tmp = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(fixture("formula/lung_weighted.csv")).unwrap();
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    // One weight of 1.5: coxph would make the variance robust.
    lines[1] = format!("{}1.5", lines[1].trim_end_matches('1'));
    let file = tmp.path().join("lung_fractional.csv");
    std::fs::write(&file, lines.join("\n") + "\n").unwrap();
    let f = file.to_str().unwrap();
    let formula = "Surv(time, status) ~ pspline(age, df = 3) + sex";
    let o = sigsurv(&["cox", f, "--formula", formula, "--weights", "w"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--no-robust"), "{}", stderr(&o));
    let o = sigsurv(&[
        "cox",
        f,
        "--formula",
        formula,
        "--weights",
        "w",
        "--no-robust",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn pspline_is_refused_where_it_is_not_supported() {
    let lung = fixture("lung/lung.csv");
    for (args, want) in [
        (
            vec![
                "cox",
                &lung,
                "--formula",
                "Surv(time, status) ~ pspline(age):sex",
            ],
            "inside an interaction",
        ),
        (
            vec![
                "cox",
                &lung,
                "--formula",
                "Surv(time, status) ~ pspline(age)",
                "--zph",
            ],
            "--zph with a pspline() term",
        ),
        (
            vec![
                "cox",
                &lung,
                "--formula",
                "Surv(time, status) ~ pspline(age)",
                "--ties",
                "exact",
            ],
            "ties = efron or breslow",
        ),
        (
            vec![
                "cox",
                &lung,
                "--formula",
                "Surv(time, status) ~ pspline(age) + cluster(inst)",
            ],
            "robust variance",
        ),
        (
            vec![
                "cox",
                &lung,
                "--formula",
                "Surv(time, status) ~ pspline(age, method = 1)",
            ],
            "argument method is not supported",
        ),
        (
            vec![
                "aft",
                &lung,
                "--formula",
                "Surv(time, status) ~ pspline(age)",
            ],
            "penalized in Cox models only",
        ),
        (
            vec![
                "anova",
                &lung,
                "--formula",
                "Surv(time, status) ~ sex",
                "--formula",
                "Surv(time, status) ~ sex + pspline(age)",
            ],
            "anova of models with a pspline() term",
        ),
    ] {
        let o = sigsurv(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(want), "{args:?}: {}", stderr(&o));
    }
}
