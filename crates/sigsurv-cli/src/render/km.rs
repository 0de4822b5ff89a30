//! The output of `sigsurv km`: R's `print(fit)` and `summary(fit)` as text tables, the JSON of docs/cli.md (also
//! embedded by `analyze`) and the curves as CSV.

use crate::args::{ConfLowerArg, KmArgs, OutputFormat};
use crate::core_options::{conf_lower, conf_type};
use crate::input::SurvInput;
use crate::model::km::GroupFit;
use crate::output::json_text;
use crate::render::count::Count;
use crate::render::csv::{num, num_opt, CsvOut};
use crate::render::km_at_times::{self, AtJson, OmittedJson};
use crate::render::text::{sig, sig_opt, TextTable};
use serde::Serialize;
use serde_json::Value;
use sigsurv_core::km::{KmCurve, WeightedCounts};

/// The curves in the chosen format.
pub(crate) fn render(
    a: &KmArgs,
    input: &SurvInput,
    fits: &[GroupFit],
    format: OutputFormat,
) -> String {
    match format {
        OutputFormat::Json => json_text(&km_json(a, input, fits)),
        OutputFormat::Csv if !a.times.is_empty() => km_at_times::to_csv(a, fits),
        OutputFormat::Csv => to_csv(fits),
        OutputFormat::Table => to_table(a, input, fits),
    }
}

/// The `km` JSON of one analysis, as a value (embedded by `analyze`).
pub(crate) fn to_json(a: &KmArgs, input: &SurvInput, fits: &[GroupFit]) -> Value {
    serde_json::to_value(km_json(a, input, fits)).expect("KM results always serialise")
}

/// The `km` JSON, serialised straight from the curves: at millions of rows a curve has thousands of rows per
/// column, and building a JSON tree of them first took as long as the analysis.
fn km_json<'a>(a: &'a KmArgs, input: &SurvInput, fits: &'a [GroupFit]) -> KmJson<'a> {
    let d = &a.design;
    let robust = fits.iter().any(|g| g.curve.robust);
    let (at, at_omitted) = km_at_times::json(a, fits).unzip();
    KmJson {
        analysis: "km",
        conf_type: conf_type(a.conf_type).name(),
        conf_level: a.conf_level,
        conf_lower: conf_lower(d.conf_lower).name(),
        variance: if robust { "robust" } else { "greenwood" },
        n_dropped: input.table.n_dropped,
        n_read: input.table.n_read,
        time: &a.data.time,
        event: &a.data.event,
        event_coding: input.coding.describe(),
        by: a.by.as_deref(),
        weights: d.weights.as_deref(),
        entry: d.entry.as_deref(),
        cluster: d.cluster.as_deref().filter(|_| robust),
        rmst_tau: a.rmst,
        times: (!a.times.is_empty()).then_some(a.times.as_slice()),
        at,
        at_omitted,
        differences: km_at_times::differences(a, fits),
        groups: fits
            .iter()
            .map(|g| {
                let c = &g.curve;
                let m = c.median();
                let rmst = a.rmst.map(|tau| c.rmst(tau));
                let counts =
                    |w: fn(&WeightedCounts) -> &Vec<f64>, rows: &'a [usize]| match &c.weighted {
                        Some(wc) => Counts::Weighted(w(wc)),
                        None => Counts::Rows(rows),
                    };
                let rows = |v: &'a [usize]| c.weighted.as_ref().map(|_| v);
                GroupJson {
                    group: &g.name,
                    n: c.n,
                    n_events: match &c.weighted {
                        Some(w) => Count::Weighted(w.n_events),
                        None => Count::Rows(c.n_events),
                    },
                    n_event_rows: c.weighted.as_ref().map(|_| c.n_events),
                    median: m.estimate,
                    median_lower: m.lower,
                    median_upper: m.upper,
                    rmst: rmst.map(|r| r.rmst),
                    rmst_se: rmst.map(|r| r.se),
                    table: CurveTable {
                        time: &c.time,
                        n_risk: counts(|w| &w.n_risk, &c.n_risk),
                        n_event: counts(|w| &w.n_event, &c.n_event),
                        n_censor: counts(|w| &w.n_censor, &c.n_censor),
                        n_risk_rows: rows(&c.n_risk),
                        n_event_rows: rows(&c.n_event),
                        n_censor_rows: rows(&c.n_censor),
                        surv: &c.surv,
                        std_err: &c.std_err,
                        lower: &c.lower,
                        upper: &c.upper,
                        cumhaz: &c.cumhaz,
                    },
                }
            })
            .collect(),
    }
}

/// A count column: whole rows, or summed case weights.
#[derive(Serialize)]
#[serde(untagged)]
enum Counts<'a> {
    Rows(&'a [usize]),
    Weighted(&'a [f64]),
}

/// The keys of the `km` JSON, in their order (non-finite numbers are written as null).
#[derive(Serialize)]
struct KmJson<'a> {
    analysis: &'static str,
    conf_type: &'static str,
    conf_level: f64,
    conf_lower: &'static str,
    variance: &'static str,
    n_dropped: usize,
    n_read: usize,
    time: &'a str,
    event: &'a str,
    event_coding: String,
    by: Option<&'a str>,
    weights: Option<&'a str>,
    entry: Option<&'a str>,
    cluster: Option<&'a str>,
    rmst_tau: Option<f64>,
    /// `--times`, and the curves there (`summary(fit, times =)`); the times after a group's last time.
    #[serde(skip_serializing_if = "Option::is_none")]
    times: Option<&'a [f64]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    at: Option<Vec<AtJson<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    at_omitted: Option<Vec<OmittedJson<'a>>>,
    /// With `--times` and `--by`: each group against the first at each time.
    #[serde(skip_serializing_if = "Option::is_none")]
    differences: Option<Vec<km_at_times::DifferenceJson<'a>>>,
    groups: Vec<GroupJson<'a>>,
}

#[derive(Serialize)]
struct GroupJson<'a> {
    group: &'a str,
    n: usize,
    n_events: Count,
    #[serde(skip_serializing_if = "Option::is_none")]
    n_event_rows: Option<usize>,
    median: Option<f64>,
    median_lower: Option<f64>,
    median_upper: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rmst: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rmst_se: Option<f64>,
    table: CurveTable<'a>,
}

#[derive(Serialize)]
struct CurveTable<'a> {
    time: &'a [f64],
    n_risk: Counts<'a>,
    n_event: Counts<'a>,
    n_censor: Counts<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    n_risk_rows: Option<&'a [usize]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    n_event_rows: Option<&'a [usize]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    n_censor_rows: Option<&'a [usize]>,
    surv: &'a [f64],
    std_err: &'a [f64],
    lower: &'a [Option<f64>],
    upper: &'a [Option<f64>],
    cumhaz: &'a [f64],
}

/// A count as text: an integer, or a summed weight.
fn count_text(c: &KmCurve, i: usize, which: usize) -> String {
    match &c.weighted {
        Some(w) => num([w.n_risk[i], w.n_event[i], w.n_censor[i]][which]),
        None => [c.n_risk[i], c.n_event[i], c.n_censor[i]][which].to_string(),
    }
}

fn to_csv(fits: &[GroupFit]) -> String {
    let mut out = CsvOut::new(&[
        "group", "time", "n_risk", "n_event", "n_censor", "surv", "std_err", "lower", "upper",
        "cumhaz",
    ]);
    for g in fits {
        let c = &g.curve;
        for i in 0..c.time.len() {
            out.line([
                g.name.clone(),
                num(c.time[i]),
                count_text(c, i, 0),
                count_text(c, i, 1),
                count_text(c, i, 2),
                num(c.surv[i]),
                num(c.std_err[i]),
                num_opt(c.lower[i]),
                num_opt(c.upper[i]),
                num(c.cumhaz[i]),
            ]);
        }
    }
    out.finish()
}

fn to_table(a: &KmArgs, input: &SurvInput, fits: &[GroupFit]) -> String {
    let pct = sig(a.conf_level, 4);
    let d = &a.design;
    let mut extras: Vec<String> = Vec::new();
    if let Some(w) = &d.weights {
        extras.push(format!("weights {w}"));
    }
    if fits.iter().any(|g| g.curve.robust) {
        extras.push(match &d.cluster {
            Some(c) if !d.no_robust => format!("robust variance, cluster {c}"),
            _ => "robust variance".into(),
        });
    }
    if d.conf_lower != ConfLowerArg::Usual {
        extras.push(format!("conf.lower {}", conf_lower(d.conf_lower).name()));
    }
    let mut s = format!(
        "Kaplan-Meier: Surv({}{}, {}){}  [{}; event coding {}{}]\n\n",
        d.entry
            .as_ref()
            .map(|e| format!("{e}, "))
            .unwrap_or_default(),
        a.data.time,
        a.data.event,
        a.by.as_ref().map(|b| format!(" ~ {b}")).unwrap_or_default(),
        input.table.path.display(),
        input.coding.describe(),
        extras.iter().map(|x| format!("; {x}")).collect::<String>()
    );
    let label = |g: &GroupFit| match &a.by {
        Some(b) => format!("{b}={}", g.name),
        None => String::new(),
    };
    let mut headers = vec![String::new(), "n".into(), "events".into(), "median".into()];
    headers.push(format!("{pct}LCL"));
    headers.push(format!("{pct}UCL"));
    if a.rmst.is_some() {
        headers.push("*rmean".into());
        headers.push("*se(rmean)".into());
    }
    let hdr: Vec<&str> = headers.iter().map(String::as_str).collect();
    let mut t = TextTable::new(&hdr);
    for g in fits {
        let m = g.curve.median();
        let mut row = vec![
            label(g),
            g.curve.n.to_string(),
            match &g.curve.weighted {
                Some(w) => sig(w.n_events, 6),
                None => g.curve.n_events.to_string(),
            },
            sig_opt(m.estimate, 5),
            sig_opt(m.lower, 5),
            sig_opt(m.upper, 5),
        ];
        if let Some(tau) = a.rmst {
            let r = g.curve.rmst(tau);
            row.push(sig(r.rmst, 5));
            row.push(sig(r.se, 4));
        }
        t.row(row);
    }
    s.push_str(&t.render());
    if let Some(tau) = a.rmst {
        s.push_str(&format!(
            "    * restricted mean with upper limit = {}\n",
            sig(tau, 6)
        ));
    }
    if !a.times.is_empty() {
        s.push_str(&km_at_times::to_table(a, fits));
    }
    for g in fits.iter().filter(|_| a.times.is_empty()) {
        s.push('\n');
        if a.by.is_some() {
            s.push_str(&format!("{}\n", label(g)));
        }
        let lo = format!("lower {}% CI", sig(a.conf_level * 100.0, 4));
        let up = format!("upper {}% CI", sig(a.conf_level * 100.0, 4));
        let mut t = TextTable::new(&[
            "time", "n.risk", "n.event", "n.censor", "survival", "std.err", &lo, &up,
        ]);
        let c = &g.curve;
        for i in 0..c.time.len() {
            t.row(vec![
                sig(c.time[i], 6),
                count_sig(c, i, 0),
                count_sig(c, i, 1),
                count_sig(c, i, 2),
                sig(c.surv[i], 4),
                sig(c.std_err[i], 4),
                sig_opt(c.lower[i], 4),
                sig_opt(c.upper[i], 4),
            ]);
        }
        s.push_str(&t.render());
    }
    if input.table.n_dropped > 0 {
        s.push_str(&format!(
            "\n{} observations deleted due to missingness\n",
            input.table.n_dropped
        ));
    }
    s
}

/// A count for the text table: an integer, or a summed weight to 6 significant digits.
fn count_sig(c: &KmCurve, i: usize, which: usize) -> String {
    match &c.weighted {
        Some(w) => sig([w.n_risk[i], w.n_event[i], w.n_censor[i]][which], 6),
        None => [c.n_risk[i], c.n_event[i], c.n_censor[i]][which].to_string(),
    }
}
