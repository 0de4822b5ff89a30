//! Where each cohort's rows went, for `--cohort COL`: rows read, rows analysed, and the rows missing each column
//! the models use. A cohort whose rows all drop out (its patients have no value of a covariate, say) must not
//! vanish from the pooled result: it is an error naming it, or with `--allow-missing-cohorts` a warning in the
//! text, the JSON and the report.

use crate::failure::{CliResult, Failure};
use crate::input::factor_of;
use serde_json::{json, Value};
use sigsurv_io::{read_table, TableSpec};

/// One cohort's rows.
pub(super) struct CohortRows {
    pub cohort: String,
    /// Rows of the clinical table with this cohort (after `--where`).
    pub n_read: usize,
    /// Rows with every column the models use.
    pub n_complete: usize,
    /// For each column the models use, the rows of this cohort missing it (a row may miss several).
    pub missing_by_column: Vec<(String, usize)>,
}

impl CohortRows {
    pub fn to_json(&self) -> Value {
        let missing: serde_json::Map<String, Value> = self
            .missing_by_column
            .iter()
            .filter(|(_, k)| *k > 0)
            .map(|(c, k)| (c.clone(), json!(k)))
            .collect();
        json!({
            "cohort": self.cohort,
            "n_read": self.n_read,
            "n_complete": self.n_complete,
            "n_dropped": self.n_read - self.n_complete,
            "missing_by_column": missing,
        })
    }

    /// "62 rows, all missing age (62)".
    pub fn describe(&self) -> String {
        let missing: Vec<String> = self
            .missing_by_column
            .iter()
            .filter(|(_, k)| *k > 0)
            .map(|(c, k)| format!("{c}: {k}"))
            .collect();
        format!(
            "{} row(s) read, {} complete (missing per column: {})",
            self.n_read,
            self.n_complete,
            if missing.is_empty() {
                "none".to_string()
            } else {
                missing.join(", ")
            }
        )
    }
}

/// The rows of every cohort of column `cohort` in the table `spec`, for the model columns `used`, in R's factor
/// order of the cohorts.
pub(super) fn cohort_rows(
    spec: &TableSpec,
    cohort: &str,
    used: &[&str],
) -> CliResult<Vec<CohortRows>> {
    let all = read_table(spec, &[cohort])?;
    let factor = factor_of(cohort, all.get(cohort));
    let count = |codes: &[u32], levels: &[String]| -> Vec<usize> {
        // Per cohort of `factor`, the rows of a read whose cohort codes and levels are given.
        let mut by_level = vec![0usize; factor.levels.len()];
        for &c in codes {
            if let Some(k) = factor.levels.iter().position(|l| *l == levels[c as usize]) {
                by_level[k] += 1;
            }
        }
        by_level
    };
    let n_read = count(&factor.codes, &factor.levels);
    let complete = {
        let mut columns = vec![cohort];
        columns.extend(used.iter().copied().filter(|c| *c != cohort));
        let t = read_table(spec, &columns)?;
        let f = factor_of(cohort, t.get(cohort));
        count(&f.codes, &f.levels)
    };
    let mut missing: Vec<Vec<(String, usize)>> = vec![Vec::new(); factor.levels.len()];
    for &c in used.iter().filter(|c| **c != cohort) {
        let t = read_table(spec, &[cohort, c])?;
        let f = factor_of(cohort, t.get(cohort));
        let kept = count(&f.codes, &f.levels);
        for k in 0..factor.levels.len() {
            missing[k].push((c.to_string(), n_read[k] - kept[k]));
        }
    }
    Ok(factor
        .levels
        .iter()
        .enumerate()
        .map(|(k, name)| CohortRows {
            cohort: name.clone(),
            n_read: n_read[k],
            n_complete: complete[k],
            missing_by_column: std::mem::take(&mut missing[k]),
        })
        .collect())
}

/// The error for cohorts with no complete row, unless they may be left out.
pub(super) fn check_none_vanished(col: &str, rows: &[CohortRows], allow: bool) -> CliResult<()> {
    let gone: Vec<&CohortRows> = rows.iter().filter(|r| r.n_complete == 0).collect();
    if gone.is_empty() || allow {
        return Ok(());
    }
    let names: Vec<String> = gone.iter().map(|r| format!("\"{}\"", r.cohort)).collect();
    let mut f = Failure::input(format!(
        "cohort {} of column \"{col}\" has no row with every column the models use, so it would drop out of the \
         pooled analysis",
        names.join(", ")
    ));
    for r in &gone {
        f = f.hint(format!("cohort \"{}\": {}", r.cohort, r.describe()));
    }
    Err(f
        .hint("fill in the missing values, leave the column out of the model, or leave the cohort out with --where")
        .hint(
            "--allow-missing-cohorts (analysis files: allow_missing_cohorts = true under [data]) goes on without \
             it, with a warning",
        ))
}
