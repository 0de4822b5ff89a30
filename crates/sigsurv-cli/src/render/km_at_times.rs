//! `km --times`: the curves at chosen times (R's `summary(fit, times = ...)`), as a text table per group, the
//! JSON `at` rows and CSV. Times after a group's last time are left out as R leaves them out, and said so.
//! With `--by`, each group is compared with the first at each time (difference in survival with its CI and
//! the log(-log) test, [`sigsurv_core::km::survival_difference`]).

use crate::args::KmArgs;
use crate::model::km::GroupFit;
use crate::render::count::Count;
use crate::render::csv::{num, num_opt, CsvOut};
use crate::render::text::{sig, sig_opt, TextTable};
use serde::Serialize;
use sigsurv_core::km::{survival_difference, KmAtTimes, SurvivalDifference};

/// One row of the JSON `at` array.
#[derive(Serialize)]
pub(crate) struct AtJson<'a> {
    group: &'a str,
    time: f64,
    n_risk: Count,
    n_event: Count,
    n_censor: Count,
    survival: f64,
    std_err: f64,
    lower: Option<f64>,
    upper: Option<f64>,
}

/// A requested time left out for a group (after its last time).
#[derive(Serialize)]
pub(crate) struct OmittedJson<'a> {
    group: &'a str,
    time: f64,
}

/// One row of the JSON `differences` array: S(group) - S(reference) at `time`.
#[derive(Serialize)]
pub(crate) struct DifferenceJson<'a> {
    group: &'a str,
    reference: &'a str,
    time: f64,
    survival: f64,
    survival_reference: f64,
    difference: f64,
    std_err: f64,
    lower: f64,
    upper: f64,
    p_value: f64,
    chisq_cloglog: Option<f64>,
    p_value_cloglog: Option<f64>,
}

/// Each later group against the first, at the requested times both curves reach (in increasing order).
fn compare(a: &KmArgs, fits: &[GroupFit]) -> Vec<(usize, Vec<SurvivalDifference>)> {
    let Some(reference) = fits.first() else {
        return Vec::new();
    };
    let mut times: Vec<f64> = a.times.iter().copied().filter(|t| t.is_finite()).collect();
    times.sort_by(f64::total_cmp);
    let last = |g: &GroupFit| g.curve.time.last().copied().unwrap_or(f64::NEG_INFINITY);
    (1..fits.len())
        .map(|k| {
            let end = last(reference).min(last(&fits[k]));
            let shared: Vec<f64> = times.iter().copied().filter(|&t| t <= end).collect();
            let rows = survival_difference(&fits[k].curve, &reference.curve, &shared, a.conf_level)
                .unwrap_or_default();
            (k, rows)
        })
        .collect()
}

/// The JSON `differences`, or `None` without `--times` or `--by`.
pub(crate) fn differences<'a>(a: &KmArgs, fits: &'a [GroupFit]) -> Option<Vec<DifferenceJson<'a>>> {
    if a.times.is_empty() || a.by.is_none() || fits.len() < 2 {
        return None;
    }
    let finite = |x: f64| x.is_finite().then_some(x);
    Some(
        compare(a, fits)
            .into_iter()
            .flat_map(|(k, rows)| {
                rows.into_iter().map(move |d| DifferenceJson {
                    group: &fits[k].name,
                    reference: &fits[0].name,
                    time: d.time,
                    survival: d.surv,
                    survival_reference: d.surv_reference,
                    difference: d.difference,
                    std_err: d.std_err,
                    lower: d.lower,
                    upper: d.upper,
                    p_value: d.p_value,
                    chisq_cloglog: finite(d.chisq_cloglog),
                    p_value_cloglog: finite(d.p_value_cloglog),
                })
            })
            .collect(),
    )
}

/// Each group's table at the requested times.
fn tables(a: &KmArgs, fits: &[GroupFit]) -> Vec<KmAtTimes> {
    fits.iter().map(|g| g.curve.at_times(&a.times)).collect()
}

/// The JSON `at` rows and the omitted times, or `None` without `--times`.
pub(crate) fn json<'a>(
    a: &KmArgs,
    fits: &'a [GroupFit],
) -> Option<(Vec<AtJson<'a>>, Vec<OmittedJson<'a>>)> {
    if a.times.is_empty() {
        return None;
    }
    let (mut rows, mut omitted) = (Vec::new(), Vec::new());
    for (g, at) in fits.iter().zip(tables(a, fits)) {
        // Whole rows without case weights (the counts are then integers), summed weights with them.
        let count = |v: f64| match g.curve.weighted {
            Some(_) => Count::Weighted(v),
            None => Count::Rows(v as usize),
        };
        rows.extend(at.rows.iter().map(|r| AtJson {
            group: &g.name,
            time: r.time,
            n_risk: count(r.n_risk),
            n_event: count(r.n_event),
            n_censor: count(r.n_censor),
            survival: r.surv,
            std_err: r.std_err,
            lower: r.lower,
            upper: r.upper,
        }));
        omitted.extend(at.omitted.iter().map(|&time| OmittedJson {
            group: &g.name,
            time,
        }));
    }
    Some((rows, omitted))
}

/// Says which requested times a group's table leaves out, on standard error.
pub(crate) fn note_omitted(a: &KmArgs, fits: &[GroupFit]) {
    for (g, at) in fits.iter().zip(tables(a, fits)) {
        if at.omitted.is_empty() {
            continue;
        }
        let last = g.curve.time.last().copied().unwrap_or(f64::NAN);
        let group = match &a.by {
            Some(b) => format!(" of {b}={}", g.name),
            None => String::new(),
        };
        let times: Vec<String> = at.omitted.iter().map(|&t| sig(t, 6)).collect();
        a.output.note(&format!(
            "--times {} after the last time{group} ({}): left out, as R's summary(fit, times =) leaves it out",
            times.join(","),
            sig(last, 6)
        ));
    }
}

/// CSV: one line per group and time.
pub(crate) fn to_csv(a: &KmArgs, fits: &[GroupFit]) -> String {
    let mut out = CsvOut::new(&[
        "group", "time", "n_risk", "n_event", "n_censor", "survival", "std_err", "lower", "upper",
    ]);
    for (g, at) in fits.iter().zip(tables(a, fits)) {
        for r in &at.rows {
            out.line([
                g.name.clone(),
                num(r.time),
                num(r.n_risk),
                num(r.n_event),
                num(r.n_censor),
                num(r.surv),
                num(r.std_err),
                num_opt(r.lower),
                num_opt(r.upper),
            ]);
        }
    }
    out.finish()
}

/// The text table of each group, as R prints `summary(fit, times =)`.
pub(crate) fn to_table(a: &KmArgs, fits: &[GroupFit]) -> String {
    let mut s = String::new();
    let lo = format!("lower {}% CI", sig(a.conf_level * 100.0, 4));
    let up = format!("upper {}% CI", sig(a.conf_level * 100.0, 4));
    for (g, at) in fits.iter().zip(tables(a, fits)) {
        s.push('\n');
        if let Some(b) = &a.by {
            s.push_str(&format!("{b}={}\n", g.name));
        }
        let mut t = TextTable::new(&[
            "time", "n.risk", "n.event", "n.censor", "survival", "std.err", &lo, &up,
        ]);
        for r in &at.rows {
            t.row(vec![
                sig(r.time, 6),
                sig(r.n_risk, 6),
                sig(r.n_event, 6),
                sig(r.n_censor, 6),
                sig(r.surv, 4),
                sig(r.std_err, 4),
                sig_opt(r.lower, 4),
                sig_opt(r.upper, 4),
            ]);
        }
        s.push_str(&t.render());
    }
    if a.by.is_some() && fits.len() > 1 {
        let ci = format!("{}% CI", sig(a.conf_level * 100.0, 4));
        for (k, rows) in compare(a, fits) {
            if rows.is_empty() {
                continue;
            }
            s.push_str(&format!(
                "
difference in survival, {} - {}
",
                fits[k].name, fits[0].name
            ));
            let mut t = TextTable::new(&["time", "difference", "std.err", &ci, "p", "log(-log) p"]);
            for d in &rows {
                t.row(vec![
                    sig(d.time, 6),
                    sig(d.difference, 4),
                    sig(d.std_err, 4),
                    format!("{} to {}", sig(d.lower, 4), sig(d.upper, 4)),
                    crate::render::text::pval(d.p_value),
                    crate::render::text::pval(d.p_value_cloglog),
                ]);
            }
            s.push_str(&t.render());
        }
    }
    s
}
