//! `sigsurv plot cif`: the cumulative incidence of one cause per group (Aalen-Johansen, survfit's multi-state
//! curve), drawn by the Kaplan-Meier figure as its event curve: F(t) with its bands, censoring marks, the numbers
//! at risk under the axis, and Gray's p.

use super::figure_output::{check_output, flag_failure, out_args, save};
use crate::args::PlotCifArgs;
use crate::core_options::conf_type;
use crate::failure::CliResult;
use crate::input::core_failure;
use crate::model::competing::{incidence_as_event_curve, read_competing, CompetingInput};
use sigsurv_core::competing::{aalen_johansen_by, gray_test, CifOptions, CompetingData};
use sigsurv_plot::{km_svg, p_label, Fun, KmPlotOptions, PlotGroup};

pub fn run(a: &PlotCifArgs) -> CliResult<()> {
    check_output(&a.figure)?;
    let out = out_args(&a.figure);
    let CompetingInput {
        table,
        time,
        coding,
        groups,
    } = read_competing(
        &a.data,
        a.censor_value.as_deref(),
        a.by.as_deref(),
        &[],
        &out,
    )?;
    let cause = match &a.cause {
        Some(c) => coding.cause_code(&a.data.event, c)?,
        None => 1,
    };
    let data = CompetingData::new(&time, &coding.codes, coding.causes.len());
    let opts = CifOptions {
        conf_type: conf_type(a.conf_type),
        ..CifOptions::default()
    };
    let curves = aalen_johansen_by(&data, &groups.codes, groups.levels.len(), &opts)
        .map_err(|e| core_failure(&table, e))?;
    let name = &coding.causes[cause as usize - 1];
    let plot_groups: Vec<PlotGroup> = groups
        .levels
        .iter()
        .zip(&curves)
        .map(|(g, c)| PlotGroup {
            name: g.clone(),
            curve: incidence_as_event_curve(c, cause as usize - 1),
        })
        .collect();
    let mut annotations = Vec::new();
    if groups.levels.len() > 1 && !a.no_pvalue {
        let tests = gray_test(&data, &groups.codes, groups.levels.len(), None, 0.0)
            .map_err(|e| core_failure(&table, e))?;
        if let Some(t) = tests.iter().find(|t| t.cause == cause) {
            annotations.push(format!("Gray's test {}", p_label(t.p_value)));
        }
    }
    let defaults = KmPlotOptions::default();
    let f = &a.figure;
    let po = KmPlotOptions {
        title: f.title.clone(),
        xlab: f.xlab.clone(),
        ylab: Some(format!("Cumulative incidence of {name}")),
        time_unit: a.time_unit.clone(),
        fun: Fun::Event,
        ci: a.ci,
        breaks: a.breaks,
        xmax: a.xmax,
        legend_title: a.by.clone(),
        annotations,
        palette: a.palette.iter().map(|c| c.trim().to_string()).collect(),
        width: f.width_px(defaults.width),
        height: f.height_px(defaults.width, defaults.height),
        dpi: f.dpi,
        font_size: f.font_size,
        ..defaults
    };
    let svg = km_svg(&plot_groups, &po).map_err(flag_failure)?;
    save(&svg, f)?;
    out.note(&format!("wrote {}", f.output.display()));
    Ok(())
}
