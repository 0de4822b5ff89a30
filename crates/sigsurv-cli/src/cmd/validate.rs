//! `sigsurv validate`: how well a risk marker (a frozen model's linear predictor, a signature score) and, when
//! given, its predicted survival hold in a cohort: Harrell's and Uno's C, the time-dependent AUC, the Brier score
//! against the null model with IPA and the integrated Brier score, and calibration (the Cox slope of the marker
//! and predicted against observed survival by risk group).

use crate::args::ValidateArgs;
use crate::failure::{CliResult, Failure};
use crate::input::SurvInput;
use crate::model::saved::SavedCox;
use crate::render::text::{pval, sig, TextTable};
use serde_json::{json, Value};
use sigsurv_core::cox::{cox_ph, CoxData, CoxOptions};
use sigsurv_core::km::{kaplan_meier_by, KmOptions};
use sigsurv_core::split::{split_scores, Split};
use sigsurv_core::validation::{
    brier_score, concordances, integrated_brier, time_dependent_auc, Concordance, ConcordanceData,
    ConcordanceOptions, TimeWeight,
};

/// `COL=TIME`: a column of predicted survival at a time.
struct Predicted {
    column: String,
    time: f64,
}

fn parse_predicted(specs: &[String]) -> CliResult<Vec<Predicted>> {
    let mut out: Vec<Predicted> = Vec::new();
    for s in specs {
        let Some((col, t)) = s.split_once('=') else {
            return Err(Failure::input(format!(
                "--predicted {s}: expected COLUMN=TIME, e.g. surv_5y=1826.25"
            )));
        };
        let time: f64 = t
            .trim()
            .parse()
            .map_err(|_| Failure::input(format!("--predicted {s}: \"{t}\" is not a time")))?;
        if !(time.is_finite() && time > 0.0) {
            return Err(Failure::input(format!(
                "--predicted {s}: the time must be a positive number"
            )));
        }
        out.push(Predicted {
            column: col.trim().to_string(),
            time,
        });
    }
    out.sort_by(|a, b| a.time.total_cmp(&b.time));
    if let Some(w) = out.windows(2).find(|w| w[0].time == w[1].time) {
        return Err(Failure::input(format!(
            "--predicted names two columns ({}, {}) for the time {}",
            w[0].column,
            w[1].column,
            sig(w[0].time, 6)
        )));
    }
    Ok(out)
}

fn concordance_json(c: &Concordance, level: f64) -> Value {
    let (lower, upper) = c.conf_int(level).unwrap_or((f64::NAN, f64::NAN));
    json!({"c": c.c, "se": c.se(), "lower": lower, "upper": upper, "n": c.n, "tau": c.tau})
}

pub fn run(a: &ValidateArgs) -> CliResult<()> {
    crate::core_options::check_conf_level(a.conf_level)?;
    if let Some(tau) = a.tau.filter(|t| !(t.is_finite() && *t > 0.0)) {
        return Err(Failure::input(format!(
            "--tau {tau} is not a positive number"
        )));
    }
    if a.calibration_groups < 2 {
        return Err(Failure::input("--calibration-groups must be at least 2"));
    }
    let mut predicted = parse_predicted(&a.predicted)?;
    let saved = a.model.as_deref().map(SavedCox::read).transpose()?;
    if let Some(m) = saved.as_ref().filter(|m| m.strata.is_some()) {
        return Err(Failure::input(format!(
            "validate --model: {} is a stratified model ({}); its risk is not one marker across strata",
            a.model.as_deref().map(|p| p.display().to_string()).unwrap_or_default(),
            m.formula
        ))
        .hint("write its predicted survival with `sigsurv predict --times ... --format csv` and validate with --marker and --predicted COL=TIME"));
    }
    let model_columns = saved
        .as_ref()
        .map(|m| m.design_columns())
        .unwrap_or_default();
    let mut extra: Vec<&str> = a.marker.iter().map(String::as_str).collect();
    extra.extend(predicted.iter().map(|p| p.column.as_str()));
    extra.extend(model_columns.iter().map(String::as_str));
    let input = SurvInput::read(&a.data, &extra, &a.output)?;
    let (marker, surv) = match (&saved, &a.marker) {
        (Some(m), _) => {
            let what = a.data.source.data.display().to_string();
            let lp = m.linear_predictor(&m.design_rows(&input.table, &what)?);
            let mut times = a.times.clone();
            times.sort_by(f64::total_cmp);
            times.dedup();
            let surv: Vec<Vec<f64>> = times
                .iter()
                .map(|&t| lp.iter().map(|&l| m.survival(0, l, t)).collect())
                .collect();
            predicted = times
                .iter()
                .map(|&t| Predicted {
                    column: format!("model S({})", sig(t, 8)),
                    time: t,
                })
                .collect();
            (lp, surv)
        }
        (None, Some(col)) => {
            let marker = input.table.numeric(col)?;
            let mut surv: Vec<Vec<f64>> = Vec::with_capacity(predicted.len());
            for p in &predicted {
                surv.push(input.table.numeric(&p.column)?);
            }
            (marker, surv)
        }
        (None, None) => unreachable!("clap requires --marker or --model"),
    };
    let marker_name = match (&a.marker, &a.model) {
        (Some(c), _) => c.clone(),
        (None, Some(m)) => format!("the linear predictor of {}", m.display()),
        (None, None) => String::new(),
    };
    let times: Vec<f64> = if predicted.is_empty() {
        let mut t = a.times.clone();
        t.sort_by(f64::total_cmp);
        t.dedup();
        t
    } else {
        if !a.times.is_empty() && saved.is_none() {
            a.output
                .note("--times ignored: the metrics are computed at the --predicted times");
        }
        predicted.iter().map(|p| p.time).collect()
    };
    let fail = |e| crate::input::core_failure(&input.table, e);
    let data = ConcordanceData {
        time: &input.time,
        event: &input.event,
        marker: &marker,
        weight: None,
        strata: None,
    };
    let both = [
        ConcordanceOptions::default(),
        ConcordanceOptions {
            time_weight: TimeWeight::Uno,
            tau: a.tau,
            ..ConcordanceOptions::default()
        },
    ];
    // Discrimination by pairs, by time, and the calibration slope are independent passes over the rows: run
    // side by side.
    let ((pairs, by_time), slope) = rayon::join(
        || {
            rayon::join(
                || concordances(&data, &both),
                || {
                    if times.is_empty() {
                        Ok(Vec::new())
                    } else {
                        time_dependent_auc(&input.time, &input.event, &marker, &times, a.conf_level)
                    }
                },
            )
        },
        || calibration_slope(a, &input, &marker),
    );
    let [harrell, uno]: [Concordance; 2] = match pairs.map_err(fail)?.try_into() {
        Ok(both) => both,
        Err(_) => unreachable!("concordances gives one result per option set"),
    };
    let auc = by_time.map_err(fail)?;
    let slope = slope?;
    let brier = if surv.is_empty() {
        Vec::new()
    } else {
        let cols: Vec<&[f64]> = surv.iter().map(Vec::as_slice).collect();
        brier_score(&input.time, &input.event, &cols, &times, a.conf_level).map_err(fail)?
    };
    let brier_values: Vec<f64> = brier.iter().map(|b| b.brier).collect();
    let ibs_at: Vec<Option<f64>> = times
        .iter()
        .map(|&t| {
            (!brier.is_empty())
                .then(|| integrated_brier(&times, &brier_values, t).ok())
                .flatten()
        })
        .collect();
    let ibs_tau = a.tau.or(times.last().copied());
    let ibs = match ibs_tau {
        Some(tau) if !brier.is_empty() => integrated_brier(&times, &brier_values, tau).ok(),
        _ => None,
    };
    let groups = calibration_groups(a, &input, &marker, &predicted, &surv)?;

    let rows: Vec<Value> = times
        .iter()
        .enumerate()
        .map(|(k, &t)| {
            let mut row = json!({"time": t});
            if let Some(x) = auc.get(k) {
                row["auc"] = json!(x.auc);
                row["auc_se"] = json!(x.se);
                row["auc_lower"] = json!(x.lower);
                row["auc_upper"] = json!(x.upper);
                row["n_cases"] = json!(x.n_cases);
                row["n_controls"] = json!(x.n_controls);
            }
            if let Some(b) = brier.get(k) {
                row["column"] = json!(predicted[k].column);
                row["brier"] = json!(b.brier);
                row["brier_se"] = json!(b.se);
                row["brier_lower"] = json!(b.lower);
                row["brier_upper"] = json!(b.upper);
                row["brier_null"] = json!(b.null_brier);
                row["brier_null_se"] = json!(b.null_se);
                row["ipa"] = json!(b.ipa);
                row["ibs"] = json!(ibs_at[k]);
            }
            row
        })
        .collect();
    let v = json!({
        "analysis": "validate",
        "n": input.time.len(),
        "n_events": input.event.iter().filter(|e| **e).count(),
        "n_dropped": input.table.n_dropped,
        "marker": marker_name,
        "model": a.model.as_ref().map(|m| m.display().to_string()),
        "direction": "a larger marker means higher risk",
        "conf_level": a.conf_level,
        "concordance": {
            "harrell": concordance_json(&harrell, a.conf_level),
            "uno": concordance_json(&uno, a.conf_level),
        },
        "times": rows,
        "ibs": ibs,
        "ibs_tau": ibs.and(ibs_tau),
        "calibration": {
            "slope": slope.0, "slope_se": slope.1, "slope_lower": slope.2, "slope_upper": slope.3,
            "slope_p_value_vs_1": slope.4,
            "groups": groups,
        },
    });
    super::validate_report::write(a, &input, &marker, &v)?;
    let text = match a.output.resolved_format() {
        crate::args::OutputFormat::Json => crate::output::json_text(&v),
        crate::args::OutputFormat::Csv => times_csv(&v),
        crate::args::OutputFormat::Table => table_text(&v),
    };
    a.output.emit(&text)
}

/// The Cox coefficient of the marker in this cohort (the calibration slope of a linear predictor: 1 when the
/// model's effects hold, below 1 when they are too strong), its se, limits, and the Wald p of slope = 1.
fn calibration_slope(
    a: &ValidateArgs,
    input: &SurvInput,
    marker: &[f64],
) -> CliResult<(f64, f64, f64, f64, f64)> {
    let names = ["marker".to_string()];
    let data = CoxData::new(&input.time, &input.event, marker, &names);
    let fit = cox_ph(
        &data,
        &CoxOptions {
            conf_level: a.conf_level,
            // The concordance is computed beside the slope, with its standard error.
            concordance: false,
            ..CoxOptions::default()
        },
    )
    .map_err(|e| crate::input::core_failure(&input.table, e))?;
    let t = &fit.terms[0];
    let (b, se) = (t.coef.unwrap_or(f64::NAN), t.se.unwrap_or(f64::NAN));
    let z = sigsurv_core::pvalue::z_for_level(a.conf_level);
    Ok((
        b,
        se,
        b - z * se,
        b + z * se,
        sigsurv_core::pvalue::normal_two_sided((b - 1.0) / se),
    ))
}

/// Predicted against observed (Kaplan-Meier) survival at each prediction time in the marker's risk groups
/// (quantiles; group 1 the lowest risk).
fn calibration_groups(
    a: &ValidateArgs,
    input: &SurvInput,
    marker: &[f64],
    predicted: &[Predicted],
    surv: &[Vec<f64>],
) -> CliResult<Vec<Value>> {
    if predicted.is_empty() {
        return Ok(Vec::new());
    }
    let k = a.calibration_groups;
    let probs: Vec<f64> = (1..k).map(|i| i as f64 / k as f64).collect();
    let grouping = split_scores(marker, &Split::Quantiles(probs)).map_err(|e| {
        Failure::input(format!("cannot form {k} risk groups of the marker: {e}"))
            .hint("use fewer --calibration-groups")
    })?;
    let n_groups = grouping.names.len();
    let curves = kaplan_meier_by(
        &input.time,
        &input.event,
        &grouping.group,
        n_groups,
        &KmOptions {
            conf_level: a.conf_level,
            ..KmOptions::default()
        },
    )
    .map_err(|e| crate::input::core_failure(&input.table, e))?;
    // Each group's rows, once for every prediction time.
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); n_groups];
    for (i, &g) in grouping.group.iter().enumerate() {
        members[g as usize].push(i);
    }
    let mut out = Vec::new();
    for (p, s) in predicted.iter().zip(surv) {
        for (g, (curve, rows)) in curves.iter().zip(&members).enumerate() {
            let mean = rows.iter().map(|&i| s[i]).sum::<f64>() / rows.len() as f64;
            let at = curve.at_times(&[p.time]);
            let obs = at.rows.first();
            out.push(json!({
                "time": p.time,
                "group": g + 1,
                "n": rows.len(),
                "marker_from": rows.iter().map(|&i| marker[i]).fold(f64::INFINITY, f64::min),
                "marker_to": rows.iter().map(|&i| marker[i]).fold(f64::NEG_INFINITY, f64::max),
                "predicted": mean,
                "observed": obs.map(|r| r.surv),
                "observed_lower": obs.and_then(|r| r.lower),
                "observed_upper": obs.and_then(|r| r.upper),
            }));
        }
    }
    Ok(out)
}

fn num(v: &Value) -> String {
    v.as_f64().map_or("NA".into(), |x| sig(x, 4))
}

fn table_text(v: &Value) -> String {
    let c = &v["concordance"];
    let mut s = format!(
        "Validation of {} in {} rows ({} events; {})\n\n",
        v["marker"].as_str().unwrap_or(""),
        v["n"],
        v["n_events"],
        v["direction"].as_str().unwrap_or("")
    );
    let ci = format!(
        "{}% CI",
        sig(v["conf_level"].as_f64().unwrap_or(0.95) * 100.0, 4)
    );
    let mut t = TextTable::new(&["concordance", "C", "se", &ci]);
    t.text_columns = vec![0];
    for (name, key) in [("Harrell", "harrell"), ("Uno", "uno")] {
        let x = &c[key];
        let label = match (key, x["tau"].as_f64()) {
            ("uno", Some(tau)) => format!("{name} (tau = {})", sig(tau, 6)),
            _ => name.to_string(),
        };
        t.row(vec![
            label,
            num(&x["c"]),
            num(&x["se"]),
            format!("{} to {}", num(&x["lower"]), num(&x["upper"])),
        ]);
    }
    s.push_str(&t.render());
    let rows = v["times"].as_array().cloned().unwrap_or_default();
    if !rows.is_empty() {
        let mut t = TextTable::new(&[
            "time",
            "AUC",
            "se",
            "Brier",
            "se",
            "null Brier",
            "IPA",
            "IBS",
        ]);
        for r in &rows {
            t.row(vec![
                num(&r["time"]),
                num(&r["auc"]),
                num(&r["auc_se"]),
                num(&r["brier"]),
                num(&r["brier_se"]),
                num(&r["brier_null"]),
                num(&r["ipa"]),
                num(&r["ibs"]),
            ]);
        }
        s.push('\n');
        s.push_str(&t.render());
    }
    let cal = &v["calibration"];
    s.push_str(&format!(
        "\ncalibration slope (Cox coefficient of the marker): {} ({} {} to {}), p(slope = 1) = {}\n",
        num(&cal["slope"]),
        ci,
        num(&cal["slope_lower"]),
        num(&cal["slope_upper"]),
        cal["slope_p_value_vs_1"].as_f64().map_or("NA".into(), pval)
    ));
    if let Some(groups) = cal["groups"].as_array().filter(|g| !g.is_empty()) {
        let mut t = TextTable::new(&["time", "risk group", "n", "predicted", "observed", &ci]);
        for g in groups {
            t.row(vec![
                num(&g["time"]),
                g["group"].to_string(),
                g["n"].to_string(),
                num(&g["predicted"]),
                num(&g["observed"]),
                format!(
                    "{} to {}",
                    num(&g["observed_lower"]),
                    num(&g["observed_upper"])
                ),
            ]);
        }
        s.push('\n');
        s.push_str(&t.render());
    }
    s
}

fn times_csv(v: &Value) -> String {
    let keys = [
        "time",
        "auc",
        "auc_se",
        "auc_lower",
        "auc_upper",
        "brier",
        "brier_se",
        "brier_lower",
        "brier_upper",
        "brier_null",
        "ipa",
        "ibs",
    ];
    let mut out = crate::render::csv::CsvOut::new(&keys);
    for r in v["times"].as_array().into_iter().flatten() {
        out.line(keys.iter().map(|k| {
            r[*k]
                .as_f64()
                .map_or(String::new(), crate::render::csv::num)
        }));
    }
    out.finish()
}
