//! Competing-risks benchmarks on simulated cohorts (times in whole days, so many ties; 3 groups, 4 cohorts as
//! strata): the Aalen-Johansen curves of both causes per group with their standard errors and Gray's test at
//! 1,000,000 rows, and the Fine-Gray fit with 10 covariates at 100,000 rows. The cause of an event is 1 or 2
//! by the score's sign. Throughput is in rows.
//! Run: `cargo bench --workspace --locked --bench competing`.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use sigsurv_core::simulate::{simulate_cohort, SimulationSpec};
use sigsurv_core::{
    aalen_johansen_by, fine_gray, gray_test, CifOptions, CompetingData, FineGrayOptions,
};
use std::hint::black_box;

struct Data {
    time: Vec<f64>,
    cause: Vec<u32>,
    group: Vec<u32>,
    cohort: Vec<u32>,
    x: Vec<f64>,
    names: Vec<String>,
}

fn simulate(n: usize) -> Data {
    let sim = simulate_cohort(&SimulationSpec {
        n,
        seed: 20240611,
        covariates: 10,
        ..Default::default()
    });
    let cause = sim
        .event
        .iter()
        .zip(&sim.score)
        .map(|(&e, &s)| {
            if !e {
                0
            } else if s > 0.0 {
                1
            } else {
                2
            }
        })
        .collect();
    Data {
        time: sim.time,
        cause,
        group: sim.group,
        cohort: sim.cohort,
        x: sim.covariates.concat(),
        names: (1..=10).map(|j| format!("x{j}")).collect(),
    }
}

fn bench(c: &mut Criterion) {
    let d = simulate(1_000_000);
    let data = CompetingData::new(&d.time, &d.cause, 2);
    let mut g = c.benchmark_group("competing_1M");
    g.sample_size(10);
    g.throughput(Throughput::Elements(d.time.len() as u64));
    g.bench_function("aalen_johansen_by_group", |b| {
        b.iter(|| black_box(aalen_johansen_by(&data, &d.group, 3, &CifOptions::default()).unwrap()))
    });
    g.bench_function("gray_test", |b| {
        b.iter(|| black_box(gray_test(&data, &d.group, 3, None, 0.0).unwrap()))
    });
    g.bench_function("gray_test_stratified", |b| {
        b.iter(|| black_box(gray_test(&data, &d.group, 3, Some((&d.cohort, 4)), 0.0).unwrap()))
    });
    g.bench_function("cif_and_gray", |b| {
        b.iter(|| {
            let curves = aalen_johansen_by(&data, &d.group, 3, &CifOptions::default()).unwrap();
            black_box((curves, gray_test(&data, &d.group, 3, None, 0.0).unwrap()))
        })
    });
    g.finish();

    let d = simulate(100_000);
    let data = CompetingData::new(&d.time, &d.cause, 2);
    let mut g = c.benchmark_group("fine_gray_100k_x10");
    g.sample_size(10);
    g.throughput(Throughput::Elements(d.time.len() as u64));
    g.bench_function("fine_gray", |b| {
        b.iter(|| {
            black_box(fine_gray(&data, 1, &d.x, &d.names, &FineGrayOptions::default()).unwrap())
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
