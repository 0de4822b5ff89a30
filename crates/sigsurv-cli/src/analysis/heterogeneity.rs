//! How much the cohorts' hazard ratios of the score differ: Cochran's Q, I² and τ² of the per-cohort log HRs,
//! with the DerSimonian-Laird random-effects pooled HR next to the stratified Cox model's (see
//! docs/methods/cohorts.md).

use super::cohort::Cohort;
use serde_json::{json, Value};
use sigsurv_core::meta_analysis;

/// The `heterogeneity` key of the pooled results, for the term `term` of each cohort's score model; `None` with
/// fewer than two cohorts in which the term is estimable (the cohorts left out are named).
pub(super) fn heterogeneity(cohorts: &[Cohort], term: &str) -> Value {
    let mut used = Vec::new();
    let mut not_estimable = Vec::new();
    let (mut y, mut se) = (Vec::new(), Vec::new());
    for c in cohorts {
        let fit = &c.analysed.cox_score.fit;
        let t = fit.terms.iter().find(|t| t.term == term);
        // The coefficient's own standard error: the robust one when the cohort's fit is robust.
        let est = t.and_then(|t| Some((t.coef?, if fit.robust { t.robust_se? } else { t.se? })));
        match est {
            Some((b, s)) if b.is_finite() && s.is_finite() && s > 0.0 => {
                used.push(c.name.clone());
                y.push(b);
                se.push(s);
            }
            _ => not_estimable.push(c.name.clone()),
        }
    }
    if y.len() < 2 {
        return Value::Null;
    }
    let Ok(m) = meta_analysis(&y, &se, 0.95) else {
        return Value::Null;
    };
    let pooled = |p: &sigsurv_core::Pooled| {
        json!({
            "hr": p.estimate.exp(), "lower": p.lower.exp(), "upper": p.upper.exp(), "log_hr": p.estimate,
            "se": p.se, "p_value": p.p_value,
        })
    };
    json!({
        "term": term,
        "method": "DerSimonian-Laird",
        "cohorts": used,
        "not_estimable": not_estimable,
        "q": m.q,
        "q_df": m.q_df,
        "q_p_value": m.q_p_value,
        "i2": m.i2,
        "tau2": m.tau2,
        "random_effects": pooled(&m.random),
        "fixed_effect": pooled(&m.fixed),
    })
}
