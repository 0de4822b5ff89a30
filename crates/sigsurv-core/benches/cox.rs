//! Cox regression benchmarks on 1,000,000 simulated rows × 12 columns (10 N(0, 1) covariates and a
//! 3-level factor), times in whole days: one Newton step (ℓ, U and I at β̂ on prepared data) with Efron and
//! with Breslow ties, and the whole `cox_ph` fit (Efron). Throughput is in rows.
//! Run: `cargo bench -p sigsurv-core --bench cox`.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use sigsurv_core::cox::{cox_ph, CoxData, CoxLikelihood, CoxOptions, Ties};
use sigsurv_core::simulate::{simulate_cohort, SimulationSpec};
use std::hint::black_box;

struct Data {
    time: Vec<f64>,
    event: Vec<bool>,
    x: Vec<f64>,
    names: Vec<String>,
}

fn simulate(n: usize) -> Data {
    let sim = simulate_cohort(&SimulationSpec {
        n,
        seed: 20240611,
        covariates: 10,
        cohorts: 1,
        ..Default::default()
    });
    let mut x = Vec::with_capacity(n * 12);
    for c in &sim.covariates {
        x.extend_from_slice(c);
    }
    for level in 1..3u32 {
        x.extend(sim.group.iter().map(|&g| f64::from(u8::from(g == level))));
    }
    let mut names: Vec<String> = (1..=10).map(|j| format!("x{j}")).collect();
    names.extend(["group=g2".to_string(), "group=g3".to_string()]);
    Data {
        time: sim.time,
        event: sim.event,
        x,
        names,
    }
}

fn bench(c: &mut Criterion) {
    let d = simulate(1_000_000);
    let data = CoxData {
        start: None,
        stop: &d.time,
        event: &d.event,
        x: &d.x,
        p: 12,
        names: &d.names,
        strata: None,
        weights: None,
        cluster: None,
        offset: None,
    };
    let fit = cox_ph(&data, &CoxOptions::default()).unwrap();
    let lik = CoxLikelihood::new(&data, true).unwrap();
    let mut g = c.benchmark_group("cox_1M_x12_efron");
    g.sample_size(10);
    g.throughput(Throughput::Elements(d.time.len() as u64));
    g.bench_function("newton_step", |b| {
        b.iter(|| black_box(lik.evaluate(black_box(&fit.coef), Ties::Efron)))
    });
    g.bench_function("newton_step_breslow", |b| {
        b.iter(|| black_box(lik.evaluate(black_box(&fit.coef), Ties::Breslow)))
    });
    g.bench_function("cox_ph", |b| {
        b.iter(|| black_box(cox_ph(black_box(&data), &CoxOptions::default()).unwrap()))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
