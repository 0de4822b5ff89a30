//! `sigsurv km`: Kaplan-Meier curves per group, as R's `survfit` + `summary(fit)` + `print(fit)`.

use crate::args::KmArgs;
use crate::failure::{CliResult, Failure};
use crate::input::SurvInput;
use crate::model::km::fit_km;
use crate::output::keep_until_exit;
use crate::render;

pub fn run(a: &KmArgs) -> CliResult<()> {
    crate::core_options::check_conf_level(a.conf_level)?;
    if let Some(tau) = a.rmst {
        if !tau.is_finite() || tau <= 0.0 {
            return Err(Failure::input(format!(
                "--rmst {tau} must be a positive time"
            )));
        }
    }
    if let Some(t) = a.times.iter().find(|t| !t.is_finite()) {
        return Err(Failure::input(format!("--times {t} is not a finite time")));
    }
    let d = &a.design;
    if d.robust && d.entry.is_some() && d.cluster.is_none() {
        // R: survfit(Surv(start, stop, event) ~ 1, robust = TRUE) without id or cluster.
        return Err(Failure::input("id or cluster option required (--robust with --entry)").hint(
            "give --cluster COL (the subject of each row), or leave out --robust for R's default",
        ));
    }
    let extra: Vec<&str> = [&a.by, &d.weights, &d.entry, &d.cluster]
        .into_iter()
        .flatten()
        .map(String::as_str)
        .collect();
    let mut input = SurvInput::read(&a.data, &extra, &a.output)?;
    let fits = fit_km(a, &mut input)?;
    render::km_at_times::note_omitted(a, &fits);
    let text = render::km::render(a, &input, &fits, a.output.resolved_format());
    let written = a.output.emit(&text);
    keep_until_exit((input, fits, text));
    written
}
