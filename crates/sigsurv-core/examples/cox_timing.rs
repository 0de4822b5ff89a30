//! Wall-clock timing of a Cox fit on simulated data (release build):
//! `cargo run --release -p sigsurv-core --example cox_timing -- [rows] [threads]`
//! (defaults: 5,000,000 rows, rayon's default thread count). The model has 12 columns: 10 N(0, 1)
//! covariates and a 3-level factor (2 dummies); one stratum, Efron ties, times in whole days.

use sigsurv_core::cox::{cox_ph, CoxData, CoxOptions};
use sigsurv_core::simulate::{simulate_cohort, SimulationSpec};
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().map_or(5_000_000, |a| a.parse().expect("rows"));
    let threads: usize = args.next().map_or(0, |a| a.parse().expect("threads"));
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    pool.install(|| run(n));
}

fn run(n: usize) {
    let spec = SimulationSpec {
        n,
        seed: 20240611,
        covariates: 10,
        cohorts: 1,
        ..Default::default()
    };
    let t0 = Instant::now();
    let sim = simulate_cohort(&spec);
    let mut x = Vec::with_capacity(n * 12);
    for c in &sim.covariates {
        x.extend_from_slice(c);
    }
    for level in 1..3u32 {
        x.extend(
            sim.group
                .iter()
                .map(|&g| if g == level { 1.0 } else { 0.0 }),
        );
    }
    let mut names: Vec<String> = (1..=10).map(|j| format!("x{j}")).collect();
    names.extend(["group=g2".to_string(), "group=g3".to_string()]);
    println!(
        "simulated {n} rows ({} events) in {:.2?} on {} threads",
        sim.event.iter().filter(|&&e| e).count(),
        t0.elapsed(),
        rayon::current_num_threads()
    );
    let data = CoxData {
        start: None,
        stop: &sim.time,
        event: &sim.event,
        x: &x,
        p: 12,
        names: &names,
        strata: None,
        weights: None,
        cluster: None,
        offset: None,
    };
    for _ in 0..2 {
        let t = Instant::now();
        let c = cpu_seconds();
        let fit = cox_ph(&data, &CoxOptions::default()).unwrap();
        println!(
            "cox_ph (Efron): {:.2?} wall, {:.2} s CPU, {} iterations, loglik {:.6}, C = {:.6} (se {:.3e})",
            t.elapsed(),
            cpu_seconds() - c,
            fit.iterations,
            fit.loglik,
            fit.concordance.c,
            fit.concordance.se
        );
    }
}

/// User + system CPU time of this process (Linux /proc; NaN elsewhere). On a shared machine CPU time
/// is steadier than wall time.
fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return f64::NAN;
    };
    // Fields after the command name (which ends with ')'): utime and stime are fields 14 and 15.
    let rest = &stat[stat.rfind(')').map_or(0, |i| i + 2)..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        f.get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(f64::NAN)
    };
    (ticks(11) + ticks(12)) / 100.0
}
