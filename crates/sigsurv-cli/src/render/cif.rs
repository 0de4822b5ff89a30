//! The output of `sigsurv cif`: the JSON of docs/cli.md, a text summary (events per cause, the curves at the
//! requested times, Gray's test), and CSV (one line per group, cause and time).

use crate::args::{CifArgs, CifVarianceArg, OutputFormat};
use crate::causes::CauseCoding;
use crate::input::Factor;
use crate::output::json_text;
use crate::render::csv::{num, num_opt, CsvOut};
use crate::render::text::{pval, sig, sig_opt, TextTable};
use serde_json::{json, Value};
use sigsurv_core::competing::{CifCurve, CumincCurve, GrayTest};
use sigsurv_io::Table;

/// The curves of every group: `[group]` (survfit) or `[group][cause]` (cmprsk).
pub(crate) enum Curves {
    Survfit(Vec<CifCurve>),
    Cuminc(Vec<Vec<CumincCurve>>),
}

/// One curve of one group and cause, as the JSON and CSV list it.
struct Series {
    time: Vec<f64>,
    estimate: Vec<f64>,
    std_err: Vec<f64>,
    lower: Vec<Option<f64>>,
    upper: Vec<Option<f64>>,
}

/// One row at a requested time.
struct AtRow {
    time: f64,
    n_risk: Option<usize>,
    estimate: f64,
    std_err: f64,
    lower: Option<f64>,
    upper: Option<f64>,
}

impl Curves {
    fn series(&self, g: usize, cause: usize) -> Series {
        match self {
            Curves::Survfit(c) => {
                let p = &c[g].causes[cause].incidence;
                Series {
                    time: c[g].time.clone(),
                    estimate: p.estimate.clone(),
                    std_err: p.std_err.clone(),
                    lower: p.lower.clone(),
                    upper: p.upper.clone(),
                }
            }
            Curves::Cuminc(c) => {
                let k = &c[g][cause];
                Series {
                    time: k.time.clone(),
                    estimate: k.estimate.clone(),
                    std_err: k.variance.iter().map(|v| v.sqrt()).collect(),
                    lower: vec![None; k.time.len()],
                    upper: vec![None; k.time.len()],
                }
            }
        }
    }

    fn at(&self, g: usize, cause: usize, times: &[f64]) -> Vec<AtRow> {
        match self {
            Curves::Survfit(c) => {
                let at = c[g].at(times);
                let p = &at.causes[cause];
                (0..at.time.len())
                    .map(|i| AtRow {
                        time: at.time[i],
                        n_risk: Some(at.n_risk[i]),
                        estimate: p.estimate[i],
                        std_err: p.std_err[i],
                        lower: p.lower[i],
                        upper: p.upper[i],
                    })
                    .collect()
            }
            Curves::Cuminc(c) => {
                let mut sorted: Vec<f64> =
                    times.iter().copied().filter(|t| t.is_finite()).collect();
                sorted.sort_by(f64::total_cmp);
                let values = c[g][cause].at(&sorted);
                sorted
                    .iter()
                    .zip(values)
                    .filter_map(|(&time, v)| {
                        v.map(|(estimate, var)| AtRow {
                            time,
                            n_risk: None,
                            estimate,
                            std_err: var.sqrt(),
                            lower: None,
                            upper: None,
                        })
                    })
                    .collect()
            }
        }
    }
}

/// Events of each cause in each group, `[group][cause]`.
fn events(coding: &CauseCoding, groups: &Factor) -> Vec<Vec<usize>> {
    let mut n = vec![vec![0usize; coding.causes.len()]; groups.levels.len()];
    for (&c, &g) in coding.codes.iter().zip(&groups.codes) {
        if c > 0 {
            n[g as usize][c as usize - 1] += 1;
        }
    }
    n
}

/// The result in the chosen format.
pub(crate) fn render(
    a: &CifArgs,
    table: &Table,
    coding: &CauseCoding,
    groups: &Factor,
    curves: &Curves,
    gray: Option<&[GrayTest]>,
    format: OutputFormat,
) -> String {
    match format {
        OutputFormat::Json => json_text(&to_json(a, table, coding, groups, curves, gray)),
        OutputFormat::Csv => to_csv(a, coding, groups, curves),
        OutputFormat::Table => to_table(a, table, coding, groups, curves, gray),
    }
}

fn variance_name(a: &CifArgs) -> &'static str {
    match a.variance {
        CifVarianceArg::Survfit => "survfit",
        CifVarianceArg::Cuminc => "cuminc",
    }
}

fn gray_json(coding: &CauseCoding, gray: Option<&[GrayTest]>) -> Value {
    match gray {
        None => Value::Null,
        Some(tests) => tests
            .iter()
            .map(|t| {
                json!({
                    "cause": coding.causes[t.cause as usize - 1],
                    "statistic": t.statistic, "df": t.df, "p_value": t.p_value,
                })
            })
            .collect(),
    }
}

pub(crate) fn to_json(
    a: &CifArgs,
    table: &Table,
    coding: &CauseCoding,
    groups: &Factor,
    curves: &Curves,
    gray: Option<&[GrayTest]>,
) -> Value {
    let n_events = events(coding, groups);
    let sizes = crate::group_sizes::counts(&groups.codes, groups.levels.len());
    let mut at = Vec::new();
    let groups_json: Vec<Value> = groups
        .levels
        .iter()
        .enumerate()
        .map(|(g, name)| {
            let causes: Vec<Value> = coding
                .causes
                .iter()
                .enumerate()
                .map(|(k, cause)| {
                    let s = curves.series(g, k);
                    if !a.times.is_empty() {
                        for r in curves.at(g, k, &a.times) {
                            at.push(json!({
                                "group": name, "cause": cause, "time": r.time, "n_risk": r.n_risk,
                                "estimate": r.estimate, "std_err": r.std_err, "lower": r.lower,
                                "upper": r.upper,
                            }));
                        }
                    }
                    json!({
                        "cause": cause, "n_events": n_events[g][k], "time": s.time,
                        "estimate": s.estimate, "std_err": s.std_err, "lower": s.lower, "upper": s.upper,
                    })
                })
                .collect();
            json!({"group": name, "n": sizes[g], "causes": causes})
        })
        .collect();
    let mut v = json!({
        "analysis": "cif",
        "n": coding.codes.len(),
        "n_dropped": table.n_dropped,
        "time": a.data.time,
        "event": a.data.event,
        "by": a.by,
        "strata": a.strata,
        "censor_value": coding.censor_value,
        "causes": coding.causes,
        "variance": variance_name(a),
        "conf_type": crate::core_options::conf_type(a.conf_type).name(),
        "conf_level": a.conf_level,
        "groups": groups_json,
        "gray": gray_json(coding, gray),
    });
    if !a.times.is_empty() {
        v["times"] = json!(a.times);
        v["at"] = Value::Array(at);
    }
    v
}

fn to_csv(a: &CifArgs, coding: &CauseCoding, groups: &Factor, curves: &Curves) -> String {
    let mut out = CsvOut::new(&[
        "group", "cause", "time", "n_risk", "estimate", "std_err", "lower", "upper",
    ]);
    for (g, name) in groups.levels.iter().enumerate() {
        for (k, cause) in coding.causes.iter().enumerate() {
            if a.times.is_empty() {
                let s = curves.series(g, k);
                for i in 0..s.time.len() {
                    out.line([
                        name.clone(),
                        cause.clone(),
                        num(s.time[i]),
                        String::new(),
                        num(s.estimate[i]),
                        num(s.std_err[i]),
                        num_opt(s.lower[i]),
                        num_opt(s.upper[i]),
                    ]);
                }
            } else {
                for r in curves.at(g, k, &a.times) {
                    out.line([
                        name.clone(),
                        cause.clone(),
                        num(r.time),
                        r.n_risk.map_or(String::new(), |n| n.to_string()),
                        num(r.estimate),
                        num(r.std_err),
                        num_opt(r.lower),
                        num_opt(r.upper),
                    ]);
                }
            }
        }
    }
    out.finish()
}

fn to_table(
    a: &CifArgs,
    table: &Table,
    coding: &CauseCoding,
    groups: &Factor,
    curves: &Curves,
    gray: Option<&[GrayTest]>,
) -> String {
    let n_events = events(coding, groups);
    let sizes = crate::group_sizes::counts(&groups.codes, groups.levels.len());
    let mut s = format!(
        "Cumulative incidence of {} ({}; censored: {}) in {} rows{}; {} variance\n\n",
        coding.causes.join(", "),
        a.data.event,
        coding.censor_value,
        coding.codes.len(),
        if table.n_dropped > 0 {
            format!(" ({} dropped for missing values)", table.n_dropped)
        } else {
            String::new()
        },
        match a.variance {
            CifVarianceArg::Survfit => "infinitesimal-jackknife (survfit)",
            CifVarianceArg::Cuminc => "Aalen (cmprsk's cuminc)",
        }
    );
    let mut headers: Vec<String> = vec![a.by.clone().unwrap_or_else(|| "group".into()), "n".into()];
    headers.extend(coding.causes.iter().map(|c| format!("events: {c}")));
    let refs: Vec<&str> = headers.iter().map(String::as_str).collect();
    let mut t = TextTable::new(&refs);
    t.text_columns = vec![0];
    for (g, name) in groups.levels.iter().enumerate() {
        let mut row = vec![name.clone(), sizes[g].to_string()];
        row.extend(n_events[g].iter().map(|n| n.to_string()));
        t.row(row);
    }
    s.push_str(&t.render());
    if !a.times.is_empty() {
        let ci = format!("{}% CI", sig(a.conf_level * 100.0, 4));
        for (g, name) in groups.levels.iter().enumerate() {
            for (k, cause) in coding.causes.iter().enumerate() {
                s.push('\n');
                match &a.by {
                    Some(by) => s.push_str(&format!("{by}={name}, {cause}\n")),
                    None => s.push_str(&format!("{cause}\n")),
                }
                let mut t = TextTable::new(&["time", "n.risk", "incidence", "std.err", &ci]);
                for r in curves.at(g, k, &a.times) {
                    t.row(vec![
                        sig(r.time, 6),
                        r.n_risk.map_or("-".into(), |n| n.to_string()),
                        sig(r.estimate, 4),
                        sig(r.std_err, 4),
                        match (r.lower, r.upper) {
                            (None, None) => "-".into(),
                            (lo, hi) => format!("{} to {}", sig_opt(lo, 4), sig_opt(hi, 4)),
                        },
                    ]);
                }
                s.push_str(&t.render());
            }
        }
    }
    if let Some(tests) = gray {
        s.push_str(&format!(
            "\nGray's test between the groups of {}{}:\n",
            a.by.as_deref().unwrap_or(""),
            a.strata
                .as_deref()
                .map(|st| format!(", stratified by {st}"))
                .unwrap_or_default()
        ));
        let mut t = TextTable::new(&["cause", "statistic", "df", "p"]);
        t.text_columns = vec![0];
        for g in tests {
            t.row(vec![
                coding.causes[g.cause as usize - 1].clone(),
                sig(g.statistic, 4),
                g.df.to_string(),
                pval(g.p_value),
            ]);
        }
        s.push_str(&t.render());
    }
    s
}
