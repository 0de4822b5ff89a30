//! The figures of a `sigsurv validate` result, drawn from its JSON: the time-dependent AUC against time with its
//! interval, and observed (Kaplan-Meier) against predicted survival per risk group at each time with the diagonal
//! of perfect calibration. `plot auc`, `plot calibration` and the validation report draw them.

use crate::render::text::sig;
use serde_json::Value;
use sigsurv_plot::{points_svg, PlotError, PointSeries, PointsOptions};

fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or(f64::NAN)
}

/// AUC(t) with its band; `None` when the result has no AUC.
pub(crate) fn auc_svg(v: &Value, opts: &PointsOptions) -> Result<Option<String>, PlotError> {
    let rows: Vec<&Value> = v["times"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|r| r.get("auc").is_some())
        .collect();
    if rows.is_empty() {
        return Ok(None);
    }
    let series = PointSeries {
        name: String::new(),
        x: rows.iter().map(|r| num(&r["time"])).collect(),
        y: rows.iter().map(|r| num(&r["auc"])).collect(),
        lower: rows.iter().map(|r| r["auc_lower"].as_f64()).collect(),
        upper: rows.iter().map(|r| r["auc_upper"].as_f64()).collect(),
        joined: true,
        line_only: false,
    };
    let opts = PointsOptions {
        hline: Some(0.5),
        ..opts.clone()
    };
    points_svg(&[series], &opts).map(Some)
}

/// Observed against predicted survival, one series per time; `None` without a calibration table.
pub(crate) fn calibration_svg(
    v: &Value,
    opts: &PointsOptions,
) -> Result<Option<String>, PlotError> {
    let groups: Vec<&Value> = v["calibration"]["groups"]
        .as_array()
        .into_iter()
        .flatten()
        .collect();
    if groups.is_empty() {
        return Ok(None);
    }
    let mut times: Vec<f64> = groups.iter().map(|g| num(&g["time"])).collect();
    times.dedup();
    let series: Vec<PointSeries> = times
        .iter()
        .map(|&t| {
            let at: Vec<&&Value> = groups.iter().filter(|g| num(&g["time"]) == t).collect();
            PointSeries {
                name: format!("t = {}", sig(t, 6)),
                x: at.iter().map(|g| num(&g["predicted"])).collect(),
                y: at.iter().map(|g| num(&g["observed"])).collect(),
                lower: at.iter().map(|g| g["observed_lower"].as_f64()).collect(),
                upper: at.iter().map(|g| g["observed_upper"].as_f64()).collect(),
                joined: true,
                line_only: false,
            }
        })
        .collect();
    let opts = PointsOptions {
        diagonal: true,
        ..opts.clone()
    };
    points_svg(&series, &opts).map(Some)
}
