//! The human summary of an analysis, the text printed after a run: of one cohort, and of several cohorts with
//! their pooled models (each cohort's own text, then the pooled log-rank test and hazard ratios).

use super::cohort::Cohort;
use super::columns::{GROUP, SCORE};
use super::pooled::Pooled;
use crate::model::cox::CoxModel;
use crate::render::text::{pval, sig, sig_opt};
use serde_json::Value;

/// The text of one analysis.
pub(super) fn human_summary(
    s: &Value,
    cox_score: &CoxModel,
    cox_groups: &CoxModel,
    cov: Option<&str>,
    strata: &[String],
) -> String {
    let mut t = format!(
        "{} signature ({} of {} genes, {}) in {} patients with {} events\n",
        s["set"].as_str().unwrap_or(""),
        s["genes_used"].as_array().map_or(0, Vec::len),
        s["genes_used"].as_array().map_or(0, Vec::len)
            + s["genes_missing"].as_array().map_or(0, Vec::len)
            + s["genes_dropped_constant"].as_array().map_or(0, Vec::len),
        s["method"].as_str().unwrap_or(""),
        s["n"],
        s["n_events"]
    );
    let cuts: Vec<String> = s["cutpoints"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|c| sig(c.as_f64().unwrap_or(f64::NAN), 4))
                .collect()
        })
        .unwrap_or_default();
    t.push_str(&format!(
        "split: {} (cut-points {})\n\n",
        s["split"].as_str().unwrap_or(""),
        cuts.join(", ")
    ));
    if s.get("endpoint").is_some() {
        t.push_str(&endpoint_lines(s));
    }
    if s.get("km").is_some() {
        t.push_str("group        n  events   median (95% CI)\n");
    }
    for g in s["km"]["groups"].as_array().into_iter().flatten() {
        let f = |k: &str| g[k].as_f64();
        t.push_str(&format!(
            "{:<8} {:>5} {:>7}   {} ({} - {})\n",
            g["group"].as_str().unwrap_or(""),
            g["n"].to_string(),
            g["n_events"].to_string(),
            sig_opt(f("median"), 4),
            sig_opt(f("median_lower"), 4),
            sig_opt(f("median_upper"), 4)
        ));
    }
    if s.get("km").is_some() {
        t.push_str(&survival_at_lines(&s["km"]));
        t.push('\n');
        t.push_str(&logrank_line(&s["logrank"]));
    }
    if let Some(c) = s.get("cutpoint") {
        let permutation = match c["p_value_permutation"].as_f64() {
            Some(p) => format!(
                ", permutation p = {} ({} permutations)",
                pval(p),
                c["permutations"]
            ),
            None => String::new(),
        };
        t.push_str(&format!(
            "optimal cut-point: adjusted p (Lau94) = {}{permutation}; the log-rank p above and the groups' \
             hazard ratios below are biased by the search\n",
            pval(c["p_value"].as_f64().unwrap_or(f64::NAN))
        ));
    }
    let adj = match (cov, strata.is_empty()) {
        (None, true) => String::new(),
        (c, _) => {
            let mut parts: Vec<String> = c
                .map(|c| vec![format!("adjusted for {c}")])
                .unwrap_or_default();
            if !strata.is_empty() {
                parts.push(format!("stratified by {}", strata.join(", ")));
            }
            format!(" ({})", parts.join(", "))
        }
    };
    let kind = if s.get("endpoint").is_some() {
        "Cause-specific Cox"
    } else {
        "Cox"
    };
    t.push_str(&format!("\n{kind}{adj}:\n"));
    t.push_str(&hazard_ratio_lines(
        cox_score,
        cox_groups,
        "per SD of the score",
    ));
    if s.get("endpoint").is_some() {
        t.push_str(&format!("\nFine-Gray{adj}:\n"));
        for key in ["finegray_score", "finegray_groups"] {
            for term in s[key]["terms"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|x| {
                    x["term"]
                        .as_str()
                        .is_some_and(|n| n.starts_with(SCORE) || n.starts_with(GROUP))
                })
            {
                let f = |k: &str| term[k].as_f64();
                t.push_str(&format!(
                    "  {:<12} SHR {} ({} - {}), p = {}\n",
                    term["term"].as_str().unwrap_or(""),
                    sig_opt(f("exp_coef"), 3),
                    sig_opt(f("lower"), 3),
                    sig_opt(f("upper"), 3),
                    f("p_value").map_or("NA".into(), pval)
                ));
            }
        }
    }
    t
}

/// A disease-specific endpoint: the cause, each group's events of it and of the competing causes, its
/// cumulative incidence at the time points, and Gray's test.
fn endpoint_lines(s: &Value) -> String {
    let e = &s["endpoint"];
    let cause = e["cause"].as_str().unwrap_or("");
    let competing = super::report::names(&e["competing_causes"]);
    let mut t = format!(
        "endpoint: {cause} ({} events; {}; censored: {})\n",
        e["n_events"],
        if competing.is_empty() {
            "no competing cause".to_string()
        } else {
            format!(
                "competing: {}, {} events",
                competing.join(", "),
                e["n_competing"]
            )
        },
        e["censor_value"].as_str().unwrap_or("")
    );
    t.push_str("group        n  events  competing\n");
    for g in s["cif"]["groups"].as_array().into_iter().flatten() {
        let (own, competing) = super::report::cause_events(g, cause);
        t.push_str(&format!(
            "{:<8} {:>5} {:>7} {:>10}\n",
            g["group"].as_str().unwrap_or(""),
            g["n"].to_string(),
            own,
            competing
        ));
    }
    for r in s["cif"]["at"].as_array().into_iter().flatten() {
        if r["cause"].as_str() != Some(cause) {
            continue;
        }
        t.push_str(&format!(
            "  {} at {}: cumulative incidence {} ({} - {})\n",
            r["group"].as_str().unwrap_or(""),
            sig(r["time"].as_f64().unwrap_or(f64::NAN), 6),
            sig_opt(r["estimate"].as_f64(), 3),
            sig_opt(r["lower"].as_f64(), 3),
            sig_opt(r["upper"].as_f64(), 3)
        ));
    }
    let g = &s["gray"];
    if !g.is_null() {
        t.push_str(&format!(
            "\nGray's test ({cause}): chisq = {} on {} df, p = {}\n",
            sig(g["statistic"].as_f64().unwrap_or(f64::NAN), 4),
            g["df"],
            pval(g["p_value"].as_f64().unwrap_or(f64::NAN))
        ));
    }
    t
}

/// The log-rank test of a `logrank` JSON value, on one line.
fn logrank_line(logrank: &Value) -> String {
    format!(
        "log-rank: chisq = {} on {} df, p = {}\n",
        sig(logrank["chisq"].as_f64().unwrap_or(f64::NAN), 4),
        logrank["df"],
        pval(logrank["p_value"].as_f64().unwrap_or(f64::NAN))
    )
}

/// One line per `score` / `group=...` term of the two Cox models: HR (CI), p.
fn hazard_ratio_lines(cox_score: &CoxModel, cox_groups: &CoxModel, score_note: &str) -> String {
    let mut t = String::new();
    for (model, prefix) in [(cox_score, SCORE), (cox_groups, GROUP)] {
        for term in model
            .fit
            .terms
            .iter()
            .filter(|x| x.term.starts_with(prefix))
        {
            t.push_str(&format!(
                "  {:<12} HR {} ({} - {}), p = {}{}\n",
                term.term,
                sig_opt(term.exp_coef, 3),
                sig_opt(term.lower, 3),
                sig_opt(term.upper, 3),
                term.p_value.map_or("NA".into(), pval),
                if term.term == SCORE {
                    format!("   {score_note}")
                } else {
                    String::new()
                }
            ));
        }
    }
    t
}

/// The text of several cohorts: each cohort's own, then the pooled models.
pub(super) fn cohorts_summary(
    cohorts: &[Cohort],
    pooled: &Pooled,
    heterogeneity: &Value,
    covariates: Option<&str>,
) -> String {
    let mut t = String::new();
    for c in cohorts {
        t.push_str(&format!("== cohort {} ==\n", c.name));
        t.push_str(&c.analysed.text);
        t.push('\n');
    }
    t.push_str(&format!(
        "== pooled: {} cohorts, {} patients with {} events, stratified by {}{} ==\n",
        cohorts.len(),
        pooled.n,
        pooled.n_events,
        pooled.strata.join(", "),
        covariates.map_or(String::new(), |c| format!(", adjusted for {c}"))
    ));
    match pooled.groups_test {
        ("gray", ref g) if !g.is_null() => t.push_str(&format!(
            "Gray's test ({}): chisq = {} on {} df, p = {}\n",
            g["cause"].as_str().unwrap_or(""),
            sig(g["statistic"].as_f64().unwrap_or(f64::NAN), 4),
            g["df"],
            pval(g["p_value"].as_f64().unwrap_or(f64::NAN))
        )),
        ("gray", _) => {}
        (_, ref lr) => t.push_str(&logrank_line(lr)),
    }
    t.push_str(&hazard_ratio_lines(
        &pooled.cox_score,
        &pooled.cox_groups,
        "per SD of the score within its cohort",
    ));
    if let Some(q) = heterogeneity["q"].as_f64() {
        let h = heterogeneity;
        let re = &h["random_effects"];
        t.push_str(&format!(
            "heterogeneity of the score HR: Q = {} on {} df (p = {}), I² = {}%, tau² = {}; random effects \
             (DerSimonian-Laird): HR {} ({} - {})\n",
            sig(q, 4),
            h["q_df"],
            pval(h["q_p_value"].as_f64().unwrap_or(f64::NAN)),
            sig(h["i2"].as_f64().unwrap_or(f64::NAN), 3),
            sig(h["tau2"].as_f64().unwrap_or(f64::NAN), 3),
            sig_opt(re["hr"].as_f64(), 3),
            sig_opt(re["lower"].as_f64(), 3),
            sig_opt(re["upper"].as_f64(), 3)
        ));
    }
    t
}

/// The "survival at t" lines of `time_points` (the km JSON's `at` rows): one line per group, one column per time.
fn survival_at_lines(km: &Value) -> String {
    let Some(at) = km["at"].as_array().filter(|a| !a.is_empty()) else {
        return String::new();
    };
    let times: Vec<f64> = km["times"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_f64).collect())
        .unwrap_or_default();
    let mut sorted = times.clone();
    sorted.sort_by(f64::total_cmp);
    sorted.dedup();
    let mut t = format!(
        "\nsurvival at {} (95% CI):\n",
        sorted
            .iter()
            .map(|&x| sig(x, 6))
            .collect::<Vec<_>>()
            .join(", ")
    );
    for g in km["groups"].as_array().into_iter().flatten() {
        let name = g["group"].as_str().unwrap_or("");
        let cells: Vec<String> = sorted
            .iter()
            .map(|&time| {
                at.iter()
                    .find(|r| r["group"].as_str() == Some(name) && r["time"].as_f64() == Some(time))
                    .map_or("not followed".to_string(), |r| {
                        format!(
                            "{} ({} - {})",
                            sig_opt(r["survival"].as_f64(), 3),
                            sig_opt(r["lower"].as_f64(), 3),
                            sig_opt(r["upper"].as_f64(), 3)
                        )
                    })
            })
            .collect();
        t.push_str(&format!("{name:<8} {}\n", cells.join("   ")));
    }
    t
}
