//! `sigsurv cox`: Cox regression from an R formula, as `summary(coxph(...))`, with `cox.zph` and residuals.

use crate::args::{
    CoxArgs, OutputArgs, OutputFormat, ResidualArg, TableArgs, TiesArg, ZphTransformArg,
};
use crate::failure::{CliResult, Failure};
use crate::input::{core_failure, read_columns, read_times};
use crate::output::{json_text, keep_until_exit};
use crate::progress::{Phase, Step};
use crate::render::csv::{num, num_opt, CsvOut};
use crate::render::text::{fixed, pval, sig, sig_opt, TextTable};
use serde_json::{json, Value};
use sigsurv_core::cox::{
    cox_ph, cox_residuals, cox_zph, CoxData, CoxFit, CoxOptions, ResidualType, Residuals, Test,
    Ties, Zph, ZphTransform,
};
use sigsurv_core::design::{build_design, ColumnData, Design};
use sigsurv_core::formula::{parse_formula, Formula, Response};
use sigsurv_core::CoreError;
use sigsurv_io::{decode_event_column, ColumnValues, EventCoding, Table};

/// A fitted model with everything needed to report it.
pub(crate) struct CoxModel {
    pub formula_text: String,
    pub table: Table,
    pub design: Design,
    pub start: Option<Vec<f64>>,
    pub stop: Vec<f64>,
    pub event: Vec<bool>,
    pub weights: Option<Vec<f64>>,
    pub coding: EventCoding,
    pub fit: CoxFit,
    /// How the fit was set up where R decides for the user (e.g. the robust variance for non-integer weights).
    pub notes: Vec<String>,
}

/// What the user asked of the robust variance; [`RobustRequest::Auto`] is R's default (`robust` missing).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RobustRequest {
    /// R's rule: robust when there is a cluster() term or when some weight is not a whole number.
    Auto,
    On,
    /// Model-based variance only; a cluster() term is ignored, as R's `robust = FALSE`.
    Off,
}

impl CoxModel {
    pub fn data(&self) -> CoxData<'_> {
        CoxData::from_design(
            &self.design,
            self.start.as_deref(),
            &self.stop,
            &self.event,
            self.weights.as_deref(),
        )
    }
}

pub fn run(a: &CoxArgs) -> CliResult<()> {
    if !(a.conf_level > 0.0 && a.conf_level < 1.0) {
        return Err(Failure::input(format!(
            "--conf-level {} is not between 0 and 1",
            a.conf_level
        )));
    }
    let formula = parse(&a.formula)?;
    let table = read_model_table(&a.data, &formula, a.weights.as_deref(), &a.output)?;
    let opts = CoxOptions {
        ties: match a.ties {
            TiesArg::Efron => Ties::Efron,
            TiesArg::Breslow => Ties::Breslow,
        },
        iter_max: a.iter_max,
        conf_level: a.conf_level,
        ..CoxOptions::default()
    };
    let model = {
        let _step = Step::start(Phase::Compute, "fitting the Cox model", a.output.quiet);
        fit_table(
            &a.formula,
            &formula,
            table,
            a.weights.as_deref(),
            a.data.event_value.as_deref(),
            &opts,
            a.predict.is_some(),
            if a.robust {
                RobustRequest::On
            } else if a.no_robust {
                RobustRequest::Off
            } else {
                RobustRequest::Auto
            },
        )?
    };
    for note in &model.notes {
        a.output.note(note);
    }
    for w in &model.fit.warnings {
        a.output.warn(w);
    }
    let format = a.output.resolved_format();
    if let Some(kind) = a.residuals {
        let res = cox_residuals(&model.fit, &model.data(), residual_type(kind))
            .map_err(|e| core_failure(&model.table, e))?;
        let text = match format {
            OutputFormat::Json => json_text(&residuals_json(&model, &res)),
            _ => residuals_csv(&model, &res),
        };
        return a.output.emit(&text);
    }
    if let Some(profiles) = &a.predict {
        let text = super::cox_predict::predict(&model, profiles, a.conf_level, format)?;
        return a.output.emit(&text);
    }
    let zph = if a.zph {
        Some(
            cox_zph(
                &model.fit,
                &model.data(),
                &model.design.term_of,
                &model.design.terms,
                zph_transform(a.zph_transform),
            )
            .map_err(|e| core_failure(&model.table, e))?,
        )
    } else {
        None
    };
    let text = match format {
        OutputFormat::Json => json_text(&to_json(&model, zph.as_ref())),
        OutputFormat::Csv => to_csv(&model.fit),
        OutputFormat::Table => to_table(&model, zph.as_ref()),
    };
    let written = a.output.emit(&text);
    keep_until_exit(model);
    written
}

pub(crate) fn parse(formula: &str) -> CliResult<Formula> {
    parse_formula(formula).map_err(|e| {
        // The core's message quotes the formula (shortened when long): quote it once.
        let msg = e.to_string();
        let msg = msg.strip_prefix("invalid argument: ").unwrap_or(&msg);
        let msg = msg.strip_prefix("formula ").unwrap_or(msg);
        Failure::input(format!("invalid --formula {msg}"))
            .hint("e.g. \"Surv(time, status) ~ age + factor(grade) + strata(center)\"")
    })
}

/// Reads the columns a formula (and its weights column) uses, missing rows dropped and reported.
pub(crate) fn read_model_table(
    data: &TableArgs,
    formula: &Formula,
    weights: Option<&str>,
    out: &OutputArgs,
) -> CliResult<Table> {
    let mut columns = formula.columns();
    if let Some(w) = weights {
        if !columns.iter().any(|c| c == w) {
            columns.push(w.to_string());
        }
    }
    let refs: Vec<&str> = columns.iter().map(String::as_str).collect();
    read_columns(&data.table_spec(), &refs, out)
}

/// A model's response and design, built from a table that holds its columns (missing rows already dropped).
pub(crate) struct ModelFrame {
    pub start: Option<Vec<f64>>,
    pub stop: Vec<f64>,
    pub event: Vec<bool>,
    pub coding: EventCoding,
    pub design: Design,
}

pub(crate) fn model_frame(
    formula_text: &str,
    formula: &Formula,
    table: &Table,
    event_value: Option<&str>,
) -> CliResult<ModelFrame> {
    let (start_col, stop_col, event_col) = match &formula.response {
        Response::Right { time, event } => (None, time.as_str(), event.as_str()),
        Response::Counting { start, stop, event } => {
            (Some(start.as_str()), stop.as_str(), event.as_str())
        }
    };
    let stop = read_times(table, stop_col)?;
    let start = match start_col {
        Some(c) => Some(table.numeric(c)?),
        None => None,
    };
    let (event, coding) = decode_event_column(table, event_col, event_value)?;
    let response: Vec<&str> = [start_col, Some(stop_col), Some(event_col)]
        .into_iter()
        .flatten()
        .collect();
    let columns: Vec<(String, ColumnData)> = formula
        .columns()
        .into_iter()
        .filter(|c| !response.contains(&c.as_str()))
        .map(|c| {
            // Borrowed: the design copies each value once, into its own matrix.
            let data = match table.get(&c) {
                ColumnValues::Numeric(v) => ColumnData::NumericRef(v),
                ColumnValues::Bool(v) => {
                    ColumnData::Numeric(v.iter().map(|&b| f64::from(u8::from(b))).collect())
                }
                ColumnValues::Text(v) => ColumnData::Coded {
                    codes: v.codes(),
                    labels: v.levels(),
                },
            };
            (c, data)
        })
        .collect();
    let design = build_design(formula, &columns).map_err(|e| match e {
        CoreError::AtRow { .. } => core_failure(table, e),
        e => Failure::input(format!(
            "cannot build the model for \"{formula_text}\" from {}: {e}",
            table.path.display()
        )),
    })?;
    Ok(ModelFrame {
        start,
        stop,
        event,
        coding,
        design,
    })
}

/// Fits the formula on a table that holds its columns (missing rows already dropped). The model keeps the
/// table's columns (predictions check profile levels against them).
pub(crate) fn fit_on_table(
    formula_text: &str,
    formula: &Formula,
    table: Table,
    weights: Option<&str>,
    event_value: Option<&str>,
    opts: &CoxOptions,
) -> CliResult<CoxModel> {
    fit_table(
        formula_text,
        formula,
        table,
        weights,
        event_value,
        opts,
        true,
        RobustRequest::Auto,
    )
}

/// [`fit_on_table`]; with `keep_columns` false the table's columns are freed once the design holds the
/// model's copy (the fit then needs no more memory than the design, its sorted copy and the response).
#[allow(clippy::too_many_arguments)] // the model frame's inputs, each used once
fn fit_table(
    formula_text: &str,
    formula: &Formula,
    mut table: Table,
    weights: Option<&str>,
    event_value: Option<&str>,
    opts: &CoxOptions,
    keep_columns: bool,
    robust: RobustRequest,
) -> CliResult<CoxModel> {
    let ModelFrame {
        start,
        stop,
        event,
        coding,
        mut design,
    } = model_frame(formula_text, formula, &table, event_value)?;
    let weights = match weights {
        Some(w) => Some(table.numeric(w)?),
        None => None,
    };
    let mut opts = opts.clone();
    let mut notes = Vec::new();
    match robust {
        RobustRequest::On => opts.robust = true,
        RobustRequest::Off => {
            opts.robust = false;
            if design.cluster.take().is_some() {
                notes.push(
                    "cluster specified with robust=FALSE, cluster ignored (R's warning)".into(),
                );
            }
        }
        RobustRequest::Auto => {
            // coxph: `robust` defaults to TRUE when any weight is not a whole number.
            let fractional = weights
                .as_deref()
                .is_some_and(|w| w.iter().any(|&v| v != v.floor()));
            if fractional && !opts.robust {
                opts.robust = true;
                notes.push(
                    "the weights are not whole numbers, so the variance is robust (sandwich), as R's coxph \
                     chooses; --no-robust gives the model-based one"
                        .into(),
                );
                if start.is_some() && design.cluster.is_none() {
                    // R: with the robust variance implied rather than asked for, each row is its own cluster.
                    design.cluster = Some((0..stop.len() as u32).collect());
                }
            }
        }
    }
    let opts = &opts;
    if !keep_columns {
        table.columns = Vec::new();
        // Hand the table's freed pages back before the fit allocates its sorted copy (see sigsurv_io::memory).
        sigsurv_io::memory::release_freed();
    }
    let fit = cox_ph(
        &CoxData::from_design(&design, start.as_deref(), &stop, &event, weights.as_deref()),
        opts,
    )
    .map_err(|e| core_failure(&table, e))?;
    Ok(CoxModel {
        formula_text: formula_text.to_string(),
        table,
        design,
        start,
        stop,
        event,
        weights,
        coding,
        fit,
        notes,
    })
}

fn residual_type(r: ResidualArg) -> ResidualType {
    match r {
        ResidualArg::Martingale => ResidualType::Martingale,
        ResidualArg::Deviance => ResidualType::Deviance,
        ResidualArg::Schoenfeld => ResidualType::Schoenfeld,
        ResidualArg::Score => ResidualType::Score,
        ResidualArg::Dfbeta => ResidualType::Dfbeta,
    }
}

fn residual_name(k: ResidualType) -> &'static str {
    match k {
        ResidualType::Martingale => "martingale",
        ResidualType::Deviance => "deviance",
        ResidualType::Schoenfeld => "schoenfeld",
        ResidualType::Score => "score",
        ResidualType::Dfbeta => "dfbeta",
        ResidualType::Dfbetas => "dfbetas",
        ResidualType::ScaledSchoenfeld => "scaledsch",
    }
}

fn zph_transform(t: ZphTransformArg) -> ZphTransform {
    match t {
        ZphTransformArg::Km => ZphTransform::Km,
        ZphTransformArg::Identity => ZphTransform::Identity,
        ZphTransformArg::Rank => ZphTransform::Rank,
        ZphTransformArg::Log => ZphTransform::Log,
    }
}

fn zph_name(t: ZphTransform) -> &'static str {
    match t {
        ZphTransform::Km => "km",
        ZphTransform::Identity => "identity",
        ZphTransform::Rank => "rank",
        ZphTransform::Log => "log",
    }
}

fn test_json(t: &Test) -> Value {
    json!({"statistic": t.statistic, "df": t.df, "p_value": t.p_value})
}

/// The `cox` JSON (also embedded by `analyze`).
pub(crate) fn to_json(m: &CoxModel, zph: Option<&Zph>) -> Value {
    let f = &m.fit;
    let terms: Vec<Value> = f
        .terms
        .iter()
        .map(|t| {
            json!({
                "term": t.term, "coef": t.coef, "exp_coef": t.exp_coef, "se": t.se, "robust_se": t.robust_se,
                "z": t.z, "p_value": t.p_value, "lower": t.lower, "upper": t.upper,
            })
        })
        .collect();
    let zph_json = zph.map(|z| {
        z.terms
            .iter()
            .chain(std::iter::once(&z.global))
            .map(|t| json!({"term": t.term, "chisq": t.chisq, "df": t.df, "p_value": t.p_value}))
            .collect::<Vec<_>>()
    });
    json!({
        "analysis": "cox",
        "formula": m.formula_text,
        "n": f.n,
        "n_events": f.n_events,
        "n_dropped": m.table.n_dropped,
        "n_read": m.table.n_read,
        "ties": f.ties.as_str(),
        "robust": f.robust,
        "converged": f.converged,
        "iterations": f.iterations,
        "terms": terms,
        "loglik_null": f.loglik_null,
        "loglik": f.loglik,
        "lrt": test_json(&f.lrt),
        "wald": test_json(&f.wald),
        "score": test_json(&f.score),
        "robust_score": f.robust_score.as_ref().map(test_json),
        "concordance": {"c": f.concordance.c, "se": f.concordance.se},
        "zph": zph_json,
        "zph_transform": zph.map(|z| zph_name(z.transform)),
        "strata": if m.design.strata.is_some() { json!(m.design.strata_labels) } else { Value::Null },
        "means": f.means,
        "event_coding": m.coding.describe(),
        "warnings": f.warnings,
        "notes": m.notes,
    })
}

fn to_csv(f: &CoxFit) -> String {
    let mut out = CsvOut::new(&[
        "term",
        "coef",
        "exp_coef",
        "se",
        "robust_se",
        "z",
        "p_value",
        "lower",
        "upper",
    ]);
    for t in &f.terms {
        out.line([
            t.term.clone(),
            num_opt(t.coef),
            num_opt(t.exp_coef),
            num_opt(t.se),
            num_opt(t.robust_se),
            num_opt(t.z),
            num_opt(t.p_value),
            num_opt(t.lower),
            num_opt(t.upper),
        ]);
    }
    out.finish()
}

/// R's significance stars.
fn stars(p: Option<f64>) -> &'static str {
    match p {
        Some(p) if p < 0.001 => "***",
        Some(p) if p < 0.01 => "**",
        Some(p) if p < 0.05 => "*",
        Some(p) if p < 0.1 => ".",
        _ => "",
    }
}

fn to_table(m: &CoxModel, zph: Option<&Zph>) -> String {
    let f = &m.fit;
    let mut s = format!(
        "Call: coxph({}, ties = \"{}\")\n\n",
        m.formula_text,
        f.ties.as_str()
    );
    s.push_str(&format!("  n= {}, number of events= {}\n", f.n, f.n_events));
    if m.table.n_dropped > 0 {
        s.push_str(&format!(
            "   ({} observations deleted due to missingness)\n",
            m.table.n_dropped
        ));
    }
    s.push('\n');
    if f.terms.is_empty() {
        // R's print.coxph of a null model.
        s.push_str(&format!(
            "Null model\n  log likelihood= {}\n",
            sig(f.loglik, 7)
        ));
        for w in &f.warnings {
            s.push_str(&format!("warning: {w}\n"));
        }
        for note in &m.notes {
            s.push_str(&format!("note: {note}\n"));
        }
        return s;
    }
    let robust = f.robust;
    let mut headers = vec!["", "coef", "exp(coef)", "se(coef)"];
    if robust {
        headers.push("robust se");
    }
    headers.extend(["z", "Pr(>|z|)", ""]);
    let mut t = TextTable::new(&headers);
    for term in &f.terms {
        let mut row = vec![
            term.term.clone(),
            sig_opt(term.coef, 5),
            sig_opt(term.exp_coef, 5),
            sig_opt(term.se, 5),
        ];
        if robust {
            row.push(sig_opt(term.robust_se, 5));
        }
        row.push(term.z.map_or("NA".into(), |z| fixed(z, 3)));
        row.push(term.p_value.map_or("NA".into(), pval));
        row.push(stars(term.p_value).to_string());
        t.row(row);
    }
    s.push_str(&t.render());
    s.push_str("---\nSignif. codes:  0 '***' 0.001 '**' 0.01 '*' 0.05 '.' 0.1 ' ' 1\n\n");
    let mut t = TextTable::new(&["", "exp(coef)", "exp(-coef)", "lower .95", "upper .95"]);
    for term in &f.terms {
        t.row(vec![
            term.term.clone(),
            sig_opt(term.exp_coef, 4),
            sig_opt(term.exp_coef.map(|e| 1.0 / e), 4),
            sig_opt(term.lower, 4),
            sig_opt(term.upper, 4),
        ]);
    }
    s.push_str(&t.render());
    s.push('\n');
    s.push_str(&format!(
        "Concordance= {}  (se = {} )\n",
        sig(f.concordance.c, 3),
        sig(f.concordance.se, 3)
    ));
    let line = |name: &str, t: &Test| {
        format!(
            "{name}= {}  on {} df,   p={}\n",
            sig(t.statistic, 4),
            t.df,
            pval(t.p_value)
        )
    };
    s.push_str(&line("Likelihood ratio test", &f.lrt));
    s.push_str(&line(
        if robust {
            "Wald test (robust)   "
        } else {
            "Wald test            "
        },
        &f.wald,
    ));
    s.push_str(&line("Score (logrank) test ", &f.score));
    if let Some(r) = &f.robust_score {
        s.push_str(&line("Robust score test    ", r));
    }
    if !f.converged {
        s.push_str(&format!(
            "\nwarning: did not converge in {} iterations\n",
            f.iterations
        ));
    }
    for w in &f.warnings {
        s.push_str(&format!("warning: {w}\n"));
    }
    for note in &m.notes {
        s.push_str(&format!("note: {note}\n"));
    }
    if let Some(z) = zph {
        s.push_str(&format!(
            "\nProportional hazards (cox.zph, transform = \"{}\"):\n",
            zph_name(z.transform)
        ));
        let mut t = TextTable::new(&["", "chisq", "df", "p"]);
        for r in z.terms.iter().chain(std::iter::once(&z.global)) {
            t.row(vec![
                r.term.clone(),
                sig(r.chisq, 4),
                r.df.to_string(),
                pval(r.p_value),
            ]);
        }
        s.push_str(&t.render());
    }
    s
}

/// Column names of the residuals: the residual type for the per-row kinds (martingale, deviance), one column per
/// coefficient for the others, whatever the number of coefficients.
fn residual_header(m: &CoxModel, res: &Residuals) -> Vec<String> {
    match res.kind {
        ResidualType::Martingale | ResidualType::Deviance => {
            vec![residual_name(res.kind).to_string()]
        }
        _ => m.design.names.clone(),
    }
}

fn residuals_csv(m: &CoxModel, res: &Residuals) -> String {
    let schoenfeld = res.kind == ResidualType::Schoenfeld;
    let mut headers = vec!["row".to_string()];
    if schoenfeld {
        headers.push("time".into());
    }
    headers.extend(residual_header(m, res));
    let h: Vec<&str> = headers.iter().map(String::as_str).collect();
    let mut out = CsvOut::new(&h);
    for (r, &row) in res.rows.iter().enumerate() {
        let mut cells = vec![(m.table.rows.get(row) + 1).to_string()];
        if schoenfeld {
            cells.push(num(res.times[r]));
        }
        cells.extend(
            res.values[r * res.ncol..(r + 1) * res.ncol]
                .iter()
                .map(|v| num(*v)),
        );
        out.line(cells);
    }
    out.finish()
}

fn residuals_json(m: &CoxModel, res: &Residuals) -> Value {
    let names = residual_header(m, res);
    let columns: serde_json::Map<String, Value> = names
        .iter()
        .enumerate()
        .map(|(j, name)| {
            let col: Vec<f64> = (0..res.rows.len())
                .map(|r| res.values[r * res.ncol + j])
                .collect();
            (name.clone(), json!(col))
        })
        .collect();
    json!({
        "analysis": "cox_residuals",
        "type": residual_name(res.kind),
        "formula": m.formula_text,
        "row": res.rows.iter().map(|&r| m.table.rows.get(r) + 1).collect::<Vec<_>>(),
        "time": if res.kind == ResidualType::Schoenfeld { json!(res.times) } else { Value::Null },
        "values": columns,
    })
}
