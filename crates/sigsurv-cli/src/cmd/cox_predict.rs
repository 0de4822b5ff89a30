//! `sigsurv cox --predict`: survival curves of a fitted Cox model for covariate profiles, as R's
//! `survfit(coxfit, newdata)` (or at the covariate means without newdata).

use super::cox::CoxModel;
use crate::args::OutputFormat;
use crate::failure::{CliResult, Failure};
use crate::output::json_text;
use crate::render::csv::{num, num_opt, CsvOut};
use serde_json::{json, Value};
use sigsurv_core::cox::{cox_survfit, CoxCurve, NewData};

/// Renders the predicted curves for `profiles` ("mean" or a table path).
pub(crate) fn predict(
    m: &CoxModel,
    profiles: &str,
    conf_level: f64,
    format: OutputFormat,
) -> CliResult<String> {
    let (x, labels) = if profiles == "mean" {
        (None, Vec::new())
    } else {
        let (x, labels) = crate::profiles::encode_profiles(&m.design, &m.table, profiles)?;
        (Some(x), labels)
    };
    let newdata = x.as_ref().map(|x| NewData {
        n: labels.len(),
        x,
        strata: None,
    });
    let curves = cox_survfit(&m.fit, &m.data(), newdata.as_ref(), conf_level)
        .map_err(|e| Failure::input(format!("cannot predict from the fit: {e}")))?;
    let profile_name = |c: &CoxCurve| c.profile.map_or("mean".to_string(), |i| labels[i].clone());
    let stratum_name = |c: &CoxCurve| {
        c.stratum
            .map(|s| m.design.strata_labels[s as usize].clone())
    };
    Ok(match format {
        OutputFormat::Json => json_text(&json!({
            "analysis": "cox_predict",
            "formula": m.formula_text,
            "conf_type": "log",
            "conf_level": conf_level,
            "curves": curves.iter().map(|c| json!({
                "profile": profile_name(c),
                "stratum": stratum_name(c),
                "table": {
                    "time": c.time, "n_risk": c.n_risk, "n_event": c.n_event, "n_censor": c.n_censor,
                    "surv": c.surv, "std_err": c.std_err, "lower": c.lower, "upper": c.upper, "cumhaz": c.cumhaz,
                },
            })).collect::<Vec<Value>>(),
        })),
        _ => {
            let mut out = CsvOut::new(&[
                "profile", "stratum", "time", "n_risk", "n_event", "n_censor", "surv", "std_err",
                "lower", "upper", "cumhaz",
            ]);
            for c in &curves {
                for i in 0..c.time.len() {
                    out.line([
                        profile_name(c),
                        stratum_name(c).unwrap_or_default(),
                        num(c.time[i]),
                        num(c.n_risk[i]),
                        num(c.n_event[i]),
                        num(c.n_censor[i]),
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
    })
}
