//! Synthetic cohorts with a known truth, for power and method checks and as benchmark input.
//!
//! # Model
//! ```text
//! h(t | x) = h0_c(t) · exp(η),   h0_c(t) = λ_c k t^(k-1)           (Weibull, shape k, cohort c)
//! η = β_score · score + β_group[g] + Σ_j β_j x_j
//! T = (-log U / (λ_c e^η))^(1/k),  U ~ Uniform(0,1)
//! C = min(Exp(rate), τ_admin);  time = round(min(T, C)) in whole days;  event = T <= C
//! ```
//! `score`, `x_j` ~ N(0, 1); `g` uniform over the groups; `c` uniform over the cohorts. λ_c is chosen so that the
//! baseline median of cohort c is `median_days · (1 + 0.25 c)`. Rounding to days creates ties on purpose.
//!
//! With `causes = K ≥ 2` each event also gets a cause k = 1..K with probability proportional to K − k + 1
//! (two causes: 2/3 and 1/3): the cause-specific hazards are π_k h(t | x), so every cause has the same
//! covariate effects and the cumulative incidence of cause k is π_k (1 − S(t | x)).
//!
//! # Reproducibility
//! Rows are generated in fixed blocks of [`BLOCK`] rows, block b from a ChaCha8 stream seeded by (seed, b), so the
//! output depends on the seed only, never on the number of threads.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};
use rayon::prelude::*;

/// Rows per independently seeded block.
pub const BLOCK: usize = 1 << 16;

/// What to simulate.
#[derive(Clone, Debug)]
pub struct SimulationSpec {
    pub n: usize,
    pub seed: u64,
    /// Number of groups (named g1..gk); group j has log-HR `group_log_hr * j`.
    pub groups: usize,
    pub group_log_hr: f64,
    /// Log hazard ratio per unit (= per SD) of the continuous score.
    pub score_log_hr: f64,
    /// Number of N(0,1) covariates x1..xp; covariate j has log-HR `covariate_log_hr * (-1)^j`.
    pub covariates: usize,
    pub covariate_log_hr: f64,
    /// Number of cohorts (strata), each with its own baseline scale.
    pub cohorts: usize,
    /// Weibull shape k.
    pub shape: f64,
    /// Baseline median survival of cohort 0, in days.
    pub median_days: f64,
    /// Rate of random (exponential) censoring, per day.
    pub censoring_rate: f64,
    /// Administrative end of follow-up, in days.
    pub admin_censoring: f64,
    /// Number of competing causes of an event (0 or 1: a single cause).
    pub causes: usize,
}

impl Default for SimulationSpec {
    fn default() -> Self {
        SimulationSpec {
            n: 1000,
            seed: 1,
            groups: 3,
            group_log_hr: 0.3,
            score_log_hr: 1.5f64.ln(),
            covariates: 10,
            covariate_log_hr: 0.1,
            cohorts: 4,
            shape: 1.2,
            median_days: 1825.0,
            censoring_rate: 1.0 / 3650.0,
            admin_censoring: 3650.0,
            causes: 0,
        }
    }
}

impl SimulationSpec {
    /// Sets the score's hazard ratio per SD.
    pub fn with_score_hr(mut self, hr: f64) -> Self {
        self.score_log_hr = hr.ln();
        self
    }

    /// The true coefficients in the order score, group 2..k (vs g1), x1..xp.
    pub fn true_coefficients(&self) -> Vec<f64> {
        let mut b = vec![self.score_log_hr];
        b.extend((1..self.groups).map(|j| self.group_log_hr * j as f64));
        b.extend(
            (1..=self.covariates)
                .map(|j| self.covariate_log_hr * if j % 2 == 0 { 1.0 } else { -1.0 }),
        );
        b
    }
}

/// A simulated cohort, column by column.
#[derive(Clone, Debug, PartialEq)]
pub struct SimulatedCohort {
    pub time: Vec<f64>,
    pub event: Vec<bool>,
    /// 0 for a censored row, else the event's cause 1..K (1 for every event with fewer than two causes).
    pub cause: Vec<u32>,
    /// Group code 0..groups (name `g{code+1}`).
    pub group: Vec<u32>,
    /// Cohort code 0..cohorts (name `c{code+1}`).
    pub cohort: Vec<u32>,
    pub score: Vec<f64>,
    /// `covariates[j][i]`: covariate x{j+1} of row i.
    pub covariates: Vec<Vec<f64>>,
}

/// Simulates `spec.n` rows (see the module docs for the model).
pub fn simulate_cohort(spec: &SimulationSpec) -> SimulatedCohort {
    let groups = spec.groups.max(1);
    let cohorts = spec.cohorts.max(1);
    let p = spec.covariates;
    let lambda: Vec<f64> = (0..cohorts)
        .map(|c| {
            std::f64::consts::LN_2 / (spec.median_days * (1.0 + 0.25 * c as f64)).powf(spec.shape)
        })
        .collect();
    let beta_x: Vec<f64> = (1..=p)
        .map(|j| spec.covariate_log_hr * if j % 2 == 0 { 1.0 } else { -1.0 })
        .collect();
    let n_blocks = spec.n.div_ceil(BLOCK);
    let blocks: Vec<SimulatedCohort> = (0..n_blocks)
        .into_par_iter()
        .map(|b| {
            let rows = BLOCK.min(spec.n - b * BLOCK);
            let mut rng = ChaCha8Rng::seed_from_u64(spec.seed);
            rng.set_stream(b as u64);
            let mut out = SimulatedCohort {
                time: Vec::with_capacity(rows),
                event: Vec::with_capacity(rows),
                cause: Vec::with_capacity(rows),
                group: Vec::with_capacity(rows),
                cohort: Vec::with_capacity(rows),
                score: Vec::with_capacity(rows),
                covariates: vec![Vec::with_capacity(rows); p],
            };
            for _ in 0..rows {
                let g = rng.random_range(0..groups as u32);
                let c = rng.random_range(0..cohorts as u32);
                let score: f64 = StandardNormal.sample(&mut rng);
                let mut eta = spec.score_log_hr * score + spec.group_log_hr * g as f64;
                for (j, bx) in beta_x.iter().enumerate() {
                    let x: f64 = StandardNormal.sample(&mut rng);
                    out.covariates[j].push(x);
                    eta += bx * x;
                }
                let u: f64 = 1.0 - rng.random::<f64>(); // (0, 1]
                let t = (-u.ln() / (lambda[c as usize] * eta.exp())).powf(1.0 / spec.shape);
                let cens = if spec.censoring_rate > 0.0 {
                    let v: f64 = 1.0 - rng.random::<f64>();
                    (-v.ln() / spec.censoring_rate).min(spec.admin_censoring)
                } else {
                    spec.admin_censoring
                };
                let event = t <= cens;
                // Drawn only with several causes, so that a single-cause cohort is the same as ever.
                let cause = match (event, spec.causes) {
                    (false, _) => 0,
                    (true, 0 | 1) => 1,
                    (true, k) => {
                        let w: f64 = rng.random::<f64>() * (k * (k + 1) / 2) as f64;
                        let mut acc = 0.0;
                        (1..=k as u32)
                            .find(|&j| {
                                acc += (k as u32 - j + 1) as f64;
                                w < acc
                            })
                            .unwrap_or(k as u32)
                    }
                };
                out.event.push(event);
                out.cause.push(cause);
                out.time.push(t.min(cens).round());
                out.group.push(g);
                out.cohort.push(c);
                out.score.push(score);
            }
            out
        })
        .collect();
    let mut all = SimulatedCohort {
        time: Vec::with_capacity(spec.n),
        event: Vec::with_capacity(spec.n),
        cause: Vec::with_capacity(spec.n),
        group: Vec::with_capacity(spec.n),
        cohort: Vec::with_capacity(spec.n),
        score: Vec::with_capacity(spec.n),
        covariates: vec![Vec::with_capacity(spec.n); p],
    };
    for b in blocks {
        all.time.extend(b.time);
        all.event.extend(b.event);
        all.cause.extend(b.cause);
        all.group.extend(b.group);
        all.cohort.extend(b.cohort);
        all.score.extend(b.score);
        for (dst, src) in all.covariates.iter_mut().zip(b.covariates) {
            dst.extend(src);
        }
    }
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_for_a_seed_and_any_thread_count() {
        let spec = SimulationSpec {
            n: 3 * BLOCK + 17,
            covariates: 2,
            ..Default::default()
        };
        let a = simulate_cohort(&spec);
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        let b = pool.install(|| simulate_cohort(&spec));
        assert_eq!(a, b);
        let c = simulate_cohort(&SimulationSpec { seed: 2, ..spec });
        assert_ne!(a.time, c.time);
    }

    #[test]
    fn causes_split_the_events_in_their_proportions_and_change_nothing_else() {
        let one = SimulationSpec {
            n: 30_000,
            covariates: 2,
            ..Default::default()
        };
        let plain = simulate_cohort(&one);
        assert!(plain
            .cause
            .iter()
            .zip(&plain.event)
            .all(|(&c, &e)| c == u32::from(e)));
        let three = simulate_cohort(&SimulationSpec {
            causes: 3,
            ..one.clone()
        });
        let events = three.event.iter().filter(|e| **e).count() as f64;
        for (k, share) in [(1u32, 3.0 / 6.0), (2, 2.0 / 6.0), (3, 1.0 / 6.0)] {
            let n = three.cause.iter().filter(|&&c| c == k).count() as f64;
            assert!(
                (n / events - share).abs() < 0.02,
                "cause {k}: {}",
                n / events
            );
        }
        assert!(three
            .cause
            .iter()
            .zip(&three.event)
            .all(|(&c, &e)| (c > 0) == e));
    }

    #[test]
    fn plausible_cohort() {
        let spec = SimulationSpec {
            n: 20_000,
            ..Default::default()
        };
        let d = simulate_cohort(&spec);
        let events = d.event.iter().filter(|e| **e).count() as f64 / spec.n as f64;
        assert!(events > 0.3 && events < 0.9, "event fraction {events}");
        assert!(d
            .time
            .iter()
            .all(|t| *t >= 0.0 && *t <= spec.admin_censoring));
        assert!(d.time.iter().all(|t| t.fract() == 0.0), "whole days");
        assert_eq!(spec.true_coefficients().len(), 1 + 2 + 10);
    }
}
