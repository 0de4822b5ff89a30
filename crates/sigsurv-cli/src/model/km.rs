//! The Kaplan-Meier curves of `sigsurv km`, one per group: case weights, delayed entry and clusters read and
//! checked, and R's rule for when the variance is robust.

use crate::args::KmArgs;
use crate::core_options::{conf_lower, conf_type};
use crate::failure::{CliResult, Failure};
use crate::group_sizes::{counts, warn_small_groups};
use crate::input::SurvInput;
use crate::output::keep_until_exit;
use sigsurv_core::km::general::robust_by_default;
use sigsurv_core::km::{kaplan_meier_by, kaplan_meier_general, KmCurve, KmData, KmOptions};

/// One group's curve and the group's name.
pub(crate) struct GroupFit {
    pub name: String,
    pub curve: KmCurve,
}

/// Fits the curves of `a` on `input` (its `--by` column taken out of the table); notes and warnings go to
/// standard error as they arise. The columns read for the fit are left unfreed: the command writes its result
/// and exits, and freeing them would only cost time (see `keep_until_exit`).
pub(crate) fn fit_km(a: &KmArgs, input: &mut SurvInput) -> CliResult<Vec<GroupFit>> {
    let d = &a.design;
    let weight = d
        .weights
        .as_deref()
        .map(|col| read_weights(input, col))
        .transpose()?;
    let entry = d
        .entry
        .as_deref()
        .map(|col| read_entries(input, col, &a.data.time))
        .transpose()?;
    let cluster = d.cluster.as_deref().map(|col| input.factor(col).codes);
    let robust = if d.no_robust {
        if let Some(col) = &d.cluster {
            a.output.note(&format!(
                "--cluster {col} ignored with --no-robust (as R: cluster specified with robust=FALSE)"
            ));
        }
        false
    } else {
        d.robust || robust_by_default(weight.as_deref(), cluster.is_some())
    };
    let (codes, levels) = match &a.by {
        Some(by) => {
            let mut f = input.take_factor(by);
            f.reorder(&a.levels)?;
            warn_small_groups(&a.output, by, &f.levels, &counts(&f.codes, f.levels.len()));
            (f.codes, f.levels)
        }
        None => (vec![0; input.time.len()], vec!["all".to_string()]),
    };
    let opts = KmOptions {
        conf_type: conf_type(a.conf_type),
        conf_level: a.conf_level,
        timefix: true,
        conf_lower: conf_lower(d.conf_lower),
    };
    let curves = if weight.is_none() && entry.is_none() && !robust {
        kaplan_meier_by(&input.time, &input.event, &codes, levels.len(), &opts)
    } else {
        let data = KmData {
            entry: entry.as_deref(),
            weight: weight.as_deref(),
            cluster: if robust { cluster.as_deref() } else { None },
            robust,
            ..KmData::new(&input.time, &input.event)
        };
        kaplan_meier_general(&data, &codes, levels.len(), &opts)
    }
    .map_err(|e| input.core_failure(e))?;
    let fits: Vec<GroupFit> = levels
        .into_iter()
        .zip(curves)
        .map(|(name, curve)| GroupFit { name, curve })
        .collect();
    keep_until_exit((codes, weight, entry, cluster));
    Ok(fits)
}

/// Case weights: finite and >= 0 (R's survfit allows 0), or an error naming the line.
fn read_weights(input: &SurvInput, col: &str) -> CliResult<Vec<f64>> {
    let w = input.table.numeric(col)?;
    match w.iter().position(|x| !(x.is_finite() && *x >= 0.0)) {
        None => Ok(w),
        Some(i) => Err(Failure::input(format!(
            "invalid weight {} in column \"{col}\" at {} of {}",
            w[i],
            input.table.location(i),
            input.table.path.display()
        ))
        .hint("case weights must be finite and >= 0 (as R's survfit)")),
    }
}

/// Entry times: finite and before the exit time, or an error naming the line.
fn read_entries(input: &SurvInput, col: &str, time_col: &str) -> CliResult<Vec<f64>> {
    let e = input.table.numeric(col)?;
    let where_ = |i: usize| {
        format!(
            "at {} of {}",
            input.table.location(i),
            input.table.path.display()
        )
    };
    if let Some(i) = e.iter().position(|x| !x.is_finite()) {
        return Err(Failure::input(format!(
            "entry time {} in column \"{col}\" is not a finite number {}",
            e[i],
            where_(i)
        )));
    }
    match e.iter().zip(&input.time).position(|(en, t)| en >= t) {
        None => Ok(e),
        Some(i) => Err(Failure::input(format!(
            "entry time {} in column \"{col}\" is not before the exit time {} in column \"{time_col}\" {}",
            e[i],
            input.time[i],
            where_(i)
        ))
        .hint(format!(
            "a row must be at risk for some time (R's Surv(entry, exit) makes such rows NA); leave them out with --where \"{col} < {time_col}\""
        ))),
    }
}
