//! Micro-benchmarks of the core kernels on simulated data, next to the physical floor of the same data:
//!
//! * `km_by_group` — Kaplan-Meier curves of 3 groups with Greenwood CIs (1,000,000 rows, times in whole days);
//! * `logrank` — the 3-group log-rank test, plain and stratified by 4 cohorts (1,000,000 rows);
//! * `ssgsea` — ssGSEA scores of one 50-gene set, per sample of a 20,000-gene matrix (throughput = samples);
//! * `floor` — sorting the same time column (`sort_unstable_by(total_cmp)`) and copying it (`memcpy`).
//!
//! Cox (one Newton step, the whole fit) is in `benches/cox.rs`. Run: `cargo bench -p sigsurv-core --bench kernels`.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};
use sigsurv_core::km::{kaplan_meier_by, KmOptions};
use sigsurv_core::logrank::{survdiff, LogRankOptions};
use sigsurv_core::score::{score_sets, ScoreMethod};
use sigsurv_core::simulate::{simulate_cohort, SimulatedCohort, SimulationSpec};
use std::hint::black_box;

const ROWS: usize = 1_000_000;

fn cohort() -> SimulatedCohort {
    simulate_cohort(&SimulationSpec {
        n: ROWS,
        seed: 20240611,
        covariates: 0,
        cohorts: 4,
        ..Default::default()
    })
}

fn survival(c: &mut Criterion) {
    let d = cohort();
    let mut g = c.benchmark_group("survival_1M");
    g.sample_size(20);
    g.throughput(Throughput::Elements(ROWS as u64));
    g.bench_function("km_by_group", |b| {
        b.iter(|| {
            black_box(
                kaplan_meier_by(&d.time, &d.event, &d.group, 3, &KmOptions::default()).unwrap(),
            )
        })
    });
    let opts = LogRankOptions::default();
    g.bench_function("logrank", |b| {
        b.iter(|| black_box(survdiff(&d.time, &d.event, &d.group, 3, None, &opts).unwrap()))
    });
    g.bench_function("logrank_stratified", |b| {
        b.iter(|| {
            black_box(survdiff(&d.time, &d.event, &d.group, 3, Some(&d.cohort), &opts).unwrap())
        })
    });
    // The floor: any of the above must at least order the times once and read them once.
    g.bench_function("floor_sort_time", |b| {
        b.iter_batched_ref(
            || d.time.clone(),
            |t| t.sort_unstable_by(f64::total_cmp),
            criterion::BatchSize::LargeInput,
        )
    });
    let mut dst = vec![0.0; ROWS];
    g.bench_function("floor_memcpy_time", |b| {
        b.iter(|| dst.copy_from_slice(black_box(&d.time)))
    });
    g.finish();
}

fn ssgsea(c: &mut Criterion) {
    let (genes, samples) = (20_000, 64);
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let expr: Vec<f64> = (0..genes * samples)
        .map(|_| StandardNormal.sample(&mut rng))
        .collect();
    let mut set: Vec<usize> = (0..50).map(|_| rng.random_range(0..genes)).collect();
    set.sort_unstable();
    set.dedup();
    let sets = vec![set];
    let mut g = c.benchmark_group("ssgsea_20k_genes");
    g.sample_size(10);
    g.throughput(Throughput::Elements(samples as u64));
    g.bench_function("score_sets_64_samples", |b| {
        b.iter(|| {
            black_box(
                score_sets(black_box(&expr), genes, samples, &sets, ScoreMethod::Ssgsea).unwrap(),
            )
        })
    });
    g.finish();
}

criterion_group!(benches, survival, ssgsea);
criterion_main!(benches);
