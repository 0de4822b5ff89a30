//! `sigsurv plot auc` and `sigsurv plot calibration`: the figures of a `sigsurv validate` result — the
//! time-dependent AUC against time with its interval, and observed (Kaplan-Meier) against predicted survival per
//! risk group at each time, with the diagonal of perfect calibration.

use super::figure_output::{check_output, flag_failure, out_args, save};
use crate::args::PlotValidationArgs;
use crate::failure::{CliResult, Failure};
use crate::render::text::sig;
use serde_json::Value;
use sigsurv_plot::{points_svg, PointSeries, PointsOptions};

fn read(a: &PlotValidationArgs) -> CliResult<Value> {
    check_output(&a.figure)?;
    let text = std::fs::read_to_string(&a.json)
        .map_err(|e| Failure::input(format!("cannot read {}: {e}", a.json.display())))?;
    let v: Value = serde_json::from_str(&text)
        .map_err(|e| Failure::input(format!("{} is not valid JSON: {e}", a.json.display())))?;
    if v["analysis"] != "validate" {
        return Err(Failure::input(format!(
            "{} is not the JSON of `sigsurv validate` (its \"analysis\" is {})",
            a.json.display(),
            v["analysis"]
        ))
        .hint("write it with `sigsurv validate ... --format json -o validation.json`"));
    }
    Ok(v)
}

fn options(a: &PlotValidationArgs, xlab: &str, ylab: &str) -> PointsOptions {
    let defaults = PointsOptions::default();
    let f = &a.figure;
    PointsOptions {
        title: f.title.clone(),
        xlab: f.xlab.clone().unwrap_or_else(|| xlab.to_string()),
        ylab: ylab.to_string(),
        palette: a.palette.iter().map(|c| c.trim().to_string()).collect(),
        width: f.width_px(defaults.width),
        height: f.height_px(defaults.width, defaults.height),
        dpi: f.dpi,
        font_size: f.font_size,
        ..defaults
    }
}

fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or(f64::NAN)
}

pub fn auc(a: &PlotValidationArgs) -> CliResult<()> {
    let v = read(a)?;
    let rows: Vec<&Value> = v["times"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|r| r.get("auc").is_some())
        .collect();
    if rows.is_empty() {
        return Err(Failure::input(format!(
            "{} has no time-dependent AUC: run validate with --times or --predicted",
            a.json.display()
        )));
    }
    let series = PointSeries {
        name: String::new(),
        x: rows.iter().map(|r| num(&r["time"])).collect(),
        y: rows.iter().map(|r| num(&r["auc"])).collect(),
        lower: rows.iter().map(|r| r["auc_lower"].as_f64()).collect(),
        upper: rows.iter().map(|r| r["auc_upper"].as_f64()).collect(),
        joined: true,
    };
    let opts = PointsOptions {
        hline: Some(0.5),
        ..options(a, "Time", "Time-dependent AUC")
    };
    let svg = points_svg(&[series], &opts).map_err(flag_failure)?;
    save(&svg, &a.figure)?;
    out_args(&a.figure).note(&format!("wrote {}", a.figure.output.display()));
    Ok(())
}

pub fn calibration(a: &PlotValidationArgs) -> CliResult<()> {
    let v = read(a)?;
    let groups: Vec<&Value> = v["calibration"]["groups"]
        .as_array()
        .into_iter()
        .flatten()
        .collect();
    if groups.is_empty() {
        return Err(Failure::input(format!(
            "{} has no calibration table: run validate with --predicted or --model and --times",
            a.json.display()
        )));
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
            }
        })
        .collect();
    let opts = PointsOptions {
        diagonal: true,
        ..options(a, "Predicted survival", "Observed survival (Kaplan-Meier)")
    };
    let svg = points_svg(&series, &opts).map_err(flag_failure)?;
    save(&svg, &a.figure)?;
    out_args(&a.figure).note(&format!("wrote {}", a.figure.output.display()));
    Ok(())
}
