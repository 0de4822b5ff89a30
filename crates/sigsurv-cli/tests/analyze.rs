//! `sigsurv analyze`, `run` and `check` end to end on GSE1992, against R (fixtures/gse1992/make_analyze.R).

mod common;
use common::*;

use serde_json::Value;
use std::path::Path;

fn close(what: &str, ours: &Value, r: &Value, tol: f64) {
    let (a, b) = (
        ours.as_f64().unwrap_or(f64::NAN),
        r.as_f64().unwrap_or(f64::NAN),
    );
    assert!(
        a == b || ((a - b) / b).abs() < tol || (a.is_nan() && b.is_nan()),
        "{what}: ours {a}, R {b}"
    );
}

fn analyze(dir: &Path, extra: &[&str]) -> Value {
    let out = dir.display().to_string();
    let mut args = vec![
        "analyze",
        "--clinical",
        &fixture("gse1992/clinical.csv") as &str,
        "--expression",
        &fixture("gse1992/expression.csv"),
        "--samples-in-rows",
        "--set",
        "IL1",
        "--method",
        "mean-z",
        "--out",
        &out,
        "-q",
    ]
    .into_iter()
    .map(String::from)
    .collect::<Vec<_>>();
    args.extend(extra.iter().map(|s| s.to_string()));
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = sigsurv(&refs);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).contains("log-rank: chisq"));
    read_json(&dir.join("summary.json"))
}

#[test]
fn median_split_matches_r() {
    let dir = tempfile::tempdir().unwrap();
    let s = analyze(
        dir.path(),
        &[
            "--time",
            "os_months",
            "--event",
            "os_event",
            "--time-points",
            "12,60,120",
        ],
    );
    let r = &read_json(&root().join("fixtures/gse1992/analyze.json"))["os_median"];
    // Survival at 12, 60 and 120 months: 120 is after both groups' follow-up (R leaves it out).
    let at = s["km"]["at"].as_array().unwrap();
    assert_eq!(at.len(), r["at"]["time"].as_array().unwrap().len());
    for (i, row) in at.iter().enumerate() {
        assert_eq!(row["group"], r["at"]["group"][i]);
        assert_eq!(row["time"].as_f64(), r["at"]["time"][i].as_f64());
        assert_eq!(row["n_risk"].as_u64(), r["at"]["n_risk"][i].as_u64());
        close("survival at", &row["survival"], &r["at"]["surv"][i], 1e-9);
        close("lower at", &row["lower"], &r["at"]["lower"][i], 1e-9);
        close("upper at", &row["upper"], &r["at"]["upper"][i], 1e-9);
    }
    assert_eq!(s["km"]["at_omitted"].as_array().unwrap().len(), 2);
    assert_eq!(s["analysis"], "analyze");
    assert_eq!(s["n"], r["n"]);
    assert_eq!(s["n_events"], r["n_events"]);
    assert_eq!(s["genes_used"].as_array().unwrap().len(), 27);
    assert!(s["genes_missing"].as_array().unwrap().is_empty());
    close("cut", &s["cutpoints"][0], &r["cutpoints"], 1e-9);
    assert_eq!(s["groups"][0]["n"], r["counts"][0]);
    assert_eq!(s["km"]["groups"][0]["group"], "low");
    close("chisq", &s["logrank"]["chisq"], &r["chisq"], 1e-9);
    close("p", &s["logrank"]["p_value"], &r["p"], 1e-9);
    assert_eq!(s["cox_score"]["terms"][0]["term"], "score");
    close(
        "score coef",
        &s["cox_score"]["terms"][0]["coef"],
        &r["score_coef"],
        1e-6,
    );
    close(
        "score se",
        &s["cox_score"]["terms"][0]["se"],
        &r["score_se"],
        1e-6,
    );
    assert_eq!(s["cox_groups"]["terms"][0]["term"], "group=high");
    close(
        "group coef",
        &s["cox_groups"]["terms"][0]["coef"],
        &r["groups_coef"],
        1e-6,
    );
    // The files a CI job picks up.
    for f in ["summary.json", "scores.csv", "analysis.toml"] {
        assert!(dir.path().join(f).is_file(), "{f}");
    }
    let scores = std::fs::read_to_string(dir.path().join("scores.csv")).unwrap();
    assert!(scores.starts_with("sample,score,score_per_sd,group\n"));
    assert_eq!(scores.lines().count(), 125);
    // data.csv: the clinical table as it was, with the score, score per SD and group of each patient.
    let data = std::fs::read_to_string(dir.path().join("data.csv")).unwrap();
    let clinical = std::fs::read_to_string(fixture("gse1992/clinical.csv")).unwrap();
    assert_eq!(data.lines().count(), clinical.lines().count());
    assert!(data
        .lines()
        .next()
        .unwrap()
        .ends_with(",score,score_per_sd,group"));
    for line in scores.lines().skip(1) {
        let (sample, rest) = line.split_once(',').unwrap();
        let row = data
            .lines()
            .find(|l| l.starts_with(&format!("{sample},")))
            .unwrap();
        assert!(row.ends_with(&format!(",{rest}")), "{row}");
    }
}

#[test]
fn tertiles_adjusted_with_missing_covariates_match_r() {
    let dir = tempfile::tempdir().unwrap();
    let s = analyze(
        dir.path(),
        &[
            "--time",
            "rfs_months",
            "--event",
            "rfs_event",
            "--split",
            "tertiles",
            "--covariates",
            "age + grade",
        ],
    );
    let r = &read_json(&root().join("fixtures/gse1992/analyze.json"))["rfs_tertiles_adjusted"];
    assert_eq!(
        s["n"], r["n"],
        "rows with a missing age or grade are dropped"
    );
    assert!(s["n_dropped"].as_u64().unwrap() > 0);
    for i in 0..2 {
        close("cut", &s["cutpoints"][i], &r["cutpoints"][i], 1e-9);
    }
    for i in 0..3 {
        assert_eq!(s["groups"][i]["n"], r["counts"][i]);
    }
    close("chisq", &s["logrank"]["chisq"], &r["chisq"], 1e-9);
    let terms = s["cox_groups"]["terms"].as_array().unwrap();
    for (i, rname) in r["groups_terms"].as_array().unwrap().iter().enumerate() {
        let name = rname.as_str().unwrap().replacen("group", "group=", 1);
        let t = terms
            .iter()
            .find(|t| t["term"].as_str() == Some(name.as_str()) || t["term"] == *rname)
            .unwrap();
        close(&name, &t["coef"], &r["groups_coef"][i], 1e-6);
        close(&name, &t["se"], &r["groups_se"][i], 1e-6);
    }
    for i in 0..3 {
        close(
            "score model",
            &s["cox_score"]["terms"][i]["coef"],
            &r["score_coef"][i],
            1e-6,
        );
    }
}

#[test]
fn run_and_check_reproduce_and_fail_when_they_should() {
    let dir = tempfile::tempdir().unwrap();
    let spec = format!(
        "version = 1\n[data]\nclinical = \"{}\"\nexpression = \"{}\"\nsamples_in_rows = true\n\n[survival]\ntime = \"os_months\"\nevent = \"os_event\"\n\n[output]\ndir = \"out\"\n",
        // A path through "..": the resolved file names the file itself.
        root()
            .join("crates/../fixtures/gse1992/clinical.csv")
            .display(),
        fixture("gse1992/expression.csv")
    );
    let file = dir.path().join("analysis.toml");
    std::fs::write(&file, spec).unwrap();
    let o = sigsurv(&["run", file.to_str().unwrap(), "-q"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let resolved = dir.path().join("out/analysis.toml");
    let text = std::fs::read_to_string(&resolved).unwrap();
    let clinical = std::fs::canonicalize(fixture("gse1992/clinical.csv")).unwrap();
    assert!(
        text.contains(&format!("clinical = \"{}\"", clinical.display())),
        "paths are written absolute and without ..: {text}"
    );
    let first = read_json(&dir.path().join("out/summary.json"));
    // The resolved file reruns to the same numbers.
    let o = sigsurv(&["run", resolved.to_str().unwrap(), "-q"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(read_json(&dir.path().join("out/summary.json")), first);

    let good = dir.path().join("good.toml");
    std::fs::write(
        &good,
        "[[expect]]\nname = \"log-rank p\"\npath = \"logrank.p_value\"\nvalue = 0.0653\nabs_tol = 0.001\n\n\
         [[expect]]\npath = \"cox_groups.terms[term=group=high].exp_coef\"\nmin = 1.0\n\n\
         [[curve]]\ngroup = \"low\"\ntime = 24\nsurv = 0.9\nabs_tol = 0.1\n",
    )
    .unwrap();
    let o = sigsurv(&[
        "check",
        file.to_str().unwrap(),
        "--expected",
        good.to_str().unwrap(),
        "-q",
    ]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{text}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(text.contains("3 of 3 checks agree"), "{text}");

    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "[[expect]]\nname = \"published HR\"\npath = \"cox_score.terms[term=score].exp_coef\"\nvalue = 1.8\nrel_tol = 0.05\n").unwrap();
    let report = dir.path().join("report.json");
    let o = sigsurv(&[
        "check",
        file.to_str().unwrap(),
        "--expected",
        bad.to_str().unwrap(),
        "--report",
        report.to_str().unwrap(),
        "-q",
    ]);
    assert_eq!(o.status.code(), Some(3), "a disagreeing check exits 3");
    assert!(String::from_utf8_lossy(&o.stdout).contains("FAIL"));
    assert_eq!(read_json(&report)["agree"], false);
}

#[test]
fn bad_inputs() {
    let dir = tempfile::tempdir().unwrap();
    // An analysis file with a misspelt key.
    let file = dir.path().join("a.toml");
    std::fs::write(
        &file,
        "version = 1\n[data]\nclinical = \"c.csv\"\nexpresion = \"e.csv\"\n",
    )
    .unwrap();
    let o = sigsurv(&["run", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("unknown field `expresion`") && err.contains("line 4"),
        "{err}"
    );
    // Clinical ids that match no expression sample (expression read with genes in rows by mistake).
    let out = dir.path().join("o").display().to_string();
    let o = sigsurv(&[
        "analyze",
        "--clinical",
        &fixture("gse1992/clinical.csv"),
        "--expression",
        &fixture("gse1992/expression.csv"),
        "--time",
        "os_months",
        "--event",
        "os_event",
        "--out",
        &out,
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("matches a sample") || err.contains("genes"),
        "{err}"
    );
    // A split that leaves a group empty.
    let o = sigsurv(&[
        "analyze",
        "--clinical",
        &fixture("gse1992/clinical.csv"),
        "--expression",
        &fixture("gse1992/expression.csv"),
        "--samples-in-rows",
        "--time",
        "os_months",
        "--event",
        "os_event",
        "--split",
        "cut:100",
        "--out",
        &out,
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("empty"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn shipped_example_checks_out() {
    // Copy the example so its results folder lands in a temporary directory.
    let dir = tempfile::tempdir().unwrap();
    let src = root().join("examples/il1_gse1992");
    let spec = std::fs::read_to_string(src.join("analysis.toml"))
        .unwrap()
        .replace("../../fixtures", &fixture(""));
    std::fs::write(dir.path().join("analysis.toml"), spec).unwrap();
    let o = sigsurv(&[
        "check",
        dir.path().join("analysis.toml").to_str().unwrap(),
        "--expected",
        src.join("expected.toml").to_str().unwrap(),
        "-q",
    ]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{text}");
    assert!(text.contains("6 of 6 checks agree"), "{text}");
    // The analysis' first line, not its whole results, above the table.
    assert!(text.starts_with("IL1 signature (27 of 27 genes"), "{text}");
    assert!(!text.contains("log-rank:"), "{text}");
    assert!(
        text.contains("ok  all 27 genes of the IL1 panel are scored"),
        "{text}"
    );
}

#[test]
fn an_optimal_split_gives_the_permutation_p_and_flags_what_the_search_biases() {
    let dir = tempfile::tempdir().unwrap();
    let s = analyze(
        dir.path(),
        &[
            "--time",
            "rfs_months",
            "--event",
            "rfs_event",
            "--split",
            "optimal",
            "--permutations",
            "500",
            "--seed",
            "7",
        ],
    );
    let c = &s["cutpoint"];
    assert_eq!(c["permutations"], 500);
    assert_eq!(c["p_value_method"], "Lau94");
    for key in ["km", "logrank", "cox_groups"] {
        assert!(s[key]["selection_bias"].is_string(), "{key} is flagged");
    }
    assert!(
        s["cox_score"].get("selection_bias").is_none(),
        "the score model does not use the cut"
    );
    // The same cut and permutation p as `sigsurv cutpoint` on the analysed patients' scores.
    let clinical = std::fs::read_to_string(fixture("gse1992/clinical.csv")).unwrap();
    let header: Vec<&str> = clinical.lines().next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (id, t, e) = (col("sample_id"), col("rfs_months"), col("rfs_event"));
    let outcome: std::collections::HashMap<String, (String, String)> = clinical
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[id].to_string(), (f[t].to_string(), f[e].to_string()))
        })
        .collect();
    let scores = std::fs::read_to_string(dir.path().join("scores.csv")).unwrap();
    let mut joined = String::from("sample,score,time,event\n");
    for l in scores.lines().skip(1) {
        let f: Vec<&str> = l.split(',').collect();
        let (time, event) = &outcome[f[0]];
        joined.push_str(&format!("{},{},{time},{event}\n", f[0], f[1]));
    }
    let data = dir.path().join("joined.csv");
    std::fs::write(&data, joined).unwrap();
    let o = sigsurv(&[
        "cutpoint",
        data.to_str().unwrap(),
        "--time",
        "time",
        "--event",
        "event",
        "--score",
        "score",
        "--permutations",
        "500",
        "--seed",
        "7",
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["cutpoint"], c["cutpoint"]);
    assert_eq!(v["p_value_permutation"], c["p_value_permutation"]);
    assert_eq!(v["p_value"], c["p_value"]);
}

/// `analyze` of GSE1992's overall survival (IL1, mean-z) into `dir/out`, with `extra` flags.
fn analyze_os(dir: &Path, out: &str, extra: &[&str]) -> std::process::Output {
    let out = dir.join(out).display().to_string();
    let clinical = fixture("gse1992/clinical.csv");
    let expression = fixture("gse1992/expression.csv");
    let mut args = vec![
        "analyze",
        "--clinical",
        &clinical,
        "--expression",
        &expression,
        "--samples-in-rows",
        "--time",
        "os_months",
        "--event",
        "os_event",
        "-q",
        "--out",
        &out,
    ];
    args.extend_from_slice(extra);
    sigsurv(&args)
}

#[test]
fn a_validation_run_applies_the_training_cut_points_and_sd() {
    let dir = tempfile::tempdir().unwrap();
    let run = |out: &str, extra: &[&str]| -> Value {
        let o = analyze_os(dir.path(), out, extra);
        assert!(o.status.success(), "{}", stderr(&o));
        read_json(&dir.path().join(out).join("summary.json"))
    };
    let train = run("train", &["--where", "er == 1", "--split", "tertiles"]);
    let train_file = dir.path().join("train/summary.json");
    let val = run(
        "val",
        &[
            "--where",
            "er == 0",
            "--train-summary",
            train_file.to_str().unwrap(),
        ],
    );
    let own = run("own", &["--where", "er == 0", "--split", "tertiles"]);
    assert_eq!(val["cutpoints"], train["cutpoints"]);
    assert_eq!(val["validation"]["score_sd_train"], train["score_sd"]);
    assert_eq!(val["validation"]["score_sd_self"], own["score_sd"]);
    // The groups are the training cut-points applied to this cohort's scores (a score at a cut goes low).
    let scores = std::fs::read_to_string(dir.path().join("val/scores.csv")).unwrap();
    let cuts: Vec<f64> = train["cutpoints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_f64().unwrap())
        .collect();
    let mut counts = [0u64; 3];
    for line in scores.lines().skip(1) {
        let s: f64 = line.split(',').nth(1).unwrap().parse().unwrap();
        counts[cuts.iter().filter(|c| s > **c).count()] += 1;
    }
    let n: Vec<u64> = val["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["n"].as_u64().unwrap())
        .collect();
    assert_eq!(n, counts);
    // The HR per SD uses the training SD: the coefficient scales by sd_train / sd_self (Cox is equivariant).
    let b = |s: &Value| s["cox_score"]["terms"][0]["coef"].as_f64().unwrap();
    let ratio = train["score_sd"].as_f64().unwrap() / own["score_sd"].as_f64().unwrap();
    assert!(
        (b(&val) - b(&own) * ratio).abs() < 1e-7 * b(&own).abs().max(1e-3),
        "{} vs {}",
        b(&val),
        b(&own) * ratio
    );
    // A training summary of another score is refused.
    let o = sigsurv(&[
        "analyze",
        "--clinical",
        &fixture("gse1992/clinical.csv"),
        "--expression",
        &fixture("gse1992/expression.csv"),
        "--samples-in-rows",
        "--time",
        "os_months",
        "--event",
        "os_event",
        "--method",
        "ssgsea",
        "--train-summary",
        train_file.to_str().unwrap(),
        "--out",
        dir.path().join("bad").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("scored method \"mean-z\", this one ssgsea"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_validation_run_can_freeze_the_training_gene_standardisation() {
    let dir = tempfile::tempdir().unwrap();
    let run = |out: &str, extra: &[&str]| analyze_os(dir.path(), out, extra);
    let r = read_json(&root().join("fixtures/gse1992/frozen.json"));
    let o = run("train", &["--where", "er == 1", "--split", "tertiles"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let train = read_json(&dir.path().join("train/summary.json"));
    // The training summary holds each gene's mean and SD (R: colMeans, apply(X, 2, sd)).
    let stats = train["gene_standardisation"].as_array().unwrap();
    assert_eq!(stats.len(), 27);
    for (k, gene) in r["genes"].as_array().unwrap().iter().enumerate() {
        let g = stats.iter().find(|g| g["gene"] == *gene).unwrap();
        close(&format!("{gene} mean"), &g["mean"], &r["means"][k], 1e-12);
        close(&format!("{gene} sd"), &g["sd"], &r["sds"][k], 1e-12);
    }
    let train_file = dir.path().join("train/summary.json");
    let t = train_file.to_str().unwrap();
    let o = run(
        "val",
        &[
            "--where",
            "er == 0",
            "--train-summary",
            t,
            "--standardise",
            "train",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let val = read_json(&dir.path().join("val/summary.json"));
    assert_eq!(val["validation"]["standardise"], "train");
    assert_eq!(val["n"], r["n_val"]);
    let n: Vec<Value> = val["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["n"].clone())
        .collect();
    assert_eq!(Value::from(n), r["counts"]);
    // Each validation patient's frozen score, as R's rowMeans(scale(X, center = means, scale = sds)).
    let scores = std::fs::read_to_string(dir.path().join("val/scores.csv")).unwrap();
    let samples = r["samples_val"].as_array().unwrap();
    for line in scores.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let k = samples.iter().position(|s| s == f[0]).unwrap();
        close(
            &format!("score of {}", f[0]),
            &Value::from(f[1].parse::<f64>().unwrap()),
            &r["scores_val"][k],
            1e-12,
        );
    }
    let score = &val["cox_score"]["terms"][0];
    close("score coef", &score["coef"], &r["score_coef"], 1e-6);
    close("score se", &score["se"], &r["score_se"], 1e-6);
    for (k, level) in ["group=mid", "group=high"].iter().enumerate() {
        let t = val["cox_groups"]["terms"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["term"] == *level)
            .unwrap();
        close(level, &t["coef"], &r["groups_coef"][k], 1e-6);
        close(level, &t["se"], &r["groups_se"][k], 1e-6);
    }
    // Without a training summary, or for another score method, train is refused.
    let o = run("bad", &["--where", "er == 0", "--standardise", "train"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let o = run(
        "bad2",
        &[
            "--where",
            "er == 0",
            "--train-summary",
            t,
            "--standardise",
            "sideways",
        ],
    );
    assert!(
        stderr(&o).contains("expected \"self\" or \"train\""),
        "{}",
        stderr(&o)
    );
}
