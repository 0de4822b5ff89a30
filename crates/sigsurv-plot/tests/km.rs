//! Kaplan-Meier figures on the GBSG2 fixture: the SVG parses, the rendered PNG shows each group's colour
//! where (t, S) maps, the risk table equals `n_risk_at`, a byte-exact snapshot, and every bad input.
//!
//! Update the snapshot after an intended change with
//! `UPDATE_SNAPSHOTS=1 cargo test -p sigsurv-plot --test km`, then review the diff of
//! `tests/snapshots/km_gbsg2.svg`. Set `SIGSURV_PLOT_OUT=<dir>` to also write the figures as PNG there.

use resvg::usvg;
use sigsurv_core::km::{kaplan_meier_by, KmCurve, KmOptions};
use sigsurv_core::logrank::{survdiff, LogRankOptions};
use sigsurv_plot::*;
use std::path::{Path, PathBuf};
#[path = "support/svg_elements.rs"]
mod svg_elements;
use svg_elements::{attr, elements};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// GBSG2's time, cens and horTh columns (horTh "no" = 0, "yes" = 1).
fn gbsg2() -> (Vec<f64>, Vec<bool>, Vec<u32>) {
    let text = std::fs::read_to_string(root().join("fixtures/GBSG2/GBSG2.csv")).unwrap();
    let mut lines = text.lines();
    let header: Vec<String> = lines
        .next()
        .unwrap()
        .split(',')
        .map(|h| h.trim_matches('"').to_string())
        .collect();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (it, ie, ig) = (col("time"), col("cens"), col("horTh"));
    let (mut time, mut event, mut group) = (Vec::new(), Vec::new(), Vec::new());
    for line in lines.filter(|l| !l.is_empty()) {
        let f: Vec<&str> = line.split(',').map(|v| v.trim_matches('"')).collect();
        time.push(f[it].parse::<f64>().unwrap());
        event.push(f[ie] == "1");
        group.push(match f[ig] {
            "no" => 0,
            "yes" => 1,
            other => panic!("horTh {other}"),
        });
    }
    (time, event, group)
}

fn groups() -> Vec<PlotGroup> {
    let (t, e, g) = gbsg2();
    let curves = kaplan_meier_by(&t, &e, &g, 2, &KmOptions::default()).unwrap();
    ["no", "yes"]
        .into_iter()
        .zip(curves)
        .map(|(name, curve)| PlotGroup {
            name: name.to_string(),
            curve,
        })
        .collect()
}

fn logrank_p() -> f64 {
    let (t, e, g) = gbsg2();
    survdiff(&t, &e, &g, 2, None, &LogRankOptions::default())
        .unwrap()
        .p_value
}

/// The shipped example: CI bands, risk table every 500 days, median lines, the log-rank p.
fn example_options() -> KmPlotOptions {
    KmPlotOptions {
        ci: true,
        median_lines: true,
        breaks: Some(500.0),
        time_unit: Some("days".into()),
        legend_title: Some("horTh".into()),
        title: Some("GBSG2: recurrence-free survival by hormonal therapy".into()),
        annotations: vec![format!("Log-rank {}", p_label(logrank_p()))],
        ..KmPlotOptions::default()
    }
}

fn write_png_if_asked(name: &str, svg: &str) {
    if let Ok(dir) = std::env::var("SIGSURV_PLOT_OUT") {
        save(svg, &Path::new(&dir).join(name), 150.0).unwrap();
    }
}

fn parse(svg: &str) -> usvg::Tree {
    usvg::Tree::from_str(svg, &svg_options()).expect("the SVG parses")
}

#[test]
fn snapshot_of_the_gbsg2_example() {
    let svg = km_svg(&groups(), &example_options()).unwrap();
    write_png_if_asked("km_gbsg2.png", &svg);
    let path = root().join("crates/sigsurv-plot/tests/snapshots/km_gbsg2.svg");
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, &svg).unwrap();
    }
    let expected = std::fs::read_to_string(&path)
        .expect("snapshot missing: run with UPDATE_SNAPSHOTS=1 and review it");
    assert!(
        svg == expected,
        "the SVG differs from {}; if the change is intended, rerun with UPDATE_SNAPSHOTS=1 and review the diff",
        path.display()
    );
}

#[test]
fn svg_parses_and_has_the_figure_size() {
    let o = example_options();
    let svg = km_svg(&groups(), &o).unwrap();
    let tree = parse(&svg);
    assert_eq!(f64::from(tree.size().width()), o.width);
    assert_eq!(f64::from(tree.size().height()), o.height);
    assert_eq!(elements(&svg, "km-curve").len(), 2);
    assert_eq!(elements(&svg, "km-ci").len(), 2);
    assert_eq!(elements(&svg, "km-censor").len(), 2);
    assert_eq!(elements(&svg, "km-median").len(), 1);
    assert!(svg.contains("Time (days)"));
    assert!(svg.contains("no (n=440)") && svg.contains("yes (n=246)"));
    assert!(
        svg.contains("Log-rank p = 0.0034"),
        "R: survdiff p = 0.003427"
    );
}

#[test]
fn risk_table_equals_n_risk_at_every_break() {
    let gs = groups();
    let plot = km_plot(&gs, &example_options()).unwrap();
    assert_eq!(
        plot.breaks,
        vec![0.0, 500.0, 1000.0, 1500.0, 2000.0, 2500.0]
    );
    let cells = elements(&plot.svg, "risk-n");
    assert_eq!(cells.len(), gs.len() * plot.breaks.len());
    for (a, text) in &cells {
        let g: usize = attr(a, "data-group").parse().unwrap();
        let t: f64 = attr(a, "data-time").parse().unwrap();
        assert_eq!(
            text,
            &gs[g].curve.n_risk_at(t).to_string(),
            "group {g} at {t}"
        );
        // Centred under the break's tick.
        let x: f64 = attr(a, "x").parse().unwrap();
        assert!(
            (x - plot.panel.x(t)).abs() < 0.006,
            "x {x} vs {}",
            plot.panel.x(t)
        );
    }
    // R 4.2.2, survival 3.5-3, on fixtures/GBSG2/GBSG2.csv:
    // summary(survfit(Surv(time, cens) ~ horTh, d), times = seq(0, 2500, 500), extend = TRUE)$n.risk
    let no: Vec<usize> = plot
        .breaks
        .iter()
        .map(|&b| gs[0].curve.n_risk_at(b))
        .collect();
    let yes: Vec<usize> = plot
        .breaks
        .iter()
        .map(|&b| gs[1].curve.n_risk_at(b))
        .collect();
    assert_eq!(no, vec![440, 345, 210, 118, 38, 1]);
    assert_eq!(yes, vec![246, 208, 142, 96, 37, 5]);
}

/// Mean RGB of the 3×3 pixels around (x, y) in SVG px, in a PNG rendered at `scale`.
fn rgb_at(img: &[u8], width: usize, scale: f64, x: f64, y: f64) -> [u8; 3] {
    let (cx, cy) = ((x * scale) as usize, (y * scale) as usize);
    let mut sum = [0u32; 3];
    for dy in 0..3 {
        for dx in 0..3 {
            let i = ((cy + dy - 1) * width + cx + dx - 1) * 3;
            for k in 0..3 {
                sum[k] += u32::from(img[i + k]);
            }
        }
    }
    sum.map(|s| (s / 9) as u8)
}

fn decode(png_bytes: &[u8]) -> (Vec<u8>, usize, usize) {
    let decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!(info.color_type, png::ColorType::Rgb);
    buf.truncate(info.buffer_size());
    (buf, info.width as usize, info.height as usize)
}

fn close(a: [u8; 3], b: [u8; 3], tol: i32) -> bool {
    a.iter()
        .zip(b)
        .all(|(&x, y)| (i32::from(x) - i32::from(y)).abs() <= tol)
}

#[test]
fn rendered_curves_have_their_colours_where_s_maps() {
    let gs = groups();
    let opts = KmPlotOptions {
        ci: false,
        censor_marks: false,
        breaks: Some(500.0),
        ..KmPlotOptions::default()
    };
    let plot = km_plot(&gs, &opts).unwrap();
    let dpi = 384.0; // 4 px per SVG px: the 1.8 px line is 7 px thick.
    let scale = dpi / 96.0;
    let (img, width, height) = decode(&render_png(&plot.svg, dpi).unwrap());
    assert_eq!((width, height), (2880, 2400));
    let p = plot.panel;
    let mut checked = [0usize; 2];
    for (gi, g) in gs.iter().enumerate() {
        let colour = parse_hex(DEFAULT_PALETTE[gi]).unwrap();
        let other = &gs[1 - gi].curve;
        let c = &g.curve;
        // Midpoints of horizontal stretches at least 6 px long, away from the other curve.
        for j in 0..c.time.len() - 1 {
            let (a, b) = (c.time[j], c.time[j + 1]);
            if p.x(b) - p.x(a) < 6.0 {
                continue;
            }
            let t = (a + b) / 2.0;
            let (x, y) = (p.x(t), p.y(c.surv_at(t)));
            // Too close to the other curve to tell the colours apart.
            if (p.y(other.surv_at(t)) - y).abs() < 4.0 {
                continue;
            }
            let got = rgb_at(&img, width, scale, x, y);
            assert!(
                close(got, colour, 40),
                "group {gi} at t = {t}, S = {}: pixel {got:?}, expected {colour:?}",
                c.surv_at(t)
            );
            // And 6 px above the line: background white (the curve is not drawn elsewhere).
            let above = rgb_at(&img, width, scale, x, y - 6.0);
            if (p.y(other.surv_at(t)) - (y - 6.0)).abs() > 4.0 {
                assert!(
                    close(above, [255, 255, 255], 10),
                    "{above:?} above group {gi} at {t}"
                );
            }
            checked[gi] += 1;
        }
    }
    assert!(checked.iter().all(|&k| k >= 5), "{checked:?}");
    // The start (0, 1) of both curves: a coloured pixel on the y = 1 line just right of t = 0.
    let got = rgb_at(&img, width, scale, p.x(0.0) + 3.0, p.y(1.0));
    assert!(got != [255, 255, 255], "{got:?}");
}

#[test]
fn event_scale_flips_curve_and_band() {
    let gs = groups();
    let surv = km_plot(
        &gs,
        &KmPlotOptions {
            ci: true,
            ..KmPlotOptions::default()
        },
    )
    .unwrap();
    let event = km_plot(
        &gs,
        &KmPlotOptions {
            ci: true,
            fun: Fun::Event,
            ..KmPlotOptions::default()
        },
    )
    .unwrap();
    assert_eq!(event.panel.value(0.8), 1.0 - 0.8);
    assert!(event.svg.contains("Cumulative event probability"));
    // The curve starts at the bottom (0) instead of the top (1).
    let first = |svg: &str| {
        let (a, _) = &elements(svg, "km-curve")[0];
        attr(a, "d").to_string()
    };
    let start_y = |d: &str| -> f64 {
        d[1..]
            .split(['H', 'V'])
            .next()
            .unwrap()
            .split(' ')
            .nth(1)
            .unwrap()
            .parse()
            .unwrap()
    };
    assert!((start_y(&first(&surv.svg)) - surv.panel.y(1.0)).abs() < 0.006);
    assert!((start_y(&first(&event.svg)) - event.panel.y(0.0)).abs() < 0.006);
    parse(&event.svg);
    write_png_if_asked("km_event.png", &event.svg);
}

#[test]
fn xmax_cuts_curves_and_breaks() {
    let gs = groups();
    let plot = km_plot(
        &gs,
        &KmPlotOptions {
            xmax: Some(1200.0),
            breaks: Some(365.25),
            ..KmPlotOptions::default()
        },
    )
    .unwrap();
    assert_eq!(plot.breaks.len(), 4);
    assert_eq!(plot.breaks[3], 3.0 * 365.25);
    for (a, _) in elements(&plot.svg, "km-curve") {
        let d = attr(&a, "d");
        let last_h: f64 = d.rsplit('H').next().unwrap().parse().unwrap();
        assert!((last_h - plot.panel.x(1200.0)).abs() < 0.006);
    }
    let cells = elements(&plot.svg, "risk-n");
    assert_eq!(cells[3].1, gs[0].curve.n_risk_at(3.0 * 365.25).to_string());
}

#[test]
fn overlay_draws_dashed_in_the_group_colour() {
    let gs = groups();
    let opts = KmPlotOptions {
        overlay: vec![OverlayCurve {
            group: "yes".into(),
            time: vec![0.0, 500.0, 1000.0, 1500.0, 2000.0],
            surv: vec![1.0, 0.9, 0.8, 0.7, 0.6],
        }],
        ..KmPlotOptions::default()
    };
    let svg = km_svg(&gs, &opts).unwrap();
    let o = elements(&svg, "km-overlay");
    assert_eq!(o.len(), 1);
    assert_eq!(attr(&o[0].0, "stroke"), DEFAULT_PALETTE[1]);
    assert_eq!(attr(&o[0].0, "stroke-dasharray"), "6 4");
    assert!(svg.contains("Published (digitised)"));
    parse(&svg);
    write_png_if_asked("km_overlay.png", &svg);

    let mut bad = opts.clone();
    bad.overlay[0].group = "maybe".into();
    let e = km_svg(&gs, &bad).unwrap_err();
    assert!(matches!(e, PlotError::UnknownOverlayGroup { .. }), "{e}");
    assert!(e.to_string().contains("\"no\", \"yes\""), "{e}");
    let mut pct = opts.clone();
    pct.overlay[0].surv[1] = 90.0;
    let e = km_svg(&gs, &pct).unwrap_err();
    assert!(e.to_string().contains("percentages"), "{e}");
    let mut short = opts;
    short.overlay[0].surv.pop();
    assert!(matches!(
        km_svg(&gs, &short),
        Err(PlotError::InvalidOverlay { .. })
    ));
}

#[test]
fn many_groups_wrap_the_legend_and_fit() {
    // Eight groups from tgrade-like splits: reuse the two curves with long names.
    let gs = groups();
    let many: Vec<PlotGroup> = (0..8)
        .map(|i| PlotGroup {
            name: format!("a rather long group name {i}"),
            curve: gs[i % 2].curve.clone(),
        })
        .collect();
    let svg = km_svg(
        &many,
        &KmPlotOptions {
            height: 800.0,
            ..KmPlotOptions::default()
        },
    )
    .unwrap();
    parse(&svg);
    assert_eq!(elements(&svg, "km-curve").len(), 8);
    write_png_if_asked("km_many.png", &svg);
}

fn curve_of(time: &[f64], event: &[bool]) -> KmCurve {
    sigsurv_core::km::kaplan_meier(time, event, &KmOptions::default()).unwrap()
}

#[test]
fn bad_input_gives_clear_errors() {
    let gs = groups();
    let o = KmPlotOptions::default();
    assert!(matches!(km_svg(&[], &o), Err(PlotError::Nothing(_))));

    let empty = sigsurv_core::km::kaplan_meier_by(&[1.0], &[true], &[0], 2, &KmOptions::default())
        .unwrap()
        .remove(1);
    let with_empty = vec![
        gs[0].clone(),
        PlotGroup {
            name: "ghost".into(),
            curve: empty,
        },
    ];
    let e = km_svg(&with_empty, &o).unwrap_err();
    assert!(
        matches!(&e, PlotError::EmptyGroup { group } if group == "ghost"),
        "{e}"
    );

    // xmax below the first time of every curve (GBSG2 starts at 8 days).
    let e = km_svg(
        &gs,
        &KmPlotOptions {
            xmax: Some(5.0),
            ..o.clone()
        },
    )
    .unwrap_err();
    assert!(
        matches!(e, PlotError::XmaxBeforeFirstTime { first, .. } if first == 8.0),
        "{e}"
    );
    assert!(e.to_string().contains("below the first"));

    for b in [0.0, -1.0, f64::NAN] {
        let e = km_svg(
            &gs,
            &KmPlotOptions {
                breaks: Some(b),
                ..o.clone()
            },
        )
        .unwrap_err();
        assert!(
            matches!(
                e,
                PlotError::InvalidOption {
                    option: "breaks",
                    ..
                }
            ),
            "{e}"
        );
    }
    let e = km_svg(
        &gs,
        &KmPlotOptions {
            breaks: Some(1.0),
            ..o.clone()
        },
    )
    .unwrap_err();
    assert!(e.to_string().contains("at most 60"), "{e}");
    assert!(km_svg(
        &gs,
        &KmPlotOptions {
            xmax: Some(-3.0),
            ..o.clone()
        }
    )
    .is_err());
    assert!(km_svg(
        &gs,
        &KmPlotOptions {
            width: 50.0,
            ..o.clone()
        }
    )
    .is_err());
    assert!(matches!(
        km_svg(
            &gs,
            &KmPlotOptions {
                width: 150.0,
                ..o.clone()
            }
        ),
        Err(PlotError::TooSmall(_))
    ));
    assert!(km_svg(
        &gs,
        &KmPlotOptions {
            palette: vec!["blue".into()],
            ..o.clone()
        }
    )
    .is_err());

    let mut broken = gs[0].clone();
    broken.curve.surv.pop();
    assert!(matches!(
        km_svg(&[broken], &o),
        Err(PlotError::InvalidCurve { .. })
    ));
    let mut unsorted = gs[0].clone();
    unsorted.curve.time.swap(0, 1);
    assert!(matches!(
        km_svg(&[unsorted], &o),
        Err(PlotError::InvalidCurve { .. })
    ));
}

#[test]
fn edge_curves_draw() {
    // Everyone dies at once; an event at time 0; a single censored subject; NA limits at S = 0.
    let cases: Vec<KmCurve> = vec![
        curve_of(&[5.0, 5.0, 5.0], &[true, true, true]),
        curve_of(&[0.0, 3.0], &[true, false]),
        curve_of(&[2.0], &[false]),
        curve_of(&[0.0, 0.0], &[false, false]),
    ];
    for (i, c) in cases.into_iter().enumerate() {
        let svg = km_svg(
            &[PlotGroup {
                name: format!("case {i}"),
                curve: c,
            }],
            &KmPlotOptions {
                ci: true,
                median_lines: true,
                ..KmPlotOptions::default()
            },
        )
        .unwrap();
        parse(&svg);
    }
}

#[test]
fn save_writes_svg_and_png_and_rejects_other_extensions() {
    let dir = std::env::temp_dir().join(format!("sigsurv-plot-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let svg = km_svg(&groups(), &KmPlotOptions::default()).unwrap();
    save(&svg, &dir.join("a.svg"), 300.0).unwrap();
    assert_eq!(std::fs::read_to_string(dir.join("a.svg")).unwrap(), svg);
    save(&svg, &dir.join("a.PNG"), 192.0).unwrap();
    let bytes = std::fs::read(dir.join("a.PNG")).unwrap();
    let decoder = png::Decoder::new(std::io::Cursor::new(&bytes));
    let reader = decoder.read_info().unwrap();
    let info = reader.info();
    assert_eq!((info.width, info.height), (1440, 1200));
    let dims = info.pixel_dims.unwrap();
    assert_eq!(dims.xppu, (192.0f64 / 0.0254).round() as u32);
    save(&svg, &dir.join("a.pdf"), 300.0).unwrap();
    assert!(std::fs::read(dir.join("a.pdf"))
        .unwrap()
        .starts_with(b"%PDF-"));
    let e = save(&svg, &dir.join("a.eps"), 300.0).unwrap_err();
    assert!(matches!(e, PlotError::UnknownExtension { .. }));
    assert!(e.to_string().contains(".svg, .png or .pdf"));
    assert!(save(&svg, &dir.join("noext"), 300.0).is_err());
    assert!(matches!(
        save(&svg, &dir.join("b.png"), 5.0),
        Err(PlotError::InvalidOption { option: "dpi", .. })
    ));
    assert!(matches!(
        save(&svg, &dir.join("missing-dir/c.svg"), 300.0),
        Err(PlotError::Io { .. })
    ));
    // No temporary files left behind.
    let names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}
