//! `sigsurv check`: run an analysis file and compare its results with expected (published) numbers.

use super::analyze::{execute, load};
use crate::analysis::expect::{evaluate, ExpectedFile};
use crate::args::CheckArgs;
use crate::failure::{CliResult, Failure};
use crate::render::text::{sig, TextTable};
use serde_json::json;

/// Exit code when the analysis ran but some expectation does not hold.
pub const DISAGREE: i32 = 3;

/// Where the expected-results file is documented.
const EXPECTED_DOC: &str = "see docs/analysis.md for the [[expect]] and [[curve]] entries";

pub fn run(a: &CheckArgs) -> CliResult<()> {
    let text = std::fs::read_to_string(&a.expected)
        .map_err(|e| Failure::input(format!("cannot read {}: {e}", a.expected.display())))?;
    let expected: ExpectedFile = toml::from_str(&text).map_err(|e| {
        Failure::input(format!(
            "invalid expected-results file {}: {}",
            a.expected.display(),
            e.to_string().trim_end().replace('\n', "\n  ")
        ))
        .hint(EXPECTED_DOC)
    })?;
    let problems = expected.problems();
    if !problems.is_empty() {
        let mut f = Failure::input(format!(
            "invalid expected-results file {}: {}",
            a.expected.display(),
            problems[0]
        ));
        for p in &problems[1..] {
            f = f.hint(p.clone());
        }
        return Err(f.hint(EXPECTED_DOC));
    }
    if expected.expect.is_empty() && expected.curve.is_empty() {
        return Err(Failure::input(format!(
            "{} has no [[expect]] or [[curve]] entry",
            a.expected.display()
        )));
    }
    let spec = load(&a.file)?;
    let outcome = execute(&spec, a.quiet, a.verbose)?;
    let results = evaluate(&expected, &outcome.summary);
    let unresolved: Vec<String> = results
        .iter()
        .filter(|r| r.unresolved)
        .map(|r| format!("{}: {}", r.name, r.note))
        .collect();
    if !unresolved.is_empty() {
        let mut f = Failure::input(format!(
            "{} names {} the analysis does not have: {}",
            a.expected.display(),
            if unresolved.len() == 1 {
                "a result"
            } else {
                "results"
            },
            unresolved[0]
        ));
        for u in &unresolved[1..] {
            f = f.hint(u.clone());
        }
        return Err(f.hint(
            "paths walk the analysis' summary.json (e.g. logrank.p_value, cox_groups.terms[term=group=high].exp_coef)",
        ));
    }
    let mut t = TextTable::new(&["", "check", "expected", "observed", "note"]);
    t.text_columns = vec![1, 2, 4];
    for r in &results {
        t.row(vec![
            if r.ok { "ok".into() } else { "FAIL".into() },
            r.name.clone(),
            r.expected.clone(),
            r.observed.map_or("-".into(), |x| sig(x, 6)),
            r.note.clone(),
        ]);
    }
    let failed = results.iter().filter(|r| !r.ok).count();
    crate::output::write_stdout(
        format!(
            "\n{}\n{} of {} checks agree\n",
            t.render(),
            results.len() - failed,
            results.len()
        )
        .as_bytes(),
    )?;
    if let Some(path) = &a.report {
        let v = json!({
            "analysis": "check",
            "agree": failed == 0,
            "n_checks": results.len(),
            "n_failed": failed,
            "checks": results.iter().map(|r| json!({
                "name": r.name, "expected": r.expected, "observed": r.observed, "ok": r.ok, "note": r.note,
            })).collect::<Vec<_>>(),
        });
        sigsurv_io::write_atomic(path, crate::output::json_text(&v).as_bytes())?;
    }
    if failed > 0 {
        return Err(Failure {
            message: format!("{failed} of {} checks disagree", results.len()),
            hints: Vec::new(),
            code: DISAGREE,
        });
    }
    Ok(())
}
