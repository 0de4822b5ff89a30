//! The figures and the report of an analysis of several cohorts: a KM figure per cohort (file names from
//! the cohort names, made safe), forest plots with one row per cohort plus the pooled fit whose drawn hazard
//! ratios are those of summary.json, and one self-contained report.html with a section per cohort.

mod common;
use common::*;

use resvg::usvg;
use serde_json::Value;
use std::path::Path;

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn study(rel: &str) -> String {
    root()
        .join("fixtures/cbioportal_study")
        .join(rel)
        .display()
        .to_string()
}

/// Runs `sigsurv analyze --out dir -q` with `args`; returns summary.json and stdout.
fn analyze(dir: &Path, args: &[&str]) -> (Value, String) {
    let out = dir.display().to_string();
    let mut all = vec!["analyze", "--out", &out, "-q"];
    all.extend_from_slice(args);
    let o = sigsurv(&all);
    assert!(o.status.success(), "{}", stderr(&o));
    (read_json(&dir.join("summary.json")), stdout(&o))
}

/// No URL, script, style sheet or image outside the file; the only `url(` and `href` are the page's own anchors.
fn assert_self_contained(html: &str) {
    for bad in [
        "http://", "https://", "<script", "<link", "<img", "@import", " src=", "<iframe", "<object",
    ] {
        assert!(!html.contains(bad), "report.html contains {bad}");
    }
    for (i, _) in html.match_indices("url(") {
        assert!(html[i..].starts_with("url(#"), "{}", &html[i..i + 40]);
    }
    for (i, _) in html.match_indices("href=") {
        assert!(html[i..].starts_with("href=\"#"), "{}", &html[i..i + 40]);
    }
}

/// A term of a Cox JSON by name.
fn term<'a>(cox: &'a Value, name: &str) -> &'a Value {
    cox["terms"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["term"] == name)
        .unwrap_or_else(|| panic!("no term {name} in {cox}"))
}

/// One drawn forest row: its label, exact numbers, the x of its marker's centre, and whether it is a diamond.
struct Drawn {
    label: String,
    estimate: f64,
    lower: f64,
    upper: f64,
    counts: String,
    marker_x: f64,
    diamond: bool,
}

/// The rows of a forest SVG, and the log axis its ticks define (value to x).
fn forest(svg: &str) -> (Vec<Drawn>, impl Fn(f64) -> f64) {
    usvg::Tree::from_str(svg, &sigsurv_plot::svg_options()).expect("the forest SVG parses");
    let doc = usvg::roxmltree::Document::parse(svg).unwrap();
    let num =
        |n: usvg::roxmltree::Node, a: &str| -> f64 { n.attribute(a).unwrap().parse().unwrap() };
    let rows = doc
        .descendants()
        .filter(|n| {
            n.attribute("class") == Some("forest-row") && n.attribute("data-note").is_none()
        })
        .map(|g| {
            let texts: Vec<String> = g
                .children()
                .filter(|c| c.has_tag_name("text"))
                .map(|c| c.text().unwrap_or("").to_string())
                .collect();
            let (marker_x, diamond) = match g.children().find(|c| c.has_tag_name("rect")) {
                Some(r) => (num(r, "x") + num(r, "width") / 2.0, false),
                None => {
                    let d = g
                        .children()
                        .find(|c| c.attribute("class") == Some("forest-diamond"))
                        .expect("a square or a diamond")
                        .attribute("d")
                        .unwrap();
                    // M left L top L right L bottom Z: the top's x is the estimate.
                    let top = d.split('L').nth(1).unwrap();
                    (top.split(' ').next().unwrap().parse().unwrap(), true)
                }
            };
            Drawn {
                label: texts[0].clone(),
                counts: texts[1].clone(),
                estimate: num(g, "data-estimate"),
                lower: num(g, "data-lower"),
                upper: num(g, "data-upper"),
                marker_x,
                diamond,
            }
        })
        .collect();
    let ticks: Vec<(f64, f64)> = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("forest-tick"))
        .map(|n| (num(n, "data-value"), num(n, "x1")))
        .collect();
    let ((v0, x0), (v1, x1)) = (ticks[0], *ticks.last().unwrap());
    let x_of = move |v: f64| x0 + (v.ln() - v0.ln()) / (v1.ln() - v0.ln()) * (x1 - x0);
    (rows, x_of)
}

/// The forest rows equal the term's hazard ratio, CI and counts in each cohort's and the pooled Cox JSON, and
/// each marker sits at its hazard ratio on the drawn log axis.
fn forest_matches(svg: &str, s: &Value, model: &str, name: &str) {
    let (mut rows, x_of) = forest(svg);
    let cohorts = s["cohorts"].as_array().unwrap();
    // The score's forest ends with the random-effects pooled HR and a heterogeneity line.
    let h = &s["pooled"]["heterogeneity"];
    if model == "cox_score" && !h.is_null() {
        let re = rows.pop().expect("the random-effects row");
        assert_eq!(re.label, "Random effects (DerSimonian-Laird)");
        assert!(re.diamond);
        assert_eq!(re.estimate, h["random_effects"]["hr"].as_f64().unwrap());
        assert!(
            svg.contains(">Heterogeneity: Q = "),
            "the heterogeneity line"
        );
    }
    assert_eq!(rows.len(), cohorts.len() + 1, "one row per cohort + pooled");
    let expected = cohorts
        .iter()
        .map(|c| (c["cohort"].as_str().unwrap().to_string(), &c[model]))
        .chain([(
            format!(
                "Pooled (stratified by {})",
                s["pooled"]["strata"][0].as_str().unwrap()
            ),
            &s["pooled"][model],
        )]);
    for (i, (label, cox)) in expected.enumerate() {
        let r = &rows[i];
        let t = term(cox, name);
        assert_eq!(r.label, label);
        assert_eq!(r.estimate, t["exp_coef"].as_f64().unwrap(), "{label}");
        assert_eq!(r.lower, t["lower"].as_f64().unwrap(), "{label}");
        assert_eq!(r.upper, t["upper"].as_f64().unwrap(), "{label}");
        assert_eq!(r.counts, format!("{} / {}", cox["n"], cox["n_events"]));
        assert_eq!(
            r.diamond,
            i == cohorts.len(),
            "only the pooled row is a diamond"
        );
        assert!(
            (r.marker_x - x_of(r.estimate)).abs() < 0.02,
            "{label}: marker at {} but HR {} is at {}",
            r.marker_x,
            r.estimate,
            x_of(r.estimate)
        );
    }
}

#[test]
fn two_studies_write_a_km_figure_each_forest_plots_and_one_report() {
    let dir = tempfile::tempdir().unwrap();
    let (s, text) = analyze(
        dir.path(),
        &[
            "--study",
            &study("halves/syn_a"),
            "--study",
            &study("halves/syn_b"),
            "--log2",
            "--covariates",
            "AGE",
            "--time-unit",
            "months",
        ],
    );
    let files = [
        "km_syn_a.svg",
        "km_syn_b.svg",
        "forest.svg",
        "forest_groups.svg",
        "report.html",
    ];
    for f in files {
        assert!(dir.path().join(f).is_file(), "{f}");
        assert!(text.contains(f), "the wrote line lists {f}");
    }
    assert!(
        !dir.path().join("km.svg").exists(),
        "no pooled KM figure: the pooled analysis is stratified"
    );
    for (i, name) in ["syn_a", "syn_b"].into_iter().enumerate() {
        let km = read(&dir.path().join(format!("km_{name}.svg")));
        usvg::Tree::from_str(&km, &sigsurv_plot::svg_options()).expect("the KM SVG parses");
        assert!(km.contains(&format!(">Cohort {name}</text>")));
        assert!(km.contains("Time (months)"));
        assert!(km.contains("Adjusted HR high vs low "));
        // The risk table starts with each group's n in this cohort.
        for g in s["cohorts"][i]["groups"].as_array().unwrap() {
            assert!(km.contains(&format!("{} (n={})", g["group"].as_str().unwrap(), g["n"])));
        }
    }
    forest_matches(
        &read(&dir.path().join("forest.svg")),
        &s,
        "cox_score",
        "score",
    );
    forest_matches(
        &read(&dir.path().join("forest_groups.svg")),
        &s,
        "cox_groups",
        "group=high",
    );

    let html = read(&dir.path().join("report.html"));
    assert_self_contained(&html);
    // Two forest plots, and per cohort its histogram and KM figure, all inline.
    assert_eq!(html.matches("<svg ").count(), 2 + 2 * 2);
    let pooled = section(&html, "pooled");
    assert_eq!(
        pooled.matches("<figure class=\"figure forest\">").count(),
        2
    );
    let values = data_values(pooled);
    for k in ["chisq", "p_value"] {
        assert!(
            values.contains(&s["pooled"]["logrank"][k].as_f64().unwrap()),
            "{k}"
        );
    }
    for (model, name) in [("cox_score", "score"), ("cox_groups", "group=high")] {
        let t = term(&s["pooled"][model], name);
        for k in ["exp_coef", "lower", "upper", "p_value"] {
            assert!(
                values.contains(&t[k].as_f64().unwrap()),
                "pooled {model} {k}"
            );
        }
    }
    // The overview: one row per cohort with its counts, and the pooled row.
    let overview = section(&html, "cohorts");
    for c in s["cohorts"].as_array().unwrap() {
        let row = format!(
            "<tr><td>{}</td><td class=\"num\" data-value=\"{n}\" title=\"{n}\">{n}</td>",
            c["cohort"].as_str().unwrap(),
            n = c["n"]
        );
        assert!(overview.contains(&row), "{row}");
    }
    assert!(overview.contains("<tr><td>pooled</td>"));

    for (i, name) in ["syn_a", "syn_b"].into_iter().enumerate() {
        let c = &s["cohorts"][i];
        let sec = section(&html, &format!("cohort-{name}"));
        assert!(html.contains(&format!("<a href=\"#cohort-{name}\">Cohort {name}</a>")));
        for class in ["km", "histogram"] {
            assert_eq!(
                sec.matches(&format!("<figure class=\"figure {class}\">\n<svg "))
                    .count(),
                1,
                "{name} {class}"
            );
        }
        assert!(
            sec.contains(&format!(">Cohort {name}</text>")),
            "its own KM figure"
        );
        assert!(sec.contains("Study folder"));
        let values = data_values(sec);
        for key in ["n_clinical_read", "n_dropped", "n", "n_events"] {
            assert!(values.contains(&c[key].as_f64().unwrap()), "{name} {key}");
        }
        assert!(values.contains(&c["logrank"]["chisq"].as_f64().unwrap()));
        for (model, t) in [("cox_score", "score"), ("cox_groups", "group=high")] {
            let t = term(&c[model], t);
            for k in ["exp_coef", "lower", "upper", "p_value"] {
                assert!(
                    values.contains(&t[k].as_f64().unwrap()),
                    "{name} {model} {k}"
                );
            }
        }
    }
    assert!(section(&html, "analysis").contains("study = ["));
}

#[test]
fn cohort_names_become_safe_file_names_and_are_escaped() {
    // GSE1992 split into two cohorts whose names are not file names and contain markup.
    let dir = tempfile::tempdir().unwrap();
    let clinical = csv_with_columns(
        Path::new(&fixture("gse1992/clinical.csv")),
        dir.path(),
        "clinical.csv",
        &["site"],
        |i, _| {
            Some(vec![format!(
                "\"{}\"",
                if i % 2 == 0 { "A/B <1>" } else { "c d" }
            )])
        },
    );
    let clinical = Path::new(&clinical);
    let out = dir.path().join("out");
    let (s, _) = analyze(
        &out,
        &[
            "--clinical",
            clinical.to_str().unwrap(),
            "--expression",
            &fixture("gse1992/expression.csv"),
            "--samples-in-rows",
            "--time",
            "os_months",
            "--event",
            "os_event",
            "--cohort",
            "site",
            "--split",
            "tertiles",
        ],
    );
    assert_eq!(s["cohorts"][0]["cohort"], "A/B <1>");
    for stem in ["A_B__1_", "c_d"] {
        assert!(out.join(format!("km_{stem}.svg")).is_file(), "{stem}");
    }
    let html = read(&out.join("report.html"));
    assert_self_contained(&html);
    assert!(!html.contains("<1>"), "raw markup from the data");
    let sec = section(&html, "cohort-A_B__1_");
    assert!(sec.contains("<h2>Cohort A/B &lt;1&gt;</h2>"));
    section(&html, "cohort-c_d");
    // Tertiles: the groups' forest plot compares high with low.
    forest_matches(
        &read(&out.join("forest_groups.svg")),
        &s,
        "cox_groups",
        "group=high",
    );
    let forest_svg = read(&out.join("forest.svg"));
    assert!(forest_svg.contains(">A/B &lt;1&gt;</text>"));
    assert!(forest_svg.contains(">Pooled (stratified by site)</text>"));
    // The shared clinical table's counts are in the overview.
    let overview = data_values(section(&html, "cohorts"));
    assert!(overview.contains(&s["n_clinical_read"].as_f64().unwrap()));
}

#[test]
fn plot_forest_reads_a_multi_cohort_summary() {
    let dir = tempfile::tempdir().unwrap();
    let (s, _) = analyze(
        dir.path(),
        &[
            "--study",
            &study("halves/syn_a"),
            "--study",
            &study("halves/syn_b"),
            "--log2",
        ],
    );
    let summary = dir.path().join("summary.json").display().to_string();
    for (term_name, model) in [("score", "cox_score"), ("group=high", "cox_groups")] {
        let svg = dir.path().join(format!("plot_{model}.svg"));
        let o = sigsurv(&[
            "plot",
            "forest",
            &summary,
            "--term",
            term_name,
            "-o",
            svg.to_str().unwrap(),
            "-q",
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        let text = read(&svg);
        assert!(text.contains(">Cohort</text>"));
        forest_matches(&text, &s, model, term_name);
    }
    let o = sigsurv(&[
        "plot",
        "forest",
        &summary,
        "--term",
        "group=nope",
        "-o",
        dir.path().join("x.svg").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("no cohort has an estimate of the term \"group=nope\""),
        "{}",
        stderr(&o)
    );
    assert!(!dir.path().join("x.svg").exists());
}
