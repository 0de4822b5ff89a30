//! Runs `sigsurv plot km` and `sigsurv plot forest`: the figures hold the numbers R gives, PNGs have the
//! asked size, overlays and Cox JSON are read, and bad input fails with exit code 2 and a clear message.

mod common;
use common::*;

use std::path::Path;

fn gbsg2() -> String {
    root()
        .join("fixtures/GBSG2/GBSG2.csv")
        .display()
        .to_string()
}

fn ok(args: &[&str]) {
    let o = sigsurv(args);
    assert!(o.status.success(), "failed: {}", stderr(&o));
}

/// Fails with exit code 2 and a message containing `needle`.
fn bad(args: &[&str], needle: &str) {
    let o = sigsurv(args);
    assert_eq!(o.status.code(), Some(2), "stderr: {}", stderr(&o));
    assert!(
        stderr(&o).contains(needle),
        "{needle:?} not in: {}",
        stderr(&o)
    );
}

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

fn p(dir: &Path, name: &str) -> String {
    dir.join(name).display().to_string()
}

/// The text of every `<text class="risk-n" data-group="g">` in document order.
fn risk_numbers(svg: &str, group: usize) -> Vec<String> {
    let tag = format!("class=\"risk-n\" data-group=\"{group}\"");
    svg.lines()
        .filter(|l| l.contains(&tag))
        .map(|l| {
            let start = l.find('>').unwrap() + 1;
            let end = l.rfind("</text>").unwrap();
            l[start..end].to_string()
        })
        .collect()
}

#[test]
fn km_svg_has_r_numbers_and_the_log_rank_p() {
    let d = tmp();
    let out = p(d.path(), "km.svg");
    let g = gbsg2();
    ok(&[
        "plot",
        "km",
        &g,
        "--time",
        "time",
        "--event",
        "cens",
        "--by",
        "horTh",
        "--ci",
        "--breaks",
        "500",
        "--time-unit",
        "days",
        "--median-lines",
        "-o",
        &out,
        "-q",
    ]);
    let svg = std::fs::read_to_string(&out).unwrap();
    // R: summary(survfit(Surv(time, cens) ~ horTh, d), times = seq(0, 2500, 500), extend = TRUE)$n.risk
    assert_eq!(
        risk_numbers(&svg, 0),
        ["440", "345", "210", "118", "38", "1"]
    );
    assert_eq!(
        risk_numbers(&svg, 1),
        ["246", "208", "142", "96", "37", "5"]
    );
    // R: survdiff(Surv(time, cens) ~ horTh, d)$pvalue = 0.003427
    assert!(svg.contains("Log-rank p = 0.0034"));
    assert!(svg.contains("Time (days)") && svg.contains(">horTh</text>"));
    assert!(svg.contains("class=\"km-ci\"") && svg.contains("class=\"km-median\""));
}

#[test]
fn km_png_has_the_size_times_dpi() {
    let d = tmp();
    let out = p(d.path(), "km.png");
    let g = gbsg2();
    ok(&[
        "plot", "km", &g, "--time", "time", "--event", "cens", "--width", "480", "--height", "400",
        "--dpi", "192", "-o", &out,
    ]);
    let bytes = std::fs::read(&out).unwrap();
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    let be = |i: usize| u32::from_be_bytes(bytes[i..i + 4].try_into().unwrap());
    assert_eq!((be(16), be(20)), (960, 800));
}

#[test]
fn km_options_where_event_scale_and_no_table() {
    let d = tmp();
    let out = p(d.path(), "km.svg");
    let g = gbsg2();
    ok(&[
        "plot",
        "km",
        &g,
        "--time",
        "time",
        "--event",
        "cens",
        "--by",
        "tgrade",
        "--where",
        "age >= 50",
        "--fun",
        "event",
        "--no-risk-table",
        "--no-pvalue",
        "--xmax",
        "1825",
        "--title",
        "Grade",
        "--palette",
        "#000000,#0072B2,#D55E00",
        "-o",
        &out,
        "-q",
    ]);
    let svg = std::fs::read_to_string(&out).unwrap();
    assert!(svg.contains("Cumulative event probability"));
    assert!(!svg.contains("risk-n") && !svg.contains("Log-rank"));
    assert!(svg.contains("stroke=\"#D55E00\""));
    assert!(svg.contains(">Grade</text>"));
}

#[test]
fn overlay_csv_is_drawn_per_group() {
    let d = tmp();
    let csv = d.path().join("published.csv");
    std::fs::write(
        &csv,
        "time,survival,group\n0,1,no\n500,0.8,no\n1000,0.65,no\n0,1,yes\n800,0.8,yes\n",
    )
    .unwrap();
    let out = p(d.path(), "km.svg");
    let g = gbsg2();
    let csv_s = csv.display().to_string();
    ok(&[
        "plot",
        "km",
        &g,
        "--time",
        "time",
        "--event",
        "cens",
        "--by",
        "horTh",
        "--overlay",
        &csv_s,
        "-o",
        &out,
        "-q",
    ]);
    let svg = std::fs::read_to_string(&out).unwrap();
    assert_eq!(svg.matches("class=\"km-overlay\"").count(), 2);
    assert!(svg.contains("Published (digitised)"));

    std::fs::write(&csv, "time,survival,group\n0,1,maybe\n").unwrap();
    bad(
        &[
            "plot",
            "km",
            &g,
            "--time",
            "time",
            "--event",
            "cens",
            "--by",
            "horTh",
            "--overlay",
            &csv_s,
            "-o",
            &out,
        ],
        "overlay group \"maybe\" is not one of the plotted groups",
    );
    std::fs::write(&csv, "time,survival\n0,1\n").unwrap();
    bad(
        &[
            "plot",
            "km",
            &g,
            "--time",
            "time",
            "--event",
            "cens",
            "--by",
            "horTh",
            "--overlay",
            &csv_s,
            "-o",
            &out,
        ],
        "no \"group\" column",
    );
    // Without --by a two-column overlay belongs to the single curve.
    ok(&[
        "plot",
        "km",
        &g,
        "--time",
        "time",
        "--event",
        "cens",
        "--overlay",
        &csv_s,
        "-o",
        &out,
        "-q",
    ]);
}

#[test]
fn km_bad_input() {
    let d = tmp();
    let g = gbsg2();
    let out = p(d.path(), "km.eps");
    bad(
        &[
            "plot", "km", &g, "--time", "time", "--event", "cens", "-o", &out,
        ],
        "use a .svg, .png or .pdf file name",
    );
    assert!(!d.path().join("km.eps").exists());
    let out = p(d.path(), "km.svg");
    bad(
        &[
            "plot", "km", &g, "--time", "time", "--event", "cens", "--xmax", "3", "-o", &out,
        ],
        "--xmax 3 is below the first event/censoring time 8",
    );
    bad(
        &[
            "plot", "km", &g, "--time", "time", "--event", "cens", "--breaks", "0", "-o", &out,
        ],
        "--breaks 0 must be a positive time step",
    );
    bad(
        &[
            "plot",
            "km",
            &g,
            "--time",
            "time",
            "--event",
            "cens",
            "--palette",
            "red",
            "-o",
            &out,
        ],
        "--palette \"red\" is not a colour",
    );
    bad(
        &[
            "plot", "km", &g, "--time", "nope", "--event", "cens", "-o", &out,
        ],
        "nope",
    );
    bad(
        &[
            "plot",
            "km",
            &g,
            "--time",
            "time",
            "--event",
            "cens",
            "--dpi",
            "5",
            "-o",
            &p(d.path(), "x.png"),
        ],
        "--dpi 5 is outside",
    );
    assert!(!d.path().join("km.svg").exists());
}

const COX_JSON: &str = r#"{
  "analysis": "cox",
  "conf_level": 0.95,
  "terms": [
    {"term": "horThyes", "coef": -0.3456, "exp_coef": 0.7078, "lower": 0.5566, "upper": 0.9000, "p_value": 0.00477},
    {"term": "pnodes", "coef": 0.0529, "exp_coef": 1.0543, "lower": 1.0396, "upper": 1.0693, "p_value": 3.3e-14},
    {"term": "age", "coef": -0.0026, "exp_coef": 0.9974, "lower": 0.9871, "upper": 1.0078, "p_value": null}
  ]
}"#;

#[test]
fn forest_from_cox_json() {
    let d = tmp();
    let json = d.path().join("cox.json");
    std::fs::write(&json, COX_JSON).unwrap();
    let js = json.display().to_string();
    let out = p(d.path(), "forest.svg");
    ok(&[
        "plot",
        "forest",
        &js,
        "-o",
        &out,
        "--title",
        "Cox model",
        "--label-header",
        "Term",
        "-q",
    ]);
    let svg = std::fs::read_to_string(&out).unwrap();
    for text in [
        "HR (95% CI)",
        "0.71 (0.56–0.90)",
        "0.0048",
        "&lt;0.0001",
        ">Term<",
        ">Cox model<",
    ] {
        assert!(svg.contains(text), "missing {text}");
    }
    assert_eq!(svg.matches("class=\"forest-row\"").count(), 3);
    ok(&[
        "plot",
        "forest",
        &js,
        "-o",
        &p(d.path(), "forest.png"),
        "--xlim",
        "0.5,2",
        "-q",
    ]);
}

#[test]
fn forest_bad_input() {
    let d = tmp();
    let json = d.path().join("cox.json");
    let js = json.display().to_string();
    let out = p(d.path(), "forest.svg");
    std::fs::write(&json, "{not json").unwrap();
    bad(&["plot", "forest", &js, "-o", &out], "is not valid JSON");
    std::fs::write(&json, r#"{"coefficients": []}"#).unwrap();
    bad(&["plot", "forest", &js, "-o", &out], "no \"terms\" array");
    std::fs::write(
        &json,
        r#"{"terms": [{"term": "x", "exp_coef": "big", "lower": 1, "upper": 2}]}"#,
    )
    .unwrap();
    bad(
        &["plot", "forest", &js, "-o", &out],
        "term \"x\": \"exp_coef\" is \"big\", not a number",
    );
    std::fs::write(
        &json,
        r#"{"terms": [{"term": "x", "exp_coef": 3, "lower": 1, "upper": 2}]}"#,
    )
    .unwrap();
    bad(
        &["plot", "forest", &js, "-o", &out],
        "does not contain the estimate",
    );
    std::fs::write(&json, COX_JSON).unwrap();
    bad(
        &["plot", "forest", &js, "-o", &out, "--xlim", "2,1"],
        "--xlim (2, 1) must satisfy",
    );
    bad(
        &["plot", "forest", &js, "-o", &out, "--xlim", "2"],
        "--xlim needs two numbers",
    );
    bad(
        &["plot", "forest", &p(d.path(), "missing.json"), "-o", &out],
        "cannot read",
    );
    assert!(!d.path().join("forest.svg").exists());
}

#[test]
fn forest_marks_terms_without_an_estimate_and_draws_the_chosen_ones() {
    let d = tmp();
    let json = d.path().join("cox.json");
    let js = json.display().to_string();
    // A collinear term (all null) and an infinite coefficient (upper null), as the cox JSON writes them.
    std::fs::write(
        &json,
        r#"{"terms": [
            {"term": "age", "exp_coef": 0.97, "lower": 0.95, "upper": 0.99, "p_value": 0.02},
            {"term": "grade=2", "exp_coef": 4.2e7, "lower": 0.0, "upper": null, "p_value": 0.99},
            {"term": "age2", "exp_coef": null, "lower": null, "upper": null, "p_value": null}
        ]}"#,
    )
    .unwrap();
    let out = p(d.path(), "forest.svg");
    let o = sigsurv(&["plot", "forest", &js, "-o", &out]);
    assert!(o.status.success(), "{}", stderr(&o));
    let svg = std::fs::read_to_string(&out).unwrap();
    assert_eq!(svg.matches("data-note=\"not estimable\"").count(), 2);
    // --terms picks and orders rows; an unknown one lists those there are.
    let o = sigsurv(&["plot", "forest", &js, "--terms", "grade=2,age", "-o", &out]);
    assert!(o.status.success(), "{}", stderr(&o));
    let svg = std::fs::read_to_string(&out).unwrap();
    let first = svg.find(">grade=2<").unwrap();
    assert!(first < svg.find(">age<").unwrap());
    assert!(!svg.contains(">age2<"));
    let o = sigsurv(&["plot", "forest", &js, "--terms", "sex", "-o", &out]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("--terms sex: no such row (the rows are: age, grade=2, age2)"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn forest_reads_a_single_cohort_summary() {
    let d = tmp();
    let dir = d.path().join("results");
    let o = sigsurv(&[
        "analyze",
        "--clinical",
        &fixture("gse1992/clinical.csv"),
        "--expression",
        &fixture("gse1992/expression.csv"),
        "--samples-in-rows",
        "--set",
        "IL1",
        "--time",
        "rfs_months",
        "--event",
        "rfs_event",
        "--covariates",
        "age + factor(grade)",
        "--out",
        dir.to_str().unwrap(),
        "-q",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = p(d.path(), "f.svg");
    let o = sigsurv(&[
        "plot",
        "forest",
        dir.join("summary.json").to_str().unwrap(),
        "-o",
        &out,
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let svg = std::fs::read_to_string(&out).unwrap();
    assert!(
        svg.contains("Score model: score (per SD)") && svg.contains("Groups model: group=high")
    );
    // In GSE1992 no grade-1 patient relapses: the grade terms have infinite coefficients.
    assert_eq!(svg.matches("data-note=\"not estimable\"").count(), 4);
    let ticks = svg.matches("class=\"forest-tick\"").count();
    assert!((2..=8).contains(&ticks), "a readable axis: {ticks} ticks");
    // The analysis's own forest plot is the same figure.
    assert_eq!(
        std::fs::read_to_string(dir.join("forest.svg"))
            .unwrap()
            .matches("data-note=\"not estimable\"")
            .count(),
        4
    );
}

#[test]
fn pdf_figures_are_vector_with_the_font_embedded_at_journal_sizes() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("km.pdf");
    let o = sigsurv(&[
        "plot",
        "km",
        &fixture("GBSG2/GBSG2.csv"),
        "--time",
        "time",
        "--event",
        "cens",
        "--by",
        "horTh",
        "--size",
        "single",
        "--font-size",
        "7pt",
        "--labels",
        "No hormone therapy,Hormone therapy",
        "--legend-title",
        "Treatment",
        "-o",
        pdf.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    let text = String::from_utf8_lossy(&bytes);
    // The font program is in the file (a subset of DejaVu Sans), and the page is 85 mm wide (240.9 pt).
    assert!(text.contains("/FontFile2"), "no embedded font");
    assert!(text.contains("DejaVuSans"));
    assert!(text.contains("/MediaBox [0 0 240.9"), "page size");
    // Where poppler is installed, the text is there as text.
    if let Ok(out) = std::process::Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
    {
        let words = String::from_utf8_lossy(&out.stdout);
        for w in [
            "Treatment",
            "No hormone therapy (n=440)",
            "Number at risk",
            "Log-rank p = 0.0034",
        ] {
            assert!(words.contains(w), "{w} not in the PDF text: {words}");
        }
    }
    // The same labels in an SVG; a wrong number of labels and a bad length are errors.
    let svg = dir.path().join("km.svg");
    let o = sigsurv(&[
        "plot",
        "km",
        &fixture("GBSG2/GBSG2.csv"),
        "--time",
        "time",
        "--event",
        "cens",
        "--by",
        "horTh",
        "--width",
        "180mm",
        "--labels",
        "only one",
        "-o",
        svg.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("--labels gives 1 names for 2 groups (no, yes)"),
        "{}",
        stderr(&o)
    );
    let o = sigsurv(&[
        "plot",
        "km",
        &fixture("GBSG2/GBSG2.csv"),
        "--time",
        "time",
        "--event",
        "cens",
        "--width",
        "wide",
        "-o",
        svg.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("not a positive length"),
        "{}",
        stderr(&o)
    );
    let o = sigsurv(&[
        "plot",
        "km",
        &fixture("GBSG2/GBSG2.csv"),
        "--time",
        "time",
        "--event",
        "cens",
        "--width",
        "3.3in",
        "--height",
        "60mm",
        "-o",
        svg.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let s = std::fs::read_to_string(&svg).unwrap();
    assert!(s.contains("width=\"316.8\""), "{}", &s[..200]);
}
