//! Survival curves of a fitted Cox model for covariate profiles, as R's `survfit(coxfit, newdata)` (or at the
//! covariate means without newdata).

use super::cox::CoxModel;
use crate::failure::{CliResult, Failure};
use sigsurv_core::cox::{cox_survfit, CoxCurve, NewData};

/// The predicted curves and the labels of the profiles they are for.
pub(crate) struct Predicted {
    pub curves: Vec<CoxCurve>,
    /// One label per profile row; empty for the curve at the means.
    pub labels: Vec<String>,
}

impl Predicted {
    /// The profile a curve is for: its label, or "mean".
    pub fn profile_name(&self, c: &CoxCurve) -> String {
        c.profile
            .map_or("mean".to_string(), |i| self.labels[i].clone())
    }
}

/// The curves for `profiles` ("mean" or a table path).
pub(crate) fn predict(m: &CoxModel, profiles: &str, conf_level: f64) -> CliResult<Predicted> {
    let (x, labels) = if profiles == "mean" {
        (None, Vec::new())
    } else {
        let (x, labels) =
            crate::profiles::encode_profiles(&m.design, &m.formula, &m.table, profiles)?;
        (Some(x), labels)
    };
    let newdata = x.as_ref().map(|x| NewData {
        n: labels.len(),
        x,
        strata: None,
    });
    let curves = cox_survfit(&m.fit, &m.data(), newdata.as_ref(), conf_level)
        .map_err(|e| Failure::input(format!("cannot predict from the fit: {e}")))?;
    Ok(Predicted { curves, labels })
}
