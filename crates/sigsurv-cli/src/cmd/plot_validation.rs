//! `sigsurv plot auc` and `sigsurv plot calibration`: the figures of a `sigsurv validate` result — the
//! time-dependent AUC against time with its interval, and observed (Kaplan-Meier) against predicted survival per
//! risk group at each time, with the diagonal of perfect calibration.

use super::figure_output::{check_output, flag_failure, out_args, save};
use crate::args::PlotValidationArgs;
use crate::failure::{CliResult, Failure};
use crate::render::validation_figures::{auc_svg, calibration_svg};
use serde_json::Value;
use sigsurv_plot::PointsOptions;

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

pub fn auc(a: &PlotValidationArgs) -> CliResult<()> {
    let v = read(a)?;
    let opts = options(a, "Time", "Time-dependent AUC");
    let Some(svg) = auc_svg(&v, &opts).map_err(flag_failure)? else {
        return Err(Failure::input(format!(
            "{} has no time-dependent AUC: run validate with --times or --predicted",
            a.json.display()
        )));
    };
    save(&svg, &a.figure)?;
    out_args(&a.figure).note(&format!("wrote {}", a.figure.output.display()));
    Ok(())
}

pub fn calibration(a: &PlotValidationArgs) -> CliResult<()> {
    let v = read(a)?;
    let opts = options(a, "Predicted survival", "Observed survival (Kaplan-Meier)");
    let Some(svg) = calibration_svg(&v, &opts).map_err(flag_failure)? else {
        return Err(Failure::input(format!(
            "{} has no calibration table: run validate with --predicted or --model and --times",
            a.json.display()
        )));
    };
    save(&svg, &a.figure)?;
    out_args(&a.figure).note(&format!("wrote {}", a.figure.output.display()));
    Ok(())
}
