//! The figures and the HTML report that `sigsurv analyze` writes, on GSE1992: the report is one
//! self-contained file with the numbers of summary.json, the KM figure's risk table equals the KM table,
//! and labels from the data are escaped.

mod common;
use common::*;

use resvg::usvg;
use serde_json::Value;
use std::path::Path;
#[path = "../../sigsurv-plot/tests/support/svg_elements.rs"]
mod svg_elements;
use svg_elements::{attr, elements};

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Runs `analyze` on the GSE1992 expression matrix; returns stdout.
fn analyze(clinical: &str, dir: &Path, extra: &[&str]) -> String {
    let out = dir.display().to_string();
    let expression = fixture("gse1992/expression.csv");
    let mut args = vec![
        "analyze",
        "--clinical",
        clinical,
        "--expression",
        &expression,
        "--samples-in-rows",
        "--time",
        "os_months",
        "--event",
        "os_event",
        "--out",
        &out,
        "-q",
    ];
    args.extend_from_slice(extra);
    let o = sigsurv(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn report_is_self_contained_with_the_summary_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let stdout = analyze(
        &fixture("gse1992/clinical.csv"),
        dir.path(),
        &["--time-unit", "months"],
    );
    for f in ["km.svg", "forest.svg", "report.html"] {
        assert!(dir.path().join(f).is_file(), "{f}");
        assert!(stdout.contains(f), "the wrote line lists {f}: {stdout}");
    }
    let s: Value = serde_json::from_str(&read(&dir.path().join("summary.json"))).unwrap();
    let html = read(&dir.path().join("report.html"));
    for bad in ["http://", "https://", "<script", "<link", "<img", "@import"] {
        assert!(!html.contains(bad), "report.html contains {bad}");
    }
    // References only to elements of the page itself (the KM panel's clip path).
    for (i, _) in html.match_indices("url(") {
        assert!(html[i..].starts_with("url(#"), "{}", &html[i..i + 40]);
    }
    for class in ["km", "forest", "histogram"] {
        let at = html
            .find(&format!("<figure class=\"figure {class}\">\n<svg "))
            .unwrap_or_else(|| panic!("no inline {class} SVG"));
        assert!(html[at..].contains("</svg>"));
    }
    assert_eq!(html.matches("<svg ").count(), 3);

    // The key numbers first, before the detail.
    let key = section(&html, "key-results");
    assert!(html.find("id=\"key-results\"").unwrap() < html.find("id=\"cohort\"").unwrap());
    for label in [
        "Patients / events",
        "HR per SD of the score",
        "HR high vs the lowest group",
        "Log-rank p",
        "Concordance (score model)",
    ] {
        assert!(key.contains(label), "{label} in the key results");
    }
    assert!(key.contains(&format!("{} / {}", s["n"], s["n_events"])));

    // The log-rank table and test, exactly as in summary.json.
    let lr = section(&html, "logrank");
    let values = data_values(lr);
    for key in ["p_value", "chisq"] {
        let v = s["logrank"][key].as_f64().unwrap();
        assert!(values.contains(&v), "log-rank {key} {v} not in {values:?}");
    }
    for g in s["logrank"]["groups"].as_array().unwrap() {
        let o = g["observed"].as_f64().unwrap();
        let e = g["expected"].as_f64().unwrap();
        assert!(values.contains(&o) && values.contains(&e), "{g}");
    }
    // Group counts.
    let groups = section(&html, "score");
    for g in s["groups"].as_array().unwrap() {
        let row = format!(
            "<tr><td>{}</td><td class=\"num\" data-value=\"{n}\" title=\"{n}\">{n}</td>",
            g["group"].as_str().unwrap(),
            n = g["n"]
        );
        assert!(groups.contains(&row), "{row}");
    }
    // Cohort counts and both Cox tables.
    let cohort = data_values(section(&html, "cohort"));
    for key in ["n_clinical_read", "n", "n_events"] {
        assert!(cohort.contains(&s[key].as_f64().unwrap()), "{key}");
    }
    let cox = section(&html, "cox");
    for model in ["cox_score", "cox_groups"] {
        let t = &s[model]["terms"][0];
        assert!(cox.contains(&format!("<td>{}</td>", t["term"].as_str().unwrap())));
        let values = data_values(cox);
        for k in ["exp_coef", "lower", "upper", "p_value"] {
            assert!(values.contains(&t[k].as_f64().unwrap()), "{model} {k}");
        }
    }
    // The analysis as run, with the time unit kept.
    assert!(read(&dir.path().join("analysis.toml")).contains("time_unit = \"months\""));
    assert!(section(&html, "analysis").contains("time_unit = &quot;months&quot;"));
}

#[test]
fn km_figure_parses_and_its_risk_table_equals_the_km_table() {
    let dir = tempfile::tempdir().unwrap();
    analyze(
        &fixture("gse1992/clinical.csv"),
        dir.path(),
        &["--split", "tertiles", "--time-unit", "months"],
    );
    let s: Value = serde_json::from_str(&read(&dir.path().join("summary.json"))).unwrap();
    let svg = read(&dir.path().join("km.svg"));
    usvg::Tree::from_str(&svg, &sigsurv_plot::svg_options()).expect("km.svg parses");
    usvg::Tree::from_str(
        &read(&dir.path().join("forest.svg")),
        &sigsurv_plot::svg_options(),
    )
    .expect("forest.svg parses");
    assert!(svg.contains("Time (months)"));
    assert_eq!(elements(&svg, "km-curve").len(), 3);
    assert_eq!(elements(&svg, "km-ci").len(), 3);
    assert!(svg.contains("Log-rank p = "));
    assert!(
        svg.contains("HR mid vs low ") && svg.contains("HR high vs low "),
        "{svg}"
    );

    let cells = elements(&svg, "risk-n");
    assert!(cells.len() >= 3 * 4, "{} cells", cells.len());
    for (a, text) in &cells {
        let g: usize = attr(a, "data-group").parse().unwrap();
        let t: f64 = attr(a, "data-time").parse().unwrap();
        let table = &s["km"]["groups"][g]["table"];
        let times: Vec<f64> = serde_json::from_value(table["time"].clone()).unwrap();
        let n_risk: Vec<usize> = serde_json::from_value(table["n_risk"].clone()).unwrap();
        // Number with time >= t: n_risk at the first table time at or after t, 0 past the last.
        let expected = times.iter().position(|&x| x >= t).map_or(0, |i| n_risk[i]);
        assert_eq!(text, &expected.to_string(), "group {g} at {t}");
    }
    // At time 0 the whole group is at risk.
    for (g, group) in s["groups"].as_array().unwrap().iter().enumerate() {
        let at0 = cells
            .iter()
            .find(|(a, _)| attr(a, "data-group") == g.to_string() && attr(a, "data-time") == "0")
            .unwrap();
        assert_eq!(at0.1, group["n"].to_string());
    }
}

#[test]
fn labels_from_the_data_are_escaped() {
    // GSE1992's survival columns with a covariate whose level is markup.
    let dir = tempfile::tempdir().unwrap();
    let text = read(Path::new(&fixture("gse1992/clinical.csv")));
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |n: &str| header.iter().position(|h| *h == n).unwrap();
    let (id, t, e) = (col("sample_id"), col("os_months"), col("os_event"));
    let mut csv = String::from("sample_id,os_months,os_event,stage\n");
    for (i, line) in lines.enumerate() {
        let f: Vec<&str> = line.split(',').collect();
        let stage = if i % 2 == 0 { "0" } else { "<b>&" };
        csv.push_str(&format!("{},{},{},\"{stage}\"\n", f[id], f[t], f[e]));
    }
    let clinical = dir.path().join("clinical.csv");
    std::fs::write(&clinical, csv).unwrap();
    let out = dir.path().join("out");
    analyze(
        clinical.to_str().unwrap(),
        &out,
        &["--covariates", "factor(stage, ref = \"0\")"],
    );
    let s: Value = serde_json::from_str(&read(&out.join("summary.json"))).unwrap();
    let term = s["cox_score"]["terms"][1]["term"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(term.contains("<b>&"), "the level names the term: {term}");
    let escaped = term
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");

    let html = read(&out.join("report.html"));
    assert!(
        !html.contains("<b>"),
        "raw markup from the data in report.html"
    );
    assert!(html.contains(&format!("<td>{escaped}</td>")), "{escaped}");
    let forest = read(&out.join("forest.svg"));
    assert!(!forest.contains("<b>"));
    assert!(forest.contains(&format!("Score model: {escaped}")));
    usvg::Tree::from_str(&forest, &sigsurv_plot::svg_options()).expect("forest.svg parses");
    // The inline copy in the report is escaped the same way.
    assert!(section(&html, "cox").contains(&format!("Groups model: {escaped}")));
}

#[test]
fn run_reads_time_unit_from_the_file_and_flags_an_optimal_cut() {
    let dir = tempfile::tempdir().unwrap();
    let spec = format!(
        "version = 1\n[data]\nclinical = \"{}\"\nexpression = \"{}\"\nsamples_in_rows = true\n\n\
         [survival]\ntime = \"os_months\"\nevent = \"os_event\"\ntime_unit = \"months\"\n\n\
         [groups]\nsplit = \"optimal\"\n\n[output]\ndir = \"out\"\n",
        fixture("gse1992/clinical.csv"),
        fixture("gse1992/expression.csv")
    );
    let file = dir.path().join("analysis.toml");
    std::fs::write(&file, spec).unwrap();
    let o = sigsurv(&["run", file.to_str().unwrap(), "-q"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = dir.path().join("out");
    let km = read(&out.join("km.svg"));
    assert!(km.contains("Time (months)"));
    assert!(
        km.contains("(optimal cut; adjusted p = "),
        "the biased p is flagged"
    );
    let html = read(&out.join("report.html"));
    assert!(section(&html, "score").contains("p adjusted for the search"));
    assert!(section(&html, "logrank").contains("<p class=\"note\">"));
}

#[test]
fn time_points_give_a_survival_at_fixed_times_table() {
    let dir = tempfile::tempdir().unwrap();
    analyze(
        &fixture("gse1992/clinical.csv"),
        dir.path(),
        &["--time-points", "12,60,120"],
    );
    let html = read(&dir.path().join("report.html"));
    let s = read_json(&dir.path().join("summary.json"));
    let km = section(&html, "km");
    assert!(km.contains("Survival at fixed times"), "{km}");
    // Every `at` row of the summary is in the table, with its survival.
    for r in s["km"]["at"].as_array().unwrap() {
        let surv = r["survival"].as_f64().unwrap();
        assert!(
            km.contains(&format!("{surv}")) || km.contains(&format!("{:.3}", surv)),
            "survival {surv} of {} at {} not in the table",
            r["group"],
            r["time"]
        );
    }
    assert!(
        km.contains("not followed that long (left out): low at 120, high at 120"),
        "{km}"
    );
}
