//! `sigsurv plot auc` and `sigsurv plot calibration`: the figures of a `sigsurv validate` result — the
//! time-dependent AUC against time with its interval, and observed (Kaplan-Meier) against predicted survival per
//! risk group at each time, with the diagonal of perfect calibration.

use super::figure_output::{
    check_output, flag_failure, out_args, points_options, read_result, save,
};
use crate::args::PlotJsonArgs;
use crate::failure::{CliResult, Failure};
use crate::render::validation_figures::{auc_svg, calibration_svg};
use serde_json::Value;
use sigsurv_plot::PointsOptions;

fn read(a: &PlotJsonArgs) -> CliResult<Value> {
    check_output(&a.figure)?;
    read_result(
        &a.json,
        "validate",
        "the JSON of `sigsurv validate`",
        "write it with `sigsurv validate ... --format json -o validation.json`",
    )
}

fn options(a: &PlotJsonArgs, xlab: &str, ylab: &str) -> PointsOptions {
    points_options(&a.figure, &a.palette, xlab, ylab)
}

pub fn auc(a: &PlotJsonArgs) -> CliResult<()> {
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

pub fn calibration(a: &PlotJsonArgs) -> CliResult<()> {
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
