//! `sigsurv plot coxnet-path` and `sigsurv plot coxnet-cv`: the figures of a `sigsurv coxnet` run redrawn from
//! its path.json and cv.json, in any format and size (`coxnet --out` writes them as SVG with default options).

use super::figure_output::{
    check_output, flag_failure, out_args, points_options, read_result, save,
};
use crate::args::PlotJsonArgs;
use crate::failure::{CliResult, Failure};
use crate::render::coxnet_figures::{cv_svg, cv_ylab, path_svg};
use serde_json::Value;
use sigsurv_plot::PointsOptions;

fn read(a: &PlotJsonArgs, analysis: &str, file: &str) -> CliResult<Value> {
    check_output(&a.figure)?;
    read_result(
        &a.json,
        analysis,
        &format!("the {file} of `sigsurv coxnet`"),
        &format!("`sigsurv coxnet ... --out DIR` writes DIR/{file}"),
    )
}

fn options(a: &PlotJsonArgs, ylab: &str) -> PointsOptions {
    points_options(&a.figure, &a.palette, "log(lambda)", ylab)
}

pub fn path(a: &PlotJsonArgs) -> CliResult<()> {
    let v = read(a, "coxnet_path", "path.json")?;
    let Some(svg) = path_svg(&v, &options(a, "Coefficient")).map_err(flag_failure)? else {
        return Err(Failure::input(format!(
            "{}: no coefficient is nonzero anywhere on the path",
            a.json.display()
        )));
    };
    save(&svg, &a.figure)?;
    out_args(&a.figure).note(&format!("wrote {}", a.figure.output.display()));
    Ok(())
}

pub fn cv(a: &PlotJsonArgs) -> CliResult<()> {
    let v = read(a, "coxnet_cv", "cv.json")?;
    let Some(svg) = cv_svg(&v, &options(a, cv_ylab(&v))).map_err(flag_failure)? else {
        return Err(Failure::input(format!(
            "{}: no cross-validation curve in it",
            a.json.display()
        )));
    };
    save(&svg, &a.figure)?;
    out_args(&a.figure).note(&format!("wrote {}", a.figure.output.display()));
    Ok(())
}
