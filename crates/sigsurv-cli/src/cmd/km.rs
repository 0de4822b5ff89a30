//! `sigsurv km`: Kaplan-Meier curves per group, as R's `survfit` + `summary(fit)` + `print(fit)`.

use crate::args::{ConfTypeArg, KmArgs, OutputFormat};
use crate::failure::{CliResult, Failure};
use crate::input::SurvInput;
use crate::output::{json_text, keep_until_exit};
use crate::render::csv::{num, num_opt, CsvOut};
use crate::render::text::{sig, sig_opt, TextTable};
use serde::Serialize;
use serde_json::Value;
use sigsurv_core::confint::ConfType;
use sigsurv_core::km::{kaplan_meier_by, KmCurve, KmOptions};

pub fn run(a: &KmArgs) -> CliResult<()> {
    if !(a.conf_level > 0.0 && a.conf_level < 1.0) {
        return Err(Failure::input(format!(
            "--conf-level {} is not between 0 and 1",
            a.conf_level
        )));
    }
    if let Some(tau) = a.rmst {
        if !tau.is_finite() || tau <= 0.0 {
            return Err(Failure::input(format!(
                "--rmst {tau} must be a positive time"
            )));
        }
    }
    let extra: Vec<&str> = a.by.iter().map(String::as_str).collect();
    let mut input = SurvInput::read(&a.data, &extra, &a.output)?;
    let (codes, levels) = match &a.by {
        Some(by) => {
            let f = input.take_factor(by);
            super::warn_small_groups(
                &a.output,
                by,
                &f.levels,
                &super::counts(&f.codes, f.levels.len()),
            );
            (f.codes, f.levels)
        }
        None => (vec![0; input.time.len()], vec!["all".to_string()]),
    };
    let opts = KmOptions {
        conf_type: conf_type(a.conf_type),
        conf_level: a.conf_level,
        timefix: true,
    };
    let curves = kaplan_meier_by(&input.time, &input.event, &codes, levels.len(), &opts)
        .map_err(|e| input.core_failure(e))?;
    let fits: Vec<GroupFit> = levels
        .into_iter()
        .zip(curves)
        .map(|(name, curve)| GroupFit { name, curve })
        .collect();
    let text = match a.output.resolved_format() {
        OutputFormat::Json => json_text(&km_json(a, &input, &fits)),
        OutputFormat::Csv => to_csv(&fits),
        OutputFormat::Table => to_table(a, &input, &fits),
    };
    let written = a.output.emit(&text);
    keep_until_exit((input, codes, fits, text));
    written
}

pub(crate) fn conf_type(c: ConfTypeArg) -> ConfType {
    match c {
        ConfTypeArg::Log => ConfType::Log,
        ConfTypeArg::LogLog => ConfType::LogLog,
        ConfTypeArg::Plain => ConfType::Plain,
        ConfTypeArg::Logit => ConfType::Logit,
        ConfTypeArg::Arcsin => ConfType::Arcsin,
        ConfTypeArg::None => ConfType::None,
    }
}

pub(crate) struct GroupFit {
    pub name: String,
    pub curve: KmCurve,
}

/// The `km` JSON of one analysis, as a value (embedded by `analyze`).
pub(crate) fn to_json(a: &KmArgs, input: &SurvInput, fits: &[GroupFit]) -> Value {
    serde_json::to_value(km_json(a, input, fits)).expect("KM results always serialise")
}

/// The `km` JSON, serialised straight from the curves: at millions of rows a curve has thousands of rows per
/// column, and building a JSON tree of them first took as long as the analysis.
fn km_json<'a>(a: &'a KmArgs, input: &SurvInput, fits: &'a [GroupFit]) -> KmJson<'a> {
    KmJson {
        analysis: "km",
        conf_type: conf_type(a.conf_type).name(),
        conf_level: a.conf_level,
        n_dropped: input.table.n_dropped,
        n_read: input.table.n_read,
        time: &a.data.time,
        event: &a.data.event,
        event_coding: input.coding.describe(),
        by: a.by.as_deref(),
        rmst_tau: a.rmst,
        groups: fits
            .iter()
            .map(|g| {
                let c = &g.curve;
                let m = c.median();
                let rmst = a.rmst.map(|tau| c.rmst(tau));
                GroupJson {
                    group: &g.name,
                    n: c.n,
                    n_events: c.n_events,
                    median: m.estimate,
                    median_lower: m.lower,
                    median_upper: m.upper,
                    rmst: rmst.map(|r| r.rmst),
                    rmst_se: rmst.map(|r| r.se),
                    table: CurveTable {
                        time: &c.time,
                        n_risk: &c.n_risk,
                        n_event: &c.n_event,
                        n_censor: &c.n_censor,
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

/// The keys of the `km` JSON, in their order (non-finite numbers are written as null).
#[derive(Serialize)]
struct KmJson<'a> {
    analysis: &'static str,
    conf_type: &'static str,
    conf_level: f64,
    n_dropped: usize,
    n_read: usize,
    time: &'a str,
    event: &'a str,
    event_coding: String,
    by: Option<&'a str>,
    rmst_tau: Option<f64>,
    groups: Vec<GroupJson<'a>>,
}

#[derive(Serialize)]
struct GroupJson<'a> {
    group: &'a str,
    n: usize,
    n_events: usize,
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
    n_risk: &'a [usize],
    n_event: &'a [usize],
    n_censor: &'a [usize],
    surv: &'a [f64],
    std_err: &'a [f64],
    lower: &'a [Option<f64>],
    upper: &'a [Option<f64>],
    cumhaz: &'a [f64],
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
                c.n_risk[i].to_string(),
                c.n_event[i].to_string(),
                c.n_censor[i].to_string(),
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
    let mut s = format!(
        "Kaplan-Meier: Surv({}, {}){}  [{}; event coding {}]\n\n",
        a.data.time,
        a.data.event,
        a.by.as_ref().map(|b| format!(" ~ {b}")).unwrap_or_default(),
        input.table.path.display(),
        input.coding.describe()
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
            g.curve.n_events.to_string(),
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
    for g in fits {
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
                c.n_risk[i].to_string(),
                c.n_event[i].to_string(),
                c.n_censor[i].to_string(),
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
