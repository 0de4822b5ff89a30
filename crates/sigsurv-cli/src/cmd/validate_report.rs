//! The HTML report of `sigsurv validate --report FILE`: one self-contained page with the validation cohort, the
//! concordance, the metrics at each time with the AUC figure, calibration (slope, figure and table), and the
//! Kaplan-Meier curves of the marker's risk groups (the marker split at its median in this cohort) with the
//! log-rank test. The numbers are those of the validate JSON (rounded for reading, exact in `data-value`).

use crate::args::ValidateArgs;
use crate::failure::CliResult;
use crate::input::SurvInput;
use crate::render::text::{pval, sig};
use crate::render::validation_figures::{auc_svg, calibration_svg};
use serde_json::Value;
use sigsurv_core::km::{kaplan_meier_by, KmOptions};
use sigsurv_core::logrank::{survdiff, LogRankOptions};
use sigsurv_core::split::{split_scores, Split};
use sigsurv_plot::{km_svg, p_label, KmPlotOptions, PlotError, PlotGroup, PointsOptions};
use sigsurv_report::{render_html, Block, Cell, Figure, Report, Section, Table};

fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or(f64::NAN)
}

fn cell(v: &Value, digits: usize) -> Cell {
    match v.as_f64() {
        Some(x) => Cell::num(sig(x, digits), x),
        None => Cell::text("NA"),
    }
}

fn figure(svg: String, class: &str, caption: &str) -> Block {
    Block::Figure(Figure {
        svg,
        caption: caption.to_string(),
        class: class.into(),
    })
}

/// Writes the report of the validation `v` of `marker` on `input` to `--report` (atomically).
pub(super) fn write(
    a: &ValidateArgs,
    input: &SurvInput,
    marker: &[f64],
    v: &Value,
) -> CliResult<()> {
    let Some(path) = &a.report else {
        return Ok(());
    };
    let failed = |what: &str, e: PlotError| -> Block {
        a.output.warn(&format!("the {what} was not drawn: {e}"));
        Block::Note(format!("The {what} could not be drawn: {e}"))
    };
    let level = format!("{}%", sig(a.conf_level * 100.0, 4));
    let mut sections = vec![Section {
        id: "cohort".into(),
        heading: "Validation cohort".into(),
        blocks: vec![Block::Facts(vec![
            (
                "Data".into(),
                Cell::text(a.data.source.data.display().to_string()),
            ),
            (
                "Marker".into(),
                Cell::text(v["marker"].as_str().unwrap_or("")),
            ),
            (
                "Direction".into(),
                Cell::text(v["direction"].as_str().unwrap_or("")),
            ),
            ("Patients".into(), cell(&v["n"], 10)),
            ("Events".into(), cell(&v["n_events"], 10)),
            (
                "Dropped for missing values".into(),
                cell(&v["n_dropped"], 10),
            ),
        ])],
    }];

    let c = &v["concordance"];
    let rows = [("Harrell", "harrell"), ("Uno", "uno")]
        .iter()
        .map(|(name, key)| {
            let x = &c[*key];
            vec![
                Cell::text(match x["tau"].as_f64() {
                    Some(tau) if *key == "uno" => format!("{name} (tau = {})", sig(tau, 6)),
                    _ => name.to_string(),
                }),
                cell(&x["c"], 4),
                cell(&x["se"], 3),
                Cell::text(format!(
                    "{} – {}",
                    sig(num(&x["lower"]), 4),
                    sig(num(&x["upper"]), 4)
                )),
            ]
        })
        .collect();
    sections.push(Section {
        id: "concordance".into(),
        heading: "Concordance".into(),
        blocks: vec![Block::Table(Table {
            caption: Some("survival::concordance(..., timewt = \"n\" | \"n/G2\")".into()),
            header: vec!["".into(), "C".into(), "se".into(), format!("{level} CI")],
            rows,
            footnote: Some("Infinitesimal-jackknife standard errors, as R's concordance().".into()),
        })],
    });

    let points = |xlab: &str, ylab: &str| PointsOptions {
        xlab: xlab.into(),
        ylab: ylab.into(),
        ..PointsOptions::default()
    };
    let times: Vec<Value> = v["times"].as_array().cloned().unwrap_or_default();
    if !times.is_empty() {
        let mut blocks = vec![Block::Table(Table {
            caption: Some("riskRegression::Score(..., metrics = c(\"auc\", \"brier\"), cens.model = \"km\")".into()),
            header: ["time", "AUC", "se", "Brier", "se", "null Brier", "IPA", "IBS"]
                .map(String::from)
                .to_vec(),
            rows: times
                .iter()
                .map(|r| {
                    vec![
                        cell(&r["time"], 6),
                        cell(&r["auc"], 4),
                        cell(&r["auc_se"], 3),
                        cell(&r["brier"], 4),
                        cell(&r["brier_se"], 3),
                        cell(&r["brier_null"], 4),
                        cell(&r["ipa"], 3),
                        cell(&r["ibs"], 4),
                    ]
                })
                .collect(),
            footnote: Some(
                "Cumulative cases and dynamic controls, weighted by the inverse of the censoring Kaplan-Meier; Brier \
                 scores need predicted survival (--model or --predicted)."
                    .into(),
            ),
        })];
        match auc_svg(v, &points("Time", "Time-dependent AUC")) {
            Ok(Some(svg)) => blocks.push(figure(
                svg,
                "auc",
                &format!("Time-dependent AUC with {level} confidence intervals; dashed: 0.5 (no discrimination)."),
            )),
            Ok(None) => {}
            Err(e) => blocks.push(failed("AUC figure", e)),
        }
        sections.push(Section {
            id: "times".into(),
            heading: "Discrimination and prediction error over time".into(),
            blocks,
        });
    }

    let cal = &v["calibration"];
    let mut blocks = vec![Block::Facts(vec![(
        "Calibration slope (Cox coefficient of the marker)".into(),
        Cell::text(format!(
            "{} ({level} CI {} – {}), p(slope = 1) = {}",
            sig(num(&cal["slope"]), 4),
            sig(num(&cal["slope_lower"]), 4),
            sig(num(&cal["slope_upper"]), 4),
            cal["slope_p_value_vs_1"].as_f64().map_or("NA".into(), pval)
        )),
    )])];
    match calibration_svg(v, &points("Predicted survival", "Observed survival (Kaplan-Meier)")) {
        Ok(Some(svg)) => blocks.push(figure(
            svg,
            "calibration",
            &format!(
                "Observed (Kaplan-Meier, {level} CI) against mean predicted survival in each of the marker's risk \
                 groups, at each time; the diagonal is perfect calibration."
            ),
        )),
        Ok(None) => {}
        Err(e) => blocks.push(failed("calibration figure", e)),
    }
    if let Some(groups) = cal["groups"].as_array().filter(|g| !g.is_empty()) {
        blocks.push(Block::Table(Table {
            caption: Some("Predicted against observed survival by risk group".into()),
            header: [
                "time",
                "risk group",
                "n",
                "predicted",
                "observed",
                "lower",
                "upper",
            ]
            .map(String::from)
            .to_vec(),
            rows: groups
                .iter()
                .map(|g| {
                    vec![
                        cell(&g["time"], 6),
                        cell(&g["group"], 3),
                        cell(&g["n"], 10),
                        cell(&g["predicted"], 4),
                        cell(&g["observed"], 4),
                        cell(&g["observed_lower"], 4),
                        cell(&g["observed_upper"], 4),
                    ]
                })
                .collect(),
            footnote: None,
        }));
    }
    sections.push(Section {
        id: "calibration".into(),
        heading: "Calibration".into(),
        blocks,
    });
    sections.push(Section {
        id: "km".into(),
        heading: "Risk groups".into(),
        blocks: vec![
            risk_groups(input, marker).unwrap_or_else(|e| failed("Kaplan-Meier figure", e))
        ],
    });

    let report = Report {
        title: "Validation".into(),
        subtitle: Some(format!(
            "sigsurv {} · {} · {} / {}",
            env!("CARGO_PKG_VERSION"),
            v["marker"].as_str().unwrap_or(""),
            a.data.time,
            a.data.event
        )),
        sections,
    };
    sigsurv_io::write_atomic(path, render_html(&report).as_bytes())?;
    a.output.note(&format!("wrote {}", path.display()));
    Ok(())
}

/// The Kaplan-Meier curves of the marker's halves (low and high risk) with the log-rank p.
fn risk_groups(input: &SurvInput, marker: &[f64]) -> Result<Block, PlotError> {
    let invalid = |reason: String| PlotError::InvalidOption {
        option: "risk groups",
        reason,
    };
    let grouping =
        split_scores(marker, &Split::Quantiles(vec![0.5])).map_err(|e| invalid(e.to_string()))?;
    let k = grouping.names.len();
    let curves = kaplan_meier_by(
        &input.time,
        &input.event,
        &grouping.group,
        k,
        &KmOptions::default(),
    )
    .map_err(|e| invalid(e.to_string()))?;
    let test = survdiff(
        &input.time,
        &input.event,
        &grouping.group,
        k,
        None,
        &LogRankOptions::default(),
    )
    .map_err(|e| invalid(e.to_string()))?;
    let groups: Vec<PlotGroup> = grouping
        .names
        .iter()
        .zip(curves)
        .map(|(g, curve)| PlotGroup {
            name: format!("{g} risk"),
            curve,
        })
        .collect();
    let opts = KmPlotOptions {
        ci: true,
        legend_title: Some("Marker".into()),
        annotations: vec![format!("Log-rank {}", p_label(test.p_value))],
        ..KmPlotOptions::default()
    };
    let svg = km_svg(&groups, &opts)?;
    Ok(figure(
        svg,
        "km",
        &format!(
            "Kaplan-Meier estimates of the validation cohort split at the marker's median ({}), with 95% \
             pointwise bands and the numbers at risk.",
            sig(grouping.cutpoints[0], 4)
        ),
    ))
}
