//! Forest plots: the SVG parses, shows the numbers, puts each square at log(HR) on the axis, and rejects bad
//! rows. Set `SIGSURV_PLOT_OUT=<dir>` to also write the figure as PNG there.

use resvg::usvg;
use sigsurv_plot::*;
use std::path::Path;

/// GBSG2 Cox model `coxph(Surv(time, cens) ~ horTh + age + tsize + pnodes, GBSG2)` (R 4.2.2, survival
/// 3.5-3), rounded: exp(coef), lower .95, upper .95, Pr(>|z|).
fn rows() -> Vec<ForestRow> {
    let r = |label: &str, estimate, lower, upper, p| ForestRow {
        label: label.to_string(),
        estimate,
        lower,
        upper,
        p_value: Some(p),
        ..ForestRow::default()
    };
    vec![
        r("horThyes", 0.708, 0.557, 0.900, 0.0048),
        r("age", 0.997, 0.987, 1.008, 0.62),
        r("tsize", 1.008, 1.001, 1.016, 0.032),
        r("pnodes", 1.054, 1.040, 1.069, 3.3e-14),
    ]
}

#[test]
fn forest_svg_parses_and_shows_the_numbers() {
    let opts = ForestOptions {
        title: Some("GBSG2 Cox model".into()),
        label_header: "Term".into(),
        ..ForestOptions::default()
    };
    let svg = forest_svg(&rows(), &opts).unwrap();
    let tree = usvg::Tree::from_str(&svg, &svg_options()).unwrap();
    assert_eq!(f64::from(tree.size().width()), 720.0);
    for text in [
        "HR (95% CI)",
        "0.71 (0.56–0.90)",
        "1.05 (1.04–1.07)",
        "0.0048",
        "&lt;0.0001",
        "Hazard ratio",
        "Term",
    ] {
        assert!(svg.contains(text), "missing {text}");
    }
    assert_eq!(svg.matches("class=\"forest-row\"").count(), 4);
    assert_eq!(svg.matches("class=\"forest-ref\"").count(), 1);
    if let Ok(dir) = std::env::var("SIGSURV_PLOT_OUT") {
        save(&svg, &Path::new(&dir).join("forest.png"), 150.0).unwrap();
    }
}

#[test]
fn squares_sit_on_a_log_axis() {
    // HR 0.5 and 2 must sit symmetric about the reference line at 1.
    let r = |label: &str, e: f64| ForestRow {
        label: label.into(),
        estimate: e,
        lower: e / 1.5,
        upper: e * 1.5,
        p_value: None,
        ..ForestRow::default()
    };
    let svg = forest_svg(&[r("a", 0.5), r("b", 2.0)], &ForestOptions::default()).unwrap();
    let doc = usvg::roxmltree::Document::parse(&svg).unwrap();
    let centre = |n: usvg::roxmltree::Node| {
        let x: f64 = n.attribute("x").unwrap().parse().unwrap();
        let w: f64 = n.attribute("width").unwrap().parse().unwrap();
        x + w / 2.0
    };
    let squares: Vec<f64> = doc
        .descendants()
        .filter(|n| {
            n.has_tag_name("rect")
                && n.parent().and_then(|p| p.attribute("class")) == Some("forest-row")
        })
        .map(centre)
        .collect();
    let reference: f64 = doc
        .descendants()
        .find(|n| n.attribute("class") == Some("forest-ref"))
        .unwrap()
        .attribute("x1")
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(squares.len(), 2);
    assert!(((reference - squares[0]) - (squares[1] - reference)).abs() < 0.02);
    // No p column without p-values.
    assert!(!svg.contains(">p</text>"));
}

#[test]
fn open_intervals_end_in_arrows() {
    let rows = vec![
        ForestRow {
            label: "separated".into(),
            estimate: 3.0,
            lower: 0.0,
            upper: f64::INFINITY,
            p_value: Some(0.99),
            ..ForestRow::default()
        },
        ForestRow {
            label: "clipped by xlim".into(),
            estimate: 1.2,
            lower: 0.9,
            upper: 1.6,
            p_value: None,
            ..ForestRow::default()
        },
    ];
    let svg = forest_svg(&rows, &ForestOptions::default()).unwrap();
    assert!(svg.contains("3.00 (0.00–Inf)"));
    usvg::Tree::from_str(&svg, &svg_options()).unwrap();
    let narrow = ForestOptions {
        xlim: Some((1.0, 1.5)),
        ..ForestOptions::default()
    };
    let svg = forest_svg(&rows, &narrow).unwrap();
    usvg::Tree::from_str(&svg, &svg_options()).unwrap();
}

#[test]
fn bad_rows_are_named() {
    let o = ForestOptions::default();
    assert!(matches!(forest_svg(&[], &o), Err(PlotError::Nothing(_))));
    let mut rs = rows();
    rs[2].estimate = -0.3;
    let e = forest_svg(&rs, &o).unwrap_err();
    assert!(
        matches!(&e, PlotError::InvalidForestRow { row: 2, label, .. } if label == "tsize"),
        "{e}"
    );
    assert!(e.to_string().contains("exp(coef)"));
    let mut rs = rows();
    rs[0].lower = 0.8;
    assert!(forest_svg(&rs, &o)
        .unwrap_err()
        .to_string()
        .contains("does not contain"));
    let mut rs = rows();
    rs[1].upper = f64::NAN;
    assert!(forest_svg(&rs, &o).is_err());
    let mut rs = rows();
    rs[1].p_value = Some(1.5);
    assert!(forest_svg(&rs, &o).is_err());
    assert!(forest_svg(
        &rows(),
        &ForestOptions {
            xlim: Some((2.0, 1.0)),
            ..o.clone()
        }
    )
    .is_err());
    assert!(matches!(
        forest_svg(
            &rows(),
            &ForestOptions {
                height: Some(120.0),
                ..o.clone()
            }
        ),
        Err(PlotError::TooSmall(_))
    ));
}

#[test]
fn cohorts_with_counts_and_a_pooled_diamond() {
    let rows = vec![
        ForestRow {
            n: Some(99),
            events: Some(40),
            p_value: Some(0.002),
            ..ForestRow::new("syn_a", 1.9, 1.3, 2.8)
        },
        ForestRow {
            n: Some(100),
            events: Some(45),
            p_value: Some(0.03),
            ..ForestRow::new("syn_b", 1.5, 1.04, 2.2)
        },
        ForestRow {
            n: Some(199),
            events: Some(85),
            p_value: Some(1e-5),
            summary: true,
            ..ForestRow::new("Pooled (stratified by cohort)", 1.7, 1.3, 2.2)
        },
    ];
    let opts = ForestOptions {
        label_header: "Cohort".into(),
        ..ForestOptions::default()
    };
    let svg = forest_svg(&rows, &opts).unwrap();
    usvg::Tree::from_str(&svg, &svg_options()).unwrap();
    assert!(svg.contains(">n / events</text>") && svg.contains(">199 / 85</text>"));
    assert_eq!(svg.matches("class=\"forest-row\"").count(), 3);
    assert_eq!(svg.matches("class=\"forest-separator\"").count(), 1);
    let doc = usvg::roxmltree::Document::parse(&svg).unwrap();
    let groups: Vec<_> = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("forest-row"))
        .collect();
    // Squares for the cohorts, one diamond for the pooled row.
    for (g, r) in groups.iter().zip(&rows) {
        let rects = g.children().filter(|c| c.has_tag_name("rect")).count();
        let diamonds = g
            .children()
            .filter(|c| c.attribute("class") == Some("forest-diamond"))
            .count();
        assert_eq!((rects, diamonds), if r.summary { (0, 1) } else { (1, 0) });
        let exact: f64 = g.attribute("data-estimate").unwrap().parse().unwrap();
        assert_eq!(exact, r.estimate);
        assert_eq!(g.attribute("data-summary").is_some(), r.summary);
    }
    // The diamond's tips are at the limits and its top at the estimate, on the axis the ticks define.
    let ticks: Vec<(f64, f64)> = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("forest-tick"))
        .map(|n| {
            (
                n.attribute("data-value").unwrap().parse().unwrap(),
                n.attribute("x1").unwrap().parse().unwrap(),
            )
        })
        .collect();
    let ((v0, x0), (v1, x1)) = (ticks[0], *ticks.last().unwrap());
    let x_of = |v: f64| x0 + (v.ln() - v0.ln()) / (v1.ln() - v0.ln()) * (x1 - x0);
    let d = groups[2]
        .children()
        .find(|c| c.attribute("class") == Some("forest-diamond"))
        .unwrap()
        .attribute("d")
        .unwrap();
    let xs: Vec<f64> = d
        .trim_end_matches('Z')
        .split(['M', 'L'])
        .filter(|p| !p.is_empty())
        .map(|p| p.split(' ').next().unwrap().parse().unwrap())
        .collect();
    for (x, v) in xs.iter().zip([1.3, 1.7, 2.2, 1.7]) {
        assert!((x - x_of(v)).abs() < 0.02, "{x} vs {}", x_of(v));
    }
    if let Ok(dir) = std::env::var("SIGSURV_PLOT_OUT") {
        save(&svg, &Path::new(&dir).join("forest_cohorts.png"), 150.0).unwrap();
    }
}

#[test]
fn rows_without_an_estimate_say_so_and_leave_the_axis_alone() {
    use sigsurv_plot::ForestRow;
    let rows = vec![
        ForestRow::new("age", 0.97, 0.95, 0.99),
        // Monotone likelihood (no grade-1 patient has an event): exp(coef) 4e7, upper limit infinite.
        ForestRow {
            p_value: Some(0.999),
            ..ForestRow::from_estimate("grade=2", Some(4.2e7), Some(0.0), None)
        },
        // A huge but finite interval: a coefficient heading to infinity, also not drawn.
        ForestRow::from_estimate("grade=3", Some(1.1e8), Some(1e-3), Some(1e19)),
        ForestRow::from_estimate("score", Some(1.07), Some(0.8), Some(1.45)),
    ];
    assert!(rows[1].note.is_some() && rows[2].note.is_some() && rows[3].note.is_none());
    let svg = sigsurv_plot::forest_svg(&rows, &sigsurv_plot::ForestOptions::default()).unwrap();
    assert_eq!(svg.matches("data-note=\"not estimable\"").count(), 2);
    assert!(
        !svg.contains("0.999"),
        "no p-value for a row without an estimate"
    );
    let ticks: Vec<f64> = svg
        .split("class=\"forest-tick\" data-value=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap().parse().unwrap())
        .collect();
    assert!(
        ticks.iter().all(|&t| (0.5..=2.0).contains(&t)),
        "axis from the estimable rows only: {ticks:?}"
    );
}

#[test]
fn the_automatic_axis_stops_at_a_thousandfold() {
    use sigsurv_plot::ForestRow;
    let rows = vec![
        ForestRow::new("wide", 50.0, 0.001, 1e6),
        ForestRow::new("age", 0.97, 0.95, 0.99),
    ];
    let svg = sigsurv_plot::forest_svg(&rows, &sigsurv_plot::ForestOptions::default()).unwrap();
    let ticks: Vec<f64> = svg
        .split("class=\"forest-tick\" data-value=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap().parse().unwrap())
        .collect();
    assert!(
        *ticks.last().unwrap() <= 1000.0 && ticks[0] >= 0.001,
        "{ticks:?}"
    );
}
