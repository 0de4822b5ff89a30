//! The output of `sigsurv cox --predict`: the predicted survival curves as JSON or CSV.

use crate::args::OutputFormat;
use crate::model::cox::CoxModel;
use crate::model::cox_predict::Predicted;
use crate::output::json_text;
use crate::render::csv::{num, num_opt, CsvOut};
use serde_json::{json, Value};
use sigsurv_core::cox::CoxCurve;

/// The curves as JSON, or as CSV for any other format.
pub(crate) fn render(m: &CoxModel, p: &Predicted, conf_level: f64, format: OutputFormat) -> String {
    let stratum_name = |c: &CoxCurve| {
        c.stratum
            .map(|s| m.design.strata_labels[s as usize].clone())
    };
    match format {
        OutputFormat::Json => json_text(&json!({
            "analysis": "cox_predict",
            "formula": m.formula_text,
            "conf_type": "log",
            "conf_level": conf_level,
            "curves": p.curves.iter().map(|c| json!({
                "profile": p.profile_name(c),
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
            for c in &p.curves {
                for i in 0..c.time.len() {
                    out.line([
                        p.profile_name(c),
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
    }
}
