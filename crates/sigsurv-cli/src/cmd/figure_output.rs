//! Writing a figure of a `plot` command: the output name checked first, the figure saved as SVG, PNG or PDF,
//! and plot errors worded with the command-line flag behind them.

use crate::args::{FigureArgs, OutputArgs};
use crate::failure::{CliResult, Failure};
use serde_json::Value;
use sigsurv_plot::{figure_bytes, PlotError, PointsOptions};
use std::path::Path;

/// The options of a points figure (AUC, calibration, coxnet's path and CV curve) from the figure flags; `xlab`
/// is the default x label (`--xlab` overrides it).
pub(super) fn points_options(
    f: &FigureArgs,
    palette: &[String],
    xlab: &str,
    ylab: &str,
) -> PointsOptions {
    let defaults = PointsOptions::default();
    PointsOptions {
        title: f.title.clone(),
        xlab: f.xlab.clone().unwrap_or_else(|| xlab.to_string()),
        ylab: ylab.to_string(),
        palette: palette.iter().map(|c| c.trim().to_string()).collect(),
        width: f.width_px(defaults.width),
        height: f.height_px(defaults.width, defaults.height),
        dpi: f.dpi,
        font_size: f.font_size,
        ..defaults
    }
}

/// Reads the JSON result a figure is drawn from, checking its `"analysis"` (`what` names the file in the error,
/// `hint` says how to write it).
pub(super) fn read_result(path: &Path, analysis: &str, what: &str, hint: &str) -> CliResult<Value> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::input(format!("cannot read {}: {e}", path.display())))?;
    let v: Value = serde_json::from_str(&text)
        .map_err(|e| Failure::input(format!("{} is not valid JSON: {e}", path.display())))?;
    if v["analysis"] != analysis {
        return Err(Failure::input(format!(
            "{} is not {what} (its \"analysis\" is {})",
            path.display(),
            v["analysis"]
        ))
        .hint(hint));
    }
    Ok(v)
}

/// Checks the output name first, so a typo fails before the data are read.
pub(super) fn check_output(f: &FigureArgs) -> CliResult<()> {
    match f
        .output
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("svg") | Some("png") | Some("pdf") => Ok(()),
        _ => Err(plot_failure(PlotError::UnknownExtension {
            path: f.output.clone(),
        })),
    }
}

pub(super) fn plot_failure(e: PlotError) -> Failure {
    match e {
        PlotError::Render(_) => Failure::internal(e.to_string()),
        _ => Failure::input(e.to_string()),
    }
}

/// Writes the figure (SVG, or PNG rendered at --dpi) as every result is written (see sigsurv_io::write).
pub(super) fn save(svg: &str, f: &FigureArgs) -> CliResult<()> {
    let bytes = figure_bytes(svg, &f.output, f.dpi).map_err(flag_failure)?;
    Ok(sigsurv_io::write_atomic(&f.output, &bytes)?)
}

pub(super) fn out_args(f: &FigureArgs) -> OutputArgs {
    OutputArgs {
        format: None,
        output: Some(f.output.clone()),
        quiet: f.quiet,
        context: None,
    }
}

/// Words an option error with the command-line flag behind it ("--breaks 0 must be a positive time step").
pub(super) fn flag_failure(e: PlotError) -> Failure {
    match e {
        PlotError::InvalidOption { option, reason } => {
            Failure::input(format!("--{} {reason}", option.replace('_', "-")))
        }
        PlotError::XmaxBeforeFirstTime { xmax, first } => Failure::input(format!(
            "--xmax {xmax} is below the first event/censoring time {first}; nothing would be drawn"
        )),
        other => plot_failure(other),
    }
}
