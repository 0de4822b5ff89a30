//! `sigsurv simulate`: a synthetic cohort with a known truth, written to Parquet/CSV/IPC.

use crate::args::SimulateArgs;
use crate::failure::{CliResult, Failure};
use sigsurv_core::simulate::{simulate_cohort, SimulationSpec};
use sigsurv_io::OutColumn;

pub fn run(a: &SimulateArgs) -> CliResult<()> {
    let positive = [
        ("--hr", a.hr),
        ("--group-hr", a.group_hr),
        ("--shape", a.shape),
        ("--median-days", a.median_days),
        ("--follow-up", a.follow_up),
    ];
    for (flag, v) in positive {
        if !(v > 0.0 && v.is_finite()) {
            return Err(Failure::input(format!(
                "{flag} {v} must be a positive number"
            )));
        }
    }
    if !(a.censoring >= 0.0 && a.censoring.is_finite()) {
        return Err(Failure::input(format!(
            "--censoring {} must be >= 0",
            a.censoring
        )));
    }
    if a.causes == 1 {
        return Err(Failure::input(
            "--causes 1 is a single cause: give 2 or more competing causes, or leave it out",
        ));
    }
    if a.n == 0 || a.groups == 0 || a.cohorts == 0 {
        return Err(Failure::input(
            "--n, --groups and --cohorts must be at least 1",
        ));
    }
    // Every column is built in memory before the file is written: refuse a cohort that cannot fit, rather than
    // abort in the allocator. Per row: the covariates, time, score (f64), event, group, cohort and id, and the
    // output copies of the text columns (about 24 bytes each).
    let per_row = 8.0 * (a.covariates as f64 + 2.0) + 64.0;
    let needed = a.n as f64 * per_row;
    if let Some(avail) = sigsurv_io::memory::available_bytes() {
        if needed > avail as f64 {
            return Err(Failure::input(format!(
                "simulate --n {} --covariates {} needs about {} of memory; this machine has {} available",
                a.n,
                a.covariates,
                gigabytes(needed),
                gigabytes(avail as f64)
            ))
            .hint("use a smaller --n or --covariates (columns are built in memory before writing)"));
        }
    }
    let spec = SimulationSpec {
        n: a.n,
        seed: a.seed,
        groups: a.groups,
        group_log_hr: a.group_hr.ln(),
        score_log_hr: a.hr.ln(),
        covariates: a.covariates,
        covariate_log_hr: 0.1,
        cohorts: a.cohorts,
        shape: a.shape,
        median_days: a.median_days,
        censoring_rate: if a.censoring > 0.0 {
            1.0 / a.censoring
        } else {
            0.0
        },
        admin_censoring: a.follow_up,
        causes: a.causes,
    };
    let d = simulate_cohort(&spec);
    let names = |prefix: &str, codes: &[u32]| -> Vec<String> {
        codes.iter().map(|c| format!("{prefix}{}", c + 1)).collect()
    };
    let mut cols = vec![
        ("id".to_string(), OutColumn::I64((1..=a.n as i64).collect())),
        ("time".to_string(), OutColumn::F64(d.time)),
        (
            "event".to_string(),
            OutColumn::I32(d.event.iter().map(|&e| i32::from(e)).collect()),
        ),
    ];
    if a.causes >= 2 {
        cols.push((
            "cause".to_string(),
            OutColumn::I32(d.cause.iter().map(|&c| c as i32).collect()),
        ));
    }
    cols.extend([
        ("group".to_string(), OutColumn::Str(names("g", &d.group))),
        ("cohort".to_string(), OutColumn::Str(names("c", &d.cohort))),
        ("score".to_string(), OutColumn::F64(d.score)),
    ]);
    for (j, x) in d.covariates.into_iter().enumerate() {
        cols.push((format!("x{}", j + 1), OutColumn::F64(x)));
    }
    sigsurv_io::write_columns(&a.output, cols)?;
    Ok(())
}

/// A byte count for a message: "12.3 GB".
fn gigabytes(bytes: f64) -> String {
    format!("{:.1} GB", bytes / 1e9)
}
