//! Writing a figure of a `plot` command: the output name checked first, the figure saved as SVG, PNG or PDF,
//! and plot errors worded with the command-line flag behind them.

use crate::args::{FigureArgs, OutputArgs};
use crate::failure::{CliResult, Failure};
use sigsurv_plot::{figure_bytes, PlotError};

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
